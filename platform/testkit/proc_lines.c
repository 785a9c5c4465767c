/* np_testkit: cutting a child's stdout into lines, for every platform.
 *
 * The OS side (testkit/posix/spawn.c, testkit/win32/spawn.c) only creates,
 * waits for and kills processes and reads raw bytes through
 * np_test_proc_read_some(); this file keeps the per-process buffer and turns it
 * into np_test_proc_readline() / np_test_proc_expect(). */
#include "proc_lines.h"

/* Move one complete line (or, at end of output, the unterminated rest) from
 * l->buf to buf, without its "\r\n" or "\n". Returns 1 if a line was taken. */
static int take_line(np_proc_lines *l, char *buf, size_t len)
{
    char *nl = l->len ? memchr(l->buf, '\n', l->len) : NULL;
    size_t line_len, used;
    if (!nl && !(l->eof && l->len > 0))
        return 0;
    line_len = nl ? (size_t)(nl - l->buf) : l->len;
    used = nl ? line_len + 1 : line_len;
    if (line_len > 0 && l->buf[line_len - 1] == '\r')
        line_len--;
    if (len > 0) {
        size_t copy = line_len < len - 1 ? line_len : len - 1;
        memcpy(buf, l->buf, copy);
        buf[copy] = '\0';
    }
    memmove(l->buf, l->buf + used, l->len - used);
    l->len -= used;
    return 1;
}

np_err np_test_proc_readline(np_test_proc *p, char *buf, size_t len, int64_t timeout_ms)
{
    np_proc_lines *l = np_test_proc_lines(p);
    int64_t deadline = np_now_ms() + timeout_ms;
    unsigned idle = 0;
    for (;;) {
        size_t got = 0;
        np_err err;
        if (take_line(l, buf, len))
            return NP_OK;
        if (l->eof)
            return NP_EEOF;
        if (l->cap - l->len < 4096) {
            size_t cap = l->cap ? l->cap * 2 : 8192;
            char *grown = realloc(l->buf, cap);
            if (!grown)
                return NP_ENOMEM;
            l->buf = grown;
            l->cap = cap;
        }
        err = np_test_proc_read_some(p, l->buf + l->len, l->cap - l->len, deadline, &idle, &got);
        if (err == NP_EEOF)
            l->eof = 1;
        else if (err != NP_OK)
            return err;
        l->len += got;
    }
}

np_err np_test_proc_expect(np_test_proc *p, const char *needle, char *buf, size_t len,
                           int64_t timeout_ms)
{
    int64_t deadline = np_now_ms() + timeout_ms;
    char line[4096];
    for (;;) {
        int64_t left = deadline - np_now_ms();
        np_err err = np_test_proc_readline(p, line, sizeof line, left > 0 ? left : 0);
        if (err != NP_OK) {
            printf("  (no line containing \"%s\": %s)\n", needle, np_err_name(err));
            return err;
        }
        if (strstr(line, needle)) {
            if (buf && len > 0)
                snprintf(buf, len, "%s", line);
            return NP_OK;
        }
        printf("child: %s\n", line);
    }
}

void np_proc_lines_free(np_proc_lines *l)
{
    free(l->buf);
    l->buf = NULL;
    l->len = l->cap = 0;
}
