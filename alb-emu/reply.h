/*
 * alb_reply: the responses the load balancer writes itself — its error
 * pages, fixed-response actions and redirects — byte for byte as ALB sends
 * them.
 *
 * ALB's front end descends from nginx: its error pages are nginx's
 * templates without the "<hr><center>nginx</center>" line, its reason
 * phrases nginx's ("503 Service Temporarily Unavailable", "504 Gateway
 * Time-out", "405 Not Allowed"), and every one of these answers carries
 *
 *   HTTP/1.1 502 Bad Gateway
 *   Server: awselb/2.0
 *   Date: Wed, 09 Jun 2021 10:18:14 GMT
 *   Content-Type: text/html
 *   Content-Length: 122
 *   Connection: keep-alive            ("close" when the connection ends)
 *
 *   <html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n
 *   <center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n
 *
 * (captured responses: a 400 of 122 body bytes with these headers, 502s
 * whose access-log sent_bytes is 155 for the head and 277 with the body).
 * Fixed responses send the configured body with the configured content
 * type plus "; charset=utf-8"; redirects send a Location header and the
 * same HTML page with the 301/302 title.
 */
#ifndef ALB_REPLY_H
#define ALB_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alb-emu/config.h"
#include "common/buf.h"

/* The reason phrase ALB writes for status (static; "" when it has none). */
const char *alb_reply_reason(int status);

/*
 * Appends ALB's error page for status (400, 405, 408, 460, 463, 500, 501,
 * 502, 503, 504, ...) to out (the caller's). date_ms is the Date header's
 * time; keep_alive selects the Connection header; head_only leaves the body
 * out (a HEAD request) but keeps its Content-Length. DD_OK / DD_ENOMEM.
 */
int alb_reply_error(struct dd_buf *out, int status, int64_t date_ms, bool keep_alive,
                    bool head_only);

/* Appends a fixed-response action's answer for cfg (borrowed). */
int alb_reply_fixed(struct dd_buf *out, const struct alb_fixed_response_config *cfg,
                    int64_t date_ms, bool keep_alive, bool head_only);

/* Appends a redirect (301 or 302) to location (len bytes, borrowed). */
int alb_reply_redirect(struct dd_buf *out, int status, const char *location, size_t len,
                       int64_t date_ms, bool keep_alive, bool head_only);

#endif
