/*
 * ALB's own responses (see reply.h): one head writer, the nginx reason
 * phrases ALB inherited, and the error-page template.
 */
#include "alb-emu/reply.h"

#include <stdio.h>
#include <string.h>

#include "alb-emu/redirect.h"
#include "alb-emu/sticky.h"
#include "common/err.h"

struct reason {
    int status;
    const char *text;
};

/* nginx's status lines, which ALB's answers use. */
static const struct reason k_reasons[] = {
    { 200, "OK" },
    { 201, "Created" },
    { 202, "Accepted" },
    { 204, "No Content" },
    { 206, "Partial Content" },
    { 301, "Moved Permanently" },
    { 302, "Found" },
    { 303, "See Other" },
    { 304, "Not Modified" },
    { 307, "Temporary Redirect" },
    { 308, "Permanent Redirect" },
    { 400, "Bad Request" },
    { 401, "Unauthorized" },
    { 402, "Payment Required" },
    { 403, "Forbidden" },
    { 404, "Not Found" },
    { 405, "Not Allowed" },
    { 406, "Not Acceptable" },
    { 408, "Request Time-out" },
    { 409, "Conflict" },
    { 410, "Gone" },
    { 411, "Length Required" },
    { 412, "Precondition Failed" },
    { 413, "Request Entity Too Large" },
    { 414, "Request-URI Too Large" },
    { 415, "Unsupported Media Type" },
    { 416, "Requested Range Not Satisfiable" },
    { 421, "Misdirected Request" },
    { 429, "Too Many Requests" },
    { 500, "Internal Server Error" },
    { 501, "Not Implemented" },
    { 502, "Bad Gateway" },
    { 503, "Service Temporarily Unavailable" },
    { 504, "Gateway Time-out" },
    { 505, "HTTP Version Not Supported" },
    { 507, "Insufficient Storage" },
};

const char *alb_reply_reason(int status)
{
    for (size_t i = 0; i < DD_ARRAY_LEN(k_reasons); i++)
        if (k_reasons[i].status == status)
            return k_reasons[i].text;
    return "";
}

/* "503 Service Temporarily Unavailable", or "463" for a code without a
 * phrase, into buf. */
static const char *status_text(int status, char *buf, size_t len)
{
    const char *r = alb_reply_reason(status);
    snprintf(buf, len, *r ? "%d %s" : "%d", status, r);
    return buf;
}

/* The status line and the headers every ALB answer starts with. */
static int head(struct dd_buf *out, int status, const char *reason, int64_t date_ms,
                const char *content_type, size_t content_length, bool keep_alive)
{
    char date[40];
    alb_http_date(date_ms, date, sizeof(date));
    /* The SP after the code is there even without a reason phrase (RFC 9112). */
    int rc = dd_buf_printf(out, "HTTP/1.1 %d %s\r\nServer: awselb/2.0\r\nDate: %s\r\n", status,
                           reason, date);
    if (rc == DD_OK && content_type)
        rc = dd_buf_printf(out, "Content-Type: %s\r\n", content_type);
    if (rc == DD_OK)
        rc = dd_buf_printf(out, "Content-Length: %zu\r\nConnection: %s\r\n", content_length,
                           keep_alive ? "keep-alive" : "close");
    return rc;
}

/* The error-page body for "<status> <reason>". */
static int page(struct dd_buf *out, const char *title)
{
    return dd_buf_printf(out,
                         "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n"
                         "<center><h1>%s</h1></center>\r\n</body>\r\n</html>\r\n",
                         title, title);
}

static size_t page_len(const char *title)
{
    /* The template above without its two %s, plus the title twice. */
    static const char tmpl[] = "<html>\r\n<head><title></title></head>\r\n<body>\r\n"
                               "<center><h1></h1></center>\r\n</body>\r\n</html>\r\n";
    return sizeof(tmpl) - 1 + 2 * strlen(title);
}

int alb_reply_error(struct dd_buf *out, int status, int64_t date_ms, bool keep_alive,
                    bool head_only)
{
    char title[64];
    status_text(status, title, sizeof(title));
    int rc = head(out, status, alb_reply_reason(status), date_ms, "text/html", page_len(title),
                  keep_alive);
    if (rc == DD_OK)
        rc = dd_buf_puts(out, "\r\n");
    if (rc == DD_OK && !head_only)
        rc = page(out, title);
    return rc;
}

int alb_reply_fixed(struct dd_buf *out, const struct alb_fixed_response_config *cfg,
                    int64_t date_ms, bool keep_alive, bool head_only)
{
    const char *body = cfg->message_body ? cfg->message_body : "";
    size_t blen = strlen(body);
    char ctype[160];
    if (cfg->content_type)
        snprintf(ctype, sizeof(ctype), "%s; charset=utf-8", cfg->content_type);
    int rc = head(out, cfg->status_code, alb_reply_reason(cfg->status_code), date_ms,
                  cfg->content_type ? ctype : NULL, blen, keep_alive);
    if (rc == DD_OK)
        rc = dd_buf_puts(out, "\r\n");
    if (rc == DD_OK && !head_only)
        rc = dd_buf_append(out, body, blen);
    return rc;
}

int alb_reply_redirect(struct dd_buf *out, int status, const char *location, size_t len,
                       int64_t date_ms, bool keep_alive, bool head_only)
{
    const char *reason = alb_redirect_reason(status);
    char title[64];
    snprintf(title, sizeof(title), "%d %s", status, reason);
    int rc = head(out, status, reason, date_ms, "text/html", page_len(title), keep_alive);
    if (rc == DD_OK)
        rc = dd_buf_puts(out, "Location: ");
    if (rc == DD_OK)
        rc = dd_buf_append(out, location, len);
    if (rc == DD_OK)
        rc = dd_buf_puts(out, "\r\n\r\n");
    if (rc == DD_OK && !head_only)
        rc = page(out, title);
    return rc;
}
