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
#include <np/np.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "np-echo-client";

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

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    long port = 8888, timeout_ms = 10000;
    np_socket_t sock;
    np_addr peer;
    char line[4096], echo[4096], where[NP_ADDRSTRLEN];
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

    setvbuf(stdout, NULL, _IONBF, 0);

    err = np_init();
    if (err != NP_OK) {
        fprintf(stderr, "%s: cannot start the socket library: %s\n", prog, np_strerror(err));
        return 1;
    }
    err = np_tcp_connect(host, (uint16_t)port, timeout_ms, &sock);
    if (err != NP_OK) {
        fprintf(stderr, "%s: cannot connect to %s port %ld: %s\n", prog, host, port,
                np_strerror(err));
        np_cleanup();
        return 1;
    }
    np_socket_set_timeout(sock, timeout_ms); /* every send and recv from now on */
    np_getpeername(sock, &peer);
    np_addr_format(&peer, where, sizeof where);
    printf("connected to %s\n", where);

    while (fgets(line, sizeof line, stdin)) {
        size_t len = strlen(line);
        /* Send the line as typed (with its "\n"), then read back exactly as
         * many bytes: one recv() could return only part of the echo. */
        err = np_sendall(sock, line, len, NULL);
        if (err == NP_OK)
            err = np_recv_exact(sock, echo, len, NULL);
        if (err == NP_EEOF) {
            fprintf(stderr, "%s: the server closed the connection\n", prog);
            status = 1;
            break;
        } else if (err == NP_ETIMEDOUT) {
            fprintf(stderr, "%s: no echo from %s within %ld ms\n", prog, where, timeout_ms);
            status = 1;
            break;
        } else if (err != NP_OK) {
            fprintf(stderr, "%s: connection to %s lost: %s\n", prog, where, np_strerror(err));
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
