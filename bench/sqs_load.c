/*
 * sqs_load: the load generator of the SQS benchmark (see bench/README.md).
 *
 * It drives one SQS endpoint over HTTP/1.1 with the AWS JSON 1.0 protocol from a
 * fixed number of keep-alive connections, with exactly one request in flight on
 * each (SDK clients do not pipeline, so neither does the benchmark), and measures
 * every call with CLOCK_MONOTONIC from the moment it is issued to the moment its
 * response is complete. When a server closes the connection after a response (moto's
 * Werkzeug server does so after every one), the next request reconnects first and
 * the connect time is part of its latency, as it would be for a real client.
 *
 * One process, one thread, epoll in edge-triggered mode: on the 2-core machine the
 * benchmark is written for, the server under test keeps the other core. Phases:
 *   send      SendMessage (or SendMessageBatch with --batch) with --body-size bodies
 *   drain     ReceiveMessage (10 at a time) + DeleteMessageBatch until the queue is empty
 *   longpoll  a receiver parked in WaitTimeSeconds, a sender; send-acknowledged to
 *             receive-returned latency per round
 * Every loop is bounded by a count and by a time budget, and each request by a
 * timeout. Only loopback endpoints are accepted: this measures a local emulator and
 * is not meant to be pointed at anybody's service.
 *
 * Requests carry an Authorization header of the SigV4 shape with a dummy signature:
 * moto picks the service from the credential scope, and sqs-emu ignores it unless
 * started with --auth sigv4.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS        1024
#define MAX_RESPONSE     (16u << 20) /* larger than any SQS reply: 10 messages of 1 MiB */
#define MAX_BODY_SIZE    (1u << 20)  /* SQS's largest message */
#define MAX_SAMPLES      (64u << 20) /* latency samples kept per call kind */
#define MAX_FAILS        10          /* consecutive failures before a connection gives up */
#define MAX_WAIT_SECONDS 20          /* SQS's longest WaitTimeSeconds */
#define NS_PER_MS        1000000LL
#define NS_PER_S         1000000000LL
#define READ_CHUNK       16384

#define DUMMY_AUTH                                                           \
    "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/sqs/aws4_request, " \
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "              \
    "Signature=0000000000000000000000000000000000000000000000000000000000000000"

enum phase { PH_SEND, PH_DRAIN, PH_LONGPOLL };

/* What a request is, for the statistics; each kind has its own latency sample. */
enum kind { K_SEND, K_RECEIVE, K_DELETE, K_WAKE, K_WAKE_SEND, K_NKINDS };

enum cstate { C_IDLE, C_CONNECTING, C_WRITING, C_READING, C_DONE };

/* A growable byte string; `p` is NUL-terminated whenever it is non-NULL. */
struct sbuf {
    char *p;    /* owned */
    size_t len; /* bytes used, without the terminator */
    size_t cap; /* bytes allocated */
};

/* Every latency of one call kind, in nanoseconds, sorted only when summarised. */
struct samples {
    int64_t *v;       /* owned */
    size_t n;         /* samples kept */
    size_t cap;       /* slots allocated */
    uint64_t dropped; /* samples beyond MAX_SAMPLES, counted but not kept */
};

struct call_stats {
    const char *name;  /* static: the SQS operation, or "wake" */
    uint64_t ok;       /* HTTP 200 replies */
    uint64_t errors;   /* other replies, timeouts, connection failures */
    struct samples ns; /* latency of the ok replies */
};

struct options {
    enum phase phase;
    const char *url;       /* endpoint, http://loopback:port */
    const char *queue_url; /* QueueUrl put in every request body */
    unsigned conns;        /* connections, one request in flight on each */
    uint64_t count;        /* send: messages; drain: messages at most; longpoll: rounds */
    double duration;       /* seconds during which new requests are issued */
    double timeout;        /* seconds one request may take, WaitTimeSeconds included */
    unsigned body_size;    /* bytes of each message body */
    unsigned batch;        /* send: messages per request, 1 = SendMessage */
    unsigned wait_s;       /* longpoll: WaitTimeSeconds */
    unsigned settle_ms;    /* longpoll: pause between parking the receiver and sending */
    unsigned visibility;   /* drain: VisibilityTimeout of the receives, 0 = queue default */
    bool json;             /* print one JSON object instead of text */
};

/* Where requests go: a loopback socket address and the Host header naming it. */
struct endpoint {
    struct sockaddr_storage addr; /* the server */
    socklen_t addrlen;            /* bytes of addr in use */
    char host[280];               /* Host header value, "127.0.0.1:9324" */
    char path[256];               /* request target, "/" unless the URL has a path */
};

/* One parsed HTTP response head. */
struct http_resp {
    int status;        /* status code */
    size_t header_len; /* bytes up to and including the blank line */
    size_t body_len;   /* bytes of the body */
    bool close;        /* the server will close the connection after this response */
};

struct conn {
    int fd;            /* -1 while closed */
    enum cstate state; /* where the request in flight is */
    enum kind kind;    /* what the request in flight is */
    unsigned nmsg;     /* messages carried by the request in flight */
    int64_t t_start;   /* when the request in flight was issued */
    struct sbuf out;   /* the request in flight, or the next one when `pending` */
    size_t out_off;    /* bytes of out already written */
    struct sbuf in;    /* response bytes read so far */
    bool readable;     /* epoll said readable and read has not hit EAGAIN since */
    bool writable;     /* epoll said writable and write has not hit EAGAIN since */
    bool peer_closed;  /* EPOLLRDHUP seen: close after the current response */
    bool pending;      /* drain: out holds a DeleteMessageBatch to issue next */
    unsigned fails;    /* consecutive failures */
};

/* The long-poll round: receiver parked, then a send, then both replies, then a delete. */
enum lp_state { LP_PARKED, LP_SENT, LP_DELETING, LP_FINISHED };

struct longpoll {
    enum lp_state st;   /* where the round is */
    int64_t settle_at;  /* when to send once the receiver is parked */
    int64_t t_send;     /* when the send was issued */
    int64_t t_ack;      /* when the send's reply was complete */
    int64_t t_recv;     /* when the receive returned the message */
    bool acked;         /* the send of this round was acknowledged */
    bool got;           /* the receiver holds a message (its handle is in `handle`) */
    bool missed;        /* the receive returned empty after the send: no wake-up */
    struct sbuf handle; /* receipt handle to delete, raw JSON string contents */
    uint64_t rounds;    /* rounds completed */
    uint64_t misses;    /* rounds whose receiver was not woken by the send */
    uint64_t early;     /* rounds whose receive returned before the send's reply */
    uint64_t stale;     /* messages found already queued, deleted without a round */
};

struct loader {
    struct options opt;
    struct endpoint ep;
    int epfd;
    struct conn *conns; /* owned, opt.conns entries */
    struct call_stats calls[K_NKINDS];
    struct sbuf body;    /* scratch for building request bodies */
    char *filler;        /* owned: body_size bytes of message body */
    int64_t t_begin;     /* phase start */
    int64_t t_deadline;  /* no request is issued after this */
    int64_t t_last;      /* last reply completed */
    uint64_t issued;     /* send: messages issued; drain: receives issued */
    uint64_t messages;   /* send: messages accepted; drain: messages deleted */
    uint64_t received;   /* drain: messages received */
    uint64_t reconnects; /* connections opened after the first one of each slot */
    uint64_t opened;     /* connections opened */
    bool by_time;        /* a connection stopped because the time budget ran out */
    bool by_empty;       /* a connection stopped on an empty receive */
    bool gave_up;        /* a connection stopped after MAX_FAILS failures in a row */
    const char *fatal;   /* static: why the phase was abandoned, or NULL */
    char first_error[200];
    struct longpoll lp;
};

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    interrupted = 1;
}

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("sqs_load: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* ---- byte strings ---- */

static void sbuf_reserve(struct sbuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
        die("out of memory (%zu bytes)", cap);
    b->p = p;
    b->cap = cap;
}

static void sbuf_add(struct sbuf *b, const void *data, size_t n)
{
    sbuf_reserve(b, n);
    memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sbuf_adds(struct sbuf *b, const char *s)
{
    sbuf_add(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        die("vsnprintf failed");
    sbuf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static void sbuf_free(struct sbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

/* ---- latency samples ---- */

static void samples_add(struct samples *s, int64_t ns)
{
    if (s->n == MAX_SAMPLES) {
        s->dropped++;
        return;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        int64_t *v = realloc(s->v, cap * sizeof(*v));
        if (!v)
            die("out of memory (%zu samples)", cap);
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = ns;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted sample, in milliseconds. */
static double pct_ms(const struct samples *s, double p)
{
    if (s->n == 0)
        return 0;
    size_t rank = (size_t)ceil(p / 100.0 * (double)s->n);
    if (rank < 1)
        rank = 1;
    return (double)s->v[rank - 1] / (double)NS_PER_MS;
}

static double mean_ms(const struct samples *s)
{
    if (s->n == 0)
        return 0;
    double sum = 0;
    for (size_t i = 0; i < s->n; i++)
        sum += (double)s->v[i];
    return sum / (double)s->n / (double)NS_PER_MS;
}

/* ---- endpoint ---- */

/*
 * Accepts http://HOST[:PORT][/path] where HOST is an address in 127.0.0.0/8, ::1 in
 * brackets, or "localhost". Anything else is refused: see the file comment.
 */
static void endpoint_parse(struct endpoint *ep, const char *url)
{
    memset(ep, 0, sizeof(*ep));
    if (strncasecmp(url, "http://", 7) != 0)
        die("--url %s: only http:// URLs are supported", url);
    const char *h = url + 7, *hend, *rest;
    char host[256];
    if (*h == '[') {
        hend = strchr(h, ']');
        if (!hend)
            die("--url %s: unterminated [", url);
        if ((size_t)(hend - h - 1) >= sizeof(host))
            die("--url %s: host too long", url);
        memcpy(host, h + 1, (size_t)(hend - h - 1));
        host[hend - h - 1] = '\0';
        rest = hend + 1;
    } else {
        hend = h + strcspn(h, ":/");
        if ((size_t)(hend - h) >= sizeof(host) || hend == h)
            die("--url %s: bad host", url);
        memcpy(host, h, (size_t)(hend - h));
        host[hend - h] = '\0';
        rest = hend;
    }
    unsigned long port = 80;
    if (*rest == ':') {
        char *end;
        errno = 0;
        port = strtoul(rest + 1, &end, 10);
        if (errno || end == rest + 1 || port == 0 || port > 65535 || (*end && *end != '/'))
            die("--url %s: bad port", url);
        rest = end;
    }
    if (*rest == '\0')
        rest = "/";
    if (strlen(rest) >= sizeof(ep->path))
        die("--url %s: path too long", url);
    snprintf(ep->path, sizeof(ep->path), "%s", rest);

    struct sockaddr_in *sin = (struct sockaddr_in *)&ep->addr;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ep->addr;
    if (strcasecmp(host, "localhost") == 0 || inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
        if (strcasecmp(host, "localhost") == 0)
            sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if ((ntohl(sin->sin_addr.s_addr) >> 24) != 127)
            die("--url %s: only loopback addresses (127.0.0.0/8, ::1) are allowed", url);
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)port);
        ep->addrlen = sizeof(*sin);
    } else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
        if (!IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr))
            die("--url %s: only loopback addresses (127.0.0.0/8, ::1) are allowed", url);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)port);
        ep->addrlen = sizeof(*sin6);
    } else {
        die("--url %s: host must be a loopback address or localhost", url);
    }
    /* The Host header is the URL's authority exactly as given. */
    size_t hostlen = strcspn(h, "/");
    if (hostlen >= sizeof(ep->host))
        die("--url %s: host too long", url);
    memcpy(ep->host, h, hostlen);
    ep->host[hostlen] = '\0';
}

/* ---- HTTP ---- */

static bool header_is(const char *line, size_t len, const char *name, const char **value,
                      size_t *vlen)
{
    size_t n = strlen(name);
    if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
        return false;
    const char *v = line + n + 1, *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    *value = v;
    *vlen = (size_t)(end - v);
    return true;
}

/*
 * Parses the response at p[0..len). Returns its total length once it is complete,
 * 0 while more bytes are needed, -1 when it is malformed or framed in a way this
 * client does not speak (chunked: neither server under test uses it). `eof` says the
 * server closed the connection, which ends a body sent without a length.
 */
static long http_parse(const char *p, size_t len, bool eof, struct http_resp *r)
{
    const char *end = memmem(p, len, "\r\n\r\n", 4);
    if (!end)
        return len > 65536 ? -1 : 0;
    memset(r, 0, sizeof(*r));
    r->header_len = (size_t)(end - p) + 4;
    if (r->header_len < 14 || strncmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ')
        return -1;
    bool http10 = p[7] == '0';
    if (p[9] < '1' || p[9] > '5' || p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9')
        return -1;
    r->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
    r->close = http10;
    long long clen = -1;
    const char *line = memchr(p, '\n', r->header_len) + 1;
    while (line < end) {
        const char *eol = memmem(line, (size_t)(end + 2 - line), "\r\n", 2);
        size_t ll = (size_t)(eol - line);
        const char *v;
        size_t vl;
        if (header_is(line, ll, "content-length", &v, &vl)) {
            char num[24];
            if (vl == 0 || vl >= sizeof(num) || clen >= 0)
                return -1;
            memcpy(num, v, vl);
            num[vl] = '\0';
            char *e;
            clen = strtoll(num, &e, 10);
            if (*e || clen < 0)
                return -1;
        } else if (header_is(line, ll, "connection", &v, &vl)) {
            if (vl == 5 && strncasecmp(v, "close", 5) == 0)
                r->close = true;
            else if (vl == 10 && strncasecmp(v, "keep-alive", 10) == 0)
                r->close = false;
        } else if (header_is(line, ll, "transfer-encoding", &v, &vl)) {
            return -1;
        }
        line = eol + 2;
    }
    if (r->status == 204 || r->status == 304 || r->status < 200)
        clen = 0;
    if (clen < 0) {
        /* No length: the body runs to the end of the connection. */
        if (!eof)
            return 0;
        r->body_len = len - r->header_len;
        r->close = true;
        return (long)len;
    }
    if ((unsigned long long)clen > MAX_RESPONSE)
        return -1;
    if (len < r->header_len + (size_t)clen)
        return 0;
    r->body_len = (size_t)clen;
    return (long)(r->header_len + r->body_len);
}

/*
 * Finds the next string value of `key` in a JSON text at or after *pos and returns
 * its raw contents (escapes left as they are, so they can be copied into another
 * JSON string unchanged). A quoted key inside a string value cannot match: its
 * quotes would be escaped.
 */
static bool json_next_string(const char *p, size_t len, size_t *pos, const char *key,
                             const char **val, size_t *vlen)
{
    char needle[64];
    int nl = snprintf(needle, sizeof(needle), "\"%s\"", key);
    while (*pos < len) {
        const char *k = memmem(p + *pos, len - *pos, needle, (size_t)nl);
        if (!k)
            break;
        size_t i = (size_t)(k - p) + (size_t)nl;
        *pos = i;
        while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
            i++;
        if (i >= len || p[i] != ':')
            continue;
        i++;
        while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
            i++;
        if (i >= len || p[i] != '"')
            continue;
        size_t s = ++i;
        while (i < len && p[i] != '"') {
            if (p[i] == '\\')
                i++;
            i++;
        }
        if (i >= len)
            return false;
        *val = p + s;
        *vlen = i - s;
        *pos = i + 1;
        return true;
    }
    *pos = len;
    return false;
}

static unsigned count_occurrences(const char *p, size_t len, const char *needle)
{
    unsigned n = 0;
    size_t nl = strlen(needle);
    const char *end = p + len;
    while (p < end) {
        const char *hit = memmem(p, (size_t)(end - p), needle, nl);
        if (!hit)
            break;
        n++;
        p = hit + nl;
    }
    return n;
}

/* Replaces c->out with a complete POST of `target` carrying L->body. */
static void build_request(struct loader *L, struct conn *c, const char *target)
{
    c->out.len = 0;
    sbuf_printf(&c->out,
                "POST %s HTTP/1.1\r\n"
                "Host: %s\r\n"
                "Content-Type: application/x-amz-json-1.0\r\n"
                "X-Amz-Target: AmazonSQS.%s\r\n"
                "X-Amz-Date: 20250101T000000Z\r\n"
                "Authorization: " DUMMY_AUTH "\r\n"
                "Content-Length: %zu\r\n"
                "\r\n",
                L->ep.path, L->ep.host, target, L->body.len);
    sbuf_add(&c->out, L->body.p, L->body.len);
}

/* A message body of exactly body_size bytes, unique through its sequence number. */
static void add_message_body(struct loader *L, uint64_t seq)
{
    char head[32];
    int n = snprintf(head, sizeof(head), "m%015" PRIu64 " ", seq);
    size_t size = L->opt.body_size;
    size_t hn = (size_t)n < size ? (size_t)n : size;
    sbuf_add(&L->body, head, hn);
    sbuf_add(&L->body, L->filler, size - hn);
}

static void build_send(struct loader *L, struct conn *c, unsigned nmsg)
{
    L->body.len = 0;
    if (L->opt.batch == 1) {
        sbuf_printf(&L->body, "{\"QueueUrl\":\"%s\",\"MessageBody\":\"", L->opt.queue_url);
        add_message_body(L, L->issued);
        sbuf_adds(&L->body, "\"}");
        build_request(L, c, "SendMessage");
    } else {
        sbuf_printf(&L->body, "{\"QueueUrl\":\"%s\",\"Entries\":[", L->opt.queue_url);
        for (unsigned i = 0; i < nmsg; i++) {
            sbuf_printf(&L->body, "%s{\"Id\":\"m%u\",\"MessageBody\":\"", i ? "," : "", i);
            add_message_body(L, L->issued + i);
            sbuf_adds(&L->body, "\"}");
        }
        sbuf_adds(&L->body, "]}");
        build_request(L, c, "SendMessageBatch");
    }
}

static void build_receive(struct loader *L, struct conn *c, unsigned max, unsigned wait)
{
    L->body.len = 0;
    sbuf_printf(&L->body, "{\"QueueUrl\":\"%s\",\"MaxNumberOfMessages\":%u,\"WaitTimeSeconds\":%u",
                L->opt.queue_url, max, wait);
    if (L->opt.visibility)
        sbuf_printf(&L->body, ",\"VisibilityTimeout\":%u", L->opt.visibility);
    sbuf_adds(&L->body, "}");
    build_request(L, c, "ReceiveMessage");
}

/* ---- connections ---- */

static void conn_close(struct loader *L, struct conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->readable = c->writable = c->peer_closed = false;
}

static void note_error(struct loader *L, const char *fmt, ...)
{
    if (L->first_error[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(L->first_error, sizeof(L->first_error), fmt, ap);
    va_end(ap);
}

static void phase_next(struct loader *L, struct conn *c);
static void phase_reply(struct loader *L, struct conn *c, int status, const char *body, size_t blen,
                        int64_t t);
static void conn_progress(struct loader *L, struct conn *c);

/* The request in flight failed without a usable reply. */
static void conn_fail(struct loader *L, struct conn *c, const char *why)
{
    L->calls[c->kind].errors++;
    note_error(L, "%s: %s", L->calls[c->kind].name, why);
    conn_close(L, c);
    c->state = C_IDLE;
    c->pending = false;
    c->fails++;
    if (L->opt.phase == PH_LONGPOLL) {
        L->fatal = "a long-poll request failed";
        L->lp.st = LP_FINISHED;
        return;
    }
    if (c->fails >= MAX_FAILS) {
        L->gave_up = true;
        c->state = C_DONE;
        return;
    }
    phase_next(L, c);
}

static void conn_open(struct loader *L, struct conn *c)
{
    int fd = socket(L->ep.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die("socket: %s", strerror(errno));
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
        die("setsockopt TCP_NODELAY: %s", strerror(errno));
    struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = c };
    if (epoll_ctl(L->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
        die("epoll_ctl: %s", strerror(errno));
    c->fd = fd;
    c->readable = c->writable = c->peer_closed = false;
    if (L->opened++ >= L->opt.conns)
        L->reconnects++;
    if (connect(fd, (struct sockaddr *)&L->ep.addr, L->ep.addrlen) == 0) {
        c->writable = true;
        c->state = C_WRITING;
    } else if (errno == EINPROGRESS) {
        c->state = C_CONNECTING;
    } else {
        c->state = C_WRITING;
        conn_fail(L, c, strerror(errno));
    }
}

/* Issues the request in c->out (kind and message count set by the caller). */
static void conn_issue(struct loader *L, struct conn *c, enum kind kind, unsigned nmsg)
{
    c->kind = kind;
    c->nmsg = nmsg;
    c->out_off = 0;
    c->in.len = 0;
    c->t_start = now_ns();
    if (c->fd < 0) {
        conn_open(L, c);
        if (c->fd < 0)
            return;
    } else {
        c->state = C_WRITING;
    }
    conn_progress(L, c);
}

static void conn_complete(struct loader *L, struct conn *c, const struct http_resp *r, int64_t t)
{
    if (r->close || c->peer_closed)
        conn_close(L, c);
    c->state = C_IDLE;
    struct call_stats *cs = &L->calls[c->kind];
    if (r->status == 200) {
        cs->ok++;
        samples_add(&cs->ns, t - c->t_start);
        c->fails = 0;
    } else {
        cs->errors++;
        c->fails++;
        size_t bl = r->body_len < 120 ? r->body_len : 120;
        note_error(L, "%s: HTTP %d %.*s", cs->name, r->status, (int)bl, c->in.p + r->header_len);
    }
    L->t_last = t;
    /* The reply may issue the next request on c, which reuses c->in. */
    phase_reply(L, c, r->status, c->in.p + r->header_len, r->body_len, t);
    if (c->state != C_IDLE || L->opt.phase == PH_LONGPOLL)
        return;
    if (c->fails >= MAX_FAILS) {
        L->gave_up = true;
        c->state = C_DONE;
        return;
    }
    phase_next(L, c);
}

/* Moves the request on c as far as the socket allows without blocking. */
static void conn_progress(struct loader *L, struct conn *c)
{
    if (c->state == C_CONNECTING) {
        if (!c->writable)
            return;
        int err = 0;
        socklen_t el = sizeof(err);
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
            err = errno;
        if (err) {
            conn_fail(L, c, strerror(err));
            return;
        }
        c->state = C_WRITING;
    }
    if (c->state == C_WRITING) {
        while (c->out_off < c->out.len) {
            if (!c->writable)
                return;
            ssize_t n = send(c->fd, c->out.p + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) {
                    c->writable = false;
                    return;
                }
                if (errno == EINTR)
                    continue;
                conn_fail(L, c, strerror(errno));
                return;
            }
            c->out_off += (size_t)n;
        }
        c->state = C_READING;
    }
    if (c->state == C_READING) {
        while (c->readable) {
            sbuf_reserve(&c->in, READ_CHUNK);
            size_t space = c->in.cap - c->in.len - 1;
            ssize_t n = recv(c->fd, c->in.p + c->in.len, space, 0);
            bool eof = n == 0;
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) {
                    c->readable = false;
                    return;
                }
                if (errno == EINTR)
                    continue;
                conn_fail(L, c, strerror(errno));
                return;
            }
            c->in.len += (size_t)n;
            c->in.p[c->in.len] = '\0';
            /* A short read drained the socket; a pending FIN shows as EPOLLRDHUP. */
            if (!eof && (size_t)n < space)
                c->readable = false;
            struct http_resp r;
            long total = http_parse(c->in.p, c->in.len, eof, &r);
            if (total < 0) {
                conn_fail(L, c, "malformed or chunked HTTP response");
                return;
            }
            if (total > 0) {
                if ((size_t)total != c->in.len) {
                    conn_fail(L, c, "bytes after the response");
                    return;
                }
                conn_complete(L, c, &r, now_ns());
                return;
            }
            if (eof) {
                conn_fail(L, c,
                          c->in.len ? "connection closed mid-response"
                                    : "connection closed before the response");
                return;
            }
            if (c->in.len > MAX_RESPONSE + 65536) {
                conn_fail(L, c, "response too large");
                return;
            }
        }
        return;
    }
    if (c->state == C_IDLE && c->fd >= 0 && (c->readable || c->peer_closed)) {
        /* Nothing is in flight: anything but EAGAIN means the server closed it. */
        char b;
        ssize_t n = recv(c->fd, &b, 1, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && !c->peer_closed)
            c->readable = false;
        else
            conn_close(L, c);
    }
}

static void conn_on_event(struct loader *L, struct conn *c, uint32_t ev)
{
    if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
        c->readable = true;
    if (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR))
        c->writable = true;
    if (ev & EPOLLRDHUP)
        c->peer_closed = true;
    conn_progress(L, c);
}

/* ---- phases ---- */

static bool may_issue(struct loader *L)
{
    if (interrupted || L->fatal)
        return false;
    if (now_ns() >= L->t_deadline) {
        L->by_time = true;
        return false;
    }
    return true;
}

static void send_next(struct loader *L, struct conn *c)
{
    if (L->issued >= L->opt.count || !may_issue(L)) {
        c->state = C_DONE;
        return;
    }
    uint64_t left = L->opt.count - L->issued;
    unsigned nmsg = left < L->opt.batch ? (unsigned)left : L->opt.batch;
    build_send(L, c, nmsg);
    L->issued += nmsg;
    conn_issue(L, c, K_SEND, nmsg);
}

static void send_reply(struct loader *L, struct conn *c, int status, const char *body, size_t blen)
{
    if (status != 200)
        return;
    if (c->nmsg == 1 && L->opt.batch == 1) {
        L->messages++;
        return;
    }
    unsigned failed = count_occurrences(body, blen, "\"SenderFault\"");
    if (failed) {
        L->calls[K_SEND].errors += failed;
        note_error(L, "SendMessageBatch: %u entries failed: %.*s", failed,
                   (int)(blen < 120 ? blen : 120), body);
    }
    L->messages += failed < c->nmsg ? c->nmsg - failed : 0;
}

static void drain_next(struct loader *L, struct conn *c)
{
    if (c->pending) {
        c->pending = false;
        conn_issue(L, c, K_DELETE, c->nmsg);
        return;
    }
    if (L->received >= L->opt.count || !may_issue(L)) {
        c->state = C_DONE;
        return;
    }
    build_receive(L, c, 10, 0);
    L->issued++;
    conn_issue(L, c, K_RECEIVE, 0);
}

/*
 * A receive's reply turns into the DeleteMessageBatch of every handle in it, which
 * the next drain_next issues. An empty receive ends this connection: the messages
 * still queued are then held by other connections, which will delete them.
 */
static void drain_reply(struct loader *L, struct conn *c, int status, const char *body, size_t blen)
{
    if (status != 200)
        return;
    if (c->kind == K_DELETE) {
        unsigned failed = count_occurrences(body, blen, "\"SenderFault\"");
        if (failed) {
            L->calls[K_DELETE].errors += failed;
            note_error(L, "DeleteMessageBatch: %u entries failed: %.*s", failed,
                       (int)(blen < 120 ? blen : 120), body);
        }
        L->messages += failed < c->nmsg ? c->nmsg - failed : 0;
        return;
    }
    L->body.len = 0;
    sbuf_printf(&L->body, "{\"QueueUrl\":\"%s\",\"Entries\":[", L->opt.queue_url);
    size_t pos = 0, hl;
    const char *h;
    unsigned n = 0;
    while (n < 10 && json_next_string(body, blen, &pos, "ReceiptHandle", &h, &hl)) {
        sbuf_printf(&L->body, "%s{\"Id\":\"d%u\",\"ReceiptHandle\":\"", n ? "," : "", n);
        sbuf_add(&L->body, h, hl);
        sbuf_adds(&L->body, "\"}");
        n++;
    }
    sbuf_adds(&L->body, "]}");
    if (n == 0) {
        L->by_empty = true;
        c->state = C_DONE;
        return;
    }
    L->received += n;
    /* body points into c->in, which build_request does not touch. */
    build_request(L, c, "DeleteMessageBatch");
    c->nmsg = n;
    c->pending = true;
}

/*
 * The long-poll round, on connection 0 (receiver) and 1 (sender):
 *   PARKED    receive issued with WaitTimeSeconds; at settle_at the send is issued
 *   SENT      wait for both the send's reply and the receive's message
 *   DELETING  the message is deleted so the next round starts on an empty queue
 * A message that arrives while PARKED was already queued: it is deleted and the
 * round starts over without a sample. A receive that returns empty after the send
 * is a miss (the send did not wake it); it is re-issued to collect the message.
 */
static void lp_start_round(struct loader *L)
{
    struct longpoll *lp = &L->lp;
    if (lp->rounds >= L->opt.count || lp->stale > L->opt.count || !may_issue(L)) {
        lp->st = LP_FINISHED;
        return;
    }
    lp->acked = lp->got = lp->missed = false;
    lp->st = LP_PARKED;
    lp->settle_at = now_ns() + (int64_t)L->opt.settle_ms * NS_PER_MS;
    build_receive(L, &L->conns[0], 1, L->opt.wait_s);
    conn_issue(L, &L->conns[0], K_RECEIVE, 0);
}

static void lp_delete(struct loader *L)
{
    struct conn *r = &L->conns[0];
    L->body.len = 0;
    sbuf_printf(&L->body, "{\"QueueUrl\":\"%s\",\"ReceiptHandle\":\"", L->opt.queue_url);
    sbuf_add(&L->body, L->lp.handle.p, L->lp.handle.len);
    sbuf_adds(&L->body, "\"}");
    build_request(L, r, "DeleteMessage");
    L->lp.st = LP_DELETING;
    conn_issue(L, r, K_DELETE, 1);
}

static void lp_timer(struct loader *L, int64_t now)
{
    struct longpoll *lp = &L->lp;
    if (lp->st != LP_PARKED || now < lp->settle_at || lp->got)
        return;
    lp->st = LP_SENT;
    L->body.len = 0;
    sbuf_printf(&L->body, "{\"QueueUrl\":\"%s\",\"MessageBody\":\"", L->opt.queue_url);
    add_message_body(L, lp->rounds);
    sbuf_adds(&L->body, "\"}");
    build_request(L, &L->conns[1], "SendMessage");
    conn_issue(L, &L->conns[1], K_SEND, 1);
    lp->t_send = L->conns[1].t_start;
}

static void lp_reply(struct loader *L, struct conn *c, int status, const char *body, size_t blen,
                     int64_t t)
{
    struct longpoll *lp = &L->lp;
    if (status != 200) {
        L->fatal = "a long-poll request was refused";
        lp->st = LP_FINISHED;
        return;
    }
    if (c == &L->conns[1]) {
        lp->acked = true;
        lp->t_ack = t;
    } else if (c->kind == K_DELETE) {
        lp_start_round(L);
        return;
    } else {
        size_t pos = 0, hl;
        const char *h;
        if (json_next_string(body, blen, &pos, "ReceiptHandle", &h, &hl)) {
            lp->handle.len = 0;
            sbuf_add(&lp->handle, h, hl);
            lp->got = true;
            lp->t_recv = t;
            if (lp->st == LP_PARKED) {
                lp->stale++;
                lp_delete(L);
                return;
            }
        } else {
            if (lp->st == LP_SENT)
                lp->missed = true;
            build_receive(L, c, 1, L->opt.wait_s);
            conn_issue(L, c, K_RECEIVE, 0);
            return;
        }
    }
    if (lp->st == LP_SENT && lp->got && lp->acked) {
        lp->rounds++;
        if (lp->missed) {
            lp->misses++;
        } else {
            int64_t d = lp->t_recv - lp->t_ack;
            if (d < 0) {
                lp->early++;
                d = 0;
            }
            L->calls[K_WAKE].ok++;
            samples_add(&L->calls[K_WAKE].ns, d);
            L->calls[K_WAKE_SEND].ok++;
            samples_add(&L->calls[K_WAKE_SEND].ns, lp->t_recv - lp->t_send);
        }
        L->messages++;
        lp_delete(L);
    }
}

static void phase_next(struct loader *L, struct conn *c)
{
    switch (L->opt.phase) {
    case PH_SEND:
        send_next(L, c);
        break;
    case PH_DRAIN:
        drain_next(L, c);
        break;
    case PH_LONGPOLL:
        break;
    }
}

static void phase_reply(struct loader *L, struct conn *c, int status, const char *body, size_t blen,
                        int64_t t)
{
    switch (L->opt.phase) {
    case PH_SEND:
        send_reply(L, c, status, body, blen);
        break;
    case PH_DRAIN:
        drain_reply(L, c, status, body, blen);
        break;
    case PH_LONGPOLL:
        lp_reply(L, c, status, body, blen, t);
        break;
    }
}

static bool conn_busy(const struct conn *c)
{
    return c->state == C_CONNECTING || c->state == C_WRITING || c->state == C_READING;
}

static bool phase_finished(struct loader *L)
{
    if (L->opt.phase == PH_LONGPOLL)
        return L->lp.st == LP_FINISHED;
    for (unsigned i = 0; i < L->opt.conns; i++)
        if (L->conns[i].state != C_DONE)
            return false;
    return true;
}

static void run(struct loader *L)
{
    L->t_begin = now_ns();
    L->t_last = L->t_begin;
    L->t_deadline = L->t_begin + (int64_t)(L->opt.duration * (double)NS_PER_S);
    int64_t timeout_ns = (int64_t)(L->opt.timeout * (double)NS_PER_S);
    if (L->opt.phase == PH_LONGPOLL) {
        lp_start_round(L);
    } else {
        for (unsigned i = 0; i < L->opt.conns; i++)
            phase_next(L, &L->conns[i]);
    }
    struct epoll_event evs[64];
    /* Past the time budget, replies in flight get one request timeout to arrive. */
    int64_t hard_stop = L->t_deadline + timeout_ns;
    while (!phase_finished(L)) {
        int64_t now = now_ns();
        int wait_ms = 100;
        if (L->opt.phase == PH_LONGPOLL && L->lp.st == LP_PARKED) {
            int64_t d = L->lp.settle_at - now;
            wait_ms = d <= 0 ? 0 : (int)((d + NS_PER_MS - 1) / NS_PER_MS);
        }
        int n = epoll_wait(L->epfd, evs, 64, wait_ms);
        if (n < 0 && errno != EINTR)
            die("epoll_wait: %s", strerror(errno));
        for (int i = 0; i < n; i++)
            conn_on_event(L, evs[i].data.ptr, evs[i].events);
        now = now_ns();
        if (L->opt.phase == PH_LONGPOLL)
            lp_timer(L, now);
        for (unsigned i = 0; i < L->opt.conns; i++) {
            struct conn *c = &L->conns[i];
            if (conn_busy(c) && now - c->t_start > timeout_ns)
                conn_fail(L, c, "request timed out");
        }
        if (now > hard_stop || interrupted) {
            for (unsigned i = 0; i < L->opt.conns; i++) {
                struct conn *c = &L->conns[i];
                if (conn_busy(c)) {
                    L->calls[c->kind].errors++;
                    conn_close(L, c);
                }
                c->state = C_DONE;
            }
            L->lp.st = LP_FINISHED;
            if (!interrupted)
                L->fatal = "time budget and request timeout exceeded";
        }
    }
}

/* ---- report ---- */

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20 || ch >= 0x7f)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static const char *phase_name(enum phase p)
{
    return p == PH_SEND ? "send" : p == PH_DRAIN ? "drain" : "longpoll";
}

static const char *stopped_by(const struct loader *L)
{
    if (L->fatal)
        return "error";
    if (interrupted)
        return "interrupt";
    if (L->gave_up)
        return "failures";
    if (L->by_time)
        return "time";
    if (L->opt.phase == PH_DRAIN && L->by_empty)
        return "empty";
    return "count";
}

static void report(struct loader *L)
{
    double elapsed = (double)(L->t_last - L->t_begin) / (double)NS_PER_S;
    double rate = elapsed > 0 ? (double)L->messages / elapsed : 0;
    uint64_t errors = 0;
    for (int k = 0; k < K_NKINDS; k++) {
        struct samples *s = &L->calls[k].ns;
        if (s->n)
            qsort(s->v, s->n, sizeof(*s->v), cmp_i64);
        errors += L->calls[k].errors;
    }
    FILE *f = stdout;
    if (L->opt.json) {
        fprintf(f,
                "{\"phase\":\"%s\",\"conns\":%u,\"elapsed_s\":%.6f,\"messages\":%" PRIu64
                ",\"msgs_per_s\":%.1f,\"stopped_by\":\"%s\",\"errors\":%" PRIu64
                ",\"connections_opened\":%" PRIu64 ",\"reconnects\":%" PRIu64,
                phase_name(L->opt.phase), L->opt.conns, elapsed, L->messages, rate, stopped_by(L),
                errors, L->opened, L->reconnects);
        if (L->opt.phase == PH_DRAIN)
            fprintf(f, ",\"received\":%" PRIu64, L->received);
        if (L->opt.phase == PH_LONGPOLL)
            fprintf(f,
                    ",\"rounds\":%" PRIu64 ",\"misses\":%" PRIu64 ",\"early\":%" PRIu64
                    ",\"stale\":%" PRIu64,
                    L->lp.rounds, L->lp.misses, L->lp.early, L->lp.stale);
        fputs(",\"fatal\":", f);
        if (L->fatal)
            json_str(f, L->fatal);
        else
            fputs("null", f);
        fputs(",\"first_error\":", f);
        json_str(f, L->first_error);
        fputs(",\"calls\":{", f);
        bool first = true;
        for (int k = 0; k < K_NKINDS; k++) {
            const struct call_stats *cs = &L->calls[k];
            if (cs->ok == 0 && cs->errors == 0)
                continue;
            fprintf(f,
                    "%s\"%s\":{\"n\":%" PRIu64 ",\"errors\":%" PRIu64
                    ",\"p50_ms\":%.4f,\"p90_ms\":%.4f,\"p99_ms\":%.4f,\"max_ms\":%.4f,"
                    "\"mean_ms\":%.4f}",
                    first ? "" : ",", cs->name, cs->ok, cs->errors, pct_ms(&cs->ns, 50),
                    pct_ms(&cs->ns, 90), pct_ms(&cs->ns, 99), pct_ms(&cs->ns, 100),
                    mean_ms(&cs->ns));
            first = false;
        }
        fputs("}}\n", f);
        return;
    }
    fprintf(f, "phase %s: %" PRIu64 " messages in %.3f s = %.0f msg/s (%u conns, stopped by %s)\n",
            phase_name(L->opt.phase), L->messages, elapsed, rate, L->opt.conns, stopped_by(L));
    fprintf(f, "  connections opened %" PRIu64 ", errors %" PRIu64 "\n", L->opened, errors);
    if (L->opt.phase == PH_LONGPOLL)
        fprintf(f,
                "  rounds %" PRIu64 ", not woken %" PRIu64 ", returned before the send's reply "
                "%" PRIu64 ", stale messages %" PRIu64 "\n",
                L->lp.rounds, L->lp.misses, L->lp.early, L->lp.stale);
    for (int k = 0; k < K_NKINDS; k++) {
        const struct call_stats *cs = &L->calls[k];
        if (cs->ok == 0 && cs->errors == 0)
            continue;
        fprintf(f,
                "  %-20s n=%-8" PRIu64 " err=%-5" PRIu64
                " p50=%.3f p90=%.3f p99=%.3f max=%.3f mean=%.3f ms\n",
                cs->name, cs->ok, cs->errors, pct_ms(&cs->ns, 50), pct_ms(&cs->ns, 90),
                pct_ms(&cs->ns, 99), pct_ms(&cs->ns, 100), mean_ms(&cs->ns));
    }
    if (L->first_error[0])
        fprintf(f, "  first error: %s\n", L->first_error);
    if (L->fatal)
        fprintf(f, "  abandoned: %s\n", L->fatal);
}

/* ---- options ---- */

static void usage(FILE *f)
{
    fputs("Usage: sqs_load --url http://127.0.0.1:PORT --queue-url URL --phase PHASE [OPTIONS]\n"
          "Load generator for SQS endpoints (AWS JSON 1.0 over keep-alive HTTP/1.1).\n"
          "\n"
          "Phases:\n"
          "  send       SendMessage (SendMessageBatch with --batch > 1), --count messages\n"
          "  drain      ReceiveMessage (10 at a time) + DeleteMessageBatch until the queue\n"
          "             is empty or --count messages were received\n"
          "  longpoll   one receiver in WaitTimeSeconds, one sender: send-acknowledged to\n"
          "             receive-returned latency over --count rounds (uses 2 connections)\n"
          "\n"
          "Options:\n"
          "  --url URL          endpoint, loopback only (127.0.0.0/8, [::1], localhost)\n"
          "  --queue-url URL    the queue's URL, as CreateQueue returned it\n"
          "  --phase PHASE      send | drain | longpoll\n"
          "  --conns N          connections, one request in flight each (default 32)\n"
          "  --count N          messages (send), most messages (drain), rounds (longpoll);\n"
          "                     default 200000, longpoll 200\n"
          "  --duration S       seconds during which requests are issued (default 300)\n"
          "  --timeout S        seconds one request may take (default 30, longpoll wait+10)\n"
          "  --body-size B      message body bytes (default 1024)\n"
          "  --batch N          send: messages per SendMessageBatch, 1..10 (default 1)\n"
          "  --visibility S     drain: VisibilityTimeout of each receive (default: queue's)\n"
          "  --wait S           longpoll: WaitTimeSeconds, 1..20 (default 20)\n"
          "  --settle-ms MS     longpoll: pause before sending, so the receiver is parked\n"
          "                     (default 20)\n"
          "  --json             print one JSON object instead of text\n"
          "  -h, --help         this text\n",
          f);
}

static uint64_t parse_u64(const char *name, const char *s, uint64_t min, uint64_t max)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-' || v < min || v > max)
        die("--%s %s: expected an integer in %" PRIu64 "..%" PRIu64, name, s, min, max);
    return v;
}

static double parse_seconds(const char *name, const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v > 0) || v > 86400)
        die("--%s %s: expected seconds in (0, 86400]", name, s);
    return v;
}

static void parse_options(struct options *o, int argc, char **argv)
{
    enum {
        O_URL = 256,
        O_QURL,
        O_PHASE,
        O_CONNS,
        O_COUNT,
        O_DUR,
        O_TIMEOUT,
        O_BODY,
        O_BATCH,
        O_WAIT,
        O_SETTLE,
        O_VIS,
        O_JSON
    };
    static const struct option longopts[] = {
        { "url", required_argument, NULL, O_URL },
        { "queue-url", required_argument, NULL, O_QURL },
        { "phase", required_argument, NULL, O_PHASE },
        { "conns", required_argument, NULL, O_CONNS },
        { "count", required_argument, NULL, O_COUNT },
        { "duration", required_argument, NULL, O_DUR },
        { "timeout", required_argument, NULL, O_TIMEOUT },
        { "body-size", required_argument, NULL, O_BODY },
        { "batch", required_argument, NULL, O_BATCH },
        { "wait", required_argument, NULL, O_WAIT },
        { "settle-ms", required_argument, NULL, O_SETTLE },
        { "visibility", required_argument, NULL, O_VIS },
        { "json", no_argument, NULL, O_JSON },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    memset(o, 0, sizeof(*o));
    o->conns = 32;
    o->duration = 300;
    o->body_size = 1024;
    o->batch = 1;
    o->wait_s = 20;
    o->settle_ms = 20;
    bool have_phase = false, have_count = false, have_timeout = false;
    int ch;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case O_URL:
            o->url = optarg;
            break;
        case O_QURL:
            o->queue_url = optarg;
            break;
        case O_PHASE:
            have_phase = true;
            if (strcmp(optarg, "send") == 0)
                o->phase = PH_SEND;
            else if (strcmp(optarg, "drain") == 0 || strcmp(optarg, "receive") == 0)
                o->phase = PH_DRAIN;
            else if (strcmp(optarg, "longpoll") == 0)
                o->phase = PH_LONGPOLL;
            else
                die("--phase %s: expected send, drain or longpoll", optarg);
            break;
        case O_CONNS:
            o->conns = (unsigned)parse_u64("conns", optarg, 1, MAX_CONNS);
            break;
        case O_COUNT:
            o->count = parse_u64("count", optarg, 1, UINT64_C(1) << 40);
            have_count = true;
            break;
        case O_DUR:
            o->duration = parse_seconds("duration", optarg);
            break;
        case O_TIMEOUT:
            o->timeout = parse_seconds("timeout", optarg);
            have_timeout = true;
            break;
        case O_BODY:
            o->body_size = (unsigned)parse_u64("body-size", optarg, 1, MAX_BODY_SIZE);
            break;
        case O_BATCH:
            o->batch = (unsigned)parse_u64("batch", optarg, 1, 10);
            break;
        case O_WAIT:
            o->wait_s = (unsigned)parse_u64("wait", optarg, 1, MAX_WAIT_SECONDS);
            break;
        case O_SETTLE:
            o->settle_ms = (unsigned)parse_u64("settle-ms", optarg, 0, 10000);
            break;
        case O_VIS:
            o->visibility = (unsigned)parse_u64("visibility", optarg, 1, 43200);
            break;
        case O_JSON:
            o->json = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            exit(2);
        }
    }
    if (optind != argc)
        die("unexpected argument %s", argv[optind]);
    if (!o->url || !o->queue_url || !have_phase)
        die("--url, --queue-url and --phase are required (--help)");
    if (strcspn(o->queue_url, "\"\\") != strlen(o->queue_url))
        die("--queue-url must not contain quotes or backslashes");
    for (const char *p = o->queue_url; *p; p++)
        if ((unsigned char)*p < 0x20)
            die("--queue-url must not contain control characters");
    if (!have_count)
        o->count = o->phase == PH_LONGPOLL ? 200 : 200000;
    if (!have_timeout)
        o->timeout = o->phase == PH_LONGPOLL ? o->wait_s + 10.0 : 30.0;
    if (o->phase == PH_LONGPOLL)
        o->conns = 2;
}

int main(int argc, char **argv)
{
    static struct loader L;
    parse_options(&L.opt, argc, argv);
    endpoint_parse(&L.ep, L.opt.url);
    L.calls[K_SEND].name = L.opt.batch > 1 ? "SendMessageBatch" : "SendMessage";
    L.calls[K_RECEIVE].name = "ReceiveMessage";
    L.calls[K_DELETE].name = L.opt.phase == PH_LONGPOLL ? "DeleteMessage" : "DeleteMessageBatch";
    L.calls[K_WAKE].name = "wake";
    L.calls[K_WAKE_SEND].name = "wake_from_send";

    L.filler = malloc(L.opt.body_size);
    if (!L.filler)
        die("out of memory");
    memset(L.filler, 'x', L.opt.body_size);
    L.conns = calloc(L.opt.conns, sizeof(*L.conns));
    if (!L.conns)
        die("out of memory");
    for (unsigned i = 0; i < L.opt.conns; i++)
        L.conns[i].fd = -1;
    L.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (L.epfd < 0)
        die("epoll_create1: %s", strerror(errno));

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    run(&L);
    report(&L);

    for (unsigned i = 0; i < L.opt.conns; i++) {
        conn_close(&L, &L.conns[i]);
        sbuf_free(&L.conns[i].in);
        sbuf_free(&L.conns[i].out);
    }
    for (int k = 0; k < K_NKINDS; k++)
        free(L.calls[k].ns.v);
    sbuf_free(&L.body);
    sbuf_free(&L.lp.handle);
    free(L.conns);
    free(L.filler);
    close(L.epfd);
    bool any_ok = false;
    for (int k = 0; k < K_NKINDS; k++)
        any_ok = any_ok || L.calls[k].ok > 0;
    return L.fatal || L.gave_up || !any_ok ? 1 : 0;
}
