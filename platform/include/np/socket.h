/* libnp: sockets.
 *
 * An np_socket_t is a handle to a libnp socket object that owns one OS socket
 * (an int descriptor on POSIX, a SOCKET on Windows) plus its family, type and
 * timeout mode. Sockets are created close-on-exec / non-inheritable, atomically
 * where the OS allows (SOCK_CLOEXEC, WSA_FLAG_NO_HANDLE_INHERIT). Writing to a
 * connection the peer has closed fails with NP_EPIPE; it never raises SIGPIPE.
 *
 * Timeout modes, as in Python's socket module, per socket:
 *   blocking     (NP_TIMEOUT_BLOCKING, the default) calls wait as long as needed;
 *   non-blocking (0) calls that would wait fail at once with NP_EAGAIN
 *                (connect: NP_EINPROGRESS);
 *   timeout      (> 0 milliseconds) connect, accept, send, recv, sendto,
 *                recvfrom, sendall and recv_exact wait at most that long, measured
 *                on a monotonic clock, and fail with NP_ETIMEDOUT. sendall and
 *                recv_exact apply the timeout to the whole call. EINTR and
 *                spurious wake-ups are retried against the same deadline.
 *
 * Every function returns NP_OK or a negative np_err (see error.h); on failure
 * it also records the error for np_last_error() / np_last_native_error().
 * np_init() must have been called (see np.h). */
#ifndef NP_SOCKET_H
#define NP_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"
#include "error.h"
#include "addr.h"

NP_BEGIN_DECLS

typedef struct np_sock *np_socket_t;
#define NP_INVALID_SOCKET ((np_socket_t)0)

/* The OS handle type: SOCKET (an unsigned pointer-sized integer) on Windows,
 * an int file descriptor elsewhere. */
#if defined(_WIN32)
typedef uintptr_t np_os_socket;
#define NP_OS_INVALID_SOCKET (~(np_os_socket)0)
#else
typedef int np_os_socket;
#define NP_OS_INVALID_SOCKET (-1)
#endif

#define NP_TIMEOUT_BLOCKING (-1)
#define NP_TIMEOUT_NONBLOCKING 0

typedef enum np_shutdown_how {
    NP_SHUT_RD = 0,   /* SHUT_RD / SD_RECEIVE */
    NP_SHUT_WR = 1,   /* SHUT_WR / SD_SEND */
    NP_SHUT_RDWR = 2  /* SHUT_RDWR / SD_BOTH */
} np_shutdown_how;

/* ---- life cycle ---------------------------------------------------------- */

/* socket(): a new socket in blocking mode. NP_EAFNOSUPPORT where the family is
 * missing (AF_UNIX on older Windows and under Wine). */
NP_API np_err np_socket_open(np_family family, np_socktype type, np_socket_t *out);

/* Close the OS socket and free the object. The handle is invalid afterwards
 * even when an error is returned (an EINTR from close() is not retried: the
 * descriptor is gone). Closing NP_INVALID_SOCKET is a no-op. */
NP_API np_err np_socket_close(np_socket_t s);

/* Adopt an existing OS socket (e.g. one inherited from a parent); its family
 * and type are read from the OS. The new object is in blocking mode and the
 * OS socket is made blocking. */
NP_API np_err np_socket_from_os(np_os_socket handle, np_socket_t *out);

/* The OS handle (fileno()). NP_OS_INVALID_SOCKET for NP_INVALID_SOCKET. */
NP_API np_os_socket np_socket_fileno(np_socket_t s);

/* Free the object without closing the OS socket, which the caller now owns. */
NP_API np_os_socket np_socket_detach(np_socket_t s);

NP_API np_family np_socket_family(np_socket_t s);
NP_API np_socktype np_socket_type(np_socket_t s);

/* ---- timeout mode -------------------------------------------------------- */

/* ms: NP_TIMEOUT_BLOCKING (-1), NP_TIMEOUT_NONBLOCKING (0) or a timeout > 0.
 * Any other negative value is NP_EINVAL. */
NP_API np_err np_socket_set_timeout(np_socket_t s, int64_t ms);
NP_API int64_t np_socket_get_timeout(np_socket_t s);

/* Shorthand: blocking != 0 means NP_TIMEOUT_BLOCKING, 0 means non-blocking. */
NP_API np_err np_socket_set_blocking(np_socket_t s, int blocking);

/* ---- connections --------------------------------------------------------- */

NP_API np_err np_bind(np_socket_t s, const np_addr *addr);
NP_API np_err np_listen(np_socket_t s, int backlog);

/* accept(): *out is a new socket, close-on-exec. It starts in blocking mode,
 * unless the listener is non-blocking, in which case it is non-blocking too
 * (so event loops need no extra call). peer may be NULL. */
NP_API np_err np_accept(np_socket_t s, np_socket_t *out, np_addr *peer);

/* connect(). In blocking and timeout mode the call returns once the connection
 * is made or has failed (NP_ECONNREFUSED, NP_ETIMEDOUT, ...); the outcome of an
 * asynchronous connect is read with SO_ERROR, never inferred from poll alone.
 * In non-blocking mode it returns NP_EINPROGRESS (on every platform) when the
 * connection is under way; finish it with np_socket_take_error() once the socket
 * is writable. */
NP_API np_err np_connect(np_socket_t s, const np_addr *addr);

/* Like np_connect(), but an expected outcome, not a failure: it returns the
 * code (NP_OK, NP_EINPROGRESS, NP_ECONNREFUSED, ...) without recording it as
 * this thread's last error, as Python's connect_ex() returns errno. */
NP_API np_err np_connect_ex(np_socket_t s, const np_addr *addr);

/* Read and clear the socket's pending error (SO_ERROR), mapped to np_err. */
NP_API np_err np_socket_take_error(np_socket_t s);

NP_API np_err np_shutdown(np_socket_t s, np_shutdown_how how);
NP_API np_err np_getsockname(np_socket_t s, np_addr *out);
NP_API np_err np_getpeername(np_socket_t s, np_addr *out);

/* ---- data ---------------------------------------------------------------- */

/* send(): *sent (may be NULL) is the number of bytes taken, possibly fewer than
 * len. Lengths above INT_MAX are clamped on Windows, whose send() takes int. */
NP_API np_err np_send(np_socket_t s, const void *buf, size_t len, size_t *sent);

/* One piece of a gathered send. */
typedef struct np_iovec {
    const void *base;
    size_t len;
} np_iovec;

/* The most pieces one np_sendv takes. */
#define NP_IOV_MAX 64

/* Gathered send(): the iovcnt pieces (1 to NP_IOV_MAX), in order, with one OS
 * call (sendmsg / WSASend; a single piece is a plain send, which the kernel
 * takes faster), so many small buffers leave in one system call and can share
 * a TCP segment. Like np_send it may take fewer bytes than all the
 * pieces hold: *sent (may be NULL) counts them across pieces. */
NP_API np_err np_sendv(np_socket_t s, const np_iovec *iov, int iovcnt, size_t *sent);

/* recv(): NP_OK with *got == 0 means the peer closed its side (end of stream). */
NP_API np_err np_recv(np_socket_t s, void *buf, size_t len, size_t *got);

/* recv() with MSG_PEEK: the bytes stay queued. */
NP_API np_err np_recv_peek(np_socket_t s, void *buf, size_t len, size_t *got);

/* Send all of buf, looping over short writes. On failure *sent (may be NULL)
 * tells how much went out first. In non-blocking mode it may fail with
 * NP_EAGAIN after a partial write. */
NP_API np_err np_sendall(np_socket_t s, const void *buf, size_t len, size_t *sent);

/* Receive exactly len bytes. NP_EEOF if the peer closed first (*got, may be
 * NULL, tells how many came). */
NP_API np_err np_recv_exact(np_socket_t s, void *buf, size_t len, size_t *got);

NP_API np_err np_sendto(np_socket_t s, const void *buf, size_t len,
                        const np_addr *to, size_t *sent);
/* from may be NULL. A datagram longer than len is truncated; on Windows that is
 * reported as NP_EMSGSIZE with the first len bytes in buf, elsewhere as NP_OK. */
NP_API np_err np_recvfrom(np_socket_t s, void *buf, size_t len, np_addr *from,
                          size_t *got);

/* ---- socket pairs -------------------------------------------------------- */

/* Two connected sockets. family NP_AF_UNSPEC picks the best local kind: the
 * native socketpair(AF_UNIX) on POSIX; on Windows AF_UNIX where it works,
 * otherwise a loopback TCP (or UDP for NP_SOCK_DGRAM) pair whose peer is
 * verified to be our own socket before it is returned, so another local
 * process cannot connect in first. NP_AF_INET / NP_AF_INET6 force the loopback
 * form on every platform. */
NP_API np_err np_socketpair(np_family family, np_socktype type, np_socket_t out[2]);

/* ---- convenience --------------------------------------------------------- */

/* Like Python's socket.create_connection(): resolve host, try each address in
 * turn with timeout_ms (NP_TIMEOUT_BLOCKING to wait as the OS does), return the
 * first connected socket, in blocking mode. The error of the last attempt is
 * returned when all fail. */
NP_API np_err np_tcp_connect(const char *host, uint16_t port, int64_t timeout_ms,
                             np_socket_t *out);

/* A listening TCP socket on addr with SO_REUSEADDR (SO_EXCLUSIVEADDRUSE on
 * Windows) set. For an IPv6 address, dual_stack != 0 also accepts IPv4. */
NP_API np_err np_tcp_listen(const np_addr *addr, int backlog, int dual_stack,
                            np_socket_t *out);

/* ---- options ------------------------------------------------------------- */

/* Let a listener rebind a port in TIME_WAIT: SO_REUSEADDR on POSIX. On Windows
 * this sets SO_EXCLUSIVEADDRUSE instead, because SO_REUSEADDR there lets another
 * process steal a bound port; Windows already allows rebinding in TIME_WAIT. */
NP_API np_err np_set_reuseaddr(np_socket_t s, int on);
/* SO_REUSEPORT; NP_EOPNOTSUPP where the OS has none (Windows). */
NP_API np_err np_set_reuseport(np_socket_t s, int on);
NP_API np_err np_set_nodelay(np_socket_t s, int on);      /* TCP_NODELAY */
NP_API np_err np_set_keepalive(np_socket_t s, int on);    /* SO_KEEPALIVE */
NP_API np_err np_set_broadcast(np_socket_t s, int on);    /* SO_BROADCAST */
NP_API np_err np_set_v6only(np_socket_t s, int on);       /* IPV6_V6ONLY; 0 = dual stack */
/* SO_LINGER: on != 0 makes close() wait up to seconds for unsent data;
 * on with 0 seconds resets the connection at close. */
NP_API np_err np_set_linger(np_socket_t s, int on, int seconds);
NP_API np_err np_set_sndbuf(np_socket_t s, int bytes);    /* SO_SNDBUF */
NP_API np_err np_set_rcvbuf(np_socket_t s, int bytes);    /* SO_RCVBUF */
NP_API np_err np_get_sndbuf(np_socket_t s, int *bytes);
NP_API np_err np_get_rcvbuf(np_socket_t s, int *bytes);
NP_API np_err np_get_option_flag(np_socket_t s, int which, int *on); /* NP_OPT_* */

enum { NP_OPT_REUSEADDR = 1, NP_OPT_REUSEPORT, NP_OPT_NODELAY, NP_OPT_KEEPALIVE,
       NP_OPT_BROADCAST, NP_OPT_V6ONLY };

/* Raw getsockopt()/setsockopt() with the OS's own level and name numbers, for
 * options libnp has no helper for. */
NP_API np_err np_setsockopt(np_socket_t s, int level, int name,
                            const void *value, size_t len);
NP_API np_err np_getsockopt(np_socket_t s, int level, int name,
                            void *value, size_t *len);

NP_END_DECLS

#endif /* NP_SOCKET_H */
