/*
 * MULTI / EXEC / DISCARD / WATCH / UNWATCH.
 *
 * Queued commands are copied (the input buffer they point into moves on).
 * WATCH keeps, per client, the keys it watches and whether each existed at
 * WATCH time; a server-wide count lets the write path skip the touch scan
 * entirely when nobody watches anything, which is the common case. A touch
 * (any write, delete, expiry, eviction or flush of the key) sets DIRTY_CAS on
 * every watcher. EXEC also fails when a watched key that existed at WATCH
 * time has logically expired since, even if nothing reclaimed it yet, which
 * is Redis 7.0's isWatchedKeyExpired() rule.
 */
#include "cache-emu/multi.h"

#include <stdlib.h>
#include <string.h>

#include "cache-emu/cmd.h"
#include "cache-emu/command.h"
#include "cache-emu/expire.h"
#include "common/err.h"

/* One watched key of a client. */
struct cache_watch {
    struct cache_watch *next; /* the client's list */
    int db;                   /* database index */
    bool expired_at_watch;    /* the key was logically expired when watched */
    size_t klen;              /* key length */
    char key[];               /* key bytes */
};

/* Clients with at least one WATCH, and the total of watched keys; kept in
 * srv->watch_index. */
struct cache_watch_index {
    size_t nkeys; /* watched keys over all clients */
};

static struct cache_watch_index *watch_index(struct cache_server *srv)
{
    if (!srv->watch_index)
        srv->watch_index = calloc(1, sizeof(*srv->watch_index));
    return srv->watch_index;
}

int cache_multi_queue(struct cache_client *c)
{
    if (c->mcount == c->mcap) {
        size_t ncap = c->mcap ? c->mcap * 2 : 8;
        struct cache_multi_cmd *n = realloc(c->mstate, ncap * sizeof(*n));
        if (!n)
            goto oom;
        c->mstate = n;
        c->mcap = ncap;
    }
    size_t total = 0;
    for (size_t i = 0; i < c->argc; i++)
        total += c->argv[i].len;
    struct cache_multi_cmd *m = &c->mstate[c->mcount];
    m->argv = malloc((c->argc ? c->argc : 1) * sizeof(*m->argv));
    m->args = malloc(total ? total : 1);
    if (!m->argv || !m->args) {
        free(m->argv);
        free(m->args);
        goto oom;
    }
    size_t off = 0;
    for (size_t i = 0; i < c->argc; i++) {
        if (c->argv[i].len)
            memcpy(m->args + off, c->argv[i].ptr, c->argv[i].len);
        m->argv[i].ptr = m->args + off;
        m->argv[i].len = c->argv[i].len;
        off += c->argv[i].len;
    }
    m->argc = c->argc;
    m->cmd = c->cmd;
    c->mcount++;
    cache_reply_simple(c, "QUEUED");
    return DD_OK;
oom:
    c->flags |= CACHE_CLIENT_DIRTY_EXEC;
    cache_reply_error(c, "ERR out of memory queueing the command");
    return DD_ENOMEM;
}

void cache_multi_flag_error(struct cache_client *c)
{
    if (c->flags & CACHE_CLIENT_MULTI)
        c->flags |= CACHE_CLIENT_DIRTY_EXEC;
}

void cache_multi_reset(struct cache_client *c)
{
    for (size_t i = 0; i < c->mcount; i++) {
        free(c->mstate[i].argv);
        free(c->mstate[i].args);
    }
    free(c->mstate);
    c->mstate = NULL;
    c->mcount = c->mcap = 0;
    c->flags &= ~(CACHE_CLIENT_MULTI | CACHE_CLIENT_DIRTY_EXEC | CACHE_CLIENT_DIRTY_CAS);
}

void cache_multi_unwatch_all(struct cache_client *c)
{
    struct cache_watch_index *wi = c->srv->watch_index;
    while (c->watched) {
        struct cache_watch *w = c->watched;
        c->watched = w->next;
        free(w);
        if (wi && wi->nkeys)
            wi->nkeys--;
    }
}

void cache_multi_touch_key(struct cache_server *srv, struct cache_db *db, const void *key,
                           size_t klen)
{
    if (!srv->watch_index || srv->watch_index->nkeys == 0)
        return;
    int id = cache_db_id(db);
    for (struct cache_client *c = srv->clients; c; c = c->next) {
        for (struct cache_watch *w = c->watched; w; w = w->next) {
            if (w->db == id && w->klen == klen && memcmp(w->key, key, klen) == 0) {
                c->flags |= CACHE_CLIENT_DIRTY_CAS;
                break;
            }
        }
    }
}

/* True when a key c watches, which was alive at WATCH time, is past its TTL now. */
static bool watched_key_expired(struct cache_client *c)
{
    int64_t now = cache_now_ms(c->srv);
    for (struct cache_watch *w = c->watched; w; w = w->next) {
        if (w->expired_at_watch)
            continue;
        struct cache_db *db = cache_keyspace_db(c->srv->ks, w->db);
        int64_t when = cache_expire_get(db, w->key, w->klen);
        if (when >= 0 && when <= now)
            return true;
    }
    return false;
}

static int cache_cmd_multi(struct cache_client *c)
{
    if (c->flags & CACHE_CLIENT_MULTI) {
        cache_reply_error(c, "ERR MULTI calls can not be nested");
        return DD_OK;
    }
    c->flags |= CACHE_CLIENT_MULTI;
    cache_reply_ok(c);
    return DD_OK;
}

static int cache_cmd_discard(struct cache_client *c)
{
    if (!(c->flags & CACHE_CLIENT_MULTI)) {
        cache_reply_error(c, "ERR DISCARD without MULTI");
        return DD_OK;
    }
    cache_multi_reset(c);
    cache_multi_unwatch_all(c);
    cache_reply_ok(c);
    return DD_OK;
}

static int cache_cmd_exec(struct cache_client *c)
{
    if (!(c->flags & CACHE_CLIENT_MULTI)) {
        cache_reply_error(c, "ERR EXEC without MULTI");
        return DD_OK;
    }
    if (c->flags & CACHE_CLIENT_DIRTY_EXEC) {
        cache_reply_error(c, "EXECABORT Transaction discarded because of previous errors.");
        cache_multi_reset(c);
        cache_multi_unwatch_all(c);
        return DD_OK;
    }
    if ((c->flags & CACHE_CLIENT_DIRTY_CAS) || watched_key_expired(c)) {
        cache_reply_null_array(c);
        cache_multi_reset(c);
        cache_multi_unwatch_all(c);
        return DD_OK;
    }
    /* Redis unwatches before running the queue: the transaction's own
     * writes must not make anything dirty. */
    cache_multi_unwatch_all(c);
    struct cache_multi_cmd *queue = c->mstate;
    size_t n = c->mcount;
    c->mstate = NULL;
    c->mcount = c->mcap = 0;
    c->flags &= ~CACHE_CLIENT_MULTI;

    const struct cache_command *exec_cmd = c->cmd;
    const struct cache_resp_arg *exec_argv = c->argv;
    size_t exec_argc = c->argc;
    cache_reply_array(c, n);
    c->flags |= CACHE_CLIENT_IN_EXEC;
    int rc = DD_OK;
    for (size_t i = 0; i < n; i++) {
        c->argv = queue[i].argv;
        c->argc = queue[i].argc;
        int r = cache_server_call(c, queue[i].cmd);
        if (r != DD_OK && rc == DD_OK)
            rc = r;
    }
    c->flags &= ~CACHE_CLIENT_IN_EXEC;
    c->cmd = exec_cmd;
    c->argv = exec_argv;
    c->argc = exec_argc;
    for (size_t i = 0; i < n; i++) {
        free(queue[i].argv);
        free(queue[i].args);
    }
    free(queue);
    return rc;
}

static int cache_cmd_watch(struct cache_client *c)
{
    if (c->flags & CACHE_CLIENT_MULTI) {
        cache_reply_error(c, "ERR WATCH inside MULTI is not allowed");
        return DD_OK;
    }
    struct cache_watch_index *wi = watch_index(c->srv);
    if (!wi) {
        cache_reply_error(c, "ERR out of memory");
        return DD_ENOMEM;
    }
    int id = cache_db_id(c->db);
    int64_t now = cache_now_ms(c->srv);
    for (size_t i = 1; i < c->argc; i++) {
        const struct cache_resp_arg *k = &c->argv[i];
        bool dup = false;
        for (struct cache_watch *w = c->watched; w; w = w->next)
            if (w->db == id && w->klen == k->len && memcmp(w->key, k->ptr, k->len) == 0)
                dup = true;
        if (dup)
            continue;
        struct cache_watch *w = malloc(sizeof(*w) + k->len);
        if (!w) {
            cache_reply_error(c, "ERR out of memory");
            return DD_ENOMEM;
        }
        w->db = id;
        w->klen = k->len;
        memcpy(w->key, k->ptr, k->len);
        int64_t when = cache_expire_get(c->db, k->ptr, k->len);
        w->expired_at_watch = when >= 0 && when <= now;
        w->next = c->watched;
        c->watched = w;
        wi->nkeys++;
    }
    cache_reply_ok(c);
    return DD_OK;
}

static int cache_cmd_unwatch(struct cache_client *c)
{
    cache_multi_unwatch_all(c);
    c->flags &= ~CACHE_CLIENT_DIRTY_CAS;
    cache_reply_ok(c);
    return DD_OK;
}

#define TX_FLAGS                                                                 \
    (CACHE_CMD_NOSCRIPT | CACHE_CMD_LOADING | CACHE_CMD_STALE | CACHE_CMD_FAST | \
     CACHE_CMD_ALLOW_BUSY | CACHE_CMD_MULTI_CTL)

const struct cache_command cache_cmds_multi[] = {
    { .name = "multi",
      .arity = 1,
      .flags = TX_FLAGS,
      .fn = cache_cmd_multi,
      .group = "transactions",
      .since = "1.2.0",
      .summary = "Mark the start of a transaction block",
      .acl = "fast transaction" },
    { .name = "exec",
      .arity = 1,
      .flags = CACHE_CMD_NOSCRIPT | CACHE_CMD_LOADING | CACHE_CMD_STALE | CACHE_CMD_SKIP_SLOWLOG |
               CACHE_CMD_MULTI_CTL,
      .fn = cache_cmd_exec,
      .group = "transactions",
      .since = "1.2.0",
      .summary = "Execute all commands issued after MULTI",
      .acl = "slow transaction" },
    { .name = "discard",
      .arity = 1,
      .flags = TX_FLAGS,
      .fn = cache_cmd_discard,
      .group = "transactions",
      .since = "2.0.0",
      .summary = "Discard all commands issued after MULTI",
      .acl = "fast transaction" },
    { .name = "watch",
      .arity = -2,
      .flags = TX_FLAGS,
      .fn = cache_cmd_watch,
      .first_key = 1,
      .last_key = -1,
      .key_step = 1,
      .group = "transactions",
      .since = "2.2.0",
      .summary = "Watch the given keys to determine execution of the MULTI/EXEC block",
      .acl = "fast transaction" },
    /* Redis queues UNWATCH inside MULTI like any other command. */
    { .name = "unwatch",
      .arity = 1,
      .flags = TX_FLAGS & ~CACHE_CMD_MULTI_CTL,
      .fn = cache_cmd_unwatch,
      .group = "transactions",
      .since = "2.2.0",
      .summary = "Forget about all watched keys",
      .acl = "fast transaction" },
    { 0 },
};
