/* libnp, Windows side of the socket core: the few calls that differ from
 * BSD sockets (see socket_os.h). */
#include "socket_os.h"

#include <string.h>

#ifndef WSA_FLAG_NO_HANDLE_INHERIT
#  define WSA_FLAG_NO_HANDLE_INHERIT 0x80
#endif

/* Non-atomic fallback: a CreateProcess in another thread between creation
 * and this call can still inherit the handle. */
static np_err no_inherit(np_os_socket fd, const char *caller)
{
    BOOL ok = SetHandleInformation((HANDLE)fd, HANDLE_FLAG_INHERIT, 0);
    np_os_res r = np_os_result(!ok);
    NP_OS_TRACE(ok ? 0 : -1, r, "%s(%lld) -> SetHandleInformation(%lld, HANDLE_FLAG_INHERIT, 0)",
                caller, NP_TRACE_FD(fd), NP_TRACE_FD(fd));
    return r.err;
}

static np_os_res wsa_socket(int af, int type, DWORD flags, const char *caller, SOCKET *fd)
{
    np_os_res r;
    *fd = WSASocketW(af, type, 0, NULL, 0, flags);
    r = np_os_result(*fd == INVALID_SOCKET);
    NP_OS_TRACE(*fd == INVALID_SOCKET ? -1 : (long long)*fd, r,
                "%s(%s, %s) -> WSASocketW(%s, %s, 0, NULL, 0, %s)", caller, np_family_name(af),
                np_socktype_name(type), np_family_name(af), np_socktype_name(type),
                (flags & WSA_FLAG_NO_HANDLE_INHERIT)
                    ? "WSA_FLAG_OVERLAPPED|WSA_FLAG_NO_HANDLE_INHERIT" : "WSA_FLAG_OVERLAPPED");
    return r;
}

np_err np_os_socket_create(int af, int type, const char *caller, np_os_socket *out)
{
    SOCKET fd;
    np_os_res r = wsa_socket(af, type, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT,
                             caller, &fd);
    /* Windows 7 without SP1 rejects WSA_FLAG_NO_HANDLE_INHERIT with WSAEINVAL. */
    if (r.err == NP_EINVAL) {
        r = wsa_socket(af, type, WSA_FLAG_OVERLAPPED, caller, &fd);
        if (r.err == NP_OK)
            r.err = no_inherit(fd, caller);
        if (r.err != NP_OK && fd != INVALID_SOCKET)
            np_os_close_failed(fd, r.err, caller);
    }
    if (r.err == NP_OK)
        *out = fd;
    return r.err;
}

np_err np_os_close(np_os_socket fd, const char *caller)
{
    int rc = closesocket(fd);
    np_os_res r = np_os_result(rc != 0);
    NP_OS_TRACE(rc, r, "%s(%lld) -> closesocket(%lld)", caller, NP_TRACE_FD(fd),
                NP_TRACE_FD(fd));
    return r.err;
}

np_err np_os_set_nonblocking(np_os_socket fd, int on, const char *caller)
{
    u_long mode = on ? 1 : 0;
    int rc = ioctlsocket(fd, FIONBIO, &mode);
    np_os_res r = np_os_result(rc != 0);
    NP_OS_TRACE(rc, r, "%s(%lld) -> ioctlsocket(%lld, FIONBIO, [%d])", caller, NP_TRACE_FD(fd),
                NP_TRACE_FD(fd), on ? 1 : 0);
    return r.err;
}

np_err np_os_accept(np_os_socket fd, int nonblock, np_addr *peer, np_os_socket *out,
                    int *mode_set)
{
    int len = (int)sizeof peer->sa.bytes;
    char b[NP_TRACE_ADDRLEN];
    np_os_res r;
    SOCKET nfd;

    (void)nonblock;
    memset(peer, 0, sizeof *peer);
    nfd = accept(fd, (struct sockaddr *)(void *)peer->sa.bytes, &len);
    r = np_os_result(nfd == INVALID_SOCKET);
    if (r.err == NP_OK && len > 0 && (size_t)len <= sizeof peer->sa.bytes)
        peer->len = (uint32_t)len;
    NP_OS_TRACE(nfd == INVALID_SOCKET ? -1 : (long long)nfd, r,
                "np_accept(%lld) -> accept(%lld, %s, [%d])", NP_TRACE_FD(fd), NP_TRACE_FD(fd),
                np_trace_sockaddr(peer->sa.bytes, peer->len, b), len);
    if (r.err != NP_OK)
        return r.err;
    /* Whether an accepted socket copies the listener's no-inherit attribute
     * is undocumented; CPython clears the flag explicitly, and so do we. */
    r.err = no_inherit(nfd, "np_accept");
    if (r.err != NP_OK)
        return np_os_close_failed(nfd, r.err, "np_accept");
    *mode_set = 0;     /* it copied the listener's FIONBIO state */
    *out = nfd;
    return NP_OK;
}

np_err np_os_socket_kind(np_os_socket fd, int *af, int *type)
{
    /* getsockname fails on an unbound Winsock socket, so ask for the protocol
     * info instead, as CPython does for socket(fileno=...). */
    WSAPROTOCOL_INFOW info;
    int len = (int)sizeof info;
    np_os_res r;
    int rc;

    memset(&info, 0, sizeof info);
    rc = getsockopt(fd, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info, &len);
    r = np_os_result(rc != 0);
    NP_OS_TRACE(rc, r, "np_socket_from_os(%lld) -> getsockopt(%lld, SOL_SOCKET, "
                "SO_PROTOCOL_INFOW, {%d, %d}, [%d])", NP_TRACE_FD(fd), NP_TRACE_FD(fd),
                info.iAddressFamily, info.iSocketType, len);
    *af = info.iAddressFamily;
    *type = info.iSocketType;
    return r.err;
}

np_err np_os_wait(np_os_socket fd, int for_write, int for_connect, int64_t timeout_ms)
{
    fd_set set, except;
    struct timeval tv, *tvp = NULL;
    int clamped, ms, rc;
    np_os_res r;
    np_err err;

    if (np_os_wait_injected(fd, for_write, &err))
        return err;
    ms = np_os_wait_ms(timeout_ms, &clamped);
    if (ms >= 0) {
        tv.tv_sec = ms / 1000;
        tv.tv_usec = (ms % 1000) * 1000;
        tvp = &tv;
    }
    /* select, not WSAPoll: WSAPoll misses failed connects on many Windows
     * builds, and a failed connect shows up only in the exception set. One
     * socket never comes near FD_SETSIZE. */
    FD_ZERO(&set);
    FD_ZERO(&except);
    FD_SET(fd, &set);
    FD_SET(fd, &except);
    rc = select(0, for_write ? NULL : &set, for_write ? &set : NULL,
                for_connect ? &except : NULL, tvp);
    r = np_os_result(rc == SOCKET_ERROR);
    NP_OS_TRACE(rc, r, "np_wait(%lld, %s) -> select(0, %s, %s, %s, %d ms)", NP_TRACE_FD(fd),
                for_write ? "write" : "read", for_write ? "NULL" : "{1}",
                for_write ? "{1}" : "NULL", for_connect ? "{1}" : "NULL", ms);
    if (r.err != NP_OK)
        return r.err;
    if (rc == 0)
        return clamped ? NP_EINTR : NP_ETIMEDOUT;
    return NP_OK;
}
