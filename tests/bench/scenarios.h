/* natter-bench's four scenarios, callable from natter-bench's command line and
 * from the comparison driver alike. Each prints a human table and one JSON
 * line ("JSON {...}") on stdout, fills a result, and returns 0, or 1 if any
 * message was lost, duplicated or reordered or anything failed.
 *
 *   fanout  N clients in one channel, all sending at a fixed offered rate; a
 *           ladder of rates, rounds that alternate the servers
 *   idle    N registered idle clients: connect+register time, RSS per client
 *   churn   clients joining, chatting, parting and reconnecting, watched
 *   echo    round trips through an echo server, libnp or raw syscalls */
#ifndef BENCH_SCENARIOS_H
#define BENCH_SCENARIOS_H

#include <stdint.h>
#include <np/np.h>

/* A server under test. */
typedef struct bench_target {
    char label[48];         /* "natterd-event", "inspircd", ... */
    np_addr addr;
    long pid;               /* for CPU and memory; 0: unknown (not measured) */
    int clients;            /* fanout / idle clients for this one; 0: the default */
    int inflight;           /* connects + registrations in flight; 0: the default */
    char note[160];         /* said under the tables (e.g. why N is smaller) */
} bench_target;

/* ---- fanout ---------------------------------------------------------------- */

#define FANOUT_MAX_RATES 16

typedef struct fanout_opts {
    int clients;                 /* per server (500) */
    double rates[FANOUT_MAX_RATES];   /* messages/s per client (1 2 4 8) */
    int nrates;
    double seconds;              /* sending time of each step (10) */
    int rounds;                  /* each round runs every rate on every server (1) */
    int size;                    /* bytes of each PRIVMSG line sent, CR LF included (80) */
    double drain_s;              /* after a step, wait this long for what is due (5) */
    double settle_s;             /* then, for a server behind, this long more (60) */
    double p99_limit_ms;         /* saturation: the highest rate with p99 under this (50) */
    int inflight;                /* connects + registrations in flight (100) */
    double setup_s;              /* bound for registering and joining each server (180) */
    double max_steal;            /* a step with more of the CPU stolen by the host is noisy (0.05) */
    int retries;                 /* and run again up to this often, keeping the least stolen (2) */
    unsigned seed;
    const char *channel;         /* "#bench" */
} fanout_opts;

typedef struct fanout_step {
    int target, round, rate_i;
    double rate;
    int ran;                     /* 0: skipped (saturated at a lower rate, or gone) */
    int clients;
    double offered, achieved;    /* deliveries/s */
    uint64_t sent, expected, delivered, lost, dup, reordered, late, corrupt, stale;
    double p50, p99, p999, max;  /* µs, scheduled send -> received */
    double lag_p99, lag_max;     /* µs, scheduled send -> handed to the socket */
    double server_cpu_s, cpu_per_m;   /* CPU seconds per million deliveries; -1: unknown */
    double gen_cpu, gen_busy;    /* the generator: CPU fraction, and without its spin */
    int gen_limited, saturated;
    int noisy, tries;            /* steal above max_steal (after `tries` runs) */
    double steal;                /* the share of the machine's CPU time stolen by its host */
    double wall_s;
} fanout_step;

/* Medians over the rounds of one server at one rate. */
typedef struct fanout_summary {
    int target, rate_i, rounds;
    double rate, offered, achieved, p50, p99, max, cpu_per_m, gen_busy, steal;
    uint64_t lost, dup, reordered, late;
    int saturated, gen_limited, noisy;  /* in any round */
} fanout_summary;

typedef struct fanout_result {
    int ntargets, nrates;
    fanout_step *steps;          /* [round][rate][target] */
    int nsteps;
    fanout_summary *sum;         /* [target][rate] */
    int *registered;             /* per target */
    double *setup_s;             /* per target: registering and joining took */
    double *saturation;          /* per target: deliveries/s, -1 if none passed */
    long errors;
    int failed;
} fanout_result;

void fanout_defaults(fanout_opts *o);
/* "1,2,4,8" into o->rates; 0 if malformed. */
int fanout_parse_rates(const char *text, fanout_opts *o);
int fanout_run(const bench_target *t, int nt, const fanout_opts *o, fanout_result *r);
void fanout_result_free(fanout_result *r);
const fanout_summary *fanout_find(const fanout_result *r, int target, int rate_i);

/* ---- idle ------------------------------------------------------------------ */

typedef struct idle_opts {
    int clients;                 /* 10000 */
    int inflight;                /* 100: below every listen backlog but ngircd's */
    double settle_s;             /* before reading RSS again (2) */
    double cap_s;                /* start no connection after this (0: none) */
    double timeout_s;            /* bound for the whole registration (120) */
} idle_opts;

typedef struct idle_result {
    int wanted, registered, alive, capped;
    long errors;
    double connect_s, rate;      /* all registered in; clients/s */
    double p50_ms, p99_ms;       /* one client's connect -> 001 */
    long rss_before_kb, rss_after_kb, pss_before_kb, pss_after_kb;
    double rss_per_client, pss_per_client;   /* bytes; -1: unknown */
} idle_result;

void idle_defaults(idle_opts *o);
int idle_run(const bench_target *t, const idle_opts *o, idle_result *r);

/* ---- churn ----------------------------------------------------------------- */

typedef struct churn_opts {
    int churners;                /* 50 */
    int watchers;                /* 5 */
    double seconds;              /* 10 */
    int msgs_min, msgs_max;      /* messages per session (3, 12) */
    int interval_ms;             /* between a churner's messages (20) */
    double drain_s;              /* 5 */
    unsigned seed;
} churn_opts;

typedef struct churn_result {
    long sessions, connects, sent, expected, delivered;
    long lost, dup, reordered, outside, errors;
    double seconds, sessions_per_s;
} churn_result;

void churn_defaults(churn_opts *o);
int churn_run(const bench_target *t, const churn_opts *o, churn_result *r);

/* ---- echo ------------------------------------------------------------------ */

typedef struct echo_opts {
    int raw;                     /* 0: libnp calls; 1: send/recv syscalls */
    long rounds;                 /* 100000 */
    int size;                    /* bytes per round trip (64) */
} echo_opts;

typedef struct echo_result {
    long rounds;
    double us_per_rt;
} echo_result;

void echo_defaults(echo_opts *o);
int echo_run(const np_addr *server, const echo_opts *o, echo_result *r);

/* The two loops, kept out of line so that callgrind can count exactly them
 * (--toggle-collect=echo_loop_*). 0, or -1 on a socket error. */
int echo_loop_np(np_socket_t s, char *buf, size_t size, long rounds);
int echo_loop_raw(np_socket_t s, char *buf, size_t size, long rounds);

#endif
