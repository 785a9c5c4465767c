/* libnp timeout modes: blocking, non-blocking, timeout (np/socket.h).
 * Timing is only checked from below (a timeout never fires early) plus a very
 * generous ceiling (20x) so a hang still fails: machines and Wine are noisy. */
#include "ptest_util.h"

#define T_MS 200   /* the timeout under test */

/* elapsed >= T_MS, and < 20 * T_MS (+ slack for a slow first Wine call). */
#define CHECK_WAITED(start, ms) do { int64_t el_ = np_now_ms() - (start); \
    CHECK_MSG(el_ >= (ms), "returned after %lld ms, before the %d ms timeout", \
              (long long)el_, (int)(ms)); \
    CHECK_MSG(el_ < 20 * (ms) + 2000, "took %lld ms for a %d ms timeout", \
              (long long)el_, (int)(ms)); } while (0)

static void test_get_set_timeout(void)
{
    np_socket_t s;
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &s));
    CHECK_INT(np_socket_get_timeout(s), NP_TIMEOUT_BLOCKING);
    CHECK_OK(np_socket_set_timeout(s, 0));
    CHECK_INT(np_socket_get_timeout(s), NP_TIMEOUT_NONBLOCKING);
    CHECK_OK(np_socket_set_timeout(s, 1500));
    CHECK_INT(np_socket_get_timeout(s), 1500);
    CHECK_OK(np_socket_set_timeout(s, INT64_C(86400000) * 365));
    CHECK_INT(np_socket_get_timeout(s), INT64_C(86400000) * 365);
    CHECK_OK(np_socket_set_timeout(s, NP_TIMEOUT_BLOCKING));
    CHECK_INT(np_socket_get_timeout(s), NP_TIMEOUT_BLOCKING);
    CHECK_OK(np_socket_set_timeout(s, 1));
    /* Invalid values are refused and change nothing. */
    CHECK_ERR(np_socket_set_timeout(s, -2), NP_EINVAL);
    CHECK_ERR(np_socket_set_timeout(s, INT64_MIN), NP_EINVAL);
    CHECK_ERR(np_last_error(), NP_EINVAL);
    CHECK_INT(np_socket_get_timeout(s), 1);
    CHECK_OK(np_socket_set_blocking(s, 0));
    CHECK_INT(np_socket_get_timeout(s), NP_TIMEOUT_NONBLOCKING);
    CHECK_OK(np_socket_set_blocking(s, 1));
    CHECK_INT(np_socket_get_timeout(s), NP_TIMEOUT_BLOCKING);
    CHECK_OK(np_socket_set_blocking(s, 42));
    CHECK_INT(np_socket_get_timeout(s), NP_TIMEOUT_BLOCKING);
    np_socket_close(s);
}

static void test_nonblocking_recv_eagain(void)
{
    np_socket_t a, b;
    char buf[8];
    size_t n = 99;
    CHECK_OK(pt_tcp_pair(NP_AF_INET, &a, &b));
    CHECK_OK(np_socket_set_timeout(a, NP_TIMEOUT_NONBLOCKING));
    int64_t start = np_now_ms();
    np_err e1 = np_recv(a, buf, sizeof buf, &n);
    np_err e2 = np_recv_exact(a, buf, sizeof buf, &n);
    np_err e3 = np_recv_peek(a, buf, sizeof buf, &n);
    int64_t el = np_now_ms() - start;
    /* Data arrives: the next recv gets it at once. */
    CHECK_OK(np_send(b, "x", 1, NULL));
    np_err e4;
    int tries = 0;
    do {
        e4 = np_recv(a, buf, sizeof buf, &n);
        if (e4 == NP_EAGAIN)
            np_sleep_ms(5);
    } while (e4 == NP_EAGAIN && ++tries < 1000);
    pt_close2(a, b);
    CHECK_ERR(e1, NP_EAGAIN);
    CHECK_ERR(e2, NP_EAGAIN);
    CHECK_ERR(e3, NP_EAGAIN);
    CHECK_MSG(el < 2000, "non-blocking calls took %lld ms", (long long)el);
    CHECK_OK(e4);
    CHECK_INT(n, 1);
}

static void test_nonblocking_accept_eagain(void)
{
    np_socket_t l, c, s = NP_INVALID_SOCKET;
    np_addr a;
    CHECK_OK(np_test_listener(NP_AF_INET, &l, &a));
    CHECK_OK(np_socket_set_blocking(l, 0));
    np_err e1 = np_accept(l, &s, NULL);
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &c));
    CHECK_OK(np_connect(c, &a));
    np_err e2;
    int tries = 0;
    do {
        e2 = np_accept(l, &s, NULL);
        if (e2 == NP_EAGAIN)
            np_sleep_ms(5);
    } while (e2 == NP_EAGAIN && ++tries < 1000);
    int64_t accepted_timeout = e2 == NP_OK ? np_socket_get_timeout(s) : -99;
    if (e2 == NP_OK)
        np_socket_close(s);
    pt_close2(c, l);
    CHECK_ERR(e1, NP_EAGAIN);
    CHECK_OK(e2);
    /* Accepted from a non-blocking listener: non-blocking too. */
    CHECK_INT(accepted_timeout, NP_TIMEOUT_NONBLOCKING);
}

static void test_nonblocking_connect(void)
{
    np_socket_t l, c, s;
    np_addr a;
    np_poller *p;
    np_poll_event ev[2];
    int n = 0;
    CHECK_OK(np_test_listener(NP_AF_INET, &l, &a));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &c));
    CHECK_OK(np_socket_set_timeout(c, NP_TIMEOUT_NONBLOCKING));
    np_err err = np_connect(c, &a);
    CHECK_MSG(err == NP_EINPROGRESS || err == NP_OK,
              "non-blocking connect gave %s", np_err_name(err));
    if (err == NP_EINPROGRESS) {
        CHECK_ERR(np_last_error(), NP_EINPROGRESS);
        CHECK_OK(np_poller_open(&p));
        CHECK_OK(np_poller_add(p, c, NP_POLL_OUT, NULL));
        int64_t deadline = np_now_ms() + 10000;
        while (n == 0 && np_now_ms() < deadline)
            CHECK_OK(np_poller_wait(p, ev, 2, 1000, &n));
        np_poller_remove(p, c);
        np_poller_close(p);
        CHECK_INT(n, 1);
        CHECK(ev[0].sock == c);
        CHECK(ev[0].events & NP_POLL_OUT);
        CHECK_OK(np_socket_take_error(c));
    }
    /* It really is connected. */
    CHECK_OK(np_accept(l, &s, NULL));
    CHECK_OK(np_socket_set_blocking(c, 1));
    CHECK_OK(np_sendall(c, "nb", 2, NULL));
    char buf[2];
    CHECK_OK(np_recv_exact(s, buf, 2, NULL));
    CHECK(memcmp(buf, "nb", 2) == 0);
    /* take_error on a healthy socket is NP_OK and stays so. */
    CHECK_OK(np_socket_take_error(c));
    pt_close2(c, s);
    np_socket_close(l);
}

static void test_nonblocking_connect_refused(void)
{
    np_socket_t c;
    np_addr a;
    CHECK_OK(np_test_closed_port(&a));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &c));
    CHECK_OK(np_socket_set_timeout(c, NP_TIMEOUT_NONBLOCKING));
    np_err err = np_connect(c, &a);
    if (err == NP_EINPROGRESS) {
        /* Do not wait with the poller (WSAPoll misses failed connects): poll
         * SO_ERROR until the outcome is known. */
        int64_t deadline = np_now_ms() + 10000;
        do {
            np_sleep_ms(10);
            err = np_socket_take_error(c);
        } while (err == NP_OK && np_now_ms() < deadline);
    }
    np_socket_close(c);
    CHECK_ERR(err, NP_ECONNREFUSED);
}

static void test_timeout_recv(void)
{
    np_socket_t a, b;
    char buf[8];
    size_t n = 99;
    int64_t start;
    CHECK_OK(pt_tcp_pair(NP_AF_INET, &a, &b));
    CHECK_OK(np_socket_set_timeout(a, T_MS));
    start = np_now_ms();
    CHECK_ERR(np_recv(a, buf, sizeof buf, &n), NP_ETIMEDOUT);
    CHECK_WAITED(start, T_MS);
    /* A deadline has no native cause. */
    CHECK_ERR(np_last_error(), NP_ETIMEDOUT);
    CHECK_INT(np_last_native_error(), 0);
    /* Still usable after a timeout. */
    CHECK_OK(np_send(b, "ok", 2, NULL));
    CHECK_OK(np_recv_exact(a, buf, 2, &n));
    CHECK(memcmp(buf, "ok", 2) == 0);
    pt_close2(a, b);
}

static void test_timeout_recv_exact_partial(void)
{
    np_socket_t a, b;
    char buf[10];
    size_t got = 99;
    int64_t start;
    CHECK_OK(pt_tcp_pair(NP_AF_INET, &a, &b));
    CHECK_OK(np_socket_set_timeout(a, T_MS));
    CHECK_OK(np_sendall(b, "abc", 3, NULL));
    start = np_now_ms();
    CHECK_ERR(np_recv_exact(a, buf, sizeof buf, &got), NP_ETIMEDOUT);
    CHECK_WAITED(start, T_MS);
    CHECK_INT(got, 3);
    CHECK(memcmp(buf, "abc", 3) == 0);
    pt_close2(a, b);
}

static void test_timeout_accept(void)
{
    np_socket_t l, s = NP_INVALID_SOCKET;
    np_addr a;
    int64_t start;
    CHECK_OK(np_test_listener(NP_AF_INET, &l, &a));
    CHECK_OK(np_socket_set_timeout(l, T_MS));
    start = np_now_ms();
    np_err err = np_accept(l, &s, NULL);
    np_socket_close(l);
    CHECK_ERR(err, NP_ETIMEDOUT);
    CHECK_WAITED(start, T_MS);
    CHECK(s == NP_INVALID_SOCKET);
}

static void test_timeout_recvfrom(void)
{
    np_socket_t u;
    np_addr a;
    char buf[8];
    size_t n;
    int64_t start;
    CHECK_OK(np_addr_loopback(NP_AF_INET, 0, &a));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_DGRAM, &u));
    CHECK_OK(np_bind(u, &a));
    CHECK_OK(np_socket_set_timeout(u, T_MS));
    start = np_now_ms();
    np_err err = np_recvfrom(u, buf, sizeof buf, NULL, &n);
    np_socket_close(u);
    CHECK_ERR(err, NP_ETIMEDOUT);
    CHECK_WAITED(start, T_MS);
}

static void test_timeout_connect_refused(void)
{
    np_socket_t c;
    np_addr a;
    CHECK_OK(np_test_closed_port(&a));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &c));
    CHECK_OK(np_socket_set_timeout(c, 10000));
    int64_t start = np_now_ms();
    np_err err = np_connect(c, &a);
    int64_t el = np_now_ms() - start;
    np_socket_close(c);
    CHECK_ERR(err, NP_ECONNREFUSED);
    CHECK_MSG(el < 10000, "refused connect waited the whole timeout (%lld ms)", (long long)el);
}

static void test_timeout_connect_ok(void)
{
    np_socket_t l, c, s;
    np_addr a;
    CHECK_OK(np_test_listener(NP_AF_INET, &l, &a));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &c));
    CHECK_OK(np_socket_set_timeout(c, 5000));
    CHECK_OK(np_connect(c, &a));
    CHECK_INT(np_socket_get_timeout(c), 5000);
    CHECK_OK(np_accept(l, &s, NULL));
    CHECK_OK(np_sendall(s, "t", 1, NULL));
    char ch;
    CHECK_OK(np_recv_exact(c, &ch, 1, NULL));
    pt_close2(c, s);
    np_socket_close(l);
}

static void test_timeout_sendall_partial(void)
{
    enum { BIG = 64 << 20 };
    np_socket_t a, b;
    size_t sent = 0;
    unsigned char *buf = malloc(BIG);
    CHECK(buf != NULL);
    memset(buf, 0x5a, BIG);
    np_err err = pt_tcp_pair(NP_AF_INET, &a, &b);
    if (err != NP_OK) {
        free(buf);
        CHECK_OK(err);
    }
    np_set_sndbuf(a, 65536);
    np_set_rcvbuf(b, 65536);
    np_socket_set_timeout(a, T_MS);
    int64_t start = np_now_ms();
    err = np_sendall(a, buf, BIG, &sent);
    int64_t el = np_now_ms() - start;
    np_err last = np_last_error();
    free(buf);
    pt_close2(a, b);
    CHECK_ERR(err, NP_ETIMEDOUT);
    CHECK_ERR(last, NP_ETIMEDOUT);
    CHECK_MSG(sent > 0 && sent < BIG, "sent %llu of %d", (unsigned long long)sent, BIG);
    CHECK_MSG(el >= T_MS, "sendall gave up after %lld ms", (long long)el);
    CHECK_MSG(el < 20 * T_MS + 2000, "sendall took %lld ms", (long long)el);
}

static void test_timeout_send_full(void)
{
    /* A single np_send into a full buffer in timeout mode times out too. */
    np_socket_t a, b;
    static unsigned char chunk[65536];
    size_t n = 0;
    np_err err = NP_OK;
    int i;
    CHECK_OK(pt_tcp_pair(NP_AF_INET, &a, &b));
    CHECK_OK(np_socket_set_timeout(a, T_MS));
    int64_t start = 0;
    for (i = 0; i < 10000 && err == NP_OK; i++) {
        start = np_now_ms();
        err = np_send(a, chunk, sizeof chunk, &n);
    }
    int64_t el = np_now_ms() - start;
    pt_close2(a, b);
    CHECK_ERR(err, NP_ETIMEDOUT);
    CHECK_MSG(el >= T_MS, "send timed out after %lld ms", (long long)el);
}

static void test_nonblocking_sendall_eagain(void)
{
    enum { BIG = 32 << 20 };
    np_socket_t a, b;
    size_t sent = 0;
    unsigned char *buf = calloc(1, BIG);
    CHECK(buf != NULL);
    np_err err = pt_tcp_pair(NP_AF_INET, &a, &b);
    if (err != NP_OK) {
        free(buf);
        CHECK_OK(err);
    }
    np_socket_set_blocking(a, 0);
    err = np_sendall(a, buf, BIG, &sent);
    free(buf);
    pt_close2(a, b);
    CHECK_ERR(err, NP_EAGAIN);
    CHECK_MSG(sent > 0 && sent < BIG, "sent %llu of %d", (unsigned long long)sent, BIG);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_get_set_timeout);
    RUN(test_nonblocking_recv_eagain);
    RUN(test_nonblocking_accept_eagain);
    RUN(test_nonblocking_connect);
    RUN(test_nonblocking_connect_refused);
    RUN(test_timeout_recv);
    RUN(test_timeout_recv_exact_partial);
    RUN(test_timeout_accept);
    RUN(test_timeout_recvfrom);
    RUN(test_timeout_connect_refused);
    RUN(test_timeout_connect_ok);
    RUN(test_timeout_sendall_partial);
    RUN(test_timeout_send_full);
    RUN(test_nonblocking_sendall_eagain);
    return NP_TEST_DONE();
}
