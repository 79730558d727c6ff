/*
 * The health-check client (see health_io.h): one scheduling timer, one
 * short-lived connection per check.
 */
#include "alb-emu/health_io.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "alb-emu/http1.h"
#include "common/err.h"

#define HC_REQ_MAX  (ALB_H1_MAX_LINE + 512) /* the request: path, Host and fixed headers */
#define HC_RESP_MAX (16 * 1024)             /* a response head larger than this fails */
#define HC_HEADERS  128

/* One check in flight. */
struct hcheck {
    struct alb_hc *hc;
    struct alb_tg_rt *t;    /* its group */
    struct alb_addr target; /* the registered target (the group's key) */
    uint64_t seq;           /* the check's id in the group */
    int64_t deadline;       /* emulated ms: close the socket then */
    evutil_socket_t fd;
    struct event *ev;
    bool connected;
    char *req; /* owned: the request */
    size_t req_len, req_off;
    char *resp; /* owned: the response head so far */
    size_t resp_len;
    struct hcheck *prev, *next;
};

struct alb_hc {
    struct alb_hc_config pc;
    struct event *due_ev; /* the scheduling timer */
    int64_t due_at;       /* emulated ms the timer is armed for, 0 = not armed */
    struct hcheck *checks;
    size_t n_checks;
};

static int64_t now_ms(const struct alb_hc *hc)
{
    return dd_clock_now_ms(hc->pc.clock);
}

static void check_free(struct hcheck *k)
{
    struct alb_hc *hc = k->hc;
    if (k->prev)
        k->prev->next = k->next;
    else
        hc->checks = k->next;
    if (k->next)
        k->next->prev = k->prev;
    hc->n_checks--;
    if (k->ev)
        event_free(k->ev);
    if (k->fd >= 0)
        evutil_closesocket(k->fd);
    free(k->req);
    free(k->resp);
    free(k);
}

static void arm(struct alb_hc *hc);

/* Reports how check k ended and frees it. */
static void finish(struct hcheck *k, enum alb_check_outcome outcome, int code)
{
    struct alb_hc *hc = k->hc;
    int64_t now = now_ms(hc);
    (void)alb_health_check_result(k->t->health, &k->target, k->seq, outcome, code, now);
    check_free(k);
    arm(hc);
}

static void on_check_io(evutil_socket_t fd, short what, void *arg)
{
    struct hcheck *k = arg;
    if (!k->connected) {
        int soerr = 0;
        socklen_t sl = sizeof(soerr);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
            soerr = errno;
        if (soerr) {
            finish(k, ALB_CHECK_FAILED, 0);
            return;
        }
        if (!(what & EV_WRITE))
            return;
        k->connected = true;
    }
    while (k->req_off < k->req_len) {
        ssize_t n = send(fd, k->req + k->req_off, k->req_len - k->req_off, MSG_NOSIGNAL);
        if (n > 0) {
            k->req_off += (size_t)n;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n < 0 && errno == EINTR)
            continue;
        finish(k, ALB_CHECK_FAILED, 0);
        return;
    }
    for (;;) {
        if (k->resp_len == HC_RESP_MAX) {
            finish(k, ALB_CHECK_FAILED, 0);
            return;
        }
        ssize_t n = recv(fd, k->resp + k->resp_len, HC_RESP_MAX - k->resp_len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            /* Closed or reset before a complete response head. */
            finish(k, ALB_CHECK_FAILED, 0);
            return;
        }
        k->resp_len += (size_t)n;
        struct alb_h1_header hs[HC_HEADERS];
        struct alb_h1_response r = { .headers = hs, .max_headers = HC_HEADERS };
        int rc = alb_h1_parse_response(k->resp, k->resp_len, false, &r);
        if (rc == DD_AGAIN)
            continue;
        if (rc < 0 || r.status < 200) {
            /* Malformed, or an interim response a health check never
             * expects: a failed check. */
            finish(k, ALB_CHECK_FAILED, 0);
            return;
        }
        finish(k, ALB_CHECK_RESPONSE, r.status);
        return;
    }
}

/* Starts the check seq of target (in group t) at now. */
static void start_check(struct alb_hc *hc, struct alb_tg_rt *t, struct alb_target *target,
                        uint64_t seq, int64_t now)
{
    struct hcheck *k = calloc(1, sizeof(*k));
    if (!k) {
        (void)alb_health_check_result(t->health, &target->addr, seq, ALB_CHECK_INTERNAL_ERROR, 0,
                                      now);
        return;
    }
    k->hc = hc;
    k->t = t;
    k->target = target->addr;
    k->seq = seq;
    k->fd = -1;
    k->deadline = now + alb_health_params(t->health)->timeout_ms;
    k->next = hc->checks;
    if (hc->checks)
        hc->checks->prev = k;
    hc->checks = k;
    hc->n_checks++;

    struct alb_addr a = target->addr;
    a.port = (uint16_t)alb_runtime_health_port(t, target);
    char host[ALB_ADDR_STRLEN];
    alb_addr_format_bracketed(&a, host, sizeof(host));
    const char *path = t->tg->health_check_path ? t->tg->health_check_path : "/";
    k->req = malloc(HC_REQ_MAX);
    k->resp = malloc(HC_RESP_MAX);
    if (!k->req || !k->resp) {
        finish(k, ALB_CHECK_INTERNAL_ERROR, 0);
        return;
    }
    int len = snprintf(k->req, HC_REQ_MAX,
                       "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n"
                       "User-Agent: ELB-HealthChecker/2.0\r\n"
                       "Accept-Encoding: gzip, compress, deflate\r\n\r\n",
                       path, host);
    if (len < 0 || len >= HC_REQ_MAX) {
        finish(k, ALB_CHECK_INTERNAL_ERROR, 0);
        return;
    }
    k->req_len = (size_t)len;

    struct sockaddr_storage ss;
    socklen_t sl = (socklen_t)alb_addr_to_sockaddr(&a, &ss);
    k->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (k->fd < 0) {
        finish(k, ALB_CHECK_INTERNAL_ERROR, 0);
        return;
    }
    int one = 1;
    (void)setsockopt(k->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    int rc;
    do {
        rc = connect(k->fd, (struct sockaddr *)&ss, sl);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0 && errno != EINPROGRESS) {
        finish(k, ALB_CHECK_FAILED, 0);
        return;
    }
    k->ev = event_new(hc->pc.base, k->fd, EV_READ | EV_WRITE | EV_PERSIST | EV_ET, on_check_io, k);
    if (!k->ev || event_add(k->ev, NULL) != 0)
        finish(k, ALB_CHECK_INTERNAL_ERROR, 0);
}

/* Runs everything due at now: timeouts and drains, then new checks. */
static void run_due(struct alb_hc *hc)
{
    int64_t now = now_ms(hc);
    /* Checks past their deadline: the group records the timeout; the
     * socket goes. */
    for (struct hcheck *k = hc->checks, *next; k; k = next) {
        next = k->next;
        if (now >= k->deadline)
            check_free(k);
    }
    struct alb_runtime *rt = hc->pc.rt;
    for (size_t i = 0; i < rt->n_tgs; i++) {
        struct alb_tg_rt *t = &rt->tgs[i];
        alb_health_tick(t->health, now);
        uint64_t seq;
        struct alb_target *target;
        while ((target = alb_health_check_due(t->health, now, &seq)) != NULL)
            start_check(hc, t, target, seq, now);
    }
}

/* Arms the timer for the earliest time anything is due. */
static void arm(struct alb_hc *hc)
{
    int64_t now = now_ms(hc);
    int64_t due = alb_runtime_next_due(hc->pc.rt, now);
    for (struct hcheck *k = hc->checks; k; k = k->next)
        if (k->deadline < due)
            due = k->deadline;
    if (due == INT64_MAX) {
        evtimer_del(hc->due_ev);
        hc->due_at = 0;
        return;
    }
    if (hc->due_at && hc->due_at == due && evtimer_pending(hc->due_ev, NULL))
        return;
    int64_t d = due - now;
    if (d < 0)
        d = 0;
    struct timeval tv = { (time_t)(d / 1000), (suseconds_t)((d % 1000) * 1000) };
    if (evtimer_add(hc->due_ev, &tv) == 0)
        hc->due_at = due;
}

static void on_due(evutil_socket_t fd, short what, void *arg)
{
    struct alb_hc *hc = arg;
    hc->due_at = 0;
    run_due(hc);
    arm(hc);
}

struct alb_hc *alb_hc_new(const struct alb_hc_config *pc)
{
    struct alb_hc *hc = calloc(1, sizeof(*hc));
    if (!hc)
        return NULL;
    hc->pc = *pc;
    hc->due_ev = evtimer_new(pc->base, on_due, hc);
    if (!hc->due_ev) {
        free(hc);
        return NULL;
    }
    alb_hc_kick(hc);
    return hc;
}

void alb_hc_free(struct alb_hc *hc)
{
    if (!hc)
        return;
    while (hc->checks)
        check_free(hc->checks);
    event_free(hc->due_ev);
    free(hc);
}

void alb_hc_kick(struct alb_hc *hc)
{
    evtimer_del(hc->due_ev);
    hc->due_at = 0;
    event_active(hc->due_ev, EV_TIMEOUT, 0);
}

size_t alb_hc_in_flight(const struct alb_hc *hc)
{
    return hc->n_checks;
}
