/* Unit tests for sqs-emu/message.c: send/receive/delete/change visibility,
 * receipt handles, delay, retention, and a 100k-message run. */
#include "sqs-emu/tests/engine_fixture.h"

#include <time.h>

static void test_send_and_receive_basics(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *q = make_queue(w, "q", NULL);
    struct sqs_send_params p = send_params("hello");
    struct sqs_send_result r;
    assert_int_equal(sqs_message_send(q, &p, T0, &r, &w->err), DD_OK);
    assert_string_equal(r.md5_body, "5d41402abc4b2a76b9719d911017c592");
    assert_string_equal(r.md5_attrs, "");
    assert_string_equal(r.sequence_number, "");
    /* A version 4 UUID. */
    assert_int_equal(strlen(r.message_id), 36);
    assert_int_equal(r.message_id[14], '4');
    assert_non_null(strchr("89ab", r.message_id[19]));
    char b[64];
    assert_string_equal(qattr(w, q, "ApproximateNumberOfMessages", T0, b, sizeof(b)), "1");

    struct sqs_received got[10];
    assert_int_equal(recv_n(w, q, 10, -1, T0 + 7, got), 1);
    const struct sqs_message *m = got[0].msg;
    assert_string_equal(m->id, r.message_id);
    assert_string_equal(m->body, "hello");
    assert_int_equal(m->receive_count, 1);
    assert_int_equal(m->sent_ms, T0);
    assert_int_equal(m->first_receive_ms, T0 + 7);
    assert_string_equal(m->sender_id, ACCOUNT);
    assert_string_equal(qattr(w, q, "ApproximateNumberOfMessages", T0 + 7, b, sizeof(b)), "0");
    assert_string_equal(qattr(w, q, "ApproximateNumberOfMessagesNotVisible", T0 + 7, b, sizeof(b)),
                        "1");
    /* Nothing else is visible: an empty receive is a success. */
    assert_int_equal(recv_n(w, q, 10, -1, T0 + 8, got), 0);
    assert_int_equal(q->n_empty_receives, 1);
    world_free(w);
}

static void test_attributes_are_kept_with_their_digests(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *q = make_queue(w, "q", NULL);
    struct sqs_attrs a = { 0 }, sys = { 0 };
    assert_int_equal(sqs_attrs_add(&a, "color", "String", "red", 3), DD_OK);
    assert_int_equal(sqs_attrs_add(&sys, "AWSTraceHeader", "String", "Root=1-5", 8), DD_OK);
    struct sqs_send_params p = send_params("body");
    p.attrs = &a;
    p.sys_attrs = &sys;
    p.sender_id = "AIDAEXAMPLE";
    struct sqs_send_result r;
    assert_int_equal(sqs_message_send(q, &p, T0, &r, &w->err), DD_OK);
    char want[SQS_MD5_HEX_SIZE];
    assert_int_equal(sqs_md5_attrs(&a, want), DD_OK);
    assert_string_equal(r.md5_attrs, want);
    assert_int_equal(strlen(r.md5_sys_attrs), 32);
    struct sqs_received got[1];
    assert_int_equal(recv_n(w, q, 1, -1, T0, got), 1);
    assert_int_equal(got[0].msg->attrs.n, 1);
    assert_string_equal(got[0].msg->attrs.v[0].value, "red");
    assert_string_equal(got[0].msg->sys_attrs.v[0].value, "Root=1-5");
    assert_string_equal(got[0].msg->md5_attrs, want);
    assert_string_equal(got[0].msg->sender_id, "AIDAEXAMPLE");
    /* The caller's attributes were copied, not taken. */
    assert_int_equal(a.n, 1);
    /* Only AWSTraceHeader is a system attribute a sender may set. */
    struct sqs_attrs bad = { 0 };
    assert_int_equal(sqs_attrs_add(&bad, "SenderId", "String", "x", 1), DD_OK);
    p.sys_attrs = &bad;
    assert_int_equal(sqs_message_send(q, &p, T0, &r, &w->err), DD_EINVAL);
    assert_int_equal(w->err.code, SQS_ERR_INVALID_PARAMETER_VALUE);
    sqs_attrs_release(&a);
    sqs_attrs_release(&sys);
    sqs_attrs_release(&bad);
    world_free(w);
}

static void test_send_validation(void **state)
{
    (void)state;
    struct world *w = world_new(1);
    struct sqs_queue *q = make_queue(w, "q", "MaximumMessageSize", "1024", NULL);
    struct sqs_send_result r;
    struct sqs_send_params p = send_params("");
    assert_int_equal(sqs_message_send(q, &p, T0, &r, &w->err), DD_EINVAL);
    assert_err(w, SQS_ERR_MISSING_PARAMETER, "The request must contain the parameter MessageBody.");
    p = send_params("bad \x01 char");
    assert_int_equal(sqs_message_send(q, &p, T0, &r, &w->err), DD_EINVAL);
    assert_int_equal(w->err.code, SQS_ERR_INVALID_MESSAGE_CONTENTS);
    char big[1026];
    memset(big, 'x', 1025);
    big[1025] = '\0';
    p = send_params(big);
    assert_int_equal(sqs_message_send(q, &p, T0, &r, &w->err), DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_PARAMETER_VALUE,
               "One or more parameters are invalid. Reason: Message must be shorter than 1024 "
               "bytes.");
    big[1024] = '\0';
    p = send_params(big);
    assert_int_equal(sqs_message_send(q, &p, T0, &r, &w->err), DD_OK);
    p = send_params("d");
    p.delay_seconds = 901;
    assert_int_equal(sqs_message_send(q, &p, T0, &r, &w->err), DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_PARAMETER_VALUE,
               "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 "
               "and <= 900.");
    p.delay_seconds = -1;
    assert_int_equal(sqs_message_send(q, &p, T0, &r, &w->err), DD_EINVAL);
    p.delay_seconds = SQS_PARAM_ABSENT;
    p.dedup_id = "d1";
    assert_int_equal(sqs_message_send(q, &p, T0, &r, &w->err), DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_PARAMETER_VALUE,
               "The request include parameter that is not valid for this queue type");
    /* Only the one good send reached the store (plus the queue's creation). */
    size_t puts = 0;
    for (size_t i = 0; i < w->store.n; i++)
        puts += strcmp(w->store.calls[i].op, "put_message") == 0;
    assert_int_equal(puts, 1);
    assert_int_equal(sqs_queue_message_count(q), 1);
    world_free(w);
}

static void test_fifo_messages_are_unsupported_for_now(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *q = make_queue(w, "f.fifo", "FifoQueue", "true", NULL);
    struct sqs_send_params p = send_params("x");
    p.group_id = "g";
    struct sqs_send_result r;
    assert_int_equal(sqs_message_send(q, &p, T0, &r, &w->err), DD_EINVAL);
    assert_int_equal(w->err.code, SQS_ERR_UNSUPPORTED_OPERATION);
    struct sqs_received got[1];
    size_t n = 9;
    assert_int_equal(sqs_message_receive(q, NULL, T0, got, &n, &w->err), DD_EINVAL);
    assert_int_equal(n, 0);
    world_free(w);
}

static void test_visibility_expiry_redelivers_with_new_handle(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *q = make_queue(w, "q", "VisibilityTimeout", "30", NULL);
    send_body(w, q, "job", T0);
    struct sqs_received first[1], second[1];
    assert_int_equal(recv_n(w, q, 1, -1, T0, first), 1);
    char h1[SQS_RECEIPT_HANDLE_SIZE];
    strcpy(h1, first[0].receipt_handle);
    assert_int_equal(sqs_queue_next_visible_ms(q), T0 + 30000);
    assert_int_equal(recv_n(w, q, 1, -1, T0 + 29999, second), 0);
    assert_int_equal(recv_n(w, q, 1, -1, T0 + 30000, second), 1);
    assert_string_equal(second[0].msg->id, first[0].msg->id);
    assert_string_not_equal(second[0].receipt_handle, h1);
    assert_int_equal(second[0].msg->receive_count, 2);
    assert_int_equal(second[0].msg->first_receive_ms, T0);

    /* The stale handle "succeeds" and deletes nothing. */
    assert_int_equal(sqs_message_delete(q, h1, T0 + 30001, &w->err), DD_OK);
    assert_int_equal(sqs_queue_message_count(q), 1);
    assert_int_equal(q->n_deleted, 0);
    /* The latest one deletes; deleting again succeeds. */
    assert_int_equal(sqs_message_delete(q, second[0].receipt_handle, T0 + 30002, &w->err), DD_OK);
    assert_int_equal(sqs_queue_message_count(q), 0);
    assert_int_equal(sqs_message_delete(q, second[0].receipt_handle, T0 + 30003, &w->err), DD_OK);
    assert_int_equal(q->n_deleted, 1);
    world_free(w);
}

/* A handle whose seq now names another message (a store that lost the
 * highest seq over a restart) must not act on that message. */
static void test_handle_never_acts_on_a_reused_seq(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *q = make_queue(w, "q", NULL);
    send_body(w, q, "first", T0);
    struct sqs_received got[1];
    recv_n(w, q, 1, -1, T0, got);
    char old[SQS_RECEIPT_HANDLE_SIZE];
    strcpy(old, got[0].receipt_handle);
    assert_int_equal(sqs_message_delete(q, old, T0, &w->err), DD_OK);
    q->next_seq = 1; /* as if the store had forgotten */
    struct sqs_message *m = send_body(w, q, "second", T0 + 1);
    assert_int_equal(m->seq, 1);
    recv_n(w, q, 1, -1, T0 + 1, got);
    assert_int_equal(got[0].msg->receive_count, 1); /* same seq and token as `old` */
    assert_int_equal(sqs_message_delete(q, old, T0 + 2, &w->err), DD_OK);
    assert_int_equal(sqs_queue_message_count(q), 1);
    assert_int_equal(sqs_message_change_visibility(q, old, 5, T0 + 2, &w->err), DD_EINVAL);
    assert_int_equal(w->err.code, SQS_ERR_INVALID_PARAMETER_VALUE);
    world_free(w);
}

static void test_latest_handle_deletes_even_after_timeout(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *q = make_queue(w, "q", NULL);
    send_body(w, q, "x", T0);
    struct sqs_received got[1];
    recv_n(w, q, 1, 5, T0, got);
    /* Visible again but not received again: the handle is still the latest. */
    assert_int_equal(sqs_message_delete(q, got[0].receipt_handle, T0 + 60000, &w->err), DD_OK);
    assert_int_equal(sqs_queue_message_count(q), 0);
    world_free(w);
}

static void test_malformed_and_foreign_handles(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *q = make_queue(w, "q", NULL);
    struct sqs_queue *other = make_queue(w, "other", NULL);
    send_body(w, other, "x", T0);
    struct sqs_received got[1];
    recv_n(w, other, 1, -1, T0, got);
    const char *bad[] = { "garbage", "AQEB", "", "!!!!", got[0].receipt_handle };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = sqs_message_delete(q, bad[i], T0, &w->err);
        assert_int_equal(rc, DD_EINVAL);
        if (!*bad[i]) {
            assert_err(w, SQS_ERR_MISSING_PARAMETER,
                       "The request must contain the parameter ReceiptHandle.");
            continue;
        }
        char want[256];
        snprintf(want, sizeof(want),
                 "The input receipt handle \"%s\" is not a valid receipt handle.", bad[i]);
        assert_err(w, SQS_ERR_RECEIPT_HANDLE_IS_INVALID, want);
        assert_int_equal(sqs_message_change_visibility(q, bad[i], 10, T0, &w->err), DD_EINVAL);
        assert_int_equal(w->err.code, SQS_ERR_RECEIPT_HANDLE_IS_INVALID);
    }
    /* A flipped character breaks the check. */
    char h[SQS_RECEIPT_HANDLE_SIZE];
    strcpy(h, got[0].receipt_handle);
    h[10] = h[10] == 'A' ? 'B' : 'A';
    assert_int_equal(sqs_message_delete(other, h, T0, &w->err), DD_EINVAL);
    assert_int_equal(w->err.code, SQS_ERR_RECEIPT_HANDLE_IS_INVALID);
    /* Round trip of the encoding itself. */
    char enc[SQS_RECEIPT_HANDLE_SIZE];
    struct sqs_handle in = { 7, 123456789, 42, 0x0123456789abcdefULL }, back;
    sqs_receipt_handle_encode(&in, enc);
    assert_int_equal(strlen(enc), 48);
    assert_int_equal(sqs_receipt_handle_decode(enc, &back), DD_OK);
    assert_int_equal(back.queue_id, 7);
    assert_int_equal(back.seq, 123456789);
    assert_int_equal(back.token, 42);
    assert_true(back.id_tag == in.id_tag);
    /* Seq 0 is never a message. */
    struct sqs_handle zero = { 7, 0, 1, 1 };
    sqs_receipt_handle_encode(&zero, enc);
    assert_int_equal(sqs_receipt_handle_decode(enc, &back), DD_EINVAL);
    world_free(w);
}

static void test_change_visibility(void **state)
{
    (void)state;
    struct world *w = world_new(1);
    struct sqs_queue *q = make_queue(w, "q", NULL);
    send_body(w, q, "x", T0);
    struct sqs_received got[1];
    recv_n(w, q, 1, -1, T0, got);
    const char *h = got[0].receipt_handle;
    /* Extend: the new timeout counts from now. */
    assert_int_equal(sqs_message_change_visibility(q, h, 100, T0 + 10000, &w->err), DD_OK);
    assert_int_equal(sqs_queue_next_visible_ms(q), T0 + 110000);
    assert_string_equal(w->store.calls[w->store.n - 1].op, "put_message");
    /* Out of range. */
    assert_int_equal(sqs_message_change_visibility(q, h, 43201, T0 + 10000, &w->err), DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_PARAMETER_VALUE,
               "Value 43201 for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and "
               "<= 43200, if provided.");
    assert_int_equal(sqs_message_change_visibility(q, h, -1, T0 + 10000, &w->err), DD_EINVAL);
    /* 0 shows it at once: the next receive gets it with a new handle. */
    assert_int_equal(sqs_message_change_visibility(q, h, 0, T0 + 20000, &w->err), DD_OK);
    char b[32];
    assert_string_equal(qattr(w, q, "ApproximateNumberOfMessages", T0 + 20000, b, sizeof(b)), "1");
    /* Visible, so no longer in flight, with the still-latest handle. */
    assert_int_equal(sqs_message_change_visibility(q, h, 30, T0 + 20000, &w->err), DD_EINVAL);
    assert_err(w, SQS_ERR_MESSAGE_NOT_INFLIGHT, "The specified message isn't in flight.");
    struct sqs_received again[1];
    assert_int_equal(recv_n(w, q, 1, -1, T0 + 20001, again), 1);
    assert_int_equal(again[0].msg->receive_count, 2);
    /* The old handle is stale now. */
    assert_int_equal(sqs_message_change_visibility(q, h, 30, T0 + 20002, &w->err), DD_EINVAL);
    char want[512];
    snprintf(want, sizeof(want),
             "Value %s for parameter ReceiptHandle is invalid. Reason: Message does not exist or "
             "is not available for visibility timeout change.",
             h);
    assert_err(w, SQS_ERR_INVALID_PARAMETER_VALUE, want);
    /* A deleted message, same answer. */
    char h2[SQS_RECEIPT_HANDLE_SIZE];
    strcpy(h2, again[0].receipt_handle);
    assert_int_equal(sqs_message_delete(q, h2, T0 + 20003, &w->err), DD_OK);
    assert_int_equal(sqs_message_change_visibility(q, h2, 30, T0 + 20004, &w->err), DD_EINVAL);
    assert_int_equal(w->err.code, SQS_ERR_INVALID_PARAMETER_VALUE);
    world_free(w);
}

static void test_twelve_hour_limit(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *q = make_queue(w, "q", NULL);
    send_body(w, q, "x", T0);
    struct sqs_received got[1];
    int64_t rt = T0 + 1000;
    recv_n(w, q, 1, -1, rt, got);
    const char *h = got[0].receipt_handle;
    /* Right at 12 h after the receive is allowed; one second more is not. */
    assert_int_equal(sqs_message_change_visibility(q, h, 43200, rt, &w->err), DD_OK);
    assert_int_equal(sqs_message_change_visibility(q, h, 43200, rt + 1000, &w->err), DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_PARAMETER_VALUE,
               "Value 43200 for parameter VisibilityTimeout is invalid. Reason: Total "
               "VisibilityTimeout for the message is beyond the limit [43200 seconds]");
    int64_t later = rt + 40000LL * 1000;
    assert_int_equal(sqs_message_change_visibility(q, h, 3200, later, &w->err), DD_OK);
    assert_int_equal(sqs_message_change_visibility(q, h, 3201, later, &w->err), DD_EINVAL);
    assert_int_equal(sqs_queue_next_visible_ms(q), rt + 43200LL * 1000);
    /* A new receive starts a new 12 hours. */
    int64_t t2 = rt + 43200LL * 1000;
    assert_int_equal(recv_n(w, q, 1, -1, t2, got), 1);
    assert_int_equal(sqs_message_change_visibility(q, got[0].receipt_handle, 43200, t2, &w->err),
                     DD_OK);
    world_free(w);
}

static void test_delay_queue_and_message_delay(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *q = make_queue(w, "q", "DelaySeconds", "10", NULL);
    send_body(w, q, "queue-delay", T0);
    struct sqs_send_params p = send_params("own-delay");
    p.delay_seconds = 2;
    assert_int_equal(sqs_message_send(q, &p, T0, NULL, &w->err), DD_OK);
    p = send_params("no-delay");
    p.delay_seconds = 0;
    assert_int_equal(sqs_message_send(q, &p, T0, NULL, &w->err), DD_OK);
    char b[32];
    assert_string_equal(qattr(w, q, "ApproximateNumberOfMessagesDelayed", T0, b, sizeof(b)), "2");
    assert_string_equal(qattr(w, q, "ApproximateNumberOfMessages", T0, b, sizeof(b)), "1");
    struct sqs_received got[10];
    assert_int_equal(recv_n(w, q, 10, -1, T0, got), 1);
    assert_string_equal(got[0].msg->body, "no-delay");
    assert_int_equal(sqs_queue_next_visible_ms(q), T0 + 2000);
    assert_int_equal(recv_n(w, q, 10, -1, T0 + 1999, got), 0);
    assert_int_equal(recv_n(w, q, 10, -1, T0 + 2000, got), 1);
    assert_string_equal(got[0].msg->body, "own-delay");
    assert_string_equal(qattr(w, q, "ApproximateNumberOfMessagesDelayed", T0 + 2000, b, sizeof(b)),
                        "1");
    assert_int_equal(recv_n(w, q, 10, -1, T0 + 10000, got), 1);
    assert_string_equal(got[0].msg->body, "queue-delay");
    assert_string_equal(qattr(w, q, "ApproximateNumberOfMessagesDelayed", T0 + 10000, b, sizeof(b)),
                        "0");
    world_free(w);
}

static void test_retention_expiry_uses_current_period(void **state)
{
    (void)state;
    struct world *w = world_new(1);
    struct sqs_queue *q = make_queue(w, "q", "MessageRetentionPeriod", "120", NULL);
    send_body(w, q, "old", T0);
    send_body(w, q, "young", T0 + 90000);
    struct sqs_received got[1];
    recv_n(w, q, 1, 600, T0 + 1000, got); /* in flight does not protect it */
    assert_int_equal(sqs_queue_next_event_ms(q), T0 + 120000);
    sqs_queue_tick(q, T0 + 119999);
    assert_int_equal(sqs_queue_message_count(q), 2);
    w->store.n = 0;
    sqs_queue_tick(q, T0 + 120000);
    assert_int_equal(sqs_queue_message_count(q), 1);
    assert_int_equal(q->n_inflight, 0);
    assert_int_equal(w->store.n, 1);
    assert_string_equal(w->store.calls[0].op, "del_message");
    /* Lowering the period expires what is now too old, at once. */
    struct sqs_kv kv = { "MessageRetentionPeriod", "60" };
    assert_int_equal(sqs_queue_set_attributes(q, &kv, 1, T0 + 150000, &w->err), DD_OK);
    assert_int_equal(sqs_queue_message_count(q), 0);
    assert_int_equal(recv_n(w, q, 10, -1, T0 + 150000, got), 0);
    world_free(w);
}

static void test_receive_parameters_and_order(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *q = make_queue(w, "q", NULL);
    for (int i = 0; i < 15; i++) {
        char body[16];
        snprintf(body, sizeof(body), "m%02d", i);
        send_body(w, q, body, T0 + i);
    }
    struct sqs_received got[SQS_RECEIVE_MAX];
    size_t n = 0;
    struct sqs_receive_params bad = { 11, SQS_PARAM_ABSENT };
    assert_int_equal(sqs_message_receive(q, &bad, T0 + 100, got, &n, &w->err), DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_PARAMETER_VALUE,
               "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 "
               "and 10, if provided.");
    bad.max_messages = -1;
    assert_int_equal(sqs_message_receive(q, &bad, T0 + 100, got, &n, &w->err), DD_EINVAL);
    struct sqs_receive_params badvt = { 1, 43201 };
    assert_int_equal(sqs_message_receive(q, &badvt, T0 + 100, got, &n, &w->err), DD_EINVAL);
    assert_int_equal(w->err.code, SQS_ERR_INVALID_PARAMETER_VALUE);
    /* Default is one message; then oldest first, ten at most. */
    assert_int_equal(sqs_message_receive(q, NULL, T0 + 100, got, &n, &w->err), DD_OK);
    assert_int_equal(n, 1);
    assert_string_equal(got[0].msg->body, "m00");
    assert_int_equal(recv_n(w, q, 10, 5, T0 + 100, got), 10);
    for (int i = 0; i < 10; i++) {
        char body[16];
        snprintf(body, sizeof(body), "m%02d", i + 1);
        assert_string_equal(got[i].msg->body, body);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(got[i].receipt_handle, got[j].receipt_handle);
    }
    /* The override (5 s) brings them back ahead of newer messages. */
    assert_int_equal(recv_n(w, q, 10, -1, T0 + 5100, got), 10);
    assert_string_equal(got[0].msg->body, "m01");
    assert_string_equal(got[9].msg->body, "m10");
    world_free(w);
}

/* 100,000 messages sent, received ten at a time and deleted: the heaps keep
 * every step O(log n); an O(n) scan per call would take minutes here. */
static void test_hundred_thousand_messages(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *q = make_queue(w, "big", NULL);
    const int N = 100000;
    clock_t start = clock();
    struct sqs_send_params p = send_params("payload-of-a-hundred-thousand-messages");
    for (int i = 0; i < N; i++)
        assert_int_equal(sqs_message_send(q, &p, T0 + i / 100, NULL, &w->err), DD_OK);
    assert_int_equal(sqs_queue_visible_count(q), (size_t)N);
    /* Receive half with a short timeout so they come back, to exercise TIMERS. */
    int64_t now = T0 + 10000;
    struct sqs_received got[SQS_RECEIVE_MAX];
    size_t received = 0;
    for (int i = 0; i < N / 20; i++)
        received += recv_n(w, q, 10, 1, now, got);
    assert_int_equal(received, (size_t)N / 2);
    assert_int_equal(q->n_inflight, (size_t)N / 2);
    now += 1000;
    size_t deleted = 0;
    for (;;) {
        size_t n = recv_n(w, q, 10, -1, now, got);
        if (n == 0)
            break;
        for (size_t i = 0; i < n; i++)
            assert_int_equal(sqs_message_delete(q, got[i].receipt_handle, now, &w->err), DD_OK);
        deleted += n;
    }
    double secs = (double)(clock() - start) / CLOCKS_PER_SEC;
    assert_int_equal(deleted, (size_t)N);
    assert_int_equal(sqs_queue_message_count(q), 0);
    assert_int_equal(q->n_inflight, 0);
    assert_int_equal(q->n_deleted, (uint64_t)N);
    /* Generous for a sanitizer build on a slow CI machine; O(n^2) is ~1000x this. */
    if (secs > 20.0)
        fail_msg("100k messages took %.1f s", secs);
    world_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_send_and_receive_basics),
        cmocka_unit_test(test_attributes_are_kept_with_their_digests),
        cmocka_unit_test(test_send_validation),
        cmocka_unit_test(test_fifo_messages_are_unsupported_for_now),
        cmocka_unit_test(test_visibility_expiry_redelivers_with_new_handle),
        cmocka_unit_test(test_handle_never_acts_on_a_reused_seq),
        cmocka_unit_test(test_latest_handle_deletes_even_after_timeout),
        cmocka_unit_test(test_malformed_and_foreign_handles),
        cmocka_unit_test(test_change_visibility),
        cmocka_unit_test(test_twelve_hour_limit),
        cmocka_unit_test(test_delay_queue_and_message_delay),
        cmocka_unit_test(test_retention_expiry_uses_current_period),
        cmocka_unit_test(test_receive_parameters_and_order),
        cmocka_unit_test(test_hundred_thousand_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
