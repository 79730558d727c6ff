/*
 * alb_proxy: the data plane — the listeners, the client connections, the
 * pooled connections to targets, and the exchange of each request between
 * them.
 *
 * One thread, one libevent loop, raw non-blocking sockets registered once
 * with edge-triggered read+write interest (no bufferevents: their copies and
 * per-operation epoll_ctl calls cost more than the proxying). Every client
 * connection runs one exchange at a time: its request head is parsed in the
 * connection's buffer (http1.h), routed by the listener's rules (rules.h),
 * sent to a target picked by the balancer (balancer.h) over a pooled
 * keep-alive connection, and the response head is rewritten into the
 * client's output; bodies then stream through in both directions straight
 * from the buffer they were read into, with writev, so nothing is buffered
 * whole and nothing is copied twice. Pipelined requests wait in the input
 * buffer until the exchange before them is finished.
 *
 * Everything ALB answers itself (error pages, fixed responses, redirects)
 * comes from reply.h; which answer, and when, is ALB's (http1.h, and the
 * essay above proxy.c's exchange state machine). All deadlines — idle
 * timeouts, the 10 s connect timeout, the 408 for a silent client — are in
 * the emulated time of the common clock, so /_drydock/clock advances them.
 *
 * Ownership: the proxy borrows everything in struct alb_proxy_config, which
 * must outlive it, and owns its sockets, connections and pools.
 */
#ifndef ALB_PROXY_H
#define ALB_PROXY_H

#include <stdio.h>

#include <event2/event.h>
#include <jansson.h>

#include "alb-emu/rand.h"
#include "alb-emu/runtime.h"
#include "alb-emu/stats.h"
#include "alb-emu/sticky.h"
#include "common/clock.h"
#include "common/log.h"

/* What the proxy borrows from the daemon. */
struct alb_proxy_config {
    struct event_base *base;                 /* the loop */
    struct dd_clock *clock;                  /* emulated time for deadlines, cookies, logs */
    struct dd_logger *log;                   /* diagnostics */
    struct alb_runtime *rt;                  /* target groups, health, counters */
    struct alb_stats *stats;                 /* TargetResponseTime; may be NULL */
    const struct alb_rand *rnd;              /* weighted choices, trace ids */
    const struct alb_sticky_key *sticky_key; /* seals the stickiness cookies */
    FILE *access_log;                        /* ALB access-log lines; NULL = none */
    const char *host;                        /* address the listeners bind */
};

struct alb_proxy;

/*
 * Binds every listener of the config (port 0 picks a free one) and starts
 * accepting. Returns NULL with a message in err on failure.
 */
struct alb_proxy *alb_proxy_new(const struct alb_proxy_config *pc, char *err, size_t errlen);
/* Closes every connection and listener; NULL is a no-op. */
void alb_proxy_free(struct alb_proxy *px);

/* [{"LoadBalancer": name, "Port": bound port}, ...] in config order, for
 * the ready file (new reference; NULL on ENOMEM). */
json_t *alb_proxy_listeners_json(const struct alb_proxy *px);
/* The port a config listener (borrowed) is bound to, or -1. */
int alb_proxy_listener_port(const struct alb_proxy *px, const struct alb_listener *l);

/* The emulated clock jumped: re-evaluates every deadline now. */
void alb_proxy_clock_advanced(struct alb_proxy *px);

/* target (borrowed) of t left its group while requests to it were in flight
 * (its deregistration delay elapsed): those requests end, with a 502 when
 * their response has not begun, as ALB does. */
void alb_proxy_target_gone(struct alb_proxy *px, struct alb_tg_rt *t, struct alb_target *target);

/* Graceful stop: stops accepting, closes idle connections, lets the
 * exchanges in flight finish, then calls done(arg) once from the loop. */
void alb_proxy_drain(struct alb_proxy *px, void (*done)(void *arg), void *arg);

/* Client connections open now. */
size_t alb_proxy_client_count(const struct alb_proxy *px);

/* Writes buffered access-log lines out now. */
void alb_proxy_flush_log(struct alb_proxy *px);

#endif
