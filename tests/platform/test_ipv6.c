/* IPv6: stream round trip over ::1 and the [::1]:port text form. Skipped, with
 * the reason printed, only when this machine has no ::1. */
#include "ptest_util.h"

#define NEED_IPV6() do { if (!np_test_have_ipv6()) \
    SKIP("no IPv6 loopback (::1) on this machine"); } while (0)

static void test_ipv6_stream_round_trip(void)
{
    np_socket_t l, c, s;
    np_addr la, peer, cn, cp;
    char text[NP_ADDRSTRLEN], buf[16];
    NEED_IPV6();
    CHECK_OK(np_test_listener(NP_AF_INET6, &l, &la));
    CHECK_INT(np_socket_family(l), NP_AF_INET6);
    CHECK_INT(np_addr_family(&la), NP_AF_INET6);
    CHECK(np_addr_is_loopback(&la));
    CHECK_OK(np_socket_open(NP_AF_INET6, NP_SOCK_STREAM, &c));
    CHECK_OK(np_connect(c, &la));
    CHECK_OK(np_accept(l, &s, &peer));
    CHECK_INT(np_socket_family(s), NP_AF_INET6);
    CHECK_OK(np_getsockname(c, &cn));
    CHECK_OK(np_getpeername(c, &cp));
    CHECK_ADDR_EQ(&peer, &cn);
    CHECK_ADDR_EQ(&cp, &la);
    CHECK_OK(np_sendall(c, "over v6", 7, NULL));
    CHECK_OK(np_recv_exact(s, buf, 7, NULL));
    CHECK(memcmp(buf, "over v6", 7) == 0);
    CHECK_OK(np_sendall(s, "ack", 3, NULL));
    CHECK_OK(np_recv_exact(c, buf, 3, NULL));
    CHECK(memcmp(buf, "ack", 3) == 0);

    /* Formatting: [::1]:port, host part ::1. */
    char want[64];
    snprintf(want, sizeof want, "[::1]:%u", (unsigned)np_addr_port(&la));
    CHECK_OK(np_addr_format(&la, text, sizeof text));
    CHECK_STR(text, want);
    CHECK_OK(np_addr_host(&la, text, sizeof text));
    CHECK_STR(text, "::1");
    CHECK_OK(np_addr_format(&peer, text, sizeof text));
    CHECK(strncmp(text, "[::1]:", 6) == 0);
    pt_close2(c, s);
    np_socket_close(l);
}

static void test_ipv6_parse_and_connect(void)
{
    np_socket_t l, c, s;
    np_addr la, parsed;
    char text[64];
    NEED_IPV6();
    CHECK_OK(np_test_listener(NP_AF_INET6, &l, &la));
    snprintf(text, sizeof text, "[::1]:%u", (unsigned)np_addr_port(&la));
    CHECK_OK(np_addr_parse(text, &parsed));
    CHECK_ADDR_EQ(&parsed, &la);
    CHECK_OK(np_socket_open(NP_AF_INET6, NP_SOCK_STREAM, &c));
    CHECK_OK(np_socket_set_timeout(c, 5000));
    CHECK_OK(np_connect(c, &parsed));
    CHECK_OK(np_accept(l, &s, NULL));
    pt_close2(c, s);
    CHECK_OK(np_tcp_connect("::1", np_addr_port(&la), 5000, &c));
    CHECK_INT(np_socket_family(c), NP_AF_INET6);
    CHECK_OK(np_accept(l, &s, NULL));
    pt_close2(c, s);
    np_socket_close(l);
}

static void test_ipv6_refused(void)
{
    np_socket_t l, c;
    np_addr la;
    NEED_IPV6();
    CHECK_OK(np_test_listener(NP_AF_INET6, &l, &la));
    np_socket_close(l);
    CHECK_OK(np_socket_open(NP_AF_INET6, NP_SOCK_STREAM, &c));
    np_err e1 = np_connect(c, &la);
    np_socket_close(c);
    CHECK_ERR(e1, NP_ECONNREFUSED);
    CHECK_OK(np_socket_open(NP_AF_INET6, NP_SOCK_STREAM, &c));
    CHECK_OK(np_socket_set_timeout(c, 10000));
    np_err e2 = np_connect(c, &la);
    np_socket_close(c);
    CHECK_ERR(e2, NP_ECONNREFUSED);
}

static void test_ipv6_family_mismatch(void)
{
    np_socket_t s;
    np_addr v4;
    NEED_IPV6();
    /* An IPv4 address on an IPv6 socket is an error, not a crash. */
    CHECK_OK(np_addr_loopback(NP_AF_INET, 0, &v4));
    CHECK_OK(np_socket_open(NP_AF_INET6, NP_SOCK_STREAM, &s));
    np_err err = np_bind(s, &v4);
    np_socket_close(s);
    CHECK_MSG(err == NP_EINVAL || err == NP_EAFNOSUPPORT || err == NP_EADDRNOTAVAIL,
              "bind of an IPv4 address to an IPv6 socket gave %s", np_err_name(err));
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_ipv6_stream_round_trip);
    RUN(test_ipv6_parse_and_connect);
    RUN(test_ipv6_refused);
    RUN(test_ipv6_family_mismatch);
    return NP_TEST_DONE();
}
