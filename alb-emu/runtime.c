/*
 * The daemon's live state next to the config model (see runtime.h).
 */
#include "alb-emu/runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

int alb_runtime_init(struct alb_runtime *rt, const struct alb_config *cfg, int64_t now_ms,
                     char *err, size_t errlen)
{
    memset(rt, 0, sizeof(*rt));
    rt->cfg = cfg;
    if (cfg->n_load_balancers) {
        rt->lbs = calloc(cfg->n_load_balancers, sizeof(*rt->lbs));
        if (!rt->lbs)
            goto nomem;
    }
    rt->n_lbs = cfg->n_load_balancers;
    for (size_t i = 0; i < rt->n_lbs; i++) {
        const struct alb_load_balancer *lb = &cfg->load_balancers[i];
        rt->lbs[i].lb = lb;
        snprintf(rt->lbs[i].label, sizeof(rt->lbs[i].label), "app/%s/%s", lb->load_balancer_name,
                 lb->id);
    }
    if (cfg->n_target_groups) {
        rt->tgs = calloc(cfg->n_target_groups, sizeof(*rt->tgs));
        if (!rt->tgs)
            goto nomem;
    }
    rt->n_tgs = cfg->n_target_groups;
    for (size_t i = 0; i < rt->n_tgs; i++) {
        struct alb_tg_rt *t = &rt->tgs[i];
        t->tg = &cfg->target_groups[i];
        snprintf(t->label, sizeof(t->label), "targetgroup/%s/%s", t->tg->target_group_name,
                 t->tg->id);
        t->lb = t->tg->load_balancer ? alb_runtime_lb(rt, t->tg->load_balancer) : NULL;
        struct alb_health_params p;
        alb_health_params_from_target_group(t->tg, &p);
        t->health = alb_health_group_new(&p);
        if (!t->health)
            goto nomem;
        for (size_t k = 0; k < t->tg->n_targets; k++) {
            int rc = alb_health_register(t->health, &t->tg->targets[k].addr, now_ms, NULL);
            if (rc == DD_EEXIST)
                continue; /* listed twice: registering is idempotent, as in the API */
            if (rc == DD_ENOMEM)
                goto nomem;
            if (rc != DD_OK) {
                snprintf(err, errlen, "target group %s: target %s:%d cannot be registered: %s",
                         t->tg->target_group_name, t->tg->targets[k].id, t->tg->targets[k].port,
                         dd_strerror(rc));
                alb_runtime_release(rt);
                return DD_EINVAL;
            }
        }
    }
    return DD_OK;
nomem:
    snprintf(err, errlen, "out of memory");
    alb_runtime_release(rt);
    return DD_ENOMEM;
}

void alb_runtime_release(struct alb_runtime *rt)
{
    for (size_t i = 0; i < rt->n_tgs; i++)
        alb_health_group_free(rt->tgs[i].health);
    free(rt->tgs);
    free(rt->lbs);
    memset(rt, 0, sizeof(*rt));
}

struct alb_tg_rt *alb_runtime_tg(const struct alb_runtime *rt, const struct alb_target_group *tg)
{
    if (!tg || tg < rt->cfg->target_groups || tg >= rt->cfg->target_groups + rt->n_tgs)
        return NULL;
    return &rt->tgs[tg - rt->cfg->target_groups];
}

struct alb_lb_rt *alb_runtime_lb(const struct alb_runtime *rt, const struct alb_load_balancer *lb)
{
    if (!lb || lb < rt->cfg->load_balancers || lb >= rt->cfg->load_balancers + rt->n_lbs)
        return NULL;
    return &rt->lbs[lb - rt->cfg->load_balancers];
}

struct alb_tg_rt *alb_runtime_find_tg(const struct alb_runtime *rt, const char *key)
{
    return key ? alb_runtime_tg(rt, alb_config_find_target_group(rt->cfg, key)) : NULL;
}

void alb_runtime_set_event_fn(struct alb_runtime *rt, alb_health_event_fn fn, void *arg)
{
    for (size_t i = 0; i < rt->n_tgs; i++)
        alb_health_set_event_fn(rt->tgs[i].health, fn, arg);
}

int alb_runtime_health_port(const struct alb_tg_rt *t, const struct alb_target *target)
{
    const char *p = t->tg->health_check_port;
    if (!p || strcmp(p, "traffic-port") == 0)
        return target->addr.port;
    return atoi(p);
}

int64_t alb_runtime_next_due(const struct alb_runtime *rt, int64_t now_ms)
{
    int64_t due = INT64_MAX;
    for (size_t i = 0; i < rt->n_tgs; i++) {
        int64_t d = alb_health_next_due(rt->tgs[i].health, now_ms);
        if (d < due)
            due = d;
    }
    return due;
}
