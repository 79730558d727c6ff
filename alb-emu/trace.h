/*
 * alb_trace: the request headers ALB adds on the way to a target:
 * X-Amzn-Trace-Id and X-Forwarded-For / -Proto / -Port.
 *
 * X-Amzn-Trace-Id ("Request tracing for your Application Load Balancer"):
 * fields Field=version-time-id separated by ';', version 1, time the epoch
 * seconds in 8 hex digits, id 24 hex digits. Without the header ALB sends
 * "Root=1-67891233-abcdef012345678912345678"; with a Root field it inserts a
 * Self field in front ("Self=1-...;Root=1-...") keeping every other field
 * (CalledFrom=app stays); an existing Self gets a new value in place. When
 * the request headers exceed 7 KB, ALB rewrites the header with a new Root.
 * A header without a Root field (not documented) is given a new Root in
 * front, keeping its other fields and dropping a stale Self.
 *
 * X-Forwarded-For ("HTTP headers and Application Load Balancers"), by
 * routing.http.xff_header_processing.mode:
 *   append    the client address is added: "client" or "existing, client";
 *             with routing.http.xff_client_port.enabled, "1.2.3.4:5678" and
 *             "[2001:db8::1]:5678"
 *   preserve  the header is forwarded untouched (absent stays absent)
 *   remove    the header is removed
 * X-Forwarded-Proto is the listener protocol ("http"/"https") and
 * X-Forwarded-Port the listener port; both replace what the client sent.
 */
#ifndef ALB_TRACE_H
#define ALB_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alb-emu/addr.h"
#include "alb-emu/config.h"
#include "alb-emu/rand.h"
#include "common/buf.h"

/* "1-" + 8 hex + "-" + 24 hex, plus the NUL. */
#define ALB_TRACE_ID_SIZE 36

/* Request headers above this size make ALB rewrite X-Amzn-Trace-Id. */
#define ALB_TRACE_HEADERS_LIMIT (7 * 1024)

/* Writes a new trace id "1-<8 hex epoch seconds>-<24 hex random>" for now
 * (ms) with randomness from rnd (borrowed) into out (caller's). Returns out. */
char *alb_trace_id_new(int64_t now_ms, const struct alb_rand *rnd, char out[ALB_TRACE_ID_SIZE]);

/*
 * Appends the X-Amzn-Trace-Id value to send to the target to out (the
 * caller's buffer). in/in_len is the request's header value (borrowed; NULL
 * when the request has none; several headers should be joined with ';').
 * headers_size is the total size of the request headers, for the 7 KB rule.
 * DD_OK / DD_ENOMEM.
 */
int alb_trace_header(const char *in, size_t in_len, size_t headers_size, int64_t now_ms,
                     const struct alb_rand *rnd, struct dd_buf *out);

/* What to do with a request header. */
enum alb_header_action {
    ALB_HEADER_SET,   /* send the value built in out (replacing the client's) */
    ALB_HEADER_KEEP,  /* forward the client's header(s) as they are */
    ALB_HEADER_REMOVE /* send no such header */
};

/*
 * X-Forwarded-For for mode. existing/existing_len is the request's value
 * (several X-Forwarded-For headers joined with ", "; NULL when absent),
 * client the connection's peer (with its port), client_port whether
 * routing.http.xff_client_port.enabled is set. For ALB_HEADER_SET the value
 * is appended to out (the caller's). Returns the action; out untouched for
 * KEEP and REMOVE. *rc (may be NULL) receives DD_OK or DD_ENOMEM.
 */
enum alb_header_action alb_xff_build(enum alb_xff_mode mode, bool client_port, const char *existing,
                                     size_t existing_len, const struct alb_addr *client,
                                     struct dd_buf *out, int *rc);

/* X-Forwarded-Proto's value for a listener protocol: "http" or "https" (static). */
const char *alb_xfp_value(enum alb_protocol protocol);

/* X-Forwarded-Port's value: the listener port in decimal, written into buf
 * (caller's, >= 6 bytes). Returns buf. */
char *alb_xfport_value(int port, char *buf, size_t len);

#endif
