/*
 * Pub/Sub: channels and patterns, SUBSCRIBE/PUBLISH and friends, delivering
 * messages into subscribers' output buffers (RESP2 arrays, RESP3 pushes).
 * The server keeps the per-client count in c->nsubs so the dispatcher can
 * restrict a RESP2 subscriber to the commands Redis allows it.
 *
 * Two layers: the registry (who listens to what, in subscription order, and
 * which subscriptions a published channel reaches) works on plain clients and
 * names and never writes a byte; cache_pubsub_publish() on top of it writes
 * the message into every receiver's output buffer and has the server flush
 * it. cmd_pubsub.c holds the commands.
 *
 * Names (channels, patterns) are binary safe and borrowed by every function
 * here; the registry keeps its own copies. The registry's memory is plain
 * malloc, not used_memory: subscriptions are connection state, not keyspace.
 */
#ifndef CACHE_PUBSUB_H
#define CACHE_PUBSUB_H

#include <stdbool.h>
#include <stddef.h>

#include "cache-emu/server.h"

/* The three namespaces of Redis 7.0: SUBSCRIBE channels, PSUBSCRIBE
 * patterns, and SSUBSCRIBE shard channels (a namespace of their own, that
 * patterns never match). */
enum cache_pubsub_kind {
    CACHE_PUBSUB_CHANNEL = 0,
    CACHE_PUBSUB_PATTERN = 1,
    CACHE_PUBSUB_SHARD = 2,
};
#define CACHE_PUBSUB_KINDS 3

/* ---- registry ---- */

/* Subscribes c to name in kind's namespace (srv->pubsub is created on first
 * use). 1 when newly subscribed, 0 when c already was, DD_ENOMEM (then
 * nothing changed). Keeps c->nsubs. */
int cache_pubsub_subscribe(struct cache_client *c, enum cache_pubsub_kind kind, const char *name,
                           size_t len);
/* Drops c's subscription to name: 1 when it had one, 0 when not. Keeps
 * c->nsubs; a name nobody listens to any more leaves the server's table. */
int cache_pubsub_unsubscribe(struct cache_client *c, enum cache_pubsub_kind kind, const char *name,
                             size_t len);

/* Called for each subscription cache_pubsub_unsubscribe_all() drops, once it
 * is dropped: name (borrowed, valid during the call only) and how many
 * subscriptions of the kind's count c has left (see cache_pubsub_count). */
typedef void (*cache_pubsub_unsub_fn)(struct cache_client *c, const char *name, size_t len,
                                      size_t left, void *arg);
/* Drops every subscription of c in kind's namespace in subscription order,
 * calling fn (may be NULL) after each. Returns how many were dropped. */
size_t cache_pubsub_unsubscribe_all(struct cache_client *c, enum cache_pubsub_kind kind,
                                    cache_pubsub_unsub_fn fn, void *arg);

/* How many subscriptions c has in kind's namespace alone. */
size_t cache_pubsub_client_count(const struct cache_client *c, enum cache_pubsub_kind kind);
/* The count Redis reports in kind's (un)subscribe confirmations: channels +
 * patterns for CHANNEL and PATTERN (clientSubscriptionsCount), shard
 * channels alone for SHARD. */
size_t cache_pubsub_count(const struct cache_client *c, enum cache_pubsub_kind kind);

/* Called once per receiving subscription of a published message: the target
 * (borrowed) and, for a pattern subscription, the pattern that matched
 * (borrowed, NULL/0 for a direct channel subscription). fn must not change
 * subscriptions. */
typedef void (*cache_pubsub_deliver_fn)(struct cache_client *target, const char *pattern,
                                        size_t plen, void *arg);
/*
 * Who receives a message published to channel: for a channel (shard false)
 * its subscribers in subscription order, then for each pattern (in the order
 * patterns first appeared) that matches the channel, its subscribers in
 * subscription order; for a shard channel its shard subscribers alone.
 * Calls fn for each and returns how many there were (PUBLISH's reply; a
 * client listening twice counts twice).
 */
size_t cache_pubsub_foreach_receiver(struct cache_server *srv, bool shard, const char *channel,
                                     size_t len, cache_pubsub_deliver_fn fn, void *arg);

/* ---- introspection (PUBSUB) ---- */

/* Subscribers of name in kind's namespace (PUBSUB NUMSUB / SHARDNUMSUB). */
size_t cache_pubsub_numsub(const struct cache_server *srv, enum cache_pubsub_kind kind,
                           const char *name, size_t len);
/* Distinct names with subscribers in kind's namespace (PUBSUB NUMPAT for
 * patterns). */
size_t cache_pubsub_numnames(const struct cache_server *srv, enum cache_pubsub_kind kind);
/* Calls fn for every name with subscribers in kind's namespace, in the order
 * the names first got one; name borrowed for the call. */
typedef void (*cache_pubsub_name_fn)(const char *name, size_t len, void *arg);
void cache_pubsub_foreach_name(const struct cache_server *srv, enum cache_pubsub_kind kind,
                               cache_pubsub_name_fn fn, void *arg);

/* ---- delivery ---- */

/*
 * PUBLISH (shard false) / SPUBLISH (shard true): writes message to every
 * receiver as ["message", channel, payload], ["pmessage", pattern, channel,
 * payload] or ["smessage", channel, payload] (RESP3 clients get push frames)
 * and schedules each receiver's flush. Returns the number of receivers. A
 * receiver with CLIENT REPLY OFF gets the message too, as in Redis (pub/sub
 * frames are pushes there); one whose buffer cannot grow is closed. publisher (may be NULL,
 * borrowed) is the running client: its own messages go out with its reply.
 */
size_t cache_pubsub_publish(struct cache_server *srv, struct cache_client *publisher, bool shard,
                            const char *channel, size_t clen, const char *msg, size_t mlen);

/* ---- lifetime ---- */

/* Drops every subscription of c (disconnect, RESET); c->nsubs becomes 0. */
void cache_pubsub_client_free(struct cache_client *c);
/* Frees srv->pubsub (shutdown); NULL state is a no-op. Clients must have
 * been freed first or have no subscriptions. */
void cache_pubsub_free_all(struct cache_server *srv);

#endif
