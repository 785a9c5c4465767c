/* libnatter: the thread transport — a reader and a writer thread per
 * connection, sockets in timeout mode, the engine behind one lock.
 *
 * The reader receives, and under the engine lock feeds the engine and routes
 * its outputs: each line is appended to its connection's output queue (under
 * that connection's lock, bounded by SendQ) and the writer is signalled. The
 * writer takes the whole queue at once and sends it with no lock held, so a
 * slow reader only ever blocks its own writer. The main thread accepts, and
 * ticks the engine when it asks; nt_server_stop wakes it through its poller.
 *
 * Lock order: engine lock, then a connection's lock. Sockets use a short
 * timeout so both threads notice a close or a shutdown without any OS
 * specific way to interrupt a blocked call. */
#include "server_internal.h"

#include <stdlib.h>
#include <string.h>

#define TH_IO_TIMEOUT_MS 250

typedef struct th_server th_server;

typedef struct th_conn {
    th_server *ts;
    nt_conn_id id;
    np_socket_t sock;
    np_mutex *mu;
    np_cond *cv;
    nt_outbuf out;          /* queued for the writer */
    size_t inflight;        /* taken by the writer, not yet sent */
    int closing;            /* the engine asked to close: flush, then FIN */
    int dead;               /* lost or SendQ: stop at once */
    int flushed;            /* the writer is done */
    int64_t close_deadline; /* np_now_ms(): give up flushing */
    int64_t linger_deadline;
    int refs;               /* reader + writer; guarded by the engine lock */
    int registered;         /* reader only */
    nt_framer framer;       /* reader only */
} th_conn;

struct th_server {
    nt_server *srv;
    np_mutex *engine_mu;    /* the engine, the table, refs */
    nt_conn_table conns;
    nt_id_list killed;      /* SendQ victims */
    int64_t scheduled_tick; /* the tick the main thread sleeps towards */
    np_mutex *live_mu;
    np_cond *live_cv;
    int live;               /* running connection threads */
};

/* ---- engine access (engine lock held) --------------------------------------- */

static void wake_conn(th_conn *c)
{
    np_cond_broadcast(c->cv);
}

static void route_send(void *ctx, void *item, nt_line *line)
{
    th_server *ts = ctx;
    th_conn *c = item;
    size_t sendq = ts->srv->cfg.engine.sendq_bytes;
    np_mutex_lock(c->mu);
    if (!c->closing && !c->dead) {
        if (nt_outbuf_append(&c->out, nt_line_data(line), nt_line_len(line), c->inflight,
                             sendq) == 0) {
            wake_conn(c);
        } else {
            c->dead = 1;
            wake_conn(c);
            nt_ids_push(&ts->killed, c->id);
        }
    }
    np_mutex_unlock(c->mu);
    nt_line_unref(line);   /* copied into the output buffer */
}

static void route_close(void *ctx, void *item, const char *reason)
{
    th_server *ts = ctx;
    th_conn *c = item;
    np_mutex_lock(c->mu);
    if (!c->closing && !c->dead)
        nt_srv_note_close(ts->srv, c->id, reason);
    if (!c->closing) {
        /* Also when already over SendQ: the engine has closed it, so the
         * pending SendQ report must not tell it again. */
        c->closing = 1;
        c->close_deadline = np_now_ms() + NT_SRV_FLUSH_MS;
        wake_conn(c);
    }
    np_mutex_unlock(c->mu);
}

static void drain(th_server *ts)
{
    nt_engine *e = ts->srv->engine;
    th_conn *c;
    int64_t next;
    for (;;) {
        nt_srv_route_outputs(e, &ts->conns, route_send, route_close, ts);
        if (ts->killed.n == 0)
            break;
        while ((c = nt_ids_pop_live(&ts->killed, &ts->conns)) != NULL) {
            int engine_closed;
            np_mutex_lock(c->mu);
            engine_closed = c->closing;
            np_mutex_unlock(c->mu);
            if (!engine_closed)
                nt_srv_report_loss(ts->srv, c->id, "SendQ exceeded");
            /* Unblock its threads now rather than at their next timeout. */
            np_shutdown(c->sock, NP_SHUT_RDWR);
        }
    }
    /* Something made the engine want an earlier tick (a flood-delayed line):
     * the main thread sleeps towards the old one, so wake it. */
    next = nt_engine_next_tick(e);
    if (next >= 0 && (ts->scheduled_tick < 0 || next < ts->scheduled_tick))
        np_poller_wakeup(ts->srv->poller);
}

/* The connection is lost (reader saw EOF or an error). */
static void conn_lost(th_server *ts, th_conn *c, np_err err)
{
    int report;
    np_mutex_lock(ts->engine_mu);
    np_mutex_lock(c->mu);
    report = !c->closing && !c->dead;
    c->dead = 1;
    wake_conn(c);
    np_mutex_unlock(c->mu);
    if (report) {
        nt_srv_report_loss(ts->srv, c->id, nt_srv_loss_reason(err));
        drain(ts);
    }
    np_mutex_unlock(ts->engine_mu);
}

static void conn_release(th_server *ts, th_conn *c)
{
    int last;
    np_mutex_lock(ts->engine_mu);
    last = --c->refs == 0;
    if (last)
        nt_table_remove(&ts->conns, c->id);
    np_mutex_unlock(ts->engine_mu);
    if (!last)
        return;
    np_socket_close(c->sock);
    nt_outbuf_free(&c->out);
    nt_framer_free(&c->framer);
    np_cond_destroy(c->cv);
    np_mutex_destroy(c->mu);
    free(c);
}

static void thread_exit(th_server *ts)
{
    np_mutex_lock(ts->live_mu);
    ts->live--;
    np_cond_broadcast(ts->live_cv);
    np_mutex_unlock(ts->live_mu);
}

/* ---- the two threads of a connection ----------------------------------------- */

static void reader_main(void *arg)
{
    th_conn *c = arg;
    th_server *ts = c->ts;
    char buf[NT_SRV_READ_CHUNK];
    int feeding = 1;
    for (;;) {
        size_t got = 0;
        np_err err = np_recv(c->sock, buf, sizeof buf, &got);
        int closing, dead;
        np_mutex_lock(c->mu);
        closing = c->closing;
        dead = c->dead;
        if (closing && c->flushed && np_now_ms() >= c->linger_deadline)
            dead = 1;
        if (closing && np_now_ms() >= c->close_deadline + NT_SRV_LINGER_MS)
            dead = 1;
        np_mutex_unlock(c->mu);
        if (dead)
            break;
        if (err == NP_ETIMEDOUT || err == NP_EAGAIN) {
            nt_framer_trim(&c->framer);   /* quiet: an idle connection holds no buffer */
            continue;
        }
        if (err != NP_OK || got == 0) {
            conn_lost(ts, c, err);
            break;
        }
        if (closing || !feeding)
            continue;   /* after our close or an overflow, input is dropped */
        np_mutex_lock(ts->engine_mu);
        np_mutex_lock(c->mu);
        dead = c->dead || c->closing;
        np_mutex_unlock(c->mu);
        if (!dead) {
            feeding = nt_srv_input(ts->srv, &c->framer, c->id, buf, got, &c->registered);
            drain(ts);
        }
        np_mutex_unlock(ts->engine_mu);
    }
    np_mutex_lock(c->mu);
    c->dead = 1;   /* the writer has nobody to write to any more */
    wake_conn(c);
    np_mutex_unlock(c->mu);
    conn_release(ts, c);
    thread_exit(ts);
}

/* Send all of b, in timeout mode, rechecking for death between timeouts. */
static int send_batch(th_conn *c, nt_outbuf *b)
{
    while (nt_outbuf_pending(b) > 0) {
        size_t sent = 0;
        np_err err = np_send(c->sock, nt_outbuf_head(b), nt_outbuf_pending(b), &sent);
        nt_outbuf_consume(b, sent);
        np_mutex_lock(c->mu);
        c->inflight = nt_outbuf_pending(b);
        if (c->dead || (c->closing && np_now_ms() >= c->close_deadline))
            err = NP_ESHUTDOWN;
        np_mutex_unlock(c->mu);
        if (err != NP_OK && err != NP_ETIMEDOUT && err != NP_EAGAIN)
            return -1;
    }
    return 0;
}

static void writer_main(void *arg)
{
    th_conn *c = arg;
    th_server *ts = c->ts;
    nt_outbuf batch;
    int failed = 0;
    memset(&batch, 0, sizeof batch);
    np_mutex_lock(c->mu);
    for (;;) {
        while (!c->dead && !c->closing && nt_outbuf_pending(&c->out) == 0)
            np_cond_wait(c->cv, c->mu);
        if (c->dead)
            break;
        if (nt_outbuf_pending(&c->out) > 0) {
            nt_outbuf_take(&c->out, &batch);
            c->inflight = nt_outbuf_pending(&batch);
            np_mutex_unlock(c->mu);
            failed = send_batch(c, &batch) != 0;
            np_mutex_lock(c->mu);
            if (failed)
                break;
            continue;
        }
        /* closing, and everything is out: FIN, then the reader lingers. */
        np_mutex_unlock(c->mu);
        np_shutdown(c->sock, NP_SHUT_WR);
        np_mutex_lock(c->mu);
        c->linger_deadline = np_now_ms() + NT_SRV_LINGER_MS;
        break;
    }
    c->flushed = 1;
    np_mutex_unlock(c->mu);
    if (failed) {
        /* A write error: the reader will see the same on its next call;
         * make sure it does not wait for a timeout to find out. */
        np_shutdown(c->sock, NP_SHUT_RDWR);
    }
    nt_outbuf_free(&batch);
    conn_release(ts, c);
    thread_exit(ts);
}

/* ---- the main thread ------------------------------------------------------ */

static int start_thread(th_server *ts, np_thread_fn fn, th_conn *c)
{
    np_thread *t;
    np_mutex_lock(ts->live_mu);
    ts->live++;
    np_mutex_unlock(ts->live_mu);
    if (np_thread_create(&t, fn, c) != NP_OK) {
        thread_exit(ts);
        return -1;
    }
    np_thread_detach(t);
    return 0;
}

static void new_conn(void *ctx, np_socket_t s, const np_addr *peer)
{
    th_server *ts = ctx;
    th_conn *c = calloc(1, sizeof *c);
    int started = 0;
    if (!c || np_mutex_create(&c->mu) != NP_OK)
        goto fail;
    if (np_cond_create(&c->cv) != NP_OK)
        goto fail_mutex;
    c->ts = ts;
    c->sock = s;
    c->refs = 2;
    nt_framer_init(&c->framer);
    np_socket_set_timeout(s, TH_IO_TIMEOUT_MS);
    np_set_nodelay(s, 1);

    np_mutex_lock(ts->engine_mu);
    c->id = nt_table_add(&ts->conns, c);
    np_mutex_unlock(ts->engine_mu);
    if (!c->id)
        goto fail_cond;
    np_mutex_lock(ts->engine_mu);
    nt_srv_connect(ts->srv, c->id, peer);
    drain(ts);
    np_mutex_unlock(ts->engine_mu);

    started += start_thread(ts, writer_main, c) == 0;
    if (started == 1)
        started += start_thread(ts, reader_main, c) == 0;
    if (started < 2) {
        nt_srv_log(ts->srv, NT_LOG_ERROR, "cannot start a thread for connection %u.%u",
                   NT_SRV_ID(c->id));
        conn_lost(ts, c, NP_ENOMEM);
        for (int i = started; i < 2; i++)
            conn_release(ts, c);
    }
    return;
fail_cond:
    np_cond_destroy(c->cv);
fail_mutex:
    np_mutex_destroy(c->mu);
fail:
    free(c);
    np_socket_close(s);
}

static void tick_if_due(th_server *ts)
{
    np_mutex_lock(ts->engine_mu);
    if (nt_srv_tick_if_due(ts->srv))
        drain(ts);
    ts->scheduled_tick = nt_engine_next_tick(ts->srv->engine);
    np_mutex_unlock(ts->engine_mu);
}

/* Wait until every connection thread has ended, at most until deadline
 * (np_now_ms); 1 if they all did. */
static int wait_threads(th_server *ts, int64_t deadline)
{
    int done;
    np_mutex_lock(ts->live_mu);
    while (ts->live > 0 && np_now_ms() < deadline)
        np_cond_timedwait(ts->live_cv, ts->live_mu, 50);
    done = ts->live == 0;
    np_mutex_unlock(ts->live_mu);
    return done;
}

static void shut_down(th_server *ts)
{
    size_t pos = 0;
    th_conn *c;
    np_mutex_lock(ts->engine_mu);
    nt_srv_begin_shutdown(ts->srv, ts->conns.count);
    drain(ts);
    np_mutex_unlock(ts->engine_mu);
    if (wait_threads(ts, np_now_ms() + NT_SRV_SHUTDOWN_MS))
        return;
    /* Clients that would not take their ERROR line: cut them off. */
    np_mutex_lock(ts->engine_mu);
    while ((c = nt_table_next(&ts->conns, &pos)) != NULL) {
        np_mutex_lock(c->mu);
        c->dead = 1;
        wake_conn(c);
        np_mutex_unlock(c->mu);
        np_shutdown(c->sock, NP_SHUT_RDWR);
    }
    np_mutex_unlock(ts->engine_mu);
    /* Every thread notices within one I/O timeout. */
    if (!wait_threads(ts, np_now_ms() + 10 * TH_IO_TIMEOUT_MS + 2000))
        nt_srv_log(ts->srv, NT_LOG_ERROR, "connection threads did not end");
}

np_err nt_run_thread(nt_server *srv)
{
    th_server ts;
    np_err err = NP_OK;
    memset(&ts, 0, sizeof ts);
    ts.srv = srv;
    ts.scheduled_tick = -1;
    nt_table_init(&ts.conns);
    if ((err = np_mutex_create(&ts.engine_mu)) != NP_OK)
        return err;
    if ((err = np_mutex_create(&ts.live_mu)) != NP_OK ||
        (err = np_cond_create(&ts.live_cv)) != NP_OK)
        goto out;
    if ((err = nt_srv_watch_listeners(srv)) != NP_OK)
        goto out;

    while (!atomic_load(&srv->stop)) {
        np_poll_event evs[NT_SERVER_MAX_LISTEN];
        int n = 0;
        int64_t timeout;
        np_mutex_lock(ts.engine_mu);
        timeout = nt_srv_accept_timeout(srv, nt_srv_ms_until(ts.scheduled_tick));
        np_mutex_unlock(ts.engine_mu);
        if ((err = nt_srv_poll(srv, evs, NT_SERVER_MAX_LISTEN, timeout, &n)) != NP_OK)
            break;
        for (int i = 0; i < n; i++)
            nt_srv_accept_all(srv, evs[i].sock, new_conn, &ts);
        nt_srv_accept_resume(srv, np_now_ms());
        tick_if_due(&ts);
    }
    shut_down(&ts);
out:
    nt_ids_free(&ts.killed);
    nt_table_free(&ts.conns);
    if (ts.live_cv)
        np_cond_destroy(ts.live_cv);
    if (ts.live_mu)
        np_mutex_destroy(ts.live_mu);
    np_mutex_destroy(ts.engine_mu);
    return err;
}
