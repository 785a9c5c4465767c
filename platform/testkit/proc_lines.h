/* np_testkit internal: the part of a child process the line reader shares
 * across platforms (proc_lines.c), and the hooks each OS's spawn.c provides. */
#ifndef NP_TEST_PROC_LINES_H
#define NP_TEST_PROC_LINES_H

#include "np_test.h"

/* Bytes read from a child's stdout and not yet returned as lines. */
typedef struct np_proc_lines {
    char *buf;
    size_t len, cap;
    int eof; /* the OS hook reported end of output */
} np_proc_lines;

/* OS hook: the line buffer inside p. */
np_proc_lines *np_test_proc_lines(np_test_proc *p);

/* OS hook: read up to `room` (>= 4096) bytes of p's stdout into dst, waiting no
 * later than `deadline` (np_now_ms clock). *idle is the hook's own state for
 * this readline call (0 at its start). Returns NP_OK with *got bytes (0: none
 * yet, call again), NP_EEOF once the output has ended (the hook has closed its
 * end), NP_ETIMEDOUT when the deadline has passed, or another error. */
np_err np_test_proc_read_some(np_test_proc *p, char *dst, size_t room, int64_t deadline,
                              unsigned *idle, size_t *got);

/* Free the buffer (for the OS's proc_free). */
void np_proc_lines_free(np_proc_lines *l);

#endif
