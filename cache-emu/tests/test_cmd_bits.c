/* Unit tests for the bit logic of cache-emu/cmd_bits.c: BITPOS's search and
 * range rules (cases and answers taken from redis-server 7.0.15), BITOP,
 * BITFIELD's field access and its overflow arithmetic in every mode. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <string.h>

#include "cache-emu/cmd_bits.h"

/* ---- BITPOS ---- */

struct pos_case {
    const char *s;
    size_t len;
    int bit;
    long long start, end;
    bool end_given, isbit;
    long long want;
};

/* SET bp "\x00\x0f\xf0\xff\x00", SET ones "\xff\xff\xff", SET e "" and the
 * BITPOS calls of conformance/cache_scripts/bits.txt, as Redis answered. */
static const struct pos_case pos_cases[] = {
    { "\x00\x0f\xf0\xff\x00", 5, 0, 0, -1, true, false, 0 },      /* BITPOS bp 0 0 -1 */
    { "\x00\x0f\xf0\xff\x00", 5, 0, 1, 2, true, false, 8 },       /* BITPOS bp 0 1 2 */
    { "\x00\x0f\xf0\xff\x00", 5, 0, -2, -1, true, false, 32 },    /* BITPOS bp 0 -2 -1 */
    { "\x00\x0f\xf0\xff\x00", 5, 0, 3, 3, true, false, -1 },      /* BITPOS bp 0 3 3 */
    { "\x00\x0f\xf0\xff\x00", 5, 0, 5, 10, true, false, -1 },     /* BITPOS bp 0 5 10 */
    { "\x00\x0f\xf0\xff\x00", 5, 0, -100, 100, true, false, 0 },  /* BITPOS bp 0 -100 100 */
    { "\x00\x0f\xf0\xff\x00", 5, 0, 2, 1, true, false, -1 },      /* BITPOS bp 0 2 1 */
    { "\x00\x0f\xf0\xff\x00", 5, 0, 0, 39, true, true, 0 },       /* BITPOS bp 0 0 39 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 0, 4, 11, true, true, 4 },       /* BITPOS bp 0 4 11 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 0, 12, 19, true, true, -1 },     /* BITPOS bp 0 12 19 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 0, 9, 10, true, true, 9 },       /* BITPOS bp 0 9 10 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 0, 20, 20, true, true, 20 },     /* BITPOS bp 0 20 20 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 0, 25, 31, true, true, -1 },     /* BITPOS bp 0 25 31 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 0, 30, 45, true, true, 32 },     /* BITPOS bp 0 30 45 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 0, -12, -3, true, true, 32 },    /* BITPOS bp 0 -12 -3 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 0, 13, 12, true, true, -1 },     /* BITPOS bp 0 13 12 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 0, 7, 8, true, true, 7 },        /* BITPOS bp 0 7 8 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 0, 33, 39, true, true, 33 },     /* BITPOS bp 0 33 39 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 0, 3, 4, false, false, 32 },     /* BITPOS bp 0 3 */
    { "\x00\x0f\xf0\xff\x00", 5, 0, -1, 4, false, false, 32 },    /* BITPOS bp 0 -1 */
    { "\x00\x0f\xf0\xff\x00", 5, 1, 0, -1, true, false, 12 },     /* BITPOS bp 1 0 -1 */
    { "\x00\x0f\xf0\xff\x00", 5, 1, 1, 2, true, false, 12 },      /* BITPOS bp 1 1 2 */
    { "\x00\x0f\xf0\xff\x00", 5, 1, -2, -1, true, false, 24 },    /* BITPOS bp 1 -2 -1 */
    { "\x00\x0f\xf0\xff\x00", 5, 1, 3, 3, true, false, 24 },      /* BITPOS bp 1 3 3 */
    { "\x00\x0f\xf0\xff\x00", 5, 1, 5, 10, true, false, -1 },     /* BITPOS bp 1 5 10 */
    { "\x00\x0f\xf0\xff\x00", 5, 1, -100, 100, true, false, 12 }, /* BITPOS bp 1 -100 100 */
    { "\x00\x0f\xf0\xff\x00", 5, 1, 2, 1, true, false, -1 },      /* BITPOS bp 1 2 1 */
    { "\x00\x0f\xf0\xff\x00", 5, 1, 0, 39, true, true, 12 },      /* BITPOS bp 1 0 39 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 1, 4, 11, true, true, -1 },      /* BITPOS bp 1 4 11 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 1, 12, 19, true, true, 12 },     /* BITPOS bp 1 12 19 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 1, 9, 10, true, true, -1 },      /* BITPOS bp 1 9 10 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 1, 20, 20, true, true, -1 },     /* BITPOS bp 1 20 20 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 1, 25, 31, true, true, 25 },     /* BITPOS bp 1 25 31 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 1, 30, 45, true, true, 30 },     /* BITPOS bp 1 30 45 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 1, -12, -3, true, true, 28 },    /* BITPOS bp 1 -12 -3 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 1, 13, 12, true, true, -1 },     /* BITPOS bp 1 13 12 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 1, 7, 8, true, true, -1 },       /* BITPOS bp 1 7 8 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 1, 33, 39, true, true, -1 },     /* BITPOS bp 1 33 39 BIT */
    { "\x00\x0f\xf0\xff\x00", 5, 1, 3, 4, false, false, 24 },     /* BITPOS bp 1 3 */
    { "\x00\x0f\xf0\xff\x00", 5, 1, -1, 4, false, false, -1 },    /* BITPOS bp 1 -1 */
    { "\xff\xff\xff", 3, 0, 0, 2, false, false, 24 },             /* BITPOS ones 0 */
    { "\xff\xff\xff", 3, 0, 1, 2, false, false, 24 },             /* BITPOS ones 0 1 */
    { "\xff\xff\xff", 3, 0, 1, -1, true, false, -1 },             /* BITPOS ones 0 1 -1 */
    { "\xff\xff\xff", 3, 0, 3, 20, true, true, -1 },              /* BITPOS ones 0 3 20 BIT */
    { "\xff\xff\xff", 3, 1, 23, 23, true, true, 23 },             /* BITPOS ones 1 23 23 BIT */
    { "", 0, 0, 0, -1, false, false, -1 },                        /* BITPOS e 0 */
    { "", 0, 1, 0, -1, false, false, -1 },                        /* BITPOS e 1 */
    { "", 0, 0, 0, -1, true, true, -1 },                          /* BITPOS e 0 0 -1 BIT */
};

static void test_pos_range(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(pos_cases) / sizeof(pos_cases[0]); i++) {
        const struct pos_case *t = &pos_cases[i];
        long long got = cache_bits_pos_range((const unsigned char *)t->s, t->len, t->bit, t->start,
                                             t->end, t->end_given, t->isbit);
        if (got != t->want)
            fail_msg("case %zu: bit %d [%lld, %lld]%s: got %lld, want %lld", i, t->bit, t->start,
                     t->end, t->isbit ? " BIT" : "", got, t->want);
    }
}

static void test_pos_plain(void **state)
{
    (void)state;
    const unsigned char zeros[20] = { 0 };
    unsigned char ones[20];
    memset(ones, 0xff, sizeof(ones));
    assert_int_equal(cache_bits_pos(zeros, sizeof(zeros), 1), -1);
    assert_int_equal(cache_bits_pos(zeros, sizeof(zeros), 0), 0);
    /* No zero: the first bit of the implicit padding. */
    assert_int_equal(cache_bits_pos(ones, sizeof(ones), 0), 160);
    assert_int_equal(cache_bits_pos(ones, sizeof(ones), 1), 0);
    unsigned char m[20] = { 0 };
    m[13] = 0x10;
    assert_int_equal(cache_bits_pos(m, sizeof(m), 1), 13 * 8 + 3);
    ones[17] = 0xfe;
    assert_int_equal(cache_bits_pos(ones, sizeof(ones), 0), 17 * 8 + 7);
    assert_int_equal(cache_bits_pos(m, 0, 0), 0);
    assert_int_equal(cache_bits_pos(m, 0, 1), -1);
}

/* ---- BITOP ---- */

static void test_op(void **state)
{
    (void)state;
    const unsigned char a[] = { 0xf0, 0x0f, 0xaa }, b[] = { 0xff, 0x01 };
    const unsigned char *src[] = { a, b, NULL };
    const size_t len[] = { 3, 2, 0 };
    unsigned char out[3];
    cache_bits_op(CACHE_BITOP_AND, src, len, 2, out, 3);
    assert_memory_equal(out, ((unsigned char[]){ 0xf0, 0x01, 0x00 }), 3);
    cache_bits_op(CACHE_BITOP_OR, src, len, 2, out, 3);
    assert_memory_equal(out, ((unsigned char[]){ 0xff, 0x0f, 0xaa }), 3);
    cache_bits_op(CACHE_BITOP_XOR, src, len, 2, out, 3);
    assert_memory_equal(out, ((unsigned char[]){ 0x0f, 0x0e, 0xaa }), 3);
    /* A missing (empty) source zeroes AND and leaves OR alone. */
    cache_bits_op(CACHE_BITOP_AND, src, len, 3, out, 3);
    assert_memory_equal(out, ((unsigned char[]){ 0, 0, 0 }), 3);
    cache_bits_op(CACHE_BITOP_OR, src, len, 3, out, 3);
    assert_memory_equal(out, ((unsigned char[]){ 0xff, 0x0f, 0xaa }), 3);
    cache_bits_op(CACHE_BITOP_NOT, src, len, 1, out, 3);
    assert_memory_equal(out, ((unsigned char[]){ 0x0f, 0xf0, 0x55 }), 3);
    /* Redis's BITOP AND foobar abcdef, as GET shows it: "`bc`ab". */
    const unsigned char *fa[] = { (const unsigned char *)"foobar",
                                  (const unsigned char *)"abcdef" };
    const size_t fl[] = { 6, 6 };
    cache_bits_op(CACHE_BITOP_AND, fa, fl, 2, out, 3);
    assert_memory_equal(out, "`bc", 3);
}

/* ---- BITFIELD fields ---- */

static void test_fields(void **state)
{
    (void)state;
    unsigned char p[16] = { 0 };
    /* The example of Redis's bitops.c: u5 = 23 at offset 7 -> 00000001 01110000. */
    cache_bits_set(p, 7, 5, 23);
    assert_int_equal(p[0], 0x01);
    assert_int_equal(p[1], 0x70);
    assert_int_equal(cache_bits_get_unsigned(p, 7, 5), 23);
    assert_int_equal(cache_bits_get_signed(p, 7, 5), -9);
    memset(p, 0, sizeof(p));
    cache_bits_set(p, 3, 64, (uint64_t)INT64_MIN);
    assert_true(cache_bits_get_signed(p, 3, 64) == INT64_MIN);
    assert_int_equal(p[0], 0x10);
    cache_bits_set(p, 3, 64, (uint64_t)-1);
    assert_true(cache_bits_get_signed(p, 3, 64) == -1);
    assert_true(cache_bits_get_unsigned(p, 4, 63) == (uint64_t)INT64_MAX);
    assert_int_equal(p[0], 0x1f);
    assert_int_equal(p[8], 0xe0);
    /* Every width at an odd offset round-trips and leaves its neighbours. */
    for (unsigned bits = 1; bits <= 64; bits++) {
        unsigned char q[12];
        memset(q, 0xa5, sizeof(q));
        uint64_t v = 0x8123456789abcdefULL & (bits == 64 ? UINT64_MAX : (1ULL << bits) - 1);
        cache_bits_set(q, 13, bits, v);
        assert_true(cache_bits_get_unsigned(q, 13, bits) == v);
        assert_int_equal(q[0], 0xa5);
        assert_int_equal(
            cache_bits_get_unsigned(q, 13 + bits, 3),
            cache_bits_get_unsigned((unsigned char[]){ 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5,
                                                       0xa5, 0xa5, 0xa5, 0xa5, 0xa5 },
                                    13 + bits, 3));
    }
}

/* ---- overflow ---- */

struct ovf_case {
    bool sign;
    unsigned bits;
    int64_t value, incr; /* value as the field holds it (unsigned ones as uint64) */
    enum cache_bf_overflow ow;
    int want;      /* return */
    int64_t limit; /* *limit when want != 0 and not FAIL */
};

static const struct ovf_case ovf_cases[] = {
    /* unsigned 8 */
    { false, 8, 200, 55, CACHE_BF_WRAP, 0, 0 },
    { false, 8, 200, 56, CACHE_BF_WRAP, 1, 0 },
    { false, 8, 200, 100, CACHE_BF_WRAP, 1, 44 },
    { false, 8, 200, 100, CACHE_BF_SAT, 1, 255 },
    { false, 8, 200, 100, CACHE_BF_FAIL, 1, 0 },
    { false, 8, 5, -6, CACHE_BF_SAT, -1, 0 },
    { false, 8, 5, -6, CACHE_BF_WRAP, 1, 255 },
    { false, 8, 5, -6, CACHE_BF_FAIL, -1, 0 },
    { false, 8, 300, 0, CACHE_BF_WRAP, 1, 44 },
    { false, 8, -1, 0, CACHE_BF_SAT, 1, 255 },
    /* unsigned 63 */
    { false, 63, INT64_MAX, 1, CACHE_BF_WRAP, 1, 0 },
    { false, 63, INT64_MAX, 0, CACHE_BF_WRAP, 0, 0 },
    { false, 63, 0, INT64_MIN, CACHE_BF_SAT, -1, 0 },
    /* signed 5 (BITFIELD f1 ... in bits.txt) */
    { true, 5, 15, 1, CACHE_BF_WRAP, 1, -16 },
    { true, 5, -16, -100, CACHE_BF_SAT, -1, -16 },
    { true, 5, -16, 100, CACHE_BF_SAT, 1, 15 },
    { true, 5, 15, -40, CACHE_BF_WRAP, 1, 7 },
    { true, 8, 1000, 0, CACHE_BF_WRAP, 1, -24 },
    { true, 8, 1000, 0, CACHE_BF_SAT, 1, 127 },
    { true, 8, -129, 0, CACHE_BF_FAIL, -1, 0 },
    { true, 8, -128, 0, CACHE_BF_FAIL, 0, 0 },
    /* signed 64: the wrap-around answers Redis 7.0.15 gives */
    { true, 64, INT64_MAX, 1, CACHE_BF_WRAP, 1, INT64_MIN },
    { true, 64, INT64_MIN, -1, CACHE_BF_WRAP, 1, INT64_MAX },
    { true, 64, INT64_MIN, INT64_MIN, CACHE_BF_WRAP, 1, 0 },
    { true, 64, INT64_MAX, 1, CACHE_BF_SAT, 1, INT64_MAX },
    { true, 64, -1, INT64_MIN, CACHE_BF_SAT, -1, INT64_MIN },
    { true, 64, INT64_MAX, -1, CACHE_BF_SAT, 0, 0 },
    { true, 64, -5, 10, CACHE_BF_FAIL, 0, 0 },
    { true, 64, 5, INT64_MAX, CACHE_BF_FAIL, 1, 0 },
};

static void test_overflow(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(ovf_cases) / sizeof(ovf_cases[0]); i++) {
        const struct ovf_case *t = &ovf_cases[i];
        int got;
        int64_t limit = 12345;
        if (t->sign) {
            got = cache_bits_overflow_signed(t->value, t->incr, t->bits, t->ow, &limit);
        } else {
            uint64_t ul = 12345;
            got = cache_bits_overflow_unsigned((uint64_t)t->value, t->incr, t->bits, t->ow, &ul);
            limit = (int64_t)ul;
        }
        if (got != t->want)
            fail_msg("case %zu: returned %d, want %d", i, got, t->want);
        if (got == 0 || t->ow == CACHE_BF_FAIL) {
            if (limit != 12345)
                fail_msg("case %zu: limit written (%lld) when it must not be", i, (long long)limit);
        } else if (limit != t->limit) {
            fail_msg("case %zu: limit %lld, want %lld", i, (long long)limit, (long long)t->limit);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pos_range), cmocka_unit_test(test_pos_plain),
        cmocka_unit_test(test_op),        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
