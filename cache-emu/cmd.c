/*
 * The helpers cmd.h promises to command handlers: replies into the client's
 * output buffer, argument parsing with Redis's texts, and keyspace lookups
 * that keep INFO's hit/miss counters and WATCH right.
 */
#include "cache-emu/cmd.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/command.h"
#include "cache-emu/info.h"
#include "cache-emu/multi.h"
#include "cache-emu/block.h"
#include "common/err.h"

/* Redis's MAX_LONG_DOUBLE_CHARS: longer numbers are refused as not a float. */
#define MAX_NUMBER_CHARS (5 * 1024)

static void mark(struct cache_client *c, int rc)
{
    if (rc != DD_OK)
        c->flags |= CACHE_CLIENT_REPLY_OOM;
}

void cache_reply_ok(struct cache_client *c)
{
    mark(c, dd_buf_append(&c->out, "+OK\r\n", 5));
}

void cache_reply_simple(struct cache_client *c, const char *s)
{
    mark(c, cache_resp_write_simple(&c->out, s, strlen(s)));
}

void cache_reply_error(struct cache_client *c, const char *text)
{
    c->srv->stats.total_error_replies++;
    cache_info_record_error(c->srv, text, strlen(text));
    mark(c, cache_resp_write_error(&c->out, text, strlen(text)));
}

void cache_reply_errorf(struct cache_client *c, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        cache_reply_error(c, "ERR");
        return;
    }
    if ((size_t)n < sizeof(small)) {
        cache_reply_error(c, small);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        mark(c, DD_ENOMEM);
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    cache_reply_error(c, big);
    free(big);
}

void cache_reply_ll(struct cache_client *c, long long v)
{
    mark(c, cache_resp_write_integer(&c->out, v));
}

void cache_reply_bulk(struct cache_client *c, const void *p, size_t len)
{
    mark(c, cache_resp_write_bulk(&c->out, p, len));
}

void cache_reply_bulk_cstr(struct cache_client *c, const char *s)
{
    if (!s)
        cache_reply_null(c);
    else
        cache_reply_bulk(c, s, strlen(s));
}

void cache_reply_bulk_ll(struct cache_client *c, long long v)
{
    mark(c, cache_resp_write_bulk_ll(&c->out, v));
}

void cache_reply_null(struct cache_client *c)
{
    mark(c, cache_resp_write_null(&c->out, c->proto));
}

void cache_reply_null_array(struct cache_client *c)
{
    mark(c, cache_resp_write_null_array(&c->out, c->proto));
}

void cache_reply_array(struct cache_client *c, size_t n)
{
    mark(c, cache_resp_write_array(&c->out, n));
}

void cache_reply_map(struct cache_client *c, size_t n)
{
    mark(c, cache_resp_write_map(&c->out, c->proto, n));
}

void cache_reply_set(struct cache_client *c, size_t n)
{
    mark(c, cache_resp_write_set(&c->out, c->proto, n));
}

void cache_reply_double(struct cache_client *c, double d)
{
    mark(c, cache_resp_write_double(&c->out, c->proto, d));
}

void cache_reply_bool(struct cache_client *c, bool v)
{
    mark(c, cache_resp_write_bool(&c->out, c->proto, v));
}

void cache_reply_verbatim(struct cache_client *c, const char *p, size_t len)
{
    mark(c, cache_resp_write_verbatim(&c->out, c->proto, "txt", p, len));
}

size_t cache_reply_defer(struct cache_client *c)
{
    return c->out.len;
}

/* The header is written at the end and rotated into place: the elements
 * were already written after the handle. */
void cache_reply_defer_set(struct cache_client *c, size_t handle, char kind, size_t n)
{
    size_t before = c->out.len;
    int rc;
    if (kind == 'm')
        rc = cache_resp_write_map(&c->out, c->proto, n);
    else if (kind == 's')
        rc = cache_resp_write_set(&c->out, c->proto, n);
    else
        rc = cache_resp_write_array(&c->out, n);
    if (rc != DD_OK) {
        mark(c, rc);
        return;
    }
    size_t hlen = c->out.len - before;
    char hdr[48];
    if (hlen > sizeof(hdr)) {
        mark(c, DD_ERANGE);
        return;
    }
    memcpy(hdr, c->out.data + before, hlen);
    memmove(c->out.data + handle + hlen, c->out.data + handle, before - handle);
    memcpy(c->out.data + handle, hdr, hlen);
}

void cache_reply_help(struct cache_client *c, const char *cmd, const char *const *lines)
{
    size_t n = 0;
    char first[128];
    while (lines[n])
        n++;
    cache_reply_array(c, n + 3);
    snprintf(first, sizeof(first),
             "%s <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", cmd);
    cache_reply_simple(c, first);
    for (size_t i = 0; i < n; i++)
        cache_reply_simple(c, lines[i]);
    cache_reply_simple(c, "HELP");
    cache_reply_simple(c, "    Prints this help.");
}

void cache_reply_wrongtype(struct cache_client *c)
{
    cache_reply_error(c, "WRONGTYPE Operation against a key holding the wrong kind of value");
}

void cache_reply_syntax(struct cache_client *c)
{
    cache_reply_error(c, "ERR syntax error");
}

void cache_reply_not_int(struct cache_client *c)
{
    cache_reply_error(c, "ERR value is not an integer or out of range");
}

void cache_reply_not_float(struct cache_client *c)
{
    cache_reply_error(c, "ERR value is not a valid float");
}

void cache_reply_arity(struct cache_client *c)
{
    char name[128];
    if (c->cmd)
        cache_command_fullname(c->cmd, name, sizeof(name));
    else
        snprintf(name, sizeof(name), "%.*s", (int)(c->argc ? c->argv[0].len : 0),
                 c->argc ? c->argv[0].ptr : "");
    cache_reply_errorf(c, "ERR wrong number of arguments for '%s' command", name);
}

/* ---- arguments ---- */

bool cache_arg_is(const struct cache_client *c, size_t i, const char *word)
{
    if (i >= c->argc)
        return false;
    size_t n = strlen(word);
    return c->argv[i].len == n && strncasecmp(c->argv[i].ptr, word, n) == 0;
}

bool cache_arg_ll(struct cache_client *c, size_t i, long long *out)
{
    if (i < c->argc && cache_string2ll(c->argv[i].ptr, c->argv[i].len, out))
        return true;
    cache_reply_not_int(c);
    return false;
}

bool cache_arg_ll_range(struct cache_client *c, size_t i, long long min, long long max,
                        const char *msg, long long *out)
{
    long long v;
    if (i >= c->argc || !cache_string2ll(c->argv[i].ptr, c->argv[i].len, &v)) {
        cache_reply_not_int(c);
        return false;
    }
    if (v < min || v > max) {
        if (msg)
            cache_reply_error(c, msg);
        else
            cache_reply_not_int(c);
        return false;
    }
    *out = v;
    return true;
}

bool cache_arg_ll_min(struct cache_client *c, size_t i, long long min, const char *msg,
                      long long *out)
{
    if (i >= c->argc || !cache_string2ll(c->argv[i].ptr, c->argv[i].len, out) || *out < min) {
        cache_reply_error(c, msg);
        return false;
    }
    return true;
}

bool cache_arg_scan_options(struct cache_client *c, size_t first, long long *count,
                            const struct cache_resp_arg **pattern)
{
    *count = 10;
    *pattern = NULL;
    for (size_t i = first; i < c->argc; i += 2) {
        bool has_arg = i + 1 < c->argc;
        if (has_arg && cache_arg_is(c, i, "count")) {
            if (!cache_arg_ll(c, i + 1, count))
                return false;
            if (*count < 1) {
                cache_reply_syntax(c);
                return false;
            }
        } else if (has_arg && cache_arg_is(c, i, "match")) {
            const struct cache_resp_arg *p = &c->argv[i + 1];
            *pattern = p->len == 1 && p->ptr[0] == '*' ? NULL : p;
        } else {
            cache_reply_syntax(c);
            return false;
        }
    }
    return true;
}

/* Redis's string2ld(): the whole argument must be a number strtold reads,
 * with no leading blank, no NaN, and no overflow to infinity. */
static bool parse_long_double(const struct cache_resp_arg *a, long double *out)
{
    char buf[MAX_NUMBER_CHARS];
    if (a->len == 0 || a->len >= sizeof(buf))
        return false;
    memcpy(buf, a->ptr, a->len);
    buf[a->len] = '\0';
    if (isspace((unsigned char)buf[0]))
        return false;
    char *end;
    errno = 0;
    long double v = strtold(buf, &end);
    if (*end != '\0' || (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || v == 0)) ||
        isnan(v))
        return false;
    *out = v;
    return true;
}

/* Redis's string2d(), the same rules with strtod. */
static bool parse_double(const struct cache_resp_arg *a, double *out)
{
    char buf[MAX_NUMBER_CHARS];
    if (a->len == 0 || a->len >= sizeof(buf))
        return false;
    memcpy(buf, a->ptr, a->len);
    buf[a->len] = '\0';
    if (isspace((unsigned char)buf[0]))
        return false;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end != '\0' || (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || v == 0)) ||
        isnan(v))
        return false;
    *out = v;
    return true;
}

bool cache_arg_double(struct cache_client *c, size_t i, double *out)
{
    if (i < c->argc && parse_double(&c->argv[i], out))
        return true;
    cache_reply_not_float(c);
    return false;
}

bool cache_arg_long_double(struct cache_client *c, size_t i, long double *out)
{
    if (i < c->argc && parse_long_double(&c->argv[i], out))
        return true;
    cache_reply_not_float(c);
    return false;
}

bool cache_arg_timeout(struct cache_client *c, size_t i, int64_t *deadline_ms)
{
    long double secs;
    if (i >= c->argc || !parse_long_double(&c->argv[i], &secs)) {
        cache_reply_error(c, "ERR timeout is not a float or out of range");
        return false;
    }
    /* Redis 7.0.15 rounds up to whole ms, and a product past the long long
     * range converts to LLONG_MIN on x86, so it answers "negative" there
     * (as it does for inf). A huge positive deadline saturates. */
    long double ms = ceill(secs * 1000.0L);
    long long tval;
    if (!(ms < 9223372036854775808.0L) || ms < -9223372036854775808.0L)
        tval = LLONG_MIN;
    else
        tval = (long long)ms;
    if (tval < 0) {
        cache_reply_error(c, "ERR timeout is negative");
        return false;
    }
    int64_t now = cache_now_ms(c->srv);
    if (tval == 0)
        *deadline_ms = 0;
    else
        *deadline_ms = tval > LLONG_MAX - now ? LLONG_MAX : now + tval;
    return true;
}

/* ---- keyspace ---- */

struct cache_obj *cache_lookup_read(struct cache_client *c, const struct cache_resp_arg *key)
{
    struct cache_obj *o = cache_db_lookup(c->db, key->ptr, key->len, cache_now_ms(c->srv));
    if (o)
        c->srv->stats.keyspace_hits++;
    else
        c->srv->stats.keyspace_misses++;
    return o;
}

struct cache_obj *cache_lookup_write(struct cache_client *c, const struct cache_resp_arg *key)
{
    return cache_db_lookup(c->db, key->ptr, key->len, cache_now_ms(c->srv));
}

struct cache_obj *cache_lookup_blocked(struct cache_client *c, const struct cache_resp_arg *key,
                                       enum cache_type t)
{
    struct cache_obj *o = cache_lookup_write(c, key);
    if (o && o->type != t && (c->flags & CACHE_CLIENT_REPLAY))
        return NULL;
    return o;
}

bool cache_check_type(struct cache_client *c, const struct cache_obj *obj, enum cache_type t)
{
    if (!obj || obj->type == t)
        return true;
    cache_reply_wrongtype(c);
    return false;
}

void cache_signal_modified(struct cache_client *c, const struct cache_resp_arg *key)
{
    cache_multi_touch_key(c->srv, c->db, key->ptr, key->len);
}

void cache_signal_key_ready(struct cache_client *c, const struct cache_resp_arg *key)
{
    cache_block_signal_ready(c->srv, c->db, key->ptr, key->len);
}

int cache_block_client(struct cache_client *c, const struct cache_resp_arg *keys, size_t nkeys,
                       int64_t deadline_ms)
{
    if (c->flags & CACHE_CLIENT_IN_EXEC) {
        cache_reply_null_array(c);
        return DD_OK;
    }
    return cache_block_start(c, keys, nkeys, deadline_ms);
}
