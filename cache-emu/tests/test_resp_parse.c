/*
 * Unit tests for cache-emu/resp_parse.c. The expected argv and error texts in
 * these tables were checked against redis-server 7.0.15 (raw bytes over a
 * loopback socket; inline splitting through EVAL "return ARGV" 0 <line>),
 * except where a case says otherwise.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/resp_parse.h"
#include "common/err.h"

/* A byte string with its length, so NULs and CRs can be written inline. */
struct bytes {
    const char *p;
    size_t len;
};
#define B(s)             \
    {                    \
        s, sizeof(s) - 1 \
    }
#define MAXARGS 6

/* ---- helpers ------------------------------------------------------------- */

/* What one parse returned, with the arguments copied out of the input. */
struct result {
    ssize_t rc;
    size_t argc;
    struct bytes argv[MAXARGS];
    char storage[512];
    char err[128];
};

static void copy_result(struct result *r, ssize_t rc, const struct cache_resp_arg *argv,
                        size_t argc, struct cache_resp_parser *p)
{
    r->rc = rc;
    r->argc = 0;
    if (rc > 0) {
        size_t used = 0;
        r->argc = argc;
        for (size_t i = 0; i < argc && i < MAXARGS; i++) {
            /* An argument too big to keep is recorded by length only. */
            r->argv[i].len = argv[i].len;
            r->argv[i].p = NULL;
            if (used + argv[i].len > sizeof(r->storage))
                continue;
            memcpy(r->storage + used, argv[i].ptr, argv[i].len);
            r->argv[i].p = r->storage + used;
            used += argv[i].len;
        }
    }
    snprintf(r->err, sizeof(r->err), "%s", cache_resp_parser_error(p, NULL));
}

/* Parses in (copied to an exact-size heap block, so ASan sees any overread)
 * with a fresh parser; *r gets the result. */
static void parse_fresh(struct result *r, const char *in, size_t len, bool unauth,
                        long long max_bulk)
{
    struct cache_resp_parser *p = cache_resp_parser_new();
    assert_non_null(p);
    cache_resp_parser_set_unauthenticated(p, unauth);
    if (max_bulk)
        cache_resp_parser_set_max_bulk_len(p, max_bulk);
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, in, len);
    const struct cache_resp_arg *argv = NULL;
    size_t argc = 0;
    ssize_t rc = cache_resp_parse(p, copy, len, &argv, &argc);
    copy_result(r, rc, argv, argc, p);
    free(copy);
    cache_resp_parser_free(p);
}

static void assert_args(const struct bytes *got, size_t gotc, const struct bytes *want,
                        size_t wantc, const char *name)
{
    if (gotc != wantc)
        fail_msg("%s: argc %zu, want %zu", name, gotc, wantc);
    for (size_t i = 0; i < wantc; i++) {
        if (got[i].len != want[i].len || !got[i].p || memcmp(got[i].p, want[i].p, want[i].len))
            fail_msg("%s: argv[%zu] is \"%.*s\" (%zu bytes), want \"%.*s\" (%zu bytes)", name, i,
                     (int)got[i].len, got[i].p, got[i].len, (int)want[i].len, want[i].p,
                     want[i].len);
    }
}

/* ---- complete requests --------------------------------------------------- */

struct ok_case {
    const char *name;
    struct bytes in;
    size_t consumed; /* 0: all of in */
    size_t argc;
    struct bytes argv[MAXARGS];
};

static const struct ok_case ok_cases[] = {
    /* multibulk */
    { "ping", B("*1\r\n$4\r\nPING\r\n"), 0, 1, { B("PING") } },
    { "set with NUL in value",
      B("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nva\0ue\r\n"),
      0,
      3,
      { B("SET"), B("k"), B("va\0ue") } },
    { "empty bulk", B("*1\r\n$0\r\n\r\n"), 0, 1, { B("") } },
    { "CR and LF inside bulks",
      B("*2\r\n$1\r\n\r\r\n$2\r\n\n\n\r\n"),
      0,
      2,
      { B("\r"), B("\n\n") } },
    { "binary bulk", B("*1\r\n$4\r\n\0\xff\r\x80\r\n"), 0, 1, { B("\0\xff\r\x80") } },
    { "*0 is skipped", B("*0\r\n"), 0, 0, { { 0 } } },
    { "*-1 is skipped", B("*-1\r\n"), 0, 0, { { 0 } } },
    { "*-10 is skipped", B("*-10\r\n"), 0, 0, { { 0 } } },
    { "*LLONG_MIN is skipped", B("*-9223372036854775808\r\n"), 0, 0, { { 0 } } },
    { "byte after header CR unchecked", B("*1\rX$4\rXPING\r\n"), 0, 1, { B("PING") } },
    { "two bytes after payload unchecked", B("*1\r\n$4\r\nPINGxx"), 0, 1, { B("PING") } },
    { "only the first request",
      B("*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n"),
      14,
      1,
      { B("PING") } },
    /* inline */
    { "inline ping", B("PING\r\n"), 0, 1, { B("PING") } },
    { "inline LF only", B("PING\n"), 0, 1, { B("PING") } },
    { "inline one CR dropped", B("PING\r\r\n"), 0, 1, { B("PING") } },
    { "empty line CRLF", B("\r\n"), 0, 0, { { 0 } } },
    { "empty line LF", B("\n"), 0, 0, { { 0 } } },
    { "blank line", B("  \t \r\n"), 0, 0, { { 0 } } },
    { "blanks around words", B("  x   y  \r\n"), 0, 2, { B("x"), B("y") } },
    { "empty quoted word kept", B("\"\"\r\n"), 0, 1, { B("") } },
    { "empty quoted then word", B("\"\" x\r\n"), 0, 2, { B(""), B("x") } },
    { "CR splits words", B("a\rb\r\n"), 0, 2, { B("a"), B("b") } },
    { "VT after closing quote", B("\"a\"\vb\r\n"), 0, 2, { B("a"), B("b") } },
    { "VT inside unquoted word", B("a\vb\r\n"), 0, 1, { B("a\vb") } },
    { "FF inside unquoted word", B("a\fb\r\n"), 0, 1, { B("a\fb") } },
    { "FF after closing quote", B("\"a\"\f\r\n"), 0, 1, { B("a") } },
    { "single quote escape", B("'a\\'b'\r\n"), 0, 1, { B("a'b") } },
    { "single quotes keep \\n", B("'a\\nb'\r\n"), 0, 1, { B("a\\nb") } },
    { "double quote escapes", B("\"a\\x41\\x4g\\q\\n\"\r\n"), 0, 1, { B("aAx4gq\n") } },
    { "every named escape", B("\"\\n\\r\\t\\b\\a\\\\\\\"\"\r\n"), 0, 1, { B("\n\r\t\b\a\\\"") } },
    { "hex any case and NUL", B("\"\\xfF\\x00\"\r\n"), 0, 1, { B("\xff\0") } },
    { "bad hex is literal", B("\"a\\xZZ\"\r\n"), 0, 1, { B("axZZ") } },
    { "short hex is literal", B("\"\\x4\"\r\n"), 0, 1, { B("x4") } },
    { "escaped backslash then x", B("\"\\\\x41\"\r\n"), 0, 1, { B("\\x41") } },
    { "no octal escapes", B("\"\\101\"\r\n"), 0, 1, { B("101") } },
    { "quote opens mid-word", B("a\"b c\"\r\n"), 0, 1, { B("ab c") } },
    { "mixed quoting", B("\"a\" 'b' c\r\n"), 0, 3, { B("a"), B("b"), B("c") } },
    { "tab separates", B("a\tb\r\n"), 0, 2, { B("a"), B("b") } },
    { "quoted blank then tab", B("\"a b\"\tc\r\n"), 0, 2, { B("a b"), B("c") } },
    { "backslash outside quotes", B("a\\ b\r\n"), 0, 2, { B("a\\"), B("b") } },
    { "only the first line", B("PING\r\nPING\r\n"), 6, 1, { B("PING") } },
    /* The line ends at the first LF even with a quote open across it. */
    { "quote does not span lines", B("\"a\"\n\"b\"\n"), 4, 1, { B("a") } },
};

static void test_complete_requests(void **state)
{
    (void)state;
    for (size_t i = 0; i < DD_ARRAY_LEN(ok_cases); i++) {
        const struct ok_case *c = &ok_cases[i];
        struct result r;
        parse_fresh(&r, c->in.p, c->in.len, false, 0);
        size_t want = c->consumed ? c->consumed : c->in.len;
        if (r.rc != (ssize_t)want)
            fail_msg("%s: rc %zd, want %zu (%s)", c->name, r.rc, want, r.err);
        assert_args(r.argv, r.argc, c->argv, c->argc, c->name);
    }
}

/* ---- protocol errors ----------------------------------------------------- */

struct err_case {
    const char *name;
    struct bytes in;
    bool unauth;
    long long max_bulk; /* 0: default */
    const char *err;
};

#define E_MBULK  "ERR Protocol error: invalid multibulk length"
#define E_BULK   "ERR Protocol error: invalid bulk length"
#define E_QUOTES "ERR Protocol error: unbalanced quotes in request"
#define E_UMBULK "ERR Protocol error: unauthenticated multibulk length"
#define E_UBULK  "ERR Protocol error: unauthenticated bulk length"

static const struct err_case err_cases[] = {
    { "count above INT_MAX", B("*2147483648\r\n"), false, 0, E_MBULK },
    { "count not a number", B("*abc\r\n"), false, 0, E_MBULK },
    { "count empty", B("*\r\n"), false, 0, E_MBULK },
    { "count with plus", B("*+5\r\n"), false, 0, E_MBULK },
    { "count with blank", B("* 5\r\n"), false, 0, E_MBULK },
    { "count with leading zero", B("*05\r\n"), false, 0, E_MBULK },
    { "count minus zero", B("*-0\r\n"), false, 0, E_MBULK },
    { "count trailing blank", B("*1 \r\n"), false, 0, E_MBULK },
    { "count overflows u64", B("*99999999999999999999\r\n"), false, 0, E_MBULK },
    { "count 21 digits", B("*100000000000000000000\r\n"), false, 0, E_MBULK },
    { "count LLONG_MAX", B("*9223372036854775807\r\n"), false, 0, E_MBULK },
    { "bulk length -1", B("*1\r\n$-1\r\n"), false, 0, E_BULK },
    { "bulk length not a number", B("*1\r\n$abc\r\n"), false, 0, E_BULK },
    { "bulk length empty", B("*1\r\n$\r\n"), false, 0, E_BULK },
    { "bulk length plus", B("*1\r\n$+1\r\n"), false, 0, E_BULK },
    { "bulk length leading zero", B("*1\r\n$01\r\n"), false, 0, E_BULK },
    { "bulk length minus zero", B("*1\r\n$-0\r\n"), false, 0, E_BULK },
    { "bulk above 512MB", B("*1\r\n$536870913\r\n"), false, 0, E_BULK },
    { "bulk LLONG_MAX", B("*1\r\n$9223372036854775807\r\n"), false, 0, E_BULK },
    { "bulk above LLONG_MAX", B("*1\r\n$9223372036854775808\r\n"), false, 0, E_BULK },
    { "bulk above configured max", B("*1\r\n$1048577\r\n"), false, 1048576, E_BULK },
    { "second bulk bad", B("*2\r\n$3\r\nGET\r\n$x\r\n"), false, 0, E_BULK },
    { "payload without its length", B("*1\r\n$4PING\r\n"), false, 0, E_BULK },
    { "expected $ got f", B("*1\r\nfoo\r\n"), false, 0,
      "ERR Protocol error: expected '$', got 'f'" },
    { "expected $ got :", B("*1\r\n:4\r\n"), false, 0,
      "ERR Protocol error: expected '$', got ':'" },
    { "expected $ got CR", B("*1\r\n\r\n"), false, 0, "ERR Protocol error: expected '$', got ' '" },
    { "expected $ got LF", B("*1\r\n\n\r\n"), false, 0,
      "ERR Protocol error: expected '$', got ' '" },
    { "expected $ got 0x80", B("*1\r\n\x80\r\n"), false, 0,
      "ERR Protocol error: expected '$', got '\x80'" },
    { "expected $ in second element", B("*2\r\n$1\r\na\r\n+OK\r\n"), false, 0,
      "ERR Protocol error: expected '$', got '+'" },
    { "LF only after payload", B("*2\r\n$3\r\nGET\n$1\r\nk\r\n"), false, 0,
      "ERR Protocol error: expected '$', got '1'" },
    { "unauth count 11", B("*11\r\n"), true, 0, E_UMBULK },
    { "unauth bulk 16385", B("*1\r\n$16385\r\n"), true, 0, E_UBULK },
    { "unauth: general count limit first", B("*2147483648\r\n"), true, 0, E_MBULK },
    { "unauth: general bulk limit first", B("*1\r\n$600000000\r\n"), true, 0, E_BULK },
    { "unauth: negative bulk", B("*1\r\n$-3\r\n"), true, 0, E_BULK },
    { "open double quote", B("ECHO \"abc\r\n"), false, 0, E_QUOTES },
    { "text after closing double quote", B("ECHO \"a\"b\r\n"), false, 0, E_QUOTES },
    { "open single quote", B("ECHO 'a\r\n"), false, 0, E_QUOTES },
    { "text after closing single quote", B("ECHO 'a'b\r\n"), false, 0, E_QUOTES },
    { "escaped closing quote", B("\"a\\\"\r\n"), false, 0, E_QUOTES },
    { "lone escaped quote", B("\"\\\"\r\n"), false, 0, E_QUOTES },
    { "four double quotes", B("\"\"\"\"\r\n"), false, 0, E_QUOTES },
    { "single then double quoted", B("'a'\"b\"\r\n"), false, 0, E_QUOTES },
    { "backslashes in single quotes", B("'\\\\'\r\n"), false, 0, E_QUOTES },
    { "quote mid-word then text", B("a'b'c\r\n"), false, 0, E_QUOTES },
    { "doubled single quotes", B("'it''s'\r\n"), false, 0, E_QUOTES },
};

static void test_protocol_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < DD_ARRAY_LEN(err_cases); i++) {
        const struct err_case *c = &err_cases[i];
        struct result r;
        parse_fresh(&r, c->in.p, c->in.len, c->unauth, c->max_bulk);
        if (r.rc != DD_ERR)
            fail_msg("%s: rc %zd, want DD_ERR", c->name, r.rc);
        if (strcmp(r.err, c->err) != 0)
            fail_msg("%s: error \"%s\", want \"%s\"", c->name, r.err, c->err);
    }
}

/* ---- input Redis keeps waiting on ----------------------------------------- */

struct wait_case {
    const char *name;
    struct bytes in;
    bool unauth;
};

static const struct wait_case wait_cases[] = {
    { "nothing", B(""), false },
    { "count line without CR", B("*1"), false },
    { "count line, CR but no byte after", B("*1\r"), false },
    { "count accepted above 1M", B("*1048577\r\n"), false },
    { "count INT_MAX accepted", B("*2147483647\r\n"), false },
    { "bulk 512MB accepted", B("*1\r\n$536870912\r\n"), false },
    { "payload short", B("*1\r\n$4\r\nPIN"), false },
    { "payload, one byte after", B("*1\r\n$4\r\nPING\r"), false },
    { "NUL before count CR", B("*1\0\r\n$4\r\nPING\r\n"), false },
    { "NUL at element start", B("*1\r\n\0$4\r\nPING\r\n"), false },
    { "NUL in bulk header", B("*1\r\n$4\0\r\nPING\r\n"), false },
    { "NUL in inline line", B("PING\0\r\n"), false },
    { "inline without LF", B("PING\r"), false },
    { "unauth count 10", B("*10\r\n"), true },
    { "unauth bulk 16384", B("*1\r\n$16384\r\n"), true },
};

static void test_incomplete_input_waits(void **state)
{
    (void)state;
    for (size_t i = 0; i < DD_ARRAY_LEN(wait_cases); i++) {
        const struct wait_case *c = &wait_cases[i];
        struct result r;
        parse_fresh(&r, c->in.p, c->in.len, c->unauth, 0);
        if (r.rc != DD_AGAIN)
            fail_msg("%s: rc %zd, want DD_AGAIN (%s)", c->name, r.rc, r.err);
    }
}

static void test_unauth_still_skips_empty_requests(void **state)
{
    (void)state;
    struct result r;
    parse_fresh(&r, "*-1\r\n", 5, true, 0);
    assert_int_equal(r.rc, 5);
    assert_int_equal(r.argc, 0);
    /* Inline requests have no unauthenticated limits. */
    parse_fresh(&r, "PING a b c d e f g h i j k l\r\n", 30, true, 0);
    assert_int_equal(r.rc, 30);
    assert_int_equal(r.argc, 13);
}

/* ---- the 64 KiB line limits ---------------------------------------------- */

/* prefix, then n copies of fill, then suffix, in one heap block. */
static char *build(const char *prefix, char fill, size_t n, const char *suffix, size_t *len)
{
    size_t a = strlen(prefix), c = strlen(suffix);
    char *s = malloc(a + n + c);
    assert_non_null(s);
    memcpy(s, prefix, a);
    memset(s + a, fill, n);
    memcpy(s + a + n, suffix, c);
    *len = a + n + c;
    return s;
}

struct limit_case {
    const char *name;
    const char *prefix;
    char fill;
    size_t n;
    const char *suffix;
    ssize_t rc; /* DD_AGAIN, DD_ERR, or 1 for "a complete request" */
    const char *err;
};

static const struct limit_case limit_cases[] = {
    { "count line at 64K waits", "*", '1', 65535, "", DD_AGAIN, NULL },
    { "count line past 64K", "*", '1', 65536, "", DD_ERR,
      "ERR Protocol error: too big mbulk count string" },
    { "count line past 64K after NUL", "*1", '\0', 65535, "", DD_ERR,
      "ERR Protocol error: too big mbulk count string" },
    { "long count line with CR is judged", "*", '1', 65540, "\r\n", DD_ERR, E_MBULK },
    { "count CR found late, no byte after", "*", '1', 70000, "\r", DD_AGAIN, NULL },
    { "bulk line at 64K waits", "*1\r\n$", '1', 65535, "", DD_AGAIN, NULL },
    { "bulk line past 64K", "*1\r\n$", '1', 65536, "", DD_ERR,
      "ERR Protocol error: too big bulk count string" },
    { "element line past 64K, no $", "*1\r\n", 'X', 70000, "", DD_ERR,
      "ERR Protocol error: too big bulk count string" },
    { "long bulk line with CR is judged", "*1\r\n$", '1', 65540, "\r\n", DD_ERR, E_BULK },
    { "inline at 64K waits", "", 'P', 65536, "", DD_AGAIN, NULL },
    { "inline past 64K", "", 'P', 65537, "", DD_ERR, "ERR Protocol error: too big inline request" },
    /* Redis reads 16 KiB at a time, so it also takes such a line whole. */
    { "long inline line with LF is taken", "ECHO ", 'P', 70000, "\r\n", 1, NULL },
    { "second element line past 64K", "*2\r\n$1\r\na\r\n$", '9', 65536, "", DD_ERR,
      "ERR Protocol error: too big bulk count string" },
};

static void test_line_limits(void **state)
{
    (void)state;
    for (size_t i = 0; i < DD_ARRAY_LEN(limit_cases); i++) {
        const struct limit_case *c = &limit_cases[i];
        size_t len;
        char *in = build(c->prefix, c->fill, c->n, c->suffix, &len);
        struct result r;
        parse_fresh(&r, in, len, false, 0);
        free(in);
        if (c->rc == 1) {
            if (r.rc != (ssize_t)len)
                fail_msg("%s: rc %zd, want %zu (%s)", c->name, r.rc, len, r.err);
            continue;
        }
        if (r.rc != c->rc)
            fail_msg("%s: rc %zd, want %zd", c->name, r.rc, c->rc);
        if (c->err && strcmp(r.err, c->err) != 0)
            fail_msg("%s: error \"%s\", want \"%s\"", c->name, r.err, c->err);
    }
}

static void test_limit_after_pipelined_request(void **state)
{
    (void)state;
    /* Redis answers PONG, then the error: the limit counts from the start of
     * the request being read, not of the buffer. */
    size_t len;
    char *in = build("*1\r\n$4\r\nPING\r\n", 'P', 65537, "", &len);
    struct cache_resp_parser *p = cache_resp_parser_new();
    assert_non_null(p);
    const struct cache_resp_arg *argv;
    size_t argc;
    assert_int_equal(cache_resp_parse(p, in, len, &argv, &argc), 14);
    assert_int_equal(argc, 1);
    assert_memory_equal(argv[0].ptr, "PING", 4);
    assert_int_equal(cache_resp_parse(p, in + 14, 65536, &argv, &argc), DD_AGAIN);
    assert_int_equal(cache_resp_parse(p, in + 14, len - 14, &argv, &argc), DD_ERR);
    assert_string_equal(cache_resp_parser_error(p, NULL),
                        "ERR Protocol error: too big inline request");
    free(in);
    cache_resp_parser_free(p);
}

/* ---- pipelining and truncation ------------------------------------------- */

/* One pipelined buffer mixing every request shape; the expected requests are
 * listed in order with their sizes. */
static const struct bytes pipe_in = B("*2\r\n$4\r\nECHO\r\n$3\r\na\0b\r\n"
                                      "PING\r\n"
                                      "*0\r\n"
                                      "\r\n"
                                      "SET \"k 1\" 'v' \"\\x41\"\r\n"
                                      "*-1\r\n"
                                      "*1\r\n$4\r\nPINGxx"
                                      "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$2\r\n\r\n\r\n"
                                      "\n"
                                      "ECHO \"\\x41\"\n"
                                      "*1\rX$1\rX\0\r\n");

struct pipe_req {
    size_t len;
    size_t argc;
    struct bytes argv[MAXARGS];
};

static const struct pipe_req pipe_want[] = {
    { 23, 2, { B("ECHO"), B("a\0b") } },
    { 6, 1, { B("PING") } },
    { 4, 0, { { 0 } } },
    { 2, 0, { { 0 } } },
    { 22, 4, { B("SET"), B("k 1"), B("v"), B("A") } },
    { 5, 0, { { 0 } } },
    { 14, 1, { B("PING") } },
    { 27, 3, { B("SET"), B(""), B("\r\n") } },
    { 1, 0, { { 0 } } },
    { 12, 2, { B("ECHO"), B("A") } },
    { 11, 1, { B("\0") } },
};

static void check_request(const struct cache_resp_arg *argv, size_t argc, size_t k)
{
    char name[32];
    struct bytes got[MAXARGS];
    snprintf(name, sizeof(name), "request %zu", k);
    assert_true(argc <= MAXARGS);
    for (size_t i = 0; i < argc; i++) {
        got[i].p = argv[i].ptr;
        got[i].len = argv[i].len;
    }
    assert_args(got, argc, pipe_want[k].argv, pipe_want[k].argc, name);
}

static void test_pipeline_whole_buffer(void **state)
{
    (void)state;
    size_t total = 0;
    for (size_t k = 0; k < DD_ARRAY_LEN(pipe_want); k++)
        total += pipe_want[k].len;
    assert_int_equal(total, pipe_in.len);

    struct cache_resp_parser *p = cache_resp_parser_new();
    assert_non_null(p);
    size_t off = 0;
    for (size_t k = 0; k < DD_ARRAY_LEN(pipe_want); k++) {
        const struct cache_resp_arg *argv;
        size_t argc;
        ssize_t rc = cache_resp_parse(p, pipe_in.p + off, pipe_in.len - off, &argv, &argc);
        assert_int_equal(rc, pipe_want[k].len);
        check_request(argv, argc, k);
        off += (size_t)rc;
    }
    const struct cache_resp_arg *argv;
    size_t argc;
    assert_int_equal(cache_resp_parse(p, pipe_in.p + off, 0, &argv, &argc), DD_AGAIN);
    cache_resp_parser_free(p);
}

/*
 * Every request of the pipeline fed one byte more at a time, each time from a
 * fresh heap copy at a new address: the parser must say DD_AGAIN for every
 * proper prefix and then return the request, both when it keeps its state
 * across calls and when a fresh parser sees the prefix.
 */
static void test_pipeline_byte_by_byte(void **state)
{
    (void)state;
    struct cache_resp_parser *p = cache_resp_parser_new();
    assert_non_null(p);
    size_t off = 0;
    for (size_t k = 0; k < DD_ARRAY_LEN(pipe_want); k++) {
        size_t need = pipe_want[k].len;
        for (size_t n = 0; n <= need; n++) {
            char *copy = malloc(n ? n : 1);
            assert_non_null(copy);
            memcpy(copy, pipe_in.p + off, n);
            const struct cache_resp_arg *argv;
            size_t argc;
            ssize_t rc = cache_resp_parse(p, copy, n, &argv, &argc);
            struct result fresh;
            parse_fresh(&fresh, copy, n, false, 0);
            if (n < need) {
                if (rc != DD_AGAIN || fresh.rc != DD_AGAIN)
                    fail_msg("request %zu at %zu/%zu bytes: rc %zd / fresh %zd, want DD_AGAIN", k,
                             n, need, rc, fresh.rc);
            } else {
                assert_int_equal(rc, need);
                assert_int_equal(fresh.rc, need);
                check_request(argv, argc, k);
                assert_args(fresh.argv, fresh.argc, pipe_want[k].argv, pipe_want[k].argc,
                            "fresh parser");
            }
            free(copy);
        }
        off += need;
    }
    cache_resp_parser_free(p);
}

/*
 * The pipeline arriving in two reads split at every byte position, read the
 * way a server loop does: parse until DD_AGAIN, drop what was consumed,
 * append the next read. Every split yields the same requests.
 */
static void test_pipeline_every_split(void **state)
{
    (void)state;
    for (size_t split = 0; split <= pipe_in.len; split++) {
        struct cache_resp_parser *p = cache_resp_parser_new();
        assert_non_null(p);
        char *pending = NULL;
        size_t plen = 0, fed = 0, k = 0;
        for (int read = 0; read < 2; read++) {
            size_t chunk = read == 0 ? split : pipe_in.len - split;
            char *grown = malloc(plen + chunk + 1);
            assert_non_null(grown);
            if (plen)
                memcpy(grown, pending, plen);
            memcpy(grown + plen, pipe_in.p + fed, chunk);
            free(pending);
            pending = grown;
            plen += chunk;
            fed += chunk;
            for (;;) {
                const struct cache_resp_arg *argv;
                size_t argc;
                ssize_t rc = cache_resp_parse(p, pending, plen, &argv, &argc);
                if (rc == DD_AGAIN)
                    break;
                if (rc <= 0)
                    fail_msg("split %zu: rc %zd", split, rc);
                assert_true(k < DD_ARRAY_LEN(pipe_want));
                assert_int_equal(rc, pipe_want[k].len);
                check_request(argv, argc, k);
                k++;
                memmove(pending, pending + rc, plen - (size_t)rc);
                plen -= (size_t)rc;
            }
        }
        if (k != DD_ARRAY_LEN(pipe_want) || plen != 0)
            fail_msg("split %zu: %zu requests, %zu bytes left", split, k, plen);
        free(pending);
        cache_resp_parser_free(p);
    }
}

/* ---- zero copy, big requests, parser state -------------------------------- */

static void test_argv_points_into_input(void **state)
{
    (void)state;
    struct cache_resp_parser *p = cache_resp_parser_new();
    assert_non_null(p);
    const struct cache_resp_arg *argv;
    size_t argc;
    static const char mb[] = "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
    assert_int_equal(cache_resp_parse(p, mb, sizeof(mb) - 1, &argv, &argc), sizeof(mb) - 1);
    assert_ptr_equal(argv[0].ptr, mb + 8);
    assert_ptr_equal(argv[1].ptr, mb + 17);

    static const char in[] = "GET plain \"quoted\"\r\n";
    assert_int_equal(cache_resp_parse(p, in, sizeof(in) - 1, &argv, &argc), sizeof(in) - 1);
    assert_int_equal(argc, 3);
    assert_ptr_equal(argv[0].ptr, in);
    assert_ptr_equal(argv[1].ptr, in + 4);
    /* Unquoting needs its own bytes. */
    assert_true(argv[2].ptr < in || argv[2].ptr >= in + sizeof(in));
    assert_memory_equal(argv[2].ptr, "quoted", 6);
    cache_resp_parser_free(p);
}

static void test_many_arguments(void **state)
{
    (void)state;
    enum { N = 100000 };
    size_t len;
    char *in = malloc(16 + (size_t)N * 7);
    assert_non_null(in);
    len = (size_t)sprintf(in, "*%d\r\n", N);
    for (int i = 0; i < N; i++) {
        memcpy(in + len, "$1\r\nx\r\n", 7);
        in[len + 4] = (char)('a' + i % 26);
        len += 7;
    }
    struct cache_resp_parser *p = cache_resp_parser_new();
    assert_non_null(p);
    const struct cache_resp_arg *argv;
    size_t argc;
    /* Arriving in 4 KiB reads, with the state kept between them. */
    size_t avail = 0;
    ssize_t rc = DD_AGAIN;
    while (rc == DD_AGAIN && avail < len) {
        avail = avail + 4096 < len ? avail + 4096 : len;
        rc = cache_resp_parse(p, in, avail, &argv, &argc);
    }
    assert_int_equal(rc, len);
    assert_int_equal(argc, N);
    for (int i = 0; i < N; i++) {
        assert_int_equal(argv[i].len, 1);
        assert_int_equal(argv[i].ptr[0], 'a' + i % 26);
    }
    /* The big arrays are let go before the next request; it still parses. */
    assert_int_equal(cache_resp_parse(p, "PING\n", 5, &argv, &argc), 5);
    assert_int_equal(argc, 1);
    free(in);
    cache_resp_parser_free(p);
}

static void test_error_is_sticky_until_reset(void **state)
{
    (void)state;
    struct cache_resp_parser *p = cache_resp_parser_new();
    assert_non_null(p);
    const struct cache_resp_arg *argv;
    size_t argc = 99;
    size_t elen;
    assert_string_equal(cache_resp_parser_error(p, &elen), "");
    assert_int_equal(elen, 0);
    assert_int_equal(cache_resp_parse(p, "*x\r\n", 4, &argv, &argc), DD_ERR);
    assert_string_equal(cache_resp_parser_error(p, &elen), E_MBULK);
    assert_int_equal(elen, strlen(E_MBULK));
    assert_int_equal(argc, 99);
    assert_int_equal(cache_resp_parse(p, "PING\r\n", 6, &argv, &argc), DD_ERR);
    cache_resp_parser_reset(p);
    assert_int_equal(cache_resp_parse(p, "PING\r\n", 6, &argv, &argc), 6);
    assert_string_equal(cache_resp_parser_error(p, NULL), "");
    cache_resp_parser_free(p);
}

static void test_shrunk_input_is_rejected(void **state)
{
    (void)state;
    struct cache_resp_parser *p = cache_resp_parser_new();
    assert_non_null(p);
    const struct cache_resp_arg *argv;
    size_t argc;
    static const char in[] = "*1\r\n$4\r\nPI";
    assert_int_equal(cache_resp_parse(p, in, sizeof(in) - 1, &argv, &argc), DD_AGAIN);
    assert_int_equal(cache_resp_parse(p, in, 2, &argv, &argc), DD_EINVAL);
    /* Resetting drops the half-read request. */
    cache_resp_parser_reset(p);
    assert_int_equal(cache_resp_parse(p, "*1\r\n$1\r\nx\r\n", 11, &argv, &argc), 11);
    assert_memory_equal(argv[0].ptr, "x", 1);
    cache_resp_parser_free(p);
}

static void test_max_bulk_len_setting(void **state)
{
    (void)state;
    /* Default 512 MB; a configured limit applies from the next header read. */
    struct result r;
    parse_fresh(&r, "*1\r\n$536870912\r\n", 17, false, 0);
    assert_int_equal(r.rc, DD_AGAIN);
    parse_fresh(&r, "*1\r\n$4\r\nPING\r\n", 14, false, 4);
    assert_int_equal(r.rc, 14);
    parse_fresh(&r, "*1\r\n$5\r\nPINGS\r\n", 15, false, 4);
    assert_int_equal(r.rc, DD_ERR);
    assert_string_equal(r.err, E_BULK);
    cache_resp_parser_free(NULL);
}

/* ---- string2ll ------------------------------------------------------------ */

struct ll_case {
    const char *s;
    bool ok;
    long long v;
};

static const struct ll_case ll_cases[] = {
    { "0", true, 0 },
    { "1", true, 1 },
    { "-1", true, -1 },
    { "10", true, 10 },
    { "9223372036854775807", true, LLONG_MAX },
    { "-9223372036854775808", true, LLONG_MIN },
    { "9223372036854775808", false, 0 },
    { "-9223372036854775809", false, 0 },
    { "18446744073709551615", false, 0 },
    { "18446744073709551616", false, 0 },
    { "99999999999999999999", false, 0 },
    { "100000000000000000000", false, 0 },
    { "", false, 0 },
    { "-", false, 0 },
    { "-0", false, 0 },
    { "00", false, 0 },
    { "01", false, 0 },
    { "+1", false, 0 },
    { " 1", false, 0 },
    { "1 ", false, 0 },
    { "1a", false, 0 },
    { "1.0", false, 0 },
    { "--1", false, 0 },
};

static void test_string2ll(void **state)
{
    (void)state;
    for (size_t i = 0; i < DD_ARRAY_LEN(ll_cases); i++) {
        long long v = 12345;
        bool ok = cache_string2ll(ll_cases[i].s, strlen(ll_cases[i].s), &v);
        if (ok != ll_cases[i].ok)
            fail_msg("\"%s\": ok %d, want %d", ll_cases[i].s, ok, ll_cases[i].ok);
        if (ok && v != ll_cases[i].v)
            fail_msg("\"%s\": %lld, want %lld", ll_cases[i].s, v, ll_cases[i].v);
    }
    assert_true(cache_string2ll("12", 1, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_complete_requests),
        cmocka_unit_test(test_protocol_errors),
        cmocka_unit_test(test_incomplete_input_waits),
        cmocka_unit_test(test_unauth_still_skips_empty_requests),
        cmocka_unit_test(test_line_limits),
        cmocka_unit_test(test_limit_after_pipelined_request),
        cmocka_unit_test(test_pipeline_whole_buffer),
        cmocka_unit_test(test_pipeline_byte_by_byte),
        cmocka_unit_test(test_pipeline_every_split),
        cmocka_unit_test(test_argv_points_into_input),
        cmocka_unit_test(test_many_arguments),
        cmocka_unit_test(test_error_is_sticky_until_reset),
        cmocka_unit_test(test_shrunk_input_is_rejected),
        cmocka_unit_test(test_max_bulk_len_setting),
        cmocka_unit_test(test_string2ll),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
