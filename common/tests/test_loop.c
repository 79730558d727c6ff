/* Unit tests for common/loop.c: plain dispatch, polling under dense traffic,
 * no polling under sparse traffic or when idle, and stopping mid-poll. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/err.h"
#include "common/loop.h"

/* A socket pair whose read side is watched by the loop under test. */
struct rig {
    struct event_base *base;
    int fds[2];            /* [0] watched, [1] the peer that writes */
    struct event *ev_read; /* owned */
    uint64_t bytes;        /* bytes read: the activity count */
    int echo_left;         /* bytes the reader still sends back to itself */
    int break_after;       /* loopbreak after this many bytes; 0 = never */
};

static uint64_t rig_activity(void *arg)
{
    return ((struct rig *)arg)->bytes;
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
    (void)what;
    struct rig *r = arg;
    char buf[64];
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0)
        return;
    r->bytes += (uint64_t)n;
    if (r->break_after && r->bytes >= (uint64_t)r->break_after) {
        event_base_loopbreak(r->base);
        return;
    }
    /* Ping-pong: the next byte is ready as soon as this pass ends. */
    if (r->echo_left > 0) {
        r->echo_left--;
        assert_int_equal(write(r->fds[1], "x", 1), 1);
    }
}

static void rig_init(struct rig *r)
{
    *r = (struct rig){ 0 };
    r->base = event_base_new();
    assert_non_null(r->base);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, r->fds), 0);
    evutil_make_socket_nonblocking(r->fds[0]);
    r->ev_read = event_new(r->base, r->fds[0], EV_READ | EV_PERSIST, on_read, r);
    assert_non_null(r->ev_read);
    assert_int_equal(event_add(r->ev_read, NULL), 0);
}

static void rig_free(struct rig *r)
{
    event_free(r->ev_read);
    close(r->fds[0]);
    close(r->fds[1]);
    event_base_free(r->base);
}

static void exit_after(struct rig *r, long usec)
{
    struct timeval tv = { usec / 1000000, usec % 1000000 };
    assert_int_equal(event_base_loopexit(r->base, &tv), 0);
}

static void test_without_poll_is_dispatch(void **state)
{
    (void)state;
    struct rig r;
    rig_init(&r);
    r.echo_left = 100;
    assert_int_equal(write(r.fds[1], "x", 1), 1);
    exit_after(&r, 20000);
    struct dd_loop_stats st = { 0 };
    assert_int_equal(dd_loop_run(r.base, NULL, &st), DD_OK);
    assert_int_equal(r.bytes, 101);
    assert_int_equal(st.polls, 0);
    struct dd_loop_poll off = { 0, rig_activity, &r };
    r.echo_left = 0;
    exit_after(&r, 1000);
    assert_int_equal(dd_loop_run(r.base, &off, &st), DD_OK);
    assert_int_equal(st.polls, 0);
    rig_free(&r);
}

static void test_spin_needs_an_activity_count(void **state)
{
    (void)state;
    struct rig r;
    rig_init(&r);
    struct dd_loop_poll bad = { 1000, NULL, NULL };
    assert_int_equal(dd_loop_run(r.base, &bad, NULL), DD_EINVAL);
    rig_free(&r);
}

static void test_dense_traffic_is_polled(void **state)
{
    (void)state;
    struct rig r;
    rig_init(&r);
    r.echo_left = 1000;
    assert_int_equal(write(r.fds[1], "x", 1), 1);
    exit_after(&r, 200000);
    struct dd_loop_poll p = { 5 * 1000 * 1000, rig_activity, &r };
    struct dd_loop_stats st = { 0 };
    assert_int_equal(dd_loop_run(r.base, &p, &st), DD_OK);
    assert_int_equal(r.bytes, 1001);
    /* Nearly every byte is found by a poll rather than after a sleep... */
    assert_true(st.poll_hits >= 900);
    assert_true(st.waits < 50);
    /* ...and once it stops the loop goes back to sleep instead of spinning
     * out the remaining ~195 ms (a window is 5 ms, a poll ~1 us). */
    assert_true(st.polls - st.poll_hits < 100000);
    rig_free(&r);
}

/* An outside peer: a byte every 5 ms from another thread, as a client
 * process would send (a write from inside the loop would be found by the
 * very next pass and look dense). */
static void *sparse_writer(void *arg)
{
    struct rig *r = arg;
    for (int i = 0; i < 10; i++) {
        usleep(5000);
        if (write(r->fds[1], "x", 1) != 1)
            break;
    }
    return NULL;
}

static void test_sparse_traffic_is_not_polled(void **state)
{
    (void)state;
    struct rig r;
    rig_init(&r);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, sparse_writer, &r), 0);
    exit_after(&r, 80000);
    struct dd_loop_poll p = { 200 * 1000, rig_activity, &r };
    struct dd_loop_stats st = { 0 };
    assert_int_equal(dd_loop_run(r.base, &p, &st), DD_OK);
    pthread_join(t, NULL);
    assert_int_equal(r.bytes, 10);
    /* A byte every 5 ms never arrives within a 200 us window. */
    assert_int_equal(st.polls, 0);
    assert_true(st.waits >= 10);
    rig_free(&r);
}

static void test_idle_loop_blocks(void **state)
{
    (void)state;
    struct rig r;
    rig_init(&r);
    exit_after(&r, 30000);
    struct dd_loop_poll p = { 1000 * 1000, rig_activity, &r };
    struct dd_loop_stats st = { 0 };
    assert_int_equal(dd_loop_run(r.base, &p, &st), DD_OK);
    assert_int_equal(st.polls, 0);
    assert_true(st.waits <= 2);
    rig_free(&r);
}

static void test_break_while_polling_stops(void **state)
{
    (void)state;
    struct rig r;
    rig_init(&r);
    r.echo_left = 1000000;
    r.break_after = 500;
    assert_int_equal(write(r.fds[1], "x", 1), 1);
    struct dd_loop_poll p = { 50 * 1000 * 1000, rig_activity, &r };
    struct dd_loop_stats st = { 0 };
    assert_int_equal(dd_loop_run(r.base, &p, &st), DD_OK);
    assert_int_equal(r.bytes, 500);
    assert_true(st.polls > 0);
    rig_free(&r);
}

static void test_no_events_left_returns(void **state)
{
    (void)state;
    struct rig r;
    rig_init(&r);
    event_del(r.ev_read);
    struct dd_loop_poll p = { 1000 * 1000, rig_activity, &r };
    assert_int_equal(dd_loop_run(r.base, &p, NULL), DD_OK);
    rig_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_without_poll_is_dispatch),
        cmocka_unit_test(test_spin_needs_an_activity_count),
        cmocka_unit_test(test_dense_traffic_is_polled),
        cmocka_unit_test(test_sparse_traffic_is_not_polled),
        cmocka_unit_test(test_idle_loop_blocks),
        cmocka_unit_test(test_break_while_polling_stops),
        cmocka_unit_test(test_no_events_left_returns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
