/* Unit tests for cache-emu/evict.c: policy names, and each of the eight
 * maxmemory policies under memory pressure with a fake clock: which keys it
 * may take, which it prefers, when it gives up, and that used_memory ends
 * within maxmemory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/db.h"
#include "cache-emu/evict.h"
#include "cache-emu/expire.h"
#include "common/err.h"

#define T0 1700000000000LL

static void test_policy_names(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        enum cache_evict_policy p;
        bool lfu;
    } t[] = {
        { "noeviction", CACHE_EVICT_NOEVICTION, false },
        { "allkeys-lru", CACHE_EVICT_ALLKEYS_LRU, false },
        { "volatile-lru", CACHE_EVICT_VOLATILE_LRU, false },
        { "allkeys-lfu", CACHE_EVICT_ALLKEYS_LFU, true },
        { "volatile-lfu", CACHE_EVICT_VOLATILE_LFU, true },
        { "allkeys-random", CACHE_EVICT_ALLKEYS_RANDOM, false },
        { "volatile-random", CACHE_EVICT_VOLATILE_RANDOM, false },
        { "volatile-ttl", CACHE_EVICT_VOLATILE_TTL, false },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(t); i++) {
        enum cache_evict_policy p = CACHE_EVICT_NOEVICTION;
        assert_int_equal(cache_evict_policy_parse(t[i].name, strlen(t[i].name), &p), DD_OK);
        assert_int_equal(p, t[i].p);
        assert_string_equal(cache_evict_policy_name(t[i].p), t[i].name);
        assert_int_equal(cache_evict_policy_is_lfu(t[i].p), t[i].lfu);
    }
    enum cache_evict_policy p;
    assert_int_equal(cache_evict_policy_parse("ALLKEYS-LRU", 11, &p), DD_OK);
    assert_int_equal(p, CACHE_EVICT_ALLKEYS_LRU);
    assert_int_equal(cache_evict_policy_parse("Volatile-TTL", 12, &p), DD_OK);
    assert_int_equal(p, CACHE_EVICT_VOLATILE_TTL);
    static const char *bad[] = { "",           "lru", "allkeys-lr", "allkeys-lruu", "volatile_lru",
                                 "noeviction " };
    for (size_t i = 0; i < DD_ARRAY_LEN(bad); i++)
        assert_int_equal(cache_evict_policy_parse(bad[i], strlen(bad[i]), &p), DD_EINVAL);
    /* Length-delimited: a longer buffer's prefix is what counts. */
    assert_int_equal(cache_evict_policy_parse("noevictionXYZ", 10, &p), DD_OK);
    assert_int_equal(p, CACHE_EVICT_NOEVICTION);
}

/*
 * The scenario every policy runs against. Four groups of GROUP keys, spread
 * over databases 0 and 3, all written at T0:
 *   A  volatile, cold: TTL soonest (T0 + 1 h + i s), never read again
 *   B  volatile, hot:  TTL late (T0 + 10 h + i s), read 30 times at T0 + 200 s
 *   C  persistent, cold
 *   D  persistent, hot: read 30 times at T0 + 200 s
 * Eviction runs at T0 + 300 s, so cold keys are 300 s idle and hot ones 100 s;
 * in LFU mode (decay 1 minute) cold counters have decayed to 0 and hot ones
 * stay above. The TTLs are far off: expiry plays no part.
 */
#define GROUP   300
#define NGROUP  4
#define T_EVICT (T0 + 300000)

static const char group_name[NGROUP] = { 'A', 'B', 'C', 'D' };

static size_t key_of(char *buf, size_t cap, int g, int i)
{
    int n = snprintf(buf, cap, "%c:%d", group_name[g], i);
    assert_true(n > 0 && (size_t)n < cap);
    return (size_t)n;
}

static struct cache_db *db_of(struct cache_keyspace *ks, int i)
{
    return cache_keyspace_db(ks, i % 2 ? 3 : 0);
}

struct counts {
    int evicted; /* listener calls with EVICTED */
    int other;   /* any other event: must stay 0 */
    int by_group[NGROUP];
};

static void on_key(void *ctx, struct cache_db *db, const void *key, size_t klen,
                   enum cache_key_event ev)
{
    (void)db;
    struct counts *c = ctx;
    if (ev != CACHE_KEY_EVICTED) {
        c->other++;
        return;
    }
    c->evicted++;
    assert_true(klen >= 2);
    for (int g = 0; g < NGROUP; g++)
        if (((const char *)key)[0] == group_name[g])
            c->by_group[g]++;
}

static struct cache_keyspace *scenario(bool lfu, struct counts *c)
{
    struct cache_keyspace *ks = cache_keyspace_new(4, 12345);
    assert_non_null(ks);
    cache_keyspace_set_lfu(ks, lfu, 10, 1);
    char k[32];
    for (int g = 0; g < NGROUP; g++) {
        for (int i = 0; i < GROUP; i++) {
            size_t n = key_of(k, sizeof(k), g, i);
            struct cache_db *db = db_of(ks, i);
            assert_int_equal(cache_db_set_string(db, k, n, "some value", 10, false, T0, NULL),
                             DD_OK);
            if (g == 0)
                assert_int_equal(cache_expire_set(db, k, n, T0 + 3600000 + i * 1000, T0), DD_OK);
            if (g == 1)
                assert_int_equal(cache_expire_set(db, k, n, T0 + 36000000 + i * 1000, T0), DD_OK);
        }
    }
    /* The hot reads (cache_expire_set above was a read at T0 too). */
    for (int g = 1; g < NGROUP; g += 2) {
        for (int i = 0; i < GROUP; i++) {
            size_t n = key_of(k, sizeof(k), g, i);
            for (int r = 0; r < 30; r++)
                assert_non_null(cache_db_lookup(db_of(ks, i), k, n, T0 + 200000));
        }
    }
    cache_keyspace_set_listener(ks, on_key, c);
    return ks;
}

static int survivors(struct cache_keyspace *ks, int g)
{
    char k[32];
    int n = 0;
    for (int i = 0; i < GROUP; i++) {
        size_t kl = key_of(k, sizeof(k), g, i);
        n += cache_db_lookup_flags(db_of(ks, i), k, kl, T_EVICT, CACHE_LOOKUP_NOTOUCH) != NULL;
    }
    return n;
}

/* Expectations per group, as the least share (in %) of the group's keys that
 * must survive, and the most. */
struct expect {
    int min_pct, max_pct;
};

static void test_policies_under_pressure(void **state)
{
    (void)state;
    /* free_pct: the share of the keys' memory to free. Below the cold
     * (or volatile) half's share, a good policy takes nothing else; above the
     * volatile share, the volatile policies run out and give up. */
    static const struct {
        const char *name;
        enum cache_evict_policy policy;
        int free_pct;
        int rc;
        struct expect g[NGROUP]; /* A B C D */
    } cases[] = {
        /* clang-format off */
        /* noeviction: refuses, touches nothing. */
        { "noeviction",      CACHE_EVICT_NOEVICTION,      25, DD_ENOMEM,
          { { 100, 100 }, { 100, 100 }, { 100, 100 }, { 100, 100 } } },
        /* allkeys-lru / -lfu: only the cold half (A, C) loses keys. */
        { "allkeys-lru",     CACHE_EVICT_ALLKEYS_LRU,     25, DD_OK,
          { { 0, 60 },    { 97, 100 },  { 0, 60 },    { 97, 100 } } },
        { "allkeys-lfu",     CACHE_EVICT_ALLKEYS_LFU,     25, DD_OK,
          { { 0, 60 },    { 97, 100 },  { 0, 60 },    { 97, 100 } } },
        /* allkeys-random: every group loses some, none all. */
        { "allkeys-random",  CACHE_EVICT_ALLKEYS_RANDOM,  25, DD_OK,
          { { 40, 95 },   { 40, 95 },   { 40, 95 },   { 40, 95 } } },
        /* volatile-*: persistent keys are never touched; A (cold, soonest
         * TTL) goes and B stays, except under volatile-random. */
        { "volatile-lru",    CACHE_EVICT_VOLATILE_LRU,    15, DD_OK,
          { { 0, 40 },    { 97, 100 },  { 100, 100 }, { 100, 100 } } },
        { "volatile-lfu",    CACHE_EVICT_VOLATILE_LFU,    15, DD_OK,
          { { 0, 40 },    { 97, 100 },  { 100, 100 }, { 100, 100 } } },
        { "volatile-ttl",    CACHE_EVICT_VOLATILE_TTL,    15, DD_OK,
          { { 0, 40 },    { 97, 100 },  { 100, 100 }, { 100, 100 } } },
        { "volatile-random", CACHE_EVICT_VOLATILE_RANDOM, 15, DD_OK,
          { { 30, 90 },   { 30, 90 },   { 100, 100 }, { 100, 100 } } },
        /* Severe: the volatile policies evict every volatile key, then give
         * up with the persistent ones intact. */
        { "volatile-lru severe",    CACHE_EVICT_VOLATILE_LRU,    70, DD_ENOMEM,
          { { 0, 0 },     { 0, 0 },     { 100, 100 }, { 100, 100 } } },
        { "volatile-lfu severe",    CACHE_EVICT_VOLATILE_LFU,    70, DD_ENOMEM,
          { { 0, 0 },     { 0, 0 },     { 100, 100 }, { 100, 100 } } },
        { "volatile-ttl severe",    CACHE_EVICT_VOLATILE_TTL,    70, DD_ENOMEM,
          { { 0, 0 },     { 0, 0 },     { 100, 100 }, { 100, 100 } } },
        { "volatile-random severe", CACHE_EVICT_VOLATILE_RANDOM, 70, DD_ENOMEM,
          { { 0, 0 },     { 0, 0 },     { 100, 100 }, { 100, 100 } } },
        /* Severe for allkeys: (nearly) all cold keys, then hot ones. */
        { "allkeys-lru severe",     CACHE_EVICT_ALLKEYS_LRU,     70, DD_OK,
          { { 0, 3 },     { 15, 80 },   { 0, 3 },     { 15, 80 } } },
        { "allkeys-lfu severe",     CACHE_EVICT_ALLKEYS_LFU,     70, DD_OK,
          { { 0, 3 },     { 15, 80 },   { 0, 3 },     { 15, 80 } } },
        /* clang-format on */
    };
    for (size_t c = 0; c < DD_ARRAY_LEN(cases); c++) {
        struct counts cnt = { 0 };
        bool lfu = cache_evict_policy_is_lfu(cases[c].policy);
        struct cache_keyspace *ks = scenario(lfu, &cnt);
        struct cache_keyspace *empty = cache_keyspace_new(4, 1);
        size_t base = cache_db_used_memory(empty);
        cache_keyspace_free(empty);
        size_t used = cache_db_used_memory(ks);
        size_t maxmemory = used - (used - base) * (size_t)cases[c].free_pct / 100;
        struct cache_evict *ev = cache_evict_new();
        assert_non_null(ev);
        size_t evicted = 12345;
        int rc = cache_evict_perform(ev, ks, maxmemory, cases[c].policy, 5, T_EVICT, &evicted);
        if (rc != cases[c].rc)
            fail_msg("%s: rc %d, want %d", cases[c].name, rc, cases[c].rc);
        if (rc == DD_OK && cache_db_used_memory(ks) > maxmemory)
            fail_msg("%s: used %zu > maxmemory %zu", cases[c].name, cache_db_used_memory(ks),
                     maxmemory);
        assert_int_equal(evicted, (size_t)cnt.evicted);
        assert_int_equal(cache_keyspace_stats(ks)->evicted_keys, (uint64_t)cnt.evicted);
        assert_int_equal(cache_keyspace_stats(ks)->expired_keys, 0);
        assert_int_equal(cnt.other, 0);
        for (int g = 0; g < NGROUP; g++) {
            int s = survivors(ks, g);
            assert_int_equal(s + cnt.by_group[g], GROUP);
            int pct = s * 100 / GROUP;
            /* EVICT_DEBUG=1 prints the shares instead, to recalibrate. */
            if (getenv("EVICT_DEBUG"))
                print_message("%s: %c %d%%\n", cases[c].name, group_name[g], pct);
            else if (pct < cases[c].g[g].min_pct || pct > cases[c].g[g].max_pct)
                fail_msg("%s: group %c kept %d%% (want %d..%d%%)", cases[c].name, group_name[g],
                         pct, cases[c].g[g].min_pct, cases[c].g[g].max_pct);
        }
        /* Once within the limit another call has nothing to do. */
        if (rc == DD_OK) {
            assert_int_equal(
                cache_evict_perform(ev, ks, maxmemory, cases[c].policy, 5, T_EVICT, &evicted),
                DD_OK);
            assert_int_equal(evicted, 0);
        }
        cache_evict_free(ev);
        cache_keyspace_free(ks);
    }
}

/* volatile-ttl takes keys in expiry order: with 10 samples (Redis's
 * recommendation for accuracy) the soonest-expiring are evicted first. */
static void test_volatile_ttl_order(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 7);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    size_t base = cache_db_used_memory(ks);
    char k[32];
    const int n = 1000;
    /* TTL rank i: keys written in a scrambled order so that the TTL array
     * order says nothing. */
    for (int j = 0; j < n; j++) {
        int i = (j * 389) % n;
        int kl = snprintf(k, sizeof(k), "t:%d", i);
        assert_int_equal(cache_db_set_string(db, k, (size_t)kl, "v", 1, false, T0, NULL), DD_OK);
        assert_int_equal(cache_expire_set(db, k, (size_t)kl, T0 + 60000 + i * 1000LL, T0), DD_OK);
    }
    size_t used = cache_db_used_memory(ks);
    struct cache_evict *ev = cache_evict_new();
    size_t evicted;
    assert_int_equal(cache_evict_perform(ev, ks, used - (used - base) * 30 / 100,
                                         CACHE_EVICT_VOLATILE_TTL, 10, T0, &evicted),
                     DD_OK);
    assert_true(evicted >= 250);
    /* The first 20% by TTL are (nearly) all gone; the last 50% all kept. */
    int gone_first = 0, gone_last = 0;
    for (int i = 0; i < n; i++) {
        int kl = snprintf(k, sizeof(k), "t:%d", i);
        bool gone = !cache_db_lookup_flags(db, k, (size_t)kl, T0, CACHE_LOOKUP_NOTOUCH);
        if (i < n / 5)
            gone_first += gone;
        if (i >= n / 2)
            gone_last += gone;
    }
    assert_true(gone_first >= n / 5 * 95 / 100);
    assert_int_equal(gone_last, 0);
    cache_evict_free(ev);
    cache_keyspace_free(ks);
}

static void test_edges(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(2, 9);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    struct cache_evict *ev = cache_evict_new();
    size_t evicted = 99;
    /* No limit, or under it: nothing to do, whatever the policy. */
    assert_int_equal(cache_evict_perform(ev, ks, 0, CACHE_EVICT_ALLKEYS_LRU, 5, T0, &evicted),
                     DD_OK);
    assert_int_equal(evicted, 0);
    assert_int_equal(cache_evict_perform(ev, ks, SIZE_MAX, CACHE_EVICT_NOEVICTION, 5, T0, NULL),
                     DD_OK);
    /* Over the limit with an empty keyspace: nothing can be freed. */
    for (int p = CACHE_EVICT_ALLKEYS_LRU; p <= CACHE_EVICT_VOLATILE_TTL; p++)
        assert_int_equal(cache_evict_perform(ev, ks, 1, (enum cache_evict_policy)p, 5, T0, NULL),
                         DD_ENOMEM);
    /* Keys longer than the pool's cached copy, and samples <= 0 (taken as
     * the default). */
    char big[1000];
    for (int i = 0; i < 50; i++) {
        memset(big, 'a' + i % 26, sizeof(big));
        int kl = snprintf(big + 900, 100, "%d", i);
        assert_int_equal(
            cache_db_set_string(db, big, 900 + (size_t)kl, "v", 1, false, T0 + i * 1000, NULL),
            DD_OK);
    }
    size_t used = cache_db_used_memory(ks);
    assert_int_equal(
        cache_evict_perform(ev, ks, used - 10000, CACHE_EVICT_ALLKEYS_LRU, 0, T0 + 60000, &evicted),
        DD_OK);
    assert_true(evicted > 0 && evicted < 50);
    assert_true(cache_db_used_memory(ks) <= used - 10000);
    /* The pool now holds candidates; a flush makes them ghosts, which are
     * skipped (with or without a reset). */
    cache_keyspace_flushall(ks);
    for (int i = 0; i < 20; i++) {
        int kl = snprintf(big, sizeof(big), "n:%d", i);
        assert_int_equal(cache_db_set_string(db, big, (size_t)kl, "v", 1, false, T0, NULL), DD_OK);
    }
    used = cache_db_used_memory(ks);
    assert_int_equal(
        cache_evict_perform(ev, ks, used - 200, CACHE_EVICT_ALLKEYS_LRU, 5, T0, &evicted), DD_OK);
    assert_true(evicted >= 1);
    cache_evict_reset(ev);
    used = cache_db_used_memory(ks);
    assert_int_equal(
        cache_evict_perform(ev, ks, used - 200, CACHE_EVICT_ALLKEYS_LFU, 5, T0, &evicted), DD_OK);
    assert_true(evicted >= 1);
    /* A pooled key that lost its TTL (PERSIST) no longer qualifies for a
     * volatile policy: with only persistent keys left it gives up. */
    cache_keyspace_flushall(ks);
    cache_evict_reset(ev);
    for (int i = 0; i < 20; i++) {
        int kl = snprintf(big, sizeof(big), "p:%d", i);
        assert_int_equal(cache_db_set_string(db, big, (size_t)kl, "v", 1, false, T0, NULL), DD_OK);
        assert_int_equal(cache_expire_set(db, big, (size_t)kl, T0 + 100000, T0), DD_OK);
    }
    used = cache_db_used_memory(ks);
    assert_int_equal(
        cache_evict_perform(ev, ks, used - 100, CACHE_EVICT_VOLATILE_LRU, 5, T0, &evicted), DD_OK);
    for (int i = 0; i < 20; i++) {
        int kl = snprintf(big, sizeof(big), "p:%d", i);
        (void)cache_db_lookup(db, big, (size_t)kl, T0);
        (void)cache_expire_remove(db, big, (size_t)kl);
    }
    size_t keys = cache_db_count(db);
    assert_int_equal(cache_evict_perform(ev, ks, 1, CACHE_EVICT_VOLATILE_LRU, 5, T0, &evicted),
                     DD_ENOMEM);
    assert_int_equal(evicted, 0);
    assert_int_equal(cache_db_count(db), keys);
    cache_evict_free(ev);
    cache_evict_free(NULL);
    cache_keyspace_free(ks);
}

/* Random policies go round robin over the databases. */
static void test_random_round_robin(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(4, 5);
    char k[32];
    for (int d = 0; d < 4; d += 2)
        for (int i = 0; i < 200; i++) {
            int kl = snprintf(k, sizeof(k), "r:%d", i);
            assert_int_equal(cache_db_set_string(cache_keyspace_db(ks, d), k, (size_t)kl, "v", 1,
                                                 false, T0, NULL),
                             DD_OK);
        }
    struct cache_evict *ev = cache_evict_new();
    size_t used = cache_db_used_memory(ks), evicted;
    assert_int_equal(
        cache_evict_perform(ev, ks, used - 8000, CACHE_EVICT_ALLKEYS_RANDOM, 5, T0, &evicted),
        DD_OK);
    size_t d0 = 200 - cache_db_count(cache_keyspace_db(ks, 0));
    size_t d2 = 200 - cache_db_count(cache_keyspace_db(ks, 2));
    assert_int_equal(d0 + d2, evicted);
    assert_true(d0 + 1 >= d2 && d2 + 1 >= d0);
    cache_evict_free(ev);
    cache_keyspace_free(ks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_names),       cmocka_unit_test(test_policies_under_pressure),
        cmocka_unit_test(test_volatile_ttl_order), cmocka_unit_test(test_edges),
        cmocka_unit_test(test_random_round_robin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
