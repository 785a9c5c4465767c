/* libnp: poller backend on Windows WSAPoll.
 *
 * Why WSAPoll and not select: Windows' fd_set holds at most FD_SETSIZE (64 by
 * default) handles, while WSAPoll takes any number and has poll()'s shape,
 * so it shares the pollfd array code with the POSIX poll backend. A wait is
 * O(registered). Level-triggered by nature.
 *
 * Its limits, and what this file does about them:
 * - A failed non-blocking connect is not reported on many Windows builds
 *   (documented in np/poll.h; np_connect in timeout mode avoids WSAPoll).
 * - WSAPoll fails with WSAEINVAL on an empty set, and a wait with nothing
 *   registered is legitimate (it waits for a wake-up or the timeout): the
 *   wake-up socket is always in the set, so the set is never empty.
 * - Only POLLRDNORM, POLLRDBAND and POLLWRNORM may be asked for (POLLPRI
 *   gives WSAEINVAL); POLLERR, POLLHUP and POLLNVAL come back unasked. A
 *   graceful close by the peer shows as POLLHUP, as a FIN does elsewhere.
 * - Its timeout is an int of milliseconds, the clamp poll.c already does. */
#include "../poll_backend.h"

#include <stdlib.h>

static short to_wsapoll(unsigned events)
{
    short e = 0;
    if (events & NP_POLL_IN) e |= POLLRDNORM;
    if (events & NP_POLL_OUT) e |= POLLWRNORM;
    return e;
}

static unsigned from_wsapoll(short re)
{
    unsigned r = 0;
    if (re & (POLLRDNORM | POLLRDBAND)) r |= NP_POLL_IN;
    if (re & POLLWRNORM) r |= NP_POLL_OUT;
    if (re & (POLLERR | POLLNVAL)) r |= NP_POLL_ERR;   /* NVAL: closed while registered */
    if (re & POLLHUP) r |= NP_POLL_HUP;
    return r;
}

static np_err wsapoll_open(np_poller *p)
{
    np_pollset *ps = calloc(1, sizeof *ps);
    np_err err;
    if (!ps) return np_err_record(NP_ENOMEM, 0);
    err = np_pollset_init(ps, p->wake.rfd, POLLRDNORM);
    if (err != NP_OK) {
        free(ps);
        return err;
    }
    p->impl = ps;
    return NP_OK;
}

static void wsapoll_close(np_poller *p)
{
    np_pollset *ps = p->impl;
    if (!ps) return;
    np_pollset_free(ps);
    free(ps);
    p->impl = NULL;
}

/* Registration only edits the array: no OS call, so no trace line. */
static np_err wsapoll_add(np_poller *p, np_poll_reg *r)
{
    return np_pollset_add(p->impl, r, to_wsapoll(r->events));
}

static np_err wsapoll_modify(np_poller *p, np_poll_reg *r, unsigned old_events)
{
    np_pollset *ps = p->impl;
    (void)old_events;
    ps->fds[r->slot].events = to_wsapoll(r->events);
    return NP_OK;
}

static np_err wsapoll_remove(np_poller *p, np_poll_reg *r)
{
    np_pollset_remove(p->impl, p, r);
    return NP_OK;
}

static np_err wsapoll_wait_once(np_poller *p, np_poll_event *ev, int max, int timeout_ms,
                                int *n, int *woken)
{
    np_pollset *ps = p->impl;
    long native = 0;
    np_err err = NP_OK;
    int got = WSAPoll(ps->fds, (ULONG)ps->len, timeout_ms);
    if (got == SOCKET_ERROR) {
        native = np_sys_last_native();
        err = np_err_from_native(native);
    }
    if (NP_TRACING())
        np_trace_line(got, native, err, "np_poller_wait(wsapoll, %d fds, %dms) -> WSAPoll(..., %lu, %d)",
                      p->table.count, timeout_ms, (unsigned long)ps->len, timeout_ms);
    if (got == SOCKET_ERROR) return np_poll_os_error(native);
    if (got > 0) np_pollset_harvest(ps, p, from_wsapoll, ev, max, n, woken);
    return NP_OK;
}

const np_poll_backend np_poll_backend_wsapoll = {
    "wsapoll", 0, wsapoll_open, wsapoll_close, wsapoll_add, wsapoll_modify, wsapoll_remove,
    wsapoll_wait_once
};
