/* A fault for the reference server, so that the smoke test can prove that
 * natter-bench notices a server that loses, duplicates or reorders messages:
 * with --fault drop:N every N-th PRIVMSG line the server delivers is left
 * out, with dup:N it goes out twice, with late:N it is held back and
 * delivered to its recipient after the sender's next line. Without --fault
 * the server never runs this code. */
#ifndef BENCH_REFSERVER_FAULT_H
#define BENCH_REFSERVER_FAULT_H

#include <stddef.h>

enum { REF_FAULT_NONE = 0, REF_FAULT_DROP, REF_FAULT_DUP, REF_FAULT_LATE };

#define REF_FAULT_LINE_MAX 1100

typedef struct ref_fault {
    int kind;
    unsigned every;
    unsigned long seen;          /* PRIVMSG lines delivered so far */
    const void *held_for;        /* late: the recipient of the held line */
    size_t held_len;
    char held[REF_FAULT_LINE_MAX];
} ref_fault;

/* "drop:N", "dup:N" or "late:N" (N >= 1); 0 if malformed. */
int ref_fault_parse(ref_fault *f, const char *spec);

/* What to deliver to `to` for one line (CR LF included): up to two pieces,
 * in order; their number. */
int ref_fault_apply(ref_fault *f, const void *to, const char *line, size_t len,
                    const char *piece[2], size_t piece_len[2]);

#endif
