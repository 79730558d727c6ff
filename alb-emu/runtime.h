/*
 * alb_runtime: the live state the daemon keeps next to the immutable config
 * model — one health group per target group (the registered targets and
 * their state machines, health.h) and the per load balancer and per target
 * group counters behind /_drydock/metrics.
 *
 * The proxy, the health checker and the control port share one runtime.
 * Config objects map to their runtime entry by position (the n-th target
 * group of the config is tgs[n]), so the hot path finds a target group's
 * state without a lookup. Counters are plain integers bumped on the hot
 * path and copied into the metrics registry when it is scraped (stats.c).
 *
 * Ownership: the runtime borrows the config (which must outlive it) and
 * owns the health groups; alb_runtime_release() frees them.
 */
#ifndef ALB_RUNTIME_H
#define ALB_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "alb-emu/config.h"
#include "alb-emu/health.h"

/* Counters of one load balancer (CloudWatch dimension LoadBalancer). */
struct alb_lb_rt {
    const struct alb_load_balancer *lb; /* borrowed from the config */
    char label[80];                     /* "app/<name>/<16 hex id>", the dimension value */
    uint64_t new_conns;                 /* NewConnectionCount */
    int64_t active_conns;               /* client connections open now (ActiveConnectionCount) */
    uint64_t requests;                  /* requests answered without a target group */
    uint64_t elb_3xx, elb_4xx, elb_5xx; /* HTTPCode_ELB_{3,4,5}XX_Count */
    uint64_t elb_500, elb_502, elb_503, elb_504; /* HTTPCode_ELB_50{0,2,3,4}_Count */
};

/* Live state of one target group (dimensions TargetGroup, LoadBalancer). */
struct alb_tg_rt {
    struct alb_target_group *tg;     /* borrowed from the config */
    struct alb_health_group *health; /* owned: the registered targets */
    struct alb_lb_rt *lb;            /* the load balancer forwarding to it, or NULL */
    char label[96];                  /* "targetgroup/<name>/<16 hex id>" */
    uint64_t requests;               /* RequestCount routed to this group */
    uint64_t target_2xx, target_3xx; /* HTTPCode_Target_{2,3}XX_Count */
    uint64_t target_4xx, target_5xx; /* HTTPCode_Target_{4,5}XX_Count */
    uint64_t conn_errors;            /* TargetConnectionErrorCount */
};

struct alb_runtime {
    const struct alb_config *cfg; /* borrowed */
    struct alb_lb_rt *lbs;        /* owned array, one per cfg->load_balancers */
    size_t n_lbs;
    struct alb_tg_rt *tgs; /* owned array, one per cfg->target_groups */
    size_t n_tgs;
};

/*
 * Builds the runtime for cfg (borrowed): a health group per target group
 * with the targets the config registers, registered at now_ms. DD_OK,
 * DD_ENOMEM, or DD_EINVAL with a message in err (a target the group
 * refuses). On failure rt holds nothing.
 */
int alb_runtime_init(struct alb_runtime *rt, const struct alb_config *cfg, int64_t now_ms,
                     char *err, size_t errlen);
/* Frees everything rt owns; safe on a zeroed or released runtime. */
void alb_runtime_release(struct alb_runtime *rt);

/* The runtime entry of a config target group / load balancer (borrowed). */
struct alb_tg_rt *alb_runtime_tg(const struct alb_runtime *rt, const struct alb_target_group *tg);
struct alb_lb_rt *alb_runtime_lb(const struct alb_runtime *rt, const struct alb_load_balancer *lb);
/* The target group named key (a name or an ARN, borrowed), or NULL. */
struct alb_tg_rt *alb_runtime_find_tg(const struct alb_runtime *rt, const char *key);

/* Installs fn (arg borrowed) as every health group's state-change callback. */
void alb_runtime_set_event_fn(struct alb_runtime *rt, alb_health_event_fn fn, void *arg);

/* The port a target's health checks go to: the group's HealthCheckPort, or
 * the target's own port for "traffic-port". */
int alb_runtime_health_port(const struct alb_tg_rt *t, const struct alb_target *target);

/* Earliest alb_health_next_due() over every group; INT64_MAX when none. */
int64_t alb_runtime_next_due(const struct alb_runtime *rt, int64_t now_ms);

#endif
