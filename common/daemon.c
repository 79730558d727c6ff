/*
 * Daemon lifecycle pieces: listening sockets, the ready file, and signal
 * handling on the event loop. Kept apart from any protocol so sqs-emu,
 * cache-emu and alb-emu start and stop the same way.
 */
#include "common/daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"

int dd_listen_tcp(const char *host, int port, int backlog, evutil_socket_t *fd_out, int *bound_port)
{
    if (!host || port < 0 || port > 65535)
        return DD_EINVAL;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    char service[8];
    snprintf(service, sizeof(service), "%d", port);
    if (getaddrinfo(host, service, &hints, &res) != 0 || !res)
        return DD_EINVAL;

    int rc = DD_EIO;
    int fd = -1;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, backlog) == 0) {
            rc = DD_OK;
            break;
        }
        int saved = errno;
        close(fd);
        fd = -1;
        errno = saved;
    }
    freeaddrinfo(res);
    if (rc != DD_OK)
        return rc;

    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
        close(fd);
        return DD_EIO;
    }
    if (ss.ss_family == AF_INET)
        *bound_port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    else
        *bound_port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    *fd_out = fd;
    return DD_OK;
}

int dd_ready_file_write(const char *path, int port, int admin_port, json_t *extra)
{
    json_t *doc = json_object();
    if (!doc)
        return DD_ENOMEM;
    int rc = DD_ENOMEM;
    if (json_object_set_new(doc, "pid", json_integer(getpid())) ||
        json_object_set_new(doc, "port", json_integer(port)))
        goto out;
    if (admin_port >= 0 && json_object_set_new(doc, "admin_port", json_integer(admin_port)))
        goto out;
    if (extra && json_object_update(doc, extra))
        goto out;

    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= sizeof(tmp)) {
        rc = DD_EINVAL;
        goto out;
    }
    rc = DD_EIO;
    if (json_dump_file(doc, tmp, JSON_COMPACT) != 0)
        goto out;
    if (rename(tmp, path) != 0) {
        unlink(tmp);
        goto out;
    }
    rc = DD_OK;
out:
    json_decref(doc);
    return rc;
}

/* The address tests on the bare in_addr/in6_addr, shared by both entry points
 * so no sockaddr is ever built and read through a pointer of another type. */
static int in4_is_loopback(const struct in_addr *a)
{
    return (ntohl(a->s_addr) >> 24) == 127;
}

static int in6_is_loopback(const struct in6_addr *a)
{
    if (IN6_IS_ADDR_LOOPBACK(a))
        return 1;
    return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
}

int dd_addr_is_loopback(const struct sockaddr *addr)
{
    if (addr->sa_family == AF_INET) {
        struct sockaddr_in in;
        memcpy(&in, addr, sizeof(in));
        return in4_is_loopback(&in.sin_addr);
    }
    if (addr->sa_family == AF_INET6) {
        struct sockaddr_in6 in6;
        memcpy(&in6, addr, sizeof(in6));
        return in6_is_loopback(&in6.sin6_addr);
    }
    return 0;
}

int dd_addr_str_is_loopback(const char *addr)
{
    if (!addr)
        return 0;
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, addr, &a4) == 1)
        return in4_is_loopback(&a4);
    if (inet_pton(AF_INET6, addr, &a6) == 1)
        return in6_is_loopback(&a6);
    return 0;
}

struct dd_signals {
    struct event *term; /* owned */
    struct event *intr; /* owned */
    dd_stop_fn fn;
    void *arg;
};

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    struct dd_signals *s = arg;
    s->fn(s->arg, (int)sig);
}

struct dd_signals *dd_signals_new(struct event_base *base, dd_stop_fn fn, void *arg)
{
    struct dd_signals *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->fn = fn;
    s->arg = arg;
    signal(SIGPIPE, SIG_IGN);
    s->term = evsignal_new(base, SIGTERM, on_signal, s);
    s->intr = evsignal_new(base, SIGINT, on_signal, s);
    if (!s->term || !s->intr || evsignal_add(s->term, NULL) || evsignal_add(s->intr, NULL)) {
        dd_signals_free(s);
        return NULL;
    }
    return s;
}

/* Freeing the events restores the dispositions found at start (SIG_DFL, or
 * SIG_IGN for INT in a background job), and a stop signal arriving after that
 * would kill a daemon that is already on its way out: drydock sends TERM right
 * after the terminal's INT. So both are blocked across the release and then
 * ignored; one pending meanwhile is discarded. */
void dd_signals_free(struct dd_signals *s)
{
    if (!s)
        return;
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigprocmask(SIG_BLOCK, &stop, NULL);
    if (s->term)
        event_free(s->term);
    if (s->intr)
        event_free(s->intr);
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    sigprocmask(SIG_UNBLOCK, &stop, NULL);
    free(s);
}
