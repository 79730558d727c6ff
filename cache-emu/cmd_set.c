/*
 * The set commands (SADD ... SSCAN): argument parsing, key lookup and the
 * replies, with Redis 7.0's exact texts, reply types per protocol and order
 * of checks. The data structure, its encoding rule and the set algebra are
 * t_set.c's; this file only drives them.
 *
 * Keys: a set is created by the first write that needs one and deleted by
 * the write that empties it; a *STORE replaces its destination (TTL
 * dropped, as SET does) or deletes it when the result is empty. A stored
 * object's address may move when its database changes, so multi-key
 * commands first let every key expire (a lookup that changes nothing
 * visible), then look them all up for real, and look a key up again after
 * any change to the database.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/cmd.h"
#include "cache-emu/command.h"
#include "cache-emu/t_set.h"
#include "cache-emu/t_string.h"
#include "common/err.h"

int cache_cmd_sadd(struct cache_client *c);
int cache_cmd_srem(struct cache_client *c);
int cache_cmd_smembers(struct cache_client *c);
int cache_cmd_sismember(struct cache_client *c);
int cache_cmd_smismember(struct cache_client *c);
int cache_cmd_scard(struct cache_client *c);
int cache_cmd_spop(struct cache_client *c);
int cache_cmd_srandmember(struct cache_client *c);
int cache_cmd_smove(struct cache_client *c);
int cache_cmd_sinter(struct cache_client *c);
int cache_cmd_sinterstore(struct cache_client *c);
int cache_cmd_sintercard(struct cache_client *c);
int cache_cmd_sunion(struct cache_client *c);
int cache_cmd_sunionstore(struct cache_client *c);
int cache_cmd_sdiff(struct cache_client *c);
int cache_cmd_sdiffstore(struct cache_client *c);
int cache_cmd_sscan(struct cache_client *c);

static struct cache_keyspace *ks_of(struct cache_client *c)
{
    return c->srv->ks;
}

static const struct cache_settings *settings_of(struct cache_client *c)
{
    return &c->srv->opts.settings;
}

static void del_key(struct cache_client *c, const struct cache_resp_arg *k)
{
    (void)cache_db_delete(c->db, k->ptr, k->len, cache_now_ms(c->srv));
}

/* Reply visitor: one bulk per member. */
static void reply_member(void *p, const char *m, size_t len)
{
    cache_reply_bulk(p, m, len);
}

/* The set at argv[i] for a read, or NULL: absent (the caller replies) or
 * after replying WRONGTYPE (*wrong set). */
static struct cache_obj *set_for_read(struct cache_client *c, size_t i, bool *wrong)
{
    struct cache_obj *o = cache_lookup_read(c, &c->argv[i]);
    *wrong = !cache_check_type(c, o, CACHE_TYPE_SET);
    return *wrong ? NULL : o;
}

/* ---- SADD / SREM ---- */

int cache_cmd_sadd(struct cache_client *c)
{
    struct cache_obj *o = cache_lookup_write(c, &c->argv[1]);
    if (!cache_check_type(c, o, CACHE_TYPE_SET))
        return DD_OK;
    bool created = o == NULL;
    if (created && !(o = cache_set_obj_new(ks_of(c))))
        return DD_ENOMEM;
    long long added = 0;
    int rc = DD_OK;
    for (size_t i = 2; i < c->argc; i++) {
        int r = cache_set_add(ks_of(c), o->ptr, settings_of(c), c->argv[i].ptr, c->argv[i].len);
        if (r < 0) {
            rc = r;
            break;
        }
        added += r;
    }
    if (created) {
        if (rc == DD_OK)
            rc = cache_db_add(c->db, c->argv[1].ptr, c->argv[1].len, o, cache_now_ms(c->srv), NULL);
        if (rc != DD_OK) {
            cache_obj_free(ks_of(c), o);
            return rc;
        }
    } else if (rc != DD_OK) {
        return rc;
    }
    if (added)
        cache_signal_modified(c, &c->argv[1]);
    cache_reply_ll(c, added);
    return DD_OK;
}

int cache_cmd_srem(struct cache_client *c)
{
    struct cache_obj *o = cache_lookup_write(c, &c->argv[1]);
    if (!cache_check_type(c, o, CACHE_TYPE_SET))
        return DD_OK;
    long long deleted = 0;
    bool removed = false;
    for (size_t i = 2; o && i < c->argc; i++) {
        if (cache_set_remove(ks_of(c), o->ptr, c->argv[i].ptr, c->argv[i].len) == 1) {
            deleted++;
            if (cache_set_len(o->ptr) == 0) {
                del_key(c, &c->argv[1]);
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

/* ---- single-key reads ---- */

int cache_cmd_sismember(struct cache_client *c)
{
    bool wrong;
    struct cache_obj *o = set_for_read(c, 1, &wrong);
    if (wrong)
        return DD_OK;
    bool in = o && cache_set_contains(o->ptr, c->argv[2].ptr, c->argv[2].len);
    cache_reply_ll(c, in ? 1 : 0);
    return DD_OK;
}

int cache_cmd_smismember(struct cache_client *c)
{
    bool wrong;
    struct cache_obj *o = set_for_read(c, 1, &wrong);
    if (wrong)
        return DD_OK;
    cache_reply_array(c, c->argc - 2);
    for (size_t i = 2; i < c->argc; i++) {
        bool in = o && cache_set_contains(o->ptr, c->argv[i].ptr, c->argv[i].len);
        cache_reply_ll(c, in ? 1 : 0);
    }
    return DD_OK;
}

int cache_cmd_scard(struct cache_client *c)
{
    bool wrong;
    struct cache_obj *o = set_for_read(c, 1, &wrong);
    if (wrong)
        return DD_OK;
    cache_reply_ll(c, o ? (long long)cache_set_len(o->ptr) : 0);
    return DD_OK;
}

/* Every member of s in its order, as a set reply of its size. */
static void reply_whole(struct cache_client *c, const void *s, bool as_set)
{
    size_t n = cache_set_len(s);
    if (as_set)
        cache_reply_set(c, n);
    else
        cache_reply_array(c, n);
    struct cache_set_iter it;
    const char *m;
    size_t len;
    cache_set_iter_init(&it, s);
    while (cache_set_iter_next(&it, &m, &len))
        cache_reply_bulk(c, m, len);
}

/* ---- SPOP / SRANDMEMBER ---- */

/* Pending output past which a reply of repeated random picks gives up. */
#define REPLY_GUARD_BYTES ((size_t)1 << 30)

static int spop_count(struct cache_client *c)
{
    long long l;
    if (!cache_string_to_ll(c->argv[2].ptr, c->argv[2].len, &l) || l < 0) {
        cache_reply_error(c, "ERR value is out of range, must be positive");
        return DD_OK;
    }
    struct cache_obj *o = cache_lookup_write(c, &c->argv[1]);
    if (!o) {
        cache_reply_set(c, 0);
        return DD_OK;
    }
    if (!cache_check_type(c, o, CACHE_TYPE_SET))
        return DD_OK;
    if (l == 0) {
        cache_reply_set(c, 0);
        return DD_OK;
    }
    size_t count = (size_t)l, size = cache_set_len(o->ptr);
    if (count >= size) {
        /* Redis replies with SUNION of the set (a new set built as an
         * intset first, so integers come out sorted even when the popped
         * set was a hashtable) and deletes the key. */
        void *u;
        const void *one = o->ptr;
        int rc = cache_set_union_new(ks_of(c), settings_of(c), &one, 1, &u);
        if (rc != DD_OK)
            return rc;
        reply_whole(c, u, true);
        cache_set_free(ks_of(c), u);
        del_key(c, &c->argv[1]);
        return DD_OK;
    }
    cache_reply_set(c, count);
    while (count--)
        (void)cache_set_pop(ks_of(c), o->ptr, reply_member, c);
    cache_signal_modified(c, &c->argv[1]);
    return DD_OK;
}

int cache_cmd_spop(struct cache_client *c)
{
    if (c->argc == 3)
        return spop_count(c);
    if (c->argc > 3) {
        cache_reply_syntax(c);
        return DD_OK;
    }
    struct cache_obj *o = cache_lookup_write(c, &c->argv[1]);
    if (!cache_check_type(c, o, CACHE_TYPE_SET))
        return DD_OK;
    if (!o || !cache_set_pop(ks_of(c), o->ptr, reply_member, c)) {
        cache_reply_null(c);
        return DD_OK;
    }
    if (cache_set_len(o->ptr) == 0)
        del_key(c, &c->argv[1]);
    else
        cache_signal_modified(c, &c->argv[1]);
    return DD_OK;
}

static int srandmember_count(struct cache_client *c)
{
    long long l;
    if (!cache_arg_ll(c, 2, &l))
        return DD_OK;
    if (l == LLONG_MIN) {
        cache_reply_error(c, "ERR value is out of range, value must between "
                             "-9223372036854775807 and 9223372036854775807");
        return DD_OK;
    }
    bool wrong;
    struct cache_obj *o = set_for_read(c, 1, &wrong);
    if (wrong)
        return DD_OK;
    if (!o || l == 0) {
        cache_reply_array(c, 0);
        return DD_OK;
    }
    if (l < 0) {
        size_t count = (size_t)(-l);
        cache_reply_array(c, count);
        /* Redis writes a reply of any size here and is OOM-killed for a
         * huge count; past REPLY_GUARD_BYTES of pending output the client
         * is dropped instead, as past an output buffer limit. */
        while (count) {
            size_t chunk = count < 1024 ? count : 1024;
            cache_set_random_repeat(o->ptr, chunk, reply_member, c);
            count -= chunk;
            if (count && c->out.len > REPLY_GUARD_BYTES) {
                c->flags |= CACHE_CLIENT_REPLY_OOM;
                break;
            }
        }
        return DD_OK;
    }
    size_t count = (size_t)l;
    if (count >= cache_set_len(o->ptr)) {
        reply_whole(c, o->ptr, false);
        return DD_OK;
    }
    size_t handle = cache_reply_defer(c);
    int rc = cache_set_random_distinct(o->ptr, count, reply_member, c);
    if (rc != DD_OK)
        return rc;
    cache_reply_defer_set(c, handle, 'a', count);
    return DD_OK;
}

int cache_cmd_srandmember(struct cache_client *c)
{
    if (c->argc == 3)
        return srandmember_count(c);
    if (c->argc > 3) {
        cache_reply_syntax(c);
        return DD_OK;
    }
    bool wrong;
    struct cache_obj *o = set_for_read(c, 1, &wrong);
    if (wrong)
        return DD_OK;
    if (!o || !cache_set_random(o->ptr, reply_member, c))
        cache_reply_null(c);
    return DD_OK;
}

/* ---- SMOVE ---- */

int cache_cmd_smove(struct cache_client *c)
{
    const struct cache_resp_arg *sk = &c->argv[1], *dk = &c->argv[2], *m = &c->argv[3];
    int64_t now = cache_now_ms(c->srv);
    /* Let both keys expire first, then take addresses that stay valid. */
    (void)cache_db_lookup_flags(c->db, sk->ptr, sk->len, now, CACHE_LOOKUP_NOTOUCH);
    (void)cache_db_lookup_flags(c->db, dk->ptr, dk->len, now, CACHE_LOOKUP_NOTOUCH);
    struct cache_obj *src = cache_lookup_write(c, sk);
    struct cache_obj *dst = cache_lookup_write(c, dk);
    if (!src) {
        cache_reply_ll(c, 0);
        return DD_OK;
    }
    if (!cache_check_type(c, src, CACHE_TYPE_SET) || !cache_check_type(c, dst, CACHE_TYPE_SET))
        return DD_OK;
    if (src == dst) {
        cache_reply_ll(c, cache_set_contains(src->ptr, m->ptr, m->len) ? 1 : 0);
        return DD_OK;
    }
    /* Make sure the destination can be had before changing the source. */
    struct cache_obj *fresh = NULL;
    if (!dst && !(fresh = cache_set_obj_new(ks_of(c))))
        return DD_ENOMEM;
    if (cache_set_remove(ks_of(c), src->ptr, m->ptr, m->len) != 1) {
        cache_obj_free(ks_of(c), fresh);
        cache_reply_ll(c, 0);
        return DD_OK;
    }
    if (cache_set_len(src->ptr) == 0)
        del_key(c, sk);
    else
        cache_signal_modified(c, sk);
    int rc;
    if (fresh) {
        rc = cache_set_add(ks_of(c), fresh->ptr, settings_of(c), m->ptr, m->len);
        if (rc >= 0)
            rc = cache_db_add(c->db, dk->ptr, dk->len, fresh, now, NULL);
        if (rc != DD_OK) {
            cache_obj_free(ks_of(c), fresh);
            return rc;
        }
    } else {
        /* The source's deletion may have moved the destination. */
        dst = cache_db_lookup_flags(c->db, dk->ptr, dk->len, now, CACHE_LOOKUP_NOTOUCH);
        rc = dst ? cache_set_add(ks_of(c), dst->ptr, settings_of(c), m->ptr, m->len) : DD_ENOENT;
        if (rc < 0)
            return rc;
    }
    cache_signal_modified(c, dk);
    cache_reply_ll(c, 1);
    return DD_OK;
}

/* ---- multi-key: SMEMBERS, SINTER*, SUNION*, SDIFF* ---- */

/*
 * Looks up keys argv[first .. first+n) as sets into sets[] (NULL for a
 * missing key). false after replying WRONGTYPE for the first key of another
 * type, as Redis checks every key before computing anything. *missing
 * counts the absent keys.
 */
static bool lookup_sets(struct cache_client *c, size_t first, size_t n, bool write,
                        const void **sets, size_t *missing)
{
    int64_t now = cache_now_ms(c->srv);
    for (size_t i = 0; i < n; i++) {
        const struct cache_resp_arg *k = &c->argv[first + i];
        (void)cache_db_lookup_flags(c->db, k->ptr, k->len, now, CACHE_LOOKUP_NOTOUCH);
    }
    *missing = 0;
    for (size_t i = 0; i < n; i++) {
        const struct cache_resp_arg *k = &c->argv[first + i];
        struct cache_obj *o = write ? cache_lookup_write(c, k) : cache_lookup_read(c, k);
        if (!cache_check_type(c, o, CACHE_TYPE_SET))
            return false;
        sets[i] = o ? o->ptr : NULL;
        if (!o)
            (*missing)++;
    }
    return true;
}

/* Stores result (owned, freed here when empty or on failure) under dst,
 * replacing what was there, or deletes dst when result is empty; replies
 * the stored size. */
static int store_result(struct cache_client *c, const struct cache_resp_arg *dst, void *result)
{
    size_t n = result ? cache_set_len(result) : 0;
    if (n == 0) {
        cache_set_free(ks_of(c), result);
        del_key(c, dst);
        cache_reply_ll(c, 0);
        return DD_OK;
    }
    struct cache_obj *o = cache_obj_new(ks_of(c), CACHE_TYPE_SET, result, cache_set_free);
    if (!o) {
        cache_set_free(ks_of(c), result);
        return DD_ENOMEM;
    }
    int rc = cache_db_set(c->db, dst->ptr, dst->len, o, false, cache_now_ms(c->srv), NULL);
    if (rc != DD_OK) {
        cache_obj_free(ks_of(c), o);
        return rc;
    }
    cache_signal_modified(c, dst);
    cache_reply_ll(c, (long long)n);
    return DD_OK;
}

enum set_op { OP_INTER, OP_UNION, OP_DIFF };

/*
 * The SINTER/SUNION/SDIFF family over keys argv[first..first+n); dst is the
 * STORE destination or NULL; card_limit >= 0 makes it SINTERCARD.
 */
static int setop_generic(struct cache_client *c, enum set_op op, size_t first, size_t n,
                         const struct cache_resp_arg *dst, long long card_limit)
{
    const void **sets = malloc(n * sizeof(*sets));
    if (!sets)
        return DD_ENOMEM;
    size_t missing;
    int rc = DD_OK;
    if (!lookup_sets(c, first, n, dst != NULL, sets, &missing))
        goto done;
    if (op == OP_INTER) {
        if (card_limit >= 0) {
            size_t card = missing ? 0 : cache_set_inter(sets, n, (size_t)card_limit, NULL, NULL);
            cache_reply_ll(c, (long long)card);
        } else if (dst) {
            /* A missing key makes the intersection empty: dst is deleted. */
            void *res = NULL;
            if (!missing)
                rc = cache_set_inter_new(ks_of(c), settings_of(c), sets, n, &res);
            if (rc == DD_OK)
                rc = store_result(c, dst, res);
        } else if (missing) {
            cache_reply_set(c, 0);
        } else {
            /* Replied as found, in the smallest set's order: length last. */
            size_t handle = cache_reply_defer(c);
            size_t card = cache_set_inter(sets, n, 0, reply_member, c);
            cache_reply_defer_set(c, handle, 's', card);
        }
        goto done;
    }
    void *res;
    rc = op == OP_UNION ? cache_set_union_new(ks_of(c), settings_of(c), sets, n, &res)
                        : cache_set_diff_new(ks_of(c), settings_of(c), sets, n, &res);
    if (rc != DD_OK)
        goto done;
    if (dst) {
        rc = store_result(c, dst, res);
    } else {
        reply_whole(c, res, true);
        cache_set_free(ks_of(c), res);
    }
done:
    free(sets);
    return rc;
}

int cache_cmd_smembers(struct cache_client *c)
{
    return setop_generic(c, OP_INTER, 1, 1, NULL, -1);
}

int cache_cmd_sinter(struct cache_client *c)
{
    return setop_generic(c, OP_INTER, 1, c->argc - 1, NULL, -1);
}

int cache_cmd_sinterstore(struct cache_client *c)
{
    return setop_generic(c, OP_INTER, 2, c->argc - 2, &c->argv[1], -1);
}

int cache_cmd_sunion(struct cache_client *c)
{
    return setop_generic(c, OP_UNION, 1, c->argc - 1, NULL, -1);
}

int cache_cmd_sunionstore(struct cache_client *c)
{
    return setop_generic(c, OP_UNION, 2, c->argc - 2, &c->argv[1], -1);
}

int cache_cmd_sdiff(struct cache_client *c)
{
    return setop_generic(c, OP_DIFF, 1, c->argc - 1, NULL, -1);
}

int cache_cmd_sdiffstore(struct cache_client *c)
{
    return setop_generic(c, OP_DIFF, 2, c->argc - 2, &c->argv[1], -1);
}

int cache_cmd_sintercard(struct cache_client *c)
{
    long long numkeys;
    if (!cache_string_to_ll(c->argv[1].ptr, c->argv[1].len, &numkeys) || numkeys < 1) {
        cache_reply_error(c, "ERR numkeys should be greater than 0");
        return DD_OK;
    }
    if ((unsigned long long)numkeys > c->argc - 2) {
        cache_reply_error(c, "ERR Number of keys can't be greater than number of args");
        return DD_OK;
    }
    long long limit = 0;
    for (size_t j = 2 + (size_t)numkeys; j < c->argc; j++) {
        bool more = j + 1 < c->argc;
        if (more && cache_arg_is(c, j, "limit")) {
            j++;
            if (!cache_string_to_ll(c->argv[j].ptr, c->argv[j].len, &limit) || limit < 0) {
                cache_reply_error(c, "ERR LIMIT can't be negative");
                return DD_OK;
            }
        } else {
            cache_reply_syntax(c);
            return DD_OK;
        }
    }
    return setop_generic(c, OP_INTER, 2, (size_t)numkeys, NULL, limit);
}

/* ---- SSCAN ---- */

/* Members seen by a scan step, copied (intset members are formatted on the
 * fly and do not outlive the visit). Request-scoped, plain malloc. */
struct scan_ctx {
    char *bytes;       /* member bytes back to back */
    size_t blen, bcap; /* used, allocated */
    size_t *ends;      /* end offset of each member in bytes */
    size_t n, ncap;    /* members, allocated */
    bool oom;          /* an append failed */
};

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap : 64;
    while (ncap < need)
        ncap *= 2;
    void *np = realloc(*p, ncap * elem);
    if (!np)
        return false;
    *p = np;
    *cap = ncap;
    return true;
}

static void scan_collect(void *p, const char *m, size_t len)
{
    struct scan_ctx *sc = p;
    if (sc->oom)
        return;
    if (!grow((void **)&sc->bytes, &sc->bcap, sc->blen + len, 1) ||
        !grow((void **)&sc->ends, &sc->ncap, sc->n + 1, sizeof(*sc->ends))) {
        sc->oom = true;
        return;
    }
    if (len)
        memcpy(sc->bytes + sc->blen, m, len);
    sc->blen += len;
    sc->ends[sc->n++] = sc->blen;
}

int cache_cmd_sscan(struct cache_client *c)
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
    if (!cache_check_type(c, o, CACHE_TYPE_SET))
        return DD_OK;
    long long count;
    const struct cache_resp_arg *pat;
    if (!cache_arg_scan_options(c, 3, &count, &pat))
        return DD_OK;
    struct scan_ctx sc = { 0 };
    uint64_t next = cache_set_scan(o->ptr, cursor, (size_t)count, scan_collect, &sc);
    int rc = DD_OK;
    if (sc.oom) {
        rc = DD_ENOMEM;
        goto done;
    }
    size_t keep = 0;
    for (size_t i = 0; i < sc.n; i++) {
        size_t start = i ? sc.ends[i - 1] : 0, len = sc.ends[i] - start;
        if (!pat || cache_glob_match(pat->ptr, pat->len, sc.bytes + start, len, false))
            keep++;
    }
    cache_reply_array(c, 2);
    cache_reply_bulk_ll(c, (long long)next);
    cache_reply_array(c, keep);
    for (size_t i = 0; i < sc.n; i++) {
        size_t start = i ? sc.ends[i - 1] : 0, len = sc.ends[i] - start;
        if (!pat || cache_glob_match(pat->ptr, pat->len, sc.bytes + start, len, false))
            cache_reply_bulk(c, sc.bytes + start, len);
    }
done:
    free(sc.bytes);
    free(sc.ends);
    return rc;
}

/* ---- the table ---- */

#define W   CACHE_CMD_WRITE
#define R   CACHE_CMD_READONLY
#define DOM CACHE_CMD_DENYOOM
#define F   CACHE_CMD_FAST

const struct cache_command cache_cmds_set[] = {
    { "sadd", -3, W | DOM | F, cache_cmd_sadd, 1, 1, 1, "set", "1.0.0",
      "Add one or more members to a set", "write set fast", NULL },
    { "srem", -3, W | F, cache_cmd_srem, 1, 1, 1, "set", "1.0.0",
      "Remove one or more members from a set", "write set fast", NULL },
    { "smembers", 2, R, cache_cmd_smembers, 1, 1, 1, "set", "1.0.0", "Get all the members in a set",
      "read set slow", NULL },
    { "sismember", 3, R | F, cache_cmd_sismember, 1, 1, 1, "set", "1.0.0",
      "Determine if a given value is a member of a set", "read set fast", NULL },
    { "smismember", -3, R | F, cache_cmd_smismember, 1, 1, 1, "set", "6.2.0",
      "Returns the membership associated with the given elements for a set", "read set fast",
      NULL },
    { "scard", 2, R | F, cache_cmd_scard, 1, 1, 1, "set", "1.0.0",
      "Get the number of members in a set", "read set fast", NULL },
    { "spop", -2, W | F, cache_cmd_spop, 1, 1, 1, "set", "1.0.0",
      "Remove and return one or multiple random members from a set", "write set fast", NULL },
    { "srandmember", -2, R, cache_cmd_srandmember, 1, 1, 1, "set", "1.0.0",
      "Get one or multiple random members from a set", "read set slow", NULL },
    { "smove", 4, W | F, cache_cmd_smove, 1, 2, 1, "set", "1.0.0",
      "Move a member from one set to another", "write set fast", NULL },
    { "sinter", -2, R, cache_cmd_sinter, 1, -1, 1, "set", "1.0.0", "Intersect multiple sets",
      "read set slow", NULL },
    { "sinterstore", -3, W | DOM, cache_cmd_sinterstore, 1, -1, 1, "set", "1.0.0",
      "Intersect multiple sets and store the resulting set in a key", "write set slow", NULL },
    { "sunion", -2, R, cache_cmd_sunion, 1, -1, 1, "set", "1.0.0", "Add multiple sets",
      "read set slow", NULL },
    { "sunionstore", -3, W | DOM, cache_cmd_sunionstore, 1, -1, 1, "set", "1.0.0",
      "Add multiple sets and store the resulting set in a key", "write set slow", NULL },
    { "sdiff", -2, R, cache_cmd_sdiff, 1, -1, 1, "set", "1.0.0", "Subtract multiple sets",
      "read set slow", NULL },
    { "sdiffstore", -3, W | DOM, cache_cmd_sdiffstore, 1, -1, 1, "set", "1.0.0",
      "Subtract multiple sets and store the resulting set in a key", "write set slow", NULL },
    /* movablekeys: COMMAND INFO reports no fixed key range (0 0 0). */
    { "sintercard", -3, R, cache_cmd_sintercard, 0, 0, 0, "set", "7.0.0",
      "Intersect multiple sets and return the cardinality of the result", "read set slow", NULL },
    { "sscan", -3, R, cache_cmd_sscan, 1, 1, 1, "set", "2.8.0",
      "Incrementally iterate Set elements", "read set slow", NULL },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL },
};
