/*
 * The hash commands (HSET ... HSCAN): argument parsing, key lookup and the
 * replies, with Redis 7.0's exact texts, reply types per protocol and order
 * of checks (which error wins when several apply). The data structure and
 * its encoding rule are t_hash.c's; this file only drives it.
 *
 * Keys: a hash is created by the first write that needs one and deleted by
 * the write that empties it, so no empty hash is ever visible. A stored
 * object's address may move when its database changes, so a handler never
 * keeps one across a cache_db_* call that changes the database.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/cmd.h"
#include "cache-emu/command.h"
#include "cache-emu/t_hash.h"
#include "cache-emu/t_string.h"
#include "common/err.h"

int cache_cmd_hset(struct cache_client *c);
int cache_cmd_hmset(struct cache_client *c);
int cache_cmd_hsetnx(struct cache_client *c);
int cache_cmd_hget(struct cache_client *c);
int cache_cmd_hmget(struct cache_client *c);
int cache_cmd_hgetall(struct cache_client *c);
int cache_cmd_hkeys(struct cache_client *c);
int cache_cmd_hvals(struct cache_client *c);
int cache_cmd_hdel(struct cache_client *c);
int cache_cmd_hexists(struct cache_client *c);
int cache_cmd_hlen(struct cache_client *c);
int cache_cmd_hstrlen(struct cache_client *c);
int cache_cmd_hincrby(struct cache_client *c);
int cache_cmd_hincrbyfloat(struct cache_client *c);
int cache_cmd_hrandfield(struct cache_client *c);
int cache_cmd_hscan(struct cache_client *c);

static struct cache_keyspace *ks_of(struct cache_client *c)
{
    return c->srv->ks;
}

static const struct cache_settings *settings_of(struct cache_client *c)
{
    return &c->srv->opts.settings;
}

/* A hash to write to at argv[1]: the stored one, or a new one the caller
 * fills and then stores with store_new(). NULL after replying WRONGTYPE
 * (*rc 0) or when out of memory (*rc DD_ENOMEM). */
static struct cache_obj *hash_for_write(struct cache_client *c, bool *created, int *rc)
{
    *rc = DD_OK;
    struct cache_obj *o = cache_lookup_write(c, &c->argv[1]);
    if (!cache_check_type(c, o, CACHE_TYPE_HASH))
        return NULL;
    *created = o == NULL;
    if (!o) {
        o = cache_hash_obj_new(ks_of(c));
        if (!o)
            *rc = DD_ENOMEM;
    }
    return o;
}

/* Stores a hash made by hash_for_write() (freed on failure). */
static int store_new(struct cache_client *c, struct cache_obj *o)
{
    const struct cache_resp_arg *k = &c->argv[1];
    int rc = cache_db_add(c->db, k->ptr, k->len, o, cache_now_ms(c->srv), NULL);
    if (rc != DD_OK)
        cache_obj_free(ks_of(c), o);
    return rc;
}

/* Ends a write: stores a new hash, or drops an existing one left empty. */
static int finish_write(struct cache_client *c, struct cache_obj *o, bool created)
{
    if (created) {
        if (cache_hash_len(o->ptr) == 0) {
            cache_obj_free(ks_of(c), o);
            return DD_OK;
        }
        return store_new(c, o);
    }
    return DD_OK;
}

/* ---- HSET / HMSET / HSETNX ---- */

static int hset_generic(struct cache_client *c, bool hmset)
{
    if (c->argc % 2 == 1) {
        cache_reply_arity(c);
        return DD_OK;
    }
    bool created;
    int rc;
    struct cache_obj *o = hash_for_write(c, &created, &rc);
    if (!o)
        return rc;
    /* hashTypeTryConversion: one over-long argument converts before any set. */
    size_t longest = 0;
    for (size_t i = 2; i < c->argc; i++)
        if (c->argv[i].len > longest)
            longest = c->argv[i].len;
    rc = cache_hash_fit(ks_of(c), o->ptr, settings_of(c), longest);
    long long added = 0;
    for (size_t i = 2; rc == DD_OK && i < c->argc; i += 2) {
        int r = cache_hash_set(ks_of(c), o->ptr, settings_of(c), c->argv[i].ptr, c->argv[i].len,
                               c->argv[i + 1].ptr, c->argv[i + 1].len);
        if (r < 0)
            rc = r;
        else
            added += r;
    }
    if (rc != DD_OK) {
        if (created)
            cache_obj_free(ks_of(c), o);
        return rc;
    }
    rc = finish_write(c, o, created);
    if (rc != DD_OK)
        return rc;
    cache_signal_modified(c, &c->argv[1]);
    if (hmset)
        cache_reply_ok(c);
    else
        cache_reply_ll(c, added);
    return DD_OK;
}

int cache_cmd_hset(struct cache_client *c)
{
    return hset_generic(c, false);
}

int cache_cmd_hmset(struct cache_client *c)
{
    return hset_generic(c, true);
}

int cache_cmd_hsetnx(struct cache_client *c)
{
    bool created;
    int rc;
    struct cache_obj *o = hash_for_write(c, &created, &rc);
    if (!o)
        return rc;
    const struct cache_resp_arg *f = &c->argv[2], *v = &c->argv[3];
    if (!created && cache_hash_get(o->ptr, f->ptr, f->len, NULL, NULL)) {
        cache_reply_ll(c, 0);
        return DD_OK;
    }
    rc = cache_hash_set(ks_of(c), o->ptr, settings_of(c), f->ptr, f->len, v->ptr, v->len);
    if (rc < 0) {
        if (created)
            cache_obj_free(ks_of(c), o);
        return rc;
    }
    rc = finish_write(c, o, created);
    if (rc != DD_OK)
        return rc;
    cache_signal_modified(c, &c->argv[1]);
    cache_reply_ll(c, 1);
    return DD_OK;
}

/* ---- reads ---- */

/* The hash at argv[1] for a read, or NULL: absent (the caller replies) or
 * after replying WRONGTYPE (*wrong set). */
static struct cache_obj *hash_for_read(struct cache_client *c, bool *wrong)
{
    struct cache_obj *o = cache_lookup_read(c, &c->argv[1]);
    *wrong = !cache_check_type(c, o, CACHE_TYPE_HASH);
    return *wrong ? NULL : o;
}

int cache_cmd_hget(struct cache_client *c)
{
    bool wrong;
    struct cache_obj *o = hash_for_read(c, &wrong);
    if (wrong)
        return DD_OK;
    const unsigned char *v;
    size_t vlen;
    if (o && cache_hash_get(o->ptr, c->argv[2].ptr, c->argv[2].len, &v, &vlen))
        cache_reply_bulk(c, v, vlen);
    else
        cache_reply_null(c);
    return DD_OK;
}

int cache_cmd_hmget(struct cache_client *c)
{
    bool wrong;
    struct cache_obj *o = hash_for_read(c, &wrong);
    if (wrong)
        return DD_OK;
    cache_reply_array(c, c->argc - 2);
    for (size_t i = 2; i < c->argc; i++) {
        const unsigned char *v;
        size_t vlen;
        if (o && cache_hash_get(o->ptr, c->argv[i].ptr, c->argv[i].len, &v, &vlen))
            cache_reply_bulk(c, v, vlen);
        else
            cache_reply_null(c);
    }
    return DD_OK;
}

enum getall_what { GET_KEYS = 1, GET_VALS = 2 };

/* HGETALL (a map in RESP3), HKEYS, HVALS: the whole hash in its order. */
static int getall_generic(struct cache_client *c, int what)
{
    bool wrong;
    struct cache_obj *o = hash_for_read(c, &wrong);
    if (wrong)
        return DD_OK;
    size_t n = o ? cache_hash_len(o->ptr) : 0;
    if (what == (GET_KEYS | GET_VALS))
        cache_reply_map(c, n);
    else
        cache_reply_array(c, n);
    if (!o)
        return DD_OK;
    struct cache_hash_iter it;
    const unsigned char *f, *v;
    size_t flen, vlen;
    cache_hash_iter_init(&it, o->ptr);
    while (cache_hash_iter_next(&it, &f, &flen, &v, &vlen)) {
        if (what & GET_KEYS)
            cache_reply_bulk(c, f, flen);
        if (what & GET_VALS)
            cache_reply_bulk(c, v, vlen);
    }
    return DD_OK;
}

int cache_cmd_hgetall(struct cache_client *c)
{
    return getall_generic(c, GET_KEYS | GET_VALS);
}

int cache_cmd_hkeys(struct cache_client *c)
{
    return getall_generic(c, GET_KEYS);
}

int cache_cmd_hvals(struct cache_client *c)
{
    return getall_generic(c, GET_VALS);
}

int cache_cmd_hexists(struct cache_client *c)
{
    bool wrong;
    struct cache_obj *o = hash_for_read(c, &wrong);
    if (wrong)
        return DD_OK;
    bool found = o && cache_hash_get(o->ptr, c->argv[2].ptr, c->argv[2].len, NULL, NULL);
    cache_reply_ll(c, found ? 1 : 0);
    return DD_OK;
}

int cache_cmd_hlen(struct cache_client *c)
{
    bool wrong;
    struct cache_obj *o = hash_for_read(c, &wrong);
    if (wrong)
        return DD_OK;
    cache_reply_ll(c, o ? (long long)cache_hash_len(o->ptr) : 0);
    return DD_OK;
}

int cache_cmd_hstrlen(struct cache_client *c)
{
    bool wrong;
    struct cache_obj *o = hash_for_read(c, &wrong);
    if (wrong)
        return DD_OK;
    size_t vlen = 0;
    if (!o || !cache_hash_get(o->ptr, c->argv[2].ptr, c->argv[2].len, NULL, &vlen))
        vlen = 0;
    cache_reply_ll(c, (long long)vlen);
    return DD_OK;
}

/* ---- HDEL ---- */

int cache_cmd_hdel(struct cache_client *c)
{
    struct cache_obj *o = cache_lookup_write(c, &c->argv[1]);
    if (!cache_check_type(c, o, CACHE_TYPE_HASH))
        return DD_OK;
    long long deleted = 0;
    bool removed = false;
    for (size_t i = 2; o && i < c->argc; i++) {
        if (cache_hash_del(ks_of(c), o->ptr, c->argv[i].ptr, c->argv[i].len) == 1) {
            deleted++;
            if (cache_hash_len(o->ptr) == 0) {
                (void)cache_db_delete(c->db, c->argv[1].ptr, c->argv[1].len, cache_now_ms(c->srv));
                removed = true;
                break;
            }
        }
    }
    if (deleted && !removed)
        cache_signal_modified(c, &c->argv[1]);
    cache_reply_ll(c, deleted);
    return DD_OK;
}

/* ---- HINCRBY / HINCRBYFLOAT ---- */

int cache_cmd_hincrby(struct cache_client *c)
{
    long long incr;
    if (!cache_arg_ll(c, 3, &incr))
        return DD_OK;
    bool created;
    int rc;
    struct cache_obj *o = hash_for_write(c, &created, &rc);
    if (!o)
        return rc;
    const struct cache_resp_arg *f = &c->argv[2];
    const unsigned char *v;
    size_t vlen;
    long long old = 0;
    if (cache_hash_get(o->ptr, f->ptr, f->len, &v, &vlen) &&
        !cache_string_to_ll((const char *)v, vlen, &old)) {
        if (created)
            cache_obj_free(ks_of(c), o);
        cache_reply_error(c, "ERR hash value is not an integer");
        return DD_OK;
    }
    if ((incr < 0 && old < 0 && incr < LLONG_MIN - old) ||
        (incr > 0 && old > 0 && incr > LLONG_MAX - old)) {
        if (created)
            cache_obj_free(ks_of(c), o);
        cache_reply_error(c, "ERR increment or decrement would overflow");
        return DD_OK;
    }
    long long nv = old + incr;
    char buf[CACHE_STRING_LL_MAX];
    size_t n = cache_string_from_ll(buf, sizeof(buf), nv);
    rc = cache_hash_set(ks_of(c), o->ptr, settings_of(c), f->ptr, f->len, buf, n);
    if (rc < 0) {
        if (created)
            cache_obj_free(ks_of(c), o);
        return rc;
    }
    rc = finish_write(c, o, created);
    if (rc != DD_OK)
        return rc;
    cache_signal_modified(c, &c->argv[1]);
    cache_reply_ll(c, nv);
    return DD_OK;
}

int cache_cmd_hincrbyfloat(struct cache_client *c)
{
    long double incr;
    if (!cache_arg_long_double(c, 3, &incr))
        return DD_OK;
    if (isnan(incr) || isinf(incr)) {
        cache_reply_error(c, "ERR value is NaN or Infinity");
        return DD_OK;
    }
    bool created;
    int rc;
    struct cache_obj *o = hash_for_write(c, &created, &rc);
    if (!o)
        return rc;
    const struct cache_resp_arg *f = &c->argv[2];
    const unsigned char *v;
    size_t vlen;
    long double old = 0;
    if (cache_hash_get(o->ptr, f->ptr, f->len, &v, &vlen) &&
        !cache_string_to_long_double((const char *)v, vlen, &old)) {
        if (created)
            cache_obj_free(ks_of(c), o);
        cache_reply_error(c, "ERR hash value is not a float");
        return DD_OK;
    }
    long double nv = old + incr;
    if (isnan(nv) || isinf(nv)) {
        if (created)
            cache_obj_free(ks_of(c), o);
        cache_reply_error(c, "ERR increment would produce NaN or Infinity");
        return DD_OK;
    }
    char *buf = malloc(CACHE_STRING_LD_MAX);
    if (!buf) {
        if (created)
            cache_obj_free(ks_of(c), o);
        return DD_ENOMEM;
    }
    size_t n = cache_string_from_long_double(buf, CACHE_STRING_LD_MAX, nv);
    rc = cache_hash_set(ks_of(c), o->ptr, settings_of(c), f->ptr, f->len, buf, n);
    if (rc >= 0)
        rc = finish_write(c, o, created);
    else if (created)
        cache_obj_free(ks_of(c), o);
    if (rc == DD_OK) {
        cache_signal_modified(c, &c->argv[1]);
        cache_reply_bulk(c, buf, n);
    }
    free(buf);
    return rc;
}

/* ---- HRANDFIELD ---- */

/* Pending output past which a reply of repeated random picks gives up. */
#define REPLY_GUARD_BYTES ((size_t)1 << 30)

struct rand_ctx {
    struct cache_client *c; /* replying client */
    bool withvalues;        /* WITHVALUES given */
};

static void rand_reply(void *p, const unsigned char *f, size_t flen, const unsigned char *v,
                       size_t vlen)
{
    struct rand_ctx *r = p;
    if (r->withvalues && r->c->proto == CACHE_RESP3)
        cache_reply_array(r->c, 2);
    cache_reply_bulk(r->c, f, flen);
    if (r->withvalues)
        cache_reply_bulk(r->c, v, vlen);
}

/* The reply's array length for n picks: RESP2 flattens pairs. */
static size_t rand_len(const struct rand_ctx *r, size_t n)
{
    return r->withvalues && r->c->proto != CACHE_RESP3 ? n * 2 : n;
}

static int hrandfield_count(struct cache_client *c)
{
    long long l;
    if (!cache_arg_ll(c, 2, &l))
        return DD_OK;
    if (l == LLONG_MIN) {
        cache_reply_error(c, "ERR value is out of range, value must between "
                             "-9223372036854775807 and 9223372036854775807");
        return DD_OK;
    }
    struct rand_ctx r = { c, false };
    if (c->argc == 4 && cache_arg_is(c, 3, "withvalues")) {
        r.withvalues = true;
        /* The reply would have 2*|count| entries: keep that representable. */
        if (l < -(LLONG_MAX / 2) || l > LLONG_MAX / 2) {
            cache_reply_error(c, "ERR value is out of range");
            return DD_OK;
        }
    } else if (c->argc >= 4) {
        cache_reply_syntax(c);
        return DD_OK;
    }
    struct cache_obj *o = cache_lookup_read(c, &c->argv[1]);
    if (!o) {
        cache_reply_array(c, 0);
        return DD_OK;
    }
    if (!cache_check_type(c, o, CACHE_TYPE_HASH))
        return DD_OK;
    size_t size = cache_hash_len(o->ptr);
    if (l == 0) {
        cache_reply_array(c, 0);
        return DD_OK;
    }
    if (l < 0) {
        size_t count = (size_t)(-l);
        cache_reply_array(c, rand_len(&r, count));
        /* Redis writes a reply of any size here and is OOM-killed for a
         * huge count; past REPLY_GUARD_BYTES of pending output the client
         * is dropped instead, as past an output buffer limit. */
        while (count) {
            size_t chunk = count < 1024 ? count : 1024;
            cache_hash_random_repeat(o->ptr, chunk, rand_reply, &r);
            count -= chunk;
            if (count && c->out.len > REPLY_GUARD_BYTES) {
                c->flags |= CACHE_CLIENT_REPLY_OOM;
                break;
            }
        }
        return DD_OK;
    }
    size_t count = (size_t)l;
    if (count >= size) {
        /* The whole hash, in its order (insertion order for a listpack). */
        cache_reply_array(c, rand_len(&r, size));
        struct cache_hash_iter it;
        const unsigned char *f, *v;
        size_t flen, vlen;
        cache_hash_iter_init(&it, o->ptr);
        while (cache_hash_iter_next(&it, &f, &flen, &v, &vlen))
            rand_reply(&r, f, flen, v, vlen);
        return DD_OK;
    }
    size_t handle = cache_reply_defer(c);
    int rc = cache_hash_random_distinct(o->ptr, count, rand_reply, &r);
    if (rc != DD_OK)
        return rc;
    cache_reply_defer_set(c, handle, 'a', rand_len(&r, count));
    return DD_OK;
}

int cache_cmd_hrandfield(struct cache_client *c)
{
    if (c->argc >= 3)
        return hrandfield_count(c);
    bool wrong;
    struct cache_obj *o = hash_for_read(c, &wrong);
    if (wrong)
        return DD_OK;
    const unsigned char *f, *v;
    size_t flen, vlen;
    if (o && cache_hash_random(o->ptr, &f, &flen, &v, &vlen))
        cache_reply_bulk(c, f, flen);
    else
        cache_reply_null(c);
    return DD_OK;
}

/* ---- HSCAN ---- */

/* A field seen by the scan step; pointers into the hash, which does not
 * change before the reply is written. */
struct scan_item {
    const unsigned char *f; /* field bytes */
    size_t flen;            /* field length */
    const unsigned char *v; /* value bytes */
    size_t vlen;            /* value length */
};

struct scan_ctx {
    struct scan_item *items; /* seen fields, plain malloc */
    size_t n, cap;           /* used, allocated */
    bool oom;                /* an append failed */
};

static void scan_collect(void *p, const unsigned char *f, size_t flen, const unsigned char *v,
                         size_t vlen)
{
    struct scan_ctx *sc = p;
    if (sc->oom)
        return;
    if (sc->n == sc->cap) {
        size_t ncap = sc->cap ? sc->cap * 2 : 16;
        struct scan_item *ni = realloc(sc->items, ncap * sizeof(*ni));
        if (!ni) {
            sc->oom = true;
            return;
        }
        sc->items = ni;
        sc->cap = ncap;
    }
    sc->items[sc->n++] = (struct scan_item){ f, flen, v, vlen };
}

int cache_cmd_hscan(struct cache_client *c)
{
    uint64_t cursor;
    int crc = cache_hs_parse_cursor(c->argv[2].ptr, c->argv[2].len, &cursor);
    if (crc == DD_ENOMEM)
        return crc;
    if (crc != DD_OK) {
        cache_reply_error(c, "ERR invalid cursor");
        return DD_OK;
    }
    struct cache_obj *o = cache_lookup_read(c, &c->argv[1]);
    if (!o) {
        cache_reply_array(c, 2);
        cache_reply_bulk(c, "0", 1);
        cache_reply_array(c, 0);
        return DD_OK;
    }
    if (!cache_check_type(c, o, CACHE_TYPE_HASH))
        return DD_OK;
    long long count;
    const struct cache_resp_arg *pat;
    if (!cache_arg_scan_options(c, 3, &count, &pat))
        return DD_OK;
    struct scan_ctx sc = { NULL, 0, 0, false };
    uint64_t next = cache_hash_scan(o->ptr, cursor, (size_t)count, scan_collect, &sc);
    if (sc.oom) {
        free(sc.items);
        return DD_ENOMEM;
    }
    size_t keep = 0;
    for (size_t i = 0; i < sc.n; i++)
        if (!pat || cache_glob_match(pat->ptr, pat->len, (const char *)sc.items[i].f,
                                     sc.items[i].flen, false))
            sc.items[keep++] = sc.items[i];
    cache_reply_array(c, 2);
    cache_reply_bulk_ll(c, (long long)next);
    cache_reply_array(c, keep * 2);
    for (size_t i = 0; i < keep; i++) {
        cache_reply_bulk(c, sc.items[i].f, sc.items[i].flen);
        cache_reply_bulk(c, sc.items[i].v, sc.items[i].vlen);
    }
    free(sc.items);
    return DD_OK;
}

/* ---- the table ---- */

#define W   CACHE_CMD_WRITE
#define R   CACHE_CMD_READONLY
#define DOM CACHE_CMD_DENYOOM
#define F   CACHE_CMD_FAST

const struct cache_command cache_cmds_hash[] = {
    { "hset", -4, W | DOM | F, cache_cmd_hset, 1, 1, 1, "hash", "2.0.0",
      "Set the string value of a hash field", "write hash fast", NULL },
    { "hsetnx", 4, W | DOM | F, cache_cmd_hsetnx, 1, 1, 1, "hash", "2.0.0",
      "Set the value of a hash field, only if the field does not exist", "write hash fast", NULL },
    { "hget", 3, R | F, cache_cmd_hget, 1, 1, 1, "hash", "2.0.0", "Get the value of a hash field",
      "read hash fast", NULL },
    { "hmget", -3, R | F, cache_cmd_hmget, 1, 1, 1, "hash", "2.0.0",
      "Get the values of all the given hash fields", "read hash fast", NULL },
    { "hmset", -4, W | DOM | F, cache_cmd_hmset, 1, 1, 1, "hash", "2.0.0",
      "Set multiple hash fields to multiple values", "write hash fast", NULL },
    { "hgetall", 2, R, cache_cmd_hgetall, 1, 1, 1, "hash", "2.0.0",
      "Get all the fields and values in a hash", "read hash slow", NULL },
    { "hdel", -3, W | F, cache_cmd_hdel, 1, 1, 1, "hash", "2.0.0", "Delete one or more hash fields",
      "write hash fast", NULL },
    { "hexists", 3, R | F, cache_cmd_hexists, 1, 1, 1, "hash", "2.0.0",
      "Determine if a hash field exists", "read hash fast", NULL },
    { "hlen", 2, R | F, cache_cmd_hlen, 1, 1, 1, "hash", "2.0.0",
      "Get the number of fields in a hash", "read hash fast", NULL },
    { "hkeys", 2, R, cache_cmd_hkeys, 1, 1, 1, "hash", "2.0.0", "Get all the fields in a hash",
      "read hash slow", NULL },
    { "hvals", 2, R, cache_cmd_hvals, 1, 1, 1, "hash", "2.0.0", "Get all the values in a hash",
      "read hash slow", NULL },
    { "hincrby", 4, W | DOM | F, cache_cmd_hincrby, 1, 1, 1, "hash", "2.0.0",
      "Increment the integer value of a hash field by the given number", "write hash fast", NULL },
    { "hincrbyfloat", 4, W | DOM | F, cache_cmd_hincrbyfloat, 1, 1, 1, "hash", "2.6.0",
      "Increment the float value of a hash field by the given amount", "write hash fast", NULL },
    { "hstrlen", 3, R | F, cache_cmd_hstrlen, 1, 1, 1, "hash", "3.2.0",
      "Get the length of the value of a hash field", "read hash fast", NULL },
    { "hrandfield", -2, R, cache_cmd_hrandfield, 1, 1, 1, "hash", "6.2.0",
      "Get one or multiple random fields from a hash", "read hash slow", NULL },
    { "hscan", -3, R, cache_cmd_hscan, 1, 1, 1, "hash", "2.8.0",
      "Incrementally iterate hash fields and associated values", "read hash slow", NULL },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL },
};
