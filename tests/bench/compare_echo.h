/* The echo comparison: natter-bench echo with --impl np and --impl raw, each
 * under callgrind counting only its loop (--toggle-collect=echo_loop_*), for R
 * and 2R round trips; (I(2R) - I(R)) / R cancels start-up and the first
 * calls' lazy binding. callgrind_annotate then tells where libnp's
 * instructions go, per round trip. Wall time per round trip comes from a run
 * outside valgrind (noisy; the kernel dominates it). */
#ifndef BENCH_COMPARE_ECHO_H
#define BENCH_COMPARE_ECHO_H

#include <np/np.h>

#define ECHO_WHERE_MAX 16

/* One function's own instructions, per round trip. */
typedef struct echo_fn_cost {
    double ir;
    char fn[160];
} echo_fn_cost;

typedef struct cmp_echo_result {
    int ok;
    long rounds;
    double ir_np, ir_raw, ratio;     /* instructions per round trip */
    double us_np, us_raw;            /* wall time per round trip */
    int nwhere_np, nwhere_raw;       /* callgrind_annotate, most expensive first */
    echo_fn_cost where_np[ECHO_WHERE_MAX], where_raw[ECHO_WHERE_MAX];
    char why[200];
} cmp_echo_result;

/* bench: natter-bench's path; server: an echo server. Prints as it goes. */
int cmp_echo_run(const char *bench, const np_addr *server, long rounds, cmp_echo_result *r);

#endif
