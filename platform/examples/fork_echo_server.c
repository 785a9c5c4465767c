/* np-fork-echo-server: a process per connection (POSIX only).
 *
 * Python's socketserver.ForkingTCPServer: the parent accepts, fork() copies
 * the whole process, and the child serves the one client while the parent
 * goes back to accept(). A crash in one child cannot hurt the others.
 *
 * Two chores come with fork:
 *   - each process closes the sockets it does not use: the child the
 *     listener, the parent the client's connection (otherwise the client
 *     would not see end of stream when the child closes its copy);
 *   - the parent must reap its children (waitpid) or they stay as zombies.
 *     Here accept() waits at most half a second (timeout mode), so the parent
 *     reaps at least that often, even when no one connects.
 *
 * Windows has no fork(): there, NP_HAVE_FORK is 0 and this program is not
 * built (Python likewise defines ForkingTCPServer only if os has fork). */
#include "example_util.h"

#if !NP_HAVE_FORK
#error "np-fork-echo-server needs fork(); it is built only where NP_HAVE_FORK is 1"
#endif

#include <stdio.h>
#include <stdlib.h>

const char ex_prog[] = "np-fork-echo-server";

static void usage(FILE *to)
{
    fprintf(to,
            "usage: %s [--host ADDR] [--port PORT] [--max-clients N]\n"
            "\n"
            "Echo back whatever clients send, each client in a process of its own.\n"
            "\n"
            "  --host ADDR        address to listen on (default 127.0.0.1; ::1, 0.0.0.0)\n"
            "  --port PORT        port to listen on (default 8888; 0 = any free port)\n"
            "  --max-clients N    accept N clients, exit when all have left\n"
            "                     (default: run forever)\n"
            "  --help             show this help\n",
            ex_prog);
}

/* The child's whole life: echo until the client leaves. Returns its exit code. */
static int serve(np_socket_t conn, const char *who)
{
    char tag[32];
    snprintf(tag, sizeof tag, "[pid %ld]", np_getpid());
    printf("%s serving %s\n", tag, who);
    return ex_echo(conn, tag, who);
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    long port = 8888, max_clients = 0, accepted = 0, children = 0;
    const ex_option options[] = { EX_OPT_SERVER_PORT(&port), EX_OPT_MAX_CLIENTS(&max_clients) };
    char where[NP_ADDRSTRLEN];
    np_socket_t listener;
    np_err err;
    int status = 0;

    ex_parse_args(argc, argv, usage, &host, options, sizeof options / sizeof options[0]);
    ex_init(); /* stdout unbuffered: nothing sits in a stdio buffer at fork() */
    listener = ex_listen(host, port, 64, where);
    err = np_socket_set_timeout(listener, 500); /* accept() returns to reap */
    if (err != NP_OK)
        ex_die("cannot set a timeout on %s: %s", where, np_strerror(err));
    printf("listening on %s\n", where);

    while (max_clients == 0 || accepted < max_clients) {
        np_socket_t conn;
        char who[NP_ADDRSTRLEN];
        long pid;

        children -= np_reap_children(); /* waitpid(-1, WNOHANG) until none */

        err = ex_accept(listener, &conn, who);
        if (err == NP_ETIMEDOUT)
            continue; /* nobody came in time: reap, then wait again */
        if (err != NP_OK) {
            status = 1;
            break;
        }
        /* conn is blocking (only a non-blocking listener hands out
         * non-blocking sockets): all the child needs. */
        accepted++;

        err = np_fork(&pid);
        if (err != NP_OK) {
            fprintf(stderr, "%s: cannot fork for %s: %s\n", ex_prog, who, np_strerror(err));
            np_socket_close(conn);
            continue;
        }
        if (pid == 0) {
            /* The child: it has copies of both sockets and needs only conn. */
            int code;
            np_socket_close(listener);
            code = serve(conn, who);
            np_socket_close(conn);
            np_cleanup();
            exit(code);
        }
        /* The parent: the child has the connection now. */
        np_socket_close(conn);
        children++;
    }
    np_socket_close(listener);

    /* --max-clients reached: wait for the children still serving. */
    if (children > 0)
        printf("waiting for %ld child process(es) to finish\n", children);
    while (children > 0) {
        long pid = -1;
        int code;
        if (np_wait_child(&pid, &code, 0) != NP_OK)
            break; /* no children left after all */
        children--;
    }
    np_cleanup();
    return status;
}
