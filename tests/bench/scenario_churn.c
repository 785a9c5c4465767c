/* churn: clients that never stop coming and going, watched.
 *
 * Watchers join the channel first and stay for the whole run. Churners loop:
 * connect, register, JOIN, send a few numbered messages ("c IDX SESSION SEQ")
 * a little apart, PART, QUIT, wait for the server to close, and again at
 * once. Every watcher must see every churner's JOIN before its messages,
 * every message of every session exactly once and in order, and its PART
 * after them: lost, duplicated, reordered and out-of-membership messages are
 * counted, as are the clients' errors (refused, dropped, ERROR), and all must
 * be zero. Churners check what they receive from each other for duplicates
 * and order too (their presence overlaps, so not for loss). */
#include "scenarios.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_rng.h"
#include "client_group.h"
#include "report.h"
#include "seq_check.h"

#define CHANNEL "#churn"

enum { CH_WAIT, CH_REGISTER, CH_JOIN, CH_CHAT, CH_PART, CH_QUIT };

typedef struct churner {
    int phase;
    int64_t next_us;
    unsigned gen;           /* its session number */
    unsigned seq, quota;    /* sent this session, to send */
    long sent;              /* in all sessions */
} churner;

/* What one receiver knows of one churner. */
typedef struct view {
    int in;                 /* the churner is in the channel (watchers) */
    unsigned gen;
    seq_track t;
    long got;               /* messages received, all sessions */
} view;

typedef struct churn_ctx {
    const churn_opts *o;
    bench_group w, c;
    churner *ch;
    view *wv;               /* [watcher * churners + churner] */
    view *cv;               /* [churner * churners + churner] */
    uint64_t rng;
    int stopping;
    long sessions, delivered, dup, reordered, outside, errors;
    char first_error[200];
} churn_ctx;

void churn_defaults(churn_opts *o)
{
    memset(o, 0, sizeof *o);
    o->churners = 50;
    o->watchers = 5;
    o->seconds = 10;
    o->msgs_min = 3;
    o->msgs_max = 12;
    o->interval_ms = 20;
    o->drain_s = 5;
    o->seed = 1;
}

static unsigned rnd(churn_ctx *x, unsigned lo, unsigned hi)
{
    return lo + (unsigned)(bench_rng_next(&x->rng) >> 33) % (hi - lo + 1);
}

static void note_error(churn_ctx *x, const char *who, const char *line, size_t len,
                       const char *what)
{
    if (x->errors++ == 0)
        snprintf(x->first_error, sizeof x->first_error, "%s: %s: %.*s", who, what,
                 (int)(len > 120 ? 120 : len), line);
}

/* The churner a nick names ("c00012" -> 12), or -1. */
static int churner_of(const churn_ctx *x, const irc_lite *m)
{
    int k = 0;
    if (!m->nick || m->nick_len < 2 || m->nick[0] != 'c')
        return -1;
    for (size_t i = 1; i < m->nick_len; i++) {
        if (m->nick[i] < '0' || m->nick[i] > '9')
            return -1;
        k = k * 10 + (m->nick[i] - '0');
    }
    return k < x->o->churners ? k : -1;
}

/* "c IDX GEN SEQ": 1 if the text is one of ours. */
static int parse_text(const irc_lite *m, int *k, unsigned *gen, unsigned *seq)
{
    char buf[64];
    if (!m->text || m->text_len >= sizeof buf)
        return 0;
    memcpy(buf, m->text, m->text_len);
    buf[m->text_len] = '\0';
    return sscanf(buf, "c %d %u %u", k, gen, seq) == 3;
}

/* A message of churner k's session gen, number seq, as seen through v. */
static void account(churn_ctx *x, view *v, unsigned gen, unsigned seq, int count_loss)
{
    seq_verdict verdict;
    if (gen < v->gen) {
        x->reordered++;
        return;
    }
    if (gen > v->gen) {
        v->gen = gen;
        memset(&v->t, 0, sizeof v->t);
    }
    verdict = seq_check(&v->t, seq);
    if (verdict == SEQ_DUPLICATE) {
        x->dup++;
        return;
    }
    if (verdict == SEQ_REORDERED)
        x->reordered++;
    v->got++;
    if (count_loss)
        x->delivered++;
}

static void watcher_msg(bench_client *c, const irc_lite *m, const char *line, size_t len,
                        int64_t now_us)
{
    churn_ctx *x = c->g->ctx;
    int k = churner_of(x, m), k2;
    unsigned gen, seq;
    view *v;
    (void)now_us;
    if (k < 0)
        return;   /* a watcher's own JOIN, numerics */
    v = &x->wv[(size_t)c->index * (size_t)x->o->churners + (size_t)k];
    if (irc_lite_is(m, "JOIN")) {
        if (v->in)
            note_error(x, c->nick, line, len, "JOIN of a member");
        v->in = 1;
    } else if (irc_lite_is(m, "PART")) {
        if (!v->in)
            note_error(x, c->nick, line, len, "PART of a non-member");
        v->in = 0;
    } else if (irc_lite_is(m, "QUIT")) {
        v->in = 0;
    } else if (irc_lite_is(m, "PRIVMSG")) {
        if (!parse_text(m, &k2, &gen, &seq) || k2 != k) {
            note_error(x, c->nick, line, len, "malformed message");
            return;
        }
        if (!v->in) {
            x->outside++;
            note_error(x, c->nick, line, len, "message from outside the channel");
        }
        account(x, v, gen, seq, 1);
    }
}

static void send_next(churn_ctx *x, bench_client *c, churner *ch)
{
    char line[96];
    int n = snprintf(line, sizeof line, "PRIVMSG " CHANNEL " :c %d %u %u\r\n", c->index,
                     ch->gen, ++ch->seq);
    ch->sent++;
    bench_client_send(c, line, (size_t)n);
    (void)x;
}

static void churner_ready(bench_client *c)
{
    churn_ctx *x = c->g->ctx;
    x->ch[c->index].phase = CH_JOIN;
    bench_client_join(c);
}

static void churner_joined(bench_client *c)
{
    churn_ctx *x = c->g->ctx;
    churner *ch = &x->ch[c->index];
    ch->phase = CH_CHAT;
    ch->seq = 0;
    ch->quota = x->stopping ? 0 : rnd(x, (unsigned)x->o->msgs_min, (unsigned)x->o->msgs_max);
    ch->next_us = np_now_us();
}

static void churner_msg(bench_client *c, const irc_lite *m, const char *line, size_t len,
                        int64_t now_us)
{
    churn_ctx *x = c->g->ctx;
    churner *ch = &x->ch[c->index];
    int k = churner_of(x, m), k2;
    unsigned gen, seq;
    (void)now_us;
    if (irc_lite_is(m, "PART") && k == c->index && ch->phase == CH_PART) {
        ch->phase = CH_QUIT;
        x->sessions++;
        bench_client_quit(c);
        return;
    }
    if (k < 0 || k == c->index || !irc_lite_is(m, "PRIVMSG"))
        return;
    if (!parse_text(m, &k2, &gen, &seq) || k2 != k) {
        note_error(x, c->nick, line, len, "malformed message");
        return;
    }
    account(x, &x->cv[(size_t)c->index * (size_t)x->o->churners + (size_t)k], gen, seq, 0);
}

static void churner_gone(bench_client *c, np_err why)
{
    churn_ctx *x = c->g->ctx;
    churner *ch = &x->ch[c->index];
    ch->phase = CH_WAIT;
    /* After a failure (counted by the group) wait a little before again. */
    ch->next_us = np_now_us() + (why == NP_OK ? 0 : 100000);
}

static const group_hooks watcher_hooks = { NULL, NULL, watcher_msg, NULL };
static const group_hooks churner_hooks = { churner_ready, churner_joined, churner_msg,
                                           churner_gone };

/* Start connections and send what is due: between loop turns. */
static void tick(churn_ctx *x, int64_t now)
{
    for (int i = 0; i < x->o->churners; i++) {
        churner *ch = &x->ch[i];
        bench_client *c = &x->c.c[i];
        if (ch->phase == CH_WAIT && !x->stopping && now >= ch->next_us) {
            ch->gen = c->sessions + 1;
            ch->phase = CH_REGISTER;
            if (bench_client_start(c) != NP_OK) {
                ch->phase = CH_WAIT;
                ch->next_us = now + 100000;
            }
        } else if (ch->phase == CH_CHAT && now >= ch->next_us) {
            if (x->stopping && ch->seq < ch->quota)
                ch->quota = ch->seq;
            if (ch->seq < ch->quota) {
                send_next(x, c, ch);
                ch->next_us = now + x->o->interval_ms * 1000LL;
            } else {
                ch->phase = CH_PART;
                bench_client_part(c);
            }
        }
    }
}

static int all_parked(const churn_ctx *x)
{
    for (int i = 0; i < x->o->churners; i++)
        if (x->ch[i].phase != CH_WAIT)
            return 0;
    return 1;
}

static long expected_of(const churn_ctx *x)
{
    long sent = 0;
    for (int i = 0; i < x->o->churners; i++)
        sent += x->ch[i].sent;
    return sent * x->w.joined;
}

static void print_all(const bench_target *t, const churn_opts *o, const churn_result *r,
                      const churn_ctx *x)
{
    jbuf j;
    printf("\nchurn: %s, %d churners and %d watchers for %.1f s\n", t->label, o->churners,
           o->watchers, r->seconds);
    printf("  sessions %ld (%.1f/s), connections %ld, messages sent %ld\n", r->sessions,
           r->sessions_per_s, r->connects, r->sent);
    printf("  watchers: expected %ld, received %ld; lost %ld, duplicated %ld, reordered %ld,"
           " outside membership %ld; errors %ld\n",
           r->expected, r->delivered, r->lost, r->dup, r->reordered, r->outside, r->errors);
    if (x->first_error[0])
        printf("  first error: %s\n", x->first_error);
    if (x->w.errors)
        printf("  watcher error: %s\n", x->w.last_error);
    if (x->c.errors)
        printf("  churner error (%ld): %s\n", x->c.errors, x->c.last_error);
    j_open(&j);
    j_str(&j, "scenario", "churn");
    j_str(&j, "label", t->label);
    j_int(&j, "churners", o->churners);
    j_int(&j, "watchers", o->watchers);
    j_num(&j, "seconds", r->seconds);
    j_int(&j, "sessions", r->sessions);
    j_num(&j, "sessions_per_s", r->sessions_per_s);
    j_int(&j, "connects", r->connects);
    j_int(&j, "sent", r->sent);
    j_int(&j, "expected", r->expected);
    j_int(&j, "delivered", r->delivered);
    j_int(&j, "lost", r->lost);
    j_int(&j, "dup", r->dup);
    j_int(&j, "reordered", r->reordered);
    j_int(&j, "outside", r->outside);
    j_int(&j, "errors", r->errors);
    j_print(&j);
}

int churn_run(const bench_target *t, const churn_opts *o, churn_result *r)
{
    churn_ctx x;
    bench_loop *loop = NULL;
    int64_t t0, stop_at, deadline;
    int ok = 1;

    memset(r, 0, sizeof *r);
    memset(&x, 0, sizeof x);
    x.o = o;
    x.rng = bench_rng_seed(o->seed);
    x.ch = calloc((size_t)o->churners, sizeof *x.ch);
    x.wv = calloc((size_t)o->watchers * (size_t)o->churners, sizeof *x.wv);
    x.cv = calloc((size_t)o->churners * (size_t)o->churners, sizeof *x.cv);
    if (!x.ch || !x.wv || !x.cv || bench_loop_open(&loop) != NP_OK ||
        bench_group_init(&x.w, loop, t->label, &t->addr, o->watchers, "w", CHANNEL,
                         &watcher_hooks, &x) != NP_OK ||
        bench_group_init(&x.c, loop, t->label, &t->addr, o->churners, "c", CHANNEL,
                         &churner_hooks, &x) != NP_OK) {
        fprintf(stderr, "natter-bench: out of memory\n");
        ok = 0;
        goto done;
    }
    deadline = np_now_us() + 60 * 1000000LL;
    if (bench_group_connect_all(&x.w, 64, deadline, 0) != o->watchers ||
        bench_group_join_all(&x.w, deadline) != o->watchers ||
        bench_group_sync(&x.w, deadline) != o->watchers) {
        printf("churn: %s: the watchers did not all register and join (%s)\n", t->label,
               x.w.last_error);
        ok = 0;
        goto done;
    }

    t0 = np_now_us();
    stop_at = t0 + (int64_t)(o->seconds * 1e6);
    for (;;) {
        int64_t now = np_now_us();
        if (!x.stopping && now >= stop_at)
            x.stopping = 1;
        if (x.stopping && all_parked(&x))
            break;
        if (now >= stop_at + (int64_t)(o->drain_s * 1e6) + 30 * 1000000LL) {
            note_error(&x, t->label, "", 0, "churners did not finish their sessions");
            break;
        }
        tick(&x, now);
        bench_loop_run(loop, 2);
    }
    r->seconds = (double)(np_now_us() - t0) / 1e6;
    /* Everything sent is now on its way to the watchers: let it arrive. */
    deadline = np_now_us() + (int64_t)(o->drain_s * 1e6);
    while (x.delivered < expected_of(&x) && np_now_us() < deadline)
        bench_loop_run(loop, 10);
    bench_group_sync(&x.w, np_now_us() + 5000000);

done:
    for (int i = 0; x.ch && i < o->churners; i++)
        r->sent += x.ch[i].sent;
    r->sessions = x.sessions;
    r->connects = 0;
    for (int i = 0; x.c.c && i < o->churners; i++)
        r->connects += x.c.c[i].sessions;
    r->expected = x.w.c ? expected_of(&x) : 0;
    r->delivered = x.delivered;
    r->lost = r->expected > r->delivered ? r->expected - r->delivered : 0;
    r->dup = x.dup;
    r->reordered = x.reordered;
    r->outside = x.outside;
    r->errors = x.errors + x.w.errors + x.c.errors + (ok ? 0 : 1);
    r->sessions_per_s = r->seconds > 0 ? (double)r->sessions / r->seconds : 0;
    print_all(t, o, r, &x);
    bench_group_free(&x.c);
    bench_group_free(&x.w);
    bench_loop_close(loop);
    free(x.ch);
    free(x.wv);
    free(x.cv);
    return r->errors || r->lost || r->dup || r->reordered || r->outside;
}
