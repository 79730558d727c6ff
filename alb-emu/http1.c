/*
 * The HTTP/1.x head parser and chunked scanner (see http1.h for the rules
 * and the ALB behaviour they reproduce).
 *
 * A head is parsed line by line: memchr finds each LF (fast, vectorised),
 * then one pass over the line checks its bytes against a class table and
 * records the name and trimmed value. Framing is decided after the last
 * line, from the Content-Length / Transfer-Encoding headers the pass
 * classified, so a header's position never changes the verdict.
 */
#include "alb-emu/http1.h"

#include <string.h>
#include <strings.h>

#include "common/err.h"

/* Byte classes. */
#define C_TCHAR 0x01u /* token character (RFC 9110 tchar) */
#define C_VALID 0x02u /* [-A-Za-z0-9]: what ELB calls a valid header name */
#define C_VCHAR 0x04u /* may appear in a field value: VCHAR, obs-text, SP, HT */
#define C_URI   0x08u /* may appear in a request-target: VCHAR and obs-text */
#define C_CTL   0x10u /* control character (not HT), DEL */

/* Byte classes, one table (generated from the definitions above): bit 1
 * tchar, 2 [-A-Za-z0-9], 4 field-value byte, 8 request-target byte, 16 CTL. */
static const unsigned char k_class[256] = {
    16, 16, 16, 16, 16, 16, 16, 16, 16, 4,  16, 16, 16, 16, 16, 16, /* 00 */
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, /* 10 */
    4,  13, 12, 13, 13, 13, 13, 13, 12, 12, 13, 13, 12, 15, 13, 12, /* 20 */
    15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 12, 12, 12, 12, 12, 12, /* 30 */
    12, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, /* 40 */
    15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 12, 12, 12, 13, 13, /* 50 */
    13, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, /* 60 */
    15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 12, 13, 12, 13, 16, /* 70 */
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, /* 80 */
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, /* 90 */
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, /* a0 */
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, /* b0 */
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, /* c0 */
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, /* d0 */
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, /* e0 */
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, /* f0 */
};

static inline unsigned cls(char c)
{
    return k_class[(unsigned char)c];
}

/* ---- names ------------------------------------------------------------- */

struct known_header {
    const char *name;
    unsigned len;
    enum alb_h1_kind kind;
};

static const struct known_header k_known[] = {
    { "host", 4, ALB_H1_H_HOST },
    { "content-length", 14, ALB_H1_H_CONTENT_LENGTH },
    { "transfer-encoding", 17, ALB_H1_H_TRANSFER_ENCODING },
    { "connection", 10, ALB_H1_H_CONNECTION },
    { "keep-alive", 10, ALB_H1_H_KEEP_ALIVE },
    { "proxy-connection", 16, ALB_H1_H_PROXY_CONNECTION },
    { "upgrade", 7, ALB_H1_H_UPGRADE },
    { "te", 2, ALB_H1_H_TE },
    { "expect", 6, ALB_H1_H_EXPECT },
    { "cookie", 6, ALB_H1_H_COOKIE },
    { "set-cookie", 10, ALB_H1_H_SET_COOKIE },
    { "user-agent", 10, ALB_H1_H_USER_AGENT },
    { "x-forwarded-for", 15, ALB_H1_H_X_FORWARDED_FOR },
    { "x-forwarded-proto", 17, ALB_H1_H_X_FORWARDED_PROTO },
    { "x-forwarded-port", 16, ALB_H1_H_X_FORWARDED_PORT },
    { "x-amzn-trace-id", 15, ALB_H1_H_X_AMZN_TRACE_ID },
};

static enum alb_h1_kind classify(const char *name, size_t len)
{
    /* The first letter and the length rule out almost every name at once. */
    char f = (char)(name[0] | 0x20);
    for (size_t i = 0; i < DD_ARRAY_LEN(k_known); i++)
        if (k_known[i].len == len && k_known[i].name[0] == f &&
            strncasecmp(k_known[i].name, name, len) == 0)
            return k_known[i].kind;
    return ALB_H1_H_OTHER;
}

static bool token_eq(const char *s, size_t len, const char *token)
{
    size_t tl = strlen(token);
    return len == tl && strncasecmp(s, token, len) == 0;
}

/* Calls fn for each trimmed, non-empty element of a comma list. Returns
 * false as soon as fn does. */
typedef bool (*list_fn)(void *ctx, const char *s, size_t len);

static bool list_each(const char *v, size_t len, list_fn fn, void *ctx)
{
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && v[j] != ',')
            j++;
        size_t a = i, b = j;
        while (a < b && (v[a] == ' ' || v[a] == '\t'))
            a++;
        while (b > a && (v[b - 1] == ' ' || v[b - 1] == '\t'))
            b--;
        if (b > a && !fn(ctx, v + a, b - a))
            return false;
        i = j + 1;
    }
    return true;
}

struct has_ctx {
    const char *token;
    bool found;
};

static bool has_cb(void *ctx, const char *s, size_t len)
{
    struct has_ctx *h = ctx;
    if (token_eq(s, len, h->token)) {
        h->found = true;
        return false;
    }
    return true;
}

bool alb_h1_list_has(const char *value, size_t len, const char *token)
{
    struct has_ctx h = { token, false };
    list_each(value, len, has_cb, &h);
    return h.found;
}

const char *alb_h1_find(const struct alb_h1_header *hs, size_t n, enum alb_h1_kind k, size_t *len)
{
    for (size_t i = 0; i < n; i++)
        if (hs[i].kind == k) {
            *len = hs[i].value_len;
            return hs[i].value;
        }
    return NULL;
}

/* ---- header lines ------------------------------------------------------ */

/* Limit checks for an incomplete head: the line in progress starts at
 * line_start, the buffer ends at len. */
static int incomplete(size_t line_start, size_t len, enum alb_h1_error *err)
{
    if (len - line_start > ALB_H1_MAX_LINE) {
        *err = ALB_H1_E_LINE_TOO_LONG;
        return DD_ERR;
    }
    if (len > ALB_H1_MAX_HEAD) {
        *err = ALB_H1_E_HEAD_TOO_LARGE;
        return DD_ERR;
    }
    return DD_AGAIN;
}

/*
 * Parses header lines from pos up to and including the empty line. Returns
 * the head length, DD_AGAIN or DD_ERR (*err set).
 */
static int parse_headers(const char *buf, size_t len, size_t pos, struct alb_h1_header *hs,
                         size_t max, size_t *nout, enum alb_h1_error *err)
{
    size_t n = 0;
    for (;;) {
        if (pos >= len)
            return incomplete(pos, len, err);
        /* The empty line ends the head. */
        if (buf[pos] == '\n' || buf[pos] == '\r') {
            size_t end;
            if (buf[pos] == '\n') {
                end = pos + 1;
            } else {
                if (pos + 1 >= len)
                    return incomplete(pos, len, err);
                if (buf[pos + 1] != '\n') {
                    *err = ALB_H1_E_BAD_CHAR;
                    return DD_ERR;
                }
                end = pos + 2;
            }
            if (end > ALB_H1_MAX_HEAD) {
                *err = ALB_H1_E_HEAD_TOO_LARGE;
                return DD_ERR;
            }
            *nout = n;
            return (int)end;
        }
        if (buf[pos] == ' ' || buf[pos] == '\t') {
            *err = ALB_H1_E_OBS_FOLD;
            return DD_ERR;
        }
        const char *lf = memchr(buf + pos, '\n', len - pos);
        size_t line_end = lf ? (size_t)(lf - buf) : len; /* index of LF, or len */

        /* Name: tchar up to the colon. */
        size_t i = pos;
        bool valid = true;
        while (i < line_end && (cls(buf[i]) & C_TCHAR)) {
            if (!(cls(buf[i]) & C_VALID))
                valid = false;
            i++;
        }
        if (i == line_end) {
            if (!lf)
                return incomplete(pos, len, err);
            *err = ALB_H1_E_MALFORMED; /* a line without a colon */
            return DD_ERR;
        }
        if (buf[i] != ':' || i == pos) {
            /* Whitespace before the colon, an empty name, or a byte that is
             * not a token character. A CR that ends the line ends a line
             * without a colon. */
            bool eol_cr = buf[i] == '\r' && i + 1 == line_end;
            if (eol_cr && !lf)
                return incomplete(pos, len, err);
            *err = (buf[i] == '\0' || (buf[i] == '\r' && !eol_cr)) ? ALB_H1_E_BAD_CHAR
                                                                   : ALB_H1_E_MALFORMED;
            return DD_ERR;
        }
        size_t name_end = i++;
        while (i < line_end && (buf[i] == ' ' || buf[i] == '\t'))
            i++;
        size_t vstart = i;
        size_t vend = i;
        for (; i < line_end; i++) {
            char c = buf[i];
            if (c == '\r') {
                if (i + 1 == line_end && lf)
                    break; /* the CR of CRLF */
                if (i + 1 == len)
                    break; /* maybe the CR of CRLF: decided when LF arrives */
                *err = ALB_H1_E_BAD_CHAR;
                return DD_ERR;
            }
            if (c == '\0') {
                *err = ALB_H1_E_BAD_CHAR;
                return DD_ERR;
            }
            if (c != ' ' && c != '\t')
                vend = i + 1;
        }
        if (!lf)
            return incomplete(pos, len, err);
        if (line_end + 1 - pos > ALB_H1_MAX_LINE) {
            *err = ALB_H1_E_LINE_TOO_LONG;
            return DD_ERR;
        }
        if (line_end + 1 > ALB_H1_MAX_HEAD) {
            *err = ALB_H1_E_HEAD_TOO_LARGE;
            return DD_ERR;
        }
        if (n == max) {
            *err = ALB_H1_E_TOO_MANY_HEADERS;
            return DD_ERR;
        }
        struct alb_h1_header *h = &hs[n++];
        h->name = buf + pos;
        h->name_len = (uint32_t)(name_end - pos);
        h->value = buf + vstart;
        h->value_len = (uint32_t)(vend - vstart);
        h->kind = classify(h->name, h->name_len);
        h->valid_name = valid;
        pos = line_end + 1;
    }
}

/* ---- framing ----------------------------------------------------------- */

/* Content-Length: a comma list of identical decimal values. */
struct cl_ctx {
    bool seen;
    bool dup;
    bool bad;
    bool conflict;
    uint64_t value;
};

static bool cl_cb(void *ctx, const char *s, size_t len)
{
    struct cl_ctx *c = ctx;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9' || v > UINT64_C(99999999999999999)) {
            c->bad = true;
            return false;
        }
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (c->seen) {
        if (v != c->value) {
            c->conflict = true;
            return false;
        }
        c->dup = true;
    }
    c->seen = true;
    c->value = v;
    return true;
}

/* Transfer-Encoding: codings in order over every header. */
struct te_ctx {
    int chunked;       /* times "chunked" appeared */
    bool after_chunk;  /* a coding follows chunked */
    bool unsupported;  /* a coding other than chunked / identity */
    bool last_chunked; /* the final coding is chunked */
    bool bad;          /* parameters on chunked, ... */
};

static bool te_cb(void *ctx, const char *s, size_t len)
{
    struct te_ctx *t = ctx;
    if (t->chunked)
        t->after_chunk = true;
    if (token_eq(s, len, "chunked")) {
        t->chunked++;
        t->after_chunk = false;
        t->last_chunked = true;
        return true;
    }
    t->last_chunked = false;
    if (token_eq(s, len, "identity"))
        return true;
    /* "chunked;x=y" and friends are refused outright rather than guessed. */
    if (len >= 7 && strncasecmp(s, "chunked", 7) == 0)
        t->bad = true;
    else
        t->unsupported = true;
    return true;
}

/* Connection options. */
struct conn_ctx {
    bool close, keep_alive, upgrade, others;
};

static bool conn_cb(void *ctx, const char *s, size_t len)
{
    struct conn_ctx *c = ctx;
    if (token_eq(s, len, "close"))
        c->close = true;
    else if (token_eq(s, len, "keep-alive"))
        c->keep_alive = true;
    else if (token_eq(s, len, "upgrade"))
        c->upgrade = true;
    else
        c->others = true;
    return true;
}

/* What the headers say about framing and the connection. */
struct head_facts {
    struct cl_ctx cl;
    struct te_ctx te;
    bool has_te;
    struct conn_ctx conn;
    bool has_upgrade;
    bool expect_continue;
    int host;
    int n_host;
};

static void gather(const struct alb_h1_header *hs, size_t n, struct head_facts *f)
{
    memset(f, 0, sizeof(*f));
    f->host = -1;
    for (size_t i = 0; i < n; i++) {
        const struct alb_h1_header *h = &hs[i];
        switch (h->kind) {
        case ALB_H1_H_CONTENT_LENGTH:
            if (h->value_len == 0)
                f->cl.bad = true;
            else if (!f->cl.bad && !f->cl.conflict)
                list_each(h->value, h->value_len, cl_cb, &f->cl);
            break;
        case ALB_H1_H_TRANSFER_ENCODING:
            f->has_te = true;
            list_each(h->value, h->value_len, te_cb, &f->te);
            break;
        case ALB_H1_H_CONNECTION:
            list_each(h->value, h->value_len, conn_cb, &f->conn);
            break;
        case ALB_H1_H_UPGRADE:
            f->has_upgrade = true;
            break;
        case ALB_H1_H_EXPECT:
            if (token_eq(h->value, h->value_len, "100-continue"))
                f->expect_continue = true;
            break;
        case ALB_H1_H_HOST:
            if (f->host < 0)
                f->host = (int)i;
            f->n_host++;
            break;
        default:
            break;
        }
    }
}

/* ---- requests ---------------------------------------------------------- */

static int fail(enum alb_h1_error *slot, enum alb_h1_error e)
{
    *slot = e;
    return DD_ERR;
}

/* "HTTP/1.x" at buf[i..]; returns the index after it, or DD_AGAIN / DD_ERR. */
static int parse_version(const char *buf, size_t len, size_t i, int *minor, enum alb_h1_error *err)
{
    static const char proto[] = "HTTP/";
    for (size_t k = 0; k < 5; k++, i++) {
        if (i >= len)
            return DD_AGAIN;
        if (buf[i] != proto[k])
            return fail(err, ALB_H1_E_BAD_VERSION);
    }
    if (i + 3 > len)
        return DD_AGAIN;
    if (buf[i] != '1' || buf[i + 1] != '.' || buf[i + 2] < '0' || buf[i + 2] > '9')
        return fail(err, ALB_H1_E_BAD_VERSION);
    *minor = buf[i + 2] == '0' ? 0 : 1;
    return (int)(i + 3);
}

/* The line end at i: CRLF or LF. Returns the index after it. */
static int line_end(const char *buf, size_t len, size_t i, enum alb_h1_error *err)
{
    if (i >= len)
        return DD_AGAIN;
    if (buf[i] == '\n')
        return (int)(i + 1);
    if (buf[i] != '\r')
        return fail(err, (cls(buf[i]) & C_CTL) ? ALB_H1_E_BAD_CHAR : ALB_H1_E_MALFORMED);
    if (i + 1 >= len)
        return DD_AGAIN;
    if (buf[i + 1] != '\n')
        return fail(err, ALB_H1_E_BAD_CHAR);
    return (int)(i + 2);
}

int alb_h1_parse_request(const char *buf, size_t len, struct alb_h1_request *req)
{
    req->n_headers = 0;
    req->error = ALB_H1_E_NONE;
    req->flags = 0;
    req->framing = ALB_H1_BODY_NONE;
    req->content_length = 0;
    req->host = -1;
    req->head_len = 0;

    /* Empty lines before the request line are ignored (RFC 9112 2.2). */
    size_t i = 0;
    while (i < len && (buf[i] == '\r' || buf[i] == '\n')) {
        if (buf[i] == '\r' && i + 1 < len && buf[i + 1] != '\n')
            return fail(&req->error, ALB_H1_E_BAD_CHAR);
        i++;
    }
    size_t line_start = i;
    int rc;

    /* method SP */
    size_t m = i;
    while (i < len && (cls(buf[i]) & C_TCHAR))
        i++;
    if (i >= len)
        goto again;
    if (buf[i] != ' ' || i == m) {
        bool ctl = (cls(buf[i]) & C_CTL) && buf[i] != '\r' && buf[i] != '\n';
        return fail(&req->error, ctl ? ALB_H1_E_BAD_CHAR : ALB_H1_E_MALFORMED);
    }
    req->method = buf + m;
    req->method_len = i - m;
    i++;

    /* request-target SP */
    size_t t = i;
    while (i < len && (cls(buf[i]) & C_URI))
        i++;
    if (i >= len)
        goto again;
    if (buf[i] != ' ' || i == t) {
        if (buf[i] == '\r' || buf[i] == '\n')
            return fail(&req->error, ALB_H1_E_BAD_VERSION); /* HTTP/0.9 */
        return fail(&req->error, (cls(buf[i]) & C_CTL) ? ALB_H1_E_BAD_CHAR : ALB_H1_E_MALFORMED);
    }
    req->target = buf + t;
    req->target_len = i - t;
    i++;

    rc = parse_version(buf, len, i, &req->minor_version, &req->error);
    if (rc == DD_AGAIN)
        goto again;
    if (rc < 0)
        return rc;
    rc = line_end(buf, len, (size_t)rc, &req->error);
    if (rc == DD_AGAIN)
        goto again;
    if (rc < 0)
        return rc;
    if ((size_t)rc - line_start > ALB_H1_MAX_LINE)
        return fail(&req->error, ALB_H1_E_LINE_TOO_LONG);

    rc = parse_headers(buf, len, (size_t)rc, req->headers, req->max_headers, &req->n_headers,
                       &req->error);
    if (rc < 0)
        return rc;
    req->head_len = (size_t)rc;

    struct head_facts f;
    gather(req->headers, req->n_headers, &f);
    if (f.n_host > 1)
        return fail(&req->error, ALB_H1_E_MULTIPLE_HOST);
    if (f.n_host == 0 && req->minor_version >= 1)
        return fail(&req->error, ALB_H1_E_NO_HOST);
    req->host = f.host;
    if (f.cl.bad)
        return fail(&req->error, ALB_H1_E_BAD_CONTENT_LENGTH);
    if (f.cl.conflict)
        return fail(&req->error, ALB_H1_E_CONFLICTING_LENGTH);
    if (f.has_te) {
        if (f.te.unsupported)
            return fail(&req->error, ALB_H1_E_UNSUPPORTED_ENCODING);
        if (f.te.bad || f.te.chunked > 1 || f.te.after_chunk)
            return fail(&req->error, ALB_H1_E_BAD_TRANSFER_ENCODING);
        if (f.cl.seen)
            return fail(&req->error, ALB_H1_E_LENGTH_AND_CHUNKED);
        if (req->minor_version == 0)
            return fail(&req->error, ALB_H1_E_ENCODING_IN_HTTP10);
        if (f.te.chunked)
            req->framing = ALB_H1_BODY_CHUNKED;
    } else if (f.cl.seen) {
        req->framing = ALB_H1_BODY_LENGTH;
        req->content_length = f.cl.value;
    }
    if (f.cl.dup)
        req->flags |= ALB_H1_DUP_LENGTH | ALB_H1_AMBIGUOUS;
    /* A body on GET or HEAD has no defined semantics: servers disagree on
     * whether to read it (UndefinedContentLengthSemantics). */
    bool get_head = (req->method_len == 3 && memcmp(req->method, "GET", 3) == 0) ||
                    (req->method_len == 4 && memcmp(req->method, "HEAD", 4) == 0);
    if (get_head && (req->framing == ALB_H1_BODY_CHUNKED ||
                     (req->framing == ALB_H1_BODY_LENGTH && req->content_length > 0)))
        req->flags |= ALB_H1_AMBIGUOUS;
    if (req->minor_version >= 1 ? !f.conn.close : (f.conn.keep_alive && !f.conn.close))
        req->flags |= ALB_H1_KEEP_ALIVE;
    if (f.expect_continue)
        req->flags |= ALB_H1_EXPECT_CONTINUE;
    if (f.conn.upgrade && f.has_upgrade)
        req->flags |= ALB_H1_UPGRADE;
    if (f.conn.others)
        req->flags |= ALB_H1_CONN_TOKENS;
    return rc;

again:
    return incomplete(line_start, len, &req->error);
}

/* ---- responses --------------------------------------------------------- */

int alb_h1_parse_response(const char *buf, size_t len, bool head_request,
                          struct alb_h1_response *resp)
{
    resp->n_headers = 0;
    resp->error = ALB_H1_E_NONE;
    resp->flags = 0;
    resp->framing = ALB_H1_BODY_NONE;
    resp->content_length = 0;
    resp->head_len = 0;

    int rc = parse_version(buf, len, 0, &resp->minor_version, &resp->error);
    if (rc == DD_AGAIN)
        return incomplete(0, len, &resp->error);
    if (rc < 0)
        return rc;
    size_t i = (size_t)rc;
    if (i + 4 > len)
        return incomplete(0, len, &resp->error);
    if (buf[i] != ' ')
        return fail(&resp->error, ALB_H1_E_MALFORMED);
    int status = 0;
    for (size_t k = 1; k <= 3; k++) {
        if (buf[i + k] < '0' || buf[i + k] > '9')
            return fail(&resp->error, ALB_H1_E_MALFORMED);
        status = status * 10 + (buf[i + k] - '0');
    }
    if (status < 100)
        return fail(&resp->error, ALB_H1_E_MALFORMED);
    resp->status = status;
    i += 4;
    size_t r = i;
    if (i < len && buf[i] == ' ') {
        r = ++i;
        while (i < len && (cls(buf[i]) & C_VCHAR))
            i++;
    }
    resp->reason = buf + r;
    resp->reason_len = i - r;
    rc = line_end(buf, len, i, &resp->error);
    if (rc == DD_AGAIN)
        return incomplete(0, len, &resp->error);
    if (rc < 0)
        return rc;
    if ((size_t)rc > ALB_H1_MAX_LINE)
        return fail(&resp->error, ALB_H1_E_LINE_TOO_LONG);

    rc = parse_headers(buf, len, (size_t)rc, resp->headers, resp->max_headers, &resp->n_headers,
                       &resp->error);
    if (rc < 0)
        return rc;
    resp->head_len = (size_t)rc;

    struct head_facts f;
    gather(resp->headers, resp->n_headers, &f);
    if (f.conn.others)
        resp->flags |= ALB_H1_CONN_TOKENS;
    if (f.conn.upgrade && f.has_upgrade)
        resp->flags |= ALB_H1_UPGRADE;
    bool keep = resp->minor_version >= 1 ? !f.conn.close : (f.conn.keep_alive && !f.conn.close);

    if (head_request || (status >= 100 && status < 200) || status == 204 || status == 304) {
        resp->framing = ALB_H1_BODY_NONE;
    } else if (f.has_te) {
        if (f.te.chunked > 1 || f.te.bad || f.te.after_chunk)
            return fail(&resp->error, ALB_H1_E_BAD_TRANSFER_ENCODING);
        /* Chunked as the final coding frames the body and overrides any
         * Content-Length; any other coding runs to the close. */
        resp->framing = f.te.last_chunked ? ALB_H1_BODY_CHUNKED : ALB_H1_BODY_CLOSE;
    } else if (f.cl.bad || f.cl.conflict) {
        return fail(&resp->error,
                    f.cl.bad ? ALB_H1_E_BAD_CONTENT_LENGTH : ALB_H1_E_CONFLICTING_LENGTH);
    } else if (f.cl.seen) {
        resp->framing = ALB_H1_BODY_LENGTH;
        resp->content_length = f.cl.value;
    } else {
        resp->framing = ALB_H1_BODY_CLOSE;
    }
    if (f.cl.dup)
        resp->flags |= ALB_H1_DUP_LENGTH;
    if (keep && resp->framing != ALB_H1_BODY_CLOSE)
        resp->flags |= ALB_H1_KEEP_ALIVE;
    return rc;
}

/* ---- errors ------------------------------------------------------------ */

int alb_h1_error_status(enum alb_h1_error e)
{
    return e == ALB_H1_E_UNSUPPORTED_ENCODING ? 501 : 400;
}

const char *alb_h1_error_name(enum alb_h1_error e)
{
    static const char *const names[] = {
        "None",
        "Malformed",
        "BadCharacter",
        "LineTooLong",
        "HeadTooLarge",
        "TooManyHeaders",
        "BadVersion",
        "MultilineHeader",
        "BadContentLength",
        "MultipleContentLength",
        "BothTeClPresent",
        "BadTransferEncoding",
        "UnsupportedTransferEncoding",
        "TransferEncodingInHttp10",
        "MissingHost",
        "MultipleHost",
    };
    return (unsigned)e < DD_ARRAY_LEN(names) ? names[e] : "Unknown";
}

/* ---- chunked ----------------------------------------------------------- */

enum {
    CH_SIZE_FIRST, /* first hex digit of a chunk size */
    CH_SIZE,       /* more hex digits */
    CH_SIZE_WS,    /* whitespace after the size: only ';' may follow */
    CH_EXT,        /* chunk extensions up to CR */
    CH_SIZE_LF,    /* the LF after the size line's CR */
    CH_DATA,       /* remaining data bytes */
    CH_DATA_CR,    /* CR after the data */
    CH_DATA_LF,    /* LF after the data */
    CH_TRAILER,    /* start of a trailer line or of the final empty line */
    CH_TRAILER_IN, /* inside a trailer line */
    CH_TRAILER_LF, /* LF ending a trailer line */
    CH_END_LF,     /* LF of the final empty line */
    CH_DONE
};

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int alb_h1_chunked_scan(struct alb_h1_chunked *c, const char *buf, size_t len, size_t *consumed)
{
    size_t i = 0;
    while (i < len) {
        char ch = buf[i];
        switch (c->state) {
        case CH_SIZE_FIRST:
        case CH_SIZE: {
            int v = hexval(ch);
            if (v >= 0) {
                if (c->line_len >= 15)
                    return DD_ERR; /* a size beyond 2^60 is an attack, not a body */
                c->remaining = c->remaining * 16 + (uint64_t)v;
                c->state = CH_SIZE;
            } else if (c->state == CH_SIZE_FIRST) {
                return DD_ERR;
            } else if (ch == ';') {
                c->state = CH_EXT;
            } else if (ch == ' ' || ch == '\t') {
                c->state = CH_SIZE_WS;
            } else if (ch == '\r') {
                c->state = CH_SIZE_LF;
            } else {
                return DD_ERR;
            }
            c->line_len++;
            i++;
            break;
        }
        case CH_SIZE_WS:
            if (ch == ';')
                c->state = CH_EXT;
            else if (ch != ' ' && ch != '\t')
                return DD_ERR;
            c->line_len++;
            i++;
            break;
        case CH_EXT:
            if (ch == '\r')
                c->state = CH_SIZE_LF;
            else if (cls(ch) & C_CTL)
                return DD_ERR;
            if (++c->line_len > ALB_H1_MAX_CHUNK_LINE)
                return DD_ERR;
            i++;
            break;
        case CH_SIZE_LF:
            if (ch != '\n')
                return DD_ERR;
            i++;
            c->line_len = 0;
            c->state = c->remaining ? CH_DATA : CH_TRAILER;
            break;
        case CH_DATA: {
            size_t take = len - i;
            if ((uint64_t)take > c->remaining)
                take = (size_t)c->remaining;
            c->remaining -= take;
            i += take;
            if (c->remaining == 0)
                c->state = CH_DATA_CR;
            break;
        }
        case CH_DATA_CR:
            if (ch != '\r')
                return DD_ERR;
            c->state = CH_DATA_LF;
            i++;
            break;
        case CH_DATA_LF:
            if (ch != '\n')
                return DD_ERR;
            c->state = CH_SIZE_FIRST;
            i++;
            break;
        case CH_TRAILER:
            if (ch == '\r') {
                c->state = CH_END_LF;
                i++;
                break;
            }
            if (ch == ' ' || ch == '\t' || !(cls(ch) & C_TCHAR))
                return DD_ERR; /* obs-fold or a line that is no field */
            c->state = CH_TRAILER_IN;
            c->line_len = 0;
            break;
        case CH_TRAILER_IN:
            if (ch == '\r')
                c->state = CH_TRAILER_LF;
            else if (ch == '\0' || ch == '\n')
                return DD_ERR;
            if (++c->line_len > ALB_H1_MAX_LINE || ++c->trailers_len > ALB_H1_MAX_HEAD)
                return DD_ERR;
            i++;
            break;
        case CH_TRAILER_LF:
            if (ch != '\n')
                return DD_ERR;
            c->state = CH_TRAILER;
            i++;
            break;
        case CH_END_LF:
            if (ch != '\n')
                return DD_ERR;
            c->state = CH_DONE;
            *consumed = i + 1;
            return 1;
        default:
            *consumed = 0;
            return 1;
        }
    }
    *consumed = len;
    return 0;
}
