/*
 * alb_control: the control port (--port): the /_drydock/ admin endpoint and,
 * later, the ELBv2 API. Until the API exists, every other request gets the
 * AWS Query error an ELBv2 endpoint gives for an action it does not serve
 * (InvalidAction, 400, in the ELBv2 XML namespace).
 *
 * Admin routes, on top of the common health, metrics and clock:
 *
 *   GET  /_drydock/state
 *        {"LoadBalancers": [{"LoadBalancerName", "LoadBalancerArn", "DNSName",
 *                            "Listeners": [{"ListenerArn", "Protocol", "Port"}]}],
 *         "TargetGroups": [{"TargetGroupName", "TargetGroupArn", "HealthCheckPort",
 *                           "TargetHealthDescriptions": [ ...DescribeTargetHealth... ]}]}
 *        (listener ports as bound)
 *
 *   GET  /_drydock/targets[?TargetGroupName=N | ?TargetGroupArn=A]
 *        the "TargetGroups" part of the state, or the one group
 *
 *   POST /_drydock/targets
 *        {"TargetGroupName": "api"  (or "TargetGroupArn": "arn:..."),
 *         "Register":   [{"Id": "127.0.0.1", "Port": 9001}, ...],
 *         "Deregister": [{"Id": "127.0.0.1", "Port": 9002}, ...]}
 *        Port defaults to the group's port. Deregistering starts the
 *        deregistration delay (draining); registering a draining target
 *        starts it over; registering a registered one changes nothing, as
 *        RegisterTargets does. The whole request is checked before anything
 *        changes: 400 {"error": ...} for a malformed body, an Id that is not
 *        an IP address, a port out of range, or a Deregister of a target
 *        that is not registered ("InvalidTarget"); 404 for an unknown group.
 *        200 answers the group as GET does, after the change.
 */
#ifndef ALB_CONTROL_H
#define ALB_CONTROL_H

#include <stddef.h>

#include <event2/event.h>

#include "alb-emu/proxy.h"
#include "alb-emu/runtime.h"
#include "common/admin.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/metrics.h"

struct alb_control_config {
    struct event_base *base;               /* the loop */
    struct dd_clock *clock;                /* emulated time (registrations, /clock) */
    struct dd_logger *log;                 /* diagnostics */
    struct dd_metrics *metrics;            /* /_drydock/metrics */
    struct alb_runtime *rt;                /* target groups */
    struct alb_proxy *proxy;               /* bound listener ports for /state */
    const char *version;                   /* /_drydock/health */
    const char *host;                      /* listen address */
    int port;                              /* 0 picks a free port */
    void (*on_targets_changed)(void *arg); /* after POST /targets changed something */
    void *arg;                             /* passed to on_targets_changed */
};

struct alb_control;

/* Binds the control port; NULL with a message in err on failure. */
struct alb_control *alb_control_new(const struct alb_control_config *cc, char *err, size_t errlen);
void alb_control_free(struct alb_control *ctl);

/* The bound port. */
int alb_control_port(const struct alb_control *ctl);
/* The admin endpoint, to add routes or a health hook (borrowed). */
struct dd_admin *alb_control_admin(struct alb_control *ctl);

#endif
