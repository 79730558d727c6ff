/*
 * The LMDB store of sqs-emu: the engine's store hooks serialised into
 * batches, a store thread that writes them with pipelined group commit, a
 * versioned, checksummed record format, and the start-up load that rebuilds
 * the engine.
 *
 * Pipelined group commit
 * ----------------------
 * The engine reports every durable change through the hooks of store.h while
 * it handles a request, on the event-loop thread. A hook touches no LMDB: it
 * encodes the record (the very bytes the database will hold, checksum
 * included) and appends an operation to the current batch, a flat byte
 * buffer. At the end of each event-loop round the server submits the batch
 * (sqs_lmdb_store_submit): it takes the next number and joins the queue of
 * submitted batches, and the loop goes on with the next round at once.
 *
 * The store thread owns every LMDB write. Whenever batches are queued it
 * takes all of them, applies them in order in one write transaction and
 * commits. FSYNC mode opens the environment with LMDB's default flags, so the
 * commit returns after fdatasync of the data pages and the O_DSYNC write of
 * the meta page; MDB_NOSYNC or MDB_NOMETASYNC would let an OS crash or a power
 * loss roll back a commit that was already answered, so they are not used.
 * Then the thread publishes the result (batches first..last, success or
 * failure, the time it took) and writes an eventfd; the server reaps the
 * results and sends the replies that waited for those batches. While the
 * thread commits, the loop fills the next batch, and everything submitted
 * meanwhile goes into the next transaction: a slow fsync makes bigger
 * groups, not a slower loop. The loop never waits for the disk.
 *
 *   event-loop thread                       store thread
 *   hooks append to the current batch
 *   submit: batch n joins the queue   --->  takes every queued batch a..n,
 *   replies held, tagged n                  one transaction, commit (fsync)
 *   reap: releases replies tagged <= n <--- publishes {a, n, rc}, eventfd
 *
 * Only whole batches cross threads, and only under the store's mutex: submit
 * moves the current batch onto the queue; the thread unlinks the whole queue
 * before it unlocks and hands the emptied buffers back for reuse afterwards.
 * Neither thread ever touches a batch the other holds. The LMDB environment
 * is shared, which LMDB allows (one thread writes; the load's read-only
 * transaction runs on the loop thread, and only while the store thread is
 * idle, since it first waits for every submitted batch).
 *
 * BATCH mode opens the environment MDB_NOSYNC: a commit write()s its pages
 * and returns, and the thread calls mdb_env_sync(force) at most every 10 ms
 * (at once when the last sync is older than that, else when the 10 ms are
 * up). A killed process loses nothing in either mode (written pages live in
 * the kernel's page cache); an OS crash or power loss in BATCH mode loses up
 * to the last 10 ms and, as LMDB documents for MDB_NOSYNC, may leave the file
 * inconsistent, which load then reports.
 *
 * Cheap receives
 * --------------
 * put_message runs on every send and on every receive and visibility change.
 * A message's content (body, attributes, ids, digests, sending times) never
 * changes under its key (queue id, seq); a DLQ move gives it a new seq in the
 * target queue (redrive.c takes the target's next_seq). Only its receive
 * state changes (state, receive count, first and latest receive time,
 * visible_at). So the first put of a key writes the whole 'M' record and
 * every later one only the 36-byte 'S' record into msgstate, which
 * supersedes the receive state 'M' was written with; del_message removes
 * both. The hook decides which without reading LMDB: the store keeps, per
 * queue, full_next, the lowest seq not yet written in full. A new message
 * (sent, or moved in by redrive) takes the queue's next_seq, so seqs only
 * grow and a message needs 'M' exactly when its seq >= full_next; load sets
 * full_next to each queue's next_seq. A receive never copies or re-encodes a
 * body or attributes, however large.
 *
 * The thread checks what that decision assumed, cheaply: it writes an 'S'
 * only if its 'M' exists (one lookup), and an 'M' only if its queue's record
 * exists (one lookup per queue and transaction). Otherwise it skips the
 * record and reports the key (see below). So the store can never hold a
 * receive state without its message or a message without its queue, the
 * two inconsistencies that would stop the next start.
 *
 * When a transaction fails
 * ------------------------
 * An LMDB error, a write error or an injected fault fails a transaction as a
 * whole: it is aborted, nothing of it reaches the disk, and every batch it
 * covered is reported failed, so the server answers their requests
 * ServiceUnavailable. A full map is not a failure: the thread doubles the map
 * (mdb_env_set_mapsize is safe there, between its transactions) and applies
 * the same batches again. A batch that ran out of memory while being
 * recorded is reported failed without being applied.
 *
 * The engine keeps its in-memory changes on failure (store.h), and batches
 * submitted after the failed one were built on them: one may carry an 'S'
 * for a message whose 'M' was lost. So the thread reports every key the
 * failed batches touched, and every record it skipped, and reap re-records
 * the current in-memory state of each key into the current batch: a message
 * that exists is rewritten in full, one that does not is deleted; a queue is
 * rewritten or deleted; a failed purge is redone and the queue's messages
 * rewritten; a failed wipe is redone and everything rewritten. The disk
 * converges with memory at the next commit.
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
 * Seqs and queue ids never come back
 * ----------------------------------
 * After a restart the engine continues a queue's seqs after the highest one
 * it restores; if the newest messages had been deleted their seqs would be
 * handed out again. So every deletion (del_message, purge_queue) writes the
 * queue's next_seq and fifo_next_sequence into its 'N' record, and load gives
 * the engine the larger of that and the queue record's. Likewise 'I' keeps
 * the highest queue id ever stored + 1, so a deleted queue's id is not reused
 * (the engine has no setter for it; load raises engine->next_queue_id). The
 * thread keeps 'I' itself: a transaction that stores a queue with a higher
 * id writes it once.
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
 * A batch holds operations back to back, each an 8-byte header (u32 type,
 * u32 payload length, host order: it never leaves the process) and a
 * payload: the key, then the finished record where there is one.
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
 * Before each transaction the thread doubles it when more than three
 * quarters are in use, and a transaction that still overflows it is retried
 * after another doubling. A transaction dirtying more pages than LMDB allows
 * (MDB_TXN_FULL, about 512 MiB) fails like any failed transaction.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <nmmintrin.h>
#endif

#include "common/buf.h"
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
#define SMALL_REC_MAX    24                     /* 'N', 'I', 'F' */
#define QUEUE_KEY_SIZE   8
#define MSG_KEY_SIZE     16

/* 'M' flags: which optional text fields follow. */
#define MF_SENDER  0x01u
#define MF_GROUP   0x02u
#define MF_DEDUP   0x04u
#define MF_DLQ_SRC 0x08u
#define MF_ALL     0x0Fu

#define LOCK_FILE_NAME "sqs-emu.lock"

/* BATCH mode: the longest a commit stays unsynced. */
#define BATCH_SYNC_NS INT64_C(10000000)
/* Map doublings one transaction may ask for before it fails. */
#define MAX_GROWS 8
/* Emptied batch buffers kept for reuse, and the largest one kept. */
#define SPARE_MAX      8
#define SPARE_MAX_SIZE ((size_t)4 << 20)
/* Results published but not reaped beyond which equal ones are merged. */
#define RESULTS_MERGE 64

enum { DB_QUEUES, DB_MESSAGES, DB_MSGSTATE, DB_SEQS, DB_META, DB_COUNT };

static const char *const db_names[DB_COUNT] = { "queues", "messages", "msgstate", "seqs", "meta" };

/* Operations of a batch. */
enum op_type {
    OP_PUT_QUEUE = 1, /* queue key, 'Q' */
    OP_DEL_QUEUE,     /* queue key: the record, its messages, states and mark */
    OP_PUT_MSG,       /* message key, 'M' of a message never written in full */
    OP_REWRITE_MSG,   /* message key, 'M' replacing whatever is stored (resync) */
    OP_PUT_STATE,     /* message key, 'S' */
    OP_DEL_MSG,       /* message key, 'N' of its queue */
    OP_PURGE,         /* queue key, 'N' */
    OP_WIPE           /* nothing */
};

struct op_hdr {
    uint32_t type; /* enum op_type */
    uint32_t len;  /* payload bytes that follow */
};

/* One batch: the changes of one event-loop round, in order. */
struct batch {
    struct dd_buf ops;  /* owned: operations back to back */
    size_t n_ops;       /* operations in ops */
    uint64_t no;        /* its number, given by submit */
    int failed;         /* an operation could not be recorded: fail it whole */
    struct batch *next; /* the queue or the spare list */
};

/* What must be re-recorded from memory after a failure (see the essay). */
enum resync_kind { RS_WIPE, RS_PURGE, RS_QUEUE, RS_MSG };

struct resync {
    uint64_t qid;  /* the queue */
    uint64_t seq;  /* the message (RS_MSG), else 0 */
    unsigned kind; /* enum resync_kind */
};

struct rsvec {
    struct resync *v; /* owned */
    size_t n, cap;
};

/* Per queue: the lowest seq not yet written in full (see "Cheap receives"). */
struct qmark {
    uint64_t qid;
    uint64_t full_next;
};

struct sqs_lmdb_store {
    /* Fixed once open. */
    MDB_env *env;                   /* owned */
    MDB_dbi dbi[DB_COUNT];          /* the named databases, valid while env is open */
    enum sqs_durability durability; /* FSYNC or BATCH */
    int lock_fd;                    /* owned; holds the flock of the directory */
    int notify_fd;                  /* owned eventfd: written when results are published */

    /* The event-loop thread's. */
    struct batch *open;   /* the current batch, NULL until its first operation */
    int open_failed;      /* an operation of the current batch could not be recorded */
    uint64_t submitted;   /* the newest submitted batch's number */
    uint64_t reaped;      /* the newest batch whose result reap delivered */
    struct qmark *marks;  /* owned, ascending qid */
    size_t n_marks;       /* entries used */
    size_t cap_marks;     /* entries allocated */
    uint64_t error_seen;  /* thread_errors when last_error was last refreshed */
    char last_error[256]; /* the last failure, for the log */

    /* Shared with the store thread: under mu. */
    pthread_mutex_t mu;
    pthread_cond_t work;             /* to the thread: batches queued, pause lifted, stop */
    pthread_cond_t finished;         /* from the thread: `done` moved */
    struct batch *q_head, *q_tail;   /* submitted, not yet taken */
    struct batch *spare;             /* emptied batches for reuse */
    size_t n_spare;                  /* batches on spare */
    _Atomic uint64_t done;           /* every batch up to this one is finished (also read
                                        without mu, by sqs_lmdb_store_idle) */
    struct sqs_lmdb_result *results; /* owned: published, not yet reaped, oldest first */
    size_t n_results, cap_results;   /* results used / allocated */
    struct rsvec rs;                 /* keys to re-record, not yet reaped */
    int rs_all;                      /* resync entries were lost: re-record everything */
    char thread_error[256];          /* the thread's last failure */
    uint64_t thread_errors;          /* failures so far, to notice a new one */
    size_t map_size;                 /* the current map size */
    unsigned inject;                 /* transactions still to fail on purpose */
    int paused;                      /* sqs_lmdb_store_pause */
    int stop;                        /* close: drain and leave */
    int thread_started;              /* thread is joinable */
    int sync_inited;                 /* mu and the conditions exist */
    pthread_t thread;

    /* The store thread's. */
    uint64_t next_queue_id; /* committed 'I': highest queue id ever stored + 1 */
    int64_t last_sync_ns;   /* BATCH: when the thread last synced */
    int unsynced;           /* BATCH: a commit is not synced yet */
    char t_error[256];      /* the failure being reported */
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

/* ---- per-queue marks (event-loop thread) ---- */

/* The index of the first mark with a qid >= qid. */
static size_t mark_pos(const struct sqs_lmdb_store *s, uint64_t qid)
{
    size_t lo = 0, hi = s->n_marks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->marks[mid].qid < qid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static struct qmark *mark_find(struct sqs_lmdb_store *s, uint64_t qid)
{
    size_t i = mark_pos(s, qid);
    return i < s->n_marks && s->marks[i].qid == qid ? &s->marks[i] : NULL;
}

/* Sets qid's full_next. Out of memory leaves the queue without a mark, which
 * only costs full records: a put_message without a mark writes 'M'. */
static void mark_set(struct sqs_lmdb_store *s, uint64_t qid, uint64_t full_next)
{
    size_t i = mark_pos(s, qid);
    if (i < s->n_marks && s->marks[i].qid == qid) {
        s->marks[i].full_next = full_next;
        return;
    }
    if (s->n_marks == s->cap_marks) {
        size_t cap = s->cap_marks ? 2 * s->cap_marks : 16;
        struct qmark *m = realloc(s->marks, cap * sizeof(*m));
        if (!m)
            return;
        s->marks = m;
        s->cap_marks = cap;
    }
    memmove(&s->marks[i + 1], &s->marks[i], (s->n_marks - i) * sizeof(*s->marks));
    s->marks[i].qid = qid;
    s->marks[i].full_next = full_next;
    s->n_marks++;
}

static void mark_del(struct sqs_lmdb_store *s, uint64_t qid)
{
    size_t i = mark_pos(s, qid);
    if (i < s->n_marks && s->marks[i].qid == qid) {
        memmove(&s->marks[i], &s->marks[i + 1], (s->n_marks - i - 1) * sizeof(*s->marks));
        s->n_marks--;
    }
}

/* ---- batches ---- */

static void batch_free(struct batch *b)
{
    if (!b)
        return;
    dd_buf_release(&b->ops);
    free(b);
}

/* An empty batch, recycled if one is spare (event-loop thread). */
static struct batch *batch_get(struct sqs_lmdb_store *s)
{
    pthread_mutex_lock(&s->mu);
    struct batch *b = s->spare;
    if (b) {
        s->spare = b->next;
        s->n_spare--;
    }
    pthread_mutex_unlock(&s->mu);
    if (!b)
        b = calloc(1, sizeof(*b));
    if (b) {
        b->next = NULL;
        b->n_ops = 0;
        b->no = 0;
        b->failed = 0;
        dd_buf_reset(&b->ops);
    }
    return b;
}

/* Walks the operations of b: calls fn for each until it returns non-zero. */
static int batch_each(const struct batch *b,
                      int (*fn)(void *arg, unsigned type, const unsigned char *p, size_t len),
                      void *arg)
{
    size_t off = 0;
    const unsigned char *base = (const unsigned char *)b->ops.data;
    for (size_t i = 0; i < b->n_ops; i++) {
        struct op_hdr h;
        assert(off + sizeof(h) <= b->ops.len);
        memcpy(&h, base + off, sizeof(h));
        off += sizeof(h);
        assert(off + h.len <= b->ops.len);
        int rc = fn(arg, h.type, base + off, h.len);
        if (rc)
            return rc;
        off += h.len;
    }
    assert(off == b->ops.len);
    return 0;
}

/* ---- recording (event-loop thread) ---- */

/*
 * Reserves one operation with a payload of len bytes at the end of the
 * current batch and returns where the payload goes. NULL when the batch has
 * already failed (*rc DD_EIO: later changes of a failed batch are not
 * recorded) or cannot grow (*rc DD_ENOMEM, and the batch fails).
 */
static unsigned char *op_begin(struct sqs_lmdb_store *s, enum op_type type, size_t len, int *rc)
{
    if (s->open_failed) {
        *rc = DD_EIO;
        return NULL;
    }
    if (!s->open)
        s->open = batch_get(s);
    if (!s->open || len > UINT32_MAX ||
        dd_buf_reserve(&s->open->ops, sizeof(struct op_hdr) + len) != DD_OK) {
        s->open_failed = 1;
        snprintf(s->last_error, sizeof(s->last_error), "recording a change: out of memory");
        *rc = DD_ENOMEM;
        return NULL;
    }
    struct dd_buf *b = &s->open->ops;
    struct op_hdr h = { (uint32_t)type, (uint32_t)len };
    memcpy(b->data + b->len, &h, sizeof(h));
    unsigned char *p = (unsigned char *)b->data + b->len + sizeof(h);
    b->len += sizeof(h) + len;
    b->data[b->len] = '\0';
    s->open->n_ops++;
    *rc = DD_OK;
    return p;
}

/* 'M' of m under (qid, m->seq). */
static int emit_message(struct sqs_lmdb_store *s, enum op_type type, uint64_t qid,
                        const struct sqs_message *m)
{
    struct sqs_message_record rec;
    sqs_message_record_of(m, &rec);
    struct wr count = { NULL, 0 };
    enc_message(&count, &rec);
    int rc;
    unsigned char *p = op_begin(s, type, MSG_KEY_SIZE + count.n, &rc);
    if (!p)
        return rc;
    be64_put(p, qid);
    be64_put(p + 8, m->seq);
    struct wr w = { p + MSG_KEY_SIZE, 0 };
    enc_message(&w, &rec);
    assert(w.n == count.n);
    seal(p + MSG_KEY_SIZE, w.n);
    return DD_OK;
}

/* 'S' of m under (qid, m->seq). */
static int emit_state(struct sqs_lmdb_store *s, uint64_t qid, const struct sqs_message *m)
{
    int rc;
    unsigned char *p = op_begin(s, OP_PUT_STATE, MSG_KEY_SIZE + STATE_REC_SIZE, &rc);
    if (!p)
        return rc;
    be64_put(p, qid);
    be64_put(p + 8, m->seq);
    struct sqs_message_record rec;
    sqs_message_record_of(m, &rec);
    struct wr w = { p + MSG_KEY_SIZE, 0 };
    enc_recv_state(&w, REC_STATE, 0, &rec);
    w_u32(&w, 0);
    assert(w.n == STATE_REC_SIZE);
    seal(p + MSG_KEY_SIZE, STATE_REC_SIZE);
    return DD_OK;
}

/* 'Q' of q. */
static int emit_queue(struct sqs_lmdb_store *s, const struct sqs_queue *q)
{
    struct sqs_kvlist attrs = { 0 }, tags = { 0 };
    struct sqs_queue_record rec;
    int rc = sqs_queue_record_of(q, &rec, &attrs, &tags);
    if (rc != DD_OK) {
        s->open_failed = 1;
        snprintf(s->last_error, sizeof(s->last_error), "put_queue: out of memory");
        rc = DD_ENOMEM;
    } else {
        struct wr count = { NULL, 0 };
        enc_queue(&count, &rec);
        unsigned char *p = op_begin(s, OP_PUT_QUEUE, QUEUE_KEY_SIZE + count.n, &rc);
        if (p) {
            be64_put(p, q->id);
            struct wr w = { p + QUEUE_KEY_SIZE, 0 };
            enc_queue(&w, &rec);
            assert(w.n == count.n);
            seal(p + QUEUE_KEY_SIZE, w.n);
        }
    }
    sqs_kvlist_release(&attrs);
    sqs_kvlist_release(&tags);
    return rc;
}

/* OP_DEL_MSG (seq != 0) or OP_PURGE: the key and q's sequence mark. */
static int emit_with_mark(struct sqs_lmdb_store *s, enum op_type type, const struct sqs_queue *q,
                          uint64_t seq)
{
    size_t klen = type == OP_DEL_MSG ? MSG_KEY_SIZE : QUEUE_KEY_SIZE;
    unsigned char vb[SMALL_REC_MAX];
    size_t vlen = enc_small(vb, REC_SEQMARK, 2, q->next_seq, q->fifo_next_sequence);
    int rc;
    unsigned char *p = op_begin(s, type, klen + vlen, &rc);
    if (!p)
        return rc;
    be64_put(p, q->id);
    if (type == OP_DEL_MSG)
        be64_put(p + 8, seq);
    memcpy(p + klen, vb, vlen);
    return DD_OK;
}

/* OP_DEL_QUEUE (qid) or OP_WIPE (qid unused). */
static int emit_bare(struct sqs_lmdb_store *s, enum op_type type, uint64_t qid)
{
    int rc;
    unsigned char *p = op_begin(s, type, type == OP_DEL_QUEUE ? QUEUE_KEY_SIZE : 0, &rc);
    if (p && type == OP_DEL_QUEUE)
        be64_put(p, qid);
    return rc;
}

/* ---- the hooks ---- */

static int hook_put_queue(void *ctx, const struct sqs_queue *q)
{
    struct sqs_lmdb_store *s = ctx;
    int rc = emit_queue(s, q);
    /* A queue seen for the first time has written no message in full. */
    if (rc == DD_OK && !mark_find(s, q->id))
        mark_set(s, q->id, q->next_seq);
    return rc;
}

static int hook_del_queue(void *ctx, const struct sqs_queue *q)
{
    struct sqs_lmdb_store *s = ctx;
    mark_del(s, q->id);
    return emit_bare(s, OP_DEL_QUEUE, q->id);
}

static int hook_put_message(void *ctx, const struct sqs_queue *q, const struct sqs_message *m)
{
    struct sqs_lmdb_store *s = ctx;
    /* See "Cheap receives": a seq at or above the mark has no 'M' yet. */
    struct qmark *mk = mark_find(s, q->id);
    if (mk && m->seq < mk->full_next)
        return emit_state(s, q->id, m);
    int rc = emit_message(s, OP_PUT_MSG, q->id, m);
    if (rc == DD_OK)
        mark_set(s, q->id, m->seq + 1);
    return rc;
}

static int hook_del_message(void *ctx, const struct sqs_queue *q, const struct sqs_message *m)
{
    return emit_with_mark(ctx, OP_DEL_MSG, q, m->seq);
}

static int hook_purge_queue(void *ctx, const struct sqs_queue *q)
{
    return emit_with_mark(ctx, OP_PURGE, q, 0);
}

static const struct sqs_store_ops lmdb_ops = {
    hook_put_queue, hook_del_queue, hook_put_message, hook_del_message, hook_purge_queue,
};

const struct sqs_store_ops *sqs_lmdb_store_ops(void)
{
    return &lmdb_ops;
}

int sqs_lmdb_store_wipe(struct sqs_lmdb_store *s)
{
    s->n_marks = 0;
    return emit_bare(s, OP_WIPE, 0);
}

/* ---- resync: re-recording what a failure lost (event-loop thread) ---- */

struct qref {
    uint64_t id;
    struct sqs_queue *q; /* borrowed from the engine */
};

struct qindex {
    struct qref *v; /* owned, ascending id once sorted */
    size_t n, cap;
    int nomem;
};

static int qindex_add(struct sqs_queue *q, void *arg)
{
    struct qindex *ix = arg;
    if (ix->n == ix->cap) {
        size_t cap = ix->cap ? 2 * ix->cap : 16;
        struct qref *v = realloc(ix->v, cap * sizeof(*v));
        if (!v) {
            ix->nomem = 1;
            return 1;
        }
        ix->v = v;
        ix->cap = cap;
    }
    ix->v[ix->n].id = q->id;
    ix->v[ix->n].q = q;
    ix->n++;
    return 0;
}

static int cmp_qref(const void *a, const void *b)
{
    uint64_t x = ((const struct qref *)a)->id, y = ((const struct qref *)b)->id;
    return x < y ? -1 : x > y;
}

static int cmp_resync(const void *a, const void *b)
{
    const struct resync *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->qid != y->qid)
        return x->qid < y->qid ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static struct sqs_queue *qindex_find(const struct qindex *ix, uint64_t id)
{
    struct qref key = { id, NULL };
    struct qref *r = bsearch(&key, ix->v, ix->n, sizeof(*ix->v), cmp_qref);
    return r ? r->q : NULL;
}

/* Every message of q in full. */
static void emit_all_messages(struct sqs_lmdb_store *s, const struct sqs_queue *q)
{
    for (size_t i = 0; i < q->index.cap; i++)
        if (q->index.slots[i])
            (void)emit_message(s, OP_REWRITE_MSG, q->id, q->index.slots[i]);
}

static int resync_whole_queue(struct sqs_queue *q, void *arg)
{
    struct sqs_lmdb_store *s = arg;
    (void)emit_queue(s, q);
    emit_all_messages(s, q);
    mark_set(s, q->id, q->next_seq);
    return 0;
}

/* Re-records the in-memory state of every key in rs (sorted here), or of
 * everything when all (see "When a transaction fails"). Failures to record
 * fail the current batch, whose own keys then come back here. */
static void resync(struct sqs_lmdb_store *s, struct sqs_engine *e, struct rsvec *rs, int all)
{
    struct qindex ix = { 0 };
    sqs_engine_foreach(e, qindex_add, &ix);
    qsort(ix.v, ix.n, sizeof(*ix.v), cmp_qref);
    qsort(rs->v, rs->n, sizeof(*rs->v), cmp_resync);
    if (ix.nomem || (rs->n > 0 && rs->v[0].kind == RS_WIPE))
        all = 1;
    if (all) {
        (void)sqs_lmdb_store_wipe(s);
        sqs_engine_foreach(e, resync_whole_queue, s);
        free(ix.v);
        return;
    }
    for (size_t i = 0; i < rs->n; i++) {
        const struct resync *r = &rs->v[i];
        if (i > 0 && cmp_resync(r, &rs->v[i - 1]) == 0)
            continue;
        struct sqs_queue *q = qindex_find(&ix, r->qid);
        if (!q) {
            /* Gone from memory: make sure it is gone from disk too. */
            if (r->kind != RS_MSG)
                (void)emit_bare(s, OP_DEL_QUEUE, r->qid);
            continue;
        }
        if (r->kind == RS_PURGE) {
            (void)emit_with_mark(s, OP_PURGE, q, 0);
            (void)emit_queue(s, q);
            emit_all_messages(s, q);
        } else if (r->kind == RS_QUEUE) {
            (void)emit_queue(s, q);
        } else {
            const struct sqs_message *m = sqs_message_find(q, r->seq);
            if (m) {
                (void)emit_message(s, OP_REWRITE_MSG, q->id, m);
                struct qmark *mk = mark_find(s, q->id);
                if (mk && m->seq >= mk->full_next)
                    mk->full_next = m->seq + 1;
            } else {
                (void)emit_with_mark(s, OP_DEL_MSG, q, r->seq);
            }
        }
    }
    free(ix.v);
}

/* ---- the store thread: applying batches ---- */

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int rsvec_push(struct rsvec *v, unsigned kind, uint64_t qid, uint64_t seq)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 64;
        struct resync *p = realloc(v->v, cap * sizeof(*p));
        if (!p)
            return DD_ENOMEM;
        v->v = p;
        v->cap = cap;
    }
    v->v[v->n].kind = kind;
    v->v[v->n].qid = qid;
    v->v[v->n].seq = seq;
    v->n++;
    return DD_OK;
}

/* One transaction's working state. */
struct applier {
    struct sqs_lmdb_store *s;
    MDB_txn *txn;           /* the write transaction */
    uint64_t next_queue_id; /* 'I' as this transaction leaves it */
    uint64_t seen[4];       /* queues whose record exists in txn (0 = none) */
    unsigned n_seen;        /* insertions so far (round robin over seen) */
    struct rsvec *skipped;  /* records skipped for a missing queue or message */
    int skipped_all;        /* skipped could not grow: re-record everything */
    const char *what;       /* the operation that failed */
};

static void skip(struct applier *A, unsigned kind, uint64_t qid, uint64_t seq)
{
    if (rsvec_push(A->skipped, kind, qid, seq) != DD_OK)
        A->skipped_all = 1;
}

/* Deletes key from dbi; a missing key is fine. */
static int db_del(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t key_len)
{
    MDB_val k = { key_len, (void *)key };
    int rc = mdb_del(txn, dbi, &k, NULL);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Deletes every key of dbi that starts with the 8-byte queue id qid. */
static int db_del_queue_range(MDB_txn *txn, MDB_dbi dbi, uint64_t qid)
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(txn, dbi, &c);
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

/* Whether queue qid has its record in the transaction (*present), or an LMDB error. */
static int queue_present(struct applier *A, uint64_t qid, int *present)
{
    for (unsigned i = 0; i < 4 && i < A->n_seen; i++)
        if (A->seen[i] == qid) {
            *present = 1;
            return 0;
        }
    unsigned char kb[QUEUE_KEY_SIZE];
    be64_put(kb, qid);
    MDB_val k = { sizeof(kb), kb }, v;
    int rc = mdb_get(A->txn, A->s->dbi[DB_QUEUES], &k, &v);
    *present = rc == 0;
    if (rc == 0)
        A->seen[A->n_seen++ % 4] = qid;
    return rc == MDB_NOTFOUND ? 0 : rc;
}

static void queue_forget(struct applier *A, uint64_t qid)
{
    for (unsigned i = 0; i < 4; i++)
        if (A->seen[i] == qid)
            A->seen[i] = 0;
}

static int apply_op(void *arg, unsigned type, const unsigned char *p, size_t len)
{
    struct applier *A = arg;
    MDB_txn *txn = A->txn;
    const MDB_dbi *dbi = A->s->dbi;
    uint64_t qid = len >= QUEUE_KEY_SIZE ? be64_get(p) : 0; /* OP_WIPE has no key */
    MDB_val qk = { QUEUE_KEY_SIZE, (void *)p }, mk = { MSG_KEY_SIZE, (void *)p }, v;
    int rc = 0;
    switch (type) {
    case OP_PUT_QUEUE:
        A->what = "put_queue";
        v.mv_size = len - QUEUE_KEY_SIZE;
        v.mv_data = (void *)(p + QUEUE_KEY_SIZE);
        rc = mdb_put(txn, dbi[DB_QUEUES], &qk, &v, 0);
        if (rc == 0) {
            A->seen[A->n_seen++ % 4] = qid;
            if (qid >= A->next_queue_id)
                A->next_queue_id = qid + 1;
        }
        break;
    case OP_DEL_QUEUE:
        A->what = "del_queue";
        queue_forget(A, qid);
        rc = db_del(txn, dbi[DB_QUEUES], p, QUEUE_KEY_SIZE);
        if (!rc)
            rc = db_del_queue_range(txn, dbi[DB_MESSAGES], qid);
        if (!rc)
            rc = db_del_queue_range(txn, dbi[DB_MSGSTATE], qid);
        if (!rc)
            rc = db_del(txn, dbi[DB_SEQS], p, QUEUE_KEY_SIZE);
        break;
    case OP_PUT_MSG:
    case OP_REWRITE_MSG: {
        A->what = "put_message";
        int present = 0;
        rc = queue_present(A, qid, &present);
        if (rc)
            break;
        if (!present) {
            skip(A, RS_QUEUE, qid, 0);
            skip(A, RS_MSG, qid, be64_get(p + 8));
            break;
        }
        v.mv_size = len - MSG_KEY_SIZE;
        v.mv_data = (void *)(p + MSG_KEY_SIZE);
        if (type == OP_PUT_MSG) {
            rc = mdb_put(txn, dbi[DB_MESSAGES], &mk, &v, MDB_NOOVERWRITE);
            if (rc != MDB_KEYEXIST)
                break;
            /* Stored already (it cannot be, seqs grow; but a rewrite is right). */
            v.mv_size = len - MSG_KEY_SIZE;
            v.mv_data = (void *)(p + MSG_KEY_SIZE);
        }
        rc = mdb_put(txn, dbi[DB_MESSAGES], &mk, &v, 0);
        if (!rc)
            rc = db_del(txn, dbi[DB_MSGSTATE], p, MSG_KEY_SIZE);
        break;
    }
    case OP_PUT_STATE:
        A->what = "put_message";
        rc = mdb_get(txn, dbi[DB_MESSAGES], &mk, &v);
        if (rc == MDB_NOTFOUND) {
            skip(A, RS_MSG, qid, be64_get(p + 8));
            rc = 0;
            break;
        }
        if (rc)
            break;
        v.mv_size = len - MSG_KEY_SIZE;
        v.mv_data = (void *)(p + MSG_KEY_SIZE);
        rc = mdb_put(txn, dbi[DB_MSGSTATE], &mk, &v, 0);
        break;
    case OP_DEL_MSG:
        A->what = "del_message";
        rc = db_del(txn, dbi[DB_MESSAGES], p, MSG_KEY_SIZE);
        if (!rc)
            rc = db_del(txn, dbi[DB_MSGSTATE], p, MSG_KEY_SIZE);
        v.mv_size = len - MSG_KEY_SIZE;
        v.mv_data = (void *)(p + MSG_KEY_SIZE);
        if (!rc)
            rc = mdb_put(txn, dbi[DB_SEQS], &qk, &v, 0);
        break;
    case OP_PURGE:
        A->what = "purge_queue";
        rc = db_del_queue_range(txn, dbi[DB_MESSAGES], qid);
        if (!rc)
            rc = db_del_queue_range(txn, dbi[DB_MSGSTATE], qid);
        v.mv_size = len - QUEUE_KEY_SIZE;
        v.mv_data = (void *)(p + QUEUE_KEY_SIZE);
        if (!rc)
            rc = mdb_put(txn, dbi[DB_SEQS], &qk, &v, 0);
        break;
    case OP_WIPE: {
        A->what = "wipe";
        static const int wiped[] = { DB_QUEUES, DB_MESSAGES, DB_MSGSTATE, DB_SEQS };
        for (size_t i = 0; rc == 0 && i < DD_ARRAY_LEN(wiped); i++)
            rc = mdb_drop(txn, dbi[wiped[i]], 0);
        A->n_seen = 0;
        break;
    }
    default:
        assert(!"unknown batch operation");
        rc = EINVAL;
    }
    return rc;
}

/* The keys an operation touched, for resync after its transaction failed. */
static int touched_op(void *arg, unsigned type, const unsigned char *p, size_t len)
{
    struct rsvec *v = arg;
    switch (type) {
    case OP_PUT_QUEUE:
    case OP_DEL_QUEUE:
        return rsvec_push(v, RS_QUEUE, be64_get(p), 0);
    case OP_PURGE:
        return rsvec_push(v, RS_PURGE, be64_get(p), 0);
    case OP_WIPE:
        return rsvec_push(v, RS_WIPE, 0, 0);
    default:
        return rsvec_push(v, RS_MSG, be64_get(p), be64_get(p + 8));
    }
}

/* Doubles the map when more than three quarters of it are used, or always
 * when force. Only between transactions. 1 when it grew, 0 when it did not
 * need to, DD_EIO when it could not. */
static int grow_map(struct sqs_lmdb_store *s, int force)
{
    MDB_envinfo info;
    MDB_stat st;
    if (mdb_env_info(s->env, &info) || mdb_env_stat(s->env, &st))
        return DD_EIO;
    size_t used = ((size_t)info.me_last_pgno + 1) * st.ms_psize;
    if (!force && used <= info.me_mapsize / 4 * 3)
        return 0;
    if (info.me_mapsize > SIZE_MAX / 2 || mdb_env_set_mapsize(s->env, info.me_mapsize * 2))
        return DD_EIO;
    pthread_mutex_lock(&s->mu);
    s->map_size = info.me_mapsize * 2;
    pthread_mutex_unlock(&s->mu);
    return 1;
}

static void wake_loop(struct sqs_lmdb_store *s)
{
    uint64_t one = 1;
    ssize_t n = write(s->notify_fd, &one, sizeof(one));
    (void)n; /* EAGAIN: the counter is already non-zero, the loop will look */
}

/* Under mu: appends a result. Equal outcomes merge into the previous one
 * when many piled up unreaped, and when memory runs out any two merge (the
 * merged range failing if either failed: over-reporting a failure only
 * costs a retry). A background sync failure (no batches) merges with
 * nothing and is dropped when there is no room (its error is kept). */
static void push_result(struct sqs_lmdb_store *s, const struct sqs_lmdb_result *r)
{
    struct sqs_lmdb_result *prev = s->n_results ? &s->results[s->n_results - 1] : NULL;
    int mergeable = prev && prev->last != 0 && r->last != 0;
    int merge = mergeable && s->n_results >= RESULTS_MERGE && prev->rc == r->rc;
    if (!merge && s->n_results == s->cap_results) {
        size_t cap = 2 * s->cap_results;
        struct sqs_lmdb_result *v = realloc(s->results, cap * sizeof(*v));
        if (v) {
            s->results = v;
            s->cap_results = cap;
            prev = &s->results[s->n_results - 1];
        } else if (mergeable) {
            merge = 1;
        } else if (r->last == 0) {
            return;
        } else {
            *prev = *r; /* prev is a sync note: the batches matter more */
            return;
        }
    }
    if (merge) {
        prev->last = r->last;
        if (r->rc)
            prev->rc = r->rc;
        prev->commit_ns += r->commit_ns;
        prev->commits += r->commits;
        return;
    }
    s->results[s->n_results++] = *r;
}

/* Publishes the outcome of batches [first, last] with the keys to re-record. */
static void publish(struct sqs_lmdb_store *s, const struct sqs_lmdb_result *r, struct rsvec *keys,
                    int keys_all)
{
    pthread_mutex_lock(&s->mu);
    push_result(s, r);
    for (size_t i = 0; keys && i < keys->n && !s->rs_all; i++)
        if (rsvec_push(&s->rs, keys->v[i].kind, keys->v[i].qid, keys->v[i].seq) != DD_OK)
            s->rs_all = 1;
    if (keys_all)
        s->rs_all = 1;
    if (r->rc) {
        memcpy(s->thread_error, s->t_error, sizeof(s->thread_error));
        s->thread_errors++;
    }
    if (r->last > atomic_load(&s->done))
        atomic_store(&s->done, r->last);
    pthread_cond_broadcast(&s->finished);
    pthread_mutex_unlock(&s->mu);
    wake_loop(s);
}

/* BATCH mode: the 10 ms fsync. A failure is published as a result without
 * batches (first = last = 0) for the log: the commits were answered already. */
static void background_sync(struct sqs_lmdb_store *s)
{
    int64_t t0 = mono_ns();
    int rc = mdb_env_sync(s->env, 1);
    s->last_sync_ns = mono_ns();
    s->unsynced = 0;
    if (rc) {
        snprintf(s->t_error, sizeof(s->t_error), "sync: %s", mdb_strerror(rc));
        struct sqs_lmdb_result r = { 0, 0, DD_EIO, s->last_sync_ns - t0, 0 };
        publish(s, &r, NULL, 0);
    }
}

/* Applies batches first..(before stop) in one transaction and publishes the outcome. */
static void apply_run(struct sqs_lmdb_store *s, struct batch *first, struct batch *stop)
{
    int64_t t0 = mono_ns();
    struct batch *last = first;
    while (last->next != stop)
        last = last->next;
    pthread_mutex_lock(&s->mu);
    int inject = s->inject > 0;
    if (inject)
        s->inject--;
    pthread_mutex_unlock(&s->mu);

    struct rsvec skipped = { 0 };
    struct applier A;
    int rc, grows = 0;
    for (;;) {
        memset(&A, 0, sizeof(A));
        A.s = s;
        A.next_queue_id = s->next_queue_id;
        A.skipped = &skipped;
        skipped.n = 0;
        (void)grow_map(s, 0);
        A.what = "beginning a transaction";
        rc = mdb_txn_begin(s->env, NULL, 0, &A.txn);
        if (rc)
            A.txn = NULL;
        for (struct batch *b = first; rc == 0 && b != stop; b = b->next)
            rc = batch_each(b, apply_op, &A);
        if (rc == 0 && A.next_queue_id != s->next_queue_id) {
            A.what = "next_queue_id";
            unsigned char vb[SMALL_REC_MAX];
            MDB_val k = { sizeof("next_queue_id") - 1, "next_queue_id" };
            MDB_val v = { enc_small(vb, REC_QUEUEID, 1, A.next_queue_id, 0), vb };
            rc = mdb_put(A.txn, s->dbi[DB_META], &k, &v, 0);
        }
        if (rc == 0 && inject) {
            A.what = "injected fault";
            rc = EIO;
        }
        if (A.txn && rc) {
            mdb_txn_abort(A.txn);
        } else if (A.txn) {
            A.what = "commit";
            rc = mdb_txn_commit(A.txn); /* frees the transaction, even on failure */
        }
        if (rc == MDB_MAP_FULL && grows < MAX_GROWS && grow_map(s, 1) == 1) {
            grows++;
            continue;
        }
        break;
    }

    struct rsvec touched = { 0 };
    int keys_all = A.skipped_all;
    if (rc == 0) {
        s->next_queue_id = A.next_queue_id;
    } else {
        snprintf(s->t_error, sizeof(s->t_error), "%s: %s", A.what, mdb_strerror(rc));
        for (struct batch *b = first; b != stop && !keys_all; b = b->next)
            if (batch_each(b, touched_op, &touched) != 0)
                keys_all = 1;
    }
    struct sqs_lmdb_result r = { first->no, last->no, rc ? DD_EIO : DD_OK, mono_ns() - t0, 1 };
    publish(s, &r, rc ? &touched : &skipped, keys_all);
    free(skipped.v);
    free(touched.v);
    /* BATCH: the replies are out (written is what this mode promises); the
     * fsync follows at once if the last one is 10 ms old, else on time. */
    if (rc == 0 && s->durability == SQS_DURABILITY_BATCH) {
        if (mono_ns() - s->last_sync_ns >= BATCH_SYNC_NS)
            background_sync(s);
        else
            s->unsynced = 1;
    }
}

/* Applies a list of taken batches: runs of recorded ones, one transaction
 * each; a batch that failed to record fails alone, applying nothing. */
static void apply_taken(struct sqs_lmdb_store *s, struct batch *list)
{
    struct batch *b = list;
    while (b) {
        if (b->failed) {
            struct rsvec touched = { 0 };
            int all = batch_each(b, touched_op, &touched) != 0;
            snprintf(s->t_error, sizeof(s->t_error), "recording a change: out of memory");
            struct sqs_lmdb_result r = { b->no, b->no, DD_EIO, 0, 0 };
            publish(s, &r, &touched, all);
            free(touched.v);
            b = b->next;
            continue;
        }
        struct batch *stop = b->next;
        while (stop && !stop->failed)
            stop = stop->next;
        apply_run(s, b, stop);
        b = stop;
    }
    /* Give the buffers back for reuse. */
    pthread_mutex_lock(&s->mu);
    while (list) {
        struct batch *next = list->next;
        if (s->n_spare < SPARE_MAX && list->ops.cap <= SPARE_MAX_SIZE) {
            list->next = s->spare;
            s->spare = list;
            s->n_spare++;
        } else {
            batch_free(list);
        }
        list = next;
    }
    pthread_mutex_unlock(&s->mu);
}

static void *store_thread(void *arg)
{
    struct sqs_lmdb_store *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        if (s->q_head && (!s->paused || s->stop)) {
            struct batch *list = s->q_head;
            s->q_head = s->q_tail = NULL;
            pthread_mutex_unlock(&s->mu);
            apply_taken(s, list);
            pthread_mutex_lock(&s->mu);
            continue;
        }
        if (s->stop)
            break;
        if (!s->unsynced) {
            pthread_cond_wait(&s->work, &s->mu);
            continue;
        }
        int64_t due = s->last_sync_ns + BATCH_SYNC_NS;
        if (mono_ns() >= due) {
            pthread_mutex_unlock(&s->mu);
            background_sync(s);
            pthread_mutex_lock(&s->mu);
            continue;
        }
        struct timespec ts = { (time_t)(due / 1000000000), (long)(due % 1000000000) };
        pthread_cond_timedwait(&s->work, &s->mu, &ts);
    }
    pthread_mutex_unlock(&s->mu);
    if (s->unsynced)
        background_sync(s);
    return NULL;
}

/* ---- submit, reap, commit, sync (event-loop thread) ---- */

int sqs_lmdb_store_dirty(const struct sqs_lmdb_store *s)
{
    return s->open_failed || (s->open && s->open->n_ops > 0);
}

uint64_t sqs_lmdb_store_submit(struct sqs_lmdb_store *s)
{
    if (!sqs_lmdb_store_dirty(s))
        return 0;
    struct batch *b = s->open;
    if (!b && !(b = batch_get(s)))
        return 0; /* a failed batch with no memory to carry it: try again later */
    s->open = NULL;
    b->failed = s->open_failed;
    s->open_failed = 0;
    b->no = ++s->submitted;
    b->next = NULL;
    pthread_mutex_lock(&s->mu);
    if (s->q_tail)
        s->q_tail->next = b;
    else
        s->q_head = b;
    s->q_tail = b;
    pthread_cond_signal(&s->work);
    pthread_mutex_unlock(&s->mu);
    return b->no;
}

uint64_t sqs_lmdb_store_horizon(const struct sqs_lmdb_store *s)
{
    return sqs_lmdb_store_dirty(s) ? s->submitted + 1 : s->submitted;
}

int sqs_lmdb_store_idle(const struct sqs_lmdb_store *s)
{
    return atomic_load(&((struct sqs_lmdb_store *)s)->done) >= s->submitted;
}

uint64_t sqs_lmdb_store_reaped(const struct sqs_lmdb_store *s)
{
    return s->reaped;
}

int sqs_lmdb_store_notify_fd(const struct sqs_lmdb_store *s)
{
    return s->notify_fd;
}

/* Under mu: brings last_error up to date with the thread's. */
static void refresh_error(struct sqs_lmdb_store *s)
{
    if (s->thread_errors != s->error_seen) {
        memcpy(s->last_error, s->thread_error, sizeof(s->last_error));
        s->error_seen = s->thread_errors;
    }
}

size_t sqs_lmdb_store_reap(struct sqs_lmdb_store *s, struct sqs_engine *e, sqs_lmdb_result_fn fn,
                           void *ctx)
{
    uint64_t count;
    ssize_t n_read = read(s->notify_fd, &count, sizeof(count));
    (void)n_read; /* EAGAIN when nothing was signalled: look anyway */
    struct sqs_lmdb_result local[RESULTS_MERGE];
    struct sqs_lmdb_result *res = local;
    struct rsvec rs = { 0 };
    int all = 0;
    pthread_mutex_lock(&s->mu);
    size_t n = s->n_results;
    if (n > DD_ARRAY_LEN(local)) {
        /* Results piled up (nobody reaped): hand over the array itself. */
        struct sqs_lmdb_result *fresh = malloc(s->cap_results * sizeof(*fresh));
        if (fresh) {
            res = s->results;
            s->results = fresh;
        } else {
            n = DD_ARRAY_LEN(local); /* the rest at the next reap */
        }
    }
    if (res == local) {
        memcpy(local, s->results, n * sizeof(*local));
        memmove(s->results, s->results + n, (s->n_results - n) * sizeof(*s->results));
        s->n_results -= n;
    } else {
        s->n_results = 0;
    }
    if (e) {
        rs = s->rs;
        memset(&s->rs, 0, sizeof(s->rs));
        all = s->rs_all;
        s->rs_all = 0;
    }
    refresh_error(s);
    pthread_mutex_unlock(&s->mu);

    for (size_t i = 0; i < n; i++) {
        if (fn)
            fn(ctx, &res[i]);
        if (res[i].last > s->reaped)
            s->reaped = res[i].last;
    }
    if (res != local)
        free(res);
    if (e && (rs.n || all))
        resync(s, e, &rs, all);
    free(rs.v);
    if (n == DD_ARRAY_LEN(local))
        wake_loop(s); /* there may be more */
    return n;
}

/* Waits until every batch up to no is done. */
static void wait_done(struct sqs_lmdb_store *s, uint64_t no)
{
    pthread_mutex_lock(&s->mu);
    while (atomic_load(&s->done) < no)
        pthread_cond_wait(&s->finished, &s->mu);
    pthread_mutex_unlock(&s->mu);
}

int sqs_lmdb_store_commit(struct sqs_lmdb_store *s)
{
    int was_dirty = sqs_lmdb_store_dirty(s);
    uint64_t no = sqs_lmdb_store_submit(s);
    if (!no) {
        wait_done(s, s->submitted);
        return was_dirty ? DD_EIO : DD_OK;
    }
    wait_done(s, no);
    int rc = DD_OK;
    pthread_mutex_lock(&s->mu);
    for (size_t i = s->n_results; i-- > 0;)
        if (s->results[i].first <= no && no <= s->results[i].last) {
            rc = s->results[i].rc;
            break;
        }
    refresh_error(s);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int sqs_lmdb_store_sync(struct sqs_lmdb_store *s)
{
    wait_done(s, s->submitted);
    /* In FSYNC mode every commit has synced already. */
    if (s->durability == SQS_DURABILITY_FSYNC)
        return DD_OK;
    int rc = mdb_env_sync(s->env, 1);
    if (rc) {
        snprintf(s->last_error, sizeof(s->last_error), "sync: %s", mdb_strerror(rc));
        return DD_EIO;
    }
    return DD_OK;
}

const char *sqs_lmdb_store_last_error(struct sqs_lmdb_store *s)
{
    pthread_mutex_lock(&s->mu);
    refresh_error(s);
    pthread_mutex_unlock(&s->mu);
    return s->last_error;
}

size_t sqs_lmdb_store_map_size(struct sqs_lmdb_store *s)
{
    pthread_mutex_lock(&s->mu);
    size_t v = s->map_size;
    pthread_mutex_unlock(&s->mu);
    return v;
}

void sqs_lmdb_store_inject_failures(struct sqs_lmdb_store *s, unsigned n)
{
    pthread_mutex_lock(&s->mu);
    s->inject = n;
    pthread_mutex_unlock(&s->mu);
}

void sqs_lmdb_store_pause(struct sqs_lmdb_store *s, int on)
{
    pthread_mutex_lock(&s->mu);
    s->paused = on != 0;
    pthread_cond_signal(&s->work);
    pthread_mutex_unlock(&s->mu);
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
    s->next_queue_id = next_id;
    return DD_OK;
}

/* The mutex, the conditions (on the monotonic clock, for the BATCH-mode
 * sync timeout) and the first results array. */
static int init_sync(struct sqs_lmdb_store *s)
{
    s->cap_results = 16;
    s->results = malloc(s->cap_results * sizeof(*s->results));
    if (!s->results)
        return DD_ENOMEM;
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca))
        return DD_ENOMEM;
    int rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    if (rc == 0 && (rc = pthread_mutex_init(&s->mu, NULL)) == 0) {
        if ((rc = pthread_cond_init(&s->work, &ca)) == 0) {
            if ((rc = pthread_cond_init(&s->finished, NULL)) == 0)
                s->sync_inited = 1;
            else
                pthread_cond_destroy(&s->work);
        }
        if (rc)
            pthread_mutex_destroy(&s->mu);
    }
    pthread_condattr_destroy(&ca);
    return rc ? DD_ENOMEM : DD_OK;
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
    s->notify_fd = -1;
    rc = init_sync(s);
    if (rc) {
        errfmt(errbuf, errlen, "cannot set up the store thread's state");
        sqs_lmdb_store_close(s);
        return rc;
    }

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
    MDB_envinfo info;
    s->map_size = mdb_env_info(s->env, &info) ? map_size : info.me_mapsize;
    s->last_sync_ns = mono_ns();
    s->notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (s->notify_fd < 0) {
        errfmt(errbuf, errlen, "eventfd: %s", strerror(errno));
        sqs_lmdb_store_close(s);
        return DD_EIO;
    }
    rc = pthread_create(&s->thread, NULL, store_thread, s);
    if (rc) {
        errfmt(errbuf, errlen, "starting the store thread: %s", strerror(rc));
        sqs_lmdb_store_close(s);
        return DD_EIO;
    }
    s->thread_started = 1;
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
    if (s->thread_started) {
        /* The thread drains the queue (pause or not), syncs, and leaves. */
        pthread_mutex_lock(&s->mu);
        s->stop = 1;
        pthread_cond_signal(&s->work);
        pthread_mutex_unlock(&s->mu);
        pthread_join(s->thread, NULL);
    }
    while (s->q_head) {
        struct batch *next = s->q_head->next;
        batch_free(s->q_head);
        s->q_head = next;
    }
    while (s->spare) {
        struct batch *next = s->spare->next;
        batch_free(s->spare);
        s->spare = next;
    }
    batch_free(s->open);
    free(s->results);
    free(s->rs.v);
    free(s->marks);
    if (s->env)
        mdb_env_close(s->env);
    if (s->notify_fd >= 0)
        close(s->notify_fd);
    if (s->lock_fd >= 0)
        close(s->lock_fd); /* releases the flock */
    if (s->sync_inited) {
        pthread_cond_destroy(&s->finished);
        pthread_cond_destroy(&s->work);
        pthread_mutex_destroy(&s->mu);
    }
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

/* Deleted queues' ids stay retired: raises the engine's next id to 'I'. */
static int load_next_queue_id(struct loader *L)
{
    MDB_val k = { sizeof("next_queue_id") - 1, "next_queue_id" }, v;
    int rc = mdb_get(L->txn, L->s->dbi[DB_META], &k, &v);
    if (rc == MDB_NOTFOUND)
        return DD_OK;
    if (rc)
        return load_corrupt(L, "meta: next_queue_id: %s", mdb_strerror(rc));
    uint64_t next_id = 0;
    const char *why = NULL;
    if (dec_small(&v, REC_QUEUEID, 1, &next_id, &why))
        return load_corrupt(L, "meta: next_queue_id: %s", why);
    if (next_id > L->e->next_queue_id)
        L->e->next_queue_id = next_id;
    return DD_OK;
}

int sqs_lmdb_store_load(struct sqs_lmdb_store *s, struct sqs_engine *e, int64_t now_ms,
                        char *errbuf, size_t errlen)
{
    errfmt(errbuf, errlen, "%s", "");
    /* The thread idles from here on: nothing is submitted while we load. */
    wait_done(s, s->submitted);
    struct loader L = { 0 };
    L.s = s;
    L.e = e;
    L.now_ms = now_ms;
    L.errbuf = errbuf;
    L.errlen = errlen;
    int rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &L.txn);
    if (rc) {
        L.txn = NULL;
        return load_corrupt(&L, "beginning a read transaction: %s", mdb_strerror(rc));
    }
    struct msg_view mv;
    memset(&mv, 0, sizeof(mv));
    rc = load_queues(&L);
    if (rc == DD_OK)
        rc = load_messages(&L, &mv);
    if (rc == DD_OK)
        rc = load_next_queue_id(&L);
    /* Every restored message has its 'M' and a seq below next_seq. */
    s->n_marks = 0;
    for (size_t i = 0; rc == DD_OK && i < L.nq; i++)
        mark_set(s, L.qs[i].id, L.qs[i].q->next_seq);
    msg_view_release(&mv);
    free(L.qs);
    mdb_txn_abort(L.txn);
    return rc;
}
