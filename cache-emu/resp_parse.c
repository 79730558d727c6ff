/*
 * RESP request parsing for cache-emu: multibulk and inline requests, with the
 * limits and error texts of Redis 7.0's processMultibulkBuffer() and
 * processInlineBuffer(). Kept apart from any I/O so that every path can be
 * driven byte by byte from a unit test.
 *
 * What Redis accepts is not quite what the RESP spec says, and a drop-in
 * replacement has to accept the same bytes. The rules below were read in
 * Redis's source and checked against redis-server 7.0.15 on this machine:
 *
 * - A request whose first byte is '*' is multibulk; anything else is inline.
 *
 * - Line ends are found the way Redis finds them, with strchr() on the query
 *   buffer: the search stops at a NUL byte. A NUL before the '\r' of a header
 *   (or the '\n' of an inline line) therefore means "line not complete yet",
 *   and the request waits until it is too long (below). A NUL inside a bulk
 *   payload is fine: payloads are taken by length.
 *
 * - Headers ("*<n>" and "$<len>") end at the first '\r'. Redis needs one more
 *   byte after it but never looks at it, so "*1\rX" is a valid header line.
 *   Likewise the two bytes after a bulk payload are skipped unchecked:
 *   "$4\r\nPINGxx" is the argument "PING".
 *
 * - Counts and lengths are read with string2ll (canonical decimal only):
 *   "*05", "*+5", "* 5", "*-0" and "*" are "invalid multibulk length". A count
 *   <= 0 ("*0", "*-1", "*-10") is an empty request that Redis skips. Counts
 *   above INT_MAX are refused (Redis 7.0; older versions stopped at
 *   1024*1024). The count allocates nothing: the argv grows only as elements
 *   arrive, so "*2147483647" costs a hostile client nothing but bytes.
 *
 * - Bulk lengths below 0 or above proto-max-bulk-len are "invalid bulk
 *   length". Before AUTH (requirepass set) counts above 10 and lengths above
 *   16384 are "unauthenticated multibulk/bulk length", checked after the
 *   general limits, as the patched 7.0.15 does.
 *
 * - A header line still without its '\r' once more than 64 KiB are buffered
 *   from its first byte is "too big mbulk count string" (the "*" line) or
 *   "too big bulk count string" (a "$" line, or any element line: the size
 *   check comes before the '$' check). An inline line without '\n' past
 *   64 KiB is "too big inline request". Exactly 64 KiB still waits.
 *
 * - Inline lines end at '\n', with one '\r' before it dropped, and are split
 *   like sdssplitargs(): blanks separate words; "..." understands \n \r \t
 *   \b \a \xHH and \<any> for that char; '...' understands only \'; a closing
 *   quote must be followed by a blank (isspace) or the end of the line, and a
 *   quote left open is "unbalanced quotes in request". Outside quotes only
 *   space, \t, \r and \n end a word (\v and \f do not), and a quote may open
 *   in the middle of a word (a"b c" is "ab c"). Empty quoted words ("") are
 *   kept: Redis 7.0 passes them to the command.
 */
#include "cache-emu/resp_parse.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "common/buf.h"
#include "common/err.h"

/* Above these the arrays of a finished request are freed rather than kept
 * for the next one, so one giant command does not pin its memory. */
#define ARGV_KEEP    1024
#define SCRATCH_KEEP (CACHE_RESP_INLINE_MAX + 1)

enum req_kind {
    REQ_NONE,      /* no byte of the next request seen yet */
    REQ_MULTIBULK, /* began with '*' */
    REQ_INLINE     /* anything else */
};

struct cache_resp_parser {
    long long max_bulk_len;      /* proto-max-bulk-len */
    bool unauth;                 /* the connection still has to AUTH */
    enum req_kind kind;          /* the request being parsed */
    size_t pos;                  /* next unparsed byte, from the request start */
    size_t scan;                 /* where the line-end search resumes (>= pos) */
    long long left;              /* multibulk elements still to read; -1: count unread */
    long long bulklen;           /* current element's length; -1: header unread */
    struct cache_resp_arg *argv; /* owned, cap entries; argc used */
    size_t *off;                 /* owned, cap entries: multibulk element offsets */
    size_t argc;                 /* arguments of the current/last request */
    size_t cap;                  /* entries allocated in argv and off */
    struct dd_buf scratch;       /* unquoted inline arguments; owned */
    bool failed;                 /* a protocol error happened; sticky */
    char err[96];                /* its reply text, NUL-terminated */
    size_t errlen;               /* strlen(err) */
};

struct cache_resp_parser *cache_resp_parser_new(void)
{
    struct cache_resp_parser *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->max_bulk_len = CACHE_RESP_BULK_MAX_DEFAULT;
    dd_buf_init(&p->scratch);
    cache_resp_parser_reset(p);
    return p;
}

void cache_resp_parser_free(struct cache_resp_parser *p)
{
    if (!p)
        return;
    free(p->argv);
    free(p->off);
    dd_buf_release(&p->scratch);
    free(p);
}

/* Back to "no byte of a request seen", keeping the last argv for the caller. */
static void request_done(struct cache_resp_parser *p)
{
    p->kind = REQ_NONE;
    p->pos = 0;
    p->scan = 0;
    p->left = -1;
    p->bulklen = -1;
}

void cache_resp_parser_reset(struct cache_resp_parser *p)
{
    request_done(p);
    p->argc = 0;
    p->failed = false;
    p->err[0] = '\0';
    p->errlen = 0;
}

void cache_resp_parser_set_max_bulk_len(struct cache_resp_parser *p, long long max)
{
    p->max_bulk_len = max < 0 ? 0 : max;
}

void cache_resp_parser_set_unauthenticated(struct cache_resp_parser *p, bool unauthenticated)
{
    p->unauth = unauthenticated;
}

const char *cache_resp_parser_error(const struct cache_resp_parser *p, size_t *len)
{
    if (len)
        *len = p->errlen;
    return p->err;
}

bool cache_string2ll(const char *s, size_t len, long long *out)
{
    /* LONG_STR_SIZE is 21 in Redis: 20 characters hold any long long. */
    if (len == 0 || len >= 21)
        return false;
    if (len == 1 && s[0] == '0') {
        if (out)
            *out = 0;
        return true;
    }
    size_t i = 0;
    bool negative = false;
    if (s[0] == '-') {
        negative = true;
        if (++i == len)
            return false;
    }
    if (s[i] < '1' || s[i] > '9')
        return false;
    unsigned long long v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (~0ULL - d) / 10)
            return false;
        v = v * 10 + d;
    }
    /* The magnitude of LLONG_MIN is LLONG_MAX + 1. */
    if (negative) {
        if (v > (unsigned long long)LLONG_MAX + 1)
            return false;
        if (out)
            *out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
    } else {
        if (v > (unsigned long long)LLONG_MAX)
            return false;
        if (out)
            *out = (long long)v;
    }
    return true;
}

/*
 * Records a protocol error: the text is "ERR Protocol error: " + what, with
 * CR and LF turned into spaces as Redis's addReplyErrorFormat() does (the
 * "got 'X'" byte is the peer's and may be either).
 */
static ssize_t fail(struct cache_resp_parser *p, const char *what, int byte)
{
    int n;
    if (byte >= 0)
        n = snprintf(p->err, sizeof(p->err), "ERR Protocol error: %s '%c'", what, byte);
    else
        n = snprintf(p->err, sizeof(p->err), "ERR Protocol error: %s", what);
    p->errlen = n < 0 ? 0 : (size_t)n < sizeof(p->err) ? (size_t)n : sizeof(p->err) - 1;
    for (size_t i = 0; i < p->errlen; i++)
        if (p->err[i] == '\r' || p->err[i] == '\n')
            p->err[i] = ' ';
    p->failed = true;
    return DD_ERR;
}

/*
 * strchr(buf + *scan, c) over buf[0..len) as Redis sees it: true with *at the
 * index of the first c when it comes before any NUL. *scan moves to where the
 * next call should look again, so a line fed a byte at a time is scanned once.
 */
static bool find_byte(const char *buf, size_t len, size_t *scan, char c, size_t *at)
{
    size_t from = *scan;
    if (from >= len)
        return false;
    const char *hit = memchr(buf + from, c, len - from);
    size_t end = hit ? (size_t)(hit - buf) : len;
    const char *nul = end > from ? memchr(buf + from, '\0', end - from) : NULL;
    if (nul) {
        *scan = (size_t)(nul - buf);
        return false;
    }
    *scan = end;
    if (!hit)
        return false;
    *at = end;
    return true;
}

/* Room for need arguments. On DD_ENOMEM nothing is lost. */
static int argv_reserve(struct cache_resp_parser *p, size_t need)
{
    if (need <= p->cap)
        return DD_OK;
    size_t cap = p->cap ? p->cap : 8;
    while (cap < need) {
        if (cap > SIZE_MAX / 2 / sizeof(struct cache_resp_arg))
            return DD_ENOMEM;
        cap *= 2;
    }
    struct cache_resp_arg *argv = realloc(p->argv, cap * sizeof(*argv));
    if (!argv)
        return DD_ENOMEM;
    p->argv = argv;
    size_t *off = realloc(p->off, cap * sizeof(*off));
    if (!off)
        return DD_ENOMEM;
    p->off = off;
    p->cap = cap;
    return DD_OK;
}

/* Called at the first byte of a new request: the previous argv expires. */
static void request_begin(struct cache_resp_parser *p, const char *buf)
{
    p->argc = 0;
    if (p->cap > ARGV_KEEP) {
        DD_FREE(p->argv);
        DD_FREE(p->off);
        p->cap = 0;
    }
    if (p->scratch.cap > SCRATCH_KEEP)
        dd_buf_release(&p->scratch);
    dd_buf_reset(&p->scratch);
    p->kind = buf[0] == '*' ? REQ_MULTIBULK : REQ_INLINE;
}

static ssize_t parse_multibulk(struct cache_resp_parser *p, const char *buf, size_t len)
{
    size_t cr;
    long long n;

    if (p->left < 0) {
        if (!find_byte(buf, len, &p->scan, '\r', &cr)) {
            if (len > CACHE_RESP_INLINE_MAX)
                return fail(p, "too big mbulk count string", -1);
            return DD_AGAIN;
        }
        /* Redis waits for the byte after '\r' but never checks it is '\n'. */
        if (cr + 1 >= len)
            return DD_AGAIN;
        if (!cache_string2ll(buf + 1, cr - 1, &n) || n > CACHE_RESP_MULTIBULK_MAX)
            return fail(p, "invalid multibulk length", -1);
        if (p->unauth && n > CACHE_RESP_UNAUTH_MULTIBULK_MAX)
            return fail(p, "unauthenticated multibulk length", -1);
        p->pos = p->scan = cr + 2;
        if (n <= 0)
            return (ssize_t)p->pos;
        p->left = n;
    }

    while (p->left > 0) {
        if (p->bulklen < 0) {
            if (!find_byte(buf, len, &p->scan, '\r', &cr)) {
                if (len - p->pos > CACHE_RESP_INLINE_MAX)
                    return fail(p, "too big bulk count string", -1);
                return DD_AGAIN;
            }
            if (cr + 1 >= len)
                return DD_AGAIN;
            if (buf[p->pos] != '$')
                return fail(p, "expected '$', got", (unsigned char)buf[p->pos]);
            if (!cache_string2ll(buf + p->pos + 1, cr - p->pos - 1, &n) || n < 0 ||
                n > p->max_bulk_len)
                return fail(p, "invalid bulk length", -1);
            if (p->unauth && n > CACHE_RESP_UNAUTH_BULK_MAX)
                return fail(p, "unauthenticated bulk length", -1);
            p->pos = p->scan = cr + 2;
            p->bulklen = n;
        }
        /* The payload and the two bytes after it, which Redis skips unread. */
        if (len - p->pos < (size_t)p->bulklen + 2)
            return DD_AGAIN;
        if (argv_reserve(p, p->argc + 1))
            return DD_ENOMEM;
        p->off[p->argc] = p->pos;
        p->argv[p->argc].len = (size_t)p->bulklen;
        p->argc++;
        p->pos += (size_t)p->bulklen + 2;
        p->scan = p->pos;
        p->bulklen = -1;
        p->left--;
    }

    /* Offsets become pointers only now: buf may have moved between calls. */
    for (size_t i = 0; i < p->argc; i++)
        p->argv[i].ptr = buf + p->off[i];
    return (ssize_t)p->pos;
}

/* isspace() in the C locale, which sdssplitargs() uses around words. */
static bool is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The bytes that end an unquoted word in sdssplitargs() (NUL cannot occur). */
static bool ends_word(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* s[i] as the NUL-terminated copy Redis splits would hold it. */
static int at(const char *s, size_t end, size_t i)
{
    return i < end ? (unsigned char)s[i] : 0;
}

static int push_arg(struct cache_resp_parser *p, const char *ptr, size_t len)
{
    if (argv_reserve(p, p->argc + 1))
        return DD_ENOMEM;
    p->argv[p->argc].ptr = ptr;
    p->argv[p->argc].len = len;
    p->argc++;
    return DD_OK;
}

/*
 * Decodes one word that needs unquoting, from s[*i] (the first quote; the
 * plain bytes before it, s[start..*i), are copied first) into the scratch
 * buffer, which split_inline() sized for the whole line so that earlier
 * arguments never move. Returns DD_ERR for unbalanced quotes.
 */
static int decode_word(struct cache_resp_parser *p, const char *s, size_t end, size_t start,
                       size_t *i)
{
    char *out = p->scratch.data + p->scratch.len;
    char *o = out;
    bool inq = false, insq = false;
    size_t k = *i;

    memcpy(o, s + start, k - start);
    o += k - start;
    for (;;) {
        int c = at(s, end, k);
        if (inq) {
            if (c == '\\' && at(s, end, k + 1) == 'x' && hex_value(at(s, end, k + 2)) >= 0 &&
                hex_value(at(s, end, k + 3)) >= 0) {
                *o++ = (char)(hex_value(at(s, end, k + 2)) * 16 + hex_value(at(s, end, k + 3)));
                k += 4;
            } else if (c == '\\' && at(s, end, k + 1)) {
                int e = at(s, end, k + 1);
                switch (e) {
                case 'n':
                    e = '\n';
                    break;
                case 'r':
                    e = '\r';
                    break;
                case 't':
                    e = '\t';
                    break;
                case 'b':
                    e = '\b';
                    break;
                case 'a':
                    e = '\a';
                    break;
                default:
                    break;
                }
                *o++ = (char)e;
                k += 2;
            } else if (c == '"') {
                /* A closing quote must end the word. */
                if (at(s, end, k + 1) && !is_blank(at(s, end, k + 1)))
                    return DD_ERR;
                k++;
                break;
            } else if (c == 0) {
                return DD_ERR;
            } else {
                *o++ = (char)c;
                k++;
            }
        } else if (insq) {
            if (c == '\\' && at(s, end, k + 1) == '\'') {
                *o++ = '\'';
                k += 2;
            } else if (c == '\'') {
                if (at(s, end, k + 1) && !is_blank(at(s, end, k + 1)))
                    return DD_ERR;
                k++;
                break;
            } else if (c == 0) {
                return DD_ERR;
            } else {
                *o++ = (char)c;
                k++;
            }
        } else if (c == 0 || ends_word(c)) {
            break;
        } else if (c == '"') {
            inq = true;
            k++;
        } else if (c == '\'') {
            insq = true;
            k++;
        } else {
            *o++ = (char)c;
            k++;
        }
    }
    *i = k;
    p->scratch.len += (size_t)(o - out);
    p->scratch.data[p->scratch.len] = '\0'; /* dd_buf's invariant */
    return push_arg(p, out, (size_t)(o - out));
}

/*
 * Splits s[0..end) into p->argv the way sdssplitargs() does. Words without
 * quotes point into s; the others are decoded into the scratch buffer, which
 * is sized once for the line (unquoting never lengthens a word).
 */
static int split_inline(struct cache_resp_parser *p, const char *s, size_t end)
{
    size_t i = 0;
    bool scratch_ready = false;

    for (;;) {
        while (i < end && is_blank((unsigned char)s[i]))
            i++;
        if (i >= end)
            return DD_OK;
        size_t start = i;
        while (i < end && !ends_word((unsigned char)s[i]) && s[i] != '"' && s[i] != '\'')
            i++;
        if (i >= end || ends_word((unsigned char)s[i])) {
            if (push_arg(p, s + start, i - start))
                return DD_ENOMEM;
            continue;
        }
        if (!scratch_ready) {
            if (dd_buf_reserve(&p->scratch, end))
                return DD_ENOMEM;
            scratch_ready = true;
        }
        int rc = decode_word(p, s, end, start, &i);
        if (rc)
            return rc;
    }
}

static ssize_t parse_inline(struct cache_resp_parser *p, const char *buf, size_t len)
{
    size_t nl;

    if (!find_byte(buf, len, &p->scan, '\n', &nl)) {
        if (len > CACHE_RESP_INLINE_MAX)
            return fail(p, "too big inline request", -1);
        return DD_AGAIN;
    }
    size_t end = nl;
    if (nl > 0 && buf[nl - 1] == '\r')
        end--;
    p->argc = 0;
    dd_buf_reset(&p->scratch);
    int rc = split_inline(p, buf, end);
    if (rc == DD_ERR)
        return fail(p, "unbalanced quotes in request", -1);
    if (rc)
        return rc;
    return (ssize_t)(nl + 1);
}

ssize_t cache_resp_parse(struct cache_resp_parser *p, const char *buf, size_t len,
                         const struct cache_resp_arg **argv, size_t *argc)
{
    if (p->failed)
        return DD_ERR;
    if (len < p->scan)
        return DD_EINVAL;
    if (len == 0)
        return DD_AGAIN;
    if (p->kind == REQ_NONE)
        request_begin(p, buf);
    ssize_t rc =
        p->kind == REQ_MULTIBULK ? parse_multibulk(p, buf, len) : parse_inline(p, buf, len);
    if (rc > 0) {
        *argv = p->argv;
        *argc = p->argc;
        request_done(p);
    }
    return rc;
}
