/*
 * The list type: Redis's quicklist, a doubly linked deque of packed chunks.
 *
 * Each chunk holds up to 8 KB of elements packed back to back (Redis's
 * list-max-listpack-size -2), with free space kept at both ends so that a
 * push at either end of the list writes in place, and a pop just moves a
 * boundary. Elements are binary-safe byte strings.
 *
 * This is the engine layer: no replies, no clock. All memory comes from
 * cache_mem_alloc() on the keyspace passed in, so used_memory sees it.
 *
 * Pointers to element bytes handed out (peek, iterators) point into a chunk
 * and are valid only until the next change to the list.
 */
#ifndef CACHE_T_LIST_H
#define CACHE_T_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache-emu/db.h"

struct cache_list;
struct cache_list_node;

/* Which end of the list a push or pop works on. */
enum cache_list_where {
    CACHE_LIST_HEAD = 0, /* left: LPUSH, LPOP */
    CACHE_LIST_TAIL = 1, /* right: RPUSH, RPOP */
};

/* A new empty list object (type CACHE_TYPE_LIST, obj->free set); the caller
 * owns it until it is stored. NULL when out of memory. */
struct cache_obj *cache_list_obj_new(struct cache_keyspace *ks);
/* A new empty list payload, owned by the caller (free with cache_list_free);
 * NULL when out of memory. */
struct cache_list *cache_list_new(struct cache_keyspace *ks);
/* Frees a list payload and every chunk (the obj->free of list objects);
 * NULL is a no-op. */
void cache_list_free(struct cache_keyspace *ks, void *payload);
/* A deep copy of payload (a struct cache_list), owned by the caller; NULL on
 * ENOMEM. */
void *cache_list_dup(struct cache_keyspace *ks, const void *payload);
/* OBJECT ENCODING: "quicklist", as Redis 7.0 reports for every list. Static. */
const char *cache_list_encoding(const void *payload);
/* Number of elements of payload (a struct cache_list). */
size_t cache_list_len(const void *payload);

/* Adds a copy of p[0..n) at where. 0, DD_ENOMEM, DD_ERANGE (n too big). */
int cache_list_push(struct cache_keyspace *ks, struct cache_list *l, enum cache_list_where where,
                    const void *p, size_t n);
/* The element at where without removing it: 0 with *p and *n borrowed from l,
 * or DD_ENOENT when l is empty. */
int cache_list_peek(const struct cache_list *l, enum cache_list_where where, const char **p,
                    size_t *n);
/* Removes the element at where: 0, or DD_ENOENT when l is empty. */
int cache_list_pop(struct cache_keyspace *ks, struct cache_list *l, enum cache_list_where where);
/* Pops from src's end `from` and pushes the element at dst's end `to` (src
 * and dst may be the same list: LMOVE's rotation). 0, DD_ENOENT (src empty),
 * DD_ENOMEM (nothing changed). */
int cache_list_move(struct cache_keyspace *ks, struct cache_list *src, enum cache_list_where from,
                    struct cache_list *dst, enum cache_list_where to);

/* The element at 0-based index (negative counts from the tail, -1 the last):
 * 0 with *p and *n borrowed, or DD_ERANGE when out of range. */
int cache_list_index(const struct cache_list *l, long long index, const char **p, size_t *n);
/* LSET: replaces the element at index (negative from the tail) with a copy of
 * p[0..n). 0, DD_ERANGE (no such index), DD_ENOMEM (list unchanged). */
int cache_list_set(struct cache_keyspace *ks, struct cache_list *l, long long index, const void *p,
                   size_t n);
/* LINSERT: inserts a copy of p[0..n) before (or after) the first element from
 * the head equal to pivot. 0, DD_ENOENT (no pivot), DD_ENOMEM (unchanged). */
int cache_list_insert(struct cache_keyspace *ks, struct cache_list *l, const void *pivot,
                      size_t plen, bool after, const void *p, size_t n);
/* LREM: removes elements equal to p[0..n), at most count of them (0 = all),
 * scanning from the tail when from_tail. Returns how many were removed. */
size_t cache_list_remove(struct cache_keyspace *ks, struct cache_list *l, const void *p, size_t n,
                         size_t count, bool from_tail);
/* LTRIM and multi-pop: removes nhead elements from the head and ntail from
 * the tail (clamped to the length). */
void cache_list_trim(struct cache_keyspace *ks, struct cache_list *l, size_t nhead, size_t ntail);

/*
 * A cursor over the elements, in either direction, that may delete the
 * element it last returned and go on. It sits between two elements: `node`
 * and the byte offset `pos` inside it. The fields are private; the struct is
 * public only so that callers can keep it on the stack.
 */
struct cache_list_iter {
    struct cache_list *l;         /* the list walked, borrowed */
    struct cache_list_node *node; /* chunk the cursor is in; NULL when past the end */
    uint32_t pos;                 /* byte boundary inside node's data */
    uint32_t last;                /* size of the entry last returned, 0 when none */
    bool forward;                 /* head to tail when true */
};

/* Positions it before the element at index (0-based from the head; it must be
 * < length, or the iterator yields nothing) so that the first next() returns
 * it, then moves towards the tail when forward, else towards the head. */
void cache_list_iter_init(struct cache_list_iter *it, struct cache_list *l, size_t index,
                          bool forward);
/* The next element: true with *p and *n borrowed (valid until the list changes,
 * except through this iterator's delete), false at the end. */
bool cache_list_iter_next(struct cache_list_iter *it, const char **p, size_t *n);
/* Deletes the element the last next() returned; the iteration goes on with
 * the element after it (in the iterator's direction). */
void cache_list_iter_delete(struct cache_keyspace *ks, struct cache_list_iter *it);

/* Checks every internal invariant (links, counts, entry framing): for tests. */
bool cache_list_valid(const struct cache_list *l);

#endif
