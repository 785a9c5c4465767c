/* libnp, POSIX: terminate requests (np/signal.h) from SIGINT and SIGTERM. */
#include "np_internal.h"
#include <np/signal.h>

#include <signal.h>
#include <string.h>

/* Read inside the handler: plain volatile pointers, set while the signals are
 * blocked so the handler never sees a callback without its context. */
static void (*volatile g_fn)(void *);
static void *volatile g_ctx;

static void on_signal(int signo)
{
    int saved = errno;   /* the interrupted code may be about to read errno */
    void (*fn)(void *) = g_fn;
    (void)signo;
    if (fn)
        fn(g_ctx);
    errno = saved;
}

np_err np_on_terminate(np_terminate_fn fn, void *ctx)
{
    struct sigaction sa;
    sigset_t block, old;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    /* The process may have threads: pthread_sigmask is what POSIX defines
     * for them (sigprocmask is unspecified there). */
    pthread_sigmask(SIG_BLOCK, &block, &old);
    g_fn = fn;
    g_ctx = ctx;
    sa.sa_handler = fn ? on_signal : SIG_DFL;
    /* SA_RESTART: slow calls elsewhere go on; the callback wakes the loop. */
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0) {
        np_err err = np_err_from_last();
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        return err;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return NP_OK;
}

np_err np_terminate_self(void)
{
    if (raise(SIGTERM) != 0)
        return np_err_from_last();
    return NP_OK;
}
