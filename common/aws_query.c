/*
 * Model-driven AWS Query protocol codec.
 *
 * Naming rules (what botocore's QuerySerializer and XML parser implement, and
 * what AWS's Query services accept and send):
 *   structure member  <prefix>.<locationName or member name>
 *   list              <prefix>.member.N, or when flattened <prefix>.N with the
 *                     last prefix component replaced by the member's
 *                     locationName when it has one; an empty list is
 *                     "<prefix>=" on input
 *   map               <prefix>.entry.N.key / .value, or when flattened
 *                     <prefix>.N.<key locationName>/.<value locationName>
 * In XML output a flattened list repeats its element (named by the member's
 * locationName, else the structure member's name) with no wrapper; a
 * non-flattened one wraps <member> children.
 */
#include "common/aws_query.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "common/xml.h"

#define QUERY_MAX_DEPTH 16

struct qdec {
    const struct dd_aws_model *m;
    const struct dd_form *form;
    char *errbuf;
    size_t errlen;
};

static const char *shape_type(json_t *shape)
{
    const char *t = json_string_value(json_object_get(shape, "type"));
    return t ? t : "string";
}

static int is_flattened(json_t *shape, json_t *ref)
{
    return json_is_true(json_object_get(shape, "flattened")) ||
           json_is_true(json_object_get(ref, "flattened"));
}

static const char *loc_name(json_t *ref)
{
    return json_string_value(json_object_get(ref, "locationName"));
}

static json_t *ref_shape(const struct dd_aws_model *m, json_t *ref)
{
    return dd_aws_model_shape(m, json_string_value(json_object_get(ref, "shape")));
}

/* The serialised name a reference gives: its own locationName, else the one
 * its shape carries (TagMap is "Tag" wherever it is used), else NULL. */
static const char *ref_loc(const struct dd_aws_model *m, json_t *ref)
{
    const char *ln = loc_name(ref);
    return ln ? ln : loc_name(ref_shape(m, ref));
}

/* Distinct N of "<base>.N" or "<base>.N.<anything>" keys, ascending. Caller frees *out. */
static int collect_indices(const struct dd_form *f, const char *base, long **out, size_t *n)
{
    size_t blen = strlen(base), cap = 0;
    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < f->n; i++) {
        const char *k = f->pairs[i].key;
        if (strncmp(k, base, blen) != 0 || k[blen] != '.')
            continue;
        const char *d = k + blen + 1;
        if (*d < '1' || *d > '9')
            continue;
        char *end;
        errno = 0;
        long idx = strtol(d, &end, 10);
        if (errno || (*end != '\0' && *end != '.'))
            continue;
        size_t j = 0;
        while (j < *n && (*out)[j] < idx)
            j++;
        if (j < *n && (*out)[j] == idx)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            long *p = realloc(*out, cap * sizeof(long));
            if (!p) {
                DD_FREE(*out);
                return DD_ENOMEM;
            }
            *out = p;
        }
        memmove(*out + j + 1, *out + j, (*n - j) * sizeof(long));
        (*out)[j] = idx;
        (*n)++;
    }
    return DD_OK;
}

static int has_prefix_key(const struct dd_form *f, const char *prefix)
{
    size_t plen = strlen(prefix);
    for (size_t i = 0; i < f->n; i++) {
        const char *k = f->pairs[i].key;
        if (strncmp(k, prefix, plen) == 0 && (k[plen] == '\0' || k[plen] == '.'))
            return 1;
    }
    return 0;
}

static int bad_value(struct qdec *q, const char *param, const char *value, const char *why)
{
    snprintf(q->errbuf, q->errlen, "Value %s for parameter %s is invalid. Reason: %s", value, param,
             why);
    return DD_EINVAL;
}

static char *join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 2);
    if (!s)
        return NULL;
    memcpy(s, a, la);
    s[la] = '.';
    memcpy(s + la + 1, b, lb + 1);
    if (la == 0)
        memmove(s, s + 1, lb + 1);
    return s;
}

static char *joinf(const char *a, long i, const char *b)
{
    char mid[32];
    snprintf(mid, sizeof(mid), "%ld", i);
    char *t = join(a, mid);
    if (!t || !b)
        return t;
    char *s = join(t, b);
    free(t);
    return s;
}

static int decode(struct qdec *q, json_t *shape, json_t *ref, const char *prefix, int depth,
                  json_t **out);

static int decode_scalar(struct qdec *q, json_t *shape, const char *prefix, json_t **out)
{
    const struct dd_form_pair *p = dd_form_find(q->form, prefix);
    *out = NULL;
    if (!p)
        return DD_OK;
    const char *t = shape_type(shape);
    const char *v = p->value;
    if (strcmp(t, "integer") == 0 || strcmp(t, "long") == 0) {
        char *end;
        errno = 0;
        long long n = strtoll(v, &end, 10);
        if (!*v || *end || errno)
            return bad_value(q, prefix, v, "Must be an integer.");
        *out = json_integer(n);
    } else if (strcmp(t, "boolean") == 0) {
        if (strcasecmp(v, "true") == 0)
            *out = json_true();
        else if (strcasecmp(v, "false") == 0)
            *out = json_false();
        else
            return bad_value(q, prefix, v, "Must be true or false.");
    } else if (strcmp(t, "float") == 0 || strcmp(t, "double") == 0) {
        char *end;
        errno = 0;
        double d = strtod(v, &end);
        if (!*v || *end || errno)
            return bad_value(q, prefix, v, "Must be a number.");
        *out = json_real(d);
    } else {
        *out = json_stringn_nocheck(v, p->value_len);
    }
    return *out ? DD_OK : DD_ENOMEM;
}

static int decode_struct(struct qdec *q, json_t *shape, const char *prefix, int depth, json_t **out)
{
    json_t *obj = json_object();
    if (!obj)
        return DD_ENOMEM;
    const char *name;
    json_t *mref;
    json_object_foreach(json_object_get(shape, "members"), name, mref)
    {
        const char *ln = ref_loc(q->m, mref);
        char *mp = join(prefix, ln ? ln : name);
        if (!mp) {
            json_decref(obj);
            return DD_ENOMEM;
        }
        json_t *v = NULL;
        int rc = decode(q, ref_shape(q->m, mref), mref, mp, depth + 1, &v);
        free(mp);
        if (rc) {
            json_decref(obj);
            return rc;
        }
        if (v && json_object_set_new(obj, name, v)) {
            json_decref(obj);
            return DD_ENOMEM;
        }
    }
    if (prefix[0] && json_object_size(obj) == 0) {
        json_decref(obj);
        obj = NULL;
    }
    *out = obj;
    return DD_OK;
}

static int decode_list(struct qdec *q, json_t *shape, json_t *ref, const char *prefix, int depth,
                       json_t **out)
{
    json_t *mref = json_object_get(shape, "member");
    const char *mloc = ref_loc(q->m, mref);
    char *base;
    if (is_flattened(shape, ref)) {
        const char *dot = strrchr(prefix, '.');
        if (mloc && dot) {
            char *parent = strndup(prefix, (size_t)(dot - prefix));
            base = parent ? join(parent, mloc) : NULL;
            free(parent);
        } else {
            base = strdup(mloc ? mloc : prefix);
        }
    } else {
        base = join(prefix, mloc ? mloc : "member");
    }
    if (!base)
        return DD_ENOMEM;
    long *idx = NULL;
    size_t n = 0;
    int rc = collect_indices(q->form, base, &idx, &n);
    json_t *arr = NULL;
    if (rc)
        goto out;
    if (n == 0) {
        const struct dd_form_pair *p = dd_form_find(q->form, prefix);
        if (p && p->value_len == 0)
            arr = json_array(); /* "Prefix=" is an explicit empty list */
        goto out;
    }
    arr = json_array();
    if (!arr) {
        rc = DD_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n && !rc; i++) {
        char *ep = joinf(base, idx[i], NULL);
        json_t *v = NULL;
        rc = ep ? decode(q, ref_shape(q->m, mref), mref, ep, depth + 1, &v) : DD_ENOMEM;
        free(ep);
        if (!rc && v && json_array_append_new(arr, v))
            rc = DD_ENOMEM;
    }
out:
    free(idx);
    free(base);
    if (rc) {
        json_decref(arr);
        arr = NULL;
    }
    *out = arr;
    return rc;
}

static int decode_map(struct qdec *q, json_t *shape, json_t *ref, const char *prefix, int depth,
                      json_t **out)
{
    json_t *kref = json_object_get(shape, "key");
    json_t *vref = json_object_get(shape, "value");
    const char *kl = loc_name(kref), *vl = loc_name(vref);
    char *base = is_flattened(shape, ref) ? strdup(prefix) : join(prefix, "entry");
    if (!base)
        return DD_ENOMEM;
    long *idx = NULL;
    size_t n = 0;
    json_t *obj = NULL;
    int rc = collect_indices(q->form, base, &idx, &n);
    if (rc || n == 0)
        goto out;
    obj = json_object();
    if (!obj) {
        rc = DD_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n && !rc; i++) {
        char *kp = joinf(base, idx[i], kl ? kl : "key");
        char *vp = joinf(base, idx[i], vl ? vl : "value");
        if (!kp || !vp) {
            rc = DD_ENOMEM;
        } else {
            const char *k = dd_form_get(q->form, kp);
            json_t *v = NULL;
            if (!k) {
                if (has_prefix_key(q->form, vp))
                    rc = bad_value(q, kp, "(missing)", "Each entry needs a key.");
            } else {
                rc = decode(q, ref_shape(q->m, vref), vref, vp, depth + 1, &v);
                if (!rc && !v)
                    v = json_string("");
                if (!rc && (!v || json_object_set_new(obj, k, v)))
                    rc = DD_ENOMEM;
            }
        }
        free(kp);
        free(vp);
    }
out:
    free(idx);
    free(base);
    if (rc) {
        json_decref(obj);
        obj = NULL;
    }
    *out = obj;
    return rc;
}

static int decode(struct qdec *q, json_t *shape, json_t *ref, const char *prefix, int depth,
                  json_t **out)
{
    *out = NULL;
    if (depth > QUERY_MAX_DEPTH || !shape)
        return DD_OK;
    const char *t = shape_type(shape);
    if (strcmp(t, "structure") == 0)
        return decode_struct(q, shape, prefix, depth, out);
    if (strcmp(t, "list") == 0)
        return decode_list(q, shape, ref, prefix, depth, out);
    if (strcmp(t, "map") == 0)
        return decode_map(q, shape, ref, prefix, depth, out);
    return decode_scalar(q, shape, prefix, out);
}

int dd_query_decode(const struct dd_aws_model *m, const struct dd_aws_op *op,
                    const struct dd_form *form, json_t **out, char *errbuf, size_t errlen)
{
    struct qdec q = { m, form, errbuf, errlen };
    if (errlen)
        errbuf[0] = '\0';
    *out = NULL;
    if (!op->input) {
        *out = json_object();
        return *out ? DD_OK : DD_ENOMEM;
    }
    return decode_struct(&q, op->input, "", 0, out);
}

/* --- encoding ------------------------------------------------------------ */

static int encode(const struct dd_aws_model *m, struct dd_xml *x, json_t *shape, json_t *ref,
                  const char *name, json_t *v, int depth);

static int encode_scalar(struct dd_xml *x, json_t *shape, const char *name, json_t *v)
{
    const char *t = shape_type(shape);
    char tmp[64];
    switch (json_typeof(v)) {
    case JSON_STRING:
        dd_xml_open(x, name);
        dd_xml_text(x, json_string_value(v), json_string_length(v));
        return dd_xml_close(x);
    case JSON_TRUE:
        return dd_xml_elem(x, name, "true");
    case JSON_FALSE:
        return dd_xml_elem(x, name, "false");
    case JSON_INTEGER:
        if (strcmp(t, "timestamp") == 0) {
            time_t s = (time_t)json_integer_value(v);
            struct tm tm;
            gmtime_r(&s, &tm);
            strftime(tmp, sizeof(tmp), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
        } else {
            snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        }
        return dd_xml_elem(x, name, tmp);
    case JSON_REAL:
        if (strcmp(t, "timestamp") == 0) {
            double d = json_real_value(v);
            time_t s = (time_t)d;
            struct tm tm;
            gmtime_r(&s, &tm);
            int ms = (int)((d - (double)s) * 1000.0);
            char date[48];
            strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
            snprintf(tmp, sizeof(tmp), "%s.%03dZ", date, ms < 0 ? 0 : ms);
        } else {
            snprintf(tmp, sizeof(tmp), "%.17g", json_real_value(v));
        }
        return dd_xml_elem(x, name, tmp);
    default:
        return DD_OK; /* null: absent */
    }
}

static int encode_struct(const struct dd_aws_model *m, struct dd_xml *x, json_t *shape,
                         const char *name, json_t *v, int depth)
{
    if (!json_is_object(v))
        return DD_OK;
    if (name)
        dd_xml_open(x, name);
    const char *mname;
    json_t *mref;
    json_object_foreach(json_object_get(shape, "members"), mname, mref)
    {
        json_t *mv = json_object_get(v, mname);
        if (!mv || json_is_null(mv))
            continue;
        const char *ln = ref_loc(m, mref);
        encode(m, x, ref_shape(m, mref), mref, ln ? ln : mname, mv, depth + 1);
    }
    return name ? dd_xml_close(x) : x->err;
}

static int encode_list(const struct dd_aws_model *m, struct dd_xml *x, json_t *shape, json_t *ref,
                       const char *name, json_t *v, int depth)
{
    if (!json_is_array(v))
        return DD_OK;
    json_t *mref = json_object_get(shape, "member");
    json_t *mshape = ref_shape(m, mref);
    const char *mloc = ref_loc(m, mref);
    size_t i;
    json_t *item;
    if (is_flattened(shape, ref)) {
        json_array_foreach(v, i, item)
            encode(m, x, mshape, mref, mloc ? mloc : name, item, depth + 1);
        return x->err;
    }
    dd_xml_open(x, name);
    json_array_foreach(v, i, item)
        encode(m, x, mshape, mref, mloc ? mloc : "member", item, depth + 1);
    return dd_xml_close(x);
}

static int encode_map(const struct dd_aws_model *m, struct dd_xml *x, json_t *shape, json_t *ref,
                      const char *name, json_t *v, int depth)
{
    if (!json_is_object(v))
        return DD_OK;
    json_t *kref = json_object_get(shape, "key");
    json_t *vref = json_object_get(shape, "value");
    const char *kl = loc_name(kref), *vl = loc_name(vref);
    int flat = is_flattened(shape, ref);
    if (!flat)
        dd_xml_open(x, name);
    const char *k;
    json_t *val;
    json_object_foreach(v, k, val)
    {
        dd_xml_open(x, flat ? name : "entry");
        dd_xml_open(x, kl ? kl : "key");
        dd_xml_text(x, k, strlen(k));
        dd_xml_close(x);
        encode(m, x, ref_shape(m, vref), vref, vl ? vl : "value", val, depth + 1);
        dd_xml_close(x);
    }
    if (!flat)
        dd_xml_close(x);
    return x->err;
}

static int encode(const struct dd_aws_model *m, struct dd_xml *x, json_t *shape, json_t *ref,
                  const char *name, json_t *v, int depth)
{
    if (depth > QUERY_MAX_DEPTH || !shape)
        return x->err;
    const char *t = shape_type(shape);
    if (strcmp(t, "structure") == 0)
        return encode_struct(m, x, shape, name, v, depth);
    if (strcmp(t, "list") == 0)
        return encode_list(m, x, shape, ref, name, v, depth);
    if (strcmp(t, "map") == 0)
        return encode_map(m, x, shape, ref, name, v, depth);
    return encode_scalar(x, shape, name, v);
}

int dd_query_encode(const struct dd_aws_model *m, const struct dd_aws_op *op, json_t *result,
                    const char *request_id, struct dd_buf *out)
{
    char root[160];
    if ((size_t)snprintf(root, sizeof(root), "%sResponse", op->name) >= sizeof(root))
        return DD_EINVAL;
    struct dd_xml x;
    dd_xml_init(&x, out);
    dd_xml_declaration(&x);
    dd_xml_open_ns(&x, root, dd_aws_model_xmlns(m));
    if (op->output) {
        const char *wrapper = op->wrapper ? op->wrapper : "Result";
        dd_xml_open(&x, wrapper);
        if (result)
            encode_struct(m, &x, op->output, NULL, result, 0);
        dd_xml_close(&x);
    }
    dd_xml_open(&x, "ResponseMetadata");
    dd_xml_elem(&x, "RequestId", request_id);
    dd_xml_close(&x);
    dd_xml_close(&x);
    return dd_xml_finish(&x);
}
