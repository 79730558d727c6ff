/*
 * CloudWatch-named metrics of alb-emu (see stats.h): families, the initial
 * zero series, and the collect hook that copies counter deltas.
 */
#include "alb-emu/stats.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"

/* The ELB status counters in the order of the fields of struct alb_lb_rt. */
enum { ELB_3XX, ELB_4XX, ELB_5XX, ELB_500, ELB_502, ELB_503, ELB_504, ELB_N };
/* The target status counters and the other per group counters. */
enum { TG_REQ, TG_2XX, TG_3XX, TG_4XX, TG_5XX, TG_CONN_ERR, TG_N };

static const char *const k_elb_names[ELB_N] = {
    "HTTPCode_ELB_3XX_Count", "HTTPCode_ELB_4XX_Count", "HTTPCode_ELB_5XX_Count",
    "HTTPCode_ELB_500_Count", "HTTPCode_ELB_502_Count", "HTTPCode_ELB_503_Count",
    "HTTPCode_ELB_504_Count",
};

static const char *const k_tg_names[TG_N] = {
    "RequestCount",
    "HTTPCode_Target_2XX_Count",
    "HTTPCode_Target_3XX_Count",
    "HTTPCode_Target_4XX_Count",
    "HTTPCode_Target_5XX_Count",
    "TargetConnectionErrorCount",
};

/* What the registry was last told, per load balancer and per group. */
struct lb_seen {
    uint64_t elb[ELB_N];
    uint64_t new_conns;
    uint64_t requests;
};

struct tg_seen {
    uint64_t v[TG_N];
};

struct alb_stats {
    struct alb_runtime *rt; /* borrowed */
    struct dd_metric *elb[ELB_N];
    struct dd_metric *tg[TG_N];
    struct dd_metric *new_conns, *active_conns, *healthy, *unhealthy, *response_time;
    struct lb_seen *lb_seen; /* owned, rt->n_lbs entries */
    struct tg_seen *tg_seen; /* owned, rt->n_tgs entries */
};

static void lb_values(const struct alb_lb_rt *l, uint64_t out[ELB_N])
{
    out[ELB_3XX] = l->elb_3xx;
    out[ELB_4XX] = l->elb_4xx;
    out[ELB_5XX] = l->elb_5xx;
    out[ELB_500] = l->elb_500;
    out[ELB_502] = l->elb_502;
    out[ELB_503] = l->elb_503;
    out[ELB_504] = l->elb_504;
}

static void tg_values(const struct alb_tg_rt *t, uint64_t out[TG_N])
{
    out[TG_REQ] = t->requests;
    out[TG_2XX] = t->target_2xx;
    out[TG_3XX] = t->target_3xx;
    out[TG_4XX] = t->target_4xx;
    out[TG_5XX] = t->target_5xx;
    out[TG_CONN_ERR] = t->conn_errors;
}

static void add_delta(struct dd_metric *m, const char *const *labels, uint64_t now, uint64_t *last)
{
    if (now > *last)
        dd_metric_add(m, labels, (double)(now - *last));
    *last = now;
}

static void collect(void *arg, struct dd_metrics *reg)
{
    (void)reg;
    struct alb_stats *st = arg;
    struct alb_runtime *rt = st->rt;
    for (size_t i = 0; i < rt->n_lbs; i++) {
        const struct alb_lb_rt *l = &rt->lbs[i];
        const char *lab[] = { l->label };
        uint64_t v[ELB_N];
        lb_values(l, v);
        for (int k = 0; k < ELB_N; k++)
            add_delta(st->elb[k], lab, v[k], &st->lb_seen[i].elb[k]);
        add_delta(st->new_conns, lab, l->new_conns, &st->lb_seen[i].new_conns);
        dd_metric_set(st->active_conns, lab, (double)l->active_conns);
        const char *lab2[] = { l->label, "" };
        add_delta(st->tg[TG_REQ], lab2, l->requests, &st->lb_seen[i].requests);
    }
    for (size_t i = 0; i < rt->n_tgs; i++) {
        const struct alb_tg_rt *t = &rt->tgs[i];
        const char *lab[] = { t->lb ? t->lb->label : "", t->label };
        uint64_t v[TG_N];
        tg_values(t, v);
        for (int k = 0; k < TG_N; k++)
            add_delta(st->tg[k], lab, v[k], &st->tg_seen[i].v[k]);
        size_t healthy = 0, unhealthy = 0;
        alb_health_counts(t->health, &healthy, &unhealthy);
        dd_metric_set(st->healthy, lab, (double)healthy);
        dd_metric_set(st->unhealthy, lab, (double)unhealthy);
    }
}

struct alb_stats *alb_stats_new(struct dd_metrics *reg, struct alb_runtime *rt)
{
    struct alb_stats *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    st->rt = rt;
    st->lb_seen = calloc(rt->n_lbs ? rt->n_lbs : 1, sizeof(*st->lb_seen));
    st->tg_seen = calloc(rt->n_tgs ? rt->n_tgs : 1, sizeof(*st->tg_seen));
    if (!st->lb_seen || !st->tg_seen)
        goto fail;
    static const char lb_help[] = "ALB-generated responses by class (AWS/ApplicationELB)";
    for (int k = 0; k < ELB_N; k++)
        if (!(st->elb[k] = dd_metrics_counter(reg, k_elb_names[k], lb_help, "LoadBalancer")))
            goto fail;
    static const char *const tg_help[TG_N] = {
        "Requests processed, by target group (\"\" = answered by the load balancer)",
        "Target responses 2XX",
        "Target responses 3XX",
        "Target responses 4XX",
        "Target responses 5XX",
        "Connections to targets that could not be established",
    };
    for (int k = 0; k < TG_N; k++)
        if (!(st->tg[k] =
                  dd_metrics_counter(reg, k_tg_names[k], tg_help[k], "LoadBalancer,TargetGroup")))
            goto fail;
    static const double bounds[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                     0.25,  0.5,    1,     2.5,  5,     10,   30 };
    st->response_time =
        dd_metrics_histogram(reg, "TargetResponseTime",
                             "Seconds from the request leaving the load balancer to the "
                             "target's response headers",
                             "LoadBalancer,TargetGroup", bounds, DD_ARRAY_LEN(bounds));
    st->new_conns = dd_metrics_counter(reg, "NewConnectionCount", "Client connections accepted",
                                       "LoadBalancer");
    st->active_conns = dd_metrics_gauge(reg, "ActiveConnectionCount", "Client connections open now",
                                        "LoadBalancer");
    st->healthy = dd_metrics_gauge(reg, "HealthyHostCount", "Targets in state healthy",
                                   "LoadBalancer,TargetGroup");
    st->unhealthy = dd_metrics_gauge(reg, "UnHealthyHostCount", "Targets in state unhealthy",
                                     "LoadBalancer,TargetGroup");
    if (!st->response_time || !st->new_conns || !st->active_conns || !st->healthy || !st->unhealthy)
        goto fail;
    /* Every series exists from the start, so a scrape shows zeros rather
     * than nothing. */
    for (size_t i = 0; i < rt->n_lbs; i++) {
        const char *lab[] = { rt->lbs[i].label };
        for (int k = 0; k < ELB_N; k++)
            dd_metric_add(st->elb[k], lab, 0);
        dd_metric_add(st->new_conns, lab, 0);
        dd_metric_set(st->active_conns, lab, 0);
    }
    for (size_t i = 0; i < rt->n_tgs; i++) {
        const struct alb_tg_rt *t = &rt->tgs[i];
        const char *lab[] = { t->lb ? t->lb->label : "", t->label };
        for (int k = 0; k < TG_N; k++)
            dd_metric_add(st->tg[k], lab, 0);
    }
    if (dd_metrics_on_collect(reg, collect, st) != DD_OK)
        goto fail;
    return st;
fail:
    alb_stats_free(st);
    return NULL;
}

void alb_stats_free(struct alb_stats *st)
{
    if (!st)
        return;
    free(st->lb_seen);
    free(st->tg_seen);
    free(st);
}

void alb_stats_response_time(struct alb_stats *st, const struct alb_tg_rt *t, double seconds)
{
    const char *lab[] = { t->lb ? t->lb->label : "", t->label };
    dd_metric_observe(st->response_time, lab, seconds < 0 ? 0 : seconds);
}
