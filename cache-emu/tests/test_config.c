/* Unit tests for cache-emu/config.c: the parameter table against Redis
 * 7.0.15's CONFIG GET * (names and built-in defaults, recorded from the live
 * server), value parsing per type (units, percentages, octal, enums,
 * booleans, ranges, special parameters) with Redis's error texts, aliases,
 * immutable and protected parameters, CONFIG SET's all-or-nothing rule, glob
 * CONFIG GET, the parameters bound to the server's options, and RESETSTAT. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/config.h"
#include "cache-emu/db.h"
#include "cache-emu/server.h"
#include "common/err.h"

/* Redis 7.0.15's CONFIG GET * on `redis-server --port P --save ''` (no config
 * file), sorted; dir, port and save are checked apart. */
static const struct {
    const char *name;
    const char *value;
} redis_defaults[] = {
    { "acl-pubsub-default", "resetchannels" },
    { "aclfile", "" },
    { "acllog-max-len", "128" },
    { "active-defrag-cycle-max", "25" },
    { "active-defrag-cycle-min", "1" },
    { "active-defrag-ignore-bytes", "104857600" },
    { "active-defrag-max-scan-fields", "1000" },
    { "active-defrag-threshold-lower", "10" },
    { "active-defrag-threshold-upper", "100" },
    { "active-expire-effort", "1" },
    { "activedefrag", "no" },
    { "activerehashing", "yes" },
    { "always-show-logo", "no" },
    { "aof-disable-auto-gc", "no" },
    { "aof-load-truncated", "yes" },
    { "aof-rewrite-incremental-fsync", "yes" },
    { "aof-timestamp-enabled", "no" },
    { "aof-use-rdb-preamble", "yes" },
    { "aof_rewrite_cpulist", "" },
    { "appenddirname", "appendonlydir" },
    { "appendfilename", "appendonly.aof" },
    { "appendfsync", "everysec" },
    { "appendonly", "no" },
    { "auto-aof-rewrite-min-size", "67108864" },
    { "auto-aof-rewrite-percentage", "100" },
    { "bgsave_cpulist", "" },
    { "bind", "* -::*" },
    { "bind-source-addr", "" },
    { "bio_cpulist", "" },
    { "busy-reply-threshold", "5000" },
    { "client-output-buffer-limit",
      "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60" },
    { "client-query-buffer-limit", "1073741824" },
    { "cluster-allow-pubsubshard-when-down", "yes" },
    { "cluster-allow-reads-when-down", "no" },
    { "cluster-allow-replica-migration", "yes" },
    { "cluster-announce-bus-port", "0" },
    { "cluster-announce-hostname", "" },
    { "cluster-announce-ip", "" },
    { "cluster-announce-port", "0" },
    { "cluster-announce-tls-port", "0" },
    { "cluster-config-file", "nodes.conf" },
    { "cluster-enabled", "no" },
    { "cluster-link-sendbuf-limit", "0" },
    { "cluster-migration-barrier", "1" },
    { "cluster-node-timeout", "15000" },
    { "cluster-port", "0" },
    { "cluster-preferred-endpoint-type", "ip" },
    { "cluster-replica-no-failover", "no" },
    { "cluster-replica-validity-factor", "10" },
    { "cluster-require-full-coverage", "yes" },
    { "cluster-slave-no-failover", "no" },
    { "cluster-slave-validity-factor", "10" },
    { "crash-log-enabled", "yes" },
    { "crash-memcheck-enabled", "yes" },
    { "daemonize", "no" },
    { "databases", "16" },
    { "dbfilename", "dump.rdb" },
    { "disable-thp", "yes" },
    { "dynamic-hz", "yes" },
    { "enable-debug-command", "no" },
    { "enable-module-command", "no" },
    { "enable-protected-configs", "no" },
    { "hash-max-listpack-entries", "512" },
    { "hash-max-listpack-value", "64" },
    { "hash-max-ziplist-entries", "512" },
    { "hash-max-ziplist-value", "64" },
    { "hll-sparse-max-bytes", "3000" },
    { "hz", "10" },
    { "ignore-warnings", "" },
    { "io-threads", "1" },
    { "io-threads-do-reads", "no" },
    { "jemalloc-bg-thread", "yes" },
    { "latency-monitor-threshold", "0" },
    { "latency-tracking", "yes" },
    { "latency-tracking-info-percentiles", "50 99 99.9" },
    { "lazyfree-lazy-eviction", "no" },
    { "lazyfree-lazy-expire", "no" },
    { "lazyfree-lazy-server-del", "no" },
    { "lazyfree-lazy-user-del", "no" },
    { "lazyfree-lazy-user-flush", "no" },
    { "lfu-decay-time", "1" },
    { "lfu-log-factor", "10" },
    { "list-compress-depth", "0" },
    { "list-max-listpack-size", "-2" },
    { "list-max-ziplist-size", "-2" },
    { "logfile", "" },
    { "loglevel", "notice" },
    { "lua-time-limit", "5000" },
    { "masterauth", "" },
    { "masteruser", "" },
    { "maxclients", "10000" },
    { "maxmemory", "0" },
    { "maxmemory-clients", "0" },
    { "maxmemory-eviction-tenacity", "10" },
    { "maxmemory-policy", "noeviction" },
    { "maxmemory-samples", "5" },
    { "min-replicas-max-lag", "10" },
    { "min-replicas-to-write", "0" },
    { "min-slaves-max-lag", "10" },
    { "min-slaves-to-write", "0" },
    { "no-appendfsync-on-rewrite", "no" },
    { "notify-keyspace-events", "" },
    { "oom-score-adj", "no" },
    { "oom-score-adj-values", "0 200 800" },
    { "pidfile", "" },
    { "proc-title-template", "{title} {listen-addr} {server-mode}" },
    { "propagation-error-behavior", "ignore" },
    { "protected-mode", "yes" },
    { "proto-max-bulk-len", "536870912" },
    { "rdb-del-sync-files", "no" },
    { "rdb-save-incremental-fsync", "yes" },
    { "rdbchecksum", "yes" },
    { "rdbcompression", "yes" },
    { "repl-backlog-size", "1048576" },
    { "repl-backlog-ttl", "3600" },
    { "repl-disable-tcp-nodelay", "no" },
    { "repl-diskless-load", "disabled" },
    { "repl-diskless-sync", "yes" },
    { "repl-diskless-sync-delay", "5" },
    { "repl-diskless-sync-max-replicas", "0" },
    { "repl-ping-replica-period", "10" },
    { "repl-ping-slave-period", "10" },
    { "repl-timeout", "60" },
    { "replica-announce-ip", "" },
    { "replica-announce-port", "0" },
    { "replica-announced", "yes" },
    { "replica-ignore-disk-write-errors", "no" },
    { "replica-ignore-maxmemory", "yes" },
    { "replica-lazy-flush", "no" },
    { "replica-priority", "100" },
    { "replica-read-only", "yes" },
    { "replica-serve-stale-data", "yes" },
    { "replicaof", "" },
    { "requirepass", "" },
    { "sanitize-dump-payload", "no" },
    { "server_cpulist", "" },
    { "set-max-intset-entries", "512" },
    { "set-proc-title", "yes" },
    { "shutdown-on-sigint", "default" },
    { "shutdown-on-sigterm", "default" },
    { "shutdown-timeout", "10" },
    { "slave-announce-ip", "" },
    { "slave-announce-port", "0" },
    { "slave-ignore-maxmemory", "yes" },
    { "slave-lazy-flush", "no" },
    { "slave-priority", "100" },
    { "slave-read-only", "yes" },
    { "slave-serve-stale-data", "yes" },
    { "slaveof", "" },
    { "slowlog-log-slower-than", "10000" },
    { "slowlog-max-len", "128" },
    { "socket-mark-id", "0" },
    { "stop-writes-on-bgsave-error", "yes" },
    { "stream-node-max-bytes", "4096" },
    { "stream-node-max-entries", "100" },
    { "supervised", "no" },
    { "syslog-enabled", "no" },
    { "syslog-facility", "local0" },
    { "syslog-ident", "redis" },
    { "tcp-backlog", "511" },
    { "tcp-keepalive", "300" },
    { "timeout", "0" },
    { "tls-auth-clients", "yes" },
    { "tls-ca-cert-dir", "" },
    { "tls-ca-cert-file", "" },
    { "tls-cert-file", "" },
    { "tls-ciphers", "" },
    { "tls-ciphersuites", "" },
    { "tls-client-cert-file", "" },
    { "tls-client-key-file", "" },
    { "tls-client-key-file-pass", "" },
    { "tls-cluster", "no" },
    { "tls-dh-params-file", "" },
    { "tls-key-file", "" },
    { "tls-key-file-pass", "" },
    { "tls-port", "0" },
    { "tls-prefer-server-ciphers", "no" },
    { "tls-protocols", "" },
    { "tls-replication", "no" },
    { "tls-session-cache-size", "20480" },
    { "tls-session-cache-timeout", "300" },
    { "tls-session-caching", "yes" },
    { "tracking-table-max-keys", "1000000" },
    { "unixsocket", "" },
    { "unixsocketperm", "0" },
    { "zset-max-listpack-entries", "128" },
    { "zset-max-listpack-value", "64" },
    { "zset-max-ziplist-entries", "128" },
    { "zset-max-ziplist-value", "64" },
};

struct fixture {
    struct cache_server srv;
    struct cache_config *cfg;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    cache_config_default_opts(&f->srv.opts);
    f->srv.ks = cache_keyspace_new(16, 1);
    assert_non_null(f->srv.ks);
    f->srv.port = 6379;
    f->cfg = cache_config_new(&f->srv);
    assert_non_null(f->cfg);
    f->srv.config = f->cfg;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    cache_config_free(f->cfg);
    cache_keyspace_free(f->srv.ks);
    free(f->srv.opts.requirepass);
    free(f);
    return 0;
}

static const char *get(struct fixture *f, const char *name)
{
    static char buf[512];
    long n = cache_config_get_value(f->cfg, &f->srv, name, buf, sizeof(buf));
    assert_true(n >= 0);
    return buf;
}

/* CONFIG SET with one pair; returns the error text or NULL. */
static const char *set1(struct fixture *f, const char *name, const char *value)
{
    static char err[512];
    struct cache_config_pair p = { name, strlen(name), value, strlen(value) };
    err[0] = '\0';
    int rc = cache_config_set_pairs(f->cfg, &f->srv, &p, 1, err, sizeof(err));
    if (rc == 0)
        return NULL;
    assert_int_equal(rc, DD_EINVAL);
    return err;
}

/* Collects CONFIG GET's visits. */
struct seen {
    char names[400][64];
    char values[400][128];
    size_t n;
};

static void visit(void *ctx, const char *name, size_t nlen, const char *value, size_t vlen)
{
    struct seen *s = ctx;
    assert_true(s->n < 400);
    snprintf(s->names[s->n], sizeof(s->names[0]), "%.*s", (int)nlen, name);
    snprintf(s->values[s->n], sizeof(s->values[0]), "%.*s", (int)vlen, value);
    s->n++;
}

static long get_patterns(struct fixture *f, struct seen *s, const char *const *pats, size_t n)
{
    struct cache_config_pattern p[8];
    assert_true(n <= 8);
    for (size_t i = 0; i < n; i++) {
        p[i].p = pats[i];
        p[i].len = strlen(pats[i]);
    }
    memset(s, 0, sizeof(*s));
    return cache_config_get(f->cfg, &f->srv, p, n, visit, s);
}

static const char *seen_value(const struct seen *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->names[i], name))
            return s->values[i];
    return NULL;
}

/* Every name CONFIG GET * lists is Redis's, with Redis's default. */
static void test_get_all_matches_redis(void **state)
{
    struct fixture *f = *state;
    struct seen *s = calloc(1, sizeof(*s));
    const char *pats[] = { "*" };
    assert_non_null(s);
    long n = get_patterns(f, s, pats, 1);
    assert_int_equal(n, (long)DD_ARRAY_LEN(redis_defaults) + 3);
    for (size_t i = 0; i < DD_ARRAY_LEN(redis_defaults); i++) {
        const char *v = seen_value(s, redis_defaults[i].name);
        if (!v)
            fail_msg("missing parameter %s", redis_defaults[i].name);
        if (strcmp(v, redis_defaults[i].value) != 0)
            fail_msg("%s is '%s', Redis says '%s'", redis_defaults[i].name, v,
                     redis_defaults[i].value);
    }
    assert_string_equal(seen_value(s, "save"), "3600 1 300 100 60 10000");
    assert_string_equal(seen_value(s, "port"), "6379");
    assert_non_null(seen_value(s, "dir"));
    assert_true(seen_value(s, "dir")[0] == '/');
    /* Hidden parameters never match a glob. */
    assert_null(seen_value(s, "watchdog-period"));
    assert_null(seen_value(s, "key-load-delay"));
    free(s);
}

/* One CONFIG SET case: the value Redis then reports, or its error text. */
struct set_case {
    const char *name;
    const char *value;
    const char *want;  /* CONFIG GET afterwards (of get_as, or name) */
    const char *error; /* full error text when refused */
    const char *get_as;
};

static const struct set_case set_cases[] = {
    /* memory units: k = 1000, kb = 1024, any case, "" is 0 */
    { "maxmemory", "1gb", "1073741824", NULL, NULL },
    { "maxmemory", "1K", "1000", NULL, NULL },
    { "maxmemory", "10GB", "10737418240", NULL, NULL },
    { "maxmemory", "5m", "5000000", NULL, NULL },
    { "maxmemory", "100MB", "104857600", NULL, NULL },
    { "maxmemory", "7b", "7", NULL, NULL },
    { "maxmemory", "", "0", NULL, NULL },
    { "maxmemory", "18446744073709551615", "18446744073709551615", NULL, NULL },
    { "maxmemory", "abc", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a "
      "memory value",
      NULL },
    { "maxmemory", "-1", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a "
      "memory value",
      NULL },
    { "maxmemory", "1.5gb", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a "
      "memory value",
      NULL },
    /* plain integers: strict decimal */
    { "hz", "x", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed "
      "into an integer",
      NULL },
    { "hz", "01", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed "
      "into an integer",
      NULL },
    { "hz", "+1", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed "
      "into an integer",
      NULL },
    { "hz", "-1", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be between 0 "
      "and 2147483647 inclusive",
      NULL },
    { "hz", "1000", "500", NULL, NULL }, /* capped, as updateHZ() does */
    { "hz", "0", "1", NULL, NULL },
    { "timeout", "-1", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be "
      "between 0 and 2147483647 inclusive",
      NULL },
    { "maxclients", "0", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be "
      "between 1 and 4294967295 inclusive",
      NULL },
    { "list-max-listpack-size", "-99999999999", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'list-max-listpack-size') - argument "
      "must be between -2147483648 and 2147483647 inclusive",
      NULL },
    { "slowlog-log-slower-than", "-2", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - "
      "argument must be between -1 and 9223372036854775807 inclusive",
      NULL },
    { "proto-max-bulk-len", "1", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument "
      "must be between 1048576 and 9223372036854775807 inclusive",
      NULL },
    /* size_t: negative numbers fail the unsigned range check */
    { "hash-max-ziplist-entries", "-1", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'hash-max-ziplist-entries') - "
      "argument must be between 0 and 9223372036854775807 inclusive",
      NULL },
    { "hash-max-listpack-value", "-1", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-value') - "
      "argument must be a memory value",
      NULL },
    { "hash-max-listpack-value", "1k", "1000", NULL, NULL },
    /* aliases share the value */
    { "hash-max-ziplist-entries", "100", "100", NULL, "hash-max-listpack-entries" },
    { "zset-max-listpack-value", "33", "33", NULL, "zset-max-ziplist-value" },
    { "lua-time-limit", "77", "77", NULL, "busy-reply-threshold" },
    { "slave-read-only", "no", "no", NULL, "replica-read-only" },
    /* percent */
    { "maxmemory-clients", "5%", "5%", NULL, NULL },
    { "maxmemory-clients", "200%", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage "
      "argument must be less or equal to 100",
      NULL },
    { "maxmemory-clients", "x", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - argument "
      "must be a memory or percent value",
      NULL },
    /* enums and booleans */
    { "maxmemory-policy", "ALLKEYS-LRU", "allkeys-lru", NULL, NULL },
    { "maxmemory-policy", "foo", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) "
      "must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, "
      "allkeys-lru, allkeys-lfu, allkeys-random, noeviction",
      NULL },
    { "loglevel", "foo", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be "
      "one of the following: debug, verbose, notice, warning",
      NULL },
    { "oom-score-adj", "relative", "yes", NULL, NULL },
    { "appendfsync", "ALWAYS", "always", NULL, NULL },
    { "activerehashing", "YES", "yes", NULL, NULL },
    { "activerehashing", "maybe", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'activerehashing') - argument must "
      "be 'yes' or 'no'",
      NULL },
    { "activedefrag", "yes", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'activedefrag') - Active "
      "defragmentation cannot be enabled: it requires a Redis server compiled with a modified "
      "Jemalloc like the one shipped by default with the Redis source distribution",
      NULL },
    { "shutdown-on-sigint", "force now", "now force", NULL, NULL },
    { "shutdown-on-sigint", "default now", "now", NULL, NULL },
    { "shutdown-on-sigint", "save nosave", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigint') - shutdown "
      "options SAVE and NOSAVE can't be used simultaneously",
      NULL },
    { "shutdown-on-sigint", "", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigint') - argument(s) "
      "must be one of the following: default, save, nosave, now, force",
      NULL },
    /* special parameters */
    { "save", "100 10", "100 10", NULL, NULL },
    { "save", "", "", NULL, NULL },
    { "save", "1 2 3", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters",
      NULL },
    { "save", "100  10", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters",
      NULL },
    { "notify-keyspace-events", "KEA", "AKE", NULL, NULL },
    { "notify-keyspace-events", "Ex", "xE", NULL, NULL },
    { "notify-keyspace-events", "gmnd", "gdnm", NULL, NULL },
    { "notify-keyspace-events", "An", "A", NULL, NULL },
    { "notify-keyspace-events", "xyz", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid "
      "event class character. Use 'Ag$lshzxeKEtmdn'.",
      NULL },
    { "client-output-buffer-limit", "normal 1mb 2 3",
      "normal 1048576 2 3 slave 268435456 67108864 60 pubsub 33554432 8388608 60", NULL, NULL },
    { "client-output-buffer-limit", "master 1 2 3", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
      "Invalid client class specified in buffer limit configuration.",
      NULL },
    { "client-output-buffer-limit", "normal 1 2", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Wrong "
      "number of arguments in buffer limit configuration.",
      NULL },
    { "oom-score-adj-values", "1 2", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - wrong "
      "number of arguments",
      NULL },
    { "latency-tracking-info-percentiles", "50 99.5", "50 99.5", NULL, NULL },
    { "latency-tracking-info-percentiles", "", "", NULL, NULL },
    { "proc-title-template", "{title}", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template "
      "format is invalid or contains unknown variables",
      NULL },
    { "proc-title-template", "{{x", "{{x", NULL, NULL },
    { "cluster-announce-hostname", "a b", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'cluster-announce-hostname') - "
      "Hostnames may only contain alphanumeric characters, hyphens or dots",
      NULL },
    { "tls-replication", "yes", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'tls-replication') - Unable to "
      "update TLS configuration. Check server logs.",
      NULL },
    /* names: unknown, immutable (named as typed), protected */
    { "nosuch", "1", NULL, "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'",
      NULL },
    { "databases", "3", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable "
      "config",
      NULL },
    { "DATABASES", "3", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'DATABASES') - can't set immutable "
      "config",
      NULL },
    { "dir", "/tmp", NULL,
      "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config",
      NULL },
    { "MAXMEMORY", "2mb", "2097152", NULL, "maxmemory" },
};

static void test_set_cases(void **state)
{
    struct fixture *f = *state;
    for (size_t i = 0; i < DD_ARRAY_LEN(set_cases); i++) {
        const struct set_case *t = &set_cases[i];
        const char *err = set1(f, t->name, t->value);
        if (t->error) {
            if (!err || strcmp(err, t->error) != 0)
                fail_msg("SET %s '%s': got '%s', want '%s'", t->name, t->value, err ? err : "(OK)",
                         t->error);
        } else {
            if (err)
                fail_msg("SET %s '%s' refused: %s", t->name, t->value, err);
            const char *v = get(f, t->get_as ? t->get_as : t->name);
            if (strcmp(v, t->want) != 0)
                fail_msg("SET %s '%s': GET says '%s', want '%s'", t->name, t->value, v, t->want);
        }
    }
}

/* The parameters the server acts on land in srv->opts. */
static void test_bound_options(void **state)
{
    struct fixture *f = *state;
    assert_null(set1(f, "maxmemory", "100mb"));
    assert_int_equal(f->srv.opts.maxmemory, 100LL * 1024 * 1024);
    assert_null(set1(f, "maxmemory-policy", "allkeys-lfu"));
    assert_int_equal(f->srv.opts.policy, CACHE_EVICT_ALLKEYS_LFU);
    assert_null(set1(f, "maxmemory-samples", "10"));
    assert_int_equal(f->srv.opts.maxmemory_samples, 10);
    assert_null(set1(f, "lfu-log-factor", "3"));
    assert_int_equal(f->srv.opts.lfu_log_factor, 3);
    assert_null(set1(f, "lfu-decay-time", "7"));
    assert_int_equal(f->srv.opts.lfu_decay_time, 7);
    assert_null(set1(f, "timeout", "30"));
    assert_int_equal(f->srv.opts.timeout_s, 30);
    assert_null(set1(f, "maxclients", "50"));
    assert_int_equal(f->srv.opts.maxclients, 50);
    assert_null(set1(f, "proto-max-bulk-len", "2mb"));
    assert_int_equal(f->srv.opts.proto_max_bulk_len, 2 * 1024 * 1024);
    assert_null(set1(f, "set-max-intset-entries", "9"));
    assert_int_equal(f->srv.opts.settings.set_max_intset_entries, 9);
    assert_null(set1(f, "zset-max-ziplist-entries", "11"));
    assert_int_equal(f->srv.opts.settings.zset_max_listpack_entries, 11);
    assert_null(set1(f, "list-max-ziplist-size", "-3"));
    assert_int_equal(f->srv.opts.settings.list_max_listpack_size, -3);
    assert_null(set1(f, "list-compress-depth", "2"));
    assert_int_equal(f->srv.opts.settings.list_compress_depth, 2);

    assert_null(set1(f, "requirepass", "s3cret"));
    assert_string_equal(f->srv.opts.requirepass, "s3cret");
    assert_string_equal(get(f, "requirepass"), "s3cret");
    assert_null(set1(f, "requirepass", ""));
    assert_null(f->srv.opts.requirepass);
    assert_string_equal(get(f, "requirepass"), "");

    /* The server's own changes show through. */
    f->srv.opts.maxmemory = 12345;
    assert_string_equal(get(f, "maxmemory"), "12345");
    f->srv.port = 7000;
    assert_string_equal(get(f, "port"), "7000");
    /* A new port cannot be bound at runtime; the same one is a no-op. */
    assert_null(set1(f, "port", "7000"));
    assert_string_equal(set1(f, "port", "7001"),
                        "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to "
                        "listen on this port. Check server logs.");
}

/* Several pairs apply together or not at all; the first bad name wins. */
static void test_set_pairs_atomic(void **state)
{
    struct fixture *f = *state;
    char err[512];
    struct cache_config_pair ok[] = {
        { "maxmemory", 9, "1mb", 3 },
        { "hz", 2, "20", 2 },
    };
    assert_int_equal(cache_config_set_pairs(f->cfg, &f->srv, ok, 2, err, sizeof(err)), 0);
    assert_string_equal(get(f, "maxmemory"), "1048576");
    assert_string_equal(get(f, "hz"), "20");

    struct cache_config_pair bad[] = {
        { "maxmemory", 9, "0", 1 },
        { "hz", 2, "x", 1 },
    };
    assert_int_equal(cache_config_set_pairs(f->cfg, &f->srv, bad, 2, err, sizeof(err)), DD_EINVAL);
    assert_string_equal(err, "ERR CONFIG SET failed (possibly related to argument 'hz') - "
                             "argument couldn't be parsed into an integer");
    assert_string_equal(get(f, "maxmemory"), "1048576");

    struct cache_config_pair dup[] = {
        { "maxmemory", 9, "0", 1 },
        { "MAXMEMORY", 9, "1", 1 },
    };
    assert_int_equal(cache_config_set_pairs(f->cfg, &f->srv, dup, 2, err, sizeof(err)), DD_EINVAL);
    assert_string_equal(err, "ERR CONFIG SET failed (possibly related to argument 'MAXMEMORY') - "
                             "duplicate parameter");

    /* An alias is a parameter of its own for the duplicate check. */
    struct cache_config_pair alias[] = {
        { "lua-time-limit", 14, "1", 1 },
        { "busy-reply-threshold", 20, "2", 1 },
    };
    assert_int_equal(cache_config_set_pairs(f->cfg, &f->srv, alias, 2, err, sizeof(err)), 0);
    assert_string_equal(get(f, "lua-time-limit"), "2");

    /* The first problem in argument order is the one reported. */
    struct cache_config_pair order1[] = {
        { "databases", 9, "1", 1 },
        { "nosuch", 6, "1", 1 },
    };
    assert_int_equal(cache_config_set_pairs(f->cfg, &f->srv, order1, 2, err, sizeof(err)),
                     DD_EINVAL);
    assert_string_equal(err, "ERR CONFIG SET failed (possibly related to argument 'databases') - "
                             "can't set immutable config");
    struct cache_config_pair order2[] = {
        { "nosuch", 6, "1", 1 },
        { "databases", 9, "1", 1 },
    };
    assert_int_equal(cache_config_set_pairs(f->cfg, &f->srv, order2, 2, err, sizeof(err)),
                     DD_EINVAL);
    assert_string_equal(err, "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'");
    /* Names are all checked before any value. */
    struct cache_config_pair order3[] = {
        { "hz", 2, "x", 1 },
        { "databases", 9, "1", 1 },
    };
    assert_int_equal(cache_config_set_pairs(f->cfg, &f->srv, order3, 2, err, sizeof(err)),
                     DD_EINVAL);
    assert_string_equal(err, "ERR CONFIG SET failed (possibly related to argument 'databases') - "
                             "can't set immutable config");
}

/* Start-up settings may change immutable parameters. */
static void test_startup_set(void **state)
{
    struct fixture *f = *state;
    const char *err = NULL;
    assert_int_equal(cache_config_set(f->cfg, &f->srv, "databases", 9, "32", 2, &err), 0);
    assert_int_equal(f->srv.opts.databases, 32);
    assert_string_equal(get(f, "databases"), "32");
    assert_int_equal(cache_config_set(f->cfg, &f->srv, "appendfilename", 14, "a/b", 3, &err),
                     DD_EINVAL);
    assert_string_equal(err, "appendfilename can't be a path, just a filename");
    assert_int_equal(cache_config_set(f->cfg, &f->srv, "nosuch", 6, "1", 1, &err), DD_ENOENT);
    assert_int_equal(cache_config_set(f->cfg, &f->srv, "maxmemory", 9, "x", 1, &err), DD_EINVAL);
    assert_string_equal(err, "argument must be a memory value");
    assert_int_equal(cache_config_set(f->cfg, &f->srv, "maxmemory", 9, "100mb", 5, NULL), 0);
    assert_int_equal(f->srv.opts.maxmemory, 100LL * 1024 * 1024);
    assert_int_equal(cache_config_set(f->cfg, &f->srv, "save", 4, "", 0, NULL), 0);
    assert_string_equal(get(f, "save"), "");
    assert_int_equal(cache_config_set(f->cfg, &f->srv, "unixsocketperm", 14, "700", 3, NULL), 0);
    assert_string_equal(get(f, "unixsocketperm"), "700");
    assert_int_equal(cache_config_set(f->cfg, &f->srv, "unixsocketperm", 14, "1000", 4, &err),
                     DD_EINVAL);
    assert_string_equal(err, "argument must be between 0 and 777 inclusive");
    assert_int_equal(cache_config_set(f->cfg, &f->srv, "unixsocketperm", 14, "8", 1, &err),
                     DD_EINVAL);
    assert_string_equal(err, "argument couldn't be parsed as an octal number");
    assert_int_equal(
        cache_config_set(f->cfg, &f->srv, "enable-protected-configs", 24, "yes", 3, NULL), 0);
    assert_null(set1(f, "dir", "/"));
    assert_string_equal(get(f, "dir"), "/");
}

static void test_get_patterns(void **state)
{
    struct fixture *f = *state;
    struct seen *s = calloc(1, sizeof(*s));
    assert_non_null(s);

    const char *p1[] = { "maxmemory", "MAXMEMORY", "maxmem*" };
    assert_int_equal(get_patterns(f, s, p1, 3), 5);
    assert_non_null(seen_value(s, "maxmemory"));
    assert_non_null(seen_value(s, "maxmemory-policy"));
    assert_non_null(seen_value(s, "maxmemory-samples"));
    assert_non_null(seen_value(s, "maxmemory-clients"));
    assert_non_null(seen_value(s, "maxmemory-eviction-tenacity"));

    /* An exact name is replied as typed. */
    const char *p2[] = { "MAXMEMORY" };
    assert_int_equal(get_patterns(f, s, p2, 1), 1);
    assert_string_equal(s->names[0], "MAXMEMORY");

    /* Globs match aliases too, case-insensitively. */
    const char *p3[] = { "HASH-MAX-*" };
    assert_int_equal(get_patterns(f, s, p3, 1), 4);
    assert_string_equal(seen_value(s, "hash-max-ziplist-entries"), "512");
    assert_string_equal(seen_value(s, "hash-max-listpack-value"), "64");

    /* Hidden parameters: exact only. */
    const char *p4[] = { "watchdog-period" };
    assert_int_equal(get_patterns(f, s, p4, 1), 1);
    const char *p5[] = { "*watchdog*" };
    assert_int_equal(get_patterns(f, s, p5, 1), 0);

    const char *p6[] = { "nosuch", "no?such[" };
    assert_int_equal(get_patterns(f, s, p6, 2), 0);

    const char *p7[] = { "?z" };
    assert_int_equal(get_patterns(f, s, p7, 1), 1);
    assert_string_equal(seen_value(s, "hz"), "10");
    free(s);
}

static void test_elasticache_defaults(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(cache_config_apply_elasticache_defaults(f->cfg, &f->srv), 0);
    assert_int_equal(f->srv.opts.policy, CACHE_EVICT_VOLATILE_LRU);
    assert_string_equal(get(f, "maxmemory-policy"), "volatile-lru");
}

static void test_reset_stats(void **state)
{
    struct fixture *f = *state;
    f->srv.stats.keyspace_hits = 5;
    f->srv.stats.total_commands_processed = 9;
    cache_keyspace_stats(f->srv.ks)->expired_keys = 3;
    cache_keyspace_stats(f->srv.ks)->evicted_keys = 4;
    cache_config_reset_stats(&f->srv);
    assert_int_equal(f->srv.stats.keyspace_hits, 0);
    assert_int_equal(f->srv.stats.total_commands_processed, 0);
    assert_int_equal(cache_keyspace_stats(f->srv.ks)->expired_keys, 0);
    assert_int_equal(cache_keyspace_stats(f->srv.ks)->evicted_keys, 0);
}

static void test_param_count(void **state)
{
    (void)state;
    /* 189 listed + dir, port, save + 5 hidden */
    assert_int_equal(cache_config_param_count(), DD_ARRAY_LEN(redis_defaults) + 3 + 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_get_all_matches_redis, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_cases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bound_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_pairs_atomic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_startup_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_patterns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_elasticache_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_stats, setup, teardown),
        cmocka_unit_test(test_param_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
