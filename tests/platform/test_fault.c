/* np/fault.h: injected EINTR, EAGAIN, short writes and failed connects take the
 * same paths real ones do (including the Windows-only WSAEWOULDBLOCK connect). */
#include "ptest_util.h"

/* Every case starts and ends with no fault armed. */
static void run_clean(const char *name, void (*fn)(void))
{
    np_fault_clear_all();
    np_test_run(name, fn);
    np_fault_clear_all();
}
#define RUN_F(fn) run_clean(#fn, fn)

static void test_eintr_send_recv(void)
{
    np_socket_t p[2];
    char buf[8];
    size_t n = 0;
    CHECK_OK(pt_tcp_pair(NP_AF_INET, &p[0], &p[1]));
    np_fault_set(NP_FAULT_SEND, NP_EINTR, 0, 3);
    CHECK_OK(np_send(p[0], "intr", 4, &n));
    CHECK_INT(n, 4);
    CHECK_INT(np_fault_fired(NP_FAULT_SEND), 3);
    np_fault_set(NP_FAULT_RECV, NP_EINTR, 0, 3);
    CHECK_OK(np_recv_exact(p[1], buf, 4, &n));
    CHECK_INT(np_fault_fired(NP_FAULT_RECV), 3);
    CHECK(memcmp(buf, "intr", 4) == 0);
    /* sendall / recv_exact too, with a skip. */
    np_fault_set(NP_FAULT_SEND, NP_EINTR, 0, 2);
    CHECK_OK(np_sendall(p[1], "again", 5, NULL));
    CHECK_INT(np_fault_fired(NP_FAULT_SEND), 2);
    np_fault_set(NP_FAULT_RECV, NP_EINTR, 1, 2);
    CHECK_OK(np_recv_exact(p[0], buf, 2, NULL));
    CHECK_OK(np_recv_exact(p[0], buf + 2, 3, NULL));
    CHECK(memcmp(buf, "again", 5) == 0);
    CHECK_INT(np_fault_fired(NP_FAULT_RECV), 2);
    /* EINTR is retried in timeout mode too. */
    CHECK_OK(np_socket_set_timeout(p[0], 5000));
    CHECK_OK(np_socket_set_timeout(p[1], 5000));
    np_fault_set(NP_FAULT_SEND, NP_EINTR, 0, 2);
    np_fault_set(NP_FAULT_RECV, NP_EINTR, 0, 2);
    CHECK_OK(np_send(p[0], "t", 1, NULL));
    CHECK_OK(np_recv(p[1], buf, 1, &n));
    CHECK_INT(n, 1);
    CHECK_INT(np_fault_fired(NP_FAULT_SEND), 2);
    CHECK_INT(np_fault_fired(NP_FAULT_RECV), 2);
    pt_close2(p[0], p[1]);
}

static void test_eintr_sendto_recvfrom(void)
{
    np_socket_t p[2];
    char buf[8];
    size_t n = 0;
    np_addr to;
    CHECK_OK(np_socketpair(NP_AF_INET, NP_SOCK_DGRAM, p));
    CHECK_OK(np_getsockname(p[1], &to));
    np_fault_set(NP_FAULT_SENDTO, NP_EINTR, 0, 2);
    np_fault_set(NP_FAULT_RECVFROM, NP_EINTR, 0, 2);
    CHECK_OK(np_sendto(p[0], "udp", 3, &to, &n));
    CHECK_OK(np_recvfrom(p[1], buf, sizeof buf, NULL, &n));
    CHECK_INT(n, 3);
    CHECK_INT(np_fault_fired(NP_FAULT_SENDTO), 2);
    CHECK_INT(np_fault_fired(NP_FAULT_RECVFROM), 2);
    pt_close2(p[0], p[1]);
}

static void test_eintr_accept_connect(void)
{
    np_socket_t l, c, s;
    np_addr a;
    CHECK_OK(np_test_listener(NP_AF_INET, &l, &a));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &c));
    np_fault_set(NP_FAULT_CONNECT, NP_EINTR, 0, 1);
    CHECK_OK(np_connect(c, &a));
    CHECK_INT(np_fault_fired(NP_FAULT_CONNECT), 1);
    np_fault_set(NP_FAULT_ACCEPT, NP_EINTR, 0, 3);
    CHECK_OK(np_accept(l, &s, NULL));
    CHECK_INT(np_fault_fired(NP_FAULT_ACCEPT), 3);
    CHECK_OK(np_sendall(c, "ok", 2, NULL));
    char buf[2];
    CHECK_OK(np_recv_exact(s, buf, 2, NULL));
    pt_close2(c, s);

    /* Timeout mode: connect and accept. */
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &c));
    CHECK_OK(np_socket_set_timeout(c, 5000));
    CHECK_OK(np_socket_set_timeout(l, 5000));
    np_fault_set(NP_FAULT_CONNECT, NP_EINTR, 0, 1);
    CHECK_OK(np_connect(c, &a));
    np_fault_set(NP_FAULT_ACCEPT, NP_EINTR, 0, 2);
    CHECK_OK(np_accept(l, &s, NULL));
    CHECK_INT(np_fault_fired(NP_FAULT_ACCEPT), 2);
    pt_close2(c, s);
    np_socket_close(l);
}

static void test_eagain_in_timeout_mode_is_waited_out(void)
{
    np_socket_t p[2];
    char buf[8];
    size_t n = 0;
    CHECK_OK(np_socketpair(NP_AF_INET, NP_SOCK_STREAM, p));
    CHECK_OK(np_socket_set_timeout(p[0], 5000));
    CHECK_OK(np_socket_set_timeout(p[1], 5000));
    np_fault_set(NP_FAULT_SEND, NP_EAGAIN, 0, 3);
    CHECK_OK(np_send(p[0], "wait", 4, &n));
    CHECK_INT(n, 4);
    CHECK_INT(np_fault_fired(NP_FAULT_SEND), 3);
    np_fault_set(NP_FAULT_RECV, NP_EAGAIN, 0, 3);
    CHECK_OK(np_recv_exact(p[1], buf, 4, NULL));
    CHECK_INT(np_fault_fired(NP_FAULT_RECV), 3);
    CHECK(memcmp(buf, "wait", 4) == 0);
    /* Non-blocking mode: the injected EAGAIN is the answer. */
    CHECK_OK(np_socket_set_blocking(p[0], 0));
    np_fault_set(NP_FAULT_SEND, NP_EAGAIN, 0, 1);
    CHECK_ERR(np_send(p[0], "x", 1, &n), NP_EAGAIN);
    CHECK_INT(np_last_native_error(), 0);   /* injected: no native cause */
    CHECK_OK(np_send(p[0], "x", 1, &n));
    pt_close2(p[0], p[1]);
}

typedef struct drain {
    np_socket_t s;
    size_t len;
    unsigned char *buf;
    np_err err;
} drain;

static void drain_fn(void *arg)
{
    drain *d = arg;
    d->err = np_recv_exact(d->s, d->buf, d->len, NULL);
}

static void test_short_writes_sendall_intact(void)
{
    enum { LEN = 30000 };
    np_socket_t p[2];
    np_thread *t;
    static unsigned char out[LEN], in[LEN];
    size_t sent = 0;
    drain d;
    CHECK_OK(np_socketpair(NP_AF_UNSPEC, NP_SOCK_STREAM, p));
    pt_fill(out, LEN, 3);
    memset(in, 0, LEN);
    d.s = p[1];
    d.len = LEN;
    d.buf = in;
    d.err = NP_EUNKNOWN;
    CHECK_OK(np_thread_create(&t, drain_fn, &d));
    np_fault_short(NP_FAULT_SEND, 1, 0, 10000);
    np_err err = np_sendall(p[0], out, LEN, &sent);
    unsigned fired = np_fault_fired(NP_FAULT_SEND);
    np_fault_clear(NP_FAULT_SEND);
    np_shutdown(p[0], NP_SHUT_WR);   /* if sendall failed, the reader sees EOF, not a hang */
    np_thread_join(t);
    pt_close2(p[0], p[1]);
    CHECK_OK(err);
    CHECK_INT(sent, LEN);
    CHECK_OK(d.err);
    CHECK_INT(fired, 10000);
    CHECK_INT(pt_verify(in, LEN, 3), LEN);
}

static void test_short_reads_recv_exact(void)
{
    np_socket_t p[2];
    unsigned char out[500], in[500];
    size_t n = 0;
    CHECK_OK(np_socketpair(NP_AF_UNSPEC, NP_SOCK_STREAM, p));
    pt_fill(out, sizeof out, 11);
    CHECK_OK(np_sendall(p[0], out, sizeof out, NULL));
    np_fault_short(NP_FAULT_RECV, 7, 0, 1000);
    CHECK_OK(np_recv(p[1], in, sizeof in, &n));
    CHECK_INT(n, 7);
    CHECK_OK(np_recv_exact(p[1], in + 7, sizeof in - 7, &n));
    CHECK_INT(n, sizeof in - 7);
    CHECK_INT(pt_verify(in, sizeof in, 11), sizeof in);
    CHECK(np_fault_fired(NP_FAULT_RECV) >= 1 + (sizeof in - 7) / 7);
    pt_close2(p[0], p[1]);
}

static void test_injected_connect_refused(void)
{
    np_socket_t l, c, s;
    np_addr a;
    CHECK_OK(np_test_listener(NP_AF_INET, &l, &a));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &c));
    np_fault_set(NP_FAULT_CONNECT, NP_ECONNREFUSED, 0, 1);
    np_err err = np_connect(c, &a);
    np_err last = np_last_error();
    long native = np_last_native_error();
    unsigned fired = np_fault_fired(NP_FAULT_CONNECT);
    np_socket_close(c);
    CHECK_ERR(err, NP_ECONNREFUSED);
    CHECK_ERR(last, NP_ECONNREFUSED);
    CHECK_INT(native, 0);
    CHECK_INT(fired, 1);
    /* Timeout mode fails the same way, without waiting. */
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &c));
    CHECK_OK(np_socket_set_timeout(c, 10000));
    np_fault_set(NP_FAULT_CONNECT, NP_ECONNREFUSED, 0, 1);
    CHECK_ERR(np_connect(c, &a), NP_ECONNREFUSED);
    CHECK_ERR(np_connect_ex(c, &a), NP_OK);   /* fault used up: the real connect works */
    np_socket_close(c);
    CHECK_OK(np_accept(l, &s, NULL));
    np_socket_close(s);
    /* Nothing reached the listener from the failed ones: no pending connection. */
    CHECK_OK(np_socket_set_timeout(l, 0));
    CHECK_ERR(np_accept(l, &s, NULL), NP_EAGAIN);
    np_socket_close(l);
}

/* connect reports "in progress" the Windows way (WSAEWOULDBLOCK -> NP_EAGAIN).
 * The real connect is started; it must still complete, in every mode. */
static void test_injected_connect_wouldblock(void)
{
    static const int64_t modes[] = { NP_TIMEOUT_NONBLOCKING, NP_TIMEOUT_BLOCKING, 5000 };
    np_socket_t l, c, s;
    np_addr a;
    size_t i;
    CHECK_OK(np_test_listener(NP_AF_INET, &l, &a));
    for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        printf("  mode %lld\n", (long long)modes[i]);
        CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &c));
        CHECK_OK(np_socket_set_timeout(c, modes[i]));
        np_fault_set(NP_FAULT_CONNECT, NP_EAGAIN, 0, 1);
        np_err err = np_connect(c, &a);
        CHECK_INT(np_fault_fired(NP_FAULT_CONNECT), 1);
        if (modes[i] == NP_TIMEOUT_NONBLOCKING) {
            CHECK_ERR(err, NP_EINPROGRESS);
            /* Finish it: wait for writable, then SO_ERROR. */
            np_poller *p;
            np_poll_event ev[1];
            int n = 0;
            CHECK_OK(np_poller_open(&p));
            CHECK_OK(np_poller_add(p, c, NP_POLL_OUT, NULL));
            int64_t deadline = np_now_ms() + 10000;
            while (n == 0 && np_now_ms() < deadline)
                CHECK_OK(np_poller_wait(p, ev, 1, 1000, &n));
            np_poller_remove(p, c);
            np_poller_close(p);
            CHECK_INT(n, 1);
            CHECK_OK(np_socket_take_error(c));
            CHECK_OK(np_socket_set_blocking(c, 1));
        } else {
            CHECK_ERR(err, NP_OK);
        }
        CHECK_OK(np_accept(l, &s, NULL));
        CHECK_OK(np_sendall(c, "wb", 2, NULL));
        char buf[2];
        CHECK_OK(np_recv_exact(s, buf, 2, NULL));
        CHECK(memcmp(buf, "wb", 2) == 0);
        pt_close2(c, s);
    }
    np_socket_close(l);
}

/* The same injection against a closed port: the real connect fails, and the
 * failure must be found (SO_ERROR), not a hang or a false success. */
static void test_injected_connect_wouldblock_refused(void)
{
    np_socket_t c;
    np_addr a;
    CHECK_OK(np_test_closed_port(&a));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &c));
    CHECK_OK(np_socket_set_timeout(c, 10000));
    np_fault_set(NP_FAULT_CONNECT, NP_EAGAIN, 0, 1);
    int64_t start = np_now_ms();
    np_err err = np_connect(c, &a);
    int64_t el = np_now_ms() - start;
    np_socket_close(c);
    CHECK_ERR(err, NP_ECONNREFUSED);
    CHECK_MSG(el < 10000, "waited the whole timeout (%lld ms)", (long long)el);
}

static void test_wait_eintr_keeps_deadline(void)
{
    np_socket_t p[2];
    char buf[4];
    size_t n;
    CHECK_OK(np_socketpair(NP_AF_INET, NP_SOCK_STREAM, p));
    CHECK_OK(np_socket_set_timeout(p[0], 200));
    np_fault_set(NP_FAULT_WAIT, NP_EINTR, 0, 3);
    int64_t start = np_now_ms();
    np_err err = np_recv(p[0], buf, sizeof buf, &n);
    int64_t el = np_now_ms() - start;
    unsigned fired = np_fault_fired(NP_FAULT_WAIT);
    pt_close2(p[0], p[1]);
    CHECK_ERR(err, NP_ETIMEDOUT);
    CHECK_INT(fired, 3);
    CHECK_MSG(el >= 200, "timed out after %lld ms, before 200", (long long)el);
    CHECK_MSG(el < 6000, "took %lld ms for a 200 ms timeout", (long long)el);
}

static void test_poller_wait_eintr(void)
{
    np_socket_t p[2];
    np_poller *pl;
    np_poll_event ev[4];
    int n = -1;
    CHECK_OK(np_socketpair(NP_AF_UNSPEC, NP_SOCK_STREAM, p));
    CHECK_OK(np_poller_open(&pl));
    CHECK_OK(np_poller_add(pl, p[1], NP_POLL_IN, p));
    CHECK_OK(np_sendall(p[0], "r", 1, NULL));
    np_fault_set(NP_FAULT_POLLER_WAIT, NP_EINTR, 0, 2);
    np_err err = np_poller_wait(pl, ev, 4, 5000, &n);
    unsigned fired = np_fault_fired(NP_FAULT_POLLER_WAIT);
    /* Nothing ready: EINTR retried against the deadline, then 0 events. */
    char c;
    np_err e2 = np_recv_exact(p[1], &c, 1, NULL);
    np_fault_set(NP_FAULT_POLLER_WAIT, NP_EINTR, 0, 2);
    int n2 = -1;
    int64_t start = np_now_ms();
    np_err e3 = np_poller_wait(pl, ev, 4, 200, &n2);
    int64_t el = np_now_ms() - start;
    np_poller_remove(pl, p[1]);
    np_poller_close(pl);
    pt_close2(p[0], p[1]);
    CHECK_OK(err);
    CHECK_INT(fired, 2);
    CHECK_INT(n, 1);
    CHECK(ev[0].sock == p[1] || n != 1);
    CHECK_OK(e2);
    CHECK_OK(e3);
    CHECK_INT(n2, 0);
    CHECK_MSG(el >= 200, "poller wait returned after %lld ms of 200", (long long)el);
}

static void test_fault_bookkeeping(void)
{
    np_socket_t p[2];
    size_t n;
    CHECK_OK(np_socketpair(NP_AF_UNSPEC, NP_SOCK_STREAM, p));
    /* skip: the first two sends pass, the third fails (non-blocking: at once). */
    CHECK_OK(np_socket_set_blocking(p[0], 0));
    np_fault_set(NP_FAULT_SEND, NP_ECONNRESET, 2, 1);
    CHECK_OK(np_send(p[0], "a", 1, &n));
    CHECK_OK(np_send(p[0], "b", 1, &n));
    CHECK_INT(np_fault_fired(NP_FAULT_SEND), 0);
    CHECK_ERR(np_send(p[0], "c", 1, &n), NP_ECONNRESET);
    CHECK_INT(np_fault_fired(NP_FAULT_SEND), 1);
    CHECK_OK(np_send(p[0], "d", 1, &n));   /* count used up */
    /* clear stops a fault that has not fired yet */
    np_fault_set(NP_FAULT_SEND, NP_ECONNRESET, 0, 5);
    np_fault_clear(NP_FAULT_SEND);
    CHECK_OK(np_send(p[0], "e", 1, &n));
    /* faults on one op do not touch another */
    np_fault_set(NP_FAULT_RECV, NP_ECONNRESET, 0, 1);
    CHECK_OK(np_send(p[0], "f", 1, &n));
    np_fault_clear_all();
    char buf[8];
    CHECK_OK(np_recv_exact(p[1], buf, 5, NULL));
    CHECK(memcmp(buf, "abdef", 5) == 0);
    pt_close2(p[0], p[1]);
}

/* np_fault_every: after the skip, one call in `every` is hit, `count` times. */
static void test_fault_every(void)
{
    np_socket_t p[2];
    char buf[4];
    size_t n = 0;
    int hits = 0;
    CHECK_OK(pt_tcp_pair(NP_AF_INET, &p[0], &p[1]));
    CHECK_OK(np_socket_set_timeout(p[0], NP_TIMEOUT_NONBLOCKING));
    np_fault_set(NP_FAULT_SEND, NP_EAGAIN, 2, 3);
    np_fault_every(NP_FAULT_SEND, 4);
    /* Calls 0-1 skipped, then calls 2, 6 and 10 fail; none after. */
    for (int i = 0; i < 16; i++) {
        np_err err = np_send(p[0], "x", 1, &n);
        if (err == NP_EAGAIN) {
            CHECK_MSG(i == 2 || i == 6 || i == 10, "call %d failed", i);
            hits++;
        } else {
            CHECK_OK(err);
        }
    }
    CHECK_INT(hits, 3);
    CHECK_INT(np_fault_fired(NP_FAULT_SEND), 3);
    CHECK_OK(np_socket_set_timeout(p[1], 5000));
    CHECK_OK(np_recv_exact(p[1], buf, 4, NULL));   /* the 13 bytes that went through */
    pt_close2(p[0], p[1]);
}

/* Faults are for the program's own calls: np_socketpair (an emulated one on
 * Windows: listen, connect, accept, probe) works with every op armed. */
static void test_socketpair_is_not_faulted(void)
{
    np_socket_t p[2];
    np_fault_set(NP_FAULT_ACCEPT, NP_EMFILE, 0, 100);
    np_fault_set(NP_FAULT_CONNECT, NP_ECONNREFUSED, 0, 100);
    np_fault_set(NP_FAULT_SEND, NP_ENOBUFS, 0, 100);
    np_fault_set(NP_FAULT_RECV, NP_ECONNRESET, 0, 100);
    np_fault_set(NP_FAULT_SENDTO, NP_ENOBUFS, 0, 100);
    np_fault_set(NP_FAULT_RECVFROM, NP_ECONNRESET, 0, 100);
    CHECK_OK(np_socketpair(NP_AF_INET, NP_SOCK_STREAM, p));
    pt_close2(p[0], p[1]);
    CHECK_OK(np_socketpair(NP_AF_UNSPEC, NP_SOCK_STREAM, p));
    pt_close2(p[0], p[1]);
    CHECK_OK(np_socketpair(NP_AF_INET, NP_SOCK_DGRAM, p));
    pt_close2(p[0], p[1]);
    CHECK_INT(np_fault_fired(NP_FAULT_ACCEPT) + np_fault_fired(NP_FAULT_CONNECT) +
                  np_fault_fired(NP_FAULT_SEND) + np_fault_fired(NP_FAULT_RECV),
              0);
}

int main(void)
{
    NP_TEST_INIT();
    RUN_F(test_eintr_send_recv);
    RUN_F(test_eintr_sendto_recvfrom);
    RUN_F(test_eintr_accept_connect);
    RUN_F(test_eagain_in_timeout_mode_is_waited_out);
    RUN_F(test_short_writes_sendall_intact);
    RUN_F(test_short_reads_recv_exact);
    RUN_F(test_injected_connect_refused);
    RUN_F(test_injected_connect_wouldblock);
    RUN_F(test_injected_connect_wouldblock_refused);
    RUN_F(test_wait_eintr_keeps_deadline);
    RUN_F(test_poller_wait_eintr);
    RUN_F(test_fault_bookkeeping);
    RUN_F(test_fault_every);
    RUN_F(test_socketpair_is_not_faulted);
    return NP_TEST_DONE();
}
