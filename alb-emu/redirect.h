/*
 * alb_redirect: the Location URL of a redirect action.
 *
 * ALB builds the target URL protocol://host:port/path?query from the rule's
 * RedirectConfig, where each component may reuse the request's own through
 * the reserved keywords (API reference, RedirectActionConfig; user guide,
 * "Redirect actions"):
 *
 *   #{protocol}  the request's protocol        usable in Protocol and Query
 *   #{host}      the host, without the port    usable in Host, Path, Query
 *   #{port}      the port the client used      usable in Port, Path, Query
 *   #{path}      the path without its leading "/"   usable in Path, Query
 *   #{query}     the query without the "?"     usable in Query
 *
 * A component the config leaves out keeps the request's value (Protocol
 * #{protocol}, Port #{port}, Host #{host}, Path /#{path}, Query #{query}).
 * The URL always carries the port (ALB writes https://example.com:443/), the
 * scheme is lowercase, and "?" is added only when the query is not empty.
 * Host and path are copied as they are, not percent-encoded. The config has
 * already been validated (config.c): path starts with "/", the query has no
 * leading "?", keywords only where allowed, HTTPS is not sent to HTTP.
 */
#ifndef ALB_REDIRECT_H
#define ALB_REDIRECT_H

#include <stddef.h>

#include "alb-emu/config.h"
#include "common/buf.h"

/* The request components the keywords stand for; all borrowed, none need be
 * NUL-terminated. */
struct alb_redirect_request {
    enum alb_protocol protocol; /* the listener's protocol */
    const char *host;           /* Host header value; a ":port" suffix is dropped */
    size_t host_len;
    int port;         /* the listener port the client connected to */
    const char *path; /* the request path, starting with "/" */
    size_t path_len;
    const char *query; /* the raw query without "?", NULL = none */
    size_t query_len;
};

/*
 * Appends the redirect URL for req under cfg (both borrowed) to out (the
 * caller's buffer; it keeps owning it). Returns DD_OK, DD_ENOMEM, or
 * DD_EINVAL when the result is not a usable URL (the Host came out empty, or
 * the port is not 1..65535), which ALB answers with an error rather than a
 * redirect.
 */
int alb_redirect_build(const struct alb_redirect_config *cfg,
                       const struct alb_redirect_request *req, struct dd_buf *out);

/* "Moved Permanently" for 301, "Found" for 302 (static). */
const char *alb_redirect_reason(int status_code);

#endif
