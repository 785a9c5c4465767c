/* np-thread-echo-server: a thread per connection.
 *
 * Python's socketserver.ThreadingTCPServer: the main thread only accepts, and
 * each client gets a thread of its own that echoes until the client leaves, so
 * a slow client never holds up the others. The threads are np_thread
 * (pthreads on POSIX, Win32 threads on Windows). Try it with np-echo-client. */
#include "example_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char ex_prog[] = "np-thread-echo-server";

static void usage(FILE *to)
{
    fprintf(to,
            "usage: %s [--host ADDR] [--port PORT] [--max-clients N]\n"
            "\n"
            "Echo back whatever clients send, each client on a thread of its own.\n"
            "\n"
            "  --host ADDR        address to listen on (default 127.0.0.1; ::1, 0.0.0.0)\n"
            "  --port PORT        port to listen on (default 8888; 0 = any free port)\n"
            "  --max-clients N    accept N clients, exit when all have left\n"
            "                     (default: run forever)\n"
            "  --help             show this help\n",
            ex_prog);
}

/* How many client threads are running; main waits for 0 before exiting. */
static np_mutex *lock;
static np_cond *all_done;
static int running;

/* Everything one client's thread needs; the thread frees it. */
typedef struct connection {
    np_socket_t sock;
    char name[NP_ADDRSTRLEN];
} connection;

static void serve(void *arg)
{
    connection *conn = arg;
    char tag[32];
    snprintf(tag, sizeof tag, "[thread %lu]", np_thread_self_id());
    printf("%s serving %s\n", tag, conn->name);
    ex_echo(conn->sock, tag, conn->name);
    np_socket_close(conn->sock);
    free(conn);

    np_mutex_lock(lock);
    running--;
    np_cond_signal(all_done);
    np_mutex_unlock(lock);
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    long port = 8888, max_clients = 0, accepted = 0;
    const ex_option options[] = { EX_OPT_SERVER_PORT(&port), EX_OPT_MAX_CLIENTS(&max_clients) };
    char where[NP_ADDRSTRLEN];
    np_socket_t listener;
    int status = 0;

    ex_parse_args(argc, argv, usage, &host, options, sizeof options / sizeof options[0]);
    ex_init();
    if (np_mutex_create(&lock) != NP_OK || np_cond_create(&all_done) != NP_OK)
        ex_die("cannot create a mutex");
    listener = ex_listen(host, port, 64, where);
    printf("listening on %s\n", where);

    while (max_clients == 0 || accepted < max_clients) {
        connection *conn;
        np_socket_t sock;
        np_thread *thread;
        char who[NP_ADDRSTRLEN];
        np_err err;

        if (ex_accept(listener, &sock, who) != NP_OK) {
            status = 1;
            break;
        }
        accepted++;
        conn = malloc(sizeof *conn);
        if (!conn) {
            fprintf(stderr, "%s: out of memory; refusing a client\n", ex_prog);
            np_socket_close(sock);
            continue;
        }
        conn->sock = sock;
        memcpy(conn->name, who, sizeof conn->name);

        np_mutex_lock(lock);
        running++;
        np_mutex_unlock(lock);
        err = np_thread_create(&thread, serve, conn);
        if (err != NP_OK) {
            fprintf(stderr, "%s: cannot start a thread for %s: %s\n", ex_prog, who,
                    np_strerror(err));
            np_socket_close(sock);
            free(conn);
            np_mutex_lock(lock);
            running--;
            np_mutex_unlock(lock);
            continue;
        }
        np_thread_detach(thread); /* it cleans up after itself */
    }
    np_socket_close(listener);

    /* --max-clients reached: let the clients we have finish. */
    np_mutex_lock(lock);
    if (running > 0)
        printf("waiting for %d client thread(s) to finish\n", running);
    while (running > 0)
        np_cond_wait(all_done, lock);
    np_mutex_unlock(lock);

    np_cond_destroy(all_done);
    np_mutex_destroy(lock);
    np_cleanup();
    return status;
}
