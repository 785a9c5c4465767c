/* libnp: threads and synchronisation on Win32.
 *
 * Slim reader/writer locks and condition variables (Vista and later): no
 * kernel objects to create or leak, and SleepConditionVariableSRW waits on a
 * relative timeout, so the wall clock never matters. Threads start with
 * CreateThread: the CRT's per-thread data is set up on demand by today's
 * CRTs (UCRT and msvcrt.dll alike), and it avoids a CRT-only header here. */
#include "../np_internal.h"

#include <stdlib.h>

/* Shared by the handle and the running thread until both let go: a detached
 * thread may not have started when np_thread_detach returns. */
struct np_thread {
    HANDLE h;
    np_thread_fn fn;
    void *arg;
    volatile LONG refs;
};

struct np_mutex {
    SRWLOCK lock;
};

struct np_cond {
    CONDITION_VARIABLE cv;
};

static np_err record_last_win32(void)
{
    long native = (long)GetLastError();
    return np_err_record(np_err_from_native(native), native);
}

/* ---- threads ---------------------------------------------------------------- */

static void thread_release(np_thread *t)
{
    if (InterlockedDecrement(&t->refs) == 0) free(t);
}

static DWORD WINAPI thread_main(LPVOID raw)
{
    np_thread *t = raw;
    np_thread_fn fn = t->fn;
    void *arg = t->arg;
    thread_release(t);
    fn(arg);
    return 0;
}

np_err np_thread_create(np_thread **out, np_thread_fn fn, void *arg)
{
    np_thread *t;
    if (!out || !fn) return np_err_record(NP_EINVAL, 0);
    *out = NULL;
    t = calloc(1, sizeof *t);
    if (!t) return np_err_record(NP_ENOMEM, 0);
    t->fn = fn;
    t->arg = arg;
    t->refs = 2;
    t->h = CreateThread(NULL, 0, thread_main, t, 0, NULL);
    if (t->h == NULL) {
        np_err err = record_last_win32();
        free(t);
        return err;
    }
    *out = t;
    return NP_OK;
}

np_err np_thread_join(np_thread *t)
{
    if (!t) return np_err_record(NP_EINVAL, 0);
    if (WaitForSingleObject(t->h, INFINITE) != WAIT_OBJECT_0) return record_last_win32();
    CloseHandle(t->h);
    thread_release(t);
    return NP_OK;
}

np_err np_thread_detach(np_thread *t)
{
    if (!t) return np_err_record(NP_EINVAL, 0);
    CloseHandle(t->h);   /* the thread runs on; only our handle goes */
    thread_release(t);
    return NP_OK;
}

unsigned long np_thread_self_id(void)
{
    return (unsigned long)GetCurrentThreadId();   /* what debuggers show */
}

/* ---- mutexes -------------------------------------------------------------- */

np_err np_mutex_create(np_mutex **out)
{
    np_mutex *m;
    if (!out) return np_err_record(NP_EINVAL, 0);
    *out = NULL;
    m = malloc(sizeof *m);
    if (!m) return np_err_record(NP_ENOMEM, 0);
    InitializeSRWLock(&m->lock);
    *out = m;
    return NP_OK;
}

void np_mutex_destroy(np_mutex *m)
{
    free(m);   /* SRW locks own no resources */
}

void np_mutex_lock(np_mutex *m)
{
    AcquireSRWLockExclusive(&m->lock);
}

void np_mutex_unlock(np_mutex *m)
{
    ReleaseSRWLockExclusive(&m->lock);
}

np_err np_mutex_trylock(np_mutex *m)
{
    return TryAcquireSRWLockExclusive(&m->lock) ? NP_OK : NP_EAGAIN;
}

/* ---- condition variables --------------------------------------------------------- */

np_err np_cond_create(np_cond **out)
{
    np_cond *c;
    if (!out) return np_err_record(NP_EINVAL, 0);
    *out = NULL;
    c = malloc(sizeof *c);
    if (!c) return np_err_record(NP_ENOMEM, 0);
    InitializeConditionVariable(&c->cv);
    *out = c;
    return NP_OK;
}

void np_cond_destroy(np_cond *c)
{
    free(c);
}

void np_cond_wait(np_cond *c, np_mutex *m)
{
    (void)SleepConditionVariableSRW(&c->cv, &m->lock, INFINITE, 0);
}

np_err np_cond_timedwait(np_cond *c, np_mutex *m, int64_t timeout_ms)
{
    DWORD ms;
    if (timeout_ms < 0) {
        np_cond_wait(c, m);
        return NP_OK;
    }
    /* INFINITE is 0xFFFFFFFF: longer waits end early, which callers already
     * handle as a spurious wake-up. */
    ms = timeout_ms >= (int64_t)INFINITE ? INFINITE - 1 : (DWORD)timeout_ms;
    if (SleepConditionVariableSRW(&c->cv, &m->lock, ms, 0)) return NP_OK;
    if (GetLastError() == ERROR_TIMEOUT)
        return timeout_ms == (int64_t)ms ? NP_ETIMEDOUT : NP_OK;
    return record_last_win32();
}

void np_cond_signal(np_cond *c)
{
    WakeConditionVariable(&c->cv);
}

void np_cond_broadcast(np_cond *c)
{
    WakeAllConditionVariable(&c->cv);
}

/* ---- once --------------------------------------------------------------------- */

/* np_once_t holds only a long (a LONG here), so InitOnceExecuteOnce's own
 * INIT_ONCE cannot be used. States: 0 not run, 1 running, 2 done. The first
 * caller to swing 0 -> 1 runs fn; others sleep on one process-wide condition
 * until the state reads 2. The lock is not held while fn runs, so fn may
 * itself use np_once. */
enum { ONCE_NEW = 0, ONCE_RUNNING = 1, ONCE_DONE = 2 };

static SRWLOCK once_lock = SRWLOCK_INIT;
static CONDITION_VARIABLE once_done = CONDITION_VARIABLE_INIT;

/* A full-barrier read: the interlocked call returns the current value. */
static long once_state(np_once_t *once)
{
    return InterlockedCompareExchange(&once->state, ONCE_DONE, ONCE_DONE);
}

void np_once(np_once_t *once, void (*fn)(void))
{
    if (once_state(once) == ONCE_DONE) return;
    if (InterlockedCompareExchange(&once->state, ONCE_RUNNING, ONCE_NEW) == ONCE_NEW) {
        fn();
        AcquireSRWLockExclusive(&once_lock);
        InterlockedExchange(&once->state, ONCE_DONE);
        WakeAllConditionVariable(&once_done);
        ReleaseSRWLockExclusive(&once_lock);
        return;
    }
    AcquireSRWLockExclusive(&once_lock);
    while (once_state(once) != ONCE_DONE)
        SleepConditionVariableSRW(&once_done, &once_lock, INFINITE, 0);
    ReleaseSRWLockExclusive(&once_lock);
}
