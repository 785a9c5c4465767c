/* libnp: the Natter portability layer — one C API over BSD sockets and Winsock.
 *
 *     #include <np/np.h>
 *
 *     np_init();
 *     np_socket_t s;
 *     if (np_tcp_connect("example.org", 80, 5000, &s) == NP_OK) { ... }
 *     np_cleanup();
 *
 * Headers: error.h (np_err codes), addr.h (addresses, resolution), socket.h
 * (sockets, timeouts, options, socketpair), poll.h (readiness poller),
 * thread.h, clock.h, trace.h (NP_TRACE), fault.h (test hook), proc.h (fork
 * helpers where fork() exists). None includes an OS header. */
#ifndef NP_NP_H
#define NP_NP_H

#include <np/config.h>
#include "export.h"
#include "error.h"
#include "addr.h"
#include "socket.h"
#include "poll.h"
#include "thread.h"
#include "clock.h"
#include "trace.h"
#include "fault.h"
#include "proc.h"
#include "signal.h"

NP_BEGIN_DECLS

/* Start libnp: WSAStartup(2.2) on Windows; on POSIX, SIGPIPE is set to be
 * ignored if it is still at its default action (libnp also sends with
 * MSG_NOSIGNAL / SO_NOSIGPIPE, so this is a backstop). Reads NP_TRACE,
 * NP_TRACE_FILE and NP_FAULT on the first call. Reference counted and thread
 * safe: every np_init() that returned NP_OK needs one np_cleanup(), and
 * libraries may call both freely. */
NP_API np_err np_init(void);
NP_API void np_cleanup(void);

/* "0.1.0": the version of the library actually loaded. */
NP_API const char *np_version(void);

NP_END_DECLS

#endif /* NP_NP_H */
