/*
 * The hash type's two encodings and the conversion between them (see
 * t_hash.h for the rule and why it matters).
 *
 * The "listpack" is kept as an array of entries in insertion order rather
 * than Redis's packed byte string: what must match Redis is its order and
 * when it converts, not its layout. Its entries are the same struct the
 * table links, so converting relinks them into a table without copying
 * bytes.
 */
#include "cache-emu/t_hash.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

struct cache_hash {
    bool table;                 /* encoding: false = listpack, true = hashtable (sticky) */
    struct cache_hs_entry **lp; /* listpack: entries in insertion order */
    size_t lp_len;              /* listpack: entries in lp */
    size_t lp_cap;              /* listpack: slots allocated in lp */
    struct cache_hs_table ht;   /* hashtable: the fields */
};

void *cache_hash_new(struct cache_keyspace *ks)
{
    struct cache_hash *h = cache_mem_alloc(ks, sizeof(*h));
    if (!h)
        return NULL;
    memset(h, 0, sizeof(*h));
    return h;
}

void cache_hash_free(struct cache_keyspace *ks, void *payload)
{
    struct cache_hash *h = payload;
    if (!h)
        return;
    for (size_t i = 0; i < h->lp_len; i++)
        cache_hs_entry_free(ks, h->lp[i]);
    cache_mem_free(ks, h->lp);
    cache_hs_clear(ks, &h->ht);
    cache_mem_free(ks, h);
}

struct cache_obj *cache_hash_obj_new(struct cache_keyspace *ks)
{
    void *h = cache_hash_new(ks);
    if (!h)
        return NULL;
    struct cache_obj *o = cache_obj_new(ks, CACHE_TYPE_HASH, h, cache_hash_free);
    if (!o)
        cache_hash_free(ks, h);
    return o;
}

const char *cache_hash_encoding(const void *payload)
{
    const struct cache_hash *h = payload;
    return h->table ? "hashtable" : "listpack";
}

size_t cache_hash_len(const void *payload)
{
    const struct cache_hash *h = payload;
    return h->table ? h->ht.used : h->lp_len;
}

/* Index of f in the listpack, or lp_len when absent. */
static size_t lp_find(const struct cache_hash *h, const void *f, size_t flen)
{
    for (size_t i = 0; i < h->lp_len; i++) {
        const struct cache_hs_entry *e = h->lp[i];
        if (e->klen == flen && (flen == 0 || memcmp(e->key, f, flen) == 0))
            return i;
    }
    return h->lp_len;
}

/* Makes room for one more listpack entry. */
static int lp_grow(struct cache_keyspace *ks, struct cache_hash *h)
{
    if (h->lp_len < h->lp_cap)
        return DD_OK;
    size_t ncap = h->lp_cap ? h->lp_cap * 2 : 4;
    struct cache_hs_entry **n = cache_mem_realloc(ks, h->lp, ncap * sizeof(*n));
    if (!n)
        return DD_ENOMEM;
    h->lp = n;
    h->lp_cap = ncap;
    return DD_OK;
}

/* listpack -> hashtable, for good. Nothing changes on DD_ENOMEM. */
static int convert(struct cache_keyspace *ks, struct cache_hash *h)
{
    if (h->table)
        return DD_OK;
    struct cache_hs_table t = { 0 };
    if (cache_hs_reserve(ks, &t, h->lp_len ? h->lp_len : 1) != DD_OK)
        return DD_ENOMEM;
    for (size_t i = 0; i < h->lp_len; i++) {
        int rc = cache_hs_link(ks, &t, h->lp[i]);
        (void)rc; /* cannot fail: the buckets exist */
    }
    cache_mem_free(ks, h->lp);
    h->lp = NULL;
    h->lp_len = h->lp_cap = 0;
    h->ht = t;
    h->table = true;
    return DD_OK;
}

bool cache_hash_get(const void *payload, const void *f, size_t flen, const unsigned char **v,
                    size_t *vlen)
{
    const struct cache_hash *h = payload;
    const struct cache_hs_entry *e = NULL;
    if (h->table) {
        e = cache_hs_find(&h->ht, f, flen);
    } else {
        size_t i = lp_find(h, f, flen);
        if (i < h->lp_len)
            e = h->lp[i];
    }
    if (!e)
        return false;
    if (v)
        *v = e->val;
    if (vlen)
        *vlen = e->vlen;
    return true;
}

int cache_hash_fit(struct cache_keyspace *ks, void *payload, const struct cache_settings *s,
                   size_t longest)
{
    struct cache_hash *h = payload;
    if (!h->table && (long long)longest > s->hash_max_listpack_value)
        return convert(ks, h);
    return DD_OK;
}

int cache_hash_set(struct cache_keyspace *ks, void *payload, const struct cache_settings *s,
                   const void *f, size_t flen, const void *v, size_t vlen)
{
    struct cache_hash *h = payload;
    /* hashTypeSet checks the lengths itself too: HINCRBY* do not go through
     * hashTypeTryConversion, yet a long field must not enter a listpack. */
    if (cache_hash_fit(ks, h, s, flen > vlen ? flen : vlen) != DD_OK)
        return DD_ENOMEM;
    if (h->table) {
        struct cache_hs_entry *e = cache_hs_find(&h->ht, f, flen);
        if (e)
            return cache_hs_entry_set_val(ks, e, v, vlen) == DD_OK ? 0 : DD_ENOMEM;
        e = cache_hs_entry_new(ks, f, flen, v, vlen, true);
        if (!e)
            return DD_ENOMEM;
        if (cache_hs_link(ks, &h->ht, e) != DD_OK) {
            cache_hs_entry_free(ks, e);
            return DD_ENOMEM;
        }
        return 1;
    }
    int added;
    size_t i = lp_find(h, f, flen);
    if (i < h->lp_len) {
        if (cache_hs_entry_set_val(ks, h->lp[i], v, vlen) != DD_OK)
            return DD_ENOMEM;
        added = 0;
    } else {
        if (lp_grow(ks, h) != DD_OK)
            return DD_ENOMEM;
        struct cache_hs_entry *e = cache_hs_entry_new(ks, f, flen, v, vlen, true);
        if (!e)
            return DD_ENOMEM;
        h->lp[h->lp_len++] = e;
        added = 1;
    }
    /* Too many fields, checked after an update as well (as hashTypeSet
     * does): the limit may have been lowered by CONFIG SET meanwhile. Should
     * the conversion fail the hash is still correct, only in the small
     * encoding for longer. */
    if ((long long)h->lp_len > s->hash_max_listpack_entries)
        (void)convert(ks, h);
    return added;
}

int cache_hash_del(struct cache_keyspace *ks, void *payload, const void *f, size_t flen)
{
    struct cache_hash *h = payload;
    if (h->table) {
        struct cache_hs_entry *e = cache_hs_unlink(ks, &h->ht, f, flen);
        if (!e)
            return 0;
        cache_hs_entry_free(ks, e);
        return 1;
    }
    size_t i = lp_find(h, f, flen);
    if (i == h->lp_len)
        return 0;
    cache_hs_entry_free(ks, h->lp[i]);
    memmove(&h->lp[i], &h->lp[i + 1], (h->lp_len - i - 1) * sizeof(*h->lp));
    h->lp_len--;
    if (h->lp_len == 0) {
        /* An empty hash is about to be deleted; give its array back anyway. */
        cache_mem_free(ks, h->lp);
        h->lp = NULL;
        h->lp_cap = 0;
    }
    return 1;
}

void *cache_hash_dup(struct cache_keyspace *ks, const void *payload)
{
    const struct cache_hash *src = payload;
    struct cache_hash *h = cache_hash_new(ks);
    if (!h)
        return NULL;
    if (!src->table) {
        if (src->lp_len) {
            h->lp = cache_mem_alloc(ks, src->lp_len * sizeof(*h->lp));
            if (!h->lp)
                goto fail;
            h->lp_cap = src->lp_len;
        }
        for (size_t i = 0; i < src->lp_len; i++) {
            const struct cache_hs_entry *e = src->lp[i];
            struct cache_hs_entry *c =
                cache_hs_entry_new(ks, e->key, e->klen, e->val, e->vlen, true);
            if (!c)
                goto fail;
            h->lp[h->lp_len++] = c;
        }
        return h;
    }
    h->table = true;
    if (cache_hs_reserve(ks, &h->ht, src->ht.used) != DD_OK)
        goto fail;
    struct cache_hs_iter it;
    cache_hs_iter_init(&it);
    for (const struct cache_hs_entry *e; (e = cache_hs_iter_next(&src->ht, &it));) {
        struct cache_hs_entry *c = cache_hs_entry_new(ks, e->key, e->klen, e->val, e->vlen, true);
        if (!c)
            goto fail;
        if (cache_hs_link(ks, &h->ht, c) != DD_OK) {
            cache_hs_entry_free(ks, c);
            goto fail;
        }
    }
    return h;
fail:
    cache_hash_free(ks, h);
    return NULL;
}

void cache_hash_iter_init(struct cache_hash_iter *it, const void *payload)
{
    it->h = payload;
    it->pos = 0;
    cache_hs_iter_init(&it->ti);
}

static void entry_out(const struct cache_hs_entry *e, const unsigned char **f, size_t *flen,
                      const unsigned char **v, size_t *vlen)
{
    *f = e->key;
    *flen = e->klen;
    *v = e->val;
    *vlen = e->vlen;
}

bool cache_hash_iter_next(struct cache_hash_iter *it, const unsigned char **f, size_t *flen,
                          const unsigned char **v, size_t *vlen)
{
    const struct cache_hs_entry *e;
    if (it->h->table) {
        e = cache_hs_iter_next(&it->h->ht, &it->ti);
    } else {
        e = it->pos < it->h->lp_len ? it->h->lp[it->pos++] : NULL;
    }
    if (!e)
        return false;
    entry_out(e, f, flen, v, vlen);
    return true;
}

static const struct cache_hs_entry *pick_one(const struct cache_hash *h)
{
    if (h->table)
        return cache_hs_pick(&h->ht);
    return h->lp_len ? h->lp[cache_hs_random_index(h->lp_len)] : NULL;
}

bool cache_hash_random(const void *payload, const unsigned char **f, size_t *flen,
                       const unsigned char **v, size_t *vlen)
{
    const struct cache_hs_entry *e = pick_one(payload);
    if (!e)
        return false;
    entry_out(e, f, flen, v, vlen);
    return true;
}

void cache_hash_random_repeat(const void *payload, size_t count, cache_hash_visit_fn fn, void *ctx)
{
    const struct cache_hash *h = payload;
    if (!cache_hash_len(h))
        return;
    while (count--) {
        const struct cache_hs_entry *e = pick_one(h);
        fn(ctx, e->key, e->klen, e->val, e->vlen);
    }
}

/*
 * count distinct fields out of n. A listpack is indexable, so it draws
 * distinct indices. A table draws random entries and rejects repeats while
 * count is under a third of n (few repeats then), else it lists the entries
 * and draws indices into that list, as Redis switches strategy at 3x.
 */
int cache_hash_random_distinct(const void *payload, size_t count, cache_hash_visit_fn fn, void *ctx)
{
    const struct cache_hash *h = payload;
    size_t n = cache_hash_len(h);
    if (count >= n)
        return DD_EINVAL;
    if (count == 0)
        return DD_OK;
    if (h->table && count * 3 <= n) {
        struct cache_hs_seen seen;
        if (cache_hs_seen_init(&seen, count) != DD_OK)
            return DD_ENOMEM;
        for (size_t got = 0; got < count;) {
            const struct cache_hs_entry *e = cache_hs_pick(&h->ht);
            if (cache_hs_seen_add(&seen, (uintptr_t)e)) {
                fn(ctx, e->key, e->klen, e->val, e->vlen);
                got++;
            }
        }
        cache_hs_seen_free(&seen);
        return DD_OK;
    }
    size_t *idx = malloc(count * sizeof(*idx));
    const struct cache_hs_entry **list = NULL;
    if (!idx)
        return DD_ENOMEM;
    if (h->table) {
        list = malloc(n * sizeof(*list));
        if (!list) {
            free(idx);
            return DD_ENOMEM;
        }
        struct cache_hs_iter it;
        cache_hs_iter_init(&it);
        size_t i = 0;
        for (const struct cache_hs_entry *e; (e = cache_hs_iter_next(&h->ht, &it));)
            list[i++] = e;
    }
    int rc = cache_hs_pick_indices(n, count, idx);
    if (rc == DD_OK) {
        for (size_t i = 0; i < count; i++) {
            const struct cache_hs_entry *e = list ? list[idx[i]] : h->lp[idx[i]];
            fn(ctx, e->key, e->klen, e->val, e->vlen);
        }
    }
    free(list);
    free(idx);
    return rc;
}

struct scan_ctx {
    cache_hash_visit_fn fn; /* caller's visitor */
    void *ctx;              /* caller's context */
    size_t seen;            /* items seen, field and value each counting one */
};

static void scan_visit(void *p, const struct cache_hs_entry *e)
{
    struct scan_ctx *sc = p;
    sc->fn(sc->ctx, e->key, e->klen, e->val, e->vlen);
    sc->seen += 2;
}

uint64_t cache_hash_scan(const void *payload, uint64_t cursor, size_t count, cache_hash_visit_fn fn,
                         void *ctx)
{
    const struct cache_hash *h = payload;
    if (!h->table) {
        for (size_t i = 0; i < h->lp_len; i++)
            fn(ctx, h->lp[i]->key, h->lp[i]->klen, h->lp[i]->val, h->lp[i]->vlen);
        return 0;
    }
    if (count == 0)
        count = 10;
    struct scan_ctx sc = { fn, ctx, 0 };
    size_t maxiter = count > SIZE_MAX / 10 ? SIZE_MAX : count * 10;
    do {
        cursor = cache_hs_scan_step(&h->ht, cursor, scan_visit, &sc);
    } while (cursor && maxiter-- && sc.seen < count);
    return cursor;
}
