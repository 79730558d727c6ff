/*
 * String values (see t_string.h): the block layout that lets a value grow in
 * place and remember how it was made, the OBJECT ENCODING / REFCOUNT rules
 * that follow from that, and Redis's number <-> text conversions.
 *
 * Block layout, one cache_mem_alloc() per value:
 *
 *     [ struct str_hdr | bytes ... | NUL | spare capacity ]
 *                        ^ obj->ptr
 *
 * obj->free is str_free(), which is also how a string made here is told
 * apart from one made by cache_obj_new_string(): only ours have a header.
 */
#include "cache-emu/t_string.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

/* SDS_MAX_PREALLOC: growth doubles the size below this, then adds this much. */
#define GROW_STEP (1024 * 1024)

struct str_hdr {
    size_t cap;   /* bytes available after the header, the NUL not included */
    unsigned enc; /* enum cache_string_enc */
};

static struct str_hdr *hdr_of(const void *bytes)
{
    return (struct str_hdr *)((char *)bytes - sizeof(struct str_hdr));
}

static void str_free(struct cache_keyspace *ks, void *ptr)
{
    if (ptr)
        cache_mem_free(ks, hdr_of(ptr));
}

static bool is_ours(const struct cache_obj *obj)
{
    return obj->free == str_free;
}

/* A block with room for cap bytes plus the NUL; returns the bytes, or NULL. */
static char *block_new(struct cache_keyspace *ks, size_t cap, enum cache_string_enc enc)
{
    if (cap > SIZE_MAX - sizeof(struct str_hdr) - 1)
        return NULL;
    struct str_hdr *h = cache_mem_alloc(ks, sizeof(*h) + cap + 1);
    if (!h)
        return NULL;
    h->cap = cap;
    h->enc = enc;
    return (char *)(h + 1);
}

/* sdsMakeRoomFor()'s greedy size for a value about to be len bytes long. */
static size_t greedy_cap(size_t len)
{
    if (len < GROW_STEP)
        return len * 2;
    if (len > SIZE_MAX - GROW_STEP)
        return len;
    return len + GROW_STEP;
}

/* ---- conversions ---- */

bool cache_string_to_ll(const char *s, size_t len, long long *out)
{
    /* "-9223372036854775808" is the longest canonical form: 20 characters. */
    if (len == 0 || len > 20)
        return false;
    if (len == 1 && s[0] == '0') {
        *out = 0;
        return true;
    }
    size_t i = 0;
    bool neg = false;
    if (s[0] == '-') {
        neg = true;
        i = 1;
    }
    /* Canonical: the first digit is 1-9, so "007", "-0" and "" are refused. */
    if (i >= len || s[i] < '1' || s[i] > '9')
        return false;
    unsigned long long v = 0;
    const unsigned long long limit = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (limit - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (neg)
        *out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
    else
        *out = (long long)v;
    return true;
}

bool cache_string_to_long_double(const char *s, size_t len, long double *out)
{
    char buf[CACHE_STRING_LD_MAX];
    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    long double v = strtold(buf, &end);
    /* All of it must be read: "1\0x" is not a number. */
    if (isspace((unsigned char)buf[0]) || end != buf + len)
        return false;
    if (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || fpclassify(v) == FP_ZERO))
        return false;
    if (errno == EINVAL || isnan(v))
        return false;
    *out = v;
    return true;
}

size_t cache_string_from_ll(char *buf, size_t cap, long long v)
{
    /* INCR's hot path: digits by hand, not printf. */
    char tmp[24];
    size_t n = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[n++] = '-';
    if (n + 1 > cap)
        return 0;
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return n;
}

size_t cache_string_from_long_double(char *buf, size_t cap, long double v)
{
    if (isinf(v)) {
        const char *s = v > 0 ? "inf" : "-inf";
        size_t n = strlen(s);
        if (cap < n + 1)
            return 0;
        memcpy(buf, s, n + 1);
        return n;
    }
    /* 17 digits after the point round-trip what users type with 80-bit
     * long doubles (0.1 + 0.2 reads back as 0.3); the trimming makes
     * integers print without a fraction. */
    int n = snprintf(buf, cap, "%.17Lf", v);
    if (n < 0 || (size_t)n + 1 > cap)
        return 0;
    size_t len = (size_t)n;
    if (memchr(buf, '.', len)) {
        while (buf[len - 1] == '0')
            len--;
        if (buf[len - 1] == '.')
            len--;
    }
    if (len == 2 && buf[0] == '-' && buf[1] == '0') {
        buf[0] = '0';
        len = 1;
    }
    buf[len] = '\0';
    return len;
}

/* ---- objects ---- */

struct cache_obj *cache_string_new(struct cache_keyspace *ks, const void *data, size_t len,
                                   enum cache_string_enc enc)
{
    char *bytes = block_new(ks, len, enc);
    if (!bytes)
        return NULL;
    if (data)
        memcpy(bytes, data, len);
    else
        memset(bytes, 0, len);
    bytes[len] = '\0';
    struct cache_obj *obj = cache_obj_new(ks, CACHE_TYPE_STRING, bytes, str_free);
    if (!obj) {
        str_free(ks, bytes);
        return NULL;
    }
    obj->len = len;
    return obj;
}

/* The encoding tryObjectEncoding() gives these bytes. */
static const char *auto_encoding(const char *s, size_t len)
{
    long long v;
    if (len <= 20 && cache_string_to_ll(s, len, &v))
        return "int";
    return len <= CACHE_STRING_EMBSTR_MAX ? "embstr" : "raw";
}

/* The encoding a value of these bytes made with origin enc has. */
static const char *enc_name(enum cache_string_enc enc, const char *s, size_t len)
{
    switch (enc) {
    case CACHE_STRING_ENC_PLAIN:
        return len <= CACHE_STRING_EMBSTR_MAX ? "embstr" : "raw";
    case CACHE_STRING_ENC_RAW:
        return "raw";
    case CACHE_STRING_ENC_INT_OWN:
        return "int";
    case CACHE_STRING_ENC_AUTO:
    default:
        return auto_encoding(s, len);
    }
}

/* Whether Redis holds these bytes, made with origin enc, as a shared integer. */
static bool enc_shared(enum cache_string_enc enc, const char *s, size_t len)
{
    long long v;
    return enc == CACHE_STRING_ENC_AUTO && cache_string_to_ll(s, len, &v) && v >= 0 &&
           v < CACHE_STRING_SHARED_INTEGERS;
}

static enum cache_string_enc obj_enc(const struct cache_obj *obj)
{
    return is_ours(obj) ? (enum cache_string_enc)hdr_of(obj->ptr)->enc : CACHE_STRING_ENC_AUTO;
}

const char *cache_string_encoding(const struct cache_obj *obj)
{
    return enc_name(obj_enc(obj), obj->ptr, obj->len);
}

long long cache_string_refcount(const struct cache_obj *obj, bool shared_ok)
{
    if (shared_ok && enc_shared(obj_enc(obj), obj->ptr, obj->len))
        return CACHE_STRING_SHARED_REFCOUNT;
    return 1;
}

enum cache_string_enc cache_string_dup_enc(const struct cache_obj *src)
{
    const char *e = cache_string_encoding(src);
    if (strcmp(e, "int") == 0)
        return CACHE_STRING_ENC_INT_OWN;
    if (strcmp(e, "embstr") == 0)
        return CACHE_STRING_ENC_PLAIN;
    return CACHE_STRING_ENC_RAW;
}

struct cache_obj *cache_string_dup(struct cache_keyspace *ks, const struct cache_obj *src)
{
    return cache_string_new(ks, src->ptr, src->len, cache_string_dup_enc(src));
}

/* Gives obj a block of ours with room for at least need bytes (cap bytes
 * when a new block is needed), keeping its current bytes. */
static int ensure_room(struct cache_keyspace *ks, struct cache_obj *obj, size_t need, size_t cap)
{
    if (is_ours(obj) && hdr_of(obj->ptr)->cap >= need)
        return DD_OK;
    if (cap < need)
        cap = need;
    char *bytes = block_new(ks, cap, CACHE_STRING_ENC_RAW);
    if (!bytes)
        return DD_ENOMEM;
    if (obj->len)
        memcpy(bytes, obj->ptr, obj->len);
    bytes[obj->len] = '\0';
    if (obj->free)
        obj->free(ks, obj->ptr);
    obj->ptr = bytes;
    obj->free = str_free;
    return DD_OK;
}

int cache_string_append(struct cache_keyspace *ks, struct cache_obj *obj, const void *data,
                        size_t len)
{
    if (len > SIZE_MAX - obj->len)
        return DD_ENOMEM;
    size_t total = obj->len + len;
    int rc = ensure_room(ks, obj, total, greedy_cap(total));
    if (rc != DD_OK)
        return rc;
    char *p = obj->ptr;
    if (len)
        memcpy(p + obj->len, data, len);
    p[total] = '\0';
    obj->len = total;
    hdr_of(p)->enc = CACHE_STRING_ENC_RAW;
    return DD_OK;
}

int cache_string_grow_zero(struct cache_keyspace *ks, struct cache_obj *obj, size_t len)
{
    size_t need = len > obj->len ? len : obj->len;
    /* Unsharing an encoded value copies it at its size; growing is greedy. */
    size_t cap = len > obj->len ? greedy_cap(len) : obj->len;
    int rc = ensure_room(ks, obj, need, cap);
    if (rc != DD_OK)
        return rc;
    char *p = obj->ptr;
    if (need > obj->len)
        memset(p + obj->len, 0, need - obj->len);
    p[need] = '\0';
    obj->len = need;
    hdr_of(p)->enc = CACHE_STRING_ENC_RAW;
    return DD_OK;
}

int cache_string_set_enc(struct cache_keyspace *ks, struct cache_obj *obj,
                         enum cache_string_enc enc)
{
    if (is_ours(obj)) {
        hdr_of(obj->ptr)->enc = enc;
        return DD_OK;
    }
    /* Bytes judged as SET would judge them already tell the truth. */
    const char *s = obj->ptr;
    if (strcmp(enc_name(enc, s, obj->len), auto_encoding(s, obj->len)) == 0 &&
        enc_shared(enc, s, obj->len) == enc_shared(CACHE_STRING_ENC_AUTO, s, obj->len))
        return DD_OK;
    int rc = ensure_room(ks, obj, obj->len, obj->len);
    if (rc != DD_OK)
        return rc;
    hdr_of(obj->ptr)->enc = enc;
    return DD_OK;
}
