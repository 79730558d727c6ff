/* Unit tests for sqs-emu/errors.c: the error table against the SQS model. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/err.h"
#include "sqs-emu/errors.h"

/* Rows checked against the Smithy model's awsQueryError traits and the
 * Coral types SQS sends for common errors. */
static const struct {
    enum sqs_errcode code;
    const char *json_type;
    const char *query_code;
    int status;
    int sender;
} expected[] = {
    { SQS_ERR_QUEUE_DOES_NOT_EXIST, "com.amazonaws.sqs#QueueDoesNotExist",
      "AWS.SimpleQueueService.NonExistentQueue", 400, 1 },
    { SQS_ERR_QUEUE_NAME_EXISTS, "com.amazonaws.sqs#QueueNameExists", "QueueAlreadyExists", 400,
      1 },
    { SQS_ERR_QUEUE_DELETED_RECENTLY, "com.amazonaws.sqs#QueueDeletedRecently",
      "AWS.SimpleQueueService.QueueDeletedRecently", 400, 1 },
    { SQS_ERR_RECEIPT_HANDLE_IS_INVALID, "com.amazonaws.sqs#ReceiptHandleIsInvalid",
      "ReceiptHandleIsInvalid", 404, 1 },
    { SQS_ERR_MESSAGE_NOT_INFLIGHT, "com.amazonaws.sqs#MessageNotInflight",
      "AWS.SimpleQueueService.MessageNotInflight", 400, 1 },
    { SQS_ERR_PURGE_QUEUE_IN_PROGRESS, "com.amazonaws.sqs#PurgeQueueInProgress",
      "AWS.SimpleQueueService.PurgeQueueInProgress", 403, 1 },
    { SQS_ERR_OVER_LIMIT, "com.amazonaws.sqs#OverLimit", "OverLimit", 403, 1 },
    { SQS_ERR_INVALID_ATTRIBUTE_NAME, "com.amazonaws.sqs#InvalidAttributeName",
      "InvalidAttributeName", 400, 1 },
    { SQS_ERR_BATCH_REQUEST_TOO_LONG, "com.amazonaws.sqs#BatchRequestTooLong",
      "AWS.SimpleQueueService.BatchRequestTooLong", 400, 1 },
    { SQS_ERR_INVALID_ADDRESS, "com.amazonaws.sqs#InvalidAddress", "InvalidAddress", 404, 1 },
    { SQS_ERR_KMS_OPT_IN_REQUIRED, "com.amazonaws.sqs#KmsOptInRequired", "KMS.OptInRequired", 403,
      1 },
    { SQS_ERR_INVALID_PARAMETER_VALUE, "com.amazon.coral.service#InvalidParameterValueException",
      "InvalidParameterValue", 400, 1 },
    { SQS_ERR_MISSING_PARAMETER, "com.amazon.coral.service#MissingRequiredParameterException",
      "MissingParameter", 400, 1 },
    { SQS_ERR_INVALID_ACTION, "com.amazon.coral.service#UnknownOperationException", "InvalidAction",
      400, 1 },
    { SQS_ERR_ACCESS_DENIED, "com.amazon.coral.service#AccessDeniedException", "AccessDenied", 403,
      1 },
    { SQS_ERR_INTERNAL_ERROR, "com.amazon.coral.service#InternalFailure", "InternalError", 500, 0 },
    { SQS_ERR_SERVICE_UNAVAILABLE, "com.amazon.coral.service#ServiceUnavailableException",
      "ServiceUnavailable", 503, 0 },
};

static void test_known_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        const struct dd_aws_error_def *d = sqs_error_def(expected[i].code);
        assert_non_null(d);
        assert_string_equal(d->json_type, expected[i].json_type);
        assert_string_equal(d->query_code, expected[i].query_code);
        assert_int_equal(d->http_status, expected[i].status);
        assert_int_equal(d->sender, expected[i].sender);
    }
}

static void test_every_code_is_complete(void **state)
{
    (void)state;
    size_t n = 0;
    const struct dd_aws_error_def *t = sqs_error_table(&n);
    assert_int_equal(n, SQS_ERR__COUNT);
    assert_null(sqs_error_def(SQS_ERR_NONE));
    assert_null(sqs_error_def(SQS_ERR__COUNT));
    for (int c = SQS_ERR_NONE + 1; c < SQS_ERR__COUNT; c++) {
        const struct dd_aws_error_def *d = sqs_error_def((enum sqs_errcode)c);
        assert_ptr_equal(d, &t[c]);
        assert_non_null(d->json_type);
        assert_non_null(d->query_code);
        assert_true(d->http_status >= 400 && d->http_status <= 599);
        /* Every __type is a namespaced shape whose short name the table calls it by. */
        const char *hash = strchr(d->json_type, '#');
        assert_non_null(hash);
        assert_true(strncmp(d->json_type, "com.amazonaws.sqs#", 18) == 0 ||
                    strncmp(d->json_type, "com.amazon.coral.service#", 25) == 0);
        const char *name = sqs_error_name((enum sqs_errcode)c);
        assert_string_not_equal(name, "Unknown");
        if (strncmp(d->json_type, "com.amazonaws.sqs#", 18) == 0)
            assert_string_equal(hash + 1, name);
        /* Only server-side failures are the Receiver's. */
        assert_int_equal(d->sender, d->http_status < 500);
        /* Names are unique. */
        for (int o = c + 1; o < SQS_ERR__COUNT; o++)
            assert_string_not_equal(name, sqs_error_name((enum sqs_errcode)o));
    }
    assert_string_equal(sqs_error_name(SQS_ERR_NONE), "None");
    assert_string_equal(sqs_error_name((enum sqs_errcode) - 3), "Unknown");
    assert_string_equal(sqs_error_name(SQS_ERR__COUNT), "Unknown");
}

static void test_set_returns_meaningful_rc(void **state)
{
    (void)state;
    struct sqs_error err = { 0 };
    assert_int_equal(sqs_error_set(&err, SQS_ERR_QUEUE_DOES_NOT_EXIST, "%s", "x"), DD_ENOENT);
    assert_int_equal(sqs_error_set(&err, SQS_ERR_QUEUE_NAME_EXISTS, "%s", "x"), DD_EEXIST);
    assert_int_equal(sqs_error_set(&err, SQS_ERR_ACCESS_DENIED, "%s", "x"), DD_EACCES);
    assert_int_equal(sqs_error_set(&err, SQS_ERR_INVALID_PARAMETER_VALUE, "v=%d", 7), DD_EINVAL);
    assert_int_equal(err.code, SQS_ERR_INVALID_PARAMETER_VALUE);
    assert_string_equal(err.message, "v=7");
    assert_int_equal(sqs_error_nomem(&err), DD_ENOMEM);
    assert_int_equal(err.code, SQS_ERR_INTERNAL_ERROR);
    assert_string_equal(err.message, "We encountered an internal error. Please try again.");
    sqs_error_clear(&err);
    assert_int_equal(err.code, SQS_ERR_NONE);
    assert_string_equal(err.message, "");
    /* NULL err is allowed and still classifies. */
    assert_int_equal(sqs_error_set(NULL, SQS_ERR_QUEUE_DOES_NOT_EXIST, "%s", "x"), DD_ENOENT);
    sqs_error_clear(NULL);
}

static void test_long_message_truncates(void **state)
{
    (void)state;
    struct sqs_error err;
    char big[2000];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    sqs_error_set(&err, SQS_ERR_INVALID_PARAMETER_VALUE, "%s", big);
    assert_int_equal(strlen(err.message), SQS_ERROR_MESSAGE_SIZE - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_rows),
        cmocka_unit_test(test_every_code_is_complete),
        cmocka_unit_test(test_set_returns_meaningful_rc),
        cmocka_unit_test(test_long_message_truncates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
