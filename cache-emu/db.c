/*
 * The keyspace: numbered databases of key -> object hash tables, with the
 * TTLs of each database beside it, SCAN, eviction sampling and Redis's glob
 * matcher.
 *
 * The entry, and what a key costs. used_memory is the sum of
 * malloc_usable_size() of every block, so what a key costs is the number of
 * blocks it takes and the size classes they fall in (glibc: 24, 40, 56, 72,
 * 88 ... usable bytes). A key is therefore ONE block, struct dent: the chain
 * link, the value's struct cache_obj embedded (handlers get a pointer to it),
 * 32 bits of the key's hash, the key length, the key's place in the TTL array,
 * then the key bytes and, for strings up to INLINE_MAX bytes, the value bytes
 * (obj.ptr points at them and obj.free is NULL). Containers, long strings and
 * strings a type module made with its own free function keep their payload
 * in blocks of their own. A SET of a 12-byte key to a 5-byte value is a
 * 69-byte request, a 72-byte block, plus its bucket slot: 80.4 bytes a key
 * measured over 1M keys, against Redis 7.0.15's 88.5 (dictEntry + key sds +
 * robj); 97.2 with a TTL each, against 128.9 (test_memory_per_key).
 *
 * TTLs. Redis keeps a second dict (key -> when) per database; that is another
 * entry and bucket per volatile key. Here the entry only records its position
 * in a dense per-database array of {entry, when} pairs (xidx, 1-based, 0 = no
 * TTL), removed from by moving the last pair into the hole. Reading a TTL is
 * one more load after the key lookup; adding one never moves the entry; and
 * the array serves the two walks that need the volatile keys alone: the
 * active expiry cycle (in bit-reversed order over the array, see
 * cache_db_ttl_step) and volatile-* eviction sampling (uniform random picks).
 * A key with a TTL costs 16 more bytes (plus the array's doubling slack).
 *
 * The table: Redis's dict, chained buckets in a power-of-two array that
 * doubles when it is full and shrinks when under 1/8 full, rehashing
 * incrementally: while a resize is in progress both arrays exist, every
 * lookup, insert and delete first moves one bucket from the old array to the
 * new (skipping at most 10 empty ones), new keys go to the new array, lookups
 * try both, and cache_keyspace_rehash_step() lets the server's cron move
 * buckets in bulk for a time budget. Entries are only relinked by a resize,
 * never reallocated, so a stored object does not move when other keys come
 * and go; it moves only when its own key is overwritten with a value that
 * does not fit its block, renamed, or deleted. SCAN follows dictScan, so its
 * guarantee holds across resizes and mid-rehash.
 *
 * A database whose table empties frees its arrays, so that used_memory
 * returns to the empty keyspace's baseline.
 */
#include <assert.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache-emu/db.h"
#include "cache-emu/expire.h"
#include "common/err.h"

#define DICT_MIN_SIZE 4
/* Largest bucket array: the entry keeps 32 bits of hash. */
#define DICT_MAX_SIZE ((size_t)1 << 32)
/* Empty buckets one rehash step may skip per bucket it has to move. */
#define REHASH_EMPTY_VISITS 10
/* Buckets moved per batch by the cron's time-bounded rehash. */
#define REHASH_BATCH 100
/* An overwrite reallocates an entry whose block would waste more than this. */
#define ENTRY_SLACK_MAX 64

/* One key. Allocated as offsetof(data) + klen + inline value bytes. */
struct dent {
    struct dent *next;    /* bucket chain */
    struct cache_obj obj; /* the value's header; for inline strings ptr points into data */
    uint32_t hash;        /* low 32 bits of the key's hash: resizes never rehash bytes */
    uint32_t klen;        /* key length; keys are binary */
    uint32_t xidx;        /* 1 + index of the key's TTL in the expires array; 0 = none */
    unsigned char data[]; /* klen key bytes, then an inline string's bytes */
};
#define DENT_HDR offsetof(struct dent, data)

/* A key -> entry hash table, two arrays while rehashing (Redis's dict). */
struct dict {
    struct dent **t[2]; /* bucket arrays; t[1] only while rehashing */
    size_t size[2];     /* buckets, powers of two (0 = no array) */
    size_t used[2];     /* entries linked in each array */
    size_t rehashidx;   /* next t[0] bucket to move; SIZE_MAX when not rehashing */
    int pause;          /* > 0 while a bucket walk runs callbacks: no rehash, no resize */
};

/* One TTL: the volatile key's entry and its absolute expire time. */
struct xslot {
    struct dent *e; /* the entry; its xidx names this slot */
    int64_t when;   /* unix ms; the key is gone at when */
};

/* The volatile keys of a database, dense. */
struct xarr {
    struct xslot *v; /* cap slots, NULL when cap is 0 */
    size_t used;     /* slots in use, [0, used) */
    size_t cap;      /* power of two, or 0 */
};

struct cache_db {
    struct cache_keyspace *ks; /* owner */
    int id;                    /* SELECT index */
    struct dict keys;          /* key -> entry */
    struct xarr expires;       /* TTLs */
    uint64_t ttl_cursor;       /* reverse-binary cursor of the active expiry walk */
};

struct cache_keyspace {
    size_t used_memory;                /* usable bytes of every live block */
    int ndb;                           /* databases */
    struct cache_db *dbs;              /* ndb databases */
    uint64_t seed;                     /* hash seed */
    uint64_t rng;                      /* xorshift state for random picks */
    bool lfu;                          /* obj->lru holds LFU counters, not LRU seconds */
    int lfu_log_factor;                /* lfu-log-factor */
    int lfu_decay_minutes;             /* lfu-decay-time */
    unsigned fail_after;               /* test hook: the fail_after-th allocation fails */
    cache_key_listener_fn listener;    /* may be NULL */
    void *listener_ctx;                /* passed to listener */
    struct cache_keyspace_stats stats; /* INFO counters */
};

/* ---- memory ---- */

/* Fault injection (SQLite's test_malloc idea): true when this allocation
 * must fail. Costs one well-predicted branch when unused. */
static bool mem_fail(struct cache_keyspace *ks)
{
    return ks->fail_after && --ks->fail_after == 0;
}

void cache_mem_fail_after(struct cache_keyspace *ks, unsigned n)
{
    ks->fail_after = n;
}

void *cache_mem_alloc(struct cache_keyspace *ks, size_t n)
{
    if (mem_fail(ks))
        return NULL;
    void *p = malloc(n ? n : 1);
    if (p)
        ks->used_memory += malloc_usable_size(p);
    return p;
}

void *cache_mem_realloc(struct cache_keyspace *ks, void *p, size_t n)
{
    if (mem_fail(ks))
        return NULL;
    size_t old = p ? malloc_usable_size(p) : 0;
    void *q = realloc(p, n ? n : 1);
    if (!q)
        return NULL;
    assert(ks->used_memory >= old);
    ks->used_memory = ks->used_memory - old + malloc_usable_size(q);
    return q;
}

void cache_mem_free(struct cache_keyspace *ks, void *p)
{
    if (!p)
        return;
    size_t n = malloc_usable_size(p);
    assert(ks->used_memory >= n);
    ks->used_memory -= n;
    free(p);
}

size_t cache_db_used_memory(const struct cache_keyspace *ks)
{
    return ks->used_memory;
}

/* ---- hashing and randomness ---- */

/* FNV-1a over the bytes, then a 64-bit finalizer so the low bits the bucket
 * mask keeps depend on every input bit. Seeded per keyspace. */
static uint32_t hash_key(const struct cache_keyspace *ks, const void *key, size_t klen)
{
    const unsigned char *p = key;
    uint64_t h = 0xcbf29ce484222325ULL ^ ks->seed;
    for (size_t i = 0; i < klen; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return (uint32_t)h;
}

static uint64_t ks_random(struct cache_keyspace *ks)
{
    uint64_t x = ks->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    ks->rng = x;
    return x;
}

/* ---- access clock (LRU / LFU) ----
 *
 * Redis keeps 24 bits per object for eviction. In LRU mode they hold
 * LRU_CLOCK(): unix seconds modulo 2^24 (1 s resolution, wrapping every 194
 * days), so idle time is computed wrap-aware. In LFU mode the high 16 bits
 * hold the last decrement time in minutes modulo 2^16 and the low 8 bits a
 * logarithmic access counter: a hit increments it with probability
 * 1/((counter - LFU_INIT_VAL) * lfu-log-factor + 1), so 255 is reached after
 * about a million hits at the default factor 10, and it loses one per
 * lfu-decay-time minutes of idleness. New objects start at LFU_INIT_VAL (5)
 * so that they are not evicted before they had a chance to be used.
 */
#define LRU_CLOCK_MAX     ((1u << 24) - 1)
#define LRU_RESOLUTION_MS 1000
#define LFU_INIT_VAL      5

static uint32_t lru_clock(int64_t now_ms)
{
    return (uint32_t)(now_ms / LRU_RESOLUTION_MS) & LRU_CLOCK_MAX;
}

static uint32_t lfu_minutes(int64_t now_ms)
{
    return (uint32_t)(now_ms / 60000) & 0xFFFF;
}

/* Minutes since the stamp ldt, wrap-aware (LFUTimeElapsed). */
static uint32_t lfu_elapsed(uint32_t ldt, int64_t now_ms)
{
    uint32_t now = lfu_minutes(now_ms);
    return now >= ldt ? now - ldt : 65535 - ldt + now;
}

/* LFUDecrAndReturn: the counter after one decrement per decay period. */
static unsigned lfu_decayed(const struct cache_keyspace *ks, uint32_t lru, int64_t now_ms)
{
    uint32_t ldt = lru >> 8;
    unsigned counter = lru & 255;
    uint32_t periods =
        ks->lfu_decay_minutes > 0 ? lfu_elapsed(ldt, now_ms) / (uint32_t)ks->lfu_decay_minutes : 0;
    if (periods)
        counter = periods > counter ? 0 : counter - periods;
    return counter;
}

/* LFULogIncr: probabilistic increment, rarer as the counter grows. */
static unsigned lfu_log_incr(struct cache_keyspace *ks, unsigned counter)
{
    if (counter >= 255)
        return 255;
    double r = (double)(ks_random(ks) >> 11) / (double)(1ULL << 53);
    double base = counter > LFU_INIT_VAL ? (double)(counter - LFU_INIT_VAL) : 0.0;
    double p = 1.0 / (base * ks->lfu_log_factor + 1.0);
    return r < p ? counter + 1 : counter;
}

/* The stamp a new object gets. */
static uint32_t stamp_new(const struct cache_keyspace *ks, int64_t now_ms)
{
    return ks->lfu ? (lfu_minutes(now_ms) << 8) | LFU_INIT_VAL : lru_clock(now_ms);
}

/* A hit: LRU takes the current second, LFU decays then maybe increments. */
static void stamp_touch(struct cache_keyspace *ks, struct cache_obj *obj, int64_t now_ms)
{
    if (ks->lfu) {
        unsigned c = lfu_log_incr(ks, lfu_decayed(ks, obj->lru, now_ms));
        obj->lru = (lfu_minutes(now_ms) << 8) | c;
    } else {
        obj->lru = lru_clock(now_ms);
    }
}

int64_t cache_obj_idle_ms(const struct cache_keyspace *ks, const struct cache_obj *obj,
                          int64_t now_ms)
{
    (void)ks;
    uint32_t now = lru_clock(now_ms), then = obj->lru & LRU_CLOCK_MAX;
    uint32_t d = now >= then ? now - then : now + (LRU_CLOCK_MAX - then);
    return (int64_t)d * LRU_RESOLUTION_MS;
}

unsigned cache_obj_lfu_freq(const struct cache_keyspace *ks, const struct cache_obj *obj,
                            int64_t now_ms)
{
    return lfu_decayed(ks, obj->lru, now_ms);
}

void cache_keyspace_set_lfu(struct cache_keyspace *ks, bool lfu, int log_factor, int decay_minutes)
{
    ks->lfu = lfu;
    ks->lfu_log_factor = log_factor < 0 ? 0 : log_factor;
    ks->lfu_decay_minutes = decay_minutes < 0 ? 0 : decay_minutes;
}

/* ---- objects ---- */

static void free_plain(struct cache_keyspace *ks, void *ptr)
{
    cache_mem_free(ks, ptr);
}

/* True when obj's bytes are copied into its entry when stored: a short plain
 * string (no payload block, or ours from cache_obj_new_string). A string
 * with a free function of its own belongs to a type module that may keep
 * state beside the bytes (t_string's encoding header): stored as it is. */
static bool obj_inlines(const struct cache_obj *obj)
{
    return obj->type == CACHE_TYPE_STRING && obj->len <= CACHE_DB_INLINE_MAX &&
           (obj->free == NULL || obj->free == free_plain);
}

/* A short string is one block, header then bytes, the way it will be stored;
 * a long one has its bytes in a block of their own that storing keeps. */
struct cache_obj *cache_obj_new_string(struct cache_keyspace *ks, const void *data, size_t len)
{
    bool small = len <= CACHE_DB_INLINE_MAX;
    struct cache_obj *o = cache_mem_alloc(ks, sizeof(*o) + (small ? len : 0));
    if (!o)
        return NULL;
    if (small) {
        o->ptr = o + 1;
        o->free = NULL;
    } else {
        o->ptr = cache_mem_alloc(ks, len);
        if (!o->ptr) {
            cache_mem_free(ks, o);
            return NULL;
        }
        o->free = free_plain;
    }
    if (len)
        memcpy(o->ptr, data, len);
    o->type = CACHE_TYPE_STRING;
    o->lru = 0;
    o->len = len;
    return o;
}

struct cache_obj *cache_obj_new(struct cache_keyspace *ks, enum cache_type type, void *ptr,
                                cache_obj_free_fn free_fn)
{
    struct cache_obj *o = cache_mem_alloc(ks, sizeof(*o));
    if (!o)
        return NULL;
    o->type = type;
    o->lru = 0;
    o->ptr = ptr;
    o->len = 0;
    o->free = free_fn;
    return o;
}

void cache_obj_free(struct cache_keyspace *ks, struct cache_obj *obj)
{
    if (!obj)
        return;
    if (obj->free)
        obj->free(ks, obj->ptr);
    cache_mem_free(ks, obj);
}

/* ---- the table ---- */

static bool dict_rehashing(const struct dict *d)
{
    return d->rehashidx != SIZE_MAX;
}

static size_t dict_count(const struct dict *d)
{
    return d->used[0] + d->used[1];
}

/* Where a lookup found an entry: the link pointing at it and its array. */
struct found {
    struct dent **ref; /* *ref is the entry */
    int t;             /* 0 or 1 */
};

static struct dent *dict_find(struct dict *d, const void *key, size_t klen, uint32_t h,
                              struct found *f)
{
    for (int t = 0; t < 2; t++) {
        if (!d->size[t])
            continue;
        for (struct dent **ref = &d->t[t][h & (d->size[t] - 1)]; *ref; ref = &(*ref)->next) {
            struct dent *e = *ref;
            if (e->hash == h && e->klen == klen && memcmp(e->data, key, klen) == 0) {
                f->ref = ref;
                f->t = t;
                return e;
            }
        }
    }
    return NULL;
}

/* The link pointing at e, which must be in d. */
static void dict_find_entry(struct dict *d, const struct dent *e, struct found *f)
{
    for (int t = 0; t < 2; t++) {
        if (!d->size[t])
            continue;
        for (struct dent **ref = &d->t[t][e->hash & (d->size[t] - 1)]; *ref; ref = &(*ref)->next) {
            if (*ref == e) {
                f->ref = ref;
                f->t = t;
                return;
            }
        }
    }
    /* Callers only pass entries taken from this table: a broken invariant. */
    abort();
}

/* Frees both arrays of an emptied table. */
static void dict_release(struct cache_keyspace *ks, struct dict *d)
{
    cache_mem_free(ks, d->t[0]);
    cache_mem_free(ks, d->t[1]);
    memset(d, 0, sizeof(*d));
    d->rehashidx = SIZE_MAX;
}

/* dictRehash: moves up to n non-empty buckets of t[0] into t[1], giving up
 * after n * REHASH_EMPTY_VISITS empty ones so that a step stays O(1). When
 * t[0] is drained t[1] takes its place. True while rehashing remains. */
static bool dict_rehash(struct cache_keyspace *ks, struct dict *d, size_t n)
{
    if (!dict_rehashing(d) || d->pause)
        return dict_rehashing(d);
    size_t empty = n * REHASH_EMPTY_VISITS;
    while (n-- && d->used[0]) {
        assert(d->rehashidx < d->size[0]);
        while (!d->t[0][d->rehashidx]) {
            d->rehashidx++;
            if (--empty == 0)
                return true;
        }
        struct dent *e = d->t[0][d->rehashidx];
        while (e) {
            struct dent *next = e->next;
            struct dent **b = &d->t[1][e->hash & (d->size[1] - 1)];
            e->next = *b;
            *b = e;
            d->used[0]--;
            d->used[1]++;
            e = next;
        }
        d->t[0][d->rehashidx++] = NULL;
    }
    if (d->used[0])
        return true;
    cache_mem_free(ks, d->t[0]);
    d->t[0] = d->t[1];
    d->size[0] = d->size[1];
    d->used[0] = d->used[1];
    d->t[1] = NULL;
    d->size[1] = 0;
    d->used[1] = 0;
    d->rehashidx = SIZE_MAX;
    return false;
}

/* The step every operation pays while a resize is in progress. */
static void dict_step(struct cache_keyspace *ks, struct dict *d)
{
    if (dict_rehashing(d))
        (void)dict_rehash(ks, d, 1);
}

static size_t next_pow2(size_t n)
{
    size_t s = DICT_MIN_SIZE;
    while (s < n && s < DICT_MAX_SIZE)
        s <<= 1;
    return s;
}

/* Starts a resize to newsize buckets (the first array is simply installed). */
static int dict_resize(struct cache_keyspace *ks, struct dict *d, size_t newsize)
{
    assert(!dict_rehashing(d));
    if (newsize == d->size[0])
        return DD_OK;
    struct dent **nt = cache_mem_alloc(ks, newsize * sizeof(*nt));
    if (!nt)
        return DD_ENOMEM;
    memset(nt, 0, newsize * sizeof(*nt));
    if (!d->t[0]) {
        d->t[0] = nt;
        d->size[0] = newsize;
        return DD_OK;
    }
    d->t[1] = nt;
    d->size[1] = newsize;
    d->used[1] = 0;
    d->rehashidx = 0;
    return DD_OK;
}

/* Before an insert: a first array, or growth at load factor 1. Failing to
 * grow is not fatal while an array exists: chains just lengthen. While a
 * shrink is rehashing, inserts that overload the small array speed it up. */
static int dict_expand_if_needed(struct cache_keyspace *ks, struct dict *d)
{
    if (dict_rehashing(d)) {
        if (d->used[1] >= d->size[1])
            (void)dict_rehash(ks, d, REHASH_BATCH);
        return DD_OK;
    }
    if (!d->size[0])
        return dict_resize(ks, d, DICT_MIN_SIZE);
    if (d->used[0] >= d->size[0] && d->size[0] < DICT_MAX_SIZE)
        (void)dict_resize(ks, d, next_pow2(d->used[0] + 1));
    return DD_OK;
}

/* After a delete: free an empty table at once; start shrinking one under 1/8
 * full to load 1/2. Failing to shrink is harmless. */
static void dict_shrink_if_needed(struct cache_keyspace *ks, struct dict *d)
{
    if (d->pause)
        return;
    if (dict_count(d) == 0) {
        if (d->size[0] || d->size[1])
            dict_release(ks, d);
        return;
    }
    if (!dict_rehashing(d) && d->size[0] > DICT_MIN_SIZE && d->used[0] * 8 <= d->size[0])
        (void)dict_resize(ks, d, next_pow2(d->used[0] * 2));
}

/* Links a new entry where inserts go (the new array while rehashing). */
static void dict_link(struct dict *d, struct dent *e)
{
    int t = dict_rehashing(d) ? 1 : 0;
    struct dent **b = &d->t[t][e->hash & (d->size[t] - 1)];
    e->next = *b;
    *b = e;
    d->used[t]++;
}

static void dict_unlink(struct dict *d, const struct found *f)
{
    *f->ref = (*f->ref)->next;
    d->used[f->t]--;
}

/* dictGetRandomKey: a random non-empty bucket (over both arrays while
 * rehashing, skipping the drained part of the old one), then a random entry
 * of its chain. The table must not be empty. */
static struct dent *dict_random(struct cache_keyspace *ks, struct dict *d)
{
    struct dent *head;
    if (dict_rehashing(d)) {
        size_t span = d->size[0] + d->size[1] - d->rehashidx;
        do {
            size_t h = d->rehashidx + (size_t)(ks_random(ks) % span);
            head = h >= d->size[0] ? d->t[1][h - d->size[0]] : d->t[0][h];
        } while (!head);
    } else {
        do {
            head = d->t[0][ks_random(ks) & (d->size[0] - 1)];
        } while (!head);
    }
    size_t n = 0;
    for (struct dent *e = head; e; e = e->next)
        n++;
    struct dent *e = head;
    for (size_t i = (size_t)(ks_random(ks) % n); i; i--)
        e = e->next;
    return e;
}

/* Reverse-binary cursor increment (Redis's dictScan): set the bits above the
 * mask, reverse, add one, reverse back. Incrementing the high-order bits first
 * means a bucket's cursor in a table of size 2^k has, in any larger table, all
 * its split buckets still ahead, and in any smaller table its merged bucket
 * not yet fully behind; so no bucket's keys are skipped across resizes. */
static uint64_t rev64(uint64_t v)
{
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((v & 0x0f0f0f0f0f0f0f0fULL) << 4);
    v = ((v >> 8) & 0x00ff00ff00ff00ffULL) | ((v & 0x00ff00ff00ff00ffULL) << 8);
    v = ((v >> 16) & 0x0000ffff0000ffffULL) | ((v & 0x0000ffff0000ffffULL) << 16);
    return (v >> 32) | (v << 32);
}

static uint64_t cursor_next(uint64_t v, uint64_t mask)
{
    v |= ~mask;
    v = rev64(v);
    v++;
    return rev64(v);
}

/* ---- the TTL array ---- */

static int xarr_add(struct cache_keyspace *ks, struct xarr *x, struct dent *e, int64_t when)
{
    if (x->used == x->cap) {
        size_t ncap = x->cap ? x->cap * 2 : DICT_MIN_SIZE;
        if (ncap > UINT32_MAX)
            return DD_ENOMEM;
        struct xslot *v = cache_mem_realloc(ks, x->v, ncap * sizeof(*v));
        if (!v)
            return DD_ENOMEM;
        x->v = v;
        x->cap = ncap;
    }
    x->v[x->used].e = e;
    x->v[x->used].when = when;
    e->xidx = (uint32_t)++x->used;
    return DD_OK;
}

/* Removes e's TTL: the last slot fills the hole. The array halves when a
 * quarter full (failing to is harmless) and is freed when empty. */
static void xarr_remove(struct cache_keyspace *ks, struct xarr *x, struct dent *e)
{
    size_t i = e->xidx - 1, last = x->used - 1;
    assert(e->xidx && i < x->used && x->v[i].e == e);
    if (i != last) {
        x->v[i] = x->v[last];
        x->v[i].e->xidx = (uint32_t)(i + 1);
    }
    x->used--;
    e->xidx = 0;
    if (!x->used) {
        cache_mem_free(ks, x->v);
        x->v = NULL;
        x->cap = 0;
    } else if (x->cap > DICT_MIN_SIZE && x->used * 4 <= x->cap) {
        struct xslot *v = cache_mem_realloc(ks, x->v, x->cap / 2 * sizeof(*v));
        if (v) {
            x->v = v;
            x->cap /= 2;
        }
    }
}

static int64_t entry_when(const struct cache_db *db, const struct dent *e)
{
    return e->xidx ? db->expires.v[e->xidx - 1].when : -1;
}

/* The key's TTL has passed: it is gone at when (Redis's `when <= now`, the
 * rule expire.c states). */
static bool entry_due(const struct cache_db *db, const struct dent *e, int64_t now_ms)
{
    return e->xidx && db->expires.v[e->xidx - 1].when <= now_ms;
}

/* ---- entries ---- */

/* True when e's value bytes live in e itself. */
static bool entry_inline(const struct dent *e)
{
    return e->obj.ptr == e->data + e->klen;
}

/* Block size for an entry of key length klen holding obj. */
static size_t entry_need(size_t klen, const struct cache_obj *obj)
{
    return DENT_HDR + klen + (obj_inlines(obj) ? obj->len : 0);
}

static struct dent *entry_alloc(struct cache_keyspace *ks, size_t need)
{
    return cache_mem_alloc(ks, need < sizeof(struct dent) ? sizeof(struct dent) : need);
}

/* Makes obj e's value (e's key already in place): the header is copied, a
 * short string's bytes too (its own payload then released); obj itself is
 * freed when owned. The source bytes may lie inside e (memmove). */
static void entry_take(struct cache_keyspace *ks, struct dent *e, struct cache_obj *obj, bool owned)
{
    e->obj.type = obj->type;
    e->obj.len = obj->len;
    if (obj_inlines(obj)) {
        unsigned char *dst = e->data + e->klen;
        if (obj->len)
            memmove(dst, obj->ptr, obj->len);
        if (obj->free)
            obj->free(ks, obj->ptr);
        e->obj.ptr = dst;
        e->obj.free = NULL;
    } else {
        e->obj.ptr = obj->ptr;
        e->obj.free = obj->free;
    }
    if (owned)
        cache_mem_free(ks, obj);
}

/* Removes the entry at f, telling the listener ev first: TTL, link, value. */
static void db_remove(struct cache_db *db, const struct found *f, enum cache_key_event ev)
{
    struct cache_keyspace *ks = db->ks;
    struct dent *e = *f->ref;
    if (ks->listener)
        ks->listener(ks->listener_ctx, db, e->data, e->klen, ev);
    if (e->xidx)
        xarr_remove(ks, &db->expires, e);
    dict_unlink(&db->keys, f);
    if (e->obj.free)
        e->obj.free(ks, e->obj.ptr);
    cache_mem_free(ks, e);
    dict_shrink_if_needed(ks, &db->keys);
}

/* Finds key, reclaiming it first when its TTL has passed (lazy expiry).
 * Pays the rehash step first, so that *f stays valid for the caller. */
static struct dent *db_find_live(struct cache_db *db, const void *key, size_t klen, int64_t now_ms,
                                 uint32_t *h, struct found *f)
{
    dict_step(db->ks, &db->keys);
    *h = hash_key(db->ks, key, klen);
    struct dent *e = dict_find(&db->keys, key, klen, *h, f);
    if (e && entry_due(db, e, now_ms)) {
        db->ks->stats.expired_keys++;
        db_remove(db, f, CACHE_KEY_EXPIRED);
        return NULL;
    }
    return e;
}

/* Finds key as stored, expired or not, paying the rehash step. */
static struct dent *db_find(struct cache_db *db, const void *key, size_t klen, struct found *f)
{
    dict_step(db->ks, &db->keys);
    return dict_find(&db->keys, key, klen, hash_key(db->ks, key, klen), f);
}

/* Adds key (known absent, hash h) holding obj. */
static int db_insert(struct cache_db *db, const void *key, size_t klen, uint32_t h,
                     struct cache_obj *obj, bool owned, int64_t now_ms, struct cache_obj **stored)
{
    struct cache_keyspace *ks = db->ks;
    if (klen > UINT32_MAX)
        return DD_ENOMEM;
    if (dict_expand_if_needed(ks, &db->keys) != DD_OK)
        return DD_ENOMEM;
    struct dent *e = entry_alloc(ks, entry_need(klen, obj));
    if (!e)
        return DD_ENOMEM;
    e->hash = h;
    e->klen = (uint32_t)klen;
    e->xidx = 0;
    if (klen)
        memcpy(e->data, key, klen);
    entry_take(ks, e, obj, owned);
    e->obj.lru = stamp_new(ks, now_ms);
    dict_link(&db->keys, e);
    if (stored)
        *stored = &e->obj;
    return DD_OK;
}

/* ---- keyspace ---- */

struct cache_keyspace *cache_keyspace_new(int ndb, uint64_t seed)
{
    if (ndb <= 0)
        ndb = CACHE_DB_DEFAULT_COUNT;
    struct cache_keyspace *ks = calloc(1, sizeof(*ks));
    if (!ks)
        return NULL;
    ks->used_memory = malloc_usable_size(ks);
    ks->ndb = ndb;
    ks->seed = seed;
    ks->rng = seed * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL;
    if (!ks->rng)
        ks->rng = 1;
    ks->lfu_log_factor = 10;
    ks->lfu_decay_minutes = 1;
    ks->dbs = cache_mem_alloc(ks, (size_t)ndb * sizeof(*ks->dbs));
    if (!ks->dbs) {
        free(ks);
        return NULL;
    }
    memset(ks->dbs, 0, (size_t)ndb * sizeof(*ks->dbs));
    for (int i = 0; i < ndb; i++) {
        ks->dbs[i].ks = ks;
        ks->dbs[i].id = i;
        ks->dbs[i].keys.rehashidx = SIZE_MAX;
    }
    return ks;
}

/* Frees every entry of db; tell says whether the listener hears about it. */
static void db_clear(struct cache_db *db, bool tell)
{
    struct cache_keyspace *ks = db->ks;
    struct dict *d = &db->keys;
    for (int t = 0; t < 2; t++) {
        for (size_t i = 0; i < d->size[t]; i++) {
            struct dent *e = d->t[t][i];
            while (e) {
                struct dent *next = e->next;
                if (tell && ks->listener)
                    ks->listener(ks->listener_ctx, db, e->data, e->klen, CACHE_KEY_DELETED);
                if (e->obj.free)
                    e->obj.free(ks, e->obj.ptr);
                cache_mem_free(ks, e);
                e = next;
            }
        }
    }
    dict_release(ks, d);
    cache_mem_free(ks, db->expires.v);
    memset(&db->expires, 0, sizeof(db->expires));
    db->ttl_cursor = 0;
}

void cache_keyspace_free(struct cache_keyspace *ks)
{
    if (!ks)
        return;
    for (int i = 0; i < ks->ndb; i++)
        db_clear(&ks->dbs[i], false);
    cache_mem_free(ks, ks->dbs);
    free(ks);
}

struct cache_db *cache_keyspace_db(struct cache_keyspace *ks, int idx)
{
    if (idx < 0 || idx >= ks->ndb)
        return NULL;
    return &ks->dbs[idx];
}

int cache_keyspace_db_count(const struct cache_keyspace *ks)
{
    return ks->ndb;
}

void cache_keyspace_set_listener(struct cache_keyspace *ks, cache_key_listener_fn fn, void *ctx)
{
    ks->listener = fn;
    ks->listener_ctx = ctx;
}

struct cache_keyspace_stats *cache_keyspace_stats(struct cache_keyspace *ks)
{
    return &ks->stats;
}

void cache_keyspace_flushall(struct cache_keyspace *ks)
{
    for (int i = 0; i < ks->ndb; i++)
        cache_db_flush(&ks->dbs[i]);
}

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Redis's incrementallyRehash from databasesCron: batches of REHASH_BATCH
 * buckets until the budget is spent. The budget is CPU time, measured on the
 * monotonic clock; it is not the emulated time the semantics run on. */
bool cache_keyspace_rehash_step(struct cache_keyspace *ks, int64_t budget_us)
{
    int64_t start = mono_us();
    bool more = false;
    for (int i = 0; i < ks->ndb; i++) {
        struct dict *d = &ks->dbs[i].keys;
        dict_shrink_if_needed(ks, d);
        while (!more && dict_rehash(ks, d, REHASH_BATCH)) {
            if (mono_us() - start >= budget_us)
                more = true;
        }
        if (dict_rehashing(d))
            more = true;
    }
    return more;
}

struct cache_keyspace *cache_db_keyspace(struct cache_db *db)
{
    return db->ks;
}

int cache_db_id(const struct cache_db *db)
{
    return db->id;
}

/* ---- keys ---- */

struct cache_obj *cache_db_lookup_flags(struct cache_db *db, const void *key, size_t klen,
                                        int64_t now_ms, unsigned flags)
{
    struct found f;
    uint32_t h;
    struct dent *e = db_find_live(db, key, klen, now_ms, &h, &f);
    if (!e)
        return NULL;
    if (!(flags & CACHE_LOOKUP_NOTOUCH))
        stamp_touch(db->ks, &e->obj, now_ms);
    return &e->obj;
}

struct cache_obj *cache_db_lookup(struct cache_db *db, const void *key, size_t klen, int64_t now_ms)
{
    return cache_db_lookup_flags(db, key, klen, now_ms, 0);
}

int cache_db_add(struct cache_db *db, const void *key, size_t klen, struct cache_obj *obj,
                 int64_t now_ms, struct cache_obj **stored)
{
    struct found f;
    uint32_t h;
    if (db_find_live(db, key, klen, now_ms, &h, &f))
        return DD_EEXIST;
    return db_insert(db, key, klen, h, obj, true, now_ms, stored);
}

/*
 * SET: an absent (or expired) key is added; a present one gets obj in place.
 * The entry's block is kept when the new value fits it without wasting more
 * than ENTRY_SLACK_MAX bytes, otherwise a new block replaces it in the chain
 * and in the TTL array. Everything that can fail happens before the listener
 * is told, so DD_ENOMEM leaves the key as it was. The old payload is freed
 * after the new value is copied, so obj may be built from the old bytes.
 */
static int db_set(struct cache_db *db, const void *key, size_t klen, struct cache_obj *obj,
                  bool owned, bool keep_ttl, int64_t now_ms, struct cache_obj **stored)
{
    struct cache_keyspace *ks = db->ks;
    struct found f;
    uint32_t h;
    struct dent *e = db_find_live(db, key, klen, now_ms, &h, &f);
    if (!e)
        return db_insert(db, key, klen, h, obj, owned, now_ms, stored);
    struct dent *ne = e;
    if (obj != &e->obj) {
        size_t need = entry_need(e->klen, obj), have = malloc_usable_size(e);
        if (need > have || have - need > ENTRY_SLACK_MAX) {
            ne = entry_alloc(ks, need);
            if (!ne)
                return DD_ENOMEM;
        }
        if (ks->listener)
            ks->listener(ks->listener_ctx, db, e->data, e->klen, CACHE_KEY_OVERWRITTEN);
        /* Like Redis's dbSetValue, an overwrite keeps the key's LFU history. */
        uint32_t lru = ks->lfu ? e->obj.lru : stamp_new(ks, now_ms);
        struct cache_obj old = e->obj;
        if (ne != e) {
            ne->next = e->next;
            ne->hash = e->hash;
            ne->klen = e->klen;
            ne->xidx = e->xidx;
            memcpy(ne->data, e->data, e->klen);
            *f.ref = ne;
            if (ne->xidx)
                db->expires.v[ne->xidx - 1].e = ne;
        }
        entry_take(ks, ne, obj, owned);
        ne->obj.lru = lru;
        if (old.free && old.ptr != ne->obj.ptr)
            old.free(ks, old.ptr);
        if (ne != e)
            cache_mem_free(ks, e);
    } else if (ks->listener) {
        ks->listener(ks->listener_ctx, db, e->data, e->klen, CACHE_KEY_OVERWRITTEN);
    }
    if (!keep_ttl && ne->xidx)
        xarr_remove(ks, &db->expires, ne);
    if (stored)
        *stored = &ne->obj;
    return DD_OK;
}

int cache_db_set(struct cache_db *db, const void *key, size_t klen, struct cache_obj *obj,
                 bool keep_ttl, int64_t now_ms, struct cache_obj **stored)
{
    return db_set(db, key, klen, obj, true, keep_ttl, now_ms, stored);
}

int cache_db_set_string(struct cache_db *db, const void *key, size_t klen, const void *val,
                        size_t vlen, bool keep_ttl, int64_t now_ms, struct cache_obj **stored)
{
    if (vlen <= CACHE_DB_INLINE_MAX) {
        /* Copied straight into the entry: no object is ever allocated. */
        struct cache_obj tmp = { CACHE_TYPE_STRING, 0, (void *)(uintptr_t)val, vlen, NULL };
        return db_set(db, key, klen, &tmp, false, keep_ttl, now_ms, stored);
    }
    struct cache_obj *obj = cache_obj_new_string(db->ks, val, vlen);
    if (!obj)
        return DD_ENOMEM;
    int rc = db_set(db, key, klen, obj, true, keep_ttl, now_ms, stored);
    if (rc != DD_OK)
        cache_obj_free(db->ks, obj);
    return rc;
}

int cache_db_delete(struct cache_db *db, const void *key, size_t klen, int64_t now_ms)
{
    struct found f;
    uint32_t h;
    if (!db_find_live(db, key, klen, now_ms, &h, &f))
        return DD_ENOENT;
    db_remove(db, &f, CACHE_KEY_DELETED);
    return DD_OK;
}

size_t cache_db_count(const struct cache_db *db)
{
    return dict_count(&db->keys);
}

size_t cache_db_expires_count(const struct cache_db *db)
{
    return db->expires.used;
}

/* RANDOMKEY: like Redis's dbRandomKey, an expired pick is reclaimed and
 * another drawn; when every key is volatile the number of tries is capped,
 * so a database of keys all due is not emptied by one call (the key is
 * returned then). */
int cache_db_random_key(struct cache_db *db, int64_t now_ms, const void **key, size_t *klen)
{
    struct cache_keyspace *ks = db->ks;
    unsigned tries = 0;
    while (dict_count(&db->keys)) {
        dict_step(ks, &db->keys);
        struct dent *e = dict_random(ks, &db->keys);
        bool all_volatile = db->expires.used == dict_count(&db->keys);
        if (entry_due(db, e, now_ms) && !(all_volatile && ++tries > 100)) {
            struct found f;
            dict_find_entry(&db->keys, e, &f);
            ks->stats.expired_keys++;
            db_remove(db, &f, CACHE_KEY_EXPIRED);
            continue;
        }
        *key = e->data;
        *klen = e->klen;
        return DD_OK;
    }
    return DD_ENOENT;
}

/*
 * RENAME: the value moves to a new entry under dst (the key is part of the
 * block), keeping its TTL slot, LRU/LFU stamp and payload. The new block is
 * allocated before anything changes, so DD_ENOMEM leaves both keys intact.
 */
int cache_db_rename(struct cache_db *db, const void *src, size_t slen, const void *dst, size_t dlen,
                    bool nx, int64_t now_ms)
{
    struct cache_keyspace *ks = db->ks;
    if (!cache_db_lookup(db, src, slen, now_ms))
        return DD_ENOENT;
    bool dst_exists = cache_db_lookup(db, dst, dlen, now_ms) != NULL;
    if (slen == dlen && memcmp(src, dst, slen) == 0)
        return nx ? DD_EEXIST : DD_OK;
    if (dst_exists && nx)
        return DD_EEXIST;
    if (dlen > UINT32_MAX)
        return DD_ENOMEM;
    struct found f;
    struct dent *s = db_find(db, src, slen, &f);
    assert(s);
    bool inl = entry_inline(s);
    struct dent *ne = entry_alloc(ks, DENT_HDR + dlen + (inl ? s->obj.len : 0));
    if (!ne)
        return DD_ENOMEM;
    ne->hash = hash_key(ks, dst, dlen);
    ne->klen = (uint32_t)dlen;
    ne->xidx = 0;
    if (dlen)
        memcpy(ne->data, dst, dlen);
    ne->obj = s->obj;
    if (inl) {
        ne->obj.ptr = ne->data + dlen;
        if (s->obj.len)
            memcpy(ne->obj.ptr, s->obj.ptr, s->obj.len);
    }
    /* dst's old value goes first (OVERWRITTEN), then src (DELETED) hands its
     * payload and TTL slot to the new entry and leaves without freeing them. */
    struct found df;
    if (db_find(db, dst, dlen, &df)) {
        struct dent *old = *df.ref;
        if (ks->listener)
            ks->listener(ks->listener_ctx, db, old->data, old->klen, CACHE_KEY_OVERWRITTEN);
        if (old->xidx)
            xarr_remove(ks, &db->expires, old);
        dict_unlink(&db->keys, &df);
        if (old->obj.free)
            old->obj.free(ks, old->obj.ptr);
        cache_mem_free(ks, old);
    }
    if (ks->listener)
        ks->listener(ks->listener_ctx, db, src, slen, CACHE_KEY_DELETED);
    dict_find_entry(&db->keys, s, &f);
    dict_unlink(&db->keys, &f);
    if (s->xidx) {
        ne->xidx = s->xidx;
        db->expires.v[ne->xidx - 1].e = ne;
    }
    cache_mem_free(ks, s);
    (void)dict_expand_if_needed(ks, &db->keys); /* an array exists: cannot fail */
    dict_link(&db->keys, ne);
    return DD_OK;
}

void cache_db_flush(struct cache_db *db)
{
    db_clear(db, true);
}

/* Makes sure one more TTL fits in x without reallocating, so that a later
 * xarr_add() cannot fail. */
static int xarr_reserve(struct cache_keyspace *ks, struct xarr *x)
{
    if (x->used < x->cap)
        return DD_OK;
    size_t ncap = x->cap ? x->cap * 2 : DICT_MIN_SIZE;
    if (ncap > UINT32_MAX)
        return DD_ENOMEM;
    struct xslot *v = cache_mem_realloc(ks, x->v, ncap * sizeof(*v));
    if (!v)
        return DD_ENOMEM;
    x->v = v;
    x->cap = ncap;
    return DD_OK;
}

/*
 * MOVE relinks the entry itself: the key's block (with an inline value) and
 * any payload stay where they are, only the chain link and the TTL slot
 * change database. Everything that can fail (dst's first bucket array, a TTL
 * slot in dst) is reserved before the listener is told, so DD_ENOMEM leaves
 * both databases as they were.
 */
int cache_db_move(struct cache_db *src, struct cache_db *dst, const void *key, size_t klen,
                  int64_t now_ms)
{
    struct cache_keyspace *ks = src->ks;
    if (src == dst || dst->ks != ks)
        return DD_EINVAL;
    struct found f, df;
    uint32_t h, dh;
    struct dent *e = db_find_live(src, key, klen, now_ms, &h, &f);
    if (!e)
        return DD_ENOENT;
    /* Only dst changes from here until the unlink, so f stays valid. */
    if (db_find_live(dst, key, klen, now_ms, &dh, &df))
        return DD_EEXIST;
    if (dict_expand_if_needed(ks, &dst->keys) != DD_OK)
        return DD_ENOMEM;
    if (e->xidx && xarr_reserve(ks, &dst->expires) != DD_OK) {
        dict_shrink_if_needed(ks, &dst->keys);
        return DD_ENOMEM;
    }
    if (ks->listener)
        ks->listener(ks->listener_ctx, src, e->data, e->klen, CACHE_KEY_DELETED);
    int64_t when = entry_when(src, e);
    if (e->xidx)
        xarr_remove(ks, &src->expires, e);
    dict_unlink(&src->keys, &f);
    dict_shrink_if_needed(ks, &src->keys);
    dict_link(&dst->keys, e);
    if (when != -1) {
        int rc = xarr_add(ks, &dst->expires, e, when);
        assert(rc == DD_OK); /* reserved above */
        (void)rc;
    }
    return DD_OK;
}

/* Tells the listener about every key of from, in from and in other. */
static void swap_tell(struct cache_db *from, struct cache_db *other)
{
    struct cache_keyspace *ks = from->ks;
    struct dict *d = &from->keys;
    for (int t = 0; t < 2; t++)
        for (size_t i = 0; i < d->size[t]; i++)
            for (struct dent *e = d->t[t][i]; e; e = e->next) {
                ks->listener(ks->listener_ctx, from, e->data, e->klen, CACHE_KEY_SWAPPED);
                ks->listener(ks->listener_ctx, other, e->data, e->klen, CACHE_KEY_SWAPPED);
            }
}

int cache_keyspace_swapdb(struct cache_keyspace *ks, int a, int b)
{
    struct cache_db *da = cache_keyspace_db(ks, a), *dbb = cache_keyspace_db(ks, b);
    if (!da || !dbb)
        return DD_EINVAL;
    if (da == dbb)
        return DD_OK;
    if (ks->listener) {
        swap_tell(da, dbb);
        swap_tell(dbb, da);
    }
    /* The tables hold no back pointer to their database (entries know only
     * their TTL slot index, which is relative to the array that moves with
     * them), so exchanging the members is the whole job. */
    struct dict keys = da->keys;
    da->keys = dbb->keys;
    dbb->keys = keys;
    struct xarr x = da->expires;
    da->expires = dbb->expires;
    dbb->expires = x;
    uint64_t cur = da->ttl_cursor;
    da->ttl_cursor = dbb->ttl_cursor;
    dbb->ttl_cursor = cur;
    return DD_OK;
}

/* ---- eviction primitives ---- */

/*
 * dictGetSomeKeys: from a random bucket, walk consecutive buckets (of both
 * arrays while rehashing, skipping the drained part of the old one), taking
 * whole chains, until n keys were seen or n * 10 buckets visited; after a run
 * of empty buckets jump elsewhere. Buckets hold keys in hash order, so
 * consecutive buckets are as good a sample as random ones, and far cheaper.
 * The volatile keys are dense in their array: independent random picks.
 */
size_t cache_db_sample(struct cache_db *db, bool volatile_only, size_t n, cache_sample_fn fn,
                       void *ctx)
{
    struct cache_keyspace *ks = db->ks;
    struct dict *d = &db->keys;
    size_t got = 0;
    if (volatile_only) {
        struct xarr *x = &db->expires;
        for (; got < n && got < x->used; got++) {
            size_t i = x->used <= n ? got : (size_t)(ks_random(ks) % x->used);
            struct dent *e = x->v[i].e;
            fn(ctx, e->data, e->klen, &e->obj, x->v[i].when);
        }
        return got;
    }
    size_t count = dict_count(d);
    if (!count || !n)
        return 0;
    if (n > count)
        n = count;
    int tables = dict_rehashing(d) ? 2 : 1;
    size_t maxmask = d->size[0] - 1;
    if (tables == 2 && d->size[1] - 1 > maxmask)
        maxmask = d->size[1] - 1;
    size_t steps = n * 10, emptylen = 0;
    size_t i = (size_t)ks_random(ks) & maxmask;
    d->pause++;
    while (got < n && steps--) {
        for (int t = 0; t < tables && got < n; t++) {
            if (tables == 2 && t == 0 && i < d->rehashidx) {
                /* Drained buckets of the old array: nothing there. */
                if (i >= d->size[1])
                    i = d->rehashidx;
                else
                    continue;
            }
            if (i >= d->size[t])
                continue;
            struct dent *e = d->t[t][i];
            if (!e) {
                if (++emptylen >= 5 && emptylen > n) {
                    i = (size_t)ks_random(ks) & maxmask;
                    emptylen = 0;
                }
                continue;
            }
            emptylen = 0;
            for (; e && got < n; e = e->next, got++)
                fn(ctx, e->data, e->klen, &e->obj, entry_when(db, e));
        }
        i = (i + 1) & maxmask;
    }
    d->pause--;
    return got;
}

int cache_db_evict_key(struct cache_db *db, const void *key, size_t klen)
{
    struct found f;
    if (!db_find(db, key, klen, &f))
        return DD_ENOENT;
    db->ks->stats.evicted_keys++;
    db_remove(db, &f, CACHE_KEY_EVICTED);
    return DD_OK;
}

/* ---- SCAN ---- */

/* Reports one bucket's live keys; returns how many. */
static size_t scan_bucket(struct cache_db *db, struct dent *e, int64_t now_ms, cache_scan_fn fn,
                          void *ctx)
{
    size_t n = 0;
    for (; e; e = e->next) {
        if (entry_due(db, e, now_ms))
            continue;
        fn(ctx, e->data, e->klen, &e->obj);
        n++;
    }
    return n;
}

/* dictScan. Not rehashing: one bucket per cursor value. Rehashing: the
 * cursor's bucket in the smaller array, then every bucket of the larger array
 * that it expands to, so that each cursor value covers the same keys whichever
 * array holds them; the increments of the larger mask carry into the smaller
 * one's bits when the expansion is done. */
uint64_t cache_db_scan(struct cache_db *db, uint64_t cursor, size_t count, int64_t now_ms,
                       cache_scan_fn fn, void *ctx)
{
    struct dict *d = &db->keys;
    if (count == 0)
        count = 10;
    if (!d->size[0])
        return 0;
    /* Like Redis, bound the empty buckets visited so a sparse table answers fast. */
    size_t max_buckets = count * 10;
    size_t seen = 0;
    d->pause++;
    do {
        if (!dict_rehashing(d)) {
            uint64_t m0 = d->size[0] - 1;
            seen += scan_bucket(db, d->t[0][cursor & m0], now_ms, fn, ctx);
            cursor = cursor_next(cursor, m0);
        } else {
            int small = d->size[0] <= d->size[1] ? 0 : 1, large = 1 - small;
            uint64_t m0 = d->size[small] - 1, m1 = d->size[large] - 1;
            seen += scan_bucket(db, d->t[small][cursor & m0], now_ms, fn, ctx);
            do {
                seen += scan_bucket(db, d->t[large][cursor & m1], now_ms, fn, ctx);
                cursor = cursor_next(cursor, m1);
            } while (cursor & (m0 ^ m1));
        }
    } while (cursor && seen < count && --max_buckets);
    d->pause--;
    return cursor;
}

/* ---- expires table primitives ---- */

int64_t *cache_db_ttl_slot(struct cache_db *db, const void *key, size_t klen)
{
    if (!db->expires.used)
        return NULL;
    struct found f;
    struct dent *e = db_find(db, key, klen, &f);
    return e && e->xidx ? &db->expires.v[e->xidx - 1].when : NULL;
}

int cache_db_ttl_put(struct cache_db *db, const void *key, size_t klen, int64_t when_ms)
{
    struct found f;
    struct dent *e = db_find(db, key, klen, &f);
    if (!e)
        return DD_ENOENT;
    if (e->xidx) {
        db->expires.v[e->xidx - 1].when = when_ms;
        return DD_OK;
    }
    return xarr_add(db->ks, &db->expires, e, when_ms);
}

int cache_db_ttl_del(struct cache_db *db, const void *key, size_t klen)
{
    struct found f;
    struct dent *e = db->expires.used ? db_find(db, key, klen, &f) : NULL;
    if (!e || !e->xidx)
        return DD_ENOENT;
    xarr_remove(db->ks, &db->expires, e);
    return DD_OK;
}

void cache_db_expire_key(struct cache_db *db, const void *key, size_t klen)
{
    struct found f;
    if (!db_find(db, key, klen, &f))
        return;
    db->ks->stats.expired_keys++;
    db_remove(db, &f, CACHE_KEY_EXPIRED);
}

/*
 * The active expiry walk over the TTL array. Slots are visited in
 * bit-reversed order of their index (the SCAN cursor over a "table" of cap
 * one-slot buckets, positions past `used` being empty buckets): consecutive
 * steps land far apart in the array, so a round of 20 is a spread sample of
 * the volatile keys, not 20 keys inserted together with similar TTLs; this is
 * what the 25% repeat rule's estimate needs. A full pass visits every slot
 * once; a key moved into an already visited hole waits for the next pass.
 */
bool cache_db_ttl_step(struct cache_db *db, int64_t now_ms, size_t *sampled, size_t *expired)
{
    struct xarr *x = &db->expires;
    if (!x->cap) {
        db->ttl_cursor = 0;
        return true;
    }
    uint64_t mask = x->cap - 1;
    size_t i = (size_t)(db->ttl_cursor & mask);
    db->ttl_cursor = cursor_next(db->ttl_cursor, mask);
    if (i < x->used) {
        (*sampled)++;
        struct dent *e = x->v[i].e;
        if (x->v[i].when <= now_ms) {
            struct found f;
            dict_find_entry(&db->keys, e, &f);
            db->ks->stats.expired_keys++;
            db_remove(db, &f, CACHE_KEY_EXPIRED);
            (*expired)++;
        }
    }
    return db->ttl_cursor == 0;
}

/* ---- glob ---- */

static unsigned char fold(unsigned char c, bool nocase)
{
    return (nocase && c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Matches one non-star token at p against c: sets *match and returns the
 * pattern bytes the token spans. Bracket parsing follows stringmatchlen
 * exactly, including its corners: "\x" inside a class is a literal x, "a-"
 * followed by any byte is a range (so "[a-]" spans 'a'..']'), ranges given
 * backwards are swapped, and an unterminated class runs to the pattern's end. */
static size_t glob_token(const unsigned char *p, size_t plen, unsigned char c, bool nocase,
                         bool *match)
{
    unsigned char raw = c;
    c = fold(c, nocase);
    if (p[0] == '?') {
        *match = true;
        return 1;
    }
    if (p[0] == '\\' && plen >= 2) {
        *match = fold(p[1], nocase) == c;
        return 2;
    }
    if (p[0] != '[') {
        *match = fold(p[0], nocase) == c;
        return 1;
    }
    size_t i = 1;
    bool negate = i < plen && p[i] == '^';
    if (negate)
        i++;
    bool m = false;
    for (;;) {
        if (i >= plen) {
            i = plen - 1; /* unterminated: the class ends with the pattern */
            break;
        }
        size_t rest = plen - i;
        if (p[i] == '\\' && rest >= 2) {
            i++;
            if (p[i] == raw) /* stringmatchlen compares escapes in a class exactly */
                m = true;
        } else if (p[i] == ']') {
            break;
        } else if (rest >= 3 && p[i + 1] == '-') {
            unsigned char lo = fold(p[i], nocase), hi = fold(p[i + 2], nocase);
            if (lo > hi) {
                unsigned char t = lo;
                lo = hi;
                hi = t;
            }
            if (c >= lo && c <= hi)
                m = true;
            i += 2;
        } else if (fold(p[i], nocase) == c) {
            m = true;
        }
        i++;
    }
    *match = negate ? !m : m;
    return i + 1;
}

/* Every non-star token consumes exactly one byte, so remembering only the
 * last star and retrying from one byte further is enough (classic wildcard
 * backtracking): same answers as Redis's recursion, without its exponential
 * worst case or stack depth. */
bool cache_glob_match(const char *pat, size_t plen, const char *str, size_t slen, bool nocase)
{
    const unsigned char *p = (const unsigned char *)pat;
    const unsigned char *s = (const unsigned char *)str;
    /* stringmatchlen's loop never runs on an empty subject, so only an empty
     * pattern matches it (KEYS and SCAN special-case a lone "*" themselves). */
    if (slen == 0)
        return plen == 0;
    size_t pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0;
    while (si < slen) {
        if (pi < plen && p[pi] == '*') {
            while (pi < plen && p[pi] == '*')
                pi++;
            if (pi == plen)
                return true;
            star_p = pi;
            star_s = si;
            continue;
        }
        if (pi < plen) {
            bool m;
            size_t n = glob_token(p + pi, plen - pi, s[si], nocase, &m);
            if (m) {
                pi += n;
                si++;
                continue;
            }
        }
        if (star_p == SIZE_MAX)
            return false;
        pi = star_p;
        si = ++star_s;
    }
    while (pi < plen && p[pi] == '*')
        pi++;
    return pi == plen;
}
