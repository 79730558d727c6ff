/*
 * cache-emu: an ElastiCache (Redis OSS 7.0) node for one machine.
 *
 * Drydock's own flags (--host, --port, --admin-port, --ready-file,
 * --log-level, --elasticache-defaults) are read here; every other
 * `--<name> <value>` (or `--<name>=<value>`) is a Redis configuration
 * parameter applied through CONFIG's table, exactly as redis-server reads
 * its command line, so `--maxmemory 100mb --maxmemory-policy allkeys-lru`
 * works. DRYDOCK_CACHE_PORT and DRYDOCK_CACHE_ADMIN_PORT are defaults for
 * the two ports.
 */
#include <event2/event.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/config.h"
#include "cache-emu/server_run.h"
#include "common/clock.h"
#include "common/daemon.h"
#include "common/err.h"
#include "common/log.h"
#include "common/loop.h"

static const char usage[] =
    "usage: cache-emu [--port N] [--host ADDR] [--admin-port N] [--ready-file PATH]\n"
    "                 [--log-level debug|info|warn|error] [--elasticache-defaults]\n"
    "                 [--busy-poll-us N]\n"
    "                 [--<redis-config-name> VALUE ...]\n"
    "\n"
    "An ElastiCache (Redis OSS 7.0) node: RESP2/RESP3 on --port (default 6379),\n"
    "/_drydock/ admin HTTP on --admin-port (off unless given; 0 picks a port).\n"
    "Any Redis 7.0 parameter may be given as a flag, e.g. --maxmemory 100mb\n"
    "--maxmemory-policy allkeys-lru --requirepass secret --databases 16.\n"
    "--busy-poll-us: after serving dense traffic, poll this long before sleeping\n"
    "(default 30; 0 always sleeps at once). Env DRYDOCK_CACHE_BUSY_POLL_US.\n";

/* One --name value pair for the Redis config table, borrowed from argv. */
struct pair {
    const char *name;
    size_t nlen;
    const char *value;
};

static void on_stop(void *arg, int signo)
{
    (void)signo;
    event_base_loopbreak(arg);
}

/* A whole decimal number in [lo, hi] into *out; false (and *out untouched)
 * for anything else. */
static bool parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

/* Port flags: 0 picks a free port; -1 (admin only) means none. */
static bool parse_port(const char *s, int *out, bool allow_neg)
{
    return parse_int(s, allow_neg ? -1 : 0, 65535, out);
}

/* Longest --busy-poll-us window: a second of polling is already absurd. */
#define SPIN_US_MAX 1000000

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    const char *ready_file = NULL;
    const char *log_level = "info";
    int port = 6379, admin_port = -1, databases = 16;
    int spin_us = DD_LOOP_SPIN_US_DEFAULT;
    bool ec_defaults = false;
    const char *env_port = getenv("DRYDOCK_CACHE_PORT");
    const char *env_admin = getenv("DRYDOCK_CACHE_ADMIN_PORT");
    if (env_port && !parse_port(env_port, &port, false)) {
        fprintf(stderr, "cache-emu: DRYDOCK_CACHE_PORT: not a port: %s\n", env_port);
        return 2;
    }
    if (env_admin && !parse_port(env_admin, &admin_port, true)) {
        fprintf(stderr, "cache-emu: DRYDOCK_CACHE_ADMIN_PORT: not a port: %s\n", env_admin);
        return 2;
    }
    const char *env_spin = getenv("DRYDOCK_CACHE_BUSY_POLL_US");
    if (env_spin && !parse_int(env_spin, 0, SPIN_US_MAX, &spin_us)) {
        fprintf(stderr, "cache-emu: DRYDOCK_CACHE_BUSY_POLL_US: not 0-1000000: %s\n", env_spin);
        return 2;
    }
    struct pair *pairs = calloc((size_t)argc + 1, sizeof(*pairs));
    size_t npairs = 0;
    if (!pairs)
        return 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            free(pairs);
            return 0;
        }
        if (strcmp(a, "--version") == 0) {
            printf("cache-emu %s (Redis %s)\n", CACHE_EMU_VERSION, CACHE_REDIS_VERSION);
            free(pairs);
            return 0;
        }
        if (strcmp(a, "--elasticache-defaults") == 0) {
            ec_defaults = true;
            continue;
        }
        if (strncmp(a, "--", 2) != 0 || !a[2]) {
            fprintf(stderr, "cache-emu: unexpected argument '%s'\n%s", a, usage);
            free(pairs);
            return 2;
        }
        const char *name = a + 2, *eq = strchr(name, '='), *value;
        size_t nlen;
        if (eq) {
            nlen = (size_t)(eq - name);
            value = eq + 1;
        } else {
            nlen = strlen(name);
            if (i + 1 >= argc) {
                fprintf(stderr, "cache-emu: --%s needs a value\n", name);
                free(pairs);
                return 2;
            }
            value = argv[++i];
        }
#define IS(flag) (nlen == strlen(flag) && strncmp(name, flag, nlen) == 0)
        bool ok = true;
        if (IS("port"))
            ok = parse_port(value, &port, false);
        else if (IS("admin-port"))
            ok = parse_port(value, &admin_port, true);
        else if (IS("host") || IS("bind"))
            host = value;
        else if (IS("ready-file"))
            ready_file = value;
        else if (IS("log-level"))
            log_level = value;
        else if (IS("busy-poll-us"))
            ok = parse_int(value, 0, SPIN_US_MAX, &spin_us);
        else if (IS("databases"))
            ok = parse_int(value, 1, 1000000, &databases);
        else
            pairs[npairs++] = (struct pair){ name, nlen, value };
#undef IS
        if (!ok) {
            fprintf(stderr, "cache-emu: bad value for --%.*s: '%s'\n", (int)nlen, name, value);
            free(pairs);
            return 2;
        }
    }
    enum dd_log_level level;
    if (dd_log_level_parse(log_level, &level) != DD_OK) {
        fprintf(stderr, "cache-emu: bad --log-level '%s'\n", log_level);
        free(pairs);
        return 2;
    }

    struct event_base *base = event_base_new();
    struct dd_clock *clock = dd_clock_new(NULL, NULL);
    struct cache_server *srv = base && clock ? cache_server_new(base, clock, databases) : NULL;
    int rc = 1;
    struct dd_signals *sig = NULL;
    if (!srv) {
        fprintf(stderr, "cache-emu: out of memory\n");
        goto out;
    }
    srv->log.level = level;
    if (ec_defaults && cache_config_apply_elasticache_defaults(srv->config, srv) != DD_OK) {
        fprintf(stderr, "cache-emu: cannot apply the ElastiCache defaults\n");
        goto out;
    }
    for (size_t i = 0; i < npairs; i++) {
        const char *err = NULL;
        if (cache_config_set(srv->config, srv, pairs[i].name, pairs[i].nlen, pairs[i].value,
                             strlen(pairs[i].value), &err) != DD_OK) {
            fprintf(stderr, "cache-emu: --%.*s %s: %s\n", (int)pairs[i].nlen, pairs[i].name,
                    pairs[i].value, err ? err : "invalid");
            rc = 2;
            goto out;
        }
    }
    rc = cache_server_listen(srv, host, port, admin_port);
    if (rc != DD_OK) {
        fprintf(stderr, "cache-emu: cannot listen on %s:%d: %s\n", host, port, dd_strerror(rc));
        rc = 1;
        goto out;
    }
    sig = dd_signals_new(base, on_stop, base);
    if (!sig) {
        rc = 1;
        goto out;
    }
    if (ready_file &&
        dd_ready_file_write(ready_file, srv->port, cache_server_admin_port(srv), NULL) != DD_OK) {
        fprintf(stderr, "cache-emu: cannot write %s\n", ready_file);
        rc = 1;
        goto out;
    }
    dd_log_info(&srv->log, "ready on %s:%d (Redis %s protocol)", host, srv->port,
                CACHE_REDIS_VERSION);
    struct dd_loop_poll poll = { (int64_t)spin_us * 1000, cache_server_activity, srv };
    rc = dd_loop_run(base, &poll, NULL) == DD_OK ? 0 : 1;
out:
    dd_signals_free(sig);
    cache_server_free(srv);
    dd_clock_free(clock);
    if (base)
        event_base_free(base);
    free(pairs);
    return rc;
}
