/* The comparison's one table: every figure per server, its ratio to natterd
 * in event mode, and natterd event's ratio to the reference (the column the
 * issue's targets are stated in); then the echo figures, and one JSON line. */
#ifndef BENCH_COMPARE_TABLE_H
#define BENCH_COMPARE_TABLE_H

#include "compare_echo.h"
#include "compare_servers.h"

typedef struct cmp_report {
    cmp_server *srv;                 /* [SRV_COUNT] */
    const fanout_opts *fo;
    const fanout_result *fr;         /* NULL: fanout not run */
    int fanout_index[SRV_COUNT];     /* the server's target index in fr, -1 */
    idle_result idle[SRV_COUNT];
    int idle_ran[SRV_COUNT];
    idle_result storm[SRV_COUNT];    /* the same with many more connects in flight */
    int storm_ran[SRV_COUNT];
    int storm_inflight;
    churn_result churn[SRV_COUNT];
    int churn_ran[SRV_COUNT];
    cmp_echo_result echo;
    int echo_ran;
    char machine[300];
    int pinned;
} cmp_report;

void cmp_table_print(const cmp_report *r);

#endif
