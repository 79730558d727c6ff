/* Unit tests for cache-emu/cmd_hll.c: the hash and pattern length, the exact
 * sparse bytes Redis 7.0.15 writes, the sparse -> dense promotion, merges and
 * the estimator. Expected values were read from redis-server 7.0.15 (PFDEBUG
 * DECODE, GET, PFCOUNT). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/cmd_hll.h"
#include "common/err.h"

/* ---- hash ---- */

struct pat_case {
    const char *ele;
    long index; /* the register (PFDEBUG DECODE's leading Z: run) */
    int count;  /* its value */
};

static const struct pat_case pat_cases[] = {
    { "a", 12711, 2 },           { "foo", 7348, 5 },       { "", 5938, 2 },
    { "hello-world", 13396, 3 }, { "123456789", 9293, 2 }, { "abcdefgh", 1383, 1 },
    { "abcdefghi", 6903, 1 },
};

static void test_pat_len(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(pat_cases) / sizeof(pat_cases[0]); i++) {
        long index;
        int count = cache_hll_pat_len(pat_cases[i].ele, strlen(pat_cases[i].ele), &index);
        if (index != pat_cases[i].index || count != pat_cases[i].count)
            fail_msg("\"%s\": register %ld value %d, want %ld and %d", pat_cases[i].ele, index,
                     count, pat_cases[i].index, pat_cases[i].count);
    }
}

/* ---- sparse bytes ---- */

static const unsigned char hdr_sparse_stale[16] = { 'H', 'Y', 'L', 'L', 1, 0, 0, 0,
                                                    0,   0,   0,   0,   0, 0, 0, 0x80 };

static void test_empty(void **state)
{
    (void)state;
    struct cache_hll h;
    assert_int_equal(cache_hll_init_empty(&h, 3000), DD_OK);
    const unsigned char want[18] = { 'H', 'Y', 'L', 'L', 1, 0, 0, 0,    0,
                                     0,   0,   0,   0,   0, 0, 0, 0x7f, 0xff };
    assert_int_equal(h.len, 18);
    assert_memory_equal(h.p, want, 18);
    assert_true(cache_hll_is_valid(h.p, h.len));
    bool invalid = false;
    assert_int_equal(cache_hll_count(h.p, h.len, &invalid), 0);
    assert_false(invalid);
    cache_hll_release(&h);
}

static void test_abcd_bytes(void **state)
{
    (void)state;
    /* PFADD x a b c d; GET x on Redis 7.0.15. */
    const unsigned char regs[] = { 0x5c, 0x7b, 0x80, 0x44, 0x76, 0x80, 0x50,
                                   0xb1, 0x84, 0x4b, 0xfb, 0x80, 0x42, 0x5a };
    struct cache_hll h;
    assert_int_equal(cache_hll_init_empty(&h, 3000), DD_OK);
    const char *els[] = { "a", "b", "c", "d" };
    for (int i = 0; i < 4; i++)
        assert_int_equal(cache_hll_add(&h, els[i], 1), 1);
    assert_int_equal(cache_hll_add(&h, "a", 1), 0);
    assert_int_equal(h.len, 16 + sizeof(regs));
    assert_memory_equal(h.p, hdr_sparse_stale, 16);
    assert_memory_equal(h.p + 16, regs, sizeof(regs));
    assert_int_equal(cache_hll_count(h.p, h.len, NULL), 4);
    cache_hll_release(&h);
}

static void test_val_merge(void **state)
{
    (void)state;
    struct cache_hll h;
    assert_int_equal(cache_hll_init_empty(&h, 3000), DD_OK);
    assert_int_equal(cache_hll_set(&h, 10, 3), 1);
    /* ZERO:10 VAL:3,1 XZERO:16373 (runs up to 64 take the one-byte ZERO) */
    assert_int_equal(h.len, 16 + 4);
    assert_memory_equal(h.p + 16, ((unsigned char[]){ 0x09, 0x88, 0x7f, 0xf4 }), 4);
    /* The neighbour with the same value merges: ZERO:10 VAL:3,2 XZERO:16372 */
    assert_int_equal(cache_hll_set(&h, 11, 3), 1);
    assert_int_equal(h.len, 16 + 4);
    assert_memory_equal(h.p + 16, ((unsigned char[]){ 0x09, 0x89, 0x7f, 0xf3 }), 4);
    /* A lower value changes nothing; a higher one splits the run. */
    assert_int_equal(cache_hll_set(&h, 11, 2), 0);
    assert_int_equal(cache_hll_set(&h, 11, 4), 1);
    assert_int_equal(h.len, 16 + 5);
    assert_memory_equal(h.p + 16, ((unsigned char[]){ 0x09, 0x88, 0x8c, 0x7f, 0xf3 }), 5);
    /* Splitting an XZERO: ZERO:8 VAL:1,1 XZERO:16363 */
    assert_int_equal(cache_hll_set(&h, 20, 1), 1);
    assert_int_equal(h.len, 16 + 7);
    assert_memory_equal(h.p + 16, ((unsigned char[]){ 0x09, 0x88, 0x8c, 0x07, 0x80, 0x7f, 0xea }),
                        7);
    /* Filling the ZERO:8 gap with value 1 merges into VAL runs of at most 4. */
    for (long i = 12; i < 20; i++)
        assert_int_equal(cache_hll_set(&h, i, 1), 1);
    assert_memory_equal(h.p + 16,
                        ((unsigned char[]){ 0x09, 0x88, 0x8c, 0x83, 0x83, 0x80, 0x7f, 0xea }), 8);
    cache_hll_release(&h);
}

/* Adds e1..en (as PFADD y e1 ... does) to h. */
static void add_range(struct cache_hll *h, const char *prefix, int n)
{
    char buf[32];
    for (int i = 1; i <= n; i++) {
        int len = snprintf(buf, sizeof(buf), "%s%d", prefix, i);
        assert_true(cache_hll_add(h, buf, (size_t)len) >= 0);
    }
}

static void test_promotion_and_estimates(void **state)
{
    (void)state;
    struct cache_hll h;
    assert_int_equal(cache_hll_init_empty(&h, 3000), DD_OK);
    add_range(&h, "e", 2000);
    /* Redis: PFCOUNT 2000, PFDEBUG ENCODING dense. */
    assert_int_equal(h.p[4], CACHE_HLL_DENSE);
    assert_int_equal(h.len, CACHE_HLL_DENSE_SIZE);
    assert_int_equal(cache_hll_count(h.p, h.len, NULL), 2000);
    cache_hll_release(&h);

    assert_int_equal(cache_hll_init_empty(&h, 3000), DD_OK);
    add_range(&h, "k", 100000);
    assert_int_equal(cache_hll_count(h.p, h.len, NULL), 100216);
    cache_hll_release(&h);

    /* A small limit promotes early; a register above 32 always does. */
    assert_int_equal(cache_hll_init_empty(&h, 22), DD_OK);
    assert_int_equal(cache_hll_set(&h, 100, 1), 1);
    assert_int_equal(h.p[4], CACHE_HLL_SPARSE);
    assert_int_equal(cache_hll_set(&h, 200, 1), 1);
    assert_int_equal(h.p[4], CACHE_HLL_DENSE);
    cache_hll_release(&h);
    assert_int_equal(cache_hll_init_empty(&h, 3000), DD_OK);
    assert_int_equal(cache_hll_set(&h, 5, 33), 1);
    assert_int_equal(h.p[4], CACHE_HLL_DENSE);
    uint8_t max[CACHE_HLL_REGISTERS] = { 0 };
    assert_int_equal(cache_hll_merge(max, h.p, h.len), DD_OK);
    assert_int_equal(max[5], 33);
    assert_int_equal(max[4], 0);
    cache_hll_release(&h);
}

static void test_dense_sparse_agree(void **state)
{
    (void)state;
    struct cache_hll s, d;
    assert_int_equal(cache_hll_init_empty(&s, 1000000), DD_OK);
    assert_int_equal(cache_hll_init_empty(&d, 3000), DD_OK);
    assert_int_equal(cache_hll_to_dense(&d), DD_OK);
    add_range(&s, "x", 5000);
    add_range(&d, "x", 5000);
    assert_int_equal(s.p[4], CACHE_HLL_SPARSE);
    uint8_t ms[CACHE_HLL_REGISTERS] = { 0 }, md[CACHE_HLL_REGISTERS] = { 0 };
    assert_int_equal(cache_hll_merge(ms, s.p, s.len), DD_OK);
    assert_int_equal(cache_hll_merge(md, d.p, d.len), DD_OK);
    assert_memory_equal(ms, md, sizeof(ms));
    uint64_t cs = cache_hll_count(s.p, s.len, NULL);
    assert_int_equal(cs, cache_hll_count(d.p, d.len, NULL));
    assert_int_equal(cs, cache_hll_count_raw(ms));
    /* Converting keeps every register. */
    assert_int_equal(cache_hll_to_dense(&s), DD_OK);
    assert_memory_equal(s.p + 16, d.p + 16, CACHE_HLL_DENSE_SIZE - 16);
    cache_hll_release(&s);
    cache_hll_release(&d);
}

struct valid_case {
    const char *bytes;
    size_t len;
    bool valid;
};

static void test_validity(void **state)
{
    (void)state;
    static const struct valid_case cases[] = {
        { "HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80\x7f\xff", 18, true },
        { "HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80", 16, true },
        { "HYLL\x01\0\0\0\0\0\0\0\0\0\0", 15, false },
        { "HYLX\x01\0\0\0\0\0\0\0\0\0\0\x80\x7f\xff", 18, false },
        { "HYLL\x02\0\0\0\0\0\0\0\0\0\0\x80\x7f\xff", 18, false },
        { "HYLL\x00\0\0\0\0\0\0\0\0\0\0\x80\x7f\xff", 18, false }, /* dense, wrong size */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(cache_hll_is_valid(cases[i].bytes, cases[i].len), cases[i].valid);
    unsigned char *dense = calloc(1, CACHE_HLL_DENSE_SIZE);
    assert_non_null(dense);
    memcpy(dense, "HYLL", 4);
    assert_true(cache_hll_is_valid(dense, CACHE_HLL_DENSE_SIZE));
    free(dense);
}

static void test_corrupt(void **state)
{
    (void)state;
    /* XZERO:16383: one register short. */
    const unsigned char bad[18] = { 'H', 'Y', 'L', 'L', 1, 0, 0,    0,    0,
                                    0,   0,   0,   0,   0, 0, 0x80, 0x7f, 0xfe };
    bool invalid = false;
    cache_hll_count(bad, sizeof(bad), &invalid);
    assert_true(invalid);
    uint8_t max[CACHE_HLL_REGISTERS] = { 0 };
    assert_int_equal(cache_hll_merge(max, bad, sizeof(bad)), DD_EINVAL);
    struct cache_hll h;
    assert_int_equal(cache_hll_init_copy(&h, bad, sizeof(bad), 3000), DD_OK);
    /* Registers it covers can still be set (PFADD bad x answers 1 in Redis);
     * the last one cannot. */
    assert_int_equal(cache_hll_set(&h, 0, 1), 1);
    assert_int_equal(cache_hll_set(&h, 16383, 1), DD_EINVAL);
    assert_int_equal(cache_hll_to_dense(&h), DD_EINVAL);
    cache_hll_release(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pat_len),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_abcd_bytes),
        cmocka_unit_test(test_val_merge),
        cmocka_unit_test(test_promotion_and_estimates),
        cmocka_unit_test(test_dense_sparse_agree),
        cmocka_unit_test(test_validity),
        cmocka_unit_test(test_corrupt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
