/* natterd: the log — one line per event, UTC timestamp and level, flushed at
 * once so that a test (or tail -f) sees it as it happens. */
#include "natterd.h"

#include <errno.h>
#include <string.h>
#include <time.h>

static FILE *g_log;
static int g_hold;
static char g_held[512];

int nd_log_open(const char *path, char *err, size_t errlen)
{
    if (!path) {
        g_log = stderr;
    } else if (strcmp(path, "-") == 0) {
        g_log = stdout;
    } else if (!(g_log = fopen(path, "a"))) {
        snprintf(err, errlen, "cannot open log file %s: %s", path, strerror(errno));
        g_log = stderr;
        return -1;
    }
    return 0;
}

void nd_log_close(void)
{
    if (g_log && g_log != stderr && g_log != stdout)
        fclose(g_log);
    g_log = NULL;
}

void nd_log_hold_errors(int on)
{
    g_hold = on;
    if (on)
        g_held[0] = '\0';
}

const char *nd_log_held_error(void)
{
    return g_held;
}

void nd_log(void *ctx, nt_log_level level, const char *text)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    int64_t ms = np_wall_ms();
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    struct tm *t;
    char stamp[32] = "";
    (void)ctx;
    if (g_hold && level == NT_LOG_ERROR) {
        snprintf(g_held, sizeof g_held, "%s", text);
        return;
    }
    /* gmtime is not reentrant, but only its copy is used, and a rare torn
     * timestamp in a log line is harmless. */
    if ((t = gmtime(&secs)) != NULL) {
        tm = *t;
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    }
    fprintf(g_log ? g_log : stderr, "%s.%03dZ natterd[%ld] %s: %s\n", stamp, (int)(ms % 1000),
            np_getpid(), names[level], text);
    fflush(g_log ? g_log : stderr);
}
