/*
 * Queues: lifecycle in the engine's registry, tags, purge, listing with
 * pagination, and restore. The rules reproduced here are SQS's:
 *
 *  - CreateQueue is idempotent: asking again for an existing name with
 *    attribute values equal to the queue's current ones returns the queue;
 *    any given attribute that differs is QueueNameExists. Validation errors
 *    come first, as on SQS.
 *  - After DeleteQueue, the name cannot be created again for 60 s
 *    (QueueDeletedRecently). The engine remembers deletions in a list ordered
 *    by time, pruned as it is read, so the memory is bounded by the deletions
 *    of the last minute.
 *  - PurgeQueue may run once per 60 s per queue (PurgeQueueInProgress).
 *  - ListQueues orders names bytewise so pages are stable; NextToken is the
 *    last name of the previous page, encoded, and the next page starts after
 *    it (so queues created or deleted between pages do not shift the rest).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "sqs-emu/message.h"
#include "sqs-emu/queue.h"

/* ---- message index: open addressing over seq ---- */

static size_t slot_for(uint64_t seq, size_t cap)
{
    /* Fibonacci hashing spreads consecutive seqs over the table. */
    return (size_t)((seq * 11400714819323198485ULL) >> 20) & (cap - 1);
}

static int index_grow(struct sqs_msgindex *ix)
{
    size_t cap = ix->cap ? ix->cap * 2 : 64;
    struct sqs_message **slots = calloc(cap, sizeof(*slots));
    if (!slots)
        return DD_ENOMEM;
    for (size_t i = 0; i < ix->cap; i++) {
        struct sqs_message *m = ix->slots[i];
        if (!m)
            continue;
        size_t j = slot_for(m->seq, cap);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = m;
    }
    free(ix->slots);
    ix->slots = slots;
    ix->cap = cap;
    return DD_OK;
}

int sqs_msgindex_put(struct sqs_msgindex *ix, struct sqs_message *m)
{
    /* Keep the load factor under 1/2 so probes stay short. */
    if ((ix->n + 1) * 2 > ix->cap && index_grow(ix))
        return DD_ENOMEM;
    size_t j = slot_for(m->seq, ix->cap);
    while (ix->slots[j]) {
        if (ix->slots[j]->seq == m->seq)
            return DD_EEXIST;
        j = (j + 1) & (ix->cap - 1);
    }
    ix->slots[j] = m;
    ix->n++;
    return DD_OK;
}

struct sqs_message *sqs_msgindex_get(const struct sqs_msgindex *ix, uint64_t seq)
{
    if (!ix->cap)
        return NULL;
    size_t j = slot_for(seq, ix->cap);
    while (ix->slots[j]) {
        if (ix->slots[j]->seq == seq)
            return ix->slots[j];
        j = (j + 1) & (ix->cap - 1);
    }
    return NULL;
}

void sqs_msgindex_del(struct sqs_msgindex *ix, uint64_t seq)
{
    if (!ix->cap)
        return;
    size_t mask = ix->cap - 1, j = slot_for(seq, ix->cap);
    while (ix->slots[j] && ix->slots[j]->seq != seq)
        j = (j + 1) & mask;
    if (!ix->slots[j])
        return;
    ix->slots[j] = NULL;
    ix->n--;
    /* Backward-shift deletion: move later members of the probe run into the
     * hole when their home slot allows it, so no tombstones are needed. */
    size_t hole = j;
    for (size_t k = (j + 1) & mask; ix->slots[k]; k = (k + 1) & mask) {
        size_t home = slot_for(ix->slots[k]->seq, ix->cap);
        /* k may move to hole if home is not cyclically within (hole, k]. */
        int in_range = hole <= k ? (home > hole && home <= k) : (home > hole || home <= k);
        if (!in_range) {
            ix->slots[hole] = ix->slots[k];
            ix->slots[k] = NULL;
            hole = k;
        }
    }
}

void sqs_msgindex_release(struct sqs_msgindex *ix)
{
    for (size_t i = 0; i < ix->cap; i++)
        sqs_message_free(ix->slots[i]);
    DD_FREE(ix->slots);
    ix->cap = 0;
    ix->n = 0;
}

/* ---- queue objects ---- */

size_t sqs_queue_visible_count(const struct sqs_queue *q)
{
    return q->ready.n;
}

size_t sqs_queue_message_count(const struct sqs_queue *q)
{
    return q->index.n;
}

void sqs_queue_free(struct sqs_queue *q)
{
    if (!q)
        return;
    sqs_heap_release(&q->ready);
    sqs_heap_release(&q->timers);
    sqs_heap_release(&q->ages);
    sqs_msgindex_release(&q->index);
    sqs_queue_attrs_release(&q->attrs);
    sqs_kvlist_release(&q->tags);
    free(q->account);
    free(q->name);
    free(q->arn);
    free(q);
}

void sqs_queue_drop_message(struct sqs_queue *q, struct sqs_message *m)
{
    sqs_vis_unlink(q, m);
    sqs_msgindex_del(&q->index, m->seq);
    sqs_message_free(m);
}

static int make_key(const char *account, const char *name, char *key, size_t size)
{
    int n = snprintf(key, size, "%s/%s", account, name);
    return n < 0 || (size_t)n >= size ? DD_EINVAL : DD_OK;
}

#define KEY_SIZE 256

struct sqs_queue *sqs_queue_lookup(const struct sqs_engine *e, const char *account,
                                   const char *name)
{
    char key[KEY_SIZE];
    if (!account || !name || make_key(account, name, key, sizeof(key)))
        return NULL;
    return sqs_strmap_get(e->queues, key);
}

struct sqs_queue *sqs_queue_lookup_arn(const struct sqs_engine *e, const char *arn)
{
    char region[64], account[64], name[SQS_QUEUE_NAME_MAX + 1];
    if (!arn || sqs_arn_parse(arn, region, sizeof(region), account, sizeof(account), name,
                              sizeof(name)) != DD_OK)
        return NULL;
    if (strcmp(region, e->region) != 0)
        return NULL;
    return sqs_queue_lookup(e, account, name);
}

static int name_chars_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

static int has_fifo_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".fifo") == 0;
}

int sqs_queue_name_check(const char *name, int fifo, struct sqs_error *err)
{
    size_t n = name ? strlen(name) : 0;
    if (fifo) {
        if (n <= SQS_QUEUE_NAME_MAX && has_fifo_suffix(name) && name_chars_ok(name, n - 5))
            return DD_OK;
        return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE, "%s",
                             "The name of a FIFO queue can only include alphanumeric characters, "
                             "hyphens, or underscores, must end with .fifo suffix and be 1 to 80 "
                             "in length.");
    }
    if (n >= 1 && n <= SQS_QUEUE_NAME_MAX && name_chars_ok(name, n))
        return DD_OK;
    return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE, "%s",
                         "Can only include alphanumeric characters, hyphens, or underscores. 1 to "
                         "80 in length");
}

/* Forgets deletions older than the QueueDeletedRecently window. */
static void prune_tombs(struct sqs_engine *e, int64_t now_ms)
{
    size_t k = 0;
    while (k < e->n_tombs && now_ms - e->tombs[k].deleted_ms >= SQS_QUEUE_DELETE_WAIT_MS)
        free(e->tombs[k++].key);
    if (k) {
        memmove(e->tombs, e->tombs + k, (e->n_tombs - k) * sizeof(*e->tombs));
        e->n_tombs -= k;
    }
}

static int deleted_recently(struct sqs_engine *e, const char *key, int64_t now_ms)
{
    prune_tombs(e, now_ms);
    for (size_t i = 0; i < e->n_tombs; i++)
        if (strcmp(e->tombs[i].key, key) == 0)
            return 1;
    return 0;
}

static int remember_deletion(struct sqs_engine *e, const char *key, int64_t now_ms)
{
    prune_tombs(e, now_ms);
    if (e->n_tombs == e->cap_tombs) {
        size_t cap = e->cap_tombs ? e->cap_tombs * 2 : 8;
        struct sqs_tombstone *t = realloc(e->tombs, cap * sizeof(*t));
        if (!t)
            return DD_ENOMEM;
        e->tombs = t;
        e->cap_tombs = cap;
    }
    char *k = strdup(key);
    if (!k)
        return DD_ENOMEM;
    e->tombs[e->n_tombs].key = k;
    e->tombs[e->n_tombs].deleted_ms = now_ms;
    e->n_tombs++;
    return DD_OK;
}

static struct sqs_queue *queue_alloc(struct sqs_engine *e, const char *account, const char *name,
                                     int fifo)
{
    struct sqs_queue *q = calloc(1, sizeof(*q));
    if (!q)
        return NULL;
    q->engine = e;
    q->account = strdup(account);
    q->name = strdup(name);
    size_t alen = strlen(e->region) + strlen(account) + strlen(name) + 16;
    q->arn = malloc(alen);
    if (!q->account || !q->name || !q->arn) {
        sqs_queue_free(q);
        return NULL;
    }
    snprintf(q->arn, alen, "arn:aws:sqs:%s:%s:%s", e->region, account, name);
    q->fifo = fifo ? 1 : 0;
    sqs_queue_attrs_defaults(&q->attrs, fifo);
    q->last_purge_ms = -1;
    q->next_seq = 1;
    q->fifo_next_sequence = 1;
    sqs_heap_init(&q->ready, SQS_HEAP_READY);
    sqs_heap_init(&q->timers, SQS_HEAP_TIMERS);
    sqs_heap_init(&q->ages, SQS_HEAP_AGES);
    return q;
}

/* Tag rules of the SQS quotas page: keys 1..128 characters, values 0..256,
 * no reserved "aws:" prefix on the key. Lengths count characters (UTF-8). */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static int tags_check(const struct sqs_kvlist *current, const struct sqs_kv *tags, size_t n,
                      const char *queue_name, struct sqs_error *err)
{
    size_t total = current ? current->n : 0;
    for (size_t i = 0; i < n; i++) {
        const char *k = tags[i].key ? tags[i].key : "";
        const char *v = tags[i].value ? tags[i].value : "";
        size_t kl = utf8_chars(k);
        if (kl < 1 || kl > SQS_TAG_KEY_MAX)
            return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE,
                                 "Tag keys must be between 1 and 128 characters in length.");
        if (utf8_chars(v) > SQS_TAG_VALUE_MAX)
            return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE,
                                 "Tag values must be less than 256 characters in length.");
        if (strncmp(k, "aws:", 4) == 0)
            return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE,
                                 "Tag keys can't start with the reserved prefix aws:.");
        /* Count keys that are new, once each, for the 50-tag limit. */
        int seen = current && sqs_kvlist_get(current, k) != NULL;
        for (size_t j = 0; !seen && j < i; j++)
            seen = tags[j].key && strcmp(tags[j].key, k) == 0;
        if (!seen)
            total++;
    }
    if (total > SQS_MAX_TAGS)
        return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE,
                             "Too many tags added for queue %s.", queue_name);
    return DD_OK;
}

/* Sets or overwrites one tag in l. */
static int tag_put(struct sqs_kvlist *l, const char *k, const char *v)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->v[i].key, k) == 0) {
            char *nv = strdup(v);
            if (!nv)
                return DD_ENOMEM;
            free(l->v[i].value);
            l->v[i].value = nv;
            return DD_OK;
        }
    }
    return sqs_kvlist_add(l, k, v);
}

/* Parses FifoQueue from the CreateQueue attributes: -1 absent, 0/1, or an error. */
static int requested_fifo(const struct sqs_kv *attrs, size_t n, int *fifo, struct sqs_error *err)
{
    *fifo = -1;
    for (size_t i = 0; i < n; i++) {
        if (!attrs[i].key || strcmp(attrs[i].key, "FifoQueue") != 0)
            continue;
        const char *v = attrs[i].value ? attrs[i].value : "";
        if (strcasecmp(v, "true") == 0)
            *fifo = 1;
        else if (strcasecmp(v, "false") == 0)
            *fifo = 0;
        else
            return sqs_error_set(err, SQS_ERR_INVALID_ATTRIBUTE_VALUE,
                                 "Invalid value for the parameter FifoQueue.");
    }
    return DD_OK;
}

int sqs_queue_create(struct sqs_engine *e, const char *account, const char *name,
                     const struct sqs_kv *attrs, size_t n_attrs, const struct sqs_kv *tags,
                     size_t n_tags, int64_t now_ms, struct sqs_queue **out, struct sqs_error *err)
{
    sqs_error_clear(err);
    if (!name || !*name)
        return sqs_error_set(err, SQS_ERR_MISSING_PARAMETER,
                             "The request must contain the parameter QueueName.");
    int want_fifo;
    int rc = requested_fifo(attrs, n_attrs, &want_fifo, err);
    if (rc)
        return rc;
    /* FifoQueue=true makes a FIFO queue and demands the .fifo name; without it
     * the name must be a standard one, where '.' is not allowed. */
    int fifo = want_fifo == 1;
    rc = sqs_queue_name_check(name, fifo, err);
    if (rc)
        return rc;

    struct sqs_queue_attrs req;
    sqs_queue_attrs_defaults(&req, fifo);
    rc = sqs_queue_attrs_apply(e, account, name, fifo, SQS_ATTRS_CREATE, attrs, n_attrs, &req, err);
    if (rc == DD_OK)
        rc = tags_check(NULL, tags, n_tags, name, err);
    if (rc) {
        sqs_queue_attrs_release(&req);
        return rc;
    }

    struct sqs_queue *existing = sqs_queue_lookup(e, account, name);
    if (existing) {
        /* Idempotent only if every attribute asked for has its current value. */
        for (size_t i = 0; i < n_attrs && rc == DD_OK; i++) {
            char *want = NULL, *have = NULL;
            int rw = sqs_queue_attr_format(&req, attrs[i].key, &want);
            int rh = sqs_queue_attr_format(&existing->attrs, attrs[i].key, &have);
            if (rw == DD_ENOMEM || rh == DD_ENOMEM)
                rc = sqs_error_nomem(err);
            else if (rw != rh || (rw == DD_OK && strcmp(want, have) != 0))
                rc = sqs_error_set(err, SQS_ERR_QUEUE_NAME_EXISTS,
                                   "A queue already exists with the same name and a different "
                                   "value for attribute %s",
                                   attrs[i].key);
            free(want);
            free(have);
        }
        sqs_queue_attrs_release(&req);
        if (rc)
            return rc;
        sqs_queue_tick(existing, now_ms);
        if (out)
            *out = existing;
        return DD_OK;
    }

    char key[KEY_SIZE];
    if (make_key(account, name, key, sizeof(key))) {
        sqs_queue_attrs_release(&req);
        return sqs_error_set(err, SQS_ERR_INVALID_ADDRESS,
                             "The address %s is not valid for this "
                             "endpoint.",
                             account);
    }
    if (deleted_recently(e, key, now_ms)) {
        sqs_queue_attrs_release(&req);
        return sqs_error_set(err, SQS_ERR_QUEUE_DELETED_RECENTLY,
                             "You must wait 60 seconds after deleting a queue before you can "
                             "create another with the same name.");
    }

    struct sqs_queue *q = queue_alloc(e, account, name, fifo);
    if (!q) {
        sqs_queue_attrs_release(&req);
        return sqs_error_nomem(err);
    }
    sqs_queue_attrs_release(&q->attrs);
    q->attrs = req;
    for (size_t i = 0; i < n_tags; i++) {
        if (tag_put(&q->tags, tags[i].key, tags[i].value ? tags[i].value : "")) {
            sqs_queue_free(q);
            return sqs_error_nomem(err);
        }
    }
    q->id = e->next_queue_id++;
    q->created_s = q->modified_s = now_ms / 1000;
    if (sqs_strmap_put(e->queues, key, q)) {
        sqs_queue_free(q);
        return sqs_error_nomem(err);
    }
    if (sqs_engine_put_queue(e, q))
        rc = sqs_error_nomem(err);
    if (out)
        *out = q;
    return rc;
}

int sqs_queue_get(struct sqs_engine *e, const char *account, const char *name, int64_t now_ms,
                  struct sqs_queue **out, struct sqs_error *err)
{
    sqs_error_clear(err);
    struct sqs_queue *q = sqs_queue_lookup(e, account, name);
    if (!q)
        return sqs_error_set(err, SQS_ERR_QUEUE_DOES_NOT_EXIST,
                             "The specified queue does not "
                             "exist.");
    sqs_queue_tick(q, now_ms);
    *out = q;
    return DD_OK;
}

int sqs_queue_delete(struct sqs_queue *q, int64_t now_ms, struct sqs_error *err)
{
    sqs_error_clear(err);
    struct sqs_engine *e = q->engine;
    char key[KEY_SIZE];
    if (make_key(q->account, q->name, key, sizeof(key)) || !sqs_strmap_get(e->queues, key))
        return sqs_error_set(err, SQS_ERR_QUEUE_DOES_NOT_EXIST,
                             "The specified queue does not "
                             "exist.");
    int rc = remember_deletion(e, key, now_ms);
    sqs_strmap_del(e->queues, key);
    int src = sqs_engine_del_queue(e, q);
    sqs_queue_free(q);
    if (rc || src)
        return sqs_error_nomem(err);
    return DD_OK;
}

int sqs_queue_set_attributes(struct sqs_queue *q, const struct sqs_kv *kv, size_t n, int64_t now_ms,
                             struct sqs_error *err)
{
    sqs_error_clear(err);
    sqs_queue_tick(q, now_ms);
    struct sqs_queue_attrs next;
    if (sqs_queue_attrs_copy(&next, &q->attrs))
        return sqs_error_nomem(err);
    int rc = sqs_queue_attrs_apply(q->engine, q->account, q->name, q->fifo, SQS_ATTRS_SET, kv, n,
                                   &next, err);
    if (rc) {
        sqs_queue_attrs_release(&next);
        return rc;
    }
    sqs_queue_attrs_release(&q->attrs);
    q->attrs = next;
    q->modified_s = now_ms / 1000;
    /* A shorter retention period applies to the messages already queued. */
    sqs_queue_tick(q, now_ms);
    if (sqs_engine_put_queue(q->engine, q))
        return sqs_error_nomem(err);
    return DD_OK;
}

int sqs_queue_purge(struct sqs_queue *q, int64_t now_ms, struct sqs_error *err)
{
    sqs_error_clear(err);
    if (q->last_purge_ms >= 0 && now_ms - q->last_purge_ms < SQS_PURGE_WAIT_MS)
        return sqs_error_set(err, SQS_ERR_PURGE_QUEUE_IN_PROGRESS,
                             "Only one PurgeQueue operation on %s is allowed every 60 seconds.",
                             q->name);
    sqs_heap_release(&q->ready);
    sqs_heap_release(&q->timers);
    sqs_heap_release(&q->ages);
    sqs_msgindex_release(&q->index);
    q->n_delayed = 0;
    q->n_inflight = 0;
    q->last_purge_ms = now_ms;
    int rc = sqs_engine_purge(q->engine, q);
    int rc2 = sqs_engine_put_queue(q->engine, q);
    if (rc || rc2)
        return sqs_error_nomem(err);
    return DD_OK;
}

int sqs_queue_tag(struct sqs_queue *q, const struct sqs_kv *tags, size_t n, struct sqs_error *err)
{
    sqs_error_clear(err);
    if (n == 0)
        return sqs_error_set(err, SQS_ERR_MISSING_PARAMETER,
                             "The request must contain the parameter Tags.");
    int rc = tags_check(&q->tags, tags, n, q->name, err);
    if (rc)
        return rc;
    /* Build the new list apart, so a failure leaves the tags as they were. */
    struct sqs_kvlist next = { 0 };
    for (size_t i = 0; i < q->tags.n && !rc; i++)
        rc = sqs_kvlist_add(&next, q->tags.v[i].key, q->tags.v[i].value);
    for (size_t i = 0; i < n && !rc; i++)
        rc = tag_put(&next, tags[i].key, tags[i].value ? tags[i].value : "");
    if (rc) {
        sqs_kvlist_release(&next);
        return sqs_error_nomem(err);
    }
    sqs_kvlist_release(&q->tags);
    q->tags = next;
    if (sqs_engine_put_queue(q->engine, q))
        return sqs_error_nomem(err);
    return DD_OK;
}

int sqs_queue_untag(struct sqs_queue *q, const char *const *keys, size_t n, struct sqs_error *err)
{
    sqs_error_clear(err);
    if (n == 0)
        return sqs_error_set(err, SQS_ERR_MISSING_PARAMETER,
                             "The request must contain the parameter TagKeys.");
    size_t w = 0;
    for (size_t i = 0; i < q->tags.n; i++) {
        int drop = 0;
        for (size_t j = 0; j < n && !drop; j++)
            drop = keys[j] && strcmp(keys[j], q->tags.v[i].key) == 0;
        if (drop) {
            free(q->tags.v[i].key);
            free(q->tags.v[i].value);
        } else {
            q->tags.v[w++] = q->tags.v[i];
        }
    }
    q->tags.n = w;
    if (sqs_engine_put_queue(q->engine, q))
        return sqs_error_nomem(err);
    return DD_OK;
}

/* ---- listing ---- */

void sqs_name_page_release(struct sqs_name_page *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->names[i]);
    DD_FREE(p->names);
    DD_FREE(p->next_token);
    p->n = 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* NextToken = base64("v1:" + last name): opaque to clients, checkable here. */
static char *token_encode(const char *last)
{
    char raw[KEY_SIZE];
    int n = snprintf(raw, sizeof(raw), "v1:%s", last);
    if (n < 0 || (size_t)n >= sizeof(raw))
        return NULL;
    size_t size = 4 * (((size_t)n + 2) / 3) + 1;
    char *out = malloc(size);
    if (out && sqs_base64_encode(raw, (size_t)n, out, size) != DD_OK)
        DD_FREE(out);
    return out;
}

/* Decodes a NextToken into the last name of the previous page. */
static int token_decode(const char *tok, char *last, size_t size)
{
    char raw[KEY_SIZE];
    size_t n = 0;
    if (sqs_base64_decode(tok, raw, sizeof(raw) - 1, &n) != DD_OK)
        return DD_EINVAL;
    raw[n] = '\0';
    if (n < 4 || memcmp(raw, "v1:", 3) != 0 || strlen(raw) != n || n - 3 >= size)
        return DD_EINVAL;
    memcpy(last, raw + 3, n - 2);
    return DD_OK;
}

/* Pages the sorted names[0..n) (borrowed) into out. */
static int paginate(const char **names, size_t n, int max_results, const char *next_token,
                    struct sqs_name_page *out, struct sqs_error *err)
{
    memset(out, 0, sizeof(*out));
    if (max_results < 0 || max_results > SQS_LIST_MAX)
        return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE,
                             "Value %d for parameter MaxResults is invalid. Reason: MaxResults "
                             "must be an integer between 1 and 1000.",
                             max_results);
    qsort(names, n, sizeof(*names), cmp_names);
    size_t start = 0;
    if (next_token && *next_token) {
        char last[KEY_SIZE];
        if (token_decode(next_token, last, sizeof(last)))
            return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE, "Invalid NextToken value.");
        while (start < n && strcmp(names[start], last) <= 0)
            start++;
    }
    size_t limit = max_results ? (size_t)max_results : SQS_LIST_MAX;
    size_t count = n - start < limit ? n - start : limit;
    out->names = calloc(count ? count : 1, sizeof(char *));
    if (!out->names)
        return sqs_error_nomem(err);
    for (size_t i = 0; i < count; i++) {
        out->names[i] = strdup(names[start + i]);
        if (!out->names[i]) {
            sqs_name_page_release(out);
            return sqs_error_nomem(err);
        }
        out->n = i + 1;
    }
    /* SQS gives a NextToken only to callers that set MaxResults. */
    if (max_results && start + count < n) {
        out->next_token = token_encode(names[start + count - 1]);
        if (!out->next_token) {
            sqs_name_page_release(out);
            return sqs_error_nomem(err);
        }
    }
    return DD_OK;
}

int sqs_queue_list(struct sqs_engine *e, const char *account, const char *prefix, int max_results,
                   const char *next_token, struct sqs_name_page *out, struct sqs_error *err)
{
    sqs_error_clear(err);
    size_t total = sqs_strmap_count(e->queues), n = 0;
    const char **names = calloc(total ? total : 1, sizeof(char *));
    if (!names)
        return sqs_error_nomem(err);
    size_t plen = prefix ? strlen(prefix) : 0;
    size_t cur = 0;
    const char *key;
    void *value;
    while (sqs_strmap_next(e->queues, &cur, &key, &value)) {
        const struct sqs_queue *q = value;
        if (strcmp(q->account, account) == 0 && (!plen || strncmp(q->name, prefix, plen) == 0))
            names[n++] = q->name;
    }
    int rc = paginate(names, n, max_results, next_token, out, err);
    free(names);
    return rc;
}

int sqs_queue_list_dlq_sources(struct sqs_queue *q, int max_results, const char *next_token,
                               struct sqs_name_page *out, struct sqs_error *err)
{
    sqs_error_clear(err);
    struct sqs_engine *e = q->engine;
    size_t total = sqs_strmap_count(e->queues), n = 0;
    const char **names = calloc(total ? total : 1, sizeof(char *));
    if (!names)
        return sqs_error_nomem(err);
    size_t cur = 0;
    const char *key;
    void *value;
    while (sqs_strmap_next(e->queues, &cur, &key, &value)) {
        const struct sqs_queue *s = value;
        if (s->attrs.dlq_arn && strcmp(s->attrs.dlq_arn, q->arn) == 0)
            names[n++] = s->name;
    }
    int rc = paginate(names, n, max_results, next_token, out, err);
    free(names);
    return rc;
}

/* ---- store records ---- */

int sqs_queue_record_of(const struct sqs_queue *q, struct sqs_queue_record *rec,
                        struct sqs_kvlist *attrs_scratch, struct sqs_kvlist *tags_scratch)
{
    memset(rec, 0, sizeof(*rec));
    rec->account = q->account;
    rec->name = q->name;
    rec->id = q->id;
    rec->created_s = q->created_s;
    rec->modified_s = q->modified_s;
    rec->last_purge_ms = q->last_purge_ms;
    rec->next_seq = q->next_seq;
    rec->fifo_next_sequence = q->fifo_next_sequence;
    int rc = sqs_queue_attrs_export(&q->attrs, attrs_scratch);
    for (size_t i = 0; rc == DD_OK && i < q->tags.n; i++)
        rc = sqs_kvlist_add(tags_scratch, q->tags.v[i].key, q->tags.v[i].value);
    rec->attrs = attrs_scratch;
    rec->tags = tags_scratch;
    return rc;
}

int sqs_queue_restore(struct sqs_engine *e, const struct sqs_queue_record *rec,
                      struct sqs_queue **out, struct sqs_error *err)
{
    sqs_error_clear(err);
    if (!rec->account || !rec->name || rec->id == 0)
        return sqs_error_set(err, SQS_ERR_INTERNAL_ERROR, "Queue record is incomplete.");
    int fifo = has_fifo_suffix(rec->name);
    int rc = sqs_queue_name_check(rec->name, fifo, err);
    if (rc)
        return rc;
    char key[KEY_SIZE];
    if (make_key(rec->account, rec->name, key, sizeof(key)))
        return sqs_error_set(err, SQS_ERR_INVALID_ADDRESS,
                             "The address %s is not valid for this "
                             "endpoint.",
                             rec->account);
    if (sqs_strmap_get(e->queues, key)) {
        sqs_error_set(err, SQS_ERR_QUEUE_NAME_EXISTS, "Queue %s is restored twice.", rec->name);
        return DD_EEXIST;
    }
    struct sqs_queue *q = queue_alloc(e, rec->account, rec->name, fifo);
    if (!q)
        return sqs_error_nomem(err);
    /* The kv view of the stored attribute list, for the validator. */
    size_t na = rec->attrs ? rec->attrs->n : 0;
    struct sqs_kv *kv = calloc(na ? na : 1, sizeof(*kv));
    if (!kv) {
        sqs_queue_free(q);
        return sqs_error_nomem(err);
    }
    for (size_t i = 0; i < na; i++) {
        kv[i].key = rec->attrs->v[i].key;
        kv[i].value = rec->attrs->v[i].value;
    }
    rc = sqs_queue_attrs_apply(e, q->account, q->name, fifo, SQS_ATTRS_RESTORE, kv, na, &q->attrs,
                               err);
    free(kv);
    for (size_t i = 0; rc == DD_OK && rec->tags && i < rec->tags->n; i++)
        if (tag_put(&q->tags, rec->tags->v[i].key, rec->tags->v[i].value))
            rc = sqs_error_nomem(err);
    if (rc) {
        sqs_queue_free(q);
        return rc;
    }
    q->id = rec->id;
    q->created_s = rec->created_s;
    q->modified_s = rec->modified_s;
    q->last_purge_ms = rec->last_purge_ms;
    if (rec->next_seq > q->next_seq)
        q->next_seq = rec->next_seq;
    if (rec->fifo_next_sequence > q->fifo_next_sequence)
        q->fifo_next_sequence = rec->fifo_next_sequence;
    if (sqs_strmap_put(e->queues, key, q)) {
        sqs_queue_free(q);
        return sqs_error_nomem(err);
    }
    /* New queues must never reuse a restored incarnation id. */
    if (rec->id >= e->next_queue_id)
        e->next_queue_id = rec->id + 1;
    if (out)
        *out = q;
    return DD_OK;
}
