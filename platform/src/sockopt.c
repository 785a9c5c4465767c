/* libnp: socket options — the typed helpers and raw get/setsockopt. */
#include "socket_os.h"

#include <limits.h>
#include <string.h>

#define FD(s) NP_TRACE_FD((s)->fd)

/* An on/off option as the OS spells it. */
struct flag_opt {
    int level;
    int name;
    const char *level_text;
    const char *name_text;
};

static np_err flag_opt_lookup(np_socket_t s, int which, struct flag_opt *o)
{
    switch (which) {
    case NP_OPT_REUSEADDR:
#if defined(_WIN32)
        /* Winsock's SO_REUSEADDR lets any other process bind the same port
         * and take its traffic; exclusive use is what a listener wants, and
         * Windows already rebinds ports in TIME_WAIT without help. */
        *o = (struct flag_opt){ SOL_SOCKET, SO_EXCLUSIVEADDRUSE, "SOL_SOCKET",
                                "SO_EXCLUSIVEADDRUSE" };
#else
        *o = (struct flag_opt){ SOL_SOCKET, SO_REUSEADDR, "SOL_SOCKET", "SO_REUSEADDR" };
#endif
        return NP_OK;
    case NP_OPT_REUSEPORT:
#if NP_HAVE_SO_REUSEPORT && !defined(_WIN32)
        *o = (struct flag_opt){ SOL_SOCKET, SO_REUSEPORT, "SOL_SOCKET", "SO_REUSEPORT" };
        return NP_OK;
#else
        return np_err_record(NP_EOPNOTSUPP, 0);
#endif
    case NP_OPT_NODELAY:
        *o = (struct flag_opt){ IPPROTO_TCP, TCP_NODELAY, "IPPROTO_TCP", "TCP_NODELAY" };
        return NP_OK;
    case NP_OPT_KEEPALIVE:
        *o = (struct flag_opt){ SOL_SOCKET, SO_KEEPALIVE, "SOL_SOCKET", "SO_KEEPALIVE" };
        return NP_OK;
    case NP_OPT_BROADCAST:
        *o = (struct flag_opt){ SOL_SOCKET, SO_BROADCAST, "SOL_SOCKET", "SO_BROADCAST" };
        return NP_OK;
    case NP_OPT_V6ONLY:
        /* Meaningless on other families: Linux refuses it (ENOPROTOOPT),
         * Windows too (WSAEINVAL), Wine accepts it. Answer alike everywhere. */
        if (s->family != NP_AF_INET6)
            return np_err_record(NP_ENOPROTOOPT, 0);
        *o = (struct flag_opt){ IPPROTO_IPV6, IPV6_V6ONLY, "IPPROTO_IPV6", "IPV6_V6ONLY" };
        return NP_OK;
    default:
        return np_err_record(NP_EINVAL, 0);
    }
}

/* setsockopt() with an int value (every helper's kind but linger). */
static np_err set_int(np_socket_t s, const char *caller, const struct flag_opt *o, int value)
{
    np_os_res r;
    int rc;

    rc = setsockopt(s->fd, o->level, o->name, (const void *)&value, (np_socklen_t)sizeof value);
    r = np_os_result(rc != 0);
    NP_OS_TRACE(rc, r, "%s(%lld, %d) -> setsockopt(%lld, %s, %s, [%d], %d)", caller, FD(s),
                value, FD(s), o->level_text, o->name_text, value, (int)sizeof value);
    return r.err;
}

static np_err get_int(np_socket_t s, const char *caller, const struct flag_opt *o, int *value)
{
    np_socklen_t len = (np_socklen_t)sizeof *value;
    np_os_res r;
    int rc;

    /* Some Windows options (TCP_NODELAY) write a one-byte BOOLEAN: start
     * from zero so the unwritten bytes cannot make a false look true. */
    *value = 0;
    rc = getsockopt(s->fd, o->level, o->name, (void *)value, &len);
    r = np_os_result(rc != 0);
    NP_OS_TRACE(rc, r, "%s(%lld) -> getsockopt(%lld, %s, %s, [%d], [%d])", caller, FD(s), FD(s),
                o->level_text, o->name_text, *value, (int)len);
    return r.err;
}

static np_err set_flag(np_socket_t s, int which, int on, const char *caller)
{
    struct flag_opt o = { 0 };   /* MinGW GCC -O2 cannot see flag_opt_lookup set it */
    np_err err;

    if (s == NP_INVALID_SOCKET)
        return np_err_record(NP_EBADF, 0);
    err = flag_opt_lookup(s, which, &o);
    return err != NP_OK ? err : set_int(s, caller, &o, on != 0);
}

np_err np_set_reuseaddr(np_socket_t s, int on)
{
    return set_flag(s, NP_OPT_REUSEADDR, on, "np_set_reuseaddr");
}

np_err np_set_reuseport(np_socket_t s, int on)
{
    return set_flag(s, NP_OPT_REUSEPORT, on, "np_set_reuseport");
}

np_err np_set_nodelay(np_socket_t s, int on)
{
    return set_flag(s, NP_OPT_NODELAY, on, "np_set_nodelay");
}

np_err np_set_keepalive(np_socket_t s, int on)
{
    return set_flag(s, NP_OPT_KEEPALIVE, on, "np_set_keepalive");
}

np_err np_set_broadcast(np_socket_t s, int on)
{
    return set_flag(s, NP_OPT_BROADCAST, on, "np_set_broadcast");
}

np_err np_set_v6only(np_socket_t s, int on)
{
    return set_flag(s, NP_OPT_V6ONLY, on, "np_set_v6only");
}

np_err np_get_option_flag(np_socket_t s, int which, int *on)
{
    struct flag_opt o = { 0 };   /* MinGW GCC -O2 cannot see flag_opt_lookup set it */
    np_err err;
    int value;

    if (s == NP_INVALID_SOCKET)
        return np_err_record(NP_EBADF, 0);
    if (!on)
        return np_err_record(NP_EINVAL, 0);
    *on = 0;
    err = flag_opt_lookup(s, which, &o);
    if (err == NP_OK)
        err = get_int(s, "np_get_option_flag", &o, &value);
    if (err == NP_OK)
        *on = value != 0;
    return err;
}

np_err np_set_linger(np_socket_t s, int on, int seconds)
{
    struct linger l;
    np_os_res r;
    int rc;

    if (s == NP_INVALID_SOCKET)
        return np_err_record(NP_EBADF, 0);
    /* Winsock's l_linger is an unsigned short. */
    if (seconds < 0 || seconds > 65535)
        return np_err_record(NP_EINVAL, 0);
    memset(&l, 0, sizeof l);
    l.l_onoff = on != 0;
    l.l_linger = seconds;
    rc = setsockopt(s->fd, SOL_SOCKET, SO_LINGER, (const void *)&l, (np_socklen_t)sizeof l);
    r = np_os_result(rc != 0);
    NP_OS_TRACE(rc, r, "np_set_linger(%lld, %d, %d) -> setsockopt(%lld, SOL_SOCKET, SO_LINGER, "
                "{%d, %d}, %d)", FD(s), on, seconds, FD(s), on != 0, seconds, (int)sizeof l);
    return r.err;
}

static const struct flag_opt sndbuf_opt = { SOL_SOCKET, SO_SNDBUF, "SOL_SOCKET", "SO_SNDBUF" };
static const struct flag_opt rcvbuf_opt = { SOL_SOCKET, SO_RCVBUF, "SOL_SOCKET", "SO_RCVBUF" };

static np_err set_size(np_socket_t s, const struct flag_opt *o, int bytes, const char *caller)
{
    if (s == NP_INVALID_SOCKET)
        return np_err_record(NP_EBADF, 0);
    if (bytes < 0)
        return np_err_record(NP_EINVAL, 0);
    return set_int(s, caller, o, bytes);
}

static np_err get_size(np_socket_t s, const struct flag_opt *o, int *bytes, const char *caller)
{
    if (s == NP_INVALID_SOCKET)
        return np_err_record(NP_EBADF, 0);
    if (!bytes)
        return np_err_record(NP_EINVAL, 0);
    return get_int(s, caller, o, bytes);
}

np_err np_set_sndbuf(np_socket_t s, int bytes)
{
    return set_size(s, &sndbuf_opt, bytes, "np_set_sndbuf");
}

np_err np_set_rcvbuf(np_socket_t s, int bytes)
{
    return set_size(s, &rcvbuf_opt, bytes, "np_set_rcvbuf");
}

np_err np_get_sndbuf(np_socket_t s, int *bytes)
{
    return get_size(s, &sndbuf_opt, bytes, "np_get_sndbuf");
}

np_err np_get_rcvbuf(np_socket_t s, int *bytes)
{
    return get_size(s, &rcvbuf_opt, bytes, "np_get_rcvbuf");
}

/* ---- raw ------------------------------------------------------------------ */

np_err np_setsockopt(np_socket_t s, int level, int name, const void *value, size_t len)
{
    np_os_res r;
    int rc;

    if (s == NP_INVALID_SOCKET)
        return np_err_record(NP_EBADF, 0);
    if ((!value && len) || len > INT_MAX)
        return np_err_record(NP_EINVAL, 0);
    rc = setsockopt(s->fd, level, name, value, (np_socklen_t)len);
    r = np_os_result(rc != 0);
    NP_OS_TRACE(rc, r, "np_setsockopt(%lld, %d, %d) -> setsockopt(%lld, %d, %d, %p, %d)", FD(s),
                level, name, FD(s), level, name, value, (int)len);
    return r.err;
}

np_err np_getsockopt(np_socket_t s, int level, int name, void *value, size_t *len)
{
    np_socklen_t n;
    np_os_res r;
    int rc;

    if (s == NP_INVALID_SOCKET)
        return np_err_record(NP_EBADF, 0);
    if (!len || (!value && *len) || *len > INT_MAX)
        return np_err_record(NP_EINVAL, 0);
    n = (np_socklen_t)*len;
    rc = getsockopt(s->fd, level, name, value, &n);
    r = np_os_result(rc != 0);
    if (r.err == NP_OK)
        *len = (size_t)n;
    NP_OS_TRACE(rc, r, "np_getsockopt(%lld, %d, %d) -> getsockopt(%lld, %d, %d, %p, [%d])",
                FD(s), level, name, FD(s), level, name, value, (int)n);
    return r.err;
}

/* ---- at creation ------------------------------------------------------------ */

np_err np_sockopt_on_create(np_os_socket fd, const char *caller)
{
#if NP_HAVE_SO_NOSIGPIPE
    /* Where there is no MSG_NOSIGNAL (macOS, older BSD) each socket has to be
     * told not to raise SIGPIPE; setting it everywhere it exists is harmless. */
    int one = 1;
    np_os_res r;
    int rc = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, (const void *)&one,
                        (np_socklen_t)sizeof one);
    r = np_os_result(rc != 0);
    NP_OS_TRACE(rc, r, "%s(%lld) -> setsockopt(%lld, SOL_SOCKET, SO_NOSIGPIPE, [1], %d)",
                caller, NP_TRACE_FD(fd), NP_TRACE_FD(fd), (int)sizeof one);
    return r.err;
#else
    (void)fd;
    (void)caller;
    return NP_OK;
#endif
}
