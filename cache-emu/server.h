/*
 * The cache-emu server state: the one struct cache_server a process has and
 * the struct cache_client of every connection, as the command handlers see
 * them. server.c owns the event loop, the sockets and the lifetime of both;
 * command files read these fields and call the functions below, and never
 * touch sockets themselves.
 */
#ifndef CACHE_SERVER_H
#define CACHE_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache-emu/db.h"
#include "cache-emu/evict.h"
#include "cache-emu/resp_parse.h"
#include "cache-emu/resp_write.h"
#include "cache-emu/settings.h"
#include "common/buf.h"
#include "common/log.h"

struct cache_command;
struct cache_config;
struct dd_clock;
struct event;
struct event_base;

/* INFO stats counters; CONFIG RESETSTAT zeroes the resettable ones. */
struct cache_stats {
    uint64_t total_connections_received; /* accepted connections */
    uint64_t rejected_connections;       /* refused over maxclients */
    uint64_t total_commands_processed;   /* commands executed (not queued) */
    uint64_t total_net_input_bytes;      /* bytes read from clients */
    uint64_t total_net_output_bytes;     /* bytes written to clients */
    uint64_t keyspace_hits;              /* read lookups that found the key */
    uint64_t keyspace_misses;            /* read lookups that did not */
    uint64_t total_error_replies;        /* error replies sent */
    uint64_t get_type_cmds;              /* read-only commands (GetTypeCmds) */
    uint64_t set_type_cmds;              /* write commands (SetTypeCmds) */
    uint64_t unexpected_error_replies;   /* kept for INFO errorstats' shape */
};

/* What the server runs with; CONFIG SET changes these live. */
struct cache_server_opts {
    long long maxmemory;            /* bytes; 0 = no limit */
    enum cache_evict_policy policy; /* maxmemory-policy */
    int maxmemory_samples;          /* maxmemory-samples, default 5 */
    int lfu_log_factor;             /* lfu-log-factor, default 10 */
    int lfu_decay_time;             /* lfu-decay-time in minutes, default 1 */
    char *requirepass;              /* owned; NULL or "" = no AUTH needed */
    long long proto_max_bulk_len;   /* proto-max-bulk-len, 512mb */
    long long maxclients;           /* maxclients, 10000 */
    long long timeout_s;            /* timeout: idle seconds before close, 0 = never */
    long long tcp_keepalive_s;      /* tcp-keepalive: probe idle peers after this, 0 = off */
    int hz;                         /* hz: server cron frequency, default 10 */
    int databases;                  /* databases, fixed at start, default 16 */
    struct cache_settings settings; /* encoding thresholds for the types */
};

/* Client flags. */
#define CACHE_CLIENT_MULTI           0x0001 /* inside MULTI, queueing */
#define CACHE_CLIENT_DIRTY_CAS       0x0002 /* a WATCHed key changed: EXEC fails */
#define CACHE_CLIENT_DIRTY_EXEC      0x0004 /* a queued command was refused: EXECABORT */
#define CACHE_CLIENT_IN_EXEC         0x0008 /* running EXEC's queue: no blocking */
#define CACHE_CLIENT_BLOCKED         0x0010 /* waiting in BLPOP & co */
#define CACHE_CLIENT_CLOSE_AFTER     0x0020 /* QUIT / protocol error: close once replies are out */
#define CACHE_CLIENT_CLOSE_ASAP      0x0040 /* CLIENT KILL / output limit: close now */
#define CACHE_CLIENT_REPLAY          0x0080 /* re-running a blocked command because a key is ready */
#define CACHE_CLIENT_REPLY_OOM       0x0100 /* a reply could not be buffered: close */
#define CACHE_CLIENT_NO_EVICT        0x0200 /* CLIENT NO-EVICT on (accepted, no effect) */
#define CACHE_CLIENT_REPLY_OFF       0x0400 /* CLIENT REPLY OFF: replies dropped until ON */
#define CACHE_CLIENT_REPLY_SKIP_NEXT 0x0800 /* CLIENT REPLY SKIP: drop the next command's reply */
#define CACHE_CLIENT_REPLY_SKIP      0x1000 /* dropping the running command's reply */
#define CACHE_CLIENT_WRITE_ARMED     0x2000 /* server.c: ev_write is added */
#define CACHE_CLIENT_PENDING_FLUSH   0x4000 /* server.c: queued for the loop's write pass */

struct cache_multi_cmd;
struct cache_block_state;

/* One connection. */
struct cache_client {
    uint64_t id;                         /* CLIENT ID, from 1 upward */
    int fd;                              /* socket, owned */
    struct cache_server *srv;            /* owner */
    struct event *ev_read;               /* owned */
    struct event *ev_write;              /* owned, armed while out has unsent bytes */
    struct dd_buf in;                    /* unread request bytes from in_pos */
    size_t in_pos;                       /* consumed prefix of in */
    struct dd_buf out;                   /* reply bytes not yet written, from out_pos */
    size_t out_pos;                      /* sent prefix of out */
    struct cache_resp_parser *parser;    /* owned */
    enum cache_resp_proto proto;         /* 2 until HELLO 3 */
    struct cache_db *db;                 /* selected database, borrowed from srv->ks */
    char *name;                          /* CLIENT SETNAME, owned, NULL when unset */
    char *lib_name;                      /* CLIENT SETINFO LIB-NAME, owned or NULL */
    char *lib_ver;                       /* CLIENT SETINFO LIB-VER, owned or NULL */
    char addr[64];                       /* peer "ip:port" */
    char laddr[64];                      /* local "ip:port" */
    int64_t ctime_ms;                    /* connected at (emulated ms) */
    int64_t last_interaction_ms;         /* last command (emulated ms) */
    bool authenticated;                  /* AUTH passed or not required */
    uint32_t flags;                      /* CACHE_CLIENT_* */
    const struct cache_command *cmd;     /* running command (subcommand when one) */
    const struct cache_command *lastcmd; /* last command run, for CLIENT LIST cmd= */
    const struct cache_resp_arg *argv;   /* running command's arguments, borrowed */
    size_t argc;                         /* entries in argv */
    struct cache_multi_cmd *mstate;      /* queued commands, owned (multi.c) */
    size_t mcount, mcap;                 /* queued, allocated */
    struct cache_watch *watched;         /* WATCHed keys, owned (multi.c) */
    struct cache_block_state *block;     /* owned while BLOCKED (server.c) */
    size_t nsubs;                        /* channels + patterns subscribed (pubsub.c) */
    void *pubsub;                        /* pubsub.c's per-client state, owned there */
    struct cache_client *prev, *next;    /* srv->clients list */
};

struct cache_watch;

/* The process. */
struct cache_server {
    struct event_base *base;               /* borrowed from main */
    struct dd_clock *clock;                /* borrowed from main; emulated time */
    struct dd_logger log;                  /* the daemon's log */
    struct cache_keyspace *ks;             /* owned */
    struct cache_evict *evict;             /* owned */
    struct cache_server_opts opts;         /* live settings */
    struct cache_config *config;           /* CONFIG table state, owned (config.c) */
    struct cache_stats stats;              /* INFO stats */
    struct cache_client *clients;          /* every connection, newest first */
    size_t nclients;                       /* entries in clients */
    uint64_t next_client_id;               /* next CLIENT ID */
    int64_t start_ms;                      /* process start, emulated ms */
    int64_t start_mono_ns;                 /* process start, monotonic */
    int64_t cmd_time_ms;                   /* emulated time the running command sees */
    int port;                              /* bound RESP port */
    char run_id[41];                       /* INFO run_id: 40 hex chars */
    struct cache_watch_index *watch_index; /* key -> watching clients, owned (multi.c) */
    struct cache_ready_keys *ready;        /* keys pushed to while clients block, owned */
    struct cache_pubsub *pubsub;           /* channels and patterns, owned (pubsub.c) */
    void *priv;                            /* server.c's private state */
};

/* Replies with text through the client's output buffer; see cmd.h. */

/* Runs cmd (already looked up and checked) with c->argv/argc for c and
 * counts it in the stats: what EXEC and the replay of a blocked command use.
 * Returns the handler's result. */
int cache_server_call(struct cache_client *c, const struct cache_command *cmd);

/* After a blocked client was served or timed out: at the next turn of the
 * loop (never inside another client's command, as Redis's
 * processUnblockedClients), runs its pipelined input and writes its replies.
 * By id, since the client may be gone by then. */
void cache_server_resume_later(struct cache_server *srv, uint64_t client_id);

/* Closes c once its pending replies are written (QUIT). */
void cache_client_close_after_reply(struct cache_client *c);
/* Closes c at the next turn of the loop without writing more (CLIENT KILL);
 * safe to call on the running client. */
void cache_client_close_asap(struct cache_client *c);
/* Finds a connected client by CLIENT ID; borrowed, NULL when none. */
struct cache_client *cache_server_client_by_id(struct cache_server *srv, uint64_t id);

/* Applies opts changes that need more than a field write (maxmemory-policy
 * LFU switch, proto-max-bulk-len to every parser, requirepass). Call after
 * CONFIG SET changed srv->opts. 0, or DD_ENOMEM. */
int cache_server_opts_changed(struct cache_server *srv);

/* Emulated time for the running command (as Redis's commandTimeSnapshot). */
static inline int64_t cache_now_ms(const struct cache_server *srv)
{
    return srv->cmd_time_ms;
}

/* used_memory as INFO reports it: the keyspace plus what clients hold. */
size_t cache_server_used_memory(const struct cache_server *srv);

#endif
