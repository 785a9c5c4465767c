/* idle: N clients connect and register (NICK + USER, then 001) as fast as the
 * server lets them, pipelined (many non-blocking connects in flight), and
 * then sit idle. Figures: the wall time until all N are registered (and the
 * rate), each client's connect -> 001 time, and the server's resident memory
 * per client: (VmRSS after - VmRSS before) / N, read after a settle delay with
 * all N still connected. Before reporting, every client must answer a PING:
 * a server that dropped some is not credited with their memory. */
#include "scenarios.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_group.h"
#include "latency_hist.h"
#include "proc_stats.h"
#include "report.h"

void idle_defaults(idle_opts *o)
{
    memset(o, 0, sizeof *o);
    o->clients = 10000;
    o->inflight = 100;
    o->settle_s = 2;
    o->timeout_s = 120;
}

static void settle(bench_loop *loop, double seconds)
{
    int64_t until = np_now_us() + (int64_t)(seconds * 1e6);
    while (np_now_us() < until)
        bench_loop_run(loop, 50);
}

static void print_result(const bench_target *t, int inflight, const idle_result *r)
{
    char a[16];
    printf("\nidle: %s\n", t->label);
    printf("  clients wanted %d, registered %d, still connected %d, errors %ld%s\n", r->wanted,
           r->registered, r->alive, r->errors, r->capped ? " (time cap reached)" : "");
    printf("  connect+register: all in %.3f s = %s clients/s; one client p50 %.2f ms p99 %.2f ms"
           " (%d in flight)\n",
           r->connect_s, fmt_count(a, sizeof a, r->rate), r->p50_ms, r->p99_ms, inflight);
    if (r->rss_per_client >= 0)
        printf("  server memory: VmRSS %ld -> %ld KiB = %.0f bytes per client (Pss %.0f bytes)\n",
               r->rss_before_kb, r->rss_after_kb, r->rss_per_client, r->pss_per_client);
    else
        printf("  server memory: not measured (no server pid)\n");
    if (t->note[0])
        printf("  note: %s\n", t->note);
}

static void print_json(const bench_target *t, int inflight, const idle_result *r)
{
    jbuf j;
    j_open(&j);
    j_str(&j, "scenario", "idle");
    j_str(&j, "label", t->label);
    j_int(&j, "wanted", r->wanted);
    j_int(&j, "registered", r->registered);
    j_int(&j, "alive", r->alive);
    j_int(&j, "errors", r->errors);
    j_int(&j, "capped", r->capped);
    j_int(&j, "inflight", inflight);
    j_num(&j, "connect_s", r->connect_s);
    j_num(&j, "rate", r->rate);
    j_num(&j, "p50_ms", r->p50_ms);
    j_num(&j, "p99_ms", r->p99_ms);
    j_int(&j, "rss_before_kb", r->rss_before_kb);
    j_int(&j, "rss_after_kb", r->rss_after_kb);
    j_num(&j, "rss_per_client", r->rss_per_client);
    j_num(&j, "pss_per_client", r->pss_per_client);
    j_str(&j, "note", t->note);
    j_print(&j);
}

int idle_run(const bench_target *t, const idle_opts *o, idle_result *r)
{
    bench_loop *loop = NULL;
    bench_group g;
    latency_hist *h = malloc(sizeof *h);
    proc_cost before, after;
    int64_t t0, last = 0, cap;
    int n = t->clients > 0 ? t->clients : o->clients;
    int inflight = t->inflight > 0 ? t->inflight : o->inflight;
    long limit = proc_raise_nofile();

    memset(r, 0, sizeof *r);
    r->wanted = n;
    r->rss_per_client = r->pss_per_client = -1;
    if (limit > 0 && limit < n + 64) {
        fprintf(stderr, "natter-bench: %d clients need %d descriptors; the limit is %ld"
                        " (raise the hard limit: ulimit -Hn)\n", n, n + 64, limit);
        free(h);
        return 1;
    }
    if (!h || bench_loop_open(&loop) != NP_OK ||
        bench_group_init(&g, loop, t->label, &t->addr, n, "i", NULL, NULL, NULL) != NP_OK) {
        fprintf(stderr, "natter-bench: out of memory\n");
        free(h);
        bench_loop_close(loop);
        return 1;
    }
    hist_reset(h);
    before = proc_cost_full(t->pid);
    t0 = np_now_us();
    cap = o->cap_s > 0 ? t0 + (int64_t)(o->cap_s * 1e6) : 0;
    bench_group_connect_all(&g, inflight, t0 + (int64_t)(o->timeout_s * 1e6), cap);
    for (int i = 0; i < n; i++) {
        const bench_client *c = &g.c[i];
        if (c->t_ready_us) {
            hist_add(h, c->t_ready_us - c->t_start_us);
            if (c->t_ready_us > last)
                last = c->t_ready_us;
        }
    }
    r->registered = g.ready;
    r->capped = cap && g.ready < n && np_now_us() >= cap;
    r->connect_s = last ? (double)(last - t0) / 1e6 : 0;
    r->rate = r->connect_s > 0 ? (double)r->registered / r->connect_s : 0;
    r->p50_ms = (double)hist_quantile(h, 0.5) / 1000;
    r->p99_ms = (double)hist_quantile(h, 0.99) / 1000;

    settle(loop, o->settle_s);
    after = proc_cost_full(t->pid);
    r->alive = bench_group_sync(&g, np_now_us() + 30 * 1000000LL);
    r->errors = g.errors;
    if (before.alive && after.alive && r->registered > 0) {
        r->rss_before_kb = before.rss_kb;
        r->rss_after_kb = after.rss_kb;
        r->pss_before_kb = before.pss_kb;
        r->pss_after_kb = after.pss_kb;
        r->rss_per_client = (double)(after.rss_kb - before.rss_kb) * 1024 / r->registered;
        r->pss_per_client = (double)(after.pss_kb - before.pss_kb) * 1024 / r->registered;
    }
    print_result(t, inflight, r);
    print_json(t, inflight, r);
    if (g.errors)
        printf("  first error: %s\n", g.last_error);
    bench_group_free(&g);
    bench_loop_close(loop);
    free(h);
    return r->errors || r->alive != r->registered || (!r->capped && r->registered != n);
}
