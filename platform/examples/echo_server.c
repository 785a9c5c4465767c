/* np-echo-server: the TCP echo server.
 *
 * Sends every byte a client sends straight back, one client after another
 * (Python: while True: conn, addr = s.accept(); while data := conn.recv(4096):
 * conn.sendall(data)). The next client waits in the listen backlog until the
 * current one hangs up; np-multi-reader, np-thread-echo-server and
 * np-fork-echo-server serve many at once. Try it with np-echo-client. */
#include <np/np.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "np-echo-server";

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

/* Echo until the client hangs up. Any failure ends this client only. */
static void serve(np_socket_t conn, const char *who)
{
    char buf[4096];
    unsigned long total = 0;
    for (;;) {
        size_t got;
        np_err err = np_recv(conn, buf, sizeof buf, &got);
        if (err == NP_OK && got == 0) {
            printf("client %s left after %lu bytes\n", who, total);
            return;
        }
        if (err == NP_OK)
            err = np_sendall(conn, buf, got, NULL); /* loops over short writes */
        if (err != NP_OK) {
            printf("client %s dropped: %s\n", who, np_strerror(err));
            return;
        }
        total += (unsigned long)got;
    }
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    long port = 8888, max_clients = 0, served = 0;
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

    setvbuf(stdout, NULL, _IONBF, 0); /* each line out at once, even into a pipe */

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
    err = np_tcp_listen(&addr, 16, 0, &listener);
    if (err != NP_OK) {
        np_addr_format(&addr, text, sizeof text);
        fprintf(stderr, "%s: cannot listen on %s: %s\n", prog, text, np_strerror(err));
        np_cleanup();
        return 1;
    }
    np_getsockname(listener, &addr); /* the real port, when --port 0 */
    np_addr_format(&addr, text, sizeof text);
    printf("listening on %s\n", text);

    while (max_clients == 0 || served < max_clients) {
        np_socket_t conn;
        np_addr peer;
        char who[NP_ADDRSTRLEN];

        err = np_accept(listener, &conn, &peer);
        if (err == NP_ECONNABORTED || err == NP_ECONNRESET || err == NP_ENOTCONN) {
            continue; /* the client gave up while waiting in the backlog */
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
        serve(conn, who);
        np_socket_close(conn);
        served++;
    }

    np_socket_close(listener);
    np_cleanup();
    return status;
}
