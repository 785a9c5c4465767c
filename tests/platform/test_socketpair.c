/* np_socketpair: every family and type works both ways; the loopback forms are
 * really connected to each other. */
#include "ptest_util.h"

static void both_ways(np_socket_t p[2])
{
    char buf[64];
    size_t n = 0;
    int i;
    for (i = 0; i < 2; i++) {
        char msg[32];
        int len = snprintf(msg, sizeof msg, "from %d to %d", i, 1 - i);
        CHECK_OK(np_send(p[i], msg, (size_t)len, &n));
        CHECK_INT(n, len);
        CHECK_OK(np_recv(p[1 - i], buf, sizeof buf, &n));
        CHECK_INT(n, len);
        CHECK(memcmp(buf, msg, (size_t)len) == 0);
    }
}

static void check_pair(np_family family, np_socktype type)
{
    np_socket_t p[2] = { NP_INVALID_SOCKET, NP_INVALID_SOCKET };
    CHECK_OK(np_socketpair(family, type, p));
    CHECK(p[0] != NP_INVALID_SOCKET && p[1] != NP_INVALID_SOCKET && p[0] != p[1]);
    CHECK(np_socket_fileno(p[0]) != np_socket_fileno(p[1]));
    CHECK_INT(np_socket_type(p[0]), type);
    CHECK_INT(np_socket_type(p[1]), type);
    CHECK_INT(np_socket_family(p[0]), np_socket_family(p[1]));
    if (family != NP_AF_UNSPEC) {
        CHECK_INT(np_socket_family(p[0]), family);
    } else {
        np_family f = np_socket_family(p[0]);
        CHECK(f == NP_AF_UNIX || f == NP_AF_INET || f == NP_AF_INET6);
        if (!pt_is_windows())
            CHECK_INT(f, NP_AF_UNIX);   /* the native socketpair on POSIX */
    }
    /* Like np_socket_open: blocking. */
    CHECK_INT(np_socket_get_timeout(p[0]), NP_TIMEOUT_BLOCKING);
    CHECK_INT(np_socket_get_timeout(p[1]), NP_TIMEOUT_BLOCKING);
    /* A timeout keeps a broken pair from hanging the test. */
    CHECK_OK(np_socket_set_timeout(p[0], 10000));
    CHECK_OK(np_socket_set_timeout(p[1], 10000));
    both_ways(p);
    if (np_test_case_failed()) {
        pt_close2(p[0], p[1]);
        return;
    }
    /* The loopback forms: each end's name is the other's peer. */
    if (np_socket_family(p[0]) != NP_AF_UNIX) {
        np_addr n0, n1, p0, p1;
        CHECK_OK(np_getsockname(p[0], &n0));
        CHECK_OK(np_getsockname(p[1], &n1));
        CHECK_OK(np_getpeername(p[0], &p0));
        CHECK_OK(np_getpeername(p[1], &p1));
        CHECK_ADDR_EQ(&p0, &n1);
        CHECK_ADDR_EQ(&p1, &n0);
        CHECK(np_addr_is_loopback(&n0));
        CHECK(np_addr_is_loopback(&n1));
    }
    /* Closing one end: a stream peer sees EOF. */
    if (type == NP_SOCK_STREAM) {
        char b[4];
        size_t n = 9;
        CHECK_OK(np_socket_close(p[0]));
        p[0] = NP_INVALID_SOCKET;
        CHECK_OK(np_recv(p[1], b, sizeof b, &n));
        CHECK_INT(n, 0);
    }
    pt_close2(p[0], p[1]);
}

static void test_unspec_stream(void) { check_pair(NP_AF_UNSPEC, NP_SOCK_STREAM); }
static void test_unspec_dgram(void) { check_pair(NP_AF_UNSPEC, NP_SOCK_DGRAM); }
static void test_inet_stream(void) { check_pair(NP_AF_INET, NP_SOCK_STREAM); }
static void test_inet_dgram(void) { check_pair(NP_AF_INET, NP_SOCK_DGRAM); }

static void test_inet6_stream(void)
{
    if (!np_test_have_ipv6())
        SKIP("no IPv6 loopback (::1) on this machine");
    check_pair(NP_AF_INET6, NP_SOCK_STREAM);
}

static void test_inet6_dgram(void)
{
    if (!np_test_have_ipv6())
        SKIP("no IPv6 loopback (::1) on this machine");
    check_pair(NP_AF_INET6, NP_SOCK_DGRAM);
}

static void test_many_pairs(void)
{
    /* Pairs one after another (and alive at once) never mix up their ends. */
    enum { N = 40 };
    np_socket_t p[N][2];
    int i, made = 0;
    np_err err = NP_OK;
    for (i = 0; i < N && err == NP_OK; i++) {
        err = np_socketpair(i % 2 ? NP_AF_INET : NP_AF_UNSPEC, NP_SOCK_STREAM, p[i]);
        if (err == NP_OK)
            made++;
    }
    for (i = 0; i < made && err == NP_OK; i++)
        err = np_sendall(p[i][0], &i, sizeof i, NULL);
    for (i = 0; i < made && err == NP_OK; i++) {
        int v = -1;
        err = np_recv_exact(p[i][1], &v, sizeof v, NULL);
        if (err == NP_OK && v != i)
            err = NP_EUNKNOWN;
    }
    for (i = 0; i < made; i++)
        pt_close2(p[i][0], p[i][1]);
    CHECK_OK(err);
    CHECK_INT(made, N);
}

static void test_invalid(void)
{
    np_socket_t p[2] = { NP_INVALID_SOCKET, NP_INVALID_SOCKET };
    CHECK_ERR(np_socketpair(NP_AF_INET, NP_SOCK_STREAM, NULL), NP_EINVAL);
    CHECK_ERR_IN(np_socketpair(NP_AF_INET, (np_socktype)77, p), NP_EINVAL, NP_EPROTONOSUPPORT);
    CHECK_ERR_IN(np_socketpair((np_family)77, NP_SOCK_STREAM, p), NP_EINVAL, NP_EAFNOSUPPORT);
    CHECK(p[0] == NP_INVALID_SOCKET && p[1] == NP_INVALID_SOCKET);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_unspec_stream);
    RUN(test_unspec_dgram);
    RUN(test_inet_stream);
    RUN(test_inet_dgram);
    RUN(test_inet6_stream);
    RUN(test_inet6_dgram);
    RUN(test_many_pairs);
    RUN(test_invalid);
    return NP_TEST_DONE();
}
