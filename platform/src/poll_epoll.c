/* libnp: poller backend on Linux epoll.
 *
 * Level-triggered (no EPOLLET). The kernel keeps the interest set, so a wait
 * costs O(ready), not O(registered): this is what lets a poller hold tens of
 * thousands of sockets. Each epoll_event carries the descriptor, mapped back
 * to its registration through the O(1) table in poll.c. EPOLLRDHUP is always
 * asked for so that a peer's FIN shows up as NP_POLL_HUP, as it does on the
 * other backends. */
#include "poll_backend.h"

#if NP_HAVE_EPOLL

#include <stdio.h>
#include <stdlib.h>

typedef struct epoll_state {
    int epfd;
    struct epoll_event *buf;   /* grows to the largest batch asked for */
    int buf_len;
} epoll_state;

static uint32_t to_epoll(unsigned events)
{
    uint32_t e = EPOLLRDHUP;   /* ERR and HUP are always reported by the kernel */
    if (events & NP_POLL_IN) e |= EPOLLIN;
    if (events & NP_POLL_OUT) e |= EPOLLOUT;
    return e;
}

static unsigned from_epoll(uint32_t e)
{
    unsigned r = 0;
    if (e & (EPOLLIN | EPOLLPRI)) r |= NP_POLL_IN;
    if (e & EPOLLOUT) r |= NP_POLL_OUT;
    if (e & EPOLLERR) r |= NP_POLL_ERR;
    if (e & (EPOLLHUP | EPOLLRDHUP)) r |= NP_POLL_HUP;
    return r;
}

/* "EPOLLIN|EPOLLRDHUP" for trace lines. */
static const char *epoll_names(uint32_t e, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s%s", (e & EPOLLIN) ? "EPOLLIN|" : "", (e & EPOLLOUT) ? "EPOLLOUT|" : "",
             (e & EPOLLRDHUP) ? "EPOLLRDHUP" : "");
    return buf;
}

static const char *op_name(int op)
{
    return op == EPOLL_CTL_ADD ? "EPOLL_CTL_ADD" : op == EPOLL_CTL_MOD ? "EPOLL_CTL_MOD"
                                                                       : "EPOLL_CTL_DEL";
}

/* One traced epoll_ctl call. */
static np_err ctl(np_poller *p, const char *call, int op, int fd, unsigned events)
{
    epoll_state *st = p->impl;
    struct epoll_event ev;
    long native = 0;
    np_err err = NP_OK;
    int rc;
    char names[32], enames[40];
    ev.events = to_epoll(events);
    ev.data.u64 = 0;
    ev.data.fd = fd;
    /* DEL ignores the event, but kernels before 2.6.9 required one. */
    rc = epoll_ctl(st->epfd, op, fd, &ev);
    if (rc != 0) {
        native = np_sys_last_native();
        err = np_err_from_native(native);
    }
    if (NP_TRACING() && op == EPOLL_CTL_DEL)
        np_trace_line(rc, native, err, "%s(epoll, %d) -> epoll_ctl(%d, EPOLL_CTL_DEL, %d, NULL)",
                      call, fd, st->epfd, fd);
    else if (NP_TRACING())
        np_trace_line(rc, native, err, "%s(epoll, %d, %s) -> epoll_ctl(%d, %s, %d, {%s})",
                      call, fd, np_poll_events_str(events, names, sizeof names), st->epfd,
                      op_name(op), fd, epoll_names(ev.events, enames, sizeof enames));
    /* Removing a socket closed too early: the kernel already dropped it. */
    if (op == EPOLL_CTL_DEL && (err == NP_EBADF || err == NP_ENOENT)) return NP_OK;
    return err == NP_OK ? NP_OK : np_poll_os_error(native);
}

static np_err epoll_open(np_poller *p)
{
    epoll_state *st = calloc(1, sizeof *st);
    long native = 0;
    np_err err = NP_OK;
    if (!st) return np_err_record(NP_ENOMEM, 0);
    st->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (st->epfd < 0) {
        native = np_sys_last_native();
        err = np_err_from_native(native);
    }
    if (NP_TRACING())
        np_trace_line(st->epfd, native, err, "np_poller_open(epoll) -> epoll_create1(EPOLL_CLOEXEC)");
    if (err != NP_OK) {
        free(st);
        return np_err_record(err, native);
    }
    p->impl = st;
    err = ctl(p, "np_poller_open", EPOLL_CTL_ADD, p->wake.rfd, NP_POLL_IN);
    if (err != NP_OK) np_poll_kernel_close(p, st->epfd, st->buf);
    return err;
}

static void epoll_close(np_poller *p)
{
    epoll_state *st = p->impl;
    if (st) np_poll_kernel_close(p, st->epfd, st->buf);
}

static np_err epoll_add(np_poller *p, np_poll_reg *r)
{
    return ctl(p, "np_poller_add", EPOLL_CTL_ADD, r->fd, r->events);
}

static np_err epoll_modify(np_poller *p, np_poll_reg *r, unsigned old_events)
{
    (void)old_events;
    return ctl(p, "np_poller_modify", EPOLL_CTL_MOD, r->fd, r->events);
}

static np_err epoll_remove(np_poller *p, np_poll_reg *r)
{
    return ctl(p, "np_poller_remove", EPOLL_CTL_DEL, r->fd, 0);
}

static np_err epoll_wait_once(np_poller *p, np_poll_event *ev, int max, int timeout_ms,
                              int *n, int *woken)
{
    epoll_state *st = p->impl;
    /* Never more than registered + the wake-up handle: a huge max costs nothing. */
    int want = max < p->table.count + 1 ? max : p->table.count + 1;
    long native = 0;
    np_err err = NP_OK;
    int got, i;
    struct epoll_event *buf = np_poll_reserve(st->buf, &st->buf_len, want, sizeof *buf);
    if (!buf) return NP_ENOMEM;
    st->buf = buf;
    got = epoll_wait(st->epfd, st->buf, want, timeout_ms);
    if (got < 0) {
        native = np_sys_last_native();
        err = np_err_from_native(native);
    }
    if (NP_TRACING())
        np_trace_line(got, native, err, "np_poller_wait(epoll, %d fds, %dms) -> epoll_wait(%d, ..., %d, %d)",
                      p->table.count, timeout_ms, st->epfd, want, timeout_ms);
    if (got < 0) return np_poll_os_error(native);
    for (i = 0; i < got; i++) {
        np_poll_reg *r = np_poll_ready_reg(p, st->buf[i].data.fd, woken);
        if (r) np_poll_emit(p, r, from_epoll(st->buf[i].events), ev, max, n);
    }
    return NP_OK;
}

const np_poll_backend np_poll_backend_epoll = {
    "epoll", 0, epoll_open, epoll_close, epoll_add, epoll_modify, epoll_remove, epoll_wait_once
};

#endif /* NP_HAVE_EPOLL */
