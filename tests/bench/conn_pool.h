/* The load generator's connections: thousands of non-blocking libnp sockets on
 * one np_poller, driven from one thread.
 *
 * Reading goes through one shared scratch buffer (a connection keeps only the
 * unfinished tail of a line), so an idle connection costs a few hundred
 * bytes; output is written at once and queued only when the socket would
 * block. Lines are handed to the connection's handler without their CR LF,
 * each with the microsecond (np_now_us) at which its bytes were read.
 *
 * Handlers may send on any connection and close any connection (a closed one
 * is skipped for the rest of the turn), but must not open one: a socket
 * opened during a turn could take the address of one closed in it and receive
 * that one's stale events. Open connections between calls to bench_loop_run. */
#ifndef BENCH_CONN_POOL_H
#define BENCH_CONN_POOL_H

#include <stddef.h>
#include <stdint.h>
#include <np/np.h>

/* Longest line accepted (IRC's 512, with room for tags). */
#define BENCH_LINE_MAX 1024

typedef struct bench_loop bench_loop;
typedef struct bench_conn bench_conn;

typedef struct bench_handlers {
    /* The connect finished: err NP_OK or why it failed (then the connection
     * is already closed). */
    void (*on_open)(bench_conn *c, np_err err);
    void (*on_line)(bench_conn *c, const char *line, size_t len, int64_t now_us);
    /* The peer closed (NP_EEOF) or the connection failed; it is closed now. */
    void (*on_close)(bench_conn *c, np_err why);
} bench_handlers;

enum { BENCH_CONN_CLOSED = 0, BENCH_CONN_CONNECTING, BENCH_CONN_OPEN };

struct bench_conn {
    bench_loop *loop;
    const bench_handlers *h;
    void *ctx;                  /* the owner's */
    np_socket_t sock;
    int state;                  /* BENCH_CONN_* */
    unsigned watching;          /* NP_POLL_* asked of the poller */
    char *out;                  /* bytes the socket would not take yet */
    size_t out_len, out_cap;
    uint16_t carry_len;         /* unfinished line kept from the last read */
    char carry[BENCH_LINE_MAX];
};

np_err bench_loop_open(bench_loop **out);
void bench_loop_close(bench_loop *l);

/* Start a non-blocking connect; h->on_open reports the outcome from
 * bench_loop_run. NP_OK, or the error (c stays closed). */
np_err bench_conn_connect(bench_loop *l, bench_conn *c, const np_addr *addr,
                          const bench_handlers *h, void *ctx);
/* Send (or queue) len bytes. On a hard error the connection is closed and
 * on_close called; that error is returned. */
np_err bench_conn_send(bench_conn *c, const char *data, size_t len);
/* Close without calling on_close. linger_reset: reset the connection
 * (SO_LINGER 0) so that no TIME_WAIT is left behind by mass closes. */
void bench_conn_close(bench_conn *c, int linger_reset);
/* Free the output queue (after closing). */
void bench_conn_free(bench_conn *c);
/* Bytes queued and not yet taken by the socket. */
static inline size_t bench_conn_pending(const bench_conn *c)
{
    return c->out_len;
}

/* Have fn(ctx) called after every `every` events of a turn (fn NULL: never),
 * so that a scenario can send on schedule while a long turn of reads is
 * under way. fn may send, not open connections. */
void bench_loop_set_tick(bench_loop *l, void (*fn)(void *ctx), void *ctx, int every);

/* Wait up to timeout_ms (0: poll) and dispatch what is ready. The number of
 * events handled. */
int bench_loop_run(bench_loop *l, int64_t timeout_ms);
/* Microseconds spent so far inside the poller by calls with timeout 0: a
 * caller that polls while it waits for its next deadline is idle then, even
 * when the poll finds something. */
int64_t bench_loop_poll_us(const bench_loop *l);
/* Open connections on the loop. */
int bench_loop_count(const bench_loop *l);

#endif
