/*
 * Blocking commands (BLPOP, BRPOP, BLMOVE, BZPOPMIN ...): clients parked on
 * keys until a push makes one ready or their deadline passes. Redis's
 * blocked.c model: a push only marks the key ready; after the running
 * command finishes, the server re-runs each waiting client's command in
 * arrival order while the key still has data, so a client woken in vain
 * simply blocks again.
 */
#ifndef CACHE_BLOCK_H
#define CACHE_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "cache-emu/server.h"

/* Parks c on keys (copied) until one is ready or deadline_ms (0 = forever);
 * called from a handler through cache_block_client(). During a replay the
 * client keeps its place and deadline. 0, or DD_ENOMEM (after an error reply). */
int cache_block_start(struct cache_client *c, const struct cache_resp_arg *keys, size_t nkeys,
                      int64_t deadline_ms);
/* Notes that key in db got data (signalKeyAsReady); cheap when nobody blocks. */
void cache_block_signal_ready(struct cache_server *srv, struct cache_db *db, const void *key,
                              size_t klen);
/* Serves clients blocked on keys made ready since the last call (after every
 * command). */
void cache_block_handle_ready(struct cache_server *srv);
/* Replies the null array to every blocked client whose deadline <= now_ms
 * and unblocks it. Returns the earliest remaining deadline, or 0 when none. */
int64_t cache_block_expire(struct cache_server *srv, int64_t now_ms);
/* The earliest deadline of a blocked client, or 0 when none. */
int64_t cache_block_next_deadline(const struct cache_server *srv);
/* Unblocks c without a reply (disconnect, CLIENT KILL). */
void cache_block_cancel(struct cache_client *c);
/* Number of blocked clients (INFO blocked_clients). */
size_t cache_block_count(const struct cache_server *srv);
/* Frees the server's blocking state (shutdown). */
void cache_block_free_all(struct cache_server *srv);

#endif
