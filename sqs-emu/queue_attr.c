/*
 * Queue attributes: one table of every attribute SQS knows, with its kind,
 * range and default, and the code that validates values against it, prints
 * them canonically and computes the read-only ones.
 *
 * Error conventions, as SQS answers them:
 *  - an attribute name that is unknown, read-only (QueueArn, the Approximate*
 *    counts, the timestamps) or FIFO-only on a standard queue:
 *    InvalidAttributeName "Unknown Attribute NAME."
 *  - a number out of range, not a number, or a bad boolean/enum:
 *    InvalidAttributeValue "Invalid value for the parameter NAME."
 *  - a RedrivePolicy or RedriveAllowPolicy document that is well-formed JSON
 *    but breaks a rule: InvalidParameterValue "Value DOC for parameter NAME is
 *    invalid. Reason: ...".
 */
#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "sqs-emu/queue.h"
#include "sqs-emu/queue_attr.h"

/* ---- kv lists ---- */

int sqs_kvlist_add(struct sqs_kvlist *l, const char *key, const char *value)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        struct sqs_kvpair *v = realloc(l->v, cap * sizeof(*v));
        if (!v)
            return DD_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    char *k = strdup(key), *val = strdup(value ? value : "");
    if (!k || !val) {
        free(k);
        free(val);
        return DD_ENOMEM;
    }
    l->v[l->n].key = k;
    l->v[l->n].value = val;
    l->n++;
    return DD_OK;
}

const char *sqs_kvlist_get(const struct sqs_kvlist *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].key, key) == 0)
            return l->v[i].value;
    return NULL;
}

void sqs_kvlist_release(struct sqs_kvlist *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].key);
        free(l->v[i].value);
    }
    DD_FREE(l->v);
    l->n = 0;
    l->cap = 0;
}

/* ---- the table ---- */

enum attr_kind {
    K_INT,           /* integer in [min, max], at offset */
    K_BOOL,          /* "true"/"false", int at offset */
    K_STRING,        /* free text, char * at offset, "" unsets */
    K_POLICY,        /* JSON object text */
    K_REDRIVE,       /* RedrivePolicy */
    K_REDRIVE_ALLOW, /* RedriveAllowPolicy */
    K_DEDUP_SCOPE,   /* queue | messageGroup */
    K_THROUGHPUT,    /* perQueue | perMessageGroupId */
    K_FIFO,          /* FifoQueue: creation only */
    K_READONLY       /* computed: never settable */
};

#define F_FIFO_ONLY 1u /* only a FIFO queue has it */

struct attr_def {
    const char *name;
    enum attr_kind kind;
    int64_t min, max;
    size_t offset; /* into struct sqs_queue_attrs, for K_INT/K_BOOL/K_STRING */
    unsigned flags;
};

#define OFF(f) offsetof(struct sqs_queue_attrs, f)

/* In the order GetQueueAttributes(All) answers. */
static const struct attr_def attr_table[] = {
    { "QueueArn", K_READONLY, 0, 0, 0, 0 },
    { "ApproximateNumberOfMessages", K_READONLY, 0, 0, 0, 0 },
    { "ApproximateNumberOfMessagesNotVisible", K_READONLY, 0, 0, 0, 0 },
    { "ApproximateNumberOfMessagesDelayed", K_READONLY, 0, 0, 0, 0 },
    { "CreatedTimestamp", K_READONLY, 0, 0, 0, 0 },
    { "LastModifiedTimestamp", K_READONLY, 0, 0, 0, 0 },
    { "VisibilityTimeout", K_INT, 0, SQS_MAX_VISIBILITY_TIMEOUT, OFF(visibility_timeout), 0 },
    { "MaximumMessageSize", K_INT, SQS_MIN_MAXIMUM_MESSAGE_SIZE, SQS_DEFAULT_MAXIMUM_MESSAGE_SIZE,
      OFF(maximum_message_size), 0 },
    { "MessageRetentionPeriod", K_INT, SQS_MIN_RETENTION_PERIOD, SQS_MAX_RETENTION_PERIOD,
      OFF(message_retention_period), 0 },
    { "DelaySeconds", K_INT, 0, SQS_MAX_DELAY_SECONDS, OFF(delay_seconds), 0 },
    { "Policy", K_POLICY, 0, 0, OFF(policy), 0 },
    { "RedrivePolicy", K_REDRIVE, 0, 0, OFF(redrive_policy), 0 },
    { "RedriveAllowPolicy", K_REDRIVE_ALLOW, 0, 0, OFF(redrive_allow_policy), 0 },
    { "ReceiveMessageWaitTimeSeconds", K_INT, 0, SQS_MAX_RECEIVE_WAIT_TIME, OFF(receive_wait_time),
      0 },
    { "KmsMasterKeyId", K_STRING, 0, 0, OFF(kms_master_key_id), 0 },
    { "KmsDataKeyReusePeriodSeconds", K_INT, SQS_MIN_KMS_REUSE_PERIOD, SQS_MAX_KMS_REUSE_PERIOD,
      OFF(kms_data_key_reuse), 0 },
    { "SqsManagedSseEnabled", K_BOOL, 0, 0, OFF(sqs_managed_sse), 0 },
    { "FifoQueue", K_FIFO, 0, 0, OFF(fifo_queue), F_FIFO_ONLY },
    { "DeduplicationScope", K_DEDUP_SCOPE, 0, 0, 0, F_FIFO_ONLY },
    { "FifoThroughputLimit", K_THROUGHPUT, 0, 0, 0, F_FIFO_ONLY },
    { "ContentBasedDeduplication", K_BOOL, 0, 0, OFF(content_based_dedup), F_FIFO_ONLY },
};

static const struct attr_def *attr_find(const char *name)
{
    for (size_t i = 0; i < DD_ARRAY_LEN(attr_table); i++)
        if (strcmp(attr_table[i].name, name) == 0)
            return &attr_table[i];
    return NULL;
}

int sqs_queue_attr_known(const char *name)
{
    return strcmp(name, "All") == 0 || attr_find(name) != NULL;
}

#define FIELD(a, d, type)  ((type *)((char *)(a) + (d)->offset))
#define CFIELD(a, d, type) ((const type *)((const char *)(a) + (d)->offset))

/* ---- struct helpers ---- */

void sqs_queue_attrs_defaults(struct sqs_queue_attrs *a, int fifo)
{
    memset(a, 0, sizeof(*a));
    a->visibility_timeout = SQS_DEFAULT_VISIBILITY_TIMEOUT;
    a->delay_seconds = SQS_DEFAULT_DELAY_SECONDS;
    a->maximum_message_size = SQS_DEFAULT_MAXIMUM_MESSAGE_SIZE;
    a->message_retention_period = SQS_DEFAULT_RETENTION_PERIOD;
    a->receive_wait_time = 0;
    a->kms_data_key_reuse = SQS_DEFAULT_KMS_REUSE_PERIOD;
    a->sqs_managed_sse = 1;
    a->fifo_queue = fifo ? 1 : 0;
    a->redrive_permission = SQS_REDRIVE_ALLOW_ALL;
    a->dedup_scope = SQS_DEDUP_QUEUE;
    a->fifo_throughput = SQS_THROUGHPUT_PER_QUEUE;
}

static void free_arns(struct sqs_queue_attrs *a)
{
    for (size_t i = 0; i < a->n_source_arns; i++)
        free(a->source_arns[i]);
    DD_FREE(a->source_arns);
    a->n_source_arns = 0;
}

void sqs_queue_attrs_release(struct sqs_queue_attrs *a)
{
    if (!a)
        return;
    DD_FREE(a->policy);
    DD_FREE(a->redrive_policy);
    DD_FREE(a->dlq_arn);
    DD_FREE(a->redrive_allow_policy);
    DD_FREE(a->kms_master_key_id);
    free_arns(a);
}

static int dup_opt(char **dst, const char *src)
{
    *dst = NULL;
    if (!src)
        return DD_OK;
    *dst = strdup(src);
    return *dst ? DD_OK : DD_ENOMEM;
}

int sqs_queue_attrs_copy(struct sqs_queue_attrs *dst, const struct sqs_queue_attrs *src)
{
    *dst = *src;
    dst->policy = dst->redrive_policy = dst->dlq_arn = NULL;
    dst->redrive_allow_policy = dst->kms_master_key_id = NULL;
    dst->source_arns = NULL;
    dst->n_source_arns = 0;
    int rc = dup_opt(&dst->policy, src->policy);
    rc = rc ? rc : dup_opt(&dst->redrive_policy, src->redrive_policy);
    rc = rc ? rc : dup_opt(&dst->dlq_arn, src->dlq_arn);
    rc = rc ? rc : dup_opt(&dst->redrive_allow_policy, src->redrive_allow_policy);
    rc = rc ? rc : dup_opt(&dst->kms_master_key_id, src->kms_master_key_id);
    if (!rc && src->n_source_arns) {
        dst->source_arns = calloc(src->n_source_arns, sizeof(char *));
        if (!dst->source_arns)
            rc = DD_ENOMEM;
        for (size_t i = 0; !rc && i < src->n_source_arns; i++) {
            dst->source_arns[i] = strdup(src->source_arns[i]);
            if (!dst->source_arns[i])
                rc = DD_ENOMEM;
            dst->n_source_arns = i + 1;
        }
    }
    if (rc) {
        sqs_queue_attrs_release(dst);
        memset(dst, 0, sizeof(*dst));
    }
    return rc;
}

/* ---- value parsers ---- */

/* Strict decimal integer, as SQS reads attribute values: an optional minus
 * and 1..18 digits, nothing else (no spaces, signs, dots or exponents). */
static int parse_int(const char *s, int64_t *out)
{
    const char *p = s;
    int neg = 0;
    if (*p == '-') {
        neg = 1;
        p++;
    }
    size_t n = strlen(p);
    if (n == 0 || n > 18 || strspn(p, "0123456789") != n)
        return DD_EINVAL;
    int64_t v = 0;
    for (; *p; p++)
        v = v * 10 + (*p - '0');
    *out = neg ? -v : v;
    return DD_OK;
}

static int parse_bool(const char *s, int *out)
{
    if (strcasecmp(s, "true") == 0)
        *out = 1;
    else if (strcasecmp(s, "false") == 0)
        *out = 0;
    else
        return DD_EINVAL;
    return DD_OK;
}

static int invalid_value(struct sqs_error *err, const char *name)
{
    return sqs_error_set(err, SQS_ERR_INVALID_ATTRIBUTE_VALUE,
                         "Invalid value for the parameter %s.", name);
}

static int unknown_attr(struct sqs_error *err, const char *name)
{
    return sqs_error_set(err, SQS_ERR_INVALID_ATTRIBUTE_NAME, "Unknown Attribute %s.", name);
}

/* InvalidParameterValue "Value DOC for parameter NAME is invalid. Reason: ..." */
static int bad_doc(struct sqs_error *err, const char *name, const char *doc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bad_doc(struct sqs_error *err, const char *name, const char *doc, const char *fmt, ...)
{
    char reason[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE,
                         "Value %.300s for parameter %s is invalid. Reason: %s", doc, name, reason);
}

int sqs_arn_parse(const char *arn, char *region, size_t region_size, char *account,
                  size_t account_size, char *name, size_t name_size)
{
    const char *part[6];
    size_t len[6];
    const char *p = arn;
    for (int i = 0; i < 6; i++) {
        const char *c = i < 5 ? strchr(p, ':') : p + strlen(p);
        if (!c)
            return DD_EINVAL;
        part[i] = p;
        len[i] = (size_t)(c - p);
        p = c + (i < 5 ? 1 : 0);
    }
    if (strchr(part[5], ':'))
        return DD_EINVAL;
    if (len[0] != 3 || memcmp(part[0], "arn", 3) != 0)
        return DD_EINVAL;
    int partition_ok = (len[1] == 3 && memcmp(part[1], "aws", 3) == 0) ||
                       (len[1] == 6 && memcmp(part[1], "aws-cn", 6) == 0) ||
                       (len[1] == 10 && memcmp(part[1], "aws-us-gov", 10) == 0);
    if (!partition_ok || len[2] != 3 || memcmp(part[2], "sqs", 3) != 0)
        return DD_EINVAL;
    if (len[3] == 0 || len[4] == 0 || len[5] == 0 || len[3] >= region_size ||
        len[4] >= account_size || len[5] >= name_size)
        return DD_EINVAL;
    memcpy(region, part[3], len[3]);
    region[len[3]] = '\0';
    memcpy(account, part[4], len[4]);
    account[len[4]] = '\0';
    memcpy(name, part[5], len[5]);
    name[len[5]] = '\0';
    return DD_OK;
}

/* Reads maxReceiveCount as SQS does: a JSON integer or a string of digits. */
static int max_receive_count(json_t *v, int64_t *out, char *shown, size_t shown_size)
{
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        snprintf(shown, shown_size, "%lld", (long long)*out);
        return DD_OK;
    }
    if (json_is_string(v)) {
        snprintf(shown, shown_size, "%s", json_string_value(v));
        return parse_int(json_string_value(v), out);
    }
    char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    snprintf(shown, shown_size, "%s", t ? t : "null");
    free(t);
    return DD_EINVAL;
}

/* Does dlq's RedriveAllowPolicy let source_arn name it as its DLQ? */
static int redrive_allowed(const struct sqs_queue_attrs *dlq, const char *source_arn)
{
    switch (dlq->redrive_permission) {
    case SQS_REDRIVE_ALLOW_ALL:
        return 1;
    case SQS_REDRIVE_DENY_ALL:
        return 0;
    case SQS_REDRIVE_BY_QUEUE:
        for (size_t i = 0; i < dlq->n_source_arns; i++)
            if (strcmp(dlq->source_arns[i], source_arn) == 0)
                return 1;
        return 0;
    }
    return 0;
}

static int parse_redrive(struct sqs_engine *e, const char *account, const char *queue_name,
                         int fifo, enum sqs_attr_mode mode, const char *value,
                         struct sqs_queue_attrs *a, struct sqs_error *err)
{
    static const char *const N = "RedrivePolicy";
    if (value[0] == '\0') {
        DD_FREE(a->redrive_policy);
        DD_FREE(a->dlq_arn);
        a->max_receive_count = 0;
        return DD_OK;
    }
    json_t *doc = json_loads(value, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return sqs_error_set(err, SQS_ERR_INVALID_ATTRIBUTE_VALUE,
                             "Invalid value for the parameter %s. Reason: Redrive policy is not "
                             "a valid JSON map.",
                             N);
    }
    int rc = DD_OK;
    json_t *jcount = json_object_get(doc, "maxReceiveCount");
    json_t *jarn = json_object_get(doc, "deadLetterTargetArn");
    int64_t count = 0;
    char shown[64];
    char region[64], owner[64], dlq_name[SQS_QUEUE_NAME_MAX + 1];
    if (!jcount) {
        rc = bad_doc(err, N, value,
                     "Redrive policy does not contain mandatory attribute: maxReceiveCount.");
    } else if (!jarn) {
        rc = bad_doc(err, N, value,
                     "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.");
    } else if (max_receive_count(jcount, &count, shown, sizeof(shown)) != DD_OK || count < 1 ||
               count > SQS_MAX_RECEIVE_COUNT_LIMIT) {
        rc = bad_doc(err, N, value,
                     "Invalid value for maxReceiveCount: %s, valid values are from 1 to 1000 "
                     "both inclusive.",
                     shown);
    } else if (!json_is_string(jarn) ||
               sqs_arn_parse(json_string_value(jarn), region, sizeof(region), owner, sizeof(owner),
                             dlq_name, sizeof(dlq_name)) != DD_OK) {
        rc = bad_doc(err, N, value, "Dead-letter target ARN should be fully qualified ARN.");
    }
    const char *arn = rc ? NULL : json_string_value(jarn);
    if (!rc && mode != SQS_ATTRS_RESTORE) {
        struct sqs_queue *dlq = NULL;
        if (strcmp(owner, account) != 0)
            rc = bad_doc(err, N, value, "Dead-letter target owner should be same as the source.");
        else if (strcmp(region, e->region) != 0 || !(dlq = sqs_queue_lookup(e, owner, dlq_name)))
            rc = bad_doc(err, N, value, "Dead letter target does not exist.");
        else if (dlq->fifo != (fifo ? 1 : 0))
            rc = bad_doc(err, N, value,
                         "Dead-letter queue type must be the same as the source queue type.");
        else {
            char source_arn[256];
            snprintf(source_arn, sizeof(source_arn), "arn:aws:sqs:%s:%s:%s", e->region, account,
                     queue_name);
            if (!redrive_allowed(&dlq->attrs, source_arn))
                rc = bad_doc(err, N, value,
                             "Amazon SQS can't create the redrive policy. The dead-letter queue's "
                             "RedriveAllowPolicy does not allow this source queue.");
        }
    }
    char *canon = NULL, *arn_copy = NULL;
    if (!rc) {
        json_t *c = json_pack("{s:s, s:I}", "deadLetterTargetArn", arn, "maxReceiveCount",
                              (json_int_t)count);
        canon = c ? json_dumps(c, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(c);
        arn_copy = strdup(arn);
        if (!canon || !arn_copy) {
            free(canon);
            free(arn_copy);
            rc = sqs_error_nomem(err);
        }
    }
    json_decref(doc);
    if (rc)
        return rc;
    free(a->redrive_policy);
    free(a->dlq_arn);
    a->redrive_policy = canon;
    a->dlq_arn = arn_copy;
    a->max_receive_count = count;
    return DD_OK;
}

static int parse_redrive_allow(const char *value, struct sqs_queue_attrs *a, struct sqs_error *err)
{
    static const char *const N = "RedriveAllowPolicy";
    static const char *const reason = "Amazon SQS can't create the redrive allow policy. ";
    if (value[0] == '\0') {
        DD_FREE(a->redrive_allow_policy);
        free_arns(a);
        a->redrive_permission = SQS_REDRIVE_ALLOW_ALL;
        return DD_OK;
    }
    json_t *doc = json_loads(value, JSON_REJECT_DUPLICATES, NULL);
    json_t *jperm = json_object_get(doc, "redrivePermission");
    json_t *jarns = json_object_get(doc, "sourceQueueArns");
    const char *perm = json_string_value(jperm);
    int shape_ok = json_is_object(doc) && perm && json_object_size(doc) == 1 + (jarns ? 1u : 0u) &&
                   (!jarns || json_is_array(jarns));
    enum sqs_redrive_permission p = SQS_REDRIVE_ALLOW_ALL;
    if (shape_ok) {
        if (strcmp(perm, "allowAll") == 0)
            p = SQS_REDRIVE_ALLOW_ALL;
        else if (strcmp(perm, "denyAll") == 0)
            p = SQS_REDRIVE_DENY_ALL;
        else if (strcmp(perm, "byQueue") == 0)
            p = SQS_REDRIVE_BY_QUEUE;
        else
            shape_ok = 0;
    }
    for (size_t i = 0; shape_ok && jarns && i < json_array_size(jarns); i++)
        if (!json_is_string(json_array_get(jarns, i)))
            shape_ok = 0;
    int rc = DD_OK;
    if (!shape_ok)
        rc = sqs_error_set(err, SQS_ERR_INVALID_ATTRIBUTE_VALUE,
                           "Invalid value for the parameter %s. Reason: Amazon SQS can't create "
                           "the redrive allow policy, as it\u2019s in an unsupported format.",
                           N);
    else if (jarns && json_array_size(jarns) > 0 && p != SQS_REDRIVE_BY_QUEUE)
        rc = bad_doc(err, N, value,
                     "%sTo specify one or more source queue ARNs, you must set redrivePermission "
                     "to byQueue.",
                     reason);
    else if (p == SQS_REDRIVE_BY_QUEUE && (!jarns || json_array_size(jarns) == 0))
        rc = bad_doc(err, N, value,
                     "%sWhen you specify the byQueue permission type, you must also specify one "
                     "or more sourceQueueArns values.",
                     reason);
    else if (jarns && json_array_size(jarns) > SQS_MAX_REDRIVE_SOURCE_ARNS)
        rc = bad_doc(err, N, value,
                     "%sThe maximum number of source queue ARNs you can specify is 10.", reason);
    if (rc) {
        json_decref(doc);
        return rc;
    }
    size_t n = p == SQS_REDRIVE_BY_QUEUE ? json_array_size(jarns) : 0;
    char **arns = n ? calloc(n, sizeof(char *)) : NULL;
    json_t *c = json_pack("{s:s}", "redrivePermission", perm);
    json_t *carns = n ? json_array() : NULL;
    int ok = c && (!n || (arns && carns));
    for (size_t i = 0; ok && i < n; i++) {
        const char *s = json_string_value(json_array_get(jarns, i));
        arns[i] = strdup(s);
        ok = arns[i] && json_array_append_new(carns, json_string(s)) == 0;
    }
    if (ok && carns) {
        ok = json_object_set(c, "sourceQueueArns", carns) == 0;
    }
    char *canon = ok ? json_dumps(c, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(carns);
    json_decref(c);
    json_decref(doc);
    if (!canon) {
        for (size_t i = 0; arns && i < n; i++)
            free(arns[i]);
        free(arns);
        return sqs_error_nomem(err);
    }
    free(a->redrive_allow_policy);
    free_arns(a);
    a->redrive_allow_policy = canon;
    a->redrive_permission = p;
    a->source_arns = arns;
    a->n_source_arns = n;
    return DD_OK;
}

static int set_string(char **field, const char *value, struct sqs_error *err)
{
    if (value[0] == '\0') {
        DD_FREE(*field);
        return DD_OK;
    }
    char *s = strdup(value);
    if (!s)
        return sqs_error_nomem(err);
    free(*field);
    *field = s;
    return DD_OK;
}

int sqs_queue_attrs_apply(struct sqs_engine *e, const char *account, const char *queue_name,
                          int fifo, enum sqs_attr_mode mode, const struct sqs_kv *kv, size_t n,
                          struct sqs_queue_attrs *a, struct sqs_error *err)
{
    int sse_given = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = kv[i].key ? kv[i].key : "";
        const char *value = kv[i].value ? kv[i].value : "";
        const struct attr_def *d = attr_find(name);
        if (!d || d->kind == K_READONLY || ((d->flags & F_FIFO_ONLY) && !fifo && d->kind != K_FIFO))
            return unknown_attr(err, name);
        int rc = DD_OK;
        int64_t iv;
        int bv;
        switch (d->kind) {
        case K_INT:
            if (parse_int(value, &iv) || iv < d->min || iv > d->max)
                return invalid_value(err, name);
            *FIELD(a, d, int64_t) = iv;
            break;
        case K_BOOL:
            if (parse_bool(value, &bv))
                return invalid_value(err, name);
            *FIELD(a, d, int) = bv;
            if (d->offset == OFF(sqs_managed_sse))
                sse_given = 1;
            break;
        case K_FIFO:
            /* Only CreateQueue chooses the kind; afterwards it can be restated, not changed. */
            if (parse_bool(value, &bv) || (mode != SQS_ATTRS_CREATE && bv != a->fifo_queue))
                return invalid_value(err, name);
            a->fifo_queue = bv;
            break;
        case K_STRING:
            rc = set_string(FIELD(a, d, char *), value, err);
            break;
        case K_POLICY: {
            if (value[0] != '\0') {
                json_t *doc = json_loads(value, 0, NULL);
                int ok = json_is_object(doc);
                json_decref(doc);
                if (!ok)
                    return invalid_value(err, name);
            }
            rc = set_string(&a->policy, value, err);
            break;
        }
        case K_REDRIVE:
            rc = parse_redrive(e, account, queue_name, fifo, mode, value, a, err);
            break;
        case K_REDRIVE_ALLOW:
            rc = parse_redrive_allow(value, a, err);
            break;
        case K_DEDUP_SCOPE:
            if (strcmp(value, "queue") == 0)
                a->dedup_scope = SQS_DEDUP_QUEUE;
            else if (strcmp(value, "messageGroup") == 0)
                a->dedup_scope = SQS_DEDUP_MESSAGE_GROUP;
            else
                return invalid_value(err, name);
            break;
        case K_THROUGHPUT:
            if (strcmp(value, "perQueue") == 0)
                a->fifo_throughput = SQS_THROUGHPUT_PER_QUEUE;
            else if (strcmp(value, "perMessageGroupId") == 0)
                a->fifo_throughput = SQS_THROUGHPUT_PER_GROUP;
            else
                return invalid_value(err, name);
            break;
        case K_READONLY:
            break;
        }
        if (rc)
            return rc;
    }
    /* A queue encrypted with a KMS key is not also SSE-SQS encrypted. */
    if (a->kms_master_key_id && !sse_given)
        a->sqs_managed_sse = 0;
    /* perMessageGroupId throughput needs messageGroup deduplication. */
    if (a->fifo_throughput == SQS_THROUGHPUT_PER_GROUP && a->dedup_scope != SQS_DEDUP_MESSAGE_GROUP)
        return invalid_value(err, "FifoThroughputLimit");
    return DD_OK;
}

/* ---- formatting ---- */

static int fmt_int(int64_t v, char **out)
{
    char b[32];
    snprintf(b, sizeof(b), "%lld", (long long)v);
    *out = strdup(b);
    return *out ? DD_OK : DD_ENOMEM;
}

static int fmt_str(const char *s, char **out)
{
    if (!s)
        return DD_ENOENT;
    *out = strdup(s);
    return *out ? DD_OK : DD_ENOMEM;
}

static int fmt_def(const struct sqs_queue_attrs *a, const struct attr_def *d, char **out)
{
    switch (d->kind) {
    case K_INT:
        return fmt_int(*CFIELD(a, d, int64_t), out);
    case K_BOOL:
    case K_FIFO:
        return fmt_str(*CFIELD(a, d, int) ? "true" : "false", out);
    case K_STRING:
    case K_POLICY:
    case K_REDRIVE:
    case K_REDRIVE_ALLOW:
        return fmt_str(*CFIELD(a, d, char *), out);
    case K_DEDUP_SCOPE:
        return fmt_str(a->dedup_scope == SQS_DEDUP_MESSAGE_GROUP ? "messageGroup" : "queue", out);
    case K_THROUGHPUT:
        return fmt_str(
            a->fifo_throughput == SQS_THROUGHPUT_PER_GROUP ? "perMessageGroupId" : "perQueue", out);
    case K_READONLY:
        break;
    }
    return DD_ENOENT;
}

int sqs_queue_attr_format(const struct sqs_queue_attrs *a, const char *name, char **out)
{
    const struct attr_def *d = attr_find(name);
    if (!d)
        return DD_ENOENT;
    return fmt_def(a, d, out);
}

/* Appends attribute d of a to out if set; DD_OK when unset. */
static int append_def(const struct sqs_queue_attrs *a, const struct attr_def *d,
                      struct sqs_kvlist *out)
{
    char *v = NULL;
    int rc = fmt_def(a, d, &v);
    if (rc == DD_ENOENT)
        return DD_OK;
    if (rc)
        return rc;
    rc = sqs_kvlist_add(out, d->name, v);
    free(v);
    return rc;
}

int sqs_queue_attrs_export(const struct sqs_queue_attrs *a, struct sqs_kvlist *out)
{
    for (size_t i = 0; i < DD_ARRAY_LEN(attr_table); i++) {
        const struct attr_def *d = &attr_table[i];
        if (d->kind == K_READONLY || d->kind == K_FIFO)
            continue;
        if ((d->flags & F_FIFO_ONLY) && !a->fifo_queue)
            continue;
        int rc = append_def(a, d, out);
        if (rc)
            return rc;
    }
    return DD_OK;
}

static int readonly_value(const struct sqs_queue *q, const char *name, char **out)
{
    if (strcmp(name, "QueueArn") == 0)
        return fmt_str(q->arn, out);
    if (strcmp(name, "ApproximateNumberOfMessages") == 0)
        return fmt_int((int64_t)sqs_queue_visible_count(q), out);
    if (strcmp(name, "ApproximateNumberOfMessagesNotVisible") == 0)
        return fmt_int((int64_t)q->n_inflight, out);
    if (strcmp(name, "ApproximateNumberOfMessagesDelayed") == 0)
        return fmt_int((int64_t)q->n_delayed, out);
    if (strcmp(name, "CreatedTimestamp") == 0)
        return fmt_int(q->created_s, out);
    if (strcmp(name, "LastModifiedTimestamp") == 0)
        return fmt_int(q->modified_s, out);
    return DD_ENOENT;
}

int sqs_queue_attrs_get(const struct sqs_queue *q, const char *const *names, size_t n,
                        struct sqs_kvlist *out, struct sqs_error *err)
{
    int all = 0;
    unsigned char wanted[DD_ARRAY_LEN(attr_table)] = { 0 };
    for (size_t i = 0; i < n; i++) {
        const char *name = names[i] ? names[i] : "";
        if (strcmp(name, "All") == 0) {
            all = 1;
            continue;
        }
        const struct attr_def *d = attr_find(name);
        if (!d)
            return unknown_attr(err, name);
        wanted[d - attr_table] = 1;
    }
    for (size_t i = 0; i < DD_ARRAY_LEN(attr_table); i++) {
        const struct attr_def *d = &attr_table[i];
        if (!all && !wanted[i])
            continue;
        if ((d->flags & F_FIFO_ONLY) && !q->fifo)
            continue;
        /* SQS shows the data key reuse period only for KMS-encrypted queues. */
        if (all && strcmp(d->name, "KmsDataKeyReusePeriodSeconds") == 0 &&
            !q->attrs.kms_master_key_id)
            continue;
        char *v = NULL;
        int rc = d->kind == K_READONLY ? readonly_value(q, d->name, &v) : fmt_def(&q->attrs, d, &v);
        if (rc == DD_ENOENT)
            continue;
        if (rc == DD_OK) {
            rc = sqs_kvlist_add(out, d->name, v);
            free(v);
        }
        if (rc)
            return sqs_error_nomem(err);
    }
    return DD_OK;
}
