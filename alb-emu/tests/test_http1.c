/*
 * Tests of the HTTP/1.x head parser and the chunked scanner: tables of raw
 * requests and responses with the verdict ALB gives them (framing, limits,
 * smuggling shapes), plus every request fed byte by byte to check that a
 * partial head never produces a different verdict than the whole one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alb-emu/http1.h"
#include "common/err.h"

#define MAXH 64

enum verdict { OK, AGAIN, ERR };

struct req_case {
    const char *name;
    const char *raw;
    enum verdict verdict;
    enum alb_h1_error error;     /* for ERR */
    enum alb_h1_framing framing; /* for OK */
    uint64_t length;             /* for OK, LENGTH */
    unsigned flags;              /* flags that must be set (OK) */
    unsigned noflags;            /* flags that must be clear (OK) */
};

#define KA  ALB_H1_KEEP_ALIVE
#define AMB ALB_H1_AMBIGUOUS

static const struct req_case k_requests[] = {
    /* well-formed */
    { "simple get", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", OK, 0, ALB_H1_BODY_NONE, 0, KA, AMB },
    { "bare lf lines", "GET / HTTP/1.1\nHost: a\n\n", OK, 0, ALB_H1_BODY_NONE, 0, KA, 0 },
    { "leading empty line", "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", OK, 0, ALB_H1_BODY_NONE, 0, KA,
      0 },
    { "content-length", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n", OK, 0,
      ALB_H1_BODY_LENGTH, 5, KA, AMB },
    { "content-length zero", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", OK, 0,
      ALB_H1_BODY_LENGTH, 0, KA, AMB },
    { "chunked", "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", OK, 0,
      ALB_H1_BODY_CHUNKED, 0, KA, AMB },
    { "chunked any case", "POST /x HTTP/1.1\r\nHost: a\r\ntransfer-encoding: ChUnKeD\r\n\r\n", OK,
      0, ALB_H1_BODY_CHUNKED, 0, KA, 0 },
    { "identity, chunked",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity, chunked\r\n\r\n", OK, 0,
      ALB_H1_BODY_CHUNKED, 0, KA, 0 },
    { "identity only", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", OK, 0,
      ALB_H1_BODY_NONE, 0, KA, 0 },
    { "connection close", "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", OK, 0,
      ALB_H1_BODY_NONE, 0, 0, KA },
    { "http/1.0 default close", "GET / HTTP/1.0\r\n\r\n", OK, 0, ALB_H1_BODY_NONE, 0, 0, KA },
    { "http/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", OK, 0,
      ALB_H1_BODY_NONE, 0, KA, 0 },
    { "expect continue",
      "PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n", OK, 0,
      ALB_H1_BODY_LENGTH, 3, ALB_H1_EXPECT_CONTINUE, 0 },
    { "upgrade", "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
      OK, 0, ALB_H1_BODY_NONE, 0, ALB_H1_UPGRADE, 0 },
    { "connection names a header", "GET / HTTP/1.1\r\nHost: a\r\nConnection: x-foo\r\n\r\n", OK, 0,
      ALB_H1_BODY_NONE, 0, ALB_H1_CONN_TOKENS, 0 },
    { "empty value", "GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\n\r\n", OK, 0, ALB_H1_BODY_NONE, 0,
      KA, 0 },
    { "absolute form", "GET http://a/b?c HTTP/1.1\r\nHost: a\r\n\r\n", OK, 0, ALB_H1_BODY_NONE, 0,
      KA, 0 },
    { "utf-8 in target", "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", OK, 0, ALB_H1_BODY_NONE, 0,
      KA, 0 },
    { "http/1.2 counts as 1.1", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", OK, 0, ALB_H1_BODY_NONE, 0, KA,
      0 },

    /* ambiguous: forwarded, connections closed afterwards */
    { "duplicate identical content-length",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\n", OK, 0,
      ALB_H1_BODY_LENGTH, 4, AMB | ALB_H1_DUP_LENGTH, 0 },
    { "content-length list of equals", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4, 4\r\n\r\n",
      OK, 0, ALB_H1_BODY_LENGTH, 4, AMB, 0 },
    { "get with body", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\n", OK, 0,
      ALB_H1_BODY_LENGTH, 4, AMB, 0 },
    { "get with zero length", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", OK, 0,
      ALB_H1_BODY_LENGTH, 0, 0, AMB },

    /* smuggling shapes: refused */
    { "cl and te",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n", ERR,
      ALB_H1_E_LENGTH_AND_CHUNKED, 0, 0, 0, 0 },
    { "te and cl",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n", ERR,
      ALB_H1_E_LENGTH_AND_CHUNKED, 0, 0, 0, 0 },
    { "identity te with cl",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\nContent-Length: 4\r\n\r\n", ERR,
      ALB_H1_E_LENGTH_AND_CHUNKED, 0, 0, 0, 0 },
    { "differing content-length",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n", ERR,
      ALB_H1_E_CONFLICTING_LENGTH, 0, 0, 0, 0 },
    { "differing content-length list", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4, 5\r\n\r\n",
      ERR, ALB_H1_E_CONFLICTING_LENGTH, 0, 0, 0, 0 },
    { "signed content-length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +4\r\n\r\n", ERR,
      ALB_H1_E_BAD_CONTENT_LENGTH, 0, 0, 0, 0 },
    { "negative content-length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", ERR,
      ALB_H1_E_BAD_CONTENT_LENGTH, 0, 0, 0, 0 },
    { "hex content-length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n", ERR,
      ALB_H1_E_BAD_CONTENT_LENGTH, 0, 0, 0, 0 },
    { "space inside content-length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n",
      ERR, ALB_H1_E_BAD_CONTENT_LENGTH, 0, 0, 0, 0 },
    { "empty content-length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", ERR,
      ALB_H1_E_BAD_CONTENT_LENGTH, 0, 0, 0, 0 },
    { "huge content-length",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", ERR,
      ALB_H1_E_BAD_CONTENT_LENGTH, 0, 0, 0, 0 },
    { "te gzip", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", ERR,
      ALB_H1_E_UNSUPPORTED_ENCODING, 0, 0, 0, 0 },
    { "te gzip, chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
      ERR, ALB_H1_E_UNSUPPORTED_ENCODING, 0, 0, 0, 0 },
    { "te xchunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n", ERR,
      ALB_H1_E_UNSUPPORTED_ENCODING, 0, 0, 0, 0 },
    { "te chunked twice",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: "
      "chunked\r\n\r\n",
      ERR, ALB_H1_E_BAD_TRANSFER_ENCODING, 0, 0, 0, 0 },
    { "te chunked not last",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n", ERR,
      ALB_H1_E_BAD_TRANSFER_ENCODING, 0, 0, 0, 0 },
    { "te chunked with parameter",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;q=1\r\n\r\n", ERR,
      ALB_H1_E_BAD_TRANSFER_ENCODING, 0, 0, 0, 0 },
    { "te in http/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", ERR,
      ALB_H1_E_ENCODING_IN_HTTP10, 0, 0, 0, 0 },
    { "space before colon", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n",
      ERR, ALB_H1_E_MALFORMED, 0, 0, 0, 0 },
    { "tab before colon", "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", ERR, ALB_H1_E_MALFORMED, 0, 0, 0,
      0 },
    { "obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", ERR, ALB_H1_E_OBS_FOLD, 0, 0,
      0, 0 },
    { "obs-fold tab", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n", ERR, ALB_H1_E_OBS_FOLD,
      0, 0, 0, 0 },
    { "fold hiding te", "POST / HTTP/1.1\r\nHost: a\r\nX: y\r\n Transfer-Encoding: chunked\r\n\r\n",
      ERR, ALB_H1_E_OBS_FOLD, 0, 0, 0, 0 },
    { "whitespace before first header", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", ERR,
      ALB_H1_E_OBS_FOLD, 0, 0, 0, 0 },
    { "nul in value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\0c\r\n\r\n", ERR, ALB_H1_E_BAD_CHAR, 0,
      0, 0, 0 },
    { "bare cr in value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n", ERR, ALB_H1_E_BAD_CHAR,
      0, 0, 0, 0 },
    { "bare cr line end", "GET / HTTP/1.1\rHost: a\r\n\r\n", ERR, ALB_H1_E_BAD_CHAR, 0, 0, 0, 0 },
    { "cr in name", "GET / HTTP/1.1\r\nHo\rst: a\r\n\r\n", ERR, ALB_H1_E_BAD_CHAR, 0, 0, 0, 0 },
    { "no colon", "GET / HTTP/1.1\r\nHost: a\r\nGarbage\r\n\r\n", ERR, ALB_H1_E_MALFORMED, 0, 0, 0,
      0 },
    { "empty name", "GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n", ERR, ALB_H1_E_MALFORMED, 0, 0, 0,
      0 },
    { "non-token name", "GET / HTTP/1.1\r\nHost: a\r\nX(y): v\r\n\r\n", ERR, ALB_H1_E_MALFORMED, 0,
      0, 0, 0 },
    { "nul in target", "GET /a\0b HTTP/1.1\r\nHost: a\r\n\r\n", ERR, ALB_H1_E_BAD_CHAR, 0, 0, 0,
      0 },
    { "ctl in target", "GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n", ERR, ALB_H1_E_BAD_CHAR, 0, 0, 0,
      0 },
    { "space in target", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", ERR, ALB_H1_E_BAD_VERSION, 0, 0, 0,
      0 },
    { "two spaces after method", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", ERR, ALB_H1_E_MALFORMED, 0,
      0, 0, 0 },
    { "lowercase version", "GET / http/1.1\r\nHost: a\r\n\r\n", ERR, ALB_H1_E_BAD_VERSION, 0, 0, 0,
      0 },
    { "http/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", ERR, ALB_H1_E_BAD_VERSION, 0, 0, 0, 0 },
    { "http/0.9", "GET /\r\n\r\n", ERR, ALB_H1_E_BAD_VERSION, 0, 0, 0, 0 },
    { "junk after version", "GET / HTTP/1.1x\r\nHost: a\r\n\r\n", ERR, ALB_H1_E_MALFORMED, 0, 0, 0,
      0 },
    { "not http at all", "test\n", ERR, ALB_H1_E_MALFORMED, 0, 0, 0, 0 },
    { "bad method char", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", ERR, ALB_H1_E_MALFORMED, 0, 0, 0, 0 },
    { "no host", "GET / HTTP/1.1\r\n\r\n", ERR, ALB_H1_E_NO_HOST, 0, 0, 0, 0 },
    { "two hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", ERR, ALB_H1_E_MULTIPLE_HOST, 0,
      0, 0, 0 },

    /* incomplete */
    { "partial request line", "GET / HT", AGAIN, 0, 0, 0, 0, 0 },
    { "partial headers", "GET / HTTP/1.1\r\nHost: a\r\n", AGAIN, 0, 0, 0, 0, 0 },
    { "partial final crlf", "GET / HTTP/1.1\r\nHost: a\r\n\r", AGAIN, 0, 0, 0, 0, 0 },
    { "empty", "", AGAIN, 0, 0, 0, 0, 0 },
};

static void check_request(const struct req_case *c, const char *raw, size_t len)
{
    struct alb_h1_header hs[MAXH];
    struct alb_h1_request req = { .headers = hs, .max_headers = MAXH };
    int rc = alb_h1_parse_request(raw, len, &req);
    switch (c->verdict) {
    case OK:
        if (rc != (int)len)
            fail_msg("%s: rc %d (%s), want %zu", c->name, rc, alb_h1_error_name(req.error), len);
        assert_int_equal(req.framing, c->framing);
        if (c->framing == ALB_H1_BODY_LENGTH)
            assert_int_equal(req.content_length, c->length);
        if ((req.flags & c->flags) != c->flags || (req.flags & c->noflags))
            fail_msg("%s: flags %#x", c->name, req.flags);
        break;
    case AGAIN:
        if (rc != DD_AGAIN)
            fail_msg("%s: rc %d, want AGAIN", c->name, rc);
        break;
    case ERR:
        if (rc != DD_ERR || req.error != c->error)
            fail_msg("%s: rc %d error %s, want %s", c->name, rc, alb_h1_error_name(req.error),
                     alb_h1_error_name(c->error));
        break;
    }
}

static void test_request_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(k_requests) / sizeof(k_requests[0]); i++) {
        const struct req_case *c = &k_requests[i];
        /* Lengths are measured up to the end of the literal, NULs included. */
        size_t len = strlen(c->raw);
        if (strstr(c->name, "nul in"))
            len = strlen(c->raw) + 1 + strlen(c->raw + strlen(c->raw) + 1);
        check_request(c, c->raw, len);
    }
}

/* Every prefix of a complete request is AGAIN or the same error. */
static void test_request_prefixes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(k_requests) / sizeof(k_requests[0]); i++) {
        const struct req_case *c = &k_requests[i];
        if (c->verdict == AGAIN || strstr(c->name, "nul in"))
            continue;
        size_t len = strlen(c->raw);
        for (size_t k = 0; k < len; k++) {
            struct alb_h1_header hs[MAXH];
            struct alb_h1_request req = { .headers = hs, .max_headers = MAXH };
            int rc = alb_h1_parse_request(c->raw, k, &req);
            if (rc == DD_AGAIN)
                continue;
            if (c->verdict == ERR && rc == DD_ERR && req.error == c->error)
                continue;
            fail_msg("%s: prefix %zu gave rc %d (%s)", c->name, k, rc,
                     alb_h1_error_name(req.error));
        }
    }
}

static void test_request_fields(void **state)
{
    (void)state;
    static const char raw[] = "POST /a/b?x=1 HTTP/1.1\r\nHost:  example.com \r\n"
                              "X_Bad: 1\r\nCookie: a=b\r\nX-Forwarded-For: 1.2.3.4\r\n"
                              "Content-Length: 2\r\n\r\nhi";
    struct alb_h1_header hs[MAXH];
    struct alb_h1_request req = { .headers = hs, .max_headers = MAXH };
    int rc = alb_h1_parse_request(raw, sizeof(raw) - 1, &req);
    assert_int_equal(rc, sizeof(raw) - 1 - 2);
    assert_int_equal(req.method_len, 4);
    assert_memory_equal(req.method, "POST", 4);
    assert_int_equal(req.target_len, 8);
    assert_memory_equal(req.target, "/a/b?x=1", 8);
    assert_int_equal(req.minor_version, 1);
    assert_int_equal(req.n_headers, 5);
    assert_int_equal(req.host, 0);
    assert_int_equal(hs[0].kind, ALB_H1_H_HOST);
    assert_int_equal(hs[0].value_len, 11);
    assert_memory_equal(hs[0].value, "example.com", 11);
    assert_true(hs[0].valid_name);
    assert_false(hs[1].valid_name);
    assert_int_equal(hs[2].kind, ALB_H1_H_COOKIE);
    assert_int_equal(hs[3].kind, ALB_H1_H_X_FORWARDED_FOR);
    assert_int_equal(hs[4].kind, ALB_H1_H_CONTENT_LENGTH);
    size_t len = 0;
    const char *v = alb_h1_find(hs, req.n_headers, ALB_H1_H_COOKIE, &len);
    assert_non_null(v);
    assert_int_equal(len, 3);
}

/* Limits: 16K per line, 64K per head, checked before the head is complete. */
static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

static int parse_str(const char *s, enum alb_h1_error *err)
{
    struct alb_h1_header hs[MAXH];
    struct alb_h1_request req = { .headers = hs, .max_headers = MAXH };
    int rc = alb_h1_parse_request(s, strlen(s), &req);
    *err = req.error;
    return rc;
}

static void test_limits(void **state)
{
    (void)state;
    enum alb_h1_error err;
    char buf[80 * 1024];

    /* A request line just under 16K is fine; over it is refused. */
    char *path = repeat('a', ALB_H1_MAX_LINE - 20);
    snprintf(buf, sizeof(buf), "GET /%s HTTP/1.1\r\nHost: a\r\n\r\n", path);
    assert_true(parse_str(buf, &err) > 0);
    free(path);
    path = repeat('a', ALB_H1_MAX_LINE);
    snprintf(buf, sizeof(buf), "GET /%s HTTP/1.1\r\nHost: a\r\n\r\n", path);
    assert_int_equal(parse_str(buf, &err), DD_ERR);
    assert_int_equal(err, ALB_H1_E_LINE_TOO_LONG);
    /* ... and already while it is still arriving. */
    snprintf(buf, sizeof(buf), "GET /%s", path);
    assert_int_equal(parse_str(buf, &err), DD_ERR);
    assert_int_equal(err, ALB_H1_E_LINE_TOO_LONG);
    free(path);

    /* One header line over 16K. */
    char *val = repeat('v', ALB_H1_MAX_LINE);
    snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: a\r\nX-Big: %s\r\n\r\n", val);
    assert_int_equal(parse_str(buf, &err), DD_ERR);
    assert_int_equal(err, ALB_H1_E_LINE_TOO_LONG);
    snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: a\r\nX-Big: %s", val);
    assert_int_equal(parse_str(buf, &err), DD_ERR);
    assert_int_equal(err, ALB_H1_E_LINE_TOO_LONG);
    free(val);

    /* Five 15K headers: each line fits, the head does not. */
    val = repeat('v', 15 * 1024);
    size_t off = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: a\r\n");
    for (int i = 0; i < 5; i++)
        off += (size_t)snprintf(buf + off, sizeof(buf) - off, "X-H%d: %s\r\n", i, val);
    snprintf(buf + off, sizeof(buf) - off, "\r\n");
    assert_int_equal(parse_str(buf, &err), DD_ERR);
    assert_int_equal(err, ALB_H1_E_HEAD_TOO_LARGE);
    free(val);

    /* Four fit under 64K. */
    val = repeat('v', 15 * 1024);
    off = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: a\r\n");
    for (int i = 0; i < 4; i++)
        off += (size_t)snprintf(buf + off, sizeof(buf) - off, "X-H%d: %s\r\n", i, val);
    snprintf(buf + off, sizeof(buf) - off, "\r\n");
    assert_true(parse_str(buf, &err) > 0);
    free(val);

    /* More headers than the caller's array. */
    off = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: a\r\n");
    for (int i = 0; i < MAXH; i++)
        off += (size_t)snprintf(buf + off, sizeof(buf) - off, "X-%d: v\r\n", i);
    snprintf(buf + off, sizeof(buf) - off, "\r\n");
    assert_int_equal(parse_str(buf, &err), DD_ERR);
    assert_int_equal(err, ALB_H1_E_TOO_MANY_HEADERS);
}

static void test_error_status(void **state)
{
    (void)state;
    assert_int_equal(alb_h1_error_status(ALB_H1_E_UNSUPPORTED_ENCODING), 501);
    assert_int_equal(alb_h1_error_status(ALB_H1_E_LENGTH_AND_CHUNKED), 400);
    assert_int_equal(alb_h1_error_status(ALB_H1_E_LINE_TOO_LONG), 400);
    assert_string_equal(alb_h1_error_name(ALB_H1_E_OBS_FOLD), "MultilineHeader");
}

/* ---- responses --------------------------------------------------------- */

struct resp_case {
    const char *name;
    const char *raw;
    bool head;
    enum verdict verdict;
    int status;
    enum alb_h1_framing framing;
    uint64_t length;
    bool keep_alive;
};

static const struct resp_case k_responses[] = {
    { "200 length", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", false, OK, 200,
      ALB_H1_BODY_LENGTH, 3, true },
    { "chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false, OK, 200,
      ALB_H1_BODY_CHUNKED, 0, true },
    { "chunked beats length",
      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", false, OK, 200,
      ALB_H1_BODY_CHUNKED, 0, true },
    { "gzip coding runs to close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false, OK,
      200, ALB_H1_BODY_CLOSE, 0, false },
    { "no framing runs to close", "HTTP/1.1 200 OK\r\n\r\n", false, OK, 200, ALB_H1_BODY_CLOSE, 0,
      false },
    { "http/1.0 close", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n", false, OK, 200,
      ALB_H1_BODY_LENGTH, 1, false },
    { "http/1.0 keep-alive",
      "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\n", false, OK, 200,
      ALB_H1_BODY_LENGTH, 1, true },
    { "connection close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n",
      false, OK, 200, ALB_H1_BODY_LENGTH, 1, false },
    { "204", "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", false, OK, 204,
      ALB_H1_BODY_NONE, 0, true },
    { "304", "HTTP/1.1 304 Not Modified\r\n\r\n", false, OK, 304, ALB_H1_BODY_NONE, 0, true },
    { "100 continue", "HTTP/1.1 100 Continue\r\n\r\n", false, OK, 100, ALB_H1_BODY_NONE, 0, true },
    { "head", "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", true, OK, 200, ALB_H1_BODY_NONE, 0,
      true },
    { "no reason", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", false, OK, 200, ALB_H1_BODY_LENGTH,
      0, true },
    { "empty reason", "HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n", false, OK, 404,
      ALB_H1_BODY_LENGTH, 0, true },
    { "bare lf", "HTTP/1.1 200 OK\nContent-Length: 0\n\n", false, OK, 200, ALB_H1_BODY_LENGTH, 0,
      true },
    { "conflicting length", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      false, ERR, 0, 0, 0, false },
    { "bad length", "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", false, ERR, 0, 0, 0, false },
    { "two status digits", "HTTP/1.1 20 OK\r\n\r\n", false, ERR, 0, 0, 0, false },
    { "status below 100", "HTTP/1.1 099 OK\r\n\r\n", false, ERR, 0, 0, 0, false },
    { "not http", "SSH-2.0-OpenSSH\r\n\r\n", false, ERR, 0, 0, 0, false },
    { "http/2", "HTTP/2.0 200 OK\r\n\r\n", false, ERR, 0, 0, 0, false },
    { "obs-fold", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", false, ERR, 0, 0, 0, false },
    { "partial", "HTTP/1.1 200 OK\r\nContent-", false, AGAIN, 0, 0, 0, false },
};

static void test_response_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(k_responses) / sizeof(k_responses[0]); i++) {
        const struct resp_case *c = &k_responses[i];
        struct alb_h1_header hs[MAXH];
        struct alb_h1_response resp = { .headers = hs, .max_headers = MAXH };
        size_t len = strlen(c->raw);
        int rc = alb_h1_parse_response(c->raw, len, c->head, &resp);
        switch (c->verdict) {
        case OK:
            if (rc != (int)len)
                fail_msg("%s: rc %d (%s)", c->name, rc, alb_h1_error_name(resp.error));
            assert_int_equal(resp.status, c->status);
            if (resp.framing != c->framing)
                fail_msg("%s: framing %d", c->name, resp.framing);
            if (c->framing == ALB_H1_BODY_LENGTH)
                assert_int_equal(resp.content_length, c->length);
            if (!!(resp.flags & ALB_H1_KEEP_ALIVE) != c->keep_alive)
                fail_msg("%s: keep-alive %d", c->name, !!(resp.flags & ALB_H1_KEEP_ALIVE));
            break;
        case AGAIN:
            assert_int_equal(rc, DD_AGAIN);
            break;
        case ERR:
            if (rc != DD_ERR)
                fail_msg("%s: rc %d, want ERR", c->name, rc);
            break;
        }
    }
}

static void test_response_reason(void **state)
{
    (void)state;
    static const char raw[] = "HTTP/1.1 418 I'm a teapot\r\nX: y\r\n\r\n";
    struct alb_h1_header hs[MAXH];
    struct alb_h1_response resp = { .headers = hs, .max_headers = MAXH };
    assert_int_equal(alb_h1_parse_response(raw, sizeof(raw) - 1, false, &resp), sizeof(raw) - 1);
    assert_int_equal(resp.reason_len, 12);
    assert_memory_equal(resp.reason, "I'm a teapot", 12);
    assert_int_equal(resp.n_headers, 1);
}

/* ---- chunked ----------------------------------------------------------- */

struct chunk_case {
    const char *name;
    const char *body; /* followed by "NEXT" when the body ends */
    int verdict;      /* 1 ended (then the body is everything before NEXT), 0 more, DD_ERR */
};

static const struct chunk_case k_chunks[] = {
    { "one chunk", "5\r\nhello\r\n0\r\n\r\nNEXT", 1 },
    { "two chunks", "5\r\nhello\r\n1\r\n!\r\n0\r\n\r\nNEXT", 1 },
    { "hex sizes", "a\r\n0123456789\r\nA\r\n0123456789\r\n0\r\n\r\nNEXT", 1 },
    { "empty body", "0\r\n\r\nNEXT", 1 },
    { "extension", "5;name=value\r\nhello\r\n0;x\r\n\r\nNEXT", 1 },
    { "bws before extension", "5 ;a=b\r\nhello\r\n0\r\n\r\nNEXT", 1 },
    { "trailers", "5\r\nhello\r\n0\r\nX-Sum: 1\r\nY: 2\r\n\r\nNEXT", 1 },
    { "leading zeros", "0005\r\nhello\r\n0\r\n\r\nNEXT", 1 },
    { "incomplete", "5\r\nhel", 0 },
    { "incomplete trailer", "0\r\nX: y\r\n", 0 },
    { "bare lf after size", "5\nhello\r\n0\r\n\r\n", DD_ERR },
    { "bare lf after data", "5\r\nhello\n0\r\n\r\n", DD_ERR },
    { "data longer than size", "5\r\nhello!\r\n0\r\n\r\n", DD_ERR },
    { "no size", "\r\nhello\r\n", DD_ERR },
    { "negative size", "-5\r\nhello\r\n0\r\n\r\n", DD_ERR },
    { "0x prefix", "0x5\r\nhello\r\n0\r\n\r\n", DD_ERR },
    { "size overflow", "10000000000000000\r\n", DD_ERR },
    { "space inside size", "1 0\r\n", DD_ERR },
    { "ctl in extension", "5;a\x01\r\nhello\r\n", DD_ERR },
    { "folded trailer", "0\r\nX: y\r\n z\r\n\r\n", DD_ERR },
    { "cr not followed by lf", "5\rhello", DD_ERR },
};

static int scan_all(const char *s, size_t len, size_t step, size_t *body_len)
{
    struct alb_h1_chunked c;
    memset(&c, 0, sizeof(c));
    size_t off = 0;
    while (off < len) {
        size_t n = len - off < step ? len - off : step;
        size_t used = 0;
        int rc = alb_h1_chunked_scan(&c, s + off, n, &used);
        if (rc == DD_ERR)
            return rc;
        if (rc == 1) {
            *body_len = off + used;
            return 1;
        }
        assert_int_equal(used, n);
        off += n;
    }
    return 0;
}

static void test_chunked_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(k_chunks) / sizeof(k_chunks[0]); i++) {
        const struct chunk_case *c = &k_chunks[i];
        size_t len = strlen(c->body);
        /* Whole, and one byte at a time: the verdict must not depend on it. */
        static const size_t steps[] = { 1, 3, 1 << 20 };
        for (size_t s = 0; s < 3; s++) {
            size_t body = 0;
            int rc = scan_all(c->body, len, steps[s], &body);
            if (rc != c->verdict)
                fail_msg("%s (step %zu): rc %d, want %d", c->name, steps[s], rc, c->verdict);
            if (rc == 1)
                assert_int_equal(body, len - 4); /* everything but "NEXT" */
        }
    }
}

static void test_list_has(void **state)
{
    (void)state;
    assert_true(alb_h1_list_has("keep-alive, Close", 17, "close"));
    assert_true(alb_h1_list_has(" close ", 7, "close"));
    assert_false(alb_h1_list_has("closed", 6, "close"));
    assert_false(alb_h1_list_has("", 0, "close"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_table),   cmocka_unit_test(test_request_prefixes),
        cmocka_unit_test(test_request_fields),  cmocka_unit_test(test_limits),
        cmocka_unit_test(test_error_status),    cmocka_unit_test(test_response_table),
        cmocka_unit_test(test_response_reason), cmocka_unit_test(test_chunked_table),
        cmocka_unit_test(test_list_has),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
