/* Unit tests for alb-emu/addr.c: address parsing and printing in ALB's
 * forms, sockaddr conversion (IPv4-mapped IPv6 unmapped), CIDR blocks. */
#include "alb-emu/tests/fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "alb-emu/addr.h"

static void test_parse_format(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int ok;
        const char *plain, *bracketed; /* with port 8080 */
    } cases[] = {
        { "127.0.0.1", 1, "127.0.0.1:8080", "127.0.0.1:8080" },
        { "2001:db8::1", 1, "2001:db8::1:8080", "[2001:db8::1]:8080" },
        { "::1", 1, "::1:8080", "[::1]:8080" },
        { "2001:DB8::A", 1, "2001:db8::a:8080", "[2001:db8::a]:8080" },
        { "256.0.0.1", 0, NULL, NULL },
        { "1.2.3", 0, NULL, NULL },
        { "[::1]", 0, NULL, NULL },
        { "localhost", 0, NULL, NULL },
        { "", 0, NULL, NULL },
        { "1.2.3.4:80", 0, NULL, NULL },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        struct alb_addr a;
        int rc = alb_addr_parse(cases[i].in, strlen(cases[i].in), &a);
        if (!cases[i].ok) {
            assert_int_equal(rc, DD_EINVAL);
            continue;
        }
        assert_int_equal(rc, DD_OK);
        a.port = 8080;
        char buf[ALB_ADDR_STRLEN];
        assert_string_equal(alb_addr_format(&a, buf, sizeof(buf)), cases[i].plain);
        assert_string_equal(alb_addr_format_bracketed(&a, buf, sizeof(buf)), cases[i].bracketed);
    }
    struct alb_addr none;
    memset(&none, 0, sizeof(none));
    char buf[ALB_ADDR_STRLEN];
    assert_string_equal(alb_addr_format(&none, buf, sizeof(buf)), "-");
    assert_string_equal(alb_addr_ip_str(&none, buf, sizeof(buf)), "-");
}

static void test_sockaddr(void **state)
{
    (void)state;
    struct sockaddr_in6 in6;
    memset(&in6, 0, sizeof(in6));
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(1234);
    assert_int_equal(inet_pton(AF_INET6, "::ffff:192.0.2.5", &in6.sin6_addr), 1);
    struct alb_addr a;
    assert_int_equal(alb_addr_from_sockaddr((struct sockaddr *)&in6, &a), DD_OK);
    assert_int_equal(a.family, AF_INET);
    char buf[ALB_ADDR_STRLEN];
    assert_string_equal(alb_addr_format(&a, buf, sizeof(buf)), "192.0.2.5:1234");

    struct sockaddr_storage ss;
    size_t len = alb_addr_to_sockaddr(&a, &ss);
    assert_int_equal(len, sizeof(struct sockaddr_in));
    struct alb_addr back;
    assert_int_equal(alb_addr_from_sockaddr((struct sockaddr *)&ss, &back), DD_OK);
    assert_true(alb_addr_equal(&a, &back));

    assert_int_equal(alb_addr_parse("2001:db8::9", 11, &a), DD_OK);
    a.port = 443;
    len = alb_addr_to_sockaddr(&a, &ss);
    assert_int_equal(len, sizeof(struct sockaddr_in6));
    assert_int_equal(alb_addr_from_sockaddr((struct sockaddr *)&ss, &back), DD_OK);
    assert_true(alb_addr_equal(&a, &back));
    back.port = 444;
    assert_false(alb_addr_equal(&a, &back));

    struct sockaddr unix_sa = { .sa_family = AF_UNIX };
    assert_int_equal(alb_addr_from_sockaddr(&unix_sa, &a), DD_EINVAL);
    assert_int_equal(alb_addr_from_sockaddr(NULL, &a), DD_EINVAL);
}

static void test_cidr(void **state)
{
    (void)state;
    static const struct {
        const char *cidr, *ip;
        int ok;
        bool in;
    } cases[] = {
        { "10.0.0.0/8", "10.255.0.1", 1, true },
        { "10.0.0.0/8", "11.0.0.1", 1, false },
        { "0.0.0.0/0", "1.2.3.4", 1, true },
        { "1.2.3.4/32", "1.2.3.4", 1, true },
        { "1.2.3.4/32", "1.2.3.5", 1, false },
        { "192.168.0.0/23", "192.168.1.200", 1, true },
        { "192.168.0.0/23", "192.168.2.1", 1, false },
        { "2001:db8::/32", "2001:db8:ffff::1", 1, true },
        { "2001:db8::/33", "2001:db8:8000::1", 1, false },
        { "::/0", "::1", 1, true },
        { "::/0", "1.2.3.4", 1, false },
        { "10.0.0.0/33", NULL, 0, false },
        { "2001:db8::/129", NULL, 0, false },
        { "10.0.0.0", NULL, 0, false },
        { "10.0.0.0/", NULL, 0, false },
        { "10.0.0.0/08", NULL, 0, false },
        { "10.0.0.0/-1", NULL, 0, false },
        { "x/8", NULL, 0, false },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        struct alb_cidr c;
        int rc = alb_cidr_parse(cases[i].cidr, strlen(cases[i].cidr), &c);
        if (!cases[i].ok) {
            if (rc != DD_EINVAL)
                fail_msg("'%s' should be refused", cases[i].cidr);
            continue;
        }
        assert_int_equal(rc, DD_OK);
        struct alb_addr a;
        assert_int_equal(alb_addr_parse(cases[i].ip, strlen(cases[i].ip), &a), DD_OK);
        if (alb_cidr_contains(&c, &a) != cases[i].in)
            fail_msg("%s in %s: want %d", cases[i].ip, cases[i].cidr, cases[i].in);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_format),
        cmocka_unit_test(test_sockaddr),
        cmocka_unit_test(test_cidr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
