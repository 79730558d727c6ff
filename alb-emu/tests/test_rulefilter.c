/*
 * Tests of the rule prefilter: for tables of listeners and requests, the
 * filter must pick exactly the rule alb_rules_match() picks, and it must
 * actually skip the rules it can rule out.
 */
#include "fixture.h"

#include <netinet/in.h>

#include "alb-emu/rulefilter.h"
#include "alb-emu/rules.h"

/* Rules whose conditions exercise every filter kind and the corners of
 * literal prefixes and suffixes: no wildcard, leading and trailing stars,
 * '?', case, ports on hosts, regex values, several values, several
 * conditions. */
static const char k_listener[] =
    "{'LoadBalancers': [{'Name': 'lb', 'Listeners': [{'Port': 80,"
    " 'DefaultActions': [{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': '404'}}],"
    " 'Rules': ["
    "  {'Priority': 1, 'Conditions': [{'Field': 'path-pattern', 'Values': ['/exact']}], 'Actions': "
    "[{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': '200'}}]},"
    "  {'Priority': 2, 'Conditions': [{'Field': 'path-pattern', 'PathPatternConfig': {'Values': "
    "['/api/*/items', '*.png']}}], 'Actions': [{'Type': 'fixed-response', 'FixedResponseConfig': "
    "{'StatusCode': "
    "'200'}}]},"
    "  {'Priority': 3, 'Conditions': [{'Field': 'path-pattern', 'Values': ['/a?c']}], 'Actions': "
    "[{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': '200'}}]},"
    "  {'Priority': 4, 'Conditions': [{'Field': 'host-header', 'Values': ['*.Example.COM']}], "
    "'Actions': [{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': '200'}}]},"
    "  {'Priority': 5, 'Conditions': [{'Field': 'host-header', 'Values': ['api.??.test']},"
    "                                 {'Field': 'path-pattern', 'Values': ['/v1*']}], 'Actions': "
    "[{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': '200'}}]},"
    "  {'Priority': 6, 'Conditions': [{'Field': 'http-header', 'HttpHeaderConfig': "
    "{'HttpHeaderName': 'X-Canary', 'Values': ['y*']}}], 'Actions': [{'Type': 'fixed-response', "
    "'FixedResponseConfig': {'StatusCode': '200'}}]},"
    "  {'Priority': 7, 'Conditions': [{'Field': 'http-header', 'HttpHeaderConfig': "
    "{'HttpHeaderName': 'X-Any', 'Values': ['*']}}], 'Actions': [{'Type': 'fixed-response', "
    "'FixedResponseConfig': {'StatusCode': '200'}}]},"
    "  {'Priority': 8, 'Conditions': [{'Field': 'path-pattern', 'PathPatternConfig': "
    "{'RegexValues': ['^/re[0-9]+$']}}], 'Actions': [{'Type': 'fixed-response', "
    "'FixedResponseConfig': {'StatusCode': '200'}}]},"
    "  {'Priority': 9, 'Conditions': [{'Field': 'http-request-method', 'HttpRequestMethodConfig': "
    "{'Values': ['DELETE']}}], "
    "'Actions': [{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': '200'}}]},"
    "  {'Priority': 10, 'Conditions': [{'Field': 'host-header', 'Values': ['exact.host']}], "
    "'Actions': [{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': '200'}}]},"
    "  {'Priority': 11, 'Conditions': [{'Field': 'path-pattern', 'Values': ['*']}], 'Actions': "
    "[{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': '200'}}]}"
    " ]}]}]}";

struct req {
    const char *method, *host, *path;
    const struct fx_header *h;
    size_t nh;
};

static const struct fx_header k_canary[] = { { "x-canary", "yes" } };
static const struct fx_header k_canary_no[] = { { "X-Canary", "no" } };
static const struct fx_header k_any[] = { { "X-Any", "" } };

static const struct req k_reqs[] = {
    { "GET", "a", "/exact", NULL, 0 },
    { "GET", "a", "/exact/", NULL, 0 },
    { "GET", "a", "/exac", NULL, 0 },
    { "GET", "a", "/api/v2/items", NULL, 0 },
    { "GET", "a", "/api//items", NULL, 0 },
    { "GET", "a", "/api/items", NULL, 0 },
    { "GET", "a", "/img/x.png", NULL, 0 },
    { "GET", "a", "/img/x.PNG", NULL, 0 },
    { "GET", "a", "/abc", NULL, 0 },
    { "GET", "a", "/ac", NULL, 0 },
    { "GET", "www.example.com", "/", NULL, 0 },
    { "GET", "WWW.EXAMPLE.com:8080", "/", NULL, 0 },
    { "GET", "example.com", "/", NULL, 0 },
    { "GET", "api.eu.test", "/v1/x", NULL, 0 },
    { "GET", "api.eu.test", "/v2/x", NULL, 0 },
    { "GET", "api.e.test", "/v1/x", NULL, 0 },
    { "GET", "a", "/z", k_canary, 1 },
    { "GET", "a", "/z", k_canary_no, 1 },
    { "GET", "a", "/z", k_any, 1 },
    { "GET", "a", "/re42", NULL, 0 },
    { "DELETE", "a", "/q", NULL, 0 },
    { "GET", "EXACT.HOST", "/q", NULL, 0 },
    { "GET", "exact.host.x", "/q", NULL, 0 },
    { "GET", NULL, "/q", NULL, 0 },
    { "GET", "a", "", NULL, 0 },
};

static void view_of(const struct req *r, struct fx_headers *hs, struct alb_request_view *v)
{
    hs->h = r->h;
    hs->n = r->nh;
    memset(v, 0, sizeof(*v));
    v->method = r->method;
    v->method_len = strlen(r->method);
    v->host = r->host;
    v->host_len = r->host ? strlen(r->host) : 0;
    v->path = r->path;
    v->path_len = strlen(r->path);
    v->header = fx_header_fn;
    v->header_ctx = hs;
}

static void test_same_rule_as_rules_match(void **state)
{
    (void)state;
    struct alb_config *cfg = fx_config(k_listener);
    const struct alb_listener *l = &cfg->load_balancers[0].listeners[0];
    struct alb_rule_filter *f = alb_rule_filter_new(l);
    assert_non_null(f);
    for (size_t i = 0; i < sizeof(k_reqs) / sizeof(k_reqs[0]); i++) {
        struct fx_headers hs;
        struct alb_request_view v;
        view_of(&k_reqs[i], &hs, &v);
        const struct alb_rule *want = alb_rules_match(l, &v);
        const struct alb_rule *got = alb_rule_filter_match(f, &v);
        if (want != got)
            fail_msg("request %zu (%s %s): filter chose priority %d, rules.c %d", i,
                     k_reqs[i].host ? k_reqs[i].host : "-", k_reqs[i].path, got->priority,
                     want->priority);
    }
    alb_rule_filter_free(f);
    alb_config_free(cfg);
}

/* Every prefix/suffix shape against every short text over a small
 * alphabet: an exhaustive check that the filter never rejects a match. */
static void test_exhaustive_small(void **state)
{
    (void)state;
    static const char *const pats[] = { "a",  "ab",  "*",   "a*",    "*a", "a*b", "?",
                                        "a?", "?b*", "*a*", "ab*ba", "*?", "A*" };
    static const char alphabet[] = "abA";
    char json[4096];
    for (size_t p = 0; p < sizeof(pats) / sizeof(pats[0]); p++) {
        for (int field = 0; field < 2; field++) {
            snprintf(json, sizeof(json),
                     "{'LoadBalancers': [{'Name': 'lb', 'Listeners': [{'Port': 80,"
                     " 'DefaultActions': [{'Type': 'fixed-response', 'FixedResponseConfig': "
                     "{'StatusCode': '404'}}],"
                     " 'Rules': [{'Priority': 1, 'Conditions': [{'Field': '%s', 'Values': "
                     "['%s%s%s']}],"
                     " 'Actions': [{'Type': 'fixed-response', 'FixedResponseConfig': "
                     "{'StatusCode': '200'}}]}]}]}]}",
                     field ? "host-header" : "path-pattern", field ? "" : "/", pats[p],
                     field ? ".t" : "");
            struct alb_config *cfg = NULL;
            struct alb_config_error err;
            if (fx_parse(json, &cfg, &err) != DD_OK)
                fail_msg("%s: %s", pats[p], err.message);
            const struct alb_listener *l = &cfg->load_balancers[0].listeners[0];
            struct alb_rule_filter *f = alb_rule_filter_new(l);
            assert_non_null(f);
            /* Paths are "/" + text; hosts text + ".t" (a host value needs a dot). */
            char buf[16], *text = buf + 1;
            buf[0] = '/';
            for (size_t len = 0; len <= 4; len++) {
                size_t combos = 1;
                for (size_t k = 0; k < len; k++)
                    combos *= 3;
                for (size_t n = 0; n < combos; n++) {
                    size_t x = n;
                    for (size_t k = 0; k < len; k++, x /= 3)
                        text[k] = alphabet[x % 3];
                    memcpy(text + len, field ? ".t" : "", field ? 3 : 1);
                    struct fx_headers hs = { NULL, 0 };
                    struct alb_request_view v = { .method = "GET", .method_len = 3 };
                    v.header = fx_header_fn;
                    v.header_ctx = &hs;
                    if (field) {
                        v.host = text;
                        v.host_len = len + 2;
                        v.path = "/";
                        v.path_len = 1;
                    } else {
                        v.path = buf; /* "/" + text */
                        v.path_len = len + 1;
                    }
                    assert_ptr_equal(alb_rule_filter_match(f, &v), alb_rules_match(l, &v));
                }
            }
            alb_rule_filter_free(f);
            alb_config_free(cfg);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_rule_as_rules_match),
        cmocka_unit_test(test_exhaustive_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
