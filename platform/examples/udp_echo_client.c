/* np-udp-echo-client: the UDP echo client.
 *
 * Sends each line of standard input as one datagram (sendto) and waits for the
 * echo (recvfrom). UDP may lose datagrams and nothing tells the sender, so the
 * socket is in timeout mode (Python: s.settimeout(1.0)) and a line whose echo
 * does not come is sent again a few times before giving up with a message:
 *
 *     $ echo hello | np-udp-echo-client --port 8888
 *     echo: hello
 *     $ echo hello | np-udp-echo-client --port 9      (nothing listens there)
 *     no echo within 1000 ms, sending again (2 of 3)
 *     no echo within 1000 ms, sending again (3 of 3)
 *     np-udp-echo-client: no echo from 127.0.0.1:9 after 3 tries: is the server running? */
#include "example_util.h"

#include <stdio.h>
#include <string.h>

const char ex_prog[] = "np-udp-echo-client";

static void usage(FILE *to)
{
    fprintf(to,
            "usage: %s [--host HOST] [--port PORT] [--timeout MS] [--tries N]\n"
            "\n"
            "Send each line of standard input as a UDP datagram and print the echo.\n"
            "\n"
            "  --host HOST     server name or address (default 127.0.0.1)\n"
            "  --port PORT     server UDP port (default 8888)\n"
            "  --timeout MS    wait MS milliseconds for each echo (default 1000)\n"
            "  --tries N       send a line at most N times (default 3)\n"
            "  --help          show this help\n",
            ex_prog);
}

/* Send one datagram and wait for its echo, up to `tries` times. NP_OK with the
 * echo in reply, NP_ETIMEDOUT when none came, or another error. */
static np_err exchange(np_socket_t sock, const np_addr *server, const char *msg,
                       char *reply, size_t size, long tries, long timeout_ms)
{
    for (long attempt = 1; attempt <= tries; attempt++) {
        np_err err;
        if (attempt > 1)
            printf("no echo within %ld ms, sending again (%ld of %ld)\n", timeout_ms,
                   attempt, tries);
        err = np_sendto(sock, msg, strlen(msg), server, NULL);
        if (err != NP_OK)
            return err;
        for (;;) {
            np_addr from;
            size_t got;
            err = np_recvfrom(sock, reply, size - 1, &from, &got);
            if (err == NP_ETIMEDOUT)
                break; /* lost on the way there or back: try again */
            if (err == NP_ECONNRESET) {
                /* Windows: an ICMP "port unreachable" came back for our
                 * datagram; nothing listens there. Wait out the timeout as on
                 * POSIX (where unconnected UDP sockets never see it). */
                np_sleep_ms(timeout_ms);
                break;
            }
            if (err != NP_OK && err != NP_EMSGSIZE)
                return err;
            if (!np_addr_equal(&from, server))
                continue; /* anyone can send us a datagram: ignore strangers */
            reply[got] = '\0';
            if (strcmp(reply, msg) != 0)
                continue; /* a late echo of an earlier line, sent twice */
            return NP_OK;
        }
    }
    return NP_ETIMEDOUT;
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    long port = 8888, timeout_ms = 1000, tries = 3;
    const ex_option options[] = {
        EX_OPT_CLIENT_PORT(&port),
        EX_OPT_TIMEOUT(&timeout_ms),
        { "--tries", 1, 1000, "a number from 1 to 1000", &tries },
    };
    char service[16], line[2048], reply[2048], where[NP_ADDRSTRLEN];
    np_addrinfo *found;
    np_addr server;
    np_socket_t sock;
    np_err err;
    int status = 0;

    ex_parse_args(argc, argv, usage, &host, options, sizeof options / sizeof options[0]);
    ex_init();

    /* getaddrinfo(): the server's first address, IPv4 or IPv6. */
    snprintf(service, sizeof service, "%ld", port);
    err = np_resolve(host, service, NP_AF_UNSPEC, NP_SOCK_DGRAM, 0, &found);
    if (err != NP_OK)
        ex_die("cannot resolve %s: %s", host, np_strerror(err));
    server = found->addr;
    np_addrinfo_free(found);
    np_addr_format(&server, where, sizeof where);

    err = np_socket_open(np_addr_family(&server), NP_SOCK_DGRAM, &sock);
    if (err == NP_OK)
        err = np_socket_set_timeout(sock, timeout_ms); /* recvfrom waits at most this */
    if (err != NP_OK)
        ex_die("cannot create a UDP socket: %s", np_strerror(err));

    /* No connect(): sendto names the server each time, and the OS picks our
     * own address and port on the first send. A line goes without its "\n":
     * a datagram needs no end marker. */
    while (ex_read_line(NULL, line, sizeof line)) {
        err = exchange(sock, &server, line, reply, sizeof reply, tries, timeout_ms);
        if (err == NP_ETIMEDOUT) {
            fprintf(stderr, "%s: no echo from %s after %ld tries: is the server running?\n",
                    ex_prog, where, tries);
            status = 1;
            break;
        } else if (err != NP_OK) {
            fprintf(stderr, "%s: exchange with %s failed: %s\n", ex_prog, where,
                    np_strerror(err));
            status = 1;
            break;
        }
        printf("echo: %s\n", reply);
    }

    np_socket_close(sock);
    np_cleanup();
    return status;
}
