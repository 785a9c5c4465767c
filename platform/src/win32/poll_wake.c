/* libnp: the poller's wake-up handle on Windows.
 *
 * WSAPoll waits on sockets only (no pipes, no events), so the handle is a
 * loopback TCP socket pair from np_socketpair (authenticated, so no other
 * process can slip in as the peer). The read end sits in the WSAPoll set.
 * Both ends are non-blocking, so neither a waker nor the drain ever blocks,
 * and the write end has TCP_NODELAY: with Nagle on, a second wake-up could
 * sit behind the first one's delayed ACK for up to 200 ms. Raw send/recv are
 * used rather than np_send/np_recv so that fault injection on those never
 * hits the poller's own plumbing. */
#include "../poll_backend.h"

np_err np_poll_wake_open(np_poll_wake *w, int pipe_wake)
{
    (void)pipe_wake;   /* sockets are all WSAPoll can wait on */
    np_err err = np_socketpair(NP_AF_INET, NP_SOCK_STREAM, w->pair);
    if (err != NP_OK) return err;
    if ((err = np_socket_set_blocking(w->pair[0], 0)) != NP_OK ||
        (err = np_socket_set_blocking(w->pair[1], 0)) != NP_OK ||
        (err = np_set_nodelay(w->pair[1], 1)) != NP_OK) {
        np_socket_close(w->pair[0]);
        np_socket_close(w->pair[1]);
        return err;
    }
    w->rfd = w->pair[0]->fd;
    w->wfd = w->pair[1]->fd;
    return NP_OK;
}

void np_poll_wake_close(np_poll_wake *w)
{
    np_socket_close(w->pair[0]);
    np_socket_close(w->pair[1]);
    w->pair[0] = w->pair[1] = NP_INVALID_SOCKET;
    w->rfd = w->wfd = NP_OS_INVALID_SOCKET;
}

np_err np_poll_wake_signal(np_poll_wake *w)
{
    int rc = send((SOCKET)w->wfd, "w", 1, 0);
    long native = rc == SOCKET_ERROR ? np_sys_last_native() : 0;
    np_err err;
    /* WSAEWOULDBLOCK: the pair is already full of wake-ups; the wait will wake. */
    if (native == WSAEWOULDBLOCK) native = 0;
    err = native ? np_err_from_native(native) : NP_OK;
    if (NP_TRACING())
        np_trace_line(rc, native, err, "np_poller_wakeup -> send(%lld, \"w\", 1, 0)",
                      NP_TRACE_FD(w->wfd));
    return err == NP_OK ? NP_OK : np_err_record(err, native);
}

void np_poll_wake_drain(np_poll_wake *w)
{
    char buf[64];
    /* Empty first, then reopen the gate: a waker that finds the flag still
     * set is merged into this wake-up, which the current wait reports. */
    while (recv((SOCKET)w->rfd, buf, (int)sizeof buf, 0) > 0) {
    }
    atomic_store(&w->pending, 0);
}
