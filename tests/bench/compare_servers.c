/* The comparison's servers (see compare_servers.h). */
#include "compare_servers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc_stats.h"

const char *const cmp_labels[SRV_COUNT] = {
    "natterd-event", "natterd-thread", "natterd-fork", "inspircd", "ngircd", "reference"
};

/* A connection limit well above any scenario's client count. */
#define BENCH_MAX_CLIENTS 20000
/* Output a server may hold for a client that reads late: the generator keeps
 * up, but a 1 MiB SendQ would drop clients during a burst at 2M deliveries/s. */
#define BENCH_SENDQ (16u * 1024 * 1024)

int cmp_pin(long pid, int cpu)
{
    char path[512], pidtext[32], cputext[16];
    np_test_proc *p;
    int code = -1;
    if (cpu < 0 || pid <= 0 || !peers_which("taskset", path, sizeof path))
        return -1;
    snprintf(pidtext, sizeof pidtext, "%ld", pid);
    snprintf(cputext, sizeof cputext, "%d", cpu);
    {
        /* -a: every thread it has; threads and children made later inherit. */
        const char *argv[] = { path, "-a", "-p", "-c", cputext, pidtext, NULL };
        char line[256];
        if (np_test_spawn(argv, NULL, &p) != NP_OK)
            return -1;
        while (np_test_proc_readline(p, line, sizeof line, 5000) == NP_OK)
            ;
        if (np_test_proc_wait(p, 5000, &code) != NP_OK)
            return -1;
    }
    return code == 0 ? 0 : -1;
}

static long find_pid(unsigned port)
{
    for (int i = 0; i < 40; i++) {
        long pid = proc_listener_pid(port);
        if (pid > 0)
            return pid;
        np_sleep_ms(50);
    }
    return 0;
}

/* natterd's settings beyond its flags: the SendQ (no flag for it). */
static const char *natterd_config(void)
{
    static char path[256];
    FILE *f;
    if (path[0])
        return path;
    np_test_temp_path(path, sizeof path, "natterd-bench.conf");
    if (!(f = fopen(path, "w")))
        return NULL;
    fprintf(f, "; natterd for the benchmarks: no client limit, a larger SendQ\n"
               "[server]\nmax-clients = 0\nmax-clients-per-ip = 0\n"
               "[limits]\nflood-limits = no\nsendq = %u\n", BENCH_SENDQ);
    fclose(f);
    return path;
}

static np_err start_one(cmp_server *s, int id)
{
    const char *mode = id == SRV_EVENT ? "event" : id == SRV_THREAD ? "thread" : "fork";
    switch (id) {
    case SRV_EVENT:
    case SRV_THREAD:
    case SRV_FORK: {
        const char *conf = natterd_config();
        const char *extra[] = { "--mode", mode, "--log-level", "warn", "--config", conf, NULL };
        if (!conf)
            return NP_EACCES;
        snprintf(s->limits, sizeof s->limits,
                 "--mode %s --no-flood-limits, max-clients 0, SendQ %u MiB, log level warn;"
                 " listen backlog 4096, 100 connects in flight like the reference",
                 mode, BENCH_SENDQ >> 20);
        return peer_start_natterd(&s->peer, extra);
    }
    case SRV_INSPIRCD:
        snprintf(s->limits, sizeof s->limits,
                 "fakelag off, threshold 1000, commandrate 1000/s, SendQ %u MiB, %d clients"
                 " (localmax, globalmax, limit, softlimit), somaxconn 4096; it completes a"
                 " registration about 1 s after NICK/USER, so 2000 connects in flight",
                 BENCH_SENDQ >> 20, BENCH_MAX_CLIENTS);
        s->t.inflight = 2000;
        return peer_start_inspircd(&s->peer);
    case SRV_NGIRCD:
        snprintf(s->limits, sizeof s->limits,
                 "MaxPenaltyTime 0 (no command penalties), MaxConnections %d, MaxConnectionsIP 0;"
                 " cannot be lifted: its read throttle per client, its fixed write buffer, its"
                 " listen backlog of 10 (so 8 connects in flight)",
                 BENCH_MAX_CLIENTS);
        s->t.inflight = 8;
        return peer_start_ngircd(&s->peer);
    default:
        snprintf(s->limits, sizeof s->limits,
                 "bench-refserver: no limits, no protocol; listen backlog 4096, 100 connects"
                 " in flight like natterd");
        return peer_start_sibling(&s->peer, "bench-refserver", NULL);
    }
}

int cmp_start_servers(cmp_server srv[SRV_COUNT], int cpu)
{
    peer_limits lim;
    int up = 0;
    memset(&lim, 0, sizeof lim);
    lim.max_clients = BENCH_MAX_CLIENTS;
    lim.sendq_bytes = BENCH_SENDQ;
    lim.no_penalty = 1;
    peers_set_limits(&lim);
    /* The watchdogs check their peer every 2 s, not 10 times a second: each
     * check starts a process, which is noise on a benchmark machine. */
    peers_set_watch_interval_ms(2000);
    for (int id = 0; id < SRV_COUNT; id++) {
        cmp_server *s = &srv[id];
        np_err err;
        s->label = cmp_labels[id];
        if (!s->wanted)
            continue;
        snprintf(s->t.label, sizeof s->t.label, "%s", s->label);
        err = start_one(s, id);
        if (err != NP_OK || !s->peer) {
            snprintf(s->why_not, sizeof s->why_not, "%s",
                     err == NP_ENOENT ? "not installed (or not built)" : np_strerror(err));
            printf("  %-15s not started: %s\n", s->label, s->why_not);
            continue;
        }
        s->t.addr = s->peer->addr;
        s->t.pid = find_pid(s->peer->port);
        s->up = 1;
        up++;
        if (cpu >= 0 && cmp_pin(s->t.pid, cpu) != 0)
            printf("  %-15s could not be pinned to CPU %d\n", s->label, cpu);
        printf("  %-15s 127.0.0.1:%u pid %ld%s\n                  %s\n", s->label,
               (unsigned)s->peer->port, s->t.pid, cpu >= 0 ? ", on CPU 0" : "", s->limits);
    }
    fflush(stdout);
    return up;
}

np_err cmp_start_echo(cmp_echo_server *e, int cpu)
{
    char path[512], line[256];
    const char *p;
    np_err err;
    memset(e, 0, sizeof *e);
    if (!peers_sibling("np-echo-server", path, sizeof path))
        return NP_ENOENT;
    np_test_temp_path(e->log, sizeof e->log, "np-echo-server.log");
    {
        const char *argv[] = { path, "--port", "0", NULL };
        err = peers_spawn_watched(e->log, argv, &e->proc);
    }
    if (err != NP_OK)
        return err;
    err = np_test_proc_expect(e->proc, "listening on ", line, sizeof line, 10000);
    if (err != NP_OK)
        return err;
    p = strstr(line, "listening on ") + strlen("listening on ");
    if (np_addr_parse(p, &e->addr) != NP_OK)
        return NP_EINVAL;
    e->pid = find_pid(np_addr_port(&e->addr));
    if (cpu >= 0)
        cmp_pin(e->pid, cpu);
    return NP_OK;
}

void cmp_stop_echo(cmp_echo_server *e)
{
    if (e->proc)
        peers_stop_watched(&e->proc);
    if (e->log[0])
        remove(e->log);
    e->log[0] = '\0';
}
