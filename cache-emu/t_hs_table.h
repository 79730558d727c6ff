/*
 * The string table the hash and set types share for their big encoding
 * ("hashtable" in OBJECT ENCODING): a chained hash table of binary-safe keys,
 * each optionally carrying a value, with the three things Redis's dict gives
 * those types beyond lookup: a random entry (HRANDFIELD, SPOP), a stateless
 * reverse-binary SCAN cursor that survives resizes, and iteration.
 *
 * It also holds the small helpers both types need: Redis's canonical integer
 * test (which members an intset may hold), the process-wide random source of
 * the type modules, and a scratch "seen" set for picking distinct elements.
 *
 * Entries are allocated on their own and only relinked when the table
 * resizes, so a small encoding can hand its entries to a new table without
 * copying them. All stored memory goes through cache_mem_alloc().
 */
#ifndef CACHE_T_HS_TABLE_H
#define CACHE_T_HS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache-emu/db.h"

/* One element: key bytes inline; a hash field's value in its own block. */
struct cache_hs_entry {
    struct cache_hs_entry *next; /* bucket chain while in a table */
    uint64_t hash;               /* cache_hs_hash() of key, kept for resizes */
    unsigned char *val;          /* value bytes (hash fields), NULL for set members */
    size_t vlen;                 /* value length */
    size_t klen;                 /* key length */
    unsigned char key[];         /* key bytes */
};

/* A power-of-two array of chains. A zeroed struct is a valid empty table. */
struct cache_hs_table {
    struct cache_hs_entry **buckets; /* size chains; NULL while size is 0 */
    size_t size;                     /* 0 or a power of two */
    size_t used;                     /* entries linked */
    size_t maxchain;                 /* >= the longest chain (exact after a resize) */
};

/* Position of a walk over a table; zero it (or use cache_hs_iter_init) to start. */
struct cache_hs_iter {
    size_t bucket;                /* next bucket to enter */
    struct cache_hs_entry *entry; /* next entry in the current chain */
};

/* Seeded 64-bit hash of key bytes. */
uint64_t cache_hs_hash(const void *key, size_t klen);
/* The type modules' random source (xorshift64*); seeded by cache_hs_seed()
 * so tests can reproduce a run. */
uint64_t cache_hs_random(void);
/* A uniform-enough index in [0, n); n must be > 0. */
size_t cache_hs_random_index(size_t n);
void cache_hs_seed(uint64_t seed);

/* Redis's string2ll, the test for "an integer in canonical form" that decides
 * whether a set member fits an intset: optional '-', no '+', no leading zero,
 * no blanks, "-0" refused, in long long range. */
bool cache_hs_string2ll(const char *s, size_t len, long long *out);

/*
 * parseScanCursorOrReply's rule for HSCAN/SSCAN cursors: Redis reads the
 * argument with strtoul, so it accepts what strtoul does (an optional sign,
 * "-1" wrapping to 2^64-1; no leading blank; nothing after the digits; no
 * overflow), and, the argument being a C string to it, stops at a NUL byte
 * ("" is cursor 0). 0, DD_EINVAL ("ERR invalid cursor") or DD_ENOMEM.
 */
int cache_hs_parse_cursor(const char *s, size_t len, uint64_t *out);

/* A new entry holding copies of key and, when with_val, of val[0..vlen).
 * Caller owns it (cache_hs_entry_free). NULL when out of memory. */
struct cache_hs_entry *cache_hs_entry_new(struct cache_keyspace *ks, const void *key, size_t klen,
                                          const void *val, size_t vlen, bool with_val);
/* Replaces e's value with a copy of val; the old value is freed only on
 * success. 0 or DD_ENOMEM. */
int cache_hs_entry_set_val(struct cache_keyspace *ks, struct cache_hs_entry *e, const void *val,
                           size_t vlen);
/* Frees e and its value; NULL is a no-op. e must not be linked. */
void cache_hs_entry_free(struct cache_keyspace *ks, struct cache_hs_entry *e);

/* The entry for key, borrowed from t, or NULL. */
struct cache_hs_entry *cache_hs_find(const struct cache_hs_table *t, const void *key, size_t klen);
/* Links e (owned by t from now on; its key must be absent), growing the
 * table when full. DD_ENOMEM only when the first bucket array cannot be had,
 * and then the caller still owns e. */
int cache_hs_link(struct cache_keyspace *ks, struct cache_hs_table *t, struct cache_hs_entry *e);
/* Unlinks key's entry and returns it (the caller owns it now), or NULL when
 * absent. A table left under 10% full shrinks, an empty one frees its buckets. */
struct cache_hs_entry *cache_hs_unlink(struct cache_keyspace *ks, struct cache_hs_table *t,
                                       const void *key, size_t klen);
/* Frees every entry and the buckets; t is an empty table afterwards. */
void cache_hs_clear(struct cache_keyspace *ks, struct cache_hs_table *t);
/* Makes room for n entries at once (dictExpand), so a bulk copy does not
 * rehash on the way. Failing is harmless: 0 or DD_ENOMEM. */
int cache_hs_reserve(struct cache_keyspace *ks, struct cache_hs_table *t, size_t n);

/* A random entry (borrowed), NULL when t is empty. */
struct cache_hs_entry *cache_hs_pick(const struct cache_hs_table *t);

void cache_hs_iter_init(struct cache_hs_iter *it);
/* The next entry of a walk (borrowed), NULL at the end. t must not change
 * during the walk. */
struct cache_hs_entry *cache_hs_iter_next(const struct cache_hs_table *t, struct cache_hs_iter *it);

/* Visits the entries of one bucket of t. */
typedef void (*cache_hs_visit_fn)(void *ctx, const struct cache_hs_entry *e);
/*
 * One step of SCAN over t: visits the chain at cursor and returns the next
 * cursor, 0 once the walk is complete. Redis's guarantee holds (every entry
 * present for the whole walk is visited at least once, whatever resizes
 * happened between steps) because the cursor counts with its bits reversed.
 */
uint64_t cache_hs_scan_step(const struct cache_hs_table *t, uint64_t cursor, cache_hs_visit_fn fn,
                            void *ctx);

/* A scratch set of non-zero uintptr_t values (request-scoped, plain malloc):
 * used to draw k distinct elements by rejection. */
struct cache_hs_seen {
    uintptr_t *slots; /* open addressing, 0 = empty */
    size_t mask;      /* slots - 1 */
};
/* Room for k values. 0 or DD_ENOMEM. */
int cache_hs_seen_init(struct cache_hs_seen *s, size_t k);
/* true when v (non-zero) was not in the set and is now. */
bool cache_hs_seen_add(struct cache_hs_seen *s, uintptr_t v);
void cache_hs_seen_free(struct cache_hs_seen *s);

/* Fills out[0..k) with k distinct random indices of [0, n), in random order
 * (k <= n). Scratch memory is plain malloc. 0, DD_EINVAL or DD_ENOMEM. */
int cache_hs_pick_indices(size_t n, size_t k, size_t *out);

#endif
