/* Unit tests for alb-emu/rules.c: the wildcard matcher, every condition type
 * with its wildcard and case rules as tables of (condition, request,
 * expected), AND/OR semantics, priorities and request-target splitting. */
#include "alb-emu/tests/fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "alb-emu/rules.h"

/* ------------------------------------------------------------------------ */

static void test_wildcard(void **state)
{
    (void)state;
    static const struct {
        const char *pattern, *text;
        unsigned flags;
        bool match;
    } cases[] = {
        { "abc", "abc", 0, true },
        { "abc", "abd", 0, false },
        { "abc", "ab", 0, false },
        { "abc", "abcd", 0, false },
        { "", "", 0, true },
        { "", "a", 0, false },
        { "*", "", 0, true },
        { "*", "anything", 0, true },
        { "?", "", 0, false },
        { "?", "x", 0, true },
        { "?", "xy", 0, false },
        { "a*", "a", 0, true },
        { "a*c", "abbbc", 0, true },
        { "a*c", "abbbcd", 0, false },
        { "*c", "cccc", 0, true },
        { "a*b*c", "axxbyyc", 0, true },
        { "a*b*c", "axxcyyb", 0, false },
        { "*.example.com", "test.example.com", 0, true },
        { "*.example.com", "example.com", 0, false },
        { "**", "", 0, true },
        { "a?c", "abc", 0, true },
        { "a?c", "ac", 0, false },
        { "ABC", "abc", 0, false },
        { "ABC", "abc", ALB_WILDCARD_ICASE, true },
        { "a*C", "aXyZc", ALB_WILDCARD_ICASE, true },
        /* Escapes: only with ALB_WILDCARD_ESCAPES, only before * and ?. */
        { "a\\*", "a*", ALB_WILDCARD_ESCAPES, true },
        { "a\\*", "ab", ALB_WILDCARD_ESCAPES, false },
        { "a\\?", "a?", ALB_WILDCARD_ESCAPES, true },
        { "a\\?", "ab", ALB_WILDCARD_ESCAPES, false },
        { "a\\*", "a\\bc", 0, true }, /* without escapes: '\' then a star */
        { "a\\b", "a\\b", ALB_WILDCARD_ESCAPES, true },
        /* %XX decoding on both sides; a decoded %2A is a literal star. */
        { "a b", "a%20b", ALB_WILDCARD_DECODE, true },
        { "a%20b", "a b", ALB_WILDCARD_DECODE, true },
        { "a%2Ab", "a*b", ALB_WILDCARD_DECODE, true },
        { "a%2Ab", "axb", ALB_WILDCARD_DECODE, false },
        { "a*", "a%zz", ALB_WILDCARD_DECODE, true },
        { "100%", "100%", ALB_WILDCARD_DECODE, true }, /* a bare % stays a % */
        { "a?c", "a%41c", ALB_WILDCARD_DECODE, true }, /* ? is one decoded character */
        { "a+b", "a+b", ALB_WILDCARD_DECODE, true },   /* + is not a space */
        { "a b", "a+b", ALB_WILDCARD_DECODE, false },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        bool got = alb_wildcard_match(cases[i].pattern, strlen(cases[i].pattern), cases[i].text,
                                      strlen(cases[i].text), cases[i].flags);
        if (got != cases[i].match)
            fail_msg("'%s' vs '%s' (flags %u): got %d", cases[i].pattern, cases[i].text,
                     cases[i].flags, got);
    }
}

/* A hostile pattern against a long text finishes without recursion blowup. */
static void test_wildcard_pathological(void **state)
{
    (void)state;
    size_t n = 16 * 1024;
    char *text = malloc(n + 1);
    assert_non_null(text);
    memset(text, 'a', n);
    text[n] = '\0';
    assert_false(alb_wildcard_match("*a*a*a*a*b", 10, text, n, 0));
    text[n - 1] = 'b';
    assert_true(alb_wildcard_match("*a*a*a*a*b", 10, text, n, 0));
    free(text);
}

/* ------------------------------------------------------------------------ */
/* Condition tables                                                           */

struct req_spec {
    const char *method;      /* NULL = "GET" */
    const char *host;        /* NULL = no Host header */
    const char *target;      /* request-target; NULL = "/" */
    const char *source;      /* client IP; NULL = 203.0.113.9 */
    struct fx_header hdr[4]; /* extra headers */
};

struct cond_case {
    const char *name;
    const char *conditions; /* the rule's Conditions array body, single-quoted JSON */
    struct req_spec req;
    bool match;
};

static void build_source(const char *ip, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    struct sockaddr_in *in = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, ip, &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        in->sin_port = htons(40000);
    } else {
        assert_int_equal(inet_pton(AF_INET6, ip, &in6->sin6_addr), 1);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(40000);
    }
}

/* Fills v from spec; ss and hs are the caller's storage. */
static void build_request(const struct req_spec *spec, struct alb_request_view *v,
                          struct sockaddr_storage *ss, struct fx_headers *hs)
{
    memset(v, 0, sizeof(*v));
    v->method = spec->method ? spec->method : "GET";
    v->method_len = strlen(v->method);
    if (spec->host) {
        v->host = spec->host;
        v->host_len = strlen(spec->host);
    }
    const char *target = spec->target ? spec->target : "/";
    alb_request_split_target(target, strlen(target), &v->path, &v->path_len, &v->query,
                             &v->query_len);
    build_source(spec->source ? spec->source : "203.0.113.9", ss);
    v->source = (const struct sockaddr *)ss;
    hs->h = spec->hdr;
    hs->n = 0;
    while (hs->n < DD_ARRAY_LEN(spec->hdr) && spec->hdr[hs->n].name)
        hs->n++;
    v->header = fx_header_fn;
    v->header_ctx = hs;
}

/* A listener with one rule (priority 1) made of the given conditions. */
static struct alb_config *rule_config(const char *conditions)
{
    char *text = malloc(4096);
    assert_non_null(text);
    snprintf(text, 4096,
             "{'LoadBalancers': [{'Name': 'web', 'Listeners': [{'Port': 80, 'DefaultActions': "
             "[{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': '404'}}], "
             "'Rules': [{'Priority': 1, 'Conditions': [%s], 'Actions': [{'Type': "
             "'fixed-response', 'FixedResponseConfig': {'StatusCode': '200'}}]}]}]}]}",
             conditions);
    struct alb_config *cfg = fx_config(text);
    free(text);
    return cfg;
}

static void run_cases(const struct cond_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct alb_config *cfg = rule_config(cases[i].conditions);
        struct alb_request_view v;
        struct sockaddr_storage ss;
        struct fx_headers hs;
        build_request(&cases[i].req, &v, &ss, &hs);
        const struct alb_listener *l = &cfg->load_balancers[0].listeners[0];
        const struct alb_rule *r = alb_rules_match(l, &v);
        bool got = !r->is_default;
        if (got != cases[i].match)
            fail_msg("case '%s': expected %s", cases[i].name,
                     cases[i].match ? "match" : "no match");
        assert_int_equal(alb_rule_matches(&l->rules[0], &v), cases[i].match);
        alb_config_free(cfg);
    }
}

#define HOST(v) "{'Field': 'host-header', 'HostHeaderConfig': {'Values': [" v "]}}"

static void test_host_header(void **state)
{
    (void)state;
    static const struct cond_case cases[] = {
        { "exact", HOST("'example.com'"), { .host = "example.com" }, true },
        { "case-insensitive", HOST("'example.com'"), { .host = "EXAMPLE.Com" }, true },
        { "pattern case-insensitive", HOST("'EXAMPLE.COM'"), { .host = "example.com" }, true },
        { "port ignored", HOST("'example.com'"), { .host = "example.com:8080" }, true },
        { "other host", HOST("'example.com'"), { .host = "www.example.com" }, false },
        { "no Host header", HOST("'example.com'"), { .host = NULL }, false },
        { "star subdomain", HOST("'*.example.com'"), { .host = "test.example.com" }, true },
        { "star not apex", HOST("'*.example.com'"), { .host = "example.com" }, false },
        { "star several labels", HOST("'*.example.com'"), { .host = "a.b.example.com" }, true },
        { "qmark one char", HOST("'ex?mple.com'"), { .host = "exAmple.com" }, true },
        { "qmark not zero", HOST("'ex?mple.com'"), { .host = "exmple.com" }, false },
        { "qmark not two", HOST("'ex?mple.com'"), { .host = "exaample.com" }, false },
        { "values ORed",
          HOST("'a.example.com', 'b.example.com'"),
          { .host = "b.example.com" },
          true },
        { "values ORed miss",
          HOST("'a.example.com', 'b.example.com'"),
          { .host = "c.example.com" },
          false },
        { "legacy Values form",
          "{'Field': 'host-header', 'Values': ['api.example.com']}",
          { .host = "api.example.com" },
          true },
        { "regex",
          "{'Field': 'host-header', 'HostHeaderConfig': {'RegexValues': "
          "['^api[0-9]+\\\\.example\\\\.com$']}}",
          { .host = "API7.example.com" },
          true },
        { "regex miss",
          "{'Field': 'host-header', 'HostHeaderConfig': {'RegexValues': "
          "['^api[0-9]+\\\\.example\\\\.com$']}}",
          { .host = "apix.example.com" },
          false },
    };
    run_cases(cases, DD_ARRAY_LEN(cases));
}

#define PATH(v) "{'Field': 'path-pattern', 'PathPatternConfig': {'Values': [" v "]}}"

static void test_path_pattern(void **state)
{
    (void)state;
    static const struct cond_case cases[] = {
        { "prefix star", PATH("'/api/*'"), { .target = "/api/users" }, true },
        { "star matches empty", PATH("'/api/*'"), { .target = "/api/" }, true },
        { "no trailing slash", PATH("'/api/*'"), { .target = "/api" }, false },
        { "case-sensitive", PATH("'/api/*'"), { .target = "/API/users" }, false },
        { "middle star", PATH("'/img/*/pics'"), { .target = "/img/a/b/pics" }, true },
        { "middle star needs segment", PATH("'/img/*/pics'"), { .target = "/img/pics" }, false },
        { "qmark", PATH("'/a?c'"), { .target = "/abc" }, true },
        { "qmark not empty", PATH("'/a?c'"), { .target = "/ac" }, false },
        { "exact", PATH("'/health'"), { .target = "/health" }, true },
        { "exact is not prefix", PATH("'/health'"), { .target = "/healthz" }, false },
        { "query ignored", PATH("'/x'"), { .target = "/x?y=1" }, true },
        { "query not matched", PATH("'/api/*'"), { .target = "/search?q=/api/x" }, false },
        { "absolute-form target",
          PATH("'/api/*'"),
          { .target = "http://h.example.com/api/x?q" },
          true },
        { "special characters",
          PATH("'/a_b-c.d$e~f@g:h+i&j'"),
          { .target = "/a_b-c.d$e~f@g:h+i&j" },
          true },
        { "escapes not decoded", PATH("'/a-b'"), { .target = "/a%2Db" }, false },
        { "ORed", PATH("'/a', '/b'"), { .target = "/b" }, true },
        { "regex",
          "{'Field': 'path-pattern', 'PathPatternConfig': {'RegexValues': "
          "['^/v[0-9]+/']}}",
          { .target = "/v2/x" },
          true },
        { "regex case-sensitive",
          "{'Field': 'path-pattern', 'PathPatternConfig': {'RegexValues': "
          "['^/v[0-9]+/']}}",
          { .target = "/V2/x" },
          false },
    };
    run_cases(cases, DD_ARRAY_LEN(cases));
}

#define HEADER(name, v)                                                                         \
    "{'Field': 'http-header', 'HttpHeaderConfig': {'HttpHeaderName': '" name "', 'Values': [" v \
    "]}}"

static void test_http_header(void **state)
{
    (void)state;
    static const struct cond_case cases[] = {
        { "doc example",
          HEADER("User-Agent", "'*Chrome*', '*Safari*'"),
          { .hdr = { { "user-agent", "Mozilla/5.0 Chrome/90.0" } } },
          true },
        { "doc example miss",
          HEADER("User-Agent", "'*Chrome*', '*Safari*'"),
          { .hdr = { { "User-Agent", "Mozilla/5.0 Firefox/90.0" } } },
          false },
        { "value case-insensitive",
          HEADER("X-Tier", "'GOLD'"),
          { .hdr = { { "x-tier", "gold" } } },
          true },
        { "name case-insensitive",
          HEADER("x-tier", "'gold'"),
          { .hdr = { { "X-TIER", "gold" } } },
          true },
        { "whole value", HEADER("X-Tier", "'gold'"), { .hdr = { { "X-Tier", "golden" } } }, false },
        { "second occurrence",
          HEADER("X-A", "'2'"),
          { .hdr = { { "X-A", "1" }, { "X-B", "2" }, { "X-A", "2" } } },
          true },
        { "absent", HEADER("X-A", "'*'"), { .hdr = { { "X-B", "1" } } }, false },
        { "star matches empty value", HEADER("X-A", "'*'"), { .hdr = { { "X-A", "" } } }, true },
        { "qmark", HEADER("X-V", "'v?'"), { .hdr = { { "X-V", "v1" } } }, true },
        { "qmark one only", HEADER("X-V", "'v?'"), { .hdr = { { "X-V", "v12" } } }, false },
        { "spaces in value", HEADER("X-V", "'a b*'"), { .hdr = { { "X-V", "A B C" } } }, true },
        { "regex",
          "{'Field': 'http-header', 'HttpHeaderConfig': {'HttpHeaderName': 'X-V', "
          "'RegexValues': ['^v[0-9]+$']}}",
          { .hdr = { { "X-V", "V12" } } },
          true },
    };
    run_cases(cases, DD_ARRAY_LEN(cases));
}

#define METHOD(v) "{'Field': 'http-request-method', 'HttpRequestMethodConfig': {'Values': [" v "]}}"

static void test_http_request_method(void **state)
{
    (void)state;
    static const struct cond_case cases[] = {
        { "exact", METHOD("'GET'"), { .method = "GET" }, true },
        { "case-sensitive", METHOD("'GET'"), { .method = "get" }, false },
        { "no prefix match", METHOD("'GET'"), { .method = "GETX" }, false },
        { "no shorter match", METHOD("'POST'"), { .method = "POS" }, false },
        { "custom method", METHOD("'CUSTOM-METHOD'"), { .method = "CUSTOM-METHOD" }, true },
        { "ORed", METHOD("'GET', 'HEAD'"), { .method = "HEAD" }, true },
        { "ORed miss", METHOD("'GET', 'HEAD'"), { .method = "POST" }, false },
    };
    run_cases(cases, DD_ARRAY_LEN(cases));
}

#define QUERY(v) "{'Field': 'query-string', 'QueryStringConfig': {'Values': [" v "]}}"

static void test_query_string(void **state)
{
    (void)state;
    static const struct cond_case cases[] = {
        { "key and value",
          QUERY("{'Key': 'version', 'Value': 'v1'}"),
          { .target = "/?version=v1" },
          true },
        { "case-insensitive",
          QUERY("{'Key': 'version', 'Value': 'v1'}"),
          { .target = "/?VERSION=V1" },
          true },
        { "other value",
          QUERY("{'Key': 'version', 'Value': 'v1'}"),
          { .target = "/?version=v2" },
          false },
        { "among parameters",
          QUERY("{'Key': 'version', 'Value': 'v1'}"),
          { .target = "/p?a=1&version=v1&b=2" },
          true },
        { "key and value of different parameters",
          QUERY("{'Key': 'a', 'Value': '2'}"),
          { .target = "/?a=1&b=2" },
          false },
        { "value only", QUERY("{'Value': '*example*'}"), { .target = "/?x=an-example" }, true },
        { "value only is not a key",
          QUERY("{'Value': '*example*'}"),
          { .target = "/?example=x" },
          false },
        { "doc example, second value",
          QUERY("{'Key': 'version', 'Value': 'v1'}, {'Value': "
                "'*example*'}"),
          { .target = "/?q=my-example" },
          true },
        { "key without =", QUERY("{'Key': 'flag', 'Value': '*'}"), { .target = "/?flag" }, true },
        { "empty value", QUERY("{'Key': 'k', 'Value': '*'}"), { .target = "/?k=" }, true },
        { "decoded key and value",
          QUERY("{'Key': 'a b', 'Value': 'c&d'}"),
          { .target = "/?a%20b=c%26d" },
          true },
        { "decoded pattern", QUERY("{'Value': '%41'}"), { .target = "/?x=a" }, true },
        { "plus is not a space", QUERY("{'Value': 'a b'}"), { .target = "/?x=a+b" }, false },
        { "escaped star literal", QUERY("{'Value': 'a\\\\*'}"), { .target = "/?x=a*" }, true },
        { "escaped star not wildcard",
          QUERY("{'Value': 'a\\\\*'}"),
          { .target = "/?x=ab" },
          false },
        { "escaped star vs encoded star",
          QUERY("{'Value': 'a\\\\*'}"),
          { .target = "/?x=a%2A" },
          true },
        { "escaped qmark", QUERY("{'Value': 'what\\\\?'}"), { .target = "/?x=what%3F" }, true },
        { "wildcard key",
          QUERY("{'Key': 'utm_*', 'Value': 'x'}"),
          { .target = "/?UTM_source=x" },
          true },
        { "no query", QUERY("{'Value': '*'}"), { .target = "/" }, false },
        { "empty query", QUERY("{'Value': '*'}"), { .target = "/?" }, false },
        { "path not searched", QUERY("{'Value': 'v1'}"), { .target = "/v1?x=v2" }, false },
    };
    run_cases(cases, DD_ARRAY_LEN(cases));
}

#define SOURCE(v) "{'Field': 'source-ip', 'SourceIpConfig': {'Values': [" v "]}}"

static void test_source_ip(void **state)
{
    (void)state;
    static const struct cond_case cases[] = {
        { "in /24",
          SOURCE("'192.0.2.0/24', '198.51.100.10/32'"),
          { .source = "192.0.2.77" },
          true },
        { "exact /32",
          SOURCE("'192.0.2.0/24', '198.51.100.10/32'"),
          { .source = "198.51.100.10" },
          true },
        { "outside",
          SOURCE("'192.0.2.0/24', '198.51.100.10/32'"),
          { .source = "198.51.100.11" },
          false },
        { "odd prefix", SOURCE("'10.0.0.0/9'"), { .source = "10.127.255.255" }, true },
        { "odd prefix outside", SOURCE("'10.0.0.0/9'"), { .source = "10.128.0.0" }, false },
        { "everything v4", SOURCE("'0.0.0.0/0'"), { .source = "8.8.8.8" }, true },
        { "v4 block, v6 client", SOURCE("'0.0.0.0/0'"), { .source = "2001:db8::1" }, false },
        { "v6 /32", SOURCE("'2001:db8::/32'"), { .source = "2001:db8:1::1" }, true },
        { "v6 outside", SOURCE("'2001:db8::/32'"), { .source = "2001:db9::1" }, false },
        { "v6 /128", SOURCE("'::1/128'"), { .source = "::1" }, true },
        { "v4-mapped client", SOURCE("'192.0.2.0/24'"), { .source = "::ffff:192.0.2.5" }, true },
        { "host bits ignored", SOURCE("'192.0.2.99/24'"), { .source = "192.0.2.1" }, true },
    };
    run_cases(cases, DD_ARRAY_LEN(cases));
}

/* Conditions are ANDed, values within one ORed. */
static void test_and_or(void **state)
{
    (void)state;
    static const struct cond_case cases[] = {
        { "both",
          HOST("'a.example.com'") ", " PATH("'/x/*'"),
          { .host = "a.example.com", .target = "/x/1" },
          true },
        { "host fails",
          HOST("'a.example.com'") ", " PATH("'/x/*'"),
          { .host = "b.example.com", .target = "/x/1" },
          false },
        { "path fails",
          HOST("'a.example.com'") ", " PATH("'/x/*'"),
          { .host = "a.example.com", .target = "/y/1" },
          false },
        { "two header conditions both",
          HEADER("X-A", "'1'") ", " HEADER("X-B", "'2'"),
          { .hdr = { { "X-A", "1" }, { "X-B", "2" } } },
          true },
        { "two header conditions one",
          HEADER("X-A", "'1'") ", " HEADER("X-B", "'2'"),
          { .hdr = { { "X-A", "1" } } },
          false },
        { "two query conditions",
          QUERY("{'Key': 'a', 'Value': '1'}") ", " QUERY("{'Key': 'b', 'Value': '2'}"),
          { .target = "/?b=2&a=1" },
          true },
        { "all five kinds",
          HOST("'*.example.com'") ", " PATH("'/api/*'") ", " METHOD("'POST'") ", " SOURCE(
              "'203.0.113.0/24'") ", " HEADER("X-K", "'k'"),
          { .method = "POST",
            .host = "x.example.com",
            .target = "/api/v",
            .hdr = { { "X-K", "K" } } },
          true },
    };
    run_cases(cases, DD_ARRAY_LEN(cases));
}

/* Rules are tried by ascending priority whatever the file order; the
 * default rule catches the rest. */
static void test_priorities(void **state)
{
    (void)state;
    struct alb_config *cfg = fx_config(
        "{'LoadBalancers': [{'Name': 'web', 'Listeners': [{'Port': 80, 'DefaultActions': "
        "[{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': '404'}}], 'Rules': ["
        " {'Priority': 5, 'Conditions': [" PATH(
            "'/a/*'") "], 'Actions': [{'Type': "
                      "'fixed-response', 'FixedResponseConfig': {'StatusCode': '205'}}]},"
                      " {'Priority': 20000, 'Conditions': [" HOST(
                          "'*.example.com'") "], 'Actions': [{'Type': "
                                             "'fixed-response', 'FixedResponseConfig': "
                                             "{'StatusCode': '220'}}]},"
                                             " {'Priority': 1, 'Conditions': [" PATH(
                                                 "'/a/b/*'") "], 'Actions': [{'Type': "
                                                             "'fixed-response', "
                                                             "'FixedResponseConfig': "
                                                             "{'StatusCode': '201'}}]}]}]}]}");
    const struct alb_listener *l = &cfg->load_balancers[0].listeners[0];
    static const struct {
        struct req_spec req;
        int priority; /* 0 = default rule */
        int status;
    } cases[] = {
        { { .target = "/a/b/c", .host = "x.example.com" }, 1, 201 },
        { { .target = "/a/x", .host = "x.example.com" }, 5, 205 },
        { { .target = "/z", .host = "x.example.com" }, 20000, 220 },
        { { .target = "/z", .host = "other.org" }, 0, 404 },
        { { .target = "/a/b/", .host = NULL }, 1, 201 },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        struct alb_request_view v;
        struct sockaddr_storage ss;
        struct fx_headers hs;
        build_request(&cases[i].req, &v, &ss, &hs);
        const struct alb_rule *r = alb_rules_match(l, &v);
        assert_int_equal(r->priority, cases[i].priority);
        assert_int_equal(r->is_default, cases[i].priority == 0);
        assert_int_equal(r->actions[r->n_actions - 1].fixed_response.status_code, cases[i].status);
    }
    alb_config_free(cfg);
}

static void test_split_target(void **state)
{
    (void)state;
    static const struct {
        const char *target, *path, *query; /* query NULL = none */
    } cases[] = {
        { "/", "/", NULL },
        { "/a/b?x=1&y", "/a/b", "x=1&y" },
        { "/a?", "/a", "" },
        { "/a#frag", "/a", NULL },
        { "/a?q#frag", "/a", "q" },
        { "http://example.com/p?q", "/p", "q" },
        { "HTTPS://example.com:8443/p", "/p", NULL },
        { "http://example.com", "/", NULL },
        { "http://example.com?x", "/", "x" },
        { "*", "*", NULL },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        const char *path, *query;
        size_t plen, qlen;
        alb_request_split_target(cases[i].target, strlen(cases[i].target), &path, &plen, &query,
                                 &qlen);
        assert_int_equal(plen, strlen(cases[i].path));
        assert_memory_equal(path, cases[i].path, plen);
        if (!cases[i].query) {
            assert_null(query);
        } else {
            assert_non_null(query);
            assert_int_equal(qlen, strlen(cases[i].query));
            assert_memory_equal(query, cases[i].query, qlen);
        }
    }
}

static void test_host_strip_port(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "example.com", "example.com" },       { "example.com:80", "example.com" },
        { "[2001:db8::1]:443", "2001:db8::1" }, { "[::1]", "::1" },
        { "2001:db8::1", "2001:db8::1" },       { "", "" },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        const char *s;
        size_t n;
        alb_host_strip_port(cases[i].in, strlen(cases[i].in), &s, &n);
        assert_int_equal(n, strlen(cases[i].out));
        assert_memory_equal(s, cases[i].out, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wildcard),     cmocka_unit_test(test_wildcard_pathological),
        cmocka_unit_test(test_host_header),  cmocka_unit_test(test_path_pattern),
        cmocka_unit_test(test_http_header),  cmocka_unit_test(test_http_request_method),
        cmocka_unit_test(test_query_string), cmocka_unit_test(test_source_ip),
        cmocka_unit_test(test_and_or),       cmocka_unit_test(test_priorities),
        cmocka_unit_test(test_split_target), cmocka_unit_test(test_host_strip_port),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
