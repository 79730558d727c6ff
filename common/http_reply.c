/*
 * evhttp reply helpers shared by the admin endpoint and the HTTP daemons.
 */
#include "common/http_reply.h"

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <string.h>

#include "common/err.h"

const char *dd_http_reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Payload Too Large";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return status < 400 ? "OK" : "Error";
    }
}

int dd_http_reply_bytes(struct evhttp_request *req, int status, const char *content_type,
                        const void *data, size_t len)
{
    struct evbuffer *body = evbuffer_new();
    if (!body) {
        evhttp_send_error(req, 500, NULL);
        return DD_ENOMEM;
    }
    if (len && evbuffer_add(body, data, len) != 0) {
        evbuffer_free(body);
        evhttp_send_error(req, 500, NULL);
        return DD_ENOMEM;
    }
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    if (content_type)
        evhttp_add_header(h, "Content-Type", content_type);
    evhttp_send_reply(req, status, dd_http_reason(status), body);
    evbuffer_free(body);
    return DD_OK;
}

int dd_http_reply_json(struct evhttp_request *req, int status, json_t *doc)
{
    char *s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!s) {
        evhttp_send_error(req, 500, NULL);
        return DD_ENOMEM;
    }
    int rc = dd_http_reply_bytes(req, status, "application/json", s, strlen(s));
    free(s);
    return rc;
}

int dd_http_reply_error(struct evhttp_request *req, int status, const char *message)
{
    return dd_http_reply_json(req, status, json_pack("{s:s}", "error", message));
}

int dd_http_read_body(struct evhttp_request *req, struct dd_buf *out, size_t max)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t n = evbuffer_get_length(in);
    if (n > max)
        return DD_ERANGE;
    int rc = dd_buf_reserve(out, n);
    if (rc)
        return rc;
    if (n && evbuffer_copyout(in, out->data + out->len, n) != (ev_ssize_t)n)
        return DD_EIO;
    out->len += n;
    out->data[out->len] = '\0';
    return DD_OK;
}
