/* An outside program on the installed libnp: an echo over a socket pair and a
 * loopback TCP connection. Prints "np_consumer ok <version>" on success. */
#include <np/np.h>
#include <stdio.h>
#include <string.h>

static int echo_once(np_socket_t a, np_socket_t b)
{
    char buf[16] = { 0 };
    if (np_sendall(a, "hello", 5, NULL) != NP_OK)
        return 0;
    if (np_recv_exact(b, buf, 5, NULL) != NP_OK)
        return 0;
    return memcmp(buf, "hello", 5) == 0;
}

int main(void)
{
    np_socket_t pair[2], listener = NP_INVALID_SOCKET, client = NP_INVALID_SOCKET;
    np_socket_t server = NP_INVALID_SOCKET;
    np_addr addr;
    int ok;

    if (np_init() != NP_OK)
        return 1;
    ok = np_socketpair(NP_AF_UNSPEC, NP_SOCK_STREAM, pair) == NP_OK;
    ok = ok && echo_once(pair[0], pair[1]);
    np_socket_close(pair[0]);
    np_socket_close(pair[1]);

    ok = ok && np_addr_loopback(NP_AF_INET, 0, &addr) == NP_OK
            && np_tcp_listen(&addr, 4, 0, &listener) == NP_OK
            && np_getsockname(listener, &addr) == NP_OK
            && np_tcp_connect("127.0.0.1", np_addr_port(&addr), 5000, &client) == NP_OK
            && np_accept(listener, &server, NULL) == NP_OK
            && echo_once(client, server);
    np_socket_close(server);
    np_socket_close(client);
    np_socket_close(listener);
    printf("np_consumer %s %s\n", ok ? "ok" : "FAILED", np_version());
    np_cleanup();
    return ok ? 0 : 1;
}
