/* np_on_terminate: a terminate request (SIGTERM here, Ctrl-C on Windows)
 * reaches the callback with its context, wakes a poller from inside the
 * handler, and can be handed over to another callback. */
#include "np_test.h"

#include <stdatomic.h>

static atomic_int g_calls;
static void *volatile g_seen_ctx;

static void count_call(void *ctx)
{
    g_seen_ctx = ctx;
    atomic_fetch_add(&g_calls, 1);
}

/* Wait (the Windows handler runs on its own thread) until n calls arrived. */
static int wait_calls(int n)
{
    for (int i = 0; i < 500; i++) {
        if (atomic_load(&g_calls) >= n)
            return 1;
        np_sleep_ms(10);
    }
    return 0;
}

static void test_callback_gets_context(void)
{
    int ctx;
    atomic_store(&g_calls, 0);
    CHECK_OK(np_on_terminate(count_call, &ctx));
    CHECK_OK(np_terminate_self());
    CHECK(wait_calls(1));
    CHECK(g_seen_ctx == &ctx);
    /* Twice: the handler stays installed. */
    CHECK_OK(np_terminate_self());
    CHECK(wait_calls(2));
}

static void wake(void *ctx)
{
    np_poller_wakeup((np_poller *)ctx);
    atomic_fetch_add(&g_calls, 1);
}

static void test_wakes_a_poller(void)
{
    np_poller *p;
    np_poll_event ev[4];
    int n = -1;
    int64_t t0;
    atomic_store(&g_calls, 0);
    CHECK_OK(np_poller_open(&p));
    CHECK_OK(np_on_terminate(wake, p));
    CHECK_OK(np_terminate_self());
    t0 = np_now_ms();
    CHECK_OK(np_poller_wait(p, ev, 4, 5000, &n));
    CHECK(np_now_ms() - t0 < 4000);
    CHECK_INT(n, 0);
    CHECK(wait_calls(1));
    CHECK_OK(np_on_terminate(count_call, NULL));   /* before the poller goes */
    np_poller_close(p);
}

static void test_replace_callback(void)
{
    int a, b;
    atomic_store(&g_calls, 0);
    CHECK_OK(np_on_terminate(count_call, &a));
    CHECK_OK(np_on_terminate(count_call, &b));
    CHECK_OK(np_terminate_self());
    CHECK(wait_calls(1));
    CHECK(g_seen_ctx == &b);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_callback_gets_context);
    RUN(test_wakes_a_poller);
    RUN(test_replace_callback);
    /* Leave a harmless callback installed: a stray late request must not
     * kill the test after it has passed. */
    np_on_terminate(count_call, NULL);
    return NP_TEST_DONE();
}
