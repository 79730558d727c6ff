/*
 * The keyspace: numbered databases of key -> object hash tables, with the
 * per-database expires table beside each, SCAN, and Redis's glob matcher.
 *
 * Each table is a power-of-two array of chained buckets. It grows to twice
 * its population when full and shrinks when under 1/8 full, rehashing in one
 * step (no incremental rehash yet: the pause is O(n) on resize). Entries are
 * never reallocated by a resize, only relinked, so a pointer to an entry
 * survives it. A table that becomes empty frees its bucket array, so that
 * used_memory returns to the empty keyspace's baseline.
 *
 * Every allocation is counted in used_memory by its usable size, because
 * that is the number eviction compares with maxmemory and Redis reports.
 */
#include <assert.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/db.h"
#include "cache-emu/expire.h"
#include "common/err.h"

#define DICT_MIN_SIZE 4

/* One key in a table; the key bytes follow the struct. */
struct dent {
    struct dent *next; /* bucket chain */
    uint64_t hash;     /* cached hash of key, so resizing does not rehash bytes */
    union {
        struct cache_obj *obj; /* keys table: the value, owned */
        int64_t when;          /* expires table: absolute ms */
    } v;
    size_t klen;         /* key length; keys are binary */
    unsigned char key[]; /* key bytes */
};

struct dict {
    struct dent **table; /* size buckets, NULL while empty */
    size_t size;         /* power of two, or 0 */
    size_t used;         /* entries stored */
    int no_resize;       /* > 0 while a bucket walk is deleting entries */
};

struct cache_db {
    struct cache_keyspace *ks; /* owner */
    int id;                    /* SELECT index */
    struct dict keys;          /* key -> struct cache_obj */
    struct dict expires;       /* key -> absolute expire ms */
    uint64_t ttl_cursor;       /* where the active expiry walk resumes */
};

struct cache_keyspace {
    size_t used_memory;                /* usable bytes of every live block */
    int ndb;                           /* databases */
    struct cache_db *dbs;              /* ndb databases */
    uint64_t seed;                     /* hash seed */
    uint64_t rng;                      /* xorshift state for random picks */
    cache_key_listener_fn listener;    /* may be NULL */
    void *listener_ctx;                /* passed to listener */
    struct cache_keyspace_stats stats; /* INFO counters */
};

/* ---- memory ---- */

void *cache_mem_alloc(struct cache_keyspace *ks, size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p)
        ks->used_memory += malloc_usable_size(p);
    return p;
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

/* ---- objects ---- */

static void free_plain(struct cache_keyspace *ks, void *ptr)
{
    cache_mem_free(ks, ptr);
}

struct cache_obj *cache_obj_new_string(struct cache_keyspace *ks, const void *data, size_t len)
{
    struct cache_obj *o = cache_mem_alloc(ks, sizeof(*o));
    if (!o)
        return NULL;
    o->ptr = cache_mem_alloc(ks, len);
    if (!o->ptr) {
        cache_mem_free(ks, o);
        return NULL;
    }
    if (len)
        memcpy(o->ptr, data, len);
    o->type = CACHE_TYPE_STRING;
    o->lru = 0;
    o->len = len;
    o->free = free_plain;
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

/* ---- hashing and randomness ---- */

/* FNV-1a over the bytes, then a 64-bit finalizer so the low bits the bucket
 * mask keeps depend on every input bit. Seeded per keyspace. */
static uint64_t hash_key(const struct cache_keyspace *ks, const void *key, size_t klen)
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
    return h;
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

/* ---- the table ---- */

static struct dent **dict_find_ref(struct cache_keyspace *ks, struct dict *d, const void *key,
                                   size_t klen)
{
    if (!d->size)
        return NULL;
    uint64_t h = hash_key(ks, key, klen);
    struct dent **ref = &d->table[h & (d->size - 1)];
    for (; *ref; ref = &(*ref)->next) {
        struct dent *e = *ref;
        if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0)
            return ref;
    }
    return NULL;
}

static struct dent *dict_find(struct cache_keyspace *ks, struct dict *d, const void *key,
                              size_t klen)
{
    struct dent **ref = dict_find_ref(ks, d, key, klen);
    return ref ? *ref : NULL;
}

/* Relinks every entry into a table of newsize buckets (0 frees the array). */
static int dict_resize(struct cache_keyspace *ks, struct dict *d, size_t newsize)
{
    struct dent **nt = NULL;
    if (newsize) {
        nt = cache_mem_alloc(ks, newsize * sizeof(*nt));
        if (!nt)
            return DD_ENOMEM;
        memset(nt, 0, newsize * sizeof(*nt));
    }
    for (size_t i = 0; i < d->size; i++) {
        struct dent *e = d->table[i];
        while (e) {
            struct dent *next = e->next;
            assert(nt);
            struct dent **b = &nt[e->hash & (newsize - 1)];
            e->next = *b;
            *b = e;
            e = next;
        }
    }
    cache_mem_free(ks, d->table);
    d->table = nt;
    d->size = newsize;
    return DD_OK;
}

static size_t next_pow2(size_t n)
{
    size_t s = DICT_MIN_SIZE;
    while (s < n)
        s <<= 1;
    return s;
}

/* Shrinks a sparse table; failing to shrink is harmless. */
static void dict_maybe_shrink(struct cache_keyspace *ks, struct dict *d)
{
    if (d->no_resize)
        return;
    if (d->used == 0) {
        if (d->size)
            (void)dict_resize(ks, d, 0);
    } else if (d->size > DICT_MIN_SIZE && d->used * 8 <= d->size) {
        (void)dict_resize(ks, d, next_pow2(d->used));
    }
}

/* Adds a new entry for a key known to be absent; the caller fills e->v. */
static struct dent *dict_insert(struct cache_keyspace *ks, struct dict *d, const void *key,
                                size_t klen)
{
    if (d->used >= d->size) {
        /* Growth failing is not fatal while some bucket exists: chains lengthen. */
        if (dict_resize(ks, d, next_pow2(d->used * 2)) != DD_OK && !d->size)
            return NULL;
    }
    struct dent *e = cache_mem_alloc(ks, sizeof(*e) + klen);
    if (!e)
        return NULL;
    e->hash = hash_key(ks, key, klen);
    e->klen = klen;
    if (klen)
        memcpy(e->key, key, klen);
    struct dent **b = &d->table[e->hash & (d->size - 1)];
    e->next = *b;
    *b = e;
    d->used++;
    return e;
}

/* Unlinks *ref and frees the entry (not its value). */
static void dict_unlink(struct cache_keyspace *ks, struct dict *d, struct dent **ref)
{
    struct dent *e = *ref;
    *ref = e->next;
    d->used--;
    cache_mem_free(ks, e);
    dict_maybe_shrink(ks, d);
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

static uint64_t cursor_next(uint64_t v, size_t size)
{
    uint64_t mask = size - 1;
    v |= ~mask;
    v = rev64(v);
    v++;
    return rev64(v);
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
    ks->dbs = cache_mem_alloc(ks, (size_t)ndb * sizeof(*ks->dbs));
    if (!ks->dbs) {
        free(ks);
        return NULL;
    }
    memset(ks->dbs, 0, (size_t)ndb * sizeof(*ks->dbs));
    for (int i = 0; i < ndb; i++) {
        ks->dbs[i].ks = ks;
        ks->dbs[i].id = i;
    }
    return ks;
}

/* Frees every entry of db; tell says whether the listener hears about it. */
static void db_clear(struct cache_db *db, bool tell)
{
    struct cache_keyspace *ks = db->ks;
    struct dict *k = &db->keys;
    for (size_t i = 0; i < k->size; i++) {
        struct dent *e = k->table[i];
        while (e) {
            struct dent *next = e->next;
            if (tell && ks->listener)
                ks->listener(ks->listener_ctx, db, e->key, e->klen, CACHE_KEY_DELETED);
            cache_obj_free(ks, e->v.obj);
            cache_mem_free(ks, e);
            e = next;
        }
    }
    struct dict *x = &db->expires;
    for (size_t i = 0; i < x->size; i++) {
        struct dent *e = x->table[i];
        while (e) {
            struct dent *next = e->next;
            cache_mem_free(ks, e);
            e = next;
        }
    }
    cache_mem_free(ks, k->table);
    cache_mem_free(ks, x->table);
    memset(k, 0, sizeof(*k));
    memset(x, 0, sizeof(*x));
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

struct cache_keyspace *cache_db_keyspace(struct cache_db *db)
{
    return db->ks;
}

int cache_db_id(const struct cache_db *db)
{
    return db->id;
}

/* ---- keys ---- */

/* Removes key (present in keys) and its TTL, telling the listener ev first. */
static void db_remove(struct cache_db *db, struct dent **ref, enum cache_key_event ev)
{
    struct cache_keyspace *ks = db->ks;
    struct dent *e = *ref;
    if (ks->listener)
        ks->listener(ks->listener_ctx, db, e->key, e->klen, ev);
    struct dent **xref = dict_find_ref(ks, &db->expires, e->key, e->klen);
    if (xref)
        dict_unlink(ks, &db->expires, xref);
    struct cache_obj *obj = e->v.obj;
    dict_unlink(ks, &db->keys, ref);
    cache_obj_free(ks, obj);
}

struct cache_obj *cache_db_lookup(struct cache_db *db, const void *key, size_t klen, int64_t now_ms)
{
    if (cache_expire_if_needed(db, key, klen, now_ms))
        return NULL;
    struct dent *e = dict_find(db->ks, &db->keys, key, klen);
    return e ? e->v.obj : NULL;
}

int cache_db_add(struct cache_db *db, const void *key, size_t klen, struct cache_obj *obj,
                 int64_t now_ms)
{
    (void)cache_expire_if_needed(db, key, klen, now_ms);
    if (dict_find(db->ks, &db->keys, key, klen))
        return DD_EEXIST;
    struct dent *e = dict_insert(db->ks, &db->keys, key, klen);
    if (!e)
        return DD_ENOMEM;
    e->v.obj = obj;
    return DD_OK;
}

int cache_db_set(struct cache_db *db, const void *key, size_t klen, struct cache_obj *obj,
                 bool keep_ttl, int64_t now_ms)
{
    struct cache_keyspace *ks = db->ks;
    (void)cache_expire_if_needed(db, key, klen, now_ms);
    struct dent *e = dict_find(ks, &db->keys, key, klen);
    if (!e)
        return cache_db_add(db, key, klen, obj, now_ms);
    if (ks->listener)
        ks->listener(ks->listener_ctx, db, e->key, e->klen, CACHE_KEY_OVERWRITTEN);
    cache_obj_free(ks, e->v.obj);
    e->v.obj = obj;
    if (!keep_ttl)
        (void)cache_db_ttl_del(db, key, klen);
    return DD_OK;
}

int cache_db_delete(struct cache_db *db, const void *key, size_t klen, int64_t now_ms)
{
    if (cache_expire_if_needed(db, key, klen, now_ms))
        return DD_ENOENT;
    struct dent **ref = dict_find_ref(db->ks, &db->keys, key, klen);
    if (!ref)
        return DD_ENOENT;
    db_remove(db, ref, CACHE_KEY_DELETED);
    return DD_OK;
}

size_t cache_db_count(const struct cache_db *db)
{
    return db->keys.used;
}

size_t cache_db_expires_count(const struct cache_db *db)
{
    return db->expires.used;
}

/* RANDOMKEY: a random non-empty bucket, then a random entry of its chain.
 * Like Redis's dbRandomKey, an expired pick is reclaimed and another drawn;
 * when every key is volatile the number of tries is capped, so a database
 * of keys all due is not emptied by one call (the key is returned then). */
int cache_db_random_key(struct cache_db *db, int64_t now_ms, const void **key, size_t *klen)
{
    struct cache_keyspace *ks = db->ks;
    unsigned tries = 0;
    while (db->keys.used) {
        struct dict *d = &db->keys;
        struct dent *head;
        do {
            head = d->table[ks_random(ks) & (d->size - 1)];
        } while (!head);
        size_t n = 0;
        for (struct dent *e = head; e; e = e->next)
            n++;
        struct dent *e = head;
        for (size_t i = ks_random(ks) % n; i; i--)
            e = e->next;
        int64_t *when = cache_db_ttl_slot(db, e->key, e->klen);
        bool all_volatile = db->expires.used == db->keys.used;
        if (when && *when <= now_ms && !(all_volatile && ++tries > 100)) {
            cache_db_expire_key(db, e->key, e->klen);
            continue;
        }
        *key = e->key;
        *klen = e->klen;
        return DD_OK;
    }
    return DD_ENOENT;
}

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
    int64_t *sw = cache_db_ttl_slot(db, src, slen);
    bool has_ttl = sw != NULL;
    int64_t when = has_ttl ? *sw : 0;
    struct dent *d = dict_find(ks, &db->keys, dst, dlen);
    if (!d) {
        /* Insert first so that running out of memory leaves src untouched. */
        d = dict_insert(ks, &db->keys, dst, dlen);
        if (!d)
            return DD_ENOMEM;
        d->v.obj = NULL;
    } else {
        if (ks->listener)
            ks->listener(ks->listener_ctx, db, d->key, d->klen, CACHE_KEY_OVERWRITTEN);
        (void)cache_db_ttl_del(db, dst, dlen);
    }
    if (has_ttl && cache_db_ttl_put(db, dst, dlen, when) != DD_OK) {
        if (!d->v.obj)
            dict_unlink(ks, &db->keys, dict_find_ref(ks, &db->keys, dst, dlen));
        return DD_ENOMEM;
    }
    /* The insert may have resized the table: find src again. */
    struct dent **sref = dict_find_ref(ks, &db->keys, src, slen);
    struct cache_obj *old = d->v.obj;
    d->v.obj = (*sref)->v.obj;
    (*sref)->v.obj = NULL;
    if (ks->listener)
        ks->listener(ks->listener_ctx, db, src, slen, CACHE_KEY_DELETED);
    struct dent **xref = dict_find_ref(ks, &db->expires, src, slen);
    if (xref)
        dict_unlink(ks, &db->expires, xref);
    dict_unlink(ks, &db->keys, dict_find_ref(ks, &db->keys, src, slen));
    cache_obj_free(ks, old);
    return DD_OK;
}

void cache_db_flush(struct cache_db *db)
{
    db_clear(db, true);
}

/* ---- SCAN ---- */

uint64_t cache_db_scan(struct cache_db *db, uint64_t cursor, size_t count, int64_t now_ms,
                       cache_scan_fn fn, void *ctx)
{
    struct dict *d = &db->keys;
    if (count == 0)
        count = 10;
    /* Like Redis, bound the empty buckets visited so a sparse table answers fast. */
    size_t max_buckets = count * 10;
    size_t seen = 0;
    do {
        if (!d->size)
            return 0;
        for (struct dent *e = d->table[cursor & (d->size - 1)]; e; e = e->next) {
            int64_t *when = cache_db_ttl_slot(db, e->key, e->klen);
            if (when && *when <= now_ms)
                continue;
            fn(ctx, e->key, e->klen, e->v.obj);
            seen++;
        }
        cursor = cursor_next(cursor, d->size);
    } while (cursor && seen < count && --max_buckets);
    return cursor;
}

/* ---- expires table primitives ---- */

int64_t *cache_db_ttl_slot(struct cache_db *db, const void *key, size_t klen)
{
    if (!db->expires.used)
        return NULL;
    struct dent *e = dict_find(db->ks, &db->expires, key, klen);
    return e ? &e->v.when : NULL;
}

int cache_db_ttl_put(struct cache_db *db, const void *key, size_t klen, int64_t when_ms)
{
    if (!dict_find(db->ks, &db->keys, key, klen))
        return DD_ENOENT;
    struct dent *e = dict_find(db->ks, &db->expires, key, klen);
    if (!e) {
        e = dict_insert(db->ks, &db->expires, key, klen);
        if (!e)
            return DD_ENOMEM;
    }
    e->v.when = when_ms;
    return DD_OK;
}

int cache_db_ttl_del(struct cache_db *db, const void *key, size_t klen)
{
    struct dent **ref = dict_find_ref(db->ks, &db->expires, key, klen);
    if (!ref)
        return DD_ENOENT;
    dict_unlink(db->ks, &db->expires, ref);
    return DD_OK;
}

void cache_db_expire_key(struct cache_db *db, const void *key, size_t klen)
{
    struct dent **ref = dict_find_ref(db->ks, &db->keys, key, klen);
    if (!ref) {
        (void)cache_db_ttl_del(db, key, klen);
        return;
    }
    db->ks->stats.expired_keys++;
    db_remove(db, ref, CACHE_KEY_EXPIRED);
}

bool cache_db_ttl_step(struct cache_db *db, int64_t now_ms, size_t *sampled, size_t *expired)
{
    struct dict *x = &db->expires;
    if (!x->size) {
        db->ttl_cursor = 0;
        return true;
    }
    /* Freeze the table's shape while deleting out of the bucket being walked. */
    x->no_resize++;
    struct dent *e = x->table[db->ttl_cursor & (x->size - 1)];
    while (e) {
        struct dent *next = e->next;
        (*sampled)++;
        if (e->v.when <= now_ms) {
            cache_db_expire_key(db, e->key, e->klen);
            (*expired)++;
        }
        e = next;
    }
    x->no_resize--;
    db->ttl_cursor = cursor_next(db->ttl_cursor, x->size);
    dict_maybe_shrink(db->ks, x);
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
