/* bench-refserver: the physical reference for the fanout benchmark — a
 * broadcast server written for the benchmark, with no protocol work, so that
 * its figures are what the machine's kernel and loopback allow.
 *
 * One thread, np_poller (epoll), non-blocking sockets, accept in a loop until
 * EAGAIN. Every PRIVMSG, JOIN and PART line received in a loop turn is
 * serialized once (with the sender's fixed "nick!~b@127.0.0.1" prefix, so the
 * lines are as long as a real server's) into one batch; at the end of the
 * turn each connection gets the batch with one send. Connections whose own
 * lines are in the batch get a copy without them; everyone else is sent the
 * batch itself, so a broadcast costs no copy, no allocation and one system
 * call per recipient. Only a connection that cannot take it all keeps the
 * rest in its own queue.
 *
 * There are no channels: everything goes to every other connection. Just
 * enough replies exist for natter-bench's flow: USER (after NICK) -> 001,
 * JOIN -> the JOIN back and 366, PART -> the PART back, PING -> PONG,
 * QUIT -> ERROR and close.
 *
 * --fault (refserver_fault.h) makes it lose, duplicate or delay messages, for
 * the smoke test that proves natter-bench notices; then every recipient takes
 * the copying path. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <np/np.h>

#include "refserver_fault.h"

#define LINE_MAX_IN 1024          /* a longer line closes the connection */
#define SCRATCH (64 * 1024)
#define MAX_EVENTS 1024
#define OUT_LIMIT (64u * 1024 * 1024)   /* a reader this far behind is dropped */

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

typedef struct rconn {
    np_socket_t sock;
    int dead, closing, registered, has_user, in_batch, watching_out, dirty;
    char nick[32];
    char prefix[64];              /* ":nick!~b@127.0.0.1 " */
    size_t prefix_len;
    buf out;                      /* what the socket has not taken yet */
    size_t carry_len;
    char *carry;                  /* an unfinished line (LINE_MAX_IN, made on demand:
                                     most connections never need one) */
} rconn;

typedef struct server {
    np_poller *poller;
    np_socket_t listener;
    const char *name;
    rconn **conns;
    size_t nconns, cap;
    buf batch;                    /* this turn's broadcast lines */
    buf filtered;                 /* the batch without one sender's lines */
    rconn **senders;              /* connections with lines in the batch */
    size_t nsenders, senders_cap;
    rconn **dirty;                /* connections with direct replies queued */
    size_t ndirty, dirty_cap;
    struct bline {
        size_t off, len;
        rconn *from;
    } *lines;
    size_t nlines, lines_cap;
    char scratch[SCRATCH + LINE_MAX_IN];
    ref_fault fault;
    volatile int stop;
} server;

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t c = *cap ? *cap : 64;
    void *q;
    if (need <= *cap)
        return 1;
    while (c < need)
        c *= 2;
    if (!(q = realloc(*p, c * elem)))
        return 0;
    *p = q;
    *cap = c;
    return 1;
}

static int buf_add(buf *b, const char *data, size_t len)
{
    if (!grow((void **)&b->p, &b->cap, b->len + len, 1))
        return 0;
    memcpy(b->p + b->len, data, len);
    b->len += len;
    return 1;
}

static void kill_conn(rconn *c)
{
    c->dead = 1;
}

static void mark_dirty(server *s, rconn *c)
{
    if (c->dirty || !grow((void **)&s->dirty, &s->dirty_cap, s->ndirty + 1, sizeof *s->dirty))
        return;
    c->dirty = 1;
    s->dirty[s->ndirty++] = c;
}

/* A reply for c alone, sent at the end of the turn. */
static void reply(server *s, rconn *c, const char *text, size_t len)
{
    if (c->out.len + len > OUT_LIMIT || !buf_add(&c->out, text, len)) {
        kill_conn(c);
        return;
    }
    mark_dirty(s, c);
}

static void replyf(server *s, rconn *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void replyf(server *s, rconn *c, const char *fmt, ...)
{
    char line[600];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof line)
        reply(s, c, line, (size_t)n);
}

/* prefix + line + CR LF into the batch, for everyone but c. */
static void broadcast(server *s, rconn *c, const char *line, size_t len)
{
    size_t off = s->batch.len;
    if (!grow((void **)&s->lines, &s->lines_cap, s->nlines + 1, sizeof *s->lines) ||
        !buf_add(&s->batch, c->prefix, c->prefix_len) || !buf_add(&s->batch, line, len) ||
        !buf_add(&s->batch, "\r\n", 2))
        return;
    s->lines[s->nlines].off = off;
    s->lines[s->nlines].len = s->batch.len - off;
    s->lines[s->nlines].from = c;
    s->nlines++;
    if (!c->in_batch &&
        grow((void **)&s->senders, &s->senders_cap, s->nsenders + 1, sizeof *s->senders)) {
        c->in_batch = 1;
        s->senders[s->nsenders++] = c;
    }
}

static int word_is(const char *line, size_t len, const char *w)
{
    size_t n = strlen(w);
    return len >= n && memcmp(line, w, n) == 0 && (len == n || line[n] == ' ');
}

static void welcome(server *s, rconn *c)
{
    if (c->registered || !c->nick[0] || !c->has_user)
        return;
    c->registered = 1;
    replyf(s, c, ":%s 001 %s :Welcome to the reference server, %s\r\n", s->name, c->nick,
           c->nick);
}

/* The length of the first word of p (len bytes, not NUL-terminated). */
static size_t word_len(const char *p, size_t len)
{
    const char *sp = p ? memchr(p, ' ', len) : NULL;
    return p ? (sp ? (size_t)(sp - p) : len) : 0;
}

static void on_line(server *s, rconn *c, const char *line, size_t len)
{
    const char *arg = memchr(line, ' ', len);
    size_t alen = arg ? len - (size_t)(++arg - line) : 0;
    if (word_is(line, len, "PRIVMSG")) {
        broadcast(s, c, line, len);
    } else if (word_is(line, len, "JOIN") || word_is(line, len, "PART")) {
        size_t chan = word_len(arg, alen);
        reply(s, c, c->prefix, c->prefix_len);
        reply(s, c, line, len);
        reply(s, c, "\r\n", 2);
        if (line[0] == 'J')
            replyf(s, c, ":%s 366 %s %.*s :End of /NAMES list.\r\n", s->name, c->nick,
                   (int)chan, arg ? arg : "");
        broadcast(s, c, line, len);
    } else if (word_is(line, len, "PING")) {
        if (arg && *arg == ':')
            arg++, alen--;
        replyf(s, c, ":%s PONG %s :%.*s\r\n", s->name, s->name, (int)alen, arg ? arg : "");
    } else if (word_is(line, len, "NICK") && arg) {
        size_t n = word_len(arg, alen);
        if (n >= sizeof c->nick)
            n = sizeof c->nick - 1;
        memcpy(c->nick, arg, n);
        c->nick[n] = '\0';
        c->prefix_len = (size_t)snprintf(c->prefix, sizeof c->prefix, ":%s!~b@127.0.0.1 ",
                                         c->nick);
        welcome(s, c);
    } else if (word_is(line, len, "USER")) {
        c->has_user = 1;
        welcome(s, c);
    } else if (word_is(line, len, "QUIT")) {
        reply(s, c, "ERROR :Closing link\r\n", 21);
        c->closing = 1;
    }
}

static void on_readable(server *s, rconn *c)
{
    for (int reads = 0; reads < 4 && !c->dead && !c->closing; reads++) {
        size_t have = c->carry_len, got = 0;
        char *p, *end, *nl;
        np_err err;
        if (have)
            memcpy(s->scratch, c->carry, have);
        err = np_recv(c->sock, s->scratch + have, SCRATCH, &got);
        if (err == NP_EAGAIN)
            return;
        if (err != NP_OK || got == 0) {
            kill_conn(c);
            return;
        }
        p = s->scratch;
        end = p + have + got;
        while (!c->closing && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
            size_t n = (size_t)(nl - p);
            if (n > 0 && p[n - 1] == '\r')
                n--;
            if (n > 0)
                on_line(s, c, p, n);
            p = nl + 1;
        }
        if ((size_t)(end - p) >= LINE_MAX_IN) {
            kill_conn(c);
            return;
        }
        c->carry_len = (size_t)(end - p);
        if (c->carry_len && !c->carry && !(c->carry = malloc(LINE_MAX_IN))) {
            kill_conn(c);
            return;
        }
        if (c->carry_len)
            memcpy(c->carry, p, c->carry_len);
        if (got < SCRATCH)
            return;
    }
}

static void set_out(server *s, rconn *c, int on)
{
    if (c->watching_out != on) {
        np_poller_modify(s->poller, c->sock, on ? NP_POLL_IN | NP_POLL_OUT : NP_POLL_IN, c);
        c->watching_out = on;
    }
}

static void flush_queue(server *s, rconn *c)
{
    size_t sent = 0;
    np_err err;
    if (c->out.len == 0)
        return;
    err = np_send(c->sock, c->out.p, c->out.len, &sent);
    if (err != NP_OK && err != NP_EAGAIN) {
        kill_conn(c);
        return;
    }
    memmove(c->out.p, c->out.p + sent, c->out.len - sent);
    c->out.len -= sent;
    set_out(s, c, c->out.len > 0);
}

/* This turn's output for c: data (the batch or a filtered copy), after what
 * it has queued, in one send. */
static void send_turn(server *s, rconn *c, const char *data, size_t len)
{
    size_t sent = 0;
    np_err err;
    if (c->out.len > 0 || c->closing) {
        if (c->out.len + len > OUT_LIMIT || !buf_add(&c->out, data, len)) {
            kill_conn(c);
            return;
        }
        flush_queue(s, c);
        return;
    }
    err = np_send(c->sock, data, len, &sent);
    if (err == NP_EAGAIN)
        sent = 0;
    else if (err != NP_OK) {
        kill_conn(c);
        return;
    }
    if (sent < len) {
        if (!buf_add(&c->out, data + sent, len - sent)) {
            kill_conn(c);
            return;
        }
        set_out(s, c, 1);
    }
}

/* The batch for c through the fault: a copy for everyone. */
static void deliver_faulty(server *s, rconn *c)
{
    s->filtered.len = 0;
    for (size_t k = 0; k < s->nlines; k++) {
        const char *piece[2];
        size_t plen[2];
        int n;
        if (s->lines[k].from == c)
            continue;
        n = ref_fault_apply(&s->fault, c, s->batch.p + s->lines[k].off, s->lines[k].len, piece,
                            plen);
        for (int i = 0; i < n; i++)
            buf_add(&s->filtered, piece[i], plen[i]);
    }
    if (s->filtered.len)
        send_turn(s, c, s->filtered.p, s->filtered.len);
    else
        flush_queue(s, c);
}

static void deliver(server *s)
{
    for (size_t i = 0; i < s->nconns; i++) {
        rconn *c = s->conns[i];
        if (c->dead)
            continue;
        if (s->fault.kind != REF_FAULT_NONE) {
            deliver_faulty(s, c);
            continue;
        }
        if (!c->in_batch) {
            if (s->batch.len)
                send_turn(s, c, s->batch.p, s->batch.len);
            else if (c->dirty)
                flush_queue(s, c);
            continue;
        }
        s->filtered.len = 0;
        for (size_t k = 0; k < s->nlines; k++)
            if (s->lines[k].from != c)
                buf_add(&s->filtered, s->batch.p + s->lines[k].off, s->lines[k].len);
        if (s->filtered.len)
            send_turn(s, c, s->filtered.p, s->filtered.len);
        else
            flush_queue(s, c);
    }
}

/* Only the connections that got a direct reply need a send when nothing was
 * broadcast: no walk over every connection on a quiet turn. */
static void deliver_dirty(server *s)
{
    for (size_t i = 0; i < s->ndirty; i++)
        if (!s->dirty[i]->dead)
            flush_queue(s, s->dirty[i]);
}

static void end_turn(server *s)
{
    if (s->batch.len)
        deliver(s);
    else
        deliver_dirty(s);
    for (size_t i = 0; i < s->nsenders; i++)
        s->senders[i]->in_batch = 0;
    for (size_t i = 0; i < s->ndirty; i++)
        s->dirty[i]->dirty = 0;
    s->nsenders = s->ndirty = s->nlines = 0;
    s->batch.len = 0;
    /* Close the dead, and those that quit once their ERROR is out. */
    for (size_t i = 0; i < s->nconns;) {
        rconn *c = s->conns[i];
        if (c->dead || (c->closing && c->out.len == 0)) {
            np_poller_remove(s->poller, c->sock);
            np_socket_close(c->sock);
            free(c->out.p);
            free(c->carry);
            free(c);
            s->conns[i] = s->conns[--s->nconns];
            continue;
        }
        i++;
    }
}

static void accept_all(server *s)
{
    for (;;) {
        np_socket_t sock;
        rconn *c;
        np_err err = np_accept(s->listener, &sock, NULL);
        if (err != NP_OK)
            return;   /* EAGAIN: the backlog is empty (or EMFILE: next turn) */
        c = calloc(1, sizeof *c);
        if (!c || !grow((void **)&s->conns, &s->cap, s->nconns + 1, sizeof *s->conns) ||
            np_poller_add(s->poller, sock, NP_POLL_IN, c) != NP_OK) {
            free(c);
            np_socket_close(sock);
            continue;
        }
        np_set_nodelay(sock, 1);
        c->sock = sock;
        c->prefix_len = (size_t)snprintf(c->prefix, sizeof c->prefix, ":*!~b@127.0.0.1 ");
        s->conns[s->nconns++] = c;
    }
}

static void on_terminate(void *ctx)
{
    server *s = ctx;
    s->stop = 1;
    np_poller_wakeup(s->poller);
}

static const char usage[] =
    "Usage: bench-refserver [--listen ADDR:PORT] [--server-name NAME] [--fault KIND:N]\n"
    "The benchmarks' reference broadcast server: every PRIVMSG, JOIN and PART\n"
    "goes to every other connection, batched per loop turn; no channels, no\n"
    "protocol beyond the replies natter-bench needs (001, 366, PONG, ERROR).\n"
    "\n"
    "  --listen ADDR:PORT   where to listen (default 127.0.0.1:6667; port 0: any)\n"
    "  --server-name NAME   the name in replies (default ref.bench)\n"
    "  --fault KIND:N       for testing natter-bench: every N-th PRIVMSG delivered is\n"
    "                       lost (drop:N), sent twice (dup:N) or held back until after\n"
    "                       the sender's next one (late:N)\n"
    "  --help               print this and exit\n";

int main(int argc, char **argv)
{
    static server s;
    np_poll_event ev[MAX_EVENTS];
    const char *listen = "127.0.0.1:6667";
    np_addr addr;
    char text[NP_ADDRSTRLEN];

    s.name = "ref.bench";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            fputs(usage, stdout);
            return 0;
        } else if (!strcmp(argv[i], "--listen") && i + 1 < argc) {
            listen = argv[++i];
        } else if (!strcmp(argv[i], "--server-name") && i + 1 < argc) {
            s.name = argv[++i];
        } else if (!strcmp(argv[i], "--fault") && i + 1 < argc) {
            if (!ref_fault_parse(&s.fault, argv[++i])) {
                fprintf(stderr, "bench-refserver: bad --fault '%s' (drop:N, dup:N, late:N)\n",
                        argv[i]);
                return 2;
            }
        } else {
            fprintf(stderr, "bench-refserver: bad option '%s' (try --help)\n", argv[i]);
            return 2;
        }
    }
    if (np_init() != NP_OK || np_addr_parse(listen, &addr) != NP_OK ||
        np_tcp_listen(&addr, 4096, 0, &s.listener) != NP_OK ||
        np_socket_set_timeout(s.listener, NP_TIMEOUT_NONBLOCKING) != NP_OK ||
        np_poller_open(&s.poller) != NP_OK ||
        np_poller_add(s.poller, s.listener, NP_POLL_IN, NULL) != NP_OK) {
        fprintf(stderr, "bench-refserver: cannot listen on %s: %s\n", listen,
                np_strerror(np_last_error()));
        return 1;
    }
    np_getsockname(s.listener, &addr);
    np_addr_format(&addr, text, sizeof text);
    printf("bench-refserver: listening on %s\n", text);
    fflush(stdout);
    np_on_terminate(on_terminate, &s);

    while (!s.stop) {
        int n = 0;
        if (np_poller_wait(s.poller, ev, MAX_EVENTS, -1, &n) != NP_OK)
            break;
        for (int i = 0; i < n; i++) {
            rconn *c = ev[i].data;
            if (!c) {
                accept_all(&s);
                continue;
            }
            if (c->dead)
                continue;
            if (ev[i].events & NP_POLL_OUT)
                flush_queue(&s, c);
            if (ev[i].events & (NP_POLL_IN | NP_POLL_ERR | NP_POLL_HUP))
                on_readable(&s, c);
        }
        end_turn(&s);
    }
    for (size_t i = 0; i < s.nconns; i++) {
        np_socket_close(s.conns[i]->sock);
        free(s.conns[i]->out.p);
        free(s.conns[i]->carry);
        free(s.conns[i]);
    }
    free(s.conns);
    free(s.batch.p);
    free(s.filtered.p);
    free(s.senders);
    free(s.dirty);
    free(s.lines);
    np_poller_close(s.poller);
    np_socket_close(s.listener);
    np_cleanup();
    return 0;
}
