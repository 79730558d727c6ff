/*
 * Stickiness cookie values and cookie header helpers (see sticky.h).
 *
 * Sealing: nonce (8 random bytes) || payload XOR keystream || tag, where the
 * keystream blocks are HMAC-SHA256(key, "ks" || nonce || block number) and
 * tag = first 16 bytes of HMAC-SHA256(key, "tag" || nonce || ciphertext).
 * HMAC as a PRF gives both confidentiality (the target's address is not
 * readable) and integrity (any change fails the tag) from one primitive.
 */
#include "alb-emu/sticky.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/err.h"

#define NONCE_LEN   8
#define PAYLOAD_LEN 37 /* version, kind, expiry(8), group id(8), family, addr(16), port(2) */
#define TAG_LEN     16
#define SEALED_LEN  (NONCE_LEN + PAYLOAD_LEN + TAG_LEN)
#define VERSION     1

void alb_sticky_key_init(struct alb_sticky_key *k, const struct alb_rand *rnd)
{
    for (size_t i = 0; i < sizeof(k->bytes); i += 8) {
        uint64_t v = alb_rand_u64(rnd);
        memcpy(k->bytes + i, &v, 8);
    }
}

static int hmac(const struct alb_sticky_key *k, const uint8_t *msg, size_t len, uint8_t out[32])
{
    unsigned int outlen = 0;
    if (!HMAC(EVP_sha256(), k->bytes, (int)sizeof(k->bytes), msg, len, out, &outlen) ||
        outlen != 32)
        return DD_EIO;
    return DD_OK;
}

/* XORs buf with the keystream of nonce. */
static int keystream_xor(const struct alb_sticky_key *k, const uint8_t nonce[NONCE_LEN],
                         uint8_t *buf, size_t len)
{
    uint8_t msg[2 + NONCE_LEN + 1], block[32];
    memcpy(msg, "ks", 2);
    memcpy(msg + 2, nonce, NONCE_LEN);
    for (size_t off = 0, n = 0; off < len; off += 32, n++) {
        msg[2 + NONCE_LEN] = (uint8_t)n;
        int rc = hmac(k, msg, sizeof(msg), block);
        if (rc != DD_OK)
            return rc;
        for (size_t i = 0; i < 32 && off + i < len; i++)
            buf[off + i] ^= block[i];
    }
    return DD_OK;
}

static int compute_tag(const struct alb_sticky_key *k, const uint8_t *nonce_and_ct, uint8_t tag[32])
{
    uint8_t msg[3 + NONCE_LEN + PAYLOAD_LEN];
    memcpy(msg, "tag", 3);
    memcpy(msg + 3, nonce_and_ct, NONCE_LEN + PAYLOAD_LEN);
    return hmac(k, msg, sizeof(msg), tag);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64_encode(const uint8_t *in, size_t len, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < len)
            v |= in[i + 2];
        out[o++] = b64[(v >> 18) & 63];
        out[o++] = b64[(v >> 12) & 63];
        if (i + 1 < len)
            out[o++] = b64[(v >> 6) & 63];
        if (i + 2 < len)
            out[o++] = b64[v & 63];
    }
    out[o] = '\0';
    return o;
}

static int b64_value(char c)
{
    const char *p = c ? strchr(b64, c) : NULL;
    return p ? (int)(p - b64) : -1;
}

/* Decodes unpadded or padded base64 of exactly `want` bytes. */
static int b64_decode(const char *in, size_t len, uint8_t *out, size_t want)
{
    while (len > 0 && in[len - 1] == '=')
        len--;
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b64_value(in[i]);
        if (v < 0)
            return DD_EINVAL;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= want)
                return DD_EINVAL;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    /* Canonical encodings only: the unused low bits of the last character
     * must be zero, or two spellings would open to the same value. */
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
        return DD_EINVAL;
    return o == want ? DD_OK : DD_EINVAL;
}

static int parse_group_id(const char *id, uint8_t out[8])
{
    if (strlen(id) != 16)
        return DD_EINVAL;
    for (int i = 0; i < 8; i++) {
        unsigned v;
        if (sscanf(id + 2 * i, "%2x", &v) != 1)
            return DD_EINVAL;
        out[i] = (uint8_t)v;
    }
    return DD_OK;
}

int alb_sticky_encode(const struct alb_sticky_key *k, const struct alb_sticky *s,
                      const struct alb_rand *rnd, char *out, size_t outlen)
{
    if (s->kind < ALB_STICKY_LB_COOKIE || s->kind > ALB_STICKY_TARGET_GROUP)
        return DD_EINVAL;
    if (outlen < ALB_STICKY_VALUE_MAX)
        return DD_ERANGE;
    uint8_t sealed[SEALED_LEN];
    uint8_t *nonce = sealed, *p = sealed + NONCE_LEN;
    uint64_t n = alb_rand_u64(rnd);
    memcpy(nonce, &n, NONCE_LEN);
    memset(p, 0, PAYLOAD_LEN);
    p[0] = VERSION;
    p[1] = (uint8_t)s->kind;
    uint64_t exp = (uint64_t)s->expires_ms;
    for (int i = 0; i < 8; i++)
        p[2 + i] = (uint8_t)(exp >> (56 - 8 * i));
    if (parse_group_id(s->group_id, p + 10) != DD_OK)
        return DD_EINVAL;
    if (s->kind != ALB_STICKY_TARGET_GROUP) {
        p[18] = s->target.family == AF_INET6 ? 6 : s->target.family == AF_INET ? 4 : 0;
        memcpy(p + 19, s->target.bytes, 16);
        p[35] = (uint8_t)(s->target.port >> 8);
        p[36] = (uint8_t)(s->target.port & 0xff);
    }
    int rc = keystream_xor(k, nonce, p, PAYLOAD_LEN);
    uint8_t tag[32];
    if (rc == DD_OK)
        rc = compute_tag(k, sealed, tag);
    if (rc != DD_OK)
        return rc;
    memcpy(sealed + NONCE_LEN + PAYLOAD_LEN, tag, TAG_LEN);
    b64_encode(sealed, SEALED_LEN, out);
    return DD_OK;
}

int alb_sticky_decode(const struct alb_sticky_key *k, const char *value, size_t len, int64_t now_ms,
                      struct alb_sticky *out)
{
    uint8_t sealed[SEALED_LEN], tag[32];
    if (!value || b64_decode(value, len, sealed, SEALED_LEN) != DD_OK)
        return DD_EINVAL;
    if (compute_tag(k, sealed, tag) != DD_OK ||
        CRYPTO_memcmp(tag, sealed + NONCE_LEN + PAYLOAD_LEN, TAG_LEN) != 0)
        return DD_EINVAL;
    uint8_t *p = sealed + NONCE_LEN;
    if (keystream_xor(k, sealed, p, PAYLOAD_LEN) != DD_OK)
        return DD_EINVAL;
    if (p[0] != VERSION || p[1] < ALB_STICKY_LB_COOKIE || p[1] > ALB_STICKY_TARGET_GROUP)
        return DD_EINVAL;
    struct alb_sticky s;
    memset(&s, 0, sizeof(s));
    s.kind = (enum alb_sticky_kind)p[1];
    uint64_t exp = 0;
    for (int i = 0; i < 8; i++)
        exp = (exp << 8) | p[2 + i];
    s.expires_ms = (int64_t)exp;
    for (int i = 0; i < 8; i++)
        snprintf(s.group_id + 2 * i, 3, "%02x", p[10 + i]);
    if (s.kind != ALB_STICKY_TARGET_GROUP) {
        if (p[18] != 4 && p[18] != 6)
            return DD_EINVAL;
        s.target.family = p[18] == 6 ? AF_INET6 : AF_INET;
        memcpy(s.target.bytes, p + 19, 16);
        s.target.port = (uint16_t)(p[35] << 8 | p[36]);
    }
    *out = s;
    return now_ms >= s.expires_ms ? DD_ERANGE : DD_OK;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

int alb_cookie_find(const char *header, size_t len, const char *name, const char **value,
                    size_t *value_len)
{
    size_t nlen = strlen(name), i = 0;
    while (i < len) {
        while (i < len && (is_space(header[i]) || header[i] == ';'))
            i++;
        size_t start = i;
        while (i < len && header[i] != ';')
            i++;
        size_t end = i;
        while (end > start && is_space(header[end - 1]))
            end--;
        const char *eq = memchr(header + start, '=', end - start);
        if (!eq)
            continue;
        size_t klen = (size_t)(eq - (header + start));
        while (klen > 0 && is_space(header[start + klen - 1]))
            klen--;
        if (klen == nlen && memcmp(header + start, name, nlen) == 0) {
            const char *v = eq + 1;
            while (v < header + end && is_space(*v))
                v++;
            *value = v;
            *value_len = (size_t)(header + end - v);
            return DD_OK;
        }
    }
    return DD_ENOENT;
}

char *alb_http_date(int64_t t_ms, char *buf, size_t len)
{
    static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    time_t secs = (time_t)(t_ms >= 0 ? t_ms / 1000 : (t_ms - 999) / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

int alb_cookie_set_header(const char *name, const char *value, int64_t expires_ms, bool cors,
                          struct dd_buf *out)
{
    char date[40];
    alb_http_date(expires_ms, date, sizeof(date));
    return dd_buf_printf(out, "%s=%s; Expires=%s; Path=/%s", name, value, date,
                         cors ? "; SameSite=None; Secure" : "");
}

bool alb_set_cookie_is(const char *set_cookie, size_t len, const char *name)
{
    size_t i = 0, nlen = strlen(name);
    while (i < len && is_space(set_cookie[i]))
        i++;
    if (len - i <= nlen || memcmp(set_cookie + i, name, nlen) != 0)
        return false;
    i += nlen;
    while (i < len && is_space(set_cookie[i]))
        i++;
    return i < len && set_cookie[i] == '=';
}
