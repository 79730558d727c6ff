/* Unit tests for sqs-emu/redrive.c: dead-letter moves on receive. */
#include "sqs-emu/tests/engine_fixture.h"

#include "sqs-emu/redrive.h"

#define DLQ_ARN   "arn:aws:sqs:us-east-1:123456789012:dlq"
#define POLICY(n) "{\"deadLetterTargetArn\":\"" DLQ_ARN "\",\"maxReceiveCount\":" #n "}"

static void test_moves_after_max_receive_count(void **state)
{
    (void)state;
    struct world *w = world_new(1);
    struct sqs_queue *dlq = make_queue(w, "dlq", NULL);
    struct sqs_queue *src = make_queue(w, "src", "RedrivePolicy", POLICY(3), NULL);
    struct sqs_attrs a = { 0 };
    assert_int_equal(sqs_attrs_add(&a, "k", "String", "v", 1), DD_OK);
    struct sqs_send_params p = send_params("poison");
    p.attrs = &a;
    struct sqs_send_result r;
    assert_int_equal(sqs_message_send(src, &p, T0, &r, &w->err), DD_OK);
    sqs_attrs_release(&a);

    struct sqs_received got[10];
    int64_t now = T0;
    for (int i = 1; i <= 3; i++) {
        now += 1000;
        assert_int_equal(recv_n(w, src, 10, 0, now, got), 1);
        assert_int_equal(got[0].msg->receive_count, (uint32_t)i);
        now += 1; /* visibility 0: visible again on the next tick */
    }
    /* The fourth receive moves it instead of delivering it. */
    w->store.n = 0;
    assert_int_equal(recv_n(w, src, 10, -1, now + 1000, got), 0);
    assert_int_equal(sqs_queue_message_count(src), 0);
    assert_int_equal(sqs_queue_message_count(dlq), 1);
    assert_int_equal(w->store.n, 2);
    assert_string_equal(w->store.calls[0].op, "del_message");
    assert_string_equal(w->store.calls[0].queue, "src");
    assert_string_equal(w->store.calls[1].op, "put_message");
    assert_string_equal(w->store.calls[1].queue, "dlq");
    assert_string_equal(w->store.calls[1].msg_id, r.message_id);

    assert_int_equal(recv_n(w, dlq, 10, -1, now + 1001, got), 1);
    const struct sqs_message *m = got[0].msg;
    assert_string_equal(m->id, r.message_id);
    assert_string_equal(m->body, "poison");
    assert_int_equal(m->sent_ms, T0);
    assert_int_equal(m->attrs.n, 1);
    assert_string_equal(m->md5_attrs, r.md5_attrs);
    assert_int_equal(m->receive_count, 4); /* the count goes on in the DLQ */
    assert_int_equal(m->first_receive_ms, T0 + 1000);
    assert_string_equal(m->dlq_source_arn, "arn:aws:sqs:us-east-1:123456789012:src");
    /* Its handle is the DLQ's, and deletes it there. */
    assert_int_equal(sqs_message_delete(dlq, got[0].receipt_handle, now + 1002, &w->err), DD_OK);
    assert_int_equal(sqs_queue_message_count(dlq), 0);
    world_free(w);
}

static void test_other_messages_still_delivered_in_the_same_receive(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *dlq = make_queue(w, "dlq", NULL);
    struct sqs_queue *src = make_queue(w, "src", "RedrivePolicy", POLICY(1), NULL);
    send_body(w, src, "bad", T0);
    struct sqs_received got[10];
    assert_int_equal(recv_n(w, src, 1, 0, T0, got), 1);
    send_body(w, src, "good", T0 + 10);
    /* "bad" (received once) moves; "good" is delivered in the same call. */
    assert_int_equal(recv_n(w, src, 10, -1, T0 + 20, got), 1);
    assert_string_equal(got[0].msg->body, "good");
    assert_int_equal(sqs_queue_message_count(dlq), 1);
    world_free(w);
}

static void test_missing_dlq_keeps_the_message(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *dlq = make_queue(w, "dlq", NULL);
    struct sqs_queue *src = make_queue(w, "src", "RedrivePolicy", POLICY(1), NULL);
    send_body(w, src, "x", T0);
    struct sqs_received got[1];
    assert_int_equal(recv_n(w, src, 1, 0, T0, got), 1);
    assert_int_equal(sqs_queue_delete(dlq, T0 + 1, &w->err), DD_OK);
    assert_int_equal(recv_n(w, src, 1, 0, T0 + 2, got), 1);
    assert_int_equal(got[0].msg->receive_count, 2);
    assert_null(got[0].msg->dlq_source_arn);
    world_free(w);
}

static void test_standard_dlq_keeps_the_retention_clock(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *dlq = make_queue(w, "dlq", "MessageRetentionPeriod", "300", NULL);
    struct sqs_queue *src = make_queue(w, "src", "RedrivePolicy", POLICY(1), NULL);
    send_body(w, src, "x", T0);
    struct sqs_received got[1];
    recv_n(w, src, 1, 0, T0 + 200000, got);
    recv_n(w, src, 1, 0, T0 + 200001, got); /* moves */
    assert_int_equal(sqs_queue_message_count(dlq), 1);
    /* Enqueued at T0: 300 s of DLQ retention end at T0 + 300 s, not 300 s after the move. */
    assert_int_equal(sqs_queue_next_event_ms(dlq), T0 + 300000);
    sqs_queue_tick(dlq, T0 + 300000);
    assert_int_equal(sqs_queue_message_count(dlq), 0);
    world_free(w);
}

static void test_move_keeps_the_dlq_order(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *dlq = make_queue(w, "dlq", NULL);
    struct sqs_queue *src = make_queue(w, "src", NULL);
    send_body(w, dlq, "already-there", T0);
    struct sqs_message *m = send_body(w, src, "moved", T0 + 5);
    struct sqs_received got[10];
    assert_int_equal(recv_n(w, src, 1, 0, T0 + 6, got), 1);
    char src_handle[SQS_RECEIPT_HANDLE_SIZE];
    strcpy(src_handle, got[0].receipt_handle);
    sqs_queue_tick(src, T0 + 7);
    assert_int_equal(sqs_redrive_move(src, dlq, m, T0 + 10, &w->err), 1);
    assert_int_equal(m->seq, 2);
    assert_int_equal(recv_n(w, dlq, 10, -1, T0 + 11, got), 2);
    assert_string_equal(got[0].msg->body, "already-there");
    assert_string_equal(got[1].msg->body, "moved");
    /* A handle issued by src is not the DLQ's; in src the message is gone. */
    assert_int_equal(sqs_message_delete(dlq, src_handle, T0 + 12, &w->err), DD_EINVAL);
    assert_int_equal(w->err.code, SQS_ERR_RECEIPT_HANDLE_IS_INVALID);
    assert_int_equal(sqs_message_delete(src, src_handle, T0 + 12, &w->err), DD_OK);
    assert_int_equal(sqs_queue_message_count(dlq), 2);
    world_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_moves_after_max_receive_count),
        cmocka_unit_test(test_other_messages_still_delivered_in_the_same_receive),
        cmocka_unit_test(test_missing_dlq_keeps_the_message),
        cmocka_unit_test(test_standard_dlq_keeps_the_retention_clock),
        cmocka_unit_test(test_move_keeps_the_dlq_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
