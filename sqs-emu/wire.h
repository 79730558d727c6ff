/*
 * sqs-emu's wire layer: one HTTP request in, one protocol-neutral request
 * out (operation name + the JSON input document the AWS JSON protocol would
 * carry), and results or errors back into the protocol the client spoke.
 *
 *  AWS JSON 1.0   X-Amz-Target: AmazonSQS.<Op>, application/x-amz-json-1.0
 *  AWS Query      Action=<Op>&… in a form body or the query string, answered
 *                 in XML in the SQS namespace; the queue URL may be the path
 *
 * Errors in JSON carry both __type and x-amzn-query-error (the awsQuery
 * compatibility that lets SDKs report the classic codes); in Query the
 * ErrorResponse document. This layer never touches queue state.
 */
#ifndef SQS_WIRE_H
#define SQS_WIRE_H

#include <jansson.h>
#include <stddef.h>

#include "common/aws_error.h"
#include "common/aws_model.h"
#include "sqs-emu/errors.h"

enum sqs_protocol { SQS_PROTO_JSON, SQS_PROTO_QUERY };

/* One request header, borrowed from the HTTP layer. */
struct sqs_http_header {
    const char *name;
    const char *value;
};

/* An HTTP request as the server received it; every pointer is borrowed. */
struct sqs_http_in {
    const char *method; /* "POST", "GET" */
    const char *uri;    /* path and query as sent */
    const struct sqs_http_header *headers;
    size_t nheaders;
    const char *body;
    size_t body_len;
};

/* A decoded request. Owns `input`; release with sqs_request_release. */
struct sqs_request {
    enum sqs_protocol proto;
    char action[64];      /* the operation name, e.g. "SendMessage" */
    json_t *input;        /* owned: the operation's input document */
    char request_id[37];  /* echoed in the reply */
    char host[256];       /* the Host header, for building queue URLs */
    char region[32];      /* from the SigV4 scope, else the daemon's default */
    char account[16];     /* 12-digit access key id, else the daemon's default */
    char access_key[128]; /* from the SigV4 credential, "" when unsigned */
    int query_mode;       /* the client sent x-amzn-query-mode: true */
};

/* Looks a header up case-insensitively; NULL when absent. */
const char *sqs_http_header(const struct sqs_http_in *in, const char *name);

/*
 * Decodes in into out (out->input NULL on failure). default_region and
 * default_account fill what the request does not say. On failure fills err
 * and returns DD_EINVAL; out->proto and request_id are still set, so the
 * error can be answered in the client's protocol.
 */
int sqs_wire_decode(const struct dd_aws_model *m, const struct sqs_http_in *in,
                    const char *default_region, const char *default_account,
                    struct sqs_request *out, struct sqs_error *err);
void sqs_request_release(struct sqs_request *r);

/* Renders result (borrowed; NULL = empty) for req's operation and protocol. */
int sqs_wire_result(const struct dd_aws_model *m, const struct sqs_request *req, json_t *result,
                    struct dd_aws_reply *out);
/* Renders err in req's protocol. */
int sqs_wire_error(const struct sqs_request *req, const struct sqs_error *err,
                   struct dd_aws_reply *out);

#define SQS_XMLNS "http://queue.amazonaws.com/doc/2012-11-05/"

#endif
