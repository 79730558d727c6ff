/*
 * AWS Signature Version 4 verification for incoming requests.
 *
 * The server never trusts the client's canonical request: it rebuilds one
 * from the bytes that arrived and signs that with the secret it holds. The
 * steps reproduce what the AWS SDKs do when they sign, checked against AWS's
 * published test suite (common/tests/test_sigv4.c):
 *
 *   CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n
 *                      CanonicalHeaders \n SignedHeaders \n PayloadHash
 *   StringToSign     = "AWS4-HMAC-SHA256" \n AmzDate \n Scope \n hex(SHA256(CR))
 *   Signature        = hex(HMAC(kSigning, StringToSign))
 *
 * Canonical URI. Every service but S3 normalises the path (dot segments
 * resolved, empty segments dropped, so "//example//" signs as "/example/")
 * and percent-encodes it again as it stands on the wire: an SDK that sent
 * "/a%20b" signed "/a%2520b". S3 does neither: its path is decoded and
 * encoded once, segment by segment, and never normalised.
 *
 * Canonical query. Each name and value is decoded and re-encoded with the
 * SigV4 unreserved set, so any legal spelling of the same query signs the
 * same; pairs are sorted by encoded name, then encoded value. The query is
 * decoded as a form, '+' being a space: botocore puts a space on the wire as
 * '+' (and a plus as %2B) but signs it as %20.
 *
 * Canonical headers. Signed names are lowercased and sorted; each value is
 * trimmed with inner runs of spaces and tabs collapsed to one space, and a
 * name that appears several times contributes its values joined by ',' in
 * the order received.
 */
#include "common/sigv4.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/err.h"
#include "common/form.h"

static int is_ws(char c)
{
    return c == ' ' || c == '\t';
}

/* ASCII only, whatever locale a daemon runs in: these bytes come off the wire. */
static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static char to_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* RFC 9110 token characters: what a header name may be made of. */
static int is_tchar(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static void to_hex(char *dst, const unsigned char *src, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        dst[2 * i] = digits[src[i] >> 4];
        dst[2 * i + 1] = digits[src[i] & 0x0f];
    }
    dst[2 * n] = '\0';
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Splits a mutable SignedHeaders list in place at each ';', lowercasing the
 * names, and returns them sorted in a new array (caller frees) so duplicates
 * sit side by side. An empty list, an empty name, a non-token character or a
 * repeated name is malformed.
 */
static int split_signed_headers(char *list, const char ***names_out, size_t *n_out)
{
    size_t n = 1;
    for (const char *p = list; *p; p++)
        if (*p == ';')
            n++;
    const char **names = malloc(n * sizeof(*names));
    if (!names)
        return DD_ENOMEM;

    size_t i = 0;
    char *start = list;
    for (char *p = list;; p++) {
        if (*p != ';' && *p != '\0') {
            if (!is_tchar(*p))
                goto malformed;
            *p = to_lower(*p);
            continue;
        }
        if (p == start)
            goto malformed;
        int last = *p == '\0';
        *p = '\0';
        names[i++] = start;
        start = p + 1;
        if (last)
            break;
    }
    qsort(names, n, sizeof(*names), cmp_str_ptr);
    for (i = 1; i < n; i++)
        if (strcmp(names[i - 1], names[i]) == 0)
            goto malformed;
    *names_out = names;
    *n_out = n;
    return DD_OK;

malformed:
    free(names);
    return DD_ERR;
}

/* ---- Authorization header ---------------------------------------------- */

/* Splits "AKID/date/region/service/aws4_request" in place. */
static int parse_credential(char *cred, struct dd_sigv4_auth *out)
{
    char *part[5];
    size_t n = 0;
    part[n++] = cred;
    for (char *p = cred; *p; p++) {
        if (*p != '/')
            continue;
        if (n == 5)
            return DD_ERR;
        *p = '\0';
        part[n++] = p + 1;
    }
    if (n != 5 || !*part[0] || !*part[2] || !*part[3])
        return DD_ERR;
    if (strlen(part[1]) != 8)
        return DD_ERR;
    for (int i = 0; i < 8; i++)
        if (!is_digit(part[1][i]))
            return DD_ERR;
    if (strcmp(part[4], "aws4_request") != 0)
        return DD_ERR;
    out->access_key = part[0];
    out->scope.date = part[1];
    out->scope.region = part[2];
    out->scope.service = part[3];
    return DD_OK;
}

/*
 * The header is the algorithm, whitespace, then Name=value components
 * separated by commas with optional whitespace around them. A value holds no
 * whitespace of its own, so it ends at the next comma with trailing blanks
 * trimmed. The copy in storage is cut into NUL-terminated strings in place;
 * the second half of storage receives a copy of SignedHeaders to split into
 * names, leaving the list itself as it was sent.
 */
int dd_sigv4_parse_authorization(const char *value, size_t len, struct dd_sigv4_auth *out)
{
    static const char alg[] = DD_SIGV4_ALGORITHM;
    const size_t alg_len = sizeof(alg) - 1;

    memset(out, 0, sizeof(*out));
    if (len == 0 || memchr(value, '\0', len))
        return DD_ERR;
    if (len > SIZE_MAX / 2 - 1)
        return DD_ENOMEM;
    char *buf = malloc(2 * len + 2);
    if (!buf)
        return DD_ENOMEM;
    memcpy(buf, value, len);
    buf[len] = '\0';

    char *p = buf, *end = buf + len;
    char *cred = NULL, *signed_headers = NULL, *signature = NULL;
    int rc = DD_ERR;

    while (p < end && is_ws(*p))
        p++;
    if ((size_t)(end - p) <= alg_len || memcmp(p, alg, alg_len) != 0 || !is_ws(p[alg_len]))
        goto fail;
    p += alg_len;
    while (p < end && is_ws(*p))
        p++;

    for (;;) {
        const char *name = p;
        while (p < end && *p != '=' && *p != ',' && !is_ws(*p))
            p++;
        if (p == end || *p != '=' || p == name)
            goto fail;
        size_t name_len = (size_t)(p - name);
        char *val = ++p;
        while (p < end && *p != ',')
            p++;
        char *val_end = p;
        while (val_end > val && is_ws(val_end[-1]))
            val_end--;
        if (val_end == val)
            goto fail;
        for (const char *q = val; q < val_end; q++)
            if (is_ws(*q))
                goto fail;
        int at_end = p == end;
        *val_end = '\0';

        char **slot;
        if (name_len == 10 && memcmp(name, "Credential", 10) == 0)
            slot = &cred;
        else if (name_len == 13 && memcmp(name, "SignedHeaders", 13) == 0)
            slot = &signed_headers;
        else if (name_len == 9 && memcmp(name, "Signature", 9) == 0)
            slot = &signature;
        else
            goto fail;
        if (*slot)
            goto fail;
        *slot = val;

        if (at_end)
            break;
        p++;
        while (p < end && is_ws(*p))
            p++;
        if (p == end)
            goto fail;
    }
    if (!cred || !signed_headers || !signature)
        goto fail;

    if (parse_credential(cred, out))
        goto fail;

    if (strlen(signature) != DD_SIGV4_HEX_LEN)
        goto fail;
    for (int i = 0; i < DD_SIGV4_HEX_LEN; i++) {
        if (!is_hex(signature[i]))
            goto fail;
        out->signature[i] = to_lower(signature[i]);
    }
    out->signature[DD_SIGV4_HEX_LEN] = '\0';

    char *names = buf + len + 1;
    strcpy(names, signed_headers);
    rc = split_signed_headers(names, &out->names, &out->n_names);
    if (rc)
        goto fail;
    out->signed_headers = signed_headers;
    out->storage = buf;
    return DD_OK;

fail:
    free(buf);
    memset(out, 0, sizeof(*out));
    return rc == DD_ENOMEM ? DD_ENOMEM : DD_ERR;
}

void dd_sigv4_auth_release(struct dd_sigv4_auth *a)
{
    if (!a)
        return;
    free(a->names);
    free(a->storage);
    memset(a, 0, sizeof(*a));
}

/* ---- canonical request ------------------------------------------------- */

struct segment {
    const char *s;
    size_t len;
};

/* Non-S3: resolve "." and "..", drop empty segments, encode the rest again. */
static int canonical_uri_normalized(struct dd_buf *out, const char *path, size_t len)
{
    size_t max = 1;
    for (size_t i = 0; i < len; i++)
        if (path[i] == '/')
            max++;
    struct segment *segs = malloc(max * sizeof(*segs));
    if (!segs)
        return DD_ENOMEM;

    size_t n = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && path[i] != '/')
            continue;
        const char *s = path + start;
        size_t slen = i - start;
        start = i + 1;
        if (slen == 0 || (slen == 1 && s[0] == '.'))
            continue;
        if (slen == 2 && s[0] == '.' && s[1] == '.') {
            if (n > 0)
                n--;
            continue;
        }
        segs[n].s = s;
        segs[n].len = slen;
        n++;
    }

    int rc = dd_buf_putc(out, '/');
    for (size_t i = 0; i < n && rc == DD_OK; i++) {
        if (i > 0)
            rc = dd_buf_putc(out, '/');
        if (rc == DD_OK)
            rc = dd_uri_encode(out, segs[i].s, segs[i].len, 1);
    }
    if (rc == DD_OK && n > 0 && path[len - 1] == '/')
        rc = dd_buf_putc(out, '/');
    free(segs);
    return rc;
}

/* S3: every segment decoded and encoded once, nothing removed. */
static int canonical_uri_s3(struct dd_buf *out, const char *path, size_t len)
{
    struct dd_buf seg = DD_BUF_INIT;
    int rc = DD_OK;
    if (path[0] != '/')
        rc = dd_buf_putc(out, '/');
    size_t start = 0;
    for (size_t i = 0; i <= len && rc == DD_OK; i++) {
        if (i < len && path[i] != '/')
            continue;
        dd_buf_reset(&seg);
        rc = dd_uri_decode(&seg, path + start, i - start);
        if (rc == DD_OK)
            rc = dd_uri_encode(out, seg.data, seg.len, 1);
        if (rc == DD_OK && i < len)
            rc = dd_buf_putc(out, '/');
        start = i + 1;
    }
    dd_buf_release(&seg);
    return rc;
}

struct query_pair {
    const char *key;   /* encoded, NUL-terminated */
    const char *value; /* encoded, NUL-terminated */
};

static int cmp_query_pair(const void *a, const void *b)
{
    const struct query_pair *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->value, y->value);
}

static int canonical_query(struct dd_buf *out, const char *query)
{
    if (!query || !*query)
        return DD_OK;
    struct dd_form form;
    int rc = dd_form_parse(query, strlen(query), &form);
    if (rc)
        return rc;

    /* Every encoded name and value goes into one buffer, each followed by a
     * NUL; offsets are kept while it grows and turned into pointers after. */
    struct dd_buf enc = DD_BUF_INIT;
    size_t *offs = malloc((2 * form.n + 1) * sizeof(*offs));
    struct query_pair *pairs = malloc((form.n + 1) * sizeof(*pairs));
    if (!offs || !pairs)
        rc = DD_ENOMEM;
    for (size_t i = 0; i < form.n && rc == DD_OK; i++) {
        const struct dd_form_pair *p = &form.pairs[i];
        offs[2 * i] = enc.len;
        rc = dd_uri_encode(&enc, p->key, p->key_len, 1);
        if (rc == DD_OK)
            rc = dd_buf_append(&enc, "", 1);
        offs[2 * i + 1] = enc.len;
        if (rc == DD_OK)
            rc = dd_uri_encode(&enc, p->value, p->value_len, 1);
        if (rc == DD_OK)
            rc = dd_buf_append(&enc, "", 1);
    }
    if (rc == DD_OK) {
        for (size_t i = 0; i < form.n; i++) {
            pairs[i].key = enc.data + offs[2 * i];
            pairs[i].value = enc.data + offs[2 * i + 1];
        }
        qsort(pairs, form.n, sizeof(*pairs), cmp_query_pair);
        for (size_t i = 0; i < form.n && rc == DD_OK; i++)
            rc = dd_buf_printf(out, "%s%s=%s", i ? "&" : "", pairs[i].key, pairs[i].value);
    }
    free(offs);
    free(pairs);
    dd_buf_release(&enc);
    dd_form_release(&form);
    return rc;
}

/* Appends v trimmed, with each inner run of spaces and tabs made one space. */
static int append_trimmed(struct dd_buf *out, const char *v)
{
    size_t len = strlen(v);
    int rc = dd_buf_reserve(out, len);
    if (rc)
        return rc;
    char *d = out->data + out->len;
    int gap = 0, any = 0;
    for (size_t i = 0; i < len; i++) {
        if (is_ws(v[i])) {
            gap = 1;
            continue;
        }
        if (gap && any)
            *d++ = ' ';
        *d++ = v[i];
        gap = 0;
        any = 1;
    }
    out->len = (size_t)(d - out->data);
    out->data[out->len] = '\0';
    return DD_OK;
}

static int canonical_headers(struct dd_buf *out, const struct dd_sigv4_request *req,
                             const char **names, size_t n)
{
    int rc = DD_OK;
    for (size_t i = 0; i < n && rc == DD_OK; i++) {
        rc = dd_buf_printf(out, "%s:", names[i]);
        int first = 1;
        for (size_t h = 0; h < req->n_headers && rc == DD_OK; h++) {
            if (strcasecmp(req->headers[h].name, names[i]) != 0)
                continue;
            if (!first)
                rc = dd_buf_putc(out, ',');
            if (rc == DD_OK)
                rc = append_trimmed(out, req->headers[h].value);
            first = 0;
        }
        if (rc == DD_OK)
            rc = dd_buf_putc(out, '\n');
    }
    return rc;
}

int dd_sigv4_canonical_request(struct dd_buf *out, const struct dd_sigv4_request *req,
                               const char *signed_headers)
{
    if (!req->method || !req->payload_hash || !signed_headers)
        return DD_EINVAL;
    char *list = strdup(signed_headers);
    if (!list)
        return DD_ENOMEM;
    const char **names = NULL;
    size_t n = 0;
    size_t old_len = out->len;
    int rc = split_signed_headers(list, &names, &n);

    if (rc == DD_OK)
        rc = dd_buf_printf(out, "%s\n", req->method);
    if (rc == DD_OK) {
        const char *path = req->path && *req->path ? req->path : "/";
        size_t len = strlen(path);
        rc = req->s3 ? canonical_uri_s3(out, path, len) : canonical_uri_normalized(out, path, len);
    }
    if (rc == DD_OK)
        rc = dd_buf_putc(out, '\n');
    if (rc == DD_OK)
        rc = canonical_query(out, req->query);
    if (rc == DD_OK)
        rc = dd_buf_putc(out, '\n');
    if (rc == DD_OK)
        rc = canonical_headers(out, req, names, n);
    if (rc == DD_OK)
        rc = dd_buf_putc(out, '\n');
    for (size_t i = 0; i < n && rc == DD_OK; i++)
        rc = dd_buf_printf(out, "%s%s", i ? ";" : "", names[i]);
    if (rc == DD_OK)
        rc = dd_buf_printf(out, "\n%s", req->payload_hash);

    if (rc && out->data) {
        out->len = old_len;
        out->data[old_len] = '\0';
    }
    free(names);
    free(list);
    return rc;
}

/* ---- string to sign, key, signature ------------------------------------ */

int dd_sigv4_sha256_hex(const void *data, size_t len, char hex[DD_SIGV4_HEX_LEN + 1])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (!EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) || md_len != 32)
        return DD_EIO;
    to_hex(hex, md, 32);
    return DD_OK;
}

int dd_sigv4_string_to_sign(struct dd_buf *out, const char *amz_date,
                            const struct dd_sigv4_scope *scope, const char *canonical, size_t len)
{
    if (!amz_date)
        return DD_EINVAL;
    char hash[DD_SIGV4_HEX_LEN + 1];
    int rc = dd_sigv4_sha256_hex(canonical, len, hash);
    if (rc)
        return rc;
    return dd_buf_printf(out, "%s\n%s\n%s/%s/%s/aws4_request\n%s", DD_SIGV4_ALGORITHM, amz_date,
                         scope->date, scope->region, scope->service, hash);
}

static int hmac_sha256(unsigned char out[32], const void *key, size_t key_len, const char *msg)
{
    unsigned int len = 0;
    if (key_len > INT_MAX)
        return DD_EINVAL;
    if (!HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)msg, strlen(msg), out,
              &len) ||
        len != 32)
        return DD_EIO;
    return DD_OK;
}

int dd_sigv4_signing_key(unsigned char key[32], const char *secret,
                         const struct dd_sigv4_scope *scope)
{
    size_t secret_len = strlen(secret);
    if (secret_len > INT_MAX - 4)
        return DD_EINVAL;
    char *k_secret = malloc(secret_len + 5);
    if (!k_secret)
        return DD_ENOMEM;
    memcpy(k_secret, "AWS4", 4);
    memcpy(k_secret + 4, secret, secret_len + 1);

    unsigned char k_date[32], k_region[32], k_service[32];
    int rc = hmac_sha256(k_date, k_secret, secret_len + 4, scope->date);
    if (rc == DD_OK)
        rc = hmac_sha256(k_region, k_date, 32, scope->region);
    if (rc == DD_OK)
        rc = hmac_sha256(k_service, k_region, 32, scope->service);
    if (rc == DD_OK)
        rc = hmac_sha256(key, k_service, 32, "aws4_request");

    /* Every intermediate key is as good as the secret for this scope. */
    OPENSSL_cleanse(k_secret, secret_len + 4);
    OPENSSL_cleanse(k_date, sizeof(k_date));
    OPENSSL_cleanse(k_region, sizeof(k_region));
    OPENSSL_cleanse(k_service, sizeof(k_service));
    free(k_secret);
    return rc;
}

int dd_sigv4_sign(const struct dd_sigv4_request *req, const char *signed_headers,
                  const struct dd_sigv4_scope *scope, const char *secret,
                  char sig[DD_SIGV4_HEX_LEN + 1])
{
    struct dd_buf creq = DD_BUF_INIT, sts = DD_BUF_INIT;
    unsigned char key[32], mac[32];

    int rc = dd_sigv4_canonical_request(&creq, req, signed_headers);
    if (rc == DD_OK)
        rc = dd_sigv4_string_to_sign(&sts, req->amz_date, scope, creq.data, creq.len);
    if (rc == DD_OK)
        rc = dd_sigv4_signing_key(key, secret, scope);
    if (rc == DD_OK) {
        rc = hmac_sha256(mac, key, sizeof(key), sts.data);
        OPENSSL_cleanse(key, sizeof(key));
    }
    if (rc == DD_OK)
        to_hex(sig, mac, sizeof(mac));
    dd_buf_release(&creq);
    dd_buf_release(&sts);
    return rc;
}

/* YYYYMMDDTHHMMSSZ, the only form x-amz-date takes. */
static int valid_amz_date(const char *d)
{
    if (!d || strlen(d) != 16 || d[8] != 'T' || d[15] != 'Z')
        return 0;
    for (int i = 0; i < 15; i++)
        if (i != 8 && !is_digit(d[i]))
            return 0;
    return 1;
}

int dd_sigv4_verify(const struct dd_sigv4_request *req, const struct dd_sigv4_auth *auth,
                    const char *secret)
{
    if (!valid_amz_date(req->amz_date))
        return DD_ERR;
    if (!auth->scope.date || strlen(auth->scope.date) != 8 ||
        memcmp(auth->scope.date, req->amz_date, 8) != 0)
        return DD_EACCES;

    char sig[DD_SIGV4_HEX_LEN + 1];
    int rc = dd_sigv4_sign(req, auth->signed_headers, &auth->scope, secret, sig);
    if (rc)
        return rc;
    return CRYPTO_memcmp(sig, auth->signature, DD_SIGV4_HEX_LEN) == 0 ? DD_OK : DD_EACCES;
}
