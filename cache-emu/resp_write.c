/*
 * RESP reply writers for cache-emu, byte-compatible with Redis 7.0's
 * addReply*() family (src/networking.c), because differential tests compare
 * cache-emu's replies with redis-server's byte for byte.
 *
 * Each writer first reserves the whole reply in the buffer and only then
 * copies, so an allocation failure leaves no half-written reply behind.
 * Error replies are built in exactly one place, cache_resp_write_error().
 */
#include "cache-emu/resp_write.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"

size_t cache_ll2string(char *dst, size_t dstlen, long long v)
{
    char tmp[CACHE_LL_STR_SIZE];
    char *p = tmp + sizeof(tmp);
    /* Work on the magnitude as unsigned: -LLONG_MIN does not fit a long long. */
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    size_t len = (size_t)(tmp + sizeof(tmp) - p);
    if (len + 1 > dstlen) {
        if (dstlen)
            dst[0] = '\0';
        return 0;
    }
    memcpy(dst, p, len);
    dst[len] = '\0';
    return len;
}

/* Appends n bytes the caller has reserved room for (cannot fail then). */
static void put(struct dd_buf *b, const void *p, size_t n)
{
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* Like put(), turning CR and LF into spaces so the text stays one line. */
static void put_line_safe(struct dd_buf *b, const char *s, size_t n)
{
    char *o = b->data + b->len;
    for (size_t i = 0; i < n; i++)
        o[i] = s[i] == '\r' || s[i] == '\n' ? ' ' : s[i];
    b->len += n;
    b->data[b->len] = '\0';
}

/* Formats "<prefix><v>\r\n" into out (at least CACHE_LL_STR_SIZE + 3 bytes);
 * returns its length. */
static size_t format_header(char *out, char prefix, long long v)
{
    out[0] = prefix;
    size_t n = cache_ll2string(out + 1, CACHE_LL_STR_SIZE, v);
    out[n + 1] = '\r';
    out[n + 2] = '\n';
    return n + 3;
}

static int write_header(struct dd_buf *b, char prefix, long long v)
{
    char hdr[CACHE_LL_STR_SIZE + 3];
    size_t n = format_header(hdr, prefix, v);
    return dd_buf_append(b, hdr, n);
}

/* Aggregate counts are size_t; RESP writes them as long long. */
static int write_count(struct dd_buf *b, char prefix, size_t n)
{
    if (n > (size_t)LLONG_MAX)
        return DD_ERANGE;
    return write_header(b, prefix, (long long)n);
}

int cache_resp_write_simple(struct dd_buf *b, const char *s, size_t len)
{
    if (len > SIZE_MAX - 3 || dd_buf_reserve(b, len + 3))
        return DD_ENOMEM;
    put(b, "+", 1);
    put_line_safe(b, s, len);
    put(b, "\r\n", 2);
    return DD_OK;
}

int cache_resp_write_error(struct dd_buf *b, const char *text, size_t len)
{
    if (len && text[0] == '-') {
        text++;
        len--;
    }
    if (len == 0) {
        text = "ERR";
        len = 3;
    }
    if (len > SIZE_MAX - 3 || dd_buf_reserve(b, len + 3))
        return DD_ENOMEM;
    put(b, "-", 1);
    put_line_safe(b, text, len);
    put(b, "\r\n", 2);
    return DD_OK;
}

int cache_resp_write_errorf(struct dd_buf *b, const char *fmt, ...)
{
    struct dd_buf text = DD_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = dd_buf_vprintf(&text, fmt, ap);
    va_end(ap);
    if (rc == DD_OK)
        rc = cache_resp_write_error(b, text.data ? text.data : "", text.len);
    dd_buf_release(&text);
    return rc;
}

int cache_resp_write_integer(struct dd_buf *b, long long v)
{
    return write_header(b, ':', v);
}

int cache_resp_write_bulk(struct dd_buf *b, const void *p, size_t len)
{
    char hdr[CACHE_LL_STR_SIZE + 3];
    if (len > (size_t)LLONG_MAX)
        return DD_ERANGE;
    size_t h = format_header(hdr, '$', (long long)len);
    if (len > SIZE_MAX - h - 2 || dd_buf_reserve(b, h + len + 2))
        return DD_ENOMEM;
    put(b, hdr, h);
    put(b, p, len);
    put(b, "\r\n", 2);
    return DD_OK;
}

int cache_resp_write_bulk_ll(struct dd_buf *b, long long v)
{
    char digits[CACHE_LL_STR_SIZE];
    size_t n = cache_ll2string(digits, sizeof(digits), v);
    return cache_resp_write_bulk(b, digits, n);
}

int cache_resp_write_null(struct dd_buf *b, enum cache_resp_proto proto)
{
    return proto >= CACHE_RESP3 ? dd_buf_append(b, "_\r\n", 3) : dd_buf_append(b, "$-1\r\n", 5);
}

int cache_resp_write_null_array(struct dd_buf *b, enum cache_resp_proto proto)
{
    return proto >= CACHE_RESP3 ? dd_buf_append(b, "_\r\n", 3) : dd_buf_append(b, "*-1\r\n", 5);
}

int cache_resp_write_array(struct dd_buf *b, size_t n)
{
    return write_count(b, '*', n);
}

int cache_resp_write_set(struct dd_buf *b, enum cache_resp_proto proto, size_t n)
{
    return write_count(b, proto >= CACHE_RESP3 ? '~' : '*', n);
}

int cache_resp_write_map(struct dd_buf *b, enum cache_resp_proto proto, size_t n)
{
    if (proto >= CACHE_RESP3)
        return write_count(b, '%', n);
    if (n > SIZE_MAX / 2)
        return DD_ERANGE;
    return write_count(b, '*', n * 2);
}

int cache_resp_write_push(struct dd_buf *b, enum cache_resp_proto proto, size_t n)
{
    return write_count(b, proto >= CACHE_RESP3 ? '>' : '*', n);
}

int cache_resp_write_double(struct dd_buf *b, enum cache_resp_proto proto, double d)
{
    /* Redis spells infinities itself rather than trust libc; NaN is spelled
     * "nan" whatever its sign bit (glibc would print "-nan"). */
    char dbuf[64];
    int n;
    if (isnan(d))
        n = snprintf(dbuf, sizeof(dbuf), "nan");
    else if (isinf(d))
        n = snprintf(dbuf, sizeof(dbuf), "%s", d > 0 ? "inf" : "-inf");
    else
        n = snprintf(dbuf, sizeof(dbuf), "%.17g", d);
    if (n < 0 || (size_t)n >= sizeof(dbuf))
        return DD_EINVAL;
    if (proto < CACHE_RESP3)
        return cache_resp_write_bulk(b, dbuf, (size_t)n);
    if (dd_buf_reserve(b, (size_t)n + 3))
        return DD_ENOMEM;
    put(b, ",", 1);
    put(b, dbuf, (size_t)n);
    put(b, "\r\n", 2);
    return DD_OK;
}

int cache_resp_write_bool(struct dd_buf *b, enum cache_resp_proto proto, bool v)
{
    if (proto >= CACHE_RESP3)
        return dd_buf_append(b, v ? "#t\r\n" : "#f\r\n", 4);
    return dd_buf_append(b, v ? ":1\r\n" : ":0\r\n", 4);
}

int cache_resp_write_verbatim(struct dd_buf *b, enum cache_resp_proto proto, const char *ext,
                              const void *p, size_t len)
{
    if (!ext || strlen(ext) != 3)
        return DD_EINVAL;
    if (proto < CACHE_RESP3)
        return cache_resp_write_bulk(b, p, len);
    char hdr[CACHE_LL_STR_SIZE + 3];
    if (len > (size_t)LLONG_MAX - 4)
        return DD_ERANGE;
    size_t h = format_header(hdr, '=', (long long)(len + 4));
    if (len > SIZE_MAX - h - 6 || dd_buf_reserve(b, h + 4 + len + 2))
        return DD_ENOMEM;
    put(b, hdr, h);
    put(b, ext, 3);
    put(b, ":", 1);
    put(b, p, len);
    put(b, "\r\n", 2);
    return DD_OK;
}

int cache_resp_write_bignum(struct dd_buf *b, enum cache_resp_proto proto, const char *digits,
                            size_t len)
{
    if (proto < CACHE_RESP3)
        return cache_resp_write_bulk(b, digits, len);
    if (len > SIZE_MAX - 3 || dd_buf_reserve(b, len + 3))
        return DD_ENOMEM;
    put(b, "(", 1);
    put_line_safe(b, digits, len);
    put(b, "\r\n", 2);
    return DD_OK;
}
