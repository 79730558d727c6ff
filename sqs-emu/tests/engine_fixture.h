/*
 * Shared fixture for the engine tests: a deterministic random source, a fake
 * store that records every hook call, and short helpers to create queues and
 * send/receive messages with a fake clock. Header-only (static inline) so each
 * test binary stays one source file.
 */
#ifndef SQS_TESTS_ENGINE_FIXTURE_H
#define SQS_TESTS_ENGINE_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "sqs-emu/engine.h"
#include "sqs-emu/message.h"
#include "sqs-emu/queue.h"

#define ACCOUNT "123456789012"
#define T0      INT64_C(1700000000000) /* a fixed "now", ms */

/* xorshift64: the same bytes on every run. */
static inline int fake_random(void *ctx, void *buf, size_t len)
{
    uint64_t *s = ctx;
    unsigned char *p = buf;
    for (size_t i = 0; i < len; i++) {
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        p[i] = (unsigned char)*s;
    }
    return DD_OK;
}

/* One recorded store call. */
struct store_call {
    char op[16];       /* "put_queue", "del_queue", "put_message", "del_message", "purge" */
    char queue[96];    /* queue name */
    uint64_t queue_id; /* queue incarnation id */
    uint64_t seq;      /* message seq, 0 for queue calls */
    uint32_t count;    /* message receive count */
    char msg_id[40];   /* message id */
};

struct fake_store {
    struct store_call calls[512];
    size_t n;
    int fail; /* make every hook fail with DD_EIO */
};

static inline int fake_record(struct fake_store *s, const char *op, const struct sqs_queue *q,
                              const struct sqs_message *m)
{
    if (s->n < sizeof(s->calls) / sizeof(s->calls[0])) {
        struct store_call *c = &s->calls[s->n++];
        memset(c, 0, sizeof(*c));
        snprintf(c->op, sizeof(c->op), "%s", op);
        snprintf(c->queue, sizeof(c->queue), "%s", q->name);
        c->queue_id = q->id;
        if (m) {
            c->seq = m->seq;
            c->count = m->receive_count;
            snprintf(c->msg_id, sizeof(c->msg_id), "%s", m->id);
        }
    }
    return s->fail ? DD_EIO : DD_OK;
}

static inline int fs_put_queue(void *ctx, const struct sqs_queue *q)
{
    return fake_record(ctx, "put_queue", q, NULL);
}
static inline int fs_del_queue(void *ctx, const struct sqs_queue *q)
{
    return fake_record(ctx, "del_queue", q, NULL);
}
static inline int fs_put_message(void *ctx, const struct sqs_queue *q, const struct sqs_message *m)
{
    return fake_record(ctx, "put_message", q, m);
}
static inline int fs_del_message(void *ctx, const struct sqs_queue *q, const struct sqs_message *m)
{
    return fake_record(ctx, "del_message", q, m);
}
static inline int fs_purge(void *ctx, const struct sqs_queue *q)
{
    return fake_record(ctx, "purge", q, NULL);
}

static const struct sqs_store_ops fake_store_ops = {
    fs_put_queue, fs_del_queue, fs_put_message, fs_del_message, fs_purge,
};

/* A test world: an engine with a fake RNG and (optionally) the fake store. */
struct world {
    uint64_t rng;
    struct fake_store store;
    struct sqs_engine *e;
    struct sqs_error err;
};

static inline struct world *world_new(int with_store)
{
    struct world *w = calloc(1, sizeof(*w));
    assert_non_null(w);
    w->rng = 0x9E3779B97F4A7C15ULL;
    struct sqs_engine_config cfg = { 0 };
    cfg.region = "us-east-1";
    cfg.random = fake_random;
    cfg.random_ctx = &w->rng;
    if (with_store) {
        cfg.store = &fake_store_ops;
        cfg.store_ctx = &w->store;
    }
    w->e = sqs_engine_new(&cfg);
    assert_non_null(w->e);
    return w;
}

static inline void world_free(struct world *w)
{
    if (!w)
        return;
    sqs_engine_free(w->e);
    free(w);
}

/* Creates a queue with attribute pairs given as NULL-terminated key, value, ... */
static inline struct sqs_queue *make_queue(struct world *w, const char *name, ...)
{
    struct sqs_kv kv[32];
    size_t n = 0;
    va_list ap;
    va_start(ap, name);
    const char *k;
    while ((k = va_arg(ap, const char *)) != NULL && n < 32) {
        kv[n].key = k;
        kv[n].value = va_arg(ap, const char *);
        n++;
    }
    va_end(ap);
    struct sqs_queue *q = NULL;
    int rc = sqs_queue_create(w->e, ACCOUNT, name, kv, n, NULL, 0, T0, &q, &w->err);
    if (rc)
        fail_msg("create %s: %s %s", name, sqs_error_name(w->err.code), w->err.message);
    return q;
}

static inline struct sqs_send_params send_params(const char *body)
{
    struct sqs_send_params p;
    memset(&p, 0, sizeof(p));
    p.body = body;
    p.body_len = body ? strlen(body) : 0;
    p.delay_seconds = SQS_PARAM_ABSENT;
    return p;
}

/* Sends body; returns the message (borrowed). */
static inline struct sqs_message *send_body(struct world *w, struct sqs_queue *q, const char *body,
                                            int64_t now)
{
    struct sqs_send_params p = send_params(body);
    struct sqs_send_result r;
    int rc = sqs_message_send(q, &p, now, &r, &w->err);
    if (rc)
        fail_msg("send: %s %s", sqs_error_name(w->err.code), w->err.message);
    return sqs_message_find(q, q->next_seq - 1);
}

/* Receives up to max with the queue's visibility timeout (vt < 0) or vt. */
static inline size_t recv_n(struct world *w, struct sqs_queue *q, int max, int64_t vt, int64_t now,
                            struct sqs_received *out)
{
    struct sqs_receive_params rp = { max, vt < 0 ? SQS_PARAM_ABSENT : vt };
    size_t n = 0;
    int rc = sqs_message_receive(q, &rp, now, out, &n, &w->err);
    if (rc)
        fail_msg("receive: %s %s", sqs_error_name(w->err.code), w->err.message);
    return n;
}

/* The value of attribute name of q (ticked at now), into buf. */
static inline const char *qattr(struct world *w, struct sqs_queue *q, const char *name, int64_t now,
                                char *buf, size_t size)
{
    sqs_queue_tick(q, now);
    struct sqs_kvlist l = { 0 };
    const char *names[1] = { name };
    assert_int_equal(sqs_queue_attrs_get(q, names, 1, &l, &w->err), DD_OK);
    const char *v = sqs_kvlist_get(&l, name);
    snprintf(buf, size, "%s", v ? v : "(absent)");
    sqs_kvlist_release(&l);
    return buf;
}

#define assert_err(w, code_, msg_)                                                 \
    do {                                                                           \
        assert_string_equal(sqs_error_name((w)->err.code), sqs_error_name(code_)); \
        if ((msg_) != NULL)                                                        \
            assert_string_equal((w)->err.message, (msg_));                         \
    } while (0)

#endif
