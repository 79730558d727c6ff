/*
 * The set type's two encodings, the conversion between them, random picks,
 * SSCAN, and set algebra (see t_set.h for the rule and why it matters).
 *
 * The intset is a sorted array of long long (Redis packs 16/32/64-bit
 * integers; only the order and the conversion point are visible, so the
 * width is not reproduced). Membership is a binary search, insertion and
 * removal a memmove, as in Redis.
 */
#include "cache-emu/t_set.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

struct cache_set {
    bool table;               /* encoding: false = intset, true = hashtable (sticky) */
    long long *is;            /* intset: members, ascending */
    size_t is_len;            /* intset: members in is */
    size_t is_cap;            /* intset: slots allocated in is */
    struct cache_hs_table ht; /* hashtable: the members (entries without value) */
};

void *cache_set_new(struct cache_keyspace *ks)
{
    struct cache_set *s = cache_mem_alloc(ks, sizeof(*s));
    if (!s)
        return NULL;
    memset(s, 0, sizeof(*s));
    return s;
}

void cache_set_free(struct cache_keyspace *ks, void *payload)
{
    struct cache_set *s = payload;
    if (!s)
        return;
    cache_mem_free(ks, s->is);
    cache_hs_clear(ks, &s->ht);
    cache_mem_free(ks, s);
}

struct cache_obj *cache_set_obj_new(struct cache_keyspace *ks)
{
    void *s = cache_set_new(ks);
    if (!s)
        return NULL;
    struct cache_obj *o = cache_obj_new(ks, CACHE_TYPE_SET, s, cache_set_free);
    if (!o)
        cache_set_free(ks, s);
    return o;
}

const char *cache_set_encoding(const void *payload)
{
    const struct cache_set *s = payload;
    return s->table ? "hashtable" : "intset";
}

size_t cache_set_len(const void *payload)
{
    const struct cache_set *s = payload;
    return s->table ? s->ht.used : s->is_len;
}

/* ---- intset ---- */

/* Index of v, or where it would go; *found tells which. */
static size_t is_search(const struct cache_set *s, long long v, bool *found)
{
    size_t lo = 0, hi = s->is_len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->is[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < s->is_len && s->is[lo] == v;
    return lo;
}

static int is_insert(struct cache_keyspace *ks, struct cache_set *s, size_t at, long long v)
{
    if (s->is_len == s->is_cap) {
        size_t ncap = s->is_cap ? s->is_cap * 2 : 4;
        long long *n = cache_mem_realloc(ks, s->is, ncap * sizeof(*n));
        if (!n)
            return DD_ENOMEM;
        s->is = n;
        s->is_cap = ncap;
    }
    memmove(&s->is[at + 1], &s->is[at], (s->is_len - at) * sizeof(*s->is));
    s->is[at] = v;
    s->is_len++;
    return DD_OK;
}

static void is_remove_at(struct cache_keyspace *ks, struct cache_set *s, size_t at)
{
    memmove(&s->is[at], &s->is[at + 1], (s->is_len - at - 1) * sizeof(*s->is));
    s->is_len--;
    if (s->is_len == 0) {
        cache_mem_free(ks, s->is);
        s->is = NULL;
        s->is_cap = 0;
    }
}

static size_t ll_text(long long v, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%lld", v);
    return n > 0 ? (size_t)n : 0;
}

/* intset -> hashtable, for good. Nothing changes on DD_ENOMEM. */
static int convert(struct cache_keyspace *ks, struct cache_set *s)
{
    if (s->table)
        return DD_OK;
    struct cache_hs_table t = { 0 };
    if (cache_hs_reserve(ks, &t, s->is_len ? s->is_len : 1) != DD_OK)
        return DD_ENOMEM;
    for (size_t i = 0; i < s->is_len; i++) {
        char buf[24];
        size_t n = ll_text(s->is[i], buf, sizeof(buf));
        struct cache_hs_entry *e = cache_hs_entry_new(ks, buf, n, NULL, 0, false);
        if (!e) {
            cache_hs_clear(ks, &t);
            return DD_ENOMEM;
        }
        (void)cache_hs_link(ks, &t, e); /* cannot fail: the buckets exist */
    }
    cache_mem_free(ks, s->is);
    s->is = NULL;
    s->is_len = s->is_cap = 0;
    s->ht = t;
    s->table = true;
    return DD_OK;
}

/* ---- members ---- */

static int table_add(struct cache_keyspace *ks, struct cache_set *s, const void *m, size_t len)
{
    if (cache_hs_find(&s->ht, m, len))
        return 0;
    struct cache_hs_entry *e = cache_hs_entry_new(ks, m, len, NULL, 0, false);
    if (!e)
        return DD_ENOMEM;
    if (cache_hs_link(ks, &s->ht, e) != DD_OK) {
        cache_hs_entry_free(ks, e);
        return DD_ENOMEM;
    }
    return 1;
}

int cache_set_add(struct cache_keyspace *ks, void *payload, const struct cache_settings *st,
                  const void *m, size_t len)
{
    struct cache_set *s = payload;
    if (s->table)
        return table_add(ks, s, m, len);
    long long v;
    if (!cache_hs_string2ll(m, len, &v)) {
        if (convert(ks, s) != DD_OK)
            return DD_ENOMEM;
        return table_add(ks, s, m, len);
    }
    bool found;
    size_t at = is_search(s, v, &found);
    if (found)
        return 0;
    if (is_insert(ks, s, at, v) != DD_OK)
        return DD_ENOMEM;
    /* Too many members now. Should the conversion fail the set is still
     * correct, only in the small encoding for longer. */
    if ((long long)s->is_len > st->set_max_intset_entries)
        (void)convert(ks, s);
    return 1;
}

int cache_set_remove(struct cache_keyspace *ks, void *payload, const void *m, size_t len)
{
    struct cache_set *s = payload;
    if (s->table) {
        struct cache_hs_entry *e = cache_hs_unlink(ks, &s->ht, m, len);
        if (!e)
            return 0;
        cache_hs_entry_free(ks, e);
        return 1;
    }
    long long v;
    bool found;
    if (!cache_hs_string2ll(m, len, &v))
        return 0;
    size_t at = is_search(s, v, &found);
    if (!found)
        return 0;
    is_remove_at(ks, s, at);
    return 1;
}

bool cache_set_contains(const void *payload, const void *m, size_t len)
{
    const struct cache_set *s = payload;
    if (s->table)
        return cache_hs_find(&s->ht, m, len) != NULL;
    long long v;
    bool found;
    if (!cache_hs_string2ll(m, len, &v))
        return false;
    (void)is_search(s, v, &found);
    return found;
}

void *cache_set_dup(struct cache_keyspace *ks, const void *payload)
{
    const struct cache_set *src = payload;
    struct cache_set *s = cache_set_new(ks);
    if (!s)
        return NULL;
    if (!src->table) {
        if (src->is_len) {
            s->is = cache_mem_alloc(ks, src->is_len * sizeof(*s->is));
            if (!s->is)
                goto fail;
            memcpy(s->is, src->is, src->is_len * sizeof(*s->is));
            s->is_len = s->is_cap = src->is_len;
        }
        return s;
    }
    s->table = true;
    if (cache_hs_reserve(ks, &s->ht, src->ht.used) != DD_OK)
        goto fail;
    struct cache_hs_iter it;
    cache_hs_iter_init(&it);
    for (const struct cache_hs_entry *e; (e = cache_hs_iter_next(&src->ht, &it));) {
        struct cache_hs_entry *c = cache_hs_entry_new(ks, e->key, e->klen, NULL, 0, false);
        if (!c)
            goto fail;
        if (cache_hs_link(ks, &s->ht, c) != DD_OK) {
            cache_hs_entry_free(ks, c);
            goto fail;
        }
    }
    return s;
fail:
    cache_set_free(ks, s);
    return NULL;
}

/* ---- iteration ---- */

void cache_set_iter_init(struct cache_set_iter *it, const void *payload)
{
    it->s = payload;
    it->pos = 0;
    cache_hs_iter_init(&it->ti);
}

bool cache_set_iter_next(struct cache_set_iter *it, const char **m, size_t *len)
{
    if (it->s->table) {
        const struct cache_hs_entry *e = cache_hs_iter_next(&it->s->ht, &it->ti);
        if (!e)
            return false;
        *m = (const char *)e->key;
        *len = e->klen;
        return true;
    }
    if (it->pos >= it->s->is_len)
        return false;
    *len = ll_text(it->s->is[it->pos++], it->buf, sizeof(it->buf));
    *m = it->buf;
    return true;
}

/* ---- random picks ---- */

/* Shows fn member i of an intset. */
static void is_visit(const struct cache_set *s, size_t i, cache_set_visit_fn fn, void *ctx)
{
    char buf[24];
    size_t n = ll_text(s->is[i], buf, sizeof(buf));
    fn(ctx, buf, n);
}

bool cache_set_random(const void *payload, cache_set_visit_fn fn, void *ctx)
{
    const struct cache_set *s = payload;
    if (!cache_set_len(s))
        return false;
    if (s->table) {
        const struct cache_hs_entry *e = cache_hs_pick(&s->ht);
        fn(ctx, (const char *)e->key, e->klen);
    } else {
        is_visit(s, cache_hs_random_index(s->is_len), fn, ctx);
    }
    return true;
}

void cache_set_random_repeat(const void *payload, size_t count, cache_set_visit_fn fn, void *ctx)
{
    if (!cache_set_len(payload))
        return;
    while (count--)
        (void)cache_set_random(payload, fn, ctx);
}

/* Same strategies as cache_hash_random_distinct(): distinct indices for the
 * indexable intset; for a table, rejection of repeats while count is under a
 * third of the size, else indices into a list of its entries. */
int cache_set_random_distinct(const void *payload, size_t count, cache_set_visit_fn fn, void *ctx)
{
    const struct cache_set *s = payload;
    size_t n = cache_set_len(s);
    if (count >= n)
        return DD_EINVAL;
    if (count == 0)
        return DD_OK;
    if (s->table && count * 3 <= n) {
        struct cache_hs_seen seen;
        if (cache_hs_seen_init(&seen, count) != DD_OK)
            return DD_ENOMEM;
        for (size_t got = 0; got < count;) {
            const struct cache_hs_entry *e = cache_hs_pick(&s->ht);
            if (cache_hs_seen_add(&seen, (uintptr_t)e)) {
                fn(ctx, (const char *)e->key, e->klen);
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
    if (s->table) {
        list = malloc(n * sizeof(*list));
        if (!list) {
            free(idx);
            return DD_ENOMEM;
        }
        struct cache_hs_iter it;
        cache_hs_iter_init(&it);
        size_t i = 0;
        for (const struct cache_hs_entry *e; (e = cache_hs_iter_next(&s->ht, &it));)
            list[i++] = e;
    }
    int rc = cache_hs_pick_indices(n, count, idx);
    if (rc == DD_OK) {
        for (size_t i = 0; i < count; i++) {
            if (list)
                fn(ctx, (const char *)list[idx[i]]->key, list[idx[i]]->klen);
            else
                is_visit(s, idx[i], fn, ctx);
        }
    }
    free(list);
    free(idx);
    return rc;
}

bool cache_set_pop(struct cache_keyspace *ks, void *payload, cache_set_visit_fn fn, void *ctx)
{
    struct cache_set *s = payload;
    if (!cache_set_len(s))
        return false;
    if (!s->table) {
        size_t i = cache_hs_random_index(s->is_len);
        is_visit(s, i, fn, ctx);
        is_remove_at(ks, s, i);
        return true;
    }
    struct cache_hs_entry *e = cache_hs_pick(&s->ht);
    fn(ctx, (const char *)e->key, e->klen);
    /* Unlink by key: the table finds the same entry and may shrink after. */
    e = cache_hs_unlink(ks, &s->ht, e->key, e->klen);
    cache_hs_entry_free(ks, e);
    return true;
}

/* ---- SSCAN ---- */

struct scan_ctx {
    cache_set_visit_fn fn; /* caller's visitor */
    void *ctx;             /* caller's context */
    size_t seen;           /* members seen */
};

static void scan_visit(void *p, const struct cache_hs_entry *e)
{
    struct scan_ctx *sc = p;
    sc->fn(sc->ctx, (const char *)e->key, e->klen);
    sc->seen++;
}

uint64_t cache_set_scan(const void *payload, uint64_t cursor, size_t count, cache_set_visit_fn fn,
                        void *ctx)
{
    const struct cache_set *s = payload;
    if (!s->table) {
        for (size_t i = 0; i < s->is_len; i++)
            is_visit(s, i, fn, ctx);
        return 0;
    }
    if (count == 0)
        count = 10;
    struct scan_ctx sc = { fn, ctx, 0 };
    size_t maxiter = count > SIZE_MAX / 10 ? SIZE_MAX : count * 10;
    do {
        cursor = cache_hs_scan_step(&s->ht, cursor, scan_visit, &sc);
    } while (cursor && maxiter-- && sc.seen < count);
    return cursor;
}

/* ---- algebra ----
 *
 * Redis's sinterGenericCommand and sunionDiffGenericCommand, whose visible
 * effects are (a) SINTER replies in the order of the smallest set, (b) a
 * stored result starts as an intset and converts like any set as members
 * are added in the algorithm's order (so an intermediate state can make it
 * a hashtable for good), and (c) SDIFF picks one of two algorithms by an
 * estimate of the work: 1 checks each member of the first set against the
 * others (the others sorted by decreasing size), 2 copies the first set
 * and removes the others' members from the copy. They can give one content
 * two encodings, so both are kept.
 */

struct sized {
    const struct cache_set *s; /* a set, or NULL for a missing key */
    size_t len;                /* its size, 0 for NULL */
    size_t pos;                /* argument position: equal sizes keep their order */
};

static int by_size_asc(const void *a, const void *b)
{
    const struct sized *x = a, *y = b;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int by_size_desc(const void *a, const void *b)
{
    const struct sized *x = a, *y = b;
    if (x->len != y->len)
        return x->len > y->len ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static struct sized *sized_list(const void *const *sets, size_t n)
{
    struct sized *l = malloc((n ? n : 1) * sizeof(*l));
    if (!l)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        l[i].s = sets[i];
        l[i].len = sets[i] ? cache_set_len(sets[i]) : 0;
        l[i].pos = i;
    }
    return l;
}

size_t cache_set_inter(const void *const *sets, size_t n, size_t limit, cache_set_visit_fn fn,
                       void *ctx)
{
    if (n == 0)
        return 0;
    struct sized *l = sized_list(sets, n);
    struct sized one;
    if (!l) {
        /* No room to sort: any order gives the same members. */
        if (n > 1)
            return 0;
        one.s = sets[0];
        l = &one;
    } else {
        qsort(l, n, sizeof(*l), by_size_asc);
    }
    size_t card = 0;
    struct cache_set_iter it;
    const char *m;
    size_t mlen;
    cache_set_iter_init(&it, l[0].s);
    while (cache_set_iter_next(&it, &m, &mlen)) {
        size_t j;
        for (j = 1; j < n; j++) {
            if (l[j].s == l[0].s)
                continue;
            if (!cache_set_contains(l[j].s, m, mlen))
                break;
        }
        if (j < n)
            continue;
        if (fn)
            fn(ctx, m, mlen);
        card++;
        if (limit && card >= limit)
            break;
    }
    if (l != &one)
        free(l);
    return card;
}

struct build_ctx {
    struct cache_keyspace *ks;       /* where the result lives */
    const struct cache_settings *st; /* conversion thresholds */
    struct cache_set *dst;           /* result being built */
    int rc;                          /* first failure */
};

static void build_add(void *p, const char *m, size_t len)
{
    struct build_ctx *b = p;
    if (b->rc == DD_OK && cache_set_add(b->ks, b->dst, b->st, m, len) < 0)
        b->rc = DD_ENOMEM;
}

/* Adds every member of src to b->dst (in src's order). */
static void add_all(struct build_ctx *b, const struct cache_set *src)
{
    struct cache_set_iter it;
    const char *m;
    size_t len;
    cache_set_iter_init(&it, src);
    while (b->rc == DD_OK && cache_set_iter_next(&it, &m, &len))
        build_add(b, m, len);
}

static int build_done(struct build_ctx *b, void **out)
{
    if (b->rc != DD_OK) {
        cache_set_free(b->ks, b->dst);
        return b->rc;
    }
    *out = b->dst;
    return DD_OK;
}

int cache_set_inter_new(struct cache_keyspace *ks, const struct cache_settings *st,
                        const void *const *sets, size_t n, void **out)
{
    struct build_ctx b = { ks, st, cache_set_new(ks), DD_OK };
    if (!b.dst)
        return DD_ENOMEM;
    bool missing = false;
    for (size_t i = 0; i < n; i++)
        missing = missing || !sets[i];
    if (!missing)
        (void)cache_set_inter(sets, n, 0, build_add, &b);
    return build_done(&b, out);
}

int cache_set_union_new(struct cache_keyspace *ks, const struct cache_settings *st,
                        const void *const *sets, size_t n, void **out)
{
    struct build_ctx b = { ks, st, cache_set_new(ks), DD_OK };
    if (!b.dst)
        return DD_ENOMEM;
    for (size_t i = 0; i < n && b.rc == DD_OK; i++)
        if (sets[i])
            add_all(&b, sets[i]);
    return build_done(&b, out);
}

int cache_set_diff_new(struct cache_keyspace *ks, const struct cache_settings *st,
                       const void *const *sets, size_t n, void **out)
{
    struct build_ctx b = { ks, st, cache_set_new(ks), DD_OK };
    if (!b.dst)
        return DD_ENOMEM;
    if (n == 0 || !sets[0])
        return build_done(&b, out);
    const struct cache_set *first = sets[0];
    size_t algo1 = 0, algo2 = 0;
    for (size_t j = 0; j < n; j++) {
        if (!sets[j])
            continue;
        algo1 += cache_set_len(first);
        algo2 += cache_set_len(sets[j]);
    }
    /* Algorithm 1 has better constants; Redis halves its estimate. */
    algo1 /= 2;
    if (algo1 <= algo2) {
        struct sized *l = sized_list(sets, n);
        if (!l) {
            cache_set_free(ks, b.dst);
            return DD_ENOMEM;
        }
        if (n > 1)
            qsort(l + 1, n - 1, sizeof(*l), by_size_desc);
        struct cache_set_iter it;
        const char *m;
        size_t len;
        cache_set_iter_init(&it, first);
        while (b.rc == DD_OK && cache_set_iter_next(&it, &m, &len)) {
            size_t j;
            for (j = 1; j < n; j++) {
                if (!l[j].s)
                    continue;
                if (l[j].s == first || cache_set_contains(l[j].s, m, len))
                    break;
            }
            if (j == n)
                build_add(&b, m, len);
        }
        free(l);
        return build_done(&b, out);
    }
    add_all(&b, first);
    for (size_t j = 1; j < n && b.rc == DD_OK && cache_set_len(b.dst); j++) {
        if (!sets[j])
            continue;
        struct cache_set_iter it;
        const char *m;
        size_t len;
        cache_set_iter_init(&it, sets[j]);
        while (cache_set_iter_next(&it, &m, &len))
            (void)cache_set_remove(ks, b.dst, m, len);
    }
    return build_done(&b, out);
}
