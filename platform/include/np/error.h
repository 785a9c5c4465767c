/* libnp: one portable error space.
 *
 * Every libnp function that can fail returns an np_err: 0 (NP_OK) on success or
 * one of the negative NP_E* codes below. The codes are the same on every
 * platform: errno values on POSIX and WSAGetLastError() values on Windows are
 * mapped here, so code above libnp never reads errno or WSAGetLastError().
 *
 * The native code behind the most recent failure on the calling thread is kept
 * beside the portable one (np_last_native_error()), for logs and diagnostics. */
#ifndef NP_ERROR_H
#define NP_ERROR_H

#include <stddef.h>
#include "export.h"

NP_BEGIN_DECLS

typedef int np_err;

enum {
    NP_OK = 0,
    NP_EAGAIN = -1,          /* EAGAIN / EWOULDBLOCK / WSAEWOULDBLOCK: would block */
    NP_EINPROGRESS = -2,     /* a non-blocking connect is under way (EINPROGRESS, and
                                WSAEWOULDBLOCK from connect on Windows) */
    NP_EINTR = -3,           /* interrupted; libnp retries it internally */
    NP_ECONNREFUSED = -4,
    NP_ECONNRESET = -5,
    NP_ECONNABORTED = -6,
    NP_ETIMEDOUT = -7,       /* also: a libnp timeout-mode deadline passed */
    NP_EADDRINUSE = -8,
    NP_EADDRNOTAVAIL = -9,
    NP_ENETUNREACH = -10,
    NP_ENETDOWN = -11,
    NP_EHOSTUNREACH = -12,
    NP_EPIPE = -13,          /* write on a connection the peer has closed */
    NP_ENOTCONN = -14,
    NP_EISCONN = -15,
    NP_ENOTSOCK = -16,
    NP_EBADF = -17,
    NP_EMSGSIZE = -18,
    NP_EAFNOSUPPORT = -19,   /* address family not supported here (e.g. AF_UNIX) */
    NP_EPROTONOSUPPORT = -20,
    NP_EOPNOTSUPP = -21,     /* operation or option not supported on this platform */
    NP_EINVAL = -22,
    NP_EACCES = -23,
    NP_EMFILE = -24,         /* per-process descriptor limit */
    NP_ENFILE = -25,         /* system-wide descriptor limit */
    NP_ENOBUFS = -26,
    NP_ENOMEM = -27,
    NP_EALREADY = -28,
    NP_ENOPROTOOPT = -29,
    NP_ESHUTDOWN = -30,
    NP_ENOENT = -31,         /* e.g. no such unix socket path */
    NP_ENAMETOOLONG = -32,   /* unix socket path too long */
    NP_EEOF = -33,           /* np_recv_exact: the peer closed before all bytes came */
    NP_ENOTINIT = -34,       /* np_init() has not been called */
    /* name resolution (getaddrinfo / getnameinfo) */
    NP_EAI_NONAME = -40,     /* no such host or service */
    NP_EAI_AGAIN = -41,      /* temporary resolver failure, try again */
    NP_EAI_FAIL = -42,       /* permanent resolver failure */
    NP_EAI_FAMILY = -43,     /* family not supported for this name */
    NP_EAI_SERVICE = -44,    /* service not supported for this socket type */
    NP_EAI_NODATA = -45,     /* the host exists but has no address of this kind */
    NP_EAI_OTHER = -46,      /* any other resolver error (native code kept) */
    NP_EUNKNOWN = -99        /* a native error libnp has no portable name for */
};

/* Short English description of a portable code, e.g. "connection refused".
 * Never returns NULL; unknown values give "unknown error". */
NP_API const char *np_strerror(np_err err);

/* The code's symbolic name, e.g. "NP_ECONNREFUSED". Never NULL. */
NP_API const char *np_err_name(np_err err);

/* The portable code of the most recent libnp failure on this thread (NP_OK if
 * none yet). Functions return their error directly; this is for code that wants
 * to report it later. */
NP_API np_err np_last_error(void);

/* The native code behind the most recent libnp failure on this thread: an errno
 * value on POSIX, a WSAGetLastError() value on Windows, or a getaddrinfo EAI_*
 * value for NP_EAI_* errors. 0 if the failure had no native cause (e.g. a libnp
 * timeout deadline). */
NP_API long np_last_native_error(void);

/* The operating system's own message for a native code (strerror_r on POSIX,
 * FormatMessage on Windows, gai_strerror for resolver codes when `resolver` is
 * nonzero), written to buf and returned. Always NUL-terminates when len > 0. */
NP_API char *np_native_strerror(long native, int resolver, char *buf, size_t len);

/* One line describing the last failure on this thread, portable and native, e.g.
 * "connection refused (NP_ECONNREFUSED; errno 111: Connection refused)". */
NP_API char *np_last_error_text(char *buf, size_t len);

/* Map a native code (errno on POSIX, WSA error on Windows) to the portable space. */
NP_API np_err np_err_from_native(long native);

NP_END_DECLS

#endif /* NP_ERROR_H */
