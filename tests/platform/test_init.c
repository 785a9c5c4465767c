/* np_init / np_cleanup reference counting, np_version, and SIGPIPE never
 * killing the process. */
#include "ptest_util.h"

static void test_version(void)
{
    char want[32];
    CHECK(np_version() != NULL);
    CHECK_STR(np_version(), NP_VERSION_STRING);
    snprintf(want, sizeof want, "%d.%d.%d", NP_VERSION_MAJOR, NP_VERSION_MINOR,
             NP_VERSION_PATCH);
    CHECK_STR(np_version(), want);
}

static void test_nested(void)
{
    np_socket_t s;
    int i;
    for (i = 0; i < 5; i++)
        CHECK_OK(np_init());
    for (i = 0; i < 5; i++)
        np_cleanup();
    /* The harness's own np_init() still holds: sockets work. */
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &s));
    np_socket_close(s);
}

static void test_full_cleanup_and_reinit(void)
{
    np_socket_t p[2];
    char c;
    /* Drop the harness's reference: the count reaches zero (WSACleanup on
     * Windows), then start again. */
    np_cleanup();
    CHECK_OK(np_init());
    CHECK_OK(np_socketpair(NP_AF_UNSPEC, NP_SOCK_STREAM, p));
    CHECK_OK(np_sendall(p[0], "r", 1, NULL));
    CHECK_OK(np_recv_exact(p[1], &c, 1, NULL));
    pt_close2(p[0], p[1]);
}

enum { THREADS = 6, ROUNDS = 300 };
typedef struct worker { np_err err; int rounds; } worker;

static void init_worker(void *arg)
{
    worker *w = arg;
    int i;
    for (i = 0; i < ROUNDS; i++) {
        np_socket_t s;
        np_err err = np_init();
        if (err != NP_OK) {
            w->err = err;
            return;
        }
        err = np_socket_open(NP_AF_INET, i % 2 ? NP_SOCK_DGRAM : NP_SOCK_STREAM, &s);
        if (err == NP_OK)
            err = np_socket_close(s);
        np_cleanup();
        if (err != NP_OK) {
            w->err = err;
            return;
        }
        w->rounds++;
    }
}

static void test_threads(void)
{
    np_thread *t[THREADS];
    worker w[THREADS];
    int i, started = 0;
    np_socket_t s;
    memset(w, 0, sizeof w);
    for (i = 0; i < THREADS; i++)
        if (np_thread_create(&t[i], init_worker, &w[i]) == NP_OK)
            started++;
    for (i = 0; i < started; i++)
        np_thread_join(t[i]);
    CHECK_INT(started, THREADS);
    for (i = 0; i < THREADS; i++) {
        CHECK_OK(w[i].err);
        CHECK_INT(w[i].rounds, ROUNDS);
    }
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &s));
    np_socket_close(s);
}

/* Writing into connections whose peer is gone: the process must survive and
 * the calls must fail with a code. */
static void test_no_sigpipe(void)
{
    np_socket_t p[2], c, s;
    static char chunk[4096];
    np_err e1 = NP_OK, e2 = NP_OK, e3 = NP_OK;
    int i;
    CHECK_OK(np_socketpair(NP_AF_UNSPEC, NP_SOCK_STREAM, p));
    np_socket_close(p[1]);
    for (i = 0; i < 100 && e1 == NP_OK; i++)
        e1 = np_send(p[0], chunk, sizeof chunk, NULL);
    e2 = np_sendall(p[0], chunk, sizeof chunk, NULL);
    np_socket_close(p[0]);

    CHECK_OK(pt_tcp_pair(NP_AF_INET, &c, &s));
    np_socket_close(s);
    for (i = 0; i < 200 && e3 == NP_OK; i++) {
        e3 = np_sendall(c, chunk, sizeof chunk, NULL);
        if (e3 == NP_OK)
            np_sleep_ms(5);
    }
    np_socket_close(c);
    printf("  still alive: %s, %s, %s\n", np_err_name(e1), np_err_name(e2), np_err_name(e3));
    CHECK_ERR_IN(e1, NP_EPIPE, NP_ECONNRESET);
    CHECK_ERR_IN(e2, NP_EPIPE, NP_ECONNRESET);
    CHECK_ERR_IN(e3, NP_EPIPE, NP_ECONNRESET);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_version);
    RUN(test_nested);
    RUN(test_threads);
    RUN(test_no_sigpipe);
    RUN(test_full_cleanup_and_reinit);
    return NP_TEST_DONE();
}
