/*
 * The LMDB store of sqs-emu: the durable layer under the engine. It
 * implements the store hooks of store.h by serialising every change into
 * the current batch; the server hands each event-loop round's batch to the
 * store thread (sqs_lmdb_store_submit), which owns every LMDB write: it
 * applies all the batches submitted so far in one write transaction,
 * commits, and reports which batches are done through an eventfd. The
 * server answers a request once the batch holding its effect is done. At
 * start-up the store rebuilds the engine from disk. The on-disk layout, the
 * record format, the pipeline and the durability modes are described at the
 * top of lmdb_store.c.
 *
 * One store per daemon. Every function here is for the event-loop thread
 * (the one that owns the engine); the store thread is internal.
 */
#ifndef SQS_LMDB_STORE_H
#define SQS_LMDB_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "sqs-emu/store.h"

struct sqs_engine;

/* --durability: what "answered" promises. */
enum sqs_durability {
    SQS_DURABILITY_FSYNC, /* a batch is done once it is on disk (fdatasync) */
    SQS_DURABILITY_BATCH, /* done once written; fsynced at most 10 ms later */
    SQS_DURABILITY_MEMORY /* no store at all: the caller gives the engine no vtable */
};

/* "fsync", "batch" or "memory" into *out; DD_EINVAL for anything else. s borrowed. */
int sqs_durability_parse(const char *s, enum sqs_durability *out);
/* The flag spelling of d (static string), "?" for an unknown value. */
const char *sqs_durability_name(enum sqs_durability d);

struct sqs_lmdb_store;

/* The initial size of the memory map (sparse: only used pages take disk).
 * The map doubles when three quarters of it are in use. */
#define SQS_LMDB_DEFAULT_MAP_SIZE ((size_t)(SIZE_MAX > 0xFFFFFFFFu ? (8ULL << 30) : (1ULL << 30)))

/*
 * Opens (creating) the store in dir, creating missing directories, takes an
 * exclusive lock on it (a second open of the same dir, from this or another
 * process, fails while the first is open) and starts the store thread.
 * MEMORY is refused (DD_EINVAL): the caller uses no store then. dir is
 * borrowed; *out is owned by the caller and freed with sqs_lmdb_store_close.
 * On failure a reason is written to errbuf (errlen bytes, may be NULL/0) and
 * a negative DD_E* code returned.
 */
int sqs_lmdb_store_open(const char *dir, enum sqs_durability d, struct sqs_lmdb_store **out,
                        char *errbuf, size_t errlen);
/* As sqs_lmdb_store_open with an initial map size of map_size bytes (rounded
 * up by LMDB to whole pages; tests use a small one to exercise growth). */
int sqs_lmdb_store_open_sized(const char *dir, enum sqs_durability d, size_t map_size,
                              struct sqs_lmdb_store **out, char *errbuf, size_t errlen);

/* Waits for every submitted batch to be done (and, in BATCH mode, synced),
 * stops the thread and closes s. The current batch, never submitted, is
 * dropped: call sqs_lmdb_store_commit first to keep it. NULL is a no-op. */
void sqs_lmdb_store_close(struct sqs_lmdb_store *s);

/* The hook vtable (static); pass the store as the engine's store_ctx. */
const struct sqs_store_ops *sqs_lmdb_store_ops(void);

/*
 * Rebuilds every stored queue, then every message, into e (borrowed; it
 * should hold no queues yet) without calling any hook. now_ms: delays and
 * visibility deadlines that passed while the daemon was down are due. Waits
 * for the submitted batches first, then reads what is committed (not the
 * current batch). Any corrupt or inconsistent record fails the whole load
 * (DD_EIO, the record and the reason in errbuf): e is then partly filled and
 * should be freed, and the daemon should refuse to start rather than run
 * without acknowledged messages. DD_ENOMEM when memory runs out.
 */
int sqs_lmdb_store_load(struct sqs_lmdb_store *s, struct sqs_engine *e, int64_t now_ms,
                        char *errbuf, size_t errlen);

/* 1 when hooks ran since the last submit (the current batch holds changes,
 * or failed to record one and will be reported failed). */
int sqs_lmdb_store_dirty(const struct sqs_lmdb_store *s);

/*
 * Hands the current batch to the store thread and returns its number (1, 2,
 * ... in submission order), or 0 when the batch is empty (nothing is
 * submitted). Never waits for the disk. Its outcome arrives through
 * sqs_lmdb_store_reap once the notify fd is readable.
 */
uint64_t sqs_lmdb_store_submit(struct sqs_lmdb_store *s);

/* The batch a reply produced now depends on: the current batch's future
 * number when it is dirty, else the newest submitted one (0: none yet). A
 * reply must wait until this batch is reaped as done. */
uint64_t sqs_lmdb_store_horizon(const struct sqs_lmdb_store *s);

/* 1 when the store thread has finished every submitted batch (reaped or
 * not): submitting now starts a commit at once instead of queueing behind
 * one. Lock-free, cheap enough to ask after every request. */
int sqs_lmdb_store_idle(const struct sqs_lmdb_store *s);

/* The newest batch whose outcome sqs_lmdb_store_reap has delivered (0: none). */
uint64_t sqs_lmdb_store_reaped(const struct sqs_lmdb_store *s);

/* An eventfd that becomes readable when batches finish; owned by s (do not
 * close), valid until sqs_lmdb_store_close. Register it for reading and call
 * sqs_lmdb_store_reap when it fires. */
int sqs_lmdb_store_notify_fd(const struct sqs_lmdb_store *s);

/* The outcome of one store-thread transaction. */
struct sqs_lmdb_result {
    uint64_t first;    /* the batches [first, last] it covered, in order */
    uint64_t last;     /* every batch up to last is done once this is delivered */
    int rc;            /* 0: all durable (as the mode promises); DD_EIO: all failed */
    int64_t commit_ns; /* time the thread spent writing, committing and syncing them */
    unsigned commits;  /* transactions counted here (1 unless results piled up unreaped) */
};

/* Receives one result (borrowed for the call). */
typedef void (*sqs_lmdb_result_fn)(void *ctx, const struct sqs_lmdb_result *r);

/*
 * Clears the notify fd and delivers every result the thread published since
 * the last reap to fn (may be NULL), oldest first; then, if a transaction
 * failed or found records its batch relied on missing, re-records the
 * current state of everything it touched from e (borrowed; NULL skips this)
 * into the current batch, so the disk converges with memory (see "When a
 * transaction fails" in lmdb_store.c). Returns the number of results.
 */
size_t sqs_lmdb_store_reap(struct sqs_lmdb_store *s, struct sqs_engine *e, sqs_lmdb_result_fn fn,
                           void *ctx);

/*
 * Submits the current batch and waits until it (or, when there was nothing
 * to submit, every batch submitted before) is done: for /_drydock/reset,
 * shutdown and tests. 0, or DD_EIO when that batch failed (the reason in
 * sqs_lmdb_store_last_error). Results stay for sqs_lmdb_store_reap.
 */
int sqs_lmdb_store_commit(struct sqs_lmdb_store *s);

/* Waits for every submitted batch, then forces what is committed to disk
 * (mdb_env_sync(force)); 0 or DD_EIO. The thread already does this at most
 * 10 ms after each BATCH-mode commit; FSYNC commits are on disk already. */
int sqs_lmdb_store_sync(struct sqs_lmdb_store *s);

/* Drops every queue and message (for /_drydock/reset) in the current batch;
 * its commit makes it durable. Queue ids are still never reused. */
int sqs_lmdb_store_wipe(struct sqs_lmdb_store *s);

/* The last LMDB or decoding failure, for the log (owned by s, valid until
 * the next call on s); "" when none. */
const char *sqs_lmdb_store_last_error(struct sqs_lmdb_store *s);

/* The current size of the memory map, bytes. */
size_t sqs_lmdb_store_map_size(struct sqs_lmdb_store *s);

/* Fault injection for tests: the next n transactions of the store thread
 * fail as a write error would (nothing of them reaches the disk). */
void sqs_lmdb_store_inject_failures(struct sqs_lmdb_store *s, unsigned n);

/* For tests: while paused (on != 0) the store thread takes no batch, so
 * several submitted batches pile up and go into one transaction on resume. */
void sqs_lmdb_store_pause(struct sqs_lmdb_store *s, int on);

/* CRC-32C (Castagnoli) of the n bytes at p (borrowed), continuing from crc
 * (0 to start): the checksum every record ends with. Public for tests and
 * tools that inspect or craft records. */
uint32_t sqs_lmdb_crc32c(uint32_t crc, const void *p, size_t n);

#endif
