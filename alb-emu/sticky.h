/*
 * alb_sticky: the stickiness cookies ALB issues, and cookie header helpers.
 *
 * ALB keeps sessions on a target with cookies it generates and encrypts
 * ("Sticky sessions for your Application Load Balancer"; "Forward actions"):
 *
 *   AWSALB / AWSALBCORS      lb_cookie stickiness: the target within a group;
 *                            expires after stickiness.lb_cookie.duration_seconds,
 *                            renewed on every response
 *   AWSALBAPP-<n>            app_cookie stickiness: issued when the target sets
 *                            the application cookie; the cookie itself lives
 *                            7 days, the stickiness stickiness.app_cookie.
 *                            duration_seconds
 *   AWSALBTG / AWSALBTGCORS  target group stickiness of a weighted forward
 *                            action (TargetGroupStickinessConfig)
 *
 * The *CORS twins carry the same value plus "SameSite=None; Secure". ALB
 * writes Expires rather than Max-Age, and does not accept URL-encoded cookie
 * values.
 *
 * A cookie value here is opaque to clients: base64 (standard alphabet, no
 * padding) of a random nonce, the encrypted payload (kind, target group id,
 * target address and port, expiry) and a 128-bit HMAC-SHA256 tag over both,
 * under a key the daemon draws at start. A forged, truncated, re-encoded or
 * foreign value fails to decode, and ALB then picks a new target, as the
 * user guide describes.
 */
#ifndef ALB_STICKY_H
#define ALB_STICKY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alb-emu/addr.h"
#include "alb-emu/rand.h"
#include "common/buf.h"

#define ALB_COOKIE_LB      "AWSALB"
#define ALB_COOKIE_LB_CORS "AWSALBCORS"
#define ALB_COOKIE_APP     "AWSALBAPP" /* followed by "-<n>" */
#define ALB_COOKIE_TG      "AWSALBTG"
#define ALB_COOKIE_TG_CORS "AWSALBTGCORS"

/* The AWSALBAPP cookie's own lifetime: "It has its own expiry of 7 days
 * which is non-configurable." */
#define ALB_APP_COOKIE_LIFETIME_MS (INT64_C(7) * 24 * 3600 * 1000)

/* Longest cookie value alb_sticky_encode() writes, NUL included. */
#define ALB_STICKY_VALUE_MAX 96

enum alb_sticky_kind {
    ALB_STICKY_LB_COOKIE = 1,   /* AWSALB: a target */
    ALB_STICKY_APP_COOKIE = 2,  /* AWSALBAPP: a target, for app_cookie stickiness */
    ALB_STICKY_TARGET_GROUP = 3 /* AWSALBTG: a target group */
};

/* The secret the cookie values are sealed with. */
struct alb_sticky_key {
    uint8_t bytes[32];
};

/* What a stickiness cookie says. */
struct alb_sticky {
    enum alb_sticky_kind kind;
    char group_id[17];      /* the target group's 16-hex id (the end of its ARN) */
    struct alb_addr target; /* the target and port; unset for ALB_STICKY_TARGET_GROUP */
    int64_t expires_ms;     /* the stickiness ends at this time */
};

/* Fills k from rnd (borrowed): the daemon seeds rnd from the OS. */
void alb_sticky_key_init(struct alb_sticky_key *k, const struct alb_rand *rnd);

/*
 * Seals s into a cookie value in out (caller's buffer of outlen >=
 * ALB_STICKY_VALUE_MAX bytes, NUL-terminated on success) with key k and a
 * nonce from rnd (all borrowed). DD_OK; DD_EINVAL for a bad group id or
 * kind; DD_ERANGE when out is too small; DD_EIO when the HMAC fails.
 */
int alb_sticky_encode(const struct alb_sticky_key *k, const struct alb_sticky *s,
                      const struct alb_rand *rnd, char *out, size_t outlen);

/*
 * Opens a cookie value (len bytes, borrowed) into *out. DD_OK; DD_EINVAL when
 * the value does not decode, was not sealed under k, or was altered;
 * DD_ERANGE when it decodes but its stickiness has expired at now (*out is
 * filled anyway).
 */
int alb_sticky_decode(const struct alb_sticky_key *k, const char *value, size_t len, int64_t now_ms,
                      struct alb_sticky *out);

/*
 * Finds cookie name (case-sensitive) in a Cookie request header value
 * ("a=1; b=2"); on DD_OK *value and *value_len point into header (borrowed).
 * DD_ENOENT when absent.
 */
int alb_cookie_find(const char *header, size_t len, const char *name, const char **value,
                    size_t *value_len);

/*
 * Appends a Set-Cookie header value to out (the caller's buffer):
 * "NAME=VALUE; Expires=Wed, 09 Jun 2021 10:18:14 GMT; Path=/", plus
 * "; SameSite=None; Secure" when cors. Strings borrowed. DD_OK / DD_ENOMEM.
 */
int alb_cookie_set_header(const char *name, const char *value, int64_t expires_ms, bool cors,
                          struct dd_buf *out);

/* Writes an RFC 1123 date for t (ms since the epoch, UTC) into buf (caller's,
 * at least 30 bytes): "Wed, 09 Jun 2021 10:18:14 GMT". Returns buf. */
char *alb_http_date(int64_t t_ms, char *buf, size_t len);

/* Whether a Set-Cookie response header value sets cookie name (both
 * borrowed): how ALB notices the application cookie for app_cookie
 * stickiness. */
bool alb_set_cookie_is(const char *set_cookie, size_t len, const char *name);

#endif
