/* np-multi-reader: one thread, many sockets — the select() tutorial on libnp.
 *
 * Python's select tutorial waits on several sockets at once with
 * select.select(inputs, outputs, []) and handles whichever is ready. This is
 * the same server on np_poller (epoll on Linux, kqueue on the BSDs, WSAPoll on
 * Windows): it accepts any number of clients, prints every line each one
 * sends, and echoes the line back, all in one thread, never blocking on any
 * one client:
 *
 *     $ np-multi-reader --port 8888
 *     listening on 127.0.0.1:8888
 *     client 127.0.0.1:50312 connected (1 now)
 *     client 127.0.0.1:50320 connected (2 now)
 *     127.0.0.1:50320: hello from the second
 *     127.0.0.1:50312: hello from the first
 *
 * Every socket is non-blocking, so a call that would wait fails with
 * NP_EAGAIN instead and the loop simply moves on. Echoes a client does not
 * read fast enough wait in its output buffer; the poller says when the socket
 * can take more (NP_POLL_OUT). Only sockets are watched: waiting on the
 * terminal as well, as the Python tutorial does with sys.stdin, works on POSIX
 * but not with WSAPoll on Windows. Try it with several np-echo-client. */
#include "example_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char ex_prog[] = "np-multi-reader";

static void usage(FILE *to)
{
    fprintf(to,
            "usage: %s [--host ADDR] [--port PORT] [--max-clients N]\n"
            "\n"
            "Serve many clients at once in one thread with a readiness poller: print\n"
            "each line a client sends and echo it back.\n"
            "\n"
            "  --host ADDR        address to listen on (default 127.0.0.1; ::1, 0.0.0.0)\n"
            "  --port PORT        port to listen on (default 8888; 0 = any free port)\n"
            "  --max-clients N    accept N clients, exit when all have left\n"
            "                     (default: run forever)\n"
            "  --help             show this help\n",
            ex_prog);
}

/* What the server keeps for each connected client. */
typedef struct client {
    np_socket_t sock;
    char name[NP_ADDRSTRLEN];   /* "127.0.0.1:50312" */
    char in[4096];              /* received bytes, not yet a whole line */
    size_t in_len;
    char out[65536];            /* echoes the client has not taken yet */
    size_t out_len;
    int watching_out;           /* registered for NP_POLL_OUT too */
} client;

static np_poller *poller;
static int clients_now;

static void drop(client *c, const char *why)
{
    printf("client %s %s (%d left)\n", c->name, why, clients_now - 1);
    np_poller_remove(poller, c->sock); /* before close, as poll.h asks */
    np_socket_close(c->sock);
    free(c);
    clients_now--;
}

/* Send as much of the pending echo as the socket takes now. 0 if the client
 * had to be dropped. */
static int flush_out(client *c)
{
    int want_out;
    while (c->out_len > 0) {
        size_t sent;
        np_err err = np_send(c->sock, c->out, c->out_len, &sent);
        if (err == NP_EAGAIN)
            break; /* its receive window is full: NP_POLL_OUT tells us when to go on */
        if (err != NP_OK) {
            char why[128];
            snprintf(why, sizeof why, "dropped: %s", np_strerror(err));
            drop(c, why);
            return 0;
        }
        memmove(c->out, c->out + sent, c->out_len - sent);
        c->out_len -= sent;
    }
    /* Watch for writability only while there is something to write: a socket
     * is almost always writable, so asking all the time would spin. */
    want_out = c->out_len > 0;
    if (want_out != c->watching_out) {
        np_poller_modify(poller, c->sock, NP_POLL_IN | (want_out ? NP_POLL_OUT : 0u), c);
        c->watching_out = want_out;
    }
    return 1;
}

/* Print and queue the echo of every whole line in c->in. 0 if dropped. */
static int take_lines(client *c)
{
    char *start = c->in, *nl;
    size_t left = c->in_len;
    while ((nl = memchr(start, '\n', left)) != NULL ||
           (start == c->in && left == sizeof c->in)) {
        /* A line longer than the buffer is handled in buffer-sized pieces. */
        size_t n = nl ? (size_t)(nl - start) + 1 : left;
        int shown = (int)(nl ? n - 1 : n);
        if (shown > 0 && start[shown - 1] == '\r')
            shown--;
        printf("%s: %.*s\n", c->name, shown, start);
        if (c->out_len + n > sizeof c->out) {
            drop(c, "dropped: it does not read its echoes");
            return 0;
        }
        memcpy(c->out + c->out_len, start, n);
        c->out_len += n;
        start += n;
        left -= n;
    }
    memmove(c->in, start, left);
    c->in_len = left;
    return 1;
}

/* The client's socket is ready: read what came, echo it. */
static void on_client(client *c, unsigned events)
{
    if (events & (NP_POLL_IN | NP_POLL_HUP | NP_POLL_ERR)) {
        size_t got;
        np_err err = np_recv(c->sock, c->in + c->in_len, sizeof c->in - c->in_len, &got);
        if (err == NP_EAGAIN) {
            /* woken, yet nothing to read: fine, wait again */
        } else if (err != NP_OK) {
            char why[128];
            snprintf(why, sizeof why, "dropped: %s", np_strerror(err));
            drop(c, why);
            return;
        } else if (got == 0) {
            if (flush_out(c)) /* the last echo, then goodbye */
                drop(c, "left");
            return;
        } else {
            c->in_len += got;
            if (!take_lines(c))
                return;
        }
    }
    flush_out(c);
}

/* The listener is ready: accept every waiting connection (one accept per
 * wake-up makes a burst of connections crawl). Returns how many came. */
static long on_listener(np_socket_t listener, long room)
{
    long accepted = 0;
    while (accepted < room) {
        np_socket_t sock;
        np_addr peer;
        client *c;
        np_err err = np_accept(listener, &sock, &peer);
        if (err == NP_EAGAIN)
            break; /* nobody else waiting */
        if (ex_client_gave_up(err))
            continue;
        if (err != NP_OK) {
            /* Not ex_accept(): sleeping here would stall every other client. */
            fprintf(stderr, "%s: accept: %s\n", ex_prog, np_strerror(err));
            break; /* e.g. out of descriptors: try again on the next wake-up */
        }
        /* The listener is non-blocking, so `sock` is too. */
        c = calloc(1, sizeof *c);
        if (!c) {
            fprintf(stderr, "%s: out of memory; refusing a client\n", ex_prog);
            np_socket_close(sock);
            continue;
        }
        c->sock = sock;
        np_addr_format(&peer, c->name, sizeof c->name);
        err = np_poller_add(poller, sock, NP_POLL_IN, c);
        if (err != NP_OK) {
            fprintf(stderr, "%s: cannot watch %s: %s\n", ex_prog, c->name, np_strerror(err));
            np_socket_close(sock);
            free(c);
            continue;
        }
        accepted++;
        clients_now++;
        printf("client %s connected (%d now)\n", c->name, clients_now);
    }
    return accepted;
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    long port = 8888, max_clients = 0, accepted = 0;
    const ex_option options[] = { EX_OPT_SERVER_PORT(&port), EX_OPT_MAX_CLIENTS(&max_clients) };
    char where[NP_ADDRSTRLEN];
    np_socket_t listener;
    np_err err;
    int status = 0;

    ex_parse_args(argc, argv, usage, &host, options, sizeof options / sizeof options[0]);
    ex_init();
    listener = ex_listen(host, port, 64, where);
    err = np_socket_set_blocking(listener, 0);
    if (err != NP_OK)
        ex_die("cannot make %s non-blocking: %s", where, np_strerror(err));
    err = np_poller_open(&poller);
    if (err == NP_OK)
        err = np_poller_add(poller, listener, NP_POLL_IN, NULL); /* NULL: the listener */
    if (err != NP_OK)
        ex_die("cannot set up the poller: %s", np_strerror(err));
    printf("listening on %s (poller: %s)\n", where, np_poller_backend(poller));

    /* The loop: wait until some socket is ready, handle exactly those. */
    while (listener != NP_INVALID_SOCKET || clients_now > 0) {
        np_poll_event events[64];
        int n;
        err = np_poller_wait(poller, events, 64, -1, &n);
        if (err != NP_OK) {
            fprintf(stderr, "%s: poller wait failed: %s\n", ex_prog, np_strerror(err));
            status = 1;
            break;
        }
        for (int i = 0; i < n; i++) {
            if (events[i].data != NULL) {
                on_client(events[i].data, events[i].events);
                continue;
            }
            accepted += on_listener(listener, max_clients ? max_clients - accepted : 64);
            if (max_clients > 0 && accepted >= max_clients) {
                /* Enough: stop listening, finish with the clients we have. */
                printf("accepted %ld clients; no more\n", accepted);
                np_poller_remove(poller, listener);
                np_socket_close(listener);
                listener = NP_INVALID_SOCKET;
            }
        }
    }

    if (listener != NP_INVALID_SOCKET) {
        np_poller_remove(poller, listener);
        np_socket_close(listener);
    }
    np_poller_close(poller); /* on error, clients still open are closed at exit */
    np_cleanup();
    return status;
}
