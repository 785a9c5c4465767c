/* natter-bench: the load generator's command line (scenarios.h does the work). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc_stats.h"
#include "scenarios.h"

#define MAX_TARGETS 16

static const char usage[] =
    "Usage: natter-bench SCENARIO [OPTIONS]\n"
    "Load generator for IRC servers: one thread, one np_poller, thousands of\n"
    "non-blocking connections. Each scenario prints a table and one line\n"
    "'JSON {...}'; the exit status is 1 if any message was lost, duplicated or\n"
    "reordered or any client failed, 2 on bad usage.\n"
    "\n"
    "Scenarios:\n"
    "  fanout   N clients per server in one channel, all sending at a fixed rate\n"
    "  idle     N registered idle clients: connect+register time, server RSS per client\n"
    "  churn    clients joining, chatting, parting, reconnecting; watchers check all\n"
    "  echo     round trips through an echo server (libnp or raw syscalls)\n"
    "\n"
    "Servers:\n"
    "  --target LABEL=HOST:PORT[,pid=PID][,clients=N][,inflight=N]\n"
    "                     a server to measure (repeatable: fanout alternates its steps\n"
    "                     over all of them; idle and churn run one after the other).\n"
    "                     PID (for CPU and memory) is found by the listening socket\n"
    "                     when not given; clients= and inflight= override --clients\n"
    "                     and --inflight for it\n"
    "  --server HOST:PORT same as --target server=HOST:PORT\n"
    "\n"
    "fanout:\n"
    "  --clients N        clients per server (500)\n"
    "  --rates LIST       messages/s per client, comma-separated (1,2,4,8)\n"
    "  --seconds S        sending time of each step (10)\n"
    "  --rounds R         each round runs every rate on every server; medians (1)\n"
    "  --size BYTES       length of each PRIVMSG line sent, CR LF included (80; with\n"
    "                     the server's source prefix a delivered line is ~100 bytes)\n"
    "  --drain S          after a step, wait this long for all deliveries (5)\n"
    "  --settle S         a server still behind gets this long more, then skips the\n"
    "                     higher rates (60)\n"
    "  --p99-limit MS     saturation = the highest load with p99 under this (50)\n"
    "  --inflight N       connects+registrations in flight while setting up (100)\n"
    "  --setup-timeout S  bound for registering and joining each server (180)\n"
    "  --max-steal F      a step during which the host stole more than this share of\n"
    "                     the CPU (/proc/stat), or whose sends were late while\n"
    "                     natter-bench was mostly idle, is noisy and run again (0.05)\n"
    "  --retries N        how often at most; the least stolen run is kept (2)\n"
    "  --seed N           random phases (1)\n"
    "idle:\n"
    "  --clients N        clients (10000); the descriptor limit is raised to the hard one\n"
    "  --inflight N       connects+registrations in flight (100; more connects than a\n"
    "                     server's listen backlog lose SYNs and wait a retransmission\n"
    "                     second)\n"
    "  --settle S         wait before reading the server's RSS (2)\n"
    "  --time-cap S       start no connection after S seconds (0: none), for slow servers\n"
    "  --timeout S        bound for the registration of all (120)\n"
    "churn:\n"
    "  --churners N       clients that come and go (50)\n"
    "  --watchers N       clients that stay and check everything (5)\n"
    "  --seconds S        how long (10)\n"
    "  --msgs MIN-MAX     messages per session (3-12)\n"
    "  --interval-ms MS   between a churner's messages (20)\n"
    "  --drain S          at the end, wait this long for what is due (5)\n"
    "  --seed N           random session lengths (1)\n"
    "echo:\n"
    "  --server HOST:PORT an echo server (e.g. np-echo-server --port 0)\n"
    "  --impl np|raw      libnp's np_send/np_recv, or send/recv system calls (np)\n"
    "  --rounds N         round trips (100000)\n"
    "  --size BYTES       bytes per round trip (64)\n"
    "\n"
    "  --help             print this and exit\n";

static int bad(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static int bad(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "natter-bench: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try --help)\n");
    return 2;
}

static int parse_addr(const char *text, np_addr *out)
{
    if (np_addr_parse(text, out) == NP_OK)
        return 1;
    return np_resolve_one(text, NP_AF_UNSPEC, out) == NP_OK;
}

/* LABEL=HOST:PORT[,pid=PID][,clients=N][,inflight=N] */
static int parse_target(const char *spec, bench_target *t)
{
    char buf[320], *eq, *opt;
    memset(t, 0, sizeof *t);
    snprintf(buf, sizeof buf, "%s", spec);
    if (!(eq = strchr(buf, '=')))
        return 0;
    *eq = '\0';
    snprintf(t->label, sizeof t->label, "%.47s", buf);
    opt = strchr(eq + 1, ',');
    if (opt)
        *opt++ = '\0';
    if (!parse_addr(eq + 1, &t->addr))
        return 0;
    while (opt && *opt) {
        char *next = strchr(opt, ',');
        if (next)
            *next++ = '\0';
        if (strncmp(opt, "pid=", 4) == 0)
            t->pid = atol(opt + 4);
        else if (strncmp(opt, "clients=", 8) == 0)
            t->clients = atoi(opt + 8);
        else if (strncmp(opt, "inflight=", 9) == 0)
            t->inflight = atoi(opt + 9);
        else
            return 0;
        opt = next;
    }
    if (!t->pid && np_addr_is_loopback(&t->addr))
        t->pid = proc_listener_pid(np_addr_port(&t->addr));
    return 1;
}

int main(int argc, char **argv)
{
    bench_target targets[MAX_TARGETS];
    int nt = 0, rc = 0;
    const char *scenario;
    fanout_opts fo;
    idle_opts io;
    churn_opts co;
    echo_opts eo;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    scenario = argv[1];
    if (strcmp(scenario, "fanout") && strcmp(scenario, "idle") && strcmp(scenario, "churn") &&
        strcmp(scenario, "echo"))
        return bad("unknown scenario '%s'", scenario);
    fanout_defaults(&fo);
    idle_defaults(&io);
    churn_defaults(&co);
    echo_defaults(&eo);
    np_init();
    proc_raise_nofile();

    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int is_fanout = !strcmp(scenario, "fanout"), is_idle = !strcmp(scenario, "idle");
        int is_churn = !strcmp(scenario, "churn"), is_echo = !strcmp(scenario, "echo");
        if (!strcmp(a, "--help")) {
            fputs(usage, stdout);
            return 0;
        }
        if (!v)
            return bad("%s needs a value", a);
        i++;
        if (!strcmp(a, "--target") || !strcmp(a, "--server")) {
            char spec[300];
            if (nt >= MAX_TARGETS)
                return bad("at most %d servers", MAX_TARGETS);
            if (!strcmp(a, "--server"))
                snprintf(spec, sizeof spec, "server=%s", v);
            else
                snprintf(spec, sizeof spec, "%s", v);
            if (!parse_target(spec, &targets[nt]))
                return bad("bad server '%s'", v);
            nt++;
        } else if (!strcmp(a, "--clients") && (is_fanout || is_idle)) {
            fo.clients = io.clients = atoi(v);
        } else if (!strcmp(a, "--inflight") && (is_fanout || is_idle)) {
            fo.inflight = io.inflight = atoi(v);
        } else if (!strcmp(a, "--seconds") && (is_fanout || is_churn)) {
            fo.seconds = co.seconds = atof(v);
        } else if (!strcmp(a, "--drain") && (is_fanout || is_churn)) {
            fo.drain_s = co.drain_s = atof(v);
        } else if (!strcmp(a, "--seed") && (is_fanout || is_churn)) {
            fo.seed = co.seed = (unsigned)atol(v);
        } else if (!strcmp(a, "--size") && (is_fanout || is_echo)) {
            fo.size = eo.size = atoi(v);
        } else if (!strcmp(a, "--rounds") && (is_fanout || is_echo)) {
            fo.rounds = atoi(v);
            eo.rounds = atol(v);
        } else if (!strcmp(a, "--rates") && is_fanout) {
            if (!fanout_parse_rates(v, &fo))
                return bad("bad --rates '%s'", v);
        } else if (!strcmp(a, "--settle") && (is_fanout || is_idle)) {
            fo.settle_s = io.settle_s = atof(v);
        } else if (!strcmp(a, "--p99-limit") && is_fanout) {
            fo.p99_limit_ms = atof(v);
        } else if (!strcmp(a, "--max-steal") && is_fanout) {
            fo.max_steal = atof(v);
        } else if (!strcmp(a, "--retries") && is_fanout) {
            fo.retries = atoi(v);
        } else if (!strcmp(a, "--setup-timeout") && is_fanout) {
            fo.setup_s = atof(v);
        } else if (!strcmp(a, "--time-cap") && is_idle) {
            io.cap_s = atof(v);
        } else if (!strcmp(a, "--timeout") && is_idle) {
            io.timeout_s = atof(v);
        } else if (!strcmp(a, "--churners") && is_churn) {
            co.churners = atoi(v);
        } else if (!strcmp(a, "--watchers") && is_churn) {
            co.watchers = atoi(v);
        } else if (!strcmp(a, "--msgs") && is_churn) {
            if (sscanf(v, "%d-%d", &co.msgs_min, &co.msgs_max) != 2 || co.msgs_min < 1 ||
                co.msgs_max < co.msgs_min)
                return bad("bad --msgs '%s' (MIN-MAX)", v);
        } else if (!strcmp(a, "--interval-ms") && is_churn) {
            co.interval_ms = atoi(v);
        } else if (!strcmp(a, "--impl") && is_echo) {
            if (strcmp(v, "np") && strcmp(v, "raw"))
                return bad("--impl is np or raw, not '%s'", v);
            eo.raw = !strcmp(v, "raw");
        } else {
            return bad("%s is not an option of %s", a, scenario);
        }
    }
    if (nt == 0)
        return bad("no server given (--target or --server)");
    if (fo.clients < 2 || fo.seconds <= 0 || fo.rounds < 1 || fo.size > 510 || io.clients < 1 ||
        co.churners < 1 || co.watchers < 1 || eo.rounds < 1 || eo.size < 1)
        return bad("a value is out of range");

    if (!strcmp(scenario, "fanout")) {
        fanout_result r;
        rc = fanout_run(targets, nt, &fo, &r);
        fanout_result_free(&r);
    } else if (!strcmp(scenario, "idle")) {
        for (int i = 0; i < nt; i++) {
            idle_result r;
            rc |= idle_run(&targets[i], &io, &r);
        }
    } else if (!strcmp(scenario, "churn")) {
        for (int i = 0; i < nt; i++) {
            churn_result r;
            rc |= churn_run(&targets[i], &co, &r);
        }
    } else {
        echo_result r;
        rc = echo_run(&targets[0].addr, &eo, &r);
    }
    np_cleanup();
    return rc ? 1 : 0;
}
