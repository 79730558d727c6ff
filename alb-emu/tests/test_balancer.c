/* Unit tests for alb-emu/balancer.c: round robin order and its exclusions,
 * slow-start weights, least outstanding requests (least loaded first, ties
 * in turn), weighted_random, fail-open, stickiness, and the weighted
 * target-group choice of forward actions (within ±5% over 10,000 picks). */
#include "alb-emu/tests/fixture.h"

#include "alb-emu/balancer.h"

static struct alb_matcher_range k_200 = { 200, 200 };
static const struct alb_matcher k_matcher = { NULL, NULL, &k_200, 1 };

static struct alb_health_params params(void)
{
    struct alb_health_params p;
    memset(&p, 0, sizeof(p));
    p.interval_ms = 5000;
    p.timeout_ms = 2000;
    p.healthy_threshold = 2;
    p.unhealthy_threshold = 2;
    p.deregistration_delay_ms = 30000;
    p.enabled = true;
    p.in_use = true;
    p.min_healthy_count = 1;
    p.min_healthy_percentage = -1;
    p.matcher = &k_matcher;
    return p;
}

static struct alb_addr addr_of(int i)
{
    char ip[32];
    snprintf(ip, sizeof(ip), "10.0.0.%d", i);
    struct alb_addr a;
    assert_int_equal(alb_addr_parse(ip, strlen(ip), &a), DD_OK);
    a.port = 80;
    return a;
}

/* Registers n targets at time 0 and runs one passing check each. */
static struct alb_health_group *group_of(size_t n, struct alb_health_params p,
                                         struct alb_target **out)
{
    struct alb_health_group *g = alb_health_group_new(&p);
    assert_non_null(g);
    for (size_t i = 0; i < n; i++) {
        struct alb_addr a = addr_of((int)i + 1);
        assert_int_equal(alb_health_register(g, &a, 0, &out[i]), DD_OK);
    }
    uint64_t seq;
    struct alb_target *t;
    while ((t = alb_health_check_due(g, 0, &seq)))
        assert_int_equal(alb_health_check_result(g, &t->addr, seq, ALB_CHECK_RESPONSE, 200, 1),
                         DD_OK);
    return g;
}

/* Runs two rounds of health checks (time moves on in *now): the targets in
 * bad fail them, the others pass. Two failures make a target unhealthy. */
static void fail_checks(struct alb_health_group *g, struct alb_target *const *bad, size_t nbad,
                        int64_t *now)
{
    for (int round = 0; round < 2; round++) {
        *now += 5000;
        uint64_t seq;
        struct alb_target *c;
        while ((c = alb_health_check_due(g, *now, &seq))) {
            bool fails = false;
            for (size_t i = 0; i < nbad; i++)
                fails |= c == bad[i];
            assert_int_equal(alb_health_check_result(g, &c->addr, seq, ALB_CHECK_RESPONSE,
                                                     fails ? 500 : 200, *now + 1),
                             DD_OK);
        }
    }
    for (size_t i = 0; i < nbad; i++)
        assert_int_equal(bad[i]->state, ALB_TARGET_UNHEALTHY);
}

static void make_unhealthy(struct alb_health_group *g, struct alb_target *t, int64_t *now)
{
    fail_checks(g, &t, 1, now);
}

static void test_round_robin_order(void **state)
{
    (void)state;
    struct alb_target *t[3];
    struct alb_health_group *g = group_of(3, params(), t);
    for (int round = 0; round < 4; round++)
        for (int i = 0; i < 3; i++)
            assert_ptr_equal(alb_balancer_pick(g, ALB_ALGORITHM_ROUND_ROBIN, 10, NULL, NULL), t[i]);
    alb_health_group_free(g);
}

/* Unhealthy, initial and draining targets leave the rotation. */
static void test_round_robin_exclusions(void **state)
{
    (void)state;
    struct alb_target *t[4];
    struct alb_health_group *g = group_of(4, params(), t);
    int64_t now = 0;
    make_unhealthy(g, t[1], &now);
    struct alb_addr a3 = addr_of(3);
    assert_int_equal(alb_health_deregister(g, &a3, now), DD_OK);
    struct alb_addr a5 = addr_of(5);
    struct alb_target *fresh;
    assert_int_equal(alb_health_register(g, &a5, now, &fresh), DD_OK); /* initial */
    int counts[5] = { 0 };
    for (int i = 0; i < 100; i++) {
        struct alb_target *p = alb_balancer_pick(g, ALB_ALGORITHM_ROUND_ROBIN, now, NULL, NULL);
        assert_non_null(p);
        for (int k = 0; k < 4; k++)
            if (p == t[k])
                counts[k]++;
        if (p == fresh)
            counts[4]++;
    }
    assert_int_equal(counts[0], 50);
    assert_int_equal(counts[1], 0);
    assert_int_equal(counts[2], 0);
    assert_int_equal(counts[3], 50);
    assert_int_equal(counts[4], 0);
    alb_health_group_free(g);
}

/* No routable target: NULL (the proxy answers 503); all unhealthy: fail open. */
static void test_no_target_and_fail_open(void **state)
{
    (void)state;
    struct alb_health_params p = params();
    struct alb_health_group *g = alb_health_group_new(&p);
    bool open = true;
    assert_null(alb_balancer_pick(g, ALB_ALGORITHM_ROUND_ROBIN, 0, NULL, &open));
    assert_false(open);
    alb_health_group_free(g);

    struct alb_target *t[2];
    g = group_of(2, params(), t);
    int64_t now = 0;
    fail_checks(g, t, 2, &now);
    int seen[2] = { 0 };
    for (int i = 0; i < 10; i++) {
        struct alb_target *pk = alb_balancer_pick(g, ALB_ALGORITHM_ROUND_ROBIN, now, NULL, &open);
        assert_true(open);
        seen[pk == t[1]]++;
    }
    assert_int_equal(seen[0], 5);
    assert_int_equal(seen[1], 5);
    for (int i = 0; i < 10; i++) {
        struct alb_target *pk =
            alb_balancer_pick(g, ALB_ALGORITHM_LEAST_OUTSTANDING_REQUESTS, now, NULL, &open);
        assert_non_null(pk);
        assert_true(open);
    }
    alb_health_group_free(g);
}

/* A target in slow start gets its linear share: at a quarter of the ramp it
 * weighs 250 against 1000. */
static void test_round_robin_slow_start(void **state)
{
    (void)state;
    struct alb_health_params p = params();
    p.slow_start_ms = 40000;
    struct alb_target *t[1];
    struct alb_health_group *g = group_of(1, p, t);
    struct alb_addr a = addr_of(2);
    struct alb_target *b;
    assert_int_equal(alb_health_register(g, &a, 100, &b), DD_OK);
    uint64_t seq;
    assert_ptr_equal(alb_health_check_due(g, 100, &seq), b);
    assert_int_equal(alb_health_check_result(g, &b->addr, seq, ALB_CHECK_RESPONSE, 200, 100),
                     DD_OK);
    int64_t now = 100 + 10000; /* a quarter into the 40 s ramp */
    assert_int_equal(alb_health_weight(b, now), 250);
    int nb = 0;
    for (int i = 0; i < 1250; i++)
        nb += alb_balancer_pick(g, ALB_ALGORITHM_ROUND_ROBIN, now, NULL, NULL) == b;
    assert_int_equal(nb, 250); /* 1250 * 250 / 1250, exactly: smooth WRR has no drift */
    /* After the ramp: plain alternation. */
    now = 100 + 40000;
    nb = 0;
    for (int i = 0; i < 100; i++)
        nb += alb_balancer_pick(g, ALB_ALGORITHM_ROUND_ROBIN, now, NULL, NULL) == b;
    assert_int_equal(nb, 50);
    alb_health_group_free(g);
}

/* Least outstanding requests picks the least loaded target. */
static void test_least_outstanding_picks_least_loaded(void **state)
{
    (void)state;
    struct alb_target *t[3];
    struct alb_health_group *g = group_of(3, params(), t);
    const int loads[3] = { 3, 1, 2 };
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < loads[i]; k++)
            alb_health_request_begin(t[i]);
    struct alb_target *pk =
        alb_balancer_pick(g, ALB_ALGORITHM_LEAST_OUTSTANDING_REQUESTS, 10, NULL, NULL);
    assert_ptr_equal(pk, t[1]);
    alb_health_request_begin(pk); /* loads 3,2,2: tie between t[1] and t[2] */
    pk = alb_balancer_pick(g, ALB_ALGORITHM_LEAST_OUTSTANDING_REQUESTS, 10, NULL, NULL);
    assert_true(pk == t[1] || pk == t[2]);
    alb_health_request_begin(pk);
    struct alb_target *other = pk == t[1] ? t[2] : t[1];
    assert_ptr_equal(alb_balancer_pick(g, ALB_ALGORITHM_LEAST_OUTSTANDING_REQUESTS, 10, NULL, NULL),
                     other);

    /* Random load: every pick has the minimum in-flight count of the moment. */
    struct alb_xoshiro x;
    alb_xoshiro_seed(&x, 7);
    struct alb_rand rnd = { alb_xoshiro_next, &x };
    for (int step = 0; step < 5000; step++) {
        uint64_t min = UINT64_MAX;
        for (int i = 0; i < 3; i++)
            if (t[i]->in_flight < min)
                min = t[i]->in_flight;
        pk = alb_balancer_pick(g, ALB_ALGORITHM_LEAST_OUTSTANDING_REQUESTS, 10, NULL, NULL);
        assert_int_equal(pk->in_flight, min);
        alb_health_request_begin(pk);
        /* finish a random request somewhere */
        struct alb_target *done = t[alb_rand_below(&rnd, 3)];
        if (done->in_flight > 0)
            alb_health_request_end(g, done);
    }
    alb_health_group_free(g);
}

/* With equal loads the picks take turns. */
static void test_least_outstanding_ties_round_robin(void **state)
{
    (void)state;
    struct alb_target *t[3];
    struct alb_health_group *g = group_of(3, params(), t);
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 3; i++) {
            struct alb_target *pk =
                alb_balancer_pick(g, ALB_ALGORITHM_LEAST_OUTSTANDING_REQUESTS, 10, NULL, NULL);
            assert_ptr_equal(pk, t[i]); /* idle targets: no request ever outstanding */
        }
    alb_health_group_free(g);
}

static void test_weighted_random_targets(void **state)
{
    (void)state;
    struct alb_target *t[4];
    struct alb_health_group *g = group_of(4, params(), t);
    struct alb_xoshiro x;
    alb_xoshiro_seed(&x, 42);
    struct alb_rand rnd = { alb_xoshiro_next, &x };
    int counts[4] = { 0 };
    for (int i = 0; i < 10000; i++) {
        struct alb_target *pk = alb_balancer_pick(g, ALB_ALGORITHM_WEIGHTED_RANDOM, 10, &rnd, NULL);
        for (int k = 0; k < 4; k++)
            counts[k] += pk == t[k];
    }
    for (int k = 0; k < 4; k++)
        assert_in_range(counts[k], 2500 - 125, 2500 + 125);
    alb_health_group_free(g);
}

/* Stickiness keeps a routable target and drops one that is not. */
static void test_sticky_pick(void **state)
{
    (void)state;
    struct alb_target *t[3];
    struct alb_health_group *g = group_of(3, params(), t);
    bool stuck;
    struct alb_addr want = addr_of(3);
    for (int i = 0; i < 5; i++) {
        assert_ptr_equal(
            alb_balancer_pick_sticky(g, ALB_ALGORITHM_ROUND_ROBIN, 10, NULL, &want, &stuck, NULL),
            t[2]);
        assert_true(stuck);
    }
    struct alb_addr unknown = addr_of(9);
    struct alb_target *pk =
        alb_balancer_pick_sticky(g, ALB_ALGORITHM_ROUND_ROBIN, 10, NULL, &unknown, &stuck, NULL);
    assert_non_null(pk);
    assert_false(stuck);
    int64_t now = 0;
    make_unhealthy(g, t[2], &now);
    pk = alb_balancer_pick_sticky(g, ALB_ALGORITHM_ROUND_ROBIN, now, NULL, &want, &stuck, NULL);
    assert_true(pk == t[0] || pk == t[1]);
    assert_false(stuck);
    assert_int_equal(alb_health_deregister(g, &(struct alb_addr){ 0 }, now), DD_ENOENT);
    struct alb_addr first = addr_of(1);
    assert_int_equal(alb_health_deregister(g, &first, now), DD_OK); /* draining */
    pk = alb_balancer_pick_sticky(g, ALB_ALGORITHM_ROUND_ROBIN, now, NULL, &first, &stuck, NULL);
    assert_ptr_equal(pk, t[1]);
    assert_false(stuck);
    alb_health_group_free(g);
}

/* ------------------------------------------------------------------------ */
/* Weighted target groups                                                     */

static struct alb_target_group k_tgs[5];

static struct alb_forward_config forward_of(const unsigned *weights, size_t n)
{
    struct alb_forward_config fw;
    memset(&fw, 0, sizeof(fw));
    for (size_t i = 0; i < n; i++) {
        fw.target_groups[i].target_group = &k_tgs[i];
        fw.target_groups[i].weight = weights[i];
    }
    fw.n_target_groups = n;
    return fw;
}

/* 10,000 picks land within ±5% of each group's weighted share (±1% of all
 * picks for the small shares). */
static void test_target_group_distribution(void **state)
{
    (void)state;
    static const struct {
        unsigned w[5];
        size_t n;
    } cases[] = {
        { { 10, 20 }, 2 },      { { 1, 1 }, 2 },          { { 50, 30, 20 }, 3 },
        { { 999, 0, 999 }, 3 }, { { 1, 2, 3, 4, 5 }, 5 }, { { 200, 200, 200, 200, 200 }, 5 },
        { { 0, 7 }, 2 },
    };
    const int picks = 10000;
    for (size_t c = 0; c < DD_ARRAY_LEN(cases); c++) {
        struct alb_forward_config fw = forward_of(cases[c].w, cases[c].n);
        struct alb_xoshiro x;
        alb_xoshiro_seed(&x, 1000 + c);
        struct alb_rand rnd = { alb_xoshiro_next, &x };
        int counts[5] = { 0 };
        for (int i = 0; i < picks; i++) {
            int idx = alb_balancer_pick_target_group(&fw, &rnd);
            assert_in_range(idx, 0, (int)cases[c].n - 1);
            counts[idx]++;
        }
        unsigned total = 0;
        for (size_t k = 0; k < cases[c].n; k++)
            total += cases[c].w[k];
        for (size_t k = 0; k < cases[c].n; k++) {
            double expected = (double)picks * cases[c].w[k] / total;
            if (cases[c].w[k] == 0) {
                assert_int_equal(counts[k], 0);
                continue;
            }
            /* ±5% of the share; for small shares (where 5% is under 2
             * standard deviations) at least ±1 point of the total. */
            double tol = expected * 0.05 > picks * 0.01 ? expected * 0.05 : picks * 0.01;
            double lo = expected - tol, hi = expected + tol;
            if (counts[k] < lo || counts[k] > hi)
                fail_msg("case %zu group %zu: %d picks, expected %.0f ±5%%", c, k, counts[k],
                         expected);
        }
    }
}

/* The random draw maps onto the weights exactly: [0,10) -> a, [10,30) -> b. */
static void test_target_group_scripted(void **state)
{
    (void)state;
    static const unsigned w[2] = { 10, 20 };
    struct alb_forward_config fw = forward_of(w, 2);
    static const uint64_t script[] = { 0, 9, 10, 29, 30, 39 };
    static const int want[] = { 0, 0, 1, 1, 0, 0 }; /* 30 % 30 = 0, 39 % 30 = 9 */
    struct fx_script s = { script, DD_ARRAY_LEN(script), 0 };
    struct alb_rand rnd = { fx_script_next, &s };
    for (size_t i = 0; i < DD_ARRAY_LEN(want); i++)
        assert_int_equal(alb_balancer_pick_target_group(&fw, &rnd), want[i]);

    static const unsigned zero[2] = { 0, 0 };
    fw = forward_of(zero, 2);
    assert_int_equal(alb_balancer_pick_target_group(&fw, &rnd), DD_ENOENT);

    fw = forward_of(w, 2);
    assert_int_equal(alb_balancer_target_group_index(&fw, &k_tgs[1]), 1);
    assert_int_equal(alb_balancer_target_group_index(&fw, &k_tgs[4]), DD_ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_robin_order),
        cmocka_unit_test(test_round_robin_exclusions),
        cmocka_unit_test(test_no_target_and_fail_open),
        cmocka_unit_test(test_round_robin_slow_start),
        cmocka_unit_test(test_least_outstanding_picks_least_loaded),
        cmocka_unit_test(test_least_outstanding_ties_round_robin),
        cmocka_unit_test(test_weighted_random_targets),
        cmocka_unit_test(test_sticky_pick),
        cmocka_unit_test(test_target_group_distribution),
        cmocka_unit_test(test_target_group_scripted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
