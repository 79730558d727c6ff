/*
 * sqs-emu's event loop: evhttp in, the wire layer, the operations, evhttp
 * out.
 *
 * Long polling. A ReceiveMessage that finds nothing and may wait is parked as
 * a waiter with a timer at the earlier of its deadline and the moment its
 * queue next has a message becoming visible. Waiters are retried, oldest
 * first, whenever an operation changed state (a send, a visibility change,
 * a purge…), when the test clock jumps, and when their timer fires; so a
 * parked receive returns as soon as a message is available, as SQS does.
 * A client that hangs up takes its waiter with it.
 *
 * Group commit, pipelined. With a durable store every engine change is
 * recorded into the store's current batch (lmdb_store.c), and the loop never
 * waits for the disk. After each request, if the store thread is idle, the
 * batch is submitted at once, so its commit overlaps the rest of the round;
 * if the thread is busy, a commit event at the lowest priority (it runs after
 * every request callback of the round) submits the batch at the end of the
 * round, and the thread takes every batch queued meanwhile into its next
 * transaction. Group size thus follows the fsync time instead of the loop
 * stalling for it. (Submitting only at the end of each round, even to an idle
 * thread, measured about 10% slower with 32 connections: the thread then
 * sits idle while the loop serves the round.) Each reply is held, tagged with
 * the batch it depends on, until the store reports that batch done; the
 * store's eventfd wakes the loop, and the notify callback sends, in order,
 * every held reply whose batch is done, or answers it ServiceUnavailable if
 * its batch failed: nothing unacknowledged was promised. In fsync mode an
 * answered request is on disk; in batch mode it is written, and the store
 * thread fsyncs at most 10 ms later. drydock_sqs_store_commit_seconds
 * observes the thread's time per transaction, drydock_sqs_store_group_replies
 * the replies each transaction released.
 *
 * Which batch a reply depends on: the newest one that existed when the reply
 * was produced, the current one if it holds changes (the request's own, or
 * those of an earlier request of the round that it may have read), else the
 * newest submitted. A read-only reply waits too: it may reveal state from a
 * batch still in flight (a message whose send is not yet durable, a count
 * that includes it), and no client may see state that a crash could take
 * back. Tags only grow, so the held replies form a queue in tag order and
 * release is a walk from its head. A reply produced when every batch is
 * done goes out at once.
 *
 * Shutdown. SIGTERM/SIGINT stop accepting, answer every parked receive with
 * what it has (nothing), submit and wait for every batch, release the
 * replies, let them drain, and leave the loop.
 */
#include "sqs-emu/server.h"

#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdlib.h>
#include <string.h>

#include "common/admin.h"
#include "common/aws_error.h"
#include "common/aws_model.h"
#include "common/clock.h"
#include "common/daemon.h"
#include "common/err.h"
#include "common/http_reply.h"
#include "common/log.h"
#include "common/metrics.h"
#include "sqs-emu/engine.h"
#include "sqs-emu/lmdb_store.h"
#include "sqs-emu/ops.h"
#include "sqs-emu/wire.h"

/* The trimmed SQS model, embedded at build time from sqs-emu/model/sqs.json. */
extern const unsigned char sqs_model_json[];
extern const unsigned long sqs_model_json_len;

#define SQS_MAX_HEADERS 64

/* A reply held until the batch it depends on is done. */
struct sqs_pending {
    struct evhttp_request *req;     /* borrowed; NULL once the client hung up */
    struct evhttp_connection *conn; /* borrowed, for the close callback */
    struct dd_aws_reply reply;      /* owned */
    enum sqs_protocol proto;        /* to answer an error instead if the commit fails */
    char request_id[37];
    char action[64];
    uint64_t tag; /* the store batch it waits for */
    struct sqs_pending *next;
};

struct sqs_waiter {
    struct sqs_server *srv;
    struct evhttp_request *req;     /* borrowed from evhttp until answered */
    struct evhttp_connection *conn; /* borrowed, for the close callback */
    struct sqs_request sreq;        /* owned: the decoded request */
    struct sqs_wait wait;           /* deadline and next wake-up */
    struct event *timer;            /* owned */
    struct sqs_waiter *prev, *next; /* the server's list, oldest first */
};

struct sqs_server {
    const struct sqs_options *opts; /* borrowed */
    struct dd_logger log;
    struct event_base *base; /* owned */
    struct evhttp *http;     /* owned */
    struct evhttp_bound_socket *bound;
    struct dd_clock *clock;       /* owned */
    struct dd_metrics *metrics;   /* owned */
    struct dd_admin *admin;       /* owned */
    struct dd_aws_model *model;   /* owned */
    struct sqs_ops *ops;          /* owned */
    struct dd_signals *signals;   /* owned */
    struct event *kick;           /* owned: retries waiters after a change */
    struct sqs_lmdb_store *store; /* owned; NULL in memory mode */
    enum sqs_durability durability;
    struct event *commit_ev; /* owned: submits the round's batch, lowest priority */
    struct event *notify_ev; /* owned: the store's eventfd, batches done */
    struct sqs_pending *pend_head, *pend_tail; /* held replies, ascending tag */
    struct sqs_waiter *head, *tail;            /* parked long polls */
    struct dd_metric *m_requests;              /* requests by action */
    struct dd_metric *m_errors;                /* error replies by action and code */
    struct dd_metric *m_commit_s;              /* store thread time per transaction, seconds */
    struct dd_metric *m_group;                 /* replies released per transaction */
    int port;
    int stopping;
};

static int64_t now_ms(struct sqs_server *s)
{
    return dd_clock_now_ms(s->clock);
}

static void send_reply(struct evhttp_request *req, struct dd_aws_reply *r)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    for (size_t i = 0; i < r->n_headers; i++)
        evhttp_add_header(h, r->headers[i].name, r->headers[i].value);
    dd_http_reply_bytes(req, r->status, NULL, r->body.data ? r->body.data : "", r->body.len);
}

/* --- group commit ------------------------------------------------------- */

static void on_pending_conn_close(struct evhttp_connection *conn, void *arg)
{
    struct sqs_pending *p = arg;
    p->req = NULL; /* evhttp frees the request with its connection */
    p->conn = NULL;
}

/* After each request: an idle store thread gets the batch at once, so its
 * commit overlaps the rest of the round; a busy one gets it at the end of
 * the round, and takes everything queued when it is done. */
static void schedule_commit(struct sqs_server *s)
{
    if (!s->store || !sqs_lmdb_store_dirty(s->store))
        return;
    if (sqs_lmdb_store_idle(s->store))
        (void)sqs_lmdb_store_submit(s->store);
    else
        event_active(s->commit_ev, EV_TIMEOUT, 0);
}

/* Keeps r (taken over) until batch tag is done; the request is answered then. */
static void hold_reply(struct sqs_server *s, struct evhttp_request *req,
                       const struct sqs_request *sreq, struct dd_aws_reply *r, uint64_t tag)
{
    struct sqs_pending *p = calloc(1, sizeof(*p));
    if (!p) {
        dd_aws_reply_release(r);
        evhttp_send_error(req, 503, NULL);
        return;
    }
    p->req = req;
    p->conn = evhttp_request_get_connection(req);
    p->reply = *r;
    p->proto = sreq->proto;
    p->tag = tag;
    memcpy(p->request_id, sreq->request_id, sizeof(p->request_id));
    memcpy(p->action, sreq->action, sizeof(p->action));
    evhttp_connection_set_closecb(p->conn, on_pending_conn_close, p);
    if (s->pend_tail)
        s->pend_tail->next = p;
    else
        s->pend_head = p;
    s->pend_tail = p;
    schedule_commit(s);
}

/* Sends (rc == DD_OK) or fails with ServiceUnavailable every held reply
 * tagged up to last, in order; returns how many. */
static size_t release_upto(struct sqs_server *s, uint64_t last, int rc)
{
    size_t released = 0;
    while (s->pend_head && s->pend_head->tag <= last) {
        struct sqs_pending *p = s->pend_head;
        s->pend_head = p->next;
        if (!s->pend_head)
            s->pend_tail = NULL;
        released++;
        if (p->conn)
            evhttp_connection_set_closecb(p->conn, NULL, NULL);
        if (p->req && rc != DD_OK) {
            struct sqs_request fake;
            memset(&fake, 0, sizeof(fake));
            fake.proto = p->proto;
            memcpy(fake.request_id, p->request_id, sizeof(fake.request_id));
            memcpy(fake.action, p->action, sizeof(fake.action));
            struct sqs_error e;
            sqs_error_set(&e, SQS_ERR_SERVICE_UNAVAILABLE,
                          "The request has failed due to a temporary failure of the server.");
            dd_aws_reply_release(&p->reply);
            if (sqs_wire_error(&fake, &e, &p->reply) != DD_OK) {
                evhttp_send_error(p->req, 503, NULL);
                p->req = NULL;
            }
        }
        if (p->req)
            send_reply(p->req, &p->reply);
        dd_aws_reply_release(&p->reply);
        free(p);
    }
    return released;
}

/* One store-thread transaction finished: its replies go out. */
static void on_store_result(void *arg, const struct sqs_lmdb_result *r)
{
    struct sqs_server *s = arg;
    if (r->last == 0) {
        dd_log_error(&s->log, "store sync failed: %s", sqs_lmdb_store_last_error(s->store));
        return;
    }
    for (unsigned i = 0; i < r->commits; i++)
        dd_metric_observe(s->m_commit_s, NULL, (double)r->commit_ns / r->commits / 1e9);
    if (r->rc != DD_OK)
        dd_log_error(&s->log,
                     "store commit of batches %llu-%llu failed, answering "
                     "ServiceUnavailable: %s",
                     (unsigned long long)r->first, (unsigned long long)r->last,
                     sqs_lmdb_store_last_error(s->store));
    size_t released = release_upto(s, r->last, r->rc);
    if (released)
        dd_metric_observe(s->m_group, NULL, (double)released);
}

/* Delivers every finished batch; a failure re-records what it lost. */
static void reap(struct sqs_server *s)
{
    sqs_lmdb_store_reap(s->store, sqs_ops_engine(s->ops), on_store_result, s);
    schedule_commit(s);
}

static void on_notify(evutil_socket_t fd, short what, void *arg)
{
    reap(arg);
}

static void on_commit(evutil_socket_t fd, short what, void *arg)
{
    struct sqs_server *s = arg;
    (void)sqs_lmdb_store_submit(s->store);
}

/* Submits the current batch, waits for every batch and releases every held
 * reply: for shutdown. */
static void flush_all(struct sqs_server *s)
{
    if (!s->store)
        return;
    if (sqs_lmdb_store_commit(s->store) != DD_OK)
        dd_log_error(&s->log, "store commit failed: %s", sqs_lmdb_store_last_error(s->store));
    while (sqs_lmdb_store_reap(s->store, NULL, on_store_result, s) > 0)
        ;
    /* Replies of a batch that could not even be submitted. */
    release_upto(s, UINT64_MAX, DD_EIO);
}

/* Answers req with result or err in the client's protocol. */
static void answer(struct sqs_server *s, struct evhttp_request *req, const struct sqs_request *sreq,
                   json_t *result, const struct sqs_error *err)
{
    struct dd_aws_reply r;
    memset(&r, 0, sizeof(r));
    int rc;
    if (err && err->code != SQS_ERR_NONE) {
        const char *labels[] = { sreq->action[0] ? sreq->action : "unknown",
                                 sqs_error_name(err->code) };
        dd_metric_add(s->m_errors, labels, 1);
        rc = sqs_wire_error(sreq, err, &r);
    } else {
        rc = sqs_wire_result(s->model, sreq, result, &r);
        if (rc == DD_EINVAL) {
            /* A result XML cannot carry: say so in the protocol rather than cut the reply. */
            struct sqs_error e;
            sqs_error_set(&e, SQS_ERR_INTERNAL_ERROR,
                          "The response contains characters the Query protocol cannot carry.");
            rc = sqs_wire_error(sreq, &e, &r);
        }
    }
    if (rc != DD_OK) {
        dd_log_error(&s->log, "rendering a reply to %s failed: %s", sreq->action, dd_strerror(rc));
        evhttp_send_error(req, 500, NULL);
        return;
    }
    uint64_t tag = s->store ? sqs_lmdb_store_horizon(s->store) : 0;
    if (!s->store || tag <= sqs_lmdb_store_reaped(s->store)) {
        send_reply(req, &r);
        dd_aws_reply_release(&r);
        return;
    }
    hold_reply(s, req, sreq, &r, tag);
}

static void schedule_kick(struct sqs_server *s)
{
    if (s->head)
        event_active(s->kick, EV_TIMEOUT, 0);
}

/* --- waiters ------------------------------------------------------------- */

static void waiter_unlink_free(struct sqs_waiter *w)
{
    struct sqs_server *s = w->srv;
    if (w->prev)
        w->prev->next = w->next;
    else
        s->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        s->tail = w->prev;
    if (w->conn)
        evhttp_connection_set_closecb(w->conn, NULL, NULL);
    if (w->timer)
        event_free(w->timer);
    sqs_request_release(&w->sreq);
    free(w);
}

static void arm_timer(struct sqs_waiter *w)
{
    int64_t delay = w->wait.wake_ms - now_ms(w->srv);
    if (delay < 0)
        delay = 0;
    struct timeval tv = { (time_t)(delay / 1000), (suseconds_t)((delay % 1000) * 1000) };
    evtimer_add(w->timer, &tv);
}

/* Calls the operation again for a parked request; answers it when it is done. */
static void waiter_retry(struct sqs_waiter *w, int *changed)
{
    struct sqs_server *s = w->srv;
    json_t *result = NULL;
    struct sqs_error err;
    sqs_error_clear(&err);
    int ch = 0;
    int rc = sqs_ops_call(s->ops, &w->sreq, now_ms(s), &w->wait, &result, &err, &ch);
    *changed |= ch;
    if (rc == SQS_OP_WAIT && !s->stopping) {
        arm_timer(w);
        return;
    }
    /* Unlink first: answering may hold the reply with its own close callback. */
    struct evhttp_request *req = w->req;
    struct sqs_request sreq = w->sreq;
    w->sreq.input = NULL;
    waiter_unlink_free(w);
    answer(s, req, &sreq, result, &err);
    sqs_request_release(&sreq);
    json_decref(result);
}

static void on_waiter_timer(evutil_socket_t fd, short what, void *arg)
{
    struct sqs_waiter *w = arg;
    struct sqs_server *s = w->srv;
    int changed = 0;
    waiter_retry(w, &changed);
    if (changed)
        schedule_kick(s);
    schedule_commit(s);
}

static void on_kick(evutil_socket_t fd, short what, void *arg)
{
    struct sqs_server *s = arg;
    int changed = 0;
    /* Retry each waiter present now, oldest first; new ones wait for the next kick. */
    struct sqs_waiter *last = s->tail;
    for (struct sqs_waiter *w = s->head, *next; w; w = next) {
        next = w->next;
        int is_last = w == last;
        waiter_retry(w, &changed);
        if (is_last)
            break;
    }
    if (changed)
        schedule_kick(s);
    schedule_commit(s);
}

static void on_waiter_conn_close(struct evhttp_connection *conn, void *arg)
{
    struct sqs_waiter *w = arg;
    w->conn = NULL; /* evhttp frees the request with the connection */
    waiter_unlink_free(w);
}

static void park(struct sqs_server *s, struct evhttp_request *req, struct sqs_request *sreq,
                 const struct sqs_wait *wait)
{
    struct sqs_waiter *w = calloc(1, sizeof(*w));
    if (!w || !(w->timer = evtimer_new(s->base, on_waiter_timer, w))) {
        free(w);
        struct sqs_error e;
        sqs_error_nomem(&e);
        answer(s, req, sreq, NULL, &e);
        sqs_request_release(sreq);
        return;
    }
    w->srv = s;
    w->req = req;
    w->sreq = *sreq; /* takes ownership of the input document */
    w->wait = *wait;
    w->conn = evhttp_request_get_connection(req);
    evhttp_connection_set_closecb(w->conn, on_waiter_conn_close, w);
    w->prev = s->tail;
    if (s->tail)
        s->tail->next = w;
    else
        s->head = w;
    s->tail = w;
    arm_timer(w);
}

static void on_clock_advance(void *arg, int64_t delta_ms)
{
    struct sqs_server *s = arg;
    /* Deadlines and visibility moved closer: re-evaluate every waiter now. */
    for (struct sqs_waiter *w = s->head; w; w = w->next)
        evtimer_del(w->timer);
    schedule_kick(s);
}

/* --- requests ------------------------------------------------------------ */

static const char *method_name(enum evhttp_cmd_type cmd)
{
    switch (cmd) {
    case EVHTTP_REQ_GET:
        return "GET";
    case EVHTTP_REQ_POST:
        return "POST";
    case EVHTTP_REQ_PUT:
        return "PUT";
    case EVHTTP_REQ_DELETE:
        return "DELETE";
    case EVHTTP_REQ_HEAD:
        return "HEAD";
    default:
        return "OTHER";
    }
}

static void on_request(struct evhttp_request *req, void *arg)
{
    struct sqs_server *s = arg;
    if (dd_admin_dispatch(s->admin, req)) {
        schedule_commit(s); /* metrics and state tick queues: expiry is a change */
        return;
    }

    struct sqs_http_header hdrs[SQS_MAX_HEADERS];
    size_t nh = 0;
    struct evkeyval *kv;
    TAILQ_FOREACH(kv, evhttp_request_get_input_headers(req), next)
    {
        if (nh < SQS_MAX_HEADERS)
            hdrs[nh++] = (struct sqs_http_header){ kv->key, kv->value };
    }
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t blen = evbuffer_get_length(in);
    const char *body = blen ? (const char *)evbuffer_pullup(in, (ev_ssize_t)blen) : "";
    struct sqs_http_in hin = { method_name(evhttp_request_get_command(req)),
                               evhttp_request_get_uri(req),
                               hdrs,
                               nh,
                               body ? body : "",
                               body ? blen : 0 };

    struct sqs_request sreq;
    struct sqs_error err;
    if (sqs_wire_decode(s->model, &hin, s->opts->region, s->opts->account_id, &sreq, &err) !=
        DD_OK) {
        answer(s, req, &sreq, NULL, &err);
        sqs_request_release(&sreq);
        return;
    }
    const char *label[] = { sreq.action };
    dd_metric_add(s->m_requests, label, 1);
    dd_log_debug(&s->log, "%s %s", sreq.proto == SQS_PROTO_JSON ? "json" : "query", sreq.action);

    struct sqs_wait wait = { 0, 0 };
    json_t *result = NULL;
    int changed = 0;
    int rc = sqs_ops_call(s->ops, &sreq, now_ms(s), &wait, &result, &err, &changed);
    if (rc == SQS_OP_WAIT && !s->stopping) {
        park(s, req, &sreq, &wait);
    } else {
        answer(s, req, &sreq, result, &err);
        sqs_request_release(&sreq);
    }
    json_decref(result);
    if (changed)
        schedule_kick(s);
    schedule_commit(s);
}

/* --- admin routes -------------------------------------------------------- */

static void on_state(void *arg, struct evhttp_request *req, const char *rest)
{
    struct sqs_server *s = arg;
    dd_http_reply_json(req, 200, sqs_ops_state(s->ops, now_ms(s)));
}

static void on_reset(void *arg, struct evhttp_request *req, const char *rest)
{
    struct sqs_server *s = arg;
    if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
        dd_http_reply_error(req, 405, "use POST to delete every queue");
        return;
    }
    int rc = sqs_ops_reset(s->ops);
    if (rc == DD_OK && s->store)
        rc = sqs_lmdb_store_wipe(s->store);
    if (rc == DD_OK && s->store)
        rc = sqs_lmdb_store_commit(s->store);
    if (rc != DD_OK) {
        dd_http_reply_error(req, 500, dd_strerror(rc));
        return;
    }
    dd_log_info(&s->log, "reset: every queue deleted");
    /* Parked receives on queues that are gone now answer QueueDoesNotExist. */
    schedule_kick(s);
    dd_http_reply_json(req, 200, json_pack("{s:b}", "reset", 1));
}

static void on_collect(void *arg, struct dd_metrics *reg)
{
    struct sqs_server *s = arg;
    sqs_ops_collect(s->ops, reg, now_ms(s));
}

static void on_health(void *arg, json_t *doc)
{
    struct sqs_server *s = arg;
    json_object_set_new(doc, "durability", json_string(sqs_durability_name(s->durability)));
    json_object_set_new(doc, "stopping", json_boolean(s->stopping));
}

/* --- lifecycle ----------------------------------------------------------- */

static void on_exit_timer(evutil_socket_t fd, short what, void *arg)
{
    struct sqs_server *s = arg;
    event_base_loopbreak(s->base);
}

static void on_stop(void *arg, int signo)
{
    struct sqs_server *s = arg;
    if (s->stopping)
        return;
    s->stopping = 1;
    dd_log_info(&s->log, "signal %d: draining", signo);
    if (s->bound) {
        evhttp_del_accept_socket(s->http, s->bound);
        s->bound = NULL;
    }
    /* Parked receives answer now with what they have; replies get a moment to flush. */
    while (s->head) {
        int changed = 0;
        waiter_retry(s->head, &changed);
    }
    flush_all(s);
    struct timeval tv = { 0, 200 * 1000 };
    event_base_once(s->base, -1, EV_TIMEOUT, on_exit_timer, s, &tv);
}

struct sqs_server *sqs_server_new(const struct sqs_options *opts, json_t *file_root)
{
    struct sqs_server *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->opts = opts;
    dd_logger_init(&s->log, "sqs-emu");
    enum dd_log_level lvl;
    enum dd_log_format fmt;
    if (dd_log_level_parse(opts->common.log_level, &lvl) == DD_OK)
        s->log.level = lvl;
    if (dd_log_format_parse(opts->common.log_format, &fmt) == DD_OK)
        s->log.format = fmt;

    int rc = dd_aws_model_load((const char *)sqs_model_json, sqs_model_json_len, &s->model);
    if (rc != DD_OK) {
        dd_log_error(&s->log, "the embedded SQS model does not load: %s", dd_strerror(rc));
        goto fail;
    }
    if (sqs_durability_parse(opts->durability, &s->durability) != DD_OK) {
        dd_log_error(&s->log, "unknown durability %s", opts->durability);
        goto fail;
    }
    char errbuf[512];
    if (s->durability != SQS_DURABILITY_MEMORY) {
        rc = sqs_lmdb_store_open(opts->data_dir, s->durability, &s->store, errbuf, sizeof(errbuf));
        if (rc != DD_OK) {
            dd_log_error(&s->log, "cannot open the store in %s: %s", opts->data_dir, errbuf);
            goto fail;
        }
    }
    struct sqs_ops_config oc = { opts->region, opts->account_id,
                                 s->store ? sqs_lmdb_store_ops() : NULL, s->store };
    s->base = event_base_new();
    s->clock = dd_clock_new(NULL, NULL);
    s->metrics = dd_metrics_new();
    s->ops = sqs_ops_new(&oc);
    if (!s->base || !s->clock || !s->metrics || !s->ops)
        goto nomem;
    /* Three priorities: I/O and timers at 1, the group commit after them at 2. */
    if (event_base_priority_init(s->base, 3) != 0)
        goto nomem;
    s->commit_ev = event_new(s->base, -1, 0, on_commit, s);
    if (!s->commit_ev || event_priority_set(s->commit_ev, 2) != 0)
        goto nomem;
    if (s->store) {
        s->notify_ev = event_new(s->base, sqs_lmdb_store_notify_fd(s->store), EV_READ | EV_PERSIST,
                                 on_notify, s);
        if (!s->notify_ev || event_add(s->notify_ev, NULL) != 0)
            goto nomem;
        int64_t t0 = dd_clock_mono_ns();
        rc = sqs_lmdb_store_load(s->store, sqs_ops_engine(s->ops), now_ms(s), errbuf,
                                 sizeof(errbuf));
        if (rc != DD_OK) {
            dd_log_error(&s->log, "the store in %s does not load: %s", opts->data_dir, errbuf);
            goto fail;
        }
        dd_log_info(&s->log, "loaded %zu queues from %s in %.1f ms",
                    sqs_engine_queue_count(sqs_ops_engine(s->ops)), opts->data_dir,
                    (double)(dd_clock_mono_ns() - t0) / 1e6);
    }
    s->admin = dd_admin_new("sqs-emu", SQS_EMU_VERSION, s->clock, s->metrics);
    s->http = evhttp_new(s->base);
    s->kick = event_new(s->base, -1, 0, on_kick, s);
    s->signals = dd_signals_new(s->base, on_stop, s);
    s->m_requests = dd_metrics_counter(s->metrics, "drydock_sqs_requests_total",
                                       "SQS API requests by action", "Action");
    s->m_errors = dd_metrics_counter(s->metrics, "drydock_sqs_errors_total",
                                     "SQS API error replies by action and code", "Action,Code");
    static const double commit_bounds[] = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                            0.005,  0.01,    0.025,  0.05,  0.1 };
    static const double group_bounds[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256 };
    s->m_commit_s =
        dd_metrics_histogram(s->metrics, "drydock_sqs_store_commit_seconds",
                             "Store thread time per write transaction (apply, commit, sync)", NULL,
                             commit_bounds, sizeof(commit_bounds) / sizeof(commit_bounds[0]));
    s->m_group = dd_metrics_histogram(s->metrics, "drydock_sqs_store_group_replies",
                                      "Replies released by one store transaction", NULL,
                                      group_bounds, sizeof(group_bounds) / sizeof(group_bounds[0]));
    if (!s->admin || !s->http || !s->kick || !s->signals || !s->m_requests || !s->m_errors ||
        !s->m_commit_s || !s->m_group)
        goto nomem;
    if (dd_admin_route(s->admin, "state", on_state, s) ||
        dd_admin_route(s->admin, "reset", on_reset, s) ||
        dd_metrics_on_collect(s->metrics, on_collect, s) ||
        dd_clock_on_advance(s->clock, on_clock_advance, s))
        goto nomem;
    dd_admin_on_health(s->admin, on_health, s);

    struct sqs_error err;
    json_t *queues = file_root ? json_object_get(file_root, "queues") : NULL;
    if (queues && sqs_ops_declare_queues(s->ops, queues, now_ms(s), &err) != DD_OK) {
        dd_log_error(&s->log, "config \"queues\": %s", err.message);
        goto fail;
    }
    /* Declared queues are durable before the ready file says so. */
    if (s->store && sqs_lmdb_store_commit(s->store) != DD_OK) {
        dd_log_error(&s->log, "cannot store the declared queues: %s",
                     sqs_lmdb_store_last_error(s->store));
        goto fail;
    }

    evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
                                            EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD);
    evhttp_set_max_body_size(s->http, (ev_ssize_t)opts->max_body);
    evhttp_set_timeout(s->http, 120);
    evhttp_set_gencb(s->http, on_request, s);

    evutil_socket_t fd;
    rc = dd_listen_tcp(opts->common.host, (int)opts->common.port, 1024, &fd, &s->port);
    if (rc != DD_OK) {
        dd_log_error(&s->log, "cannot listen on %s:%lld: %s", opts->common.host, opts->common.port,
                     dd_strerror(rc));
        goto fail;
    }
    s->bound = evhttp_accept_socket_with_handle(s->http, fd);
    if (!s->bound) {
        evutil_closesocket(fd);
        goto nomem;
    }
    return s;
nomem:
    dd_log_error(&s->log, "out of memory while starting");
fail:
    sqs_server_free(s);
    return NULL;
}

int sqs_server_run(struct sqs_server *s)
{
    if (s->opts->common.ready_file &&
        dd_ready_file_write(s->opts->common.ready_file, s->port, s->port, NULL) != DD_OK) {
        dd_log_error(&s->log, "cannot write the ready file %s", s->opts->common.ready_file);
        return 1;
    }
    dd_log_info(&s->log, "listening on %s:%d (durability %s)", s->opts->common.host, s->port,
                s->opts->durability);
    event_base_dispatch(s->base);
    dd_log_info(&s->log, "stopped");
    return 0;
}

void sqs_server_free(struct sqs_server *s)
{
    if (!s)
        return;
    while (s->head)
        waiter_unlink_free(s->head);
    flush_all(s);
    if (s->store && s->durability == SQS_DURABILITY_BATCH && sqs_lmdb_store_sync(s->store) != DD_OK)
        dd_log_error(&s->log, "store sync failed: %s", sqs_lmdb_store_last_error(s->store));
    if (s->http)
        evhttp_free(s->http);
    if (s->commit_ev)
        event_free(s->commit_ev);
    if (s->notify_ev)
        event_free(s->notify_ev);
    if (s->kick)
        event_free(s->kick);
    dd_signals_free(s->signals);
    dd_admin_free(s->admin);
    sqs_ops_free(s->ops);
    sqs_lmdb_store_close(s->store);
    dd_metrics_free(s->metrics);
    dd_clock_free(s->clock);
    dd_aws_model_free(s->model);
    if (s->base)
        event_base_free(s->base);
    free(s);
}
