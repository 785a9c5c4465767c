/* natterd in every mode this platform has, driven by raw IRC over libnp
 * sockets: registration, channels, delivery between three clients, nick
 * changes, QUIT seen by others, PING, a slow reader dropped for SendQ while
 * the others get everything, an overlong line cut off with the server still
 * answering, ERROR for everyone on shutdown, and (fork mode) a killed child
 * seen as a QUIT. Plus the program's own failures: a busy port, a bad
 * config, an unknown flag. natterd is found beside this executable. */
#include "np_test.h"
#include "irc_client.h"
#include "natterd_proc.h"

#include <stdatomic.h>
#include <stdlib.h>

#define T_START 20000   /* under Wine a process takes a second or two */
#define T_LINE 20000

static int g_mode;          /* the nt_server_mode under test */
static natterd_proc g_srv;  /* the running natterd, if any */

/* Start natterd in g_mode on 127.0.0.1:0 with extra args (NULL-terminated).
 * log_stdout: the log goes to stdout (to read pids). */
static int start_natterd(int log_stdout, const char *const *extra)
{
    const natterd_spec spec = {.mode = natterd_mode_name(g_mode), .log_stdout = log_stdout,
                               .flags = extra, .timeout_ms = T_START};
    if (!natterd_start(&g_srv, &spec))
        return 0;
    printf("  natterd (%s) listening after %.1f ms\n", natterd_mode_name(g_mode), g_srv.listen_ms);
    return 1;
}

/* ---- the cases ------------------------------------------------------------- */

static void test_chat_between_three(void)
{
    irc_client a, b, c;
    char line[512];
    CHECK(start_natterd(0, NULL));
    CHECK(irc_register(&a, g_srv.port, "alice"));
    CHECK(irc_register(&b, g_srv.port, "bob"));
    CHECK(irc_register(&c, g_srv.port, "carol"));
    CHECK(irc_join(&a, "#natter"));
    CHECK(irc_join(&b, "#natter"));
    CHECK(irc_join(&c, "#natter"));
    CHECK(irc_expect(&a, "JOIN", NULL, 0, T_LINE));   /* bob's join, seen by alice */

    CHECK_OK(irc_send(&a, "PRIVMSG #natter :hello from alice"));
    CHECK(irc_expect(&b, ":alice!", line, sizeof line, T_LINE));
    CHECK(strstr(line, "PRIVMSG #natter :hello from alice"));
    CHECK(irc_expect(&c, "PRIVMSG #natter :hello from alice", NULL, 0, T_LINE));

    CHECK_OK(irc_send(&c, "PRIVMSG bob :just you"));
    CHECK(irc_expect(&b, "PRIVMSG bob :just you", line, sizeof line, T_LINE));
    CHECK(strncmp(line, ":carol!", 7) == 0);

    CHECK_OK(irc_send(&b, "NICK robert"));
    CHECK(irc_expect(&a, ":bob!", line, sizeof line, T_LINE));
    CHECK(strstr(line, "NICK") && strstr(line, "robert"));
    CHECK(irc_expect(&c, "NICK", NULL, 0, T_LINE));

    CHECK_OK(irc_send(&a, "PING :token-42"));
    CHECK(irc_expect(&a, "PONG", line, sizeof line, T_LINE));
    CHECK(strstr(line, "token-42"));

    CHECK_OK(irc_send(&c, "QUIT :gone fishing"));
    CHECK(irc_expect(&c, "ERROR", NULL, 0, T_LINE));
    CHECK(irc_expect(&a, ":carol!", line, sizeof line, T_LINE));
    CHECK(strstr(line, "QUIT") && strstr(line, "gone fishing"));
    CHECK(irc_expect(&b, "QUIT", NULL, 0, T_LINE));
    irc_close(&a);
    irc_close(&b);
    irc_close(&c);
    natterd_stop(&g_srv);
}

/* A client that reads in the background and counts the flood's lines. */
typedef struct counter {
    irc_client *c;
    int want;
    atomic_int got;
    char quit_line[512];
} counter;

static void count_main(void *arg)
{
    counter *k = arg;
    char line[1024];
    int64_t deadline = np_now_ms() + 120000;
    while (atomic_load(&k->got) < k->want && np_now_ms() < deadline) {
        if (irc_readline(k->c, line, sizeof line, 1000) == NP_EEOF)
            break;
        if (strstr(line, "PRIVMSG #flood :"))
            atomic_fetch_add(&k->got, 1);
        else if (strstr(line, " QUIT ") && !k->quit_line[0])
            irc_copy(k->quit_line, sizeof k->quit_line, line);
    }
}

static void test_slow_reader_dropped_others_served(void)
{
    enum { N = 20000 };   /* 8 MB: past any socket buffers, and 1 MiB SendQ */
    irc_client a, b, c, slow;
    counter kb, kc;
    np_thread *tb, *tc;
    char chunk[64 * 420], line[512];
    size_t clen = 0;
    int64_t t0;
    CHECK(start_natterd(0, NULL));
    CHECK(irc_register(&a, g_srv.port, "flooder"));
    CHECK(irc_register(&b, g_srv.port, "reader1"));
    CHECK(irc_register(&c, g_srv.port, "reader2"));
    CHECK(irc_register(&slow, g_srv.port, "sleepy"));
    np_set_rcvbuf(slow.sock, 4096);
    CHECK(irc_join(&a, "#flood"));
    CHECK(irc_join(&b, "#flood"));
    CHECK(irc_join(&c, "#flood"));
    CHECK(irc_join(&slow, "#flood"));
    /* Let the join notices reach everyone before counting starts. */
    np_sleep_ms(200);

    memset(&kb, 0, sizeof kb);
    memset(&kc, 0, sizeof kc);
    kb.c = &b;
    kc.c = &c;
    kb.want = kc.want = N;
    CHECK_OK(np_thread_create(&tb, count_main, &kb));
    CHECK_OK(np_thread_create(&tc, count_main, &kc));
    for (int i = 0; i < 64; i++) {
        int n = snprintf(chunk + clen, sizeof chunk - clen, "PRIVMSG #flood :%0390d\r\n", i);
        clen += (size_t)n;
    }
    t0 = np_now_ms();
    np_socket_set_timeout(a.sock, 60000);
    for (int i = 0; i < N / 64; i++) {
        /* Keep the healthy readers within ~400 KB of the flood (SendQ is
         * 1 MiB): they are slow only compared to a loopback burst, while the
         * sleeper's queue grows without bound. */
        int sent = i * 64;
        int64_t wait_until = np_now_ms() + 30000;
        while ((atomic_load(&kb.got) < sent - 1000 || atomic_load(&kc.got) < sent - 1000) &&
               np_now_ms() < wait_until)
            np_sleep_ms(1);
        if (np_sendall(a.sock, chunk, clen, NULL) != NP_OK)
            break;
    }
    for (int i = 0; i < N % 64; i++)
        irc_send(&a, "PRIVMSG #flood :%0390d", i);
    np_thread_join(tb);
    np_thread_join(tc);
    printf("  %d lines of 420 bytes to 3 readers in %lld ms\n", N, (long long)(np_now_ms() - t0));
    CHECK_INT(atomic_load(&kb.got), N);
    CHECK_INT(atomic_load(&kc.got), N);
    /* The sleeper was dropped and the others were told why. */
    CHECK(irc_expect(&a, " QUIT ", line, sizeof line, T_LINE));
    CHECK_MSG(strncmp(line, ":sleepy!", 8) == 0 && strstr(line, "SendQ exceeded"), "got %s", line);
    irc_close(&a);
    irc_close(&b);
    irc_close(&c);
    irc_close(&slow);
    natterd_stop(&g_srv);
}

static void test_overlong_line_cut_off(void)
{
    static char junk[20000];
    irc_client e, f;
    int64_t t0;
    CHECK(start_natterd(0, NULL));
    CHECK(irc_register(&e, g_srv.port, "endless"));
    memset(junk, 'A', sizeof junk);
    np_socket_set_timeout(e.sock, 10000);
    np_sendall(e.sock, junk, sizeof junk, NULL);
    t0 = np_now_ms();
    CHECK(irc_expect(&e, "ERROR", NULL, 0, T_LINE));
    CHECK(irc_expect_eof(&e, T_LINE));
    printf("  cut off after %lld ms\n", (long long)(np_now_ms() - t0));
    /* And the server still answers. */
    CHECK(irc_register(&f, g_srv.port, "nextone"));
    CHECK_OK(irc_send(&f, "PING :still-there"));
    CHECK(irc_expect(&f, "still-there", NULL, 0, T_LINE));
    irc_close(&e);
    irc_close(&f);
    natterd_stop(&g_srv);
}

static void test_shutdown_says_error(void)
{
#if NP_HAVE_FORK
    irc_client a, b, c;
    int code = -1;
    int64_t t0;
    CHECK(start_natterd(1, NULL));
    CHECK(g_srv.pid > 0);
    CHECK(irc_register(&a, g_srv.port, "one"));
    CHECK(irc_register(&b, g_srv.port, "two"));
    CHECK(irc_open(&c, g_srv.port) == NP_OK);   /* not even registered */
    snprintf(c.nick, sizeof c.nick, "unregistered");
    CHECK(irc_join(&a, "#bye"));
    t0 = np_now_ms();
    CHECK_OK(np_kill(g_srv.pid, 0));   /* SIGTERM */
    CHECK(irc_expect(&a, "ERROR", NULL, 0, T_LINE));
    CHECK(irc_expect(&b, "ERROR", NULL, 0, T_LINE));
    CHECK(irc_expect(&c, "ERROR", NULL, 0, T_LINE));
    irc_close(&a);
    irc_close(&b);
    irc_close(&c);
    code = natterd_wait(&g_srv, T_LINE);   /* -1 if it had to be killed */
    printf("  exited %d, %lld ms after SIGTERM\n", code, (long long)(np_now_ms() - t0));
    CHECK_INT(code, 0);
#else
    SKIP("no way to send a terminate request to another process here");
#endif
}

static void test_killed_child_is_a_quit(void)
{
#if NP_HAVE_FORK
    irc_client a, b;
    char line[512];
    long child;
    if (g_mode != 2)
        SKIP("only fork mode has a process per connection");
    CHECK(start_natterd(1, NULL));
    CHECK(irc_register(&a, g_srv.port, "survivor"));
    CHECK(child_expect(g_srv.proc, "served by process", line, sizeof line, T_LINE));
    CHECK(irc_register(&b, g_srv.port, "victim"));
    CHECK(child_expect(g_srv.proc, "served by process", line, sizeof line, T_LINE));
    child = atol(strstr(line, "served by process") + strlen("served by process "));
    CHECK(child > 0);
    CHECK(irc_join(&a, "#room"));
    CHECK(irc_join(&b, "#room"));
    CHECK(irc_expect(&a, "JOIN", NULL, 0, T_LINE));
    CHECK_OK(np_kill(child, 1));   /* SIGKILL */
    CHECK(irc_expect(&a, ":victim!", line, sizeof line, T_LINE));
    CHECK(strstr(line, "QUIT"));
    CHECK(irc_expect_eof(&b, T_LINE));
    /* The hub and the others carry on. */
    CHECK_OK(irc_send(&a, "PING :after"));
    CHECK(irc_expect(&a, "after", NULL, 0, T_LINE));
    irc_close(&a);
    irc_close(&b);
    natterd_stop(&g_srv);
#else
    SKIP("no fork here");
#endif
}

/* ---- the program's own failures (once, not per mode) -------------------- */

static int run_natterd(const char *const *args, int64_t timeout_ms)
{
    const char *argv[CHILD_ARGV_MAX];
    char path[1024];
    np_test_proc *p;
    int n = 0;
    child_path(path, sizeof path, "natterd");
    argv[n++] = path;
    child_argv_add(argv, &n, args);
    argv[n] = NULL;
    if (!(p = child_spawn(argv, NULL, NULL)))
        return -1;
    return child_wait(p, timeout_ms);
}

static void test_busy_port_fails(void)
{
    char addr[64];
    const char *args[] = {"--listen", addr, NULL};
    g_mode = 0;
    CHECK(start_natterd(0, NULL));
    snprintf(addr, sizeof addr, "127.0.0.1:%u", g_srv.port);
    CHECK(run_natterd(args, T_START) > 0);
    natterd_stop(&g_srv);
}

static void test_bad_config_fails(void)
{
    char path[512];
    const char *args[] = {"--config", path, "--listen", "127.0.0.1:0", NULL};
    const char *missing[] = {"--config", "/nonexistent/natterd.conf", NULL};
    const char *flag[] = {"--no-such-flag", NULL};
    const char *mode[] = {"--mode", "telepathy", NULL};
    FILE *f;
    np_test_temp_path(path, sizeof path, "natterd-bad.conf");
    CHECK((f = fopen(path, "w")) != NULL);
    fputs("[server]\nname = ok\nmax-clients = lots\n", f);
    fclose(f);
    CHECK(run_natterd(args, T_START) > 0);
    remove(path);
    CHECK(run_natterd(missing, T_START) > 0);
    CHECK(run_natterd(flag, T_START) > 0);
    CHECK(run_natterd(mode, T_START) > 0);
}

static void test_config_file_is_used(void)
{
    char path[512], line[512];
    const char *args[] = {"--config", path, NULL};
    irc_client a;
    FILE *f;
    g_mode = 0;
    np_test_temp_path(path, sizeof path, "natterd-good.conf");
    CHECK((f = fopen(path, "w")) != NULL);
    fputs("; a test config\n[server]\nname = irc.test.example\n[limits]\nnicklen = 12\n", f);
    fclose(f);
    CHECK(start_natterd(0, args));
    CHECK(irc_open(&a, g_srv.port) == NP_OK);
    snprintf(a.nick, sizeof a.nick, "cfg");
    CHECK_OK(irc_send(&a, "NICK cfg"));
    CHECK_OK(irc_send(&a, "USER cfg 0 * :cfg"));
    CHECK(irc_expect(&a, " 001 ", line, sizeof line, T_LINE));
    CHECK(strncmp(line, ":irc.test.example ", 18) == 0);
    CHECK(irc_expect(&a, "NICKLEN=12", NULL, 0, T_LINE));
    irc_close(&a);
    natterd_stop(&g_srv);
    remove(path);
}

int main(int argc, char **argv)
{
    (void)argc;
    child_init(argv[0]);
    NP_TEST_INIT();
    for (g_mode = 0; g_mode < natterd_mode_count(); g_mode++) {
        printf("== mode %s\n", natterd_mode_name(g_mode));
        RUN_ISOLATED(test_chat_between_three);
        RUN_ISOLATED(test_slow_reader_dropped_others_served);
        RUN_ISOLATED(test_overlong_line_cut_off);
        RUN_ISOLATED(test_shutdown_says_error);
        RUN_ISOLATED(test_killed_child_is_a_quit);
    }
    printf("== the program\n");
    RUN_ISOLATED(test_busy_port_fails);
    RUN(test_bad_config_fails);
    RUN_ISOLATED(test_config_file_is_used);
    return NP_TEST_DONE();
}
