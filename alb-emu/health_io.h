/*
 * alb_hc: the health checks, performed for real over HTTP on the schedule
 * the health state machines (health.h) keep.
 *
 * One timer serves every target group: it is armed for the earliest time
 * any group needs attention (alb_health_next_due()), in the emulated time
 * of the common clock, so advancing /_drydock/clock brings checks, check
 * timeouts and the end of deregistration delays forward. When it fires,
 * each group expires what is due (alb_health_tick()) and hands out the
 * checks that are due (alb_health_check_due()); each check opens a fresh
 * connection to the target's health check port, sends
 *
 *   GET <HealthCheckPath> HTTP/1.1
 *   Host: <ip>:<port>
 *   Connection: close
 *   User-Agent: ELB-HealthChecker/2.0
 *   Accept-Encoding: gzip, compress, deflate
 *
 * and reports the status of a complete response head (the group matches it
 * against the Matcher), a refused, reset or malformed exchange as
 * Target.FailedHealthChecks, and nothing at all by the check's deadline as
 * Target.Timeout (the group times the check out itself; the checker only
 * closes the socket).
 *
 * Ownership: the checker borrows its config's members and owns its sockets.
 */
#ifndef ALB_HEALTH_IO_H
#define ALB_HEALTH_IO_H

#include <stddef.h>

#include <event2/event.h>

#include "alb-emu/runtime.h"
#include "common/clock.h"
#include "common/log.h"

struct alb_hc_config {
    struct event_base *base; /* the loop */
    struct dd_clock *clock;  /* emulated time */
    struct dd_logger *log;   /* diagnostics */
    struct alb_runtime *rt;  /* the target groups whose targets are checked */
};

struct alb_hc;

/* A checker for every group of pc->rt (pc borrowed); the first round runs
 * from the loop right away. NULL on ENOMEM. */
struct alb_hc *alb_hc_new(const struct alb_hc_config *pc);
/* Closes every check in flight; NULL is a no-op. */
void alb_hc_free(struct alb_hc *hc);

/* Something changed the schedule (targets registered or deregistered, the
 * clock advanced): run what is due and re-arm, from the loop. */
void alb_hc_kick(struct alb_hc *hc);

/* Checks in flight now. */
size_t alb_hc_in_flight(const struct alb_hc *hc);

#endif
