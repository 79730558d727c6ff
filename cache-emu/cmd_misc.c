/*
 * Commands that fit no type: MOVE and SWAPDB (which need the keyspace to
 * move entries between databases), the replication and cluster commands a
 * stand-alone master without replicas answers (ROLE, WAIT, READONLY,
 * READWRITE), and LCS, with Redis 7.0.15's argument order, error texts and
 * reply shapes in RESP2 and RESP3.
 *
 * cache-emu is always what Redis calls a master with no replicas and cluster
 * mode off, so ROLE is fixed, WAIT has no replica to count, and the cluster
 * commands refuse as Redis does without cluster-enabled.
 */
#include "cache-emu/cmd_misc.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/block.h"
#include "cache-emu/cmd.h"
#include "cache-emu/command.h"
#include "cache-emu/db.h"
#include "cache-emu/server.h"
#include "common/err.h"

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

/* getIntFromObjectOrReply(): argv[i] as an int. With msg, every failure
 * (not an integer, outside int) replies msg; without, Redis's two texts. */
static bool arg_int(struct cache_client *c, size_t i, const char *msg, int *out)
{
    long long v;
    const struct cache_resp_arg *a = &c->argv[i];
    if (!cache_string2ll(a->ptr, a->len, &v)) {
        if (msg)
            cache_reply_error(c, msg);
        else
            cache_reply_not_int(c);
        return false;
    }
    if (v < INT_MIN || v > INT_MAX) {
        cache_reply_error(c, msg ? msg
                                 : "ERR value is out of range, value must between -2147483648 "
                                   "and 2147483647");
        return false;
    }
    *out = (int)v;
    return true;
}

/* Runs cache_signal_modified() for key as seen in database db. */
static void signal_modified_in(struct cache_client *c, struct cache_db *db,
                               const struct cache_resp_arg *key)
{
    struct cache_db *cur = c->db;
    c->db = db;
    cache_signal_modified(c, key);
    c->db = cur;
}

/* ---- MOVE, SWAPDB ---- */

/* MOVE key db: the db index is checked before the key is looked up; a key
 * already in the target answers 0. The value moves with its TTL, and
 * clients blocked on the key in the target wake up, as Redis's dbAdd()
 * signals them. */
static int cache_cmd_move(struct cache_client *c)
{
    const struct cache_resp_arg *key = &c->argv[1];
    int id;
    if (!arg_int(c, 2, NULL, &id))
        return DD_OK;
    struct cache_db *src = c->db, *dst = cache_keyspace_db(c->srv->ks, id);
    if (!dst) {
        cache_reply_error(c, "ERR DB index is out of range");
        return DD_OK;
    }
    if (dst == src) {
        cache_reply_error(c, "ERR source and destination objects are the same");
        return DD_OK;
    }
    int rc = cache_db_move(src, dst, key->ptr, key->len, cache_now_ms(c->srv));
    if (rc == DD_ENOENT || rc == DD_EEXIST) {
        cache_reply_ll(c, 0);
        return DD_OK;
    }
    if (rc != DD_OK)
        return rc;
    /* The source's watchers heard the key leave through the listener. */
    signal_modified_in(c, dst, key);
    struct cache_obj *o =
        cache_db_lookup_flags(dst, key->ptr, key->len, cache_now_ms(c->srv), CACHE_LOOKUP_NOTOUCH);
    if (o && (o->type == CACHE_TYPE_LIST || o->type == CACHE_TYPE_ZSET))
        cache_block_signal_ready(c->srv, dst, key->ptr, key->len);
    cache_reply_ll(c, 1);
    return DD_OK;
}

struct ready_ctx {
    struct cache_server *srv;
    struct cache_db *db;
};

static void signal_if_poppable(void *ctx, const void *key, size_t klen, struct cache_obj *obj)
{
    struct ready_ctx *r = ctx;
    if (obj->type == CACHE_TYPE_LIST || obj->type == CACHE_TYPE_ZSET)
        cache_block_signal_ready(r->srv, r->db, key, klen);
}

/* Redis's scanDatabaseForReadyKeys(): after a swap, clients blocked on a key
 * of db that now holds a list or sorted set are woken. Without access to
 * the blocked keys from here, every such key of db is signalled; block.c
 * ignores keys nobody waits on, and nothing is walked when nobody blocks. */
static void signal_ready_keys(struct cache_server *srv, struct cache_db *db, int64_t now)
{
    if (cache_block_count(srv) == 0)
        return;
    struct ready_ctx r = { srv, db };
    uint64_t cursor = 0;
    do {
        cursor = cache_db_scan(db, cursor, SIZE_MAX / 2, now, signal_if_poppable, &r);
    } while (cursor != 0);
}

/* SWAPDB index1 index2: both indexes parsed (each with its own message)
 * before the range check. Watchers are touched through the keyspace
 * listener (CACHE_KEY_SWAPPED). */
static int cache_cmd_swapdb(struct cache_client *c)
{
    int a, b;
    if (!arg_int(c, 1, "ERR invalid first DB index", &a) ||
        !arg_int(c, 2, "ERR invalid second DB index", &b))
        return DD_OK;
    struct cache_keyspace *ks = c->srv->ks;
    if (cache_keyspace_swapdb(ks, a, b) != DD_OK) {
        cache_reply_error(c, "ERR DB index is out of range");
        return DD_OK;
    }
    if (a != b) {
        int64_t now = cache_now_ms(c->srv);
        signal_ready_keys(c->srv, cache_keyspace_db(ks, a), now);
        signal_ready_keys(c->srv, cache_keyspace_db(ks, b), now);
    }
    cache_reply_ok(c);
    return DD_OK;
}

/* ---- replication and cluster ---- */

/* ROLE of a master with no replicas: role, replication offset, replicas. */
static int cache_cmd_role(struct cache_client *c)
{
    cache_reply_array(c, 3);
    cache_reply_bulk_cstr(c, "master");
    cache_reply_ll(c, 0);
    cache_reply_array(c, 0);
    return DD_OK;
}

/* READONLY / READWRITE: cluster-only. */
static int cache_cmd_readonly(struct cache_client *c)
{
    cache_reply_error(c, "ERR This instance has cluster support disabled");
    return DD_OK;
}

/* WAIT numreplicas timeout: no replica ever acknowledges, so the answer is
 * 0. The arguments are checked as Redis checks them (the timeout in whole
 * milliseconds). Redis would block a client asking for one or more replicas
 * until the timeout; here the 0 comes at once (see the report on blocking
 * with a custom timeout reply). */
static int cache_cmd_wait(struct cache_client *c)
{
    long long n, timeout;
    if (!cache_arg_ll(c, 1, &n))
        return DD_OK;
    const struct cache_resp_arg *t = &c->argv[2];
    if (!cache_string2ll(t->ptr, t->len, &timeout)) {
        cache_reply_error(c, "ERR timeout is not an integer or out of range");
        return DD_OK;
    }
    if (timeout < 0) {
        cache_reply_error(c, "ERR timeout is negative");
        return DD_OK;
    }
    (void)n;
    cache_reply_ll(c, 0);
    return DD_OK;
}

/* ---- LCS ---- */

void cache_lcs_result_free(struct cache_lcs_result *r)
{
    DD_FREE(r->str);
    DD_FREE(r->ranges);
    r->nranges = 0;
}

static bool push_range(struct cache_lcs_result *r, size_t *cap, const struct cache_lcs_range *rg)
{
    if (r->nranges == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        struct cache_lcs_range *n = realloc(r->ranges, ncap * sizeof(*n));
        if (!n)
            return false;
        r->ranges = n;
        *cap = ncap;
    }
    r->ranges[r->nranges++] = *rg;
    return true;
}

/*
 * The table: T[i][j] is the LCS length of a[0..i) and b[0..j), filled row
 * by row (a match extends T[i-1][j-1], otherwise the larger of the two
 * neighbours). The walk starts at (alen, blen): on equal bytes it takes the
 * byte and steps diagonally, otherwise it steps up when T[i-1][j] is
 * strictly larger, else left. Runs of diagonal steps are the ranges; one is
 * closed by a non-diagonal step or when it reaches the start of either
 * string. Redis's walk, kept step for step, because the tie rule decides
 * which of several equally long LCS (and which ranges) the user sees.
 */
int cache_lcs(const char *a, size_t alen, const char *b, size_t blen, bool walk,
              struct cache_lcs_result *out)
{
    memset(out, 0, sizeof(*out));
    size_t cols = blen + 1;
    if (alen + 1 > SIZE_MAX / sizeof(uint32_t) / cols)
        return DD_ENOMEM;
    /* Transient, request-scoped: not keyspace memory. */
    uint32_t *t = malloc((alen + 1) * cols * sizeof(uint32_t));
    if (!t)
        return DD_ENOMEM;
#define T(i, j) t[(size_t)(i)*cols + (j)]
    for (size_t j = 0; j <= blen; j++)
        T(0, j) = 0;
    for (size_t i = 1; i <= alen; i++) {
        T(i, 0) = 0;
        for (size_t j = 1; j <= blen; j++) {
            if (a[i - 1] == b[j - 1]) {
                T(i, j) = T(i - 1, j - 1) + 1;
            } else {
                uint32_t up = T(i - 1, j), left = T(i, j - 1);
                T(i, j) = up > left ? up : left;
            }
        }
    }
    out->len = T(alen, blen);
    if (!walk) {
        free(t);
        return DD_OK;
    }
    out->str = malloc(out->len ? out->len : 1);
    if (!out->str) {
        free(t);
        return DD_ENOMEM;
    }
    size_t cap = 0, idx = out->len, i = alen, j = blen;
    bool open = false; /* a range is being extended */
    struct cache_lcs_range cur = { 0, 0, 0, 0 };
    while (i > 0 && j > 0) {
        bool emit = false;
        if (a[i - 1] == b[j - 1]) {
            out->str[--idx] = a[i - 1];
            if (!open) {
                cur.a_start = cur.a_end = (uint32_t)(i - 1);
                cur.b_start = cur.b_end = (uint32_t)(j - 1);
                open = true;
            } else if (cur.a_start == i && cur.b_start == j) {
                cur.a_start--;
                cur.b_start--;
            } else {
                emit = true;
            }
            if (cur.a_start == 0 || cur.b_start == 0)
                emit = true;
            i--;
            j--;
        } else {
            if (T(i - 1, j) > T(i, j - 1))
                i--;
            else
                j--;
            if (open)
                emit = true;
        }
        if (emit) {
            if (!push_range(out, &cap, &cur)) {
                free(t);
                cache_lcs_result_free(out);
                return DD_ENOMEM;
            }
            open = false;
        }
    }
#undef T
    free(t);
    return DD_OK;
}

/* LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: both keys are
 * looked up first (a non-string is its own error, not WRONGTYPE), then the
 * options, then the size limit: the table may not exceed proto-max-bulk-len. */
static int cache_cmd_lcs(struct cache_client *c)
{
    struct cache_obj *oa = cache_lookup_read(c, &c->argv[1]);
    struct cache_obj *ob = cache_lookup_read(c, &c->argv[2]);
    if ((oa && oa->type != CACHE_TYPE_STRING) || (ob && ob->type != CACHE_TYPE_STRING)) {
        cache_reply_error(c, "ERR The specified keys must contain string values");
        return DD_OK;
    }
    bool getlen = false, getidx = false, withmatchlen = false;
    long long minmatchlen = 0;
    for (size_t j = 3; j < c->argc; j++) {
        const struct cache_resp_arg *opt = &c->argv[j];
        bool more = j + 1 < c->argc;
        if (opt_is(opt, "idx")) {
            getidx = true;
        } else if (opt_is(opt, "len")) {
            getlen = true;
        } else if (opt_is(opt, "withmatchlen")) {
            withmatchlen = true;
        } else if (opt_is(opt, "minmatchlen") && more) {
            if (!cache_arg_ll(c, j + 1, &minmatchlen))
                return DD_OK;
            if (minmatchlen < 0)
                minmatchlen = 0;
            j++;
        } else {
            cache_reply_syntax(c);
            return DD_OK;
        }
    }
    if (getidx && getlen) {
        cache_reply_error(c, "ERR If you want both the length and indexes, please just use IDX.");
        return DD_OK;
    }
    const char *a = oa ? oa->ptr : "", *b = ob ? ob->ptr : "";
    size_t alen = oa ? oa->len : 0, blen = ob ? ob->len : 0;
    if (alen >= UINT32_MAX - 1 || blen >= UINT32_MAX - 1) {
        cache_reply_error(c, "ERR String too long for LCS");
        return DD_OK;
    }
    unsigned long long cells = (unsigned long long)(alen + 1) * (blen + 1);
    unsigned long long bytes = cells * sizeof(uint32_t);
    if (bytes / sizeof(uint32_t) == cells &&
        bytes > (unsigned long long)c->srv->opts.proto_max_bulk_len) {
        cache_reply_error(
            c, "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        return DD_OK;
    }
    struct cache_lcs_result r;
    if (cache_lcs(a, alen, b, blen, getidx || !getlen, &r) != DD_OK) {
        cache_reply_error(c, "ERR Insufficient memory, failed allocating transient memory for LCS");
        return DD_OK;
    }
    if (getidx) {
        cache_reply_map(c, 2);
        cache_reply_bulk_cstr(c, "matches");
        size_t n = 0;
        size_t handle = cache_reply_defer(c);
        for (size_t k = 0; k < r.nranges; k++) {
            const struct cache_lcs_range *rg = &r.ranges[k];
            long long mlen = (long long)rg->a_end - rg->a_start + 1;
            if (minmatchlen != 0 && mlen < minmatchlen)
                continue;
            cache_reply_array(c, withmatchlen ? 3 : 2);
            cache_reply_array(c, 2);
            cache_reply_ll(c, rg->a_start);
            cache_reply_ll(c, rg->a_end);
            cache_reply_array(c, 2);
            cache_reply_ll(c, rg->b_start);
            cache_reply_ll(c, rg->b_end);
            if (withmatchlen)
                cache_reply_ll(c, mlen);
            n++;
        }
        cache_reply_defer_set(c, handle, 'a', n);
        cache_reply_bulk_cstr(c, "len");
        cache_reply_ll(c, r.len);
    } else if (getlen) {
        cache_reply_ll(c, r.len);
    } else {
        cache_reply_bulk(c, r.str, r.len);
    }
    cache_lcs_result_free(&r);
    return DD_OK;
}

/* ---- the table ---- */

#define W CACHE_CMD_WRITE
#define R CACHE_CMD_READONLY
#define F CACHE_CMD_FAST

/* Redis 7.0.15's COMMAND INFO / COMMAND DOCS for each row. */
const struct cache_command cache_cmds_misc[] = {
    { "move", 3, W | F, cache_cmd_move, 1, 1, 1, "generic", "1.0.0",
      "Move a key to another database", "keyspace write fast", NULL },
    { "swapdb", 3, W | F, cache_cmd_swapdb, 0, 0, 0, "server", "4.0.0", "Swaps two Redis databases",
      "keyspace write fast dangerous", NULL },
    { "role", 1, CACHE_CMD_NOSCRIPT | CACHE_CMD_LOADING | CACHE_CMD_STALE | F, cache_cmd_role, 0, 0,
      0, "server", "2.8.12", "Return the role of the instance in the context of replication",
      "admin fast dangerous", NULL },
    { "readonly", 1, CACHE_CMD_LOADING | CACHE_CMD_STALE | F, cache_cmd_readonly, 0, 0, 0,
      "cluster", "3.0.0", "Enables read queries for a connection to a cluster replica node",
      "fast connection", NULL },
    { "readwrite", 1, CACHE_CMD_LOADING | CACHE_CMD_STALE | F, cache_cmd_readonly, 0, 0, 0,
      "cluster", "3.0.0", "Disables read queries for a connection to a cluster replica node",
      "fast connection", NULL },
    { "wait", 3, CACHE_CMD_NOSCRIPT, cache_cmd_wait, 0, 0, 0, "generic", "3.0.0",
      "Wait for the synchronous replication of all the write commands sent in the context of "
      "the current connection",
      "slow connection", NULL },
    { "lcs", -3, R, cache_cmd_lcs, 1, 2, 1, "string", "7.0.0", "Find longest common substring",
      "read string slow", NULL },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL },
};
