/* A group of IRC clients of one server on the generator's loop: each
 * connects, registers (NICK + USER, then 001), may join the group's channel
 * (366 ends the join), answers PINGs, and can be asked to QUIT. What else
 * arrives goes to the scenario's on_msg hook.
 *
 * The bulk helpers drive the loop (every group on it, so the servers that are
 * not being measured keep answering too) until the whole group is registered,
 * joined or has answered a PING, bounded by a deadline. Registration is
 * pipelined: up to `inflight` clients are connecting or registering at once,
 * so a server's accept queue is never flooded (the kernel would drop SYNs and
 * the client would wait a whole retransmission second). */
#ifndef BENCH_CLIENT_GROUP_H
#define BENCH_CLIENT_GROUP_H

#include "conn_pool.h"
#include "irc_lite.h"

enum {
    CL_IDLE = 0,        /* not connected (before the start, after a clean quit) */
    CL_CONNECTING,
    CL_REGISTERING,     /* NICK and USER sent, waiting for 001 */
    CL_READY,           /* registered */
    CL_QUITTING,        /* QUIT sent, waiting for the server to close */
    CL_FAILED           /* refused, dropped or closed unasked */
};

typedef struct bench_group bench_group;

typedef struct bench_client {
    bench_conn conn;
    bench_group *g;
    int index;
    int state;              /* CL_* */
    int joined;             /* the server ended the channel's NAMES (366) */
    unsigned synced;        /* the last sync token it answered */
    unsigned sessions;      /* connections started */
    int64_t t_start_us, t_ready_us;
    char nick[16];
    unsigned char nick_len;
} bench_client;

typedef struct group_hooks {
    void (*on_ready)(bench_client *c);
    void (*on_joined)(bench_client *c);
    /* Any other line (PRIVMSG, JOIN, PART, numerics ...). */
    void (*on_msg)(bench_client *c, const irc_lite *m, const char *line, size_t len,
                   int64_t now_us);
    /* The connection is gone: NP_OK after our QUIT, else why. */
    void (*on_gone)(bench_client *c, np_err why);
} group_hooks;

struct bench_group {
    bench_loop *loop;
    char label[48];
    np_addr addr;
    bench_client *c;
    int n;
    char prefix[4];         /* nick prefix: one letter per role */
    char channel[64];
    const group_hooks *hooks;   /* may be NULL, as may each hook */
    void *ctx;
    int pending;            /* connecting or registering */
    int ready, joined;      /* now */
    long errors;
    char last_error[200];
    unsigned sync_token;
    int synced;             /* answered the current token */
};

np_err bench_group_init(bench_group *g, bench_loop *loop, const char *label, const np_addr *addr,
                        int n, const char *prefix, const char *channel,
                        const group_hooks *hooks, void *ctx);
void bench_group_free(bench_group *g);

/* One client: connect and register (from outside a loop turn: see
 * conn_pool.h). NP_OK or the connect error (counted). */
np_err bench_client_start(bench_client *c);
np_err bench_client_send(bench_client *c, const char *line, size_t len);
void bench_client_join(bench_client *c);
void bench_client_part(bench_client *c);
void bench_client_quit(bench_client *c);
/* Close at once (connection reset), no hook called. */
void bench_client_drop(bench_client *c);
/* Record an error of this client (printed once per group at the first). */
void bench_client_error(bench_client *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Connect and register all n clients, `inflight` at a time, until done or
 * deadline_us; with cap_us > 0 no new connection starts after cap_us. The
 * number registered. */
int bench_group_connect_all(bench_group *g, int inflight, int64_t deadline_us, int64_t cap_us);
/* JOIN every registered client; wait for every 366. The number joined. */
int bench_group_join_all(bench_group *g, int64_t deadline_us);
/* PING every registered client and wait for all the PONGs: whatever the
 * server sent them before has then arrived. The number that answered. */
int bench_group_sync(bench_group *g, int64_t deadline_us);
/* Drop every connection (reset: no TIME_WAIT left by thousands of closes). */
void bench_group_drop_all(bench_group *g);

#endif
