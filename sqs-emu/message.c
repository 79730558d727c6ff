/*
 * Message operations of one queue: SendMessage, ReceiveMessage (with the
 * dead-letter check of redrive.c), DeleteMessage, ChangeMessageVisibility,
 * receipt handles and restore.
 *
 * Receipt handles. SQS issues a new handle on every receive, and only the
 * latest one acts on the message: DeleteMessage with an older handle
 * succeeds without deleting, and with the handle of a message that is gone
 * it succeeds too; a malformed handle is ReceiptHandleIsInvalid. So a handle
 * must name the queue, the message, and which receive issued it. Ours is the
 * base64 of 36 bytes:
 *
 *   version (1) | queue incarnation id (8) | message seq (8) |
 *   receive count at issue (4) | message id tag (8) | check (7)
 *
 * The receive count is the per-receive token: it grows on every receive and
 * is durable, so a handle stays valid across a restart exactly as long as the
 * message has not been received again. The check (a keyed FNV-1a of the
 * rest) separates typos and foreign strings (ReceiptHandleIsInvalid) from
 * stale handles (accepted, no effect). The queue incarnation id makes a
 * handle from another queue, or from a deleted queue of the same name,
 * invalid here; the id tag keeps a handle from ever acting on a different
 * message that reuses a seq (after a restart from a store that lost track of
 * the highest seq).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "sqs-emu/engine.h"
#include "sqs-emu/message.h"
#include "sqs-emu/queue.h"
#include "sqs-emu/redrive.h"
#include "sqs-emu/visibility.h"

#define HANDLE_VERSION 1
#define HANDLE_BYTES   36

void sqs_message_free(struct sqs_message *m)
{
    if (!m)
        return;
    free(m->body);
    sqs_attrs_release(&m->attrs);
    sqs_attrs_release(&m->sys_attrs);
    free(m->sender_id);
    free(m->group_id);
    free(m->dedup_id);
    free(m->dlq_source_arn);
    free(m);
}

struct sqs_message *sqs_message_find(const struct sqs_queue *q, uint64_t seq)
{
    return sqs_msgindex_get(&q->index, seq);
}

/* ---- receipt handles ---- */

static void put_be(unsigned char *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

static uint64_t get_be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static uint64_t fnv64(uint64_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* "QSS-emu!": a fixed key that separates our checks from plain FNV, not a secret. */
#define CHECK_KEY  0x5153532d656d7521ULL
#define CHECK_MASK 0xffffffffffffffULL /* 7 bytes */

uint64_t sqs_message_id_tag(const struct sqs_message *m)
{
    return fnv64(1469598103934665603ULL, (const unsigned char *)m->id, strlen(m->id));
}

void sqs_receipt_handle_encode(const struct sqs_handle *h, char out[SQS_RECEIPT_HANDLE_SIZE])
{
    unsigned char b[HANDLE_BYTES];
    b[0] = HANDLE_VERSION;
    put_be(b + 1, h->queue_id, 8);
    put_be(b + 9, h->seq, 8);
    put_be(b + 17, h->token, 4);
    put_be(b + 21, h->id_tag, 8);
    put_be(b + 29, fnv64(CHECK_KEY, b, 29), 7);
    (void)sqs_base64_encode(b, sizeof(b), out, SQS_RECEIPT_HANDLE_SIZE);
}

int sqs_receipt_handle_decode(const char *handle, struct sqs_handle *out)
{
    unsigned char b[HANDLE_BYTES];
    size_t n = 0;
    if (!handle || strlen(handle) != 4 * HANDLE_BYTES / 3 ||
        sqs_base64_decode(handle, b, sizeof(b), &n) != DD_OK || n != HANDLE_BYTES)
        return DD_EINVAL;
    if (b[0] != HANDLE_VERSION || get_be(b + 29, 7) != (fnv64(CHECK_KEY, b, 29) & CHECK_MASK))
        return DD_EINVAL;
    out->queue_id = get_be(b + 1, 8);
    out->seq = get_be(b + 9, 8);
    out->token = (uint32_t)get_be(b + 17, 4);
    out->id_tag = get_be(b + 21, 8);
    return out->seq ? DD_OK : DD_EINVAL;
}

/* Decodes handle for q, or fills ReceiptHandleIsInvalid. */
static int handle_for_queue(const struct sqs_queue *q, const char *handle, struct sqs_handle *h,
                            struct sqs_error *err)
{
    if (!handle || !*handle)
        return sqs_error_set(err, SQS_ERR_MISSING_PARAMETER,
                             "The request must contain the parameter ReceiptHandle.");
    if (sqs_receipt_handle_decode(handle, h) != DD_OK || h->queue_id != q->id)
        return sqs_error_set(err, SQS_ERR_RECEIPT_HANDLE_IS_INVALID,
                             "The input receipt handle \"%.400s\" is not a valid receipt handle.",
                             handle);
    return DD_OK;
}

/* The message h names, if h is its latest handle; NULL for a stale handle or
 * a message that is gone. */
static struct sqs_message *latest(const struct sqs_queue *q, const struct sqs_handle *h)
{
    struct sqs_message *m = sqs_msgindex_get(&q->index, h->seq);
    if (!m || m->receive_count != h->token || sqs_message_id_tag(m) != h->id_tag)
        return NULL;
    return m;
}

/* ---- send ---- */

static int fifo_unsupported(struct sqs_error *err)
{
    return sqs_error_set(err, SQS_ERR_UNSUPPORTED_OPERATION, "%s",
                         "FIFO queue messages are not supported by sqs-emu yet.");
}

static int dup_str(char **dst, const char *src)
{
    *dst = NULL;
    if (!src)
        return DD_OK;
    *dst = strdup(src);
    return *dst ? DD_OK : DD_ENOMEM;
}

/*
 * A new message holding copies of body, attributes, sender and group, shared
 * by SendMessage and a store's restore. *out is the caller's (sqs_message_free).
 */
static int message_alloc(struct sqs_queue *q, uint64_t seq, const char *body, size_t body_len,
                         const struct sqs_attrs *attrs, const struct sqs_attrs *sys_attrs,
                         const char *sender_id, const char *group_id, struct sqs_message **out)
{
    struct sqs_message *m = calloc(1, sizeof(*m));
    if (!m)
        return DD_ENOMEM;
    m->seq = seq;
    m->body = malloc(body_len + 1);
    int rc = m->body ? DD_OK : DD_ENOMEM;
    if (!rc) {
        memcpy(m->body, body, body_len);
        m->body[body_len] = '\0';
        m->body_len = body_len;
    }
    if (!rc && attrs && attrs->n)
        rc = sqs_attrs_dup(&m->attrs, attrs);
    if (!rc && sys_attrs && sys_attrs->n)
        rc = sqs_attrs_dup(&m->sys_attrs, sys_attrs);
    if (!rc)
        rc = dup_str(&m->sender_id, sender_id ? sender_id : q->account);
    if (!rc)
        rc = dup_str(&m->group_id, group_id);
    if (rc) {
        sqs_message_free(m);
        return rc;
    }
    *out = m;
    return DD_OK;
}

/* Checks the message system attributes: SQS accepts only AWSTraceHeader, a String. */
static int sys_attrs_check(const struct sqs_attrs *a, struct sqs_error *err)
{
    for (size_t i = 0; a && i < a->n; i++) {
        if (strcmp(a->v[i].name, "AWSTraceHeader") != 0)
            return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE,
                                 "Message system attribute name '%.256s' is invalid.",
                                 a->v[i].name);
        if (strcmp(a->v[i].data_type, "String") != 0)
            return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE,
                                 "Message system attribute AWSTraceHeader must be of type "
                                 "String.");
    }
    return DD_OK;
}

int sqs_message_send(struct sqs_queue *q, const struct sqs_send_params *p, int64_t now_ms,
                     struct sqs_send_result *res, struct sqs_error *err)
{
    sqs_error_clear(err);
    sqs_queue_tick(q, now_ms);
    if (q->fifo)
        return fifo_unsupported(err);
    if (!p->body || p->body_len == 0)
        return sqs_error_set(err, SQS_ERR_MISSING_PARAMETER,
                             "The request must contain the parameter MessageBody.");
    const char *code = NULL;
    char msg[SQS_ERROR_MESSAGE_SIZE];
    if (sqs_body_check(p->body, p->body_len, msg, sizeof(msg), &code) != DD_OK)
        return sqs_error_set(err, SQS_ERR_INVALID_MESSAGE_CONTENTS, "%s", msg);
    if (sqs_attrs_validate(p->attrs, msg, sizeof(msg), &code) != DD_OK)
        return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE, "%s", msg);
    int rc = sys_attrs_check(p->sys_attrs, err);
    if (rc)
        return rc;
    size_t size = sqs_message_size(p->body, p->body_len, p->attrs);
    if (size > (size_t)q->attrs.maximum_message_size)
        return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE,
                             "One or more parameters are invalid. Reason: Message must be shorter "
                             "than %lld bytes.",
                             (long long)q->attrs.maximum_message_size);
    int64_t delay =
        p->delay_seconds == SQS_PARAM_ABSENT ? q->attrs.delay_seconds : p->delay_seconds;
    if (delay < 0 || delay > SQS_MAX_DELAY_SECONDS)
        return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE,
                             "Value %lld for parameter DelaySeconds is invalid. Reason: "
                             "DelaySeconds must be >= 0 and <= 900.",
                             (long long)delay);
    if (p->dedup_id)
        return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE, "%s",
                             "The request include parameter that is not valid for this queue "
                             "type");

    struct sqs_message *m = NULL;
    rc = message_alloc(q, q->next_seq, p->body, p->body_len, p->attrs, p->sys_attrs, p->sender_id,
                       p->group_id, &m);
    if (rc)
        return sqs_error_nomem(err);
    if (!rc)
        rc = sqs_engine_uuid(q->engine, m->id);
    if (!rc)
        rc = sqs_md5_body(m->body, m->body_len, m->md5_body);
    /* sqs_md5_attrs refuses an empty list: the digest field is then omitted. */
    if (!rc && m->attrs.n)
        rc = sqs_md5_attrs(&m->attrs, m->md5_attrs);
    if (!rc && m->sys_attrs.n)
        rc = sqs_md5_attrs(&m->sys_attrs, m->md5_sys_attrs);
    if (rc) {
        sqs_message_free(m);
        return sqs_error_nomem(err);
    }
    m->sent_ms = m->enqueue_ms = now_ms;
    if (delay > 0) {
        m->state = SQS_MSG_DELAYED;
        m->visible_at_ms = now_ms + delay * 1000;
    } else {
        m->state = SQS_MSG_VISIBLE;
        m->visible_at_ms = now_ms;
    }
    if (sqs_msgindex_put(&q->index, m) != DD_OK) {
        sqs_message_free(m);
        return sqs_error_nomem(err);
    }
    if (sqs_vis_link(q, m) != DD_OK) {
        sqs_msgindex_del(&q->index, m->seq);
        sqs_message_free(m);
        return sqs_error_nomem(err);
    }
    q->next_seq++;
    q->n_sent++;
    if (res) {
        memcpy(res->message_id, m->id, sizeof(res->message_id));
        memcpy(res->md5_body, m->md5_body, sizeof(res->md5_body));
        memcpy(res->md5_attrs, m->md5_attrs, sizeof(res->md5_attrs));
        memcpy(res->md5_sys_attrs, m->md5_sys_attrs, sizeof(res->md5_sys_attrs));
        res->sequence_number[0] = '\0';
    }
    if (sqs_engine_put_message(q->engine, q, m))
        return sqs_error_nomem(err);
    return DD_OK;
}

/* ---- receive ---- */

int sqs_message_receive(struct sqs_queue *q, const struct sqs_receive_params *params,
                        int64_t now_ms, struct sqs_received *out, size_t *n_out,
                        struct sqs_error *err)
{
    sqs_error_clear(err);
    *n_out = 0;
    sqs_queue_tick(q, now_ms);
    if (q->fifo)
        return fifo_unsupported(err);
    int max = params && params->max_messages ? params->max_messages : 1;
    if (max < 1 || max > SQS_RECEIVE_MAX)
        return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE,
                             "Value %d for parameter MaxNumberOfMessages is invalid. Reason: Must "
                             "be between 1 and 10, if provided.",
                             max);
    int64_t vt = params ? params->visibility_timeout : SQS_PARAM_ABSENT;
    if (vt == SQS_PARAM_ABSENT)
        vt = q->attrs.visibility_timeout;
    if (vt < 0 || vt > SQS_MAX_VISIBILITY_TIMEOUT)
        return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE,
                             "Value %lld for parameter VisibilityTimeout is invalid. Reason: Must "
                             "be >= 0 and <= 43200, if provided.",
                             (long long)vt);

    int rc = DD_OK;
    struct sqs_message *m;
    while (*n_out < (size_t)max && (m = sqs_heap_top(&q->ready))) {
        int moved = sqs_redrive_check(q, m, now_ms, err);
        if (moved < 0) {
            rc = moved;
            break;
        }
        if (moved)
            continue;
        uint32_t old_count = m->receive_count;
        int64_t old_first = m->first_receive_ms, old_recv = m->receive_ms;
        m->receive_count++;
        if (!m->first_receive_ms)
            m->first_receive_ms = now_ms;
        m->receive_ms = now_ms;
        if (sqs_vis_hide(q, m, now_ms + vt * 1000) != DD_OK) {
            m->receive_count = old_count;
            m->first_receive_ms = old_first;
            m->receive_ms = old_recv;
            rc = sqs_error_nomem(err);
            break;
        }
        out[*n_out].msg = m;
        struct sqs_handle h = { q->id, m->seq, m->receive_count, sqs_message_id_tag(m) };
        sqs_receipt_handle_encode(&h, out[*n_out].receipt_handle);
        (*n_out)++;
        q->n_received++;
        if (sqs_engine_put_message(q->engine, q, m)) {
            rc = sqs_error_nomem(err);
            break;
        }
    }
    if (*n_out == 0)
        q->n_empty_receives++;
    /* Messages already taken are answered: hiding them and not answering
     * would lose them for a visibility timeout. */
    if (rc && *n_out > 0) {
        sqs_error_clear(err);
        return DD_OK;
    }
    return rc;
}

/* ---- delete ---- */

int sqs_message_delete(struct sqs_queue *q, const char *handle, int64_t now_ms,
                       struct sqs_error *err)
{
    sqs_error_clear(err);
    sqs_queue_tick(q, now_ms);
    struct sqs_handle h;
    int rc = handle_for_queue(q, handle, &h, err);
    if (rc)
        return rc;
    struct sqs_message *m = latest(q, &h);
    /* Gone already, or an older receive's handle: success, nothing deleted. */
    if (!m)
        return DD_OK;
    rc = sqs_engine_del_message(q->engine, q, m);
    sqs_queue_drop_message(q, m);
    q->n_deleted++;
    return rc ? sqs_error_nomem(err) : DD_OK;
}

/* ---- change visibility ---- */

int sqs_message_change_visibility(struct sqs_queue *q, const char *handle, int64_t timeout_s,
                                  int64_t now_ms, struct sqs_error *err)
{
    sqs_error_clear(err);
    sqs_queue_tick(q, now_ms);
    struct sqs_handle h;
    int rc = handle_for_queue(q, handle, &h, err);
    if (rc)
        return rc;
    if (timeout_s < 0 || timeout_s > SQS_MAX_VISIBILITY_TIMEOUT)
        return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE,
                             "Value %lld for parameter VisibilityTimeout is invalid. Reason: Must "
                             "be >= 0 and <= 43200, if provided.",
                             (long long)timeout_s);
    struct sqs_message *m = latest(q, &h);
    if (!m)
        return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE,
                             "Value %.400s for parameter ReceiptHandle is invalid. Reason: Message "
                             "does not exist or is not available for visibility timeout change.",
                             handle);
    if (m->state != SQS_MSG_INFLIGHT)
        return sqs_error_set(err, SQS_ERR_MESSAGE_NOT_INFLIGHT, "%s",
                             "The specified message isn't in flight.");
    /* The total hidden time counts from the receive that issued the handle. */
    int64_t until = now_ms + timeout_s * 1000;
    if (until > m->receive_ms + (int64_t)SQS_MAX_VISIBILITY_TIMEOUT * 1000)
        return sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE,
                             "Value %lld for parameter VisibilityTimeout is invalid. Reason: Total "
                             "VisibilityTimeout for the message is beyond the limit [43200 "
                             "seconds]",
                             (long long)timeout_s);
    if (timeout_s == 0)
        rc = sqs_vis_show(q, m);
    else
        rc = sqs_vis_hide(q, m, until);
    if (rc)
        return sqs_error_nomem(err);
    if (timeout_s == 0)
        m->visible_at_ms = now_ms;
    if (sqs_engine_put_message(q->engine, q, m))
        return sqs_error_nomem(err);
    return DD_OK;
}

/* ---- store records ---- */

void sqs_message_record_of(const struct sqs_message *m, struct sqs_message_record *rec)
{
    rec->seq = m->seq;
    rec->id = m->id;
    rec->body = m->body;
    rec->body_len = m->body_len;
    rec->attrs = &m->attrs;
    rec->sys_attrs = &m->sys_attrs;
    rec->md5_body = m->md5_body;
    rec->md5_attrs = m->md5_attrs;
    rec->md5_sys_attrs = m->md5_sys_attrs;
    rec->sender_id = m->sender_id;
    rec->sent_ms = m->sent_ms;
    rec->enqueue_ms = m->enqueue_ms;
    rec->receive_count = m->receive_count;
    rec->first_receive_ms = m->first_receive_ms;
    rec->receive_ms = m->receive_ms;
    rec->visible_at_ms = m->visible_at_ms;
    rec->state = m->state;
    rec->group_id = m->group_id;
    rec->dedup_id = m->dedup_id;
    rec->sequence_number = m->sequence_number;
    rec->dlq_source_arn = m->dlq_source_arn;
}

static void copy_md5(char dst[SQS_MD5_HEX_SIZE], const char *src)
{
    snprintf(dst, SQS_MD5_HEX_SIZE, "%s", src ? src : "");
}

int sqs_message_restore(struct sqs_queue *q, const struct sqs_message_record *rec, int64_t now_ms,
                        struct sqs_error *err)
{
    sqs_error_clear(err);
    if (rec->seq == 0 || !rec->id || strlen(rec->id) >= SQS_MESSAGE_ID_SIZE || !rec->body ||
        rec->state > SQS_MSG_INFLIGHT) {
        sqs_error_set(err, SQS_ERR_INTERNAL_ERROR, "Message record is incomplete.");
        return DD_EINVAL;
    }
    if (sqs_msgindex_get(&q->index, rec->seq)) {
        sqs_error_set(err, SQS_ERR_INTERNAL_ERROR, "Message %llu is restored twice.",
                      (unsigned long long)rec->seq);
        return DD_EEXIST;
    }
    struct sqs_message *m = NULL;
    int rc = message_alloc(q, rec->seq, rec->body, rec->body_len, rec->attrs, rec->sys_attrs,
                           rec->sender_id, rec->group_id, &m);
    if (rc)
        return sqs_error_nomem(err);
    snprintf(m->id, sizeof(m->id), "%s", rec->id);
    if (!rc)
        rc = dup_str(&m->dedup_id, rec->dedup_id);
    if (!rc)
        rc = dup_str(&m->dlq_source_arn, rec->dlq_source_arn);
    if (rc) {
        sqs_message_free(m);
        return sqs_error_nomem(err);
    }
    copy_md5(m->md5_body, rec->md5_body);
    copy_md5(m->md5_attrs, rec->md5_attrs);
    copy_md5(m->md5_sys_attrs, rec->md5_sys_attrs);
    m->sent_ms = rec->sent_ms;
    m->enqueue_ms = rec->enqueue_ms;
    m->receive_count = rec->receive_count;
    m->first_receive_ms = rec->first_receive_ms;
    m->receive_ms = rec->receive_ms;
    m->visible_at_ms = rec->visible_at_ms;
    m->sequence_number = rec->sequence_number;
    /* A deadline that passed while the daemon was down has done its work. */
    m->state =
        rec->state != SQS_MSG_VISIBLE && rec->visible_at_ms > now_ms ? rec->state : SQS_MSG_VISIBLE;
    if (sqs_msgindex_put(&q->index, m) != DD_OK) {
        sqs_message_free(m);
        return sqs_error_nomem(err);
    }
    if (sqs_vis_link(q, m) != DD_OK) {
        sqs_msgindex_del(&q->index, m->seq);
        sqs_message_free(m);
        return sqs_error_nomem(err);
    }
    if (m->seq >= q->next_seq)
        q->next_seq = m->seq + 1;
    if (m->sequence_number >= q->fifo_next_sequence)
        q->fifo_next_sequence = m->sequence_number + 1;
    return DD_OK;
}
