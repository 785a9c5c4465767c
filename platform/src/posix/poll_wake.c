/* libnp: the poller's wake-up handle on POSIX.
 *
 * An eventfd where Linux has one (one descriptor, a counter that never
 * fills), else (and for the poll backend, so that this path is tested on
 * Linux too) a pipe: both ends close-on-exec and non-blocking, so neither a
 * waker nor the drain can ever block. np_poller_wakeup() collapses wake-ups,
 * so at most one byte is ever in the pipe. */
#include "../poll_backend.h"

#include <stdint.h>

/* Close-on-exec, non-blocking pipe: atomically with pipe2 where it exists. */
static int open_pipe(int fds[2])
{
#if NP_HAVE_PIPE2
    return pipe2(fds, O_CLOEXEC | O_NONBLOCK);
#else
    int i;
    if (pipe(fds) != 0) return -1;
    for (i = 0; i < 2; i++) {
        if (fcntl(fds[i], F_SETFD, FD_CLOEXEC) != 0 ||
            fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK) != 0) {
            int saved = errno;
            close(fds[0]);
            close(fds[1]);
            errno = saved;
            return -1;
        }
    }
    return 0;
#endif
}

static np_err wake_open_pipe(np_poll_wake *w)
{
    int fds[2];
    int rc = open_pipe(fds);
    long native = rc != 0 ? np_sys_last_native() : 0;
    np_err err = rc != 0 ? np_err_from_native(native) : NP_OK;
    if (NP_TRACING())
        np_trace_line(rc, native, err, "np_poller_open -> %s([%d, %d], O_CLOEXEC|O_NONBLOCK)",
                      NP_HAVE_PIPE2 ? "pipe2" : "pipe", rc ? -1 : fds[0], rc ? -1 : fds[1]);
    if (rc != 0) return np_err_record(err, native);
    w->rfd = fds[0];
    w->wfd = fds[1];
    return NP_OK;
}

#if NP_HAVE_EVENTFD
static np_err wake_open_eventfd(np_poll_wake *w)
{
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    long native = fd < 0 ? np_sys_last_native() : 0;
    np_err err = fd < 0 ? np_err_from_native(native) : NP_OK;
    if (NP_TRACING())
        np_trace_line(fd, native, err, "np_poller_open -> eventfd(0, EFD_CLOEXEC|EFD_NONBLOCK)");
    if (fd < 0) return np_err_record(err, native);
    w->rfd = w->wfd = fd;
    return NP_OK;
}
#endif

np_err np_poll_wake_open(np_poll_wake *w, int pipe_wake)
{
#if NP_HAVE_EVENTFD
    if (!pipe_wake) return wake_open_eventfd(w);
#endif
    (void)pipe_wake;
    return wake_open_pipe(w);
}

void np_poll_wake_close(np_poll_wake *w)
{
    if (w->wfd != w->rfd) close(w->wfd);
    close(w->rfd);
    w->rfd = w->wfd = -1;
}

np_err np_poll_wake_signal(np_poll_wake *w)
{
    /* An eventfd (one descriptor) takes an 8-byte increment, a pipe a byte. */
    uint64_t one = 1;
    const void *buf = w->rfd == w->wfd ? (const void *)&one : (const void *)"w";
    size_t len = w->rfd == w->wfd ? sizeof one : 1;
    ssize_t rc;
    long native;
    np_err err;
    do rc = write(w->wfd, buf, len);
    while (rc < 0 && errno == EINTR);
    /* EAGAIN means the handle is already readable: the wait will wake. */
    native = rc < 0 && errno != EAGAIN ? np_sys_last_native() : 0;
    err = native ? np_err_from_native(native) : NP_OK;
    if (NP_TRACING())
        np_trace_line(rc, native, err, "np_poller_wakeup -> write(%d, ..., %zu)", w->wfd, len);
    return err == NP_OK ? NP_OK : np_err_record(err, native);
}

void np_poll_wake_drain(np_poll_wake *w)
{
    char buf[64];
    ssize_t rc;
    /* Empty first, then reopen the gate: a waker that finds the flag still
     * set is merged into this wake-up, which the current wait reports. */
    do rc = read(w->rfd, buf, sizeof buf);
    while (rc > 0 || (rc < 0 && errno == EINTR));
    atomic_store(&w->pending, 0);
}
