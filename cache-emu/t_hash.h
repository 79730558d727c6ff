/*
 * The hash type: a map of binary-safe fields to binary-safe values, in the
 * two encodings Redis 7.0 has and with its conversion rule, because the
 * encoding is visible (OBJECT ENCODING) and decides the reply order.
 *
 *   listpack   while every field and value is at most hash-max-listpack-value
 *              bytes and there are at most hash-max-listpack-entries fields:
 *              iteration is insertion order, an update keeps the field's
 *              place, a delete closes the gap. Lookup is a linear scan, as in
 *              Redis.
 *   hashtable  once either limit is passed, for good (it does not go back
 *              when the hash shrinks): O(1) lookup, unspecified order.
 *
 * This is the engine layer: no client, no replies. The payload of a hash
 * object (obj->ptr) is a struct cache_hash; functions take it as void * so
 * generic code (COPY, OBJECT) needs no more than this header. Every byte is
 * allocated with cache_mem_alloc() on the keyspace passed in.
 */
#ifndef CACHE_T_HASH_H
#define CACHE_T_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache-emu/db.h"
#include "cache-emu/settings.h"
#include "cache-emu/t_hs_table.h"

struct cache_hash;

/* An empty hash object (listpack). Caller owns it until it is stored in
 * the keyspace; NULL when out of memory. */
struct cache_obj *cache_hash_obj_new(struct cache_keyspace *ks);
/* An empty hash payload; caller owns it (cache_hash_free). NULL on ENOMEM. */
void *cache_hash_new(struct cache_keyspace *ks);
/* obj->free of hash objects: frees the payload h and everything in it. */
void cache_hash_free(struct cache_keyspace *ks, void *h);
/* A deep copy of h in the same encoding and order (COPY). Caller owns the
 * result; NULL when out of memory. */
void *cache_hash_dup(struct cache_keyspace *ks, const void *h);
/* "listpack" or "hashtable" (static string). */
const char *cache_hash_encoding(const void *h);
/* Number of fields. */
size_t cache_hash_len(const void *h);

/* The value of field f: true with *v (borrowed, valid until h changes) and
 * *vlen set, false when the field is absent. */
bool cache_hash_get(const void *h, const void *f, size_t flen, const unsigned char **v,
                    size_t *vlen);
/* Sets f to v, converting to hashtable first when f or v is longer than
 * hash-max-listpack-value and after adding when the hash has more than
 * hash-max-listpack-entries fields. 1 when f was added, 0 when updated in
 * place, DD_ENOMEM (h unchanged). */
int cache_hash_set(struct cache_keyspace *ks, void *h, const struct cache_settings *s,
                   const void *f, size_t flen, const void *v, size_t vlen);
/* hashTypeTryConversion: HSET/HMSET check every argument length before
 * setting anything; a listpack hash converts when longest exceeds
 * hash-max-listpack-value. 0 or DD_ENOMEM. */
int cache_hash_fit(struct cache_keyspace *ks, void *h, const struct cache_settings *s,
                   size_t longest);
/* Removes f: 1 when it was there, 0 when not. */
int cache_hash_del(struct cache_keyspace *ks, void *h, const void *f, size_t flen);

/* Called once per field visited; pointers borrowed, valid during the call. */
typedef void (*cache_hash_visit_fn)(void *ctx, const unsigned char *f, size_t flen,
                                    const unsigned char *v, size_t vlen);

/* A walk in the encoding's order (insertion order for listpack). h must not
 * change during the walk. */
struct cache_hash_iter {
    const struct cache_hash *h; /* walked hash, borrowed */
    size_t pos;                 /* listpack: next index */
    struct cache_hs_iter ti;    /* hashtable position */
};
void cache_hash_iter_init(struct cache_hash_iter *it, const void *h);
/* The next field: true with the four outputs set (borrowed), false at the end. */
bool cache_hash_iter_next(struct cache_hash_iter *it, const unsigned char **f, size_t *flen,
                          const unsigned char **v, size_t *vlen);

/* HRANDFIELD key: one random field; false when h is empty. */
bool cache_hash_random(const void *h, const unsigned char **f, size_t *flen,
                       const unsigned char **v, size_t *vlen);
/* HRANDFIELD key -count: count picks, repeats allowed; fn once per pick. */
void cache_hash_random_repeat(const void *h, size_t count, cache_hash_visit_fn fn, void *ctx);
/* HRANDFIELD key count with count < len: count distinct fields in random
 * order. 0, DD_EINVAL (count >= len) or DD_ENOMEM (nothing visited). */
int cache_hash_random_distinct(const void *h, size_t count, cache_hash_visit_fn fn, void *ctx);

/*
 * HSCAN step. A listpack hash is returned whole, whatever the cursor, with
 * next cursor 0 (Redis does the same). A hashtable walks buckets from cursor
 * until about count fields (Redis counts field and value, so count/2 fields)
 * were seen or 10*count buckets were tried, and returns the next cursor (0
 * when done), with Redis's guarantee across resizes between calls.
 */
uint64_t cache_hash_scan(const void *h, uint64_t cursor, size_t count, cache_hash_visit_fn fn,
                         void *ctx);

#endif
