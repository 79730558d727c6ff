/*
 * The engine -> store hook: how the engine reports every durable change to
 * whatever keeps sqs-emu's state on disk (LMDB, written separately), and what
 * a store must do with each call. The engine never serialises; it hands the
 * store the live structs, whose durable fields are documented in message.h
 * (struct sqs_message, struct sqs_message_record) and queue.h
 * (struct sqs_queue_record).
 *
 * Contract:
 *  - Calls come synchronously from inside engine calls, after the in-memory
 *    change is made, in the order the changes happen. A store batches them
 *    (group commit: the changes of one or more loop rounds in one write
 *    transaction) and must commit before the server answers any of the
 *    requests that caused or observed them.
 *  - The pointers are borrowed for the call only: copy what you keep.
 *  - A hook returns 0 or a negative DD_E* code. On failure the engine answers
 *    the request with InternalError but keeps its in-memory change; the
 *    store must then fail its pending transaction and the server stop
 *    acknowledging, so nothing acknowledged is lost.
 *  - Not durable, on purpose: messages becoming visible again when their
 *    delay or visibility timeout ends (that follows from visible_at_ms on
 *    restore), and the 60-second QueueDeletedRecently memory.
 *  - Any member may be NULL, and the whole vtable may be NULL (memory mode).
 *
 * Restore: at start-up the store calls sqs_queue_restore() for every queue
 * (any order; RedrivePolicy targets are not checked), then
 * sqs_message_restore() for every message of each queue. Restoring does not
 * call these hooks. A store should remember per queue the highest seq it has
 * seen in put_message and give back highest + 1 as the record's next_seq,
 * so seqs are not reused after deletions and a restart (receipt handles
 * stay safe regardless: they also carry a tag of the message id).
 */
#ifndef SQS_STORE_H
#define SQS_STORE_H

struct sqs_queue;
struct sqs_message;

struct sqs_store_ops {
    /* A queue was created, or its attributes, tags or last purge time changed:
     * (re)write its record (sqs_queue_record_of). */
    int (*put_queue)(void *ctx, const struct sqs_queue *q);
    /* A queue was deleted: remove its record and all its messages. */
    int (*del_queue)(void *ctx, const struct sqs_queue *q);
    /* A message was added to q, or its receive state changed (receive count,
     * receive times, visible_at_ms, state): (re)write it, keyed (q->id, m->seq). */
    int (*put_message)(void *ctx, const struct sqs_queue *q, const struct sqs_message *m);
    /* A message left q (deleted, expired, or moved to a dead-letter queue, in
     * which case a put_message on the target follows in the same call). */
    int (*del_message)(void *ctx, const struct sqs_queue *q, const struct sqs_message *m);
    /* PurgeQueue removed every message of q (one call instead of one
     * del_message each); a put_queue with the new purge time follows. */
    int (*purge_queue)(void *ctx, const struct sqs_queue *q);
};

#endif
