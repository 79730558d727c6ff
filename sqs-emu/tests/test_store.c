/* Unit tests for the store hook (store.h) and the restore entry points of
 * queue.c and message.c: every durable change reaches the store, and a
 * snapshot taken through the records rebuilds an equal engine. */
#include "sqs-emu/tests/engine_fixture.h"

static void expect_ops(struct world *w, const char *const *ops, size_t n)
{
    if (w->store.n != n) {
        for (size_t i = 0; i < w->store.n; i++)
            print_message("call %zu: %s %s\n", i, w->store.calls[i].op, w->store.calls[i].queue);
        fail_msg("expected %zu store calls, got %zu", n, w->store.n);
    }
    for (size_t i = 0; i < n; i++)
        assert_string_equal(w->store.calls[i].op, ops[i]);
    w->store.n = 0;
}

static void test_store_sees_every_change(void **state)
{
    (void)state;
    struct world *w = world_new(1);
    struct sqs_queue *q = make_queue(w, "q", NULL);
    expect_ops(w, (const char *[]){ "put_queue" }, 1);
    struct sqs_kv vt = { "VisibilityTimeout", "10" };
    assert_int_equal(sqs_queue_set_attributes(q, &vt, 1, T0, &w->err), DD_OK);
    struct sqs_kv tag = { "a", "b" };
    assert_int_equal(sqs_queue_tag(q, &tag, 1, &w->err), DD_OK);
    const char *keys[] = { "a" };
    assert_int_equal(sqs_queue_untag(q, keys, 1, &w->err), DD_OK);
    expect_ops(w, (const char *[]){ "put_queue", "put_queue", "put_queue" }, 3);

    struct sqs_message *m = send_body(w, q, "x", T0);
    expect_ops(w, (const char *[]){ "put_message" }, 1);
    struct sqs_received got[1];
    recv_n(w, q, 1, -1, T0, got);
    assert_int_equal(w->store.calls[0].count, 1);
    assert_int_equal(w->store.calls[0].seq, m->seq);
    assert_int_equal(sqs_message_change_visibility(q, got[0].receipt_handle, 50, T0, &w->err),
                     DD_OK);
    expect_ops(w, (const char *[]){ "put_message", "put_message" }, 2);
    /* Becoming visible again is not a durable change: it follows from visible_at_ms. */
    sqs_queue_tick(q, T0 + 50000);
    expect_ops(w, NULL, 0);
    /* A stale-handle delete writes nothing; the real one deletes. */
    char stale[SQS_RECEIPT_HANDLE_SIZE];
    strcpy(stale, got[0].receipt_handle);
    recv_n(w, q, 1, -1, T0 + 50000, got);
    w->store.n = 0;
    assert_int_equal(sqs_message_delete(q, stale, T0 + 50001, &w->err), DD_OK);
    expect_ops(w, NULL, 0);
    assert_int_equal(sqs_message_delete(q, got[0].receipt_handle, T0 + 50001, &w->err), DD_OK);
    expect_ops(w, (const char *[]){ "del_message" }, 1);
    /* Failed requests write nothing. */
    struct sqs_send_params bad = send_params("");
    assert_int_equal(sqs_message_send(q, &bad, T0, NULL, &w->err), DD_EINVAL);
    struct sqs_kv badvt = { "VisibilityTimeout", "x" };
    assert_int_equal(sqs_queue_set_attributes(q, &badvt, 1, T0, &w->err), DD_EINVAL);
    expect_ops(w, NULL, 0);
    send_body(w, q, "y", T0 + 60000);
    assert_int_equal(sqs_queue_purge(q, T0 + 60000, &w->err), DD_OK);
    assert_int_equal(sqs_queue_delete(q, T0 + 60000, &w->err), DD_OK);
    expect_ops(w, (const char *[]){ "put_message", "purge", "put_queue", "del_queue" }, 4);
    world_free(w);
}

static void test_store_failure_is_an_internal_error(void **state)
{
    (void)state;
    struct world *w = world_new(1);
    struct sqs_queue *q = make_queue(w, "q", NULL);
    w->store.fail = 1;
    struct sqs_send_params p = send_params("x");
    assert_int_equal(sqs_message_send(q, &p, T0, NULL, &w->err), DD_ENOMEM);
    assert_err(w, SQS_ERR_INTERNAL_ERROR, "We encountered an internal error. Please try again.");
    struct sqs_kv kv = { "DelaySeconds", "1" };
    assert_int_equal(sqs_queue_set_attributes(q, &kv, 1, T0, &w->err), DD_ENOMEM);
    assert_int_equal(w->err.code, SQS_ERR_INTERNAL_ERROR);
    world_free(w);
}

/* ---- a snapshot taken through the records, as a store would serialise it ---- */

struct snap_msg {
    char *queue_key; /* "account/name" */
    struct sqs_message_record rec;
    /* owned copies behind rec's pointers */
    char *id, *body, *sender, *md5b, *md5a, *md5s, *src_arn;
    struct sqs_attrs attrs, sys;
};

struct snap_queue {
    struct sqs_kvlist attrs, tags;
    struct sqs_queue_record rec;
    char *account, *name;
};

struct snapshot {
    struct snap_queue q[8];
    size_t nq;
    struct snap_msg m[64];
    size_t nm;
};

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int snap_queue_fn(struct sqs_queue *q, void *arg)
{
    struct snapshot *s = arg;
    struct snap_queue *sq = &s->q[s->nq++];
    memset(sq, 0, sizeof(*sq));
    assert_int_equal(sqs_queue_record_of(q, &sq->rec, &sq->attrs, &sq->tags), DD_OK);
    sq->account = strdup(sq->rec.account);
    sq->name = strdup(sq->rec.name);
    sq->rec.account = sq->account;
    sq->rec.name = sq->name;
    for (size_t i = 0; i < q->index.cap; i++) {
        struct sqs_message *m = q->index.slots[i];
        if (!m)
            continue;
        struct snap_msg *sm = &s->m[s->nm++];
        memset(sm, 0, sizeof(*sm));
        char key[128];
        snprintf(key, sizeof(key), "%s/%s", q->account, q->name);
        sm->queue_key = strdup(key);
        sqs_message_record_of(m, &sm->rec);
        sm->id = strdup(sm->rec.id);
        sm->body = malloc(sm->rec.body_len + 1);
        memcpy(sm->body, sm->rec.body, sm->rec.body_len + 1);
        sm->sender = dup_or_null(sm->rec.sender_id);
        sm->md5b = dup_or_null(sm->rec.md5_body);
        sm->md5a = dup_or_null(sm->rec.md5_attrs);
        sm->md5s = dup_or_null(sm->rec.md5_sys_attrs);
        sm->src_arn = dup_or_null(sm->rec.dlq_source_arn);
        if (sm->rec.attrs && sm->rec.attrs->n)
            assert_int_equal(sqs_attrs_dup(&sm->attrs, sm->rec.attrs), DD_OK);
        if (sm->rec.sys_attrs && sm->rec.sys_attrs->n)
            assert_int_equal(sqs_attrs_dup(&sm->sys, sm->rec.sys_attrs), DD_OK);
        sm->rec.id = sm->id;
        sm->rec.body = sm->body;
        sm->rec.sender_id = sm->sender;
        sm->rec.md5_body = sm->md5b;
        sm->rec.md5_attrs = sm->md5a;
        sm->rec.md5_sys_attrs = sm->md5s;
        sm->rec.dlq_source_arn = sm->src_arn;
        sm->rec.attrs = &sm->attrs;
        sm->rec.sys_attrs = &sm->sys;
        sm->rec.group_id = sm->rec.dedup_id = NULL;
    }
    return 0;
}

static void snapshot_free(struct snapshot *s)
{
    for (size_t i = 0; i < s->nq; i++) {
        sqs_kvlist_release(&s->q[i].attrs);
        sqs_kvlist_release(&s->q[i].tags);
        free(s->q[i].account);
        free(s->q[i].name);
    }
    for (size_t i = 0; i < s->nm; i++) {
        struct snap_msg *m = &s->m[i];
        free(m->queue_key);
        free(m->id);
        free(m->body);
        free(m->sender);
        free(m->md5b);
        free(m->md5a);
        free(m->md5s);
        free(m->src_arn);
        sqs_attrs_release(&m->attrs);
        sqs_attrs_release(&m->sys);
    }
}

#define RESTART (T0 + 100000)

static struct sqs_queue *restored(struct world *w, const char *name)
{
    struct sqs_queue *q = sqs_queue_lookup(w->e, ACCOUNT, name);
    assert_non_null(q);
    return q;
}

/* Engine A runs, a store snapshots it through the records, engine B restores
 * the snapshot at a later time: queues, attributes, tags, messages in every
 * state, receive counts and handles come back. */
static void test_restore_round_trip(void **state)
{
    (void)state;
    struct world *a = world_new(1);
    struct sqs_queue *dlq = make_queue(a, "dlq", "MessageRetentionPeriod", "600", NULL);
    struct sqs_queue *src = make_queue(a, "src", "VisibilityTimeout", "20", "RedrivePolicy",
                                       "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:"
                                       "123456789012:dlq\",\"maxReceiveCount\":1}",
                                       NULL);
    struct sqs_queue *idle = make_queue(a, "idle", NULL);
    struct sqs_kv tag = { "team", "core" };
    assert_int_equal(sqs_queue_tag(src, &tag, 1, &a->err), DD_OK);
    assert_int_equal(sqs_queue_purge(idle, T0 + 90000, &a->err), DD_OK);

    struct sqs_attrs at = { 0 };
    assert_int_equal(sqs_attrs_add(&at, "n", "Number", "42", 2), DD_OK);
    struct sqs_send_params p = send_params("to-dlq");
    p.attrs = &at;
    struct sqs_send_result moved;
    assert_int_equal(sqs_message_send(src, &p, T0, &moved, &a->err), DD_OK);
    sqs_attrs_release(&at);
    struct sqs_received got[10];
    assert_int_equal(recv_n(a, src, 1, 0, T0 + 1, got), 1);
    assert_int_equal(recv_n(a, src, 1, -1, T0 + 2, got), 0); /* moved to the DLQ */
    send_body(a, src, "inflight-long", T0 + 10);
    send_body(a, src, "inflight-short", T0 + 11);
    assert_int_equal(recv_n(a, src, 1, 43200, T0 + 20, got), 1);
    char long_handle[SQS_RECEIPT_HANDLE_SIZE];
    strcpy(long_handle, got[0].receipt_handle);
    assert_int_equal(recv_n(a, src, 1, 30, T0 + 20, got), 1); /* visible again before RESTART */
    struct sqs_send_params d = send_params("delayed");
    d.delay_seconds = 900;
    assert_int_equal(sqs_message_send(src, &d, T0 + 30, NULL, &a->err), DD_OK);
    send_body(a, src, "visible", T0 + 40);

    struct snapshot *snap = calloc(1, sizeof(*snap));
    assert_non_null(snap);
    assert_int_equal(sqs_engine_foreach(a->e, snap_queue_fn, snap), 0);
    assert_int_equal(snap->nq, 3);
    assert_int_equal(snap->nm, 5);

    /* Restore into B: queues in an order where src comes before its DLQ. */
    struct world *b = world_new(1);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < snap->nq; i++) {
            int is_src = strcmp(snap->q[i].rec.name, "src") == 0;
            if (is_src == (pass == 0))
                assert_int_equal(sqs_queue_restore(b->e, &snap->q[i].rec, NULL, &b->err), DD_OK);
        }
    for (size_t i = 0; i < snap->nm; i++) {
        const char *slash = strchr(snap->m[i].queue_key, '/');
        struct sqs_queue *q = restored(b, slash + 1);
        assert_int_equal(sqs_message_restore(q, &snap->m[i].rec, RESTART, &b->err), DD_OK);
    }
    assert_int_equal(b->store.n, 0); /* restoring tells the store nothing */

    /* Queues: same ids, times, attributes and tags. */
    for (size_t i = 0; i < snap->nq; i++) {
        struct sqs_queue *qa = sqs_queue_lookup(a->e, ACCOUNT, snap->q[i].rec.name);
        struct sqs_queue *qb = restored(b, snap->q[i].rec.name);
        assert_int_equal(qb->id, qa->id);
        assert_int_equal(qb->created_s, qa->created_s);
        assert_int_equal(qb->modified_s, qa->modified_s);
        assert_int_equal(qb->last_purge_ms, qa->last_purge_ms);
        assert_string_equal(qb->arn, qa->arn);
        struct sqs_kvlist ea = { 0 }, eb = { 0 };
        assert_int_equal(sqs_queue_attrs_export(&qa->attrs, &ea), DD_OK);
        assert_int_equal(sqs_queue_attrs_export(&qb->attrs, &eb), DD_OK);
        assert_int_equal(ea.n, eb.n);
        for (size_t k = 0; k < ea.n; k++) {
            assert_string_equal(ea.v[k].key, eb.v[k].key);
            assert_string_equal(ea.v[k].value, eb.v[k].value);
        }
        sqs_kvlist_release(&ea);
        sqs_kvlist_release(&eb);
        assert_int_equal(qb->tags.n, qa->tags.n);
    }
    struct sqs_queue *bsrc = restored(b, "src"), *bdlq = restored(b, "dlq");
    assert_string_equal(sqs_kvlist_get(&bsrc->tags, "team"), "core");
    assert_int_equal(bsrc->attrs.max_receive_count, 1);

    /* States at RESTART: the 30 s in-flight one is visible again. */
    sqs_queue_tick(bsrc, RESTART);
    assert_int_equal(sqs_queue_visible_count(bsrc), 2);
    assert_int_equal(bsrc->n_inflight, 1);
    assert_int_equal(bsrc->n_delayed, 1);
    assert_int_equal(sqs_queue_next_visible_ms(bsrc), T0 + 30 + 900000);
    /* The handle issued before the restart still deletes. */
    assert_int_equal(sqs_message_delete(bsrc, long_handle, RESTART, &b->err), DD_OK);
    assert_int_equal(bsrc->n_inflight, 0);

    /* The moved message, whole. */
    assert_int_equal(recv_n(b, bdlq, 10, -1, RESTART, got), 1);
    const struct sqs_message *m = got[0].msg;
    assert_string_equal(m->id, moved.message_id);
    assert_string_equal(m->body, "to-dlq");
    assert_string_equal(m->md5_attrs, moved.md5_attrs);
    assert_string_equal(m->md5_body, moved.md5_body);
    assert_int_equal(m->attrs.n, 1);
    assert_int_equal(m->sent_ms, T0);
    assert_int_equal(m->first_receive_ms, T0 + 1);
    assert_int_equal(m->receive_count, 2);
    assert_string_equal(m->dlq_source_arn, "arn:aws:sqs:us-east-1:123456789012:src");

    /* Redrive still works on restored receive counts: inflight-short (received
     * once) moves to the DLQ, "visible" (never received) is delivered. */
    assert_int_equal(recv_n(b, bsrc, 10, -1, RESTART, got), 1);
    assert_string_equal(got[0].msg->body, "visible");
    assert_int_equal(sqs_queue_message_count(bdlq), 2);

    /* Purge timing survives; new ids and seqs do not collide. */
    struct sqs_queue *bidle = restored(b, "idle");
    assert_int_equal(sqs_queue_purge(bidle, RESTART, &b->err), DD_EINVAL);
    assert_int_equal(b->err.code, SQS_ERR_PURGE_QUEUE_IN_PROGRESS);
    struct sqs_queue *fresh_q = make_queue(b, "fresh", NULL);
    assert_true(fresh_q->id > bsrc->id && fresh_q->id > bdlq->id && fresh_q->id > bidle->id);
    uint64_t max_seq = 0;
    for (size_t i = 0; i < snap->nm; i++)
        if (strcmp(snap->m[i].queue_key, ACCOUNT "/src") == 0 && snap->m[i].rec.seq > max_seq)
            max_seq = snap->m[i].rec.seq;
    struct sqs_message *nm = send_body(b, bsrc, "new", RESTART);
    assert_true(nm->seq > max_seq);

    /* Restoring twice, or a broken record, is refused. */
    assert_int_equal(sqs_queue_restore(b->e, &snap->q[0].rec, NULL, &b->err), DD_EEXIST);
    struct sqs_queue *q0 = restored(b, strchr(snap->m[0].queue_key, '/') + 1);
    if (sqs_message_find(q0, snap->m[0].rec.seq))
        assert_int_equal(sqs_message_restore(q0, &snap->m[0].rec, RESTART, &b->err), DD_EEXIST);
    struct sqs_message_record broken = snap->m[0].rec;
    broken.seq = 0;
    assert_int_equal(sqs_message_restore(q0, &broken, RESTART, &b->err), DD_EINVAL);
    broken = snap->m[0].rec;
    broken.body = NULL;
    broken.seq = 999;
    assert_int_equal(sqs_message_restore(q0, &broken, RESTART, &b->err), DD_EINVAL);
    struct sqs_queue_record badq = snap->q[0].rec;
    badq.name = "bad name";
    assert_int_equal(sqs_queue_restore(b->e, &badq, NULL, &b->err), DD_EINVAL);

    snapshot_free(snap);
    free(snap);
    world_free(a);
    world_free(b);
    (void)dlq;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_sees_every_change),
        cmocka_unit_test(test_store_failure_is_an_internal_error),
        cmocka_unit_test(test_restore_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
