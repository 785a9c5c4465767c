/* libnatter: the fork transport (only where fork exists) — a process per
 * connection owning its client socket, and the parent, the hub, owning the
 * engine. Each child talks to the hub over an np_socketpair with tiny frames:
 *
 *     [type: 1 byte][length: 4 bytes, big-endian][payload]
 *     up   (child -> hub)  'D' bytes the client sent   'E' the client is gone: reason
 *     down (hub -> child)  'D' bytes for the client    'C' flush, say goodbye, exit
 *
 * The hub frames the client's bytes into lines itself, exactly as the event
 * transport does, so every mode feeds the engine the same way. The hub never
 * blocks: it is an event loop over listeners and pairs. A child that crashes
 * or is killed closes its end of the pair by dying; the hub sees end of file
 * and tells the engine "Connection closed", so the others see a QUIT. Children
 * enforce SendQ on their own buffer (the hub's buffer to a child stays small
 * because a healthy child reads the pair at once). */
#include "server_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if NP_HAVE_FORK

#define FK_HDR 5
#define FK_MAX_FRAME (FK_HDR + NT_SRV_READ_CHUNK + 256)
#define FK_PAIR_TIMEOUT_MS 10000

enum { FK_OPEN, FK_CLOSING };

typedef struct fk_conn {
    nt_conn_id id;
    np_socket_t pair;     /* the hub's end, non-blocking */
    long pid;
    int state;
    int registered, feeding, gone, dirty;
    int broken;           /* writing to the child failed: its last words are still to be read */
    unsigned watching;
    int64_t deadline;     /* CLOSING: kill the child if it has not gone by then */
    nt_outbuf out;        /* frames for the child */
    char in[FK_MAX_FRAME];
    size_t inlen;
    nt_framer framer;
} fk_conn;

typedef struct fk_hub {
    nt_server *srv;
    nt_conn_table conns;
    nt_graves graves;
    nt_id_list dirty;
    int unreaped;         /* children gone from the table, maybe not yet waited for */
    size_t closing;
} fk_hub;

/* ---- frames ----------------------------------------------------------------- */

static int frame_append(nt_outbuf *b, char type, const char *data, size_t len, size_t limit)
{
    unsigned char hdr[FK_HDR];
    hdr[0] = (unsigned char)type;
    hdr[1] = (unsigned char)(len >> 24);
    hdr[2] = (unsigned char)(len >> 16);
    hdr[3] = (unsigned char)(len >> 8);
    hdr[4] = (unsigned char)len;
    if (limit && nt_outbuf_pending(b) + FK_HDR + len > limit)
        return -1;
    if (nt_outbuf_append(b, (const char *)hdr, FK_HDR, 0, 0) != 0)
        return -1;
    return nt_outbuf_append(b, data, len, 0, 0);
}

/* The next whole frame in buf[0..len): 1 with *type, *payload, *plen and
 * *used set; 0 if incomplete; -1 if malformed. */
static int frame_next(const char *buf, size_t len, char *type, const char **payload,
                      size_t *plen, size_t *used)
{
    const unsigned char *u = (const unsigned char *)buf;
    size_t n;
    if (len < FK_HDR)
        return 0;
    n = (size_t)u[1] << 24 | (size_t)u[2] << 16 | (size_t)u[3] << 8 | (size_t)u[4];
    if (n > FK_MAX_FRAME - FK_HDR)
        return -1;
    if (len < FK_HDR + n)
        return 0;
    *type = buf[0];
    *payload = buf + FK_HDR;
    *plen = n;
    *used = FK_HDR + n;
    return 1;
}

/* ---- the child ------------------------------------------------------------------ */

static void child_ignore_terminate(void *ctx)
{
    /* Ctrl-C in a terminal reaches the whole process group: the child waits
     * for the hub, which sends the ERROR line and then the close. */
    (void)ctx;
}

static void child_say(np_socket_t pair, char type, const char *text)
{
    nt_outbuf b;
    memset(&b, 0, sizeof b);
    if (frame_append(&b, type, text, strlen(text), 0) == 0)
        np_sendall(pair, nt_outbuf_head(&b), nt_outbuf_pending(&b), NULL);
    nt_outbuf_free(&b);
}

/* Serve one client until it or the hub is gone; never returns. */
static void child_main(np_socket_t client, np_socket_t pair, size_t sendq)
{
    np_poller *p = NULL;
    nt_outbuf out, up;
    char *down = malloc(FK_MAX_FRAME), *buf = malloc(NT_SRV_READ_CHUNK);
    size_t downlen = 0;
    int closing = 0, lingering = 0;
    int64_t deadline = -1;

    memset(&out, 0, sizeof out);
    memset(&up, 0, sizeof up);
    np_on_terminate(child_ignore_terminate, NULL);
    if (!down || !buf || np_poller_open(&p) != NP_OK ||
        np_socket_set_blocking(client, 0) != NP_OK ||
        np_socket_set_timeout(pair, FK_PAIR_TIMEOUT_MS) != NP_OK ||
        np_poller_add(p, client, NP_POLL_IN, NULL) != NP_OK ||
        np_poller_add(p, pair, NP_POLL_IN, (void *)pair) != NP_OK) {
        child_say(pair, 'E', "Out of resources");
        _Exit(1);
    }
    for (;;) {
        np_poll_event evs[2];
        int n = 0;
        int64_t timeout = deadline < 0 ? -1 : deadline - np_now_ms();
        unsigned want;
        if (deadline >= 0 && timeout <= 0)
            break;
        if (np_poller_wait(p, evs, 2, timeout, &n) != NP_OK)
            break;
        for (int i = 0; i < n; i++) {
            size_t got = 0;
            np_err err;
            if (evs[i].data == NULL) {   /* the client */
                if (!(evs[i].events & (NP_POLL_IN | NP_POLL_HUP | NP_POLL_ERR)))
                    continue;
                err = np_recv(client, buf, NT_SRV_READ_CHUNK, &got);
                if (err == NP_EAGAIN)
                    continue;
                if (err != NP_OK || got == 0) {
                    if (!closing)
                        child_say(pair, 'E', nt_srv_loss_reason(err));
                    goto done;
                }
                if (closing)
                    continue;   /* lingering: dropped */
                /* Blocking (with a timeout) on the pair: the hub always reads,
                 * and waiting here holds the client back, as TCP would. */
                if (frame_append(&up, 'D', buf, got, 0) != 0 ||
                    np_sendall(pair, nt_outbuf_head(&up), nt_outbuf_pending(&up), NULL) != NP_OK)
                    goto done;
                nt_outbuf_consume(&up, nt_outbuf_pending(&up));
                continue;
            }
            /* the hub */
            err = np_recv(pair, down + downlen, FK_MAX_FRAME - downlen, &got);
            if (err == NP_ETIMEDOUT || err == NP_EAGAIN)
                continue;
            if (err != NP_OK || got == 0)
                goto done;   /* the hub is gone: so is this server */
            downlen += got;
            for (;;) {
                char type;
                const char *payload;
                size_t plen, used;
                int r = frame_next(down, downlen, &type, &payload, &plen, &used);
                if (r < 0)
                    goto done;
                if (r == 0)
                    break;
                if (type == 'D' && !closing) {
                    if (nt_outbuf_append(&out, payload, plen, 0, sendq) != 0) {
                        child_say(pair, 'E', "SendQ exceeded");
                        goto done;
                    }
                } else if (type == 'C') {
                    closing = 1;
                    deadline = np_now_ms() + NT_SRV_FLUSH_MS;
                }
                memmove(down, down + used, downlen - used);
                downlen -= used;
            }
        }
        if (nt_outbuf_pending(&out) > 0) {
            size_t sent = 0;
            np_err err = np_send(client, nt_outbuf_head(&out), nt_outbuf_pending(&out), &sent);
            if (err != NP_OK && err != NP_EAGAIN) {
                if (!closing)
                    child_say(pair, 'E', nt_srv_loss_reason(err));
                goto done;
            }
            nt_outbuf_consume(&out, sent);
        }
        if (closing && !lingering && nt_outbuf_pending(&out) == 0) {
            np_shutdown(client, NP_SHUT_WR);
            lingering = 1;
            deadline = np_now_ms() + NT_SRV_LINGER_MS;
        }
        want = (lingering || !closing ? NP_POLL_IN : 0) |
               (nt_outbuf_pending(&out) > 0 ? NP_POLL_OUT : 0);
        np_poller_modify(p, client, want, NULL);
    }
done:
    /* Our own buffers and the sockets, nothing of the hub's: _Exit skips the
     * parent's atexit handlers and stdio buffers, which are the hub's. Freed
     * although the process ends, so that memcheck sees a child leak nothing. */
    np_poller_close(p);
    nt_outbuf_free(&out);
    nt_outbuf_free(&up);
    free(down);
    free(buf);
    np_socket_close(client);
    np_socket_close(pair);
    _Exit(0);
}

/* ---- the hub ------------------------------------------------------------------- */

static void destroy(fk_hub *H, fk_conn *c)
{
    if (c->gone)
        return;
    if (c->state == FK_CLOSING)
        H->closing--;
    np_poller_remove(H->srv->poller, c->pair);
    np_socket_close(c->pair);
    nt_table_remove(&H->conns, c->id);
    nt_outbuf_free(&c->out);
    nt_framer_free(&c->framer);
    c->gone = 1;
    H->unreaped++;
    nt_graves_add(&H->graves, c);
}

static void bury(fk_hub *H)
{
    nt_graves_bury(&H->graves);
    if (H->unreaped > 0)
        H->unreaped -= np_reap_children();
    if (H->unreaped < 0)
        H->unreaped = 0;
}

static void mark_dirty(fk_hub *H, fk_conn *c)
{
    if (!c->dirty && nt_ids_push(&H->dirty, c->id) == 0)
        c->dirty = 1;
}

static void lost(fk_hub *H, fk_conn *c, const char *reason);

static void send_line(void *ctx, void *item, nt_line *line)
{
    fk_hub *H = ctx;
    fk_conn *c = item;
    /* Room for the child's own SendQ plus what is in flight: the child is
     * the one that measures a slow client; this only bounds a stuck child. */
    size_t limit = H->srv->cfg.engine.sendq_bytes ? H->srv->cfg.engine.sendq_bytes * 2 : 0;
    int queued = c->state == FK_OPEN && !c->broken &&
                 frame_append(&c->out, 'D', nt_line_data(line), nt_line_len(line), limit) == 0;
    int over = c->state == FK_OPEN && !c->broken && !queued;
    nt_line_unref(line);   /* the bytes are copied into the frame */
    if (queued)
        mark_dirty(H, c);
    else if (over)
        lost(H, c, "SendQ exceeded");   /* reentrant drain: see lost() */
}

static void start_closing(void *ctx, void *item, const char *reason)
{
    fk_hub *H = ctx;
    fk_conn *c = item;
    if (c->state != FK_OPEN)
        return;
    nt_srv_note_close(H->srv, c->id, reason);
    frame_append(&c->out, 'C', "", 0, 0);
    c->state = FK_CLOSING;
    c->deadline = np_now_ms() + NT_SRV_FLUSH_MS + NT_SRV_LINGER_MS;
    H->closing++;
    mark_dirty(H, c);
}

static void drain(fk_hub *H)
{
    nt_srv_route_outputs(H->srv->engine, &H->conns, send_line, start_closing, H);
}

/* The client is gone (its child said so, died, or fell behind). */
static void lost(fk_hub *H, fk_conn *c, const char *reason)
{
    if (c->state == FK_OPEN) {
        nt_srv_report_loss(H->srv, c->id, reason);
        /* Asking the child to exit is enough; killing covers a stuck one. */
        if (c->pid > 0)
            np_kill(c->pid, 1);
        destroy(H, c);
        drain(H);   /* the QUIT lines; nested drains only ever shrink the table */
    } else {
        destroy(H, c);
    }
}

static void set_watch(fk_hub *H, fk_conn *c)
{
    unsigned want = NP_POLL_IN | (nt_outbuf_pending(&c->out) ? NP_POLL_OUT : 0);
    if (want != c->watching && np_poller_modify(H->srv->poller, c->pair, want, c) == NP_OK)
        c->watching = want;
}

static void flush(fk_hub *H, fk_conn *c)
{
    if (nt_outbuf_pending(&c->out) > 0) {
        size_t sent = 0;
        np_err err = np_send(c->pair, nt_outbuf_head(&c->out), nt_outbuf_pending(&c->out), &sent);
        if (err != NP_OK && err != NP_EAGAIN) {
            /* The child is gone or going; what it said last (an 'E' frame
             * with its reason, or just EOF) is read on the input side. */
            c->broken = 1;
            sent = nt_outbuf_pending(&c->out);
        }
        nt_outbuf_consume(&c->out, sent);
    }
    set_watch(H, c);
}

static void flush_one(void *ctx, void *item)
{
    fk_conn *c = item;
    c->dirty = 0;
    flush(ctx, c);
}

static void flush_dirty(fk_hub *H)
{
    nt_ids_each(&H->dirty, &H->conns, flush_one, H);
}

static void on_pair_readable(fk_hub *H, fk_conn *c)
{
    size_t got = 0, at = 0;
    np_err err = np_recv(c->pair, c->in + c->inlen, sizeof c->in - c->inlen, &got);
    if (err == NP_EAGAIN)
        return;
    if (err != NP_OK || got == 0) {
        /* The child exited without a word: a crash, or kill -9. */
        lost(H, c, "Connection closed");
        return;
    }
    c->inlen += got;
    for (;;) {
        char type;
        const char *payload;
        size_t plen, used;
        int r = frame_next(c->in + at, c->inlen - at, &type, &payload, &plen, &used);
        if (r < 0) {
            lost(H, c, "Internal error");
            return;
        }
        if (r == 0)
            break;
        at += used;
        if (type == 'E') {
            char reason[128];
            snprintf(reason, sizeof reason, "%.*s", (int)plen, payload);
            lost(H, c, reason);
            return;
        }
        if (type == 'D' && c->state == FK_OPEN && c->feeding) {
            c->feeding = nt_srv_input(H->srv, &c->framer, c->id, payload, plen, &c->registered);
            drain(H);
            if (c->gone)
                return;
        }
    }
    memmove(c->in, c->in + at, c->inlen - at);
    c->inlen -= at;
}

/* In the child right after fork: drop everything that is the hub's. */
static void child_drop_hub(fk_hub *H, np_socket_t keep_pair)
{
    size_t pos = 0;
    fk_conn *c;
    while ((c = nt_table_next(&H->conns, &pos)) != NULL)
        if (c->pair != keep_pair)
            np_socket_close(c->pair);
    for (size_t i = 0; i < H->srv->nlisten; i++)
        np_socket_close(H->srv->listeners[i]);
    /* Closes the descriptors only: the hub's registrations live on in its
     * own copies. */
    np_poller_close(H->srv->poller);
}

static void new_conn(void *ctx, np_socket_t s, const np_addr *peer)
{
    fk_hub *H = ctx;
    np_socket_t pair[2];
    fk_conn *c;
    long pid = -1;
    np_err err;

    if ((err = np_socketpair(NP_AF_UNSPEC, NP_SOCK_STREAM, pair)) != NP_OK) {
        nt_srv_log(H->srv, NT_LOG_WARN, "socketpair: %s", np_strerror(err));
        np_socket_close(s);
        return;
    }
    c = calloc(1, sizeof *c);
    if (!c || !(c->id = nt_table_add(&H->conns, c)))
        goto fail;
    c->pair = pair[0];
    c->feeding = 1;
    nt_framer_init(&c->framer);
    fflush(NULL);   /* nothing buffered may be written twice */
    if ((err = np_fork(&pid)) != NP_OK) {
        nt_srv_log(H->srv, NT_LOG_WARN, "fork: %s", np_strerror(err));
        nt_table_remove(&H->conns, c->id);
        goto fail;
    }
    if (pid == 0) {
        child_drop_hub(H, NP_INVALID_SOCKET);
        child_main(s, pair[1], H->srv->cfg.engine.sendq_bytes);
    }
    np_socket_close(pair[1]);
    np_socket_close(s);
    c->pid = pid;
    np_socket_set_blocking(c->pair, 0);
    if (np_poller_add(H->srv->poller, c->pair, NP_POLL_IN, c) != NP_OK) {
        np_kill(pid, 1);
        nt_table_remove(&H->conns, c->id);
        np_socket_close(c->pair);
        free(c);
        H->unreaped++;
        return;
    }
    c->watching = NP_POLL_IN;
    nt_srv_connect(H->srv, c->id, peer);
    nt_srv_log(H->srv, NT_LOG_INFO, "connection %u.%u served by process %ld", NT_SRV_ID(c->id),
               pid);
    drain(H);
    return;
fail:
    free(c);
    np_socket_close(pair[0]);
    np_socket_close(pair[1]);
    np_socket_close(s);
}

static void sweep(fk_hub *H, int64_t now)
{
    size_t pos = 0;
    fk_conn *c;
    nt_srv_accept_resume(H->srv, now);
    if (H->closing == 0)
        return;
    while ((c = nt_table_next(&H->conns, &pos)) != NULL)
        if (c->state == FK_CLOSING && now >= c->deadline) {
            np_kill(c->pid, 1);
            destroy(H, c);
        }
}

np_err nt_run_fork(nt_server *srv)
{
    fk_hub H;
    np_poll_event evs[256];
    int64_t stop_deadline = -1;
    np_err err = NP_OK;
    fk_conn *c;
    size_t pos;

    memset(&H, 0, sizeof H);
    H.srv = srv;
    nt_table_init(&H.conns);
    if ((err = nt_srv_watch_listeners(srv)) != NP_OK)
        goto out;

    for (;;) {
        int n = 0;
        int64_t timeout;
        if (stop_deadline < 0 && atomic_load(&srv->stop)) {
            nt_srv_begin_shutdown(srv, H.conns.count);
            drain(&H);
            flush_dirty(&H);
            stop_deadline = np_now_ms() + NT_SRV_SHUTDOWN_MS;
        }
        if (stop_deadline >= 0 && (H.conns.count == 0 || np_now_ms() >= stop_deadline))
            break;
        timeout = nt_srv_ms_until(nt_engine_next_tick(srv->engine));
        if (H.closing > 0 || H.unreaped > 0 || stop_deadline >= 0)
            timeout = nt_srv_cap_ms(timeout, 100);
        timeout = nt_srv_accept_timeout(srv, timeout);
        if ((err = nt_srv_poll(srv, evs, 256, timeout, &n)) != NP_OK)
            break;
        for (int i = 0; i < n; i++) {
            if (evs[i].data == NULL) {
                if (stop_deadline < 0)
                    nt_srv_accept_all(srv, evs[i].sock, new_conn, &H);
                continue;
            }
            c = evs[i].data;
            if (c->gone)
                continue;
            if (evs[i].events & (NP_POLL_IN | NP_POLL_HUP | NP_POLL_ERR))
                on_pair_readable(&H, c);
            if ((evs[i].events & NP_POLL_OUT) && !c->gone)
                flush(&H, c);
        }
        if (nt_srv_tick_if_due(srv))
            drain(&H);
        flush_dirty(&H);
        sweep(&H, np_now_ms());
        bury(&H);
    }
    err = NP_OK;
out:
    pos = 0;
    while ((c = nt_table_next(&H.conns, &pos)) != NULL) {
        np_kill(c->pid, 1);
        destroy(&H, c);
    }
    bury(&H);
    /* Wait for the last children (they were killed or are exiting). */
    for (int i = 0; i < 50 && H.unreaped > 0; i++) {
        np_sleep_ms(20);
        H.unreaped -= np_reap_children();
    }
    nt_table_free(&H.conns);
    nt_graves_free(&H.graves);
    nt_ids_free(&H.dirty);
    return err;
}

#endif /* NP_HAVE_FORK */
