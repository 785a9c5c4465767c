/* libnp: threads and synchronisation (pthreads on POSIX, Win32 elsewhere). */
#ifndef NP_THREAD_H
#define NP_THREAD_H

#include <stdint.h>
#include "export.h"
#include "error.h"

NP_BEGIN_DECLS

typedef struct np_thread np_thread;
typedef struct np_mutex np_mutex;
typedef struct np_cond np_cond;

typedef void (*np_thread_fn)(void *arg);

/* Start fn(arg) on a new thread. Join it or detach it exactly once. */
NP_API np_err np_thread_create(np_thread **out, np_thread_fn fn, void *arg);
NP_API np_err np_thread_join(np_thread *t);
NP_API np_err np_thread_detach(np_thread *t);
/* A small number identifying the calling thread, for logs. */
NP_API unsigned long np_thread_self_id(void);

NP_API np_err np_mutex_create(np_mutex **out);
NP_API void np_mutex_destroy(np_mutex *m);
NP_API void np_mutex_lock(np_mutex *m);
NP_API void np_mutex_unlock(np_mutex *m);
/* NP_OK if taken, NP_EAGAIN if another thread holds it. */
NP_API np_err np_mutex_trylock(np_mutex *m);

NP_API np_err np_cond_create(np_cond **out);
NP_API void np_cond_destroy(np_cond *c);
/* Wait on c with m held. Spurious wake-ups happen: wait in a loop. */
NP_API void np_cond_wait(np_cond *c, np_mutex *m);
/* As np_cond_wait, at most timeout_ms; NP_ETIMEDOUT when the time ran out. */
NP_API np_err np_cond_timedwait(np_cond *c, np_mutex *m, int64_t timeout_ms);
NP_API void np_cond_signal(np_cond *c);
NP_API void np_cond_broadcast(np_cond *c);

/* Run fn exactly once across all threads; later callers wait until it has run. */
typedef struct np_once { volatile long state; } np_once_t;
#define NP_ONCE_INIT { 0 }
NP_API void np_once(np_once_t *once, void (*fn)(void));

NP_END_DECLS

#endif /* NP_THREAD_H */
