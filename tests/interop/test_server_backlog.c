/* libnatter's server transport, in-process: its listening socket holds a
 * storm of connects that nobody has accepted yet. The server is opened (bound
 * and listening) but not run, so nothing accepts: every connect must still
 * complete at once from the kernel's accept queue. With a small backlog (the
 * old 128) the kernel drops the SYNs past it and those clients wait a whole
 * retransmission second — what a busy natterd did to a reconnect storm. */
#include "np_test.h"

#include <natter/server.h>
#include <stdio.h>

#define STORM 400          /* connects queued, none accepted */
#define T_CONNECT 500      /* ms: far below the 1 s SYN retransmission */

/* The kernel caps every backlog at net.core.somaxconn (Linux; Windows and
 * Wine have their own cap, read nowhere): 0 where it cannot be read. */
static long somaxconn(void)
{
    long v = 0;
    FILE *f = fopen("/proc/sys/net/core/somaxconn", "r");
    if (f) {
        if (fscanf(f, "%ld", &v) != 1)
            v = 0;
        fclose(f);
    }
    return v;
}

static void test_connect_storm_queued_without_accept(void)
{
    long cap = somaxconn();
    if (cap && cap < STORM)
        SKIP("net.core.somaxconn is below the storm size");

    nt_server_config cfg = {0};
    nt_engine_config_defaults(&cfg.engine);
    cfg.mode = NT_MODE_EVENT;
    CHECK_OK(np_addr_loopback(NP_AF_INET, 0, &cfg.listen[0]));
    cfg.nlisten = 1;
    nt_server *srv = NULL;
    CHECK_OK(nt_server_open(&cfg, &srv));
    np_addr at;
    CHECK_OK(nt_server_listen_addr(srv, 0, &at));

    static np_socket_t c[STORM];
    int n = 0;
    np_err err = NP_OK;
    int64_t t0 = np_now_ms(), slowest = 0;
    for (; n < STORM; n++) {
        int64_t t = np_now_ms();
        if ((err = np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &c[n])) != NP_OK)
            break;
        if ((err = np_socket_set_timeout(c[n], T_CONNECT)) == NP_OK)
            err = np_connect(c[n], &at);
        if (err != NP_OK) {
            np_socket_close(c[n]);
            break;
        }
        if (np_now_ms() - t > slowest)
            slowest = np_now_ms() - t;
    }
    printf("  %d of %d connects completed with nothing accepting, in %lld ms (slowest %lld ms)\n", n,
           STORM, (long long)(np_now_ms() - t0), (long long)slowest);
    for (int i = 0; i < n; i++)
        np_socket_close(c[i]);
    nt_server_free(srv);
    CHECK_MSG(err == NP_OK, "connect %d of %d: %s (the listen backlog is too small)", n + 1, STORM,
              np_strerror(err));
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_connect_storm_queued_without_accept);
    return NP_TEST_DONE();
}
