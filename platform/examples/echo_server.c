/* np-echo-server: the TCP echo server.
 *
 * Sends every byte a client sends straight back, one client after another
 * (Python: while True: conn, addr = s.accept(); while data := conn.recv(4096):
 * conn.sendall(data)). The next client waits in the listen backlog until the
 * current one hangs up; np-multi-reader, np-thread-echo-server and
 * np-fork-echo-server serve many at once. Try it with np-echo-client. */
#include "example_util.h"

#include <stdio.h>

const char ex_prog[] = "np-echo-server";

static void usage(FILE *to)
{
    fprintf(to,
            "usage: %s [--host ADDR] [--port PORT] [--max-clients N]\n"
            "\n"
            "Echo back whatever each client sends, one client at a time.\n"
            "\n"
            "  --host ADDR        address to listen on (default 127.0.0.1; ::1, 0.0.0.0)\n"
            "  --port PORT        port to listen on (default 8888; 0 = any free port)\n"
            "  --max-clients N    exit after serving N clients (default: run forever)\n"
            "  --help             show this help\n",
            ex_prog);
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    long port = 8888, max_clients = 0, served = 0;
    const ex_option options[] = { EX_OPT_SERVER_PORT(&port), EX_OPT_MAX_CLIENTS(&max_clients) };
    char where[NP_ADDRSTRLEN];
    np_socket_t listener;
    int status = 0;

    ex_parse_args(argc, argv, usage, &host, options, sizeof options / sizeof options[0]);
    ex_init();
    listener = ex_listen(host, port, 16, where);
    printf("listening on %s\n", where);

    while (max_clients == 0 || served < max_clients) {
        np_socket_t conn;
        char who[NP_ADDRSTRLEN];
        if (ex_accept(listener, &conn, who) != NP_OK) {
            status = 1;
            break;
        }
        /* Only this client is served until it hangs up; any failure ends
         * this client only. */
        ex_echo(conn, "client", who);
        np_socket_close(conn);
        served++;
    }

    np_socket_close(listener);
    np_cleanup();
    return status;
}
