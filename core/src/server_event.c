/* libnatter: the event transport — one thread, one np_poller, non-blocking
 * sockets. Every read goes straight into the engine; the lines it produces are
 * queued per connection by reference (a broadcast's one serialized line is
 * shared by every member's queue) and flushed once per loop turn with
 * gathered sends (np_sendv: one system call for up to NP_IOV_MAX lines), then
 * on writability.
 *
 * A connection's life: OPEN (reading, writing) -> CLOSING (the engine asked to
 * close: flush what is queued, read nothing) -> LINGER (our FIN is sent: read
 * and drop input until the peer's FIN or a deadline, so that our last ERROR
 * line is not destroyed by a reset) -> gone. A connection lost to EOF, an
 * error or SendQ is reported to the engine with nt_engine_closed and closed at
 * once. */
#include "server_internal.h"

#include <stdlib.h>
#include <string.h>

enum { EV_OPEN, EV_CLOSING, EV_LINGER };

typedef struct ev_conn {
    nt_conn_id id;
    np_socket_t sock;
    unsigned char state;
    unsigned char dead;          /* over SendQ: nt_engine_closed is pending */
    unsigned char dirty;         /* on the flush list */
    unsigned char gone;          /* destroyed: freed at the end of the loop turn */
    unsigned char trim_listed;   /* on the trim list: holds buffers that may go idle */
    unsigned char active;        /* input or output since the last trim pass */
    unsigned char watching;      /* NP_POLL_* registered */
    int registered;              /* logged as registered (nt_srv_input) */
    int64_t deadline;    /* CLOSING / LINGER: give up at this np_now_ms() */
    int64_t last_io;     /* loop time of the last read or emptying flush */
    nt_lineq out;        /* what is still to send, as the engine's lines */
    nt_framer framer;
} ev_conn;

typedef struct ev_loop {
    nt_server *srv;
    nt_conn_table conns;
    nt_id_list dirty, killed;     /* flush list, SendQ victims */
    nt_id_list trim;              /* connections holding buffers, freed once quiet */
    int64_t next_trim;            /* np_now_ms() of the next trim pass, 0: none due */
    int64_t now;                  /* np_now_ms() when the last wait returned */
    nt_graves graves;
    size_t closing;               /* connections in CLOSING or LINGER */
    int listening;
} ev_loop;

static void set_watch(ev_loop *L, ev_conn *c)
{
    unsigned want = c->state == EV_CLOSING ? 0 : NP_POLL_IN;
    if (c->out.bytes > 0)
        want |= NP_POLL_OUT;
    if (want != c->watching && np_poller_modify(L->srv->poller, c->sock, want, c) == NP_OK)
        c->watching = want;
}

static void destroy(ev_loop *L, ev_conn *c)
{
    if (c->gone)
        return;
    if (c->state != EV_OPEN)
        L->closing--;
    np_poller_remove(L->srv->poller, c->sock);
    np_socket_close(c->sock);
    nt_table_remove(&L->conns, c->id);
    nt_lineq_free(&c->out);
    nt_framer_free(&c->framer);
    c->gone = 1;
    nt_graves_add(&L->graves, c);
}

static void mark_dirty(ev_loop *L, ev_conn *c)
{
    if (!c->dirty && nt_ids_push(&L->dirty, c->id) == 0)
        c->dirty = 1;
}

static void start_closing(void *ctx, void *item, const char *reason)
{
    ev_loop *L = ctx;
    ev_conn *c = item;
    if (c->state != EV_OPEN)
        return;
    nt_srv_note_close(L->srv, c->id, reason);
    c->state = EV_CLOSING;
    c->deadline = np_now_ms() + NT_SRV_FLUSH_MS;
    L->closing++;
    mark_dirty(L, c);
}

static void queue_line(void *ctx, void *item, nt_line *line)
{
    ev_loop *L = ctx;
    ev_conn *c = item;
    if (c->state == EV_OPEN && !c->dead) {
        c->active = 1;
        if (nt_lineq_push(&c->out, line, 0, L->srv->cfg.engine.sendq_bytes) == 0) {
            mark_dirty(L, c);
            return;
        }
        if (nt_ids_push(&L->killed, c->id) == 0)
            c->dead = 1;
    }
    nt_line_unref(line);
}

/* Take every output of the engine, and report SendQ victims back to it (which
 * makes more output: QUIT lines to the channels they were on) until quiet. */
static void drain(ev_loop *L)
{
    ev_conn *c;
    for (;;) {
        nt_srv_route_outputs(L->srv->engine, &L->conns, queue_line, start_closing, L);
        if (L->killed.n == 0)
            return;
        while ((c = nt_ids_pop_live(&L->killed, &L->conns)) != NULL) {
            /* Unless the engine asked for this close itself: */
            if (c->state == EV_OPEN)
                nt_srv_report_loss(L->srv, c->id, "SendQ exceeded");
            destroy(L, c);
        }
    }
}

/* The peer is gone (EOF or error): tell the engine, unless it already asked
 * for this close itself. */
static void lost(ev_loop *L, ev_conn *c, np_err err)
{
    if (c->state == EV_OPEN) {
        nt_srv_report_loss(L->srv, c->id, nt_srv_loss_reason(err));
        destroy(L, c);
        drain(L);
    } else {
        destroy(L, c);
    }
}

/* Buffers on demand: a connection's input (framer) and output (line queue)
 * buffers are allocated when first needed. A connection that was quiet
 * before (most chat clients, and every new one) gives them back as soon as
 * they are empty again, so the short-lived buffer is reused by the next
 * connection rather than left as a hole in the heap; a busy one keeps them,
 * so it allocates nothing per line, until it has been quiet for a trim pass
 * or two (NT_SRV_TRIM_MS). Idle connections — most of a server's — hold none. */
static void release_or_list(ev_loop *L, ev_conn *c)
{
    int quiet = L->now - c->last_io >= NT_SRV_TRIM_MS;
    c->last_io = L->now;
    if (quiet) {
        if (c->out.n == 0)
            nt_lineq_free(&c->out);
        nt_framer_trim(&c->framer);
    }
    if (c->trim_listed || (c->out.cap == 0 && c->framer.buf == NULL) ||
        nt_ids_push(&L->trim, c->id) != 0)
        return;
    c->trim_listed = 1;
    if (L->next_trim == 0)
        L->next_trim = L->now + NT_SRV_TRIM_MS;
}

static void trim_idle_buffers(ev_loop *L, int64_t now)
{
    size_t keep = 0;
    if (L->next_trim == 0 || now < L->next_trim)
        return;
    for (size_t i = 0; i < L->trim.n; i++) {
        ev_conn *c = nt_table_get(&L->conns, L->trim.ids[i]);
        if (!c)
            continue;
        if (!c->active) {
            if (c->out.n == 0)
                nt_lineq_free(&c->out);
            if (nt_framer_trim(&c->framer) && c->out.cap == 0) {
                c->trim_listed = 0;
                continue;
            }
        }
        c->active = 0;
        L->trim.ids[keep++] = c->id;
    }
    L->trim.n = keep;
    L->next_trim = keep > 0 ? now + NT_SRV_TRIM_MS : 0;
}

/* Gathered sends of the queued lines until the queue is empty or the kernel
 * takes less than it was offered (then the loop comes back on writability). */
static void flush(ev_loop *L, ev_conn *c)
{
    while (c->out.n > 0) {
        np_iovec iov[NP_IOV_MAX];
        int k = nt_lineq_iov(&c->out, iov, NP_IOV_MAX);
        size_t offered = 0, sent = 0;
        np_err err;
        for (int i = 0; i < k; i++)
            offered += iov[i].len;
        err = np_sendv(c->sock, iov, k, &sent);
        if (err != NP_OK && err != NP_EAGAIN) {
            lost(L, c, err);
            return;
        }
        nt_lineq_consume(&c->out, sent);
        if (c->out.n == 0)
            release_or_list(L, c);
        if (sent < offered)
            break;
    }
    if (c->state == EV_CLOSING && c->out.n == 0) {
        np_shutdown(c->sock, NP_SHUT_WR);
        c->state = EV_LINGER;
        c->deadline = np_now_ms() + NT_SRV_LINGER_MS;
    }
    set_watch(L, c);
}

static void flush_one(void *ctx, void *item)
{
    ev_conn *c = item;
    c->dirty = 0;
    flush(ctx, c);
}

static void flush_dirty(ev_loop *L)
{
    nt_ids_each(&L->dirty, &L->conns, flush_one, L);
}

static void on_readable(ev_loop *L, ev_conn *c)
{
    char buf[NT_SRV_READ_CHUNK];
    size_t got = 0;
    np_err err = np_recv(c->sock, buf, sizeof buf, &got);
    if (err == NP_EAGAIN)
        return;
    if (err != NP_OK || got == 0) {
        lost(L, c, err);
        return;
    }
    if (c->state != EV_OPEN)
        return;   /* lingering: input after our close is dropped */
    c->active = 1;
    nt_srv_input(L->srv, &c->framer, c->id, buf, got, &c->registered);
    release_or_list(L, c);
    drain(L);
}

static void new_conn(void *ctx, np_socket_t s, const np_addr *peer)
{
    ev_loop *L = ctx;
    ev_conn *c = calloc(1, sizeof *c);
    if (!c || !(c->id = nt_table_add(&L->conns, c))) {
        nt_srv_log(L->srv, NT_LOG_ERROR, "out of memory for a new connection");
        free(c);
        np_socket_close(s);
        return;
    }
    c->sock = s;
    nt_framer_init(&c->framer);
    np_set_nodelay(s, 1);
    if (np_poller_add(L->srv->poller, s, NP_POLL_IN, c) != NP_OK) {
        nt_table_remove(&L->conns, c->id);
        np_socket_close(s);
        free(c);
        return;
    }
    c->watching = NP_POLL_IN;
    nt_srv_connect(L->srv, c->id, peer);
    drain(L);
}

/* Listeners are registered with no data; connections with their ev_conn. */
static int is_listener(const np_poll_event *ev)
{
    return ev->data == NULL;
}

/* Deadlines of closing connections, the pause after running out of
 * descriptors, and output buffers left idle. */
static void sweep(ev_loop *L, int64_t now)
{
    nt_srv_accept_resume(L->srv, now);
    trim_idle_buffers(L, now);
    if (L->closing > 0) {
        size_t pos = 0;
        ev_conn *c;
        while ((c = nt_table_next(&L->conns, &pos)) != NULL)
            if (c->state != EV_OPEN && now >= c->deadline)
                destroy(L, c);
    }
}

static void begin_shutdown(ev_loop *L)
{
    nt_srv_begin_shutdown(L->srv, L->conns.count);
    L->listening = 0;
    drain(L);
    flush_dirty(L);
}

static int64_t wait_timeout(const ev_loop *L, int64_t until_shutdown)
{
    int64_t t = nt_srv_ms_until(nt_engine_next_tick(L->srv->engine));
    /* Closing connections have deadlines; this is coarse on purpose. */
    if (L->closing > 0)
        t = nt_srv_cap_ms(t, 100);
    if (L->next_trim) {
        int64_t d = L->next_trim - np_now_ms();
        t = nt_srv_cap_ms(t, d < 0 ? 0 : d);
    }
    t = nt_srv_accept_timeout(L->srv, t);
    return nt_srv_cap_ms(t, until_shutdown);
}

np_err nt_run_event(nt_server *srv)
{
    ev_loop L;
    np_poll_event evs[256];
    int64_t stop_deadline = -1;
    np_err err = NP_OK;
    ev_conn *c;
    size_t pos;

    memset(&L, 0, sizeof L);
    L.srv = srv;
    nt_table_init(&L.conns);
    if ((err = nt_srv_watch_listeners(srv)) != NP_OK)
        goto out;
    L.listening = 1;
    L.now = np_now_ms();

    for (;;) {
        int n = 0;
        if (stop_deadline < 0 && atomic_load(&srv->stop)) {
            begin_shutdown(&L);
            stop_deadline = np_now_ms() + NT_SRV_SHUTDOWN_MS;
        }
        if (stop_deadline >= 0 && (L.conns.count == 0 || np_now_ms() >= stop_deadline))
            break;
        err = nt_srv_poll(srv, evs, (int)(sizeof evs / sizeof evs[0]),
                          wait_timeout(&L, stop_deadline < 0 ? -1 : stop_deadline - np_now_ms()),
                          &n);
        L.now = np_now_ms();
        if (err != NP_OK)
            break;
        for (int i = 0; i < n; i++) {
            if (is_listener(&evs[i])) {
                if (L.listening)
                    nt_srv_accept_all(srv, evs[i].sock, new_conn, &L);
                continue;
            }
            /* An earlier event of this batch may have destroyed it (e.g. a
             * SendQ victim of someone's message): it is only buried later. */
            c = evs[i].data;
            if (c->gone)
                continue;
            if (evs[i].events & (NP_POLL_IN | NP_POLL_HUP | NP_POLL_ERR)) {
                if (c->state == EV_CLOSING && !(evs[i].events & NP_POLL_OUT)) {
                    destroy(&L, c);   /* hung up while we flush: nobody to flush to */
                    continue;
                }
                if (c->state != EV_CLOSING)
                    on_readable(&L, c);
            }
            if ((evs[i].events & NP_POLL_OUT) && !c->gone)
                flush(&L, c);
        }
        if (nt_srv_tick_if_due(srv))
            drain(&L);
        flush_dirty(&L);
        sweep(&L, np_now_ms());
        nt_graves_bury(&L.graves);
    }
    err = NP_OK;
out:
    pos = 0;
    while ((c = nt_table_next(&L.conns, &pos)) != NULL)
        destroy(&L, c);
    nt_graves_free(&L.graves);
    nt_table_free(&L.conns);
    nt_ids_free(&L.dirty);
    nt_ids_free(&L.killed);
    nt_ids_free(&L.trim);
    return err;
}
