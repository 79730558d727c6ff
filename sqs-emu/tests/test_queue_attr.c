/* Unit tests for sqs-emu/queue_attr.c: defaults, ranges, messages, redrive documents. */
#include "sqs-emu/tests/engine_fixture.h"

#include "sqs-emu/queue_attr.h"

/* Tries CreateQueue "q" with one attribute; returns the rc. */
static int create_with(struct world *w, const char *name, const char *key, const char *value)
{
    struct sqs_kv kv = { key, value };
    return sqs_queue_create(w->e, ACCOUNT, name, &kv, 1, NULL, 0, T0, NULL, &w->err);
}

static void test_defaults_of_a_new_queue(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *q = make_queue(w, "orders", NULL);
    const char *all[] = { "All" };
    struct sqs_kvlist l = { 0 };
    assert_int_equal(sqs_queue_attrs_get(q, all, 1, &l, &w->err), DD_OK);
    static const char *const want[][2] = {
        { "QueueArn", "arn:aws:sqs:us-east-1:123456789012:orders" },
        { "ApproximateNumberOfMessages", "0" },
        { "ApproximateNumberOfMessagesNotVisible", "0" },
        { "ApproximateNumberOfMessagesDelayed", "0" },
        { "CreatedTimestamp", "1700000000" },
        { "LastModifiedTimestamp", "1700000000" },
        { "VisibilityTimeout", "30" },
        { "MaximumMessageSize", "1048576" },
        { "MessageRetentionPeriod", "345600" },
        { "DelaySeconds", "0" },
        { "ReceiveMessageWaitTimeSeconds", "0" },
        { "SqsManagedSseEnabled", "true" },
    };
    assert_int_equal(l.n, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < l.n; i++) {
        assert_string_equal(l.v[i].key, want[i][0]);
        assert_string_equal(l.v[i].value, want[i][1]);
    }
    sqs_kvlist_release(&l);
    world_free(w);
}

static void test_fifo_defaults(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *q = make_queue(w, "jobs.fifo", "FifoQueue", "true", NULL);
    char b[64];
    assert_string_equal(qattr(w, q, "FifoQueue", T0, b, sizeof(b)), "true");
    assert_string_equal(qattr(w, q, "ContentBasedDeduplication", T0, b, sizeof(b)), "false");
    assert_string_equal(qattr(w, q, "DeduplicationScope", T0, b, sizeof(b)), "queue");
    assert_string_equal(qattr(w, q, "FifoThroughputLimit", T0, b, sizeof(b)), "perQueue");
    /* A standard queue never shows them, even when asked by name. */
    struct sqs_queue *s = make_queue(w, "plain", NULL);
    assert_string_equal(qattr(w, s, "FifoQueue", T0, b, sizeof(b)), "(absent)");
    world_free(w);
}

struct range_case {
    const char *name;
    const char *ok[3];
    const char *bad[6];
};

static const struct range_case ranges[] = {
    { "VisibilityTimeout", { "0", "43200", "30" }, { "-1", "43201", "abc", "1.5", " 30", "" } },
    { "DelaySeconds", { "0", "900", "5" }, { "-1", "901", "x", "9e2", "+5", "" } },
    { "MaximumMessageSize",
      { "1024", "1048576", "262144" },
      { "1023", "1048577", "0", "1k", "262144.0", "" } },
    { "MessageRetentionPeriod",
      { "60", "1209600", "345600" },
      { "59", "1209601", "-60", "1 day", "0x3c", "" } },
    { "ReceiveMessageWaitTimeSeconds", { "0", "20", "10" }, { "-1", "21", "20s", "", "2 0", "x" } },
    { "KmsDataKeyReusePeriodSeconds",
      { "60", "86400", "300" },
      { "59", "86401", "", "ten", "-300", "99999999999999999999" } },
};

static void test_integer_ranges_and_messages(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    int k = 0;
    for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
        for (size_t j = 0; j < 3; j++) {
            char name[32];
            snprintf(name, sizeof(name), "ok-%d", k++);
            if (create_with(w, name, ranges[i].name, ranges[i].ok[j]) != DD_OK)
                fail_msg("%s=%s refused: %s", ranges[i].name, ranges[i].ok[j], w->err.message);
            struct sqs_queue *q = sqs_queue_lookup(w->e, ACCOUNT, name);
            char b[64];
            assert_string_equal(qattr(w, q, ranges[i].name, T0, b, sizeof(b)), ranges[i].ok[j]);
        }
        for (size_t j = 0; j < 6; j++) {
            char want[128];
            snprintf(want, sizeof(want), "Invalid value for the parameter %s.", ranges[i].name);
            assert_int_equal(create_with(w, "bad", ranges[i].name, ranges[i].bad[j]), DD_EINVAL);
            assert_err(w, SQS_ERR_INVALID_ATTRIBUTE_VALUE, want);
            assert_null(sqs_queue_lookup(w->e, ACCOUNT, "bad"));
        }
    }
    world_free(w);
}

static void test_names_unknown_readonly_and_fifo_only(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    assert_int_equal(create_with(w, "q", "VisibilityTimeoutSeconds", "30"), DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_ATTRIBUTE_NAME, "Unknown Attribute VisibilityTimeoutSeconds.");
    assert_int_equal(create_with(w, "q", "QueueArn", "arn:aws:sqs:us-east-1:1:q"), DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_ATTRIBUTE_NAME, "Unknown Attribute QueueArn.");
    assert_int_equal(create_with(w, "q", "ApproximateNumberOfMessages", "3"), DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_ATTRIBUTE_NAME, "Unknown Attribute ApproximateNumberOfMessages.");
    assert_int_equal(create_with(w, "q", "ContentBasedDeduplication", "true"), DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_ATTRIBUTE_NAME, "Unknown Attribute ContentBasedDeduplication.");
    assert_int_equal(create_with(w, "q", "", "1"), DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_ATTRIBUTE_NAME, "Unknown Attribute .");
    /* Names are case-sensitive. */
    assert_int_equal(create_with(w, "q", "visibilitytimeout", "30"), DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_ATTRIBUTE_NAME, "Unknown Attribute visibilitytimeout.");
    /* GetQueueAttributes with an unknown name fails as a whole. */
    struct sqs_queue *q = make_queue(w, "q", NULL);
    const char *names[] = { "VisibilityTimeout", "Nope" };
    struct sqs_kvlist l = { 0 };
    assert_int_equal(sqs_queue_attrs_get(q, names, 2, &l, &w->err), DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_ATTRIBUTE_NAME, "Unknown Attribute Nope.");
    sqs_kvlist_release(&l);
    world_free(w);
}

static void test_booleans_and_enums(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    assert_int_equal(create_with(w, "a", "SqsManagedSseEnabled", "FALSE"), DD_OK);
    char b[64];
    assert_string_equal(
        qattr(w, sqs_queue_lookup(w->e, ACCOUNT, "a"), "SqsManagedSseEnabled", T0, b, sizeof(b)),
        "false");
    assert_int_equal(create_with(w, "b", "SqsManagedSseEnabled", "yes"), DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_ATTRIBUTE_VALUE,
               "Invalid value for the parameter SqsManagedSseEnabled.");
    struct sqs_kv bad_scope[] = { { "FifoQueue", "true" }, { "DeduplicationScope", "group" } };
    assert_int_equal(
        sqs_queue_create(w->e, ACCOUNT, "f.fifo", bad_scope, 2, NULL, 0, T0, NULL, &w->err),
        DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_ATTRIBUTE_VALUE,
               "Invalid value for the parameter DeduplicationScope.");
    /* perMessageGroupId throughput requires messageGroup deduplication. */
    struct sqs_kv hi[] = { { "FifoQueue", "true" },
                           { "FifoThroughputLimit", "perMessageGroupId" } };
    assert_int_equal(sqs_queue_create(w->e, ACCOUNT, "f.fifo", hi, 2, NULL, 0, T0, NULL, &w->err),
                     DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_ATTRIBUTE_VALUE,
               "Invalid value for the parameter FifoThroughputLimit.");
    struct sqs_kv hi_ok[] = { { "FifoQueue", "true" },
                              { "FifoThroughputLimit", "perMessageGroupId" },
                              { "DeduplicationScope", "messageGroup" },
                              { "ContentBasedDeduplication", "true" } };
    struct sqs_queue *f = NULL;
    assert_int_equal(sqs_queue_create(w->e, ACCOUNT, "f.fifo", hi_ok, 4, NULL, 0, T0, &f, &w->err),
                     DD_OK);
    assert_string_equal(qattr(w, f, "FifoThroughputLimit", T0, b, sizeof(b)), "perMessageGroupId");
    assert_string_equal(qattr(w, f, "ContentBasedDeduplication", T0, b, sizeof(b)), "true");
    /* FifoQueue cannot change after creation, only be restated. */
    struct sqs_kv off = { "FifoQueue", "false" }, on = { "FifoQueue", "true" };
    assert_int_equal(sqs_queue_set_attributes(f, &off, 1, T0, &w->err), DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_ATTRIBUTE_VALUE, "Invalid value for the parameter FifoQueue.");
    assert_int_equal(sqs_queue_set_attributes(f, &on, 1, T0, &w->err), DD_OK);
    world_free(w);
}

static void test_policy_and_kms(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    assert_int_equal(create_with(w, "p", "Policy", "{not json"), DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_ATTRIBUTE_VALUE, "Invalid value for the parameter Policy.");
    assert_int_equal(create_with(w, "p", "Policy", "[1,2]"), DD_EINVAL);
    const char *pol = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";
    assert_int_equal(create_with(w, "p", "Policy", pol), DD_OK);
    struct sqs_queue *q = sqs_queue_lookup(w->e, ACCOUNT, "p");
    char b[256];
    assert_string_equal(qattr(w, q, "Policy", T0, b, sizeof(b)), pol);
    /* An empty Policy removes it. */
    struct sqs_kv clear = { "Policy", "" };
    assert_int_equal(sqs_queue_set_attributes(q, &clear, 1, T0, &w->err), DD_OK);
    assert_string_equal(qattr(w, q, "Policy", T0, b, sizeof(b)), "(absent)");

    /* A KMS key turns SSE-SQS off and brings the reuse period into All. */
    assert_int_equal(create_with(w, "k", "KmsMasterKeyId", "alias/aws/sqs"), DD_OK);
    struct sqs_queue *k = sqs_queue_lookup(w->e, ACCOUNT, "k");
    assert_string_equal(qattr(w, k, "SqsManagedSseEnabled", T0, b, sizeof(b)), "false");
    const char *all[] = { "All" };
    struct sqs_kvlist l = { 0 };
    assert_int_equal(sqs_queue_attrs_get(k, all, 1, &l, &w->err), DD_OK);
    assert_string_equal(sqs_kvlist_get(&l, "KmsMasterKeyId"), "alias/aws/sqs");
    assert_string_equal(sqs_kvlist_get(&l, "KmsDataKeyReusePeriodSeconds"), "300");
    sqs_kvlist_release(&l);
    assert_int_equal(sqs_queue_attrs_get(q, all, 1, &l, &w->err), DD_OK);
    assert_null(sqs_kvlist_get(&l, "KmsDataKeyReusePeriodSeconds"));
    assert_null(sqs_kvlist_get(&l, "KmsMasterKeyId"));
    sqs_kvlist_release(&l);
    world_free(w);
}

#define DLQ_ARN "arn:aws:sqs:us-east-1:123456789012:dlq"

static void test_redrive_policy_rules(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    make_queue(w, "dlq", NULL);
    static const struct {
        const char *doc;
        enum sqs_errcode code;
        const char *reason; /* after "Reason: " or the whole message for non-JSON */
    } cases[] = {
        { "not json", SQS_ERR_INVALID_ATTRIBUTE_VALUE,
          "Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid "
          "JSON map." },
        { "[1]", SQS_ERR_INVALID_ATTRIBUTE_VALUE,
          "Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid "
          "JSON map." },
        { "{\"deadLetterTargetArn\":\"" DLQ_ARN "\"}", SQS_ERR_INVALID_PARAMETER_VALUE,
          "Redrive policy does not contain mandatory attribute: maxReceiveCount." },
        { "{\"maxReceiveCount\":3}", SQS_ERR_INVALID_PARAMETER_VALUE,
          "Redrive policy does not contain mandatory attribute: deadLetterTargetArn." },
        { "{\"deadLetterTargetArn\":\"" DLQ_ARN "\",\"maxReceiveCount\":0}",
          SQS_ERR_INVALID_PARAMETER_VALUE,
          "Invalid value for maxReceiveCount: 0, valid values are from 1 to 1000 both inclusive." },
        { "{\"deadLetterTargetArn\":\"" DLQ_ARN "\",\"maxReceiveCount\":1001}",
          SQS_ERR_INVALID_PARAMETER_VALUE,
          "Invalid value for maxReceiveCount: 1001, valid values are from 1 to 1000 both "
          "inclusive." },
        { "{\"deadLetterTargetArn\":\"" DLQ_ARN "\",\"maxReceiveCount\":\"abc\"}",
          SQS_ERR_INVALID_PARAMETER_VALUE,
          "Invalid value for maxReceiveCount: abc, valid values are from 1 to 1000 both "
          "inclusive." },
        { "{\"deadLetterTargetArn\":\"dlq\",\"maxReceiveCount\":3}",
          SQS_ERR_INVALID_PARAMETER_VALUE,
          "Dead-letter target ARN should be fully qualified ARN." },
        { "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:nope\","
          "\"maxReceiveCount\":3}",
          SQS_ERR_INVALID_PARAMETER_VALUE, "Dead letter target does not exist." },
        { "{\"deadLetterTargetArn\":\"arn:aws:sqs:eu-west-1:123456789012:dlq\","
          "\"maxReceiveCount\":3}",
          SQS_ERR_INVALID_PARAMETER_VALUE, "Dead letter target does not exist." },
        { "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:999999999999:dlq\","
          "\"maxReceiveCount\":3}",
          SQS_ERR_INVALID_PARAMETER_VALUE,
          "Dead-letter target owner should be same as the source." },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(create_with(w, "src", "RedrivePolicy", cases[i].doc), DD_EINVAL);
        char want[512];
        if (cases[i].code == SQS_ERR_INVALID_PARAMETER_VALUE)
            snprintf(want, sizeof(want),
                     "Value %s for parameter RedrivePolicy is invalid. Reason: %s", cases[i].doc,
                     cases[i].reason);
        else
            snprintf(want, sizeof(want), "%s", cases[i].reason);
        assert_err(w, cases[i].code, want);
    }
    /* The edges, a numeric string, and the canonical form SQS returns. */
    assert_int_equal(create_with(w, "src1", "RedrivePolicy",
                                 "{\"maxReceiveCount\":\"1\",\"deadLetterTargetArn\":\"" DLQ_ARN
                                 "\",\"extra\":true}"),
                     DD_OK);
    char b[256];
    struct sqs_queue *s1 = sqs_queue_lookup(w->e, ACCOUNT, "src1");
    assert_string_equal(qattr(w, s1, "RedrivePolicy", T0, b, sizeof(b)),
                        "{\"deadLetterTargetArn\":\"" DLQ_ARN "\",\"maxReceiveCount\":1}");
    assert_int_equal(s1->attrs.max_receive_count, 1);
    assert_int_equal(create_with(w, "src1000", "RedrivePolicy",
                                 "{\"deadLetterTargetArn\":\"" DLQ_ARN
                                 "\",\"maxReceiveCount\":1000}"),
                     DD_OK);
    /* An empty RedrivePolicy removes it. */
    struct sqs_kv clear = { "RedrivePolicy", "" };
    assert_int_equal(sqs_queue_set_attributes(s1, &clear, 1, T0, &w->err), DD_OK);
    assert_string_equal(qattr(w, s1, "RedrivePolicy", T0, b, sizeof(b)), "(absent)");
    assert_int_equal(s1->attrs.max_receive_count, 0);
    assert_null(s1->attrs.dlq_arn);
    world_free(w);
}

static void test_redrive_kind_and_allow_policy(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    make_queue(w, "dlq", NULL);
    make_queue(w, "dlq.fifo", "FifoQueue", "true", NULL);
    const char *to_std = "{\"deadLetterTargetArn\":\"" DLQ_ARN "\",\"maxReceiveCount\":2}";
    struct sqs_kv fifo_src[] = { { "FifoQueue", "true" }, { "RedrivePolicy", to_std } };
    assert_int_equal(
        sqs_queue_create(w->e, ACCOUNT, "src.fifo", fifo_src, 2, NULL, 0, T0, NULL, &w->err),
        DD_EINVAL);
    assert_int_equal(w->err.code, SQS_ERR_INVALID_PARAMETER_VALUE);
    assert_non_null(strstr(w->err.message, "type must be the same"));

    /* denyAll on the DLQ refuses every source; byQueue only the listed ones. */
    struct sqs_queue *dlq = sqs_queue_lookup(w->e, ACCOUNT, "dlq");
    struct sqs_kv deny = { "RedriveAllowPolicy", "{\"redrivePermission\":\"denyAll\"}" };
    assert_int_equal(sqs_queue_set_attributes(dlq, &deny, 1, T0, &w->err), DD_OK);
    assert_int_equal(create_with(w, "src", "RedrivePolicy", to_std), DD_EINVAL);
    assert_int_equal(w->err.code, SQS_ERR_INVALID_PARAMETER_VALUE);
    struct sqs_kv byq = { "RedriveAllowPolicy",
                          "{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":["
                          "\"arn:aws:sqs:us-east-1:123456789012:src\"]}" };
    assert_int_equal(sqs_queue_set_attributes(dlq, &byq, 1, T0, &w->err), DD_OK);
    assert_int_equal(create_with(w, "other", "RedrivePolicy", to_std), DD_EINVAL);
    assert_int_equal(create_with(w, "src", "RedrivePolicy", to_std), DD_OK);
    char b[256];
    assert_string_equal(qattr(w, dlq, "RedriveAllowPolicy", T0, b, sizeof(b)),
                        "{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":["
                        "\"arn:aws:sqs:us-east-1:123456789012:src\"]}");
    world_free(w);
}

static void test_redrive_allow_policy_documents(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    const char *fmt_err = "Invalid value for the parameter RedriveAllowPolicy. Reason: Amazon SQS "
                          "can't create the redrive allow policy, as it\u2019s in an unsupported "
                          "format.";
    const char *bad_shape[] = { "nope", "{}", "{\"redrivePermission\":\"maybe\"}",
                                "{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":[1]}",
                                "{\"redrivePermission\":\"allowAll\",\"x\":1}" };
    for (size_t i = 0; i < sizeof(bad_shape) / sizeof(bad_shape[0]); i++) {
        assert_int_equal(create_with(w, "d", "RedriveAllowPolicy", bad_shape[i]), DD_EINVAL);
        assert_err(w, SQS_ERR_INVALID_ATTRIBUTE_VALUE, fmt_err);
    }
    const char *not_byq = "{\"redrivePermission\":\"allowAll\",\"sourceQueueArns\":[\"a\"]}";
    assert_int_equal(create_with(w, "d", "RedriveAllowPolicy", not_byq), DD_EINVAL);
    char want[512];
    snprintf(want, sizeof(want),
             "Value %s for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't "
             "create the redrive allow policy. To specify one or more source queue ARNs, you must "
             "set redrivePermission to byQueue.",
             not_byq);
    assert_err(w, SQS_ERR_INVALID_PARAMETER_VALUE, want);
    const char *empty = "{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":[]}";
    assert_int_equal(create_with(w, "d", "RedriveAllowPolicy", empty), DD_EINVAL);
    assert_non_null(strstr(w->err.message, "you must also specify one or more sourceQueueArns"));
    char eleven[1024] = "{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":[";
    for (int i = 0; i < 11; i++) {
        char one[64];
        snprintf(one, sizeof(one), "%s\"arn:aws:sqs:us-east-1:123456789012:s%d\"", i ? "," : "", i);
        strcat(eleven, one);
    }
    strcat(eleven, "]}");
    assert_int_equal(create_with(w, "d", "RedriveAllowPolicy", eleven), DD_EINVAL);
    assert_non_null(strstr(w->err.message, "The maximum number of source queue ARNs you can "
                                           "specify is 10."));
    /* Ten is the limit, not over it. */
    char ten[1024] = "{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":[";
    for (int i = 0; i < 10; i++) {
        char one[64];
        snprintf(one, sizeof(one), "%s\"arn:aws:sqs:us-east-1:123456789012:s%d\"", i ? "," : "", i);
        strcat(ten, one);
    }
    strcat(ten, "]}");
    assert_int_equal(create_with(w, "d", "RedriveAllowPolicy", ten), DD_OK);
    assert_int_equal(sqs_queue_lookup(w->e, ACCOUNT, "d")->attrs.n_source_arns, 10);
    world_free(w);
}

static void test_arn_parse(void **state)
{
    (void)state;
    char r[32], a[32], n[96];
    assert_int_equal(sqs_arn_parse("arn:aws:sqs:us-east-1:123456789012:q-1", r, sizeof(r), a,
                                   sizeof(a), n, sizeof(n)),
                     DD_OK);
    assert_string_equal(r, "us-east-1");
    assert_string_equal(a, "123456789012");
    assert_string_equal(n, "q-1");
    assert_int_equal(
        sqs_arn_parse("arn:aws-cn:sqs:cn-north-1:1:q", r, sizeof(r), a, sizeof(a), n, sizeof(n)),
        DD_OK);
    const char *bad[] = { "",
                          "arn:aws:sqs:us-east-1:1",
                          "arn:aws:sns:us-east-1:1:q",
                          "arn:aws:sqs:us-east-1:1:q:extra",
                          "arn:aws:sqs::1:q",
                          "arn:aws:sqs:us-east-1::q",
                          "arn:aws:sqs:us-east-1:1:",
                          "urn:aws:sqs:us-east-1:1:q",
                          "arn:gcp:sqs:us-east-1:1:q" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(sqs_arn_parse(bad[i], r, sizeof(r), a, sizeof(a), n, sizeof(n)),
                         DD_EINVAL);
    /* Too long for the caller's buffer is refused, not truncated. */
    assert_int_equal(sqs_arn_parse("arn:aws:sqs:us-east-1:1:averyveryverylongname", r, sizeof(r), a,
                                   sizeof(a), n, 8),
                     DD_EINVAL);
}

static void test_export_round_trips_through_restore_mode(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    make_queue(w, "dlq", NULL);
    struct sqs_queue *q =
        make_queue(w, "src", "VisibilityTimeout", "45", "DelaySeconds", "3", "RedrivePolicy",
                   "{\"deadLetterTargetArn\":\"" DLQ_ARN "\",\"maxReceiveCount\":4}",
                   "KmsMasterKeyId", "k1", NULL);
    struct sqs_kvlist l = { 0 };
    assert_int_equal(sqs_queue_attrs_export(&q->attrs, &l), DD_OK);
    struct sqs_kv kv[32];
    for (size_t i = 0; i < l.n; i++) {
        kv[i].key = l.v[i].key;
        kv[i].value = l.v[i].value;
    }
    /* Restore mode accepts the export even with the DLQ gone. */
    struct sqs_queue *dlq = sqs_queue_lookup(w->e, ACCOUNT, "dlq");
    assert_int_equal(sqs_queue_delete(dlq, T0, &w->err), DD_OK);
    struct sqs_queue_attrs a;
    sqs_queue_attrs_defaults(&a, 0);
    assert_int_equal(
        sqs_queue_attrs_apply(w->e, ACCOUNT, "src", 0, SQS_ATTRS_RESTORE, kv, l.n, &a, &w->err),
        DD_OK);
    for (size_t i = 0; i < l.n; i++) {
        char *v = NULL;
        assert_int_equal(sqs_queue_attr_format(&a, l.v[i].key, &v), DD_OK);
        assert_string_equal(v, l.v[i].value);
        free(v);
    }
    assert_int_equal(a.max_receive_count, 4);
    assert_int_equal(a.sqs_managed_sse, 0);
    sqs_queue_attrs_release(&a);
    sqs_kvlist_release(&l);
    world_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_of_a_new_queue),
        cmocka_unit_test(test_fifo_defaults),
        cmocka_unit_test(test_integer_ranges_and_messages),
        cmocka_unit_test(test_names_unknown_readonly_and_fifo_only),
        cmocka_unit_test(test_booleans_and_enums),
        cmocka_unit_test(test_policy_and_kms),
        cmocka_unit_test(test_redrive_policy_rules),
        cmocka_unit_test(test_redrive_kind_and_allow_policy),
        cmocka_unit_test(test_redrive_allow_policy_documents),
        cmocka_unit_test(test_arn_parse),
        cmocka_unit_test(test_export_round_trips_through_restore_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
