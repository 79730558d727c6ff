/*
 * Unit tests for common/json_parse.c.
 *
 * Most tests are differential: jansson's json_loadb(buf, len, 0) is the
 * reference, and for every document both parsers must agree on accept/reject
 * and, when both accept, produce the same value (json_equal, and the same
 * compact dump so that key order, integer-vs-real and the sign of -0.0 count).
 * Table cases also pin what we expect jansson to do, so a jansson upgrade that
 * changes its language shows up here instead of silently in sqs-emu.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/json_parse.h"

/* ---- helpers ---------------------------------------------------------- */

static void print_doc(const char *doc, size_t len)
{
    fprintf(stderr, "document (%zu bytes): \"", len);
    for (size_t i = 0; i < len && i < 400; i++) {
        unsigned char c = (unsigned char)doc[i];
        if (c >= 0x20 && c < 0x7F && c != '\\' && c != '"')
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02X", c);
    }
    fprintf(stderr, "%s\"\n", len > 400 ? "..." : "");
}

static char *dump(const json_t *v)
{
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

/*
 * Parses doc with both parsers and fails the test unless they agree.
 * Returns 1 when both accepted, 0 when both rejected.
 */
static int same_as_jansson(const char *doc, size_t len)
{
    json_error_t jerr;
    json_t *ref = json_loadb(doc, len, 0, &jerr);
    json_t *got = (json_t *)0x1;
    struct dd_json_error err = { 12345, NULL };
    int rc = dd_json_parse(doc, len, &got, &err);
    int agree;
    if (ref) {
        agree = rc == DD_OK && got && json_equal(ref, got);
        if (agree) {
            char *a = dump(ref), *b = dump(got);
            assert_non_null(a);
            assert_non_null(b);
            agree = strcmp(a, b) == 0;
            free(a);
            free(b);
        }
        agree = agree && err.reason == NULL;
    } else {
        agree = rc == DD_ERR && got == NULL && err.reason != NULL && err.offset <= len;
    }
    if (!agree) {
        print_doc(doc, len);
        fprintf(stderr, "jansson: %s; dd_json_parse: rc=%d reason=%s offset=%zu\n",
                ref ? "accepted" : jerr.text, rc, err.reason ? err.reason : "-", err.offset);
    }
    json_decref(ref);
    if (rc == DD_OK)
        json_decref(got);
    assert_true(agree);
    return ref != NULL;
}

/* ---- table of edge cases --------------------------------------------- */

struct doc_case {
    const char *doc;
    size_t len;
    int ok; /* what jansson (and so we) must do */
};

#define DOC(s) s, sizeof(s) - 1

static const struct doc_case cases[] = {
    /* structure and whitespace */
    { DOC("{}"), 1 },
    { DOC("[]"), 1 },
    { DOC(" \t\r\n{ \t\r\n} \t\r\n"), 1 },
    { DOC("[1,2,3]"), 1 },
    { DOC("[ 1 , 2 , [ ] , { } ]"), 1 },
    { DOC("{\"a\":[true,false,null],\"b\":{\"c\":{}}}"), 1 },
    { DOC("{\"\":1}"), 1 },
    { DOC(""), 0 },
    { DOC("   "), 0 },
    { DOC("{"), 0 },
    { DOC("["), 0 },
    { DOC("}"), 0 },
    { DOC("]"), 0 },
    { DOC("[1,]"), 0 },
    { DOC("{\"a\":1,}"), 0 },
    { DOC("[,1]"), 0 },
    { DOC("{,}"), 0 },
    { DOC("[1,,2]"), 0 },
    { DOC("{\"a\"}"), 0 },
    { DOC("{\"a\":}"), 0 },
    { DOC("{\"a\" 1}"), 0 },
    { DOC("{a:1}"), 0 },
    { DOC("{'a':1}"), 0 },
    { DOC("{1:1}"), 0 },
    { DOC("[1 2]"), 0 },
    { DOC("[1:2]"), 0 },
    { DOC("{\"a\":1 \"b\":2}"), 0 },
    { DOC("[}"), 0 },
    { DOC("{]"), 0 },
    /* only one top-level value, and it must be a container */
    { DOC("{}{}"), 0 },
    { DOC("{} x"), 0 },
    { DOC("[]]"), 0 },
    { DOC("[] ,"), 0 },
    { DOC("{}\0"), 0 },
    { DOC("1"), 0 },
    { DOC("\"a\""), 0 },
    { DOC("true"), 0 },
    { DOC("null"), 0 },
    { DOC("\f{}"), 0 },
    { DOC("{}\v"), 0 },
    { DOC("[\f]"), 0 },
    { DOC("\xEF\xBB\xBF{}"), 0 },
    { DOC("[\xC3\xA9]"), 0 },
    /* literals */
    { DOC("[true,false,null]"), 1 },
    { DOC("[tru]"), 0 },
    { DOC("[truex]"), 0 },
    { DOC("[True]"), 0 },
    { DOC("[nul]"), 0 },
    { DOC("[nulll]"), 0 },
    { DOC("[fals"), 0 },
    { DOC("[NaN]"), 0 },
    { DOC("[Infinity]"), 0 },
    /* escapes */
    { DOC("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]"), 1 },
    { DOC("[\"\\u0041\\u00e9\\u20AC\\uFFFF\\u0001\\u007f\"]"), 1 },
    { DOC("[\"\\uD83D\\uDE00\"]"), 1 },
    { DOC("[\"\\ud83d\\ude00\"]"), 1 },
    { DOC("[\"\\uD800\\uDC00\\uDBFF\\uDFFF\"]"), 1 },
    { DOC("[\"x\\uD83D\\uDE00y\\n\"]"), 1 },
    { DOC("[\"\\x\"]"), 0 },
    { DOC("[\"\\a\"]"), 0 },
    { DOC("[\"\\U0041\"]"), 0 },
    { DOC("[\"\\u12\"]"), 0 },
    { DOC("[\"\\u12G4\"]"), 0 },
    { DOC("[\"\\u"), 0 },
    { DOC("[\"\\"), 0 },
    { DOC("[\"\\uD800\"]"), 0 },
    { DOC("[\"\\uDBFF\"]"), 0 },
    { DOC("[\"\\uDC00\"]"), 0 },
    { DOC("[\"\\uDFFF\"]"), 0 },
    { DOC("[\"\\uD800x\"]"), 0 },
    { DOC("[\"\\uD800\\n\"]"), 0 },
    { DOC("[\"\\uD800\\u0041\"]"), 0 },
    { DOC("[\"\\uD800\\uD800\"]"), 0 },
    { DOC("[\"\\uDC00\\uD800\"]"), 0 },
    { DOC("[\"\\uD800\\uDC0\"]"), 0 },
    { DOC("[\"\\u0000\"]"), 0 },
    { DOC("[\"a\\u0000b\"]"), 0 },
    { DOC("{\"\\u0000\":1}"), 0 },
    /* raw bytes in strings */
    { DOC("[\"\x7F\"]"), 1 },
    { DOC("[\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"]"), 1 },
    { DOC("[\"\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF\"]"), 1 },
    { DOC("[\"\xEE\x80\x80\xED\x9F\xBF\"]"), 1 },
    { DOC("[\"a\0b\"]"), 0 },
    { DOC("[\"\x01\"]"), 0 },
    { DOC("[\"\x1F\"]"), 0 },
    { DOC("[\"\t\"]"), 0 },
    { DOC("[\"\n\"]"), 0 },
    { DOC("[\"abc"), 0 },
    { DOC("[\"abc]"), 0 },
    { DOC("[\"\xC0\x80\"]"), 0 },
    { DOC("[\"\xC1\xBF\"]"), 0 },
    { DOC("[\"\xE0\x80\x80\"]"), 0 },
    { DOC("[\"\xE0\x9F\xBF\"]"), 0 },
    { DOC("[\"\xF0\x80\x80\x80\"]"), 0 },
    { DOC("[\"\xF0\x8F\xBF\xBF\"]"), 0 },
    { DOC("[\"\xED\xA0\x80\"]"), 0 },
    { DOC("[\"\xED\xBF\xBF\"]"), 0 },
    { DOC("[\"\xF4\x90\x80\x80\"]"), 0 },
    { DOC("[\"\xF5\x80\x80\x80\"]"), 0 },
    { DOC("[\"\xF8\x88\x80\x80\x80\"]"), 0 },
    { DOC("[\"\xFF\"]"), 0 },
    { DOC("[\"\xFE\"]"), 0 },
    { DOC("[\"\x80\"]"), 0 },
    { DOC("[\"\xBF\"]"), 0 },
    { DOC("[\"\xE2\x82\"]"), 0 },
    { DOC("[\"\xE2\x82"), 0 },
    { DOC("[\"\xC3\"]"), 0 },
    { DOC("[\"\xC3\x28\"]"), 0 },
    { DOC("[\"\xF0\x9F\x98\"]"), 0 },
    /* numbers */
    { DOC("[0,-0,1,-1,10,123456789]"), 1 },
    { DOC("[-0.0,0.0,0.5,-0.5,1.25]"), 1 },
    { DOC("[1e5,1E5,1e+5,1e-5,1E-5,0e0,-0E+0]"), 1 },
    { DOC("[1.5e300,1e308,1.7976931348623157e308,4.9e-324,2.2250738585072014e-308]"), 1 },
    { DOC("[1e-400,-1e-400,1e-99999]"), 1 },
    { DOC("[123456789012345678901234567890.0]"), 1 },
    { DOC("[9223372036854775807,-9223372036854775808]"), 1 },
    { DOC("[9223372036854775806,-9223372036854775807]"), 1 },
    { DOC("[9223372036854775807.0,9223372036854775808.0,92233720368547758080e-1]"), 1 },
    { DOC("[0.1,0.2,0.30000000000000004,3.141592653589793]"), 1 },
    { DOC("[9223372036854775808]"), 0 },
    { DOC("[-9223372036854775809]"), 0 },
    { DOC("[18446744073709551615]"), 0 },
    { DOC("[18446744073709551616]"), 0 },
    { DOC("[99999999999999999999999999999999999999]"), 0 },
    { DOC("[1e400]"), 0 },
    { DOC("[-1e400]"), 0 },
    { DOC("[1.8e308]"), 0 },
    { DOC("[01]"), 0 },
    { DOC("[-01]"), 0 },
    { DOC("[00]"), 0 },
    { DOC("[-]"), 0 },
    { DOC("[--1]"), 0 },
    { DOC("[+1]"), 0 },
    { DOC("[.5]"), 0 },
    { DOC("[1.]"), 0 },
    { DOC("[1.e5]"), 0 },
    { DOC("[1e]"), 0 },
    { DOC("[1e+]"), 0 },
    { DOC("[1e-]"), 0 },
    { DOC("[1ee5]"), 0 },
    { DOC("[1.5.5]"), 0 },
    { DOC("[0x10]"), 0 },
    { DOC("[1a]"), 0 },
    { DOC("[-a]"), 0 },
    { DOC("[1"), 0 },
    { DOC("[1."), 0 },
    { DOC("[1e"), 0 },
    { DOC("[-"), 0 },
    /* duplicate keys: the last one wins, in the first one's place */
    { DOC("{\"a\":1,\"a\":2}"), 1 },
    { DOC("{\"a\":1,\"b\":2,\"a\":{\"x\":3}}"), 1 },
    { DOC("{\"a\":1,\"\\u0061\":2}"), 1 },
    /* keys with escapes while the value also needs the scratch buffer */
    { DOC("{\"k\\n\":\"v\\t\",\"k\\n\":{\"x\\\"\":\"y\\\\\",\"z\\/\":[\"\\u00e9\"]}}"), 1 },
    { DOC("{\"a\\u00e9\":{\"b\\u00e9\":{\"c\\u00e9\":\"d\\u00e9\"}},\"e\\t\":1}"), 1 },
    /* NUL bytes anywhere... */
    { DOC("\0{}"), 0 },
    { DOC("{\0}"), 0 },
    { DOC("[\0]"), 0 },
    { DOC("[1,\0 2]"), 0 },
    { DOC("[\"a\"\0]"), 0 },
    { DOC("[[]\0]"), 0 },
    { DOC("{\"a\"\0:1}"), 0 },
    { DOC("{\"a\":\0 1}"), 0 },
    { DOC("[1\0\0]"), 0 },
    { DOC("[1.5\0x]"), 0 },
    { DOC("[1\0"), 0 },
    { DOC("[1.5\x01]"), 0 },
    /* ...except one right after a number or literal, which jansson's lexer drops */
    { DOC("[1\0]"), 1 },
    { DOC("[-2.5e3\0]"), 1 },
    { DOC("[1\0,2\0 ,true\0, false\0,null\0]"), 1 },
    { DOC("{\"a\":0\0}"), 1 },
    { DOC("{\"a\0\":1}"), 0 },
};

static void test_table_matches_jansson(void **state)
{
    (void)state;
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        int ok = same_as_jansson(cases[i].doc, cases[i].len);
        if (ok != cases[i].ok) {
            print_doc(cases[i].doc, cases[i].len);
            fprintf(stderr, "case %zu: expected %s\n", i, cases[i].ok ? "accept" : "reject");
        }
        assert_int_equal(ok, cases[i].ok);
    }
}

/* ---- values, not just agreement -------------------------------------- */

static json_t *parse_ok(const char *doc)
{
    json_t *v = NULL;
    struct dd_json_error err;
    assert_int_equal(dd_json_parse(doc, strlen(doc), &v, &err), DD_OK);
    assert_non_null(v);
    return v;
}

static void test_values(void **state)
{
    (void)state;
    json_t *v = parse_ok("[\"\\uD83D\\uDE00\",\"a\\u00e9\\n\",-0,-0.0,1e-400,"
                         "9223372036854775807,-9223372036854775808,1e2,\"\"]");
    assert_int_equal(json_array_size(v), 9);
    assert_int_equal(json_string_length(json_array_get(v, 0)), 4);
    assert_memory_equal(json_string_value(json_array_get(v, 0)), "\xF0\x9F\x98\x80", 4);
    assert_string_equal(json_string_value(json_array_get(v, 1)), "a\xC3\xA9\n");
    assert_true(json_is_integer(json_array_get(v, 2)));
    assert_int_equal(json_integer_value(json_array_get(v, 2)), 0);
    assert_true(json_is_real(json_array_get(v, 3)));
    assert_true(signbit(json_real_value(json_array_get(v, 3))));
    assert_true(json_is_real(json_array_get(v, 4)));
    assert_true(json_real_value(json_array_get(v, 4)) == 0.0);
    assert_true(json_integer_value(json_array_get(v, 5)) == INT64_MAX);
    assert_true(json_integer_value(json_array_get(v, 6)) == INT64_MIN);
    assert_true(json_is_real(json_array_get(v, 7)));
    assert_true(json_real_value(json_array_get(v, 7)) == 100.0);
    assert_string_equal(json_string_value(json_array_get(v, 8)), "");
    json_decref(v);

    v = parse_ok("{\"a\":1,\"b\":2,\"a\":3}");
    assert_int_equal(json_object_size(v), 2);
    assert_int_equal(json_integer_value(json_object_get(v, "a")), 3);
    json_decref(v);

    /* The key decoded into scratch must survive its value being decoded above it. */
    v = parse_ok("{\"k\\u00e9y\":{\"in\\tner\":\"v\\u00e9\"}}");
    json_t *inner = json_object_get(v, "k\xC3\xA9y");
    assert_non_null(inner);
    assert_string_equal(json_string_value(json_object_get(inner, "in\tner")), "v\xC3\xA9");
    json_decref(v);
}

/* ---- string scanning around the 16-byte SIMD blocks ------------------- */

/*
 * Strings of every length up to 48 with one interesting thing placed at
 * every position: the block loop, its tail and the hand-over between them
 * all see it.
 */
static void test_string_block_boundaries(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t n;
    } specials[] = {
        { DOC("\\n") },
        { DOC("\\u00e9") },
        { DOC("\xC3\xA9") },
        { DOC("\xF0\x9F\x98\x80") },
        { DOC("\x01") },
        { DOC("\x1F") },
        { DOC("\xFF") },
        { DOC("\xC3") },
        { DOC("\0") },
        { DOC("\x7F") },
        { DOC("\\\"") },
        { DOC("\"") },
        { DOC("\\uD83D\\uDE00") },
    };
    int accepted = 0, rejected = 0;
    struct dd_buf b = DD_BUF_INIT;
    for (size_t len = 0; len <= 48; len++) {
        for (size_t at = 0; at <= len; at++) {
            for (size_t k = 0; k < DD_ARRAY_LEN(specials); k++) {
                dd_buf_reset(&b);
                assert_int_equal(dd_buf_puts(&b, "{\"k\":\""), DD_OK);
                for (size_t i = 0; i < len; i++) {
                    if (i == at)
                        assert_int_equal(dd_buf_append(&b, specials[k].s, specials[k].n), DD_OK);
                    assert_int_equal(dd_buf_putc(&b, (char)('a' + i % 26)), DD_OK);
                }
                assert_int_equal(dd_buf_puts(&b, "\"}"), DD_OK);
                if (same_as_jansson(b.data, b.len))
                    accepted++;
                else
                    rejected++;
                /* The same document cut short at every length must be rejected by both. */
                if (len == 20 && at == 17)
                    for (size_t cut = 0; cut < b.len; cut++)
                        assert_int_equal(same_as_jansson(b.data, cut), 0);
            }
        }
    }
    dd_buf_release(&b);
    assert_true(accepted > 1000);
    assert_true(rejected > 1000);
}

/* ---- nesting depth ---------------------------------------------------- */

/* n arrays (or objects, as {"a":...}) around inner. */
static char *nest(size_t n, int objects, const char *inner, size_t *len)
{
    struct dd_buf b = DD_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        assert_int_equal(dd_buf_puts(&b, objects ? "{\"a\":" : "["), DD_OK);
    assert_int_equal(dd_buf_puts(&b, inner), DD_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(dd_buf_putc(&b, objects ? '}' : ']'), DD_OK);
    *len = b.len;
    return dd_buf_detach(&b);
}

static void test_depth_limit(void **state)
{
    (void)state;
    const size_t max = JSON_PARSER_MAX_DEPTH;
    static const struct {
        size_t extra; /* containers beyond max - 1 */
        int objects;
        const char *inner;
        int ok;
    } cases_[] = {
        /* every value counts, scalars too: max containers holding a scalar is too deep */
        { 0, 0, "1", 1 },  { 1, 0, "1", 0 },  { 1, 0, "", 1 },      { 2, 0, "", 0 },
        { 0, 0, "{}", 1 }, { 1, 0, "{}", 0 }, { 0, 1, "\"x\"", 1 }, { 1, 1, "\"x\"", 0 },
        { 0, 1, "[]", 1 }, { 1, 1, "[]", 0 }, { 0, 1, "[", 0 },     { 50, 0, "", 0 },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases_); i++) {
        size_t len;
        char *doc = nest(max - 1 + cases_[i].extra, cases_[i].objects, cases_[i].inner, &len);
        assert_int_equal(same_as_jansson(doc, len), cases_[i].ok);
        free(doc);
    }
    /* Depth is per path, not per document: siblings each at the limit are fine. */
    for (size_t extra = 0; extra < 2; extra++) {
        struct dd_buf b = DD_BUF_INIT;
        size_t len;
        char *deep = nest(max - 1 + extra, 0, "", &len);
        assert_int_equal(dd_buf_putc(&b, '['), DD_OK);
        for (int i = 0; i < 3; i++)
            assert_int_equal(dd_buf_printf(&b, "%s%s", i ? "," : "", deep), DD_OK);
        assert_int_equal(dd_buf_putc(&b, ']'), DD_OK);
        assert_int_equal(same_as_jansson(b.data, b.len), extra == 0);
        free(deep);
        dd_buf_release(&b);
    }
}

/* ---- API contract ----------------------------------------------------- */

static void test_errors_and_arguments(void **state)
{
    (void)state;
    json_t *v = (json_t *)0x1;
    struct dd_json_error err;

    assert_int_equal(dd_json_parse("[1,]", 4, &v, &err), DD_ERR);
    assert_null(v);
    assert_int_equal(err.offset, 3);
    assert_non_null(err.reason);

    assert_int_equal(dd_json_parse("{\"a\":1} x", 9, &v, &err), DD_ERR);
    assert_int_equal(err.offset, 8);

    assert_int_equal(dd_json_parse("[\"ab\xFF\"]", 6, &v, &err), DD_ERR);
    assert_int_equal(err.offset, 4);
    assert_string_equal(err.reason, "invalid UTF-8");

    assert_int_equal(dd_json_parse("[1e400]", 7, &v, &err), DD_ERR);
    assert_int_equal(err.offset, 1);

    /* Only len bytes are read: what follows them does not count. */
    assert_int_equal(dd_json_parse("[1]garbage", 3, &v, &err), DD_OK);
    assert_int_equal(json_integer_value(json_array_get(v, 0)), 1);
    json_decref(v);
    assert_int_equal(dd_json_parse("[12345", 3, &v, &err), DD_ERR);

    assert_int_equal(dd_json_parse(NULL, 0, &v, &err), DD_ERR);
    assert_null(v);
    assert_int_equal(dd_json_parse(NULL, 3, &v, &err), DD_EINVAL);
    assert_null(v);
    assert_int_equal(dd_json_parse("{}", 2, NULL, &err), DD_EINVAL);
    assert_int_equal(dd_json_parse("{}", 2, &v, NULL), DD_OK);
    json_decref(v);
    assert_int_equal(dd_json_parse("{", 1, &v, NULL), DD_ERR);
    assert_null(v);
}

/* ---- allocation failures ---------------------------------------------- */

static long alloc_budget; /* allocations left before jansson's allocator fails; < 0: unlimited */

static void *budget_malloc(size_t n)
{
    if (alloc_budget == 0)
        return NULL;
    if (alloc_budget > 0)
        alloc_budget--;
    return malloc(n);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    static const char doc[] = "{\"QueueUrl\":\"http://q\",\"a\\n\":[1,2.5,\"x\\ty\",{\"b\":null}],"
                              "\"c\":{\"d\":[true,\"\\u00e9\"]},\"a\\n\":\"dup\"}";
    json_set_alloc_funcs(budget_malloc, free);
    int rc = DD_ENOMEM;
    long k;
    for (k = 0; k < 1000 && rc != DD_OK; k++) {
        json_t *v = (json_t *)0x1;
        struct dd_json_error err;
        alloc_budget = k;
        rc = dd_json_parse(doc, sizeof(doc) - 1, &v, &err);
        alloc_budget = -1;
        if (rc == DD_OK) {
            json_t *ref = json_loads(doc, 0, NULL);
            assert_true(json_equal(ref, v));
            json_decref(ref);
            json_decref(v);
        } else {
            assert_int_equal(rc, DD_ENOMEM);
            assert_null(v);
            assert_string_equal(err.reason, "out of memory");
        }
    }
    json_set_alloc_funcs(malloc, free);
    assert_int_equal(rc, DD_OK);
    assert_true(k > 10); /* the document needed many allocations, each failure was seen */
}

/* ---- randomized differential test ------------------------------------- */

struct rng {
    uint64_t s;
};

static uint32_t rnd(struct rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return (uint32_t)((r->s * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint32_t below(struct rng *r, uint32_t n)
{
    return rnd(r) % n;
}

static void put(struct dd_buf *b, const char *s)
{
    assert_int_equal(dd_buf_puts(b, s), DD_OK);
}

static void putch(struct dd_buf *b, int c)
{
    assert_int_equal(dd_buf_putc(b, (char)c), DD_OK);
}

static void put_utf8(struct dd_buf *b, uint32_t cp)
{
    if (cp < 0x80) {
        putch(b, (int)cp);
    } else if (cp < 0x800) {
        putch(b, (int)(0xC0 | cp >> 6));
        putch(b, (int)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        putch(b, (int)(0xE0 | cp >> 12));
        putch(b, (int)(0x80 | (cp >> 6 & 0x3F)));
        putch(b, (int)(0x80 | (cp & 0x3F)));
    } else {
        putch(b, (int)(0xF0 | cp >> 18));
        putch(b, (int)(0x80 | (cp >> 12 & 0x3F)));
        putch(b, (int)(0x80 | (cp >> 6 & 0x3F)));
        putch(b, (int)(0x80 | (cp & 0x3F)));
    }
}

static void gen_ws(struct rng *r, struct dd_buf *b)
{
    static const char ws[] = " \t\r\n";
    uint32_t n = below(r, 8) < 6 ? 0 : below(r, 4);
    for (uint32_t i = 0; i < n; i++)
        putch(b, ws[below(r, 4)]);
    if (below(r, 2000) == 0)
        putch(b, below(r, 2) ? '\f' : '\v');
}

/* A string that is usually valid; rare pieces make it invalid in each way jansson checks. */
static void gen_string(struct rng *r, struct dd_buf *b)
{
    static const char *const escapes[] = {
        "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"
    };
    putch(b, '"');
    uint32_t pieces = below(r, 4) == 0 ? below(r, 40) : below(r, 6);
    for (uint32_t i = 0; i < pieces; i++) {
        uint32_t kind = below(r, 100);
        if (kind < 50) {
            uint32_t n = 1 + below(r, 20);
            for (uint32_t j = 0; j < n; j++) {
                int c = 0x20 + (int)below(r, 0x60);
                putch(b, c == '"' || c == '\\' ? 'x' : c);
            }
        } else if (kind < 62) {
            put(b, escapes[below(r, DD_ARRAY_LEN(escapes))]);
        } else if (kind < 72) {
            char u[8];
            snprintf(u, sizeof(u), below(r, 2) ? "\\u%04x" : "\\u%04X", below(r, 0x10000));
            put(b, u);
        } else if (kind < 77) {
            char u[16];
            snprintf(u, sizeof(u), "\\u%04X\\u%04x", 0xD800 + below(r, 0x400),
                     0xDC00 + below(r, 0x400));
            put(b, u);
        } else if (kind < 90) {
            static const uint32_t bases[] = { 0x80, 0x800, 0xE000, 0x10000, 0x100000 };
            uint32_t cp = bases[below(r, 5)] + below(r, 0x800);
            put_utf8(b, cp);
        } else if (kind < 93) {
            putch(b, 0x7F);
        } else if (below(r, 8)) {
            put(b, "z");
        } else if (kind < 99) {
            /* the invalid ones */
            switch (below(r, 8)) {
            case 0:
                putch(b, (int)below(r, 0x20));
                break;
            case 1:
                putch(b, 0x80 + (int)below(r, 0x80));
                break;
            case 2:
                put(b, "\\u0000");
                break;
            case 3: {
                char u[8];
                snprintf(u, sizeof(u), "\\u%04X", 0xD800 + below(r, 0x800));
                put(b, u);
                break;
            }
            case 4:
                put(b, "\xED\xA0\x80");
                break;
            case 5:
                put(b, "\xC0\xAF");
                break;
            case 6:
                putch(b, '\\');
                putch(b, "aqxU0'"[below(r, 6)]);
                break;
            default:
                put(b, "\xF4\x90\x80\x80");
                break;
            }
        } else {
            put(b, "\\u00");
        }
    }
    putch(b, '"');
}

static void gen_number(struct rng *r, struct dd_buf *b)
{
    static const char *const fixed[] = {
        "0",
        "-0",
        "-0.0",
        "9223372036854775807",
        "-9223372036854775808",
        "9223372036854775808",
        "-9223372036854775809",
        "1e400",
        "-1e400",
        "1e-400",
        "01",
        "1.",
        ".5",
        "-",
        "1e",
        "2.5E+10",
        "4.9e-324",
        "1.7976931348623157e308",
        "18446744073709551616",
    };
    if (below(r, 40) == 0) {
        put(b, fixed[below(r, DD_ARRAY_LEN(fixed))]);
        return;
    }
    if (below(r, 3) == 0)
        putch(b, '-');
    uint32_t digits = below(r, 6) == 0 ? 1 + below(r, 24) : 1 + below(r, 6);
    putch(b, '1' + (int)below(r, 9));
    for (uint32_t i = 1; i < digits; i++)
        putch(b, '0' + (int)below(r, 10));
    if (below(r, 3) == 0) {
        putch(b, '.');
        uint32_t n = 1 + below(r, 8);
        for (uint32_t i = 0; i < n; i++)
            putch(b, '0' + (int)below(r, 10));
    }
    if (below(r, 4) == 0) {
        putch(b, below(r, 2) ? 'e' : 'E');
        uint32_t sign = below(r, 3);
        if (sign)
            putch(b, sign == 1 ? '+' : '-');
        assert_int_equal(dd_buf_printf(b, "%u", below(r, 5) == 0 ? below(r, 500) : below(r, 30)),
                         DD_OK);
    }
}

static void gen_value(struct rng *r, struct dd_buf *b, int depth)
{
    uint32_t kind = depth > 5 ? 2 + below(r, 4) : below(r, 6);
    switch (kind) {
    case 0:
    case 1: {
        int obj = kind == 0;
        putch(b, obj ? '{' : '[');
        gen_ws(r, b);
        uint32_t n = below(r, 5);
        for (uint32_t i = 0; i < n; i++) {
            if (i) {
                putch(b, ',');
                gen_ws(r, b);
            }
            if (obj) {
                /* a small key space, so duplicates are common */
                if (below(r, 2))
                    assert_int_equal(dd_buf_printf(b, "\"k%u\"", below(r, 4)), DD_OK);
                else
                    gen_string(r, b);
                gen_ws(r, b);
                putch(b, ':');
                gen_ws(r, b);
            }
            gen_value(r, b, depth + 1);
            gen_ws(r, b);
        }
        putch(b, obj ? '}' : ']');
        break;
    }
    case 2:
        gen_string(r, b);
        break;
    case 3:
    case 4:
        gen_number(r, b);
        break;
    default:
        put(b, (const char *[]){ "true", "false", "null" }[below(r, 3)]);
        break;
    }
}

/* One random edit, biased to the bytes that matter to a JSON parser. */
static void mutate(struct rng *r, struct dd_buf *b)
{
    static const char hot[] = "\"\\,:[]{}0-.eu \x00\x01\x1F\x7F\x80\xBF\xC0\xC3\xED\xF0\xF4\xFF";
    char c = below(r, 2) ? hot[below(r, sizeof(hot) - 1)] : (char)below(r, 256);
    size_t at = b->len ? below(r, (uint32_t)b->len) : 0;
    switch (below(r, 5)) {
    case 0:
        if (b->len)
            b->data[at] = c;
        break;
    case 1:
        assert_int_equal(dd_buf_putc(b, 0), DD_OK);
        memmove(b->data + at + 1, b->data + at, b->len - 1 - at);
        b->data[at] = c;
        break;
    case 2:
        if (b->len) {
            memmove(b->data + at, b->data + at + 1, b->len - at - 1);
            b->len--;
        }
        break;
    case 3:
        b->len = at;
        break;
    default: {
        /* duplicate a slice, which tends to make structurally plausible junk */
        size_t n = b->len - at < 8 ? b->len - at : 1 + below(r, 8);
        char tmp[8];
        memcpy(tmp, b->data + at, n);
        assert_int_equal(dd_buf_append(b, tmp, n), DD_OK);
        break;
    }
    }
}

/* Overridable for a longer soak: -DJSON_FUZZ_DOCS=1000000 -DJSON_FUZZ_SEED=7 */
#ifndef JSON_FUZZ_DOCS
#define JSON_FUZZ_DOCS 3000
#endif
#ifndef JSON_FUZZ_SEED
#define JSON_FUZZ_SEED 0x9E3779B97F4A7C15ULL
#endif

static void test_random_documents(void **state)
{
    (void)state;
    struct rng r = { JSON_FUZZ_SEED };
    struct dd_buf doc = DD_BUF_INIT, m = DD_BUF_INIT;
    int accepted = 0, rejected = 0, mutants_accepted = 0;
    for (int i = 0; i < JSON_FUZZ_DOCS; i++) {
        dd_buf_reset(&doc);
        gen_ws(&r, &doc);
        if (below(&r, 50) == 0)
            gen_value(&r, &doc, 6); /* a scalar at the top level */
        else if (below(&r, 2))
            gen_value(&r, &doc, 0);
        else {
            /* force a container */
            putch(&doc, '[');
            gen_value(&r, &doc, 1);
            putch(&doc, ']');
        }
        gen_ws(&r, &doc);
        if (same_as_jansson(doc.data, doc.len))
            accepted++;
        else
            rejected++;
        for (int j = 0; j < 3; j++) {
            dd_buf_reset(&m);
            assert_int_equal(dd_buf_append(&m, doc.data, doc.len), DD_OK);
            uint32_t edits = 1 + below(&r, 3);
            for (uint32_t e = 0; e < edits; e++)
                mutate(&r, &m);
            if (same_as_jansson(m.data, m.len)) {
                accepted++;
                mutants_accepted++;
            } else {
                rejected++;
            }
        }
    }
    dd_buf_release(&doc);
    dd_buf_release(&m);
    printf("random documents: %d compared, %d accepted (%d of them mutants), %d rejected\n",
           accepted + rejected, accepted, mutants_accepted, rejected);
    /* Both outcomes must be well represented or the comparison proves little. */
    assert_true(accepted > 2000);
    assert_true(rejected > 2000);
    assert_true(mutants_accepted > 100);
}

/* ---- timing (printed, not asserted) ----------------------------------- */

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void time_body(const char *label, const char *body, size_t len)
{
    const int iters = 20000;
    json_t *a = NULL;
    assert_int_equal(dd_json_parse(body, len, &a, NULL), DD_OK);
    json_t *b = json_loadb(body, len, 0, NULL);
    assert_true(json_equal(a, b));
    json_decref(a);
    json_decref(b);

    double t0 = now_ns();
    for (int i = 0; i < iters; i++) {
        json_t *v = json_loadb(body, len, 0, NULL);
        assert_non_null(v);
        json_decref(v);
    }
    double t1 = now_ns();
    for (int i = 0; i < iters; i++) {
        json_t *v;
        assert_int_equal(dd_json_parse(body, len, &v, NULL), DD_OK);
        json_decref(v);
    }
    double t2 = now_ns();
    double jns = (t1 - t0) / iters, dns = (t2 - t1) / iters;
    printf("%s (%zu bytes): json_loadb %.0f ns, dd_json_parse %.0f ns, %.1fx faster\n", label, len,
           jns, dns, jns / dns);
}

static void test_timing_send_message(void **state)
{
    (void)state;
    struct dd_buf body = DD_BUF_INIT, msg = DD_BUF_INIT;
    struct rng r = { 42 };
    for (int i = 0; i < 1024; i++)
        putch(&msg, 'a' + (int)below(&r, 26));
    assert_int_equal(dd_buf_printf(&body,
                                   "{\"QueueUrl\":\"http://localhost:9324/000000000000/load-test\","
                                   "\"MessageBody\":\"%s\",\"DelaySeconds\":0,"
                                   "\"MessageAttributes\":{\"trace\":{\"DataType\":\"String\","
                                   "\"StringValue\":\"abc-123\"}}}",
                                   msg.data),
                     DD_OK);
    time_body("SendMessage, 1 KiB plain body", body.data, body.len);

    /* A JSON document as the message body: every tenth byte or so is an escaped quote. */
    dd_buf_reset(&msg);
    for (int i = 0; i < 100; i++)
        put(&msg, "\\\"k\\\":\\\"v\\\",");
    dd_buf_reset(&body);
    assert_int_equal(dd_buf_printf(&body,
                                   "{\"QueueUrl\":\"http://localhost:9324/000000000000/load-test\","
                                   "\"MessageBody\":\"{%s}\"}",
                                   msg.data),
                     DD_OK);
    time_body("SendMessage, 1 KiB escaped JSON body", body.data, body.len);
    dd_buf_release(&body);
    dd_buf_release(&msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_matches_jansson),   cmocka_unit_test(test_values),
        cmocka_unit_test(test_string_block_boundaries), cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_errors_and_arguments),    cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_random_documents),        cmocka_unit_test(test_timing_send_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
