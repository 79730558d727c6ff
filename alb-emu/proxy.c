/*
 * The alb-emu data plane (see proxy.h for the shape). This file holds the
 * connection plumbing and the exchange state machine.
 *
 * The exchange state machine. A client connection is in one of
 *
 *   state     what it does                              leaves when
 *   --------  ----------------------------------------  --------------------------------
 *   HEAD      reads and parses the next request head    a head parses -> FORWARD or LOCAL;
 *                                                       a bad head -> LOCAL (400/501, close)
 *   FORWARD   streams the request to the target and     the response is sent -> HEAD (or
 *             the response back                         DEAD); a failure before the
 *                                                       response began -> LOCAL (502/504)
 *   LOCAL     sends an answer of ALB's own and drains   sent and drained -> HEAD; or,
 *             the request body it does not forward      closing -> LINGER
 *   LINGER    half-closed after a final answer, reads   the client closes, or 2 s -> DEAD
 *             and drops what the client still sends
 *   DEAD      freed at the end of the current event
 *
 * and drive() runs the state's step until nothing moves, from whichever
 * socket's event woke it (the client's or its target's), so the two sides
 * never call into each other. Readiness is remembered per socket (the
 * sockets are edge-triggered): a step reads only while its socket is
 * readable and its buffer has room, and writes only while writable; a full
 * buffer is the backpressure that stops reading until the other side
 * drains it.
 *
 * What ALB answers, and when (user guide, "HTTP 4XX/5XX" troubleshooting):
 *   - a head the parser refuses: 400 (501 for an unknown transfer coding),
 *     connection closed; TRACE: 405; X-Forwarded-For with more than 30
 *     addresses: 463;
 *   - no target to send to (no group weight, nothing registered, nothing
 *     routable): 503;
 *   - the target refuses or resets the connection, closes it before a
 *     complete response head, or sends a malformed one: 502; the target's
 *     deregistration delay ends with the request in flight: 502;
 *   - connecting takes more than 10 s, or the target sends nothing for the
 *     idle timeout after the request: 504;
 *   - a client that sends no request (or only part of one) within the idle
 *     timeout: 408, closed; an idle keep-alive connection is closed quietly;
 *   - the client closes before the response: nothing to send; logged 460.
 * A pooled connection that turns out closed (the target's keep-alive
 * ended just as it was reused) is retried once on a fresh connection when
 * the request had no body, so the race does not surface as a 502.
 */
#include "alb-emu/proxy.h"

#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "alb-emu/accesslog.h"
#include "alb-emu/balancer.h"
#include "alb-emu/http1.h"
#include "alb-emu/redirect.h"
#include "alb-emu/reply.h"
#include "alb-emu/rulefilter.h"
#include "alb-emu/rules.h"
#include "alb-emu/trace.h"
#include "common/buf.h"
#include "common/daemon.h"
#include "common/err.h"

#define IN_INIT         (16 * 1024)              /* first size of a connection's input buffer */
#define IN_MAX          (ALB_H1_MAX_HEAD + 8192) /* a whole head, and then some */
#define READ_MIN        2048                     /* don't read into less room than this */
#define OUT_COPY_MAX    (64 * 1024)              /* chunk-encoding copies up to this much */
#define MAX_HEADERS     1024                     /* header lines of one head */
#define CONNECT_MS      10000                    /* ALB's connection timeout to targets */
#define LINGER_MS       2000                     /* how long a closing connection drains */
#define POOL_BUCKETS    256                      /* pools hash table */
#define POOL_MAX_IDLE   1024                     /* idle connections kept per target */
#define XFF_MAX_ADDRS   30                       /* more and ALB answers 463 */
#define ACCEPT_BATCH    64                       /* accepts per listener wake-up */
#define APP_COOKIE_NAME "AWSALBAPP-0"

/* ---- buffers --------------------------------------------------------------------------------- */

/* Bytes read and not yet consumed: data[start, end). */
struct iobuf {
    char *data;
    size_t cap, start, end;
};

static size_t ib_len(const struct iobuf *b)
{
    return b->end - b->start;
}

static char *ib_head(const struct iobuf *b)
{
    return b->data + b->start;
}

static void ib_consume(struct iobuf *b, size_t n)
{
    b->start += n;
    if (b->start == b->end)
        b->start = b->end = 0;
}

/* Makes room at the end (moving data down, growing up to max); returns the
 * free bytes, 0 when full or out of memory. */
static size_t ib_room(struct iobuf *b, size_t max)
{
    if (!b->data) {
        b->data = malloc(IN_INIT);
        if (!b->data)
            return 0;
        b->cap = IN_INIT;
    }
    if (b->cap - b->end >= READ_MIN)
        return b->cap - b->end;
    if (b->start > 0) {
        memmove(b->data, b->data + b->start, ib_len(b));
        b->end -= b->start;
        b->start = 0;
        if (b->cap - b->end >= READ_MIN)
            return b->cap - b->end;
    }
    if (b->cap < max) {
        size_t cap = b->cap * 2 < max ? b->cap * 2 : max;
        char *d = realloc(b->data, cap);
        if (d) {
            b->data = d;
            b->cap = cap;
        }
    }
    return b->cap - b->end;
}

static void ib_free(struct iobuf *b)
{
    DD_FREE(b->data);
    b->cap = b->start = b->end = 0;
}

/* Bytes to write: buf.data[off, buf.len). */
struct outbuf {
    struct dd_buf buf;
    size_t off;
};

static size_t ob_len(const struct outbuf *o)
{
    return o->buf.len - o->off;
}

static void ob_consume(struct outbuf *o, size_t n)
{
    o->off += n;
    if (o->off == o->buf.len) {
        dd_buf_reset(&o->buf);
        o->off = 0;
    }
}

/* ---- structures ------------------------------------------------------------------------------ */

struct alb_proxy;
struct cli;

/* A listener socket. */
struct lsn {
    struct alb_proxy *px;
    const struct alb_listener *cfg; /* borrowed */
    struct alb_lb_rt *lb;           /* its load balancer's counters */
    struct alb_rule_filter *rules;  /* owned: its rules, prefiltered */
    evutil_socket_t fd;
    struct event *ev;
    int port; /* as bound */
};

/* Idle connections to one target address. */
struct pool {
    struct alb_addr addr;
    struct ups *idle; /* most recently used first */
    size_t n_idle;
    struct pool *next; /* hash chain */
};

/* A connection to a target. */
struct ups {
    struct alb_proxy *px;
    struct pool *pool;
    evutil_socket_t fd;
    struct event *ev;  /* edge-triggered read+write */
    struct event *tmr; /* connect timeout */
    int64_t deadline;  /* emulated ms, 0 = none */
    int64_t tmr_at;    /* when tmr fires (emulated), 0 = not armed */
    bool readable, writable, connected;
    bool rdhup;       /* the target half-closed: a short read is not the end */
    bool reused;      /* came out of the pool */
    struct iobuf in;  /* bytes from the target */
    struct cli *c;    /* the exchange using it; NULL while pooled */
    struct ups *next; /* pool idle list */
    struct ups *prev;
};

enum cstate { CS_HEAD, CS_FORWARD, CS_LOCAL, CS_LINGER, CS_DEAD };

/* One request and its response. Reset at each new request. */
struct exch {
    /* request */
    bool head_req;   /* HEAD: no response body */
    int minor;       /* client's HTTP/1.x minor version */
    bool keep_alive; /* the client may send another request */
    bool expect_100; /* Expect: 100-continue */
    bool ambiguous;  /* desync defensive: close both connections after */
    enum alb_h1_framing req_framing;
    uint64_t req_left; /* LENGTH: body bytes not yet scanned */
    struct alb_h1_chunked req_ck;
    bool req_body_done;  /* every body byte scanned */
    size_t req_ready;    /* scanned body bytes at c->in's start not yet sent/dropped */
    bool req_sent;       /* head and body written to the target */
    uint64_t rx_bytes;   /* received_bytes */
    uint64_t tx_bytes;   /* sent_bytes */
    struct dd_buf uhead; /* the request head for the target */
    size_t uhead_off;    /* bytes of uhead written */
    /* routing */
    bool routed;               /* a rule was evaluated */
    int rule_priority;         /* matched_rule_priority */
    const char *action;        /* actions_executed */
    struct alb_tg_rt *tgr;     /* the target group, once chosen */
    struct alb_target *target; /* the target, between request_begin and _end */
    struct alb_addr target_addr;
    struct ups *u; /* the connection to the target */
    bool retried;
    bool set_lb_cookie;   /* lb_cookie stickiness: AWSALB on the response */
    bool set_tg_cookie;   /* target group stickiness: AWSALBTG */
    int64_t tg_cookie_ms; /* its duration */
    /* response */
    bool resp_head_done;
    size_t resp_parsed; /* bytes of u->in the last parse saw (AGAIN) */
    int target_status;
    enum alb_h1_framing resp_framing;
    uint64_t resp_left;
    struct alb_h1_chunked resp_ck;
    bool resp_body_done;
    size_t resp_ready;  /* body bytes at u->in's start ready for the client */
    bool chunk_encode;  /* close-delimited response sent chunked to an HTTP/1.1 client */
    bool resp_keep;     /* the target connection can be reused */
    bool resp_started;  /* something of the response was queued for the client */
    bool truncated;     /* the target closed mid-body: close the client after */
    int elb_status;     /* status sent to the client */
    bool elb_generated; /* the status is ALB's own */
    bool close_after;   /* close the client after this response */
    bool client_gone;   /* 460 */
    /* timing: real us for durations */
    int64_t t_recv, t_sent, t_resp;
    int64_t created_ms; /* emulated */
    /* access log strings (only with --access-log): NUL-separated in logstr */
    struct dd_buf logstr;
    size_t log_method, log_url, log_proto, log_ua, log_trace, log_redirect;
    bool log_has_req;
};

struct cli {
    struct alb_proxy *px;
    struct lsn *ls;
    evutil_socket_t fd;
    struct event *ev;
    struct event *tmr;
    int64_t deadline; /* emulated ms, 0 = none */
    int64_t tmr_at;
    bool readable, writable;
    bool rdhup; /* the client half-closed: a short read is not the end */
    struct iobuf in;
    struct outbuf out;
    struct alb_addr peer;
    struct sockaddr_storage peer_sa;
    enum cstate st;
    size_t parsed;     /* bytes of in the last HEAD parse saw */
    uint32_t nreq;     /* requests started */
    int64_t opened_ms; /* emulated */
    uint64_t tid[2];   /* conn_trace_id */
    struct exch x;
    struct cli *prev, *next;
};

struct alb_proxy {
    struct alb_proxy_config pc;
    struct lsn *lsns;
    size_t n_lsns;
    struct cli *clients;
    size_t n_clients;
    struct pool *pools[POOL_BUCKETS];
    struct alb_h1_header hdrs[MAX_HEADERS]; /* scratch: the head being handled */
    struct dd_buf scratch;                  /* scratch: joined header values */
    struct dd_buf scratch2;
    struct dd_buf logline;
    bool log_dirty;
    struct event *log_ev; /* flushes the access log at the end of a loop round */
    bool stopping;
    void (*drained)(void *);
    void *drained_arg;
    struct event *drain_ev;
};

static void drive(struct cli *c);
static void cli_free(struct cli *c);
static void ups_close(struct ups *u);

/* ---- time ------------------------------------------------------------------------------------ */

static int64_t now_ms(const struct alb_proxy *px)
{
    return dd_clock_now_ms(px->pc.clock);
}

/* Real microseconds, cached per loop round: for durations. */
static int64_t now_us(const struct alb_proxy *px)
{
    struct timeval tv;
    if (event_base_gettimeofday_cached(px->pc.base, &tv) != 0)
        return 0;
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static int64_t idle_ms(const struct cli *c)
{
    return c->ls->cfg->load_balancer->attr.idle_timeout_seconds * 1000;
}

/* Arms tmr for emulated time at unless it fires before that already: the
 * deadline itself lives in a field the timer re-checks when it fires, so
 * moving a deadline later costs a store, not a timer operation. */
static void tmr_arm(const struct alb_proxy *px, struct event *tmr, int64_t *armed, int64_t at)
{
    if (at == 0 || (*armed && *armed <= at))
        return;
    int64_t d = at - now_ms(px);
    if (d < 0)
        d = 0;
    struct timeval tv = { (time_t)(d / 1000), (suseconds_t)((d % 1000) * 1000) };
    if (evtimer_add(tmr, &tv) == 0)
        *armed = at;
}

static void cli_deadline(struct cli *c, int64_t at)
{
    c->deadline = at;
    tmr_arm(c->px, c->tmr, &c->tmr_at, at);
}

/* Activity: the idle timeout starts over. */
static void touch(struct cli *c)
{
    if (c->st == CS_LINGER)
        return;
    c->deadline = now_ms(c->px) + idle_ms(c);
    tmr_arm(c->px, c->tmr, &c->tmr_at, c->deadline);
}

/* ---- socket helpers -------------------------------------------------------------------------- */

static void set_nodelay(evutil_socket_t fd)
{
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* read() into b; >0 bytes, 0 EOF or error (*err set), -1 would block, -2 full.
 * rdhup says the peer's FIN has been seen (EV_CLOSED). */
static ssize_t sock_read(evutil_socket_t fd, struct iobuf *b, bool *readable, bool rdhup, int *err)
{
    size_t room = ib_room(b, IN_MAX);
    if (room == 0)
        return -2;
    ssize_t n;
    do {
        n = read(fd, b->data + b->end, room);
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        b->end += (size_t)n;
        /* Edge-triggered: a short read drained the socket, and new bytes
         * will raise a new edge; but a FIN that came with the bytes raised
         * its edge already, so after one the socket is read to its end. */
        if ((size_t)n < room && !rdhup)
            *readable = false;
        return n;
    }
    if (n == 0) {
        *err = 0;
        return 0;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
        *readable = false;
        return -1;
    }
    *err = errno;
    return 0;
}

/* writev(); bytes written, -1 would block, -2 error (*err set). */
static ssize_t sock_writev(evutil_socket_t fd, struct iovec *iov, int n, bool *writable, int *err)
{
    size_t want = 0;
    for (int i = 0; i < n; i++)
        want += iov[i].iov_len;
    ssize_t w;
    do {
        w = writev(fd, iov, n);
    } while (w < 0 && errno == EINTR);
    if (w >= 0) {
        if ((size_t)w < want)
            *writable = false;
        return w;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
        *writable = false;
        return -1;
    }
    *err = errno;
    return -2;
}

/* ---- access log ------------------------------------------------------------------------------ */

static void on_log_flush(evutil_socket_t fd, short what, void *arg)
{
    alb_proxy_flush_log(arg);
}

void alb_proxy_flush_log(struct alb_proxy *px)
{
    if (px->pc.access_log && px->log_dirty)
        fflush(px->pc.access_log);
    px->log_dirty = false;
}

static const char *logs(const struct exch *x, size_t off)
{
    return off == SIZE_MAX ? NULL : x->logstr.data + off;
}

/* Appends s (len bytes) as a NUL-terminated string to x->logstr; returns
 * its offset, or SIZE_MAX. */
static size_t log_keep(struct exch *x, const char *s, size_t len)
{
    size_t off = x->logstr.len;
    if (dd_buf_append(&x->logstr, s, len) != DD_OK || dd_buf_putc(&x->logstr, '\0') != DD_OK)
        return SIZE_MAX;
    return off;
}

static void log_exchange(struct cli *c)
{
    struct alb_proxy *px = c->px;
    if (!px->pc.access_log)
        return;
    struct exch *x = &c->x;
    struct alb_access_log_entry e;
    alb_access_log_entry_init(&e);
    e.type = "http";
    int64_t now = now_ms(px);
    e.time_us = now * 1000;
    e.elb = c->ls->lb->label;
    e.client = c->peer;
    bool dispatched = x->target_addr.family != 0;
    if (dispatched)
        e.target = x->target_addr;
    e.request_processing_us = x->t_sent ? x->t_sent - x->t_recv : ALB_LOG_NO_TIME;
    e.target_processing_us = x->t_resp ? x->t_resp - x->t_sent : ALB_LOG_NO_TIME;
    e.response_processing_us = x->t_resp ? 0 : ALB_LOG_NO_TIME;
    e.elb_status_code = x->elb_status;
    e.target_status_code = x->target_status;
    e.received_bytes = x->rx_bytes;
    e.sent_bytes = x->tx_bytes;
    if (x->log_has_req) {
        e.request_method = logs(x, x->log_method);
        e.request_url = logs(x, x->log_url);
        e.request_protocol = logs(x, x->log_proto);
        e.user_agent = logs(x, x->log_ua);
        e.trace_id = logs(x, x->log_trace);
    }
    if (!e.request_url)
        e.request_url = "-";
    e.redirect_url = logs(x, x->log_redirect);
    if (x->tgr)
        e.target_group_arn = x->tgr->tg->target_group_arn;
    e.matched_rule_priority = x->routed ? x->rule_priority : ALB_LOG_NO_RULE;
    e.request_creation_us = x->created_ms * 1000;
    e.actions_executed = x->action;
    char tport[ALB_ADDR_STRLEN], tstatus[8];
    if (dispatched) {
        e.target_port_list = alb_addr_format(&x->target_addr, tport, sizeof(tport));
        if (x->target_status) {
            snprintf(tstatus, sizeof(tstatus), "%d", x->target_status);
            e.target_status_code_list = tstatus;
        }
    }
    if (x->ambiguous) {
        e.classification = "Ambiguous";
        e.classification_reason = "UndefinedContentLengthSemantics";
    }
    char tid[40];
    snprintf(tid, sizeof(tid), "TID_%016" PRIx64 "%016" PRIx64, c->tid[0], c->tid[1]);
    e.conn_trace_id = tid;
    dd_buf_reset(&px->logline);
    if (alb_access_log_format(&e, &px->logline) != DD_OK || dd_buf_putc(&px->logline, '\n'))
        return;
    fwrite(px->logline.data, 1, px->logline.len, px->pc.access_log);
    if (!px->log_dirty) {
        px->log_dirty = true;
        event_active(px->log_ev, EV_TIMEOUT, 0);
    }
}

/* ---- accounting ------------------------------------------------------------------------------ */

static void count_elb(struct cli *c, int status)
{
    struct alb_lb_rt *lb = c->ls->lb;
    if (status >= 300 && status < 400)
        lb->elb_3xx++;
    else if (status >= 400 && status < 500)
        lb->elb_4xx++;
    else if (status >= 500) {
        lb->elb_5xx++;
        if (status == 500)
            lb->elb_500++;
        else if (status == 502)
            lb->elb_502++;
        else if (status == 503)
            lb->elb_503++;
        else if (status == 504)
            lb->elb_504++;
    }
}

static void count_target(struct alb_tg_rt *t, int status)
{
    if (status >= 200 && status < 300)
        t->target_2xx++;
    else if (status >= 300 && status < 400)
        t->target_3xx++;
    else if (status >= 400 && status < 500)
        t->target_4xx++;
    else if (status >= 500)
        t->target_5xx++;
}

/* ---- pools ----------------------------------------------------------------------------------- */

static unsigned addr_hash(const struct alb_addr *a)
{
    unsigned h = 2166136261u;
    size_t n = a->family == AF_INET6 ? 16 : 4;
    for (size_t i = 0; i < n; i++)
        h = (h ^ a->bytes[i]) * 16777619u;
    h = (h ^ a->port) * 16777619u;
    return h % POOL_BUCKETS;
}

static struct pool *pool_get(struct alb_proxy *px, const struct alb_addr *a)
{
    unsigned h = addr_hash(a);
    for (struct pool *p = px->pools[h]; p; p = p->next)
        if (alb_addr_equal(&p->addr, a))
            return p;
    struct pool *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->addr = *a;
    p->next = px->pools[h];
    px->pools[h] = p;
    return p;
}

static void pool_unlink(struct ups *u)
{
    struct pool *p = u->pool;
    if (u->prev)
        u->prev->next = u->next;
    else
        p->idle = u->next;
    if (u->next)
        u->next->prev = u->prev;
    u->prev = u->next = NULL;
    p->n_idle--;
}

static struct ups *pool_take(struct pool *p)
{
    struct ups *u = p->idle;
    if (u)
        pool_unlink(u);
    return u;
}

/* Returns u (finished with its exchange, nothing unread) to its pool. */
static void pool_put(struct ups *u)
{
    struct pool *p = u->pool;
    u->c = NULL;
    if (u->px->stopping || p->n_idle >= POOL_MAX_IDLE || ib_len(&u->in) > 0 || u->rdhup) {
        ups_close(u);
        return;
    }
    /* An idle connection keeps no buffer: the next exchange allocates one. */
    ib_free(&u->in);
    u->reused = true;
    u->next = p->idle;
    u->prev = NULL;
    if (p->idle)
        p->idle->prev = u;
    p->idle = u;
    p->n_idle++;
}

/* ---- upstream connections -------------------------------------------------------------------- */

static void on_ups_io(evutil_socket_t fd, short what, void *arg);
static void on_ups_timer(evutil_socket_t fd, short what, void *arg);

static void ups_close(struct ups *u)
{
    if (!u)
        return;
    if (!u->c && u->pool && (u->prev || u->pool->idle == u))
        pool_unlink(u);
    if (u->ev)
        event_free(u->ev);
    if (u->tmr)
        event_free(u->tmr);
    if (u->fd >= 0)
        evutil_closesocket(u->fd);
    ib_free(&u->in);
    free(u);
}

/* Opens a connection to a; NULL with *err = errno when it fails at once. */
static struct ups *ups_connect(struct alb_proxy *px, const struct alb_addr *a, int *err)
{
    struct pool *p = pool_get(px, a);
    struct ups *u = calloc(1, sizeof(*u));
    if (!p || !u) {
        free(u);
        *err = ENOMEM;
        return NULL;
    }
    u->px = px;
    u->pool = p;
    struct sockaddr_storage ss;
    socklen_t sl = (socklen_t)alb_addr_to_sockaddr(a, &ss);
    u->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (u->fd < 0) {
        *err = errno;
        free(u);
        return NULL;
    }
    set_nodelay(u->fd);
    int rc;
    do {
        rc = connect(u->fd, (struct sockaddr *)&ss, sl);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0 && errno != EINPROGRESS) {
        *err = errno;
        evutil_closesocket(u->fd);
        free(u);
        return NULL;
    }
    u->ev = event_new(px->pc.base, u->fd, EV_READ | EV_WRITE | EV_CLOSED | EV_PERSIST | EV_ET,
                      on_ups_io, u);
    u->tmr = evtimer_new(px->pc.base, on_ups_timer, u);
    if (!u->ev || !u->tmr || event_add(u->ev, NULL) != 0) {
        *err = ENOMEM;
        ups_close(u);
        return NULL;
    }
    u->deadline = now_ms(px) + CONNECT_MS;
    tmr_arm(px, u->tmr, &u->tmr_at, u->deadline);
    return u;
}

/* ---- exchange helpers ------------------------------------------------------------------------ */

/* The request no longer uses its target: the balancer's in-flight count
 * drops (and a target that left its group may be freed). */
static void release_target(struct exch *x)
{
    if (x->target) {
        alb_health_request_end(x->tgr->health, x->target);
        x->target = NULL;
    }
}

/* Detaches and closes the target connection (not reusable). */
static void drop_upstream(struct exch *x)
{
    if (x->u) {
        x->u->c = NULL;
        ups_close(x->u);
        x->u = NULL;
    }
}

/* Whether the client connection closes after the current response: the
 * client asked for it, the request was ambiguous (desync defensive mode),
 * the daemon is stopping, or client_keep_alive.seconds has run out. */
static bool must_close(const struct cli *c)
{
    const struct exch *x = &c->x;
    int64_t max_s = c->ls->cfg->load_balancer->attr.client_keep_alive_seconds;
    /* A client answered before the "100 Continue" it waited for may or may
     * not send the body it announced: the connection cannot stay in step. */
    if (x->expect_100 && !x->req_body_done)
        return true;
    return !x->keep_alive || x->ambiguous || c->px->stopping ||
           (max_s > 0 && now_ms(c->px) - c->opened_ms >= max_s * 1000);
}

/* Queues ALB's answer status for the current request and switches to
 * LOCAL; keep says whether the connection may stay open. */
static void local_error(struct cli *c, int status, bool keep)
{
    struct exch *x = &c->x;
    drop_upstream(x);
    release_target(x);
    if (!keep || must_close(c))
        x->close_after = true;
    x->elb_status = status;
    x->elb_generated = true;
    /* Body bytes scanned for the target are dropped instead. */
    ib_consume(&c->in, x->req_ready);
    x->req_ready = 0;
    if (alb_reply_error(&c->out.buf, status, now_ms(c->px), !x->close_after, x->head_req) != DD_OK)
        x->close_after = true;
    c->st = CS_LOCAL;
}

/* ---- the upstream request head --------------------------------------------------------------- */

/* Whether the Connection header(s) name this header as hop-by-hop. */
static bool named_by_connection(const struct alb_h1_header *hs, size_t n,
                                const struct alb_h1_header *h)
{
    char name[128];
    if (h->name_len >= sizeof(name))
        return false;
    memcpy(name, h->name, h->name_len);
    name[h->name_len] = '\0';
    for (size_t i = 0; i < n; i++)
        if (hs[i].kind == ALB_H1_H_CONNECTION &&
            alb_h1_list_has(hs[i].value, hs[i].value_len, name))
            return true;
    return false;
}

/* Joins every value of headers of kind k with sep into out; returns the
 * value (out's data, or the single header's own) and its length; NULL when
 * there is none. */
static const char *join_values(const struct alb_h1_header *hs, size_t n, enum alb_h1_kind k,
                               const char *sep, struct dd_buf *out, size_t *len)
{
    const char *first = NULL;
    size_t count = 0;
    dd_buf_reset(out);
    for (size_t i = 0; i < n; i++) {
        if (hs[i].kind != k)
            continue;
        if (count++ == 0) {
            first = hs[i].value;
            *len = hs[i].value_len;
        } else {
            if (count == 2)
                dd_buf_append(out, first, *len);
            dd_buf_puts(out, sep);
            dd_buf_append(out, hs[i].value, hs[i].value_len);
        }
    }
    if (count > 1) {
        *len = out->len;
        return out->data;
    }
    return first;
}

static int put_header(struct dd_buf *b, const char *name, size_t nlen, const char *value,
                      size_t vlen)
{
    int rc = dd_buf_reserve(b, nlen + vlen + 4);
    if (rc != DD_OK)
        return rc;
    char *p = b->data + b->len;
    memcpy(p, name, nlen);
    p += nlen;
    *p++ = ':';
    *p++ = ' ';
    memcpy(p, value, vlen);
    p += vlen;
    *p++ = '\r';
    *p++ = '\n';
    b->len = (size_t)(p - b->data);
    b->data[b->len] = '\0';
    return DD_OK;
}

/*
 * The request as the target sees it: the request line (HTTP/1.1, or 1.0
 * for an HTTP/1.0 client so that the target never chunks to it), every
 * header but the hop-by-hop ones and those ALB sets itself, normalised to
 * "Name: value" with CRLF, then X-Forwarded-For/-Proto/-Port and
 * X-Amzn-Trace-Id.
 */
static int build_upstream_head(struct cli *c, const struct alb_h1_request *req)
{
    struct alb_proxy *px = c->px;
    struct exch *x = &c->x;
    const struct alb_lb_attributes *la = &c->ls->cfg->load_balancer->attr;
    const struct alb_h1_header *hs = req->headers;
    size_t n = req->n_headers;
    struct dd_buf *b = &x->uhead;
    dd_buf_reset(b);
    x->uhead_off = 0;
    int rc = dd_buf_reserve(b, req->head_len + 256);
    if (rc != DD_OK)
        return rc;
    dd_buf_append(b, req->method, req->method_len);
    dd_buf_putc(b, ' ');
    dd_buf_append(b, req->target, req->target_len);
    dd_buf_puts(b, req->minor_version == 0 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n");
    bool seen_cl = false;
    bool conn_tokens = (req->flags & ALB_H1_CONN_TOKENS) != 0;
    for (size_t i = 0; i < n; i++) {
        const struct alb_h1_header *h = &hs[i];
        switch (h->kind) {
        case ALB_H1_H_CONNECTION:
        case ALB_H1_H_KEEP_ALIVE:
        case ALB_H1_H_PROXY_CONNECTION:
        case ALB_H1_H_UPGRADE:
        case ALB_H1_H_TE:
        case ALB_H1_H_X_FORWARDED_PROTO:
        case ALB_H1_H_X_FORWARDED_PORT:
        case ALB_H1_H_X_AMZN_TRACE_ID:
            continue;
        case ALB_H1_H_X_FORWARDED_FOR:
            if (la->xff_header_processing != ALB_XFF_PRESERVE)
                continue;
            break;
        case ALB_H1_H_TRANSFER_ENCODING:
            /* Written below, normalised: "identity" is no coding at all. */
            continue;
        case ALB_H1_H_CONTENT_LENGTH:
            /* Duplicates of one value become a single header. */
            if (seen_cl)
                continue;
            seen_cl = true;
            if (req->flags & ALB_H1_DUP_LENGTH) {
                char v[24];
                int vl = snprintf(v, sizeof(v), "%" PRIu64, req->content_length);
                rc = put_header(b, h->name, h->name_len, v, (size_t)vl);
                if (rc != DD_OK)
                    return rc;
                continue;
            }
            break;
        default:
            break;
        }
        if (la->drop_invalid_header_fields_enabled && !h->valid_name)
            continue;
        if (conn_tokens && named_by_connection(hs, n, h))
            continue;
        rc = put_header(b, h->name, h->name_len, h->value, h->value_len);
        if (rc != DD_OK)
            return rc;
    }
    if (req->framing == ALB_H1_BODY_CHUNKED)
        dd_buf_puts(b, "Transfer-Encoding: chunked\r\n");
    /* X-Forwarded-For. */
    size_t xlen = 0;
    const char *xff = join_values(hs, n, ALB_H1_H_X_FORWARDED_FOR, ", ", &px->scratch, &xlen);
    dd_buf_reset(&px->scratch2);
    int xrc = DD_OK;
    if (alb_xff_build(la->xff_header_processing, la->xff_client_port_enabled, xff, xlen, &c->peer,
                      &px->scratch2, &xrc) == ALB_HEADER_SET) {
        if (xrc != DD_OK)
            return xrc;
        put_header(b, "X-Forwarded-For", 15, px->scratch2.data, px->scratch2.len);
    }
    put_header(b, "X-Forwarded-Proto", 17, alb_xfp_value(c->ls->cfg->protocol),
               strlen(alb_xfp_value(c->ls->cfg->protocol)));
    char port[8];
    alb_xfport_value(c->ls->port, port, sizeof(port));
    put_header(b, "X-Forwarded-Port", 16, port, strlen(port));
    /* X-Amzn-Trace-Id. */
    size_t tlen = 0;
    const char *tin = join_values(hs, n, ALB_H1_H_X_AMZN_TRACE_ID, ";", &px->scratch, &tlen);
    dd_buf_reset(&px->scratch2);
    rc = alb_trace_header(tin, tlen, req->head_len, now_ms(px), px->pc.rnd, &px->scratch2);
    if (rc != DD_OK)
        return rc;
    put_header(b, "X-Amzn-Trace-Id", 15, px->scratch2.data, px->scratch2.len);
    if (px->pc.access_log)
        x->log_trace = log_keep(x, px->scratch2.data, px->scratch2.len);
    if (req->minor_version == 0)
        dd_buf_puts(b, "Connection: keep-alive\r\n");
    return dd_buf_puts(b, "\r\n");
}

/* ---- starting a request ---------------------------------------------------------------------- */

/* Header lookup for rule conditions over the parsed head. */
struct hview {
    const struct alb_h1_header *hs;
    size_t n;
};

static const char *view_header(void *ctx, const char *name, size_t index, size_t *len)
{
    const struct hview *v = ctx;
    size_t nl = strlen(name), k = 0;
    for (size_t i = 0; i < v->n; i++) {
        const struct alb_h1_header *h = &v->hs[i];
        if (h->name_len == nl && strncasecmp(h->name, name, nl) == 0 && k++ == index) {
            *len = h->value_len;
            return h->value;
        }
    }
    return NULL;
}

/* The value of cookie name in the request's Cookie headers. */
static bool find_cookie(const struct alb_h1_header *hs, size_t n, const char *name, const char **v,
                        size_t *vl)
{
    for (size_t i = 0; i < n; i++)
        if (hs[i].kind == ALB_H1_H_COOKIE &&
            alb_cookie_find(hs[i].value, hs[i].value_len, name, v, vl) == DD_OK)
            return true;
    return false;
}

/* A stickiness cookie of kind for target group id, if the request has a valid one. */
static bool sticky_cookie(struct alb_proxy *px, const struct alb_h1_header *hs, size_t n,
                          const char *name, enum alb_sticky_kind kind, struct alb_sticky *out)
{
    const char *v;
    size_t vl;
    if (!find_cookie(hs, n, name, &v, &vl))
        return false;
    return alb_sticky_decode(px->pc.sticky_key, v, vl, now_ms(px), out) == DD_OK &&
           out->kind == kind;
}

/* Counts the addresses of an X-Forwarded-For value. */
static size_t xff_count(const char *v, size_t len)
{
    size_t n = 0;
    bool in = false;
    for (size_t i = 0; i < len; i++) {
        if (v[i] == ',') {
            in = false;
        } else if (v[i] != ' ' && v[i] != '\t' && !in) {
            in = true;
            n++;
        }
    }
    return n;
}

/* Keeps what the access log needs of the request head. */
static void log_request(struct cli *c, const struct alb_h1_request *req, const char *path,
                        size_t path_len)
{
    struct exch *x = &c->x;
    x->log_has_req = true;
    x->log_method = log_keep(x, req->method, req->method_len);
    struct alb_proxy *px = c->px;
    dd_buf_reset(&px->scratch);
    const char *host = NULL, *hs = NULL;
    size_t hl = 0;
    if (req->host >= 0) {
        alb_host_strip_port(req->headers[req->host].value, req->headers[req->host].value_len, &hs,
                            &hl);
    }
    char hostbuf[256];
    if (hs && hl && hl < sizeof(hostbuf)) {
        memcpy(hostbuf, hs, hl);
        hostbuf[hl] = '\0';
        host = hostbuf;
    }
    char target[ALB_H1_MAX_LINE + 1];
    size_t tl = req->target_len < ALB_H1_MAX_LINE ? req->target_len : ALB_H1_MAX_LINE;
    /* Absolute-form targets log their path part, like origin-form ones. */
    const char *uri = req->target;
    if (req->target_len && req->target[0] != '/') {
        uri = path;
        tl = (size_t)(req->target + req->target_len - path);
        if (tl > ALB_H1_MAX_LINE)
            tl = ALB_H1_MAX_LINE;
        (void)path_len;
    }
    memcpy(target, uri, tl);
    target[tl] = '\0';
    alb_access_log_url(alb_xfp_value(c->ls->cfg->protocol), host, c->ls->port, target,
                       &px->scratch);
    x->log_url = log_keep(x, px->scratch.data, px->scratch.len);
    x->log_proto = log_keep(x, req->minor_version ? "HTTP/1.1" : "HTTP/1.0", 8);
    size_t ual = 0;
    const char *ua = alb_h1_find(req->headers, req->n_headers, ALB_H1_H_USER_AGENT, &ual);
    if (ua)
        x->log_ua = log_keep(x, ua, ual);
}

/* Picks the target group of a forward action (honouring AWSALBTG). */
static struct alb_tg_rt *pick_group(struct cli *c, const struct alb_forward_config *fw,
                                    const struct alb_h1_header *hs, size_t n)
{
    struct alb_proxy *px = c->px;
    struct exch *x = &c->x;
    if (fw->stickiness_enabled && fw->n_target_groups > 1) {
        x->set_tg_cookie = true;
        x->tg_cookie_ms = fw->stickiness_duration_seconds * 1000;
        struct alb_sticky s;
        if (sticky_cookie(px, hs, n, ALB_COOKIE_TG, ALB_STICKY_TARGET_GROUP, &s) ||
            sticky_cookie(px, hs, n, ALB_COOKIE_TG_CORS, ALB_STICKY_TARGET_GROUP, &s)) {
            for (size_t i = 0; i < fw->n_target_groups; i++) {
                const struct alb_target_group *tg = fw->target_groups[i].target_group;
                if (fw->target_groups[i].weight > 0 && strcmp(tg->id, s.group_id) == 0)
                    return alb_runtime_tg(px->pc.rt, tg);
            }
        }
    }
    int i = alb_balancer_pick_target_group(fw, px->pc.rnd);
    if (i < 0)
        return NULL;
    return alb_runtime_tg(px->pc.rt, fw->target_groups[i].target_group);
}

/* Picks a target in the group (honouring AWSALB / AWSALBAPP-0). */
static struct alb_target *pick_target(struct cli *c, struct alb_tg_rt *t,
                                      const struct alb_h1_header *hs, size_t n)
{
    struct alb_proxy *px = c->px;
    struct exch *x = &c->x;
    const struct alb_tg_attributes *a = &t->tg->attr;
    struct alb_sticky s;
    const struct alb_addr *sticky = NULL;
    if (a->stickiness_enabled) {
        if (a->stickiness_type == ALB_STICKINESS_LB_COOKIE) {
            x->set_lb_cookie = true;
            if ((sticky_cookie(px, hs, n, ALB_COOKIE_LB, ALB_STICKY_LB_COOKIE, &s) ||
                 sticky_cookie(px, hs, n, ALB_COOKIE_LB_CORS, ALB_STICKY_LB_COOKIE, &s)) &&
                strcmp(s.group_id, t->tg->id) == 0)
                sticky = &s.target;
        } else if (sticky_cookie(px, hs, n, APP_COOKIE_NAME, ALB_STICKY_APP_COOKIE, &s) &&
                   strcmp(s.group_id, t->tg->id) == 0) {
            sticky = &s.target;
        }
    }
    return alb_balancer_pick_sticky(t->health, a->algorithm, now_ms(px), px->pc.rnd, sticky, NULL,
                                    NULL);
}

/* Attaches a connection to the chosen target: a pooled one, or a new one. */
static int attach_upstream(struct cli *c)
{
    struct alb_proxy *px = c->px;
    struct exch *x = &c->x;
    struct pool *p = pool_get(px, &x->target_addr);
    struct ups *u = p ? pool_take(p) : NULL;
    if (!u) {
        int err = 0;
        u = ups_connect(px, &x->target_addr, &err);
        if (!u) {
            dd_log_debug(px->pc.log, "connect to target failed: %s", strerror(err));
            return err ? err : EIO;
        }
    }
    u->c = c;
    x->u = u;
    return 0;
}

static void forward(struct cli *c, const struct alb_action *act, const struct alb_h1_request *req)
{
    struct exch *x = &c->x;
    x->action = "forward";
    struct alb_tg_rt *t = pick_group(c, &act->forward, req->headers, req->n_headers);
    if (!t) {
        c->ls->lb->requests++;
        local_error(c, 503, true);
        return;
    }
    x->tgr = t;
    t->requests++;
    struct alb_target *target = pick_target(c, t, req->headers, req->n_headers);
    if (!target) {
        local_error(c, 503, true);
        return;
    }
    alb_health_request_begin(target);
    x->target = target;
    x->target_addr = target->addr;
    if (build_upstream_head(c, req) != DD_OK) {
        local_error(c, 500, false);
        return;
    }
    int err = attach_upstream(c);
    if (err) {
        t->conn_errors++;
        local_error(c, 502, true);
        return;
    }
    c->st = CS_FORWARD;
}

/* A complete request head of len bytes is at the start of c->in. */
static void start_request(struct cli *c, const struct alb_h1_request *req)
{
    struct alb_proxy *px = c->px;
    struct exch *x = &c->x;
    c->nreq++;
    x->t_recv = now_us(px);
    x->created_ms = now_ms(px);
    x->rx_bytes = req->head_len;
    x->minor = req->minor_version;
    x->keep_alive = (req->flags & ALB_H1_KEEP_ALIVE) != 0;
    x->expect_100 = (req->flags & ALB_H1_EXPECT_CONTINUE) != 0;
    /* Ambiguous requests close both connections after them, except in
     * monitor mode, which only observes. */
    x->ambiguous = (req->flags & ALB_H1_AMBIGUOUS) != 0 &&
                   c->ls->cfg->load_balancer->attr.desync_mitigation_mode != ALB_DESYNC_MONITOR;
    x->head_req = req->method_len == 4 && memcmp(req->method, "HEAD", 4) == 0;
    x->req_framing = req->framing;
    x->req_left = req->content_length;
    x->req_body_done = req->framing == ALB_H1_BODY_NONE ||
                       (req->framing == ALB_H1_BODY_LENGTH && req->content_length == 0);
    if (x->ambiguous &&
        c->ls->cfg->load_balancer->attr.desync_mitigation_mode == ALB_DESYNC_STRICTEST) {
        ib_consume(&c->in, req->head_len);
        local_error(c, 400, false);
        return;
    }

    const char *path, *query;
    size_t path_len, query_len;
    alb_request_split_target(req->target, req->target_len, &path, &path_len, &query, &query_len);
    if (px->pc.access_log)
        log_request(c, req, path, path_len);

    /* Consume the head now: the parsed header pointers stay valid (the
     * buffer is only compacted by the next read). */
    ib_consume(&c->in, req->head_len);
    c->parsed = 0;

    if (req->method_len == 5 && memcmp(req->method, "TRACE", 5) == 0) {
        local_error(c, 405, false);
        return;
    }
    size_t xlen = 0;
    const char *xff = join_values(req->headers, req->n_headers, ALB_H1_H_X_FORWARDED_FOR, ",",
                                  &px->scratch, &xlen);
    if (xff && xff_count(xff, xlen) > XFF_MAX_ADDRS) {
        local_error(c, 463, false);
        return;
    }

    struct hview hv = { req->headers, req->n_headers };
    struct alb_request_view view = {
        .method = req->method,
        .method_len = req->method_len,
        .host = req->host >= 0 ? req->headers[req->host].value : NULL,
        .host_len = req->host >= 0 ? req->headers[req->host].value_len : 0,
        .path = path,
        .path_len = path_len,
        .query = query,
        .query_len = query_len,
        .header = view_header,
        .header_ctx = &hv,
        .source = (const struct sockaddr *)&c->peer_sa,
    };
    const struct alb_rule *rule = alb_rule_filter_match(c->ls->rules, &view);
    x->routed = true;
    x->rule_priority = rule->is_default ? 0 : rule->priority;
    if (rule->n_actions == 0) {
        c->ls->lb->requests++;
        local_error(c, 503, true);
        return;
    }
    const struct alb_action *act = &rule->actions[rule->n_actions - 1];
    switch (act->type) {
    case ALB_ACTION_FORWARD:
        forward(c, act, req);
        return;
    case ALB_ACTION_FIXED_RESPONSE: {
        c->ls->lb->requests++;
        x->action = "fixed-response";
        if (must_close(c))
            x->close_after = true;
        x->elb_status = act->fixed_response.status_code;
        x->elb_generated = true;
        if (alb_reply_fixed(&c->out.buf, &act->fixed_response, now_ms(px), !x->close_after,
                            x->head_req) != DD_OK)
            x->close_after = true;
        c->st = CS_LOCAL;
        return;
    }
    case ALB_ACTION_REDIRECT: {
        c->ls->lb->requests++;
        x->action = "redirect";
        struct alb_redirect_request rr = {
            .protocol = c->ls->cfg->protocol,
            .host = view.host,
            .host_len = view.host_len,
            .port = c->ls->port,
            .path = path,
            .path_len = path_len,
            .query = query,
            .query_len = query_len,
        };
        dd_buf_reset(&px->scratch);
        if (alb_redirect_build(&act->redirect, &rr, &px->scratch) != DD_OK) {
            local_error(c, 400, true);
            return;
        }
        if (px->pc.access_log)
            x->log_redirect = log_keep(x, px->scratch.data, px->scratch.len);
        if (must_close(c))
            x->close_after = true;
        x->elb_status = act->redirect.status_code;
        x->elb_generated = true;
        if (alb_reply_redirect(&c->out.buf, act->redirect.status_code, px->scratch.data,
                               px->scratch.len, now_ms(px), !x->close_after, x->head_req) != DD_OK)
            x->close_after = true;
        c->st = CS_LOCAL;
        return;
    }
    default:
        /* Authentication actions are never the routing one in a valid
         * config; nothing to do but fail like a misconfigured ALB. */
        c->ls->lb->requests++;
        local_error(c, 500, true);
        return;
    }
}

/* ---- the exchange's end ---------------------------------------------------------------------- */

static void exch_reset(struct exch *x)
{
    struct dd_buf uhead = x->uhead, logstr = x->logstr;
    dd_buf_reset(&uhead);
    dd_buf_reset(&logstr);
    memset(x, 0, sizeof(*x));
    x->uhead = uhead;
    x->logstr = logstr;
    x->log_method = x->log_url = x->log_proto = x->log_ua = SIZE_MAX;
    x->log_trace = x->log_redirect = SIZE_MAX;
}

static void lingering_close(struct cli *c);

/* The response is fully sent (or the exchange is over): account, log, and
 * go on with the next request, or close. */
static void exch_end(struct cli *c)
{
    struct exch *x = &c->x;
    if (x->elb_generated && x->elb_status && x->elb_status != 460)
        count_elb(c, x->elb_status);
    log_exchange(c);
    if (x->u) {
        struct ups *u = x->u;
        x->u = NULL;
        if (x->resp_keep && x->req_sent && !x->ambiguous && !x->truncated && x->resp_body_done &&
            x->resp_ready == 0)
            pool_put(u);
        else {
            u->c = NULL;
            ups_close(u);
        }
    }
    release_target(x);
    bool close = x->close_after || x->truncated || must_close(c);
    /* A complete last response is followed by a lingering close; a
     * truncated one, or a client already gone, by a plain one. */
    bool linger = !x->client_gone && !x->truncated;
    exch_reset(x);
    if (close) {
        if (linger)
            lingering_close(c);
        else
            c->st = CS_DEAD;
        return;
    }
    c->st = CS_HEAD;
    c->parsed = 0;
    touch(c);
}

/* The client closed (or reset) its connection during the exchange: 460. */
static void client_gone(struct cli *c)
{
    struct exch *x = &c->x;
    x->client_gone = true;
    if (!x->resp_started) {
        x->elb_status = 460;
        x->elb_generated = true;
    }
    drop_upstream(x);
    x->close_after = true;
    exch_end(c);
    c->st = CS_DEAD;
}

/* ---- client output --------------------------------------------------------------------------- */

/* Writes c->out, then the response body bytes ready in the target's buffer. */
static bool cli_flush(struct cli *c)
{
    struct exch *x = &c->x;
    if (!c->writable)
        return false;
    struct iovec iov[2];
    int n = 0;
    size_t olen = ob_len(&c->out);
    if (olen)
        iov[n++] = (struct iovec){ c->out.buf.data + c->out.off, olen };
    size_t blen = 0;
    if (c->st == CS_FORWARD && x->u && !x->chunk_encode && x->resp_ready) {
        blen = x->resp_ready;
        iov[n++] = (struct iovec){ ib_head(&x->u->in), blen };
    }
    if (n == 0)
        return false;
    int err = 0;
    ssize_t w = sock_writev(c->fd, iov, n, &c->writable, &err);
    if (w == -2) {
        if (c->st == CS_FORWARD || c->st == CS_LOCAL)
            client_gone(c);
        else
            c->st = CS_DEAD;
        return true;
    }
    if (w <= 0)
        return false;
    x->tx_bytes += (uint64_t)w;
    size_t k = (size_t)w < olen ? (size_t)w : olen;
    ob_consume(&c->out, k);
    size_t rest = (size_t)w - k;
    if (rest) {
        ib_consume(&x->u->in, rest);
        x->resp_ready -= rest;
    }
    touch(c);
    return true;
}

/* ---- request body scanning ------------------------------------------------------------------- */

/* Scans the unscanned bytes of c->in that belong to the request body.
 * Returns false when the body is malformed. */
static bool scan_request_body(struct cli *c)
{
    struct exch *x = &c->x;
    if (x->req_body_done)
        return true;
    size_t avail = ib_len(&c->in);
    if (avail <= x->req_ready)
        return true;
    const char *p = ib_head(&c->in) + x->req_ready;
    size_t n = avail - x->req_ready;
    if (x->req_framing == ALB_H1_BODY_LENGTH) {
        size_t k = (uint64_t)n < x->req_left ? n : (size_t)x->req_left;
        x->req_left -= k;
        x->req_ready += k;
        x->rx_bytes += k;
        if (x->req_left == 0)
            x->req_body_done = true;
        return true;
    }
    size_t used = 0;
    int rc = alb_h1_chunked_scan(&x->req_ck, p, n, &used);
    if (rc == DD_ERR)
        return false;
    x->req_ready += used;
    x->rx_bytes += used;
    if (rc == 1)
        x->req_body_done = true;
    return true;
}

/* Reads from the client while the request body needs bytes. Returns 1 on
 * progress, 0 when nothing could be read, -1 when the client is gone. */
static int read_client_body(struct cli *c)
{
    struct exch *x = &c->x;
    if (x->req_body_done || ib_len(&c->in) > x->req_ready || !c->readable)
        return 0;
    int err = 0;
    ssize_t r = sock_read(c->fd, &c->in, &c->readable, c->rdhup, &err);
    if (r > 0) {
        touch(c);
        return 1;
    }
    return r == 0 ? -1 : 0;
}

/* ---- FORWARD --------------------------------------------------------------------------------- */

static bool retry_fresh(struct cli *c);

/* The connection to the target failed before a response head arrived. */
static void upstream_failed(struct cli *c, bool connecting, int status)
{
    struct exch *x = &c->x;
    if (connecting && x->tgr)
        x->tgr->conn_errors++;
    if (x->resp_started) {
        x->truncated = true;
        drop_upstream(x);
        exch_end(c);
        c->st = CS_DEAD;
        return;
    }
    if (!connecting && retry_fresh(c))
        return;
    local_error(c, status, true);
}

/* A reused pooled connection that closed before answering gets one retry on
 * a fresh connection when the request can be sent again (no body). */
static bool retry_fresh(struct cli *c)
{
    struct exch *x = &c->x;
    if (!x->u || !x->u->reused || x->retried || ib_len(&x->u->in) > 0 ||
        x->req_framing != ALB_H1_BODY_NONE)
        return false;
    drop_upstream(x);
    x->retried = true;
    x->uhead_off = 0;
    x->req_sent = false;
    x->t_sent = 0;
    if (attach_upstream(c) == 0)
        return true;
    if (x->tgr)
        x->tgr->conn_errors++;
    return false;
}

static bool pump_request(struct cli *c)
{
    struct exch *x = &c->x;
    struct ups *u = x->u;
    bool p = false;
    for (int guard = 0; guard < 16; guard++) {
        if (!scan_request_body(c)) {
            /* A malformed chunked body: the target has part of it; nothing
             * can be salvaged on either connection. */
            if (x->resp_started) {
                x->truncated = true;
                c->st = CS_DEAD;
            } else {
                local_error(c, 400, false);
            }
            return true;
        }
        size_t hlen = x->uhead.len - x->uhead_off;
        if (u->writable && (hlen || x->req_ready)) {
            struct iovec iov[2];
            int n = 0;
            if (hlen)
                iov[n++] = (struct iovec){ x->uhead.data + x->uhead_off, hlen };
            if (x->req_ready)
                iov[n++] = (struct iovec){ ib_head(&c->in), x->req_ready };
            int err = 0;
            ssize_t w = sock_writev(u->fd, iov, n, &u->writable, &err);
            if (w == -2) {
                upstream_failed(c, !u->reused && ib_len(&u->in) == 0, 502);
                return true;
            }
            if (w > 0) {
                if (!x->t_sent)
                    x->t_sent = now_us(c->px);
                size_t k = (size_t)w < hlen ? (size_t)w : hlen;
                x->uhead_off += k;
                size_t rest = (size_t)w - k;
                ib_consume(&c->in, rest);
                x->req_ready -= rest;
                touch(c);
                p = true;
                continue;
            }
        }
        if (x->req_body_done && x->req_ready == 0 && x->uhead_off == x->uhead.len) {
            x->req_sent = true;
            return p;
        }
        int r = read_client_body(c);
        if (r < 0) {
            client_gone(c);
            return true;
        }
        if (r == 0)
            break;
        p = true;
    }
    return p;
}

/* The client's head for a response from the target. */
static int build_client_head(struct cli *c, const struct alb_h1_response *resp)
{
    struct alb_proxy *px = c->px;
    struct exch *x = &c->x;
    struct dd_buf *b = &c->out.buf;
    int rc = dd_buf_printf(b, "HTTP/1.1 %d ", resp->status);
    if (rc != DD_OK)
        return rc;
    if (resp->reason_len)
        dd_buf_append(b, resp->reason, resp->reason_len);
    else
        dd_buf_puts(b, alb_reply_reason(resp->status));
    dd_buf_puts(b, "\r\n");
    bool final = resp->status >= 200;
    bool app_cookie = false;
    const struct alb_tg_attributes *a = x->tgr ? &x->tgr->tg->attr : NULL;
    bool conn_tokens = (resp->flags & ALB_H1_CONN_TOKENS) != 0;
    bool seen_cl = false;
    for (size_t i = 0; i < resp->n_headers; i++) {
        const struct alb_h1_header *h = &resp->headers[i];
        switch (h->kind) {
        case ALB_H1_H_CONNECTION:
        case ALB_H1_H_KEEP_ALIVE:
        case ALB_H1_H_PROXY_CONNECTION:
        case ALB_H1_H_UPGRADE:
            continue;
        case ALB_H1_H_CONTENT_LENGTH:
            if (x->resp_framing == ALB_H1_BODY_CHUNKED || seen_cl)
                continue;
            seen_cl = true;
            break;
        case ALB_H1_H_SET_COOKIE:
            if (a && a->stickiness_enabled && a->stickiness_type == ALB_STICKINESS_APP_COOKIE &&
                a->app_cookie_name[0] &&
                alb_set_cookie_is(h->value, h->value_len, a->app_cookie_name))
                app_cookie = true;
            break;
        default:
            break;
        }
        if (conn_tokens && named_by_connection(resp->headers, resp->n_headers, h))
            continue;
        rc = put_header(b, h->name, h->name_len, h->value, h->value_len);
        if (rc != DD_OK)
            return rc;
    }
    if (!final)
        return dd_buf_puts(b, "\r\n");
    /* A chunked response keeps the target's Transfer-Encoding; a
     * close-delimited one is chunked here (after any coding it has). */
    if (x->chunk_encode)
        dd_buf_puts(b, "Transfer-Encoding: chunked\r\n");
    int64_t now = now_ms(px);
    char val[ALB_STICKY_VALUE_MAX];
    if (x->set_lb_cookie && x->tgr) {
        struct alb_sticky s = { .kind = ALB_STICKY_LB_COOKIE, .target = x->target_addr };
        memcpy(s.group_id, x->tgr->tg->id, sizeof(s.group_id));
        s.expires_ms = now + a->lb_cookie_duration_seconds * 1000;
        if (alb_sticky_encode(px->pc.sticky_key, &s, px->pc.rnd, val, sizeof(val)) == DD_OK) {
            dd_buf_puts(b, "Set-Cookie: ");
            alb_cookie_set_header(ALB_COOKIE_LB, val, s.expires_ms, false, b);
            dd_buf_puts(b, "\r\nSet-Cookie: ");
            alb_cookie_set_header(ALB_COOKIE_LB_CORS, val, s.expires_ms, true, b);
            dd_buf_puts(b, "\r\n");
        }
    }
    if (app_cookie) {
        struct alb_sticky s = { .kind = ALB_STICKY_APP_COOKIE, .target = x->target_addr };
        memcpy(s.group_id, x->tgr->tg->id, sizeof(s.group_id));
        s.expires_ms = now + a->app_cookie_duration_seconds * 1000;
        if (alb_sticky_encode(px->pc.sticky_key, &s, px->pc.rnd, val, sizeof(val)) == DD_OK) {
            dd_buf_puts(b, "Set-Cookie: ");
            alb_cookie_set_header(APP_COOKIE_NAME, val, now + ALB_APP_COOKIE_LIFETIME_MS, false, b);
            dd_buf_puts(b, "\r\n");
        }
    }
    if (x->set_tg_cookie && x->tgr) {
        struct alb_sticky s = { .kind = ALB_STICKY_TARGET_GROUP };
        memcpy(s.group_id, x->tgr->tg->id, sizeof(s.group_id));
        s.expires_ms = now + x->tg_cookie_ms;
        if (alb_sticky_encode(px->pc.sticky_key, &s, px->pc.rnd, val, sizeof(val)) == DD_OK) {
            dd_buf_puts(b, "Set-Cookie: ");
            alb_cookie_set_header(ALB_COOKIE_TG, val, s.expires_ms, false, b);
            dd_buf_puts(b, "\r\nSet-Cookie: ");
            alb_cookie_set_header(ALB_COOKIE_TG_CORS, val, s.expires_ms, true, b);
            dd_buf_puts(b, "\r\n");
        }
    }
    dd_buf_puts(b, x->close_after ? "Connection: close\r\n" : "Connection: keep-alive\r\n");
    return dd_buf_puts(b, "\r\n");
}

/* A complete response head of head_len bytes is at the start of u->in. */
static void on_response_head(struct cli *c, const struct alb_h1_response *resp)
{
    struct alb_proxy *px = c->px;
    struct exch *x = &c->x;
    struct ups *u = x->u;
    if (resp->status < 200) {
        /* Interim responses: 100 Continue and 103 Early Hints reach an
         * HTTP/1.1 client; 101 cannot, since Upgrade is never forwarded. */
        if (resp->status == 101) {
            upstream_failed(c, false, 502);
            return;
        }
        if (x->minor >= 1 && build_client_head(c, resp) != DD_OK) {
            local_error(c, 500, false);
            return;
        }
        ib_consume(&u->in, resp->head_len);
        x->resp_parsed = 0;
        return;
    }
    x->t_resp = now_us(px);
    x->target_status = resp->status;
    x->elb_status = resp->status;
    x->resp_framing = resp->framing;
    x->resp_left = resp->content_length;
    x->resp_keep = (resp->flags & ALB_H1_KEEP_ALIVE) != 0;
    if (resp->framing == ALB_H1_BODY_CLOSE) {
        if (x->minor >= 1)
            x->chunk_encode = true;
        else
            x->close_after = true;
    }
    if (must_close(c) || !x->req_sent)
        x->close_after = true;
    if (x->tgr) {
        count_target(x->tgr, resp->status);
        if (px->pc.stats && x->t_sent)
            alb_stats_response_time(px->pc.stats, x->tgr, (double)(x->t_resp - x->t_sent) / 1e6);
    }
    if (build_client_head(c, resp) != DD_OK) {
        local_error(c, 500, false);
        return;
    }
    ib_consume(&u->in, resp->head_len);
    x->resp_parsed = 0;
    x->resp_head_done = true;
    x->resp_started = true;
    if (resp->framing == ALB_H1_BODY_NONE ||
        (resp->framing == ALB_H1_BODY_LENGTH && resp->content_length == 0))
        x->resp_body_done = true;
}

/* Scans response body bytes in u->in; false when malformed. */
static bool scan_response_body(struct cli *c)
{
    struct exch *x = &c->x;
    struct ups *u = x->u;
    if (x->resp_body_done)
        return true;
    size_t avail = ib_len(&u->in);
    if (avail <= x->resp_ready)
        return true;
    const char *p = ib_head(&u->in) + x->resp_ready;
    size_t n = avail - x->resp_ready;
    switch (x->resp_framing) {
    case ALB_H1_BODY_LENGTH: {
        size_t k = (uint64_t)n < x->resp_left ? n : (size_t)x->resp_left;
        x->resp_left -= k;
        x->resp_ready += k;
        if (x->resp_left == 0)
            x->resp_body_done = true;
        return true;
    }
    case ALB_H1_BODY_CHUNKED: {
        size_t used = 0;
        int rc = alb_h1_chunked_scan(&x->resp_ck, p, n, &used);
        if (rc == DD_ERR)
            return false;
        x->resp_ready += used;
        if (rc == 1)
            x->resp_body_done = true;
        return true;
    }
    case ALB_H1_BODY_CLOSE:
        x->resp_ready += n;
        return true;
    default:
        x->resp_body_done = true;
        return true;
    }
}

/* Close-delimited body to an HTTP/1.1 client: copy the ready bytes into
 * c->out as one chunk. */
static void encode_chunk(struct cli *c)
{
    struct exch *x = &c->x;
    if (!x->chunk_encode || !x->resp_ready || ob_len(&c->out) >= OUT_COPY_MAX)
        return;
    size_t n = x->resp_ready;
    if (dd_buf_printf(&c->out.buf, "%zx\r\n", n) != DD_OK ||
        dd_buf_append(&c->out.buf, ib_head(&x->u->in), n) != DD_OK ||
        dd_buf_puts(&c->out.buf, "\r\n") != DD_OK) {
        x->truncated = true;
        return;
    }
    ib_consume(&x->u->in, n);
    x->resp_ready = 0;
}

/* The target closed its connection (or reset it). */
static void upstream_eof(struct cli *c, int err)
{
    struct exch *x = &c->x;
    if (!x->resp_head_done) {
        /* Nothing or only part of a head: 502, or a retry of a stale
         * pooled connection. A new connection that dies before its first
         * byte (the target's process is going away and resets what its
         * listen queue still held) failed to connect, for the metrics. */
        bool silent_new = !x->u->reused && ib_len(&x->u->in) == 0;
        upstream_failed(c, silent_new, 502);
        return;
    }
    if (x->resp_framing == ALB_H1_BODY_CLOSE && err == 0) {
        x->resp_body_done = true;
        x->resp_keep = false;
        encode_chunk(c);
        if (x->chunk_encode && dd_buf_puts(&c->out.buf, "0\r\n\r\n") != DD_OK)
            x->truncated = true;
        return;
    }
    if (x->resp_framing == ALB_H1_BODY_CLOSE) {
        x->resp_body_done = true;
        x->resp_keep = false;
        x->truncated = true; /* a reset: the client must not take this for the end */
        return;
    }
    x->truncated = true;
    x->resp_keep = false;
}

static bool pump_response(struct cli *c)
{
    struct exch *x = &c->x;
    bool p = false;
    for (int guard = 0; guard < 16 && c->st == CS_FORWARD; guard++) {
        struct ups *u = x->u;
        if (!x->resp_head_done) {
            size_t avail = ib_len(&u->in);
            if (avail && avail != x->resp_parsed) {
                struct alb_h1_response resp = { .headers = c->px->hdrs,
                                                .max_headers = MAX_HEADERS };
                int rc = alb_h1_parse_response(ib_head(&u->in), avail, x->head_req, &resp);
                x->resp_parsed = avail;
                if (rc == DD_ERR) {
                    dd_log_debug(c->px->pc.log, "malformed response from target: %s",
                                 alb_h1_error_name(resp.error));
                    x->retried = true; /* a malformed answer is no stale connection */
                    upstream_failed(c, false, 502);
                    return true;
                }
                if (rc > 0) {
                    on_response_head(c, &resp);
                    p = true;
                    continue;
                }
            }
        } else if (!x->resp_body_done) {
            if (!scan_response_body(c)) {
                x->truncated = true;
                x->resp_keep = false;
                x->resp_body_done = true;
                return true;
            }
            encode_chunk(c);
        }
        if (x->truncated)
            return p;
        bool need = !x->resp_head_done || (!x->resp_body_done && ib_len(&u->in) == x->resp_ready);
        if (!need || !u->readable)
            break;
        int err = 0;
        ssize_t r = sock_read(u->fd, &u->in, &u->readable, u->rdhup, &err);
        if (r > 0) {
            touch(c);
            p = true;
            continue;
        }
        if (r == 0) {
            upstream_eof(c, err);
            return true;
        }
        break;
    }
    return p;
}

/* Reads what a client sends while its request is being answered (the next
 * pipelined request), to notice a client that goes away. */
static bool watch_client(struct cli *c)
{
    struct exch *x = &c->x;
    if (!x->req_body_done || !c->readable)
        return false;
    int err = 0;
    ssize_t r = sock_read(c->fd, &c->in, &c->readable, c->rdhup, &err);
    if (r == 0) {
        client_gone(c);
        return true;
    }
    return r > 0;
}

static bool step_forward(struct cli *c)
{
    struct exch *x = &c->x;
    if (!x->u->connected)
        return false;
    bool p = false;
    if (!x->req_sent)
        p |= pump_request(c);
    if (c->st != CS_FORWARD)
        return true;
    p |= pump_response(c);
    if (c->st != CS_FORWARD)
        return true;
    p |= watch_client(c);
    if (c->st != CS_FORWARD)
        return true;
    p |= cli_flush(c);
    if (c->st != CS_FORWARD)
        return true;
    if (x->truncated && ob_len(&c->out) == 0 && (x->resp_ready == 0 || !x->u)) {
        exch_end(c);
        c->st = CS_DEAD;
        return true;
    }
    if (x->resp_body_done && x->resp_ready == 0 && ob_len(&c->out) == 0) {
        exch_end(c);
        return true;
    }
    return p;
}

/* ---- HEAD, LOCAL, LINGER --------------------------------------------------------------------- */

static bool step_head(struct cli *c)
{
    struct alb_proxy *px = c->px;
    size_t avail = ib_len(&c->in);
    if (avail && avail != c->parsed) {
        struct alb_h1_request req = { .headers = px->hdrs, .max_headers = MAX_HEADERS };
        int rc = alb_h1_parse_request(ib_head(&c->in), avail, &req);
        c->parsed = avail;
        if (rc > 0) {
            start_request(c, &req);
            return true;
        }
        if (rc == DD_ERR) {
            struct exch *x = &c->x;
            c->nreq++;
            x->t_recv = now_us(px);
            x->created_ms = now_ms(px);
            x->rx_bytes = avail;
            dd_log_debug(px->pc.log, "refused request: %s", alb_h1_error_name(req.error));
            ib_consume(&c->in, avail);
            local_error(c, alb_h1_error_status(req.error), false);
            return true;
        }
    }
    if (!c->readable)
        return false;
    int err = 0;
    ssize_t r = sock_read(c->fd, &c->in, &c->readable, c->rdhup, &err);
    if (r > 0) {
        touch(c);
        return true;
    }
    if (r == 0)
        c->st = CS_DEAD;
    return false;
}

static bool step_local(struct cli *c)
{
    struct exch *x = &c->x;
    bool p = false;
    /* Drain the body of a request answered here, so the connection stays
     * in step with the client; not worth it when closing. */
    if (!x->close_after) {
        for (int guard = 0; guard < 16 && !x->req_body_done; guard++) {
            if (!scan_request_body(c)) {
                x->close_after = true;
                break;
            }
            ib_consume(&c->in, x->req_ready);
            x->req_ready = 0;
            int r = read_client_body(c);
            if (r < 0) {
                client_gone(c);
                return true;
            }
            if (r == 0)
                break;
            p = true;
        }
    }
    p |= cli_flush(c);
    if (c->st != CS_LOCAL)
        return true;
    if (ob_len(&c->out) == 0 && (x->close_after || x->req_body_done)) {
        exch_end(c);
        return true;
    }
    return p;
}

/* After a final answer on a connection that closes: stop sending, keep
 * reading (and dropping) for a while, so the client reads the answer
 * instead of a reset caused by its own unread bytes. */
static void lingering_close(struct cli *c)
{
    if (shutdown(c->fd, SHUT_WR) != 0) {
        c->st = CS_DEAD;
        return;
    }
    c->st = CS_LINGER;
    ib_free(&c->in);
    cli_deadline(c, now_ms(c->px) + LINGER_MS);
}

static bool step_linger(struct cli *c)
{
    char buf[4096];
    while (c->readable) {
        ssize_t n = read(c->fd, buf, sizeof(buf));
        if (n > 0)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            c->readable = false;
            break;
        }
        if (n < 0 && errno == EINTR)
            continue;
        c->st = CS_DEAD;
        return false;
    }
    return false;
}

/* ---- driving --------------------------------------------------------------------------------- */

static void drive(struct cli *c)
{
    for (int i = 0; i < 256; i++) {
        bool p;
        switch (c->st) {
        case CS_HEAD:
            p = step_head(c);
            break;
        case CS_FORWARD:
            p = step_forward(c);
            break;
        case CS_LOCAL:
            p = step_local(c);
            break;
        case CS_LINGER:
            p = step_linger(c);
            break;
        default:
            p = false;
            break;
        }
        if (c->st == CS_DEAD || !p)
            break;
    }
    if (c->st == CS_DEAD)
        cli_free(c);
}

static void on_cli_io(evutil_socket_t fd, short what, void *arg)
{
    struct cli *c = arg;
    if (what & EV_CLOSED)
        c->rdhup = true;
    if (what & (EV_READ | EV_CLOSED))
        c->readable = true;
    if (what & EV_WRITE)
        c->writable = true;
    drive(c);
}

/* The idle timeout (or the linger time) of a client connection ran out. */
static void cli_timeout(struct cli *c)
{
    struct exch *x = &c->x;
    switch (c->st) {
    case CS_HEAD:
        if (c->nreq == 0 || ib_len(&c->in) > 0) {
            /* Nothing, or only part of a request, within the idle timeout. */
            c->nreq++;
            x->t_recv = now_us(c->px);
            x->created_ms = now_ms(c->px);
            x->rx_bytes = ib_len(&c->in);
            ib_consume(&c->in, ib_len(&c->in));
            local_error(c, 408, false);
        } else {
            c->st = CS_DEAD;
        }
        break;
    case CS_FORWARD:
        if (!x->resp_started) {
            if (!x->req_body_done) {
                local_error(c, 408, false);
            } else {
                x->retried = true;
                local_error(c, 504, true);
            }
        } else {
            x->truncated = true;
            drop_upstream(x);
            exch_end(c);
            c->st = CS_DEAD;
        }
        break;
    default:
        c->st = CS_DEAD;
        break;
    }
    drive(c);
}

static void on_cli_timer(evutil_socket_t fd, short what, void *arg)
{
    struct cli *c = arg;
    c->tmr_at = 0;
    if (c->deadline && now_ms(c->px) >= c->deadline) {
        c->deadline = 0;
        cli_timeout(c);
        return;
    }
    tmr_arm(c->px, c->tmr, &c->tmr_at, c->deadline);
}

static void on_ups_io(evutil_socket_t fd, short what, void *arg)
{
    struct ups *u = arg;
    if (what & EV_CLOSED)
        u->rdhup = true;
    if (what & (EV_READ | EV_CLOSED))
        u->readable = true;
    if (what & EV_WRITE)
        u->writable = true;
    if (!u->connected) {
        int soerr = 0;
        socklen_t sl = sizeof(soerr);
        if (getsockopt(u->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
            soerr = errno;
        if (soerr) {
            struct cli *c = u->c;
            if (!c) {
                ups_close(u);
                return;
            }
            dd_log_debug(u->px->pc.log, "connect to target: %s", strerror(soerr));
            upstream_failed(c, true, 502);
            drive(c);
            return;
        }
        if (!(what & EV_WRITE))
            return;
        u->connected = true;
        u->deadline = 0;
    }
    if (u->c) {
        drive(u->c);
        return;
    }
    /* An idle pooled connection has nothing to say: bytes or a close mean
     * it is done. */
    if (u->readable) {
        char b;
        ssize_t n = recv(u->fd, &b, 1, MSG_PEEK);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            u->readable = false;
            return;
        }
        ups_close(u);
    }
}

static void on_ups_timer(evutil_socket_t fd, short what, void *arg)
{
    struct ups *u = arg;
    u->tmr_at = 0;
    if (!u->deadline)
        return;
    if (now_ms(u->px) < u->deadline) {
        tmr_arm(u->px, u->tmr, &u->tmr_at, u->deadline);
        return;
    }
    u->deadline = 0;
    struct cli *c = u->c;
    if (!c) {
        ups_close(u);
        return;
    }
    /* Connecting took longer than 10 s: 504. */
    c->x.retried = true;
    upstream_failed(c, true, 504);
    drive(c);
}

/* ---- clients --------------------------------------------------------------------------------- */

static void cli_free(struct cli *c)
{
    struct alb_proxy *px = c->px;
    struct exch *x = &c->x;
    drop_upstream(x);
    release_target(x);
    dd_buf_release(&x->uhead);
    dd_buf_release(&x->logstr);
    if (c->prev)
        c->prev->next = c->next;
    else
        px->clients = c->next;
    if (c->next)
        c->next->prev = c->prev;
    px->n_clients--;
    c->ls->lb->active_conns--;
    if (c->ev)
        event_free(c->ev);
    if (c->tmr)
        event_free(c->tmr);
    evutil_closesocket(c->fd);
    ib_free(&c->in);
    dd_buf_release(&c->out.buf);
    free(c);
    if (px->stopping && px->n_clients == 0 && px->drain_ev)
        event_active(px->drain_ev, EV_TIMEOUT, 0);
}

static void on_accept(evutil_socket_t lfd, short what, void *arg)
{
    struct lsn *ls = arg;
    struct alb_proxy *px = ls->px;
    for (int i = 0; i < ACCEPT_BATCH; i++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        evutil_socket_t fd =
            accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
                dd_log_warn(px->pc.log, "accept on port %d: %s", ls->port, strerror(errno));
            return;
        }
        struct cli *c = calloc(1, sizeof(*c));
        if (!c) {
            evutil_closesocket(fd);
            continue;
        }
        c->px = px;
        c->ls = ls;
        c->fd = fd;
        c->peer_sa = ss;
        (void)alb_addr_from_sockaddr((struct sockaddr *)&ss, &c->peer);
        set_nodelay(fd);
        c->ev = event_new(px->pc.base, fd, EV_READ | EV_WRITE | EV_CLOSED | EV_PERSIST | EV_ET,
                          on_cli_io, c);
        c->tmr = evtimer_new(px->pc.base, on_cli_timer, c);
        if (!c->ev || !c->tmr || event_add(c->ev, NULL) != 0) {
            if (c->ev)
                event_free(c->ev);
            if (c->tmr)
                event_free(c->tmr);
            free(c);
            evutil_closesocket(fd);
            continue;
        }
        exch_reset(&c->x);
        c->st = CS_HEAD;
        c->opened_ms = now_ms(px);
        c->tid[0] = alb_rand_u64(px->pc.rnd);
        c->tid[1] = alb_rand_u64(px->pc.rnd);
        c->next = px->clients;
        if (px->clients)
            px->clients->prev = c;
        px->clients = c;
        px->n_clients++;
        ls->lb->new_conns++;
        ls->lb->active_conns++;
        touch(c);
    }
}

/* ---- public ---------------------------------------------------------------------------------- */

static void on_drained(evutil_socket_t fd, short what, void *arg)
{
    struct alb_proxy *px = arg;
    if (px->drained) {
        void (*fn)(void *) = px->drained;
        px->drained = NULL;
        fn(px->drained_arg);
    }
}

struct alb_proxy *alb_proxy_new(const struct alb_proxy_config *pc, char *err, size_t errlen)
{
    struct alb_proxy *px = calloc(1, sizeof(*px));
    if (!px) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    px->pc = *pc;
    px->log_ev = event_new(pc->base, -1, 0, on_log_flush, px);
    px->drain_ev = event_new(pc->base, -1, 0, on_drained, px);
    if (!px->log_ev || !px->drain_ev) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    /* After every I/O callback of the round: one write for all its lines. */
    event_priority_set(px->log_ev, 2);
    const struct alb_config *cfg = pc->rt->cfg;
    size_t n = 0;
    for (size_t i = 0; i < cfg->n_load_balancers; i++)
        n += cfg->load_balancers[i].n_listeners;
    if (n) {
        px->lsns = calloc(n, sizeof(*px->lsns));
        if (!px->lsns) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
    }
    for (size_t i = 0; i < cfg->n_load_balancers; i++) {
        const struct alb_load_balancer *lb = &cfg->load_balancers[i];
        for (size_t k = 0; k < lb->n_listeners; k++) {
            struct lsn *ls = &px->lsns[px->n_lsns];
            ls->px = px;
            ls->cfg = &lb->listeners[k];
            ls->lb = alb_runtime_lb(pc->rt, lb);
            ls->fd = -1;
            px->n_lsns++; /* counted now: alb_proxy_free() releases what it holds */
            ls->rules = alb_rule_filter_new(ls->cfg);
            if (!ls->rules) {
                snprintf(err, errlen, "out of memory");
                goto fail;
            }
            int rc = dd_listen_tcp(pc->host, ls->cfg->port, 1024, &ls->fd, &ls->port);
            if (rc != DD_OK) {
                snprintf(err, errlen, "load balancer %s: cannot listen on %s:%d: %s",
                         lb->load_balancer_name, pc->host, ls->cfg->port, strerror(errno));
                goto fail;
            }
            ls->ev = event_new(pc->base, ls->fd, EV_READ | EV_PERSIST, on_accept, ls);
            if (!ls->ev || event_add(ls->ev, NULL) != 0) {
                snprintf(err, errlen, "out of memory");
                goto fail;
            }
            if (ls->cfg->protocol == ALB_PROTOCOL_HTTPS)
                dd_log_warn(pc->log,
                            "load balancer %s: HTTPS listener on port %d is served as plain HTTP "
                            "(TLS is not implemented yet)",
                            lb->load_balancer_name, ls->port);
        }
    }
    return px;
fail:
    alb_proxy_free(px);
    return NULL;
}

void alb_proxy_free(struct alb_proxy *px)
{
    if (!px)
        return;
    struct event *drain_ev = px->drain_ev;
    px->drain_ev = NULL; /* no drain notifications while tearing down */
    while (px->clients)
        cli_free(px->clients);
    if (drain_ev)
        event_free(drain_ev);
    for (size_t i = 0; i < POOL_BUCKETS; i++) {
        struct pool *p = px->pools[i];
        while (p) {
            while (p->idle)
                ups_close(p->idle);
            struct pool *next = p->next;
            free(p);
            p = next;
        }
    }
    for (size_t i = 0; i < px->n_lsns; i++) {
        if (px->lsns[i].ev)
            event_free(px->lsns[i].ev);
        if (px->lsns[i].fd >= 0)
            evutil_closesocket(px->lsns[i].fd);
        alb_rule_filter_free(px->lsns[i].rules);
    }
    free(px->lsns);
    alb_proxy_flush_log(px);
    if (px->log_ev)
        event_free(px->log_ev);
    dd_buf_release(&px->scratch);
    dd_buf_release(&px->scratch2);
    dd_buf_release(&px->logline);
    free(px);
}

json_t *alb_proxy_listeners_json(const struct alb_proxy *px)
{
    json_t *a = json_array();
    if (!a)
        return NULL;
    for (size_t i = 0; i < px->n_lsns; i++) {
        json_t *o =
            json_pack("{s:s, s:i}", "LoadBalancer",
                      px->lsns[i].cfg->load_balancer->load_balancer_name, "Port", px->lsns[i].port);
        if (!o || json_array_append_new(a, o) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

int alb_proxy_listener_port(const struct alb_proxy *px, const struct alb_listener *l)
{
    for (size_t i = 0; i < px->n_lsns; i++)
        if (px->lsns[i].cfg == l)
            return px->lsns[i].port;
    return -1;
}

void alb_proxy_clock_advanced(struct alb_proxy *px)
{
    /* Deadlines are in emulated time: fire every timer now and let each
     * decide whether its deadline passed. */
    for (struct cli *c = px->clients; c; c = c->next) {
        evtimer_del(c->tmr);
        c->tmr_at = 0;
        event_active(c->tmr, EV_TIMEOUT, 0);
        struct ups *u = c->x.u;
        if (u && u->deadline) {
            evtimer_del(u->tmr);
            u->tmr_at = 0;
            event_active(u->tmr, EV_TIMEOUT, 0);
        }
    }
}

void alb_proxy_target_gone(struct alb_proxy *px, struct alb_tg_rt *t, struct alb_target *target)
{
    (void)t;
    /* Two passes: ending an exchange may free the target. */
    size_t nhit = 0;
    for (struct cli *c = px->clients; c; c = c->next)
        if (c->st == CS_FORWARD && c->x.target == target)
            nhit++;
    if (!nhit)
        return;
    struct cli **list = calloc(nhit, sizeof(*list));
    if (!list)
        return;
    size_t k = 0;
    for (struct cli *c = px->clients; c && k < nhit; c = c->next)
        if (c->st == CS_FORWARD && c->x.target == target)
            list[k++] = c;
    for (size_t i = 0; i < k; i++) {
        struct cli *c = list[i];
        c->x.retried = true;
        if (c->x.resp_started) {
            c->x.truncated = true;
            drop_upstream(&c->x);
            exch_end(c);
            c->st = CS_DEAD;
        } else {
            local_error(c, 502, true);
        }
        drive(c);
    }
    free(list);
}

void alb_proxy_drain(struct alb_proxy *px, void (*done)(void *arg), void *arg)
{
    px->stopping = true;
    px->drained = done;
    px->drained_arg = arg;
    for (size_t i = 0; i < px->n_lsns; i++) {
        if (px->lsns[i].ev) {
            event_free(px->lsns[i].ev);
            px->lsns[i].ev = NULL;
        }
        if (px->lsns[i].fd >= 0) {
            evutil_closesocket(px->lsns[i].fd);
            px->lsns[i].fd = -1;
        }
    }
    /* Idle connections go now; busy ones close after their response. */
    for (struct cli *c = px->clients, *next; c; c = next) {
        next = c->next;
        if ((c->st == CS_HEAD && ib_len(&c->in) == 0) || c->st == CS_LINGER)
            cli_free(c);
    }
    if (px->n_clients == 0)
        event_active(px->drain_ev, EV_TIMEOUT, 0);
}

size_t alb_proxy_client_count(const struct alb_proxy *px)
{
    return px->n_clients;
}
