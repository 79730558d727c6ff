/*
 * The LMDB store of sqs-emu: the durable layer under the engine. It
 * implements the store hooks of store.h by writing every change of one
 * event-loop iteration into one LMDB write transaction (group commit: the
 * server commits it before answering any request of that iteration), and
 * rebuilds the engine from disk at start-up. The on-disk layout, the record
 * format and the durability modes are described at the top of lmdb_store.c.
 *
 * One store per daemon, used from the event-loop thread only.
 */
#ifndef SQS_LMDB_STORE_H
#define SQS_LMDB_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "sqs-emu/store.h"

struct sqs_engine;

/* --durability: what "answered" promises. */
enum sqs_durability {
    SQS_DURABILITY_FSYNC, /* a commit returns once the group is on disk (fdatasync) */
    SQS_DURABILITY_BATCH, /* commits are written at once, fsynced by sqs_lmdb_store_sync */
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
 * Opens (creating) the store in dir, creating missing directories, and
 * takes an exclusive lock on it (a second open of the same dir, from this
 * or another process, fails while the first is open). MEMORY is refused
 * (DD_EINVAL): the caller uses no store then. dir is borrowed; *out is
 * owned by the caller and freed with sqs_lmdb_store_close. On failure a
 * reason is written to errbuf (errlen bytes, may be NULL/0) and a negative
 * DD_E* code returned.
 */
int sqs_lmdb_store_open(const char *dir, enum sqs_durability d, struct sqs_lmdb_store **out,
                        char *errbuf, size_t errlen);
/* As sqs_lmdb_store_open with an initial map size of map_size bytes (rounded
 * up by LMDB to whole pages; tests use a small one to exercise growth). */
int sqs_lmdb_store_open_sized(const char *dir, enum sqs_durability d, size_t map_size,
                              struct sqs_lmdb_store **out, char *errbuf, size_t errlen);

/* Closes s; an open transaction is aborted (commits nothing: call commit
 * first). NULL is a no-op. */
void sqs_lmdb_store_close(struct sqs_lmdb_store *s);

/* The hook vtable (static); pass the store as the engine's store_ctx. */
const struct sqs_store_ops *sqs_lmdb_store_ops(void);

/*
 * Rebuilds every stored queue, then every message, into e (borrowed; it
 * should hold no queues yet) without calling any hook. now_ms: delays and
 * visibility deadlines that passed while the daemon was down are due.
 * Reads the committed state, or the open transaction if there is one.
 * Any corrupt or inconsistent record fails the whole load (DD_EIO, the
 * record and the reason in errbuf): e is then partly filled and should be
 * freed, and the daemon should refuse to start rather than run without
 * acknowledged messages. DD_ENOMEM when memory runs out.
 */
int sqs_lmdb_store_load(struct sqs_lmdb_store *s, struct sqs_engine *e, int64_t now_ms,
                        char *errbuf, size_t errlen);

/* 1 when hooks ran since the last commit (a write transaction is open, or a
 * failed group awaits its commit to report DD_EIO). */
int sqs_lmdb_store_dirty(const struct sqs_lmdb_store *s);

/*
 * Commits the open write transaction, if any (0 when there is none). FSYNC:
 * durable on return. BATCH: written, but the fsync is left to
 * sqs_lmdb_store_sync. On failure, or when a hook of this group failed, the
 * transaction is aborted and DD_EIO returned: the caller must then fail the
 * requests it holds. The next hook starts a fresh group either way.
 */
int sqs_lmdb_store_commit(struct sqs_lmdb_store *s);

/* Forces what is committed to disk (mdb_env_sync(force)); 0 or DD_EIO. The
 * server calls it at most every 10 ms in BATCH mode; in FSYNC mode every
 * commit is on disk already and this returns 0 at once. */
int sqs_lmdb_store_sync(struct sqs_lmdb_store *s);

/* Drops every queue and message (for /_drydock/reset) inside the current
 * transaction (opened if needed); the commit makes it durable. Queue ids
 * are still never reused. */
int sqs_lmdb_store_wipe(struct sqs_lmdb_store *s);

/* The last LMDB or decoding failure, for the log (static or owned by s,
 * valid until the next call on s); "" when none. */
const char *sqs_lmdb_store_last_error(const struct sqs_lmdb_store *s);

/* The current size of the memory map, bytes. */
size_t sqs_lmdb_store_map_size(const struct sqs_lmdb_store *s);

/* CRC-32C (Castagnoli) of the n bytes at p (borrowed), continuing from crc
 * (0 to start): the checksum every record ends with. Public for tests and
 * tools that inspect or craft records. */
uint32_t sqs_lmdb_crc32c(uint32_t crc, const void *p, size_t n);

#endif
