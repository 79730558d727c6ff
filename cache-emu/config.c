/*
 * The CONFIG parameter table of Redis 7.0.15 and the rules CONFIG GET and
 * CONFIG SET follow, reproduced from the live server: one row per parameter
 * with its type, range, default, alias and flags, and one set of parsers per
 * type with Redis's own error texts.
 *
 * How Redis 7.0 behaves, and so how this file behaves:
 *
 *  - Types. Booleans take yes/no in any case. Enums take one of their names
 *    in any case (shutdown-on-sigint/sigterm take several, OR-ed). Numbers
 *    are strict decimal (Redis's string2ll: no '+', no leading zero, no
 *    spaces); "memory" numbers also take the units b k kb m mb g gb
 *    (memtoull: k is 1000, kb 1024, no overflow check, "" is 0);
 *    maxmemory-clients also takes a percentage, stored negated; the octal one
 *    (unixsocketperm) is read with strtoll base 8. Ranges are checked as
 *    unsigned for the unsigned C types Redis uses (so -1 is "between 0 and
 *    9223372036854775807") and signed otherwise. Strings are stored as given.
 *    A few "special" parameters (save, bind, client-output-buffer-limit,
 *    notify-keyspace-events ...) have parsers of their own and are rendered
 *    back in a canonical form ("KEA" reads back as "AKE").
 *  - Names are looked up case-insensitively; an alias is a separate entry
 *    (so CONFIG SET lua-time-limit 1 busy-reply-threshold 2 is not a
 *    duplicate) that CONFIG GET * lists under its own name.
 *  - CONFIG SET refuses immutable parameters ("can't set immutable config"),
 *    protected ones (dir, dbfilename) unless enable-protected-configs allows
 *    them, unknown names and the same entry twice, then parses every value,
 *    and only then changes anything: all or nothing.
 *  - Hidden parameters (watchdog-period ...) answer an exact CONFIG GET but
 *    never a glob.
 *
 * What the emulator does with a value: the parameters bound to
 * struct cache_server_opts are written there (and read from there, so the
 * server may change them too) and cache_server_opts_changed() is called;
 * everything else only changes what CONFIG GET says, except the few whose
 * change Redis could not apply here either (activedefrag yes, TLS, a new
 * port), which fail with Redis's text.
 */
#include "cache-emu/config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache-emu/db.h"
#include "cache-emu/evict.h"
#include "cache-emu/info.h"
#include "cache-emu/server.h"
#include "cache-emu/settings.h"
#include "common/buf.h"
#include "common/err.h"

/* ---- the table ---- */

enum cfg_type {
    CT_BOOL,
    CT_STRING,
    CT_ENUM,  /* one name */
    CT_FLAGS, /* several names OR-ed (shutdown-on-sig*) */
    CT_NUM,
    CT_SPECIAL,
};

#define CF_IMMUTABLE 0x01 /* refused by CONFIG SET */
#define CF_PROTECTED 0x02 /* refused unless enable-protected-configs */
#define CF_HIDDEN    0x04 /* exact CONFIG GET only */
#define CF_MULTI     0x08 /* value split on single spaces */

#define NF_MEMORY  0x01 /* units accepted */
#define NF_PERCENT 0x02 /* "n%" accepted, stored as -n */
#define NF_OCTAL   0x04 /* base 8 */

/* Parameters whose value lives in struct cache_server / cache_server_opts. */
enum cfg_bind {
    BIND_NONE = 0,
    BIND_MAXMEMORY,
    BIND_POLICY,
    BIND_SAMPLES,
    BIND_LFU_LOG,
    BIND_LFU_DECAY,
    BIND_REQUIREPASS,
    BIND_PROTO_BULK,
    BIND_MAXCLIENTS,
    BIND_TIMEOUT,
    BIND_KEEPALIVE,
    BIND_HZ,
    BIND_DATABASES,
    BIND_HASH_ENTRIES,
    BIND_HASH_VALUE,
    BIND_SET_INTSET,
    BIND_ZSET_ENTRIES,
    BIND_ZSET_VALUE,
    BIND_LIST_SIZE,
    BIND_LIST_COMPRESS,
    BIND_PORT,
};

/* Validators and special parsers, by kind. */
enum cfg_check {
    CK_NONE = 0,
    CK_ACTIVEDEFRAG,   /* yes needs Redis's own jemalloc */
    CK_TLS_APPLY,      /* turning TLS on fails: no certificates */
    CK_DBFILENAME,     /* basename only */
    CK_AOFFILENAME,    /* non-empty basename */
    CK_AOFDIRNAME,     /* non-empty basename */
    CK_HOSTNAME,       /* cluster-announce-hostname charset */
    CK_PROCTITLE,      /* proc-title-template variables */
    CK_SHUTDOWN_FLAGS, /* save and nosave exclusive */
    SP_DIR,
    SP_SAVE,
    SP_COBL,
    SP_OOM_VALUES,
    SP_NOTIFY,
    SP_BIND,
    SP_REPLICAOF,
    SP_LATENCY_PCT,
};

struct cfg_enum {
    const char *name;
    int val;
};

struct cfg_param {
    const char *name;             /* primary name */
    const char *alias;            /* old name, or NULL */
    unsigned char type;           /* CT_* */
    unsigned char flags;          /* CF_* */
    unsigned char num;            /* NF_* for CT_NUM */
    bool uns;                     /* CT_NUM: range checked as unsigned */
    long long lo, hi;             /* CT_NUM range, as Redis's long long bounds */
    const char *def;              /* default, as a config-file value */
    const struct cfg_enum *enums; /* CT_ENUM / CT_FLAGS names, NULL-terminated */
    unsigned char bind;           /* BIND_* */
    unsigned char check;          /* CK_* / SP_* */
};

static const struct cfg_enum enum_policy[] = {
    { "volatile-lru", CACHE_EVICT_VOLATILE_LRU },
    { "volatile-lfu", CACHE_EVICT_VOLATILE_LFU },
    { "volatile-random", CACHE_EVICT_VOLATILE_RANDOM },
    { "volatile-ttl", CACHE_EVICT_VOLATILE_TTL },
    { "allkeys-lru", CACHE_EVICT_ALLKEYS_LRU },
    { "allkeys-lfu", CACHE_EVICT_ALLKEYS_LFU },
    { "allkeys-random", CACHE_EVICT_ALLKEYS_RANDOM },
    { "noeviction", CACHE_EVICT_NOEVICTION },
    { NULL, 0 },
};
static const struct cfg_enum enum_syslog[] = {
    { "user", 0 },   { "local0", 1 }, { "local1", 2 }, { "local2", 3 }, { "local3", 4 },
    { "local4", 5 }, { "local5", 6 }, { "local6", 7 }, { "local7", 8 }, { NULL, 0 },
};
static const struct cfg_enum enum_loglevel[] = {
    { "debug", 0 }, { "verbose", 1 }, { "notice", 2 }, { "warning", 3 }, { NULL, 0 },
};
static const struct cfg_enum enum_supervised[] = {
    { "upstart", 1 }, { "systemd", 2 }, { "auto", 3 }, { "no", 0 }, { NULL, 0 },
};
static const struct cfg_enum enum_fsync[] = {
    { "everysec", 0 },
    { "always", 1 },
    { "no", 2 },
    { NULL, 0 },
};
static const struct cfg_enum enum_diskless_load[] = {
    { "disabled", 0 },
    { "on-empty-db", 1 },
    { "swapdb", 2 },
    { NULL, 0 },
};
static const struct cfg_enum enum_tls_auth[] = {
    { "no", 0 },
    { "yes", 1 },
    { "optional", 2 },
    { NULL, 0 },
};
/* yes and relative are the same value: CONFIG GET answers the first name. */
static const struct cfg_enum enum_oom[] = {
    { "no", 0 }, { "yes", 1 }, { "relative", 1 }, { "absolute", 2 }, { NULL, 0 },
};
static const struct cfg_enum enum_acl_pubsub[] = {
    { "allchannels", 1 },
    { "resetchannels", 0 },
    { NULL, 0 },
};
static const struct cfg_enum enum_sanitize[] = {
    { "no", 0 },
    { "yes", 1 },
    { "clients", 2 },
    { NULL, 0 },
};
static const struct cfg_enum enum_protected[] = {
    { "no", 0 },
    { "yes", 1 },
    { "local", 2 },
    { NULL, 0 },
};
static const struct cfg_enum enum_endpoint[] = {
    { "ip", 0 },
    { "hostname", 1 },
    { "unknown-endpoint", 2 },
    { NULL, 0 },
};
static const struct cfg_enum enum_propagation[] = {
    { "ignore", 0 },
    { "panic", 1 },
    { "panic-on-replicas", 2 },
    { NULL, 0 },
};
static const struct cfg_enum enum_shutdown[] = {
    { "default", 0 }, { "save", 1 }, { "nosave", 2 }, { "now", 4 }, { "force", 8 }, { NULL, 0 },
};

#define I_MIN   ((long long)INT_MIN)
#define I_MAX   ((long long)INT_MAX)
#define L_MAX   ((long long)LONG_MAX)
#define LL_MAX  LLONG_MAX
#define U_MAX   ((long long)UINT_MAX)
#define ULL_MAX (-1LL) /* ULLONG_MAX as Redis stores it in a long long bound */

#define BOOLP(n, a, f, d, ck)                                                     \
    {                                                                             \
        .name = n, .alias = a, .type = CT_BOOL, .flags = f, .def = d, .check = ck \
    }
#define STRP(n, a, f, d, ck)                                                        \
    {                                                                               \
        .name = n, .alias = a, .type = CT_STRING, .flags = f, .def = d, .check = ck \
    }
#define ENUMP(n, a, f, e, d, b)                                                             \
    {                                                                                       \
        .name = n, .alias = a, .type = CT_ENUM, .flags = f, .enums = e, .def = d, .bind = b \
    }
#define NUMP(n, a, f, nf, u, l, h, d, b, ck)                                                      \
    {                                                                                             \
        .name = n, .alias = a, .type = CT_NUM, .flags = f, .num = nf, .uns = u, .lo = l, .hi = h, \
        .def = d, .bind = b, .check = ck                                                          \
    }
#define SPECP(n, a, f, d, sp)                                                        \
    {                                                                                \
        .name = n, .alias = a, .type = CT_SPECIAL, .flags = f, .def = d, .check = sp \
    }

/* Redis 7.0.15's configs, in its static_configs[] order. */
static const struct cfg_param params[] = {
    /* booleans */
    BOOLP("rdbchecksum", NULL, CF_IMMUTABLE, "yes", 0),
    BOOLP("daemonize", NULL, CF_IMMUTABLE, "no", 0),
    BOOLP("io-threads-do-reads", NULL, CF_IMMUTABLE, "no", 0),
    BOOLP("always-show-logo", NULL, CF_IMMUTABLE, "no", 0),
    BOOLP("protected-mode", NULL, 0, "yes", 0),
    BOOLP("rdbcompression", NULL, 0, "yes", 0),
    BOOLP("rdb-del-sync-files", NULL, 0, "no", 0),
    BOOLP("activerehashing", NULL, 0, "yes", 0),
    BOOLP("stop-writes-on-bgsave-error", NULL, 0, "yes", 0),
    BOOLP("set-proc-title", NULL, CF_IMMUTABLE, "yes", 0),
    BOOLP("dynamic-hz", NULL, 0, "yes", 0),
    BOOLP("lazyfree-lazy-eviction", NULL, 0, "no", 0),
    BOOLP("lazyfree-lazy-expire", NULL, 0, "no", 0),
    BOOLP("lazyfree-lazy-server-del", NULL, 0, "no", 0),
    BOOLP("lazyfree-lazy-user-del", NULL, 0, "no", 0),
    BOOLP("lazyfree-lazy-user-flush", NULL, 0, "no", 0),
    BOOLP("repl-disable-tcp-nodelay", NULL, 0, "no", 0),
    BOOLP("repl-diskless-sync", NULL, 0, "yes", 0),
    BOOLP("aof-rewrite-incremental-fsync", NULL, 0, "yes", 0),
    BOOLP("no-appendfsync-on-rewrite", NULL, 0, "no", 0),
    BOOLP("cluster-require-full-coverage", NULL, 0, "yes", 0),
    BOOLP("rdb-save-incremental-fsync", NULL, 0, "yes", 0),
    BOOLP("aof-load-truncated", NULL, 0, "yes", 0),
    BOOLP("aof-use-rdb-preamble", NULL, 0, "yes", 0),
    BOOLP("aof-timestamp-enabled", NULL, 0, "no", 0),
    BOOLP("cluster-replica-no-failover", "cluster-slave-no-failover", 0, "no", 0),
    BOOLP("replica-lazy-flush", "slave-lazy-flush", 0, "no", 0),
    BOOLP("replica-serve-stale-data", "slave-serve-stale-data", 0, "yes", 0),
    BOOLP("replica-read-only", "slave-read-only", 0, "yes", 0),
    BOOLP("replica-ignore-maxmemory", "slave-ignore-maxmemory", 0, "yes", 0),
    BOOLP("jemalloc-bg-thread", NULL, 0, "yes", 0),
    BOOLP("activedefrag", NULL, 0, "no", CK_ACTIVEDEFRAG),
    BOOLP("syslog-enabled", NULL, CF_IMMUTABLE, "no", 0),
    BOOLP("cluster-enabled", NULL, CF_IMMUTABLE, "no", 0),
    BOOLP("appendonly", NULL, 0, "no", 0),
    BOOLP("cluster-allow-reads-when-down", NULL, 0, "no", 0),
    BOOLP("cluster-allow-pubsubshard-when-down", NULL, 0, "yes", 0),
    BOOLP("crash-log-enabled", NULL, 0, "yes", 0),
    BOOLP("crash-memcheck-enabled", NULL, 0, "yes", 0),
    BOOLP("use-exit-on-panic", NULL, CF_HIDDEN, "no", 0),
    BOOLP("disable-thp", NULL, CF_IMMUTABLE, "yes", 0),
    BOOLP("cluster-allow-replica-migration", NULL, 0, "yes", 0),
    BOOLP("replica-announced", NULL, 0, "yes", 0),
    BOOLP("latency-tracking", NULL, 0, "yes", 0),
    BOOLP("aof-disable-auto-gc", NULL, 0, "no", 0),
    BOOLP("replica-ignore-disk-write-errors", NULL, 0, "no", 0),

    /* strings */
    STRP("aclfile", NULL, CF_IMMUTABLE, "", 0),
    STRP("unixsocket", NULL, CF_IMMUTABLE, "", 0),
    STRP("pidfile", NULL, CF_IMMUTABLE, "", 0),
    STRP("replica-announce-ip", "slave-announce-ip", 0, "", 0),
    STRP("masteruser", NULL, 0, "", 0),
    STRP("cluster-announce-ip", NULL, 0, "", 0),
    STRP("cluster-config-file", NULL, CF_IMMUTABLE, "nodes.conf", 0),
    STRP("cluster-announce-hostname", NULL, 0, "", CK_HOSTNAME),
    STRP("syslog-ident", NULL, CF_IMMUTABLE, "redis", 0),
    STRP("dbfilename", NULL, CF_PROTECTED, "dump.rdb", CK_DBFILENAME),
    STRP("appendfilename", NULL, CF_IMMUTABLE, "appendonly.aof", CK_AOFFILENAME),
    STRP("appenddirname", NULL, CF_IMMUTABLE, "appendonlydir", CK_AOFDIRNAME),
    STRP("server_cpulist", NULL, CF_IMMUTABLE, "", 0),
    STRP("bio_cpulist", NULL, CF_IMMUTABLE, "", 0),
    STRP("aof_rewrite_cpulist", NULL, CF_IMMUTABLE, "", 0),
    STRP("bgsave_cpulist", NULL, CF_IMMUTABLE, "", 0),
    STRP("ignore-warnings", NULL, 0, "", 0),
    STRP("proc-title-template", NULL, 0, "{title} {listen-addr} {server-mode}", CK_PROCTITLE),
    STRP("bind-source-addr", NULL, 0, "", 0),
    STRP("logfile", NULL, CF_IMMUTABLE, "", 0),
    STRP("masterauth", NULL, 0, "", 0),
    { .name = "requirepass", .type = CT_STRING, .def = "", .bind = BIND_REQUIREPASS },

    /* enums */
    ENUMP("supervised", NULL, CF_IMMUTABLE, enum_supervised, "no", 0),
    ENUMP("syslog-facility", NULL, CF_IMMUTABLE, enum_syslog, "local0", 0),
    ENUMP("repl-diskless-load", NULL, 0, enum_diskless_load, "disabled", 0),
    ENUMP("loglevel", NULL, 0, enum_loglevel, "notice", 0),
    ENUMP("maxmemory-policy", NULL, 0, enum_policy, "noeviction", BIND_POLICY),
    ENUMP("appendfsync", NULL, 0, enum_fsync, "everysec", 0),
    ENUMP("oom-score-adj", NULL, 0, enum_oom, "no", 0),
    ENUMP("acl-pubsub-default", NULL, 0, enum_acl_pubsub, "resetchannels", 0),
    ENUMP("sanitize-dump-payload", NULL, 0, enum_sanitize, "no", 0),
    ENUMP("enable-protected-configs", NULL, CF_IMMUTABLE, enum_protected, "no", 0),
    ENUMP("enable-debug-command", NULL, CF_IMMUTABLE, enum_protected, "no", 0),
    ENUMP("enable-module-command", NULL, CF_IMMUTABLE, enum_protected, "no", 0),
    ENUMP("cluster-preferred-endpoint-type", NULL, 0, enum_endpoint, "ip", 0),
    ENUMP("propagation-error-behavior", NULL, 0, enum_propagation, "ignore", 0),
    { .name = "shutdown-on-sigint",
      .type = CT_FLAGS,
      .flags = CF_MULTI,
      .enums = enum_shutdown,
      .def = "default",
      .check = CK_SHUTDOWN_FLAGS },
    { .name = "shutdown-on-sigterm",
      .type = CT_FLAGS,
      .flags = CF_MULTI,
      .enums = enum_shutdown,
      .def = "default",
      .check = CK_SHUTDOWN_FLAGS },

    /* int */
    NUMP("databases", NULL, CF_IMMUTABLE, 0, false, 1, I_MAX, "16", BIND_DATABASES, 0),
    NUMP("port", NULL, 0, 0, false, 0, 65535, "6379", BIND_PORT, 0),
    NUMP("io-threads", NULL, CF_IMMUTABLE, 0, false, 1, 128, "1", 0, 0),
    NUMP("auto-aof-rewrite-percentage", NULL, 0, 0, false, 0, I_MAX, "100", 0, 0),
    NUMP("cluster-replica-validity-factor", "cluster-slave-validity-factor", 0, 0, false, 0, I_MAX,
         "10", 0, 0),
    NUMP("list-max-listpack-size", "list-max-ziplist-size", 0, 0, false, I_MIN, I_MAX, "-2",
         BIND_LIST_SIZE, 0),
    NUMP("tcp-keepalive", NULL, 0, 0, false, 0, I_MAX, "300", BIND_KEEPALIVE, 0),
    NUMP("cluster-migration-barrier", NULL, 0, 0, false, 0, I_MAX, "1", 0, 0),
    NUMP("active-defrag-cycle-min", NULL, 0, 0, false, 1, 99, "1", 0, 0),
    NUMP("active-defrag-cycle-max", NULL, 0, 0, false, 1, 99, "25", 0, 0),
    NUMP("active-defrag-threshold-lower", NULL, 0, 0, false, 0, 1000, "10", 0, 0),
    NUMP("active-defrag-threshold-upper", NULL, 0, 0, false, 0, 1000, "100", 0, 0),
    NUMP("lfu-log-factor", NULL, 0, 0, false, 0, I_MAX, "10", BIND_LFU_LOG, 0),
    NUMP("lfu-decay-time", NULL, 0, 0, false, 0, I_MAX, "1", BIND_LFU_DECAY, 0),
    NUMP("replica-priority", "slave-priority", 0, 0, false, 0, I_MAX, "100", 0, 0),
    NUMP("repl-diskless-sync-delay", NULL, 0, 0, false, 0, I_MAX, "5", 0, 0),
    NUMP("maxmemory-samples", NULL, 0, 0, false, 1, I_MAX, "5", BIND_SAMPLES, 0),
    NUMP("maxmemory-eviction-tenacity", NULL, 0, 0, false, 0, 100, "10", 0, 0),
    NUMP("timeout", NULL, 0, 0, false, 0, I_MAX, "0", BIND_TIMEOUT, 0),
    NUMP("replica-announce-port", "slave-announce-port", 0, 0, false, 0, 65535, "0", 0, 0),
    NUMP("tcp-backlog", NULL, CF_IMMUTABLE, 0, false, 0, I_MAX, "511", 0, 0),
    NUMP("cluster-port", NULL, CF_IMMUTABLE, 0, false, 0, 65535, "0", 0, 0),
    NUMP("cluster-announce-bus-port", NULL, 0, 0, false, 0, 65535, "0", 0, 0),
    NUMP("cluster-announce-port", NULL, 0, 0, false, 0, 65535, "0", 0, 0),
    NUMP("cluster-announce-tls-port", NULL, 0, 0, false, 0, 65535, "0", 0, 0),
    NUMP("repl-timeout", NULL, 0, 0, false, 1, I_MAX, "60", 0, 0),
    NUMP("repl-ping-replica-period", "repl-ping-slave-period", 0, 0, false, 1, I_MAX, "10", 0, 0),
    NUMP("list-compress-depth", NULL, 0, 0, false, 0, I_MAX, "0", BIND_LIST_COMPRESS, 0),
    NUMP("rdb-key-save-delay", NULL, CF_HIDDEN, 0, false, I_MIN, I_MAX, "0", 0, 0),
    NUMP("key-load-delay", NULL, CF_HIDDEN, 0, false, I_MIN, I_MAX, "0", 0, 0),
    NUMP("active-expire-effort", NULL, 0, 0, false, 1, 10, "1", 0, 0),
    NUMP("hz", NULL, 0, 0, false, 0, I_MAX, "10", BIND_HZ, 0),
    NUMP("min-replicas-to-write", "min-slaves-to-write", 0, 0, false, 0, I_MAX, "0", 0, 0),
    NUMP("min-replicas-max-lag", "min-slaves-max-lag", 0, 0, false, 0, I_MAX, "10", 0, 0),
    NUMP("watchdog-period", NULL, CF_HIDDEN, 0, false, 0, I_MAX, "0", 0, 0),
    NUMP("shutdown-timeout", NULL, 0, 0, false, 0, I_MAX, "10", 0, 0),
    NUMP("repl-diskless-sync-max-replicas", NULL, 0, 0, false, 0, I_MAX, "0", 0, 0),

    /* unsigned int */
    NUMP("maxclients", NULL, 0, 0, true, 1, U_MAX, "10000", BIND_MAXCLIENTS, 0),
    NUMP("unixsocketperm", NULL, CF_IMMUTABLE, NF_OCTAL, true, 0, 0777, "0", 0, 0),
    NUMP("socket-mark-id", NULL, CF_IMMUTABLE, 0, true, 0, U_MAX, "0", 0, 0),

    /* unsigned long (range checked as signed, as Redis does) */
    NUMP("active-defrag-max-scan-fields", NULL, 0, 0, false, 1, L_MAX, "1000", 0, 0),
    NUMP("slowlog-max-len", NULL, 0, 0, false, 0, L_MAX, "128", 0, 0),
    NUMP("acllog-max-len", NULL, 0, 0, false, 0, L_MAX, "128", 0, 0),

    /* long long */
    NUMP("busy-reply-threshold", "lua-time-limit", 0, 0, false, 0, L_MAX, "5000", 0, 0),
    NUMP("cluster-node-timeout", NULL, 0, 0, false, 0, LL_MAX, "15000", 0, 0),
    NUMP("slowlog-log-slower-than", NULL, 0, 0, false, -1, LL_MAX, "10000", 0, 0),
    NUMP("latency-monitor-threshold", NULL, 0, 0, false, 0, LL_MAX, "0", 0, 0),
    NUMP("proto-max-bulk-len", NULL, 0, NF_MEMORY, false, 1024 * 1024, L_MAX, "536870912",
         BIND_PROTO_BULK, 0),
    NUMP("stream-node-max-entries", NULL, 0, 0, false, 0, LL_MAX, "100", 0, 0),
    NUMP("repl-backlog-size", NULL, 0, NF_MEMORY, false, 1, LL_MAX, "1048576", 0, 0),

    /* unsigned long long */
    NUMP("maxmemory", NULL, 0, NF_MEMORY, true, 0, ULL_MAX, "0", BIND_MAXMEMORY, 0),
    NUMP("cluster-link-sendbuf-limit", NULL, 0, NF_MEMORY, true, 0, ULL_MAX, "0", 0, 0),

    /* size_t */
    NUMP("hash-max-listpack-entries", "hash-max-ziplist-entries", 0, 0, true, 0, L_MAX, "512",
         BIND_HASH_ENTRIES, 0),
    NUMP("set-max-intset-entries", NULL, 0, 0, true, 0, L_MAX, "512", BIND_SET_INTSET, 0),
    NUMP("zset-max-listpack-entries", "zset-max-ziplist-entries", 0, 0, true, 0, L_MAX, "128",
         BIND_ZSET_ENTRIES, 0),
    NUMP("active-defrag-ignore-bytes", NULL, 0, NF_MEMORY, true, 1, LL_MAX, "104857600", 0, 0),
    NUMP("hash-max-listpack-value", "hash-max-ziplist-value", 0, NF_MEMORY, true, 0, L_MAX, "64",
         BIND_HASH_VALUE, 0),
    NUMP("stream-node-max-bytes", NULL, 0, NF_MEMORY, true, 0, L_MAX, "4096", 0, 0),
    NUMP("zset-max-listpack-value", "zset-max-ziplist-value", 0, NF_MEMORY, true, 0, L_MAX, "64",
         BIND_ZSET_VALUE, 0),
    NUMP("hll-sparse-max-bytes", NULL, 0, NF_MEMORY, true, 0, L_MAX, "3000", 0, 0),
    NUMP("tracking-table-max-keys", NULL, 0, 0, true, 0, L_MAX, "1000000", 0, 0),
    NUMP("client-query-buffer-limit", NULL, 0, NF_MEMORY, true, 1024 * 1024, L_MAX, "1073741824", 0,
         0),
    NUMP("maxmemory-clients", NULL, 0, NF_MEMORY | NF_PERCENT, false, -100, LL_MAX, "0", 0, 0),

    /* time_t, off_t */
    NUMP("repl-backlog-ttl", NULL, 0, 0, false, 0, L_MAX, "3600", 0, 0),
    NUMP("auto-aof-rewrite-min-size", NULL, 0, NF_MEMORY, false, 0, LL_MAX, "67108864", 0, 0),
    NUMP("loading-process-events-interval-bytes", NULL, CF_HIDDEN, 0, false, 1024, I_MAX, "2097152",
         0, 0),

    /* TLS (Debian builds Redis with OpenSSL) */
    NUMP("tls-port", NULL, 0, 0, false, 0, 65535, "0", 0, CK_TLS_APPLY),
    NUMP("tls-session-cache-size", NULL, 0, 0, false, 0, I_MAX, "20480", 0, 0),
    NUMP("tls-session-cache-timeout", NULL, 0, 0, false, 0, I_MAX, "300", 0, 0),
    BOOLP("tls-cluster", NULL, 0, "no", CK_TLS_APPLY),
    BOOLP("tls-replication", NULL, 0, "no", CK_TLS_APPLY),
    ENUMP("tls-auth-clients", NULL, 0, enum_tls_auth, "yes", 0),
    BOOLP("tls-prefer-server-ciphers", NULL, 0, "no", 0),
    BOOLP("tls-session-caching", NULL, 0, "yes", 0),
    STRP("tls-cert-file", NULL, 0, "", 0),
    STRP("tls-key-file", NULL, 0, "", 0),
    STRP("tls-key-file-pass", NULL, 0, "", 0),
    STRP("tls-client-cert-file", NULL, 0, "", 0),
    STRP("tls-client-key-file", NULL, 0, "", 0),
    STRP("tls-client-key-file-pass", NULL, 0, "", 0),
    STRP("tls-dh-params-file", NULL, 0, "", 0),
    STRP("tls-ca-cert-file", NULL, 0, "", 0),
    STRP("tls-ca-cert-dir", NULL, 0, "", 0),
    STRP("tls-protocols", NULL, 0, "", 0),
    STRP("tls-ciphers", NULL, 0, "", 0),
    STRP("tls-ciphersuites", NULL, 0, "", 0),

    /* special */
    SPECP("dir", NULL, CF_PROTECTED, "", SP_DIR),
    SPECP("save", NULL, CF_MULTI, "3600 1 300 100 60 10000", SP_SAVE),
    SPECP("client-output-buffer-limit", NULL, CF_MULTI,
          "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", SP_COBL),
    SPECP("oom-score-adj-values", NULL, CF_MULTI, "0 200 800", SP_OOM_VALUES),
    SPECP("notify-keyspace-events", NULL, 0, "", SP_NOTIFY),
    SPECP("bind", NULL, CF_MULTI, "* -::*", SP_BIND),
    SPECP("replicaof", "slaveof", CF_IMMUTABLE | CF_MULTI, "", SP_REPLICAOF),
    SPECP("latency-tracking-info-percentiles", NULL, CF_MULTI, "50 99 99.9", SP_LATENCY_PCT),
};

#define NPARAMS DD_ARRAY_LEN(params)
/* An entry is a parameter seen under one of its names: 2*i primary, 2*i+1 alias. */
#define NENTRIES (2 * NPARAMS)

/* One parameter's value when it is not bound to the server. */
struct cfg_value {
    long long n; /* bool (0/1), enum value, flags, number */
    char *s;     /* string and special types: owned, never NULL */
};

struct cache_config {
    struct cache_server *srv;        /* borrowed */
    struct cfg_value vals[NPARAMS];  /* by params[] index */
    char errbuf[300];                /* formatted reasons (ranges, enum lists) */
    struct cache_info_stats *istats; /* INFO's statistics, owned */
    struct dd_buf render;            /* scratch for CONFIG GET values */
};

/* A value parsed and validated but not yet stored. */
struct staged {
    size_t idx;   /* params[] index */
    long long n;  /* numeric form */
    char *s;      /* owned string form, or NULL */
    bool changed; /* differs from the current value */
};

static const char *const ERR_ENOMEM = "out of memory";

size_t cache_config_param_count(void)
{
    size_t n = 0;
    for (size_t i = 0; i < NPARAMS; i++)
        n += params[i].alias ? 2 : 1;
    return n;
}

static const char *entry_name(size_t e)
{
    const struct cfg_param *p = &params[e / 2];
    return (e & 1) ? p->alias : p->name;
}

/* The entry named name[0..len) (any case), or -1. */
static long lookup_entry(const char *name, size_t len)
{
    for (size_t e = 0; e < NENTRIES; e++) {
        const char *n = entry_name(e);
        if (n && strlen(n) == len && strncasecmp(n, name, len) == 0)
            return (long)e;
    }
    return -1;
}

/* ---- number parsing, as Redis's util.c does it ---- */

/* Redis's string2ll(): strict decimal, no spaces, no '+', no leading zeros. */
static bool str2ll(const char *s, size_t len, long long *out)
{
    const char *p = s;
    size_t plen = 0;
    bool neg = false;
    unsigned long long v;

    if (len == 0 || len > 20)
        return false;
    if (len == 1 && p[0] == '0') {
        *out = 0;
        return true;
    }
    if (p[0] == '-') {
        neg = true;
        p++;
        plen++;
        if (plen == len)
            return false;
    }
    if (p[0] >= '1' && p[0] <= '9') {
        v = (unsigned long long)(p[0] - '0');
        p++;
        plen++;
    } else {
        return false;
    }
    while (plen < len && p[0] >= '0' && p[0] <= '9') {
        if (v > ULLONG_MAX / 10)
            return false;
        v *= 10;
        if (v > ULLONG_MAX - (unsigned long long)(p[0] - '0'))
            return false;
        v += (unsigned long long)(p[0] - '0');
        p++;
        plen++;
    }
    if (plen < len)
        return false;
    if (neg) {
        if (v > (unsigned long long)LLONG_MAX + 1)
            return false;
        *out = (long long)(0 - v);
    } else {
        if (v > (unsigned long long)LLONG_MAX)
            return false;
        *out = (long long)v;
    }
    return true;
}

/* Redis's memtoull(): digits then an optional unit; "" is 0, the digits
 * saturate and the multiplication wraps, as in Redis. */
static bool memtoull(const char *p, unsigned long long *out)
{
    const char *u = p;
    unsigned long long mul, val;
    char buf[128];
    char *end;
    size_t digits;

    if (*u == '-')
        return false;
    while (*u && isdigit((unsigned char)*u))
        u++;
    if (*u == '\0' || !strcasecmp(u, "b"))
        mul = 1;
    else if (!strcasecmp(u, "k"))
        mul = 1000;
    else if (!strcasecmp(u, "kb"))
        mul = 1024;
    else if (!strcasecmp(u, "m"))
        mul = 1000 * 1000;
    else if (!strcasecmp(u, "mb"))
        mul = 1024 * 1024;
    else if (!strcasecmp(u, "g"))
        mul = 1000ULL * 1000 * 1000;
    else if (!strcasecmp(u, "gb"))
        mul = 1024ULL * 1024 * 1024;
    else
        return false;
    digits = (size_t)(u - p);
    if (digits >= sizeof(buf))
        return false;
    memcpy(buf, p, digits);
    buf[digits] = '\0';
    errno = 0;
    val = strtoull(buf, &end, 10);
    if ((val == 0 && errno == EINVAL) || *end != '\0')
        return false;
    *out = val * mul;
    return true;
}

/* Redis's string2d(): strtod over the whole string, no spaces, no NaN. */
static bool str2d(const char *s, double *out)
{
    char *end;
    size_t len = strlen(s);
    if (len == 0 || isspace((unsigned char)s[0]))
        return false;
    errno = 0;
    double v = strtod(s, &end);
    if ((size_t)(end - s) != len || errno == ERANGE || v != v)
        return false;
    *out = v;
    return true;
}

/* "%f" without trailing zeros or a trailing dot (trimDoubleString). */
static void format_pct(char *dst, size_t dstlen, double d)
{
    snprintf(dst, dstlen, "%f", d);
    if (strchr(dst, '.')) {
        size_t l = strlen(dst);
        while (l > 0 && dst[l - 1] == '0')
            dst[--l] = '\0';
        if (l > 0 && dst[l - 1] == '.')
            dst[--l] = '\0';
    }
}

/* ---- multi-argument values ---- */

/* sdssplitlen(value, " "): "" is no word, every single space separates (so
 * two spaces make an empty word). Words point into buf, which is modified;
 * at most max are stored, the count of all is returned. */
static size_t split_words(char *buf, char **words, size_t max)
{
    size_t n = 0;
    char *p = buf;
    if (*p == '\0')
        return 0;
    for (;;) {
        char *sp = strchr(p, ' ');
        if (n < max)
            words[n] = p;
        n++;
        if (!sp)
            break;
        *sp = '\0';
        p = sp + 1;
    }
    return n;
}

/* How many words split_words() will find in s. */
static size_t count_words(const char *s)
{
    size_t n = 1;
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        n += *s == ' ';
    return n;
}

/* ---- reading and writing bound values ---- */

static long long bound_get(const struct cache_server *srv, enum cfg_bind b)
{
    const struct cache_server_opts *o = &srv->opts;
    switch (b) {
    case BIND_MAXMEMORY:
        return o->maxmemory;
    case BIND_POLICY:
        return (long long)o->policy;
    case BIND_SAMPLES:
        return o->maxmemory_samples;
    case BIND_LFU_LOG:
        return o->lfu_log_factor;
    case BIND_LFU_DECAY:
        return o->lfu_decay_time;
    case BIND_PROTO_BULK:
        return o->proto_max_bulk_len;
    case BIND_MAXCLIENTS:
        return o->maxclients;
    case BIND_TIMEOUT:
        return o->timeout_s;
    case BIND_KEEPALIVE:
        return o->tcp_keepalive_s;
    case BIND_HZ:
        return o->hz;
    case BIND_DATABASES:
        return o->databases;
    case BIND_HASH_ENTRIES:
        return o->settings.hash_max_listpack_entries;
    case BIND_HASH_VALUE:
        return o->settings.hash_max_listpack_value;
    case BIND_SET_INTSET:
        return o->settings.set_max_intset_entries;
    case BIND_ZSET_ENTRIES:
        return o->settings.zset_max_listpack_entries;
    case BIND_ZSET_VALUE:
        return o->settings.zset_max_listpack_value;
    case BIND_LIST_SIZE:
        return o->settings.list_max_listpack_size;
    case BIND_LIST_COMPRESS:
        return o->settings.list_compress_depth;
    case BIND_PORT:
        return srv->port;
    case BIND_NONE:
    case BIND_REQUIREPASS:
        break;
    }
    return 0;
}

static void bound_set(struct cache_server *srv, enum cfg_bind b, long long v)
{
    struct cache_server_opts *o = &srv->opts;
    switch (b) {
    case BIND_MAXMEMORY:
        o->maxmemory = v;
        break;
    case BIND_POLICY:
        o->policy = (enum cache_evict_policy)v;
        break;
    case BIND_SAMPLES:
        o->maxmemory_samples = (int)v;
        break;
    case BIND_LFU_LOG:
        o->lfu_log_factor = (int)v;
        break;
    case BIND_LFU_DECAY:
        o->lfu_decay_time = (int)v;
        break;
    case BIND_PROTO_BULK:
        o->proto_max_bulk_len = v;
        break;
    case BIND_MAXCLIENTS:
        o->maxclients = v;
        break;
    case BIND_TIMEOUT:
        o->timeout_s = v;
        break;
    case BIND_KEEPALIVE:
        o->tcp_keepalive_s = v;
        break;
    case BIND_HZ:
        /* updateHZ(): hz is a hint, kept within [1, 500]. */
        o->hz = (int)(v < 1 ? 1 : v > 500 ? 500 : v);
        break;
    case BIND_DATABASES:
        o->databases = (int)v;
        break;
    case BIND_HASH_ENTRIES:
        o->settings.hash_max_listpack_entries = v;
        break;
    case BIND_HASH_VALUE:
        o->settings.hash_max_listpack_value = v;
        break;
    case BIND_SET_INTSET:
        o->settings.set_max_intset_entries = v;
        break;
    case BIND_ZSET_ENTRIES:
        o->settings.zset_max_listpack_entries = v;
        break;
    case BIND_ZSET_VALUE:
        o->settings.zset_max_listpack_value = v;
        break;
    case BIND_LIST_SIZE:
        o->settings.list_max_listpack_size = v;
        break;
    case BIND_LIST_COMPRESS:
        o->settings.list_compress_depth = v;
        break;
    case BIND_PORT:
        srv->port = (int)v;
        break;
    case BIND_NONE:
    case BIND_REQUIREPASS:
        break;
    }
}

/* The numeric value of parameter i (bound or stored). */
static long long value_n(const struct cache_config *cfg, size_t i)
{
    if (params[i].bind != BIND_NONE && params[i].bind != BIND_REQUIREPASS)
        return bound_get(cfg->srv, (enum cfg_bind)params[i].bind);
    return cfg->vals[i].n;
}

/* The string value of parameter i; never NULL. */
static const char *value_s(const struct cache_config *cfg, size_t i)
{
    if (params[i].bind == BIND_REQUIREPASS)
        return cfg->srv->opts.requirepass ? cfg->srv->opts.requirepass : "";
    return cfg->vals[i].s ? cfg->vals[i].s : "";
}

/* ---- rendering (CONFIG GET) ---- */

static const char *enum_name(const struct cfg_enum *e, long long v)
{
    for (; e->name; e++)
        if (e->val == v)
            return e->name;
    return "unknown";
}

static int render_flags(struct dd_buf *out, const struct cfg_enum *e, long long v)
{
    if (v == 0)
        return dd_buf_puts(out, enum_name(e, 0));
    bool first = true;
    for (; e->name; e++) {
        if (e->val != 0 && (v & e->val) == e->val) {
            if ((!first && dd_buf_putc(out, ' ') < 0) || dd_buf_puts(out, e->name) < 0)
                return DD_ENOMEM;
            first = false;
        }
    }
    return 0;
}

/* Appends parameter i's value, as CONFIG GET shows it, to out. */
static int render(struct cache_config *cfg, size_t i, struct dd_buf *out)
{
    const struct cfg_param *p = &params[i];
    long long v;
    char buf[64];

    switch (p->type) {
    case CT_BOOL:
        return dd_buf_puts(out, value_n(cfg, i) ? "yes" : "no");
    case CT_ENUM:
        return dd_buf_puts(out, enum_name(p->enums, value_n(cfg, i)));
    case CT_FLAGS:
        return render_flags(out, p->enums, value_n(cfg, i));
    case CT_NUM:
        v = value_n(cfg, i);
        if ((p->num & NF_PERCENT) && v < 0)
            snprintf(buf, sizeof(buf), "%lld%%", -v);
        else if (p->num & NF_MEMORY)
            snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
        else if (p->num & NF_OCTAL)
            snprintf(buf, sizeof(buf), "%llo", (unsigned long long)v);
        else
            snprintf(buf, sizeof(buf), "%lld", v);
        return dd_buf_puts(out, buf);
    case CT_SPECIAL:
        if (p->check == SP_DIR && value_s(cfg, i)[0] == '\0') {
            char cwd[1024];
            if (getcwd(cwd, sizeof(cwd)) == NULL)
                cwd[0] = '\0';
            return dd_buf_puts(out, cwd);
        }
        return dd_buf_puts(out, value_s(cfg, i));
    case CT_STRING:
    default:
        return dd_buf_puts(out, value_s(cfg, i));
    }
}

/* ---- special parsers: each builds the canonical string into out ---- */

/* client-output-buffer-limit classes, in Redis's order. */
struct cobl {
    unsigned long long hard, soft;
    long secs;
};

static int cobl_class(const char *name)
{
    if (!strcasecmp(name, "normal"))
        return 0;
    if (!strcasecmp(name, "slave") || !strcasecmp(name, "replica"))
        return 1;
    if (!strcasecmp(name, "pubsub"))
        return 2;
    if (!strcasecmp(name, "master"))
        return 3;
    return -1;
}

static const char *cobl_apply(char **w, size_t n, struct cobl lim[3])
{
    struct cobl next[3];
    bool set[3] = { false, false, false };

    if (n % 4)
        return "Wrong number of arguments in buffer limit configuration.";
    for (size_t j = 0; j < n; j += 4) {
        int cls = cobl_class(w[j]);
        unsigned long long hard, soft;
        char *end;
        if (cls < 0 || cls == 3)
            return "Invalid client class specified in buffer limit configuration.";
        bool ok_h = memtoull(w[j + 1], &hard);
        bool ok_s = memtoull(w[j + 2], &soft);
        long long secs = strtoll(w[j + 3], &end, 10);
        if (!ok_h || !ok_s || (int)secs < 0 || *end != '\0')
            return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
        next[cls].hard = hard;
        next[cls].soft = soft;
        next[cls].secs = (int)secs;
        set[cls] = true;
    }
    for (int c = 0; c < 3; c++)
        if (set[c])
            lim[c] = next[c];
    return NULL;
}

static int cobl_render(struct dd_buf *out, const struct cobl lim[3])
{
    static const char *const names[3] = { "normal", "slave", "pubsub" };
    for (int c = 0; c < 3; c++)
        if (dd_buf_printf(out, "%s%s %llu %llu %ld", c ? " " : "", names[c], lim[c].hard,
                          lim[c].soft, lim[c].secs) < 0)
            return DD_ENOMEM;
    return 0;
}

/* notify-keyspace-events flag bits, as Redis numbers them. */
#define NTF_KEYSPACE (1 << 0)
#define NTF_KEYEVENT (1 << 1)
#define NTF_GENERIC  (1 << 2)
#define NTF_STRING   (1 << 3)
#define NTF_LIST     (1 << 4)
#define NTF_SET      (1 << 5)
#define NTF_HASH     (1 << 6)
#define NTF_ZSET     (1 << 7)
#define NTF_EXPIRED  (1 << 8)
#define NTF_EVICTED  (1 << 9)
#define NTF_STREAM   (1 << 10)
#define NTF_KEY_MISS (1 << 11)
#define NTF_LOADED   (1 << 12)
#define NTF_MODULE   (1 << 13)
#define NTF_NEW      (1 << 14)
#define NTF_ALL                                                                          \
    (NTF_GENERIC | NTF_STRING | NTF_LIST | NTF_SET | NTF_HASH | NTF_ZSET | NTF_EXPIRED | \
     NTF_EVICTED | NTF_STREAM | NTF_MODULE)

static int notify_parse(const char *s)
{
    int f = 0;
    for (; *s; s++) {
        switch (*s) {
        case 'A':
            f |= NTF_ALL;
            break;
        case 'g':
            f |= NTF_GENERIC;
            break;
        case '$':
            f |= NTF_STRING;
            break;
        case 'l':
            f |= NTF_LIST;
            break;
        case 's':
            f |= NTF_SET;
            break;
        case 'h':
            f |= NTF_HASH;
            break;
        case 'z':
            f |= NTF_ZSET;
            break;
        case 'x':
            f |= NTF_EXPIRED;
            break;
        case 'e':
            f |= NTF_EVICTED;
            break;
        case 'K':
            f |= NTF_KEYSPACE;
            break;
        case 'E':
            f |= NTF_KEYEVENT;
            break;
        case 't':
            f |= NTF_STREAM;
            break;
        case 'm':
            f |= NTF_KEY_MISS;
            break;
        case 'd':
            f |= NTF_MODULE;
            break;
        case 'n':
            f |= NTF_NEW;
            break;
        default:
            return -1;
        }
    }
    return f;
}

/* keyspaceEventsFlagsToString(), including its quirk that 'n' is lost when
 * every class is on and 'A' is written. */
static void notify_render(char *dst, int f)
{
    static const struct {
        int bit;
        char c;
    } cls[] = {
        { NTF_GENERIC, 'g' }, { NTF_STRING, '$' }, { NTF_LIST, 'l' },    { NTF_SET, 's' },
        { NTF_HASH, 'h' },    { NTF_ZSET, 'z' },   { NTF_EXPIRED, 'x' }, { NTF_EVICTED, 'e' },
        { NTF_STREAM, 't' },  { NTF_MODULE, 'd' }, { NTF_NEW, 'n' },
    };
    char *p = dst;
    if ((f & NTF_ALL) == NTF_ALL) {
        *p++ = 'A';
    } else {
        for (size_t i = 0; i < DD_ARRAY_LEN(cls); i++)
            if (f & cls[i].bit)
                *p++ = cls[i].c;
    }
    if (f & NTF_KEYSPACE)
        *p++ = 'K';
    if (f & NTF_KEYEVENT)
        *p++ = 'E';
    if (f & NTF_KEY_MISS)
        *p++ = 'm';
    *p = '\0';
}

/* validateProcTitleTemplate(): every {var} known, braces closed, and the
 * expansion with an empty title not blank. "{{" is a literal brace. */
static bool proctitle_valid(const char *t)
{
    static const char *const vars[] = { "title",    "listen-addr", "server-mode", "port",
                                        "tls-port", "unixsocket",  "config-file" };
    bool nonblank = false;
    const char *p = t;
    while (*p) {
        if (*p == '{' && p[1] == '{') {
            nonblank = true;
            p += 2;
            continue;
        }
        if (*p == '{') {
            const char *end = strchr(p + 1, '}');
            size_t len;
            bool known = false;
            if (!end)
                return false;
            len = (size_t)(end - (p + 1));
            for (size_t i = 0; i < DD_ARRAY_LEN(vars); i++)
                if (strlen(vars[i]) == len && !strncmp(vars[i], p + 1, len))
                    known = true;
            if (!known)
                return false;
            /* Only {title} expands to nothing during validation. */
            if (len != 5 || strncmp(p + 1, "title", 5) != 0)
                nonblank = true;
            p = end + 1;
            continue;
        }
        if (*p != ' ')
            nonblank = true;
        p++;
    }
    return nonblank;
}

static bool is_basename(const char *s)
{
    return strchr(s, '/') == NULL && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

/* ---- parsing one value ---- */

static int format_range(struct cache_config *cfg, const struct cfg_param *p, const char **err)
{
    if (p->uns) {
        if (p->num & NF_OCTAL)
            snprintf(cfg->errbuf, sizeof(cfg->errbuf),
                     "argument must be between %llo and %llo inclusive", (unsigned long long)p->lo,
                     (unsigned long long)p->hi);
        else
            snprintf(cfg->errbuf, sizeof(cfg->errbuf),
                     "argument must be between %llu and %llu inclusive", (unsigned long long)p->lo,
                     (unsigned long long)p->hi);
    } else {
        snprintf(cfg->errbuf, sizeof(cfg->errbuf),
                 "argument must be between %lld and %lld inclusive", p->lo, p->hi);
    }
    *err = cfg->errbuf;
    return DD_EINVAL;
}

static int format_enum_error(struct cache_config *cfg, const struct cfg_enum *e, const char **err)
{
    struct dd_buf b = DD_BUF_INIT;
    if (dd_buf_puts(&b, "argument(s) must be one of the following: ") < 0)
        goto oom;
    for (const struct cfg_enum *x = e; x->name; x++)
        if ((x != e && dd_buf_puts(&b, ", ") < 0) || dd_buf_puts(&b, x->name) < 0)
            goto oom;
    /* Redis builds it in a 256-byte buffer. */
    snprintf(cfg->errbuf, 256, "%s", b.data);
    dd_buf_release(&b);
    *err = cfg->errbuf;
    return DD_EINVAL;
oom:
    dd_buf_release(&b);
    *err = ERR_ENOMEM;
    return DD_ENOMEM;
}

static int parse_num(struct cache_config *cfg, const struct cfg_param *p, const char *v,
                     long long *out, const char **err)
{
    long long ll = 0;
    bool ok = false;
    size_t len = strlen(v);

    if (p->num & NF_MEMORY) {
        unsigned long long u;
        if (memtoull(v, &u)) {
            ll = (long long)u;
            ok = true;
        }
    }
    if (!ok && (p->num & NF_PERCENT) && len > 1 && v[len - 1] == '%' && str2ll(v, len - 1, &ll) &&
        ll >= 0) {
        ll = -ll;
        ok = true;
    }
    if (!ok && (p->num & NF_OCTAL)) {
        char *end;
        errno = 0;
        ll = strtoll(v, &end, 8);
        ok = errno == 0 && *end == '\0';
    }
    if (!ok && !p->num)
        ok = str2ll(v, len, &ll);
    if (!ok) {
        if ((p->num & NF_MEMORY) && (p->num & NF_PERCENT))
            *err = "argument must be a memory or percent value";
        else if (p->num & NF_MEMORY)
            *err = "argument must be a memory value";
        else if (p->num & NF_OCTAL)
            *err = "argument couldn't be parsed as an octal number";
        else
            *err = "argument couldn't be parsed into an integer";
        return DD_EINVAL;
    }
    if (p->uns) {
        unsigned long long u = (unsigned long long)ll;
        if (u > (unsigned long long)p->hi || u < (unsigned long long)p->lo)
            return format_range(cfg, p, err);
    } else if ((p->num & NF_PERCENT) && ll < 0) {
        if (ll < p->lo) {
            snprintf(cfg->errbuf, sizeof(cfg->errbuf),
                     "percentage argument must be less or equal to %lld", -p->lo);
            *err = cfg->errbuf;
            return DD_EINVAL;
        }
    } else if (ll > p->hi || ll < p->lo) {
        return format_range(cfg, p, err);
    }
    *out = ll;
    return 0;
}

static int parse_special(struct cache_config *cfg, size_t i, char **words, size_t n,
                         const char *raw, struct dd_buf *out, const char **err)
{
    const struct cfg_param *p = &params[i];
    char buf[64];

    switch (p->check) {
    case SP_DIR: {
        struct stat st;
        if (stat(raw, &st) != 0 || !S_ISDIR(st.st_mode)) {
            *err = strerror(errno ? errno : ENOTDIR);
            return DD_EINVAL;
        }
        return dd_buf_puts(out, raw);
    }
    case SP_SAVE:
        if (n & 1) {
            *err = "Invalid save parameters";
            return DD_EINVAL;
        }
        for (size_t j = 0; j < n; j++) {
            char *end;
            long long v = strtoll(words[j], &end, 10);
            if (end[0] != '\0' || ((j & 1) == 0 && v < 1) || ((j & 1) == 1 && v < 0)) {
                *err = "Invalid save parameters";
                return DD_EINVAL;
            }
        }
        for (size_t j = 0; j < n; j += 2) {
            long long secs = strtoll(words[j], NULL, 10);
            int changes = (int)strtoll(words[j + 1], NULL, 10);
            if (dd_buf_printf(out, "%s%lld %d", j ? " " : "", secs, changes) < 0)
                return DD_ENOMEM;
        }
        return 0;
    case SP_COBL: {
        struct cobl lim[3];
        char cur[256];
        char *cw[12];
        const char *e;
        snprintf(cur, sizeof(cur), "%s", value_s(cfg, i));
        size_t cn = split_words(cur, cw, 12);
        /* The stored value is always the canonical 12 words. */
        for (size_t c = 0; c + 3 < cn && c < 12; c += 4) {
            int cls = cobl_class(cw[c]);
            if (cls >= 0 && cls < 3) {
                lim[cls].hard = strtoull(cw[c + 1], NULL, 10);
                lim[cls].soft = strtoull(cw[c + 2], NULL, 10);
                lim[cls].secs = strtol(cw[c + 3], NULL, 10);
            }
        }
        e = cobl_apply(words, n, lim);
        if (e) {
            *err = e;
            return DD_EINVAL;
        }
        return cobl_render(out, lim);
    }
    case SP_OOM_VALUES: {
        long long v[3];
        if (n != 3) {
            *err = "wrong number of arguments";
            return DD_EINVAL;
        }
        for (size_t j = 0; j < 3; j++) {
            char *end;
            v[j] = strtoll(words[j], &end, 10);
            if (*end != '\0' || v[j] < -2000 || v[j] > 2000) {
                *err = "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
                return DD_EINVAL;
            }
        }
        return dd_buf_printf(out, "%d %d %d", (int)v[0], (int)v[1], (int)v[2]);
    }
    case SP_NOTIFY: {
        int f = notify_parse(raw);
        char s[32];
        if (f < 0) {
            *err = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
            return DD_EINVAL;
        }
        notify_render(s, f);
        return dd_buf_puts(out, s);
    }
    case SP_BIND:
        if (n > 16) {
            *err = "Too many bind addresses specified.";
            return DD_EINVAL;
        }
        if (n == 1 && words[0][0] == '\0')
            n = 0;
        for (size_t j = 0; j < n; j++)
            if ((j && dd_buf_putc(out, ' ') < 0) || dd_buf_puts(out, words[j]) < 0)
                return DD_ENOMEM;
        return 0;
    case SP_REPLICAOF: {
        char *end;
        long port;
        if (n != 2) {
            *err = "wrong number of arguments";
            return DD_EINVAL;
        }
        if (!strcasecmp(words[0], "no") && !strcasecmp(words[1], "one"))
            return 0;
        port = strtol(words[1], &end, 10);
        if (port < 0 || port > 65535 || *end != '\0') {
            *err = "Invalid master port";
            return DD_EINVAL;
        }
        return dd_buf_printf(out, "%s %ld", words[0], port);
    }
    case SP_LATENCY_PCT:
        if (n == 1 && words[0][0] == '\0')
            n = 0;
        for (size_t j = 0; j < n; j++) {
            double d;
            if (!str2d(words[j], &d)) {
                *err = "Invalid latency-tracking-info-percentiles parameters";
                return DD_EINVAL;
            }
            if (d > 100.0 || d < 0.0) {
                *err = "latency-tracking-info-percentiles parameters should sit between "
                       "[0.0,100.0]";
                return DD_EINVAL;
            }
        }
        for (size_t j = 0; j < n; j++) {
            format_pct(buf, sizeof(buf), strtod(words[j], NULL));
            if ((j && dd_buf_putc(out, ' ') < 0) || dd_buf_puts(out, buf) < 0)
                return DD_ENOMEM;
        }
        return 0;
    default:
        break;
    }
    return dd_buf_puts(out, raw);
}

/* Validators that Redis runs on a parsed value (is_valid_fn). */
static int check_value(const struct cfg_param *p, const char *s, long long n, const char **err)
{
    switch (p->check) {
    case CK_ACTIVEDEFRAG:
        if (n) {
            *err = "Active defragmentation cannot be enabled: it requires a Redis server "
                   "compiled with a modified Jemalloc like the one shipped by default with the "
                   "Redis source distribution";
            return DD_EINVAL;
        }
        return 0;
    case CK_DBFILENAME:
        if (!is_basename(s)) {
            *err = "dbfilename can't be a path, just a filename";
            return DD_EINVAL;
        }
        return 0;
    case CK_AOFFILENAME:
        if (!*s) {
            *err = "appendfilename can't be empty";
            return DD_EINVAL;
        }
        if (!is_basename(s)) {
            *err = "appendfilename can't be a path, just a filename";
            return DD_EINVAL;
        }
        return 0;
    case CK_AOFDIRNAME:
        if (!*s) {
            *err = "appenddirname can't be empty";
            return DD_EINVAL;
        }
        if (!is_basename(s)) {
            *err = "appenddirname can't be a path, just a dirname";
            return DD_EINVAL;
        }
        return 0;
    case CK_HOSTNAME:
        if (strlen(s) >= 256) {
            *err = "Hostnames must be less than 256 characters";
            return DD_EINVAL;
        }
        for (const char *c = s; *c; c++) {
            if (!isalnum((unsigned char)*c) && *c != '-' && *c != '.') {
                *err = "Hostnames may only contain alphanumeric characters, hyphens or dots";
                return DD_EINVAL;
            }
        }
        return 0;
    case CK_PROCTITLE:
        if (!proctitle_valid(s)) {
            *err = "template format is invalid or contains unknown variables";
            return DD_EINVAL;
        }
        return 0;
    case CK_SHUTDOWN_FLAGS:
        if ((n & 1) && (n & 2)) {
            *err = "shutdown options SAVE and NOSAVE can't be used simultaneously";
            return DD_EINVAL;
        }
        return 0;
    default:
        return 0;
    }
}

/*
 * Parses value for parameter i into st (not stored yet). startup selects the
 * config-file rules (used by cache_config_set) over CONFIG SET's: the apply
 * failures Redis reports at runtime (port, TLS) do not apply at start-up.
 */
static int parse_value(struct cache_config *cfg, size_t i, const char *value, size_t vlen,
                       bool startup, struct staged *st, const char **err)
{
    const struct cfg_param *p = &params[i];
    char *raw = NULL, *split = NULL;
    char **words = NULL;
    size_t n = 0;
    int rc = 0;
    struct dd_buf out = DD_BUF_INIT;

    memset(st, 0, sizeof(*st));
    st->idx = i;
    /* Redis's values are C strings: an embedded NUL ends them. */
    raw = strndup(value, vlen);
    if (!raw)
        goto oom;
    if (p->flags & CF_MULTI) {
        size_t cnt = count_words(raw);
        split = strdup(raw);
        words = calloc(cnt + 1, sizeof(*words));
        if (!split || !words)
            goto oom;
        n = split_words(split, words, cnt);
    }

    switch (p->type) {
    case CT_BOOL:
        if (!strcasecmp(raw, "yes"))
            st->n = 1;
        else if (!strcasecmp(raw, "no"))
            st->n = 0;
        else {
            *err = "argument must be 'yes' or 'no'";
            rc = DD_EINVAL;
            goto done;
        }
        st->changed = st->n != value_n(cfg, i);
        break;
    case CT_ENUM:
    case CT_FLAGS: {
        size_t nw = p->type == CT_FLAGS ? n : 1;
        char **w = p->type == CT_FLAGS ? words : &raw;
        long long acc = 0;
        for (size_t j = 0; j < nw; j++) {
            const struct cfg_enum *e = p->enums;
            for (; e->name; e++)
                if (!strcasecmp(e->name, w[j]))
                    break;
            if (!e->name) {
                rc = format_enum_error(cfg, p->enums, err);
                goto done;
            }
            acc |= e->val;
        }
        if (p->type == CT_FLAGS && nw == 0) {
            rc = format_enum_error(cfg, p->enums, err);
            goto done;
        }
        st->n = acc;
        st->changed = st->n != value_n(cfg, i);
        break;
    }
    case CT_NUM:
        rc = parse_num(cfg, p, raw, &st->n, err);
        if (rc < 0)
            goto done;
        st->changed = st->n != value_n(cfg, i);
        break;
    case CT_STRING:
        if (dd_buf_puts(&out, raw) < 0)
            goto oom;
        break;
    case CT_SPECIAL:
        rc = parse_special(cfg, i, words, n, raw, &out, err);
        if (rc == DD_ENOMEM)
            goto oom;
        if (rc < 0)
            goto done;
        break;
    default:
        break;
    }

    if (p->type == CT_STRING || p->type == CT_SPECIAL) {
        st->s = dd_buf_detach(&out);
        if (!st->s)
            goto oom;
        st->changed = strcmp(st->s, value_s(cfg, i)) != 0;
    }
    rc = check_value(p, st->s ? st->s : "", st->n, err);
    if (rc < 0)
        goto done;

    /* Apply steps that cannot succeed in the emulator, as Redis fails them. */
    if (!startup && st->changed) {
        if (p->bind == BIND_PORT) {
            *err = "Unable to listen on this port. Check server logs.";
            rc = DD_EINVAL;
        } else if (p->check == CK_TLS_APPLY && st->n != 0) {
            *err = "Unable to update TLS configuration. Check server logs.";
            rc = DD_EINVAL;
        }
    }
    goto done;

oom:
    *err = ERR_ENOMEM;
    rc = DD_ENOMEM;
done:
    if (rc < 0) {
        free(st->s);
        st->s = NULL;
    }
    dd_buf_release(&out);
    free(words);
    free(split);
    free(raw);
    return rc;
}

/* Stores a staged value; returns true when a bound parameter changed. */
static bool commit(struct cache_config *cfg, struct staged *st)
{
    const struct cfg_param *p = &params[st->idx];
    struct cache_server *srv = cfg->srv;

    if (p->bind == BIND_REQUIREPASS) {
        free(srv->opts.requirepass);
        /* EMPTY_STRING_IS_NULL: "" turns the password off. */
        if (st->s && st->s[0]) {
            srv->opts.requirepass = st->s;
        } else {
            srv->opts.requirepass = NULL;
            free(st->s);
        }
        st->s = NULL;
        return true;
    }
    if (p->bind != BIND_NONE) {
        bound_set(srv, (enum cfg_bind)p->bind, st->n);
        return st->changed || p->bind == BIND_HZ;
    }
    if (st->s) {
        free(cfg->vals[st->idx].s);
        cfg->vals[st->idx].s = st->s;
        st->s = NULL;
    }
    cfg->vals[st->idx].n = st->n;
    return false;
}

/* ---- public API ---- */

void cache_config_default_opts(struct cache_server_opts *opts)
{
    struct cache_settings s = CACHE_SETTINGS_DEFAULTS;
    memset(opts, 0, sizeof(*opts));
    opts->maxmemory = 0;
    opts->policy = CACHE_EVICT_NOEVICTION;
    opts->maxmemory_samples = 5;
    opts->lfu_log_factor = 10;
    opts->lfu_decay_time = 1;
    opts->requirepass = NULL;
    opts->proto_max_bulk_len = 512LL * 1024 * 1024;
    opts->maxclients = 10000;
    opts->timeout_s = 0;
    opts->tcp_keepalive_s = 300;
    opts->hz = 10;
    opts->databases = 16;
    opts->settings = s;
    /* Redis 7.0's built-in hash-max-listpack-entries is 512 (redis.conf says
     * the same); the engine header's default may lag behind. */
    opts->settings.hash_max_listpack_entries = 512;
}

struct cache_config *cache_config_new(struct cache_server *srv)
{
    struct cache_config *cfg = calloc(1, sizeof(*cfg));
    if (!cfg)
        return NULL;
    cfg->srv = srv;
    cfg->istats = cache_info_stats_new(srv);
    if (!cfg->istats)
        goto fail;
    for (size_t i = 0; i < NPARAMS; i++) {
        const struct cfg_param *p = &params[i];
        struct staged st;
        const char *err = NULL;
        if (p->bind != BIND_NONE)
            continue;
        if (p->type == CT_STRING || p->type == CT_SPECIAL) {
            cfg->vals[i].s = strdup(p->def);
            if (!cfg->vals[i].s)
                goto fail;
            continue;
        }
        if (parse_value(cfg, i, p->def, strlen(p->def), true, &st, &err) < 0)
            goto fail;
        commit(cfg, &st);
        free(st.s);
    }
    return cfg;
fail:
    cache_config_free(cfg);
    return NULL;
}

void cache_config_free(struct cache_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < NPARAMS; i++)
        free(cfg->vals[i].s);
    cache_info_stats_free(cfg->istats);
    dd_buf_release(&cfg->render);
    free(cfg);
}

int cache_config_set(struct cache_config *cfg, struct cache_server *srv, const char *name,
                     size_t nlen, const char *value, size_t vlen, const char **err)
{
    const char *dummy;
    struct staged st;
    long e;
    int rc;

    if (!err)
        err = &dummy;
    cfg->srv = srv;
    e = lookup_entry(name, nlen);
    if (e < 0) {
        *err = "Bad directive or wrong number of arguments";
        return DD_ENOENT;
    }
    rc = parse_value(cfg, (size_t)e / 2, value, vlen, true, &st, err);
    if (rc < 0)
        return rc;
    if (commit(cfg, &st)) {
        if (cache_server_opts_changed(srv) < 0) {
            free(st.s);
            *err = ERR_ENOMEM;
            return DD_ENOMEM;
        }
    }
    free(st.s);
    return 0;
}

static bool protected_allowed(const struct cache_config *cfg)
{
    for (size_t i = 0; i < NPARAMS; i++)
        if (!strcmp(params[i].name, "enable-protected-configs"))
            return cfg->vals[i].n != 0;
    return false;
}

int cache_config_set_pairs(struct cache_config *cfg, struct cache_server *srv,
                           const struct cache_config_pair *pairs, size_t npairs, char *errbuf,
                           size_t errlen)
{
    struct staged *st = NULL;
    long *ent = NULL;
    size_t done = 0;
    const char *err = NULL;
    int rc = 0;
    bool bound_changed = false;

    cfg->srv = srv;
    if (npairs == 0)
        return 0;
    st = calloc(npairs, sizeof(*st));
    ent = calloc(npairs, sizeof(*ent));
    if (!st || !ent) {
        rc = DD_ENOMEM;
        goto out;
    }

    /* Names first, in order, before any value is looked at: the first
     * unknown, immutable, protected or repeated name is the error. */
    for (size_t i = 0; i < npairs; i++) {
        const struct cfg_param *p;
        const char *why = NULL;
        ent[i] = lookup_entry(pairs[i].name, pairs[i].nlen);
        if (ent[i] < 0) {
            snprintf(errbuf, errlen,
                     "ERR Unknown option or number of arguments for CONFIG SET - '%.*s'",
                     (int)pairs[i].nlen, pairs[i].name);
            rc = DD_EINVAL;
            goto out;
        }
        p = &params[ent[i] / 2];
        if (p->flags & CF_IMMUTABLE)
            why = "can't set immutable config";
        else if ((p->flags & CF_PROTECTED) && !protected_allowed(cfg))
            why = "can't set protected config";
        for (size_t j = 0; !why && j < i; j++)
            if (ent[j] == ent[i])
                why = "duplicate parameter";
        if (why) {
            snprintf(errbuf, errlen,
                     "ERR CONFIG SET failed (possibly related to argument '%.*s') - %s",
                     (int)pairs[i].nlen, pairs[i].name, why);
            rc = DD_EINVAL;
            goto out;
        }
    }
    for (size_t i = 0; i < npairs; i++) {
        size_t idx = (size_t)ent[i] / 2;
        rc = parse_value(cfg, idx, pairs[i].value, pairs[i].vlen, false, &st[i], &err);
        if (rc == DD_ENOMEM)
            goto out;
        if (rc < 0) {
            snprintf(errbuf, errlen,
                     "ERR CONFIG SET failed (possibly related to argument '%s') - %s",
                     entry_name((size_t)ent[i]), err);
            goto out;
        }
        done = i + 1;
    }
    for (size_t i = 0; i < npairs; i++)
        bound_changed |= commit(cfg, &st[i]);
    if (bound_changed && cache_server_opts_changed(srv) < 0)
        rc = DD_ENOMEM;
out:
    if (rc == DD_ENOMEM)
        snprintf(errbuf, errlen, "ERR %s", ERR_ENOMEM);
    if (st) {
        for (size_t i = 0; i < done; i++)
            free(st[i].s);
    }
    free(st);
    free(ent);
    return rc;
}

static bool has_glob(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] == '*' || p[i] == '?' || p[i] == '[')
            return true;
    return false;
}

long cache_config_get(struct cache_config *cfg, struct cache_server *srv,
                      const struct cache_config_pattern *pats, size_t npats,
                      cache_config_visit_fn visit, void *ctx)
{
    /* For every entry, the name to reply under (NULL = not matched). */
    const char *as[NENTRIES];
    size_t aslen[NENTRIES];
    long count = 0;

    cfg->srv = srv;
    memset(as, 0, sizeof(as));
    for (size_t a = 0; a < npats; a++) {
        if (!has_glob(pats[a].p, pats[a].len)) {
            long e = lookup_entry(pats[a].p, pats[a].len);
            if (e >= 0 && !as[e]) {
                as[e] = pats[a].p;
                aslen[e] = pats[a].len;
            }
            continue;
        }
        for (size_t e = 0; e < NENTRIES; e++) {
            const char *n = entry_name(e);
            if (!n || as[e] || (params[e / 2].flags & CF_HIDDEN))
                continue;
            if (cache_glob_match(pats[a].p, pats[a].len, n, strlen(n), true)) {
                as[e] = n;
                aslen[e] = strlen(n);
            }
        }
    }
    for (size_t e = 0; e < NENTRIES; e++) {
        if (!as[e])
            continue;
        dd_buf_reset(&cfg->render);
        if (render(cfg, e / 2, &cfg->render) < 0)
            return DD_ENOMEM;
        visit(ctx, as[e], aslen[e], cfg->render.data ? cfg->render.data : "", cfg->render.len);
        count++;
    }
    return count;
}

long cache_config_get_value(struct cache_config *cfg, struct cache_server *srv, const char *name,
                            char *dst, size_t dstlen)
{
    long e = lookup_entry(name, strlen(name));
    long len;
    if (e < 0)
        return DD_ENOENT;
    cfg->srv = srv;
    dd_buf_reset(&cfg->render);
    if (render(cfg, (size_t)e / 2, &cfg->render) < 0)
        return DD_ENOMEM;
    len = (long)cfg->render.len;
    if (dstlen > 0)
        snprintf(dst, dstlen, "%s", cfg->render.data ? cfg->render.data : "");
    return len;
}

int cache_config_apply_elasticache_defaults(struct cache_config *cfg, struct cache_server *srv)
{
    static const char name[] = "maxmemory-policy";
    static const char value[] = "volatile-lru";
    return cache_config_set(cfg, srv, name, sizeof(name) - 1, value, sizeof(value) - 1, NULL);
}

struct cache_info_stats *cache_config_info_stats(struct cache_config *cfg)
{
    return cfg->istats;
}

void cache_config_reset_stats(struct cache_server *srv)
{
    memset(&srv->stats, 0, sizeof(srv->stats));
    cache_info_reset(srv);
    if (srv->ks) {
        struct cache_keyspace_stats *ks = cache_keyspace_stats(srv->ks);
        if (ks) {
            ks->expired_keys = 0;
            ks->evicted_keys = 0;
        }
    }
}
