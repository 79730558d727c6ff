/*
 * The set type: unordered distinct binary-safe members, in the two
 * encodings of Redis 7.0.15 and with its conversion rule, because the
 * encoding is visible (OBJECT ENCODING) and decides the reply order.
 *
 *   intset     while every member is an integer in canonical form (Redis's
 *              string2ll: "12", "-3", not "012", "+1", " 1", "-0") and there
 *              are at most set-max-intset-entries members: iteration is in
 *              ascending numeric order.
 *   hashtable  once a member is not such an integer or the count passes the
 *              limit, for good: O(1) membership, unspecified order.
 *
 * This is the engine layer: no client, no replies. The payload of a set
 * object (obj->ptr) is a struct cache_set, taken as void * so generic code
 * (COPY, OBJECT) needs only this header. Every byte is allocated with
 * cache_mem_alloc() on the keyspace passed in. Set algebra (SINTER, SUNION,
 * SDIFF) lives here too, with Redis's algorithms, since which one runs
 * decides the encoding of a stored result.
 */
#ifndef CACHE_T_SET_H
#define CACHE_T_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache-emu/db.h"
#include "cache-emu/settings.h"
#include "cache-emu/t_hs_table.h"

struct cache_set;

/* An empty set object (intset). Caller owns it until it is stored in the
 * keyspace; NULL when out of memory. */
struct cache_obj *cache_set_obj_new(struct cache_keyspace *ks);
/* An empty set payload (intset); caller owns it (cache_set_free). NULL on ENOMEM. */
void *cache_set_new(struct cache_keyspace *ks);
/* obj->free of set objects: frees the payload s and its members. */
void cache_set_free(struct cache_keyspace *ks, void *s);
/* A deep copy of s in the same encoding (COPY). Caller owns the result;
 * NULL when out of memory. */
void *cache_set_dup(struct cache_keyspace *ks, const void *s);
/* "intset" or "hashtable" (static string). */
const char *cache_set_encoding(const void *s);
/* Number of members. */
size_t cache_set_len(const void *s);

/* Adds m (setTypeAdd): 1 when added, 0 when already there, DD_ENOMEM (s
 * unchanged). Converts to hashtable for a non-integer member or when the
 * intset grows past set-max-intset-entries. */
int cache_set_add(struct cache_keyspace *ks, void *s, const struct cache_settings *st,
                  const void *m, size_t len);
/* Removes m: 1 when it was there, 0 when not. */
int cache_set_remove(struct cache_keyspace *ks, void *s, const void *m, size_t len);
bool cache_set_contains(const void *s, const void *m, size_t len);

/* Called once per member visited; m borrowed, valid during the call only. */
typedef void (*cache_set_visit_fn)(void *ctx, const char *m, size_t len);

/* A walk in the encoding's order (ascending for intset). s must not change
 * during the walk. */
struct cache_set_iter {
    const struct cache_set *s; /* walked set, borrowed */
    size_t pos;                /* intset: next index */
    struct cache_hs_iter ti;   /* hashtable position */
    char buf[24];              /* intset: the current member as text */
};
void cache_set_iter_init(struct cache_set_iter *it, const void *s);
/* The next member: true with *m (valid until the next call) and *len set. */
bool cache_set_iter_next(struct cache_set_iter *it, const char **m, size_t *len);

/* SRANDMEMBER key: one random member to fn; false when s is empty. */
bool cache_set_random(const void *s, cache_set_visit_fn fn, void *ctx);
/* SRANDMEMBER key -count: count picks, repeats allowed. */
void cache_set_random_repeat(const void *s, size_t count, cache_set_visit_fn fn, void *ctx);
/* SRANDMEMBER key count with count < len: count distinct members in random
 * order. 0, DD_EINVAL (count >= len) or DD_ENOMEM (nothing visited). */
int cache_set_random_distinct(const void *s, size_t count, cache_set_visit_fn fn, void *ctx);
/* SPOP: shows one random member to fn, then removes it. false when empty. */
bool cache_set_pop(struct cache_keyspace *ks, void *s, cache_set_visit_fn fn, void *ctx);

/* SSCAN step: an intset is returned whole with next cursor 0, whatever the
 * cursor; a hashtable walks buckets until count members were seen or
 * 10*count buckets were tried (Redis's loop), returning the next cursor. */
uint64_t cache_set_scan(const void *s, uint64_t cursor, size_t count, cache_set_visit_fn fn,
                        void *ctx);

/*
 * SINTER over n > 0 sets (none NULL: a missing key makes the result empty
 * and is the caller's shortcut): iterates the smallest set (the first of
 * equal sizes) in its order and shows fn each member all others hold. With
 * limit > 0 it stops after limit members (SINTERCARD). fn may be NULL to
 * count only. Returns how many members the intersection yielded.
 */
size_t cache_set_inter(const void *const *sets, size_t n, size_t limit, cache_set_visit_fn fn,
                       void *ctx);
/* SINTERSTORE / SUNION / SDIFF: the result as a new payload built the way
 * Redis builds it (an intset first, members added in Redis's order, so the
 * result's encoding matches). sets[i] may be NULL for a missing key (an
 * empty set). *out is owned by the caller. 0 or DD_ENOMEM. */
int cache_set_inter_new(struct cache_keyspace *ks, const struct cache_settings *st,
                        const void *const *sets, size_t n, void **out);
int cache_set_union_new(struct cache_keyspace *ks, const struct cache_settings *st,
                        const void *const *sets, size_t n, void **out);
int cache_set_diff_new(struct cache_keyspace *ks, const struct cache_settings *st,
                       const void *const *sets, size_t n, void **out);

#endif
