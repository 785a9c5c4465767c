/* libnatter internal: what the three transports (server_event.c,
 * server_thread.c, server_fork.c) share — the server object, logging, the
 * connection id table, id lists, deferred frees, bounded output buffers
 * (SendQ), feeding input to the engine, and the steps of their main loops
 * (server_loop.c). Everything here is plain memory and engine work over libnp:
 * the transports own the sockets and decide when to call what. */
#ifndef NATTER_SERVER_INTERNAL_H
#define NATTER_SERVER_INTERNAL_H

#include <natter/server.h>
#include <natter/msg.h>

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* How long a closing connection may take to flush its last lines, and then
 * how long we keep reading (and dropping) its input after our FIN so that a
 * client still talking does not get a reset that destroys the ERROR line we
 * just sent (closing with unread input makes TCP send RST). */
#define NT_SRV_FLUSH_MS 5000
#define NT_SRV_LINGER_MS 2000
/* After nt_server_stop: how long clients get to receive their ERROR line. */
#define NT_SRV_SHUTDOWN_MS 3000
/* Bytes read from one connection per readiness report: fairness between a
 * flooding client and everyone else. */
#define NT_SRV_READ_CHUNK 16384
/* Connections the kernel may hold for accept(). A storm of connects (clients
 * coming back after a network outage) queues here instead of losing SYNs
 * and waiting a retransmission second each; an empty queue costs nothing,
 * and the kernel caps it (Linux: net.core.somaxconn, 4096 by default). */
#define NT_SRV_LISTEN_BACKLOG 4096
/* An emptied output buffer unused for this long (to twice as long) is freed. */
#define NT_SRV_TRIM_MS 1000
/* After a failed accept (out of descriptors): how long the listeners rest. */
#define NT_SRV_ACCEPT_PAUSE_MS 100

struct nt_server {
    nt_server_config cfg;
    np_socket_t listeners[NT_SERVER_MAX_LISTEN];
    np_addr bound[NT_SERVER_MAX_LISTEN];
    size_t nlisten;
    /* The run loop's poller (listeners, and the wake-up nt_server_stop uses).
     * Created by nt_server_open so that stop works at any time. */
    np_poller *poller;
    atomic_int stop;
    nt_engine *engine;
    /* Accepting failed (out of descriptors...): the listeners are not watched
     * until then (np_now_ms), 0 when they are. Loop-thread only. */
    int64_t accept_resume;
};

/* ---- logging -------------------------------------------------------------- */

void nt_srv_log(const nt_server *srv, nt_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* "Connection reset by peer", "Connection closed", ...: the QUIT reason
 * others see for a transport error (err) or end of stream (NP_OK). */
const char *nt_srv_loss_reason(np_err err);

/* ---- connection ids ------------------------------------------------------- *
 * id = generation << 32 | (slot + 1): O(1) lookup, and an id is never reused
 * while the engine might still know it (the generation moves on). */

typedef struct nt_conn_table {
    void **items;
    uint32_t *gens;
    uint32_t *free_slots;
    size_t nfree, cap, count;
} nt_conn_table;

void nt_table_init(nt_conn_table *t);
void nt_table_free(nt_conn_table *t);
/* 0 on out of memory. */
nt_conn_id nt_table_add(nt_conn_table *t, void *item);
void *nt_table_get(const nt_conn_table *t, nt_conn_id id);
void nt_table_remove(nt_conn_table *t, nt_conn_id id);
/* Iterate: start with *pos = 0; NULL at the end. Removing the item just
 * returned is allowed. */
void *nt_table_next(const nt_conn_table *t, size_t *pos);

/* ---- id lists ------------------------------------------------------------ *
 * Connections to visit later (to flush, or to report over SendQ): ids, not
 * pointers, so one destroyed meanwhile is simply no longer in the table. */

typedef struct nt_id_list {
    nt_conn_id *ids;
    size_t n, cap;
} nt_id_list;

/* 0 on success, -1 out of memory (nothing added). */
int nt_ids_push(nt_id_list *l, nt_conn_id id);
/* Pop ids until one is still in t: its item, or NULL once the list is empty. */
void *nt_ids_pop_live(nt_id_list *l, const nt_conn_table *t);
/* fn(ctx, item) for each id of the list still in t, in order, then empty the
 * list. fn may destroy connections and push more ids (visited too). */
void nt_ids_each(nt_id_list *l, const nt_conn_table *t, void (*fn)(void *ctx, void *item),
                 void *ctx);
void nt_ids_free(nt_id_list *l);

/* ---- graves --------------------------------------------------------------- *
 * A destroyed connection of a poller loop is freed only at the end of the loop
 * turn: later events of the same batch may still point at it. */

typedef struct nt_graves {
    void **items;
    size_t n, cap;
} nt_graves;

/* Defer free(item); out of memory, it is freed at once (a stale event for it
 * is then a risk taken only when memory is already gone). */
void nt_graves_add(nt_graves *g, void *item);
/* Free every deferred item. */
void nt_graves_bury(nt_graves *g);
/* Bury, and release the list itself. */
void nt_graves_free(nt_graves *g);

/* ---- output buffer with a SendQ limit ------------------------------------- */

typedef struct nt_outbuf {
    char *data;
    size_t off, len, cap;   /* pending bytes are data[off..len) */
} nt_outbuf;

/* Queue bytes unless pending + extra + len would pass limit (0 = none):
 * 0 on success, -1 when over the limit or out of memory (nothing queued). */
int nt_outbuf_append(nt_outbuf *b, const char *data, size_t len, size_t extra, size_t limit);
size_t nt_outbuf_pending(const nt_outbuf *b);
const char *nt_outbuf_head(const nt_outbuf *b);
void nt_outbuf_consume(nt_outbuf *b, size_t n);
/* Move everything pending into dst (emptied first), leaving b empty. */
void nt_outbuf_take(nt_outbuf *b, nt_outbuf *dst);
void nt_outbuf_free(nt_outbuf *b);

/* ---- output line queue with a SendQ limit (server_lineq.c) ----------------- *
 * References to the engine's shared lines, sent with np_sendv. */

typedef struct nt_lineq {
    nt_line **ring;          /* cap (a power of two) slots, NULL until needed */
    size_t cap, head, n;     /* queued: ring[head], ring[head + 1] ... mod cap */
    size_t first_off;        /* bytes of the first line already sent */
    size_t bytes;            /* bytes still to send: what SendQ measures */
} nt_lineq;

/* Queue line, taking over the caller's reference, unless bytes + extra + its
 * length would pass limit (0 = none): 0 on success, -1 when over the limit or
 * out of memory (the reference stays the caller's). */
int nt_lineq_push(nt_lineq *q, nt_line *line, size_t extra, size_t limit);
/* Describe up to max queued lines, the first from where sending stopped. */
int nt_lineq_iov(const nt_lineq *q, np_iovec *iov, int max);
/* n bytes were sent: drop (unref) the lines they finish. */
void nt_lineq_consume(nt_lineq *q, size_t n);
/* Unref everything queued and free the ring. */
void nt_lineq_free(nt_lineq *q);

/* ---- a connection and the engine ------------------------------------------ */

/* Log a new connection and tell the engine (with peer's address). */
void nt_srv_connect(const nt_server *srv, nt_conn_id id, const np_addr *peer);

/* Frame data and hand each line to the engine; log the registration the first
 * time the engine knows id's nick (*registered). Returns 0 once the peer went
 * past NT_FRAME_MAX without a line end (logged; the engine has been told and
 * will ask to close: feed nothing more), else 1. */
int nt_srv_input(const nt_server *srv, nt_framer *f, nt_conn_id id, const char *data,
                 size_t len, int *registered);

/* Hand every pending engine output for a connection still in t to the
 * transport: on_send(ctx, item, line), which owns that reference of the line
 * (it queues it, or unrefs it), or
 * on_close(ctx, item, reason) when the engine asks to close it. Outputs for
 * connections no longer in t are dropped. Both may drain again. */
void nt_srv_route_outputs(nt_engine *e, const nt_conn_table *t,
                          void (*on_send)(void *ctx, void *item, nt_line *line),
                          void (*on_close)(void *ctx, void *item, const char *reason), void *ctx);

/* Log that id closes for reason, with its nick if it has one. */
void nt_srv_note_close(const nt_server *srv, nt_conn_id id, const char *reason);
/* The connection is gone without the engine asking: log it, tell the engine. */
void nt_srv_report_loss(const nt_server *srv, nt_conn_id id, const char *reason);

/* ---- main loops (server_loop.c) ------------------------------------------- */

/* Watch every listener for NP_POLL_IN (data NULL) in srv->poller. */
np_err nt_srv_watch_listeners(nt_server *srv);
/* nt_server_stop was called: log, stop watching the listeners and have the
 * engine say goodbye to everyone (its outputs are the caller's to drain). */
void nt_srv_begin_shutdown(nt_server *srv, size_t nconns);

/* Accept until the listener's backlog is empty (one accept per wake-up makes
 * a connect storm crawl), handing each socket to fn. When accept fails (out of
 * descriptors, ENOBUFS...; logged) the listener stays readable: rather than
 * spin on it, the listeners are unwatched for NT_SRV_ACCEPT_PAUSE_MS. */
void nt_srv_accept_all(nt_server *srv, np_socket_t listener,
                       void (*fn)(void *ctx, np_socket_t s, const np_addr *peer), void *ctx);
/* Watch the listeners again once such a pause is over (call every loop turn). */
void nt_srv_accept_resume(nt_server *srv, int64_t now);
/* A poll timeout t capped so that a pause ends on time. */
int64_t nt_srv_accept_timeout(const nt_server *srv, int64_t t);

/* np_poller_wait on srv->poller; an error is logged. */
np_err nt_srv_poll(nt_server *srv, np_poll_event *evs, int max, int64_t timeout_ms, int *n);
/* Tick the engine if its next tick is due: 1 if it did (drain its outputs). */
int nt_srv_tick_if_due(const nt_server *srv);
/* Milliseconds from now (np_wall_ms) until when, at least 0; -1 if when < 0. */
int64_t nt_srv_ms_until(int64_t when);
/* A poll timeout t (-1 = none) shortened to at most cap (cap < 0: no cap). */
int64_t nt_srv_cap_ms(int64_t t, int64_t cap);

/* The modes. */
np_err nt_run_event(nt_server *srv);
np_err nt_run_thread(nt_server *srv);
#if NP_HAVE_FORK
np_err nt_run_fork(nt_server *srv);
#endif

/* Ids in logs read "slot.generation", e.g. "3.1": short, and unique over the
 * server's life. Use as "connection %u.%u", NT_SRV_ID(id). */
#define NT_SRV_ID(id) (unsigned)((id) & 0xffffffffu), (unsigned)((id) >> 32)

#endif /* NATTER_SERVER_INTERNAL_H */
