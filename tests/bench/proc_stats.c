/* /proc readings for the benchmarks (see proc_stats.h). */
#include "proc_stats.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "procfs.h"

/* natterd's fork mode has one child per client: far more than the hostile
 * suite's PROC_MAX_KIDS. */
#define BENCH_MAX_KIDS 65536

static long pss_kb(long pid)
{
    char path[64], line[256];
    long kb = 0;
    FILE *f;
    snprintf(path, sizeof path, "/proc/%ld/smaps_rollup", pid);
    if (!(f = fopen(path, "r")))
        return 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "Pss:", 4) == 0)
            kb = atol(line + 4);
    fclose(f);
    return kb;
}

static proc_cost measure(long pid, int memory)
{
    static long kids[BENCH_MAX_KIDS];
    proc_cost c;
    long long ticks = 0;
    char state = '?';
    double hz = proc_ticks_per_s();
    int n;
    memset(&c, 0, sizeof c);
    if (pid <= 0 || !proc_stat(pid, &state, &ticks))
        return c;
    c.alive = state != 'Z' && state != 'X';
    if (memory) {
        c.rss_kb = proc_rss_kb(pid);
        c.pss_kb = pss_kb(pid);
    }
    n = proc_children(pid, kids, BENCH_MAX_KIDS);
    if (n > BENCH_MAX_KIDS)
        n = BENCH_MAX_KIDS;
    for (int i = 0; i < n; i++) {
        long long t = 0;
        char s;
        if (!proc_stat(kids[i], &s, &t))
            continue;
        c.kids++;
        ticks += t;
        if (memory) {
            c.rss_kb += proc_rss_kb(kids[i]);
            c.pss_kb += pss_kb(kids[i]);
        }
    }
    c.cpu_s = (double)ticks / hz;
    return c;
}

proc_cost proc_cost_cpu(long pid)
{
    return measure(pid, 0);
}

proc_cost proc_cost_full(long pid)
{
    return measure(pid, 1);
}

double proc_self_cpu_s(void)
{
    char state;
    long long ticks = 0;
    if (!proc_stat((long)getpid(), &state, &ticks))
        return 0;
    return (double)ticks / proc_ticks_per_s();
}

long proc_listener_pid(unsigned port)
{
    return proc_pid_of_port(port);
}

cpu_times proc_cpu_times(void)
{
    cpu_times t = { 0, 0 };
    char line[512];
    FILE *f = fopen("/proc/stat", "r");
    double hz = proc_ticks_per_s();
    if (!f)
        return t;
    while (fgets(line, sizeof line, f)) {
        unsigned long long v[8] = { 0 };
        /* The first line ("cpu ") sums the others: take it alone. */
        if (strncmp(line, "cpu ", 4) != 0)
            continue;
        if (sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                   &v[3], &v[4], &v[5], &v[6], &v[7]) >= 8) {
            double total = 0;
            for (int i = 0; i < 8; i++)
                total += (double)v[i];
            t.steal_s = (double)v[7] / hz;
            t.total_s = total / hz;
        }
        break;
    }
    fclose(f);
    return t;
}

long proc_raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return -1;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    return rl.rlim_cur == RLIM_INFINITY ? 1L << 30 : (long)rl.rlim_cur;
}

void proc_self_cpus(char *out, size_t len)
{
    char line[512];
    FILE *f = fopen("/proc/self/status", "r");
    snprintf(out, len, "?");
    if (!f)
        return;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "Cpus_allowed_list:", 18) == 0) {
            char *p = line + 18;
            while (*p == ' ' || *p == '\t')
                p++;
            p[strcspn(p, "\n")] = '\0';
            snprintf(out, len, "%s", p);
        }
    fclose(f);
}
