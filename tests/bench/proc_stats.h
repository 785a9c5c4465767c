/* What a process costs, from Linux's /proc, for the benchmarks: CPU time
 * (utime + stime) and resident memory of a server, summed over its child
 * processes (natterd's fork mode serves each client from one), the
 * generator's own CPU time, and the process that listens on a port (ngircd
 * drops privileges, so it is found by its listening socket, not by how it was
 * started). Built on tests/interop/hostile/procfs.h. */
#ifndef BENCH_PROC_STATS_H
#define BENCH_PROC_STATS_H

#include <stddef.h>
#include <stdint.h>

typedef struct proc_cost {
    int alive;          /* the process exists and is not a zombie */
    int kids;           /* child processes counted */
    double cpu_s;       /* utime + stime, seconds, process and children */
    long rss_kb;        /* VmRSS, summed */
    long pss_kb;        /* Pss (smaps_rollup), summed: shared pages counted once */
} proc_cost;

/* CPU only (cheap: /proc/PID/stat of the process and its children). */
proc_cost proc_cost_cpu(long pid);
/* CPU and memory. */
proc_cost proc_cost_full(long pid);
/* This process's own utime + stime, seconds. */
double proc_self_cpu_s(void);
/* The process holding the listener on 127.0.0.1:port; 0 if none is found. */
long proc_listener_pid(unsigned port);
/* Time the hypervisor took from this virtual machine's CPUs (steal, from
 * /proc/stat) and their total time, in seconds, summed over all CPUs: a
 * step during which much was stolen measured the host, not the server. */
typedef struct cpu_times {
    double steal_s, total_s;
} cpu_times;
cpu_times proc_cpu_times(void);

/* Raise RLIMIT_NOFILE's soft limit to its hard limit; the new soft limit. */
long proc_raise_nofile(void);
/* The CPUs this process may run on, as /proc/self/status lists them ("1"). */
void proc_self_cpus(char *out, size_t len);

#endif
