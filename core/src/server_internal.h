/* libnatter internal: what the three transports (server_event.c,
 * server_thread.c, server_fork.c) share — the server object, logging, the
 * connection id table, bounded output buffers (SendQ) and feeding framed input
 * to the engine. Everything here is plain memory work: the transports own the
 * sockets and decide when to call what. */
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

/* ---- input ---------------------------------------------------------------- */

/* Frame data and hand each line to the engine. Returns 0 once the peer went
 * past NT_FRAME_MAX without a line end (the engine has been told and will ask
 * to close; feed nothing more), else 1. */
int nt_srv_feed(nt_engine *e, nt_framer *f, nt_conn_id id, const char *data, size_t len,
                int64_t now);

/* Log a registration the first time the engine knows id's nick. */
void nt_srv_note_registration(const nt_server *srv, nt_conn_id id, int *registered);

/* Log a new connection; fills peer_ip (for the engine) from peer. */
void nt_srv_note_connect(const nt_server *srv, nt_conn_id id, const np_addr *peer,
                         char *peer_ip, size_t len);
void nt_srv_note_close(const nt_server *srv, nt_conn_id id, const char *who, const char *reason);

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
