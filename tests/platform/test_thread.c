/* libnp threads: create/join/detach, mutex under contention, trylock,
 * condition signal/broadcast/timed wait, and np_once under racing threads.
 * Timed checks assert loose lower bounds only, never tight upper bounds. */
#include "np_test.h"

/* ---- create / join / detach ------------------------------------------------- */

static void set_flag(void *arg)
{
    *(int *)arg = 42;
}

static void test_create_join(void)
{
    np_thread *t;
    int flag = 0;   /* join orders the write before our read */
    CHECK_OK(np_thread_create(&t, set_flag, &flag));
    CHECK_OK(np_thread_join(t));
    CHECK_INT(flag, 42);
    CHECK_ERR(np_thread_create(NULL, set_flag, NULL), NP_EINVAL);
    CHECK_ERR(np_thread_create(&t, NULL, NULL), NP_EINVAL);
}

/* A mutex, a condition and the state they guard, for the cases below. */
typedef struct shared {
    np_mutex *m;
    np_cond *c;
    int ready;      /* set by whoever signals */
    int waiting;    /* threads inside the wait loop */
    int woke;       /* threads that came out of it */
    long counter;
} shared;

static void shared_init(shared *s)
{
    memset(s, 0, sizeof *s);
    if (np_mutex_create(&s->m) != NP_OK || np_cond_create(&s->c) != NP_OK) {
        fprintf(stderr, "cannot create mutex/cond\n");
        exit(1);
    }
}

static void shared_free(shared *s)
{
    np_cond_destroy(s->c);
    np_mutex_destroy(s->m);
}

static void detached_main(void *arg)
{
    shared *s = arg;
    np_mutex_lock(s->m);
    s->ready = 1;
    np_cond_signal(s->c);
    np_mutex_unlock(s->m);
}

static void test_detach(void)
{
    shared s;
    np_thread *t;
    shared_init(&s);
    CHECK_OK(np_thread_create(&t, detached_main, &s));
    CHECK_OK(np_thread_detach(t));
    np_mutex_lock(s.m);
    while (!s.ready) np_cond_wait(s.c, s.m);
    np_mutex_unlock(s.m);
    /* The thread signalled under the lock and has let go of it: we can free. */
    np_mutex_lock(s.m);
    np_mutex_unlock(s.m);
    shared_free(&s);
}

/* ---- ids ---------------------------------------------------------------------- */

static void store_id(void *arg)
{
    unsigned long *id = arg;
    id[0] = np_thread_self_id();
    id[1] = np_thread_self_id();
}

static void test_self_id(void)
{
    unsigned long mine = np_thread_self_id(), other[2] = { 0, 0 };
    np_thread *t;
    CHECK(mine != 0);
    CHECK_INT(np_thread_self_id(), mine);
    CHECK_OK(np_thread_create(&t, store_id, other));
    CHECK_OK(np_thread_join(t));
    CHECK(other[0] != 0);
    CHECK_INT(other[0], other[1]);
    CHECK(other[0] != mine);
}

/* ---- mutex -------------------------------------------------------------------- */

#define COUNTER_THREADS 4
#define COUNTER_ROUNDS 100000

static void count_up(void *arg)
{
    shared *s = arg;
    int i;
    for (i = 0; i < COUNTER_ROUNDS; i++) {
        np_mutex_lock(s->m);
        s->counter++;   /* a plain read-modify-write: only the lock keeps it whole */
        np_mutex_unlock(s->m);
    }
}

static void test_mutex_contention(void)
{
    shared s;
    np_thread *t[COUNTER_THREADS];
    int i;
    shared_init(&s);
    for (i = 0; i < COUNTER_THREADS; i++) CHECK_OK(np_thread_create(&t[i], count_up, &s));
    for (i = 0; i < COUNTER_THREADS; i++) CHECK_OK(np_thread_join(t[i]));
    CHECK_INT(s.counter, (long)COUNTER_THREADS * COUNTER_ROUNDS);
    shared_free(&s);
}

static void try_from_other_thread(void *arg)
{
    shared *s = arg;
    s->counter = np_mutex_trylock(s->m);
    if (s->counter == NP_OK) np_mutex_unlock(s->m);
}

static void test_trylock(void)
{
    shared s;
    np_thread *t;
    shared_init(&s);
    np_mutex_lock(s.m);
    CHECK_OK(np_thread_create(&t, try_from_other_thread, &s));
    CHECK_OK(np_thread_join(t));
    CHECK_ERR((np_err)s.counter, NP_EAGAIN);
    np_mutex_unlock(s.m);
    CHECK_OK(np_thread_create(&t, try_from_other_thread, &s));
    CHECK_OK(np_thread_join(t));
    CHECK_ERR((np_err)s.counter, NP_OK);
    CHECK_OK(np_mutex_trylock(s.m));
    np_mutex_unlock(s.m);
    shared_free(&s);
}

/* ---- condition variables ------------------------------------------------------ */

static void wait_ready(void *arg)
{
    shared *s = arg;
    np_mutex_lock(s->m);
    s->waiting++;
    np_cond_broadcast(s->c);   /* tell the main thread one more is in place */
    while (!s->ready) np_cond_wait(s->c, s->m);
    s->woke++;
    np_mutex_unlock(s->m);
}

/* Start n waiters and return once all are inside their wait loop. */
static int start_waiters(shared *s, np_thread **t, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (np_thread_create(&t[i], wait_ready, s) != NP_OK) return 0;
    np_mutex_lock(s->m);
    while (s->waiting < n) np_cond_wait(s->c, s->m);
    np_mutex_unlock(s->m);
    return 1;
}

static void test_cond_signal(void)
{
    shared s;
    np_thread *t[1];
    shared_init(&s);
    CHECK(start_waiters(&s, t, 1));
    np_mutex_lock(s.m);
    s.ready = 1;
    np_cond_signal(s.c);
    np_mutex_unlock(s.m);
    CHECK_OK(np_thread_join(t[0]));
    CHECK_INT(s.woke, 1);
    shared_free(&s);
}

#define WAITERS 6

static void test_cond_broadcast(void)
{
    shared s;
    np_thread *t[WAITERS];
    int i;
    shared_init(&s);
    CHECK(start_waiters(&s, t, WAITERS));
    np_mutex_lock(s.m);
    s.ready = 1;
    np_cond_broadcast(s.c);   /* one call must release every waiter */
    np_mutex_unlock(s.m);
    for (i = 0; i < WAITERS; i++) CHECK_OK(np_thread_join(t[i]));
    CHECK_INT(s.woke, WAITERS);
    shared_free(&s);
}

static void test_cond_timedwait_timeout(void)
{
    shared s;
    int64_t start, elapsed;
    np_err err = NP_OK;
    shared_init(&s);
    np_mutex_lock(s.m);
    start = np_now_ms();
    /* Nobody signals: only spurious wake-ups may end it early, so loop on
     * what is left of the 100 ms. */
    while (err == NP_OK) {
        int64_t left = 100 - (np_now_ms() - start);
        if (left <= 0) break;
        err = np_cond_timedwait(s.c, s.m, left);
    }
    elapsed = np_now_ms() - start;
    np_mutex_unlock(s.m);
    CHECK_ERR(err, NP_ETIMEDOUT);
    /* Loose lower bound (timer granularity may cut a few ms); no upper bound. */
    CHECK_MSG(elapsed >= 80, "timed wait of 100 ms returned after %lld ms", (long long)elapsed);
    printf("  timedwait(100 ms) took %lld ms\n", (long long)elapsed);
    shared_free(&s);
}

static void signal_later(void *arg)
{
    shared *s = arg;
    np_sleep_ms(30);
    np_mutex_lock(s->m);
    s->ready = 1;
    np_cond_signal(s->c);
    np_mutex_unlock(s->m);
}

static void test_cond_timedwait_signalled(void)
{
    shared s;
    np_thread *t;
    np_err err = NP_OK;
    shared_init(&s);
    CHECK_OK(np_thread_create(&t, signal_later, &s));
    np_mutex_lock(s.m);
    while (!s.ready && err == NP_OK) err = np_cond_timedwait(s.c, s.m, 30000);
    np_mutex_unlock(s.m);
    CHECK_OK(np_thread_join(t));
    CHECK_OK(err);
    CHECK_INT(s.ready, 1);
    shared_free(&s);
}

/* ---- once ----------------------------------------------------------------------- */

#define ONCE_THREADS 8

static np_once_t race_once = NP_ONCE_INIT;
static volatile long once_runs;
static shared gate;   /* holds the racers until all have started */

static void once_body(void)
{
    once_runs++;
    np_sleep_ms(50);   /* long enough that the losers really have to wait */
}

static void once_racer(void *arg)
{
    long *seen = arg;
    np_mutex_lock(gate.m);
    gate.waiting++;
    np_cond_broadcast(gate.c);
    while (!gate.ready) np_cond_wait(gate.c, gate.m);
    np_mutex_unlock(gate.m);
    np_once(&race_once, once_body);
    *seen = once_runs;   /* must already be 1: np_once returns after fn ran */
}

static void test_once_race(void)
{
    np_thread *t[ONCE_THREADS];
    long seen[ONCE_THREADS];
    int i;
    shared_init(&gate);
    for (i = 0; i < ONCE_THREADS; i++) {
        seen[i] = -1;
        CHECK_OK(np_thread_create(&t[i], once_racer, &seen[i]));
    }
    np_mutex_lock(gate.m);
    while (gate.waiting < ONCE_THREADS) np_cond_wait(gate.c, gate.m);
    gate.ready = 1;
    np_cond_broadcast(gate.c);
    np_mutex_unlock(gate.m);
    for (i = 0; i < ONCE_THREADS; i++) CHECK_OK(np_thread_join(t[i]));
    CHECK_INT(once_runs, 1);
    for (i = 0; i < ONCE_THREADS; i++) CHECK_INT(seen[i], 1);
    np_once(&race_once, once_body);   /* and never again afterwards */
    CHECK_INT(once_runs, 1);
    shared_free(&gate);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_create_join);
    RUN(test_detach);
    RUN(test_self_id);
    RUN(test_mutex_contention);
    RUN(test_trylock);
    RUN(test_cond_signal);
    RUN(test_cond_broadcast);
    RUN(test_cond_timedwait_timeout);
    RUN(test_cond_timedwait_signalled);
    RUN(test_once_race);
    return NP_TEST_DONE();
}
