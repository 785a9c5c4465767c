/* Sockets are created close-on-exec / non-inheritable: a child process started
 * while they are open must not get them. The test runs itself as the child
 * (`--child HANDLE...`), which reports for each handle number whether it is a
 * socket there. Natively the child is exec'd (posix_spawn); on Windows it is
 * started by CreateProcess with handle inheritance on (as it must be for the
 * pipes), so only WSA_FLAG_NO_HANDLE_INHERIT keeps the sockets out. */
#include "np_test.h"

static const char *g_argv0;

/* In the child: one line per handle, "HANDLE socket" or "HANDLE absent". */
static int child_main(int argc, char **argv)
{
    int i;
    for (i = 2; i < argc; i++) {
        np_socket_t s;
        np_os_socket h = (np_os_socket)strtoull(argv[i], NULL, 10);
        if (np_socket_from_os(h, &s) == NP_OK) {
            printf("%s socket\n", argv[i]);
            np_socket_detach(s);
        } else {
            printf("%s absent\n", argv[i]);
        }
    }
    return 0;
}

static void handle_text(np_socket_t s, char *buf, size_t len)
{
    snprintf(buf, len, "%llu", (unsigned long long)np_socket_fileno(s));
}

static void test_sockets_not_inherited(void)
{
    np_socket_t listener, client, server, pair[2], udp;
    np_addr addr;
    char h[5][32], line[128];
    const char *argv[9];
    np_test_proc *child;
    int i;

    if (np_test_under_wine())
        SKIP("Wine hands no socket handle to a child process, inheritable or not "
             "(checked with WSA_FLAG_NO_HANDLE_INHERIT removed), so this proves nothing here");
    CHECK_OK(np_test_listener(NP_AF_INET, &listener, &addr));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &client));
    CHECK_OK(np_connect(client, &addr));
    CHECK_OK(np_accept(listener, &server, NULL));
    CHECK_OK(np_socketpair(NP_AF_UNSPEC, NP_SOCK_STREAM, pair));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_DGRAM, &udp));
    handle_text(listener, h[0], sizeof h[0]);
    handle_text(client, h[1], sizeof h[1]);
    handle_text(server, h[2], sizeof h[2]);
    handle_text(pair[0], h[3], sizeof h[3]);
    handle_text(udp, h[4], sizeof h[4]);

    argv[0] = g_argv0;
    argv[1] = "--child";
    for (i = 0; i < 5; i++)
        argv[2 + i] = h[i];
    argv[7] = NULL;
    CHECK_OK(np_test_spawn(argv, NULL, &child));
    for (i = 0; i < 5; i++) {
        np_err err = np_test_proc_readline(child, line, sizeof line, 20000);
        if (err != NP_OK) {
            np_test_proc_kill(child);
            CHECK_OK(err);
        }
        printf("  child: %s\n", line);
        if (strstr(line, " socket")) {
            np_test_proc_kill(child);
            CHECK_MSG(0, "the child inherited socket %s", line);
        }
    }
    {
        int code = -1;
        CHECK_OK(np_test_proc_wait(child, 20000, &code));
        CHECK_INT(code, 0);
    }
    np_socket_close(udp);
    np_socket_close(pair[0]);
    np_socket_close(pair[1]);
    np_socket_close(server);
    np_socket_close(client);
    np_socket_close(listener);
}

/* The check itself works: in this process the same handles are sockets. */
static void test_child_check_sees_own_sockets(void)
{
    np_socket_t s, again;
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &s));
    CHECK_OK(np_socket_from_os(np_socket_fileno(s), &again));
    np_socket_detach(again);
    np_socket_close(s);
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--child") == 0) {
        int rc;
        np_init();
        rc = child_main(argc, argv);
        np_cleanup();
        return rc;
    }
    g_argv0 = argv[0];
    NP_TEST_INIT();
    RUN(test_child_check_sees_own_sockets);
    RUN(test_sockets_not_inherited);
    return NP_TEST_DONE();
}
