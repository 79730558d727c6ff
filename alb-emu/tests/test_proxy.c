/*
 * Tests of the proxy over real loopback sockets, in one process: the proxy
 * runs its own event loop on a thread, a small blocking target answers on
 * another, and the test drives a raw client. They check what only the
 * plumbing decides: what the target receives, keep-alive reuse of target
 * connections, pipelining order, chunked bodies both ways, ALB's own
 * answers for no target / a refused connection / a smuggling shape, and
 * that a refused request never reaches the target.
 */
#include "fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <event2/event.h>

#include "alb-emu/http1.h"
#include "alb-emu/proxy.h"
#include "alb-emu/runtime.h"
#include "common/clock.h"
#include "common/log.h"

/* ---- a blocking target ----------------------------------------------------- */

struct target {
    int lfd, port;
    pthread_t th;
    int connections; /* accepted */
    int requests;    /* answered */
    char last_head[8192];
    char last_body[8192];
    size_t last_body_len;
    pthread_mutex_t mu;
};

static int listen_any(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(fd, 64), 0);
    socklen_t sl = sizeof(a);
    getsockname(fd, (struct sockaddr *)&a, &sl);
    *port = ntohs(a.sin_port);
    return fd;
}

static void send_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* Serves one connection: every request gets 200 with "ok" (Content-Length),
 * "/close" gets a close-delimited body, "/chunked" a chunked one. */
static void serve(struct target *t, int fd)
{
    char buf[65536];
    size_t len = 0;
    for (;;) {
        struct alb_h1_header hs[64];
        struct alb_h1_request req = { .headers = hs, .max_headers = 64 };
        int rc = alb_h1_parse_request(buf, len, &req);
        if (rc == DD_AGAIN) {
            ssize_t n = recv(fd, buf + len, sizeof(buf) - len, 0);
            if (n <= 0)
                return;
            len += (size_t)n;
            continue;
        }
        if (rc < 0)
            return;
        size_t head = (size_t)rc;
        /* The body: Content-Length or chunked (decoded crudely: sizes and data). */
        char body[8192];
        size_t blen = 0;
        size_t pos = head;
        if (req.framing == ALB_H1_BODY_LENGTH) {
            while (len < head + req.content_length) {
                ssize_t n = recv(fd, buf + len, sizeof(buf) - len, 0);
                if (n <= 0)
                    return;
                len += (size_t)n;
            }
            blen = (size_t)req.content_length < sizeof(body) ? (size_t)req.content_length : 0;
            memcpy(body, buf + head, blen);
            pos = head + req.content_length;
        } else if (req.framing == ALB_H1_BODY_CHUNKED) {
            struct alb_h1_chunked ck;
            memset(&ck, 0, sizeof(ck));
            size_t used = 0;
            while (alb_h1_chunked_scan(&ck, buf + head, len - head, &used) != 1) {
                memset(&ck, 0, sizeof(ck));
                ssize_t n = recv(fd, buf + len, sizeof(buf) - len, 0);
                if (n <= 0)
                    return;
                len += (size_t)n;
            }
            for (size_t p = head; p < head + used;) {
                size_t sz = strtoul(buf + p, NULL, 16);
                p = (size_t)(strstr(buf + p, "\r\n") - buf) + 2;
                if (sz == 0)
                    break;
                memcpy(body + blen, buf + p, sz);
                blen += sz;
                p += sz + 2;
            }
            pos = head + used;
        }
        pthread_mutex_lock(&t->mu);
        t->requests++;
        snprintf(t->last_head, sizeof(t->last_head), "%.*s", (int)head, buf);
        memcpy(t->last_body, body, blen);
        t->last_body_len = blen;
        pthread_mutex_unlock(&t->mu);
        bool is_close = req.target_len >= 6 && memcmp(req.target, "/close", 6) == 0;
        bool is_chunked = req.target_len >= 8 && memcmp(req.target, "/chunked", 8) == 0;
        if (is_close) {
            static const char r[] = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil close";
            send_all(fd, r, sizeof(r) - 1);
            return;
        }
        if (is_chunked) {
            static const char r[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                    "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
            send_all(fd, r, sizeof(r) - 1);
        } else {
            static const char r[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-T: 1\r\n\r\nok";
            send_all(fd, r, sizeof(r) - 1);
        }
        memmove(buf, buf + pos, len - pos);
        len -= pos;
    }
}

static void *target_main(void *arg)
{
    struct target *t = arg;
    for (;;) {
        int fd = accept(t->lfd, NULL, NULL);
        if (fd < 0)
            return NULL;
        pthread_mutex_lock(&t->mu);
        t->connections++;
        pthread_mutex_unlock(&t->mu);
        serve(t, fd);
        close(fd);
    }
}

/* ---- the proxy on its thread ---------------------------------------------------- */

struct rig {
    struct target t;
    struct event_base *base;
    struct dd_clock *clock;
    struct dd_logger log;
    struct alb_config *cfg;
    struct alb_runtime rt;
    struct alb_xoshiro xo;
    struct alb_rand rnd;
    struct alb_sticky_key key;
    struct alb_proxy *px;
    struct event *tick; /* wakes the loop every 10 ms to see stop */
    atomic_bool stop;
    pthread_t loop;
    int port; /* the listener */
};

/* The loop runs round by round until the test says stop (libevent is not
 * built with thread notifications here, so no cross-thread loopbreak). */
static void *loop_main(void *arg)
{
    struct rig *r = arg;
    while (!atomic_load(&r->stop))
        event_base_loop(r->base, EVLOOP_ONCE);
    return NULL;
}

static void nothing(evutil_socket_t fd, short what, void *arg)
{
}

static void log_sink(void *ctx, const char *line, size_t len)
{
}

static int rig_setup(void **state)
{
    struct rig *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    pthread_mutex_init(&r->t.mu, NULL);
    r->t.lfd = listen_any(&r->t.port);
    assert_int_equal(pthread_create(&r->t.th, NULL, target_main, &r->t), 0);
    int closed_port;
    int cfd = listen_any(&closed_port);
    close(cfd); /* a port where nothing listens: refused */
    char json[2048];
    snprintf(json, sizeof(json),
             "{'LoadBalancers': [{'Name': 'lb', 'Listeners': [{'Port': 0,"
             " 'DefaultActions': [{'Type': 'forward', 'TargetGroupName': 'tg'}],"
             " 'Rules': ["
             "  {'Priority': 1, 'Conditions': [{'Field': 'path-pattern', 'Values': ['/none*']}],"
             "   'Actions': [{'Type': 'forward', 'TargetGroupName': 'empty'}]},"
             "  {'Priority': 2, 'Conditions': [{'Field': 'path-pattern', 'Values': ['/refused*']}],"
             "   'Actions': [{'Type': 'forward', 'TargetGroupName': 'refused'}]}]}]}],"
             " 'TargetGroups': ["
             "  {'Name': 'tg', 'Protocol': 'HTTP', 'TargetType': 'ip', 'Port': 80, 'Targets': "
             "[{'Id': '127.0.0.1', 'Port': %d}]},"
             "  {'Name': 'empty', 'Protocol': 'HTTP', 'TargetType': 'ip', 'Port': 80},"
             "  {'Name': 'refused', 'Protocol': 'HTTP', 'TargetType': 'ip', 'Port': 80, 'Targets': "
             "[{'Id': '127.0.0.1', 'Port': %d}]}]}",
             r->t.port, closed_port);
    r->cfg = fx_config(json);
    r->base = event_base_new();
    assert_non_null(r->base);
    assert_int_equal(event_base_priority_init(r->base, 3), 0);
    r->clock = dd_clock_new(NULL, NULL);
    dd_logger_init(&r->log, "test");
    r->log.sink = log_sink;
    char err[256];
    assert_int_equal(alb_runtime_init(&r->rt, r->cfg, dd_clock_now_ms(r->clock), err, sizeof(err)),
                     DD_OK);
    /* No health checker here: every target passes its first check at once. */
    for (size_t i = 0; i < r->rt.n_tgs; i++) {
        struct alb_health_group *g = r->rt.tgs[i].health;
        uint64_t seq;
        struct alb_target *t;
        while ((t = alb_health_check_due(g, dd_clock_now_ms(r->clock), &seq)) != NULL) {
            struct alb_addr a = t->addr;
            alb_health_check_result(g, &a, seq, ALB_CHECK_RESPONSE, 200, dd_clock_now_ms(r->clock));
        }
    }
    alb_xoshiro_seed(&r->xo, 42);
    r->rnd = (struct alb_rand){ alb_xoshiro_next, &r->xo };
    alb_sticky_key_init(&r->key, &r->rnd);
    struct alb_proxy_config pc = { r->base, r->clock, &r->log, &r->rt,     NULL,
                                   &r->rnd, &r->key,  NULL,    "127.0.0.1" };
    r->px = alb_proxy_new(&pc, err, sizeof(err));
    assert_non_null(r->px);
    r->port = alb_proxy_listener_port(r->px, &r->cfg->load_balancers[0].listeners[0]);
    r->tick = event_new(r->base, -1, EV_PERSIST, nothing, NULL);
    struct timeval tv = { 0, 10000 };
    event_add(r->tick, &tv);
    assert_int_equal(pthread_create(&r->loop, NULL, loop_main, r), 0);
    *state = r;
    return 0;
}

static int rig_teardown(void **state)
{
    struct rig *r = *state;
    atomic_store(&r->stop, true);
    pthread_join(r->loop, NULL);
    event_free(r->tick);
    alb_proxy_free(r->px);
    alb_runtime_release(&r->rt);
    alb_config_free(r->cfg);
    event_base_free(r->base);
    dd_clock_free(r->clock);
    shutdown(r->t.lfd, SHUT_RDWR);
    close(r->t.lfd);
    pthread_join(r->t.th, NULL);
    pthread_mutex_destroy(&r->t.mu);
    free(r);
    return 0;
}

/* ---- a raw client ----------------------------------------------------------------- */

/* A client connection and what it has read beyond the last response. */
struct conn {
    int fd;
    char pending[65536];
    size_t plen;
};

static struct conn *dial(int port)
{
    struct conn *c = calloc(1, sizeof(*c));
    assert_non_null(c);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    struct timeval tv = { 5, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    c->fd = fd;
    return c;
}

static void hangup(struct conn *c)
{
    close(c->fd);
    free(c);
}

/* Reads one response (head and body by its framing) into out; returns the
 * status, or -1 on EOF before a head. *closed says the peer closed after it. */
static int read_response(struct conn *c, char *out, size_t cap, size_t *outlen, bool *closed)
{
    int fd = c->fd;
    char *pending = c->pending;
    size_t plen = c->plen;
    *closed = false;
    for (;;) {
        struct alb_h1_header hs[64];
        struct alb_h1_response r = { .headers = hs, .max_headers = 64 };
        int rc = alb_h1_parse_response(pending, plen, false, &r);
        if (rc > 0) {
            size_t need = (size_t)rc;
            if (r.framing == ALB_H1_BODY_LENGTH)
                need += (size_t)r.content_length;
            struct alb_h1_chunked ck;
            for (;;) {
                if (r.framing == ALB_H1_BODY_CHUNKED) {
                    memset(&ck, 0, sizeof(ck));
                    size_t used = 0;
                    if (alb_h1_chunked_scan(&ck, pending + rc, plen - (size_t)rc, &used) == 1) {
                        need = (size_t)rc + used;
                        break;
                    }
                } else if (plen >= need && r.framing != ALB_H1_BODY_CLOSE) {
                    break;
                }
                ssize_t n = recv(fd, pending + plen, sizeof(c->pending) - plen, 0);
                if (n <= 0) {
                    *closed = true;
                    need = plen;
                    break;
                }
                plen += (size_t)n;
            }
            size_t k = need < cap - 1 ? need : cap - 1;
            memcpy(out, pending, k);
            out[k] = '\0';
            *outlen = k;
            memmove(pending, pending + need, plen - need);
            plen -= need;
            c->plen = plen;
            if (!*closed && plen == 0) {
                /* Peek for a close right behind the response. */
                char b;
                struct timeval tv = { 0, 100000 };
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
                ssize_t n = recv(fd, &b, 1, MSG_PEEK);
                *closed = n == 0;
                tv.tv_sec = 5;
                tv.tv_usec = 0;
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
            }
            return r.status;
        }
        ssize_t n = recv(fd, pending + plen, sizeof(c->pending) - plen, 0);
        if (n <= 0) {
            *closed = true;
            c->plen = plen;
            return -1;
        }
        plen += (size_t)n;
    }
}

static int roundtrip(struct conn *c, const char *req, char *resp, size_t cap, bool *closed)
{
    send_all(c->fd, req, strlen(req));
    size_t len;
    return read_response(c, resp, cap, &len, closed);
}

static int target_requests(struct rig *r)
{
    pthread_mutex_lock(&r->t.mu);
    int n = r->t.requests;
    pthread_mutex_unlock(&r->t.mu);
    return n;
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_forward_and_reuse(void **state)
{
    struct rig *r = *state;
    struct conn *fd = dial(r->port);
    char resp[16384];
    bool closed;
    int conns_before = r->t.connections;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(roundtrip(fd,
                                   "GET /a?x=1 HTTP/1.1\r\nHost: h.test\r\nConnection: "
                                   "keep-alive\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n",
                                   resp, sizeof(resp), &closed),
                         200);
        assert_false(closed);
        assert_non_null(strstr(resp, "\r\n\r\nok"));
        assert_non_null(strstr(resp, "Connection: keep-alive\r\n"));
    }
    pthread_mutex_lock(&r->t.mu);
    const char *h = r->t.last_head;
    assert_non_null(strstr(h, "GET /a?x=1 HTTP/1.1\r\n"));
    assert_non_null(strstr(h, "Host: h.test\r\n"));
    assert_non_null(strstr(h, "X-Forwarded-For: 10.0.0.1, 127.0.0.1\r\n"));
    assert_non_null(strstr(h, "X-Forwarded-Proto: http\r\n"));
    assert_non_null(strstr(h, "X-Amzn-Trace-Id: Root=1-"));
    assert_null(strstr(h, "Connection:")); /* hop-by-hop, not forwarded */
    /* Three requests, one connection to the target. */
    assert_int_equal(r->t.connections - conns_before, 1);
    pthread_mutex_unlock(&r->t.mu);
    hangup(fd);
}

static void test_pipelining_in_order(void **state)
{
    struct rig *r = *state;
    struct conn *fd = dial(r->port);
    const char *three = "GET /p1 HTTP/1.1\r\nHost: a\r\n\r\n"
                        "GET /none HTTP/1.1\r\nHost: a\r\n\r\n"
                        "GET /p3 HTTP/1.1\r\nHost: a\r\n\r\n";
    send_all(fd->fd, three, strlen(three));
    char resp[16384];
    size_t len;
    bool closed;
    assert_int_equal(read_response(fd, resp, sizeof(resp), &len, &closed), 200);
    assert_int_equal(read_response(fd, resp, sizeof(resp), &len, &closed), 503);
    assert_int_equal(read_response(fd, resp, sizeof(resp), &len, &closed), 200);
    hangup(fd);
}

static void test_no_target_503(void **state)
{
    struct rig *r = *state;
    struct conn *fd = dial(r->port);
    char resp[16384];
    bool closed;
    assert_int_equal(
        roundtrip(fd, "GET /none HTTP/1.1\r\nHost: a\r\n\r\n", resp, sizeof(resp), &closed), 503);
    assert_non_null(strstr(resp, "HTTP/1.1 503 Service Temporarily Unavailable\r\nServer: "
                                 "awselb/2.0\r\n"));
    assert_false(closed); /* ALB keeps the connection after its 5xx */
    assert_int_equal(
        roundtrip(fd, "GET /ok HTTP/1.1\r\nHost: a\r\n\r\n", resp, sizeof(resp), &closed), 200);
    hangup(fd);
}

static void test_refused_502(void **state)
{
    struct rig *r = *state;
    struct conn *fd = dial(r->port);
    char resp[16384];
    bool closed;
    assert_int_equal(
        roundtrip(fd, "GET /refused HTTP/1.1\r\nHost: a\r\n\r\n", resp, sizeof(resp), &closed),
        502);
    assert_non_null(strstr(resp, "<center><h1>502 Bad Gateway</h1></center>"));
    assert_false(closed);
    hangup(fd);
}

static void test_smuggling_refused(void **state)
{
    struct rig *r = *state;
    int before = target_requests(r);
    struct conn *fd = dial(r->port);
    char resp[16384];
    bool closed;
    assert_int_equal(
        roundtrip(fd,
                  "POST /s HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n"
                  "Host: a\r\n\r\n",
                  resp, sizeof(resp), &closed),
        400);
    assert_non_null(strstr(resp, "Connection: close\r\n"));
    assert_true(closed);
    hangup(fd);
    usleep(50000);
    assert_int_equal(target_requests(r), before);
}

static void test_chunked_both_ways(void **state)
{
    struct rig *r = *state;
    struct conn *fd = dial(r->port);
    char resp[16384];
    bool closed;
    assert_int_equal(roundtrip(fd,
                               "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
                               resp, sizeof(resp), &closed),
                     200);
    pthread_mutex_lock(&r->t.mu);
    assert_int_equal(r->t.last_body_len, 11);
    assert_memory_equal(r->t.last_body, "hello world", 11);
    assert_non_null(strstr(r->t.last_head, "Transfer-Encoding: chunked\r\n"));
    pthread_mutex_unlock(&r->t.mu);
    /* A chunked response passes through as it is. */
    assert_int_equal(
        roundtrip(fd, "GET /chunked HTTP/1.1\r\nHost: a\r\n\r\n", resp, sizeof(resp), &closed),
        200);
    assert_non_null(strstr(resp, "\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
    /* A close-delimited one reaches an HTTP/1.1 client chunked. */
    assert_int_equal(
        roundtrip(fd, "GET /close HTTP/1.1\r\nHost: a\r\n\r\n", resp, sizeof(resp), &closed), 200);
    assert_non_null(strstr(resp, "Transfer-Encoding: chunked\r\n"));
    if (!strstr(resp, "\r\n\r\nb\r\nuntil close\r\n0\r\n\r\n"))
        fail_msg("response: %s", resp);
    assert_false(closed);
    hangup(fd);
}

static void test_http10_client(void **state)
{
    struct rig *r = *state;
    struct conn *fd = dial(r->port);
    char resp[16384];
    bool closed;
    assert_int_equal(roundtrip(fd, "GET /old HTTP/1.0\r\n\r\n", resp, sizeof(resp), &closed), 200);
    assert_non_null(strstr(resp, "Connection: close\r\n"));
    assert_true(closed);
    pthread_mutex_lock(&r->t.mu);
    /* The target is asked in HTTP/1.0 (so it never chunks), kept alive. */
    assert_non_null(strstr(r->t.last_head, "GET /old HTTP/1.0\r\n"));
    assert_non_null(strstr(r->t.last_head, "Connection: keep-alive\r\n"));
    pthread_mutex_unlock(&r->t.mu);
    hangup(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_forward_and_reuse, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_pipelining_in_order, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_no_target_503, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_refused_502, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_smuggling_refused, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_chunked_both_ways, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_http10_client, rig_setup, rig_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
