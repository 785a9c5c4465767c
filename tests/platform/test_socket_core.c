/* The socket core's tricky paths: the mode of accepted sockets, connect
 * outcomes made alike on every platform, injected Windows-style connects and
 * wait faults, datagram truncation, adopting unbound OS sockets. */
#include "ptest_util.h"

static void test_accept_mode_follows_listener(void)
{
    np_socket_t l, c, a;
    np_addr addr;
    char buf[4];
    size_t n;

    CHECK_OK(np_test_listener(NP_AF_INET, &l, &addr));
    /* Timeout-mode listener: the accepted socket is blocking. */
    CHECK_OK(np_socket_set_timeout(l, 5000));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &c));
    CHECK_OK(np_connect(c, &addr));
    CHECK_OK(np_accept(l, &a, NULL));
    CHECK_INT(np_socket_get_timeout(a), NP_TIMEOUT_BLOCKING);
    pt_close2(a, c);

    /* Non-blocking listener: so is the accepted socket, really. */
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &c));
    CHECK_OK(np_connect(c, &addr));
    CHECK_OK(np_socket_set_blocking(l, 0));
    {
        np_err err;
        int tries = 0;
        while ((err = np_accept(l, &a, NULL)) == NP_EAGAIN && tries++ < 500)
            np_sleep_ms(10);
        CHECK_OK(err);
    }
    CHECK_INT(np_socket_get_timeout(a), NP_TIMEOUT_NONBLOCKING);
    CHECK_ERR(np_recv(a, buf, sizeof buf, &n), NP_EAGAIN);
    pt_close2(a, c);
    np_socket_close(l);
}

static void test_connect_twice_is_eisconn(void)
{
    static const int64_t modes[] = { NP_TIMEOUT_BLOCKING, 5000 };
    np_socket_t l, c;
    np_addr addr;
    size_t i;

    CHECK_OK(np_test_listener(NP_AF_INET, &l, &addr));
    for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &c));
        CHECK_OK(np_socket_set_timeout(c, modes[i]));
        CHECK_OK(np_connect(c, &addr));
        CHECK_ERR(np_connect(c, &addr), NP_EISCONN);
        np_socket_close(c);
    }
    np_socket_close(l);
}

static void test_injected_wouldblock_keeps_blocking_mode(void)
{
    np_socket_t l, c, a;
    np_addr addr, peer;
    char buf[8];
    size_t n = 0;

    CHECK_OK(np_test_listener(NP_AF_INET, &l, &addr));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &c));
    np_fault_set(NP_FAULT_CONNECT, NP_EAGAIN, 0, 1);
    CHECK_OK(np_connect(c, &addr));
    np_fault_clear_all();
    CHECK_INT(np_socket_get_timeout(c), NP_TIMEOUT_BLOCKING);
    CHECK_OK(np_getpeername(c, &peer));
    CHECK_ADDR_EQ(&peer, &addr);
    CHECK_OK(np_accept(l, &a, NULL));
    CHECK_OK(np_sendall(a, "hello", 5, NULL));
    CHECK_OK(np_recv_exact(c, buf, 5, &n));
    CHECK_INT(n, 5);
    pt_close2(a, c);
    np_socket_close(l);
}

static void test_connect_ex_nonblocking(void)
{
    np_socket_t l, c;
    np_addr addr;
    np_err err;

    CHECK_OK(np_test_listener(NP_AF_INET, &l, &addr));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &c));
    CHECK_OK(np_socket_set_blocking(c, 0));
    CHECK_ERR(np_bind(c, NULL), NP_EINVAL);
    /* Winsock says WSAEWOULDBLOCK: it must read NP_EINPROGRESS here too. */
    np_fault_set(NP_FAULT_CONNECT, NP_EAGAIN, 0, 1);
    err = np_connect_ex(c, &addr);
    np_fault_clear_all();
    CHECK_ERR_IN(err, NP_EINPROGRESS, NP_OK);
    CHECK_ERR(np_last_error(), NP_EINVAL);
    CHECK_OK(np_socket_set_timeout(c, 5000));
    CHECK_ERR(np_socket_take_error(c), NP_OK);
    pt_close2(c, l);
}

static void test_wait_fault_timeout(void)
{
    np_socket_t p[2];
    char buf[4];
    size_t n = 7;

    CHECK_OK(np_socketpair(NP_AF_INET, NP_SOCK_STREAM, p));
    CHECK_OK(np_socket_set_timeout(p[0], 60000));
    np_fault_set(NP_FAULT_WAIT, NP_ETIMEDOUT, 0, 1);
    CHECK_ERR(np_recv(p[0], buf, sizeof buf, &n), NP_ETIMEDOUT);
    np_fault_clear_all();
    CHECK_INT(n, 0);
    CHECK_ERR(np_last_error(), NP_ETIMEDOUT);
    CHECK_INT(np_last_native_error(), 0);
    pt_close2(p[0], p[1]);
}

static void test_recvfrom_truncation(void)
{
    np_socket_t p[2];
    unsigned char big[100], buf[10];
    np_addr from, name;
    size_t n = 0;
    np_err err;

    CHECK_OK(np_socketpair(NP_AF_INET, NP_SOCK_DGRAM, p));
    CHECK_OK(np_socket_set_timeout(p[1], 10000));
    pt_fill(big, sizeof big, 0);
    CHECK_OK(np_send(p[0], big, sizeof big, &n));
    CHECK_INT(n, sizeof big);
    err = np_recvfrom(p[1], buf, sizeof buf, &from, &n);
    CHECK_ERR(err, pt_is_windows() ? NP_EMSGSIZE : NP_OK);
    CHECK_INT(n, sizeof buf);
    CHECK(memcmp(buf, big, sizeof buf) == 0);
    CHECK_OK(np_getsockname(p[0], &name));
    CHECK_ADDR_EQ(&from, &name);
    pt_close2(p[0], p[1]);
}

static void test_from_os_unbound(void)
{
    static const np_socktype types[] = { NP_SOCK_STREAM, NP_SOCK_DGRAM };
    size_t i;
    for (i = 0; i < 2; i++) {
        np_socket_t s, t;
        np_os_socket h;
        CHECK_OK(np_socket_open(NP_AF_INET, types[i], &s));
        CHECK_OK(np_socket_set_blocking(s, 0));
        h = np_socket_detach(s);
        CHECK(h != NP_OS_INVALID_SOCKET);
        CHECK_OK(np_socket_from_os(h, &t));
        CHECK_INT(np_socket_family(t), NP_AF_INET);
        CHECK_INT(np_socket_type(t), types[i]);
        CHECK_INT(np_socket_get_timeout(t), NP_TIMEOUT_BLOCKING);
        CHECK_OK(np_socket_close(t));
    }
}

static void test_v6only_needs_ipv6(void)
{
    np_socket_t s;
    int on = 1;
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &s));
    CHECK_ERR(np_set_v6only(s, 1), NP_ENOPROTOOPT);
    CHECK_ERR(np_get_option_flag(s, NP_OPT_V6ONLY, &on), NP_ENOPROTOOPT);
    CHECK_INT(on, 0);
    np_socket_close(s);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_accept_mode_follows_listener);
    RUN(test_connect_twice_is_eisconn);
    RUN(test_injected_wouldblock_keeps_blocking_mode);
    RUN(test_connect_ex_nonblocking);
    RUN(test_wait_fault_timeout);
    RUN(test_recvfrom_truncation);
    RUN(test_from_os_unbound);
    RUN(test_v6only_needs_ipv6);
    return NP_TEST_DONE();
}
