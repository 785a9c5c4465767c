/* np-hello-client: the one-to-one console chat, client side.
 *
 * Connects to np-hello-server, sends each line typed at the ">> " prompt and
 * prints the server's answer (Python: connect(), then input() / send() /
 * recv() in turn). "quit" or end of input leaves the chat. */
#include "example_util.h"

#include <stdio.h>
#include <string.h>

const char ex_prog[] = "np-hello-client";

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
            ex_prog);
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    long port = 8083, timeout_ms = 5000;
    const ex_option options[] = { EX_OPT_CLIENT_PORT(&port), EX_OPT_TIMEOUT(&timeout_ms) };
    char typed[1024], answer[1024], where[NP_ADDRSTRLEN];
    ex_line_reader reader; /* TCP is a byte stream: it collects whole lines */
    np_socket_t sock;
    np_err err;
    int status = 0;

    ex_parse_args(argc, argv, usage, &host, options, sizeof options / sizeof options[0]);
    ex_init();
    sock = ex_connect(host, port, timeout_ms, where);
    printf("connected to %s; type a message, or \"quit\" to leave\n", where);

    reader.sock = sock;
    reader.len = 0;
    for (;;) {
        if (!ex_read_line(">> ", typed, sizeof typed - 1)) { /* room for "\n" */
            printf("\n");
            break; /* end of input */
        }
        if (typed[0] == '\0')
            continue; /* nothing typed: ask again, as the Python original does */
        if (strcmp(typed, "quit") == 0)
            break;

        strcat(typed, "\n"); /* a message is one line */
        err = np_sendall(sock, typed, strlen(typed), NULL);
        if (err == NP_OK)
            err = ex_recv_line(&reader, answer, sizeof answer);
        if (err == NP_EEOF) {
            printf("the server closed the connection\n");
            break;
        }
        if (err != NP_OK) {
            fprintf(stderr, "%s: connection to %s lost: %s\n", ex_prog, where,
                    np_strerror(err));
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
