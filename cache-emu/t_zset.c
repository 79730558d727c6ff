/*
 * The sorted set type (see t_zset.h): Redis's listpack and skiplist
 * encodings behind one API, so the commands never look at the encoding.
 *
 * Order. Members are ordered by score, ties broken by the member bytes
 * (memcmp, a shorter prefix first), exactly as Redis's zslInsert compares
 * with sdscmp(). Scores are never NaN (zsetAdd refuses them). A listpack
 * set stores -0 as 0, as Redis's listpack does (it keeps scores as the text
 * d2string() makes, and reads "-0" back as 0); a skiplist keeps the sign.
 *
 * The listpack encoding is one buffer of entries in order:
 *
 *     [mlen: LEB128 varint][member][score: 8 raw bytes][backlen: reverse varint]
 *
 * walked linearly in both directions (backlen, the size of the first three
 * parts, is decoded from its last byte). Every operation is O(n), fine for
 * the <= 128 members it holds by default; Redis's listpack is the same.
 *
 * The skiplist encoding is William Pugh's skiplist with Redis's two
 * additions: a `span` per forward link (how many level-0 steps it jumps), so
 * that the rank of a node is the sum of the spans walked to reach it and the
 * node at a rank is found in O(log n); and a `backward` pointer at level 0
 * for reverse walks. Levels are drawn with p = 1/4 up to 32, as Redis's
 * zslRandomLevel(). Next to it a chained hash table maps member -> node, so
 * ZSCORE and membership tests are O(1). The hash chains are threaded through
 * the skiplist nodes themselves (`hnext`), so a member's bytes are stored
 * once, inside its node.
 *
 * The hash table grows when it holds more members than buckets and shrinks
 * under 10% full, rehashing in one step. ZSCAN walks its buckets with
 * Redis's reverse-binary cursor, so a member present for the whole scan is
 * reported at least once whatever resizes happen between the calls.
 */
#include "cache-emu/t_zset.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

#define ZSL_MAXLEVEL  32
#define HASH_MIN_SIZE 4
#define LP_MIN_CAP    64

enum zset_enc {
    ENC_LISTPACK = 0,
    ENC_SKIPLIST = 1,
};

struct zsl_node;

struct zsl_level {
    struct zsl_node *forward; /* next node at this level */
    size_t span;              /* level-0 steps the link jumps */
};

/* A node is one allocation: struct zsl_meta, then struct zsl_node (which
 * node pointers point at), then the member bytes after level[nlevel]. The
 * walks read only score and level[i].forward of the nodes they pass, so
 * those sit together on (usually) one cache line; the fields a walk needs
 * only on equal scores or not at all live in front, reached with meta(). */
struct zsl_meta {
    struct zsl_node *backward; /* previous node at level 0; NULL for the first */
    struct zsl_node *hnext;    /* next node in the same hash bucket */
    uint64_t hash;             /* hash of the member, kept for resizes */
    size_t mlen;               /* member length; the bytes follow level[nlevel] */
    int nlevel;                /* entries in level[] */
};

struct zsl_node {
    double score;             /* the member's score */
    struct zsl_level level[]; /* forward links, lowest first */
};

static inline struct zsl_meta *meta(const struct zsl_node *x)
{
    return (struct zsl_meta *)((char *)x - sizeof(struct zsl_meta));
}

struct cache_zset {
    enum zset_enc enc; /* which of the two encodings is live */
    size_t len;        /* members */
    /* listpack */
    unsigned char *lp; /* entries in order; NULL until the first insert */
    size_t lp_used;    /* bytes of lp in use */
    size_t lp_cap;     /* bytes of lp allocated */
    /* skiplist */
    struct zsl_node *header;   /* sentinel with ZSL_MAXLEVEL levels */
    struct zsl_node *tail;     /* highest member, NULL when empty */
    int level;                 /* levels in use, >= 1 */
    struct zsl_node **buckets; /* hash table of nbuckets chains */
    size_t nbuckets;           /* 0 or a power of two */
};

/* ---- randomness and hashing ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

void cache_zset_seed(uint64_t seed)
{
    rng_state = seed ? seed : 0x9E3779B97F4A7C15ULL;
}

static uint64_t rng_next(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Redis's zslRandomLevel(): each extra level with probability 1/4. */
static int random_level(void)
{
    int level = 1;
    while (level < ZSL_MAXLEVEL && (rng_next() >> 40 & 0xFFFF) < 0xFFFF / 4)
        level++;
    return level;
}

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0x5bd1e9955bd1e995ULL ^ (n * 0x9E3779B97F4A7C15ULL);
    while (n >= 8) {
        uint64_t k;
        memcpy(&k, s, 8);
        h = (h ^ mix64(k)) * 0x9E3779B97F4A7C15ULL;
        s += 8;
        n -= 8;
    }
    uint64_t k = 0;
    if (n)
        memcpy(&k, s, n);
    h ^= mix64(k ^ n);
    return mix64(h);
}

/* ---- comparisons ---- */

static int cmp_member(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c;
    return alen < blen ? -1 : alen > blen;
}

static int cmp_entry(double s1, const char *m1, size_t l1, double s2, const char *m2, size_t l2)
{
    if (s1 < s2)
        return -1;
    if (s1 > s2)
        return 1;
    return cmp_member(m1, l1, m2, l2);
}

bool cache_zset_score_gte_min(double v, const struct cache_zset_range *r)
{
    return r->minex ? v > r->min : v >= r->min;
}

bool cache_zset_score_lte_max(double v, const struct cache_zset_range *r)
{
    return r->maxex ? v < r->max : v <= r->max;
}

/* Redis's sdscmplex(): a member or bound against a bound. */
static int cmp_lex(const char *a, size_t alen, enum cache_zset_lex_kind ak, const char *b,
                   size_t blen, enum cache_zset_lex_kind bk)
{
    if (ak == bk && ak != CACHE_ZLEX_STR)
        return 0;
    if (ak == CACHE_ZLEX_MIN || bk == CACHE_ZLEX_MAX)
        return -1;
    if (ak == CACHE_ZLEX_MAX || bk == CACHE_ZLEX_MIN)
        return 1;
    return cmp_member(a, alen, b, blen);
}

bool cache_zset_lex_gte_min(const char *m, size_t mlen, const struct cache_zset_lex_range *r)
{
    int c = cmp_lex(m, mlen, CACHE_ZLEX_STR, r->min, r->minlen, r->minkind);
    return r->minex ? c > 0 : c >= 0;
}

bool cache_zset_lex_lte_max(const char *m, size_t mlen, const struct cache_zset_lex_range *r)
{
    int c = cmp_lex(m, mlen, CACHE_ZLEX_STR, r->max, r->maxlen, r->maxkind);
    return r->maxex ? c < 0 : c <= 0;
}

/* Ranges that can hold nothing whatever the set (zslIsInRange's first test). */
static bool range_empty(const struct cache_zset_range *r)
{
    return r->min > r->max || (r->min == r->max && (r->minex || r->maxex));
}

static bool lex_range_empty(const struct cache_zset_lex_range *r)
{
    int c = cmp_lex(r->min, r->minlen, r->minkind, r->max, r->maxlen, r->maxkind);
    return c > 0 || (c == 0 && (r->minex || r->maxex));
}

/* ---- range parsing ---- */

/* strtod over a NUL-terminated copy, as Redis runs it over an sds: leading
 * blanks and an embedded NUL end the number as strtod() decides. */
static int parse_bound(const char *s, size_t len, double *out, bool *ex)
{
    *ex = false;
    if (len && s[0] == '(') {
        *ex = true;
        s++;
        len--;
    }
    char small[128];
    char *buf = len < sizeof(small) ? small : malloc(len + 1);
    if (!buf)
        return DD_ENOMEM;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    double v = strtod(buf, &end);
    int rc = (*end != '\0' || isnan(v)) ? DD_EINVAL : DD_OK;
    if (buf != small)
        free(buf);
    *out = v;
    return rc;
}

int cache_zset_parse_range(const char *min, size_t minlen, const char *max, size_t maxlen,
                           struct cache_zset_range *r)
{
    int rc = parse_bound(min, minlen, &r->min, &r->minex);
    if (rc)
        return rc == DD_ENOMEM ? rc : DD_EINVAL;
    rc = parse_bound(max, maxlen, &r->max, &r->maxex);
    if (rc)
        return rc == DD_ENOMEM ? rc : DD_EINVAL;
    return DD_OK;
}

static int parse_lex_item(const char *s, size_t len, const char **out, size_t *outlen,
                          enum cache_zset_lex_kind *kind, bool *ex)
{
    /* Redis reads the sds as a C string: "+" followed by a NUL is "+". */
    if (!len)
        return DD_EINVAL;
    switch (s[0]) {
    case '+':
    case '-':
        if (len > 1 && s[1] != '\0')
            return DD_EINVAL;
        *kind = s[0] == '+' ? CACHE_ZLEX_MAX : CACHE_ZLEX_MIN;
        *ex = true;
        *out = NULL;
        *outlen = 0;
        return DD_OK;
    case '(':
    case '[':
        *kind = CACHE_ZLEX_STR;
        *ex = s[0] == '(';
        *out = s + 1;
        *outlen = len - 1;
        return DD_OK;
    default:
        return DD_EINVAL;
    }
}

int cache_zset_parse_lex_range(const char *min, size_t minlen, const char *max, size_t maxlen,
                               struct cache_zset_lex_range *r)
{
    if (parse_lex_item(min, minlen, &r->min, &r->minlen, &r->minkind, &r->minex) ||
        parse_lex_item(max, maxlen, &r->max, &r->maxlen, &r->maxkind, &r->maxex))
        return DD_EINVAL;
    return DD_OK;
}

/* ---- the listpack encoding ---- */

static size_t varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 128) {
        v >>= 7;
        n++;
    }
    return n;
}

static size_t lp_entry_size(size_t mlen)
{
    size_t front = varint_len(mlen) + mlen + 8;
    return front + varint_len(front);
}

static void lp_entry_write(unsigned char *d, const void *m, size_t mlen, double score)
{
    size_t i = 0;
    uint64_t v = mlen;
    while (v >= 128) {
        d[i++] = (unsigned char)((v & 127) | 128);
        v >>= 7;
    }
    d[i++] = (unsigned char)v;
    if (mlen)
        memcpy(d + i, m, mlen);
    i += mlen;
    memcpy(d + i, &score, 8);
    i += 8;
    /* backlen, most significant group first, continuation on all but it */
    size_t front = i, n = varint_len(front);
    for (size_t k = 0; k < n; k++) {
        d[i + n - 1 - k] = (unsigned char)((front & 127) | (k + 1 < n ? 128 : 0));
        front >>= 7;
    }
}

/* Decodes the entry at lp[off]; returns its encoded size. */
static size_t lp_entry_read(const unsigned char *lp, size_t off, const char **m, size_t *mlen,
                            double *score)
{
    const unsigned char *d = lp + off;
    uint64_t v = 0;
    unsigned shift = 0;
    size_t i = 0;
    for (;;) {
        unsigned char b = d[i++];
        v |= (uint64_t)(b & 127) << shift;
        if (!(b & 128))
            break;
        shift += 7;
    }
    *m = (const char *)d + i;
    *mlen = (size_t)v;
    memcpy(score, d + i + v, 8);
    size_t front = i + (size_t)v + 8;
    return front + varint_len(front);
}

/* Offset of the entry that ends at lp[end]. */
static size_t lp_prev(const unsigned char *lp, size_t end)
{
    uint64_t v = 0;
    unsigned shift = 0;
    size_t i = 0;
    for (;;) {
        unsigned char b = lp[end - 1 - i];
        i++;
        v |= (uint64_t)(b & 127) << shift;
        if (!(b & 128))
            break;
        shift += 7;
    }
    return end - i - (size_t)v;
}

/* Ensures room for extra more bytes. 0 or DD_ENOMEM. */
static int lp_reserve(struct cache_keyspace *ks, struct cache_zset *z, size_t extra)
{
    if (z->lp_used + extra <= z->lp_cap)
        return DD_OK;
    size_t cap = z->lp_cap * 2;
    if (cap < LP_MIN_CAP)
        cap = LP_MIN_CAP;
    if (cap < z->lp_used + extra)
        cap = z->lp_used + extra;
    unsigned char *nb = cache_mem_alloc(ks, cap);
    if (!nb)
        return DD_ENOMEM;
    if (z->lp_used)
        memcpy(nb, z->lp, z->lp_used);
    cache_mem_free(ks, z->lp);
    z->lp = nb;
    z->lp_cap = cap;
    return DD_OK;
}

/* Gives memory back once the buffer is under a quarter used (best effort). */
static void lp_maybe_shrink(struct cache_keyspace *ks, struct cache_zset *z)
{
    if (z->lp_cap <= 4 * LP_MIN_CAP || z->lp_used * 4 >= z->lp_cap)
        return;
    size_t cap = z->lp_used * 2;
    if (cap < LP_MIN_CAP)
        cap = LP_MIN_CAP;
    unsigned char *nb = cache_mem_alloc(ks, cap);
    if (!nb)
        return;
    memcpy(nb, z->lp, z->lp_used);
    cache_mem_free(ks, z->lp);
    z->lp = nb;
    z->lp_cap = cap;
}

static bool lp_find(const struct cache_zset *z, const void *member, size_t mlen, size_t *off,
                    double *score, size_t *rank)
{
    size_t o = 0, r = 0;
    while (o < z->lp_used) {
        const char *m;
        size_t n;
        double s;
        size_t esz = lp_entry_read(z->lp, o, &m, &n, &s);
        if (n == mlen && memcmp(m, member, mlen) == 0) {
            if (off)
                *off = o;
            if (score)
                *score = s;
            if (rank)
                *rank = r;
            return true;
        }
        o += esz;
        r++;
    }
    return false;
}

/* Inserts (member, score), which must be absent, at its place in order. */
static int lp_insert(struct cache_keyspace *ks, struct cache_zset *z, const void *member,
                     size_t mlen, double score)
{
    if (score == 0)
        score = 0.0; /* the listpack forgets the sign of zero */
    size_t esz = lp_entry_size(mlen);
    int rc = lp_reserve(ks, z, esz);
    if (rc)
        return rc;
    size_t o = 0;
    while (o < z->lp_used) {
        const char *m;
        size_t n;
        double s;
        size_t sz = lp_entry_read(z->lp, o, &m, &n, &s);
        if (cmp_entry(s, m, n, score, member, mlen) > 0)
            break;
        o += sz;
    }
    memmove(z->lp + o + esz, z->lp + o, z->lp_used - o);
    lp_entry_write(z->lp + o, member, mlen, score);
    z->lp_used += esz;
    z->len++;
    return DD_OK;
}

/* Removes lp[off, off+bytes) holding `entries` members; shrink says whether
 * the buffer may give memory back (not when a re-insert follows). */
static void lp_delete_bytes(struct cache_keyspace *ks, struct cache_zset *z, size_t off,
                            size_t bytes, size_t entries, bool shrink)
{
    memmove(z->lp + off, z->lp + off + bytes, z->lp_used - off - bytes);
    z->lp_used -= bytes;
    z->len -= entries;
    if (shrink)
        lp_maybe_shrink(ks, z);
}

/* Offset of the entry at rank (< len), walking from the nearer end. */
static size_t lp_offset_of_rank(const struct cache_zset *z, size_t rank)
{
    size_t o;
    if (rank <= z->len / 2) {
        o = 0;
        for (size_t i = 0; i < rank; i++) {
            const char *m;
            size_t n;
            double s;
            o += lp_entry_read(z->lp, o, &m, &n, &s);
        }
    } else {
        o = z->lp_used;
        for (size_t i = z->len; i > rank; i--)
            o = lp_prev(z->lp, o);
    }
    return o;
}

/* ---- the skiplist encoding ---- */

static char *node_member(const struct zsl_node *x)
{
    return (char *)&x->level[meta(x)->nlevel];
}

static struct zsl_node *zsl_node_new(struct cache_keyspace *ks, int level, double score,
                                     const void *m, size_t mlen, uint64_t hash)
{
    char *base = cache_mem_alloc(ks, sizeof(struct zsl_meta) + sizeof(struct zsl_node) +
                                         (size_t)level * sizeof(struct zsl_level) + mlen);
    if (!base)
        return NULL;
    struct zsl_node *x = (struct zsl_node *)(base + sizeof(struct zsl_meta));
    x->score = score;
    meta(x)->backward = NULL;
    meta(x)->hnext = NULL;
    meta(x)->hash = hash;
    meta(x)->mlen = mlen;
    meta(x)->nlevel = level;
    for (int i = 0; i < level; i++) {
        x->level[i].forward = NULL;
        x->level[i].span = 0;
    }
    if (mlen)
        memcpy(node_member(x), m, mlen);
    return x;
}

static void zsl_node_free(struct cache_keyspace *ks, struct zsl_node *x)
{
    cache_mem_free(ks, meta(x));
}

static int zsl_init(struct cache_keyspace *ks, struct cache_zset *z)
{
    z->header = zsl_node_new(ks, ZSL_MAXLEVEL, 0, NULL, 0, 0);
    if (!z->header)
        return DD_ENOMEM;
    z->tail = NULL;
    z->level = 1;
    z->len = 0;
    z->buckets = NULL;
    z->nbuckets = 0;
    z->enc = ENC_SKIPLIST;
    return DD_OK;
}

/* Whether node x sorts before (score, m). */
static bool node_before(const struct zsl_node *x, double score, const char *m, size_t mlen)
{
    /* Scores decide almost every step: test them before touching the
     * member, which lives on another cache line. Scores are never NaN. */
    if (x->score != score)
        return x->score < score;
    return cmp_member(node_member(x), meta(x)->mlen, m, mlen) < 0;
}

/* A walk at level i from h compares f = h->level[i].forward next; after
 * that it visits either f's successor (f sorts before the key) or h's
 * successor one level down (it does not). Asking for both now overlaps
 * their cache misses with this comparison's: on a large set the walks
 * are bound by those misses, one per node. Prefetching NULL is harmless. */
static inline void prefetch_next(const struct zsl_node *h, const struct zsl_node *f, int i)
{
    __builtin_prefetch(f->level[i].forward);
    if (i > 0)
        __builtin_prefetch(h->level[i - 1].forward);
}

/* Links x (its nlevel and score set) at its place in order. */
static void zsl_insert_node(struct cache_zset *z, struct zsl_node *x)
{
    struct zsl_node *update[ZSL_MAXLEVEL];
    size_t rank[ZSL_MAXLEVEL];
    struct zsl_node *h = z->header;
    const char *m = node_member(x);
    size_t mlen = meta(x)->mlen;
    for (int i = z->level - 1; i >= 0; i--) {
        rank[i] = i == z->level - 1 ? 0 : rank[i + 1];
        struct zsl_node *f;
        while ((f = h->level[i].forward) != NULL) {
            prefetch_next(h, f, i);
            if (!node_before(f, x->score, m, mlen))
                break;
            rank[i] += h->level[i].span;
            h = f;
        }
        update[i] = h;
    }
    int level = meta(x)->nlevel;
    if (level > z->level) {
        for (int i = z->level; i < level; i++) {
            rank[i] = 0;
            update[i] = z->header;
            update[i]->level[i].span = z->len;
        }
        z->level = level;
    }
    for (int i = 0; i < level; i++) {
        x->level[i].forward = update[i]->level[i].forward;
        update[i]->level[i].forward = x;
        x->level[i].span = update[i]->level[i].span - (rank[0] - rank[i]);
        update[i]->level[i].span = (rank[0] - rank[i]) + 1;
    }
    for (int i = level; i < z->level; i++)
        update[i]->level[i].span++;
    meta(x)->backward = update[0] == z->header ? NULL : update[0];
    if (x->level[0].forward)
        meta(x->level[0].forward)->backward = x;
    else
        z->tail = x;
    z->len++;
}

/* Fills update[] with the last node before (score, m) at every level. */
static void zsl_find_update(const struct cache_zset *z, double score, const char *m, size_t mlen,
                            struct zsl_node **update)
{
    struct zsl_node *h = z->header;
    for (int i = z->level - 1; i >= 0; i--) {
        struct zsl_node *f;
        while ((f = h->level[i].forward) != NULL) {
            prefetch_next(h, f, i);
            if (!node_before(f, score, m, mlen))
                break;
            h = f;
        }
        update[i] = h;
    }
}

/* Unlinks x from the skiplist (not from the hash); update[] from
 * zsl_find_update() for x. */
static void zsl_unlink(struct cache_zset *z, struct zsl_node *x, struct zsl_node **update)
{
    for (int i = 0; i < z->level; i++) {
        if (update[i]->level[i].forward == x) {
            update[i]->level[i].span += x->level[i].span - 1;
            update[i]->level[i].forward = x->level[i].forward;
        } else {
            update[i]->level[i].span -= 1;
        }
    }
    if (x->level[0].forward)
        meta(x->level[0].forward)->backward = meta(x)->backward;
    else
        z->tail = meta(x)->backward;
    while (z->level > 1 && !z->header->level[z->level - 1].forward)
        z->level--;
    z->len--;
}

/* 1-based rank of the node holding (score, m); 0 when absent. */
static size_t zsl_rank(const struct cache_zset *z, double score, const char *m, size_t mlen)
{
    size_t rank = 0;
    const struct zsl_node *x = z->header;
    for (int i = z->level - 1; i >= 0; i--) {
        while (x->level[i].forward &&
               cmp_entry(x->level[i].forward->score, node_member(x->level[i].forward),
                         meta(x->level[i].forward)->mlen, score, m, mlen) <= 0) {
            rank += x->level[i].span;
            x = x->level[i].forward;
        }
        if (x != z->header && meta(x)->mlen == mlen && memcmp(node_member(x), m, mlen) == 0)
            return rank;
    }
    return 0;
}

/* The node at 1-based rank (<= len). */
static struct zsl_node *zsl_at_rank(const struct cache_zset *z, size_t rank)
{
    size_t traversed = 0;
    struct zsl_node *x = z->header;
    for (int i = z->level - 1; i >= 0; i--) {
        while (x->level[i].forward && traversed + x->level[i].span <= rank) {
            traversed += x->level[i].span;
            x = x->level[i].forward;
        }
        if (traversed == rank)
            return x;
    }
    return NULL;
}

/* ---- the member -> node hash ---- */

static struct zsl_node *hash_find(const struct cache_zset *z, const void *m, size_t mlen,
                                  uint64_t h)
{
    if (!z->nbuckets)
        return NULL;
    for (struct zsl_node *x = z->buckets[h & (z->nbuckets - 1)]; x; x = meta(x)->hnext)
        if (meta(x)->hash == h && meta(x)->mlen == mlen && memcmp(node_member(x), m, mlen) == 0)
            return x;
    return NULL;
}

static int hash_resize(struct cache_keyspace *ks, struct cache_zset *z, size_t size)
{
    struct zsl_node **nb = cache_mem_alloc(ks, size * sizeof(*nb));
    if (!nb)
        return DD_ENOMEM;
    memset(nb, 0, size * sizeof(*nb));
    for (size_t i = 0; i < z->nbuckets; i++) {
        struct zsl_node *x = z->buckets[i];
        while (x) {
            struct zsl_node *next = meta(x)->hnext;
            struct zsl_node **b = &nb[meta(x)->hash & (size - 1)];
            meta(x)->hnext = *b;
            *b = x;
            x = next;
        }
    }
    cache_mem_free(ks, z->buckets);
    z->buckets = nb;
    z->nbuckets = size;
    return DD_OK;
}

static size_t pow2_at_least(size_t n)
{
    size_t s = HASH_MIN_SIZE;
    while (s < n)
        s *= 2;
    return s;
}

/* Links x into the hash; grows the table past one member per bucket.
 * Fails only when there is no table at all and none can be had. */
static int hash_link(struct cache_keyspace *ks, struct cache_zset *z, struct zsl_node *x)
{
    if (z->len > z->nbuckets) {
        int rc = hash_resize(ks, z, pow2_at_least(z->len));
        if (rc && !z->nbuckets)
            return rc;
    }
    struct zsl_node **b = &z->buckets[meta(x)->hash & (z->nbuckets - 1)];
    meta(x)->hnext = *b;
    *b = x;
    return DD_OK;
}

static void hash_unlink(struct cache_keyspace *ks, struct cache_zset *z, struct zsl_node *x)
{
    struct zsl_node **pp = &z->buckets[meta(x)->hash & (z->nbuckets - 1)];
    while (*pp != x)
        pp = &meta(*pp)->hnext;
    *pp = meta(x)->hnext;
    meta(x)->hnext = NULL;
    if (z->nbuckets > HASH_MIN_SIZE && z->len * 10 < z->nbuckets)
        (void)hash_resize(ks, z, pow2_at_least(z->len)); /* best effort */
}

static void zsl_free_all(struct cache_keyspace *ks, struct cache_zset *z)
{
    if (!z->header)
        return;
    struct zsl_node *x = z->header->level[0].forward;
    while (x) {
        struct zsl_node *next = x->level[0].forward;
        zsl_node_free(ks, x);
        x = next;
    }
    zsl_node_free(ks, z->header);
    cache_mem_free(ks, z->buckets);
    z->header = z->tail = NULL;
    z->buckets = NULL;
    z->nbuckets = 0;
}

/* Adds a new member to a skiplist set. */
static int zsl_add(struct cache_keyspace *ks, struct cache_zset *z, const void *m, size_t mlen,
                   double score, uint64_t h)
{
    struct zsl_node *x = zsl_node_new(ks, random_level(), score, m, mlen, h);
    if (!x)
        return DD_ENOMEM;
    zsl_insert_node(z, x);
    int rc = hash_link(ks, z, x);
    if (rc) {
        struct zsl_node *update[ZSL_MAXLEVEL];
        zsl_find_update(z, score, m, mlen, update);
        zsl_unlink(z, x, update);
        zsl_node_free(ks, x);
    }
    return rc;
}

/* Removes node x from both structures and frees it. */
static void zsl_remove(struct cache_keyspace *ks, struct cache_zset *z, struct zsl_node *x)
{
    struct zsl_node *update[ZSL_MAXLEVEL];
    zsl_find_update(z, x->score, node_member(x), meta(x)->mlen, update);
    zsl_unlink(z, x, update);
    hash_unlink(ks, z, x);
    zsl_node_free(ks, x);
}

/* Redis's zslUpdateScore(): in place when the order does not change. */
static void zsl_update_score(struct cache_zset *z, struct zsl_node *x, double score)
{
    if ((!meta(x)->backward || meta(x)->backward->score < score) &&
        (!x->level[0].forward || x->level[0].forward->score > score)) {
        x->score = score;
        return;
    }
    struct zsl_node *update[ZSL_MAXLEVEL];
    zsl_find_update(z, x->score, node_member(x), meta(x)->mlen, update);
    zsl_unlink(z, x, update);
    x->score = score;
    for (int i = 0; i < meta(x)->nlevel; i++) {
        x->level[i].forward = NULL;
        x->level[i].span = 0;
    }
    zsl_insert_node(z, x);
}

/* Converts a listpack set to a skiplist one. 0, or DD_ENOMEM (unchanged). */
static int zset_convert(struct cache_keyspace *ks, struct cache_zset *z)
{
    struct cache_zset t;
    memset(&t, 0, sizeof(t));
    if (zsl_init(ks, &t))
        return DD_ENOMEM;
    if (z->len && hash_resize(ks, &t, pow2_at_least(z->len))) {
        zsl_free_all(ks, &t);
        return DD_ENOMEM;
    }
    size_t o = 0;
    while (o < z->lp_used) {
        const char *m;
        size_t n;
        double s;
        o += lp_entry_read(z->lp, o, &m, &n, &s);
        if (zsl_add(ks, &t, m, n, s, hash_bytes(m, n))) {
            zsl_free_all(ks, &t);
            return DD_ENOMEM;
        }
    }
    cache_mem_free(ks, z->lp);
    z->lp = NULL;
    z->lp_used = z->lp_cap = 0;
    z->enc = ENC_SKIPLIST;
    z->header = t.header;
    z->tail = t.tail;
    z->level = t.level;
    z->buckets = t.buckets;
    z->nbuckets = t.nbuckets;
    z->len = t.len;
    return DD_OK;
}

/* ---- the public API ---- */

int cache_zset_to_skiplist(struct cache_keyspace *ks, struct cache_zset *z)
{
    return z->enc == ENC_SKIPLIST ? DD_OK : zset_convert(ks, z);
}

int cache_zset_to_listpack_if_fits(struct cache_keyspace *ks, struct cache_zset *z,
                                   const struct cache_settings *st)
{
    if (z->enc == ENC_LISTPACK || (long long)z->len > st->zset_max_listpack_entries)
        return DD_OK;
    size_t bytes = 0;
    for (const struct zsl_node *x = z->header->level[0].forward; x; x = x->level[0].forward) {
        if ((long long)meta(x)->mlen > st->zset_max_listpack_value)
            return DD_OK;
        bytes += lp_entry_size(meta(x)->mlen);
    }
    unsigned char *lp = NULL;
    if (bytes && !(lp = cache_mem_alloc(ks, bytes)))
        return DD_ENOMEM;
    size_t o = 0;
    for (const struct zsl_node *x = z->header->level[0].forward; x; x = x->level[0].forward) {
        /* the listpack forgets the sign of zero */
        lp_entry_write(lp + o, node_member(x), meta(x)->mlen, x->score == 0 ? 0.0 : x->score);
        o += lp_entry_size(meta(x)->mlen);
    }
    size_t len = z->len;
    zsl_free_all(ks, z);
    z->enc = ENC_LISTPACK;
    z->lp = lp;
    z->lp_used = z->lp_cap = bytes;
    z->len = len;
    return DD_OK;
}

struct cache_zset *cache_zset_new(struct cache_keyspace *ks)
{
    struct cache_zset *z = cache_mem_alloc(ks, sizeof(*z));
    if (!z)
        return NULL;
    memset(z, 0, sizeof(*z));
    z->enc = ENC_LISTPACK;
    return z;
}

struct cache_obj *cache_zset_obj_new(struct cache_keyspace *ks)
{
    struct cache_zset *z = cache_zset_new(ks);
    if (!z)
        return NULL;
    struct cache_obj *o = cache_obj_new(ks, CACHE_TYPE_ZSET, z, cache_zset_free);
    if (!o)
        cache_zset_free(ks, z);
    return o;
}

void cache_zset_free(struct cache_keyspace *ks, void *payload)
{
    struct cache_zset *z = payload;
    if (!z)
        return;
    cache_mem_free(ks, z->lp);
    zsl_free_all(ks, z);
    cache_mem_free(ks, z);
}

void *cache_zset_dup(struct cache_keyspace *ks, const void *payload)
{
    const struct cache_zset *src = payload;
    struct cache_zset *z = cache_zset_new(ks);
    if (!z)
        return NULL;
    if (src->enc == ENC_LISTPACK) {
        if (src->lp_used) {
            z->lp = cache_mem_alloc(ks, src->lp_used);
            if (!z->lp) {
                cache_zset_free(ks, z);
                return NULL;
            }
            memcpy(z->lp, src->lp, src->lp_used);
            z->lp_used = z->lp_cap = src->lp_used;
        }
        z->len = src->len;
        return z;
    }
    if (zsl_init(ks, z) || (src->len && hash_resize(ks, z, pow2_at_least(src->len)))) {
        cache_zset_free(ks, z);
        return NULL;
    }
    for (const struct zsl_node *x = src->header->level[0].forward; x; x = x->level[0].forward) {
        if (zsl_add(ks, z, node_member(x), meta(x)->mlen, x->score, meta(x)->hash)) {
            cache_zset_free(ks, z);
            return NULL;
        }
    }
    return z;
}

const char *cache_zset_encoding(const void *payload)
{
    return ((const struct cache_zset *)payload)->enc == ENC_LISTPACK ? "listpack" : "skiplist";
}

size_t cache_zset_len(const void *payload)
{
    return ((const struct cache_zset *)payload)->len;
}

int cache_zset_add(struct cache_keyspace *ks, struct cache_zset *z, const struct cache_settings *st,
                   const void *member, size_t mlen, double score, int flags, int *out,
                   double *newscore)
{
    bool incr = flags & CACHE_ZADD_INCR, nx = flags & CACHE_ZADD_NX, xx = flags & CACHE_ZADD_XX;
    bool gt = flags & CACHE_ZADD_GT, lt = flags & CACHE_ZADD_LT;
    *out = 0;
    if (isnan(score))
        return DD_ERANGE;
    double cur;
    size_t off = 0;
    struct zsl_node *x = NULL;
    uint64_t h = 0;
    bool found;
    if (z->enc == ENC_LISTPACK) {
        found = lp_find(z, member, mlen, &off, &cur, NULL);
    } else {
        h = hash_bytes(member, mlen);
        x = hash_find(z, member, mlen, h);
        found = x != NULL;
        if (found)
            cur = x->score;
    }
    if (found) {
        if (nx) {
            *out = CACHE_ZADD_NOP;
            return DD_OK;
        }
        if (incr) {
            score += cur;
            if (isnan(score))
                return DD_ERANGE;
        }
        if ((lt && score >= cur) || (gt && score <= cur)) {
            *out = CACHE_ZADD_NOP;
            return DD_OK;
        }
        if (newscore)
            *newscore = score;
        bool exact = flags & CACHE_ZADD_EXACT;
        if (score != cur || (exact && signbit(score) != signbit(cur))) {
            if (z->enc == ENC_LISTPACK) {
                /* Re-insert first so that ENOMEM leaves the set as it was. */
                int rc = lp_reserve(ks, z, lp_entry_size(mlen));
                if (rc)
                    return rc;
                const char *m;
                size_t n;
                double s;
                size_t esz = lp_entry_read(z->lp, off, &m, &n, &s);
                lp_delete_bytes(ks, z, off, esz, 1, false);
                rc = lp_insert(ks, z, member, mlen, score);
                assert(rc == DD_OK);
            } else {
                zsl_update_score(z, x, score);
            }
            *out = CACHE_ZADD_UPDATED;
        }
        return DD_OK;
    }
    if (xx) {
        *out = CACHE_ZADD_NOP;
        return DD_OK;
    }
    if (z->enc == ENC_LISTPACK) {
        if ((long long)z->len + 1 > st->zset_max_listpack_entries ||
            (long long)mlen > st->zset_max_listpack_value) {
            int rc = zset_convert(ks, z);
            if (rc)
                return rc;
            h = hash_bytes(member, mlen);
        } else {
            int rc = lp_insert(ks, z, member, mlen, score);
            if (rc)
                return rc;
            *out = CACHE_ZADD_ADDED;
            if (newscore)
                *newscore = score;
            return DD_OK;
        }
    }
    int rc = zsl_add(ks, z, member, mlen, score, h);
    if (rc)
        return rc;
    *out = CACHE_ZADD_ADDED;
    if (newscore)
        *newscore = score;
    return DD_OK;
}

int cache_zset_delete(struct cache_keyspace *ks, struct cache_zset *z, const void *member,
                      size_t mlen)
{
    if (z->enc == ENC_LISTPACK) {
        size_t off;
        if (!lp_find(z, member, mlen, &off, NULL, NULL))
            return DD_ENOENT;
        const char *m;
        size_t n;
        double s;
        lp_delete_bytes(ks, z, off, lp_entry_read(z->lp, off, &m, &n, &s), 1, true);
        return DD_OK;
    }
    struct zsl_node *x = hash_find(z, member, mlen, hash_bytes(member, mlen));
    if (!x)
        return DD_ENOENT;
    zsl_remove(ks, z, x);
    return DD_OK;
}

int cache_zset_score(const struct cache_zset *z, const void *member, size_t mlen, double *score)
{
    if (z->enc == ENC_LISTPACK)
        return lp_find(z, member, mlen, NULL, score, NULL) ? DD_OK : DD_ENOENT;
    const struct zsl_node *x = hash_find(z, member, mlen, hash_bytes(member, mlen));
    if (!x)
        return DD_ENOENT;
    *score = x->score;
    return DD_OK;
}

int cache_zset_rank(const struct cache_zset *z, const void *member, size_t mlen, bool reverse,
                    size_t *rank)
{
    size_t r;
    if (z->enc == ENC_LISTPACK) {
        if (!lp_find(z, member, mlen, NULL, NULL, &r))
            return DD_ENOENT;
    } else {
        const struct zsl_node *x = hash_find(z, member, mlen, hash_bytes(member, mlen));
        if (!x)
            return DD_ENOENT;
        r = zsl_rank(z, x->score, member, mlen);
        assert(r > 0);
        r--;
    }
    *rank = reverse ? z->len - 1 - r : r;
    return DD_OK;
}

/*
 * First (or with reverse last) member inside a range, in both encodings.
 * The predicates gte(min) and lte(max) are passed as a small vtable so score
 * and lex ranges share the walk, which follows Redis's zslFirstInRange /
 * zslLastInRange (skiplist descent) and zzlFirstInRange (linear scan).
 */
struct range_pred {
    bool (*gte)(const void *r, const char *m, size_t mlen, double score);
    bool (*lte)(const void *r, const char *m, size_t mlen, double score);
    const void *r;
};

static bool pred_score_gte(const void *r, const char *m, size_t mlen, double score)
{
    (void)m;
    (void)mlen;
    return cache_zset_score_gte_min(score, r);
}

static bool pred_score_lte(const void *r, const char *m, size_t mlen, double score)
{
    (void)m;
    (void)mlen;
    return cache_zset_score_lte_max(score, r);
}

static bool pred_lex_gte(const void *r, const char *m, size_t mlen, double score)
{
    (void)score;
    return cache_zset_lex_gte_min(m, mlen, r);
}

static bool pred_lex_lte(const void *r, const char *m, size_t mlen, double score)
{
    (void)score;
    return cache_zset_lex_lte_max(m, mlen, r);
}

static bool node_gte(const struct range_pred *p, const struct zsl_node *x)
{
    return p->gte(p->r, node_member(x), meta(x)->mlen, x->score);
}

static bool node_lte(const struct range_pred *p, const struct zsl_node *x)
{
    return p->lte(p->r, node_member(x), meta(x)->mlen, x->score);
}

static bool first_in(const struct cache_zset *z, const struct range_pred *p, bool reverse,
                     size_t *rank)
{
    if (!z->len)
        return false;
    if (z->enc == ENC_LISTPACK) {
        const char *m;
        size_t n;
        double s;
        /* zzlIsInRange: the last member must reach min, the first max. */
        lp_entry_read(z->lp, lp_prev(z->lp, z->lp_used), &m, &n, &s);
        if (!p->gte(p->r, m, n, s))
            return false;
        lp_entry_read(z->lp, 0, &m, &n, &s);
        if (!p->lte(p->r, m, n, s))
            return false;
        if (!reverse) {
            size_t o = 0, r = 0;
            while (o < z->lp_used) {
                o += lp_entry_read(z->lp, o, &m, &n, &s);
                if (p->gte(p->r, m, n, s)) {
                    *rank = r;
                    return p->lte(p->r, m, n, s);
                }
                r++;
            }
        } else {
            size_t o = z->lp_used, r = z->len;
            while (o > 0) {
                o = lp_prev(z->lp, o);
                r--;
                lp_entry_read(z->lp, o, &m, &n, &s);
                if (p->lte(p->r, m, n, s)) {
                    *rank = r;
                    return p->gte(p->r, m, n, s);
                }
            }
        }
        return false;
    }
    /* zslIsInRange: the whole set lies outside the range. */
    if (!node_gte(p, z->tail) || !node_lte(p, z->header->level[0].forward))
        return false;
    const struct zsl_node *x = z->header;
    size_t traversed = 0;
    for (int i = z->level - 1; i >= 0; i--) {
        if (!reverse) {
            while (x->level[i].forward && !node_gte(p, x->level[i].forward)) {
                traversed += x->level[i].span;
                x = x->level[i].forward;
            }
        } else {
            while (x->level[i].forward && node_lte(p, x->level[i].forward)) {
                traversed += x->level[i].span;
                x = x->level[i].forward;
            }
        }
    }
    if (!reverse) {
        x = x->level[0].forward; /* inner range: cannot be NULL */
        if (!node_lte(p, x))
            return false;
        *rank = traversed;
    } else {
        if (!node_gte(p, x))
            return false;
        *rank = traversed - 1;
    }
    return true;
}

bool cache_zset_first_in_range(const struct cache_zset *z, const struct cache_zset_range *r,
                               bool reverse, size_t *rank)
{
    if (range_empty(r))
        return false;
    struct range_pred p = { pred_score_gte, pred_score_lte, r };
    return first_in(z, &p, reverse, rank);
}

bool cache_zset_first_in_lex_range(const struct cache_zset *z, const struct cache_zset_lex_range *r,
                                   bool reverse, size_t *rank)
{
    if (lex_range_empty(r))
        return false;
    struct range_pred p = { pred_lex_gte, pred_lex_lte, r };
    return first_in(z, &p, reverse, rank);
}

/*
 * ZCOUNT / ZLEXCOUNT as Redis counts: a listpack set walks forward from the
 * first member in range while the max holds; a skiplist set subtracts the
 * ranks of the first and last members in range. (The two agree whenever the
 * set is ordered by the range's key, i.e. always for scores, and for lex
 * ranges when all scores are equal, the only use Redis documents.)
 */
static size_t count_in(const struct cache_zset *z, const struct range_pred *p)
{
    size_t a, b;
    if (!first_in(z, p, false, &a))
        return 0;
    if (z->enc == ENC_LISTPACK) {
        struct cache_zset_iter it;
        const char *m;
        size_t n, count = 0;
        double s;
        cache_zset_iter_init(&it, z, a, false);
        while (cache_zset_iter_next(&it, &m, &n, &s) && p->lte(p->r, m, n, s))
            count++;
        return count;
    }
    if (!first_in(z, p, true, &b))
        return z->len - a;
    return b >= a ? b - a + 1 : 0;
}

size_t cache_zset_count_range(const struct cache_zset *z, const struct cache_zset_range *r)
{
    if (range_empty(r))
        return 0;
    struct range_pred p = { pred_score_gte, pred_score_lte, r };
    return count_in(z, &p);
}

size_t cache_zset_count_lex_range(const struct cache_zset *z, const struct cache_zset_lex_range *r)
{
    if (lex_range_empty(r))
        return 0;
    struct range_pred p = { pred_lex_gte, pred_lex_lte, r };
    return count_in(z, &p);
}

/*
 * ZREMRANGEBYSCORE / ZREMRANGEBYLEX as Redis deletes: a listpack set from
 * its first member in range (zzlFirstInRange, with the whole-set test) while
 * the max holds; a skiplist set from the node its descent reaches
 * (zslDeleteRangeByScore / ByLex, which skip that test) while the max holds.
 */
static size_t delete_in(struct cache_keyspace *ks, struct cache_zset *z, const struct range_pred *p)
{
    if (!z->len)
        return 0;
    if (z->enc == ENC_LISTPACK) {
        size_t a, n = 0;
        if (!first_in(z, p, false, &a))
            return 0;
        struct cache_zset_iter it;
        const char *m;
        size_t ml;
        double s;
        cache_zset_iter_init(&it, z, a, false);
        while (cache_zset_iter_next(&it, &m, &ml, &s) && p->lte(p->r, m, ml, s))
            n++;
        return n ? cache_zset_delete_ranks(ks, z, a, a + n - 1) : 0;
    }
    struct zsl_node *update[ZSL_MAXLEVEL];
    struct zsl_node *x = z->header;
    for (int i = z->level - 1; i >= 0; i--) {
        while (x->level[i].forward && !node_gte(p, x->level[i].forward))
            x = x->level[i].forward;
        update[i] = x;
    }
    x = x->level[0].forward;
    size_t n = 0;
    while (x && node_lte(p, x)) {
        struct zsl_node *next = x->level[0].forward;
        zsl_unlink(z, x, update);
        hash_unlink(ks, z, x);
        zsl_node_free(ks, x);
        n++;
        x = next;
    }
    return n;
}

size_t cache_zset_delete_range(struct cache_keyspace *ks, struct cache_zset *z,
                               const struct cache_zset_range *r)
{
    struct range_pred p = { pred_score_gte, pred_score_lte, r };
    return delete_in(ks, z, &p);
}

size_t cache_zset_delete_lex_range(struct cache_keyspace *ks, struct cache_zset *z,
                                   const struct cache_zset_lex_range *r)
{
    struct range_pred p = { pred_lex_gte, pred_lex_lte, r };
    return delete_in(ks, z, &p);
}

size_t cache_zset_delete_ranks(struct cache_keyspace *ks, struct cache_zset *z, size_t start,
                               size_t end)
{
    if (start > end || start >= z->len)
        return 0;
    if (end >= z->len)
        end = z->len - 1;
    size_t n = end - start + 1;
    if (z->enc == ENC_LISTPACK) {
        size_t from = lp_offset_of_rank(z, start);
        size_t to = end + 1 == z->len ? z->lp_used : lp_offset_of_rank(z, end + 1);
        lp_delete_bytes(ks, z, from, to - from, n, true);
        return n;
    }
    /* zslDeleteRangeByRank: one descent, then unlink forward. */
    struct zsl_node *update[ZSL_MAXLEVEL];
    struct zsl_node *x = z->header;
    size_t traversed = 0;
    for (int i = z->level - 1; i >= 0; i--) {
        while (x->level[i].forward && traversed + x->level[i].span <= start) {
            traversed += x->level[i].span;
            x = x->level[i].forward;
        }
        update[i] = x;
    }
    x = x->level[0].forward;
    for (size_t k = 0; k < n && x; k++) {
        struct zsl_node *next = x->level[0].forward;
        zsl_unlink(z, x, update);
        hash_unlink(ks, z, x);
        zsl_node_free(ks, x);
        x = next;
    }
    return n;
}

void cache_zset_iter_init(struct cache_zset_iter *it, const struct cache_zset *z, size_t rank,
                          bool reverse)
{
    it->z = z;
    it->reverse = reverse;
    it->node = NULL;
    it->off = 0;
    if (rank >= z->len) {
        it->left = 0;
        return;
    }
    it->left = reverse ? rank + 1 : z->len - rank;
    if (z->enc == ENC_LISTPACK)
        it->off = lp_offset_of_rank(z, rank);
    else
        it->node = zsl_at_rank(z, rank + 1);
}

bool cache_zset_iter_next(struct cache_zset_iter *it, const char **m, size_t *mlen, double *score)
{
    if (!it->left)
        return false;
    it->left--;
    const struct cache_zset *z = it->z;
    if (z->enc == ENC_LISTPACK) {
        size_t esz = lp_entry_read(z->lp, it->off, m, mlen, score);
        if (it->left)
            it->off = it->reverse ? lp_prev(z->lp, it->off) : it->off + esz;
        return true;
    }
    const struct zsl_node *x = it->node;
    *m = node_member(x);
    *mlen = meta(x)->mlen;
    *score = x->score;
    it->node = it->reverse ? meta(x)->backward : x->level[0].forward;
    return true;
}

/* Reverses the bits of v (the SCAN cursor counts from the high bit). */
static uint64_t rev64(uint64_t v)
{
    uint64_t r = 0;
    for (int i = 0; i < 64; i++) {
        r = (r << 1) | (v & 1);
        v >>= 1;
    }
    return r;
}

uint64_t cache_zset_scan(const struct cache_zset *z, uint64_t cursor, size_t count,
                         cache_zset_scan_fn fn, void *ctx)
{
    if (z->enc == ENC_LISTPACK) {
        size_t o = 0;
        while (o < z->lp_used) {
            const char *m;
            size_t n;
            double s;
            o += lp_entry_read(z->lp, o, &m, &n, &s);
            fn(ctx, m, n, s);
        }
        return 0;
    }
    if (!z->nbuckets)
        return 0;
    /* scanGenericCommand: a member and its score are two reply entries, and
     * at most 10 * count buckets are visited per call. */
    if (!count)
        count = 10;
    size_t entries = 0, maxiter = count * 10;
    uint64_t mask = z->nbuckets - 1;
    do {
        for (const struct zsl_node *x = z->buckets[cursor & mask]; x; x = meta(x)->hnext) {
            fn(ctx, node_member(x), meta(x)->mlen, x->score);
            entries += 2;
        }
        cursor |= ~mask;
        cursor = rev64(cursor);
        cursor++;
        cursor = rev64(cursor);
    } while (cursor && maxiter-- && entries < count);
    return cursor;
}

bool cache_zset_valid(const struct cache_zset *z)
{
    if (z->enc == ENC_LISTPACK) {
        size_t o = 0, n = 0;
        const char *pm = NULL;
        size_t pl = 0;
        double ps = 0;
        while (o < z->lp_used) {
            const char *m;
            size_t ml;
            double s;
            size_t esz = lp_entry_read(z->lp, o, &m, &ml, &s);
            if (lp_prev(z->lp, o + esz) != o || isnan(s))
                return false;
            if (pm && cmp_entry(ps, pm, pl, s, m, ml) >= 0)
                return false;
            pm = m;
            pl = ml;
            ps = s;
            o += esz;
            n++;
        }
        return o == z->lp_used && n == z->len && z->lp_used <= z->lp_cap;
    }
    /* level 0: order, backward links, tail, hash membership */
    size_t n = 0;
    const struct zsl_node *prev = NULL;
    for (const struct zsl_node *x = z->header->level[0].forward; x; x = x->level[0].forward) {
        if (meta(x)->backward != prev)
            return false;
        if (prev && cmp_entry(prev->score, node_member(prev), meta(prev)->mlen, x->score,
                              node_member(x), meta(x)->mlen) >= 0)
            return false;
        if (meta(x)->hash != hash_bytes(node_member(x), meta(x)->mlen) ||
            hash_find(z, node_member(x), meta(x)->mlen, meta(x)->hash) != x)
            return false;
        prev = x;
        n++;
    }
    if (n != z->len || prev != z->tail)
        return false;
    /* every level: spans equal the level-0 distance */
    for (int i = 0; i < z->level; i++) {
        size_t pos = 0;
        const struct zsl_node *x = z->header;
        while (x->level[i].forward) {
            const struct zsl_node *f = x->level[i].forward;
            size_t steps = 0;
            for (const struct zsl_node *y = x; y != f; y = y->level[0].forward)
                steps++;
            if (steps != x->level[i].span)
                return false;
            pos += steps;
            x = f;
        }
        if (pos > z->len)
            return false;
    }
    size_t hashed = 0;
    for (size_t b = 0; b < z->nbuckets; b++)
        for (const struct zsl_node *x = z->buckets[b]; x; x = meta(x)->hnext)
            hashed++;
    return hashed == z->len;
}
