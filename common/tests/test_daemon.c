/* Unit tests for common/daemon.c: port 0 binding, the ready file, loopback
 * checks and SIGTERM delivered as a loop callback. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/daemon.h"
#include "common/err.h"

static void test_listen_port_zero_picks_a_port(void **state)
{
    (void)state;
    evutil_socket_t fd = -1, fd2 = -1;
    int port = 0, port2 = 0;
    assert_int_equal(dd_listen_tcp("127.0.0.1", 0, 16, &fd, &port), DD_OK);
    assert_true(port > 0 && port < 65536);
    /* The same port again must fail: it is taken. */
    assert_int_equal(dd_listen_tcp("127.0.0.1", port, 16, &fd2, &port2), DD_EIO);
    close(fd);
}

static void test_listen_rejects_bad_input(void **state)
{
    (void)state;
    evutil_socket_t fd = -1;
    int port = 0;
    assert_int_equal(dd_listen_tcp("127.0.0.1", 70000, 16, &fd, &port), DD_EINVAL);
    assert_int_equal(dd_listen_tcp("not an address!", 0, 16, &fd, &port), DD_EINVAL);
}

static void test_ready_file_is_complete_json(void **state)
{
    (void)state;
    char dir[] = "/tmp/dd-ready-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof(path), "%s/ready.json", dir);
    json_t *extra = json_pack("{s:[{s:s, s:i}]}", "listeners", "LoadBalancer", "web", "Port", 8080);
    assert_int_equal(dd_ready_file_write(path, 1234, 5678, extra), DD_OK);
    json_decref(extra);

    json_error_t err;
    json_t *doc = json_load_file(path, 0, &err);
    assert_non_null(doc);
    assert_int_equal(json_integer_value(json_object_get(doc, "pid")), getpid());
    assert_int_equal(json_integer_value(json_object_get(doc, "port")), 1234);
    assert_int_equal(json_integer_value(json_object_get(doc, "admin_port")), 5678);
    json_t *l = json_array_get(json_object_get(doc, "listeners"), 0);
    assert_int_equal(json_integer_value(json_object_get(l, "Port")), 8080);
    json_decref(doc);

    /* admin_port < 0 is omitted */
    assert_int_equal(dd_ready_file_write(path, 1, -1, NULL), DD_OK);
    doc = json_load_file(path, 0, &err);
    assert_non_null(doc);
    assert_null(json_object_get(doc, "admin_port"));
    json_decref(doc);
    unlink(path);
    rmdir(dir);
}

static void test_ready_file_bad_dir_fails(void **state)
{
    (void)state;
    assert_int_equal(dd_ready_file_write("/nonexistent-dir/x/ready.json", 1, 2, NULL), DD_EIO);
}

static void test_loopback_detection(void **state)
{
    (void)state;
    assert_true(dd_addr_str_is_loopback("127.0.0.1"));
    assert_true(dd_addr_str_is_loopback("127.255.0.9"));
    assert_true(dd_addr_str_is_loopback("::1"));
    assert_true(dd_addr_str_is_loopback("::ffff:127.0.0.1"));
    assert_false(dd_addr_str_is_loopback("128.0.0.1"));
    assert_false(dd_addr_str_is_loopback("10.0.0.1"));
    assert_false(dd_addr_str_is_loopback("::2"));
    assert_false(dd_addr_str_is_loopback("::ffff:10.0.0.1"));
    assert_false(dd_addr_str_is_loopback("localhost"));
    assert_false(dd_addr_str_is_loopback(""));
    assert_false(dd_addr_str_is_loopback(NULL));
}

struct stop_seen {
    struct event_base *base;
    int signo;
    int calls;
};

static void on_stop(void *arg, int signo)
{
    struct stop_seen *s = arg;
    s->signo = signo;
    s->calls++;
    event_base_loopexit(s->base, NULL);
}

static void raise_term(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    raise(SIGTERM);
}

static void test_sigterm_reaches_the_loop(void **state)
{
    (void)state;
    struct stop_seen seen = { event_base_new(), 0, 0 };
    assert_non_null(seen.base);
    struct dd_signals *s = dd_signals_new(seen.base, on_stop, &seen);
    assert_non_null(s);
    struct timeval tv = { 0, 1000 };
    event_base_once(seen.base, -1, EV_TIMEOUT, raise_term, NULL, &tv);
    struct timeval limit = { 5, 0 };
    event_base_loopexit(seen.base, &limit);
    event_base_dispatch(seen.base);
    assert_int_equal(seen.calls, 1);
    assert_int_equal(seen.signo, SIGTERM);
    dd_signals_free(s);
    dd_signals_free(NULL);
    event_base_free(seen.base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listen_port_zero_picks_a_port),
        cmocka_unit_test(test_listen_rejects_bad_input),
        cmocka_unit_test(test_ready_file_is_complete_json),
        cmocka_unit_test(test_ready_file_bad_dir_fails),
        cmocka_unit_test(test_loopback_detection),
        cmocka_unit_test(test_sigterm_reaches_the_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
