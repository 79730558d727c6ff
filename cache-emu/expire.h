/*
 * Key expiry: each volatile key's absolute expire time (unix ms), kept by
 * db.c beside the key; keys past it are removed lazily when touched and
 * actively by a bounded background cycle, as Redis does. Time is always
 * passed in.
 */
#ifndef CACHE_EXPIRE_H
#define CACHE_EXPIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache-emu/db.h"

/* Keys sampled per round of the active cycle (ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP). */
#define CACHE_EXPIRE_KEYS_PER_LOOP 20
/* Another round runs while more than this percentage of a round's sample expired. */
#define CACHE_EXPIRE_REPEAT_PCT 25

/* Sets key's absolute expire time: 0, or DD_ENOENT when the key is absent
 * (expired keys count as absent), DD_ENOMEM. A time already past is stored;
 * the next access reclaims the key. The caller applies NX/XX/GT/LT. */
int cache_expire_set(struct cache_db *db, const void *key, size_t klen, int64_t when_ms,
                     int64_t now_ms);
/* The absolute expire time in ms, or -1 when the key has none (or is absent). */
int64_t cache_expire_get(struct cache_db *db, const void *key, size_t klen);
/* PERSIST: 0 when a TTL was removed, DD_ENOENT when there was none. Takes no
 * time, so the caller looks the key up first (lazy expiry), as PERSIST does. */
int cache_expire_remove(struct cache_db *db, const void *key, size_t klen);

/* Lazy expiry: when key exists with a TTL <= now_ms it is deleted (counted,
 * listener told EXPIRED) and true is returned. */
bool cache_expire_if_needed(struct cache_db *db, const void *key, size_t klen, int64_t now_ms);

/* One active expiry pass over db, examining at most budget keys with TTLs
 * (at least one round of CACHE_EXPIRE_KEYS_PER_LOOP when budget is 0).
 * Returns the number of keys it expired. */
size_t cache_expire_cycle(struct cache_db *db, int64_t now_ms, size_t budget);

#endif
