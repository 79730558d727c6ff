/*
 * ALB access log lines (see accesslog.h for the field list and conventions).
 */
#include "alb-emu/accesslog.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/err.h"

#define USER_AGENT_MAX (8 * 1024)

void alb_access_log_entry_init(struct alb_access_log_entry *e)
{
    memset(e, 0, sizeof(*e));
    e->request_processing_us = ALB_LOG_NO_TIME;
    e->target_processing_us = ALB_LOG_NO_TIME;
    e->response_processing_us = ALB_LOG_NO_TIME;
    e->matched_rule_priority = ALB_LOG_NO_RULE;
}

char *alb_access_log_time(int64_t t_us, char *buf, size_t len)
{
    int64_t secs = t_us >= 0 ? t_us / 1000000 : (t_us - 999999) / 1000000;
    int64_t frac = t_us - secs * 1000000;
    time_t tt = (time_t)secs;
    struct tm tm;
    gmtime_r(&tt, &tm);
    /* The caller's buffer may be short; a cut timestamp is its choice, so
     * the length is checked here rather than left to -Wformat-truncation. */
    int n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06" PRId64 "Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
    if (n < 0 && len > 0)
        buf[0] = '\0';
    return buf;
}

/* Seconds with millisecond precision, rounded to the nearest ms; -1 stays -1. */
static int put_duration(struct dd_buf *b, int64_t us)
{
    if (us < 0)
        return dd_buf_puts(b, " -1");
    int64_t ms = (us + 500) / 1000;
    return dd_buf_printf(b, " %" PRId64 ".%03" PRId64, ms / 1000, ms % 1000);
}

/* An unquoted field: the value or "-". */
static int put_plain(struct dd_buf *b, const char *s)
{
    int rc = dd_buf_putc(b, ' ');
    if (rc == DD_OK)
        rc = dd_buf_puts(b, s && *s ? s : "-");
    return rc;
}

/* A quoted field with '"', '\' and control bytes escaped, at most max bytes
 * of the value. */
static int put_quoted_max(struct dd_buf *b, const char *s, size_t max)
{
    int rc = dd_buf_puts(b, " \"");
    if (rc != DD_OK)
        return rc;
    if (!s || !*s) {
        rc = dd_buf_putc(b, '-');
    } else {
        size_t n = strlen(s);
        if (n > max)
            n = max;
        for (size_t i = 0; i < n && rc == DD_OK; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c == '"' || c == '\\')
                rc = dd_buf_printf(b, "\\%c", c);
            else if (c < 0x20 || c == 0x7f)
                rc = dd_buf_printf(b, "\\x%02x", c);
            else
                rc = dd_buf_putc(b, (char)c);
        }
    }
    if (rc == DD_OK)
        rc = dd_buf_putc(b, '"');
    return rc;
}

static int put_quoted(struct dd_buf *b, const char *s)
{
    return put_quoted_max(b, s, SIZE_MAX);
}

static int put_status(struct dd_buf *b, int code)
{
    if (code <= 0)
        return dd_buf_puts(b, " -");
    return dd_buf_printf(b, " %d", code);
}

int alb_access_log_format(const struct alb_access_log_entry *e, struct dd_buf *out)
{
    char t[40], addr[ALB_ADDR_STRLEN];
    int rc = dd_buf_puts(out, e->type && *e->type ? e->type : "-");
    if (rc == DD_OK)
        rc = put_plain(out, alb_access_log_time(e->time_us, t, sizeof(t)));
    if (rc == DD_OK)
        rc = put_plain(out, e->elb);
    if (rc == DD_OK)
        rc = put_plain(out, alb_addr_format(&e->client, addr, sizeof(addr)));
    if (rc == DD_OK)
        rc = put_plain(out, alb_addr_format(&e->target, addr, sizeof(addr)));
    if (rc == DD_OK)
        rc = put_duration(out, e->request_processing_us);
    if (rc == DD_OK)
        rc = put_duration(out, e->target_processing_us);
    if (rc == DD_OK)
        rc = put_duration(out, e->response_processing_us);
    if (rc == DD_OK)
        rc = put_status(out, e->elb_status_code);
    if (rc == DD_OK)
        rc = put_status(out, e->target_status_code);
    if (rc == DD_OK)
        rc = dd_buf_printf(out, " %" PRIu64 " %" PRIu64, e->received_bytes, e->sent_bytes);
    if (rc == DD_OK) {
        /* "request": method + " " + protocol://host:port/uri + " " + version. */
        struct dd_buf req = DD_BUF_INIT;
        rc = dd_buf_printf(&req, "%s %s %s", e->request_method ? e->request_method : "-",
                           e->request_url ? e->request_url : "-",
                           e->request_protocol ? e->request_protocol : "-");
        if (rc == DD_OK)
            rc = put_quoted(out, req.data);
        dd_buf_release(&req);
    }
    if (rc == DD_OK)
        rc = put_quoted_max(out, e->user_agent, USER_AGENT_MAX);
    if (rc == DD_OK)
        rc = put_plain(out, e->ssl_cipher);
    if (rc == DD_OK)
        rc = put_plain(out, e->ssl_protocol);
    if (rc == DD_OK)
        rc = put_plain(out, e->target_group_arn);
    if (rc == DD_OK)
        rc = put_quoted(out, e->trace_id);
    if (rc == DD_OK)
        rc = put_quoted(out, e->domain_name);
    if (rc == DD_OK)
        rc = put_quoted(out, e->chosen_cert_arn);
    if (rc == DD_OK) {
        if (e->matched_rule_priority == ALB_LOG_NO_RULE)
            rc = dd_buf_puts(out, " -");
        else
            rc = dd_buf_printf(out, " %d", e->matched_rule_priority);
    }
    if (rc == DD_OK)
        rc = put_plain(out, alb_access_log_time(e->request_creation_us, t, sizeof(t)));
    const char *quoted[] = {
        e->actions_executed,        e->redirect_url,   e->error_reason,         e->target_port_list,
        e->target_status_code_list, e->classification, e->classification_reason
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(quoted) && rc == DD_OK; i++)
        rc = put_quoted(out, quoted[i]);
    if (rc == DD_OK)
        rc = put_plain(out, e->conn_trace_id);
    const char *tail[] = { e->transformed_host, e->transformed_uri, e->request_transform_status };
    for (size_t i = 0; i < DD_ARRAY_LEN(tail) && rc == DD_OK; i++)
        rc = put_quoted(out, tail[i]);
    return rc;
}

int alb_access_log_url(const char *scheme, const char *host, int port, const char *uri,
                       struct dd_buf *out)
{
    return dd_buf_printf(out, "%s://%s:%d%s", scheme ? scheme : "http", host && *host ? host : "-",
                         port, uri ? uri : "-");
}
