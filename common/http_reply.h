/*
 * Small evhttp helpers every HTTP daemon uses to answer: one call sends one
 * complete reply, so each evhttp callback ends in exactly one reply.
 */
#ifndef DD_HTTP_REPLY_H
#define DD_HTTP_REPLY_H

#include <event2/http.h>
#include <jansson.h>
#include <stddef.h>

#include "common/buf.h"

/* Sends doc (stolen: freed here, even on failure) as application/json. */
int dd_http_reply_json(struct evhttp_request *req, int status, json_t *doc);
/* Sends {"error": message} with status. */
int dd_http_reply_error(struct evhttp_request *req, int status, const char *message);
/* Sends len bytes of data (borrowed) with the given content type. */
int dd_http_reply_bytes(struct evhttp_request *req, int status, const char *content_type,
                        const void *data, size_t len);
/* Copies the request body into out (appended); DD_ERANGE when longer than max. */
int dd_http_read_body(struct evhttp_request *req, struct dd_buf *out, size_t max);
/* Standard reason phrase for an HTTP status ("OK", "Bad Request", ...). */
const char *dd_http_reason(int status);

#endif
