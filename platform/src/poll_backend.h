/* libnp internal: the poller's shared state and its backend interface.
 *
 * poll.c owns what every backend shares: the registration table (a hash map
 * keyed by the OS handle, because Windows SOCKET values are not small
 * integers), argument checks, the EINTR/deadline loop, fault injection and the
 * wake-up flag. Each backend (poll_epoll.c, poll_kqueue.c, poll_poll.c,
 * win32/poll_wsapoll.c) only talks to its OS API through np_poll_backend.
 * The wake-up handle's OS side lives in posix/poll_wake.c and
 * win32/poll_wake.c. Not installed. */
#ifndef NP_POLL_BACKEND_H
#define NP_POLL_BACKEND_H

#include "np_internal.h"

#include <stdatomic.h>
#include <stddef.h>

/* One registered socket. Entries live inline in the hash table and move when
 * it grows or an entry is deleted: a backend may keep a pointer only for the
 * duration of one call. */
typedef struct np_poll_reg {
    np_os_socket fd;    /* the key */
    np_socket_t sock;   /* NULL marks an empty table slot */
    void *data;
    unsigned events;    /* NP_POLL_IN / NP_POLL_OUT asked for */
    unsigned gen;       /* the wait that last reported it (to merge kqueue filters) */
    int out;            /* its index in that wait's output */
    size_t slot;        /* backend's own index (pollfd position for poll/WSAPoll) */
} np_poll_reg;

typedef struct np_poll_table {
    np_poll_reg *slots;
    size_t cap;         /* a power of two, or 0 */
    unsigned shift;     /* 64 - log2(cap), for Fibonacci hashing */
    int count;
} np_poll_table;

/* The wake-up handle: rfd sits in the backend's set and becomes readable when
 * another thread calls np_poller_wakeup(). `pending` collapses wake-ups so at
 * most one byte (or one eventfd increment) is ever in flight. */
typedef struct np_poll_wake {
    np_os_socket rfd;
    np_os_socket wfd;   /* == rfd for an eventfd */
#if defined(_WIN32)
    np_socket_t pair[2];
#endif
    atomic_int pending;
} np_poll_wake;

typedef struct np_poll_backend np_poll_backend;

struct np_poller {
    const np_poll_backend *be;
    void *impl;         /* the backend's own state */
    np_poll_table table;
    np_poll_wake wake;
    unsigned gen;       /* wait counter */
};

/* What a backend implements. Each call that reaches the OS writes one trace
 * line and, on failure, records the error (np_poll_os_error). */
struct np_poll_backend {
    const char *name;
    /* POSIX: wake with a pipe even where eventfd exists. The poll backend
     * does, so the Linux test suite also runs the pipe used on the BSDs. */
    int pipe_wake;
    np_err (*open)(np_poller *p);          /* also puts p->wake.rfd in its set */
    void (*close)(np_poller *p);
    np_err (*add)(np_poller *p, np_poll_reg *r);
    np_err (*modify)(np_poller *p, np_poll_reg *r, unsigned old_events);
    np_err (*remove)(np_poller *p, np_poll_reg *r);
    /* One OS wait of at most timeout_ms (-1: forever, already clamped to int).
     * Fills at most max events and sets *n; sets *woken when the wake-up
     * handle fired (the backend drains it with np_poll_wake_drain). May return
     * NP_EINTR, which the caller retries. */
    np_err (*wait)(np_poller *p, np_poll_event *ev, int max, int timeout_ms, int *n, int *woken);
};

#if NP_HAVE_EPOLL
extern const np_poll_backend np_poll_backend_epoll;
#endif
#if NP_HAVE_KQUEUE
extern const np_poll_backend np_poll_backend_kqueue;
#endif
#if !defined(_WIN32)
extern const np_poll_backend np_poll_backend_poll;
#else
extern const np_poll_backend np_poll_backend_wsapoll;
#endif


/* ---- registration table (poll.c) ----------------------------------------- */

np_poll_reg *np_poll_table_find(np_poll_table *t, np_os_socket fd);

/* ---- helpers for backends (poll.c) --------------------------------------- */

/* The np_err for the native code of a failed OS call (already traced by the
 * caller), recorded as the thread's last error unless it is EINTR, which
 * np_poller_wait retries. */
np_err np_poll_os_error(long native);

/* Append "IN|OUT"-style names of NP_POLL_* bits to buf (for trace lines). */
const char *np_poll_events_str(unsigned events, char *buf, size_t len);

/* The event word reported for r given what the OS said (NP_POLL_* bits):
 * IN/OUT only if asked for, ERR/HUP always. */
static inline unsigned np_poll_mask(const np_poll_reg *r, unsigned ready)
{
    return ready & (r->events | NP_POLL_ERR | NP_POLL_HUP);
}

/* Add `ready` for r to the output of the current wait, merging with an entry
 * already emitted for the same socket (kqueue reports read and write filters
 * separately). Returns 0 when the output is full and r is not yet in it. */
int np_poll_emit(np_poller *p, np_poll_reg *r, unsigned ready,
                 np_poll_event *ev, int max, int *n);

/* The registration for a socket the OS reported ready, or NULL: NULL too for
 * the wake-up handle, which this drains (setting *woken). */
np_poll_reg *np_poll_ready_reg(np_poller *p, np_os_socket fd, int *woken);

#if NP_HAVE_EPOLL || NP_HAVE_KQUEUE
/* ---- kernel-queue backends: epoll, kqueue (poll.c) ----------------------- */

/* buf with room for `want` events of `size` bytes (realloc'd, *buf_len
 * updated), or NULL with NP_ENOMEM recorded and buf left as it was. */
void *np_poll_reserve(void *buf, int *buf_len, int want, size_t size);

/* Close the kernel queue kfd and free its event buffer and p->impl. */
void np_poll_kernel_close(np_poller *p, int kfd, void *buf);
#endif

/* ---- wake-up handle: OS side (posix/poll_wake.c, win32/poll_wake.c) ----- */

np_err np_poll_wake_open(np_poll_wake *w, int pipe_wake);
void np_poll_wake_close(np_poll_wake *w);
/* Make rfd readable (one byte / one increment). */
np_err np_poll_wake_signal(np_poll_wake *w);
/* Empty rfd, then let the next np_poller_wakeup() signal again. */
void np_poll_wake_drain(np_poll_wake *w);

/* ---- pollfd arrays shared by poll() and WSAPoll() (poll_pollset.c) -------- */

#if defined(_WIN32)
typedef WSAPOLLFD np_pollfd;
#else
typedef struct pollfd np_pollfd;
#endif

/* fds[0] is the wake-up handle; registered sockets follow in any order. */
typedef struct np_pollset {
    np_pollfd *fds;
    size_t len, cap;
    size_t scan;        /* where the next harvest starts, so a full output
                           does not starve the sockets at the end */
} np_pollset;

np_err np_pollset_init(np_pollset *ps, np_os_socket wake_fd, short wake_events);
void np_pollset_free(np_pollset *ps);
/* Append fd; its position goes to r->slot. */
np_err np_pollset_add(np_pollset *ps, np_poll_reg *r, short events);
/* Drop r's entry by moving the last one into its place (fixing that one's
 * r->slot through the table). */
void np_pollset_remove(np_pollset *ps, np_poller *p, np_poll_reg *r);
/* After the OS wait: drain the wake-up handle if it fired, then report up to
 * max ready sockets, mapping revents with to_np. */
void np_pollset_harvest(np_pollset *ps, np_poller *p, unsigned (*to_np)(short revents),
                        np_poll_event *ev, int max, int *n, int *woken);

#endif /* NP_POLL_BACKEND_H */
