/* apps-run: the sample apps of packaging/samples/, built by apps-build against
 * the installed tree (build_samples.cmake), run as real processes.
 *
 *     test_apps NP_ECHO NATTER_BOT NATTERD NATTER_CLI
 *
 * np-echo: lines come back whole (and only whole lines), long lines and a last
 *          line without a newline too; 50 clients at once, interleaved; a
 *          terminate request (SIGTERM) stops it cleanly with exit code 0.
 * natter-bot: on a natterd, joined to #bots beside natter-cli, it answers
 *          !ping with "pong, alice" (in the channel and in private), !time and
 *          !help; on SIGTERM it says QUIT (natter-cli sees it leave) and exits 0.
 * On Windows there is no way here to send a terminate request to another
 * process: the programs are killed there instead, and the test says so. */
#include "np_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T_START 30000   /* a program's first lines (Wine can take seconds) */
#define T_LINE 10000    /* any other line or reply */
#define T_EXIT 10000    /* a program asked to stop */
#define N_CLIENTS 50

static const char *g_echo, *g_bot, *g_natterd, *g_cli;

/* Every child and client socket a case starts, so that a failed CHECK (which
 * returns at once) leaves nothing running: cleanup() ends what is left. */
#define MAX_PROCS 8
static np_test_proc *g_procs[MAX_PROCS];
static np_socket_t g_socks[N_CLIENTS + 1];

static np_test_proc *start(const char *const argv[])
{
    np_test_proc *p = NULL;
    np_err err = np_test_spawn(argv, NULL, &p);
    if (err != NP_OK) {
        printf("  cannot start %s: %s\n", argv[0], np_strerror(err));
        return NULL;
    }
    for (int i = 0; i < MAX_PROCS; i++) {
        if (!g_procs[i]) {
            g_procs[i] = p;
            return p;
        }
    }
    np_test_proc_kill(p);
    return NULL;
}

static void forget(np_test_proc *p)
{
    for (int i = 0; i < MAX_PROCS; i++)
        if (g_procs[i] == p)
            g_procs[i] = NULL;
}

/* Wait for p to exit; its exit code, or -1 if it had to be killed. */
static int wait_exit(np_test_proc *p)
{
    int code = -1;
    forget(p);
    if (np_test_proc_wait(p, T_EXIT, &code) != NP_OK)
        return -1;
    return code;
}

static void cleanup(void)
{
    for (int i = 0; i < MAX_PROCS; i++) {
        if (g_procs[i]) {
            np_test_proc_kill(g_procs[i]);
            g_procs[i] = NULL;
        }
    }
    for (int i = 0; i <= N_CLIENTS; i++) {
        np_socket_close(g_socks[i]);
        g_socks[i] = NP_INVALID_SOCKET;
    }
}

/* "... pid 1234" in a line: the number, or 0. */
static long pid_in(const char *line)
{
    const char *p = strstr(line, "pid ");
    return p ? atol(p + 4) : 0;
}

/* "... HOST:PORT" at the end of a line: the port, or 0. */
static uint16_t port_in(const char *line)
{
    const char *colon = strrchr(line, ':');
    long v = colon ? atol(colon + 1) : 0;
    return v > 0 && v < 65536 ? (uint16_t)v : 0;
}

/* Ask the program to terminate as Ctrl-C or SIGTERM would. 1 if that was
 * possible here; 0 where it is not (Windows: then it is killed). */
static int terminate(long pid)
{
#if NP_HAVE_FORK
    return pid > 0 && np_kill(pid, 0) == NP_OK;
#else
    (void)pid;
    printf("  (no terminate request to another process on Windows: killing it)\n");
    return 0;
#endif
}

static int file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    fclose(f);
    return 1;
}

/* ---- np-echo -------------------------------------------------------------------- */

static np_test_proc *start_echo(int verbose, uint16_t *port, long *pid)
{
    const char *argv[] = { g_echo, verbose ? "--verbose" : NULL, NULL };
    char line[512];
    np_test_proc *p = start(argv);
    if (!p)
        return NULL;
    if (np_test_proc_expect(p, "pid ", line, sizeof line, T_START) != NP_OK)
        return NULL;
    *pid = pid_in(line);
    if (np_test_proc_expect(p, "listening on 127.0.0.1:", line, sizeof line, T_LINE) != NP_OK)
        return NULL;
    *port = port_in(line);
    printf("  np-echo: %s\n", line);
    return *port ? p : NULL;
}

static np_err echo_connect(uint16_t port, np_socket_t *s)
{
    np_err err = np_tcp_connect("127.0.0.1", port, T_LINE, s);
    if (err == NP_OK)
        err = np_socket_set_timeout(*s, T_LINE);
    return err;
}

/* Send text and expect exactly `back` to come back. */
static int echo_roundtrip(np_socket_t s, const char *text, const char *back)
{
    size_t n = strlen(back);
    char *buf = malloc(n + 1);
    int ok;
    if (!buf)
        return 0;
    ok = np_sendall(s, text, strlen(text), NULL) == NP_OK &&
         np_recv_exact(s, buf, n, NULL) == NP_OK && memcmp(buf, back, n) == 0;
    free(buf);
    return ok;
}

static void echo_lines(void)
{
    uint16_t port = 0;
    long pid = 0;
    char line[512], buf[64];
    size_t got = 0;
    np_socket_t s;
    np_test_proc *echo = start_echo(1, &port, &pid);
    CHECK_MSG(echo, "np-echo did not start listening");

    CHECK_OK(echo_connect(port, &g_socks[0]));
    s = g_socks[0];
    CHECK_OK(np_test_proc_expect(echo, "connected", line, sizeof line, T_LINE));
    CHECK(echo_roundtrip(s, "hello\n", "hello\n"));
    CHECK(echo_roundtrip(s, "two\nlines\r\n", "two\nlines\r\n"));

    /* Half a line is kept until its end comes. */
    CHECK_OK(np_sendall(s, "spl", 3, NULL));
    CHECK_OK(np_socket_set_timeout(s, 300));
    CHECK_ERR(np_recv(s, buf, sizeof buf, &got), NP_ETIMEDOUT);
    CHECK_OK(np_socket_set_timeout(s, T_LINE));
    CHECK(echo_roundtrip(s, "it\n", "split\n"));

    /* A line longer than np-echo's buffer comes back in pieces, every byte. */
    {
        size_t n = 20000;
        char *big = malloc(n + 2);
        int ok;
        CHECK(big);
        for (size_t i = 0; i < n; i++)
            big[i] = (char)('a' + i % 26);
        big[n] = '\n';
        big[n + 1] = '\0';
        ok = echo_roundtrip(s, big, big);
        free(big);
        CHECK_MSG(ok, "a 20000-byte line did not come back whole");
    }

    /* A last line without a newline comes back when the client stops sending,
     * then the server closes. */
    CHECK_OK(np_sendall(s, "tail", 4, NULL));
    CHECK_OK(np_shutdown(s, NP_SHUT_WR));
    CHECK_OK(np_recv_exact(s, buf, 4, NULL));
    CHECK(memcmp(buf, "tail", 4) == 0);
    CHECK_OK(np_recv(s, buf, sizeof buf, &got));
    CHECK_INT(got, 0);
    CHECK_OK(np_test_proc_expect(echo, "left after 5 lines", line, sizeof line, T_LINE));

    if (terminate(pid)) {
        CHECK_OK(np_test_proc_expect(echo, "np-echo: stopping; clients served: 1,", line,
                                     sizeof line, T_EXIT));
        CHECK_INT(wait_exit(echo), 0);
    }
}

static void echo_many(void)
{
    uint16_t port = 0;
    long pid = 0;
    char line[512];
    np_test_proc *echo = start_echo(0, &port, &pid);
    CHECK_MSG(echo, "np-echo did not start listening");

    /* Every client connected at once... */
    for (int i = 0; i < N_CLIENTS; i++)
        CHECK_OK(echo_connect(port, &g_socks[i]));
    /* ...each sends ten lines in one go, before anyone reads... */
    for (int i = 0; i < N_CLIENTS; i++) {
        char text[512];
        size_t len = 0;
        for (int l = 0; l < 10; l++)
            len += (size_t)snprintf(text + len, sizeof text - len, "client %d line %d\n", i, l);
        CHECK_OK(np_sendall(g_socks[i], text, len, NULL));
    }
    /* ...and gets exactly its own lines back, read in reverse order. */
    for (int i = N_CLIENTS - 1; i >= 0; i--) {
        char want[512], got[512];
        size_t len = 0;
        for (int l = 0; l < 10; l++)
            len += (size_t)snprintf(want + len, sizeof want - len, "client %d line %d\n", i, l);
        CHECK_OK(np_recv_exact(g_socks[i], got, len, NULL));
        CHECK_MSG(memcmp(want, got, len) == 0, "client %d got someone else's lines", i);
    }
    /* A second round, one line each, interleaved. */
    for (int i = 0; i < N_CLIENTS; i++) {
        char text[64];
        snprintf(text, sizeof text, "again %d\n", i);
        CHECK(echo_roundtrip(g_socks[i], text, text));
    }
    printf("  %d clients at once, 11 lines each: all echoed\n", N_CLIENTS);

    if (terminate(pid)) {
        /* Some clients may still be connected: they are cut off cleanly. */
        CHECK_OK(np_test_proc_expect(echo, "clients served", line, sizeof line, T_EXIT));
        CHECK_MSG(strstr(line, "clients served: 50,"), "np-echo said: %s", line);
        CHECK_INT(wait_exit(echo), 0);
    }
}

static void test_echo_lines(void)
{
    echo_lines();
    cleanup();
}

static void test_echo_many_clients(void)
{
    echo_many();
    cleanup();
}

/* ---- natter-bot ------------------------------------------------------------------ */

static void bot_chat(void)
{
    const char *srv_argv[] = { g_natterd, "--listen", "127.0.0.1:0", "--no-flood-limits",
                               NULL };
    char line[1024], hostport[64];
    uint16_t port;
    long bot_pid;
    np_test_proc *srv, *bot, *cli;

    srv = start(srv_argv);
    CHECK(srv);
    CHECK_OK(np_test_proc_expect(srv, "natterd: listening on ", line, sizeof line, T_START));
    port = port_in(line);
    CHECK(port);
    snprintf(hostport, sizeof hostport, "127.0.0.1:%u", (unsigned)port);

    {
        const char *argv[] = { g_bot, hostport, "--nick", "bot", "--join", "#bots", NULL };
        bot = start(argv);
    }
    CHECK(bot);
    CHECK_OK(np_test_proc_expect(bot, "pid ", line, sizeof line, T_START));
    bot_pid = pid_in(line);
    printf("  %s\n", line);
    CHECK_OK(np_test_proc_expect(bot, "registered as bot", line, sizeof line, T_LINE));
    CHECK_OK(np_test_proc_expect(bot, "joined #bots", line, sizeof line, T_LINE));

    {
        const char *argv[] = { g_cli, hostport, "--nick", "alice", "--join", "#bots", "--quiet",
                               NULL };
        cli = start(argv);
    }
    CHECK(cli);
    CHECK_OK(np_test_proc_expect(cli, "alice joined #bots", line, sizeof line, T_START));
    CHECK_OK(np_test_proc_expect(bot, "alice joined #bots", line, sizeof line, T_LINE));

    /* In the channel. */
    CHECK_OK(np_test_proc_write(cli, "!ping\n"));
    CHECK_OK(np_test_proc_expect(cli, "#bots <bot> pong, alice", line, sizeof line, T_LINE));
    CHECK_OK(np_test_proc_expect(bot, "-> #bots: pong, alice", line, sizeof line, T_LINE));
    CHECK_OK(np_test_proc_write(cli, "!time\n"));
    CHECK_OK(np_test_proc_expect(cli, "#bots <bot> alice: it is ", line, sizeof line, T_LINE));
    CHECK_MSG(strstr(line, " UTC"), "no time in: %s", line);
    printf("  %s\n", line);
    CHECK_OK(np_test_proc_write(cli, "!help\n"));
    CHECK_OK(np_test_proc_expect(cli, "I answer !ping, !time and !help", line, sizeof line,
                                 T_LINE));
    /* Not a command: no answer (the next answer is to the next command). */
    CHECK_OK(np_test_proc_write(cli, "hello bot, !ping is a command\n"));
    CHECK_OK(np_test_proc_expect(bot, "<alice> hello bot", line, sizeof line, T_LINE));
    /* In private, the answer comes in private. */
    CHECK_OK(np_test_proc_write(cli, "/msg bot !ping\n"));
    CHECK_OK(np_test_proc_expect(cli, "*bot* pong, alice", line, sizeof line, T_LINE));
    CHECK_OK(np_test_proc_expect(bot, "-> alice: pong, alice", line, sizeof line, T_LINE));

    /* A terminate request: the bot says QUIT and exits 0. */
    if (terminate(bot_pid)) {
        CHECK_OK(np_test_proc_expect(bot, "terminate request", line, sizeof line, T_EXIT));
        CHECK_OK(np_test_proc_expect(cli, "<- bot quit", line, sizeof line, T_EXIT));
        printf("  natter-cli saw: %s\n", line);
        CHECK_INT(wait_exit(bot), 0);
    }
    /* natter-cli quits at the end of its input. */
    np_test_proc_close_stdin(cli);
    CHECK_INT(wait_exit(cli), 0);
}

static void test_bot_answers_cli(void)
{
    if (!file_exists(g_bot))
        CHECK_MSG(0, "%s was not built (see apps-build)", g_bot);
    bot_chat();
    cleanup();
}

int main(int argc, char **argv)
{
    NP_TEST_INIT();
    if (argc != 5) {
        fprintf(stderr, "usage: %s NP_ECHO NATTER_BOT NATTERD NATTER_CLI\n", argv[0]);
        return 2;
    }
    g_echo = argv[1];
    g_bot = argv[2];
    g_natterd = argv[3];
    g_cli = argv[4];
    RUN(test_echo_lines);
    RUN(test_echo_many_clients);
    RUN(test_bot_answers_cli);
    return NP_TEST_DONE();
}
