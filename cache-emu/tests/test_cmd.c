/*
 * Unit tests for cmd.c: argument parsing with Redis's rules and error texts,
 * deferred aggregate lengths, and the hit/miss counting of lookups. A client
 * struct is built by hand; no sockets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cache-emu/cmd.h"
#include "common/err.h"

struct fixture {
    struct cache_server srv;
    struct cache_client c;
    struct cache_resp_arg argv[8];
};

static int setup(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof(f));
    f.srv.ks = cache_keyspace_new(16, 1);
    assert_non_null(f.srv.ks);
    f.srv.cmd_time_ms = 1000000;
    f.c.srv = &f.srv;
    f.c.db = cache_keyspace_db(f.srv.ks, 0);
    f.c.proto = CACHE_RESP2;
    f.c.argv = f.argv;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    dd_buf_release(&f->c.out);
    cache_keyspace_free(f->srv.ks);
    return 0;
}

static void set_args(struct fixture *f, size_t n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *s = va_arg(ap, const char *);
        f->argv[i].ptr = s;
        f->argv[i].len = strlen(s);
    }
    va_end(ap);
    f->c.argc = n;
    dd_buf_reset(&f->c.out);
}

static const char *out(struct fixture *f)
{
    return f->c.out.data ? f->c.out.data : "";
}

struct ll_case {
    const char *text;
    bool ok;
    long long value;
};

static void test_arg_ll(void **state)
{
    struct fixture *f = *state;
    static const struct ll_case cases[] = {
        { "0", true, 0 },
        { "-1", true, -1 },
        { "9223372036854775807", true, 9223372036854775807LL },
        { "-9223372036854775808", true, -9223372036854775807LL - 1 },
        { "9223372036854775808", false, 0 },
        { "01", false, 0 },
        { "+1", false, 0 },
        { " 1", false, 0 },
        { "1.0", false, 0 },
        { "", false, 0 },
        { "-0", false, 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        set_args(f, 2, "x", cases[i].text);
        long long v = 42;
        bool ok = cache_arg_ll(&f->c, 1, &v);
        assert_int_equal(ok, cases[i].ok);
        if (ok) {
            assert_true(v == cases[i].value);
            assert_string_equal(out(f), "");
        } else {
            assert_string_equal(out(f), "-ERR value is not an integer or out of range\r\n");
        }
    }
}

struct dbl_case {
    const char *text;
    bool ok;
};

static void test_arg_double(void **state)
{
    struct fixture *f = *state;
    static const struct dbl_case cases[] = {
        { "1.5", true },  { "-inf", true },   { "+inf", true }, { "1e10", true },
        { "0x10", true }, { "nan", false },   { " 1", false },  { "1 ", false },
        { "", false },    { "1e999", false }, { "abc", false },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        set_args(f, 2, "x", cases[i].text);
        double d;
        bool ok = cache_arg_double(&f->c, 1, &d);
        assert_int_equal(ok, cases[i].ok);
        if (!ok)
            assert_string_equal(out(f), "-ERR value is not a valid float\r\n");
    }
}

static void test_arg_timeout(void **state)
{
    struct fixture *f = *state;
    int64_t d = -5;
    set_args(f, 2, "blpop", "0");
    assert_true(cache_arg_timeout(&f->c, 1, &d));
    assert_int_equal(d, 0);
    set_args(f, 2, "blpop", "1.5");
    assert_true(cache_arg_timeout(&f->c, 1, &d));
    assert_int_equal(d, 1000000 + 1500);
    set_args(f, 2, "blpop", "-1");
    assert_false(cache_arg_timeout(&f->c, 1, &d));
    assert_string_equal(out(f), "-ERR timeout is negative\r\n");
    set_args(f, 2, "blpop", "x");
    assert_false(cache_arg_timeout(&f->c, 1, &d));
    assert_string_equal(out(f), "-ERR timeout is not a float or out of range\r\n");
    /* Redis 7.0.15 answers "negative" past the long long range. */
    set_args(f, 2, "blpop", "1e300");
    assert_false(cache_arg_timeout(&f->c, 1, &d));
    assert_string_equal(out(f), "-ERR timeout is negative\r\n");
    set_args(f, 2, "blpop", "0.0001");
    assert_true(cache_arg_timeout(&f->c, 1, &d));
    assert_int_equal(d, 1000000 + 1);
    set_args(f, 2, "blpop", "-0.0001");
    assert_true(cache_arg_timeout(&f->c, 1, &d));
    assert_int_equal(d, 0);
}

static void test_arg_is_and_range(void **state)
{
    struct fixture *f = *state;
    set_args(f, 3, "set", "NX", "5");
    assert_true(cache_arg_is(&f->c, 1, "nx"));
    assert_false(cache_arg_is(&f->c, 1, "xx"));
    assert_false(cache_arg_is(&f->c, 7, "nx"));
    long long v;
    assert_false(cache_arg_ll_range(&f->c, 2, 0, 4, "ERR too big", &v));
    assert_string_equal(out(f), "-ERR too big\r\n");
    dd_buf_reset(&f->c.out);
    assert_true(cache_arg_ll_range(&f->c, 2, 0, 5, "ERR too big", &v));
    assert_int_equal(v, 5);
    /* cache_arg_ll_min answers its own text for a non-number too. */
    assert_true(cache_arg_ll_min(&f->c, 2, 5, "ERR count", &v));
    assert_int_equal(v, 5);
    assert_false(cache_arg_ll_min(&f->c, 2, 6, "ERR count", &v));
    assert_string_equal(out(f), "-ERR count\r\n");
    dd_buf_reset(&f->c.out);
    assert_false(cache_arg_ll_min(&f->c, 1, 0, "ERR count", &v));
    assert_string_equal(out(f), "-ERR count\r\n");
}

static void test_scan_options(void **state)
{
    struct fixture *f = *state;
    long long count;
    const struct cache_resp_arg *pat;
    set_args(f, 3, "hscan", "k", "0");
    assert_true(cache_arg_scan_options(&f->c, 3, &count, &pat));
    assert_int_equal(count, 10);
    assert_null(pat);
    set_args(f, 7, "hscan", "k", "0", "MATCH", "a*", "count", "3");
    assert_true(cache_arg_scan_options(&f->c, 3, &count, &pat));
    assert_int_equal(count, 3);
    assert_non_null(pat);
    assert_int_equal(pat->len, 2);
    set_args(f, 5, "hscan", "k", "0", "match", "*");
    assert_true(cache_arg_scan_options(&f->c, 3, &count, &pat));
    assert_null(pat);
    set_args(f, 5, "hscan", "k", "0", "count", "0");
    assert_false(cache_arg_scan_options(&f->c, 3, &count, &pat));
    assert_string_equal(out(f), "-ERR syntax error\r\n");
    set_args(f, 5, "hscan", "k", "0", "count", "x");
    assert_false(cache_arg_scan_options(&f->c, 3, &count, &pat));
    assert_string_equal(out(f), "-ERR value is not an integer or out of range\r\n");
    set_args(f, 4, "hscan", "k", "0", "count");
    assert_false(cache_arg_scan_options(&f->c, 3, &count, &pat));
    assert_string_equal(out(f), "-ERR syntax error\r\n");
}

static void test_defer(void **state)
{
    struct fixture *f = *state;
    set_args(f, 1, "x");
    cache_reply_simple(&f->c, "A");
    size_t h = cache_reply_defer(&f->c);
    cache_reply_ll(&f->c, 1);
    cache_reply_ll(&f->c, 2);
    cache_reply_defer_set(&f->c, h, 'a', 2);
    assert_string_equal(out(f), "+A\r\n*2\r\n:1\r\n:2\r\n");
    dd_buf_reset(&f->c.out);
    f->c.proto = CACHE_RESP3;
    h = cache_reply_defer(&f->c);
    cache_reply_bulk(&f->c, "k", 1);
    cache_reply_ll(&f->c, 1);
    cache_reply_defer_set(&f->c, h, 'm', 1);
    assert_string_equal(out(f), "%1\r\n$1\r\nk\r\n:1\r\n");
    f->c.proto = CACHE_RESP2;
}

static void test_lookup_counts(void **state)
{
    struct fixture *f = *state;
    struct cache_resp_arg k = { "k", 1 };
    f->srv.stats.keyspace_hits = f->srv.stats.keyspace_misses = 0;
    assert_null(cache_lookup_read(&f->c, &k));
    assert_int_equal(f->srv.stats.keyspace_misses, 1);
    struct cache_obj *o = cache_obj_new_string(f->srv.ks, "v", 1);
    assert_non_null(o);
    assert_int_equal(cache_db_set(f->c.db, "k", 1, o, false, 1000000, NULL), DD_OK);
    assert_non_null(cache_lookup_read(&f->c, &k));
    assert_int_equal(f->srv.stats.keyspace_hits, 1);
    assert_non_null(cache_lookup_write(&f->c, &k));
    assert_int_equal(f->srv.stats.keyspace_hits, 1);
    set_args(f, 1, "x");
    struct cache_obj *got = cache_lookup_write(&f->c, &k);
    assert_false(cache_check_type(&f->c, got, CACHE_TYPE_LIST));
    assert_string_equal(out(f),
                        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    assert_int_equal(f->srv.stats.total_error_replies, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_arg_ll, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arg_double, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arg_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arg_is_and_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup_counts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
