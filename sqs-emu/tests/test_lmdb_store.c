/*
 * Unit tests for sqs-emu/lmdb_store.c: what the engine hands the store comes
 * back field by field after close, reopen and load into a fresh engine;
 * group commit (nothing unsubmitted survives), deletions, purge, wipe, map
 * growth, corrupt records (a clean error, never a crash, including every
 * single-byte mutation of a real record) and the load time of 100k messages.
 * The pipeline: batch numbers and results in submission order, several
 * submitted batches coalescing into one transaction, a failed transaction
 * reported failed while the next succeeds, the records a failure lost (or a
 * later batch relied on) re-recorded from memory, close draining what was
 * submitted, the notify fd, and the full-record-or-receive-state decision
 * across restarts and DLQ moves, checked on disk. Each test runs in its own
 * mkdtemp directory, removed afterwards. The corruption tests write with
 * raw LMDB, and build records from the format documented at the top of
 * lmdb_store.c rather than with its encoder; raw LMDB only ever opens a
 * store that is closed.
 */
#include "sqs-emu/tests/engine_fixture.h"

#include <ftw.h>
#include <lmdb.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "sqs-emu/lmdb_store.h"
#include "sqs-emu/queue_attr.h"

#define RESTART   (T0 + 100000)
#define SRC_ARN   "arn:aws:sqs:us-east-1:" ACCOUNT ":src"
#define DLQ_ARN   "arn:aws:sqs:us-east-1:" ACCOUNT ":dlq"
#define SEED_A    UINT64_C(0x9E3779B97F4A7C15)
#define SEED_B    UINT64_C(0x2545F4914F6CDD1D)
#define ERRBUF_SZ 512

/* ---- fixture: a temporary directory per test ---- */

struct fx {
    char dir[256];
};

static int fx_setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof(f->dir), "%s/sqs_lmdb_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int fx_teardown(void **state)
{
    struct fx *f = *state;
    int rc = nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return rc;
}

/* ---- helpers ---- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An engine whose store is s (NULL: none), with a deterministic RNG. */
static struct world *store_world(struct sqs_lmdb_store *s, uint64_t seed)
{
    struct world *w = calloc(1, sizeof(*w));
    assert_non_null(w);
    w->rng = seed;
    struct sqs_engine_config cfg = { 0 };
    cfg.region = "us-east-1";
    cfg.random = fake_random;
    cfg.random_ctx = &w->rng;
    cfg.store = s ? sqs_lmdb_store_ops() : NULL;
    cfg.store_ctx = s;
    w->e = sqs_engine_new(&cfg);
    assert_non_null(w->e);
    return w;
}

static struct sqs_lmdb_store *store_open(const char *dir, enum sqs_durability d)
{
    struct sqs_lmdb_store *s = NULL;
    char err[ERRBUF_SZ];
    int rc = sqs_lmdb_store_open(dir, d, &s, err, sizeof(err));
    if (rc)
        fail_msg("open %s: %s (%s)", dir, err, dd_strerror(rc));
    return s;
}

static void commit(struct sqs_lmdb_store *s)
{
    int rc = sqs_lmdb_store_commit(s);
    if (rc)
        fail_msg("commit: %s", sqs_lmdb_store_last_error(s));
    assert_int_equal(sqs_lmdb_store_dirty(s), 0);
}

/* Opens dir and loads it into a fresh engine (which stores into it). */
static struct world *reload(const char *dir, int64_t now, struct sqs_lmdb_store **out)
{
    struct sqs_lmdb_store *s = store_open(dir, SQS_DURABILITY_FSYNC);
    struct world *w = store_world(s, SEED_B);
    char err[ERRBUF_SZ];
    int rc = sqs_lmdb_store_load(s, w->e, now, err, sizeof(err));
    if (rc)
        fail_msg("load: %s (%s)", err, dd_strerror(rc));
    assert_int_equal(sqs_lmdb_store_dirty(s), 0); /* loading writes nothing */
    *out = s;
    return w;
}

static void world_store_free(struct world *w, struct sqs_lmdb_store *s)
{
    world_free(w);
    sqs_lmdb_store_close(s);
}

static struct sqs_queue *lookup(struct world *w, const char *name)
{
    struct sqs_queue *q = sqs_queue_lookup(w->e, ACCOUNT, name);
    if (!q)
        fail_msg("queue %s missing", name);
    return q;
}

static void assert_str_or_null(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

static void assert_same_attrs(const struct sqs_attrs *a, const struct sqs_attrs *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_string_equal(a->v[i].name, b->v[i].name);
        assert_string_equal(a->v[i].data_type, b->v[i].data_type);
        assert_int_equal(a->v[i].value_len, b->v[i].value_len);
        assert_memory_equal(a->v[i].value, b->v[i].value, a->v[i].value_len);
    }
}

/* The state a message of engine A must have once restored at now. */
static enum sqs_msg_state state_at(const struct sqs_message *m, int64_t now)
{
    return m->state != SQS_MSG_VISIBLE && m->visible_at_ms > now ? m->state : SQS_MSG_VISIBLE;
}

static void assert_same_message(const struct sqs_message *a, const struct sqs_message *b,
                                int64_t now)
{
    assert_int_equal(a->seq, b->seq);
    assert_string_equal(a->id, b->id);
    assert_int_equal(a->body_len, b->body_len);
    assert_memory_equal(a->body, b->body, a->body_len);
    assert_int_equal(b->body[b->body_len], '\0');
    assert_same_attrs(&a->attrs, &b->attrs);
    assert_same_attrs(&a->sys_attrs, &b->sys_attrs);
    assert_string_equal(a->md5_body, b->md5_body);
    assert_string_equal(a->md5_attrs, b->md5_attrs);
    assert_string_equal(a->md5_sys_attrs, b->md5_sys_attrs);
    assert_str_or_null(a->sender_id, b->sender_id);
    assert_int_equal(a->sent_ms, b->sent_ms);
    assert_int_equal(a->enqueue_ms, b->enqueue_ms);
    assert_int_equal(a->receive_count, b->receive_count);
    assert_int_equal(a->first_receive_ms, b->first_receive_ms);
    assert_int_equal(a->receive_ms, b->receive_ms);
    assert_int_equal(a->visible_at_ms, b->visible_at_ms);
    assert_int_equal(state_at(a, now), b->state);
    assert_str_or_null(a->group_id, b->group_id);
    assert_str_or_null(a->dedup_id, b->dedup_id);
    assert_int_equal(a->sequence_number, b->sequence_number);
    assert_str_or_null(a->dlq_source_arn, b->dlq_source_arn);
}

/* Every message of qa is in qb, equal; and nothing else is. */
static void assert_same_messages(const struct sqs_queue *qa, const struct sqs_queue *qb,
                                 int64_t now)
{
    assert_int_equal(sqs_queue_message_count(qa), sqs_queue_message_count(qb));
    for (size_t i = 0; i < qa->index.cap; i++) {
        const struct sqs_message *ma = qa->index.slots[i];
        if (!ma)
            continue;
        const struct sqs_message *mb = sqs_message_find(qb, ma->seq);
        if (!mb)
            fail_msg("%s: message %llu missing", qa->name, (unsigned long long)ma->seq);
        assert_same_message(ma, mb, now);
    }
}

static void assert_same_kvlist(const struct sqs_kvlist *a, const struct sqs_kvlist *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_string_equal(a->v[i].key, b->v[i].key);
        assert_string_equal(a->v[i].value, b->v[i].value);
    }
}

static void assert_same_queue(const struct sqs_queue *a, const struct sqs_queue *b)
{
    assert_int_equal(a->id, b->id);
    assert_string_equal(a->account, b->account);
    assert_string_equal(a->name, b->name);
    assert_string_equal(a->arn, b->arn);
    assert_int_equal(a->fifo, b->fifo);
    assert_int_equal(a->created_s, b->created_s);
    assert_int_equal(a->modified_s, b->modified_s);
    assert_int_equal(a->last_purge_ms, b->last_purge_ms);
    struct sqs_kvlist ea = { 0 }, eb = { 0 };
    assert_int_equal(sqs_queue_attrs_export(&a->attrs, &ea), DD_OK);
    assert_int_equal(sqs_queue_attrs_export(&b->attrs, &eb), DD_OK);
    assert_same_kvlist(&ea, &eb);
    sqs_kvlist_release(&ea);
    sqs_kvlist_release(&eb);
    assert_same_kvlist(&a->tags, &b->tags);
    /* The parsed forms too, not only their text. */
    const struct sqs_queue_attrs *x = &a->attrs, *y = &b->attrs;
    assert_int_equal(x->visibility_timeout, y->visibility_timeout);
    assert_int_equal(x->delay_seconds, y->delay_seconds);
    assert_int_equal(x->maximum_message_size, y->maximum_message_size);
    assert_int_equal(x->message_retention_period, y->message_retention_period);
    assert_int_equal(x->receive_wait_time, y->receive_wait_time);
    assert_str_or_null(x->policy, y->policy);
    assert_str_or_null(x->redrive_policy, y->redrive_policy);
    assert_str_or_null(x->dlq_arn, y->dlq_arn);
    assert_int_equal(x->max_receive_count, y->max_receive_count);
    assert_str_or_null(x->redrive_allow_policy, y->redrive_allow_policy);
    assert_int_equal(x->redrive_permission, y->redrive_permission);
    assert_int_equal(x->n_source_arns, y->n_source_arns);
    for (size_t i = 0; i < x->n_source_arns; i++)
        assert_string_equal(x->source_arns[i], y->source_arns[i]);
    assert_str_or_null(x->kms_master_key_id, y->kms_master_key_id);
    assert_int_equal(x->kms_data_key_reuse, y->kms_data_key_reuse);
    assert_int_equal(x->sqs_managed_sse, y->sqs_managed_sse);
    assert_int_equal(x->fifo_queue, y->fifo_queue);
    assert_int_equal(x->content_based_dedup, y->content_based_dedup);
    assert_int_equal(x->dedup_scope, y->dedup_scope);
    assert_int_equal(x->fifo_throughput, y->fifo_throughput);
}

/* Sends with attributes; returns the message (borrowed). */
static struct sqs_message *send_full(struct world *w, struct sqs_queue *q, const char *body,
                                     const struct sqs_attrs *attrs, const struct sqs_attrs *sys,
                                     int64_t delay_s, int64_t now)
{
    struct sqs_send_params p = send_params(body);
    p.attrs = attrs;
    p.sys_attrs = sys;
    p.delay_seconds = delay_s;
    struct sqs_send_result r;
    if (sqs_message_send(q, &p, now, &r, &w->err))
        fail_msg("send: %s %s", sqs_error_name(w->err.code), w->err.message);
    return sqs_message_find(q, q->next_seq - 1);
}

/* ---- raw LMDB, for looking under the store and corrupting it ---- */

static MDB_env *raw_open(const char *dir)
{
    MDB_env *env = NULL;
    assert_int_equal(mdb_env_create(&env), 0);
    assert_int_equal(mdb_env_set_maxdbs(env, 8), 0);
    assert_int_equal(mdb_env_set_mapsize(env, SQS_LMDB_DEFAULT_MAP_SIZE), 0);
    assert_int_equal(mdb_env_open(env, dir, MDB_NOSYNC, 0600), 0);
    return env;
}

/* Puts (val != NULL) or deletes key in db, committed. */
static void raw_write(const char *dir, const char *db, const void *key, size_t klen,
                      const void *val, size_t vlen)
{
    MDB_env *env = raw_open(dir);
    MDB_txn *txn;
    MDB_dbi dbi;
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, db, 0, &dbi), 0);
    MDB_val k = { klen, (void *)key }, v = { vlen, (void *)val };
    if (val)
        assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
    else
        assert_int_equal(mdb_del(txn, dbi, &k, NULL), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
}

/* A malloc'd copy of the value of key in db (NULL if absent). */
static unsigned char *raw_get(const char *dir, const char *db, const void *key, size_t klen,
                              size_t *vlen)
{
    MDB_env *env = raw_open(dir);
    MDB_txn *txn;
    MDB_dbi dbi;
    assert_int_equal(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, db, 0, &dbi), 0);
    MDB_val k = { klen, (void *)key }, v;
    unsigned char *out = NULL;
    if (mdb_get(txn, dbi, &k, &v) == 0) {
        out = malloc(v.mv_size);
        assert_non_null(out);
        memcpy(out, v.mv_data, v.mv_size);
        *vlen = v.mv_size;
    }
    mdb_txn_abort(txn);
    mdb_env_close(env);
    return out;
}

/* How many keys of db start with the queue id qid (big-endian), and in all. */
static size_t raw_count(const char *dir, const char *db, uint64_t qid, size_t *total)
{
    MDB_env *env = raw_open(dir);
    MDB_txn *txn;
    MDB_dbi dbi;
    MDB_cursor *c;
    assert_int_equal(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, db, 0, &dbi), 0);
    assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
    MDB_val k, v;
    size_t n = 0, all = 0;
    for (int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        all++;
        const unsigned char *b = k.mv_data;
        uint64_t id = 0;
        for (int i = 0; i < 8 && k.mv_size >= 8; i++)
            id = (id << 8) | b[i];
        if (k.mv_size >= 8 && id == qid)
            n++;
    }
    mdb_cursor_close(c);
    mdb_txn_abort(txn);
    mdb_env_close(env);
    if (total)
        *total = all;
    return n;
}

static void msg_key(unsigned char k[16], uint64_t qid, uint64_t seq)
{
    for (int i = 0; i < 8; i++) {
        k[i] = (unsigned char)(qid >> (56 - 8 * i));
        k[8 + i] = (unsigned char)(seq >> (56 - 8 * i));
    }
}

/* Rewrites the trailing CRC-32C of a record of len bytes. */
static void reseal(unsigned char *p, size_t len)
{
    uint32_t c = sqs_lmdb_crc32c(0, p, len - 4);
    for (int i = 0; i < 4; i++)
        p[len - 4 + i] = (unsigned char)(c >> (8 * i));
}

/* Opens dir, loads it into a fresh engine, closes: the load's result. */
static int try_load(const char *dir, char *err, size_t errlen)
{
    struct sqs_lmdb_store *s = NULL;
    int rc = sqs_lmdb_store_open(dir, SQS_DURABILITY_BATCH, &s, err, errlen);
    if (rc)
        fail_msg("open: %s", err);
    struct world *w = store_world(s, SEED_B);
    rc = sqs_lmdb_store_load(s, w->e, RESTART, err, errlen);
    world_store_free(w, s);
    return rc;
}

static void expect_corrupt(const char *dir, const char *needle)
{
    char err[ERRBUF_SZ] = "";
    int rc = try_load(dir, err, sizeof(err));
    if (rc != DD_EIO)
        fail_msg("load answered %s, not EIO (expected \"%s\")", dd_strerror(rc), needle);
    if (!strstr(err, needle))
        fail_msg("load error \"%s\" lacks \"%s\"", err, needle);
}

/* A tiny record builder that follows the documented format. */
struct rb {
    unsigned char b[512];
    size_t n;
};

static void rb_bytes(struct rb *r, const void *p, size_t n)
{
    assert_true(r->n + n <= sizeof(r->b));
    memcpy(r->b + r->n, p, n);
    r->n += n;
}

static void rb_le(struct rb *r, uint64_t v, int width)
{
    for (int i = 0; i < width; i++) {
        unsigned char c = (unsigned char)(v >> (8 * i));
        rb_bytes(r, &c, 1);
    }
}

static void rb_varint(struct rb *r, uint64_t v)
{
    do {
        unsigned char c = (unsigned char)(v & 0x7F);
        v >>= 7;
        if (v)
            c |= 0x80;
        rb_bytes(r, &c, 1);
    } while (v);
}

static void rb_str(struct rb *r, const char *s)
{
    rb_varint(r, strlen(s));
    rb_bytes(r, s, strlen(s) + 1);
}

/* The 32-byte receive-state prefix of 'S' and 'M'. */
static void rb_prefix(struct rb *r, char type, unsigned state, unsigned flags, uint32_t count)
{
    unsigned char h[4] = { 1, (unsigned char)type, (unsigned char)state, (unsigned char)flags };
    rb_bytes(r, h, 4);
    rb_le(r, count, 4);
    rb_le(r, (uint64_t)T0, 8);
    rb_le(r, (uint64_t)T0, 8);
    rb_le(r, (uint64_t)RESTART + 5000, 8);
}

static void rb_seal(struct rb *r)
{
    rb_le(r, 0, 4);
    reseal(r->b, r->n);
}

/* ---- tests ---- */

static void test_crc32c(void **state)
{
    (void)state;
    /* The check value of CRC-32C (RFC 3720, iSCSI). */
    assert_int_equal(sqs_lmdb_crc32c(0, "123456789", 9), 0xE3069283u);
    assert_int_equal(sqs_lmdb_crc32c(sqs_lmdb_crc32c(0, "1234", 4), "56789", 5), 0xE3069283u);
    assert_int_equal(sqs_lmdb_crc32c(0, "", 0), 0);
    unsigned char zeros[32] = { 0 };
    assert_int_equal(sqs_lmdb_crc32c(0, zeros, 32), 0x8A9136AAu);
}

static void test_durability_names(void **state)
{
    (void)state;
    enum sqs_durability d;
    assert_int_equal(sqs_durability_parse("fsync", &d), DD_OK);
    assert_int_equal(d, SQS_DURABILITY_FSYNC);
    assert_int_equal(sqs_durability_parse("batch", &d), DD_OK);
    assert_int_equal(d, SQS_DURABILITY_BATCH);
    assert_int_equal(sqs_durability_parse("memory", &d), DD_OK);
    assert_int_equal(d, SQS_DURABILITY_MEMORY);
    assert_int_equal(sqs_durability_parse("FSYNC", &d), DD_EINVAL);
    assert_int_equal(sqs_durability_parse("", &d), DD_EINVAL);
    assert_int_equal(sqs_durability_parse(NULL, &d), DD_EINVAL);
    assert_string_equal(sqs_durability_name(SQS_DURABILITY_BATCH), "batch");
}

static void test_open_errors_and_lock(void **state)
{
    struct fx *f = *state;
    char err[ERRBUF_SZ], nested[512];
    struct sqs_lmdb_store *s = NULL, *s2 = NULL;
    assert_int_equal(sqs_lmdb_store_open(f->dir, SQS_DURABILITY_MEMORY, &s, err, sizeof(err)),
                     DD_EINVAL);
    assert_null(s);
    assert_non_null(strstr(err, "memory"));
    assert_int_equal(sqs_lmdb_store_open("", SQS_DURABILITY_FSYNC, &s, err, sizeof(err)),
                     DD_EINVAL);
    /* Missing directories are created. */
    snprintf(nested, sizeof(nested), "%s/a/b/c", f->dir);
    assert_int_equal(sqs_lmdb_store_open(nested, SQS_DURABILITY_FSYNC, &s, err, sizeof(err)),
                     DD_OK);
    assert_non_null(s);
    assert_int_equal(sqs_lmdb_store_dirty(s), 0);
    assert_int_equal(sqs_lmdb_store_commit(s), DD_OK); /* nothing to commit */
    assert_int_equal(sqs_lmdb_store_sync(s), DD_OK);
    assert_int_equal(sqs_lmdb_store_map_size(s), SQS_LMDB_DEFAULT_MAP_SIZE);
    /* A second open of the same store is refused while the first lives. */
    assert_int_equal(sqs_lmdb_store_open(nested, SQS_DURABILITY_BATCH, &s2, err, sizeof(err)),
                     DD_EACCES);
    assert_null(s2);
    assert_non_null(strstr(err, "in use"));
    sqs_lmdb_store_close(s);
    assert_int_equal(sqs_lmdb_store_open(nested, SQS_DURABILITY_BATCH, &s2, NULL, 0), DD_OK);
    sqs_lmdb_store_close(s2);
    sqs_lmdb_store_close(NULL);
    /* A file where the directory should be. */
    char file[512];
    snprintf(file, sizeof(file), "%s/plain", f->dir);
    FILE *fp = fopen(file, "w");
    assert_non_null(fp);
    fclose(fp);
    assert_int_not_equal(sqs_lmdb_store_open(file, SQS_DURABILITY_FSYNC, &s, err, sizeof(err)),
                         DD_OK);
    assert_null(s);
    assert_true(err[0] != '\0');
}

/* Queues with every kind of attribute, tags, redrive policies, a purge time
 * and a modification time come back equal; a deleted queue does not, and
 * its id is not reused. */
static void test_round_trip_queues(void **state)
{
    struct fx *f = *state;
    struct sqs_lmdb_store *s = store_open(f->dir, SQS_DURABILITY_FSYNC);
    struct world *a = store_world(s, SEED_A);
    make_queue(a, "dlq", "MessageRetentionPeriod", "1209600", "RedriveAllowPolicy",
               "{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":[\"" SRC_ARN "\"]}",
               "Policy", "{\"Version\":\"2012-10-17\",\"Statement\":[]}", "KmsMasterKeyId",
               "alias/aws/sqs", "KmsDataKeyReusePeriodSeconds", "600", "SqsManagedSseEnabled",
               "false", NULL);
    struct sqs_queue *src =
        make_queue(a, "src", "VisibilityTimeout", "45", "DelaySeconds", "5", "MaximumMessageSize",
                   "2048", "ReceiveMessageWaitTimeSeconds", "20", "RedrivePolicy",
                   "{\"deadLetterTargetArn\":\"" DLQ_ARN "\",\"maxReceiveCount\":3}", NULL);
    struct sqs_queue *deny =
        make_queue(a, "deny", "RedriveAllowPolicy", "{\"redrivePermission\":\"denyAll\"}", NULL);
    make_queue(a, "fifo.fifo", "FifoQueue", "true", "ContentBasedDeduplication", "true",
               "DeduplicationScope", "messageGroup", "FifoThroughputLimit", "perMessageGroupId",
               NULL);
    struct sqs_kv tags[] = { { "team", "core" },
                             { "\xc3\xbcnic\xc3\xb8"
                               "de",
                               "v\xc3\xa4lue" },
                             { "empty", "" } };
    assert_int_equal(sqs_queue_tag(src, tags, 3, &a->err), DD_OK);
    commit(s);
    struct sqs_kv vt = { "VisibilityTimeout", "50" };
    assert_int_equal(sqs_queue_set_attributes(src, &vt, 1, T0 + 5000, &a->err), DD_OK);
    assert_int_equal(sqs_queue_purge(deny, T0 + 7000, &a->err), DD_OK);
    struct sqs_queue *gone = make_queue(a, "gone", NULL);
    uint64_t gone_id = gone->id;
    assert_int_equal(sqs_queue_delete(gone, T0 + 8000, &a->err), DD_OK);
    assert_int_equal(sqs_lmdb_store_dirty(s), 1);
    commit(s);
    sqs_lmdb_store_close(s); /* a is only read from now on */

    struct sqs_lmdb_store *sb;
    struct world *b = reload(f->dir, RESTART, &sb);
    assert_int_equal(sqs_engine_queue_count(b->e), 4);
    const char *names[] = { "dlq", "src", "deny", "fifo.fifo" };
    for (size_t i = 0; i < 4; i++)
        assert_same_queue(lookup(a, names[i]), lookup(b, names[i]));
    assert_null(sqs_queue_lookup(b->e, ACCOUNT, "gone"));
    struct sqs_queue *bsrc = lookup(b, "src");
    assert_int_equal(bsrc->attrs.visibility_timeout, 50);
    assert_int_equal(bsrc->modified_s, (T0 + 5000) / 1000);
    assert_string_equal(sqs_kvlist_get(&bsrc->tags, "\xc3\xbcnic\xc3\xb8"
                                                    "de"),
                        "v\xc3\xa4lue");
    assert_int_equal(lookup(b, "deny")->last_purge_ms, T0 + 7000);
    assert_int_equal(lookup(b, "dlq")->attrs.redrive_permission, SQS_REDRIVE_BY_QUEUE);
    assert_int_equal(lookup(b, "fifo.fifo")->attrs.dedup_scope, SQS_DEDUP_MESSAGE_GROUP);
    /* Purge timing survives the restart. */
    assert_int_equal(sqs_queue_purge(lookup(b, "deny"), T0 + 30000, &b->err), DD_EINVAL);
    /* The deleted queue's id stays retired. */
    struct sqs_queue *fresh = make_queue(b, "fresh", NULL);
    assert_true(fresh->id > gone_id);
    world_store_free(b, sb);
    world_free(a);
}

/* Messages in every state, with attributes of every type, system
 * attributes, receive counts and times, a delay and a DLQ move come back
 * field by field; a receipt handle issued before the restart still works. */
static void test_round_trip_messages(void **state)
{
    struct fx *f = *state;
    struct sqs_lmdb_store *s = store_open(f->dir, SQS_DURABILITY_FSYNC);
    struct world *a = store_world(s, SEED_A);
    make_queue(a, "dlq", NULL);
    struct sqs_queue *src =
        make_queue(a, "src", "RedrivePolicy",
                   "{\"deadLetterTargetArn\":\"" DLQ_ARN "\",\"maxReceiveCount\":1}", NULL);
    struct sqs_queue *q = make_queue(a, "main", NULL);
    commit(s);

    /* Received ones first: receives take the lowest seq. */
    send_body(a, q, "twice", T0);
    send_body(a, q, "inflight", T0);
    send_body(a, q, "back", T0);
    struct sqs_received got[10];
    assert_int_equal(recv_n(a, q, 1, 1, T0 + 10, got), 1); /* twice, 1 s */
    assert_int_equal(recv_n(a, q, 1, 43200, T0 + 10, got), 1);
    char inflight_handle[SQS_RECEIPT_HANDLE_SIZE];
    strcpy(inflight_handle, got[0].receipt_handle);
    assert_string_equal(got[0].msg->body, "inflight");
    assert_int_equal(recv_n(a, q, 1, 1, T0 + 10, got), 1); /* back, 1 s */
    commit(s);
    assert_int_equal(recv_n(a, q, 1, 600, T0 + 2000, got), 1);
    assert_string_equal(got[0].msg->body, "twice");
    assert_int_equal(
        sqs_message_change_visibility(q, got[0].receipt_handle, 1200, T0 + 2500, &a->err), DD_OK);
    send_full(a, q, "delayed", NULL, NULL, 900, T0 + 3000);

    struct sqs_attrs at = { 0 }, sys = { 0 };
    static const char bin[] = { 0, 1, 2, 0, (char)0xFF };
    char big_bin[300];
    for (size_t i = 0; i < sizeof(big_bin); i++)
        big_bin[i] = (char)i;
    assert_int_equal(sqs_attrs_add(&at, "s", "String", "h\xc3\xa9llo", 6), DD_OK);
    assert_int_equal(sqs_attrs_add(&at, "n", "Number", "-1.5e3", 6), DD_OK);
    assert_int_equal(sqs_attrs_add(&at, "b", "Binary", bin, sizeof(bin)), DD_OK);
    assert_int_equal(sqs_attrs_add(&at, "ni", "Number.int", "7", 1), DD_OK);
    assert_int_equal(sqs_attrs_add(&at, "bg", "Binary.gif", big_bin, sizeof(big_bin)), DD_OK);
    assert_int_equal(sqs_attrs_add(&at, "sx", "String.x", "z", 1), DD_OK);
    assert_int_equal(sqs_attrs_add(&sys, "AWSTraceHeader", "String",
                                   "Root=1-5759e988-bd862e3fe1be46a994272793", 40),
                     DD_OK);
    char long_body[5000];
    memset(long_body, 'x', sizeof(long_body) - 1);
    long_body[sizeof(long_body) - 1] = '\0';
    long_body[0] = '\xc3';
    long_body[1] = '\xa9';
    struct sqs_message *ma = send_full(a, q, long_body, &at, &sys, SQS_PARAM_ABSENT, T0 + 4000);
    assert_string_not_equal(ma->md5_attrs, "");
    assert_string_not_equal(ma->md5_sys_attrs, "");
    sqs_attrs_release(&at);
    sqs_attrs_release(&sys);

    /* A poison message moves to the DLQ on its second receive. */
    send_body(a, src, "poison", T0);
    assert_int_equal(recv_n(a, src, 1, 0, T0 + 1, got), 1);
    assert_int_equal(recv_n(a, src, 1, -1, T0 + 2, got), 0);
    assert_int_equal(sqs_queue_message_count(lookup(a, "dlq")), 1);
    commit(s);
    sqs_lmdb_store_close(s);

    struct sqs_lmdb_store *sb;
    struct world *b = reload(f->dir, RESTART, &sb);
    const char *names[] = { "dlq", "src", "main" };
    for (size_t i = 0; i < 3; i++)
        assert_same_messages(lookup(a, names[i]), lookup(b, names[i]), RESTART);
    /* Spot checks of what the comparison covers. */
    struct sqs_queue *bq = lookup(b, "main");
    const struct sqs_message *m = sqs_message_find(bq, 1);
    assert_string_equal(m->body, "twice");
    assert_int_equal(m->receive_count, 2);
    assert_int_equal(m->state, SQS_MSG_INFLIGHT);
    assert_int_equal(m->visible_at_ms, T0 + 2500 + 1200000);
    assert_int_equal(m->first_receive_ms, T0 + 10);
    assert_int_equal(m->receive_ms, T0 + 2000);
    m = sqs_message_find(bq, 3);
    assert_string_equal(m->body, "back");
    assert_int_equal(m->state, SQS_MSG_VISIBLE);
    assert_int_equal(m->receive_count, 1);
    m = sqs_message_find(bq, 4);
    assert_int_equal(m->state, SQS_MSG_DELAYED);
    assert_int_equal(m->visible_at_ms, T0 + 3000 + 900000);
    m = sqs_message_find(bq, 5);
    assert_int_equal(m->attrs.n, 6);
    const struct sqs_attr *ab = sqs_attrs_find(&m->attrs, "b");
    assert_non_null(ab);
    assert_int_equal(ab->value_len, 5);
    assert_memory_equal(ab->value, bin, 5);
    assert_int_equal(sqs_attrs_find(&m->attrs, "bg")->value_len, 300);
    assert_string_equal(sqs_attrs_find(&m->sys_attrs, "AWSTraceHeader")->value,
                        "Root=1-5759e988-bd862e3fe1be46a994272793");
    struct sqs_queue *bdlq = lookup(b, "dlq");
    assert_int_equal(sqs_queue_message_count(bdlq), 1);
    assert_int_equal(sqs_queue_message_count(lookup(b, "src")), 0);
    for (size_t i = 0; i < bdlq->index.cap; i++)
        if (bdlq->index.slots[i]) {
            m = bdlq->index.slots[i];
            assert_string_equal(m->dlq_source_arn, SRC_ARN);
            assert_string_equal(m->body, "poison");
            assert_int_equal(m->sent_ms, T0);
            assert_int_equal(m->first_receive_ms, T0 + 1);
        }
    assert_int_equal(bq->n_inflight, 2);
    assert_int_equal(bq->n_delayed, 1);

    /* The handle from before the restart deletes, durably. */
    assert_int_equal(sqs_message_delete(bq, inflight_handle, RESTART, &b->err), DD_OK);
    assert_int_equal(sqs_queue_message_count(bq), 4);
    commit(sb);
    world_store_free(b, sb);
    struct world *c = reload(f->dir, RESTART, &sb);
    assert_null(sqs_message_find(lookup(c, "main"), 2));
    assert_int_equal(sqs_queue_message_count(lookup(c, "main")), 4);
    world_store_free(c, sb);
    world_free(a);
}

/* Deleting a queue removes its record, messages and receive states, and
 * nothing of its neighbours. */
static void test_delete_queue_removes_messages(void **state)
{
    struct fx *f = *state;
    struct sqs_lmdb_store *s = store_open(f->dir, SQS_DURABILITY_FSYNC);
    struct world *a = store_world(s, SEED_A);
    struct sqs_queue *qs[3] = { make_queue(a, "qa", NULL), make_queue(a, "qb", NULL),
                                make_queue(a, "qc", NULL) };
    struct sqs_received got[10];
    for (int i = 0; i < 3; i++) {
        for (int k = 0; k < 300; k++)
            send_body(a, qs[i], "m", T0);
        assert_int_equal(recv_n(a, qs[i], 10, 600, T0 + 1, got), 10);
        commit(s);
    }
    uint64_t ids[3] = { qs[0]->id, qs[1]->id, qs[2]->id };
    assert_int_equal(sqs_queue_delete(qs[1], T0 + 2, &a->err), DD_OK);
    commit(s);
    world_store_free(a, s);

    size_t total;
    assert_int_equal(raw_count(f->dir, "messages", ids[1], &total), 0);
    assert_int_equal(total, 600);
    assert_int_equal(raw_count(f->dir, "msgstate", ids[1], &total), 0);
    assert_int_equal(total, 20);
    assert_int_equal(raw_count(f->dir, "queues", ids[1], &total), 0);
    assert_int_equal(total, 2);
    assert_int_equal(raw_count(f->dir, "seqs", ids[1], NULL), 0);
    assert_int_equal(raw_count(f->dir, "messages", ids[0], NULL), 300);
    assert_int_equal(raw_count(f->dir, "messages", ids[2], NULL), 300);

    struct world *b = reload(f->dir, T0 + 3, &s);
    assert_int_equal(sqs_engine_queue_count(b->e), 2);
    assert_null(sqs_queue_lookup(b->e, ACCOUNT, "qb"));
    assert_int_equal(sqs_queue_message_count(lookup(b, "qa")), 300);
    assert_int_equal(sqs_queue_message_count(lookup(b, "qc")), 300);
    assert_int_equal(lookup(b, "qc")->n_inflight, 10);
    world_store_free(b, s);
}

/* PurgeQueue empties one queue on disk; the others keep everything, and
 * new seqs continue after the purged ones. */
static void test_purge(void **state)
{
    struct fx *f = *state;
    struct sqs_lmdb_store *s = store_open(f->dir, SQS_DURABILITY_FSYNC);
    struct world *a = store_world(s, SEED_A);
    struct sqs_queue *qa = make_queue(a, "qa", NULL), *qp = make_queue(a, "qp", NULL),
                     *qc = make_queue(a, "qc", NULL);
    struct sqs_received got[10];
    for (int k = 0; k < 1000; k++) {
        send_body(a, qa, "a", T0);
        send_body(a, qp, "p", T0);
        send_body(a, qc, "c", T0);
    }
    assert_int_equal(recv_n(a, qp, 10, 600, T0 + 1, got), 10);
    assert_int_equal(recv_n(a, qc, 10, 600, T0 + 1, got), 10);
    commit(s);
    uint64_t pid = qp->id;
    assert_int_equal(sqs_queue_purge(qp, T0 + 5, &a->err), DD_OK);
    commit(s);
    world_store_free(a, s);

    size_t total;
    assert_int_equal(raw_count(f->dir, "messages", pid, &total), 0);
    assert_int_equal(total, 2000);
    assert_int_equal(raw_count(f->dir, "msgstate", pid, &total), 0);
    assert_int_equal(total, 10);

    struct world *b = reload(f->dir, T0 + 10, &s);
    struct sqs_queue *bp = lookup(b, "qp");
    assert_int_equal(sqs_queue_message_count(bp), 0);
    assert_int_equal(bp->last_purge_ms, T0 + 5);
    assert_int_equal(sqs_queue_message_count(lookup(b, "qa")), 1000);
    assert_int_equal(sqs_queue_message_count(lookup(b, "qc")), 1000);
    assert_int_equal(lookup(b, "qc")->n_inflight, 10);
    struct sqs_message *m = send_body(b, bp, "after", T0 + 10);
    assert_true(m->seq > 1000);
    world_store_free(b, s);
}

/* A deleted message is gone after reopen, and its seq (the newest) is not
 * handed out again. */
static void test_deleted_message_gone(void **state)
{
    struct fx *f = *state;
    struct sqs_lmdb_store *s = store_open(f->dir, SQS_DURABILITY_FSYNC);
    struct world *a = store_world(s, SEED_A);
    struct sqs_queue *q = make_queue(a, "q", NULL);
    send_body(a, q, "one", T0);
    send_body(a, q, "two", T0);
    commit(s);
    send_body(a, q, "three", T0 + 1);
    struct sqs_received got[10];
    assert_int_equal(recv_n(a, q, 10, 30, T0 + 2, got), 3);
    /* Delete the first and the newest, in the same group as the receive. */
    assert_int_equal(sqs_message_delete(q, got[0].receipt_handle, T0 + 3, &a->err), DD_OK);
    assert_int_equal(sqs_message_delete(q, got[2].receipt_handle, T0 + 3, &a->err), DD_OK);
    commit(s);
    world_store_free(a, s);

    struct world *b = reload(f->dir, T0 + 4, &s);
    struct sqs_queue *bq = lookup(b, "q");
    assert_int_equal(sqs_queue_message_count(bq), 1);
    assert_null(sqs_message_find(bq, 1));
    assert_null(sqs_message_find(bq, 3));
    assert_string_equal(sqs_message_find(bq, 2)->body, "two");
    assert_int_equal(sqs_message_find(bq, 2)->receive_count, 1);
    struct sqs_message *m = send_body(b, bq, "four", T0 + 5);
    assert_int_equal(m->seq, 4);
    world_store_free(b, s);
}

/* Close without commit: the open group never happened. */
static void test_uncommitted_not_visible(void **state)
{
    struct fx *f = *state;
    struct sqs_lmdb_store *s = store_open(f->dir, SQS_DURABILITY_FSYNC);
    struct world *a = store_world(s, SEED_A);
    assert_int_equal(sqs_lmdb_store_dirty(s), 0);
    struct sqs_queue *q = make_queue(a, "kept", NULL);
    assert_int_equal(sqs_lmdb_store_dirty(s), 1);
    send_body(a, q, "committed", T0);
    commit(s);
    send_body(a, q, "lost", T0 + 1);
    make_queue(a, "lost-queue", NULL);
    struct sqs_received got[10];
    assert_int_equal(recv_n(a, q, 10, 30, T0 + 2, got), 2);
    assert_int_equal(sqs_message_delete(q, got[0].receipt_handle, T0 + 3, &a->err), DD_OK);
    assert_int_equal(sqs_lmdb_store_dirty(s), 1);
    world_store_free(a, s); /* no commit */

    struct world *b = reload(f->dir, T0 + 4, &s);
    assert_int_equal(sqs_engine_queue_count(b->e), 1);
    struct sqs_queue *bq = lookup(b, "kept");
    assert_int_equal(sqs_queue_message_count(bq), 1);
    const struct sqs_message *m = sqs_message_find(bq, 1);
    assert_non_null(m);
    assert_string_equal(m->body, "committed");
    assert_int_equal(m->receive_count, 0);
    assert_int_equal(m->state, SQS_MSG_VISIBLE);
    world_store_free(b, s);
}

/* Wipe drops everything in the current group; queue ids stay retired. */
static void test_wipe(void **state)
{
    struct fx *f = *state;
    struct sqs_lmdb_store *s = store_open(f->dir, SQS_DURABILITY_FSYNC);
    struct world *a = store_world(s, SEED_A);
    struct sqs_queue *q1 = make_queue(a, "q1", NULL), *q2 = make_queue(a, "q2", NULL);
    for (int i = 0; i < 50; i++) {
        send_body(a, q1, "x", T0);
        send_body(a, q2, "y", T0);
    }
    struct sqs_received got[10];
    recv_n(a, q1, 10, 30, T0, got);
    commit(s);
    uint64_t max_id = q2->id;
    /* An uncommitted wipe is no wipe. */
    assert_int_equal(sqs_lmdb_store_wipe(s), DD_OK);
    assert_int_equal(sqs_lmdb_store_dirty(s), 1);
    world_store_free(a, s);
    struct world *b = reload(f->dir, T0, &s);
    assert_int_equal(sqs_engine_queue_count(b->e), 2);
    assert_int_equal(sqs_queue_message_count(lookup(b, "q1")), 50);
    /* Now for real, as /_drydock/reset does it. */
    if (sqs_engine_reset(b->e) != DD_OK)
        fail_msg("reset: %s", sqs_lmdb_store_last_error(s));
    assert_int_equal(sqs_lmdb_store_wipe(s), DD_OK);
    commit(s);
    world_store_free(b, s);
    size_t total;
    raw_count(f->dir, "messages", 0, &total);
    assert_int_equal(total, 0);
    raw_count(f->dir, "msgstate", 0, &total);
    assert_int_equal(total, 0);
    raw_count(f->dir, "queues", 0, &total);
    assert_int_equal(total, 0);
    raw_count(f->dir, "seqs", 0, &total);
    assert_int_equal(total, 0);
    struct world *c = reload(f->dir, T0, &s);
    assert_int_equal(sqs_engine_queue_count(c->e), 0);
    struct sqs_queue *fresh = make_queue(c, "q1", NULL);
    assert_true(fresh->id > max_id);
    commit(s);
    world_store_free(c, s);
}

/* BATCH mode: commits are visible after reopen once synced. */
static void test_batch_mode(void **state)
{
    struct fx *f = *state;
    struct sqs_lmdb_store *s = store_open(f->dir, SQS_DURABILITY_BATCH);
    struct world *a = store_world(s, SEED_A);
    struct sqs_queue *q = make_queue(a, "q", NULL);
    for (int i = 0; i < 100; i++)
        send_body(a, q, "b", T0);
    commit(s);
    assert_int_equal(sqs_lmdb_store_sync(s), DD_OK);
    world_store_free(a, s);
    struct world *b = reload(f->dir, T0, &s);
    assert_int_equal(sqs_queue_message_count(lookup(b, "q")), 100);
    world_store_free(b, s);
}

/* Corrupt or inconsistent records fail the load with a clean error naming
 * the record; the store loads again once they are repaired. */
static void test_corrupt_records(void **state)
{
    struct fx *f = *state;
    struct sqs_lmdb_store *s = store_open(f->dir, SQS_DURABILITY_FSYNC);
    struct world *a = store_world(s, SEED_A);
    struct sqs_queue *q = make_queue(a, "q", NULL);
    struct sqs_attrs at = { 0 };
    assert_int_equal(sqs_attrs_add(&at, "b", "Binary", "\0\1", 2), DD_OK);
    send_full(a, q, "first", &at, NULL, SQS_PARAM_ABSENT, T0);
    sqs_attrs_release(&at);
    send_body(a, q, "second", T0);
    struct sqs_received got[10];
    assert_int_equal(recv_n(a, q, 1, 600, T0, got), 1);
    commit(s);
    uint64_t qid = q->id;
    world_store_free(a, s);

    char err[ERRBUF_SZ], want[128];
    assert_int_equal(try_load(f->dir, err, sizeof(err)), DD_OK);
    unsigned char k1[16], k[16];
    msg_key(k1, qid, 1);
    size_t len = 0;
    unsigned char *real = raw_get(f->dir, "messages", k1, 16, &len);
    assert_non_null(real);
    unsigned char *v = malloc(len);
    assert_non_null(v);

    /* Garbage under a new key. */
    msg_key(k, qid, 999);
    raw_write(f->dir, "messages", k, 16, "garbage!", 8);
    snprintf(want, sizeof(want), "messages: queue %llu seq 999: ", (unsigned long long)qid);
    expect_corrupt(f->dir, want);
    raw_write(f->dir, "messages", k, 16, NULL, 0);
    /* Too short to be a record at all. */
    raw_write(f->dir, "messages", k1, 16, "", 0);
    expect_corrupt(f->dir, "record too short");
    /* A flipped bit. */
    memcpy(v, real, len);
    v[len / 2] ^= 0x10;
    raw_write(f->dir, "messages", k1, 16, v, len);
    expect_corrupt(f->dir, "checksum mismatch");
    /* Truncated, checksum made consistent. */
    memcpy(v, real, len);
    reseal(v, len - 3);
    raw_write(f->dir, "messages", k1, 16, v, len - 3);
    expect_corrupt(f->dir, "messages: queue");
    /* A version from the future. */
    memcpy(v, real, len);
    v[0] = 2;
    reseal(v, len);
    raw_write(f->dir, "messages", k1, 16, v, len);
    expect_corrupt(f->dir, "unknown record format version");
    /* An unknown state. */
    memcpy(v, real, len);
    v[2] = 7;
    reseal(v, len);
    raw_write(f->dir, "messages", k1, 16, v, len);
    expect_corrupt(f->dir, "unknown message state");
    /* The record of seq 1 under seq 5. */
    msg_key(k, qid, 5);
    raw_write(f->dir, "messages", k1, 16, real, len);
    raw_write(f->dir, "messages", k, 16, real, len);
    expect_corrupt(f->dir, "seq differs from the key");
    raw_write(f->dir, "messages", k, 16, NULL, 0);
    /* A message of a queue that does not exist. */
    msg_key(k, 4242, 1);
    raw_write(f->dir, "messages", k, 16, real, len);
    expect_corrupt(f->dir, "no such queue");
    raw_write(f->dir, "messages", k, 16, NULL, 0);
    /* A key of the wrong size. */
    raw_write(f->dir, "messages", "abc", 3, real, len);
    expect_corrupt(f->dir, "a key of 3 bytes");
    raw_write(f->dir, "messages", "abc", 3, NULL, 0);

    /* Hand-built records with a valid checksum and lying lengths. */
    struct rb r = { .n = 0 };
    rb_prefix(&r, 'M', 0, 0, 0);
    rb_le(&r, 999, 8);
    rb_le(&r, (uint64_t)T0, 8);
    rb_le(&r, (uint64_t)T0, 8);
    rb_le(&r, 0, 8);
    rb_varint(&r, UINT64_C(1) << 40); /* the id's length */
    rb_bytes(&r, "abc", 4);
    rb_seal(&r);
    msg_key(k, qid, 999);
    raw_write(f->dir, "messages", k, 16, r.b, r.n);
    expect_corrupt(f->dir, "field longer than the record");
    /* A varint that never ends. */
    r.n = 0;
    rb_prefix(&r, 'M', 0, 0, 0);
    rb_le(&r, 999, 8);
    rb_le(&r, (uint64_t)T0, 8);
    rb_le(&r, (uint64_t)T0, 8);
    rb_le(&r, 0, 8);
    for (int i = 0; i < 12; i++)
        rb_bytes(&r, "\xff", 1);
    rb_seal(&r);
    raw_write(f->dir, "messages", k, 16, r.b, r.n);
    expect_corrupt(f->dir, "malformed length");
    /* An attribute count of 2^50. */
    r.n = 0;
    rb_prefix(&r, 'M', 0, 0, 0);
    rb_le(&r, 999, 8);
    rb_le(&r, (uint64_t)T0, 8);
    rb_le(&r, (uint64_t)T0, 8);
    rb_le(&r, 0, 8);
    rb_str(&r, "7a1c9ba2-2f5e-4a5e-9a2f-0d2e8a0b4c11");
    rb_str(&r, "");
    rb_str(&r, "");
    rb_str(&r, "");
    rb_str(&r, "body");
    rb_varint(&r, UINT64_C(1) << 50);
    rb_seal(&r);
    raw_write(f->dir, "messages", k, 16, r.b, r.n);
    expect_corrupt(f->dir, "attribute count larger than the record");
    /* A text field with a NUL inside. */
    r.n = 0;
    rb_prefix(&r, 'M', 0, 0, 0);
    rb_le(&r, 999, 8);
    rb_le(&r, (uint64_t)T0, 8);
    rb_le(&r, (uint64_t)T0, 8);
    rb_le(&r, 0, 8);
    rb_varint(&r, 3);
    rb_bytes(&r, "a\0b", 4);
    rb_seal(&r);
    raw_write(f->dir, "messages", k, 16, r.b, r.n);
    expect_corrupt(f->dir, "malformed text field");
    /* The same built well loads: the builder is right, the checks are. */
    r.n = 0;
    rb_prefix(&r, 'M', SQS_MSG_INFLIGHT, 0, 3);
    rb_le(&r, 999, 8);
    rb_le(&r, (uint64_t)T0, 8);
    rb_le(&r, (uint64_t)T0, 8);
    rb_le(&r, 0, 8);
    rb_str(&r, "7a1c9ba2-2f5e-4a5e-9a2f-0d2e8a0b4c11");
    rb_str(&r, "");
    rb_str(&r, "");
    rb_str(&r, "");
    rb_str(&r, "built");
    rb_varint(&r, 0);
    rb_varint(&r, 0);
    rb_seal(&r);
    raw_write(f->dir, "messages", k, 16, r.b, r.n);
    assert_int_equal(try_load(f->dir, err, sizeof(err)), DD_OK);
    /* ... but not with bytes after its last field. */
    r.n -= 4;
    rb_bytes(&r, "!", 1);
    rb_seal(&r);
    raw_write(f->dir, "messages", k, 16, r.b, r.n);
    expect_corrupt(f->dir, "trailing bytes");
    raw_write(f->dir, "messages", k, 16, NULL, 0);

    /* Receive states: an orphan, and a wrong type. */
    r.n = 0;
    rb_prefix(&r, 'S', SQS_MSG_INFLIGHT, 0, 9);
    rb_seal(&r);
    assert_int_equal(r.n, 36);
    msg_key(k, qid, 77);
    raw_write(f->dir, "msgstate", k, 16, r.b, r.n);
    expect_corrupt(f->dir, "receive state without its message");
    raw_write(f->dir, "msgstate", k, 16, NULL, 0);
    msg_key(k, qid, 1); /* "first" was received: its state record exists */
    size_t slen = 0;
    unsigned char *sreal = raw_get(f->dir, "msgstate", k, 16, &slen);
    assert_non_null(sreal);
    assert_int_equal(slen, 36);
    raw_write(f->dir, "msgstate", k, 16, real, len);
    expect_corrupt(f->dir, "wrong record type");
    raw_write(f->dir, "msgstate", k, 16, sreal, slen);
    free(sreal);

    /* Queue and meta records. */
    unsigned char qk[8];
    for (int i = 0; i < 8; i++)
        qk[i] = (unsigned char)(qid >> (56 - 8 * i));
    size_t qlen = 0;
    unsigned char *qreal = raw_get(f->dir, "queues", qk, 8, &qlen);
    assert_non_null(qreal);
    raw_write(f->dir, "queues", qk, 8, "junk-junk-junk", 14);
    snprintf(want, sizeof(want), "queues: queue %llu: ", (unsigned long long)qid);
    expect_corrupt(f->dir, want);
    raw_write(f->dir, "queues", qk, 8, qreal, qlen);
    unsigned char *qv = malloc(qlen);
    assert_non_null(qv);
    memcpy(qv, qreal, qlen);
    qv[qlen - 6] = '\x01'; /* inside the last field, checksum made consistent */
    reseal(qv, qlen);
    raw_write(f->dir, "queues", qk, 8, qv, qlen);
    expect_corrupt(f->dir, "queues: queue");
    raw_write(f->dir, "queues", qk, 8, qreal, qlen);
    raw_write(f->dir, "seqs", qk, 8, "x", 1);
    expect_corrupt(f->dir, "seqs: queue");
    raw_write(f->dir, "seqs", qk, 8, NULL, 0);
    free(qv);
    free(qreal);

    /* Every byte of a real record mutated (checksum made consistent, so the
     * parser itself is exercised), and every truncation: a clean answer
     * each time, and the engine keeps what loaded. */
    size_t n_ok = 0, n_eio = 0;
    for (size_t i = 0; i + 4 < len; i++) {
        for (int variant = 0; variant < 2; variant++) {
            memcpy(v, real, len);
            v[i] = variant ? (unsigned char)(v[i] ^ 0xFF) : (unsigned char)(v[i] + 1);
            reseal(v, len);
            raw_write(f->dir, "messages", k1, 16, v, len);
            err[0] = '\0';
            int rc = try_load(f->dir, err, sizeof(err));
            if (rc == DD_OK)
                n_ok++;
            else if (rc == DD_EIO && err[0])
                n_eio++;
            else
                fail_msg("byte %zu: %s (%s)", i, dd_strerror(rc), err);
        }
    }
    for (size_t cut = 6; cut < len; cut++) {
        memcpy(v, real, cut);
        reseal(v, cut);
        raw_write(f->dir, "messages", k1, 16, v, cut);
        assert_int_equal(try_load(f->dir, err, sizeof(err)), DD_EIO);
    }
    print_message("record of %zu bytes: %zu mutations load, %zu are refused cleanly\n", len, n_ok,
                  n_eio);
    assert_int_equal(n_ok + n_eio, 2 * (len - 4));
    assert_true(n_eio > 20);
    raw_write(f->dir, "messages", k1, 16, real, len);
    assert_int_equal(try_load(f->dir, err, sizeof(err)), DD_OK);
    free(v);
    free(real);
}

/* The map starts tiny and grows between transactions; a group bigger than
 * the whole map is not lost: the thread doubles the map and applies it again
 * until it fits, and the store loads with everything. */
static void test_map_growth(void **state)
{
    struct fx *f = *state;
    struct sqs_lmdb_store *s = NULL;
    char err[ERRBUF_SZ];
    assert_int_equal(
        sqs_lmdb_store_open_sized(f->dir, SQS_DURABILITY_BATCH, 1 << 20, &s, err, sizeof(err)),
        DD_OK);
    struct world *a = store_world(s, SEED_A);
    struct sqs_queue *q = make_queue(a, "q", NULL);
    commit(s);
    size_t size0 = sqs_lmdb_store_map_size(s);
    char body[1024];
    memset(body, 'k', sizeof(body) - 1);
    body[sizeof(body) - 1] = '\0';
    for (int g = 0; g < 40; g++) {
        for (int i = 0; i < 50; i++)
            send_body(a, q, body, T0);
        commit(s);
    }
    size_t size1 = sqs_lmdb_store_map_size(s);
    assert_true(size1 >= 4 * size0);
    /* One group larger than the whole map: recorded without failing. */
    size_t big = size1 / 1000 + 500;
    for (size_t i = 0; i < big; i++) {
        struct sqs_send_params p = send_params(body);
        assert_int_equal(sqs_message_send(q, &p, T0, NULL, &a->err), DD_OK);
    }
    assert_int_equal(sqs_lmdb_store_dirty(s), 1);
    commit(s);
    assert_true(sqs_lmdb_store_map_size(s) > size1);
    size_t in_memory = sqs_queue_message_count(q);
    assert_int_equal(in_memory, 2000 + big);
    /* Receive everything, 50 receives per group. */
    struct sqs_received got[10];
    size_t received = 0;
    for (;;) {
        size_t n = 0;
        for (int r = 0; r < 50; r++)
            n += recv_n(a, q, 10, 43200, T0 + 1, got);
        commit(s);
        received += n;
        if (n == 0)
            break;
    }
    assert_int_equal(received, in_memory);
    world_store_free(a, s);
    struct world *b = reload(f->dir, T0 + 2, &s);
    struct sqs_queue *bq = lookup(b, "q");
    assert_int_equal(sqs_queue_message_count(bq), in_memory);
    assert_int_equal(bq->n_inflight, in_memory);
    world_store_free(b, s);
}

/* ---- the pipeline ---- */

/* Results delivered by reap, in order. */
struct reaped {
    struct sqs_lmdb_result r[64];
    size_t n;
};

static void on_result(void *ctx, const struct sqs_lmdb_result *r)
{
    struct reaped *rp = ctx;
    assert_true(rp->n < DD_ARRAY_LEN(rp->r));
    rp->r[rp->n++] = *r;
}

/* Reaps into rp (appending); returns the results delivered this time. */
static size_t reap_into(struct sqs_lmdb_store *s, struct world *w, struct reaped *rp)
{
    return sqs_lmdb_store_reap(s, w ? w->e : NULL, on_result, rp);
}

/* Waits for every submitted batch without submitting the current one. */
static void drain(struct sqs_lmdb_store *s)
{
    if (sqs_lmdb_store_dirty(s))
        fail_msg("drain with a dirty batch would submit it");
    assert_int_equal(sqs_lmdb_store_commit(s), DD_OK);
}

/* The u32 receive count at bytes 4..7 of an 'M' or 'S' record. */
static uint32_t rec_count(const unsigned char *v)
{
    return (uint32_t)v[4] | (uint32_t)v[5] << 8 | (uint32_t)v[6] << 16 | (uint32_t)v[7] << 24;
}

/* Raw look at (qid, seq): whether 'M' and 'S' exist, and their receive counts. */
static void disk_message(const char *dir, uint64_t qid, uint64_t seq, int *has_m, uint32_t *m_count,
                         int *has_s, uint32_t *s_count)
{
    unsigned char k[16];
    msg_key(k, qid, seq);
    size_t len = 0;
    unsigned char *m = raw_get(dir, "messages", k, 16, &len);
    *has_m = m != NULL;
    *m_count = m ? rec_count(m) : 0;
    if (m)
        assert_int_equal(m[1], 'M');
    free(m);
    unsigned char *st = raw_get(dir, "msgstate", k, 16, &len);
    *has_s = st != NULL;
    *s_count = st ? rec_count(st) : 0;
    if (st) {
        assert_int_equal(len, 36);
        assert_int_equal(st[1], 'S');
    }
    free(st);
}

/* Batches are numbered in submission order, the current batch and the
 * reply horizon behave as documented, results come back in order covering
 * every batch once, and changes spread over several batches in flight at
 * once land in order (a message sent in one batch and deleted in the next is
 * gone; a queue deleted after its messages leaves nothing). */
static void test_pipeline_order(void **state)
{
    struct fx *f = *state;
    struct sqs_lmdb_store *s = store_open(f->dir, SQS_DURABILITY_FSYNC);
    struct world *a = store_world(s, SEED_A);
    assert_int_equal(sqs_lmdb_store_horizon(s), 0);
    assert_int_equal(sqs_lmdb_store_submit(s), 0); /* nothing to submit */
    assert_int_equal(sqs_lmdb_store_idle(s), 1);
    assert_true(sqs_lmdb_store_notify_fd(s) >= 0);

    struct sqs_queue *q = make_queue(a, "q", NULL), *gone = make_queue(a, "gone", NULL);
    assert_int_equal(sqs_lmdb_store_horizon(s), 1); /* the current batch's future number */
    assert_int_equal(sqs_lmdb_store_submit(s), 1);
    assert_int_equal(sqs_lmdb_store_horizon(s), 1); /* now the newest submitted */
    assert_int_equal(sqs_lmdb_store_dirty(s), 0);
    struct sqs_message *keep = send_body(a, q, "keep", T0);
    struct sqs_message *drop = send_body(a, q, "drop", T0);
    for (int i = 0; i < 20; i++)
        send_body(a, gone, "g", T0);
    uint64_t keep_seq = keep->seq, drop_seq = drop->seq, gone_id = gone->id;
    assert_int_equal(sqs_lmdb_store_submit(s), 2);
    struct sqs_received got[10];
    assert_int_equal(recv_n(a, q, 10, 600, T0 + 1, got), 2);
    const char *dh =
        strcmp(got[0].msg->body, "drop") == 0 ? got[0].receipt_handle : got[1].receipt_handle;
    assert_int_equal(sqs_message_delete(q, dh, T0 + 2, &a->err), DD_OK);
    assert_int_equal(sqs_lmdb_store_submit(s), 3);
    assert_int_equal(sqs_queue_delete(gone, T0 + 3, &a->err), DD_OK);
    assert_int_equal(sqs_lmdb_store_submit(s), 4);
    assert_int_equal(sqs_lmdb_store_reaped(s), 0);
    drain(s);
    assert_int_equal(sqs_lmdb_store_idle(s), 1);
    assert_int_equal(sqs_lmdb_store_reaped(s), 0); /* waiting is not reaping */

    struct reaped rp = { .n = 0 };
    assert_true(reap_into(s, a, &rp) >= 1);
    assert_int_equal(sqs_lmdb_store_dirty(s), 0); /* nothing failed: nothing re-recorded */
    uint64_t next = 1;
    for (size_t i = 0; i < rp.n; i++) {
        assert_int_equal(rp.r[i].first, next);
        assert_true(rp.r[i].last >= rp.r[i].first);
        assert_int_equal(rp.r[i].rc, DD_OK);
        assert_int_equal(rp.r[i].commits, 1);
        assert_true(rp.r[i].commit_ns > 0);
        next = rp.r[i].last + 1;
    }
    assert_int_equal(next, 5);
    assert_int_equal(sqs_lmdb_store_reaped(s), 4);
    assert_int_equal(reap_into(s, a, &rp), 0); /* each result is delivered once */
    world_store_free(a, s);

    assert_int_equal(raw_count(f->dir, "messages", gone_id, NULL), 0);
    assert_int_equal(raw_count(f->dir, "queues", gone_id, NULL), 0);
    struct world *b = reload(f->dir, T0 + 5, &s);
    struct sqs_queue *bq = lookup(b, "q");
    assert_int_equal(sqs_queue_message_count(bq), 1);
    assert_null(sqs_message_find(bq, drop_seq));
    const struct sqs_message *m = sqs_message_find(bq, keep_seq);
    assert_non_null(m);
    assert_string_equal(m->body, "keep");
    assert_int_equal(m->receive_count, 1);
    assert_int_equal(m->state, SQS_MSG_INFLIGHT);
    assert_null(sqs_queue_lookup(b->e, ACCOUNT, "gone"));
    world_store_free(b, s);
}

/* Batches submitted while the thread is busy go into one transaction: with
 * the thread paused, three submitted batches come back as one result; the
 * notify fd is readable exactly when results wait to be reaped. */
static void test_coalescing(void **state)
{
    struct fx *f = *state;
    struct sqs_lmdb_store *s = store_open(f->dir, SQS_DURABILITY_FSYNC);
    struct world *a = store_world(s, SEED_A);
    struct pollfd pfd = { sqs_lmdb_store_notify_fd(s), POLLIN, 0 };
    assert_int_equal(poll(&pfd, 1, 0), 0);
    sqs_lmdb_store_pause(s, 1);
    struct sqs_queue *q = make_queue(a, "q", NULL);
    assert_int_equal(sqs_lmdb_store_submit(s), 1);
    for (int i = 0; i < 100; i++)
        send_body(a, q, "one", T0);
    assert_int_equal(sqs_lmdb_store_submit(s), 2);
    struct sqs_received got[10];
    assert_int_equal(recv_n(a, q, 10, 600, T0 + 1, got), 10);
    assert_int_equal(sqs_lmdb_store_submit(s), 3);
    struct timespec ts = { 0, 20 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    assert_int_equal(sqs_lmdb_store_idle(s), 0); /* paused: nothing taken */
    assert_int_equal(poll(&pfd, 1, 0), 0);
    sqs_lmdb_store_pause(s, 0);
    assert_int_equal(poll(&pfd, 1, 5000), 1);
    drain(s);
    struct reaped rp = { .n = 0 };
    assert_int_equal(reap_into(s, a, &rp), 1);
    assert_int_equal(rp.r[0].first, 1);
    assert_int_equal(rp.r[0].last, 3);
    assert_int_equal(rp.r[0].rc, DD_OK);
    assert_int_equal(rp.r[0].commits, 1);
    assert_int_equal(poll(&pfd, 1, 0), 0); /* reaping cleared it */
    world_store_free(a, s);

    struct world *b = reload(f->dir, T0 + 2, &s);
    struct sqs_queue *bq = lookup(b, "q");
    assert_int_equal(sqs_queue_message_count(bq), 100);
    assert_int_equal(bq->n_inflight, 10);
    world_store_free(b, s);
}

/*
 * A failed transaction fails its batches only: batch 1 (a queue and 30
 * sends) fails, batch 2 (receives of those messages, as receive states, and
 * 5 more sends) succeeds. The store must still load at that point: the
 * thread skipped batch 2's records whose queue or message were lost, so
 * nothing is orphaned. Then reap re-records what the failure lost from
 * memory, and after the next commit disk equals memory.
 */
static void test_failed_batch(void **state)
{
    struct fx *f = *state;
    char dir2[300];
    snprintf(dir2, sizeof(dir2), "%s/second", f->dir);
    for (int pass = 0; pass < 2; pass++) {
        const char *dir = pass == 0 ? f->dir : dir2;
        struct sqs_lmdb_store *s = store_open(dir, SQS_DURABILITY_FSYNC);
        struct world *a = store_world(s, SEED_A);
        struct sqs_queue *kept = make_queue(a, "kept", NULL);
        send_body(a, kept, "before", T0);
        commit(s);

        sqs_lmdb_store_inject_failures(s, 1);
        struct sqs_queue *q = make_queue(a, "q", NULL);
        for (int i = 0; i < 30; i++)
            send_body(a, q, "lost send", T0);
        send_body(a, kept, "lost too", T0);
        assert_int_equal(sqs_lmdb_store_commit(s), DD_EIO);
        assert_non_null(strstr(sqs_lmdb_store_last_error(s), "injected fault"));
        assert_int_equal(sqs_lmdb_store_dirty(s), 0);

        struct sqs_received got[10];
        assert_int_equal(recv_n(a, q, 10, 600, T0 + 1, got), 10);
        assert_int_equal(recv_n(a, kept, 10, 600, T0 + 1, got), 2);
        for (int i = 0; i < 5; i++)
            send_body(a, q, "later send", T0 + 2);
        assert_int_equal(sqs_lmdb_store_commit(s), DD_OK);

        struct reaped rp = { .n = 0 };
        assert_int_equal(reap_into(s, pass == 0 ? NULL : a, &rp), 3);
        assert_int_equal(rp.r[0].rc, DD_OK);
        assert_int_equal(rp.r[1].first, 2);
        assert_int_equal(rp.r[1].last, 2);
        assert_int_equal(rp.r[1].rc, DD_EIO);
        assert_int_equal(rp.r[2].first, 3);
        assert_int_equal(rp.r[2].rc, DD_OK);
        if (pass == 0) {
            /* As if the daemon died now: what is on disk loads, with the
             * acknowledged batches only. */
            assert_int_equal(sqs_lmdb_store_dirty(s), 0);
            world_store_free(a, s);
            char err[ERRBUF_SZ];
            assert_int_equal(try_load(dir, err, sizeof(err)), DD_OK);
            struct world *b = reload(dir, T0 + 3, &s);
            assert_null(sqs_queue_lookup(b->e, ACCOUNT, "q"));
            struct sqs_queue *bk = lookup(b, "kept");
            assert_int_equal(sqs_queue_message_count(bk), 1);
            assert_int_equal(bk->n_inflight, 1);
            world_store_free(b, s);
            continue;
        }
        /* Reap with the engine re-recorded the lost queue and messages. */
        assert_int_equal(sqs_lmdb_store_dirty(s), 1);
        commit(s);
        world_store_free(a, s);
        struct world *b = reload(dir, T0 + 3, &s);
        struct sqs_queue *bq = lookup(b, "q");
        assert_int_equal(sqs_queue_message_count(bq), 35);
        assert_int_equal(bq->n_inflight, 10);
        struct sqs_queue *bk = lookup(b, "kept");
        assert_int_equal(sqs_queue_message_count(bk), 2);
        assert_int_equal(bk->n_inflight, 2);
        world_store_free(b, s);
    }
}

/* A failed purge, deletion and queue deletion are redone from memory: the
 * disk ends up equal to memory, not to the last successful commit. */
static void test_failed_deletions_resync(void **state)
{
    struct fx *f = *state;
    struct sqs_lmdb_store *s = store_open(f->dir, SQS_DURABILITY_FSYNC);
    struct world *a = store_world(s, SEED_A);
    struct sqs_queue *qp = make_queue(a, "purged", NULL), *qd = make_queue(a, "deleted", NULL);
    struct sqs_queue *qm = make_queue(a, "msgs", NULL);
    for (int i = 0; i < 20; i++) {
        send_body(a, qp, "p", T0);
        send_body(a, qd, "d", T0);
        send_body(a, qm, "m", T0);
    }
    commit(s);
    uint64_t qd_id = qd->id;
    struct sqs_received got[10];
    assert_int_equal(recv_n(a, qm, 3, 600, T0 + 1, got), 3);
    commit(s);

    sqs_lmdb_store_inject_failures(s, 1);
    assert_int_equal(sqs_queue_purge(qp, T0 + 2, &a->err), DD_OK);
    send_body(a, qp, "after purge", T0 + 2);
    assert_int_equal(sqs_queue_delete(qd, T0 + 2, &a->err), DD_OK);
    assert_int_equal(sqs_message_delete(qm, got[0].receipt_handle, T0 + 2, &a->err), DD_OK);
    assert_int_equal(sqs_lmdb_store_commit(s), DD_EIO);
    struct reaped rp = { .n = 0 };
    reap_into(s, a, &rp);
    assert_int_equal(rp.r[rp.n - 1].rc, DD_EIO);
    commit(s);
    world_store_free(a, s);

    assert_int_equal(raw_count(f->dir, "queues", qd_id, NULL), 0);
    assert_int_equal(raw_count(f->dir, "messages", qd_id, NULL), 0);
    struct world *b = reload(f->dir, T0 + 3, &s);
    assert_null(sqs_queue_lookup(b->e, ACCOUNT, "deleted"));
    struct sqs_queue *bp = lookup(b, "purged");
    assert_int_equal(sqs_queue_message_count(bp), 1);
    assert_int_equal(bp->last_purge_ms, T0 + 2);
    struct sqs_queue *bm = lookup(b, "msgs");
    assert_int_equal(sqs_queue_message_count(bm), 19);
    assert_int_equal(bm->n_inflight, 2);
    world_store_free(b, s);
}

/* A failed wipe is redone, then everything still in memory rewritten. */
static void test_failed_wipe_resync(void **state)
{
    struct fx *f = *state;
    struct sqs_lmdb_store *s = store_open(f->dir, SQS_DURABILITY_FSYNC);
    struct world *a = store_world(s, SEED_A);
    struct sqs_queue *q = make_queue(a, "old", NULL);
    for (int i = 0; i < 10; i++)
        send_body(a, q, "x", T0);
    commit(s);
    assert_int_equal(sqs_engine_reset(a->e), DD_OK);
    assert_int_equal(sqs_lmdb_store_wipe(s), DD_OK);
    struct sqs_queue *nq = make_queue(a, "new", NULL);
    send_body(a, nq, "fresh", T0 + 1);
    sqs_lmdb_store_inject_failures(s, 1);
    assert_int_equal(sqs_lmdb_store_commit(s), DD_EIO);
    struct reaped rp = { .n = 0 };
    reap_into(s, a, &rp);
    assert_int_equal(rp.r[rp.n - 1].rc, DD_EIO);
    assert_int_equal(sqs_lmdb_store_dirty(s), 1);
    commit(s);
    world_store_free(a, s);
    struct world *b = reload(f->dir, T0 + 2, &s);
    assert_int_equal(sqs_engine_queue_count(b->e), 1);
    assert_int_equal(sqs_queue_message_count(lookup(b, "new")), 1);
    world_store_free(b, s);
}

/* Close waits for every submitted batch (and drops only the unsubmitted one). */
static void test_close_drains(void **state)
{
    struct fx *f = *state;
    struct sqs_lmdb_store *s = store_open(f->dir, SQS_DURABILITY_BATCH);
    struct world *a = store_world(s, SEED_A);
    struct sqs_queue *q = make_queue(a, "q", NULL);
    sqs_lmdb_store_pause(s, 1);
    for (int g = 0; g < 5; g++) {
        for (int i = 0; i < 100; i++)
            send_body(a, q, "queued", T0);
        assert_int_equal(sqs_lmdb_store_submit(s), (uint64_t)g + 1);
    }
    send_body(a, q, "never submitted", T0);
    world_store_free(a, s); /* paused: close must still drain */
    struct world *b = reload(f->dir, T0, &s);
    assert_int_equal(sqs_queue_message_count(lookup(b, "q")), 500);
    world_store_free(b, s);
}

/*
 * The full-record-or-state decision, read on disk: a send writes 'M' (receive
 * count 0) and no 'S'; a receive writes only 'S'; after a restart, receives
 * of loaded messages still write only 'S' and new sends 'M'; a DLQ move
 * writes 'M' under the new seq in the dead-letter queue and deletes both
 * records under the old key, before and after a restart.
 */
static void test_full_vs_state(void **state)
{
    struct fx *f = *state;
    struct sqs_lmdb_store *s = store_open(f->dir, SQS_DURABILITY_FSYNC);
    struct world *a = store_world(s, SEED_A);
    struct sqs_queue *dlq = make_queue(a, "dlq", NULL);
    struct sqs_queue *src =
        make_queue(a, "src", "RedrivePolicy",
                   "{\"deadLetterTargetArn\":\"" DLQ_ARN "\",\"maxReceiveCount\":1}", NULL);
    struct sqs_queue *q = make_queue(a, "q", NULL);
    uint64_t qid = q->id, src_id = src->id, dlq_id = dlq->id;
    send_body(a, q, "one", T0);
    send_body(a, q, "two", T0);
    send_body(a, src, "poison", T0);
    send_body(a, src, "poison2", T0);
    commit(s);
    struct sqs_received got[10];
    assert_int_equal(recv_n(a, q, 1, 1, T0 + 1, got), 1);   /* seq 1, visible again at T0+1001 */
    assert_int_equal(recv_n(a, src, 1, 0, T0 + 1, got), 1); /* poison: count 1 */
    commit(s);
    /* Second receive of poison: moved to the DLQ with a new seq there. */
    assert_int_equal(recv_n(a, src, 1, 0, T0 + 2, got), 1); /* poison2 received instead */
    commit(s);
    assert_int_equal(recv_n(a, src, 10, 0, T0 + 3, got), 0); /* both moved */
    assert_int_equal(sqs_queue_message_count(dlq), 2);
    commit(s);
    world_store_free(a, s);

    int hm, hs;
    uint32_t mc, sc;
    disk_message(f->dir, qid, 1, &hm, &mc, &hs, &sc);
    assert_true(hm && mc == 0 && hs && sc == 1); /* the receive wrote 'S' only */
    disk_message(f->dir, qid, 2, &hm, &mc, &hs, &sc);
    assert_true(hm && mc == 0 && !hs);
    for (uint64_t seq = 1; seq <= 2; seq++) {
        disk_message(f->dir, src_id, seq, &hm, &mc, &hs, &sc);
        assert_true(!hm && !hs); /* moved away: both records gone */
        disk_message(f->dir, dlq_id, seq, &hm, &mc, &hs, &sc);
        assert_true(hm && mc == 1 && !hs); /* in full, with its receive count */
    }

    /* After a restart. */
    struct world *b = reload(f->dir, T0 + 5000, &s);
    struct sqs_queue *bq = lookup(b, "q"), *bsrc = lookup(b, "src"), *bdlq = lookup(b, "dlq");
    assert_int_equal(recv_n(b, bq, 10, 600, T0 + 5000, got), 2);
    struct sqs_message *m3 = send_body(b, bq, "three", T0 + 5001);
    assert_int_equal(m3->seq, 3);
    assert_int_equal(recv_n(b, bdlq, 1, 600, T0 + 5001, got), 1);
    uint64_t dlq_seq = got[0].msg->seq;
    send_body(b, bsrc, "poison3", T0 + 5002);
    commit(s);
    assert_int_equal(recv_n(b, bsrc, 1, 0, T0 + 5003, got), 1);
    commit(s);
    world_store_free(b, s);
    /* A message loaded after the restart and moved then. */
    struct world *c = reload(f->dir, T0 + 6000, &s);
    assert_int_equal(recv_n(c, lookup(c, "src"), 1, 0, T0 + 6000, got), 0);
    assert_int_equal(sqs_queue_message_count(lookup(c, "dlq")), 3);
    commit(s);
    world_store_free(c, s);

    disk_message(f->dir, qid, 1, &hm, &mc, &hs, &sc);
    assert_true(hm && mc == 0 && hs && sc == 2);
    disk_message(f->dir, qid, 2, &hm, &mc, &hs, &sc);
    assert_true(hm && mc == 0 && hs && sc == 1);
    disk_message(f->dir, qid, 3, &hm, &mc, &hs, &sc);
    assert_true(hm && mc == 0 && !hs);
    disk_message(f->dir, dlq_id, dlq_seq, &hm, &mc, &hs, &sc);
    assert_true(hm && mc == 1 && hs && sc == 2);
    disk_message(f->dir, src_id, 3, &hm, &mc, &hs, &sc);
    assert_true(!hm && !hs);
    disk_message(f->dir, dlq_id, 3, &hm, &mc, &hs, &sc);
    assert_true(hm && mc == 1 && !hs);
    struct world *d = reload(f->dir, T0 + 7000, &s);
    assert_int_equal(sqs_queue_message_count(lookup(d, "q")), 3);
    assert_int_equal(sqs_queue_message_count(lookup(d, "dlq")), 3);
    assert_int_equal(sqs_queue_message_count(lookup(d, "src")), 0);
    world_store_free(d, s);
}

#if defined(__SANITIZE_ADDRESS__)
#define LOAD_BUDGET_S 10.0 /* ASan costs a few times */
#else
#define LOAD_BUDGET_S 2.0
#endif

/* 100k messages written in groups of 1000 (fsync mode), 10k of them
 * received, loaded back into a fresh engine within the budget. */
static void test_bulk_100k(void **state)
{
    struct fx *f = *state;
    struct sqs_lmdb_store *s = store_open(f->dir, SQS_DURABILITY_FSYNC);
    struct world *a = store_world(s, SEED_A);
    struct sqs_queue *q = make_queue(a, "bulk", NULL);
    struct sqs_attrs at = { 0 };
    assert_int_equal(sqs_attrs_add(&at, "kind", "String", "order.created", 13), DD_OK);
    char body[160];
    double t0 = now_s();
    for (int g = 0; g < 100; g++) {
        for (int i = 0; i < 1000; i++) {
            snprintf(body, sizeof(body),
                     "{\"order\":%d,\"customer\":\"c-%05d\",\"items\":[1,2,3],\"total\":%d.99}",
                     g * 1000 + i, i, i % 500);
            send_full(a, q, body, &at, NULL, SQS_PARAM_ABSENT, T0);
        }
        commit(s);
    }
    double t_write = now_s() - t0;
    sqs_attrs_release(&at);
    struct sqs_received got[10];
    t0 = now_s();
    for (int g = 0; g < 10; g++) {
        for (int r = 0; r < 100; r++)
            assert_int_equal(recv_n(a, q, 10, 43200, T0 + 1, got), 10);
        commit(s);
    }
    double t_recv = now_s() - t0;
    world_store_free(a, s);

    s = store_open(f->dir, SQS_DURABILITY_FSYNC);
    struct world *b = store_world(s, SEED_B);
    t0 = now_s();
    int rc = sqs_lmdb_store_load(s, b->e, T0 + 2, NULL, 0);
    double t_load = now_s() - t0;
    assert_int_equal(rc, DD_OK);
    struct sqs_queue *bq = lookup(b, "bulk");
    assert_int_equal(sqs_queue_message_count(bq), 100000);
    assert_int_equal(bq->n_inflight, 10000);
    assert_int_equal(sqs_queue_visible_count(bq), 90000);
    print_message("100k messages: write %.3f s (100 commits), 10k receives %.3f s (10 commits), "
                  "load %.3f s\n",
                  t_write, t_recv, t_load);
    assert_true(t_load < LOAD_BUDGET_S);
    world_store_free(b, s);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32c),
        cmocka_unit_test(test_durability_names),
        T(test_open_errors_and_lock),
        T(test_round_trip_queues),
        T(test_round_trip_messages),
        T(test_delete_queue_removes_messages),
        T(test_purge),
        T(test_deleted_message_gone),
        T(test_uncommitted_not_visible),
        T(test_wipe),
        T(test_batch_mode),
        T(test_corrupt_records),
        T(test_map_growth),
        T(test_pipeline_order),
        T(test_coalescing),
        T(test_failed_batch),
        T(test_failed_deletions_resync),
        T(test_failed_wipe_resync),
        T(test_close_drains),
        T(test_full_vs_state),
        T(test_bulk_100k),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
