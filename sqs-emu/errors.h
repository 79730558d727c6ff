/*
 * Every error sqs-emu answers, as one enum and one table.
 *
 * The engine reports a failed call by filling a struct sqs_error (a code and
 * the exact message SQS sends) and returning a negative DD_E* code; the wire
 * layer turns the code into the reply through sqs_error_def(), which gives the
 * JSON __type, the Query code, the HTTP status and the Sender/Receiver fault
 * as AWS sends them. No other file spells an error code.
 */
#ifndef SQS_ERRORS_H
#define SQS_ERRORS_H

#include <stddef.h>

#include "common/aws_error.h"

/* Keep in the order of the table in errors.c (checked by a static assert). */
enum sqs_errcode {
    SQS_ERR_NONE = 0,
    /* Modelled SQS errors (service-2.json / the Smithy model's awsQueryError trait). */
    SQS_ERR_QUEUE_DOES_NOT_EXIST,
    SQS_ERR_QUEUE_NAME_EXISTS, /* Query code QueueAlreadyExists */
    SQS_ERR_QUEUE_DELETED_RECENTLY,
    SQS_ERR_INVALID_ATTRIBUTE_NAME,
    SQS_ERR_INVALID_ATTRIBUTE_VALUE,
    SQS_ERR_RECEIPT_HANDLE_IS_INVALID,
    SQS_ERR_MESSAGE_NOT_INFLIGHT,
    SQS_ERR_PURGE_QUEUE_IN_PROGRESS,
    SQS_ERR_TOO_MANY_ENTRIES_IN_BATCH_REQUEST,
    SQS_ERR_EMPTY_BATCH_REQUEST,
    SQS_ERR_BATCH_ENTRY_IDS_NOT_DISTINCT,
    SQS_ERR_INVALID_BATCH_ENTRY_ID,
    SQS_ERR_BATCH_REQUEST_TOO_LONG,
    SQS_ERR_INVALID_MESSAGE_CONTENTS,
    SQS_ERR_INVALID_ID_FORMAT, /* deprecated in the model, kept for old clients */
    SQS_ERR_OVER_LIMIT,
    SQS_ERR_UNSUPPORTED_OPERATION,
    SQS_ERR_INVALID_ADDRESS,
    SQS_ERR_INVALID_SECURITY,
    SQS_ERR_REQUEST_THROTTLED,
    SQS_ERR_RESOURCE_NOT_FOUND,
    SQS_ERR_KMS_ACCESS_DENIED,
    SQS_ERR_KMS_DISABLED,
    SQS_ERR_KMS_INVALID_KEY_USAGE,
    SQS_ERR_KMS_INVALID_STATE,
    SQS_ERR_KMS_NOT_FOUND,
    SQS_ERR_KMS_OPT_IN_REQUIRED,
    SQS_ERR_KMS_THROTTLED,
    /* Common AWS errors (not in the model; SQS sends them with coral types). */
    SQS_ERR_INVALID_PARAMETER_VALUE,
    SQS_ERR_MISSING_PARAMETER,
    SQS_ERR_INVALID_ACTION,
    SQS_ERR_MALFORMED_INPUT,
    SQS_ERR_ACCESS_DENIED,
    SQS_ERR_INVALID_CLIENT_TOKEN_ID,
    SQS_ERR_SIGNATURE_DOES_NOT_MATCH,
    SQS_ERR_INCOMPLETE_SIGNATURE,
    SQS_ERR_MISSING_AUTHENTICATION_TOKEN,
    SQS_ERR_INTERNAL_ERROR,
    SQS_ERR_SERVICE_UNAVAILABLE,
    SQS_ERR__COUNT
};

/* Size of sqs_error.message, enough for every message SQS sends untruncated. */
#define SQS_ERROR_MESSAGE_SIZE 512

/* What a failed engine call tells the wire. A zeroed struct means "no error". */
struct sqs_error {
    enum sqs_errcode code;                /* SQS_ERR_NONE when the call succeeded */
    char message[SQS_ERROR_MESSAGE_SIZE]; /* SQS's message text, NUL-terminated */
};

/* The reply definition for code (static), or NULL for SQS_ERR_NONE / out of range. */
const struct dd_aws_error_def *sqs_error_def(enum sqs_errcode code);

/* The whole table, indexed by enum sqs_errcode (entry 0 is empty), for
 * dd_aws_error_find() by fault rules. *n receives SQS_ERR__COUNT. Static. */
const struct dd_aws_error_def *sqs_error_table(size_t *n);

/* The code's short name as the model names the shape ("QueueDoesNotExist"),
 * for logs and tests; static, "None" for SQS_ERR_NONE, "Unknown" out of range. */
const char *sqs_error_name(enum sqs_errcode code);

/*
 * Fills err (may be NULL) with code and the printf-formatted message, and
 * returns the DD_E* code the engine returns for it: DD_ENOENT for "no such
 * queue/resource", DD_EEXIST for name conflicts, DD_ENOMEM for internal
 * errors, DD_EACCES for authorisation errors, DD_EINVAL otherwise. Messages
 * longer than the buffer are truncated.
 */
int sqs_error_set(struct sqs_error *err, enum sqs_errcode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Resets err (may be NULL) to "no error". */
void sqs_error_clear(struct sqs_error *err);

/* Fills err with InternalError and its message and returns DD_ENOMEM: the one
 * way the engine reports an allocation failure. */
int sqs_error_nomem(struct sqs_error *err);

#endif
