/*
 * X-Amzn-Trace-Id and X-Forwarded-* header values (see trace.h).
 */
#include "alb-emu/trace.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"

char *alb_trace_id_new(int64_t now_ms, const struct alb_rand *rnd, char out[ALB_TRACE_ID_SIZE])
{
    uint32_t secs = (uint32_t)(now_ms / 1000);
    uint64_t a = alb_rand_u64(rnd), b = alb_rand_u64(rnd);
    /* 24 hex digits = 96 random bits: 64 from a, 32 from b. */
    snprintf(out, ALB_TRACE_ID_SIZE, "1-%08" PRIx32 "-%016" PRIx64 "%08" PRIx32, secs, a,
             (uint32_t)b);
    return out;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* One "Name=value" field of the header, trimmed. */
struct field {
    const char *s;
    size_t len;
};

static bool field_named(const struct field *f, const char *name)
{
    size_t n = strlen(name);
    return f->len > n && memcmp(f->s, name, n) == 0 && f->s[n] == '=';
}

/* Splits in on ';' into at most max trimmed, non-empty fields. */
static size_t split_fields(const char *in, size_t len, struct field *out, size_t max)
{
    size_t n = 0, i = 0;
    while (i < len && n < max) {
        size_t start = i;
        while (i < len && in[i] != ';')
            i++;
        size_t end = i;
        while (start < end && is_space(in[start]))
            start++;
        while (end > start && is_space(in[end - 1]))
            end--;
        if (end > start) {
            out[n].s = in + start;
            out[n].len = end - start;
            n++;
        }
        i++;
    }
    return n;
}

int alb_trace_header(const char *in, size_t in_len, size_t headers_size, int64_t now_ms,
                     const struct alb_rand *rnd, struct dd_buf *out)
{
    char id[ALB_TRACE_ID_SIZE];
    alb_trace_id_new(now_ms, rnd, id);
    struct field fields[64];
    size_t n = in && headers_size <= ALB_TRACE_HEADERS_LIMIT
                   ? split_fields(in, in_len, fields, DD_ARRAY_LEN(fields))
                   : 0;
    if (n == 0)
        return dd_buf_printf(out, "Root=%s", id);

    bool has_root = false, has_self = false;
    for (size_t i = 0; i < n; i++) {
        has_root |= field_named(&fields[i], "Root");
        has_self |= field_named(&fields[i], "Self");
    }
    int rc = DD_OK;
    bool first = true;
    if (!has_root) {
        rc = dd_buf_printf(out, "Root=%s", id);
        first = false;
    } else if (!has_self) {
        rc = dd_buf_printf(out, "Self=%s", id);
        first = false;
    }
    for (size_t i = 0; i < n && rc == DD_OK; i++) {
        if (field_named(&fields[i], "Self")) {
            if (!has_root)
                continue; /* a Self without a Root describes a trace we do not continue */
            rc = dd_buf_printf(out, "%sSelf=%s", first ? "" : ";", id);
        } else {
            rc = dd_buf_printf(out, "%s%.*s", first ? "" : ";", (int)fields[i].len, fields[i].s);
        }
        first = false;
    }
    return rc;
}

enum alb_header_action alb_xff_build(enum alb_xff_mode mode, bool client_port, const char *existing,
                                     size_t existing_len, const struct alb_addr *client,
                                     struct dd_buf *out, int *rc)
{
    if (rc)
        *rc = DD_OK;
    if (mode == ALB_XFF_PRESERVE)
        return ALB_HEADER_KEEP;
    if (mode == ALB_XFF_REMOVE)
        return ALB_HEADER_REMOVE;
    char addr[ALB_ADDR_STRLEN];
    if (client_port)
        alb_addr_format_bracketed(client, addr, sizeof(addr));
    else
        alb_addr_ip_str(client, addr, sizeof(addr));
    /* Trim the existing value so "a, " plus the client never doubles separators. */
    while (existing && existing_len > 0 && is_space(existing[existing_len - 1]))
        existing_len--;
    while (existing && existing_len > 0 && is_space(existing[0])) {
        existing++;
        existing_len--;
    }
    int r;
    if (existing && existing_len > 0)
        r = dd_buf_printf(out, "%.*s, %s", (int)existing_len, existing, addr);
    else
        r = dd_buf_puts(out, addr);
    if (rc)
        *rc = r;
    return ALB_HEADER_SET;
}

const char *alb_xfp_value(enum alb_protocol protocol)
{
    return protocol == ALB_PROTOCOL_HTTPS ? "https" : "http";
}

char *alb_xfport_value(int port, char *buf, size_t len)
{
    snprintf(buf, len, "%d", port);
    return buf;
}
