/*
 * Pub/Sub state: which clients listen on which channels, patterns and shard
 * channels, and the delivery of a published message to them, as Redis
 * 7.0.15's pubsub.c keeps and does it.
 *
 * The registry is two intrusive hash tables with every operation O(1) apart
 * from the pattern scan a PUBLISH has to make anyway:
 *
 *   entries  (kind, name) -> struct ps_entry: one name somebody listens to,
 *            with its subscribers in subscription order (Redis 7.0 keeps a
 *            list per channel and per pattern, so delivery follows
 *            subscription order);
 *   subs     (entry, client) -> struct ps_sub: one client on one name. The
 *            node sits in two lists at once: its entry's subscribers and the
 *            client's subscriptions of that kind, both in subscription order.
 *
 * Redis keeps a client's channels in a dict (a bare UNSUBSCRIBE walks them in
 * hash order, which varies with the process's hash seed) and its patterns in
 * a list (subscription order). Here both are in subscription order: one of
 * the orders Redis may produce for channels, the exact order for patterns.
 * Likewise Redis scans patterns at PUBLISH time in dict order; here in the
 * order the patterns first got a subscriber. An entry lives exactly as long
 * as it has subscribers, as in Redis, so PUBSUB CHANNELS and NUMPAT count only
 * names somebody listens to.
 *
 * Delivery writes straight into the receiver's output buffer with the RESP
 * writers (a push frame for RESP3, an array for RESP2) and asks the server to
 * flush that client at the next turn of the loop: PUBLISH runs inside the
 * publisher's command, where another client's socket must not be touched.
 */
#include "cache-emu/pubsub.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/db.h"
#include "cache-emu/resp_write.h"
#include "common/err.h"

/* Redis's default hard limit of client-output-buffer-limit pubsub: a
 * subscriber with more unsent bytes than this is disconnected rather than
 * allowed to grow without bound. */
#define PUBSUB_OUTPUT_HARD_LIMIT (32ull * 1024 * 1024)

/* First bucket count; tables double when they hold more nodes than buckets. */
#define TABLE_MIN_BUCKETS 16

/* ---- an intrusive chained hash table ---- */

/* Embedded first in every node the tables hold. */
struct ps_hnode {
    struct ps_hnode *next; /* bucket chain */
    uint64_t hash;         /* full hash, kept for resizing and quick compares */
};

struct ps_table {
    struct ps_hnode **buckets; /* owned array; the nodes belong to their owners */
    size_t nbuckets;           /* power of two, 0 before first insert */
    size_t count;              /* nodes held */
};

struct ps_entry;

/* One client's subscription to one name. */
struct ps_sub {
    struct ps_hnode h;            /* in cache_pubsub.subs, keyed (entry, client) */
    struct ps_entry *entry;       /* the name, borrowed */
    struct cache_client *client;  /* the subscriber, borrowed */
    struct ps_sub *eprev, *enext; /* the entry's subscribers */
    struct ps_sub *cprev, *cnext; /* the client's subscriptions of this kind */
};

/* One name with at least one subscriber. */
struct ps_entry {
    struct ps_hnode h;            /* in cache_pubsub.entries, keyed (kind, name) */
    struct ps_entry *prev, *next; /* the kind's names, in order of creation */
    struct ps_sub *first, *last;  /* subscribers in subscription order */
    size_t nsubs;                 /* entries in that list */
    enum cache_pubsub_kind kind;  /* namespace */
    size_t len;                   /* bytes of name */
    char name[];                  /* the name, NUL-terminated for convenience */
};

/* A client's subscriptions (c->pubsub), one list per kind. */
struct ps_client {
    struct ps_sub *first[CACHE_PUBSUB_KINDS]; /* oldest subscription */
    struct ps_sub *last[CACHE_PUBSUB_KINDS];  /* newest */
    size_t count[CACHE_PUBSUB_KINDS];         /* list lengths */
};

/* The server's registry (srv->pubsub). */
struct cache_pubsub {
    struct ps_table entries;                    /* (kind, name) -> ps_entry */
    struct ps_table subs;                       /* (entry, client) -> ps_sub */
    struct ps_entry *first[CACHE_PUBSUB_KINDS]; /* each kind's names, oldest first */
    struct ps_entry *last[CACHE_PUBSUB_KINDS];  /* newest */
    size_t nnames[CACHE_PUBSUB_KINDS];          /* names per kind */
};

static uint64_t hash_name(enum cache_pubsub_kind kind, const char *p, size_t len)
{
    uint64_t h = 14695981039346656037ull ^ (uint64_t)kind;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

static uint64_t hash_pair(const void *a, const void *b)
{
    uint64_t h = (uint64_t)(uintptr_t)a * 0x9e3779b97f4a7c15ull;
    h ^= (uint64_t)(uintptr_t)b + 0x632be59bd9b4e019ull + (h << 6) + (h >> 2);
    return h ^ (h >> 31);
}

/* Doubles the table; on allocation failure the table keeps working with
 * longer chains, so growth never fails an operation. */
static void table_grow(struct ps_table *t)
{
    size_t n = t->nbuckets ? t->nbuckets * 2 : TABLE_MIN_BUCKETS;
    struct ps_hnode **b = calloc(n, sizeof(*b));
    if (!b)
        return;
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct ps_hnode *x = t->buckets[i];
        while (x) {
            struct ps_hnode *next = x->next;
            size_t j = (size_t)x->hash & (n - 1);
            x->next = b[j];
            b[j] = x;
            x = next;
        }
    }
    free(t->buckets);
    t->buckets = b;
    t->nbuckets = n;
}

/* Links node (hash set) into t. DD_ENOMEM only when t has no buckets yet
 * and none could be allocated. */
static int table_insert(struct ps_table *t, struct ps_hnode *node)
{
    if (t->count >= t->nbuckets)
        table_grow(t);
    if (!t->nbuckets)
        return DD_ENOMEM;
    size_t i = (size_t)node->hash & (t->nbuckets - 1);
    node->next = t->buckets[i];
    t->buckets[i] = node;
    t->count++;
    return DD_OK;
}

static void table_remove(struct ps_table *t, struct ps_hnode *node)
{
    struct ps_hnode **pp = &t->buckets[(size_t)node->hash & (t->nbuckets - 1)];
    while (*pp && *pp != node)
        pp = &(*pp)->next;
    if (*pp) {
        *pp = node->next;
        t->count--;
    }
}

/* The chain where a node with this hash would be; NULL when t is empty. */
static struct ps_hnode *table_chain(const struct ps_table *t, uint64_t hash)
{
    return t->nbuckets ? t->buckets[(size_t)hash & (t->nbuckets - 1)] : NULL;
}

/* ---- entries and subscriptions ---- */

static struct ps_entry *entry_find(const struct cache_pubsub *ps, enum cache_pubsub_kind kind,
                                   const char *name, size_t len)
{
    if (!ps)
        return NULL;
    uint64_t h = hash_name(kind, name, len);
    for (struct ps_hnode *x = table_chain(&ps->entries, h); x; x = x->next) {
        struct ps_entry *e = (struct ps_entry *)x;
        if (x->hash == h && e->kind == kind && e->len == len && memcmp(e->name, name, len) == 0)
            return e;
    }
    return NULL;
}

static struct ps_sub *sub_find(const struct cache_pubsub *ps, const struct ps_entry *e,
                               const struct cache_client *c)
{
    uint64_t h = hash_pair(e, c);
    for (struct ps_hnode *x = table_chain(&ps->subs, h); x; x = x->next) {
        struct ps_sub *s = (struct ps_sub *)x;
        if (x->hash == h && s->entry == e && s->client == c)
            return s;
    }
    return NULL;
}

/* A new entry linked into the table and its kind's list; NULL on ENOMEM. */
static struct ps_entry *entry_new(struct cache_pubsub *ps, enum cache_pubsub_kind kind,
                                  const char *name, size_t len)
{
    struct ps_entry *e = calloc(1, sizeof(*e) + len + 1);
    if (!e)
        return NULL;
    e->kind = kind;
    e->len = len;
    memcpy(e->name, name, len);
    e->name[len] = '\0';
    e->h.hash = hash_name(kind, name, len);
    if (table_insert(&ps->entries, &e->h) != DD_OK) {
        free(e);
        return NULL;
    }
    e->prev = ps->last[kind];
    if (e->prev)
        e->prev->next = e;
    else
        ps->first[kind] = e;
    ps->last[kind] = e;
    ps->nnames[kind]++;
    return e;
}

/* Unlinks an entry that has no subscribers left; the caller frees it. */
static void entry_unlink(struct cache_pubsub *ps, struct ps_entry *e)
{
    table_remove(&ps->entries, &e->h);
    if (e->prev)
        e->prev->next = e->next;
    else
        ps->first[e->kind] = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        ps->last[e->kind] = e->prev;
    ps->nnames[e->kind]--;
}

static void client_recount(struct cache_client *c)
{
    const struct ps_client *pc = c->pubsub;
    c->nsubs = pc ? pc->count[0] + pc->count[1] + pc->count[2] : 0;
}

/* Unlinks s from its entry and its client and frees it. Returns the entry
 * when that was its last subscriber (unlinked, not freed: the caller may
 * still need its name), NULL otherwise. */
static struct ps_entry *sub_drop(struct cache_pubsub *ps, struct ps_sub *s)
{
    struct ps_entry *e = s->entry;
    struct ps_client *pc = s->client->pubsub;
    enum cache_pubsub_kind kind = e->kind;

    table_remove(&ps->subs, &s->h);
    if (s->eprev)
        s->eprev->enext = s->enext;
    else
        e->first = s->enext;
    if (s->enext)
        s->enext->eprev = s->eprev;
    else
        e->last = s->eprev;
    e->nsubs--;
    if (s->cprev)
        s->cprev->cnext = s->cnext;
    else
        pc->first[kind] = s->cnext;
    if (s->cnext)
        s->cnext->cprev = s->cprev;
    else
        pc->last[kind] = s->cprev;
    pc->count[kind]--;
    client_recount(s->client);
    free(s);
    if (e->nsubs)
        return NULL;
    entry_unlink(ps, e);
    return e;
}

/* Frees c's per-client state once it holds no subscription. */
static void client_state_release(struct cache_client *c)
{
    struct ps_client *pc = c->pubsub;
    if (pc && !pc->count[0] && !pc->count[1] && !pc->count[2]) {
        free(pc);
        c->pubsub = NULL;
    }
    client_recount(c);
}

/* ---- registry ---- */

int cache_pubsub_subscribe(struct cache_client *c, enum cache_pubsub_kind kind, const char *name,
                           size_t len)
{
    struct cache_server *srv = c->srv;
    if (!srv->pubsub) {
        srv->pubsub = calloc(1, sizeof(*srv->pubsub));
        if (!srv->pubsub)
            return DD_ENOMEM;
    }
    struct cache_pubsub *ps = srv->pubsub;
    if (!c->pubsub) {
        c->pubsub = calloc(1, sizeof(struct ps_client));
        if (!c->pubsub)
            return DD_ENOMEM;
    }
    struct ps_client *pc = c->pubsub;

    struct ps_entry *e = entry_find(ps, kind, name, len);
    if (e && sub_find(ps, e, c))
        return 0;
    bool created = false;
    if (!e) {
        e = entry_new(ps, kind, name, len);
        if (!e)
            goto fail;
        created = true;
    }
    struct ps_sub *s = calloc(1, sizeof(*s));
    if (!s)
        goto fail;
    s->entry = e;
    s->client = c;
    s->h.hash = hash_pair(e, c);
    if (table_insert(&ps->subs, &s->h) != DD_OK) {
        free(s);
        goto fail;
    }
    s->eprev = e->last;
    if (e->last)
        e->last->enext = s;
    else
        e->first = s;
    e->last = s;
    e->nsubs++;
    s->cprev = pc->last[kind];
    if (pc->last[kind])
        pc->last[kind]->cnext = s;
    else
        pc->first[kind] = s;
    pc->last[kind] = s;
    pc->count[kind]++;
    client_recount(c);
    return 1;

fail:
    if (created) {
        entry_unlink(ps, e);
        free(e);
    }
    client_state_release(c);
    return DD_ENOMEM;
}

int cache_pubsub_unsubscribe(struct cache_client *c, enum cache_pubsub_kind kind, const char *name,
                             size_t len)
{
    struct cache_pubsub *ps = c->srv->pubsub;
    if (!c->pubsub)
        return 0;
    struct ps_entry *e = entry_find(ps, kind, name, len);
    struct ps_sub *s = e ? sub_find(ps, e, c) : NULL;
    if (!s)
        return 0;
    free(sub_drop(ps, s));
    client_state_release(c);
    return 1;
}

size_t cache_pubsub_unsubscribe_all(struct cache_client *c, enum cache_pubsub_kind kind,
                                    cache_pubsub_unsub_fn fn, void *arg)
{
    struct cache_pubsub *ps = c->srv->pubsub;
    size_t n = 0;
    while (c->pubsub && ((struct ps_client *)c->pubsub)->first[kind]) {
        struct ps_client *pc = c->pubsub;
        struct ps_sub *s = pc->first[kind];
        struct ps_entry *e = s->entry;
        /* Keep the entry alive through the callback even when this was its
         * last subscriber: the callback replies with its name. */
        struct ps_entry *gone = sub_drop(ps, s);
        n++;
        if (fn)
            fn(c, e->name, e->len, cache_pubsub_count(c, kind), arg);
        free(gone);
    }
    if (c->pubsub)
        client_state_release(c);
    return n;
}

size_t cache_pubsub_client_count(const struct cache_client *c, enum cache_pubsub_kind kind)
{
    const struct ps_client *pc = c->pubsub;
    return pc ? pc->count[kind] : 0;
}

size_t cache_pubsub_count(const struct cache_client *c, enum cache_pubsub_kind kind)
{
    if (kind == CACHE_PUBSUB_SHARD)
        return cache_pubsub_client_count(c, CACHE_PUBSUB_SHARD);
    return cache_pubsub_client_count(c, CACHE_PUBSUB_CHANNEL) +
           cache_pubsub_client_count(c, CACHE_PUBSUB_PATTERN);
}

size_t cache_pubsub_foreach_receiver(struct cache_server *srv, bool shard, const char *channel,
                                     size_t len, cache_pubsub_deliver_fn fn, void *arg)
{
    struct cache_pubsub *ps = srv->pubsub;
    size_t n = 0;
    if (!ps)
        return 0;
    struct ps_entry *e =
        entry_find(ps, shard ? CACHE_PUBSUB_SHARD : CACHE_PUBSUB_CHANNEL, channel, len);
    for (struct ps_sub *s = e ? e->first : NULL; s; s = s->enext, n++)
        fn(s->client, NULL, 0, arg);
    if (shard)
        return n; /* shard channels ignore patterns */
    for (struct ps_entry *p = ps->first[CACHE_PUBSUB_PATTERN]; p; p = p->next) {
        if (!cache_glob_match(p->name, p->len, channel, len, false))
            continue;
        for (struct ps_sub *s = p->first; s; s = s->enext, n++)
            fn(s->client, p->name, p->len, arg);
    }
    return n;
}

/* ---- introspection ---- */

size_t cache_pubsub_numsub(const struct cache_server *srv, enum cache_pubsub_kind kind,
                           const char *name, size_t len)
{
    const struct ps_entry *e = entry_find(srv->pubsub, kind, name, len);
    return e ? e->nsubs : 0;
}

size_t cache_pubsub_numnames(const struct cache_server *srv, enum cache_pubsub_kind kind)
{
    return srv->pubsub ? srv->pubsub->nnames[kind] : 0;
}

void cache_pubsub_foreach_name(const struct cache_server *srv, enum cache_pubsub_kind kind,
                               cache_pubsub_name_fn fn, void *arg)
{
    for (const struct ps_entry *e = srv->pubsub ? srv->pubsub->first[kind] : NULL; e; e = e->next)
        fn(e->name, e->len, arg);
}

/* ---- delivery ---- */

struct delivery {
    struct cache_server *srv;       /* borrowed */
    struct cache_client *publisher; /* borrowed, may be NULL */
    const char *channel, *msg;      /* borrowed */
    size_t clen, mlen;              /* their lengths */
    bool shard;                     /* SPUBLISH: "smessage" */
};

/* One message frame into target's output buffer: 0 or DD_ENOMEM. */
static int write_message(struct cache_client *t, const struct delivery *d, const char *pattern,
                         size_t plen)
{
    struct dd_buf *b = &t->out;
    int rc;
    if (pattern) {
        rc = cache_resp_write_push(b, t->proto, 4);
        if (rc == DD_OK)
            rc = cache_resp_write_bulk(b, "pmessage", 8);
        if (rc == DD_OK)
            rc = cache_resp_write_bulk(b, pattern, plen);
    } else {
        rc = cache_resp_write_push(b, t->proto, 3);
        if (rc == DD_OK)
            rc = d->shard ? cache_resp_write_bulk(b, "smessage", 8)
                          : cache_resp_write_bulk(b, "message", 7);
    }
    if (rc == DD_OK)
        rc = cache_resp_write_bulk(b, d->channel, d->clen);
    if (rc == DD_OK)
        rc = cache_resp_write_bulk(b, d->msg, d->mlen);
    return rc;
}

static void deliver(struct cache_client *t, const char *pattern, size_t plen, void *arg)
{
    struct delivery *d = arg;
    /* Redis's prepareClientToWrite(): no output for a client on its way out
     * (the message still counts as received). CLIENT REPLY OFF does not stop
     * it: Redis marks pub/sub frames as pushes, which go out regardless. */
    if (t->flags & (CACHE_CLIENT_CLOSE_ASAP | CACHE_CLIENT_REPLY_OOM))
        return;
    size_t mark = t->out.len;
    if (write_message(t, d, pattern, plen) != DD_OK) {
        t->out.len = mark; /* never leave half a frame */
        t->flags |= CACHE_CLIENT_REPLY_OOM;
    } else if (t != d->publisher && t->out.len - t->out_pos > PUBSUB_OUTPUT_HARD_LIMIT) {
        /* The flag, not cache_client_close_asap(): freeing the client now
         * would change the lists being walked. The flush frees it. */
        t->flags |= CACHE_CLIENT_CLOSE_ASAP;
    }
    if (t->out.data)
        t->out.data[t->out.len] = '\0';
    if (t != d->publisher)
        cache_server_resume_later(d->srv, t->id);
}

size_t cache_pubsub_publish(struct cache_server *srv, struct cache_client *publisher, bool shard,
                            const char *channel, size_t clen, const char *msg, size_t mlen)
{
    struct delivery d = {
        .srv = srv,
        .publisher = publisher,
        .channel = channel,
        .msg = msg,
        .clen = clen,
        .mlen = mlen,
        .shard = shard,
    };
    return cache_pubsub_foreach_receiver(srv, shard, channel, clen, deliver, &d);
}

/* ---- lifetime ---- */

void cache_pubsub_client_free(struct cache_client *c)
{
    struct cache_pubsub *ps = c->srv ? c->srv->pubsub : NULL;
    struct ps_client *pc = c->pubsub;
    if (pc && ps)
        for (int k = 0; k < CACHE_PUBSUB_KINDS; k++)
            while (pc->first[k])
                free(sub_drop(ps, pc->first[k]));
    free(pc);
    c->pubsub = NULL;
    c->nsubs = 0;
}

void cache_pubsub_free_all(struct cache_server *srv)
{
    struct cache_pubsub *ps = srv->pubsub;
    if (!ps)
        return;
    /* Clients still subscribed (none, when the server frees its clients
     * first) lose their state here, so nothing points into freed memory. */
    for (int k = 0; k < CACHE_PUBSUB_KINDS; k++) {
        struct ps_entry *e = ps->first[k];
        while (e) {
            struct ps_entry *next = e->next;
            struct ps_sub *s = e->first;
            while (s) {
                struct ps_sub *sn = s->enext;
                if (s->client->pubsub) {
                    free(s->client->pubsub);
                    s->client->pubsub = NULL;
                    s->client->nsubs = 0;
                }
                free(s);
                s = sn;
            }
            free(e);
            e = next;
        }
    }
    free(ps->entries.buckets);
    free(ps->subs.buckets);
    free(ps);
    srv->pubsub = NULL;
}
