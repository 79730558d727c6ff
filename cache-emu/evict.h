/*
 * maxmemory eviction: when used_memory is above maxmemory, free keys chosen
 * by the configured policy until it is not, the way Redis's evict.c does:
 * LRU, LFU and TTL are approximated by sampling maxmemory-samples keys per
 * database into a small pool of the best candidates seen so far, and the
 * best of the pool is evicted first.
 */
#ifndef CACHE_EVICT_H
#define CACHE_EVICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache-emu/db.h"

/* Redis's eight maxmemory-policy values. */
enum cache_evict_policy {
    CACHE_EVICT_NOEVICTION = 0,
    CACHE_EVICT_ALLKEYS_LRU,
    CACHE_EVICT_VOLATILE_LRU,
    CACHE_EVICT_ALLKEYS_LFU,
    CACHE_EVICT_VOLATILE_LFU,
    CACHE_EVICT_ALLKEYS_RANDOM,
    CACHE_EVICT_VOLATILE_RANDOM,
    CACHE_EVICT_VOLATILE_TTL,
};

/* The policy named s[0..len) (case-insensitive, as CONFIG SET accepts it):
 * 0, or DD_EINVAL for an unknown name. */
int cache_evict_policy_parse(const char *s, size_t len, enum cache_evict_policy *out);
/* The policy's Redis name ("allkeys-lru"); static storage. */
const char *cache_evict_policy_name(enum cache_evict_policy p);
/* True for the two LFU policies (lookups must then keep LFU counters). */
bool cache_evict_policy_is_lfu(enum cache_evict_policy p);

struct cache_evict;

/* The eviction pool (EVPOOL_SIZE candidates). Caller frees; NULL on ENOMEM. */
struct cache_evict *cache_evict_new(void);
/* Frees ev; NULL is a no-op. */
void cache_evict_free(struct cache_evict *ev);
/* Forgets pooled candidates (after FLUSHALL or a policy change). */
void cache_evict_reset(struct cache_evict *ev);

/*
 * performEvictions(): evicts keys of ks until cache_db_used_memory(ks) <=
 * maxmemory. Returns 0 when memory is within the limit (always when maxmemory
 * is 0), DD_ENOMEM when it is not and nothing more can be evicted (policy
 * noeviction, or no candidate keys: a volatile policy with no TTLs). Evicted
 * keys are counted in the keyspace's evicted_keys; *evicted (if not NULL)
 * receives how many this call removed.
 */
int cache_evict_perform(struct cache_evict *ev, struct cache_keyspace *ks, size_t maxmemory,
                        enum cache_evict_policy policy, int samples, int64_t now_ms,
                        size_t *evicted);

#endif
