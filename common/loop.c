#include "common/loop.h"

#include <sched.h>

#include "common/clock.h"
#include "common/err.h"

/* True once a pass returned because the loop was told to stop. */
static int stopped(struct event_base *base, int rc)
{
    return rc == 1 || event_base_got_break(base) || event_base_got_exit(base);
}

/* Polls without blocking until a whole window passes without work. Returns
 * 1 to go on, 0 when the loop was stopped, DD_EIO on failure. */
static int poll_window(struct event_base *base, const struct dd_loop_poll *poll,
                       struct dd_loop_stats *st)
{
    int64_t deadline = dd_clock_mono_ns() + poll->spin_ns;
    for (;;) {
        uint64_t before = poll->activity(poll->arg);
        int rc = event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
        st->polls++;
        if (rc < 0)
            return DD_EIO;
        if (stopped(base, rc))
            return 0;
        int64_t now = dd_clock_mono_ns();
        if (poll->activity(poll->arg) != before) {
            st->poll_hits++;
            deadline = now + poll->spin_ns;
            continue;
        }
        if (now >= deadline)
            return 1;
        sched_yield();
    }
}

int dd_loop_run(struct event_base *base, const struct dd_loop_poll *poll,
                struct dd_loop_stats *stats)
{
    struct dd_loop_stats local = { 0 };
    struct dd_loop_stats *st = stats ? stats : &local;
    if (!poll || poll->spin_ns <= 0) {
        st->waits++;
        return event_base_dispatch(base) < 0 ? DD_EIO : DD_OK;
    }
    if (!poll->activity)
        return DD_EINVAL;
    int dense = 0;
    for (;;) {
        if (dense) {
            int rc = poll_window(base, poll, st);
            if (rc <= 0)
                return rc;
        }
        uint64_t before = poll->activity(poll->arg);
        int64_t t0 = dd_clock_mono_ns();
        int rc = event_base_loop(base, EVLOOP_ONCE);
        st->waits++;
        if (rc < 0)
            return DD_EIO;
        if (stopped(base, rc))
            return DD_OK;
        /* Work that arrived within the window would have been caught by
         * polling; work after a longer sleep says traffic is sparse. */
        dense = poll->activity(poll->arg) != before && dd_clock_mono_ns() - t0 < poll->spin_ns;
    }
}
