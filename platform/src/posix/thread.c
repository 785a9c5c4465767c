/* libnp: threads and synchronisation on pthreads.
 *
 * Condition variables time out on CLOCK_MONOTONIC (pthread_condattr_setclock)
 * so that a wall-clock step cannot stretch or cut a timed wait; macOS has no
 * setclock and uses its relative wait instead. */
#include "../np_internal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

/* Shared by the handle and the running thread until both let go: a detached
 * thread may not have started when np_thread_detach returns. */
struct np_thread {
    pthread_t tid;
    np_thread_fn fn;
    void *arg;
    atomic_int refs;
};

struct np_mutex {
    pthread_mutex_t m;
};

struct np_cond {
    pthread_cond_t c;
};

/* ---- threads ---------------------------------------------------------------- */

static void thread_release(np_thread *t)
{
    if (atomic_fetch_sub(&t->refs, 1) == 1) free(t);
}

static void *thread_main(void *raw)
{
    np_thread *t = raw;
    np_thread_fn fn = t->fn;
    void *arg = t->arg;
    thread_release(t);
    fn(arg);
    return NULL;
}

np_err np_thread_create(np_thread **out, np_thread_fn fn, void *arg)
{
    np_thread *t;
    int rc;
    if (!out || !fn) return np_err_record(NP_EINVAL, 0);
    *out = NULL;
    t = calloc(1, sizeof *t);
    if (!t) return np_err_record(NP_ENOMEM, 0);
    t->fn = fn;
    t->arg = arg;
    atomic_init(&t->refs, 2);
    rc = pthread_create(&t->tid, NULL, thread_main, t);
    if (rc != 0) {   /* pthreads return the error instead of setting errno */
        free(t);
        return np_err_record(np_err_from_native(rc), rc);
    }
    *out = t;
    return NP_OK;
}

np_err np_thread_join(np_thread *t)
{
    int rc;
    if (!t) return np_err_record(NP_EINVAL, 0);
    rc = pthread_join(t->tid, NULL);
    if (rc != 0) return np_err_record(np_err_from_native(rc), rc);
    thread_release(t);
    return NP_OK;
}

np_err np_thread_detach(np_thread *t)
{
    int rc;
    if (!t) return np_err_record(NP_EINVAL, 0);
    rc = pthread_detach(t->tid);
    if (rc != 0) return np_err_record(np_err_from_native(rc), rc);
    thread_release(t);
    return NP_OK;
}

/* pthread_t is opaque (a pointer on glibc): hand out small numbers instead,
 * 1 for the first thread that asks, so logs stay readable. */
unsigned long np_thread_self_id(void)
{
    static atomic_ulong next = 1;
    static _Thread_local unsigned long id;
    if (id == 0) id = atomic_fetch_add(&next, 1);
    return id;
}

/* ---- mutexes -------------------------------------------------------------- */

np_err np_mutex_create(np_mutex **out)
{
    np_mutex *m;
    int rc;
    if (!out) return np_err_record(NP_EINVAL, 0);
    *out = NULL;
    m = malloc(sizeof *m);
    if (!m) return np_err_record(NP_ENOMEM, 0);
    rc = pthread_mutex_init(&m->m, NULL);
    if (rc != 0) {
        free(m);
        return np_err_record(np_err_from_native(rc), rc);
    }
    *out = m;
    return NP_OK;
}

void np_mutex_destroy(np_mutex *m)
{
    if (!m) return;
    pthread_mutex_destroy(&m->m);
    free(m);
}

void np_mutex_lock(np_mutex *m)
{
    /* Fails only on misuse (a destroyed or uninitialised mutex). */
    (void)pthread_mutex_lock(&m->m);
}

void np_mutex_unlock(np_mutex *m)
{
    (void)pthread_mutex_unlock(&m->m);
}

np_err np_mutex_trylock(np_mutex *m)
{
    int rc = pthread_mutex_trylock(&m->m);
    if (rc == 0) return NP_OK;
    if (rc == EBUSY) return NP_EAGAIN;   /* held: an answer, not a failure */
    return np_err_record(np_err_from_native(rc), rc);
}

/* ---- condition variables --------------------------------------------------------- */

np_err np_cond_create(np_cond **out)
{
    np_cond *c;
    pthread_condattr_t attr;
    int rc;
    if (!out) return np_err_record(NP_EINVAL, 0);
    *out = NULL;
    c = malloc(sizeof *c);
    if (!c) return np_err_record(NP_ENOMEM, 0);
    rc = pthread_condattr_init(&attr);
    if (rc == 0) {
#if !defined(__APPLE__)
        rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
#endif
        if (rc == 0) rc = pthread_cond_init(&c->c, &attr);
        pthread_condattr_destroy(&attr);
    }
    if (rc != 0) {
        free(c);
        return np_err_record(np_err_from_native(rc), rc);
    }
    *out = c;
    return NP_OK;
}

void np_cond_destroy(np_cond *c)
{
    if (!c) return;
    pthread_cond_destroy(&c->c);
    free(c);
}

void np_cond_wait(np_cond *c, np_mutex *m)
{
    (void)pthread_cond_wait(&c->c, &m->m);
}

np_err np_cond_timedwait(np_cond *c, np_mutex *m, int64_t timeout_ms)
{
    struct timespec ts;
    int rc;
    if (timeout_ms < 0) {
        np_cond_wait(c, m);
        return NP_OK;
    }
#if defined(__APPLE__)
    ts.tv_sec = (time_t)(timeout_ms / 1000);
    ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
    rc = pthread_cond_timedwait_relative_np(&c->c, &m->m, &ts);
#else
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += (time_t)(timeout_ms / 1000);
    ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    rc = pthread_cond_timedwait(&c->c, &m->m, &ts);
#endif
    if (rc == 0) return NP_OK;
    if (rc == ETIMEDOUT) return NP_ETIMEDOUT;   /* expected outcome: not recorded */
    return np_err_record(np_err_from_native(rc), rc);
}

void np_cond_signal(np_cond *c)
{
    (void)pthread_cond_signal(&c->c);
}

void np_cond_broadcast(np_cond *c)
{
    (void)pthread_cond_broadcast(&c->c);
}

/* ---- once --------------------------------------------------------------------- */

/* np_once_t holds only a long, so pthread_once cannot be used. States:
 * 0 not run, 1 running, 2 done. The first caller to swing 0 -> 1 runs fn;
 * others sleep on one process-wide condition until the state reads 2. The
 * lock is not held while fn runs, so fn may itself use np_once. */
enum { ONCE_NEW = 0, ONCE_RUNNING = 1, ONCE_DONE = 2 };

static pthread_mutex_t once_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t once_done = PTHREAD_COND_INITIALIZER;

void np_once(np_once_t *once, void (*fn)(void))
{
    long expected = ONCE_NEW;
    if (__atomic_load_n(&once->state, __ATOMIC_ACQUIRE) == ONCE_DONE) return;
    if (__atomic_compare_exchange_n(&once->state, &expected, ONCE_RUNNING, 0,
                                    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        fn();
        pthread_mutex_lock(&once_lock);
        __atomic_store_n(&once->state, ONCE_DONE, __ATOMIC_RELEASE);
        pthread_cond_broadcast(&once_done);
        pthread_mutex_unlock(&once_lock);
        return;
    }
    pthread_mutex_lock(&once_lock);
    while (__atomic_load_n(&once->state, __ATOMIC_ACQUIRE) != ONCE_DONE)
        pthread_cond_wait(&once_done, &once_lock);
    pthread_mutex_unlock(&once_lock);
}
