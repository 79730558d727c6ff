/* Unit tests for cache-emu/t_list.c: pushes and pops at both ends, index
 * edges, LSET / LINSERT / LREM / LTRIM across chunk boundaries, iteration
 * with deletion, rotation, deep copies, binary and large elements, memory
 * back to baseline, and a long random run checked against a plain array. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache-emu/db.h"
#include "cache-emu/t_list.h"
#include "common/err.h"

/* ---- a plain array model of a list ---- */

struct elem {
    char *p;
    size_t n;
};

struct model {
    struct elem *v;
    size_t len, cap;
};

static void model_insert(struct model *m, size_t at, const void *p, size_t n)
{
    if (m->len == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->v = realloc(m->v, m->cap * sizeof(*m->v));
        assert_non_null(m->v);
    }
    memmove(m->v + at + 1, m->v + at, (m->len - at) * sizeof(*m->v));
    m->v[at].p = malloc(n + 1); /* NUL-terminated for atoi() */
    assert_non_null(m->v[at].p);
    if (n)
        memcpy(m->v[at].p, p, n);
    m->v[at].p[n] = '\0';
    m->v[at].n = n;
    m->len++;
}

static void model_erase(struct model *m, size_t at)
{
    free(m->v[at].p);
    memmove(m->v + at, m->v + at + 1, (m->len - at - 1) * sizeof(*m->v));
    m->len--;
}

static void model_free(struct model *m)
{
    for (size_t i = 0; i < m->len; i++)
        free(m->v[i].p);
    free(m->v);
    memset(m, 0, sizeof(*m));
}

/* The list holds exactly the model's elements, read both ways. */
static void assert_same(struct cache_list *l, const struct model *m)
{
    assert_true(cache_list_valid(l));
    assert_int_equal(cache_list_len(l), m->len);
    struct cache_list_iter it;
    const char *p;
    size_t n, i = 0;
    cache_list_iter_init(&it, l, 0, true);
    while (cache_list_iter_next(&it, &p, &n)) {
        assert_true(i < m->len);
        assert_int_equal(n, m->v[i].n);
        assert_memory_equal(p, m->v[i].p, n);
        i++;
    }
    assert_int_equal(i, m->len);
    if (!m->len)
        return;
    cache_list_iter_init(&it, l, m->len - 1, false);
    while (cache_list_iter_next(&it, &p, &n)) {
        i--;
        assert_int_equal(n, m->v[i].n);
        assert_memory_equal(p, m->v[i].p, n);
    }
    assert_int_equal(i, 0);
}

static struct cache_keyspace *new_ks(void)
{
    struct cache_keyspace *ks = cache_keyspace_new(1, 7);
    assert_non_null(ks);
    return ks;
}

static void push_str(struct cache_keyspace *ks, struct cache_list *l, enum cache_list_where w,
                     const char *s)
{
    assert_int_equal(cache_list_push(ks, l, w, s, strlen(s)), DD_OK);
}

static void assert_elem(const char *p, size_t n, const char *want)
{
    assert_int_equal(n, strlen(want));
    assert_memory_equal(p, want, n);
}

/* ---- tests ---- */

static void test_obj_and_encoding(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    size_t base = cache_db_used_memory(ks);
    struct cache_obj *o = cache_list_obj_new(ks);
    assert_non_null(o);
    assert_int_equal(o->type, CACHE_TYPE_LIST);
    assert_ptr_equal(o->free, cache_list_free);
    assert_string_equal(cache_list_encoding(o->ptr), "quicklist");
    assert_int_equal(cache_list_len(o->ptr), 0);
    push_str(ks, o->ptr, CACHE_LIST_TAIL, "a");
    assert_string_equal(cache_list_encoding(o->ptr), "quicklist");
    cache_obj_free(ks, o);
    assert_int_equal(cache_db_used_memory(ks), base);
    cache_list_free(ks, NULL);
    cache_keyspace_free(ks);
}

static void test_push_pop_ends(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    struct cache_list *l = cache_list_new(ks);
    const char *p;
    size_t n;
    assert_int_equal(cache_list_peek(l, CACHE_LIST_HEAD, &p, &n), DD_ENOENT);
    assert_int_equal(cache_list_pop(ks, l, CACHE_LIST_TAIL), DD_ENOENT);
    push_str(ks, l, CACHE_LIST_TAIL, "b");
    push_str(ks, l, CACHE_LIST_HEAD, "a");
    push_str(ks, l, CACHE_LIST_TAIL, "c");
    assert_int_equal(cache_list_len(l), 3);
    assert_int_equal(cache_list_peek(l, CACHE_LIST_HEAD, &p, &n), DD_OK);
    assert_elem(p, n, "a");
    assert_int_equal(cache_list_peek(l, CACHE_LIST_TAIL, &p, &n), DD_OK);
    assert_elem(p, n, "c");
    assert_int_equal(cache_list_pop(ks, l, CACHE_LIST_TAIL), DD_OK);
    assert_int_equal(cache_list_pop(ks, l, CACHE_LIST_HEAD), DD_OK);
    assert_int_equal(cache_list_peek(l, CACHE_LIST_HEAD, &p, &n), DD_OK);
    assert_elem(p, n, "b");
    assert_int_equal(cache_list_pop(ks, l, CACHE_LIST_HEAD), DD_OK);
    assert_int_equal(cache_list_len(l), 0);
    assert_true(cache_list_valid(l));
    /* Many pushes at both ends cross many chunks. */
    struct model m = { 0 };
    char buf[32];
    for (int i = 0; i < 20000; i++) {
        int k = snprintf(buf, sizeof(buf), "v%d", i);
        if (i % 3) {
            push_str(ks, l, CACHE_LIST_HEAD, buf);
            model_insert(&m, 0, buf, (size_t)k);
        } else {
            push_str(ks, l, CACHE_LIST_TAIL, buf);
            model_insert(&m, m.len, buf, (size_t)k);
        }
    }
    assert_same(l, &m);
    for (int i = 0; i < 15000; i++) {
        enum cache_list_where w = i % 2 ? CACHE_LIST_HEAD : CACHE_LIST_TAIL;
        size_t at = w == CACHE_LIST_HEAD ? 0 : m.len - 1;
        assert_int_equal(cache_list_peek(l, w, &p, &n), DD_OK);
        assert_int_equal(n, m.v[at].n);
        assert_memory_equal(p, m.v[at].p, n);
        assert_int_equal(cache_list_pop(ks, l, w), DD_OK);
        model_erase(&m, at);
    }
    assert_same(l, &m);
    model_free(&m);
    cache_list_free(ks, l);
    cache_keyspace_free(ks);
}

/* Index edges, table-driven over a 5-element list "e0".."e4". */
static void test_index_edges(void **state)
{
    (void)state;
    static const struct {
        long long index;
        const char *want; /* NULL: out of range */
    } cases[] = {
        { 0, "e0" },         { 4, "e4" },         { 5, NULL },    { -1, "e4" },
        { -5, "e0" },        { -6, NULL },        { 2, "e2" },    { -3, "e2" },
        { LLONG_MAX, NULL }, { LLONG_MIN, NULL }, { 1000, NULL }, { -1000, NULL },
    };
    struct cache_keyspace *ks = new_ks();
    struct cache_list *l = cache_list_new(ks);
    for (int i = 0; i < 5; i++) {
        char b[16];
        snprintf(b, sizeof(b), "e%d", i);
        push_str(ks, l, CACHE_LIST_TAIL, b);
    }
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *p;
        size_t n;
        int rc = cache_list_index(l, cases[i].index, &p, &n);
        if (!cases[i].want) {
            assert_int_equal(rc, DD_ERANGE);
            assert_int_equal(cache_list_set(ks, l, cases[i].index, "x", 1), DD_ERANGE);
        } else {
            assert_int_equal(rc, DD_OK);
            assert_elem(p, n, cases[i].want);
        }
    }
    const char *p;
    size_t n;
    struct cache_list *empty = cache_list_new(ks);
    assert_int_equal(cache_list_index(empty, 0, &p, &n), DD_ERANGE);
    assert_int_equal(cache_list_index(empty, -1, &p, &n), DD_ERANGE);
    struct cache_list_iter it;
    cache_list_iter_init(&it, empty, 0, true);
    assert_false(cache_list_iter_next(&it, &p, &n));
    cache_list_iter_init(&it, l, 5, true);
    assert_false(cache_list_iter_next(&it, &p, &n));
    cache_list_free(ks, empty);
    cache_list_free(ks, l);
    cache_keyspace_free(ks);
}

static void test_binary_and_large(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    struct cache_list *l = cache_list_new(ks);
    struct model m = { 0 };
    static const size_t sizes[] = { 0, 1, 127, 128, 129, 16383, 16384, 8190, 8192, 20000, 3 };
    char *big = malloc(20001);
    assert_non_null(big);
    for (size_t i = 0; i < 20001; i++)
        big[i] = (char)(i * 7);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        enum cache_list_where w = i % 2 ? CACHE_LIST_HEAD : CACHE_LIST_TAIL;
        assert_int_equal(cache_list_push(ks, l, w, big, sizes[i]), DD_OK);
        model_insert(&m, w == CACHE_LIST_HEAD ? 0 : m.len, big, sizes[i]);
        /* small ones around each big one */
        assert_int_equal(cache_list_push(ks, l, CACHE_LIST_TAIL, "\0a\0", 3), DD_OK);
        model_insert(&m, m.len, "\0a\0", 3);
    }
    assert_same(l, &m);
    /* LSET growing and shrinking entries across the chunk limit */
    for (size_t i = 0; i < m.len; i++) {
        size_t n = sizes[i % (sizeof(sizes) / sizeof(sizes[0]))];
        assert_int_equal(cache_list_set(ks, l, (long long)i, big + 1, n), DD_OK);
        free(m.v[i].p);
        m.v[i].p = malloc(n ? n : 1);
        memcpy(m.v[i].p, big + 1, n);
        m.v[i].n = n;
        assert_same(l, &m);
    }
    free(big);
    model_free(&m);
    cache_list_free(ks, l);
    cache_keyspace_free(ks);
}

static void test_insert_remove(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    struct cache_list *l = cache_list_new(ks);
    struct model m = { 0 };
    assert_int_equal(cache_list_insert(ks, l, "x", 1, true, "y", 1), DD_ENOENT);
    const char *seq[] = { "a", "b", "a", "c", "a", "d" };
    for (size_t i = 0; i < 6; i++) {
        push_str(ks, l, CACHE_LIST_TAIL, seq[i]);
        model_insert(&m, m.len, seq[i], 1);
    }
    /* the first pivot from the head */
    assert_int_equal(cache_list_insert(ks, l, "a", 1, false, "B", 1), DD_OK);
    model_insert(&m, 0, "B", 1);
    assert_int_equal(cache_list_insert(ks, l, "a", 1, true, "A", 1), DD_OK);
    model_insert(&m, 2, "A", 1);
    assert_int_equal(cache_list_insert(ks, l, "d", 1, true, "Z", 1), DD_OK);
    model_insert(&m, m.len, "Z", 1);
    assert_int_equal(cache_list_insert(ks, l, "nope", 4, true, "Z", 1), DD_ENOENT);
    assert_same(l, &m); /* B a A b a c a d Z */
    /* LREM from the tail, count 2: the last two "a" */
    assert_int_equal(cache_list_remove(ks, l, "a", 1, 2, true), 2);
    model_erase(&m, 7 - 1);
    model_erase(&m, 4);
    assert_same(l, &m); /* B a A b c d Z */
    assert_int_equal(cache_list_remove(ks, l, "q", 1, 0, false), 0);
    assert_int_equal(cache_list_remove(ks, l, "a", 1, 0, false), 1);
    model_erase(&m, 1);
    assert_same(l, &m);
    /* Thousands of inserts into the middle force chunk splits. */
    for (int i = 0; i < 5000; i++) {
        char b[16];
        int k = snprintf(b, sizeof(b), "m%05d", i);
        assert_int_equal(cache_list_insert(ks, l, "c", 1, i % 2, b, (size_t)k), DD_OK);
        size_t at = 0;
        while (!(m.v[at].n == 1 && m.v[at].p[0] == 'c'))
            at++;
        model_insert(&m, i % 2 ? at + 1 : at, b, (size_t)k);
    }
    assert_same(l, &m);
    /* Remove every other inserted element by value, head first. */
    for (int i = 0; i < 5000; i += 2) {
        char b[16];
        int k = snprintf(b, sizeof(b), "m%05d", i);
        assert_int_equal(cache_list_remove(ks, l, b, (size_t)k, 1, false), 1);
        for (size_t at = 0; at < m.len; at++) {
            if (m.v[at].n == (size_t)k && memcmp(m.v[at].p, b, (size_t)k) == 0) {
                model_erase(&m, at);
                break;
            }
        }
    }
    assert_same(l, &m);
    /* Remove all of them. */
    assert_int_equal(cache_list_remove(ks, l, "c", 1, 0, true), 1);
    model_free(&m);
    cache_list_free(ks, l);
    cache_keyspace_free(ks);
}

static void test_trim(void **state)
{
    (void)state;
    static const struct {
        size_t nhead, ntail, left;
    } cases[] = {
        { 0, 0, 5000 }, { 1, 0, 4999 }, { 0, 1, 4999 },    { 2500, 2499, 1 },    { 2500, 2500, 0 },
        { 5000, 0, 0 }, { 0, 5000, 0 }, { 9999, 9999, 0 }, { 1700, 1700, 1600 }, { 4999, 0, 1 },
    };
    struct cache_keyspace *ks = new_ks();
    size_t base = cache_db_used_memory(ks);
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        struct cache_list *l = cache_list_new(ks);
        for (int i = 0; i < 5000; i++) {
            char b[16];
            snprintf(b, sizeof(b), "%d", i);
            push_str(ks, l, CACHE_LIST_TAIL, b);
        }
        cache_list_trim(ks, l, cases[c].nhead, cases[c].ntail);
        assert_true(cache_list_valid(l));
        assert_int_equal(cache_list_len(l), cases[c].left);
        if (cases[c].left) {
            const char *p;
            size_t n;
            char b[16];
            assert_int_equal(cache_list_index(l, 0, &p, &n), DD_OK);
            snprintf(b, sizeof(b), "%zu", cases[c].nhead);
            assert_elem(p, n, b);
            assert_int_equal(cache_list_index(l, -1, &p, &n), DD_OK);
            snprintf(b, sizeof(b), "%zu", 5000 - cases[c].ntail - 1);
            assert_elem(p, n, b);
        }
        cache_list_free(ks, l);
        assert_int_equal(cache_db_used_memory(ks), base);
    }
    cache_keyspace_free(ks);
}

static void test_iter_delete(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    for (int dir = 0; dir < 2; dir++) {
        struct cache_list *l = cache_list_new(ks);
        struct model m = { 0 };
        for (int i = 0; i < 4000; i++) {
            char b[16];
            int k = snprintf(b, sizeof(b), "%d", i);
            push_str(ks, l, CACHE_LIST_TAIL, b);
            model_insert(&m, m.len, b, (size_t)k);
        }
        /* delete every element whose number is not a multiple of 3 */
        struct cache_list_iter it;
        cache_list_iter_init(&it, l, dir ? m.len - 1 : 0, !dir);
        const char *p;
        size_t n, seen = 0;
        while (cache_list_iter_next(&it, &p, &n)) {
            char b[16];
            memcpy(b, p, n);
            b[n] = '\0';
            if (atoi(b) % 3)
                cache_list_iter_delete(ks, &it);
            seen++;
        }
        assert_int_equal(seen, 4000);
        for (size_t i = m.len; i-- > 0;)
            if (atoi(m.v[i].p) % 3)
                model_erase(&m, i);
        assert_same(l, &m);
        /* delete everything through an iterator */
        cache_list_iter_init(&it, l, 0, true);
        while (cache_list_iter_next(&it, &p, &n))
            cache_list_iter_delete(ks, &it);
        assert_int_equal(cache_list_len(l), 0);
        assert_true(cache_list_valid(l));
        model_free(&m);
        cache_list_free(ks, l);
    }
    cache_keyspace_free(ks);
}

static void test_move(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    struct cache_list *a = cache_list_new(ks), *b = cache_list_new(ks);
    const char *p;
    size_t n;
    assert_int_equal(cache_list_move(ks, a, CACHE_LIST_HEAD, b, CACHE_LIST_TAIL), DD_ENOENT);
    push_str(ks, a, CACHE_LIST_TAIL, "one");
    /* rotation of a one-element list, both ways */
    assert_int_equal(cache_list_move(ks, a, CACHE_LIST_HEAD, a, CACHE_LIST_TAIL), DD_OK);
    assert_int_equal(cache_list_move(ks, a, CACHE_LIST_TAIL, a, CACHE_LIST_HEAD), DD_OK);
    assert_int_equal(cache_list_move(ks, a, CACHE_LIST_TAIL, a, CACHE_LIST_TAIL), DD_OK);
    assert_int_equal(cache_list_len(a), 1);
    push_str(ks, a, CACHE_LIST_TAIL, "two");
    push_str(ks, a, CACHE_LIST_TAIL, "three");
    assert_int_equal(cache_list_move(ks, a, CACHE_LIST_TAIL, a, CACHE_LIST_HEAD), DD_OK);
    assert_int_equal(cache_list_index(a, 0, &p, &n), DD_OK);
    assert_elem(p, n, "three");
    assert_int_equal(cache_list_move(ks, a, CACHE_LIST_HEAD, a, CACHE_LIST_TAIL), DD_OK);
    assert_int_equal(cache_list_index(a, -1, &p, &n), DD_OK);
    assert_elem(p, n, "three");
    /* a big element rotates through the heap copy */
    char big[1000];
    memset(big, 'z', sizeof(big));
    assert_int_equal(cache_list_push(ks, a, CACHE_LIST_HEAD, big, sizeof(big)), DD_OK);
    assert_int_equal(cache_list_move(ks, a, CACHE_LIST_HEAD, a, CACHE_LIST_TAIL), DD_OK);
    assert_int_equal(cache_list_index(a, -1, &p, &n), DD_OK);
    assert_int_equal(n, sizeof(big));
    assert_memory_equal(p, big, n);
    assert_int_equal(cache_list_move(ks, a, CACHE_LIST_HEAD, b, CACHE_LIST_TAIL), DD_OK);
    assert_int_equal(cache_list_len(a), 3);
    assert_int_equal(cache_list_len(b), 1);
    assert_int_equal(cache_list_peek(b, CACHE_LIST_HEAD, &p, &n), DD_OK);
    assert_elem(p, n, "one");
    assert_true(cache_list_valid(a) && cache_list_valid(b));
    cache_list_free(ks, a);
    cache_list_free(ks, b);
    cache_keyspace_free(ks);
}

static void test_dup(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    size_t base = cache_db_used_memory(ks);
    struct cache_list *l = cache_list_new(ks);
    struct model m = { 0 };
    for (int i = 0; i < 3000; i++) {
        char b[16];
        int k = snprintf(b, sizeof(b), "d%d", i);
        push_str(ks, l, CACHE_LIST_HEAD, b);
        model_insert(&m, 0, b, (size_t)k);
    }
    struct cache_list *c = cache_list_dup(ks, l);
    assert_non_null(c);
    assert_same(c, &m);
    /* independent: changing the copy leaves the original */
    cache_list_trim(ks, c, 10, 10);
    assert_int_equal(cache_list_set(ks, c, 0, "changed", 7), DD_OK);
    assert_same(l, &m);
    push_str(ks, c, CACHE_LIST_HEAD, "more");
    assert_int_equal(cache_list_len(c), 2981);
    struct cache_list *e = cache_list_new(ks);
    struct cache_list *ec = cache_list_dup(ks, e);
    assert_non_null(ec);
    assert_int_equal(cache_list_len(ec), 0);
    cache_list_free(ks, ec);
    cache_list_free(ks, e);
    cache_list_free(ks, c);
    cache_list_free(ks, l);
    model_free(&m);
    assert_int_equal(cache_db_used_memory(ks), base);
    cache_keyspace_free(ks);
}

/* A long random run against the array model, with memory back to the
 * baseline at the end. */
static void test_random_model(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    size_t base = cache_db_used_memory(ks);
    struct cache_list *l = cache_list_new(ks);
    struct model m = { 0 };
    srand(12345);
    char buf[600];
    for (int step = 0; step < 60000; step++) {
        int op = rand() % 10;
        size_t n = (size_t)(rand() % 4 == 0 ? rand() % 500 : rand() % 6);
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)('a' + rand() % 3);
        switch (op) {
        case 0:
        case 1:
            assert_int_equal(cache_list_push(ks, l, CACHE_LIST_HEAD, buf, n), DD_OK);
            model_insert(&m, 0, buf, n);
            break;
        case 2:
        case 3:
            assert_int_equal(cache_list_push(ks, l, CACHE_LIST_TAIL, buf, n), DD_OK);
            model_insert(&m, m.len, buf, n);
            break;
        case 4:
            if (m.len) {
                assert_int_equal(cache_list_pop(ks, l, CACHE_LIST_HEAD), DD_OK);
                model_erase(&m, 0);
            }
            break;
        case 5:
            if (m.len) {
                assert_int_equal(cache_list_pop(ks, l, CACHE_LIST_TAIL), DD_OK);
                model_erase(&m, m.len - 1);
            }
            break;
        case 6:
            if (m.len) {
                size_t at = (size_t)rand() % m.len;
                assert_int_equal(cache_list_set(ks, l, (long long)at, buf, n), DD_OK);
                free(m.v[at].p);
                m.v[at].p = malloc(n ? n : 1);
                memcpy(m.v[at].p, buf, n);
                m.v[at].n = n;
            }
            break;
        case 7:
            if (m.len) {
                size_t at = (size_t)rand() % m.len;
                char piv[600];
                size_t pn = m.v[at].n;
                memcpy(piv, m.v[at].p, pn);
                bool after = rand() % 2;
                assert_int_equal(cache_list_insert(ks, l, piv, pn, after, buf, n), DD_OK);
                size_t first = 0;
                while (!(m.v[first].n == pn && memcmp(m.v[first].p, piv, pn) == 0))
                    first++;
                model_insert(&m, after ? first + 1 : first, buf, n);
            }
            break;
        case 8: {
            size_t cnt = (size_t)(rand() % 3);
            bool tail = rand() % 2;
            size_t removed = cache_list_remove(ks, l, buf, n, cnt, tail);
            size_t want = 0;
            if (tail) {
                for (size_t i = m.len; i-- > 0 && (!cnt || want < cnt);)
                    if (m.v[i].n == n && memcmp(m.v[i].p, buf, n) == 0) {
                        model_erase(&m, i);
                        want++;
                    }
            } else {
                for (size_t i = 0; i < m.len && (!cnt || want < cnt);) {
                    if (m.v[i].n == n && memcmp(m.v[i].p, buf, n) == 0) {
                        model_erase(&m, i);
                        want++;
                    } else {
                        i++;
                    }
                }
            }
            assert_int_equal(removed, want);
            break;
        }
        case 9:
            if (m.len && rand() % 20 == 0) {
                size_t h = (size_t)rand() % (m.len / 4 + 1), t = (size_t)rand() % (m.len / 4 + 1);
                cache_list_trim(ks, l, h, t);
                for (size_t i = 0; i < t && m.len; i++)
                    model_erase(&m, m.len - 1);
                for (size_t i = 0; i < h && m.len; i++)
                    model_erase(&m, 0);
            }
            break;
        }
        if (step % 5000 == 0)
            assert_same(l, &m);
    }
    assert_same(l, &m);
    for (size_t i = 0; i < m.len; i += 97) {
        const char *p;
        size_t n;
        assert_int_equal(cache_list_index(l, (long long)i, &p, &n), DD_OK);
        assert_int_equal(n, m.v[i].n);
        assert_memory_equal(p, m.v[i].p, n);
        assert_int_equal(cache_list_index(l, (long long)i - (long long)m.len, &p, &n), DD_OK);
        assert_int_equal(n, m.v[i].n);
    }
    cache_list_free(ks, l);
    model_free(&m);
    assert_int_equal(cache_db_used_memory(ks), base);
    cache_keyspace_free(ks);
}

/* A queue (LPUSH + RPOP) keeps its memory bounded. */
static void test_queue_memory(void **state)
{
    (void)state;
    struct cache_keyspace *ks = new_ks();
    size_t base = cache_db_used_memory(ks);
    struct cache_list *l = cache_list_new(ks);
    for (int i = 0; i < 100; i++)
        push_str(ks, l, CACHE_LIST_HEAD, "xxx");
    size_t steady = cache_db_used_memory(ks);
    for (int i = 0; i < 200000; i++) {
        push_str(ks, l, CACHE_LIST_HEAD, "xxx");
        assert_int_equal(cache_list_pop(ks, l, CACHE_LIST_TAIL), DD_OK);
    }
    assert_int_equal(cache_list_len(l), 100);
    assert_true(cache_db_used_memory(ks) <= steady + 3 * 8192);
    /* 100k small elements take about 5 bytes each plus chunk headers */
    for (int i = 0; i < 100000; i++)
        push_str(ks, l, CACHE_LIST_TAIL, "xxx");
    assert_true(cache_db_used_memory(ks) - base < 100100 * 7);
    cache_list_free(ks, l);
    assert_int_equal(cache_db_used_memory(ks), base);
    cache_keyspace_free(ks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_obj_and_encoding),
        cmocka_unit_test(test_push_pop_ends),
        cmocka_unit_test(test_index_edges),
        cmocka_unit_test(test_binary_and_large),
        cmocka_unit_test(test_insert_remove),
        cmocka_unit_test(test_trim),
        cmocka_unit_test(test_iter_delete),
        cmocka_unit_test(test_move),
        cmocka_unit_test(test_dup),
        cmocka_unit_test(test_random_model),
        cmocka_unit_test(test_queue_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
