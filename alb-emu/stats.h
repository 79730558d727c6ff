/*
 * alb_stats: the CloudWatch metrics of the ALB namespace at /_drydock/metrics.
 *
 * Names and dimensions are CloudWatch's (AWS/ApplicationELB): per load
 * balancer (label LoadBalancer="app/<name>/<id>") NewConnectionCount,
 * ActiveConnectionCount and HTTPCode_ELB_{3XX,4XX,5XX,500,502,503,504}_Count;
 * per target group (labels LoadBalancer and TargetGroup="targetgroup/<name>/
 * <id>") RequestCount, TargetResponseTime (a histogram, seconds),
 * HTTPCode_Target_{2XX..5XX}_Count, HealthyHostCount, UnHealthyHostCount and
 * TargetConnectionErrorCount. Requests answered without a target group
 * (fixed responses, redirects, 503 for weights of 0) count in RequestCount
 * with TargetGroup="".
 *
 * The hot path bumps the integer counters of alb_runtime; the registry's
 * collect hook copies what changed since the last scrape, so a request pays
 * an increment, not a labelled lookup. Only TargetResponseTime is observed
 * per request (a histogram cannot be copied).
 */
#ifndef ALB_STATS_H
#define ALB_STATS_H

#include "alb-emu/runtime.h"
#include "common/metrics.h"

struct alb_stats;

/* Registers the families in reg and a collect hook reading rt (both
 * borrowed; they must outlive the stats). NULL on ENOMEM or a name clash.
 * Free with alb_stats_free() (the families stay in reg). */
struct alb_stats *alb_stats_new(struct dd_metrics *reg, struct alb_runtime *rt);
void alb_stats_free(struct alb_stats *st);

/* Records one TargetResponseTime observation (seconds) for t (borrowed). */
void alb_stats_response_time(struct alb_stats *st, const struct alb_tg_rt *t, double seconds);

#endif
