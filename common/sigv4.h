/*
 * AWS Signature Version 4, server side: parse the Authorization header of an
 * incoming request, rebuild the canonical request and string to sign from
 * what actually arrived, and check the signature with the caller's secret.
 *
 * Every daemon that speaks an AWS API (sqs-emu, alb-emu's ELBv2 control API)
 * runs with `--auth sigv4` through this one file, so the AWS SDKs and CLI sign
 * exactly as they do against AWS and a wrong key fails the same way.
 *
 * Only the header form (Authorization: AWS4-HMAC-SHA256 ...) is handled;
 * presigned query-string requests are not. What to do with the scope's region
 * and service (reject a request scoped to another region, say) and how much
 * clock skew to allow are the caller's policy, not this file's.
 */
#ifndef DD_SIGV4_H
#define DD_SIGV4_H

#include <stddef.h>

#include "common/buf.h"

#define DD_SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
/* The payload hash of an empty body. */
#define DD_SIGV4_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/* Hex digests and signatures are this long, plus a NUL. */
#define DD_SIGV4_HEX_LEN 64

/* The credential scope: date/region/service/aws4_request. */
struct dd_sigv4_scope {
    const char *date;    /* borrowed; YYYYMMDD */
    const char *region;  /* borrowed; e.g. "us-east-1" */
    const char *service; /* borrowed; e.g. "sqs" */
};

/* A parsed Authorization header. Every string points into `storage`. */
struct dd_sigv4_auth {
    const char *access_key;      /* access key id from the Credential */
    struct dd_sigv4_scope scope; /* the rest of the Credential */
    const char *signed_headers;  /* SignedHeaders as sent, e.g. "host;x-amz-date" */
    const char **names;          /* owned array; the signed header names, lowercased and sorted */
    size_t n_names;              /* entries in names */
    char signature[DD_SIGV4_HEX_LEN + 1]; /* lowercase hex */
    char *storage;                        /* owned; backs every string above */
};

/* One request header as received; a name may repeat. */
struct dd_sigv4_header {
    const char *name;  /* borrowed; any case */
    const char *value; /* borrowed; untrimmed */
};

/* What the server saw of a request, all borrowed from the caller. */
struct dd_sigv4_request {
    const char *method; /* "GET", "POST", ... as received */
    const char *path;   /* path as on the wire (still percent-encoded), no query; NULL = "/" */
    const char *query;  /* raw query string after '?', NULL or "" for none */
    const struct dd_sigv4_header *headers; /* borrowed array of n_headers */
    size_t n_headers;
    const char *payload_hash; /* hex SHA-256 of the body, or the x-amz-content-sha256 value */
    const char *amz_date;     /* request time, ISO 8601 basic: 20150830T123600Z */
    int s3;                   /* nonzero: S3 path rules (no normalising, single encoding) */
};

/*
 * Parses len bytes of an Authorization header value:
 *   AWS4-HMAC-SHA256 Credential=AKID/YYYYMMDD/region/service/aws4_request,
 *   SignedHeaders=h1;h2, Signature=<64 hex>
 * Whitespace around the components is tolerated as AWS tolerates it; the three
 * components may come in any order, each exactly once. Anything else (another
 * algorithm, a missing or unknown component, a bad scope, an empty header
 * name, a signature that is not 64 hex digits) is DD_ERR, which the caller
 * reports as IncompleteSignature. *out is overwritten and, on success, owned
 * by the caller (dd_sigv4_auth_release); on failure it holds nothing.
 * Returns 0, DD_ERR, DD_ENOMEM.
 */
int dd_sigv4_parse_authorization(const char *value, size_t len, struct dd_sigv4_auth *out);

/* Frees what a owns; NULL is a no-op. */
void dd_sigv4_auth_release(struct dd_sigv4_auth *a);

/* Writes the lowercase hex SHA-256 of len bytes of data into hex (65 bytes,
 * NUL-terminated). Returns 0 or DD_EIO if the crypto library fails. */
int dd_sigv4_sha256_hex(const void *data, size_t len, char hex[DD_SIGV4_HEX_LEN + 1]);

/*
 * Appends the canonical request for req to out. signed_headers is the
 * ';'-separated list of header names as in SignedHeaders (borrowed); the
 * names are sorted here, and a signed header the request lacks signs as an
 * empty value. Returns 0, DD_ERR (empty or duplicate signed header name, bad
 * % escape in the query or, for S3, the path), DD_EINVAL (method,
 * payload_hash or signed_headers NULL), DD_ENOMEM. out is unchanged on failure.
 */
int dd_sigv4_canonical_request(struct dd_buf *out, const struct dd_sigv4_request *req,
                               const char *signed_headers);

/* Appends the string to sign for a canonical request of len bytes to out.
 * Returns 0, DD_EINVAL (amz_date NULL), DD_EIO, DD_ENOMEM. */
int dd_sigv4_string_to_sign(struct dd_buf *out, const char *amz_date,
                            const struct dd_sigv4_scope *scope, const char *canonical, size_t len);

/* Derives kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" secret, date), region),
 * service), "aws4_request") into key. secret is borrowed. Returns 0, DD_EIO,
 * DD_ENOMEM. */
int dd_sigv4_signing_key(unsigned char key[32], const char *secret,
                         const struct dd_sigv4_scope *scope);

/*
 * Computes the signature of req (canonical request, string to sign, signing
 * key, HMAC) as lowercase hex into sig. Everything is borrowed.
 * Returns 0, DD_ERR or DD_EINVAL (see dd_sigv4_canonical_request), DD_EIO,
 * DD_ENOMEM.
 */
int dd_sigv4_sign(const struct dd_sigv4_request *req, const char *signed_headers,
                  const struct dd_sigv4_scope *scope, const char *secret,
                  char sig[DD_SIGV4_HEX_LEN + 1]);

/*
 * Checks auth's signature over req, given the secret key of auth->access_key
 * (looking that up, and answering InvalidClientTokenId when there is none, is
 * the caller's job). The signature is compared in constant time. Returns 0
 * when it matches; DD_EACCES when it does not, including when the scope date
 * is not the date of req->amz_date (AWS answers SignatureDoesNotMatch to
 * both); DD_ERR when req->amz_date is not YYYYMMDDTHHMMSSZ or the request
 * cannot be canonicalised; DD_EIO, DD_ENOMEM.
 */
int dd_sigv4_verify(const struct dd_sigv4_request *req, const struct dd_sigv4_auth *auth,
                    const char *secret);

#endif
