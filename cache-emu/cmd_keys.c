/*
 * The generic keyspace commands (Redis's db.c, expire.c and object.c
 * commands): DEL, EXISTS, TYPE, KEYS, SCAN, RENAME, COPY, RANDOMKEY, TOUCH,
 * OBJECT, and the TTL family, with Redis 7.0's argument order, error texts
 * and lookup semantics.
 *
 * Which lookup a command uses matters beyond the reply: reads count
 * keyspace_hits/misses and refresh the key's LRU/LFU stamp, and some reads
 * (EXISTS, TYPE, TTL and friends, OBJECT) count without refreshing, as
 * Redis's LOOKUP_NOTOUCH reads do, so OBJECT IDLETIME is not reset by them.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/cmd.h"
#include "cache-emu/command.h"
#include "cache-emu/db.h"
#include "cache-emu/evict.h"
#include "cache-emu/expire.h"
#include "cache-emu/server.h"
#include "cache-emu/t_hash.h"
#include "cache-emu/t_list.h"
#include "cache-emu/t_set.h"
#include "cache-emu/t_string.h"
#include "cache-emu/t_zset.h"
#include "common/buf.h"
#include "common/err.h"

/* ---- helpers ---- */

/* lookupKeyReadWithFlags(LOOKUP_NOTOUCH): counted as a read, the access
 * stamp left alone. Borrowed result, NULL when absent. */
static struct cache_obj *lookup_read_notouch(struct cache_client *c,
                                             const struct cache_resp_arg *key)
{
    struct cache_obj *o = cache_db_lookup_flags(c->db, key->ptr, key->len, cache_now_ms(c->srv),
                                                CACHE_LOOKUP_NOTOUCH);
    if (o)
        c->srv->stats.keyspace_hits++;
    else
        c->srv->stats.keyspace_misses++;
    return o;
}

/* Redis compares option words as C strings (strcasecmp on the sds): the
 * argument's bytes up to its first NUL must equal word (lower case). */
static bool opt_is(const struct cache_resp_arg *a, const char *word)
{
    for (size_t i = 0;; i++) {
        char ch = i < a->len ? a->ptr[i] : '\0';
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch + 32);
        if (ch != word[i])
            return false;
        if (ch == '\0')
            return true;
    }
}

static bool arg_eq(const struct cache_resp_arg *a, const struct cache_resp_arg *b)
{
    return a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0;
}

/* TYPE's name of a value type. */
static const char *type_name(enum cache_type t)
{
    switch (t) {
    case CACHE_TYPE_STRING:
        return "string";
    case CACHE_TYPE_LIST:
        return "list";
    case CACHE_TYPE_SET:
        return "set";
    case CACHE_TYPE_ZSET:
        return "zset";
    case CACHE_TYPE_HASH:
        return "hash";
    }
    return "none";
}

/* "ERR invalid expire time in '<cmd>' command". */
static void reply_invalid_expire(struct cache_client *c)
{
    char name[64] = "expire";
    if (c->cmd)
        cache_command_fullname(c->cmd, name, sizeof(name));
    cache_reply_errorf(c, "ERR invalid expire time in '%s' command", name);
}

static bool policy_is_lfu(enum cache_evict_policy p)
{
    return p == CACHE_EVICT_ALLKEYS_LFU || p == CACHE_EVICT_VOLATILE_LFU;
}

static bool policy_is_lru(enum cache_evict_policy p)
{
    return p == CACHE_EVICT_ALLKEYS_LRU || p == CACHE_EVICT_VOLATILE_LRU;
}

/* ---- DEL, UNLINK, EXISTS, TOUCH, TYPE ---- */

/* DEL and UNLINK: UNLINK frees in the background in Redis; here both free
 * at once, which no client can tell apart. Duplicates count once. */
static int cache_cmd_del(struct cache_client *c)
{
    int64_t now = cache_now_ms(c->srv);
    long long n = 0;
    for (size_t j = 1; j < c->argc; j++) {
        const struct cache_resp_arg *k = &c->argv[j];
        cache_expire_if_needed(c->db, k->ptr, k->len, now);
        if (cache_db_delete(c->db, k->ptr, k->len, now) == DD_OK)
            n++;
    }
    cache_reply_ll(c, n);
    return DD_OK;
}

/* EXISTS counts a key once per time it is named. */
static int cache_cmd_exists(struct cache_client *c)
{
    long long n = 0;
    for (size_t j = 1; j < c->argc; j++)
        if (lookup_read_notouch(c, &c->argv[j]))
            n++;
    cache_reply_ll(c, n);
    return DD_OK;
}

static int cache_cmd_touch(struct cache_client *c)
{
    long long n = 0;
    for (size_t j = 1; j < c->argc; j++)
        if (cache_lookup_read(c, &c->argv[j]))
            n++;
    cache_reply_ll(c, n);
    return DD_OK;
}

static int cache_cmd_type(struct cache_client *c)
{
    struct cache_obj *o = lookup_read_notouch(c, &c->argv[1]);
    cache_reply_simple(c, o ? type_name(o->type) : "none");
    return DD_OK;
}

/* ---- KEYS and SCAN ---- */

struct keys_ctx {
    struct cache_client *c;
    const char *pat;
    size_t plen;
    bool all; /* pattern is exactly "*" */
    size_t n; /* keys replied */
};

static void keys_one(void *ctx, const void *key, size_t klen, struct cache_obj *obj)
{
    struct keys_ctx *k = ctx;
    (void)obj;
    if (!k->all && !cache_glob_match(k->pat, k->plen, key, klen, false))
        return;
    cache_reply_bulk(k->c, key, klen);
    k->n++;
}

/* KEYS: one whole walk of the table; nothing changes the table meanwhile,
 * so every key is met exactly once. Expired keys are skipped, not reclaimed. */
static int cache_cmd_keys(struct cache_client *c)
{
    struct keys_ctx k = { c, c->argv[1].ptr, c->argv[1].len, false, 0 };
    k.all = k.plen == 1 && k.pat[0] == '*';
    size_t handle = cache_reply_defer(c);
    int64_t now = cache_now_ms(c->srv);
    uint64_t cursor = 0;
    do {
        cursor = cache_db_scan(c->db, cursor, SIZE_MAX / 2, now, keys_one, &k);
    } while (cursor != 0);
    cache_reply_defer_set(c, handle, 'a', k.n);
    return DD_OK;
}

/* parseScanCursorOrReply(): strtoul() over the argument as a C string, so
 * "" is 0, "-1" wraps to the largest cursor, and "1\0x" reads as 1; a
 * leading space, trailing junk or overflow is "ERR invalid cursor". */
static bool parse_scan_cursor(struct cache_client *c, const struct cache_resp_arg *a, uint64_t *out)
{
    const char *nul = memchr(a->ptr, '\0', a->len);
    size_t n = nul ? (size_t)(nul - a->ptr) : a->len;
    char small[64];
    char *buf = n < sizeof(small) ? small : malloc(n + 1);
    if (!buf) {
        cache_reply_error(c, "ERR invalid cursor");
        return false;
    }
    memcpy(buf, a->ptr, n);
    buf[n] = '\0';
    char *end;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    bool ok = !isspace((unsigned char)buf[0]) && *end == '\0' && errno != ERANGE;
    if (buf != small)
        free(buf);
    if (!ok) {
        cache_reply_error(c, "ERR invalid cursor");
        return false;
    }
    *out = v;
    return true;
}

struct scan_key {
    const void *key; /* borrowed from the table; nothing changes it during the command */
    size_t klen;
};

struct scan_ctx {
    struct cache_client *c;
    int64_t now;     /* the command's time */
    const char *pat; /* NULL: no MATCH (or MATCH *) */
    size_t plen;
    const struct cache_resp_arg *type; /* TYPE argument, or NULL */
    struct scan_key *keys;             /* keys to reply, malloc'd: request-scoped */
    size_t n, cap;
    struct dd_buf dead; /* expired keys met, as (size_t len, bytes) records */
    bool oom;
};

static bool scan_push(struct scan_ctx *s, const void *key, size_t klen)
{
    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 16;
        struct scan_key *nk = realloc(s->keys, ncap * sizeof(*nk));
        if (!nk)
            return false;
        s->keys = nk;
        s->cap = ncap;
    }
    s->keys[s->n].key = key;
    s->keys[s->n].klen = klen;
    s->n++;
    return true;
}

/*
 * Redis filters the keys of a step in this order: MATCH; then TYPE, which is
 * a counted read of each candidate (a miss, and the key reclaimed, when it
 * has expired); then expiry, reclaiming the key. The db is asked for expired
 * keys too (they count towards COUNT in Redis as well) and they are
 * reclaimed once the step is over, since the walk must not change the table.
 */
static void scan_one(void *ctx, const void *key, size_t klen, struct cache_obj *obj)
{
    struct scan_ctx *s = ctx;
    struct cache_client *c = s->c;
    if (s->pat && !cache_glob_match(s->pat, s->plen, key, klen, false))
        return;
    int64_t when = cache_expire_get(c->db, key, klen);
    if (when != -1 && when <= s->now) {
        if (s->type)
            c->srv->stats.keyspace_misses++;
        if (dd_buf_append(&s->dead, &klen, sizeof(klen)) != DD_OK ||
            dd_buf_append(&s->dead, key, klen) != DD_OK)
            s->oom = true;
        return;
    }
    if (s->type) {
        c->srv->stats.keyspace_hits++;
        if (!opt_is(s->type, type_name(obj->type)))
            return;
    }
    if (!scan_push(s, key, klen))
        s->oom = true;
}

/* Reclaims the expired keys a SCAN step met (counted in expired_keys). */
static void scan_reclaim(struct scan_ctx *s)
{
    const char *p = s->dead.data;
    size_t left = s->dead.len;
    while (left >= sizeof(size_t)) {
        size_t klen;
        memcpy(&klen, p, sizeof(klen));
        p += sizeof(klen);
        cache_expire_if_needed(s->c->db, p, klen, s->now);
        p += klen;
        left -= sizeof(klen) + klen;
    }
}

static int cache_cmd_scan(struct cache_client *c)
{
    uint64_t cursor;
    if (!parse_scan_cursor(c, &c->argv[1], &cursor))
        return DD_OK;
    struct scan_ctx s = { .c = c };
    long long count = 10;
    for (size_t i = 2; i < c->argc;) {
        size_t left = c->argc - i;
        if (opt_is(&c->argv[i], "count") && left >= 2) {
            if (!cache_arg_ll(c, i + 1, &count))
                return DD_OK;
            if (count < 1) {
                cache_reply_syntax(c);
                return DD_OK;
            }
            i += 2;
        } else if (opt_is(&c->argv[i], "match") && left >= 2) {
            const struct cache_resp_arg *p = &c->argv[i + 1];
            bool all = p->len == 1 && p->ptr[0] == '*';
            s.pat = all ? NULL : p->ptr;
            s.plen = p->len;
            i += 2;
        } else if (opt_is(&c->argv[i], "type") && left >= 2) {
            s.type = &c->argv[i + 1];
            i += 2;
        } else {
            cache_reply_syntax(c);
            return DD_OK;
        }
    }
    s.now = cache_now_ms(c->srv);
    /* INT64_MIN: no key counts as expired to the db; scan_one judges. */
    uint64_t next = cache_db_scan(c->db, cursor, (size_t)count, INT64_MIN, scan_one, &s);
    if (s.oom) {
        free(s.keys);
        dd_buf_release(&s.dead);
        return DD_ENOMEM;
    }
    char buf[32];
    int blen = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)next);
    cache_reply_array(c, 2);
    cache_reply_bulk(c, buf, (size_t)blen);
    cache_reply_array(c, s.n);
    for (size_t i = 0; i < s.n; i++)
        cache_reply_bulk(c, s.keys[i].key, s.keys[i].klen);
    free(s.keys);
    scan_reclaim(&s);
    dd_buf_release(&s.dead);
    return DD_OK;
}

static int cache_cmd_randomkey(struct cache_client *c)
{
    const void *key;
    size_t klen;
    if (cache_db_random_key(c->db, cache_now_ms(c->srv), &key, &klen) != DD_OK)
        cache_reply_null(c);
    else
        cache_reply_bulk(c, key, klen);
    return DD_OK;
}

/* ---- RENAME, RENAMENX, COPY ---- */

/* RENAME onto itself answers OK (RENAMENX 0) once the key is known to
 * exist; a missing source is an error for both. */
static int rename_generic(struct cache_client *c, bool nx)
{
    const struct cache_resp_arg *src = &c->argv[1], *dst = &c->argv[2];
    if (!cache_lookup_write(c, src)) {
        cache_reply_error(c, "ERR no such key");
        return DD_OK;
    }
    if (arg_eq(src, dst)) {
        if (nx)
            cache_reply_ll(c, 0);
        else
            cache_reply_ok(c);
        return DD_OK;
    }
    int rc =
        cache_db_rename(c->db, src->ptr, src->len, dst->ptr, dst->len, nx, cache_now_ms(c->srv));
    if (rc == DD_ENOENT) {
        cache_reply_error(c, "ERR no such key");
        return DD_OK;
    }
    if (rc == DD_EEXIST) {
        cache_reply_ll(c, 0);
        return DD_OK;
    }
    if (rc != DD_OK)
        return rc;
    cache_signal_modified(c, src);
    cache_signal_modified(c, dst);
    if (nx)
        cache_reply_ll(c, 1);
    else
        cache_reply_ok(c);
    return DD_OK;
}

static int cache_cmd_rename(struct cache_client *c)
{
    return rename_generic(c, false);
}

static int cache_cmd_renamenx(struct cache_client *c)
{
    return rename_generic(c, true);
}

/* A deep copy of container obj as Redis's COPY makes it (same type and
 * encoding); the caller owns the result. NULL when out of memory. */
static struct cache_obj *dup_value(struct cache_keyspace *ks, const struct cache_obj *o)
{
    void *payload = NULL;
    switch (o->type) {
    case CACHE_TYPE_STRING:
        break;
    case CACHE_TYPE_LIST:
        payload = cache_list_dup(ks, o->ptr);
        break;
    case CACHE_TYPE_SET:
        payload = cache_set_dup(ks, o->ptr);
        break;
    case CACHE_TYPE_ZSET:
        payload = cache_zset_dup(ks, o->ptr);
        break;
    case CACHE_TYPE_HASH:
        payload = cache_hash_dup(ks, o->ptr);
        break;
    }
    if (!payload)
        return NULL;
    struct cache_obj *n = cache_obj_new(ks, o->type, payload, o->free);
    if (!n) {
        if (o->free)
            o->free(ks, payload);
        return NULL;
    }
    n->len = o->len;
    return n;
}

/* COPY source destination [DB n] [REPLACE]: options parsed in order (a bad
 * DB index fails at once), then the same-key check, then the copy with the
 * source's TTL. */
static int cache_cmd_copy(struct cache_client *c)
{
    struct cache_keyspace *ks = c->srv->ks;
    struct cache_db *src = c->db, *dst = c->db;
    bool replace = false;
    for (size_t j = 3; j < c->argc; j++) {
        size_t more = c->argc - j - 1;
        if (opt_is(&c->argv[j], "replace")) {
            replace = true;
        } else if (opt_is(&c->argv[j], "db") && more >= 1) {
            long long id;
            /* getIntFromObjectOrReply(), typo included. */
            if (!cache_arg_ll_range(c, j + 1, INT_MIN, INT_MAX,
                                    "ERR value is out of range, value must between -2147483648 "
                                    "and 2147483647",
                                    &id))
                return DD_OK;
            dst = id < 0 ? NULL : cache_keyspace_db(ks, (int)id);
            if (!dst) {
                cache_reply_error(c, "ERR DB index is out of range");
                return DD_OK;
            }
            j++;
        } else {
            cache_reply_syntax(c);
            return DD_OK;
        }
    }
    const struct cache_resp_arg *key = &c->argv[1], *newkey = &c->argv[2];
    if (src == dst && arg_eq(key, newkey)) {
        cache_reply_error(c, "ERR source and destination objects are the same");
        return DD_OK;
    }
    if (!cache_lookup_read(c, key)) {
        cache_reply_ll(c, 0);
        return DD_OK;
    }
    int64_t now = cache_now_ms(c->srv);
    int64_t when = cache_expire_get(src, key->ptr, key->len);
    if (cache_db_lookup(dst, newkey->ptr, newkey->len, now) && !replace) {
        cache_reply_ll(c, 0);
        return DD_OK;
    }
    /* The destination lookup may have reclaimed an expired key of the same
     * database, so the source is looked up again (it is live: just seen). */
    struct cache_obj *o = cache_db_lookup_flags(src, key->ptr, key->len, now, CACHE_LOOKUP_NOTOUCH);
    if (!o)
        return DD_ERR;
    int rc;
    if (o->type == CACHE_TYPE_STRING) {
        /* Stored the compact way, then marked if its bytes alone would not
         * tell its encoding (db.h: storing another key never moves o). */
        enum cache_string_enc enc = cache_string_dup_enc(o);
        struct cache_obj *stored;
        rc =
            cache_db_set_string(dst, newkey->ptr, newkey->len, o->ptr, o->len, false, now, &stored);
        if (rc == DD_OK)
            rc = cache_string_set_enc(ks, stored, enc);
    } else {
        struct cache_obj *n = dup_value(ks, o);
        if (!n)
            return DD_ENOMEM;
        rc = cache_db_set(dst, newkey->ptr, newkey->len, n, false, now, NULL);
        if (rc != DD_OK)
            cache_obj_free(ks, n);
    }
    if (rc != DD_OK)
        return rc;
    if (when != -1) {
        rc = cache_expire_set(dst, newkey->ptr, newkey->len, when, now);
        if (rc == DD_ENOMEM)
            return rc;
    }
    /* WATCH is keyed by database: signal in the destination's. */
    struct cache_db *cur = c->db;
    c->db = dst;
    cache_signal_modified(c, newkey);
    c->db = cur;
    cache_reply_ll(c, 1);
    return DD_OK;
}

/* ---- OBJECT ---- */

static int cache_cmd_object_encoding(struct cache_client *c)
{
    struct cache_obj *o = lookup_read_notouch(c, &c->argv[2]);
    if (!o) {
        cache_reply_null(c);
        return DD_OK;
    }
    const char *enc = "unknown";
    switch (o->type) {
    case CACHE_TYPE_STRING:
        enc = cache_string_encoding(o);
        break;
    case CACHE_TYPE_LIST:
        enc = cache_list_encoding(o->ptr);
        break;
    case CACHE_TYPE_SET:
        enc = cache_set_encoding(o->ptr);
        break;
    case CACHE_TYPE_ZSET:
        enc = cache_zset_encoding(o->ptr);
        break;
    case CACHE_TYPE_HASH:
        enc = cache_hash_encoding(o->ptr);
        break;
    }
    cache_reply_bulk_cstr(c, enc);
    return DD_OK;
}

/* Shared integers exist unless maxmemory is set with an LRU or LFU policy
 * (MAXMEMORY_FLAG_NO_SHARED_INTEGERS): those need a stamp per object. */
static int cache_cmd_object_refcount(struct cache_client *c)
{
    struct cache_obj *o = lookup_read_notouch(c, &c->argv[2]);
    if (!o) {
        cache_reply_null(c);
        return DD_OK;
    }
    const struct cache_server_opts *opts = &c->srv->opts;
    bool shared_ok =
        opts->maxmemory == 0 || !(policy_is_lru(opts->policy) || policy_is_lfu(opts->policy));
    cache_reply_ll(c, o->type == CACHE_TYPE_STRING ? cache_string_refcount(o, shared_ok) : 1);
    return DD_OK;
}

static int cache_cmd_object_idletime(struct cache_client *c)
{
    struct cache_obj *o = lookup_read_notouch(c, &c->argv[2]);
    if (!o) {
        cache_reply_null(c);
        return DD_OK;
    }
    if (policy_is_lfu(c->srv->opts.policy)) {
        cache_reply_error(c, "ERR An LFU maxmemory policy is selected, idle time not tracked. "
                             "Please note that when switching between policies at runtime LRU "
                             "and LFU data will take some time to adjust.");
        return DD_OK;
    }
    cache_reply_ll(c, cache_obj_idle_ms(c->srv->ks, o, cache_now_ms(c->srv)) / 1000);
    return DD_OK;
}

static int cache_cmd_object_freq(struct cache_client *c)
{
    struct cache_obj *o = lookup_read_notouch(c, &c->argv[2]);
    if (!o) {
        cache_reply_null(c);
        return DD_OK;
    }
    if (!policy_is_lfu(c->srv->opts.policy)) {
        cache_reply_error(c, "ERR An LFU maxmemory policy is not selected, access frequency not "
                             "tracked. Please note that when switching between policies at "
                             "runtime LRU and LFU data will take some time to adjust.");
        return DD_OK;
    }
    cache_reply_ll(c, (long long)cache_obj_lfu_freq(c->srv->ks, o, cache_now_ms(c->srv)));
    return DD_OK;
}

/* addReplyHelp(): the command name as sent, upper-cased, then the lines,
 * then HELP's own two lines, all as status replies. */
static int cache_cmd_object_help(struct cache_client *c)
{
    static const char *const lines[] = {
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    };
    char head[128];
    size_t n = c->argv[0].len < 32 ? c->argv[0].len : 32;
    for (size_t i = 0; i < n; i++)
        head[i] = (char)toupper((unsigned char)c->argv[0].ptr[i]);
    snprintf(head + n, sizeof(head) - n,
             " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    size_t count = sizeof(lines) / sizeof(lines[0]);
    cache_reply_array(c, count + 1);
    cache_reply_simple(c, head);
    for (size_t i = 0; i < count; i++)
        cache_reply_simple(c, lines[i]);
    return DD_OK;
}

/* ---- expiry ---- */

#define EXP_NX 0x1
#define EXP_XX 0x2
#define EXP_GT 0x4
#define EXP_LT 0x8

/* parseExtendedExpireArgumentsOrReply(): NX XX GT LT in any order and
 * number, then the compatibility rules. */
static bool parse_expire_flags(struct cache_client *c, unsigned *flags)
{
    *flags = 0;
    for (size_t j = 3; j < c->argc; j++) {
        const struct cache_resp_arg *a = &c->argv[j];
        if (opt_is(a, "nx")) {
            *flags |= EXP_NX;
        } else if (opt_is(a, "xx")) {
            *flags |= EXP_XX;
        } else if (opt_is(a, "gt")) {
            *flags |= EXP_GT;
        } else if (opt_is(a, "lt")) {
            *flags |= EXP_LT;
        } else {
            /* The option as a C string, newlines blanked as
             * addReplyErrorFormat() does to keep the reply one line. */
            char opt[256];
            size_t n = 0;
            while (n < a->len && n < sizeof(opt) - 1 && a->ptr[n] != '\0') {
                char ch = a->ptr[n];
                opt[n++] = (ch == '\r' || ch == '\n') ? ' ' : ch;
            }
            opt[n] = '\0';
            cache_reply_errorf(c, "ERR Unsupported option %s", opt);
            return false;
        }
    }
    if ((*flags & EXP_NX) && (*flags & (EXP_XX | EXP_GT | EXP_LT))) {
        cache_reply_error(c, "ERR NX and XX, GT or LT options at the same time are not compatible");
        return false;
    }
    if ((*flags & EXP_GT) && (*flags & EXP_LT)) {
        cache_reply_error(c, "ERR GT and LT options at the same time are not compatible");
        return false;
    }
    return true;
}

/*
 * expireGenericCommand(): EXPIRE, PEXPIRE (relative: basetime is now),
 * EXPIREAT, PEXPIREAT (basetime 0). Negative times are allowed; only an
 * overflow of the unit scaling or of the addition is an error. A key with
 * no TTL counts as an infinite TTL for GT and LT. A time not in the future
 * deletes the key and answers 1.
 */
static int expire_generic(struct cache_client *c, bool relative, bool seconds)
{
    const struct cache_resp_arg *key = &c->argv[1];
    unsigned flags;
    if (!parse_expire_flags(c, &flags))
        return DD_OK;
    long long when;
    if (!cache_arg_ll(c, 2, &when))
        return DD_OK;
    int64_t now = cache_now_ms(c->srv);
    if (seconds) {
        if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000) {
            reply_invalid_expire(c);
            return DD_OK;
        }
        when *= 1000;
    }
    long long base = relative ? now : 0;
    if (when > LLONG_MAX - base) {
        reply_invalid_expire(c);
        return DD_OK;
    }
    when += base;
    if (!cache_lookup_write(c, key)) {
        cache_reply_ll(c, 0);
        return DD_OK;
    }
    if (flags) {
        int64_t cur = cache_expire_get(c->db, key->ptr, key->len);
        if (((flags & EXP_NX) && cur != -1) || ((flags & EXP_XX) && cur == -1) ||
            ((flags & EXP_GT) && (cur == -1 || when <= cur)) ||
            ((flags & EXP_LT) && cur != -1 && when >= cur)) {
            cache_reply_ll(c, 0);
            return DD_OK;
        }
    }
    if (when <= now) {
        cache_db_delete(c->db, key->ptr, key->len, now);
        cache_reply_ll(c, 1);
        return DD_OK;
    }
    int rc = cache_expire_set(c->db, key->ptr, key->len, when, now);
    if (rc == DD_ENOMEM)
        return rc;
    cache_signal_modified(c, key);
    cache_reply_ll(c, 1);
    return DD_OK;
}

static int cache_cmd_expire(struct cache_client *c)
{
    return expire_generic(c, true, true);
}

static int cache_cmd_pexpire(struct cache_client *c)
{
    return expire_generic(c, true, false);
}

static int cache_cmd_expireat(struct cache_client *c)
{
    return expire_generic(c, false, true);
}

static int cache_cmd_pexpireat(struct cache_client *c)
{
    return expire_generic(c, false, false);
}

/* ttlGenericCommand(): -2 no key, -1 no TTL, else the remaining (or, for
 * the *EXPIRETIME pair, absolute) time, seconds rounded to nearest. */
static int ttl_generic(struct cache_client *c, bool ms, bool absolute)
{
    const struct cache_resp_arg *key = &c->argv[1];
    if (!lookup_read_notouch(c, key)) {
        cache_reply_ll(c, -2);
        return DD_OK;
    }
    int64_t when = cache_expire_get(c->db, key->ptr, key->len);
    if (when == -1) {
        cache_reply_ll(c, -1);
        return DD_OK;
    }
    long long t = absolute ? when : when - cache_now_ms(c->srv);
    if (t < 0)
        t = 0;
    /* (t + 500) / 1000 without its overflow: Redis's compiled code answers
     * 9223372036854776 for a time of LLONG_MAX ms, the rounded value. */
    cache_reply_ll(c, ms ? t : t / 1000 + (t % 1000 >= 500));
    return DD_OK;
}

static int cache_cmd_ttl(struct cache_client *c)
{
    return ttl_generic(c, false, false);
}

static int cache_cmd_pttl(struct cache_client *c)
{
    return ttl_generic(c, true, false);
}

static int cache_cmd_expiretime(struct cache_client *c)
{
    return ttl_generic(c, false, true);
}

static int cache_cmd_pexpiretime(struct cache_client *c)
{
    return ttl_generic(c, true, true);
}

static int cache_cmd_persist(struct cache_client *c)
{
    const struct cache_resp_arg *key = &c->argv[1];
    if (!cache_lookup_write(c, key)) {
        cache_reply_ll(c, 0);
        return DD_OK;
    }
    if (cache_expire_remove(c->db, key->ptr, key->len) != DD_OK) {
        cache_reply_ll(c, 0);
        return DD_OK;
    }
    cache_signal_modified(c, key);
    cache_reply_ll(c, 1);
    return DD_OK;
}

/* ---- the table ---- */

#define W  CACHE_CMD_WRITE
#define R  CACHE_CMD_READONLY
#define DO CACHE_CMD_DENYOOM
#define F  CACHE_CMD_FAST

static const struct cache_command object_subcommands[] = {
    { "encoding", 3, R, cache_cmd_object_encoding, 2, 2, 1, "generic", "2.2.3",
      "Inspect the internal encoding of a Redis object", "keyspace read slow", NULL },
    { "freq", 3, R, cache_cmd_object_freq, 2, 2, 1, "generic", "4.0.0",
      "Get the logarithmic access frequency counter of a Redis object", "keyspace read slow",
      NULL },
    { "help", 2, CACHE_CMD_LOADING | CACHE_CMD_STALE, cache_cmd_object_help, 0, 0, 0, "generic",
      "6.2.0", "Show helpful text about the different subcommands", "keyspace slow", NULL },
    { "idletime", 3, R, cache_cmd_object_idletime, 2, 2, 1, "generic", "2.2.3",
      "Get the time since a Redis object was last accessed", "keyspace read slow", NULL },
    { "refcount", 3, R, cache_cmd_object_refcount, 2, 2, 1, "generic", "2.2.3",
      "Get the number of references to the value of the key", "keyspace read slow", NULL },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL },
};

/* Redis 7.0.15's COMMAND INFO / COMMAND DOCS for each row. */
const struct cache_command cache_cmds_keys[] = {
    { "del", -2, W, cache_cmd_del, 1, -1, 1, "generic", "1.0.0", "Delete a key",
      "keyspace write slow", NULL },
    { "unlink", -2, W | F, cache_cmd_del, 1, -1, 1, "generic", "4.0.0",
      "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non "
      "blocking.",
      "keyspace write fast", NULL },
    { "exists", -2, R | F, cache_cmd_exists, 1, -1, 1, "generic", "1.0.0",
      "Determine if a key exists", "keyspace read fast", NULL },
    { "type", 2, R | F, cache_cmd_type, 1, 1, 1, "generic", "1.0.0",
      "Determine the type stored at key", "keyspace read fast", NULL },
    { "keys", 2, R, cache_cmd_keys, 0, 0, 0, "generic", "1.0.0",
      "Find all keys matching the given pattern", "keyspace read slow dangerous", NULL },
    { "scan", -2, R, cache_cmd_scan, 0, 0, 0, "generic", "2.8.0",
      "Incrementally iterate the keys space", "keyspace read slow", NULL },
    { "rename", 3, W, cache_cmd_rename, 1, 2, 1, "generic", "1.0.0", "Rename a key",
      "keyspace write slow", NULL },
    { "renamenx", 3, W | F, cache_cmd_renamenx, 1, 2, 1, "generic", "1.0.0",
      "Rename a key, only if the new key does not exist", "keyspace write fast", NULL },
    { "copy", -3, W | DO, cache_cmd_copy, 1, 2, 1, "generic", "6.2.0", "Copy a key",
      "keyspace write slow", NULL },
    { "randomkey", 1, R, cache_cmd_randomkey, 0, 0, 0, "generic", "1.0.0",
      "Return a random key from the keyspace", "keyspace read slow", NULL },
    { "touch", -2, R | F, cache_cmd_touch, 1, -1, 1, "generic", "3.2.1",
      "Alters the last access time of a key(s). Returns the number of existing keys specified.",
      "keyspace read fast", NULL },
    { "object", -2, 0, NULL, 0, 0, 0, "generic", "2.2.3",
      "A container for object introspection commands", "slow", object_subcommands },
    { "expire", -3, W | F, cache_cmd_expire, 1, 1, 1, "generic", "1.0.0",
      "Set a key's time to live in seconds", "keyspace write fast", NULL },
    { "pexpire", -3, W | F, cache_cmd_pexpire, 1, 1, 1, "generic", "2.6.0",
      "Set a key's time to live in milliseconds", "keyspace write fast", NULL },
    { "expireat", -3, W | F, cache_cmd_expireat, 1, 1, 1, "generic", "1.2.0",
      "Set the expiration for a key as a UNIX timestamp", "keyspace write fast", NULL },
    { "pexpireat", -3, W | F, cache_cmd_pexpireat, 1, 1, 1, "generic", "2.6.0",
      "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
      "keyspace write fast", NULL },
    { "ttl", 2, R | F, cache_cmd_ttl, 1, 1, 1, "generic", "1.0.0",
      "Get the time to live for a key in seconds", "keyspace read fast", NULL },
    { "pttl", 2, R | F, cache_cmd_pttl, 1, 1, 1, "generic", "2.6.0",
      "Get the time to live for a key in milliseconds", "keyspace read fast", NULL },
    { "expiretime", 2, R | F, cache_cmd_expiretime, 1, 1, 1, "generic", "7.0.0",
      "Get the expiration Unix timestamp for a key", "keyspace read fast", NULL },
    { "pexpiretime", 2, R | F, cache_cmd_pexpiretime, 1, 1, 1, "generic", "7.0.0",
      "Get the expiration Unix timestamp for a key in milliseconds", "keyspace read fast", NULL },
    { "persist", 2, W | F, cache_cmd_persist, 1, 1, 1, "generic", "2.2.0",
      "Remove the expiration from a key", "keyspace write fast", NULL },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL },
};
