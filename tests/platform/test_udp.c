/* UDP: sendto/recvfrom round trips on IPv4 and IPv6, connected datagram
 * sockets, datagram socket pairs, truncation as documented in socket.h. */
#include "ptest_util.h"

/* Two UDP sockets bound to the loopback of family, in timeout mode (so a lost
 * datagram fails the test instead of hanging it). */
static np_err udp_bound(np_family family, np_socket_t *s, np_addr *addr)
{
    np_addr any;
    np_err err;
    *s = NP_INVALID_SOCKET;
    if ((err = np_addr_loopback(family, 0, &any)) != NP_OK)
        return err;
    if ((err = np_socket_open(family, NP_SOCK_DGRAM, s)) != NP_OK)
        return err;
    if ((err = np_bind(*s, &any)) == NP_OK && (err = np_getsockname(*s, addr)) == NP_OK)
        err = np_socket_set_timeout(*s, 10000);
    if (err != NP_OK) {
        np_socket_close(*s);
        *s = NP_INVALID_SOCKET;
    }
    return err;
}

static void round_trip(np_family family)
{
    np_socket_t a, b;
    np_addr aa, ba, from;
    char buf[64];
    size_t n = 0;
    CHECK_OK(udp_bound(family, &a, &aa));
    np_err err = udp_bound(family, &b, &ba);
    if (err != NP_OK) {
        np_socket_close(a);
        CHECK_OK(err);
    }
    CHECK_INT(np_addr_family(&aa), family);
    CHECK(np_addr_port(&aa) != 0);
    CHECK_INT(np_socket_type(a), NP_SOCK_DGRAM);

    CHECK_OK(np_sendto(a, "ping", 4, &ba, &n));
    CHECK_INT(n, 4);
    memset(&from, 0, sizeof from);
    CHECK_OK(np_recvfrom(b, buf, sizeof buf, &from, &n));
    CHECK_INT(n, 4);
    CHECK(memcmp(buf, "ping", 4) == 0);
    CHECK_ADDR_EQ(&from, &aa);

    /* Reply to the address we got. */
    CHECK_OK(np_sendto(b, "pong!", 5, &from, NULL));
    CHECK_OK(np_recvfrom(a, buf, sizeof buf, NULL, &n));
    CHECK_INT(n, 5);
    CHECK(memcmp(buf, "pong!", 5) == 0);

    /* Message boundaries are kept: three datagrams, three reads. */
    CHECK_OK(np_sendto(a, "1", 1, &ba, NULL));
    CHECK_OK(np_sendto(a, "22", 2, &ba, NULL));
    CHECK_OK(np_sendto(a, "333", 3, &ba, NULL));
    CHECK_OK(np_recvfrom(b, buf, sizeof buf, NULL, &n)); CHECK_INT(n, 1);
    CHECK_OK(np_recvfrom(b, buf, sizeof buf, NULL, &n)); CHECK_INT(n, 2);
    CHECK_OK(np_recvfrom(b, buf, sizeof buf, NULL, &n)); CHECK_INT(n, 3);
    CHECK(memcmp(buf, "333", 3) == 0);

    /* A larger datagram arrives whole. */
    {
        static unsigned char big[8000], in[9000];
        pt_fill(big, sizeof big, 7);
        CHECK_OK(np_sendto(a, big, sizeof big, &ba, &n));
        CHECK_INT(n, sizeof big);
        CHECK_OK(np_recvfrom(b, in, sizeof in, &from, &n));
        CHECK_INT(n, sizeof big);
        CHECK(memcmp(in, big, sizeof big) == 0);
    }
    /* Invalid arguments. */
    CHECK_ERR(np_sendto(a, "x", 1, NULL, &n), NP_EINVAL);
    CHECK_ERR(np_recvfrom(b, NULL, 4, NULL, &n), NP_EINVAL);
    pt_close2(a, b);
}

static void test_udp_ipv4(void)
{
    round_trip(NP_AF_INET);
}

static void test_udp_ipv6(void)
{
    if (!np_test_have_ipv6())
        SKIP("no IPv6 loopback (::1) on this machine");
    round_trip(NP_AF_INET6);
}

static void test_udp_connected(void)
{
    np_socket_t a, b;
    np_addr aa, ba, peer;
    char buf[16];
    size_t n;
    CHECK_OK(udp_bound(NP_AF_INET, &a, &aa));
    CHECK_OK(udp_bound(NP_AF_INET, &b, &ba));
    CHECK_OK(np_connect(a, &ba));
    CHECK_OK(np_getpeername(a, &peer));
    CHECK_ADDR_EQ(&peer, &ba);
    CHECK_OK(np_send(a, "conn", 4, &n));
    CHECK_INT(n, 4);
    CHECK_OK(np_recvfrom(b, buf, sizeof buf, &peer, &n));
    CHECK_INT(n, 4);
    CHECK_ADDR_EQ(&peer, &aa);
    CHECK_OK(np_sendto(b, "back", 4, &aa, NULL));
    CHECK_OK(np_recv(a, buf, sizeof buf, &n));
    CHECK_INT(n, 4);
    CHECK(memcmp(buf, "back", 4) == 0);
    pt_close2(a, b);
}

static void test_udp_truncation(void)
{
    np_socket_t a, b;
    np_addr aa, ba, from;
    char big[100], buf[100];
    size_t n = 0;
    CHECK_OK(udp_bound(NP_AF_INET, &a, &aa));
    CHECK_OK(udp_bound(NP_AF_INET, &b, &ba));
    pt_fill((unsigned char *)big, sizeof big, 0);
    CHECK_OK(np_sendto(a, big, sizeof big, &ba, NULL));
    CHECK_OK(np_sendto(a, "next", 4, &ba, NULL));
    memset(buf, 0, sizeof buf);
    np_err err = np_recvfrom(b, buf, 10, &from, &n);
    /* Windows reports truncation as NP_EMSGSIZE, others as NP_OK; both keep
     * the first len bytes. */
    if (pt_is_windows()) {
        CHECK_ERR(err, NP_EMSGSIZE);
    } else {
        CHECK_OK(err);
        CHECK_INT(n, 10);
        CHECK_ADDR_EQ(&from, &aa);
    }
    CHECK(memcmp(buf, big, 10) == 0);
    CHECK_INT(buf[10], 0);
    /* The rest of the datagram is gone: the next read is the next datagram. */
    CHECK_OK(np_recvfrom(b, buf, sizeof buf, NULL, &n));
    CHECK_INT(n, 4);
    CHECK(memcmp(buf, "next", 4) == 0);
    pt_close2(a, b);
}

static void dgram_pair(np_family family)
{
    np_socket_t p[2];
    char buf[32];
    size_t n = 0;
    CHECK_OK(np_socketpair(family, NP_SOCK_DGRAM, p));
    CHECK_INT(np_socket_type(p[0]), NP_SOCK_DGRAM);
    CHECK_INT(np_socket_type(p[1]), NP_SOCK_DGRAM);
    np_socket_set_timeout(p[0], 10000);
    np_socket_set_timeout(p[1], 10000);
    CHECK_OK(np_send(p[0], "one", 3, &n));
    CHECK_INT(n, 3);
    CHECK_OK(np_send(p[0], "two!", 4, NULL));
    CHECK_OK(np_recv(p[1], buf, sizeof buf, &n));
    CHECK_INT(n, 3);
    CHECK(memcmp(buf, "one", 3) == 0);
    CHECK_OK(np_recv(p[1], buf, sizeof buf, &n));
    CHECK_INT(n, 4);
    CHECK_OK(np_send(p[1], "back", 4, NULL));
    CHECK_OK(np_recvfrom(p[0], buf, sizeof buf, NULL, &n));
    CHECK_INT(n, 4);
    CHECK(memcmp(buf, "back", 4) == 0);
    pt_close2(p[0], p[1]);
}

static void test_dgram_socketpair_default(void)
{
    dgram_pair(NP_AF_UNSPEC);
}

static void test_dgram_socketpair_inet(void)
{
    dgram_pair(NP_AF_INET);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_udp_ipv4);
    RUN(test_udp_ipv6);
    RUN(test_udp_connected);
    RUN(test_udp_truncation);
    RUN(test_dgram_socketpair_default);
    RUN(test_dgram_socketpair_inet);
    return NP_TEST_DONE();
}
