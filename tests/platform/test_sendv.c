/* np_sendv: pieces leave in order with one call, partial sends count bytes
 * across pieces (a transport resumes mid-piece), faults and trace apply as to
 * np_send, and bad arguments are refused. */
#include "ptest_util.h"

#define TOTAL ((size_t)8 << 20)

typedef struct sink {
    np_socket_t s;
    size_t got;
    size_t bad_at;   /* first wrong byte, or (size_t)-1 */
    np_err err;
} sink;

static void sink_main(void *arg)
{
    sink *k = arg;
    unsigned char buf[16384];
    k->bad_at = (size_t)-1;
    for (;;) {
        size_t n = 0;
        np_err err = np_recv(k->s, buf, sizeof buf, &n);
        if (err != NP_OK) {
            k->err = err;
            return;
        }
        if (n == 0)
            return;
        if (k->bad_at == (size_t)-1) {
            size_t at = pt_verify(buf, n, k->got);
            if (at != n)
                k->bad_at = k->got + at;
        }
        k->got += n;
    }
}

/* The pattern cut into pieces of 0 to 300 bytes, sent NP_IOV_MAX at a time on
 * a non-blocking socket, resuming exactly where each partial send stopped. */
static void pump_pieces(np_family family)
{
    static unsigned char data[TOTAL];
    np_iovec iov[NP_IOV_MAX];
    size_t off = 0, partial = 0, calls = 0;
    unsigned rng = 7;
    np_socket_t a, b;
    np_thread *t;
    sink k;

    pt_fill(data, sizeof data, 0);
    CHECK_OK(pt_tcp_pair(family, &a, &b));
    memset(&k, 0, sizeof k);
    k.s = b;
    CHECK_OK(np_thread_create(&t, sink_main, &k));
    CHECK_OK(np_socket_set_timeout(a, NP_TIMEOUT_NONBLOCKING));
    while (off < sizeof data) {
        size_t at = off, want = 0, sent = 0;
        int n = 0;
        np_err err;
        while (n < NP_IOV_MAX && at < sizeof data) {
            size_t len;
            rng = rng * 1103515245u + 12345u;
            len = (rng >> 16) % 301;
            if (len > sizeof data - at)
                len = sizeof data - at;
            iov[n].base = data + at;
            iov[n].len = len;
            at += len;
            want += len;
            n++;
        }
        err = np_sendv(a, iov, n, &sent);
        calls++;
        if (err == NP_EAGAIN) {
            CHECK_INT(sent, 0);
            np_sleep_ms(1);
            continue;
        }
        CHECK_OK(err);
        CHECK(sent <= want);
        if (sent < want)
            partial++;   /* the next call starts inside a piece */
        off += sent;
    }
    CHECK_OK(np_shutdown(a, NP_SHUT_WR));
    CHECK_OK(np_thread_join(t));
    CHECK_OK(k.err);
    CHECK_INT(k.got, sizeof data);
    CHECK_MSG(k.bad_at == (size_t)-1, "first wrong byte at %llu", (unsigned long long)k.bad_at);
    printf("  %u MiB in %llu calls, %llu partial\n", (unsigned)(TOTAL >> 20),
           (unsigned long long)calls, (unsigned long long)partial);
    pt_close2(a, b);
}

static void test_pieces_in_order_tcp(void)
{
    pump_pieces(NP_AF_INET);
}

static void test_pieces_in_order_socketpair(void)
{
    static unsigned char data[1 << 20];
    np_iovec iov[3];
    np_socket_t p[2];
    np_thread *t;
    size_t sent = 0, off = 0;
    sink k;
    pt_fill(data, sizeof data, 0);
    CHECK_OK(np_socketpair(NP_AF_UNSPEC, NP_SOCK_STREAM, p));
    memset(&k, 0, sizeof k);
    k.s = p[1];
    CHECK_OK(np_thread_create(&t, sink_main, &k));
    /* Blocking mode: each call takes what the kernel does; resume after it. */
    while (off < sizeof data) {
        size_t third = (sizeof data - off) / 3;
        iov[0].base = data + off;
        iov[0].len = third;
        iov[1].base = data + off + third;
        iov[1].len = 0;
        iov[2].base = data + off + third;
        iov[2].len = sizeof data - off - third;
        CHECK_OK(np_sendv(p[0], iov, 3, &sent));
        CHECK(sent > 0);
        off += sent;
    }
    CHECK_OK(np_shutdown(p[0], NP_SHUT_WR));
    CHECK_OK(np_thread_join(t));
    CHECK_INT(k.got, sizeof data);
    CHECK(k.bad_at == (size_t)-1);
    pt_close2(p[0], p[1]);
}

static void test_bad_arguments(void)
{
    np_socket_t a, b;
    np_iovec iov[NP_IOV_MAX + 1];
    size_t sent = 99;
    memset(iov, 0, sizeof iov);
    CHECK_OK(pt_tcp_pair(NP_AF_INET, &a, &b));
    CHECK_INT(np_sendv(a, iov, 0, &sent), NP_EINVAL);
    CHECK_INT(sent, 0);
    CHECK_INT(np_sendv(a, iov, NP_IOV_MAX + 1, &sent), NP_EINVAL);
    CHECK_INT(np_sendv(a, NULL, 1, &sent), NP_EINVAL);
    iov[0].len = 3;   /* NULL base with a length */
    CHECK_INT(np_sendv(a, iov, 1, &sent), NP_EINVAL);
    CHECK_INT(np_sendv(NP_INVALID_SOCKET, iov, 1, &sent), NP_EBADF);
    /* Empty pieces only: nothing to send, and that is fine. */
    iov[0].base = "x";
    iov[0].len = 0;
    CHECK_OK(np_sendv(a, iov, 1, &sent));
    CHECK_INT(sent, 0);
    pt_close2(a, b);
}

/* A short fault caps the bytes across pieces; an error fault sends nothing. */
static void test_faults(void)
{
    np_socket_t a, b;
    np_iovec iov[3] = { { "abcd", 4 }, { "efgh", 4 }, { "ijkl", 4 } };
    char buf[16];
    size_t sent = 0;
    CHECK_OK(pt_tcp_pair(NP_AF_INET, &a, &b));
    np_fault_short(NP_FAULT_SEND, 6, 0, 1);
    CHECK_OK(np_sendv(a, iov, 3, &sent));
    CHECK_INT(sent, 6);
    CHECK_OK(np_socket_set_timeout(a, NP_TIMEOUT_NONBLOCKING));
    np_fault_set(NP_FAULT_SEND, NP_EAGAIN, 0, 1);
    CHECK_INT(np_sendv(a, iov, 3, &sent), NP_EAGAIN);
    CHECK_INT(sent, 0);
    iov[0].base = "ghij";
    iov[0].len = 4;
    iov[1].base = "kl";
    iov[1].len = 2;
    CHECK_OK(np_sendv(a, iov, 2, &sent));
    CHECK_INT(sent, 6);
    CHECK_OK(np_socket_set_timeout(b, 5000));
    CHECK_OK(np_recv_exact(b, buf, 12, NULL));
    CHECK(memcmp(buf, "abcdefghijkl", 12) == 0);
    CHECK_INT(np_fault_fired(NP_FAULT_SEND), 1);
    np_fault_clear_all();
    pt_close2(a, b);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_pieces_in_order_tcp);
    RUN(test_pieces_in_order_socketpair);
    RUN(test_bad_arguments);
    RUN(test_faults);
    return NP_TEST_DONE();
}
