/* Unit tests for the LCS logic of cache-emu/cmd_misc.c: the subsequence
 * and the ranges LCS IDX reports, in Redis's order and with its choice
 * among equally long answers (expected values from redis-server 7.0.15). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cache-emu/cmd_misc.h"
#include "common/err.h"

struct lcs_case {
    const char *a, *b;
    size_t alen, blen; /* 0: strlen */
    const char *want;  /* the LCS */
    size_t wantlen;    /* 0: strlen(want) */
    size_t nranges;
    struct cache_lcs_range ranges[8];
};

static const struct lcs_case cases[] = {
    { "ohmytext", "mynewtext", 0, 0, "mytext", 0, 2, { { 4, 7, 5, 8 }, { 2, 3, 0, 1 } } },
    { "ohmytext", "ohmytext", 0, 0, "ohmytext", 0, 1, { { 0, 7, 0, 7 } } },
    { "abc", "xyz", 0, 0, "", 0, 0, { { 0 } } },
    { "", "abc", 0, 0, "", 0, 0, { { 0 } } },
    { "12345", "2345", 0, 0, "2345", 0, 1, { { 1, 4, 0, 3 } } },
    /* LCS l3 l4 IDX on Redis: eight one-byte ranges, from the ends back. */
    { "aXbXcXdabcd",
      "abcdXaXbXcXd",
      0,
      0,
      "abcdabcd",
      0,
      8,
      { { 10, 10, 11, 11 },
        { 9, 9, 9, 9 },
        { 8, 8, 7, 7 },
        { 7, 7, 5, 5 },
        { 6, 6, 3, 3 },
        { 4, 4, 2, 2 },
        { 2, 2, 1, 1 },
        { 0, 0, 0, 0 } } },
    /* Binary: NULs are ordinary bytes. */
    { "\0\1\0abc\0", "\0abc\1", 7, 5, "\0abc", 4, 1, { { 2, 5, 0, 3 } } },
};

static void test_lcs_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct lcs_case *t = &cases[i];
        size_t alen = t->alen ? t->alen : strlen(t->a), blen = t->blen ? t->blen : strlen(t->b);
        size_t wantlen = t->wantlen ? t->wantlen : strlen(t->want);
        struct cache_lcs_result r;
        assert_int_equal(cache_lcs(t->a, alen, t->b, blen, true, &r), DD_OK);
        if (r.len != wantlen || memcmp(r.str, t->want, wantlen) != 0)
            fail_msg("case %zu: LCS of length %u, want %zu", i, r.len, wantlen);
        if (r.nranges != t->nranges)
            fail_msg("case %zu: %zu ranges, want %zu", i, r.nranges, t->nranges);
        for (size_t k = 0; k < r.nranges; k++) {
            const struct cache_lcs_range *g = &r.ranges[k], *w = &t->ranges[k];
            if (g->a_start != w->a_start || g->a_end != w->a_end || g->b_start != w->b_start ||
                g->b_end != w->b_end)
                fail_msg("case %zu range %zu: [%u,%u] [%u,%u], want [%u,%u] [%u,%u]", i, k,
                         g->a_start, g->a_end, g->b_start, g->b_end, w->a_start, w->a_end,
                         w->b_start, w->b_end);
        }
        cache_lcs_result_free(&r);
        /* Length only: no walk, nothing allocated. */
        assert_int_equal(cache_lcs(t->a, alen, t->b, blen, false, &r), DD_OK);
        assert_int_equal(r.len, wantlen);
        assert_null(r.str);
        assert_null(r.ranges);
        cache_lcs_result_free(&r);
    }
}

static void test_lcs_long(void **state)
{
    (void)state;
    /* 2000 x 1500 with a known common subsequence: every other byte. */
    static char a[2000], b[1500];
    for (size_t i = 0; i < sizeof(a); i++)
        a[i] = (char)('a' + (i % 7));
    for (size_t i = 0; i < sizeof(b); i++)
        b[i] = a[i * 4 / 3];
    struct cache_lcs_result r;
    assert_int_equal(cache_lcs(a, sizeof(a), b, sizeof(b), true, &r), DD_OK);
    assert_int_equal(r.len, sizeof(b));
    assert_memory_equal(r.str, b, sizeof(b));
    /* The ranges tile the LCS: their lengths add up to it. */
    size_t total = 0;
    for (size_t k = 0; k < r.nranges; k++) {
        const struct cache_lcs_range *g = &r.ranges[k];
        assert_int_equal(g->a_end - g->a_start, g->b_end - g->b_start);
        assert_memory_equal(a + g->a_start, b + g->b_start, g->a_end - g->a_start + 1);
        total += g->a_end - g->a_start + 1;
    }
    assert_int_equal(total, sizeof(b));
    cache_lcs_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lcs_cases),
        cmocka_unit_test(test_lcs_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
