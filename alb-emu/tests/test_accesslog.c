/* Unit tests for alb-emu/accesslog.c: whole access-log lines compared byte
 * for byte — the user guide's examples, a malformed request, a 503 with no
 * target, IPv6 clients, escaping and rounding. */
#include "alb-emu/tests/fixture.h"

#include "alb-emu/accesslog.h"

static struct alb_addr ap(const char *ip, uint16_t port)
{
    struct alb_addr a;
    assert_int_equal(alb_addr_parse(ip, strlen(ip), &a), DD_OK);
    a.port = port;
    return a;
}

static void expect_line(const struct alb_access_log_entry *e, const char *want)
{
    struct dd_buf out = DD_BUF_INIT;
    assert_int_equal(alb_access_log_format(e, &out), DD_OK);
    if (strcmp(out.data, want) != 0)
        fail_msg("\n got: %s\nwant: %s", out.data, want);
    dd_buf_release(&out);
}

#define TG_ARN \
    "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067"

/* "Example HTTP Entry" of the user guide (current field list). */
static void test_doc_http_entry(void **state)
{
    (void)state;
    struct alb_access_log_entry e;
    alb_access_log_entry_init(&e);
    e.type = "http";
    e.time_us = INT64_C(1530570180186641);
    e.elb = "app/my-loadbalancer/50dc6c495c0c9188";
    e.client = ap("192.168.131.39", 2817);
    e.target = ap("10.0.0.1", 80);
    e.request_processing_us = 0;
    e.target_processing_us = 1000;
    e.response_processing_us = 0;
    e.elb_status_code = 200;
    e.target_status_code = 200;
    e.received_bytes = 34;
    e.sent_bytes = 366;
    e.request_method = "GET";
    e.request_url = "http://www.example.com:80/";
    e.request_protocol = "HTTP/1.1";
    e.user_agent = "curl/7.46.0";
    e.target_group_arn = TG_ARN;
    e.trace_id = "Root=1-58337262-36d228ad5d99923122bbe354";
    e.matched_rule_priority = 0;
    e.request_creation_us = INT64_C(1530570168364000);
    e.actions_executed = "forward";
    e.target_port_list = "10.0.0.1:80";
    e.target_status_code_list = "200";
    e.conn_trace_id = "TID_1234abcd5678ef90";
    expect_line(&e, "http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 "
                    "192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "
                    "\"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - - " TG_ARN " "
                    "\"Root=1-58337262-36d228ad5d99923122bbe354\" \"-\" \"-\" 0 "
                    "2018-07-02T22:22:48.364000Z \"forward\" \"-\" \"-\" \"10.0.0.1:80\" \"200\" "
                    "\"-\" \"-\" TID_1234abcd5678ef90 \"-\" \"-\" \"-\"");
}

/* "Example HTTPS Entry": TLS fields, a matched rule, authenticate,forward. */
static void test_doc_https_entry(void **state)
{
    (void)state;
    struct alb_access_log_entry e;
    alb_access_log_entry_init(&e);
    e.type = "https";
    e.time_us = INT64_C(1530570180186641);
    e.elb = "app/my-loadbalancer/50dc6c495c0c9188";
    e.client = ap("192.168.131.39", 2817);
    e.target = ap("10.0.0.1", 80);
    e.request_processing_us = 86000;
    e.target_processing_us = 48000;
    e.response_processing_us = 37000;
    e.elb_status_code = 200;
    e.target_status_code = 200;
    e.received_bytes = 0;
    e.sent_bytes = 57;
    e.request_method = "GET";
    e.request_url = "https://www.example.com:443/";
    e.request_protocol = "HTTP/1.1";
    e.user_agent = "curl/7.46.0";
    e.ssl_cipher = "ECDHE-RSA-AES128-GCM-SHA256";
    e.ssl_protocol = "TLSv1.2";
    e.target_group_arn = TG_ARN;
    e.trace_id = "Root=1-58337281-1d84f3d73c47ec4e58577259";
    e.domain_name = "www.example.com";
    e.chosen_cert_arn =
        "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012";
    e.matched_rule_priority = 1;
    e.request_creation_us = INT64_C(1530570168364000);
    e.actions_executed = "authenticate,forward";
    e.target_port_list = "10.0.0.1:80";
    e.target_status_code_list = "200";
    e.conn_trace_id = "TID_1234abcd5678ef90";
    e.transformed_host = "m.example.com";
    e.request_transform_status = "TransformSuccess";
    expect_line(&e, "https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 "
                    "192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "
                    "\"GET https://www.example.com:443/ HTTP/1.1\" \"curl/7.46.0\" "
                    "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 " TG_ARN " "
                    "\"Root=1-58337281-1d84f3d73c47ec4e58577259\" \"www.example.com\" "
                    "\"arn:aws:acm:us-east-2:123456789012:certificate/"
                    "12345678-1234-1234-1234-123456789012\" 1 2018-07-02T22:22:48.364000Z "
                    "\"authenticate,forward\" \"-\" \"-\" \"10.0.0.1:80\" \"200\" \"-\" \"-\" "
                    "TID_1234abcd5678ef90 \"m.example.com\" \"-\" \"TransformSuccess\"");
}

/* A redirect: the Location in redirect_url. */
static void test_redirect_entry(void **state)
{
    (void)state;
    struct alb_access_log_entry e;
    alb_access_log_entry_init(&e);
    e.type = "http";
    e.time_us = INT64_C(1530570180186641);
    e.elb = "app/web/0123456789abcdef";
    e.client = ap("10.0.1.252", 48160);
    e.request_processing_us = 0;
    e.target_processing_us = 0;
    e.response_processing_us = 0;
    e.elb_status_code = 301;
    e.received_bytes = 5;
    e.sent_bytes = 257;
    e.request_method = "GET";
    e.request_url = "http://example.com:80/";
    e.request_protocol = "HTTP/1.1";
    e.user_agent = "curl/7.46.0";
    e.matched_rule_priority = 1;
    e.request_creation_us = INT64_C(1530570168364000);
    e.actions_executed = "redirect";
    e.redirect_url = "https://example.com:443/";
    e.conn_trace_id = "TID_00";
    expect_line(&e, "http 2018-07-02T22:23:00.186641Z app/web/0123456789abcdef 10.0.1.252:48160 - "
                    "0.000 0.000 0.000 301 - 5 257 \"GET http://example.com:80/ HTTP/1.1\" "
                    "\"curl/7.46.0\" - - - \"-\" \"-\" \"-\" 1 2018-07-02T22:22:48.364000Z "
                    "\"redirect\" \"https://example.com:443/\" \"-\" \"-\" \"-\" \"-\" \"-\" "
                    "TID_00 \"-\" \"-\" \"-\"");
}

/* A malformed request answered 400: nothing dispatched, no rule evaluated. */
static void test_malformed_request_entry(void **state)
{
    (void)state;
    struct alb_access_log_entry e;
    alb_access_log_entry_init(&e);
    e.type = "http";
    e.time_us = INT64_C(1790147852454551);
    e.elb = "app/web/98e3a879de9d6b42";
    e.client = ap("216.180.246.224", 25824);
    e.elb_status_code = 400;
    e.received_bytes = 0;
    e.sent_bytes = 272;
    struct dd_buf url = DD_BUF_INIT;
    assert_int_equal(alb_access_log_url("http", "web.example.com", 80, NULL, &url), DD_OK);
    e.request_url = url.data;
    e.request_creation_us = INT64_C(1790147851697000);
    e.conn_trace_id = "TID_7d15a1935077a44b91952330c3dc3ed8";
    expect_line(&e, "http 2026-09-23T07:17:32.454551Z app/web/98e3a879de9d6b42 "
                    "216.180.246.224:25824 - -1 -1 -1 400 - 0 272 "
                    "\"- http://web.example.com:80- -\" \"-\" - - - \"-\" \"-\" \"-\" - "
                    "2026-09-23T07:17:31.697000Z \"-\" \"-\" \"-\" \"-\" \"-\" \"-\" \"-\" "
                    "TID_7d15a1935077a44b91952330c3dc3ed8 \"-\" \"-\" \"-\"");
    dd_buf_release(&url);
}

/* 503 with no registered target: the rule and group are known, no target. */
static void test_no_target_entry(void **state)
{
    (void)state;
    struct alb_access_log_entry e;
    alb_access_log_entry_init(&e);
    e.type = "http";
    e.time_us = INT64_C(1530570180000000);
    e.elb = "app/web/0123456789abcdef";
    e.client = ap("2001:db8::5", 50718); /* IPv6 unbracketed, as ALB logs it */
    e.elb_status_code = 503;
    e.received_bytes = 80;
    e.sent_bytes = 340;
    e.request_method = "POST";
    e.request_url = "http://web.example.com:80/api/orders?x=1";
    e.request_protocol = "HTTP/1.1";
    e.user_agent = "agent \"quoted\" \\ \x01";
    e.target_group_arn = TG_ARN;
    e.trace_id = "Root=1-5b3aa5c4-0123456789abcdef01234567";
    e.matched_rule_priority = 10;
    e.request_creation_us = INT64_C(1530570179999500);
    e.actions_executed = "forward";
    expect_line(&e, "http 2018-07-02T22:23:00.000000Z app/web/0123456789abcdef "
                    "2001:db8::5:50718 - -1 -1 -1 503 - 80 340 "
                    "\"POST http://web.example.com:80/api/orders?x=1 HTTP/1.1\" "
                    "\"agent \\\"quoted\\\" \\\\ \\x01\" - - " TG_ARN " "
                    "\"Root=1-5b3aa5c4-0123456789abcdef01234567\" \"-\" \"-\" 10 "
                    "2018-07-02T22:22:59.999500Z \"forward\" \"-\" \"-\" \"-\" \"-\" \"-\" \"-\" "
                    "- \"-\" \"-\" \"-\"");
}

static void test_rounding_and_user_agent_limit(void **state)
{
    (void)state;
    static const struct {
        int64_t us;
        const char *text;
    } durations[] = {
        { 0, "0.000" },      { 499, "0.000" },       { 500, "0.001" }, { 1499, "0.001" },
        { 999999, "1.000" }, { 12345678, "12.346" }, { -1, "-1" },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(durations); i++) {
        struct alb_access_log_entry e;
        alb_access_log_entry_init(&e);
        e.request_processing_us = durations[i].us;
        struct dd_buf out = DD_BUF_INIT;
        assert_int_equal(alb_access_log_format(&e, &out), DD_OK);
        /* fields: type time elb client target request_processing_time */
        char *p = out.data;
        for (int f = 0; f < 5; f++)
            p = strchr(p, ' ') + 1;
        assert_memory_equal(p, durations[i].text, strlen(durations[i].text));
        assert_int_equal(p[strlen(durations[i].text)], ' ');
        dd_buf_release(&out);
    }

    char *ua = malloc(10000);
    assert_non_null(ua);
    memset(ua, 'u', 9999);
    ua[9999] = '\0';
    struct alb_access_log_entry e;
    alb_access_log_entry_init(&e);
    e.user_agent = ua;
    struct dd_buf out = DD_BUF_INIT;
    assert_int_equal(alb_access_log_format(&e, &out), DD_OK);
    char *q = strstr(out.data, "\"uuu");
    assert_non_null(q);
    assert_int_equal(strspn(q + 1, "u"), 8192);
    dd_buf_release(&out);
    free(ua);

    char t[40];
    assert_string_equal(alb_access_log_time(0, t, sizeof(t)), "1970-01-01T00:00:00.000000Z");
    assert_string_equal(alb_access_log_time(INT64_C(1530570180000001), t, sizeof(t)),
                        "2018-07-02T22:23:00.000001Z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doc_http_entry),
        cmocka_unit_test(test_doc_https_entry),
        cmocka_unit_test(test_redirect_entry),
        cmocka_unit_test(test_malformed_request_entry),
        cmocka_unit_test(test_no_target_entry),
        cmocka_unit_test(test_rounding_and_user_agent_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
