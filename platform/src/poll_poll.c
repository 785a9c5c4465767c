/* libnp: poller backend on POSIX poll().
 *
 * The fallback for a POSIX system with neither epoll nor kqueue, and always
 * compiled on POSIX so the test suite can run it beside the native backend.
 * Level-triggered by nature. A wait costs O(registered): fine for hundreds
 * of sockets, workable for thousands. */
#include "poll_backend.h"

#if !defined(_WIN32)

#include <stdlib.h>

/* POLLRDHUP (Linux, FreeBSD) reports a peer's FIN as NP_POLL_HUP, as the
 * other backends do; elsewhere POLLHUP alone has to do. */
#ifdef POLLRDHUP
#  define NP_POLLRDHUP POLLRDHUP
#else
#  define NP_POLLRDHUP 0
#endif

static short to_poll(unsigned events)
{
    short e = NP_POLLRDHUP;
    if (events & NP_POLL_IN) e |= POLLIN;
    if (events & NP_POLL_OUT) e |= POLLOUT;
    return e;
}

static unsigned from_poll(short re)
{
    unsigned r = 0;
    if (re & (POLLIN | POLLPRI)) r |= NP_POLL_IN;
    if (re & POLLOUT) r |= NP_POLL_OUT;
    if (re & (POLLERR | POLLNVAL)) r |= NP_POLL_ERR;   /* NVAL: closed while registered */
    if (re & (POLLHUP | NP_POLLRDHUP)) r |= NP_POLL_HUP;
    return r;
}

static np_err poll_open(np_poller *p)
{
    np_pollset *ps = calloc(1, sizeof *ps);
    np_err err;
    if (!ps) return np_err_record(NP_ENOMEM, 0);
    err = np_pollset_init(ps, p->wake.rfd, POLLIN);
    if (err != NP_OK) {
        free(ps);
        return err;
    }
    p->impl = ps;
    return NP_OK;
}

static void poll_close(np_poller *p)
{
    np_pollset *ps = p->impl;
    if (!ps) return;
    np_pollset_free(ps);
    free(ps);
    p->impl = NULL;
}

/* Registration only edits the array: no OS call, so no trace line. */
static np_err poll_add(np_poller *p, np_poll_reg *r)
{
    return np_pollset_add(p->impl, r, to_poll(r->events));
}

static np_err poll_modify(np_poller *p, np_poll_reg *r, unsigned old_events)
{
    np_pollset *ps = p->impl;
    (void)old_events;
    ps->fds[r->slot].events = to_poll(r->events);
    return NP_OK;
}

static np_err poll_remove(np_poller *p, np_poll_reg *r)
{
    np_pollset_remove(p->impl, p, r);
    return NP_OK;
}

static np_err poll_wait_once(np_poller *p, np_poll_event *ev, int max, int timeout_ms,
                             int *n, int *woken)
{
    np_pollset *ps = p->impl;
    long native = 0;
    np_err err = NP_OK;
    int got = poll(ps->fds, (nfds_t)ps->len, timeout_ms);
    if (got < 0) {
        native = np_sys_last_native();
        err = np_err_from_native(native);
    }
    if (NP_TRACING())
        np_trace_line(got, native, err, "np_poller_wait(poll, %d fds, %dms) -> poll(..., %zu, %d)",
                      p->table.count, timeout_ms, ps->len, timeout_ms);
    if (got < 0) return np_poll_os_error(native);
    if (got > 0) np_pollset_harvest(ps, p, from_poll, ev, max, n, woken);
    return NP_OK;
}

const np_poll_backend np_poll_backend_poll = {
    "poll", 1, poll_open, poll_close, poll_add, poll_modify, poll_remove, poll_wait_once
};

#endif /* !_WIN32 */
