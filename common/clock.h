/*
 * dd_clock: the one clock every daemon reads for emulated time (design.md "Time").
 *
 * Emulated time is real wall-clock time plus an offset that only moves
 * forward, advanced by tests and drills through /_drydock/clock so that
 * visibility timeouts, TTLs, retention periods and health-check intervals can
 * be fast-forwarded instead of slept through. Each daemon owns one clock in
 * its server struct and passes it (or the time it read) to its engine; the
 * engine never reads a clock of its own.
 *
 * dd_clock_now_ms() never goes backwards, even when the wall clock is stepped
 * back (NTP, a VM resumed, an operator with `date -s`): a receive that made a
 * message invisible until T, or a SET with a 10 s TTL, promised that deadline
 * in emulated time, and a clock that stepped back would silently stretch it
 * (the message stays hidden longer than its visibility timeout, the key
 * outlives its TTL). So the clock remembers the last value it returned and
 * holds there until the source catches up. Durations (latency, timeouts of
 * our own I/O) should use dd_clock_mono_ns() instead, which no offset touches.
 *
 * A dd_clock belongs to one event loop and is not thread-safe.
 */
#ifndef DD_CLOCK_H
#define DD_CLOCK_H

#include <stdint.h>

/* Latest emulated time the clock will reach: 9999-12-31T23:59:59.999Z. Past it
 * an advance fails with DD_ERANGE, which keeps `now + any real duration` far
 * from int64 overflow and every timestamp printable with a 4-digit year. */
#define DD_CLOCK_MAX_MS INT64_C(253402300799999)

/* Real wall-clock time in ms since the epoch; ctx is the pointer given to dd_clock_new. */
typedef int64_t (*dd_clock_source_fn)(void *ctx);
/* Called after every successful advance with the amount added; arg as registered. */
typedef void (*dd_clock_listener_fn)(void *arg, int64_t delta_ms);

struct dd_clock;

/* src NULL = CLOCK_REALTIME. ctx is borrowed and must outlive the clock.
 * Returns a clock the caller frees with dd_clock_free, or NULL on ENOMEM. */
struct dd_clock *dd_clock_new(dd_clock_source_fn src, void *ctx);
/* Frees c and its listener list (not the listeners' args); NULL is a no-op. */
void dd_clock_free(struct dd_clock *c);

/* Source + offset, never less than any value returned before (see above). The
 * clock is const to its readers; the high-water mark it keeps is bookkeeping. */
int64_t dd_clock_now_ms(const struct dd_clock *c);
/* Total amount advanced so far (>= 0). */
int64_t dd_clock_offset_ms(const struct dd_clock *c);

/* Moves the offset forward by ms (>= 0; negative -> DD_EINVAL, offset
 * unchanged; an offset or emulated time past DD_CLOCK_MAX_MS -> DD_ERANGE,
 * offset unchanged) and then calls every listener in registration order, so
 * daemons can re-arm timers that are due now. 0 is a valid advance and still
 * calls the listeners. */
int dd_clock_advance(struct dd_clock *c, int64_t ms);
/* Adds a listener; arg is borrowed. The same (fn, arg) may be added twice and
 * is then called twice. DD_ENOMEM on allocation failure. */
int dd_clock_on_advance(struct dd_clock *c, dd_clock_listener_fn fn, void *arg);
/* Removes the first listener registered as (fn, arg); DD_ENOENT if none. Safe
 * to call from inside a listener: a removed listener is not called again. */
int dd_clock_off_advance(struct dd_clock *c, dd_clock_listener_fn fn, void *arg);

/* CLOCK_MONOTONIC in ns, never offset: for measuring durations. */
int64_t dd_clock_mono_ns(void);
/* CLOCK_REALTIME in ms since the epoch, never offset: the default source. */
int64_t dd_clock_realtime_ms(void);

#endif
