/*
 * The server's lifecycle, for main.c and tests: create, listen, free. Kept
 * apart from server.h, which is what command handlers see.
 */
#ifndef CACHE_SERVER_RUN_H
#define CACHE_SERVER_RUN_H

#include "cache-emu/server.h"

/* cache-emu's own version (the admin endpoint's); INFO says redis_version:7.0.15. */
#define CACHE_EMU_VERSION "0.1.0"
/* The Redis version cache-emu answers as. */
#define CACHE_REDIS_VERSION "7.0.15"

/* A server on base with emulated time from clock (both borrowed, must outlive
 * it) and `databases` databases (<= 0: 16). Settings start at Redis's
 * defaults; apply flags with cache_config_set() before listening. Caller
 * frees with cache_server_free(); NULL on ENOMEM. */
struct cache_server *cache_server_new(struct event_base *base, struct dd_clock *clock,
                                      int databases);
/* Binds the RESP port (0 = any free port, see srv->port) on host, and the
 * admin HTTP endpoint on 127.0.0.1:admin_port when admin_port >= 0 (0 = any).
 * 0, DD_EINVAL, DD_EIO or DD_ENOMEM. */
int cache_server_listen(struct cache_server *srv, const char *host, int port, int admin_port);
/* The bound admin port, or -1 without one. */
int cache_server_admin_port(const struct cache_server *srv);
/* A count that grows whenever srv served a peer (bytes read, connections
 * accepted): what dd_loop's busy polling watches. srv is a void * for that. */
uint64_t cache_server_activity(void *srv);
/* Closes every connection and frees srv; NULL is a no-op. */
void cache_server_free(struct cache_server *srv);

#endif
