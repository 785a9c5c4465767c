/* natterd and natter-cli as child processes of the process-level tests
 * (interop, faults, access, hostile, valgrind, soak): natterd started in a
 * mode with extra flags, its port read from its "listening on" line;
 * natter-cli clients; and one table of every child alive, so that a case
 * that fails half-way (a CHECK returns at once) leaves nothing running once
 * child_kill_all() has run after it. Header-only, like irc_client.h: every
 * test is its own program, so the table is per program. */
#ifndef NT_INTEROP_NATTERD_PROC_H
#define NT_INTEROP_NATTERD_PROC_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "np_test.h"

#define CHILD_MAX 16          /* children alive at once */
#define CHILD_T_START 20000   /* the default wait for a start: under Wine a process
                               * takes a second or two */
#define CHILD_ARGV_MAX 48

/* ---- the table of children -------------------------------------------------- */

typedef struct child_slot {
    np_test_proc *proc;
    np_test_proc **owner;   /* cleared when the child is killed or waited for */
} child_slot;

typedef struct child_table {
    const char *argv0;      /* this test's: natterd and natter-cli are beside it */
    child_slot live[CHILD_MAX];
} child_table;

/* A function's static, not a file's: a test that uses only part of this
 * header must not warn about what it leaves unused. */
static inline child_table *child_table_get(void)
{
    static child_table t;
    return &t;
}

/* Call once from main with argv[0]. */
static inline void child_init(const char *argv0)
{
    child_table_get()->argv0 = argv0;
}

/* The path of a program built beside this test ("natterd", "natter-cli"). */
static inline void child_path(char *buf, size_t len, const char *name)
{
    np_test_sibling_path(buf, len, child_table_get()->argv0, name);
}

/* Take p out of the table (and clear its owner's pointer to it). */
static inline void child_forget(np_test_proc *p)
{
    child_table *t = child_table_get();
    for (int i = 0; p && i < CHILD_MAX; i++)
        if (t->live[i].proc == p) {
            if (t->live[i].owner)
                *t->live[i].owner = NULL;
            t->live[i].proc = NULL;
            t->live[i].owner = NULL;
        }
}

/* Start argv (argv[0] a path) with env (NULL-terminated, may be NULL) and
 * add it to the table. owner (may be NULL): a pointer that lives as long as
 * the program (a global), set to the child now and cleared when the table
 * kills it, so that it never points to a freed child. NULL on failure. */
static inline np_test_proc *child_spawn(const char *const *argv, const char *const *env,
                                        np_test_proc **owner)
{
    child_table *t = child_table_get();
    np_test_proc *p = NULL;
    if (np_test_spawn(argv, env, &p) != NP_OK) {
        printf("  cannot start %s\n", argv[0]);
        return NULL;
    }
    for (int i = 0; i < CHILD_MAX; i++)
        if (!t->live[i].proc) {
            t->live[i].proc = p;
            t->live[i].owner = owner;
            if (owner)
                *owner = p;
            return p;
        }
    /* Untracked it could outlive the test: not started, as far as we know. */
    printf("  more than %d children at once: %s not started\n", CHILD_MAX, argv[0]);
    np_test_proc_kill(p);
    return NULL;
}

/* Kill one child (NULL: nothing). */
static inline void child_kill(np_test_proc *p)
{
    if (!p)
        return;
    child_forget(p);
    np_test_proc_kill(p);
}

/* After each case: nothing may outlive it. */
static inline void child_kill_all(void)
{
    child_table *t = child_table_get();
    for (int i = 0; i < CHILD_MAX; i++)
        child_kill(t->live[i].proc);
}

/* Wait for p to exit within timeout_ms: its exit code, or -1 if it had to
 * be killed. p is freed either way. */
static inline int child_wait(np_test_proc *p, int64_t timeout_ms)
{
    int code = -1;
    child_forget(p);
    np_test_proc_wait(p, timeout_ms, &code);
    return code;
}

/* 1 once p prints a line with needle (copied to out if out != NULL). */
static inline int child_expect(np_test_proc *p, const char *needle, char *out, size_t outlen,
                               int64_t timeout_ms)
{
    char line[1024];
    if (np_test_proc_expect(p, needle, out ? out : line, out ? outlen : sizeof line,
                            timeout_ms) != NP_OK) {
        printf("  no line with \"%s\"\n", needle);
        return 0;
    }
    return 1;
}

/* argv[*n...] = the NULL-terminated list (may be NULL), as far as it fits. */
static inline void child_argv_add(const char **argv, int *n, const char *const *list)
{
    while (list && *list && *n < CHILD_ARGV_MAX - 1)
        argv[(*n)++] = *list++;
}

/* RUN a case, then kill whatever it left running (it may have failed
 * half-way). */
#define RUN_ISOLATED(fn) do { RUN(fn); child_kill_all(); } while (0)

/* ---- natterd ------------------------------------------------------------------- */

/* natterd's modes by nt_server_mode number; fork mode only where fork is. */
static inline const char *natterd_mode_name(int mode)
{
    static const char *const names[] = {"event", "thread", "fork"};
    return names[mode];
}

static inline int natterd_mode_count(void)
{
    return NP_HAVE_FORK ? 3 : 2;
}

typedef struct natterd_spec {
    const char *mode;             /* "event", "thread" or "fork" */
    const char *listen;           /* NULL: 127.0.0.1:0 (a port the OS picks); a
                                   * fixed port is retried for a few seconds */
    int flood_limits;             /* 0: --no-flood-limits */
    int log_stdout;               /* --log-file -: the log on stdout (pids) */
    const char *log_level;        /* otherwise --log-level this (NULL: the default) */
    const char *const *flags;     /* more flags, NULL-terminated (may be NULL) */
    const char *const *wrapper;   /* what runs natterd (valgrind and its options) */
    const char *const *env;       /* more environment ("NAME=value") */
    int64_t timeout_ms;           /* to listen, and to log "serving in" (0: CHILD_T_START) */
} natterd_spec;

typedef struct natterd_proc {
    np_test_proc *proc;   /* NULL once stopped, waited for or killed */
    unsigned port;
    char addr[32];        /* "127.0.0.1:PORT", as natter-cli takes it */
    long pid;             /* read from the log with log_stdout, else 0 */
    double listen_ms;     /* from the start to "listening on" */
} natterd_proc;

/* Start natterd as s says; 1 once it listens (and, with log_stdout, its pid
 * is known). d must live as long as the program: the table clears d->proc. */
static inline int natterd_start(natterd_proc *d, const natterd_spec *s)
{
    const char *argv[CHILD_ARGV_MAX];
    char path[1024], line[512];
    const char *colon, *p;
    int64_t timeout = s->timeout_ms > 0 ? s->timeout_ms : CHILD_T_START;
    int64_t t0 = np_now_us();
    int n = 0;
    child_kill(d->proc);
    memset(d, 0, sizeof *d);
    child_argv_add(argv, &n, s->wrapper);
    child_path(path, sizeof path, "natterd");
    {
        const char *const fixed[] = {path, "--listen", s->listen ? s->listen : "127.0.0.1:0",
                                     "--mode", s->mode, NULL};
        const char *const no_flood[] = {"--no-flood-limits", NULL};
        const char *const to_stdout[] = {"--log-file", "-", NULL};
        const char *const level[] = {"--log-level", s->log_level, NULL};
        child_argv_add(argv, &n, fixed);
        child_argv_add(argv, &n, s->flood_limits ? NULL : no_flood);
        child_argv_add(argv, &n, s->log_stdout ? to_stdout : s->log_level ? level : NULL);
    }
    child_argv_add(argv, &n, s->flags);
    argv[n] = NULL;
    /* A fixed port may still be held by the last natterd for a moment. */
    for (int attempt = 0; attempt < (s->listen ? 20 : 1) && !d->proc; attempt++) {
        if (attempt > 0)
            np_sleep_ms(250);
        if (!child_spawn(argv, s->env, &d->proc))
            return 0;
        if (np_test_proc_expect(d->proc, "natterd: listening on ", line, sizeof line,
                                timeout) != NP_OK)
            child_kill(d->proc);
    }
    if (!d->proc) {
        printf("  natterd (%s) did not say it listens\n", s->mode);
        return 0;
    }
    d->listen_ms = (double)(np_now_us() - t0) / 1000.0;
    colon = strrchr(line, ':');
    d->port = colon ? (unsigned)atoi(colon + 1) : 0;
    snprintf(d->addr, sizeof d->addr, "127.0.0.1:%u", d->port);
    if (s->log_stdout) {
        if (!child_expect(d->proc, "serving in", line, sizeof line, timeout))
            return 0;
        p = strstr(line, "natterd[");
        d->pid = p ? atol(p + 8) : 0;
    }
    return d->port > 0;
}

static inline void natterd_stop(natterd_proc *d)
{
    child_kill(d->proc);
}

/* Its exit code once it exits by itself (after a SIGTERM), -1 if it had to
 * be killed. */
static inline int natterd_wait(natterd_proc *d, int64_t timeout_ms)
{
    return d->proc ? child_wait(d->proc, timeout_ms) : -1;
}

/* ---- natter-cli ---------------------------------------------------------------- */

typedef struct cli_spec {
    const char *server;           /* HOST:PORT */
    const char *nick;
    const char *chan;             /* joined at start */
    const char *const *flags;     /* more flags, NULL-terminated (may be NULL) */
    const char *const *wrapper;   /* what runs natter-cli (valgrind and its options) */
    const char *const *env;       /* more environment ("NAME=value") */
} cli_spec;

/* natter-cli SERVER --nick NICK --join CHAN --quiet [flags], not waited for. */
static inline np_test_proc *cli_start(const cli_spec *s)
{
    const char *argv[CHILD_ARGV_MAX];
    char path[1024];
    int n = 0;
    child_argv_add(argv, &n, s->wrapper);
    child_path(path, sizeof path, "natter-cli");
    {
        const char *const fixed[] = {path, s->server, "--nick", s->nick, "--join", s->chan,
                                     "--quiet", NULL};
        child_argv_add(argv, &n, fixed);
    }
    child_argv_add(argv, &n, s->flags);
    argv[n] = NULL;
    return child_spawn(argv, s->env, NULL);
}

/* cli_start, then NULL unless it says "NICK joined CHAN" within timeout_ms. */
static inline np_test_proc *cli_start_joined(const cli_spec *s, int64_t timeout_ms)
{
    char want[128];
    np_test_proc *p = cli_start(s);
    if (!p)
        return NULL;
    snprintf(want, sizeof want, "%s joined %s", s->nick, s->chan);
    if (np_test_proc_expect(p, want, NULL, 0, timeout_ms) != NP_OK) {
        printf("  %s never joined\n", s->nick);
        return NULL;
    }
    return p;
}

#endif /* NT_INTEROP_NATTERD_PROC_H */
