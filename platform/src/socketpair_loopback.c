/* libnp: np_socketpair() itself, and the loopback socket pair, for systems
 * (or callers) without a native socketpair(). Built from public calls, so it runs and is traced the same
 * everywhere, and Linux CI exercises the path Windows depends on.
 *
 * A loopback listener can be reached by any local process, which could
 * connect (or send a datagram) before we do. So, as CPython and curl do, the
 * accepted peer must be exactly our client's local address (port included);
 * a local process cannot forge a loopback source address without privileges,
 * and our client's address is unique while it is open, so that check is
 * sufficient and no cookie is exchanged. */
#include "socket_os.h"

#include <string.h>

#define PAIR_TIMEOUT_MS 30000   /* bounds the setup if a stranger floods the port */
#define PAIR_BACKLOG 16
#define PAIR_ACCEPT_TRIES 16    /* foreign connections dropped before giving up */
#define PAIR_DRAIN_MAX 256      /* foreign datagrams dropped before giving up */

np_err np_socketpair(np_family family, np_socktype type, np_socket_t out[2])
{
    np_err err;
    np_fault_hold++;   /* no injected faults inside (see np_internal.h) */
    err = np_socketpair_os(family, type, out);
    np_fault_hold--;
    return err;
}

np_err np_socketpair_check(np_family family, np_socktype type, np_socket_t out[2])
{
    if (!out)
        return np_err_record(NP_EINVAL, 0);
    out[0] = out[1] = NP_INVALID_SOCKET;
    if (family != NP_AF_UNSPEC && family != NP_AF_INET && family != NP_AF_INET6 &&
        family != NP_AF_UNIX)
        return np_err_record(NP_EINVAL, 0);
    if (type != NP_SOCK_STREAM && type != NP_SOCK_DGRAM)
        return np_err_record(NP_EINVAL, 0);
    if (!np_is_initialized())
        return np_err_record(NP_ENOTINIT, 0);
    return NP_OK;
}

/* Accept until the peer is our client (client_local), dropping strangers. */
static np_err accept_ours(np_socket_t listener, const np_addr *client_local, np_socket_t *out)
{
    int tries;
    for (tries = 0; tries < PAIR_ACCEPT_TRIES; tries++) {
        np_addr peer;
        np_socket_t s;
        np_err err = np_accept(listener, &s, &peer);
        if (err != NP_OK)
            return err;
        if (!client_local || np_addr_equal(&peer, client_local)) {
            *out = s;
            return NP_OK;
        }
        np_socket_close(s);
    }
    return np_err_record(NP_ECONNABORTED, 0);
}

np_err np_socketpair_connect_accept(np_socket_t listener, np_family family,
                                    const np_addr *addr, int verify_peer,
                                    np_socket_t out[2])
{
    np_socket_t client, server = NP_INVALID_SOCKET;
    np_addr local;
    np_err err;

    err = np_socket_open(family, NP_SOCK_STREAM, &client);
    if (err != NP_OK)
        return err;
    err = np_socket_set_timeout(client, PAIR_TIMEOUT_MS);
    if (err == NP_OK)
        err = np_socket_set_timeout(listener, PAIR_TIMEOUT_MS);
    if (err == NP_OK)
        err = np_connect(client, addr);
    if (err == NP_OK && verify_peer)
        err = np_getsockname(client, &local);
    if (err == NP_OK)
        err = accept_ours(listener, verify_peer ? &local : NULL, &server);
    if (err == NP_OK)
        err = np_socket_set_timeout(client, NP_TIMEOUT_BLOCKING);
    if (err != NP_OK) {
        np_sock_close_keep(server, err);
        return np_sock_close_keep(client, err);
    }
    out[0] = client;
    out[1] = server;
    return NP_OK;
}

static np_err stream_pair(np_family family, np_socket_t out[2])
{
    np_socket_t listener;
    np_addr addr;
    np_err err;

    err = np_addr_loopback(family, 0, &addr);
    if (err != NP_OK)
        return err;
    err = np_socket_open(family, NP_SOCK_STREAM, &listener);
    if (err != NP_OK)
        return err;
    err = np_bind(listener, &addr);
    if (err == NP_OK)
        err = np_listen(listener, PAIR_BACKLOG);
    if (err == NP_OK)
        err = np_getsockname(listener, &addr);
    if (err == NP_OK)
        err = np_socketpair_connect_accept(listener, family, &addr, 1, out);
    return np_sock_close_keep(listener, err);
}

static np_err dgram_bound(np_family family, np_socket_t *s, np_addr *addr)
{
    np_err err = np_addr_loopback(family, 0, addr);
    if (err == NP_OK)
        err = np_socket_open(family, NP_SOCK_DGRAM, s);
    if (err == NP_OK)
        err = np_bind(*s, addr);
    if (err == NP_OK)
        err = np_getsockname(*s, addr);
    return err;
}

/* Datagrams a stranger sent to `to` before it was connected stay queued
 * after connect(): read up to our own probe from `from` so that none of them
 * ever reaches the caller. */
static np_err dgram_probe(np_socket_t from, np_socket_t to, const np_addr *from_addr)
{
    static const char probe[] = "np_socketpair probe";
    char buf[sizeof probe + 1];
    np_addr src;
    size_t got;
    np_err err;
    int i;

    err = np_send(from, probe, sizeof probe, NULL);
    if (err == NP_OK)
        err = np_socket_set_timeout(to, PAIR_TIMEOUT_MS);
    for (i = 0; err == NP_OK && i < PAIR_DRAIN_MAX; i++) {
        err = np_recvfrom(to, buf, sizeof buf, &src, &got);
        if (err == NP_EMSGSIZE) {        /* a stranger's big datagram (Windows) */
            err = NP_OK;
            continue;
        }
        if (err == NP_OK && got == sizeof probe && memcmp(buf, probe, got) == 0 &&
            np_addr_equal(&src, from_addr))
            return np_socket_set_timeout(to, NP_TIMEOUT_BLOCKING);
    }
    return err != NP_OK ? err : np_err_record(NP_ECONNABORTED, 0);
}

static np_err dgram_pair(np_family family, np_socket_t out[2])
{
    np_socket_t a = NP_INVALID_SOCKET, b = NP_INVALID_SOCKET;
    np_addr a_addr, b_addr;
    np_err err;

    err = dgram_bound(family, &a, &a_addr);
    if (err == NP_OK)
        err = dgram_bound(family, &b, &b_addr);
    if (err == NP_OK)
        err = np_connect(a, &b_addr);
    if (err == NP_OK)
        err = np_connect(b, &a_addr);
    if (err == NP_OK)
        err = dgram_probe(a, b, &a_addr);
    if (err == NP_OK)
        err = dgram_probe(b, a, &b_addr);
    if (err != NP_OK) {
        np_sock_close_keep(b, err);
        return np_sock_close_keep(a, err);
    }
    out[0] = a;
    out[1] = b;
    return NP_OK;
}

np_err np_socketpair_loopback(np_family family, np_socktype type, np_socket_t out[2])
{
    return type == NP_SOCK_STREAM ? stream_pair(family, out) : dgram_pair(family, out);
}
