/*
 * A compact AWS service model (the shapes and operations of a botocore
 * service-2.json, trimmed by tools/gen_model.py) loaded at start-up. The
 * Query protocol needs it to turn flattened form parameters into structured
 * requests and structured results into XML; keeping it data means every
 * operation of a service converts the same way, new ones included.
 */
#ifndef DD_AWS_MODEL_H
#define DD_AWS_MODEL_H

#include <jansson.h>
#include <stddef.h>

struct dd_aws_model;

/* One operation, as the model names it. All strings belong to the model. */
struct dd_aws_op {
    const char *name;    /* "ReceiveMessage" */
    json_t *input;       /* the input shape (borrowed) or NULL */
    json_t *output;      /* the output shape (borrowed) or NULL */
    const char *wrapper; /* Query result wrapper element ("ReceiveMessageResult") or NULL */
};

/*
 * Parses a trimmed model document (see tools/gen_model.py for the format):
 * {"xmlns": "...", "operations": {...}, "shapes": {...}}. The caller frees the
 * result with dd_aws_model_free. DD_EINVAL for a malformed model.
 */
int dd_aws_model_load(const char *json, size_t len, struct dd_aws_model **out);
void dd_aws_model_free(struct dd_aws_model *m);

/* The model's XML namespace (borrowed), "" when it has none. */
const char *dd_aws_model_xmlns(const struct dd_aws_model *m);
/* Looks an operation up by exact name; DD_ENOENT when the model has none. */
int dd_aws_model_op(const struct dd_aws_model *m, const char *name, struct dd_aws_op *out);
/* A shape by name (borrowed) or NULL. */
json_t *dd_aws_model_shape(const struct dd_aws_model *m, const char *name);

#endif
