/* Unit tests for alb-emu/trace.c: X-Amzn-Trace-Id generation and extension
 * (the user guide's examples), and X-Forwarded-For/-Proto/-Port for every
 * mode (the user guide's table). */
#include "alb-emu/tests/fixture.h"

#include "alb-emu/trace.h"

/* Now is 2016-11-30T23:59:00Z = 0x583f67c4 seconds; the random draws are
 * scripted, so the ids are known. */
#define NOW_MS INT64_C(1480550340123)
static const uint64_t k_draws[] = { UINT64_C(0x0123456789abcdef), UINT64_C(0xfeedface12345678) };
#define NEW_ID "1-583f67c4-0123456789abcdef12345678"

static void test_trace_id_format(void **state)
{
    (void)state;
    struct fx_script s = { k_draws, DD_ARRAY_LEN(k_draws), 0 };
    struct alb_rand rnd = { fx_script_next, &s };
    char id[ALB_TRACE_ID_SIZE];
    assert_string_equal(alb_trace_id_new(NOW_MS, &rnd, id), NEW_ID);
    /* Real randomness: always 1-<8 hex>-<24 hex>. */
    struct alb_xoshiro x;
    alb_xoshiro_seed(&x, 5);
    struct alb_rand r2 = { alb_xoshiro_next, &x };
    for (int i = 0; i < 100; i++) {
        alb_trace_id_new(0, &r2, id);
        assert_int_equal(strlen(id), 35);
        assert_memory_equal(id, "1-00000000-", 11);
        assert_int_equal(strspn(id + 11, "0123456789abcdef"), 24);
    }
}

static void test_trace_header(void **state)
{
    (void)state;
    static const struct {
        const char *in; /* NULL = no header */
        size_t headers_size;
        const char *want;
    } cases[] = {
        /* "If the X-Amzn-Trace-Id header is not present on an incoming
         * request, the load balancer generates a header with a Root field" */
        { NULL, 100, "Root=" NEW_ID },
        { "", 100, "Root=" NEW_ID },
        /* "present and has a Root field, the load balancer inserts a Self field" */
        { "Root=1-67891233-abcdef012345678912345678", 100,
          "Self=" NEW_ID ";Root=1-67891233-abcdef012345678912345678" },
        /* custom fields are preserved */
        { "Root=1-67891233-abcdef012345678912345678;CalledFrom=app", 100,
          "Self=" NEW_ID ";Root=1-67891233-abcdef012345678912345678;CalledFrom=app" },
        /* "present and has a Self field, the load balancer updates the value" */
        { "Self=1-67891234-12456789abcdef012345678;Root=1-67891233-abcdef012345678912345678", 100,
          "Self=" NEW_ID ";Root=1-67891233-abcdef012345678912345678" },
        { "Root=1-1-1;Self=1-2-2;CalledFrom=app", 100,
          "Root=1-1-1;Self=" NEW_ID ";CalledFrom=app" },
        /* whitespace and empty fields are tidied */
        { " Root=1-1-1 ; ;CalledFrom=app ", 100, "Self=" NEW_ID ";Root=1-1-1;CalledFrom=app" },
        /* no Root: a new one in front, other fields kept, a stale Self dropped */
        { "CalledFrom=app", 100, "Root=" NEW_ID ";CalledFrom=app" },
        { "Self=1-2-2;Foo=bar", 100, "Root=" NEW_ID ";Foo=bar" },
        /* "If the HTTP headers are greater than 7 KB, the load balancer
         * rewrites the X-Amzn-Trace-Id header with a Root field." */
        { "Root=1-67891233-abcdef012345678912345678", 7 * 1024 + 1, "Root=" NEW_ID },
        { "Root=1-67891233-abcdef012345678912345678", 7 * 1024,
          "Self=" NEW_ID ";Root=1-67891233-abcdef012345678912345678" },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        struct fx_script s = { k_draws, DD_ARRAY_LEN(k_draws), 0 };
        struct alb_rand rnd = { fx_script_next, &s };
        struct dd_buf out = DD_BUF_INIT;
        const char *in = cases[i].in;
        assert_int_equal(
            alb_trace_header(in, in ? strlen(in) : 0, cases[i].headers_size, NOW_MS, &rnd, &out),
            DD_OK);
        if (strcmp(out.data, cases[i].want) != 0)
            fail_msg("case %zu: got '%s', want '%s'", i, out.data, cases[i].want);
        dd_buf_release(&out);
    }
}

static struct alb_addr client(const char *ip, uint16_t port)
{
    struct alb_addr a;
    assert_int_equal(alb_addr_parse(ip, strlen(ip), &a), DD_OK);
    a.port = port;
    return a;
}

static void test_x_forwarded_for(void **state)
{
    (void)state;
    static const struct {
        enum alb_xff_mode mode;
        bool port;
        const char *existing; /* NULL = no header */
        const char *ip;
        enum alb_header_action action;
        const char *want;
    } cases[] = {
        /* The user guide's table, last hop 127.0.0.1. */
        { ALB_XFF_APPEND, false, NULL, "127.0.0.1", ALB_HEADER_SET, "127.0.0.1" },
        { ALB_XFF_APPEND, false, "127.0.0.4", "127.0.0.1", ALB_HEADER_SET, "127.0.0.4, 127.0.0.1" },
        { ALB_XFF_APPEND, false, "127.0.0.4, 127.0.0.8", "127.0.0.1", ALB_HEADER_SET,
          "127.0.0.4, 127.0.0.8, 127.0.0.1" },
        { ALB_XFF_PRESERVE, false, NULL, "127.0.0.1", ALB_HEADER_KEEP, NULL },
        { ALB_XFF_PRESERVE, false, "127.0.0.4", "127.0.0.1", ALB_HEADER_KEEP, NULL },
        { ALB_XFF_REMOVE, false, NULL, "127.0.0.1", ALB_HEADER_REMOVE, NULL },
        { ALB_XFF_REMOVE, false, "127.0.0.4, 127.0.0.8", "127.0.0.1", ALB_HEADER_REMOVE, NULL },
        /* IPv6 clients; with client ports, IPv6 in brackets. */
        { ALB_XFF_APPEND, false, NULL, "2001:db8::21f:5bff:febf:ce22", ALB_HEADER_SET,
          "2001:db8::21f:5bff:febf:ce22" },
        { ALB_XFF_APPEND, true, NULL, "12.34.56.78", ALB_HEADER_SET, "12.34.56.78:8080" },
        { ALB_XFF_APPEND, true, "1.2.3.4", "2001:db8:85a3:8d3:1319:8a2e:370:7348", ALB_HEADER_SET,
          "1.2.3.4, [2001:db8:85a3:8d3:1319:8a2e:370:7348]:8080" },
        /* "preserve or remove ... overrides the client port preservation attribute" */
        { ALB_XFF_PRESERVE, true, "1.2.3.4", "12.34.56.78", ALB_HEADER_KEEP, NULL },
        /* an empty or blank header is treated as absent */
        { ALB_XFF_APPEND, false, "", "127.0.0.1", ALB_HEADER_SET, "127.0.0.1" },
        { ALB_XFF_APPEND, false, " 10.1.1.1 ", "127.0.0.1", ALB_HEADER_SET, "10.1.1.1, 127.0.0.1" },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        struct alb_addr c = client(cases[i].ip, 8080);
        struct dd_buf out = DD_BUF_INIT;
        int rc = -1;
        const char *ex = cases[i].existing;
        enum alb_header_action act =
            alb_xff_build(cases[i].mode, cases[i].port, ex, ex ? strlen(ex) : 0, &c, &out, &rc);
        assert_int_equal(rc, DD_OK);
        assert_int_equal(act, cases[i].action);
        if (cases[i].want)
            assert_string_equal(out.data, cases[i].want);
        else
            assert_null(out.data);
        dd_buf_release(&out);
    }
}

static void test_x_forwarded_proto_port(void **state)
{
    (void)state;
    assert_string_equal(alb_xfp_value(ALB_PROTOCOL_HTTP), "http");
    assert_string_equal(alb_xfp_value(ALB_PROTOCOL_HTTPS), "https");
    char buf[8];
    assert_string_equal(alb_xfport_value(443, buf, sizeof(buf)), "443");
    assert_string_equal(alb_xfport_value(8080, buf, sizeof(buf)), "8080");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trace_id_format),
        cmocka_unit_test(test_trace_header),
        cmocka_unit_test(test_x_forwarded_for),
        cmocka_unit_test(test_x_forwarded_proto_port),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
