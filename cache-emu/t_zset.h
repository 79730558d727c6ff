/*
 * The sorted set type: members (binary-safe byte strings) ordered by
 * (score, member bytes), in Redis's two encodings.
 *
 *   "listpack"  small sets: one packed buffer of (member, score) entries in
 *               order, searched linearly; used while the set has at most
 *               zset-max-listpack-entries members of at most
 *               zset-max-listpack-value bytes each.
 *   "skiplist"  a skiplist with spans (O(log n) rank and range queries) plus
 *               a hash table from member to skiplist node (O(1) ZSCORE).
 *
 * Conversion to the skiplist is one-way (sticky), as in Redis 7.0.
 *
 * This is the engine layer: no replies, no clock. All memory comes from
 * cache_mem_alloc() on the keyspace passed in, so used_memory sees it.
 * Member pointers handed out (iterators, scan) point into the set and are
 * valid only until the next change to it.
 */
#ifndef CACHE_T_ZSET_H
#define CACHE_T_ZSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache-emu/db.h"
#include "cache-emu/settings.h"

struct cache_zset;

/* A new empty sorted set object (type CACHE_TYPE_ZSET, listpack encoded,
 * obj->free set); the caller owns it until it is stored. NULL on ENOMEM. */
struct cache_obj *cache_zset_obj_new(struct cache_keyspace *ks);
/* A new empty payload, owned by the caller (cache_zset_free); NULL on ENOMEM. */
struct cache_zset *cache_zset_new(struct cache_keyspace *ks);
/* Frees a sorted set payload (the obj->free of zset objects); NULL is a no-op. */
void cache_zset_free(struct cache_keyspace *ks, void *payload);
/* A deep copy of payload (same encoding), owned by the caller; NULL on ENOMEM. */
void *cache_zset_dup(struct cache_keyspace *ks, const void *payload);
/* OBJECT ENCODING: "listpack" or "skiplist". Static string. */
const char *cache_zset_encoding(const void *payload);
/* Number of members of payload (a struct cache_zset). */
size_t cache_zset_len(const void *payload);

/* Converts z to the skiplist encoding now (empty or not): the results of
 * ZUNIONSTORE and friends are built that way, as Redis builds them, so that
 * -0 survives. 0, or DD_ENOMEM (unchanged). */
int cache_zset_to_skiplist(struct cache_keyspace *ks, struct cache_zset *z);
/* Redis's zsetConvertToListpackIfNeeded(): a skiplist set small enough for
 * st's limits goes back to listpack. 0, or DD_ENOMEM (unchanged). */
int cache_zset_to_listpack_if_fits(struct cache_keyspace *ks, struct cache_zset *z,
                                   const struct cache_settings *st);

/* cache_zset_add() input flags (Redis's ZADD_IN_*). */
#define CACHE_ZADD_INCR 0x01 /* add score to the current one (ZINCRBY, ZADD INCR) */
#define CACHE_ZADD_NX   0x02 /* only add new members */
#define CACHE_ZADD_XX   0x04 /* only update existing members */
#define CACHE_ZADD_GT   0x08 /* update only when the new score is greater */
#define CACHE_ZADD_LT   0x10 /* update only when the new score is less */
/* store the score even when it only differs in sign from the current one
 * (-0 and 0): set operations assign the aggregate, ZADD compares with == */
#define CACHE_ZADD_EXACT 0x20
/* cache_zset_add() output flags (Redis's ZADD_OUT_*). */
#define CACHE_ZADD_ADDED   0x01 /* the member was new */
#define CACHE_ZADD_UPDATED 0x02 /* the member's score changed */
#define CACHE_ZADD_NOP     0x04 /* nothing done because of NX / XX / GT / LT */

/*
 * Redis's zsetAdd(): adds member with score, or updates it, per flags. On 0,
 * *out says what happened and, unless NOP, *newscore (may be NULL) holds the
 * member's score now. DD_ERANGE: the score (or the incremented score) is NaN,
 * nothing changed. DD_ENOMEM: nothing changed. st gives the listpack limits.
 */
int cache_zset_add(struct cache_keyspace *ks, struct cache_zset *z, const struct cache_settings *st,
                   const void *member, size_t mlen, double score, int flags, int *out,
                   double *newscore);
/* Removes member: 0, or DD_ENOENT when absent. */
int cache_zset_delete(struct cache_keyspace *ks, struct cache_zset *z, const void *member,
                      size_t mlen);
/* member's score: 0, or DD_ENOENT when absent. */
int cache_zset_score(const struct cache_zset *z, const void *member, size_t mlen, double *score);
/* member's 0-based rank, from the highest score when reverse: 0, or DD_ENOENT. */
int cache_zset_rank(const struct cache_zset *z, const void *member, size_t mlen, bool reverse,
                    size_t *rank);

/* A score interval; min/max may be +-inf. */
struct cache_zset_range {
    double min, max;   /* bounds */
    bool minex, maxex; /* exclusive bounds ("(" prefix) */
};

/* Kinds of lex bound: a string, or "-" / "+" (below / above every string). */
enum cache_zset_lex_kind {
    CACHE_ZLEX_STR = 0,
    CACHE_ZLEX_MIN, /* "-" */
    CACHE_ZLEX_MAX, /* "+" */
};

/* A lex interval over member bytes; the strings are borrowed from the caller. */
struct cache_zset_lex_range {
    const char *min, *max; /* bound bytes for CACHE_ZLEX_STR */
    size_t minlen, maxlen; /* their lengths */
    enum cache_zset_lex_kind minkind, maxkind;
    bool minex, maxex; /* exclusive ("(" prefix; "-" and "+" count as exclusive) */
};

/* Redis's zslParseRange(): "1.5", "(1.5", "-inf", "+inf"... 0, or DD_EINVAL
 * ("min or max is not a float"). */
int cache_zset_parse_range(const char *min, size_t minlen, const char *max, size_t maxlen,
                           struct cache_zset_range *r);
/* Redis's zslParseLexRange(): "[a", "(a", "-", "+". 0, or DD_EINVAL ("min or
 * max not valid string range item"). r borrows min and max. */
int cache_zset_parse_lex_range(const char *min, size_t minlen, const char *max, size_t maxlen,
                               struct cache_zset_lex_range *r);

/* Whether a score / member is above the range's min or below its max. */
bool cache_zset_score_gte_min(double v, const struct cache_zset_range *r);
bool cache_zset_score_lte_max(double v, const struct cache_zset_range *r);
bool cache_zset_lex_gte_min(const char *m, size_t mlen, const struct cache_zset_lex_range *r);
bool cache_zset_lex_lte_max(const char *m, size_t mlen, const struct cache_zset_lex_range *r);

/* The rank (0-based from the lowest) of the first member in r, or with
 * reverse of the last one: true with *rank set, false when none is in r. */
bool cache_zset_first_in_range(const struct cache_zset *z, const struct cache_zset_range *r,
                               bool reverse, size_t *rank);
bool cache_zset_first_in_lex_range(const struct cache_zset *z, const struct cache_zset_lex_range *r,
                                   bool reverse, size_t *rank);
/* ZCOUNT / ZLEXCOUNT: members in the range. */
size_t cache_zset_count_range(const struct cache_zset *z, const struct cache_zset_range *r);
size_t cache_zset_count_lex_range(const struct cache_zset *z, const struct cache_zset_lex_range *r);

/* ZREMRANGEBYSCORE / ZREMRANGEBYLEX: removes the members in the range (from
 * the first one in it, while the max holds); returns how many. */
size_t cache_zset_delete_range(struct cache_keyspace *ks, struct cache_zset *z,
                               const struct cache_zset_range *r);
size_t cache_zset_delete_lex_range(struct cache_keyspace *ks, struct cache_zset *z,
                                   const struct cache_zset_lex_range *r);
/* Removes the members of ranks start..end (inclusive, 0-based from the
 * lowest, end < length); returns how many. */
size_t cache_zset_delete_ranks(struct cache_keyspace *ks, struct cache_zset *z, size_t start,
                               size_t end);

/* A walk in rank order from a given rank, upwards or (reverse) downwards.
 * Fields private; public so that it can live on the stack. */
struct cache_zset_iter {
    const struct cache_zset *z; /* borrowed */
    const void *node;           /* skiplist node next returned, NULL at the end */
    size_t off;                 /* listpack: offset of the entry next returned */
    size_t left;                /* entries not yet returned */
    bool reverse;               /* towards lower ranks */
};

/* Starts at rank (0-based from the lowest); rank >= length yields nothing. */
void cache_zset_iter_init(struct cache_zset_iter *it, const struct cache_zset *z, size_t rank,
                          bool reverse);
/* The next member and score: true with *m and *mlen borrowed, false at the end. */
bool cache_zset_iter_next(struct cache_zset_iter *it, const char **m, size_t *mlen, double *score);

/* ZSCAN callback: member borrowed. */
typedef void (*cache_zset_scan_fn)(void *ctx, const char *m, size_t mlen, double score);
/* One ZSCAN step: a listpack set is visited whole (cursor 0 returned); a
 * skiplist set visits hash buckets from cursor until count members were seen
 * (or 10 * count buckets), with Redis's reverse-binary cursor. Returns the
 * next cursor, 0 when done. */
uint64_t cache_zset_scan(const struct cache_zset *z, uint64_t cursor, size_t count,
                         cache_zset_scan_fn fn, void *ctx);

/* Seeds the skiplist level generator (tests reproduce runs with it). */
void cache_zset_seed(uint64_t seed);

/* Checks every internal invariant (order, spans, hash, counts): for tests. */
bool cache_zset_valid(const struct cache_zset *z);

#endif
