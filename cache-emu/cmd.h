/*
 * What every command handler is written against: the command table row, the
 * reply helpers (which append to the client's output buffer through
 * resp_write.c), argument parsing with Redis's own error texts, and keyspace
 * access that keeps the INFO counters, WATCH and blocked clients right.
 *
 * A handler is `int cache_cmd_<name>(struct cache_client *c)`. The server
 * has already checked arity, AUTH, MULTI queueing and maxmemory; c->argv[0]
 * is the command name as sent (argv[1] the subcommand for container
 * commands). The handler writes exactly one reply (one top-level value,
 * however nested) and returns 0; it returns a negative DD_* only for a
 * failure of its own that it could not answer (the server then replies
 * "-ERR ... out of memory" style and closes nothing).
 *
 * Reply helpers never fail from the handler's point of view: when the output
 * buffer cannot grow, the client is marked CACHE_CLIENT_REPLY_OOM and closed
 * after the command, as Redis closes a client past its output limits. That
 * keeps handlers linear, like Redis's addReply*() calls.
 */
#ifndef CACHE_CMD_H
#define CACHE_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache-emu/db.h"
#include "cache-emu/resp_parse.h"
#include "cache-emu/server.h"

typedef int (*cache_cmd_fn)(struct cache_client *c);

/* Command flags: Redis's, as COMMAND INFO reports them, plus our own. */
#define CACHE_CMD_WRITE             (1u << 0)  /* write */
#define CACHE_CMD_READONLY          (1u << 1)  /* readonly */
#define CACHE_CMD_DENYOOM           (1u << 2)  /* denyoom: refused with -OOM over maxmemory */
#define CACHE_CMD_ADMIN             (1u << 3)  /* admin */
#define CACHE_CMD_PUBSUB            (1u << 4)  /* pubsub */
#define CACHE_CMD_NOSCRIPT          (1u << 5)  /* noscript */
#define CACHE_CMD_BLOCKING          (1u << 6)  /* blocking */
#define CACHE_CMD_LOADING           (1u << 7)  /* loading */
#define CACHE_CMD_STALE             (1u << 8)  /* stale */
#define CACHE_CMD_FAST              (1u << 9)  /* fast */
#define CACHE_CMD_NO_AUTH           (1u << 10) /* no_auth: allowed before AUTH */
#define CACHE_CMD_NO_MULTI          (1u << 11) /* no_multi: refused inside MULTI */
#define CACHE_CMD_SKIP_MONITOR      (1u << 12) /* skip_monitor */
#define CACHE_CMD_SKIP_SLOWLOG      (1u << 13) /* skip_slowlog */
#define CACHE_CMD_ALLOW_BUSY        (1u << 14) /* allow_busy */
#define CACHE_CMD_MAY_REPLICATE     (1u << 15) /* may_replicate */
#define CACHE_CMD_SENTINEL          (1u << 16) /* sentinel */
#define CACHE_CMD_NO_MANDATORY_KEYS (1u << 17) /* no_mandatory_keys */
#define CACHE_CMD_MULTI_CTL         (1u << 24) /* MULTI/EXEC/DISCARD/WATCH: run, never queued */

/* One row of the command table. Tables are static arrays ending in a row
 * whose name is NULL; each cmd_<group>.c exports one (see command.h). */
struct cache_command {
    const char *name;    /* lower case; for a subcommand just its own name ("get") */
    int arity;           /* Redis arity: n > 0 exactly n args with the name, -n at least n */
    uint32_t flags;      /* CACHE_CMD_* */
    cache_cmd_fn fn;     /* NULL for a container such as CONFIG (see subcommands) */
    int first_key;       /* COMMAND INFO key positions: first (0 = no keys) */
    int last_key;        /* last key, -1 = last argument, -2 = second to last */
    int key_step;        /* step between keys */
    const char *group;   /* COMMAND DOCS group: "string", "generic", "server", ... */
    const char *since;   /* COMMAND DOCS since: "1.0.0" */
    const char *summary; /* COMMAND DOCS summary, one line */
    const char *acl;     /* ACL categories without the '@', space separated: "write string fast" */
    const struct cache_command *subcommands; /* NULL-name-terminated, or NULL */
};

/* ---- replies ---- */

void cache_reply_ok(struct cache_client *c);                    /* +OK */
void cache_reply_simple(struct cache_client *c, const char *s); /* +s */
/* -text: the exact Redis text with its code ("ERR syntax error"); counted
 * in total_error_replies. */
void cache_reply_error(struct cache_client *c, const char *text);
void cache_reply_errorf(struct cache_client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cache_reply_ll(struct cache_client *c, long long v); /* :v */
void cache_reply_bulk(struct cache_client *c, const void *p, size_t len);
void cache_reply_bulk_cstr(struct cache_client *c, const char *s); /* NULL s -> null */
void cache_reply_bulk_ll(struct cache_client *c, long long v);
void cache_reply_null(struct cache_client *c);       /* $-1 / _ */
void cache_reply_null_array(struct cache_client *c); /* *-1 / _ */
void cache_reply_array(struct cache_client *c, size_t n);
void cache_reply_map(struct cache_client *c, size_t n); /* n pairs follow */
void cache_reply_set(struct cache_client *c, size_t n);
void cache_reply_double(struct cache_client *c, double d);
void cache_reply_bool(struct cache_client *c, bool v);
void cache_reply_verbatim(struct cache_client *c, const char *p, size_t len); /* "txt" */
/* An aggregate whose length is known only after its elements: defer, write
 * the elements, then set. kind is 'a' (array), 'm' (map: n pairs) or 's' (set). */
size_t cache_reply_defer(struct cache_client *c);
void cache_reply_defer_set(struct cache_client *c, size_t handle, char kind, size_t n);

/* addReplyHelp(): "<CMD> <subcommand> [<arg> [value] [opt] ...]. Subcommands
 * are:", then lines (NULL-terminated, borrowed), then HELP and its line, all
 * as status replies in one array. */
void cache_reply_help(struct cache_client *c, const char *cmd, const char *const *lines);

/* The errors every group uses, with Redis's exact texts. */
void cache_reply_wrongtype(struct cache_client *c); /* WRONGTYPE Operation against a key ... */
void cache_reply_syntax(struct cache_client *c);    /* ERR syntax error */
void cache_reply_not_int(struct cache_client *c); /* ERR value is not an integer or out of range */
void cache_reply_not_float(struct cache_client *c); /* ERR value is not a valid float */
/* ERR wrong number of arguments for '<cmd>' command (cmd as Redis names it,
 * "config|get" for subcommands). */
void cache_reply_arity(struct cache_client *c);

/* ---- arguments ---- */

/* True when argv[i] equals word, ASCII case-insensitively (word lower case). */
bool cache_arg_is(const struct cache_client *c, size_t i, const char *word);
/* argv[i] as a long long (Redis's string2ll); false after replying
 * "ERR value is not an integer or out of range". */
bool cache_arg_ll(struct cache_client *c, size_t i, long long *out);
/* argv[i] as a long long in [min, max]; false after replying msg (or the
 * not-an-integer error when msg is NULL or when it is not an integer). */
bool cache_arg_ll_range(struct cache_client *c, size_t i, long long min, long long max,
                        const char *msg, long long *out);
/* getRangeLongFromObjectOrReply(min, LONG_MAX, msg): argv[i] as a long long
 * >= min; false after replying msg, for a non-number as for a number below
 * min (COUNT, numkeys and the like). */
bool cache_arg_ll_min(struct cache_client *c, size_t i, long long min, const char *msg,
                      long long *out);
/* HSCAN/SSCAN/ZSCAN's options from argv[first]: COUNT n (>= 1, default 10)
 * and MATCH pattern (*pattern NULL when absent or "*", which matches all);
 * false after replying the error Redis gives. */
bool cache_arg_scan_options(struct cache_client *c, size_t first, long long *count,
                            const struct cache_resp_arg **pattern);
/* argv[i] as a double the way Redis's getDoubleFromObject() reads it (strtod,
 * no spaces, no NaN); false after replying "ERR value is not a valid float". */
bool cache_arg_double(struct cache_client *c, size_t i, double *out);
/* Same with long double (INCRBYFLOAT). */
bool cache_arg_long_double(struct cache_client *c, size_t i, long double *out);

/* ---- keyspace access ---- */

/* Lookup for a read: lazy expiry, keyspace_hits/misses counted, access stamp
 * updated. Borrowed result, NULL when absent. */
struct cache_obj *cache_lookup_read(struct cache_client *c, const struct cache_resp_arg *key);
/* Lookup for a write: lazy expiry, no hit/miss counting. */
struct cache_obj *cache_lookup_write(struct cache_client *c, const struct cache_resp_arg *key);
/* Lookup of a key a blocked command waits on: during the replay of a blocked
 * command a key now holding another type reads as absent ("not ready"),
 * since Redis serves a waiter only from a key of its type; otherwise as
 * cache_lookup_write(). */
struct cache_obj *cache_lookup_blocked(struct cache_client *c, const struct cache_resp_arg *key,
                                       enum cache_type t);
/* True when obj is NULL or of type t; otherwise replies WRONGTYPE and
 * returns false. */
bool cache_check_type(struct cache_client *c, const struct cache_obj *obj, enum cache_type t);
/* Every write to a key's value (in place or replaced) must call this once the
 * write is done: it invalidates WATCHes on the key (signalModifiedKey).
 * Deletions, expiries and evictions reach WATCH through the keyspace
 * listener and need no call. */
void cache_signal_modified(struct cache_client *c, const struct cache_resp_arg *key);
/* After a push to a list (or zset) key: wake clients blocked on it once the
 * running command has finished (signalKeyAsReady). */
void cache_signal_key_ready(struct cache_client *c, const struct cache_resp_arg *key);

/* ---- blocking (BLPOP, BRPOP, BLMOVE, BZPOPMIN ...) ---- */

/*
 * Blocks c on keys until one of them is signalled ready or deadline_ms
 * (emulated ms, 0 = forever) passes. When a key becomes ready the server runs
 * the same command again (CACHE_CLIENT_REPLAY set); the handler then finds
 * data and replies, or calls this again to keep waiting (the original
 * deadline is kept). On timeout the server replies the null array, as Redis
 * 7.0 does for every list and zset blocking command. Inside MULTI/EXEC the
 * client cannot block: this replies the null array at once. The handler must
 * not write a reply itself when it calls this. 0, or DD_ENOMEM.
 */
int cache_block_client(struct cache_client *c, const struct cache_resp_arg *keys, size_t nkeys,
                       int64_t deadline_ms);
/* The timeout argument of blocking commands (seconds as a double, Redis's
 * getTimeoutFromObjectOrReply): 0 = forever, else an absolute emulated
 * deadline in ms. false after replying "ERR timeout is not a float or out of
 * range" / "ERR timeout is negative". */
bool cache_arg_timeout(struct cache_client *c, size_t i, int64_t *deadline_ms);

#endif
