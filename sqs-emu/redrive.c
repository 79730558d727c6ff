/*
 * Dead-letter redrive on receive (see redrive.h for what SQS keeps on a
 * move, and for the design of message move tasks).
 *
 * SQS's rule: maxReceiveCount is "the number of times a message is delivered
 * to the source queue before being moved to the dead-letter queue". So a
 * receive that finds a visible message whose receive count has already
 * reached maxReceiveCount moves it instead of delivering it a
 * (maxReceiveCount + 1)-th time. Real SQS does the move in the background
 * around the receive; doing it on the receive path is indistinguishable to a
 * client and keeps the engine free of timers.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "sqs-emu/engine.h"
#include "sqs-emu/message.h"
#include "sqs-emu/queue.h"
#include "sqs-emu/redrive.h"
#include "sqs-emu/visibility.h"

int sqs_redrive_move(struct sqs_queue *src, struct sqs_queue *dst, struct sqs_message *m,
                     int64_t now_ms, struct sqs_error *err)
{
    assert(src != dst);
    sqs_queue_tick(dst, now_ms);
    char *source_arn = strdup(src->arn);
    if (!source_arn)
        return sqs_error_nomem(err);

    /* What the store must forget: the message under its old key in src. */
    struct sqs_message ghost = *m;
    uint64_t old_seq = m->seq;
    enum sqs_msg_state old_state = m->state;
    int64_t old_visible = m->visible_at_ms, old_enqueue = m->enqueue_ms;

    sqs_vis_unlink(src, m);
    sqs_msgindex_del(&src->index, old_seq);

    m->seq = dst->next_seq;
    m->state = SQS_MSG_VISIBLE;
    m->visible_at_ms = now_ms;
    /* Standard queues keep the original enqueue time for retention; a FIFO
     * DLQ restarts it (Developer Guide, dead-letter queue retention). */
    if (dst->fifo)
        m->enqueue_ms = now_ms;
    int rc = sqs_msgindex_put(&dst->index, m);
    if (rc == DD_OK) {
        rc = sqs_vis_link(dst, m);
        if (rc)
            sqs_msgindex_del(&dst->index, m->seq);
    }
    if (rc) {
        /* Back where it was: src's index and heaps just gave up these slots,
         * so re-inserting needs no memory. */
        m->seq = old_seq;
        m->state = old_state;
        m->visible_at_ms = old_visible;
        m->enqueue_ms = old_enqueue;
        (void)sqs_msgindex_put(&src->index, m);
        (void)sqs_vis_link(src, m);
        free(source_arn);
        return sqs_error_nomem(err);
    }
    dst->next_seq++;
    free(m->dlq_source_arn);
    m->dlq_source_arn = source_arn;

    int r1 = sqs_engine_del_message(src->engine, src, &ghost);
    int r2 = sqs_engine_put_message(dst->engine, dst, m);
    if (r1 || r2)
        return sqs_error_nomem(err);
    return 1;
}

int sqs_redrive_check(struct sqs_queue *src, struct sqs_message *m, int64_t now_ms,
                      struct sqs_error *err)
{
    if (src->attrs.max_receive_count <= 0 || !src->attrs.dlq_arn)
        return 0;
    if ((int64_t)m->receive_count < src->attrs.max_receive_count)
        return 0;
    struct sqs_queue *dlq = sqs_queue_lookup_arn(src->engine, src->attrs.dlq_arn);
    /* A deleted DLQ (or one naming the queue itself) leaves the message here. */
    if (!dlq || dlq == src)
        return 0;
    return sqs_redrive_move(src, dlq, m, now_ms, err);
}
