/* Unit tests for common/aws_query.c against the real SQS model: the form
 * parameter names are the ones botocore's Query serializer produces. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/aws_model.h"
#include "common/aws_query.h"
#include "common/err.h"
#include "common/form.h"

static struct dd_aws_model *load_model(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", DD_SOURCE_DIR, rel);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char data[256 * 1024];
    size_t n = fread(data, 1, sizeof(data), f);
    fclose(f);
    struct dd_aws_model *m = NULL;
    assert_int_equal(dd_aws_model_load(data, n, &m), DD_OK);
    return m;
}

static int setup(void **state)
{
    *state = load_model("sqs-emu/model/sqs.json");
    return 0;
}

static int teardown(void **state)
{
    dd_aws_model_free(*state);
    return 0;
}

/* Decodes body for op and compares with the expected JSON text. */
static void check_decode(struct dd_aws_model *m, const char *op_name, const char *body,
                         const char *expected)
{
    struct dd_aws_op op;
    assert_int_equal(dd_aws_model_op(m, op_name, &op), DD_OK);
    struct dd_form form = DD_FORM_INIT;
    assert_int_equal(dd_form_parse(body, strlen(body), &form), DD_OK);
    json_t *got = NULL;
    char err[256];
    assert_int_equal(dd_query_decode(m, &op, &form, &got, err, sizeof(err)), DD_OK);
    json_error_t jerr;
    json_t *want = json_loads(expected, 0, &jerr);
    assert_non_null(want);
    if (!json_equal(got, want)) {
        char *s = json_dumps(got, JSON_SORT_KEYS);
        fail_msg("decoded %s\nexpected %s", s, expected);
    }
    json_decref(got);
    json_decref(want);
    dd_form_release(&form);
}

static void test_decode_receive_message(void **state)
{
    check_decode(
        *state, "ReceiveMessage",
        "Action=ReceiveMessage&QueueUrl=u&AttributeName.1=All&AttributeName.2=SentTimestamp"
        "&MessageAttributeName.1=x.*&MaxNumberOfMessages=5&WaitTimeSeconds=0",
        "{\"QueueUrl\":\"u\",\"AttributeNames\":[\"All\",\"SentTimestamp\"],"
        "\"MessageAttributeNames\":[\"x.*\"],\"MaxNumberOfMessages\":5,"
        "\"WaitTimeSeconds\":0}");
}

static void test_decode_maps_and_tags(void **state)
{
    check_decode(*state, "CreateQueue",
                 "QueueName=q&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=5"
                 "&Attribute.2.Name=DelaySeconds&Attribute.2.Value=1&Tag.1.Key=k&Tag.1.Value=v",
                 "{\"QueueName\":\"q\",\"Attributes\":{\"VisibilityTimeout\":\"5\","
                 "\"DelaySeconds\":\"1\"},\"tags\":{\"k\":\"v\"}}");
    /* TagMap carries its serialised name "Tag" on the shape, not the reference. */
    check_decode(*state, "TagQueue",
                 "QueueUrl=u&Tag.1.Key=k&Tag.1.Value=v&Tag.2.Key=x&Tag.2.Value=",
                 "{\"QueueUrl\":\"u\",\"Tags\":{\"k\":\"v\",\"x\":\"\"}}");
    check_decode(*state, "UntagQueue", "QueueUrl=u&TagKey.1=a&TagKey.2=b",
                 "{\"QueueUrl\":\"u\",\"TagKeys\":[\"a\",\"b\"]}");
}

static void test_decode_batch_with_nested_attributes(void **state)
{
    check_decode(
        *state, "SendMessageBatch",
        "QueueUrl=u&SendMessageBatchRequestEntry.1.Id=a"
        "&SendMessageBatchRequestEntry.1.MessageBody=b"
        "&SendMessageBatchRequestEntry.1.DelaySeconds=1"
        "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=k"
        "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=String"
        "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=v"
        "&SendMessageBatchRequestEntry.2.Id=c&SendMessageBatchRequestEntry.2.MessageBody=d",
        "{\"QueueUrl\":\"u\",\"Entries\":[{\"Id\":\"a\",\"MessageBody\":\"b\","
        "\"DelaySeconds\":1,\"MessageAttributes\":{\"k\":{\"DataType\":\"String\","
        "\"StringValue\":\"v\"}}},{\"Id\":\"c\",\"MessageBody\":\"d\"}]}");
}

static void test_decode_indices_sorted_and_sparse(void **state)
{
    /* Out-of-order and sparse indices keep numeric order, 10 after 9. */
    check_decode(*state, "UntagQueue", "QueueUrl=u&TagKey.10=j&TagKey.2=b&TagKey.9=i",
                 "{\"QueueUrl\":\"u\",\"TagKeys\":[\"b\",\"i\",\"j\"]}");
}

static void test_decode_rejects_bad_integer(void **state)
{
    struct dd_aws_model *m = *state;
    struct dd_aws_op op;
    assert_int_equal(dd_aws_model_op(m, "ReceiveMessage", &op), DD_OK);
    const char *body = "QueueUrl=u&MaxNumberOfMessages=ten";
    struct dd_form form = DD_FORM_INIT;
    assert_int_equal(dd_form_parse(body, strlen(body), &form), DD_OK);
    json_t *got = NULL;
    char err[256];
    assert_int_equal(dd_query_decode(m, &op, &form, &got, err, sizeof(err)), DD_EINVAL);
    assert_null(got);
    assert_string_equal(err, "Value ten for parameter MaxNumberOfMessages is invalid. Reason: "
                             "Must be an integer.");
    dd_form_release(&form);
}

static void test_encode_receive_message(void **state)
{
    struct dd_aws_model *m = *state;
    struct dd_aws_op op;
    assert_int_equal(dd_aws_model_op(m, "ReceiveMessage", &op), DD_OK);
    json_error_t jerr;
    json_t *res = json_loads(
        "{\"Messages\":[{\"MessageId\":\"id1\",\"ReceiptHandle\":\"rh\",\"MD5OfBody\":\"m\","
        "\"Body\":\"a<b>&\\r\",\"Attributes\":{\"SentTimestamp\":\"1\"},"
        "\"MessageAttributes\":{\"k\":{\"StringValue\":\"v\",\"DataType\":\"String\"}}}]}",
        0, &jerr);
    assert_non_null(res);
    struct dd_buf out = DD_BUF_INIT;
    assert_int_equal(dd_query_encode(m, &op, res, "rid", &out), DD_OK);
    assert_string_equal(
        out.data, "<?xml version=\"1.0\"?><ReceiveMessageResponse "
                  "xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><ReceiveMessageResult>"
                  "<Message><MessageId>id1</MessageId><ReceiptHandle>rh</ReceiptHandle>"
                  "<MD5OfBody>m</MD5OfBody><Body>a&lt;b&gt;&amp;&#xD;</Body>"
                  "<Attribute><Name>SentTimestamp</Name><Value>1</Value></Attribute>"
                  "<MessageAttribute><Name>k</Name><Value><StringValue>v</StringValue>"
                  "<DataType>String</DataType></Value></MessageAttribute></Message>"
                  "</ReceiveMessageResult><ResponseMetadata><RequestId>rid</RequestId>"
                  "</ResponseMetadata></ReceiveMessageResponse>");
    json_decref(res);
    dd_buf_release(&out);
}

static void test_encode_no_output_and_lists(void **state)
{
    struct dd_aws_model *m = *state;
    struct dd_aws_op op;
    assert_int_equal(dd_aws_model_op(m, "DeleteQueue", &op), DD_OK);
    struct dd_buf out = DD_BUF_INIT;
    assert_int_equal(dd_query_encode(m, &op, NULL, "r", &out), DD_OK);
    assert_string_equal(out.data,
                        "<?xml version=\"1.0\"?><DeleteQueueResponse "
                        "xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><ResponseMetadata>"
                        "<RequestId>r</RequestId></ResponseMetadata></DeleteQueueResponse>");
    dd_buf_reset(&out);
    assert_int_equal(dd_aws_model_op(m, "ListQueues", &op), DD_OK);
    json_t *res = json_pack("{s:[s,s]}", "QueueUrls", "http://a/1/q1", "http://a/1/q2");
    assert_int_equal(dd_query_encode(m, &op, res, "r", &out), DD_OK);
    assert_non_null(strstr(out.data, "<ListQueuesResult><QueueUrl>http://a/1/q1</QueueUrl>"
                                     "<QueueUrl>http://a/1/q2</QueueUrl></ListQueuesResult>"));
    json_decref(res);
    dd_buf_release(&out);
}

static void test_encode_rejects_unencodable_text(void **state)
{
    struct dd_aws_model *m = *state;
    struct dd_aws_op op;
    assert_int_equal(dd_aws_model_op(m, "GetQueueUrl", &op), DD_OK);
    json_t *res = json_pack("{s:s}", "QueueUrl", "bad\x01");
    struct dd_buf out = DD_BUF_INIT;
    assert_int_equal(dd_query_encode(m, &op, res, "r", &out), DD_EINVAL);
    json_decref(res);
    dd_buf_release(&out);
}

static void test_unknown_op_and_bad_model(void **state)
{
    struct dd_aws_op op;
    assert_int_equal(dd_aws_model_op(*state, "NoSuchAction", &op), DD_ENOENT);
    assert_int_equal(dd_aws_model_op(*state, NULL, &op), DD_ENOENT);
    struct dd_aws_model *m = NULL;
    assert_int_equal(dd_aws_model_load("{", 1, &m), DD_EINVAL);
    assert_int_equal(dd_aws_model_load("{}", 2, &m), DD_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_receive_message),
        cmocka_unit_test(test_decode_maps_and_tags),
        cmocka_unit_test(test_decode_batch_with_nested_attributes),
        cmocka_unit_test(test_decode_indices_sorted_and_sparse),
        cmocka_unit_test(test_decode_rejects_bad_integer),
        cmocka_unit_test(test_encode_receive_message),
        cmocka_unit_test(test_encode_no_output_and_lists),
        cmocka_unit_test(test_encode_rejects_unencodable_text),
        cmocka_unit_test(test_unknown_op_and_bad_model),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
