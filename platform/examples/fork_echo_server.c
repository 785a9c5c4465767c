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
#include <np/np.h>

#if !NP_HAVE_FORK
#error "np-fork-echo-server needs fork(); it is built only where NP_HAVE_FORK is 1"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "np-fork-echo-server";

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

/* The child's whole life: echo until the client leaves. Returns its exit code. */
static int serve(np_socket_t conn, const char *who)
{
    char buf[4096];
    unsigned long total = 0;
    printf("[pid %ld] serving %s\n", np_getpid(), who);
    for (;;) {
        size_t got;
        np_err err = np_recv(conn, buf, sizeof buf, &got);
        if (err == NP_OK && got == 0) {
            printf("[pid %ld] %s left after %lu bytes\n", np_getpid(), who, total);
            return 0;
        }
        if (err == NP_OK)
            err = np_sendall(conn, buf, got, NULL);
        if (err != NP_OK) {
            printf("[pid %ld] %s dropped: %s\n", np_getpid(), who, np_strerror(err));
            return 1;
        }
        total += (unsigned long)got;
    }
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    long port = 8888, max_clients = 0, accepted = 0, children = 0;
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

    /* Unbuffered: nothing sits in a stdio buffer at fork() to be printed twice. */
    setvbuf(stdout, NULL, _IONBF, 0);

    err = np_init();
    if (err != NP_OK) {
        fprintf(stderr, "%s: cannot start the socket library: %s\n", prog, np_strerror(err));
        return 1;
    }
    if (np_addr_from_ip(host, (uint16_t)port, &addr) != NP_OK) {
        fprintf(stderr, "%s: '%s' is not a numeric IP address\n", prog, host);
        np_cleanup();
        return 2;
    }
    err = np_tcp_listen(&addr, 64, 0, &listener);
    if (err == NP_OK)
        err = np_socket_set_timeout(listener, 500); /* accept() returns to reap */
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
        np_socket_t conn;
        np_addr peer;
        char who[NP_ADDRSTRLEN];
        long pid;

        children -= np_reap_children(); /* waitpid(-1, WNOHANG) until none */

        err = np_accept(listener, &conn, &peer);
        if (err == NP_ETIMEDOUT || err == NP_ECONNABORTED || err == NP_ECONNRESET ||
            err == NP_ENOTCONN) {
            continue; /* nobody came in time, or a client gave up waiting */
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
        /* conn is blocking (only a non-blocking listener hands out
         * non-blocking sockets): all the child needs. */
        accepted++;
        np_addr_format(&peer, who, sizeof who);
        printf("client %s connected\n", who);

        err = np_fork(&pid);
        if (err != NP_OK) {
            fprintf(stderr, "%s: cannot fork for %s: %s\n", prog, who, np_strerror(err));
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
