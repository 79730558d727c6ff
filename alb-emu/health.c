/*
 * The target health state machine of one target group (see health.h for the
 * state table and the ALB behaviour it reproduces).
 *
 * The group keeps its targets in registration order in an array of pointers,
 * so a target's address never moves while requests hold it. Timers are plain
 * per-target deadlines scanned on demand: a target group holds at most 1000
 * targets and the daemon asks for the next due time once per wakeup, so a
 * linear scan costs less than keeping a heap coherent through every state
 * change.
 */
#include "alb-emu/health.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

struct alb_health_group {
    struct alb_health_params params; /* params.matcher points at matcher below */
    struct alb_matcher matcher;      /* owned copy of the ranges (codes strings unused) */
    struct alb_target **targets;     /* owned: registered targets, registration order */
    size_t n, cap;                   /* entries used / allocated in targets */
    struct alb_target **zombies;     /* owned: left the group, requests still in flight */
    size_t nz, capz;                 /* entries used / allocated in zombies */
    uint64_t next_seq;               /* id of the next health check handed out */
    alb_health_event_fn on_event;    /* state-change callback or NULL */
    void *event_arg;                 /* passed to on_event */
};

static const char *const k_state_names[] = { "initial", "healthy",  "unhealthy",
                                             "unused",  "draining", "unavailable" };

static const char *const k_reason_codes[] = {
    NULL,
    "Elb.RegistrationInProgress",
    "Elb.InitialHealthChecking",
    "Target.ResponseCodeMismatch",
    "Target.Timeout",
    "Target.FailedHealthChecks",
    "Target.NotRegistered",
    "Target.NotInUse",
    "Target.DeregistrationInProgress",
    "Target.InvalidState",
    "Target.IpUnusable",
    "Target.HealthCheckDisabled",
    "Elb.InternalError",
};

/* The descriptions DescribeTargetHealth gives with each reason ("Health
 * check reason codes" in the user guide); the mismatch one is a format. */
static const char *const k_reason_descriptions[] = {
    "",
    "Target registration is in progress",
    "Initial health checks in progress",
    "Health checks failed with these codes: [%d]",
    "Request timed out",
    "Health checks failed",
    "Target is not registered to the target group",
    "Target group is not configured to receive traffic from the load balancer",
    "Target deregistration is in progress",
    "Target is in an invalid state",
    "The IP address cannot be used as a target, as it is in use by a load balancer",
    "Health checks are disabled",
    "Health checks failed due to an internal error",
};

const char *alb_target_state_name(enum alb_target_state s)
{
    return (unsigned)s < DD_ARRAY_LEN(k_state_names) ? k_state_names[s] : "unavailable";
}

const char *alb_health_reason_code(enum alb_health_reason r)
{
    return (unsigned)r < DD_ARRAY_LEN(k_reason_codes) ? k_reason_codes[r] : NULL;
}

void alb_health_params_from_target_group(const struct alb_target_group *tg,
                                         struct alb_health_params *out)
{
    memset(out, 0, sizeof(*out));
    out->interval_ms = (int64_t)tg->health_check_interval_seconds * 1000;
    out->timeout_ms = (int64_t)tg->health_check_timeout_seconds * 1000;
    out->healthy_threshold = tg->healthy_threshold_count;
    out->unhealthy_threshold = tg->unhealthy_threshold_count;
    out->deregistration_delay_ms = tg->attr.deregistration_delay_timeout_seconds * 1000;
    out->slow_start_ms = tg->attr.slow_start_duration_seconds * 1000;
    out->enabled = tg->health_check_enabled;
    out->in_use = tg->load_balancer != NULL;
    out->min_healthy_count = tg->attr.min_healthy_targets_count;
    out->min_healthy_percentage = tg->attr.min_healthy_targets_percentage;
    out->matcher = &tg->matcher;
}

/* ------------------------------------------------------------------------ */

static void set_reason(struct alb_target *t, enum alb_health_reason r, int code)
{
    t->reason = r;
    if (r == ALB_REASON_TARGET_RESPONSE_CODE_MISMATCH)
        snprintf(t->description, sizeof(t->description),
                 k_reason_descriptions[ALB_REASON_TARGET_RESPONSE_CODE_MISMATCH], code);
    else
        snprintf(t->description, sizeof(t->description), "%s", k_reason_descriptions[r]);
}

static void emit(struct alb_health_group *g, struct alb_target *t, enum alb_target_state from)
{
    if (g->on_event && from != t->state)
        g->on_event(g->event_arg, g, t, from, t->state);
}

/* Moves t to state s with reason r and reports the change. */
static void transition(struct alb_health_group *g, struct alb_target *t, enum alb_target_state s,
                       enum alb_health_reason r, int code)
{
    enum alb_target_state from = t->state;
    t->state = s;
    set_reason(t, r, code);
    if (s != ALB_TARGET_HEALTHY)
        t->slow_start_begin_ms = t->slow_start_end_ms = 0;
    emit(g, t, from);
}

bool alb_health_in_slow_start(const struct alb_target *t, int64_t now_ms)
{
    return t->state == ALB_TARGET_HEALTHY && t->slow_start_end_ms > t->slow_start_begin_ms &&
           now_ms < t->slow_start_end_ms;
}

unsigned alb_health_weight(const struct alb_target *t, int64_t now_ms)
{
    if (!alb_health_in_slow_start(t, now_ms))
        return 1000;
    int64_t span = t->slow_start_end_ms - t->slow_start_begin_ms;
    int64_t done = now_ms - t->slow_start_begin_ms;
    if (done < 0)
        done = 0;
    int64_t w = done * 1000 / span;
    return w < 1 ? 1 : (unsigned)w;
}

/* "Newly registered targets enter slow start mode only when there is at
 * least one healthy target that is not in slow start mode." */
static void maybe_start_slow_start(struct alb_health_group *g, struct alb_target *t, int64_t now)
{
    if (g->params.slow_start_ms <= 0)
        return;
    for (size_t i = 0; i < g->n; i++) {
        struct alb_target *o = g->targets[i];
        if (o != t && o->state == ALB_TARGET_HEALTHY && !alb_health_in_slow_start(o, now)) {
            t->slow_start_begin_ms = now;
            t->slow_start_end_ms = now + g->params.slow_start_ms;
            return;
        }
    }
}

static void become_healthy(struct alb_health_group *g, struct alb_target *t, int64_t now)
{
    transition(g, t, ALB_TARGET_HEALTHY, ALB_REASON_NONE, 0);
    maybe_start_slow_start(g, t, now);
}

/* The first state of a target (re)entering the group. */
static void start_over(struct alb_health_group *g, struct alb_target *t, int64_t now)
{
    t->consecutive_ok = t->consecutive_fail = 0;
    t->check_in_flight = false;
    t->registered_ms = now;
    t->next_check_ms = now;
    t->drain_deadline_ms = 0;
    if (!g->params.in_use)
        transition(g, t, ALB_TARGET_UNUSED, ALB_REASON_TARGET_NOT_IN_USE, 0);
    else if (!g->params.enabled)
        transition(g, t, ALB_TARGET_UNAVAILABLE, ALB_REASON_TARGET_HEALTH_CHECK_DISABLED, 0);
    else
        transition(g, t, ALB_TARGET_INITIAL, ALB_REASON_ELB_REGISTRATION_IN_PROGRESS, 0);
}

static int copy_matcher(struct alb_matcher *dst, const struct alb_matcher *src)
{
    memset(dst, 0, sizeof(*dst));
    if (!src || src->n_ranges == 0) {
        /* No matcher: the API default, 200. */
        dst->ranges = calloc(1, sizeof(*dst->ranges));
        if (!dst->ranges)
            return DD_ENOMEM;
        dst->ranges[0].lo = dst->ranges[0].hi = 200;
        dst->n_ranges = 1;
        return DD_OK;
    }
    dst->ranges = calloc(src->n_ranges, sizeof(*dst->ranges));
    if (!dst->ranges)
        return DD_ENOMEM;
    memcpy(dst->ranges, src->ranges, src->n_ranges * sizeof(*dst->ranges));
    dst->n_ranges = src->n_ranges;
    return DD_OK;
}

struct alb_health_group *alb_health_group_new(const struct alb_health_params *p)
{
    struct alb_health_group *g = calloc(1, sizeof(*g));
    if (!g)
        return NULL;
    g->params = *p;
    if (copy_matcher(&g->matcher, p->matcher) != DD_OK) {
        free(g);
        return NULL;
    }
    g->params.matcher = &g->matcher;
    g->next_seq = 1;
    return g;
}

void alb_health_group_free(struct alb_health_group *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n; i++)
        free(g->targets[i]);
    for (size_t i = 0; i < g->nz; i++)
        free(g->zombies[i]);
    free(g->targets);
    free(g->zombies);
    free(g->matcher.ranges);
    free(g);
}

int alb_health_set_params(struct alb_health_group *g, const struct alb_health_params *p,
                          int64_t now_ms)
{
    struct alb_matcher m;
    if (copy_matcher(&m, p->matcher) != DD_OK)
        return DD_ENOMEM;
    bool was_in_use = g->params.in_use;
    free(g->matcher.ranges);
    g->matcher = m;
    g->params = *p;
    g->params.matcher = &g->matcher;
    for (size_t i = 0; i < g->n; i++) {
        struct alb_target *t = g->targets[i];
        if (t->state == ALB_TARGET_DRAINING)
            continue;
        if (!was_in_use && p->in_use)
            start_over(g, t, now_ms);
        else if (was_in_use && !p->in_use)
            transition(g, t, ALB_TARGET_UNUSED, ALB_REASON_TARGET_NOT_IN_USE, 0);
    }
    return DD_OK;
}

const struct alb_health_params *alb_health_params(const struct alb_health_group *g)
{
    return &g->params;
}

void alb_health_set_event_fn(struct alb_health_group *g, alb_health_event_fn fn, void *arg)
{
    g->on_event = fn;
    g->event_arg = arg;
}

struct alb_target *alb_health_find(const struct alb_health_group *g, const struct alb_addr *addr)
{
    for (size_t i = 0; i < g->n; i++)
        if (alb_addr_equal(&g->targets[i]->addr, addr))
            return g->targets[i];
    return NULL;
}

size_t alb_health_count(const struct alb_health_group *g)
{
    return g->n;
}

struct alb_target *alb_health_target(const struct alb_health_group *g, size_t i)
{
    return i < g->n ? g->targets[i] : NULL;
}

int alb_health_register(struct alb_health_group *g, const struct alb_addr *addr, int64_t now_ms,
                        struct alb_target **out)
{
    struct alb_target *t = alb_health_find(g, addr);
    if (t) {
        if (out)
            *out = t;
        if (t->state != ALB_TARGET_DRAINING)
            return DD_EEXIST;
        start_over(g, t, now_ms);
        return DD_OK;
    }
    if (g->n >= ALB_MAX_TARGETS_PER_TARGET_GROUP)
        return DD_ERANGE;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 8;
        struct alb_target **nt = realloc(g->targets, cap * sizeof(*nt));
        if (!nt)
            return DD_ENOMEM;
        g->targets = nt;
        g->cap = cap;
    }
    t = calloc(1, sizeof(*t));
    if (!t)
        return DD_ENOMEM;
    t->addr = *addr;
    /* Before registration a target is "unused" (Target.NotRegistered), so
     * the event reports unused -> initial. */
    t->state = ALB_TARGET_UNUSED;
    g->targets[g->n++] = t;
    start_over(g, t, now_ms);
    if (out)
        *out = t;
    return DD_OK;
}

/* Unlinks t from the group; frees it now, or when its last request ends. */
static void remove_target(struct alb_health_group *g, size_t idx)
{
    struct alb_target *t = g->targets[idx];
    memmove(&g->targets[idx], &g->targets[idx + 1], (g->n - idx - 1) * sizeof(*g->targets));
    g->n--;
    t->removed = true;
    if (t->in_flight == 0) {
        free(t);
        return;
    }
    if (g->nz == g->capz) {
        size_t cap = g->capz ? g->capz * 2 : 4;
        struct alb_target **nz = realloc(g->zombies, cap * sizeof(*nz));
        if (!nz) {
            /* Cannot track it: leak rather than free memory a request still
             * uses. Bounded by allocation failures, which are rare. */
            return;
        }
        g->zombies = nz;
        g->capz = cap;
    }
    g->zombies[g->nz++] = t;
}

/* The deregistration delay of t has elapsed: unused, and out of the group. */
static void finish_draining(struct alb_health_group *g, size_t idx)
{
    struct alb_target *t = g->targets[idx];
    transition(g, t, ALB_TARGET_UNUSED, ALB_REASON_TARGET_NOT_REGISTERED, 0);
    remove_target(g, idx);
}

int alb_health_deregister(struct alb_health_group *g, const struct alb_addr *addr, int64_t now_ms)
{
    for (size_t i = 0; i < g->n; i++) {
        struct alb_target *t = g->targets[i];
        if (!alb_addr_equal(&t->addr, addr))
            continue;
        if (t->state == ALB_TARGET_DRAINING)
            return DD_ENOENT;
        t->check_in_flight = false;
        t->drain_deadline_ms = now_ms + g->params.deregistration_delay_ms;
        transition(g, t, ALB_TARGET_DRAINING, ALB_REASON_TARGET_DEREGISTRATION_IN_PROGRESS, 0);
        if (g->params.deregistration_delay_ms <= 0)
            finish_draining(g, i);
        return DD_OK;
    }
    return DD_ENOENT;
}

/* Whether the state machine runs checks for t. */
static bool checks_run(const struct alb_health_group *g, const struct alb_target *t)
{
    return g->params.enabled && g->params.in_use &&
           (t->state == ALB_TARGET_INITIAL || t->state == ALB_TARGET_HEALTHY ||
            t->state == ALB_TARGET_UNHEALTHY);
}

int64_t alb_health_next_due(const struct alb_health_group *g, int64_t now_ms)
{
    (void)now_ms;
    int64_t due = INT64_MAX;
    for (size_t i = 0; i < g->n; i++) {
        const struct alb_target *t = g->targets[i];
        int64_t d = INT64_MAX;
        if (t->state == ALB_TARGET_DRAINING) {
            d = t->drain_deadline_ms;
        } else if (checks_run(g, t)) {
            /* While a check is out, the next event is its timeout (the next
             * start is later: the timeout is always shorter than the interval). */
            d = t->check_in_flight ? t->check_deadline_ms : t->next_check_ms;
        }
        if (d < due)
            due = d;
    }
    return due;
}

struct alb_target *alb_health_check_due(struct alb_health_group *g, int64_t now_ms, uint64_t *seq)
{
    for (size_t i = 0; i < g->n; i++) {
        struct alb_target *t = g->targets[i];
        if (!checks_run(g, t) || t->check_in_flight || t->next_check_ms > now_ms)
            continue;
        t->check_in_flight = true;
        t->check_seq = g->next_seq++;
        t->check_deadline_ms = now_ms + g->params.timeout_ms;
        t->next_check_ms = now_ms + g->params.interval_ms;
        if (t->reason == ALB_REASON_ELB_REGISTRATION_IN_PROGRESS)
            set_reason(t, ALB_REASON_ELB_INITIAL_HEALTH_CHECKING, 0);
        if (seq)
            *seq = t->check_seq;
        return t;
    }
    return NULL;
}

/* Applies one finished check to the state machine. */
static void record(struct alb_health_group *g, struct alb_target *t, bool passed,
                   enum alb_health_reason why, int code, int64_t now)
{
    t->check_in_flight = false;
    if (passed) {
        t->consecutive_fail = 0;
        t->consecutive_ok++;
        if (t->state == ALB_TARGET_INITIAL ||
            (t->state == ALB_TARGET_UNHEALTHY && t->consecutive_ok >= g->params.healthy_threshold))
            become_healthy(g, t, now);
        return;
    }
    t->consecutive_ok = 0;
    t->consecutive_fail++;
    switch (t->state) {
    case ALB_TARGET_INITIAL:
    case ALB_TARGET_HEALTHY:
        if (t->consecutive_fail >= g->params.unhealthy_threshold)
            transition(g, t, ALB_TARGET_UNHEALTHY, why, code);
        break;
    case ALB_TARGET_UNHEALTHY:
        set_reason(t, why, code); /* the latest failure is what Describe shows */
        break;
    default:
        break;
    }
}

int alb_health_check_result(struct alb_health_group *g, const struct alb_addr *addr, uint64_t seq,
                            enum alb_check_outcome outcome, int http_code, int64_t now_ms)
{
    struct alb_target *t = addr ? alb_health_find(g, addr) : NULL;
    if (!t || !t->check_in_flight || t->check_seq != seq)
        return DD_ENOENT;
    if (now_ms >= t->check_deadline_ms)
        outcome = ALB_CHECK_TIMEOUT;
    switch (outcome) {
    case ALB_CHECK_RESPONSE:
        if (alb_matcher_matches(&g->matcher, http_code))
            record(g, t, true, ALB_REASON_NONE, 0, now_ms);
        else
            record(g, t, false, ALB_REASON_TARGET_RESPONSE_CODE_MISMATCH, http_code, now_ms);
        break;
    case ALB_CHECK_TIMEOUT:
        record(g, t, false, ALB_REASON_TARGET_TIMEOUT, 0, now_ms);
        break;
    case ALB_CHECK_FAILED:
        record(g, t, false, ALB_REASON_TARGET_FAILED_HEALTH_CHECKS, 0, now_ms);
        break;
    case ALB_CHECK_INTERNAL_ERROR:
        record(g, t, false, ALB_REASON_ELB_INTERNAL_ERROR, 0, now_ms);
        break;
    }
    return DD_OK;
}

void alb_health_tick(struct alb_health_group *g, int64_t now_ms)
{
    for (size_t i = 0; i < g->n;) {
        struct alb_target *t = g->targets[i];
        if (t->state == ALB_TARGET_DRAINING && now_ms >= t->drain_deadline_ms) {
            finish_draining(g, i);
            continue; /* the next target moved into slot i */
        }
        if (t->check_in_flight && checks_run(g, t) && now_ms >= t->check_deadline_ms)
            record(g, t, false, ALB_REASON_TARGET_TIMEOUT, 0, now_ms);
        i++;
    }
}

void alb_health_request_begin(struct alb_target *t)
{
    t->in_flight++;
    t->requests++;
}

void alb_health_request_end(struct alb_health_group *g, struct alb_target *t)
{
    if (t->in_flight > 0)
        t->in_flight--;
    if (!t->removed || t->in_flight > 0)
        return;
    for (size_t i = 0; i < g->nz; i++) {
        if (g->zombies[i] == t) {
            g->zombies[i] = g->zombies[--g->nz];
            free(t);
            return;
        }
    }
}

bool alb_health_fail_open(const struct alb_health_group *g)
{
    size_t healthy = 0, total = 0;
    for (size_t i = 0; i < g->n; i++) {
        enum alb_target_state s = g->targets[i]->state;
        if (s == ALB_TARGET_HEALTHY || s == ALB_TARGET_UNAVAILABLE)
            healthy++;
        if (s == ALB_TARGET_HEALTHY || s == ALB_TARGET_UNHEALTHY || s == ALB_TARGET_INITIAL ||
            s == ALB_TARGET_UNAVAILABLE)
            total++;
    }
    if (total == 0)
        return false;
    if ((int64_t)healthy < g->params.min_healthy_count)
        return true;
    if (g->params.min_healthy_percentage >= 0 &&
        healthy * 100 < (size_t)g->params.min_healthy_percentage * total)
        return true;
    return false;
}

bool alb_health_routable(const struct alb_target *t, bool fail_open)
{
    switch (t->state) {
    case ALB_TARGET_HEALTHY:
    case ALB_TARGET_UNAVAILABLE:
        return true;
    case ALB_TARGET_UNHEALTHY:
        return fail_open;
    default:
        return false;
    }
}

void alb_health_counts(const struct alb_health_group *g, size_t *healthy, size_t *unhealthy)
{
    size_t h = 0, u = 0;
    for (size_t i = 0; i < g->n; i++) {
        if (g->targets[i]->state == ALB_TARGET_HEALTHY)
            h++;
        else if (g->targets[i]->state == ALB_TARGET_UNHEALTHY)
            u++;
    }
    if (healthy)
        *healthy = h;
    if (unhealthy)
        *unhealthy = u;
}

/* ------------------------------------------------------------------------ */
/* DescribeTargetHealth shapes                                                */

static json_t *describe(const struct alb_addr *addr, const char *hc_port,
                        enum alb_target_state state, enum alb_health_reason reason,
                        const char *description)
{
    char ip[ALB_ADDR_STRLEN], port[16];
    alb_addr_ip_str(addr, ip, sizeof(ip));
    if (!hc_port || strcmp(hc_port, "traffic-port") == 0)
        snprintf(port, sizeof(port), "%u", (unsigned)addr->port);
    else
        snprintf(port, sizeof(port), "%s", hc_port);
    json_t *health = json_pack("{s:s}", "State", alb_target_state_name(state));
    if (health && reason != ALB_REASON_NONE &&
        (json_object_set_new(health, "Reason", json_string(alb_health_reason_code(reason))) ||
         json_object_set_new(health, "Description", json_string(description)))) {
        json_decref(health);
        return NULL;
    }
    if (!health)
        return NULL;
    return json_pack("{s:{s:s,s:i},s:s,s:o}", "Target", "Id", ip, "Port", (int)addr->port,
                     "HealthCheckPort", port, "TargetHealth", health);
}

json_t *alb_health_describe_target(const struct alb_target *t, const char *health_check_port)
{
    return describe(&t->addr, health_check_port, t->state, t->reason, t->description);
}

json_t *alb_health_describe_unregistered(const struct alb_addr *addr, const char *health_check_port)
{
    return describe(addr, health_check_port, ALB_TARGET_UNUSED, ALB_REASON_TARGET_NOT_REGISTERED,
                    k_reason_descriptions[ALB_REASON_TARGET_NOT_REGISTERED]);
}

json_t *alb_health_describe(const struct alb_health_group *g, const char *health_check_port)
{
    json_t *arr = json_array();
    if (!arr)
        return NULL;
    for (size_t i = 0; i < g->n; i++) {
        json_t *d = alb_health_describe_target(g->targets[i], health_check_port);
        if (!d || json_array_append_new(arr, d) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}
