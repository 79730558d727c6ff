/* Unit tests for common/form.c: form-body decoding and SigV4 percent-encoding. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/form.h"

static int parse_str(const char *s, struct dd_form *f)
{
    return dd_form_parse(s, strlen(s), f);
}

static void assert_pair(const struct dd_form *f, size_t i, const char *key, const char *value)
{
    assert_true(i < f->n);
    assert_string_equal(f->pairs[i].key, key);
    assert_int_equal(f->pairs[i].key_len, strlen(key));
    assert_string_equal(f->pairs[i].value, value);
    assert_int_equal(f->pairs[i].value_len, strlen(value));
}

static void test_parse_query_protocol_body(void **state)
{
    (void)state;
    struct dd_form f;
    assert_int_equal(parse_str("Action=SendMessage&QueueUrl=http%3A%2F%2Flocalhost%3A9324%2F1%"
                               "2Fq&MessageBody=hello&Version=2012-11-05",
                               &f),
                     DD_OK);
    assert_int_equal(f.n, 4);
    assert_pair(&f, 0, "Action", "SendMessage");
    assert_pair(&f, 1, "QueueUrl", "http://localhost:9324/1/q");
    assert_pair(&f, 2, "MessageBody", "hello");
    assert_pair(&f, 3, "Version", "2012-11-05");
    assert_string_equal(dd_form_get(&f, "QueueUrl"), "http://localhost:9324/1/q");
    assert_null(dd_form_get(&f, "action"));
    assert_null(dd_form_get(&f, "Missing"));
    dd_form_release(&f);
    assert_null(f.pairs);
    assert_null(f.storage);
    assert_int_equal(f.n, 0);
}

static void test_plus_is_space_and_escapes_decode(void **state)
{
    (void)state;
    struct dd_form f;
    assert_int_equal(parse_str("a+b=c%20d+e&x=%41%62%7e%7E&p=%2B+%2b&utf=%E1%88%B4", &f), DD_OK);
    assert_int_equal(f.n, 4);
    assert_pair(&f, 0, "a b", "c d e");
    assert_pair(&f, 1, "x", "Ab~~");
    assert_pair(&f, 2, "p", "+ +");
    assert_pair(&f, 3, "utf", "\xe1\x88\xb4");
    dd_form_release(&f);
}

static void test_bad_escapes_are_rejected(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "%",      "a=%",        "a=%G1", "a=%4",  "%4=b",        "a=b%zz",      "a=1&b=%",
        "a=%%41", "a=%4g",      "k%=v",  "a=%-1", "ok=1&bad=%0", "a=%\xff\x31", /* %, a high byte,
                                                                                   then '1' */
        "a=%1%",  "x=%20&y=%2", "%%",    "a=%+1", "a=1%",
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(bad); i++) {
        struct dd_form f = { (void *)1, 99, (void *)1 };
        assert_int_equal(parse_str(bad[i], &f), DD_ERR);
        /* Nothing half-parsed is handed back. */
        assert_null(f.pairs);
        assert_null(f.storage);
        assert_int_equal(f.n, 0);
    }
}

static void test_empty_keys_values_and_segments(void **state)
{
    (void)state;
    struct dd_form f;
    assert_int_equal(parse_str("=v&k=&flag&&&=&last", &f), DD_OK);
    assert_int_equal(f.n, 5);
    assert_pair(&f, 0, "", "v");
    assert_pair(&f, 1, "k", "");
    assert_pair(&f, 2, "flag", "");
    assert_pair(&f, 3, "", "");
    assert_pair(&f, 4, "last", "");
    assert_string_equal(dd_form_get(&f, ""), "v");
    assert_string_equal(dd_form_get(&f, "flag"), "");
    dd_form_release(&f);

    assert_int_equal(parse_str("", &f), DD_OK);
    assert_int_equal(f.n, 0);
    assert_null(dd_form_get(&f, ""));
    dd_form_release(&f);

    assert_int_equal(parse_str("&&&", &f), DD_OK);
    assert_int_equal(f.n, 0);
    dd_form_release(&f);

    /* Only the first '=' splits; the rest belong to the value. */
    assert_int_equal(parse_str("a==b=c", &f), DD_OK);
    assert_int_equal(f.n, 1);
    assert_pair(&f, 0, "a", "=b=c");
    dd_form_release(&f);
}

static void test_nul_bytes_survive_with_lengths(void **state)
{
    (void)state;
    struct dd_form f;
    assert_int_equal(parse_str("k=a%00b&k%00x=1&z=%00", &f), DD_OK);
    assert_int_equal(f.n, 3);
    assert_int_equal(f.pairs[0].value_len, 3);
    assert_memory_equal(f.pairs[0].value, "a\0b", 4);
    assert_int_equal(f.pairs[1].key_len, 3);
    assert_memory_equal(f.pairs[1].key, "k\0x", 4);
    assert_int_equal(f.pairs[2].value_len, 1);
    assert_int_equal(f.pairs[2].value[0], '\0');

    /* A C-string lookup sees "a" for the value and never matches "k\0x". */
    assert_string_equal(dd_form_get(&f, "k"), "a");
    const struct dd_form_pair *p = dd_form_find(&f, "k");
    assert_ptr_equal(p, &f.pairs[0]);
    assert_int_equal(p->value_len, 3);
    dd_form_release(&f);
}

static void test_repeated_keys_keep_order_and_first_wins(void **state)
{
    (void)state;
    struct dd_form f;
    assert_int_equal(parse_str("k=1&j=2&k=3&k=4", &f), DD_OK);
    assert_int_equal(f.n, 4);
    assert_pair(&f, 0, "k", "1");
    assert_pair(&f, 1, "j", "2");
    assert_pair(&f, 2, "k", "3");
    assert_pair(&f, 3, "k", "4");
    assert_string_equal(dd_form_get(&f, "k"), "1");
    assert_string_equal(dd_form_get(&f, "j"), "2");
    dd_form_release(&f);
}

static void test_input_need_not_be_terminated(void **state)
{
    (void)state;
    const char buf[] = { 'a', '=', '1', '&', 'b', '=', '2', '%', '4', '1' };
    struct dd_form f;
    /* Stop before the escape: "%4" would be truncated if read past len. */
    assert_int_equal(dd_form_parse(buf, 7, &f), DD_OK);
    assert_int_equal(f.n, 2);
    assert_pair(&f, 1, "b", "2");
    dd_form_release(&f);
    assert_int_equal(dd_form_parse(buf, 9, &f), DD_ERR);
    assert_int_equal(dd_form_parse(buf, sizeof(buf), &f), DD_OK);
    assert_pair(&f, 1, "b", "2A");
    dd_form_release(&f);
}

static void test_release_is_idempotent_and_null_safe(void **state)
{
    (void)state;
    struct dd_form f = DD_FORM_INIT;
    dd_form_release(NULL);
    dd_form_release(&f);
    assert_int_equal(parse_str("a=1", &f), DD_OK);
    dd_form_release(&f);
    dd_form_release(&f);
    assert_null(f.pairs);
}

static char *encode(const char *s, size_t len, int encode_slash)
{
    struct dd_buf b = DD_BUF_INIT;
    assert_int_equal(dd_uri_encode(&b, s, len, encode_slash), DD_OK);
    return dd_buf_detach(&b);
}

static void test_uri_encode_keeps_only_unreserved(void **state)
{
    (void)state;
    const char unreserved[] = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    char *s = encode(unreserved, strlen(unreserved), 1);
    assert_string_equal(s, unreserved);
    free(s);

    const char reserved[] = "!*'();:@&=+$,?#[] %\"<>\\^`{|}";
    s = encode(reserved, strlen(reserved), 1);
    assert_string_equal(s, "%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%3F%23%5B%5D%20%25%22%3C%3E%5C%"
                           "5E%60%7B%7C%7D");
    free(s);

    /* Every byte outside the unreserved set, control and high bytes too. */
    const char bytes[] = { '\0', '\n', 0x7f, (char)0x80, (char)0xff };
    s = encode(bytes, sizeof(bytes), 1);
    assert_string_equal(s, "%00%0A%7F%80%FF");
    free(s);
}

static void test_uri_encode_utf8_and_slash(void **state)
{
    (void)state;
    char *s = encode("\xe1\x88\xb4", 3, 1);
    assert_string_equal(s, "%E1%88%B4");
    free(s);

    s = encode("/a b/c", 6, 0);
    assert_string_equal(s, "/a%20b/c");
    free(s);
    s = encode("/a b/c", 6, 1);
    assert_string_equal(s, "%2Fa%20b%2Fc");
    free(s);

    /* Appends to what is already there; an empty input still terminates. */
    struct dd_buf b = DD_BUF_INIT;
    assert_int_equal(dd_buf_puts(&b, "x="), DD_OK);
    assert_int_equal(dd_uri_encode(&b, "y z", 3, 1), DD_OK);
    assert_int_equal(dd_uri_encode(&b, "", 0, 1), DD_OK);
    assert_string_equal(b.data, "x=y%20z");
    assert_int_equal(b.len, 7);
    dd_buf_release(&b);
}

static void test_uri_decode(void **state)
{
    (void)state;
    struct dd_buf b = DD_BUF_INIT;
    assert_int_equal(dd_uri_decode(&b, "/a+b%2Fc%e1%88%B4%00", 20), DD_OK);
    assert_int_equal(b.len, 10);
    assert_memory_equal(b.data, "/a+b/c\xe1\x88\xb4\0", 10);
    dd_buf_release(&b);

    static const char *const bad[] = { "%", "%4", "%G1", "ab%", "%4%41", "%x0" };
    for (size_t i = 0; i < DD_ARRAY_LEN(bad); i++) {
        assert_int_equal(dd_buf_puts(&b, "keep"), DD_OK);
        assert_int_equal(dd_uri_decode(&b, bad[i], strlen(bad[i])), DD_ERR);
        /* A failed decode leaves the buffer as it found it. */
        assert_int_equal(b.len, 4);
        assert_string_equal(b.data, "keep");
        dd_buf_release(&b);
    }
}

static void test_encode_decode_round_trip_every_byte(void **state)
{
    (void)state;
    char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (char)i;
    char *enc = encode(all, sizeof(all), 1);
    assert_int_equal(strlen(enc), 66 + 3 * (256 - 66));
    struct dd_buf dec = DD_BUF_INIT;
    assert_int_equal(dd_uri_decode(&dec, enc, strlen(enc)), DD_OK);
    assert_int_equal(dec.len, 256);
    assert_memory_equal(dec.data, all, 256);
    dd_buf_release(&dec);
    free(enc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_query_protocol_body),
        cmocka_unit_test(test_plus_is_space_and_escapes_decode),
        cmocka_unit_test(test_bad_escapes_are_rejected),
        cmocka_unit_test(test_empty_keys_values_and_segments),
        cmocka_unit_test(test_nul_bytes_survive_with_lengths),
        cmocka_unit_test(test_repeated_keys_keep_order_and_first_wins),
        cmocka_unit_test(test_input_need_not_be_terminated),
        cmocka_unit_test(test_release_is_idempotent_and_null_safe),
        cmocka_unit_test(test_uri_encode_keeps_only_unreserved),
        cmocka_unit_test(test_uri_encode_utf8_and_slash),
        cmocka_unit_test(test_uri_decode),
        cmocka_unit_test(test_encode_decode_round_trip_every_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
