/* Unit tests for cache-emu/expire.c: TTL storage, lazy expiry at the exact
 * millisecond, the active cycle's bounded work and spread sample, with a
 * fake clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/db.h"
#include "cache-emu/expire.h"
#include "common/err.h"

#define T0 1700000000000LL

struct events {
    int expired, deleted;
};

static void on_key(void *ctx, struct cache_db *db, const void *key, size_t klen,
                   enum cache_key_event ev)
{
    struct events *e = ctx;
    if (ev == CACHE_KEY_EXPIRED)
        e->expired++;
    else if (ev == CACHE_KEY_DELETED)
        e->deleted++;
}

static void put(struct cache_keyspace *ks, struct cache_db *db, const char *key, int64_t when,
                int64_t now)
{
    struct cache_obj *o = cache_obj_new_string(ks, "v", 1);
    assert_non_null(o);
    assert_int_equal(cache_db_set(db, key, strlen(key), o, false, now, NULL), DD_OK);
    if (when >= 0)
        assert_int_equal(cache_expire_set(db, key, strlen(key), when, now), DD_OK);
}

static void test_ttl_storage(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 1);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    assert_int_equal(cache_expire_set(db, "nope", 4, T0 + 10, T0), DD_ENOENT);
    assert_int_equal(cache_db_expires_count(db), 0);
    assert_int_equal(cache_expire_get(db, "nope", 4), -1);
    assert_int_equal(cache_expire_remove(db, "nope", 4), DD_ENOENT);
    put(ks, db, "k", -1, T0);
    assert_int_equal(cache_expire_get(db, "k", 1), -1);
    assert_int_equal(cache_expire_set(db, "k", 1, T0 + 10, T0), DD_OK);
    assert_int_equal(cache_expire_get(db, "k", 1), T0 + 10);
    assert_int_equal(cache_expire_set(db, "k", 1, T0 + 20, T0), DD_OK);
    assert_int_equal(cache_expire_get(db, "k", 1), T0 + 20);
    assert_int_equal(cache_db_expires_count(db), 1);
    assert_int_equal(cache_expire_remove(db, "k", 1), DD_OK); /* PERSIST */
    assert_int_equal(cache_expire_remove(db, "k", 1), DD_ENOENT);
    assert_int_equal(cache_expire_get(db, "k", 1), -1);
    assert_non_null(cache_db_lookup(db, "k", 1, T0 + 1000000));
    /* DEL takes the TTL with it: a new key of that name has none. */
    assert_int_equal(cache_expire_set(db, "k", 1, T0 + 10, T0), DD_OK);
    assert_int_equal(cache_db_delete(db, "k", 1, T0), DD_OK);
    assert_int_equal(cache_db_expires_count(db), 0);
    put(ks, db, "k", -1, T0);
    assert_int_equal(cache_expire_get(db, "k", 1), -1);
    /* Binary keys keep distinct TTLs. */
    struct cache_obj *o = cache_obj_new_string(ks, "v", 1);
    assert_int_equal(cache_db_add(db, "k\0", 2, o, T0, NULL), DD_OK);
    assert_int_equal(cache_expire_set(db, "k\0", 2, T0 + 5, T0), DD_OK);
    assert_int_equal(cache_expire_get(db, "k", 1), -1);
    assert_int_equal(cache_expire_get(db, "k\0", 2), T0 + 5);
    cache_keyspace_free(ks);
}

static void test_lazy_expiry_exact_ms(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 1);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    struct events ev = { 0 };
    cache_keyspace_set_listener(ks, on_key, &ev);
    size_t base = cache_db_used_memory(ks);
    const int64_t t = T0 + 1500;
    put(ks, db, "k", t, T0);
    assert_non_null(cache_db_lookup(db, "k", 1, t - 1));
    assert_int_equal(cache_keyspace_stats(ks)->expired_keys, 0);
    assert_int_equal(ev.expired, 0);
    assert_null(cache_db_lookup(db, "k", 1, t));
    assert_int_equal(cache_keyspace_stats(ks)->expired_keys, 1);
    assert_int_equal(ev.expired, 1);
    assert_int_equal(cache_db_count(db), 0);
    assert_int_equal(cache_db_expires_count(db), 0);
    assert_int_equal(cache_db_used_memory(ks), base);
    /* Already gone: looking again does not count it twice. */
    assert_null(cache_db_lookup(db, "k", 1, t + 1));
    assert_int_equal(cache_keyspace_stats(ks)->expired_keys, 1);

    /* DEL of an expired key reports it missing and counts an expiry, not a delete. */
    put(ks, db, "d", t, T0);
    assert_int_equal(cache_db_delete(db, "d", 1, t), DD_ENOENT);
    assert_int_equal(ev.expired, 2);
    assert_int_equal(ev.deleted, 0);
    /* ADD over an expired key succeeds and the new key carries no TTL. */
    put(ks, db, "a", t, T0);
    struct cache_obj *o = cache_obj_new_string(ks, "new", 3);
    assert_int_equal(cache_db_add(db, "a", 1, o, t + 5, NULL), DD_OK);
    assert_int_equal(cache_expire_get(db, "a", 1), -1);
    assert_int_equal(cache_keyspace_stats(ks)->expired_keys, 3);
    /* A time already past is stored and reclaimed on the next access. */
    put(ks, db, "p", T0 - 1, T0);
    assert_int_equal(cache_expire_set(db, "p", 1, T0 + 1, T0 + 2), DD_ENOENT);
    assert_null(cache_db_lookup(db, "p", 1, T0));
    /* cache_expire_set treats an expired key as absent. */
    put(ks, db, "q", T0 + 10, T0);
    assert_int_equal(cache_expire_set(db, "q", 1, T0 + 100, T0 + 10), DD_ENOENT);
    assert_int_equal(cache_db_count(db), 1); /* just "a" */
    cache_keyspace_free(ks);
}

static void test_active_cycle_bounded(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 77);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    size_t base = cache_db_used_memory(ks);
    char name[32];
    /* 2000 keys due at T0+10, 500 due much later, 500 without TTL. */
    for (int i = 0; i < 3000; i++) {
        snprintf(name, sizeof(name), "k%d", i);
        int64_t when = i < 2000 ? T0 + 10 : i < 2500 ? T0 + 1000000 : -1;
        put(ks, db, name, when, T0);
    }
    assert_int_equal(cache_db_expires_count(db), 2500);
    /* Nothing due yet: the cycle reclaims nothing. */
    assert_int_equal(cache_expire_cycle(db, T0 + 9, 1000), 0);
    assert_int_equal(cache_db_count(db), 3000);
    /* Due: each call does at most its budget (plus one bucket chain). */
    size_t total = 0;
    int calls = 0;
    while (cache_db_expires_count(db) > 500) {
        size_t n = cache_expire_cycle(db, T0 + 10, 100);
        assert_true(n <= 100 + 8);
        total += n;
        assert_true(++calls < 200);
    }
    assert_int_equal(total, 2000);
    assert_true(calls >= 2000 / 108);
    assert_int_equal(cache_keyspace_stats(ks)->expired_keys, 2000);
    assert_int_equal(cache_db_count(db), 1000);
    /* The survivors are intact. */
    for (int i = 2000; i < 3000; i++) {
        snprintf(name, sizeof(name), "k%d", i);
        assert_non_null(cache_db_lookup(db, name, strlen(name), T0 + 10));
    }
    /* A large budget with everything due empties the table in one call:
     * every round is more than 25% expired, so rounds repeat. */
    assert_int_equal(cache_expire_cycle(db, T0 + 1000000, 100000), 500);
    assert_int_equal(cache_db_count(db), 500);
    assert_int_equal(cache_db_expires_count(db), 0);
    /* Nothing with a TTL: a no-op. */
    assert_int_equal(cache_expire_cycle(db, T0 + 2000000, 100), 0);
    for (int i = 2500; i < 3000; i++) {
        snprintf(name, sizeof(name), "k%d", i);
        assert_int_equal(cache_db_delete(db, name, strlen(name), T0), DD_OK);
    }
    assert_int_equal(cache_db_used_memory(ks), base);
    cache_keyspace_free(ks);
}

static void test_active_cycle_stops_when_few_expired(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 5);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    char name[32];
    /* 1 key in 20 is due: far under 25%, so a call stops after about one
     * round even with a huge budget, leaving the rest to later cycles. */
    for (int i = 0; i < 4000; i++) {
        snprintf(name, sizeof(name), "k%d", i);
        put(ks, db, name, i % 20 == 0 ? T0 + 1 : T0 + 1000000, T0);
    }
    size_t first = cache_expire_cycle(db, T0 + 1, 1000000);
    assert_true(first < 20);
    /* Repeated cycles walk the whole table (the cursor moves on), so every
     * due key is eventually reclaimed without any lookup. */
    size_t total = first;
    for (int c = 0; c < 1000 && total < 200; c++)
        total += cache_expire_cycle(db, T0 + 1, 1000000);
    assert_int_equal(total, 200);
    assert_int_equal(cache_db_count(db), 3800);
    assert_int_equal(cache_keyspace_stats(ks)->expired_keys, 200);
    cache_keyspace_free(ks);
}

static void test_active_cycle_listener_and_dbs(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(4, 9);
    struct cache_db *d1 = cache_keyspace_db(ks, 1), *d2 = cache_keyspace_db(ks, 2);
    struct events ev = { 0 };
    cache_keyspace_set_listener(ks, on_key, &ev);
    put(ks, d1, "x", T0 + 5, T0);
    put(ks, d2, "x", T0 + 5, T0);
    assert_int_equal(cache_expire_cycle(d1, T0 + 5, 0), 1);
    assert_int_equal(ev.expired, 1);
    assert_null(cache_db_lookup(d1, "x", 1, T0));
    /* db 2 is untouched until its own cycle or an access. */
    assert_int_equal(cache_db_count(d2), 1);
    assert_int_equal(cache_expire_cycle(d2, T0 + 5, 0), 1);
    assert_int_equal(ev.expired, 2);
    assert_int_equal(cache_keyspace_stats(ks)->expired_keys, 2);
    cache_keyspace_free(ks);
}

static void test_active_cycle_sample_is_spread(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 3);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    char name[32];
    /* TTLs correlated with insertion order, as when a client writes keys with
     * the same EX in a stream: the first half is due, the second is not. A
     * round must estimate the due share (about half here), not see 20 keys
     * inserted together; so one round of 20 finds some due keys but not all. */
    for (int i = 0; i < 4000; i++) {
        snprintf(name, sizeof(name), "k%d", i);
        put(ks, db, name, i < 2000 ? T0 + 10 : T0 + 1000000, T0);
    }
    size_t n = cache_expire_cycle(db, T0 + 10, CACHE_EXPIRE_KEYS_PER_LOOP);
    assert_true(n >= 5 && n <= 15);
    /* A full pass reaches every due key; the 25% rule repeats rounds here. */
    size_t total = n;
    for (int c = 0; c < 100 && total < 2000; c++)
        total += cache_expire_cycle(db, T0 + 10, 1000);
    assert_int_equal(total, 2000);
    assert_int_equal(cache_db_expires_count(db), 2000);
    cache_keyspace_free(ks);
}

static void test_expire_if_needed(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 1);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    struct events ev = { 0 };
    cache_keyspace_set_listener(ks, on_key, &ev);
    put(ks, db, "k", T0 + 10, T0);
    put(ks, db, "p", -1, T0);
    assert_false(cache_expire_if_needed(db, "k", 1, T0 + 9));
    assert_false(cache_expire_if_needed(db, "p", 1, T0 + 1000000));
    assert_false(cache_expire_if_needed(db, "none", 4, T0));
    assert_true(cache_expire_if_needed(db, "k", 1, T0 + 10));
    assert_int_equal(ev.expired, 1);
    assert_false(cache_expire_if_needed(db, "k", 1, T0 + 10));
    assert_int_equal(cache_keyspace_stats(ks)->expired_keys, 1);
    assert_int_equal(cache_db_count(db), 1);
    cache_keyspace_free(ks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ttl_storage),
        cmocka_unit_test(test_lazy_expiry_exact_ms),
        cmocka_unit_test(test_active_cycle_bounded),
        cmocka_unit_test(test_active_cycle_stops_when_few_expired),
        cmocka_unit_test(test_active_cycle_listener_and_dbs),
        cmocka_unit_test(test_active_cycle_sample_is_spread),
        cmocka_unit_test(test_expire_if_needed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
