/* libnp: trace mode — one line per OS call, showing what each libnp call became. */
#include "np_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

volatile int np_trace_on;

static np_sys_lock trace_lock = NP_SYS_LOCK_INIT;
static FILE *trace_out;        /* stderr or a file we opened */
static int trace_owns_file;

static void trace_close_locked(void)
{
    if (trace_owns_file && trace_out)
        fclose(trace_out);
    trace_out = NULL;
    trace_owns_file = 0;
}

np_err np_trace_enable(const char *path)
{
    FILE *f = stderr;
    if (path && *path) {
        /* Binary: the same bytes (LF line ends) on every platform. */
        f = fopen(path, "ab");
        if (!f) {
            /* fopen sets the C library's errno on every platform. */
            np_err err = np_err_from_native(errno);
            return np_err_record(err == NP_EUNKNOWN || err == NP_OK ? NP_EACCES : err, errno);
        }
    }
    np_sys_lock_take(&trace_lock);
    trace_close_locked();
    trace_out = f;
    trace_owns_file = f != stderr;
    np_trace_on = 1;
    np_sys_lock_give(&trace_lock);
    return NP_OK;
}

void np_trace_disable(void)
{
    np_sys_lock_take(&trace_lock);
    np_trace_on = 0;
    trace_close_locked();
    np_sys_lock_give(&trace_lock);
}

int np_trace_enabled(void)
{
    return np_trace_on != 0;
}

void np_trace_init_from_env(void)
{
    const char *on = getenv("NP_TRACE");
    if (on && *on && strcmp(on, "0") != 0)
        np_trace_enable(getenv("NP_TRACE_FILE"));
}

void np_trace_line(long long result, long native, np_err err, const char *fmt, ...)
{
    char line[1024];
    int n;
    va_list ap;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line)
        n = (int)sizeof line - 1;
    if (err == NP_OK)
        snprintf(line + n, sizeof line - (size_t)n, " = %lld\n", result);
    else if (native != 0)
        snprintf(line + n, sizeof line - (size_t)n, " = %lld %s=%ld %s -> %s\n", result,
                 NP_NATIVE_ERR_KIND, native, np_native_error_name(native), np_err_name(err));
    else
        snprintf(line + n, sizeof line - (size_t)n, " = %lld -> %s\n", result, np_err_name(err));

    /* One fputs + fflush under the lock: lines from threads never interleave,
     * and an appended file gets each line in one write. */
    np_sys_lock_take(&trace_lock);
    if (np_trace_on && trace_out) {
        fputs(line, trace_out);
        fflush(trace_out);
    }
    np_sys_lock_give(&trace_lock);
}

const char *np_trace_sockaddr(const void *sa, size_t len, char *buf)
{
    np_addr addr;
    char text[NP_ADDRSTRLEN];
    struct sockaddr head;

    if (!sa || len < sizeof head.sa_family + offsetof(struct sockaddr, sa_family)) {
        snprintf(buf, NP_TRACE_ADDRLEN, "NULL");
        return buf;
    }
    memset(&head, 0, sizeof head);
    memcpy(&head, sa, len < sizeof head ? len : sizeof head);
    memset(&addr, 0, sizeof addr);
    if (len > sizeof addr.sa.bytes)
        len = sizeof addr.sa.bytes;
    memcpy(addr.sa.bytes, sa, len);
    addr.len = (uint32_t)len;
    if (np_addr_format(&addr, text, sizeof text) != NP_OK)
        snprintf(text, sizeof text, "?");
    snprintf(buf, NP_TRACE_ADDRLEN, "{%s, %s}", np_family_name(head.sa_family), text);
    return buf;
}
