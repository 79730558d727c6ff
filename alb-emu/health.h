/*
 * alb_health: the registered targets of one target group and their health
 * state machine, as DescribeTargetHealth reports it.
 *
 * An alb_health_group holds the targets registered with one target group:
 * their health state, reason and description, the consecutive check counts,
 * when the next health check is due, draining deadlines, slow start, and the
 * requests in flight to each. It does no I/O and reads no clock: the daemon
 * asks alb_health_next_due() when to wake up, starts the checks
 * alb_health_check_due() hands out, reports each outcome with
 * alb_health_check_result(), and calls alb_health_tick() at the due times so
 * timeouts and deregistration delays expire. Everything takes "now" in ms of
 * the daemon's (emulated) clock, so tests drive it with a fake one.
 *
 * The state machine (user guide "Health checks for Application Load Balancer
 * target groups", "Target health status"; API TargetHealth):
 *
 *   state        reason (Description)                      leaves on
 *   -----------  ----------------------------------------  ---------------------------------
 *   initial      Elb.RegistrationInProgress                the first check starting ->
 *                  ("Target registration is in progress")    initial/Elb.InitialHealthChecking
 *   initial      Elb.InitialHealthChecking                 1 passed check -> healthy ("After
 *                  ("Initial health checks in progress")     your target is registered, it must
 *                                                            pass one health check to be
 *                                                            considered healthy");
 *                                                            UnhealthyThresholdCount failed
 *                                                            checks in a row -> unhealthy
 *   healthy      (none)                                    UnhealthyThresholdCount failed
 *                                                            checks in a row -> unhealthy
 *   unhealthy    Target.ResponseCodeMismatch               HealthyThresholdCount passed checks
 *                  ("Health checks failed with these          in a row -> healthy; the reason
 *                   codes: [500]")                            follows the latest failure
 *                Target.Timeout ("Request timed out")
 *                Target.FailedHealthChecks ("Health checks failed": refused, reset, malformed)
 *                Elb.InternalError ("Health checks failed due to an internal error")
 *   draining     Target.DeregistrationInProgress           deregistration_delay.timeout_seconds
 *                  ("Target deregistration is in progress")  elapsing -> unused, and the target
 *                                                            leaves the group; no new requests,
 *                                                            in-flight ones finish; no checks
 *   unused       Target.NotInUse ("Target group is not     the group coming into use (a rule
 *                  configured to receive traffic from the     forwards to it) -> initial
 *                  load balancer")
 *   unused       Target.NotRegistered ("Target is not      (what DescribeTargetHealth says of a
 *                  registered to the target group")           target that is not registered)
 *   unavailable  Target.HealthCheckDisabled ("Health       (lambda target groups only)
 *                  checks are disabled")
 *
 * Deregistering from any state drains; registering a draining target again
 * starts it over in initial. A check whose answer does not arrive within
 * HealthCheckTimeoutSeconds fails with Target.Timeout; checks start every
 * HealthCheckIntervalSeconds from the previous start, however long the
 * previous one took ("the time it takes for the target to respond does not
 * affect the interval for the next health check").
 *
 * Routing: a target is routable when it is healthy (or unavailable). When
 * fewer targets are healthy than target_group_health.unhealthy_state_routing.
 * minimum_healthy_targets.count (default 1) or .percentage (default off), the
 * group fails open: every healthy and unhealthy target is routable ("If a
 * target group contains only unhealthy registered targets, the load balancer
 * routes requests to all those targets, regardless of their health status").
 * Targets still in initial and draining targets are never routable.
 *
 * Slow start: with slow_start.duration_seconds > 0, a target that becomes
 * healthy while at least one other healthy target is not in slow start
 * ramps its weight linearly from 0 to full over the duration; becoming
 * unhealthy or deregistering ends slow start.
 *
 * Ownership: the group owns its targets. A struct alb_target pointer stays
 * valid until the target leaves the group (its deregistration delay elapses,
 * reported through the event callback) and no request is in flight to it;
 * a caller holding a target for a request brackets it with
 * alb_health_request_begin() / alb_health_request_end(), which keeps it alive.
 */
#ifndef ALB_HEALTH_H
#define ALB_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "alb-emu/addr.h"
#include "alb-emu/config.h"

/* TargetHealthStateEnum values ALB uses. */
enum alb_target_state {
    ALB_TARGET_INITIAL,
    ALB_TARGET_HEALTHY,
    ALB_TARGET_UNHEALTHY,
    ALB_TARGET_UNUSED,
    ALB_TARGET_DRAINING,
    ALB_TARGET_UNAVAILABLE
};

/* TargetHealthReasonEnum; ALB_REASON_NONE for healthy targets. */
enum alb_health_reason {
    ALB_REASON_NONE,
    ALB_REASON_ELB_REGISTRATION_IN_PROGRESS,
    ALB_REASON_ELB_INITIAL_HEALTH_CHECKING,
    ALB_REASON_TARGET_RESPONSE_CODE_MISMATCH,
    ALB_REASON_TARGET_TIMEOUT,
    ALB_REASON_TARGET_FAILED_HEALTH_CHECKS,
    ALB_REASON_TARGET_NOT_REGISTERED,
    ALB_REASON_TARGET_NOT_IN_USE,
    ALB_REASON_TARGET_DEREGISTRATION_IN_PROGRESS,
    ALB_REASON_TARGET_INVALID_STATE,
    ALB_REASON_TARGET_IP_UNUSABLE,
    ALB_REASON_TARGET_HEALTH_CHECK_DISABLED,
    ALB_REASON_ELB_INTERNAL_ERROR
};

/* How one health check ended. */
enum alb_check_outcome {
    ALB_CHECK_RESPONSE,      /* an HTTP response arrived: http_code decides via the Matcher */
    ALB_CHECK_TIMEOUT,       /* no complete response within the timeout */
    ALB_CHECK_FAILED,        /* connect refused or reset, or a malformed response */
    ALB_CHECK_INTERNAL_ERROR /* the load balancer could not run the check */
};

/* The health-check settings of a target group, in ms where they are times. */
struct alb_health_params {
    int64_t interval_ms;             /* HealthCheckIntervalSeconds */
    int64_t timeout_ms;              /* HealthCheckTimeoutSeconds */
    int healthy_threshold;           /* HealthyThresholdCount */
    int unhealthy_threshold;         /* UnhealthyThresholdCount */
    int64_t deregistration_delay_ms; /* deregistration_delay.timeout_seconds */
    int64_t slow_start_ms;           /* slow_start.duration_seconds, 0 = off */
    bool enabled;                    /* HealthCheckEnabled */
    bool in_use;                     /* a listener rule forwards to the group */
    int64_t min_healthy_count;       /* ...unhealthy_state_routing.minimum_healthy_targets.count */
    int min_healthy_percentage;      /* ...percentage, -1 = off */
    const struct alb_matcher *matcher; /* borrowed; the group keeps a copy of its ranges */
};

/* One registered target. Fields are read-only to callers except where noted. */
struct alb_target {
    struct alb_addr addr;          /* Id (IP) and Port */
    enum alb_target_state state;   /* TargetHealth.State */
    enum alb_health_reason reason; /* TargetHealth.Reason */
    char description[96];          /* TargetHealth.Description ("" when healthy) */
    int consecutive_ok;            /* passed checks in a row */
    int consecutive_fail;          /* failed checks in a row */
    int64_t registered_ms;         /* when it was (last) registered */
    int64_t next_check_ms;         /* when the next check should start */
    bool check_in_flight;          /* a check was handed out and has not ended */
    uint64_t check_seq;            /* id of the check in flight */
    int64_t check_deadline_ms;     /* when the check in flight times out */
    int64_t drain_deadline_ms;     /* draining: when the deregistration delay ends */
    int64_t slow_start_begin_ms;   /* slow start window; end <= begin means none */
    int64_t slow_start_end_ms;
    uint64_t in_flight;        /* requests forwarded and not yet finished */
    uint64_t requests;         /* requests forwarded in total */
    int64_t lb_current_weight; /* balancer.c's smooth weighted round-robin state */
    bool removed;              /* left the group; freed when in_flight reaches 0 */
};

struct alb_health_group;

/* Called after every state change of a target, with the group, the target
 * (valid during the call) and the states before and after. It must not
 * register or deregister targets of g (the group may be iterating). */
typedef void (*alb_health_event_fn)(void *arg, struct alb_health_group *g, struct alb_target *t,
                                    enum alb_target_state from, enum alb_target_state to);

/* Fills *out from a target group of the config (borrowed; out->matcher
 * points into it). */
void alb_health_params_from_target_group(const struct alb_target_group *tg,
                                         struct alb_health_params *out);

/* A new empty group with params p (borrowed; the matcher ranges are copied).
 * NULL on ENOMEM. Free with alb_health_group_free(). */
struct alb_health_group *alb_health_group_new(const struct alb_health_params *p);
/* Frees g and every target, including ones still referenced by requests in
 * flight (the caller must be done with them). NULL is a no-op. */
void alb_health_group_free(struct alb_health_group *g);

/* Replaces the settings (ModifyTargetGroup / attributes). A group coming
 * into use moves its unused targets to initial; going out of use moves
 * every non-draining target to unused/Target.NotInUse. DD_ENOMEM leaves the
 * old settings. */
int alb_health_set_params(struct alb_health_group *g, const struct alb_health_params *p,
                          int64_t now_ms);
/* The group's settings (borrowed). */
const struct alb_health_params *alb_health_params(const struct alb_health_group *g);

/* Sets the state-change callback (arg borrowed); fn NULL removes it. */
void alb_health_set_event_fn(struct alb_health_group *g, alb_health_event_fn fn, void *arg);

/*
 * Registers addr (copied; its port is the target port). A new target starts
 * in initial/Elb.RegistrationInProgress with its first check due at now. A
 * draining target starts over. Returns DD_OK with *out (borrowed; out may be
 * NULL) the target, DD_EEXIST with *out the existing target when it is
 * already registered and not draining, DD_ERANGE at 1000 targets, DD_ENOMEM.
 */
int alb_health_register(struct alb_health_group *g, const struct alb_addr *addr, int64_t now_ms,
                        struct alb_target **out);

/* Starts deregistering addr: draining/Target.DeregistrationInProgress for
 * the deregistration delay (a delay of 0 completes at once). DD_ENOENT when
 * addr is not registered (or already draining). */
int alb_health_deregister(struct alb_health_group *g, const struct alb_addr *addr, int64_t now_ms);

/* The registered target at addr, or NULL; borrowed. */
struct alb_target *alb_health_find(const struct alb_health_group *g, const struct alb_addr *addr);
/* Number of registered targets (draining ones included). */
size_t alb_health_count(const struct alb_health_group *g);
/* The i-th registered target (registration order), borrowed; NULL past the end. */
struct alb_target *alb_health_target(const struct alb_health_group *g, size_t i);

/*
 * The earliest time >= 0 at which the group needs the caller: a check to
 * start, a check to time out, a deregistration delay to end. A value <= now
 * means "now". INT64_MAX when nothing is pending.
 */
int64_t alb_health_next_due(const struct alb_health_group *g, int64_t now_ms);

/*
 * Hands out one target whose check is due at now (call repeatedly until
 * NULL), marking its check in flight: the target's address and *seq
 * (caller's) identify it for alb_health_check_result(); the next check is
 * scheduled one interval after now. The caller sends GET HealthCheckPath to
 * the target's health check port. Returns a target borrowed until the
 * caller next calls into the group (keep its addr, not the pointer), or NULL.
 */
struct alb_target *alb_health_check_due(struct alb_health_group *g, int64_t now_ms, uint64_t *seq);

/*
 * Reports how check seq of the target at addr ended (addr borrowed: a check
 * is named by address and sequence number, not by pointer, so a target that
 * left the group meanwhile is simply not found). http_code matters for
 * ALB_CHECK_RESPONSE only (checked against the Matcher). A response at or
 * after the check's deadline counts as Target.Timeout. Returns DD_OK, or
 * DD_ENOENT when that check is no longer in flight (it timed out, or the
 * target was deregistered or registered anew): the result is ignored.
 */
int alb_health_check_result(struct alb_health_group *g, const struct alb_addr *addr, uint64_t seq,
                            enum alb_check_outcome outcome, int http_code, int64_t now_ms);

/* Expires what is due at now: checks past their timeout fail with
 * Target.Timeout; draining targets past their delay become unused and leave
 * the group. */
void alb_health_tick(struct alb_health_group *g, int64_t now_ms);

/* A request is being forwarded to t (borrowed; t stays valid until the
 * matching alb_health_request_end()). */
void alb_health_request_begin(struct alb_target *t);
/* The request forwarded to t finished; t may be freed by this call if it
 * had left the group. */
void alb_health_request_end(struct alb_health_group *g, struct alb_target *t);

/* Whether the group fails open now (see above). */
bool alb_health_fail_open(const struct alb_health_group *g);
/* Whether t may receive a new request, given the group's fail-open status. */
bool alb_health_routable(const struct alb_target *t, bool fail_open);
/* t's share of traffic in permille: 1000, or 1..999 while in slow start. */
unsigned alb_health_weight(const struct alb_target *t, int64_t now_ms);
/* Whether t is in its slow start window at now. */
bool alb_health_in_slow_start(const struct alb_target *t, int64_t now_ms);

/* HealthyHostCount and UnHealthyHostCount of the group (either may be NULL). */
void alb_health_counts(const struct alb_health_group *g, size_t *healthy, size_t *unhealthy);

/* "initial", "healthy", ... (static). */
const char *alb_target_state_name(enum alb_target_state s);
/* "Elb.RegistrationInProgress", ... or NULL for ALB_REASON_NONE (static). */
const char *alb_health_reason_code(enum alb_health_reason r);

/*
 * DescribeTargetHealth's TargetHealthDescriptions for the group: a new JSON
 * array (caller json_decref()s) of {"Target": {"Id", "Port"}, "HealthCheckPort",
 * "TargetHealth": {"State"[, "Reason", "Description"]}}. health_check_port
 * (borrowed) is the target group's HealthCheckPort: "traffic-port" reports
 * each target's own port. NULL on ENOMEM.
 */
json_t *alb_health_describe(const struct alb_health_group *g, const char *health_check_port);
/* One TargetHealthDescription (new reference, NULL on ENOMEM). */
json_t *alb_health_describe_target(const struct alb_target *t, const char *health_check_port);
/* What DescribeTargetHealth answers for a target that is not registered:
 * unused / Target.NotRegistered (new reference, NULL on ENOMEM). */
json_t *alb_health_describe_unregistered(const struct alb_addr *addr,
                                         const char *health_check_port);

#endif
