/* Unit tests for alb-emu/health.c: the target health state machine driven by
 * a fake clock — initial transitions, exact thresholds, timeouts, check
 * scheduling, draining, in-flight accounting, fail-open, slow start, and the
 * DescribeTargetHealth shape. */
#include "alb-emu/tests/fixture.h"

#include <arpa/inet.h>

#include "alb-emu/health.h"

static struct alb_matcher_range k_2xx = { 200, 299 };
static const struct alb_matcher k_matcher = { NULL, NULL, &k_2xx, 1 };

static struct alb_health_params params(int healthy, int unhealthy)
{
    struct alb_health_params p;
    memset(&p, 0, sizeof(p));
    p.interval_ms = 5000;
    p.timeout_ms = 2000;
    p.healthy_threshold = healthy;
    p.unhealthy_threshold = unhealthy;
    p.deregistration_delay_ms = 30000;
    p.enabled = true;
    p.in_use = true;
    p.min_healthy_count = 1;
    p.min_healthy_percentage = -1;
    p.matcher = &k_matcher;
    return p;
}

static struct alb_addr addr(const char *ip, uint16_t port)
{
    struct alb_addr a;
    assert_int_equal(alb_addr_parse(ip, strlen(ip), &a), DD_OK);
    a.port = port;
    return a;
}

static struct alb_target *reg(struct alb_health_group *g, const char *ip, uint16_t port,
                              int64_t now)
{
    struct alb_addr a = addr(ip, port);
    struct alb_target *t = NULL;
    assert_int_equal(alb_health_register(g, &a, now, &t), DD_OK);
    assert_non_null(t);
    return t;
}

/* Starts the due check of t at now and reports outcome at now + 10 ms. */
static void check(struct alb_health_group *g, struct alb_target *t, int64_t now,
                  enum alb_check_outcome outcome, int code)
{
    uint64_t seq = 0;
    struct alb_target *got = alb_health_check_due(g, now, &seq);
    assert_ptr_equal(got, t);
    assert_int_equal(alb_health_check_result(g, &t->addr, seq, outcome, code, now + 10), DD_OK);
}

static void expect(const struct alb_target *t, enum alb_target_state s, const char *reason,
                   const char *description)
{
    assert_string_equal(alb_target_state_name(t->state), alb_target_state_name(s));
    if (reason) {
        assert_non_null(alb_health_reason_code(t->reason));
        assert_string_equal(alb_health_reason_code(t->reason), reason);
    } else {
        assert_null(alb_health_reason_code(t->reason));
    }
    assert_string_equal(t->description, description);
}

/* Brings t to healthy with checks every interval starting at *now. */
static void make_healthy(struct alb_health_group *g, struct alb_target *t, int64_t *now)
{
    for (int i = 0; i < 20 && t->state != ALB_TARGET_HEALTHY; i++) {
        *now = alb_health_next_due(g, *now);
        check(g, t, *now, ALB_CHECK_RESPONSE, 200);
    }
    assert_int_equal(t->state, ALB_TARGET_HEALTHY);
}

/* ------------------------------------------------------------------------ */

static void test_initial_to_healthy(void **state)
{
    (void)state;
    struct alb_health_params p = params(5, 2);
    struct alb_health_group *g = alb_health_group_new(&p);
    assert_non_null(g);
    struct alb_target *t = reg(g, "127.0.0.1", 9001, 1000);
    expect(t, ALB_TARGET_INITIAL, "Elb.RegistrationInProgress",
           "Target registration is in progress");
    assert_int_equal(alb_health_next_due(g, 1000), 1000);
    assert_false(alb_health_routable(t, alb_health_fail_open(g)));

    uint64_t seq;
    assert_ptr_equal(alb_health_check_due(g, 1000, &seq), t);
    expect(t, ALB_TARGET_INITIAL, "Elb.InitialHealthChecking", "Initial health checks in progress");
    assert_null(alb_health_check_due(g, 1000, &seq));     /* one check at a time */
    assert_int_equal(alb_health_next_due(g, 1000), 3000); /* its timeout */

    /* "After your target is registered, it must pass one health check to be
     * considered healthy." */
    assert_int_equal(alb_health_check_result(g, &t->addr, seq, ALB_CHECK_RESPONSE, 204, 1200),
                     DD_OK);
    expect(t, ALB_TARGET_HEALTHY, NULL, "");
    assert_true(alb_health_routable(t, alb_health_fail_open(g)));
    assert_int_equal(alb_health_next_due(g, 1200), 6000);
    alb_health_group_free(g);
}

static void test_initial_to_unhealthy(void **state)
{
    (void)state;
    struct alb_health_params p = params(5, 3);
    struct alb_health_group *g = alb_health_group_new(&p);
    struct alb_target *t = reg(g, "127.0.0.1", 9001, 0);
    check(g, t, 0, ALB_CHECK_RESPONSE, 500);
    expect(t, ALB_TARGET_INITIAL, "Elb.InitialHealthChecking", "Initial health checks in progress");
    check(g, t, 5000, ALB_CHECK_RESPONSE, 500);
    expect(t, ALB_TARGET_INITIAL, "Elb.InitialHealthChecking", "Initial health checks in progress");
    check(g, t, 10000, ALB_CHECK_RESPONSE, 500);
    expect(t, ALB_TARGET_UNHEALTHY, "Target.ResponseCodeMismatch",
           "Health checks failed with these codes: [500]");
    alb_health_group_free(g);
}

/* Unhealthy after exactly UnhealthyThresholdCount failures, for each threshold. */
static void test_unhealthy_after_exactly_threshold(void **state)
{
    (void)state;
    for (int u = 2; u <= 10; u++) {
        struct alb_health_params p = params(5, u);
        struct alb_health_group *g = alb_health_group_new(&p);
        int64_t now = 0;
        struct alb_target *t = reg(g, "10.0.0.1", 80, now);
        make_healthy(g, t, &now);
        for (int i = 1; i <= u; i++) {
            now = alb_health_next_due(g, now);
            check(g, t, now, ALB_CHECK_RESPONSE, 503);
            if (i < u) {
                assert_int_equal(t->state, ALB_TARGET_HEALTHY);
                assert_int_equal(t->consecutive_fail, i);
            }
        }
        expect(t, ALB_TARGET_UNHEALTHY, "Target.ResponseCodeMismatch",
               "Health checks failed with these codes: [503]");
        alb_health_group_free(g);
    }
}

/* Healthy again after exactly HealthyThresholdCount successes. */
static void test_healthy_after_exactly_threshold(void **state)
{
    (void)state;
    for (int h = 2; h <= 10; h++) {
        struct alb_health_params p = params(h, 2);
        struct alb_health_group *g = alb_health_group_new(&p);
        int64_t now = 0;
        struct alb_target *t = reg(g, "10.0.0.1", 80, now);
        for (int i = 0; i < 2; i++, now += 5000)
            check(g, t, now, ALB_CHECK_TIMEOUT, 0);
        expect(t, ALB_TARGET_UNHEALTHY, "Target.Timeout", "Request timed out");
        for (int i = 1; i <= h; i++, now += 5000) {
            check(g, t, now, ALB_CHECK_RESPONSE, 200);
            if (i < h)
                expect(t, ALB_TARGET_UNHEALTHY, "Target.Timeout", "Request timed out");
        }
        expect(t, ALB_TARGET_HEALTHY, NULL, "");
        alb_health_group_free(g);
    }
}

/* Counts are consecutive: a failure in between starts them over, and the
 * reason follows the latest failure. */
static void test_consecutive_counts_reset(void **state)
{
    (void)state;
    struct alb_health_params p = params(3, 3);
    struct alb_health_group *g = alb_health_group_new(&p);
    int64_t now = 0;
    struct alb_target *t = reg(g, "10.0.0.1", 80, now);
    make_healthy(g, t, &now);
    /* fail, fail, pass, fail, fail: never three in a row */
    static const int codes[] = { 500, 500, 200, 500, 500 };
    for (size_t i = 0; i < DD_ARRAY_LEN(codes); i++) {
        now += 5000;
        check(g, t, now, ALB_CHECK_RESPONSE, codes[i]);
        assert_int_equal(t->state, ALB_TARGET_HEALTHY);
    }
    now += 5000;
    check(g, t, now, ALB_CHECK_FAILED, 0);
    expect(t, ALB_TARGET_UNHEALTHY, "Target.FailedHealthChecks", "Health checks failed");
    /* pass, pass, fail, pass, pass: still unhealthy; the failure updates the reason */
    now += 5000;
    check(g, t, now, ALB_CHECK_RESPONSE, 200);
    now += 5000;
    check(g, t, now, ALB_CHECK_RESPONSE, 200);
    now += 5000;
    check(g, t, now, ALB_CHECK_RESPONSE, 404);
    expect(t, ALB_TARGET_UNHEALTHY, "Target.ResponseCodeMismatch",
           "Health checks failed with these codes: [404]");
    now += 5000;
    check(g, t, now, ALB_CHECK_RESPONSE, 200);
    now += 5000;
    check(g, t, now, ALB_CHECK_INTERNAL_ERROR, 0);
    expect(t, ALB_TARGET_UNHEALTHY, "Elb.InternalError",
           "Health checks failed due to an internal error");
    for (int i = 0; i < 3; i++) {
        now += 5000;
        check(g, t, now, ALB_CHECK_RESPONSE, 299);
    }
    expect(t, ALB_TARGET_HEALTHY, NULL, "");
    alb_health_group_free(g);
}

/* A check with no answer within HealthCheckTimeoutSeconds fails at the
 * tick; its late answer is ignored; an answer at the deadline is a timeout. */
static void test_timeouts(void **state)
{
    (void)state;
    struct alb_health_params p = params(2, 2);
    struct alb_health_group *g = alb_health_group_new(&p);
    struct alb_target *t = reg(g, "10.0.0.1", 80, 0);
    uint64_t seq;
    assert_ptr_equal(alb_health_check_due(g, 0, &seq), t);
    alb_health_tick(g, 1999);
    assert_true(t->check_in_flight);
    assert_int_equal(t->consecutive_fail, 0);
    alb_health_tick(g, 2000);
    assert_false(t->check_in_flight);
    assert_int_equal(t->consecutive_fail, 1);
    assert_int_equal(alb_health_check_result(g, &t->addr, seq, ALB_CHECK_RESPONSE, 200, 2100),
                     DD_ENOENT);
    assert_int_equal(t->state, ALB_TARGET_INITIAL);

    assert_ptr_equal(alb_health_check_due(g, 5000, &seq), t);
    assert_int_equal(alb_health_check_result(g, &t->addr, seq, ALB_CHECK_RESPONSE, 200, 7000),
                     DD_OK);
    expect(t, ALB_TARGET_UNHEALTHY, "Target.Timeout", "Request timed out");
    /* A stale sequence number is refused too. */
    assert_ptr_equal(alb_health_check_due(g, 10000, &seq), t);
    assert_int_equal(alb_health_check_result(g, &t->addr, seq + 1, ALB_CHECK_RESPONSE, 200, 10001),
                     DD_ENOENT);
    alb_health_group_free(g);
}

/* Checks start every interval from the previous start; a late wakeup does
 * not cause a burst. */
static void test_scheduling(void **state)
{
    (void)state;
    struct alb_health_params p = params(2, 2);
    struct alb_health_group *g = alb_health_group_new(&p);
    assert_int_equal(alb_health_next_due(g, 0), INT64_MAX);
    struct alb_target *t = reg(g, "10.0.0.1", 80, 100);
    assert_int_equal(alb_health_next_due(g, 100), 100);
    uint64_t seq;
    assert_ptr_equal(alb_health_check_due(g, 100, &seq), t);
    assert_int_equal(alb_health_next_due(g, 100), 2100);
    assert_int_equal(alb_health_check_result(g, &t->addr, seq, ALB_CHECK_RESPONSE, 200, 1900),
                     DD_OK);
    assert_int_equal(alb_health_next_due(g, 1900), 5100); /* response time does not matter */
    assert_null(alb_health_check_due(g, 5099, &seq));
    assert_ptr_equal(alb_health_check_due(g, 5100, &seq), t);
    assert_int_equal(alb_health_check_result(g, &t->addr, seq, ALB_CHECK_RESPONSE, 200, 5101),
                     DD_OK);
    /* The daemon slept through three intervals: one check now, the next an
     * interval later. */
    assert_ptr_equal(alb_health_check_due(g, 26000, &seq), t);
    assert_null(alb_health_check_due(g, 26000, &seq));
    assert_int_equal(alb_health_check_result(g, &t->addr, seq, ALB_CHECK_RESPONSE, 200, 26001),
                     DD_OK);
    assert_int_equal(alb_health_next_due(g, 26001), 31000);

    /* Two targets: the earliest due time wins. */
    struct alb_target *u = reg(g, "10.0.0.2", 80, 27000);
    assert_int_equal(alb_health_next_due(g, 27000), 27000);
    assert_ptr_equal(alb_health_check_due(g, 27000, &seq), u);
    assert_int_equal(alb_health_next_due(g, 27000), 29000);
    alb_health_group_free(g);
}

struct event_log {
    char text[512];
};

static void on_event(void *arg, struct alb_health_group *g, struct alb_target *t,
                     enum alb_target_state from, enum alb_target_state to)
{
    (void)g;
    (void)t;
    struct event_log *log = arg;
    size_t n = strlen(log->text);
    snprintf(log->text + n, sizeof(log->text) - n, "%s%s>%s", n ? " " : "",
             alb_target_state_name(from), alb_target_state_name(to));
}

/* Deregistration: draining for the delay, then unused and gone. */
static void test_draining(void **state)
{
    (void)state;
    struct alb_health_params p = params(2, 2);
    struct alb_health_group *g = alb_health_group_new(&p);
    struct event_log log = { "" };
    alb_health_set_event_fn(g, on_event, &log);
    int64_t now = 0;
    struct alb_target *t = reg(g, "10.0.0.1", 80, now);
    make_healthy(g, t, &now);
    struct alb_addr a = addr("10.0.0.1", 80);
    assert_int_equal(alb_health_deregister(g, &a, 1000), DD_OK);
    expect(t, ALB_TARGET_DRAINING, "Target.DeregistrationInProgress",
           "Target deregistration is in progress");
    assert_int_equal(alb_health_deregister(g, &a, 1001), DD_ENOENT);
    assert_false(alb_health_routable(t, true)); /* not even failing open */
    uint64_t seq;
    assert_null(alb_health_check_due(g, 5000, &seq)); /* no checks while draining */
    assert_int_equal(alb_health_next_due(g, 1000), 31000);
    alb_health_tick(g, 30999);
    assert_int_equal(alb_health_count(g), 1);
    alb_health_tick(g, 31000);
    assert_int_equal(alb_health_count(g), 0);
    assert_null(alb_health_find(g, &a));
    assert_string_equal(log.text,
                        "unused>initial initial>healthy healthy>draining draining>unused");
    assert_int_equal(alb_health_next_due(g, 31000), INT64_MAX);

    json_t *d = alb_health_describe_unregistered(&a, "traffic-port");
    char *s = json_dumps(d, JSON_COMPACT);
    assert_string_equal(s, "{\"Target\":{\"Id\":\"10.0.0.1\",\"Port\":80},\"HealthCheckPort\":"
                           "\"80\",\"TargetHealth\":{\"State\":\"unused\",\"Reason\":"
                           "\"Target.NotRegistered\",\"Description\":\"Target is not registered "
                           "to the target group\"}}");
    free(s);
    json_decref(d);
    alb_health_group_free(g);
}

/* A request in flight keeps its target alive past the end of draining. */
static void test_in_flight_accounting(void **state)
{
    (void)state;
    struct alb_health_params p = params(2, 2);
    struct alb_health_group *g = alb_health_group_new(&p);
    int64_t now = 0;
    struct alb_target *t = reg(g, "10.0.0.1", 80, now);
    make_healthy(g, t, &now);
    alb_health_request_begin(t);
    alb_health_request_begin(t);
    assert_int_equal(t->in_flight, 2);
    assert_int_equal(t->requests, 2);
    alb_health_request_end(g, t);
    assert_int_equal(t->in_flight, 1);
    struct alb_addr a = addr("10.0.0.1", 80);
    assert_int_equal(alb_health_deregister(g, &a, now), DD_OK);
    alb_health_tick(g, now + 30000);
    assert_int_equal(alb_health_count(g), 0);
    /* t left the group but is still valid for the request that holds it. */
    assert_true(t->removed);
    assert_int_equal(t->state, ALB_TARGET_UNUSED);
    assert_int_equal(t->in_flight, 1);
    alb_health_request_end(g, t); /* frees it (ASan checks) */

    /* Group freed with a request still holding a removed target: no leak. */
    t = reg(g, "10.0.0.2", 80, now);
    alb_health_request_begin(t);
    struct alb_addr b = addr("10.0.0.2", 80);
    assert_int_equal(alb_health_deregister(g, &b, now), DD_OK);
    alb_health_tick(g, now + 30000);
    alb_health_group_free(g);
}

static void test_deregistration_delay_zero_and_reregister(void **state)
{
    (void)state;
    struct alb_health_params p = params(2, 2);
    p.deregistration_delay_ms = 0;
    struct alb_health_group *g = alb_health_group_new(&p);
    struct alb_addr a = addr("10.0.0.1", 80);
    reg(g, "10.0.0.1", 80, 0);
    struct alb_target *dup = NULL;
    assert_int_equal(alb_health_register(g, &a, 1, &dup), DD_EEXIST);
    assert_non_null(dup);
    uint64_t seq;
    assert_non_null(alb_health_check_due(g, 5, &seq)); /* a check is out... */
    assert_int_equal(alb_health_deregister(g, &a, 10), DD_OK);
    assert_int_equal(alb_health_count(g), 0);
    /* ...and its answer finds nothing, rather than a freed target. */
    assert_int_equal(alb_health_check_result(g, &a, seq, ALB_CHECK_RESPONSE, 200, 11), DD_ENOENT);
    /* Registered anew, the old check's answer does not count for it. */
    struct alb_target *fresh = reg(g, "10.0.0.1", 80, 12);
    assert_int_equal(alb_health_check_result(g, &a, seq, ALB_CHECK_RESPONSE, 200, 13), DD_ENOENT);
    assert_int_equal(fresh->state, ALB_TARGET_INITIAL);
    assert_int_equal(alb_health_deregister(g, &a, 14), DD_OK);
    assert_int_equal(alb_health_deregister(g, &a, 11), DD_ENOENT);
    alb_health_group_free(g);

    /* Registering a draining target starts it over in initial. */
    p.deregistration_delay_ms = 30000;
    g = alb_health_group_new(&p);
    int64_t now = 0;
    struct alb_target *t = reg(g, "10.0.0.1", 80, now);
    make_healthy(g, t, &now);
    assert_int_equal(alb_health_deregister(g, &a, now), DD_OK);
    struct alb_target *again = NULL;
    assert_int_equal(alb_health_register(g, &a, now + 5, &again), DD_OK);
    assert_ptr_equal(again, t);
    expect(t, ALB_TARGET_INITIAL, "Elb.RegistrationInProgress",
           "Target registration is in progress");
    alb_health_group_free(g);
}

/* Fail-open: with every target unhealthy, every one is routable. */
static void test_fail_open(void **state)
{
    (void)state;
    struct alb_health_params p = params(2, 2);
    struct alb_health_group *g = alb_health_group_new(&p);
    int64_t now = 0;
    struct alb_target *a = reg(g, "10.0.0.1", 80, now);
    struct alb_target *b = reg(g, "10.0.0.2", 80, now);
    /* Only initial targets: failing open changes nothing, nobody is routable. */
    assert_true(alb_health_fail_open(g));
    assert_false(alb_health_routable(a, true));
    for (int i = 0; i < 2; i++, now += 5000) {
        check(g, a, now, ALB_CHECK_RESPONSE, 500);
        check(g, b, now, ALB_CHECK_TIMEOUT, 0);
    }
    assert_int_equal(a->state, ALB_TARGET_UNHEALTHY);
    assert_int_equal(b->state, ALB_TARGET_UNHEALTHY);
    assert_true(alb_health_fail_open(g));
    assert_true(alb_health_routable(a, alb_health_fail_open(g)));
    assert_true(alb_health_routable(b, alb_health_fail_open(g)));
    size_t healthy, unhealthy;
    alb_health_counts(g, &healthy, &unhealthy);
    assert_int_equal(healthy, 0);
    assert_int_equal(unhealthy, 2);
    /* One comes back: the other is out of rotation again. */
    for (int i = 0; i < 2; i++, now += 5000) {
        check(g, a, now, ALB_CHECK_RESPONSE, 200);
        check(g, b, now, ALB_CHECK_TIMEOUT, 0);
    }
    assert_int_equal(a->state, ALB_TARGET_HEALTHY);
    assert_false(alb_health_fail_open(g));
    assert_true(alb_health_routable(a, false));
    assert_false(alb_health_routable(b, alb_health_fail_open(g)));
    alb_health_group_free(g);

    /* minimum_healthy_targets.percentage 50: 1 healthy of 3 fails open. */
    p.min_healthy_percentage = 50;
    g = alb_health_group_new(&p);
    now = 0;
    a = reg(g, "10.0.0.1", 80, now);
    reg(g, "10.0.0.2", 80, now);
    reg(g, "10.0.0.3", 80, now);
    check(g, a, now, ALB_CHECK_RESPONSE, 200);
    assert_true(alb_health_fail_open(g));
    alb_health_group_free(g);
}

/* Runs every check due at now: t answers code, the others 200. */
static void round_all(struct alb_health_group *g, struct alb_target *t, int64_t now, int code)
{
    uint64_t seq;
    struct alb_target *c;
    bool saw = false;
    while ((c = alb_health_check_due(g, now, &seq))) {
        saw |= c == t;
        assert_int_equal(alb_health_check_result(g, &c->addr, seq, ALB_CHECK_RESPONSE,
                                                 c == t ? code : 200, now + 10),
                         DD_OK);
    }
    assert_true(saw);
}

/* Slow start ramps a newly healthy target linearly, only when another
 * healthy target is out of slow start, and ends when it turns unhealthy. */
static void test_slow_start(void **state)
{
    (void)state;
    struct alb_health_params p = params(2, 2);
    p.slow_start_ms = 30000;
    struct alb_health_group *g = alb_health_group_new(&p);
    struct alb_target *a = reg(g, "10.0.0.1", 80, 0);
    check(g, a, 0, ALB_CHECK_RESPONSE, 200);
    /* The first healthy target has nobody to share with: full weight. */
    assert_false(alb_health_in_slow_start(a, 10));
    assert_int_equal(alb_health_weight(a, 10), 1000);

    struct alb_target *b = reg(g, "10.0.0.2", 80, 1000);
    uint64_t seq;
    assert_ptr_equal(alb_health_check_due(g, 1000, &seq), b);
    assert_int_equal(alb_health_check_result(g, &b->addr, seq, ALB_CHECK_RESPONSE, 200, 2000),
                     DD_OK);
    assert_true(alb_health_in_slow_start(b, 2000));
    assert_int_equal(alb_health_weight(b, 2000), 1);    /* never 0 */
    assert_int_equal(alb_health_weight(b, 17000), 500); /* halfway */
    assert_int_equal(alb_health_weight(b, 29000), 900);
    assert_int_equal(alb_health_weight(b, 32000), 1000); /* done */
    assert_false(alb_health_in_slow_start(b, 32000));

    /* Unhealthy ends slow start; healthy again starts it over. */
    struct alb_target *c = reg(g, "10.0.0.3", 80, 40000);
    int64_t now = 40000;
    round_all(g, c, now, 200);
    assert_true(alb_health_in_slow_start(c, now + 100));
    round_all(g, c, now + 5000, 500);
    round_all(g, c, now + 10000, 500);
    assert_int_equal(c->state, ALB_TARGET_UNHEALTHY);
    assert_false(alb_health_in_slow_start(c, now + 10001));
    round_all(g, c, now + 15000, 200);
    round_all(g, c, now + 20000, 200);
    assert_int_equal(c->state, ALB_TARGET_HEALTHY);
    assert_true(alb_health_in_slow_start(c, now + 20011));
    assert_int_equal(alb_health_weight(c, now + 20010 + 15000), 500);
    alb_health_group_free(g);
}

/* A target group no rule forwards to reports unused/Target.NotInUse and
 * runs no checks until it comes into use. */
static void test_not_in_use(void **state)
{
    (void)state;
    struct alb_health_params p = params(2, 2);
    p.in_use = false;
    struct alb_health_group *g = alb_health_group_new(&p);
    struct alb_target *t = reg(g, "10.0.0.1", 80, 0);
    expect(t, ALB_TARGET_UNUSED, "Target.NotInUse",
           "Target group is not configured to receive traffic from the load balancer");
    assert_int_equal(alb_health_next_due(g, 0), INT64_MAX);
    p.in_use = true;
    assert_int_equal(alb_health_set_params(g, &p, 100), DD_OK);
    expect(t, ALB_TARGET_INITIAL, "Elb.RegistrationInProgress",
           "Target registration is in progress");
    assert_int_equal(alb_health_next_due(g, 100), 100);
    p.in_use = false;
    assert_int_equal(alb_health_set_params(g, &p, 200), DD_OK);
    assert_int_equal(t->state, ALB_TARGET_UNUSED);
    alb_health_group_free(g);

    /* Health checks disabled (lambda groups): unavailable, and routable. */
    p.in_use = true;
    p.enabled = false;
    g = alb_health_group_new(&p);
    t = reg(g, "10.0.0.1", 80, 0);
    expect(t, ALB_TARGET_UNAVAILABLE, "Target.HealthCheckDisabled", "Health checks are disabled");
    assert_true(alb_health_routable(t, alb_health_fail_open(g)));
    alb_health_group_free(g);
}

/* TargetHealthDescriptions in exactly DescribeTargetHealth's shape. */
static void test_describe(void **state)
{
    (void)state;
    struct alb_health_params p = params(2, 2);
    struct alb_health_group *g = alb_health_group_new(&p);
    struct alb_target *a = reg(g, "127.0.0.1", 9001, 0);
    struct alb_target *b = reg(g, "::1", 9002, 0);
    check(g, a, 0, ALB_CHECK_RESPONSE, 200);
    (void)b;
    json_t *arr = alb_health_describe(g, "traffic-port");
    char *s = json_dumps(arr, JSON_COMPACT);
    assert_string_equal(
        s, "[{\"Target\":{\"Id\":\"127.0.0.1\",\"Port\":9001},\"HealthCheckPort\":\"9001\","
           "\"TargetHealth\":{\"State\":\"healthy\"}},"
           "{\"Target\":{\"Id\":\"::1\",\"Port\":9002},\"HealthCheckPort\":\"9002\","
           "\"TargetHealth\":{\"State\":\"initial\",\"Reason\":\"Elb.RegistrationInProgress\","
           "\"Description\":\"Target registration is in progress\"}}]");
    free(s);
    json_decref(arr);
    json_t *one = alb_health_describe_target(a, "8080");
    assert_string_equal(json_string_value(json_object_get(one, "HealthCheckPort")), "8080");
    json_decref(one);
    alb_health_group_free(g);
}

/* Params from a parsed target group. */
static void test_params_from_config(void **state)
{
    (void)state;
    struct alb_config *cfg = fx_config(
        "{'LoadBalancers': [{'Name': 'w', 'Listeners': [{'Port': 80, 'DefaultActions': "
        "[{'Type': 'forward', 'TargetGroupName': 'api'}]}]}],"
        " 'TargetGroups': [{'Name': 'api', 'Protocol': 'HTTP', 'Port': 80, 'TargetType': 'ip',"
        "  'HealthCheckIntervalSeconds': 10, 'HealthCheckTimeoutSeconds': 3, "
        "'HealthyThresholdCount': 4, 'UnhealthyThresholdCount': 6, 'Matcher': {'HttpCode': "
        "'200,302'},"
        "  'Attributes': {'deregistration_delay.timeout_seconds': 45, "
        "'slow_start.duration_seconds': 60}}]}");
    struct alb_health_params p;
    alb_health_params_from_target_group(&cfg->target_groups[0], &p);
    assert_int_equal(p.interval_ms, 10000);
    assert_int_equal(p.timeout_ms, 3000);
    assert_int_equal(p.healthy_threshold, 4);
    assert_int_equal(p.unhealthy_threshold, 6);
    assert_int_equal(p.deregistration_delay_ms, 45000);
    assert_int_equal(p.slow_start_ms, 60000);
    assert_true(p.in_use);
    assert_true(p.enabled);
    struct alb_health_group *g = alb_health_group_new(&p);
    alb_config_free(cfg); /* the group keeps its own copy of the matcher */
    struct alb_target *t = reg(g, "10.0.0.1", 80, 0);
    check(g, t, 0, ALB_CHECK_RESPONSE, 302);
    assert_int_equal(t->state, ALB_TARGET_HEALTHY);
    alb_health_group_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_initial_to_healthy),
        cmocka_unit_test(test_initial_to_unhealthy),
        cmocka_unit_test(test_unhealthy_after_exactly_threshold),
        cmocka_unit_test(test_healthy_after_exactly_threshold),
        cmocka_unit_test(test_consecutive_counts_reset),
        cmocka_unit_test(test_timeouts),
        cmocka_unit_test(test_scheduling),
        cmocka_unit_test(test_draining),
        cmocka_unit_test(test_in_flight_accounting),
        cmocka_unit_test(test_deregistration_delay_zero_and_reregister),
        cmocka_unit_test(test_fail_open),
        cmocka_unit_test(test_slow_start),
        cmocka_unit_test(test_not_in_use),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_params_from_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
