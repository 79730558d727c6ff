/*
 * SQS queues: the queue record, its lifecycle in the engine's registry
 * (CreateQueue with SQS's idempotency rule, GetQueueUrl, DeleteQueue with the
 * 60-second QueueDeletedRecently window, SetQueueAttributes), tags, PurgeQueue
 * (once per 60 s), ListQueues and ListDeadLetterSourceQueues with their
 * pagination, and the restore entry point for a store.
 *
 * Queues are keyed by (account id, name): several accounts coexist in one
 * engine. Every call takes now_ms and reads no clock.
 *
 * FIFO queues (designed; the structures below already carry them): a FIFO
 * queue keeps, per MessageGroupId, a list of its messages in SequenceNumber
 * order; only the head of an unlocked group sits in the READY heap, so a
 * receive takes heads oldest-first, and a group is locked while any of its
 * messages is in flight (its next message enters READY when the head is
 * deleted or becomes visible again, in which case it is the head again).
 * Deduplication keeps a map from the deduplication key (MessageDeduplicationId
 * or SHA-256 of the body, prefixed with the group id when DeduplicationScope
 * is messageGroup) to {expires_ms = first send + 5 min, message id, sequence
 * number, MD5s}; a duplicate send answers the first send's result without
 * enqueueing, and entries are expired from a FIFO list ordered by expiry.
 * SequenceNumber is the per-queue counter fifo_next_sequence, printed as 20
 * digits. Until that lands, sends and receives on FIFO queues answer
 * UnsupportedOperation.
 */
#ifndef SQS_QUEUE_H
#define SQS_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "sqs-emu/engine.h"
#include "sqs-emu/errors.h"
#include "sqs-emu/queue_attr.h"
#include "sqs-emu/visibility.h"

/* Queue names are 1..80 characters. */
#define SQS_QUEUE_NAME_MAX 80
/* Tags: at most 50 per queue, keys 1..128 and values 0..256 characters. */
#define SQS_MAX_TAGS      50
#define SQS_TAG_KEY_MAX   128
#define SQS_TAG_VALUE_MAX 256
/* DeleteQueue -> CreateQueue of the same name, and PurgeQueue -> PurgeQueue. */
#define SQS_QUEUE_DELETE_WAIT_MS 60000
#define SQS_PURGE_WAIT_MS        60000
/* ListQueues / ListDeadLetterSourceQueues page size limit. */
#define SQS_LIST_MAX 1000

/* Messages by seq: open addressing, linear probing, backward-shift delete. */
struct sqs_msgindex {
    struct sqs_message **slots; /* owned array of owned messages (NULL = empty) */
    size_t cap;                 /* power of two, or 0 */
    size_t n;                   /* messages held */
};

struct sqs_queue {
    struct sqs_engine *engine;    /* borrowed: the registry this queue is in */
    char *account;                /* owned: 12-digit account id */
    char *name;                   /* owned: QueueName */
    char *arn;                    /* owned: arn:aws:sqs:REGION:ACCOUNT:NAME */
    uint64_t id;                  /* incarnation id, unique in the engine; in receipt handles */
    int fifo;                     /* 1 for a FIFO queue (name ends in .fifo) */
    struct sqs_queue_attrs attrs; /* settable attributes */
    int64_t created_s;            /* CreatedTimestamp, s */
    int64_t modified_s;           /* LastModifiedTimestamp, s */
    int64_t last_purge_ms;        /* the last PurgeQueue, -1 = never */
    struct sqs_kvlist tags;       /* owned tags, in insertion order */
    struct sqs_msgindex index;    /* owns the messages */
    struct sqs_heap ready;        /* visible messages */
    struct sqs_heap timers;       /* delayed and in-flight messages */
    struct sqs_heap ages;         /* every message, for retention */
    uint64_t next_seq;            /* seq for the next message */
    size_t n_delayed;             /* ApproximateNumberOfMessagesDelayed */
    size_t n_inflight;            /* ApproximateNumberOfMessagesNotVisible */
    uint64_t fifo_next_sequence;  /* FIFO SequenceNumber counter (designed) */
    /* CloudWatch-style counters since start, for /_drydock/metrics. */
    uint64_t n_sent;           /* NumberOfMessagesSent */
    uint64_t n_received;       /* NumberOfMessagesReceived */
    uint64_t n_deleted;        /* NumberOfMessagesDeleted */
    uint64_t n_empty_receives; /* NumberOfEmptyReceives */
};

/* ApproximateNumberOfMessages (visible now; tick first). */
size_t sqs_queue_visible_count(const struct sqs_queue *q);
/* Messages held in any state. */
size_t sqs_queue_message_count(const struct sqs_queue *q);

/*
 * Checks a queue name: 1..80 of [A-Za-z0-9_-], and for a FIFO queue the same
 * followed by ".fifo" (the suffix counted in the 80). InvalidParameterValue
 * with SQS's message otherwise.
 */
int sqs_queue_name_check(const char *name, int fifo, struct sqs_error *err);

/*
 * CreateQueue. attrs/tags are borrowed. A new queue is reported to the store.
 * An existing queue with the same name answers itself (*out) when every given
 * attribute equals its current value, QueueNameExists ("A queue already
 * exists with the same name and a different value for attribute X")
 * otherwise; the tags of an existing queue are left alone. Within 60 s of
 * deleting a queue of that name: QueueDeletedRecently.
 */
int sqs_queue_create(struct sqs_engine *e, const char *account, const char *name,
                     const struct sqs_kv *attrs, size_t n_attrs, const struct sqs_kv *tags,
                     size_t n_tags, int64_t now_ms, struct sqs_queue **out, struct sqs_error *err);

/* The queue (borrowed) or NULL. */
struct sqs_queue *sqs_queue_lookup(const struct sqs_engine *e, const char *account,
                                   const char *name);
/* The queue named by an ARN of this engine's region, or NULL. */
struct sqs_queue *sqs_queue_lookup_arn(const struct sqs_engine *e, const char *arn);

/* GetQueueUrl and every call that names a queue: the queue, ticked to now_ms,
 * or QueueDoesNotExist "The specified queue does not exist.". */
int sqs_queue_get(struct sqs_engine *e, const char *account, const char *name, int64_t now_ms,
                  struct sqs_queue **out, struct sqs_error *err);

/* DeleteQueue: frees q and its messages, reports del_queue, and remembers the
 * name for 60 s. q is invalid afterwards. */
int sqs_queue_delete(struct sqs_queue *q, int64_t now_ms, struct sqs_error *err);

/* SetQueueAttributes: all or nothing; LastModifiedTimestamp moves, put_queue. */
int sqs_queue_set_attributes(struct sqs_queue *q, const struct sqs_kv *kv, size_t n, int64_t now_ms,
                             struct sqs_error *err);

/* PurgeQueue: deletes every message; PurgeQueueInProgress within 60 s of the
 * previous purge ("Only one PurgeQueue operation on NAME is allowed every 60
 * seconds."). */
int sqs_queue_purge(struct sqs_queue *q, int64_t now_ms, struct sqs_error *err);

/* TagQueue: adds or overwrites; all or nothing; at most 50 tags in total. */
int sqs_queue_tag(struct sqs_queue *q, const struct sqs_kv *tags, size_t n, struct sqs_error *err);
/* UntagQueue: removes the keys present (absent keys are ignored). */
int sqs_queue_untag(struct sqs_queue *q, const char *const *keys, size_t n, struct sqs_error *err);

/* One page of queue names, in byte order of the name. */
struct sqs_name_page {
    char **names;     /* owned array of owned names */
    size_t n;         /* names in this page */
    char *next_token; /* owned NextToken for the next page, or NULL */
};
void sqs_name_page_release(struct sqs_name_page *p);

/*
 * ListQueues for account: names starting with prefix (NULL/"" = all). With
 * max_results 0 (absent) up to 1000 names and no NextToken; with 1..1000 a
 * page and a NextToken when more remain. next_token is the previous page's
 * (NULL for the first); an unusable token is InvalidParameterValue.
 */
int sqs_queue_list(struct sqs_engine *e, const char *account, const char *prefix, int max_results,
                   const char *next_token, struct sqs_name_page *out, struct sqs_error *err);

/* ListDeadLetterSourceQueues: the queues whose RedrivePolicy targets q,
 * paginated as sqs_queue_list. */
int sqs_queue_list_dlq_sources(struct sqs_queue *q, int max_results, const char *next_token,
                               struct sqs_name_page *out, struct sqs_error *err);

/*
 * A queue's durable fields, flat, for a store. attrs/tags point into a
 * caller-owned sqs_kvlist (scratch) that sqs_queue_record_of fills.
 */
struct sqs_queue_record {
    const char *account;
    const char *name;
    uint64_t id; /* incarnation id */
    int64_t created_s;
    int64_t modified_s;
    int64_t last_purge_ms;          /* -1 = never */
    uint64_t next_seq;              /* highest seq ever stored + 1 (see store.h); 0 = derive */
    uint64_t fifo_next_sequence;    /* 0 = derive */
    const struct sqs_kvlist *attrs; /* canonical settable attributes */
    const struct sqs_kvlist *tags;
};

/* Fills rec from q; attrs_scratch and tags_scratch (caller-owned, empty)
 * receive copies the caller releases. */
int sqs_queue_record_of(const struct sqs_queue *q, struct sqs_queue_record *rec,
                        struct sqs_kvlist *attrs_scratch, struct sqs_kvlist *tags_scratch);

/* Rebuilds a queue from a record without telling the store. DD_EEXIST if the
 * (account, name) is taken. *out (may be NULL) receives it, borrowed. */
int sqs_queue_restore(struct sqs_engine *e, const struct sqs_queue_record *rec,
                      struct sqs_queue **out, struct sqs_error *err);

/* Internal to the engine files: the message index. */
int sqs_msgindex_put(struct sqs_msgindex *ix, struct sqs_message *m);
struct sqs_message *sqs_msgindex_get(const struct sqs_msgindex *ix, uint64_t seq);
void sqs_msgindex_del(struct sqs_msgindex *ix, uint64_t seq);
void sqs_msgindex_release(struct sqs_msgindex *ix); /* frees every message */

/* Frees q and its messages without telling anyone (registry removal is the
 * caller's). NULL is a no-op. */
void sqs_queue_free(struct sqs_queue *q);

/* Removes m from q entirely (heaps, index, counters) and frees it. Does not
 * tell the store. */
void sqs_queue_drop_message(struct sqs_queue *q, struct sqs_message *m);

#endif
