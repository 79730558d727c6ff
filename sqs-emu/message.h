/*
 * SQS messages: the message record and the operations on messages of one
 * queue — send, receive (with dead-letter redrive), delete, change
 * visibility — plus receipt handles and the restore entry point the store
 * uses at start-up.
 *
 * Every call takes the current emulated time in now_ms (ms since the epoch)
 * and reads no clock. Failures fill struct sqs_error with SQS's code and
 * message and return a negative DD_E* code.
 */
#ifndef SQS_MESSAGE_H
#define SQS_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "sqs-emu/errors.h"
#include "sqs-emu/msg_attr.h"

struct sqs_queue;

/* Where a message is in its life. Stored; see sqs_message_restore. */
enum sqs_msg_state {
    SQS_MSG_VISIBLE = 0, /* can be received now */
    SQS_MSG_DELAYED = 1, /* sent with a delay, never received, visible at visible_at_ms */
    SQS_MSG_INFLIGHT = 2 /* received, hidden until visible_at_ms */
};

/* Text sizes, NUL included. */
#define SQS_MESSAGE_ID_SIZE      37 /* a lowercase UUID */
#define SQS_SEQUENCE_NUMBER_SIZE 21 /* FIFO SequenceNumber: 20 digits */
#define SQS_RECEIPT_HANDLE_SIZE  64

/*
 * One message. The fields above `heap_idx` are the message's durable state: a
 * store serialises exactly these (sqs_message_record_of gives a flat view) and
 * hands them back through sqs_message_restore. All pointers are owned by the
 * message.
 */
struct sqs_message {
    uint64_t seq;                         /* per-queue order of arrival, >= 1; the index key */
    char id[SQS_MESSAGE_ID_SIZE];         /* MessageId (UUID v4), kept across a DLQ move */
    char *body;                           /* owned, NUL-terminated */
    size_t body_len;                      /* bytes of body */
    struct sqs_attrs attrs;               /* owned MessageAttributes */
    struct sqs_attrs sys_attrs;           /* owned MessageSystemAttributes (AWSTraceHeader) */
    char md5_body[SQS_MD5_HEX_SIZE];      /* MD5OfMessageBody */
    char md5_attrs[SQS_MD5_HEX_SIZE];     /* MD5OfMessageAttributes, "" without attributes */
    char md5_sys_attrs[SQS_MD5_HEX_SIZE]; /* MD5OfMessageSystemAttributes, "" without */
    char *sender_id;                      /* owned SenderId */
    int64_t sent_ms;                      /* SentTimestamp: first send, kept across a DLQ move */
    int64_t enqueue_ms;                   /* retention clock start (reset by a FIFO DLQ move) */
    uint32_t receive_count;               /* ApproximateReceiveCount; also the handle token */
    int64_t first_receive_ms;             /* ApproximateFirstReceiveTimestamp, 0 = never */
    int64_t receive_ms;                   /* time of the latest receive (12 h limit), 0 = never */
    int64_t visible_at_ms;                /* when a delayed / in-flight message shows again */
    enum sqs_msg_state state;             /* see enum sqs_msg_state */
    char *group_id;                       /* owned MessageGroupId (FIFO), or NULL */
    char *dedup_id;                       /* owned MessageDeduplicationId (FIFO), or NULL */
    uint64_t sequence_number;             /* FIFO SequenceNumber, 0 for standard queues */
    char *dlq_source_arn;                 /* owned DeadLetterQueueSourceArn, or NULL */
    /* In-memory only. */
    size_t heap_idx[2]; /* positions in q's READY-or-TIMERS heap (0) and AGES heap (1) */
};

/* Frees m and everything it owns; NULL is a no-op. */
void sqs_message_free(struct sqs_message *m);

/* An integer parameter the request did not carry (DelaySeconds, VisibilityTimeout). */
#define SQS_PARAM_ABSENT INT64_MIN

/* What SendMessage asks for. Every pointer is borrowed for the call. */
struct sqs_send_params {
    const char *body;                  /* MessageBody, may hold NULs; NULL or empty is missing */
    size_t body_len;                   /* bytes of body */
    int64_t delay_seconds;             /* per-message DelaySeconds, or SQS_PARAM_ABSENT */
    const struct sqs_attrs *attrs;     /* MessageAttributes, NULL for none */
    const struct sqs_attrs *sys_attrs; /* MessageSystemAttributes, NULL for none */
    const char *sender_id;             /* SenderId; NULL = the queue's account */
    const char *group_id;              /* MessageGroupId, NULL if absent */
    const char *dedup_id;              /* MessageDeduplicationId, NULL if absent */
};

/* What SendMessage answers. */
struct sqs_send_result {
    char message_id[SQS_MESSAGE_ID_SIZE];
    char md5_body[SQS_MD5_HEX_SIZE];
    char md5_attrs[SQS_MD5_HEX_SIZE];               /* "" = omit the field */
    char md5_sys_attrs[SQS_MD5_HEX_SIZE];           /* "" = omit the field */
    char sequence_number[SQS_SEQUENCE_NUMBER_SIZE]; /* "" = omit (standard queues) */
};

/*
 * SendMessage: validates the body (MissingParameter when empty,
 * InvalidMessageContents), the attributes, the size against the queue's
 * MaximumMessageSize and the delay (0..900), then stores the message, delayed
 * by the given or the queue's DelaySeconds, and reports it to the store.
 * FIFO queues answer UnsupportedOperation for now (see the design in
 * queue.h). params and res are the caller's.
 */
int sqs_message_send(struct sqs_queue *q, const struct sqs_send_params *params, int64_t now_ms,
                     struct sqs_send_result *res, struct sqs_error *err);

/* What ReceiveMessage asks for. */
struct sqs_receive_params {
    int max_messages;           /* MaxNumberOfMessages 1..10; 0 = default 1 */
    int64_t visibility_timeout; /* seconds 0..43200, or SQS_PARAM_ABSENT for the queue's */
};

/* Up to this many messages per receive. */
#define SQS_RECEIVE_MAX 10

/* One delivered message. */
struct sqs_received {
    const struct sqs_message *msg; /* borrowed: valid until the next call that changes its queue */
    char receipt_handle[SQS_RECEIPT_HANDLE_SIZE]; /* this receive's handle */
};

/*
 * ReceiveMessage (the engine part: long polling is the server's): delivers up
 * to max_messages visible messages, oldest first, each with its receive count
 * incremented and hidden for the visibility timeout; a message whose receive
 * count has reached the queue's maxReceiveCount is moved to the dead-letter
 * queue instead (see redrive.h). out must hold SQS_RECEIVE_MAX entries;
 * *n_out receives the count (0 is a valid, empty answer).
 */
int sqs_message_receive(struct sqs_queue *q, const struct sqs_receive_params *params,
                        int64_t now_ms, struct sqs_received *out, size_t *n_out,
                        struct sqs_error *err);

/*
 * DeleteMessage. As the DeleteMessage reference says, only the most recent
 * receipt handle deletes: a stale handle, or one whose message is already
 * gone, succeeds and deletes nothing. A malformed handle, or one issued by
 * another queue, is ReceiptHandleIsInvalid. handle is borrowed.
 */
int sqs_message_delete(struct sqs_queue *q, const char *handle, int64_t now_ms,
                       struct sqs_error *err);

/*
 * ChangeMessageVisibility: hides the in-flight message of the latest handle
 * for timeout_s seconds from now (0 shows it at once). The total may not pass
 * 12 hours after the receive that issued the handle. A stale handle or a
 * deleted message is InvalidParameterValue; a message not in flight is
 * MessageNotInflight; a malformed handle ReceiptHandleIsInvalid.
 */
int sqs_message_change_visibility(struct sqs_queue *q, const char *handle, int64_t timeout_s,
                                  int64_t now_ms, struct sqs_error *err);

/* Looks a message up by its sequence, borrowed, or NULL. */
struct sqs_message *sqs_message_find(const struct sqs_queue *q, uint64_t seq);

/*
 * Receipt handles: base64 of (version, queue incarnation id, message seq,
 * receive count, a tag of the message id, check). Opaque to clients; a new
 * one per receive because the receive count is part of it. decode returns
 * DD_EINVAL for anything that is not a handle this engine could have issued.
 */
struct sqs_handle {
    uint64_t queue_id; /* the issuing queue's incarnation id */
    uint64_t seq;      /* the message's seq in that queue */
    uint32_t token;    /* the receive count at issue: which receive */
    uint64_t id_tag;   /* sqs_message_id_tag() of the message */
};

/* A 64-bit hash of m's MessageId, so a handle never acts on another message
 * that happens to reuse a seq. */
uint64_t sqs_message_id_tag(const struct sqs_message *m);
void sqs_receipt_handle_encode(const struct sqs_handle *h, char out[SQS_RECEIPT_HANDLE_SIZE]);
int sqs_receipt_handle_decode(const char *handle, struct sqs_handle *out);

/* A flat, borrowed view of a message's durable fields, for a store. */
struct sqs_message_record {
    uint64_t seq;
    const char *id;
    const char *body;
    size_t body_len;
    const struct sqs_attrs *attrs;     /* may be NULL for none */
    const struct sqs_attrs *sys_attrs; /* may be NULL for none */
    const char *md5_body;
    const char *md5_attrs;     /* "" or NULL for none */
    const char *md5_sys_attrs; /* "" or NULL for none */
    const char *sender_id;
    int64_t sent_ms;
    int64_t enqueue_ms;
    uint32_t receive_count;
    int64_t first_receive_ms;
    int64_t receive_ms;
    int64_t visible_at_ms;
    enum sqs_msg_state state;
    const char *group_id;       /* NULL if none */
    const char *dedup_id;       /* NULL if none */
    uint64_t sequence_number;   /* 0 if none */
    const char *dlq_source_arn; /* NULL if none */
};

/* Fills rec with pointers into m (valid while m lives). */
void sqs_message_record_of(const struct sqs_message *m, struct sqs_message_record *rec);

/*
 * Rebuilds a message of q from a record (copied) without telling the store.
 * A delayed or in-flight message whose visible_at_ms has passed comes back
 * visible; its receive count, first-receive time and handle token survive, so
 * the latest receipt handle issued before a restart still deletes it.
 * DD_EEXIST if q already has a message with rec->seq, DD_EINVAL for a record
 * that cannot be a message (seq 0, no id or body).
 */
int sqs_message_restore(struct sqs_queue *q, const struct sqs_message_record *rec, int64_t now_ms,
                        struct sqs_error *err);

#endif
