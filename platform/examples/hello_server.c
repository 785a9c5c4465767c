/* np-hello-server: the one-to-one console chat, server side.
 *
 * The classic first socket program (Python: socket(), bind(), listen(),
 * accept(), then recv() / input() / send() in turn), on libnp:
 *
 *     $ np-hello-server --port 8083          $ np-hello-client --port 8083
 *     listening on 127.0.0.1:8083             connected to 127.0.0.1:8083
 *     client 127.0.0.1:50312 connected        >> hello
 *     client: hello                           server: hi
 *     reply> hi                               >> quit
 *     client 127.0.0.1:50312 left
 *
 * One client at a time: the server shows what the client says and answers
 * with a line typed at its own prompt. Typing "quit" (or end of input) stops
 * the server; a client that leaves just makes room for the next one.
 * Messages are lines ending in "\n": TCP is a byte stream, so the program
 * itself must mark where a message ends. */
#include <np/np.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "np-hello-server";

static void usage(FILE *to)
{
    fprintf(to,
            "usage: %s [--host ADDR] [--port PORT] [--once] [--max-clients N]\n"
            "\n"
            "Chat with one client at a time: print what it says, answer with a line\n"
            "typed at the prompt. Type \"quit\" or end the input to stop.\n"
            "\n"
            "  --host ADDR        address to listen on (default 127.0.0.1; ::1, 0.0.0.0)\n"
            "  --port PORT        port to listen on (default 8083; 0 = any free port)\n"
            "  --once             exit after the first client leaves\n"
            "  --max-clients N    exit after N clients have left\n"
            "  --help             show this help\n",
            prog);
}

/* Parse a whole decimal number in [min, max]. */
static int parse_number(const char *text, long min, long max, long *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < min || v > max)
        return 0;
    *out = v;
    return 1;
}

/* ---- lines over a TCP connection ----------------------------------------- */

/* One recv() may bring half a line or several lines, so bytes wait in a buffer
 * until a whole line is there. */
typedef struct line_reader {
    np_socket_t sock;
    char buf[1024];
    size_t len;
} line_reader;

/* Next line from the peer, without its "\n". NP_EEOF when the peer has closed
 * the connection; any other error as np_recv() gives it. A line longer than
 * the buffer comes out in pieces. */
static np_err recv_line(line_reader *r, char *line, size_t size)
{
    for (;;) {
        char *nl = memchr(r->buf, '\n', r->len);
        size_t got;
        np_err err;
        if (nl || r->len == sizeof r->buf) {
            size_t n = nl ? (size_t)(nl - r->buf) : r->len;
            size_t used = nl ? n + 1 : n;
            if (n > 0 && r->buf[n - 1] == '\r')
                n--;
            if (n >= size)
                n = size - 1;
            memcpy(line, r->buf, n);
            line[n] = '\0';
            memmove(r->buf, r->buf + used, r->len - used);
            r->len -= used;
            return NP_OK;
        }
        err = np_recv(r->sock, r->buf + r->len, sizeof r->buf - r->len, &got);
        if (err != NP_OK)
            return err;
        if (got == 0)
            return NP_EEOF; /* recv() gave 0 bytes: the peer closed its side */
        r->len += got;
    }
}

static np_err send_line(np_socket_t sock, const char *text)
{
    np_err err = np_sendall(sock, text, strlen(text), NULL);
    return err != NP_OK ? err : np_sendall(sock, "\n", 1, NULL);
}

/* Read a line typed at our prompt. 0 at end of input. */
static int read_stdin_line(char *line, size_t size)
{
    if (!fgets(line, (int)size, stdin))
        return 0;
    line[strcspn(line, "\r\n")] = '\0';
    return 1;
}

/* ---- the chat -------------------------------------------------------------- */

enum { CLIENT_LEFT, SERVER_QUIT };

/* Talk with one connected client until it leaves or we quit. */
static int chat(np_socket_t conn, const char *who)
{
    line_reader reader = { conn, { 0 }, 0 };
    char said[1024], reply[1024];
    for (;;) {
        np_err err = recv_line(&reader, said, sizeof said);
        if (err == NP_EEOF) {
            printf("client %s left\n", who);
            return CLIENT_LEFT;
        }
        if (err != NP_OK) {
            /* A client that vanishes (reset, abort) only ends its own chat. */
            printf("client %s dropped: %s\n", who, np_strerror(err));
            return CLIENT_LEFT;
        }
        printf("client: %s\n", said);

        printf("reply> ");
        fflush(stdout);
        if (!read_stdin_line(reply, sizeof reply) || strcmp(reply, "quit") == 0) {
            printf("\nclosing the chat with %s\n", who);
            return SERVER_QUIT;
        }
        err = send_line(conn, reply);
        if (err != NP_OK) {
            printf("client %s dropped: %s\n", who, np_strerror(err));
            return CLIENT_LEFT;
        }
    }
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    long port = 8083, max_clients = 0, served = 0;
    np_socket_t listener;
    np_addr addr;
    char text[NP_ADDRSTRLEN];
    np_err err;
    int status = 0;

    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(opt, "--host") == 0 && i + 1 < argc) {
            host = argv[++i];
        } else if (strcmp(opt, "--port") == 0 && i + 1 < argc) {
            if (!parse_number(argv[++i], 0, 65535, &port)) {
                fprintf(stderr, "%s: --port wants a number from 0 to 65535, not '%s'\n",
                        prog, argv[i]);
                return 2;
            }
        } else if (strcmp(opt, "--once") == 0) {
            max_clients = 1;
        } else if (strcmp(opt, "--max-clients") == 0 && i + 1 < argc) {
            if (!parse_number(argv[++i], 1, 1000000000L, &max_clients)) {
                fprintf(stderr, "%s: --max-clients wants a positive number, not '%s'\n",
                        prog, argv[i]);
                return 2;
            }
        } else {
            fprintf(stderr, "%s: unknown or incomplete option '%s'\n\n", prog, opt);
            usage(stderr);
            return 2;
        }
    }

    /* Each line reaches a pipe or terminal at once (Windows has no line
     * buffering, so no buffering at all). */
    setvbuf(stdout, NULL, _IONBF, 0);

    err = np_init(); /* WSAStartup on Windows; SIGPIPE ignored on POSIX */
    if (err != NP_OK) {
        fprintf(stderr, "%s: cannot start the socket library: %s\n", prog, np_strerror(err));
        return 1;
    }

    /* socket() + setsockopt(SO_REUSEADDR) + bind() + listen(), in one call. */
    err = np_addr_from_ip(host, (uint16_t)port, &addr);
    if (err != NP_OK) {
        fprintf(stderr, "%s: '%s' is not a numeric IP address\n", prog, host);
        np_cleanup();
        return 2;
    }
    err = np_tcp_listen(&addr, 5, 0, &listener);
    if (err != NP_OK) {
        np_addr_format(&addr, text, sizeof text);
        fprintf(stderr, "%s: cannot listen on %s: %s\n", prog, text, np_strerror(err));
        np_cleanup();
        return 1;
    }
    /* With --port 0 the OS picked the port: getsockname() tells which. */
    np_getsockname(listener, &addr);
    np_addr_format(&addr, text, sizeof text);
    printf("listening on %s\n", text);

    for (;;) {
        np_socket_t conn;
        np_addr peer;
        char who[NP_ADDRSTRLEN];
        int outcome;

        printf("waiting for a client...\n");
        err = np_accept(listener, &conn, &peer);
        if (err == NP_ECONNABORTED || err == NP_ECONNRESET || err == NP_ENOTCONN) {
            continue; /* a client that gave up before we accepted it */
        } else if (err == NP_EMFILE || err == NP_ENFILE || err == NP_ENOBUFS ||
                   err == NP_ENOMEM) {
            fprintf(stderr, "%s: accept: %s; retrying\n", prog, np_strerror(err));
            np_sleep_ms(100); /* out of resources for now: do not spin */
            continue;
        } else if (err != NP_OK) {
            fprintf(stderr, "%s: accept failed: %s\n", prog, np_strerror(err));
            status = 1;
            break;
        }
        np_addr_format(&peer, who, sizeof who);
        printf("client %s connected\n", who);
        outcome = chat(conn, who);
        np_socket_close(conn);
        served++;
        if (outcome == SERVER_QUIT || (max_clients > 0 && served >= max_clients))
            break;
    }

    np_socket_close(listener);
    np_cleanup();
    return status;
}
