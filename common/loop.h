/*
 * dd_loop: runs a daemon's libevent loop, with optional adaptive busy polling.
 *
 * Everything Drydock serves runs on the same machine as its clients. A client
 * that writes to a socket whose server sleeps in epoll_wait() pays for waking
 * it inside its own write(): the wakeup, and on another CPU an interprocessor
 * interrupt (a VM exit under virtualisation). Under dense traffic that is a
 * large share of a small request's cost (an eighth of redis-benchmark's CPU
 * time against cache-emu), and a faster server sleeps more often and so makes
 * its clients pay it more often. Busy polling removes it: after a
 * pass that served a peer, the loop keeps polling without blocking for a short
 * window before it goes back to sleep.
 *
 * The polling is adaptive so that it costs nothing when traffic is sparse: it
 * starts only when the last blocking wait ended, with work, within the window
 * (the next request would have been caught by polling), it ends after one
 * window without work, and it yields the CPU between polls, so a runnable
 * process on the same CPU (the client itself, a database) goes first. An idle
 * daemon always blocks.
 */
#ifndef DD_LOOP_H
#define DD_LOOP_H

#include <event2/event.h>
#include <stdint.h>

/* Busy-poll window that serves co-located clients best here (bench/cache). */
#define DD_LOOP_SPIN_US_DEFAULT 30

/* Returns a count that grows whenever the daemon served a peer (bytes read,
 * connections accepted); arg as given in dd_loop_poll. */
typedef uint64_t (*dd_loop_activity_fn)(void *arg);

struct dd_loop_poll {
    int64_t spin_ns;              /* polling window; <= 0 never polls */
    dd_loop_activity_fn activity; /* required when spin_ns > 0 */
    void *arg;                    /* borrowed, passed to activity */
};

/* What a run did, for tests and metrics. */
struct dd_loop_stats {
    uint64_t waits;     /* blocking passes */
    uint64_t polls;     /* non-blocking passes */
    uint64_t poll_hits; /* non-blocking passes that found work */
};

/*
 * Runs base until event_base_loopbreak()/loopexit() or until no event is left,
 * as event_base_dispatch() does; poll NULL (or spin_ns <= 0) is exactly
 * event_base_dispatch(). stats (may be NULL) is added to, not cleared.
 * Returns DD_OK, DD_EINVAL (spin without an activity function) or DD_EIO
 * (libevent failed).
 */
int dd_loop_run(struct event_base *base, const struct dd_loop_poll *poll,
                struct dd_loop_stats *stats);

#endif
