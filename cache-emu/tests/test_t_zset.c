/* Unit tests for cache-emu/t_zset.c: ZADD flag semantics, NaN refusal,
 * ordering ties, ranks, score ranges with exclusive and infinite bounds, lex
 * ranges, rank-range deletion, iteration both ways, ZSCAN coverage across
 * resizes, encoding conversion (sticky), deep copies, memory back to the
 * baseline, and a random run checked against a sorted array, in both
 * encodings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/db.h"
#include "cache-emu/t_zset.h"
#include "common/err.h"

static const struct cache_settings defaults = CACHE_SETTINGS_DEFAULTS;

static struct cache_keyspace *new_ks(void)
{
    struct cache_keyspace *ks = cache_keyspace_new(1, 3);
    assert_non_null(ks);
    return ks;
}

static int add(struct cache_keyspace *ks, struct cache_zset *z, const struct cache_settings *st,
               const char *m, double score, int flags, int *out, double *ns)
{
    return cache_zset_add(ks, z, st, m, strlen(m), score, flags, out, ns);
}

static void add_ok(struct cache_keyspace *ks, struct cache_zset *z, const char *m, double score)
{
    int out;
    assert_int_equal(add(ks, z, &defaults, m, score, 0, &out, NULL), DD_OK);
}

/* Members in rank order joined with '|' (a NUL byte shown as '0'). */
static void members(const struct cache_zset *z, bool reverse, char *buf, size_t cap)
{
    struct cache_zset_iter it;
    const char *m;
    size_t n, used = 0, i = 0;
    double s;
    buf[0] = '\0';
    cache_zset_iter_init(&it, z, reverse ? cache_zset_len(z) - 1 : 0, reverse);
    while (cache_zset_iter_next(&it, &m, &n, &s)) {
        assert_true(used + n + 2 < cap);
        if (i++)
            buf[used++] = '|';
        for (size_t k = 0; k < n; k++)
            buf[used++] = m[k] ? m[k] : '0';
        buf[used] = '\0';
    }
}

/* ---- ZADD semantics ---- */

/* Each row: flags, member, score -> rc, out flags, new score (when not NOP),
 * applied in order to a set that starts as {a:1, b:2}. */
static void test_add_flags(void **state)
{
    (void)state;
    static const struct {
        int flags;
        const char *m;
        double score;
        int rc, out;
        double newscore;
    } cases[] = {
        { 0, "c", 3, DD_OK, CACHE_ZADD_ADDED, 3 },
        { 0, "c", 3, DD_OK, 0, 3 }, /* same score: not updated */
        { 0, "c", 4, DD_OK, CACHE_ZADD_UPDATED, 4 },
        { CACHE_ZADD_NX, "c", 9, DD_OK, CACHE_ZADD_NOP, 0 },
        { CACHE_ZADD_NX, "d", 9, DD_OK, CACHE_ZADD_ADDED, 9 },
        { CACHE_ZADD_XX, "e", 9, DD_OK, CACHE_ZADD_NOP, 0 },
        { CACHE_ZADD_XX, "d", 8, DD_OK, CACHE_ZADD_UPDATED, 8 },
        { CACHE_ZADD_GT, "d", 7, DD_OK, CACHE_ZADD_NOP, 0 },
        { CACHE_ZADD_GT, "d", 8, DD_OK, CACHE_ZADD_NOP, 0 },
        { CACHE_ZADD_GT, "d", 10, DD_OK, CACHE_ZADD_UPDATED, 10 },
        { CACHE_ZADD_LT, "d", 11, DD_OK, CACHE_ZADD_NOP, 0 },
        { CACHE_ZADD_LT, "d", 5, DD_OK, CACHE_ZADD_UPDATED, 5 },
        { CACHE_ZADD_GT, "f", 1, DD_OK, CACHE_ZADD_ADDED, 1 }, /* GT/LT still add */
        { CACHE_ZADD_INCR, "a", 2.5, DD_OK, CACHE_ZADD_UPDATED, 3.5 },
        { CACHE_ZADD_INCR, "g", 2.5, DD_OK, CACHE_ZADD_ADDED, 2.5 },
        { CACHE_ZADD_INCR, "a", 0, DD_OK, 0, 3.5 },
        { CACHE_ZADD_INCR | CACHE_ZADD_GT, "a", -1, DD_OK, CACHE_ZADD_NOP, 0 },
        { CACHE_ZADD_INCR | CACHE_ZADD_LT, "a", -1, DD_OK, CACHE_ZADD_UPDATED, 2.5 },
        { CACHE_ZADD_INCR | CACHE_ZADD_XX, "zz", 1, DD_OK, CACHE_ZADD_NOP, 0 },
        { 0, "h", NAN, DD_ERANGE, 0, 0 },
        { CACHE_ZADD_INCR, "inf", INFINITY, DD_OK, CACHE_ZADD_ADDED, INFINITY },
        { CACHE_ZADD_INCR, "inf", -INFINITY, DD_ERANGE, 0, 0 }, /* inf + -inf */
        { 0, "ninf", -INFINITY, DD_OK, CACHE_ZADD_ADDED, -INFINITY },
    };
    const struct cache_settings tiny = { 128, 64, 512, 2, 64, -2, 0 };
    for (int enc = 0; enc < 2; enc++) {
        struct cache_keyspace *ks = new_ks();
        struct cache_zset *z = cache_zset_new(ks);
        const struct cache_settings *st = enc ? &tiny : &defaults;
        int out;
        assert_int_equal(add(ks, z, st, "a", 1, 0, &out, NULL), DD_OK);
        assert_int_equal(add(ks, z, st, "b", 2, 0, &out, NULL), DD_OK);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            double ns = -12345;
            int rc = add(ks, z, st, cases[i].m, cases[i].score, cases[i].flags, &out, &ns);
            assert_int_equal(rc, cases[i].rc);
            if (rc)
                continue;
            assert_int_equal(out, cases[i].out);
            if (!(out & CACHE_ZADD_NOP))
                assert_true(ns == cases[i].newscore);
            assert_true(cache_zset_valid(z));
        }
        assert_string_equal(cache_zset_encoding(z), enc ? "skiplist" : "listpack");
        double s;
        assert_int_equal(cache_zset_score(z, "inf", 3, &s), DD_OK);
        assert_true(isinf(s) && s > 0);
        char buf[256];
        members(z, false, buf, sizeof(buf));
        assert_string_equal(buf, "ninf|f|b|a|g|c|d|inf");
        members(z, true, buf, sizeof(buf));
        assert_string_equal(buf, "inf|d|c|g|a|b|f|ninf");
        cache_zset_free(ks, z);
        cache_keyspace_free(ks);
    }
}

static void test_ties_and_zero(void **state)
{
    (void)state;
    const struct cache_settings big = { 128, 64, 512, 0, 64, -2, 0 }; /* skiplist at once */
    for (int enc = 0; enc < 2; enc++) {
        struct cache_keyspace *ks = new_ks();
        struct cache_zset *z = cache_zset_new(ks);
        const struct cache_settings *st = enc ? &big : &defaults;
        int out;
        /* equal scores order by bytes: a shorter prefix first, NUL before 'a' */
        const char *ms[] = { "b", "ab", "a", "", "abc", "B" };
        for (size_t i = 0; i < 6; i++)
            assert_int_equal(add(ks, z, st, ms[i], 5, 0, &out, NULL), DD_OK);
        assert_int_equal(cache_zset_add(ks, z, st, "a\0", 2, 5, 0, &out, NULL), DD_OK);
        assert_string_equal(cache_zset_encoding(z), enc ? "skiplist" : "listpack");
        char buf[128];
        members(z, false, buf, sizeof(buf));
        assert_string_equal(buf, "|B|a|a0|ab|abc|b");
        size_t r;
        assert_int_equal(cache_zset_rank(z, "a\0", 2, false, &r), DD_OK);
        assert_int_equal(r, 3);
        assert_int_equal(cache_zset_rank(z, "", 0, false, &r), DD_OK);
        assert_int_equal(r, 0);
        assert_int_equal(cache_zset_rank(z, "", 0, true, &r), DD_OK);
        assert_int_equal(r, 6);
        assert_int_equal(cache_zset_rank(z, "zz", 2, true, &r), DD_ENOENT);
        /* -0: the listpack forgets the sign, the skiplist keeps it */
        assert_int_equal(add(ks, z, st, "neg0", -0.0, 0, &out, NULL), DD_OK);
        double s;
        assert_int_equal(cache_zset_score(z, "neg0", 4, &s), DD_OK);
        assert_true(s == 0);
        assert_int_equal(signbit(s) != 0, enc == 1);
        assert_true(cache_zset_valid(z));
        cache_zset_free(ks, z);
        cache_keyspace_free(ks);
    }
}

/* ---- ranges ---- */

/* Set: a:1 b:2 c:2 d:3 e:inf f:-inf. Each row: min, max -> first rank
 * forward, last rank, count (-1 first: nothing in range). */
static void test_score_ranges(void **state)
{
    (void)state;
    static const struct {
        const char *min, *max;
        long first, last;
        size_t count;
    } cases[] = {
        { "-inf", "+inf", 0, 5, 6 }, { "1", "2", 1, 3, 3 },       { "(1", "2", 2, 3, 2 },
        { "1", "(2", 1, 1, 1 },      { "(1", "(2", -1, -1, 0 },   { "2", "2", 2, 3, 2 },
        { "(2", "2", -1, -1, 0 },    { "3", "1", -1, -1, 0 },     { "inf", "inf", 5, 5, 1 },
        { "(3", "+inf", 5, 5, 1 },   { "-inf", "(1", 0, 0, 1 },   { "4", "5", -1, -1, 0 },
        { "-5", "0.5", -1, -1, 0 },  { "1.5", "2.5", 2, 3, 2 },   { " 2", "2e0", 2, 3, 2 },
        { "", "(", -1, -1, 0 },      { "-inf", "-inf", 0, 0, 1 },
    };
    for (int enc = 0; enc < 2; enc++) {
        const struct cache_settings st = { 128, 64, 512, enc ? 0 : 128, 64, -2, 0 };
        struct cache_keyspace *ks = new_ks();
        struct cache_zset *z = cache_zset_new(ks);
        int out;
        const char *ms[] = { "a", "b", "c", "d", "e", "f" };
        const double sc[] = { 1, 2, 2, 3, INFINITY, -INFINITY };
        for (size_t i = 0; i < 6; i++)
            assert_int_equal(add(ks, z, &st, ms[i], sc[i], 0, &out, NULL), DD_OK);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            struct cache_zset_range r;
            assert_int_equal(cache_zset_parse_range(cases[i].min, strlen(cases[i].min),
                                                    cases[i].max, strlen(cases[i].max), &r),
                             DD_OK);
            size_t rank;
            bool found = cache_zset_first_in_range(z, &r, false, &rank);
            assert_int_equal(found, cases[i].first >= 0);
            if (found) {
                assert_int_equal(rank, (size_t)cases[i].first);
                assert_true(cache_zset_first_in_range(z, &r, true, &rank));
                assert_int_equal(rank, (size_t)cases[i].last);
            }
            assert_int_equal(cache_zset_count_range(z, &r), cases[i].count);
        }
        cache_zset_free(ks, z);
        cache_keyspace_free(ks);
    }
}

static void test_parse_ranges(void **state)
{
    (void)state;
    static const struct {
        const char *min, *max;
        int rc;
    } score_cases[] = {
        { "1", "2", DD_OK },       { "(1", "(2", DD_OK },     { "-inf", "+inf", DD_OK },
        { "inf", "-inf", DD_OK },  { "a", "1", DD_EINVAL },   { "1", "2x", DD_EINVAL },
        { "nan", "1", DD_EINVAL }, { "((1", "2", DD_EINVAL }, { "1 ", "2", DD_EINVAL },
        { "", "", DD_OK },         { "0x10", "1e3", DD_OK },  { "[1", "2", DD_EINVAL },
    };
    for (size_t i = 0; i < sizeof(score_cases) / sizeof(score_cases[0]); i++) {
        struct cache_zset_range r;
        assert_int_equal(cache_zset_parse_range(score_cases[i].min, strlen(score_cases[i].min),
                                                score_cases[i].max, strlen(score_cases[i].max), &r),
                         score_cases[i].rc);
    }
    /* an embedded NUL ends the number, as strtod() over an sds does */
    struct cache_zset_range r;
    assert_int_equal(cache_zset_parse_range("1\0x", 3, "(2", 2, &r), DD_OK);
    assert_true(r.min == 1 && !r.minex && r.max == 2 && r.maxex);
    static const struct {
        const char *min, *max;
        int rc;
    } lex_cases[] = {
        { "-", "+", DD_OK },    { "[a", "(b", DD_OK },    { "a", "[b", DD_EINVAL },
        { "", "+", DD_EINVAL }, { "-x", "+", DD_EINVAL }, { "[", "(", DD_OK },
        { "+", "-", DD_OK },
    };
    for (size_t i = 0; i < sizeof(lex_cases) / sizeof(lex_cases[0]); i++) {
        struct cache_zset_lex_range lr;
        assert_int_equal(cache_zset_parse_lex_range(lex_cases[i].min, strlen(lex_cases[i].min),
                                                    lex_cases[i].max, strlen(lex_cases[i].max),
                                                    &lr),
                         lex_cases[i].rc);
    }
    struct cache_zset_lex_range lr;
    assert_int_equal(cache_zset_parse_lex_range("+\0", 2, "-", 1, &lr), DD_OK);
    assert_int_equal(lr.minkind, CACHE_ZLEX_MAX);
}

/* Set (all score 0): a b c d e, plus "" and "ba". Rows: min, max -> first,
 * last, count. */
static void test_lex_ranges(void **state)
{
    (void)state;
    static const struct {
        const char *min, *max;
        long first, last;
        size_t count;
    } cases[] = {
        { "-", "+", 0, 6, 7 },     { "[a", "[c", 1, 4, 4 },  { "(a", "[c", 2, 4, 3 },
        { "[a", "(c", 1, 3, 3 },   { "[b", "[b", 2, 2, 1 },  { "(b", "(b", -1, -1, 0 },
        { "[b", "(b", -1, -1, 0 }, { "+", "-", -1, -1, 0 },  { "-", "-", -1, -1, 0 },
        { "[", "[", 0, 0, 1 },     { "(", "+", 1, 6, 6 },    { "[z", "+", -1, -1, 0 },
        { "-", "(a", 0, 0, 1 },    { "[bz", "[d", 4, 5, 2 }, { "[d", "[a", -1, -1, 0 },
        { "[b", "[ba", 2, 3, 2 },
    };
    for (int enc = 0; enc < 2; enc++) {
        const struct cache_settings st = { 128, 64, 512, enc ? 0 : 128, 64, -2, 0 };
        struct cache_keyspace *ks = new_ks();
        struct cache_zset *z = cache_zset_new(ks);
        int out;
        const char *ms[] = { "e", "d", "c", "b", "a", "", "ba" };
        for (size_t i = 0; i < 7; i++)
            assert_int_equal(add(ks, z, &st, ms[i], 0, 0, &out, NULL), DD_OK);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            struct cache_zset_lex_range r;
            assert_int_equal(cache_zset_parse_lex_range(cases[i].min, strlen(cases[i].min),
                                                        cases[i].max, strlen(cases[i].max), &r),
                             DD_OK);
            size_t rank;
            bool found = cache_zset_first_in_lex_range(z, &r, false, &rank);
            assert_int_equal(found, cases[i].first >= 0);
            if (found) {
                assert_int_equal(rank, (size_t)cases[i].first);
                assert_true(cache_zset_first_in_lex_range(z, &r, true, &rank));
                assert_int_equal(rank, (size_t)cases[i].last);
            }
            assert_int_equal(cache_zset_count_lex_range(z, &r), cases[i].count);
        }
        cache_zset_free(ks, z);
        cache_keyspace_free(ks);
    }
}

/* ZREMRANGEBYSCORE / ZREMRANGEBYLEX: rows of min, max -> removed, what is
 * left, on a fresh a:1 b:2 c:2 d:3 each time (lex rows on all-zero scores). */
static void test_delete_ranges(void **state)
{
    (void)state;
    static const struct {
        bool lex;
        const char *min, *max;
        size_t removed;
        const char *left;
    } cases[] = {
        { false, "2", "2", 2, "a|d" },      { false, "(1", "3", 3, "a" },
        { false, "-inf", "+inf", 4, "" },   { false, "(3", "+inf", 0, "a|b|c|d" },
        { false, "3", "1", 0, "a|b|c|d" },  { false, "(2", "(3", 0, "a|b|c|d" },
        { true, "[b", "[c", 2, "a|d" },     { true, "(a", "+", 3, "a" },
        { true, "-", "+", 4, "" },          { true, "(d", "+", 0, "a|b|c|d" },
        { true, "[c", "[b", 0, "a|b|c|d" }, { true, "-", "(a", 0, "a|b|c|d" },
    };
    for (int enc = 0; enc < 2; enc++) {
        const struct cache_settings st = { 128, 64, 512, enc ? 0 : 128, 64, -2, 0 };
        struct cache_keyspace *ks = new_ks();
        size_t base = cache_db_used_memory(ks);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            struct cache_zset *z = cache_zset_new(ks);
            int out;
            const char *ms[] = { "a", "b", "c", "d" };
            const double sc[] = { 1, 2, 2, 3 };
            for (size_t k = 0; k < 4; k++)
                assert_int_equal(add(ks, z, &st, ms[k], cases[i].lex ? 0 : sc[k], 0, &out, NULL),
                                 DD_OK);
            size_t n;
            if (cases[i].lex) {
                struct cache_zset_lex_range r;
                assert_int_equal(cache_zset_parse_lex_range(cases[i].min, strlen(cases[i].min),
                                                            cases[i].max, strlen(cases[i].max), &r),
                                 DD_OK);
                n = cache_zset_delete_lex_range(ks, z, &r);
            } else {
                struct cache_zset_range r;
                assert_int_equal(cache_zset_parse_range(cases[i].min, strlen(cases[i].min),
                                                        cases[i].max, strlen(cases[i].max), &r),
                                 DD_OK);
                n = cache_zset_delete_range(ks, z, &r);
            }
            assert_int_equal(n, cases[i].removed);
            assert_true(cache_zset_valid(z));
            char buf[64];
            members(z, false, buf, sizeof(buf));
            assert_string_equal(buf, cases[i].left);
            cache_zset_free(ks, z);
        }
        assert_int_equal(cache_db_used_memory(ks), base);
        cache_keyspace_free(ks);
    }
}

/* ---- conversion, copies, memory ---- */

static void test_conversion(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    size_t base = cache_db_used_memory(ks);
    int out;
    /* 128 members stay listpack, the 129th converts */
    struct cache_obj *o = cache_zset_obj_new(ks);
    assert_non_null(o);
    assert_int_equal(o->type, CACHE_TYPE_ZSET);
    struct cache_zset *z = o->ptr;
    char m[16];
    for (int i = 0; i < 128; i++) {
        snprintf(m, sizeof(m), "m%03d", i);
        add_ok(ks, z, m, i % 7);
    }
    assert_string_equal(cache_zset_encoding(z), "listpack");
    add_ok(ks, z, "m000", 99); /* an update does not convert */
    assert_string_equal(cache_zset_encoding(z), "listpack");
    char before[2048], after[2048];
    members(z, false, before, sizeof(before));
    add_ok(ks, z, "new", 3);
    assert_string_equal(cache_zset_encoding(z), "skiplist");
    assert_true(cache_zset_valid(z));
    assert_int_equal(cache_zset_delete(ks, z, "new", 3), DD_OK);
    members(z, false, after, sizeof(after));
    assert_string_equal(before, after);
    /* sticky: emptying it down does not convert back */
    assert_int_equal(cache_zset_delete_ranks(ks, z, 1, 1000), 127);
    assert_string_equal(cache_zset_encoding(z), "skiplist");
    assert_int_equal(cache_zset_len(z), 1);
    assert_true(cache_zset_valid(z));
    cache_obj_free(ks, o);
    assert_int_equal(cache_db_used_memory(ks), base);
    /* a member over 64 bytes converts at once; 64 does not */
    z = cache_zset_new(ks);
    char longm[66];
    memset(longm, 'x', sizeof(longm));
    longm[64] = '\0';
    add_ok(ks, z, longm, 1);
    assert_string_equal(cache_zset_encoding(z), "listpack");
    longm[64] = 'x';
    longm[65] = '\0';
    /* XX on an absent long member changes nothing, not even the encoding */
    assert_int_equal(add(ks, z, &defaults, longm, 1, CACHE_ZADD_XX, &out, NULL), DD_OK);
    assert_int_equal(out, CACHE_ZADD_NOP);
    assert_string_equal(cache_zset_encoding(z), "listpack");
    add_ok(ks, z, longm, 1);
    assert_string_equal(cache_zset_encoding(z), "skiplist");
    assert_true(cache_zset_valid(z));
    cache_zset_free(ks, z);
    assert_int_equal(cache_db_used_memory(ks), base);
    cache_keyspace_free(ks);
}

/* The set-operation results: built as a skiplist (keeping -0), compacted
 * when small enough, as Redis's zsetConvertToListpackIfNeeded(). */
static void test_build_then_compact(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    size_t base = cache_db_used_memory(ks);
    int out;
    struct cache_zset *z = cache_zset_new(ks);
    assert_int_equal(cache_zset_to_skiplist(ks, z), DD_OK);
    assert_string_equal(cache_zset_encoding(z), "skiplist");
    assert_int_equal(cache_zset_to_skiplist(ks, z), DD_OK); /* idempotent */
    assert_int_equal(add(ks, z, &defaults, "neg0", -0.0, 0, &out, NULL), DD_OK);
    assert_int_equal(add(ks, z, &defaults, "one", 1, 0, &out, NULL), DD_OK);
    assert_string_equal(cache_zset_encoding(z), "skiplist");
    double s;
    assert_int_equal(cache_zset_score(z, "neg0", 4, &s), DD_OK);
    assert_true(signbit(s));
    const struct cache_settings one = { 128, 64, 512, 1, 64, -2, 0 };
    assert_int_equal(cache_zset_to_listpack_if_fits(ks, z, &one), DD_OK); /* 2 > 1 entry */
    assert_string_equal(cache_zset_encoding(z), "skiplist");
    assert_int_equal(cache_zset_to_listpack_if_fits(ks, z, &defaults), DD_OK);
    assert_string_equal(cache_zset_encoding(z), "listpack");
    assert_true(cache_zset_valid(z));
    assert_int_equal(cache_zset_score(z, "neg0", 4, &s), DD_OK);
    assert_false(signbit(s));
    char buf[64];
    members(z, false, buf, sizeof(buf));
    assert_string_equal(buf, "neg0|one");
    assert_int_equal(cache_zset_to_listpack_if_fits(ks, z, &defaults), DD_OK); /* no-op */
    cache_zset_free(ks, z);
    /* a member over the value limit keeps the skiplist; an empty set compacts */
    z = cache_zset_new(ks);
    assert_int_equal(cache_zset_to_skiplist(ks, z), DD_OK);
    char longm[70];
    memset(longm, 'y', sizeof(longm) - 1);
    longm[69] = '\0';
    assert_int_equal(add(ks, z, &defaults, longm, 1, 0, &out, NULL), DD_OK);
    assert_int_equal(cache_zset_to_listpack_if_fits(ks, z, &defaults), DD_OK);
    assert_string_equal(cache_zset_encoding(z), "skiplist");
    assert_int_equal(cache_zset_delete(ks, z, longm, strlen(longm)), DD_OK);
    assert_int_equal(cache_zset_to_listpack_if_fits(ks, z, &defaults), DD_OK);
    assert_string_equal(cache_zset_encoding(z), "listpack");
    assert_int_equal(cache_zset_len(z), 0);
    assert_true(cache_zset_valid(z));
    add_ok(ks, z, "after", 2);
    assert_true(cache_zset_valid(z));
    cache_zset_free(ks, z);
    assert_int_equal(cache_db_used_memory(ks), base);
    cache_keyspace_free(ks);
}

static void test_dup_and_memory(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    size_t base = cache_db_used_memory(ks);
    for (int n = 5; n <= 5000; n *= 1000) {
        struct cache_zset *z = cache_zset_new(ks);
        char m[16];
        for (int i = 0; i < n; i++) {
            snprintf(m, sizeof(m), "k%d", i);
            add_ok(ks, z, m, (double)(i % 13) / 3);
        }
        struct cache_zset *c = cache_zset_dup(ks, z);
        assert_non_null(c);
        assert_string_equal(cache_zset_encoding(c), cache_zset_encoding(z));
        assert_true(cache_zset_valid(c));
        char *a = malloc(100000), *b = malloc(100000);
        members(z, false, a, 100000);
        members(c, false, b, 100000);
        assert_string_equal(a, b);
        assert_int_equal(cache_zset_delete(ks, c, "k1", 2), DD_OK);
        double s;
        assert_int_equal(cache_zset_score(z, "k1", 2, &s), DD_OK);
        free(a);
        free(b);
        cache_zset_free(ks, c);
        cache_zset_free(ks, z);
        assert_int_equal(cache_db_used_memory(ks), base);
    }
    cache_zset_free(ks, NULL);
    cache_keyspace_free(ks);
}

/* ---- ZSCAN ---- */

struct seen {
    unsigned char *hits; /* per member index */
    size_t calls;
};

static void on_scan(void *ctx, const char *m, size_t mlen, double score)
{
    struct seen *s = ctx;
    char b[16];
    assert_true(mlen < sizeof(b));
    memcpy(b, m, mlen);
    b[mlen] = '\0';
    int i = atoi(b + 1);
    assert_true(score == (double)i);
    s->hits[i] = 1;
    s->calls++;
}

static void test_scan(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    struct cache_zset *z = cache_zset_new(ks);
    struct seen s = { calloc(3000, 1), 0 };
    char m[16];
    for (int i = 0; i < 100; i++) {
        snprintf(m, sizeof(m), "s%d", i);
        add_ok(ks, z, m, i);
    }
    /* listpack: everything in one call, cursor 0 */
    assert_int_equal(cache_zset_scan(z, 0, 10, on_scan, &s), 0);
    assert_int_equal(s.calls, 100);
    for (int i = 100; i < 2000; i++) {
        snprintf(m, sizeof(m), "s%d", i);
        add_ok(ks, z, m, i);
    }
    /* skiplist: a member present throughout is seen, even though the table
     * grows (to 4096 buckets) and shrinks (to 512) between the steps */
    memset(s.hits, 0, 3000);
    uint64_t cur = 0;
    int steps = 0, grown = 0;
    do {
        cur = cache_zset_scan(z, cur, 10, on_scan, &s);
        steps++;
        if (steps == 20)
            for (int i = 2000; i < 3000; i++) {
                snprintf(m, sizeof(m), "s%d", i);
                add_ok(ks, z, m, i);
                grown = 1;
            }
        if (steps == 60)
            assert_int_equal(cache_zset_delete_ranks(ks, z, 300, 2999), 2700);
    } while (cur);
    assert_true(grown);
    assert_true(steps > 20);
    for (int i = 0; i < 300; i++)
        assert_true(s.hits[i]);
    free(s.hits);
    cache_zset_free(ks, z);
    cache_keyspace_free(ks);
}

/* ---- a random run against a sorted array ---- */

struct ment {
    char m[8];
    size_t n;
    double s;
};

static int ment_cmp(const void *a, const void *b)
{
    const struct ment *x = a, *y = b;
    if (x->s != y->s)
        return x->s < y->s ? -1 : 1;
    size_t n = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->m, y->m, n);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

static void check_model(const struct cache_zset *z, struct ment *v, size_t len)
{
    assert_true(cache_zset_valid(z));
    assert_int_equal(cache_zset_len(z), len);
    qsort(v, len, sizeof(*v), ment_cmp);
    struct cache_zset_iter it;
    cache_zset_iter_init(&it, z, 0, false);
    const char *m;
    size_t n, i = 0;
    double s;
    while (cache_zset_iter_next(&it, &m, &n, &s)) {
        assert_int_equal(n, v[i].n);
        assert_memory_equal(m, v[i].m, n);
        assert_true(s == v[i].s);
        size_t r;
        assert_int_equal(cache_zset_rank(z, m, n, false, &r), DD_OK);
        assert_int_equal(r, i);
        i++;
    }
    assert_int_equal(i, len);
    if (len) {
        size_t start = len / 3;
        cache_zset_iter_init(&it, z, start, true);
        i = start + 1;
        while (cache_zset_iter_next(&it, &m, &n, &s)) {
            i--;
            assert_memory_equal(m, v[i].m, n);
        }
        assert_int_equal(i, 0);
    }
}

static void test_random_model(void **state)
{
    (void)state;
    for (int enc = 0; enc < 2; enc++) {
        const struct cache_settings st = { 128, 64, 512, enc ? 64 : 100000, 64, -2, 0 };
        struct cache_keyspace *ks = new_ks();
        size_t base = cache_db_used_memory(ks);
        struct cache_zset *z = cache_zset_new(ks);
        struct ment v[600];
        size_t len = 0;
        srand(777 + enc);
        cache_zset_seed(42);
        for (int step = 0; step < 40000; step++) {
            struct ment e;
            e.n = (size_t)(rand() % 4);
            for (size_t i = 0; i < e.n; i++)
                e.m[i] = (char)('a' + rand() % 8);
            e.s = (double)(rand() % 10) / 2;
            size_t at = len;
            for (size_t i = 0; i < len; i++)
                if (v[i].n == e.n && memcmp(v[i].m, e.m, e.n) == 0)
                    at = i;
            int op = rand() % 6;
            int out;
            if (op <= 2) {
                int flags = op == 2 ? CACHE_ZADD_INCR : 0;
                double ns;
                assert_int_equal(cache_zset_add(ks, z, &st, e.m, e.n, e.s, flags, &out, &ns),
                                 DD_OK);
                if (at == len) {
                    assert_int_equal(out, CACHE_ZADD_ADDED);
                    v[len++] = e;
                } else {
                    double want = flags ? v[at].s + e.s : e.s;
                    assert_int_equal(out, want != v[at].s ? CACHE_ZADD_UPDATED : 0);
                    v[at].s = want;
                }
            } else if (op == 3) {
                assert_int_equal(cache_zset_delete(ks, z, e.m, e.n), at == len ? DD_ENOENT : DD_OK);
                if (at != len)
                    v[at] = v[--len];
            } else if (op == 4 && len && rand() % 30 == 0) {
                qsort(v, len, sizeof(*v), ment_cmp);
                size_t a = (size_t)rand() % len, b = a + (size_t)rand() % 5;
                size_t gone = cache_zset_delete_ranks(ks, z, a, b);
                size_t want = (b >= len ? len - 1 : b) - a + 1;
                assert_int_equal(gone, want);
                memmove(v + a, v + a + want, (len - a - want) * sizeof(*v));
                len -= want;
            } else if (op == 5) {
                struct cache_zset_range r = { e.s, e.s + 1, rand() % 2, rand() % 2 };
                size_t cnt = 0;
                for (size_t i = 0; i < len; i++)
                    cnt += cache_zset_score_gte_min(v[i].s, &r) &&
                           cache_zset_score_lte_max(v[i].s, &r);
                assert_int_equal(cache_zset_count_range(z, &r), cnt);
                double s;
                int rc = cache_zset_score(z, e.m, e.n, &s);
                assert_int_equal(rc, at == len ? DD_ENOENT : DD_OK);
                if (!rc)
                    assert_true(s == v[at].s);
            }
            if (step % 4000 == 0)
                check_model(z, v, len);
        }
        check_model(z, v, len);
        assert_string_equal(cache_zset_encoding(z), enc ? "skiplist" : "listpack");
        cache_zset_free(ks, z);
        assert_int_equal(cache_db_used_memory(ks), base);
        cache_keyspace_free(ks);
    }
}

/* Rank-range deletion in a big skiplist: spans stay right. */
static void test_delete_ranks_big(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    struct cache_zset *z = cache_zset_new(ks);
    char m[16];
    for (int i = 0; i < 20000; i++) {
        snprintf(m, sizeof(m), "%05d", i);
        add_ok(ks, z, m, 1);
    }
    assert_int_equal(cache_zset_delete_ranks(ks, z, 100, 199), 100);
    assert_int_equal(cache_zset_delete_ranks(ks, z, 0, 0), 1);
    assert_int_equal(cache_zset_delete_ranks(ks, z, 19898, 100000), 1);
    assert_int_equal(cache_zset_delete_ranks(ks, z, 5, 4), 0);
    assert_int_equal(cache_zset_delete_ranks(ks, z, 20000, 20001), 0);
    assert_true(cache_zset_valid(z));
    size_t r;
    assert_int_equal(cache_zset_rank(z, "00200", 5, false, &r), DD_OK);
    assert_int_equal(r, 99);
    assert_int_equal(cache_zset_rank(z, "00150", 5, false, &r), DD_ENOENT);
    assert_int_equal(cache_zset_len(z), 19898);
    cache_zset_free(ks, z);
    cache_keyspace_free(ks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_flags),      cmocka_unit_test(test_ties_and_zero),
        cmocka_unit_test(test_score_ranges),   cmocka_unit_test(test_parse_ranges),
        cmocka_unit_test(test_lex_ranges),     cmocka_unit_test(test_delete_ranges),
        cmocka_unit_test(test_conversion),     cmocka_unit_test(test_build_then_compact),
        cmocka_unit_test(test_dup_and_memory), cmocka_unit_test(test_scan),
        cmocka_unit_test(test_random_model),   cmocka_unit_test(test_delete_ranks_big),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
