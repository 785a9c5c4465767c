/* np-udp-echo-server: the UDP echo server.
 *
 * UDP has no connections: every datagram arrives with its sender's address
 * (recvfrom) and the answer goes back to that address (sendto). One socket
 * serves every client (Python: while True: data, addr = s.recvfrom(65507);
 * s.sendto(data, addr)). Try it with np-udp-echo-client. */
#include <np/np.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "np-udp-echo-server";

static void usage(FILE *to)
{
    fprintf(to,
            "usage: %s [--host ADDR] [--port PORT] [--max-datagrams N]\n"
            "\n"
            "Send every UDP datagram back to where it came from.\n"
            "\n"
            "  --host ADDR          address to listen on (default 127.0.0.1; ::1, 0.0.0.0)\n"
            "  --port PORT          UDP port (default 8888; 0 = any free port)\n"
            "  --max-datagrams N    exit after echoing N datagrams (default: run forever)\n"
            "  --help               show this help\n",
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
    long port = 8888, max_datagrams = 0, echoed = 0;
    static char buf[65536]; /* the largest UDP payload is 65507 bytes */
    np_socket_t sock;
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
        } else if (strcmp(opt, "--max-datagrams") == 0 && i + 1 < argc) {
            if (!parse_number(argv[++i], 1, 1000000000L, &max_datagrams)) {
                fprintf(stderr, "%s: --max-datagrams wants a positive number, not '%s'\n",
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
    if (np_addr_from_ip(host, (uint16_t)port, &addr) != NP_OK) {
        fprintf(stderr, "%s: '%s' is not a numeric IP address\n", prog, host);
        np_cleanup();
        return 2;
    }
    /* socket(SOCK_DGRAM) + bind(): no listen(), no accept(). */
    err = np_socket_open(np_addr_family(&addr), NP_SOCK_DGRAM, &sock);
    if (err == NP_OK) {
        err = np_bind(sock, &addr);
        if (err != NP_OK)
            np_socket_close(sock);
    }
    if (err != NP_OK) {
        np_addr_format(&addr, text, sizeof text);
        fprintf(stderr, "%s: cannot bind UDP %s: %s\n", prog, text, np_strerror(err));
        np_cleanup();
        return 1;
    }
    np_getsockname(sock, &addr);
    np_addr_format(&addr, text, sizeof text);
    printf("listening on %s (UDP)\n", text);

    while (max_datagrams == 0 || echoed < max_datagrams) {
        np_addr from;
        char who[NP_ADDRSTRLEN];
        size_t got;

        err = np_recvfrom(sock, buf, sizeof buf - 1, &from, &got);
        if (err == NP_ECONNRESET) {
            /* Windows reports an ICMP "port unreachable" for an earlier
             * sendto on the next recvfrom: a client went away. Not our error. */
            continue;
        } else if (err != NP_OK && err != NP_EMSGSIZE) {
            fprintf(stderr, "%s: recvfrom failed: %s\n", prog, np_strerror(err));
            status = 1;
            break;
        }
        np_addr_format(&from, who, sizeof who);
        buf[got] = '\0'; /* to print it as text (the echo sends `got` bytes) */
        printf("%s sent %lu bytes: %.*s\n", who, (unsigned long)got,
               (int)strcspn(buf, "\r\n"), buf);
        err = np_sendto(sock, buf, got, &from, NULL);
        if (err != NP_OK)
            printf("could not answer %s: %s\n", who, np_strerror(err));
        echoed++;
    }

    np_socket_close(sock);
    np_cleanup();
    return status;
}
