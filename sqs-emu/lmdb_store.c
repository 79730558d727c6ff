/*
 * The LMDB store of sqs-emu: group commit of the engine's store hooks into
 * one LMDB write transaction per event-loop iteration, a versioned,
 * checksummed record format, and the start-up load that rebuilds the engine.
 *
 * Group commit
 * ------------
 * The engine reports every durable change through the hooks of store.h while
 * it handles a request. The first hook of an event-loop iteration opens one
 * write transaction; every later hook of that iteration writes into it; the
 * server calls sqs_lmdb_store_commit() once, after handling the iteration's
 * requests and before sending any reply. N requests cost one commit. FSYNC
 * mode opens the environment with LMDB's default flags, so a commit returns
 * after fdatasync of the data pages and then of the meta page. MDB_NOMETASYNC
 * would skip the second: an OS crash could then roll back the last commit,
 * one we already answered, so it is not used. BATCH mode opens it
 * MDB_NOSYNC: a commit write()s its pages and returns, and the server calls
 * sqs_lmdb_store_sync() (mdb_env_sync(force)) at most every 10 ms. A killed
 * process loses nothing in either mode (written pages live in the kernel's
 * page cache); an OS crash or power loss in BATCH mode loses up to the last
 * 10 ms and, as LMDB documents for MDB_NOSYNC, may leave the file
 * inconsistent, which load then reports.
 *
 * If a hook fails (an LMDB error, the map full, out of memory) the group is
 * lost as a whole: its transaction is aborted at once, later hooks of the
 * iteration answer DD_EIO without writing, and the commit answers DD_EIO so
 * the server fails every request it holds. No part of a failed group
 * reaches the disk.
 *
 * Layout
 * ------
 * Five named databases in one environment. Keys are big-endian, so LMDB's
 * memcmp order is numeric order:
 *
 *   queues    queue id (u64)               -> queue record 'Q'
 *   messages  queue id (u64) + seq (u64)   -> message record 'M'
 *   msgstate  queue id (u64) + seq (u64)   -> receive state record 'S'
 *   seqs      queue id (u64)               -> sequence mark 'N'
 *   meta      "format", "next_queue_id"    -> 'F', 'I'
 *
 * Queue ids are the engine's incarnation ids, so "queues" iterates in
 * creation order and "messages" queue by queue, each in arrival order: load
 * is a merge of sorted streams, with no lookups.
 *
 * Cheap receives
 * --------------
 * put_message runs on every send and on every receive and visibility change.
 * A message's content (body, attributes, ids, digests, sending times) never
 * changes under its key (queue id, seq): a DLQ move gives it a new key. Only
 * its receive state changes (state, receive count, first and latest receive
 * time, visible_at). So put_message first inserts the full record with
 * MDB_NOOVERWRITE|MDB_RESERVE: for a new key LMDB reserves the exact size in
 * the page and the record is encoded straight into it, with no intermediate
 * buffer; for an existing key LMDB answers MDB_KEYEXIST without writing, and
 * only the 36-byte 'S' record goes into msgstate. One B-tree descent
 * decides, and a receive never copies or re-encodes a body or attributes,
 * however large. An 'S' record, when present, supersedes the receive state
 * the 'M' record was written with; del_message removes both.
 *
 * Because a put on a missing key writes the whole record, a message whose
 * send was in a lost group is written in full by its next receive.
 *
 * Seqs and queue ids never come back
 * ----------------------------------
 * After a restart the engine continues a queue's seqs after the highest one
 * it restores; if the newest messages had been deleted their seqs would be
 * handed out again. So every deletion (del_message, purge_queue) writes the
 * queue's next_seq and fifo_next_sequence into its 'N' record, and load gives
 * the engine the larger of that and the queue record's. Likewise 'I' keeps
 * the highest queue id ever stored + 1, so a deleted queue's id is not reused
 * (the engine has no setter for it; load raises engine->next_queue_id).
 *
 * Records
 * -------
 * Every value is [u8 format version = 1][u8 type][fields][u32 CRC-32C of all
 * the bytes before it]. Fixed-width integers are little-endian. A text or
 * byte field is a LEB128 length, the bytes, then a NUL, so load hands the
 * engine pointers into the map without copying; text fields hold no other
 * NUL. Optional text fields are announced by bits of a flags byte (absent is
 * not empty). Lengths and counts are varints: a short field costs one byte.
 *
 *   'S' (36 bytes)  0 version  1 type  2 state  3 flags (0 in 'S')
 *                   4 u32 receive_count  8 i64 first_receive_ms
 *                  16 i64 receive_ms  24 i64 visible_at_ms  32 crc
 *   'M'             the first 32 bytes of 'S' (flags 1 sender_id, 2 group_id,
 *                   4 dedup_id, 8 dlq_source_arn present), then u64 seq,
 *                   i64 sent_ms, i64 enqueue_ms, u64 sequence_number, text id,
 *                   md5_body, md5_attrs, md5_sys_attrs, [sender_id],
 *                   [group_id], [dedup_id], [dlq_source_arn], bytes body,
 *                   varint n + n x (text name, text type, bytes value) for
 *                   the attributes, the same for system attributes, crc
 *   'Q'             u16 flags (0), u64 id, i64 created_s, i64 modified_s,
 *                   i64 last_purge_ms, u64 next_seq, u64 fifo_next_sequence,
 *                   text account, text name, varint n + n x (text key, text
 *                   value) for the canonical attributes, the same for tags
 *   'N'             u16 0, u64 next_seq, u64 fifo_next_sequence, crc
 *   'I'             u16 0, u64 next queue id, crc
 *   'F'             u16 0, crc (its version byte is the store's format)
 *
 * Corruption
 * ----------
 * Decoding trusts nothing: the checksum is checked before any field is read,
 * every read against the bytes left, every length against what remains,
 * every count against the bytes left before anything is allocated; then the
 * version and type bytes, unknown flags, the NUL terminators, the message
 * state, the seq and queue id in the record against the key, and that the
 * fields end exactly at the checksum. A record that fails, a message or
 * state record without its queue or message, or a record the engine refuses
 * fails the whole load, with the database, the key and the reason in errbuf.
 * We refuse to start rather than skip: skipping would silently drop messages
 * that were acknowledged, the one thing the store must never do. The
 * operator decides (move the data directory away, or restore a copy).
 *
 * Map size
 * --------
 * The map is 8 GiB of address space (sparse: the file grows only with use).
 * When a group starts with more than three quarters of the map in use the
 * map doubles first: mdb_env_set_mapsize is only safe with no transaction
 * open, which is exactly then. A single group that still overflows the map
 * fails with MDB_MAP_FULL like any failed group; the map doubles, and the
 * next group fits. A group dirtying more pages than LMDB allows in one
 * transaction (MDB_TXN_FULL, about 512 MiB) fails the same way.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <nmmintrin.h>
#endif

#include "common/err.h"
#include "sqs-emu/engine.h"
#include "sqs-emu/lmdb_store.h"
#include "sqs-emu/message.h"
#include "sqs-emu/queue.h"

#define FORMAT_VERSION 1

/* Record types. */
#define REC_QUEUE   'Q'
#define REC_MESSAGE 'M'
#define REC_STATE   'S'
#define REC_SEQMARK 'N'
#define REC_QUEUEID 'I'
#define REC_FORMAT  'F'

/* Sizes of the fixed parts. */
#define RECV_PREFIX_SIZE 32                     /* version .. visible_at_ms */
#define STATE_REC_SIZE   (RECV_PREFIX_SIZE + 4) /* 'S': the prefix and the checksum */
#define QUEUE_KEY_SIZE   8
#define MSG_KEY_SIZE     16

/* 'M' flags: which optional text fields follow. */
#define MF_SENDER  0x01u
#define MF_GROUP   0x02u
#define MF_DEDUP   0x04u
#define MF_DLQ_SRC 0x08u
#define MF_ALL     0x0Fu

#define LOCK_FILE_NAME "sqs-emu.lock"

enum { DB_QUEUES, DB_MESSAGES, DB_MSGSTATE, DB_SEQS, DB_META, DB_COUNT };

static const char *const db_names[DB_COUNT] = { "queues", "messages", "msgstate", "seqs", "meta" };

struct sqs_lmdb_store {
    MDB_env *env;                   /* owned */
    MDB_dbi dbi[DB_COUNT];          /* the named databases, valid while env is open */
    MDB_txn *txn;                   /* the current group's write transaction, or NULL */
    int failed;                     /* a hook of the current group failed */
    enum sqs_durability durability; /* FSYNC or BATCH */
    int lock_fd;                    /* owned; holds the flock of the directory */
    uint64_t next_queue_id;         /* committed: highest queue id ever stored + 1 */
    uint64_t pending_queue_id;      /* the same counting the open group */
    char last_error[256];           /* the last failure, for the log */
};

/* ---- helpers ---- */

static void errfmt(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void errfmt(char *buf, size_t len, const char *fmt, ...)
{
    if (!buf || len == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

int sqs_durability_parse(const char *s, enum sqs_durability *out)
{
    static const struct {
        const char *name;
        enum sqs_durability d;
    } names[] = {
        { "fsync", SQS_DURABILITY_FSYNC },
        { "batch", SQS_DURABILITY_BATCH },
        { "memory", SQS_DURABILITY_MEMORY },
    };
    for (size_t i = 0; s && i < DD_ARRAY_LEN(names); i++)
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].d;
            return DD_OK;
        }
    return DD_EINVAL;
}

const char *sqs_durability_name(enum sqs_durability d)
{
    switch (d) {
    case SQS_DURABILITY_FSYNC:
        return "fsync";
    case SQS_DURABILITY_BATCH:
        return "batch";
    case SQS_DURABILITY_MEMORY:
        return "memory";
    }
    return "?";
}

/* ---- CRC-32C ---- */

/* The byte-at-a-time table of the reflected Castagnoli polynomial 0x82F63B78. */
static const uint32_t crc32c_table[256] = {
    0x00000000, 0xf26b8303, 0xe13b70f7, 0x1350f3f4, 0xc79a971f, 0x35f1141c, 0x26a1e7e8, 0xd4ca64eb,
    0x8ad958cf, 0x78b2dbcc, 0x6be22838, 0x9989ab3b, 0x4d43cfd0, 0xbf284cd3, 0xac78bf27, 0x5e133c24,
    0x105ec76f, 0xe235446c, 0xf165b798, 0x030e349b, 0xd7c45070, 0x25afd373, 0x36ff2087, 0xc494a384,
    0x9a879fa0, 0x68ec1ca3, 0x7bbcef57, 0x89d76c54, 0x5d1d08bf, 0xaf768bbc, 0xbc267848, 0x4e4dfb4b,
    0x20bd8ede, 0xd2d60ddd, 0xc186fe29, 0x33ed7d2a, 0xe72719c1, 0x154c9ac2, 0x061c6936, 0xf477ea35,
    0xaa64d611, 0x580f5512, 0x4b5fa6e6, 0xb93425e5, 0x6dfe410e, 0x9f95c20d, 0x8cc531f9, 0x7eaeb2fa,
    0x30e349b1, 0xc288cab2, 0xd1d83946, 0x23b3ba45, 0xf779deae, 0x05125dad, 0x1642ae59, 0xe4292d5a,
    0xba3a117e, 0x4851927d, 0x5b016189, 0xa96ae28a, 0x7da08661, 0x8fcb0562, 0x9c9bf696, 0x6ef07595,
    0x417b1dbc, 0xb3109ebf, 0xa0406d4b, 0x522bee48, 0x86e18aa3, 0x748a09a0, 0x67dafa54, 0x95b17957,
    0xcba24573, 0x39c9c670, 0x2a993584, 0xd8f2b687, 0x0c38d26c, 0xfe53516f, 0xed03a29b, 0x1f682198,
    0x5125dad3, 0xa34e59d0, 0xb01eaa24, 0x42752927, 0x96bf4dcc, 0x64d4cecf, 0x77843d3b, 0x85efbe38,
    0xdbfc821c, 0x2997011f, 0x3ac7f2eb, 0xc8ac71e8, 0x1c661503, 0xee0d9600, 0xfd5d65f4, 0x0f36e6f7,
    0x61c69362, 0x93ad1061, 0x80fde395, 0x72966096, 0xa65c047d, 0x5437877e, 0x4767748a, 0xb50cf789,
    0xeb1fcbad, 0x197448ae, 0x0a24bb5a, 0xf84f3859, 0x2c855cb2, 0xdeeedfb1, 0xcdbe2c45, 0x3fd5af46,
    0x7198540d, 0x83f3d70e, 0x90a324fa, 0x62c8a7f9, 0xb602c312, 0x44694011, 0x5739b3e5, 0xa55230e6,
    0xfb410cc2, 0x092a8fc1, 0x1a7a7c35, 0xe811ff36, 0x3cdb9bdd, 0xceb018de, 0xdde0eb2a, 0x2f8b6829,
    0x82f63b78, 0x709db87b, 0x63cd4b8f, 0x91a6c88c, 0x456cac67, 0xb7072f64, 0xa457dc90, 0x563c5f93,
    0x082f63b7, 0xfa44e0b4, 0xe9141340, 0x1b7f9043, 0xcfb5f4a8, 0x3dde77ab, 0x2e8e845f, 0xdce5075c,
    0x92a8fc17, 0x60c37f14, 0x73938ce0, 0x81f80fe3, 0x55326b08, 0xa759e80b, 0xb4091bff, 0x466298fc,
    0x1871a4d8, 0xea1a27db, 0xf94ad42f, 0x0b21572c, 0xdfeb33c7, 0x2d80b0c4, 0x3ed04330, 0xccbbc033,
    0xa24bb5a6, 0x502036a5, 0x4370c551, 0xb11b4652, 0x65d122b9, 0x97baa1ba, 0x84ea524e, 0x7681d14d,
    0x2892ed69, 0xdaf96e6a, 0xc9a99d9e, 0x3bc21e9d, 0xef087a76, 0x1d63f975, 0x0e330a81, 0xfc588982,
    0xb21572c9, 0x407ef1ca, 0x532e023e, 0xa145813d, 0x758fe5d6, 0x87e466d5, 0x94b49521, 0x66df1622,
    0x38cc2a06, 0xcaa7a905, 0xd9f75af1, 0x2b9cd9f2, 0xff56bd19, 0x0d3d3e1a, 0x1e6dcdee, 0xec064eed,
    0xc38d26c4, 0x31e6a5c7, 0x22b65633, 0xd0ddd530, 0x0417b1db, 0xf67c32d8, 0xe52cc12c, 0x1747422f,
    0x49547e0b, 0xbb3ffd08, 0xa86f0efc, 0x5a048dff, 0x8ecee914, 0x7ca56a17, 0x6ff599e3, 0x9d9e1ae0,
    0xd3d3e1ab, 0x21b862a8, 0x32e8915c, 0xc083125f, 0x144976b4, 0xe622f5b7, 0xf5720643, 0x07198540,
    0x590ab964, 0xab613a67, 0xb831c993, 0x4a5a4a90, 0x9e902e7b, 0x6cfbad78, 0x7fab5e8c, 0x8dc0dd8f,
    0xe330a81a, 0x115b2b19, 0x020bd8ed, 0xf0605bee, 0x24aa3f05, 0xd6c1bc06, 0xc5914ff2, 0x37faccf1,
    0x69e9f0d5, 0x9b8273d6, 0x88d28022, 0x7ab90321, 0xae7367ca, 0x5c18e4c9, 0x4f48173d, 0xbd23943e,
    0xf36e6f75, 0x0105ec76, 0x12551f82, 0xe03e9c81, 0x34f4f86a, 0xc69f7b69, 0xd5cf889d, 0x27a40b9e,
    0x79b737ba, 0x8bdcb4b9, 0x988c474d, 0x6ae7c44e, 0xbe2da0a5, 0x4c4623a6, 0x5f16d052, 0xad7d5351,
};

static uint32_t crc32c_soft(uint32_t crc, const unsigned char *p, size_t n)
{
    while (n--)
        crc = crc32c_table[(crc ^ *p++) & 0xFFu] ^ (crc >> 8);
    return crc;
}

#if defined(__x86_64__) && defined(__GNUC__)
/* SSE 4.2 has CRC-32C as an instruction: 8 bytes per step instead of 1, so a
 * 1 MiB body costs tens of microseconds, not milliseconds. */
__attribute__((target("sse4.2"))) static uint32_t crc32c_sse42(uint32_t crc, const unsigned char *p,
                                                               size_t n)
{
    uint64_t c = crc;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        c = _mm_crc32_u64(c, w);
        p += 8;
        n -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (n--)
        c32 = _mm_crc32_u8(c32, *p++);
    return c32;
}
#endif

uint32_t sqs_lmdb_crc32c(uint32_t crc, const void *p, size_t n)
{
    crc = ~crc;
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("sse4.2"))
        return ~crc32c_sse42(crc, p, n);
#endif
    return ~crc32c_soft(crc, p, n);
}

/* ---- encoding ---- */

/* A writer; with p NULL it only counts, so one function both sizes and
 * writes a record and the two can never disagree. */
struct wr {
    unsigned char *p; /* the output (n bytes already written), or NULL */
    size_t n;         /* bytes written or counted */
};

static void w_bytes(struct wr *w, const void *src, size_t len)
{
    if (w->p && len)
        memcpy(w->p + w->n, src, len);
    w->n += len;
}

static void w_u8(struct wr *w, unsigned v)
{
    unsigned char b = (unsigned char)v;
    w_bytes(w, &b, 1);
}

static void w_u16(struct wr *w, unsigned v)
{
    unsigned char b[2] = { (unsigned char)v, (unsigned char)(v >> 8) };
    w_bytes(w, b, 2);
}

static void w_u32(struct wr *w, uint32_t v)
{
    unsigned char b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    w_bytes(w, b, 4);
}

static void w_u64(struct wr *w, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    w_bytes(w, b, 8);
}

static void w_i64(struct wr *w, int64_t v)
{
    w_u64(w, (uint64_t)v);
}

static void w_varint(struct wr *w, uint64_t v)
{
    unsigned char b[10];
    size_t n = 0;
    do {
        unsigned char c = (unsigned char)(v & 0x7Fu);
        v >>= 7;
        if (v)
            c |= 0x80u;
        b[n++] = c;
    } while (v);
    w_bytes(w, b, n);
}

static void w_blob(struct wr *w, const void *p, size_t len)
{
    w_varint(w, len);
    w_bytes(w, p, len);
    w_u8(w, 0);
}

static void w_str(struct wr *w, const char *s)
{
    if (!s)
        s = "";
    w_blob(w, s, strlen(s));
}

/* Ends a record: writes the checksum of the size - 4 bytes before it. */
static void seal(unsigned char *p, size_t size)
{
    struct wr w = { p, size - 4 };
    w_u32(&w, sqs_lmdb_crc32c(0, p, size - 4));
}

static uint64_t be64_get(const void *p)
{
    const unsigned char *b = p;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | b[i];
    return v;
}

static void be64_put(unsigned char *b, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        b[i] = (unsigned char)v;
        v >>= 8;
    }
}

/* The receive state: 'S' whole, and the first 32 bytes of 'M'. */
static void enc_recv_state(struct wr *w, int type, unsigned flags,
                           const struct sqs_message_record *m)
{
    w_u8(w, FORMAT_VERSION);
    w_u8(w, (unsigned)type);
    w_u8(w, (unsigned)m->state);
    w_u8(w, flags);
    w_u32(w, m->receive_count);
    w_i64(w, m->first_receive_ms);
    w_i64(w, m->receive_ms);
    w_i64(w, m->visible_at_ms);
}

static void enc_attrs(struct wr *w, const struct sqs_attrs *a)
{
    size_t n = a ? a->n : 0;
    w_varint(w, n);
    for (size_t i = 0; i < n; i++) {
        w_str(w, a->v[i].name);
        w_str(w, a->v[i].data_type);
        w_blob(w, a->v[i].value, a->v[i].value ? a->v[i].value_len : 0);
    }
}

static void enc_message(struct wr *w, const struct sqs_message_record *m)
{
    unsigned flags = (m->sender_id ? MF_SENDER : 0) | (m->group_id ? MF_GROUP : 0) |
                     (m->dedup_id ? MF_DEDUP : 0) | (m->dlq_source_arn ? MF_DLQ_SRC : 0);
    enc_recv_state(w, REC_MESSAGE, flags, m);
    w_u64(w, m->seq);
    w_i64(w, m->sent_ms);
    w_i64(w, m->enqueue_ms);
    w_u64(w, m->sequence_number);
    w_str(w, m->id);
    w_str(w, m->md5_body);
    w_str(w, m->md5_attrs);
    w_str(w, m->md5_sys_attrs);
    if (m->sender_id)
        w_str(w, m->sender_id);
    if (m->group_id)
        w_str(w, m->group_id);
    if (m->dedup_id)
        w_str(w, m->dedup_id);
    if (m->dlq_source_arn)
        w_str(w, m->dlq_source_arn);
    w_blob(w, m->body ? m->body : "", m->body ? m->body_len : 0);
    enc_attrs(w, m->attrs);
    enc_attrs(w, m->sys_attrs);
    w_u32(w, 0); /* the checksum, by seal() */
}

static void enc_kvlist(struct wr *w, const struct sqs_kvlist *l)
{
    size_t n = l ? l->n : 0;
    w_varint(w, n);
    for (size_t i = 0; i < n; i++) {
        w_str(w, l->v[i].key);
        w_str(w, l->v[i].value);
    }
}

static void enc_queue(struct wr *w, const struct sqs_queue_record *q)
{
    w_u8(w, FORMAT_VERSION);
    w_u8(w, REC_QUEUE);
    w_u16(w, 0);
    w_u64(w, q->id);
    w_i64(w, q->created_s);
    w_i64(w, q->modified_s);
    w_i64(w, q->last_purge_ms);
    w_u64(w, q->next_seq);
    w_u64(w, q->fifo_next_sequence);
    w_str(w, q->account);
    w_str(w, q->name);
    enc_kvlist(w, q->attrs);
    enc_kvlist(w, q->tags);
    w_u32(w, 0);
}

/* 'N', 'I' and 'F': u16 0 and up to two u64s, into buf (>= 24 bytes); returns the size. */
static size_t enc_small(unsigned char *buf, int type, int n_vals, uint64_t a, uint64_t b)
{
    struct wr w = { buf, 0 };
    w_u8(&w, FORMAT_VERSION);
    w_u8(&w, (unsigned)type);
    w_u16(&w, 0);
    if (n_vals > 0)
        w_u64(&w, a);
    if (n_vals > 1)
        w_u64(&w, b);
    w_u32(&w, 0);
    seal(buf, w.n);
    return w.n;
}

/* ---- decoding ---- */

/* A bounds-checked reader over one stored value. The first failure sticks:
 * later reads return zeros and NULLs, and the caller checks `why` once. */
struct rd {
    const unsigned char *p; /* the value (borrowed from the map) */
    size_t end;             /* readable bytes: the value without its checksum */
    size_t off;             /* the next byte */
    const char *why;        /* the first failure (static text), or NULL */
};

static int r_fail(struct rd *r, const char *why)
{
    if (!r->why)
        r->why = why;
    return DD_EIO;
}

static const unsigned char *r_take(struct rd *r, size_t len)
{
    if (r->why)
        return NULL;
    if (len > r->end - r->off) {
        r_fail(r, "truncated field");
        return NULL;
    }
    const unsigned char *p = r->p + r->off;
    r->off += len;
    return p;
}

static unsigned r_u8(struct rd *r)
{
    const unsigned char *p = r_take(r, 1);
    return p ? p[0] : 0;
}

static unsigned r_u16(struct rd *r)
{
    const unsigned char *p = r_take(r, 2);
    return p ? (unsigned)p[0] | (unsigned)p[1] << 8 : 0;
}

static uint32_t r_u32(struct rd *r)
{
    const unsigned char *p = r_take(r, 4);
    uint32_t v = 0;
    for (int i = 3; p && i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t r_u64(struct rd *r)
{
    const unsigned char *p = r_take(r, 8);
    uint64_t v = 0;
    for (int i = 7; p && i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static int64_t r_i64(struct rd *r)
{
    return (int64_t)r_u64(r);
}

/* LEB128, at most 64 bits, minimal encoding only. */
static uint64_t r_varint(struct rd *r)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        const unsigned char *p = r_take(r, 1);
        if (!p)
            return 0;
        uint64_t bits = *p & 0x7Fu;
        if ((shift == 63 && bits > 1) || (shift > 0 && *p == 0)) {
            r_fail(r, "malformed length");
            return 0;
        }
        v |= bits << shift;
        if (!(*p & 0x80u))
            return v;
    }
    r_fail(r, "malformed length");
    return 0;
}

/* A length-prefixed, NUL-terminated field: *len bytes at the result. */
static const char *r_blob(struct rd *r, size_t *len)
{
    *len = 0;
    uint64_t n = r_varint(r);
    if (r->why)
        return NULL;
    if (n >= r->end - r->off) {
        r_fail(r, "field longer than the record");
        return NULL;
    }
    const unsigned char *p = r_take(r, (size_t)n + 1);
    if (!p)
        return NULL;
    if (p[n] != 0) {
        r_fail(r, "field not terminated");
        return NULL;
    }
    *len = (size_t)n;
    return (const char *)p;
}

/* A text field: a blob without NUL inside. max_len 0 = any length. */
static const char *r_str(struct rd *r, size_t max_len)
{
    size_t len;
    const char *s = r_blob(r, &len);
    if (!s)
        return NULL;
    if (memchr(s, 0, len) || (max_len && len > max_len)) {
        r_fail(r, "malformed text field");
        return NULL;
    }
    return s;
}

/* Checks the frame of a stored value (size, version, type, checksum) and
 * points r at the fields after the type byte. */
static int frame_open(struct rd *r, const MDB_val *v, int type)
{
    memset(r, 0, sizeof(*r));
    r->p = v->mv_data;
    if (v->mv_size < 6)
        return r_fail(r, "record too short");
    if (r->p[0] != FORMAT_VERSION)
        return r_fail(r, "unknown record format version");
    if (r->p[1] != type)
        return r_fail(r, "wrong record type");
    size_t body = v->mv_size - 4;
    uint32_t stored = (uint32_t)r->p[body] | (uint32_t)r->p[body + 1] << 8 |
                      (uint32_t)r->p[body + 2] << 16 | (uint32_t)r->p[body + 3] << 24;
    if (sqs_lmdb_crc32c(0, r->p, body) != stored)
        return r_fail(r, "checksum mismatch");
    r->end = body;
    r->off = 2;
    return DD_OK;
}

/* The fields must end exactly at the checksum. */
static int frame_close(struct rd *r)
{
    if (!r->why && r->off != r->end)
        r_fail(r, "trailing bytes");
    return r->why ? DD_EIO : DD_OK;
}

/* Bytes 2..31 of 'S' and 'M'. */
static void dec_recv_state(struct rd *r, struct sqs_message_record *m, unsigned *flags)
{
    unsigned state = r_u8(r);
    *flags = r_u8(r);
    m->receive_count = r_u32(r);
    m->first_receive_ms = r_i64(r);
    m->receive_ms = r_i64(r);
    m->visible_at_ms = r_i64(r);
    if (state > SQS_MSG_INFLIGHT)
        r_fail(r, "unknown message state");
    m->state = state > SQS_MSG_INFLIGHT ? SQS_MSG_VISIBLE : (enum sqs_msg_state)state;
}

/* Storage for the attribute arrays of decoded messages, reused record after
 * record. The entries point into the map: a borrowed view that is only ever
 * read (sqs_message_restore copies it), never released. */
struct attr_scratch {
    struct sqs_attr *v; /* owned array */
    size_t cap;         /* entries allocated */
};

static int r_attrs(struct rd *r, struct attr_scratch *sc, struct sqs_attrs *out)
{
    out->v = NULL;
    out->n = 0;
    uint64_t n = r_varint(r);
    if (r->why)
        return DD_EIO;
    /* Three empty fields take 6 bytes: bound n before allocating for it. */
    if (n > (r->end - r->off) / 6)
        return r_fail(r, "attribute count larger than the record");
    if (n > sc->cap) {
        struct sqs_attr *v = realloc(sc->v, (size_t)n * sizeof(*v));
        if (!v)
            return DD_ENOMEM;
        sc->v = v;
        sc->cap = (size_t)n;
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = r_str(r, 0);
        const char *type = r_str(r, 0);
        size_t len;
        const char *value = r_blob(r, &len);
        if (r->why)
            return DD_EIO;
        sc->v[i].name = (char *)name;
        sc->v[i].data_type = (char *)type;
        sc->v[i].value = (char *)value;
        sc->v[i].value_len = len;
    }
    out->v = n ? sc->v : NULL;
    out->n = (size_t)n;
    return DD_OK;
}

/* A decoded message: rec points into the stored value and into attrs/sys. */
struct msg_view {
    struct sqs_message_record rec;
    struct sqs_attrs attrs, sys; /* borrowed views (see attr_scratch) */
    struct attr_scratch sa, ss;  /* owned arrays behind attrs and sys */
};

static void msg_view_release(struct msg_view *mv)
{
    DD_FREE(mv->sa.v);
    DD_FREE(mv->ss.v);
}

/* Decodes 'M' stored under seq; DD_EIO (with *why) or DD_ENOMEM on failure. */
static int dec_message(const MDB_val *v, uint64_t seq, struct msg_view *mv, const char **why)
{
    struct sqs_message_record *m = &mv->rec;
    memset(m, 0, sizeof(*m));
    struct rd r;
    int rc = frame_open(&r, v, REC_MESSAGE);
    if (rc == DD_OK) {
        unsigned flags;
        dec_recv_state(&r, m, &flags);
        if (flags & ~MF_ALL)
            r_fail(&r, "unknown flags");
        m->seq = r_u64(&r);
        m->sent_ms = r_i64(&r);
        m->enqueue_ms = r_i64(&r);
        m->sequence_number = r_u64(&r);
        m->id = r_str(&r, SQS_MESSAGE_ID_SIZE - 1);
        m->md5_body = r_str(&r, SQS_MD5_HEX_SIZE - 1);
        m->md5_attrs = r_str(&r, SQS_MD5_HEX_SIZE - 1);
        m->md5_sys_attrs = r_str(&r, SQS_MD5_HEX_SIZE - 1);
        m->sender_id = flags & MF_SENDER ? r_str(&r, 0) : NULL;
        m->group_id = flags & MF_GROUP ? r_str(&r, 0) : NULL;
        m->dedup_id = flags & MF_DEDUP ? r_str(&r, 0) : NULL;
        m->dlq_source_arn = flags & MF_DLQ_SRC ? r_str(&r, 0) : NULL;
        m->body = r_blob(&r, &m->body_len);
        rc = r_attrs(&r, &mv->sa, &mv->attrs);
        if (rc == DD_OK)
            rc = r_attrs(&r, &mv->ss, &mv->sys);
        if (rc == DD_ENOMEM)
            return rc;
        rc = frame_close(&r);
    }
    if (rc == DD_OK && (m->seq != seq || seq == 0))
        rc = r_fail(&r, "seq differs from the key");
    if (rc == DD_OK && m->id[0] == '\0')
        rc = r_fail(&r, "empty message id");
    if (rc) {
        *why = r.why;
        return DD_EIO;
    }
    m->attrs = &mv->attrs;
    m->sys_attrs = &mv->sys;
    return DD_OK;
}

/* Decodes 'S' into the receive state of m. */
static int dec_state(const MDB_val *v, struct sqs_message_record *m, const char **why)
{
    struct rd r;
    struct sqs_message_record st;
    memset(&st, 0, sizeof(st));
    if (frame_open(&r, v, REC_STATE) == DD_OK) {
        unsigned flags;
        dec_recv_state(&r, &st, &flags);
        if (flags)
            r_fail(&r, "unknown flags");
    }
    if (frame_close(&r)) {
        *why = r.why;
        return DD_EIO;
    }
    m->state = st.state;
    m->receive_count = st.receive_count;
    m->first_receive_ms = st.first_receive_ms;
    m->receive_ms = st.receive_ms;
    m->visible_at_ms = st.visible_at_ms;
    return DD_OK;
}

static int r_kvlist(struct rd *r, struct sqs_kvlist *out)
{
    uint64_t n = r_varint(r);
    if (r->why)
        return DD_EIO;
    if (n > (r->end - r->off) / 4)
        return r_fail(r, "entry count larger than the record");
    for (uint64_t i = 0; i < n; i++) {
        const char *k = r_str(r, 0);
        const char *v = r_str(r, 0);
        if (r->why)
            return DD_EIO;
        if (sqs_kvlist_add(out, k, v))
            return DD_ENOMEM;
    }
    return DD_OK;
}

/* Decodes 'Q' stored under id; attrs/tags (empty, caller-owned) receive
 * copies; the strings of rec point into the value. */
static int dec_queue(const MDB_val *v, uint64_t id, struct sqs_queue_record *q,
                     struct sqs_kvlist *attrs, struct sqs_kvlist *tags, const char **why)
{
    memset(q, 0, sizeof(*q));
    struct rd r;
    int rc = frame_open(&r, v, REC_QUEUE);
    if (rc == DD_OK) {
        if (r_u16(&r) != 0)
            r_fail(&r, "unknown flags");
        q->id = r_u64(&r);
        q->created_s = r_i64(&r);
        q->modified_s = r_i64(&r);
        q->last_purge_ms = r_i64(&r);
        q->next_seq = r_u64(&r);
        q->fifo_next_sequence = r_u64(&r);
        q->account = r_str(&r, 0);
        q->name = r_str(&r, 0);
        rc = r_kvlist(&r, attrs);
        if (rc == DD_OK)
            rc = r_kvlist(&r, tags);
        if (rc == DD_ENOMEM)
            return rc;
        rc = frame_close(&r);
    }
    if (rc == DD_OK && (q->id != id || id == 0))
        rc = r_fail(&r, "queue id differs from the key");
    if (rc) {
        *why = r.why;
        return DD_EIO;
    }
    q->attrs = attrs;
    q->tags = tags;
    return DD_OK;
}

/* Decodes 'N', 'I' or 'F' with n_vals u64s into vals. */
static int dec_small(const MDB_val *v, int type, int n_vals, uint64_t *vals, const char **why)
{
    struct rd r;
    if (frame_open(&r, v, type) == DD_OK) {
        if (r_u16(&r) != 0)
            r_fail(&r, "unknown flags");
        for (int i = 0; i < n_vals; i++)
            vals[i] = r_u64(&r);
    }
    if (frame_close(&r)) {
        *why = r.why;
        return DD_EIO;
    }
    return DD_OK;
}

/* ---- the group's transaction ---- */

static void note(struct sqs_lmdb_store *s, const char *what, int mdb_rc)
{
    snprintf(s->last_error, sizeof(s->last_error), "%s: %s", what, mdb_strerror(mdb_rc));
}

/* Doubles the map when more than three quarters of it are used, or always
 * when force. Only with no transaction open. */
static void grow_map(struct sqs_lmdb_store *s, int force)
{
    assert(!s->txn);
    MDB_envinfo info;
    MDB_stat st;
    if (mdb_env_info(s->env, &info) || mdb_env_stat(s->env, &st))
        return;
    size_t used = ((size_t)info.me_last_pgno + 1) * st.ms_psize;
    if (!force && used <= info.me_mapsize / 4 * 3)
        return;
    if (info.me_mapsize > SIZE_MAX / 2)
        return;
    int rc = mdb_env_set_mapsize(s->env, info.me_mapsize * 2);
    if (rc)
        note(s, "growing the map", rc);
}

/* Loses the current group (see "Group commit" above). */
static int fail_group(struct sqs_lmdb_store *s, const char *what, int mdb_rc)
{
    note(s, what, mdb_rc);
    if (s->txn) {
        mdb_txn_abort(s->txn);
        s->txn = NULL;
    }
    s->failed = 1;
    s->pending_queue_id = s->next_queue_id;
    if (mdb_rc == MDB_MAP_FULL)
        grow_map(s, 1);
    return DD_EIO;
}

/* Every hook starts here: the group's transaction, opened on first use. */
static int begin(struct sqs_lmdb_store *s)
{
    if (s->failed)
        return DD_EIO;
    if (s->txn)
        return DD_OK;
    grow_map(s, 0);
    int rc = mdb_txn_begin(s->env, NULL, 0, &s->txn);
    if (rc) {
        s->txn = NULL;
        return fail_group(s, "beginning a transaction", rc);
    }
    return DD_OK;
}

/* Deletes key from db; a missing key is fine. */
static int db_del(struct sqs_lmdb_store *s, int db, const void *key, size_t key_len)
{
    MDB_val k = { key_len, (void *)key };
    int rc = mdb_del(s->txn, s->dbi[db], &k, NULL);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Deletes every key of db that starts with the 8-byte queue id qid. */
static int db_del_queue_range(struct sqs_lmdb_store *s, int db, uint64_t qid)
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(s->txn, s->dbi[db], &c);
    if (rc)
        return rc;
    unsigned char kb[MSG_KEY_SIZE] = { 0 };
    be64_put(kb, qid);
    /* Seek again after each delete: where a cursor rests after mdb_cursor_del
     * depends on the case (the tree may even be empty, which makes
     * MDB_GET_CURRENT fail with EINVAL); a seek is one descent of a hot path. */
    for (;;) {
        MDB_val k = { sizeof(kb), kb }, v;
        rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
        if (rc || k.mv_size < QUEUE_KEY_SIZE || be64_get(k.mv_data) != qid)
            break;
        rc = mdb_cursor_del(c, 0);
        if (rc)
            break;
    }
    mdb_cursor_close(c);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

static int put_seqmark(struct sqs_lmdb_store *s, const struct sqs_queue *q)
{
    unsigned char kb[QUEUE_KEY_SIZE], vb[32];
    be64_put(kb, q->id);
    MDB_val k = { sizeof(kb), kb };
    MDB_val v = { enc_small(vb, REC_SEQMARK, 2, q->next_seq, q->fifo_next_sequence), vb };
    return mdb_put(s->txn, s->dbi[DB_SEQS], &k, &v, 0);
}

/* ---- the hooks ---- */

static int hook_put_queue(void *ctx, const struct sqs_queue *q)
{
    struct sqs_lmdb_store *s = ctx;
    int rc = begin(s);
    if (rc)
        return rc;
    struct sqs_kvlist attrs = { 0 }, tags = { 0 };
    struct sqs_queue_record rec;
    if (sqs_queue_record_of(q, &rec, &attrs, &tags) != DD_OK) {
        sqs_kvlist_release(&attrs);
        sqs_kvlist_release(&tags);
        fail_group(s, "put_queue", ENOMEM);
        return DD_ENOMEM;
    }
    struct wr count = { NULL, 0 };
    enc_queue(&count, &rec);
    unsigned char kb[QUEUE_KEY_SIZE];
    be64_put(kb, q->id);
    MDB_val k = { sizeof(kb), kb }, v = { count.n, NULL };
    int mrc = mdb_put(s->txn, s->dbi[DB_QUEUES], &k, &v, MDB_RESERVE);
    if (mrc == 0) {
        struct wr w = { v.mv_data, 0 };
        enc_queue(&w, &rec);
        assert(w.n == count.n);
        seal(v.mv_data, w.n);
    }
    sqs_kvlist_release(&attrs);
    sqs_kvlist_release(&tags);
    if (mrc == 0 && q->id >= s->pending_queue_id) {
        unsigned char vb[32];
        MDB_val mk = { sizeof("next_queue_id") - 1, "next_queue_id" };
        MDB_val mv = { enc_small(vb, REC_QUEUEID, 1, q->id + 1, 0), vb };
        mrc = mdb_put(s->txn, s->dbi[DB_META], &mk, &mv, 0);
        if (mrc == 0)
            s->pending_queue_id = q->id + 1;
    }
    return mrc ? fail_group(s, "put_queue", mrc) : DD_OK;
}

static int hook_del_queue(void *ctx, const struct sqs_queue *q)
{
    struct sqs_lmdb_store *s = ctx;
    int rc = begin(s);
    if (rc)
        return rc;
    unsigned char kb[QUEUE_KEY_SIZE];
    be64_put(kb, q->id);
    int mrc = db_del(s, DB_QUEUES, kb, sizeof(kb));
    if (!mrc)
        mrc = db_del_queue_range(s, DB_MESSAGES, q->id);
    if (!mrc)
        mrc = db_del_queue_range(s, DB_MSGSTATE, q->id);
    if (!mrc)
        mrc = db_del(s, DB_SEQS, kb, sizeof(kb));
    return mrc ? fail_group(s, "del_queue", mrc) : DD_OK;
}

static int hook_put_message(void *ctx, const struct sqs_queue *q, const struct sqs_message *m)
{
    struct sqs_lmdb_store *s = ctx;
    int rc = begin(s);
    if (rc)
        return rc;
    struct sqs_message_record rec;
    sqs_message_record_of(m, &rec);
    unsigned char kb[MSG_KEY_SIZE];
    be64_put(kb, q->id);
    be64_put(kb + 8, m->seq);
    MDB_val k = { sizeof(kb), kb };
    /* A new key gets the whole record, encoded in place; an existing one only
     * its receive state (see "Cheap receives"). */
    struct wr count = { NULL, 0 };
    enc_message(&count, &rec);
    MDB_val v = { count.n, NULL };
    int mrc = mdb_put(s->txn, s->dbi[DB_MESSAGES], &k, &v, MDB_NOOVERWRITE | MDB_RESERVE);
    if (mrc == 0) {
        struct wr w = { v.mv_data, 0 };
        enc_message(&w, &rec);
        assert(w.n == count.n);
        seal(v.mv_data, w.n);
        return DD_OK;
    }
    if (mrc == MDB_KEYEXIST) {
        unsigned char sb[STATE_REC_SIZE];
        struct wr w = { sb, 0 };
        enc_recv_state(&w, REC_STATE, 0, &rec);
        w_u32(&w, 0);
        assert(w.n == sizeof(sb));
        seal(sb, sizeof(sb));
        MDB_val sv = { sizeof(sb), sb };
        mrc = mdb_put(s->txn, s->dbi[DB_MSGSTATE], &k, &sv, 0);
    }
    return mrc ? fail_group(s, "put_message", mrc) : DD_OK;
}

static int hook_del_message(void *ctx, const struct sqs_queue *q, const struct sqs_message *m)
{
    struct sqs_lmdb_store *s = ctx;
    int rc = begin(s);
    if (rc)
        return rc;
    unsigned char kb[MSG_KEY_SIZE];
    be64_put(kb, q->id);
    be64_put(kb + 8, m->seq);
    int mrc = db_del(s, DB_MESSAGES, kb, sizeof(kb));
    if (!mrc)
        mrc = db_del(s, DB_MSGSTATE, kb, sizeof(kb));
    if (!mrc)
        mrc = put_seqmark(s, q);
    return mrc ? fail_group(s, "del_message", mrc) : DD_OK;
}

static int hook_purge_queue(void *ctx, const struct sqs_queue *q)
{
    struct sqs_lmdb_store *s = ctx;
    int rc = begin(s);
    if (rc)
        return rc;
    int mrc = db_del_queue_range(s, DB_MESSAGES, q->id);
    if (!mrc)
        mrc = db_del_queue_range(s, DB_MSGSTATE, q->id);
    if (!mrc)
        mrc = put_seqmark(s, q);
    return mrc ? fail_group(s, "purge_queue", mrc) : DD_OK;
}

static const struct sqs_store_ops lmdb_ops = {
    hook_put_queue, hook_del_queue, hook_put_message, hook_del_message, hook_purge_queue,
};

const struct sqs_store_ops *sqs_lmdb_store_ops(void)
{
    return &lmdb_ops;
}

/* ---- commit, sync, wipe ---- */

int sqs_lmdb_store_dirty(const struct sqs_lmdb_store *s)
{
    return s->txn != NULL || s->failed;
}

int sqs_lmdb_store_commit(struct sqs_lmdb_store *s)
{
    if (s->failed) {
        s->failed = 0;
        return DD_EIO;
    }
    if (!s->txn)
        return DD_OK;
    int rc = mdb_txn_commit(s->txn); /* frees the transaction, even on failure */
    s->txn = NULL;
    if (rc) {
        note(s, "commit", rc);
        s->pending_queue_id = s->next_queue_id;
        if (rc == MDB_MAP_FULL)
            grow_map(s, 1);
        return DD_EIO;
    }
    s->next_queue_id = s->pending_queue_id;
    return DD_OK;
}

int sqs_lmdb_store_sync(struct sqs_lmdb_store *s)
{
    /* In FSYNC mode every commit has synced already. */
    if (s->durability == SQS_DURABILITY_FSYNC)
        return DD_OK;
    int rc = mdb_env_sync(s->env, 1);
    if (rc) {
        note(s, "sync", rc);
        return DD_EIO;
    }
    return DD_OK;
}

int sqs_lmdb_store_wipe(struct sqs_lmdb_store *s)
{
    int rc = begin(s);
    if (rc)
        return rc;
    static const int wiped[] = { DB_QUEUES, DB_MESSAGES, DB_MSGSTATE, DB_SEQS };
    for (size_t i = 0; i < DD_ARRAY_LEN(wiped); i++) {
        int mrc = mdb_drop(s->txn, s->dbi[wiped[i]], 0);
        if (mrc)
            return fail_group(s, "wipe", mrc);
    }
    return DD_OK;
}

const char *sqs_lmdb_store_last_error(const struct sqs_lmdb_store *s)
{
    return s->last_error;
}

size_t sqs_lmdb_store_map_size(const struct sqs_lmdb_store *s)
{
    MDB_envinfo info;
    return mdb_env_info(s->env, &info) ? 0 : info.me_mapsize;
}

/* ---- open and close ---- */

/* mkdir -p: creates dir and its missing parents. */
static int make_dirs(const char *dir, char *errbuf, size_t errlen)
{
    char *path = strdup(dir);
    if (!path)
        return DD_ENOMEM;
    int rc = DD_OK;
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST) {
            errfmt(errbuf, errlen, "cannot create %s: %s", path, strerror(errno));
            rc = DD_EIO;
            break;
        }
        *p = c;
        if (c == '\0')
            break;
    }
    free(path);
    return rc;
}

/* Opens the named databases and checks or writes the store's format. */
static int open_dbs(struct sqs_lmdb_store *s, char *errbuf, size_t errlen)
{
    MDB_txn *txn = NULL;
    int rc = mdb_txn_begin(s->env, NULL, 0, &txn);
    if (rc) {
        errfmt(errbuf, errlen, "opening the databases: %s", mdb_strerror(rc));
        return DD_EIO;
    }
    for (int i = 0; rc == 0 && i < DB_COUNT; i++)
        rc = mdb_dbi_open(txn, db_names[i], MDB_CREATE, &s->dbi[i]);
    if (rc) {
        mdb_txn_abort(txn);
        errfmt(errbuf, errlen, "opening the databases: %s", mdb_strerror(rc));
        return DD_EIO;
    }
    const char *why = NULL;
    MDB_val fk = { sizeof("format") - 1, "format" }, fv;
    rc = mdb_get(txn, s->dbi[DB_META], &fk, &fv);
    if (rc == MDB_NOTFOUND) {
        unsigned char vb[32];
        fv.mv_data = vb;
        fv.mv_size = enc_small(vb, REC_FORMAT, 0, 0, 0);
        rc = mdb_put(txn, s->dbi[DB_META], &fk, &fv, 0);
    } else if (rc == 0 && dec_small(&fv, REC_FORMAT, 0, NULL, &why) != DD_OK) {
        errfmt(errbuf, errlen, "meta: format: %s (a store written by another version?)", why);
        mdb_txn_abort(txn);
        return DD_EIO;
    }
    uint64_t next_id = 0;
    MDB_val ik = { sizeof("next_queue_id") - 1, "next_queue_id" }, iv;
    if (rc == 0) {
        rc = mdb_get(txn, s->dbi[DB_META], &ik, &iv);
        if (rc == 0 && dec_small(&iv, REC_QUEUEID, 1, &next_id, &why) != DD_OK) {
            errfmt(errbuf, errlen, "meta: next_queue_id: %s", why);
            mdb_txn_abort(txn);
            return DD_EIO;
        }
        if (rc == MDB_NOTFOUND)
            rc = 0;
    }
    if (rc) {
        mdb_txn_abort(txn);
        errfmt(errbuf, errlen, "reading the store's format: %s", mdb_strerror(rc));
        return DD_EIO;
    }
    rc = mdb_txn_commit(txn);
    if (rc) {
        errfmt(errbuf, errlen, "initialising the store: %s", mdb_strerror(rc));
        return DD_EIO;
    }
    s->next_queue_id = s->pending_queue_id = next_id;
    return DD_OK;
}

int sqs_lmdb_store_open_sized(const char *dir, enum sqs_durability d, size_t map_size,
                              struct sqs_lmdb_store **out, char *errbuf, size_t errlen)
{
    *out = NULL;
    errfmt(errbuf, errlen, "%s", "");
    if (d != SQS_DURABILITY_FSYNC && d != SQS_DURABILITY_BATCH) {
        errfmt(errbuf, errlen, "durability %s keeps no store", sqs_durability_name(d));
        return DD_EINVAL;
    }
    if (!dir || !*dir) {
        errfmt(errbuf, errlen, "no data directory");
        return DD_EINVAL;
    }
    int rc = make_dirs(dir, errbuf, errlen);
    if (rc) {
        if (rc == DD_ENOMEM)
            errfmt(errbuf, errlen, "out of memory");
        return rc;
    }
    struct sqs_lmdb_store *s = calloc(1, sizeof(*s));
    if (!s) {
        errfmt(errbuf, errlen, "out of memory");
        return DD_ENOMEM;
    }
    s->durability = d;
    s->lock_fd = -1;

    /* LMDB's own lock file does not stop a second daemon from opening the
     * store and diverging from the first: an exclusive flock does. */
    size_t plen = strlen(dir) + sizeof("/" LOCK_FILE_NAME);
    char *lock_path = malloc(plen);
    if (!lock_path) {
        free(s);
        errfmt(errbuf, errlen, "out of memory");
        return DD_ENOMEM;
    }
    snprintf(lock_path, plen, "%s/%s", dir, LOCK_FILE_NAME);
    s->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (s->lock_fd < 0 || flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        errfmt(errbuf, errlen, "%s: %s", lock_path,
               e == EWOULDBLOCK ? "the store is in use by another sqs-emu" : strerror(e));
        free(lock_path);
        sqs_lmdb_store_close(s);
        return e == EWOULDBLOCK ? DD_EACCES : DD_EIO;
    }
    free(lock_path);

    unsigned flags = d == SQS_DURABILITY_BATCH ? MDB_NOSYNC : 0;
    rc = mdb_env_create(&s->env);
    if (rc == 0)
        rc = mdb_env_set_maxdbs(s->env, DB_COUNT);
    if (rc == 0)
        rc = mdb_env_set_mapsize(s->env, map_size);
    if (rc == 0)
        rc = mdb_env_open(s->env, dir, flags, 0600);
    if (rc) {
        errfmt(errbuf, errlen, "opening LMDB in %s: %s", dir, mdb_strerror(rc));
        sqs_lmdb_store_close(s);
        return DD_EIO;
    }
    /* A killed predecessor may have left reader slots that pin old pages. */
    int dead = 0;
    (void)mdb_reader_check(s->env, &dead);
    rc = open_dbs(s, errbuf, errlen);
    if (rc) {
        sqs_lmdb_store_close(s);
        return rc;
    }
    *out = s;
    return DD_OK;
}

int sqs_lmdb_store_open(const char *dir, enum sqs_durability d, struct sqs_lmdb_store **out,
                        char *errbuf, size_t errlen)
{
    return sqs_lmdb_store_open_sized(dir, d, SQS_LMDB_DEFAULT_MAP_SIZE, out, errbuf, errlen);
}

void sqs_lmdb_store_close(struct sqs_lmdb_store *s)
{
    if (!s)
        return;
    if (s->txn)
        mdb_txn_abort(s->txn);
    if (s->env)
        mdb_env_close(s->env);
    if (s->lock_fd >= 0)
        close(s->lock_fd); /* releases the flock */
    free(s);
}

/* ---- load ---- */

struct loaded_queue {
    uint64_t id;         /* the key */
    struct sqs_queue *q; /* borrowed from the engine */
};

struct loader {
    struct sqs_lmdb_store *s;
    struct sqs_engine *e;
    MDB_txn *txn;
    int64_t now_ms;
    struct loaded_queue *qs; /* owned, ascending id */
    size_t nq, cap;
    char *errbuf;
    size_t errlen;
};

static int load_corrupt(struct loader *L, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int load_corrupt(struct loader *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(L->s->last_error, sizeof(L->s->last_error), fmt, ap);
    va_end(ap);
    errfmt(L->errbuf, L->errlen, "%s", L->s->last_error);
    return DD_EIO;
}

static int load_nomem(struct loader *L)
{
    errfmt(L->errbuf, L->errlen, "out of memory while loading the store");
    return DD_ENOMEM;
}

/* Restores one queue; the caller releases attrs/tags. */
static int load_one_queue(struct loader *L, const MDB_val *k, const MDB_val *v,
                          struct sqs_kvlist *attrs, struct sqs_kvlist *tags)
{
    if (k->mv_size != QUEUE_KEY_SIZE)
        return load_corrupt(L, "queues: a key of %zu bytes", k->mv_size);
    uint64_t id = be64_get(k->mv_data);
    struct sqs_queue_record rec;
    const char *why = NULL;
    int rc = dec_queue(v, id, &rec, attrs, tags, &why);
    if (rc == DD_ENOMEM)
        return load_nomem(L);
    if (rc)
        return load_corrupt(L, "queues: queue %llu: %s", (unsigned long long)id, why);
    MDB_val mark;
    rc = mdb_get(L->txn, L->s->dbi[DB_SEQS], (MDB_val *)k, &mark);
    if (rc == 0) {
        uint64_t vals[2];
        if (dec_small(&mark, REC_SEQMARK, 2, vals, &why))
            return load_corrupt(L, "seqs: queue %llu: %s", (unsigned long long)id, why);
        if (vals[0] > rec.next_seq)
            rec.next_seq = vals[0];
        if (vals[1] > rec.fifo_next_sequence)
            rec.fifo_next_sequence = vals[1];
    } else if (rc != MDB_NOTFOUND) {
        return load_corrupt(L, "seqs: queue %llu: %s", (unsigned long long)id, mdb_strerror(rc));
    }
    if (L->nq > 0 && id <= L->qs[L->nq - 1].id)
        return load_corrupt(L, "queues: keys out of order at %llu", (unsigned long long)id);
    if (L->nq == L->cap) {
        size_t cap = L->cap ? 2 * L->cap : 16;
        struct loaded_queue *qs = realloc(L->qs, cap * sizeof(*qs));
        if (!qs)
            return load_nomem(L);
        L->qs = qs;
        L->cap = cap;
    }
    struct sqs_error err;
    struct sqs_queue *q = NULL;
    rc = sqs_queue_restore(L->e, &rec, &q, &err);
    if (rc == DD_ENOMEM)
        return load_nomem(L);
    if (rc)
        return load_corrupt(L, "queues: queue %llu (%s): refused by the engine: %s",
                            (unsigned long long)id, rec.name, err.message);
    L->qs[L->nq].id = id;
    L->qs[L->nq].q = q;
    L->nq++;
    return DD_OK;
}

static int load_queues(struct loader *L)
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(L->txn, L->s->dbi[DB_QUEUES], &c);
    if (rc)
        return load_corrupt(L, "queues: %s", mdb_strerror(rc));
    MDB_val k, v;
    int lrc = DD_OK;
    for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0 && lrc == DD_OK;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        struct sqs_kvlist attrs = { 0 }, tags = { 0 };
        lrc = load_one_queue(L, &k, &v, &attrs, &tags);
        sqs_kvlist_release(&attrs);
        sqs_kvlist_release(&tags);
    }
    mdb_cursor_close(c);
    if (lrc)
        return lrc;
    if (rc != MDB_NOTFOUND)
        return load_corrupt(L, "queues: %s", mdb_strerror(rc));
    return DD_OK;
}

/* The queue a message key names, by merge: message keys ascend, as qs does. */
static struct sqs_queue *queue_for(struct loader *L, size_t *qi, uint64_t qid)
{
    while (*qi < L->nq && L->qs[*qi].id < qid)
        (*qi)++;
    return *qi < L->nq && L->qs[*qi].id == qid ? L->qs[*qi].q : NULL;
}

static int load_messages(struct loader *L, struct msg_view *mv)
{
    MDB_cursor *mc = NULL, *sc = NULL;
    int rc = mdb_cursor_open(L->txn, L->s->dbi[DB_MESSAGES], &mc);
    if (rc == 0)
        rc = mdb_cursor_open(L->txn, L->s->dbi[DB_MSGSTATE], &sc);
    if (rc) {
        if (mc)
            mdb_cursor_close(mc);
        return load_corrupt(L, "messages: %s", mdb_strerror(rc));
    }
    MDB_val mk, mval, sk, sval;
    int src = mdb_cursor_get(sc, &sk, &sval, MDB_FIRST);
    size_t qi = 0;
    int lrc = DD_OK;
    const char *why = NULL;
    for (rc = mdb_cursor_get(mc, &mk, &mval, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(mc, &mk, &mval, MDB_NEXT)) {
        if (mk.mv_size != MSG_KEY_SIZE) {
            lrc = load_corrupt(L, "messages: a key of %zu bytes", mk.mv_size);
            break;
        }
        uint64_t qid = be64_get(mk.mv_data), seq = be64_get((char *)mk.mv_data + 8);
        /* A state record sorting before this message belongs to none. */
        if (src == 0 && (sk.mv_size != MSG_KEY_SIZE || memcmp(sk.mv_data, mk.mv_data, 16) < 0)) {
            lrc = load_corrupt(L, "msgstate: %s",
                               sk.mv_size != MSG_KEY_SIZE ? "a malformed key"
                                                          : "a receive state without its message");
            break;
        }
        struct sqs_queue *q = queue_for(L, &qi, qid);
        if (!q) {
            lrc = load_corrupt(L, "messages: queue %llu seq %llu: no such queue",
                               (unsigned long long)qid, (unsigned long long)seq);
            break;
        }
        int drc = dec_message(&mval, seq, mv, &why);
        if (drc) {
            lrc = drc == DD_ENOMEM
                      ? load_nomem(L)
                      : load_corrupt(L, "messages: queue %llu seq %llu: %s",
                                     (unsigned long long)qid, (unsigned long long)seq, why);
            break;
        }
        if (src == 0 && memcmp(sk.mv_data, mk.mv_data, 16) == 0) {
            if (dec_state(&sval, &mv->rec, &why)) {
                lrc = load_corrupt(L, "msgstate: queue %llu seq %llu: %s", (unsigned long long)qid,
                                   (unsigned long long)seq, why);
                break;
            }
            src = mdb_cursor_get(sc, &sk, &sval, MDB_NEXT);
        }
        if (src != 0 && src != MDB_NOTFOUND) {
            lrc = load_corrupt(L, "msgstate: %s", mdb_strerror(src));
            break;
        }
        struct sqs_error err;
        drc = sqs_message_restore(q, &mv->rec, L->now_ms, &err);
        if (drc) {
            lrc = drc == DD_ENOMEM
                      ? load_nomem(L)
                      : load_corrupt(L,
                                     "messages: queue %llu seq %llu: refused by the "
                                     "engine: %s",
                                     (unsigned long long)qid, (unsigned long long)seq, err.message);
            break;
        }
    }
    if (lrc == DD_OK && rc != MDB_NOTFOUND)
        lrc = load_corrupt(L, "messages: %s", mdb_strerror(rc));
    if (lrc == DD_OK && src == 0)
        lrc = load_corrupt(L, "msgstate: a receive state without its message");
    if (lrc == DD_OK && src != MDB_NOTFOUND && src != 0)
        lrc = load_corrupt(L, "msgstate: %s", mdb_strerror(src));
    mdb_cursor_close(mc);
    mdb_cursor_close(sc);
    return lrc;
}

int sqs_lmdb_store_load(struct sqs_lmdb_store *s, struct sqs_engine *e, int64_t now_ms,
                        char *errbuf, size_t errlen)
{
    errfmt(errbuf, errlen, "%s", "");
    struct loader L = { 0 };
    L.s = s;
    L.e = e;
    L.now_ms = now_ms;
    L.errbuf = errbuf;
    L.errlen = errlen;
    /* Inside a group, read what it has written (one transaction per thread). */
    L.txn = s->txn;
    if (!L.txn) {
        int rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &L.txn);
        if (rc) {
            L.txn = NULL;
            return load_corrupt(&L, "beginning a read transaction: %s", mdb_strerror(rc));
        }
    }
    struct msg_view mv;
    memset(&mv, 0, sizeof(mv));
    int rc = load_queues(&L);
    if (rc == DD_OK)
        rc = load_messages(&L, &mv);
    /* Deleted queues' ids stay retired (the engine raises it on restore only). */
    if (rc == DD_OK && s->pending_queue_id > e->next_queue_id)
        e->next_queue_id = s->pending_queue_id;
    msg_view_release(&mv);
    free(L.qs);
    if (L.txn != s->txn)
        mdb_txn_abort(L.txn);
    return rc;
}
