/*
 * The string table behind the "hashtable" encoding of hashes and sets, and
 * the helpers the two types share (see t_hs_table.h).
 *
 * Sizing follows Redis's dict as far as it is visible: the first bucket
 * array has 4 chains, the table doubles when it holds as many entries as
 * chains, and after a delete a table under 10% full shrinks to the smallest
 * power of two that holds its entries (htNeedsResize + dictResize, which
 * t_hash.c and t_set.c call after every delete). Resizing is done in one
 * step rather than incrementally; the pause is O(n) but SCAN's guarantee is
 * the same, because with a single table the reverse-binary cursor already
 * covers growth and shrinking between two calls.
 */
#include "cache-emu/t_hs_table.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

#define HS_MIN_SIZE 4
/* htNeedsResize: shrink below 10% fill. */
#define HS_MIN_FILL_PCT 10

static uint64_t hs_seed = 0x5bd1e9955bd1e995ULL;
static uint64_t hs_rng = 0x2545f4914f6cdd1dULL;

void cache_hs_seed(uint64_t seed)
{
    hs_seed = seed * 0x9e3779b97f4a7c15ULL;
    hs_rng = seed * 0x2545f4914f6cdd1dULL + 0x9e3779b97f4a7c15ULL;
    if (!hs_rng)
        hs_rng = 1;
}

uint64_t cache_hs_random(void)
{
    uint64_t x = hs_rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    hs_rng = x;
    return x * 0x2545f4914f6cdd1dULL;
}

size_t cache_hs_random_index(size_t n)
{
    return (size_t)(cache_hs_random() % (uint64_t)n);
}

/* FNV-1a, then a 64-bit finalizer so that the low bits the bucket mask keeps
 * depend on every byte. */
uint64_t cache_hs_hash(const void *key, size_t klen)
{
    const unsigned char *p = key;
    uint64_t h = 0xcbf29ce484222325ULL ^ hs_seed;
    for (size_t i = 0; i < klen; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

bool cache_hs_string2ll(const char *s, size_t len, long long *out)
{
    if (len == 0 || len > 20)
        return false;
    if (len == 1 && s[0] == '0') {
        if (out)
            *out = 0;
        return true;
    }
    size_t i = 0;
    bool neg = false;
    if (s[0] == '-') {
        neg = true;
        i = 1;
        if (len == 1)
            return false;
    }
    /* No leading zero: "-0", "007" are not canonical. */
    if (s[i] < '1' || s[i] > '9')
        return false;
    unsigned long long v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (~0ULL - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (neg) {
        if (v > (unsigned long long)LLONG_MAX + 1)
            return false;
        if (out)
            *out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
    } else {
        if (v > (unsigned long long)LLONG_MAX)
            return false;
        if (out)
            *out = (long long)v;
    }
    return true;
}

int cache_hs_parse_cursor(const char *s, size_t len, uint64_t *out)
{
    size_t n = 0;
    while (n < len && s[n] != '\0')
        n++;
    char small[64];
    char *buf = n < sizeof(small) ? small : malloc(n + 1);
    if (!buf)
        return DD_ENOMEM;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    bool ok = !isspace((unsigned char)buf[0]) && *end == '\0' && errno != ERANGE;
    if (buf != small)
        free(buf);
    if (!ok)
        return DD_EINVAL;
    *out = v;
    return DD_OK;
}

/* ---- entries ---- */

struct cache_hs_entry *cache_hs_entry_new(struct cache_keyspace *ks, const void *key, size_t klen,
                                          const void *val, size_t vlen, bool with_val)
{
    struct cache_hs_entry *e = cache_mem_alloc(ks, sizeof(*e) + klen);
    if (!e)
        return NULL;
    e->next = NULL;
    e->hash = cache_hs_hash(key, klen);
    e->val = NULL;
    e->vlen = 0;
    e->klen = klen;
    if (klen)
        memcpy(e->key, key, klen);
    if (with_val && cache_hs_entry_set_val(ks, e, val, vlen) != DD_OK) {
        cache_mem_free(ks, e);
        return NULL;
    }
    return e;
}

int cache_hs_entry_set_val(struct cache_keyspace *ks, struct cache_hs_entry *e, const void *val,
                           size_t vlen)
{
    /* Always a block, even for "", so readers never see a NULL value. */
    unsigned char *nv = cache_mem_alloc(ks, vlen);
    if (!nv)
        return DD_ENOMEM;
    if (vlen)
        memcpy(nv, val, vlen);
    cache_mem_free(ks, e->val);
    e->val = nv;
    e->vlen = vlen;
    return DD_OK;
}

void cache_hs_entry_free(struct cache_keyspace *ks, struct cache_hs_entry *e)
{
    if (!e)
        return;
    cache_mem_free(ks, e->val);
    cache_mem_free(ks, e);
}

/* ---- the table ---- */

static size_t hs_pow2(size_t n)
{
    size_t s = HS_MIN_SIZE;
    while (s < n)
        s <<= 1;
    return s;
}

/* Length of the chain e starts. */
static size_t chain_len(const struct cache_hs_entry *e)
{
    size_t n = 0;
    for (; e; e = e->next)
        n++;
    return n;
}

/* Relinks every entry into newsize chains (0 frees the array). */
static int hs_resize(struct cache_keyspace *ks, struct cache_hs_table *t, size_t newsize)
{
    struct cache_hs_entry **nb = NULL;
    if (newsize) {
        nb = cache_mem_alloc(ks, newsize * sizeof(*nb));
        if (!nb)
            return DD_ENOMEM;
        memset(nb, 0, newsize * sizeof(*nb));
    }
    for (size_t i = 0; i < t->size; i++) {
        struct cache_hs_entry *e = t->buckets[i];
        while (e) {
            struct cache_hs_entry *next = e->next;
            struct cache_hs_entry **b = &nb[e->hash & (newsize - 1)];
            e->next = *b;
            *b = e;
            e = next;
        }
    }
    cache_mem_free(ks, t->buckets);
    t->buckets = nb;
    t->size = newsize;
    t->maxchain = 0;
    for (size_t i = 0; i < newsize; i++) {
        size_t n = chain_len(nb[i]);
        if (n > t->maxchain)
            t->maxchain = n;
    }
    return DD_OK;
}

struct cache_hs_entry *cache_hs_find(const struct cache_hs_table *t, const void *key, size_t klen)
{
    if (!t->size)
        return NULL;
    uint64_t h = cache_hs_hash(key, klen);
    for (struct cache_hs_entry *e = t->buckets[h & (t->size - 1)]; e; e = e->next)
        if (e->hash == h && e->klen == klen && (klen == 0 || memcmp(e->key, key, klen) == 0))
            return e;
    return NULL;
}

int cache_hs_reserve(struct cache_keyspace *ks, struct cache_hs_table *t, size_t n)
{
    size_t want = hs_pow2(n);
    if (want <= t->size)
        return DD_OK;
    return hs_resize(ks, t, want);
}

int cache_hs_link(struct cache_keyspace *ks, struct cache_hs_table *t, struct cache_hs_entry *e)
{
    if (t->used >= t->size) {
        /* A failed growth only lengthens chains, unless there is no array yet. */
        if (hs_resize(ks, t, hs_pow2(t->used * 2)) != DD_OK && !t->size)
            return DD_ENOMEM;
    }
    struct cache_hs_entry **b = &t->buckets[e->hash & (t->size - 1)];
    e->next = *b;
    *b = e;
    t->used++;
    size_t n = chain_len(e);
    if (n > t->maxchain)
        t->maxchain = n;
    return DD_OK;
}

struct cache_hs_entry *cache_hs_unlink(struct cache_keyspace *ks, struct cache_hs_table *t,
                                       const void *key, size_t klen)
{
    if (!t->size)
        return NULL;
    uint64_t h = cache_hs_hash(key, klen);
    struct cache_hs_entry **ref = &t->buckets[h & (t->size - 1)];
    for (; *ref; ref = &(*ref)->next) {
        struct cache_hs_entry *e = *ref;
        if (e->hash == h && e->klen == klen && (klen == 0 || memcmp(e->key, key, klen) == 0)) {
            *ref = e->next;
            e->next = NULL;
            t->used--;
            if (t->used == 0)
                (void)hs_resize(ks, t, 0);
            else if (t->size > HS_MIN_SIZE && t->used * 100 / t->size < HS_MIN_FILL_PCT)
                (void)hs_resize(ks, t, hs_pow2(t->used));
            return e;
        }
    }
    return NULL;
}

void cache_hs_clear(struct cache_keyspace *ks, struct cache_hs_table *t)
{
    for (size_t i = 0; i < t->size; i++) {
        struct cache_hs_entry *e = t->buckets[i];
        while (e) {
            struct cache_hs_entry *next = e->next;
            cache_hs_entry_free(ks, e);
            e = next;
        }
    }
    cache_mem_free(ks, t->buckets);
    t->buckets = NULL;
    t->size = 0;
    t->used = 0;
    t->maxchain = 0;
}

/*
 * A random entry, every entry equally likely: draw a bucket and a position
 * below maxchain, and accept when that chain is long enough to have an
 * entry there; each (bucket, position) slot is equally likely per draw, so
 * the accepted entries are uniform. Taking a random link of a random
 * non-empty chain would favour entries of short chains (by 2x at 100% fill
 * already). The expected draws are size * maxchain / used: the table keeps
 * at least 10% fill and short chains, so that is a few dozen at worst.
 */
struct cache_hs_entry *cache_hs_pick(const struct cache_hs_table *t)
{
    if (!t->used)
        return NULL;
    for (;;) {
        struct cache_hs_entry *e = t->buckets[cache_hs_random_index(t->size)];
        size_t k = cache_hs_random_index(t->maxchain);
        while (e && k--)
            e = e->next;
        if (e)
            return e;
    }
}

void cache_hs_iter_init(struct cache_hs_iter *it)
{
    it->bucket = 0;
    it->entry = NULL;
}

struct cache_hs_entry *cache_hs_iter_next(const struct cache_hs_table *t, struct cache_hs_iter *it)
{
    while (!it->entry) {
        if (it->bucket >= t->size)
            return NULL;
        it->entry = t->buckets[it->bucket++];
    }
    struct cache_hs_entry *e = it->entry;
    it->entry = e->next;
    return e;
}

/* Reverse-binary increment (Redis's dictScan): fill the bits above the mask,
 * reverse, add one, reverse back. The high-order bucket bits count first, so
 * the buckets a visited one splits into (growth) or merges with (shrink) are
 * never all behind the cursor. */
static uint64_t hs_rev(uint64_t v)
{
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((v & 0x0f0f0f0f0f0f0f0fULL) << 4);
    v = ((v >> 8) & 0x00ff00ff00ff00ffULL) | ((v & 0x00ff00ff00ff00ffULL) << 8);
    v = ((v >> 16) & 0x0000ffff0000ffffULL) | ((v & 0x0000ffff0000ffffULL) << 16);
    return (v >> 32) | (v << 32);
}

uint64_t cache_hs_scan_step(const struct cache_hs_table *t, uint64_t cursor, cache_hs_visit_fn fn,
                            void *ctx)
{
    if (!t->size)
        return 0;
    uint64_t mask = t->size - 1;
    for (const struct cache_hs_entry *e = t->buckets[cursor & mask]; e; e = e->next)
        fn(ctx, e);
    cursor |= ~mask;
    cursor = hs_rev(cursor);
    cursor++;
    return hs_rev(cursor);
}

/* ---- scratch set for distinct picks ---- */

int cache_hs_seen_init(struct cache_hs_seen *s, size_t k)
{
    size_t n = 8;
    while (n < k * 2)
        n <<= 1;
    s->slots = calloc(n, sizeof(*s->slots));
    if (!s->slots)
        return DD_ENOMEM;
    s->mask = n - 1;
    return DD_OK;
}

bool cache_hs_seen_add(struct cache_hs_seen *s, uintptr_t v)
{
    uint64_t h = (uint64_t)v * 0x9e3779b97f4a7c15ULL;
    size_t i = (size_t)(h >> 20) & s->mask;
    while (s->slots[i]) {
        if (s->slots[i] == v)
            return false;
        i = (i + 1) & s->mask;
    }
    s->slots[i] = v;
    return true;
}

void cache_hs_seen_free(struct cache_hs_seen *s)
{
    DD_FREE(s->slots);
    s->mask = 0;
}

int cache_hs_pick_indices(size_t n, size_t k, size_t *out)
{
    if (k > n)
        return DD_EINVAL;
    if (k * 3 > n) {
        /* Close to all of them: a partial Fisher-Yates shuffle of 0..n-1. */
        size_t *all = malloc((n ? n : 1) * sizeof(*all));
        if (!all)
            return DD_ENOMEM;
        for (size_t i = 0; i < n; i++)
            all[i] = i;
        for (size_t i = 0; i < k; i++) {
            size_t j = i + cache_hs_random_index(n - i);
            size_t tmp = all[i];
            all[i] = all[j];
            all[j] = tmp;
            out[i] = all[i];
        }
        free(all);
        return DD_OK;
    }
    /* Few of many: draw until k distinct ones were seen (expected < 1.5k draws). */
    struct cache_hs_seen seen;
    if (cache_hs_seen_init(&seen, k) != DD_OK)
        return DD_ENOMEM;
    for (size_t got = 0; got < k;) {
        size_t i = cache_hs_random_index(n);
        if (cache_hs_seen_add(&seen, (uintptr_t)i + 1))
            out[got++] = i;
    }
    cache_hs_seen_free(&seen);
    return DD_OK;
}
