/*
 * Transactions: MULTI queues commands, EXEC runs them back to back, and
 * WATCH makes EXEC fail when a watched key was touched in between (written,
 * deleted, expired, evicted, or flushed), as Redis's multi.c does.
 */
#ifndef CACHE_MULTI_H
#define CACHE_MULTI_H

#include <stddef.h>

#include "cache-emu/server.h"

struct cache_command;

/* One queued command with its own copy of the arguments. */
struct cache_multi_cmd {
    const struct cache_command *cmd; /* resolved at queue time (subcommand when one) */
    struct cache_resp_arg *argv;     /* owned; each ptr into args */
    size_t argc;                     /* entries in argv */
    char *args;                      /* owned: the argument bytes back to back */
};

/* Queues c's running command (c->cmd, c->argv) and replies +QUEUED; on
 * ENOMEM replies an error and flags the transaction, returning DD_ENOMEM. */
int cache_multi_queue(struct cache_client *c);
/* Marks c's transaction as failed (a queued command was refused): EXEC will
 * answer EXECABORT. No-op outside MULTI. */
void cache_multi_flag_error(struct cache_client *c);
/* Drops c's queue and MULTI state (DISCARD, EXEC, disconnect). */
void cache_multi_reset(struct cache_client *c);
/* UNWATCH: forgets every key c watches. */
void cache_multi_unwatch_all(struct cache_client *c);
/* A write/delete/expiry of key in db: every client watching it fails its
 * next EXEC (touchWatchedKey). Cheap when nothing is watched. */
void cache_multi_touch_key(struct cache_server *srv, struct cache_db *db, const void *key,
                           size_t klen);

#endif
