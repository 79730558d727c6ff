/* Unit tests for cache-emu/cmd_sort.c's helpers: Redis's partial quicksort
 * (the range comes out sorted, and ties end where Redis leaves them: the
 * expected order is SORT big BY w_* ALPHA LIMIT 5 20 from redis-server
 * 7.0.15) and the parsing of BY / GET patterns. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/cmd_sort.h"

/* ---- partial sort ---- */

static int int_cmp(const void *a, const void *b, void *ctx)
{
    (void)ctx;
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

static int cmp_plain(const void *a, const void *b)
{
    return int_cmp(a, b, NULL);
}

static void test_partial_ranges(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252ULL;
    for (int round = 0; round < 300; round++) {
        int n = round % 97, v[100], sorted[100];
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            v[i] = (int)(x % (round % 3 ? 1000 : 5)); /* some rounds full of ties */
            sorted[i] = v[i];
        }
        qsort(sorted, (size_t)n, sizeof(int), cmp_plain);
        long long lo = n ? (long long)(x % (uint64_t)n) : -1;
        long long hi = n ? lo + (long long)((x >> 20) % (uint64_t)(n - lo)) : -2;
        cache_sort_partial(v, (size_t)n, sizeof(int), int_cmp, NULL, lo, hi);
        for (long long i = lo; i <= hi && i >= 0; i++)
            if (v[i] != sorted[i])
                fail_msg("round %d: element %lld is %d, want %d", round, i, v[i], sorted[i]);
    }
}

/* SORT big BY w_* ALPHA: big is 1..60, w_i is "abc"[i % 3] except for
 * multiples of 7 (no key: they sort first, all equal). */
static const char *weight(int i)
{
    static const char *w[] = { "a", "b", "c" };
    return i % 7 ? w[i % 3] : NULL;
}

static int alpha_by_cmp(const void *a, const void *b, void *ctx)
{
    (void)ctx;
    const char *x = weight(*(const int *)a), *y = weight(*(const int *)b);
    if (!x || !y)
        return x == y ? 0 : (!x ? -1 : 1);
    return strcmp(x, y);
}

static void test_partial_ties_like_redis(void **state)
{
    (void)state;
    int v[60];
    for (int i = 0; i < 60; i++)
        v[i] = i + 1;
    cache_sort_partial(v, 60, sizeof(int), alpha_by_cmp, NULL, 5, 24);
    static const int want[20] = { 42, 56, 28, 12, 60, 15, 57, 51, 18, 6,
                                  48, 24, 27, 45, 30, 9,  39, 33, 3,  36 };
    assert_memory_equal(v + 5, want, sizeof(want));
}

/* ---- patterns ---- */

struct pat_case {
    const char *pat;
    size_t len; /* 0: strlen */
    enum cache_sort_pattern_kind kind;
    const char *prefix, *postfix, *field; /* field NULL: none */
};

static const struct pat_case pat_cases[] = {
    { "#", 0, CACHE_SORT_PAT_SELF, NULL, NULL, NULL },
    { "#\0x", 3, CACHE_SORT_PAT_SELF, NULL, NULL, NULL },
    { "#x", 0, CACHE_SORT_PAT_NONE, NULL, NULL, NULL },
    { "nosort", 0, CACHE_SORT_PAT_NONE, NULL, NULL, NULL },
    { "", 0, CACHE_SORT_PAT_NONE, NULL, NULL, NULL },
    { "a\0*", 3, CACHE_SORT_PAT_NONE, NULL, NULL, NULL },
    { "weight_*", 0, CACHE_SORT_PAT_KEY, "weight_", "", NULL },
    { "*", 0, CACHE_SORT_PAT_KEY, "", "", NULL },
    { "w_*_x", 0, CACHE_SORT_PAT_KEY, "w_", "_x", NULL },
    { "h_*->f", 0, CACHE_SORT_PAT_KEY, "h_", "", "f" },
    { "h_*x->field->y", 0, CACHE_SORT_PAT_KEY, "h_", "x", "field->y" },
    { "h_*->", 0, CACHE_SORT_PAT_KEY, "h_", "->", NULL },
    { "h->_*", 0, CACHE_SORT_PAT_KEY, "h->_", "", NULL },
    { "**->*", 0, CACHE_SORT_PAT_KEY, "", "*", "*" },
};

static void test_patterns(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(pat_cases) / sizeof(pat_cases[0]); i++) {
        const struct pat_case *t = &pat_cases[i];
        size_t len = t->len ? t->len : strlen(t->pat);
        struct cache_sort_pattern p;
        cache_sort_pattern_parse(t->pat, len, &p);
        if (p.kind != t->kind)
            fail_msg("case %zu (%s): kind %d, want %d", i, t->pat, p.kind, t->kind);
        if (t->kind != CACHE_SORT_PAT_KEY)
            continue;
        assert_int_equal(p.prefixlen, strlen(t->prefix));
        assert_memory_equal(p.prefix, t->prefix, p.prefixlen);
        assert_int_equal(p.postfixlen, strlen(t->postfix));
        assert_memory_equal(p.postfix, t->postfix, p.postfixlen);
        if (!t->field) {
            assert_null(p.field);
        } else {
            assert_non_null(p.field);
            assert_int_equal(p.fieldlen, strlen(t->field));
            assert_memory_equal(p.field, t->field, p.fieldlen);
        }
    }
    /* The field runs to the end of the pattern, past a NUL too. */
    struct cache_sort_pattern p;
    cache_sort_pattern_parse("o_*->f\0g", 8, &p);
    assert_int_equal(p.fieldlen, 3);
    assert_memory_equal(p.field, "f\0g", 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partial_ranges),
        cmocka_unit_test(test_partial_ties_like_redis),
        cmocka_unit_test(test_patterns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
