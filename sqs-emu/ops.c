/*
 * The SQS API actions (see ops.h). Each handler reads its JSON input with the
 * member names of the service model, checks what the engine does not (types,
 * batch rules, receive parameters), calls the engine and builds the JSON
 * result; the wire layer turns that into JSON or Query XML.
 */
#include "sqs-emu/ops.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/metrics.h"
#include "sqs-emu/engine.h"
#include "sqs-emu/message.h"
#include "sqs-emu/msg_attr.h"
#include "sqs-emu/queue.h"
#include "sqs-emu/queue_attr.h"
#include "sqs-emu/visibility.h"

#define SQS_BATCH_MAX        10
#define SQS_BATCH_ID_MAX     80
#define SQS_BATCH_BYTES_MAX  1048576
#define SQS_MAX_WAIT_SECONDS 20

struct sqs_ops {
    struct sqs_engine *engine;   /* owned */
    char account[16];            /* default account */
    struct sqs_strmap *reported; /* owned: queue names with metric series, for removal */
};

/* The per-queue gauge families, so a deleted queue's series can be dropped together. */
static const char *const queue_metric_names[] = {
    "ApproximateNumberOfMessagesVisible",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "NumberOfMessagesSent",
    "NumberOfMessagesReceived",
    "NumberOfMessagesDeleted",
    "NumberOfEmptyReceives",
    "ApproximateAgeOfOldestMessage",
};

/* What a handler gets. */
struct op_ctx {
    struct sqs_ops *ops;
    const struct sqs_request *req;
    json_t *in;  /* borrowed: the input document */
    int64_t now; /* the daemon clock */
    struct sqs_wait *wait;
    json_t **out; /* the result, owned by the caller once set */
    struct sqs_error *err;
    int *changed;
};

typedef int (*op_fn)(struct op_ctx *c);

/* --- input helpers ------------------------------------------------------- */

static int missing(struct op_ctx *c, const char *name)
{
    return sqs_error_set(c->err, SQS_ERR_MISSING_PARAMETER,
                         "The request must contain the parameter %s.", name);
}

/* A string member; NULL when absent. Non-strings are InvalidParameterValue. */
static int get_str(struct op_ctx *c, json_t *obj, const char *name, int required, const char **out)
{
    json_t *v = json_object_get(obj, name);
    *out = NULL;
    if (!v || json_is_null(v))
        return required ? missing(c, name) : DD_OK;
    if (!json_is_string(v))
        return sqs_error_set(c->err, SQS_ERR_INVALID_PARAMETER_VALUE,
                             "Value for parameter %s is invalid. Reason: Must be a string.", name);
    *out = json_string_value(v);
    return DD_OK;
}

/* An integer member; *present 0 when absent. Strings of digits are accepted too. */
static int get_int(struct op_ctx *c, json_t *obj, const char *name, long long *out, int *present)
{
    json_t *v = json_object_get(obj, name);
    *present = 0;
    if (!v || json_is_null(v))
        return DD_OK;
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
    } else if (json_is_string(v)) {
        char *end;
        const char *s = json_string_value(v);
        *out = strtoll(s, &end, 10);
        if (!*s || *end)
            return sqs_error_set(c->err, SQS_ERR_INVALID_PARAMETER_VALUE,
                                 "Value %s for parameter %s is invalid. Reason: Must be an "
                                 "integer.",
                                 s, name);
    } else {
        return sqs_error_set(c->err, SQS_ERR_INVALID_PARAMETER_VALUE,
                             "Value for parameter %s is invalid. Reason: Must be an integer.",
                             name);
    }
    *present = 1;
    return DD_OK;
}

/* Splits a queue URL ".../<account>/<name>" (or a bare name) and finds the queue. */
static int resolve_queue(struct op_ctx *c, const char *url, struct sqs_queue **q)
{
    char account[64], name[128];
    const char *path = url;
    const char *scheme = strstr(url, "://");
    if (scheme) {
        path = strchr(scheme + 3, '/');
        if (!path)
            path = "";
    }
    while (*path == '/')
        path++;
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(account, sizeof(account), "%s", c->req->account);
        if (strlen(path) >= sizeof(name) || !*path)
            goto invalid;
        snprintf(name, sizeof(name), "%s", path);
    } else {
        const char *prev = slash;
        while (prev > path && prev[-1] != '/')
            prev--;
        size_t alen = (size_t)(slash - prev);
        if (alen == 0 || alen >= sizeof(account) || strlen(slash + 1) >= sizeof(name) || !slash[1])
            goto invalid;
        memcpy(account, prev, alen);
        account[alen] = '\0';
        snprintf(name, sizeof(name), "%s", slash + 1);
    }
    if (sqs_queue_get(c->ops->engine, account, name, c->now, q, c->err) != DD_OK)
        return DD_EINVAL;
    sqs_queue_tick(*q, c->now);
    return DD_OK;
invalid:
    return sqs_error_set(c->err, SQS_ERR_INVALID_ADDRESS,
                         "The address %.200s is not valid for this endpoint.", url);
}

static int queue_of(struct op_ctx *c, struct sqs_queue **q)
{
    const char *url;
    if (get_str(c, c->in, "QueueUrl", 1, &url))
        return DD_EINVAL;
    return resolve_queue(c, url, q);
}

static json_t *queue_url(struct op_ctx *c, const char *account, const char *name)
{
    char url[512];
    snprintf(url, sizeof(url), "http://%s/%s/%s", c->req->host[0] ? c->req->host : "localhost",
             account, name);
    return json_string(url);
}

/* Copies a JSON object of strings into kv pairs (borrowing the strings). */
static int kv_of(struct op_ctx *c, json_t *obj, const char *what, struct sqs_kv **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!obj || json_is_null(obj))
        return DD_OK;
    if (!json_is_object(obj))
        return sqs_error_set(c->err, SQS_ERR_INVALID_PARAMETER_VALUE,
                             "Value for parameter %s is invalid. Reason: Must be a map.", what);
    size_t cnt = json_object_size(obj);
    if (cnt == 0)
        return DD_OK;
    struct sqs_kv *kv = calloc(cnt, sizeof(*kv));
    if (!kv)
        return sqs_error_nomem(c->err);
    const char *k;
    json_t *v;
    size_t i = 0;
    json_object_foreach(obj, k, v)
    {
        if (!json_is_string(v)) {
            free(kv);
            return sqs_error_set(c->err, SQS_ERR_INVALID_PARAMETER_VALUE,
                                 "Value for parameter %s.%s is invalid. Reason: Must be a "
                                 "string.",
                                 what, k);
        }
        kv[i].key = k;
        kv[i].value = json_string_value(v);
        i++;
    }
    *out = kv;
    *n = cnt;
    return DD_OK;
}

/* BinaryValue text -> bytes (caller frees *out), with the engine's strict base64. */
static int b64_decode(const char *s, unsigned char **out, size_t *len)
{
    size_t cap = strlen(s) / 4 * 3 + 1;
    unsigned char *buf = malloc(cap);
    *out = NULL;
    *len = 0;
    if (!buf)
        return DD_ENOMEM;
    int rc = sqs_base64_decode(s, buf, cap, len);
    if (rc != DD_OK) {
        free(buf);
        return rc;
    }
    *out = buf;
    return DD_OK;
}

/* Bytes -> a BinaryValue JSON string (new reference), NULL on ENOMEM. */
static json_t *b64_encode(const char *p, size_t len)
{
    size_t cap = 4 * ((len + 2) / 3) + 1;
    char *buf = malloc(cap);
    json_t *s = buf && sqs_base64_encode(p, len, buf, cap) == DD_OK ? json_string(buf) : NULL;
    free(buf);
    return s;
}

/* MessageAttributes / MessageSystemAttributes -> sqs_attrs (binary values decoded). */
static int attrs_of(struct op_ctx *c, json_t *obj, const char *what, struct sqs_attrs *out)
{
    memset(out, 0, sizeof(*out));
    if (!obj || json_is_null(obj))
        return DD_OK;
    if (!json_is_object(obj))
        return sqs_error_set(c->err, SQS_ERR_INVALID_PARAMETER_VALUE,
                             "Value for parameter %s is invalid. Reason: Must be a map.", what);
    const char *name;
    json_t *v;
    json_object_foreach(obj, name, v)
    {
        const char *type = json_string_value(json_object_get(v, "DataType"));
        const char *sval = json_string_value(json_object_get(v, "StringValue"));
        const char *bval = json_string_value(json_object_get(v, "BinaryValue"));
        if (!type || !*type) {
            sqs_attrs_release(out);
            return sqs_error_set(c->err, SQS_ERR_INVALID_PARAMETER_VALUE,
                                 "The message attribute '%s' must contain non-empty message "
                                 "attribute type.",
                                 name);
        }
        int rc;
        if (strncmp(type, "Binary", 6) == 0) {
            unsigned char *raw = NULL;
            size_t rlen = 0;
            if (!bval || b64_decode(bval, &raw, &rlen) != DD_OK) {
                sqs_attrs_release(out);
                return sqs_error_set(c->err, SQS_ERR_INVALID_PARAMETER_VALUE,
                                     "The message attribute '%s' with type 'Binary' must use "
                                     "field 'Binary'.",
                                     name);
            }
            rc = sqs_attrs_add(out, name, type, raw, rlen);
            free(raw);
        } else {
            if (!sval) {
                sqs_attrs_release(out);
                return sqs_error_set(c->err, SQS_ERR_INVALID_PARAMETER_VALUE,
                                     "The message attribute '%s' with type '%s' must use field "
                                     "'String'.",
                                     name, strncmp(type, "Number", 6) == 0 ? "Number" : "String");
            }
            rc = sqs_attrs_add(out, name, type, sval, strlen(sval));
        }
        if (rc) {
            sqs_attrs_release(out);
            return sqs_error_nomem(c->err);
        }
    }
    return DD_OK;
}

/* --- queues --------------------------------------------------------------- */

static int op_create_queue(struct op_ctx *c)
{
    const char *name;
    if (get_str(c, c->in, "QueueName", 1, &name))
        return DD_EINVAL;
    struct sqs_kv *attrs = NULL, *tags = NULL;
    size_t na = 0, nt = 0;
    if (kv_of(c, json_object_get(c->in, "Attributes"), "Attributes", &attrs, &na) ||
        kv_of(c, json_object_get(c->in, "tags"), "Tags", &tags, &nt)) {
        free(attrs);
        return DD_EINVAL;
    }
    struct sqs_queue *q = NULL;
    int rc = sqs_queue_create(c->ops->engine, c->req->account, name, attrs, na, tags, nt, c->now,
                              &q, c->err);
    free(attrs);
    free(tags);
    if (rc != DD_OK)
        return DD_EINVAL;
    *c->changed = 1;
    *c->out = json_pack("{s:o}", "QueueUrl", queue_url(c, q->account, q->name));
    return DD_OK;
}

static int op_get_queue_url(struct op_ctx *c)
{
    const char *name, *owner;
    if (get_str(c, c->in, "QueueName", 1, &name) ||
        get_str(c, c->in, "QueueOwnerAWSAccountId", 0, &owner))
        return DD_EINVAL;
    const char *account = owner && *owner ? owner : c->req->account;
    struct sqs_queue *q = NULL;
    if (sqs_queue_get(c->ops->engine, account, name, c->now, &q, c->err) != DD_OK)
        return DD_EINVAL;
    *c->out = json_pack("{s:o}", "QueueUrl", queue_url(c, q->account, q->name));
    return DD_OK;
}

static json_t *url_list(struct op_ctx *c, const char *account, const struct sqs_name_page *p)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < p->n; i++)
        json_array_append_new(arr, queue_url(c, account, p->names[i]));
    return arr;
}

static int page_args(struct op_ctx *c, int *max, const char **token)
{
    long long m = 0;
    int present = 0;
    if (get_int(c, c->in, "MaxResults", &m, &present) || get_str(c, c->in, "NextToken", 0, token))
        return DD_EINVAL;
    if (present && (m < 1 || m > SQS_LIST_MAX))
        return sqs_error_set(c->err, SQS_ERR_INVALID_PARAMETER_VALUE,
                             "Value %lld for parameter MaxResults is invalid. Reason: MaxResults "
                             "must be an integer between 1 and 1000.",
                             m);
    *max = present ? (int)m : 0;
    return DD_OK;
}

static int op_list_queues(struct op_ctx *c)
{
    const char *prefix, *token;
    int max;
    if (get_str(c, c->in, "QueueNamePrefix", 0, &prefix) || page_args(c, &max, &token))
        return DD_EINVAL;
    struct sqs_name_page p;
    memset(&p, 0, sizeof(p));
    if (sqs_queue_list(c->ops->engine, c->req->account, prefix, max, token, &p, c->err))
        return DD_EINVAL;
    json_t *res = json_object();
    if (res && p.n)
        json_object_set_new(res, "QueueUrls", url_list(c, c->req->account, &p));
    if (res && p.next_token)
        json_object_set_new(res, "NextToken", json_string(p.next_token));
    sqs_name_page_release(&p);
    *c->out = res;
    return res ? DD_OK : sqs_error_nomem(c->err);
}

static int op_list_dlq_sources(struct op_ctx *c)
{
    struct sqs_queue *q;
    const char *token;
    int max;
    if (queue_of(c, &q) || page_args(c, &max, &token))
        return DD_EINVAL;
    struct sqs_name_page p;
    memset(&p, 0, sizeof(p));
    if (sqs_queue_list_dlq_sources(q, max, token, &p, c->err))
        return DD_EINVAL;
    json_t *res = json_pack("{s:o}", "queueUrls", url_list(c, q->account, &p));
    if (res && p.next_token)
        json_object_set_new(res, "NextToken", json_string(p.next_token));
    sqs_name_page_release(&p);
    *c->out = res;
    return res ? DD_OK : sqs_error_nomem(c->err);
}

static int op_delete_queue(struct op_ctx *c)
{
    struct sqs_queue *q;
    if (queue_of(c, &q) || sqs_queue_delete(q, c->now, c->err))
        return DD_EINVAL;
    *c->changed = 1;
    return DD_OK;
}

static int op_purge_queue(struct op_ctx *c)
{
    struct sqs_queue *q;
    if (queue_of(c, &q) || sqs_queue_purge(q, c->now, c->err))
        return DD_EINVAL;
    *c->changed = 1;
    return DD_OK;
}

static int string_list(struct op_ctx *c, json_t *arr, const char *what, const char ***out,
                       size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!arr || json_is_null(arr))
        return DD_OK;
    if (!json_is_array(arr))
        return sqs_error_set(c->err, SQS_ERR_INVALID_PARAMETER_VALUE,
                             "Value for parameter %s is invalid. Reason: Must be a list.", what);
    size_t cnt = json_array_size(arr);
    if (!cnt)
        return DD_OK;
    const char **v = calloc(cnt, sizeof(*v));
    if (!v)
        return sqs_error_nomem(c->err);
    for (size_t i = 0; i < cnt; i++) {
        v[i] = json_string_value(json_array_get(arr, i));
        if (!v[i]) {
            free(v);
            return sqs_error_set(c->err, SQS_ERR_INVALID_PARAMETER_VALUE,
                                 "Value for parameter %s is invalid. Reason: Must be a list of "
                                 "strings.",
                                 what);
        }
    }
    *out = v;
    *n = cnt;
    return DD_OK;
}

static json_t *kvlist_json(const struct sqs_kvlist *l)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < l->n; i++)
        json_object_set_new(o, l->v[i].key, json_string(l->v[i].value));
    return o;
}

static int op_get_queue_attributes(struct op_ctx *c)
{
    struct sqs_queue *q;
    const char **names = NULL;
    size_t n = 0;
    if (queue_of(c, &q) ||
        string_list(c, json_object_get(c->in, "AttributeNames"), "AttributeNames", &names, &n))
        return DD_EINVAL;
    struct sqs_kvlist out;
    memset(&out, 0, sizeof(out));
    int rc = sqs_queue_attrs_get(q, names, n, &out, c->err);
    free(names);
    if (rc) {
        sqs_kvlist_release(&out);
        return DD_EINVAL;
    }
    json_t *res = json_object();
    if (res && out.n)
        json_object_set_new(res, "Attributes", kvlist_json(&out));
    sqs_kvlist_release(&out);
    *c->out = res;
    return res ? DD_OK : sqs_error_nomem(c->err);
}

static int op_set_queue_attributes(struct op_ctx *c)
{
    struct sqs_queue *q;
    struct sqs_kv *kv = NULL;
    size_t n = 0;
    json_t *attrs = json_object_get(c->in, "Attributes");
    if (queue_of(c, &q))
        return DD_EINVAL;
    if (!attrs)
        return missing(c, "Attributes");
    if (kv_of(c, attrs, "Attributes", &kv, &n))
        return DD_EINVAL;
    int rc = sqs_queue_set_attributes(q, kv, n, c->now, c->err);
    free(kv);
    if (rc)
        return DD_EINVAL;
    *c->changed = 1;
    return DD_OK;
}

static int op_tag_queue(struct op_ctx *c)
{
    struct sqs_queue *q;
    struct sqs_kv *kv = NULL;
    size_t n = 0;
    if (queue_of(c, &q) || kv_of(c, json_object_get(c->in, "Tags"), "Tags", &kv, &n))
        return DD_EINVAL;
    if (n == 0)
        return missing(c, "Tags");
    int rc = sqs_queue_tag(q, kv, n, c->err);
    free(kv);
    return rc ? DD_EINVAL : DD_OK;
}

static int op_untag_queue(struct op_ctx *c)
{
    struct sqs_queue *q;
    const char **keys = NULL;
    size_t n = 0;
    if (queue_of(c, &q) || string_list(c, json_object_get(c->in, "TagKeys"), "TagKeys", &keys, &n))
        return DD_EINVAL;
    if (n == 0)
        return missing(c, "TagKeys");
    int rc = sqs_queue_untag(q, keys, n, c->err);
    free(keys);
    return rc ? DD_EINVAL : DD_OK;
}

static int op_list_queue_tags(struct op_ctx *c)
{
    struct sqs_queue *q;
    if (queue_of(c, &q))
        return DD_EINVAL;
    json_t *res = json_object();
    if (res && q->tags.n)
        json_object_set_new(res, "Tags", kvlist_json(&q->tags));
    *c->out = res;
    return res ? DD_OK : sqs_error_nomem(c->err);
}

/* --- messages ------------------------------------------------------------- */

/* Sends one message described by entry (SendMessage input or a batch entry). */
static int send_one(struct op_ctx *c, struct sqs_queue *q, json_t *entry, json_t **res)
{
    const char *body, *group, *dedup;
    long long delay = -1;
    int has_delay = 0;
    if (get_str(c, entry, "MessageBody", 1, &body) ||
        get_int(c, entry, "DelaySeconds", &delay, &has_delay) ||
        get_str(c, entry, "MessageGroupId", 0, &group) ||
        get_str(c, entry, "MessageDeduplicationId", 0, &dedup))
        return DD_EINVAL;
    struct sqs_attrs attrs, sys;
    if (attrs_of(c, json_object_get(entry, "MessageAttributes"), "MessageAttributes", &attrs))
        return DD_EINVAL;
    if (attrs_of(c, json_object_get(entry, "MessageSystemAttributes"), "MessageSystemAttributes",
                 &sys)) {
        sqs_attrs_release(&attrs);
        return DD_EINVAL;
    }
    struct sqs_send_params p = { body, strlen(body), has_delay ? delay : SQS_PARAM_ABSENT,
                                 attrs.n ? &attrs : NULL, sys.n ? &sys : NULL,
                                 /* SenderId: the caller's key id, as SQS names the principal */
                                 c->req->access_key[0] ? c->req->access_key : NULL, group, dedup };
    struct sqs_send_result r;
    int rc = sqs_message_send(q, &p, c->now, &r, c->err);
    sqs_attrs_release(&attrs);
    sqs_attrs_release(&sys);
    if (rc)
        return DD_EINVAL;
    *c->changed = 1;
    json_t *o = json_pack("{s:s, s:s}", "MD5OfMessageBody", r.md5_body, "MessageId", r.message_id);
    if (o && r.md5_attrs[0])
        json_object_set_new(o, "MD5OfMessageAttributes", json_string(r.md5_attrs));
    if (o && r.md5_sys_attrs[0])
        json_object_set_new(o, "MD5OfMessageSystemAttributes", json_string(r.md5_sys_attrs));
    if (o && r.sequence_number[0])
        json_object_set_new(o, "SequenceNumber", json_string(r.sequence_number));
    *res = o;
    return o ? DD_OK : sqs_error_nomem(c->err);
}

static int op_send_message(struct op_ctx *c)
{
    struct sqs_queue *q;
    if (queue_of(c, &q))
        return DD_EINVAL;
    return send_one(c, q, c->in, c->out);
}

/*
 * The batch rules SQS applies before any entry runs: 1..10 entries, ids of
 * [A-Za-z0-9_-]{1,80}, distinct, and (for sends) at most 1 MiB in total.
 */
static int batch_entries(struct op_ctx *c, json_t **entries)
{
    json_t *e = json_object_get(c->in, "Entries");
    if (!e || !json_is_array(e) || json_array_size(e) == 0)
        return sqs_error_set(
            c->err, SQS_ERR_EMPTY_BATCH_REQUEST, "There should be at least one %s in the request.",
            strcmp(c->req->action, "SendMessageBatch") == 0 ? "SendMessageBatchRequestEntry"
            : strcmp(c->req->action, "DeleteMessageBatch") == 0
                ? "DeleteMessageBatchRequestEntry"
                : "ChangeMessageVisibilityBatchRequestEntry");
    size_t n = json_array_size(e);
    if (n > SQS_BATCH_MAX)
        return sqs_error_set(c->err, SQS_ERR_TOO_MANY_ENTRIES_IN_BATCH_REQUEST,
                             "Maximum number of entries per request are %d. You have sent %zu.",
                             SQS_BATCH_MAX, n);
    for (size_t i = 0; i < n; i++) {
        const char *id = json_string_value(json_object_get(json_array_get(e, i), "Id"));
        if (!id)
            return missing(c, "Id");
        size_t len = strlen(id);
        int ok = len >= 1 && len <= SQS_BATCH_ID_MAX;
        for (size_t k = 0; ok && k < len; k++)
            ok = isalnum((unsigned char)id[k]) || id[k] == '-' || id[k] == '_';
        if (!ok)
            return sqs_error_set(c->err, SQS_ERR_INVALID_BATCH_ENTRY_ID,
                                 "A batch entry id can only contain alphanumeric characters, "
                                 "hyphens and underscores. It can be at most 80 letters long.");
        for (size_t j = 0; j < i; j++) {
            const char *other = json_string_value(json_object_get(json_array_get(e, j), "Id"));
            if (strcmp(other, id) == 0)
                return sqs_error_set(c->err, SQS_ERR_BATCH_ENTRY_IDS_NOT_DISTINCT,
                                     "Id %s repeated.", id);
        }
    }
    *entries = e;
    return DD_OK;
}

/* Adds {Id, SenderFault, Code, Message} to failed from the error in err. */
static int batch_fail(json_t *failed, const char *id, const struct sqs_error *err)
{
    const struct dd_aws_error_def *def = sqs_error_def(err->code);
    return json_array_append_new(failed, json_pack("{s:s, s:b, s:s, s:s}", "Id", id, "SenderFault",
                                                   def ? def->sender : 1, "Code",
                                                   def ? dd_aws_error_code(def) : "InternalError",
                                                   "Message", err->message));
}

static int op_send_message_batch(struct op_ctx *c)
{
    struct sqs_queue *q;
    json_t *entries;
    if (queue_of(c, &q) || batch_entries(c, &entries))
        return DD_EINVAL;
    size_t total = 0, i;
    json_t *e;
    json_array_foreach(entries, i, e)
    {
        const char *body = json_string_value(json_object_get(e, "MessageBody"));
        total += body ? strlen(body) : 0;
        const char *name;
        json_t *a;
        json_object_foreach(json_object_get(e, "MessageAttributes"), name, a)
        {
            const char *t = json_string_value(json_object_get(a, "DataType"));
            const char *v = json_string_value(json_object_get(a, "StringValue"));
            if (!v)
                v = json_string_value(json_object_get(a, "BinaryValue"));
            total += strlen(name) + (t ? strlen(t) : 0) + (v ? strlen(v) : 0);
        }
    }
    if (total > SQS_BATCH_BYTES_MAX)
        return sqs_error_set(c->err, SQS_ERR_BATCH_REQUEST_TOO_LONG,
                             "Batch requests cannot be longer than 1048576 bytes. You have sent "
                             "%zu bytes.",
                             total);
    json_t *ok = json_array(), *failed = json_array();
    json_array_foreach(entries, i, e)
    {
        const char *id = json_string_value(json_object_get(e, "Id"));
        json_t *r = NULL;
        struct sqs_error err;
        sqs_error_clear(&err);
        struct sqs_error *saved = c->err;
        c->err = &err;
        int rc = send_one(c, q, e, &r);
        c->err = saved;
        if (rc == DD_OK) {
            json_object_set_new(r, "Id", json_string(id));
            json_array_append_new(ok, r);
        } else {
            batch_fail(failed, id, &err);
        }
    }
    *c->out = json_pack("{s:o, s:o}", "Successful", ok, "Failed", failed);
    return *c->out ? DD_OK : sqs_error_nomem(c->err);
}

/* Whether a message attribute name is asked for by MessageAttributeNames. */
static int attr_wanted(const char **names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        const char *w = names[i];
        size_t wl = strlen(w);
        if (strcmp(w, "All") == 0 || strcmp(w, ".*") == 0 || strcmp(w, name) == 0)
            return 1;
        if (wl >= 2 && strcmp(w + wl - 2, ".*") == 0 && strncmp(name, w, wl - 1) == 0)
            return 1;
    }
    return 0;
}

static int sys_wanted(const char **names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], "All") == 0 || strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

static json_t *message_json(const struct sqs_received *r, const char **anames, size_t na,
                            const char **snames, size_t ns)
{
    const struct sqs_message *m = r->msg;
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:s%}", "MessageId", m->id, "ReceiptHandle", r->receipt_handle,
                  "MD5OfBody", m->md5_body, "Body", m->body, m->body_len);
    if (!o)
        return NULL;
    json_t *sys = json_object();
    char num[32];
#define SYS(name, value)                                        \
    do {                                                        \
        if (sys_wanted(snames, ns, name))                       \
            json_object_set_new(sys, name, json_string(value)); \
    } while (0)
    SYS("SenderId", m->sender_id ? m->sender_id : "");
    snprintf(num, sizeof(num), "%lld", (long long)m->sent_ms);
    SYS("SentTimestamp", num);
    snprintf(num, sizeof(num), "%u", m->receive_count);
    SYS("ApproximateReceiveCount", num);
    snprintf(num, sizeof(num), "%lld", (long long)m->first_receive_ms);
    SYS("ApproximateFirstReceiveTimestamp", num);
    const struct sqs_attr *trace = sqs_attrs_find(&m->sys_attrs, "AWSTraceHeader");
    if (trace)
        SYS("AWSTraceHeader", trace->value);
    if (m->dlq_source_arn)
        SYS("DeadLetterQueueSourceArn", m->dlq_source_arn);
    if (m->group_id)
        SYS("MessageGroupId", m->group_id);
    if (m->dedup_id)
        SYS("MessageDeduplicationId", m->dedup_id);
    if (m->sequence_number) {
        snprintf(num, sizeof(num), "%020llu", (unsigned long long)m->sequence_number);
        SYS("SequenceNumber", num);
    }
#undef SYS
    if (json_object_size(sys))
        json_object_set_new(o, "Attributes", sys);
    else
        json_decref(sys);

    /* User attributes: the ones asked for; the digest covers what is returned. */
    struct sqs_attrs chosen;
    memset(&chosen, 0, sizeof(chosen));
    json_t *ma = json_object();
    for (size_t i = 0; ma && i < m->attrs.n; i++) {
        const struct sqs_attr *a = &m->attrs.v[i];
        if (!attr_wanted(anames, na, a->name))
            continue;
        sqs_attrs_add(&chosen, a->name, a->data_type, a->value, a->value_len);
        json_t *v = json_pack("{s:s}", "DataType", a->data_type);
        if (strncmp(a->data_type, "Binary", 6) == 0)
            json_object_set_new(v, "BinaryValue", b64_encode(a->value, a->value_len));
        else
            json_object_set_new(v, "StringValue", json_stringn(a->value, a->value_len));
        json_object_set_new(ma, a->name, v);
    }
    if (chosen.n) {
        char md5[SQS_MD5_HEX_SIZE];
        if (sqs_md5_attrs(&chosen, md5) == DD_OK)
            json_object_set_new(o, "MD5OfMessageAttributes", json_string(md5));
        json_object_set_new(o, "MessageAttributes", ma);
    } else {
        json_decref(ma);
        if (m->md5_attrs[0])
            json_object_set_new(o, "MD5OfMessageAttributes", json_string(m->md5_attrs));
    }
    sqs_attrs_release(&chosen);
    return o;
}

static int op_receive_message(struct op_ctx *c)
{
    struct sqs_queue *q;
    long long max = 1, vis = -1, wait = -1;
    int has_max, has_vis, has_wait;
    if (queue_of(c, &q) || get_int(c, c->in, "MaxNumberOfMessages", &max, &has_max) ||
        get_int(c, c->in, "VisibilityTimeout", &vis, &has_vis) ||
        get_int(c, c->in, "WaitTimeSeconds", &wait, &has_wait))
        return DD_EINVAL;
    if (has_max && (max < 1 || max > SQS_RECEIVE_MAX))
        return sqs_error_set(c->err, SQS_ERR_INVALID_PARAMETER_VALUE,
                             "Value %lld for parameter MaxNumberOfMessages is invalid. Reason: "
                             "Must be between 1 and 10, if provided.",
                             max);
    if (has_wait && (wait < 0 || wait > SQS_MAX_WAIT_SECONDS))
        return sqs_error_set(c->err, SQS_ERR_INVALID_PARAMETER_VALUE,
                             "Value %lld for parameter WaitTimeSeconds is invalid. Reason: Must "
                             "be >= 0 and <= 20, if provided.",
                             wait);
    if (has_vis && (vis < 0 || vis > SQS_MAX_VISIBILITY_TIMEOUT))
        return sqs_error_set(c->err, SQS_ERR_INVALID_PARAMETER_VALUE,
                             "Value %lld for parameter VisibilityTimeout is invalid. Reason: "
                             "Must be >= 0 and <= 43200, if provided.",
                             vis);
    const char **anames = NULL, **snames = NULL, **old = NULL;
    size_t na = 0, ns = 0, no = 0;
    int rc = DD_EINVAL;
    if (string_list(c, json_object_get(c->in, "MessageAttributeNames"), "MessageAttributeNames",
                    &anames, &na) ||
        string_list(c, json_object_get(c->in, "MessageSystemAttributeNames"),
                    "MessageSystemAttributeNames", &snames, &ns) ||
        string_list(c, json_object_get(c->in, "AttributeNames"), "AttributeNames", &old, &no))
        goto out;

    struct sqs_receive_params p = { (int)max, has_vis ? vis : SQS_PARAM_ABSENT };
    struct sqs_received got[SQS_RECEIVE_MAX];
    size_t n = 0;
    if (sqs_message_receive(q, &p, c->now, got, &n, c->err))
        goto out;
    if (n == 0) {
        int64_t wait_s = has_wait ? wait : q->attrs.receive_wait_time;
        if (c->wait->deadline_ms == 0 && wait_s > 0)
            c->wait->deadline_ms = c->now + wait_s * 1000;
        if (c->wait->deadline_ms > c->now) {
            int64_t next = sqs_queue_next_visible_ms(q);
            c->wait->wake_ms = c->wait->deadline_ms;
            if (next > 0 && next < c->wait->wake_ms)
                c->wait->wake_ms = next;
            rc = SQS_OP_WAIT;
            goto out;
        }
    } else {
        *c->changed = 1;
    }
    /* The older AttributeNames and MessageSystemAttributeNames both select system attributes. */
    const char **sys = snames;
    size_t nsys = ns;
    const char **merged = NULL;
    if (no) {
        merged = calloc(ns + no, sizeof(*merged));
        if (!merged) {
            rc = sqs_error_nomem(c->err);
            goto out;
        }
        if (ns)
            memcpy(merged, snames, ns * sizeof(*merged));
        memcpy(merged + ns, old, no * sizeof(*merged));
        sys = merged;
        nsys = ns + no;
    }
    json_t *msgs = json_array();
    for (size_t i = 0; msgs && i < n; i++)
        json_array_append_new(msgs, message_json(&got[i], anames, na, sys, nsys));
    free(merged);
    json_t *res = json_object();
    if (res && n)
        json_object_set_new(res, "Messages", msgs);
    else
        json_decref(msgs);
    *c->out = res;
    rc = res ? DD_OK : sqs_error_nomem(c->err);
out:
    free(anames);
    free(snames);
    free(old);
    return rc;
}

static int op_delete_message(struct op_ctx *c)
{
    struct sqs_queue *q;
    const char *h;
    if (queue_of(c, &q) || get_str(c, c->in, "ReceiptHandle", 1, &h))
        return DD_EINVAL;
    if (sqs_message_delete(q, h, c->now, c->err))
        return DD_EINVAL;
    *c->changed = 1;
    return DD_OK;
}

static int change_one(struct op_ctx *c, struct sqs_queue *q, json_t *entry)
{
    const char *h;
    long long vis = 0;
    int has_vis;
    if (get_str(c, entry, "ReceiptHandle", 1, &h) ||
        get_int(c, entry, "VisibilityTimeout", &vis, &has_vis))
        return DD_EINVAL;
    if (!has_vis)
        return missing(c, "VisibilityTimeout");
    if (sqs_message_change_visibility(q, h, vis, c->now, c->err))
        return DD_EINVAL;
    *c->changed = 1;
    return DD_OK;
}

static int op_change_visibility(struct op_ctx *c)
{
    struct sqs_queue *q;
    if (queue_of(c, &q))
        return DD_EINVAL;
    return change_one(c, q, c->in);
}

/* DeleteMessageBatch and ChangeMessageVisibilityBatch: per-entry outcome. */
static int batch_each(struct op_ctx *c, int deleting)
{
    struct sqs_queue *q;
    json_t *entries;
    if (queue_of(c, &q) || batch_entries(c, &entries))
        return DD_EINVAL;
    json_t *ok = json_array(), *failed = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e)
    {
        const char *id = json_string_value(json_object_get(e, "Id"));
        struct sqs_error err;
        sqs_error_clear(&err);
        struct sqs_error *saved = c->err;
        c->err = &err;
        int rc;
        if (deleting) {
            const char *h;
            rc = get_str(c, e, "ReceiptHandle", 1, &h);
            if (!rc)
                rc = sqs_message_delete(q, h, c->now, &err);
            if (!rc)
                *c->changed = 1;
        } else {
            rc = change_one(c, q, e);
        }
        c->err = saved;
        if (rc == DD_OK)
            json_array_append_new(ok, json_pack("{s:s}", "Id", id));
        else
            batch_fail(failed, id, &err);
    }
    *c->out = json_pack("{s:o, s:o}", "Successful", ok, "Failed", failed);
    return *c->out ? DD_OK : sqs_error_nomem(c->err);
}

static int op_delete_message_batch(struct op_ctx *c)
{
    return batch_each(c, 1);
}

static int op_change_visibility_batch(struct op_ctx *c)
{
    return batch_each(c, 0);
}

/* --- the table ------------------------------------------------------------ */

static const struct {
    const char *name;
    op_fn fn; /* NULL: known to the model, not implemented: UnsupportedOperation */
} sqs_op_table[] = {
    { "AddPermission", NULL },
    { "CancelMessageMoveTask", NULL },
    { "ChangeMessageVisibility", op_change_visibility },
    { "ChangeMessageVisibilityBatch", op_change_visibility_batch },
    { "CreateQueue", op_create_queue },
    { "DeleteMessage", op_delete_message },
    { "DeleteMessageBatch", op_delete_message_batch },
    { "DeleteQueue", op_delete_queue },
    { "GetQueueAttributes", op_get_queue_attributes },
    { "GetQueueUrl", op_get_queue_url },
    { "ListDeadLetterSourceQueues", op_list_dlq_sources },
    { "ListMessageMoveTasks", NULL },
    { "ListQueueTags", op_list_queue_tags },
    { "ListQueues", op_list_queues },
    { "PurgeQueue", op_purge_queue },
    { "ReceiveMessage", op_receive_message },
    { "RemovePermission", NULL },
    { "SendMessage", op_send_message },
    { "SendMessageBatch", op_send_message_batch },
    { "SetQueueAttributes", op_set_queue_attributes },
    { "StartMessageMoveTask", NULL },
    { "TagQueue", op_tag_queue },
    { "UntagQueue", op_untag_queue },
};

struct sqs_ops *sqs_ops_new(const struct sqs_ops_config *cfg)
{
    struct sqs_ops *ops = calloc(1, sizeof(*ops));
    if (!ops)
        return NULL;
    struct sqs_engine_config ec;
    memset(&ec, 0, sizeof(ec));
    ec.region = cfg->region;
    ec.store = cfg->store;
    ec.store_ctx = cfg->store_ctx;
    ops->engine = sqs_engine_new(&ec);
    if (!ops->engine) {
        free(ops);
        return NULL;
    }
    snprintf(ops->account, sizeof(ops->account), "%s", cfg->account);
    return ops;
}

struct sqs_engine *sqs_ops_engine(struct sqs_ops *ops)
{
    return ops->engine;
}

void sqs_ops_free(struct sqs_ops *ops)
{
    if (!ops)
        return;
    sqs_engine_free(ops->engine);
    sqs_strmap_free(ops->reported);
    free(ops);
}

int sqs_ops_call(struct sqs_ops *ops, const struct sqs_request *req, int64_t now_ms,
                 struct sqs_wait *wait, json_t **result, struct sqs_error *err, int *changed)
{
    *result = NULL;
    *changed = 0;
    sqs_error_clear(err);
    for (size_t i = 0; i < sizeof(sqs_op_table) / sizeof(sqs_op_table[0]); i++) {
        if (strcmp(sqs_op_table[i].name, req->action) != 0)
            continue;
        if (!sqs_op_table[i].fn) {
            sqs_error_set(err, SQS_ERR_UNSUPPORTED_OPERATION,
                          "%s is not supported by Drydock's sqs-emu yet.", req->action);
            return DD_OK;
        }
        struct op_ctx c = { ops, req, req->input, now_ms, wait, result, err, changed };
        int rc = sqs_op_table[i].fn(&c);
        if (rc == SQS_OP_WAIT)
            return SQS_OP_WAIT;
        if (rc != DD_OK) {
            json_decref(*result);
            *result = NULL;
            if (err->code == SQS_ERR_NONE)
                sqs_error_set(err, SQS_ERR_INTERNAL_ERROR,
                              "We encountered an internal error. "
                              "Please try again.");
        }
        return DD_OK;
    }
    sqs_error_set(err, SQS_ERR_INVALID_ACTION, "The action %s is not valid for this web service.",
                  req->action);
    return DD_OK;
}

int sqs_ops_declare_queues(struct sqs_ops *ops, json_t *queues, int64_t now_ms,
                           struct sqs_error *err)
{
    if (!json_is_array(queues))
        return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE,
                             "\"queues\" must be an array of CreateQueue requests");
    struct sqs_request req;
    memset(&req, 0, sizeof(req));
    snprintf(req.action, sizeof(req.action), "CreateQueue");
    snprintf(req.account, sizeof(req.account), "%s", ops->account);
    size_t i;
    json_t *q;
    json_array_foreach(queues, i, q)
    {
        json_t *in = json_is_string(q) ? json_pack("{s:O}", "QueueName", q) : json_incref(q);
        if (!json_is_object(in)) {
            json_decref(in);
            return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE,
                                 "queues[%zu] must be a name or {\"QueueName\", \"Attributes\"}",
                                 i);
        }
        json_t *out = NULL;
        int changed = 0;
        struct sqs_wait w = { 0, 0 };
        req.input = in;
        sqs_ops_call(ops, &req, now_ms, &w, &out, err, &changed);
        json_decref(out);
        json_decref(in);
        if (err->code != SQS_ERR_NONE)
            return DD_EINVAL;
    }
    return DD_OK;
}

static int state_one(struct sqs_queue *q, void *arg)
{
    json_t *arr = arg;
    json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}",
                                         "QueueName", q->name, "Account", q->account, "QueueArn",
                                         q->arn, "Visible", (json_int_t)sqs_queue_visible_count(q),
                                         "NotVisible", (json_int_t)q->n_inflight, "Delayed",
                                         (json_int_t)q->n_delayed, "Sent", (json_int_t)q->n_sent,
                                         "Received", (json_int_t)q->n_received, "Deleted",
                                         (json_int_t)q->n_deleted));
    return DD_OK;
}

int sqs_ops_reset(struct sqs_ops *ops)
{
    return sqs_engine_reset(ops->engine);
}

json_t *sqs_ops_state(struct sqs_ops *ops, int64_t now_ms)
{
    sqs_engine_tick(ops->engine, now_ms);
    json_t *arr = json_array();
    if (arr)
        sqs_engine_foreach(ops->engine, state_one, arr);
    return json_pack("{s:o}", "Queues", arr);
}

struct collect_arg {
    struct dd_metrics *reg;
    int64_t now;
    struct sqs_strmap *seen; /* names reported by this collection */
};

static void gauge(struct dd_metrics *reg, const char *name, const char *help, const char *queue,
                  double v)
{
    struct dd_metric *m = dd_metrics_find(reg, name);
    if (!m)
        m = dd_metrics_gauge(reg, name, help, "QueueName");
    const char *labels[] = { queue };
    if (m)
        dd_metric_set(m, labels, v);
}

static int collect_one(struct sqs_queue *q, void *arg)
{
    struct collect_arg *a = arg;
    if (a->seen)
        sqs_strmap_put(a->seen, q->name, a);
    gauge(a->reg, "ApproximateNumberOfMessagesVisible", "Messages available for retrieval", q->name,
          (double)sqs_queue_visible_count(q));
    gauge(a->reg, "ApproximateNumberOfMessagesNotVisible", "Messages in flight", q->name,
          (double)q->n_inflight);
    gauge(a->reg, "ApproximateNumberOfMessagesDelayed", "Messages delayed", q->name,
          (double)q->n_delayed);
    gauge(a->reg, "NumberOfMessagesSent", "Messages added to the queue since start", q->name,
          (double)q->n_sent);
    gauge(a->reg, "NumberOfMessagesReceived", "Messages returned by ReceiveMessage since start",
          q->name, (double)q->n_received);
    gauge(a->reg, "NumberOfMessagesDeleted", "Messages deleted since start", q->name,
          (double)q->n_deleted);
    gauge(a->reg, "NumberOfEmptyReceives", "ReceiveMessage calls that returned nothing", q->name,
          (double)q->n_empty_receives);
    const struct sqs_message *oldest = sqs_heap_top(&q->ages);
    int64_t age_ms = oldest && a->now > oldest->enqueue_ms ? a->now - oldest->enqueue_ms : 0;
    gauge(a->reg, "ApproximateAgeOfOldestMessage", "Age of the oldest message, seconds", q->name,
          (double)(age_ms / 1000));
    return DD_OK;
}

void sqs_ops_collect(struct sqs_ops *ops, struct dd_metrics *reg, int64_t now_ms)
{
    sqs_engine_tick(ops->engine, now_ms);
    struct collect_arg a = { reg, now_ms, sqs_strmap_new() };
    sqs_engine_foreach(ops->engine, collect_one, &a);
    if (!a.seen)
        return;
    /* Queues reported last time and gone now lose their series. */
    size_t cur = 0;
    const char *name;
    void *unused;
    while (ops->reported && sqs_strmap_next(ops->reported, &cur, &name, &unused)) {
        if (sqs_strmap_get(a.seen, name))
            continue;
        const char *labels[] = { name };
        for (size_t i = 0; i < sizeof(queue_metric_names) / sizeof(queue_metric_names[0]); i++) {
            struct dd_metric *m = dd_metrics_find(reg, queue_metric_names[i]);
            if (m)
                dd_metric_remove(m, labels);
        }
    }
    sqs_strmap_free(ops->reported);
    ops->reported = a.seen;
}
