/* np_testkit: child processes for tests (Windows side; also runs under Wine).
 *
 * CreateProcessW runs the program with two anonymous pipes: ours to its stdin,
 * its stdout to us; stderr is an inheritable copy of ours. Only the child's
 * ends of the pipes are inheritable, and spawns are serialised, so no other
 * child can inherit (and hold open) a pipe end meant for this one.
 *
 * Anonymous pipes cannot be waited on, so np_test_proc_read_some polls with
 * PeekNamedPipe until bytes arrive, the writer goes away (end of output) or the
 * deadline passes; proc_lines.c keeps the bytes and cuts them into lines. */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <wchar.h>
#include "np_test.h"
#include "proc_lines.h"

struct np_test_proc {
    HANDLE process;
    DWORD pid;
    HANDLE in_w;      /* write end of the child's stdin; NULL once closed */
    HANDLE out_r;     /* read end of the child's stdout; NULL at end of output */
    np_proc_lines out; /* stdout bytes not yet returned as lines (proc_lines.c) */
};

static SRWLOCK g_spawn_lock = SRWLOCK_INIT;

static np_err win_err(DWORD code)
{
    switch (code) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_BAD_EXE_FORMAT:
        return NP_ENOENT;
    case ERROR_ACCESS_DENIED:
        return NP_EACCES;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
        return NP_ENOMEM;
    case ERROR_BROKEN_PIPE:
    case ERROR_NO_DATA:
        return NP_EPIPE;
    case ERROR_INVALID_PARAMETER:
        return NP_EINVAL;
    default:
        return NP_EUNKNOWN;
    }
}

/* UTF-8 to a malloc'd UTF-16 string; NULL on failure. */
static wchar_t *widen(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    wchar_t *w;
    if (n <= 0)
        return NULL;
    w = malloc((size_t)n * sizeof *w);
    if (w && MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n) <= 0) {
        free(w);
        w = NULL;
    }
    return w;
}

/* A growable UTF-16 buffer. */
typedef struct wbuf { wchar_t *p; size_t len, cap; int oom; } wbuf;

static void wbuf_put(wbuf *b, const wchar_t *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        wchar_t *grown;
        while (b->len + n + 1 > cap)
            cap *= 2;
        grown = realloc(b->p, cap * sizeof *grown);
        if (!grown) {
            b->oom = 1;
            return;
        }
        b->p = grown;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n * sizeof *s);
    b->len += n;
}

static void wbuf_putc(wbuf *b, wchar_t c)
{
    wbuf_put(b, &c, 1);
}

/* Append one argument quoted so the child's C runtime (CommandLineToArgvW
 * rules) gives it back unchanged: backslashes are literal except before a
 * quote, where they must be doubled. */
static void quote_arg(wbuf *b, const wchar_t *arg)
{
    if (*arg && !wcspbrk(arg, L" \t\n\v\"")) {
        wbuf_put(b, arg, wcslen(arg));
        return;
    }
    wbuf_putc(b, L'"');
    for (const wchar_t *c = arg;; c++) {
        size_t slashes = 0;
        while (*c == L'\\') {
            slashes++;
            c++;
        }
        if (*c == L'\0') {
            for (size_t i = 0; i < slashes * 2; i++)
                wbuf_putc(b, L'\\');
            break;
        }
        if (*c == L'"') {
            for (size_t i = 0; i < slashes * 2 + 1; i++)
                wbuf_putc(b, L'\\');
        } else {
            for (size_t i = 0; i < slashes; i++)
                wbuf_putc(b, L'\\');
        }
        wbuf_putc(b, *c);
    }
    wbuf_putc(b, L'"');
}

/* Length of the NAME in "NAME=value". Hidden per-drive entries such as
 * "=C:=C:\dir" start with '=', which belongs to the name. */
static size_t env_name_len(const wchar_t *entry)
{
    const wchar_t *eq = wcschr(entry + (entry[0] == L'=' ? 1 : 0), L'=');
    return eq ? (size_t)(eq - entry) : wcslen(entry);
}

/* The child's environment block: ours, with the `extra` entries added or
 * replacing entries of the same (case-insensitive) name. */
static wchar_t *build_env(wchar_t *const *extra, size_t n_extra)
{
    wbuf b = { 0 };
    wchar_t *env = GetEnvironmentStringsW();
    if (!env)
        return NULL;
    for (const wchar_t *e = env; *e; e += wcslen(e) + 1) {
        size_t name_len = env_name_len(e);
        int replaced = 0;
        for (size_t j = 0; j < n_extra; j++)
            if (env_name_len(extra[j]) == name_len && _wcsnicmp(extra[j], e, name_len) == 0)
                replaced = 1;
        if (!replaced)
            wbuf_put(&b, e, wcslen(e) + 1);
    }
    FreeEnvironmentStringsW(env);
    for (size_t j = 0; j < n_extra; j++)
        wbuf_put(&b, extra[j], wcslen(extra[j]) + 1);
    wbuf_putc(&b, L'\0');
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

static void close_handle(HANDLE *h)
{
    if (*h) {
        CloseHandle(*h);
        *h = NULL;
    }
}

np_err np_test_spawn(const char *const argv[], const char *const env[], np_test_proc **out)
{
    SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, TRUE };
    HANDLE in_r = NULL, in_w = NULL, out_r = NULL, out_w = NULL, err_w = NULL;
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    wbuf cmd = { 0 };
    wchar_t *app = NULL, *env_block = NULL, **wenv = NULL;
    size_t n_env = 0;
    np_test_proc *p = NULL;
    DWORD code = ERROR_SUCCESS;
    BOOL ok;

    *out = NULL;
    while (env && env[n_env])
        n_env++;
    wenv = calloc(n_env + 1, sizeof *wenv);
    p = calloc(1, sizeof *p);
    app = widen(argv[0]);
    if (!wenv || !p || !app) {
        code = ERROR_OUTOFMEMORY;
        goto done;
    }
    for (size_t i = 0; argv[i]; i++) {
        wchar_t *w = widen(argv[i]);
        if (!w) {
            code = ERROR_OUTOFMEMORY;
            goto done;
        }
        if (i > 0)
            wbuf_putc(&cmd, L' ');
        quote_arg(&cmd, w);
        free(w);
    }
    wbuf_putc(&cmd, L'\0');
    for (size_t i = 0; i < n_env; i++)
        if (!(wenv[i] = widen(env[i]))) {
            code = ERROR_OUTOFMEMORY;
            goto done;
        }
    env_block = build_env(wenv, n_env);
    if (cmd.oom || !env_block) {
        code = ERROR_OUTOFMEMORY;
        goto done;
    }

    fflush(stdout);
    fflush(stderr);
    AcquireSRWLockExclusive(&g_spawn_lock);
    /* Both pipes are created inheritable; then our ends are made private. */
    if (!CreatePipe(&in_r, &in_w, &sa, 0) || !CreatePipe(&out_r, &out_w, &sa, 0) ||
        !SetHandleInformation(in_w, HANDLE_FLAG_INHERIT, 0) ||
        !SetHandleInformation(out_r, HANDLE_FLAG_INHERIT, 0)) {
        code = GetLastError();
        ReleaseSRWLockExclusive(&g_spawn_lock);
        goto done;
    }
    {
        HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
        if (err && err != INVALID_HANDLE_VALUE)
            DuplicateHandle(GetCurrentProcess(), err, GetCurrentProcess(), &err_w, 0, TRUE,
                            DUPLICATE_SAME_ACCESS);
    }
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = in_r;
    si.hStdOutput = out_w;
    si.hStdError = err_w;
    /* Wine now and then fails a CreateProcess under load with
     * ERROR_INTERNAL_ERROR (1359) although nothing is wrong with the program;
     * a few tries, a moment apart, keep that out of the test results. Any
     * other error is reported at once. */
    for (int attempt = 0;; attempt++) {
        ok = CreateProcessW(app, cmd.p, NULL, NULL, TRUE, CREATE_UNICODE_ENVIRONMENT,
                            env_block, NULL, &si, &pi);
        code = ok ? ERROR_SUCCESS : GetLastError();
        if (ok || code != ERROR_INTERNAL_ERROR || attempt == 4)
            break;
        fprintf(stderr, "np_test_spawn(%s): Windows error 1359, trying again\n", argv[0]);
        Sleep(200);
    }
    /* The child has its copies now (or never will): close ours, so end of
     * output is seen when the child exits. */
    close_handle(&in_r);
    close_handle(&out_w);
    close_handle(&err_w);
    ReleaseSRWLockExclusive(&g_spawn_lock);
    if (!ok)
        goto done;

    CloseHandle(pi.hThread);
    p->process = pi.hProcess;
    p->pid = pi.dwProcessId;
    p->in_w = in_w;
    p->out_r = out_r;
    *out = p;
    p = NULL;

done:
    if (code != ERROR_SUCCESS) {
        fprintf(stderr, "np_test_spawn(%s): Windows error %lu\n", argv[0],
                (unsigned long)code);
        close_handle(&in_r);
        close_handle(&in_w);
        close_handle(&out_r);
        close_handle(&out_w);
    }
    free(p);
    free(app);
    free(cmd.p);
    free(env_block);
    if (wenv)
        for (size_t i = 0; i < n_env; i++)
            free(wenv[i]);
    free(wenv);
    return code == ERROR_SUCCESS ? NP_OK : win_err(code);
}

np_err np_test_proc_write(np_test_proc *p, const char *text)
{
    size_t len = strlen(text), done = 0;
    if (!p->in_w)
        return NP_EPIPE;
    while (done < len) {
        DWORD chunk = len - done > 65536 ? 65536 : (DWORD)(len - done), n = 0;
        if (!WriteFile(p->in_w, text + done, chunk, &n, NULL))
            return win_err(GetLastError());
        done += n;
    }
    return NP_OK;
}

void np_test_proc_close_stdin(np_test_proc *p)
{
    close_handle(&p->in_w);
}

np_proc_lines *np_test_proc_lines(np_test_proc *p)
{
    return &p->out;
}

/* *idle counts empty naps in this readline call: 1, 2, 4, 8, then 16 ms. */
np_err np_test_proc_read_some(np_test_proc *p, char *dst, size_t room, int64_t deadline,
                              unsigned *idle, size_t *got)
{
    DWORD avail = 0, n = 0;
    if (!PeekNamedPipe(p->out_r, NULL, 0, NULL, &avail, NULL)) {
        DWORD code = GetLastError();
        if (code != ERROR_BROKEN_PIPE)
            return win_err(code);
        close_handle(&p->out_r); /* the child closed its stdout: end of output */
        return NP_EEOF;
    }
    if (avail == 0) {
        int64_t left = deadline - np_now_ms();
        int64_t nap = (int64_t)1 << (*idle < 4 ? *idle : 4);
        if (left <= 0)
            return NP_ETIMEDOUT;
        /* Nothing to wait on but time: nap, a little longer each round. */
        np_sleep_ms(nap < left ? nap : left);
        if (*idle < 4)
            ++*idle;
        return NP_OK;
    }
    *idle = 0;
    if (avail > room)
        avail = (DWORD)room;
    if (!ReadFile(p->out_r, dst, avail, &n, NULL)) {
        DWORD code = GetLastError();
        if (code != ERROR_BROKEN_PIPE)
            return win_err(code);
        close_handle(&p->out_r);
        return NP_EEOF;
    }
    *got = n;
    return NP_OK;
}

static void proc_free(np_test_proc *p)
{
    close_handle(&p->in_w);
    close_handle(&p->out_r);
    close_handle(&p->process);
    np_proc_lines_free(&p->out);
    free(p);
}

np_err np_test_proc_wait(np_test_proc *p, int64_t timeout_ms, int *code)
{
    DWORD ms = timeout_ms < 0 ? INFINITE
             : timeout_ms >= (int64_t)INFINITE ? INFINITE - 1 : (DWORD)timeout_ms;
    DWORD status = 0;
    np_err err = NP_OK;
    int exit_code = -1;
    if (WaitForSingleObject(p->process, ms) == WAIT_OBJECT_0 &&
        GetExitCodeProcess(p->process, &status)) {
        exit_code = (int)status;
    } else {
        printf("  (child %lu did not exit within %lld ms: killing it)\n",
               (unsigned long)p->pid, (long long)timeout_ms);
        TerminateProcess(p->process, 1);
        WaitForSingleObject(p->process, 5000);
        err = NP_ETIMEDOUT;
    }
    if (code)
        *code = exit_code;
    proc_free(p);
    return err;
}

void np_test_proc_kill(np_test_proc *p)
{
    if (!p)
        return;
    TerminateProcess(p->process, 1);
    WaitForSingleObject(p->process, 5000);
    proc_free(p);
}
