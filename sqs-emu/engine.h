/*
 * The sqs-emu engine: the registry of every queue of every account, and what
 * the queues share (region, the store hook, the random source, queue
 * incarnation ids, the memory of recently deleted names).
 *
 * The engine is pure state: no sockets, no clock (each call gets now_ms), no
 * I/O except through the store vtable the caller provides. One engine per
 * daemon, owned by its server struct; not thread-safe (one event loop).
 */
#ifndef SQS_ENGINE_H
#define SQS_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "sqs-emu/store.h"

struct sqs_queue;
struct sqs_strmap;

/* Fills len bytes at buf with random bytes; 0 or a negative DD_E* code. */
typedef int (*sqs_random_fn)(void *ctx, void *buf, size_t len);

struct sqs_engine_config {
    const char *region;                /* copied; NULL = "us-east-1" */
    const struct sqs_store_ops *store; /* borrowed, must outlive the engine; NULL = memory only */
    void *store_ctx;                   /* borrowed, passed to every hook */
    sqs_random_fn random;              /* NULL = OpenSSL RAND_bytes */
    void *random_ctx;                  /* borrowed, passed to random */
};

/* A name deleted recently, remembered for QueueDeletedRecently. */
struct sqs_tombstone {
    char *key;          /* owned "account/name" */
    int64_t deleted_ms; /* when DeleteQueue ran */
};

struct sqs_engine {
    char *region;                      /* owned */
    const struct sqs_store_ops *store; /* borrowed or NULL */
    void *store_ctx;                   /* borrowed */
    sqs_random_fn random;              /* never NULL */
    void *random_ctx;                  /* borrowed */
    struct sqs_strmap *queues;         /* owned: "account/name" -> owned struct sqs_queue */
    uint64_t next_queue_id;            /* next incarnation id (restore raises it) */
    struct sqs_tombstone *tombs;       /* owned list of recent deletions, oldest first */
    size_t n_tombs;                    /* entries used */
    size_t cap_tombs;                  /* entries allocated */
};

/* Creates an engine (cfg borrowed; NULL = all defaults). NULL on ENOMEM. */
struct sqs_engine *sqs_engine_new(const struct sqs_engine_config *cfg);
/* Frees e, every queue and message it holds; NULL is a no-op. */
void sqs_engine_free(struct sqs_engine *e);

/* Number of queues, all accounts. */
size_t sqs_engine_queue_count(const struct sqs_engine *e);

/*
 * Calls fn for every queue (any order) until fn returns non-zero, which is
 * returned. fn must not create or delete queues.
 */
int sqs_engine_foreach(struct sqs_engine *e, int (*fn)(struct sqs_queue *q, void *arg), void *arg);

/* Ticks every queue (sqs_queue_tick). */
void sqs_engine_tick(struct sqs_engine *e, int64_t now_ms);
/* The earliest sqs_queue_next_event_ms over all queues, INT64_MAX if none. */
int64_t sqs_engine_next_event_ms(const struct sqs_engine *e);

/* Removes every queue and message (POST /_drydock/reset). Reports a
 * del_queue for each to the store. */
int sqs_engine_reset(struct sqs_engine *e);

/* Random bytes from the configured source. */
int sqs_engine_random(struct sqs_engine *e, void *buf, size_t len);

/* Writes a random (version 4) UUID, lowercase, into out. */
int sqs_engine_uuid(struct sqs_engine *e, char out[37]);

/* Store notifications: call the hook if there is one, else return 0. */
int sqs_engine_put_queue(struct sqs_engine *e, const struct sqs_queue *q);
int sqs_engine_del_queue(struct sqs_engine *e, const struct sqs_queue *q);
int sqs_engine_put_message(struct sqs_engine *e, const struct sqs_queue *q,
                           const struct sqs_message *m);
int sqs_engine_del_message(struct sqs_engine *e, const struct sqs_queue *q,
                           const struct sqs_message *m);
int sqs_engine_purge(struct sqs_engine *e, const struct sqs_queue *q);

/*
 * Standard base64 (RFC 4648, with padding) for the engine's opaque tokens
 * (receipt handles, NextToken). encode writes a NUL-terminated string and
 * returns DD_ERANGE if out_size is too small. decode rejects anything that
 * is not well-formed padded base64 (DD_EINVAL) or does not fit (DD_ERANGE) and stores
 * the decoded length in *out_len.
 */
int sqs_base64_encode(const void *in, size_t len, char *out, size_t out_size);
int sqs_base64_decode(const char *in, void *out, size_t out_size, size_t *out_len);

/*
 * The small string-keyed hash map the registry uses, public so tests and
 * other engine files can use it. Keys are copied; values borrowed.
 */
struct sqs_strmap *sqs_strmap_new(void);
/* Frees the map and its keys (not the values); NULL is a no-op. */
void sqs_strmap_free(struct sqs_strmap *m);
/* Inserts or replaces. DD_ENOMEM leaves the map unchanged. */
int sqs_strmap_put(struct sqs_strmap *m, const char *key, void *value);
/* The value for key, or NULL. */
void *sqs_strmap_get(const struct sqs_strmap *m, const char *key);
/* Removes key and returns its value, or NULL if absent. */
void *sqs_strmap_del(struct sqs_strmap *m, const char *key);
size_t sqs_strmap_count(const struct sqs_strmap *m);
/* Iteration: *cursor starts at 0; returns 1 and fills key/value until done (0).
 * The map must not change during iteration. */
int sqs_strmap_next(const struct sqs_strmap *m, size_t *cursor, const char **key, void **value);

#endif
