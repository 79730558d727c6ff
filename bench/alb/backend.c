/*
 * alb backend: the target of the ALB benchmark (see bench/alb/README.md).
 *
 * A minimal HTTP/1.1 responder that answers every request with the same small
 * 200 response, so that the proxy in front of it (alb-emu, nginx or haproxy) is
 * what the benchmark measures, not the backend. A Python or nginx backend would
 * cost more CPU per request than the proxies do and flatten their differences.
 *
 * One process, one thread, epoll level-triggered. It reads whatever arrives and
 * answers once per "\r\n\r\n" it sees (requests are GETs without bodies: wrk's
 * and the health checks'), so keep-alive and pipelining both work; connections
 * stay open until the peer closes them. Usage: backend PORT (0 = any free
 * port); it prints "port N" on stdout once listening, on 127.0.0.1 only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_EVENTS 256
#define READ_SIZE  16384

static const char k_response[] = "HTTP/1.1 200 OK\r\n"
                                 "Content-Type: text/plain\r\n"
                                 "Content-Length: 13\r\n"
                                 "\r\n"
                                 "hello, world\n";

/* One client connection. */
struct conn {
    int fd;
    int match;    /* how much of "\r\n\r\n" the bytes read so far end with */
    char *out;    /* responses not yet written (owned) */
    size_t olen;  /* bytes pending in out */
    size_t ocap;  /* allocated size of out */
    int want_out; /* EPOLLOUT is armed */
};

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL, 0);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void conn_close(int ep, struct conn *c)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->out);
    free(c);
}

/* Counts the request ends in buf, carrying a partial "\r\n\r\n" across reads. */
static size_t count_ends(struct conn *c, const char *buf, size_t len)
{
    static const char end[] = "\r\n\r\n";
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == end[c->match]) {
            if (++c->match == 4) {
                n++;
                c->match = 0;
            }
        } else {
            c->match = buf[i] == '\r' ? 1 : 0;
        }
    }
    return n;
}

/* Queues n responses; returns 0, or -1 when out of memory. */
static int queue_responses(struct conn *c, size_t n)
{
    size_t need = c->olen + n * (sizeof(k_response) - 1);
    if (need > c->ocap) {
        size_t cap = c->ocap ? c->ocap : 4096;
        while (cap < need)
            cap *= 2;
        char *p = realloc(c->out, cap);
        if (!p)
            return -1;
        c->out = p;
        c->ocap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(c->out + c->olen, k_response, sizeof(k_response) - 1);
        c->olen += sizeof(k_response) - 1;
    }
    return 0;
}

/* Writes what is pending; returns 0, or -1 when the connection failed. */
static int flush_out(int ep, struct conn *c)
{
    size_t off = 0;
    while (off < c->olen) {
        ssize_t w = write(c->fd, c->out + off, c->olen - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            return -1;
        }
        off += (size_t)w;
    }
    memmove(c->out, c->out + off, c->olen - off);
    c->olen -= off;
    int want = c->olen > 0;
    if (want != c->want_out) {
        struct epoll_event ev = { .events = EPOLLIN | (want ? EPOLLOUT : 0), .data.ptr = c };
        if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0)
            return -1;
        c->want_out = want;
    }
    return 0;
}

static void on_readable(int ep, struct conn *c)
{
    char buf[READ_SIZE];
    for (;;) {
        ssize_t r = read(c->fd, buf, sizeof(buf));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (r <= 0) {
            conn_close(ep, c);
            return;
        }
        size_t n = count_ends(c, buf, (size_t)r);
        if (n && queue_responses(c, n) < 0) {
            conn_close(ep, c);
            return;
        }
        if ((size_t)r < sizeof(buf))
            break;
    }
    if (c->olen && flush_out(ep, c) < 0)
        conn_close(ep, c);
}

static void on_accept(int ep, int lfd)
{
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            return; /* EAGAIN, or a transient error: the next event retries */
        int one = 1;
        struct conn *c = calloc(1, sizeof(*c));
        struct epoll_event ev = { .events = EPOLLIN };
        if (!c || set_nonblock(fd) < 0 ||
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0) {
            free(c);
            close(fd);
            continue;
        }
        c->fd = fd;
        ev.data.ptr = c;
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
            free(c);
            close(fd);
        }
    }
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 0;
    signal(SIGPIPE, SIG_IGN);
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t slen = sizeof(sa);
    if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 4096) < 0 ||
        set_nonblock(lfd) < 0 || getsockname(lfd, (struct sockaddr *)&sa, &slen) < 0) {
        perror("backend: listen");
        return 1;
    }
    int ep = epoll_create1(0);
    struct epoll_event lev = { .events = EPOLLIN, .data.ptr = NULL };
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev) < 0) {
        perror("backend: epoll");
        return 1;
    }
    printf("port %d\n", ntohs(sa.sin_port));
    fflush(stdout);

    struct epoll_event evs[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(ep, evs, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("backend: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (!c) {
                on_accept(ep, lfd);
                continue;
            }
            if (evs[i].events & (EPOLLERR | EPOLLHUP)) {
                conn_close(ep, c);
                continue;
            }
            if (evs[i].events & EPOLLOUT) {
                if (flush_out(ep, c) < 0) {
                    conn_close(ep, c);
                    continue;
                }
            }
            if (evs[i].events & EPOLLIN)
                on_readable(ep, c);
        }
    }
}
