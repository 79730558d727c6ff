/*
 * The emulated clock: a wall-clock source plus a forward-only offset, read
 * through a high-water mark so it never runs backwards (the reasons are in
 * clock.h), and a list of listeners told about every advance.
 *
 * Advancing is rare (a test or drill poking /_drydock/clock) and reading is
 * constant (every request), so reading is an addition and a compare, and all
 * the care goes into advance: range checks before anything changes, then
 * listener dispatch that tolerates listeners adding or removing listeners.
 */
#include "common/clock.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"

struct clock_listener {
    dd_clock_listener_fn fn; /* NULL once removed during a dispatch */
    void *arg;               /* borrowed */
};

struct dd_clock {
    dd_clock_source_fn src;           /* wall-clock source, never NULL */
    void *ctx;                        /* borrowed, passed to src */
    int64_t offset_ms;                /* 0 <= offset_ms <= DD_CLOCK_MAX_MS */
    int64_t high_ms;                  /* largest value now_ms has returned */
    struct clock_listener *listeners; /* owned array, registration order */
    size_t nlisteners;                /* entries used, including removed ones */
    size_t cap;                       /* entries allocated */
    unsigned dispatching;             /* nesting depth of listener calls */
    bool has_removed;                 /* some entry has fn NULL, compact later */
};

int64_t dd_clock_realtime_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t dd_clock_mono_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t realtime_source(void *ctx)
{
    (void)ctx;
    return dd_clock_realtime_ms();
}

struct dd_clock *dd_clock_new(dd_clock_source_fn src, void *ctx)
{
    struct dd_clock *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->src = src ? src : realtime_source;
    c->ctx = ctx;
    c->high_ms = INT64_MIN;
    return c;
}

void dd_clock_free(struct dd_clock *c)
{
    if (!c)
        return;
    free(c->listeners);
    free(c);
}

/* a + b clamped to the int64 range; b >= 0. A source is outside our control,
 * and wrapping to a far-past time would freeze the clock for good. */
static int64_t add_saturating(int64_t a, int64_t b)
{
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

int64_t dd_clock_now_ms(const struct dd_clock *c)
{
    int64_t t = add_saturating(c->src(c->ctx), c->offset_ms);
    if (t <= c->high_ms)
        return c->high_ms;
    /* The clock is only read-only in meaning: every dd_clock comes from
     * dd_clock_new (never a const object), so updating the mark is defined. */
    ((struct dd_clock *)c)->high_ms = t;
    return t;
}

int64_t dd_clock_offset_ms(const struct dd_clock *c)
{
    return c->offset_ms;
}

static void compact_listeners(struct dd_clock *c)
{
    size_t w = 0;
    for (size_t r = 0; r < c->nlisteners; r++) {
        if (c->listeners[r].fn)
            c->listeners[w++] = c->listeners[r];
    }
    c->nlisteners = w;
    c->has_removed = false;
}

int dd_clock_advance(struct dd_clock *c, int64_t ms)
{
    if (ms < 0)
        return DD_EINVAL;
    if (ms > DD_CLOCK_MAX_MS - c->offset_ms)
        return DD_ERANGE;
    int64_t offset = c->offset_ms + ms;
    if (c->src(c->ctx) > DD_CLOCK_MAX_MS - offset)
        return DD_ERANGE;
    c->offset_ms = offset;

    /* Listeners added by a listener wait for the next advance; removed ones
     * are skipped now and compacted once the outermost dispatch ends. The
     * array may move under us, so it is indexed afresh on every call. */
    size_t n = c->nlisteners;
    c->dispatching++;
    for (size_t i = 0; i < n; i++) {
        struct clock_listener l = c->listeners[i];
        if (l.fn)
            l.fn(l.arg, ms);
    }
    c->dispatching--;
    if (c->dispatching == 0 && c->has_removed)
        compact_listeners(c);
    return DD_OK;
}

int dd_clock_on_advance(struct dd_clock *c, dd_clock_listener_fn fn, void *arg)
{
    if (!fn)
        return DD_EINVAL;
    if (c->nlisteners == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 4;
        struct clock_listener *p = realloc(c->listeners, cap * sizeof(*p));
        if (!p)
            return DD_ENOMEM;
        c->listeners = p;
        c->cap = cap;
    }
    c->listeners[c->nlisteners].fn = fn;
    c->listeners[c->nlisteners].arg = arg;
    c->nlisteners++;
    return DD_OK;
}

int dd_clock_off_advance(struct dd_clock *c, dd_clock_listener_fn fn, void *arg)
{
    for (size_t i = 0; i < c->nlisteners; i++) {
        struct clock_listener *l = &c->listeners[i];
        if (!l->fn || l->fn != fn || l->arg != arg)
            continue;
        if (c->dispatching) {
            l->fn = NULL;
            c->has_removed = true;
        } else {
            memmove(l, l + 1, (c->nlisteners - i - 1) * sizeof(*l));
            c->nlisteners--;
        }
        return DD_OK;
    }
    return DD_ENOENT;
}
