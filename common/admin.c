/*
 * /_drydock/ admin endpoint: the built-in health, metrics and clock routes and
 * a small table of daemon routes. The clock route is how tests and drills
 * fast-forward visibility timeouts, TTLs and health-check intervals:
 *   GET  /_drydock/clock                -> {"now_ms":…, "offset_ms":…}
 *   POST /_drydock/clock {"advance_ms"} -> the same, after moving forward
 */
#include "common/admin.h"

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/daemon.h"
#include "common/err.h"
#include "common/http_reply.h"

#define DD_ADMIN_MAX_BODY (64 * 1024)

struct dd_admin_route {
    char *name; /* owned */
    dd_admin_handler_fn fn;
    void *arg;
};

struct dd_admin {
    const char *daemon;  /* borrowed */
    const char *version; /* borrowed */
    struct dd_clock *clock;
    struct dd_metrics *metrics;
    int64_t started_mono_ns;
    struct dd_admin_route *routes; /* owned array */
    size_t nroutes;
    dd_admin_health_fn health_fn;
    void *health_arg;
};

struct dd_admin *dd_admin_new(const char *daemon, const char *version, struct dd_clock *clock,
                              struct dd_metrics *metrics)
{
    struct dd_admin *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    a->daemon = daemon;
    a->version = version;
    a->clock = clock;
    a->metrics = metrics;
    a->started_mono_ns = dd_clock_mono_ns();
    return a;
}

void dd_admin_free(struct dd_admin *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->nroutes; i++)
        free(a->routes[i].name);
    free(a->routes);
    free(a);
}

int dd_admin_route(struct dd_admin *a, const char *name, dd_admin_handler_fn fn, void *arg)
{
    static const char *const builtin[] = { "health", "metrics", "clock" };
    for (size_t i = 0; i < DD_ARRAY_LEN(builtin); i++)
        if (strcmp(builtin[i], name) == 0)
            return DD_EEXIST;
    for (size_t i = 0; i < a->nroutes; i++)
        if (strcmp(a->routes[i].name, name) == 0)
            return DD_EEXIST;
    struct dd_admin_route *r = realloc(a->routes, (a->nroutes + 1) * sizeof(*r));
    if (!r)
        return DD_ENOMEM;
    a->routes = r;
    char *copy = strdup(name);
    if (!copy)
        return DD_ENOMEM;
    a->routes[a->nroutes++] = (struct dd_admin_route){ copy, fn, arg };
    return DD_OK;
}

void dd_admin_on_health(struct dd_admin *a, dd_admin_health_fn fn, void *arg)
{
    a->health_fn = fn;
    a->health_arg = arg;
}

int dd_admin_matches(const char *uri)
{
    return uri && strncmp(uri, DD_ADMIN_PREFIX, strlen(DD_ADMIN_PREFIX)) == 0;
}

static void serve_health(struct dd_admin *a, struct evhttp_request *req)
{
    double uptime = (double)(dd_clock_mono_ns() - a->started_mono_ns) / 1e9;
    json_t *doc = json_pack("{s:s, s:s, s:s, s:f}", "status", "ok", "daemon", a->daemon, "version",
                            a->version, "uptime_s", uptime);
    if (doc && a->health_fn)
        a->health_fn(a->health_arg, doc);
    dd_http_reply_json(req, 200, doc);
}

static void serve_metrics(struct dd_admin *a, struct evhttp_request *req)
{
    if (!a->metrics) {
        dd_http_reply_error(req, 404, "no metrics");
        return;
    }
    struct dd_buf out = DD_BUF_INIT;
    if (dd_metrics_render(a->metrics, &out) != DD_OK) {
        dd_buf_release(&out);
        dd_http_reply_error(req, 500, "metrics rendering failed");
        return;
    }
    dd_http_reply_bytes(req, 200, "text/plain; version=0.0.4; charset=utf-8", out.data, out.len);
    dd_buf_release(&out);
}

static json_t *clock_doc(struct dd_admin *a)
{
    return json_pack("{s:I, s:I}", "now_ms", (json_int_t)dd_clock_now_ms(a->clock), "offset_ms",
                     (json_int_t)dd_clock_offset_ms(a->clock));
}

static void serve_clock(struct dd_admin *a, struct evhttp_request *req)
{
    enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
    if (cmd == EVHTTP_REQ_GET) {
        dd_http_reply_json(req, 200, clock_doc(a));
        return;
    }
    if (cmd != EVHTTP_REQ_POST && cmd != EVHTTP_REQ_PUT) {
        dd_http_reply_error(req, 405, "use GET, or POST {\"advance_ms\": N}");
        return;
    }
    struct dd_buf body = DD_BUF_INIT;
    if (dd_http_read_body(req, &body, DD_ADMIN_MAX_BODY) != DD_OK) {
        dd_buf_release(&body);
        dd_http_reply_error(req, 413, "body too large");
        return;
    }
    json_error_t jerr;
    json_t *in = json_loadb(body.data ? body.data : "", body.len, 0, &jerr);
    dd_buf_release(&body);
    json_t *adv = in ? json_object_get(in, "advance_ms") : NULL;
    if (!adv || !json_is_integer(adv)) {
        json_decref(in);
        dd_http_reply_error(req, 400, "expected {\"advance_ms\": <non-negative integer>}");
        return;
    }
    int rc = dd_clock_advance(a->clock, (int64_t)json_integer_value(adv));
    json_decref(in);
    if (rc == DD_EINVAL) {
        dd_http_reply_error(req, 400, "the clock only moves forward: advance_ms must be >= 0");
        return;
    }
    if (rc != DD_OK) {
        dd_http_reply_error(req, 400, dd_strerror(rc));
        return;
    }
    dd_http_reply_json(req, 200, clock_doc(a));
}

int dd_admin_dispatch(struct dd_admin *a, struct evhttp_request *req)
{
    const char *uri = evhttp_request_get_uri(req);
    if (!dd_admin_matches(uri))
        return 0;

    char *peer = NULL;
    ev_uint16_t peer_port = 0;
    evhttp_connection_get_peer(evhttp_request_get_connection(req), &peer, &peer_port);
    if (!dd_addr_str_is_loopback(peer)) {
        dd_http_reply_error(req, 403, "the admin endpoint serves loopback clients only");
        return 1;
    }

    /* name = the segment after the prefix; rest = what follows it, query included. */
    const char *p = uri + strlen(DD_ADMIN_PREFIX);
    size_t name_len = strcspn(p, "/?");
    char name[64];
    if (name_len == 0 || name_len >= sizeof(name)) {
        dd_http_reply_error(req, 404, "unknown admin route");
        return 1;
    }
    memcpy(name, p, name_len);
    name[name_len] = '\0';
    const char *rest = p + name_len;
    if (*rest == '/')
        rest++;

    if (strcmp(name, "health") == 0)
        serve_health(a, req);
    else if (strcmp(name, "metrics") == 0)
        serve_metrics(a, req);
    else if (strcmp(name, "clock") == 0)
        serve_clock(a, req);
    else {
        for (size_t i = 0; i < a->nroutes; i++) {
            if (strcmp(a->routes[i].name, name) == 0) {
                a->routes[i].fn(a->routes[i].arg, req, rest);
                return 1;
            }
        }
        dd_http_reply_error(req, 404, "unknown admin route");
    }
    return 1;
}

static void on_admin_request(struct evhttp_request *req, void *arg)
{
    if (!dd_admin_dispatch(arg, req))
        dd_http_reply_error(req, 404, "not found: the admin endpoint serves /_drydock/ only");
}

int dd_admin_attach(struct dd_admin *a, struct evhttp *http)
{
    evhttp_set_gencb(http, on_admin_request, a);
    return DD_OK;
}
