/* Unit tests for cache-emu/t_set.c: membership, which members an intset
 * takes (Redis's canonical integers), the intset -> hashtable conversion and
 * its stickiness, ascending intset order, SPOP/SRANDMEMBER picks, SSCAN's
 * guarantee across resizes, set algebra with the result encodings Redis's
 * algorithms give, COPY's deep copy, failure injection, and used_memory
 * returning to its baseline. */
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
#include "cache-emu/t_set.h"
#include "common/err.h"

#define NOW 1700000000000LL

static const struct cache_settings defaults = CACHE_SETTINGS_DEFAULTS;

static struct cache_keyspace *new_ks(void)
{
    struct cache_keyspace *ks = cache_keyspace_new(1, 5);
    assert_non_null(ks);
    cache_hs_seed(777);
    return ks;
}

static int add(struct cache_keyspace *ks, void *s, const char *m)
{
    return cache_set_add(ks, s, &defaults, m, strlen(m));
}

static void add_int(struct cache_keyspace *ks, void *s, long long v)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%lld", v);
    assert_true(cache_set_add(ks, s, &defaults, buf, (size_t)n) >= 0);
}

static void add_fmt(struct cache_keyspace *ks, void *s, const char *prefix, int i)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%s%d", prefix, i);
    assert_true(cache_set_add(ks, s, &defaults, buf, (size_t)n) >= 0);
}

/* Members of s in iteration order, ','-joined into buf. */
static const char *members(const void *s, char *buf, size_t cap)
{
    struct cache_set_iter it;
    const char *m;
    size_t len, at = 0;
    buf[0] = '\0';
    cache_set_iter_init(&it, s);
    while (cache_set_iter_next(&it, &m, &len)) {
        int n = snprintf(buf + at, cap - at, "%s%.*s", at ? "," : "", (int)len, m);
        assert_true(n >= 0 && (size_t)n < cap - at);
        at += (size_t)n;
    }
    return buf;
}

/* Table: does a member keep a fresh set an intset? */
struct member_case {
    const char *m; /* member bytes (C string) */
    bool intset;   /* stays intset */
};

static const struct member_case member_cases[] = {
    { "0", true },
    { "-1", true },
    { "12345", true },
    { "9223372036854775807", true },
    { "-9223372036854775808", true },
    { "9223372036854775808", false },
    { "-9223372036854775809", false },
    { "-0", false },
    { "007", false },
    { "+1", false },
    { " 1", false },
    { "1 ", false },
    { "1.0", false },
    { "1e3", false },
    { "0x10", false },
    { "", false },
    { "-", false },
    { "abc", false },
    { "99999999999999999999", false },
};

static void test_intset_members_table(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    for (size_t i = 0; i < sizeof(member_cases) / sizeof(member_cases[0]); i++) {
        const struct member_case *tc = &member_cases[i];
        void *s = cache_set_new(ks);
        assert_non_null(s);
        assert_string_equal(cache_set_encoding(s), "intset");
        assert_int_equal(add(ks, s, tc->m), 1);
        const char *want = tc->intset ? "intset" : "hashtable";
        if (strcmp(cache_set_encoding(s), want) != 0)
            fail_msg("member '%s': encoding %s, want %s", tc->m, cache_set_encoding(s), want);
        assert_true(cache_set_contains(s, tc->m, strlen(tc->m)));
        /* The member reads back as the same bytes. */
        char buf[64];
        assert_string_equal(members(s, buf, sizeof(buf)), tc->m);
        assert_int_equal(add(ks, s, tc->m), 0);
        assert_int_equal(cache_set_remove(ks, s, tc->m, strlen(tc->m)), 1);
        assert_int_equal(cache_set_len(s), 0);
        cache_set_free(ks, s);
    }
    cache_keyspace_free(ks);
}

static void test_basic_and_order(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    char buf[512];
    void *s = cache_set_new(ks);
    const long long vals[] = { 5, -3, 100, 0, 7, -9223372036854775807LL - 1, 42 };
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
        add_int(ks, s, vals[i]);
    assert_int_equal(add(ks, s, "5"), 0);
    assert_string_equal(members(s, buf, sizeof(buf)), "-9223372036854775808,-3,0,5,7,42,100");
    assert_int_equal(cache_set_len(s), 7);
    /* Non-canonical spellings of members are different strings: absent. */
    assert_false(cache_set_contains(s, "05", 2));
    assert_false(cache_set_contains(s, "+5", 2));
    assert_int_equal(cache_set_remove(ks, s, "05", 2), 0);
    assert_int_equal(cache_set_remove(ks, s, "x", 1), 0);
    assert_int_equal(cache_set_remove(ks, s, "0", 1), 1);
    assert_string_equal(members(s, buf, sizeof(buf)), "-9223372036854775808,-3,5,7,42,100");
    /* A string member converts for good. */
    assert_int_equal(add(ks, s, "a\0b"), 1); /* strlen: "a" */
    assert_string_equal(cache_set_encoding(s), "hashtable");
    assert_true(cache_set_contains(s, "a", 1));
    assert_true(cache_set_contains(s, "42", 2));
    assert_false(cache_set_contains(s, "05", 2));
    assert_int_equal(cache_set_remove(ks, s, "a", 1), 1);
    assert_string_equal(cache_set_encoding(s), "hashtable");
    /* Binary members. */
    assert_int_equal(cache_set_add(ks, s, &defaults, "x\0y", 3), 1);
    assert_int_equal(cache_set_add(ks, s, &defaults, "x\0z", 3), 1);
    assert_int_equal(cache_set_add(ks, s, &defaults, "", 0), 1);
    assert_true(cache_set_contains(s, "x\0y", 3));
    assert_true(cache_set_contains(s, "", 0));
    assert_false(cache_set_contains(s, "x", 1));
    assert_int_equal(cache_set_len(s), 9);
    cache_set_free(ks, s);
    cache_set_free(ks, NULL);
    cache_keyspace_free(ks);
}

static void test_intset_limit_sticky(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    void *s = cache_set_new(ks);
    for (int i = 0; i < 513; i++) {
        add_int(ks, s, 1000 - i);
        assert_string_equal(cache_set_encoding(s), i < 512 ? "intset" : "hashtable");
    }
    for (int i = 0; i < 510; i++) {
        char buf[16];
        int n = snprintf(buf, sizeof(buf), "%d", 1000 - i);
        assert_int_equal(cache_set_remove(ks, s, buf, (size_t)n), 1);
    }
    assert_int_equal(cache_set_len(s), 3);
    assert_string_equal(cache_set_encoding(s), "hashtable");
    cache_set_free(ks, s);

    /* The threshold is the setting's. */
    struct cache_settings st = defaults;
    st.set_max_intset_entries = 2;
    s = cache_set_new(ks);
    assert_int_equal(cache_set_add(ks, s, &st, "1", 1), 1);
    assert_int_equal(cache_set_add(ks, s, &st, "2", 1), 1);
    assert_string_equal(cache_set_encoding(s), "intset");
    assert_int_equal(cache_set_add(ks, s, &st, "2", 1), 0);
    assert_string_equal(cache_set_encoding(s), "intset");
    assert_int_equal(cache_set_add(ks, s, &st, "3", 1), 1);
    assert_string_equal(cache_set_encoding(s), "hashtable");
    cache_set_free(ks, s);
    cache_keyspace_free(ks);
}

struct pick_ctx {
    int hits[1024]; /* per member index */
    int calls;      /* visits */
    const char *prefix;
};

static void pick_visit(void *ctx, const char *m, size_t len)
{
    struct pick_ctx *p = ctx;
    char buf[32];
    size_t pl = strlen(p->prefix);
    assert_true(len < sizeof(buf));
    if (len < pl || memcmp(m, p->prefix, pl) != 0)
        return; /* not one of the counted members */
    memcpy(buf, m, len);
    buf[len] = '\0';
    int idx = atoi(buf + pl);
    assert_true(idx >= 0 && idx < 1024);
    p->hits[idx]++;
    p->calls++;
}

/* Random picks: uniform enough in both encodings, repeats and distinct. */
static void test_random_picks(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    const struct {
        const char *prefix;
        int n;
        const char *enc;
    } cases[] = { { "", 20, "intset" }, { "m", 20, "hashtable" }, { "", 600, "hashtable" } };
    for (size_t ci = 0; ci < 3; ci++) {
        void *s = cache_set_new(ks);
        for (int i = 0; i < cases[ci].n; i++)
            add_fmt(ks, s, cases[ci].prefix, i);
        assert_string_equal(cache_set_encoding(s), cases[ci].enc);
        int n = cases[ci].n;
        struct pick_ctx *p = calloc(1, sizeof(*p));
        assert_non_null(p);
        p->prefix = cases[ci].prefix;
        int draws = n * 800;
        cache_set_random_repeat(s, (size_t)draws, pick_visit, p);
        assert_int_equal(p->calls, draws);
        for (int i = 0; i < n; i++)
            if (p->hits[i] < 500 || p->hits[i] > 1100)
                fail_msg("%s n %d: member %d drawn %d of %d", cases[ci].enc, n, i, p->hits[i],
                         draws);
        const int counts[] = { 1, n / 5, n / 2, n - 1 };
        for (size_t k = 0; k < 4; k++) {
            memset(p->hits, 0, sizeof(p->hits));
            p->calls = 0;
            assert_int_equal(cache_set_random_distinct(s, (size_t)counts[k], pick_visit, p), DD_OK);
            assert_int_equal(p->calls, counts[k]);
            for (int i = 0; i < n; i++)
                assert_true(p->hits[i] <= 1);
        }
        assert_int_equal(cache_set_random_distinct(s, (size_t)n, pick_visit, p), DD_EINVAL);
        free(p);
        cache_set_free(ks, s);
    }
    void *empty = cache_set_new(ks);
    assert_false(cache_set_random(empty, pick_visit, NULL));
    cache_set_free(ks, empty);
    cache_keyspace_free(ks);
}

static void test_pop(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    const char *prefixes[] = { "", "p" };
    for (size_t pi = 0; pi < 2; pi++) {
        void *s = cache_set_new(ks);
        for (int i = 0; i < 300; i++)
            add_fmt(ks, s, prefixes[pi], i);
        struct pick_ctx *p = calloc(1, sizeof(*p));
        assert_non_null(p);
        p->prefix = prefixes[pi];
        for (int i = 0; i < 300; i++) {
            assert_true(cache_set_pop(ks, s, pick_visit, p));
            assert_int_equal(cache_set_len(s), (size_t)(299 - i));
        }
        assert_false(cache_set_pop(ks, s, pick_visit, p));
        for (int i = 0; i < 300; i++)
            assert_int_equal(p->hits[i], 1); /* each popped once */
        free(p);
        cache_set_free(ks, s);
    }
    cache_keyspace_free(ks);
}

/* SSCAN: intset whole with cursor 0; hashtable covers every member present
 * for the whole walk while the table grows and shrinks between steps. */
static void test_scan(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    void *s = cache_set_new(ks);
    for (int i = 0; i < 100; i++)
        add_int(ks, s, i);
    struct pick_ctx *p = calloc(1, sizeof(*p));
    assert_non_null(p);
    p->prefix = "";
    assert_int_equal(cache_set_scan(s, 999, 1, pick_visit, p), 0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(p->hits[i], 1);
    cache_set_free(ks, s);

    enum { KEEP = 400 };
    s = cache_set_new(ks);
    for (int i = 0; i < KEEP; i++)
        add_fmt(ks, s, "k", i);
    memset(p, 0, sizeof(*p));
    p->prefix = "k";
    uint64_t cursor = 0;
    int step = 0, extra = 0;
    do {
        cursor = cache_set_scan(s, cursor, 3, pick_visit, p);
        step++;
        if (step < 30) {
            for (int j = 0; j < 200; j++)
                add_fmt(ks, s, "x", extra++);
        } else {
            for (int j = 0; j < 500 && extra > 0; j++) {
                char buf[32];
                int n = snprintf(buf, sizeof(buf), "x%d", --extra);
                assert_int_equal(cache_set_remove(ks, s, buf, (size_t)n), 1);
            }
        }
        assert_true(step < 100000);
    } while (cursor);
    for (int i = 0; i < KEEP; i++)
        if (p->hits[i] < 1)
            fail_msg("member k%d never reported", i);
    free(p);
    cache_set_free(ks, s);
    cache_keyspace_free(ks);
}

/* Builds a set from a ','-separated list ("" = empty). */
static void *mkset(struct cache_keyspace *ks, const char *list)
{
    void *s = cache_set_new(ks);
    assert_non_null(s);
    char *copy = strdup(list);
    assert_non_null(copy);
    for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ","))
        assert_true(add(ks, s, tok) >= 0);
    free(copy);
    return s;
}

static void collect(void *ctx, const char *m, size_t len)
{
    char *buf = ctx;
    size_t at = strlen(buf);
    snprintf(buf + at, 512 - at, "%s%.*s", at ? "," : "", (int)len, m);
}

/* Table: algebra over small sets; results read in their own order (so an
 * intset result is ascending) with the encoding expected. */
struct algebra_case {
    char op;             /* 'i' inter, 'u' union, 'd' diff */
    const char *sets[3]; /* member lists; NULL = missing key; unused slots NULL */
    size_t n;            /* sets used */
    const char *want;    /* members, in result order */
    const char *enc;     /* result encoding */
};

static const struct algebra_case algebra_cases[] = {
    { 'i', { "3,1,2", "2,3,4" }, 2, "2,3", "intset" },
    { 'i', { "3,1,2", NULL }, 2, "", "intset" },
    { 'i', { "a,b,1", "1,b" }, 2, NULL, "hashtable" },
    { 'i', { "1,2", "a,b" }, 2, "", "intset" },
    { 'u', { "3,1", "2,a" }, 2, NULL, "hashtable" },
    { 'u', { "30,1", NULL, "2" }, 3, "1,2,30", "intset" },
    { 'u', { NULL }, 1, "", "intset" },
    { 'd', { "5,4,3,2,1", "2,4" }, 2, "1,3,5", "intset" },
    { 'd', { "5,x,1", "x" }, 2, "1,5", "intset" },
    { 'd', { NULL, "1" }, 2, "", "intset" },
    { 'd', { "1,2", NULL, "2" }, 3, "1", "intset" },
};

static void test_algebra_table(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    for (size_t i = 0; i < sizeof(algebra_cases) / sizeof(algebra_cases[0]); i++) {
        const struct algebra_case *tc = &algebra_cases[i];
        const void *sets[3] = { NULL, NULL, NULL };
        for (size_t j = 0; j < tc->n; j++)
            sets[j] = tc->sets[j] ? mkset(ks, tc->sets[j]) : NULL;
        void *res = NULL;
        int rc = tc->op == 'i'   ? cache_set_inter_new(ks, &defaults, sets, tc->n, &res)
                 : tc->op == 'u' ? cache_set_union_new(ks, &defaults, sets, tc->n, &res)
                                 : cache_set_diff_new(ks, &defaults, sets, tc->n, &res);
        assert_int_equal(rc, DD_OK);
        char buf[512];
        if (tc->want && strcmp(members(res, buf, sizeof(buf)), tc->want) != 0)
            fail_msg("case %zu: got '%s', want '%s'", i, buf, tc->want);
        if (strcmp(cache_set_encoding(res), tc->enc) != 0)
            fail_msg("case %zu: encoding %s, want %s", i, cache_set_encoding(res), tc->enc);
        cache_set_free(ks, res);
        for (size_t j = 0; j < tc->n; j++)
            cache_set_free(ks, (void *)sets[j]);
    }
    cache_keyspace_free(ks);
}

/* SINTER's reply order is the smallest set's; LIMIT stops early; the same
 * set twice counts once. */
static void test_inter_order_and_limit(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    void *big = mkset(ks, "9,8,7,6,5,4,3,2,1");
    void *small = mkset(ks, "7,3,1");
    const void *sets[] = { big, small, big };
    char buf[512] = "";
    assert_int_equal(cache_set_inter(sets, 3, 0, collect, buf), 3);
    assert_string_equal(buf, "1,3,7");
    assert_int_equal(cache_set_inter(sets, 3, 2, NULL, NULL), 2);
    assert_int_equal(cache_set_inter(sets, 1, 0, NULL, NULL), 9);
    cache_set_free(ks, big);
    cache_set_free(ks, small);
    cache_keyspace_free(ks);
}

/*
 * SDIFF's two algorithms give one content two encodings, as in Redis: a
 * first set of 600 integers (a hashtable) minus three sets of 40 each is 480
 * integers. Two sets: algorithm 1 (estimate 600 vs 720) adds only the
 * survivors, an intset. Four sets: algorithm 2 (1200 vs 720) copies all 600
 * first, which converts the result to a hashtable for good.
 */
static void test_diff_algorithms(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    void *first = cache_set_new(ks);
    for (int i = 0; i < 600; i++)
        add_int(ks, first, i);
    void *sub[3];
    for (int k = 0; k < 3; k++) {
        sub[k] = cache_set_new(ks);
        for (int i = 0; i < 40; i++)
            add_int(ks, sub[k], k * 40 + i);
    }
    void *all120 = cache_set_new(ks);
    for (int i = 0; i < 120; i++)
        add_int(ks, all120, i);
    const void *two[] = { first, all120 };
    const void *four[] = { first, sub[0], sub[1], sub[2] };
    void *r1, *r2;
    assert_int_equal(cache_set_diff_new(ks, &defaults, two, 2, &r1), DD_OK);
    assert_int_equal(cache_set_diff_new(ks, &defaults, four, 4, &r2), DD_OK);
    assert_int_equal(cache_set_len(r1), 480);
    assert_int_equal(cache_set_len(r2), 480);
    assert_string_equal(cache_set_encoding(r1), "intset");
    assert_string_equal(cache_set_encoding(r2), "hashtable");
    for (int i = 0; i < 600; i++) {
        char b[16];
        int n = snprintf(b, sizeof(b), "%d", i);
        assert_int_equal(cache_set_contains(r2, b, (size_t)n), i >= 120);
        assert_int_equal(cache_set_contains(r1, b, (size_t)n), i >= 120);
    }
    /* The first set named again later empties the result. */
    const void *self[] = { first, first };
    void *r3;
    assert_int_equal(cache_set_diff_new(ks, &defaults, self, 2, &r3), DD_OK);
    assert_int_equal(cache_set_len(r3), 0);
    cache_set_free(ks, r1);
    cache_set_free(ks, r2);
    cache_set_free(ks, r3);
    cache_set_free(ks, first);
    cache_set_free(ks, all120);
    for (int k = 0; k < 3; k++)
        cache_set_free(ks, sub[k]);
    cache_keyspace_free(ks);
}

static void test_dup(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    char a[512], b[512];
    void *s = mkset(ks, "3,1,2");
    void *d = cache_set_dup(ks, s);
    assert_non_null(d);
    assert_string_equal(cache_set_encoding(d), "intset");
    assert_string_equal(members(d, a, sizeof(a)), members(s, b, sizeof(b)));
    assert_int_equal(add(ks, d, "4"), 1);
    assert_false(cache_set_contains(s, "4", 1));
    cache_set_free(ks, d);
    assert_int_equal(add(ks, s, "x"), 1);
    d = cache_set_dup(ks, s);
    assert_string_equal(cache_set_encoding(d), "hashtable");
    assert_int_equal(cache_set_len(d), 4);
    assert_true(cache_set_contains(d, "x", 1));
    assert_true(cache_set_contains(d, "2", 1));
    cache_set_free(ks, d);
    cache_set_free(ks, s);
    cache_keyspace_free(ks);
}

static void test_memory_baseline(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    struct cache_db *db = cache_keyspace_db(ks, 0);
    size_t base = cache_db_used_memory(ks);
    struct cache_obj *o = cache_set_obj_new(ks);
    assert_non_null(o);
    assert_int_equal(o->type, CACHE_TYPE_SET);
    for (int i = 0; i < 400; i++)
        add_int(ks, o->ptr, i);
    struct cache_obj *stored = NULL;
    assert_int_equal(cache_db_add(db, "s", 1, o, NOW, &stored), DD_OK);
    for (int i = 0; i < 4000; i++)
        add_fmt(ks, stored->ptr, "m", i);
    for (int i = 0; i < 3990; i++) {
        char buf[16];
        int n = snprintf(buf, sizeof(buf), "m%d", i);
        assert_int_equal(cache_set_remove(ks, stored->ptr, buf, (size_t)n), 1);
    }
    const void *one[] = { stored->ptr };
    void *u;
    assert_int_equal(cache_set_union_new(ks, &defaults, one, 1, &u), DD_OK);
    cache_set_free(ks, u);
    assert_int_equal(cache_db_delete(db, "s", 1, NOW), DD_OK);
    assert_int_equal(cache_db_used_memory(ks), base);
    cache_keyspace_free(ks);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    size_t base = cache_db_used_memory(ks);
    for (unsigned n = 1; n < 30; n++) {
        void *s = cache_set_new(ks);
        for (int i = 0; i < 512; i++)
            add_int(ks, s, i);
        cache_mem_fail_after(ks, n);
        int rc = add(ks, s, "word"); /* converts: many allocations */
        cache_mem_fail_after(ks, 0);
        if (rc == DD_ENOMEM) {
            assert_string_equal(cache_set_encoding(s), "intset");
            assert_int_equal(cache_set_len(s), 512);
            assert_false(cache_set_contains(s, "word", 4));
        } else {
            assert_int_equal(rc, 1);
            assert_true(cache_set_contains(s, "word", 4));
        }
        assert_true(cache_set_contains(s, "511", 3));
        cache_mem_fail_after(ks, n);
        void *d = cache_set_dup(ks, s);
        cache_mem_fail_after(ks, 0);
        cache_set_free(ks, d);
        const void *two[] = { s, s };
        void *r = NULL;
        cache_mem_fail_after(ks, n);
        rc = cache_set_union_new(ks, &defaults, two, 2, &r);
        cache_mem_fail_after(ks, 0);
        if (rc == DD_OK)
            cache_set_free(ks, r);
        else
            assert_int_equal(rc, DD_ENOMEM);
        cache_set_free(ks, s);
        assert_int_equal(cache_db_used_memory(ks), base);
    }
    cache_keyspace_free(ks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intset_members_table),
        cmocka_unit_test(test_basic_and_order),
        cmocka_unit_test(test_intset_limit_sticky),
        cmocka_unit_test(test_random_picks),
        cmocka_unit_test(test_pop),
        cmocka_unit_test(test_scan),
        cmocka_unit_test(test_algebra_table),
        cmocka_unit_test(test_inter_order_and_limit),
        cmocka_unit_test(test_diff_algorithms),
        cmocka_unit_test(test_dup),
        cmocka_unit_test(test_memory_baseline),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
