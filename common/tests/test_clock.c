/* Unit tests for common/clock.c, driven by a fake wall-clock source: offset
 * arithmetic, forward-only advance, listeners, the never-backwards guarantee
 * under a source that steps back, and range limits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/err.h"

struct fake_source {
    int64_t now_ms; /* what the "wall clock" says */
    int reads;      /* how often it was asked */
};

static int64_t fake_read(void *ctx)
{
    struct fake_source *f = ctx;
    f->reads++;
    return f->now_ms;
}

struct recorder {
    int64_t deltas[16];   /* delta of each call, in order */
    int64_t seen_now[16]; /* dd_clock_now_ms at call time */
    int calls;
    struct dd_clock *clock; /* to read the time from inside the listener */
    int *order;             /* shared call-order log, may be NULL */
    int *norder;
    int id;
};

static void record(void *arg, int64_t delta_ms)
{
    struct recorder *r = arg;
    assert_true(r->calls < 16);
    r->deltas[r->calls] = delta_ms;
    r->seen_now[r->calls] = r->clock ? dd_clock_now_ms(r->clock) : 0;
    r->calls++;
    if (r->order)
        r->order[(*r->norder)++] = r->id;
}

static void test_now_is_source_plus_offset(void **state)
{
    (void)state;
    struct fake_source f = { .now_ms = 1000000 };
    struct dd_clock *c = dd_clock_new(fake_read, &f);
    assert_non_null(c);
    assert_int_equal(dd_clock_now_ms(c), 1000000);
    assert_int_equal(dd_clock_offset_ms(c), 0);
    assert_true(f.reads > 0);

    assert_int_equal(dd_clock_advance(c, 30000), DD_OK);
    assert_int_equal(dd_clock_offset_ms(c), 30000);
    assert_int_equal(dd_clock_now_ms(c), 1030000);
    f.now_ms += 5;
    assert_int_equal(dd_clock_now_ms(c), 1030005);

    assert_int_equal(dd_clock_advance(c, 0), DD_OK);
    assert_int_equal(dd_clock_advance(c, 1), DD_OK);
    assert_int_equal(dd_clock_offset_ms(c), 30001);
    assert_int_equal(dd_clock_now_ms(c), 1030006);
    dd_clock_free(c);
}

static void test_negative_advance_rejected(void **state)
{
    (void)state;
    struct fake_source f = { .now_ms = 5000 };
    struct dd_clock *c = dd_clock_new(fake_read, &f);
    assert_non_null(c);
    struct recorder r = { .clock = c };
    assert_int_equal(dd_clock_on_advance(c, record, &r), DD_OK);
    assert_int_equal(dd_clock_advance(c, 100), DD_OK);
    assert_int_equal(dd_clock_advance(c, -1), DD_EINVAL);
    assert_int_equal(dd_clock_advance(c, INT64_MIN), DD_EINVAL);
    assert_int_equal(dd_clock_offset_ms(c), 100);
    assert_int_equal(dd_clock_now_ms(c), 5100);
    assert_int_equal(r.calls, 1);
    dd_clock_free(c);
}

static void test_listeners_get_delta_in_order(void **state)
{
    (void)state;
    struct fake_source f = { .now_ms = 1000 };
    struct dd_clock *c = dd_clock_new(fake_read, &f);
    assert_non_null(c);
    int order[32];
    int norder = 0;
    struct recorder a = { .clock = c, .order = order, .norder = &norder, .id = 1 };
    struct recorder b = { .clock = c, .order = order, .norder = &norder, .id = 2 };
    assert_int_equal(dd_clock_on_advance(c, record, &a), DD_OK);
    assert_int_equal(dd_clock_on_advance(c, record, &b), DD_OK);
    assert_int_equal(dd_clock_on_advance(c, NULL, &b), DD_EINVAL);

    assert_int_equal(dd_clock_advance(c, 250), DD_OK);
    assert_int_equal(dd_clock_advance(c, 0), DD_OK);
    assert_int_equal(dd_clock_advance(c, 4750), DD_OK);
    assert_int_equal(a.calls, 3);
    assert_int_equal(b.calls, 3);
    assert_int_equal(a.deltas[0], 250);
    assert_int_equal(a.deltas[1], 0);
    assert_int_equal(a.deltas[2], 4750);
    assert_int_equal(b.deltas[2], 4750);
    /* Listeners run after the offset moved: timers due now can fire. */
    assert_int_equal(a.seen_now[0], 1250);
    assert_int_equal(b.seen_now[2], 6000);
    int want[] = { 1, 2, 1, 2, 1, 2 };
    assert_int_equal(norder, 6);
    assert_memory_equal(order, want, sizeof(want));

    /* A rejected advance calls nobody. */
    assert_int_equal(dd_clock_advance(c, -5), DD_EINVAL);
    assert_int_equal(a.calls, 3);
    dd_clock_free(c);
}

static void test_off_advance(void **state)
{
    (void)state;
    struct fake_source f = { .now_ms = 0 };
    struct dd_clock *c = dd_clock_new(fake_read, &f);
    assert_non_null(c);
    struct recorder r[5];
    memset(r, 0, sizeof(r));
    for (int i = 0; i < 5; i++)
        assert_int_equal(dd_clock_on_advance(c, record, &r[i]), DD_OK);
    assert_int_equal(dd_clock_off_advance(c, record, &r[2]), DD_OK);
    assert_int_equal(dd_clock_off_advance(c, record, &r[2]), DD_ENOENT);
    assert_int_equal(dd_clock_off_advance(c, record, NULL), DD_ENOENT);
    assert_int_equal(dd_clock_advance(c, 7), DD_OK);
    assert_int_equal(r[0].calls, 1);
    assert_int_equal(r[1].calls, 1);
    assert_int_equal(r[2].calls, 0);
    assert_int_equal(r[3].calls, 1);
    assert_int_equal(r[4].calls, 1);
    dd_clock_free(c);
}

/* A listener that unregisters another one (and itself) mid-dispatch, and adds a new one. */
struct meddler {
    struct dd_clock *clock;
    struct recorder *victim;
    struct recorder *newcomer;
    int calls;
};

static void meddle(void *arg, int64_t delta_ms)
{
    struct meddler *m = arg;
    m->calls++;
    assert_int_equal(dd_clock_off_advance(m->clock, record, m->victim), DD_OK);
    assert_int_equal(dd_clock_off_advance(m->clock, meddle, m), DD_OK);
    assert_int_equal(dd_clock_on_advance(m->clock, record, m->newcomer), DD_OK);
}

static void test_listener_changes_list_during_dispatch(void **state)
{
    (void)state;
    struct fake_source f = { .now_ms = 0 };
    struct dd_clock *c = dd_clock_new(fake_read, &f);
    assert_non_null(c);
    struct recorder before, victim, newcomer;
    memset(&before, 0, sizeof(before));
    memset(&victim, 0, sizeof(victim));
    memset(&newcomer, 0, sizeof(newcomer));
    struct meddler m = { .clock = c, .victim = &victim, .newcomer = &newcomer };
    assert_int_equal(dd_clock_on_advance(c, record, &before), DD_OK);
    assert_int_equal(dd_clock_on_advance(c, meddle, &m), DD_OK);
    assert_int_equal(dd_clock_on_advance(c, record, &victim), DD_OK);
    /* Enough listeners that adding one inside the dispatch reallocates. */
    struct recorder fill[5];
    memset(fill, 0, sizeof(fill));
    for (int i = 0; i < 5; i++)
        assert_int_equal(dd_clock_on_advance(c, record, &fill[i]), DD_OK);

    assert_int_equal(dd_clock_advance(c, 10), DD_OK);
    assert_int_equal(before.calls, 1);
    assert_int_equal(m.calls, 1);
    assert_int_equal(victim.calls, 0);
    assert_int_equal(newcomer.calls, 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(fill[i].calls, 1);

    assert_int_equal(dd_clock_advance(c, 20), DD_OK);
    assert_int_equal(before.calls, 2);
    assert_int_equal(m.calls, 1);
    assert_int_equal(victim.calls, 0);
    assert_int_equal(newcomer.calls, 1);
    assert_int_equal(newcomer.deltas[0], 20);
    assert_int_equal(dd_clock_off_advance(c, meddle, &m), DD_ENOENT);
    dd_clock_free(c);
}

static void test_never_backwards_when_source_steps_back(void **state)
{
    (void)state;
    struct fake_source f = { .now_ms = 100000 };
    struct dd_clock *c = dd_clock_new(fake_read, &f);
    assert_non_null(c);
    assert_int_equal(dd_clock_advance(c, 1000), DD_OK);
    assert_int_equal(dd_clock_now_ms(c), 101000);
    f.now_ms = 90000; /* wall clock stepped back 10 s */
    assert_int_equal(dd_clock_now_ms(c), 101000);
    f.now_ms = 99999;
    assert_int_equal(dd_clock_now_ms(c), 101000);
    /* An advance during the hold counts once the source catches up. */
    f.now_ms = 95000;
    assert_int_equal(dd_clock_advance(c, 500), DD_OK);
    assert_int_equal(dd_clock_now_ms(c), 101000);
    f.now_ms = 99600;
    assert_int_equal(dd_clock_now_ms(c), 101100);
    f.now_ms = 200000;
    assert_int_equal(dd_clock_now_ms(c), 201500);
    f.now_ms = INT64_MIN;
    assert_int_equal(dd_clock_now_ms(c), 201500);

    /* Random walk with back steps: the readings never decrease. */
    srand(7);
    int64_t last = dd_clock_now_ms(c);
    f.now_ms = 200000;
    for (int i = 0; i < 10000; i++) {
        f.now_ms += (rand() % 2001) - 900;
        if (i % 100 == 0)
            assert_int_equal(dd_clock_advance(c, rand() % 50), DD_OK);
        int64_t t = dd_clock_now_ms(c);
        assert_true(t >= last);
        last = t;
    }
    dd_clock_free(c);
}

static void test_range_limits(void **state)
{
    (void)state;
    struct fake_source f = { .now_ms = 1000 };
    struct dd_clock *c = dd_clock_new(fake_read, &f);
    assert_non_null(c);
    struct recorder r;
    memset(&r, 0, sizeof(r));
    assert_int_equal(dd_clock_on_advance(c, record, &r), DD_OK);

    assert_int_equal(dd_clock_advance(c, INT64_MAX), DD_ERANGE);
    assert_int_equal(dd_clock_offset_ms(c), 0);
    /* Up to the last millisecond of year 9999 and not one past it. */
    assert_int_equal(dd_clock_advance(c, DD_CLOCK_MAX_MS - 1000 + 1), DD_ERANGE);
    assert_int_equal(dd_clock_offset_ms(c), 0);
    assert_int_equal(dd_clock_advance(c, DD_CLOCK_MAX_MS - 1001), DD_OK);
    assert_int_equal(dd_clock_now_ms(c), DD_CLOCK_MAX_MS - 1);
    assert_int_equal(dd_clock_advance(c, 1), DD_OK);
    assert_int_equal(dd_clock_now_ms(c), DD_CLOCK_MAX_MS);
    assert_int_equal(dd_clock_advance(c, 1), DD_ERANGE);
    assert_int_equal(dd_clock_advance(c, INT64_MAX), DD_ERANGE);
    assert_int_equal(dd_clock_offset_ms(c), DD_CLOCK_MAX_MS - 1000);
    assert_int_equal(dd_clock_advance(c, 0), DD_OK);
    assert_int_equal(r.calls, 3);

    /* Accumulated advances overflow too, even when each is small enough. */
    f.now_ms = -DD_CLOCK_MAX_MS; /* a source far in the past leaves room in time */
    assert_int_equal(dd_clock_advance(c, 1000), DD_OK);
    assert_int_equal(dd_clock_offset_ms(c), DD_CLOCK_MAX_MS);
    assert_int_equal(dd_clock_advance(c, 1), DD_ERANGE);
    assert_int_equal(dd_clock_offset_ms(c), DD_CLOCK_MAX_MS);

    /* A source beyond int64 with the offset saturates instead of wrapping. */
    f.now_ms = INT64_MAX - 5;
    assert_int_equal(dd_clock_now_ms(c), INT64_MAX);
    dd_clock_free(c);
}

static void test_real_sources(void **state)
{
    (void)state;
    struct dd_clock *c = dd_clock_new(NULL, NULL);
    assert_non_null(c);
    int64_t real = dd_clock_realtime_ms();
    int64_t now = dd_clock_now_ms(c);
    assert_true(now >= real && now - real < 5000);
    assert_true(now > INT64_C(1700000000000)); /* after Nov 2023 */
    assert_int_equal(dd_clock_advance(c, 3600000), DD_OK);
    now = dd_clock_now_ms(c);
    assert_true(now - dd_clock_realtime_ms() > 3595000);

    int64_t m0 = dd_clock_mono_ns();
    int64_t m1 = dd_clock_mono_ns();
    assert_true(m0 > 0);
    assert_true(m1 >= m0);
    /* The offset never reaches the monotonic clock. */
    assert_true(m1 - m0 < INT64_C(3600000000000));
    dd_clock_free(c);
    dd_clock_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_now_is_source_plus_offset),
        cmocka_unit_test(test_negative_advance_rejected),
        cmocka_unit_test(test_listeners_get_delta_in_order),
        cmocka_unit_test(test_off_advance),
        cmocka_unit_test(test_listener_changes_list_during_dispatch),
        cmocka_unit_test(test_never_backwards_when_source_steps_back),
        cmocka_unit_test(test_range_limits),
        cmocka_unit_test(test_real_sources),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
