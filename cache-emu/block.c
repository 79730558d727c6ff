/*
 * Clients blocked on list and sorted-set keys.
 *
 * Every blocked client is on one FIFO (the order Redis serves waiters of a
 * key in) with a copy of the keys it waits on and its deadline. A push marks
 * its key ready; after the command that pushed, cache_block_handle_ready()
 * walks the ready keys and, for each, re-runs the command of every client
 * waiting on it, oldest first, while the key still exists. The re-run is the
 * command's own handler: it pops and replies, or blocks again (keeping its
 * place and deadline) when an earlier waiter emptied the key. Blocked
 * clients are few, so linear walks are the simple and right choice here.
 */
#include "cache-emu/block.h"

#include <stdlib.h>
#include <string.h>

#include "cache-emu/cmd.h"
#include "common/err.h"

struct cache_block_state {
    struct cache_client *c;                /* the blocked client */
    struct cache_block_state *prev, *next; /* FIFO of all blocked clients */
    int db;                                /* database the keys are in */
    int64_t deadline_ms;                   /* 0 = forever */
    size_t nkeys;                          /* keys waited on */
    struct cache_resp_arg *keys;           /* owned; ptrs into bytes */
    char *bytes;                           /* owned: key bytes back to back */
    const struct cache_command *cmd;       /* command to re-run */
    struct cache_resp_arg *argv;           /* owned copy of its arguments */
    char *argbytes;                        /* owned */
    size_t argc;
};

/* A key made ready since the last handle_ready. */
struct ready_key {
    struct ready_key *next;
    int db;
    size_t klen;
    char key[];
};

struct cache_ready_keys {
    struct cache_block_state *head, *tail; /* blocked clients, oldest first */
    size_t nblocked;
    struct ready_key *ready; /* owned list, newest first */
};

static struct cache_ready_keys *state(struct cache_server *srv)
{
    if (!srv->ready)
        srv->ready = calloc(1, sizeof(*srv->ready));
    return srv->ready;
}

/* Copies n args into one owned byte block. */
static int copy_args(const struct cache_resp_arg *src, size_t n, struct cache_resp_arg **dst,
                     char **bytes)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += src[i].len;
    *dst = malloc((n ? n : 1) * sizeof(**dst));
    *bytes = malloc(total ? total : 1);
    if (!*dst || !*bytes) {
        DD_FREE(*dst);
        DD_FREE(*bytes);
        return DD_ENOMEM;
    }
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        if (src[i].len)
            memcpy(*bytes + off, src[i].ptr, src[i].len);
        (*dst)[i].ptr = *bytes + off;
        (*dst)[i].len = src[i].len;
        off += src[i].len;
    }
    return DD_OK;
}

int cache_block_start(struct cache_client *c, const struct cache_resp_arg *keys, size_t nkeys,
                      int64_t deadline_ms)
{
    if (c->block) {
        /* A replay found nothing: stay in place with the original deadline. */
        c->flags |= CACHE_CLIENT_BLOCKED;
        return DD_OK;
    }
    struct cache_ready_keys *rk = state(c->srv);
    struct cache_block_state *b = calloc(1, sizeof(*b));
    if (!rk || !b || copy_args(keys, nkeys, &b->keys, &b->bytes) != DD_OK ||
        copy_args(c->argv, c->argc, &b->argv, &b->argbytes) != DD_OK) {
        if (b) {
            free(b->keys);
            free(b->bytes);
        }
        free(b);
        cache_reply_error(c, "ERR out of memory");
        return DD_ENOMEM;
    }
    b->c = c;
    b->db = cache_db_id(c->db);
    b->deadline_ms = deadline_ms;
    b->nkeys = nkeys;
    b->cmd = c->cmd;
    b->argc = c->argc;
    b->prev = rk->tail;
    if (rk->tail)
        rk->tail->next = b;
    else
        rk->head = b;
    rk->tail = b;
    rk->nblocked++;
    c->block = b;
    c->flags |= CACHE_CLIENT_BLOCKED;
    return DD_OK;
}

static void unlink_free(struct cache_ready_keys *rk, struct cache_block_state *b)
{
    if (b->prev)
        b->prev->next = b->next;
    else
        rk->head = b->next;
    if (b->next)
        b->next->prev = b->prev;
    else
        rk->tail = b->prev;
    rk->nblocked--;
    b->c->block = NULL;
    b->c->flags &= ~CACHE_CLIENT_BLOCKED;
    free(b->keys);
    free(b->bytes);
    free(b->argv);
    free(b->argbytes);
    free(b);
}

void cache_block_signal_ready(struct cache_server *srv, struct cache_db *db, const void *key,
                              size_t klen)
{
    struct cache_ready_keys *rk = srv->ready;
    if (!rk || rk->nblocked == 0)
        return;
    int id = cache_db_id(db);
    for (struct ready_key *r = rk->ready; r; r = r->next)
        if (r->db == id && r->klen == klen && memcmp(r->key, key, klen) == 0)
            return;
    struct ready_key *r = malloc(sizeof(*r) + klen);
    if (!r)
        return; /* the waiter then wakes at its deadline: late, never wrong */
    r->db = id;
    r->klen = klen;
    memcpy(r->key, key, klen);
    r->next = rk->ready;
    rk->ready = r;
}

static bool waits_on(const struct cache_block_state *b, int db, const char *key, size_t klen)
{
    if (b->db != db)
        return false;
    for (size_t i = 0; i < b->nkeys; i++)
        if (b->keys[i].len == klen && memcmp(b->keys[i].ptr, key, klen) == 0)
            return true;
    return false;
}

/* Re-runs b's command for its client; returns true when the client was served. */
static bool replay(struct cache_server *srv, struct cache_block_state *b)
{
    struct cache_client *c = b->c;
    struct cache_db *saved_db = c->db;
    c->db = cache_keyspace_db(srv->ks, b->db);
    c->argv = b->argv;
    c->argc = b->argc;
    c->flags |= CACHE_CLIENT_REPLAY;
    c->flags &= ~CACHE_CLIENT_BLOCKED;
    (void)cache_server_call(c, b->cmd);
    c->flags &= ~CACHE_CLIENT_REPLAY;
    c->argv = NULL;
    c->argc = 0;
    c->db = saved_db;
    return !(c->flags & CACHE_CLIENT_BLOCKED);
}

void cache_block_handle_ready(struct cache_server *srv)
{
    struct cache_ready_keys *rk = srv->ready;
    if (!rk || !rk->ready)
        return;
    while (rk->ready) {
        /* Reverse to serve keys in the order they were signalled. */
        struct ready_key *list = NULL;
        while (rk->ready) {
            struct ready_key *r = rk->ready;
            rk->ready = r->next;
            r->next = list;
            list = r;
        }
        while (list) {
            struct ready_key *r = list;
            list = r->next;
            struct cache_block_state *b = rk->head;
            while (b) {
                struct cache_block_state *next = b->next;
                if (waits_on(b, r->db, r->key, r->klen)) {
                    struct cache_client *c = b->c;
                    if (replay(srv, b)) {
                        unlink_free(rk, b);
                        cache_server_resume_later(srv, c->id);
                    }
                    /* An emptied key serves nobody else; the command's own
                     * check decides, so keep walking: cheap and exact. */
                }
                b = next;
            }
            free(r);
        }
    }
}

int64_t cache_block_expire(struct cache_server *srv, int64_t now_ms)
{
    struct cache_ready_keys *rk = srv->ready;
    if (!rk)
        return 0;
    int64_t earliest = 0;
    struct cache_block_state *b = rk->head;
    while (b) {
        struct cache_block_state *next = b->next;
        if (b->deadline_ms && b->deadline_ms <= now_ms) {
            struct cache_client *c = b->c;
            unlink_free(rk, b);
            cache_reply_null_array(c);
            cache_server_resume_later(srv, c->id);
        } else if (b->deadline_ms && (!earliest || b->deadline_ms < earliest)) {
            earliest = b->deadline_ms;
        }
        b = next;
    }
    return earliest;
}

int64_t cache_block_next_deadline(const struct cache_server *srv)
{
    int64_t earliest = 0;
    for (const struct cache_block_state *b = srv->ready ? srv->ready->head : NULL; b; b = b->next)
        if (b->deadline_ms && (!earliest || b->deadline_ms < earliest))
            earliest = b->deadline_ms;
    return earliest;
}

void cache_block_cancel(struct cache_client *c)
{
    if (c->block && c->srv->ready)
        unlink_free(c->srv->ready, c->block);
}

size_t cache_block_count(const struct cache_server *srv)
{
    return srv->ready ? srv->ready->nblocked : 0;
}

void cache_block_free_all(struct cache_server *srv)
{
    struct cache_ready_keys *rk = srv->ready;
    if (!rk)
        return;
    while (rk->head)
        unlink_free(rk, rk->head);
    while (rk->ready) {
        struct ready_key *r = rk->ready;
        rk->ready = r->next;
        free(r);
    }
    free(rk);
    srv->ready = NULL;
}
