/* The comparison's servers: natterd in each mode, InspIRCd, ngircd and the
 * reference, started on loopback behind the interop harness's watchdogs
 * (tests/interop/external/peers.h) with their connection limits raised and
 * flood limits lifted where the server allows, each found by its listening
 * socket and pinned to CPU 0; and the echo server for the echo scenario. */
#ifndef BENCH_COMPARE_SERVERS_H
#define BENCH_COMPARE_SERVERS_H

#include "peers.h"
#include "scenarios.h"

enum { SRV_EVENT, SRV_THREAD, SRV_FORK, SRV_INSPIRCD, SRV_NGIRCD, SRV_REF, SRV_COUNT };

typedef struct cmp_server {
    const char *label;       /* "natterd-event" ... "reference" */
    int wanted, up;
    peer_server *peer;
    bench_target t;          /* what natter-bench is given */
    char why_not[200];       /* why it is not up */
    char limits[300];        /* how it was configured for the benchmark */
} cmp_server;

/* The labels, in table order. */
extern const char *const cmp_labels[SRV_COUNT];

/* Start each wanted server (a missing program is reported, not fatal) and pin
 * it to `cpu` (-1: no pinning). The number up. */
int cmp_start_servers(cmp_server srv[SRV_COUNT], int cpu);
/* Pin pid and all its threads to cpu with taskset; 0 on success. */
int cmp_pin(long pid, int cpu);

/* np-echo-server on 127.0.0.1, behind a watchdog, pinned to cpu. */
typedef struct cmp_echo_server {
    np_test_proc *proc;
    np_addr addr;
    long pid;
    char log[256];
} cmp_echo_server;
np_err cmp_start_echo(cmp_echo_server *e, int cpu);
void cmp_stop_echo(cmp_echo_server *e);

#endif
