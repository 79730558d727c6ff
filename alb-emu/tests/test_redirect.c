/* Unit tests for alb-emu/redirect.c: the Location URL for every placeholder
 * and default, the documented examples, and refused results. */
#include "alb-emu/tests/fixture.h"

#include "alb-emu/redirect.h"

struct redirect_case {
    const char *name;
    /* RedirectConfig components; NULL = not given */
    const char *protocol, *port, *host, *path, *query;
    /* the request */
    enum alb_protocol req_protocol;
    const char *req_host;
    int req_port;
    const char *req_path, *req_query;
    const char *want; /* NULL = DD_EINVAL */
};

static const struct redirect_case k_cases[] = {
    /* "redirects an HTTP request to an HTTPS request on port 443, with the
     * same host name, path, and query string" (user guide CLI example) */
    { "doc: HTTP to HTTPS", "HTTPS", "443", "#{host}", "/#{path}", "#{query}", ALB_PROTOCOL_HTTP,
      "example.com", 80, "/a/b", "x=1", "https://example.com:443/a/b?x=1" },
    /* console example "https://#{host}:40443/#{path}?#{query}" */
    { "doc: new port, rest kept", "HTTPS", "40443", NULL, NULL, NULL, ALB_PROTOCOL_HTTP,
      "example.com", 80, "/p", "q", "https://example.com:40443/p?q" },
    /* console example "#{protocol}://#{host}:#{port}/new/#{path}?#{query}" */
    { "doc: new path prefix", NULL, NULL, NULL, "/new/#{path}", NULL, ALB_PROTOCOL_HTTP,
      "example.com", 80, "/old/x", "q=1", "http://example.com:80/new/old/x?q=1" },
    { "empty query adds no ?", "HTTPS", "443", NULL, NULL, NULL, ALB_PROTOCOL_HTTP, "example.com",
      80, "/p", NULL, "https://example.com:443/p" },
    { "empty query string adds no ?", "HTTPS", "443", NULL, NULL, NULL, ALB_PROTOCOL_HTTP,
      "example.com", 80, "/p", "", "https://example.com:443/p" },
    { "query extended", NULL, NULL, "other.example.com", NULL, "#{query}&value=xyz",
      ALB_PROTOCOL_HTTP, "example.com", 80, "/p", "a=1",
      "http://other.example.com:80/p?a=1&value=xyz" },
    { "host template", NULL, NULL, "example.#{host}", NULL, NULL, ALB_PROTOCOL_HTTP, "foo.com", 80,
      "/", NULL, "http://example.foo.com:80/" },
    { "host header port dropped", "HTTPS", "443", NULL, NULL, NULL, ALB_PROTOCOL_HTTP,
      "foo.com:8080", 80, "/x", NULL, "https://foo.com:443/x" },
    { "#{port} is the listener port", NULL, NULL, NULL, "/p#{port}", NULL, ALB_PROTOCOL_HTTP,
      "foo.com:8080", 81, "/x", NULL, "http://foo.com:81/p81" },
    { "path keywords", NULL, NULL, NULL, "/#{host}/#{port}/#{path}", NULL, ALB_PROTOCOL_HTTP,
      "foo.com", 80, "/x/y", NULL, "http://foo.com:80/foo.com/80/x/y" },
    { "root path", "HTTPS", NULL, NULL, NULL, NULL, ALB_PROTOCOL_HTTP, "foo.com", 80, "/", NULL,
      "https://foo.com:80/" },
    { "fixed path", NULL, NULL, NULL, "/maintenance", "", ALB_PROTOCOL_HTTP, "foo.com", 80, "/x",
      "q=1", "http://foo.com:80/maintenance" },
    { "protocol kept on HTTPS", NULL, "8443", NULL, NULL, NULL, ALB_PROTOCOL_HTTPS, "foo.com", 443,
      "/x", NULL, "https://foo.com:8443/x" },
    { "all keywords in query", NULL, NULL, "x.org", NULL,
      "p=#{protocol}&h=#{host}&o=#{port}&a=#{path}&q=#{query}", ALB_PROTOCOL_HTTP, "foo.com", 80,
      "/d/e", "z=1", "http://x.org:80/d/e?p=http&h=foo.com&o=80&a=d/e&q=z=1" },
    { "path not re-encoded", "HTTPS", "443", NULL, NULL, NULL, ALB_PROTOCOL_HTTP, "foo.com", 80,
      "/a%20b", NULL, "https://foo.com:443/a%20b" },
    { "fixed host needs no Host header", NULL, NULL, "x.org", NULL, NULL, ALB_PROTOCOL_HTTP, NULL,
      80, "/", NULL, "http://x.org:80/" },
    { "IPv6 literal host", "HTTPS", "443", NULL, NULL, NULL, ALB_PROTOCOL_HTTP, "[2001:db8::1]:80",
      80, "/x", NULL, "https://[2001:db8::1]:443/x" },
    { "no Host header", "HTTPS", "443", NULL, NULL, NULL, ALB_PROTOCOL_HTTP, NULL, 80, "/", NULL,
      NULL },
    { "port out of range", NULL, NULL, "x.org", NULL, NULL, ALB_PROTOCOL_HTTP, "a.com", 0, "/",
      NULL, NULL },
};

static void test_redirect_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < DD_ARRAY_LEN(k_cases); i++) {
        const struct redirect_case *c = &k_cases[i];
        struct alb_redirect_config cfg = {
            .protocol = (char *)c->protocol,
            .port = (char *)c->port,
            .host = (char *)c->host,
            .path = (char *)c->path,
            .query = (char *)c->query,
            .status_code = 301,
        };
        struct alb_redirect_request req = {
            .protocol = c->req_protocol,
            .host = c->req_host,
            .host_len = c->req_host ? strlen(c->req_host) : 0,
            .port = c->req_port,
            .path = c->req_path,
            .path_len = strlen(c->req_path),
            .query = c->req_query,
            .query_len = c->req_query ? strlen(c->req_query) : 0,
        };
        struct dd_buf out = DD_BUF_INIT;
        int rc = alb_redirect_build(&cfg, &req, &out);
        if (!c->want) {
            if (rc != DD_EINVAL)
                fail_msg("case '%s': want DD_EINVAL, got %d (%s)", c->name, rc,
                         out.data ? out.data : "");
        } else {
            if (rc != DD_OK || strcmp(out.data, c->want) != 0)
                fail_msg("case '%s': got rc %d '%s', want '%s'", c->name, rc,
                         out.data ? out.data : "", c->want);
        }
        dd_buf_release(&out);
    }
}

/* A redirect parsed from the config builds the same URL. */
static void test_redirect_from_config(void **state)
{
    (void)state;
    struct alb_config *cfg = fx_config(
        "{'LoadBalancers': [{'Name': 'web', 'Listeners': [{'Port': 80, 'DefaultActions': "
        "[{'Type': 'redirect', 'RedirectConfig': {'Protocol': 'HTTPS', 'Port': '443', 'Host': "
        "'#{host}', 'Path': '/#{path}', 'Query': '#{query}', 'StatusCode': 'HTTP_301'}}]}]}]}");
    const struct alb_action *a = &cfg->load_balancers[0].listeners[0].default_rule.actions[0];
    assert_int_equal(a->type, ALB_ACTION_REDIRECT);
    assert_int_equal(a->redirect.status_code, 301);
    struct alb_redirect_request req = {
        ALB_PROTOCOL_HTTP, "Example.com", 11, 80, "/x", 2, "y=1", 3
    };
    struct dd_buf out = DD_BUF_INIT;
    assert_int_equal(alb_redirect_build(&a->redirect, &req, &out), DD_OK);
    assert_string_equal(out.data, "https://Example.com:443/x?y=1");
    dd_buf_release(&out);
    assert_string_equal(alb_redirect_reason(301), "Moved Permanently");
    assert_string_equal(alb_redirect_reason(302), "Found");
    alb_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_redirect_table),
        cmocka_unit_test(test_redirect_from_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
