/*
 * Redirect URL building (see redirect.h): each component is a template whose
 * #{keyword}s are replaced by the request's values, then the five pieces are
 * joined as protocol://host:port/path?query.
 */
#include "alb-emu/redirect.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alb-emu/rules.h"
#include "common/err.h"

/* The request's value of each keyword. */
struct kw_values {
    const char *protocol; /* "http" / "https" */
    const char *host;
    size_t host_len;
    char port[8];
    const char *path; /* without the leading "/" */
    size_t path_len;
    const char *query;
    size_t query_len;
};

/* Appends tmpl with its keywords expanded. Unknown "#{...}" text is copied
 * as is (the config validator refuses keywords out of place). */
static int expand(struct dd_buf *b, const char *tmpl, const struct kw_values *v)
{
    const char *p = tmpl;
    while (*p) {
        const char *k = strstr(p, "#{");
        if (!k)
            return dd_buf_puts(b, p);
        int rc = dd_buf_append(b, p, (size_t)(k - p));
        if (rc != DD_OK)
            return rc;
        if (strncmp(k, "#{protocol}", 11) == 0) {
            rc = dd_buf_puts(b, v->protocol);
            p = k + 11;
        } else if (strncmp(k, "#{host}", 7) == 0) {
            rc = dd_buf_append(b, v->host, v->host_len);
            p = k + 7;
        } else if (strncmp(k, "#{port}", 7) == 0) {
            rc = dd_buf_puts(b, v->port);
            p = k + 7;
        } else if (strncmp(k, "#{path}", 7) == 0) {
            rc = dd_buf_append(b, v->path, v->path_len);
            p = k + 7;
        } else if (strncmp(k, "#{query}", 8) == 0) {
            rc = dd_buf_append(b, v->query, v->query_len);
            p = k + 8;
        } else {
            rc = dd_buf_append(b, k, 2);
            p = k + 2;
        }
        if (rc != DD_OK)
            return rc;
    }
    return DD_OK;
}

static void lower(char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] >= 'A' && s[i] <= 'Z')
            s[i] = (char)(s[i] + 32);
}

int alb_redirect_build(const struct alb_redirect_config *cfg,
                       const struct alb_redirect_request *req, struct dd_buf *out)
{
    struct kw_values v;
    memset(&v, 0, sizeof(v));
    v.protocol = req->protocol == ALB_PROTOCOL_HTTPS ? "https" : "http";
    if (req->host)
        alb_host_strip_port(req->host, req->host_len, &v.host, &v.host_len);
    else
        v.host = "";
    snprintf(v.port, sizeof(v.port), "%d", req->port);
    v.path = req->path ? req->path : "";
    v.path_len = req->path ? req->path_len : 0;
    if (v.path_len > 0 && v.path[0] == '/') {
        v.path++;
        v.path_len--;
    }
    v.query = req->query ? req->query : "";
    v.query_len = req->query ? req->query_len : 0;

    /* Each component is expanded into its own buffer first: the port and
     * host must be checked, and the query decides whether "?" appears. */
    struct dd_buf proto = DD_BUF_INIT, host = DD_BUF_INIT, port = DD_BUF_INIT, path = DD_BUF_INIT,
                  query = DD_BUF_INIT;
    int rc;
    if ((rc = expand(&proto, cfg->protocol ? cfg->protocol : "#{protocol}", &v)) != DD_OK ||
        (rc = expand(&host, cfg->host ? cfg->host : "#{host}", &v)) != DD_OK ||
        (rc = expand(&port, cfg->port ? cfg->port : "#{port}", &v)) != DD_OK ||
        (rc = expand(&path, cfg->path ? cfg->path : "/#{path}", &v)) != DD_OK ||
        (rc = expand(&query, cfg->query ? cfg->query : "#{query}", &v)) != DD_OK)
        goto out;
    lower(proto.data, proto.len);
    long pn = port.len > 0 && port.len <= 5 ? strtol(port.data, NULL, 10) : 0;
    if (host.len == 0 || pn < 1 || pn > 65535 || strspn(port.data, "0123456789") != port.len) {
        rc = DD_EINVAL;
        goto out;
    }
    /* An IPv6 literal host (from a Host header "[::1]:80") goes back in brackets. */
    bool v6 = memchr(host.data, ':', host.len) && host.data[0] != '[';
    if ((rc = dd_buf_append(out, proto.data, proto.len)) != DD_OK ||
        (rc = dd_buf_puts(out, v6 ? "://[" : "://")) != DD_OK ||
        (rc = dd_buf_append(out, host.data, host.len)) != DD_OK ||
        (v6 && (rc = dd_buf_putc(out, ']')) != DD_OK) || (rc = dd_buf_putc(out, ':')) != DD_OK ||
        (rc = dd_buf_append(out, port.data, port.len)) != DD_OK ||
        (rc = dd_buf_append(out, path.data ? path.data : "/", path.len ? path.len : 1)) != DD_OK)
        goto out;
    if (query.len > 0) {
        if ((rc = dd_buf_putc(out, '?')) != DD_OK ||
            (rc = dd_buf_append(out, query.data, query.len)) != DD_OK)
            goto out;
    }
out:
    dd_buf_release(&proto);
    dd_buf_release(&host);
    dd_buf_release(&port);
    dd_buf_release(&path);
    dd_buf_release(&query);
    return rc;
}

const char *alb_redirect_reason(int status_code)
{
    return status_code == 301 ? "Moved Permanently" : "Found";
}
