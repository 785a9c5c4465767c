/* libnp, Windows np_socketpair(): AF_UNIX where Windows has it (10 1803+,
 * stream only), else the authenticated loopback pair. Wine 8 has no AF_UNIX,
 * so under Wine the loopback pair is the path that runs. */
#include "socket_os.h"

#include <stdio.h>

/* A path nobody else uses: our pid, a per-process counter and the time. */
static np_err unix_temp_addr(char *path, size_t len, np_addr *addr)
{
    static volatile LONG counter;
    char dir[MAX_PATH + 1];
    DWORD n = GetTempPathA((DWORD)sizeof dir, dir);

    if (n == 0 || n >= sizeof dir)
        return np_err_record(NP_ENAMETOOLONG, 0);
    snprintf(path, len, "%snp-%lu-%ld-%llu.sock", dir, (unsigned long)GetCurrentProcessId(),
             (long)InterlockedIncrement(&counter), (unsigned long long)GetTickCount64());
    return np_addr_unix(path, addr);
}

static void unix_unlink(const char *path)
{
    BOOL ok = DeleteFileA(path);
    np_os_res r = np_os_result(!ok);
    NP_OS_TRACE(ok ? 0 : -1, r, "np_socketpair(AF_UNIX) -> DeleteFileA(\"%s\")", path);
}

/* Bind a listener to a fresh path, connect, accept, then remove the path:
 * once both ends are connected the name is no longer needed. */
static np_err unix_pair(np_socktype type, np_socket_t out[2])
{
    char path[MAX_PATH + 64];
    np_socket_t listener;
    np_addr addr;
    np_err err;

    err = np_socket_open(NP_AF_UNIX, type, &listener);
    if (err != NP_OK)
        return err;
    err = unix_temp_addr(path, sizeof path, &addr);
    if (err == NP_OK)
        err = np_bind(listener, &addr);
    if (err == NP_OK) {
        err = np_listen(listener, 1);
        if (err == NP_OK)
            err = np_socketpair_connect_accept(listener, NP_AF_UNIX, &addr, 0, out);
        unix_unlink(path);
    }
    return np_sock_close_keep(listener, err);
}

np_err np_socketpair_os(np_family family, np_socktype type, np_socket_t out[2])
{
    np_err err = np_socketpair_check(family, type, out);
    if (err != NP_OK)
        return err;
    if (family == NP_AF_INET || family == NP_AF_INET6)
        return np_socketpair_loopback(family, type, out);
    if (family == NP_AF_UNIX)
        return unix_pair(type, out);
    /* NP_AF_UNSPEC: any AF_UNIX failure (none under Wine and before Windows 10,
     * no datagrams ever) still leaves the loopback pair, which works anywhere. */
    if (type == NP_SOCK_STREAM && unix_pair(type, out) == NP_OK)
        return NP_OK;
    return np_socketpair_loopback(NP_AF_INET, type, out);
}
