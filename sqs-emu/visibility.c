/*
 * Visibility, delay and retention timing for the messages of one queue.
 *
 * The problem
 * -----------
 * An SQS message is, at any moment, in one of three states: visible (a
 * receive may take it), delayed (sent with DelaySeconds, not yet visible) or
 * in flight (received, hidden until its visibility timeout ends). Delayed and
 * in-flight messages become visible by themselves when a deadline passes;
 * every message disappears when it is older than the queue's
 * MessageRetentionPeriod, measured against the queue's *current* period (a
 * lowered period expires old messages at once, as SQS documents). The obvious
 * implementation, scanning every message on every call to see what is due,
 * costs O(n) per request and collapses at 100,000 messages per queue.
 *
 * The structure
 * -------------
 * Each queue keeps three indexed binary min-heaps of message pointers:
 *
 *   READY   the visible messages, keyed by seq (arrival order in this queue):
 *           a receive pops the minimum, so delivery is oldest-first, and a
 *           message whose visibility timeout ends goes back with its old seq,
 *           i.e. ahead of newer ones — SQS's "approximately FIFO" order.
 *   TIMERS  delayed and in-flight messages, keyed by (visible_at_ms, seq):
 *           the top is the next message to become visible. This is disque's
 *           "one timer structure by next-action time", not a timer per job.
 *   AGES    every message, keyed by (enqueue_ms, seq): the top is the next to
 *           expire. Enqueue time is not always arrival order — a message moved
 *           from a standard queue to its dead-letter queue keeps its original
 *           enqueue time — so a heap, not a list, keeps it right.
 *
 * A message is in exactly one of READY/TIMERS (its slot 0 index) and always in
 * AGES (slot 1). Each message stores its position in each heap, so removing
 * or re-keying an arbitrary message (DeleteMessage while visible,
 * ChangeMessageVisibility, expiry of an in-flight message) is O(log n)
 * without searching. Counts per state are kept as counters, so
 * GetQueueAttributes is O(1).
 *
 * The tick
 * --------
 * sqs_queue_tick(q, now) runs at the start of every engine call on q (and
 * when the server's timer, armed with sqs_queue_next_event_ms(), fires). It
 * pops TIMERS while the top's visible_at_ms <= now, moving each message to
 * READY, then pops AGES while the top's enqueue_ms + retention <= now,
 * deleting each message. Work is O(k log n) for the k messages that change:
 * a receive of 10 out of 100,000 visible messages touches about
 * 10 * 17 heap levels. Nothing happens between calls, so an idle queue costs
 * nothing, and a test can jump the clock by a day and see exactly the
 * messages that a real queue would have expired or redelivered.
 */
#include <assert.h>
#include <stdlib.h>

#include "common/err.h"
#include "sqs-emu/engine.h"
#include "sqs-emu/message.h"
#include "sqs-emu/queue.h"
#include "sqs-emu/visibility.h"

static int slot_of(enum sqs_heap_kind kind)
{
    return kind == SQS_HEAP_AGES ? 1 : 0;
}

/* 1 when a orders strictly before b in heap kind. Ties break on seq, which
 * is unique in a queue, so the order is total and deterministic. */
static int before(enum sqs_heap_kind kind, const struct sqs_message *a, const struct sqs_message *b)
{
    switch (kind) {
    case SQS_HEAP_READY:
        return a->seq < b->seq;
    case SQS_HEAP_TIMERS:
        if (a->visible_at_ms != b->visible_at_ms)
            return a->visible_at_ms < b->visible_at_ms;
        return a->seq < b->seq;
    case SQS_HEAP_AGES:
        if (a->enqueue_ms != b->enqueue_ms)
            return a->enqueue_ms < b->enqueue_ms;
        return a->seq < b->seq;
    }
    return 0;
}

static void place(struct sqs_heap *h, size_t i, struct sqs_message *m)
{
    h->v[i] = m;
    m->heap_idx[slot_of(h->kind)] = i;
}

static void sift_up(struct sqs_heap *h, size_t i)
{
    struct sqs_message *m = h->v[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(h->kind, m, h->v[parent]))
            break;
        place(h, i, h->v[parent]);
        i = parent;
    }
    place(h, i, m);
}

static void sift_down(struct sqs_heap *h, size_t i)
{
    struct sqs_message *m = h->v[i];
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= h->n)
            break;
        size_t c = l;
        if (l + 1 < h->n && before(h->kind, h->v[l + 1], h->v[l]))
            c = l + 1;
        if (!before(h->kind, h->v[c], m))
            break;
        place(h, i, h->v[c]);
        i = c;
    }
    place(h, i, m);
}

void sqs_heap_init(struct sqs_heap *h, enum sqs_heap_kind kind)
{
    h->v = NULL;
    h->n = 0;
    h->cap = 0;
    h->kind = kind;
}

void sqs_heap_release(struct sqs_heap *h)
{
    DD_FREE(h->v);
    h->n = 0;
    h->cap = 0;
}

/* Makes room for one more entry, so a move between heaps cannot fail halfway. */
static int reserve(struct sqs_heap *h)
{
    if (h->n < h->cap)
        return DD_OK;
    size_t cap = h->cap ? h->cap * 2 : 16;
    struct sqs_message **v = realloc(h->v, cap * sizeof(*v));
    if (!v)
        return DD_ENOMEM;
    h->v = v;
    h->cap = cap;
    return DD_OK;
}

int sqs_heap_push(struct sqs_heap *h, struct sqs_message *m)
{
    assert(m->heap_idx[slot_of(h->kind)] == SQS_HEAP_NONE);
    if (reserve(h))
        return DD_ENOMEM;
    h->v[h->n] = m;
    h->n++;
    sift_up(h, h->n - 1);
    return DD_OK;
}

void sqs_heap_remove(struct sqs_heap *h, struct sqs_message *m)
{
    int slot = slot_of(h->kind);
    size_t i = m->heap_idx[slot];
    assert(i < h->n && h->v[i] == m);
    m->heap_idx[slot] = SQS_HEAP_NONE;
    h->n--;
    if (i == h->n)
        return;
    /* The last element fills the hole and moves whichever way its key says. */
    place(h, i, h->v[h->n]);
    sqs_heap_update(h, h->v[i]);
}

void sqs_heap_update(struct sqs_heap *h, struct sqs_message *m)
{
    size_t i = m->heap_idx[slot_of(h->kind)];
    assert(i < h->n && h->v[i] == m);
    if (i > 0 && before(h->kind, m, h->v[(i - 1) / 2]))
        sift_up(h, i);
    else
        sift_down(h, i);
}

struct sqs_message *sqs_heap_top(const struct sqs_heap *h)
{
    return h->n ? h->v[0] : NULL;
}

int sqs_heap_contains(const struct sqs_heap *h, const struct sqs_message *m)
{
    size_t i = m->heap_idx[slot_of(h->kind)];
    return i < h->n && h->v[i] == m;
}

/* The counter that holds m's state, or NULL for visible (READY's size). */
static size_t *counter_of(struct sqs_queue *q, enum sqs_msg_state st)
{
    switch (st) {
    case SQS_MSG_DELAYED:
        return &q->n_delayed;
    case SQS_MSG_INFLIGHT:
        return &q->n_inflight;
    case SQS_MSG_VISIBLE:
        break;
    }
    return NULL;
}

void sqs_vis_unlink(struct sqs_queue *q, struct sqs_message *m)
{
    if (m->state == SQS_MSG_VISIBLE) {
        if (sqs_heap_contains(&q->ready, m))
            sqs_heap_remove(&q->ready, m);
    } else {
        if (sqs_heap_contains(&q->timers, m))
            sqs_heap_remove(&q->timers, m);
        size_t *c = counter_of(q, m->state);
        assert(*c > 0);
        (*c)--;
    }
    if (sqs_heap_contains(&q->ages, m))
        sqs_heap_remove(&q->ages, m);
}

int sqs_vis_link(struct sqs_queue *q, struct sqs_message *m)
{
    m->heap_idx[0] = SQS_HEAP_NONE;
    m->heap_idx[1] = SQS_HEAP_NONE;
    int rc = sqs_heap_push(&q->ages, m);
    if (rc)
        return rc;
    if (m->state == SQS_MSG_VISIBLE) {
        rc = sqs_heap_push(&q->ready, m);
    } else {
        rc = sqs_heap_push(&q->timers, m);
        if (rc == DD_OK)
            (*counter_of(q, m->state))++;
    }
    if (rc)
        sqs_heap_remove(&q->ages, m);
    return rc;
}

int sqs_vis_show(struct sqs_queue *q, struct sqs_message *m)
{
    if (m->state == SQS_MSG_VISIBLE)
        return DD_OK;
    if (reserve(&q->ready))
        return DD_ENOMEM;
    sqs_heap_remove(&q->timers, m);
    (*counter_of(q, m->state))--;
    m->state = SQS_MSG_VISIBLE;
    int rc = sqs_heap_push(&q->ready, m);
    assert(rc == DD_OK);
    return rc;
}

int sqs_vis_hide(struct sqs_queue *q, struct sqs_message *m, int64_t until_ms)
{
    if (m->state == SQS_MSG_VISIBLE) {
        if (reserve(&q->timers))
            return DD_ENOMEM;
        sqs_heap_remove(&q->ready, m);
        m->state = SQS_MSG_INFLIGHT;
        m->visible_at_ms = until_ms;
        int rc = sqs_heap_push(&q->timers, m);
        assert(rc == DD_OK);
        q->n_inflight++;
        return rc;
    }
    if (m->state == SQS_MSG_DELAYED) {
        q->n_delayed--;
        q->n_inflight++;
        m->state = SQS_MSG_INFLIGHT;
    }
    m->visible_at_ms = until_ms;
    sqs_heap_update(&q->timers, m);
    return DD_OK;
}

/* The time at which m is older than q's current retention period. */
static int64_t expiry_ms(const struct sqs_queue *q, const struct sqs_message *m)
{
    return m->enqueue_ms + q->attrs.message_retention_period * 1000;
}

void sqs_queue_tick(struct sqs_queue *q, int64_t now_ms)
{
    struct sqs_message *m;
    while ((m = sqs_heap_top(&q->timers)) && m->visible_at_ms <= now_ms) {
        if (sqs_vis_show(q, m) != DD_OK)
            break; /* out of memory: the message stays due and the next tick retries */
    }
    while ((m = sqs_heap_top(&q->ages)) && expiry_ms(q, m) <= now_ms) {
        /* Retention is a deletion the store must make durable too. A store
         * failure here has no request to fail; the store has marked its
         * transaction failed (see store.h), so carry on. */
        (void)sqs_engine_del_message(q->engine, q, m);
        sqs_queue_drop_message(q, m);
    }
}

int64_t sqs_queue_next_visible_ms(const struct sqs_queue *q)
{
    const struct sqs_message *m = sqs_heap_top(&q->timers);
    return m ? m->visible_at_ms : INT64_MAX;
}

int64_t sqs_queue_next_event_ms(const struct sqs_queue *q)
{
    int64_t t = sqs_queue_next_visible_ms(q);
    const struct sqs_message *m = sqs_heap_top(&q->ages);
    if (m && expiry_ms(q, m) < t)
        t = expiry_ms(q, m);
    return t;
}
