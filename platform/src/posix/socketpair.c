/* libnp, POSIX np_socketpair(): the native AF_UNIX pair, or the loopback
 * pair when the caller asks for an IP family. */
#include "socket_os.h"

#if NP_HAVE_SOCK_CLOEXEC
#  define PAIR_CLOEXEC SOCK_CLOEXEC
#  define PAIR_CLOEXEC_TEXT "|SOCK_CLOEXEC"
#else
#  define PAIR_CLOEXEC 0
#  define PAIR_CLOEXEC_TEXT ""
#endif

static np_err native_pair(np_socktype type, np_socket_t out[2])
{
    int st = np_socktype_to_native(type);
    int fds[2] = { -1, -1 };
    np_os_res r;
    np_err err = NP_OK;
    int rc, i;

    rc = socketpair(AF_UNIX, st | PAIR_CLOEXEC, 0, fds);
    r = np_os_result(rc != 0);
    NP_OS_TRACE(rc, r, "np_socketpair(AF_UNIX, %s) -> socketpair(AF_UNIX, %s%s, 0, [%d, %d])",
                np_socktype_name(st), np_socktype_name(st), PAIR_CLOEXEC_TEXT, fds[0], fds[1]);
    if (r.err != NP_OK)
        return r.err;
    for (i = 0; i < 2 && err == NP_OK; i++) {
        /* Without SOCK_CLOEXEC (macOS) this is not atomic, but it is all there is. */
        if (!PAIR_CLOEXEC)
            err = np_os_set_cloexec(fds[i], "np_socketpair");
        if (err == NP_OK)
            err = np_sockopt_on_create(fds[i], "np_socketpair");
        if (err == NP_OK)
            err = np_sock_adopt(fds[i], NP_AF_UNIX, type, 0, 0, &out[i]);
        if (err == NP_OK)
            fds[i] = -1;
    }
    if (err != NP_OK) {
        for (i = 0; i < 2; i++) {
            np_sock_close_keep(out[i], err);
            out[i] = NP_INVALID_SOCKET;
            if (fds[i] >= 0)
                np_os_close(fds[i], "np_socketpair");
        }
        np_err_record(err, 0);
    }
    return err;
}

np_err np_socketpair_os(np_family family, np_socktype type, np_socket_t out[2])
{
    np_err err = np_socketpair_check(family, type, out);
    if (err != NP_OK)
        return err;
    if (family == NP_AF_INET || family == NP_AF_INET6)
        return np_socketpair_loopback(family, type, out);
    return native_pair(type, out);
}
