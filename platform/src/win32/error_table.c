/* libnp: native error -> np_err on Windows.
 *
 * Three number spaces meet here and do not overlap in practice:
 *   - Winsock errors (WSAGetLastError(), 10000+), the ones socket calls give;
 *   - Win32 errors (GetLastError(), small numbers) that some Winsock and
 *     handle functions report, e.g. WSA_NOT_ENOUGH_MEMORY is
 *     ERROR_NOT_ENOUGH_MEMORY (8);
 *   - the CRT's errno (ENOMEM, EINVAL, ...) for the few CRT calls libnp makes.
 * Where a CRT errno equals a Win32 code we list (ENOENT == ERROR_FILE_NOT_FOUND
 * == 2) it appears once, guarded with #if, so every value is unique. CRT errno
 * values that equal unrelated Win32 codes (EINTR == ERROR_TOO_MANY_OPEN_FILES)
 * are left out: the CRT never sets them for libnp's calls.
 *
 * getaddrinfo()'s EAI_* codes on Windows are WSA values too (EAI_NONAME is
 * WSAHOST_NOT_FOUND), so the resolver codes are mapped here as well. */
#include "np_sys.h"     /* winsock2.h, windows.h, errno.h */

#include "error_table.h"

#define NP_MAP(e, np) { (long)(e), (np), #e }

const struct np_native_map np_native_errors[] = {
    /* ---- Winsock */
    NP_MAP(WSAEWOULDBLOCK, NP_EAGAIN),
    NP_MAP(WSAEINPROGRESS, NP_EINPROGRESS),
    NP_MAP(WSAEINTR, NP_EINTR),
    NP_MAP(WSAECONNREFUSED, NP_ECONNREFUSED),
    NP_MAP(WSAECONNRESET, NP_ECONNRESET),
    /* Keep-alive found the connection broken: a reset to the caller. */
    NP_MAP(WSAENETRESET, NP_ECONNRESET),
    NP_MAP(WSAECONNABORTED, NP_ECONNABORTED),
    NP_MAP(WSAETIMEDOUT, NP_ETIMEDOUT),
    NP_MAP(WSAEADDRINUSE, NP_EADDRINUSE),
    NP_MAP(WSAEADDRNOTAVAIL, NP_EADDRNOTAVAIL),
    NP_MAP(WSAENETUNREACH, NP_ENETUNREACH),
    NP_MAP(WSAENETDOWN, NP_ENETDOWN),
    NP_MAP(WSAEHOSTUNREACH, NP_EHOSTUNREACH),
    NP_MAP(WSAEHOSTDOWN, NP_EHOSTUNREACH),
    /* Sending after shutdown(SD_SEND); POSIX reports EPIPE for the same. */
    NP_MAP(WSAESHUTDOWN, NP_ESHUTDOWN),
    NP_MAP(WSAEDISCON, NP_ESHUTDOWN),
    NP_MAP(WSAENOTCONN, NP_ENOTCONN),
    NP_MAP(WSAEDESTADDRREQ, NP_ENOTCONN),
    NP_MAP(WSAEISCONN, NP_EISCONN),
    NP_MAP(WSAENOTSOCK, NP_ENOTSOCK),
    NP_MAP(WSAEBADF, NP_EBADF),
    NP_MAP(WSAEMSGSIZE, NP_EMSGSIZE),
    NP_MAP(WSAEAFNOSUPPORT, NP_EAFNOSUPPORT),
    NP_MAP(WSAEPFNOSUPPORT, NP_EAFNOSUPPORT),
    NP_MAP(WSAEPROTONOSUPPORT, NP_EPROTONOSUPPORT),
    NP_MAP(WSAEPROTOTYPE, NP_EPROTONOSUPPORT),
    NP_MAP(WSAESOCKTNOSUPPORT, NP_EPROTONOSUPPORT),
    NP_MAP(WSAEOPNOTSUPP, NP_EOPNOTSUPP),
    NP_MAP(WSAEINVAL, NP_EINVAL),
    /* A bad pointer or too short a buffer for an address: caller error. */
    NP_MAP(WSAEFAULT, NP_EINVAL),
    NP_MAP(WSAEACCES, NP_EACCES),
    NP_MAP(WSAEMFILE, NP_EMFILE),
    NP_MAP(WSAENOBUFS, NP_ENOBUFS),
    NP_MAP(WSAEALREADY, NP_EALREADY),
    NP_MAP(WSAENOPROTOOPT, NP_ENOPROTOOPT),
    NP_MAP(WSAENAMETOOLONG, NP_ENAMETOOLONG),
    NP_MAP(WSANOTINITIALISED, NP_ENOTINIT),
    /* WSAStartup(): no usable network stack / no Winsock 2.2. */
    NP_MAP(WSASYSNOTREADY, NP_ENETDOWN),
    NP_MAP(WSAVERNOTSUPPORTED, NP_EOPNOTSUPP),

    /* ---- resolver (getaddrinfo's EAI_* are these values on Windows) */
    NP_MAP(WSAHOST_NOT_FOUND, NP_EAI_NONAME),
    NP_MAP(WSATRY_AGAIN, NP_EAI_AGAIN),
    NP_MAP(WSANO_RECOVERY, NP_EAI_FAIL),
    NP_MAP(WSANO_DATA, NP_EAI_NODATA),
    NP_MAP(WSATYPE_NOT_FOUND, NP_EAI_SERVICE),

    /* ---- Win32 (GetLastError) */
    NP_MAP(ERROR_NOT_ENOUGH_MEMORY, NP_ENOMEM),   /* == WSA_NOT_ENOUGH_MEMORY */
    NP_MAP(ERROR_OUTOFMEMORY, NP_ENOMEM),
    NP_MAP(ERROR_FILE_NOT_FOUND, NP_ENOENT),
    NP_MAP(ERROR_PATH_NOT_FOUND, NP_ENOENT),
    NP_MAP(ERROR_ACCESS_DENIED, NP_EACCES),
    NP_MAP(ERROR_INVALID_HANDLE, NP_EBADF),       /* == WSA_INVALID_HANDLE */
    NP_MAP(ERROR_INVALID_PARAMETER, NP_EINVAL),   /* == WSA_INVALID_PARAMETER */
    NP_MAP(ERROR_TOO_MANY_OPEN_FILES, NP_EMFILE),
    NP_MAP(ERROR_NOT_SUPPORTED, NP_EOPNOTSUPP),
    NP_MAP(ERROR_FILENAME_EXCED_RANGE, NP_ENAMETOOLONG),
    NP_MAP(ERROR_BROKEN_PIPE, NP_EPIPE),
    NP_MAP(ERROR_NETNAME_DELETED, NP_ECONNRESET),
    NP_MAP(ERROR_CONNECTION_REFUSED, NP_ECONNREFUSED),
    NP_MAP(ERROR_CONNECTION_ABORTED, NP_ECONNABORTED),

    /* ---- CRT errno (values below 100, unique against the Win32 codes above) */
#if ENOMEM != ERROR_OUTOFMEMORY && ENOMEM != ERROR_NOT_ENOUGH_MEMORY
    NP_MAP(ENOMEM, NP_ENOMEM),
#endif
#if EINVAL != ERROR_INVALID_PARAMETER
    NP_MAP(EINVAL, NP_EINVAL),
#endif
#if EACCES != ERROR_ACCESS_DENIED
    NP_MAP(EACCES, NP_EACCES),
#endif
#if ENOENT != ERROR_FILE_NOT_FOUND && ENOENT != ERROR_PATH_NOT_FOUND
    NP_MAP(ENOENT, NP_ENOENT),
#endif
#if EBADF != ERROR_INVALID_HANDLE
    NP_MAP(EBADF, NP_EBADF),
#endif
};

const size_t np_native_errors_count = sizeof np_native_errors / sizeof np_native_errors[0];
