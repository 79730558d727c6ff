/*
 * The JSON config -> ALB model parser and validator (see config.h).
 *
 * The parser walks the document once, target groups first (so rules can
 * resolve TargetGroupName / TargetGroupArn), then load balancers with their
 * listeners and rules. Every check reports through fail(), which records the
 * AWS error code, the JSON path being walked (kept in ctx.path as the walk
 * descends) and a message, so an error always names the field.
 *
 * The accepted members of each object are data: one NULL-terminated table per
 * API shape below. Attribute keys, their defaults, kinds and ranges are one
 * table per resource type.
 */
#include "alb-emu/config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/json_parse.h"

/* ------------------------------------------------------------------------ */
/* Parse context, errors, paths                                               */

struct pctx {
    struct alb_config_error *err; /* caller's, may be NULL */
    char path[256];               /* JSON path of the value being read */
    size_t plen;                  /* bytes used in path */
    struct alb_config *cfg;       /* the config being built */
};

static int fail(struct pctx *c, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct pctx *c, const char *code, const char *fmt, ...)
{
    if (c->err) {
        snprintf(c->err->code, sizeof(c->err->code), "%s", code);
        snprintf(c->err->field, sizeof(c->err->field), "%s", c->path);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err->message, sizeof(c->err->message), fmt, ap);
        va_end(ap);
    }
    return DD_EINVAL;
}

static int fail_nomem(struct pctx *c)
{
    if (c->err) {
        snprintf(c->err->code, sizeof(c->err->code), "InternalFailure");
        snprintf(c->err->field, sizeof(c->err->field), "%s", c->path);
        snprintf(c->err->message, sizeof(c->err->message), "out of memory");
    }
    return DD_ENOMEM;
}

/* Appends ".key" (or "key" at the root) to the path; returns the old length
 * for path_pop. A path that would overflow is truncated, never corrupted. */
static size_t path_key(struct pctx *c, const char *key)
{
    size_t old = c->plen;
    int n = snprintf(c->path + c->plen, sizeof(c->path) - c->plen, "%s%s", c->plen ? "." : "", key);
    if (n > 0)
        c->plen +=
            (size_t)n < sizeof(c->path) - c->plen ? (size_t)n : sizeof(c->path) - c->plen - 1;
    return old;
}

static size_t path_idx(struct pctx *c, size_t i)
{
    size_t old = c->plen;
    int n = snprintf(c->path + c->plen, sizeof(c->path) - c->plen, "[%zu]", i);
    if (n > 0)
        c->plen +=
            (size_t)n < sizeof(c->path) - c->plen ? (size_t)n : sizeof(c->path) - c->plen - 1;
    return old;
}

static void path_pop(struct pctx *c, size_t old)
{
    c->plen = old;
    c->path[old] = '\0';
}

static char *dupstr(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* ------------------------------------------------------------------------ */
/* Typed member readers. Each returns DD_OK, DD_EINVAL (error recorded) or    */
/* DD_ENOMEM; "absent" is DD_OK with *present false where asked.              */

/* Refuses members of obj not in allowed (NULL-terminated). */
static int check_members(struct pctx *c, const json_t *obj, const char *shape,
                         const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++) {
            if (strcmp(*a, key) == 0) {
                ok = true;
                break;
            }
        }
        if (!ok) {
            size_t old = path_key(c, key);
            int rc = fail(c, "ValidationError",
                          "Unknown field '%s': the %s shape has no such member", key, shape);
            path_pop(c, old);
            return rc;
        }
    }
    return DD_OK;
}

static const char *json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

/* A string member; *out borrowed from obj, NULL when absent and optional. */
static int get_str(struct pctx *c, const json_t *obj, const char *key, bool required,
                   const char **out)
{
    *out = NULL;
    json_t *v = json_object_get(obj, key);
    size_t old = path_key(c, key);
    int rc = DD_OK;
    if (!v || json_is_null(v)) {
        if (required)
            rc = fail(c, "ValidationError", "%s is required", key);
    } else if (!json_is_string(v)) {
        rc = fail(c, "ValidationError", "%s must be a string, not %s", key, json_type_name(v));
    } else {
        *out = json_string_value(v);
    }
    path_pop(c, old);
    return rc;
}

/* Digits only, optional leading '-'; into *out. */
static bool parse_ll(const char *s, long long *out)
{
    if (!s || !*s)
        return false;
    const char *p = s;
    if (*p == '-')
        p++;
    if (!*p)
        return false;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

/* An integer member in [min, max]; a numeric string is accepted too, since
 * several API members (Priority, HealthCheckPort, attribute values) are
 * strings that hold numbers. */
static int get_int(struct pctx *c, const json_t *obj, const char *key, bool required, long long min,
                   long long max, long long *out, bool *present)
{
    if (present)
        *present = false;
    json_t *v = json_object_get(obj, key);
    size_t old = path_key(c, key);
    int rc = DD_OK;
    long long val = 0;
    if (!v || json_is_null(v)) {
        if (required)
            rc = fail(c, "ValidationError", "%s is required", key);
        goto out;
    }
    if (json_is_integer(v)) {
        val = json_integer_value(v);
    } else if (json_is_string(v) && parse_ll(json_string_value(v), &val)) {
        /* accepted */
    } else {
        rc = fail(c, "ValidationError", "%s must be an integer, not %s", key, json_type_name(v));
        goto out;
    }
    if (val < min || val > max) {
        rc = fail(c, "ValidationError", "%s must be between %lld and %lld, not %lld", key, min, max,
                  val);
        goto out;
    }
    *out = val;
    if (present)
        *present = true;
out:
    path_pop(c, old);
    return rc;
}

static int get_bool(struct pctx *c, const json_t *obj, const char *key, bool *out, bool *present)
{
    if (present)
        *present = false;
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return DD_OK;
    size_t old = path_key(c, key);
    int rc = DD_OK;
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
    } else if (json_is_string(v) && strcmp(json_string_value(v), "true") == 0) {
        *out = true;
    } else if (json_is_string(v) && strcmp(json_string_value(v), "false") == 0) {
        *out = false;
    } else {
        rc = fail(c, "ValidationError", "%s must be a boolean, not %s", key, json_type_name(v));
    }
    if (rc == DD_OK && present)
        *present = true;
    path_pop(c, old);
    return rc;
}

/* A member of the given JSON type (JSON_ARRAY or JSON_OBJECT); *out borrowed. */
static int get_typed(struct pctx *c, const json_t *obj, const char *key, json_type type,
                     bool required, const json_t **out)
{
    *out = NULL;
    json_t *v = json_object_get(obj, key);
    size_t old = path_key(c, key);
    int rc = DD_OK;
    if (!v || json_is_null(v)) {
        if (required)
            rc = fail(c, "ValidationError", "%s is required", key);
    } else if (json_typeof(v) != type) {
        rc = fail(c, "ValidationError", "%s must be %s, not %s", key,
                  type == JSON_ARRAY ? "an array" : "an object", json_type_name(v));
    } else {
        *out = v;
    }
    path_pop(c, old);
    return rc;
}

/* Keeps a reference to an optional passthrough member (Tags, Certificates,
 * ...) after checking its JSON type. */
static int keep_json(struct pctx *c, const json_t *obj, const char *key, json_type type,
                     json_t **out)
{
    const json_t *v;
    int rc = get_typed(c, obj, key, type, false, &v);
    if (rc != DD_OK)
        return rc;
    *out = v ? json_incref((json_t *)v) : NULL;
    return DD_OK;
}

/* An optional string member copied into *out (owned). */
static int copy_str(struct pctx *c, const json_t *obj, const char *key, bool required, char **out)
{
    const char *s;
    int rc = get_str(c, obj, key, required, &s);
    if (rc != DD_OK)
        return rc;
    if (s) {
        *out = strdup(s);
        if (!*out)
            return fail_nomem(c);
    }
    return DD_OK;
}

/* One of a fixed set of strings; *out borrowed from choices. */
static int get_enum(struct pctx *c, const json_t *obj, const char *key, bool required,
                    const char *const *choices, const char *def, const char **out)
{
    const char *s;
    int rc = get_str(c, obj, key, required, &s);
    if (rc != DD_OK)
        return rc;
    if (!s) {
        *out = def;
        return DD_OK;
    }
    for (const char *const *ch = choices; *ch; ch++) {
        if (strcmp(*ch, s) == 0) {
            *out = *ch;
            return DD_OK;
        }
    }
    char list[256] = "";
    size_t used = 0;
    for (const char *const *ch = choices; *ch && used < sizeof(list); ch++) {
        int n = snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "", *ch);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    size_t old = path_key(c, key);
    rc = fail(c, "ValidationError", "%s '%s' is not valid; it must be one of: %s", key, s, list);
    path_pop(c, old);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Ids, ARNs                                                                  */

/* 64-bit FNV-1a over the parts, finished with the splitmix64 mixer so the
 * ids look like AWS's random ones while staying stable across restarts. */
static uint64_t hash_parts(const char *const *parts, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) {
        for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++) {
            h ^= *p;
            h *= UINT64_C(0x100000001b3);
        }
        h ^= 0xff; /* separator, so ("ab","c") differs from ("a","bc") */
        h *= UINT64_C(0x100000001b3);
    }
    h ^= h >> 30;
    h *= UINT64_C(0xbf58476d1ce4e5b9);
    h ^= h >> 27;
    h *= UINT64_C(0x94d049bb133111eb);
    h ^= h >> 31;
    return h;
}

static void make_id(char out[17], const char *const *parts, size_t n)
{
    snprintf(out, 17, "%016" PRIx64, hash_parts(parts, n));
}

static bool is_hex16(const char *s, size_t len)
{
    if (len != 16)
        return false;
    for (size_t i = 0; i < 16; i++)
        if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
            return false;
    return true;
}

/* Checks a given ARN has the expected "arn:aws:elasticloadbalancing:...:"
 * prefix and resource type, and copies its last 16-hex id into id. */
static int check_arn(struct pctx *c, const char *key, const char *arn, const char *resource,
                     const char *label, char id[17])
{
    size_t old = path_key(c, key);
    int rc = DD_OK;
    const char *prefix = "arn:aws:elasticloadbalancing:";
    const char *res = strstr(arn, resource);
    const char *last = strrchr(arn, '/');
    if (strncmp(arn, prefix, strlen(prefix)) != 0 || !res || !last ||
        !is_hex16(last + 1, strlen(last + 1))) {
        rc = fail(c, "ValidationError", "'%s' is not a valid %s ARN", arn, label);
    } else if (id) {
        memcpy(id, last + 1, 16);
        id[16] = '\0';
    }
    path_pop(c, old);
    return rc;
}

static char *arn_printf(struct pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *arn_printf(struct pctx *c, const char *fmt, ...)
{
    char tail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tail, sizeof(tail), fmt, ap);
    va_end(ap);
    size_t n = strlen(c->cfg->region) + strlen(c->cfg->account_id) + strlen(tail) + 64;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "arn:aws:elasticloadbalancing:%s:%s:%s", c->cfg->region, c->cfg->account_id,
                 tail);
    return s;
}

/* Load balancer and target group names: 1..32 alphanumerics or hyphens, not
 * starting or ending with a hyphen (CreateLoadBalancer / CreateTargetGroup). */
static int check_resource_name(struct pctx *c, const char *key, const char *what, const char *name)
{
    size_t old = path_key(c, key);
    int rc = DD_OK;
    size_t len = strlen(name);
    if (len == 0 || len > 32) {
        rc = fail(c, "ValidationError", "%s name '%s' must have between 1 and 32 characters", what,
                  name);
        goto out;
    }
    for (size_t i = 0; i < len; i++) {
        if (!isalnum((unsigned char)name[i]) && name[i] != '-') {
            rc = fail(c, "ValidationError",
                      "%s name '%s' can contain only alphanumeric characters and hyphens", what,
                      name);
            goto out;
        }
    }
    if (name[0] == '-' || name[len - 1] == '-')
        rc = fail(c, "ValidationError", "%s name '%s' cannot begin or end with a hyphen", what,
                  name);
out:
    path_pop(c, old);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Attributes                                                                 */

enum attr_kind {
    ATTR_BOOL,       /* "true" / "false" */
    ATTR_INT,        /* integer in [min, max] */
    ATTR_INT_OR_OFF, /* "off" or an integer in [min, max] */
    ATTR_SLOW_START, /* 0, or 30..900 */
    ATTR_ENUM,       /* one of choices */
    ATTR_STR         /* any string up to 1024 bytes */
};

#define FOR_IP     1 /* instance / ip / alb target groups */
#define FOR_LAMBDA 2 /* lambda target groups */

struct attr_def {
    const char *key;
    const char *def; /* documented default */
    enum attr_kind kind;
    long long min, max;
    const char *const *choices; /* ATTR_ENUM: NULL-terminated */
    int applies;                /* target groups: FOR_IP / FOR_LAMBDA mask; 0 = always */
};

static const char *const k_bool_true[] = { "true", NULL };
static const char *const k_desync[] = { "monitor", "defensive", "strictest", NULL };
static const char *const k_xff[] = { "append", "preserve", "remove", NULL };
static const char *const k_stickiness_type[] = { "lb_cookie", "app_cookie", NULL };
static const char *const k_algorithm[] = { "round_robin", "least_outstanding_requests",
                                           "weighted_random", NULL };
static const char *const k_on_off[] = { "on", "off", NULL };
static const char *const k_cross_zone_tg[] = { "true", "false", "use_load_balancer_configuration",
                                               NULL };

/* LoadBalancerAttribute keys an Application Load Balancer supports (API
 * reference, LoadBalancerAttribute), with their defaults. */
static const struct attr_def k_lb_attrs[] = {
    { "access_logs.s3.enabled", "false", ATTR_BOOL, 0, 0, NULL, 0 },
    { "access_logs.s3.bucket", "", ATTR_STR, 0, 0, NULL, 0 },
    { "access_logs.s3.prefix", "", ATTR_STR, 0, 0, NULL, 0 },
    { "client_keep_alive.seconds", "3600", ATTR_INT, 60, 604800, NULL, 0 },
    { "connection_logs.s3.enabled", "false", ATTR_BOOL, 0, 0, NULL, 0 },
    { "connection_logs.s3.bucket", "", ATTR_STR, 0, 0, NULL, 0 },
    { "connection_logs.s3.prefix", "", ATTR_STR, 0, 0, NULL, 0 },
    { "deletion_protection.enabled", "false", ATTR_BOOL, 0, 0, NULL, 0 },
    { "health_check_logs.s3.enabled", "false", ATTR_BOOL, 0, 0, NULL, 0 },
    { "health_check_logs.s3.bucket", "", ATTR_STR, 0, 0, NULL, 0 },
    { "health_check_logs.s3.prefix", "", ATTR_STR, 0, 0, NULL, 0 },
    { "idle_timeout.timeout_seconds", "60", ATTR_INT, 1, 4000, NULL, 0 },
    { "ipv6.deny_all_igw_traffic", "false", ATTR_BOOL, 0, 0, NULL, 0 },
    /* "The default for Application Load Balancers is true, and can't be changed." */
    { "load_balancing.cross_zone.enabled", "true", ATTR_ENUM, 0, 0, k_bool_true, 0 },
    { "routing.http.desync_mitigation_mode", "defensive", ATTR_ENUM, 0, 0, k_desync, 0 },
    { "routing.http.drop_invalid_header_fields.enabled", "false", ATTR_BOOL, 0, 0, NULL, 0 },
    { "routing.http.preserve_host_header.enabled", "false", ATTR_BOOL, 0, 0, NULL, 0 },
    { "routing.http.x_amzn_tls_version_and_cipher_suite.enabled", "false", ATTR_BOOL, 0, 0, NULL,
      0 },
    { "routing.http.xff_client_port.enabled", "false", ATTR_BOOL, 0, 0, NULL, 0 },
    { "routing.http.xff_header_processing.mode", "append", ATTR_ENUM, 0, 0, k_xff, 0 },
    { "routing.http2.enabled", "true", ATTR_BOOL, 0, 0, NULL, 0 },
    { "waf.fail_open.enabled", "false", ATTR_BOOL, 0, 0, NULL, 0 },
    { "zonal_shift.config.enabled", "false", ATTR_BOOL, 0, 0, NULL, 0 },
};

/* TargetGroupAttribute keys of an ALB target group (API reference,
 * TargetGroupAttribute; user guide "Target group attributes"). */
static const struct attr_def k_tg_attrs[] = {
    { "deregistration_delay.timeout_seconds", "300", ATTR_INT, 0, 3600, NULL, FOR_IP },
    { "stickiness.enabled", "false", ATTR_BOOL, 0, 0, NULL, 0 },
    { "stickiness.type", "lb_cookie", ATTR_ENUM, 0, 0, k_stickiness_type, 0 },
    { "stickiness.lb_cookie.duration_seconds", "86400", ATTR_INT, 1, 604800, NULL, FOR_IP },
    { "stickiness.app_cookie.cookie_name", "", ATTR_STR, 0, 0, NULL, FOR_IP },
    { "stickiness.app_cookie.duration_seconds", "86400", ATTR_INT, 1, 604800, NULL, FOR_IP },
    { "load_balancing.algorithm.type", "round_robin", ATTR_ENUM, 0, 0, k_algorithm, FOR_IP },
    { "load_balancing.algorithm.anomaly_mitigation", "off", ATTR_ENUM, 0, 0, k_on_off, FOR_IP },
    { "load_balancing.cross_zone.enabled", "use_load_balancer_configuration", ATTR_ENUM, 0, 0,
      k_cross_zone_tg, FOR_IP },
    { "slow_start.duration_seconds", "0", ATTR_SLOW_START, 0, 0, NULL, FOR_IP },
    { "target_group_health.dns_failover.minimum_healthy_targets.count", "1", ATTR_INT_OR_OFF, 1,
      ALB_MAX_TARGETS_PER_TARGET_GROUP, NULL, FOR_IP },
    { "target_group_health.dns_failover.minimum_healthy_targets.percentage", "off", ATTR_INT_OR_OFF,
      1, 100, NULL, FOR_IP },
    { "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count", "1", ATTR_INT, 1,
      ALB_MAX_TARGETS_PER_TARGET_GROUP, NULL, FOR_IP },
    { "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage", "off",
      ATTR_INT_OR_OFF, 1, 100, NULL, FOR_IP },
    { "lambda.multi_value_headers.enabled", "false", ATTR_BOOL, 0, 0, NULL, FOR_LAMBDA },
};

/* ListenerAttribute keys of an ALB listener (API reference, ListenerAttribute). */
static const struct attr_def k_listener_attrs[] = {
    { "routing.http.request.x_amzn_mtls_clientcert_serial_number.header_name",
      "X-Amzn-Mtls-Clientcert-Serial-Number", ATTR_STR, 0, 0, NULL, 0 },
    { "routing.http.request.x_amzn_mtls_clientcert_issuer.header_name",
      "X-Amzn-Mtls-Clientcert-Issuer", ATTR_STR, 0, 0, NULL, 0 },
    { "routing.http.request.x_amzn_mtls_clientcert_subject.header_name",
      "X-Amzn-Mtls-Clientcert-Subject", ATTR_STR, 0, 0, NULL, 0 },
    { "routing.http.request.x_amzn_mtls_clientcert_validity.header_name",
      "X-Amzn-Mtls-Clientcert-Validity", ATTR_STR, 0, 0, NULL, 0 },
    { "routing.http.request.x_amzn_mtls_clientcert_leaf.header_name", "X-Amzn-Mtls-Clientcert-Leaf",
      ATTR_STR, 0, 0, NULL, 0 },
    { "routing.http.request.x_amzn_mtls_clientcert.header_name", "X-Amzn-Mtls-Clientcert", ATTR_STR,
      0, 0, NULL, 0 },
    { "routing.http.request.x_amzn_tls_version.header_name", "X-Amzn-Tls-Version", ATTR_STR, 0, 0,
      NULL, 0 },
    { "routing.http.request.x_amzn_tls_cipher_suite.header_name", "X-Amzn-Tls-Cipher-Suite",
      ATTR_STR, 0, 0, NULL, 0 },
    { "routing.http.response.server.enabled", "true", ATTR_BOOL, 0, 0, NULL, 0 },
    { "routing.http.response.strict_transport_security.header_value", "", ATTR_STR, 0, 0, NULL, 0 },
    { "routing.http.response.access_control_allow_origin.header_value", "", ATTR_STR, 0, 0, NULL,
      0 },
    { "routing.http.response.access_control_allow_methods.header_value", "", ATTR_STR, 0, 0, NULL,
      0 },
    { "routing.http.response.access_control_allow_headers.header_value", "", ATTR_STR, 0, 0, NULL,
      0 },
    { "routing.http.response.access_control_allow_credentials.header_value", "", ATTR_STR, 0, 0,
      NULL, 0 },
    { "routing.http.response.access_control_expose_headers.header_value", "", ATTR_STR, 0, 0, NULL,
      0 },
    { "routing.http.response.access_control_max_age.header_value", "", ATTR_STR, 0, 0, NULL, 0 },
    { "routing.http.response.content_security_policy.header_value", "", ATTR_STR, 0, 0, NULL, 0 },
    { "routing.http.response.x_content_type_options.header_value", "", ATTR_STR, 0, 0, NULL, 0 },
    { "routing.http.response.x_frame_options.header_value", "", ATTR_STR, 0, 0, NULL, 0 },
};

static void attributes_free(struct alb_attributes *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->items[i].key);
        free(a->items[i].value);
    }
    DD_FREE(a->items);
    a->n = 0;
}

/* Checks one attribute value against its definition. */
static int attr_check(struct pctx *c, const struct attr_def *d, const char *v)
{
    long long n;
    switch (d->kind) {
    case ATTR_BOOL:
        if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
            return fail(c, "ValidationError", "Attribute '%s' must be 'true' or 'false', not '%s'",
                        d->key, v);
        return DD_OK;
    case ATTR_INT:
        if (!parse_ll(v, &n) || n < d->min || n > d->max)
            return fail(c, "ValidationError",
                        "Attribute '%s' must be an integer between %lld and %lld, not '%s'", d->key,
                        d->min, d->max, v);
        return DD_OK;
    case ATTR_INT_OR_OFF:
        if (strcmp(v, "off") == 0)
            return DD_OK;
        if (!parse_ll(v, &n) || n < d->min || n > d->max)
            return fail(c, "ValidationError",
                        "Attribute '%s' must be 'off' or an integer between %lld and %lld, not "
                        "'%s'",
                        d->key, d->min, d->max, v);
        return DD_OK;
    case ATTR_SLOW_START:
        if (!parse_ll(v, &n) || (n != 0 && (n < 30 || n > 900)))
            return fail(c, "ValidationError",
                        "Attribute '%s' must be 0 (disabled) or between 30 and 900 seconds, not "
                        "'%s'",
                        d->key, v);
        return DD_OK;
    case ATTR_ENUM:
        for (const char *const *ch = d->choices; *ch; ch++)
            if (strcmp(*ch, v) == 0)
                return DD_OK;
        return fail(c, "ValidationError", "Attribute '%s' has an invalid value '%s'", d->key, v);
    case ATTR_STR:
        if (strlen(v) > 1024)
            return fail(c, "ValidationError", "Attribute '%s' can be at most 1024 characters",
                        d->key);
        return DD_OK;
    }
    return DD_OK;
}

/* An attribute value from the file as a string (the API's type); booleans
 * and integers are accepted and spelled as the API would. */
static int attr_value_text(struct pctx *c, const char *key, const json_t *v, char *buf, size_t len,
                           const char **out)
{
    if (json_is_string(v)) {
        *out = json_string_value(v);
    } else if (json_is_boolean(v)) {
        *out = json_is_true(v) ? "true" : "false";
    } else if (json_is_integer(v)) {
        snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        *out = buf;
    } else {
        return fail(c, "ValidationError", "Attribute '%s' must be a string, not %s", key,
                    json_type_name(v));
    }
    return DD_OK;
}

/* Sets key=value in a (already holding every default) after validation. */
static int attr_set(struct pctx *c, struct alb_attributes *a, const struct attr_def *defs,
                    size_t ndefs, int applies, const char *what, const char *key, const char *value)
{
    for (size_t i = 0; i < ndefs; i++) {
        if (strcmp(defs[i].key, key) != 0)
            continue;
        if (defs[i].applies && !(defs[i].applies & applies))
            break;
        int rc = attr_check(c, &defs[i], value);
        if (rc != DD_OK)
            return rc;
        for (size_t j = 0; j < a->n; j++) {
            if (strcmp(a->items[j].key, key) == 0) {
                char *nv = strdup(value);
                if (!nv)
                    return fail_nomem(c);
                free(a->items[j].value);
                a->items[j].value = nv;
                return DD_OK;
            }
        }
        break;
    }
    return fail(c, "ValidationError", "Attribute key '%s' is not supported for %s", key, what);
}

/* Builds a with every default of defs (filtered by applies), then applies
 * obj's "Attributes" member: {"k": v, ...} or [{"Key": k, "Value": v}, ...]. */
static int parse_attributes(struct pctx *c, const json_t *obj, const struct attr_def *defs,
                            size_t ndefs, int applies, const char *what, struct alb_attributes *a)
{
    a->items = calloc(ndefs, sizeof(*a->items));
    if (!a->items)
        return fail_nomem(c);
    for (size_t i = 0; i < ndefs; i++) {
        if (defs[i].applies && !(defs[i].applies & applies))
            continue;
        a->items[a->n].key = strdup(defs[i].key);
        a->items[a->n].value = strdup(defs[i].def);
        a->n++;
        if (!a->items[a->n - 1].key || !a->items[a->n - 1].value)
            return fail_nomem(c);
    }
    json_t *v = json_object_get(obj, "Attributes");
    if (!v || json_is_null(v))
        return DD_OK;
    size_t old = path_key(c, "Attributes");
    int rc = DD_OK;
    char buf[32];
    const char *text;
    if (json_is_object(v)) {
        const char *key;
        json_t *val;
        json_object_foreach(v, key, val)
        {
            size_t o2 = path_key(c, key);
            rc = attr_value_text(c, key, val, buf, sizeof(buf), &text);
            if (rc == DD_OK)
                rc = attr_set(c, a, defs, ndefs, applies, what, key, text);
            path_pop(c, o2);
            if (rc != DD_OK)
                goto out;
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            size_t o2 = path_idx(c, i);
            static const char *const keys[] = { "Key", "Value", NULL };
            const char *key = NULL;
            const json_t *val;
            if (!json_is_object(item))
                rc =
                    fail(c, "ValidationError", "an attribute must be an object with Key and Value");
            if (rc == DD_OK)
                rc = check_members(c, item, "Attribute", keys);
            if (rc == DD_OK)
                rc = get_str(c, item, "Key", true, &key);
            if (rc == DD_OK) {
                val = json_object_get(item, "Value");
                if (!val) {
                    size_t o3 = path_key(c, "Value");
                    rc = fail(c, "ValidationError", "Value is required");
                    path_pop(c, o3);
                } else {
                    rc = attr_value_text(c, key, val, buf, sizeof(buf), &text);
                    if (rc == DD_OK)
                        rc = attr_set(c, a, defs, ndefs, applies, what, key, text);
                }
            }
            path_pop(c, o2);
            if (rc != DD_OK)
                goto out;
        }
    } else {
        rc = fail(c, "ValidationError", "Attributes must be an object or an array, not %s",
                  json_type_name(v));
    }
out:
    path_pop(c, old);
    return rc;
}

/* Whether obj's Attributes (either form) sets key. */
static bool attributes_mention(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, "Attributes");
    if (json_is_object(v))
        return json_object_get(v, key) != NULL;
    size_t i;
    json_t *item;
    if (json_is_array(v)) {
        json_array_foreach(v, i, item)
        {
            const json_t *k = json_object_get(item, "Key");
            if (json_is_string(k) && strcmp(json_string_value(k), key) == 0)
                return true;
        }
    }
    return false;
}

const char *alb_attributes_get(const struct alb_attributes *attrs, const char *key)
{
    for (size_t i = 0; i < attrs->n; i++)
        if (strcmp(attrs->items[i].key, key) == 0)
            return attrs->items[i].value;
    return NULL;
}

static bool attr_bool(const struct alb_attributes *a, const char *key)
{
    const char *v = alb_attributes_get(a, key);
    return v && strcmp(v, "true") == 0;
}

static int64_t attr_int(const struct alb_attributes *a, const char *key, int64_t off)
{
    const char *v = alb_attributes_get(a, key);
    long long n;
    if (!v || !parse_ll(v, &n))
        return off;
    return n;
}

static int enum_index(const char *const *choices, const char *v)
{
    for (int i = 0; choices[i]; i++)
        if (v && strcmp(choices[i], v) == 0)
            return i;
    return 0;
}

static void decode_lb_attributes(const struct alb_attributes *a, struct alb_lb_attributes *o)
{
    o->idle_timeout_seconds = attr_int(a, "idle_timeout.timeout_seconds", 60);
    o->client_keep_alive_seconds = attr_int(a, "client_keep_alive.seconds", 3600);
    o->xff_header_processing = (enum alb_xff_mode)enum_index(
        k_xff, alb_attributes_get(a, "routing.http.xff_header_processing.mode"));
    o->xff_client_port_enabled = attr_bool(a, "routing.http.xff_client_port.enabled");
    o->preserve_host_header_enabled = attr_bool(a, "routing.http.preserve_host_header.enabled");
    o->drop_invalid_header_fields_enabled =
        attr_bool(a, "routing.http.drop_invalid_header_fields.enabled");
    o->x_amzn_tls_version_and_cipher_suite =
        attr_bool(a, "routing.http.x_amzn_tls_version_and_cipher_suite.enabled");
    o->desync_mitigation_mode = (enum alb_desync_mode)enum_index(
        k_desync, alb_attributes_get(a, "routing.http.desync_mitigation_mode"));
    o->http2_enabled = attr_bool(a, "routing.http2.enabled");
    o->deletion_protection_enabled = attr_bool(a, "deletion_protection.enabled");
    o->waf_fail_open_enabled = attr_bool(a, "waf.fail_open.enabled");
}

static void decode_tg_attributes(const struct alb_attributes *a, struct alb_tg_attributes *o)
{
    o->deregistration_delay_timeout_seconds =
        attr_int(a, "deregistration_delay.timeout_seconds", 300);
    o->algorithm = (enum alb_algorithm)enum_index(
        k_algorithm, alb_attributes_get(a, "load_balancing.algorithm.type"));
    const char *am = alb_attributes_get(a, "load_balancing.algorithm.anomaly_mitigation");
    o->anomaly_mitigation = am && strcmp(am, "on") == 0;
    o->slow_start_duration_seconds = attr_int(a, "slow_start.duration_seconds", 0);
    o->stickiness_enabled = attr_bool(a, "stickiness.enabled");
    o->stickiness_type = (enum alb_stickiness_type)enum_index(
        k_stickiness_type, alb_attributes_get(a, "stickiness.type"));
    o->lb_cookie_duration_seconds = attr_int(a, "stickiness.lb_cookie.duration_seconds", 86400);
    const char *name = alb_attributes_get(a, "stickiness.app_cookie.cookie_name");
    o->app_cookie_name = name ? name : "";
    o->app_cookie_duration_seconds = attr_int(a, "stickiness.app_cookie.duration_seconds", 86400);
    o->min_healthy_targets_count =
        attr_int(a, "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count", 1);
    o->min_healthy_targets_percentage = (int)attr_int(
        a, "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage", -1);
}

/* ------------------------------------------------------------------------ */
/* Matcher                                                                    */

int alb_matcher_parse(const char *text, int lo, int hi, struct alb_matcher_range **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!text || !*text)
        return DD_EINVAL;
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        if (*p == ',')
            cap++;
    struct alb_matcher_range *r = calloc(cap, sizeof(*r));
    if (!r)
        return DD_ENOMEM;
    size_t used = 0;
    const char *p = text;
    for (;;) {
        long a = 0, b;
        int digits = 0;
        while (*p >= '0' && *p <= '9' && digits < 4) {
            a = a * 10 + (*p++ - '0');
            digits++;
        }
        if (digits == 0)
            goto bad;
        b = a;
        if (*p == '-') {
            p++;
            b = 0;
            digits = 0;
            while (*p >= '0' && *p <= '9' && digits < 4) {
                b = b * 10 + (*p++ - '0');
                digits++;
            }
            if (digits == 0)
                goto bad;
        }
        if (a < lo || b > hi || a > b)
            goto bad;
        r[used].lo = (uint16_t)a;
        r[used].hi = (uint16_t)b;
        used++;
        if (*p == '\0')
            break;
        if (*p != ',')
            goto bad;
        p++;
    }
    *out = r;
    *n = used;
    return DD_OK;
bad:
    free(r);
    return DD_EINVAL;
}

bool alb_matcher_matches(const struct alb_matcher *m, int code)
{
    for (size_t i = 0; i < m->n_ranges; i++)
        if (code >= m->ranges[i].lo && code <= m->ranges[i].hi)
            return true;
    return false;
}

/* ------------------------------------------------------------------------ */
/* Names                                                                      */

const char *alb_protocol_name(enum alb_protocol p)
{
    return p == ALB_PROTOCOL_HTTPS ? "HTTPS" : "HTTP";
}

static const char *const k_condition_fields[] = {
    "host-header",  "path-pattern", "http-header", "http-request-method",
    "query-string", "source-ip",    NULL
};
static const char *const k_action_types[] = {
    "forward",        "redirect", "fixed-response", "authenticate-oidc", "authenticate-cognito",
    "jwt-validation", NULL
};

const char *alb_condition_field_name(enum alb_condition_field f)
{
    return (unsigned)f < DD_ARRAY_LEN(k_condition_fields) - 1 ? k_condition_fields[f] : "?";
}

const char *alb_action_type_name(enum alb_action_type t)
{
    return (unsigned)t < DD_ARRAY_LEN(k_action_types) - 1 ? k_action_types[t] : "?";
}

const char *alb_algorithm_name(enum alb_algorithm a)
{
    return (unsigned)a < DD_ARRAY_LEN(k_algorithm) - 1 ? k_algorithm[a] : "?";
}

/* ------------------------------------------------------------------------ */
/* Target groups                                                              */

static const char *const k_tg_members[] = { "Name",
                                            "TargetGroupName",
                                            "TargetGroupArn",
                                            "Protocol",
                                            "ProtocolVersion",
                                            "Port",
                                            "VpcId",
                                            "HealthCheckProtocol",
                                            "HealthCheckPort",
                                            "HealthCheckEnabled",
                                            "HealthCheckPath",
                                            "HealthCheckIntervalSeconds",
                                            "HealthCheckTimeoutSeconds",
                                            "HealthyThresholdCount",
                                            "UnhealthyThresholdCount",
                                            "Matcher",
                                            "TargetType",
                                            "Tags",
                                            "IpAddressType",
                                            "TargetControlPort",
                                            "LoadBalancerArns",
                                            "Targets",
                                            "Attributes",
                                            NULL };
static const char *const k_target_members[] = { "Id", "Port", "AvailabilityZone", "QuicServerId",
                                                NULL };
static const char *const k_matcher_members[] = { "HttpCode", "GrpcCode", NULL };
static const char *const k_target_types[] = { "instance", "ip", "lambda", "alb", NULL };
static const char *const k_http_protocols[] = { "HTTP", "HTTPS", NULL };
static const char *const k_protocol_versions[] = { "HTTP1", "HTTP2", "GRPC", NULL };
static const char *const k_tg_ip_types[] = { "ipv4", "ipv6", NULL };

static int parse_matcher(struct pctx *c, const json_t *obj, bool grpc, struct alb_matcher *m)
{
    const json_t *mo;
    int rc = get_typed(c, obj, "Matcher", JSON_OBJECT, false, &mo);
    if (rc != DD_OK)
        return rc;
    const char *http = NULL, *grpc_code = NULL;
    size_t old = path_key(c, "Matcher");
    if (mo) {
        rc = check_members(c, mo, "Matcher", k_matcher_members);
        if (rc == DD_OK)
            rc = get_str(c, mo, "HttpCode", false, &http);
        if (rc == DD_OK)
            rc = get_str(c, mo, "GrpcCode", false, &grpc_code);
        if (rc == DD_OK && grpc && http)
            rc = fail(c, "ValidationError",
                      "HttpCode cannot be used with ProtocolVersion GRPC; use GrpcCode");
        if (rc == DD_OK && !grpc && grpc_code)
            rc = fail(c, "ValidationError",
                      "GrpcCode can be used only with ProtocolVersion GRPC; use HttpCode");
    }
    if (rc != DD_OK)
        goto out;
    const char *text = grpc ? (grpc_code ? grpc_code : "12") : (http ? http : "200");
    if (grpc)
        m->grpc_code = strdup(text);
    else
        m->http_code = strdup(text);
    if (!m->grpc_code && !m->http_code) {
        rc = fail_nomem(c);
        goto out;
    }
    rc = alb_matcher_parse(text, grpc ? 0 : 200, grpc ? 99 : 499, &m->ranges, &m->n_ranges);
    if (rc == DD_ENOMEM) {
        rc = fail_nomem(c);
    } else if (rc != DD_OK) {
        size_t o2 = path_key(c, grpc ? "GrpcCode" : "HttpCode");
        rc = fail(c, "ValidationError",
                  "%s '%s' is not valid: give codes or ranges between %d and %d, e.g. \"%s\"",
                  grpc ? "GrpcCode" : "HttpCode", text, grpc ? 0 : 200, grpc ? 99 : 499,
                  grpc ? "0-5" : "200-299");
        path_pop(c, o2);
    }
out:
    path_pop(c, old);
    return rc;
}

static int parse_targets(struct pctx *c, const json_t *obj, struct alb_target_group *tg, bool is_ip)
{
    const json_t *arr;
    int rc = get_typed(c, obj, "Targets", JSON_ARRAY, false, &arr);
    if (rc != DD_OK || !arr || json_array_size(arr) == 0)
        return rc;
    size_t old = path_key(c, "Targets");
    if (!is_ip) {
        rc = fail(c, "ValidationError",
                  "alb-emu routes to IP targets only: set \"TargetType\": \"ip\" on target group "
                  "'%s' to register Targets (the AWS default TargetType is instance)",
                  tg->target_group_name);
        goto out;
    }
    if (json_array_size(arr) > ALB_MAX_TARGETS_PER_TARGET_GROUP) {
        rc = fail(c, "TooManyTargets",
                  "You've reached the limit on the number of targets: at most %d per target "
                  "group",
                  ALB_MAX_TARGETS_PER_TARGET_GROUP);
        goto out;
    }
    tg->targets = calloc(json_array_size(arr), sizeof(*tg->targets));
    if (!tg->targets) {
        rc = fail_nomem(c);
        goto out;
    }
    size_t i;
    json_t *t;
    json_array_foreach(arr, i, t)
    {
        size_t o2 = path_idx(c, i);
        const char *id = NULL, *az = NULL;
        long long port = tg->port;
        struct alb_addr addr;
        if (!json_is_object(t)) {
            rc = fail(c, "ValidationError", "a target must be an object with Id and Port");
            goto item_out;
        }
        if ((rc = check_members(c, t, "TargetDescription", k_target_members)) != DD_OK ||
            (rc = get_str(c, t, "Id", true, &id)) != DD_OK ||
            (rc = get_int(c, t, "Port", false, 1, 65535, &port, NULL)) != DD_OK ||
            (rc = get_str(c, t, "AvailabilityZone", false, &az)) != DD_OK)
            goto item_out;
        if (alb_addr_parse(id, strlen(id), &addr) != DD_OK) {
            size_t o3 = path_key(c, "Id");
            rc = fail(c, "ValidationError",
                      "The IP address '%s' is not a valid IPv4 or IPv6 "
                      "address",
                      id);
            path_pop(c, o3);
            goto item_out;
        }
        if ((addr.family == AF_INET6) != (strcmp(tg->ip_address_type, "ipv6") == 0)) {
            size_t o3 = path_key(c, "Id");
            rc = fail(c, "ValidationError",
                      "The IP address '%s' does not match the target group's IpAddressType '%s'",
                      id, tg->ip_address_type);
            path_pop(c, o3);
            goto item_out;
        }
        addr.port = (uint16_t)port;
        /* Registering the same Id and Port twice is one registration, as in AWS. */
        bool dup = false;
        for (size_t k = 0; k < tg->n_targets; k++)
            if (alb_addr_equal(&tg->targets[k].addr, &addr))
                dup = true;
        if (!dup) {
            struct alb_target_description *d = &tg->targets[tg->n_targets++];
            d->id = strdup(id);
            d->port = (int)port;
            d->availability_zone = dupstr(az);
            d->addr = addr;
            if (!d->id || (az && !d->availability_zone))
                rc = fail_nomem(c);
        }
    item_out:
        path_pop(c, o2);
        if (rc != DD_OK)
            goto out;
    }
out:
    path_pop(c, old);
    return rc;
}

static int parse_health_check_port(struct pctx *c, const json_t *obj, struct alb_target_group *tg)
{
    json_t *v = json_object_get(obj, "HealthCheckPort");
    char buf[16];
    const char *text = "traffic-port";
    if (v && !json_is_null(v)) {
        long long port = 0;
        size_t old = path_key(c, "HealthCheckPort");
        int rc = DD_OK;
        bool numeric = false;
        if (json_is_integer(v)) {
            port = json_integer_value(v);
            numeric = true;
        } else if (json_is_string(v) && parse_ll(json_string_value(v), &port)) {
            numeric = true;
        }
        if (json_is_string(v) && strcmp(json_string_value(v), "traffic-port") == 0) {
            text = "traffic-port";
        } else if (numeric) {
            if (port < 1 || port > 65535)
                rc = fail(c, "ValidationError",
                          "HealthCheckPort must be 'traffic-port' or a port from 1 to 65535");
            snprintf(buf, sizeof(buf), "%lld", port);
            text = buf;
        } else {
            rc = fail(c, "ValidationError",
                      "HealthCheckPort must be 'traffic-port' or a port from 1 to 65535");
        }
        path_pop(c, old);
        if (rc != DD_OK)
            return rc;
    }
    tg->health_check_port = strdup(text);
    return tg->health_check_port ? DD_OK : fail_nomem(c);
}

static int parse_target_group(struct pctx *c, const json_t *obj, struct alb_target_group *tg,
                              size_t index)
{
    int rc;
    if (!json_is_object(obj))
        return fail(c, "ValidationError", "a target group must be an object");
    if ((rc = check_members(c, obj, "TargetGroup", k_tg_members)) != DD_OK)
        return rc;

    const char *name = NULL, *alias = NULL, *arn = NULL;
    if ((rc = get_str(c, obj, "Name", false, &name)) != DD_OK ||
        (rc = get_str(c, obj, "TargetGroupName", false, &alias)) != DD_OK ||
        (rc = get_str(c, obj, "TargetGroupArn", false, &arn)) != DD_OK)
        return rc;
    if (name && alias && strcmp(name, alias) != 0) {
        size_t old = path_key(c, "TargetGroupName");
        rc = fail(c, "ValidationError", "Name '%s' and TargetGroupName '%s' disagree", name, alias);
        path_pop(c, old);
        return rc;
    }
    if (!name)
        name = alias;
    if (!name) {
        size_t old = path_key(c, "Name");
        rc = fail(c, "ValidationError", "Name is required (TargetGroupName is accepted too)");
        path_pop(c, old);
        return rc;
    }
    if ((rc = check_resource_name(c, json_object_get(obj, "Name") ? "Name" : "TargetGroupName",
                                  "Target group", name)) != DD_OK)
        return rc;
    for (size_t i = 0; i < index; i++) {
        if (strcmp(c->cfg->target_groups[i].target_group_name, name) == 0) {
            size_t old = path_key(c, "Name");
            rc = fail(c, "DuplicateTargetGroupName",
                      "A target group with the same name '%s' exists, but with different "
                      "settings",
                      name);
            path_pop(c, old);
            return rc;
        }
    }
    tg->target_group_name = strdup(name);
    if (!tg->target_group_name)
        return fail_nomem(c);

    const char *target_type, *protocol = NULL, *version, *ip_type, *hc_protocol;
    if ((rc = get_enum(c, obj, "TargetType", false, k_target_types, "instance", &target_type)) !=
        DD_OK)
        return rc;
    bool lambda = strcmp(target_type, "lambda") == 0;
    if ((rc = get_enum(c, obj, "Protocol", !lambda, k_http_protocols, NULL, &protocol)) != DD_OK)
        return rc;
    if ((rc = get_enum(c, obj, "ProtocolVersion", false, k_protocol_versions, "HTTP1", &version)) !=
            DD_OK ||
        (rc = get_enum(c, obj, "IpAddressType", false, k_tg_ip_types, "ipv4", &ip_type)) != DD_OK ||
        (rc = get_enum(c, obj, "HealthCheckProtocol", false, k_http_protocols, "HTTP",
                       &hc_protocol)) != DD_OK)
        return rc;
    tg->target_type = strdup(target_type);
    tg->protocol_version = strdup(version);
    tg->ip_address_type = strdup(ip_type);
    if (!tg->target_type || !tg->protocol_version || !tg->ip_address_type)
        return fail_nomem(c);
    tg->protocol =
        protocol && strcmp(protocol, "HTTPS") == 0 ? ALB_PROTOCOL_HTTPS : ALB_PROTOCOL_HTTP;
    tg->health_check_protocol =
        strcmp(hc_protocol, "HTTPS") == 0 ? ALB_PROTOCOL_HTTPS : ALB_PROTOCOL_HTTP;

    long long port = 0;
    if ((rc = get_int(c, obj, "Port", !lambda, 1, 65535, &port, NULL)) != DD_OK)
        return rc;
    tg->port = (int)port;
    if ((rc = copy_str(c, obj, "VpcId", false, &tg->vpc_id)) != DD_OK)
        return rc;

    bool enabled = !lambda, present;
    if ((rc = get_bool(c, obj, "HealthCheckEnabled", &enabled, &present)) != DD_OK)
        return rc;
    if (!enabled && !lambda) {
        size_t old = path_key(c, "HealthCheckEnabled");
        rc = fail(c, "ValidationError",
                  "Health check enabled must be true for target groups with target type '%s'",
                  target_type);
        path_pop(c, old);
        return rc;
    }
    tg->health_check_enabled = enabled;
    if ((rc = parse_health_check_port(c, obj, tg)) != DD_OK)
        return rc;

    const char *hc_path = NULL;
    if ((rc = get_str(c, obj, "HealthCheckPath", false, &hc_path)) != DD_OK)
        return rc;
    if (hc_path) {
        size_t len = strlen(hc_path), old = path_key(c, "HealthCheckPath");
        if (len == 0 || len > 1024 || hc_path[0] != '/')
            rc = fail(c, "ValidationError",
                      "HealthCheckPath '%s' must start with '/' and have 1 to 1024 characters",
                      hc_path);
        path_pop(c, old);
        if (rc != DD_OK)
            return rc;
    }
    bool grpc = strcmp(version, "GRPC") == 0;
    tg->health_check_path = strdup(hc_path ? hc_path : grpc ? "/AWS.ALB/healthcheck" : "/");
    if (!tg->health_check_path)
        return fail_nomem(c);

    long long interval = lambda ? 35 : 30, timeout = lambda ? 30 : 5, healthy = 5,
              unhealthy = lambda ? 5 : 2;
    if ((rc = get_int(c, obj, "HealthCheckIntervalSeconds", false, 5, 300, &interval, NULL)) !=
            DD_OK ||
        (rc = get_int(c, obj, "HealthCheckTimeoutSeconds", false, 2, 120, &timeout, NULL)) !=
            DD_OK ||
        (rc = get_int(c, obj, "HealthyThresholdCount", false, 2, 10, &healthy, NULL)) != DD_OK ||
        (rc = get_int(c, obj, "UnhealthyThresholdCount", false, 2, 10, &unhealthy, NULL)) != DD_OK)
        return rc;
    if (timeout >= interval) {
        size_t old = path_key(c, "HealthCheckTimeoutSeconds");
        rc = fail(c, "ValidationError",
                  "Health check timeout '%lld' must be smaller than the interval '%lld' "
                  "(HealthCheckTimeoutSeconds < HealthCheckIntervalSeconds)",
                  timeout, interval);
        path_pop(c, old);
        return rc;
    }
    tg->health_check_interval_seconds = (int)interval;
    tg->health_check_timeout_seconds = (int)timeout;
    tg->healthy_threshold_count = (int)healthy;
    tg->unhealthy_threshold_count = (int)unhealthy;
    if ((rc = parse_matcher(c, obj, grpc, &tg->matcher)) != DD_OK)
        return rc;

    long long control_port = 0;
    if ((rc = get_int(c, obj, "TargetControlPort", false, 1, 65535, &control_port, NULL)) != DD_OK)
        return rc;
    tg->target_control_port = (int)control_port;
    const json_t *ignored;
    if ((rc = keep_json(c, obj, "Tags", JSON_ARRAY, &tg->tags)) != DD_OK ||
        (rc = get_typed(c, obj, "LoadBalancerArns", JSON_ARRAY, false, &ignored)) != DD_OK)
        return rc;

    if (arn) {
        if ((rc = check_arn(c, "TargetGroupArn", arn, ":targetgroup/", "target group", tg->id)) !=
            DD_OK)
            return rc;
        tg->target_group_arn = strdup(arn);
    } else {
        const char *parts[] = { "targetgroup", name };
        make_id(tg->id, parts, 2);
        tg->target_group_arn = arn_printf(c, "targetgroup/%s/%s", name, tg->id);
    }
    if (!tg->target_group_arn)
        return fail_nomem(c);

    int applies = lambda ? FOR_LAMBDA : FOR_IP;
    if ((rc = parse_attributes(c, obj, k_tg_attrs, DD_ARRAY_LEN(k_tg_attrs), applies,
                               "an Application Load Balancer target group", &tg->attributes)) !=
        DD_OK)
        return rc;
    decode_tg_attributes(&tg->attributes, &tg->attr);
    if (tg->attr.algorithm == ALB_ALGORITHM_LEAST_OUTSTANDING_REQUESTS &&
        tg->attr.slow_start_duration_seconds > 0) {
        size_t old = path_key(c, "Attributes");
        rc = fail(c, "InvalidConfigurationRequest",
                  "You cannot enable both least outstanding requests (load_balancing.algorithm."
                  "type) and slow start mode (slow_start.duration_seconds)");
        path_pop(c, old);
        return rc;
    }
    if (tg->attr.anomaly_mitigation && tg->attr.algorithm != ALB_ALGORITHM_WEIGHTED_RANDOM) {
        size_t old = path_key(c, "Attributes");
        rc = fail(c, "InvalidConfigurationRequest",
                  "load_balancing.algorithm.anomaly_mitigation is available only when "
                  "load_balancing.algorithm.type is weighted_random");
        path_pop(c, old);
        return rc;
    }
    if (tg->attr.stickiness_enabled && tg->attr.stickiness_type == ALB_STICKINESS_APP_COOKIE) {
        const char *cn = tg->attr.app_cookie_name;
        size_t old = path_key(c, "Attributes");
        if (!*cn)
            rc = fail(c, "ValidationError",
                      "stickiness.app_cookie.cookie_name is required when stickiness.type is "
                      "app_cookie");
        else if (strncmp(cn, "AWSALB", 6) == 0)
            rc = fail(c, "ValidationError",
                      "stickiness.app_cookie.cookie_name '%s' is reserved: names starting with "
                      "AWSALB, AWSALBAPP or AWSALBTG are used by the load balancer",
                      cn);
        path_pop(c, old);
        if (rc != DD_OK)
            return rc;
    }
    return parse_targets(c, obj, tg, strcmp(target_type, "ip") == 0);
}

static void target_group_free(struct alb_target_group *tg)
{
    free(tg->target_group_arn);
    free(tg->target_group_name);
    free(tg->protocol_version);
    free(tg->target_type);
    free(tg->ip_address_type);
    free(tg->vpc_id);
    free(tg->health_check_port);
    free(tg->health_check_path);
    free(tg->matcher.http_code);
    free(tg->matcher.grpc_code);
    free(tg->matcher.ranges);
    json_decref(tg->tags);
    for (size_t i = 0; i < tg->n_targets; i++) {
        free(tg->targets[i].id);
        free(tg->targets[i].availability_zone);
    }
    free(tg->targets);
    attributes_free(&tg->attributes);
}

struct alb_target_group *alb_config_find_target_group(const struct alb_config *cfg, const char *key)
{
    if (!cfg || !key)
        return NULL;
    for (size_t i = 0; i < cfg->n_target_groups; i++) {
        struct alb_target_group *tg = &cfg->target_groups[i];
        if ((tg->target_group_name && strcmp(tg->target_group_name, key) == 0) ||
            (tg->target_group_arn && strcmp(tg->target_group_arn, key) == 0))
            return tg;
    }
    return NULL;
}

struct alb_load_balancer *alb_config_find_load_balancer(const struct alb_config *cfg,
                                                        const char *key)
{
    if (!cfg || !key)
        return NULL;
    for (size_t i = 0; i < cfg->n_load_balancers; i++) {
        struct alb_load_balancer *lb = &cfg->load_balancers[i];
        if ((lb->load_balancer_name && strcmp(lb->load_balancer_name, key) == 0) ||
            (lb->load_balancer_arn && strcmp(lb->load_balancer_arn, key) == 0))
            return lb;
    }
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Conditions                                                                 */

static const char *const k_condition_members[] = { "Field",
                                                   "Values",
                                                   "HostHeaderConfig",
                                                   "PathPatternConfig",
                                                   "HttpHeaderConfig",
                                                   "QueryStringConfig",
                                                   "HttpRequestMethodConfig",
                                                   "SourceIpConfig",
                                                   "RegexValues",
                                                   NULL };
/* The *Config member that belongs to each field, in enum order. */
static const char *const k_condition_configs[] = { "HostHeaderConfig",  "PathPatternConfig",
                                                   "HttpHeaderConfig",  "HttpRequestMethodConfig",
                                                   "QueryStringConfig", "SourceIpConfig" };
static const char *const k_values_regex_members[] = { "Values", "RegexValues", NULL };
static const char *const k_header_config_members[] = { "HttpHeaderName", "Values", "RegexValues",
                                                       NULL };
static const char *const k_values_members[] = { "Values", NULL };
static const char *const k_query_pair_members[] = { "Key", "Value", NULL };

/* Per-rule totals the quotas are checked against. */
struct rule_counts {
    int values;    /* condition values and regex values */
    int wildcards; /* '*' and '?' in match evaluations */
};

/* Counts '*' and '?' in s; with escapes, a backslash makes the next one literal. */
static int count_wildcards(const char *s, bool escapes)
{
    int n = 0;
    for (const char *p = s; *p; p++) {
        if (escapes && *p == '\\' && (p[1] == '*' || p[1] == '?')) {
            p++;
            continue;
        }
        if (*p == '*' || *p == '?')
            n++;
    }
    return n;
}

/* "Rules are applied only to visible ASCII characters; control characters
 * (0x00 to 0x1f and 0x7f) are excluded." */
static bool visible_ascii(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p >= 0x7f)
            return false;
    return true;
}

static bool host_value_ok(const char *v, const char **why)
{
    const char *last_dot = strrchr(v, '.');
    for (const char *p = v; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != '*' && *p != '?') {
            *why = "can contain only A-Z, a-z, 0-9, '-', '.', '*' and '?'";
            return false;
        }
    }
    if (!last_dot) {
        *why = "must include at least one '.' character";
        return false;
    }
    /* "You can include only alphabetical characters after the final '.'";
     * wildcards there are taken as standing for letters. */
    for (const char *p = last_dot + 1; *p; p++) {
        if (!isalpha((unsigned char)*p) && *p != '*' && *p != '?') {
            *why = "can include only alphabetical characters after the final '.'";
            return false;
        }
    }
    return true;
}

static bool path_value_ok(const char *v)
{
    static const char extra[] = "_-.$/~\"'@:+&*?";
    for (const char *p = v; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr(extra, *p))
            return false;
    return true;
}

static bool method_value_ok(const char *v)
{
    if (strlen(v) > 40)
        return false;
    for (const char *p = v; *p; p++)
        if (!(*p >= 'A' && *p <= 'Z') && *p != '-' && *p != '_')
            return false;
    return true;
}

/* RFC 7230 token characters. */
static bool header_name_ok(const char *v)
{
    static const char extra[] = "!#$%&'*+-.^_`|~";
    if (!*v || strlen(v) > 40)
        return false;
    for (const char *p = v; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr(extra, *p))
            return false;
    return true;
}

/* Reads an array of strings into *out (owned); empty arrays are refused. */
static int read_string_list(struct pctx *c, const json_t *obj, const char *key, char ***out,
                            size_t *n, bool *present)
{
    const json_t *arr;
    *present = false;
    int rc = get_typed(c, obj, key, JSON_ARRAY, false, &arr);
    if (rc != DD_OK || !arr)
        return rc;
    *present = true;
    size_t old = path_key(c, key);
    if (json_array_size(arr) == 0) {
        rc = fail(c, "ValidationError", "%s cannot be empty: a condition needs a value", key);
        goto out;
    }
    *out = calloc(json_array_size(arr), sizeof(char *));
    if (!*out) {
        rc = fail_nomem(c);
        goto out;
    }
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        size_t o2 = path_idx(c, i);
        if (!json_is_string(v)) {
            rc = fail(c, "ValidationError", "a condition value must be a string, not %s",
                      json_type_name(v));
        } else if (json_string_length(v) == 0) {
            rc = fail(c, "ValidationError", "a condition value cannot be empty");
        } else if (json_string_length(v) > ALB_CONDITION_VALUE_MAX_LEN) {
            rc = fail(c, "ValidationError",
                      "'%s' is longer than the %d characters a condition "
                      "value can have",
                      json_string_value(v), ALB_CONDITION_VALUE_MAX_LEN);
        } else if (!visible_ascii(json_string_value(v))) {
            rc = fail(c, "ValidationError",
                      "a condition value can contain only visible ASCII characters");
        } else {
            (*out)[i] = strdup(json_string_value(v));
            (*n)++;
            if (!(*out)[i])
                rc = fail_nomem(c);
        }
        path_pop(c, o2);
        if (rc != DD_OK)
            break;
    }
out:
    path_pop(c, old);
    return rc;
}

static int compile_regexes(struct pctx *c, struct alb_condition *cond, const char *key)
{
    if (cond->n_regex_values == 0)
        return DD_OK;
    regex_t *re = calloc(cond->n_regex_values, sizeof(regex_t));
    if (!re)
        return fail_nomem(c);
    cond->regex = re;
    int flags = REG_EXTENDED | REG_NOSUB;
    /* Host names and header values compare case-insensitively in ALB; their
     * regexes do too. Paths are case-sensitive. */
    if (cond->field != ALB_CONDITION_PATH_PATTERN)
        flags |= REG_ICASE;
    for (size_t i = 0; i < cond->n_regex_values; i++) {
        if (regcomp(&re[i], cond->regex_values[i], flags) != 0) {
            /* Mark the rest uncompiled so free() skips them. */
            for (size_t k = i; k < cond->n_regex_values; k++)
                free(cond->regex_values[k]);
            size_t bad = i;
            cond->n_regex_values = i;
            size_t o1 = path_key(c, key), o2 = path_idx(c, bad);
            int rc = fail(c, "ValidationError", "the regular expression is not valid");
            path_pop(c, o2);
            path_pop(c, o1);
            return rc;
        }
    }
    return DD_OK;
}

/* Reads Values/RegexValues from cfg (the *Config object, or the condition
 * itself for the legacy form) with the field's rules. */
static int read_values(struct pctx *c, const json_t *src, struct alb_condition *cond,
                       bool allow_regex, struct rule_counts *counts)
{
    bool has_values = false, has_regex = false;
    int rc = read_string_list(c, src, "Values", &cond->values, &cond->n_values, &has_values);
    if (rc != DD_OK)
        return rc;
    if (allow_regex) {
        rc = read_string_list(c, src, "RegexValues", &cond->regex_values, &cond->n_regex_values,
                              &has_regex);
        if (rc != DD_OK)
            return rc;
    }
    if (has_values && has_regex)
        return fail(c, "ValidationError",
                    "a condition uses either Values or RegexValues, not both");
    if (!has_values && !has_regex)
        return fail(c, "ValidationError",
                    "the condition has no Values: a condition value can't "
                    "be empty");
    counts->values += (int)(cond->n_values + cond->n_regex_values);
    for (size_t i = 0; i < cond->n_values; i++) {
        const char *v = cond->values[i], *why = NULL;
        size_t o1 = path_key(c, "Values"), o2 = path_idx(c, i);
        switch (cond->field) {
        case ALB_CONDITION_HOST_HEADER:
            if (!host_value_ok(v, &why))
                rc = fail(c, "ValidationError", "Host name '%s' %s", v, why);
            counts->wildcards += count_wildcards(v, false);
            break;
        case ALB_CONDITION_PATH_PATTERN:
            if (!path_value_ok(v))
                rc = fail(c, "ValidationError",
                          "Path pattern '%s' can contain only A-Z, a-z, 0-9, _ - . $ / ~ \" ' @ "
                          ": + &, '*' and '?'",
                          v);
            counts->wildcards += count_wildcards(v, false);
            break;
        case ALB_CONDITION_HTTP_HEADER:
            counts->wildcards += count_wildcards(v, false);
            break;
        case ALB_CONDITION_HTTP_REQUEST_METHOD:
            if (!method_value_ok(v))
                rc = fail(c, "ValidationError",
                          "HTTP method '%s' can contain only A-Z, '-' and '_' (up to 40 "
                          "characters); wildcards are not supported",
                          v);
            break;
        case ALB_CONDITION_SOURCE_IP:
            if (alb_cidr_parse(v, strlen(v), &cond->source_ips[i]) != DD_OK)
                rc = fail(c, "ValidationError",
                          "'%s' is not a valid IPv4 or IPv6 CIDR block; wildcards are not "
                          "supported",
                          v);
            break;
        case ALB_CONDITION_QUERY_STRING:
            break;
        }
        path_pop(c, o2);
        path_pop(c, o1);
        if (rc != DD_OK)
            return rc;
    }
    return compile_regexes(c, cond, "RegexValues");
}

static int read_query_pairs(struct pctx *c, const json_t *cfgobj, struct alb_condition *cond,
                            struct rule_counts *counts)
{
    const json_t *arr;
    int rc = get_typed(c, cfgobj, "Values", JSON_ARRAY, true, &arr);
    if (rc != DD_OK)
        return rc;
    size_t old = path_key(c, "Values");
    if (json_array_size(arr) == 0) {
        rc = fail(c, "ValidationError", "Values cannot be empty: a condition needs a value");
        goto out;
    }
    cond->query_pairs = calloc(json_array_size(arr), sizeof(*cond->query_pairs));
    if (!cond->query_pairs) {
        rc = fail_nomem(c);
        goto out;
    }
    size_t i;
    json_t *p;
    json_array_foreach(arr, i, p)
    {
        size_t o2 = path_idx(c, i);
        const char *key = NULL, *value = NULL;
        if (!json_is_object(p))
            rc = fail(c, "ValidationError",
                      "a query-string value must be an object with Key "
                      "and Value");
        if (rc == DD_OK)
            rc = check_members(c, p, "QueryStringKeyValuePair", k_query_pair_members);
        if (rc == DD_OK)
            rc = get_str(c, p, "Key", false, &key);
        /* The API documents only the key as optional ("You can omit the key"). */
        if (rc == DD_OK)
            rc = get_str(c, p, "Value", true, &value);
        const char *parts[2] = { key, value };
        for (int k = 0; rc == DD_OK && k < 2; k++) {
            if (!parts[k])
                continue;
            size_t o3 = path_key(c, k == 0 ? "Key" : "Value");
            if (!*parts[k])
                rc = fail(c, "ValidationError", "%s cannot be empty", k == 0 ? "Key" : "Value");
            else if (strlen(parts[k]) > ALB_CONDITION_VALUE_MAX_LEN)
                rc = fail(c, "ValidationError", "'%s' is longer than %d characters", parts[k],
                          ALB_CONDITION_VALUE_MAX_LEN);
            else if (!visible_ascii(parts[k]))
                rc = fail(c, "ValidationError", "'%s' can contain only visible ASCII characters",
                          parts[k]);
            path_pop(c, o3);
            counts->wildcards += count_wildcards(parts[k], true);
        }
        if (rc == DD_OK) {
            struct alb_query_pair *qp = &cond->query_pairs[cond->n_query_pairs++];
            qp->key = dupstr(key);
            qp->value = dupstr(value);
            if ((key && !qp->key) || (value && !qp->value))
                rc = fail_nomem(c);
        }
        path_pop(c, o2);
        if (rc != DD_OK)
            goto out;
    }
    counts->values += (int)cond->n_query_pairs;
out:
    path_pop(c, old);
    return rc;
}

static int parse_condition(struct pctx *c, const json_t *obj, struct alb_condition *cond,
                           struct rule_counts *counts, int *seen)
{
    int rc;
    if (!json_is_object(obj))
        return fail(c, "ValidationError", "a condition must be an object");
    if ((rc = check_members(c, obj, "RuleCondition", k_condition_members)) != DD_OK)
        return rc;
    const char *field;
    if ((rc = get_enum(c, obj, "Field", true, k_condition_fields, NULL, &field)) != DD_OK)
        return rc;
    cond->field = (enum alb_condition_field)enum_index(k_condition_fields, field);

    /* "Each rule can optionally include up to one of each of the following
     * conditions: host-header, http-request-method, path-pattern, and source-ip." */
    if (cond->field != ALB_CONDITION_HTTP_HEADER && cond->field != ALB_CONDITION_QUERY_STRING) {
        if (seen[cond->field]++)
            return fail(c, "ValidationError",
                        "A rule can include only one '%s' condition; put several values in one "
                        "condition instead",
                        field);
    }
    /* A *Config of another field is a mistake worth naming. */
    for (size_t i = 0; i < DD_ARRAY_LEN(k_condition_configs); i++) {
        if (i != (size_t)cond->field && json_object_get(obj, k_condition_configs[i])) {
            size_t old = path_key(c, k_condition_configs[i]);
            rc = fail(c, "ValidationError", "%s can be specified only when Field is %s",
                      k_condition_configs[i], k_condition_fields[i]);
            path_pop(c, old);
            return rc;
        }
    }
    const json_t *cfgobj;
    const char *cfgname = k_condition_configs[cond->field];
    if ((rc = get_typed(c, obj, cfgname, JSON_OBJECT, false, &cfgobj)) != DD_OK)
        return rc;
    bool legacy = json_object_get(obj, "Values") || json_object_get(obj, "RegexValues");
    if (legacy && cfgobj)
        return fail(c, "ValidationError", "Values/RegexValues and %s cannot both be specified",
                    cfgname);
    if (legacy && cond->field != ALB_CONDITION_HOST_HEADER &&
        cond->field != ALB_CONDITION_PATH_PATTERN)
        return fail(c, "ValidationError",
                    "Values and RegexValues can be specified directly only when Field is "
                    "host-header or path-pattern; use %s",
                    cfgname);
    if (!legacy && !cfgobj) {
        size_t old = path_key(c, cfgname);
        rc = fail(c, "ValidationError", "%s is required when Field is %s", cfgname, field);
        path_pop(c, old);
        return rc;
    }
    if (legacy) {
        /* The legacy form: a single host name or path pattern in Values. */
        const json_t *vals = json_object_get(obj, "Values");
        if (vals && json_is_array(vals) && json_array_size(vals) > 1) {
            size_t old = path_key(c, "Values");
            rc = fail(
                c, "ValidationError", "Values can hold a single %s; use %s to specify several",
                cond->field == ALB_CONDITION_HOST_HEADER ? "host name" : "path pattern", cfgname);
            path_pop(c, old);
            return rc;
        }
        return read_values(c, obj, cond, true, counts);
    }

    size_t old = path_key(c, cfgname);
    switch (cond->field) {
    case ALB_CONDITION_HOST_HEADER:
    case ALB_CONDITION_PATH_PATTERN:
        rc = check_members(c, cfgobj, cfgname, k_values_regex_members);
        if (rc == DD_OK)
            rc = read_values(c, cfgobj, cond, true, counts);
        break;
    case ALB_CONDITION_HTTP_HEADER: {
        const char *name = NULL;
        rc = check_members(c, cfgobj, cfgname, k_header_config_members);
        if (rc == DD_OK)
            rc = get_str(c, cfgobj, "HttpHeaderName", true, &name);
        if (rc == DD_OK) {
            size_t o2 = path_key(c, "HttpHeaderName");
            if (!header_name_ok(name))
                rc = fail(c, "ValidationError",
                          "HttpHeaderName '%s' must be 1 to 40 RFC 7230 token characters; "
                          "wildcards are not supported",
                          name);
            else if (strcasecmp(name, "host") == 0)
                rc = fail(c, "ValidationError",
                          "You can't use an HTTP header condition to specify the host header; "
                          "use a host-header condition");
            path_pop(c, o2);
        }
        if (rc == DD_OK) {
            cond->http_header_name = strdup(name);
            if (!cond->http_header_name)
                rc = fail_nomem(c);
        }
        if (rc == DD_OK)
            rc = read_values(c, cfgobj, cond, true, counts);
        break;
    }
    case ALB_CONDITION_HTTP_REQUEST_METHOD:
        rc = check_members(c, cfgobj, cfgname, k_values_members);
        if (rc == DD_OK)
            rc = read_values(c, cfgobj, cond, false, counts);
        break;
    case ALB_CONDITION_SOURCE_IP: {
        rc = check_members(c, cfgobj, cfgname, k_values_members);
        const json_t *vals = json_object_get(cfgobj, "Values");
        size_t nv = vals && json_is_array(vals) ? json_array_size(vals) : 0;
        if (rc == DD_OK && nv > 5) {
            size_t o2 = path_key(c, "Values");
            rc = fail(c, "ValidationError",
                      "The total number of source-ip values must be less than, or equal to five");
            path_pop(c, o2);
        }
        if (rc == DD_OK) {
            cond->source_ips = calloc(nv ? nv : 1, sizeof(*cond->source_ips));
            if (!cond->source_ips)
                rc = fail_nomem(c);
        }
        if (rc == DD_OK)
            rc = read_values(c, cfgobj, cond, false, counts);
        break;
    }
    case ALB_CONDITION_QUERY_STRING:
        rc = check_members(c, cfgobj, cfgname, k_values_members);
        if (rc == DD_OK)
            rc = read_query_pairs(c, cfgobj, cond, counts);
        break;
    }
    path_pop(c, old);
    return rc;
}

static void condition_free(struct alb_condition *cond)
{
    free(cond->http_header_name);
    for (size_t i = 0; i < cond->n_values; i++)
        free(cond->values[i]);
    free(cond->values);
    regex_t *re = cond->regex;
    for (size_t i = 0; i < cond->n_regex_values; i++) {
        if (re)
            regfree(&re[i]);
        free(cond->regex_values[i]);
    }
    free(cond->regex_values);
    free(cond->regex);
    for (size_t i = 0; i < cond->n_query_pairs; i++) {
        free(cond->query_pairs[i].key);
        free(cond->query_pairs[i].value);
    }
    free(cond->query_pairs);
    free(cond->source_ips);
}

/* ------------------------------------------------------------------------ */
/* Actions                                                                    */

static const char *const k_action_members[] = { "Type",
                                                "TargetGroupArn",
                                                "TargetGroupName",
                                                "AuthenticateOidcConfig",
                                                "AuthenticateCognitoConfig",
                                                "Order",
                                                "RedirectConfig",
                                                "FixedResponseConfig",
                                                "ForwardConfig",
                                                "JwtValidationConfig",
                                                NULL };
static const char *const k_forward_members[] = { "TargetGroups", "TargetGroupStickinessConfig",
                                                 NULL };
static const char *const k_tuple_members[] = { "TargetGroupArn", "TargetGroupName", "Weight",
                                               NULL };
static const char *const k_stickiness_members[] = { "Enabled", "DurationSeconds", NULL };
static const char *const k_redirect_members[] = { "Protocol", "Port",       "Host", "Path",
                                                  "Query",    "StatusCode", NULL };
static const char *const k_fixed_members[] = { "MessageBody", "StatusCode", "ContentType", NULL };
static const char *const k_redirect_codes[] = { "HTTP_301", "HTTP_302", NULL };
static const char *const k_content_types[] = { "text/plain",       "text/css",
                                               "text/html",        "application/javascript",
                                               "application/json", NULL };
/* The per-type config member, indexed by enum alb_action_type (NULL: none). */
static const char *const k_action_configs[] = { "ForwardConfig",
                                                "RedirectConfig",
                                                "FixedResponseConfig",
                                                "AuthenticateOidcConfig",
                                                "AuthenticateCognitoConfig",
                                                "JwtValidationConfig" };
static const char *const k_oidc_required[] = { "Issuer",        "AuthorizationEndpoint",
                                               "TokenEndpoint", "UserInfoEndpoint",
                                               "ClientId",      NULL };
static const char *const k_cognito_required[] = { "UserPoolArn", "UserPoolClientId",
                                                  "UserPoolDomain", NULL };
static const char *const k_jwt_required[] = { "JwksEndpoint", "Issuer", NULL };

/* Resolves a target group by TargetGroupArn or TargetGroupName in obj. */
static int resolve_target_group(struct pctx *c, const json_t *obj, bool required,
                                struct alb_target_group **out)
{
    const char *arn = NULL, *name = NULL;
    int rc;
    *out = NULL;
    if ((rc = get_str(c, obj, "TargetGroupArn", false, &arn)) != DD_OK ||
        (rc = get_str(c, obj, "TargetGroupName", false, &name)) != DD_OK)
        return rc;
    if (arn && name) {
        size_t old = path_key(c, "TargetGroupName");
        rc = fail(c, "ValidationError", "Specify TargetGroupArn or TargetGroupName, not both");
        path_pop(c, old);
        return rc;
    }
    if (!arn && !name) {
        if (required) {
            size_t old = path_key(c, "TargetGroupArn");
            rc = fail(c, "ValidationError", "TargetGroupArn (or TargetGroupName) is required");
            path_pop(c, old);
        }
        return rc;
    }
    const char *key = arn ? arn : name;
    struct alb_target_group *tg = NULL;
    for (size_t i = 0; i < c->cfg->n_target_groups; i++) {
        struct alb_target_group *t = &c->cfg->target_groups[i];
        if (strcmp(arn ? t->target_group_arn : t->target_group_name, key) == 0)
            tg = t;
    }
    if (!tg) {
        size_t old = path_key(c, arn ? "TargetGroupArn" : "TargetGroupName");
        rc = fail(c, "TargetGroupNotFound", "Target group '%s' not found", key);
        path_pop(c, old);
        return rc;
    }
    *out = tg;
    return DD_OK;
}

static int parse_forward(struct pctx *c, const json_t *obj, struct alb_forward_config *fw)
{
    struct alb_target_group *single;
    int rc = resolve_target_group(c, obj, false, &single);
    if (rc != DD_OK)
        return rc;
    const json_t *fc;
    if ((rc = get_typed(c, obj, "ForwardConfig", JSON_OBJECT, false, &fc)) != DD_OK)
        return rc;
    if (!fc) {
        if (!single) {
            size_t old = path_key(c, "TargetGroupArn");
            rc = fail(c, "ValidationError",
                      "A forward action needs TargetGroupArn, TargetGroupName or ForwardConfig");
            path_pop(c, old);
            return rc;
        }
        fw->target_groups[0].target_group = single;
        fw->target_groups[0].weight = 1;
        fw->n_target_groups = 1;
        return DD_OK;
    }
    size_t old = path_key(c, "ForwardConfig");
    const json_t *tgs, *st;
    if ((rc = check_members(c, fc, "ForwardActionConfig", k_forward_members)) != DD_OK ||
        (rc = get_typed(c, fc, "TargetGroups", JSON_ARRAY, true, &tgs)) != DD_OK ||
        (rc = get_typed(c, fc, "TargetGroupStickinessConfig", JSON_OBJECT, false, &st)) != DD_OK)
        goto out;
    size_t n = json_array_size(tgs);
    {
        size_t o2 = path_key(c, "TargetGroups");
        if (n == 0)
            rc = fail(c, "ValidationError", "TargetGroups must list at least one target group");
        else if (n > ALB_MAX_FORWARD_TARGET_GROUPS)
            rc = fail(c, "ValidationError",
                      "A forward action can have at most %d target groups, not %zu",
                      ALB_MAX_FORWARD_TARGET_GROUPS, n);
        else if (single && n != 1)
            rc = fail(c, "ValidationError",
                      "With TargetGroupArn and ForwardConfig both given, ForwardConfig can hold "
                      "only that one target group");
        path_pop(c, o2);
        if (rc != DD_OK)
            goto out;
    }
    size_t i;
    json_t *t;
    size_t o2 = path_key(c, "TargetGroups");
    json_array_foreach(tgs, i, t)
    {
        size_t o3 = path_idx(c, i);
        struct alb_target_group *tg = NULL;
        long long weight = 1;
        bool has_weight = false;
        if (!json_is_object(t))
            rc = fail(c, "ValidationError", "a target group tuple must be an object");
        if (rc == DD_OK)
            rc = check_members(c, t, "TargetGroupTuple", k_tuple_members);
        if (rc == DD_OK)
            rc = resolve_target_group(c, t, true, &tg);
        if (rc == DD_OK)
            rc = get_int(c, t, "Weight", false, 0, ALB_FORWARD_WEIGHT_MAX, &weight, &has_weight);
        if (rc == DD_OK && n > 1 && !has_weight) {
            size_t o4 = path_key(c, "Weight");
            rc = fail(c, "ValidationError",
                      "You must specify a weight for each target group when a forward action "
                      "has several");
            path_pop(c, o4);
        }
        if (rc == DD_OK && single && tg != single)
            rc = fail(c, "ValidationError",
                      "ForwardConfig must name the same target group as TargetGroupArn");
        for (size_t k = 0; rc == DD_OK && k < fw->n_target_groups; k++)
            if (fw->target_groups[k].target_group == tg)
                rc = fail(c, "ValidationError",
                          "Target group '%s' is listed more than once in the forward action",
                          tg->target_group_name);
        if (rc == DD_OK) {
            fw->target_groups[fw->n_target_groups].target_group = tg;
            fw->target_groups[fw->n_target_groups].weight = (unsigned)weight;
            fw->n_target_groups++;
        }
        path_pop(c, o3);
        if (rc != DD_OK)
            break;
    }
    path_pop(c, o2);
    if (rc != DD_OK || !st)
        goto out;
    o2 = path_key(c, "TargetGroupStickinessConfig");
    long long dur = 0;
    bool has_dur = false, enabled = false;
    if ((rc = check_members(c, st, "TargetGroupStickinessConfig", k_stickiness_members)) == DD_OK &&
        (rc = get_bool(c, st, "Enabled", &enabled, NULL)) == DD_OK &&
        (rc = get_int(c, st, "DurationSeconds", false, 1, ALB_STICKINESS_DURATION_MAX, &dur,
                      &has_dur)) == DD_OK) {
        if (enabled && !has_dur) {
            size_t o3 = path_key(c, "DurationSeconds");
            rc = fail(c, "ValidationError",
                      "You must specify DurationSeconds when enabling target group stickiness");
            path_pop(c, o3);
        }
        fw->stickiness_enabled = enabled;
        fw->stickiness_duration_seconds = dur;
    }
    path_pop(c, o2);
out:
    /* "If you have a forward action with multiple target groups and one or
     * more of the target groups has sticky sessions enabled, you must enable
     * target group stickiness." */
    for (size_t k = 0; rc == DD_OK && fw->n_target_groups > 1 && k < fw->n_target_groups; k++) {
        const struct alb_target_group *tg = fw->target_groups[k].target_group;
        if (tg->attr.stickiness_enabled && !fw->stickiness_enabled)
            rc = fail(c, "InvalidConfigurationRequest",
                      "Target group '%s' has sticky sessions enabled: a forward action with "
                      "several target groups must enable TargetGroupStickinessConfig",
                      tg->target_group_name);
    }
    path_pop(c, old);
    return rc;
}

/* The reserved keywords a redirect component may use; anything else written
 * as #{...} is refused. */
static int check_placeholders(struct pctx *c, const char *key, const char *v,
                              const char *const *allowed)
{
    for (const char *p = strstr(v, "#{"); p; p = strstr(p + 2, "#{")) {
        const char *end = strchr(p, '}');
        bool ok = false;
        for (const char *const *a = allowed; end && *a; a++)
            if ((size_t)(end - p + 1) == strlen(*a) && strncmp(p, *a, strlen(*a)) == 0)
                ok = true;
        if (!ok) {
            size_t old = path_key(c, key);
            int rc = fail(c, "InvalidLoadBalancerAction",
                          "%s '%s' uses a reserved keyword that %s cannot contain", key, v, key);
            path_pop(c, old);
            return rc;
        }
    }
    return DD_OK;
}

static int parse_redirect(struct pctx *c, const json_t *obj, struct alb_redirect_config *r,
                          enum alb_protocol listener_protocol)
{
    const json_t *rc_obj;
    int rc = get_typed(c, obj, "RedirectConfig", JSON_OBJECT, true, &rc_obj);
    if (rc != DD_OK)
        return rc;
    size_t old = path_key(c, "RedirectConfig");
    const char *status, *protocol = NULL, *port = NULL, *host = NULL, *path = NULL, *query = NULL;
    static const char *const kw_protocol[] = { "#{protocol}", NULL };
    static const char *const kw_port[] = { "#{port}", NULL };
    static const char *const kw_host[] = { "#{host}", NULL };
    static const char *const kw_path[] = { "#{host}", "#{path}", "#{port}", NULL };
    static const char *const kw_query[] = { "#{protocol}", "#{host}",  "#{port}",
                                            "#{path}",     "#{query}", NULL };
    if ((rc = check_members(c, rc_obj, "RedirectActionConfig", k_redirect_members)) != DD_OK ||
        (rc = get_enum(c, rc_obj, "StatusCode", true, k_redirect_codes, NULL, &status)) != DD_OK ||
        (rc = get_str(c, rc_obj, "Protocol", false, &protocol)) != DD_OK ||
        (rc = get_str(c, rc_obj, "Host", false, &host)) != DD_OK ||
        (rc = get_str(c, rc_obj, "Path", false, &path)) != DD_OK ||
        (rc = get_str(c, rc_obj, "Query", false, &query)) != DD_OK)
        goto out;
    /* Port is a string in the API; an integer is taken as the same port. */
    char portbuf[16];
    json_t *pv = json_object_get(rc_obj, "Port");
    if (pv && json_is_integer(pv)) {
        snprintf(portbuf, sizeof(portbuf), "%" JSON_INTEGER_FORMAT, json_integer_value(pv));
        port = portbuf;
    } else if ((rc = get_str(c, rc_obj, "Port", false, &port)) != DD_OK) {
        goto out;
    }
    r->status_code = strcmp(status, "HTTP_301") == 0 ? 301 : 302;
    if (protocol) {
        size_t o2 = path_key(c, "Protocol");
        if (strcmp(protocol, "HTTP") != 0 && strcmp(protocol, "HTTPS") != 0 &&
            strcmp(protocol, "#{protocol}") != 0)
            rc = fail(c, "ValidationError",
                      "Protocol '%s' is not valid: specify HTTP, HTTPS or #{protocol}", protocol);
        else if (strcmp(protocol, "HTTP") == 0 && listener_protocol == ALB_PROTOCOL_HTTPS)
            rc = fail(c, "InvalidLoadBalancerAction", "You can't redirect HTTPS to HTTP");
        path_pop(c, o2);
        if (rc == DD_OK)
            rc = check_placeholders(c, "Protocol", protocol, kw_protocol);
        if (rc != DD_OK)
            goto out;
    }
    if (port) {
        long long pn;
        size_t o2 = path_key(c, "Port");
        if (strcmp(port, "#{port}") != 0 && (!parse_ll(port, &pn) || pn < 1 || pn > 65535))
            rc = fail(c, "ValidationError",
                      "Port '%s' is not valid: specify a port from 1 to 65535 or #{port}", port);
        path_pop(c, o2);
        if (rc == DD_OK)
            rc = check_placeholders(c, "Port", port, kw_port);
        if (rc != DD_OK)
            goto out;
    }
    if (host) {
        size_t o2 = path_key(c, "Host");
        if (strlen(host) < 1 || strlen(host) > 128)
            rc = fail(c, "ValidationError", "Host must have 1 to 128 characters");
        path_pop(c, o2);
        if (rc == DD_OK)
            rc = check_placeholders(c, "Host", host, kw_host);
        if (rc != DD_OK)
            goto out;
    }
    if (path) {
        size_t o2 = path_key(c, "Path");
        if (strlen(path) < 1 || strlen(path) > 128 || path[0] != '/')
            rc = fail(c, "ValidationError",
                      "Path '%s' must be an absolute path, starting with the leading \"/\", of "
                      "up to 128 characters",
                      path);
        path_pop(c, o2);
        if (rc == DD_OK)
            rc = check_placeholders(c, "Path", path, kw_path);
        if (rc != DD_OK)
            goto out;
    }
    if (query) {
        size_t o2 = path_key(c, "Query");
        if (strlen(query) > 128)
            rc = fail(c, "ValidationError", "Query can have at most 128 characters");
        else if (query[0] == '?')
            rc = fail(c, "ValidationError",
                      "Query must not include the leading \"?\": it is added automatically");
        path_pop(c, o2);
        if (rc == DD_OK)
            rc = check_placeholders(c, "Query", query, kw_query);
        if (rc != DD_OK)
            goto out;
    }
    /* "You must modify at least one of the following components to avoid a
     * redirect loop: protocol, hostname, port, or path." */
    bool same_protocol = !protocol || strcmp(protocol, "#{protocol}") == 0;
    bool same_port = !port || strcmp(port, "#{port}") == 0;
    bool same_host = !host || strcmp(host, "#{host}") == 0;
    bool same_path = !path || strcmp(path, "/#{path}") == 0;
    if (same_protocol && same_port && same_host && same_path) {
        rc = fail(c, "InvalidLoadBalancerAction",
                  "The redirect must modify at least one of protocol, host, port or path, or it "
                  "would loop");
        goto out;
    }
    r->protocol = dupstr(protocol);
    r->port = dupstr(port);
    r->host = dupstr(host);
    r->path = dupstr(path);
    r->query = dupstr(query);
    if ((protocol && !r->protocol) || (port && !r->port) || (host && !r->host) ||
        (path && !r->path) || (query && !r->query))
        rc = fail_nomem(c);
out:
    path_pop(c, old);
    return rc;
}

static int parse_fixed_response(struct pctx *c, const json_t *obj,
                                struct alb_fixed_response_config *f)
{
    const json_t *fo;
    int rc = get_typed(c, obj, "FixedResponseConfig", JSON_OBJECT, true, &fo);
    if (rc != DD_OK)
        return rc;
    size_t old = path_key(c, "FixedResponseConfig");
    const char *status, *ctype = NULL, *body = NULL;
    char statusbuf[16];
    json_t *sv = json_object_get(fo, "StatusCode");
    if ((rc = check_members(c, fo, "FixedResponseActionConfig", k_fixed_members)) != DD_OK)
        goto out;
    if (sv && json_is_integer(sv)) {
        snprintf(statusbuf, sizeof(statusbuf), "%" JSON_INTEGER_FORMAT, json_integer_value(sv));
        status = statusbuf;
    } else if ((rc = get_str(c, fo, "StatusCode", true, &status)) != DD_OK) {
        goto out;
    }
    /* pattern ^(2|4|5)\d\d$ */
    if (strlen(status) != 3 || !strchr("245", status[0]) || !isdigit((unsigned char)status[1]) ||
        !isdigit((unsigned char)status[2])) {
        size_t o2 = path_key(c, "StatusCode");
        rc = fail(c, "ValidationError", "StatusCode '%s' must be a 2XX, 4XX or 5XX code", status);
        path_pop(c, o2);
        goto out;
    }
    f->status_code = atoi(status);
    if ((rc = get_enum(c, fo, "ContentType", false, k_content_types, NULL, &ctype)) != DD_OK ||
        (rc = get_str(c, fo, "MessageBody", false, &body)) != DD_OK)
        goto out;
    if (body && strlen(body) > 1024) {
        size_t o2 = path_key(c, "MessageBody");
        rc = fail(c, "ValidationError", "MessageBody can have at most 1024 characters");
        path_pop(c, o2);
        goto out;
    }
    f->content_type = dupstr(ctype);
    f->message_body = dupstr(body);
    if ((ctype && !f->content_type) || (body && !f->message_body))
        rc = fail_nomem(c);
out:
    path_pop(c, old);
    return rc;
}

static int parse_auth(struct pctx *c, const json_t *obj, struct alb_action *a,
                      enum alb_protocol listener_protocol)
{
    const char *name = k_action_configs[a->type];
    const char *const *required = a->type == ALB_ACTION_AUTHENTICATE_OIDC      ? k_oidc_required
                                  : a->type == ALB_ACTION_AUTHENTICATE_COGNITO ? k_cognito_required
                                                                               : k_jwt_required;
    if (listener_protocol != ALB_PROTOCOL_HTTPS)
        return fail(c, "InvalidLoadBalancerAction",
                    "%s actions are supported only on HTTPS listeners",
                    alb_action_type_name(a->type));
    const json_t *cfgobj;
    int rc = get_typed(c, obj, name, JSON_OBJECT, true, &cfgobj);
    if (rc != DD_OK)
        return rc;
    size_t old = path_key(c, name);
    for (const char *const *r = required; *r; r++) {
        if (!json_object_get(cfgobj, *r)) {
            size_t o2 = path_key(c, *r);
            rc = fail(c, "ValidationError", "%s is required", *r);
            path_pop(c, o2);
            break;
        }
    }
    path_pop(c, old);
    if (rc == DD_OK)
        a->auth_config = json_incref((json_t *)cfgobj);
    return rc;
}

static int parse_action(struct pctx *c, const json_t *obj, struct alb_action *a,
                        enum alb_protocol listener_protocol)
{
    int rc;
    if (!json_is_object(obj))
        return fail(c, "ValidationError", "an action must be an object");
    if ((rc = check_members(c, obj, "Action", k_action_members)) != DD_OK)
        return rc;
    const char *type;
    if ((rc = get_enum(c, obj, "Type", true, k_action_types, NULL, &type)) != DD_OK)
        return rc;
    a->type = (enum alb_action_type)enum_index(k_action_types, type);
    long long order = 0;
    if ((rc = get_int(c, obj, "Order", false, 1, 50000, &order, NULL)) != DD_OK)
        return rc;
    a->order = (int)order;
    /* A config member of another type is a mistake worth naming. */
    for (size_t i = 0; i < DD_ARRAY_LEN(k_action_configs); i++) {
        if (i != (size_t)a->type && json_object_get(obj, k_action_configs[i])) {
            size_t old = path_key(c, k_action_configs[i]);
            rc = fail(c, "ValidationError", "%s can be specified only when Type is %s",
                      k_action_configs[i], k_action_types[i]);
            path_pop(c, old);
            return rc;
        }
    }
    if (a->type != ALB_ACTION_FORWARD &&
        (json_object_get(obj, "TargetGroupArn") || json_object_get(obj, "TargetGroupName"))) {
        size_t old = path_key(c, json_object_get(obj, "TargetGroupArn") ? "TargetGroupArn"
                                                                        : "TargetGroupName");
        rc = fail(c, "ValidationError",
                  "A target group can be specified only when Type is "
                  "forward");
        path_pop(c, old);
        return rc;
    }
    switch (a->type) {
    case ALB_ACTION_FORWARD:
        return parse_forward(c, obj, &a->forward);
    case ALB_ACTION_REDIRECT:
        return parse_redirect(c, obj, &a->redirect, listener_protocol);
    case ALB_ACTION_FIXED_RESPONSE:
        return parse_fixed_response(c, obj, &a->fixed_response);
    default:
        return parse_auth(c, obj, a, listener_protocol);
    }
}

static void action_free(struct alb_action *a)
{
    free(a->redirect.protocol);
    free(a->redirect.port);
    free(a->redirect.host);
    free(a->redirect.path);
    free(a->redirect.query);
    free(a->fixed_response.content_type);
    free(a->fixed_response.message_body);
    json_decref(a->auth_config);
}

static bool is_routing_action(enum alb_action_type t)
{
    return t == ALB_ACTION_FORWARD || t == ALB_ACTION_REDIRECT || t == ALB_ACTION_FIXED_RESPONSE;
}

static int action_order_cmp(const void *pa, const void *pb)
{
    const struct alb_action *a = pa, *b = pb;
    return (a->order > b->order) - (a->order < b->order);
}

/* Parses an Actions / DefaultActions array into r->actions. */
static int parse_actions(struct pctx *c, const json_t *obj, const char *key, struct alb_rule *r,
                         enum alb_protocol listener_protocol)
{
    const json_t *arr;
    int rc = get_typed(c, obj, key, JSON_ARRAY, true, &arr);
    if (rc != DD_OK)
        return rc;
    size_t old = path_key(c, key);
    size_t n = json_array_size(arr);
    if (n == 0) {
        rc = fail(c, "ValidationError", "%s must contain at least one action", key);
        goto out;
    }
    r->actions = calloc(n, sizeof(*r->actions));
    if (!r->actions) {
        rc = fail_nomem(c);
        goto out;
    }
    size_t i, routing = 0;
    json_t *a;
    json_array_foreach(arr, i, a)
    {
        size_t o2 = path_idx(c, i);
        rc = parse_action(c, a, &r->actions[i], listener_protocol);
        r->n_actions = i + 1;
        if (rc == DD_OK && n > 1 && r->actions[i].order == 0)
            rc = fail(c, "ValidationError", "Order is required for rules with multiple actions");
        for (size_t k = 0; rc == DD_OK && k < i; k++)
            if (r->actions[k].order == r->actions[i].order)
                rc = fail(c, "ValidationError", "Order %d is used by more than one action",
                          r->actions[i].order);
        if (rc == DD_OK && is_routing_action(r->actions[i].type))
            routing++;
        path_pop(c, o2);
        if (rc != DD_OK)
            goto out;
    }
    qsort(r->actions, n, sizeof(*r->actions), action_order_cmp);
    /* "Each rule must include exactly one of the following actions: forward,
     * redirect, or fixed-response, and it must be the last action to be
     * performed." */
    if (routing != 1)
        rc = fail(c, "InvalidLoadBalancerAction",
                  "A rule must include exactly one forward, redirect or fixed-response action, "
                  "not %zu",
                  routing);
    else if (!is_routing_action(r->actions[n - 1].type))
        rc = fail(c, "InvalidLoadBalancerAction",
                  "The forward, redirect or fixed-response action must be the last action to be "
                  "performed");
    else if (n > 2)
        rc = fail(c, "TooManyActions",
                  "A rule can have one authentication action and one routing action, not %zu "
                  "actions",
                  n);
out:
    path_pop(c, old);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Rules, listeners, load balancers                                           */

static const char *const k_rule_members[] = { "RuleArn", "Priority",    "Conditions",
                                              "Actions", "IsDefault",   "Transforms",
                                              "Tags",    "ListenerArn", NULL };
static const char *const k_listener_members[] = { "ListenerArn",
                                                  "LoadBalancerArn",
                                                  "Port",
                                                  "Protocol",
                                                  "Certificates",
                                                  "SslPolicy",
                                                  "DefaultActions",
                                                  "AlpnPolicy",
                                                  "MutualAuthentication",
                                                  "Tags",
                                                  "Rules",
                                                  "Attributes",
                                                  NULL };
static const char *const k_lb_members[] = { "Name",
                                            "LoadBalancerName",
                                            "LoadBalancerArn",
                                            "DNSName",
                                            "CanonicalHostedZoneId",
                                            "CreatedTime",
                                            "Scheme",
                                            "VpcId",
                                            "State",
                                            "Type",
                                            "AvailabilityZones",
                                            "SecurityGroups",
                                            "IpAddressType",
                                            "CustomerOwnedIpv4Pool",
                                            "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic",
                                            "EnablePrefixForIpv6SourceNat",
                                            "IpamPools",
                                            "Subnets",
                                            "SubnetMappings",
                                            "Tags",
                                            "Listeners",
                                            "Attributes",
                                            NULL };
static const char *const k_lb_types[] = { "application", "network", "gateway", NULL };
static const char *const k_schemes[] = { "internet-facing", "internal", NULL };
static const char *const k_lb_ip_types[] = { "ipv4", "dualstack", "dualstack-without-public-ipv4",
                                             NULL };
static const char *const k_listener_protocols[] = { "HTTP",    "HTTPS",  "TCP",  "TLS",      "UDP",
                                                    "TCP_UDP", "GENEVE", "QUIC", "TCP_QUIC", NULL };

static void rule_free(struct alb_rule *r)
{
    free(r->rule_arn);
    for (size_t i = 0; i < r->n_conditions; i++)
        condition_free(&r->conditions[i]);
    free(r->conditions);
    for (size_t i = 0; i < r->n_actions; i++)
        action_free(&r->actions[i]);
    free(r->actions);
    json_decref(r->transforms);
    json_decref(r->tags);
}

static int parse_rule(struct pctx *c, const json_t *obj, struct alb_rule *r,
                      const struct alb_listener *l, const char *listener_id)
{
    int rc;
    if (!json_is_object(obj))
        return fail(c, "ValidationError", "a rule must be an object");
    if ((rc = check_members(c, obj, "Rule", k_rule_members)) != DD_OK)
        return rc;
    bool is_default = false;
    if ((rc = get_bool(c, obj, "IsDefault", &is_default, NULL)) != DD_OK)
        return rc;
    if (is_default) {
        size_t old = path_key(c, "IsDefault");
        rc = fail(c, "ValidationError",
                  "The default rule is the listener's DefaultActions; a rule in Rules cannot be "
                  "the default");
        path_pop(c, old);
        return rc;
    }
    long long prio;
    if ((rc = get_int(c, obj, "Priority", true, ALB_RULE_PRIORITY_MIN, ALB_RULE_PRIORITY_MAX, &prio,
                      NULL)) != DD_OK)
        return rc;
    r->priority = (int)prio;

    const json_t *conds;
    if ((rc = get_typed(c, obj, "Conditions", JSON_ARRAY, true, &conds)) != DD_OK)
        return rc;
    size_t old = path_key(c, "Conditions");
    size_t n = json_array_size(conds);
    if (n == 0) {
        rc = fail(c, "ValidationError", "A rule must have at least one condition");
        path_pop(c, old);
        return rc;
    }
    r->conditions = calloc(n, sizeof(*r->conditions));
    if (!r->conditions) {
        path_pop(c, old);
        return fail_nomem(c);
    }
    struct rule_counts counts = { 0, 0 };
    int seen[6] = { 0 };
    size_t i;
    json_t *cj;
    json_array_foreach(conds, i, cj)
    {
        size_t o2 = path_idx(c, i);
        rc = parse_condition(c, cj, &r->conditions[i], &counts, seen);
        r->n_conditions = i + 1;
        path_pop(c, o2);
        if (rc != DD_OK)
            break;
    }
    if (rc == DD_OK && counts.values > ALB_MAX_RULE_CONDITION_VALUES)
        rc = fail(c, "ValidationError",
                  "A rule can only have '%d' condition values and regex values, not %d",
                  ALB_MAX_RULE_CONDITION_VALUES, counts.values);
    if (rc == DD_OK && counts.wildcards > ALB_MAX_RULE_WILDCARDS)
        rc = fail(c, "ValidationError", "A rule can only have '%d' wildcards, not %d",
                  ALB_MAX_RULE_WILDCARDS, counts.wildcards);
    path_pop(c, old);
    if (rc != DD_OK)
        return rc;

    if ((rc = parse_actions(c, obj, "Actions", r, l->protocol)) != DD_OK)
        return rc;
    const json_t *tf;
    if ((rc = get_typed(c, obj, "Transforms", JSON_ARRAY, false, &tf)) != DD_OK)
        return rc;
    if (tf && json_array_size(tf) > 2) {
        size_t o2 = path_key(c, "Transforms");
        rc = fail(c, "ValidationError",
                  "A rule can have one host-header-rewrite and one url-rewrite transform");
        path_pop(c, o2);
        return rc;
    }
    r->transforms = tf ? json_incref((json_t *)tf) : NULL;
    if ((rc = keep_json(c, obj, "Tags", JSON_ARRAY, &r->tags)) != DD_OK)
        return rc;

    const char *arn = NULL;
    if ((rc = get_str(c, obj, "RuleArn", false, &arn)) != DD_OK)
        return rc;
    if (arn) {
        if ((rc = check_arn(c, "RuleArn", arn, ":listener-rule/", "rule", NULL)) != DD_OK)
            return rc;
        r->rule_arn = strdup(arn);
    } else {
        char prio_text[16], id[17];
        snprintf(prio_text, sizeof(prio_text), "%d", r->priority);
        const char *parts[] = { "listener-rule", l->listener_arn, prio_text };
        make_id(id, parts, 3);
        r->rule_arn =
            arn_printf(c, "listener-rule/app/%s/%s/%s/%s", l->load_balancer->load_balancer_name,
                       l->load_balancer->id, listener_id, id);
    }
    return r->rule_arn ? DD_OK : fail_nomem(c);
}

static int rule_priority_cmp(const void *pa, const void *pb)
{
    const struct alb_rule *a = pa, *b = pb;
    return (a->priority > b->priority) - (a->priority < b->priority);
}

static void listener_free(struct alb_listener *l)
{
    free(l->listener_arn);
    free(l->ssl_policy);
    free(l->alpn_policy);
    json_decref(l->certificates);
    json_decref(l->mutual_authentication);
    json_decref(l->tags);
    for (size_t i = 0; i < l->n_rules; i++)
        rule_free(&l->rules[i]);
    free(l->rules);
    rule_free(&l->default_rule);
    attributes_free(&l->attributes);
}

static int parse_listener(struct pctx *c, const json_t *obj, struct alb_listener *l,
                          struct alb_load_balancer *lb, size_t index, int *rules_in_lb)
{
    int rc;
    if (!json_is_object(obj))
        return fail(c, "ValidationError", "a listener must be an object");
    if ((rc = check_members(c, obj, "Listener", k_listener_members)) != DD_OK)
        return rc;
    l->load_balancer = lb;
    const char *lb_arn = NULL, *protocol;
    if ((rc = get_str(c, obj, "LoadBalancerArn", false, &lb_arn)) != DD_OK)
        return rc;
    if (lb_arn && strcmp(lb_arn, lb->load_balancer_arn) != 0) {
        size_t old = path_key(c, "LoadBalancerArn");
        rc = fail(c, "ValidationError",
                  "LoadBalancerArn '%s' is not the ARN of the enclosing load balancer '%s'", lb_arn,
                  lb->load_balancer_arn);
        path_pop(c, old);
        return rc;
    }
    if ((rc = get_enum(c, obj, "Protocol", false, k_listener_protocols, "HTTP", &protocol)) !=
        DD_OK)
        return rc;
    if (strcmp(protocol, "HTTP") != 0 && strcmp(protocol, "HTTPS") != 0) {
        size_t old = path_key(c, "Protocol");
        rc = fail(c, "ValidationError", "Listener protocol '%s' must be one of 'HTTPS, HTTP'",
                  protocol);
        path_pop(c, old);
        return rc;
    }
    l->protocol = strcmp(protocol, "HTTPS") == 0 ? ALB_PROTOCOL_HTTPS : ALB_PROTOCOL_HTTP;
    /* 0 is alb-emu's "pick a free port", for tests; AWS ports are 1..65535. */
    long long port;
    if ((rc = get_int(c, obj, "Port", true, 0, 65535, &port, NULL)) != DD_OK)
        return rc;
    l->port = (int)port;
    for (size_t i = 0; port != 0 && i < index; i++) {
        if (lb->listeners[i].port == l->port) {
            size_t old = path_key(c, "Port");
            rc = fail(c, "DuplicateListener",
                      "A listener already exists on port %d for load balancer '%s'", l->port,
                      lb->load_balancer_name);
            path_pop(c, old);
            return rc;
        }
    }
    if ((rc = keep_json(c, obj, "Certificates", JSON_ARRAY, &l->certificates)) != DD_OK ||
        (rc = copy_str(c, obj, "SslPolicy", false, &l->ssl_policy)) != DD_OK ||
        (rc = keep_json(c, obj, "MutualAuthentication", JSON_OBJECT, &l->mutual_authentication)) !=
            DD_OK ||
        (rc = keep_json(c, obj, "Tags", JSON_ARRAY, &l->tags)) != DD_OK)
        return rc;
    const json_t *alpn;
    if ((rc = get_typed(c, obj, "AlpnPolicy", JSON_ARRAY, false, &alpn)) != DD_OK)
        return rc;
    if (alpn && json_array_size(alpn) > 0 && json_is_string(json_array_get(alpn, 0))) {
        l->alpn_policy = strdup(json_string_value(json_array_get(alpn, 0)));
        if (!l->alpn_policy)
            return fail_nomem(c);
    }
    if (l->protocol == ALB_PROTOCOL_HTTPS) {
        if (!l->certificates || json_array_size(l->certificates) == 0) {
            size_t old = path_key(c, "Certificates");
            rc = fail(c, "ValidationError", "A certificate must be specified for HTTPS listeners");
            path_pop(c, old);
            return rc;
        }
        if (!l->ssl_policy && !(l->ssl_policy = strdup("ELBSecurityPolicy-2016-08")))
            return fail_nomem(c);
    }

    const char *arn = NULL;
    char lid[17];
    if ((rc = get_str(c, obj, "ListenerArn", false, &arn)) != DD_OK)
        return rc;
    if (arn) {
        if ((rc = check_arn(c, "ListenerArn", arn, ":listener/", "listener", lid)) != DD_OK)
            return rc;
        l->listener_arn = strdup(arn);
    } else {
        char idx[32];
        snprintf(idx, sizeof(idx), "%zu:%d", index, l->port);
        const char *parts[] = { "listener", lb->load_balancer_arn, idx };
        make_id(lid, parts, 3);
        l->listener_arn =
            arn_printf(c, "listener/app/%s/%s/%s", lb->load_balancer_name, lb->id, lid);
    }
    if (!l->listener_arn)
        return fail_nomem(c);

    l->default_rule.is_default = true;
    if ((rc = parse_actions(c, obj, "DefaultActions", &l->default_rule, l->protocol)) != DD_OK)
        return rc;
    {
        char id[17];
        const char *parts[] = { "listener-rule", l->listener_arn, "default" };
        make_id(id, parts, 3);
        l->default_rule.rule_arn =
            arn_printf(c, "listener-rule/app/%s/%s/%s/%s", lb->load_balancer_name, lb->id, lid, id);
        if (!l->default_rule.rule_arn)
            return fail_nomem(c);
    }
    if ((rc = parse_attributes(c, obj, k_listener_attrs, DD_ARRAY_LEN(k_listener_attrs), 0,
                               "an Application Load Balancer listener", &l->attributes)) != DD_OK)
        return rc;

    const json_t *rules;
    if ((rc = get_typed(c, obj, "Rules", JSON_ARRAY, false, &rules)) != DD_OK || !rules)
        return rc;
    size_t n = json_array_size(rules);
    size_t old = path_key(c, "Rules");
    *rules_in_lb += (int)n;
    if (*rules_in_lb > ALB_MAX_RULES_PER_LB) {
        rc = fail(c, "TooManyRules",
                  "You've reached the limit on the number of rules per load balancer (%d, not "
                  "counting default rules)",
                  ALB_MAX_RULES_PER_LB);
        goto out;
    }
    if (n > 0 && !(l->rules = calloc(n, sizeof(*l->rules)))) {
        rc = fail_nomem(c);
        goto out;
    }
    size_t i;
    json_t *rj;
    json_array_foreach(rules, i, rj)
    {
        size_t o2 = path_idx(c, i);
        rc = parse_rule(c, rj, &l->rules[i], l, lid);
        l->n_rules = i + 1;
        for (size_t k = 0; rc == DD_OK && k < i; k++) {
            if (l->rules[k].priority == l->rules[i].priority) {
                size_t o3 = path_key(c, "Priority");
                rc = fail(c, "PriorityInUse", "Priority '%d' is currently in use",
                          l->rules[i].priority);
                path_pop(c, o3);
            }
        }
        path_pop(c, o2);
        if (rc != DD_OK)
            goto out;
    }
    if (l->n_rules > 1)
        qsort(l->rules, l->n_rules, sizeof(*l->rules), rule_priority_cmp);
out:
    path_pop(c, old);
    return rc;
}

static void load_balancer_free(struct alb_load_balancer *lb)
{
    free(lb->load_balancer_arn);
    free(lb->load_balancer_name);
    free(lb->dns_name);
    free(lb->canonical_hosted_zone_id);
    free(lb->scheme);
    free(lb->ip_address_type);
    free(lb->vpc_id);
    free(lb->customer_owned_ipv4_pool);
    json_decref(lb->subnets);
    json_decref(lb->subnet_mappings);
    json_decref(lb->security_groups);
    json_decref(lb->availability_zones);
    json_decref(lb->tags);
    for (size_t i = 0; i < lb->n_listeners; i++)
        listener_free(&lb->listeners[i]);
    free(lb->listeners);
    attributes_free(&lb->attributes);
}

/* Route 53 hosted zone ids of ALBs, per region (the ones ELB documents). */
static const char *hosted_zone_id(const char *region)
{
    static const struct {
        const char *region, *zone;
    } zones[] = {
        { "us-east-1", "Z35SXDOTRQ7X7K" },      { "us-east-2", "Z3AADJGX6KTTL2" },
        { "us-west-1", "Z368ELLRRE2KJ0" },      { "us-west-2", "Z1H1FL5HABSF5" },
        { "eu-west-1", "Z32O12XQLNTSW2" },      { "eu-central-1", "Z215JYRZR1TBD5" },
        { "ap-northeast-1", "Z14GRHDCWA56QT" }, { "ap-southeast-1", "Z1LMS91P8CMLE5" },
        { "ap-southeast-2", "Z1GM3OXH4ZPM65" },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(zones); i++)
        if (strcmp(zones[i].region, region) == 0)
            return zones[i].zone;
    return NULL;
}

static int parse_load_balancer(struct pctx *c, const json_t *obj, struct alb_load_balancer *lb,
                               size_t index)
{
    int rc;
    if (!json_is_object(obj))
        return fail(c, "ValidationError", "a load balancer must be an object");
    if ((rc = check_members(c, obj, "LoadBalancer", k_lb_members)) != DD_OK)
        return rc;
    const char *name = NULL, *alias = NULL, *arn = NULL, *type, *scheme, *ip_type;
    if ((rc = get_str(c, obj, "Name", false, &name)) != DD_OK ||
        (rc = get_str(c, obj, "LoadBalancerName", false, &alias)) != DD_OK ||
        (rc = get_str(c, obj, "LoadBalancerArn", false, &arn)) != DD_OK)
        return rc;
    if (name && alias && strcmp(name, alias) != 0) {
        size_t old = path_key(c, "LoadBalancerName");
        rc =
            fail(c, "ValidationError", "Name '%s' and LoadBalancerName '%s' disagree", name, alias);
        path_pop(c, old);
        return rc;
    }
    if (!name)
        name = alias;
    if (!name) {
        size_t old = path_key(c, "Name");
        rc = fail(c, "ValidationError", "Name is required (LoadBalancerName is accepted too)");
        path_pop(c, old);
        return rc;
    }
    const char *name_key = json_object_get(obj, "Name") ? "Name" : "LoadBalancerName";
    if ((rc = check_resource_name(c, name_key, "Load balancer", name)) != DD_OK)
        return rc;
    if (strncmp(name, "internal-", 9) == 0) {
        size_t old = path_key(c, name_key);
        rc = fail(c, "ValidationError", "Load balancer name '%s' cannot begin with 'internal-'",
                  name);
        path_pop(c, old);
        return rc;
    }
    for (size_t i = 0; i < index; i++) {
        if (strcmp(c->cfg->load_balancers[i].load_balancer_name, name) == 0) {
            size_t old = path_key(c, name_key);
            rc = fail(c, "DuplicateLoadBalancerName",
                      "A load balancer with the same name '%s' exists, but with different "
                      "settings",
                      name);
            path_pop(c, old);
            return rc;
        }
    }
    if ((rc = get_enum(c, obj, "Type", false, k_lb_types, "application", &type)) != DD_OK)
        return rc;
    if (strcmp(type, "application") != 0) {
        size_t old = path_key(c, "Type");
        rc = fail(c, "ValidationError",
                  "alb-emu emulates Application Load Balancers; Type '%s' is not supported", type);
        path_pop(c, old);
        return rc;
    }
    if ((rc = get_enum(c, obj, "Scheme", false, k_schemes, "internet-facing", &scheme)) != DD_OK ||
        (rc = get_enum(c, obj, "IpAddressType", false, k_lb_ip_types, "ipv4", &ip_type)) != DD_OK)
        return rc;
    lb->load_balancer_name = strdup(name);
    lb->scheme = strdup(scheme);
    lb->ip_address_type = strdup(ip_type);
    if (!lb->load_balancer_name || !lb->scheme || !lb->ip_address_type)
        return fail_nomem(c);
    if ((rc = copy_str(c, obj, "VpcId", false, &lb->vpc_id)) != DD_OK ||
        (rc = copy_str(c, obj, "CustomerOwnedIpv4Pool", false, &lb->customer_owned_ipv4_pool)) !=
            DD_OK ||
        (rc = keep_json(c, obj, "Subnets", JSON_ARRAY, &lb->subnets)) != DD_OK ||
        (rc = keep_json(c, obj, "SubnetMappings", JSON_ARRAY, &lb->subnet_mappings)) != DD_OK ||
        (rc = keep_json(c, obj, "SecurityGroups", JSON_ARRAY, &lb->security_groups)) != DD_OK ||
        (rc = keep_json(c, obj, "AvailabilityZones", JSON_ARRAY, &lb->availability_zones)) !=
            DD_OK ||
        (rc = keep_json(c, obj, "Tags", JSON_ARRAY, &lb->tags)) != DD_OK)
        return rc;

    if (arn) {
        if ((rc = check_arn(c, "LoadBalancerArn", arn, ":loadbalancer/app/", "load balancer",
                            lb->id)) != DD_OK)
            return rc;
        lb->load_balancer_arn = strdup(arn);
    } else {
        const char *parts[] = { "loadbalancer/app", name };
        make_id(lb->id, parts, 2);
        lb->load_balancer_arn = arn_printf(c, "loadbalancer/app/%s/%s", name, lb->id);
    }
    if (!lb->load_balancer_arn)
        return fail_nomem(c);
    {
        const char *parts[] = { "dns", lb->load_balancer_arn };
        uint64_t h = hash_parts(parts, 2);
        size_t n = strlen(name) + strlen(c->cfg->region) + 64;
        lb->dns_name = malloc(n);
        if (!lb->dns_name)
            return fail_nomem(c);
        snprintf(lb->dns_name, n, "%s%s-%" PRIu64 ".%s.elb.amazonaws.com",
                 strcmp(scheme, "internal") == 0 ? "internal-" : "", name,
                 h % UINT64_C(10000000000), c->cfg->region);
        const char *zone = hosted_zone_id(c->cfg->region);
        if (zone && !(lb->canonical_hosted_zone_id = strdup(zone)))
            return fail_nomem(c);
    }

    if ((rc = parse_attributes(c, obj, k_lb_attrs, DD_ARRAY_LEN(k_lb_attrs), 0,
                               "an Application Load Balancer", &lb->attributes)) != DD_OK)
        return rc;
    /* ipv6.deny_all_igw_traffic "is set to false for internet-facing load
     * balancers and true for internal load balancers". */
    if (strcmp(scheme, "internal") == 0 && !attributes_mention(obj, "ipv6.deny_all_igw_traffic")) {
        for (size_t i = 0; i < lb->attributes.n; i++) {
            struct alb_attribute *a = &lb->attributes.items[i];
            if (strcmp(a->key, "ipv6.deny_all_igw_traffic") == 0) {
                char *v = strdup("true");
                if (!v)
                    return fail_nomem(c);
                free(a->value);
                a->value = v;
            }
        }
    }
    decode_lb_attributes(&lb->attributes, &lb->attr);
    if (attr_bool(&lb->attributes, "access_logs.s3.enabled") &&
        !*alb_attributes_get(&lb->attributes, "access_logs.s3.bucket")) {
        size_t old = path_key(c, "Attributes");
        rc = fail(c, "ValidationError",
                  "access_logs.s3.bucket is required when access_logs.s3.enabled is true");
        path_pop(c, old);
        return rc;
    }

    const json_t *listeners;
    if ((rc = get_typed(c, obj, "Listeners", JSON_ARRAY, false, &listeners)) != DD_OK || !listeners)
        return rc;
    size_t n = json_array_size(listeners);
    size_t old = path_key(c, "Listeners");
    if (n > ALB_MAX_LISTENERS_PER_LB) {
        rc = fail(c, "TooManyListeners",
                  "You've reached the limit on the number of listeners per load balancer (%d)",
                  ALB_MAX_LISTENERS_PER_LB);
        goto out;
    }
    if (n > 0 && !(lb->listeners = calloc(n, sizeof(*lb->listeners)))) {
        rc = fail_nomem(c);
        goto out;
    }
    int rules_in_lb = 0;
    size_t i;
    json_t *lj;
    json_array_foreach(listeners, i, lj)
    {
        size_t o2 = path_idx(c, i);
        rc = parse_listener(c, lj, &lb->listeners[i], lb, i, &rules_in_lb);
        lb->n_listeners = i + 1;
        path_pop(c, o2);
        if (rc != DD_OK)
            goto out;
    }
out:
    path_pop(c, old);
    return rc;
}

/* Each target group serves one load balancer ("You can use each target group
 * with only one load balancer"), and an ALB uses at most 100 target groups. */
static int link_target_groups(struct pctx *c, struct alb_load_balancer *lb, size_t lb_index)
{
    size_t unique = 0;
    for (size_t li = 0; li < lb->n_listeners; li++) {
        struct alb_listener *l = &lb->listeners[li];
        for (size_t ri = 0; ri <= l->n_rules; ri++) {
            struct alb_rule *r = ri < l->n_rules ? &l->rules[ri] : &l->default_rule;
            for (size_t ai = 0; ai < r->n_actions; ai++) {
                struct alb_action *a = &r->actions[ai];
                if (a->type != ALB_ACTION_FORWARD)
                    continue;
                for (size_t k = 0; k < a->forward.n_target_groups; k++) {
                    struct alb_target_group *tg = a->forward.target_groups[k].target_group;
                    if (tg->load_balancer == lb)
                        continue;
                    if (tg->load_balancer) {
                        size_t o1 = path_key(c, "LoadBalancers"), o2 = path_idx(c, lb_index);
                        int rc = fail(c, "TargetGroupAssociationLimit",
                                      "The following target groups cannot be associated with "
                                      "more than one load balancer: %s",
                                      tg->target_group_arn);
                        path_pop(c, o2);
                        path_pop(c, o1);
                        return rc;
                    }
                    tg->load_balancer = lb;
                    if (++unique > ALB_MAX_TARGET_GROUPS_PER_LB) {
                        size_t o1 = path_key(c, "LoadBalancers"), o2 = path_idx(c, lb_index);
                        int rc = fail(c, "TooManyUniqueTargetGroupsPerLoadBalancer",
                                      "You've reached the limit on the number of unique target "
                                      "groups per load balancer (%d)",
                                      ALB_MAX_TARGET_GROUPS_PER_LB);
                        path_pop(c, o2);
                        path_pop(c, o1);
                        return rc;
                    }
                }
            }
        }
    }
    return DD_OK;
}

/* ------------------------------------------------------------------------ */
/* Top level                                                                  */

void alb_config_free(struct alb_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->n_load_balancers; i++)
        load_balancer_free(&cfg->load_balancers[i]);
    free(cfg->load_balancers);
    for (size_t i = 0; i < cfg->n_target_groups; i++)
        target_group_free(&cfg->target_groups[i]);
    free(cfg->target_groups);
    free(cfg->region);
    free(cfg->account_id);
    free(cfg);
}

static int parse_root(struct pctx *c, const json_t *root)
{
    int rc;
    if (!json_is_object(root))
        return fail(c, "ValidationError", "the config must be a JSON object");
    const json_t *tgs, *lbs;
    if ((rc = get_typed(c, root, "TargetGroups", JSON_ARRAY, false, &tgs)) != DD_OK ||
        (rc = get_typed(c, root, "LoadBalancers", JSON_ARRAY, false, &lbs)) != DD_OK)
        return rc;
    struct alb_config *cfg = c->cfg;
    if (tgs && json_array_size(tgs) > 0) {
        size_t n = json_array_size(tgs), old = path_key(c, "TargetGroups");
        if (n > ALB_MAX_TARGET_GROUPS) {
            rc = fail(c, "TooManyTargetGroups",
                      "You've reached the limit on the number of target groups (%d)",
                      ALB_MAX_TARGET_GROUPS);
        } else if (!(cfg->target_groups = calloc(n, sizeof(*cfg->target_groups)))) {
            rc = fail_nomem(c);
        } else {
            for (size_t i = 0; i < n && rc == DD_OK; i++) {
                size_t o2 = path_idx(c, i);
                cfg->n_target_groups = i + 1;
                rc = parse_target_group(c, json_array_get(tgs, i), &cfg->target_groups[i], i);
                path_pop(c, o2);
            }
        }
        path_pop(c, old);
        if (rc != DD_OK)
            return rc;
    }
    if (lbs && json_array_size(lbs) > 0) {
        size_t n = json_array_size(lbs), old = path_key(c, "LoadBalancers");
        if (n > ALB_MAX_LOAD_BALANCERS) {
            rc = fail(c, "TooManyLoadBalancers",
                      "You've reached the limit on the number of load balancers (%d)",
                      ALB_MAX_LOAD_BALANCERS);
        } else if (!(cfg->load_balancers = calloc(n, sizeof(*cfg->load_balancers)))) {
            rc = fail_nomem(c);
        } else {
            for (size_t i = 0; i < n && rc == DD_OK; i++) {
                size_t o2 = path_idx(c, i);
                cfg->n_load_balancers = i + 1;
                rc = parse_load_balancer(c, json_array_get(lbs, i), &cfg->load_balancers[i], i);
                path_pop(c, o2);
            }
        }
        path_pop(c, old);
        if (rc != DD_OK)
            return rc;
    }
    for (size_t i = 0; i < cfg->n_load_balancers; i++)
        if ((rc = link_target_groups(c, &cfg->load_balancers[i], i)) != DD_OK)
            return rc;
    return DD_OK;
}

int alb_config_parse(const json_t *root, const struct alb_config_opts *opts,
                     struct alb_config **out, struct alb_config_error *err)
{
    if (!out)
        return DD_EINVAL;
    *out = NULL;
    struct pctx c;
    memset(&c, 0, sizeof(c));
    c.err = err;
    if (err)
        memset(err, 0, sizeof(*err));
    const char *region = opts && opts->region ? opts->region : "us-east-1";
    const char *account = opts && opts->account_id ? opts->account_id : "000000000000";
    c.cfg = calloc(1, sizeof(*c.cfg));
    if (!c.cfg)
        return fail_nomem(&c);
    c.cfg->region = strdup(region);
    c.cfg->account_id = strdup(account);
    int rc = (!c.cfg->region || !c.cfg->account_id) ? fail_nomem(&c) : parse_root(&c, root);
    if (rc != DD_OK) {
        alb_config_free(c.cfg);
        return rc;
    }
    *out = c.cfg;
    return DD_OK;
}

int alb_config_parse_text(const char *buf, size_t len, const struct alb_config_opts *opts,
                          struct alb_config **out, struct alb_config_error *err)
{
    if (!out)
        return DD_EINVAL;
    *out = NULL;
    json_t *root = NULL;
    struct dd_json_error jerr;
    int rc = dd_json_parse(buf, len, &root, &jerr);
    if (rc == DD_ENOMEM)
        return DD_ENOMEM;
    if (rc != DD_OK) {
        if (err) {
            memset(err, 0, sizeof(*err));
            snprintf(err->code, sizeof(err->code), "ValidationError");
            snprintf(err->message, sizeof(err->message),
                     "the config is not valid JSON: %s at "
                     "byte %zu",
                     jerr.reason, jerr.offset);
        }
        return DD_EINVAL;
    }
    rc = alb_config_parse(root, opts, out, err);
    json_decref(root);
    return rc;
}
