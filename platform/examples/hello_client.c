/* np-hello-client: the one-to-one console chat, client side.
 *
 * Connects to np-hello-server, sends each line typed at the ">> " prompt and
 * prints the server's answer (Python: connect(), then input() / send() /
 * recv() in turn). "quit" or end of input leaves the chat. */
#include <np/np.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "np-hello-client";

static void usage(FILE *to)
{
    fprintf(to,
            "usage: %s [--host HOST] [--port PORT] [--timeout MS]\n"
            "\n"
            "Chat with np-hello-server: type a line, read the answer. Type \"quit\"\n"
            "or end the input to leave.\n"
            "\n"
            "  --host HOST     server name or address (default 127.0.0.1)\n"
            "  --port PORT     server port (default 8083)\n"
            "  --timeout MS    give up connecting after MS milliseconds (default 5000)\n"
            "  --help          show this help\n",
            prog);
}

static int parse_number(const char *text, long min, long max, long *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < min || v > max)
        return 0;
    *out = v;
    return 1;
}

/* TCP is a byte stream: collect bytes until a whole "\n"-terminated line is
 * there (the same reader as in hello_server.c). */
typedef struct line_reader {
    np_socket_t sock;
    char buf[1024];
    size_t len;
} line_reader;

/* Next line without its "\n"; NP_EEOF once the peer has closed. */
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
            return NP_EEOF;
        r->len += got;
    }
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    long port = 8083, timeout_ms = 5000;
    np_socket_t sock;
    line_reader reader;
    char typed[1024], answer[1024], where[NP_ADDRSTRLEN];
    np_addr peer;
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
            if (!parse_number(argv[++i], 1, 65535, &port)) {
                fprintf(stderr, "%s: --port wants a number from 1 to 65535, not '%s'\n",
                        prog, argv[i]);
                return 2;
            }
        } else if (strcmp(opt, "--timeout") == 0 && i + 1 < argc) {
            if (!parse_number(argv[++i], 1, 3600000L, &timeout_ms)) {
                fprintf(stderr, "%s: --timeout wants milliseconds, not '%s'\n", prog, argv[i]);
                return 2;
            }
        } else {
            fprintf(stderr, "%s: unknown or incomplete option '%s'\n\n", prog, opt);
            usage(stderr);
            return 2;
        }
    }

    setvbuf(stdout, NULL, _IONBF, 0); /* show each prompt and answer at once */

    err = np_init();
    if (err != NP_OK) {
        fprintf(stderr, "%s: cannot start the socket library: %s\n", prog, np_strerror(err));
        return 1;
    }

    /* Resolve the name and connect, like Python's socket.create_connection(). */
    err = np_tcp_connect(host, (uint16_t)port, timeout_ms, &sock);
    if (err != NP_OK) {
        fprintf(stderr, "%s: cannot connect to %s port %ld: %s\n", prog, host, port,
                np_strerror(err));
        np_cleanup();
        return 1;
    }
    np_getpeername(sock, &peer);
    np_addr_format(&peer, where, sizeof where);
    printf("connected to %s; type a message, or \"quit\" to leave\n", where);

    reader.sock = sock;
    reader.len = 0;
    for (;;) {
        printf(">> ");
        fflush(stdout);
        if (!fgets(typed, (int)sizeof typed - 1, stdin)) { /* room for "\n" */
            printf("\n");
            break; /* end of input */
        }
        typed[strcspn(typed, "\r\n")] = '\0';
        if (typed[0] == '\0')
            continue; /* nothing typed: ask again, as the Python original does */
        if (strcmp(typed, "quit") == 0)
            break;

        strcat(typed, "\n"); /* a message is one line */
        err = np_sendall(sock, typed, strlen(typed), NULL);
        if (err == NP_OK)
            err = recv_line(&reader, answer, sizeof answer);
        if (err == NP_EEOF) {
            printf("the server closed the connection\n");
            break;
        }
        if (err != NP_OK) {
            fprintf(stderr, "%s: connection to %s lost: %s\n", prog, where, np_strerror(err));
            status = 1;
            break;
        }
        printf("server: %s\n", answer);
    }

    /* Say goodbye properly: shutdown(SHUT_WR) sends our end of stream, so the
     * server sees a clean "client left" rather than a reset. */
    np_shutdown(sock, NP_SHUT_WR);
    np_socket_close(sock);
    np_cleanup();
    return status;
}
