/* bench-compare: natterd side by side with InspIRCd, ngircd and the
 * reference server, in one run on one machine (tests/bench/compare builds it
 * and runs it). Every server runs at once, pinned to CPU 0, with natter-bench
 * (this process) on CPU 1:
 *
 *   1. idle, one server at a time, each still fresh (memory freed by an
 *      earlier scenario would be reused and hide what clients cost);
 *   2. fanout over all servers at once, alternating: for each round, for each
 *      rate, for each server, one step; medians over the rounds;
 *   3. churn, one server at a time;
 *   4. echo: libnp against raw system calls under callgrind.
 *
 * Then one table with every figure per server and its ratio to natterd in
 * event mode, and a JSON line. Exit status 1 if natterd or the reference lost,
 * duplicated or reordered anything or failed (the other servers' figures are
 * reported, not judged). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare_echo.h"
#include "compare_servers.h"
#include "compare_table.h"
#include "proc_stats.h"

static const char usage[] =
    "Usage: bench-compare [OPTIONS]   (normally through tests/bench/compare)\n"
    "Start natterd (event, thread, fork), InspIRCd, ngircd and the reference\n"
    "server on loopback, pinned to CPU 0; run natter-bench's scenarios against\n"
    "them from CPU 1; print one table of figures and ratios, and a JSON line.\n"
    "\n"
    "  --rounds N             fanout rounds, alternating the servers (3)\n"
    "  --seconds S            each fanout step's sending time (10)\n"
    "  --rates LIST           fanout rates, messages/s per client (1,2,4,8)\n"
    "  --clients N            fanout clients per server (500)\n"
    "  --max-steal F          a fanout step during which the VM's host stole more than\n"
    "                         this share of the CPU, or whose sends were late while\n"
    "                         natter-bench was mostly idle, is run again (0.05)\n"
    "  --retries N            how often at most, keeping the least stolen run (2)\n"
    "  --idle-clients N       idle clients (10000)\n"
    "  --idle-clients-small N idle clients for natterd's thread and fork modes,\n"
    "                         a thread or process each (1000)\n"
    "  --idle-cap S           ngircd's idle run starts no connection after S s (60)\n"
    "  --storm N              then natterd-event and the reference again with N\n"
    "                         connects in flight: how their listen backlogs cope\n"
    "                         (1000; 0: not)\n"
    "  --churn-seconds S      (10)\n"
    "  --churners N           (50)\n"
    "  --echo-rounds N        round trips R under callgrind, run for R and 2R (20000)\n"
    "  --servers LIST         a subset: natterd-event,natterd-thread,natterd-fork,\n"
    "                         inspircd,ngircd,reference (default all)\n"
    "  --only LIST            a subset of the scenarios: idle,fanout,churn,echo\n"
    "  --quick                a smoke run of a minute or two: 1 round, rates 1,4 for\n"
    "                         2 s, 100 clients, 2000 idle (300 small), churn 3 s,\n"
    "                         echo 2000\n"
    "  --no-pin               do not pin (figures are then only indicative)\n"
    "  --help                 print this and exit\n";

typedef struct cmp_opts {
    fanout_opts fo;
    idle_opts io;
    churn_opts co;
    int idle_small;
    double idle_cap;
    long echo_rounds;
    int storm;
    int run_idle, run_fanout, run_churn, run_echo;
    int pin;
} cmp_opts;

static int has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
        if ((p == list || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
            return 1;
    return 0;
}

static void quick(cmp_opts *o)
{
    o->fo.rounds = 1;
    o->fo.seconds = 2;
    o->fo.nrates = 2;
    o->fo.rates[0] = 1;
    o->fo.rates[1] = 4;
    o->fo.clients = 100;
    o->fo.drain_s = 3;
    o->fo.settle_s = 10;
    o->io.clients = 2000;
    o->io.settle_s = 1;
    o->idle_small = 300;
    o->idle_cap = 20;
    o->co.seconds = 3;
    o->co.churners = 20;
    o->echo_rounds = 2000;
}

static int parse(cmp_opts *o, cmp_server *srv, int argc, char **argv)
{
    const char *servers = NULL, *only = NULL;
    memset(o, 0, sizeof *o);
    fanout_defaults(&o->fo);
    idle_defaults(&o->io);
    churn_defaults(&o->co);
    o->fo.rounds = 3;
    o->idle_small = 1000;
    o->idle_cap = 60;
    o->echo_rounds = 20000;
    o->storm = 1000;
    o->pin = 1;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--quick"))
            quick(o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help")) {
            fputs(usage, stdout);
            exit(0);
        }
        if (!strcmp(a, "--quick"))
            continue;
        if (!strcmp(a, "--no-pin")) {
            o->pin = 0;
            continue;
        }
        if (!v) {
            fprintf(stderr, "bench-compare: bad option '%s' (try --help)\n", a);
            return 0;
        }
        i++;
        if (!strcmp(a, "--rounds"))
            o->fo.rounds = atoi(v);
        else if (!strcmp(a, "--seconds"))
            o->fo.seconds = atof(v);
        else if (!strcmp(a, "--rates")) {
            if (!fanout_parse_rates(v, &o->fo))
                return fprintf(stderr, "bench-compare: bad --rates '%s'\n", v), 0;
        } else if (!strcmp(a, "--clients"))
            o->fo.clients = atoi(v);
        else if (!strcmp(a, "--idle-clients"))
            o->io.clients = atoi(v);
        else if (!strcmp(a, "--idle-clients-small"))
            o->idle_small = atoi(v);
        else if (!strcmp(a, "--idle-cap"))
            o->idle_cap = atof(v);
        else if (!strcmp(a, "--churn-seconds"))
            o->co.seconds = atof(v);
        else if (!strcmp(a, "--churners"))
            o->co.churners = atoi(v);
        else if (!strcmp(a, "--max-steal"))
            o->fo.max_steal = atof(v);
        else if (!strcmp(a, "--retries"))
            o->fo.retries = atoi(v);
        else if (!strcmp(a, "--storm"))
            o->storm = atoi(v);
        else if (!strcmp(a, "--echo-rounds"))
            o->echo_rounds = atol(v);
        else if (!strcmp(a, "--servers"))
            servers = v;
        else if (!strcmp(a, "--only"))
            only = v;
        else
            return fprintf(stderr, "bench-compare: bad option '%s' (try --help)\n", a), 0;
    }
    if (o->fo.rounds < 1 || o->fo.seconds <= 0 || o->fo.clients < 2 || o->io.clients < 1 ||
        o->idle_small < 1 || o->co.churners < 1 || o->echo_rounds < 1) {
        fprintf(stderr, "bench-compare: a value is out of range\n");
        return 0;
    }
    for (int s = 0; s < SRV_COUNT; s++)
        srv[s].wanted = !servers || has_word(servers, cmp_labels[s]);
    o->run_idle = !only || has_word(only, "idle");
    o->run_fanout = !only || has_word(only, "fanout");
    o->run_churn = !only || has_word(only, "churn");
    o->run_echo = !only || has_word(only, "echo");
    return 1;
}

static void describe_machine(char *out, size_t len)
{
    char line[512], model[256] = "unknown CPU", kernel[128] = "";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
                snprintf(model, sizeof model, "%s", strchr(line, ':') + 2);
                model[strcspn(model, "\n")] = '\0';
                break;
            }
        fclose(f);
    }
    if ((f = fopen("/proc/sys/kernel/osrelease", "r"))) {
        if (fgets(kernel, sizeof kernel, f))
            kernel[strcspn(kernel, "\n")] = '\0';
        fclose(f);
    }
    snprintf(out, len, "%s, %ld CPUs, Linux %s", model, sysconf(_SC_NPROCESSORS_ONLN), kernel);
}

/* natterd or the reference: their failures fail the run. */
static int judged(int s)
{
    return s == SRV_EVENT || s == SRV_THREAD || s == SRV_FORK || s == SRV_REF;
}

int main(int argc, char **argv)
{
    static cmp_server srv[SRV_COUNT];
    static cmp_report rep;
    cmp_opts o;
    int failed = 0, cpu_server = -1;
    long nofile;
    bench_target targets[SRV_COUNT];
    int nt = 0;
    fanout_result fr;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!parse(&o, srv, argc, argv))
        return 2;
    np_init();
    peers_init(argv[0]);
    nofile = proc_raise_nofile();
    if (nofile < o.io.clients + 1000) {
        fprintf(stderr, "bench-compare: %d idle clients need ~%d descriptors; the limit is %ld\n",
                o.io.clients, o.io.clients + 1000, nofile);
        return 2;
    }
    describe_machine(rep.machine, sizeof rep.machine);
    if (o.pin && sysconf(_SC_NPROCESSORS_ONLN) >= 2) {
        cpu_server = 0;
        rep.pinned = cmp_pin((long)getpid(), 1) == 0;
        if (!rep.pinned)
            cpu_server = -1;
    }
    printf("bench-compare on %s\n  natter-bench: CPU %s; descriptors %ld\n", rep.machine,
           rep.pinned ? "1" : "(not pinned)", nofile);
    printf("starting the servers:\n");
    if (cmp_start_servers(srv, cpu_server) == 0) {
        fprintf(stderr, "bench-compare: no server could be started\n");
        return 1;
    }
    rep.srv = srv;
    rep.fo = &o.fo;

    if (o.run_idle)
        for (int s = 0; s < SRV_COUNT; s++) {
            bench_target t;
            idle_opts io = o.io;
            if (!srv[s].up)
                continue;
            t = srv[s].t;
            if (s == SRV_THREAD || s == SRV_FORK) {
                t.clients = o.idle_small < io.clients ? o.idle_small : io.clients;
                snprintf(srv[s].t.note, sizeof srv[s].t.note,
                         "idle with %d clients (a %s each)", t.clients,
                         s == SRV_THREAD ? "thread" : "process");
            }
            if (s == SRV_NGIRCD) {
                io.cap_s = o.idle_cap;
                snprintf(srv[s].t.note, sizeof srv[s].t.note,
                         "idle: no new connection after %.0f s", o.idle_cap);
            }
            snprintf(t.note, sizeof t.note, "%s", srv[s].t.note);
            rep.idle_ran[s] = 1;
            if (idle_run(&t, &io, &rep.idle[s]) && judged(s))
                failed = 1;
        }

    /* A connect storm, for natterd and the reference only (both take a storm
     * of 100 in their stride): how a listen backlog copes with more. The
     * servers are no longer fresh, so only the times count. */
    rep.storm_inflight = o.storm;
    if (o.run_idle && o.storm > 0)
        for (int s = 0; s < SRV_COUNT; s++) {
            bench_target t;
            idle_opts io = o.io;
            if (!srv[s].up || (s != SRV_EVENT && s != SRV_REF))
                continue;
            t = srv[s].t;
            t.inflight = o.storm;
            io.settle_s = 0;
            rep.storm_ran[s] = 1;
            printf("\nconnect storm: %s, %d in flight (memory not counted: not fresh)", t.label,
                   o.storm);
            if (idle_run(&t, &io, &rep.storm[s]))
                failed = 1;
        }

    for (int s = 0; s < SRV_COUNT; s++) {
        rep.fanout_index[s] = -1;
        if (o.run_fanout && srv[s].up) {
            rep.fanout_index[s] = nt;
            targets[nt++] = srv[s].t;
        }
    }
    if (nt > 0) {
        printf("\n");
        fanout_run(targets, nt, &o.fo, &fr);
        rep.fr = &fr;
        for (int s = 0; s < SRV_COUNT; s++) {
            int ti = rep.fanout_index[s];
            if (ti < 0 || !judged(s))
                continue;
            if (fr.registered[ti] < (targets[ti].clients ? targets[ti].clients : o.fo.clients))
                failed = 1;
            for (int ri = 0; ri < fr.nrates; ri++) {
                const fanout_summary *m = fanout_find(&fr, ti, ri);
                if (m && (m->lost || m->dup || m->reordered))
                    failed = 1;
            }
        }
    }

    if (o.run_churn)
        for (int s = 0; s < SRV_COUNT; s++) {
            if (!srv[s].up)
                continue;
            rep.churn_ran[s] = 1;
            if (churn_run(&srv[s].t, &o.co, &rep.churn[s]) && judged(s))
                failed = 1;
        }

    if (o.run_echo) {
        cmp_echo_server es;
        char bench[512];
        rep.echo_ran = 1;
        printf("\necho: libnp and raw syscalls under callgrind\n");
        if (!peers_sibling("natter-bench", bench, sizeof bench))
            snprintf(rep.echo.why, sizeof rep.echo.why, "natter-bench was not built");
        else if (cmp_start_echo(&es, cpu_server) != NP_OK)
            snprintf(rep.echo.why, sizeof rep.echo.why, "np-echo-server did not start"
                     " (built with NATTER_BUILD_EXAMPLES?)");
        else {
            cmp_echo_run(bench, &es.addr, o.echo_rounds, &rep.echo);
            cmp_stop_echo(&es);
        }
    }

    cmp_table_print(&rep);
    for (int s = 0; s < SRV_COUNT; s++)
        if (srv[s].wanted && !srv[s].up && judged(s)) {
            printf("  %s did not start\n", srv[s].label);
            failed = 1;
        }
    if (nt > 0)
        fanout_result_free(&fr);
    peers_cleanup();
    printf("bench-compare: %s\n", failed ? "FAILED (natterd or the reference lost, duplicated"
                                           " or reordered messages, or failed)" : "done");
    return failed;
}
