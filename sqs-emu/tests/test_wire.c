/*
 * Unit tests for sqs-emu/wire.c against the real SQS model: protocol
 * detection, decoding of both protocols into the JSON input document, the
 * caller's identity from SigV4, and results and errors rendered byte for byte
 * as the SDKs parse them. Cases are tables (request -> expected outcome); the
 * model is read from the source tree so a model change shows up here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/aws_error.h"
#include "common/aws_model.h"
#include "common/err.h"
#include "sqs-emu/errors.h"
#include "sqs-emu/wire.h"

#define MAX_HEADERS 6
#define RID         "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"
#define XMLDECL     "<?xml version=\"1.0\"?>"
#define NS          "xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\""
#define META        "<ResponseMetadata><RequestId>" RID "</RequestId></ResponseMetadata>"
#define SIG64       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define AUTH(akid, region)                                                        \
    "AWS4-HMAC-SHA256 Credential=" akid "/20240101/" region "/sqs/aws4_request, " \
    "SignedHeaders=host;x-amz-date, Signature=" SIG64

static struct dd_aws_model *load_model(void)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/sqs-emu/model/sqs.json", DD_SOURCE_DIR);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char data[256 * 1024];
    size_t n = fread(data, 1, sizeof(data), f);
    fclose(f);
    assert_true(n > 0 && n < sizeof(data));
    struct dd_aws_model *m = NULL;
    assert_int_equal(dd_aws_model_load(data, n, &m), DD_OK);
    return m;
}

static int setup(void **state)
{
    *state = load_model();
    return 0;
}

static int teardown(void **state)
{
    dd_aws_model_free(*state);
    return 0;
}

/* One HTTP request as a table row; headers end at the first NULL name. */
struct http_case {
    const char *method;
    const char *uri;
    struct sqs_http_header headers[MAX_HEADERS];
    const char *body;
};

static struct sqs_http_in http_in(const struct http_case *c)
{
    struct sqs_http_in in = { c->method, c->uri,  c->headers,
                              0,         c->body, c->body ? strlen(c->body) : 0 };
    while (in.nheaders < MAX_HEADERS && c->headers[in.nheaders].name)
        in.nheaders++;
    return in;
}

static void assert_json_text(json_t *got, const char *want_text, const char *what)
{
    json_error_t jerr;
    json_t *want = json_loads(want_text, 0, &jerr);
    if (!want)
        fail_msg("%s: bad expected JSON %s: %s", what, want_text, jerr.text);
    if (!json_equal(got, want)) {
        char *s = got ? json_dumps(got, JSON_SORT_KEYS) : NULL;
        json_decref(want);
        fail_msg("%s: decoded %s\nexpected %s", what, s ? s : "(null)", want_text);
    }
    json_decref(want);
}

/* A request id is a lowercase version 4 UUID. */
static void assert_request_id(const char *rid)
{
    assert_int_equal(strlen(rid), 36);
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            assert_int_equal(rid[i], '-');
        else
            assert_non_null(strchr("0123456789abcdef", rid[i]));
    }
    assert_int_equal(rid[14], '4');
}

/* --- decoding: requests that succeed -------------------------------------- */

struct decode_ok_case {
    const char *name;
    struct http_case http;
    enum sqs_protocol proto;
    const char *action;
    const char *input; /* the expected input document, as JSON text */
};

static const struct decode_ok_case decode_ok_cases[] = {
    /* AWS JSON 1.0: the header found in any case, the prefix in any case. */
    { "json canonical header",
      { "POST", "/", { { "X-Amz-Target", "AmazonSQS.SendMessage" } }, "{\"MessageBody\":\"m\"}" },
      SQS_PROTO_JSON,
      "SendMessage",
      "{\"MessageBody\":\"m\"}" },
    { "json lowercase header",
      { "POST", "/", { { "x-amz-target", "AmazonSQS.ListQueues" } }, "{}" },
      SQS_PROTO_JSON,
      "ListQueues",
      "{}" },
    { "json uppercase header",
      { "POST", "/", { { "X-AMZ-TARGET", "AmazonSQS.ListQueues" } }, "" },
      SQS_PROTO_JSON,
      "ListQueues",
      "{}" },
    { "json lowercase prefix",
      { "POST", "/", { { "X-Amz-Target", "amazonsqs.GetQueueUrl" } }, "{\"QueueName\":\"q\"}" },
      SQS_PROTO_JSON,
      "GetQueueUrl",
      "{\"QueueName\":\"q\"}" },
    /* The header wins over a form body that also names an action. */
    { "json header beats form body",
      { "POST",
        "/",
        { { "Content-Type", "application/x-amz-json-1.0" },
          { "X-Amz-Target", "AmazonSQS.ListQueues" } },
        "{\"QueueNamePrefix\":\"Action=DeleteQueue\"}" },
      SQS_PROTO_JSON,
      "ListQueues",
      "{\"QueueNamePrefix\":\"Action=DeleteQueue\"}" },
    /* The JSON document is passed through as sent, nested members included. */
    { "json nested input",
      { "POST",
        "/",
        { { "X-Amz-Target", "AmazonSQS.SendMessage" } },
        "{\"QueueUrl\":\"http://h/1/q\",\"MessageBody\":\"<&>\",\"MessageAttributes\":"
        "{\"a\":{\"DataType\":\"String\",\"StringValue\":\"v\"}}}" },
      SQS_PROTO_JSON,
      "SendMessage",
      "{\"QueueUrl\":\"http://h/1/q\",\"MessageBody\":\"<&>\",\"MessageAttributes\":"
      "{\"a\":{\"DataType\":\"String\",\"StringValue\":\"v\"}}}" },
    /* A JSON request sent to a queue URL keeps its document as it is. */
    { "json to a queue path",
      { "POST", "/000000000000/q", { { "X-Amz-Target", "AmazonSQS.ListQueues" } }, "{}" },
      SQS_PROTO_JSON,
      "ListQueues",
      "{}" },
    /* AWS Query in a form body. */
    { "query form body",
      { "POST",
        "/",
        { { "Content-Type", "application/x-www-form-urlencoded; charset=utf-8" } },
        "Action=ListQueues&Version=2012-11-05&QueueNamePrefix=a+b%2Fc" },
      SQS_PROTO_QUERY,
      "ListQueues",
      "{\"QueueNamePrefix\":\"a b/c\"}" },
    { "query form lists and integers",
      { "POST",
        "/",
        { { 0 } },
        "Action=ReceiveMessage&QueueUrl=http%3A%2F%2Fh%2F1%2Fq&AttributeName.1=All"
        "&MessageAttributeName.1=All&MaxNumberOfMessages=10&WaitTimeSeconds=0" },
      SQS_PROTO_QUERY,
      "ReceiveMessage",
      "{\"QueueUrl\":\"http://h/1/q\",\"AttributeNames\":[\"All\"],"
      "\"MessageAttributeNames\":[\"All\"],\"MaxNumberOfMessages\":10,\"WaitTimeSeconds\":0}" },
    /* AWS Query in the query string of a GET. */
    { "query GET",
      { "GET",
        "/?Action=GetQueueUrl&QueueName=orders&QueueOwnerAWSAccountId=123456789012",
        { { 0 } },
        NULL },
      SQS_PROTO_QUERY,
      "GetQueueUrl",
      "{\"QueueName\":\"orders\",\"QueueOwnerAWSAccountId\":\"123456789012\"}" },
    /* A POST may carry parameters in both places; they are merged. */
    { "query POST action in body, parameters in query string",
      { "POST", "/?QueueName=orders", { { 0 } }, "Action=GetQueueUrl" },
      SQS_PROTO_QUERY,
      "GetQueueUrl",
      "{\"QueueName\":\"orders\"}" },
    { "query POST action in query string, parameters in body",
      { "POST",
        "/?Action=CreateQueue&Version=2012-11-05",
        { { 0 } },
        "QueueName=q1&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=5" },
      SQS_PROTO_QUERY,
      "CreateQueue",
      "{\"QueueName\":\"q1\",\"Attributes\":{\"VisibilityTimeout\":\"5\"}}" },
    { "query POST with an empty query string",
      { "POST", "/?", { { 0 } }, "Action=ListQueues" },
      SQS_PROTO_QUERY,
      "ListQueues",
      "{}" },
    /* Query requests sent to the queue URL: the path is the queue. */
    { "query to the queue URL",
      { "POST",
        "/000000000000/orders",
        { { "Host", "localhost:9324" } },
        "Action=SendMessage&MessageBody=hi&MessageAttribute.1.Name=k"
        "&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=v" },
      SQS_PROTO_QUERY,
      "SendMessage",
      "{\"QueueUrl\":\"http://localhost:9324/000000000000/orders\",\"MessageBody\":\"hi\","
      "\"MessageAttributes\":{\"k\":{\"DataType\":\"String\",\"StringValue\":\"v\"}}}" },
    { "query GET to the queue URL, host header in lowercase",
      { "GET", "/123456789012/jobs?Action=PurgeQueue", { { "host", "sqs.local:4566" } }, NULL },
      SQS_PROTO_QUERY,
      "PurgeQueue",
      "{\"QueueUrl\":\"http://sqs.local:4566/123456789012/jobs\"}" },
    { "query to the queue URL without a Host header",
      { "POST", "/000000000000/q", { { 0 } }, "Action=DeleteQueue" },
      SQS_PROTO_QUERY,
      "DeleteQueue",
      "{\"QueueUrl\":\"http://localhost/000000000000/q\"}" },
    { "query QueueUrl parameter beats the path",
      { "POST",
        "/000000000000/path-queue",
        { { "Host", "h" } },
        "Action=DeleteQueue&QueueUrl=http%3A%2F%2Fh%2F000000000000%2Fparam-queue" },
      SQS_PROTO_QUERY,
      "DeleteQueue",
      "{\"QueueUrl\":\"http://h/000000000000/param-queue\"}" },
    /* Query with no input shape members still decodes. */
    { "query model action Drydock does not implement",
      { "POST", "/", { { 0 } }, "Action=ListMessageMoveTasks&SourceArn=arn&MaxResults=3" },
      SQS_PROTO_QUERY,
      "ListMessageMoveTasks",
      "{\"SourceArn\":\"arn\",\"MaxResults\":3}" },
};

static void test_decode_ok(void **state)
{
    struct dd_aws_model *m = *state;
    for (size_t i = 0; i < sizeof(decode_ok_cases) / sizeof(decode_ok_cases[0]); i++) {
        const struct decode_ok_case *c = &decode_ok_cases[i];
        struct sqs_http_in in = http_in(&c->http);
        struct sqs_request r;
        struct sqs_error err;
        int rc = sqs_wire_decode(m, &in, "us-east-1", "000000000000", &r, &err);
        if (rc != DD_OK)
            fail_msg("%s: rc %d, %s: %s", c->name, rc, sqs_error_name(err.code), err.message);
        assert_int_equal(err.code, SQS_ERR_NONE);
        if (r.proto != c->proto)
            fail_msg("%s: protocol %d, expected %d", c->name, r.proto, c->proto);
        assert_string_equal(r.action, c->action);
        assert_json_text(r.input, c->input, c->name);
        assert_request_id(r.request_id);
        sqs_request_release(&r);
        assert_null(r.input);
        sqs_request_release(&r); /* twice is harmless */
    }
}

/* --- decoding: requests that fail ----------------------------------------- */

struct decode_err_case {
    const char *name;
    struct http_case http;
    enum sqs_protocol proto; /* the protocol the error is answered in */
    enum sqs_errcode code;
    const char *message;
};

#define INVALID_ACTION(a) "The action " a " is not valid for this web service."
#define A60               "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

static const struct decode_err_case decode_err_cases[] = {
    /* Unknown actions, both protocols. */
    { "json unknown operation",
      { "POST", "/", { { "X-Amz-Target", "AmazonSQS.Frobnicate" } }, "{}" },
      SQS_PROTO_JSON,
      SQS_ERR_INVALID_ACTION,
      INVALID_ACTION("Frobnicate") },
    { "json operation in the wrong case",
      { "POST", "/", { { "X-Amz-Target", "AmazonSQS.sendmessage" } }, "{}" },
      SQS_PROTO_JSON,
      SQS_ERR_INVALID_ACTION,
      INVALID_ACTION("sendmessage") },
    { "json another service's prefix",
      { "POST", "/", { { "X-Amz-Target", "DynamoDB_20120810.ListTables" } }, "{}" },
      SQS_PROTO_JSON,
      SQS_ERR_INVALID_ACTION,
      "The action or operation requested is invalid. Verify that the action is typed "
      "correctly." },
    { "json empty target",
      { "POST", "/", { { "X-Amz-Target", "" } }, "{}" },
      SQS_PROTO_JSON,
      SQS_ERR_INVALID_ACTION,
      "The action or operation requested is invalid. Verify that the action is typed "
      "correctly." },
    { "json prefix only",
      { "POST", "/", { { "X-Amz-Target", "AmazonSQS." } }, "{}" },
      SQS_PROTO_JSON,
      SQS_ERR_INVALID_ACTION,
      INVALID_ACTION("") },
    { "json overlong operation is cut in the message",
      { "POST", "/", { { "X-Amz-Target", "AmazonSQS." A60 A60 } }, "{}" },
      SQS_PROTO_JSON,
      SQS_ERR_INVALID_ACTION,
      INVALID_ACTION(A60) },
    { "query unknown action",
      { "POST", "/", { { 0 } }, "Action=Frobnicate&QueueName=q" },
      SQS_PROTO_QUERY,
      SQS_ERR_INVALID_ACTION,
      INVALID_ACTION("Frobnicate") },
    { "query action in the wrong case",
      { "GET", "/?Action=listqueues", { { 0 } }, NULL },
      SQS_PROTO_QUERY,
      SQS_ERR_INVALID_ACTION,
      INVALID_ACTION("listqueues") },
    { "query overlong action is cut in the message",
      { "POST", "/", { { 0 } }, "Action=" A60 A60 },
      SQS_PROTO_QUERY,
      SQS_ERR_INVALID_ACTION,
      INVALID_ACTION(A60) },
    /* No Action at all. */
    { "query missing Action",
      { "POST", "/", { { 0 } }, "QueueName=q" },
      SQS_PROTO_QUERY,
      SQS_ERR_MISSING_PARAMETER,
      "The request must contain the parameter Action." },
    { "query empty Action",
      { "POST", "/", { { 0 } }, "Action=&QueueName=q" },
      SQS_PROTO_QUERY,
      SQS_ERR_MISSING_PARAMETER,
      "The request must contain the parameter Action." },
    { "query empty request",
      { "GET", "/", { { 0 } }, NULL },
      SQS_PROTO_QUERY,
      SQS_ERR_MISSING_PARAMETER,
      "The request must contain the parameter Action." },
    /* A JSON body without the target header is read as a form: no Action. */
    { "json body without X-Amz-Target",
      { "POST",
        "/",
        { { "Content-Type", "application/x-amz-json-1.0" } },
        "{\"QueueName\":\"q\"}" },
      SQS_PROTO_QUERY,
      SQS_ERR_MISSING_PARAMETER,
      "The request must contain the parameter Action." },
    /* Malformed JSON bodies. */
    { "json truncated body",
      { "POST", "/", { { "X-Amz-Target", "AmazonSQS.ListQueues" } }, "{\"QueueNamePrefix\":" },
      SQS_PROTO_JSON,
      SQS_ERR_MALFORMED_INPUT,
      "Start of structure or map found where not expected." },
    { "json body is an array",
      { "POST", "/", { { "X-Amz-Target", "AmazonSQS.ListQueues" } }, "[1,2]" },
      SQS_PROTO_JSON,
      SQS_ERR_MALFORMED_INPUT,
      "Start of structure or map found where not expected." },
    { "json body is a string",
      { "POST", "/", { { "X-Amz-Target", "AmazonSQS.ListQueues" } }, "\"x\"" },
      SQS_PROTO_JSON,
      SQS_ERR_MALFORMED_INPUT,
      "Start of structure or map found where not expected." },
    { "json body has trailing garbage",
      { "POST", "/", { { "X-Amz-Target", "AmazonSQS.ListQueues" } }, "{} {}" },
      SQS_PROTO_JSON,
      SQS_ERR_MALFORMED_INPUT,
      "Start of structure or map found where not expected." },
    { "json body is a form",
      { "POST", "/", { { "X-Amz-Target", "AmazonSQS.ListQueues" } }, "Action=ListQueues" },
      SQS_PROTO_JSON,
      SQS_ERR_MALFORMED_INPUT,
      "Start of structure or map found where not expected." },
    /* Malformed percent escapes, wherever they are. */
    { "query bad escape in body",
      { "POST", "/", { { 0 } }, "Action=ListQueues&QueueNamePrefix=%zz" },
      SQS_PROTO_QUERY,
      SQS_ERR_MALFORMED_INPUT,
      "The query string is malformed." },
    { "query truncated escape in body",
      { "POST", "/", { { 0 } }, "Action=ListQueues&QueueNamePrefix=%4" },
      SQS_PROTO_QUERY,
      SQS_ERR_MALFORMED_INPUT,
      "The query string is malformed." },
    { "query bad escape in a GET query string",
      { "GET", "/?Action=ListQueues&QueueNamePrefix=%G1", { { 0 } }, NULL },
      SQS_PROTO_QUERY,
      SQS_ERR_MALFORMED_INPUT,
      "The query string is malformed." },
    { "query bad escape in the query string of a POST with a body",
      { "POST", "/?QueueNamePrefix=%", { { 0 } }, "Action=ListQueues" },
      SQS_PROTO_QUERY,
      SQS_ERR_MALFORMED_INPUT,
      "The query string is malformed." },
    /* Values that do not fit their shape. */
    { "query non-integer integer",
      { "POST", "/", { { 0 } }, "Action=ReceiveMessage&QueueUrl=u&MaxNumberOfMessages=ten" },
      SQS_PROTO_QUERY,
      SQS_ERR_INVALID_PARAMETER_VALUE,
      "Value ten for parameter MaxNumberOfMessages is invalid. Reason: Must be an integer." },
    { "query integer with trailing junk",
      { "POST", "/", { { 0 } }, "Action=ReceiveMessage&QueueUrl=u&WaitTimeSeconds=5s" },
      SQS_PROTO_QUERY,
      SQS_ERR_INVALID_PARAMETER_VALUE,
      "Value 5s for parameter WaitTimeSeconds is invalid. Reason: Must be an integer." },
    { "query empty integer",
      { "POST", "/", { { 0 } }, "Action=ReceiveMessage&QueueUrl=u&VisibilityTimeout=" },
      SQS_PROTO_QUERY,
      SQS_ERR_INVALID_PARAMETER_VALUE,
      "Value  for parameter VisibilityTimeout is invalid. Reason: Must be an integer." },
    { "query integer out of range",
      { "POST",
        "/",
        { { 0 } },
        "Action=ReceiveMessage&QueueUrl=u&MaxNumberOfMessages=99999999999999999999" },
      SQS_PROTO_QUERY,
      SQS_ERR_INVALID_PARAMETER_VALUE,
      "Value 99999999999999999999 for parameter MaxNumberOfMessages is invalid. Reason: Must "
      "be an integer." },
    { "query non-integer integer in a batch entry",
      { "POST",
        "/",
        { { 0 } },
        "Action=SendMessageBatch&QueueUrl=u&SendMessageBatchRequestEntry.1.Id=a"
        "&SendMessageBatchRequestEntry.1.MessageBody=b"
        "&SendMessageBatchRequestEntry.1.DelaySeconds=x" },
      SQS_PROTO_QUERY,
      SQS_ERR_INVALID_PARAMETER_VALUE,
      "Value x for parameter SendMessageBatchRequestEntry.1.DelaySeconds is invalid. Reason: "
      "Must be an integer." },
};

static void test_decode_errors(void **state)
{
    struct dd_aws_model *m = *state;
    for (size_t i = 0; i < sizeof(decode_err_cases) / sizeof(decode_err_cases[0]); i++) {
        const struct decode_err_case *c = &decode_err_cases[i];
        struct sqs_http_in in = http_in(&c->http);
        struct sqs_request r;
        struct sqs_error err;
        int rc = sqs_wire_decode(m, &in, "us-east-1", "000000000000", &r, &err);
        if (rc != DD_EINVAL)
            fail_msg("%s: rc %d, expected DD_EINVAL", c->name, rc);
        assert_null(r.input);
        if (r.proto != c->proto)
            fail_msg("%s: answered in protocol %d, expected %d", c->name, r.proto, c->proto);
        if (err.code != c->code)
            fail_msg("%s: %s, expected %s", c->name, sqs_error_name(err.code),
                     sqs_error_name(c->code));
        if (strcmp(err.message, c->message) != 0)
            fail_msg("%s: message \"%s\"\nexpected \"%s\"", c->name, err.message, c->message);
        /* The request id is set so the error can be answered. */
        assert_request_id(r.request_id);
        sqs_request_release(&r);
    }
}

/* --- identity: region, account, access key, query mode -------------------- */

struct identity_case {
    const char *name;
    struct sqs_http_header headers[MAX_HEADERS];
    const char *region;
    const char *account;
    const char *access_key;
    const char *host;
    int query_mode;
};

static const struct identity_case identity_cases[] = {
    { "unsigned", { { 0 } }, "us-east-1", "000000000000", "", "", 0 },
    { "12-digit key is the account",
      { { "Authorization", AUTH("123456789012", "eu-west-2") }, { "Host", "h:1" } },
      "eu-west-2",
      "123456789012",
      "123456789012",
      "h:1",
      0 },
    { "ordinary key keeps the default account",
      { { "authorization", AUTH("AKIDEXAMPLE", "ap-south-1") } },
      "ap-south-1",
      "000000000000",
      "AKIDEXAMPLE",
      "",
      0 },
    { "test key",
      { { "AUTHORIZATION", AUTH("test", "us-west-2") } },
      "us-west-2",
      "000000000000",
      "test",
      "",
      0 },
    { "11 digits is not an account",
      { { "Authorization", AUTH("12345678901", "eu-west-1") } },
      "eu-west-1",
      "000000000000",
      "12345678901",
      "",
      0 },
    { "13 digits is not an account",
      { { "Authorization", AUTH("1234567890123", "eu-west-1") } },
      "eu-west-1",
      "000000000000",
      "1234567890123",
      "",
      0 },
    { "12 characters with a letter is not an account",
      { { "Authorization", AUTH("12345678901a", "eu-west-1") } },
      "eu-west-1",
      "000000000000",
      "12345678901a",
      "",
      0 },
    { "malformed authorization is ignored",
      { { "Authorization", "AWS4-HMAC-SHA256 Credential=123456789012/20240101/eu-west-2" } },
      "us-east-1",
      "000000000000",
      "",
      "",
      0 },
    { "signature version 2 is ignored",
      { { "Authorization", "AWS 123456789012:c2lnbmF0dXJl" } },
      "us-east-1",
      "000000000000",
      "",
      "",
      0 },
    { "query mode", { { "x-amzn-query-mode", "true" } }, "us-east-1", "000000000000", "", "", 1 },
    { "query mode in capitals",
      { { "X-Amzn-Query-Mode", "TRUE" } },
      "us-east-1",
      "000000000000",
      "",
      "",
      1 },
    { "query mode false",
      { { "x-amzn-query-mode", "false" } },
      "us-east-1",
      "000000000000",
      "",
      "",
      0 },
    { "query mode garbage",
      { { "x-amzn-query-mode", "1" } },
      "us-east-1",
      "000000000000",
      "",
      "",
      0 },
};

static void test_identity(void **state)
{
    struct dd_aws_model *m = *state;
    for (size_t i = 0; i < sizeof(identity_cases) / sizeof(identity_cases[0]); i++) {
        const struct identity_case *c = &identity_cases[i];
        /* The same headers on a JSON and on a Query request. */
        for (int proto = 0; proto < 2; proto++) {
            struct http_case h = { "POST", "/", { { 0 } }, "Action=ListQueues" };
            size_t n = 0;
            while (n < MAX_HEADERS - 1 && c->headers[n].name) {
                h.headers[n] = c->headers[n];
                n++;
            }
            if (proto == SQS_PROTO_JSON) {
                h.headers[n] = (struct sqs_http_header){ "X-Amz-Target", "AmazonSQS.ListQueues" };
                h.body = "{}";
            }
            struct sqs_http_in in = http_in(&h);
            struct sqs_request r;
            struct sqs_error err;
            int rc = sqs_wire_decode(m, &in, "us-east-1", "000000000000", &r, &err);
            if (rc != DD_OK)
                fail_msg("%s: rc %d: %s", c->name, rc, err.message);
            assert_int_equal(r.proto, proto);
            if (strcmp(r.region, c->region) || strcmp(r.account, c->account) ||
                strcmp(r.access_key, c->access_key) || strcmp(r.host, c->host) ||
                r.query_mode != c->query_mode)
                fail_msg("%s: region %s account %s key %s host %s mode %d", c->name, r.region,
                         r.account, r.access_key, r.host, r.query_mode);
            sqs_request_release(&r);
        }
    }
}

/* The identity is known even when decoding fails, for the error's metrics and logs. */
static void test_identity_survives_a_failed_decode(void **state)
{
    struct http_case h = { "POST",
                           "/",
                           { { "Authorization", AUTH("210987654321", "sa-east-1") },
                             { "X-Amz-Target", "AmazonSQS.Nope" } },
                           "{}" };
    struct sqs_http_in in = http_in(&h);
    struct sqs_request r;
    struct sqs_error err;
    assert_int_equal(sqs_wire_decode(*state, &in, "us-east-1", "000000000000", &r, &err),
                     DD_EINVAL);
    assert_string_equal(r.region, "sa-east-1");
    assert_string_equal(r.account, "210987654321");
    assert_int_equal(err.code, SQS_ERR_INVALID_ACTION);
    sqs_request_release(&r);
}

static void test_request_ids_differ(void **state)
{
    struct http_case h = { "GET", "/?Action=ListQueues", { { 0 } }, NULL };
    struct sqs_http_in in = http_in(&h);
    struct sqs_request a, b;
    struct sqs_error err;
    assert_int_equal(sqs_wire_decode(*state, &in, "r", "a", &a, &err), DD_OK);
    assert_int_equal(sqs_wire_decode(*state, &in, "r", "a", &b, &err), DD_OK);
    assert_string_not_equal(a.request_id, b.request_id);
    sqs_request_release(&a);
    sqs_request_release(&b);
}

static void test_header_lookup(void **state)
{
    struct http_case h = {
        "GET", "/", { { "Host", "first" }, { "HOST", "second" }, { "X-A", "" } }, NULL
    };
    struct sqs_http_in in = http_in(&h);
    assert_string_equal(sqs_http_header(&in, "host"), "first");
    assert_string_equal(sqs_http_header(&in, "x-a"), "");
    assert_null(sqs_http_header(&in, "x-b"));
    assert_null(sqs_http_header(&in, "Hos"));
}

/* --- rendering results ----------------------------------------------------- */

static struct sqs_request fixed_request(enum sqs_protocol proto, const char *action)
{
    struct sqs_request r;
    memset(&r, 0, sizeof(r));
    r.proto = proto;
    snprintf(r.action, sizeof(r.action), "%s", action);
    snprintf(r.request_id, sizeof(r.request_id), "%s", RID);
    return r;
}

static void assert_header(const struct dd_aws_reply *r, const char *name, const char *want,
                          const char *what)
{
    const char *got = dd_aws_reply_header(r, name);
    if (!want) {
        if (got)
            fail_msg("%s: header %s: %s, expected none", what, name, got);
        return;
    }
    if (!got || strcmp(got, want) != 0)
        fail_msg("%s: header %s: %s, expected %s", what, name, got ? got : "(none)", want);
}

static void assert_body(const struct dd_aws_reply *r, const char *want, const char *what)
{
    const char *got = r->body.data ? r->body.data : "";
    if (r->body.len != strlen(want) || memcmp(got, want, r->body.len) != 0)
        fail_msg("%s: body\n%s\nexpected\n%s", what, got, want);
}

struct result_case {
    const char *name;
    enum sqs_protocol proto;
    const char *action;
    const char *result; /* JSON text; NULL = no result */
    const char *body;   /* the exact reply body */
};

static const struct result_case result_cases[] = {
    /* JSON: the result document, compact, in the order it was built. */
    { "json GetQueueUrl", SQS_PROTO_JSON, "GetQueueUrl",
      "{\"QueueUrl\":\"http://h/000000000000/q\"}", "{\"QueueUrl\":\"http://h/000000000000/q\"}" },
    { "json empty result", SQS_PROTO_JSON, "DeleteQueue", NULL, "{}" },
    { "json empty object", SQS_PROTO_JSON, "ListQueues", "{}", "{}" },
    { "json hostile strings", SQS_PROTO_JSON, "ReceiveMessage",
      "{\"Messages\":[{\"MessageId\":\"m\",\"Body\":\"<a href=\\\"x\\\">&amp;'\\r\\n\\t\\u0001"
      "\\u00e9\\\\</a>\"}]}",
      "{\"Messages\":[{\"MessageId\":\"m\",\"Body\":\"<a href=\\\"x\\\">&amp;'\\r\\n\\t\\u0001"
      "\xc3\xa9\\\\</a>\"}]}" },
    /* Query: the whole XML document, wrapper, namespace and request id. */
    { "query GetQueueUrl", SQS_PROTO_QUERY, "GetQueueUrl",
      "{\"QueueUrl\":\"http://h/000000000000/q\"}",
      XMLDECL "<GetQueueUrlResponse " NS "><GetQueueUrlResult>"
              "<QueueUrl>http://h/000000000000/q</QueueUrl>"
              "</GetQueueUrlResult>" META "</GetQueueUrlResponse>" },
    { "query operation without output", SQS_PROTO_QUERY, "DeleteQueue", NULL,
      XMLDECL "<DeleteQueueResponse " NS ">" META "</DeleteQueueResponse>" },
    { "query empty result keeps the wrapper", SQS_PROTO_QUERY, "ReceiveMessage", "{}",
      XMLDECL "<ReceiveMessageResponse " NS "><ReceiveMessageResult/>" META
              "</ReceiveMessageResponse>" },
    { "query null result keeps the wrapper", SQS_PROTO_QUERY, "ListQueues", NULL,
      XMLDECL "<ListQueuesResponse " NS "><ListQueuesResult/>" META "</ListQueuesResponse>" },
    { "query ListQueues flattened list", SQS_PROTO_QUERY, "ListQueues",
      "{\"QueueUrls\":[\"http://h/1/a\",\"http://h/1/b\"],\"NextToken\":\"t\"}",
      XMLDECL "<ListQueuesResponse " NS "><ListQueuesResult>"
              "<QueueUrl>http://h/1/a</QueueUrl><QueueUrl>http://h/1/b</QueueUrl>"
              "<NextToken>t</NextToken></ListQueuesResult>" META "</ListQueuesResponse>" },
    { "query GetQueueAttributes flattened map", SQS_PROTO_QUERY, "GetQueueAttributes",
      "{\"Attributes\":{\"VisibilityTimeout\":\"30\",\"DelaySeconds\":\"0\"}}",
      XMLDECL "<GetQueueAttributesResponse " NS "><GetQueueAttributesResult>"
              "<Attribute><Name>VisibilityTimeout</Name><Value>30</Value></Attribute>"
              "<Attribute><Name>DelaySeconds</Name><Value>0</Value></Attribute>"
              "</GetQueueAttributesResult>" META "</GetQueueAttributesResponse>" },
    { "query ListQueueTags", SQS_PROTO_QUERY, "ListQueueTags", "{\"Tags\":{\"team\":\"a&b\"}}",
      XMLDECL "<ListQueueTagsResponse " NS "><ListQueueTagsResult>"
              "<Tag><Key>team</Key><Value>a&amp;b</Value></Tag>"
              "</ListQueueTagsResult>" META "</ListQueueTagsResponse>" },
    { "query ReceiveMessage", SQS_PROTO_QUERY, "ReceiveMessage",
      "{\"Messages\":[{\"MessageId\":\"id1\",\"ReceiptHandle\":\"rh+/=\",\"MD5OfBody\":\"d\","
      "\"Body\":\"hello\",\"Attributes\":{\"SenderId\":\"000000000000\",\"SentTimestamp\":\"1\"},"
      "\"MD5OfMessageAttributes\":\"e\",\"MessageAttributes\":{\"k\":{\"StringValue\":\"v\","
      "\"DataType\":\"String\"},\"b\":{\"BinaryValue\":\"AAE=\",\"DataType\":\"Binary\"}}}]}",
      XMLDECL "<ReceiveMessageResponse " NS "><ReceiveMessageResult><Message>"
              "<MessageId>id1</MessageId><ReceiptHandle>rh+/=</ReceiptHandle>"
              "<MD5OfBody>d</MD5OfBody><Body>hello</Body>"
              "<Attribute><Name>SenderId</Name><Value>000000000000</Value></Attribute>"
              "<Attribute><Name>SentTimestamp</Name><Value>1</Value></Attribute>"
              "<MD5OfMessageAttributes>e</MD5OfMessageAttributes>"
              "<MessageAttribute><Name>k</Name><Value><StringValue>v</StringValue>"
              "<DataType>String</DataType></Value></MessageAttribute>"
              "<MessageAttribute><Name>b</Name><Value><BinaryValue>AAE=</BinaryValue>"
              "<DataType>Binary</DataType></Value></MessageAttribute>"
              "</Message></ReceiveMessageResult>" META "</ReceiveMessageResponse>" },
    { "query SendMessageBatch", SQS_PROTO_QUERY, "SendMessageBatch",
      "{\"Successful\":[{\"Id\":\"a\",\"MessageId\":\"m\",\"MD5OfMessageBody\":\"d\"}],"
      "\"Failed\":[{\"Id\":\"b\",\"SenderFault\":true,\"Code\":\"InvalidMessageContents\","
      "\"Message\":\"bad\"}]}",
      XMLDECL "<SendMessageBatchResponse " NS "><SendMessageBatchResult>"
              "<SendMessageBatchResultEntry><Id>a</Id><MessageId>m</MessageId>"
              "<MD5OfMessageBody>d</MD5OfMessageBody></SendMessageBatchResultEntry>"
              "<BatchResultErrorEntry><Id>b</Id><SenderFault>true</SenderFault>"
              "<Code>InvalidMessageContents</Code><Message>bad</Message>"
              "</BatchResultErrorEntry></SendMessageBatchResult>" META
              "</SendMessageBatchResponse>" },
    { "query batch with nothing failed", SQS_PROTO_QUERY, "DeleteMessageBatch",
      "{\"Successful\":[{\"Id\":\"a\"}],\"Failed\":[]}",
      XMLDECL "<DeleteMessageBatchResponse " NS "><DeleteMessageBatchResult>"
              "<DeleteMessageBatchResultEntry><Id>a</Id></DeleteMessageBatchResultEntry>"
              "</DeleteMessageBatchResult>" META "</DeleteMessageBatchResponse>" },
    /* XML specials and CR are escaped so the body round-trips through a parser. */
    { "query hostile body", SQS_PROTO_QUERY, "ReceiveMessage",
      "{\"Messages\":[{\"Body\":\"<a href=\\\"x\\\">&amp;'</a>\\r\\n\\r\\t]]>\\u00e9\"}]}",
      XMLDECL "<ReceiveMessageResponse " NS "><ReceiveMessageResult><Message>"
              "<Body>&lt;a href=&quot;x&quot;&gt;&amp;amp;&apos;&lt;/a&gt;&#xD;\n&#xD;\t]]&gt;"
              "\xc3\xa9</Body>"
              "</Message></ReceiveMessageResult>" META "</ReceiveMessageResponse>" },
    { "query hostile attribute names and values", SQS_PROTO_QUERY, "ReceiveMessage",
      "{\"Messages\":[{\"MessageAttributes\":{\"<k>\":{\"StringValue\":\"\\r\",\"DataType\":"
      "\"String.<&>\"}}}]}",
      XMLDECL "<ReceiveMessageResponse " NS "><ReceiveMessageResult><Message>"
              "<MessageAttribute><Name>&lt;k&gt;</Name><Value><StringValue>&#xD;</StringValue>"
              "<DataType>String.&lt;&amp;&gt;</DataType></Value></MessageAttribute>"
              "</Message></ReceiveMessageResult>" META "</ReceiveMessageResponse>" },
    { "query empty string is an empty element", SQS_PROTO_QUERY, "ReceiveMessage",
      "{\"Messages\":[{\"Body\":\"\"}]}",
      XMLDECL "<ReceiveMessageResponse " NS "><ReceiveMessageResult><Message><Body/></Message>"
              "</ReceiveMessageResult>" META "</ReceiveMessageResponse>" },
};

static void test_render_results(void **state)
{
    struct dd_aws_model *m = *state;
    for (size_t i = 0; i < sizeof(result_cases) / sizeof(result_cases[0]); i++) {
        const struct result_case *c = &result_cases[i];
        struct sqs_request req = fixed_request(c->proto, c->action);
        json_t *result = NULL;
        if (c->result) {
            json_error_t jerr;
            result = json_loads(c->result, 0, &jerr);
            if (!result)
                fail_msg("%s: bad result JSON: %s", c->name, jerr.text);
        }
        struct dd_aws_reply out;
        int rc = sqs_wire_result(m, &req, result, &out);
        if (rc != DD_OK)
            fail_msg("%s: rc %d", c->name, rc);
        assert_int_equal(out.status, 200);
        assert_header(&out, "Content-Type",
                      c->proto == SQS_PROTO_JSON ? "application/x-amz-json-1.0" : "text/xml",
                      c->name);
        assert_header(&out, "x-amzn-RequestId", RID, c->name);
        assert_header(&out, "x-amzn-query-error", NULL, c->name);
        assert_body(&out, c->body, c->name);
        dd_aws_reply_release(&out);
        json_decref(result);
    }
}

/* A result XML cannot carry fails whole, leaving nothing half-rendered. */
static void test_render_result_xml_cannot_carry(void **state)
{
    static const char *const bad[] = { "\x01", "a\x1f", "\xff\xfe", "\xef\xbf\xbe" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct sqs_request req = fixed_request(SQS_PROTO_QUERY, "ReceiveMessage");
        json_t *result = json_pack("{s:[{s:o}]}", "Messages", "Body",
                                   json_stringn_nocheck(bad[i], strlen(bad[i])));
        assert_non_null(result);
        struct dd_aws_reply out;
        assert_int_equal(sqs_wire_result(*state, &req, result, &out), DD_EINVAL);
        assert_int_equal(out.n_headers, 0);
        assert_int_equal(out.body.len, 0);
        assert_null(out.body.data);
        dd_aws_reply_release(&out);
        json_decref(result);
    }
}

/* --- rendering errors ------------------------------------------------------ */

struct error_case {
    const char *name;
    enum sqs_protocol proto;
    enum sqs_errcode code;
    const char *message;
    int status;
    const char *query_error; /* the x-amzn-query-error header, NULL for none */
    const char *body;
};

#define ERRXML(type, code, msg)                                                                    \
    XMLDECL "<ErrorResponse " NS "><Error><Type>" type "</Type><Code>" code "</Code><Message>" msg \
            "</Message><Detail/></Error><RequestId>" RID "</RequestId></ErrorResponse>"

static const struct error_case error_cases[] = {
    { "json modelled error", SQS_PROTO_JSON, SQS_ERR_QUEUE_DOES_NOT_EXIST,
      "The specified queue does not exist.", 400, "AWS.SimpleQueueService.NonExistentQueue;Sender",
      "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\","
      "\"message\":\"The specified queue does not exist.\"}" },
    { "json error with a plain query code", SQS_PROTO_JSON, SQS_ERR_QUEUE_NAME_EXISTS, "m", 400,
      "QueueAlreadyExists;Sender",
      "{\"__type\":\"com.amazonaws.sqs#QueueNameExists\",\"message\":\"m\"}" },
    { "json common error", SQS_PROTO_JSON, SQS_ERR_INVALID_ACTION, "no", 400,
      "InvalidAction;Sender",
      "{\"__type\":\"com.amazon.coral.service#UnknownOperationException\",\"message\":\"no\"}" },
    { "json receiver fault", SQS_PROTO_JSON, SQS_ERR_INTERNAL_ERROR, "boom", 500,
      "InternalError;Receiver",
      "{\"__type\":\"com.amazon.coral.service#InternalFailure\",\"message\":\"boom\"}" },
    { "json 403", SQS_PROTO_JSON, SQS_ERR_OVER_LIMIT, "", 403, "OverLimit;Sender",
      "{\"__type\":\"com.amazonaws.sqs#OverLimit\",\"message\":\"\"}" },
    { "json hostile message", SQS_PROTO_JSON, SQS_ERR_INVALID_PARAMETER_VALUE, "q\"<&>\r\n\\\x01",
      400, "InvalidParameterValue;Sender",
      "{\"__type\":\"com.amazon.coral.service#InvalidParameterValueException\","
      "\"message\":\"q\\\"<&>\\r\\n\\\\\xef\xbf\xbd\"}" },
    { "json no error code is an internal error", SQS_PROTO_JSON, SQS_ERR_NONE, "x", 500,
      "InternalError;Receiver",
      "{\"__type\":\"com.amazon.coral.service#InternalFailure\",\"message\":\"x\"}" },
    { "json out-of-range code is an internal error", SQS_PROTO_JSON, SQS_ERR__COUNT, "x", 500,
      "InternalError;Receiver",
      "{\"__type\":\"com.amazon.coral.service#InternalFailure\",\"message\":\"x\"}" },
    { "query modelled error", SQS_PROTO_QUERY, SQS_ERR_QUEUE_DOES_NOT_EXIST,
      "The specified queue does not exist.", 400, NULL,
      ERRXML("Sender", "AWS.SimpleQueueService.NonExistentQueue",
             "The specified queue does not exist.") },
    { "query common error", SQS_PROTO_QUERY, SQS_ERR_MISSING_PARAMETER,
      "The request must contain the parameter Action.", 400, NULL,
      ERRXML("Sender", "MissingParameter", "The request must contain the parameter Action.") },
    { "query receiver fault", SQS_PROTO_QUERY, SQS_ERR_SERVICE_UNAVAILABLE, "later", 503, NULL,
      ERRXML("Receiver", "ServiceUnavailable", "later") },
    { "query hostile message", SQS_PROTO_QUERY, SQS_ERR_INVALID_PARAMETER_VALUE,
      "q\"<&>'\r\n\\\x01]]>", 400, NULL,
      ERRXML("Sender", "InvalidParameterValue",
             "q&quot;&lt;&amp;&gt;&apos;&#xD;\n\\\xef\xbf\xbd]]&gt;") },
    { "query empty message", SQS_PROTO_QUERY, SQS_ERR_PURGE_QUEUE_IN_PROGRESS, "", 403, NULL,
      XMLDECL "<ErrorResponse " NS "><Error><Type>Sender</Type>"
              "<Code>AWS.SimpleQueueService.PurgeQueueInProgress</Code><Message/><Detail/>"
              "</Error><RequestId>" RID "</RequestId></ErrorResponse>" },
    { "query no error code is an internal error", SQS_PROTO_QUERY, SQS_ERR_NONE, "x", 500, NULL,
      ERRXML("Receiver", "InternalError", "x") },
};

static void test_render_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
        const struct error_case *c = &error_cases[i];
        struct sqs_request req = fixed_request(c->proto, "SendMessage");
        struct sqs_error err;
        memset(&err, 0, sizeof(err));
        err.code = c->code;
        snprintf(err.message, sizeof(err.message), "%s", c->message);
        struct dd_aws_reply out;
        int rc = sqs_wire_error(&req, &err, &out);
        if (rc != DD_OK)
            fail_msg("%s: rc %d", c->name, rc);
        if (out.status != c->status)
            fail_msg("%s: status %d, expected %d", c->name, out.status, c->status);
        assert_header(&out, "Content-Type",
                      c->proto == SQS_PROTO_JSON ? "application/x-amz-json-1.0" : "text/xml",
                      c->name);
        assert_header(&out, "x-amzn-RequestId", RID, c->name);
        assert_header(&out, "x-amzn-query-error", c->query_error, c->name);
        assert_body(&out, c->body, c->name);
        dd_aws_reply_release(&out);
    }
}

/*
 * Decode and error rendering together, as the server runs them: what the
 * client sent comes back escaped in its own protocol.
 */
static void test_decode_failure_answered_in_client_protocol(void **state)
{
    struct http_case q = { "POST", "/", { { 0 } }, "Action=%3Cx%3E%26%0D" };
    struct sqs_http_in in = http_in(&q);
    struct sqs_request r;
    struct sqs_error err;
    assert_int_equal(sqs_wire_decode(*state, &in, "us-east-1", "000000000000", &r, &err),
                     DD_EINVAL);
    snprintf(r.request_id, sizeof(r.request_id), "%s", RID);
    struct dd_aws_reply out;
    assert_int_equal(sqs_wire_error(&r, &err, &out), DD_OK);
    assert_int_equal(out.status, 400);
    assert_body(&out,
                ERRXML("Sender", "InvalidAction",
                       "The action &lt;x&gt;&amp;&#xD; is not valid for this web service."),
                "query");
    dd_aws_reply_release(&out);
    sqs_request_release(&r);

    struct http_case j = { "POST", "/", { { "X-Amz-Target", "AmazonSQS.<x>\"" } }, "{}" };
    in = http_in(&j);
    assert_int_equal(sqs_wire_decode(*state, &in, "us-east-1", "000000000000", &r, &err),
                     DD_EINVAL);
    snprintf(r.request_id, sizeof(r.request_id), "%s", RID);
    assert_int_equal(sqs_wire_error(&r, &err, &out), DD_OK);
    assert_header(&out, "x-amzn-query-error", "InvalidAction;Sender", "json");
    assert_body(&out,
                "{\"__type\":\"com.amazon.coral.service#UnknownOperationException\","
                "\"message\":\"The action <x>\\\" is not valid for this web service.\"}",
                "json");
    dd_aws_reply_release(&out);
    sqs_request_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_ok),
        cmocka_unit_test(test_decode_errors),
        cmocka_unit_test(test_identity),
        cmocka_unit_test(test_identity_survives_a_failed_decode),
        cmocka_unit_test(test_request_ids_differ),
        cmocka_unit_test(test_header_lookup),
        cmocka_unit_test(test_render_results),
        cmocka_unit_test(test_render_result_xml_cannot_carry),
        cmocka_unit_test(test_render_errors),
        cmocka_unit_test(test_decode_failure_answered_in_client_protocol),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
