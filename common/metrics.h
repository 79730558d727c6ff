/*
 * dd_metrics: a registry of counters, gauges and histograms rendered in the
 * Prometheus text exposition format 0.0.4 for /_drydock/metrics.
 *
 * Metric names are CloudWatch's (NumberOfMessagesSent, CacheHits,
 * HTTPCode_ELB_5XX_Count), so a dashboard or drill report can use the names a
 * user already knows from AWS; the Prometheus name grammar accepts them as
 * they are. A registry belongs to one daemon and one event loop; it is not
 * thread-safe.
 *
 * Ownership: the registry owns every family (struct dd_metric) registered in
 * it and every series of each; dd_metrics_free frees them all, after which no
 * dd_metric pointer from it may be used. Strings passed in are copied.
 */
#ifndef DD_METRICS_H
#define DD_METRICS_H

#include <stddef.h>

#include "common/buf.h"

struct dd_metrics; /* registry */
struct dd_metric;  /* one family, owned by the registry */

/* Returns a registry the caller frees with dd_metrics_free, or NULL on ENOMEM. */
struct dd_metrics *dd_metrics_new(void);
/* Frees the registry and every family and series in it; NULL is a no-op. */
void dd_metrics_free(struct dd_metrics *reg);

/* name: [a-zA-Z_:][a-zA-Z0-9_:]*, unique in the registry. help: free text,
 * copied; NULL or "" omits the # HELP line. label_names: comma-separated
 * ("QueueName" or "LoadBalancer,TargetGroup"; blanks around names ignored)
 * or NULL/"" for none; each [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__",
 * no duplicates. Returns NULL on invalid name/labels, duplicate name, or
 * ENOMEM. The registry owns the result. A family without labels starts with
 * its one series at 0, so it is rendered before first use. */
struct dd_metric *dd_metrics_counter(struct dd_metrics *reg, const char *name, const char *help,
                                     const char *label_names);
struct dd_metric *dd_metrics_gauge(struct dd_metrics *reg, const char *name, const char *help,
                                   const char *label_names);
/* bounds: upper bounds of the buckets, strictly increasing, finite, copied;
 * a trailing +Inf is accepted and dropped (the +Inf bucket is always there).
 * nbounds 0 (bounds may then be NULL) leaves only the +Inf bucket. The label
 * name "le" is reserved. */
struct dd_metric *dd_metrics_histogram(struct dd_metrics *reg, const char *name, const char *help,
                                       const char *label_names, const double *bounds,
                                       size_t nbounds);
/* The family registered under name, owned by the registry; NULL if none. */
struct dd_metric *dd_metrics_find(struct dd_metrics *reg, const char *name);

/*
 * label_values: one string per label name, in order, borrowed (copied when a
 * new series is created; must be valid UTF-8); NULL when the family has no
 * labels (ignored then). A series is created on first use by add, set or
 * observe. Every call returns DD_EINVAL for a NULL family, a call that does
 * not fit its kind, missing label values or a value the kind rejects, and
 * DD_ENOMEM when a new series cannot be allocated.
 */
/* Counter or gauge; counters reject v < 0 and NaN (a counter only goes up). */
int dd_metric_add(struct dd_metric *m, const char *const *label_values, double v);
/* Gauge only; any value, NaN and infinities included. */
int dd_metric_set(struct dd_metric *m, const char *const *label_values, double v);
/* Histogram only; NaN is rejected (it would poison the sum for good). */
int dd_metric_observe(struct dd_metric *m, const char *const *label_values, double v);
/* Drops one series, e.g. a deleted queue's; DD_ENOENT if it does not exist. */
int dd_metric_remove(struct dd_metric *m, const char *const *label_values);
/* Counter/gauge value, histogram observation count; 0 if absent (for tests). */
double dd_metric_value(const struct dd_metric *m, const char *const *label_values);
/* Number of series in the family (for tests). */
size_t dd_metric_series_count(const struct dd_metric *m);

/* Called by dd_metrics_render before rendering, in registration order, to
 * refresh gauges (queue depths, memory used); arg is borrowed. DD_ENOMEM. */
typedef void (*dd_metrics_collect_fn)(void *arg, struct dd_metrics *reg);
int dd_metrics_on_collect(struct dd_metrics *reg, dd_metrics_collect_fn fn, void *arg);

/* Runs the collectors, then appends the exposition of every family (in
 * registration order, series in first-use order) to out, which stays owned by
 * the caller. DD_ENOMEM leaves out with a partial rendering. */
int dd_metrics_render(struct dd_metrics *reg, struct dd_buf *out);

#endif
