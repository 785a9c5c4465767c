/* libnatter engine: flood control, RecvQ, and the timers (idle PING, ping
 * timeout, registration timeout).
 *
 * Flood control is a virtual clock per client (as in ircd2 and ngircd): each
 * handled line pushes it one interval ahead; a line is handled at once while
 * the clock is less than `burst` intervals ahead of real time, otherwise it
 * waits in the client's RecvQ and a later tick handles it. So a client gets a
 * burst of `flood_burst` lines, then one line per `flood_interval_ms`, and
 * lines are never reordered (a PING behind a flood is answered in turn).
 * A RecvQ beyond `recvq_bytes` is persistent abuse: "Excess Flood". */
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

static int64_t flood_span(const nt_engine *e)
{
    return (int64_t)(e->cfg.flood_burst - 1) * e->cfg.flood_interval_ms;
}

/* The earliest time the head of c's queue may run. */
static int64_t flood_ready_at(const nt_engine *e, const nt_client *c)
{
    return c->flood_clock - flood_span(e);
}

static int flood_may_run(const nt_engine *e, nt_client *c, int64_t now)
{
    if (c->flood_clock < now)
        c->flood_clock = now;
    if (c->flood_clock > now + flood_span(e))
        return 0;
    c->flood_clock += e->cfg.flood_interval_ms;
    return 1;
}

static void flooded_add(nt_engine *e, nt_client *c)
{
    if (c->in_flood_list)
        return;
    if (e->nflooded == e->capflooded) {
        size_t ncap = e->capflooded ? e->capflooded * 2 : 16;
        nt_conn_id *n = realloc(e->flooded, ncap * sizeof *n);
        if (!n)
            return;              /* the line stays queued; the next scan retries */
        e->flooded = n;
        e->capflooded = ncap;
    }
    e->flooded[e->nflooded++] = c->id;
    c->in_flood_list = 1;
}

static void flooded_remove(nt_engine *e, nt_client *c)
{
    size_t i;
    if (!c->in_flood_list)
        return;
    for (i = 0; i < e->nflooded; i++) {
        if (e->flooded[i] == c->id) {
            e->flooded[i] = e->flooded[--e->nflooded];
            break;
        }
    }
    c->in_flood_list = 0;
}

void nt_flood_forget(nt_engine *e, nt_client *c)
{
    while (c->q_head) {
        nt_queued *q = c->q_head;
        c->q_head = q->next;
        free(q);
    }
    c->q_tail = NULL;
    c->q_bytes = 0;
    flooded_remove(e, c);
}

int nt_flood_admit(nt_engine *e, nt_client *c, const char *line, size_t len, int64_t now)
{
    nt_queued *q;
    if (!e->cfg.flood_limits)
        return 1;
    if (!c->q_head && flood_may_run(e, c, now))
        return 1;
    q = malloc(sizeof *q + len + 1);
    if (!q) {
        nt_client_quit(e, c, "Excess Flood", "Excess Flood", now);
        return 0;
    }
    q->next = NULL;
    q->len = len;
    memcpy(q->data, line, len);
    q->data[len] = '\0';
    if (c->q_tail)
        c->q_tail->next = q;
    else
        c->q_head = q;
    c->q_tail = q;
    c->q_bytes += len + 2;       /* count the line end the client sent too */
    if (c->q_bytes > e->cfg.recvq_bytes) {
        nt_client_quit(e, c, "Excess Flood", "Excess Flood", now);
        return 0;
    }
    flooded_add(e, c);
    return 0;
}

/* Handle c's oldest queued line. Handling it can remove any client (QUIT,
 * KILL), so c is looked up again by id: the result is c, or NULL if gone. */
static nt_client *flood_dispatch_next(nt_engine *e, nt_client *c, int64_t now)
{
    nt_conn_id id = c->id;
    nt_queued *q = c->q_head;
    c->q_head = q->next;
    if (!c->q_head)
        c->q_tail = NULL;
    c->q_bytes -= q->len + 2;
    nt_dispatch(e, c, q->data, q->len, now);
    free(q);
    return nt_imap_get(&e->clients, id);
}

/* Handle every queued line whose turn has come. Handling a line can remove
 * any client (QUIT, KILL), so clients are looked up again by id each time. */
void nt_flood_run(nt_engine *e, int64_t now)
{
    nt_conn_id *ids;
    size_t n = e->nflooded, i;
    if (!n)
        return;
    ids = malloc(n * sizeof *ids);
    if (!ids)
        return;
    memcpy(ids, e->flooded, n * sizeof *ids);
    for (i = 0; i < n; i++) {
        nt_client *c = nt_imap_get(&e->clients, ids[i]);
        while (c && c->q_head && flood_may_run(e, c, now))
            c = flood_dispatch_next(e, c, now);
        if (c && !c->q_head)
            flooded_remove(e, c);
    }
    free(ids);
}

void nt_flood_drain(nt_engine *e, nt_conn_id id, int64_t now)
{
    nt_client *c = nt_imap_get(&e->clients, id);
    while (c && c->q_head)
        c = flood_dispatch_next(e, c, now);
    if (c)
        flooded_remove(e, c);
}

int64_t nt_flood_next(const nt_engine *e)
{
    int64_t best = -1;
    size_t i;
    for (i = 0; i < e->nflooded; i++) {
        const nt_client *c = nt_imap_get(&e->clients, e->flooded[i]);
        int64_t t;
        if (!c)
            continue;
        t = flood_ready_at(e, c);
        if (best < 0 || t < best)
            best = t;
    }
    return best;
}

/* ---- timers -------------------------------------------------------------- */

/* c's next deadline (registration, idle PING or ping timeout), or -1. */
int64_t nt_client_deadline(const nt_engine *e, const nt_client *c)
{
    if (!c->registered)
        return e->cfg.register_timeout_ms > 0 ? c->connected_ms + e->cfg.register_timeout_ms : -1;
    if (e->cfg.ping_interval_ms <= 0)
        return -1;
    if (c->ping_pending)
        return c->ping_sent_ms + (e->cfg.ping_timeout_ms > 0 ? e->cfg.ping_timeout_ms : 0);
    return c->last_active_ms + e->cfg.ping_interval_ms;
}

/* Returns 1 if c was dropped. */
static int client_timer(nt_engine *e, nt_client *c, int64_t now)
{
    int64_t due = nt_client_deadline(e, c);
    char why[64], secs[24];
    if (due < 0 || now < due)
        return 0;
    if (!c->registered) {
        nt_client_quit(e, c, "Registration timeout", "Registration timeout", now);
        return 1;
    }
    if (c->ping_pending) {
        nt_i64str((now - c->ping_sent_ms) / 1000, secs, sizeof secs);
        strcpy(why, "Ping timeout: ");
        strcat(why, secs);
        strcat(why, " seconds");
        nt_client_quit(e, c, why, why, now);
        return 1;
    }
    nt_sendf(e, c, "PING :%s", e->cfg.server_name);
    c->ping_pending = 1;
    c->ping_sent_ms = now;
    return 0;
}

/* A full scan, only when the earliest possible deadline has come: activity
 * only moves deadlines later, so e->next_scan is always a safe lower bound. */
void nt_timeouts_run(nt_engine *e, int64_t now)
{
    size_t i;
    int64_t next = -1;
    if (e->next_scan < 0 || now < e->next_scan)
        return;
    /* backwards: dropping client i moves the last one (already seen) into i */
    for (i = e->nall; i-- > 0;) {
        nt_client *c = e->all[i];
        int64_t due;
        if (client_timer(e, c, now))
            continue;
        due = nt_client_deadline(e, c);
        if (due >= 0 && (next < 0 || due < next))
            next = due;
    }
    e->next_scan = next;
}
