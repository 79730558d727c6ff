/*
 * Protocol detection, decoding and encoding for sqs-emu (see wire.h).
 *
 * Detection follows what the SDKs send: a request with X-Amz-Target is AWS
 * JSON 1.0 (header names and the AmazonSQS prefix compared case-insensitively,
 * as HTTP and the SDKs' own routers do); anything else is AWS Query, whose
 * Action comes from the form body or, for GET, the query string.
 */
#include "sqs-emu/wire.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/aws_query.h"
#include "common/err.h"
#include "common/form.h"
#include "common/json_parse.h"
#include "common/sigv4.h"

#define SQS_TARGET_PREFIX "AmazonSQS."

const char *sqs_http_header(const struct sqs_http_in *in, const char *name)
{
    for (size_t i = 0; i < in->nheaders; i++)
        if (strcasecmp(in->headers[i].name, name) == 0)
            return in->headers[i].value;
    return NULL;
}

void sqs_request_release(struct sqs_request *r)
{
    json_decref(r->input);
    r->input = NULL;
}

static void copy_str(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

/* Region and account from "Credential=AKID/date/region/service/aws4_request". */
static void scope_from_auth(const char *auth, struct sqs_request *out)
{
    struct dd_sigv4_auth a;
    if (!auth || dd_sigv4_parse_authorization(auth, strlen(auth), &a) != DD_OK)
        return;
    copy_str(out->access_key, sizeof(out->access_key), a.access_key);
    if (a.scope.region && a.scope.region[0])
        copy_str(out->region, sizeof(out->region), a.scope.region);
    size_t n = strlen(a.access_key);
    int digits = n == 12;
    for (size_t i = 0; digits && i < n; i++)
        digits = isdigit((unsigned char)a.access_key[i]) != 0;
    if (digits)
        copy_str(out->account, sizeof(out->account), a.access_key);
    dd_sigv4_auth_release(&a);
}

/* "/123456789012/name" in the URI -> QueueUrl, for Query requests sent to the queue URL. */
static int queue_url_from_path(const struct sqs_http_in *in, const struct sqs_request *r,
                               json_t *input)
{
    if (json_object_get(input, "QueueUrl"))
        return DD_OK;
    const char *p = in->uri;
    size_t len = strcspn(p, "?");
    if (len <= 1)
        return DD_OK;
    char url[1024];
    int n = snprintf(url, sizeof(url), "http://%s%.*s", r->host[0] ? r->host : "localhost",
                     (int)len, p);
    if (n < 0 || (size_t)n >= sizeof(url))
        return DD_OK;
    return json_object_set_new(input, "QueueUrl", json_string(url)) ? DD_ENOMEM : DD_OK;
}

static int decode_json(const struct dd_aws_model *m, const struct sqs_http_in *in,
                       const char *target, struct sqs_request *out, struct sqs_error *err)
{
    out->proto = SQS_PROTO_JSON;
    if (strncasecmp(target, SQS_TARGET_PREFIX, strlen(SQS_TARGET_PREFIX)) != 0) {
        sqs_error_set(err, SQS_ERR_INVALID_ACTION,
                      "The action or operation requested is invalid. Verify that the action is "
                      "typed correctly.");
        return DD_EINVAL;
    }
    const char *op = target + strlen(SQS_TARGET_PREFIX);
    struct dd_aws_op info;
    if (strlen(op) >= sizeof(out->action) || dd_aws_model_op(m, op, &info) != DD_OK) {
        sqs_error_set(err, SQS_ERR_INVALID_ACTION,
                      "The action %.60s is not valid for this web "
                      "service.",
                      op);
        return DD_EINVAL;
    }
    copy_str(out->action, sizeof(out->action), op);
    json_t *doc = NULL;
    if (!in->body_len)
        doc = json_object();
    else if (dd_json_parse(in->body, in->body_len, &doc, NULL) != DD_OK)
        doc = NULL;
    if (!json_is_object(doc)) {
        json_decref(doc);
        sqs_error_set(err, SQS_ERR_MALFORMED_INPUT,
                      "Start of structure or map found where not "
                      "expected.");
        return DD_EINVAL;
    }
    out->input = doc;
    return DD_OK;
}

static int decode_query(const struct dd_aws_model *m, const struct sqs_http_in *in,
                        struct sqs_request *out, struct sqs_error *err)
{
    out->proto = SQS_PROTO_QUERY;
    struct dd_form form = DD_FORM_INIT;
    const char *q = strchr(in->uri, '?');
    int rc;
    if (in->body_len > 0)
        rc = dd_form_parse(in->body, in->body_len, &form);
    else
        rc = q ? dd_form_parse(q + 1, strlen(q + 1), &form) : DD_OK;
    if (rc == DD_OK && in->body_len > 0 && q) {
        /* Parameters may also ride in the query string of a POST: merge them. */
        struct dd_form extra = DD_FORM_INIT;
        rc = dd_form_parse(q + 1, strlen(q + 1), &extra);
        if (rc == DD_OK && extra.n) {
            struct dd_buf joined = DD_BUF_INIT;
            rc = dd_buf_append(&joined, in->body, in->body_len);
            if (!rc)
                rc = dd_buf_putc(&joined, '&');
            if (!rc)
                rc = dd_buf_append(&joined, q + 1, strlen(q + 1));
            dd_form_release(&form);
            if (!rc)
                rc = dd_form_parse(joined.data, joined.len, &form);
            dd_buf_release(&joined);
        }
        dd_form_release(&extra);
    }
    if (rc == DD_ENOMEM) {
        dd_form_release(&form);
        return sqs_error_nomem(err);
    }
    if (rc != DD_OK) {
        dd_form_release(&form);
        sqs_error_set(err, SQS_ERR_MALFORMED_INPUT, "The query string is malformed.");
        return DD_EINVAL;
    }
    const char *action = dd_form_get(&form, "Action");
    struct dd_aws_op info;
    if (!action || !*action) {
        dd_form_release(&form);
        sqs_error_set(err, SQS_ERR_MISSING_PARAMETER,
                      "The request must contain the parameter "
                      "Action.");
        return DD_EINVAL;
    }
    if (strlen(action) >= sizeof(out->action) || dd_aws_model_op(m, action, &info) != DD_OK) {
        sqs_error_set(err, SQS_ERR_INVALID_ACTION,
                      "The action %.60s is not valid for this web "
                      "service.",
                      action);
        dd_form_release(&form);
        return DD_EINVAL;
    }
    copy_str(out->action, sizeof(out->action), action);
    char why[512];
    json_t *doc = NULL;
    rc = dd_query_decode(m, &info, &form, &doc, why, sizeof(why));
    dd_form_release(&form);
    if (rc == DD_EINVAL) {
        sqs_error_set(err, SQS_ERR_INVALID_PARAMETER_VALUE, "%s", why);
        return DD_EINVAL;
    }
    if (rc != DD_OK || queue_url_from_path(in, out, doc) != DD_OK) {
        json_decref(doc);
        return sqs_error_nomem(err);
    }
    out->input = doc;
    return DD_OK;
}

int sqs_wire_decode(const struct dd_aws_model *m, const struct sqs_http_in *in,
                    const char *default_region, const char *default_account,
                    struct sqs_request *out, struct sqs_error *err)
{
    memset(out, 0, sizeof(*out));
    sqs_error_clear(err);
    dd_aws_request_id_new(out->request_id);
    copy_str(out->host, sizeof(out->host), sqs_http_header(in, "Host"));
    copy_str(out->region, sizeof(out->region), default_region);
    copy_str(out->account, sizeof(out->account), default_account);
    scope_from_auth(sqs_http_header(in, "Authorization"), out);
    const char *qm = sqs_http_header(in, "x-amzn-query-mode");
    out->query_mode = qm && strcasecmp(qm, "true") == 0;

    const char *target = sqs_http_header(in, "X-Amz-Target");
    if (target)
        return decode_json(m, in, target, out, err);
    return decode_query(m, in, out, err);
}

int sqs_wire_result(const struct dd_aws_model *m, const struct sqs_request *req, json_t *result,
                    struct dd_aws_reply *out)
{
    memset(out, 0, sizeof(*out));
    out->status = 200;
    int rc;
    const char *ctype;
    if (req->proto == SQS_PROTO_JSON) {
        ctype = "application/x-amz-json-1.0";
        char *s = result ? json_dumps(result, JSON_COMPACT) : strdup("{}");
        if (!s)
            return DD_ENOMEM;
        rc = dd_buf_puts(&out->body, s);
        free(s);
    } else {
        ctype = "text/xml";
        struct dd_aws_op info;
        rc = dd_aws_model_op(m, req->action, &info);
        if (rc == DD_OK)
            rc = dd_query_encode(m, &info, result, req->request_id, &out->body);
    }
    if (rc == DD_OK)
        rc = dd_aws_reply_add_header(out, "Content-Type", ctype);
    if (rc == DD_OK)
        rc = dd_aws_reply_add_header(out, "x-amzn-RequestId", req->request_id);
    if (rc != DD_OK)
        dd_aws_reply_release(out);
    return rc;
}

int sqs_wire_error(const struct sqs_request *req, const struct sqs_error *err,
                   struct dd_aws_reply *out)
{
    const struct dd_aws_error_def *def = sqs_error_def(err->code);
    if (!def)
        def = sqs_error_def(SQS_ERR_INTERNAL_ERROR);
    if (req->proto == SQS_PROTO_JSON)
        return dd_aws_error_json(def, err->message, req->request_id, out);
    return dd_aws_error_query(def, err->message, req->request_id, SQS_XMLNS, out);
}
