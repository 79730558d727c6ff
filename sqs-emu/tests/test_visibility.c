/* Unit tests for sqs-emu/visibility.c: the indexed heaps against a brute-force
 * model, the tick, and the next-event time. */
#include "sqs-emu/tests/engine_fixture.h"

#include "sqs-emu/visibility.h"

#define NMSG 500

static struct sqs_message *fresh(uint64_t seq, int64_t t)
{
    struct sqs_message *m = calloc(1, sizeof(*m));
    assert_non_null(m);
    m->seq = seq;
    m->visible_at_ms = t;
    m->enqueue_ms = t;
    m->heap_idx[0] = m->heap_idx[1] = SQS_HEAP_NONE;
    return m;
}

/* The minimum by (visible_at_ms, seq) among members, by brute force. */
static struct sqs_message *brute_min(struct sqs_message **all, const int *in, size_t n)
{
    struct sqs_message *best = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!in[i])
            continue;
        if (!best || all[i]->visible_at_ms < best->visible_at_ms ||
            (all[i]->visible_at_ms == best->visible_at_ms && all[i]->seq < best->seq))
            best = all[i];
    }
    return best;
}

static void test_heap_matches_brute_force(void **state)
{
    (void)state;
    uint64_t rng = 12345;
    struct sqs_message *all[NMSG];
    int in[NMSG] = { 0 };
    for (size_t i = 0; i < NMSG; i++)
        all[i] = fresh(i + 1, 0);
    struct sqs_heap h;
    sqs_heap_init(&h, SQS_HEAP_TIMERS);
    for (int step = 0; step < 20000; step++) {
        unsigned char r[4];
        fake_random(&rng, r, sizeof(r));
        size_t i = (size_t)(r[0] | r[1] << 8) % NMSG;
        int64_t t = r[2] % 50; /* many ties, to exercise the seq tie-break */
        switch (r[3] % 3) {
        case 0:
            if (!in[i]) {
                all[i]->visible_at_ms = t;
                assert_int_equal(sqs_heap_push(&h, all[i]), DD_OK);
                in[i] = 1;
            }
            break;
        case 1:
            if (in[i]) {
                sqs_heap_remove(&h, all[i]);
                in[i] = 0;
                assert_false(sqs_heap_contains(&h, all[i]));
            }
            break;
        case 2:
            if (in[i]) {
                all[i]->visible_at_ms = t;
                sqs_heap_update(&h, all[i]);
            }
            break;
        }
        assert_ptr_equal(sqs_heap_top(&h), brute_min(all, in, NMSG));
        if (step % 997 == 0) {
            /* Every index slot points at its own entry. */
            for (size_t k = 0; k < h.n; k++)
                assert_int_equal(h.v[k]->heap_idx[0], k);
        }
    }
    size_t members = 0;
    for (size_t i = 0; i < NMSG; i++)
        members += (size_t)in[i];
    assert_int_equal(h.n, members);
    /* Draining yields non-decreasing keys. */
    int64_t last = -1;
    uint64_t last_seq = 0;
    struct sqs_message *m;
    while ((m = sqs_heap_top(&h))) {
        assert_true(m->visible_at_ms > last || (m->visible_at_ms == last && m->seq > last_seq));
        last = m->visible_at_ms;
        last_seq = m->seq;
        sqs_heap_remove(&h, m);
    }
    sqs_heap_release(&h);
    for (size_t i = 0; i < NMSG; i++)
        free(all[i]);
}

static void test_ready_heap_orders_by_seq(void **state)
{
    (void)state;
    struct sqs_heap h;
    sqs_heap_init(&h, SQS_HEAP_READY);
    struct sqs_message *m[5];
    uint64_t seqs[5] = { 40, 10, 30, 50, 20 };
    for (int i = 0; i < 5; i++) {
        m[i] = fresh(seqs[i], 1000 - i); /* times must not matter */
        assert_int_equal(sqs_heap_push(&h, m[i]), DD_OK);
    }
    uint64_t want[5] = { 10, 20, 30, 40, 50 };
    for (int i = 0; i < 5; i++) {
        assert_int_equal(sqs_heap_top(&h)->seq, want[i]);
        sqs_heap_remove(&h, sqs_heap_top(&h));
    }
    assert_null(sqs_heap_top(&h));
    sqs_heap_release(&h);
    for (int i = 0; i < 5; i++)
        free(m[i]);
}

static void test_tick_moves_only_what_is_due(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *q = make_queue(w, "q", NULL);
    assert_int_equal(sqs_queue_next_event_ms(q), INT64_MAX);
    struct sqs_send_params p = send_params("d");
    for (int i = 1; i <= 3; i++) {
        p.delay_seconds = i;
        assert_int_equal(sqs_message_send(q, &p, T0, NULL, &w->err), DD_OK);
    }
    assert_int_equal(q->n_delayed, 3);
    assert_int_equal(sqs_queue_next_visible_ms(q), T0 + 1000);
    sqs_queue_tick(q, T0 + 2000);
    assert_int_equal(q->n_delayed, 1);
    assert_int_equal(sqs_queue_visible_count(q), 2);
    assert_int_equal(sqs_queue_next_visible_ms(q), T0 + 3000);
    /* Retention is the next event once nothing is hidden. */
    sqs_queue_tick(q, T0 + 3000);
    assert_int_equal(sqs_queue_next_visible_ms(q), INT64_MAX);
    assert_int_equal(sqs_queue_next_event_ms(q), T0 + 345600LL * 1000);
    /* Ticking backwards in time changes nothing. */
    sqs_queue_tick(q, T0);
    assert_int_equal(sqs_queue_visible_count(q), 3);
    world_free(w);
}

static void test_unlink_and_hide_keep_counters(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *q = make_queue(w, "q", NULL);
    struct sqs_message *a = send_body(w, q, "a", T0);
    struct sqs_message *b = send_body(w, q, "b", T0);
    assert_int_equal(sqs_vis_hide(q, a, T0 + 500), DD_OK);
    assert_int_equal(a->state, SQS_MSG_INFLIGHT);
    assert_int_equal(q->n_inflight, 1);
    assert_int_equal(sqs_queue_visible_count(q), 1);
    /* Re-hiding an in-flight message re-keys it. */
    assert_int_equal(sqs_vis_hide(q, a, T0 + 100), DD_OK);
    assert_int_equal(sqs_queue_next_visible_ms(q), T0 + 100);
    assert_int_equal(q->n_inflight, 1);
    assert_int_equal(sqs_vis_show(q, a), DD_OK);
    assert_int_equal(q->n_inflight, 0);
    assert_int_equal(sqs_queue_visible_count(q), 2);
    assert_int_equal(sqs_heap_top(&q->ready), a);
    sqs_queue_drop_message(q, b);
    assert_int_equal(sqs_queue_visible_count(q), 1);
    assert_int_equal(q->ages.n, 1);
    assert_null(sqs_message_find(q, 2));
    world_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heap_matches_brute_force),
        cmocka_unit_test(test_ready_heap_orders_by_seq),
        cmocka_unit_test(test_tick_moves_only_what_is_due),
        cmocka_unit_test(test_unlink_and_hide_keep_counters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
