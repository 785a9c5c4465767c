/* echo: round trips through an echo server on loopback, each one `size`
 * bytes sent and the same bytes read back, over a blocking socket. The
 * libnp loop (np_send / np_recv) is here; the same loop on raw send/recv
 * system calls is echo_raw.c. Wall time per round trip is printed (noisy:
 * the kernel dominates it); the comparable figure is the instruction count
 * of each loop under callgrind, which the comparison driver takes. */
#include "scenarios.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

void echo_defaults(echo_opts *o)
{
    memset(o, 0, sizeof *o);
    o->rounds = 100000;
    o->size = 64;
}

__attribute__((noinline)) int echo_loop_np(np_socket_t s, char *buf, size_t size, long rounds)
{
    for (long r = 0; r < rounds; r++) {
        size_t off = 0, got;
        while (off < size) {
            size_t sent;
            if (np_send(s, buf + off, size - off, &sent) != NP_OK)
                return -1;
            off += sent;
        }
        for (off = 0; off < size; off += got)
            if (np_recv(s, buf + off, size - off, &got) != NP_OK || got == 0)
                return -1;
    }
    return 0;
}

int echo_run(const np_addr *server, const echo_opts *o, echo_result *r)
{
    np_socket_t s;
    char *buf = calloc(1, (size_t)o->size);
    char host[NP_ADDRSTRLEN];
    int64_t t0, t1;
    int rc;
    jbuf j;

    memset(r, 0, sizeof *r);
    if (!buf)
        return 1;
    memset(buf, 'e', (size_t)o->size);
    np_addr_host(server, host, sizeof host);
    if (np_tcp_connect(host, np_addr_port(server), 5000, &s) != NP_OK) {
        fprintf(stderr, "natter-bench: echo: cannot connect to the echo server\n");
        free(buf);
        return 1;
    }
    np_set_nodelay(s, 1);
    t0 = np_now_us();
    rc = o->raw ? echo_loop_raw(s, buf, (size_t)o->size, o->rounds)
                : echo_loop_np(s, buf, (size_t)o->size, o->rounds);
    t1 = np_now_us();
    np_socket_close(s);
    free(buf);
    if (rc != 0) {
        fprintf(stderr, "natter-bench: echo: the connection failed\n");
        return 1;
    }
    r->rounds = o->rounds;
    r->us_per_rt = o->rounds ? (double)(t1 - t0) / (double)o->rounds : 0;
    printf("echo (%s): %ld round trips of %d bytes, %.2f us each (wall time; the kernel"
           " dominates it: compare instructions under callgrind)\n",
           o->raw ? "raw send/recv" : "libnp", r->rounds, o->size, r->us_per_rt);
    j_open(&j);
    j_str(&j, "scenario", "echo");
    j_str(&j, "impl", o->raw ? "raw" : "np");
    j_int(&j, "rounds", r->rounds);
    j_int(&j, "size", o->size);
    j_num(&j, "us_per_rt", r->us_per_rt);
    j_print(&j);
    return 0;
}
