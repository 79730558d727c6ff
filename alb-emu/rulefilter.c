/*
 * The rule prefilter (see rulefilter.h): literal prefixes and suffixes of
 * wildcard values, and header presence, checked before the full matcher.
 */
#include "alb-emu/rulefilter.h"

#include <stdlib.h>
#include <string.h>

/* The literal ends of one wildcard value. */
struct lit {
    const char *pre; /* characters before the first wildcard */
    size_t pre_len;
    const char *suf; /* characters after the last wildcard */
    size_t suf_len;
    size_t min_len; /* the shortest text it can match: literals and '?'s */
};

enum cf_kind {
    CF_PASS,  /* no cheap test: always passes */
    CF_HOST,  /* host-header wildcards */
    CF_PATH,  /* path-pattern wildcards */
    CF_HEADER /* http-header: the header must be present */
};

struct cond_filter {
    enum cf_kind kind;
    struct lit *lits;   /* owned, one per value (CF_HOST, CF_PATH) */
    size_t n;           /* entries in lits */
    const char *header; /* CF_HEADER: the header name (borrowed) */
};

struct rule_filter {
    struct cond_filter *conds; /* owned, one per condition */
    size_t n;
};

struct alb_rule_filter {
    const struct alb_listener *listener; /* borrowed */
    struct rule_filter *rules;           /* owned, one per listener rule */
    size_t n;
};

static void lit_of(const char *v, struct lit *l)
{
    size_t len = strlen(v);
    size_t first = len, last = len, min = 0;
    for (size_t i = 0; i < len; i++) {
        if (v[i] == '*' || v[i] == '?') {
            if (first == len)
                first = i;
            last = i;
        }
        if (v[i] != '*')
            min++;
    }
    l->pre = v;
    l->pre_len = first;
    if (first == len) {
        /* No wildcard: the whole value is both ends. */
        l->suf = v + len;
        l->suf_len = 0;
    } else {
        l->suf = v + last + 1;
        l->suf_len = len - last - 1;
    }
    l->min_len = min;
}

static int cond_build(const struct alb_condition *c, struct cond_filter *cf)
{
    memset(cf, 0, sizeof(*cf));
    cf->kind = CF_PASS;
    if (c->n_regex_values > 0)
        return 0; /* a regex can match anything */
    switch (c->field) {
    case ALB_CONDITION_HOST_HEADER:
    case ALB_CONDITION_PATH_PATTERN:
        if (c->n_values == 0)
            return 0;
        cf->lits = calloc(c->n_values, sizeof(*cf->lits));
        if (!cf->lits)
            return -1;
        for (size_t i = 0; i < c->n_values; i++)
            lit_of(c->values[i], &cf->lits[i]);
        cf->n = c->n_values;
        cf->kind = c->field == ALB_CONDITION_HOST_HEADER ? CF_HOST : CF_PATH;
        return 0;
    case ALB_CONDITION_HTTP_HEADER:
        if (c->http_header_name) {
            cf->kind = CF_HEADER;
            cf->header = c->http_header_name;
        }
        return 0;
    default:
        return 0;
    }
}

struct alb_rule_filter *alb_rule_filter_new(const struct alb_listener *listener)
{
    struct alb_rule_filter *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    f->listener = listener;
    if (listener->n_rules) {
        f->rules = calloc(listener->n_rules, sizeof(*f->rules));
        if (!f->rules)
            goto fail;
    }
    f->n = listener->n_rules;
    for (size_t r = 0; r < f->n; r++) {
        const struct alb_rule *rule = &listener->rules[r];
        struct rule_filter *rf = &f->rules[r];
        if (rule->n_conditions) {
            rf->conds = calloc(rule->n_conditions, sizeof(*rf->conds));
            if (!rf->conds)
                goto fail;
        }
        rf->n = rule->n_conditions;
        for (size_t k = 0; k < rf->n; k++)
            if (cond_build(&rule->conditions[k], &rf->conds[k]) != 0)
                goto fail;
    }
    return f;
fail:
    alb_rule_filter_free(f);
    return NULL;
}

void alb_rule_filter_free(struct alb_rule_filter *f)
{
    if (!f)
        return;
    for (size_t r = 0; r < f->n; r++) {
        for (size_t k = 0; k < f->rules[r].n; k++)
            free(f->rules[r].conds[k].lits);
        free(f->rules[r].conds);
    }
    free(f->rules);
    free(f);
}

static unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static bool eq(const char *a, const char *b, size_t n, bool icase)
{
    if (!icase)
        return memcmp(a, b, n) == 0;
    for (size_t i = 0; i < n; i++)
        if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
            return false;
    return true;
}

/* Whether some value of cf could match text. */
static bool lits_fit(const struct cond_filter *cf, const char *text, size_t len, bool icase)
{
    for (size_t i = 0; i < cf->n; i++) {
        const struct lit *l = &cf->lits[i];
        if (len < l->min_len)
            continue;
        if (l->pre_len && !eq(text, l->pre, l->pre_len, icase))
            continue;
        if (l->suf_len && !eq(text + len - l->suf_len, l->suf, l->suf_len, icase))
            continue;
        return true;
    }
    return false;
}

/* A necessary condition of alb_condition_matches(). */
static bool cond_may_match(const struct cond_filter *cf, const struct alb_request_view *req)
{
    switch (cf->kind) {
    case CF_HOST: {
        if (!req->host)
            return false;
        const char *h;
        size_t hlen;
        alb_host_strip_port(req->host, req->host_len, &h, &hlen);
        return lits_fit(cf, h, hlen, true);
    }
    case CF_PATH:
        return req->path && lits_fit(cf, req->path, req->path_len, false);
    case CF_HEADER: {
        size_t len;
        return req->header && req->header(req->header_ctx, cf->header, 0, &len) != NULL;
    }
    default:
        return true;
    }
}

const struct alb_rule *alb_rule_filter_match(const struct alb_rule_filter *f,
                                             const struct alb_request_view *req)
{
    const struct alb_listener *l = f->listener;
    for (size_t r = 0; r < f->n; r++) {
        const struct rule_filter *rf = &f->rules[r];
        bool may = true;
        for (size_t k = 0; k < rf->n && may; k++)
            may = cond_may_match(&rf->conds[k], req);
        if (may && alb_rule_matches(&l->rules[r], req))
            return &l->rules[r];
    }
    return &l->default_rule;
}
