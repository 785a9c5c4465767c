/* np-echo: a line echo server on libnp alone, as an outside program would
 * write it. Copy this directory and build it against an installed Natter:
 *
 *     cmake -S . -B build -DCMAKE_PREFIX_PATH=/where/natter/is/installed
 *     cmake --build build
 *     ./build/np-echo 127.0.0.1:7000
 *
 * One np_poller serves every client at once: each line a client sends comes
 * straight back. Sockets are non-blocking; a client that reads slower than it
 * writes is not read from until its replies have gone out. SIGINT, SIGTERM,
 * Ctrl-C or closing the console window (np_on_terminate) stops the server
 * cleanly. The same source builds for Linux, the BSDs, macOS and Windows:
 * libnp hides the differences. */
#include <np/np.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 4096           /* a longer line is echoed in pieces */
#define OUTPUT_LIMIT (64 * 1024)      /* stop reading a client above this */
#define MAX_EVENTS 64

typedef struct client {
    np_socket_t sock;
    char who[NP_ADDRSTRLEN];
    char line[LINE_MAX_BYTES];        /* bytes of a line not yet complete */
    size_t linelen;
    char *out;                        /* replies not yet sent: out[outpos..outlen) */
    size_t outpos, outlen, outcap;
    unsigned long lines;
    unsigned events;                  /* what the poller watches */
    int eof;                          /* the client has finished sending */
    struct client *prev, *next;
} client;

typedef struct server {
    np_poller *poller;
    np_socket_t listener;
    client *clients;
    unsigned long served, active;
    int verbose;
} server;

/* Set by the terminate callback, which runs in a signal handler (POSIX) or on
 * a system thread (Windows): it only sets this and wakes the poller. */
static volatile sig_atomic_t g_stop;

static void on_terminate(void *ctx)
{
    g_stop = 1;
    np_poller_wakeup((np_poller *)ctx);
}

static void usage(FILE *to)
{
    fputs("usage: np-echo [HOST:PORT] [--verbose]\n"
          "\n"
          "A line echo server: every line a client sends comes back to it.\n"
          "\n"
          "  HOST:PORT    address to listen on (default 127.0.0.1:0, any free port;\n"
          "               [::1]:7000 for IPv6)\n"
          "  --verbose    one line per client that connects or leaves\n"
          "  --help       show this help\n"
          "\n"
          "Prints \"listening on HOST:PORT\" once ready. Stops on Ctrl-C, SIGINT or SIGTERM.\n",
          to);
}

/* ---- clients ---------------------------------------------------------------- */

static void client_close(server *sv, client *c, const char *why)
{
    if (sv->verbose)
        printf("client %s %s after %lu lines\n", c->who, why, c->lines);
    np_poller_remove(sv->poller, c->sock);
    np_socket_close(c->sock);
    if (c->prev)
        c->prev->next = c->next;
    else
        sv->clients = c->next;
    if (c->next)
        c->next->prev = c->prev;
    sv->active--;
    free(c->out);
    free(c);
}

/* Queue bytes to send back. Returns -1 when memory runs out. */
static int client_queue(client *c, const char *data, size_t len)
{
    if (c->outpos > 0 && c->outpos == c->outlen)
        c->outpos = c->outlen = 0;
    if (c->outlen + len > c->outcap) {
        size_t cap = c->outcap ? c->outcap : 4096;
        char *p;
        if (c->outpos > 0) {           /* make room at the front first */
            memmove(c->out, c->out + c->outpos, c->outlen - c->outpos);
            c->outlen -= c->outpos;
            c->outpos = 0;
        }
        while (c->outlen + len > cap)
            cap *= 2;
        if (cap != c->outcap) {
            p = realloc(c->out, cap);
            if (!p)
                return -1;
            c->out = p;
            c->outcap = cap;
        }
    }
    memcpy(c->out + c->outlen, data, len);
    c->outlen += len;
    return 0;
}

/* Bytes from the client: each complete line (or a full buffer) is echoed. */
static int client_take(client *c, const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        c->line[c->linelen++] = data[i];
        if (data[i] == '\n' || c->linelen == sizeof c->line) {
            if (client_queue(c, c->line, c->linelen) < 0)
                return -1;
            c->linelen = 0;
            if (data[i] == '\n')
                c->lines++;
        }
    }
    return 0;
}

/* Send what is queued, as far as the socket takes it. 0, or -1 if the client
 * is gone (the reason in *why). */
static int client_flush(client *c, const char **why)
{
    while (c->outpos < c->outlen) {
        size_t sent = 0;
        np_err err = np_send(c->sock, c->out + c->outpos, c->outlen - c->outpos, &sent);
        if (err == NP_EAGAIN)
            return 0;
        if (err != NP_OK) {
            *why = np_strerror(err);
            return -1;
        }
        c->outpos += sent;
    }
    return 0;
}

static int client_read(client *c, const char **why)
{
    char buf[4096];
    while (!c->eof && c->outlen - c->outpos < OUTPUT_LIMIT) {
        size_t got = 0;
        np_err err = np_recv(c->sock, buf, sizeof buf, &got);
        if (err == NP_EAGAIN)
            return 0;
        if (err != NP_OK) {
            *why = np_strerror(err);
            return -1;
        }
        if (got == 0) {                /* the client is done: echo a last partial line */
            c->eof = 1;
            if (c->linelen > 0 && client_queue(c, c->line, c->linelen) < 0) {
                *why = "out of memory";
                return -1;
            }
            c->linelen = 0;
            return 0;
        }
        if (client_take(c, buf, got) < 0) {
            *why = "out of memory";
            return -1;
        }
    }
    return 0;
}

/* Readable, writable or hung up: do what can be done, then watch for what is
 * needed next. A client that has finished and has nothing left to receive is
 * closed. */
static void client_io(server *sv, client *c, unsigned events)
{
    const char *why = NULL;
    unsigned want;
    if ((events & (NP_POLL_IN | NP_POLL_HUP | NP_POLL_ERR)) && client_read(c, &why) < 0) {
        client_close(sv, c, why);
        return;
    }
    if (client_flush(c, &why) < 0) {
        client_close(sv, c, why);
        return;
    }
    if (c->eof && c->outpos == c->outlen) {
        client_close(sv, c, "left");
        return;
    }
    want = (c->outpos < c->outlen ? NP_POLL_OUT : 0u) |
           (!c->eof && c->outlen - c->outpos < OUTPUT_LIMIT ? NP_POLL_IN : 0u);
    if (want != c->events) {
        np_poller_modify(sv->poller, c->sock, want, c);
        c->events = want;
    }
}

/* ---- the listener -------------------------------------------------------------- */

static void accept_clients(server *sv)
{
    for (;;) {
        np_socket_t sock;
        np_addr peer;
        client *c;
        np_err err = np_accept(sv->listener, &sock, &peer);
        if (err == NP_EAGAIN)
            return;
        if (err == NP_ECONNABORTED || err == NP_ECONNRESET)
            continue;                  /* gave up while waiting in the backlog */
        if (err != NP_OK) {
            fprintf(stderr, "np-echo: accept: %s\n", np_strerror(err));
            return;                    /* e.g. out of descriptors: try again later */
        }
        c = calloc(1, sizeof *c);
        if (!c) {
            np_socket_close(sock);
            continue;
        }
        c->sock = sock;                /* non-blocking, like the listener */
        if (np_addr_format(&peer, c->who, sizeof c->who) != NP_OK)
            strcpy(c->who, "?");
        c->events = NP_POLL_IN;
        if (np_poller_add(sv->poller, sock, NP_POLL_IN, c) != NP_OK) {
            np_socket_close(sock);
            free(c);
            continue;
        }
        c->next = sv->clients;
        if (c->next)
            c->next->prev = c;
        sv->clients = c;
        sv->served++;
        sv->active++;
        if (sv->verbose)
            printf("client %s connected (%lu now)\n", c->who, sv->active);
    }
}

static int serve(server *sv)
{
    np_poll_event evs[MAX_EVENTS];
    while (!g_stop) {
        int n = 0;
        np_err err = np_poller_wait(sv->poller, evs, MAX_EVENTS, -1, &n);
        if (err != NP_OK) {
            fprintf(stderr, "np-echo: poll: %s\n", np_strerror(err));
            return 1;
        }
        for (int i = 0; i < n && !g_stop; i++) {
            if (evs[i].data == NULL)
                accept_clients(sv);
            else
                client_io(sv, (client *)evs[i].data, evs[i].events);
        }
        fflush(stdout);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *where = "127.0.0.1:0";
    char bound[NP_ADDRSTRLEN];
    server sv;
    np_addr addr;
    np_err err;
    int status;

    memset(&sv, 0, sizeof sv);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--verbose") == 0 || strcmp(argv[i], "-v") == 0) {
            sv.verbose = 1;
        } else if (argv[i][0] == '-' || i > 1) {
            fprintf(stderr, "np-echo: unexpected argument '%s' (try --help)\n", argv[i]);
            return 2;
        } else {
            where = argv[i];
        }
    }
    if (np_addr_parse(where, &addr) != NP_OK) {
        fprintf(stderr, "np-echo: bad address '%s': want HOST:PORT, e.g. 127.0.0.1:7000\n",
                where);
        return 2;
    }
    if (np_init() != NP_OK) {
        fprintf(stderr, "np-echo: cannot start networking\n");
        return 1;
    }
    err = np_poller_open(&sv.poller);
    if (err == NP_OK)
        err = np_tcp_listen(&addr, 128, 0, &sv.listener);
    if (err == NP_OK)
        err = np_socket_set_blocking(sv.listener, 0);
    if (err == NP_OK)
        err = np_poller_add(sv.poller, sv.listener, NP_POLL_IN, NULL);
    if (err == NP_OK)
        err = np_getsockname(sv.listener, &addr);
    if (err == NP_OK)
        err = np_addr_format(&addr, bound, sizeof bound);
    if (err == NP_OK)
        err = np_on_terminate(on_terminate, sv.poller);
    if (err != NP_OK) {
        fprintf(stderr, "np-echo: cannot listen on %s: %s\n", where, np_strerror(err));
        np_socket_close(sv.listener);
        np_poller_close(sv.poller);
        np_cleanup();
        return 1;
    }
    printf("np-echo on libnp %s, %s poller, pid %ld\n", np_version(),
           np_poller_backend(sv.poller), np_getpid());
    printf("listening on %s\n", bound);
    fflush(stdout);

    status = serve(&sv);

    /* Stop taking terminate requests before the poller they wake goes away. */
    np_on_terminate(NULL, NULL);
    printf("np-echo: stopping; clients served: %lu, still connected: %lu\n", sv.served,
           sv.active);
    while (sv.clients)
        client_close(&sv, sv.clients, "cut off");
    np_poller_remove(sv.poller, sv.listener);
    np_socket_close(sv.listener);
    np_poller_close(sv.poller);
    np_cleanup();
    fflush(stdout);
    return status;
}
