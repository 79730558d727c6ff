/* Unit tests for common/metrics.c: the rendered Prometheus text compared byte
 * for byte (hostile label values and help, histograms, number formats), name
 * validation, wrong-kind calls, series removal and many series. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/metrics.h"

/* Renders reg and compares the whole page with want. */
static void assert_rendered(struct dd_metrics *reg, const char *want)
{
    struct dd_buf out = DD_BUF_INIT;
    assert_int_equal(dd_metrics_render(reg, &out), DD_OK);
    assert_non_null(out.data);
    assert_string_equal(out.data, want);
    dd_buf_release(&out);
}

static void test_counters_and_gauges(void **state)
{
    (void)state;
    struct dd_metrics *reg = dd_metrics_new();
    assert_non_null(reg);
    struct dd_metric *sent =
        dd_metrics_counter(reg, "NumberOfMessagesSent", "Messages sent.", "QueueName");
    struct dd_metric *visible = dd_metrics_gauge(reg, "ApproximateNumberOfMessagesVisible",
                                                 "Messages available for retrieval.", "QueueName");
    struct dd_metric *hits = dd_metrics_counter(reg, "CacheHits", "Successful key lookups.", NULL);
    struct dd_metric *mem = dd_metrics_gauge(reg, "BytesUsedForCache", NULL, "");
    assert_non_null(sent);
    assert_non_null(visible);
    assert_non_null(hits);
    assert_non_null(mem);

    const char *orders[] = { "orders" };
    const char *billing[] = { "billing" };
    assert_int_equal(dd_metric_add(sent, orders, 1), DD_OK);
    assert_int_equal(dd_metric_add(sent, billing, 2.5), DD_OK);
    assert_int_equal(dd_metric_add(sent, orders, 2), DD_OK);
    assert_int_equal(dd_metric_set(visible, orders, 10), DD_OK);
    assert_int_equal(dd_metric_add(visible, orders, -4), DD_OK);
    assert_int_equal(dd_metric_set(mem, NULL, 1048576), DD_OK);
    assert_true(dd_metric_value(sent, orders) == 3);
    assert_true(dd_metric_value(visible, orders) == 6);
    assert_true(dd_metric_value(hits, NULL) == 0);

    assert_rendered(reg, "# HELP NumberOfMessagesSent Messages sent.\n"
                         "# TYPE NumberOfMessagesSent counter\n"
                         "NumberOfMessagesSent{QueueName=\"orders\"} 3\n"
                         "NumberOfMessagesSent{QueueName=\"billing\"} 2.5\n"
                         "# HELP ApproximateNumberOfMessagesVisible Messages available for "
                         "retrieval.\n"
                         "# TYPE ApproximateNumberOfMessagesVisible gauge\n"
                         "ApproximateNumberOfMessagesVisible{QueueName=\"orders\"} 6\n"
                         "# HELP CacheHits Successful key lookups.\n"
                         "# TYPE CacheHits counter\n"
                         "CacheHits 0\n"
                         "# TYPE BytesUsedForCache gauge\n"
                         "BytesUsedForCache 1048576\n");
    assert_ptr_equal(dd_metrics_find(reg, "CacheHits"), hits);
    assert_null(dd_metrics_find(reg, "CacheMisses"));
    dd_metrics_free(reg);
}

static void test_hostile_label_values_and_help(void **state)
{
    (void)state;
    struct dd_metrics *reg = dd_metrics_new();
    assert_non_null(reg);
    struct dd_metric *m =
        dd_metrics_counter(reg, "HTTPCode_ELB_5XX_Count", "Counts 5XX\nfrom the \"ALB\" \\ itself",
                           " LoadBalancer ,\tTargetGroup");
    assert_non_null(m);
    const char *evil[] = { "a\"b\\c\nd", "} 1\nfake_metric 2\n# x{" };
    const char *empty[] = { "", "caf\xc3\xa9" };
    assert_int_equal(dd_metric_add(m, evil, 5), DD_OK);
    assert_int_equal(dd_metric_add(m, empty, 1), DD_OK);
    assert_rendered(reg,
                    "# HELP HTTPCode_ELB_5XX_Count Counts 5XX\\nfrom the \"ALB\" \\\\ itself\n"
                    "# TYPE HTTPCode_ELB_5XX_Count counter\n"
                    "HTTPCode_ELB_5XX_Count{LoadBalancer=\"a\\\"b\\\\c\\nd\","
                    "TargetGroup=\"} 1\\nfake_metric 2\\n# x{\"} 5\n"
                    "HTTPCode_ELB_5XX_Count{LoadBalancer=\"\",TargetGroup=\"caf\xc3\xa9\"} 1\n");

    /* Invalid UTF-8 never reaches the page. */
    const char *bad[][2] = {
        { "x\xff", "y" },
        { "ok", "\xc3" },
        { "\xc0\xaf", "y" },
        { "\xed\xa0\x80", "y" },
        { "\xf4\x90\x80\x80", "y" },
        { "\xe2\x82", "y" },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(bad); i++)
        assert_int_equal(dd_metric_add(m, bad[i], 1), DD_EINVAL);
    assert_int_equal(dd_metric_series_count(m), 2);

    /* Values that differ only in where one ends must stay distinct series. */
    struct dd_metric *two = dd_metrics_gauge(reg, "Split", NULL, "a,b");
    assert_non_null(two);
    const char *ab_c[] = { "ab", "c" };
    const char *a_bc[] = { "a", "bc" };
    assert_int_equal(dd_metric_set(two, ab_c, 1), DD_OK);
    assert_int_equal(dd_metric_set(two, a_bc, 2), DD_OK);
    assert_int_equal(dd_metric_series_count(two), 2);
    assert_true(dd_metric_value(two, ab_c) == 1);
    assert_true(dd_metric_value(two, a_bc) == 2);
    dd_metrics_free(reg);
}

static void test_histogram(void **state)
{
    (void)state;
    struct dd_metrics *reg = dd_metrics_new();
    assert_non_null(reg);
    static const double bounds[] = { 0.25, 0.5, 1, 2.5, 10 };
    struct dd_metric *h = dd_metrics_histogram(reg, "TargetResponseTime", "Seconds.", NULL, bounds,
                                               DD_ARRAY_LEN(bounds));
    assert_non_null(h);
    static const double obs[] = { 0.25, -1, 0.5, 1, 3, 100 };
    for (size_t i = 0; i < DD_ARRAY_LEN(obs); i++)
        assert_int_equal(dd_metric_observe(h, NULL, obs[i]), DD_OK);
    assert_true(dd_metric_value(h, NULL) == 6);

    static const double lb[] = { 1e-5, 0.001, 0.1, INFINITY };
    struct dd_metric *hl =
        dd_metrics_histogram(reg, "Latency", NULL, "Operation", lb, DD_ARRAY_LEN(lb));
    assert_non_null(hl);
    const char *send[] = { "Send\"Message" };
    const char *recv[] = { "ReceiveMessage" };
    assert_int_equal(dd_metric_observe(hl, recv, 0.05), DD_OK);
    assert_int_equal(dd_metric_observe(hl, send, 0.001), DD_OK);
    assert_int_equal(dd_metric_observe(hl, send, INFINITY), DD_OK);

    struct dd_metric *only_inf = dd_metrics_histogram(reg, "Empty", NULL, NULL, NULL, 0);
    assert_non_null(only_inf);
    assert_int_equal(dd_metric_observe(only_inf, NULL, 7), DD_OK);

    assert_rendered(reg, "# HELP TargetResponseTime Seconds.\n"
                         "# TYPE TargetResponseTime histogram\n"
                         "TargetResponseTime_bucket{le=\"0.25\"} 2\n"
                         "TargetResponseTime_bucket{le=\"0.5\"} 3\n"
                         "TargetResponseTime_bucket{le=\"1\"} 4\n"
                         "TargetResponseTime_bucket{le=\"2.5\"} 4\n"
                         "TargetResponseTime_bucket{le=\"10\"} 5\n"
                         "TargetResponseTime_bucket{le=\"+Inf\"} 6\n"
                         "TargetResponseTime_sum 103.75\n"
                         "TargetResponseTime_count 6\n"
                         "# TYPE Latency histogram\n"
                         "Latency_bucket{Operation=\"ReceiveMessage\",le=\"1e-05\"} 0\n"
                         "Latency_bucket{Operation=\"ReceiveMessage\",le=\"0.001\"} 0\n"
                         "Latency_bucket{Operation=\"ReceiveMessage\",le=\"0.1\"} 1\n"
                         "Latency_bucket{Operation=\"ReceiveMessage\",le=\"+Inf\"} 1\n"
                         "Latency_sum{Operation=\"ReceiveMessage\"} 0.05\n"
                         "Latency_count{Operation=\"ReceiveMessage\"} 1\n"
                         "Latency_bucket{Operation=\"Send\\\"Message\",le=\"1e-05\"} 0\n"
                         "Latency_bucket{Operation=\"Send\\\"Message\",le=\"0.001\"} 1\n"
                         "Latency_bucket{Operation=\"Send\\\"Message\",le=\"0.1\"} 1\n"
                         "Latency_bucket{Operation=\"Send\\\"Message\",le=\"+Inf\"} 2\n"
                         "Latency_sum{Operation=\"Send\\\"Message\"} +Inf\n"
                         "Latency_count{Operation=\"Send\\\"Message\"} 2\n"
                         "# TYPE Empty histogram\n"
                         "Empty_bucket{le=\"+Inf\"} 1\n"
                         "Empty_sum 7\n"
                         "Empty_count 1\n");
    dd_metrics_free(reg);
}

/* Bounds must be finite and strictly increasing; only a trailing +Inf is let through. */
static void test_histogram_bounds_validation(void **state)
{
    (void)state;
    struct dd_metrics *reg = dd_metrics_new();
    assert_non_null(reg);
    static const struct {
        double b[3];
        size_t n;
        int ok;
    } cases[] = {
        { { 1, 1 }, 2, 0 },        { { 2, 1 }, 2, 0 },         { { NAN }, 1, 0 },
        { { 1, NAN }, 2, 0 },      { { -INFINITY, 1 }, 2, 0 }, { { 1, INFINITY, INFINITY }, 3, 0 },
        { { INFINITY, 1 }, 2, 0 }, { { 1, INFINITY }, 2, 1 },  { { INFINITY }, 1, 1 },
        { { -5, 0, 1e-9 }, 3, 1 },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        char name[16];
        snprintf(name, sizeof(name), "h%zu", i);
        struct dd_metric *h = dd_metrics_histogram(reg, name, NULL, NULL, cases[i].b, cases[i].n);
        if (cases[i].ok)
            assert_non_null(h);
        else
            assert_null(h);
    }
    assert_null(dd_metrics_histogram(reg, "nullbounds", NULL, NULL, NULL, 2));
    assert_non_null(dd_metrics_histogram(reg, "nobounds", NULL, NULL, NULL, 0));
    dd_metrics_free(reg);
}

static void test_number_formats(void **state)
{
    (void)state;
    static const struct {
        double v;
        const char *want;
    } cases[] = {
        { 0, "0" },
        { -0.0, "0" },
        { 1, "1" },
        { -1, "-1" },
        { 1.5, "1.5" },
        { 0.1, "0.1" },
        { 0.1 + 0.2, "0.30000000000000004" },
        { 1.0 / 3, "0.3333333333333333" },
        { 1e6, "1000000" },
        { 123456789012345.0, "123456789012345" },
        { -9007199254740993.0, "-9007199254740992" },
        { 9223372036854774784.0, "9223372036854774784" },
        { 9223372036854775808.0, "9.223372036854776e+18" },
        { 1e20, "1e+20" },
        { 1.5e-7, "1.5e-07" },
        { -2.75, "-2.75" },
        { DBL_MAX, "1.7976931348623157e+308" },
        { INFINITY, "+Inf" },
        { -INFINITY, "-Inf" },
        { NAN, "NaN" },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        struct dd_metrics *reg = dd_metrics_new();
        assert_non_null(reg);
        struct dd_metric *g = dd_metrics_gauge(reg, "g", NULL, NULL);
        assert_non_null(g);
        assert_int_equal(dd_metric_set(g, NULL, cases[i].v), DD_OK);
        char want[128];
        snprintf(want, sizeof(want), "# TYPE g gauge\ng %s\n", cases[i].want);
        assert_rendered(reg, want);
        dd_metrics_free(reg);
    }
}

static void test_invalid_names(void **state)
{
    (void)state;
    struct dd_metrics *reg = dd_metrics_new();
    assert_non_null(reg);
    static const char *const bad_names[] = {
        "", "1abc", "a-b", "a b", "a.b", "caf\xc3\xa9", "name\n", "x{y}", "a\"",
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(bad_names); i++) {
        assert_null(dd_metrics_counter(reg, bad_names[i], "h", NULL));
        assert_null(dd_metrics_gauge(reg, bad_names[i], "h", NULL));
    }
    assert_null(dd_metrics_counter(reg, NULL, "h", NULL));
    assert_null(dd_metrics_counter(NULL, "ok", "h", NULL));

    static const char *const good_names[] = {
        "NumberOfMessagesSent", "HTTPCode_ELB_5XX_Count", ":colon", "_x", "a:b_c9", "Z",
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(good_names); i++)
        assert_non_null(dd_metrics_counter(reg, good_names[i], "h", NULL));

    static const char *const bad_labels[] = {
        "1a", "a-b", "__reserved",          "a,,b",        "a,", ",a", "a,a", "Queue Name", "a:b",
        " ",  ",",   "QueueName,QueueName", "caf\xc3\xa9",
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(bad_labels); i++)
        assert_null(dd_metrics_counter(reg, "labelled", "h", bad_labels[i]));
    assert_non_null(dd_metrics_counter(reg, "labelled", "h", "_a,b9,le"));

    /* Duplicates, whatever the kind. */
    assert_null(dd_metrics_counter(reg, "labelled", "h", NULL));
    assert_null(dd_metrics_gauge(reg, "labelled", "h", NULL));
    assert_null(dd_metrics_histogram(reg, "labelled", "h", NULL, NULL, 0));
    /* "le" belongs to the histogram's buckets. */
    assert_null(dd_metrics_histogram(reg, "hist", "h", "QueueName,le", NULL, 0));
    assert_non_null(dd_metrics_histogram(reg, "hist", "h", "QueueName", NULL, 0));

    /* Nothing rejected left a trace. */
    assert_rendered(reg, "# HELP NumberOfMessagesSent h\n# TYPE NumberOfMessagesSent counter\n"
                         "NumberOfMessagesSent 0\n"
                         "# HELP HTTPCode_ELB_5XX_Count h\n# TYPE HTTPCode_ELB_5XX_Count counter\n"
                         "HTTPCode_ELB_5XX_Count 0\n"
                         "# HELP :colon h\n# TYPE :colon counter\n:colon 0\n"
                         "# HELP _x h\n# TYPE _x counter\n_x 0\n"
                         "# HELP a:b_c9 h\n# TYPE a:b_c9 counter\na:b_c9 0\n"
                         "# HELP Z h\n# TYPE Z counter\nZ 0\n"
                         "# HELP labelled h\n# TYPE labelled counter\n"
                         "# HELP hist h\n# TYPE hist histogram\n");
    dd_metrics_free(reg);
}

static void test_wrong_kind_and_bad_values(void **state)
{
    (void)state;
    struct dd_metrics *reg = dd_metrics_new();
    assert_non_null(reg);
    struct dd_metric *c = dd_metrics_counter(reg, "c", NULL, "q");
    struct dd_metric *g = dd_metrics_gauge(reg, "g", NULL, "q");
    struct dd_metric *h = dd_metrics_histogram(reg, "h", NULL, "q", NULL, 0);
    assert_non_null(c);
    assert_non_null(g);
    assert_non_null(h);
    const char *q[] = { "orders" };
    const char *nullv[] = { NULL };

    assert_int_equal(dd_metric_add(c, q, 2), DD_OK);
    assert_int_equal(dd_metric_set(c, q, 5), DD_EINVAL);
    assert_int_equal(dd_metric_observe(c, q, 5), DD_EINVAL);
    assert_int_equal(dd_metric_add(c, q, -1), DD_EINVAL);
    assert_int_equal(dd_metric_add(c, q, NAN), DD_EINVAL);
    assert_int_equal(dd_metric_add(c, q, -INFINITY), DD_EINVAL);
    assert_int_equal(dd_metric_add(c, NULL, 1), DD_EINVAL);
    assert_int_equal(dd_metric_add(c, nullv, 1), DD_EINVAL);
    assert_true(dd_metric_value(c, q) == 2);

    assert_int_equal(dd_metric_add(g, q, -3), DD_OK);
    assert_int_equal(dd_metric_observe(g, q, 1), DD_EINVAL);
    assert_int_equal(dd_metric_set(g, NULL, 1), DD_EINVAL);
    assert_true(dd_metric_value(g, q) == -3);

    assert_int_equal(dd_metric_add(h, q, 1), DD_EINVAL);
    assert_int_equal(dd_metric_set(h, q, 1), DD_EINVAL);
    assert_int_equal(dd_metric_observe(h, q, NAN), DD_EINVAL);
    assert_int_equal(dd_metric_observe(h, nullv, 1), DD_EINVAL);
    assert_int_equal(dd_metric_series_count(h), 0);

    assert_int_equal(dd_metric_add(NULL, q, 1), DD_EINVAL);
    assert_int_equal(dd_metric_set(NULL, q, 1), DD_EINVAL);
    assert_int_equal(dd_metric_observe(NULL, q, 1), DD_EINVAL);
    assert_int_equal(dd_metric_remove(NULL, q), DD_EINVAL);
    assert_int_equal(dd_metric_remove(c, NULL), DD_EINVAL);
    assert_true(dd_metric_value(NULL, q) == 0);
    assert_true(dd_metric_value(c, NULL) == 0);
    assert_int_equal(dd_metrics_on_collect(reg, NULL, NULL), DD_EINVAL);
    assert_int_equal(dd_metrics_render(reg, NULL), DD_EINVAL);

    assert_rendered(reg, "# TYPE c counter\nc{q=\"orders\"} 2\n"
                         "# TYPE g gauge\ng{q=\"orders\"} -3\n"
                         "# TYPE h histogram\n");
    dd_metrics_free(reg);
}

static void test_remove_series(void **state)
{
    (void)state;
    struct dd_metrics *reg = dd_metrics_new();
    assert_non_null(reg);
    struct dd_metric *g =
        dd_metrics_gauge(reg, "ApproximateNumberOfMessagesVisible", NULL, "QueueName");
    assert_non_null(g);
    const char *a[] = { "a" }, *b[] = { "b" }, *c[] = { "c" }, *d[] = { "d" };
    assert_int_equal(dd_metric_set(g, a, 1), DD_OK);
    assert_int_equal(dd_metric_set(g, b, 2), DD_OK);
    assert_int_equal(dd_metric_set(g, c, 3), DD_OK);
    assert_int_equal(dd_metric_set(g, d, 4), DD_OK);

    assert_int_equal(dd_metric_remove(g, b), DD_OK);
    assert_int_equal(dd_metric_remove(g, b), DD_ENOENT);
    assert_true(dd_metric_value(g, b) == 0);
    assert_int_equal(dd_metric_series_count(g), 3);
    assert_rendered(reg, "# TYPE ApproximateNumberOfMessagesVisible gauge\n"
                         "ApproximateNumberOfMessagesVisible{QueueName=\"a\"} 1\n"
                         "ApproximateNumberOfMessagesVisible{QueueName=\"c\"} 3\n"
                         "ApproximateNumberOfMessagesVisible{QueueName=\"d\"} 4\n");

    /* Head and tail, then a re-created series starts afresh at the end. */
    assert_int_equal(dd_metric_remove(g, a), DD_OK);
    assert_int_equal(dd_metric_remove(g, d), DD_OK);
    assert_int_equal(dd_metric_add(g, b, 7), DD_OK);
    assert_int_equal(dd_metric_set(g, a, 9), DD_OK);
    assert_rendered(reg, "# TYPE ApproximateNumberOfMessagesVisible gauge\n"
                         "ApproximateNumberOfMessagesVisible{QueueName=\"c\"} 3\n"
                         "ApproximateNumberOfMessagesVisible{QueueName=\"b\"} 7\n"
                         "ApproximateNumberOfMessagesVisible{QueueName=\"a\"} 9\n");
    assert_int_equal(dd_metric_remove(g, c), DD_OK);
    assert_int_equal(dd_metric_remove(g, b), DD_OK);
    assert_int_equal(dd_metric_remove(g, a), DD_OK);
    assert_int_equal(dd_metric_series_count(g), 0);
    assert_rendered(reg, "# TYPE ApproximateNumberOfMessagesVisible gauge\n");

    struct dd_metric *u = dd_metrics_counter(reg, "u", NULL, NULL);
    assert_non_null(u);
    assert_int_equal(dd_metric_remove(u, NULL), DD_OK);
    assert_int_equal(dd_metric_remove(u, NULL), DD_ENOENT);
    assert_int_equal(dd_metric_add(u, NULL, 1), DD_OK);
    assert_true(dd_metric_value(u, NULL) == 1);
    dd_metrics_free(reg);
}

static void test_thousands_of_queues(void **state)
{
    (void)state;
    enum { N = 20000 };
    struct dd_metrics *reg = dd_metrics_new();
    assert_non_null(reg);
    struct dd_metric *m = dd_metrics_counter(reg, "NumberOfMessagesReceived", NULL, "QueueName");
    assert_non_null(m);
    char name[32];
    const char *v[] = { name };
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            snprintf(name, sizeof(name), "queue-%d", i);
            assert_int_equal(dd_metric_add(m, v, i), DD_OK);
        }
    }
    assert_int_equal(dd_metric_series_count(m), N);
    for (int i = 0; i < N; i += 2) {
        snprintf(name, sizeof(name), "queue-%d", i);
        assert_int_equal(dd_metric_remove(m, v), DD_OK);
    }
    assert_int_equal(dd_metric_series_count(m), N / 2);
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "queue-%d", i);
        assert_true(dd_metric_value(m, v) == (i % 2 ? 3.0 * i : 0));
    }

    struct dd_buf out = DD_BUF_INIT;
    assert_int_equal(dd_metrics_render(reg, &out), DD_OK);
    size_t lines = 0;
    for (size_t i = 0; i < out.len; i++)
        lines += out.data[i] == '\n';
    assert_int_equal(lines, 1 + N / 2);
    const char *head = "# TYPE NumberOfMessagesReceived counter\n"
                       "NumberOfMessagesReceived{QueueName=\"queue-1\"} 3\n"
                       "NumberOfMessagesReceived{QueueName=\"queue-3\"} 9\n";
    assert_memory_equal(out.data, head, strlen(head));
    const char *tail = "NumberOfMessagesReceived{QueueName=\"queue-19999\"} 59997\n";
    assert_string_equal(out.data + out.len - strlen(tail), tail);
    dd_buf_release(&out);
    dd_metrics_free(reg);
}

struct depth_probe {
    struct dd_metric *gauge; /* refreshed on every render */
    int depth;               /* the "queue depth" to report */
    int calls;
};

static void collect_depth(void *arg, struct dd_metrics *reg)
{
    struct depth_probe *p = arg;
    const char *q[] = { "orders" };
    assert_non_null(reg);
    p->calls++;
    assert_int_equal(dd_metric_set(p->gauge, q, p->depth), DD_OK);
}

static void test_collect_refreshes_before_render(void **state)
{
    (void)state;
    struct dd_metrics *reg = dd_metrics_new();
    assert_non_null(reg);
    struct depth_probe p = { 0 };
    p.gauge = dd_metrics_gauge(reg, "ApproximateNumberOfMessagesVisible", "Depth.", "QueueName");
    assert_non_null(p.gauge);
    assert_int_equal(dd_metrics_on_collect(reg, collect_depth, &p), DD_OK);
    p.depth = 12;
    assert_rendered(reg, "# HELP ApproximateNumberOfMessagesVisible Depth.\n"
                         "# TYPE ApproximateNumberOfMessagesVisible gauge\n"
                         "ApproximateNumberOfMessagesVisible{QueueName=\"orders\"} 12\n");
    p.depth = 0;
    assert_rendered(reg, "# HELP ApproximateNumberOfMessagesVisible Depth.\n"
                         "# TYPE ApproximateNumberOfMessagesVisible gauge\n"
                         "ApproximateNumberOfMessagesVisible{QueueName=\"orders\"} 0\n");
    assert_int_equal(p.calls, 2);

    /* Rendering appends: the caller's buffer content is kept. */
    struct dd_buf out = DD_BUF_INIT;
    assert_int_equal(dd_buf_puts(&out, "prefix\n"), DD_OK);
    assert_int_equal(dd_metrics_render(reg, &out), DD_OK);
    assert_memory_equal(out.data, "prefix\n# HELP", 13);
    dd_buf_release(&out);
    dd_metrics_free(reg);
    dd_metrics_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counters_and_gauges),
        cmocka_unit_test(test_hostile_label_values_and_help),
        cmocka_unit_test(test_histogram),
        cmocka_unit_test(test_histogram_bounds_validation),
        cmocka_unit_test(test_number_formats),
        cmocka_unit_test(test_invalid_names),
        cmocka_unit_test(test_wrong_kind_and_bad_values),
        cmocka_unit_test(test_remove_series),
        cmocka_unit_test(test_thousands_of_queues),
        cmocka_unit_test(test_collect_refreshes_before_render),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
