/*
 * cache-emu's event loop glue: accepts connections, reads requests, hands
 * each parsed command to the dispatcher, writes replies, and runs the
 * server cron (active expiry, blocked-client deadlines, idle timeouts).
 *
 * Like Redis, one thread does everything and every command runs to
 * completion, so a command sees and leaves the keyspace consistent. A read
 * drains every complete request in the buffer before replies are written in
 * one write(): pipelined clients get one syscall per batch, not per command.
 * Sockets are plain non-blocking fds with persistent libevent events; no
 * bufferevents, whose extra copies cost more than the commands themselves.
 *
 * The dispatcher follows Redis 7.0's processCommand() order: unknown
 * command, arity, subcommand, AUTH, maxmemory (evict, then refuse
 * denyoom commands with -OOM), MULTI queueing, and finally the call.
 */
#include "cache-emu/server.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/http.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cache-emu/block.h"
#include "cache-emu/cmd.h"
#include "cache-emu/command.h"
#include "cache-emu/config.h"
#include "cache-emu/expire.h"
#include "cache-emu/info.h"
#include "cache-emu/multi.h"
#include "cache-emu/pubsub.h"
#include "cache-emu/script.h"
#include "cache-emu/server_run.h"
#include "cache-emu/t_hs_table.h"
#include "common/admin.h"
#include "common/clock.h"
#include "common/daemon.h"
#include "common/err.h"
#include "common/log.h"
#include "common/metrics.h"

/* Bytes asked of read() at a time (Redis's PROTO_IOBUF_LEN). */
#define READ_CHUNK (16 * 1024)
/* An output buffer larger than this is released once drained. */
#define OUT_KEEP (64 * 1024)
/* Share of a cron period the active expiry cycle may use (Redis: 25%). */
#define EXPIRE_CYCLE_PCT 25
/* Event state in cache_client.flags that only this file touches:
 * CACHE_CLIENT_WRITE_ARMED says ev_write is added, so a drained flush skips
 * event_del() (a locked libevent call) on the common path;
 * CACHE_CLIENT_PENDING_FLUSH says the client sits in priv->pend, to be
 * written once the loop's ready reads are all done. */

/* The CloudWatch-named series /_drydock/metrics serves. */
struct metric_set {
    struct dd_metric *hits, *misses, *evictions, *reclaimed, *new_conns;
    struct dd_metric *get_cmds, *set_cmds;
    struct dd_metric *curr_conns, *curr_items, *bytes_used;
    uint64_t last_hits, last_misses, last_evictions, last_reclaimed, last_new_conns;
    uint64_t last_get, last_set;
};

struct server_priv {
    evutil_socket_t listen_fd;             /* RESP listener, owned */
    struct event *ev_accept;               /* owned */
    struct event *ev_cron;                 /* owned, every 1000/hz ms */
    struct event *ev_block;                /* owned, armed at the earliest blocked deadline */
    struct evhttp *admin_http;             /* owned, NULL without --admin-port */
    struct dd_admin *admin;                /* owned */
    struct dd_metrics *metrics;            /* owned */
    struct metric_set m;                   /* series in metrics */
    int admin_port;                        /* bound admin port, -1 when none */
    struct cache_client *running;          /* client whose command is executing */
    struct cache_client *closing;          /* clients to free at the next safe point */
    const struct cache_command *quit_cmd;  /* never queued by MULTI */
    const struct cache_command *reset_cmd; /* never queued by MULTI */
    struct event *ev_resume;               /* owned: runs clients unblocked during a command */
    uint64_t *resume_ids;                  /* owned: ids of clients to resume */
    size_t nresume, resume_cap;            /* used, allocated */
    int cron_hz;                           /* hz the cron timer was armed with */
    const struct cache_command *exec_cmd;  /* EXEC, whose rejections abort the transaction */
    const struct cache_command *sub_ok[9]; /* what a RESP2 subscriber may still run */
    struct event *ev_flush;                /* owned: writes pend's replies */
    struct cache_client **pend;            /* owned: clients with replies to write, NULL holes */
    size_t npend, pend_cap;                /* used, allocated */
};

static struct server_priv *priv(struct cache_server *srv)
{
    return srv->priv;
}

static void client_free(struct cache_client *c);
static void client_flush(struct cache_client *c);
static void process_input(struct cache_client *c);
static void arm_block_timer(struct cache_server *srv);

/* ---- keyspace events ---- */

static void on_key_event(void *ctx, struct cache_db *db, const void *key, size_t klen,
                         enum cache_key_event ev)
{
    (void)ev;
    cache_multi_touch_key(ctx, db, key, klen);
}

/* ---- command timing ----
 *
 * INFO commandstats wants every command's duration. Two clock_gettime calls
 * per command cost more than a GET itself, so on x86-64 the time-stamp
 * counter is read instead (invariant on every CPU this runs on) and scaled by
 * a rate measured once at start; elsewhere the monotonic clock is used. */

#if defined(__x86_64__)
static double usec_per_tick; /* calibrated by calibrate_ticks() */

static inline uint64_t ticks(void)
{
    return __builtin_ia32_rdtsc();
}

static void calibrate_ticks(void)
{
    int64_t n0 = dd_clock_mono_ns();
    uint64_t t0 = ticks();
    while (dd_clock_mono_ns() - n0 < 2000000) /* 2 ms: a 0.1% estimate */
        ;
    int64_t n1 = dd_clock_mono_ns();
    uint64_t t1 = ticks();
    usec_per_tick = t1 > t0 ? (double)(n1 - n0) / 1000.0 / (double)(t1 - t0) : 0.001;
}

static inline uint64_t ticks_to_usec(uint64_t t)
{
    return (uint64_t)((double)t * usec_per_tick);
}
#else
static inline uint64_t ticks(void)
{
    return (uint64_t)dd_clock_mono_ns();
}

static void calibrate_ticks(void)
{
}

static inline uint64_t ticks_to_usec(uint64_t t)
{
    return t / 1000;
}
#endif

/* ---- dispatch ---- */

int cache_server_call(struct cache_client *c, const struct cache_command *cmd)
{
    struct cache_server *srv = c->srv;
    c->cmd = cmd;
    uint64_t errors = srv->stats.total_error_replies;
    uint64_t t0 = ticks();
    int rc = cmd->fn(c);
    cache_info_record_call(srv, cmd, ticks_to_usec(ticks() - t0),
                           srv->stats.total_error_replies != errors);
    if (rc != DD_OK && rc != DD_ENOMEM)
        dd_log_debug(&srv->log, "command %s returned %d", cmd->name, rc);
    c->lastcmd = cmd;
    srv->stats.total_commands_processed++;
    if (cmd->flags & CACHE_CMD_WRITE)
        srv->stats.set_type_cmds++;
    else if (cmd->flags & CACHE_CMD_READONLY)
        srv->stats.get_type_cmds++;
    return rc;
}

/* rejectCommand(): an error reply that also dooms an open transaction. */
/* rejectCommand(): an error reply that also dooms an open transaction.
 * When the refused command is EXEC itself, the transaction ends there with
 * "EXECABORT ... because of: <why>" (execCommandAbort); why_no_code is the
 * text Redis puts after the colon, which lacks the "ERR " of formatted
 * errors but keeps the code of shared ones (OOM). */
static void reject2(struct cache_client *c, const char *text, const char *why_no_code)
{
    cache_multi_flag_error(c);
    if (c->cmd)
        cache_info_record_rejected(c->srv, c->cmd);
    /* Redis aborts even without MULTI: EXEC's rejection is always EXECABORT. */
    if (c->cmd && c->cmd == priv(c->srv)->exec_cmd) {
        cache_multi_reset(c);
        cache_multi_unwatch_all(c);
        cache_reply_errorf(c, "EXECABORT Transaction discarded because of: %s", why_no_code);
        return;
    }
    cache_reply_error(c, text);
}

static void reject(struct cache_client *c, const char *text)
{
    reject2(c, text, text);
}

static void reject_unknown(struct cache_client *c)
{
    char args[160];
    size_t n = 0;
    args[0] = '\0';
    for (size_t i = 1; i < c->argc && n < 128; i++) {
        int room = 128 - (int)n;
        int w = snprintf(args + n, sizeof(args) - n, "'%.*s' ",
                         (int)(c->argv[i].len < (size_t)room ? c->argv[i].len : (size_t)room),
                         c->argv[i].ptr);
        if (w < 0)
            break;
        n += (size_t)w;
        if (n >= sizeof(args))
            n = sizeof(args) - 1;
    }
    char msg[400];
    int nlen = c->argv[0].len < 128 ? (int)c->argv[0].len : 128;
    snprintf(msg, sizeof(msg), "ERR unknown command '%.*s', with args beginning with: %s", nlen,
             c->argv[0].ptr, args);
    reject(c, msg);
}

static bool arity_ok(const struct cache_command *cmd, size_t argc)
{
    return (cmd->arity > 0 && (size_t)cmd->arity == argc) ||
           (cmd->arity < 0 && argc >= (size_t)-cmd->arity);
}

static void process_command(struct cache_client *c)
{
    struct cache_server *srv = c->srv;
    struct server_priv *p = priv(srv);
    c->last_interaction_ms = srv->cmd_time_ms;

    const struct cache_command *cmd = cache_command_lookup(c->argv[0].ptr, c->argv[0].len);
    if (!cmd) {
        c->cmd = NULL;
        reject_unknown(c);
        return;
    }
    c->cmd = cmd;
    if (!arity_ok(cmd, c->argc)) {
        if (cmd == p->exec_cmd) {
            reject2(c, "", "wrong number of arguments for 'exec' command");
            return;
        }
        cache_multi_flag_error(c);
        cache_info_record_rejected(srv, cmd);
        cache_reply_arity(c);
        return;
    }
    if (cmd->subcommands && c->argc >= 2) {
        const struct cache_command *sub =
            cache_command_sub_lookup(cmd, c->argv[1].ptr, c->argv[1].len);
        if (!sub) {
            char upper[64];
            size_t i;
            for (i = 0; cmd->name[i] && i < sizeof(upper) - 1; i++)
                upper[i] = (char)(cmd->name[i] >= 'a' && cmd->name[i] <= 'z' ? cmd->name[i] - 32
                                                                             : cmd->name[i]);
            upper[i] = '\0';
            char msg[300];
            int alen = c->argv[1].len < 128 ? (int)c->argv[1].len : 128;
            snprintf(msg, sizeof(msg), "ERR unknown subcommand '%.*s'. Try %s HELP.", alen,
                     c->argv[1].ptr, upper);
            reject(c, msg);
            return;
        }
        c->cmd = cmd = sub;
        if (!arity_ok(cmd, c->argc)) {
            cache_multi_flag_error(c);
            cache_info_record_rejected(srv, cmd);
            cache_reply_arity(c);
            return;
        }
    }
    if (!c->authenticated && !(cmd->flags & CACHE_CMD_NO_AUTH)) {
        reject(c, "NOAUTH Authentication required.");
        return;
    }
    if (c->nsubs && c->proto == CACHE_RESP2) {
        const struct cache_command *top = cache_command_lookup(c->argv[0].ptr, c->argv[0].len);
        bool ok = false;
        for (size_t i = 0; i < sizeof(p->sub_ok) / sizeof(p->sub_ok[0]); i++)
            if (p->sub_ok[i] && p->sub_ok[i] == top)
                ok = true;
        if (!ok) {
            char name[96], msg[256];
            cache_command_fullname(cmd, name, sizeof(name));
            snprintf(msg, sizeof(msg),
                     "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
                     "QUIT / RESET are allowed in this context",
                     name);
            reject(c, msg);
            return;
        }
    }
    bool in_multi = (c->flags & CACHE_CLIENT_MULTI) && !(cmd->flags & CACHE_CMD_MULTI_CTL) &&
                    cmd != p->quit_cmd && cmd != p->reset_cmd;
    if (srv->opts.maxmemory > 0) {
        size_t evicted = 0;
        int rc =
            cache_evict_perform(srv->evict, srv->ks, (size_t)srv->opts.maxmemory, srv->opts.policy,
                                srv->opts.maxmemory_samples, srv->cmd_time_ms, &evicted);
        /* In MULTI every queued command is refused (queueing uses memory);
         * EXEC only when something it would run is denyoom. */
        bool deny = (cmd->flags & CACHE_CMD_DENYOOM) || in_multi;
        if (cmd == p->exec_cmd && (c->flags & CACHE_CLIENT_MULTI))
            for (size_t i = 0; i < c->mcount; i++)
                if (c->mstate[i].cmd->flags & CACHE_CMD_DENYOOM)
                    deny = true;
        if (rc == DD_ENOMEM && deny) {
            reject(c, "OOM command not allowed when used memory > 'maxmemory'.");
            return;
        }
    }
    if (in_multi) {
        if (cmd->flags & CACHE_CMD_NO_MULTI) {
            reject(c, "ERR Command not allowed inside a transaction");
            return;
        }
        (void)cache_multi_queue(c);
        return;
    }
    p->running = c;
    (void)cache_server_call(c, cmd);
    p->running = NULL;
    cache_block_handle_ready(srv);
    if (srv->opts.requirepass && srv->opts.requirepass[0])
        cache_resp_parser_set_unauthenticated(c->parser, !c->authenticated);
    if (cache_block_count(srv))
        arm_block_timer(srv);
}

/* ---- connections ---- */

static void client_close_later(struct cache_client *c)
{
    c->flags |= CACHE_CLIENT_CLOSE_ASAP;
}

void cache_client_close_after_reply(struct cache_client *c)
{
    c->flags |= CACHE_CLIENT_CLOSE_AFTER;
}

void cache_client_close_asap(struct cache_client *c)
{
    client_close_later(c);
    /* The running client is on the stack: process_input() stops at the
     * flag and client_flush() frees it. Any other client can go now. */
    if (priv(c->srv)->running != c)
        client_free(c);
}

struct cache_client *cache_server_client_by_id(struct cache_server *srv, uint64_t id)
{
    for (struct cache_client *c = srv->clients; c; c = c->next)
        if (c->id == id)
            return c;
    return NULL;
}

static void client_free(struct cache_client *c)
{
    struct cache_server *srv = c->srv;
    if (c->flags & CACHE_CLIENT_PENDING_FLUSH) {
        struct server_priv *p = priv(srv);
        for (size_t i = 0; i < p->npend; i++)
            if (p->pend[i] == c)
                p->pend[i] = NULL;
    }
    cache_block_cancel(c);
    cache_pubsub_client_free(c);
    cache_multi_reset(c);
    cache_multi_unwatch_all(c);
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->clients = c->next;
    if (c->next)
        c->next->prev = c->prev;
    srv->nclients--;
    if (c->ev_read)
        event_free(c->ev_read);
    if (c->ev_write)
        event_free(c->ev_write);
    if (c->fd >= 0)
        close(c->fd);
    cache_resp_parser_free(c->parser);
    dd_buf_release(&c->in);
    dd_buf_release(&c->out);
    free(c->name);
    free(c->lib_name);
    free(c->lib_ver);
    free(c);
}

/* Writes what can be written now; arms the write event for the rest. Frees
 * the client when it is done with (closing after reply, or a dead socket). */
static void client_flush(struct cache_client *c)
{
    if (c->flags & (CACHE_CLIENT_CLOSE_ASAP | CACHE_CLIENT_REPLY_OOM)) {
        client_free(c);
        return;
    }
    while (c->out_pos < c->out.len) {
        ssize_t n = write(c->fd, c->out.data + c->out_pos, c->out.len - c->out_pos);
        if (n > 0) {
            c->out_pos += (size_t)n;
            c->srv->stats.total_net_output_bytes += (uint64_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!(c->flags & CACHE_CLIENT_WRITE_ARMED) && event_add(c->ev_write, NULL) == 0)
                c->flags |= CACHE_CLIENT_WRITE_ARMED;
            return;
        }
        client_free(c);
        return;
    }
    if (c->out.cap > OUT_KEEP)
        dd_buf_release(&c->out);
    else
        dd_buf_reset(&c->out);
    c->out_pos = 0;
    if (c->flags & CACHE_CLIENT_WRITE_ARMED) {
        event_del(c->ev_write);
        c->flags &= ~CACHE_CLIENT_WRITE_ARMED;
    }
    if (c->flags & CACHE_CLIENT_CLOSE_AFTER)
        client_free(c);
}

static void on_write(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    client_flush(arg);
}

/* Parses and runs every complete request in the input buffer. */
static void process_input(struct cache_client *c)
{
    while (c->in_pos < c->in.len &&
           !(c->flags & (CACHE_CLIENT_BLOCKED | CACHE_CLIENT_CLOSE_AFTER | CACHE_CLIENT_CLOSE_ASAP |
                         CACHE_CLIENT_REPLY_OOM))) {
        const struct cache_resp_arg *argv;
        size_t argc;
        ssize_t n = cache_resp_parse(c->parser, c->in.data + c->in_pos, c->in.len - c->in_pos,
                                     &argv, &argc);
        if (n == DD_AGAIN)
            break;
        if (n < 0) {
            if (n == DD_ERR) {
                size_t elen;
                const char *e = cache_resp_parser_error(c->parser, &elen);
                c->srv->stats.total_error_replies++;
                cache_info_record_error(c->srv, e, elen);
                if (cache_resp_write_error(&c->out, e, elen) != DD_OK)
                    c->flags |= CACHE_CLIENT_REPLY_OOM;
                c->flags |= CACHE_CLIENT_CLOSE_AFTER;
            } else {
                c->flags |= CACHE_CLIENT_CLOSE_ASAP;
            }
            break;
        }
        if (argc > 0) {
            c->argv = argv;
            c->argc = argc;
            size_t mark = c->out.len;
            process_command(c);
            /* CLIENT REPLY OFF/SKIP: the reply is built and then dropped. */
            if (c->flags & (CACHE_CLIENT_REPLY_OFF | CACHE_CLIENT_REPLY_SKIP)) {
                if (c->out.len > mark && !(c->flags & CACHE_CLIENT_BLOCKED))
                    c->out.len = mark;
                c->flags &= ~CACHE_CLIENT_REPLY_SKIP;
            }
            if (c->flags & CACHE_CLIENT_REPLY_SKIP_NEXT) {
                c->flags &= ~CACHE_CLIENT_REPLY_SKIP_NEXT;
                c->flags |= CACHE_CLIENT_REPLY_SKIP;
            }
            c->argv = NULL;
            c->argc = 0;
        }
        c->in_pos += (size_t)n;
    }
    if (c->in_pos == c->in.len) {
        c->in.len = c->in_pos = 0;
        if (c->in.cap > OUT_KEEP)
            dd_buf_release(&c->in);
    } else if (c->in_pos > 0) {
        memmove(c->in.data, c->in.data + c->in_pos, c->in.len - c->in_pos);
        c->in.len -= c->in_pos;
        c->in_pos = 0;
    }
}

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct cache_server *srv = arg;
    struct server_priv *p = priv(srv);
    /* Take the list: resuming may unblock (and queue) further clients. */
    uint64_t *ids = p->resume_ids;
    size_t n = p->nresume;
    p->resume_ids = NULL;
    p->nresume = p->resume_cap = 0;
    srv->cmd_time_ms = dd_clock_now_ms(srv->clock);
    for (size_t i = 0; i < n; i++) {
        struct cache_client *c = cache_server_client_by_id(srv, ids[i]);
        if (!c)
            continue;
        if (!(c->flags & CACHE_CLIENT_BLOCKED))
            process_input(c);
        client_flush(c);
    }
    free(ids);
}

void cache_server_resume_later(struct cache_server *srv, uint64_t client_id)
{
    struct server_priv *p = priv(srv);
    if (p->nresume == p->resume_cap) {
        size_t ncap = p->resume_cap ? p->resume_cap * 2 : 8;
        uint64_t *n = realloc(p->resume_ids, ncap * sizeof(*n));
        if (!n) {
            /* Its reply is buffered; arm the write so it still goes out. */
            struct cache_client *c = cache_server_client_by_id(srv, client_id);
            if (c && !(c->flags & CACHE_CLIENT_WRITE_ARMED) && event_add(c->ev_write, NULL) == 0)
                c->flags |= CACHE_CLIENT_WRITE_ARMED;
            return;
        }
        p->resume_ids = n;
        p->resume_cap = ncap;
    }
    p->resume_ids[p->nresume++] = client_id;
    event_active(p->ev_resume, 0, 0);
}

/* Writes every pending client's replies. Runs once per loop pass, after
 * the read callbacks of that pass (libevent runs events activated during a
 * pass in the same pass, queued behind the ones already ready), so replies
 * go out as Redis's beforeSleep() sends them: after all ready input. */
static void on_flush(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct server_priv *p = priv(arg);
    /* client_flush() runs no command, so nothing joins pend meanwhile;
     * a client it frees NULLs only its own slot. */
    for (size_t i = 0; i < p->npend; i++) {
        struct cache_client *c = p->pend[i];
        if (!c)
            continue;
        p->pend[i] = NULL;
        c->flags &= ~CACHE_CLIENT_PENDING_FLUSH;
        client_flush(c);
    }
    p->npend = 0;
}

/* Queues c's replies for on_flush(). Clients that close are flushed (and
 * freed) at once, as before, so no later command sees them. */
static void flush_later(struct cache_client *c)
{
    if (c->flags & CACHE_CLIENT_PENDING_FLUSH)
        return;
    if (c->flags & (CACHE_CLIENT_CLOSE_AFTER | CACHE_CLIENT_CLOSE_ASAP | CACHE_CLIENT_REPLY_OOM |
                    CACHE_CLIENT_WRITE_ARMED)) {
        client_flush(c);
        return;
    }
    if (c->out_pos >= c->out.len) {
        /* Nothing to write: reset the buffer as a drained client_flush() does. */
        if (c->out.cap > OUT_KEEP)
            dd_buf_release(&c->out);
        else
            dd_buf_reset(&c->out);
        c->out_pos = 0;
        return;
    }
    struct server_priv *p = priv(c->srv);
    if (p->npend == p->pend_cap) {
        size_t ncap = p->pend_cap ? p->pend_cap * 2 : 64;
        struct cache_client **n = realloc(p->pend, ncap * sizeof(*n));
        if (!n) {
            client_flush(c);
            return;
        }
        p->pend = n;
        p->pend_cap = ncap;
    }
    p->pend[p->npend++] = c;
    c->flags |= CACHE_CLIENT_PENDING_FLUSH;
    if (p->npend == 1)
        event_active(p->ev_flush, 0, 0);
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
    (void)what;
    struct cache_client *c = arg;
    if (dd_buf_reserve(&c->in, READ_CHUNK) != DD_OK) {
        client_free(c);
        return;
    }
    size_t room = c->in.cap - c->in.len - 1;
    ssize_t n = read(fd, c->in.data + c->in.len, room);
    if (n == 0) {
        client_free(c);
        return;
    }
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return;
        client_free(c);
        return;
    }
    c->in.len += (size_t)n;
    c->in.data[c->in.len] = '\0';
    c->srv->stats.total_net_input_bytes += (uint64_t)n;
    /* One clock read per batch: a pipelined batch runs in microseconds, and
     * reading the clock per command costs more than a GET does. */
    c->srv->cmd_time_ms = dd_clock_now_ms(c->srv->clock);
    if (c->flags & (CACHE_CLIENT_BLOCKED | CACHE_CLIENT_CLOSE_AFTER)) {
        /* Blocked: keep the bytes for later (a disconnect still shows as EOF). */
        return;
    }
    process_input(c);
    flush_later(c);
}

static void addr_str(const struct sockaddr_storage *ss, char *dst, size_t len)
{
    char host[48] = "?";
    int port = 0;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
        evutil_inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
        port = ntohs(s4->sin_port);
        snprintf(dst, len, "%s:%d", host, port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
        evutil_inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
        port = ntohs(s6->sin6_port);
        snprintf(dst, len, "%s:%d", host, port);
    } else {
        snprintf(dst, len, "?:0");
    }
}

/* tcp-keepalive as Redis's anetKeepAlive() sets it: the first probe after
 * `interval` idle seconds, then every interval/3, and the peer is declared
 * dead after 3 unanswered probes, so a client that vanished (a killed VM, a
 * blackholed link in a drill) does not hold its connection forever. Best
 * effort, as in Redis: a failure leaves the socket without probes. */
static void keepalive(int fd, long long interval)
{
    if (interval <= 0)
        return;
    int on = 1, idle = interval > INT_MAX ? INT_MAX : (int)interval;
    int intvl = idle / 3 > 0 ? idle / 3 : 1, cnt = 3;
    if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) != 0)
        return;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
    (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
    (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

static void on_accept(evutil_socket_t lfd, short what, void *arg)
{
    (void)what;
    struct cache_server *srv = arg;
    for (int burst = 0; burst < 64; burst++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                dd_log_warn(&srv->log, "accept: %s", strerror(errno));
            return;
        }
        if ((long long)srv->nclients >= srv->opts.maxclients) {
            static const char msg[] = "-ERR max number of clients reached\r\n";
            ssize_t w = write(fd, msg, sizeof(msg) - 1);
            (void)w;
            close(fd);
            srv->stats.rejected_connections++;
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        keepalive(fd, srv->opts.tcp_keepalive_s);
        struct cache_client *c = calloc(1, sizeof(*c));
        if (!c) {
            close(fd);
            continue;
        }
        c->fd = fd;
        c->srv = srv;
        c->id = srv->next_client_id++;
        c->proto = CACHE_RESP2;
        c->db = cache_keyspace_db(srv->ks, 0);
        c->ctime_ms = c->last_interaction_ms = dd_clock_now_ms(srv->clock);
        c->authenticated = !(srv->opts.requirepass && srv->opts.requirepass[0]);
        addr_str(&ss, c->addr, sizeof(c->addr));
        struct sockaddr_storage ls;
        socklen_t ll = sizeof(ls);
        if (getsockname(fd, (struct sockaddr *)&ls, &ll) == 0)
            addr_str(&ls, c->laddr, sizeof(c->laddr));
        c->parser = cache_resp_parser_new();
        c->ev_read = event_new(srv->base, fd, EV_READ | EV_PERSIST, on_read, c);
        c->ev_write = event_new(srv->base, fd, EV_WRITE | EV_PERSIST, on_write, c);
        if (!c->parser || !c->ev_read || !c->ev_write || event_add(c->ev_read, NULL) != 0) {
            cache_resp_parser_free(c->parser);
            if (c->ev_read)
                event_free(c->ev_read);
            if (c->ev_write)
                event_free(c->ev_write);
            close(fd);
            free(c);
            continue;
        }
        cache_resp_parser_set_max_bulk_len(c->parser, srv->opts.proto_max_bulk_len);
        cache_resp_parser_set_unauthenticated(c->parser, !c->authenticated);
        c->next = srv->clients;
        if (srv->clients)
            srv->clients->prev = c;
        srv->clients = c;
        srv->nclients++;
        srv->stats.total_connections_received++;
    }
}

/* ---- timers ---- */

static void on_block_timer(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct cache_server *srv = arg;
    srv->cmd_time_ms = dd_clock_now_ms(srv->clock);
    (void)cache_block_expire(srv, srv->cmd_time_ms);
    arm_block_timer(srv);
}

static void arm_block_timer(struct cache_server *srv)
{
    struct server_priv *p = priv(srv);
    int64_t now = dd_clock_now_ms(srv->clock);
    int64_t earliest = cache_block_next_deadline(srv);
    if (!earliest) {
        event_del(p->ev_block);
        return;
    }
    int64_t d = earliest - now;
    if (d < 0)
        d = 0;
    struct timeval tv = { .tv_sec = d / 1000, .tv_usec = (d % 1000) * 1000 };
    event_add(p->ev_block, &tv);
}

/* activeExpireCycle(): every database gets rounds of sampling while a round
 * finds more than a quarter of its sample expired, within a time budget. */
static void active_expire(struct cache_server *srv, int64_t budget_ns)
{
    int64_t start = dd_clock_mono_ns();
    int64_t now = dd_clock_now_ms(srv->clock);
    int ndb = cache_keyspace_db_count(srv->ks);
    for (int i = 0; i < ndb; i++) {
        struct cache_db *db = cache_keyspace_db(srv->ks, i);
        if (cache_db_expires_count(db) == 0)
            continue;
        (void)cache_expire_cycle(db, now, 0);
        if (dd_clock_mono_ns() - start > budget_ns)
            break;
    }
}

static void cron(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct cache_server *srv = arg;
    int hz = srv->opts.hz > 0 ? srv->opts.hz : 10;
    int64_t period_ns = 1000000000LL / hz;
    active_expire(srv, period_ns * EXPIRE_CYCLE_PCT / 100);
    /* activerehashing: a millisecond per cron moves big tables along even
     * when no command touches them. */
    (void)cache_keyspace_rehash_step(srv->ks, 1000);
    cache_info_cron(srv);
    srv->cmd_time_ms = dd_clock_now_ms(srv->clock);
    if (srv->opts.timeout_s > 0) {
        struct cache_client *c = srv->clients;
        while (c) {
            struct cache_client *next = c->next;
            if (!(c->flags & CACHE_CLIENT_BLOCKED) &&
                srv->cmd_time_ms - c->last_interaction_ms > srv->opts.timeout_s * 1000)
                client_free(c);
            c = next;
        }
    }
    if (srv->opts.maxmemory > 0)
        (void)cache_evict_perform(srv->evict, srv->ks, (size_t)srv->opts.maxmemory,
                                  srv->opts.policy, srv->opts.maxmemory_samples, srv->cmd_time_ms,
                                  NULL);
}

static void on_clock_advance(void *arg, int64_t delta_ms)
{
    (void)delta_ms;
    struct cache_server *srv = arg;
    srv->cmd_time_ms = dd_clock_now_ms(srv->clock);
    (void)cache_block_expire(srv, srv->cmd_time_ms);
    arm_block_timer(srv);
    active_expire(srv, 50 * 1000000LL);
}

/* ---- metrics ---- */

static void add_delta(struct dd_metric *m, uint64_t now, uint64_t *last)
{
    if (now >= *last)
        (void)dd_metric_add(m, NULL, (double)(now - *last));
    *last = now;
}

static void collect(void *arg, struct dd_metrics *reg)
{
    (void)reg;
    struct cache_server *srv = arg;
    struct metric_set *m = &priv(srv)->m;
    struct cache_keyspace_stats *ks = cache_keyspace_stats(srv->ks);
    add_delta(m->hits, srv->stats.keyspace_hits, &m->last_hits);
    add_delta(m->misses, srv->stats.keyspace_misses, &m->last_misses);
    add_delta(m->evictions, ks->evicted_keys, &m->last_evictions);
    add_delta(m->reclaimed, ks->expired_keys, &m->last_reclaimed);
    add_delta(m->new_conns, srv->stats.total_connections_received, &m->last_new_conns);
    add_delta(m->get_cmds, srv->stats.get_type_cmds, &m->last_get);
    add_delta(m->set_cmds, srv->stats.set_type_cmds, &m->last_set);
    size_t items = 0;
    for (int i = 0; i < cache_keyspace_db_count(srv->ks); i++)
        items += cache_db_count(cache_keyspace_db(srv->ks, i));
    (void)dd_metric_set(m->curr_conns, NULL, (double)srv->nclients);
    (void)dd_metric_set(m->curr_items, NULL, (double)items);
    (void)dd_metric_set(m->bytes_used, NULL, (double)cache_server_used_memory(srv));
}

static int metrics_init(struct cache_server *srv)
{
    struct server_priv *p = priv(srv);
    struct metric_set *m = &p->m;
    p->metrics = dd_metrics_new();
    if (!p->metrics)
        return DD_ENOMEM;
    struct dd_metrics *r = p->metrics;
    m->hits = dd_metrics_counter(r, "CacheHits", "successful read-only key lookups", NULL);
    m->misses = dd_metrics_counter(r, "CacheMisses", "unsuccessful read-only key lookups", NULL);
    m->evictions = dd_metrics_counter(r, "Evictions", "keys evicted by maxmemory", NULL);
    m->reclaimed = dd_metrics_counter(r, "Reclaimed", "key expiration events", NULL);
    m->new_conns = dd_metrics_counter(r, "NewConnections", "connections accepted", NULL);
    m->get_cmds = dd_metrics_counter(r, "GetTypeCmds", "read-only commands", NULL);
    m->set_cmds = dd_metrics_counter(r, "SetTypeCmds", "write commands", NULL);
    m->curr_conns = dd_metrics_gauge(r, "CurrConnections", "client connections", NULL);
    m->curr_items = dd_metrics_gauge(r, "CurrItems", "items in all databases", NULL);
    m->bytes_used = dd_metrics_gauge(r, "BytesUsedForCache", "used_memory", NULL);
    if (!m->hits || !m->misses || !m->evictions || !m->reclaimed || !m->new_conns || !m->get_cmds ||
        !m->set_cmds || !m->curr_conns || !m->curr_items || !m->bytes_used)
        return DD_ENOMEM;
    return dd_metrics_on_collect(r, collect, srv);
}

/* ---- lifecycle ---- */

size_t cache_server_used_memory(const struct cache_server *srv)
{
    return cache_db_used_memory(srv->ks);
}

int cache_server_opts_changed(struct cache_server *srv)
{
    struct server_priv *p = priv(srv);
    if (p && p->ev_cron && srv->opts.hz != p->cron_hz) {
        int hz = srv->opts.hz > 0 ? srv->opts.hz : 10;
        struct timeval tv = { .tv_sec = 0, .tv_usec = 1000000 / hz };
        if (event_add(p->ev_cron, &tv) != 0)
            return DD_ENOMEM;
        p->cron_hz = srv->opts.hz;
    }
    if (srv->ks)
        cache_keyspace_set_lfu(srv->ks, cache_evict_policy_is_lfu(srv->opts.policy),
                               srv->opts.lfu_log_factor, srv->opts.lfu_decay_time);
    bool need_auth = srv->opts.requirepass && srv->opts.requirepass[0];
    for (struct cache_client *c = srv->clients; c; c = c->next) {
        cache_resp_parser_set_max_bulk_len(c->parser, srv->opts.proto_max_bulk_len);
        if (!need_auth)
            cache_resp_parser_set_unauthenticated(c->parser, false);
    }
    return DD_OK;
}

static void random_run_id(char out[41])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char raw[20];
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = f ? fread(raw, 1, sizeof(raw), f) : 0;
    if (f)
        fclose(f);
    for (size_t i = got; i < sizeof(raw); i++)
        raw[i] = (unsigned char)(rand() & 0xff);
    for (int i = 0; i < 20; i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 15];
    }
    out[40] = '\0';
}

uint64_t cache_server_activity(void *arg)
{
    const struct cache_server *srv = arg;
    return srv->stats.total_net_input_bytes + srv->stats.total_connections_received;
}

struct cache_server *cache_server_new(struct event_base *base, struct dd_clock *clock,
                                      int databases)
{
    if (cache_command_init() != DD_OK)
        return NULL;
    calibrate_ticks();
    struct cache_server *srv = calloc(1, sizeof(*srv));
    struct server_priv *p = calloc(1, sizeof(*p));
    if (!srv || !p) {
        free(srv);
        free(p);
        return NULL;
    }
    srv->priv = p;
    p->listen_fd = -1;
    p->admin_port = -1;
    p->quit_cmd = cache_command_lookup("quit", 4);
    p->reset_cmd = cache_command_lookup("reset", 5);
    p->exec_cmd = cache_command_lookup("exec", 4);
    static const char *const sub_ok[] = { "subscribe",   "psubscribe",   "ssubscribe",
                                          "unsubscribe", "punsubscribe", "sunsubscribe",
                                          "ping",        "quit",         "reset" };
    for (size_t i = 0; i < sizeof(sub_ok) / sizeof(sub_ok[0]); i++)
        p->sub_ok[i] = cache_command_lookup(sub_ok[i], strlen(sub_ok[i]));
    srv->base = base;
    srv->clock = clock;
    dd_logger_init(&srv->log, "cache-emu");
    srv->next_client_id = 1;
    srv->start_ms = dd_clock_now_ms(clock);
    srv->start_mono_ns = dd_clock_mono_ns();
    srv->cmd_time_ms = srv->start_ms;
    random_run_id(srv->run_id);
    cache_config_default_opts(&srv->opts);
    srv->opts.databases = databases > 0 ? databases : CACHE_DB_DEFAULT_COUNT;
    uint64_t seed = (uint64_t)dd_clock_mono_ns() ^ ((uint64_t)getpid() << 32);
    srv->ks = cache_keyspace_new(srv->opts.databases, seed);
    cache_hs_seed(seed ^ 0x5bd1e995u); /* hash/set tables and their random picks */
    srv->evict = cache_evict_new();
    if (!srv->ks || !srv->evict)
        goto fail;
    cache_keyspace_set_listener(srv->ks, on_key_event, srv);
    srv->config = cache_config_new(srv);
    if (!srv->config)
        goto fail;
    if (metrics_init(srv) != DD_OK)
        goto fail;
    return srv;
fail:
    cache_server_free(srv);
    return NULL;
}

int cache_server_listen(struct cache_server *srv, const char *host, int port, int admin_port)
{
    struct server_priv *p = priv(srv);
    evutil_socket_t fd;
    int rc = dd_listen_tcp(host, port, 511, &fd, &srv->port);
    if (rc != DD_OK)
        return rc;
    p->listen_fd = fd;
    p->ev_accept = event_new(srv->base, fd, EV_READ | EV_PERSIST, on_accept, srv);
    int hz = srv->opts.hz > 0 ? srv->opts.hz : 10;
    struct timeval tv = { .tv_sec = 0, .tv_usec = 1000000 / hz };
    p->ev_cron = event_new(srv->base, -1, EV_PERSIST, cron, srv);
    p->cron_hz = srv->opts.hz;
    p->ev_block = evtimer_new(srv->base, on_block_timer, srv);
    p->ev_resume = event_new(srv->base, -1, 0, on_resume, srv);
    p->ev_flush = event_new(srv->base, -1, 0, on_flush, srv);
    if (!p->ev_accept || !p->ev_cron || !p->ev_block || !p->ev_resume || !p->ev_flush ||
        event_add(p->ev_accept, NULL) != 0 || event_add(p->ev_cron, &tv) != 0)
        return DD_ENOMEM;
    if (dd_clock_on_advance(srv->clock, on_clock_advance, srv) != DD_OK)
        return DD_ENOMEM;
    if (admin_port >= 0) {
        evutil_socket_t afd;
        rc = dd_listen_tcp("127.0.0.1", admin_port, 64, &afd, &p->admin_port);
        if (rc != DD_OK)
            return rc;
        p->admin_http = evhttp_new(srv->base);
        p->admin = dd_admin_new("cache-emu", CACHE_EMU_VERSION, srv->clock, p->metrics);
        if (!p->admin_http || !p->admin || !evhttp_accept_socket_with_handle(p->admin_http, afd))
            return DD_ENOMEM;
        rc = dd_admin_attach(p->admin, p->admin_http);
        if (rc != DD_OK)
            return rc;
    }
    return DD_OK;
}

int cache_server_admin_port(const struct cache_server *srv)
{
    return ((const struct server_priv *)srv->priv)->admin_port;
}

void cache_server_free(struct cache_server *srv)
{
    if (!srv)
        return;
    struct server_priv *p = priv(srv);
    while (srv->clients)
        client_free(srv->clients);
    cache_block_free_all(srv);
    cache_pubsub_free_all(srv);
    cache_script_release(srv);
    free(srv->watch_index);
    if (p) {
        if (p->ev_accept)
            event_free(p->ev_accept);
        if (p->ev_cron)
            event_free(p->ev_cron);
        if (p->ev_block)
            event_free(p->ev_block);
        if (p->ev_resume)
            event_free(p->ev_resume);
        if (p->ev_flush)
            event_free(p->ev_flush);
        free(p->resume_ids);
        free(p->pend);
        if (p->listen_fd >= 0)
            close(p->listen_fd);
        if (p->admin_http)
            evhttp_free(p->admin_http);
        dd_admin_free(p->admin);
        dd_metrics_free(p->metrics);
        dd_clock_off_advance(srv->clock, on_clock_advance, srv);
        free(p);
    }
    if (srv->config)
        cache_config_free(srv->config);
    cache_evict_free(srv->evict);
    cache_keyspace_free(srv->ks);
    free(srv->opts.requirepass);
    free(srv);
}
