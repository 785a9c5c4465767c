/* The load generator's connections (see conn_pool.h). */
#include "conn_pool.h"

#include <stdlib.h>
#include <string.h>

#define SCRATCH (256 * 1024)
#define MAX_EVENTS 1024
/* Reads per readable connection per turn: enough to empty a busy socket's
 * queue, few enough that one connection cannot starve the others. */
#define READS_PER_TURN 4
/* A server that stops reading makes the queue grow; past this the generator
 * gives up on the connection instead of buffering without end. */
#define OUT_LIMIT (64u * 1024 * 1024)

struct bench_loop {
    np_poller *poller;
    void (*tick)(void *ctx);
    void *tick_ctx;
    int tick_every;
    int64_t poll_us;
    np_poll_event ev[MAX_EVENTS];
    char scratch[SCRATCH + BENCH_LINE_MAX];
};

np_err bench_loop_open(bench_loop **out)
{
    bench_loop *l = calloc(1, sizeof *l);
    np_err err;
    *out = NULL;
    if (!l)
        return NP_ENOMEM;
    err = np_poller_open(&l->poller);
    if (err != NP_OK) {
        free(l);
        return err;
    }
    *out = l;
    return NP_OK;
}

void bench_loop_close(bench_loop *l)
{
    if (!l)
        return;
    np_poller_close(l->poller);
    free(l);
}

void bench_loop_set_tick(bench_loop *l, void (*fn)(void *ctx), void *ctx, int every)
{
    l->tick = fn;
    l->tick_ctx = ctx;
    l->tick_every = every > 0 ? every : 1;
}

int64_t bench_loop_poll_us(const bench_loop *l)
{
    return l->poll_us;
}

int bench_loop_count(const bench_loop *l)
{
    return np_poller_count(l->poller);
}

static void watch(bench_conn *c, unsigned events)
{
    if (c->watching != events) {
        np_poller_modify(c->loop->poller, c->sock, events, c);
        c->watching = events;
    }
}

void bench_conn_close(bench_conn *c, int linger_reset)
{
    if (c->state == BENCH_CONN_CLOSED)
        return;
    np_poller_remove(c->loop->poller, c->sock);
    if (linger_reset)
        np_set_linger(c->sock, 1, 0);
    np_socket_close(c->sock);
    c->sock = NP_INVALID_SOCKET;
    c->state = BENCH_CONN_CLOSED;
    c->out_len = 0;
    c->carry_len = 0;
    c->watching = 0;
}

void bench_conn_free(bench_conn *c)
{
    free(c->out);
    c->out = NULL;
    c->out_cap = c->out_len = 0;
}

static void fail(bench_conn *c, np_err why)
{
    bench_conn_close(c, 0);
    if (c->h->on_close)
        c->h->on_close(c, why);
}

np_err bench_conn_connect(bench_loop *l, bench_conn *c, const np_addr *addr,
                          const bench_handlers *h, void *ctx)
{
    np_err err;
    c->loop = l;
    c->h = h;
    c->ctx = ctx;
    c->out_len = 0;
    c->carry_len = 0;
    c->state = BENCH_CONN_CLOSED;
    err = np_socket_open(np_addr_family(addr), NP_SOCK_STREAM, &c->sock);
    if (err != NP_OK)
        return err;
    np_socket_set_timeout(c->sock, NP_TIMEOUT_NONBLOCKING);
    /* Lines are small and latency is what is measured: no Nagle delay. */
    np_set_nodelay(c->sock, 1);
    err = np_connect_ex(c->sock, addr);
    if (err != NP_OK && err != NP_EINPROGRESS) {
        np_socket_close(c->sock);
        c->sock = NP_INVALID_SOCKET;
        return err;
    }
    c->watching = NP_POLL_OUT;
    err = np_poller_add(l->poller, c->sock, c->watching, c);
    if (err != NP_OK) {
        np_socket_close(c->sock);
        c->sock = NP_INVALID_SOCKET;
        return err;
    }
    c->state = BENCH_CONN_CONNECTING;
    return NP_OK;
}

static int queue(bench_conn *c, const char *data, size_t len)
{
    if (c->out_len + len > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 4096;
        char *p;
        while (cap < c->out_len + len)
            cap *= 2;
        if (cap > OUT_LIMIT)
            return 0;
        if (!(p = realloc(c->out, cap)))
            return 0;
        c->out = p;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, data, len);
    c->out_len += len;
    return 1;
}

/* Write what is queued; NP_OK (all or some of it went) or a hard error. */
static np_err flush(bench_conn *c)
{
    size_t sent = 0;
    np_err err;
    if (c->out_len == 0)
        return NP_OK;
    err = np_send(c->sock, c->out, c->out_len, &sent);
    if (err == NP_EAGAIN)
        return NP_OK;
    if (err != NP_OK)
        return err;
    memmove(c->out, c->out + sent, c->out_len - sent);
    c->out_len -= sent;
    return NP_OK;
}

np_err bench_conn_send(bench_conn *c, const char *data, size_t len)
{
    size_t sent = 0;
    np_err err;
    if (c->state != BENCH_CONN_OPEN)
        return NP_ENOTCONN;
    if (c->out_len == 0) {
        err = np_send(c->sock, data, len, &sent);
        if (err == NP_EAGAIN)
            sent = 0;
        else if (err != NP_OK) {
            fail(c, err);
            return err;
        }
        if (sent == len)
            return NP_OK;
    }
    if (!queue(c, data + sent, len - sent)) {
        fail(c, NP_ENOBUFS);
        return NP_ENOBUFS;
    }
    watch(c, NP_POLL_IN | NP_POLL_OUT);
    return NP_OK;
}

static void on_connected(bench_conn *c)
{
    np_err err = np_socket_take_error(c->sock);
    if (err != NP_OK) {
        bench_conn_close(c, 0);
        c->h->on_open(c, err);
        return;
    }
    c->state = BENCH_CONN_OPEN;
    watch(c, c->out_len ? NP_POLL_IN | NP_POLL_OUT : NP_POLL_IN);
    c->h->on_open(c, NP_OK);
}

/* Split buf into lines for the handler; keep the tail. 0 if the connection
 * was closed meanwhile (by the handler, or for an overlong line). */
static int deliver(bench_conn *c, char *buf, size_t len, int64_t now_us)
{
    char *p = buf, *end = buf + len;
    for (;;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n;
        if (!nl)
            break;
        n = (size_t)(nl - p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        c->h->on_line(c, p, n, now_us);
        if (c->state != BENCH_CONN_OPEN)
            return 0;
        p = nl + 1;
    }
    if ((size_t)(end - p) >= BENCH_LINE_MAX) {
        fail(c, NP_EMSGSIZE);
        return 0;
    }
    c->carry_len = (uint16_t)(end - p);
    memcpy(c->carry, p, c->carry_len);
    return 1;
}

static void on_readable(bench_loop *l, bench_conn *c)
{
    for (int i = 0; i < READS_PER_TURN; i++) {
        size_t got = 0, have = c->carry_len;
        np_err err;
        memcpy(l->scratch, c->carry, have);
        err = np_recv(c->sock, l->scratch + have, SCRATCH, &got);
        if (err == NP_EAGAIN)
            return;
        if (err != NP_OK || got == 0) {
            fail(c, err != NP_OK ? err : NP_EEOF);
            return;
        }
        if (!deliver(c, l->scratch, have + got, np_now_us()))
            return;
        if (got < SCRATCH)
            return;
    }
}

int bench_loop_run(bench_loop *l, int64_t timeout_ms)
{
    int n = 0;
    int64_t t0 = timeout_ms == 0 ? np_now_us() : 0;
    np_err err = np_poller_wait(l->poller, l->ev, MAX_EVENTS, timeout_ms, &n);
    if (timeout_ms == 0)
        l->poll_us += np_now_us() - t0;
    if (err != NP_OK)
        return 0;
    for (int i = 0; i < n; i++) {
        bench_conn *c = l->ev[i].data;
        unsigned e = l->ev[i].events;
        if (l->tick && i > 0 && i % l->tick_every == 0)
            l->tick(l->tick_ctx);
        if (c->state == BENCH_CONN_CLOSED || c->sock != l->ev[i].sock)
            continue;   /* closed earlier in this turn */
        if (c->state == BENCH_CONN_CONNECTING) {
            if (e & (NP_POLL_OUT | NP_POLL_ERR | NP_POLL_HUP))
                on_connected(c);
            continue;
        }
        if (e & NP_POLL_OUT) {
            np_err ferr = flush(c);
            if (ferr != NP_OK) {
                fail(c, ferr);
                continue;
            }
            if (c->out_len == 0)
                watch(c, NP_POLL_IN);
        }
        if (e & (NP_POLL_IN | NP_POLL_ERR | NP_POLL_HUP))
            on_readable(l, c);
    }
    return n;
}
