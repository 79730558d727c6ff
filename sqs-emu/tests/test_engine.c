/* Unit tests for sqs-emu/engine.c (string map, base64, UUIDs) and the
 * message index of queue.c. */
#include "sqs-emu/tests/engine_fixture.h"

static void test_strmap(void **state)
{
    (void)state;
    struct sqs_strmap *m = sqs_strmap_new();
    assert_non_null(m);
    static int vals[3000];
    char key[32];
    for (int i = 0; i < 3000; i++) {
        snprintf(key, sizeof(key), "acct/q%d", i);
        vals[i] = i;
        assert_int_equal(sqs_strmap_put(m, key, &vals[i]), DD_OK);
    }
    assert_int_equal(sqs_strmap_count(m), 3000);
    /* Replacing keeps the count. */
    assert_int_equal(sqs_strmap_put(m, "acct/q7", &vals[8]), DD_OK);
    assert_int_equal(sqs_strmap_count(m), 3000);
    assert_ptr_equal(sqs_strmap_get(m, "acct/q7"), &vals[8]);
    for (int i = 0; i < 3000; i += 2) {
        snprintf(key, sizeof(key), "acct/q%d", i);
        assert_non_null(sqs_strmap_del(m, key));
    }
    assert_null(sqs_strmap_del(m, "acct/q0"));
    assert_null(sqs_strmap_get(m, "acct/q2"));
    assert_ptr_equal(sqs_strmap_get(m, "acct/q2999"), &vals[2999]);
    /* Iteration visits each remaining entry exactly once. */
    static unsigned char seen[3000];
    memset(seen, 0, sizeof(seen));
    size_t cur = 0, n = 0;
    const char *k;
    void *v;
    while (sqs_strmap_next(m, &cur, &k, &v)) {
        int idx = atoi(k + 6);
        assert_true(idx % 2 == 1);
        assert_int_equal(seen[idx], 0);
        seen[idx] = 1;
        n++;
    }
    assert_int_equal(n, 1500);
    assert_int_equal(sqs_strmap_next(m, &cur, &k, &v), 0);
    sqs_strmap_free(m);
    sqs_strmap_free(NULL);
}

static void test_base64(void **state)
{
    (void)state;
    /* RFC 4648 section 10 vectors. */
    static const char *const vec[][2] = { { "", "" },
                                          { "f", "Zg==" },
                                          { "fo", "Zm8=" },
                                          { "foo", "Zm9v" },
                                          { "foob", "Zm9vYg==" },
                                          { "fooba", "Zm9vYmE=" },
                                          { "foobar", "Zm9vYmFy" } };
    for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
        char out[32];
        assert_int_equal(sqs_base64_encode(vec[i][0], strlen(vec[i][0]), out, sizeof(out)), DD_OK);
        assert_string_equal(out, vec[i][1]);
        if (!*vec[i][1])
            continue;
        char back[32];
        size_t n = 0;
        assert_int_equal(sqs_base64_decode(vec[i][1], back, sizeof(back), &n), DD_OK);
        assert_int_equal(n, strlen(vec[i][0]));
        assert_memory_equal(back, vec[i][0], n);
    }
    char small[4];
    assert_int_equal(sqs_base64_encode("foo", 3, small, sizeof(small)), DD_ERANGE);
    const char *bad[] = { "", "Zg=", "Zg=a", "Z===", "Zm9v!mFy", "Zg==Zg==", "Zm 9" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char out[16];
        size_t n;
        assert_int_equal(sqs_base64_decode(bad[i], out, sizeof(out), &n), DD_EINVAL);
    }
    char two[2];
    size_t n;
    assert_int_equal(sqs_base64_decode("Zm9v", two, sizeof(two), &n), DD_ERANGE);
}

static void test_uuid(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    char a[37], b[37];
    assert_int_equal(sqs_engine_uuid(w->e, a), DD_OK);
    assert_int_equal(sqs_engine_uuid(w->e, b), DD_OK);
    assert_string_not_equal(a, b);
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            assert_int_equal(a[i], '-');
        else
            assert_non_null(strchr("0123456789abcdef", a[i]));
    }
    assert_int_equal(a[14], '4');
    world_free(w);
    /* The default source is OpenSSL's. */
    struct sqs_engine *e = sqs_engine_new(NULL);
    assert_non_null(e);
    assert_int_equal(sqs_engine_uuid(e, a), DD_OK);
    assert_int_equal(strlen(a), 36);
    sqs_engine_free(e);
    sqs_engine_free(NULL);
}

static void test_message_index_against_brute_force(void **state)
{
    (void)state;
    enum { N = 4000 };
    struct sqs_msgindex ix = { 0 };
    static struct sqs_message *msgs[N];
    static int in[N];
    for (int i = 0; i < N; i++) {
        msgs[i] = calloc(1, sizeof(struct sqs_message));
        assert_non_null(msgs[i]);
        msgs[i]->seq = (uint64_t)i * 7 + 1; /* strided keys collide in the low bits */
        in[i] = 0;
    }
    uint64_t rng = 99;
    for (int step = 0; step < 40000; step++) {
        unsigned char r[3];
        fake_random(&rng, r, sizeof(r));
        int i = (r[0] | r[1] << 8) % N;
        if (r[2] & 1) {
            if (!in[i]) {
                assert_int_equal(sqs_msgindex_put(&ix, msgs[i]), DD_OK);
                in[i] = 1;
            } else {
                assert_int_equal(sqs_msgindex_put(&ix, msgs[i]), DD_EEXIST);
            }
        } else if (in[i]) {
            sqs_msgindex_del(&ix, msgs[i]->seq);
            in[i] = 0;
        }
        if (step % 1000 == 0) {
            size_t count = 0;
            for (int k = 0; k < N; k++) {
                assert_ptr_equal(sqs_msgindex_get(&ix, msgs[k]->seq), in[k] ? msgs[k] : NULL);
                count += (size_t)in[k];
            }
            assert_int_equal(ix.n, count);
        }
    }
    assert_null(sqs_msgindex_get(&ix, 2)); /* never a key */
    /* The index owns what it holds: release frees those; free the rest here. */
    for (int i = 0; i < N; i++)
        if (!in[i])
            free(msgs[i]);
    sqs_msgindex_release(&ix);
    assert_int_equal(ix.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strmap),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_uuid),
        cmocka_unit_test(test_message_index_against_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
