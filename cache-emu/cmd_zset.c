/*
 * The sorted set commands (ZADD ... BZPOPMAX): argument parsing, key lookup
 * and the replies, with Redis 7.0's exact texts, reply shapes per protocol
 * (RESP3 pairs [member, double] where RESP2 has a flat list of bulks) and
 * order of checks. The data structure and both encodings are t_zset.c's;
 * this file only drives them.
 *
 * Keys: a sorted set is created by the first ZADD / ZINCRBY that adds to it
 * and deleted by the command that empties it. A stored object may move when
 * its database changes (db.h); its payload does not, so handlers keep the
 * struct cache_zset across a second lookup or an add.
 *
 * All the range commands (ZRANGE and its BYSCORE / BYLEX / REV / LIMIT /
 * WITHSCORES forms, the older ZRANGEBYSCORE family and ZRANGESTORE) go
 * through one function, as Redis's zrangeGenericCommand, with the result
 * written either to the client or into a new set (a small "emitter"). The
 * set operations (ZUNION / ZINTER / ZDIFF, their *STORE forms, ZINTERCARD)
 * go through another, as zunionInterDiffGenericCommand; they accept plain
 * sets as inputs (every member scoring 1).
 *
 * Blocking (BZPOPMIN, BZPOPMAX, BZMPOP) works as in cmd_list.c: with every
 * key missing the handler parks the client (cache_block_client) without a
 * reply, and the server re-runs the command once a key is ready.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/cmd.h"
#include "cache-emu/command.h"
#include "cache-emu/t_set.h"
#include "cache-emu/t_zset.h"
#include "common/err.h"

int cache_cmd_zadd(struct cache_client *c);
int cache_cmd_zincrby(struct cache_client *c);
int cache_cmd_zrem(struct cache_client *c);
int cache_cmd_zscore(struct cache_client *c);
int cache_cmd_zmscore(struct cache_client *c);
int cache_cmd_zcard(struct cache_client *c);
int cache_cmd_zcount(struct cache_client *c);
int cache_cmd_zlexcount(struct cache_client *c);
int cache_cmd_zrange(struct cache_client *c);
int cache_cmd_zrangestore(struct cache_client *c);
int cache_cmd_zrevrange(struct cache_client *c);
int cache_cmd_zrangebyscore(struct cache_client *c);
int cache_cmd_zrevrangebyscore(struct cache_client *c);
int cache_cmd_zrangebylex(struct cache_client *c);
int cache_cmd_zrevrangebylex(struct cache_client *c);
int cache_cmd_zrank(struct cache_client *c);
int cache_cmd_zrevrank(struct cache_client *c);
int cache_cmd_zremrangebyscore(struct cache_client *c);
int cache_cmd_zremrangebyrank(struct cache_client *c);
int cache_cmd_zremrangebylex(struct cache_client *c);
int cache_cmd_zpopmin(struct cache_client *c);
int cache_cmd_zpopmax(struct cache_client *c);
int cache_cmd_bzpopmin(struct cache_client *c);
int cache_cmd_bzpopmax(struct cache_client *c);
int cache_cmd_zmpop(struct cache_client *c);
int cache_cmd_bzmpop(struct cache_client *c);
int cache_cmd_zscan(struct cache_client *c);
int cache_cmd_zrandmember(struct cache_client *c);
int cache_cmd_zunionstore(struct cache_client *c);
int cache_cmd_zinterstore(struct cache_client *c);
int cache_cmd_zdiffstore(struct cache_client *c);
int cache_cmd_zunion(struct cache_client *c);
int cache_cmd_zinter(struct cache_client *c);
int cache_cmd_zdiff(struct cache_client *c);
int cache_cmd_zintercard(struct cache_client *c);

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

/* The sorted set at key for a read: NULL when absent (*wrong false: the
 * caller replies) or after replying WRONGTYPE (*wrong true). */
static struct cache_zset *zset_for_read(struct cache_client *c, const struct cache_resp_arg *key,
                                        bool *wrong)
{
    struct cache_obj *o = cache_lookup_read(c, key);
    *wrong = !cache_check_type(c, o, CACHE_TYPE_ZSET);
    return o && !*wrong ? o->ptr : NULL;
}

static bool parse_score_range(struct cache_client *c, size_t imin, size_t imax,
                              struct cache_zset_range *r)
{
    int rc = cache_zset_parse_range(c->argv[imin].ptr, c->argv[imin].len, c->argv[imax].ptr,
                                    c->argv[imax].len, r);
    if (rc) {
        cache_reply_error(c, "ERR min or max is not a float");
        return false;
    }
    return true;
}

static bool parse_lex_range(struct cache_client *c, size_t imin, size_t imax,
                            struct cache_zset_lex_range *r)
{
    int rc = cache_zset_parse_lex_range(c->argv[imin].ptr, c->argv[imin].len, c->argv[imax].ptr,
                                        c->argv[imax].len, r);
    if (rc) {
        cache_reply_error(c, "ERR min or max not valid string range item");
        return false;
    }
    return true;
}

/* ---- ZADD / ZINCRBY ---- */

/* zaddGenericCommand: options, then the scores, then the key. */
static int zadd_generic(struct cache_client *c, int flags)
{
    bool ch = false;
    size_t scoreidx = 2;
    for (; scoreidx < c->argc; scoreidx++) {
        if (cache_arg_is(c, scoreidx, "nx"))
            flags |= CACHE_ZADD_NX;
        else if (cache_arg_is(c, scoreidx, "xx"))
            flags |= CACHE_ZADD_XX;
        else if (cache_arg_is(c, scoreidx, "ch"))
            ch = true;
        else if (cache_arg_is(c, scoreidx, "incr"))
            flags |= CACHE_ZADD_INCR;
        else if (cache_arg_is(c, scoreidx, "gt"))
            flags |= CACHE_ZADD_GT;
        else if (cache_arg_is(c, scoreidx, "lt"))
            flags |= CACHE_ZADD_LT;
        else
            break;
    }
    bool incr = flags & CACHE_ZADD_INCR, nx = flags & CACHE_ZADD_NX, xx = flags & CACHE_ZADD_XX;
    bool gt = flags & CACHE_ZADD_GT, lt = flags & CACHE_ZADD_LT;
    size_t elements = c->argc - scoreidx;
    if (elements % 2 || !elements) {
        cache_reply_syntax(c);
        return DD_OK;
    }
    elements /= 2;
    if (nx && xx) {
        cache_reply_error(c, "ERR XX and NX options at the same time are not compatible");
        return DD_OK;
    }
    if ((gt && nx) || (lt && nx) || (gt && lt)) {
        cache_reply_error(c, "ERR GT, LT, and/or NX options at the same time are not compatible");
        return DD_OK;
    }
    if (incr && elements > 1) {
        cache_reply_error(c, "ERR INCR option supports a single increment-element pair");
        return DD_OK;
    }
    /* Request-scoped scratch, not keyspace memory. */
    double small[16];
    double *scores = elements <= 16 ? small : malloc(elements * sizeof(*scores));
    if (!scores)
        return DD_ENOMEM;
    int rc = DD_OK;
    long long added = 0, updated = 0, processed = 0;
    double score = 0;
    bool replied = false;
    const struct cache_resp_arg *key = &c->argv[1];
    for (size_t j = 0; j < elements; j++)
        if (!cache_arg_double(c, scoreidx + j * 2, &scores[j]))
            goto done;
    struct cache_obj *o = cache_lookup_write(c, key);
    if (!cache_check_type(c, o, CACHE_TYPE_ZSET))
        goto done;
    if (o || !xx) { /* no key + XX: nothing to do */
        bool created = !o;
        if (created && !(o = cache_zset_obj_new(ks_of(c)))) {
            rc = DD_ENOMEM;
            goto done;
        }
        struct cache_zset *z = o->ptr;
        for (size_t j = 0; j < elements; j++) {
            const struct cache_resp_arg *m = &c->argv[scoreidx + 1 + j * 2];
            int out;
            double newscore;
            int r = cache_zset_add(ks_of(c), z, settings_of(c), m->ptr, m->len, scores[j], flags,
                                   &out, &newscore);
            if (r == DD_ERANGE) {
                cache_reply_error(c, "ERR resulting score is not a number (NaN)");
                replied = true;
                break;
            }
            if (r) {
                rc = r;
                break;
            }
            if (out & CACHE_ZADD_ADDED)
                added++;
            if (out & CACHE_ZADD_UPDATED)
                updated++;
            if (!(out & CACHE_ZADD_NOP)) {
                processed++;
                score = newscore;
            }
        }
        if (created) {
            int r = cache_zset_len(z)
                        ? cache_db_add(c->db, key->ptr, key->len, o, cache_now_ms(c->srv), NULL)
                        : DD_ENOENT;
            if (r) {
                cache_obj_free(ks_of(c), o);
                if (r != DD_ENOENT)
                    rc = r;
            }
        }
        if (added || updated)
            cache_signal_modified(c, key);
        if (added)
            cache_signal_key_ready(c, key);
    }
    if (rc == DD_OK && !replied) {
        if (!incr)
            cache_reply_ll(c, ch ? added + updated : added);
        else if (processed)
            cache_reply_double(c, score);
        else
            cache_reply_null(c);
    }
done:
    if (scores != small)
        free(scores);
    return rc;
}

int cache_cmd_zadd(struct cache_client *c)
{
    return zadd_generic(c, 0);
}

int cache_cmd_zincrby(struct cache_client *c)
{
    return zadd_generic(c, CACHE_ZADD_INCR);
}

/* ---- ZREM, point reads ---- */

int cache_cmd_zrem(struct cache_client *c)
{
    const struct cache_resp_arg *key = &c->argv[1];
    struct cache_obj *o = cache_lookup_write(c, key);
    if (!cache_check_type(c, o, CACHE_TYPE_ZSET))
        return DD_OK;
    long long deleted = 0;
    if (o) {
        struct cache_zset *z = o->ptr;
        for (size_t j = 2; j < c->argc; j++) {
            if (cache_zset_delete(ks_of(c), z, c->argv[j].ptr, c->argv[j].len) == DD_OK)
                deleted++;
            if (!cache_zset_len(z)) {
                del_key(c, key);
                break;
            }
        }
        if (deleted)
            cache_signal_modified(c, key);
    }
    cache_reply_ll(c, deleted);
    return DD_OK;
}

int cache_cmd_zscore(struct cache_client *c)
{
    bool wrong;
    struct cache_zset *z = zset_for_read(c, &c->argv[1], &wrong);
    if (wrong)
        return DD_OK;
    double s;
    if (z && cache_zset_score(z, c->argv[2].ptr, c->argv[2].len, &s) == DD_OK)
        cache_reply_double(c, s);
    else
        cache_reply_null(c);
    return DD_OK;
}

int cache_cmd_zmscore(struct cache_client *c)
{
    bool wrong;
    struct cache_zset *z = zset_for_read(c, &c->argv[1], &wrong);
    if (wrong)
        return DD_OK;
    cache_reply_array(c, c->argc - 2);
    for (size_t j = 2; j < c->argc; j++) {
        double s;
        if (z && cache_zset_score(z, c->argv[j].ptr, c->argv[j].len, &s) == DD_OK)
            cache_reply_double(c, s);
        else
            cache_reply_null(c);
    }
    return DD_OK;
}

int cache_cmd_zcard(struct cache_client *c)
{
    bool wrong;
    struct cache_zset *z = zset_for_read(c, &c->argv[1], &wrong);
    if (!wrong)
        cache_reply_ll(c, z ? (long long)cache_zset_len(z) : 0);
    return DD_OK;
}

int cache_cmd_zcount(struct cache_client *c)
{
    struct cache_zset_range r;
    if (!parse_score_range(c, 2, 3, &r))
        return DD_OK;
    bool wrong;
    struct cache_zset *z = zset_for_read(c, &c->argv[1], &wrong);
    if (!wrong)
        cache_reply_ll(c, z ? (long long)cache_zset_count_range(z, &r) : 0);
    return DD_OK;
}

int cache_cmd_zlexcount(struct cache_client *c)
{
    struct cache_zset_lex_range r;
    if (!parse_lex_range(c, 2, 3, &r))
        return DD_OK;
    bool wrong;
    struct cache_zset *z = zset_for_read(c, &c->argv[1], &wrong);
    if (!wrong)
        cache_reply_ll(c, z ? (long long)cache_zset_count_lex_range(z, &r) : 0);
    return DD_OK;
}

static int rank_generic(struct cache_client *c, bool reverse)
{
    bool wrong;
    struct cache_zset *z = zset_for_read(c, &c->argv[1], &wrong);
    if (wrong)
        return DD_OK;
    size_t rank;
    if (z && cache_zset_rank(z, c->argv[2].ptr, c->argv[2].len, reverse, &rank) == DD_OK)
        cache_reply_ll(c, (long long)rank);
    else
        cache_reply_null(c);
    return DD_OK;
}

int cache_cmd_zrank(struct cache_client *c)
{
    return rank_generic(c, false);
}

int cache_cmd_zrevrank(struct cache_client *c)
{
    return rank_generic(c, true);
}

/* ---- the range family ---- */

/*
 * Where a range result goes (Redis's zrange_result_handler): to the client,
 * as an array (flat member/score bulks in RESP2, [member, double] pairs in
 * RESP3 when with scores), or into a new sorted set for ZRANGESTORE.
 */
struct emitter {
    struct cache_client *c;
    bool withscores;
    bool store;            /* ZRANGESTORE: into dst */
    struct cache_obj *dst; /* the set being built, owned until stored */
    size_t handle;         /* deferred array length */
    bool deferred;
    size_t count; /* members emitted */
    int rc;       /* first failure while storing */
};

static void emit_begin(struct emitter *e, long long length)
{
    struct cache_client *c = e->c;
    e->count = 0;
    e->rc = DD_OK;
    if (e->store) {
        e->dst = cache_zset_obj_new(ks_of(c));
        if (!e->dst)
            e->rc = DD_ENOMEM;
        /* zsetTypeCreate(length): a result known to be too long for a
         * listpack starts as a skiplist, which keeps the sign of -0. */
        else if (length > settings_of(c)->zset_max_listpack_entries)
            e->rc = cache_zset_to_skiplist(ks_of(c), e->dst->ptr);
        return;
    }
    e->deferred = length < 0;
    if (e->deferred)
        e->handle = cache_reply_defer(c);
    else
        cache_reply_array(c, (size_t)length * (e->withscores && c->proto < CACHE_RESP3 ? 2 : 1));
}

static void emit(struct emitter *e, const char *m, size_t mlen, double score)
{
    struct cache_client *c = e->c;
    e->count++;
    if (e->store) {
        int out;
        if (e->rc == DD_OK)
            e->rc = cache_zset_add(ks_of(c), e->dst->ptr, settings_of(c), m, mlen, score, 0, &out,
                                   NULL);
        return;
    }
    if (e->withscores && c->proto >= CACHE_RESP3)
        cache_reply_array(c, 2);
    cache_reply_bulk(c, m, mlen);
    if (e->withscores)
        cache_reply_double(c, score);
}

/* Ends the result: the array length, or ZRANGESTORE's store and reply. */
static int emit_end(struct emitter *e, const struct cache_resp_arg *dstkey)
{
    struct cache_client *c = e->c;
    if (!e->store) {
        if (e->deferred)
            cache_reply_defer_set(c, e->handle, 'a',
                                  e->count * (e->withscores && c->proto < CACHE_RESP3 ? 2 : 1));
        return DD_OK;
    }
    if (e->rc) {
        cache_obj_free(ks_of(c), e->dst);
        return e->rc;
    }
    if (e->count) {
        int rc = cache_db_set(c->db, dstkey->ptr, dstkey->len, e->dst, false, cache_now_ms(c->srv),
                              NULL);
        if (rc) {
            cache_obj_free(ks_of(c), e->dst);
            return rc;
        }
        cache_reply_ll(c, (long long)e->count);
        cache_signal_modified(c, dstkey);
        cache_signal_key_ready(c, dstkey);
    } else {
        cache_obj_free(ks_of(c), e->dst);
        cache_reply_ll(c, 0);
        if (cache_db_delete(c->db, dstkey->ptr, dstkey->len, cache_now_ms(c->srv)) == DD_OK)
            cache_signal_modified(c, dstkey);
    }
    return DD_OK;
}

enum range_type { RANGE_AUTO, RANGE_RANK, RANGE_SCORE, RANGE_LEX };
enum range_dir { DIR_AUTO, DIR_FORWARD, DIR_REVERSE };

static void range_by_rank(struct emitter *e, const struct cache_zset *z, long long start,
                          long long end, bool reverse)
{
    long long llen = (long long)cache_zset_len(z);
    if (start < 0)
        start = llen + start;
    if (end < 0)
        end = llen + end;
    if (start < 0)
        start = 0;
    if (start > end || start >= llen) {
        emit_begin(e, 0);
        return;
    }
    if (end >= llen)
        end = llen - 1;
    long long n = end - start + 1;
    emit_begin(e, n);
    struct cache_zset_iter it;
    cache_zset_iter_init(&it, z, reverse ? (size_t)(llen - 1 - start) : (size_t)start, reverse);
    const char *m;
    size_t mlen;
    double s;
    while (n-- > 0 && cache_zset_iter_next(&it, &m, &mlen, &s))
        emit(e, m, mlen, s);
}

/* BYSCORE / BYLEX with LIMIT (genericZrangebyscoreCommand and the lex twin):
 * start at the first member in range from the chosen end, skip offset
 * members without looking at them (a negative offset skips them all), then
 * emit up to limit (negative: no limit) while the far bound holds. */
static void range_by_bounds(struct emitter *e, const struct cache_zset *z,
                            const struct cache_zset_range *sr,
                            const struct cache_zset_lex_range *lr, long long offset,
                            long long limit, bool reverse)
{
    if (offset > 0 && (unsigned long long)offset >= cache_zset_len(z)) {
        emit_begin(e, 0);
        return;
    }
    emit_begin(e, -1);
    size_t rank;
    bool found = sr ? cache_zset_first_in_range(z, sr, reverse, &rank)
                    : cache_zset_first_in_lex_range(z, lr, reverse, &rank);
    if (!found || offset < 0)
        return;
    struct cache_zset_iter it;
    cache_zset_iter_init(&it, z, rank, reverse);
    const char *m;
    size_t mlen;
    double s;
    while (offset > 0 && cache_zset_iter_next(&it, &m, &mlen, &s))
        offset--;
    if (limit < 0)
        limit = -1; /* no limit; keeps the countdown below from overflowing */
    while (limit-- != 0 && cache_zset_iter_next(&it, &m, &mlen, &s)) {
        bool in;
        if (sr)
            in = reverse ? cache_zset_score_gte_min(s, sr) : cache_zset_score_lte_max(s, sr);
        else
            in =
                reverse ? cache_zset_lex_gte_min(m, mlen, lr) : cache_zset_lex_lte_max(m, mlen, lr);
        if (!in)
            break;
        emit(e, m, mlen, s);
    }
}

/*
 * zrangeGenericCommand: key at argv[start] (ZRANGESTORE: dst at start - 1),
 * then min and max, then options. Checks in Redis's order: options, their
 * conflicts, the range, then the key.
 */
static int zrange_generic(struct cache_client *c, size_t start, bool store, enum range_type type,
                          enum range_dir dir)
{
    size_t minidx = start + 1, maxidx = start + 2;
    bool withscores = false;
    long long offset = 0, limit = -1;
    for (size_t j = start + 3; j < c->argc; j++) {
        size_t left = c->argc - j - 1;
        if (!store && cache_arg_is(c, j, "withscores")) {
            withscores = true;
        } else if (cache_arg_is(c, j, "limit") && left >= 2) {
            if (!cache_arg_ll(c, j + 1, &offset) || !cache_arg_ll(c, j + 2, &limit))
                return DD_OK;
            j += 2;
        } else if (dir == DIR_AUTO && cache_arg_is(c, j, "rev")) {
            dir = DIR_REVERSE;
        } else if (type == RANGE_AUTO && cache_arg_is(c, j, "bylex")) {
            type = RANGE_LEX;
        } else if (type == RANGE_AUTO && cache_arg_is(c, j, "byscore")) {
            type = RANGE_SCORE;
        } else {
            cache_reply_syntax(c);
            return DD_OK;
        }
    }
    if (dir == DIR_AUTO)
        dir = DIR_FORWARD;
    if (type == RANGE_AUTO)
        type = RANGE_RANK;
    if (limit != -1 && type == RANGE_RANK) {
        cache_reply_error(c, "ERR syntax error, LIMIT is only supported in combination with "
                             "either BYSCORE or BYLEX");
        return DD_OK;
    }
    if (withscores && type == RANGE_LEX) {
        cache_reply_error(c,
                          "ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        return DD_OK;
    }
    bool reverse = dir == DIR_REVERSE;
    if (reverse && type != RANGE_RANK) {
        size_t t = minidx;
        minidx = maxidx;
        maxidx = t;
    }
    long long rstart = 0, rend = 0;
    struct cache_zset_range sr;
    struct cache_zset_lex_range lr;
    if (type == RANGE_RANK) {
        if (!cache_arg_ll(c, minidx, &rstart) || !cache_arg_ll(c, maxidx, &rend))
            return DD_OK;
    } else if (type == RANGE_SCORE) {
        if (!parse_score_range(c, minidx, maxidx, &sr))
            return DD_OK;
    } else if (!parse_lex_range(c, minidx, maxidx, &lr)) {
        return DD_OK;
    }
    struct emitter e = { .c = c, .withscores = withscores || store, .store = store };
    bool wrong;
    struct cache_zset *z = zset_for_read(c, &c->argv[start], &wrong);
    if (wrong)
        return DD_OK;
    if (!z) {
        if (!store) {
            cache_reply_array(c, 0);
            return DD_OK;
        }
        emit_begin(&e, -1);
        return emit_end(&e, &c->argv[start - 1]);
    }
    if (type == RANGE_RANK)
        range_by_rank(&e, z, rstart, rend, reverse);
    else
        range_by_bounds(&e, z, type == RANGE_SCORE ? &sr : NULL, type == RANGE_LEX ? &lr : NULL,
                        offset, limit, reverse);
    return emit_end(&e, store ? &c->argv[start - 1] : NULL);
}

int cache_cmd_zrange(struct cache_client *c)
{
    return zrange_generic(c, 1, false, RANGE_AUTO, DIR_AUTO);
}

int cache_cmd_zrangestore(struct cache_client *c)
{
    return zrange_generic(c, 2, true, RANGE_AUTO, DIR_AUTO);
}

int cache_cmd_zrevrange(struct cache_client *c)
{
    return zrange_generic(c, 1, false, RANGE_RANK, DIR_REVERSE);
}

int cache_cmd_zrangebyscore(struct cache_client *c)
{
    return zrange_generic(c, 1, false, RANGE_SCORE, DIR_FORWARD);
}

int cache_cmd_zrevrangebyscore(struct cache_client *c)
{
    return zrange_generic(c, 1, false, RANGE_SCORE, DIR_REVERSE);
}

int cache_cmd_zrangebylex(struct cache_client *c)
{
    return zrange_generic(c, 1, false, RANGE_LEX, DIR_FORWARD);
}

int cache_cmd_zrevrangebylex(struct cache_client *c)
{
    return zrange_generic(c, 1, false, RANGE_LEX, DIR_REVERSE);
}

/* ---- ZREMRANGEBY* ---- */

/* zremrangeGenericCommand: parse the range, then the key. */
static int zremrange_generic(struct cache_client *c, enum range_type type)
{
    long long start = 0, end = 0;
    struct cache_zset_range sr;
    struct cache_zset_lex_range lr;
    if (type == RANGE_RANK) {
        if (!cache_arg_ll(c, 2, &start) || !cache_arg_ll(c, 3, &end))
            return DD_OK;
    } else if (type == RANGE_SCORE) {
        if (!parse_score_range(c, 2, 3, &sr))
            return DD_OK;
    } else if (!parse_lex_range(c, 2, 3, &lr)) {
        return DD_OK;
    }
    const struct cache_resp_arg *key = &c->argv[1];
    struct cache_obj *o = cache_lookup_write(c, key);
    if (!cache_check_type(c, o, CACHE_TYPE_ZSET))
        return DD_OK;
    if (!o) {
        cache_reply_ll(c, 0);
        return DD_OK;
    }
    struct cache_zset *z = o->ptr;
    size_t deleted;
    if (type == RANGE_RANK) {
        long long llen = (long long)cache_zset_len(z);
        if (start < 0)
            start = llen + start;
        if (end < 0)
            end = llen + end;
        if (start < 0)
            start = 0;
        if (start > end || start >= llen) {
            cache_reply_ll(c, 0);
            return DD_OK;
        }
        if (end >= llen)
            end = llen - 1;
        deleted = cache_zset_delete_ranks(ks_of(c), z, (size_t)start, (size_t)end);
    } else if (type == RANGE_SCORE) {
        deleted = cache_zset_delete_range(ks_of(c), z, &sr);
    } else {
        deleted = cache_zset_delete_lex_range(ks_of(c), z, &lr);
    }
    if (deleted) {
        if (!cache_zset_len(z))
            del_key(c, key);
        cache_signal_modified(c, key);
    }
    cache_reply_ll(c, (long long)deleted);
    return DD_OK;
}

int cache_cmd_zremrangebyscore(struct cache_client *c)
{
    return zremrange_generic(c, RANGE_SCORE);
}

int cache_cmd_zremrangebyrank(struct cache_client *c)
{
    return zremrange_generic(c, RANGE_RANK);
}

int cache_cmd_zremrangebylex(struct cache_client *c)
{
    return zremrange_generic(c, RANGE_LEX);
}

/* ---- pops ---- */

/* How a pop replies (genericZpopCommand's emitkey / use_nested_array). */
enum pop_shape {
    POP_FLAT,     /* ZPOPMIN: [m, s, m, s ...]; RESP3 with COUNT: [[m, s] ...] */
    POP_WITH_KEY, /* BZPOPMIN: [key, m, s] */
    POP_NESTED,   /* [B]ZMPOP: [key, [[m, s] ...]] */
};

/*
 * Pops up to count (-1: one, no COUNT given) members from the lowest (or
 * highest, max) end of the first non-empty set among keys and replies in
 * shape. With no such set: the null array when nil_when_empty, else [].
 * WRONGTYPE on the first key that exists and is not a set.
 */
static int zpop_generic(struct cache_client *c, const struct cache_resp_arg *keys, size_t nkeys,
                        bool max, enum pop_shape shape, long long count, bool nil_when_empty)
{
    struct cache_obj *o = NULL;
    const struct cache_resp_arg *key = NULL;
    for (size_t i = 0; i < nkeys && !o; i++) {
        key = &keys[i];
        o = cache_lookup_write(c, key);
        if (!cache_check_type(c, o, CACHE_TYPE_ZSET))
            return DD_OK;
    }
    if (!o) {
        if (nil_when_empty)
            cache_reply_null_array(c);
        else
            cache_reply_array(c, 0);
        return DD_OK;
    }
    if (count == 0) {
        cache_reply_array(c, 0);
        return DD_OK;
    }
    bool nested =
        shape == POP_NESTED || (shape == POP_FLAT && count != -1 && c->proto >= CACHE_RESP3);
    if (count == -1)
        count = 1;
    struct cache_zset *z = o->ptr;
    size_t len = cache_zset_len(z);
    size_t n = (unsigned long long)count > len ? len : (size_t)count;
    if (shape == POP_FLAT) {
        cache_reply_array(c, nested ? n : n * 2);
    } else if (shape == POP_WITH_KEY) {
        cache_reply_array(c, n * 2 + 1);
        cache_reply_bulk(c, key->ptr, key->len);
    } else {
        cache_reply_array(c, 2);
        cache_reply_bulk(c, key->ptr, key->len);
        cache_reply_array(c, n);
    }
    struct cache_zset_iter it;
    cache_zset_iter_init(&it, z, max ? len - 1 : 0, max);
    const char *m;
    size_t mlen;
    double s;
    for (size_t k = 0; k < n && cache_zset_iter_next(&it, &m, &mlen, &s); k++) {
        if (nested)
            cache_reply_array(c, 2);
        cache_reply_bulk(c, m, mlen);
        cache_reply_double(c, s);
    }
    (void)cache_zset_delete_ranks(ks_of(c), z, max ? len - n : 0, max ? len - 1 : n - 1);
    if (!cache_zset_len(z))
        del_key(c, key);
    cache_signal_modified(c, key);
    return DD_OK;
}

/* ZPOPMIN / ZPOPMAX key [count] */
static int zpopminmax(struct cache_client *c, bool max)
{
    if (c->argc > 3) {
        cache_reply_syntax(c);
        return DD_OK;
    }
    long long count = -1;
    if (c->argc == 3 &&
        !cache_arg_ll_min(c, 2, 0, "ERR value is out of range, must be positive", &count))
        return DD_OK;
    return zpop_generic(c, &c->argv[1], 1, max, POP_FLAT, count, false);
}

int cache_cmd_zpopmin(struct cache_client *c)
{
    return zpopminmax(c, false);
}

int cache_cmd_zpopmax(struct cache_client *c)
{
    return zpopminmax(c, true);
}

/* blockingGenericZpopCommand: serve from the first non-empty set, else
 * block on all the keys. */
static int bzpop_generic(struct cache_client *c, const struct cache_resp_arg *keys, size_t nkeys,
                         bool max, enum pop_shape shape, long long count, int64_t deadline)
{
    for (size_t i = 0; i < nkeys; i++) {
        struct cache_obj *o = cache_lookup_blocked(c, &keys[i], CACHE_TYPE_ZSET);
        if (!o)
            continue;
        if (!cache_check_type(c, o, CACHE_TYPE_ZSET))
            return DD_OK;
        return zpop_generic(c, &keys[i], 1, max, shape, count, true);
    }
    return cache_block_client(c, keys, nkeys, deadline);
}

static int bzpopminmax(struct cache_client *c, bool max)
{
    int64_t deadline;
    if (!cache_arg_timeout(c, c->argc - 1, &deadline))
        return DD_OK;
    return bzpop_generic(c, &c->argv[1], c->argc - 2, max, POP_WITH_KEY, -1, deadline);
}

int cache_cmd_bzpopmin(struct cache_client *c)
{
    return bzpopminmax(c, false);
}

int cache_cmd_bzpopmax(struct cache_client *c)
{
    return bzpopminmax(c, true);
}

/* [B]ZMPOP [timeout] numkeys key [key ...] MIN|MAX [COUNT count]
 * (zmpopGenericCommand); first is the index of numkeys. */
static int zmpop_generic(struct cache_client *c, size_t first, bool blocking)
{
    long long numkeys;
    if (!cache_arg_ll_min(c, first, 1, "ERR numkeys should be greater than 0", &numkeys))
        return DD_OK;
    if ((unsigned long long)numkeys >= c->argc - first - 1) {
        cache_reply_syntax(c);
        return DD_OK;
    }
    size_t keys = first + 1, wpos = keys + (size_t)numkeys;
    bool max;
    if (cache_arg_is(c, wpos, "min"))
        max = false;
    else if (cache_arg_is(c, wpos, "max"))
        max = true;
    else {
        cache_reply_syntax(c);
        return DD_OK;
    }
    long long count = -1;
    for (size_t j = wpos + 1; j < c->argc; j++) {
        if (count == -1 && cache_arg_is(c, j, "count") && j + 1 < c->argc) {
            j++;
            if (!cache_arg_ll_min(c, j, 1, "ERR count should be greater than 0", &count))
                return DD_OK;
        } else {
            cache_reply_syntax(c);
            return DD_OK;
        }
    }
    if (count == -1)
        count = 1;
    if (!blocking)
        return zpop_generic(c, &c->argv[keys], (size_t)numkeys, max, POP_NESTED, count, true);
    int64_t deadline;
    if (!cache_arg_timeout(c, 1, &deadline))
        return DD_OK;
    return bzpop_generic(c, &c->argv[keys], (size_t)numkeys, max, POP_NESTED, count, deadline);
}

int cache_cmd_zmpop(struct cache_client *c)
{
    return zmpop_generic(c, 1, false);
}

int cache_cmd_bzmpop(struct cache_client *c)
{
    return zmpop_generic(c, 2, true);
}

/* ---- ZSCAN ---- */

struct scan_item {
    const char *m;
    size_t mlen;
    double score;
};

struct scan_acc {
    struct scan_item *v;
    size_t n, cap;
    bool oom;
};

static void scan_collect(void *ctx, const char *m, size_t mlen, double score)
{
    struct scan_acc *a = ctx;
    if (a->oom)
        return;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 32;
        struct scan_item *v = realloc(a->v, cap * sizeof(*v));
        if (!v) {
            a->oom = true;
            return;
        }
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = (struct scan_item){ m, mlen, score };
}

/* parseScanCursorOrReply: strtoul over the whole argument, no leading
 * blank, no overflow (so "" is 0 and "-1" wraps, as in Redis). */
static bool parse_cursor(const struct cache_resp_arg *a, uint64_t *out)
{
    char buf[64];
    if (a->len >= sizeof(buf))
        return false;
    memcpy(buf, a->ptr, a->len);
    buf[a->len] = '\0';
    if (buf[0] == ' ' || (buf[0] >= '\t' && buf[0] <= '\r'))
        return false;
    char *end;
    errno = 0;
    unsigned long v = strtoul(buf, &end, 10);
    if (*end != '\0' || errno == ERANGE)
        return false;
    *out = v;
    return true;
}

/*
 * A score as ZSCAN writes it: always a bulk string. A skiplist set formats
 * the double ("%.17g"); a listpack set returns the text it stores, which is
 * the integer itself when the score is integral within +-LLONG_MAX/2 (Redis
 * 7.0's double2ll() in zzlInsertAt), else "%.17g".
 */
static void reply_score_text(struct cache_client *c, double s, bool listpack)
{
    char buf[64];
    int n;
    if (isinf(s))
        n = snprintf(buf, sizeof(buf), "%s", s > 0 ? "inf" : "-inf");
    else if (listpack && s >= (double)(-LLONG_MAX / 2) && s <= (double)(LLONG_MAX / 2) &&
             (double)(long long)s == s)
        n = snprintf(buf, sizeof(buf), "%lld", (long long)s);
    else
        n = snprintf(buf, sizeof(buf), "%.17g", s);
    cache_reply_bulk(c, buf, (size_t)n);
}

int cache_cmd_zscan(struct cache_client *c)
{
    uint64_t cursor;
    if (!parse_cursor(&c->argv[2], &cursor)) {
        cache_reply_error(c, "ERR invalid cursor");
        return DD_OK;
    }
    bool wrong;
    struct cache_zset *z = zset_for_read(c, &c->argv[1], &wrong);
    if (wrong)
        return DD_OK;
    if (!z) {
        cache_reply_array(c, 2);
        cache_reply_bulk(c, "0", 1);
        cache_reply_array(c, 0);
        return DD_OK;
    }
    long long count;
    const struct cache_resp_arg *match;
    if (!cache_arg_scan_options(c, 3, &count, &match))
        return DD_OK;
    const char *pat = match ? match->ptr : NULL;
    size_t patlen = match ? match->len : 0;
    struct scan_acc acc = { 0 };
    uint64_t next = cache_zset_scan(z, cursor, (size_t)count, scan_collect, &acc);
    if (acc.oom) {
        free(acc.v);
        return DD_ENOMEM;
    }
    bool listpack = strcmp(cache_zset_encoding(z), "listpack") == 0;
    size_t kept = 0;
    for (size_t i = 0; i < acc.n; i++)
        if (!pat || cache_glob_match(pat, patlen, acc.v[i].m, acc.v[i].mlen, false))
            acc.v[kept++] = acc.v[i];
    char cbuf[32];
    int cn = snprintf(cbuf, sizeof(cbuf), "%llu", (unsigned long long)next);
    cache_reply_array(c, 2);
    cache_reply_bulk(c, cbuf, (size_t)cn);
    cache_reply_array(c, kept * 2);
    for (size_t i = 0; i < kept; i++) {
        cache_reply_bulk(c, acc.v[i].m, acc.v[i].mlen);
        reply_score_text(c, acc.v[i].score, listpack);
    }
    free(acc.v);
    return DD_OK;
}

/* ---- ZRANDMEMBER ---- */

static uint64_t rand_state = 0x2545F4914F6CDD1DULL;

static size_t rand_index(size_t n)
{
    rand_state ^= rand_state >> 12;
    rand_state ^= rand_state << 25;
    rand_state ^= rand_state >> 27;
    return (size_t)((rand_state * 0x2545F4914F6CDD1DULL) % n);
}

static void reply_at_rank(struct cache_client *c, const struct cache_zset *z, size_t rank,
                          bool withscores)
{
    struct cache_zset_iter it;
    const char *m;
    size_t mlen;
    double s;
    cache_zset_iter_init(&it, z, rank, false);
    (void)cache_zset_iter_next(&it, &m, &mlen, &s);
    if (withscores && c->proto >= CACHE_RESP3)
        cache_reply_array(c, 2);
    cache_reply_bulk(c, m, mlen);
    if (withscores)
        cache_reply_double(c, s);
}

/*
 * ZRANDMEMBER key [count [WITHSCORES]]. A negative count may repeat members;
 * a positive one returns distinct members (the whole set, in order, when
 * count >= its size). Which members come out is random, as in Redis.
 */
int cache_cmd_zrandmember(struct cache_client *c)
{
    if (c->argc < 3) {
        bool wrong;
        struct cache_zset *z = zset_for_read(c, &c->argv[1], &wrong);
        if (wrong)
            return DD_OK;
        if (!z) {
            cache_reply_null(c);
            return DD_OK;
        }
        reply_at_rank(c, z, rand_index(cache_zset_len(z)), false);
        return DD_OK;
    }
    long long l;
    if (!cache_arg_ll_range(c, 2, -LLONG_MAX, LLONG_MAX,
                            "ERR value is out of range, value must between -9223372036854775807 "
                            "and 9223372036854775807",
                            &l))
        return DD_OK;
    bool withscores = false;
    if (c->argc > 4 || (c->argc == 4 && !cache_arg_is(c, 3, "withscores"))) {
        cache_reply_syntax(c);
        return DD_OK;
    }
    if (c->argc == 4) {
        withscores = true;
        if (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2) {
            cache_reply_error(c, "ERR value is out of range");
            return DD_OK;
        }
    }
    bool wrong;
    struct cache_zset *z = zset_for_read(c, &c->argv[1], &wrong);
    if (wrong)
        return DD_OK;
    if (!z || l == 0) {
        cache_reply_array(c, 0);
        return DD_OK;
    }
    size_t len = cache_zset_len(z);
    size_t pairs = withscores && c->proto < CACHE_RESP3 ? 2 : 1;
    if (l < 0) {
        size_t n = (size_t)(-l);
        cache_reply_array(c, n * pairs);
        while (n--)
            reply_at_rank(c, z, rand_index(len), withscores);
        return DD_OK;
    }
    if ((unsigned long long)l >= len) {
        cache_reply_array(c, len * pairs);
        struct cache_zset_iter it;
        const char *m;
        size_t mlen;
        double s;
        cache_zset_iter_init(&it, z, 0, false);
        while (cache_zset_iter_next(&it, &m, &mlen, &s)) {
            if (withscores && c->proto >= CACHE_RESP3)
                cache_reply_array(c, 2);
            cache_reply_bulk(c, m, mlen);
            if (withscores)
                cache_reply_double(c, s);
        }
        return DD_OK;
    }
    /* Distinct ranks: a partial Fisher-Yates shuffle over [0, len). */
    size_t n = (size_t)l;
    size_t *idx = malloc(len * sizeof(*idx));
    if (!idx)
        return DD_ENOMEM;
    for (size_t i = 0; i < len; i++)
        idx[i] = i;
    cache_reply_array(c, n * pairs);
    for (size_t i = 0; i < n; i++) {
        size_t j = i + rand_index(len - i);
        size_t t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        reply_at_rank(c, z, idx[i], withscores);
    }
    free(idx);
    return DD_OK;
}

/* ---- ZUNION / ZINTER / ZDIFF [STORE], ZINTERCARD ---- */

enum setop { OP_UNION, OP_INTER, OP_DIFF };
enum aggr { AGG_SUM, AGG_MIN, AGG_MAX };

/* One input: a sorted set, a plain set (every member scores 1) or absent. */
struct zsrc {
    const void *payload; /* NULL when the key is absent */
    enum cache_type type;
    double weight;
    size_t len;
};

/* A walk over either kind of input. */
struct zsrc_iter {
    const struct zsrc *s;
    struct cache_zset_iter zi;
    struct cache_set_iter si;
};

static void zsrc_iter_init(struct zsrc_iter *it, const struct zsrc *s)
{
    it->s = s;
    if (!s->payload)
        return;
    if (s->type == CACHE_TYPE_ZSET)
        cache_zset_iter_init(&it->zi, s->payload, 0, false);
    else
        cache_set_iter_init(&it->si, s->payload);
}

/* The next member (borrowed until the next call) and its unweighted score. */
static bool zsrc_iter_next(struct zsrc_iter *it, const char **m, size_t *n, double *score)
{
    if (!it->s->payload)
        return false;
    if (it->s->type == CACHE_TYPE_ZSET)
        return cache_zset_iter_next(&it->zi, m, n, score);
    *score = 1.0;
    return cache_set_iter_next(&it->si, m, n);
}

static bool zsrc_find(const struct zsrc *s, const char *m, size_t n, double *score)
{
    if (!s->payload)
        return false;
    if (s->type == CACHE_TYPE_ZSET)
        return cache_zset_score(s->payload, m, n, score) == DD_OK;
    *score = 1.0;
    return cache_set_contains(s->payload, m, n);
}

/* Redis's getDoubleFromObject(): the whole argument is a strtod() number,
 * no leading blank, no NaN, no overflow (a silent reader: the caller picks
 * the error text). */
static bool parse_double(const struct cache_resp_arg *a, double *out)
{
    char small[128];
    if (!a->len || a->ptr[0] == ' ' || (a->ptr[0] >= '\t' && a->ptr[0] <= '\r'))
        return false;
    char *buf = a->len < sizeof(small) ? small : malloc(a->len + 1);
    if (!buf)
        return false;
    memcpy(buf, a->ptr, a->len);
    buf[a->len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    bool ok = (size_t)(end - buf) == a->len && !isnan(v) &&
              !(errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || fpclassify(v) == FP_ZERO));
    if (buf != small)
        free(buf);
    *out = v;
    return ok;
}

/* zunionInterAggregate */
static void aggregate(double *target, double v, enum aggr a)
{
    if (a == AGG_SUM) {
        *target += v;
        if (isnan(*target))
            *target = 0.0; /* inf + -inf */
    } else if (a == AGG_MIN) {
        *target = v < *target ? v : *target;
    } else {
        *target = v > *target ? v : *target;
    }
}

/* Computes op over srcs into the new sorted set z; with cardinality_only,
 * counts the intersection into *card instead (stopping at limit, 0 = none). */
static int zsetop_compute(struct cache_client *c, struct zsrc *srcs, size_t n, enum setop op,
                          enum aggr agg, struct cache_zset *z, bool cardinality_only,
                          long long limit, long long *card)
{
    const char *m;
    size_t mlen;
    double s;
    int out;
    struct zsrc_iter it;
    if (op == OP_INTER) {
        if (!srcs[0].len)
            return DD_OK;
        zsrc_iter_init(&it, &srcs[0]);
        while (zsrc_iter_next(&it, &m, &mlen, &s)) {
            double score = srcs[0].weight * s;
            if (isnan(score))
                score = 0;
            size_t j;
            for (j = 1; j < n; j++) {
                double v;
                if (srcs[j].payload == srcs[0].payload)
                    v = s;
                else if (!zsrc_find(&srcs[j], m, mlen, &v))
                    break;
                aggregate(&score, v * srcs[j].weight, agg);
            }
            if (j < n)
                continue;
            if (cardinality_only) {
                ++*card;
                if (limit && *card >= limit)
                    break;
                continue;
            }
            int rc = cache_zset_add(ks_of(c), z, settings_of(c), m, mlen, score, 0, &out, NULL);
            if (rc)
                return rc;
        }
        return DD_OK;
    }
    if (op == OP_UNION) {
        for (size_t i = 0; i < n; i++) {
            zsrc_iter_init(&it, &srcs[i]);
            while (zsrc_iter_next(&it, &m, &mlen, &s)) {
                double score = srcs[i].weight * s, cur;
                if (isnan(score))
                    score = 0;
                if (cache_zset_score(z, m, mlen, &cur) == DD_OK) {
                    aggregate(&cur, score, agg);
                    score = cur;
                }
                int rc = cache_zset_add(ks_of(c), z, settings_of(c), m, mlen, score,
                                        CACHE_ZADD_EXACT, &out, NULL);
                if (rc)
                    return rc;
            }
        }
        return DD_OK;
    }
    /* DIFF: the first input's members found in no other, with their scores */
    zsrc_iter_init(&it, &srcs[0]);
    while (zsrc_iter_next(&it, &m, &mlen, &s)) {
        size_t j;
        double v;
        for (j = 1; j < n; j++)
            if (zsrc_find(&srcs[j], m, mlen, &v))
                break;
        if (j < n)
            continue;
        int rc = cache_zset_add(ks_of(c), z, settings_of(c), m, mlen, s, 0, &out, NULL);
        if (rc)
            return rc;
    }
    return DD_OK;
}

/*
 * zunionInterDiffGenericCommand: numkeys at argv[nk], the keys, then
 * WEIGHTS / AGGREGATE (not for DIFF), WITHSCORES (not for *STORE), LIMIT
 * (ZINTERCARD only). Checks in Redis's order: numkeys, the keys' types, the
 * options. dst is the *STORE destination, or NULL.
 */
static int zsetop_generic(struct cache_client *c, const struct cache_resp_arg *dst, size_t nk,
                          enum setop op, bool cardinality_only)
{
    long long setnum;
    if (!cache_arg_ll(c, nk, &setnum))
        return DD_OK;
    if (setnum < 1) {
        char name[64];
        cache_command_fullname(c->cmd, name, sizeof(name));
        cache_reply_errorf(c, "ERR at least 1 input key is needed for '%s' command", name);
        return DD_OK;
    }
    if ((unsigned long long)setnum > c->argc - (nk + 1)) {
        cache_reply_syntax(c);
        return DD_OK;
    }
    size_t n = (size_t)setnum;
    struct zsrc *srcs = calloc(n, sizeof(*srcs)); /* request-scoped */
    if (!srcs)
        return DD_ENOMEM;
    int rc = DD_OK;
    struct cache_obj *dobj = NULL;
    size_t j = nk + 1;
    for (size_t i = 0; i < n; i++, j++) {
        struct cache_obj *o = cache_lookup_read(c, &c->argv[j]); /* even for *STORE */
        srcs[i].weight = 1.0;
        if (!o)
            continue;
        if (o->type != CACHE_TYPE_ZSET && o->type != CACHE_TYPE_SET) {
            cache_reply_wrongtype(c);
            goto done;
        }
        /* the payload stays put even if a later lookup moves the object */
        srcs[i].payload = o->ptr;
        srcs[i].type = o->type;
        srcs[i].len = o->type == CACHE_TYPE_ZSET ? cache_zset_len(o->ptr) : cache_set_len(o->ptr);
    }
    enum aggr agg = AGG_SUM;
    bool withscores = false;
    long long limit = 0;
    while (j < c->argc) {
        size_t remaining = c->argc - j;
        if (op != OP_DIFF && !cardinality_only && remaining >= n + 1 &&
            cache_arg_is(c, j, "weights")) {
            j++;
            for (size_t i = 0; i < n; i++, j++) {
                if (!parse_double(&c->argv[j], &srcs[i].weight)) {
                    cache_reply_error(c, "ERR weight value is not a float");
                    goto done;
                }
            }
        } else if (op != OP_DIFF && !cardinality_only && remaining >= 2 &&
                   cache_arg_is(c, j, "aggregate")) {
            if (cache_arg_is(c, j + 1, "sum"))
                agg = AGG_SUM;
            else if (cache_arg_is(c, j + 1, "min"))
                agg = AGG_MIN;
            else if (cache_arg_is(c, j + 1, "max"))
                agg = AGG_MAX;
            else {
                cache_reply_syntax(c);
                goto done;
            }
            j += 2;
        } else if (!dst && !cardinality_only && cache_arg_is(c, j, "withscores")) {
            withscores = true;
            j++;
        } else if (cardinality_only && remaining >= 2 && cache_arg_is(c, j, "limit")) {
            if (!cache_arg_ll_min(c, j + 1, 0, "ERR LIMIT can't be negative", &limit))
                goto done;
            j += 2;
        } else {
            cache_reply_syntax(c);
            goto done;
        }
    }
    /* Smallest input first (a stable sort, as glibc's qsort merges). */
    if (op != OP_DIFF) {
        for (size_t a = 1; a < n; a++) {
            struct zsrc t = srcs[a];
            size_t b = a;
            while (b > 0 && srcs[b - 1].len > t.len) {
                srcs[b] = srcs[b - 1];
                b--;
            }
            srcs[b] = t;
        }
    }
    long long card = 0;
    dobj = cache_zset_obj_new(ks_of(c));
    if (!dobj) {
        rc = DD_ENOMEM;
        goto done;
    }
    struct cache_zset *z = dobj->ptr;
    /* Built as a skiplist, then made compact if it fits (Redis's order). */
    rc = cache_zset_to_skiplist(ks_of(c), z);
    if (rc == DD_OK)
        rc = zsetop_compute(c, srcs, n, op, agg, z, cardinality_only, limit, &card);
    if (rc == DD_OK && dst)
        rc = cache_zset_to_listpack_if_fits(ks_of(c), z, settings_of(c));
    if (rc)
        goto done;
    if (cardinality_only) {
        cache_reply_ll(c, card);
    } else if (dst) {
        if (cache_zset_len(z)) {
            rc = cache_db_set(c->db, dst->ptr, dst->len, dobj, false, cache_now_ms(c->srv), NULL);
            if (rc)
                goto done;
            dobj = NULL; /* the database owns it */
            cache_reply_ll(c, (long long)cache_zset_len(z));
            cache_signal_modified(c, dst);
            cache_signal_key_ready(c, dst);
        } else {
            cache_reply_ll(c, 0);
            if (cache_db_delete(c->db, dst->ptr, dst->len, cache_now_ms(c->srv)) == DD_OK)
                cache_signal_modified(c, dst);
        }
    } else {
        struct emitter e = { .c = c, .withscores = withscores };
        emit_begin(&e, (long long)cache_zset_len(z));
        struct cache_zset_iter it;
        const char *m;
        size_t mlen;
        double s;
        cache_zset_iter_init(&it, z, 0, false);
        while (cache_zset_iter_next(&it, &m, &mlen, &s))
            emit(&e, m, mlen, s);
        (void)emit_end(&e, NULL);
    }
done:
    cache_obj_free(ks_of(c), dobj);
    free(srcs);
    return rc;
}

int cache_cmd_zunionstore(struct cache_client *c)
{
    return zsetop_generic(c, &c->argv[1], 2, OP_UNION, false);
}

int cache_cmd_zinterstore(struct cache_client *c)
{
    return zsetop_generic(c, &c->argv[1], 2, OP_INTER, false);
}

int cache_cmd_zdiffstore(struct cache_client *c)
{
    return zsetop_generic(c, &c->argv[1], 2, OP_DIFF, false);
}

int cache_cmd_zunion(struct cache_client *c)
{
    return zsetop_generic(c, NULL, 1, OP_UNION, false);
}

int cache_cmd_zinter(struct cache_client *c)
{
    return zsetop_generic(c, NULL, 1, OP_INTER, false);
}

int cache_cmd_zdiff(struct cache_client *c)
{
    return zsetop_generic(c, NULL, 1, OP_DIFF, false);
}

int cache_cmd_zintercard(struct cache_client *c)
{
    return zsetop_generic(c, NULL, 1, OP_INTER, true);
}

/* ---- the table ---- */

#define W   CACHE_CMD_WRITE
#define R   CACHE_CMD_READONLY
#define DOM CACHE_CMD_DENYOOM
#define F   CACHE_CMD_FAST
#define NS  CACHE_CMD_NOSCRIPT
#define BL  CACHE_CMD_BLOCKING

/* Rows as Redis 7.0.15's COMMAND INFO / COMMAND DOCS report them. */
const struct cache_command cache_cmds_zset[] = {
    { "zadd", -4, W | DOM | F, cache_cmd_zadd, 1, 1, 1, "sorted-set", "1.2.0",
      "Add one or more members to a sorted set, or update its score if it already exists",
      "write sortedset fast", NULL },
    { "zincrby", 4, W | DOM | F, cache_cmd_zincrby, 1, 1, 1, "sorted-set", "1.2.0",
      "Increment the score of a member in a sorted set", "write sortedset fast", NULL },
    { "zrem", -3, W | F, cache_cmd_zrem, 1, 1, 1, "sorted-set", "1.2.0",
      "Remove one or more members from a sorted set", "write sortedset fast", NULL },
    { "zscore", 3, R | F, cache_cmd_zscore, 1, 1, 1, "sorted-set", "1.2.0",
      "Get the score associated with the given member in a sorted set", "read sortedset fast",
      NULL },
    { "zmscore", -3, R | F, cache_cmd_zmscore, 1, 1, 1, "sorted-set", "6.2.0",
      "Get the score associated with the given members in a sorted set", "read sortedset fast",
      NULL },
    { "zcard", 2, R | F, cache_cmd_zcard, 1, 1, 1, "sorted-set", "1.2.0",
      "Get the number of members in a sorted set", "read sortedset fast", NULL },
    { "zcount", 4, R | F, cache_cmd_zcount, 1, 1, 1, "sorted-set", "2.0.0",
      "Count the members in a sorted set with scores within the given values",
      "read sortedset fast", NULL },
    { "zlexcount", 4, R | F, cache_cmd_zlexcount, 1, 1, 1, "sorted-set", "2.8.9",
      "Count the number of members in a sorted set between a given lexicographical range",
      "read sortedset fast", NULL },
    { "zrange", -4, R, cache_cmd_zrange, 1, 1, 1, "sorted-set", "1.2.0",
      "Return a range of members in a sorted set", "read sortedset slow", NULL },
    { "zrangestore", -5, W | DOM, cache_cmd_zrangestore, 1, 2, 1, "sorted-set", "6.2.0",
      "Store a range of members from sorted set into another key", "write sortedset slow", NULL },
    { "zrevrange", -4, R, cache_cmd_zrevrange, 1, 1, 1, "sorted-set", "1.2.0",
      "Return a range of members in a sorted set, by index, with scores ordered from high to low",
      "read sortedset slow", NULL },
    { "zrangebyscore", -4, R, cache_cmd_zrangebyscore, 1, 1, 1, "sorted-set", "1.0.5",
      "Return a range of members in a sorted set, by score", "read sortedset slow", NULL },
    { "zrevrangebyscore", -4, R, cache_cmd_zrevrangebyscore, 1, 1, 1, "sorted-set", "2.2.0",
      "Return a range of members in a sorted set, by score, with scores ordered from high to low",
      "read sortedset slow", NULL },
    { "zrangebylex", -4, R, cache_cmd_zrangebylex, 1, 1, 1, "sorted-set", "2.8.9",
      "Return a range of members in a sorted set, by lexicographical range", "read sortedset slow",
      NULL },
    { "zrevrangebylex", -4, R, cache_cmd_zrevrangebylex, 1, 1, 1, "sorted-set", "2.8.9",
      "Return a range of members in a sorted set, by lexicographical range, ordered from higher "
      "to lower strings.",
      "read sortedset slow", NULL },
    { "zrank", 3, R | F, cache_cmd_zrank, 1, 1, 1, "sorted-set", "2.0.0",
      "Determine the index of a member in a sorted set", "read sortedset fast", NULL },
    { "zrevrank", 3, R | F, cache_cmd_zrevrank, 1, 1, 1, "sorted-set", "2.0.0",
      "Determine the index of a member in a sorted set, with scores ordered from high to low",
      "read sortedset fast", NULL },
    { "zremrangebyscore", 4, W, cache_cmd_zremrangebyscore, 1, 1, 1, "sorted-set", "1.2.0",
      "Remove all members in a sorted set within the given scores", "write sortedset slow", NULL },
    { "zremrangebyrank", 4, W, cache_cmd_zremrangebyrank, 1, 1, 1, "sorted-set", "2.0.0",
      "Remove all members in a sorted set within the given indexes", "write sortedset slow", NULL },
    { "zremrangebylex", 4, W, cache_cmd_zremrangebylex, 1, 1, 1, "sorted-set", "2.8.9",
      "Remove all members in a sorted set between the given lexicographical range",
      "write sortedset slow", NULL },
    { "zpopmin", -2, W | F, cache_cmd_zpopmin, 1, 1, 1, "sorted-set", "5.0.0",
      "Remove and return members with the lowest scores in a sorted set", "write sortedset fast",
      NULL },
    { "zpopmax", -2, W | F, cache_cmd_zpopmax, 1, 1, 1, "sorted-set", "5.0.0",
      "Remove and return members with the highest scores in a sorted set", "write sortedset fast",
      NULL },
    { "bzpopmin", -3, W | NS | BL | F, cache_cmd_bzpopmin, 1, -2, 1, "sorted-set", "5.0.0",
      "Remove and return the member with the lowest score from one or more sorted sets, or "
      "block until one is available",
      "write sortedset fast blocking", NULL },
    { "bzpopmax", -3, W | NS | BL | F, cache_cmd_bzpopmax, 1, -2, 1, "sorted-set", "5.0.0",
      "Remove and return the member with the highest score from one or more sorted sets, or "
      "block until one is available",
      "write sortedset fast blocking", NULL },
    { "zmpop", -4, W, cache_cmd_zmpop, 0, 0, 0, "sorted-set", "7.0.0",
      "Remove and return members with scores in a sorted set", "write sortedset slow", NULL },
    { "bzmpop", -5, W | BL, cache_cmd_bzmpop, 0, 0, 0, "sorted-set", "7.0.0",
      "Remove and return members with scores in a sorted set or block until one is available",
      "write sortedset slow blocking", NULL },
    { "zscan", -3, R, cache_cmd_zscan, 1, 1, 1, "sorted-set", "2.8.0",
      "Incrementally iterate sorted sets elements and associated scores", "read sortedset slow",
      NULL },
    { "zrandmember", -2, R, cache_cmd_zrandmember, 1, 1, 1, "sorted-set", "6.2.0",
      "Get one or multiple random elements from a sorted set", "read sortedset slow", NULL },
    { "zunionstore", -4, W | DOM, cache_cmd_zunionstore, 1, 1, 1, "sorted-set", "2.0.0",
      "Add multiple sorted sets and store the resulting sorted set in a new key",
      "write sortedset slow", NULL },
    { "zinterstore", -4, W | DOM, cache_cmd_zinterstore, 1, 1, 1, "sorted-set", "2.0.0",
      "Intersect multiple sorted sets and store the resulting sorted set in a new key",
      "write sortedset slow", NULL },
    { "zdiffstore", -4, W | DOM, cache_cmd_zdiffstore, 1, 1, 1, "sorted-set", "6.2.0",
      "Subtract multiple sorted sets and store the resulting sorted set in a new key",
      "write sortedset slow", NULL },
    { "zunion", -3, R, cache_cmd_zunion, 0, 0, 0, "sorted-set", "6.2.0", "Add multiple sorted sets",
      "read sortedset slow", NULL },
    { "zinter", -3, R, cache_cmd_zinter, 0, 0, 0, "sorted-set", "6.2.0",
      "Intersect multiple sorted sets", "read sortedset slow", NULL },
    { "zdiff", -3, R, cache_cmd_zdiff, 0, 0, 0, "sorted-set", "6.2.0",
      "Subtract multiple sorted sets", "read sortedset slow", NULL },
    { "zintercard", -3, R, cache_cmd_zintercard, 0, 0, 0, "sorted-set", "7.0.0",
      "Intersect multiple sorted sets and return the cardinality of the result",
      "read sortedset slow", NULL },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL },
};
