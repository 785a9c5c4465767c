/* np-echo-client: the TCP echo client.
 *
 * Sends each line read from standard input to an echo server and prints what
 * comes back. It works with every echo server here (np-echo-server,
 * np-multi-reader, np-thread-echo-server, np-fork-echo-server):
 *
 *     $ printf 'hello\nworld\n' | np-echo-client --port 8888
 *     connected to 127.0.0.1:8888
 *     echo: hello
 *     echo: world
 *
 * The socket is in timeout mode (Python: s.settimeout(10)), so a server that
 * stops answering gives a clear error instead of a hang. */
#include "example_util.h"

#include <stdio.h>
#include <string.h>

const char ex_prog[] = "np-echo-client";

static void usage(FILE *to)
{
    fprintf(to,
            "usage: %s [--host HOST] [--port PORT] [--timeout MS]\n"
            "\n"
            "Send each line of standard input to an echo server and print the echo.\n"
            "\n"
            "  --host HOST     server name or address (default 127.0.0.1)\n"
            "  --port PORT     server port (default 8888)\n"
            "  --timeout MS    wait at most MS milliseconds to connect and for each\n"
            "                  echo (default 10000)\n"
            "  --help          show this help\n",
            ex_prog);
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    long port = 8888, timeout_ms = 10000;
    const ex_option options[] = { EX_OPT_CLIENT_PORT(&port), EX_OPT_TIMEOUT(&timeout_ms) };
    char line[4096], echo[4096], where[NP_ADDRSTRLEN];
    np_socket_t sock;
    np_err err;
    int status = 0;

    ex_parse_args(argc, argv, usage, &host, options, sizeof options / sizeof options[0]);
    ex_init();
    sock = ex_connect(host, port, timeout_ms, where);
    np_socket_set_timeout(sock, timeout_ms); /* every send and recv from now on */
    printf("connected to %s\n", where);

    while (fgets(line, sizeof line, stdin)) {
        size_t len = strlen(line);
        /* Send the line as typed (with its "\n"), then read back exactly as
         * many bytes: one recv() could return only part of the echo. */
        err = np_sendall(sock, line, len, NULL);
        if (err == NP_OK)
            err = np_recv_exact(sock, echo, len, NULL);
        if (err == NP_EEOF) {
            fprintf(stderr, "%s: the server closed the connection\n", ex_prog);
            status = 1;
            break;
        } else if (err == NP_ETIMEDOUT) {
            fprintf(stderr, "%s: no echo from %s within %ld ms\n", ex_prog, where, timeout_ms);
            status = 1;
            break;
        } else if (err != NP_OK) {
            fprintf(stderr, "%s: connection to %s lost: %s\n", ex_prog, where, np_strerror(err));
            status = 1;
            break;
        }
        echo[len] = '\0';
        echo[strcspn(echo, "\r\n")] = '\0';
        printf("echo: %s\n", echo);
    }

    /* End of input: send our end of stream, so the server sees us leave. */
    np_shutdown(sock, NP_SHUT_WR);
    np_socket_close(sock);
    np_cleanup();
    return status;
}
