/*
 * The error table of sqs-emu: for each enum sqs_errcode, what AWS sends.
 *
 * Sources, so the next reader can check every row:
 *  - Modelled errors: the SQS Smithy model (AWS JSON 1.0 with the
 *    awsQueryCompatible trait). json_type is "com.amazonaws.sqs#" + the shape
 *    name; query_code and the status come from the shape's awsQueryError trait
 *    (e.g. QueueDoesNotExist -> AWS.SimpleQueueService.NonExistentQueue, 400;
 *    ReceiptHandleIsInvalid -> 404; PurgeQueueInProgress -> 403). Shapes the
 *    model gives no awsQueryError (InvalidAttributeName, InvalidAttributeValue,
 *    InvalidMessageContents, InvalidIdFormat) keep their shape name as the
 *    Query code and the default client status 400.
 *  - Common errors that SQS answers but does not model (InvalidParameterValue,
 *    MissingParameter, InvalidAction, the authentication errors,
 *    InternalError): SQS's JSON endpoint sends them with the Coral framework's
 *    types (com.amazon.coral.service#InvalidParameterValueException,
 *    #MissingRequiredParameterException, #UnknownOperationException,
 *    #AccessDeniedException, ...) and the classic code in x-amzn-query-error,
 *    as recorded against real SQS by LocalStack's and other emulators'
 *    parity tests. Their statuses are those of the SQS "Common Errors" page.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "sqs-emu/errors.h"

#define SQS_T(shape)   "com.amazonaws.sqs#" shape
#define CORAL_T(shape) "com.amazon.coral.service#" shape
#define LEGACY(code)   "AWS.SimpleQueueService." code

/* Indexed by enum sqs_errcode. */
static const struct dd_aws_error_def table[] = {
    [SQS_ERR_NONE] = { NULL, NULL, 0, 0 },
    [SQS_ERR_QUEUE_DOES_NOT_EXIST] = { SQS_T("QueueDoesNotExist"), LEGACY("NonExistentQueue"), 400,
                                       1 },
    [SQS_ERR_QUEUE_NAME_EXISTS] = { SQS_T("QueueNameExists"), "QueueAlreadyExists", 400, 1 },
    [SQS_ERR_QUEUE_DELETED_RECENTLY] = { SQS_T("QueueDeletedRecently"),
                                         LEGACY("QueueDeletedRecently"), 400, 1 },
    [SQS_ERR_INVALID_ATTRIBUTE_NAME] = { SQS_T("InvalidAttributeName"), "InvalidAttributeName", 400,
                                         1 },
    [SQS_ERR_INVALID_ATTRIBUTE_VALUE] = { SQS_T("InvalidAttributeValue"), "InvalidAttributeValue",
                                          400, 1 },
    [SQS_ERR_RECEIPT_HANDLE_IS_INVALID] = { SQS_T("ReceiptHandleIsInvalid"),
                                            "ReceiptHandleIsInvalid", 404, 1 },
    [SQS_ERR_MESSAGE_NOT_INFLIGHT] = { SQS_T("MessageNotInflight"), LEGACY("MessageNotInflight"),
                                       400, 1 },
    [SQS_ERR_PURGE_QUEUE_IN_PROGRESS] = { SQS_T("PurgeQueueInProgress"),
                                          LEGACY("PurgeQueueInProgress"), 403, 1 },
    [SQS_ERR_TOO_MANY_ENTRIES_IN_BATCH_REQUEST] = { SQS_T("TooManyEntriesInBatchRequest"),
                                                    LEGACY("TooManyEntriesInBatchRequest"), 400,
                                                    1 },
    [SQS_ERR_EMPTY_BATCH_REQUEST] = { SQS_T("EmptyBatchRequest"), LEGACY("EmptyBatchRequest"), 400,
                                      1 },
    [SQS_ERR_BATCH_ENTRY_IDS_NOT_DISTINCT] = { SQS_T("BatchEntryIdsNotDistinct"),
                                               LEGACY("BatchEntryIdsNotDistinct"), 400, 1 },
    [SQS_ERR_INVALID_BATCH_ENTRY_ID] = { SQS_T("InvalidBatchEntryId"),
                                         LEGACY("InvalidBatchEntryId"), 400, 1 },
    [SQS_ERR_BATCH_REQUEST_TOO_LONG] = { SQS_T("BatchRequestTooLong"),
                                         LEGACY("BatchRequestTooLong"), 400, 1 },
    [SQS_ERR_INVALID_MESSAGE_CONTENTS] = { SQS_T("InvalidMessageContents"),
                                           "InvalidMessageContents", 400, 1 },
    [SQS_ERR_INVALID_ID_FORMAT] = { SQS_T("InvalidIdFormat"), "InvalidIdFormat", 400, 1 },
    [SQS_ERR_OVER_LIMIT] = { SQS_T("OverLimit"), "OverLimit", 403, 1 },
    [SQS_ERR_UNSUPPORTED_OPERATION] = { SQS_T("UnsupportedOperation"),
                                        LEGACY("UnsupportedOperation"), 400, 1 },
    [SQS_ERR_INVALID_ADDRESS] = { SQS_T("InvalidAddress"), "InvalidAddress", 404, 1 },
    [SQS_ERR_INVALID_SECURITY] = { SQS_T("InvalidSecurity"), "InvalidSecurity", 403, 1 },
    [SQS_ERR_REQUEST_THROTTLED] = { SQS_T("RequestThrottled"), "RequestThrottled", 403, 1 },
    [SQS_ERR_RESOURCE_NOT_FOUND] = { SQS_T("ResourceNotFoundException"),
                                     "ResourceNotFoundException", 404, 1 },
    [SQS_ERR_KMS_ACCESS_DENIED] = { SQS_T("KmsAccessDenied"), "KMS.AccessDeniedException", 400, 1 },
    [SQS_ERR_KMS_DISABLED] = { SQS_T("KmsDisabled"), "KMS.DisabledException", 400, 1 },
    [SQS_ERR_KMS_INVALID_KEY_USAGE] = { SQS_T("KmsInvalidKeyUsage"), "KMS.InvalidKeyUsageException",
                                        400, 1 },
    [SQS_ERR_KMS_INVALID_STATE] = { SQS_T("KmsInvalidState"), "KMS.InvalidStateException", 400, 1 },
    [SQS_ERR_KMS_NOT_FOUND] = { SQS_T("KmsNotFound"), "KMS.NotFoundException", 400, 1 },
    [SQS_ERR_KMS_OPT_IN_REQUIRED] = { SQS_T("KmsOptInRequired"), "KMS.OptInRequired", 403, 1 },
    [SQS_ERR_KMS_THROTTLED] = { SQS_T("KmsThrottled"), "KMS.ThrottlingException", 400, 1 },
    [SQS_ERR_INVALID_PARAMETER_VALUE] = { CORAL_T("InvalidParameterValueException"),
                                          "InvalidParameterValue", 400, 1 },
    [SQS_ERR_MISSING_PARAMETER] = { CORAL_T("MissingRequiredParameterException"),
                                    "MissingParameter", 400, 1 },
    [SQS_ERR_INVALID_ACTION] = { CORAL_T("UnknownOperationException"), "InvalidAction", 400, 1 },
    [SQS_ERR_MALFORMED_INPUT] = { CORAL_T("SerializationException"), "MalformedInput", 400, 1 },
    [SQS_ERR_ACCESS_DENIED] = { CORAL_T("AccessDeniedException"), "AccessDenied", 403, 1 },
    [SQS_ERR_INVALID_CLIENT_TOKEN_ID] = { CORAL_T("UnrecognizedClientException"),
                                          "InvalidClientTokenId", 403, 1 },
    [SQS_ERR_SIGNATURE_DOES_NOT_MATCH] = { CORAL_T("InvalidSignatureException"),
                                           "SignatureDoesNotMatch", 403, 1 },
    [SQS_ERR_INCOMPLETE_SIGNATURE] = { CORAL_T("IncompleteSignatureException"),
                                       "IncompleteSignature", 400, 1 },
    [SQS_ERR_MISSING_AUTHENTICATION_TOKEN] = { CORAL_T("MissingAuthenticationTokenException"),
                                               "MissingAuthenticationToken", 403, 1 },
    [SQS_ERR_INTERNAL_ERROR] = { CORAL_T("InternalFailure"), "InternalError", 500, 0 },
    [SQS_ERR_SERVICE_UNAVAILABLE] = { CORAL_T("ServiceUnavailableException"), "ServiceUnavailable",
                                      503, 0 },
};

_Static_assert(DD_ARRAY_LEN(table) == SQS_ERR__COUNT, "one table row per enum sqs_errcode");

static const char *const names[] = {
    [SQS_ERR_NONE] = "None",
    [SQS_ERR_QUEUE_DOES_NOT_EXIST] = "QueueDoesNotExist",
    [SQS_ERR_QUEUE_NAME_EXISTS] = "QueueNameExists",
    [SQS_ERR_QUEUE_DELETED_RECENTLY] = "QueueDeletedRecently",
    [SQS_ERR_INVALID_ATTRIBUTE_NAME] = "InvalidAttributeName",
    [SQS_ERR_INVALID_ATTRIBUTE_VALUE] = "InvalidAttributeValue",
    [SQS_ERR_RECEIPT_HANDLE_IS_INVALID] = "ReceiptHandleIsInvalid",
    [SQS_ERR_MESSAGE_NOT_INFLIGHT] = "MessageNotInflight",
    [SQS_ERR_PURGE_QUEUE_IN_PROGRESS] = "PurgeQueueInProgress",
    [SQS_ERR_TOO_MANY_ENTRIES_IN_BATCH_REQUEST] = "TooManyEntriesInBatchRequest",
    [SQS_ERR_EMPTY_BATCH_REQUEST] = "EmptyBatchRequest",
    [SQS_ERR_BATCH_ENTRY_IDS_NOT_DISTINCT] = "BatchEntryIdsNotDistinct",
    [SQS_ERR_INVALID_BATCH_ENTRY_ID] = "InvalidBatchEntryId",
    [SQS_ERR_BATCH_REQUEST_TOO_LONG] = "BatchRequestTooLong",
    [SQS_ERR_INVALID_MESSAGE_CONTENTS] = "InvalidMessageContents",
    [SQS_ERR_INVALID_ID_FORMAT] = "InvalidIdFormat",
    [SQS_ERR_OVER_LIMIT] = "OverLimit",
    [SQS_ERR_UNSUPPORTED_OPERATION] = "UnsupportedOperation",
    [SQS_ERR_INVALID_ADDRESS] = "InvalidAddress",
    [SQS_ERR_INVALID_SECURITY] = "InvalidSecurity",
    [SQS_ERR_REQUEST_THROTTLED] = "RequestThrottled",
    [SQS_ERR_RESOURCE_NOT_FOUND] = "ResourceNotFoundException",
    [SQS_ERR_KMS_ACCESS_DENIED] = "KmsAccessDenied",
    [SQS_ERR_KMS_DISABLED] = "KmsDisabled",
    [SQS_ERR_KMS_INVALID_KEY_USAGE] = "KmsInvalidKeyUsage",
    [SQS_ERR_KMS_INVALID_STATE] = "KmsInvalidState",
    [SQS_ERR_KMS_NOT_FOUND] = "KmsNotFound",
    [SQS_ERR_KMS_OPT_IN_REQUIRED] = "KmsOptInRequired",
    [SQS_ERR_KMS_THROTTLED] = "KmsThrottled",
    [SQS_ERR_INVALID_PARAMETER_VALUE] = "InvalidParameterValue",
    [SQS_ERR_MISSING_PARAMETER] = "MissingParameter",
    [SQS_ERR_INVALID_ACTION] = "InvalidAction",
    [SQS_ERR_MALFORMED_INPUT] = "MalformedInput",
    [SQS_ERR_ACCESS_DENIED] = "AccessDenied",
    [SQS_ERR_INVALID_CLIENT_TOKEN_ID] = "InvalidClientTokenId",
    [SQS_ERR_SIGNATURE_DOES_NOT_MATCH] = "SignatureDoesNotMatch",
    [SQS_ERR_INCOMPLETE_SIGNATURE] = "IncompleteSignature",
    [SQS_ERR_MISSING_AUTHENTICATION_TOKEN] = "MissingAuthenticationToken",
    [SQS_ERR_INTERNAL_ERROR] = "InternalError",
    [SQS_ERR_SERVICE_UNAVAILABLE] = "ServiceUnavailable",
};

_Static_assert(DD_ARRAY_LEN(names) == SQS_ERR__COUNT, "one name per enum sqs_errcode");

const struct dd_aws_error_def *sqs_error_def(enum sqs_errcode code)
{
    if ((int)code <= SQS_ERR_NONE || code >= SQS_ERR__COUNT)
        return NULL;
    return &table[code];
}

const struct dd_aws_error_def *sqs_error_table(size_t *n)
{
    if (n)
        *n = DD_ARRAY_LEN(table);
    return table;
}

const char *sqs_error_name(enum sqs_errcode code)
{
    if ((int)code < SQS_ERR_NONE || code >= SQS_ERR__COUNT)
        return "Unknown";
    return names[code];
}

/* The engine's return code follows the error's meaning, so callers that only
 * look at the int (the store, tests) still learn what kind of failure it was. */
static int rc_for(enum sqs_errcode code)
{
    switch (code) {
    case SQS_ERR_QUEUE_DOES_NOT_EXIST:
    case SQS_ERR_RESOURCE_NOT_FOUND:
        return DD_ENOENT;
    case SQS_ERR_QUEUE_NAME_EXISTS:
        return DD_EEXIST;
    case SQS_ERR_INTERNAL_ERROR:
    case SQS_ERR_SERVICE_UNAVAILABLE:
        return DD_ENOMEM;
    case SQS_ERR_ACCESS_DENIED:
    case SQS_ERR_INVALID_CLIENT_TOKEN_ID:
    case SQS_ERR_SIGNATURE_DOES_NOT_MATCH:
    case SQS_ERR_INCOMPLETE_SIGNATURE:
    case SQS_ERR_MISSING_AUTHENTICATION_TOKEN:
    case SQS_ERR_INVALID_SECURITY:
        return DD_EACCES;
    default:
        return DD_EINVAL;
    }
}

int sqs_error_set(struct sqs_error *err, enum sqs_errcode code, const char *fmt, ...)
{
    if (err) {
        err->code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof(err->message), fmt, ap);
        va_end(ap);
    }
    return rc_for(code);
}

void sqs_error_clear(struct sqs_error *err)
{
    if (err) {
        err->code = SQS_ERR_NONE;
        err->message[0] = '\0';
    }
}

int sqs_error_nomem(struct sqs_error *err)
{
    sqs_error_set(err, SQS_ERR_INTERNAL_ERROR, "%s",
                  "We encountered an internal error. Please try again.");
    return DD_ENOMEM;
}
