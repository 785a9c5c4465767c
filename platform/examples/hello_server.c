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
#include "example_util.h"

#include <stdio.h>
#include <string.h>

const char ex_prog[] = "np-hello-server";

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
            ex_prog);
}

enum { CLIENT_LEFT, SERVER_QUIT };

/* Talk with one connected client until it leaves or we quit. */
static int chat(np_socket_t conn, const char *who)
{
    ex_line_reader reader = { conn, { 0 }, 0 };
    char said[1024], reply[1024];
    for (;;) {
        np_err err = ex_recv_line(&reader, said, sizeof said);
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

        /* sizeof reply - 1: room to put the "\n" back. */
        if (!ex_read_line("reply> ", reply, sizeof reply - 1) || strcmp(reply, "quit") == 0) {
            printf("\nclosing the chat with %s\n", who);
            return SERVER_QUIT;
        }
        strcat(reply, "\n"); /* a message is one line */
        err = np_sendall(conn, reply, strlen(reply), NULL);
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
    const ex_option options[] = {
        EX_OPT_SERVER_PORT(&port),
        { "--once", 1, 1, NULL, &max_clients },
        EX_OPT_MAX_CLIENTS(&max_clients),
    };
    char where[NP_ADDRSTRLEN];
    np_socket_t listener;
    int status = 0;

    ex_parse_args(argc, argv, usage, &host, options, sizeof options / sizeof options[0]);
    ex_init();
    /* socket() + bind() + listen(); with --port 0 the OS picks the port. */
    listener = ex_listen(host, port, 5, where);
    printf("listening on %s\n", where);

    for (;;) {
        np_socket_t conn;
        char who[NP_ADDRSTRLEN];
        int outcome;

        printf("waiting for a client...\n");
        if (ex_accept(listener, &conn, who) != NP_OK) {
            status = 1;
            break;
        }
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
