/*
 * Tests of ALB's own answers: exact bytes of the error pages (status line,
 * header order, Content-Length matching the body), HEAD, fixed responses and
 * redirects.
 */
#include "fixture.h"

#include "alb-emu/reply.h"

/* 2021-06-09T10:18:14Z */
#define DATE_MS  INT64_C(1623233894000)
#define DATE_STR "Wed, 09 Jun 2021 10:18:14 GMT"

static char *page(const char *title)
{
    char *s = NULL;
    assert_true(asprintf(&s,
                         "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n"
                         "<center><h1>%s</h1></center>\r\n</body>\r\n</html>\r\n",
                         title, title) > 0);
    return s;
}

struct err_case {
    int status;
    const char *title; /* status line after "HTTP/1.1 " and the page title */
    size_t body_len;   /* 0: not checked against a known capture */
};

static const struct err_case k_errors[] = {
    { 400, "400 Bad Request", 122 },      { 405, "405 Not Allowed", 0 },
    { 408, "408 Request Time-out", 0 },   { 501, "501 Not Implemented", 0 },
    { 502, "502 Bad Gateway", 122 },      { 503, "503 Service Temporarily Unavailable", 162 },
    { 504, "504 Gateway Time-out", 132 }, { 463, "463", 0 },
};

static void test_error_pages(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(k_errors) / sizeof(k_errors[0]); i++) {
        const struct err_case *c = &k_errors[i];
        for (int keep = 0; keep < 2; keep++) {
            struct dd_buf b = DD_BUF_INIT;
            assert_int_equal(alb_reply_error(&b, c->status, DATE_MS, keep, false), DD_OK);
            char *body = page(c->title);
            if (c->body_len)
                assert_int_equal(strlen(body), c->body_len);
            char *want = NULL;
            assert_true(asprintf(&want,
                                 "HTTP/1.1 %d %s\r\nServer: awselb/2.0\r\nDate: " DATE_STR "\r\n"
                                 "Content-Type: text/html\r\nContent-Length: %zu\r\n"
                                 "Connection: %s\r\n\r\n%s",
                                 c->status, alb_reply_reason(c->status), strlen(body),
                                 keep ? "keep-alive" : "close", body) > 0);
            assert_string_equal(b.data, want);
            free(want);
            /* HEAD: same head, no body. */
            dd_buf_reset(&b);
            assert_int_equal(alb_reply_error(&b, c->status, DATE_MS, keep, true), DD_OK);
            assert_int_equal(b.len, strstr(b.data, "\r\n\r\n") + 4 - b.data);
            assert_non_null(strstr(b.data, "Content-Length: "));
            free(body);
            dd_buf_release(&b);
        }
    }
}

static void test_reasons(void **state)
{
    (void)state;
    assert_string_equal(alb_reply_reason(200), "OK");
    assert_string_equal(alb_reply_reason(404), "Not Found");
    assert_string_equal(alb_reply_reason(503), "Service Temporarily Unavailable");
    assert_string_equal(alb_reply_reason(463), "");
}

static void test_fixed_response(void **state)
{
    (void)state;
    struct alb_fixed_response_config cfg = { 404, "text/plain", "no route" };
    struct dd_buf b = DD_BUF_INIT;
    assert_int_equal(alb_reply_fixed(&b, &cfg, DATE_MS, true, false), DD_OK);
    assert_string_equal(b.data, "HTTP/1.1 404 Not Found\r\nServer: awselb/2.0\r\nDate: " DATE_STR
                                "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                "Content-Length: 8\r\nConnection: keep-alive\r\n\r\nno route");
    dd_buf_reset(&b);
    struct alb_fixed_response_config bare = { 200, NULL, NULL };
    assert_int_equal(alb_reply_fixed(&b, &bare, DATE_MS, false, false), DD_OK);
    assert_string_equal(b.data, "HTTP/1.1 200 OK\r\nServer: awselb/2.0\r\nDate: " DATE_STR
                                "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    dd_buf_reset(&b);
    assert_int_equal(alb_reply_fixed(&b, &cfg, DATE_MS, true, true), DD_OK);
    assert_null(strstr(b.data, "no route"));
    dd_buf_release(&b);
}

static void test_redirect(void **state)
{
    (void)state;
    static const char loc[] = "https://example.com:443/new?a=b";
    struct dd_buf b = DD_BUF_INIT;
    assert_int_equal(alb_reply_redirect(&b, 301, loc, strlen(loc), DATE_MS, true, false), DD_OK);
    char *body = page("301 Moved Permanently");
    char *want = NULL;
    assert_true(asprintf(&want,
                         "HTTP/1.1 301 Moved Permanently\r\nServer: awselb/2.0\r\nDate: " DATE_STR
                         "\r\nContent-Type: text/html\r\nContent-Length: %zu\r\n"
                         "Connection: keep-alive\r\nLocation: %s\r\n\r\n%s",
                         strlen(body), loc, body) > 0);
    assert_string_equal(b.data, want);
    free(want);
    free(body);
    dd_buf_reset(&b);
    assert_int_equal(alb_reply_redirect(&b, 302, loc, strlen(loc), DATE_MS, true, false), DD_OK);
    assert_non_null(strstr(b.data, "HTTP/1.1 302 Found\r\n"));
    assert_non_null(strstr(b.data, "<title>302 Found</title>"));
    dd_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_pages),
        cmocka_unit_test(test_reasons),
        cmocka_unit_test(test_fixed_response),
        cmocka_unit_test(test_redirect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
