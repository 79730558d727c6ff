/*
 * Form-body parsing and percent-encoding for the AWS Query protocol and SigV4.
 *
 * A parsed form costs two allocations whatever its size: the pair array and
 * one storage block that holds every decoded key and value. Decoding never
 * makes a string longer, so the block is sized up front from the input
 * length plus two terminators per segment, and no pair ever reallocates.
 */
#include "common/form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/*
 * Decodes len bytes of s into dst (room for len bytes is enough) and stores
 * the decoded length in *n. A '%' must be followed by two hex digits: a lone
 * or truncated escape is malformed rather than literal, as AWS treats it.
 */
static int decode_into(char *dst, const char *s, size_t len, int plus_is_space, size_t *n)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            if (len - i < 3)
                return DD_ERR;
            int hi = hex_value((unsigned char)s[i + 1]);
            int lo = hex_value((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0)
                return DD_ERR;
            dst[o++] = (char)(hi << 4 | lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            dst[o++] = ' ';
        } else {
            dst[o++] = (char)c;
        }
    }
    *n = o;
    return DD_OK;
}

int dd_form_parse(const char *s, size_t len, struct dd_form *out)
{
    out->pairs = NULL;
    out->n = 0;
    out->storage = NULL;
    if (len == 0)
        return DD_OK;

    size_t nseg = 1;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '&')
            nseg++;
    if (len > SIZE_MAX - 1 - 2 * nseg)
        return DD_ENOMEM;

    struct dd_form_pair *pairs = calloc(nseg, sizeof(*pairs));
    char *storage = malloc(len + 2 * nseg + 1);
    if (!pairs || !storage) {
        free(pairs);
        free(storage);
        return DD_ENOMEM;
    }

    size_t n = 0, pos = 0, start = 0;
    while (start <= len) {
        const char *seg = s + start;
        const char *amp = memchr(seg, '&', len - start);
        size_t seg_len = amp ? (size_t)(amp - seg) : len - start;
        start += seg_len + 1;
        if (seg_len == 0)
            continue;

        const char *eq = memchr(seg, '=', seg_len);
        size_t key_raw = eq ? (size_t)(eq - seg) : seg_len;
        struct dd_form_pair *p = &pairs[n];

        p->key = storage + pos;
        if (decode_into(p->key, seg, key_raw, 1, &p->key_len))
            goto malformed;
        pos += p->key_len;
        storage[pos++] = '\0';

        p->value = storage + pos;
        p->value_len = 0;
        if (eq && decode_into(p->value, eq + 1, seg_len - key_raw - 1, 1, &p->value_len))
            goto malformed;
        pos += p->value_len;
        storage[pos++] = '\0';
        n++;
    }

    out->pairs = pairs;
    out->n = n;
    out->storage = storage;
    return DD_OK;

malformed:
    free(pairs);
    free(storage);
    return DD_ERR;
}

const struct dd_form_pair *dd_form_find(const struct dd_form *f, const char *key)
{
    size_t key_len = strlen(key);
    for (size_t i = 0; i < f->n; i++) {
        const struct dd_form_pair *p = &f->pairs[i];
        if (p->key_len == key_len && memcmp(p->key, key, key_len) == 0)
            return p;
    }
    return NULL;
}

const char *dd_form_get(const struct dd_form *f, const char *key)
{
    const struct dd_form_pair *p = dd_form_find(f, key);
    return p ? p->value : NULL;
}

void dd_form_release(struct dd_form *f)
{
    if (!f)
        return;
    DD_FREE(f->pairs);
    DD_FREE(f->storage);
    f->n = 0;
}

static int is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

int dd_uri_encode(struct dd_buf *out, const char *s, size_t len, int encode_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    if (len > SIZE_MAX / 3)
        return DD_ENOMEM;
    int rc = dd_buf_reserve(out, len * 3);
    if (rc)
        return rc;
    char *d = out->data + out->len;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_unreserved(c) || (c == '/' && !encode_slash)) {
            *d++ = (char)c;
        } else {
            *d++ = '%';
            *d++ = hex[c >> 4];
            *d++ = hex[c & 0x0f];
        }
    }
    out->len = (size_t)(d - out->data);
    out->data[out->len] = '\0';
    return DD_OK;
}

int dd_uri_decode(struct dd_buf *out, const char *s, size_t len)
{
    int rc = dd_buf_reserve(out, len);
    if (rc)
        return rc;
    size_t n;
    if (decode_into(out->data + out->len, s, len, 0, &n)) {
        out->data[out->len] = '\0';
        return DD_ERR;
    }
    out->len += n;
    out->data[out->len] = '\0';
    return DD_OK;
}
