/*
 * Queue attributes: the settable ones as typed values with SQS's defaults
 * and ranges, their validation (with SQS's error codes and messages,
 * including the RedrivePolicy and RedriveAllowPolicy JSON documents), and
 * their canonical text, the form GetQueueAttributes returns and a store
 * keeps. One table in queue_attr.c describes every attribute.
 */
#ifndef SQS_QUEUE_ATTR_H
#define SQS_QUEUE_ATTR_H

#include <stddef.h>
#include <stdint.h>

#include "sqs-emu/errors.h"

struct sqs_engine;
struct sqs_queue;

/* A name/value pair handed in by the wire; both strings borrowed. */
struct sqs_kv {
    const char *key;
    const char *value;
};

/* An owned list of name/value pairs (what the engine hands out). */
struct sqs_kvlist {
    struct sqs_kvpair {
        char *key;   /* owned */
        char *value; /* owned */
    } * v;           /* owned array */
    size_t n;
    size_t cap;
};

/* Appends copies of key and value. DD_ENOMEM leaves l unchanged. */
int sqs_kvlist_add(struct sqs_kvlist *l, const char *key, const char *value);
/* The value for key (borrowed) or NULL. */
const char *sqs_kvlist_get(const struct sqs_kvlist *l, const char *key);
/* Frees everything; l is empty and reusable. */
void sqs_kvlist_release(struct sqs_kvlist *l);

/* Defaults and ranges (SQS Developer Guide and the CreateQueue reference). */
#define SQS_DEFAULT_VISIBILITY_TIMEOUT   30
#define SQS_MAX_VISIBILITY_TIMEOUT       43200 /* 12 hours */
#define SQS_DEFAULT_DELAY_SECONDS        0
#define SQS_MAX_DELAY_SECONDS            900
#define SQS_DEFAULT_MAXIMUM_MESSAGE_SIZE 1048576 /* 1 MiB, the default since 2025 */
#define SQS_MIN_MAXIMUM_MESSAGE_SIZE     1024
#define SQS_DEFAULT_RETENTION_PERIOD     345600 /* 4 days */
#define SQS_MIN_RETENTION_PERIOD         60
#define SQS_MAX_RETENTION_PERIOD         1209600 /* 14 days */
#define SQS_MAX_RECEIVE_WAIT_TIME        20
#define SQS_DEFAULT_KMS_REUSE_PERIOD     300
#define SQS_MIN_KMS_REUSE_PERIOD         60
#define SQS_MAX_KMS_REUSE_PERIOD         86400
#define SQS_MAX_RECEIVE_COUNT_LIMIT      1000
#define SQS_MAX_REDRIVE_SOURCE_ARNS      10

enum sqs_redrive_permission {
    SQS_REDRIVE_ALLOW_ALL = 0, /* the default: any source of the account and region */
    SQS_REDRIVE_DENY_ALL,
    SQS_REDRIVE_BY_QUEUE
};

enum sqs_dedup_scope { SQS_DEDUP_QUEUE = 0, SQS_DEDUP_MESSAGE_GROUP };
enum sqs_fifo_throughput { SQS_THROUGHPUT_PER_QUEUE = 0, SQS_THROUGHPUT_PER_GROUP };

/* The settable attributes of a queue, parsed. Strings are owned, NULL = unset. */
struct sqs_queue_attrs {
    int64_t visibility_timeout;                     /* VisibilityTimeout, s */
    int64_t delay_seconds;                          /* DelaySeconds, s */
    int64_t maximum_message_size;                   /* MaximumMessageSize, bytes */
    int64_t message_retention_period;               /* MessageRetentionPeriod, s */
    int64_t receive_wait_time;                      /* ReceiveMessageWaitTimeSeconds, s */
    char *policy;                                   /* Policy (JSON text as given) */
    char *redrive_policy;                           /* RedrivePolicy, canonical JSON */
    char *dlq_arn;                                  /* its deadLetterTargetArn */
    int64_t max_receive_count;                      /* its maxReceiveCount, 0 without a policy */
    char *redrive_allow_policy;                     /* RedriveAllowPolicy, canonical JSON */
    enum sqs_redrive_permission redrive_permission; /* its redrivePermission */
    char **source_arns;                             /* owned array of owned ARNs (byQueue) */
    size_t n_source_arns;
    char *kms_master_key_id;                  /* KmsMasterKeyId */
    int64_t kms_data_key_reuse;               /* KmsDataKeyReusePeriodSeconds */
    int sqs_managed_sse;                      /* SqsManagedSseEnabled */
    int fifo_queue;                           /* FifoQueue */
    int content_based_dedup;                  /* ContentBasedDeduplication */
    enum sqs_dedup_scope dedup_scope;         /* DeduplicationScope */
    enum sqs_fifo_throughput fifo_throughput; /* FifoThroughputLimit */
};

/* Fills a with the defaults of a new queue (fifo: a FIFO queue's). */
void sqs_queue_attrs_defaults(struct sqs_queue_attrs *a, int fifo);
/* Deep copy; dst is overwritten (not released). DD_ENOMEM leaves dst zeroed. */
int sqs_queue_attrs_copy(struct sqs_queue_attrs *dst, const struct sqs_queue_attrs *src);
/* Frees the strings a owns; NULL is a no-op. */
void sqs_queue_attrs_release(struct sqs_queue_attrs *a);

/* How sqs_queue_attrs_apply checks. */
enum sqs_attr_mode {
    SQS_ATTRS_CREATE, /* CreateQueue: FifoQueue allowed */
    SQS_ATTRS_SET,    /* SetQueueAttributes: FifoQueue may not change */
    SQS_ATTRS_RESTORE /* a store restoring: no cross-queue checks (the DLQ may come later) */
};

/*
 * Validates kv[0..n) and writes the values into a (which holds the queue's
 * current or default values; on failure it may be partly written, so apply to
 * a copy). e, account and queue_name locate the queue for the RedrivePolicy
 * checks (the target must exist in the same account and region, be of the
 * same kind, and allow this source). fifo tells the queue's kind. Errors:
 * InvalidAttributeName "Unknown Attribute X." for unknown, read-only or
 * wrong-kind attributes; InvalidAttributeValue "Invalid value for the
 * parameter X." for values out of range; InvalidParameterValue for the
 * RedrivePolicy/RedriveAllowPolicy reasons.
 */
int sqs_queue_attrs_apply(struct sqs_engine *e, const char *account, const char *queue_name,
                          int fifo, enum sqs_attr_mode mode, const struct sqs_kv *kv, size_t n,
                          struct sqs_queue_attrs *a, struct sqs_error *err);

/*
 * The canonical text of settable attribute name in a, into out (owned by the
 * caller, a fresh string). DD_ENOENT when the attribute is not set (a string
 * attribute that is NULL) or not a settable attribute. Used for the
 * idempotent-CreateQueue comparison, GetQueueAttributes and the store.
 */
int sqs_queue_attr_format(const struct sqs_queue_attrs *a, const char *name, char **out);

/*
 * Appends to out every settable attribute of a that is set, by name, in the
 * canonical form sqs_queue_attrs_apply(SQS_ATTRS_RESTORE) accepts back.
 * FIFO-only attributes only when a->fifo_queue.
 */
int sqs_queue_attrs_export(const struct sqs_queue_attrs *a, struct sqs_kvlist *out);

/*
 * GetQueueAttributes: appends to out the attributes names[0..n) asks for
 * ("All" for every one), read-only ones computed (QueueArn, the Approximate*
 * counts, CreatedTimestamp, LastModifiedTimestamp in seconds). q must have
 * been ticked. Unknown names are InvalidAttributeName; FIFO-only names on a
 * standard queue are left out, as SQS does.
 */
int sqs_queue_attrs_get(const struct sqs_queue *q, const char *const *names, size_t n,
                        struct sqs_kvlist *out, struct sqs_error *err);

/* 1 when name is an attribute GetQueueAttributes knows (or "All"). */
int sqs_queue_attr_known(const char *name);

/*
 * Parses a queue ARN "arn:aws:sqs:REGION:ACCOUNT:NAME" (partitions aws,
 * aws-cn, aws-us-gov). Pointers into caller buffers of the given sizes.
 * DD_EINVAL when arn is not a fully qualified SQS queue ARN.
 */
int sqs_arn_parse(const char *arn, char *region, size_t region_size, char *account,
                  size_t account_size, char *name, size_t name_size);

#endif
