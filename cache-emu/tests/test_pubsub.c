/* Unit tests for cache-emu/pubsub.c: the registry (subscribe and unsubscribe
 * in the three namespaces, duplicates, counts and c->nsubs, names leaving
 * the table with their last subscriber), who receives a published message and
 * in which order (channel subscribers, then matching patterns, shard channels
 * apart), pattern matching, bulk unsubscribe, freeing a client or the whole
 * registry, table growth, and the exact frames a delivery writes for RESP2
 * and RESP3. Clients and the server are plain structs; no sockets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/pubsub.h"
#include "cache-emu/server.h"
#include "common/err.h"

#define NCLIENTS 4

struct fixture {
    struct cache_server srv;
    struct cache_client c[NCLIENTS];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    for (int i = 0; i < NCLIENTS; i++) {
        f->c[i].srv = &f->srv;
        f->c[i].id = (uint64_t)i + 1;
        f->c[i].proto = CACHE_RESP2;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < NCLIENTS; i++) {
        cache_pubsub_client_free(&f->c[i]);
        dd_buf_release(&f->c[i].out);
    }
    cache_pubsub_free_all(&f->srv);
    assert_null(f->srv.pubsub);
    free(f);
    return 0;
}

static int sub(struct cache_client *c, enum cache_pubsub_kind k, const char *name)
{
    return cache_pubsub_subscribe(c, k, name, strlen(name));
}

static int unsub(struct cache_client *c, enum cache_pubsub_kind k, const char *name)
{
    return cache_pubsub_unsubscribe(c, k, name, strlen(name));
}

static size_t numsub(struct fixture *f, enum cache_pubsub_kind k, const char *name)
{
    return cache_pubsub_numsub(&f->srv, k, name, strlen(name));
}

/* ---- a recording delivery callback ---- */

struct rec {
    char log[512]; /* "id:pattern|" per delivery, "-" for no pattern */
    size_t n;
};

static void record(struct cache_client *t, const char *pattern, size_t plen, void *arg)
{
    struct rec *r = arg;
    size_t used = strlen(r->log);
    snprintf(r->log + used, sizeof(r->log) - used, "%llu:%.*s|", (unsigned long long)t->id,
             pattern ? (int)plen : 1, pattern ? pattern : "-");
    r->n++;
}

static size_t receivers(struct fixture *f, bool shard, const char *channel, struct rec *r)
{
    memset(r, 0, sizeof(*r));
    return cache_pubsub_foreach_receiver(&f->srv, shard, channel, strlen(channel), record, r);
}

/* ---- registry ---- */

static void test_subscribe_counts_and_duplicates(void **state)
{
    struct fixture *f = *state;
    struct cache_client *a = &f->c[0];

    assert_int_equal(sub(a, CACHE_PUBSUB_CHANNEL, "news"), 1);
    assert_int_equal(sub(a, CACHE_PUBSUB_CHANNEL, "news"), 0); /* already */
    assert_int_equal(sub(a, CACHE_PUBSUB_CHANNEL, "sport"), 1);
    assert_int_equal(sub(a, CACHE_PUBSUB_PATTERN, "n*"), 1);
    assert_int_equal(sub(a, CACHE_PUBSUB_PATTERN, "n*"), 0);
    assert_int_equal(sub(a, CACHE_PUBSUB_SHARD, "news"), 1); /* its own namespace */

    assert_int_equal(cache_pubsub_client_count(a, CACHE_PUBSUB_CHANNEL), 2);
    assert_int_equal(cache_pubsub_client_count(a, CACHE_PUBSUB_PATTERN), 1);
    assert_int_equal(cache_pubsub_client_count(a, CACHE_PUBSUB_SHARD), 1);
    /* Confirmations: channels + patterns, or shard channels alone. */
    assert_int_equal(cache_pubsub_count(a, CACHE_PUBSUB_CHANNEL), 3);
    assert_int_equal(cache_pubsub_count(a, CACHE_PUBSUB_PATTERN), 3);
    assert_int_equal(cache_pubsub_count(a, CACHE_PUBSUB_SHARD), 1);
    assert_int_equal(a->nsubs, 4);

    assert_int_equal(numsub(f, CACHE_PUBSUB_CHANNEL, "news"), 1);
    assert_int_equal(numsub(f, CACHE_PUBSUB_SHARD, "news"), 1);
    assert_int_equal(numsub(f, CACHE_PUBSUB_PATTERN, "n*"), 1);
    assert_int_equal(numsub(f, CACHE_PUBSUB_CHANNEL, "n*"), 0);
    assert_int_equal(cache_pubsub_numnames(&f->srv, CACHE_PUBSUB_CHANNEL), 2);
    assert_int_equal(cache_pubsub_numnames(&f->srv, CACHE_PUBSUB_PATTERN), 1);
    assert_int_equal(cache_pubsub_numnames(&f->srv, CACHE_PUBSUB_SHARD), 1);
}

static void test_unsubscribe_removes_empty_names(void **state)
{
    struct fixture *f = *state;
    struct cache_client *a = &f->c[0], *b = &f->c[1];

    assert_int_equal(unsub(a, CACHE_PUBSUB_CHANNEL, "x"), 0); /* nothing at all yet */
    assert_int_equal(sub(a, CACHE_PUBSUB_CHANNEL, "x"), 1);
    assert_int_equal(sub(b, CACHE_PUBSUB_CHANNEL, "x"), 1);
    assert_int_equal(numsub(f, CACHE_PUBSUB_CHANNEL, "x"), 2);

    assert_int_equal(unsub(a, CACHE_PUBSUB_CHANNEL, "x"), 1);
    assert_int_equal(unsub(a, CACHE_PUBSUB_CHANNEL, "x"), 0);
    assert_int_equal(unsub(b, CACHE_PUBSUB_PATTERN, "x"), 0); /* other namespace */
    assert_int_equal(numsub(f, CACHE_PUBSUB_CHANNEL, "x"), 1);
    assert_int_equal(a->nsubs, 0);
    assert_null(a->pubsub); /* per-client state goes with the last subscription */
    assert_int_equal(cache_pubsub_numnames(&f->srv, CACHE_PUBSUB_CHANNEL), 1);

    assert_int_equal(unsub(b, CACHE_PUBSUB_CHANNEL, "x"), 1);
    assert_int_equal(numsub(f, CACHE_PUBSUB_CHANNEL, "x"), 0);
    assert_int_equal(cache_pubsub_numnames(&f->srv, CACHE_PUBSUB_CHANNEL), 0);
    assert_int_equal(b->nsubs, 0);

    /* The name can come back. */
    assert_int_equal(sub(b, CACHE_PUBSUB_CHANNEL, "x"), 1);
    assert_int_equal(numsub(f, CACHE_PUBSUB_CHANNEL, "x"), 1);
}

struct unsub_rec {
    char log[256]; /* "name/left " per call */
};

static void on_unsub(struct cache_client *c, const char *name, size_t len, size_t left, void *arg)
{
    struct unsub_rec *u = arg;
    size_t used = strlen(u->log);
    (void)c;
    snprintf(u->log + used, sizeof(u->log) - used, "%.*s/%zu ", (int)len, name, left);
}

static void test_unsubscribe_all_in_subscription_order(void **state)
{
    struct fixture *f = *state;
    struct cache_client *a = &f->c[0], *b = &f->c[1];
    struct unsub_rec u = { "" };

    assert_int_equal(cache_pubsub_unsubscribe_all(a, CACHE_PUBSUB_CHANNEL, on_unsub, &u), 0);
    assert_string_equal(u.log, "");

    sub(a, CACHE_PUBSUB_CHANNEL, "c3");
    sub(a, CACHE_PUBSUB_CHANNEL, "c1");
    sub(a, CACHE_PUBSUB_CHANNEL, "c2");
    sub(a, CACHE_PUBSUB_PATTERN, "p*");
    sub(a, CACHE_PUBSUB_SHARD, "s");
    sub(b, CACHE_PUBSUB_CHANNEL, "c1"); /* keeps c1 alive in the table */

    /* "left" is the confirmation count: channels + patterns. */
    assert_int_equal(cache_pubsub_unsubscribe_all(a, CACHE_PUBSUB_CHANNEL, on_unsub, &u), 3);
    assert_string_equal(u.log, "c3/3 c1/2 c2/1 ");
    assert_int_equal(a->nsubs, 2);
    assert_int_equal(numsub(f, CACHE_PUBSUB_CHANNEL, "c1"), 1);
    assert_int_equal(numsub(f, CACHE_PUBSUB_CHANNEL, "c3"), 0);

    u.log[0] = '\0';
    assert_int_equal(cache_pubsub_unsubscribe_all(a, CACHE_PUBSUB_SHARD, on_unsub, &u), 1);
    assert_string_equal(u.log, "s/0 ");
    u.log[0] = '\0';
    assert_int_equal(cache_pubsub_unsubscribe_all(a, CACHE_PUBSUB_PATTERN, NULL, NULL), 1);
    assert_int_equal(a->nsubs, 0);
    assert_null(a->pubsub);
    assert_int_equal(cache_pubsub_numnames(&f->srv, CACHE_PUBSUB_PATTERN), 0);
}

/* ---- who receives ---- */

static void test_receivers_order_and_count(void **state)
{
    struct fixture *f = *state;
    struct cache_client *a = &f->c[0], *b = &f->c[1], *c = &f->c[2];
    struct rec r;

    sub(b, CACHE_PUBSUB_CHANNEL, "news");
    sub(a, CACHE_PUBSUB_CHANNEL, "news");
    sub(c, CACHE_PUBSUB_PATTERN, "n*");
    sub(a, CACHE_PUBSUB_PATTERN, "*s");
    sub(b, CACHE_PUBSUB_PATTERN, "n*");
    sub(c, CACHE_PUBSUB_SHARD, "news");
    sub(c, CACHE_PUBSUB_PATTERN, "zzz");

    /* Channel subscribers in subscription order, then each matching pattern
     * in creation order with its subscribers in subscription order. A client
     * reached twice counts twice. */
    assert_int_equal(receivers(f, false, "news", &r), 5);
    assert_string_equal(r.log, "2:-|1:-|3:n*|2:n*|1:*s|");
    /* Patterns alone. */
    assert_int_equal(receivers(f, false, "nope", &r), 2);
    assert_string_equal(r.log, "3:n*|2:n*|");
    /* Shard channels: their subscribers only, never patterns. */
    assert_int_equal(receivers(f, true, "news", &r), 1);
    assert_string_equal(r.log, "3:-|");
    assert_int_equal(receivers(f, true, "nope", &r), 0);
    assert_int_equal(receivers(f, false, "other", &r), 0);
    assert_string_equal(r.log, "");
}

static void test_pattern_matching(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *pattern, *channel;
        bool match;
    } cases[] = {
        { "*", "", false }, /* Redis: stringmatchlen("*", "") is 0 */
        { "*", "anything", true },
        { "h?llo", "hello", true },
        { "h?llo", "hllo", false },
        { "h[ae]llo", "hallo", true },
        { "h[ae]llo", "hillo", false },
        { "h[^e]llo", "hallo", true },
        { "h[^e]llo", "hello", false },
        { "h[a-b]llo", "hbllo", true },
        { "news.*", "news.art", true },
        { "news.*", "News.art", false }, /* case matters */
        { "a\\*", "a*", true },
        { "a\\*", "ab", false },
        { "x", "xx", false },
    };
    struct rec r;

    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        assert_int_equal(sub(&f->c[0], CACHE_PUBSUB_PATTERN, cases[i].pattern) >= 0, 1);
        size_t n = receivers(f, false, cases[i].channel, &r);
        char want[64];
        snprintf(want, sizeof(want), "1:%s|", cases[i].pattern);
        if (n != (cases[i].match ? 1u : 0u))
            fail_msg("pattern '%s' channel '%s': %zu receivers", cases[i].pattern, cases[i].channel,
                     n);
        if (cases[i].match)
            assert_string_equal(r.log, want);
        cache_pubsub_unsubscribe_all(&f->c[0], CACHE_PUBSUB_PATTERN, NULL, NULL);
    }
}

static void test_binary_names(void **state)
{
    struct fixture *f = *state;
    struct rec r;
    static const char name[] = { 'a', '\0', 'b' };

    assert_int_equal(cache_pubsub_subscribe(&f->c[0], CACHE_PUBSUB_CHANNEL, name, 3), 1);
    assert_int_equal(cache_pubsub_subscribe(&f->c[0], CACHE_PUBSUB_CHANNEL, "a", 1), 1);
    assert_int_equal(cache_pubsub_numsub(&f->srv, CACHE_PUBSUB_CHANNEL, name, 3), 1);
    memset(&r, 0, sizeof(r));
    assert_int_equal(cache_pubsub_foreach_receiver(&f->srv, false, name, 3, record, &r), 1);
    assert_int_equal(cache_pubsub_unsubscribe(&f->c[0], CACHE_PUBSUB_CHANNEL, name, 3), 1);
    assert_int_equal(cache_pubsub_numsub(&f->srv, CACHE_PUBSUB_CHANNEL, "a", 1), 1);
}

static void collect(const char *name, size_t len, void *arg)
{
    char *out = arg;
    size_t used = strlen(out);
    snprintf(out + used, 128 - used, "%.*s,", (int)len, name);
}

static void test_foreach_name_in_creation_order(void **state)
{
    struct fixture *f = *state;
    char out[128] = "";

    cache_pubsub_foreach_name(&f->srv, CACHE_PUBSUB_CHANNEL, collect, out); /* no registry */
    assert_string_equal(out, "");
    sub(&f->c[0], CACHE_PUBSUB_CHANNEL, "b");
    sub(&f->c[1], CACHE_PUBSUB_CHANNEL, "a");
    sub(&f->c[1], CACHE_PUBSUB_CHANNEL, "c");
    sub(&f->c[2], CACHE_PUBSUB_CHANNEL, "b");
    sub(&f->c[2], CACHE_PUBSUB_SHARD, "s");
    unsub(&f->c[1], CACHE_PUBSUB_CHANNEL, "a");
    cache_pubsub_foreach_name(&f->srv, CACHE_PUBSUB_CHANNEL, collect, out);
    assert_string_equal(out, "b,c,");
    out[0] = '\0';
    cache_pubsub_foreach_name(&f->srv, CACHE_PUBSUB_SHARD, collect, out);
    assert_string_equal(out, "s,");
}

/* ---- lifetime ---- */

static void test_client_free_leaves_others(void **state)
{
    struct fixture *f = *state;
    struct cache_client *a = &f->c[0], *b = &f->c[1];
    struct rec r;

    sub(a, CACHE_PUBSUB_CHANNEL, "x");
    sub(a, CACHE_PUBSUB_PATTERN, "x*");
    sub(a, CACHE_PUBSUB_SHARD, "x");
    sub(b, CACHE_PUBSUB_CHANNEL, "x");
    sub(b, CACHE_PUBSUB_PATTERN, "x*");

    cache_pubsub_client_free(a);
    assert_int_equal(a->nsubs, 0);
    assert_null(a->pubsub);
    assert_int_equal(numsub(f, CACHE_PUBSUB_CHANNEL, "x"), 1);
    assert_int_equal(numsub(f, CACHE_PUBSUB_PATTERN, "x*"), 1);
    assert_int_equal(cache_pubsub_numnames(&f->srv, CACHE_PUBSUB_SHARD), 0);
    assert_int_equal(receivers(f, false, "x", &r), 2);
    assert_string_equal(r.log, "2:-|2:x*|");
    cache_pubsub_client_free(a); /* twice is harmless */
    assert_int_equal(b->nsubs, 2);
}

static void test_free_all_with_subscribers_left(void **state)
{
    struct fixture *f = *state;
    sub(&f->c[0], CACHE_PUBSUB_CHANNEL, "x");
    sub(&f->c[1], CACHE_PUBSUB_PATTERN, "y*");
    cache_pubsub_free_all(&f->srv);
    assert_null(f->srv.pubsub);
    assert_null(f->c[0].pubsub);
    assert_null(f->c[1].pubsub);
    assert_int_equal(f->c[0].nsubs, 0);
    assert_int_equal(f->c[1].nsubs, 0);
    cache_pubsub_free_all(&f->srv); /* NULL state: no-op */
}

static void test_many_names_grow_the_tables(void **state)
{
    struct fixture *f = *state;
    char name[32];
    enum { N = 3000 };

    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "chan:%d", i);
        for (int c = 0; c < NCLIENTS; c++)
            assert_int_equal(sub(&f->c[c], CACHE_PUBSUB_CHANNEL, name), 1);
    }
    assert_int_equal(cache_pubsub_numnames(&f->srv, CACHE_PUBSUB_CHANNEL), N);
    for (int i = 0; i < N; i += 7) {
        snprintf(name, sizeof(name), "chan:%d", i);
        assert_int_equal(numsub(f, CACHE_PUBSUB_CHANNEL, name), NCLIENTS);
        assert_int_equal(sub(&f->c[1], CACHE_PUBSUB_CHANNEL, name), 0);
    }
    for (int i = 0; i < N; i += 2) {
        snprintf(name, sizeof(name), "chan:%d", i);
        assert_int_equal(unsub(&f->c[0], CACHE_PUBSUB_CHANNEL, name), 1);
    }
    assert_int_equal(f->c[0].nsubs, N / 2);
    assert_int_equal(numsub(f, CACHE_PUBSUB_CHANNEL, "chan:2"), NCLIENTS - 1);
    assert_int_equal(numsub(f, CACHE_PUBSUB_CHANNEL, "chan:3"), NCLIENTS);
    /* teardown frees the rest through client_free and free_all */
}

/* ---- delivery frames (to the publisher itself: no other socket) ---- */

static void test_publish_frames(void **state)
{
    struct fixture *f = *state;
    struct cache_client *a = &f->c[0];
    static const struct {
        enum cache_resp_proto proto;
        bool shard;
        const char *expect;
    } cases[] = {
        { CACHE_RESP2, false,
          "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n"
          "*4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$2\r\nhi\r\n" },
        { CACHE_RESP3, false,
          ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n"
          ">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$2\r\nhi\r\n" },
        { CACHE_RESP2, true, "*3\r\n$8\r\nsmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n" },
        { CACHE_RESP3, true, ">3\r\n$8\r\nsmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n" },
    };

    sub(a, CACHE_PUBSUB_CHANNEL, "ch");
    sub(a, CACHE_PUBSUB_PATTERN, "c*");
    sub(a, CACHE_PUBSUB_SHARD, "ch");
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        a->proto = cases[i].proto;
        dd_buf_reset(&a->out);
        size_t n = cache_pubsub_publish(&f->srv, a, cases[i].shard, "ch", 2, "hi", 2);
        assert_int_equal(n, cases[i].shard ? 1 : 2);
        assert_int_equal(a->out.len, strlen(cases[i].expect));
        assert_memory_equal(a->out.data, cases[i].expect, a->out.len);
    }

    /* A client on its way out gets nothing, but still counts. */
    dd_buf_reset(&a->out);
    a->flags |= CACHE_CLIENT_CLOSE_ASAP;
    assert_int_equal(cache_pubsub_publish(&f->srv, a, false, "ch", 2, "hi", 2), 2);
    assert_int_equal(a->out.len, 0);
    a->flags = 0;
    /* Nobody listening. */
    assert_int_equal(cache_pubsub_publish(&f->srv, a, false, "zz", 2, "hi", 2), 0);
    assert_int_equal(a->out.len, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_subscribe_counts_and_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsubscribe_removes_empty_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsubscribe_all_in_subscription_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_receivers_order_and_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pattern_matching, setup, teardown),
        cmocka_unit_test_setup_teardown(test_binary_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreach_name_in_creation_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_free_leaves_others, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_all_with_subscribers_left, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_names_grow_the_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_publish_frames, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
