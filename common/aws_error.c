/*
 * AWS error replies for the JSON 1.0 and Query protocols.
 *
 * Every SQS and ELBv2 error a client can see is rendered here, so a client
 * parses the same shape whichever handler failed. The shapes are the ones the
 * SDKs parse (botocore's JSONParser and QueryParser):
 *
 *   JSON 1.0:  status, Content-Type: application/x-amz-json-1.0,
 *              x-amzn-RequestId: RID,
 *              x-amzn-query-error: QUERYCODE;Sender   (awsQueryCompatible only)
 *              {"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"..."}
 *   Query:     status, Content-Type: text/xml, x-amzn-RequestId: RID,
 *              <?xml version="1.0"?><ErrorResponse xmlns="NS"><Error>
 *              <Type>Sender</Type><Code>CODE</Code><Message>...</Message>
 *              <Detail/></Error><RequestId>RID</RequestId></ErrorResponse>
 *
 * Messages often quote what the client sent (a queue name, an attribute), so
 * they are treated as hostile: jansson and the XML writer escape them, and
 * anything XML 1.0 cannot carry is replaced by U+FFFD first, because an error
 * reply must always render.
 */
#include "common/aws_error.h"

#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/rand.h>

#include "common/err.h"
#include "common/xml.h"

/* Codes and request ids go into headers: printable ASCII only, so no header
 * can be split or injected, and no ';' in codes, which would break the
 * CODE;TYPE split clients do on x-amzn-query-error. */
static int token_ok(const char *s, int allow_semicolon)
{
    if (!s || !*s || strlen(s) > 256)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x21 || *p > 0x7E || (*p == ';' && !allow_semicolon))
            return 0;
    }
    return 1;
}

static int def_ok(const struct dd_aws_error_def *def)
{
    if (!def || (!def->json_type && !def->query_code))
        return 0;
    if (def->json_type && !token_ok(def->json_type, 0))
        return 0;
    if (def->query_code && !token_ok(def->query_code, 0))
        return 0;
    return def->http_status >= 400 && def->http_status <= 599;
}

static const char *fault_name(const struct dd_aws_error_def *def)
{
    return def->sender ? "Sender" : "Receiver";
}

/* The part of a JSON __type after the shape namespace. */
static const char *short_type(const char *json_type)
{
    const char *hash = strrchr(json_type, '#');
    return hash ? hash + 1 : json_type;
}

const char *dd_aws_error_code(const struct dd_aws_error_def *def)
{
    if (!def)
        return NULL;
    if (def->query_code)
        return def->query_code;
    return def->json_type ? short_type(def->json_type) : NULL;
}

const struct dd_aws_error_def *dd_aws_error_find(const struct dd_aws_error_def *table, size_t n,
                                                 const char *code)
{
    if (!table || !code)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const struct dd_aws_error_def *e = &table[i];
        const char *c = dd_aws_error_code(e);
        if (c && strcmp(c, code) == 0)
            return e;
        if (e->json_type && strcmp(short_type(e->json_type), code) == 0)
            return e;
    }
    return NULL;
}

void dd_aws_reply_release(struct dd_aws_reply *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_headers; i++) {
        DD_FREE(r->headers[i].name);
        DD_FREE(r->headers[i].value);
    }
    r->n_headers = 0;
    r->status = 0;
    dd_buf_release(&r->body);
}

const char *dd_aws_reply_header(const struct dd_aws_reply *r, const char *name)
{
    if (!r || !name)
        return NULL;
    for (size_t i = 0; i < r->n_headers; i++) {
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    }
    return NULL;
}

/* Appends "name: value" where value is a ';' b when b is given. */
static int add_header(struct dd_aws_reply *r, const char *name, const char *a, const char *b)
{
    if (r->n_headers == DD_AWS_REPLY_MAX_HEADERS)
        return DD_ERANGE;
    struct dd_buf v = DD_BUF_INIT;
    int rc = b ? dd_buf_printf(&v, "%s;%s", a, b) : dd_buf_puts(&v, a);
    char *value = rc ? NULL : dd_buf_detach(&v);
    char *n = strdup(name);
    if (!value || !n) {
        dd_buf_release(&v);
        free(value);
        free(n);
        return DD_ENOMEM;
    }
    r->headers[r->n_headers].name = n;
    r->headers[r->n_headers].value = value;
    r->n_headers++;
    return DD_OK;
}

int dd_aws_reply_add_header(struct dd_aws_reply *r, const char *name, const char *value)
{
    return add_header(r, name, value, NULL);
}

/* What both protocols do first: check the inputs, start an empty reply with
 * the status and the two headers every reply has, and scrub the message. */
static int reply_begin(const struct dd_aws_error_def *def, const char *message,
                       const char *request_id, const char *content_type, struct dd_aws_reply *out,
                       struct dd_buf *msg)
{
    memset(out, 0, sizeof(*out));
    if (!def_ok(def) || !token_ok(request_id, 1))
        return DD_EINVAL;
    out->status = def->http_status;
    int rc = add_header(out, "Content-Type", content_type, NULL);
    if (!rc)
        rc = add_header(out, "x-amzn-RequestId", request_id, NULL);
    if (!rc && message)
        rc = dd_utf8_xml_scrub(msg, message, strlen(message));
    return rc;
}

static int dump_to_buf(const char *chunk, size_t size, void *data)
{
    return dd_buf_append(data, chunk, size) ? -1 : 0;
}

int dd_aws_error_json(const struct dd_aws_error_def *def, const char *message,
                      const char *request_id, struct dd_aws_reply *out)
{
    struct dd_buf msg = DD_BUF_INIT;
    json_t *body = NULL;

    if (!out)
        return DD_EINVAL;
    int rc = reply_begin(def, message, request_id, "application/x-amz-json-1.0", out, &msg);
    if (rc)
        goto out;
    if (def->query_code) {
        rc = add_header(out, "x-amzn-query-error", def->query_code, fault_name(def));
        if (rc)
            goto out;
    }

    /* Built as a jansson object rather than printed, so that escaping
     * (quotes, backslashes, control characters) is jansson's, not ours. */
    const char *type = def->json_type ? def->json_type : def->query_code;
    json_t *jtype = json_string(type);
    json_t *jmsg = json_stringn(msg.data ? msg.data : "", msg.len);
    body = json_object();
    if (!body || !jtype || !jmsg) {
        json_decref(jtype);
        json_decref(jmsg);
        rc = DD_ENOMEM;
        goto out;
    }
    /* Order kept: __type first, as AWS sends it. */
    if (json_object_set_new(body, "__type", jtype) < 0) {
        json_decref(jmsg);
        rc = DD_ENOMEM;
        goto out;
    }
    if (json_object_set_new(body, "message", jmsg) < 0 ||
        json_dump_callback(body, dump_to_buf, &out->body, JSON_COMPACT) < 0) {
        rc = DD_ENOMEM;
        goto out;
    }

out:
    json_decref(body);
    dd_buf_release(&msg);
    if (rc)
        dd_aws_reply_release(out);
    return rc;
}

int dd_aws_error_query(const struct dd_aws_error_def *def, const char *message,
                       const char *request_id, const char *xml_namespace, struct dd_aws_reply *out)
{
    struct dd_buf msg = DD_BUF_INIT;

    if (!out)
        return DD_EINVAL;
    if (!xml_namespace) {
        memset(out, 0, sizeof(*out));
        return DD_EINVAL;
    }
    int rc = reply_begin(def, message, request_id, "text/xml", out, &msg);
    if (rc)
        goto out;

    struct dd_xml x;
    dd_xml_init(&x, &out->body);
    dd_xml_declaration(&x);
    dd_xml_open_ns(&x, "ErrorResponse", xml_namespace);
    dd_xml_open(&x, "Error");
    dd_xml_elem(&x, "Type", fault_name(def));
    dd_xml_elem(&x, "Code", dd_aws_error_code(def));
    dd_xml_open(&x, "Message");
    dd_xml_text(&x, msg.data, msg.len);
    dd_xml_close(&x);
    /* Real SQS always sends an empty Detail; clients ignore it. */
    dd_xml_elem(&x, "Detail", NULL);
    dd_xml_close(&x);
    dd_xml_elem(&x, "RequestId", request_id);
    dd_xml_close(&x);
    rc = dd_xml_finish(&x);

out:
    dd_buf_release(&msg);
    if (rc)
        dd_aws_reply_release(out);
    return rc;
}

int dd_aws_request_id_new(char out[37])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char r[16];

    if (RAND_bytes(r, sizeof(r)) != 1) {
        out[0] = '\0';
        return DD_EIO;
    }
    /* RFC 9562: version 4 in the high nibble of byte 6, variant 10xx in byte 8. */
    r[6] = (unsigned char)((r[6] & 0x0F) | 0x40);
    r[8] = (unsigned char)((r[8] & 0x3F) | 0x80);
    size_t o = 0;
    for (size_t i = 0; i < sizeof(r); i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[r[i] >> 4];
        out[o++] = hex[r[i] & 0x0F];
    }
    out[o] = '\0';
    return DD_OK;
}
