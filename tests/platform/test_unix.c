/* AF_UNIX: stream and datagram sockets on a path, and socketpair(NP_AF_UNIX).
 * Where the OS has no AF_UNIX (Wine 8, older Windows) socket() reports
 * NP_EAFNOSUPPORT and every case is skipped with that reason (exit code 77). */
#include "ptest_util.h"

static int unix_supported(void)
{
    np_socket_t s;
    np_err err = np_socket_open(NP_AF_UNIX, NP_SOCK_STREAM, &s);
    if (err == NP_OK) {
        np_socket_close(s);
        return 1;
    }
    if (err != NP_EAFNOSUPPORT)
        printf("  np_socket_open(NP_AF_UNIX) gave %s, expected NP_OK or NP_EAFNOSUPPORT\n",
               np_err_name(err));
    return err == NP_EAFNOSUPPORT ? 0 : -1;
}

static int g_unix;   /* 1 supported, 0 NP_EAFNOSUPPORT, -1 some other error */

#define NEED_UNIX() do { \
    CHECK_MSG(g_unix >= 0, "AF_UNIX socket() failed with an unexpected code"); \
    if (g_unix == 0) SKIP("AF_UNIX is not supported here (NP_EAFNOSUPPORT)"); } while (0)

static void test_unix_stream_path(void)
{
    char path[256], text[NP_ADDRSTRLEN], buf[16];
    np_addr a, got, peer;
    np_socket_t l, c, s;
    NEED_UNIX();
    np_test_temp_path(path, sizeof path, "us");
    CHECK_OK(np_addr_unix(path, &a));
    CHECK_INT(np_addr_family(&a), NP_AF_UNIX);
    CHECK_INT(np_addr_port(&a), 0);
    CHECK_OK(np_socket_open(NP_AF_UNIX, NP_SOCK_STREAM, &l));
    CHECK_INT(np_socket_family(l), NP_AF_UNIX);
    CHECK_OK(np_bind(l, &a));
    CHECK_OK(np_listen(l, 8));
    CHECK_OK(np_getsockname(l, &got));
    CHECK_OK(np_addr_format(&got, text, sizeof text));
    CHECK_STR(text, path);
    CHECK_OK(np_socket_open(NP_AF_UNIX, NP_SOCK_STREAM, &c));
    CHECK_OK(np_socket_set_timeout(c, 5000));
    CHECK_OK(np_connect(c, &a));
    CHECK_OK(np_accept(l, &s, &peer));
    CHECK_INT(np_socket_family(s), NP_AF_UNIX);
    CHECK_INT(np_socket_type(s), NP_SOCK_STREAM);
    CHECK_OK(np_getpeername(c, &got));
    CHECK_OK(np_addr_format(&got, text, sizeof text));
    CHECK_STR(text, path);
    CHECK_OK(np_sendall(c, "unix!", 5, NULL));
    CHECK_OK(np_recv_exact(s, buf, 5, NULL));
    CHECK(memcmp(buf, "unix!", 5) == 0);
    CHECK_OK(np_sendall(s, "back", 4, NULL));
    CHECK_OK(np_shutdown(s, NP_SHUT_WR));
    CHECK_OK(np_recv_exact(c, buf, 4, NULL));
    size_t n = 9;
    CHECK_OK(np_recv(c, buf, sizeof buf, &n));
    CHECK_INT(n, 0);
    pt_close2(c, s);

    /* The path is taken while the file exists. */
    CHECK_OK(np_socket_open(NP_AF_UNIX, NP_SOCK_STREAM, &c));
    np_err err = np_bind(c, &a);
    np_socket_close(c);
    np_socket_close(l);
    remove(path);
    CHECK_ERR(err, NP_EADDRINUSE);
}

static void test_unix_connect_missing(void)
{
    char path[256];
    np_addr a;
    np_socket_t c;
    NEED_UNIX();
    np_test_temp_path(path, sizeof path, "missing");
    CHECK_OK(np_addr_unix(path, &a));
    CHECK_OK(np_socket_open(NP_AF_UNIX, NP_SOCK_STREAM, &c));
    np_err err = np_connect(c, &a);
    np_socket_close(c);
    CHECK_MSG(err == NP_ENOENT || err == NP_ECONNREFUSED,
              "connect to a missing unix path gave %s", np_err_name(err));
}

static void test_unix_path_too_long(void)
{
    char path[400];
    np_addr a;
    NEED_UNIX();
    memset(path, 'x', sizeof path - 1);
    path[0] = '/';
    path[sizeof path - 1] = '\0';
    CHECK_ERR(np_addr_unix(path, &a), NP_ENAMETOOLONG);
}

static void test_unix_dgram_path(void)
{
    char pa[256], pb[256], text[NP_ADDRSTRLEN], buf[16];
    np_addr aa, ba, from;
    np_socket_t a, b;
    size_t n = 0;
    NEED_UNIX();
    np_test_temp_path(pa, sizeof pa, "ua");
    np_test_temp_path(pb, sizeof pb, "ub");
    CHECK_OK(np_addr_unix(pa, &aa));
    CHECK_OK(np_addr_unix(pb, &ba));
    CHECK_OK(np_socket_open(NP_AF_UNIX, NP_SOCK_DGRAM, &a));
    CHECK_OK(np_socket_open(NP_AF_UNIX, NP_SOCK_DGRAM, &b));
    CHECK_INT(np_socket_type(a), NP_SOCK_DGRAM);
    CHECK_OK(np_bind(a, &aa));
    CHECK_OK(np_bind(b, &ba));
    CHECK_OK(np_socket_set_timeout(b, 5000));
    CHECK_OK(np_socket_set_timeout(a, 5000));
    np_err e1 = np_sendto(a, "dgram", 5, &ba, &n);
    np_err e2 = np_recvfrom(b, buf, sizeof buf, &from, &n);
    np_err e3 = np_addr_format(&from, text, sizeof text);
    np_err e4 = np_sendto(b, "re", 2, &from, NULL);
    size_t n2 = 0;
    np_err e5 = np_recvfrom(a, buf + 8, 8, NULL, &n2);
    pt_close2(a, b);
    remove(pa);
    remove(pb);
    CHECK_OK(e1);
    CHECK_OK(e2);
    CHECK_INT(n, 5);
    CHECK(memcmp(buf, "dgram", 5) == 0);
    CHECK_OK(e3);
    CHECK_STR(text, pa);
    CHECK_OK(e4);
    CHECK_OK(e5);
    CHECK_INT(n2, 2);
    CHECK(memcmp(buf + 8, "re", 2) == 0);
}

static void test_unix_socketpair(void)
{
    static const np_socktype types[] = { NP_SOCK_STREAM, NP_SOCK_DGRAM };
    size_t i;
    NEED_UNIX();
    for (i = 0; i < 2; i++) {
        np_socket_t p[2];
        char buf[8];
        size_t n = 0;
        CHECK_OK(np_socketpair(NP_AF_UNIX, types[i], p));
        CHECK_INT(np_socket_family(p[0]), NP_AF_UNIX);
        CHECK_INT(np_socket_family(p[1]), NP_AF_UNIX);
        CHECK_INT(np_socket_type(p[0]), types[i]);
        CHECK_OK(np_send(p[0], "ab", 2, NULL));
        CHECK_OK(np_recv(p[1], buf, sizeof buf, &n));
        CHECK_INT(n, 2);
        CHECK_OK(np_send(p[1], "xyz", 3, NULL));
        CHECK_OK(np_recv(p[0], buf, sizeof buf, &n));
        CHECK_INT(n, 3);
        CHECK(memcmp(buf, "xyz", 3) == 0);
        pt_close2(p[0], p[1]);
    }
}

int main(void)
{
    NP_TEST_INIT();
    g_unix = unix_supported();
    if (g_unix == 0)
        printf("AF_UNIX: socket() reports NP_EAFNOSUPPORT here%s; skipping\n",
               np_test_under_wine() ? " (Wine)" : "");
    RUN(test_unix_stream_path);
    RUN(test_unix_connect_missing);
    RUN(test_unix_path_too_long);
    RUN(test_unix_dgram_path);
    RUN(test_unix_socketpair);
    return NP_TEST_DONE();
}
