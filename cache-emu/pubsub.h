/*
 * Pub/Sub: channels and patterns, SUBSCRIBE/PUBLISH and friends, delivering
 * messages into subscribers' output buffers (RESP2 arrays, RESP3 pushes).
 * The server keeps the per-client count in c->nsubs so the dispatcher can
 * restrict a RESP2 subscriber to the commands Redis allows it.
 */
#ifndef CACHE_PUBSUB_H
#define CACHE_PUBSUB_H

#include "cache-emu/server.h"

/* Drops every subscription of c (disconnect, RESET); c->nsubs becomes 0. */
void cache_pubsub_client_free(struct cache_client *c);
/* Frees srv->pubsub (shutdown); NULL state is a no-op. */
void cache_pubsub_free_all(struct cache_server *srv);

#endif
