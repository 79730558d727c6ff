/*
 * Connection commands: PING, ECHO, QUIT, SELECT, HELLO, AUTH, RESET and the
 * CLIENT container, answering as Redis 7.0.15's networking.c and acl.c do.
 *
 * Authentication is Redis's with only the "default" user: without
 * requirepass the user is "nopass" (any password authenticates, but the
 * one-argument AUTH form is refused as a configuration mistake); with
 * requirepass that password, compared byte for byte.
 *
 * CLIENT SETINFO is a Redis 7.2 subcommand that 7.0.15 lacks. Clients send
 * it at connect time (redis-py >= 5.0, go-redis v9, ioredis 5, Lettuce 6.3)
 * and tolerate the error a 7.0 server gives, but a cache that knows it
 * answers as 7.2 does (+OK, its validation errors), so it is accepted here.
 * The names are kept but CLIENT LIST/INFO keep 7.0's field set (no lib-name
 * or lib-ver fields), which is what a 7.0 client parser expects.
 *
 * CLIENT subcommands that need machinery the emulator lacks (PAUSE, UNBLOCK,
 * TRACKING, CACHING) are not in the table, so they answer "unknown
 * subcommand" rather than pretend to work. CLIENT REPLY OFF and SKIP need
 * the server to drop replies; until server.h defines CACHE_CLIENT_REPLY_OFF
 * and CACHE_CLIENT_REPLY_SKIP_NEXT (OFF: drop every reply until ON; SKIP_NEXT:
 * drop the reply of the next command only; neither command replies itself)
 * they answer an error instead of silently desynchronising the client.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cache-emu/cmd.h"
#include "cache-emu/command.h"
#include "cache-emu/multi.h"
#include "cache-emu/pubsub.h"
#include "cache-emu/server.h"
#include "common/buf.h"
#include "common/err.h"

/* The flags Redis 7.0 gives the connection commands. */
#define CONN_FAST (CACHE_CMD_LOADING | CACHE_CMD_STALE | CACHE_CMD_FAST)
#define CONN_AUTHLESS                                                            \
    (CACHE_CMD_NOSCRIPT | CACHE_CMD_LOADING | CACHE_CMD_STALE | CACHE_CMD_FAST | \
     CACHE_CMD_NO_AUTH | CACHE_CMD_ALLOW_BUSY)
#define CLIENT_SUB   (CACHE_CMD_NOSCRIPT | CACHE_CMD_LOADING | CACHE_CMD_STALE)
#define CLIENT_ADMIN (CACHE_CMD_ADMIN | CLIENT_SUB)

static const char ERR_WRONGPASS[] = "WRONGPASS invalid username-password pair or user is disabled.";
static const char ERR_BAD_NAME[] =
    "ERR Client names cannot contain spaces, newlines or special characters.";

/* ---- helpers ---- */

static bool arg_eq(const struct cache_resp_arg *a, const char *s)
{
    size_t n = strlen(s);
    return a->len == n && memcmp(a->ptr, s, n) == 0;
}

/* Redis's string2ll() over an argument: strict decimal, no reply. */
static bool arg_ll(const struct cache_resp_arg *a, long long *out)
{
    unsigned long long v = 0;
    size_t i = 0;
    bool neg = false;
    if (a->len == 0 || a->len > 20)
        return false;
    if (a->len == 1 && a->ptr[0] == '0') {
        *out = 0;
        return true;
    }
    if (a->ptr[0] == '-') {
        neg = true;
        i = 1;
    }
    if (i >= a->len || a->ptr[i] < '1' || a->ptr[i] > '9')
        return false;
    for (; i < a->len; i++) {
        unsigned d = (unsigned)(a->ptr[i] - '0');
        if (a->ptr[i] < '0' || a->ptr[i] > '9' || v > (ULLONG_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (neg ? v > (unsigned long long)LLONG_MAX + 1 : v > (unsigned long long)LLONG_MAX)
        return false;
    *out = neg ? (long long)(0 - v) : (long long)v;
    return true;
}

/* getRangeLongFromObjectOrReply(): one error text for both a bad number
 * and one out of [min, max]. */
static bool arg_ll_or_reply(struct cache_client *c, size_t i, long long min, long long max,
                            const char *msg, long long *out)
{
    if (!arg_ll(&c->argv[i], out) || *out < min || *out > max) {
        cache_reply_error(c, msg);
        return false;
    }
    return true;
}

/* The only user is "default"; requirepass is its password, or it is nopass.
 * ACLAuthenticateUser() for that one user. */
static bool check_user_pass(const struct cache_server *srv, const struct cache_resp_arg *user,
                            const struct cache_resp_arg *pass)
{
    const char *rp = srv->opts.requirepass;
    if (!arg_eq(user, "default"))
        return false;
    if (!rp || !rp[0])
        return true;
    return pass->len == strlen(rp) && memcmp(pass->ptr, rp, pass->len) == 0;
}

/* validateClientName(): printable ASCII without spaces. */
static bool name_valid(const struct cache_resp_arg *a)
{
    for (size_t i = 0; i < a->len; i++)
        if (a->ptr[i] < '!' || a->ptr[i] > '~')
            return false;
    return true;
}

/* Sets c's name from a (already validated); "" clears it. 0 or DD_ENOMEM. */
static int set_name(struct cache_client *c, const struct cache_resp_arg *a)
{
    char *n = NULL;
    if (a->len > 0) {
        n = malloc(a->len + 1);
        if (!n)
            return DD_ENOMEM;
        memcpy(n, a->ptr, a->len);
        n[a->len] = '\0';
    }
    free(c->name);
    c->name = n;
    return 0;
}

/* ---- PING, ECHO, QUIT, SELECT ---- */

static int cache_cmd_ping(struct cache_client *c)
{
    if (c->argc > 2) {
        cache_reply_arity(c);
        return 0;
    }
    /* A RESP2 subscriber's replies must look like messages to the client
     * library reading them: ["pong", arg or ""], as Redis sends. */
    if (c->nsubs && c->proto == CACHE_RESP2) {
        cache_reply_array(c, 2);
        cache_reply_bulk(c, "pong", 4);
        if (c->argc == 1)
            cache_reply_bulk(c, "", 0);
        else
            cache_reply_bulk(c, c->argv[1].ptr, c->argv[1].len);
        return 0;
    }
    if (c->argc == 1)
        cache_reply_simple(c, "PONG");
    else
        cache_reply_bulk(c, c->argv[1].ptr, c->argv[1].len);
    return 0;
}

static int cache_cmd_echo(struct cache_client *c)
{
    cache_reply_bulk(c, c->argv[1].ptr, c->argv[1].len);
    return 0;
}

static int cache_cmd_quit(struct cache_client *c)
{
    cache_reply_ok(c);
    cache_client_close_after_reply(c);
    return 0;
}

static int cache_cmd_select(struct cache_client *c)
{
    long long id;
    struct cache_db *db;
    if (!cache_arg_ll_range(c, 1, INT_MIN, INT_MAX, NULL, &id))
        return 0;
    db = id < 0 ? NULL : cache_keyspace_db(c->srv->ks, (int)id);
    if (!db) {
        cache_reply_error(c, "ERR DB index is out of range");
        return 0;
    }
    c->db = db;
    cache_reply_ok(c);
    return 0;
}

/* ---- AUTH, HELLO, RESET ---- */

static int cache_cmd_auth(struct cache_client *c)
{
    static const struct cache_resp_arg default_user = { "default", 7 };
    const struct cache_resp_arg *user, *pass;
    const char *rp = c->srv->opts.requirepass;

    if (c->argc > 3) {
        cache_reply_syntax(c);
        return 0;
    }
    if (c->argc == 2) {
        if (!rp || !rp[0]) {
            cache_reply_error(c, "ERR AUTH <password> called without any password configured "
                                 "for the default user. Are you sure your configuration is "
                                 "correct?");
            return 0;
        }
        user = &default_user;
        pass = &c->argv[1];
    } else {
        user = &c->argv[1];
        pass = &c->argv[2];
    }
    if (!check_user_pass(c->srv, user, pass)) {
        cache_reply_error(c, ERR_WRONGPASS);
        return 0;
    }
    c->authenticated = true;
    cache_reply_ok(c);
    return 0;
}

static int cache_cmd_hello(struct cache_client *c)
{
    long long ver = 0;
    const struct cache_resp_arg *name = NULL;

    if (c->argc >= 2) {
        if (!arg_ll_or_reply(c, 1, LLONG_MIN, LLONG_MAX,
                             "ERR Protocol version is not an integer or out of range", &ver))
            return 0;
        if (ver < 2 || ver > 3) {
            cache_reply_error(c, "NOPROTO unsupported protocol version");
            return 0;
        }
    }
    /* Redis 7.0 authenticates as soon as it meets AUTH, so a later bad
     * option still leaves the connection authenticated. */
    for (size_t j = 2; j < c->argc; j++) {
        size_t more = c->argc - 1 - j;
        if (cache_arg_is(c, j, "auth") && more >= 2) {
            if (!check_user_pass(c->srv, &c->argv[j + 1], &c->argv[j + 2])) {
                cache_reply_error(c, ERR_WRONGPASS);
                return 0;
            }
            c->authenticated = true;
            j += 2;
        } else if (cache_arg_is(c, j, "setname") && more) {
            name = &c->argv[j + 1];
            if (!name_valid(name)) {
                cache_reply_error(c, ERR_BAD_NAME);
                return 0;
            }
            j++;
        } else {
            cache_reply_errorf(c, "ERR Syntax error in HELLO option '%.*s'", (int)c->argv[j].len,
                               c->argv[j].ptr);
            return 0;
        }
    }
    if (!c->authenticated) {
        cache_reply_error(c, "NOAUTH HELLO must be called with the client already "
                             "authenticated, otherwise the HELLO AUTH <user> <pass> option can "
                             "be used to authenticate the client and select the RESP protocol "
                             "version at the same time");
        return 0;
    }
    if (name && set_name(c, name) < 0)
        return DD_ENOMEM;
    if (ver)
        c->proto = ver == 3 ? CACHE_RESP3 : CACHE_RESP2;

    cache_reply_map(c, 7);
    cache_reply_bulk_cstr(c, "server");
    cache_reply_bulk_cstr(c, "redis");
    cache_reply_bulk_cstr(c, "version");
    cache_reply_bulk_cstr(c, "7.0.15");
    cache_reply_bulk_cstr(c, "proto");
    cache_reply_ll(c, c->proto == CACHE_RESP3 ? 3 : 2);
    cache_reply_bulk_cstr(c, "id");
    cache_reply_ll(c, (long long)c->id);
    cache_reply_bulk_cstr(c, "mode");
    cache_reply_bulk_cstr(c, "standalone");
    cache_reply_bulk_cstr(c, "role");
    cache_reply_bulk_cstr(c, "master");
    cache_reply_bulk_cstr(c, "modules");
    cache_reply_array(c, 0);
    return 0;
}

/* clearClientConnectionState(): back to a fresh connection's state. */
static int cache_cmd_reset(struct cache_client *c)
{
    const char *rp = c->srv->opts.requirepass;
    cache_multi_reset(c);
    cache_multi_unwatch_all(c);
    cache_pubsub_client_free(c); /* silently: RESET sends no unsubscribe confirmations */
    c->db = cache_keyspace_db(c->srv->ks, 0);
    c->proto = CACHE_RESP2;
    c->authenticated = !(rp && rp[0]);
    free(c->name);
    c->name = NULL;
#ifdef CACHE_CLIENT_REPLY_OFF
    c->flags &= ~(uint32_t)(CACHE_CLIENT_REPLY_OFF | CACHE_CLIENT_REPLY_SKIP_NEXT);
#endif
    cache_reply_simple(c, "RESET");
    return 0;
}

/* ---- CLIENT ---- */

/* The clients in connection order (Redis appends to server.clients). */
static struct cache_client *oldest_client(struct cache_server *srv)
{
    struct cache_client *x = srv->clients;
    while (x && x->next)
        x = x->next;
    return x;
}

/* catClientInfoString() with Redis 7.0's fields, for CLIENT LIST / INFO.
 * self is the client running the command: its current command counts as its
 * "cmd", as in Redis, where lastcmd is set before the call. */
static int client_info_line(struct dd_buf *b, const struct cache_client *x,
                            const struct cache_client *self)
{
    char flags[16], *f = flags;
    char cmdname[96];
    const struct cache_command *cmd;
    int64_t now = cache_now_ms(x->srv);
    size_t qbuf = x->in.len > x->in_pos ? x->in.len - x->in_pos : 0;
    size_t qfree = x->in.cap > x->in.len ? x->in.cap - x->in.len : 0;
    size_t argv_mem = 0, multi_mem = 0, obl, rbs;

    if (x->flags & CACHE_CLIENT_MULTI)
        *f++ = 'x';
    if (x->flags & CACHE_CLIENT_BLOCKED)
        *f++ = 'b';
    if (x->flags & CACHE_CLIENT_DIRTY_CAS)
        *f++ = 'd';
    if (x->flags & CACHE_CLIENT_CLOSE_AFTER)
        *f++ = 'c';
    if (x->flags & CACHE_CLIENT_CLOSE_ASAP)
        *f++ = 'A';
    if (x->flags & CACHE_CLIENT_NO_EVICT)
        *f++ = 'e';
    if (x->nsubs)
        *f++ = 'P';
    if (f == flags)
        *f++ = 'N';
    *f = '\0';

    for (size_t i = 0; x->argv && i < x->argc; i++)
        argv_mem += x->argv[i].len;
    for (size_t i = 0; x->mstate && i < x->mcount; i++)
        for (size_t j = 0; j < x->mstate[i].argc; j++)
            multi_mem += x->mstate[i].argv[j].len;

    cmd = x == self ? x->cmd : x->lastcmd;
    if (x->flags & CACHE_CLIENT_IN_EXEC)
        snprintf(cmdname, sizeof(cmdname), "exec");
    else if (cmd)
        cache_command_fullname(cmd, cmdname, sizeof(cmdname));
    else
        snprintf(cmdname, sizeof(cmdname), "NULL");

    obl = x->out.len > x->out_pos ? x->out.len - x->out_pos : 0;
    rbs = x->out.cap > 1024 ? x->out.cap : 1024;
    return dd_buf_printf(
        b,
        "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s db=%d sub=%zu psub=%zu "
        "ssub=%zu multi=%lld qbuf=%zu qbuf-free=%zu argv-mem=%zu multi-mem=%zu rbs=%zu rbp=%zu "
        "obl=%zu oll=0 omem=0 tot-mem=%zu events=r cmd=%s user=default redir=-1 resp=%d",
        (unsigned long long)x->id, x->addr, x->laddr, x->fd, x->name ? x->name : "",
        (long long)((now - x->ctime_ms) / 1000), (long long)((now - x->last_interaction_ms) / 1000),
        flags, x->db ? cache_db_id(x->db) : 0, cache_pubsub_client_count(x, CACHE_PUBSUB_CHANNEL),
        cache_pubsub_client_count(x, CACHE_PUBSUB_PATTERN),
        cache_pubsub_client_count(x, CACHE_PUBSUB_SHARD),
        (x->flags & CACHE_CLIENT_MULTI) ? (long long)x->mcount : -1LL, qbuf, qfree, argv_mem,
        multi_mem, rbs, rbs, obl, sizeof(*x) + x->in.cap + x->out.cap + argv_mem + multi_mem + 1024,
        cmdname, x->proto == CACHE_RESP3 ? 3 : 2);
}

/* Replies a text the way Redis replies CLIENT LIST / INFO: a verbatim
 * string for RESP3, a bulk string for RESP2. */
static void reply_text(struct cache_client *c, const struct dd_buf *b)
{
    cache_reply_verbatim(c, b->data ? b->data : "", b->len);
}

/* getClientTypeByName(): 0 normal, 1 replica, 2 pubsub, 3 master, -1. */
static int client_type(const struct cache_resp_arg *a)
{
    static const char *const names[] = { "normal", "slave", "replica", "pubsub", "master" };
    static const int types[] = { 0, 1, 1, 2, 3 };
    for (size_t i = 0; i < DD_ARRAY_LEN(names); i++)
        if (a->len == strlen(names[i]) && strncasecmp(a->ptr, names[i], a->len) == 0)
            return types[i];
    return -1;
}

static int cache_cmd_client_id(struct cache_client *c)
{
    cache_reply_ll(c, (long long)c->id);
    return 0;
}

static int cache_cmd_client_setname(struct cache_client *c)
{
    if (!name_valid(&c->argv[2])) {
        cache_reply_error(c, ERR_BAD_NAME);
        return 0;
    }
    if (set_name(c, &c->argv[2]) < 0)
        return DD_ENOMEM;
    cache_reply_ok(c);
    return 0;
}

static int cache_cmd_client_getname(struct cache_client *c)
{
    cache_reply_bulk_cstr(c, c->name);
    return 0;
}

/* CLIENT SETINFO LIB-NAME|LIB-VER value, with 7.2's rules: printable ASCII
 * without blanks; an empty value clears. */
static int cache_cmd_client_setinfo(struct cache_client *c)
{
    char **dest;
    const char *attr;
    if (cache_arg_is(c, 2, "lib-name")) {
        dest = &c->lib_name;
        attr = "lib-name";
    } else if (cache_arg_is(c, 2, "lib-ver")) {
        dest = &c->lib_ver;
        attr = "lib-ver";
    } else {
        cache_reply_errorf(c, "ERR Unrecognized option '%.*s'", (int)c->argv[2].len,
                           c->argv[2].ptr);
        return 0;
    }
    const struct cache_resp_arg *v = &c->argv[3];
    for (size_t i = 0; i < v->len; i++) {
        if (v->ptr[i] < '!' || v->ptr[i] > '~') {
            cache_reply_errorf(c, "ERR %s cannot contain spaces, newlines or special characters.",
                               attr);
            return 0;
        }
    }
    char *copy = NULL;
    if (v->len) {
        copy = strndup(v->ptr, v->len);
        if (!copy)
            return DD_ENOMEM;
    }
    free(*dest);
    *dest = copy;
    cache_reply_ok(c);
    return 0;
}

static int cache_cmd_client_info(struct cache_client *c)
{
    struct dd_buf b = DD_BUF_INIT;
    if (client_info_line(&b, c, c) < 0 || dd_buf_putc(&b, '\n') < 0) {
        dd_buf_release(&b);
        return DD_ENOMEM;
    }
    reply_text(c, &b);
    dd_buf_release(&b);
    return 0;
}

static int cache_cmd_client_list(struct cache_client *c)
{
    struct dd_buf b = DD_BUF_INIT;
    int type = -1;
    bool by_id = false;

    if (c->argc == 4 && cache_arg_is(c, 2, "type")) {
        type = client_type(&c->argv[3]);
        if (type < 0) {
            cache_reply_errorf(c, "ERR Unknown client type '%.*s'", (int)c->argv[3].len,
                               c->argv[3].ptr);
            return 0;
        }
    } else if (c->argc > 3 && cache_arg_is(c, 2, "id")) {
        by_id = true;
        for (size_t j = 3; j < c->argc; j++) {
            long long id;
            if (!arg_ll_or_reply(c, j, LLONG_MIN, LLONG_MAX, "ERR Invalid client ID", &id))
                return 0;
        }
    } else if (c->argc != 2) {
        cache_reply_syntax(c);
        return 0;
    }

    if (by_id) {
        for (size_t j = 3; j < c->argc; j++) {
            long long id = 0;
            struct cache_client *x;
            (void)arg_ll(&c->argv[j], &id); /* validated above */
            x = id > 0 ? cache_server_client_by_id(c->srv, (uint64_t)id) : NULL;
            if (x && (client_info_line(&b, x, c) < 0 || dd_buf_putc(&b, '\n') < 0))
                goto oom;
        }
    } else if (type <= 0) {
        /* Every connection here is a normal client: no replicas, no
         * subscribers, no master link. */
        for (struct cache_client *x = oldest_client(c->srv); x; x = x->prev)
            if (client_info_line(&b, x, c) < 0 || dd_buf_putc(&b, '\n') < 0)
                goto oom;
    }
    reply_text(c, &b);
    dd_buf_release(&b);
    return 0;
oom:
    dd_buf_release(&b);
    return DD_ENOMEM;
}

static bool addr_eq(const char *addr, const struct cache_resp_arg *a)
{
    return strlen(addr) == a->len && memcmp(addr, a->ptr, a->len) == 0;
}

static int cache_cmd_client_kill(struct cache_client *c)
{
    const struct cache_resp_arg *addr = NULL, *laddr = NULL;
    long long id = 0;
    int type = -1;
    bool skipme = true, new_style = c->argc > 3;
    long long killed = 0;

    if (c->argc == 3) {
        addr = &c->argv[2];
        skipme = false;
    } else {
        for (size_t i = 2; i < c->argc; i += 2) {
            bool more = c->argc > i + 1;
            if (cache_arg_is(c, i, "id") && more) {
                if (!arg_ll_or_reply(c, i + 1, 1, LONG_MAX,
                                     "ERR client-id should be greater than 0", &id))
                    return 0;
            } else if (cache_arg_is(c, i, "type") && more) {
                type = client_type(&c->argv[i + 1]);
                if (type < 0) {
                    cache_reply_errorf(c, "ERR Unknown client type '%.*s'", (int)c->argv[i + 1].len,
                                       c->argv[i + 1].ptr);
                    return 0;
                }
            } else if (cache_arg_is(c, i, "addr") && more) {
                addr = &c->argv[i + 1];
            } else if (cache_arg_is(c, i, "laddr") && more) {
                laddr = &c->argv[i + 1];
            } else if (cache_arg_is(c, i, "user") && more) {
                if (!arg_eq(&c->argv[i + 1], "default")) {
                    cache_reply_errorf(c, "ERR No such user '%.*s'", (int)c->argv[i + 1].len,
                                       c->argv[i + 1].ptr);
                    return 0;
                }
            } else if (cache_arg_is(c, i, "skipme") && more) {
                if (cache_arg_is(c, i + 1, "yes"))
                    skipme = true;
                else if (cache_arg_is(c, i + 1, "no"))
                    skipme = false;
                else {
                    cache_reply_syntax(c);
                    return 0;
                }
            } else {
                cache_reply_syntax(c);
                return 0;
            }
        }
    }

    for (struct cache_client *x = oldest_client(c->srv), *prev; x; x = prev) {
        prev = x->prev;
        if (addr && !addr_eq(x->addr, addr))
            continue;
        if (laddr && !addr_eq(x->laddr, laddr))
            continue;
        if (type > 0) /* only normal clients exist here */
            continue;
        if (id && x->id != (uint64_t)id)
            continue;
        if (x == c && skipme)
            continue;
        killed++;
        /* Killing oneself closes after this reply, as Redis does. */
        if (x == c)
            cache_client_close_after_reply(c);
        else
            cache_client_close_asap(x);
    }
    if (!new_style) {
        if (killed == 0)
            cache_reply_error(c, "ERR No such client");
        else
            cache_reply_ok(c);
    } else {
        cache_reply_ll(c, killed);
    }
    return 0;
}

static int cache_cmd_client_reply(struct cache_client *c)
{
    if (cache_arg_is(c, 2, "on")) {
#ifdef CACHE_CLIENT_REPLY_OFF
        c->flags &= ~(uint32_t)(CACHE_CLIENT_REPLY_OFF | CACHE_CLIENT_REPLY_SKIP_NEXT);
#endif
        cache_reply_ok(c);
    } else if (cache_arg_is(c, 2, "off") || cache_arg_is(c, 2, "skip")) {
#ifdef CACHE_CLIENT_REPLY_OFF
        if (cache_arg_is(c, 2, "off"))
            c->flags |= CACHE_CLIENT_REPLY_OFF;
        else if (!(c->flags & CACHE_CLIENT_REPLY_OFF))
            c->flags |= CACHE_CLIENT_REPLY_SKIP_NEXT;
#else
        /* The server cannot suppress replies yet: say so rather than lie. */
        cache_reply_error(c, "ERR CLIENT REPLY OFF|SKIP is not supported by this server");
#endif
    } else {
        cache_reply_syntax(c);
    }
    return 0;
}

static int cache_cmd_client_no_evict(struct cache_client *c)
{
    if (cache_arg_is(c, 2, "on"))
        c->flags |= CACHE_CLIENT_NO_EVICT;
    else if (cache_arg_is(c, 2, "off"))
        c->flags &= ~(uint32_t)CACHE_CLIENT_NO_EVICT;
    else {
        cache_reply_syntax(c);
        return 0;
    }
    cache_reply_ok(c);
    return 0;
}

static int cache_cmd_client_getredir(struct cache_client *c)
{
    cache_reply_ll(c, -1); /* no tracking, so no redirection */
    return 0;
}

static int cache_cmd_client_trackinginfo(struct cache_client *c)
{
    cache_reply_map(c, 3);
    cache_reply_bulk_cstr(c, "flags");
    cache_reply_set(c, 1);
    cache_reply_bulk_cstr(c, "off");
    cache_reply_bulk_cstr(c, "redirect");
    cache_reply_ll(c, -1);
    cache_reply_bulk_cstr(c, "prefixes");
    cache_reply_array(c, 0);
    return 0;
}

static int cache_cmd_client_unpause(struct cache_client *c)
{
    cache_reply_ok(c); /* nothing is ever paused */
    return 0;
}

static int cache_cmd_client_help(struct cache_client *c)
{
    static const char *const help[] = {
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        NULL,
    };
    cache_reply_help(c, "CLIENT", help);
    return 0;
}

/* ---- the table ---- */

#define CLIENT_SUBCMD(n, ar, fl, f, sum_, since_, acl_)                                       \
    {                                                                                         \
        .name = n, .arity = ar, .flags = fl, .fn = f, .group = "connection", .since = since_, \
        .summary = sum_, .acl = acl_                                                          \
    }

static const struct cache_command client_subcommands[] = {
    CLIENT_SUBCMD("setinfo", 4, CLIENT_SUB, cache_cmd_client_setinfo,
                  "Set client or connection specific info", "7.2.0", "slow connection"),
    CLIENT_SUBCMD("trackinginfo", 2, CLIENT_SUB, cache_cmd_client_trackinginfo,
                  "Return information about server assisted client side caching for the current "
                  "connection",
                  "6.2.0", "slow connection"),
    CLIENT_SUBCMD("getredir", 2, CLIENT_SUB, cache_cmd_client_getredir,
                  "Get tracking notifications redirection client ID if any", "6.0.0",
                  "slow connection"),
    CLIENT_SUBCMD("info", 2, CLIENT_SUB, cache_cmd_client_info,
                  "Returns information about the current client connection.", "6.2.0",
                  "slow connection"),
    CLIENT_SUBCMD("list", -2, CLIENT_ADMIN, cache_cmd_client_list,
                  "Get the list of client connections", "2.4.0", "admin slow dangerous connection"),
    CLIENT_SUBCMD("no-evict", 3, CLIENT_ADMIN, cache_cmd_client_no_evict,
                  "Set client eviction mode for the current connection", "7.0.0",
                  "admin slow dangerous connection"),
    CLIENT_SUBCMD("reply", 3, CLIENT_SUB, cache_cmd_client_reply,
                  "Instruct the server whether to reply to commands", "3.2.0", "slow connection"),
    CLIENT_SUBCMD("unpause", 2, CLIENT_ADMIN, cache_cmd_client_unpause,
                  "Resume processing of clients that were paused", "6.2.0",
                  "admin slow dangerous connection"),
    CLIENT_SUBCMD("setname", 3, CLIENT_SUB, cache_cmd_client_setname,
                  "Set the current connection name", "2.6.9", "slow connection"),
    CLIENT_SUBCMD("id", 2, CLIENT_SUB, cache_cmd_client_id,
                  "Returns the client ID for the current connection", "5.0.0", "slow connection"),
    CLIENT_SUBCMD("getname", 2, CLIENT_SUB, cache_cmd_client_getname,
                  "Get the current connection name", "2.6.9", "slow connection"),
    CLIENT_SUBCMD("help", 2, CACHE_CMD_LOADING | CACHE_CMD_STALE, cache_cmd_client_help,
                  "Show helpful text about the different subcommands", "5.0.0", "slow connection"),
    CLIENT_SUBCMD("kill", -3, CLIENT_ADMIN, cache_cmd_client_kill,
                  "Kill the connection of a client", "2.4.0", "admin slow dangerous connection"),
    { .name = NULL },
};

const struct cache_command cache_cmds_conn[] = {
    { .name = "ping",
      .arity = -1,
      .flags = CACHE_CMD_FAST,
      .fn = cache_cmd_ping,
      .group = "connection",
      .since = "1.0.0",
      .summary = "Ping the server",
      .acl = "fast connection" },
    { .name = "echo",
      .arity = 2,
      .flags = CONN_FAST,
      .fn = cache_cmd_echo,
      .group = "connection",
      .since = "1.0.0",
      .summary = "Echo the given string",
      .acl = "fast connection" },
    { .name = "quit",
      .arity = -1,
      .flags = CONN_AUTHLESS,
      .fn = cache_cmd_quit,
      .group = "connection",
      .since = "1.0.0",
      .summary = "Close the connection",
      .acl = "fast connection" },
    { .name = "select",
      .arity = 2,
      .flags = CONN_FAST,
      .fn = cache_cmd_select,
      .group = "connection",
      .since = "1.0.0",
      .summary = "Change the selected database for the current connection",
      .acl = "fast connection" },
    { .name = "hello",
      .arity = -1,
      .flags = CONN_AUTHLESS,
      .fn = cache_cmd_hello,
      .group = "connection",
      .since = "6.0.0",
      .summary = "Handshake with Redis",
      .acl = "fast connection" },
    { .name = "auth",
      .arity = -2,
      .flags = CONN_AUTHLESS,
      .fn = cache_cmd_auth,
      .group = "connection",
      .since = "1.0.0",
      .summary = "Authenticate to the server",
      .acl = "fast connection" },
    { .name = "reset",
      .arity = 1,
      .flags = CONN_AUTHLESS,
      .fn = cache_cmd_reset,
      .group = "connection",
      .since = "6.2.0",
      .summary = "Reset the connection",
      .acl = "fast connection" },
    { .name = "client",
      .arity = -2,
      .flags = 0,
      .fn = NULL,
      .group = "connection",
      .since = "2.4.0",
      .summary = "A container for client connection commands",
      .acl = "slow",
      .subcommands = client_subcommands },
    { .name = NULL },
};
