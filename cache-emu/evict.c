/*
 * maxmemory eviction, after Redis's evict.c: when used_memory is above
 * maxmemory, keys chosen by maxmemory-policy are deleted until it is not.
 * The policies score keys from what the keyspace already keeps per object
 * (the LRU second or LFU counter in obj->lru, the TTL), so this file holds
 * only the choosing: the candidate pool, the policy names, and the loop.
 */
#include "cache-emu/evict.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"

/* Candidates kept between sampling rounds (Redis's EVPOOL_SIZE). */
#define EVPOOL_SIZE 16
/* Keys up to this long are copied into the pool slot itself (Redis's
 * EVPOOL_CACHED_SDS_SIZE); longer ones get a heap copy. */
#define EVPOOL_CACHED_KEY 255
/* Keys looked at to pick one fairly for the random policies
 * (GETFAIR_NUM_ENTRIES in Redis's dictGetFairRandomKey). */
#define FAIR_SAMPLE 20
/* maxmemory-samples when the caller passes nonsense (Redis's default). */
#define DEFAULT_SAMPLES 5

/* One pooled candidate. */
struct pool_entry {
    uint64_t score;                       /* larger = evict sooner (Redis's "idle") */
    int dbid;                             /* database the key lives in */
    bool used;                            /* slot holds a candidate */
    size_t klen;                          /* key length */
    unsigned char *heap;                  /* owned copy of a key too long for inl, or NULL */
    unsigned char inl[EVPOOL_CACHED_KEY]; /* copy of a short key */
};

struct cache_evict {
    struct pool_entry pool[EVPOOL_SIZE]; /* ascending score; best candidate rightmost */
    unsigned next_db;                    /* round robin for the random policies */
    uint64_t rng;                        /* xorshift state for the random pick */
};

/* ---- policy names ---- */

static const struct {
    const char *name;
    enum cache_evict_policy policy;
} policy_names[] = {
    { "volatile-lru", CACHE_EVICT_VOLATILE_LRU },
    { "volatile-lfu", CACHE_EVICT_VOLATILE_LFU },
    { "volatile-random", CACHE_EVICT_VOLATILE_RANDOM },
    { "volatile-ttl", CACHE_EVICT_VOLATILE_TTL },
    { "allkeys-lru", CACHE_EVICT_ALLKEYS_LRU },
    { "allkeys-lfu", CACHE_EVICT_ALLKEYS_LFU },
    { "allkeys-random", CACHE_EVICT_ALLKEYS_RANDOM },
    { "noeviction", CACHE_EVICT_NOEVICTION },
};

int cache_evict_policy_parse(const char *s, size_t len, enum cache_evict_policy *out)
{
    for (size_t i = 0; i < DD_ARRAY_LEN(policy_names); i++) {
        const char *n = policy_names[i].name;
        if (strlen(n) == len && strncasecmp(n, s, len) == 0) {
            *out = policy_names[i].policy;
            return DD_OK;
        }
    }
    return DD_EINVAL;
}

const char *cache_evict_policy_name(enum cache_evict_policy p)
{
    for (size_t i = 0; i < DD_ARRAY_LEN(policy_names); i++)
        if (policy_names[i].policy == p)
            return policy_names[i].name;
    return "noeviction";
}

bool cache_evict_policy_is_lfu(enum cache_evict_policy p)
{
    return p == CACHE_EVICT_ALLKEYS_LFU || p == CACHE_EVICT_VOLATILE_LFU;
}

static bool policy_volatile(enum cache_evict_policy p)
{
    return p == CACHE_EVICT_VOLATILE_LRU || p == CACHE_EVICT_VOLATILE_LFU ||
           p == CACHE_EVICT_VOLATILE_RANDOM || p == CACHE_EVICT_VOLATILE_TTL;
}

static bool policy_random(enum cache_evict_policy p)
{
    return p == CACHE_EVICT_ALLKEYS_RANDOM || p == CACHE_EVICT_VOLATILE_RANDOM;
}

/* ---- the pool ---- */

struct cache_evict *cache_evict_new(void)
{
    struct cache_evict *ev = calloc(1, sizeof(*ev));
    if (ev)
        ev->rng = 0x9e3779b97f4a7c15ULL;
    return ev;
}

static void entry_clear(struct pool_entry *pe)
{
    free(pe->heap);
    pe->heap = NULL;
    pe->used = false;
    pe->score = 0;
    pe->klen = 0;
}

void cache_evict_reset(struct cache_evict *ev)
{
    for (int i = 0; i < EVPOOL_SIZE; i++)
        entry_clear(&ev->pool[i]);
}

void cache_evict_free(struct cache_evict *ev)
{
    if (!ev)
        return;
    cache_evict_reset(ev);
    free(ev);
}

static const unsigned char *entry_key(const struct pool_entry *pe)
{
    return pe->heap ? pe->heap : pe->inl;
}

static uint64_t ev_random(struct cache_evict *ev)
{
    uint64_t x = ev->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    ev->rng = x;
    return x;
}

/* What evictionPoolPopulate() needs while cache_db_sample() calls back. */
struct populate {
    struct cache_evict *ev;
    struct cache_keyspace *ks;
    enum cache_evict_policy policy;
    int dbid;
    int64_t now_ms;
};

/* The policy's score for one key: the larger, the better a victim. */
static uint64_t score_of(const struct populate *p, const struct cache_obj *obj, int64_t when_ms)
{
    switch (p->policy) {
    case CACHE_EVICT_ALLKEYS_LFU:
    case CACHE_EVICT_VOLATILE_LFU:
        return 255 - cache_obj_lfu_freq(p->ks, obj, p->now_ms);
    case CACHE_EVICT_VOLATILE_TTL:
        /* Sooner expiry = better victim. */
        return UINT64_MAX - (uint64_t)when_ms;
    default:
        return (uint64_t)cache_obj_idle_ms(p->ks, obj, p->now_ms);
    }
}

/*
 * Inserts one sampled key into the pool, which stays sorted by ascending
 * score with empty slots on the right. Exactly Redis's placement: find the
 * first slot that is empty or scores lower; when the pool is full and the key
 * is worse than everything in it, drop the key; when there is room on the
 * right, shift the better ones right; otherwise shift the worse ones left,
 * discarding the worst.
 */
static void pool_offer(void *ctx, const void *key, size_t klen, struct cache_obj *obj,
                       int64_t when_ms)
{
    struct populate *p = ctx;
    struct pool_entry *pool = p->ev->pool;
    uint64_t score = score_of(p, obj, when_ms);
    int k = 0;
    while (k < EVPOOL_SIZE && pool[k].used && pool[k].score < score)
        k++;
    if (k == 0 && pool[EVPOOL_SIZE - 1].used)
        return; /* worse than every candidate of a full pool */
    unsigned char *heap = NULL;
    if (klen > EVPOOL_CACHED_KEY) {
        heap = malloc(klen);
        if (!heap)
            return; /* a candidate lost is harmless: the next sample finds others */
        memcpy(heap, key, klen);
    }
    if (k < EVPOOL_SIZE && !pool[k].used) {
        /* an empty slot: nothing to shift */
    } else if (!pool[EVPOOL_SIZE - 1].used) {
        memmove(pool + k + 1, pool + k, sizeof(pool[0]) * (size_t)(EVPOOL_SIZE - k - 1));
        pool[k].heap = NULL; /* now owned by the copy at k + 1 */
    } else {
        k--;
        entry_clear(&pool[0]);
        memmove(pool, pool + 1, sizeof(pool[0]) * (size_t)k);
        pool[k].heap = NULL; /* now owned by the copy at k - 1 */
    }
    struct pool_entry *pe = &pool[k];
    pe->used = true;
    pe->score = score;
    pe->dbid = p->dbid;
    pe->klen = klen;
    pe->heap = heap;
    if (!heap && klen)
        memcpy(pe->inl, key, klen);
}

/*
 * Takes the best pooled candidate that still qualifies and evicts it; each
 * one tried leaves the pool, evicted or not. A candidate no longer qualifies
 * when it was deleted since it was pooled (a "ghost"), or, for a volatile
 * policy, when it lost its TTL. True when a key was evicted.
 */
static bool pool_evict_best(struct cache_evict *ev, struct cache_keyspace *ks, bool volatile_only)
{
    for (int k = EVPOOL_SIZE - 1; k >= 0; k--) {
        struct pool_entry *pe = &ev->pool[k];
        if (!pe->used)
            continue;
        struct cache_db *db = cache_keyspace_db(ks, pe->dbid);
        const unsigned char *key = entry_key(pe);
        bool ok = db != NULL;
        if (ok && volatile_only)
            ok = cache_db_ttl_slot(db, key, pe->klen) != NULL;
        if (ok)
            ok = cache_db_evict_key(db, key, pe->klen) == DD_OK;
        entry_clear(pe);
        if (ok)
            return true;
    }
    return false;
}

/* Up to FAIR_SAMPLE keys of one sampling call, to choose one at random. */
struct fair {
    size_t n;                     /* keys gathered */
    const void *key[FAIR_SAMPLE]; /* borrowed from the keyspace */
    size_t klen[FAIR_SAMPLE];     /* their lengths */
};

static void fair_collect(void *ctx, const void *key, size_t klen, struct cache_obj *obj,
                         int64_t when_ms)
{
    (void)obj;
    (void)when_ms;
    struct fair *f = ctx;
    if (f->n < FAIR_SAMPLE) {
        f->key[f->n] = key;
        f->klen[f->n] = klen;
        f->n++;
    }
}

/* allkeys-random / volatile-random: one random key of the next database
 * (round robin) that has candidates. True when a key was evicted. */
static bool evict_random(struct cache_evict *ev, struct cache_keyspace *ks, bool volatile_only)
{
    int ndb = cache_keyspace_db_count(ks);
    for (int i = 0; i < ndb; i++) {
        ev->next_db = (ev->next_db + 1) % (unsigned)ndb;
        struct cache_db *db = cache_keyspace_db(ks, (int)ev->next_db);
        struct fair f = { 0 };
        if (cache_db_sample(db, volatile_only, FAIR_SAMPLE, fair_collect, &f) == 0)
            continue;
        size_t pick = (size_t)(ev_random(ev) % f.n);
        return cache_db_evict_key(db, f.key[pick], f.klen[pick]) == DD_OK;
    }
    return false;
}

/*
 * The eviction loop (Redis's performEvictions), and why it approximates.
 *
 * True LRU would need every key on a list reordered on every access: two
 * pointers per key and a write on every read. Redis instead keeps 24 bits in
 * each object (the second of the last access, or for LFU a minute stamp and
 * a logarithmic counter) and, when memory must be freed, looks at a few keys
 * only. Sampling maxmemory-samples keys and evicting the best of them alone
 * would be a poor approximation at the default 5, so since Redis 3.0 the
 * best candidates seen are kept across rounds in a pool of EVPOOL_SIZE (16),
 * sorted by score: each round samples every database (all keys, or only those
 * with a TTL for the volatile-* policies), offers the samples to the pool,
 * and evicts the best pooled key that still exists. Keys that survive a round
 * because better victims were found stay pooled and compete in the next, so
 * over many evictions the choice converges towards true LRU (Redis's own
 * measurements show 5 samples with the pool close to LRU, 10 nearly equal).
 *
 * Scores, larger = evicted sooner:
 *   - *-lru: idle time in ms (LRU clock, 1 s resolution);
 *   - *-lfu: 255 minus the access counter after decay, so rarely used keys
 *     go first whatever their recency;
 *   - volatile-ttl: UINT64_MAX minus the expire time, soonest to expire first.
 * The random policies skip the pool: they take a fair random key (one of up
 * to 20 sampled) from the databases in round robin.
 *
 * The loop runs until used_memory is back under maxmemory, each victim going
 * through cache_db_evict_key() so it is counted in evicted_keys and the
 * listener (keyspace notifications, WATCH) hears EVICTED. It gives up with
 * DD_ENOMEM when nothing is left to evict: noeviction, or no key qualifies
 * (a volatile policy over a keyspace without TTLs). The caller then refuses
 * commands that would grow memory with -OOM, as Redis does.
 *
 * Differences from Redis 7.0: there is no eviction time limit
 * (maxmemory-eviction-tenacity) nor background continuation, the whole
 * overshoot is freed in one call; and used_memory is the keyspace's own
 * count, with no replication or AOF buffers to subtract.
 */
int cache_evict_perform(struct cache_evict *ev, struct cache_keyspace *ks, size_t maxmemory,
                        enum cache_evict_policy policy, int samples, int64_t now_ms,
                        size_t *evicted)
{
    size_t n = 0;
    int rc = DD_OK;
    if (evicted)
        *evicted = 0;
    if (maxmemory == 0 || cache_db_used_memory(ks) <= maxmemory)
        return DD_OK;
    if (policy == CACHE_EVICT_NOEVICTION)
        return DD_ENOMEM;
    if (samples <= 0)
        samples = DEFAULT_SAMPLES;
    bool volatile_only = policy_volatile(policy);
    int ndb = cache_keyspace_db_count(ks);
    while (cache_db_used_memory(ks) > maxmemory) {
        bool done = false;
        if (policy_random(policy)) {
            done = evict_random(ev, ks, volatile_only);
        } else {
            while (!done) {
                size_t total = 0;
                for (int i = 0; i < ndb; i++) {
                    struct cache_db *db = cache_keyspace_db(ks, i);
                    size_t keys = volatile_only ? cache_db_expires_count(db) : cache_db_count(db);
                    if (!keys)
                        continue;
                    struct populate p = { ev, ks, policy, i, now_ms };
                    (void)cache_db_sample(db, volatile_only, (size_t)samples, pool_offer, &p);
                    total += keys;
                }
                if (!total)
                    break;
                done = pool_evict_best(ev, ks, volatile_only);
            }
        }
        if (!done) {
            rc = DD_ENOMEM;
            break;
        }
        n++;
    }
    if (evicted)
        *evicted = n;
    return rc;
}
