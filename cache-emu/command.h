/*
 * The command table: every group's rows (one exported array per cmd_*.c)
 * gathered behind one case-insensitive lookup, which the dispatcher and
 * COMMAND (COUNT, INFO, DOCS, LIST) both use.
 */
#ifndef CACHE_COMMAND_H
#define CACHE_COMMAND_H

#include <stddef.h>

#include "cache-emu/cmd.h"

/* The groups' tables, each ending in a row whose name is NULL. */
extern const struct cache_command cache_cmds_string[]; /* cmd_string.c */
extern const struct cache_command cache_cmds_keys[];   /* cmd_keys.c: generic + expiry */
extern const struct cache_command cache_cmds_hash[];   /* cmd_hash.c */
extern const struct cache_command cache_cmds_set[];    /* cmd_set.c */
extern const struct cache_command cache_cmds_list[];   /* cmd_list.c */
extern const struct cache_command cache_cmds_zset[];   /* cmd_zset.c */
extern const struct cache_command cache_cmds_conn[]; /* cmd_conn.c: PING, HELLO, AUTH, CLIENT ... */
extern const struct cache_command cache_cmds_server[]; /* cmd_server.c: INFO, CONFIG, COMMAND ... */
extern const struct cache_command cache_cmds_multi[];  /* multi.c: MULTI, EXEC, WATCH ... */
extern const struct cache_command cache_cmds_pubsub[]; /* cmd_pubsub.c: SUBSCRIBE, PUBLISH ... */
extern const struct cache_command cache_cmds_sort[];   /* cmd_sort.c: SORT, SORT_RO */
extern const struct cache_command cache_cmds_bits[];   /* cmd_bits.c: BITPOS, BITOP, BITFIELD */
extern const struct cache_command cache_cmds_misc[];   /* cmd_misc.c: MOVE, SWAPDB, LCS, ROLE ... */
extern const struct cache_command cache_cmds_script[]; /* cmd_script.c: EVAL, EVALSHA, SCRIPT */
extern const struct cache_command cache_cmds_hll[];    /* cmd_hll.c: PFADD, PFCOUNT, PFMERGE */

/* Builds the lookup index once (idempotent). 0, or DD_ENOMEM. */
int cache_command_init(void);
/* The top-level command named name[0..len) in any case; NULL when unknown. */
const struct cache_command *cache_command_lookup(const char *name, size_t len);
/* parent's subcommand named name[0..len) in any case; NULL when unknown. */
const struct cache_command *cache_command_sub_lookup(const struct cache_command *parent,
                                                     const char *name, size_t len);
/* Every top-level command, for COMMAND / COMMAND COUNT; i < cache_command_count(). */
size_t cache_command_count(void);
const struct cache_command *cache_command_at(size_t i);
/* "get", or "config|get" for a subcommand: Redis's full name, as used in
 * error texts and CLIENT LIST. Writes into dst (NUL-terminated, truncated). */
void cache_command_fullname(const struct cache_command *cmd, char *dst, size_t dstlen);

#endif
