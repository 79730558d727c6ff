/*
 * application/x-www-form-urlencoded bodies and RFC 3986 percent-encoding.
 *
 * The AWS Query protocol (SQS's legacy XML API, the whole ELBv2 API) sends
 * every request as a form body, and SigV4 canonicalisation needs the exact
 * percent-encoding AWS specifies, so both live here, apart from any I/O.
 *
 * Ownership: a struct dd_form owns every pair and every byte they point at;
 * dd_form_release() frees them all. Nothing returned by a lookup outlives it.
 */
#ifndef DD_FORM_H
#define DD_FORM_H

#include <stddef.h>

#include "common/buf.h"

/* One decoded key/value pair. Both strings are NUL-terminated for
 * convenience, but %00 can put a NUL inside them: the lengths are the truth. */
struct dd_form_pair {
    char *key;        /* owned by the form; decoded */
    size_t key_len;   /* bytes in key, not counting the terminator */
    char *value;      /* owned by the form; decoded; "" when the segment had no '=' */
    size_t value_len; /* bytes in value, not counting the terminator */
};

struct dd_form {
    struct dd_form_pair *pairs; /* owned; n pairs in input order, repeats kept */
    size_t n;                   /* number of pairs */
    char *storage;              /* owned; every key and value points into it */
};

#define DD_FORM_INIT  \
    {                 \
        NULL, 0, NULL \
    }

/*
 * Parses len bytes of s ('&'-separated "key=value" segments; '+' is a space,
 * %XX a byte; a segment without '=' has an empty value; empty segments are
 * skipped). s need not be NUL-terminated. *out is overwritten (release a form
 * you reuse first) and owned by the caller on success; on any failure it is
 * left empty. Returns 0, DD_ERR for a malformed % escape, DD_ENOMEM.
 */
int dd_form_parse(const char *s, size_t len, struct dd_form *out);

/* The first pair whose key equals the NUL-terminated key, or NULL; borrowed
 * from f. */
const struct dd_form_pair *dd_form_find(const struct dd_form *f, const char *key);

/* The first value for key, or NULL; borrowed from f. A value that contains a
 * NUL is cut short here: use dd_form_find() where that matters. */
const char *dd_form_get(const struct dd_form *f, const char *key);

/* Frees everything f owns; f is empty and reusable afterwards. NULL is a no-op. */
void dd_form_release(struct dd_form *f);

/*
 * Appends len bytes of s to out, percent-encoded the way SigV4 requires:
 * A-Z a-z 0-9 - _ . ~ stay as they are, every other byte becomes %XX with
 * uppercase hex (a space is %20, never '+'). '/' is kept literal unless
 * encode_slash is nonzero. Returns 0 or DD_ENOMEM (out unchanged then).
 */
int dd_uri_encode(struct dd_buf *out, const char *s, size_t len, int encode_slash);

/*
 * Appends len bytes of s to out with %XX escapes decoded (either hex case).
 * '+' is left alone: this is for paths, where '+' is a plus, not for form
 * bodies or query strings. Returns 0, DD_ERR for a malformed escape, DD_ENOMEM; out is
 * unchanged on failure.
 */
int dd_uri_decode(struct dd_buf *out, const char *s, size_t len);

#endif
