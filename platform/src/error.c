/* libnp: the portable error space — names, messages, per-thread last error. */
#include "np_internal.h"
#include "error_table.h"

#include <stdio.h>
#include <string.h>

struct np_err_info {
    np_err err;
    const char *name;
    const char *text;
};

static const struct np_err_info np_err_infos[] = {
    { NP_OK, "NP_OK", "success" },
    { NP_EAGAIN, "NP_EAGAIN", "operation would block" },
    { NP_EINPROGRESS, "NP_EINPROGRESS", "operation in progress" },
    { NP_EINTR, "NP_EINTR", "interrupted system call" },
    { NP_ECONNREFUSED, "NP_ECONNREFUSED", "connection refused" },
    { NP_ECONNRESET, "NP_ECONNRESET", "connection reset by peer" },
    { NP_ECONNABORTED, "NP_ECONNABORTED", "connection aborted" },
    { NP_ETIMEDOUT, "NP_ETIMEDOUT", "timed out" },
    { NP_EADDRINUSE, "NP_EADDRINUSE", "address already in use" },
    { NP_EADDRNOTAVAIL, "NP_EADDRNOTAVAIL", "address not available" },
    { NP_ENETUNREACH, "NP_ENETUNREACH", "network unreachable" },
    { NP_ENETDOWN, "NP_ENETDOWN", "network is down" },
    { NP_EHOSTUNREACH, "NP_EHOSTUNREACH", "host unreachable" },
    { NP_EPIPE, "NP_EPIPE", "broken pipe: the peer has closed the connection" },
    { NP_ENOTCONN, "NP_ENOTCONN", "socket is not connected" },
    { NP_EISCONN, "NP_EISCONN", "socket is already connected" },
    { NP_ENOTSOCK, "NP_ENOTSOCK", "not a socket" },
    { NP_EBADF, "NP_EBADF", "bad socket handle" },
    { NP_EMSGSIZE, "NP_EMSGSIZE", "message too long" },
    { NP_EAFNOSUPPORT, "NP_EAFNOSUPPORT", "address family not supported" },
    { NP_EPROTONOSUPPORT, "NP_EPROTONOSUPPORT", "protocol not supported" },
    { NP_EOPNOTSUPP, "NP_EOPNOTSUPP", "operation not supported" },
    { NP_EINVAL, "NP_EINVAL", "invalid argument" },
    { NP_EACCES, "NP_EACCES", "permission denied" },
    { NP_EMFILE, "NP_EMFILE", "too many open files in this process" },
    { NP_ENFILE, "NP_ENFILE", "too many open files in the system" },
    { NP_ENOBUFS, "NP_ENOBUFS", "no buffer space available" },
    { NP_ENOMEM, "NP_ENOMEM", "out of memory" },
    { NP_EALREADY, "NP_EALREADY", "operation already in progress" },
    { NP_ENOPROTOOPT, "NP_ENOPROTOOPT", "protocol option not available" },
    { NP_ESHUTDOWN, "NP_ESHUTDOWN", "socket has been shut down" },
    { NP_ENOENT, "NP_ENOENT", "no such file or directory" },
    { NP_ENAMETOOLONG, "NP_ENAMETOOLONG", "name too long" },
    { NP_EEOF, "NP_EEOF", "connection closed before all data arrived" },
    { NP_ENOTINIT, "NP_ENOTINIT", "libnp is not initialised (call np_init)" },
    { NP_EAI_NONAME, "NP_EAI_NONAME", "name or service not known" },
    { NP_EAI_AGAIN, "NP_EAI_AGAIN", "temporary failure in name resolution" },
    { NP_EAI_FAIL, "NP_EAI_FAIL", "non-recoverable failure in name resolution" },
    { NP_EAI_FAMILY, "NP_EAI_FAMILY", "address family not supported for this name" },
    { NP_EAI_SERVICE, "NP_EAI_SERVICE", "service not supported for this socket type" },
    { NP_EAI_NODATA, "NP_EAI_NODATA", "no address of the requested kind for this host" },
    { NP_EAI_OTHER, "NP_EAI_OTHER", "name resolution failed" },
    { NP_EUNKNOWN, "NP_EUNKNOWN", "unknown error" },
};

static const struct np_err_info *np_err_lookup(np_err err)
{
    size_t i;
    for (i = 0; i < sizeof np_err_infos / sizeof np_err_infos[0]; i++)
        if (np_err_infos[i].err == err)
            return &np_err_infos[i];
    return NULL;
}

const char *np_strerror(np_err err)
{
    const struct np_err_info *info = np_err_lookup(err);
    return info ? info->text : "unknown error";
}

const char *np_err_name(np_err err)
{
    const struct np_err_info *info = np_err_lookup(err);
    return info ? info->name : "NP_EUNKNOWN";
}

/* ---- per-thread last error ---------------------------------------------- */

static _Thread_local np_err tls_last_err;
static _Thread_local long tls_last_native;
static _Thread_local int tls_last_is_gai;

np_err np_err_record(np_err err, long native)
{
    tls_last_err = err;
    tls_last_native = native;
    tls_last_is_gai = 0;
    return err;
}

np_err np_last_error(void)
{
    return tls_last_err;
}

long np_last_native_error(void)
{
    return tls_last_native;
}

np_err np_err_from_native(long native)
{
    size_t i;
    if (native == 0)
        return NP_OK;
    for (i = 0; i < np_native_errors_count; i++)
        if (np_native_errors[i].native == native)
            return np_native_errors[i].err;
    return NP_EUNKNOWN;
}

const char *np_native_error_name(long native)
{
    size_t i;
    for (i = 0; i < np_native_errors_count; i++)
        if (np_native_errors[i].native == native)
            return np_native_errors[i].name;
    return "?";
}

np_err np_err_from_last(void)
{
    long native = np_sys_last_native();
    return np_err_record(np_err_from_native(native), native);
}

np_err np_err_from_gai(int gai, long sys_errno)
{
    np_err err;
    switch (gai) {
    case 0: err = NP_OK; break;
#ifdef EAI_NONAME
    case EAI_NONAME: err = NP_EAI_NONAME; break;
#endif
#ifdef EAI_AGAIN
    case EAI_AGAIN: err = NP_EAI_AGAIN; break;
#endif
#ifdef EAI_FAIL
    case EAI_FAIL: err = NP_EAI_FAIL; break;
#endif
#ifdef EAI_FAMILY
    case EAI_FAMILY: err = NP_EAI_FAMILY; break;
#endif
#ifdef EAI_SERVICE
    case EAI_SERVICE: err = NP_EAI_SERVICE; break;
#endif
#if defined(EAI_NODATA) && (!defined(EAI_NONAME) || EAI_NODATA != EAI_NONAME)
    case EAI_NODATA: err = NP_EAI_NODATA; break;
#endif
#if defined(EAI_MEMORY) && !defined(_WIN32)
    case EAI_MEMORY: err = NP_ENOMEM; break;
#endif
#ifdef EAI_SYSTEM
    case EAI_SYSTEM:
        /* The real cause is in errno: report that, it is more useful. */
        err = np_err_from_native(sys_errno);
        np_err_record(err == NP_OK ? NP_EAI_OTHER : err, sys_errno);
        return err == NP_OK ? NP_EAI_OTHER : err;
#endif
    default:
        /* Winsock reports resolver failures as WSA codes (WSAHOST_NOT_FOUND...),
         * which the native table knows. */
        err = np_err_from_native(gai);
        if (err == NP_EUNKNOWN || err == NP_OK)
            err = NP_EAI_OTHER;
        break;
    }
    np_err_record(err, gai);
    tls_last_is_gai = 1;
    return err;
}

/* ---- messages ----------------------------------------------------------- */

char *np_native_strerror(long native, int resolver, char *buf, size_t len)
{
    if (!buf || len == 0)
        return buf;
    buf[0] = '\0';
    if (resolver) {
#ifdef _WIN32
        /* gai_strerror is not thread safe on Windows; its codes are WSA codes,
         * which FormatMessage knows. */
        resolver = 0;
#else
        snprintf(buf, len, "%s", gai_strerror((int)native));
        return buf;
#endif
    }
#ifdef _WIN32
    {
        DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                                 NULL, (DWORD)native, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
                                 buf, (DWORD)(len > 0xffff ? 0xffff : len), NULL);
        /* FormatMessage ends its text with CR LF. */
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
            buf[--n] = '\0';
        if (n == 0)
            snprintf(buf, len, "error %ld", native);
    }
#elif defined(__GLIBC__) && defined(_GNU_SOURCE)
    {
        /* GNU strerror_r may return a static string instead of filling buf. */
        const char *msg = strerror_r((int)native, buf, len);
        if (msg != buf)
            snprintf(buf, len, "%s", msg);
    }
#else
    if (strerror_r((int)native, buf, len) != 0)
        snprintf(buf, len, "error %ld", native);
#endif
    return buf;
}

char *np_last_error_text(char *buf, size_t len)
{
    char native_text[160];
    if (!buf || len == 0)
        return buf;
    if (tls_last_err == NP_OK) {
        snprintf(buf, len, "no error");
    } else if (tls_last_native == 0) {
        snprintf(buf, len, "%s (%s)", np_strerror(tls_last_err), np_err_name(tls_last_err));
    } else {
        np_native_strerror(tls_last_native, tls_last_is_gai, native_text, sizeof native_text);
        snprintf(buf, len, "%s (%s; %s %ld: %s)", np_strerror(tls_last_err),
                 np_err_name(tls_last_err), tls_last_is_gai ? "resolver" : NP_NATIVE_ERR_KIND,
                 tls_last_native, native_text);
    }
    return buf;
}
