/* libnp, Windows: terminate requests (np/signal.h) from the console: Ctrl-C,
 * Ctrl-Break, closing the console window, logoff and shutdown. */
#include "np_internal.h"
#include <np/signal.h>

/* The handler runs on a thread the system creates; a pair of volatile
 * pointers is enough, as on POSIX (a callback swap mid-request is harmless:
 * either one runs with its own context, set first). */
static void (*volatile g_fn)(void *);
static void *volatile g_ctx;
static volatile LONG g_installed;

static BOOL WINAPI on_console(DWORD type)
{
    void (*fn)(void *) = g_fn;
    if (!fn)
        return FALSE;   /* the default handler ends the process */
    switch (type) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
        fn(g_ctx);
        return TRUE;
    case CTRL_CLOSE_EVENT:
    case CTRL_LOGOFF_EVENT:
    case CTRL_SHUTDOWN_EVENT:
        fn(g_ctx);
        /* Windows ends the process as soon as this returns: give the program
         * a moment to say goodbye to its clients (it exits before this ends
         * if it is quicker). */
        Sleep(3000);
        return TRUE;
    default:
        return FALSE;
    }
}

np_err np_on_terminate(np_terminate_fn fn, void *ctx)
{
    g_ctx = ctx;
    g_fn = fn;
    if (InterlockedExchange(&g_installed, 1) == 0 && !SetConsoleCtrlHandler(on_console, TRUE)) {
        InterlockedExchange(&g_installed, 0);
        return np_err_record(NP_EUNKNOWN, (long)GetLastError());
    }
    return NP_OK;
}

static DWORD WINAPI raise_thread(LPVOID arg)
{
    (void)arg;
    on_console(CTRL_C_EVENT);
    return 0;
}

np_err np_terminate_self(void)
{
    HANDLE t;
    if (!g_fn)
        ExitProcess(1);   /* what the default console handler does */
    t = CreateThread(NULL, 0, raise_thread, NULL, 0, NULL);
    if (!t)
        return np_err_record(NP_EUNKNOWN, (long)GetLastError());
    CloseHandle(t);
    return NP_OK;
}
