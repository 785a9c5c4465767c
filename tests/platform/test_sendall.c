/* np_sendall / np_recv_exact / partial reads: 64 MiB through a socket pair with
 * a slow reader thread, every byte checked against a pattern. */
#include "ptest_util.h"

#define BIG ((size_t)64 << 20)

typedef struct reader {
    np_socket_t s;
    size_t expect;       /* bytes to read before EOF */
    int use_exact;       /* read with np_recv_exact instead of np_recv */
    /* results */
    size_t got;
    size_t bad_at;       /* offset of the first wrong byte, or (size_t)-1 */
    np_err err;
    int saw_eof;
    int reads;
} reader;

/* Reads in small, varying chunks and pauses now and then, so the writer sees
 * a full buffer and short writes many times. */
static void slow_reader(void *arg)
{
    reader *r = arg;
    unsigned char buf[8192];
    r->bad_at = (size_t)-1;
    for (;;) {
        size_t want = 1 + (size_t)((r->reads * 2654435761u) >> 19) % sizeof buf;
        size_t n = 0;
        np_err err;
        if (r->use_exact && want > r->expect - r->got && r->got < r->expect)
            want = r->expect - r->got;
        err = r->use_exact && r->got < r->expect
                  ? np_recv_exact(r->s, buf, want, &n)
                  : np_recv(r->s, buf, want, &n);
        r->reads++;
        if (err != NP_OK) {
            /* Keep draining, so a blocking writer cannot hang on a full
             * buffer: the first error is what the test reports. */
            r->err = err;
            while (np_recv(r->s, buf, sizeof buf, &n) == NP_OK && n > 0)
                ;
            return;
        }
        if (n == 0) {
            r->saw_eof = 1;
            return;
        }
        if (r->bad_at == (size_t)-1) {
            size_t at = pt_verify(buf, n, r->got);
            if (at != n)
                r->bad_at = r->got + at;
        }
        r->got += n;
        if (r->reads % 1024 == 0)
            np_sleep_ms(1);
        else if (r->reads < 64 && r->reads % 8 == 0)
            np_sleep_ms(10);   /* a slow start: the writer blocks on a full buffer */
    }
}

/* Send BIG bytes from a[0] to a reader on a[1]; writer_timeout applies to a[0]. */
static void run_big_transfer(np_socket_t w, np_socket_t r_sock, int64_t writer_timeout,
                             int use_exact)
{
    unsigned char *buf = malloc(BIG);
    reader r;
    np_thread *t = NULL;
    size_t sent = 0;
    np_err err, shut;
    CHECK(buf != NULL);
    pt_fill(buf, BIG, 0);
    memset(&r, 0, sizeof r);
    r.s = r_sock;
    r.expect = BIG;
    r.use_exact = use_exact;
    err = np_socket_set_timeout(w, writer_timeout);
    if (err == NP_OK)
        err = np_thread_create(&t, slow_reader, &r);
    if (err != NP_OK) {
        free(buf);
        CHECK_OK(err);
    }
    int64_t start = np_now_ms();
    err = np_sendall(w, buf, BIG, &sent);
    shut = np_shutdown(w, NP_SHUT_WR);    /* the reader sees EOF after the data */
    np_thread_join(t);
    int64_t el = np_now_ms() - start;
    free(buf);
    printf("  %llu bytes in %lld ms, %d reads\n", (unsigned long long)r.got, (long long)el, r.reads);
    CHECK_OK(err);
    CHECK_INT(sent, BIG);
    CHECK_OK(shut);
    CHECK_OK(r.err);
    CHECK(r.saw_eof);
    CHECK_MSG(r.bad_at == (size_t)-1, "byte %llu differs from what was sent",
              (unsigned long long)r.bad_at);
    CHECK_INT(r.got, BIG);
}

static void test_sendall_64mib_socketpair(void)
{
    np_socket_t p[2];
    CHECK_OK(np_socketpair(NP_AF_UNSPEC, NP_SOCK_STREAM, p));
    run_big_transfer(p[0], p[1], NP_TIMEOUT_BLOCKING, 0);
    pt_close2(p[0], p[1]);
}

static void test_sendall_64mib_tcp(void)
{
    np_socket_t c, s;
    CHECK_OK(pt_tcp_pair(NP_AF_INET, &c, &s));
    /* Small buffers: many more short writes. */
    np_set_sndbuf(c, 16384);
    np_set_rcvbuf(s, 16384);
    run_big_transfer(c, s, NP_TIMEOUT_BLOCKING, 0);
    pt_close2(c, s);
}

static void test_sendall_64mib_timeout_mode(void)
{
    /* A slow but steady reader: sendall in timeout mode (the timeout covers the
     * whole call) must not time out when the whole transfer fits in it. */
    np_socket_t p[2];
    CHECK_OK(np_socketpair(NP_AF_INET, NP_SOCK_STREAM, p));
    run_big_transfer(p[0], p[1], 120000, 1);
    pt_close2(p[0], p[1]);
}

static void test_sendall_zero_and_null(void)
{
    np_socket_t p[2];
    size_t sent = 99, got = 99;
    char buf[4];
    CHECK_OK(np_socketpair(NP_AF_UNSPEC, NP_SOCK_STREAM, p));
    CHECK_OK(np_sendall(p[0], "", 0, &sent));
    CHECK_INT(sent, 0);
    CHECK_OK(np_recv_exact(p[1], buf, 0, &got));
    CHECK_INT(got, 0);
    CHECK_OK(np_sendall(p[0], "abcd", 4, NULL));
    CHECK_OK(np_recv_exact(p[1], buf, 4, NULL));
    CHECK(memcmp(buf, "abcd", 4) == 0);
    CHECK_ERR(np_sendall(p[0], NULL, 4, &sent), NP_EINVAL);
    CHECK_ERR(np_recv_exact(p[1], NULL, 4, &got), NP_EINVAL);
    pt_close2(p[0], p[1]);
}

typedef struct dribbler {
    np_socket_t s;
    const char *text;
    size_t len;
    size_t step;
    int close_after;
    np_err err;
} dribbler;

/* Sends text in pieces of step bytes with pauses, then maybe closes. */
static void dribble(void *arg)
{
    dribbler *d = arg;
    size_t off;
    for (off = 0; off < d->len && d->err == NP_OK; off += d->step) {
        size_t n = d->len - off < d->step ? d->len - off : d->step;
        np_sleep_ms(20);
        d->err = np_sendall(d->s, d->text + off, n, NULL);
    }
    if (d->close_after) {
        np_socket_close(d->s);
        d->s = NP_INVALID_SOCKET;
    }
}

static void test_recv_exact_gathers_pieces(void)
{
    np_socket_t p[2];
    np_thread *t;
    dribbler d = { NP_INVALID_SOCKET, "0123456789abcdefghij", 20, 3, 0, NP_OK };
    char buf[20];
    size_t got = 0;
    CHECK_OK(np_socketpair(NP_AF_UNSPEC, NP_SOCK_STREAM, p));
    d.s = p[0];
    CHECK_OK(np_thread_create(&t, dribble, &d));
    np_err err = np_recv_exact(p[1], buf, sizeof buf, &got);
    np_thread_join(t);
    pt_close2(p[0], p[1]);
    CHECK_OK(d.err);
    CHECK_OK(err);
    CHECK_INT(got, 20);
    CHECK(memcmp(buf, "0123456789abcdefghij", 20) == 0);
}

static void test_partial_reads(void)
{
    np_socket_t c, s;
    char buf[100];
    size_t n = 0, total = 0;
    CHECK_OK(pt_tcp_pair(NP_AF_INET, &c, &s));
    CHECK_OK(np_sendall(c, "0123456789", 10, NULL));
    /* recv takes what is there, never more, and may return fewer than asked. */
    while (total < 10) {
        CHECK_OK(np_recv(s, buf + total, sizeof buf - total, &n));
        CHECK(n > 0 && n <= 10 - total);
        total += n;
    }
    CHECK(memcmp(buf, "0123456789", 10) == 0);
    /* A small buffer splits a larger message. */
    CHECK_OK(np_sendall(c, "abcdef", 6, NULL));
    CHECK_OK(np_recv_exact(s, buf, 4, &n));
    CHECK_INT(n, 4);
    CHECK_OK(np_recv(s, buf + 4, 1, &n));
    CHECK_INT(n, 1);
    CHECK_OK(np_recv(s, buf + 5, sizeof buf - 5, &n));
    CHECK_INT(n, 1);
    CHECK(memcmp(buf, "abcdef", 6) == 0);
    pt_close2(c, s);
}

static void test_recv_exact_eof(void)
{
    np_socket_t p[2];
    np_thread *t;
    dribbler d = { NP_INVALID_SOCKET, "hello", 5, 2, 1, NP_OK };
    char buf[10];
    size_t got = 99;
    CHECK_OK(np_socketpair(NP_AF_UNSPEC, NP_SOCK_STREAM, p));
    d.s = p[0];
    CHECK_OK(np_thread_create(&t, dribble, &d));
    np_err err = np_recv_exact(p[1], buf, sizeof buf, &got);
    np_err last = np_last_error();
    np_thread_join(t);
    np_socket_close(p[1]);
    CHECK_OK(d.err);
    CHECK_ERR(err, NP_EEOF);
    CHECK_ERR(last, NP_EEOF);
    CHECK_INT(got, 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
}

static void test_recv_exact_eof_at_once(void)
{
    np_socket_t c, s;
    char buf[4];
    size_t got = 99;
    CHECK_OK(pt_tcp_pair(NP_AF_INET, &c, &s));
    np_socket_close(s);
    np_err err = np_recv_exact(c, buf, sizeof buf, &got);
    np_socket_close(c);
    CHECK_ERR(err, NP_EEOF);
    CHECK_INT(got, 0);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_sendall_64mib_socketpair);
    RUN(test_sendall_64mib_tcp);
    RUN(test_sendall_64mib_timeout_mode);
    RUN(test_sendall_zero_and_null);
    RUN(test_recv_exact_gathers_pieces);
    RUN(test_partial_reads);
    RUN(test_recv_exact_eof);
    RUN(test_recv_exact_eof_at_once);
    return NP_TEST_DONE();
}
