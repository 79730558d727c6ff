/*
 * alb-emu's daemon (see server.h): construction order, the clock and target
 * event wiring, the ready file, and graceful shutdown.
 *
 * The emulated clock reads the loop's cached time (one clock_gettime per
 * loop round instead of one per deadline the proxy touches); the offset
 * /_drydock/clock adds applies on top, and every advance re-evaluates the
 * proxy's deadlines and the health-check schedule at once.
 */
#include "alb-emu/server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <event2/event.h>

#include "alb-emu/config.h"
#include "alb-emu/control.h"
#include "alb-emu/health_io.h"
#include "alb-emu/proxy.h"
#include "alb-emu/rand.h"
#include "alb-emu/runtime.h"
#include "alb-emu/stats.h"
#include "alb-emu/sticky.h"
#include "common/clock.h"
#include "common/daemon.h"
#include "common/err.h"
#include "common/log.h"
#include "common/metrics.h"

/* How long a graceful stop waits for exchanges in flight. */
#define DRAIN_MAX_S 30

struct alb_server {
    const struct alb_options *opts; /* borrowed */
    struct dd_logger log;
    struct event_base *base;    /* owned */
    struct dd_clock *clock;     /* owned */
    struct dd_metrics *metrics; /* owned */
    struct alb_config *cfg;     /* owned */
    struct alb_runtime rt;      /* owned contents */
    bool rt_ready;
    struct alb_stats *stats;    /* owned */
    struct alb_xoshiro xo;      /* the random state */
    struct alb_rand rnd;        /* over xo */
    struct alb_sticky_key key;  /* seals stickiness cookies */
    FILE *access_log;           /* owned, or NULL */
    struct alb_proxy *proxy;    /* owned */
    struct alb_hc *hc;          /* owned */
    struct alb_control *ctl;    /* owned */
    struct dd_signals *signals; /* owned */
    struct event *exit_ev;      /* owned: the drain deadline */
    bool stopping;
};

/* The loop's cached wall time, the source of the emulated clock. */
static int64_t loop_time_ms(void *ctx)
{
    struct timeval tv;
    if (event_base_gettimeofday_cached(ctx, &tv) != 0)
        return dd_clock_realtime_ms();
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static void on_clock_advance(void *arg, int64_t delta_ms)
{
    struct alb_server *s = arg;
    (void)delta_ms;
    alb_hc_kick(s->hc);
    alb_proxy_clock_advanced(s->proxy);
}

static void on_targets_changed(void *arg)
{
    struct alb_server *s = arg;
    alb_hc_kick(s->hc);
}

/* Every target state change: logged; the end of a deregistration delay
 * ends the requests still in flight to the target. */
static void on_target_event(void *arg, struct alb_health_group *g, struct alb_target *t,
                            enum alb_target_state from, enum alb_target_state to)
{
    struct alb_server *s = arg;
    struct alb_tg_rt *tr = NULL;
    for (size_t i = 0; i < s->rt.n_tgs; i++)
        if (s->rt.tgs[i].health == g)
            tr = &s->rt.tgs[i];
    char a[ALB_ADDR_STRLEN];
    const char *reason = alb_health_reason_code(t->reason);
    dd_log_info(&s->log, "target group %s: %s %s -> %s%s%s", tr ? tr->tg->target_group_name : "?",
                alb_addr_format(&t->addr, a, sizeof(a)), alb_target_state_name(from),
                alb_target_state_name(to), reason ? " " : "", reason ? reason : "");
    if (tr && s->proxy && from == ALB_TARGET_DRAINING && to == ALB_TARGET_UNUSED &&
        t->in_flight > 0)
        alb_proxy_target_gone(s->proxy, tr, t);
}

static void on_health(void *arg, json_t *doc)
{
    struct alb_server *s = arg;
    json_t *ls = s->proxy ? alb_proxy_listeners_json(s->proxy) : NULL;
    if (ls)
        json_object_set_new(doc, "listeners", ls);
    json_object_set_new(
        doc, "client_connections",
        json_integer((json_int_t)(s->proxy ? alb_proxy_client_count(s->proxy) : 0)));
    json_object_set_new(doc, "health_checks_in_flight",
                        json_integer((json_int_t)(s->hc ? alb_hc_in_flight(s->hc) : 0)));
    json_object_set_new(doc, "stopping", json_boolean(s->stopping));
}

static void on_drain_deadline(evutil_socket_t fd, short what, void *arg)
{
    struct alb_server *s = arg;
    event_base_loopbreak(s->base);
}

static void on_drained(void *arg)
{
    struct alb_server *s = arg;
    dd_log_info(&s->log, "every exchange finished");
    event_base_loopbreak(s->base);
}

static void on_stop(void *arg, int signo)
{
    struct alb_server *s = arg;
    if (s->stopping)
        return;
    s->stopping = true;
    dd_log_info(&s->log, "signal %d: finishing the requests in flight", signo);
    struct timeval tv = { DRAIN_MAX_S, 0 };
    evtimer_add(s->exit_ev, &tv);
    alb_proxy_drain(s->proxy, on_drained, s);
}

static uint64_t os_seed(void)
{
    uint64_t v = 0;
    if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
        v = (uint64_t)dd_clock_mono_ns() ^ ((uint64_t)dd_clock_realtime_ms() << 20);
    return v;
}

struct alb_server *alb_server_new(const struct alb_options *opts, json_t *file_root)
{
    struct alb_server *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->opts = opts;
    dd_logger_init(&s->log, "alb-emu");
    enum dd_log_level lvl;
    enum dd_log_format fmt;
    if (dd_log_level_parse(opts->common.log_level, &lvl) == DD_OK)
        s->log.level = lvl;
    if (dd_log_format_parse(opts->common.log_format, &fmt) == DD_OK)
        s->log.format = fmt;
    char err[512];

    /* The model. */
    json_t *empty = NULL;
    if (!file_root)
        file_root = empty = json_object();
    struct alb_config_opts co = { opts->region, opts->account_id };
    struct alb_config_error cerr;
    int rc = alb_config_parse(file_root, &co, &s->cfg, &cerr);
    json_decref(empty);
    if (rc != DD_OK) {
        if (rc == DD_EINVAL)
            dd_log_error(&s->log, "config refused: %s at %s: %s", cerr.code, cerr.field,
                         cerr.message);
        else
            dd_log_error(&s->log, "config: %s", dd_strerror(rc));
        goto fail;
    }

    s->base = event_base_new();
    if (!s->base || event_base_priority_init(s->base, 3) != 0)
        goto nomem;
    s->clock = dd_clock_new(loop_time_ms, s->base);
    s->metrics = dd_metrics_new();
    s->exit_ev = evtimer_new(s->base, on_drain_deadline, s);
    if (!s->clock || !s->metrics || !s->exit_ev)
        goto nomem;

    rc = alb_runtime_init(&s->rt, s->cfg, dd_clock_now_ms(s->clock), err, sizeof(err));
    if (rc != DD_OK) {
        dd_log_error(&s->log, "%s", err);
        goto fail;
    }
    s->rt_ready = true;
    alb_runtime_set_event_fn(&s->rt, on_target_event, s);
    s->stats = alb_stats_new(s->metrics, &s->rt);
    if (!s->stats)
        goto nomem;

    alb_xoshiro_seed(&s->xo, os_seed());
    s->rnd = (struct alb_rand){ alb_xoshiro_next, &s->xo };
    alb_sticky_key_init(&s->key, &s->rnd);

    if (opts->access_log && opts->access_log[0]) {
        s->access_log = fopen(opts->access_log, "a");
        if (!s->access_log) {
            dd_log_error(&s->log, "cannot open the access log %s: %s", opts->access_log,
                         strerror(errno));
            goto fail;
        }
        setvbuf(s->access_log, NULL, _IOFBF, 64 * 1024);
    }

    struct alb_proxy_config pc = {
        .base = s->base,
        .clock = s->clock,
        .log = &s->log,
        .rt = &s->rt,
        .stats = s->stats,
        .rnd = &s->rnd,
        .sticky_key = &s->key,
        .access_log = s->access_log,
        .host = opts->common.host,
    };
    s->proxy = alb_proxy_new(&pc, err, sizeof(err));
    if (!s->proxy) {
        dd_log_error(&s->log, "%s", err);
        goto fail;
    }
    struct alb_hc_config hcc = { s->base, s->clock, &s->log, &s->rt };
    s->hc = alb_hc_new(&hcc);
    if (!s->hc)
        goto nomem;
    struct alb_control_config cc = {
        .base = s->base,
        .clock = s->clock,
        .log = &s->log,
        .metrics = s->metrics,
        .rt = &s->rt,
        .proxy = s->proxy,
        .version = ALB_EMU_VERSION,
        .host = opts->common.host,
        .port = (int)opts->common.port,
        .on_targets_changed = on_targets_changed,
        .arg = s,
    };
    s->ctl = alb_control_new(&cc, err, sizeof(err));
    if (!s->ctl) {
        dd_log_error(&s->log, "control port: %s", err);
        goto fail;
    }
    dd_admin_on_health(alb_control_admin(s->ctl), on_health, s);
    if (dd_clock_on_advance(s->clock, on_clock_advance, s) != DD_OK)
        goto nomem;
    s->signals = dd_signals_new(s->base, on_stop, s);
    if (!s->signals)
        goto nomem;
    return s;
nomem:
    dd_log_error(&s->log, "out of memory while starting");
fail:
    alb_server_free(s);
    return NULL;
}

int alb_server_run(struct alb_server *s)
{
    int port = alb_control_port(s->ctl);
    json_t *extra = json_object();
    json_t *ls = alb_proxy_listeners_json(s->proxy);
    if (!extra || !ls || json_object_set_new(extra, "listeners", ls) != 0) {
        json_decref(extra);
        dd_log_error(&s->log, "out of memory");
        return 1;
    }
    if (s->opts->common.ready_file &&
        dd_ready_file_write(s->opts->common.ready_file, port, port, extra) != DD_OK) {
        json_decref(extra);
        dd_log_error(&s->log, "cannot write the ready file %s", s->opts->common.ready_file);
        return 1;
    }
    char *text = json_dumps(ls, JSON_COMPACT);
    dd_log_info(&s->log, "control port %s:%d; listeners %s", s->opts->common.host, port,
                text ? text : "?");
    free(text);
    json_decref(extra);
    event_base_dispatch(s->base);
    alb_proxy_flush_log(s->proxy);
    dd_log_info(&s->log, "stopped");
    return 0;
}

void alb_server_free(struct alb_server *s)
{
    if (!s)
        return;
    dd_signals_free(s->signals);
    alb_control_free(s->ctl);
    alb_hc_free(s->hc);
    alb_proxy_free(s->proxy);
    if (s->access_log)
        fclose(s->access_log);
    /* The registry calls into the stats when rendering: it goes first. */
    dd_metrics_free(s->metrics);
    alb_stats_free(s->stats);
    if (s->rt_ready)
        alb_runtime_release(&s->rt);
    if (s->exit_ev)
        event_free(s->exit_ev);
    dd_clock_free(s->clock);
    if (s->base)
        event_base_free(s->base);
    alb_config_free(s->cfg);
    free(s);
}
