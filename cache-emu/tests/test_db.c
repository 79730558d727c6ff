/* Unit tests for cache-emu/db.c: keyspace CRUD, binary keys, rename, random
 * key, flush, SCAN's guarantee across resizes, glob matching and used_memory. */
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
    int expired, deleted, overwritten;
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
    assert_int_equal(cache_db_add(d0, "k", 1, str(ks, "zero"), NOW), DD_OK);
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
    assert_int_equal(cache_db_add(db, "a", 1, str(ks, "1"), NOW), DD_OK);
    assert_value(db, "a", 1, "1");
    struct cache_obj *dup = str(ks, "2");
    assert_int_equal(cache_db_add(db, "a", 1, dup, NOW), DD_EEXIST);
    cache_obj_free(ks, dup); /* still the caller's on failure */
    assert_value(db, "a", 1, "1");
    assert_int_equal(cache_db_set(db, "a", 1, str(ks, "3"), false, NOW), DD_OK);
    assert_value(db, "a", 1, "3");
    assert_int_equal(ev.overwritten, 1);
    assert_int_equal(cache_db_set(db, "b", 1, str(ks, "4"), false, NOW), DD_OK);
    assert_int_equal(cache_db_count(db), 2);
    assert_int_equal(cache_db_delete(db, "a", 1, NOW), DD_OK);
    assert_int_equal(ev.deleted, 1);
    assert_string_equal(ev.last, "a");
    assert_int_equal(cache_db_delete(db, "a", 1, NOW), DD_ENOENT);
    assert_int_equal(ev.deleted, 1);
    assert_null(cache_db_lookup(db, "a", 1, NOW));
    assert_int_equal(cache_db_count(db), 1);
    /* Empty key and empty value are legal. */
    assert_int_equal(cache_db_add(db, "", 0, str(ks, ""), NOW), DD_OK);
    assert_value(db, "", 0, "");
    assert_int_equal(cache_db_count(db), 2);
    cache_keyspace_free(ks);
}

static void test_binary_keys(void **state)
{
    (void)state;
    struct cache_keyspace *ks = cache_keyspace_new(1, 7);
    struct cache_db *db = cache_keyspace_db(ks, 0);
    assert_int_equal(cache_db_add(db, "a\0b", 3, str(ks, "ab"), NOW), DD_OK);
    assert_int_equal(cache_db_add(db, "a\0c", 3, str(ks, "ac"), NOW), DD_OK);
    assert_int_equal(cache_db_add(db, "a", 1, str(ks, "a"), NOW), DD_OK);
    assert_int_equal(cache_db_add(db, "a\0", 2, str(ks, "a0"), NOW), DD_OK);
    assert_int_equal(cache_db_add(db, "\xff\x00\x80", 3, str(ks, "hi"), NOW), DD_OK);
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
    assert_int_equal(cache_db_set(db, "v", 1, o, false, NOW), DD_OK);
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
    assert_int_equal(cache_db_set(db, "k", 1, str(ks, "a"), false, NOW), DD_OK);
    assert_int_equal(cache_expire_set(db, "k", 1, NOW + 5000, NOW), DD_OK);
    assert_int_equal(cache_db_set(db, "k", 1, str(ks, "b"), true, NOW), DD_OK);
    assert_int_equal(cache_expire_get(db, "k", 1), NOW + 5000);
    assert_value(db, "k", 1, "b");
    assert_int_equal(cache_db_set(db, "k", 1, str(ks, "c"), false, NOW), DD_OK);
    assert_int_equal(cache_expire_get(db, "k", 1), -1);
    assert_int_equal(cache_db_expires_count(db), 0);
    /* SET on an expired key: a new key, the old TTL must not come back. */
    assert_int_equal(cache_expire_set(db, "k", 1, NOW + 10, NOW), DD_OK);
    assert_int_equal(cache_db_set(db, "k", 1, str(ks, "d"), true, NOW + 10), DD_OK);
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
    assert_int_equal(cache_db_set(db, "src", 3, str(ks, "v1"), false, NOW), DD_OK);
    assert_int_equal(cache_expire_set(db, "src", 3, NOW + 100, NOW), DD_OK);
    assert_int_equal(cache_db_rename(db, "src", 3, "dst", 3, false, NOW), DD_OK);
    assert_null(cache_db_lookup(db, "src", 3, NOW));
    assert_value(db, "dst", 3, "v1");
    assert_int_equal(cache_expire_get(db, "dst", 3), NOW + 100);
    assert_int_equal(cache_expire_get(db, "src", 3), -1);
    assert_int_equal(cache_db_count(db), 1);
    assert_int_equal(cache_db_expires_count(db), 1);
    /* Onto an existing key: its value and TTL are replaced. */
    assert_int_equal(cache_db_set(db, "other", 5, str(ks, "v2"), false, NOW), DD_OK);
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
    assert_int_equal(cache_db_set(db, "e", 1, str(ks, "old"), false, NOW), DD_OK);
    assert_int_equal(cache_expire_set(db, "e", 1, NOW + 1, NOW), DD_OK);
    assert_int_equal(cache_db_rename(db, "e", 1, "z", 1, false, NOW + 1), DD_ENOENT);
    assert_int_equal(cache_db_set(db, "e", 1, str(ks, "old"), false, NOW), DD_OK);
    assert_int_equal(cache_expire_set(db, "e", 1, NOW + 1, NOW), DD_OK);
    assert_int_equal(cache_db_rename(db, "dst", 3, "e", 1, true, NOW + 1), DD_OK);
    assert_value(db, "e", 1, "v2");
    /* Many renames force resizes in between; values must follow. */
    char a[32], b[32];
    for (int i = 0; i < 200; i++) {
        size_t n = keyname(a, sizeof(a), "r", i);
        assert_int_equal(cache_db_set(db, a, n, str(ks, a), false, NOW), DD_OK);
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
        assert_int_equal(cache_db_add(db, name, n, str(ks, "v"), NOW), DD_OK);
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
    size_t prev = base;
    for (int i = 0; i < 1000; i++) {
        size_t n = keyname(name, sizeof(name), "key", i);
        assert_int_equal(cache_db_add(db, name, n, str(ks, "some value"), NOW), DD_OK);
        assert_true(cache_db_used_memory(ks) > prev);
        prev = cache_db_used_memory(ks);
        if (i % 2)
            assert_int_equal(cache_expire_set(db, name, n, NOW + 1000, NOW), DD_OK);
    }
    /* At least key + value + object + entry per key. */
    assert_true(cache_db_used_memory(ks) > base + 1000 * 40);
    for (int i = 0; i < 1000; i++) {
        size_t n = keyname(name, sizeof(name), "key", i);
        assert_int_equal(cache_db_delete(db, name, n, NOW), DD_OK);
    }
    assert_int_equal(cache_db_count(db), 0);
    assert_int_equal(cache_db_expires_count(db), 0);
    assert_int_equal(cache_db_used_memory(ks), base);

    /* Overwrites free the old value. */
    assert_int_equal(cache_db_set(db, "k", 1, str(ks, "small"), false, NOW), DD_OK);
    size_t one = cache_db_used_memory(ks);
    char big[4096];
    memset(big, 'x', sizeof(big));
    struct cache_obj *o = cache_obj_new_string(ks, big, sizeof(big));
    assert_int_equal(cache_db_set(db, "k", 1, o, false, NOW), DD_OK);
    assert_true(cache_db_used_memory(ks) >= one + 4000);
    assert_int_equal(cache_db_set(db, "k", 1, str(ks, "small"), false, NOW), DD_OK);
    assert_int_equal(cache_db_used_memory(ks), one);

    /* Flush: one db, then all; the listener hears every key. */
    struct events ev = { 0 };
    cache_keyspace_set_listener(ks, on_key, &ev);
    for (int i = 0; i < 100; i++) {
        size_t n = keyname(name, sizeof(name), "f", i);
        assert_int_equal(cache_db_add(db2, name, n, str(ks, "v"), NOW), DD_OK);
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
    assert_int_equal(cache_db_add(db2, "again", 5, str(ks, "v"), NOW), DD_OK);
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
        assert_int_equal(cache_db_add(db, name, (size_t)n, str(ks, "v"), NOW), DD_OK);
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
