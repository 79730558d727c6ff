/*
 * Shared helpers of the alb-emu engine tests: cmocka includes, building
 * configs from JSON written with single quotes (so tables stay readable), a
 * scripted random source and a header table for request views.
 */
#ifndef ALB_TESTS_FIXTURE_H
#define ALB_TESTS_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alb-emu/config.h"
#include "alb-emu/rand.h"
#include "common/err.h"

/* text with every ' turned into " (caller frees). */
static inline char *fx_quote(const char *text)
{
    char *s = strdup(text);
    assert_non_null(s);
    for (char *p = s; *p; p++)
        if (*p == '\'')
            *p = '"';
    return s;
}

/* Parses single-quoted JSON text; returns the rc and fills *cfg / *err. */
static inline int fx_parse(const char *text, struct alb_config **cfg, struct alb_config_error *err)
{
    char *s = fx_quote(text);
    int rc = alb_config_parse_text(s, strlen(s), NULL, cfg, err);
    free(s);
    return rc;
}

/* Parses text that must be valid; fails the test with the error otherwise. */
static inline struct alb_config *fx_config(const char *text)
{
    struct alb_config *cfg = NULL;
    struct alb_config_error err;
    int rc = fx_parse(text, &cfg, &err);
    if (rc != DD_OK)
        fail_msg("config refused: %s at %s: %s", err.code, err.field, err.message);
    return cfg;
}

/* A random source that replays a script of values, then repeats the last. */
struct fx_script {
    const uint64_t *values;
    size_t n, pos;
};

static inline uint64_t fx_script_next(void *ctx)
{
    struct fx_script *s = ctx;
    uint64_t v = s->values[s->pos < s->n ? s->pos : s->n - 1];
    if (s->pos < s->n)
        s->pos++;
    return v;
}

/* A request header table for alb_request_view.header. */
struct fx_header {
    const char *name, *value;
};

struct fx_headers {
    const struct fx_header *h;
    size_t n;
};

static inline const char *fx_header_fn(void *ctx, const char *name, size_t index, size_t *len)
{
    const struct fx_headers *hs = ctx;
    size_t seen = 0;
    for (size_t i = 0; i < hs->n; i++) {
        if (strcasecmp(hs->h[i].name, name) != 0)
            continue;
        if (seen++ == index) {
            *len = strlen(hs->h[i].value);
            return hs->h[i].value;
        }
    }
    return NULL;
}

#endif
