/* libnp: readiness poller.
 *
 * One interface over the best readiness API of each platform, chosen at build
 * time: epoll (Linux), kqueue (BSDs, macOS), poll (any other POSIX), WSAPoll
 * (Windows). Notification is level-triggered on every backend: a socket keeps
 * being reported while it stays ready.
 *
 * Windows limit: WSAPoll does not report a failed non-blocking connect on many
 * Windows builds. Do not wait for an outgoing connect with the poller there:
 * use np_connect() in timeout mode, or check np_socket_take_error() after a
 * deadline. Accepted and connected sockets are unaffected.
 *
 * A poller is used from one thread; np_poller_wakeup() is the one call that
 * may come from any thread. */
#ifndef NP_POLL_H
#define NP_POLL_H

#include <stdint.h>
#include "export.h"
#include "error.h"
#include "socket.h"

NP_BEGIN_DECLS

enum {
    NP_POLL_IN = 1,    /* readable, or a listener has a connection to accept */
    NP_POLL_OUT = 2,   /* writable, or an outgoing connect has finished */
    NP_POLL_ERR = 4,   /* error pending (reported whether asked for or not) */
    NP_POLL_HUP = 8    /* peer hung up (reported whether asked for or not) */
};

typedef struct np_poller np_poller;

typedef struct np_poll_event {
    np_socket_t sock;
    unsigned events;   /* NP_POLL_* that are ready */
    void *data;        /* what was given at np_poller_add / np_poller_modify */
} np_poll_event;

NP_API np_err np_poller_open(np_poller **out);
/* Open a poller on a named backend: "epoll", "kqueue", "poll" or "wsapoll";
 * NULL for the build's default (what np_poller_open uses). NP_EOPNOTSUPP when
 * that backend is not available on this platform. Useful to test a program on
 * every backend the machine has (on Linux: epoll and poll). */
NP_API np_err np_poller_open_backend(const char *name, np_poller **out);
NP_API void np_poller_close(np_poller *p);

/* Watch s for events (NP_POLL_IN | NP_POLL_OUT; 0 watches errors only).
 * NP_EINVAL if s is already registered with this poller. */
NP_API np_err np_poller_add(np_poller *p, np_socket_t s, unsigned events, void *data);
NP_API np_err np_poller_modify(np_poller *p, np_socket_t s, unsigned events, void *data);
/* Stop watching s. Call it before closing a registered socket. */
NP_API np_err np_poller_remove(np_poller *p, np_socket_t s);

/* Wait up to timeout_ms (-1 forever, 0 to poll) for events; fills at most max
 * entries and sets *n (0 on timeout or wake-up). EINTR is retried against the
 * deadline. */
NP_API np_err np_poller_wait(np_poller *p, np_poll_event *events, int max,
                             int64_t timeout_ms, int *n);

/* Make a current or the next np_poller_wait() return early. Safe from any
 * thread; several wake-ups before a wait collapse into one. */
NP_API np_err np_poller_wakeup(np_poller *p);

/* "epoll", "kqueue", "poll" or "wsapoll". */
NP_API const char *np_poller_backend(const np_poller *p);

/* Number of sockets registered. */
NP_API int np_poller_count(const np_poller *p);

NP_END_DECLS

#endif /* NP_POLL_H */
