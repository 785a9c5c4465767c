/* natter-cli as a real process: usage errors, a refused connection, and a
 * whole scripted session against a fake server played by this test (stdin
 * lines in, IRC lines on the socket, event lines on stdout, QUIT at end of
 * input, exit 0). The end-to-end tests against natterd and ngircd live in
 * tests/interop. */
#include <stdio.h>
#include <string.h>
#include "np_test.h"

static const char *g_argv0;
static char g_cli[1024];

/* Run natter-cli with args (NULL-terminated) and stdin closed; its exit code. */
static int run_cli(const char *const *args)
{
    const char *argv[16];
    size_t n = 0;
    argv[n++] = g_cli;
    while (*args && n < 15)
        argv[n++] = *args++;
    argv[n] = NULL;
    np_test_proc *p;
    if (np_test_spawn(argv, NULL, &p) != NP_OK)
        return -100;
    np_test_proc_close_stdin(p);
    char line[512];
    while (np_test_proc_readline(p, line, sizeof line, 20000) == NP_OK)
        printf("  cli: %s\n", line);
    int code = -1;
    if (np_test_proc_wait(p, 20000, &code) != NP_OK)
        return -101;
    return code;
}

static void test_usage(void)
{
    const char *version[] = { "--version", NULL };
    CHECK_INT(run_cli(version), 0);
    const char *none[] = { NULL };
    CHECK_INT(run_cli(none), 2);
    const char *no_nick[] = { "127.0.0.1", NULL };
    CHECK_INT(run_cli(no_nick), 2);
    const char *bad_port[] = { "127.0.0.1:70000", "--nick", "x", NULL };
    CHECK_INT(run_cli(bad_port), 2);
    const char *bad_opt[] = { "127.0.0.1", "--nick", "x", "--frobnicate", "1", NULL };
    CHECK_INT(run_cli(bad_opt), 2);
    const char *bad_timeout[] = { "127.0.0.1", "--nick", "x", "--timeout", "soon", NULL };
    CHECK_INT(run_cli(bad_timeout), 2);
}

static void test_connection_refused(void)
{
    np_addr addr;
    CHECK_OK(np_test_closed_port(&addr));
    char hostport[64];
    snprintf(hostport, sizeof hostport, "127.0.0.1:%u", (unsigned)np_addr_port(&addr));
    const char *args[] = { hostport, "--nick", "x", "--timeout", "5000", NULL };
    CHECK_INT(run_cli(args), 1);
}

/* Read one line (without CR LF) from the fake server's connection. */
static np_err read_line(np_socket_t s, char *buf, size_t cap)
{
    size_t n = 0;
    for (;;) {
        char ch;
        size_t got = 0;
        np_err err = np_recv(s, &ch, 1, &got);
        if (err != NP_OK)
            return err;
        if (got == 0)
            return NP_EEOF;
        if (ch == '\n')
            break;
        if (ch != '\r' && n + 1 < cap)
            buf[n++] = ch;
    }
    buf[n] = '\0';
    return NP_OK;
}

/* Read lines until one starts with want; 0 if it never came. */
static int expect_line(np_socket_t s, const char *want)
{
    char line[1024];
    while (read_line(s, line, sizeof line) == NP_OK) {
        printf("  server got: %s\n", line);
        if (strncmp(line, want, strlen(want)) == 0)
            return 1;
    }
    return 0;
}

static np_err send_text(np_socket_t s, const char *text)
{
    return np_sendall(s, text, strlen(text), NULL);
}

static void test_scripted_session(void)
{
    np_socket_t listener, conn;
    np_addr addr;
    CHECK_OK(np_test_listener(NP_AF_INET, &listener, &addr));
    char hostport[64];
    snprintf(hostport, sizeof hostport, "127.0.0.1:%u", (unsigned)np_addr_port(&addr));
    const char *argv[] = { g_cli, hostport, "--nick", "tester", "--join", "#t", "--quiet", NULL };
    np_test_proc *p;
    CHECK_OK(np_test_spawn(argv, NULL, &p));
    /* Typed before registration: held until the server has welcomed us. */
    CHECK_OK(np_test_proc_write(p, "hello there\n/me waves\n/bogus\n"));
    CHECK_OK(np_socket_set_timeout(listener, 20000));
    CHECK_OK(np_accept(listener, &conn, NULL));
    CHECK_OK(np_socket_set_timeout(conn, 20000));
    CHECK(expect_line(conn, "CAP LS 302"));
    CHECK(expect_line(conn, "NICK tester"));
    CHECK(expect_line(conn, "USER tester"));
    CHECK_OK(send_text(conn, ":fake CAP * LS :echo-message\r\n"));
    CHECK(expect_line(conn, "CAP REQ echo-message"));
    CHECK_OK(send_text(conn, ":fake CAP * ACK echo-message\r\n"));
    CHECK(expect_line(conn, "CAP END"));
    CHECK_OK(send_text(conn, ":fake 001 tester :Welcome\r\n"));
    CHECK(expect_line(conn, "JOIN #t"));
    CHECK_OK(send_text(conn, ":tester!u@h JOIN #t\r\n"));
    CHECK(expect_line(conn, "PRIVMSG #t :hello there"));
    CHECK(expect_line(conn, "PRIVMSG #t :\001ACTION waves\001"));
    /* echo-message is on: what we see is the server's echo. */
    CHECK_OK(send_text(conn, ":tester!u@h PRIVMSG #t :hello there\r\n"
                             ":bob!b@h PRIVMSG #t :hi tester\r\n"
                             ":bob!b@h PRIVMSG tester :psst\r\n"));
    char line[1024];
    CHECK_OK(np_test_proc_expect(p, "registered as tester", line, sizeof line, 20000));
    CHECK_OK(np_test_proc_expect(p, "-> tester joined #t", line, sizeof line, 20000));
    CHECK_OK(np_test_proc_expect(p, "#t <tester> hello there", line, sizeof line, 20000));
    CHECK(line[0] == '[' && line[3] == ':' && line[6] == ':' && line[9] == ']');
    CHECK_OK(np_test_proc_expect(p, "#t <bob> hi tester", line, sizeof line, 20000));
    CHECK_OK(np_test_proc_expect(p, "*bob* psst", line, sizeof line, 20000));
    /* End of input: QUIT, then we close, and it exits 0. */
    np_test_proc_close_stdin(p);
    CHECK(expect_line(conn, "QUIT"));
    CHECK_OK(send_text(conn, "ERROR :Closing link\r\n"));
    np_socket_close(conn);
    int code = -1;
    CHECK_OK(np_test_proc_wait(p, 20000, &code));
    CHECK_INT(code, 0);
    np_socket_close(listener);
}

static void test_server_drops(void)
{
    np_socket_t listener, conn;
    np_addr addr;
    CHECK_OK(np_test_listener(NP_AF_INET, &listener, &addr));
    char hostport[64];
    snprintf(hostport, sizeof hostport, "127.0.0.1:%u", (unsigned)np_addr_port(&addr));
    const char *argv[] = { g_cli, hostport, "--nick", "tester", NULL };
    np_test_proc *p;
    CHECK_OK(np_test_spawn(argv, NULL, &p));
    CHECK_OK(np_socket_set_timeout(listener, 20000));
    CHECK_OK(np_accept(listener, &conn, NULL));
    CHECK_OK(np_socket_set_timeout(conn, 20000));
    CHECK(expect_line(conn, "USER"));
    CHECK_OK(send_text(conn, ":fake 001 tester :Welcome\r\n"));
    char line[1024];
    CHECK_OK(np_test_proc_expect(p, "registered as tester", line, sizeof line, 20000));
    np_socket_close(conn);  /* stdin still open: the drop alone ends it */
    CHECK_OK(np_test_proc_expect(p, "disconnected", line, sizeof line, 20000));
    int code = -1;
    CHECK_OK(np_test_proc_wait(p, 20000, &code));
    CHECK_INT(code, 1);
    np_socket_close(listener);
}

int main(int argc, char **argv)
{
    (void)argc;
    g_argv0 = argv[0];
    np_test_sibling_path(g_cli, sizeof g_cli, g_argv0, "natter-cli");
    NP_TEST_INIT();
    RUN(test_usage);
    RUN(test_connection_refused);
    RUN(test_scripted_session);
    RUN(test_server_drops);
    return NP_TEST_DONE();
}
