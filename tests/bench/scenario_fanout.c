/* fanout: N clients of each server in one channel, every client sending
 * PRIVMSGs at a fixed offered rate, at each rate of a ladder.
 *
 * The schedule is fixed in advance (coordinated-omission-safe): client i
 * sends its k-th message of a step at start + phase_i + k / rate, with a
 * random phase per client, whether or not the server keeps up, and the
 * message carries that *scheduled* time. Latency is received minus scheduled,
 * so a server that makes the senders wait is charged for the wait. Each
 * message also carries its sender and a per-sender sequence number, and every
 * receiver checks every line: per (receiver, sender) exactly last + 1; the
 * rest is counted as lost, duplicated or reordered.
 *
 * With several servers, each holds its own N clients for the whole run and
 * the steps alternate: for each round, for each rate, for each server. So
 * noise on the machine falls on all servers alike, and the figures are
 * medians over the rounds. A server that cannot deliver a step within the
 * drain time is saturated at that rate: its backlog is waited out (settle)
 * and it skips the higher rates. */
#include "scenarios.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_rng.h"
#include "client_group.h"
#include "latency_hist.h"
#include "proc_stats.h"
#include "report.h"
#include "seq_check.h"

typedef struct fanout_run_ctx fanout_run_ctx;

typedef struct ftarget {
    fanout_run_ctx *F;
    const bench_target *t;
    int idx, n, gone;
    bench_group g;
    seq_track *track;           /* [sender * n + receiver]: the few senders of a turn
                                   reach every receiver, so this order keeps a
                                   turn's lookups in a few rows of the cache */
    uint32_t *seq;              /* last sequence number each sender used */
    double limit_rate;          /* the lowest rate it saturated at; 0: none yet */
    /* the running step */
    int active;
    int64_t t0_rel;             /* its first scheduled send, µs after the epoch */
    int64_t drain_deadline_us;
    uint64_t expected, delivered, dup, reordered, late, corrupt, stale;
    int64_t last_delivery_us;
    latency_hist lat;
} ftarget;

struct fanout_run_ctx {
    const fanout_opts *o;
    int64_t epoch_us;
    char head[80];              /* "PRIVMSG #bench :" */
    size_t head_len;
    size_t text_len;            /* every message's text has this length */
    latency_hist lag;
    uint64_t rng;
};

/* ---- options ------------------------------------------------------------------ */

void fanout_defaults(fanout_opts *o)
{
    static const double ladder[] = { 1, 2, 4, 8 };
    memset(o, 0, sizeof *o);
    o->clients = 500;
    memcpy(o->rates, ladder, sizeof ladder);
    o->nrates = 4;
    o->seconds = 10;
    o->rounds = 1;
    o->size = 80;
    o->drain_s = 5;
    o->settle_s = 60;
    o->p99_limit_ms = 50;
    o->inflight = 100;
    o->setup_s = 180;
    o->max_steal = 0.05;
    o->retries = 2;
    o->seed = 1;
    o->channel = "#bench";
}

int fanout_parse_rates(const char *text, fanout_opts *o)
{
    char buf[256], *p, *save = NULL;
    o->nrates = 0;
    snprintf(buf, sizeof buf, "%s", text);
    for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        double r = atof(p);
        if (r <= 0 || o->nrates >= FANOUT_MAX_RATES)
            return 0;
        o->rates[o->nrates++] = r;
    }
    return o->nrates > 0;
}

/* ---- receiving ---------------------------------------------------------------- */

/* A decimal number ended by a space (or the end); 0 if there is none. */
static int take_num(const char **p, const char *end, uint64_t *v)
{
    const char *q = *p;
    uint64_t n = 0;
    if (q >= end || *q < '0' || *q > '9')
        return 0;
    while (q < end && *q >= '0' && *q <= '9')
        n = n * 10 + (uint64_t)(*q++ - '0');
    if (q < end && *q != ' ')
        return 0;
    *p = q < end ? q + 1 : q;
    *v = n;
    return 1;
}

static void on_msg(bench_client *c, const irc_lite *m, const char *line, size_t len,
                   int64_t now_us)
{
    ftarget *ft = c->g->ctx;
    fanout_run_ctx *F = ft->F;
    const char *p, *end;
    uint64_t s, q, t;
    seq_verdict v;
    (void)line;
    (void)len;
    if (!irc_lite_is(m, "PRIVMSG"))
        return;   /* JOINs of the others, MODE, notices: not counted */
    p = m->text;
    end = p ? p + m->text_len : NULL;
    if (!p || m->text_len != F->text_len || p[0] != 'b' || p[1] != ' ') {
        ft->corrupt++;
        return;
    }
    p += 2;
    if (!take_num(&p, end, &s) || !take_num(&p, end, &q) || !take_num(&p, end, &t) ||
        s >= (uint64_t)ft->n || s == (uint64_t)c->index || q == 0) {
        ft->corrupt++;
        return;
    }
    v = seq_check(&ft->track[(size_t)s * (size_t)ft->n + (size_t)c->index], (uint32_t)q);
    if (v == SEQ_DUPLICATE) {
        ft->dup++;
        return;
    }
    if (v == SEQ_REORDERED)
        ft->reordered++;
    if (!ft->active || (int64_t)t < ft->t0_rel) {
        ft->stale++;   /* from a step already closed (its loss was counted) */
        return;
    }
    ft->delivered++;
    ft->last_delivery_us = now_us;
    if (now_us > ft->drain_deadline_us)
        ft->late++;
    hist_add(&ft->lat, now_us - (F->epoch_us + (int64_t)t));
}

static const group_hooks hooks = { NULL, NULL, on_msg, NULL };

/* ---- sending ------------------------------------------------------------------ */

static void send_one(ftarget *ft, int i, int64_t sched_us, int64_t now_us)
{
    fanout_run_ctx *F = ft->F;
    bench_client *c = &ft->g.c[i];
    char line[1100];
    size_t total = (size_t)F->o->size;
    int n;
    if (c->state != CL_READY || !c->joined)
        return;
    memcpy(line, F->head, F->head_len);
    n = snprintf(line + F->head_len, sizeof line - F->head_len, "b %d %u %lld ", i,
                 ++ft->seq[i], (long long)(sched_us - F->epoch_us));
    memset(line + F->head_len + (size_t)n, 'x', total - 2 - F->head_len - (size_t)n);
    memcpy(line + total - 2, "\r\n", 2);
    hist_add(&F->lag, now_us - sched_us);
    ft->expected += (uint64_t)(ft->g.joined - 1);
    bench_client_send(c, line, total);
}

/* ---- one step ----------------------------------------------------------------- */

typedef struct phase_sort {
    int idx;
    int64_t phase;
} phase_sort;

static int by_phase(const void *a, const void *b)
{
    const phase_sort *x = a, *y = b;
    return x->phase < y->phase ? -1 : x->phase > y->phase;
}

/* A step's sends: the k-th is client order[k % n] at
 * start + its phase + (k / n) periods, so the sends come in time order. */
typedef struct schedule {
    ftarget *ft;
    const phase_sort *order;
    int n;
    int64_t k, sends, start, period;
} schedule;

static int64_t sched_time(const schedule *s, int64_t k)
{
    return s->start + s->order[k % s->n].phase + (k / s->n) * s->period;
}

/* Send everything due by now: from the loop, and from inside a long turn of
 * reads (the loop's tick), so that sends are not late behind reading. */
static void send_due(void *arg)
{
    schedule *s = arg;
    int64_t now = np_now_us();
    while (s->k < s->sends) {
        int64_t t = sched_time(s, s->k);
        if (t > now)
            break;
        send_one(s->ft, s->order[s->k % s->n].idx, t, now);
        s->k++;
    }
}

static void run_loop_until(bench_loop *loop, ftarget *ft, int64_t deadline_us)
{
    while (ft->delivered < ft->expected && np_now_us() < deadline_us) {
        int64_t left = (deadline_us - np_now_us()) / 1000;
        bench_loop_run(loop, left < 1 ? 1 : left > 10 ? 10 : left);
    }
}

static void run_step(ftarget *ft, bench_loop *loop, double rate, fanout_step *st)
{
    fanout_run_ctx *F = ft->F;
    const fanout_opts *o = F->o;
    int n = ft->n;
    int64_t spin = 0, spin0, now, send_end, end;
    phase_sort *order = calloc((size_t)n, sizeof *order);
    schedule sc;
    proc_cost srv0, srv1;
    cpu_times cpu0, cpu1;
    double self0, self1;

    memset(st, 0, sizeof *st);
    st->target = ft->idx;
    st->rate = rate;
    st->clients = ft->g.joined;
    st->ran = 1;
    if (!order)
        return;
    memset(&sc, 0, sizeof sc);
    sc.ft = ft;
    sc.order = order;
    sc.n = n;
    sc.period = (int64_t)(1e6 / rate);
    sc.sends = (int64_t)llround(rate * o->seconds) * n;
    for (int i = 0; i < n; i++) {
        order[i].idx = i;
        order[i].phase = (int64_t)(bench_rng_next(&F->rng) % (uint64_t)sc.period);
    }
    qsort(order, (size_t)n, sizeof *order, by_phase);

    hist_reset(&ft->lat);
    hist_reset(&F->lag);
    ft->expected = ft->delivered = ft->dup = ft->reordered = ft->late = ft->corrupt = 0;
    ft->last_delivery_us = 0;
    srv0 = proc_cost_cpu(ft->t->pid);
    self0 = proc_self_cpu_s();
    cpu0 = proc_cpu_times();
    sc.start = np_now_us() + 20000;
    ft->t0_rel = sc.start - F->epoch_us;
    ft->drain_deadline_us = INT64_MAX;
    ft->active = 1;
    bench_loop_set_tick(loop, send_due, &sc, 32);
    spin0 = bench_loop_poll_us(loop);

    for (;;) {
        int64_t next;
        send_due(&sc);
        if (sc.k >= sc.sends)
            break;
        now = np_now_us();
        next = sched_time(&sc, sc.k);
        if (next - now >= 1000) {
            bench_loop_run(loop, (next - now) / 1000);
        } else {
            /* Under a millisecond to the next send: the poller's timeout
             * cannot wait that little, so poll. The time inside those polls
             * is the generator's spin, not its work (what it then reads and
             * checks is work). */
            bench_loop_run(loop, 0);
        }
    }
    spin = bench_loop_poll_us(loop) - spin0;
    bench_loop_set_tick(loop, NULL, NULL, 0);
    send_end = np_now_us();
    ft->drain_deadline_us = send_end + (int64_t)(o->drain_s * 1e6);
    run_loop_until(loop, ft, ft->drain_deadline_us);
    if (ft->delivered < ft->expected) {
        st->saturated = 1;
        run_loop_until(loop, ft, ft->drain_deadline_us + (int64_t)(o->settle_s * 1e6));
    }
    end = np_now_us();
    ft->active = 0;
    srv1 = proc_cost_cpu(ft->t->pid);
    self1 = proc_self_cpu_s();
    cpu1 = proc_cpu_times();
    st->steal = cpu1.total_s > cpu0.total_s
                    ? (cpu1.steal_s - cpu0.steal_s) / (cpu1.total_s - cpu0.total_s) : 0;

    st->sent = (uint64_t)sc.k;
    st->expected = ft->expected;
    st->delivered = ft->delivered;
    st->lost = ft->expected > ft->delivered ? ft->expected - ft->delivered : 0;
    st->dup = ft->dup;
    st->reordered = ft->reordered;
    st->late = ft->late;
    st->corrupt = ft->corrupt;
    st->stale = ft->stale;
    ft->stale = 0;
    st->offered = rate * (double)st->clients * (double)(st->clients - 1);
    if (ft->last_delivery_us > sc.start)
        st->achieved = (double)ft->delivered / ((double)(ft->last_delivery_us - sc.start) / 1e6);
    st->p50 = (double)hist_quantile(&ft->lat, 0.50);
    st->p99 = (double)hist_quantile(&ft->lat, 0.99);
    st->p999 = (double)hist_quantile(&ft->lat, 0.999);
    st->max = (double)ft->lat.max;
    st->lag_p99 = (double)hist_quantile(&F->lag, 0.99);
    st->lag_max = (double)F->lag.max;
    st->wall_s = (double)(end - sc.start) / 1e6;
    st->server_cpu_s = srv0.alive && srv1.alive ? srv1.cpu_s - srv0.cpu_s : -1;
    st->cpu_per_m = st->server_cpu_s >= 0 && ft->delivered
                        ? st->server_cpu_s / ((double)ft->delivered / 1e6) : -1;
    st->gen_cpu = (self1 - self0) / st->wall_s;
    /* Busy: the CPU it used during the whole step, less the time it spent in
     * the poller while waiting for a send time under a millisecond away. */
    st->gen_busy = ((self1 - self0) - (double)spin / 1e6) / st->wall_s;
    /* The generator's own lateness (part of every latency) is a good share of
     * p99: if it was busy, it was the limit; if it was mostly idle, something
     * else had its CPU (other processes, or the host: steal), and the step is
     * noisy, as it is when much of the machine's CPU was stolen. */
    {
        int late = st->lag_p99 > 2000 && st->lag_p99 > 0.2 * st->p99;
        st->noisy = st->steal > o->max_steal || (late && st->gen_busy < 0.5);
        st->gen_limited = !st->noisy && (st->gen_busy > 0.9 || late);
    }
    free(order);
}

/* ---- set-up ------------------------------------------------------------------- */

static int setup_target(ftarget *ft, bench_loop *loop, const fanout_opts *o, double *took)
{
    int64_t t0 = np_now_us(), deadline = t0 + (int64_t)(o->setup_s * 1e6);
    int ready, joined, synced;
    ready = bench_group_connect_all(&ft->g, ft->t->inflight ? ft->t->inflight : o->inflight,
                                    deadline, 0);
    joined = bench_group_join_all(&ft->g, deadline);
    synced = bench_group_sync(&ft->g, deadline);
    *took = (double)(np_now_us() - t0) / 1e6;
    printf("  %-16s %d of %d clients registered, %d joined %s, %d in sync, in %.1f s%s%s\n",
           ft->t->label, ready, ft->n, joined, o->channel, synced, *took,
           ft->g.errors ? "; first error: " : "", ft->g.errors ? ft->g.last_error : "");
    fflush(stdout);
    return joined >= 2 && synced == joined;
}

/* ---- results ------------------------------------------------------------------ */

static double median(double *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double x = v[j];
            v[j] = v[j - 1];
            v[j - 1] = x;
        }
    if (n == 0)
        return -1;
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void summarise(fanout_result *r, const fanout_opts *o)
{
    int nt = r->ntargets, nr = r->nrates;
    r->sum = calloc((size_t)(nt * nr), sizeof *r->sum);
    if (!r->sum)
        return;
    for (int ti = 0; ti < nt; ti++)
        for (int ri = 0; ri < nr; ri++) {
            fanout_summary *s = &r->sum[ti * nr + ri];
            double v[8][64];
            int k = 0;
            s->target = ti;
            s->rate_i = ri;
            s->rate = o->rates[ri];
            for (int i = 0; i < r->nsteps && k < 64; i++) {
                const fanout_step *st = &r->steps[i];
                if (st->target != ti || st->rate_i != ri || !st->ran)
                    continue;
                v[0][k] = st->offered;
                v[1][k] = st->achieved;
                v[2][k] = st->p50;
                v[3][k] = st->p99;
                v[4][k] = st->max;
                v[5][k] = st->cpu_per_m;
                v[6][k] = st->gen_busy;
                v[7][k] = st->steal;
                s->lost += st->lost;
                s->dup += st->dup;
                s->reordered += st->reordered;
                s->late += st->late;
                s->saturated |= st->saturated;
                s->gen_limited |= st->gen_limited;
                s->noisy |= st->noisy;
                k++;
            }
            s->rounds = k;
            s->offered = median(v[0], k);
            s->achieved = median(v[1], k);
            s->p50 = median(v[2], k);
            s->p99 = median(v[3], k);
            s->max = median(v[4], k);
            s->cpu_per_m = median(v[5], k);
            s->gen_busy = median(v[6], k);
            s->steal = median(v[7], k);
        }
    for (int ti = 0; ti < nt; ti++) {
        r->saturation[ti] = -1;
        for (int ri = 0; ri < nr; ri++) {
            const fanout_summary *s = &r->sum[ti * nr + ri];
            if (s->rounds == 0 || s->saturated || s->lost || s->p99 > o->p99_limit_ms * 1000)
                break;
            r->saturation[ti] = s->offered;
        }
    }
}

const fanout_summary *fanout_find(const fanout_result *r, int target, int rate_i)
{
    if (!r->sum || target < 0 || target >= r->ntargets || rate_i < 0 || rate_i >= r->nrates)
        return NULL;
    return r->sum[target * r->nrates + rate_i].rounds ? &r->sum[target * r->nrates + rate_i]
                                                      : NULL;
}

static void print_step(const bench_target *t, const fanout_step *st)
{
    char a[16], b[16], c[16], d[16], e[16], f[16], g[16];
    if (!st->ran)
        return;
    printf("  r%d %5g/s %-16s offered %7s achieved %7s p50 %7s p99 %7s max %7s lost %llu dup %llu"
           " reord %llu late %llu cpu/M %s gen %.0f%% lag %s steal %.0f%%%s%s%s\n",
           st->round + 1, st->rate, t->label, fmt_count(a, sizeof a, st->offered),
           fmt_count(b, sizeof b, st->achieved), fmt_us(c, sizeof c, st->p50),
           fmt_us(d, sizeof d, st->p99), fmt_us(e, sizeof e, st->max),
           (unsigned long long)st->lost, (unsigned long long)st->dup,
           (unsigned long long)st->reordered, (unsigned long long)st->late,
           st->cpu_per_m >= 0 ? (snprintf(f, sizeof f, "%.2fs", st->cpu_per_m), f) : "-",
           st->gen_busy * 100, fmt_us(g, sizeof g, st->lag_p99), st->steal * 100,
           st->saturated ? " SATURATED" : "", st->gen_limited ? " GEN-LIMITED" : "",
           st->noisy ? " NOISY" : "");
    if (st->corrupt || st->stale)
        printf("      (%llu malformed lines, %llu from an earlier step)\n",
               (unsigned long long)st->corrupt, (unsigned long long)st->stale);
    fflush(stdout);
}

static void print_table(const bench_target *t, const fanout_result *r, const fanout_opts *o)
{
    char a[16], b[16], c[16], d[16], e[16], f[16];
    printf("\nfanout: %d rounds x %d rates, %.0f s each, %d-byte lines sent (medians over the rounds)\n",
           o->rounds, o->nrates, o->seconds, o->size);
    printf("%-16s %6s %5s %9s %9s %8s %8s %8s %8s %6s %6s %6s %5s %5s  %s\n", "server",
           "msg/s", "N", "offered/s", "achieved", "p50", "p99", "max", "cpu/M", "lost", "dup",
           "reord", "gen", "steal", "flags");
    for (int ti = 0; ti < r->ntargets; ti++)
        for (int ri = 0; ri < r->nrates; ri++) {
            const fanout_summary *s = fanout_find(r, ti, ri);
            int clients = 0;
            if (!s) {
                printf("%-16s %6g %5s %9s   (not run: saturated at a lower rate, or unavailable)\n",
                       t[ti].label, o->rates[ri], "-", "-");
                continue;
            }
            for (int i = 0; i < r->nsteps; i++)
                if (r->steps[i].target == ti && r->steps[i].rate_i == ri && r->steps[i].ran)
                    clients = r->steps[i].clients;
            printf("%-16s %6g %5d %9s %9s %8s %8s %8s %8s %6llu %6llu %6llu %4.0f%% %4.0f%%  %s%s%s\n",
                   t[ti].label, s->rate, clients, fmt_count(a, sizeof a, s->offered),
                   fmt_count(b, sizeof b, s->achieved), fmt_us(c, sizeof c, s->p50),
                   fmt_us(d, sizeof d, s->p99), fmt_us(e, sizeof e, s->max),
                   s->cpu_per_m >= 0 ? (snprintf(f, sizeof f, "%.3fs", s->cpu_per_m), f) : "-",
                   (unsigned long long)s->lost, (unsigned long long)s->dup,
                   (unsigned long long)s->reordered, s->gen_busy * 100, s->steal * 100,
                   s->saturated ? "saturated " : "", s->gen_limited ? "generator-limited " : "",
                   s->noisy ? "noisy" : "");
        }
    for (int ti = 0; ti < r->ntargets; ti++) {
        printf("  %s: saturation %s deliveries/s (highest rate with p99 <= %g ms, nothing lost)",
               t[ti].label, fmt_count(a, sizeof a, r->saturation[ti]), o->p99_limit_ms);
        if (t[ti].note[0])
            printf("; %s", t[ti].note);
        printf("\n");
    }
    printf("  cpu/M: server CPU seconds per million deliveries; gen: the generator's busy CPU;\n"
           "  lag: how late the generator sent (part of each latency). generator-limited: busy\n"
           "  over 90%%, or lag p99 over 2 ms and over a fifth of p99: natter-bench, not the\n"
           "  server, set that figure. steal: CPU time the virtual machine's host took (from\n"
           "  /proc/stat). noisy: over %.0f%% stolen, or sends late while natter-bench was mostly\n"
           "  idle (another process had its CPU); such a step is run again (up to %d times)\n"
           "  and the least stolen run kept; flagged if even that one was disturbed\n",
           o->max_steal * 100, o->retries);
}

static void print_json(const bench_target *t, const fanout_result *r, const fanout_opts *o)
{
    jbuf j;
    j_open(&j);
    j_str(&j, "scenario", "fanout");
    j_int(&j, "clients", o->clients);
    j_num(&j, "seconds", o->seconds);
    j_int(&j, "rounds", o->rounds);
    j_int(&j, "size", o->size);
    j_arr(&j, "targets");
    for (int ti = 0; ti < r->ntargets; ti++) {
        j_obj(&j, NULL);
        j_str(&j, "label", t[ti].label);
        j_int(&j, "registered", r->registered[ti]);
        j_num(&j, "setup_s", r->setup_s[ti]);
        j_num(&j, "saturation", r->saturation[ti]);
        j_str(&j, "note", t[ti].note);
        j_close_obj(&j);
    }
    j_close_arr(&j);
    j_arr(&j, "summary");
    for (int ti = 0; ti < r->ntargets; ti++)
        for (int ri = 0; ri < r->nrates; ri++) {
            const fanout_summary *s = fanout_find(r, ti, ri);
            if (!s)
                continue;
            j_obj(&j, NULL);
            j_str(&j, "label", t[ti].label);
            j_num(&j, "rate", s->rate);
            j_int(&j, "rounds", s->rounds);
            j_num(&j, "offered", s->offered);
            j_num(&j, "achieved", s->achieved);
            j_num(&j, "p50_us", s->p50);
            j_num(&j, "p99_us", s->p99);
            j_num(&j, "max_us", s->max);
            j_num(&j, "cpu_s_per_m", s->cpu_per_m);
            j_num(&j, "gen_busy", s->gen_busy);
            j_int(&j, "lost", (long long)s->lost);
            j_int(&j, "dup", (long long)s->dup);
            j_int(&j, "reordered", (long long)s->reordered);
            j_int(&j, "late", (long long)s->late);
            j_int(&j, "saturated", s->saturated);
            j_int(&j, "gen_limited", s->gen_limited);
            j_num(&j, "steal", s->steal);
            j_int(&j, "noisy", s->noisy);
            j_close_obj(&j);
        }
    j_close_arr(&j);
    j_arr(&j, "steps");
    for (int i = 0; i < r->nsteps; i++) {
        const fanout_step *st = &r->steps[i];
        if (!st->ran)
            continue;
        j_obj(&j, NULL);
        j_str(&j, "label", t[st->target].label);
        j_int(&j, "round", st->round + 1);
        j_num(&j, "rate", st->rate);
        j_int(&j, "clients", st->clients);
        j_num(&j, "offered", st->offered);
        j_num(&j, "achieved", st->achieved);
        j_num(&j, "p50_us", st->p50);
        j_num(&j, "p99_us", st->p99);
        j_num(&j, "p999_us", st->p999);
        j_num(&j, "max_us", st->max);
        j_num(&j, "lag_p99_us", st->lag_p99);
        j_int(&j, "sent", (long long)st->sent);
        j_int(&j, "expected", (long long)st->expected);
        j_int(&j, "delivered", (long long)st->delivered);
        j_int(&j, "lost", (long long)st->lost);
        j_int(&j, "dup", (long long)st->dup);
        j_int(&j, "reordered", (long long)st->reordered);
        j_int(&j, "late", (long long)st->late);
        j_int(&j, "malformed", (long long)st->corrupt);
        j_num(&j, "server_cpu_s", st->server_cpu_s);
        j_num(&j, "cpu_s_per_m", st->cpu_per_m);
        j_num(&j, "gen_cpu", st->gen_cpu);
        j_num(&j, "gen_busy", st->gen_busy);
        j_int(&j, "saturated", st->saturated);
        j_int(&j, "gen_limited", st->gen_limited);
        j_num(&j, "steal", st->steal);
        j_int(&j, "noisy", st->noisy);
        j_int(&j, "tries", st->tries);
        j_close_obj(&j);
    }
    j_close_arr(&j);
    j_int(&j, "errors", r->errors);
    j_int(&j, "failed", r->failed);
    j_print(&j);
}

/* ---- the run ------------------------------------------------------------------ */

int fanout_run(const bench_target *t, int nt, const fanout_opts *o, fanout_result *r)
{
    fanout_run_ctx F;
    ftarget *ft = calloc((size_t)nt, sizeof *ft);
    bench_loop *loop = NULL;
    int head_len;

    memset(r, 0, sizeof *r);
    memset(&F, 0, sizeof F);
    F.o = o;
    F.rng = bench_rng_seed(o->seed);
    head_len = snprintf(F.head, sizeof F.head, "PRIVMSG %s :", o->channel);
    F.head_len = (size_t)head_len;
    F.text_len = (size_t)o->size - 2 - F.head_len;
    r->ntargets = nt;
    r->nrates = o->nrates;
    r->nsteps = o->rounds * o->nrates * nt;
    r->steps = calloc((size_t)(r->nsteps > 0 ? r->nsteps : 1), sizeof *r->steps);
    r->registered = calloc((size_t)nt + 1, sizeof *r->registered);
    r->setup_s = calloc((size_t)nt + 1, sizeof *r->setup_s);
    r->saturation = calloc((size_t)nt + 1, sizeof *r->saturation);
    if (!ft || !r->steps || !r->registered || !r->setup_s || !r->saturation ||
        bench_loop_open(&loop) != NP_OK) {
        fprintf(stderr, "natter-bench: out of memory\n");
        free(ft);
        r->failed = 1;
        return 1;
    }
    if ((size_t)o->size < F.head_len + 40) {
        fprintf(stderr, "natter-bench: --size %d is too small for the payload\n", o->size);
        r->failed = 1;
        free(ft);
        bench_loop_close(loop);
        return 1;
    }

    printf("fanout: %d server(s); registering and joining %s\n", nt, o->channel);
    F.epoch_us = np_now_us();
    for (int i = 0; i < nt; i++) {
        ftarget *x = &ft[i];
        x->F = &F;
        x->t = &t[i];
        x->idx = i;
        x->n = t[i].clients > 0 ? t[i].clients : o->clients;
        x->track = calloc((size_t)x->n * (size_t)x->n, sizeof *x->track);
        x->seq = calloc((size_t)x->n, sizeof *x->seq);
        if (!x->track || !x->seq ||
            bench_group_init(&x->g, loop, t[i].label, &t[i].addr, x->n, "f", o->channel,
                             &hooks, x) != NP_OK) {
            fprintf(stderr, "natter-bench: out of memory for %d clients\n", x->n);
            x->gone = 1;
            r->failed = 1;
            continue;
        }
        if (!setup_target(x, loop, o, &r->setup_s[i])) {
            x->gone = 1;
            r->failed = 1;
            r->errors++;
        } else if (x->g.joined < x->n) {
            /* It runs with the clients it took, but that is a failure too. */
            printf("  %s: only %d of %d clients joined within %.0f s\n", t[i].label,
                   x->g.joined, x->n, o->setup_s);
            r->failed = 1;
        }
        r->registered[i] = x->g.ready;
    }

    for (int round = 0, si = 0; round < o->rounds; round++)
        for (int ri = 0; ri < o->nrates; ri++)
            for (int i = 0; i < nt; i++, si++) {
                ftarget *x = &ft[i];
                fanout_step *st = &r->steps[si];
                if (x->gone || (x->limit_rate > 0 && o->rates[ri] > x->limit_rate)) {
                    st->target = i;
                    st->rate_i = ri;
                    st->round = round;
                    st->rate = o->rates[ri];
                    continue;
                }
                run_step(x, loop, o->rates[ri], st);
                st->tries = 1;
                for (fanout_step last = *st; last.noisy && !st->lost && st->tries <= o->retries;) {
                    /* The machine was taken from us for a while: again, and
                     * keep the least disturbed run (the sequence numbers go on). */
                    int tries = st->tries + 1;
                    printf("  (%s at %g/s: disturbed, %.0f%% of the CPU stolen by the host, sends"
                           " %.1f ms late at p99; again)\n",
                           t[i].label, o->rates[ri], last.steal * 100, last.lag_p99 / 1000);
                    run_step(x, loop, o->rates[ri], &last);
                    if (!last.noisy || last.steal < st->steal || last.lost)
                        *st = last;
                    st->tries = tries;
                }
                st->round = round;
                st->rate_i = ri;
                print_step(&t[i], st);
                if (st->saturated && (x->limit_rate == 0 || o->rates[ri] < x->limit_rate))
                    x->limit_rate = o->rates[ri];
                if (st->lost || st->dup || st->reordered || st->corrupt)
                    r->failed = 1;
                if (st->lost) {
                    /* Still behind after settling: what it owes would spill
                     * into the others' steps. */
                    printf("  %s: still %llu deliveries behind after %.0f s; leaving it out\n",
                           t[i].label, (unsigned long long)st->lost, o->drain_s + o->settle_s);
                    bench_group_drop_all(&x->g);
                    x->gone = 1;
                }
                /* A short quiet gap between steps. */
                for (int64_t until = np_now_us() + 200000; np_now_us() < until;)
                    bench_loop_run(loop, 20);
            }

    for (int i = 0; i < nt; i++) {
        r->errors += ft[i].g.errors;
        if (ft[i].g.errors)
            printf("  %s: %ld client errors; first: %s\n", t[i].label, ft[i].g.errors,
                   ft[i].g.last_error);
    }
    if (r->errors)
        r->failed = 1;
    summarise(r, o);
    print_table(t, r, o);
    print_json(t, r, o);

    for (int i = 0; i < nt; i++) {
        bench_group_free(&ft[i].g);
        free(ft[i].track);
        free(ft[i].seq);
    }
    free(ft);
    bench_loop_close(loop);
    return r->failed;
}

void fanout_result_free(fanout_result *r)
{
    free(r->steps);
    free(r->sum);
    free(r->registered);
    free(r->setup_s);
    free(r->saturation);
    memset(r, 0, sizeof *r);
}
