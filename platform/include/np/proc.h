/* libnp: processes — fork-based helpers, only where fork() exists.
 *
 * NP_HAVE_FORK (from np/config.h) is 1 on systems with fork() and 0 elsewhere
 * (Windows). Code that forks must be inside #if NP_HAVE_FORK; these functions
 * are not even declared otherwise. */
#ifndef NP_PROC_H
#define NP_PROC_H

#include <np/config.h>
#include "export.h"
#include "error.h"

NP_BEGIN_DECLS

/* The calling process's id. */
NP_API long np_getpid(void);

#if NP_HAVE_FORK

/* fork(). *pid is 0 in the child, the child's id in the parent. */
NP_API np_err np_fork(long *pid);

/* Wait for child pid (-1: any child). With nohang, *pid is 0 when none has
 * exited. *exit_code is the exit status, or 128 + signal number if it was
 * killed by a signal. EINTR is retried. */
NP_API np_err np_wait_child(long *pid, int *exit_code, int nohang);

/* Reap every child that has exited, without blocking; returns how many. */
NP_API int np_reap_children(void);

/* Detach from the terminal: fork, setsid, chdir("/"), stdio to /dev/null. The
 * parent exits with status 0 once the child is set up. */
NP_API np_err np_daemonize(void);

/* Send SIGTERM (force == 0) or SIGKILL to pid. */
NP_API np_err np_kill(long pid, int force);

#endif /* NP_HAVE_FORK */

NP_END_DECLS

#endif /* NP_PROC_H */
