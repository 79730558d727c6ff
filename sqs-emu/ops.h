/*
 * The SQS operations: one handler per API action, working on the decoded
 * JSON input of sqs-emu/wire.h and calling the engine. Handlers are listed in
 * one table with the model's operation names; an action the model knows but
 * Drydock does not implement answers UnsupportedOperation (docs/sqs.md lists
 * them).
 */
#ifndef SQS_OPS_H
#define SQS_OPS_H

#include <jansson.h>
#include <stdint.h>

#include "sqs-emu/errors.h"
#include "sqs-emu/wire.h"

/* sqs_ops_call's answer when a long poll found nothing yet: park the request. */
#define SQS_OP_WAIT 1

struct sqs_ops;

struct sqs_engine;
struct sqs_store_ops;

/* Settings the operations need; strings are copied. */
struct sqs_ops_config {
    const char *region;                /* default region of queue ARNs */
    const char *account;               /* default account id */
    const struct sqs_store_ops *store; /* borrowed: the durable store's hooks, NULL = memory */
    void *store_ctx;                   /* borrowed: passed to every hook */
};

/* Long-poll bookkeeping, kept by the caller between calls of one request. */
struct sqs_wait {
    int64_t deadline_ms; /* 0 on the first call; set by sqs_ops_call when it parks */
    int64_t wake_ms;     /* when to call again at the latest (deadline or next visibility) */
};

struct sqs_ops *sqs_ops_new(const struct sqs_ops_config *cfg);
void sqs_ops_free(struct sqs_ops *ops);
/* The engine behind ops (borrowed), for a store to load into at start-up. */
struct sqs_engine *sqs_ops_engine(struct sqs_ops *ops);

/*
 * Runs req at now_ms. Returns DD_OK with *result set (caller owns; NULL for
 * an empty result) or err filled; or SQS_OP_WAIT (ReceiveMessage with a wait
 * time and nothing to deliver): call again with the same wait when something
 * changed or at wait->wake_ms. *changed is set when state changed (the caller
 * then wakes other waiters).
 */
int sqs_ops_call(struct sqs_ops *ops, const struct sqs_request *req, int64_t now_ms,
                 struct sqs_wait *wait, json_t **result, struct sqs_error *err, int *changed);

/* Declares the queues of a config file's "queues" array at start-up. */
int sqs_ops_declare_queues(struct sqs_ops *ops, json_t *queues, int64_t now_ms,
                           struct sqs_error *err);

/* Deletes every queue and message (POST /_drydock/reset). */
int sqs_ops_reset(struct sqs_ops *ops);

/* The JSON state dump for /_drydock/state (caller owns). */
json_t *sqs_ops_state(struct sqs_ops *ops, int64_t now_ms);

/* Refreshes the per-queue gauges before /_drydock/metrics renders. */
struct dd_metrics;
void sqs_ops_collect(struct sqs_ops *ops, struct dd_metrics *reg, int64_t now_ms);

#endif
