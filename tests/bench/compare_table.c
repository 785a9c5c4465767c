/* The comparison's table and JSON line (see compare_table.h). */
#include "compare_table.h"

#include <stdio.h>
#include <string.h>

#include "report.h"

typedef enum unit { U_US, U_COUNT, U_SECONDS, U_BYTES, U_CPU, U_NUM } unit;

typedef struct row {
    char figure[80];
    unit u;
    double v[SRV_COUNT];   /* -1: none */
    char mark[SRV_COUNT];  /* '*' generator-limited, '~' noisy host, or 0 */
} row;

#define MAX_ROWS 128

typedef struct table {
    row rows[MAX_ROWS];
    int n;
} table;

static row *add_row(table *t, unit u, const char *figure)
{
    row *r;
    if (t->n >= MAX_ROWS)
        return NULL;
    r = &t->rows[t->n++];
    snprintf(r->figure, sizeof r->figure, "%s", figure);
    r->u = u;
    for (int i = 0; i < SRV_COUNT; i++)
        r->v[i] = -1;
    return r;
}

static const char *fmt_value(char *b, size_t len, unit u, double v)
{
    if (v < 0)
        return snprintf(b, len, "-"), b;
    switch (u) {
    case U_US:
        return fmt_us(b, len, v);
    case U_COUNT:
        return fmt_count(b, len, v);
    case U_SECONDS:
        snprintf(b, len, "%.2fs", v);
        return b;
    case U_BYTES:
        snprintf(b, len, "%.0fB", v);
        return b;
    case U_CPU:
        snprintf(b, len, "%.3fs", v);
        return b;
    default:
        snprintf(b, len, "%.0f", v);
        return b;
    }
}

static void build(const cmp_report *r, table *t)
{
    const fanout_result *fr = r->fr;
    row *x;
    if (fr) {
        for (int ri = 0; ri < r->fo->nrates; ri++) {
            char name[5][64];
            row *p50, *p99, *max, *ach, *cpu;
            snprintf(name[0], sizeof name[0], "fanout %g/s: p50", r->fo->rates[ri]);
            snprintf(name[1], sizeof name[1], "fanout %g/s: p99", r->fo->rates[ri]);
            snprintf(name[2], sizeof name[2], "fanout %g/s: max", r->fo->rates[ri]);
            snprintf(name[3], sizeof name[3], "fanout %g/s: deliveries/s", r->fo->rates[ri]);
            snprintf(name[4], sizeof name[4], "fanout %g/s: CPU s per M", r->fo->rates[ri]);
            p50 = add_row(t, U_US, name[0]);
            p99 = add_row(t, U_US, name[1]);
            max = add_row(t, U_US, name[2]);
            ach = add_row(t, U_COUNT, name[3]);
            cpu = add_row(t, U_CPU, name[4]);
            for (int s = 0; s < SRV_COUNT; s++) {
                const fanout_summary *m = fanout_find(fr, r->fanout_index[s], ri);
                if (!m || !p50 || !p99 || !max || !ach || !cpu)
                    continue;
                p50->v[s] = m->p50;
                p99->v[s] = m->p99;
                max->v[s] = m->max;
                ach->v[s] = m->achieved;
                cpu->v[s] = m->cpu_per_m;
                p50->mark[s] = p99->mark[s] = max->mark[s] = ach->mark[s] = cpu->mark[s] =
                    m->noisy ? '~' : m->gen_limited ? '*' : 0;
            }
        }
        if ((x = add_row(t, U_COUNT, "fanout saturation, deliveries/s")))
            for (int s = 0; s < SRV_COUNT; s++)
                if (r->fanout_index[s] >= 0)
                    x->v[s] = fr->saturation[r->fanout_index[s]];
        if ((x = add_row(t, U_NUM, "fanout lost+dup+reordered")))
            for (int s = 0; s < SRV_COUNT; s++)
                if (r->fanout_index[s] >= 0) {
                    double bad = 0;
                    for (int ri = 0; ri < fr->nrates; ri++) {
                        const fanout_summary *m = fanout_find(fr, r->fanout_index[s], ri);
                        if (m)
                            bad += (double)(m->lost + m->dup + m->reordered);
                    }
                    x->v[s] = bad;
                }
    }
    {
        row *n = add_row(t, U_NUM, "idle: clients registered");
        row *sec = add_row(t, U_SECONDS, "idle: connect+register, all");
        row *rate = add_row(t, U_COUNT, "idle: clients/s");
        row *p99 = add_row(t, U_US, "idle: one client's 001, p99");
        row *rss = add_row(t, U_BYTES, "idle: RSS per client");
        row *pss = add_row(t, U_BYTES, "idle: Pss per client");
        char name[2][64];
        row *storm, *storm99;
        snprintf(name[0], sizeof name[0], "idle, %d in flight: all", r->storm_inflight);
        snprintf(name[1], sizeof name[1], "idle, %d in flight: 001 p99", r->storm_inflight);
        storm = add_row(t, U_SECONDS, name[0]);
        storm99 = add_row(t, U_US, name[1]);
        for (int s = 0; s < SRV_COUNT && n && sec && rate && p99 && rss && pss; s++)
            if (r->idle_ran[s]) {
                n->v[s] = r->idle[s].registered;
                sec->v[s] = r->idle[s].connect_s;
                rate->v[s] = r->idle[s].rate;
                p99->v[s] = r->idle[s].p99_ms * 1000;
                rss->v[s] = r->idle[s].rss_per_client;
                pss->v[s] = r->idle[s].pss_per_client;
            }
        for (int s = 0; s < SRV_COUNT && storm && storm99; s++)
            if (r->storm_ran[s]) {
                storm->v[s] = r->storm[s].connect_s;
                storm99->v[s] = r->storm[s].p99_ms * 1000;
            }
    }
    {
        row *ses = add_row(t, U_NUM, "churn: sessions/s");
        row *bad = add_row(t, U_NUM, "churn: lost+dup+reord+errors");
        for (int s = 0; s < SRV_COUNT && ses && bad; s++)
            if (r->churn_ran[s]) {
                const churn_result *c = &r->churn[s];
                ses->v[s] = c->sessions_per_s;
                bad->v[s] = (double)(c->lost + c->dup + c->reordered + c->outside + c->errors);
            }
    }
}

void cmp_table_print(const cmp_report *r)
{
    static table t;
    char a[24], b[24];
    jbuf j;
    memset(&t, 0, sizeof t);
    build(r, &t);

    printf("\n==== natterd side by side: %s\n", r->machine);
    printf("     %s; ratios (in brackets) are to natterd-event, the last column is"
           " natterd-event / reference\n",
           r->pinned ? "servers on CPU 0, natter-bench on CPU 1" : "NOT pinned (fewer than 2 CPUs)");
    printf("%-32s", "figure");
    for (int s = 0; s < SRV_COUNT; s++)
        if (r->srv[s].up)
            printf(" %17s", r->srv[s].label);
    printf(" %9s\n", "event/ref");
    for (int i = 0; i < t.n; i++) {
        const row *x = &t.rows[i];
        double ev = x->v[SRV_EVENT];
        printf("%-32s", x->figure);
        for (int s = 0; s < SRV_COUNT; s++) {
            char cell[40];
            double q = ratio_of(x->v[s], ev);
            if (!r->srv[s].up)
                continue;
            char mark[2] = { x->mark[s], 0 };
            if (x->v[s] < 0)
                snprintf(cell, sizeof cell, "-");
            else if (s != SRV_EVENT && q >= 0)
                snprintf(cell, sizeof cell, "%s%s (%.2f)", fmt_value(a, sizeof a, x->u, x->v[s]),
                         mark, q);
            else
                snprintf(cell, sizeof cell, "%s%s", fmt_value(a, sizeof a, x->u, x->v[s]), mark);
            printf(" %17s", cell);
        }
        {
            double q = ratio_of(ev, x->v[SRV_REF]);
            printf(" %9s\n", q >= 0 ? (snprintf(b, sizeof b, "%.2f", q), b) : "-");
        }
    }
    if (r->echo_ran) {
        const cmp_echo_result *e = &r->echo;
        printf("\necho, user-space instructions per round trip (callgrind, the loop only,"
               " (I(2R)-I(R))/R, R=%ld;\n  the kernel's send/recv work is not counted):\n",
               e->rounds);
        if (e->ok) {
            printf("  libnp %.1f, raw send/recv %.1f: np/raw = %.3f (%+.1f%%)\n", e->ir_np,
                   e->ir_raw, e->ratio, (e->ratio - 1) * 100);
            printf("  wall time per round trip (noisy): libnp %.2f us, raw %.2f us\n", e->us_np,
                   e->us_raw);
            printf("  where libnp's go (own instructions per round trip):\n");
            for (int i = 0; i < e->nwhere_np && i < 12; i++)
                printf("    %8.1f  %s\n", e->where_np[i].ir, e->where_np[i].fn);
            printf("  and the raw loop's:\n");
            for (int i = 0; i < e->nwhere_raw && i < 8; i++)
                printf("    %8.1f  %s\n", e->where_raw[i].ir, e->where_raw[i].fn);
        } else {
            printf("  not measured: %s\n", e->why);
        }
    }
    printf("\nNotes:\n");
    for (int s = 0; s < SRV_COUNT; s++) {
        if (!r->srv[s].wanted)
            continue;
        if (!r->srv[s].up)
            printf("  %s: not run: %s\n", r->srv[s].label, r->srv[s].why_not);
        else
            printf("  %s: %s%s%s\n", r->srv[s].label, r->srv[s].limits,
                   r->srv[s].t.note[0] ? "; " : "", r->srv[s].t.note);
    }
    printf("  lower is better for latency, CPU, time and memory; higher for deliveries/s,\n"
           "  saturation, clients/s and sessions/s. Figures are medians over the rounds;\n"
           "  * marks a figure natter-bench limited in some round (it was busy and late to\n"
           "  send), ~ one the machine disturbed (CPU stolen by the host, or taken by other\n"
           "  processes) even on retry.\n");

    j_open(&j);
    j_str(&j, "scenario", "compare");
    j_str(&j, "machine", r->machine);
    j_int(&j, "pinned", r->pinned);
    j_arr(&j, "servers");
    for (int s = 0; s < SRV_COUNT; s++) {
        if (!r->srv[s].wanted)
            continue;
        j_obj(&j, NULL);
        j_str(&j, "label", r->srv[s].label);
        j_int(&j, "up", r->srv[s].up);
        j_str(&j, "config", r->srv[s].limits);
        j_str(&j, "note", r->srv[s].up ? r->srv[s].t.note : r->srv[s].why_not);
        j_close_obj(&j);
    }
    j_close_arr(&j);
    j_arr(&j, "rows");
    for (int i = 0; i < t.n; i++) {
        const row *x = &t.rows[i];
        j_obj(&j, NULL);
        j_str(&j, "figure", x->figure);
        for (int s = 0; s < SRV_COUNT; s++)
            if (r->srv[s].up && x->v[s] >= 0)
                j_num(&j, r->srv[s].label, x->v[s]);
        j_num(&j, "event_vs_reference", ratio_of(x->v[SRV_EVENT], x->v[SRV_REF]));
        j_close_obj(&j);
    }
    j_close_arr(&j);
    if (r->echo_ran && r->echo.ok) {
        j_obj(&j, "echo");
        j_int(&j, "rounds", r->echo.rounds);
        j_num(&j, "ir_np", r->echo.ir_np);
        j_num(&j, "ir_raw", r->echo.ir_raw);
        j_num(&j, "ratio", r->echo.ratio);
        j_num(&j, "us_np", r->echo.us_np);
        j_num(&j, "us_raw", r->echo.us_raw);
        j_close_obj(&j);
    }
    j_print(&j);
}
