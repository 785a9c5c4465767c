/* libnp, POSIX side of the socket core: the few calls that differ from
 * Winsock (see socket_os.h). */
#include "socket_os.h"

#include <string.h>

#if NP_HAVE_SOCK_CLOEXEC
#  define CLOEXEC_FLAG SOCK_CLOEXEC
#  define CLOEXEC_TEXT "|SOCK_CLOEXEC"
#else
#  define CLOEXEC_FLAG 0
#  define CLOEXEC_TEXT ""
#endif

np_err np_os_set_cloexec(np_os_socket fd, const char *caller)
{
    int rc = fcntl(fd, F_SETFD, FD_CLOEXEC);
    np_os_res r = np_os_result(rc != 0);
    NP_OS_TRACE(rc, r, "%s(%lld) -> fcntl(%lld, F_SETFD, FD_CLOEXEC)", caller,
                NP_TRACE_FD(fd), NP_TRACE_FD(fd));
    return r.err;
}

/* Without SOCK_CLOEXEC (macOS) nothing atomic exists: a fork+exec in another
 * thread between the two calls can still leak the descriptor. */
static np_err cloexec_fallback(np_os_socket fd, const char *caller)
{
#if NP_HAVE_SOCK_CLOEXEC
    (void)fd;
    (void)caller;
    return NP_OK;
#else
    np_err err = np_os_set_cloexec(fd, caller);
    return err == NP_OK ? NP_OK : np_os_close_failed(fd, err, caller);
#endif
}

np_err np_os_socket_create(int af, int type, const char *caller, np_os_socket *out)
{
    int fd = socket(af, type | CLOEXEC_FLAG, 0);
    np_os_res r = np_os_result(fd < 0);
    NP_OS_TRACE(fd, r, "%s(%s, %s) -> socket(%s, %s%s, 0)", caller, np_family_name(af),
                np_socktype_name(type), np_family_name(af), np_socktype_name(type),
                CLOEXEC_TEXT);
    if (r.err != NP_OK)
        return r.err;
    r.err = cloexec_fallback(fd, caller);
    if (r.err == NP_OK)
        *out = fd;
    return r.err;
}

np_err np_os_close(np_os_socket fd, const char *caller)
{
    int rc = close(fd);
    np_os_res r = np_os_result(rc != 0);
    NP_OS_TRACE(rc, r, "%s(%lld) -> close(%lld)", caller, NP_TRACE_FD(fd), NP_TRACE_FD(fd));
    return r.err;
}

np_err np_os_set_nonblocking(np_os_socket fd, int on, const char *caller)
{
    int flags, want, rc;
    np_os_res r;

    flags = fcntl(fd, F_GETFL);
    r = np_os_result(flags < 0);
    NP_OS_TRACE(flags, r, "%s(%lld) -> fcntl(%lld, F_GETFL)", caller, NP_TRACE_FD(fd),
                NP_TRACE_FD(fd));
    if (r.err != NP_OK)
        return r.err;
    want = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
    if (want == flags)
        return NP_OK;
    rc = fcntl(fd, F_SETFL, want);
    r = np_os_result(rc != 0);
    NP_OS_TRACE(rc, r, "%s(%lld) -> fcntl(%lld, F_SETFL, %s)", caller, NP_TRACE_FD(fd),
                NP_TRACE_FD(fd), on ? "flags|O_NONBLOCK" : "flags&~O_NONBLOCK");
    return r.err;
}

#if NP_HAVE_ACCEPT4 && NP_HAVE_SOCK_CLOEXEC && NP_HAVE_SOCK_NONBLOCK
#  define ACCEPT_SETS_MODE 1
#  define ACCEPT_NAME "accept4"
/* accept4 sets close-on-exec and the blocking state atomically; the new
 * socket never inherits the listener's O_NONBLOCK. */
static int os_accept(int fd, struct sockaddr *sa, np_socklen_t *len, int nonblock)
{
    return accept4(fd, sa, len, SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0));
}
#  define ACCEPT_FLAGS_TEXT(nonblock) \
    ((nonblock) ? ", SOCK_CLOEXEC|SOCK_NONBLOCK" : ", SOCK_CLOEXEC")
#else
#  define ACCEPT_SETS_MODE 0
#  define ACCEPT_NAME "accept"
static int os_accept(int fd, struct sockaddr *sa, np_socklen_t *len, int nonblock)
{
    (void)nonblock;
    return accept(fd, sa, len);
}
#  define ACCEPT_FLAGS_TEXT(nonblock) ""
#endif

np_err np_os_accept(np_os_socket fd, int nonblock, np_addr *peer, np_os_socket *out,
                    int *mode_set)
{
    np_socklen_t len = (np_socklen_t)sizeof peer->sa.bytes;
    char b[NP_TRACE_ADDRLEN];
    np_os_res r;
    int nfd;

    memset(peer, 0, sizeof *peer);
    nfd = os_accept(fd, (struct sockaddr *)(void *)peer->sa.bytes, &len, nonblock);
    r = np_os_result(nfd < 0);
    if (r.err == NP_OK && (size_t)len <= sizeof peer->sa.bytes)
        peer->len = (uint32_t)len;
    NP_OS_TRACE(nfd, r, "np_accept(%lld) -> %s(%lld, %s, [%d]%s)", NP_TRACE_FD(fd), ACCEPT_NAME,
                NP_TRACE_FD(fd), np_trace_sockaddr(peer->sa.bytes, peer->len, b), (int)len,
                ACCEPT_FLAGS_TEXT(nonblock));
    if (r.err != NP_OK)
        return r.err;
    if (!ACCEPT_SETS_MODE) {
        /* Plain accept() never sets close-on-exec; this is not atomic. */
        r.err = np_os_set_cloexec(nfd, "np_accept");
        if (r.err != NP_OK)
            return np_os_close_failed(nfd, r.err, "np_accept");
    }
    *mode_set = ACCEPT_SETS_MODE;
    *out = nfd;
    return NP_OK;
}

np_err np_os_socket_kind(np_os_socket fd, int *af, int *type)
{
    np_socklen_t len = (np_socklen_t)sizeof(np_addr), tlen = (np_socklen_t)sizeof *type;
    np_addr a;
    np_os_res r;
    int rc;

    memset(&a, 0, sizeof a);
    rc = getsockname(fd, (struct sockaddr *)(void *)a.sa.bytes, &len);
    r = np_os_result(rc != 0);
    NP_OS_TRACE(rc, r, "np_socket_from_os(%lld) -> getsockname(%lld)", NP_TRACE_FD(fd),
                NP_TRACE_FD(fd));
    if (r.err != NP_OK)
        return r.err;
    *type = 0;
    rc = getsockopt(fd, SOL_SOCKET, SO_TYPE, (void *)type, &tlen);
    r = np_os_result(rc != 0);
    NP_OS_TRACE(rc, r, "np_socket_from_os(%lld) -> getsockopt(%lld, SOL_SOCKET, SO_TYPE, [%d])",
                NP_TRACE_FD(fd), NP_TRACE_FD(fd), *type);
    *af = ((const struct sockaddr *)(const void *)a.sa.bytes)->sa_family;
    return r.err;
}

np_err np_os_wait(np_os_socket fd, int for_write, int for_connect, int64_t timeout_ms)
{
    struct pollfd p;
    int clamped, ms, rc;
    np_os_res r;
    np_err err;

    /* poll reports a failed connect as writable (POLLOUT|POLLERR), so
     * for_connect needs nothing extra here. */
    (void)for_connect;
    if (np_os_wait_injected(fd, for_write, &err))
        return err;
    ms = np_os_wait_ms(timeout_ms, &clamped);
    p.fd = fd;
    p.events = for_write ? POLLOUT : POLLIN;
    p.revents = 0;
    rc = poll(&p, 1, ms);
    r = np_os_result(rc < 0);
    NP_OS_TRACE(rc, r, "np_wait(%lld, %s) -> poll([{%lld, %s}], 1, %d)", NP_TRACE_FD(fd),
                for_write ? "write" : "read", NP_TRACE_FD(fd),
                for_write ? "POLLOUT" : "POLLIN", ms);
    if (r.err != NP_OK)
        return r.err;
    if (rc == 0)
        return clamped ? NP_EINTR : NP_ETIMEDOUT;
    return NP_OK;
}
