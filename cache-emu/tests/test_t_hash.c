/* Unit tests for cache-emu/t_hash.c (and the shared table in t_hs_table.c):
 * field operations, binary safety, the listpack -> hashtable conversion
 * rule and its stickiness, insertion order while small, HSCAN's guarantee
 * across growth and shrinking, random picks, COPY's deep copy, failure
 * injection, and used_memory returning to its baseline. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/db.h"
#include "cache-emu/settings.h"
#include "cache-emu/t_hash.h"
#include "common/err.h"

#define NOW 1700000000000LL

/* The thresholds the tests are written for: redis.conf's 128 entries (the
 * built-in default is 512) keeps the conversion cases small. */
static const struct cache_settings defaults = {
    .hash_max_listpack_entries = 128,
    .hash_max_listpack_value = 64,
    .set_max_intset_entries = 512,
    .zset_max_listpack_entries = 128,
    .zset_max_listpack_value = 64,
    .list_max_listpack_size = -2,
    .list_compress_depth = 0,
};

static struct cache_keyspace *new_ks(void)
{
    struct cache_keyspace *ks = cache_keyspace_new(1, 3);
    assert_non_null(ks);
    cache_hs_seed(12345);
    return ks;
}

static void set_str(struct cache_keyspace *ks, void *h, const char *f, const char *v, int want)
{
    assert_int_equal(cache_hash_set(ks, h, &defaults, f, strlen(f), v, strlen(v)), want);
}

static void assert_field(const void *h, const void *f, size_t flen, const void *v, size_t vlen)
{
    const unsigned char *got;
    size_t glen;
    assert_true(cache_hash_get(h, f, flen, &got, &glen));
    assert_int_equal(glen, vlen);
    if (vlen)
        assert_memory_equal(got, v, vlen);
}

/* The fields of h in iteration order, joined by ',' into buf. */
static const char *order(const void *h, char *buf, size_t cap)
{
    struct cache_hash_iter it;
    const unsigned char *f, *v;
    size_t flen, vlen, at = 0;
    buf[0] = '\0';
    cache_hash_iter_init(&it, h);
    while (cache_hash_iter_next(&it, &f, &flen, &v, &vlen)) {
        int n = snprintf(buf + at, cap - at, "%s%.*s", at ? "," : "", (int)flen, (const char *)f);
        assert_true(n > 0 && (size_t)n < cap - at);
        at += (size_t)n;
    }
    return buf;
}

static void test_basic_ops(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    void *h = cache_hash_new(ks);
    assert_non_null(h);
    assert_int_equal(cache_hash_len(h), 0);
    assert_string_equal(cache_hash_encoding(h), "listpack");
    set_str(ks, h, "a", "1", 1);
    set_str(ks, h, "b", "2", 1);
    set_str(ks, h, "a", "10", 0); /* update */
    assert_int_equal(cache_hash_len(h), 2);
    assert_field(h, "a", 1, "10", 2);
    assert_field(h, "b", 1, "2", 1);
    assert_false(cache_hash_get(h, "c", 1, NULL, NULL));
    /* Binary safe: NUL bytes in fields and values, empty field and value. */
    assert_int_equal(cache_hash_set(ks, h, &defaults, "x\0y", 3, "v\0w", 3), 1);
    assert_int_equal(cache_hash_set(ks, h, &defaults, "x\0z", 3, "", 0), 1);
    assert_int_equal(cache_hash_set(ks, h, &defaults, "", 0, "empty", 5), 1);
    assert_field(h, "x\0y", 3, "v\0w", 3);
    assert_field(h, "x\0z", 3, "", 0);
    assert_field(h, "", 0, "empty", 5);
    assert_false(cache_hash_get(h, "x", 1, NULL, NULL));
    assert_int_equal(cache_hash_del(ks, h, "x\0y", 3), 1);
    assert_int_equal(cache_hash_del(ks, h, "x\0y", 3), 0);
    assert_int_equal(cache_hash_del(ks, h, "nope", 4), 0);
    assert_int_equal(cache_hash_len(h), 4);
    cache_hash_free(ks, h);
    cache_hash_free(ks, NULL);
    cache_keyspace_free(ks);
}

static void test_listpack_order(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    void *h = cache_hash_new(ks);
    char buf[256];
    set_str(ks, h, "z", "1", 1);
    set_str(ks, h, "a", "2", 1);
    set_str(ks, h, "m", "3", 1);
    set_str(ks, h, "b", "4", 1);
    assert_string_equal(order(h, buf, sizeof(buf)), "z,a,m,b");
    set_str(ks, h, "a", "updated", 0); /* in place */
    assert_string_equal(order(h, buf, sizeof(buf)), "z,a,m,b");
    assert_int_equal(cache_hash_del(ks, h, "z", 1), 1);
    assert_string_equal(order(h, buf, sizeof(buf)), "a,m,b");
    set_str(ks, h, "z", "again", 1); /* re-added at the end */
    assert_string_equal(order(h, buf, sizeof(buf)), "a,m,b,z");
    cache_hash_free(ks, h);
    cache_keyspace_free(ks);
}

/* Table: which settings and additions convert, and when. */
struct conv_case {
    const char *name;      /* what is checked */
    long long max_entries; /* hash-max-listpack-entries */
    long long max_value;   /* hash-max-listpack-value */
    int nfields;           /* fields added, "f<i>" -> "v" */
    size_t flen, vlen;     /* then one more field of these lengths ('x' bytes) */
    const char *want;      /* encoding after */
};

static const struct conv_case conv_cases[] = {
    { "at entry limit", 128, 64, 127, 1, 1, "listpack" },
    { "past entry limit", 128, 64, 128, 1, 1, "hashtable" },
    { "value at limit", 128, 64, 1, 1, 64, "listpack" },
    { "value past limit", 128, 64, 1, 1, 65, "hashtable" },
    { "field past limit", 128, 64, 1, 65, 1, "hashtable" },
    { "field at limit", 128, 64, 1, 64, 0, "listpack" },
    { "entries 0", 0, 64, 0, 1, 1, "hashtable" },
    { "value limit 0, empty ok", 128, 0, 0, 0, 0, "listpack" },
    { "value limit 0", 128, 0, 0, 1, 0, "hashtable" },
    { "small limits", 2, 3, 1, 3, 3, "listpack" },
    { "small limits over", 2, 3, 2, 1, 1, "hashtable" },
};

static void test_conversion_table(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    for (size_t i = 0; i < sizeof(conv_cases) / sizeof(conv_cases[0]); i++) {
        const struct conv_case *tc = &conv_cases[i];
        struct cache_settings s = defaults;
        s.hash_max_listpack_entries = tc->max_entries;
        s.hash_max_listpack_value = tc->max_value;
        void *h = cache_hash_new(ks);
        for (int j = 0; j < tc->nfields; j++) {
            char f[16];
            int n = snprintf(f, sizeof(f), "f%d", j);
            assert_int_equal(cache_hash_set(ks, h, &s, f, (size_t)n, "v", 1), 1);
        }
        char *f = malloc(tc->flen + 1), *v = malloc(tc->vlen + 1);
        assert_non_null(f);
        assert_non_null(v);
        memset(f, 'x', tc->flen);
        memset(v, 'y', tc->vlen);
        assert_int_equal(cache_hash_set(ks, h, &s, f, tc->flen, v, tc->vlen), 1);
        if (strcmp(cache_hash_encoding(h), tc->want) != 0)
            fail_msg("case '%s': encoding %s, want %s", tc->name, cache_hash_encoding(h), tc->want);
        assert_int_equal(cache_hash_len(h), (size_t)tc->nfields + 1);
        assert_field(h, f, tc->flen, v, tc->vlen);
        free(f);
        free(v);
        cache_hash_free(ks, h);
    }
    cache_keyspace_free(ks);
}

static void test_conversion_sticky_and_fit(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    void *h = cache_hash_new(ks);
    char f[16];
    for (int i = 0; i < 129; i++) {
        int n = snprintf(f, sizeof(f), "f%d", i);
        assert_int_equal(cache_hash_set(ks, h, &defaults, f, (size_t)n, "v", 1), 1);
        assert_string_equal(cache_hash_encoding(h), i < 128 ? "listpack" : "hashtable");
    }
    for (int i = 0; i < 128; i++) {
        int n = snprintf(f, sizeof(f), "f%d", i);
        assert_int_equal(cache_hash_del(ks, h, f, (size_t)n), 1);
    }
    assert_int_equal(cache_hash_len(h), 1);
    assert_string_equal(cache_hash_encoding(h), "hashtable"); /* sticky */
    assert_field(h, "f128", 4, "v", 1);
    cache_hash_free(ks, h);

    /* cache_hash_fit: HSET's pre-check converts even before a set. */
    h = cache_hash_new(ks);
    set_str(ks, h, "a", "1", 1);
    assert_int_equal(cache_hash_fit(ks, h, &defaults, 64), DD_OK);
    assert_string_equal(cache_hash_encoding(h), "listpack");
    assert_int_equal(cache_hash_fit(ks, h, &defaults, 65), DD_OK);
    assert_string_equal(cache_hash_encoding(h), "hashtable");
    assert_field(h, "a", 1, "1", 1);
    cache_hash_free(ks, h);
    cache_keyspace_free(ks);
}

static void test_big_hash_ops(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    void *h = cache_hash_new(ks);
    char f[32], v[32];
    enum { N = 20000 };
    for (int i = 0; i < N; i++) {
        int fl = snprintf(f, sizeof(f), "field:%d", i), vl = snprintf(v, sizeof(v), "%d", i * 7);
        assert_int_equal(cache_hash_set(ks, h, &defaults, f, (size_t)fl, v, (size_t)vl), 1);
    }
    assert_int_equal(cache_hash_len(h), N);
    for (int i = 0; i < N; i += 37) {
        int fl = snprintf(f, sizeof(f), "field:%d", i), vl = snprintf(v, sizeof(v), "%d", i * 7);
        assert_field(h, f, (size_t)fl, v, (size_t)vl);
    }
    /* Iteration sees each field exactly once. */
    unsigned char *seen = calloc(N, 1);
    assert_non_null(seen);
    struct cache_hash_iter it;
    const unsigned char *fp, *vp;
    size_t flen, vlen, count = 0;
    cache_hash_iter_init(&it, h);
    while (cache_hash_iter_next(&it, &fp, &flen, &vp, &vlen)) {
        char num[32];
        assert_true(flen > 6 && flen - 6 < sizeof(num));
        memcpy(num, fp + 6, flen - 6);
        num[flen - 6] = '\0';
        int idx = atoi(num);
        assert_true(idx >= 0 && idx < N);
        assert_int_equal(seen[idx], 0);
        seen[idx] = 1;
        count++;
    }
    assert_int_equal(count, N);
    free(seen);
    for (int i = 0; i < N; i++) {
        int fl = snprintf(f, sizeof(f), "field:%d", i);
        assert_int_equal(cache_hash_del(ks, h, f, (size_t)fl), 1);
    }
    assert_int_equal(cache_hash_len(h), 0);
    cache_hash_free(ks, h);
    cache_keyspace_free(ks);
}

/* HSCAN visitor: counts visits of "k<i>" fields. */
struct scan_seen {
    int *hits; /* per field index */
    int n;     /* fields known */
};

static void count_visit(void *ctx, const unsigned char *f, size_t flen, const unsigned char *v,
                        size_t vlen)
{
    (void)v;
    (void)vlen;
    struct scan_seen *s = ctx;
    char buf[32];
    assert_true(flen > 1 && flen < sizeof(buf));
    memcpy(buf, f, flen);
    buf[flen] = '\0';
    int idx = atoi(buf + 1);
    if (idx >= 0 && idx < s->n)
        s->hits[idx]++;
}

static void add_k(struct cache_keyspace *ks, void *h, int i)
{
    char f[32];
    int n = snprintf(f, sizeof(f), "k%d", i);
    assert_true(cache_hash_set(ks, h, &defaults, f, (size_t)n, "v", 1) >= 0);
}

static void del_k(struct cache_keyspace *ks, void *h, int i)
{
    char f[32];
    int n = snprintf(f, sizeof(f), "k%d", i);
    (void)cache_hash_del(ks, h, f, (size_t)n);
}

static void test_scan_listpack_whole(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    void *h = cache_hash_new(ks);
    for (int i = 0; i < 50; i++)
        add_k(ks, h, i);
    int hits[50] = { 0 };
    struct scan_seen s = { hits, 50 };
    /* Any cursor, any count: the whole listpack and cursor 0. */
    assert_int_equal(cache_hash_scan(h, 12345, 1, count_visit, &s), 0);
    for (int i = 0; i < 50; i++)
        assert_int_equal(hits[i], 1);
    cache_hash_free(ks, h);
    cache_keyspace_free(ks);
}

/* Fields present for the whole scan are reported at least once while the
 * table grows 16x and then shrinks, between steps of a few buckets each. */
static void test_scan_guarantee_across_resizes(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    void *h = cache_hash_new(ks);
    enum { KEEP = 300, GROW = 5000 };
    for (int i = 0; i < KEEP; i++)
        add_k(ks, h, i);
    assert_string_equal(cache_hash_encoding(h), "hashtable");
    int *hits = calloc(KEEP + GROW, sizeof(int));
    assert_non_null(hits);
    struct scan_seen s = { hits, KEEP };
    uint64_t cursor = 0;
    int step = 0, next_add = KEEP;
    do {
        cursor = cache_hash_scan(h, cursor, 4, count_visit, &s);
        step++;
        if (step < 40) {
            for (int j = 0; j < 150; j++)
                add_k(ks, h, next_add++); /* growth */
        } else if (next_add > KEEP) {
            for (int j = 0; j < 400 && next_add > KEEP; j++)
                del_k(ks, h, --next_add); /* shrinking */
        }
        assert_true(step < 100000);
    } while (cursor != 0);
    for (int i = 0; i < KEEP; i++)
        if (hits[i] < 1)
            fail_msg("field k%d never reported", i);
    free(hits);
    cache_hash_free(ks, h);
    cache_keyspace_free(ks);
}

/* Scan with count: a step returns about count/2 fields (Redis counts
 * fields and values), and the steps of an unchanged table cover it. */
static void test_scan_count(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    void *h = cache_hash_new(ks);
    enum { N = 1000 };
    for (int i = 0; i < N; i++)
        add_k(ks, h, i);
    int hits[N] = { 0 };
    struct scan_seen s = { hits, N };
    uint64_t cursor = 0;
    int steps = 0;
    do {
        cursor = cache_hash_scan(h, cursor, 20, count_visit, &s);
        steps++;
    } while (cursor);
    for (int i = 0; i < N; i++)
        assert_int_equal(hits[i], 1); /* no resize: exactly once */
    assert_true(steps >= N / 20 && steps <= N);
    cache_hash_free(ks, h);
    cache_keyspace_free(ks);
}

struct pick_ctx {
    int hits[256]; /* by field index "k<i>" */
    int calls;     /* visits */
};

static void pick_visit(void *ctx, const unsigned char *f, size_t flen, const unsigned char *v,
                       size_t vlen)
{
    (void)vlen;
    struct pick_ctx *p = ctx;
    char buf[16];
    assert_true(flen < sizeof(buf));
    memcpy(buf, f, flen);
    buf[flen] = '\0';
    int idx = atoi(buf + 1);
    assert_true(idx >= 0 && idx < 256);
    assert_int_equal(v[0], 'v');
    p->hits[idx]++;
    p->calls++;
}

/* Random picks hit every field about equally, in both encodings. */
static void test_random_distribution(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    const int sizes[] = { 10, 200 };
    for (size_t si = 0; si < 2; si++) {
        int n = sizes[si];
        void *h = cache_hash_new(ks);
        for (int i = 0; i < n; i++)
            add_k(ks, h, i);
        assert_string_equal(cache_hash_encoding(h), n > 128 ? "hashtable" : "listpack");
        struct pick_ctx *p = calloc(1, sizeof(*p));
        assert_non_null(p);
        int draws = n * 1000;
        cache_hash_random_repeat(h, (size_t)draws, pick_visit, p);
        assert_int_equal(p->calls, draws);
        for (int i = 0; i < n; i++)
            if (p->hits[i] < 600 || p->hits[i] > 1400)
                fail_msg("size %d: field %d drawn %d times of %d", n, i, p->hits[i], draws);
        /* Single picks too. */
        const unsigned char *f, *v;
        size_t flen, vlen;
        assert_true(cache_hash_random(h, &f, &flen, &v, &vlen));
        assert_true(cache_hash_get(h, f, flen, NULL, NULL));
        free(p);
        cache_hash_free(ks, h);
    }
    void *empty = cache_hash_new(ks);
    const unsigned char *f, *v;
    size_t flen, vlen;
    assert_false(cache_hash_random(empty, &f, &flen, &v, &vlen));
    cache_hash_free(ks, empty);
    cache_keyspace_free(ks);
}

/* Distinct picks: exactly count different fields, for small and large
 * counts (both strategies) and both encodings; each field equally likely. */
static void test_random_distinct(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    const int sizes[] = { 12, 240 };
    for (size_t si = 0; si < 2; si++) {
        int n = sizes[si];
        void *h = cache_hash_new(ks);
        for (int i = 0; i < n; i++)
            add_k(ks, h, i);
        const int counts[] = { 1, n / 4, n / 2, n - 1 };
        for (size_t ci = 0; ci < 4; ci++) {
            struct pick_ctx *total = calloc(1, sizeof(*total));
            assert_non_null(total);
            int rounds = 400;
            for (int r = 0; r < rounds; r++) {
                struct pick_ctx *p = calloc(1, sizeof(*p));
                assert_non_null(p);
                assert_int_equal(cache_hash_random_distinct(h, (size_t)counts[ci], pick_visit, p),
                                 DD_OK);
                assert_int_equal(p->calls, counts[ci]);
                for (int i = 0; i < n; i++) {
                    assert_true(p->hits[i] <= 1);
                    total->hits[i] += p->hits[i];
                }
                free(p);
            }
            double expect = (double)rounds * counts[ci] / n;
            for (int i = 0; i < n; i++)
                if (expect >= 50 &&
                    (total->hits[i] < expect * 0.5 || total->hits[i] > expect * 1.5))
                    fail_msg("n %d count %d: field %d picked %d times, expected ~%.0f", n,
                             counts[ci], i, total->hits[i], expect);
            free(total);
        }
        assert_int_equal(cache_hash_random_distinct(h, (size_t)n, pick_visit, NULL), DD_EINVAL);
        cache_hash_free(ks, h);
    }
    cache_keyspace_free(ks);
}

static void test_dup(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    char a[256], b[256];
    void *h = cache_hash_new(ks);
    set_str(ks, h, "c", "3", 1);
    set_str(ks, h, "a", "1", 1);
    set_str(ks, h, "b", "2", 1);
    void *d = cache_hash_dup(ks, h);
    assert_non_null(d);
    assert_string_equal(cache_hash_encoding(d), "listpack");
    assert_string_equal(order(d, a, sizeof(a)), order(h, b, sizeof(b)));
    set_str(ks, d, "a", "changed", 0);
    assert_field(h, "a", 1, "1", 1); /* deep copy */
    cache_hash_free(ks, d);
    for (int i = 0; i < 300; i++)
        add_k(ks, h, i);
    d = cache_hash_dup(ks, h);
    assert_non_null(d);
    assert_string_equal(cache_hash_encoding(d), "hashtable");
    assert_int_equal(cache_hash_len(d), cache_hash_len(h));
    assert_field(d, "k299", 4, "v", 1);
    assert_field(d, "c", 1, "3", 1);
    cache_hash_free(ks, d);
    cache_hash_free(ks, h);
    cache_keyspace_free(ks);
}

/* used_memory goes back to the empty keyspace's after a hash is deleted,
 * both freed directly and stored under a key then deleted. */
static void test_memory_baseline(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    struct cache_db *db = cache_keyspace_db(ks, 0);
    size_t base = cache_db_used_memory(ks);
    void *h = cache_hash_new(ks);
    for (int i = 0; i < 5000; i++)
        add_k(ks, h, i);
    assert_true(cache_db_used_memory(ks) > base + 5000 * 16);
    cache_hash_free(ks, h);
    assert_int_equal(cache_db_used_memory(ks), base);

    struct cache_obj *o = cache_hash_obj_new(ks);
    assert_non_null(o);
    assert_int_equal(o->type, CACHE_TYPE_HASH);
    for (int i = 0; i < 100; i++)
        add_k(ks, o->ptr, i);
    struct cache_obj *stored = NULL;
    assert_int_equal(cache_db_add(db, "h", 1, o, NOW, &stored), DD_OK);
    assert_non_null(stored);
    void *copy = cache_hash_dup(ks, stored->ptr);
    assert_non_null(copy);
    for (int i = 100; i < 3000; i++)
        add_k(ks, stored->ptr, i);
    for (int i = 0; i < 2990; i++)
        del_k(ks, stored->ptr, i);
    assert_int_equal(cache_hash_len(stored->ptr), 10);
    cache_hash_free(ks, copy);
    assert_int_equal(cache_db_delete(db, "h", 1, NOW), DD_OK);
    assert_int_equal(cache_db_used_memory(ks), base);
    cache_keyspace_free(ks);
}

/* Every allocation failing in turn: the call reports DD_ENOMEM, the hash is
 * unchanged or fully changed, and nothing leaks. */
static void test_out_of_memory(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    size_t base = cache_db_used_memory(ks);
    for (unsigned n = 1; n < 40; n++) {
        void *h = cache_hash_new(ks);
        assert_non_null(h);
        for (int i = 0; i < 128; i++)
            add_k(ks, h, i);
        cache_mem_fail_after(ks, n);
        /* The 129th field converts the hash: several allocations. */
        int rc = cache_hash_set(ks, h, &defaults, "new", 3, "value", 5);
        cache_mem_fail_after(ks, 0);
        if (rc == DD_ENOMEM) {
            assert_false(cache_hash_get(h, "new", 3, NULL, NULL));
            assert_int_equal(cache_hash_len(h), 128);
        } else {
            assert_int_equal(rc, 1);
            assert_field(h, "new", 3, "value", 5);
        }
        assert_field(h, "k5", 2, "v", 1);
        cache_mem_fail_after(ks, n);
        void *d = cache_hash_dup(ks, h);
        cache_mem_fail_after(ks, 0);
        cache_hash_free(ks, d);
        cache_mem_fail_after(ks, n);
        rc = cache_hash_set(ks, h, &defaults, "k7", 2, "longer value", 12);
        cache_mem_fail_after(ks, 0);
        if (rc == DD_ENOMEM)
            assert_field(h, "k7", 2, "v", 1);
        else
            assert_field(h, "k7", 2, "longer value", 12);
        cache_hash_free(ks, h);
        assert_int_equal(cache_db_used_memory(ks), base);
    }
    cache_keyspace_free(ks);
}

/* Table: HSCAN/SSCAN cursor syntax (strtoul's, cut at a NUL byte). */
struct cursor_case {
    const char *s; /* argument bytes */
    size_t len;    /* argument length (may include a NUL) */
    int rc;        /* DD_OK or DD_EINVAL */
    uint64_t want; /* cursor when DD_OK */
};

static const struct cursor_case cursor_cases[] = {
    { "0", 1, DD_OK, 0 },
    { "", 0, DD_OK, 0 },
    { "12345", 5, DD_OK, 12345 },
    { "+5", 2, DD_OK, 5 },
    { "-1", 2, DD_OK, UINT64_MAX },
    { "18446744073709551615", 20, DD_OK, UINT64_MAX },
    { "18446744073709551616", 20, DD_EINVAL, 0 },
    { " 1", 2, DD_EINVAL, 0 },
    { "1 ", 2, DD_EINVAL, 0 },
    { "1x", 2, DD_EINVAL, 0 },
    { "0x10", 4, DD_EINVAL, 0 },
    { "1.0", 3, DD_EINVAL, 0 },
    { "7\0junk", 6, DD_OK, 7 },
    { "\0", 1, DD_OK, 0 },
};

static void test_cursor_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cursor_cases) / sizeof(cursor_cases[0]); i++) {
        const struct cursor_case *tc = &cursor_cases[i];
        uint64_t got = 42;
        int rc = cache_hs_parse_cursor(tc->s, tc->len, &got);
        if (rc != tc->rc || (rc == DD_OK && got != tc->want))
            fail_msg("case %zu: rc %d cursor %llu", i, rc, (unsigned long long)got);
    }
    /* Longer than the stack buffer: leading zeros are still fine. */
    char longz[200];
    memset(longz, '0', sizeof(longz));
    longz[sizeof(longz) - 1] = '9';
    uint64_t got = 0;
    assert_int_equal(cache_hs_parse_cursor(longz, sizeof(longz), &got), DD_OK);
    assert_int_equal(got, 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_ops),
        cmocka_unit_test(test_listpack_order),
        cmocka_unit_test(test_conversion_table),
        cmocka_unit_test(test_conversion_sticky_and_fit),
        cmocka_unit_test(test_big_hash_ops),
        cmocka_unit_test(test_scan_listpack_whole),
        cmocka_unit_test(test_scan_guarantee_across_resizes),
        cmocka_unit_test(test_scan_count),
        cmocka_unit_test(test_random_distribution),
        cmocka_unit_test(test_random_distinct),
        cmocka_unit_test(test_dup),
        cmocka_unit_test(test_memory_baseline),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_cursor_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
