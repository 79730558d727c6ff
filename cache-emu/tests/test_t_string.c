/* Unit tests for cache-emu/t_string.c: Redis's number parsing and INCRBYFLOAT
 * formatting (cases checked against redis-server 7.0.15), OBJECT ENCODING
 * and REFCOUNT by origin, and in-place growth with honest memory counts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/db.h"
#include "cache-emu/t_string.h"
#include "common/err.h"

#define NOW 1700000000000LL

/* ---- string2ll ---- */

struct ll_case {
    const char *s;
    size_t len; /* 0: strlen(s) */
    bool ok;
    long long want;
};

static const struct ll_case ll_cases[] = {
    { "0", 0, true, 0 },
    { "1", 0, true, 1 },
    { "-1", 0, true, -1 },
    { "123", 0, true, 123 },
    { "9223372036854775807", 0, true, LLONG_MAX },
    { "-9223372036854775808", 0, true, LLONG_MIN },
    { "9223372036854775808", 0, false, 0 },
    { "-9223372036854775809", 0, false, 0 },
    { "12345678901234567890", 0, false, 0 },
    { "000000000000000000001", 0, false, 0 },
    { "", 0, false, 0 },
    { "-", 0, false, 0 },
    { "-0", 0, false, 0 },
    { "007", 0, false, 0 },
    { "+1", 0, false, 0 },
    { " 1", 0, false, 0 },
    { "1 ", 0, false, 0 },
    { "1a", 0, false, 0 },
    { "1.0", 0, false, 0 },
    { "1\0002", 3, false, 0 },
};

static void test_to_ll(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(ll_cases) / sizeof(ll_cases[0]); i++) {
        const struct ll_case *t = &ll_cases[i];
        long long v = 42;
        size_t len = t->len ? t->len : strlen(t->s);
        bool ok = cache_string_to_ll(t->s, len, &v);
        if (ok != t->ok)
            fail_msg("case %zu \"%s\": got %d", i, t->s, ok);
        if (ok)
            assert_true(v == t->want);
    }
}

static void test_from_ll(void **state)
{
    (void)state;
    char buf[CACHE_STRING_LL_MAX];
    assert_int_equal(cache_string_from_ll(buf, sizeof(buf), LLONG_MIN), 20);
    assert_string_equal(buf, "-9223372036854775808");
    assert_int_equal(cache_string_from_ll(buf, sizeof(buf), 0), 1);
    assert_string_equal(buf, "0");
    assert_int_equal(cache_string_from_ll(buf, 3, 1234), 0);
}

/* ---- string2ld ---- */

struct ld_case {
    const char *s;
    size_t len; /* 0: strlen(s) */
    bool ok;
    long double want; /* compared exactly; inf allowed */
};

static const struct ld_case ld_cases[] = {
    { "1", 0, true, 1.0L },      { "-2.5", 0, true, -2.5L },   { "0x10", 0, true, 16.0L },
    { "1.0e1", 0, true, 10.0L }, { "inf", 0, true, INFINITY }, { "-inf", 0, true, -INFINITY },
    { "1\0junk", 6, false, 0 }, /* an embedded NUL ends the number early */
    { "", 0, false, 0 },         { " 1", 0, false, 0 },        { "1 ", 0, false, 0 },
    { "abc", 0, false, 0 },      { "1.5abc", 0, false, 0 },    { "nan", 0, false, 0 },
    { "1e5000", 0, false, 0 },  /* overflow */
    { "1e-5000", 0, false, 0 }, /* underflow to zero */
};

static void test_to_long_double(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(ld_cases) / sizeof(ld_cases[0]); i++) {
        const struct ld_case *t = &ld_cases[i];
        long double v = 42;
        size_t len = t->len ? t->len : strlen(t->s);
        bool ok = cache_string_to_long_double(t->s, len, &v);
        if (ok != t->ok)
            fail_msg("case %zu \"%s\": got %d", i, t->s, ok);
        if (ok && v != t->want)
            fail_msg("case %zu \"%s\": wrong value", i, t->s);
    }
    /* At the length limit Redis refuses before reading. */
    char *big = malloc(CACHE_STRING_LD_MAX);
    assert_non_null(big);
    memset(big, '1', CACHE_STRING_LD_MAX);
    long double v;
    assert_false(cache_string_to_long_double(big, CACHE_STRING_LD_MAX, &v));
    free(big);
}

/* ---- ld2string(LD_STR_HUMAN): replies redis-server 7.0.15 gave ---- */

struct fmt_case {
    const char *a, *b; /* INCRBYFLOAT: value a plus increment b */
    const char *want;
};

static const struct fmt_case fmt_cases[] = {
    { "0", "3", "3" },
    { "3", "1.5", "4.5" },
    { "0.1", "0.2", "0.3" },
    { "0.3", "-0.3", "0" },
    { "-0.0", "0", "0" },
    { "0", "1e-20", "0" },
    { "3.0", "0", "3" },
    { "5000", "1.1", "5001.10000000000000009" },
    { "1", "0x10", "17" },
    { "17", "1.0e1", "27" },
    { "4.5", "1e100",
      "9999999999999999999669353532207342619498699019828496079271391541752018669482644324418977"
      "840117055488" },
    { "-1", "-1.25", "-2.25" },
};

static void test_from_long_double(void **state)
{
    (void)state;
    char buf[CACHE_STRING_LD_MAX];
    for (size_t i = 0; i < sizeof(fmt_cases) / sizeof(fmt_cases[0]); i++) {
        const struct fmt_case *t = &fmt_cases[i];
        long double a, b;
        assert_true(cache_string_to_long_double(t->a, strlen(t->a), &a));
        assert_true(cache_string_to_long_double(t->b, strlen(t->b), &b));
        size_t n = cache_string_from_long_double(buf, sizeof(buf), a + b);
        assert_int_equal(n, strlen(t->want));
        assert_string_equal(buf, t->want);
    }
    assert_int_equal(cache_string_from_long_double(buf, sizeof(buf), INFINITY), 3);
    assert_string_equal(buf, "inf");
    assert_int_equal(cache_string_from_long_double(buf, sizeof(buf), -INFINITY), 4);
    assert_string_equal(buf, "-inf");
    /* The largest long double fits the buffer Redis uses. */
    assert_true(cache_string_from_long_double(buf, sizeof(buf), LDBL_MAX) > 4900);
    assert_int_equal(cache_string_from_long_double(buf, 4, 1234.5L), 0);
}

/* ---- encodings ---- */

struct enc_case {
    const char *s;
    enum cache_string_enc enc;
    const char *want;
};

static const char a44[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char a45[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

static const struct enc_case enc_cases[] = {
    { "123", CACHE_STRING_ENC_AUTO, "int" },
    { "-9223372036854775808", CACHE_STRING_ENC_AUTO, "int" },
    { "12345678901234567890", CACHE_STRING_ENC_AUTO, "embstr" },
    { "-0", CACHE_STRING_ENC_AUTO, "embstr" },
    { "007", CACHE_STRING_ENC_AUTO, "embstr" },
    { "", CACHE_STRING_ENC_AUTO, "embstr" },
    { a44, CACHE_STRING_ENC_AUTO, "embstr" },
    { a45, CACHE_STRING_ENC_AUTO, "raw" },
    { "3", CACHE_STRING_ENC_PLAIN, "embstr" }, /* INCRBYFLOAT's result */
    { a45, CACHE_STRING_ENC_PLAIN, "raw" },
    { "12", CACHE_STRING_ENC_RAW, "raw" }, /* APPEND's result */
    { "12", CACHE_STRING_ENC_INT_OWN, "int" },
};

static void test_encoding(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 1);
    assert_non_null(ks);
    for (size_t i = 0; i < sizeof(enc_cases) / sizeof(enc_cases[0]); i++) {
        const struct enc_case *t = &enc_cases[i];
        struct cache_obj *o = cache_string_new(ks, t->s, strlen(t->s), t->enc);
        assert_non_null(o);
        assert_int_equal(o->type, CACHE_TYPE_STRING);
        assert_int_equal(o->len, strlen(t->s));
        assert_memory_equal(o->ptr, t->s, o->len);
        assert_int_equal(((char *)o->ptr)[o->len], '\0');
        if (strcmp(cache_string_encoding(o), t->want) != 0)
            fail_msg("case %zu: %s, want %s", i, cache_string_encoding(o), t->want);
        cache_obj_free(ks, o);
    }
    /* A string made by anyone else is judged as SET would judge its bytes. */
    struct cache_obj *o = cache_obj_new_string(ks, "42", 2);
    assert_string_equal(cache_string_encoding(o), "int");
    cache_obj_free(ks, o);
    o = cache_obj_new_string(ks, a45, 45);
    assert_string_equal(cache_string_encoding(o), "raw");
    cache_obj_free(ks, o);
    /* NULL data makes a zero-filled value (SETRANGE/SETBIT on a new key). */
    o = cache_string_new(ks, NULL, 3, CACHE_STRING_ENC_RAW);
    assert_memory_equal(o->ptr, "\0\0\0", 3);
    cache_obj_free(ks, o);
    cache_keyspace_free(ks);
}

struct ref_case {
    const char *s;
    enum cache_string_enc enc;
    bool shared_ok;
    long long want;
};

static const struct ref_case ref_cases[] = {
    { "0", CACHE_STRING_ENC_AUTO, true, CACHE_STRING_SHARED_REFCOUNT },
    { "123", CACHE_STRING_ENC_AUTO, true, CACHE_STRING_SHARED_REFCOUNT },
    { "9999", CACHE_STRING_ENC_AUTO, true, CACHE_STRING_SHARED_REFCOUNT },
    { "10000", CACHE_STRING_ENC_AUTO, true, 1 },
    { "12345", CACHE_STRING_ENC_AUTO, true, 1 },
    { "-1", CACHE_STRING_ENC_AUTO, true, 1 },
    { "123", CACHE_STRING_ENC_AUTO, false, 1 },   /* maxmemory with an LRU/LFU policy */
    { "123", CACHE_STRING_ENC_INT_OWN, true, 1 }, /* COPY's duplicate */
    { "123", CACHE_STRING_ENC_RAW, true, 1 },
    { "abc", CACHE_STRING_ENC_AUTO, true, 1 },
};

static void test_refcount(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 1);
    for (size_t i = 0; i < sizeof(ref_cases) / sizeof(ref_cases[0]); i++) {
        const struct ref_case *t = &ref_cases[i];
        struct cache_obj *o = cache_string_new(ks, t->s, strlen(t->s), t->enc);
        assert_non_null(o);
        if (cache_string_refcount(o, t->shared_ok) != t->want)
            fail_msg("case %zu: got %lld", i, cache_string_refcount(o, t->shared_ok));
        cache_obj_free(ks, o);
    }
    cache_keyspace_free(ks);
}

/* COPY keeps the encoding; a copied int is never the shared one. */
static void test_dup(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 1);
    const struct {
        const char *s;
        enum cache_string_enc enc;
        const char *want;
    } cases[] = {
        { "123", CACHE_STRING_ENC_AUTO, "int" }, { "abc", CACHE_STRING_ENC_AUTO, "embstr" },
        { "12", CACHE_STRING_ENC_RAW, "raw" },   { "1.5", CACHE_STRING_ENC_PLAIN, "embstr" },
        { a45, CACHE_STRING_ENC_AUTO, "raw" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cache_obj *o = cache_string_new(ks, cases[i].s, strlen(cases[i].s), cases[i].enc);
        struct cache_obj *d = cache_string_dup(ks, o);
        assert_non_null(d);
        assert_ptr_not_equal(d->ptr, o->ptr);
        assert_int_equal(d->len, o->len);
        assert_memory_equal(d->ptr, o->ptr, o->len);
        assert_string_equal(cache_string_encoding(d), cases[i].want);
        assert_int_equal(cache_string_refcount(d, true), 1);
        cache_obj_free(ks, o);
        cache_obj_free(ks, d);
    }
    cache_keyspace_free(ks);
}

/* ---- in-place changes ---- */

static void test_append_grows_in_place(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 1);
    size_t base = cache_db_used_memory(ks);
    struct cache_obj *o = cache_string_new(ks, "12", 2, CACHE_STRING_ENC_AUTO);
    assert_string_equal(cache_string_encoding(o), "int");
    /* APPEND of nothing still makes the value raw, as Redis's unsharing does. */
    assert_int_equal(cache_string_append(ks, o, "", 0), DD_OK);
    assert_string_equal(cache_string_encoding(o), "raw");
    assert_int_equal(o->len, 2);

    char want[5000];
    memcpy(want, "12", 2);
    size_t len = 2, moves = 0;
    void *last = o->ptr;
    for (int i = 0; i < 1000; i++) {
        char piece[8];
        int n = snprintf(piece, sizeof(piece), "%d,", i % 100);
        assert_int_equal(cache_string_append(ks, o, piece, (size_t)n), DD_OK);
        memcpy(want + len, piece, (size_t)n);
        len += (size_t)n;
        if (o->ptr != last)
            moves++;
        last = o->ptr;
    }
    assert_int_equal(o->len, len);
    assert_memory_equal(o->ptr, want, len);
    assert_int_equal(((char *)o->ptr)[len], '\0');
    /* Greedy growth: a handful of moves for ~3000 bytes, not one per call. */
    assert_true(moves < 16);
    assert_string_equal(cache_string_encoding(o), "raw");
    assert_true(cache_db_used_memory(ks) > base + len);
    cache_obj_free(ks, o);
    assert_int_equal(cache_db_used_memory(ks), base);
    cache_keyspace_free(ks);
}

/* A value made by cache_obj_new_string() is taken over on first change. */
static void test_change_foreign_value(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 1);
    size_t base = cache_db_used_memory(ks);
    struct cache_obj *o = cache_obj_new_string(ks, "abc", 3);
    assert_int_equal(cache_string_append(ks, o, "def", 3), DD_OK);
    assert_int_equal(o->len, 6);
    assert_memory_equal(o->ptr, "abcdef", 6);
    assert_string_equal(cache_string_encoding(o), "raw");
    cache_obj_free(ks, o);

    o = cache_obj_new_string(ks, "abc", 3);
    assert_int_equal(cache_string_grow_zero(ks, o, 2), DD_OK);
    assert_int_equal(o->len, 3);
    assert_string_equal(cache_string_encoding(o), "raw");
    cache_obj_free(ks, o);
    assert_int_equal(cache_db_used_memory(ks), base);
    cache_keyspace_free(ks);
}

/* set_enc leaves a value alone when its bytes already tell the truth and
 * gives it a block of its own only when they do not. */
struct setenc_case {
    const char *s;
    enum cache_string_enc enc;
    bool moves;       /* a block of t_string's is needed */
    const char *want; /* OBJECT ENCODING afterwards */
    long long refs;   /* OBJECT REFCOUNT afterwards (shared integers allowed) */
};

static const struct setenc_case setenc_cases[] = {
    { "abc", CACHE_STRING_ENC_AUTO, false, "embstr", 1 },
    { "5", CACHE_STRING_ENC_AUTO, false, "int", CACHE_STRING_SHARED_REFCOUNT },
    { "4.5", CACHE_STRING_ENC_PLAIN, false, "embstr", 1 }, /* INCRBYFLOAT, non-integral */
    { "3", CACHE_STRING_ENC_PLAIN, true, "embstr", 1 },    /* INCRBYFLOAT, integral */
    { a45, CACHE_STRING_ENC_RAW, false, "raw", 1 },
    { "abc", CACHE_STRING_ENC_RAW, true, "raw", 1 },
    { "12345", CACHE_STRING_ENC_INT_OWN, false, "int", 1 }, /* COPY of a big int */
    { "5", CACHE_STRING_ENC_INT_OWN, true, "int", 1 },      /* COPY of a shared int */
};

static void test_set_enc(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 1);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    for (size_t i = 0; i < sizeof(setenc_cases) / sizeof(setenc_cases[0]); i++) {
        const struct setenc_case *t = &setenc_cases[i];
        struct cache_obj *o = NULL;
        size_t len = strlen(t->s);
        assert_int_equal(cache_db_set_string(db, "k", 1, t->s, len, false, NOW, &o), DD_OK);
        void *before = o->ptr;
        assert_int_equal(cache_string_set_enc(ks, o, t->enc), DD_OK);
        if ((o->ptr != before) != t->moves)
            fail_msg("case %zu: moved %d", i, o->ptr != before);
        assert_int_equal(o->len, len);
        assert_memory_equal(o->ptr, t->s, len);
        o = cache_db_lookup(db, "k", 1, NOW);
        if (strcmp(cache_string_encoding(o), t->want) != 0)
            fail_msg("case %zu: %s, want %s", i, cache_string_encoding(o), t->want);
        assert_true(cache_string_refcount(o, true) == t->refs);
        assert_true(cache_string_dup_enc(o) != CACHE_STRING_ENC_AUTO);
    }
    assert_int_equal(cache_db_delete(db, "k", 1, NOW), DD_OK);
    cache_keyspace_free(ks);
}

struct grow_case {
    const char *start;
    size_t len;      /* grow_zero target */
    size_t want_len; /* resulting length */
};

static const struct grow_case grow_cases[] = {
    { "abc", 6, 6 }, { "abc", 3, 3 }, { "abc", 1, 3 },
    { "", 1, 1 },    { "", 0, 0 },    { "x", 5000, 5000 },
};

static void test_grow_zero(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 1);
    for (size_t i = 0; i < sizeof(grow_cases) / sizeof(grow_cases[0]); i++) {
        const struct grow_case *t = &grow_cases[i];
        size_t slen = strlen(t->start);
        struct cache_obj *o = cache_string_new(ks, t->start, slen, CACHE_STRING_ENC_AUTO);
        assert_int_equal(cache_string_grow_zero(ks, o, t->len), DD_OK);
        assert_int_equal(o->len, t->want_len);
        assert_memory_equal(o->ptr, t->start, slen);
        for (size_t j = slen; j < o->len; j++)
            assert_int_equal(((char *)o->ptr)[j], 0);
        assert_string_equal(cache_string_encoding(o), "raw");
        cache_obj_free(ks, o);
    }
    cache_keyspace_free(ks);
}

/* A stored value changed in place through the pointer the db lends. */
static void test_stored_value_changes(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 1);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    /* Warm the table up so that its buckets are in the baseline. */
    struct cache_obj *warm = cache_obj_new_string(ks, "w", 1);
    assert_int_equal(cache_db_set(db, "w", 1, warm, false, NOW, NULL), DD_OK);
    size_t base = cache_db_used_memory(ks);
    struct cache_obj *o = cache_string_new(ks, "hello", 5, CACHE_STRING_ENC_AUTO);
    struct cache_obj *stored = NULL;
    assert_int_equal(cache_db_set(db, "k", 1, o, false, NOW, &stored), DD_OK);
    assert_non_null(stored);
    assert_int_equal(cache_string_append(ks, stored, " world", 6), DD_OK);
    struct cache_obj *got = cache_db_lookup(db, "k", 1, NOW);
    assert_non_null(got);
    assert_int_equal(got->len, 11);
    assert_memory_equal(got->ptr, "hello world", 11);
    assert_string_equal(cache_string_encoding(got), "raw");
    struct cache_obj *copy = cache_string_dup(ks, got);
    assert_int_equal(cache_db_set(db, "k2", 2, copy, false, NOW, NULL), DD_OK);
    assert_int_equal(cache_db_delete(db, "k", 1, NOW), DD_OK);
    got = cache_db_lookup(db, "k2", 2, NOW);
    assert_memory_equal(got->ptr, "hello world", 11);
    assert_int_equal(cache_db_delete(db, "k2", 2, NOW), DD_OK);
    /* The table may keep its buckets; the values themselves are gone. */
    assert_true(cache_db_used_memory(ks) < base + 11);
    cache_keyspace_free(ks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_to_ll),
        cmocka_unit_test(test_from_ll),
        cmocka_unit_test(test_to_long_double),
        cmocka_unit_test(test_from_long_double),
        cmocka_unit_test(test_encoding),
        cmocka_unit_test(test_refcount),
        cmocka_unit_test(test_dup),
        cmocka_unit_test(test_append_grows_in_place),
        cmocka_unit_test(test_change_foreign_value),
        cmocka_unit_test(test_set_enc),
        cmocka_unit_test(test_grow_zero),
        cmocka_unit_test(test_stored_value_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
