/* IRC clients of one server on the generator's loop (see client_group.h). */
#include "client_group.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static void on_open(bench_conn *conn, np_err err);
static void on_line(bench_conn *conn, const char *line, size_t len, int64_t now_us);
static void on_close(bench_conn *conn, np_err why);
static const bench_handlers handlers = { on_open, on_line, on_close };

np_err bench_group_init(bench_group *g, bench_loop *loop, const char *label, const np_addr *addr,
                        int n, const char *prefix, const char *channel,
                        const group_hooks *hooks, void *ctx)
{
    memset(g, 0, sizeof *g);
    g->loop = loop;
    snprintf(g->label, sizeof g->label, "%s", label);
    g->addr = *addr;
    snprintf(g->prefix, sizeof g->prefix, "%s", prefix);
    snprintf(g->channel, sizeof g->channel, "%s", channel ? channel : "");
    g->hooks = hooks;
    g->ctx = ctx;
    g->n = n;
    g->c = calloc((size_t)(n > 0 ? n : 1), sizeof *g->c);
    if (!g->c)
        return NP_ENOMEM;
    for (int i = 0; i < n; i++) {
        bench_client *c = &g->c[i];
        c->g = g;
        c->index = i;
        c->nick_len = (unsigned char)snprintf(c->nick, sizeof c->nick, "%s%05d", g->prefix, i);
    }
    return NP_OK;
}

void bench_group_free(bench_group *g)
{
    if (!g->c)
        return;
    bench_group_drop_all(g);
    for (int i = 0; i < g->n; i++)
        bench_conn_free(&g->c[i].conn);
    free(g->c);
    g->c = NULL;
}

void bench_client_error(bench_client *c, const char *fmt, ...)
{
    bench_group *g = c->g;
    char why[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (g->errors++ == 0)
        snprintf(g->last_error, sizeof g->last_error, "%s: %s", c->nick, why);
}

/* Leaving CONNECTING / REGISTERING / READY: keep the counters right. */
static void set_state(bench_client *c, int state)
{
    bench_group *g = c->g;
    if (c->state == CL_CONNECTING || c->state == CL_REGISTERING)
        g->pending--;
    if (c->state == CL_READY)
        g->ready--;
    if (c->joined && state != CL_READY) {
        c->joined = 0;
        g->joined--;
    }
    c->state = state;
    if (state == CL_CONNECTING || state == CL_REGISTERING)
        g->pending++;
    if (state == CL_READY)
        g->ready++;
}

np_err bench_client_start(bench_client *c)
{
    np_err err;
    c->sessions++;
    c->t_start_us = np_now_us();
    c->t_ready_us = 0;
    err = bench_conn_connect(c->g->loop, &c->conn, &c->g->addr, &handlers, c);
    if (err != NP_OK) {
        set_state(c, CL_FAILED);
        bench_client_error(c, "connect: %s", np_strerror(err));
        return err;
    }
    set_state(c, CL_CONNECTING);
    return NP_OK;
}

np_err bench_client_send(bench_client *c, const char *line, size_t len)
{
    return bench_conn_send(&c->conn, line, len);
}

static void send_text(bench_client *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void send_text(bench_client *c, const char *fmt, ...)
{
    char line[600];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof line)
        bench_conn_send(&c->conn, line, (size_t)n);
}

void bench_client_join(bench_client *c)
{
    send_text(c, "JOIN %s\r\n", c->g->channel);
}

void bench_client_part(bench_client *c)
{
    send_text(c, "PART %s\r\n", c->g->channel);
}

void bench_client_quit(bench_client *c)
{
    if (c->state == CL_IDLE || c->state == CL_FAILED)
        return;
    send_text(c, "QUIT :natter-bench\r\n");
    if (c->conn.state == BENCH_CONN_OPEN)
        set_state(c, CL_QUITTING);
}

void bench_client_drop(bench_client *c)
{
    bench_conn_close(&c->conn, 1);
    if (c->state != CL_FAILED)
        set_state(c, CL_IDLE);
}

void bench_group_drop_all(bench_group *g)
{
    for (int i = 0; i < g->n; i++)
        bench_client_drop(&g->c[i]);
}

static void on_open(bench_conn *conn, np_err err)
{
    bench_client *c = conn->ctx;
    if (err != NP_OK) {
        set_state(c, CL_FAILED);
        bench_client_error(c, "connect: %s", np_strerror(err));
        return;
    }
    set_state(c, CL_REGISTERING);
    send_text(c, "NICK %s\r\nUSER b 0 * :natter-bench\r\n", c->nick);
}

static void on_close(bench_conn *conn, np_err why)
{
    bench_client *c = conn->ctx;
    const group_hooks *h = c->g->hooks;
    if (c->state == CL_QUITTING) {
        set_state(c, CL_IDLE);
        if (h && h->on_gone)
            h->on_gone(c, NP_OK);
        return;
    }
    set_state(c, CL_FAILED);
    bench_client_error(c, "connection lost: %s", np_strerror(why));
    if (h && h->on_gone)
        h->on_gone(c, why);
}

static int channel_param_is(const char *line, size_t len, const irc_lite *m, int n,
                            const char *channel)
{
    size_t plen;
    const char *p = irc_lite_param(line, len, m, n, &plen);
    if (!p && m->text && n > 0) {
        p = m->text;   /* a JOIN written "JOIN :#chan" */
        plen = m->text_len;
    }
    return p && irc_lite_eq(p, plen, channel);
}

static void on_line(bench_conn *conn, const char *line, size_t len, int64_t now_us)
{
    bench_client *c = conn->ctx;
    bench_group *g = c->g;
    const group_hooks *h = g->hooks;
    irc_lite m;
    if (!irc_lite_parse(line, len, &m))
        return;
    /* The hot path first: channel traffic goes straight to the scenario. */
    if (m.cmd_len == 7 && memcmp(m.cmd, "PRIVMSG", 7) == 0) {
        if (h && h->on_msg)
            h->on_msg(c, &m, line, len, now_us);
        return;
    }
    if (irc_lite_is(&m, "PING")) {
        send_text(c, "PONG :%.*s\r\n", (int)(m.text ? m.text_len : m.arg_len),
                  m.text ? m.text : m.arg ? m.arg : "");
        return;
    }
    if (irc_lite_is(&m, "PONG")) {
        unsigned tok;
        if (m.text && sscanf(m.text, "sync%u", &tok) == 1 && tok == g->sync_token &&
            c->synced != tok) {
            c->synced = tok;
            g->synced++;
        }
        return;
    }
    if (irc_lite_is(&m, "001") && c->state == CL_REGISTERING) {
        c->t_ready_us = now_us;
        set_state(c, CL_READY);
        if (h && h->on_ready)
            h->on_ready(c);
        return;
    }
    if (irc_lite_is(&m, "366") && g->channel[0] && channel_param_is(line, len, &m, 1, g->channel)) {
        if (!c->joined && c->state == CL_READY) {
            c->joined = 1;
            g->joined++;
            if (h && h->on_joined)
                h->on_joined(c);
        }
        return;
    }
    if (c->state == CL_REGISTERING && (irc_lite_is(&m, "433") || irc_lite_is(&m, "432"))) {
        bench_client_error(c, "nick refused: %.*s", (int)len, line);
        bench_conn_close(&c->conn, 1);
        set_state(c, CL_FAILED);
        return;
    }
    if (irc_lite_is(&m, "ERROR")) {
        if (c->state != CL_QUITTING)
            bench_client_error(c, "server said: %.*s", (int)len, line);
        return;   /* the close follows */
    }
    /* Refusals of what the benchmark asks: a join, a message. */
    if (irc_lite_is(&m, "471") || irc_lite_is(&m, "473") || irc_lite_is(&m, "474") ||
        irc_lite_is(&m, "475") || irc_lite_is(&m, "404") || irc_lite_is(&m, "403") ||
        irc_lite_is(&m, "405") || irc_lite_is(&m, "417") || irc_lite_is(&m, "263")) {
        bench_client_error(c, "server refused: %.*s", (int)len, line);
        return;
    }
    if (h && h->on_msg)
        h->on_msg(c, &m, line, len, now_us);
}

/* ---- bulk helpers -------------------------------------------------------- */

static int64_t wait_ms(int64_t deadline_us)
{
    int64_t left = (deadline_us - np_now_us()) / 1000;
    return left < 0 ? 0 : left > 50 ? 50 : left;
}

int bench_group_connect_all(bench_group *g, int inflight, int64_t deadline_us, int64_t cap_us)
{
    int next = 0;
    if (inflight < 1)
        inflight = 1;
    for (;;) {
        int64_t now = np_now_us();
        while (next < g->n && g->pending < inflight && (cap_us <= 0 || now < cap_us)) {
            bench_client *c = &g->c[next++];
            if (c->state == CL_IDLE)
                bench_client_start(c);
        }
        if (g->pending == 0 && (next >= g->n || (cap_us > 0 && now >= cap_us)))
            break;
        if (now >= deadline_us)
            break;
        bench_loop_run(g->loop, wait_ms(deadline_us));
    }
    return g->ready;
}

int bench_group_join_all(bench_group *g, int64_t deadline_us)
{
    int want = 0;
    for (int i = 0; i < g->n; i++)
        if (g->c[i].state == CL_READY && !g->c[i].joined)
            bench_client_join(&g->c[i]);
    for (int i = 0; i < g->n; i++)
        want += g->c[i].state == CL_READY;
    while (g->joined < want && np_now_us() < deadline_us) {
        bench_loop_run(g->loop, wait_ms(deadline_us));
        want = g->ready;
    }
    return g->joined;
}

int bench_group_sync(bench_group *g, int64_t deadline_us)
{
    char line[64];
    int n, want = 0;
    g->sync_token++;
    g->synced = 0;
    n = snprintf(line, sizeof line, "PING :sync%u\r\n", g->sync_token);
    for (int i = 0; i < g->n; i++)
        if (g->c[i].state == CL_READY) {
            bench_client_send(&g->c[i], line, (size_t)n);
            want++;
        }
    while (g->synced < want && np_now_us() < deadline_us) {
        bench_loop_run(g->loop, wait_ms(deadline_us));
        if (g->ready < want)
            want = g->ready;   /* one was lost meanwhile: counted as an error */
    }
    return g->synced;
}
