/* Unit tests for cache-emu/db.c: keyspace CRUD, binary keys, rename, random
 * key, flush, SCAN's guarantee across resizes and mid-rehash, glob matching,
 * inline values, the LRU/LFU clock, sampling, a randomized check against a
 * model, and used_memory per key (the 1M-key figures). */
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

#define NOW 1700000000000LL

static struct cache_obj *str(struct cache_keyspace *ks, const char *s)
{
    struct cache_obj *o = cache_obj_new_string(ks, s, strlen(s));
    assert_non_null(o);
    return o;
}

static void assert_value(struct cache_db *db, const void *key, size_t klen, const char *want)
{
    struct cache_obj *o = cache_db_lookup(db, key, klen, NOW);
    assert_non_null(o);
    assert_int_equal(o->type, CACHE_TYPE_STRING);
    assert_int_equal(o->len, strlen(want));
    assert_memory_equal(o->ptr, want, o->len);
}

static size_t keyname(char *buf, size_t cap, const char *prefix, int i)
{
    int n = snprintf(buf, cap, "%s:%d", prefix, i);
    assert_true(n > 0 && (size_t)n < cap);
    return (size_t)n;
}

/* Records listener calls. */
struct events {
    int expired, deleted, overwritten, evicted;
    char last[64];
};

static void on_key(void *ctx, struct cache_db *db, const void *key, size_t klen,
                   enum cache_key_event ev)
{
    struct events *e = ctx;
    if (ev == CACHE_KEY_EXPIRED)
        e->expired++;
    else if (ev == CACHE_KEY_DELETED)
        e->deleted++;
    else if (ev == CACHE_KEY_EVICTED)
        e->evicted++;
    else
        e->overwritten++;
    size_t n = klen < sizeof(e->last) - 1 ? klen : sizeof(e->last) - 1;
    memcpy(e->last, key, n);
    e->last[n] = '\0';
}

static void test_databases(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(0, 1);
    assert_non_null(ks);
    assert_int_equal(cache_keyspace_db_count(ks), 16);
    assert_non_null(cache_keyspace_db(ks, 15));
    assert_null(cache_keyspace_db(ks, 16));
    assert_null(cache_keyspace_db(ks, -1));
    assert_int_equal(cache_db_id(cache_keyspace_db(ks, 3)), 3);
    struct cache_db *d0 = cache_keyspace_db(ks, 0), *d1 = cache_keyspace_db(ks, 1);
    assert_int_equal(cache_db_add(d0, "k", 1, str(ks, "zero"), NOW, NULL), DD_OK);
    assert_null(cache_db_lookup(d1, "k", 1, NOW));
    assert_int_equal(cache_db_count(d1), 0);
    cache_keyspace_free(ks);
    cache_keyspace_free(NULL);
    ks = cache_keyspace_new(2, 1);
    assert_int_equal(cache_keyspace_db_count(ks), 2);
    cache_keyspace_free(ks);
}

static void test_crud(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(16, 42);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    struct events ev = { 0 };
    cache_keyspace_set_listener(ks, on_key, &ev);

    assert_null(cache_db_lookup(db, "a", 1, NOW));
    assert_int_equal(cache_db_add(db, "a", 1, str(ks, "1"), NOW, NULL), DD_OK);
    assert_value(db, "a", 1, "1");
    struct cache_obj *dup = str(ks, "2");
    assert_int_equal(cache_db_add(db, "a", 1, dup, NOW, NULL), DD_EEXIST);
    cache_obj_free(ks, dup); /* still the caller's on failure */
    assert_value(db, "a", 1, "1");
    assert_int_equal(cache_db_set(db, "a", 1, str(ks, "3"), false, NOW, NULL), DD_OK);
    assert_value(db, "a", 1, "3");
    assert_int_equal(ev.overwritten, 1);
    assert_int_equal(cache_db_set(db, "b", 1, str(ks, "4"), false, NOW, NULL), DD_OK);
    assert_int_equal(cache_db_count(db), 2);
    assert_int_equal(cache_db_delete(db, "a", 1, NOW), DD_OK);
    assert_int_equal(ev.deleted, 1);
    assert_string_equal(ev.last, "a");
    assert_int_equal(cache_db_delete(db, "a", 1, NOW), DD_ENOENT);
    assert_int_equal(ev.deleted, 1);
    assert_null(cache_db_lookup(db, "a", 1, NOW));
    assert_int_equal(cache_db_count(db), 1);
    /* Empty key and empty value are legal. */
    assert_int_equal(cache_db_add(db, "", 0, str(ks, ""), NOW, NULL), DD_OK);
    assert_value(db, "", 0, "");
    assert_int_equal(cache_db_count(db), 2);
    cache_keyspace_free(ks);
}

static void test_binary_keys(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 7);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    assert_int_equal(cache_db_add(db, "a\0b", 3, str(ks, "ab"), NOW, NULL), DD_OK);
    assert_int_equal(cache_db_add(db, "a\0c", 3, str(ks, "ac"), NOW, NULL), DD_OK);
    assert_int_equal(cache_db_add(db, "a", 1, str(ks, "a"), NOW, NULL), DD_OK);
    assert_int_equal(cache_db_add(db, "a\0", 2, str(ks, "a0"), NOW, NULL), DD_OK);
    assert_int_equal(cache_db_add(db, "\xff\x00\x80", 3, str(ks, "hi"), NOW, NULL), DD_OK);
    assert_int_equal(cache_db_count(db), 5);
    assert_value(db, "a\0b", 3, "ab");
    assert_value(db, "a\0c", 3, "ac");
    assert_value(db, "a", 1, "a");
    assert_value(db, "a\0", 2, "a0");
    assert_value(db, "\xff\x00\x80", 3, "hi");
    assert_null(cache_db_lookup(db, "a\0d", 3, NOW));
    assert_int_equal(cache_db_delete(db, "a\0b", 3, NOW), DD_OK);
    assert_value(db, "a\0c", 3, "ac");
    assert_null(cache_db_lookup(db, "a\0b", 3, NOW));
    /* Values are binary too. */
    struct cache_obj *o = cache_obj_new_string(ks, "x\0y", 3);
    assert_int_equal(cache_db_set(db, "v", 1, o, false, NOW, NULL), DD_OK);
    o = cache_db_lookup(db, "v", 1, NOW);
    assert_int_equal(o->len, 3);
    assert_memory_equal(o->ptr, "x\0y", 3);
    cache_keyspace_free(ks);
}

static void test_overwrite_ttl(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 7);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    assert_int_equal(cache_db_set(db, "k", 1, str(ks, "a"), false, NOW, NULL), DD_OK);
    assert_int_equal(cache_expire_set(db, "k", 1, NOW + 5000, NOW), DD_OK);
    assert_int_equal(cache_db_set(db, "k", 1, str(ks, "b"), true, NOW, NULL), DD_OK);
    assert_int_equal(cache_expire_get(db, "k", 1), NOW + 5000);
    assert_value(db, "k", 1, "b");
    assert_int_equal(cache_db_set(db, "k", 1, str(ks, "c"), false, NOW, NULL), DD_OK);
    assert_int_equal(cache_expire_get(db, "k", 1), -1);
    assert_int_equal(cache_db_expires_count(db), 0);
    /* SET on an expired key: a new key, the old TTL must not come back. */
    assert_int_equal(cache_expire_set(db, "k", 1, NOW + 10, NOW), DD_OK);
    assert_int_equal(cache_db_set(db, "k", 1, str(ks, "d"), true, NOW + 10, NULL), DD_OK);
    assert_int_equal(cache_expire_get(db, "k", 1), -1);
    assert_non_null(cache_db_lookup(db, "k", 1, NOW + 100000));
    cache_keyspace_free(ks);
}

static void test_rename(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 9);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    struct events ev = { 0 };
    cache_keyspace_set_listener(ks, on_key, &ev);
    assert_int_equal(cache_db_rename(db, "nope", 4, "x", 1, false, NOW), DD_ENOENT);
    assert_int_equal(cache_db_set(db, "src", 3, str(ks, "v1"), false, NOW, NULL), DD_OK);
    assert_int_equal(cache_expire_set(db, "src", 3, NOW + 100, NOW), DD_OK);
    assert_int_equal(cache_db_rename(db, "src", 3, "dst", 3, false, NOW), DD_OK);
    assert_null(cache_db_lookup(db, "src", 3, NOW));
    assert_value(db, "dst", 3, "v1");
    assert_int_equal(cache_expire_get(db, "dst", 3), NOW + 100);
    assert_int_equal(cache_expire_get(db, "src", 3), -1);
    assert_int_equal(cache_db_count(db), 1);
    assert_int_equal(cache_db_expires_count(db), 1);
    /* Onto an existing key: its value and TTL are replaced. */
    assert_int_equal(cache_db_set(db, "other", 5, str(ks, "v2"), false, NOW, NULL), DD_OK);
    assert_int_equal(cache_db_rename(db, "other", 5, "dst", 3, true, NOW), DD_EEXIST);
    assert_value(db, "other", 5, "v2");
    assert_int_equal(cache_db_rename(db, "other", 5, "dst", 3, false, NOW), DD_OK);
    assert_value(db, "dst", 3, "v2");
    assert_int_equal(cache_expire_get(db, "dst", 3), -1);
    assert_int_equal(cache_db_count(db), 1);
    assert_int_equal(cache_db_expires_count(db), 0);
    assert_int_equal(ev.overwritten, 1);
    /* Same name: RENAME succeeds, RENAMENX says it exists. */
    assert_int_equal(cache_db_rename(db, "dst", 3, "dst", 3, false, NOW), DD_OK);
    assert_int_equal(cache_db_rename(db, "dst", 3, "dst", 3, true, NOW), DD_EEXIST);
    assert_value(db, "dst", 3, "v2");
    /* An expired source is missing; an expired target is free for NX. */
    assert_int_equal(cache_db_set(db, "e", 1, str(ks, "old"), false, NOW, NULL), DD_OK);
    assert_int_equal(cache_expire_set(db, "e", 1, NOW + 1, NOW), DD_OK);
    assert_int_equal(cache_db_rename(db, "e", 1, "z", 1, false, NOW + 1), DD_ENOENT);
    assert_int_equal(cache_db_set(db, "e", 1, str(ks, "old"), false, NOW, NULL), DD_OK);
    assert_int_equal(cache_expire_set(db, "e", 1, NOW + 1, NOW), DD_OK);
    assert_int_equal(cache_db_rename(db, "dst", 3, "e", 1, true, NOW + 1), DD_OK);
    assert_value(db, "e", 1, "v2");
    /* Many renames force resizes in between; values must follow. */
    char a[32], b[32];
    for (int i = 0; i < 200; i++) {
        size_t n = keyname(a, sizeof(a), "r", i);
        assert_int_equal(cache_db_set(db, a, n, str(ks, a), false, NOW, NULL), DD_OK);
    }
    for (int i = 0; i < 200; i++) {
        size_t n = keyname(a, sizeof(a), "r", i), m = keyname(b, sizeof(b), "s", i);
        assert_int_equal(cache_db_rename(db, a, n, b, m, false, NOW), DD_OK);
    }
    for (int i = 0; i < 200; i++) {
        keyname(a, sizeof(a), "r", i);
        size_t m = keyname(b, sizeof(b), "s", i);
        assert_value(db, b, m, a);
    }
    assert_int_equal(cache_db_count(db), 201);
    cache_keyspace_free(ks);
}

static void test_random_key(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 3);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    const void *k;
    size_t kl;
    assert_int_equal(cache_db_random_key(db, NOW, &k, &kl), DD_ENOENT);
    char name[32];
    for (int i = 0; i < 8; i++) {
        size_t n = keyname(name, sizeof(name), "k", i);
        assert_int_equal(cache_db_add(db, name, n, str(ks, "v"), NOW, NULL), DD_OK);
    }
    int hits[8] = { 0 };
    for (int t = 0; t < 800; t++) {
        assert_int_equal(cache_db_random_key(db, NOW, &k, &kl), DD_OK);
        assert_true(kl == 3 && memcmp(k, "k:", 2) == 0);
        int i = ((const char *)k)[2] - '0';
        assert_true(i >= 0 && i < 8);
        hits[i]++;
    }
    for (int i = 0; i < 8; i++)
        assert_true(hits[i] > 20);
    /* Expired keys are reclaimed rather than returned while live keys remain. */
    for (int i = 1; i < 8; i++) {
        size_t n = keyname(name, sizeof(name), "k", i);
        assert_int_equal(cache_expire_set(db, name, n, NOW + 5, NOW), DD_OK);
    }
    for (int t = 0; t < 50; t++) {
        assert_int_equal(cache_db_random_key(db, NOW + 5, &k, &kl), DD_OK);
        assert_memory_equal(k, "k:0", 3);
    }
    assert_int_equal(cache_db_count(db), 1);
    assert_int_equal(cache_keyspace_stats(ks)->expired_keys, 7);
    cache_keyspace_free(ks);
}

static void test_flush_and_memory(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(16, 11);
    size_t base = cache_db_used_memory(ks);
    assert_true(base > 0);
    struct cache_db *db = cache_keyspace_db(ks, 0), *db2 = cache_keyspace_db(ks, 2);
    char name[32];
    for (int i = 0; i < 1000; i++) {
        size_t n = keyname(name, sizeof(name), "key", i);
        assert_int_equal(cache_db_add(db, name, n, str(ks, "some value"), NOW, NULL), DD_OK);
        /* Not monotonic: an add that finishes a rehash frees the old array. */
        assert_true(cache_db_used_memory(ks) >= base + (size_t)(i + 1) * 56);
        if (i % 2)
            assert_int_equal(cache_expire_set(db, name, n, NOW + 1000, NOW), DD_OK);
    }
    /* At least one entry block and a bucket slot per key. */
    assert_true(cache_db_used_memory(ks) > base + 1000 * 64);
    for (int i = 0; i < 1000; i++) {
        size_t n = keyname(name, sizeof(name), "key", i);
        assert_int_equal(cache_db_delete(db, name, n, NOW), DD_OK);
    }
    assert_int_equal(cache_db_count(db), 0);
    assert_int_equal(cache_db_expires_count(db), 0);
    assert_int_equal(cache_db_used_memory(ks), base);

    /* Overwrites free the old value. */
    assert_int_equal(cache_db_set(db, "k", 1, str(ks, "small"), false, NOW, NULL), DD_OK);
    size_t one = cache_db_used_memory(ks);
    char big[4096];
    memset(big, 'x', sizeof(big));
    struct cache_obj *o = cache_obj_new_string(ks, big, sizeof(big));
    assert_int_equal(cache_db_set(db, "k", 1, o, false, NOW, NULL), DD_OK);
    assert_true(cache_db_used_memory(ks) >= one + 4000);
    assert_int_equal(cache_db_set(db, "k", 1, str(ks, "small"), false, NOW, NULL), DD_OK);
    assert_int_equal(cache_db_used_memory(ks), one);

    /* Flush: one db, then all; the listener hears every key. */
    struct events ev = { 0 };
    cache_keyspace_set_listener(ks, on_key, &ev);
    for (int i = 0; i < 100; i++) {
        size_t n = keyname(name, sizeof(name), "f", i);
        assert_int_equal(cache_db_add(db2, name, n, str(ks, "v"), NOW, NULL), DD_OK);
        assert_int_equal(cache_expire_set(db2, name, n, NOW + 1, NOW), DD_OK);
    }
    cache_db_flush(db2);
    assert_int_equal(ev.deleted, 100);
    assert_int_equal(cache_db_count(db2), 0);
    assert_int_equal(cache_db_expires_count(db2), 0);
    assert_int_equal(cache_db_count(db), 1);
    assert_int_equal(cache_db_used_memory(ks), one);
    cache_keyspace_flushall(ks);
    assert_int_equal(ev.deleted, 101);
    assert_int_equal(cache_db_used_memory(ks), base);
    /* Usable after a flush. */
    assert_int_equal(cache_db_add(db2, "again", 5, str(ks, "v"), NOW, NULL), DD_OK);
    assert_value(db2, "again", 5, "v");
    cache_keyspace_free(ks);
}

/* ---- SCAN ---- */

struct scan_seen {
    unsigned char *seen; /* per key index: times reported */
    int n;               /* keys tracked */
    const char *prefix;  /* only keys with this prefix are tracked */
    size_t calls;        /* keys reported overall */
};

static void on_scan(void *ctx, const void *key, size_t klen, struct cache_obj *obj)
{
    struct scan_seen *s = ctx;
    s->calls++;
    size_t pl = strlen(s->prefix);
    if (klen <= pl || memcmp(key, s->prefix, pl) != 0)
        return;
    char buf[32];
    assert_true(klen < sizeof(buf));
    memcpy(buf, key, klen);
    buf[klen] = '\0';
    int i = atoi(buf + pl);
    assert_true(i >= 0 && i < s->n);
    if (s->seen[i] < 255)
        s->seen[i]++;
}

static void fill(struct cache_keyspace *ks, struct cache_db *db, const char *prefix, int from,
                 int to)
{
    char name[32];
    for (int i = from; i < to; i++) {
        int n = snprintf(name, sizeof(name), "%s%d", prefix, i);
        assert_int_equal(cache_db_add(db, name, (size_t)n, str(ks, "v"), NOW, NULL), DD_OK);
    }
}

static void drop(struct cache_db *db, const char *prefix, int from, int to)
{
    char name[32];
    for (int i = from; i < to; i++) {
        int n = snprintf(name, sizeof(name), "%s%d", prefix, i);
        assert_int_equal(cache_db_delete(db, name, (size_t)n, NOW), DD_OK);
    }
}

static void test_scan_plain(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 5);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    unsigned char seen[500] = { 0 };
    struct scan_seen s = { seen, 500, "s:", 0 };
    /* Empty database: one call, cursor 0. */
    assert_int_equal(cache_db_scan(db, 0, 10, NOW, on_scan, &s), 0);
    assert_int_equal(s.calls, 0);
    fill(ks, db, "s:", 0, 500);
    uint64_t cur = 0;
    int steps = 0;
    do {
        cur = cache_db_scan(db, cur, 10, NOW, on_scan, &s);
        steps++;
    } while (cur);
    /* Without resizes every key comes exactly once. */
    for (int i = 0; i < 500; i++)
        assert_int_equal(seen[i], 1);
    assert_int_equal(s.calls, 500);
    assert_true(steps >= 500 / 40);
    /* Expired keys are not reported. */
    assert_int_equal(cache_expire_set(db, "s:7", 3, NOW + 1, NOW), DD_OK);
    memset(seen, 0, sizeof(seen));
    cur = 0;
    do {
        cur = cache_db_scan(db, cur, 1000, NOW + 1, on_scan, &s);
    } while (cur);
    assert_int_equal(seen[7], 0);
    assert_int_equal(seen[8], 1);
    cache_keyspace_free(ks);
}

/* One full iteration with `between` run after every call; returns steps. */
static int scan_all(struct cache_db *db, struct scan_seen *s, size_t count,
                    void (*between)(struct cache_keyspace *, struct cache_db *, int),
                    struct cache_keyspace *ks)
{
    uint64_t cur = 0;
    int step = 0;
    do {
        cur = cache_db_scan(db, cur, count, NOW, on_scan, s);
        if (between)
            between(ks, db, step);
        step++;
        assert_true(step < 100000);
    } while (cur);
    return step;
}

static void grow(struct cache_keyspace *ks, struct cache_db *db, int step)
{
    /* Doubles the table every few calls: 2000 extra keys over 20 calls. */
    if (step < 20)
        fill(ks, db, "g:", step * 100, step * 100 + 100);
}

static void shrink(struct cache_keyspace *ks, struct cache_db *db, int step)
{
    if (step < 30)
        drop(db, "t:", step * 100, step * 100 + 100);
}

static void churn(struct cache_keyspace *ks, struct cache_db *db, int step)
{
    /* Alternately grows a lot and shrinks back, resizing nearly every call. */
    if (step >= 40)
        return;
    if (step % 2 == 0)
        fill(ks, db, "c:", 0, 3000);
    else
        drop(db, "c:", 0, 3000);
}

static void test_scan_guarantee_under_resizes(void **state)
{
    (void)state;
    struct {
        void (*between)(struct cache_keyspace *, struct cache_db *, int);
        size_t count;
    } cases[] = { { grow, 5 },    { grow, 50 }, { shrink, 5 },
                  { shrink, 40 }, { churn, 3 }, { churn, 30 } };
    for (size_t c = 0; c < DD_ARRAY_LEN(cases); c++) {
        struct cache_keyspace *ks = cache_keyspace_new(1, 100 + c);
        struct cache_db *db = cache_keyspace_db(ks, 0);
        unsigned char seen[300] = { 0 };
        struct scan_seen s = { seen, 300, "p:", 0 };
        fill(ks, db, "p:", 0, 300);
        if (cases[c].between == shrink)
            fill(ks, db, "t:", 0, 3000);
        int steps = scan_all(db, &s, cases[c].count, cases[c].between, ks);
        for (int i = 0; i < 300; i++) {
            if (seen[i] == 0)
                fail_msg("case %zu: key p:%d never returned (%d steps)", c, i, steps);
        }
        cache_keyspace_free(ks);
    }
}

/* ---- entries: inline values, stable addresses ---- */

static int payload_frees;

static void count_free(struct cache_keyspace *ks, void *ptr)
{
    payload_frees++;
    cache_mem_free(ks, ptr);
}

static void test_inline_values(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 21);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    size_t base = cache_db_used_memory(ks);
    struct cache_obj *st = NULL;

    /* A short string lives in the entry: no payload block of its own. */
    assert_int_equal(cache_db_set(db, "k", 1, str(ks, "value"), false, NOW, &st), DD_OK);
    assert_non_null(st);
    assert_null(st->free);
    assert_ptr_equal(st, cache_db_lookup(db, "k", 1, NOW));
    assert_true((const char *)st->ptr > (const char *)st &&
                (const char *)st->ptr < (const char *)st + 128);
    assert_memory_equal(st->ptr, "value", 5);

    /* The address survives thousands of other keys coming and going. */
    char name[32];
    for (int i = 0; i < 5000; i++) {
        size_t n = keyname(name, sizeof(name), "o", i);
        assert_int_equal(cache_db_set_string(db, name, n, "x", 1, false, NOW, NULL), DD_OK);
    }
    for (int i = 0; i < 5000; i++) {
        size_t n = keyname(name, sizeof(name), "o", i);
        assert_int_equal(cache_db_delete(db, name, n, NOW), DD_OK);
    }
    assert_ptr_equal(st, cache_db_lookup(db, "k", 1, NOW));

    /* Overwrites of every shape, TTL kept: short -> long -> short -> empty. */
    assert_int_equal(cache_expire_set(db, "k", 1, NOW + 500, NOW), DD_OK);
    char big[4096];
    memset(big, 'b', sizeof(big));
    assert_int_equal(cache_db_set_string(db, "k", 1, big, sizeof(big), true, NOW, &st), DD_OK);
    assert_non_null(st->free);
    assert_int_equal(st->len, sizeof(big));
    assert_memory_equal(cache_db_lookup(db, "k", 1, NOW)->ptr, big, sizeof(big));
    assert_int_equal(cache_expire_get(db, "k", 1), NOW + 500);
    char mid[100];
    memset(mid, 'm', sizeof(mid));
    assert_int_equal(cache_db_set_string(db, "k", 1, mid, sizeof(mid), true, NOW, &st), DD_OK);
    assert_null(st->free);
    assert_value(db, "k", 1,
                 "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm"
                 "mmmmmmmmmmmmmmmmmmmmmmmmmm");
    /* From its own bytes (GETRANGE-then-SET style): a prefix of the old value. */
    assert_int_equal(cache_db_set_string(db, "k", 1, st->ptr, 3, true, NOW, &st), DD_OK);
    assert_value(db, "k", 1, "mmm");
    assert_int_equal(cache_db_set_string(db, "k", 1, "", 0, true, NOW, &st), DD_OK);
    assert_value(db, "k", 1, "");
    assert_int_equal(cache_expire_get(db, "k", 1), NOW + 500);
    /* The TTL slot follows a moved entry: active expiry still reclaims it. */
    assert_int_equal(cache_expire_cycle(db, NOW + 500, 100), 1);
    assert_int_equal(cache_db_count(db), 0);
    assert_int_equal(cache_db_used_memory(ks), base);

    /* Storing the stored object again is a no-op overwrite. */
    assert_int_equal(cache_db_set_string(db, "s", 1, "abc", 3, false, NOW, &st), DD_OK);
    struct cache_obj *again = NULL;
    assert_int_equal(cache_db_set(db, "s", 1, st, true, NOW, &again), DD_OK);
    assert_ptr_equal(again, st);
    assert_value(db, "s", 1, "abc");

    /* Containers keep their payload; it is freed once, on overwrite or delete. */
    payload_frees = 0;
    void *payload = cache_mem_alloc(ks, 64);
    struct cache_obj *c = cache_obj_new(ks, CACHE_TYPE_HASH, payload, count_free);
    assert_non_null(c);
    assert_int_equal(cache_db_add(db, "h", 1, c, NOW, &st), DD_OK);
    assert_ptr_equal(st->ptr, payload);
    assert_int_equal(st->type, CACHE_TYPE_HASH);
    assert_int_equal(payload_frees, 0);
    assert_int_equal(cache_db_rename(db, "h", 1, "h2", 2, false, NOW), DD_OK);
    assert_int_equal(payload_frees, 0);
    assert_ptr_equal(cache_db_lookup(db, "h2", 2, NOW)->ptr, payload);
    assert_int_equal(cache_db_set(db, "h2", 2, str(ks, "now a string"), false, NOW, NULL), DD_OK);
    assert_int_equal(payload_frees, 1);
    c = cache_obj_new(ks, CACHE_TYPE_SET, cache_mem_alloc(ks, 10), count_free);
    assert_int_equal(cache_db_add(db, "z", 1, c, NOW, NULL), DD_OK);
    cache_db_flush(db);
    assert_int_equal(payload_frees, 2);
    assert_int_equal(cache_db_used_memory(ks), base);

    /* A string with a free function of its own (a type module's block, with
     * state beside the bytes) is stored as it is, not copied inline, and
     * survives a rename and a flush with its block freed once. */
    payload_frees = 0;
    char *own = cache_mem_alloc(ks, 16);
    memcpy(own, "hdr:abc", 7);
    struct cache_obj *so = cache_obj_new(ks, CACHE_TYPE_STRING, own, count_free);
    so->len = 3;
    so->ptr = own + 4;
    assert_int_equal(cache_db_set(db, "t", 1, so, false, NOW, &st), DD_OK);
    assert_ptr_equal(st->ptr, own + 4);
    assert_ptr_equal(st->free, count_free);
    assert_int_equal(cache_db_rename(db, "t", 1, "t2", 2, false, NOW), DD_OK);
    st = cache_db_lookup(db, "t2", 2, NOW);
    assert_ptr_equal(st->ptr, own + 4);
    assert_value(db, "t2", 2, "abc");
    st->ptr = own; /* count_free frees the block start */
    assert_int_equal(cache_db_delete(db, "t2", 2, NOW), DD_OK);
    assert_int_equal(payload_frees, 1);
    /* Rename of inline strings, short and long keys. */
    assert_int_equal(cache_db_set_string(db, "i", 1, "inline", 6, false, NOW, NULL), DD_OK);
    assert_int_equal(
        cache_db_rename(db, "i", 1, "a-much-longer-key-name-than-before", 34, false, NOW), DD_OK);
    assert_value(db, "a-much-longer-key-name-than-before", 34, "inline");
    assert_int_equal(
        cache_db_rename(db, "a-much-longer-key-name-than-before", 34, "j", 1, false, NOW), DD_OK);
    assert_value(db, "j", 1, "inline");
    assert_null(cache_db_lookup(db, "j", 1, NOW)->free);
    cache_db_flush(db);
    assert_int_equal(cache_db_used_memory(ks), base);

    /* Unstored objects free cleanly (ASan checks the blocks). */
    cache_obj_free(ks, str(ks, "short"));
    cache_obj_free(ks, cache_obj_new_string(ks, big, sizeof(big)));
    cache_obj_free(ks, NULL);
    assert_int_equal(cache_db_used_memory(ks), base);
    cache_keyspace_free(ks);
}

static void test_mem_realloc(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 1);
    size_t base = cache_db_used_memory(ks);
    char *p = cache_mem_realloc(ks, NULL, 10);
    assert_non_null(p);
    memcpy(p, "0123456789", 10);
    assert_true(cache_db_used_memory(ks) >= base + 10);
    p = cache_mem_realloc(ks, p, 5000);
    assert_non_null(p);
    assert_memory_equal(p, "0123456789", 10);
    assert_true(cache_db_used_memory(ks) >= base + 5000);
    p = cache_mem_realloc(ks, p, 20);
    assert_true(cache_db_used_memory(ks) < base + 5000);
    cache_mem_free(ks, p);
    assert_int_equal(cache_db_used_memory(ks), base);
    cache_keyspace_free(ks);
}

/* ---- the access clock ---- */

static void test_lru_clock(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 1);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    struct cache_obj *o;
    assert_int_equal(cache_db_set_string(db, "k", 1, "v", 1, false, NOW, &o), DD_OK);
    assert_int_equal(cache_obj_idle_ms(ks, o, NOW), 0);
    /* One-second resolution. */
    assert_int_equal(cache_obj_idle_ms(ks, o, NOW + 999), 0);
    assert_int_equal(cache_obj_idle_ms(ks, o, NOW + 5500), 5000);
    /* NOTOUCH reads leave it; ordinary lookups reset it. */
    o = cache_db_lookup_flags(db, "k", 1, NOW + 5500, CACHE_LOOKUP_NOTOUCH);
    assert_int_equal(cache_obj_idle_ms(ks, o, NOW + 5500), 5000);
    o = cache_db_lookup(db, "k", 1, NOW + 5500);
    assert_int_equal(cache_obj_idle_ms(ks, o, NOW + 7000), 2000);
    /* An overwrite is a new object: idle from now. */
    assert_int_equal(cache_db_set_string(db, "k", 1, "w", 1, false, NOW + 9000, &o), DD_OK);
    assert_int_equal(cache_obj_idle_ms(ks, o, NOW + 9000), 0);
    /* The 24-bit clock wraps every 2^24 s; idle time is wrap-aware, with
     * estimateObjectIdleTime's arithmetic (LRU_CLOCK_MAX - lru, one short). */
    const int64_t wrap = (int64_t)(1 << 24) * 1000;
    int64_t t = (NOW / wrap + 1) * wrap - 1000; /* clock = 2^24 - 1 */
    assert_int_equal(cache_db_set_string(db, "w", 1, "v", 1, false, t, &o), DD_OK);
    assert_int_equal(cache_obj_idle_ms(ks, o, t + 10000), 9000);
    cache_keyspace_free(ks);
}

static void test_lfu_counter(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 1);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    struct cache_obj *o;
    /* Factor 0: every hit counts, so the arithmetic is exact. */
    cache_keyspace_set_lfu(ks, true, 0, 1);
    assert_int_equal(cache_db_set_string(db, "k", 1, "v", 1, false, NOW, &o), DD_OK);
    assert_int_equal(cache_obj_lfu_freq(ks, o, NOW), 5); /* LFU_INIT_VAL */
    for (int i = 0; i < 10; i++)
        (void)cache_db_lookup(db, "k", 1, NOW);
    o = cache_db_lookup_flags(db, "k", 1, NOW, CACHE_LOOKUP_NOTOUCH);
    assert_int_equal(cache_obj_lfu_freq(ks, o, NOW), 15);
    /* Decay: one per lfu-decay-time minute idle, floored at 0. */
    assert_int_equal(cache_obj_lfu_freq(ks, o, NOW + 3 * 60000), 12);
    assert_int_equal(cache_obj_lfu_freq(ks, o, NOW + 60 * 60000), 0);
    /* SET over it keeps the history (dbSetValue copies lru in LFU mode). */
    assert_int_equal(cache_db_set_string(db, "k", 1, "w", 1, false, NOW, &o), DD_OK);
    assert_int_equal(cache_obj_lfu_freq(ks, o, NOW), 15);
    /* Saturates at 255. */
    for (int i = 0; i < 300; i++)
        (void)cache_db_lookup(db, "k", 1, NOW);
    assert_int_equal(cache_obj_lfu_freq(ks, o, NOW), 255);
    /* Decay time 0: never decays. */
    cache_keyspace_set_lfu(ks, true, 0, 0);
    assert_int_equal(cache_obj_lfu_freq(ks, o, NOW + 600 * 60000), 255);
    /* The default factor 10 grows logarithmically: far fewer than the hits. */
    cache_keyspace_set_lfu(ks, true, 10, 1);
    assert_int_equal(cache_db_set_string(db, "f", 1, "v", 1, false, NOW, &o), DD_OK);
    for (int i = 0; i < 1000; i++)
        (void)cache_db_lookup(db, "f", 1, NOW);
    o = cache_db_lookup_flags(db, "f", 1, NOW, CACHE_LOOKUP_NOTOUCH);
    unsigned f = cache_obj_lfu_freq(ks, o, NOW);
    assert_true(f > 10 && f < 40);
    /* Back to LRU: a new key is stamped with the second. */
    cache_keyspace_set_lfu(ks, false, 10, 1);
    assert_int_equal(cache_db_set_string(db, "l", 1, "v", 1, false, NOW, &o), DD_OK);
    assert_int_equal(cache_obj_idle_ms(ks, o, NOW + 2000), 2000);
    cache_keyspace_free(ks);
}

/* ---- sampling and eviction primitives ---- */

struct sampled {
    size_t calls, with_ttl;
    int64_t min_when;
};

static void on_sample(void *ctx, const void *key, size_t klen, struct cache_obj *obj,
                      int64_t when_ms)
{
    struct sampled *s = ctx;
    assert_non_null(obj);
    assert_true(klen >= 2 && (memcmp(key, "v:", 2) == 0 || memcmp(key, "p:", 2) == 0));
    /* Keys named v: carry a TTL, p: do not. */
    assert_true((memcmp(key, "v:", 2) == 0) == (when_ms >= 0));
    s->calls++;
    if (when_ms >= 0) {
        s->with_ttl++;
        assert_true(when_ms >= NOW + 1000);
    }
}

static void test_sample_and_evict_key(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(2, 4);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    struct events ev = { 0 };
    cache_keyspace_set_listener(ks, on_key, &ev);
    struct sampled s = { 0 };
    assert_int_equal(cache_db_sample(db, false, 5, on_sample, &s), 0);
    assert_int_equal(cache_db_sample(db, true, 5, on_sample, &s), 0);
    char name[32];
    for (int i = 0; i < 300; i++) {
        size_t n = keyname(name, sizeof(name), i % 3 ? "p" : "v", i);
        assert_int_equal(cache_db_set_string(db, name, n, "v", 1, false, NOW, NULL), DD_OK);
        if (i % 3 == 0)
            assert_int_equal(cache_expire_set(db, name, n, NOW + 1000 + i, NOW), DD_OK);
    }
    /* Volatile only: every sample has a TTL. */
    for (int r = 0; r < 50; r++)
        assert_int_equal(cache_db_sample(db, true, 5, on_sample, &s), 5);
    assert_int_equal(s.calls, 250);
    assert_int_equal(s.with_ttl, 250);
    /* All keys: both kinds, about in proportion. */
    memset(&s, 0, sizeof(s));
    for (int r = 0; r < 200; r++)
        assert_int_equal(cache_db_sample(db, false, 5, on_sample, &s), 5);
    assert_int_equal(s.calls, 1000);
    assert_true(s.with_ttl > 200 && s.with_ttl < 470);
    /* n larger than the table: each key once. */
    memset(&s, 0, sizeof(s));
    assert_int_equal(cache_db_sample(db, true, 1000, on_sample, &s), 100);
    assert_int_equal(s.with_ttl, 100);

    /* Evicting: counted, heard as EVICTED, TTL gone with the key. */
    assert_int_equal(cache_db_evict_key(db, "v:0", 3), DD_OK);
    assert_int_equal(cache_db_evict_key(db, "v:0", 3), DD_ENOENT);
    assert_int_equal(cache_db_evict_key(db, "p:1", 3), DD_OK);
    assert_int_equal(ev.evicted, 2);
    assert_int_equal(ev.deleted, 0);
    assert_int_equal(cache_keyspace_stats(ks)->evicted_keys, 2);
    assert_int_equal(cache_keyspace_stats(ks)->expired_keys, 0);
    assert_int_equal(cache_db_count(db), 298);
    assert_int_equal(cache_db_expires_count(db), 99);
    assert_null(cache_db_lookup(db, "v:0", 3, NOW));
    cache_keyspace_free(ks);
}

/* ---- incremental rehash ---- */

static void test_incremental_rehash(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 8);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    char name[32];
    /* 4096 keys fill a 4096-bucket table; the next one starts a rehash to 8192. */
    fill(ks, db, "r:", 0, 4097);
    assert_true(cache_keyspace_rehash_step(ks, 0));
    /* Mid-rehash every key is found, random keys and samples come from both
     * arrays, and a SCAN done entirely mid-rehash reports every key. */
    for (int i = 0; i < 4097; i += 7) {
        int n = snprintf(name, sizeof(name), "r:%d", i);
        assert_non_null(cache_db_lookup_flags(db, name, (size_t)n, NOW, CACHE_LOOKUP_NOTOUCH));
    }
    unsigned char seen[4097] = { 0 };
    struct scan_seen s = { seen, 4097, "r:", 0 };
    uint64_t cur = 0;
    do {
        cur = cache_db_scan(db, cur, 50, NOW, on_scan, &s);
    } while (cur);
    for (int i = 0; i < 4097; i++)
        if (!seen[i])
            fail_msg("r:%d not reported mid-rehash", i);
    const void *k;
    size_t kl;
    for (int i = 0; i < 100; i++) {
        assert_int_equal(cache_db_random_key(db, NOW, &k, &kl), DD_OK);
        assert_memory_equal(k, "r:", 2);
    }
    /* The cron finishes it; afterwards no work is pending. */
    while (cache_keyspace_rehash_step(ks, 1000))
        ;
    assert_false(cache_keyspace_rehash_step(ks, 1000));
    /* Mass delete: the shrink is incremental too, and the table is freed
     * outright when the last key goes. */
    size_t base_one = cache_db_used_memory(ks);
    drop(db, "r:", 0, 4000);
    assert_true(cache_db_used_memory(ks) < base_one);
    for (int i = 4000; i < 4097; i++) {
        int n = snprintf(name, sizeof(name), "r:%d", i);
        assert_non_null(cache_db_lookup(db, name, (size_t)n, NOW));
    }
    while (cache_keyspace_rehash_step(ks, 1000))
        ;
    assert_int_equal(cache_db_count(db), 97);
    cache_keyspace_free(ks);
}

/* SCAN with the table rehashing between calls: lookups move buckets, the
 * cron moves many, inserts and deletes start new resizes mid-iteration. */
static void lookups(struct cache_keyspace *ks, struct cache_db *db, int step)
{
    char name[32];
    for (int i = 0; i < 50; i++) {
        int n = snprintf(name, sizeof(name), "p:%d", (step * 50 + i) % 300);
        (void)cache_db_lookup(db, name, (size_t)n, NOW);
    }
    if (step % 5 == 0)
        (void)cache_keyspace_rehash_step(ks, 0);
}

static void grow_midrehash(struct cache_keyspace *ks, struct cache_db *db, int step)
{
    if (step < 40)
        fill(ks, db, "g:", step * 200, step * 200 + 200);
    lookups(ks, db, step);
}

static void shrink_midrehash(struct cache_keyspace *ks, struct cache_db *db, int step)
{
    if (step < 30)
        drop(db, "t:", step * 100, step * 100 + 100);
    lookups(ks, db, step);
}

static void test_scan_guarantee_mid_rehash(void **state)
{
    (void)state;
    struct {
        void (*between)(struct cache_keyspace *, struct cache_db *, int);
        size_t count;
        int extra; /* t: keys added first, for the shrinking case */
    } cases[] = { { lookups, 7, 2000 },
                  { grow_midrehash, 3, 0 },
                  { grow_midrehash, 40, 0 },
                  { shrink_midrehash, 4, 3000 },
                  { shrink_midrehash, 60, 3000 } };
    for (size_t c = 0; c < DD_ARRAY_LEN(cases); c++) {
        struct cache_keyspace *ks = cache_keyspace_new(1, 300 + c);
        struct cache_db *db = cache_keyspace_db(ks, 0);
        unsigned char seen[300] = { 0 };
        struct scan_seen s = { seen, 300, "p:", 0 };
        fill(ks, db, "p:", 0, 300);
        fill(ks, db, "t:", 0, cases[c].extra);
        /* Start mid-rehash where the table has just grown. */
        fill(ks, db, "x:", 0, 4096 - 300 - cases[c].extra + 1);
        int steps = scan_all(db, &s, cases[c].count, cases[c].between, ks);
        for (int i = 0; i < 300; i++) {
            if (seen[i] == 0)
                fail_msg("case %zu: key p:%d never returned (%d steps)", c, i, steps);
        }
        cache_keyspace_free(ks);
    }
}

/* ---- randomized check against a model ---- */

#define MODEL_KEYS 200

struct model_key {
    bool live;
    char val[24];
    int64_t when; /* -1 none */
};

static uint64_t model_rng = 88172645463325252ULL;

static uint64_t model_rand(void)
{
    model_rng ^= model_rng << 13;
    model_rng ^= model_rng >> 7;
    model_rng ^= model_rng << 17;
    return model_rng;
}

/* The model's view of key i at time now: dead once its TTL passed. */
static bool model_live(struct model_key *m, int64_t now)
{
    if (m->live && m->when >= 0 && m->when <= now)
        m->live = false;
    return m->live;
}

static void test_random_ops_against_model(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 99);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    size_t base = cache_db_used_memory(ks);
    static struct model_key m[MODEL_KEYS];
    memset(m, 0, sizeof(m));
    int64_t now = NOW;
    char name[32], name2[32];
    for (int step = 0; step < 60000; step++) {
        int i = (int)(model_rand() % MODEL_KEYS);
        size_t n = keyname(name, sizeof(name), "m", i);
        int op = (int)(model_rand() % 10);
        if (op == 0) {
            now += (int64_t)(model_rand() % 50);
        } else if (op <= 2) { /* SET, sometimes KEEPTTL, value lengths across the inline limit */
            bool keep = model_rand() % 3 == 0;
            size_t vl = (size_t)(model_rand() % 23);
            char v[200];
            memset(v, 'a' + (char)(model_rand() % 26), sizeof(v));
            bool big = model_rand() % 8 == 0;
            assert_int_equal(
                cache_db_set_string(db, name, n, v, big ? sizeof(v) : vl, keep, now, NULL), DD_OK);
            bool was = model_live(&m[i], now);
            m[i].live = true;
            memcpy(m[i].val, v, vl);
            m[i].val[vl] = '\0';
            if (big)
                m[i].val[0] = '*'; /* marker: long value of v[0] */
            if (big)
                m[i].val[1] = v[0];
            if (!(keep && was))
                m[i].when = -1;
        } else if (op == 3) {
            int rc = cache_db_delete(db, name, n, now);
            assert_int_equal(rc, model_live(&m[i], now) ? DD_OK : DD_ENOENT);
            m[i].live = false;
        } else if (op == 4) {
            int64_t when = now + (int64_t)(model_rand() % 200);
            int rc = cache_expire_set(db, name, n, when, now);
            assert_int_equal(rc, model_live(&m[i], now) ? DD_OK : DD_ENOENT);
            if (rc == DD_OK)
                m[i].when = when;
        } else if (op == 5) { /* PERSIST: lookupKeyWrite first, then the removal */
            (void)cache_db_lookup(db, name, n, now);
            bool had = model_live(&m[i], now) && m[i].when >= 0;
            assert_int_equal(cache_expire_remove(db, name, n), had ? DD_OK : DD_ENOENT);
            m[i].when = -1;
        } else if (op == 6) {
            int j = (int)(model_rand() % MODEL_KEYS);
            size_t n2 = keyname(name2, sizeof(name2), "m", j);
            bool nx = model_rand() % 2;
            bool sl = model_live(&m[i], now), dl = model_live(&m[j], now);
            int rc = cache_db_rename(db, name, n, name2, n2, nx, now);
            if (!sl)
                assert_int_equal(rc, DD_ENOENT);
            else if (i == j)
                assert_int_equal(rc, nx ? DD_EEXIST : DD_OK);
            else if (nx && dl)
                assert_int_equal(rc, DD_EEXIST);
            else {
                assert_int_equal(rc, DD_OK);
                m[j] = m[i];
                m[i].live = false;
            }
        } else if (op == 7) {
            (void)cache_expire_cycle(db, now, 30);
        } else {
            struct cache_obj *o = cache_db_lookup(db, name, n, now);
            if (!model_live(&m[i], now)) {
                assert_null(o);
                continue;
            }
            assert_non_null(o);
            if (m[i].val[0] == '*') {
                assert_int_equal(o->len, 200);
                assert_int_equal(((const char *)o->ptr)[199], m[i].val[1]);
            } else {
                assert_int_equal(o->len, strlen(m[i].val));
                assert_memory_equal(o->ptr, m[i].val, o->len);
            }
            assert_int_equal(cache_expire_get(db, name, n), m[i].when);
        }
        if (step % 1000 == 0) {
            /* Counts: stored keys include due ones not yet reclaimed. */
            size_t live = 0, vol = 0;
            for (int k = 0; k < MODEL_KEYS; k++) {
                if (model_live(&m[k], now)) {
                    live++;
                    vol += m[k].when >= 0;
                }
            }
            assert_true(cache_db_count(db) >= live);
            assert_true(cache_db_expires_count(db) >= vol);
            assert_true(cache_db_expires_count(db) <= cache_db_count(db));
        }
    }
    /* Reclaim everything due, then the counts are exact. */
    now += 1000;
    while (cache_expire_cycle(db, now, 1000))
        ;
    size_t live = 0;
    for (int k = 0; k < MODEL_KEYS; k++)
        live += model_live(&m[k], now);
    assert_int_equal(cache_db_count(db), live);
    assert_int_equal(cache_db_expires_count(db), 0);
    cache_db_flush(db);
    assert_int_equal(cache_db_used_memory(ks), base);
    cache_keyspace_free(ks);
}

/* ---- out of memory ---- */

/* Each case: a setup, then an operation retried with the 1st, 2nd, ...
 * allocation failing until it succeeds. A failure must leave the keyspace
 * exactly as it was (same used_memory, same value and TTL). */
static void oom_setup(struct cache_keyspace *ks, struct cache_db *db)
{
    assert_int_equal(cache_db_set_string(db, "a", 1, "short", 5, false, NOW, NULL), DD_OK);
    assert_int_equal(cache_expire_set(db, "a", 1, NOW + 100, NOW), DD_OK);
    /* 8 keys: the table (8 buckets) is full; 1 TTL of an array of 4. */
    for (int i = 0; i < 7; i++) {
        char name[8];
        size_t n = keyname(name, sizeof(name), "f", i);
        assert_int_equal(cache_db_set_string(db, name, n, "v", 1, false, NOW, NULL), DD_OK);
    }
    (void)ks;
}

static int oom_add_new(struct cache_keyspace *ks, struct cache_db *db)
{
    /* The table is full: growth is attempted. */
    struct cache_obj *o = cache_obj_new_string(ks, "new", 3);
    if (!o)
        return DD_ENOMEM;
    int rc = cache_db_add(db, "n", 1, o, NOW, NULL);
    if (rc != DD_OK)
        cache_obj_free(ks, o);
    return rc;
}

static int oom_set_grow(struct cache_keyspace *ks, struct cache_db *db)
{
    (void)ks;
    char v[120];
    memset(v, 'g', sizeof(v));
    return cache_db_set_string(db, "a", 1, v, sizeof(v), true, NOW, NULL);
}

static int oom_set_big(struct cache_keyspace *ks, struct cache_db *db)
{
    (void)ks;
    char v[1000];
    memset(v, 'B', sizeof(v));
    return cache_db_set_string(db, "a", 1, v, sizeof(v), true, NOW, NULL);
}

static int oom_rename(struct cache_keyspace *ks, struct cache_db *db)
{
    (void)ks;
    return cache_db_rename(db, "a", 1, "renamed-to-a-longer-name", 24, false, NOW);
}

static int oom_ttl(struct cache_keyspace *ks, struct cache_db *db)
{
    (void)ks;
    /* The TTL array holds 1 of 4 slots; the 5th TTL grows it. */
    for (int i = 0; i < 4; i++) {
        char name[8];
        size_t n = keyname(name, sizeof(name), "f", i);
        int rc = cache_expire_set(db, name, n, NOW + 50, NOW);
        if (rc != DD_OK)
            return rc;
    }
    return cache_expire_set(db, "n", 1, NOW + 50, NOW) == DD_ENOENT ? DD_OK : DD_ERR;
}

static void test_out_of_memory(void **state)
{
    (void)state;
    struct {
        const char *name;
        int (*op)(struct cache_keyspace *, struct cache_db *);
    } cases[] = {
        { "add into a full table", oom_add_new },
        { "overwrite with a value that outgrows the entry", oom_set_grow },
        { "overwrite with a long string", oom_set_big },
        { "rename", oom_rename },
        { "ttl array growth", oom_ttl },
    };
    for (size_t c = 0; c < DD_ARRAY_LEN(cases); c++) {
        bool done = false, failed = false;
        for (unsigned fail = 1; fail < 10 && !done; fail++) {
            struct cache_keyspace *ks = cache_keyspace_new(1, 5);
            struct cache_db *db = cache_keyspace_db(ks, 0);
            oom_setup(ks, db);
            size_t mem = cache_db_used_memory(ks);
            cache_mem_fail_after(ks, fail);
            int rc = cases[c].op(ks, db);
            cache_mem_fail_after(ks, 0);
            if (rc == DD_OK) {
                done = true;
            } else {
                failed = true;
                if (rc != DD_ENOMEM)
                    fail_msg("%s, allocation %u failing: rc %d", cases[c].name, fail, rc);
                if (cache_db_used_memory(ks) != mem)
                    fail_msg("%s, allocation %u failing: memory changed", cases[c].name, fail);
                assert_value(db, "a", 1, "short");
                assert_int_equal(cache_expire_get(db, "a", 1), NOW + 100);
                assert_int_equal(cache_db_count(db), 8);
            }
            /* Whatever happened, the table is consistent. */
            for (int i = 0; i < 7; i++) {
                char name[8];
                size_t n = keyname(name, sizeof(name), "f", i);
                assert_value(db, name, n, "v");
            }
            cache_keyspace_free(ks);
        }
        if (!done || !failed)
            fail_msg("%s: succeeded %d, failed %d", cases[c].name, done, failed);
    }
    /* A failed table growth is not fatal: the key goes into the old array. */
    struct cache_keyspace *ks = cache_keyspace_new(1, 5);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    oom_setup(ks, db);
    struct cache_obj *o = str(ks, "x");
    cache_mem_fail_after(ks, 1);
    assert_int_equal(cache_db_add(db, "n", 1, o, NOW, NULL), DD_OK);
    assert_int_equal(cache_db_count(db), 9);
    assert_value(db, "n", 1, "x");
    assert_value(db, "a", 1, "short");
    /* Objects: a failing allocation gives NULL and leaks nothing. */
    size_t mem = cache_db_used_memory(ks);
    char big[500] = { 0 };
    for (unsigned fail = 1; fail <= 2; fail++) {
        cache_mem_fail_after(ks, fail);
        assert_null(cache_obj_new_string(ks, big, sizeof(big)));
        assert_int_equal(cache_db_used_memory(ks), mem);
    }
    cache_mem_fail_after(ks, 1);
    assert_null(cache_obj_new(ks, CACHE_TYPE_LIST, NULL, NULL));
    cache_mem_fail_after(ks, 1);
    assert_int_equal(cache_db_set_string(db, "q", 1, big, sizeof(big), false, NOW, NULL),
                     DD_ENOMEM);
    assert_int_equal(cache_db_used_memory(ks), mem);
    cache_keyspace_free(ks);
}

/* ---- used_memory per key: the benchmark's figures ---- */

/* 1,000,000 keys SET key:%08d value (12-byte keys, 5-byte values), then the
 * same with a TTL each. Redis 7.0.15 measures 88.5 and 128.9 bytes a key. */
static void test_memory_per_key(void **state)
{
    (void)state;
    const int n = 1000000;
    for (int ttl = 0; ttl < 2; ttl++) {
        struct cache_keyspace *ks = cache_keyspace_new(16, 1);
        struct cache_db *db = cache_keyspace_db(ks, 0);
        size_t base = cache_db_used_memory(ks);
        char key[32];
        for (int i = 0; i < n; i++) {
            int kl = snprintf(key, sizeof(key), "key:%08d", i);
            struct cache_obj *o = cache_obj_new_string(ks, "value", 5);
            assert_non_null(o);
            if (cache_db_set(db, key, (size_t)kl, o, false, NOW, NULL) != DD_OK)
                fail_msg("set %d", i);
            if (ttl && cache_expire_set(db, key, (size_t)kl, NOW + 3600000, NOW) != DD_OK)
                fail_msg("expire %d", i);
        }
        double per_key = (double)(cache_db_used_memory(ks) - base) / n;
        while (cache_keyspace_rehash_step(ks, 10000))
            ;
        double settled = (double)(cache_db_used_memory(ks) - base) / n;
        print_message("used_memory per key, %s TTL: %.2f bytes (%.2f once rehashed)\n",
                      ttl ? "with" : "without", per_key, settled);
        assert_true(per_key <= (ttl ? 128.0 : 88.0));
        assert_int_equal(cache_db_count(db), n);
        cache_keyspace_free(ks);
    }
}

/* ---- glob ---- */

static void test_glob_table(void **state)
{
    (void)state;
    static const struct {
        const char *pat, *str;
        bool nocase, want;
    } t[] = {
        { "*", "", false, false }, /* empty subject: only the empty pattern */
        { "**", "", false, false },
        { "*", "anything", false, true },
        { "", "", false, true },
        { "", "a", false, false },
        { "a", "", false, false },
        { "h?llo", "hello", false, true },
        { "h?llo", "hllo", false, false },
        { "h*llo", "hllo", false, true },
        { "h*llo", "heeeello", false, true },
        { "h[ae]llo", "hello", false, true },
        { "h[ae]llo", "hallo", false, true },
        { "h[ae]llo", "hillo", false, false },
        { "h[^e]llo", "hallo", false, true },
        { "h[^e]llo", "hello", false, false },
        { "h[a-b]llo", "hbllo", false, true },
        { "h[a-b]llo", "hcllo", false, false },
        { "[b-a]", "a", false, true }, /* backwards range swapped */
        { "[b-a]", "c", false, false },
        { "[^a-c]", "d", false, true },
        { "[^a-c]", "b", false, false },
        { "\\*", "*", false, true },
        { "\\*", "x", false, false },
        { "\\?", "?", false, true },
        { "\\?", "a", false, false },
        { "a\\", "a\\", false, true }, /* trailing backslash is literal */
        { "[\\]]", "]", false, true },
        { "[\\-]", "-", false, true },
        { "[\\-]", "a", false, false },
        { "[a-]", "^", false, true }, /* "a-]" is the range ]..a, class unterminated */
        { "[a-]", "-", false, false },
        { "[a-]", "b", false, false },
        { "[abc", "c", false, true }, /* unterminated class runs to the end */
        { "[abc", "d", false, false },
        { "*a*b*c*", "xxaxxbxxcxx", false, true },
        { "*a*b*c*", "xxaxxcxxbxx", false, false },
        { "a*b", "ab", false, true },
        { "a*b", "abc", false, false },
        { "a*b", "acbcb", false, true },
        { "**a", "bba", false, true },
        { "?*", "", false, false },
        { "a?", "a", false, false },
        { "HeLLo", "hello", true, true },
        { "HeLLo", "hello", false, false },
        { "[A-C]x", "bX", true, true },
        { "[a-c]", "B", false, false },
        { "[\\A]", "a", true, false }, /* escapes inside a class ignore nocase */
        { "[A]", "a", true, true },
        { "\\A", "a", true, true },
        { "*[0-9]", "key9", false, true },
        { "user:*:name", "user:42:name", false, true },
        { "user:*:name", "user:42:nam", false, false },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(t); i++) {
        bool got =
            cache_glob_match(t[i].pat, strlen(t[i].pat), t[i].str, strlen(t[i].str), t[i].nocase);
        if (got != t[i].want)
            fail_msg("glob \"%s\" vs \"%s\": got %d", t[i].pat, t[i].str, got);
    }
    /* Binary safe: NUL bytes in pattern and subject. */
    assert_true(cache_glob_match("a\0*", 3, "a\0zz", 4, false));
    assert_false(cache_glob_match("a\0*", 3, "a\1zz", 4, false));
    assert_true(cache_glob_match("?", 1, "\0", 1, false));
    /* A pathological pattern finishes quickly (no exponential backtracking). */
    char pat[64], s[200];
    memset(pat, 0, sizeof(pat));
    for (int i = 0; i < 30; i++) {
        pat[2 * i] = 'a';
        pat[2 * i + 1] = '*';
    }
    pat[60] = 'b';
    memset(s, 'a', sizeof(s));
    assert_false(cache_glob_match(pat, 61, s, sizeof(s), false));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_databases),
        cmocka_unit_test(test_crud),
        cmocka_unit_test(test_binary_keys),
        cmocka_unit_test(test_overwrite_ttl),
        cmocka_unit_test(test_rename),
        cmocka_unit_test(test_random_key),
        cmocka_unit_test(test_flush_and_memory),
        cmocka_unit_test(test_scan_plain),
        cmocka_unit_test(test_scan_guarantee_under_resizes),
        cmocka_unit_test(test_glob_table),
        cmocka_unit_test(test_inline_values),
        cmocka_unit_test(test_mem_realloc),
        cmocka_unit_test(test_lru_clock),
        cmocka_unit_test(test_lfu_counter),
        cmocka_unit_test(test_sample_and_evict_key),
        cmocka_unit_test(test_incremental_rehash),
        cmocka_unit_test(test_scan_guarantee_mid_rehash),
        cmocka_unit_test(test_random_ops_against_model),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_memory_per_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
