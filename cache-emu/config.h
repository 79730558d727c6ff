/*
 * The CONFIG parameter table: every parameter Redis 7.0.15 knows, with its
 * type, range, default, aliases and mutability, so that CONFIG GET and
 * CONFIG SET answer byte for byte as Redis does. The parameters the emulator
 * acts on (maxmemory, maxmemory-policy, the encoding thresholds, requirepass,
 * ...) are bound to struct cache_server_opts and read from there; all the
 * others are validated as Redis validates them, stored and reported back.
 *
 * Two ways in: cache_config_set() with start-up semantics (command-line
 * flags: immutable parameters allowed, one parameter at a time), and
 * cache_config_set_pairs() with CONFIG SET semantics (immutable and protected
 * parameters refused, several pairs applied all or nothing).
 */
#ifndef CACHE_CONFIG_H
#define CACHE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct cache_server;
struct cache_server_opts;
struct cache_config;
struct cache_info_stats;

/* Fills opts with Redis 7.0.15's built-in defaults (no config file), the
 * values the CONFIG table reports for an untouched server. opts->requirepass
 * is set to NULL without being freed. */
void cache_config_default_opts(struct cache_server_opts *opts);

/* The CONFIG state of srv (the values of the unbound parameters, at their
 * defaults). srv is borrowed for the lifetime of the result. Caller owns the
 * result and frees it with cache_config_free(); NULL when out of memory. */
struct cache_config *cache_config_new(struct cache_server *srv);
/* Frees cfg; NULL is a no-op. srv->opts is left alone. */
void cache_config_free(struct cache_config *cfg);

/*
 * Start-up setting (redis-server --name value): sets one parameter by name or
 * alias (ASCII case-insensitive), immutable ones included, and calls
 * cache_server_opts_changed() when a bound parameter changed. Multi-argument
 * parameters (save, client-output-buffer-limit, bind ...) take their words
 * separated by single spaces in value. Returns 0, DD_ENOENT for an unknown
 * name, DD_EINVAL for a value Redis refuses or DD_ENOMEM. On failure *err (if
 * err is not NULL) points at Redis's reason ("argument must be a memory
 * value"), static or cfg-owned storage valid until the next call on cfg.
 */
int cache_config_set(struct cache_config *cfg, struct cache_server *srv, const char *name,
                     size_t nlen, const char *value, size_t vlen, const char **err);

/* One name/value of a CONFIG SET; both borrowed and binary-safe. */
struct cache_config_pair {
    const char *name;
    size_t nlen;
    const char *value;
    size_t vlen;
};

/*
 * CONFIG SET name value [name value ...]: all pairs are validated first and
 * then applied together, so a refused pair leaves every parameter as it was
 * (Redis 7.0 restores the old values; the effect is the same). Immutable and
 * protected parameters are refused, as is the same parameter twice.
 * Returns 0, DD_EINVAL after writing Redis's exact error text
 * ("ERR CONFIG SET failed (possibly related to argument 'hz') - ...") into
 * errbuf (NUL-terminated, truncated to errlen), or DD_ENOMEM.
 */
int cache_config_set_pairs(struct cache_config *cfg, struct cache_server *srv,
                           const struct cache_config_pair *pairs, size_t npairs, char *errbuf,
                           size_t errlen);

/* Called once per parameter CONFIG GET reports: name as it is to be replied
 * (for an exact name, as the client spelled it), value its current value.
 * Both borrowed for the duration of the call. */
typedef void (*cache_config_visit_fn)(void *ctx, const char *name, size_t nlen, const char *value,
                                      size_t vlen);

/* One CONFIG GET argument; borrowed, binary-safe. */
struct cache_config_pattern {
    const char *p;
    size_t len;
};

/*
 * CONFIG GET pattern [pattern ...]: visits every parameter matching any of
 * the patterns, each once. An argument without glob characters (* ? [) is an
 * exact, case-insensitive name and may name a hidden parameter; a glob is
 * matched case-insensitively against every non-hidden name and alias. The
 * order is table order (Redis's is its hash table's: clients must not rely on
 * it). Returns how many parameters were visited, or DD_ENOMEM before any
 * visit.
 */
long cache_config_get(struct cache_config *cfg, struct cache_server *srv,
                      const struct cache_config_pattern *pats, size_t npats,
                      cache_config_visit_fn visit, void *ctx);

/*
 * The current value of one parameter as CONFIG GET renders it, into dst
 * (NUL-terminated, truncated to dstlen). Returns the full length, or
 * DD_ENOENT for an unknown name. For INFO and tests.
 */
long cache_config_get_value(struct cache_config *cfg, struct cache_server *srv, const char *name,
                            char *dst, size_t dstlen);

/*
 * --elasticache-defaults: where ElastiCache's default.redis7 parameter group
 * differs from Redis 7.0.15's built-in defaults in a way the emulator can
 * show: maxmemory-policy volatile-lru (AWS documents it as the default).
 * Left out: reserved-memory-percent 25 is ElastiCache's own parameter (it
 * only lowers the node type's maxmemory, which --maxmemory sets here), and
 * the node-type maxmemory and maxclients 65000 could not be confirmed from
 * AWS's pages. Returns 0 or DD_ENOMEM.
 */
int cache_config_apply_elasticache_defaults(struct cache_config *cfg, struct cache_server *srv);

/* CONFIG RESETSTAT: zeroes srv->stats, the keyspace's expired/evicted
 * counters and INFO's per-command and error statistics, as Redis's
 * resetServerStats(), resetCommandTableStats() and resetErrorTableStats(). */
void cache_config_reset_stats(struct cache_server *srv);

/* The INFO statistics (info.h) of the server this config belongs to; they
 * live here until struct cache_server has a field of its own for them.
 * Borrowed from cfg. */
struct cache_info_stats *cache_config_info_stats(struct cache_config *cfg);

/* Number of parameters in the table, aliases counted separately, hidden ones
 * included (for tests). */
size_t cache_config_param_count(void);

#endif
