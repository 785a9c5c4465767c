/* Faults on real processes and sockets:
 *
 * - natterd in every mode with libnp faults injected into its own calls
 *   (NP_FAULT, spread over the whole run: EINTR and EWOULDBLOCK on recv and
 *   send, short writes, ENOBUFS and EMFILE on accept; each alone, then
 *   several at once) while 10 clients in one channel send 200 numbered
 *   messages each: every message must reach every other client exactly once
 *   and in order. The faults that fired are counted from NP_FAULT_LOG (which
 *   forked children append to as well) and must not be zero.
 * - natter-cli --reconnect: natterd killed and started again on the same
 *   port under two connected clients; both reconnect, rejoin and chat.
 * - natter-cli with failing connects (NP_FAULT=connect:...): without
 *   --reconnect it gives up with status 1, with it it retries and gets in.
 * - fork mode: one child killed with SIGKILL drops only its client; the
 *   others see its QUIT and keep talking.
 *
 * natterd and natter-cli are found beside this executable. */
#include "np_test.h"
#include "irc_client.h"
#include "natterd_proc.h"

#include <stdlib.h>

#define T_START 20000   /* under Wine a process takes a second or two */
#define T_LINE 20000

#define NCLIENTS 10
#define NMSGS 200

static int g_mode;
static natterd_proc g_srv;

/* Figures for the summary at the end. */
static long g_runs, g_faults, g_sent, g_received, g_lost, g_dups, g_retries;

/* Start natterd in g_mode on listen (NULL: a port the OS picks; a fixed port
 * is retried while the last one still holds it) with env (NULL-terminated,
 * may be NULL); its pid is read when log_stdout. */
static int start_natterd(const char *listen, const char *const *env, int log_stdout)
{
    const natterd_spec spec = {.mode = natterd_mode_name(g_mode), .listen = listen, .env = env,
                               .log_stdout = log_stdout, .log_level = "error",
                               .timeout_ms = T_START};
    return natterd_start(&g_srv, &spec);
}

/* ---- the exchange under faults ----------------------------------------------- */

typedef struct peer {
    irc_client irc;            /* registration and join; then only its socket */
    char out[NMSGS * 48];      /* every numbered message, sent as fast as it goes */
    size_t outlen, outoff;
    char in[65536];
    size_t inlen;
    int next[NCLIENTS];        /* next sequence number expected from each sender */
    long got, dups, gaps;
    unsigned watching;
} peer;

static peer g_peers[NCLIENTS];

/* Register within a few seconds, else connect again: a client whose accept
 * failed for good would only be waiting. Counts the retries. */
static int register_retrying(irc_client *c, const char *nick)
{
    char line[512];
    for (int attempt = 0; attempt < 5; attempt++) {
        if (attempt > 0) {
            irc_close(c);
            g_retries++;
        }
        if (irc_open(c, g_srv.port) != NP_OK)
            continue;
        snprintf(c->nick, sizeof c->nick, "%s", nick);
        if (irc_send(c, "NICK %s", nick) != NP_OK || irc_send(c, "USER %s 0 * :%s", nick, nick))
            continue;
        if (!irc_expect(c, " 001 ", line, sizeof line, 8000))
            continue;
        while (irc_readline(c, line, sizeof line, T_LINE) == NP_OK)
            if (strstr(line, " 376 ") || strstr(line, " 422 "))
                return 1;
    }
    return 0;
}

/* One line a peer received: "... PRIVMSG #faults :m SENDER SEQ". */
static void on_line(peer *p, int self, const char *line)
{
    const char *m = strstr(line, " PRIVMSG #faults :m ");
    int from, seq;
    if (!m || sscanf(m + 20, "%d %d", &from, &seq) != 2 || from < 0 || from >= NCLIENTS)
        return;
    if (from == self)
        return;   /* no echo-message asked: never happens */
    p->got++;
    if (seq < p->next[from])
        p->dups++;
    else if (seq > p->next[from])
        p->gaps += seq - p->next[from];
    if (seq >= p->next[from])
        p->next[from] = seq + 1;
}

static void read_lines(peer *p, int self)
{
    char *start = p->in, *nl;
    size_t left = p->inlen;
    while ((nl = memchr(start, '\n', left)) != NULL) {
        *nl = '\0';
        on_line(p, self, start);
        left -= (size_t)(nl - start) + 1;
        start = nl + 1;
    }
    memmove(p->in, start, left);
    p->inlen = left;
}

static long expected_per_peer(void)
{
    return (long)(NCLIENTS - 1) * NMSGS;
}

static int all_done(void)
{
    for (int i = 0; i < NCLIENTS; i++)
        if (g_peers[i].outoff < g_peers[i].outlen || g_peers[i].got < expected_per_peer())
            return 0;
    return 1;
}

/* Count the lines of the fault log that name op ("send", "accept"...), or
 * all of them (op NULL). */
static long count_faults(const char *path, const char *op)
{
    char line[256], want[64];
    long n = 0;
    FILE *f = fopen(path, "rb");
    snprintf(want, sizeof want, op ? "np_fault(%s)" : "np_fault(", op ? op : "");
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, want, strlen(want)) == 0)
            n++;
    fclose(f);
    return n;
}

/* One run: natterd with NP_FAULT=spec; 10 clients, 200 messages each. */
static void exchange_under(const char *label, const char *spec)
{
    char fault_env[512], log_env[600], logpath[400];
    const char *env[3];
    np_poller *poller = NULL;
    long got = 0, dups = 0, gaps = 0, total = 0;
    long n_send, n_recv, n_accept;
    int64_t t0, deadline;
    int regs = 0;

    np_test_temp_path(logpath, sizeof logpath, "natterd-faults.log");
    remove(logpath);
    snprintf(fault_env, sizeof fault_env, "NP_FAULT=%s", spec);
    snprintf(log_env, sizeof log_env, "NP_FAULT_LOG=%s", logpath);
    env[0] = fault_env;
    env[1] = log_env;
    env[2] = NULL;
    memset(g_peers, 0, sizeof g_peers);
    CHECK(start_natterd(NULL, env, 0));

    t0 = np_now_ms();
    for (int i = 0; i < NCLIENTS; i++) {
        char nick[16];
        peer *p = &g_peers[i];
        p->irc.sock = NP_INVALID_SOCKET;
        snprintf(nick, sizeof nick, "f%d", i);
        CHECK_MSG(register_retrying(&p->irc, nick), "%s: %s could not register", label, nick);
        CHECK(irc_join(&p->irc, "#faults"));
        regs++;
        for (int k = 0; k < NMSGS; k++)
            p->outlen += (size_t)snprintf(p->out + p->outlen, sizeof p->out - p->outlen,
                                          "PRIVMSG #faults :m %d %d\r\n", i, k);
    }
    /* From here on one loop moves every client's bytes both ways. */
    CHECK_OK(np_poller_open(&poller));
    for (int i = 0; i < NCLIENTS; i++) {
        peer *p = &g_peers[i];
        memcpy(p->in, p->irc.buf, p->irc.len);   /* what the joins left unread */
        p->inlen = p->irc.len;
        read_lines(p, i);
        np_socket_set_timeout(p->irc.sock, NP_TIMEOUT_NONBLOCKING);
        p->watching = NP_POLL_IN | NP_POLL_OUT;
        CHECK_OK(np_poller_add(poller, p->irc.sock, p->watching, p));
    }
    deadline = np_now_ms() + 90000;
    while (!all_done() && np_now_ms() < deadline) {
        np_poll_event evs[NCLIENTS];
        int n = 0;
        if (np_poller_wait(poller, evs, NCLIENTS, 200, &n) != NP_OK)
            break;
        for (int e = 0; e < n; e++) {
            peer *p = evs[e].data;
            int self = (int)(p - g_peers);
            if (evs[e].events & (NP_POLL_IN | NP_POLL_HUP | NP_POLL_ERR)) {
                for (;;) {
                    size_t r = 0;
                    np_err err = np_recv(p->irc.sock, p->in + p->inlen,
                                         sizeof p->in - p->inlen, &r);
                    if (err != NP_OK || r == 0)
                        break;   /* EAGAIN; an end shows up as missing messages */
                    p->inlen += r;
                    read_lines(p, self);
                }
            }
            if ((evs[e].events & NP_POLL_OUT) && p->outoff < p->outlen) {
                size_t s = 0;
                /* A few lines at a time, so that all ten talk at once. */
                size_t chunk = p->outlen - p->outoff < 1024 ? p->outlen - p->outoff : 1024;
                if (np_send(p->irc.sock, p->out + p->outoff, chunk, &s) == NP_OK)
                    p->outoff += s;
                if (p->outoff == p->outlen) {
                    p->watching = NP_POLL_IN;
                    np_poller_modify(poller, p->irc.sock, p->watching, p);
                }
            }
        }
    }
    np_poller_close(poller);
    for (int i = 0; i < NCLIENTS; i++) {
        got += g_peers[i].got;
        dups += g_peers[i].dups;
        gaps += g_peers[i].gaps;
        for (int j = 0; j < NCLIENTS; j++)
            if (j != i)
                gaps += NMSGS - g_peers[i].next[j];   /* never came at all */
        irc_close(&g_peers[i].irc);
    }
    natterd_stop(&g_srv);
    total = count_faults(logpath, NULL);
    n_send = count_faults(logpath, "send");
    n_recv = count_faults(logpath, "recv");
    n_accept = count_faults(logpath, "accept");
    remove(logpath);
    printf("  %-6s %-22s %5lld ms: faults %6ld (send %ld, recv %ld, accept %ld), "
           "sent %d, received %ld of %ld, lost %ld, duplicated %ld, retries %ld\n",
           natterd_mode_name(g_mode), label, (long long)(np_now_ms() - t0), total, n_send, n_recv,
           n_accept, NCLIENTS * NMSGS, got, expected_per_peer() * NCLIENTS, gaps, dups,
           g_retries);
    g_runs++;
    g_faults += total;
    g_sent += NCLIENTS * NMSGS;
    g_received += got;
    g_lost += gaps;
    g_dups += dups;
    CHECK_INT(regs, NCLIENTS);
    CHECK_INT(gaps, 0);
    CHECK_INT(dups, 0);
    CHECK_INT(got, expected_per_peer() * NCLIENTS);
    CHECK_MSG(total > 0, "%s: no fault fired (NP_FAULT=%s)", label, spec);
    if (strstr(spec, "send:"))
        CHECK(n_send > 0);
    if (strstr(spec, "recv:"))
        CHECK(n_recv > 0);
    if (strstr(spec, "accept:"))
        CHECK(n_accept > 0);
}

/* Faults spread over the run: op:kind:count:skip:every (count large enough
 * never to run out). */
static const struct {
    const char *label, *spec;
} fault_sets[] = {
    {"EINTR on recv", "recv:eintr:1000000:0:3"},
    {"EINTR on send", "send:eintr:1000000:0:3"},
    {"EWOULDBLOCK on recv", "recv:eagain:1000000:0:3"},
    {"EWOULDBLOCK on send", "send:eagain:1000000:0:3"},
    {"short writes", "send:short7:1000000:0:2"},
    {"ENOBUFS on accept", "accept:enobufs:1000000:0:2"},
    {"EMFILE on accept", "accept:emfile:1000000:0:2"},
    {"combined A", "recv:eintr:1000000:0:2,send:short3:1000000:0:2,accept:enobufs:1000000:0:2"},
    {"combined B", "recv:eagain:1000000:0:3,send:eagain:1000000:1:4,accept:emfile:1000000:0:3"},
    {"combined C", "recv:short5:1000000:0:2,send:eintr:1000000:0:2,accept:eintr:1000000:0:2"},
};

static void test_exchange_under_faults(void)
{
    for (size_t i = 0; i < sizeof fault_sets / sizeof fault_sets[0]; i++) {
        int failed_before = np_test_case_failed();
        exchange_under(fault_sets[i].label, fault_sets[i].spec);
        natterd_stop(&g_srv);
        if (np_test_case_failed() && !failed_before)
            CHECK_MSG(0, "with NP_FAULT=%s", fault_sets[i].spec);
    }
}

/* Out of descriptors for good (every accept fails with EMFILE): natterd must
 * back off rather than spin on a listener that stays readable. Its accept
 * calls over one second are counted. */
static void test_accept_failures_do_not_spin(void)
{
    char fault_env[] = "NP_FAULT=accept:emfile:100000000";
    char log_env[600], logpath[400];
    const char *env[3];
    irc_client c;
    long n;
    np_test_temp_path(logpath, sizeof logpath, "natterd-emfile.log");
    remove(logpath);
    snprintf(log_env, sizeof log_env, "NP_FAULT_LOG=%s", logpath);
    env[0] = fault_env;
    env[1] = log_env;
    env[2] = NULL;
    CHECK(start_natterd(NULL, env, 0));
    CHECK_OK(irc_open(&c, g_srv.port));   /* completes in the backlog */
    np_sleep_ms(1000);
    natterd_stop(&g_srv);
    irc_close(&c);
    n = count_faults(logpath, "accept");
    remove(logpath);
    printf("  %s: %ld failed accept calls in 1 s with a connection waiting\n",
           natterd_mode_name(g_mode), n);
    CHECK(n > 0);
    CHECK_MSG(n <= 100, "natterd spins on a failing accept (%ld calls in 1 s)", n);
}

/* ---- natter-cli --reconnect ---------------------------------------------------- */

/* natter-cli joining #re with one extra flag (may be NULL), not waited for. */
static np_test_proc *start_cli(const char *nick, const char *extra, const char *const *env)
{
    const char *const flags[] = {extra, NULL};
    const cli_spec spec = {.server = g_srv.addr, .nick = nick, .chan = "#re", .flags = flags,
                           .env = env};
    return cli_start(&spec);
}

static void test_cli_reconnects_after_restart(void)
{
    np_test_proc *a, *b;
    char line[512], addr[64], want[128];
    int64_t t0;
    CHECK(start_natterd(NULL, NULL, 0));
    snprintf(addr, sizeof addr, "127.0.0.1:%u", g_srv.port);
    CHECK((a = start_cli("ann", "--reconnect", NULL)) != NULL);
    CHECK(child_expect(a, "-> ann joined #re", line, sizeof line, T_START));
    CHECK((b = start_cli("ben", "--reconnect", NULL)) != NULL);
    CHECK(child_expect(b, "-> ben joined #re", line, sizeof line, T_START));
    CHECK(child_expect(a, "-> ben joined #re", line, sizeof line, T_LINE));
    CHECK_OK(np_test_proc_write(a, "before the restart\n"));
    CHECK(child_expect(b, "<ann> before the restart", line, sizeof line, T_LINE));

    /* The server dies without a word and comes back on the same port. */
    natterd_stop(&g_srv);
    t0 = np_now_ms();
    CHECK(child_expect(a, "reconnecting in 1 s (attempt 1)", line, sizeof line, T_LINE));
    printf("  ann: %s\n", line);
    CHECK(child_expect(b, "reconnecting in 1 s (attempt 1)", line, sizeof line, T_LINE));
    CHECK(start_natterd(addr, NULL, 0));
    CHECK(child_expect(a, "reconnected to", line, sizeof line, 40000));
    printf("  ann: %s\n", line);
    CHECK(child_expect(a, "-> ann joined #re", line, sizeof line, T_LINE));
    CHECK(child_expect(b, "reconnected to", line, sizeof line, 40000));
    CHECK(child_expect(b, "-> ben joined #re", line, sizeof line, T_LINE));
    printf("  both back in #re %lld ms after the server died\n",
           (long long)(np_now_ms() - t0));
    CHECK_OK(np_test_proc_write(a, "after the restart, from ann\n"));
    CHECK_OK(np_test_proc_write(b, "after the restart, from ben\n"));
    CHECK(child_expect(b, "<ann> after the restart, from ann", line, sizeof line, T_LINE));
    CHECK(child_expect(a, "<ben> after the restart, from ben", line, sizeof line, T_LINE));
    /* A /quit is not a drop: it exits 0 and does not come back. */
    CHECK_OK(np_test_proc_write(a, "/quit bye\n"));
    snprintf(want, sizeof want, "<- ann quit");
    CHECK(child_expect(b, want, line, sizeof line, T_LINE));
    CHECK_INT(child_wait(a, T_LINE), 0);
    np_test_proc_close_stdin(b);   /* end of input is not a drop either */
    CHECK_INT(child_wait(b, T_LINE), 0);
    natterd_stop(&g_srv);
}

static void test_cli_failed_connects(void)
{
    const char *env[] = {"NP_FAULT=connect:econnrefused:2", NULL};
    np_test_proc *p;
    irc_client w;
    char line[512];
    CHECK(start_natterd(NULL, NULL, 0));
    CHECK(irc_register(&w, g_srv.port, "watcher"));
    CHECK(irc_join(&w, "#re"));

    /* Without --reconnect: one failure is the end (status 1, no welcome). */
    CHECK((p = start_cli("gives_up", NULL, env)) != NULL);
    for (;;) {
        np_err err = np_test_proc_readline(p, line, sizeof line, T_START);
        if (err != NP_OK)
            break;
        CHECK_MSG(!strstr(line, "registered"), "registered despite the fault: %s", line);
    }
    CHECK_INT(child_wait(p, T_LINE), 1);

    /* With it: two refusals, shown with their reason, then in. */
    CHECK((p = start_cli("keeps_on", "--reconnect", env)) != NULL);
    CHECK(child_expect(p, "reconnecting in 1 s (attempt 1)", line, sizeof line, T_START));
    printf("  %s\n", line);
    CHECK_MSG(strstr(line, "refused"), "no reason given: %s", line);
    CHECK(child_expect(p, "reconnecting in 2 s (attempt 2)", line, sizeof line, T_LINE));
    printf("  %s\n", line);
    CHECK(child_expect(p, "-> keeps_on joined #re", line, sizeof line, T_LINE));
    CHECK(irc_expect(&w, ":keeps_on!", line, sizeof line, T_LINE));
    np_test_proc_write(p, "made it\n");
    CHECK(irc_expect(&w, "PRIVMSG #re :made it", line, sizeof line, T_LINE));
    np_test_proc_close_stdin(p);
    CHECK_INT(child_wait(p, T_LINE), 0);
    irc_close(&w);
    natterd_stop(&g_srv);
}

/* ---- fork mode: a child killed ----------------------------------------------- */

static void test_killed_child_only_drops_its_client(void)
{
#if NP_HAVE_FORK
    irc_client a, b, v;
    char line[512];
    long child;
    if (g_mode != 2)
        SKIP("only fork mode has a process per connection");
    CHECK(start_natterd(NULL, NULL, 1));
    CHECK(irc_register(&a, g_srv.port, "amy"));
    CHECK(irc_register(&b, g_srv.port, "bea"));
    CHECK(irc_register(&v, g_srv.port, "victim"));
    CHECK(child_expect(g_srv.proc, "served by process", line, sizeof line, T_LINE));
    CHECK(child_expect(g_srv.proc, "served by process", line, sizeof line, T_LINE));
    CHECK(child_expect(g_srv.proc, "served by process", line, sizeof line, T_LINE));
    child = atol(strstr(line, "served by process") + strlen("served by process "));
    CHECK(child > 0);
    CHECK(irc_join(&a, "#k"));
    CHECK(irc_join(&b, "#k"));
    CHECK(irc_join(&v, "#k"));
    CHECK(irc_expect(&a, ":victim!", NULL, 0, T_LINE));
    CHECK(irc_expect(&b, ":victim!", NULL, 0, T_LINE));
    CHECK_OK(np_kill(child, 1));   /* SIGKILL */
    CHECK(irc_expect(&a, ":victim!", line, sizeof line, T_LINE));
    CHECK(strstr(line, " QUIT "));
    CHECK(irc_expect(&b, ":victim!", line, sizeof line, T_LINE));
    CHECK(strstr(line, " QUIT "));
    CHECK(irc_expect_eof(&v, T_LINE));
    for (int i = 0; i < 20; i++) {
        CHECK_OK(irc_send(&a, "PRIVMSG #k :a%d", i));
        CHECK_OK(irc_send(&b, "PRIVMSG #k :b%d", i));
    }
    for (int i = 0; i < 20; i++) {
        char want[32];
        snprintf(want, sizeof want, "PRIVMSG #k :a%d", i);
        CHECK(irc_expect(&b, want, NULL, 0, T_LINE));
        snprintf(want, sizeof want, "PRIVMSG #k :b%d", i);
        CHECK(irc_expect(&a, want, NULL, 0, T_LINE));
    }
    printf("  victim's QUIT seen by both; 40 messages between the two after it\n");
    irc_close(&a);
    irc_close(&b);
    irc_close(&v);
    natterd_stop(&g_srv);
#else
    SKIP("no fork here");
#endif
}

int main(int argc, char **argv)
{
    (void)argc;
    child_init(argv[0]);
    NP_TEST_INIT();
    for (g_mode = 0; g_mode < natterd_mode_count(); g_mode++) {
        printf("== mode %s\n", natterd_mode_name(g_mode));
        RUN_ISOLATED(test_exchange_under_faults);
        RUN_ISOLATED(test_accept_failures_do_not_spin);
        RUN_ISOLATED(test_cli_reconnects_after_restart);
        RUN_ISOLATED(test_killed_child_only_drops_its_client);
    }
    g_mode = 0;
    printf("== natter-cli and failing connects\n");
    RUN_ISOLATED(test_cli_failed_connects);
    printf("faults: %ld runs of %d clients x %d messages; faults injected %ld; "
           "messages sent %ld, received %ld, lost %ld, duplicated %ld; connect retries %ld\n",
           g_runs, NCLIENTS, NMSGS, g_faults, g_sent, g_received, g_lost, g_dups, g_retries);
    return NP_TEST_DONE();
}
