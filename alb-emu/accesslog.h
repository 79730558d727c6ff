/*
 * alb_access_log: one line of the ALB access log.
 *
 * The fields, in the documented order ("Access logs for your Application
 * Load Balancer", Syntax; new fields are only ever added at the end):
 *
 *   type time elb client:port target:port request_processing_time
 *   target_processing_time response_processing_time elb_status_code
 *   target_status_code received_bytes sent_bytes "request" "user_agent"
 *   ssl_cipher ssl_protocol target_group_arn "trace_id" "domain_name"
 *   "chosen_cert_arn" matched_rule_priority request_creation_time
 *   "actions_executed" "redirect_url" "error_reason" "target:port_list"
 *   "target_status_code_list" "classification" "classification_reason"
 *   conn_trace_id "transformed_host" "transformed_uri" "request_transform_status"
 *
 * Missing values are written as ALB writes them: "-" (quoted where the field
 * is quoted), and -1 for the three processing times when the request was
 * not dispatched to a target. Times are ISO 8601 with microseconds
 * ("2018-07-02T22:23:00.186641Z"); processing times are seconds with
 * millisecond precision ("0.001"); IPv6 addresses are printed without
 * brackets before ":port", as ALB does. A '"' or '\' inside a quoted field is
 * escaped with a backslash and control bytes become \xHH, so a line always
 * splits the same way. The user agent is truncated at 8 KB.
 */
#ifndef ALB_ACCESSLOG_H
#define ALB_ACCESSLOG_H

#include <stdint.h>

#include "alb-emu/addr.h"
#include "common/buf.h"

/* matched_rule_priority when no rule evaluation happened: written as "-". */
#define ALB_LOG_NO_RULE (-2)
/* A processing time the load balancer could not measure: written as -1. */
#define ALB_LOG_NO_TIME (-1)

/* One request. Every string is borrowed; NULL writes "-". */
struct alb_access_log_entry {
    const char *type;               /* http, https, h2, grpcs, ws, wss */
    int64_t time_us;                /* when the response was generated (us since the epoch) */
    const char *elb;                /* resource id: "app/<name>/<16 hex id>" */
    struct alb_addr client;         /* client ip and port */
    struct alb_addr target;         /* target ip and port; family 0 = not dispatched ("-") */
    int64_t request_processing_us;  /* received -> sent to target; ALB_LOG_NO_TIME = -1 */
    int64_t target_processing_us;   /* sent to target -> response headers began; or -1 */
    int64_t response_processing_us; /* response headers -> began sending to client; or -1 */
    int elb_status_code;            /* status sent to the client; 0 = "-" */
    int target_status_code;         /* status from the target; 0 = "-" */
    uint64_t received_bytes;        /* request bytes incl. headers */
    uint64_t sent_bytes;            /* response bytes incl. headers */
    const char *request_method;     /* "GET"; NULL = "-" (malformed request) */
    const char *request_url;        /* "http://host:port/uri" (see alb_access_log_url) */
    const char *request_protocol;   /* "HTTP/1.1"; NULL = "-" */
    const char *user_agent;
    const char *ssl_cipher; /* HTTPS listeners */
    const char *ssl_protocol;
    const char *target_group_arn;
    const char *trace_id;    /* the X-Amzn-Trace-Id value sent on */
    const char *domain_name; /* SNI */
    const char *chosen_cert_arn;
    int matched_rule_priority;    /* 1..50000, 0 = default rule, -1 = evaluation error,
                                     ALB_LOG_NO_RULE = "-" */
    int64_t request_creation_us;  /* when the request was received */
    const char *actions_executed; /* "forward", "authenticate,forward", "redirect", ... */
    const char *redirect_url;
    const char *error_reason;
    const char *target_port_list;        /* "ip:port" of the targets, space separated */
    const char *target_status_code_list; /* their status codes, space separated */
    const char *classification;          /* desync: Acceptable, Ambiguous, Severe */
    const char *classification_reason;
    const char *conn_trace_id; /* "TID_<hex>", unquoted */
    const char *transformed_host;
    const char *transformed_uri;
    const char *request_transform_status;
};

/* Sets every field of e to its "-" / -1 value (strings NULL, priority
 * ALB_LOG_NO_RULE, times ALB_LOG_NO_TIME, addresses unset). */
void alb_access_log_entry_init(struct alb_access_log_entry *e);

/* Appends the line for e (borrowed), without a trailing newline, to out
 * (the caller's). DD_OK / DD_ENOMEM. */
int alb_access_log_format(const struct alb_access_log_entry *e, struct dd_buf *out);

/* Appends the URL part of the "request" field to out: "scheme://host:port" +
 * uri, or + "-" when the client sent no usable request-target (uri NULL).
 * host (borrowed, NULL = "-") is the Host header without its port. */
int alb_access_log_url(const char *scheme, const char *host, int port, const char *uri,
                       struct dd_buf *out);

/* Writes t (us since the epoch) as "2018-07-02T22:23:00.186641Z" into buf
 * (caller's, >= 28 bytes). Returns buf. */
char *alb_access_log_time(int64_t t_us, char *buf, size_t len);

#endif
