/*
 * alb_balancer: choosing the target group of a forward action and the target
 * within a group.
 *
 * Target groups of a forward action are chosen at random in proportion to
 * their weights (0..999; a weight of 0 never receives traffic), from the
 * injected random source, so tests are reproducible.
 *
 * Within a group the load_balancing.algorithm.type attribute decides
 * ("Routing algorithm" in the user guide):
 *
 *   round_robin                 targets in turn, by smooth weighted round robin
 *                               (nginx's): each pick adds every candidate's
 *                               weight to its running score, takes the highest
 *                               (first in registration order on ties) and takes
 *                               the total off the winner. With equal weights
 *                               this is plain rotation; a target in slow start
 *                               weighs its ramp (alb_health_weight()), so it gets
 *                               a linearly growing share without bursts.
 *   least_outstanding_requests  the candidate with the fewest requests in
 *                               flight; ties are broken by the same rotation,
 *                               so idle targets still take turns.
 *   weighted_random             at random in proportion to the weights.
 *
 * Candidates are the routable targets (healthy; healthy and unhealthy when
 * the group fails open; never initial, draining or unused: see health.h).
 * No candidate means there is no target for the request: ALB answers 503.
 *
 * Stickiness (lb_cookie / app_cookie, sticky.h) pins a client to a target it
 * already has, as long as that target is still registered and routable;
 * otherwise a new target is picked and the cookie is rewritten.
 */
#ifndef ALB_BALANCER_H
#define ALB_BALANCER_H

#include <stdbool.h>
#include <stdint.h>

#include "alb-emu/config.h"
#include "alb-emu/health.h"
#include "alb-emu/rand.h"

/*
 * Picks the target for a new request in g (borrowed) with algorithm algo at
 * now; rnd (borrowed) serves weighted_random. Returns a borrowed target or
 * NULL when none is routable. *fail_open (may be NULL) says whether the pick
 * was made failing open. The caller brackets the request with
 * alb_health_request_begin()/_end().
 */
struct alb_target *alb_balancer_pick(struct alb_health_group *g, enum alb_algorithm algo,
                                     int64_t now_ms, const struct alb_rand *rnd, bool *fail_open);

/*
 * As alb_balancer_pick(), but returns the target at sticky (borrowed; NULL =
 * no sticky target) when it is registered and routable now. *stuck (may be
 * NULL) is true when the sticky target was used, false when a new one was
 * picked (the caller then sets a new cookie).
 */
struct alb_target *alb_balancer_pick_sticky(struct alb_health_group *g, enum alb_algorithm algo,
                                            int64_t now_ms, const struct alb_rand *rnd,
                                            const struct alb_addr *sticky, bool *stuck,
                                            bool *fail_open);

/*
 * Index into fw->target_groups of the group a request goes to, chosen in
 * proportion to the weights from rnd (both borrowed). DD_ENOENT when every
 * weight is 0.
 */
int alb_balancer_pick_target_group(const struct alb_forward_config *fw, const struct alb_rand *rnd);

/* The index in fw->target_groups of tg (borrowed), or DD_ENOENT: checks that
 * a target group named by an AWSALBTG cookie is still one of the action's. */
int alb_balancer_target_group_index(const struct alb_forward_config *fw,
                                    const struct alb_target_group *tg);

#endif
