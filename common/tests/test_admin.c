/* Unit tests for common/admin.c: the built-in routes and a daemon route,
 * served by a real evhttp on loopback and called by libevent's own client in
 * the same loop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/admin.h"
#include "common/daemon.h"
#include "common/err.h"
#include "common/http_reply.h"

static int64_t fake_now = 1000000;

static int64_t fake_source(void *ctx)
{
    (void)ctx;
    return fake_now;
}

struct fixture {
    struct event_base *base;
    struct evhttp *http;
    struct dd_clock *clock;
    struct dd_metrics *metrics;
    struct dd_admin *admin;
    int port;
    int status;
    char body[8192];
    char ctype[128];
};

static void on_gen(struct evhttp_request *req, void *arg)
{
    struct fixture *f = arg;
    if (!dd_admin_dispatch(f->admin, req))
        dd_http_reply_bytes(req, 200, "text/plain", "app", 3);
}

static void on_state(void *arg, struct evhttp_request *req, const char *rest)
{
    dd_http_reply_json(req, 200, json_pack("{s:s}", "rest", rest));
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->base = event_base_new();
    f->http = evhttp_new(f->base);
    f->clock = dd_clock_new(fake_source, NULL);
    f->metrics = dd_metrics_new();
    f->admin = dd_admin_new("test-emu", "9.9", f->clock, f->metrics);
    evutil_socket_t fd;
    if (dd_listen_tcp("127.0.0.1", 0, 16, &fd, &f->port) != DD_OK)
        return -1;
    evhttp_accept_socket(f->http, fd);
    evhttp_set_gencb(f->http, on_gen, f);
    struct dd_metric *c = dd_metrics_counter(f->metrics, "NumberOfMessagesSent", "sent", NULL);
    dd_metric_add(c, NULL, 3);
    assert_int_equal(dd_admin_route(f->admin, "state", on_state, f), DD_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    evhttp_free(f->http);
    dd_admin_free(f->admin);
    dd_metrics_free(f->metrics);
    dd_clock_free(f->clock);
    event_base_free(f->base);
    free(f);
    return 0;
}

static void on_done(struct evhttp_request *req, void *arg)
{
    struct fixture *f = arg;
    f->status = req ? evhttp_request_get_response_code(req) : -1;
    f->body[0] = f->ctype[0] = '\0';
    if (req) {
        struct evbuffer *b = evhttp_request_get_input_buffer(req);
        size_t n = evbuffer_get_length(b);
        if (n >= sizeof(f->body))
            n = sizeof(f->body) - 1;
        evbuffer_remove(b, f->body, n);
        f->body[n] = '\0';
        const char *ct = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
        if (ct)
            snprintf(f->ctype, sizeof(f->ctype), "%s", ct);
    }
    event_base_loopexit(f->base, NULL);
}

static void request(struct fixture *f, enum evhttp_cmd_type cmd, const char *uri, const char *body)
{
    struct evhttp_connection *c = evhttp_connection_base_new(f->base, NULL, "127.0.0.1", f->port);
    struct evhttp_request *req = evhttp_request_new(on_done, f);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Host", "127.0.0.1");
    if (body)
        evbuffer_add(evhttp_request_get_output_buffer(req), body, strlen(body));
    evhttp_make_request(c, req, cmd, uri);
    event_base_dispatch(f->base);
    evhttp_connection_free(c);
}

static void test_health(void **state)
{
    struct fixture *f = *state;
    request(f, EVHTTP_REQ_GET, "/_drydock/health", NULL);
    assert_int_equal(f->status, 200);
    json_t *doc = json_loads(f->body, 0, NULL);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "status")), "ok");
    assert_string_equal(json_string_value(json_object_get(doc, "daemon")), "test-emu");
    json_decref(doc);
}

static void test_metrics_text(void **state)
{
    struct fixture *f = *state;
    request(f, EVHTTP_REQ_GET, "/_drydock/metrics", NULL);
    assert_int_equal(f->status, 200);
    assert_string_equal(f->ctype, "text/plain; version=0.0.4; charset=utf-8");
    assert_non_null(strstr(f->body, "# TYPE NumberOfMessagesSent counter\n"));
    assert_non_null(strstr(f->body, "\nNumberOfMessagesSent 3\n"));
}

static void test_clock_get_advance_and_reject_backwards(void **state)
{
    struct fixture *f = *state;
    request(f, EVHTTP_REQ_GET, "/_drydock/clock", NULL);
    assert_int_equal(f->status, 200);
    assert_non_null(strstr(f->body, "\"offset_ms\":0"));

    request(f, EVHTTP_REQ_POST, "/_drydock/clock", "{\"advance_ms\": 30000}");
    assert_int_equal(f->status, 200);
    assert_int_equal(dd_clock_offset_ms(f->clock), 30000);
    assert_int_equal(dd_clock_now_ms(f->clock), fake_now + 30000);

    request(f, EVHTTP_REQ_POST, "/_drydock/clock", "{\"advance_ms\": -1}");
    assert_int_equal(f->status, 400);
    request(f, EVHTTP_REQ_POST, "/_drydock/clock", "not json");
    assert_int_equal(f->status, 400);
    request(f, EVHTTP_REQ_POST, "/_drydock/clock", "{\"advance_ms\": \"5\"}");
    assert_int_equal(f->status, 400);
    request(f, EVHTTP_REQ_DELETE, "/_drydock/clock", NULL);
    assert_int_equal(f->status, 405);
    assert_int_equal(dd_clock_offset_ms(f->clock), 30000);
}

static void test_daemon_route_and_unknown(void **state)
{
    struct fixture *f = *state;
    request(f, EVHTTP_REQ_GET, "/_drydock/state/queues?x=1", NULL);
    assert_int_equal(f->status, 200);
    assert_string_equal(f->body, "{\"rest\":\"queues?x=1\"}");
    request(f, EVHTTP_REQ_GET, "/_drydock/nope", NULL);
    assert_int_equal(f->status, 404);
    request(f, EVHTTP_REQ_GET, "/_drydock/", NULL);
    assert_int_equal(f->status, 404);
    /* Outside the prefix the daemon's own handler answers. */
    request(f, EVHTTP_REQ_GET, "/_drydockx", NULL);
    assert_int_equal(f->status, 200);
    assert_string_equal(f->body, "app");
    assert_int_equal(dd_admin_route(f->admin, "state", on_state, f), DD_EEXIST);
    assert_int_equal(dd_admin_route(f->admin, "clock", on_state, f), DD_EEXIST);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_health),
        cmocka_unit_test(test_metrics_text),
        cmocka_unit_test(test_clock_get_advance_and_reject_backwards),
        cmocka_unit_test(test_daemon_route_and_unknown),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
