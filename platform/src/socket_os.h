/* libnp internal: what the socket core (socket.c, sockopt.c, socketpair*.c)
 * shares with its per-OS primitives (posix/os_socket.c, win32/os_socket.c and
 * the socketpair files). Only the calls that really differ between BSD sockets
 * and Winsock live in the OS files; everything else is in socket.c. */
#ifndef NP_SOCKET_OS_H
#define NP_SOCKET_OS_H

#include "np_internal.h"

/* ---- the outcome of one OS call ----------------------------------------- */

/* err is NP_OK or the portable code (already recorded as the thread's last
 * error); native the OS code behind it, 0 for an injected fault. */
typedef struct np_os_res {
    np_err err;
    long native;
} np_os_res;

/* Read the native error right after a call (failed != 0) and record it. */
np_os_res np_os_result(int failed);
/* An injected fault in place of the OS call: recorded with native 0. */
np_os_res np_os_injected(np_err err);

/* One trace line for the OS call just made; the arguments are only evaluated
 * when tracing, so formatting costs nothing otherwise. */
#define NP_OS_TRACE(rc, res, ...) do { if (NP_TRACING()) \
    np_trace_line((long long)(rc), (res).native, (res).err, __VA_ARGS__); } while (0)

/* "SOCK_STREAM" / "SOCK_DGRAM" / "?" for trace lines. */
const char *np_socktype_name(int native_type);

/* ---- socket.c ------------------------------------------------------------ */

/* Wrap an OS socket in a new object (blocking mode unless nonblocking_mode).
 * os_nonblocking is the OS socket's actual state. On failure (NP_ENOMEM) the OS
 * socket is closed. */
np_err np_sock_adopt(np_os_socket fd, np_family family, np_socktype type,
                     int nonblocking_mode, int os_nonblocking, np_socket_t *out);

/* Close s (NP_INVALID_SOCKET is fine) without letting the close hide err, the
 * error that made us give up; returns err. */
np_err np_sock_close_keep(np_socket_t s, np_err err);

/* The start of every np_os_wait(): 1 if an NP_FAULT_WAIT fault fired (traced,
 * recorded, *err set). */
int np_os_wait_injected(np_os_socket fd, int for_write, np_err *err);

/* A wait of timeout_ms (-1: forever) as the int milliseconds poll()/select()
 * take. *clamped is set when the wait had to be shortened; np_os_wait then
 * reports NP_EINTR on expiry so its caller re-checks its own deadline. */
int np_os_wait_ms(int64_t timeout_ms, int *clamped);

/* ---- sockopt.c ----------------------------------------------------------- */

/* Per-socket setup every new OS socket gets (SO_NOSIGPIPE where the OS has it
 * and no MSG_NOSIGNAL). A no-op elsewhere. */
np_err np_sockopt_on_create(np_os_socket fd, const char *caller);

/* ---- posix/os_socket.c, win32/os_socket.c -------------------------------- */

/* Winsock reports a connect under way as WSAEWOULDBLOCK (NP_EAGAIN); on POSIX
 * EAGAIN from connect means something else (a full AF_UNIX backlog). */
#if defined(_WIN32)
#  define NP_OS_CONNECT_EAGAIN_IN_PROGRESS 1
#  define NP_OS_WAIT_NAME "select"
#else
#  define NP_OS_CONNECT_EAGAIN_IN_PROGRESS 0
#  define NP_OS_WAIT_NAME "poll"
#endif

/* A new close-on-exec / non-inheritable socket, atomically where possible.
 * caller names the libnp call in the trace line. */
np_err np_os_socket_create(int af, int type, const char *caller, np_os_socket *out);

/* close() / closesocket(). NP_EINTR means the socket is gone anyway. */
np_err np_os_close(np_os_socket fd, const char *caller);

/* Close fd, a socket just made that err (from setting it up) leaves unusable,
 * keeping err and its native code as the thread's last error. Returns err. */
np_err np_os_close_failed(np_os_socket fd, np_err err, const char *caller);

/* Set the OS socket's non-blocking flag (fcntl / ioctlsocket FIONBIO). */
np_err np_os_set_nonblocking(np_os_socket fd, int on, const char *caller);

/* accept(): *out is close-on-exec / non-inheritable; *peer its address.
 * *mode_set tells whether the OS already put it in the wanted blocking state
 * (accept4 with SOCK_NONBLOCK); when 0 the caller must set it, since BSD and
 * Windows copy the listener's non-blocking flag to the new socket. */
np_err np_os_accept(np_os_socket fd, int nonblock, np_addr *peer, np_os_socket *out,
                    int *mode_set);

#if !defined(_WIN32)
/* FD_CLOEXEC, for systems without SOCK_CLOEXEC (posix/ only). */
np_err np_os_set_cloexec(np_os_socket fd, const char *caller);
#endif

/* The native family (AF_*) and type (SOCK_*) of an existing OS socket. */
np_err np_os_socket_kind(np_os_socket fd, int *af, int *type);

/* ---- posix/socketpair.c, win32/socketpair.c ---------------------------- */

/* np_socketpair() on this OS: the native pair, or the loopback one. */
np_err np_socketpair_os(np_family family, np_socktype type, np_socket_t out[2]);

/* ---- socketpair_loopback.c ----------------------------------------------- */

/* Argument checks shared by both np_socketpair() implementations. */
np_err np_socketpair_check(np_family family, np_socktype type, np_socket_t out[2]);

/* The loopback pair (family NP_AF_INET or NP_AF_INET6), peer authenticated. */
np_err np_socketpair_loopback(np_family family, np_socktype type, np_socket_t out[2]);

/* Connect a new stream socket of family to listener (listening on addr) and
 * accept it: out[0] the client, out[1] the accepted end, both blocking. With
 * verify_peer, a connection whose peer is not our client is dropped. */
np_err np_socketpair_connect_accept(np_socket_t listener, np_family family,
                                    const np_addr *addr, int verify_peer,
                                    np_socket_t out[2]);

#endif /* NP_SOCKET_OS_H */
