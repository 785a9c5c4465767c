/* np-udp-echo-server: the UDP echo server.
 *
 * UDP has no connections: every datagram arrives with its sender's address
 * (recvfrom) and the answer goes back to that address (sendto). One socket
 * serves every client (Python: while True: data, addr = s.recvfrom(65507);
 * s.sendto(data, addr)). Try it with np-udp-echo-client. */
#include "example_util.h"

#include <stdio.h>
#include <string.h>

const char ex_prog[] = "np-udp-echo-server";

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
            ex_prog);
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    long port = 8888, max_datagrams = 0, echoed = 0;
    const ex_option options[] = {
        EX_OPT_SERVER_PORT(&port),
        { "--max-datagrams", 1, 1000000000L, "a positive number", &max_datagrams },
    };
    static char buf[65536]; /* the largest UDP payload is 65507 bytes */
    np_socket_t sock;
    np_addr addr;
    char text[NP_ADDRSTRLEN];
    np_err err;
    int status = 0;

    ex_parse_args(argc, argv, usage, &host, options, sizeof options / sizeof options[0]);
    ex_init();
    ex_local_addr(host, port, &addr);
    /* socket(SOCK_DGRAM) + bind(): no listen(), no accept(). */
    err = np_socket_open(np_addr_family(&addr), NP_SOCK_DGRAM, &sock);
    if (err == NP_OK)
        err = np_bind(sock, &addr);
    if (err != NP_OK) {
        np_addr_format(&addr, text, sizeof text);
        ex_die("cannot bind UDP %s: %s", text, np_strerror(err));
    }
    np_getsockname(sock, &addr); /* the real port, when --port 0 */
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
            fprintf(stderr, "%s: recvfrom failed: %s\n", ex_prog, np_strerror(err));
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
