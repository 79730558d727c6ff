/*
 * Target group and target selection (see balancer.h for the algorithms).
 */
#include "alb-emu/balancer.h"

#include "common/err.h"

/* Smooth weighted round robin over the routable targets (only those with the
 * fewest requests in flight, for least_outstanding_requests): the highest
 * running score wins, ties to the first in registration order. */
static struct alb_target *smooth_wrr(struct alb_health_group *g, int64_t now, bool fail_open,
                                     bool least_outstanding)
{
    size_t n = alb_health_count(g);
    uint64_t min_in_flight = UINT64_MAX;
    if (least_outstanding) {
        for (size_t i = 0; i < n; i++) {
            struct alb_target *t = alb_health_target(g, i);
            if (alb_health_routable(t, fail_open) && t->in_flight < min_in_flight)
                min_in_flight = t->in_flight;
        }
    }
    struct alb_target *best = NULL;
    int64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        struct alb_target *t = alb_health_target(g, i);
        if (!alb_health_routable(t, fail_open))
            continue;
        if (least_outstanding && t->in_flight != min_in_flight)
            continue;
        int64_t w = alb_health_weight(t, now);
        t->lb_current_weight += w;
        total += w;
        if (!best || t->lb_current_weight > best->lb_current_weight)
            best = t;
    }
    if (best)
        best->lb_current_weight -= total;
    return best;
}

static struct alb_target *weighted_random(struct alb_health_group *g, int64_t now, bool fail_open,
                                          const struct alb_rand *rnd)
{
    size_t n = alb_health_count(g);
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        struct alb_target *t = alb_health_target(g, i);
        if (alb_health_routable(t, fail_open))
            total += alb_health_weight(t, now);
    }
    if (total == 0)
        return NULL;
    uint64_t r = alb_rand_below(rnd, total);
    for (size_t i = 0; i < n; i++) {
        struct alb_target *t = alb_health_target(g, i);
        if (!alb_health_routable(t, fail_open))
            continue;
        uint64_t w = alb_health_weight(t, now);
        if (r < w)
            return t;
        r -= w;
    }
    return NULL;
}

struct alb_target *alb_balancer_pick(struct alb_health_group *g, enum alb_algorithm algo,
                                     int64_t now_ms, const struct alb_rand *rnd, bool *fail_open)
{
    bool open = alb_health_fail_open(g);
    if (fail_open)
        *fail_open = open;
    switch (algo) {
    case ALB_ALGORITHM_LEAST_OUTSTANDING_REQUESTS:
        return smooth_wrr(g, now_ms, open, true);
    case ALB_ALGORITHM_WEIGHTED_RANDOM:
        if (rnd)
            return weighted_random(g, now_ms, open, rnd);
        return smooth_wrr(g, now_ms, open, false);
    case ALB_ALGORITHM_ROUND_ROBIN:
    default:
        return smooth_wrr(g, now_ms, open, false);
    }
}

struct alb_target *alb_balancer_pick_sticky(struct alb_health_group *g, enum alb_algorithm algo,
                                            int64_t now_ms, const struct alb_rand *rnd,
                                            const struct alb_addr *sticky, bool *stuck,
                                            bool *fail_open)
{
    if (stuck)
        *stuck = false;
    if (sticky) {
        struct alb_target *t = alb_health_find(g, sticky);
        bool open = alb_health_fail_open(g);
        if (t && alb_health_routable(t, open)) {
            if (stuck)
                *stuck = true;
            if (fail_open)
                *fail_open = open;
            return t;
        }
    }
    return alb_balancer_pick(g, algo, now_ms, rnd, fail_open);
}

int alb_balancer_pick_target_group(const struct alb_forward_config *fw, const struct alb_rand *rnd)
{
    uint64_t total = 0;
    for (size_t i = 0; i < fw->n_target_groups; i++)
        total += fw->target_groups[i].weight;
    if (total == 0)
        return DD_ENOENT;
    uint64_t r = alb_rand_below(rnd, total);
    for (size_t i = 0; i < fw->n_target_groups; i++) {
        if (r < fw->target_groups[i].weight)
            return (int)i;
        r -= fw->target_groups[i].weight;
    }
    return DD_ENOENT; /* unreachable: r < total */
}

int alb_balancer_target_group_index(const struct alb_forward_config *fw,
                                    const struct alb_target_group *tg)
{
    for (size_t i = 0; i < fw->n_target_groups; i++)
        if (fw->target_groups[i].target_group == tg)
            return (int)i;
    return DD_ENOENT;
}
