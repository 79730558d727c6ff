/*
 * Dead-letter queues: moving a message that has been received
 * maxReceiveCount times to the queue its RedrivePolicy names, and (designed,
 * not yet implemented) the message move tasks of StartMessageMoveTask.
 *
 * What SQS keeps on a move (Developer Guide, "Using dead-letter queues"):
 * the message id, body, message attributes and system attributes, the
 * original SentTimestamp, and the receive count (ApproximateReceiveCount
 * goes on counting in the DLQ). For a standard queue the retention clock
 * keeps running from the original enqueue time, so a message moved late in
 * its life can expire soon in the DLQ; for a FIFO queue the enqueue time is
 * reset by the move. The moved message is visible at once in the DLQ and
 * carries DeadLetterQueueSourceArn. If the DLQ no longer exists the message
 * stays in its queue and is delivered normally.
 *
 * Message move tasks (designed): a move task is a row of a per-engine table
 *
 *   struct sqs_move_task {
 *       char handle[...];          TaskHandle: base64 of {task id, source ARN}
 *       char *source_arn;          a DLQ (the queue being drained)
 *       char *destination_arn;     NULL = each message's DeadLetterQueueSourceArn
 *       int64_t max_per_second;    MaxNumberOfMessagesPerSecond, 0 = system rate (500)
 *       enum { RUNNING, COMPLETED, CANCELLING, CANCELLED, FAILED } status;
 *       uint64_t moved;            ApproximateNumberOfMessagesMoved
 *       uint64_t to_move;          ApproximateNumberOfMessagesToMove (at start)
 *       uint64_t last_seq;         messages with seq <= this were present at start
 *       int64_t started_ms;        StartedTimestamp
 *       char *failure_reason;      FailureReason when FAILED
 *   };
 *
 * kept per source ARN (at most one RUNNING task per source: a second Start is
 * refused while one runs), the last 10 per source for
 * ListMessageMoveTasks (newest first). The task is advanced by
 * sqs_engine_tick(): on each tick it moves up to
 * max_per_second * elapsed seconds of the *visible* messages with
 * seq <= last_seq, oldest first, to the destination (new seq there, same
 * message id, body and attributes, receive count reset to 0, SentTimestamp
 * kept), reporting del_message/put_message as a DLQ move does; it contributes
 * its next due time to sqs_engine_next_event_ms(). It completes when no
 * such message remains, fails when the destination is deleted, and
 * CancelMessageMoveTask turns RUNNING into CANCELLED at the next tick. Tasks
 * are durable through a put_task/del_task pair to be added to the store ops.
 */
#ifndef SQS_REDRIVE_H
#define SQS_REDRIVE_H

#include <stdint.h>

#include "sqs-emu/errors.h"

struct sqs_queue;
struct sqs_message;

/*
 * If src has a RedrivePolicy, m's receive count has reached its
 * maxReceiveCount, and the dead-letter queue exists (and is not src), moves m
 * there and returns 1: m then belongs to the DLQ (still valid, now visible
 * there) and the store has seen del_message(src) and put_message(dlq).
 * Returns 0 when m must be delivered from src instead, or a negative DD_E*
 * code (DD_ENOMEM, or a store failure) with err filled; m then stays in src.
 * m must be visible in src.
 */
int sqs_redrive_check(struct sqs_queue *src, struct sqs_message *m, int64_t now_ms,
                      struct sqs_error *err);

/* Moves m (owned by src) to dst (a different queue) without conditions; same
 * effects and results as a successful sqs_redrive_check. */
int sqs_redrive_move(struct sqs_queue *src, struct sqs_queue *dst, struct sqs_message *m,
                     int64_t now_ms, struct sqs_error *err);

#endif
