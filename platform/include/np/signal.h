/* libnp: a request to terminate — SIGINT/SIGTERM on POSIX, Ctrl-C, Ctrl-Break
 * and closing the console window on Windows — delivered to one callback, so a
 * server can shut down cleanly without knowing which OS asked.
 *
 * The callback runs in a signal handler on POSIX and on a thread the system
 * creates on Windows: it must only do what is safe there, such as setting an
 * atomic flag or calling np_poller_wakeup(). The errno of the interrupted code
 * is preserved around it. */
#ifndef NP_SIGNAL_H
#define NP_SIGNAL_H

#include "export.h"
#include "error.h"

NP_BEGIN_DECLS

typedef void (*np_terminate_fn)(void *ctx);

/* Route terminate requests to fn(ctx), replacing any earlier callback. fn NULL
 * restores the default (the process is killed). In a child made by np_fork()
 * the parent's callback is still installed: call this again there. */
NP_API np_err np_on_terminate(np_terminate_fn fn, void *ctx);

/* Deliver a terminate request to this process the way the OS does (for
 * tests): raise(SIGTERM) on POSIX; on Windows the console handler runs on a
 * new thread, as for Ctrl-C (GenerateConsoleCtrlEvent would reach every
 * process sharing the console). */
NP_API np_err np_terminate_self(void);

NP_END_DECLS

#endif /* NP_SIGNAL_H */
