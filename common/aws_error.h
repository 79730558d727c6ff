/*
 * AWS error replies: the one place their status, headers and body are built.
 *
 * Two wire protocols carry AWS errors here:
 *  - AWS JSON 1.0 (SQS today): a JSON body {"__type": ..., "message": ...},
 *    content type application/x-amz-json-1.0, and for services with the
 *    awsQueryCompatible trait an x-amzn-query-error: CODE;Sender|Receiver
 *    header from which SDKs take the old Query error code.
 *  - AWS Query (SQS's older protocol, ELBv2): an XML ErrorResponse document,
 *    content type text/xml.
 * Both carry the request id in an x-amzn-RequestId header (and the XML body).
 *
 * Each service keeps its errors as one table of struct dd_aws_error_def; a
 * handler picks an entry and a message and gets back a complete reply.
 */
#ifndef DD_AWS_ERROR_H
#define DD_AWS_ERROR_H

#include <stddef.h>

#include "common/buf.h"

/* One AWS error as a service models it. All strings are static. */
struct dd_aws_error_def {
    const char *json_type; /* JSON __type, e.g. "com.amazonaws.sqs#QueueDoesNotExist", or NULL */
    const char
        *query_code; /* Query Code, e.g. "AWS.SimpleQueueService.NonExistentQueue", or NULL */
    int http_status; /* 400-599 */
    int sender;      /* 1: the caller's fault (Sender), 0: ours (Receiver) */
};

/* Content-Type, x-amzn-RequestId, x-amzn-query-error and a few more at most. */
#define DD_AWS_REPLY_MAX_HEADERS 8

struct dd_aws_header {
    char *name;  /* owned by the reply */
    char *value; /* owned by the reply */
};

/* A rendered reply; a zeroed struct is an empty one. */
struct dd_aws_reply {
    int status;                                             /* HTTP status code */
    struct dd_buf body;                                     /* owned: the complete body */
    struct dd_aws_header headers[DD_AWS_REPLY_MAX_HEADERS]; /* owned, in sending order */
    size_t n_headers;                                       /* entries used in headers */
};

/*
 * Renders def as an AWS JSON 1.0 error into out. The message and the request
 * id are the caller's and copied. The message may be NULL (sent as "") and may
 * hold anything: bytes that are not XML 1.0 characters (invalid UTF-8, control
 * characters other than tab/CR/LF) become U+FFFD, so the same message reads
 * the same in both protocols and rendering never fails on it. The request id
 * must be printable ASCII (see dd_aws_request_id_new()).
 *
 * __type is json_type, or query_code when json_type is NULL; the
 * x-amzn-query-error header is sent exactly when query_code is set.
 *
 * out is overwritten without being released. On success the caller releases
 * it with dd_aws_reply_release(); on failure (DD_EINVAL for a bad def or
 * request id, DD_ENOMEM) out is left empty.
 */
int dd_aws_error_json(const struct dd_aws_error_def *def, const char *message,
                      const char *request_id, struct dd_aws_reply *out);

/*
 * Renders def as an AWS Query (XML) error into out:
 *   <?xml version="1.0"?><ErrorResponse xmlns="NS"><Error><Type>Sender</Type>
 *   <Code>CODE</Code><Message>MSG</Message><Detail/></Error>
 *   <RequestId>RID</RequestId></ErrorResponse>
 * (without the line breaks). CODE is dd_aws_error_code(def); xml_namespace
 * (the caller's) is the service's, e.g. "http://queue.amazonaws.com/doc/2012-11-05/".
 * Message, request id, ownership and failure as for dd_aws_error_json().
 */
int dd_aws_error_query(const struct dd_aws_error_def *def, const char *message,
                       const char *request_id, const char *xml_namespace, struct dd_aws_reply *out);

/* Appends a header (both strings copied) to r; DD_ERANGE when r is full. For
 * success replies, which the services' wire layers build themselves. */
int dd_aws_reply_add_header(struct dd_aws_reply *r, const char *name, const char *value);

/* Frees everything out owns and leaves it empty; safe to call twice. */
void dd_aws_reply_release(struct dd_aws_reply *r);

/* The value of header name (case-insensitive) in r, owned by r, or NULL. */
const char *dd_aws_reply_header(const struct dd_aws_reply *r, const char *name);

/* The code a Query client sees: query_code, else json_type after its '#'.
 * Points into def's static strings; NULL if def has neither. */
const char *dd_aws_error_code(const struct dd_aws_error_def *def);

/* The entry of table[0..n) whose dd_aws_error_code() or json_type short name
 * (after '#') equals code, or NULL. Points into table. For fault rules that
 * name an error by code. */
const struct dd_aws_error_def *dd_aws_error_find(const struct dd_aws_error_def *table, size_t n,
                                                 const char *code);

/* Fills out with a random (version 4) UUID in lowercase, NUL-terminated, for
 * RequestId. Returns DD_EIO if the random generator fails. */
int dd_aws_request_id_new(char out[37]);

#endif
