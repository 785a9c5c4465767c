/* natterd in every mode with three natter-cli processes chatting through it:
 * joins, channel text, actions, nick changes and quits, each seen by the
 * others as natter-cli prints it. Both programs are found beside this
 * executable; the same test runs natively and under Wine. */
#include "np_test.h"

#include <stdlib.h>

#define T_START 20000   /* under Wine a process takes a second or two */
#define T_LINE 20000

static const char *g_argv0;
static int g_mode;
static np_test_proc *g_live[8];

static const char *const mode_names[] = {"event", "thread", "fork"};

static np_test_proc *spawn(const char *const *argv)
{
    np_test_proc *p = NULL;
    if (np_test_spawn(argv, NULL, &p) != NP_OK) {
        printf("  cannot start %s\n", argv[0]);
        return NULL;
    }
    for (int i = 0; i < 8; i++)
        if (!g_live[i]) {
            g_live[i] = p;
            break;
        }
    return p;
}

static void forget(np_test_proc *p)
{
    for (int i = 0; i < 8; i++)
        if (g_live[i] == p)
            g_live[i] = NULL;
}

static void kill_all(void)
{
    for (int i = 0; i < 8; i++)
        if (g_live[i]) {
            np_test_proc_kill(g_live[i]);
            g_live[i] = NULL;
        }
}

static np_test_proc *start_natterd(char *port, size_t len)
{
    char path[1024], line[512];
    const char *argv[] = {path, "--listen", "127.0.0.1:0", "--mode", mode_names[g_mode],
                          "--no-flood-limits", "--log-level", "warn", NULL};
    np_test_proc *p;
    const char *colon;
    np_test_sibling_path(path, sizeof path, g_argv0, "natterd");
    if (!(p = spawn(argv)))
        return NULL;
    if (np_test_proc_expect(p, "natterd: listening on ", line, sizeof line, T_START) != NP_OK)
        return NULL;
    colon = strrchr(line, ':');
    snprintf(port, len, "127.0.0.1:%s", colon ? colon + 1 : "0");
    return p;
}

/* natter-cli joined to #room, once it says so. */
static np_test_proc *start_cli(const char *server, const char *nick)
{
    char path[1024], want[128];
    const char *argv[] = {path, server, "--nick", nick, "--join", "#room", "--quiet", NULL};
    np_test_proc *p;
    np_test_sibling_path(path, sizeof path, g_argv0, "natter-cli");
    if (!(p = spawn(argv)))
        return NULL;
    snprintf(want, sizeof want, "%s joined #room", nick);
    if (np_test_proc_expect(p, want, NULL, 0, T_START) != NP_OK) {
        printf("  %s never joined\n", nick);
        return NULL;
    }
    return p;
}

static int expect(np_test_proc *p, const char *needle)
{
    char line[1024];
    if (np_test_proc_expect(p, needle, line, sizeof line, T_LINE) != NP_OK) {
        printf("  no line with \"%s\"\n", needle);
        return 0;
    }
    return 1;
}

static int finish(np_test_proc *p)
{
    int code = -1;
    forget(p);
    np_test_proc_wait(p, T_LINE, &code);
    return code;
}

static void test_three_clients_chat(void)
{
    char server[64];
    np_test_proc *srv, *a, *b, *c;
    int64_t t0 = np_now_ms();
    CHECK((srv = start_natterd(server, sizeof server)) != NULL);
    CHECK((a = start_cli(server, "alice")) != NULL);
    CHECK((b = start_cli(server, "bob")) != NULL);
    CHECK(expect(a, "bob joined #room"));
    CHECK((c = start_cli(server, "carol")) != NULL);
    CHECK(expect(a, "carol joined #room"));
    CHECK(expect(b, "carol joined #room"));

    CHECK_OK(np_test_proc_write(a, "hello from alice\n"));
    CHECK(expect(b, "#room <alice> hello from alice"));
    CHECK(expect(c, "#room <alice> hello from alice"));

    CHECK_OK(np_test_proc_write(c, "/me waves\n"));
    CHECK(expect(a, "carol waves"));
    CHECK(expect(b, "carol waves"));

    CHECK_OK(np_test_proc_write(b, "/nick robert\n"));
    CHECK(expect(a, "bob is now known as robert"));
    CHECK(expect(c, "bob is now known as robert"));
    CHECK_OK(np_test_proc_write(b, "/msg alice psst\n"));
    CHECK(expect(a, "*robert* psst"));

    /* End of input is a clean QUIT. */
    np_test_proc_close_stdin(c);
    CHECK_INT(finish(c), 0);
    CHECK(expect(a, "<- carol quit"));
    CHECK(expect(b, "<- carol quit"));
    CHECK_OK(np_test_proc_write(a, "/quit done\n"));
    CHECK_INT(finish(a), 0);
    CHECK(expect(b, "<- alice quit"));
    np_test_proc_close_stdin(b);
    CHECK_INT(finish(b), 0);
    printf("  %s mode: whole conversation in %lld ms\n", mode_names[g_mode],
           (long long)(np_now_ms() - t0));
    (void)srv;
    kill_all();
}

int main(int argc, char **argv)
{
    (void)argc;
    g_argv0 = argv[0];
    NP_TEST_INIT();
    for (g_mode = 0; g_mode < 3; g_mode++) {
        if (g_mode == 2 && !NP_HAVE_FORK)
            break;
        printf("== mode %s\n", mode_names[g_mode]);
        RUN(test_three_clients_chat);
        kill_all();
    }
    return NP_TEST_DONE();
}
