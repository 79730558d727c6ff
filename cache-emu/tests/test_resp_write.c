/*
 * Unit tests for cache-emu/resp_write.c: the exact bytes of every reply type
 * in RESP2 and RESP3. Where a case says "redis", the bytes were read from
 * redis-server 7.0.15 answering a real command (ZSCORE, HGETALL, SMEMBERS,
 * CLIENT INFO, SUBSCRIBE, GET of a missing key ...) over a raw socket.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/resp_write.h"
#include "common/buf.h"
#include "common/err.h"

struct bytes {
    const char *p;
    size_t len;
};
#define B(s)             \
    {                    \
        s, sizeof(s) - 1 \
    }

enum op {
    OP_SIMPLE,
    OP_ERROR,
    OP_INTEGER,
    OP_BULK,
    OP_BULK_LL,
    OP_NULL,
    OP_NULL_ARRAY,
    OP_ARRAY,
    OP_SET,
    OP_MAP,
    OP_PUSH,
    OP_DOUBLE,
    OP_BOOL,
    OP_VERBATIM,
    OP_BIGNUM
};

struct write_case {
    const char *name;
    enum op op;
    struct bytes s;  /* string argument */
    long long ll;    /* integer / count / bool argument */
    double d;        /* double argument */
    const char *ext; /* verbatim format */
    struct bytes r2; /* expected RESP2 bytes */
    struct bytes r3; /* expected RESP3 bytes */
};

static const struct write_case cases[] = {
    { "simple OK (redis)", OP_SIMPLE, B("OK"), 0, 0, NULL, B("+OK\r\n"), B("+OK\r\n") },
    { "simple empty", OP_SIMPLE, B(""), 0, 0, NULL, B("+\r\n"), B("+\r\n") },
    { "simple CRLF flattened", OP_SIMPLE, B("a\r\nb"), 0, 0, NULL, B("+a  b\r\n"), B("+a  b\r\n") },
    { "error WRONGTYPE (redis)", OP_ERROR,
      B("WRONGTYPE Operation against a key holding the wrong kind of value"), 0, 0, NULL,
      B("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
      B("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n") },
    { "error protocol (redis)", OP_ERROR, B("ERR Protocol error: invalid bulk length"), 0, 0, NULL,
      B("-ERR Protocol error: invalid bulk length\r\n"),
      B("-ERR Protocol error: invalid bulk length\r\n") },
    { "error leading dash not doubled", OP_ERROR, B("-ERR x"), 0, 0, NULL, B("-ERR x\r\n"),
      B("-ERR x\r\n") },
    { "error empty", OP_ERROR, B(""), 0, 0, NULL, B("-ERR\r\n"), B("-ERR\r\n") },
    { "error CR and LF flattened (redis)", OP_ERROR,
      B("ERR Protocol error: expected '$', got '\r'"), 0, 0, NULL,
      B("-ERR Protocol error: expected '$', got ' '\r\n"),
      B("-ERR Protocol error: expected '$', got ' '\r\n") },
    { "error keeps other bytes", OP_ERROR, B("ERR a\0b\x80"), 0, 0, NULL, B("-ERR a\0b\x80\r\n"),
      B("-ERR a\0b\x80\r\n") },
    { "integer 0", OP_INTEGER, B(""), 0, 0, NULL, B(":0\r\n"), B(":0\r\n") },
    { "integer 1", OP_INTEGER, B(""), 1, 0, NULL, B(":1\r\n"), B(":1\r\n") },
    { "integer -1", OP_INTEGER, B(""), -1, 0, NULL, B(":-1\r\n"), B(":-1\r\n") },
    { "integer max", OP_INTEGER, B(""), LLONG_MAX, 0, NULL, B(":9223372036854775807\r\n"),
      B(":9223372036854775807\r\n") },
    { "integer min", OP_INTEGER, B(""), LLONG_MIN, 0, NULL, B(":-9223372036854775808\r\n"),
      B(":-9223372036854775808\r\n") },
    { "bulk", OP_BULK, B("foobar"), 0, 0, NULL, B("$6\r\nfoobar\r\n"), B("$6\r\nfoobar\r\n") },
    { "bulk empty", OP_BULK, B(""), 0, 0, NULL, B("$0\r\n\r\n"), B("$0\r\n\r\n") },
    { "bulk binary", OP_BULK, B("a\0b\r\n"), 0, 0, NULL, B("$5\r\na\0b\r\n\r\n"),
      B("$5\r\na\0b\r\n\r\n") },
    { "bulk ll", OP_BULK_LL, B(""), -42, 0, NULL, B("$3\r\n-42\r\n"), B("$3\r\n-42\r\n") },
    { "bulk ll min", OP_BULK_LL, B(""), LLONG_MIN, 0, NULL, B("$20\r\n-9223372036854775808\r\n"),
      B("$20\r\n-9223372036854775808\r\n") },
    { "null (redis GET missing)", OP_NULL, B(""), 0, 0, NULL, B("$-1\r\n"), B("_\r\n") },
    { "null array (redis LPOP count)", OP_NULL_ARRAY, B(""), 0, 0, NULL, B("*-1\r\n"), B("_\r\n") },
    { "array 0", OP_ARRAY, B(""), 0, 0, NULL, B("*0\r\n"), B("*0\r\n") },
    { "array 3", OP_ARRAY, B(""), 3, 0, NULL, B("*3\r\n"), B("*3\r\n") },
    { "set (redis SMEMBERS)", OP_SET, B(""), 1, 0, NULL, B("*1\r\n"), B("~1\r\n") },
    { "map (redis HGETALL)", OP_MAP, B(""), 1, 0, NULL, B("*2\r\n"), B("%1\r\n") },
    { "map 0", OP_MAP, B(""), 0, 0, NULL, B("*0\r\n"), B("%0\r\n") },
    { "map 12", OP_MAP, B(""), 12, 0, NULL, B("*24\r\n"), B("%12\r\n") },
    { "push (redis SUBSCRIBE)", OP_PUSH, B(""), 3, 0, NULL, B("*3\r\n"), B(">3\r\n") },
    { "double 1.1 (redis)", OP_DOUBLE, B(""), 0, 1.1, NULL, B("$18\r\n1.1000000000000001\r\n"),
      B(",1.1000000000000001\r\n") },
    { "double 0.1 (redis ZINCRBY)", OP_DOUBLE, B(""), 0, 0.1, NULL,
      B("$19\r\n0.10000000000000001\r\n"), B(",0.10000000000000001\r\n") },
    { "double inf (redis)", OP_DOUBLE, B(""), 0, INFINITY, NULL, B("$3\r\ninf\r\n"),
      B(",inf\r\n") },
    { "double -inf (redis)", OP_DOUBLE, B(""), 0, -INFINITY, NULL, B("$4\r\n-inf\r\n"),
      B(",-inf\r\n") },
    { "double nan", OP_DOUBLE, B(""), 0, NAN, NULL, B("$3\r\nnan\r\n"), B(",nan\r\n") },
    { "double -nan", OP_DOUBLE, B(""), 0, -NAN, NULL, B("$3\r\nnan\r\n"), B(",nan\r\n") },
    { "double 0 (redis)", OP_DOUBLE, B(""), 0, 0.0, NULL, B("$1\r\n0\r\n"), B(",0\r\n") },
    { "double -0 (%.17g)", OP_DOUBLE, B(""), 0, -0.0, NULL, B("$2\r\n-0\r\n"), B(",-0\r\n") },
    { "double 3", OP_DOUBLE, B(""), 0, 3.0, NULL, B("$1\r\n3\r\n"), B(",3\r\n") },
    { "double 1e300 (redis)", OP_DOUBLE, B(""), 0, 1e300, NULL,
      B("$23\r\n1.0000000000000001e+300\r\n"), B(",1.0000000000000001e+300\r\n") },
    { "double big integer (redis)", OP_DOUBLE, B(""), 0, 123456789012345678.0, NULL,
      B("$22\r\n1.2345678901234568e+17\r\n"), B(",1.2345678901234568e+17\r\n") },
    { "double small negative", OP_DOUBLE, B(""), 0, -2.5e-10, NULL,
      B("$23\r\n-2.5000000000000002e-10\r\n"), B(",-2.5000000000000002e-10\r\n") },
    { "double denormal", OP_DOUBLE, B(""), 0, 5e-324, NULL, B("$23\r\n4.9406564584124654e-324\r\n"),
      B(",4.9406564584124654e-324\r\n") },
    { "bool true", OP_BOOL, B(""), 1, 0, NULL, B(":1\r\n"), B("#t\r\n") },
    { "bool false", OP_BOOL, B(""), 0, 0, NULL, B(":0\r\n"), B("#f\r\n") },
    { "verbatim txt (redis CLIENT INFO shape)", OP_VERBATIM, B("Some string"), 0, 0, "txt",
      B("$11\r\nSome string\r\n"), B("=15\r\ntxt:Some string\r\n") },
    { "verbatim empty mkd", OP_VERBATIM, B(""), 0, 0, "mkd", B("$0\r\n\r\n"), B("=4\r\nmkd:\r\n") },
    { "bignum", OP_BIGNUM, B("3492890328409238509324850943850943825024385"), 0, 0, NULL,
      B("$43\r\n3492890328409238509324850943850943825024385\r\n"),
      B("(3492890328409238509324850943850943825024385\r\n") },
    { "bignum negative", OP_BIGNUM, B("-1"), 0, 0, NULL, B("$2\r\n-1\r\n"), B("(-1\r\n") },
};

static int apply(struct dd_buf *b, const struct write_case *c, enum cache_resp_proto proto)
{
    switch (c->op) {
    case OP_SIMPLE:
        return cache_resp_write_simple(b, c->s.p, c->s.len);
    case OP_ERROR:
        return cache_resp_write_error(b, c->s.p, c->s.len);
    case OP_INTEGER:
        return cache_resp_write_integer(b, c->ll);
    case OP_BULK:
        return cache_resp_write_bulk(b, c->s.p, c->s.len);
    case OP_BULK_LL:
        return cache_resp_write_bulk_ll(b, c->ll);
    case OP_NULL:
        return cache_resp_write_null(b, proto);
    case OP_NULL_ARRAY:
        return cache_resp_write_null_array(b, proto);
    case OP_ARRAY:
        return cache_resp_write_array(b, (size_t)c->ll);
    case OP_SET:
        return cache_resp_write_set(b, proto, (size_t)c->ll);
    case OP_MAP:
        return cache_resp_write_map(b, proto, (size_t)c->ll);
    case OP_PUSH:
        return cache_resp_write_push(b, proto, (size_t)c->ll);
    case OP_DOUBLE:
        return cache_resp_write_double(b, proto, c->d);
    case OP_BOOL:
        return cache_resp_write_bool(b, proto, c->ll != 0);
    case OP_VERBATIM:
        return cache_resp_write_verbatim(b, proto, c->ext, c->s.p, c->s.len);
    case OP_BIGNUM:
        return cache_resp_write_bignum(b, proto, c->s.p, c->s.len);
    }
    return DD_EINVAL;
}

static void check_bytes(const char *name, int proto, const struct dd_buf *b, size_t from,
                        struct bytes want)
{
    size_t got = b->len - from;
    if (got != want.len || memcmp(b->data + from, want.p, want.len) != 0)
        fail_msg("%s, RESP%d: wrote \"%.*s\" (%zu bytes), want \"%.*s\" (%zu bytes)", name, proto,
                 (int)got, b->data + from, got, (int)want.len, want.p, want.len);
}

static void test_every_type_both_protocols(void **state)
{
    (void)state;
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        const struct write_case *c = &cases[i];
        for (int proto = CACHE_RESP2; proto <= CACHE_RESP3; proto++) {
            /* Appending after existing content must not disturb it. */
            struct dd_buf b = DD_BUF_INIT;
            assert_int_equal(dd_buf_puts(&b, "prev"), DD_OK);
            int rc = apply(&b, c, (enum cache_resp_proto)proto);
            if (rc != DD_OK)
                fail_msg("%s, RESP%d: rc %d", c->name, proto, rc);
            assert_memory_equal(b.data, "prev", 4);
            check_bytes(c->name, proto, &b, 4, proto == CACHE_RESP2 ? c->r2 : c->r3);
            assert_int_equal(b.data[b.len], '\0');
            dd_buf_release(&b);
        }
    }
}

static void test_errorf_goes_through_error(void **state)
{
    (void)state;
    struct dd_buf b = DD_BUF_INIT;
    assert_int_equal(cache_resp_write_errorf(
                         &b, "ERR unknown command '%s', with args beginning with: ", "x\r\ny"),
                     DD_OK);
    assert_string_equal(b.data, "-ERR unknown command 'x  y', with args beginning with: \r\n");
    dd_buf_reset(&b);
    assert_int_equal(cache_resp_write_errorf(&b, "%s", ""), DD_OK);
    assert_string_equal(b.data, "-ERR\r\n");
    dd_buf_release(&b);
}

static void test_refused_arguments_leave_buffer_alone(void **state)
{
    (void)state;
    struct dd_buf b = DD_BUF_INIT;
    assert_int_equal(dd_buf_puts(&b, "keep"), DD_OK);
    assert_int_equal(cache_resp_write_verbatim(&b, CACHE_RESP3, "text", "x", 1), DD_EINVAL);
    assert_int_equal(cache_resp_write_verbatim(&b, CACHE_RESP2, "tx", "x", 1), DD_EINVAL);
    assert_int_equal(cache_resp_write_verbatim(&b, CACHE_RESP3, NULL, "x", 1), DD_EINVAL);
    assert_int_equal(cache_resp_write_array(&b, (size_t)LLONG_MAX + 1), DD_ERANGE);
    assert_int_equal(cache_resp_write_map(&b, CACHE_RESP2, (size_t)LLONG_MAX / 2 + 1), DD_ERANGE);
    assert_int_equal(cache_resp_write_map(&b, CACHE_RESP3, (size_t)LLONG_MAX + 1), DD_ERANGE);
    assert_int_equal(cache_resp_write_bulk(&b, "x", SIZE_MAX), DD_ERANGE);
    assert_int_equal(cache_resp_write_simple(&b, "x", SIZE_MAX), DD_ENOMEM);
    assert_int_equal(cache_resp_write_error(&b, "x", SIZE_MAX), DD_ENOMEM);
    assert_int_equal(b.len, 4);
    assert_string_equal(b.data, "keep");
    /* The largest RESP2 map still fits. */
    assert_int_equal(cache_resp_write_map(&b, CACHE_RESP2, (size_t)LLONG_MAX / 2), DD_OK);
    assert_string_equal(b.data, "keep*9223372036854775806\r\n");
    dd_buf_release(&b);
}

static void test_a_whole_reply(void **state)
{
    (void)state;
    /* HGETALL of {f: v} followed by a ZSCORE, as Redis sent them. */
    for (int proto = CACHE_RESP2; proto <= CACHE_RESP3; proto++) {
        struct dd_buf b = DD_BUF_INIT;
        assert_int_equal(cache_resp_write_map(&b, (enum cache_resp_proto)proto, 1), DD_OK);
        assert_int_equal(cache_resp_write_bulk(&b, "f", 1), DD_OK);
        assert_int_equal(cache_resp_write_bulk(&b, "v", 1), DD_OK);
        assert_int_equal(cache_resp_write_double(&b, (enum cache_resp_proto)proto, 1.1), DD_OK);
        if (proto == CACHE_RESP2)
            assert_string_equal(b.data,
                                "*2\r\n$1\r\nf\r\n$1\r\nv\r\n$18\r\n1.1000000000000001\r\n");
        else
            assert_string_equal(b.data, "%1\r\n$1\r\nf\r\n$1\r\nv\r\n,1.1000000000000001\r\n");
        dd_buf_release(&b);
    }
}

static void test_ll2string(void **state)
{
    (void)state;
    char buf[CACHE_LL_STR_SIZE];
    char want[64];
    long long probes[] = { 0,   1,     -1,     9,         10,        -10,           99,
                           100, 12345, -98765, LLONG_MAX, LLONG_MIN, LLONG_MAX - 1, LLONG_MIN + 1 };
    for (size_t i = 0; i < DD_ARRAY_LEN(probes); i++) {
        size_t n = cache_ll2string(buf, sizeof(buf), probes[i]);
        snprintf(want, sizeof(want), "%lld", probes[i]);
        assert_string_equal(buf, want);
        assert_int_equal(n, strlen(want));
    }
    /* Every power of ten and its neighbours, both signs. */
    for (long long p = 1; p > 0 && p <= LLONG_MAX / 10; p *= 10) {
        for (long long d = -1; d <= 1; d++) {
            long long vs[2] = { p + d, -(p + d) };
            for (int s = 0; s < 2; s++) {
                size_t n = cache_ll2string(buf, sizeof(buf), vs[s]);
                snprintf(want, sizeof(want), "%lld", vs[s]);
                assert_string_equal(buf, want);
                assert_int_equal(n, strlen(want));
            }
        }
    }
    /* Too small: 0 and an empty string; exactly enough: written. */
    char small[4] = "zzz";
    assert_int_equal(cache_ll2string(small, 4, 1234), 0);
    assert_string_equal(small, "");
    assert_int_equal(cache_ll2string(small, 4, -123), 0);
    assert_int_equal(cache_ll2string(small, 4, 123), 3);
    assert_string_equal(small, "123");
    assert_int_equal(cache_ll2string(small, 0, 1), 0);
    assert_int_equal(cache_ll2string(buf, CACHE_LL_STR_SIZE, LLONG_MIN), 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_type_both_protocols),
        cmocka_unit_test(test_errorf_goes_through_error),
        cmocka_unit_test(test_refused_arguments_leave_buffer_alone),
        cmocka_unit_test(test_a_whole_reply),
        cmocka_unit_test(test_ll2string),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
