/* The classic programs in platform/examples, run as the real processes people
 * run: each server starts with --port 0 and tells its port on its
 * "listening on ADDR:PORT" line, clients are started against it, lines are
 * typed into their standard input and the answers read from their output;
 * exit codes are checked at the end. Same test natively and under Wine.
 *
 * The programs are found beside this test executable (one bin/ directory for
 * every runtime output). */
#include "np_test.h"

#include <stdarg.h>

/* Generous: under Wine, a process takes a second or two to start. */
#define T_LINE 20000
#define T_EXIT 20000

static const char *g_argv0;
static np_test_proc *g_live[32];

/* ---- process helpers ------------------------------------------------------ */

static void track(np_test_proc *p)
{
    for (size_t i = 0; i < sizeof g_live / sizeof g_live[0]; i++)
        if (!g_live[i]) {
            g_live[i] = p;
            return;
        }
}

static void untrack(np_test_proc *p)
{
    for (size_t i = 0; i < sizeof g_live / sizeof g_live[0]; i++)
        if (g_live[i] == p)
            g_live[i] = NULL;
}

/* After each case: a case that failed half-way leaves its processes running;
 * end them so they hold no port and no pipe. */
static void kill_leftovers(void)
{
    for (size_t i = 0; i < sizeof g_live / sizeof g_live[0]; i++)
        if (g_live[i]) {
            np_test_proc_kill(g_live[i]);
            g_live[i] = NULL;
        }
}

/* Start program `name` (e.g. "np-echo-server") with extra environment entries
 * `env` (NULL-terminated, may be NULL) and the arguments in `ap`. NULL (with
 * the reason printed) on failure. */
static np_test_proc *vstart(const char *name, const char *const *env, va_list ap)
{
    const char *argv[16];
    char path[1024];
    np_test_proc *p;
    int n = 0;
    np_err err;

    np_test_sibling_path(path, sizeof path, g_argv0, name);
    argv[n++] = path;
    while (n < 15 && (argv[n] = va_arg(ap, const char *)) != NULL)
        n++;
    argv[n] = NULL;
    err = np_test_spawn(argv, env, &p);
    if (err != NP_OK) {
        printf("  cannot start %s: %s\n", path, np_strerror(err));
        return NULL;
    }
    track(p);
    return p;
}

/* start("np-echo-server", "--port", "0", (const char *)NULL) */
static np_test_proc *start(const char *name, ...)
{
    np_test_proc *p;
    va_list ap;
    va_start(ap, name);
    p = vstart(name, NULL, ap);
    va_end(ap);
    return p;
}

/* start() with extra environment entries ("NAME=value", NULL-terminated). */
static np_test_proc *start_env(const char *const *env, const char *name, ...)
{
    np_test_proc *p;
    va_list ap;
    va_start(ap, name);
    p = vstart(name, env, ap);
    va_end(ap);
    return p;
}

/* Read the server's "listening on 127.0.0.1:PORT" line; the port as text. */
static int read_port(np_test_proc *p, char *port, size_t len)
{
    char line[512], *addr, *end, *colon;
    if (np_test_proc_expect(p, "listening on ", line, sizeof line, T_LINE) != NP_OK)
        return 0;
    addr = strstr(line, "listening on ") + strlen("listening on ");
    end = addr + strcspn(addr, " ");
    *end = '\0';
    colon = strrchr(addr, ':');
    if (!colon || !colon[1])
        return 0;
    snprintf(port, len, "%s", colon + 1);
    return atoi(port) > 0;
}

/* Wait for the process to exit; its exit code (-1 if it had to be killed). */
static int finish(np_test_proc *p)
{
    int code = -1;
    untrack(p);
    np_test_proc_wait(p, T_EXIT, &code);
    return code;
}

#define TYPE(p, text) CHECK_OK(np_test_proc_write((p), (text)))
#define EXPECT(p, needle) CHECK_OK(np_test_proc_expect((p), (needle), NULL, 0, T_LINE))

/* ---- every program: --help and bad options ------------------------------- */

static void check_usage(const char *name)
{
    np_test_proc *p = start(name, "--help", (const char *)NULL);
    CHECK(p);
    EXPECT(p, "usage:");
    CHECK_INT(finish(p), 0);
    p = start(name, "--no-such-option", (const char *)NULL);
    CHECK(p);
    CHECK_INT(finish(p), 2);
    p = start(name, "--port", "99999", (const char *)NULL);
    CHECK(p);
    CHECK_INT(finish(p), 2);
}

static void test_usage(void)
{
    static const char *const names[] = {
        "np-hello-server", "np-hello-client", "np-echo-server", "np-echo-client",
        "np-udp-echo-server", "np-udp-echo-client", "np-multi-reader",
        "np-thread-echo-server",
#if NP_HAVE_FORK
        "np-fork-echo-server",
#endif
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        printf("  %s\n", names[i]);
        check_usage(names[i]);
        if (np_test_case_failed())
            return;
    }
}

/* ---- hello / hi chat ----------------------------------------------------- */

/* Both sides talk through their prompts, two rounds; the client leaves. */
static void test_hello_chat(void)
{
    char port[16];
    np_test_proc *server = start("np-hello-server", "--port", "0", "--once",
                                 (const char *)NULL);
    np_test_proc *client;
    CHECK(server);
    CHECK(read_port(server, port, sizeof port));
    client = start("np-hello-client", "--port", port, (const char *)NULL);
    CHECK(client);
    EXPECT(client, "connected to 127.0.0.1:");
    EXPECT(server, "connected");

    TYPE(client, "hello\n");
    EXPECT(server, "client: hello");
    TYPE(server, "hi\n");
    EXPECT(client, "server: hi");

    TYPE(client, "\n"); /* an empty line is not sent: the client asks again */
    TYPE(client, "how are you?\n");
    EXPECT(server, "client: how are you?");
    TYPE(server, "fine, thanks\n");
    EXPECT(client, "server: fine, thanks");

    TYPE(client, "quit\n");
    CHECK_INT(finish(client), 0);
    EXPECT(server, "left");
    CHECK_INT(finish(server), 0); /* --once */
}

/* The server types "quit": the client is told the server closed on it. */
static void test_hello_server_quits(void)
{
    char port[16];
    np_test_proc *server = start("np-hello-server", "--port", "0", (const char *)NULL);
    np_test_proc *client;
    CHECK(server);
    CHECK(read_port(server, port, sizeof port));
    client = start("np-hello-client", "--port", port, (const char *)NULL);
    CHECK(client);
    EXPECT(client, "connected to");
    TYPE(client, "bye?\n");
    EXPECT(server, "client: bye?");
    TYPE(server, "quit\n");
    EXPECT(client, "the server closed the connection");
    CHECK_INT(finish(client), 0);
    CHECK_INT(finish(server), 0);
}

/* A client that leaves makes room for the next one; end of input on the
 * client side is the same as "quit". */
static void test_hello_next_client(void)
{
    char port[16];
    np_test_proc *server = start("np-hello-server", "--port", "0", "--max-clients", "2",
                                 (const char *)NULL);
    np_test_proc *client;
    CHECK(server);
    CHECK(read_port(server, port, sizeof port));
    for (int round = 0; round < 2; round++) {
        client = start("np-hello-client", "--port", port, (const char *)NULL);
        CHECK(client);
        TYPE(client, round == 0 ? "first\n" : "second\n");
        EXPECT(server, round == 0 ? "client: first" : "client: second");
        TYPE(server, "ok\n");
        EXPECT(client, "server: ok");
        np_test_proc_close_stdin(client);
        CHECK_INT(finish(client), 0);
        EXPECT(server, "left");
    }
    CHECK_INT(finish(server), 0);
}

/* ---- TCP echo ------------------------------------------------------------- */

static void test_echo(void)
{
    char port[16];
    np_test_proc *server = start("np-echo-server", "--port", "0", "--max-clients", "2",
                                 (const char *)NULL);
    CHECK(server);
    CHECK(read_port(server, port, sizeof port));
    for (int round = 0; round < 2; round++) {
        np_test_proc *client = start("np-echo-client", "--port", port, (const char *)NULL);
        CHECK(client);
        EXPECT(client, "connected to");
        TYPE(client, "hello\n");
        EXPECT(client, "echo: hello");
        TYPE(client, "a somewhat longer line, with spaces and punctuation!\n");
        EXPECT(client, "echo: a somewhat longer line, with spaces and punctuation!");
        np_test_proc_close_stdin(client);
        CHECK_INT(finish(client), 0);
        EXPECT(server, "left after");
    }
    CHECK_INT(finish(server), 0);
}

static void test_echo_client_refused(void)
{
    np_addr closed;
    char port[16], line[512];
    np_test_proc *client;
    CHECK_OK(np_test_closed_port(&closed));
    snprintf(port, sizeof port, "%u", (unsigned)np_addr_port(&closed));
    client = start("np-echo-client", "--port", port, "--timeout", "5000", (const char *)NULL);
    CHECK(client);
    /* It prints nothing on stdout (the error goes to stderr) and fails. */
    CHECK_ERR(np_test_proc_readline(client, line, sizeof line, T_LINE), NP_EEOF);
    CHECK_INT(finish(client), 1);
}

/* NP_TRACE / NP_TRACE_FILE, read by np_init() in a real program: the trace file
 * names each libnp call and the OS call it became, failures with both codes. */
static void test_trace_env(void)
{
    char port[16], path[512], setting[600], text[8192];
    const char *env[3];
    np_test_proc *server, *client;
    FILE *f;
    size_t n;

    np_test_temp_path(path, sizeof path, "trace");
    snprintf(setting, sizeof setting, "NP_TRACE_FILE=%s", path);
    env[0] = "NP_TRACE=1";
    env[1] = setting;
    env[2] = NULL;
    server = start("np-echo-server", "--port", "0", "--max-clients", "1", (const char *)NULL);
    CHECK(server);
    CHECK(read_port(server, port, sizeof port));
    client = start_env(env, "np-echo-client", "--port", port, (const char *)NULL);
    CHECK(client);
    EXPECT(client, "connected to");
    TYPE(client, "traced\n");
    EXPECT(client, "echo: traced");
    np_test_proc_close_stdin(client);
    CHECK_INT(finish(client), 0);
    CHECK_INT(finish(server), 0);

    f = fopen(path, "rb");
    CHECK_MSG(f, "no trace file at %s", path);
    n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    remove(path);
    text[n] = '\0';
    CHECK_MSG(strstr(text, "np_socket_open(AF_INET, SOCK_STREAM) -> ") != NULL, "trace:\n%s", text);
    CHECK_MSG(strstr(text, "np_connect(") && strstr(text, "-> connect("), "trace:\n%s", text);
    CHECK_MSG(strstr(text, "np_sendall(") && strstr(text, "-> send("), "trace:\n%s", text);
    CHECK_MSG(strstr(text, "np_socket_close(") != NULL, "trace:\n%s", text);
    CHECK_MSG(strchr(text, '\r') == NULL, "trace file has CR line ends");
}

/* NP_FAULT, read by np_init() in a real program: 1-byte sends and interrupted
 * receives are invisible to the program; a failed connect is reported. */
static void test_fault_env(void)
{
    char port[16];
    static const char *const shortio[] = { "NP_FAULT=send:short1:1000,recv:eintr:5", NULL };
    static const char *const refused[] = { "NP_FAULT=connect:econnrefused:1", NULL };
    np_test_proc *server, *client;

    server = start("np-echo-server", "--port", "0", "--max-clients", "2", (const char *)NULL);
    CHECK(server);
    CHECK(read_port(server, port, sizeof port));
    client = start_env(shortio, "np-echo-client", "--port", port, (const char *)NULL);
    CHECK(client);
    EXPECT(client, "connected to");
    TYPE(client, "sent one byte at a time\n");
    EXPECT(client, "echo: sent one byte at a time");
    np_test_proc_close_stdin(client);
    CHECK_INT(finish(client), 0);

    client = start_env(refused, "np-echo-client", "--port", port, (const char *)NULL);
    CHECK(client);
    CHECK_INT(finish(client), 1);
    np_test_proc_kill(server);
    untrack(server);
}

static void test_server_port_in_use(void)
{
    char port[16];
    np_test_proc *first = start("np-echo-server", "--port", "0", "--max-clients", "1",
                                (const char *)NULL);
    np_test_proc *second, *client;
    CHECK(first);
    CHECK(read_port(first, port, sizeof port));
    second = start("np-echo-server", "--port", port, (const char *)NULL);
    CHECK(second);
    CHECK_INT(finish(second), 1); /* "cannot listen on ...: address already in use" */
    client = start("np-echo-client", "--port", port, (const char *)NULL);
    CHECK(client);
    np_test_proc_close_stdin(client);
    CHECK_INT(finish(client), 0);
    CHECK_INT(finish(first), 0);
}

/* A client that resets its connection mid-way must not take the server down. */
static void reset_client(const char *port_text)
{
    np_addr addr;
    np_socket_t s;
    CHECK_OK(np_addr_from_ip("127.0.0.1", (uint16_t)atoi(port_text), &addr));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &s));
    CHECK_OK(np_connect(s, &addr));
    CHECK_OK(np_sendall(s, "half a li", 9, NULL));
    CHECK_OK(np_set_linger(s, 1, 0)); /* close() now sends RST, not FIN */
    np_socket_close(s);
}

static void check_survives_reset(const char *server_name)
{
    char port[16];
    /* No --max-clients: whether the reset client is ever accepted at all
     * depends on timing (Wine's accept() drops it with WSAENOTCONN). */
    np_test_proc *server = start(server_name, "--port", "0", (const char *)NULL);
    np_test_proc *client;
    CHECK(server);
    CHECK(read_port(server, port, sizeof port));
    reset_client(port);
    if (np_test_case_failed())
        return;
    client = start("np-echo-client", "--port", port, (const char *)NULL);
    CHECK(client);
    TYPE(client, "still there?\n");
    EXPECT(client, "echo: still there?");
    np_test_proc_close_stdin(client);
    CHECK_INT(finish(client), 0);
    untrack(server);
    np_test_proc_kill(server); /* it serves forever: its answer was the test */
}

static void test_echo_server_survives_reset(void)
{
    check_survives_reset("np-echo-server");
}

/* ---- UDP echo ------------------------------------------------------------- */

static void test_udp_echo(void)
{
    char port[16];
    np_test_proc *server = start("np-udp-echo-server", "--port", "0", "--max-datagrams", "3",
                                 (const char *)NULL);
    np_test_proc *client;
    CHECK(server);
    CHECK(read_port(server, port, sizeof port));
    client = start("np-udp-echo-client", "--port", port, (const char *)NULL);
    CHECK(client);
    TYPE(client, "one\n");
    EXPECT(client, "echo: one");
    EXPECT(server, "sent 3 bytes: one");
    TYPE(client, "two\n");
    EXPECT(client, "echo: two");
    TYPE(client, "three datagrams\n");
    EXPECT(client, "echo: three datagrams");
    np_test_proc_close_stdin(client);
    CHECK_INT(finish(client), 0);
    CHECK_INT(finish(server), 0); /* --max-datagrams 3 */
}

/* Nobody listens: the client retries, then says so and fails. */
static void test_udp_client_no_server(void)
{
    np_socket_t s;
    np_addr addr;
    char port[16];
    np_test_proc *client;
    CHECK_OK(np_addr_loopback(NP_AF_INET, 0, &addr));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_DGRAM, &s));
    CHECK_OK(np_bind(s, &addr));
    CHECK_OK(np_getsockname(s, &addr));
    np_socket_close(s); /* now nothing uses that UDP port */
    snprintf(port, sizeof port, "%u", (unsigned)np_addr_port(&addr));

    client = start("np-udp-echo-client", "--port", port, "--timeout", "200", "--tries", "2",
                   (const char *)NULL);
    CHECK(client);
    TYPE(client, "anyone?\n");
    EXPECT(client, "sending again (2 of 2)");
    CHECK_INT(finish(client), 1);
}

/* ---- servers with many clients at once ------------------------------------ */

/* Three clients connected at the same time, their lines interleaved: each
 * gets its own echoes while the others stay connected. A server that served
 * one client at a time would never answer the second. */
static void check_concurrent(const char *server_name, const char *per_client_needle)
{
    enum { N = 3 };
    char port[16], text[64], needle[80];
    np_test_proc *server = start(server_name, "--port", "0", "--max-clients", "3",
                                 (const char *)NULL);
    np_test_proc *clients[N];
    CHECK(server);
    CHECK(read_port(server, port, sizeof port));
    for (int i = 0; i < N; i++) {
        clients[i] = start("np-echo-client", "--port", port, (const char *)NULL);
        CHECK(clients[i]);
    }
    for (int i = 0; i < N; i++)
        EXPECT(clients[i], "connected to");
    for (int round = 0; round < 3; round++) {
        /* 2, 0, 1 then 0, 1, 2 ...: not the order they connected in */
        for (int k = 0; k < N; k++) {
            int i = (k + 2 * round + 2) % N;
            snprintf(text, sizeof text, "client %d line %d\n", i, round);
            TYPE(clients[i], text);
            snprintf(needle, sizeof needle, "echo: client %d line %d", i, round);
            EXPECT(clients[i], needle);
        }
    }
    if (per_client_needle) {
        /* the server printed what it read */
        EXPECT(server, per_client_needle);
    }
    for (int i = 0; i < N; i++) {
        np_test_proc_close_stdin(clients[i]);
        CHECK_INT(finish(clients[i]), 0);
    }
    CHECK_INT(finish(server), 0); /* all 3 came and left */
}

static void test_multi_reader(void)
{
    check_concurrent("np-multi-reader", ": client 1 line 2");
}

static void test_multi_reader_survives_reset(void)
{
    check_survives_reset("np-multi-reader");
}

/* Read the child's output until a line contains needle, quietly. */
static np_err skip_until(np_test_proc *p, const char *needle)
{
    char line[512];
    np_err err;
    while ((err = np_test_proc_readline(p, line, sizeof line, T_LINE)) == NP_OK)
        if (strstr(line, needle))
            return NP_OK;
    printf("  (no line containing \"%s\": %s)\n", needle, np_err_name(err));
    return err;
}

/* One client sends a burst of lines before reading any echo: the server
 * must take it in pieces, go on serving another client, and give every byte
 * back in order. */
static void test_multi_reader_burst(void)
{
    enum { LINES = 800, LINE_LEN = 48 };
    static char burst[LINES * LINE_LEN + 1], back[LINES * LINE_LEN];
    char port[16];
    np_test_proc *server = start("np-multi-reader", "--port", "0", "--max-clients", "2",
                                 (const char *)NULL);
    np_test_proc *client;
    np_socket_t raw;
    np_addr addr;
    CHECK(server);
    CHECK(read_port(server, port, sizeof port));
    for (int i = 0; i < LINES; i++)
        snprintf(burst + i * LINE_LEN, LINE_LEN + 1, "burst line %04d %31s\n", i, "...");
    CHECK_OK(np_addr_from_ip("127.0.0.1", (uint16_t)atoi(port), &addr));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &raw));
    CHECK_OK(np_socket_set_timeout(raw, T_LINE));
    CHECK_OK(np_connect(raw, &addr));
    CHECK_OK(np_sendall(raw, burst, sizeof burst - 1, NULL));
    /* The server prints every line: read them so its output pipe never fills. */
    CHECK_OK(skip_until(server, "burst line 0799"));

    client = start("np-echo-client", "--port", port, (const char *)NULL);
    CHECK(client);
    TYPE(client, "meanwhile\n");
    EXPECT(client, "echo: meanwhile");
    np_test_proc_close_stdin(client);
    CHECK_INT(finish(client), 0);

    CHECK_OK(np_recv_exact(raw, back, sizeof back, NULL));
    CHECK(memcmp(back, burst, sizeof back) == 0);
    np_socket_close(raw);
    CHECK_INT(finish(server), 0);
}

static void test_thread_echo_server(void)
{
    check_concurrent("np-thread-echo-server", NULL);
}

static void test_thread_echo_server_survives_reset(void)
{
    check_survives_reset("np-thread-echo-server");
}

#if NP_HAVE_FORK
static void test_fork_echo_server(void)
{
    check_concurrent("np-fork-echo-server", NULL);
}

static void test_fork_echo_server_survives_reset(void)
{
    check_survives_reset("np-fork-echo-server");
}
#endif

int main(int argc, char **argv)
{
    NP_TEST_INIT();
    g_argv0 = argc > 0 ? argv[0] : "";
#define RUN_CLEAN(fn) do { RUN(fn); kill_leftovers(); } while (0)
    RUN_CLEAN(test_usage);
    RUN_CLEAN(test_hello_chat);
    RUN_CLEAN(test_hello_server_quits);
    RUN_CLEAN(test_hello_next_client);
    RUN_CLEAN(test_echo);
    RUN_CLEAN(test_echo_client_refused);
    RUN_CLEAN(test_trace_env);
    RUN_CLEAN(test_fault_env);
    RUN_CLEAN(test_server_port_in_use);
    RUN_CLEAN(test_echo_server_survives_reset);
    RUN_CLEAN(test_udp_echo);
    RUN_CLEAN(test_udp_client_no_server);
    RUN_CLEAN(test_multi_reader);
    RUN_CLEAN(test_multi_reader_survives_reset);
    RUN_CLEAN(test_multi_reader_burst);
    RUN_CLEAN(test_thread_echo_server);
    RUN_CLEAN(test_thread_echo_server_survives_reset);
#if NP_HAVE_FORK
    RUN_CLEAN(test_fork_echo_server);
    RUN_CLEAN(test_fork_echo_server_survives_reset);
#endif
    return NP_TEST_DONE();
}
