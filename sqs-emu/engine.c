/*
 * The engine object: the queue registry (a string-keyed hash map from
 * "account/name" to the queue), engine-wide ids, the random source and the
 * store hook dispatch. Queue semantics live in queue.c; this file only holds
 * what every queue shares.
 */
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "sqs-emu/engine.h"
#include "sqs-emu/queue.h"

/* ---- string map: chained buckets, FNV-1a, doubled at load factor 1 ---- */

struct strmap_entry {
    char *key;                 /* owned */
    void *value;               /* borrowed */
    struct strmap_entry *next; /* owned: the rest of the bucket */
};

struct sqs_strmap {
    struct strmap_entry **buckets; /* owned array, power-of-two length */
    size_t nbuckets;
    size_t n;
};

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

struct sqs_strmap *sqs_strmap_new(void)
{
    struct sqs_strmap *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->nbuckets = 16;
    m->buckets = calloc(m->nbuckets, sizeof(*m->buckets));
    if (!m->buckets) {
        free(m);
        return NULL;
    }
    return m;
}

void sqs_strmap_free(struct sqs_strmap *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nbuckets; i++) {
        struct strmap_entry *e = m->buckets[i];
        while (e) {
            struct strmap_entry *next = e->next;
            free(e->key);
            free(e);
            e = next;
        }
    }
    free(m->buckets);
    free(m);
}

static struct strmap_entry **find_slot(const struct sqs_strmap *m, const char *key)
{
    struct strmap_entry **pp = &m->buckets[fnv1a(key) & (m->nbuckets - 1)];
    while (*pp && strcmp((*pp)->key, key) != 0)
        pp = &(*pp)->next;
    return pp;
}

static void grow(struct sqs_strmap *m)
{
    size_t nb = m->nbuckets * 2;
    struct strmap_entry **b = calloc(nb, sizeof(*b));
    if (!b)
        return; /* a fuller table is slower, not wrong */
    for (size_t i = 0; i < m->nbuckets; i++) {
        struct strmap_entry *e = m->buckets[i];
        while (e) {
            struct strmap_entry *next = e->next;
            size_t j = fnv1a(e->key) & (nb - 1);
            e->next = b[j];
            b[j] = e;
            e = next;
        }
    }
    free(m->buckets);
    m->buckets = b;
    m->nbuckets = nb;
}

int sqs_strmap_put(struct sqs_strmap *m, const char *key, void *value)
{
    struct strmap_entry **pp = find_slot(m, key);
    if (*pp) {
        (*pp)->value = value;
        return DD_OK;
    }
    struct strmap_entry *e = calloc(1, sizeof(*e));
    if (!e)
        return DD_ENOMEM;
    e->key = strdup(key);
    if (!e->key) {
        free(e);
        return DD_ENOMEM;
    }
    e->value = value;
    *pp = e;
    m->n++;
    if (m->n > m->nbuckets)
        grow(m);
    return DD_OK;
}

void *sqs_strmap_get(const struct sqs_strmap *m, const char *key)
{
    struct strmap_entry **pp = find_slot(m, key);
    return *pp ? (*pp)->value : NULL;
}

void *sqs_strmap_del(struct sqs_strmap *m, const char *key)
{
    struct strmap_entry **pp = find_slot(m, key);
    struct strmap_entry *e = *pp;
    if (!e)
        return NULL;
    void *v = e->value;
    *pp = e->next;
    free(e->key);
    free(e);
    m->n--;
    return v;
}

size_t sqs_strmap_count(const struct sqs_strmap *m)
{
    return m->n;
}

/* The cursor encodes (bucket, position in the bucket) as bucket * 2^20 + pos;
 * buckets are short (load factor <= 1), so 2^20 positions never run out. */
int sqs_strmap_next(const struct sqs_strmap *m, size_t *cursor, const char **key, void **value)
{
    size_t b = *cursor >> 20, pos = *cursor & ((1u << 20) - 1);
    for (; b < m->nbuckets; b++, pos = 0) {
        struct strmap_entry *e = m->buckets[b];
        for (size_t i = 0; e && i < pos; i++)
            e = e->next;
        if (e) {
            *key = e->key;
            *value = e->value;
            *cursor = (b << 20) | (pos + 1);
            return 1;
        }
    }
    *cursor = m->nbuckets << 20;
    return 0;
}

/* ---- base64 ---- */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sqs_base64_encode(const void *in, size_t len, char *out, size_t out_size)
{
    const unsigned char *p = in;
    size_t olen = 4 * ((len + 2) / 3);
    if (olen + 1 > out_size)
        return DD_ERANGE;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < len ? b64_alphabet[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? b64_alphabet[v & 63] : '=';
    }
    out[o] = '\0';
    return DD_OK;
}

static int b64_value(char c)
{
    const char *p = c ? strchr(b64_alphabet, c) : NULL;
    return p ? (int)(p - b64_alphabet) : -1;
}

int sqs_base64_decode(const char *in, void *out, size_t out_size, size_t *out_len)
{
    unsigned char *o = out;
    size_t len = strlen(in), n = 0;
    if (len == 0 || len % 4)
        return DD_EINVAL;
    for (size_t i = 0; i < len; i += 4) {
        int last = i + 4 == len;
        int pad3 = in[i + 2] == '=', pad4 = in[i + 3] == '=';
        /* Padding only at the very end, and "x=y" is not a thing. */
        if ((pad3 || pad4) && !last)
            return DD_EINVAL;
        if (pad3 && !pad4)
            return DD_EINVAL;
        int a = b64_value(in[i]), b = b64_value(in[i + 1]);
        int c = pad3 ? 0 : b64_value(in[i + 2]);
        int d = pad4 ? 0 : b64_value(in[i + 3]);
        if (a < 0 || b < 0 || c < 0 || d < 0)
            return DD_EINVAL;
        unsigned v = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c << 6 | (unsigned)d;
        size_t k = pad3 ? 1 : pad4 ? 2 : 3;
        if (n + k > out_size)
            return DD_ERANGE;
        o[n++] = (unsigned char)(v >> 16);
        if (k > 1)
            o[n++] = (unsigned char)(v >> 8);
        if (k > 2)
            o[n++] = (unsigned char)v;
    }
    *out_len = n;
    return DD_OK;
}

/* ---- engine ---- */

static int openssl_random(void *ctx, void *buf, size_t len)
{
    (void)ctx;
    if (len > (size_t)INT32_MAX || RAND_bytes(buf, (int)len) != 1)
        return DD_EIO;
    return DD_OK;
}

struct sqs_engine *sqs_engine_new(const struct sqs_engine_config *cfg)
{
    struct sqs_engine *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->region = strdup(cfg && cfg->region ? cfg->region : "us-east-1");
    e->queues = sqs_strmap_new();
    if (!e->region || !e->queues) {
        sqs_engine_free(e);
        return NULL;
    }
    if (cfg) {
        e->store = cfg->store;
        e->store_ctx = cfg->store_ctx;
        e->random = cfg->random;
        e->random_ctx = cfg->random_ctx;
    }
    if (!e->random)
        e->random = openssl_random;
    e->next_queue_id = 1;
    return e;
}

static void free_all_queues(struct sqs_engine *e)
{
    size_t cur = 0;
    const char *key;
    void *value;
    while (sqs_strmap_next(e->queues, &cur, &key, &value))
        sqs_queue_free(value);
}

void sqs_engine_free(struct sqs_engine *e)
{
    if (!e)
        return;
    if (e->queues) {
        free_all_queues(e);
        sqs_strmap_free(e->queues);
    }
    for (size_t i = 0; i < e->n_tombs; i++)
        free(e->tombs[i].key);
    free(e->tombs);
    free(e->region);
    free(e);
}

size_t sqs_engine_queue_count(const struct sqs_engine *e)
{
    return sqs_strmap_count(e->queues);
}

int sqs_engine_foreach(struct sqs_engine *e, int (*fn)(struct sqs_queue *q, void *arg), void *arg)
{
    size_t cur = 0;
    const char *key;
    void *value;
    while (sqs_strmap_next(e->queues, &cur, &key, &value)) {
        int rc = fn(value, arg);
        if (rc)
            return rc;
    }
    return 0;
}

void sqs_engine_tick(struct sqs_engine *e, int64_t now_ms)
{
    size_t cur = 0;
    const char *key;
    void *value;
    while (sqs_strmap_next(e->queues, &cur, &key, &value))
        sqs_queue_tick(value, now_ms);
}

int64_t sqs_engine_next_event_ms(const struct sqs_engine *e)
{
    int64_t t = INT64_MAX;
    size_t cur = 0;
    const char *key;
    void *value;
    while (sqs_strmap_next(e->queues, &cur, &key, &value)) {
        int64_t qt = sqs_queue_next_event_ms(value);
        if (qt < t)
            t = qt;
    }
    return t;
}

int sqs_engine_reset(struct sqs_engine *e)
{
    /* The fresh map first, so running out of memory changes nothing. */
    struct sqs_strmap *fresh = sqs_strmap_new();
    if (!fresh)
        return DD_ENOMEM;
    int first_rc = DD_OK;
    size_t cur = 0;
    const char *key;
    void *value;
    while (sqs_strmap_next(e->queues, &cur, &key, &value)) {
        int rc = sqs_engine_del_queue(e, value);
        if (rc && !first_rc)
            first_rc = rc;
        sqs_queue_free(value);
    }
    sqs_strmap_free(e->queues);
    e->queues = fresh;
    for (size_t i = 0; i < e->n_tombs; i++)
        free(e->tombs[i].key);
    e->n_tombs = 0;
    return first_rc;
}

int sqs_engine_random(struct sqs_engine *e, void *buf, size_t len)
{
    return e->random(e->random_ctx, buf, len);
}

int sqs_engine_uuid(struct sqs_engine *e, char out[37])
{
    unsigned char b[16];
    int rc = sqs_engine_random(e, b, sizeof(b));
    if (rc)
        return rc;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
    return DD_OK;
}

int sqs_engine_put_queue(struct sqs_engine *e, const struct sqs_queue *q)
{
    return e->store && e->store->put_queue ? e->store->put_queue(e->store_ctx, q) : DD_OK;
}

int sqs_engine_del_queue(struct sqs_engine *e, const struct sqs_queue *q)
{
    return e->store && e->store->del_queue ? e->store->del_queue(e->store_ctx, q) : DD_OK;
}

int sqs_engine_put_message(struct sqs_engine *e, const struct sqs_queue *q,
                           const struct sqs_message *m)
{
    return e->store && e->store->put_message ? e->store->put_message(e->store_ctx, q, m) : DD_OK;
}

int sqs_engine_del_message(struct sqs_engine *e, const struct sqs_queue *q,
                           const struct sqs_message *m)
{
    return e->store && e->store->del_message ? e->store->del_message(e->store_ctx, q, m) : DD_OK;
}

int sqs_engine_purge(struct sqs_engine *e, const struct sqs_queue *q)
{
    return e->store && e->store->purge_queue ? e->store->purge_queue(e->store_ctx, q) : DD_OK;
}
