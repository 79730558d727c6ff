/*
 * The AWS Query protocol, driven by a service model (common/aws_model.h):
 * flattened form parameters (Attribute.1.Name=…, MessageAttribute.2.Value.
 * StringValue=…) become the same JSON document the AWS JSON protocol carries,
 * and a JSON result becomes the <OpResponse><OpResult>… XML document. So each
 * operation is written once, against JSON, whatever protocol the client uses.
 *
 * Blobs stay base64 text in both directions (as in the JSON protocol);
 * timestamps in results may be epoch seconds (numbers) and are written as ISO
 * 8601 in XML.
 */
#ifndef DD_AWS_QUERY_H
#define DD_AWS_QUERY_H

#include <jansson.h>
#include <stddef.h>

#include "common/aws_model.h"
#include "common/buf.h"
#include "common/form.h"

/*
 * Builds the input document of op from form (borrowed). *out (caller owns)
 * is always an object, empty when op has no input. On a value that does not
 * fit its shape (a non-integer for an integer, …) returns DD_EINVAL with
 * "Value <v> for parameter <Name> is invalid. Reason: <why>" in errbuf.
 */
int dd_query_decode(const struct dd_aws_model *m, const struct dd_aws_op *op,
                    const struct dd_form *form, json_t **out, char *errbuf, size_t errlen);

/*
 * Appends the whole XML response of op to out: declaration, <OpResponse
 * xmlns>, the result wrapper holding result (borrowed; NULL or {} for an
 * empty result), and <ResponseMetadata><RequestId>. DD_EINVAL when a string
 * holds characters XML cannot carry.
 */
int dd_query_encode(const struct dd_aws_model *m, const struct dd_aws_op *op, json_t *result,
                    const char *request_id, struct dd_buf *out);

#endif
