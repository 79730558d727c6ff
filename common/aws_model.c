/*
 * Loads a trimmed botocore model and answers lookups of operations and
 * shapes. The model is immutable after loading; lookups return borrowed
 * pointers into it.
 */
#include "common/aws_model.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"

struct dd_aws_model {
    json_t *root;       /* owned */
    json_t *operations; /* borrowed from root */
    json_t *shapes;     /* borrowed from root */
    const char *xmlns;  /* borrowed from root */
};

int dd_aws_model_load(const char *json, size_t len, struct dd_aws_model **out)
{
    json_error_t err;
    json_t *root = json_loadb(json, len, 0, &err);
    if (!root)
        return DD_EINVAL;
    json_t *ops = json_object_get(root, "operations");
    json_t *shapes = json_object_get(root, "shapes");
    if (!json_is_object(ops) || !json_is_object(shapes)) {
        json_decref(root);
        return DD_EINVAL;
    }
    struct dd_aws_model *m = calloc(1, sizeof(*m));
    if (!m) {
        json_decref(root);
        return DD_ENOMEM;
    }
    m->root = root;
    m->operations = ops;
    m->shapes = shapes;
    const char *ns = json_string_value(json_object_get(root, "xmlns"));
    m->xmlns = ns ? ns : "";
    *out = m;
    return DD_OK;
}

void dd_aws_model_free(struct dd_aws_model *m)
{
    if (!m)
        return;
    json_decref(m->root);
    free(m);
}

const char *dd_aws_model_xmlns(const struct dd_aws_model *m)
{
    return m->xmlns;
}

json_t *dd_aws_model_shape(const struct dd_aws_model *m, const char *name)
{
    return name ? json_object_get(m->shapes, name) : NULL;
}

int dd_aws_model_op(const struct dd_aws_model *m, const char *name, struct dd_aws_op *out)
{
    json_t *op = name ? json_object_get(m->operations, name) : NULL;
    if (!json_is_object(op))
        return DD_ENOENT;
    out->name = name;
    out->input = dd_aws_model_shape(m, json_string_value(json_object_get(op, "input")));
    out->output = dd_aws_model_shape(m, json_string_value(json_object_get(op, "output")));
    out->wrapper = json_string_value(json_object_get(op, "resultWrapper"));
    return DD_OK;
}
