/* np-thread-echo-server: a thread per connection.
 *
 * Python's socketserver.ThreadingTCPServer: the main thread only accepts, and
 * each client gets a thread of its own that echoes until the client leaves, so
 * a slow client never holds up the others. The threads are np_thread
 * (pthreads on POSIX, Win32 threads on Windows). Try it with np-echo-client. */
#include <np/np.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "np-thread-echo-server";

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
    char buf[4096];
    unsigned long total = 0;
    printf("[thread %lu] serving %s\n", np_thread_self_id(), conn->name);
    for (;;) {
        size_t got;
        np_err err = np_recv(conn->sock, buf, sizeof buf, &got);
        if (err == NP_OK && got == 0) {
            printf("[thread %lu] %s left after %lu bytes\n", np_thread_self_id(),
                   conn->name, total);
            break;
        }
        if (err == NP_OK)
            err = np_sendall(conn->sock, buf, got, NULL);
        if (err != NP_OK) {
            printf("[thread %lu] %s dropped: %s\n", np_thread_self_id(), conn->name,
                   np_strerror(err));
            break;
        }
        total += (unsigned long)got;
    }
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

    setvbuf(stdout, NULL, _IONBF, 0);

    err = np_init();
    if (err != NP_OK) {
        fprintf(stderr, "%s: cannot start the socket library: %s\n", prog, np_strerror(err));
        return 1;
    }
    if (np_mutex_create(&lock) != NP_OK || np_cond_create(&all_done) != NP_OK) {
        fprintf(stderr, "%s: cannot create a mutex\n", prog);
        np_cleanup();
        return 1;
    }
    if (np_addr_from_ip(host, (uint16_t)port, &addr) != NP_OK) {
        fprintf(stderr, "%s: '%s' is not a numeric IP address\n", prog, host);
        np_cleanup();
        return 2;
    }
    err = np_tcp_listen(&addr, 64, 0, &listener);
    if (err != NP_OK) {
        np_addr_format(&addr, text, sizeof text);
        fprintf(stderr, "%s: cannot listen on %s: %s\n", prog, text, np_strerror(err));
        np_cleanup();
        return 1;
    }
    np_getsockname(listener, &addr);
    np_addr_format(&addr, text, sizeof text);
    printf("listening on %s\n", text);

    while (max_clients == 0 || accepted < max_clients) {
        connection *conn;
        np_socket_t sock;
        np_thread *thread;
        np_addr peer;

        err = np_accept(listener, &sock, &peer);
        if (err == NP_ECONNABORTED || err == NP_ECONNRESET || err == NP_ENOTCONN) {
            continue; /* the client gave up while waiting in the backlog */
        } else if (err == NP_EMFILE || err == NP_ENFILE || err == NP_ENOBUFS ||
                   err == NP_ENOMEM) {
            fprintf(stderr, "%s: accept: %s; retrying\n", prog, np_strerror(err));
            np_sleep_ms(100);
            continue;
        } else if (err != NP_OK) {
            fprintf(stderr, "%s: accept failed: %s\n", prog, np_strerror(err));
            status = 1;
            break;
        }
        accepted++;
        conn = malloc(sizeof *conn);
        if (!conn) {
            fprintf(stderr, "%s: out of memory; refusing a client\n", prog);
            np_socket_close(sock);
            continue;
        }
        conn->sock = sock;
        np_addr_format(&peer, conn->name, sizeof conn->name);
        printf("client %s connected\n", conn->name);

        np_mutex_lock(lock);
        running++;
        np_mutex_unlock(lock);
        err = np_thread_create(&thread, serve, conn);
        if (err != NP_OK) {
            fprintf(stderr, "%s: cannot start a thread for %s: %s\n", prog, conn->name,
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
