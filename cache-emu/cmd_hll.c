/*
 * PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST: Redis's HyperLogLog,
 * reproduced to the byte so that an HLL written here reads the same as one
 * written by Redis 7.0.15 (GET returns the same string, PFCOUNT the same
 * number, and each accepts the other's values).
 *
 * The algorithm (Redis's hyperloglog.c). An element is hashed with
 * MurmurHash64A (seed 0xadc83b19); the low 14 bits pick one of 16384
 * registers, and the position of the first set bit in the remaining 50
 * (plus one, capped at 51) is the "pattern length". A register keeps the
 * largest pattern length seen. The estimate is Ertl's improved estimator
 * over the histogram of register values ("New cardinality estimation
 * algorithms for HyperLogLog sketches", 2017), which Redis has used since
 * 5.0, and is cached in the header until a register changes.
 *
 * Encodings. A new HLL is sparse: a run-length list of opcodes (see
 * cmd_hll.h) that costs a few bytes per non-zero register. A register set
 * splits the opcode covering it into at most three and then merges equal
 * neighbouring VAL opcodes in a short window; that local, order-dependent
 * rewriting is why the sparse bytes depend on the order of additions, and
 * why it is reproduced step for step rather than re-encoded canonically. It
 * goes dense (16384 packed 6-bit registers, 12 KB) for good when a
 * register needs a value above 32 or the sparse form would pass
 * hll-sparse-max-bytes (3000 by default).
 *
 * Values are worked on in a private copy (struct cache_hll) and written
 * back into the string only when they changed; like Redis's
 * dbUnshareStringValue(), touching an HLL makes its string "raw".
 */
#include "cache-emu/cmd_hll.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/cmd.h"
#include "cache-emu/command.h"
#include "cache-emu/config.h"
#include "cache-emu/db.h"
#include "cache-emu/server.h"
#include "cache-emu/t_string.h"
#include "common/err.h"

#define HLL_Q            (64 - CACHE_HLL_P) /* hash bits left for the pattern */
#define HLL_P_MASK       (CACHE_HLL_REGISTERS - 1)
#define HLL_BITS         6
#define HLL_REGISTER_MAX ((1 << HLL_BITS) - 1)
#define HLL_DENSE_BYTES  (CACHE_HLL_DENSE_SIZE - CACHE_HLL_HDR_SIZE)
#define HLL_ENC_OFF      4                       /* header byte holding the encoding */
#define HLL_CARD_OFF     8                       /* header bytes holding the cached cardinality */
#define HLL_ALPHA_INF    0.721347520444481703680 /* 0.5 / ln(2) */

/* Sparse opcodes. */
#define SP_XZERO_BIT     0x40
#define SP_VAL_BIT       0x80
#define SP_VAL_MAX_VALUE 32
#define SP_VAL_MAX_LEN   4
#define SP_ZERO_MAX_LEN  64
#define SP_XZERO_MAX_LEN 16384

static bool sp_is_zero(const unsigned char *p)
{
    return (*p & 0xc0) == 0;
}

static bool sp_is_xzero(const unsigned char *p)
{
    return (*p & 0xc0) == SP_XZERO_BIT;
}

static bool sp_is_val(const unsigned char *p)
{
    return (*p & SP_VAL_BIT) != 0;
}

static long sp_zero_len(const unsigned char *p)
{
    return (*p & 0x3f) + 1;
}

/* An XZERO's second byte may lie past the end of a truncated value; Redis
 * reads the string's terminating NUL there, so end says where zeros begin. */
static long sp_xzero_len(const unsigned char *p, const unsigned char *end)
{
    unsigned lo = p + 1 < end ? p[1] : 0;
    return (long)((((unsigned)*p & 0x3f) << 8) | lo) + 1;
}

static int sp_val_value(const unsigned char *p)
{
    return ((*p >> 2) & 0x1f) + 1;
}

static long sp_val_len(const unsigned char *p)
{
    return (*p & 0x3) + 1;
}

static void sp_val_set(unsigned char *p, int val, long len)
{
    *p = (unsigned char)((((unsigned)val - 1) << 2) | ((unsigned)len - 1) | SP_VAL_BIT);
}

static void sp_zero_set(unsigned char *p, long len)
{
    *p = (unsigned char)(len - 1);
}

static void sp_xzero_set(unsigned char *p, long len)
{
    unsigned l = (unsigned)(len - 1);
    p[0] = (unsigned char)((l >> 8) | SP_XZERO_BIT);
    p[1] = (unsigned char)(l & 0xff);
}

/* Dense registers: register i is 6 bits starting at bit 6*i, LSB first.
 * The last register's neighbour byte lies past the array (Redis reads and
 * writes the NUL there without effect), hence the bound checks. */
static unsigned dense_get(const unsigned char *r, long i)
{
    unsigned long byte = (unsigned long)i * HLL_BITS / 8, fb = (unsigned long)i * HLL_BITS & 7;
    unsigned long b0 = r[byte], b1 = byte + 1 < HLL_DENSE_BYTES ? r[byte + 1] : 0;
    return (unsigned)(((b0 >> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX);
}

static void dense_put(unsigned char *r, long i, unsigned v)
{
    unsigned long byte = (unsigned long)i * HLL_BITS / 8, fb = (unsigned long)i * HLL_BITS & 7;
    r[byte] = (unsigned char)((r[byte] & ~(HLL_REGISTER_MAX << fb)) | (v << fb));
    if (byte + 1 < HLL_DENSE_BYTES)
        r[byte + 1] =
            (unsigned char)((r[byte + 1] & ~(HLL_REGISTER_MAX >> (8 - fb))) | (v >> (8 - fb)));
}

/* ---- hashing ---- */

uint64_t cache_hll_murmur64a(const void *key, size_t len, uint32_t seed)
{
    const uint64_t m = 0xc6a4a7935bd1e995ULL;
    const int r = 47;
    uint64_t h = seed ^ ((uint64_t)len * m);
    const uint8_t *data = key;
    const uint8_t *end = data + (len - (len & 7));
    while (data != end) {
        uint64_t k = 0;
        for (int i = 7; i >= 0; i--)
            k = (k << 8) | data[i];
        k *= m;
        k ^= k >> r;
        k *= m;
        h ^= k;
        h *= m;
        data += 8;
    }
    size_t rest = len & 7;
    if (rest) {
        for (size_t i = rest; i-- > 0;)
            h ^= (uint64_t)data[i] << (8 * i);
        h *= m;
    }
    h ^= h >> r;
    h *= m;
    h ^= h >> r;
    return h;
}

int cache_hll_pat_len(const void *ele, size_t len, long *index)
{
    uint64_t hash = cache_hll_murmur64a(ele, len, 0xadc83b19u);
    *index = (long)(hash & HLL_P_MASK);
    hash >>= CACHE_HLL_P;
    hash |= (uint64_t)1 << HLL_Q; /* the loop ends, at most Q+1 */
    int count = 1;
    for (uint64_t bit = 1; (hash & bit) == 0; bit <<= 1)
        count++;
    return count;
}

/* ---- the value being changed ---- */

static int hll_reserve(struct cache_hll *h, size_t need)
{
    if (h->cap >= need)
        return DD_OK;
    size_t cap = h->cap ? h->cap : 32;
    while (cap < need)
        cap *= 2;
    unsigned char *p = realloc(h->p, cap);
    if (!p)
        return DD_ENOMEM;
    h->p = p;
    h->cap = cap;
    return DD_OK;
}

int cache_hll_init_empty(struct cache_hll *h, size_t sparse_max)
{
    memset(h, 0, sizeof(*h));
    h->sparse_max = sparse_max;
    size_t len = CACHE_HLL_HDR_SIZE +
                 (size_t)((CACHE_HLL_REGISTERS + SP_XZERO_MAX_LEN - 1) / SP_XZERO_MAX_LEN) * 2;
    if (hll_reserve(h, len) != DD_OK)
        return DD_ENOMEM;
    memset(h->p, 0, len);
    memcpy(h->p, "HYLL", 4);
    h->p[HLL_ENC_OFF] = CACHE_HLL_SPARSE;
    unsigned char *q = h->p + CACHE_HLL_HDR_SIZE;
    for (long left = CACHE_HLL_REGISTERS; left > 0;) {
        long run = left > SP_XZERO_MAX_LEN ? SP_XZERO_MAX_LEN : left;
        sp_xzero_set(q, run);
        q += 2;
        left -= run;
    }
    h->len = len;
    return DD_OK;
}

int cache_hll_init_copy(struct cache_hll *h, const void *bytes, size_t len, size_t sparse_max)
{
    memset(h, 0, sizeof(*h));
    h->sparse_max = sparse_max;
    if (hll_reserve(h, len + 3) != DD_OK)
        return DD_ENOMEM;
    memcpy(h->p, bytes, len);
    h->len = len;
    return DD_OK;
}

void cache_hll_release(struct cache_hll *h)
{
    DD_FREE(h->p);
    h->len = h->cap = 0;
}

bool cache_hll_is_valid(const void *bytes, size_t len)
{
    const unsigned char *p = bytes;
    if (len < CACHE_HLL_HDR_SIZE || memcmp(p, "HYLL", 4) != 0)
        return false;
    if (p[HLL_ENC_OFF] > CACHE_HLL_SPARSE)
        return false;
    return p[HLL_ENC_OFF] != CACHE_HLL_DENSE || len == CACHE_HLL_DENSE_SIZE;
}

void cache_hll_invalidate(struct cache_hll *h)
{
    h->p[HLL_CARD_OFF + 7] |= 0x80;
}

/* Calls fn(ctx, first, run, value) for each opcode of a sparse form, in
 * order. false when the form is corrupt (runs past 16384 registers, or
 * not exactly 16384 in all). */
typedef void (*sparse_run_fn)(void *ctx, long first, long run, int value);

static bool sparse_walk(const unsigned char *p, const unsigned char *end, sparse_run_fn fn,
                        void *ctx)
{
    long idx = 0;
    while (p < end) {
        long run;
        int value = 0;
        size_t step = 1;
        if (sp_is_zero(p)) {
            run = sp_zero_len(p);
        } else if (sp_is_xzero(p)) {
            run = sp_xzero_len(p, end);
            step = 2;
        } else {
            run = sp_val_len(p);
            value = sp_val_value(p);
        }
        if (run + idx > CACHE_HLL_REGISTERS)
            return false;
        fn(ctx, idx, run, value);
        idx += run;
        p += step;
    }
    return idx == CACHE_HLL_REGISTERS;
}

static void run_to_dense(void *ctx, long first, long run, int value)
{
    unsigned char *regs = ctx;
    if (value)
        for (long i = 0; i < run; i++)
            dense_put(regs, first + i, (unsigned)value);
}

int cache_hll_to_dense(struct cache_hll *h)
{
    if (h->p[HLL_ENC_OFF] == CACHE_HLL_DENSE)
        return DD_OK;
    unsigned char *d = calloc(1, CACHE_HLL_DENSE_SIZE);
    if (!d)
        return DD_ENOMEM;
    /* The header comes along whole: magic, and the cached cardinality. */
    memcpy(d, h->p, CACHE_HLL_HDR_SIZE);
    d[HLL_ENC_OFF] = CACHE_HLL_DENSE;
    if (!sparse_walk(h->p + CACHE_HLL_HDR_SIZE, h->p + h->len, run_to_dense,
                     d + CACHE_HLL_HDR_SIZE)) {
        free(d);
        return DD_EINVAL;
    }
    free(h->p);
    h->p = d;
    h->len = h->cap = CACHE_HLL_DENSE_SIZE;
    return DD_OK;
}

static int dense_set(unsigned char *regs, long index, uint8_t count)
{
    if (count <= dense_get(regs, index))
        return 0;
    dense_put(regs, index, count);
    return 1;
}

/* Writes a run of len zero registers as ZERO or XZERO; returns its size. */
static size_t put_zeros(unsigned char *q, long len)
{
    if (len > SP_ZERO_MAX_LEN) {
        sp_xzero_set(q, len);
        return 2;
    }
    sp_zero_set(q, len);
    return 1;
}

/*
 * hllSparseSet(). Find the opcode covering index; if it already holds a
 * value >= count nothing changes. A one-register VAL or ZERO is rewritten
 * in place; otherwise the opcode is split into up to three (the part
 * before, VAL:count,1, the part after), which may make the form longer
 * (by up to 3 bytes: XZERO -> XZERO VAL XZERO) and so may cross the sparse
 * limit, in which case the HLL goes dense instead. Finally equal adjacent
 * VALs are merged, scanning at most five opcodes from the one before.
 */
static int sparse_set(struct cache_hll *h, long index, uint8_t count)
{
    if (count > SP_VAL_MAX_VALUE)
        goto promote;
    if (hll_reserve(h, h->len + 3) != DD_OK)
        return DD_ENOMEM;
    unsigned char *sparse = h->p + CACHE_HLL_HDR_SIZE, *p = sparse, *end = h->p + h->len;
    unsigned char *prev = NULL, *next;
    long first = 0, span = 0;
    while (p < end) {
        size_t oplen = 1;
        if (sp_is_zero(p)) {
            span = sp_zero_len(p);
        } else if (sp_is_val(p)) {
            span = sp_val_len(p);
        } else {
            span = sp_xzero_len(p, end);
            oplen = 2;
        }
        if (index <= first + span - 1)
            break;
        prev = p;
        p += oplen;
        first += span;
    }
    if (span == 0 || p >= end)
        return DD_EINVAL;
    bool is_zero = false, is_xzero = false;
    long runlen;
    if (sp_is_zero(p)) {
        is_zero = true;
        runlen = sp_zero_len(p);
    } else if (sp_is_xzero(p)) {
        is_xzero = true;
        runlen = sp_xzero_len(p, end);
    } else {
        runlen = sp_val_len(p);
    }
    next = is_xzero ? p + 2 : p + 1;
    if (next >= end)
        next = NULL;
    if (!is_zero && !is_xzero) {
        if (sp_val_value(p) >= count)
            return 0;
        if (runlen == 1) {
            sp_val_set(p, count, 1);
            goto updated;
        }
    }
    if (is_zero && runlen == 1) {
        sp_val_set(p, count, 1);
        goto updated;
    }
    unsigned char seq[5], *n = seq;
    long last = first + span - 1;
    if (is_zero || is_xzero) {
        if (index != first)
            n += put_zeros(n, index - first);
        sp_val_set(n++, count, 1);
        if (index != last)
            n += put_zeros(n, last - index);
    } else {
        int cur = sp_val_value(p);
        if (index != first)
            sp_val_set(n++, cur, index - first);
        sp_val_set(n++, count, 1);
        if (index != last)
            sp_val_set(n++, cur, last - index);
    }
    long seqlen = n - seq, oldlen = is_xzero ? 2 : 1, delta = seqlen - oldlen;
    if (delta > 0 && h->len + (size_t)delta > h->sparse_max)
        goto promote;
    if (delta && next)
        memmove(next + delta, next, (size_t)(end - next));
    h->len = (size_t)((long)h->len + delta);
    memcpy(p, seq, (size_t)seqlen);
    end += delta;
updated:
    p = prev ? prev : sparse;
    for (int scan = 5; p < end && scan--;) {
        if (sp_is_xzero(p)) {
            p += 2;
            continue;
        }
        if (sp_is_zero(p)) {
            p++;
            continue;
        }
        if (p + 1 < end && sp_is_val(p + 1)) {
            int v1 = sp_val_value(p), v2 = sp_val_value(p + 1);
            if (v1 == v2) {
                long len = sp_val_len(p) + sp_val_len(p + 1);
                if (len <= SP_VAL_MAX_LEN) {
                    sp_val_set(p + 1, v1, len);
                    memmove(p, p + 1, (size_t)(end - p - 1));
                    h->len--;
                    end--;
                    /* Look at the merged opcode again, with its right side. */
                    continue;
                }
            }
        }
        p++;
    }
    cache_hll_invalidate(h);
    return 1;
promote:;
    int rc = cache_hll_to_dense(h);
    if (rc != DD_OK)
        return rc;
    /* Going dense means the register does grow: Redis asserts 1 here. */
    return dense_set(h->p + CACHE_HLL_HDR_SIZE, index, count);
}

int cache_hll_set(struct cache_hll *h, long index, uint8_t count)
{
    if (h->p[HLL_ENC_OFF] == CACHE_HLL_DENSE)
        return dense_set(h->p + CACHE_HLL_HDR_SIZE, index, count);
    if (h->p[HLL_ENC_OFF] == CACHE_HLL_SPARSE)
        return sparse_set(h, index, count);
    return DD_EINVAL;
}

int cache_hll_add(struct cache_hll *h, const void *ele, size_t len)
{
    long index;
    uint8_t count = (uint8_t)cache_hll_pat_len(ele, len, &index);
    return cache_hll_set(h, index, count);
}

/* ---- reading ---- */

static void run_to_max(void *ctx, long first, long run, int value)
{
    uint8_t *max = ctx;
    for (long i = 0; i < run; i++)
        if (value > max[first + i])
            max[first + i] = (uint8_t)value;
}

int cache_hll_merge(uint8_t *max, const void *bytes, size_t len)
{
    const unsigned char *p = bytes;
    if (p[HLL_ENC_OFF] == CACHE_HLL_DENSE) {
        const unsigned char *regs = p + CACHE_HLL_HDR_SIZE;
        for (long i = 0; i < CACHE_HLL_REGISTERS; i++) {
            unsigned v = dense_get(regs, i);
            if (v > max[i])
                max[i] = (uint8_t)v;
        }
        return DD_OK;
    }
    return sparse_walk(p + CACHE_HLL_HDR_SIZE, p + len, run_to_max, max) ? DD_OK : DD_EINVAL;
}

static void run_to_histo(void *ctx, long first, long run, int value)
{
    int *histo = ctx;
    (void)first;
    histo[value] += (int)run;
}

/* Ertl's sigma and tau, exactly as Redis evaluates them. */
static double hll_sigma(double x)
{
    if (x == 1.)
        return INFINITY;
    double zp, y = 1, z = x;
    do {
        x *= x;
        zp = z;
        z += x * y;
        y += y;
    } while (zp != z);
    return z;
}

static double hll_tau(double x)
{
    if (x == 0. || x == 1.)
        return 0.;
    double zp, y = 1.0, z = 1 - x;
    do {
        x = sqrt(x);
        zp = z;
        y *= 0.5;
        z -= pow(1 - x, 2) * y;
    } while (zp != z);
    return z / 3;
}

static uint64_t estimate(const int *histo)
{
    double m = CACHE_HLL_REGISTERS;
    double z = m * hll_tau((m - histo[HLL_Q + 1]) / (double)m);
    for (int j = HLL_Q; j >= 1; --j) {
        z += histo[j];
        z *= 0.5;
    }
    z += m * hll_sigma(histo[0] / (double)m);
    return (uint64_t)llroundl(HLL_ALPHA_INF * m * m / z);
}

uint64_t cache_hll_count(const void *bytes, size_t len, bool *invalid)
{
    /* Values up to 63 fit: a dense register is 6 bits whatever wrote it. */
    int histo[64] = { 0 };
    const unsigned char *p = bytes;
    if (p[HLL_ENC_OFF] == CACHE_HLL_DENSE) {
        const unsigned char *regs = p + CACHE_HLL_HDR_SIZE;
        for (long i = 0; i < CACHE_HLL_REGISTERS; i++)
            histo[dense_get(regs, i)]++;
    } else if (!sparse_walk(p + CACHE_HLL_HDR_SIZE, p + len, run_to_histo, histo) && invalid) {
        *invalid = true;
    }
    return estimate(histo);
}

uint64_t cache_hll_count_raw(const uint8_t *regs)
{
    /* Raw registers are merges of valid HLLs (at most 51), but a byte
     * indexes 256 slots; only 0..Q+1 are read. */
    int histo[256] = { 0 };
    for (long i = 0; i < CACHE_HLL_REGISTERS; i++)
        histo[regs[i]]++;
    return estimate(histo);
}

/* ---- commands ---- */

/* hll-sparse-max-bytes as CONFIG holds it. */
static size_t sparse_max_of(struct cache_server *srv)
{
    char buf[32];
    if (!srv->config ||
        cache_config_get_value(srv->config, srv, "hll-sparse-max-bytes", buf, sizeof(buf)) < 0)
        return 3000;
    char *end;
    unsigned long long v = strtoull(buf, &end, 10);
    return *end ? 3000 : (size_t)v;
}

/* isHLLObjectOrReply(): false after replying. */
static bool check_hll(struct cache_client *c, const struct cache_obj *o)
{
    if (!cache_check_type(c, o, CACHE_TYPE_STRING))
        return false;
    if (!cache_hll_is_valid(o->ptr, o->len)) {
        cache_reply_error(c, "WRONGTYPE Key is not a valid HyperLogLog string value.");
        return false;
    }
    return true;
}

static void reply_invalid(struct cache_client *c)
{
    cache_reply_error(c, "INVALIDOBJ Corrupted HLL object detected");
}

/* dbUnshareStringValue(): the stored string becomes one of its own, "raw". */
static int unshare(struct cache_client *c, struct cache_obj *o)
{
    return cache_string_grow_zero(c->srv->ks, o, o->len);
}

/* Writes h back as the value of key: into o (unshared, possibly shorter or
 * longer now), or as a new raw string when o is NULL. */
static int store(struct cache_client *c, const struct cache_resp_arg *key, struct cache_obj *o,
                 const struct cache_hll *h)
{
    struct cache_keyspace *ks = c->srv->ks;
    if (!o) {
        struct cache_obj *n = cache_string_new(ks, h->p, h->len, CACHE_STRING_ENC_RAW);
        if (!n)
            return DD_ENOMEM;
        int rc = cache_db_set(c->db, key->ptr, key->len, n, false, cache_now_ms(c->srv), NULL);
        if (rc != DD_OK)
            cache_obj_free(ks, n);
        return rc;
    }
    int rc = cache_string_grow_zero(ks, o, h->len);
    if (rc != DD_OK)
        return rc;
    /* o is a block of its own now (t_string.c): shortening it in place
     * keeps its NUL-terminated layout. */
    memcpy(o->ptr, h->p, h->len);
    ((char *)o->ptr)[h->len] = '\0';
    o->len = h->len;
    return DD_OK;
}

/* PFADD key [element ...]: creating the key counts as an update. */
static int cache_cmd_pfadd(struct cache_client *c)
{
    const struct cache_resp_arg *key = &c->argv[1];
    struct cache_obj *o = cache_lookup_write(c, key);
    struct cache_hll h;
    int updated = 0, rc;
    if (!o) {
        rc = cache_hll_init_empty(&h, sparse_max_of(c->srv));
        updated = 1;
    } else {
        if (!check_hll(c, o))
            return DD_OK;
        rc = unshare(c, o);
        if (rc == DD_OK)
            rc = cache_hll_init_copy(&h, o->ptr, o->len, sparse_max_of(c->srv));
    }
    if (rc != DD_OK)
        return rc;
    bool corrupt = false;
    for (size_t j = 2; j < c->argc && !corrupt; j++) {
        int r = cache_hll_add(&h, c->argv[j].ptr, c->argv[j].len);
        if (r == 1)
            updated++;
        else if (r == DD_EINVAL)
            corrupt = true;
        else if (r != 0) {
            cache_hll_release(&h);
            return r;
        }
    }
    if (updated && !corrupt)
        cache_hll_invalidate(&h);
    /* A corrupt value keeps what the elements before did to it. */
    if (updated || corrupt)
        rc = store(c, key, o, &h);
    cache_hll_release(&h);
    if (rc != DD_OK)
        return rc;
    if (corrupt) {
        reply_invalid(c);
        return DD_OK;
    }
    if (updated)
        cache_signal_modified(c, key);
    cache_reply_ll(c, updated ? 1 : 0);
    return DD_OK;
}

/* Reads the little-endian cached cardinality. */
static uint64_t card_get(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[HLL_CARD_OFF + i];
    return v;
}

/* PFCOUNT key [key ...]: one key uses (and refreshes, which writes the
 * value) the cached estimate; several keys are merged into a scratch set
 * of registers first and nothing is written. */
static int cache_cmd_pfcount(struct cache_client *c)
{
    if (c->argc > 2) {
        uint8_t *max = calloc(1, CACHE_HLL_REGISTERS);
        if (!max)
            return DD_ENOMEM;
        for (size_t j = 1; j < c->argc; j++) {
            struct cache_obj *o = cache_lookup_read(c, &c->argv[j]);
            if (!o)
                continue;
            if (!check_hll(c, o)) {
                free(max);
                return DD_OK;
            }
            if (cache_hll_merge(max, o->ptr, o->len) != DD_OK) {
                free(max);
                reply_invalid(c);
                return DD_OK;
            }
        }
        cache_reply_ll(c, (long long)cache_hll_count_raw(max));
        free(max);
        return DD_OK;
    }
    struct cache_obj *o = cache_lookup_read(c, &c->argv[1]);
    if (!o) {
        cache_reply_ll(c, 0);
        return DD_OK;
    }
    if (!check_hll(c, o))
        return DD_OK;
    int rc = unshare(c, o);
    if (rc != DD_OK)
        return rc;
    unsigned char *p = o->ptr;
    uint64_t card;
    if (!(p[HLL_CARD_OFF + 7] & 0x80)) {
        card = card_get(p);
    } else {
        bool invalid = false;
        card = cache_hll_count(p, o->len, &invalid);
        if (invalid) {
            reply_invalid(c);
            return DD_OK;
        }
        for (int i = 0; i < 8; i++)
            p[HLL_CARD_OFF + i] = (unsigned char)(card >> (8 * i));
        cache_signal_modified(c, &c->argv[1]);
    }
    cache_reply_ll(c, (long long)card);
    return DD_OK;
}

/* PFMERGE destkey [sourcekey ...]: the destination is one of the inputs.
 * Every input is checked before the destination is created; the result is
 * dense when any input was, and otherwise built by setting the registers
 * one by one into the (sparse) destination, as Redis builds it. */
static int cache_cmd_pfmerge(struct cache_client *c)
{
    const struct cache_resp_arg *key = &c->argv[1];
    uint8_t *max = calloc(1, CACHE_HLL_REGISTERS);
    if (!max)
        return DD_ENOMEM;
    bool use_dense = false;
    int rc = DD_OK;
    struct cache_hll h = { 0 };
    for (size_t j = 1; j < c->argc; j++) {
        struct cache_obj *o = cache_lookup_read(c, &c->argv[j]);
        if (!o)
            continue;
        if (!check_hll(c, o))
            goto out;
        if (((const unsigned char *)o->ptr)[HLL_ENC_OFF] == CACHE_HLL_DENSE)
            use_dense = true;
        if (cache_hll_merge(max, o->ptr, o->len) != DD_OK) {
            reply_invalid(c);
            goto out;
        }
    }
    struct cache_obj *o = cache_lookup_write(c, key);
    if (!o) {
        rc = cache_hll_init_empty(&h, sparse_max_of(c->srv));
    } else {
        rc = unshare(c, o);
        if (rc == DD_OK)
            rc = cache_hll_init_copy(&h, o->ptr, o->len, sparse_max_of(c->srv));
    }
    if (rc != DD_OK)
        goto out;
    if (use_dense) {
        rc = cache_hll_to_dense(&h);
        if (rc == DD_EINVAL) {
            rc = DD_OK;
            reply_invalid(c);
            goto out;
        }
        if (rc != DD_OK)
            goto out;
    }
    for (long j = 0; j < CACHE_HLL_REGISTERS; j++) {
        if (max[j] == 0)
            continue;
        /* Redis ignores a failure here: the inputs were all checked. */
        int r = cache_hll_set(&h, j, max[j]);
        if (r == DD_ENOMEM) {
            rc = r;
            goto out;
        }
    }
    cache_hll_invalidate(&h);
    rc = store(c, key, o, &h);
    if (rc != DD_OK)
        goto out;
    cache_signal_modified(c, key);
    cache_reply_ok(c);
out:
    cache_hll_release(&h);
    free(max);
    return rc;
}

/* PFSELFTEST: checks the register packing and that dense and sparse forms
 * estimate alike, as Redis's self-test does (on a fixed sequence here). */
static int cache_cmd_pfselftest(struct cache_client *c)
{
    struct cache_hll dense = { 0 }, sparse = { 0 };
    unsigned char *regs = calloc(1, HLL_DENSE_BYTES);
    uint8_t *want = malloc(CACHE_HLL_REGISTERS);
    int rc = DD_OK;
    if (!regs || !want) {
        rc = DD_ENOMEM;
        goto out;
    }
    uint64_t x = 0x2545f4914f6cdd1dULL;
    for (int cycle = 0; cycle < 10; cycle++) {
        for (long i = 0; i < CACHE_HLL_REGISTERS; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            want[i] = (uint8_t)(x & HLL_REGISTER_MAX);
            dense_put(regs, i, want[i]);
        }
        for (long i = 0; i < CACHE_HLL_REGISTERS; i++) {
            if (dense_get(regs, i) != want[i]) {
                cache_reply_errorf(c, "TESTFAILED Register %ld should be %d but is %u", i,
                                   (int)want[i], dense_get(regs, i));
                goto out;
            }
        }
    }
    if (cache_hll_init_empty(&dense, 3000) != DD_OK ||
        cache_hll_init_empty(&sparse, 3000) != DD_OK || cache_hll_to_dense(&dense) != DD_OK) {
        rc = DD_ENOMEM;
        goto out;
    }
    for (uint64_t j = 1; j <= 1000; j++) {
        unsigned char ele[8];
        for (int b = 0; b < 8; b++)
            ele[b] = (unsigned char)(j >> (8 * b));
        if (cache_hll_add(&dense, ele, 8) < 0 || cache_hll_add(&sparse, ele, 8) < 0) {
            rc = DD_ENOMEM;
            goto out;
        }
        if ((j == 10 || j == 100 || j == 1000) && cache_hll_count(dense.p, dense.len, NULL) !=
                                                      cache_hll_count(sparse.p, sparse.len, NULL)) {
            cache_reply_error(c, "TESTFAILED dense/sparse disagree");
            goto out;
        }
    }
    cache_reply_ok(c);
out:
    cache_hll_release(&dense);
    cache_hll_release(&sparse);
    free(regs);
    free(want);
    return rc;
}

/* Appends "z:%d " style text for PFDEBUG DECODE. */
struct decode_ctx {
    char *buf;
    size_t len, cap;
    bool oom;
};

static void decode_put(struct decode_ctx *d, const char *s, size_t n)
{
    if (d->oom)
        return;
    if (d->len + n + 1 > d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 256;
        while (cap < d->len + n + 1)
            cap *= 2;
        char *b = realloc(d->buf, cap);
        if (!b) {
            d->oom = true;
            return;
        }
        d->buf = b;
        d->cap = cap;
    }
    memcpy(d->buf + d->len, s, n);
    d->len += n;
}

/* PFDEBUG GETREG|DECODE|ENCODING|TODENSE key. GETREG and TODENSE convert a
 * sparse value to dense for good (Redis does, without a change signal). */
static int cache_cmd_pfdebug(struct cache_client *c)
{
    const struct cache_resp_arg *sub = &c->argv[1], *key = &c->argv[2];
    struct cache_obj *o = cache_lookup_write(c, key);
    if (!o) {
        cache_reply_error(c, "ERR The specified key does not exist");
        return DD_OK;
    }
    if (!check_hll(c, o))
        return DD_OK;
    int rc = unshare(c, o);
    if (rc != DD_OK)
        return rc;
    const unsigned char *p = o->ptr;
    bool sparse = p[HLL_ENC_OFF] == CACHE_HLL_SPARSE;
    if (cache_arg_is(c, 1, "getreg") || cache_arg_is(c, 1, "todense")) {
        bool getreg = cache_arg_is(c, 1, "getreg");
        if (sparse) {
            struct cache_hll h;
            rc = cache_hll_init_copy(&h, o->ptr, o->len, 0);
            if (rc != DD_OK)
                return rc;
            rc = cache_hll_to_dense(&h);
            if (rc == DD_OK)
                rc = store(c, key, o, &h);
            cache_hll_release(&h);
            if (rc == DD_EINVAL) {
                reply_invalid(c);
                return DD_OK;
            }
            if (rc != DD_OK)
                return rc;
            p = o->ptr;
        }
        if (!getreg) {
            cache_reply_ll(c, sparse ? 1 : 0);
            return DD_OK;
        }
        cache_reply_array(c, CACHE_HLL_REGISTERS);
        for (long j = 0; j < CACHE_HLL_REGISTERS; j++)
            cache_reply_ll(c, dense_get(p + CACHE_HLL_HDR_SIZE, j));
    } else if (cache_arg_is(c, 1, "decode")) {
        if (!sparse) {
            cache_reply_error(c, "ERR HLL encoding is not sparse");
            return DD_OK;
        }
        struct decode_ctx d = { 0 };
        const unsigned char *q = p + CACHE_HLL_HDR_SIZE, *end = p + o->len;
        char item[48];
        while (q < end) {
            int n;
            if (sp_is_zero(q)) {
                n = snprintf(item, sizeof(item), "z:%ld ", sp_zero_len(q));
                q++;
            } else if (sp_is_xzero(q)) {
                n = snprintf(item, sizeof(item), "Z:%ld ", sp_xzero_len(q, end));
                q += 2;
            } else {
                n = snprintf(item, sizeof(item), "v:%d,%ld ", sp_val_value(q), sp_val_len(q));
                q++;
            }
            decode_put(&d, item, (size_t)n);
        }
        if (d.oom) {
            free(d.buf);
            return DD_ENOMEM;
        }
        size_t len = d.len;
        while (len && d.buf[len - 1] == ' ')
            len--;
        cache_reply_bulk(c, d.buf ? d.buf : "", len);
        free(d.buf);
    } else if (cache_arg_is(c, 1, "encoding")) {
        cache_reply_simple(c, sparse ? "sparse" : "dense");
    } else {
        /* The subcommand as a C string, as Redis formats it. */
        const char *nul = memchr(sub->ptr, '\0', sub->len);
        int n = (int)(nul ? (size_t)(nul - sub->ptr) : sub->len);
        cache_reply_errorf(c, "ERR Unknown PFDEBUG subcommand '%.*s'", n, sub->ptr);
    }
    return DD_OK;
}

/* ---- the table ---- */

#define W  CACHE_CMD_WRITE
#define R  CACHE_CMD_READONLY
#define DO CACHE_CMD_DENYOOM
#define F  CACHE_CMD_FAST

/* Redis 7.0.15's COMMAND INFO / COMMAND DOCS for each row. */
const struct cache_command cache_cmds_hll[] = {
    { "pfadd", -2, W | DO | F, cache_cmd_pfadd, 1, 1, 1, "hyperloglog", "2.8.9",
      "Adds the specified elements to the specified HyperLogLog.", "write hyperloglog fast", NULL },
    /* may_replicate: it may rewrite the key's cached cardinality, so a
     * read-only script may not call it. */
    { "pfcount", -2, R | CACHE_CMD_MAY_REPLICATE, cache_cmd_pfcount, 1, -1, 1, "hyperloglog",
      "2.8.9",
      "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
      "read hyperloglog slow", NULL },
    { "pfmerge", -2, W | DO, cache_cmd_pfmerge, 1, -1, 1, "hyperloglog", "2.8.9",
      "Merge N different HyperLogLogs into a single one.", "write hyperloglog slow", NULL },
    { "pfdebug", 3, W | DO | CACHE_CMD_ADMIN, cache_cmd_pfdebug, 2, 2, 1, "hyperloglog", "2.8.9",
      "Internal commands for debugging HyperLogLog values",
      "write hyperloglog admin slow dangerous", NULL },
    { "pfselftest", 1, CACHE_CMD_ADMIN, cache_cmd_pfselftest, 0, 0, 0, "hyperloglog", "2.8.9",
      "An internal command for testing HyperLogLog values", "hyperloglog admin slow dangerous",
      NULL },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL },
};
