/* Unit tests for alb-emu/sticky.c: sealing and opening stickiness cookie
 * values (round trip, tampering, foreign keys, expiry, URL-encoded values),
 * Cookie header lookup and Set-Cookie formatting. */
#include "alb-emu/tests/fixture.h"

#include "alb-emu/sticky.h"

static struct alb_xoshiro g_x;
static struct alb_rand g_rnd = { alb_xoshiro_next, &g_x };

static int setup(void **state)
{
    (void)state;
    alb_xoshiro_seed(&g_x, 99);
    return 0;
}

static struct alb_sticky sample(enum alb_sticky_kind kind, const char *ip, uint16_t port)
{
    struct alb_sticky s;
    memset(&s, 0, sizeof(s));
    s.kind = kind;
    snprintf(s.group_id, sizeof(s.group_id), "73e2d6bc24d8a067");
    if (ip) {
        assert_int_equal(alb_addr_parse(ip, strlen(ip), &s.target), DD_OK);
        s.target.port = port;
    }
    s.expires_ms = INT64_C(1700000000000);
    return s;
}

static void test_round_trip(void **state)
{
    (void)state;
    struct alb_sticky_key k;
    alb_sticky_key_init(&k, &g_rnd);
    const struct alb_sticky cases[] = {
        sample(ALB_STICKY_LB_COOKIE, "10.0.0.1", 80),
        sample(ALB_STICKY_APP_COOKIE, "2001:db8::7", 65535),
        sample(ALB_STICKY_TARGET_GROUP, NULL, 0),
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        char v[ALB_STICKY_VALUE_MAX];
        assert_int_equal(alb_sticky_encode(&k, &cases[i], &g_rnd, v, sizeof(v)), DD_OK);
        assert_true(strlen(v) < ALB_STICKY_VALUE_MAX);
        assert_int_equal(
            strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
            strlen(v));
        /* Opaque: the address does not appear in the value. */
        assert_null(strstr(v, "10.0.0.1"));
        struct alb_sticky out;
        assert_int_equal(alb_sticky_decode(&k, v, strlen(v), INT64_C(1600000000000), &out), DD_OK);
        assert_int_equal(out.kind, cases[i].kind);
        assert_string_equal(out.group_id, cases[i].group_id);
        assert_int_equal(out.expires_ms, cases[i].expires_ms);
        if (cases[i].kind != ALB_STICKY_TARGET_GROUP)
            assert_true(alb_addr_equal(&out.target, &cases[i].target));
        else
            assert_int_equal(out.target.family, 0);
    }
}

/* The same content sealed twice gives different values (fresh nonce). */
static void test_nonce(void **state)
{
    (void)state;
    struct alb_sticky_key k;
    alb_sticky_key_init(&k, &g_rnd);
    struct alb_sticky s = sample(ALB_STICKY_LB_COOKIE, "10.0.0.1", 80);
    char a[ALB_STICKY_VALUE_MAX], b[ALB_STICKY_VALUE_MAX];
    assert_int_equal(alb_sticky_encode(&k, &s, &g_rnd, a, sizeof(a)), DD_OK);
    assert_int_equal(alb_sticky_encode(&k, &s, &g_rnd, b, sizeof(b)), DD_OK);
    assert_string_not_equal(a, b);
}

/* Any change to the value, another key, truncation or URL encoding: refused. */
static void test_tampering(void **state)
{
    (void)state;
    struct alb_sticky_key k, other;
    alb_sticky_key_init(&k, &g_rnd);
    alb_sticky_key_init(&other, &g_rnd);
    struct alb_sticky s = sample(ALB_STICKY_LB_COOKIE, "10.0.0.1", 80);
    char v[ALB_STICKY_VALUE_MAX];
    assert_int_equal(alb_sticky_encode(&k, &s, &g_rnd, v, sizeof(v)), DD_OK);
    size_t n = strlen(v);
    struct alb_sticky out;
    for (size_t i = 0; i < n; i++) {
        char t[ALB_STICKY_VALUE_MAX];
        memcpy(t, v, n + 1);
        t[i] = t[i] == 'A' ? 'B' : 'A';
        if (alb_sticky_decode(&k, t, n, 0, &out) != DD_EINVAL)
            fail_msg("changing character %zu was not detected", i);
    }
    assert_int_equal(alb_sticky_decode(&other, v, n, 0, &out), DD_EINVAL);
    assert_int_equal(alb_sticky_decode(&k, v, n - 1, 0, &out), DD_EINVAL);
    assert_int_equal(alb_sticky_decode(&k, "", 0, 0, &out), DD_EINVAL);
    assert_int_equal(alb_sticky_decode(&k, "not base64!", 11, 0, &out), DD_EINVAL);
    /* "Application Load Balancers do not support cookie values that are URL
     * encoded": a %2B or %2F spelling does not open. */
    char enc[3 * ALB_STICKY_VALUE_MAX];
    size_t o = 0;
    bool encoded = false;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '+' || v[i] == '/') {
            o += (size_t)sprintf(enc + o, "%%%02X", (unsigned char)v[i]);
            encoded = true;
        } else {
            enc[o++] = v[i];
        }
    }
    if (encoded)
        assert_int_equal(alb_sticky_decode(&k, enc, o, 0, &out), DD_EINVAL);
    /* Padding is tolerated. */
    char padded[ALB_STICKY_VALUE_MAX + 4];
    snprintf(padded, sizeof(padded), "%s===", v);
    assert_int_equal(alb_sticky_decode(&k, padded, strlen(padded), 0, &out), DD_OK);
}

static void test_expiry(void **state)
{
    (void)state;
    struct alb_sticky_key k;
    alb_sticky_key_init(&k, &g_rnd);
    struct alb_sticky s = sample(ALB_STICKY_LB_COOKIE, "10.0.0.1", 80);
    char v[ALB_STICKY_VALUE_MAX];
    assert_int_equal(alb_sticky_encode(&k, &s, &g_rnd, v, sizeof(v)), DD_OK);
    struct alb_sticky out;
    assert_int_equal(alb_sticky_decode(&k, v, strlen(v), s.expires_ms - 1, &out), DD_OK);
    memset(&out, 0, sizeof(out));
    assert_int_equal(alb_sticky_decode(&k, v, strlen(v), s.expires_ms, &out), DD_ERANGE);
    assert_int_equal(out.kind, ALB_STICKY_LB_COOKIE); /* still filled in */
}

static void test_encode_errors(void **state)
{
    (void)state;
    struct alb_sticky_key k;
    alb_sticky_key_init(&k, &g_rnd);
    struct alb_sticky s = sample(ALB_STICKY_LB_COOKIE, "10.0.0.1", 80);
    char v[ALB_STICKY_VALUE_MAX];
    assert_int_equal(alb_sticky_encode(&k, &s, &g_rnd, v, 10), DD_ERANGE);
    snprintf(s.group_id, sizeof(s.group_id), "xyz");
    assert_int_equal(alb_sticky_encode(&k, &s, &g_rnd, v, sizeof(v)), DD_EINVAL);
    s = sample(ALB_STICKY_LB_COOKIE, "10.0.0.1", 80);
    s.kind = (enum alb_sticky_kind)9;
    assert_int_equal(alb_sticky_encode(&k, &s, &g_rnd, v, sizeof(v)), DD_EINVAL);
}

static void test_cookie_find(void **state)
{
    (void)state;
    static const struct {
        const char *header, *name, *value; /* value NULL = absent */
    } cases[] = {
        { "AWSALB=abc", "AWSALB", "abc" },
        { "a=1; AWSALB=x+y/z; b=2", "AWSALB", "x+y/z" },
        { "AWSALBCORS=q; AWSALB=z", "AWSALB", "z" },
        { "AWSALBCORS=q", "AWSALB", NULL },
        { "XAWSALB=q", "AWSALB", NULL },
        { "  AWSALBTG = t ;x=1", "AWSALBTG", "t" },
        { "a=1;b=2", "b", "2" },
        { "a", "a", NULL },
        { "", "a", NULL },
        { "a=", "a", "" },
        { "session=\"quoted\"", "session", "\"quoted\"" },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        const char *v = NULL;
        size_t n = 0;
        int rc = alb_cookie_find(cases[i].header, strlen(cases[i].header), cases[i].name, &v, &n);
        if (!cases[i].value) {
            assert_int_equal(rc, DD_ENOENT);
        } else {
            assert_int_equal(rc, DD_OK);
            assert_int_equal(n, strlen(cases[i].value));
            assert_memory_equal(v, cases[i].value, n);
        }
    }
}

static void test_set_cookie(void **state)
{
    (void)state;
    char date[40];
    assert_string_equal(alb_http_date(INT64_C(1623233894000), date, sizeof(date)),
                        "Wed, 09 Jun 2021 10:18:14 GMT");
    assert_string_equal(alb_http_date(0, date, sizeof(date)), "Thu, 01 Jan 1970 00:00:00 GMT");
    struct dd_buf b = DD_BUF_INIT;
    assert_int_equal(
        alb_cookie_set_header(ALB_COOKIE_LB, "v+1/2", INT64_C(1623233894999), false, &b), DD_OK);
    assert_string_equal(b.data, "AWSALB=v+1/2; Expires=Wed, 09 Jun 2021 10:18:14 GMT; Path=/");
    dd_buf_reset(&b);
    assert_int_equal(
        alb_cookie_set_header(ALB_COOKIE_LB_CORS, "v", INT64_C(1623233894000), true, &b), DD_OK);
    assert_string_equal(
        b.data,
        "AWSALBCORS=v; Expires=Wed, 09 Jun 2021 10:18:14 GMT; Path=/; SameSite=None; Secure");
    dd_buf_release(&b);

    assert_true(alb_set_cookie_is("SESSION=abc; Path=/", 19, "SESSION"));
    assert_true(alb_set_cookie_is(" SESSION =abc", 13, "SESSION"));
    assert_false(alb_set_cookie_is("SESSIONX=abc", 12, "SESSION"));
    assert_false(alb_set_cookie_is("SESSION", 7, "SESSION"));
    assert_false(alb_set_cookie_is("OTHER=SESSION", 13, "SESSION"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_round_trip, setup),
        cmocka_unit_test_setup(test_nonce, setup),
        cmocka_unit_test_setup(test_tampering, setup),
        cmocka_unit_test_setup(test_expiry, setup),
        cmocka_unit_test_setup(test_encode_errors, setup),
        cmocka_unit_test(test_cookie_find),
        cmocka_unit_test(test_set_cookie),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
