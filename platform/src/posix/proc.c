/* libnp, POSIX: process helpers (np/proc.h). */
#include "np_internal.h"

#include <stdlib.h>

long np_getpid(void)
{
    return (long)getpid();
}

#if NP_HAVE_FORK

np_err np_fork(long *pid)
{
    pid_t p;
    if (!pid)
        return np_err_record(NP_EINVAL, 0);
    p = fork();
    if (NP_TRACING())
        np_trace_line(p, p < 0 ? errno : 0, p < 0 ? np_err_from_native(errno) : NP_OK,
                      "np_fork() -> fork()");
    if (p < 0)
        return np_err_from_last();
    *pid = (long)p;
    return NP_OK;
}

np_err np_wait_child(long *pid, int *exit_code, int nohang)
{
    int status = 0;
    pid_t want, got;
    if (!pid)
        return np_err_record(NP_EINVAL, 0);
    want = (pid_t)*pid;
    do {
        got = waitpid(want, &status, nohang ? WNOHANG : 0);
    } while (got < 0 && errno == EINTR);
    if (got < 0)
        return np_err_from_last();
    *pid = (long)got;
    if (got > 0 && exit_code) {
        if (WIFEXITED(status))
            *exit_code = WEXITSTATUS(status);
        else if (WIFSIGNALED(status))
            *exit_code = 128 + WTERMSIG(status);
        else
            *exit_code = -1;
    }
    return NP_OK;
}

int np_reap_children(void)
{
    int n = 0;
    pid_t got;
    for (;;) {
        int status;
        got = waitpid(-1, &status, WNOHANG);
        if (got > 0) {
            n++;
            continue;
        }
        if (got < 0 && errno == EINTR)
            continue;
        break;
    }
    return n;
}

np_err np_daemonize(void)
{
    long pid;
    np_err err;
    int fd;

    if ((err = np_fork(&pid)) != NP_OK)
        return err;
    if (pid > 0)
        _exit(0);
    if (setsid() < 0)
        return np_err_from_last();
    /* A second fork: the daemon is not a session leader, so it can never
     * acquire a controlling terminal again. */
    if ((err = np_fork(&pid)) != NP_OK)
        return err;
    if (pid > 0)
        _exit(0);
    if (chdir("/") != 0)
        return np_err_from_last();
    fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return np_err_from_last();
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    if (fd > 2)
        close(fd);
    return NP_OK;
}

np_err np_kill(long pid, int force)
{
    if (pid <= 0)
        return np_err_record(NP_EINVAL, 0);
    if (kill((pid_t)pid, force ? SIGKILL : SIGTERM) != 0)
        return np_err_from_last();
    return NP_OK;
}

#endif /* NP_HAVE_FORK */
