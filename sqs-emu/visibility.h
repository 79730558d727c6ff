/*
 * When messages become visible, and when they expire: the per-queue timing
 * structures of the engine (indexed binary heaps) and the tick that moves
 * due messages between them. See visibility.c for the essay on the design.
 */
#ifndef SQS_VISIBILITY_H
#define SQS_VISIBILITY_H

#include <stddef.h>
#include <stdint.h>

struct sqs_message;
struct sqs_queue;

/*
 * Which ordering a heap keeps, and which of a message's two index slots it
 * uses. A message sits in exactly one of READY/TIMERS (slot 0) and always in
 * AGES (slot 1) while it belongs to a queue.
 */
enum sqs_heap_kind {
    SQS_HEAP_READY,  /* visible messages by send sequence, oldest first */
    SQS_HEAP_TIMERS, /* delayed and in-flight messages by visible_at_ms */
    SQS_HEAP_AGES    /* every message by enqueue_ms, for retention */
};

/* Index slot meaning "not in a heap". */
#define SQS_HEAP_NONE SIZE_MAX

/* An indexed binary min-heap of messages. A zeroed struct plus a kind is empty. */
struct sqs_heap {
    struct sqs_message **v;  /* owned array; the messages are borrowed */
    size_t n;                /* entries used */
    size_t cap;              /* entries allocated */
    enum sqs_heap_kind kind; /* the ordering and the index slot */
};

void sqs_heap_init(struct sqs_heap *h, enum sqs_heap_kind kind);
/* Frees the array (not the messages); h is empty afterwards. */
void sqs_heap_release(struct sqs_heap *h);
/* Adds m (borrowed, must not be in h). DD_ENOMEM leaves h unchanged. */
int sqs_heap_push(struct sqs_heap *h, struct sqs_message *m);
/* Removes m (must be in h) in O(log n). */
void sqs_heap_remove(struct sqs_heap *h, struct sqs_message *m);
/* Restores order after m's key changed in place (m must be in h). */
void sqs_heap_update(struct sqs_heap *h, struct sqs_message *m);
/* The minimum, borrowed, or NULL when empty. */
struct sqs_message *sqs_heap_top(const struct sqs_heap *h);
/* 1 when m is in h. */
int sqs_heap_contains(const struct sqs_heap *h, const struct sqs_message *m);

/*
 * Brings q up to now_ms: every delayed or in-flight message whose
 * visible_at_ms <= now_ms becomes visible, and every message older than the
 * queue's current MessageRetentionPeriod is deleted (reported to the store as
 * a del_message). Cost O(k log n) for the k messages that change. Every
 * engine call on a queue ticks it first; the server also calls it when the
 * time from sqs_queue_next_event_ms() comes.
 */
void sqs_queue_tick(struct sqs_queue *q, int64_t now_ms);

/*
 * The earliest time at which a tick would change q: a delayed or in-flight
 * message becoming visible, or the oldest message expiring. INT64_MAX when
 * nothing is pending. Long-polling receivers and the server's timer use it.
 */
int64_t sqs_queue_next_event_ms(const struct sqs_queue *q);

/* The earliest time a message of q becomes visible (INT64_MAX if none is
 * pending): what a long poll waits for. */
int64_t sqs_queue_next_visible_ms(const struct sqs_queue *q);

/*
 * State transitions, keeping the heaps and the queue's counters in step.
 * They do not talk to the store: their callers decide what is durable.
 * m is borrowed and must belong to q.
 */
/* Makes m visible now (from delayed or in flight). DD_ENOMEM leaves it as it was. */
int sqs_vis_show(struct sqs_queue *q, struct sqs_message *m);
/* Hides m until until_ms as in flight (state INFLIGHT), from any state.
 * DD_ENOMEM leaves it as it was. */
int sqs_vis_hide(struct sqs_queue *q, struct sqs_message *m, int64_t until_ms);
/* Links a new message into q's heaps by its state and times (used by send,
 * the DLQ move and restore). DD_ENOMEM leaves q unchanged. */
int sqs_vis_link(struct sqs_queue *q, struct sqs_message *m);
/* Unlinks m from every heap and counter of q (before deleting or moving it). */
void sqs_vis_unlink(struct sqs_queue *q, struct sqs_message *m);

#endif
