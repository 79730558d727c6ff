/*
 * Metrics registry and its Prometheus text exposition (format 0.0.4).
 *
 * A family (struct dd_metric) holds its series twice over: in a doubly linked
 * list in first-use order, which is the order they are rendered in, and in a
 * chained hash table keyed by the label values, so that add/set/observe on
 * one queue among thousands costs a hash and a compare rather than a scan,
 * and removing a deleted queue's series is O(1). Each series is one
 * allocation holding its label values and histogram buckets.
 *
 * The text format is line-based: "# HELP name text", "# TYPE name kind",
 * then one "name{label="value",...} number" line per sample. HELP text
 * escapes backslash and newline; label values also escape the double quote.
 * Numbers follow Prometheus' parser: integral values print without a decimal
 * point, others in the shortest form that reads back to the same double, and
 * the specials as +Inf, -Inf and NaN. Histogram buckets are cumulative, each
 * counting observations <= its "le" bound, ending with le="+Inf" equal to
 * _count. printf's %g is used, so the process must stay in the "C" numeric
 * locale (no daemon calls setlocale).
 */
#include "common/metrics.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

enum metric_kind { KIND_COUNTER, KIND_GAUGE, KIND_HISTOGRAM };

static const char *const kind_names[] = { "counter", "gauge", "histogram" };

/* Long enough for any formatted double: sign, 17 digits, point, exponent. */
#define NUM_MAX 32

struct series {
    struct series *hnext; /* next in the same hash chain */
    struct series *prev;  /* first-use order */
    struct series *next;  /* first-use order */
    uint64_t hash;        /* of the label values */
    double value;         /* counter/gauge value; histogram sum */
    uint64_t count;       /* histogram: observations */
    uint64_t *buckets;    /* histogram: per-bound counts, not cumulative; in this allocation */
    const char *values[]; /* label values, in this allocation */
};

struct dd_metric {
    enum metric_kind kind; /* fixed at registration */
    char *name;            /* owned */
    char *help;            /* owned, NULL when there is none */
    char *label_store;     /* owned copy of the label-name list, split in place */
    const char **labels;   /* owned array of pointers into label_store */
    size_t nlabels;        /* entries in labels, 0 for none */
    double *bounds;        /* owned histogram bounds, +Inf excluded */
    char (*le)[NUM_MAX];   /* owned, bounds pre-formatted for the "le" label */
    size_t nbounds;        /* entries in bounds and le */
    struct series **table; /* owned hash buckets, a power of two of them */
    size_t nbuckets;       /* size of table */
    size_t nseries;        /* series in the list and the table */
    struct series *head;   /* oldest series */
    struct series *tail;   /* newest series */
};

struct collector {
    dd_metrics_collect_fn fn; /* never NULL */
    void *arg;                /* borrowed */
};

struct dd_metrics {
    struct dd_metric **families;  /* owned, registration order */
    size_t nfamilies;             /* entries used */
    size_t cap;                   /* entries allocated */
    struct collector *collectors; /* owned, registration order */
    size_t ncollectors;           /* entries used */
    size_t ccap;                  /* entries allocated */
};

/* ---- numbers ---- */

/* Writes v as Prometheus expects it into out (NUL-terminated); returns out. */
static char *format_number(char out[NUM_MAX], double v)
{
    if (isnan(v))
        return strcpy(out, "NaN");
    if (isinf(v))
        return strcpy(out, v > 0 ? "+Inf" : "-Inf");
    /* 2^63 is the first integral double an int64 cannot hold. */
    if (v == trunc(v) && fabs(v) < 9223372036854775808.0) {
        snprintf(out, NUM_MAX, "%" PRId64, (int64_t)v);
        return out;
    }
    /* DBL_DIG (15) digits reproduce any decimal of up to 15 digits, so if a
     * shorter exact form exists %.15g finds it (and %g drops the trailing
     * zeros); otherwise 16 or at most 17 digits do. */
    for (int prec = 15; prec < 17; prec++) {
        snprintf(out, NUM_MAX, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return out;
    }
    snprintf(out, NUM_MAX, "%.17g", v);
    return out;
}

/* ---- names ---- */

static bool valid_metric_name(const char *s)
{
    if (!s || !*s)
        return false;
    for (const char *p = s; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
                  (p != s && c >= '0' && c <= '9');
        if (!ok)
            return false;
    }
    return true;
}

/* Names starting with "__" are reserved for Prometheus' own use. */
static bool valid_label_name(const char *s)
{
    if (!*s || (s[0] == '_' && s[1] == '_'))
        return false;
    for (const char *p = s; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                  (p != s && c >= '0' && c <= '9');
        if (!ok)
            return false;
    }
    return true;
}

/* Label values must be UTF-8 for the scraper to accept the page: this checks
 * well-formedness per RFC 3629 (no overlongs, surrogates or > U+10FFFF). */
static bool valid_utf8(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        unsigned char c = *s;
        size_t len;
        uint32_t cp, min;
        if (c < 0x80) {
            s++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            cp = c & 0x1f;
            min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3;
            cp = c & 0x0f;
            min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            return false;
        }
        for (size_t i = 1; i < len; i++) {
            if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
                return false;
            cp = (cp << 6) | (s[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        s += len;
    }
    return true;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Splits the comma-separated list into m->label_store / m->labels. */
static int parse_label_names(struct dd_metric *m, const char *list)
{
    if (!list || !*list)
        return DD_OK;
    m->label_store = strdup(list);
    if (!m->label_store)
        return DD_ENOMEM;
    size_t n = 1;
    for (const char *p = list; *p; p++)
        n += *p == ',';
    m->labels = calloc(n, sizeof(*m->labels));
    if (!m->labels)
        return DD_ENOMEM;
    char *p = m->label_store;
    for (size_t i = 0; i < n; i++) {
        char *end = strchr(p, ',');
        char *next = end ? end + 1 : NULL;
        if (!end)
            end = p + strlen(p);
        while (p < end && is_blank(*p))
            p++;
        while (end > p && is_blank(end[-1]))
            end--;
        *end = '\0';
        if (!valid_label_name(p))
            return DD_EINVAL;
        if (m->kind == KIND_HISTOGRAM && strcmp(p, "le") == 0)
            return DD_EINVAL;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(m->labels[j], p) == 0)
                return DD_EINVAL;
        }
        m->labels[i] = p;
        p = next;
    }
    m->nlabels = n;
    return DD_OK;
}

/* ---- series lookup ---- */

/* FNV-1a over the values, each followed by 0xff, a byte UTF-8 never
 * contains, so ("ab","c") and ("a","bc") hash apart. */
static uint64_t hash_values(const struct dd_metric *m, const char *const *values)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (size_t i = 0; i < m->nlabels; i++) {
        for (const unsigned char *p = (const unsigned char *)values[i]; *p; p++) {
            h ^= *p;
            h *= UINT64_C(1099511628211);
        }
        h ^= 0xff;
        h *= UINT64_C(1099511628211);
    }
    return h;
}

static bool values_ok(const struct dd_metric *m, const char *const *values)
{
    if (m->nlabels == 0)
        return true;
    if (!values)
        return false;
    for (size_t i = 0; i < m->nlabels; i++) {
        if (!values[i])
            return false;
    }
    return true;
}

static struct series *series_find(const struct dd_metric *m, const char *const *values, uint64_t h)
{
    for (struct series *s = m->table[h & (m->nbuckets - 1)]; s; s = s->hnext) {
        if (s->hash != h)
            continue;
        size_t i = 0;
        while (i < m->nlabels && strcmp(s->values[i], values[i]) == 0)
            i++;
        if (i == m->nlabels)
            return s;
    }
    return NULL;
}

/* Doubles the table; on ENOMEM the old one stays, only chains get longer. */
static void table_grow(struct dd_metric *m)
{
    size_t n = m->nbuckets * 2;
    struct series **t = calloc(n, sizeof(*t));
    if (!t)
        return;
    for (struct series *s = m->head; s; s = s->next) {
        size_t b = s->hash & (n - 1);
        s->hnext = t[b];
        t[b] = s;
    }
    free(m->table);
    m->table = t;
    m->nbuckets = n;
}

static size_t align_up(size_t n, size_t a)
{
    return (n + a - 1) / a * a;
}

static int series_create(struct dd_metric *m, const char *const *values, uint64_t h,
                         struct series **out)
{
    for (size_t i = 0; i < m->nlabels; i++) {
        if (!valid_utf8(values[i]))
            return DD_EINVAL;
    }
    size_t off_buckets =
        align_up(sizeof(struct series) + m->nlabels * sizeof(const char *), _Alignof(uint64_t));
    size_t off_strings = off_buckets + m->nbounds * sizeof(uint64_t);
    size_t size = off_strings;
    for (size_t i = 0; i < m->nlabels; i++)
        size += strlen(values[i]) + 1;
    char *mem = calloc(1, size);
    if (!mem)
        return DD_ENOMEM;
    struct series *s = (struct series *)mem;
    s->hash = h;
    s->buckets = (uint64_t *)(mem + off_buckets);
    char *str = mem + off_strings;
    for (size_t i = 0; i < m->nlabels; i++) {
        size_t len = strlen(values[i]) + 1;
        memcpy(str, values[i], len);
        s->values[i] = str;
        str += len;
    }

    if (m->nseries >= m->nbuckets)
        table_grow(m);
    size_t b = h & (m->nbuckets - 1);
    s->hnext = m->table[b];
    m->table[b] = s;
    s->prev = m->tail;
    if (m->tail)
        m->tail->next = s;
    else
        m->head = s;
    m->tail = s;
    m->nseries++;
    *out = s;
    return DD_OK;
}

/* The series for values, created on first use. */
static int series_get(struct dd_metric *m, const char *const *values, struct series **out)
{
    if (!values_ok(m, values))
        return DD_EINVAL;
    uint64_t h = hash_values(m, values);
    *out = series_find(m, values, h);
    if (*out)
        return DD_OK;
    return series_create(m, values, h, out);
}

/* ---- registry ---- */

static void metric_free(struct dd_metric *m)
{
    if (!m)
        return;
    struct series *s = m->head;
    while (s) {
        struct series *next = s->next;
        free(s);
        s = next;
    }
    free(m->table);
    free(m->le);
    free(m->bounds);
    free(m->labels);
    free(m->label_store);
    free(m->help);
    free(m->name);
    free(m);
}

struct dd_metrics *dd_metrics_new(void)
{
    return calloc(1, sizeof(struct dd_metrics));
}

void dd_metrics_free(struct dd_metrics *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->nfamilies; i++)
        metric_free(reg->families[i]);
    free(reg->families);
    free(reg->collectors);
    free(reg);
}

struct dd_metric *dd_metrics_find(struct dd_metrics *reg, const char *name)
{
    if (!reg || !name)
        return NULL;
    for (size_t i = 0; i < reg->nfamilies; i++) {
        if (strcmp(reg->families[i]->name, name) == 0)
            return reg->families[i];
    }
    return NULL;
}

static int copy_bounds(struct dd_metric *m, const double *bounds, size_t n)
{
    if (n > 0 && !bounds)
        return DD_EINVAL;
    if (n > 0 && isinf(bounds[n - 1]) && bounds[n - 1] > 0)
        n--;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(bounds[i]) || (i > 0 && !(bounds[i] > bounds[i - 1])))
            return DD_EINVAL;
    }
    if (n == 0)
        return DD_OK;
    m->bounds = malloc(n * sizeof(*m->bounds));
    m->le = malloc(n * sizeof(*m->le));
    if (!m->bounds || !m->le)
        return DD_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        m->bounds[i] = bounds[i];
        format_number(m->le[i], bounds[i]);
    }
    m->nbounds = n;
    return DD_OK;
}

static struct dd_metric *metric_register(struct dd_metrics *reg, enum metric_kind kind,
                                         const char *name, const char *help,
                                         const char *label_names, const double *bounds,
                                         size_t nbounds)
{
    if (!reg || !valid_metric_name(name) || dd_metrics_find(reg, name))
        return NULL;
    struct dd_metric *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->kind = kind;
    m->name = strdup(name);
    if (!m->name)
        goto fail;
    if (help && *help) {
        m->help = strdup(help);
        if (!m->help)
            goto fail;
    }
    if (parse_label_names(m, label_names) != DD_OK)
        goto fail;
    if (kind == KIND_HISTOGRAM && copy_bounds(m, bounds, nbounds) != DD_OK)
        goto fail;
    m->nbuckets = 8;
    m->table = calloc(m->nbuckets, sizeof(*m->table));
    if (!m->table)
        goto fail;
    if (m->nlabels == 0) {
        struct series *s;
        if (series_get(m, NULL, &s) != DD_OK)
            goto fail;
    }
    if (reg->nfamilies == reg->cap) {
        size_t cap = reg->cap ? reg->cap * 2 : 16;
        struct dd_metric **p = realloc(reg->families, cap * sizeof(*p));
        if (!p)
            goto fail;
        reg->families = p;
        reg->cap = cap;
    }
    reg->families[reg->nfamilies++] = m;
    return m;
fail:
    metric_free(m);
    return NULL;
}

struct dd_metric *dd_metrics_counter(struct dd_metrics *reg, const char *name, const char *help,
                                     const char *label_names)
{
    return metric_register(reg, KIND_COUNTER, name, help, label_names, NULL, 0);
}

struct dd_metric *dd_metrics_gauge(struct dd_metrics *reg, const char *name, const char *help,
                                   const char *label_names)
{
    return metric_register(reg, KIND_GAUGE, name, help, label_names, NULL, 0);
}

struct dd_metric *dd_metrics_histogram(struct dd_metrics *reg, const char *name, const char *help,
                                       const char *label_names, const double *bounds,
                                       size_t nbounds)
{
    return metric_register(reg, KIND_HISTOGRAM, name, help, label_names, bounds, nbounds);
}

int dd_metrics_on_collect(struct dd_metrics *reg, dd_metrics_collect_fn fn, void *arg)
{
    if (!reg || !fn)
        return DD_EINVAL;
    if (reg->ncollectors == reg->ccap) {
        size_t cap = reg->ccap ? reg->ccap * 2 : 4;
        struct collector *p = realloc(reg->collectors, cap * sizeof(*p));
        if (!p)
            return DD_ENOMEM;
        reg->collectors = p;
        reg->ccap = cap;
    }
    reg->collectors[reg->ncollectors].fn = fn;
    reg->collectors[reg->ncollectors].arg = arg;
    reg->ncollectors++;
    return DD_OK;
}

/* ---- updates ---- */

int dd_metric_add(struct dd_metric *m, const char *const *label_values, double v)
{
    if (!m || m->kind == KIND_HISTOGRAM)
        return DD_EINVAL;
    if (m->kind == KIND_COUNTER && !(v >= 0))
        return DD_EINVAL;
    struct series *s;
    int rc = series_get(m, label_values, &s);
    if (rc)
        return rc;
    s->value += v;
    return DD_OK;
}

int dd_metric_set(struct dd_metric *m, const char *const *label_values, double v)
{
    if (!m || m->kind != KIND_GAUGE)
        return DD_EINVAL;
    struct series *s;
    int rc = series_get(m, label_values, &s);
    if (rc)
        return rc;
    s->value = v;
    return DD_OK;
}

int dd_metric_observe(struct dd_metric *m, const char *const *label_values, double v)
{
    if (!m || m->kind != KIND_HISTOGRAM || isnan(v))
        return DD_EINVAL;
    struct series *s;
    int rc = series_get(m, label_values, &s);
    if (rc)
        return rc;
    /* First bound >= v; past the last one the observation is only in +Inf. */
    size_t lo = 0, hi = m->nbounds;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v <= m->bounds[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    if (lo < m->nbounds)
        s->buckets[lo]++;
    s->count++;
    s->value += v;
    return DD_OK;
}

int dd_metric_remove(struct dd_metric *m, const char *const *label_values)
{
    if (!m || !values_ok(m, label_values))
        return DD_EINVAL;
    uint64_t h = hash_values(m, label_values);
    struct series **pp = &m->table[h & (m->nbuckets - 1)];
    struct series *s = series_find(m, label_values, h);
    if (!s)
        return DD_ENOENT;
    while (*pp != s)
        pp = &(*pp)->hnext;
    *pp = s->hnext;
    if (s->prev)
        s->prev->next = s->next;
    else
        m->head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    else
        m->tail = s->prev;
    m->nseries--;
    free(s);
    return DD_OK;
}

double dd_metric_value(const struct dd_metric *m, const char *const *label_values)
{
    if (!m || !values_ok(m, label_values))
        return 0;
    const struct series *s = series_find(m, label_values, hash_values(m, label_values));
    if (!s)
        return 0;
    return m->kind == KIND_HISTOGRAM ? (double)s->count : s->value;
}

size_t dd_metric_series_count(const struct dd_metric *m)
{
    return m ? m->nseries : 0;
}

/* ---- rendering ---- */

/* Appends s with backslash and newline escaped, and the double quote too
 * when quote is set (label values; HELP text leaves quotes alone). */
static int put_escaped(struct dd_buf *out, const char *s, bool quote)
{
    const char *run = s;
    int rc = DD_OK;
    for (const char *p = s; *p && rc == DD_OK; p++) {
        const char *esc = NULL;
        if (*p == '\\')
            esc = "\\\\";
        else if (*p == '\n')
            esc = "\\n";
        else if (*p == '"' && quote)
            esc = "\\\"";
        if (!esc)
            continue;
        rc = dd_buf_append(out, run, (size_t)(p - run));
        if (rc == DD_OK)
            rc = dd_buf_append(out, esc, 2);
        run = p + 1;
    }
    if (rc == DD_OK)
        rc = dd_buf_puts(out, run);
    return rc;
}

/* Appends `{a="x",b="y"}`, with le="..." last when le is given; nothing if
 * there is no label at all. */
static int put_labels(struct dd_buf *out, const struct dd_metric *m, const struct series *s,
                      const char *le)
{
    if (m->nlabels == 0 && !le)
        return DD_OK;
    int rc = dd_buf_putc(out, '{');
    for (size_t i = 0; i < m->nlabels && rc == DD_OK; i++) {
        if (i > 0)
            rc = dd_buf_putc(out, ',');
        if (rc == DD_OK)
            rc = dd_buf_printf(out, "%s=\"", m->labels[i]);
        if (rc == DD_OK)
            rc = put_escaped(out, s->values[i], true);
        if (rc == DD_OK)
            rc = dd_buf_putc(out, '"');
    }
    if (rc == DD_OK && le)
        rc = dd_buf_printf(out, "%sle=\"%s\"", m->nlabels ? "," : "", le);
    if (rc == DD_OK)
        rc = dd_buf_putc(out, '}');
    return rc;
}

/* One sample line: name[suffix]{labels[,le]} value */
static int put_sample(struct dd_buf *out, const struct dd_metric *m, const char *suffix,
                      const struct series *s, const char *le, const char *value)
{
    int rc = dd_buf_printf(out, "%s%s", m->name, suffix);
    if (rc == DD_OK)
        rc = put_labels(out, m, s, le);
    if (rc == DD_OK)
        rc = dd_buf_printf(out, " %s\n", value);
    return rc;
}

static int render_series(struct dd_buf *out, const struct dd_metric *m, const struct series *s)
{
    char num[NUM_MAX];
    if (m->kind != KIND_HISTOGRAM)
        return put_sample(out, m, "", s, NULL, format_number(num, s->value));
    int rc = DD_OK;
    uint64_t cumulative = 0;
    for (size_t i = 0; i < m->nbounds && rc == DD_OK; i++) {
        cumulative += s->buckets[i];
        snprintf(num, sizeof(num), "%" PRIu64, cumulative);
        rc = put_sample(out, m, "_bucket", s, m->le[i], num);
    }
    snprintf(num, sizeof(num), "%" PRIu64, s->count);
    if (rc == DD_OK)
        rc = put_sample(out, m, "_bucket", s, "+Inf", num);
    if (rc == DD_OK)
        rc = put_sample(out, m, "_sum", s, NULL, format_number(num, s->value));
    snprintf(num, sizeof(num), "%" PRIu64, s->count);
    if (rc == DD_OK)
        rc = put_sample(out, m, "_count", s, NULL, num);
    return rc;
}

static int render_family(struct dd_buf *out, const struct dd_metric *m)
{
    int rc = DD_OK;
    if (m->help) {
        rc = dd_buf_printf(out, "# HELP %s ", m->name);
        if (rc == DD_OK)
            rc = put_escaped(out, m->help, false);
        if (rc == DD_OK)
            rc = dd_buf_putc(out, '\n');
    }
    if (rc == DD_OK)
        rc = dd_buf_printf(out, "# TYPE %s %s\n", m->name, kind_names[m->kind]);
    for (const struct series *s = m->head; s && rc == DD_OK; s = s->next)
        rc = render_series(out, m, s);
    return rc;
}

int dd_metrics_render(struct dd_metrics *reg, struct dd_buf *out)
{
    if (!reg || !out)
        return DD_EINVAL;
    /* By index: a collector may register another collector or family. */
    for (size_t i = 0; i < reg->ncollectors; i++)
        reg->collectors[i].fn(reg->collectors[i].arg, reg);
    for (size_t i = 0; i < reg->nfamilies; i++) {
        int rc = render_family(out, reg->families[i]);
        if (rc)
            return rc;
    }
    return DD_OK;
}
