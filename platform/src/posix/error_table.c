/* libnp: errno -> np_err for POSIX systems (Linux, the BSDs, macOS).
 *
 * Values that are aliases on some systems and distinct on others
 * (EWOULDBLOCK/EAGAIN, ENOTSUP/EOPNOTSUPP) are listed a second time only when
 * they differ, so the table never holds one value twice. Codes outside
 * POSIX proper (ESHUTDOWN, EHOSTDOWN, ...) are guarded with #ifdef so the file
 * builds on any libc. */
#include <errno.h>

#include "error_table.h"

#define NP_MAP(e, np) { (long)(e), (np), #e }

const struct np_native_map np_native_errors[] = {
    NP_MAP(EAGAIN, NP_EAGAIN),
#if defined(EWOULDBLOCK) && EWOULDBLOCK != EAGAIN
    NP_MAP(EWOULDBLOCK, NP_EAGAIN),
#endif
    NP_MAP(EINPROGRESS, NP_EINPROGRESS),
    NP_MAP(EINTR, NP_EINTR),
    NP_MAP(ECONNREFUSED, NP_ECONNREFUSED),
    NP_MAP(ECONNRESET, NP_ECONNRESET),
    NP_MAP(ECONNABORTED, NP_ECONNABORTED),
    NP_MAP(ETIMEDOUT, NP_ETIMEDOUT),
    NP_MAP(EADDRINUSE, NP_EADDRINUSE),
    NP_MAP(EADDRNOTAVAIL, NP_EADDRNOTAVAIL),
    NP_MAP(ENETUNREACH, NP_ENETUNREACH),
    NP_MAP(ENETDOWN, NP_ENETDOWN),
    /* The network dropped the connection (e.g. keep-alive failure): to the
     * caller this is a reset connection, as WSAENETRESET is on Windows. */
    NP_MAP(ENETRESET, NP_ECONNRESET),
    NP_MAP(EHOSTUNREACH, NP_EHOSTUNREACH),
#ifdef EHOSTDOWN
    NP_MAP(EHOSTDOWN, NP_EHOSTUNREACH),
#endif
    NP_MAP(EPIPE, NP_EPIPE),
    NP_MAP(ENOTCONN, NP_ENOTCONN),
    /* sendto() without an address on an unconnected datagram socket: Windows
     * reports WSAENOTCONN for the same mistake. */
    NP_MAP(EDESTADDRREQ, NP_ENOTCONN),
    NP_MAP(EISCONN, NP_EISCONN),
    NP_MAP(ENOTSOCK, NP_ENOTSOCK),
    NP_MAP(EBADF, NP_EBADF),
    NP_MAP(EMSGSIZE, NP_EMSGSIZE),
    NP_MAP(EAFNOSUPPORT, NP_EAFNOSUPPORT),
#ifdef EPFNOSUPPORT
    NP_MAP(EPFNOSUPPORT, NP_EAFNOSUPPORT),
#endif
    NP_MAP(EPROTONOSUPPORT, NP_EPROTONOSUPPORT),
    NP_MAP(EPROTOTYPE, NP_EPROTONOSUPPORT),
#ifdef ESOCKTNOSUPPORT
    NP_MAP(ESOCKTNOSUPPORT, NP_EPROTONOSUPPORT),
#endif
    NP_MAP(EOPNOTSUPP, NP_EOPNOTSUPP),
#if defined(ENOTSUP) && ENOTSUP != EOPNOTSUPP
    NP_MAP(ENOTSUP, NP_EOPNOTSUPP),
#endif
    NP_MAP(EINVAL, NP_EINVAL),
    /* A bad pointer reached the kernel: a caller error, as WSAEFAULT is. */
    NP_MAP(EFAULT, NP_EINVAL),
    NP_MAP(EACCES, NP_EACCES),
    /* bind() to a privileged port or a forbidden operation: the caller
     * cannot tell EPERM from EACCES usefully, and Windows has only one. */
    NP_MAP(EPERM, NP_EACCES),
    NP_MAP(EMFILE, NP_EMFILE),
    NP_MAP(ENFILE, NP_ENFILE),
    NP_MAP(ENOBUFS, NP_ENOBUFS),
    NP_MAP(ENOMEM, NP_ENOMEM),
    NP_MAP(EALREADY, NP_EALREADY),
    NP_MAP(ENOPROTOOPT, NP_ENOPROTOOPT),
#ifdef ESHUTDOWN
    NP_MAP(ESHUTDOWN, NP_ESHUTDOWN),
#endif
    NP_MAP(ENOENT, NP_ENOENT),
    NP_MAP(ENAMETOOLONG, NP_ENAMETOOLONG),
};

const size_t np_native_errors_count = sizeof np_native_errors / sizeof np_native_errors[0];
