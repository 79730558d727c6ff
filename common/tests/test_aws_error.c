/* Unit tests for common/aws_error.c: JSON 1.0 and Query error replies, byte
 * for byte and parsed back, with hostile messages and bad definitions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/aws_error.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/xml.h"

#define SQS_NS   "http://queue.amazonaws.com/doc/2012-11-05/"
#define ELBV2_NS "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"
#define RID      "66916324-67ca-54bb-a410-3f567a7a0571"

/* A service's table, the way sqs-emu and alb-emu keep theirs. */
static const struct dd_aws_error_def errors[] = {
    { "com.amazonaws.sqs#QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", 400, 1 },
    { "com.amazonaws.sqs#InvalidMessageContents", "InvalidMessageContents", 400, 1 },
    { "com.amazonaws.sqs#ResourceNotFoundException", NULL, 404, 1 },
    { NULL, "LoadBalancerNotFound", 400, 1 },
    { NULL, "HealthUnavailable", 500, 0 },
    { "com.amazonaws.sqs#InternalError", "InternalError", 500, 0 },
};
#define QUEUE_DOES_NOT_EXIST (&errors[0])
#define INVALID_CONTENTS     (&errors[1])
#define NO_QUERY_CODE        (&errors[2])
#define LB_NOT_FOUND         (&errors[3])
#define HEALTH_UNAVAILABLE   (&errors[4])
#define INTERNAL_ERROR       (&errors[5])

/* Parses r's body as JSON and checks it is exactly {__type, message}. */
static void check_json_body(const struct dd_aws_reply *r, const char *type, const char *message,
                            size_t message_len)
{
    json_error_t jerr;
    json_t *root = json_loadb(r->body.data, r->body.len, 0, &jerr);
    if (!root)
        fail_msg("body does not parse: %s: %s", jerr.text, r->body.data);
    assert_true(json_is_object(root));
    assert_int_equal(json_object_size(root), 2);
    assert_string_equal(json_string_value(json_object_get(root, "__type")), type);
    json_t *m = json_object_get(root, "message");
    assert_true(json_is_string(m));
    assert_int_equal(json_string_length(m), message_len);
    assert_memory_equal(json_string_value(m), message, message_len);
    json_decref(root);
}

static void test_json_sqs_error(void **state)
{
    (void)state;
    struct dd_aws_reply r;
    assert_int_equal(
        dd_aws_error_json(QUEUE_DOES_NOT_EXIST, "The specified queue does not exist.", RID, &r),
        DD_OK);
    assert_int_equal(r.status, 400);
    assert_string_equal(r.body.data, "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\","
                                     "\"message\":\"The specified queue does not exist.\"}");
    assert_int_equal(r.body.len, strlen(r.body.data));
    assert_int_equal(r.n_headers, 3);
    assert_string_equal(dd_aws_reply_header(&r, "Content-Type"), "application/x-amz-json-1.0");
    assert_string_equal(dd_aws_reply_header(&r, "x-amzn-RequestId"), RID);
    assert_string_equal(dd_aws_reply_header(&r, "X-AMZN-REQUESTID"), RID);
    assert_string_equal(dd_aws_reply_header(&r, "x-amzn-query-error"),
                        "AWS.SimpleQueueService.NonExistentQueue;Sender");
    assert_null(dd_aws_reply_header(&r, "x-amzn-query"));
    check_json_body(&r, "com.amazonaws.sqs#QueueDoesNotExist",
                    "The specified queue does not exist.", 35);
    dd_aws_reply_release(&r);
    assert_null(r.body.data);
    assert_int_equal(r.n_headers, 0);
    dd_aws_reply_release(&r);
}

static void test_json_hostile_message(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *want; /* what a client reads back */
    } cases[] = {
        { "quote \" backslash \\ slash / </x>", "quote \" backslash \\ slash / </x>" },
        { "\"},\"__type\":\"Evil\",\"x\":{\"", "\"},\"__type\":\"Evil\",\"x\":{\"" },
        { "line1\nline2\r\ttab", "line1\nline2\r\ttab" },
        { "caf\xC3\xA9 \xF0\x9F\x98\x80", "caf\xC3\xA9 \xF0\x9F\x98\x80" },
        { "ctl\x01\x7f", "ctl\xEF\xBF\xBD\x7f" },
        { "bad\xC0\xAF", "bad\xEF\xBF\xBD\xEF\xBF\xBD" },
        { "sur\xED\xA0\x80", "sur\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
        { "cut\xE2\x82", "cut\xEF\xBF\xBD\xEF\xBF\xBD" },
        { "\xEF\xBF\xBE", "\xEF\xBF\xBD" },
        { "", "" },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        struct dd_aws_reply r;
        assert_int_equal(dd_aws_error_json(INVALID_CONTENTS, cases[i].in, RID, &r), DD_OK);
        check_json_body(&r, "com.amazonaws.sqs#InvalidMessageContents", cases[i].want,
                        strlen(cases[i].want));
        dd_aws_reply_release(&r);
    }

    struct dd_aws_reply r;
    assert_int_equal(dd_aws_error_json(INVALID_CONTENTS, NULL, RID, &r), DD_OK);
    check_json_body(&r, "com.amazonaws.sqs#InvalidMessageContents", "", 0);
    dd_aws_reply_release(&r);
}

static void test_json_without_query_code(void **state)
{
    (void)state;
    struct dd_aws_reply r;
    assert_int_equal(dd_aws_error_json(NO_QUERY_CODE, "gone", RID, &r), DD_OK);
    assert_int_equal(r.status, 404);
    assert_int_equal(r.n_headers, 2);
    assert_null(dd_aws_reply_header(&r, "x-amzn-query-error"));
    assert_string_equal(dd_aws_reply_header(&r, "x-amzn-RequestId"), RID);
    check_json_body(&r, "com.amazonaws.sqs#ResourceNotFoundException", "gone", 4);
    dd_aws_reply_release(&r);

    /* No JSON type: the Query code stands in as __type. */
    assert_int_equal(dd_aws_error_json(LB_NOT_FOUND, "no lb", RID, &r), DD_OK);
    check_json_body(&r, "LoadBalancerNotFound", "no lb", 5);
    assert_string_equal(dd_aws_reply_header(&r, "x-amzn-query-error"),
                        "LoadBalancerNotFound;Sender");
    dd_aws_reply_release(&r);
}

static void test_json_receiver_error(void **state)
{
    (void)state;
    struct dd_aws_reply r;
    assert_int_equal(
        dd_aws_error_json(INTERNAL_ERROR, "We encountered an internal error.", RID, &r), DD_OK);
    assert_int_equal(r.status, 500);
    assert_string_equal(dd_aws_reply_header(&r, "x-amzn-query-error"), "InternalError;Receiver");
    check_json_body(&r, "com.amazonaws.sqs#InternalError", "We encountered an internal error.", 33);
    dd_aws_reply_release(&r);
}

static void test_query_sqs_error(void **state)
{
    (void)state;
    struct dd_aws_reply r;
    assert_int_equal(dd_aws_error_query(QUEUE_DOES_NOT_EXIST, "The specified queue does not exist.",
                                        RID, SQS_NS, &r),
                     DD_OK);
    assert_int_equal(r.status, 400);
    assert_string_equal(r.body.data,
                        "<?xml version=\"1.0\"?>"
                        "<ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
                        "<Error><Type>Sender</Type>"
                        "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>"
                        "<Message>The specified queue does not exist.</Message>"
                        "<Detail/></Error>"
                        "<RequestId>" RID "</RequestId></ErrorResponse>");
    assert_int_equal(r.body.len, strlen(r.body.data));
    assert_int_equal(r.n_headers, 2);
    assert_string_equal(dd_aws_reply_header(&r, "content-type"), "text/xml");
    assert_string_equal(dd_aws_reply_header(&r, "x-amzn-RequestId"), RID);
    assert_null(dd_aws_reply_header(&r, "x-amzn-query-error"));
    dd_aws_reply_release(&r);
}

static void test_query_hostile_message(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *want; /* the bytes between <Message> and </Message> */
    } cases[] = {
        { "</Message></Error><Error><Code>Evil</Code>",
          "&lt;/Message&gt;&lt;/Error&gt;&lt;Error&gt;&lt;Code&gt;Evil&lt;/Code&gt;" },
        { "&amp; & \"q\" 'a' ]]>", "&amp;amp; &amp; &quot;q&quot; &apos;a&apos; ]]&gt;" },
        { "a\r\nb\tc", "a&#xD;\nb\tc" },
        { "x\x01y\x7f", "x\xEF\xBF\xBDy\x7f" },
        { "\xC0\xAF\xED\xA0\x80\xE2\x82",
          "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
        { "\xF0\x9F\x98\x80\xEF\xBF\xBF", "\xF0\x9F\x98\x80\xEF\xBF\xBD" },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        struct dd_aws_reply r;
        struct dd_buf want = DD_BUF_INIT;
        assert_int_equal(dd_buf_printf(&want,
                                       "<?xml version=\"1.0\"?>"
                                       "<ErrorResponse xmlns=\"" SQS_NS "\">"
                                       "<Error><Type>Sender</Type>"
                                       "<Code>InvalidMessageContents</Code>"
                                       "<Message>%s</Message>"
                                       "<Detail/></Error>"
                                       "<RequestId>" RID "</RequestId></ErrorResponse>",
                                       cases[i].want),
                         DD_OK);
        assert_int_equal(dd_aws_error_query(INVALID_CONTENTS, cases[i].in, RID, SQS_NS, &r), DD_OK);
        assert_string_equal(r.body.data, want.data);
        assert_int_equal(dd_utf8_xml_valid(r.body.data, r.body.len), 1);
        dd_aws_reply_release(&r);
        dd_buf_release(&want);
    }
}

static void test_query_elbv2_and_receiver(void **state)
{
    (void)state;
    struct dd_aws_reply r;
    assert_int_equal(
        dd_aws_error_query(LB_NOT_FOUND, "One or more load balancers not found", RID, ELBV2_NS, &r),
        DD_OK);
    assert_string_equal(r.body.data,
                        "<?xml version=\"1.0\"?>"
                        "<ErrorResponse xmlns=\"" ELBV2_NS "\">"
                        "<Error><Type>Sender</Type><Code>LoadBalancerNotFound</Code>"
                        "<Message>One or more load balancers not found</Message><Detail/></Error>"
                        "<RequestId>" RID "</RequestId></ErrorResponse>");
    dd_aws_reply_release(&r);

    assert_int_equal(dd_aws_error_query(HEALTH_UNAVAILABLE, NULL, RID, ELBV2_NS, &r), DD_OK);
    assert_int_equal(r.status, 500);
    assert_string_equal(r.body.data, "<?xml version=\"1.0\"?>"
                                     "<ErrorResponse xmlns=\"" ELBV2_NS "\">"
                                     "<Error><Type>Receiver</Type><Code>HealthUnavailable</Code>"
                                     "<Message/><Detail/></Error>"
                                     "<RequestId>" RID "</RequestId></ErrorResponse>");
    dd_aws_reply_release(&r);

    /* Only a JSON type: Code is its short name. */
    assert_int_equal(dd_aws_error_query(NO_QUERY_CODE, "m", RID, SQS_NS, &r), DD_OK);
    assert_non_null(strstr(r.body.data, "<Code>ResourceNotFoundException</Code>"));
    dd_aws_reply_release(&r);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    static const struct dd_aws_error_def bad_defs[] = {
        { NULL, NULL, 400, 1 },                /* no code at all */
        { "T", "C", 200, 1 },                  /* not an error status */
        { "T", "C", 600, 1 },                  /* out of range */
        { "T", "C;Receiver", 400, 1 },         /* would forge the fault */
        { "T", "C\r\nSet-Cookie: x", 400, 1 }, /* header injection */
        { "T with space", NULL, 400, 1 },      /* not a token */
        { "", "C", 400, 1 },                   /* empty */
        { "T", "C\xC3\xA9", 400, 1 },          /* non-ASCII */
    };
    struct dd_aws_reply r;
    for (size_t i = 0; i < DD_ARRAY_LEN(bad_defs); i++) {
        memset(&r, 0xA5, sizeof(r));
        assert_int_equal(dd_aws_error_json(&bad_defs[i], "m", RID, &r), DD_EINVAL);
        assert_null(r.body.data);
        assert_int_equal(r.n_headers, 0);
        assert_int_equal(r.status, 0);
        memset(&r, 0xA5, sizeof(r));
        assert_int_equal(dd_aws_error_query(&bad_defs[i], "m", RID, SQS_NS, &r), DD_EINVAL);
        assert_null(r.body.data);
        assert_int_equal(r.n_headers, 0);
        dd_aws_reply_release(&r);
    }

    static const char *const bad_ids[] = { NULL,         "",       "id with space",
                                           "id\r\nX: y", "id\x01", "\xC3\xA9" };
    for (size_t i = 0; i < DD_ARRAY_LEN(bad_ids); i++) {
        assert_int_equal(dd_aws_error_json(QUEUE_DOES_NOT_EXIST, "m", bad_ids[i], &r), DD_EINVAL);
        assert_int_equal(r.n_headers, 0);
        assert_int_equal(dd_aws_error_query(QUEUE_DOES_NOT_EXIST, "m", bad_ids[i], SQS_NS, &r),
                         DD_EINVAL);
        assert_int_equal(r.n_headers, 0);
    }

    assert_int_equal(dd_aws_error_json(NULL, "m", RID, &r), DD_EINVAL);
    assert_int_equal(dd_aws_error_json(QUEUE_DOES_NOT_EXIST, "m", RID, NULL), DD_EINVAL);
    assert_int_equal(dd_aws_error_query(QUEUE_DOES_NOT_EXIST, "m", RID, NULL, &r), DD_EINVAL);
    assert_null(r.body.data);
    /* A namespace that XML cannot carry fails cleanly too. */
    assert_int_equal(dd_aws_error_query(QUEUE_DOES_NOT_EXIST, "m", RID, "ns\x01", &r), DD_EINVAL);
    assert_null(r.body.data);
    assert_int_equal(r.n_headers, 0);
    dd_aws_reply_release(NULL);
}

static void test_code_and_find(void **state)
{
    (void)state;
    assert_string_equal(dd_aws_error_code(QUEUE_DOES_NOT_EXIST),
                        "AWS.SimpleQueueService.NonExistentQueue");
    assert_string_equal(dd_aws_error_code(NO_QUERY_CODE), "ResourceNotFoundException");
    assert_string_equal(dd_aws_error_code(LB_NOT_FOUND), "LoadBalancerNotFound");
    assert_null(dd_aws_error_code(NULL));

    size_t n = DD_ARRAY_LEN(errors);
    assert_ptr_equal(dd_aws_error_find(errors, n, "AWS.SimpleQueueService.NonExistentQueue"),
                     QUEUE_DOES_NOT_EXIST);
    assert_ptr_equal(dd_aws_error_find(errors, n, "QueueDoesNotExist"), QUEUE_DOES_NOT_EXIST);
    assert_ptr_equal(dd_aws_error_find(errors, n, "ResourceNotFoundException"), NO_QUERY_CODE);
    assert_ptr_equal(dd_aws_error_find(errors, n, "HealthUnavailable"), HEALTH_UNAVAILABLE);
    assert_null(dd_aws_error_find(errors, n, "NoSuchThing"));
    assert_null(dd_aws_error_find(errors, n, "com.amazonaws.sqs"));
    assert_null(dd_aws_error_find(errors, n, NULL));
    assert_null(dd_aws_error_find(errors, 0, "QueueDoesNotExist"));
}

static int is_hex_lower(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void test_request_id(void **state)
{
    (void)state;
    char a[37], b[37];
    memset(a, 'X', sizeof(a));
    assert_int_equal(dd_aws_request_id_new(a), DD_OK);
    assert_int_equal(dd_aws_request_id_new(b), DD_OK);
    assert_int_equal(strlen(a), 36);
    for (size_t i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            assert_int_equal(a[i], '-');
        else
            assert_true(is_hex_lower(a[i]));
    }
    assert_int_equal(a[14], '4');
    assert_non_null(strchr("89ab", a[19]));
    assert_string_not_equal(a, b);

    /* The variant and version bits are forced, the rest is random: over many
     * ids every variant digit shows up. */
    int seen[4] = { 0 };
    for (int i = 0; i < 200; i++) {
        assert_int_equal(dd_aws_request_id_new(a), DD_OK);
        seen[strchr("89ab", a[19]) - "89ab"] = 1;
        assert_int_equal(a[14], '4');
    }
    assert_true(seen[0] && seen[1] && seen[2] && seen[3]);

    /* A fresh id is accepted as a request id. */
    struct dd_aws_reply r;
    assert_int_equal(dd_aws_error_query(QUEUE_DOES_NOT_EXIST, "m", a, SQS_NS, &r), DD_OK);
    assert_string_equal(dd_aws_reply_header(&r, "x-amzn-RequestId"), a);
    dd_aws_reply_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_sqs_error),
        cmocka_unit_test(test_json_hostile_message),
        cmocka_unit_test(test_json_without_query_code),
        cmocka_unit_test(test_json_receiver_error),
        cmocka_unit_test(test_query_sqs_error),
        cmocka_unit_test(test_query_hostile_message),
        cmocka_unit_test(test_query_elbv2_and_receiver),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_code_and_find),
        cmocka_unit_test(test_request_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
