/* np_testkit: child processes for tests (POSIX side).
 *
 * posix_spawn() runs the program with two pipes: ours to its stdin, its stdout
 * to us (stderr is inherited, so the child's complaints land in the test log).
 * Reads wait with poll() against a monotonic deadline; proc_lines.c keeps the
 * per-process buffer and cuts it into lines. */
#define _GNU_SOURCE /* environ, pipe2 */
#include "np_test.h"
#include "proc_lines.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct np_test_proc {
    pid_t pid;
    int in_fd;        /* write end of the child's stdin; -1 once closed */
    int out_fd;       /* read end of the child's stdout; -1 at end of output */
    np_proc_lines out; /* stdout bytes not yet returned as lines (proc_lines.c) */
};

static np_err errno_err(int e)
{
    return np_err_from_native(e);
}

static int make_pipe(int fds[2])
{
#if defined(__linux__)
    return pipe2(fds, O_CLOEXEC);
#else
    if (pipe(fds) != 0)
        return -1;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
#endif
}

/* The environment for the child: ours, with `extra` entries added or replacing
 * entries of the same name. Returns a malloc'd array of borrowed strings. */
static char **build_env(const char *const extra[])
{
    size_t n_env = 0, n_extra = 0, k = 0;
    char **out;
    while (environ && environ[n_env])
        n_env++;
    while (extra && extra[n_extra])
        n_extra++;
    out = malloc((n_env + n_extra + 1) * sizeof *out);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n_env; i++) {
        const char *eq = strchr(environ[i], '=');
        size_t name_len = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
        int replaced = 0;
        for (size_t j = 0; j < n_extra; j++)
            if (strncmp(extra[j], environ[i], name_len) == 0 && extra[j][name_len] == '=')
                replaced = 1;
        if (!replaced)
            out[k++] = environ[i];
    }
    for (size_t j = 0; j < n_extra; j++)
        out[k++] = (char *)(uintptr_t)extra[j]; /* posix_spawn does not write to it */
    out[k] = NULL;
    return out;
}

np_err np_test_spawn(const char *const argv[], const char *const env[], np_test_proc **out)
{
    int in_pipe[2] = { -1, -1 }, out_pipe[2] = { -1, -1 };
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    sigset_t defaults;
    char **child_env = NULL;
    np_test_proc *p;
    pid_t pid;
    int rc;

    *out = NULL;
    p = calloc(1, sizeof *p);
    if (!p)
        return NP_ENOMEM;
    if (make_pipe(in_pipe) != 0 || make_pipe(out_pipe) != 0) {
        rc = errno;
        goto fail_pipes;
    }
    child_env = build_env(env);
    if (!child_env) {
        rc = ENOMEM;
        goto fail_pipes;
    }

    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    /* The pipe ends are close-on-exec, so only the dup2'd copies survive exec. */

    /* libnp ignores SIGPIPE in this process; ignored signals stay ignored
     * across exec, so give the child the default action back. */
    posix_spawnattr_init(&attr);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);

    fflush(stdout);
    fflush(stderr);
    rc = posix_spawn(&pid, argv[0], &actions, &attr, (char *const *)(uintptr_t)argv,
                     child_env);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    free(child_env);
    if (rc != 0)
        goto fail_pipes;

    close(in_pipe[0]);
    close(out_pipe[1]);
    p->pid = pid;
    p->in_fd = in_pipe[1];
    p->out_fd = out_pipe[0];
    *out = p;
    return NP_OK;

fail_pipes:
    fprintf(stderr, "np_test_spawn(%s): %s\n", argv[0], strerror(rc));
    for (int i = 0; i < 2; i++) {
        if (in_pipe[i] >= 0)
            close(in_pipe[i]);
        if (out_pipe[i] >= 0)
            close(out_pipe[i]);
    }
    free(p);
    return errno_err(rc);
}

np_err np_test_proc_write(np_test_proc *p, const char *text)
{
    size_t len = strlen(text), done = 0;
    if (p->in_fd < 0)
        return NP_EPIPE;
    while (done < len) {
        ssize_t n = write(p->in_fd, text + done, len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno_err(errno);
        }
        done += (size_t)n;
    }
    return NP_OK;
}

void np_test_proc_close_stdin(np_test_proc *p)
{
    if (p->in_fd >= 0) {
        close(p->in_fd);
        p->in_fd = -1;
    }
}

np_proc_lines *np_test_proc_lines(np_test_proc *p)
{
    return &p->out;
}

np_err np_test_proc_read_some(np_test_proc *p, char *dst, size_t room, int64_t deadline,
                              unsigned *idle, size_t *got)
{
    struct pollfd pfd;
    int64_t left = deadline - np_now_ms();
    ssize_t n;
    int rc;

    (void)idle;
    if (left <= 0)
        return NP_ETIMEDOUT;
    pfd.fd = p->out_fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    rc = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
    if (rc < 0)
        return errno == EINTR ? NP_OK : errno_err(errno);
    if (rc == 0)
        return NP_OK; /* the deadline check above decides, next call */
    n = read(p->out_fd, dst, room);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? NP_OK : errno_err(errno);
    if (n == 0) {
        close(p->out_fd);
        p->out_fd = -1;
        return NP_EEOF;
    }
    *got = (size_t)n;
    return NP_OK;
}

static void proc_free(np_test_proc *p)
{
    np_test_proc_close_stdin(p);
    if (p->out_fd >= 0)
        close(p->out_fd);
    np_proc_lines_free(&p->out);
    free(p);
}

/* waitpid() one child; *code as np_test_proc_wait describes. 1 if it exited. */
static int reap(pid_t pid, int nohang, int *code)
{
    int status;
    pid_t r;
    do
        r = waitpid(pid, &status, nohang ? WNOHANG : 0);
    while (r < 0 && errno == EINTR);
    if (r != pid)
        return 0;
    if (WIFEXITED(status))
        *code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        *code = 128 + WTERMSIG(status);
    else
        *code = -1;
    return 1;
}

np_err np_test_proc_wait(np_test_proc *p, int64_t timeout_ms, int *code)
{
    int64_t deadline = np_now_ms() + timeout_ms;
    int status_code = -1;
    np_err err = NP_OK;
    while (!reap(p->pid, 1, &status_code)) {
        if (np_now_ms() >= deadline) {
            printf("  (child %ld did not exit within %lld ms: killing it)\n", (long)p->pid,
                   (long long)timeout_ms);
            kill(p->pid, SIGKILL);
            reap(p->pid, 0, &status_code);
            status_code = -1;
            err = NP_ETIMEDOUT;
            break;
        }
        np_sleep_ms(5);
    }
    if (code)
        *code = status_code;
    proc_free(p);
    return err;
}

void np_test_proc_kill(np_test_proc *p)
{
    int ignored;
    if (!p)
        return;
    kill(p->pid, SIGKILL);
    reap(p->pid, 0, &ignored);
    proc_free(p);
}
