/*
 * The list commands (LPUSH ... BRPOPLPUSH): argument parsing, key lookup and
 * the replies, with Redis 7.0's exact texts, reply types per protocol and
 * order of checks (t_list.c in Redis: which argument is parsed before the key
 * is looked up decides which error a bad call gets). The data structure is
 * t_list.c's; this file only drives it.
 *
 * Keys: a list is created by the first push and deleted by the command that
 * empties it. A stored object's address may move when its database changes
 * (db.h), but its payload does not, so handlers hold on to the struct
 * cache_list rather than the object across a second lookup or an add.
 *
 * Blocking (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH): when every key is missing the
 * handler parks the client with cache_block_client() and replies nothing;
 * the server re-runs the command once a push makes a key ready, and the
 * handler then pops and replies like the non-blocking form. Inside
 * MULTI/EXEC a client cannot block: BLPOP/BRPOP then reply the null array
 * (cache_block_client does that), BLMOVE/BRPOPLPUSH the null bulk, as Redis.
 */
#include <limits.h>
#include <string.h>

#include "cache-emu/cmd.h"
#include "cache-emu/command.h"
#include "cache-emu/t_list.h"
#include "common/err.h"

int cache_cmd_lpush(struct cache_client *c);
int cache_cmd_rpush(struct cache_client *c);
int cache_cmd_lpushx(struct cache_client *c);
int cache_cmd_rpushx(struct cache_client *c);
int cache_cmd_lpop(struct cache_client *c);
int cache_cmd_rpop(struct cache_client *c);
int cache_cmd_llen(struct cache_client *c);
int cache_cmd_lrange(struct cache_client *c);
int cache_cmd_lindex(struct cache_client *c);
int cache_cmd_lset(struct cache_client *c);
int cache_cmd_lrem(struct cache_client *c);
int cache_cmd_ltrim(struct cache_client *c);
int cache_cmd_linsert(struct cache_client *c);
int cache_cmd_lpos(struct cache_client *c);
int cache_cmd_lmove(struct cache_client *c);
int cache_cmd_rpoplpush(struct cache_client *c);
int cache_cmd_blpop(struct cache_client *c);
int cache_cmd_brpop(struct cache_client *c);
int cache_cmd_blmove(struct cache_client *c);
int cache_cmd_brpoplpush(struct cache_client *c);
int cache_cmd_lmpop(struct cache_client *c);
int cache_cmd_blmpop(struct cache_client *c);

static struct cache_keyspace *ks_of(struct cache_client *c)
{
    return c->srv->ks;
}

static void del_key(struct cache_client *c, const struct cache_resp_arg *k)
{
    (void)cache_db_delete(c->db, k->ptr, k->len, cache_now_ms(c->srv));
}

/* After elements left the list at key: delete the key when it is empty, and
 * tell WATCH. */
static void after_removal(struct cache_client *c, const struct cache_resp_arg *k,
                          struct cache_list *l)
{
    if (!cache_list_len(l))
        del_key(c, k);
    cache_signal_modified(c, k);
}

/* Redis's start/end normalisation (addListRangeReply, LTRIM): false when the
 * range is empty, else [*from, *to] within [0, len). */
static bool norm_range(long long start, long long end, size_t len, size_t *from, size_t *to)
{
    long long llen = (long long)len;
    if (start < 0)
        start = llen + start;
    if (end < 0)
        end = llen + end;
    if (start < 0)
        start = 0;
    if (start > end || start >= llen)
        return false;
    if (end >= llen)
        end = llen - 1;
    *from = (size_t)start;
    *to = (size_t)end;
    return true;
}

/* Replies count elements from index first, towards the head when reverse. */
static void reply_elements(struct cache_client *c, struct cache_list *l, size_t first, size_t count,
                           bool reverse)
{
    cache_reply_array(c, count);
    struct cache_list_iter it;
    const char *p;
    size_t n;
    cache_list_iter_init(&it, l, first, !reverse);
    while (count-- && cache_list_iter_next(&it, &p, &n))
        cache_reply_bulk(c, p, n);
}

/* "LEFT" / "RIGHT" (getListPositionFromObjectOrReply); false after the
 * syntax error. */
static bool arg_where(struct cache_client *c, size_t i, enum cache_list_where *w)
{
    if (cache_arg_is(c, i, "left"))
        *w = CACHE_LIST_HEAD;
    else if (cache_arg_is(c, i, "right"))
        *w = CACHE_LIST_TAIL;
    else {
        cache_reply_syntax(c);
        return false;
    }
    return true;
}

/* ---- pushes ---- */

/* [LR]PUSH[X]: pushes argv[2..] one by one; with xx only onto an existing
 * list. */
static int push_generic(struct cache_client *c, enum cache_list_where where, bool xx)
{
    const struct cache_resp_arg *key = &c->argv[1];
    struct cache_obj *o = cache_lookup_write(c, key);
    if (!cache_check_type(c, o, CACHE_TYPE_LIST))
        return DD_OK;
    if (!o && xx) {
        cache_reply_ll(c, 0);
        return DD_OK;
    }
    bool created = !o;
    if (created && !(o = cache_list_obj_new(ks_of(c))))
        return DD_ENOMEM;
    struct cache_list *l = o->ptr;
    int rc = DD_OK;
    for (size_t i = 2; i < c->argc && rc == DD_OK; i++)
        rc = cache_list_push(ks_of(c), l, where, c->argv[i].ptr, c->argv[i].len);
    if (created) {
        if (rc == DD_OK)
            rc = cache_db_add(c->db, key->ptr, key->len, o, cache_now_ms(c->srv), NULL);
        if (rc != DD_OK) {
            cache_obj_free(ks_of(c), o);
            return rc;
        }
    } else if (rc != DD_OK) {
        if (cache_list_len(l))
            cache_signal_modified(c, key);
        return rc;
    }
    cache_reply_ll(c, (long long)cache_list_len(l));
    cache_signal_modified(c, key);
    cache_signal_key_ready(c, key);
    return DD_OK;
}

int cache_cmd_lpush(struct cache_client *c)
{
    return push_generic(c, CACHE_LIST_HEAD, false);
}

int cache_cmd_rpush(struct cache_client *c)
{
    return push_generic(c, CACHE_LIST_TAIL, false);
}

int cache_cmd_lpushx(struct cache_client *c)
{
    return push_generic(c, CACHE_LIST_HEAD, true);
}

int cache_cmd_rpushx(struct cache_client *c)
{
    return push_generic(c, CACHE_LIST_TAIL, true);
}

/* ---- pops ---- */

/* Pops count elements (count given) or one (bulk reply) from the list at
 * key, which must exist; replies and cleans up. */
static void pop_reply(struct cache_client *c, const struct cache_resp_arg *key,
                      struct cache_list *l, enum cache_list_where where, bool hascount,
                      long long count)
{
    if (!hascount) {
        const char *p;
        size_t n;
        (void)cache_list_peek(l, where, &p, &n);
        cache_reply_bulk(c, p, n);
        (void)cache_list_pop(ks_of(c), l, where);
    } else {
        size_t len = cache_list_len(l);
        size_t k = (unsigned long long)count > len ? len : (size_t)count;
        if (where == CACHE_LIST_HEAD) {
            reply_elements(c, l, 0, k, false);
            cache_list_trim(ks_of(c), l, k, 0);
        } else {
            reply_elements(c, l, len - 1, k, true);
            cache_list_trim(ks_of(c), l, 0, k);
        }
    }
    after_removal(c, key, l);
}

/* LPOP / RPOP key [count] (popGenericCommand). */
static int pop_generic(struct cache_client *c, enum cache_list_where where)
{
    bool hascount = c->argc == 3;
    long long count = 0;
    if (c->argc > 3) {
        cache_reply_arity(c);
        return DD_OK;
    }
    if (hascount &&
        !cache_arg_ll_min(c, 2, 0, "ERR value is out of range, must be positive", &count))
        return DD_OK;
    struct cache_obj *o = cache_lookup_write(c, &c->argv[1]);
    if (!o) {
        if (hascount)
            cache_reply_null_array(c);
        else
            cache_reply_null(c);
        return DD_OK;
    }
    if (!cache_check_type(c, o, CACHE_TYPE_LIST))
        return DD_OK;
    if (hascount && !count) {
        cache_reply_array(c, 0);
        return DD_OK;
    }
    pop_reply(c, &c->argv[1], o->ptr, where, hascount, count);
    return DD_OK;
}

int cache_cmd_lpop(struct cache_client *c)
{
    return pop_generic(c, CACHE_LIST_HEAD);
}

int cache_cmd_rpop(struct cache_client *c)
{
    return pop_generic(c, CACHE_LIST_TAIL);
}

/* ---- reads ---- */

int cache_cmd_llen(struct cache_client *c)
{
    struct cache_obj *o = cache_lookup_read(c, &c->argv[1]);
    if (!cache_check_type(c, o, CACHE_TYPE_LIST))
        return DD_OK;
    cache_reply_ll(c, o ? (long long)cache_list_len(o->ptr) : 0);
    return DD_OK;
}

int cache_cmd_lrange(struct cache_client *c)
{
    long long start, end;
    if (!cache_arg_ll(c, 2, &start) || !cache_arg_ll(c, 3, &end))
        return DD_OK;
    struct cache_obj *o = cache_lookup_read(c, &c->argv[1]);
    if (!cache_check_type(c, o, CACHE_TYPE_LIST))
        return DD_OK;
    size_t from, to;
    if (!o || !norm_range(start, end, cache_list_len(o->ptr), &from, &to)) {
        cache_reply_array(c, 0);
        return DD_OK;
    }
    reply_elements(c, o->ptr, from, to - from + 1, false);
    return DD_OK;
}

int cache_cmd_lindex(struct cache_client *c)
{
    struct cache_obj *o = cache_lookup_read(c, &c->argv[1]);
    if (!o) {
        cache_reply_null(c);
        return DD_OK;
    }
    if (!cache_check_type(c, o, CACHE_TYPE_LIST))
        return DD_OK;
    long long index;
    if (!cache_arg_ll(c, 2, &index))
        return DD_OK;
    const char *p;
    size_t n;
    if (cache_list_index(o->ptr, index, &p, &n) == DD_OK)
        cache_reply_bulk(c, p, n);
    else
        cache_reply_null(c);
    return DD_OK;
}

/* LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
int cache_cmd_lpos(struct cache_client *c)
{
    long long rank = 1, count = -1, maxlen = 0;
    for (size_t j = 3; j < c->argc; j++) {
        bool more = j + 1 < c->argc;
        if (cache_arg_is(c, j, "rank") && more) {
            j++;
            if (!cache_arg_ll(c, j, &rank))
                return DD_OK;
            if (rank == 0) {
                cache_reply_error(c, "ERR RANK can't be zero: use 1 to start from the first "
                                     "match, 2 from the second ... or use negative to start "
                                     "from the end of the list");
                return DD_OK;
            }
        } else if ((cache_arg_is(c, j, "count") || cache_arg_is(c, j, "maxlen")) && more) {
            /* getPositiveLongFromObjectOrReply with a message: the message
             * answers a non-number too. */
            bool is_count = cache_arg_is(c, j, "count");
            j++;
            long long v;
            if (!cache_string2ll(c->argv[j].ptr, c->argv[j].len, &v) || v < 0) {
                cache_reply_error(c, is_count ? "ERR COUNT can't be negative"
                                              : "ERR MAXLEN can't be negative");
                return DD_OK;
            }
            if (is_count)
                count = v;
            else
                maxlen = v;
        } else {
            cache_reply_syntax(c);
            return DD_OK;
        }
    }
    /* A negative rank searches from the tail (LLONG_MIN stays negative and
     * so matches from the first hit, as in Redis). */
    bool from_tail = rank < 0;
    if (from_tail && rank != LLONG_MIN)
        rank = -rank;
    struct cache_obj *o = cache_lookup_read(c, &c->argv[1]);
    if (!o) {
        if (count != -1)
            cache_reply_array(c, 0);
        else
            cache_reply_null(c);
        return DD_OK;
    }
    if (!cache_check_type(c, o, CACHE_TYPE_LIST))
        return DD_OK;
    struct cache_list *l = o->ptr;
    size_t len = cache_list_len(l);
    const struct cache_resp_arg *ele = &c->argv[2];
    size_t handle = 0;
    if (count != -1)
        handle = cache_reply_defer(c);
    struct cache_list_iter it;
    cache_list_iter_init(&it, l, from_tail ? len - 1 : 0, !from_tail);
    const char *p;
    size_t n;
    long long index = 0, matches = 0, matchindex = -1, arraylen = 0;
    while ((maxlen == 0 || index < maxlen) && cache_list_iter_next(&it, &p, &n)) {
        if (n == ele->len && memcmp(p, ele->ptr, n) == 0) {
            matches++;
            matchindex = from_tail ? (long long)len - index - 1 : index;
            if (matches >= rank) {
                if (count == -1)
                    break;
                arraylen++;
                cache_reply_ll(c, matchindex);
                /* wrapping arithmetic, as Redis's: with RANK LLONG_MIN the
                 * difference goes negative and COUNT never stops the walk */
                long long found =
                    (long long)((unsigned long long)matches - (unsigned long long)rank + 1ULL);
                if (count && found >= count)
                    break;
            }
        }
        index++;
        matchindex = -1;
    }
    if (count != -1)
        cache_reply_defer_set(c, handle, 'a', (size_t)arraylen);
    else if (matchindex != -1)
        cache_reply_ll(c, matchindex);
    else
        cache_reply_null(c);
    return DD_OK;
}

/* ---- in-place writes ---- */

int cache_cmd_lset(struct cache_client *c)
{
    struct cache_obj *o = cache_lookup_write(c, &c->argv[1]);
    if (!o) {
        cache_reply_error(c, "ERR no such key");
        return DD_OK;
    }
    if (!cache_check_type(c, o, CACHE_TYPE_LIST))
        return DD_OK;
    long long index;
    if (!cache_arg_ll(c, 2, &index))
        return DD_OK;
    int rc = cache_list_set(ks_of(c), o->ptr, index, c->argv[3].ptr, c->argv[3].len);
    if (rc == DD_ERANGE) {
        cache_reply_error(c, "ERR index out of range");
        return DD_OK;
    }
    if (rc)
        return rc;
    cache_reply_ok(c);
    cache_signal_modified(c, &c->argv[1]);
    return DD_OK;
}

int cache_cmd_lrem(struct cache_client *c)
{
    long long toremove;
    if (!cache_arg_ll(c, 2, &toremove))
        return DD_OK;
    struct cache_obj *o = cache_lookup_write(c, &c->argv[1]);
    if (!cache_check_type(c, o, CACHE_TYPE_LIST))
        return DD_OK;
    if (!o) {
        cache_reply_ll(c, 0);
        return DD_OK;
    }
    struct cache_list *l = o->ptr;
    bool from_tail = toremove < 0;
    /* LLONG_MIN has no positive counterpart: it removes them all, as in
     * Redis where the negation wraps to a count never reached. */
    size_t count = from_tail ? (toremove == LLONG_MIN ? 0 : (size_t)-toremove) : (size_t)toremove;
    size_t removed =
        cache_list_remove(ks_of(c), l, c->argv[3].ptr, c->argv[3].len, count, from_tail);
    if (!cache_list_len(l))
        del_key(c, &c->argv[1]);
    if (removed)
        cache_signal_modified(c, &c->argv[1]);
    cache_reply_ll(c, (long long)removed);
    return DD_OK;
}

int cache_cmd_ltrim(struct cache_client *c)
{
    long long start, end;
    if (!cache_arg_ll(c, 2, &start) || !cache_arg_ll(c, 3, &end))
        return DD_OK;
    struct cache_obj *o = cache_lookup_write(c, &c->argv[1]);
    if (!cache_check_type(c, o, CACHE_TYPE_LIST))
        return DD_OK;
    if (!o) {
        cache_reply_ok(c);
        return DD_OK;
    }
    struct cache_list *l = o->ptr;
    size_t len = cache_list_len(l), from, to;
    if (norm_range(start, end, len, &from, &to))
        cache_list_trim(ks_of(c), l, from, len - to - 1);
    else
        cache_list_trim(ks_of(c), l, len, 0);
    after_removal(c, &c->argv[1], l);
    cache_reply_ok(c);
    return DD_OK;
}

int cache_cmd_linsert(struct cache_client *c)
{
    bool after;
    if (cache_arg_is(c, 2, "after"))
        after = true;
    else if (cache_arg_is(c, 2, "before"))
        after = false;
    else {
        cache_reply_syntax(c);
        return DD_OK;
    }
    struct cache_obj *o = cache_lookup_write(c, &c->argv[1]);
    if (!cache_check_type(c, o, CACHE_TYPE_LIST))
        return DD_OK;
    if (!o) {
        cache_reply_ll(c, 0);
        return DD_OK;
    }
    struct cache_list *l = o->ptr;
    int rc = cache_list_insert(ks_of(c), l, c->argv[3].ptr, c->argv[3].len, after, c->argv[4].ptr,
                               c->argv[4].len);
    if (rc == DD_ENOENT) {
        cache_reply_ll(c, -1);
        return DD_OK;
    }
    if (rc)
        return rc;
    cache_signal_modified(c, &c->argv[1]);
    cache_reply_ll(c, (long long)cache_list_len(l));
    return DD_OK;
}

/* ---- moves ---- */

/*
 * LMOVE's body (lmoveGenericCommand): the source must exist (null reply
 * otherwise, the destination not even type-checked), the destination must be
 * a list or absent, then one element moves and is replied.
 */
static int move_generic(struct cache_client *c, enum cache_list_where from,
                        enum cache_list_where to)
{
    const struct cache_resp_arg *sk = &c->argv[1], *dk = &c->argv[2];
    struct cache_obj *so = cache_lookup_write(c, sk);
    if (!so) {
        cache_reply_null(c);
        return DD_OK;
    }
    if (!cache_check_type(c, so, CACHE_TYPE_LIST))
        return DD_OK;
    struct cache_list *sl = so->ptr; /* the payload outlives a move of the object */
    struct cache_obj *dobj = cache_lookup_write(c, dk);
    if (!cache_check_type(c, dobj, CACHE_TYPE_LIST))
        return DD_OK;
    struct cache_list *dl;
    if (dobj) {
        dl = dobj->ptr;
        int rc = cache_list_move(ks_of(c), sl, from, dl, to);
        if (rc)
            return rc;
    } else {
        struct cache_obj *no = cache_list_obj_new(ks_of(c));
        if (!no)
            return DD_ENOMEM;
        dl = no->ptr;
        const char *p;
        size_t n;
        (void)cache_list_peek(sl, from, &p, &n);
        int rc = cache_list_push(ks_of(c), dl, to, p, n);
        if (rc == DD_OK)
            rc = cache_db_add(c->db, dk->ptr, dk->len, no, cache_now_ms(c->srv), NULL);
        if (rc) {
            cache_obj_free(ks_of(c), no);
            return rc;
        }
        (void)cache_list_pop(ks_of(c), sl, from);
    }
    const char *p;
    size_t n;
    (void)cache_list_peek(dl, to, &p, &n);
    cache_reply_bulk(c, p, n);
    cache_signal_modified(c, dk);
    cache_signal_key_ready(c, dk);
    after_removal(c, sk, sl);
    return DD_OK;
}

int cache_cmd_lmove(struct cache_client *c)
{
    enum cache_list_where from, to;
    if (!arg_where(c, 3, &from) || !arg_where(c, 4, &to))
        return DD_OK;
    return move_generic(c, from, to);
}

int cache_cmd_rpoplpush(struct cache_client *c)
{
    return move_generic(c, CACHE_LIST_TAIL, CACHE_LIST_HEAD);
}

/* ---- blocking ---- */

/* B[LR]POP key [key ...] timeout (blockingPopGenericCommand): the first
 * non-empty list among the keys answers [key, element]. */
static int bpop_generic(struct cache_client *c, enum cache_list_where where)
{
    int64_t deadline;
    if (!cache_arg_timeout(c, c->argc - 1, &deadline))
        return DD_OK;
    for (size_t j = 1; j + 1 < c->argc; j++) {
        struct cache_obj *o = cache_lookup_blocked(c, &c->argv[j], CACHE_TYPE_LIST);
        if (!o)
            continue;
        if (!cache_check_type(c, o, CACHE_TYPE_LIST))
            return DD_OK;
        struct cache_list *l = o->ptr;
        const char *p;
        size_t n;
        (void)cache_list_peek(l, where, &p, &n);
        cache_reply_array(c, 2);
        cache_reply_bulk(c, c->argv[j].ptr, c->argv[j].len);
        cache_reply_bulk(c, p, n);
        (void)cache_list_pop(ks_of(c), l, where);
        after_removal(c, &c->argv[j], l);
        return DD_OK;
    }
    return cache_block_client(c, &c->argv[1], c->argc - 2, deadline);
}

int cache_cmd_blpop(struct cache_client *c)
{
    return bpop_generic(c, CACHE_LIST_HEAD);
}

int cache_cmd_brpop(struct cache_client *c)
{
    return bpop_generic(c, CACHE_LIST_TAIL);
}

/* BLMOVE's body (blmoveGenericCommand): block while the source is missing. */
static int bmove_generic(struct cache_client *c, enum cache_list_where from,
                         enum cache_list_where to, int64_t deadline)
{
    struct cache_obj *so = cache_lookup_blocked(c, &c->argv[1], CACHE_TYPE_LIST);
    if (!cache_check_type(c, so, CACHE_TYPE_LIST))
        return DD_OK;
    if (so)
        return move_generic(c, from, to);
    if (c->flags & CACHE_CLIENT_IN_EXEC) {
        cache_reply_null(c); /* Redis: null bulk here, null array on timeout */
        return DD_OK;
    }
    return cache_block_client(c, &c->argv[1], 1, deadline);
}

int cache_cmd_blmove(struct cache_client *c)
{
    enum cache_list_where from, to;
    int64_t deadline;
    if (!arg_where(c, 3, &from) || !arg_where(c, 4, &to) || !cache_arg_timeout(c, 5, &deadline))
        return DD_OK;
    return bmove_generic(c, from, to, deadline);
}

int cache_cmd_brpoplpush(struct cache_client *c)
{
    int64_t deadline;
    if (!cache_arg_timeout(c, 3, &deadline))
        return DD_OK;
    return bmove_generic(c, CACHE_LIST_TAIL, CACHE_LIST_HEAD, deadline);
}

/* ---- LMPOP / BLMPOP ---- */

/*
 * [B]LMPOP [timeout] numkeys key [key ...] LEFT|RIGHT [COUNT count]
 * (lmpopGenericCommand): the first non-empty list answers [key, [elements]].
 * first is the index of numkeys; BLMPOP's timeout is read after the rest.
 */
static int mpop_generic(struct cache_client *c, size_t first, bool blocking)
{
    long long numkeys;
    if (!cache_arg_ll_min(c, first, 1, "ERR numkeys should be greater than 0", &numkeys))
        return DD_OK;
    if ((unsigned long long)numkeys >= c->argc - first - 1) {
        cache_reply_syntax(c);
        return DD_OK;
    }
    size_t keys = first + 1, wpos = keys + (size_t)numkeys;
    enum cache_list_where where;
    if (!arg_where(c, wpos, &where))
        return DD_OK;
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
    int64_t deadline = 0;
    if (blocking && !cache_arg_timeout(c, 1, &deadline))
        return DD_OK;
    for (size_t j = keys; j < wpos; j++) {
        struct cache_obj *o = cache_lookup_blocked(c, &c->argv[j], CACHE_TYPE_LIST);
        if (!o)
            continue;
        if (!cache_check_type(c, o, CACHE_TYPE_LIST))
            return DD_OK;
        cache_reply_array(c, 2);
        cache_reply_bulk(c, c->argv[j].ptr, c->argv[j].len);
        pop_reply(c, &c->argv[j], o->ptr, where, true, count);
        return DD_OK;
    }
    if (!blocking) {
        cache_reply_null_array(c);
        return DD_OK;
    }
    return cache_block_client(c, &c->argv[keys], (size_t)numkeys, deadline);
}

int cache_cmd_lmpop(struct cache_client *c)
{
    return mpop_generic(c, 1, false);
}

int cache_cmd_blmpop(struct cache_client *c)
{
    return mpop_generic(c, 2, true);
}

/* ---- the table ---- */

#define W   CACHE_CMD_WRITE
#define R   CACHE_CMD_READONLY
#define DOM CACHE_CMD_DENYOOM
#define F   CACHE_CMD_FAST
#define NS  CACHE_CMD_NOSCRIPT
#define BL  CACHE_CMD_BLOCKING

/* Rows as Redis 7.0.15's COMMAND INFO / COMMAND DOCS report them. */
const struct cache_command cache_cmds_list[] = {
    { "lpush", -3, W | DOM | F, cache_cmd_lpush, 1, 1, 1, "list", "1.0.0",
      "Prepend one or multiple elements to a list", "write list fast", NULL },
    { "rpush", -3, W | DOM | F, cache_cmd_rpush, 1, 1, 1, "list", "1.0.0",
      "Append one or multiple elements to a list", "write list fast", NULL },
    { "lpushx", -3, W | DOM | F, cache_cmd_lpushx, 1, 1, 1, "list", "2.2.0",
      "Prepend an element to a list, only if the list exists", "write list fast", NULL },
    { "rpushx", -3, W | DOM | F, cache_cmd_rpushx, 1, 1, 1, "list", "2.2.0",
      "Append an element to a list, only if the list exists", "write list fast", NULL },
    { "lpop", -2, W | F, cache_cmd_lpop, 1, 1, 1, "list", "1.0.0",
      "Remove and get the first elements in a list", "write list fast", NULL },
    { "rpop", -2, W | F, cache_cmd_rpop, 1, 1, 1, "list", "1.0.0",
      "Remove and get the last elements in a list", "write list fast", NULL },
    { "llen", 2, R | F, cache_cmd_llen, 1, 1, 1, "list", "1.0.0", "Get the length of a list",
      "read list fast", NULL },
    { "lrange", 4, R, cache_cmd_lrange, 1, 1, 1, "list", "1.0.0",
      "Get a range of elements from a list", "read list slow", NULL },
    { "lindex", 3, R, cache_cmd_lindex, 1, 1, 1, "list", "1.0.0",
      "Get an element from a list by its index", "read list slow", NULL },
    { "lset", 4, W | DOM, cache_cmd_lset, 1, 1, 1, "list", "1.0.0",
      "Set the value of an element in a list by its index", "write list slow", NULL },
    { "lrem", 4, W, cache_cmd_lrem, 1, 1, 1, "list", "1.0.0", "Remove elements from a list",
      "write list slow", NULL },
    { "ltrim", 4, W, cache_cmd_ltrim, 1, 1, 1, "list", "1.0.0",
      "Trim a list to the specified range", "write list slow", NULL },
    { "linsert", 5, W | DOM, cache_cmd_linsert, 1, 1, 1, "list", "2.2.0",
      "Insert an element before or after another element in a list", "write list slow", NULL },
    { "lpos", -3, R, cache_cmd_lpos, 1, 1, 1, "list", "6.0.6",
      "Return the index of matching elements on a list", "read list slow", NULL },
    { "lmove", 5, W | DOM, cache_cmd_lmove, 1, 2, 1, "list", "6.2.0",
      "Pop an element from a list, push it to another list and return it", "write list slow",
      NULL },
    { "rpoplpush", 3, W | DOM, cache_cmd_rpoplpush, 1, 2, 1, "list", "1.2.0",
      "Remove the last element in a list, prepend it to another list and return it",
      "write list slow", NULL },
    { "blpop", -3, W | NS | BL, cache_cmd_blpop, 1, -2, 1, "list", "2.0.0",
      "Remove and get the first element in a list, or block until one is available",
      "write list slow blocking", NULL },
    { "brpop", -3, W | NS | BL, cache_cmd_brpop, 1, -2, 1, "list", "2.0.0",
      "Remove and get the last element in a list, or block until one is available",
      "write list slow blocking", NULL },
    { "blmove", 6, W | DOM | NS | BL, cache_cmd_blmove, 1, 2, 1, "list", "6.2.0",
      "Pop an element from a list, push it to another list and return it; or block until one "
      "is available",
      "write list slow blocking", NULL },
    { "brpoplpush", 4, W | DOM | NS | BL, cache_cmd_brpoplpush, 1, 2, 1, "list", "2.2.0",
      "Pop an element from a list, push it to another list and return it; or block until one "
      "is available",
      "write list slow blocking", NULL },
    { "lmpop", -4, W, cache_cmd_lmpop, 0, 0, 0, "list", "7.0.0", "Pop elements from a list",
      "write list slow", NULL },
    { "blmpop", -5, W | BL, cache_cmd_blmpop, 0, 0, 0, "list", "7.0.0",
      "Pop elements from a list, or block until one is available", "write list slow blocking",
      NULL },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL },
};
