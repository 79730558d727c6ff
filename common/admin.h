/*
 * The admin endpoint every daemon serves under /_drydock/ (design.md): health,
 * metrics (Prometheus text), clock (the test clock offset), plus routes a
 * daemon adds itself (state, faults, targets). HTTP daemons dispatch to it from
 * their own request callback; cache-emu attaches it to a separate evhttp on
 * --admin-port. Only loopback peers are served: a request from elsewhere gets
 * 403, whatever address the daemon listens on.
 */
#ifndef DD_ADMIN_H
#define DD_ADMIN_H

#include <event2/http.h>
#include <jansson.h>

#include "common/clock.h"
#include "common/metrics.h"

#define DD_ADMIN_PREFIX "/_drydock/"

/*
 * Handles one request for /_drydock/<name>[/<rest>]; `rest` is what follows
 * the route name ("" when nothing does). Must send exactly one reply.
 */
typedef void (*dd_admin_handler_fn)(void *arg, struct evhttp_request *req, const char *rest);

/* Adds daemon-specific fields to the health document (borrowed `doc`). */
typedef void (*dd_admin_health_fn)(void *arg, json_t *doc);

struct dd_admin;

/*
 * daemon and version are borrowed and must outlive the admin; clock and
 * metrics are borrowed too (metrics may be NULL: /metrics then answers 404).
 */
struct dd_admin *dd_admin_new(const char *daemon, const char *version, struct dd_clock *clock,
                              struct dd_metrics *metrics);
void dd_admin_free(struct dd_admin *a);

/* Registers /_drydock/<name>; DD_EEXIST for a taken name, DD_ENOMEM. */
int dd_admin_route(struct dd_admin *a, const char *name, dd_admin_handler_fn fn, void *arg);
void dd_admin_on_health(struct dd_admin *a, dd_admin_health_fn fn, void *arg);

/* 1 if path (a request URI, query allowed) is under /_drydock/. */
int dd_admin_matches(const char *uri);
/* Serves req if it is under /_drydock/ and returns 1; returns 0 (no reply) otherwise. */
int dd_admin_dispatch(struct dd_admin *a, struct evhttp_request *req);
/* Serves every request of http as admin requests (404 outside /_drydock/). */
int dd_admin_attach(struct dd_admin *a, struct evhttp *http);

#endif
