/* Unit tests for the keyspace primitives behind MOVE and SWAPDB
 * (cache_db_move, cache_keyspace_swapdb in cache-emu/db.c): what moves, what
 * the listener hears, TTLs and memory, and that a failed allocation changes
 * nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "cache-emu/db.h"
#include "cache-emu/expire.h"
#include "common/err.h"

#define NOW 1700000000000LL

static struct cache_obj *str(struct cache_keyspace *ks, const char *s)
{
    struct cache_obj *o = cache_obj_new_string(ks, s, strlen(s));
    assert_non_null(o);
    return o;
}

static void assert_value(struct cache_db *db, const char *key, const char *want)
{
    struct cache_obj *o = cache_db_lookup(db, key, strlen(key), NOW);
    assert_non_null(o);
    assert_int_equal(o->len, strlen(want));
    assert_memory_equal(o->ptr, want, o->len);
}

/* Listener calls, by event and database. */
struct heard {
    int deleted, expired, swapped[4];
    char keys[64][16];
    int nkeys;
};

static void on_key(void *ctx, struct cache_db *db, const void *key, size_t klen,
                   enum cache_key_event ev)
{
    struct heard *h = ctx;
    if (ev == CACHE_KEY_DELETED)
        h->deleted++;
    else if (ev == CACHE_KEY_EXPIRED)
        h->expired++;
    else if (ev == CACHE_KEY_SWAPPED && cache_db_id(db) < 4)
        h->swapped[cache_db_id(db)]++;
    if (h->nkeys < 64) {
        snprintf(h->keys[h->nkeys++], sizeof(h->keys[0]), "%d:%.*s", cache_db_id(db), (int)klen,
                 (const char *)key);
    }
}

static bool heard_key(const struct heard *h, const char *what)
{
    for (int i = 0; i < h->nkeys; i++)
        if (strcmp(h->keys[i], what) == 0)
            return true;
    return false;
}

static void test_move(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(4, 1);
    struct cache_db *d0 = cache_keyspace_db(ks, 0), *d1 = cache_keyspace_db(ks, 1);
    struct heard h = { 0 };
    cache_keyspace_set_listener(ks, on_key, &h);
    char big[300];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(cache_db_add(d0, "k", 1, str(ks, "v"), NOW, NULL), DD_OK);
    assert_int_equal(cache_db_add(d0, "big", 3, str(ks, big), NOW, NULL), DD_OK);
    assert_int_equal(cache_expire_set(d0, "k", 1, NOW + 5000, NOW), DD_OK);
    size_t mem = cache_db_used_memory(ks);

    assert_int_equal(cache_db_move(d0, d1, "k", 1, NOW), DD_OK);
    assert_int_equal(h.deleted, 1);
    assert_true(heard_key(&h, "0:k"));
    assert_null(cache_db_lookup(d0, "k", 1, NOW));
    assert_value(d1, "k", "v");
    assert_int_equal(cache_expire_get(d1, "k", 1), NOW + 5000);
    assert_int_equal(cache_db_expires_count(d0), 0);
    assert_int_equal(cache_db_expires_count(d1), 1);
    /* A string too long to live in the entry moves without a copy. */
    struct cache_obj *before = cache_db_lookup(d0, "big", 3, NOW);
    void *payload = before->ptr;
    assert_int_equal(cache_db_move(d0, d1, "big", 3, NOW), DD_OK);
    assert_ptr_equal(cache_db_lookup(d1, "big", 3, NOW)->ptr, payload);
    assert_int_equal(cache_db_count(d0), 0);
    assert_int_equal(cache_db_count(d1), 2);
    /* d0 gave its arrays back, d1 took new ones: nothing leaked or copied. */
    assert_true(cache_db_used_memory(ks) <= mem + 256);

    assert_int_equal(cache_db_move(d0, d1, "k", 1, NOW), DD_ENOENT);
    assert_int_equal(cache_db_add(d0, "k", 1, str(ks, "other"), NOW, NULL), DD_OK);
    assert_int_equal(cache_db_move(d0, d1, "k", 1, NOW), DD_EEXIST);
    assert_value(d0, "k", "other");
    assert_int_equal(cache_db_move(d0, d0, "k", 1, NOW), DD_EINVAL);
    /* An expired target is reclaimed first; an expired source is missing. */
    assert_int_equal(cache_db_move(d0, d1, "k", 1, NOW + 5000), DD_OK);
    assert_int_equal(h.expired, 1);
    assert_value(d1, "k", "other");
    assert_int_equal(cache_expire_get(d1, "k", 1), -1);
    assert_int_equal(cache_db_add(d0, "gone", 4, str(ks, "v"), NOW, NULL), DD_OK);
    assert_int_equal(cache_expire_set(d0, "gone", 4, NOW + 1, NOW), DD_OK);
    assert_int_equal(cache_db_move(d0, d1, "gone", 4, NOW + 1), DD_ENOENT);
    assert_int_equal(cache_db_count(d0), 0);
    cache_keyspace_free(ks);
}

static void test_move_enomem(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(2, 1);
    struct cache_db *d0 = cache_keyspace_db(ks, 0), *d1 = cache_keyspace_db(ks, 1);
    assert_int_equal(cache_db_add(d0, "k", 1, str(ks, "v"), NOW, NULL), DD_OK);
    assert_int_equal(cache_expire_set(d0, "k", 1, NOW + 5000, NOW), DD_OK);
    size_t mem = cache_db_used_memory(ks);
    /* d1 is empty: its first bucket array, then its first TTL slot fail. */
    for (unsigned n = 1; n <= 2; n++) {
        cache_mem_fail_after(ks, n);
        assert_int_equal(cache_db_move(d0, d1, "k", 1, NOW), DD_ENOMEM);
        cache_mem_fail_after(ks, 0);
        assert_value(d0, "k", "v");
        assert_int_equal(cache_expire_get(d0, "k", 1), NOW + 5000);
        assert_int_equal(cache_db_count(d1), 0);
        assert_int_equal(cache_db_used_memory(ks), mem);
    }
    assert_int_equal(cache_db_move(d0, d1, "k", 1, NOW), DD_OK);
    assert_int_equal(cache_expire_get(d1, "k", 1), NOW + 5000);
    cache_keyspace_free(ks);
}

static void test_swapdb(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(4, 1);
    struct cache_db *d0 = cache_keyspace_db(ks, 0), *d1 = cache_keyspace_db(ks, 1);
    struct heard h = { 0 };
    assert_int_equal(cache_db_add(d0, "a", 1, str(ks, "a0"), NOW, NULL), DD_OK);
    assert_int_equal(cache_db_add(d0, "both", 4, str(ks, "b0"), NOW, NULL), DD_OK);
    assert_int_equal(cache_db_add(d1, "both", 4, str(ks, "b1"), NOW, NULL), DD_OK);
    assert_int_equal(cache_db_add(d1, "c", 1, str(ks, "c1"), NOW, NULL), DD_OK);
    assert_int_equal(cache_expire_set(d1, "c", 1, NOW + 100, NOW), DD_OK);
    cache_keyspace_set_listener(ks, on_key, &h);

    assert_int_equal(cache_keyspace_swapdb(ks, 0, 1), DD_OK);
    /* The listener heard every key of either database in both of them. */
    assert_int_equal(h.swapped[0], 4);
    assert_int_equal(h.swapped[1], 4);
    assert_true(heard_key(&h, "0:c"));
    assert_true(heard_key(&h, "1:a"));
    /* The database structs stay: index 0 now holds what 1 held. */
    assert_ptr_equal(cache_keyspace_db(ks, 0), d0);
    assert_value(d0, "both", "b1");
    assert_value(d0, "c", "c1");
    assert_int_equal(cache_expire_get(d0, "c", 1), NOW + 100);
    assert_null(cache_db_lookup(d0, "a", 1, NOW));
    assert_value(d1, "a", "a0");
    assert_value(d1, "both", "b0");
    assert_int_equal(cache_db_expires_count(d1), 0);
    /* The TTL still works where it went. */
    assert_null(cache_db_lookup(d0, "c", 1, NOW + 100));
    assert_int_equal(h.expired, 1);

    memset(&h, 0, sizeof(h));
    assert_int_equal(cache_keyspace_swapdb(ks, 1, 1), DD_OK);
    assert_int_equal(cache_keyspace_swapdb(ks, 2, 3), DD_OK);
    assert_int_equal(h.nkeys, 0);
    assert_int_equal(cache_keyspace_swapdb(ks, 0, 4), DD_EINVAL);
    assert_int_equal(cache_keyspace_swapdb(ks, -1, 0), DD_EINVAL);
    assert_value(d1, "a", "a0");
    /* Swapping back restores the original layout. */
    assert_int_equal(cache_keyspace_swapdb(ks, 1, 0), DD_OK);
    assert_value(d0, "a", "a0");
    assert_value(d1, "both", "b1");
    cache_keyspace_free(ks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_move),
        cmocka_unit_test(test_move_enomem),
        cmocka_unit_test(test_swapdb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
