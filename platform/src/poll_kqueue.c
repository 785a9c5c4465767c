/* libnp: poller backend on kqueue (FreeBSD, OpenBSD, NetBSD, macOS).
 *
 * Level-triggered (no EV_CLEAR). kqueue watches (ident, filter) pairs, so a
 * socket is up to two knotes: EVFILT_READ and EVFILT_WRITE. Their events are
 * merged back into one np_poll_event per socket (np_poll_emit).
 *
 * Errors and hang-ups must be reported even for a socket watched for neither
 * IN nor OUT, but kqueue only reports them through a filter. So EVFILT_READ
 * is always registered; when IN is not wanted it gets NOTE_LOWAT with a huge
 * watermark, which makes it fire only on EOF (EV_EOF) or a socket error.
 * macOS clamps the watermark to the receive buffer size, so there a full
 * buffer also fires, and a listener ignores the watermark: such an event
 * (data > 0, no EOF) is ignored, and stays ready until IN is asked for or
 * the data read, as a level-triggered poller must. */
#include "poll_backend.h"

#if NP_HAVE_KQUEUE

#include <limits.h>
#include <stdlib.h>
#include <time.h>

typedef struct kqueue_state {
    int kq;
    struct kevent *buf;
    int buf_len;
} kqueue_state;

/* The read knote for events: plain when IN is wanted, else EOF/error only. */
static void set_read(struct kevent *kev, np_os_socket fd, unsigned events)
{
    if (events & NP_POLL_IN)
        EV_SET(kev, fd, EVFILT_READ, EV_ADD | EV_ENABLE, 0, 0, 0);
    else
        EV_SET(kev, fd, EVFILT_READ, EV_ADD | EV_ENABLE, NOTE_LOWAT, INT_MAX, 0);
}

/* One traced kevent() call applying changes (no events fetched). */
static np_err apply(np_poller *p, const char *call, np_os_socket fd, unsigned events,
                    const struct kevent *ch, int nch, int removing)
{
    kqueue_state *st = p->impl;
    long native = 0;
    np_err err = NP_OK;
    char names[32];
    int rc = kevent(st->kq, ch, nch, NULL, 0, NULL);
    if (rc < 0) {
        native = np_sys_last_native();
        err = np_err_from_native(native);
    }
    if (NP_TRACING())
        np_trace_line(rc, native, err, "%s(kqueue, %d, %s) -> kevent(%d, [%d changes], %d, NULL, 0, NULL)",
                      call, fd, np_poll_events_str(events, names, sizeof names), st->kq, nch, nch);
    /* Removing a socket closed too early: close() already dropped its knotes. */
    if (removing && (err == NP_EBADF || err == NP_ENOENT)) return NP_OK;
    return err == NP_OK ? NP_OK : np_poll_os_error(native);
}

static np_err kqueue_open(np_poller *p)
{
    kqueue_state *st = calloc(1, sizeof *st);
    struct kevent kev;
    long native = 0;
    np_err err = NP_OK;
    if (!st) return np_err_record(NP_ENOMEM, 0);
    st->kq = kqueue();
    /* kqueues are not inherited by fork(), but the descriptor would survive
     * exec(): mark it close-on-exec like every libnp descriptor. */
    if (st->kq < 0 || fcntl(st->kq, F_SETFD, FD_CLOEXEC) != 0) {
        native = np_sys_last_native();
        err = np_err_from_native(native);
    }
    if (NP_TRACING())
        np_trace_line(st->kq, native, err, "np_poller_open(kqueue) -> kqueue()");
    if (err != NP_OK) {
        if (st->kq >= 0) close(st->kq);
        free(st);
        return np_err_record(err, native);
    }
    p->impl = st;
    EV_SET(&kev, p->wake.rfd, EVFILT_READ, EV_ADD | EV_ENABLE, 0, 0, 0);
    err = apply(p, "np_poller_open", p->wake.rfd, NP_POLL_IN, &kev, 1, 0);
    if (err != NP_OK) np_poll_kernel_close(p, st->kq, st->buf);
    return err;
}

static void kqueue_close(np_poller *p)
{
    kqueue_state *st = p->impl;
    if (st) np_poll_kernel_close(p, st->kq, st->buf);
}

static np_err kqueue_add(np_poller *p, np_poll_reg *r)
{
    struct kevent ch[2];
    int nch = 1;
    np_err err;
    set_read(&ch[0], r->fd, r->events);
    if (r->events & NP_POLL_OUT) EV_SET(&ch[nch++], r->fd, EVFILT_WRITE, EV_ADD | EV_ENABLE, 0, 0, 0);
    err = apply(p, "np_poller_add", r->fd, r->events, ch, nch, 0);
    if (err != NP_OK && nch == 2) {
        /* The read knote may be in while the write one failed: take it out. */
        EV_SET(&ch[0], r->fd, EVFILT_READ, EV_DELETE, 0, 0, 0);
        (void)kevent(((kqueue_state *)p->impl)->kq, ch, 1, NULL, 0, NULL);
    }
    return err;
}

static np_err kqueue_modify(np_poller *p, np_poll_reg *r, unsigned old_events)
{
    struct kevent ch[2];
    int nch = 1;
    /* EV_ADD on an existing knote updates its fflags and data in place. */
    set_read(&ch[0], r->fd, r->events);
    if ((r->events & NP_POLL_OUT) && !(old_events & NP_POLL_OUT))
        EV_SET(&ch[nch++], r->fd, EVFILT_WRITE, EV_ADD | EV_ENABLE, 0, 0, 0);
    else if (!(r->events & NP_POLL_OUT) && (old_events & NP_POLL_OUT))
        EV_SET(&ch[nch++], r->fd, EVFILT_WRITE, EV_DELETE, 0, 0, 0);
    return apply(p, "np_poller_modify", r->fd, r->events, ch, nch, 0);
}

static np_err kqueue_remove(np_poller *p, np_poll_reg *r)
{
    struct kevent ch[2];
    int nch = 1;
    EV_SET(&ch[0], r->fd, EVFILT_READ, EV_DELETE, 0, 0, 0);
    if (r->events & NP_POLL_OUT) EV_SET(&ch[nch++], r->fd, EVFILT_WRITE, EV_DELETE, 0, 0, 0);
    return apply(p, "np_poller_remove", r->fd, r->events, ch, nch, 1);
}

/* NP_POLL_* for one kevent of a registered socket. fflags holds the socket
 * error when EV_EOF is set. */
static unsigned from_kevent(const np_poll_reg *r, const struct kevent *kev)
{
    unsigned ready = 0;
    int eof = (kev->flags & EV_EOF) != 0;
    if (kev->flags & EV_ERROR) return NP_POLL_ERR;   /* a change failed for this socket */
    if (eof) ready |= NP_POLL_HUP;
    if (eof && kev->fflags != 0) ready |= NP_POLL_ERR;
    if (kev->filter == EVFILT_WRITE) return ready | NP_POLL_OUT;
    if (r->events & NP_POLL_IN) return ready | NP_POLL_IN;
    /* Error/EOF-only read knote firing without EOF: with nothing to read it
     * is a pending socket error; with data it is macOS's clamped watermark. */
    if (!eof && kev->data == 0) ready |= NP_POLL_ERR;
    return ready;
}

static np_err kqueue_wait_once(np_poller *p, np_poll_event *ev, int max, int timeout_ms,
                               int *n, int *woken)
{
    kqueue_state *st = p->impl;
    /* Two knotes per socket at most, plus the wake-up handle. */
    int64_t cap = 2 * (int64_t)p->table.count + 1;
    int64_t want64 = 2 * (int64_t)max < cap ? 2 * (int64_t)max : cap;
    int want = want64 > INT_MAX ? INT_MAX : (int)want64;
    struct timespec ts, *tsp = NULL;
    long native = 0;
    np_err err = NP_OK;
    int got, i;
    struct kevent *buf = np_poll_reserve(st->buf, &st->buf_len, want, sizeof *buf);
    if (!buf) return NP_ENOMEM;
    st->buf = buf;
    if (timeout_ms >= 0) {
        ts.tv_sec = timeout_ms / 1000;
        ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
        tsp = &ts;
    }
    got = kevent(st->kq, NULL, 0, st->buf, want, tsp);
    if (got < 0) {
        native = np_sys_last_native();
        err = np_err_from_native(native);
    }
    if (NP_TRACING())
        np_trace_line(got, native, err, "np_poller_wait(kqueue, %d fds, %dms) -> kevent(%d, NULL, 0, ..., %d, %d ms)",
                      p->table.count, timeout_ms, st->kq, want, timeout_ms);
    if (got < 0) return np_poll_os_error(native);
    for (i = 0; i < got; i++) {
        np_poll_reg *r = np_poll_ready_reg(p, (np_os_socket)st->buf[i].ident, woken);
        /* Output full: the rest stays ready and comes back next time. */
        if (r) np_poll_emit(p, r, from_kevent(r, &st->buf[i]), ev, max, n);
    }
    return NP_OK;
}

const np_poll_backend np_poll_backend_kqueue = {
    "kqueue", 1, kqueue_open, kqueue_close, kqueue_add, kqueue_modify, kqueue_remove, kqueue_wait_once
};

#endif /* NP_HAVE_KQUEUE */
