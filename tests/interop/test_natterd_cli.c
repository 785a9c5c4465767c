/* natterd in every mode with three natter-cli processes chatting through it:
 * joins, channel text, actions, nick changes and quits, each seen by the
 * others as natter-cli prints it. Both programs are found beside this
 * executable; the same test runs natively and under Wine. */
#include "np_test.h"
#include "natterd_proc.h"

#define T_START 20000   /* under Wine a process takes a second or two */
#define T_LINE 20000

static int g_mode;
static natterd_proc g_srv;

/* natter-cli joined to #room, once it says so. */
static np_test_proc *start_cli(const char *nick)
{
    const cli_spec spec = {.server = g_srv.addr, .nick = nick, .chan = "#room"};
    return cli_start_joined(&spec, T_START);
}

static int expect(np_test_proc *p, const char *needle)
{
    return child_expect(p, needle, NULL, 0, T_LINE);
}

static void test_three_clients_chat(void)
{
    const natterd_spec spec = {.mode = natterd_mode_name(g_mode), .log_level = "warn",
                               .timeout_ms = T_START};
    np_test_proc *a, *b, *c;
    int64_t t0 = np_now_ms();
    CHECK(natterd_start(&g_srv, &spec));
    CHECK((a = start_cli("alice")) != NULL);
    CHECK((b = start_cli("bob")) != NULL);
    CHECK(expect(a, "bob joined #room"));
    CHECK((c = start_cli("carol")) != NULL);
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
    CHECK_INT(child_wait(c, T_LINE), 0);
    CHECK(expect(a, "<- carol quit"));
    CHECK(expect(b, "<- carol quit"));
    CHECK_OK(np_test_proc_write(a, "/quit done\n"));
    CHECK_INT(child_wait(a, T_LINE), 0);
    CHECK(expect(b, "<- alice quit"));
    np_test_proc_close_stdin(b);
    CHECK_INT(child_wait(b, T_LINE), 0);
    printf("  %s mode: whole conversation in %lld ms\n", natterd_mode_name(g_mode),
           (long long)(np_now_ms() - t0));
    child_kill_all();
}

int main(int argc, char **argv)
{
    (void)argc;
    child_init(argv[0]);
    NP_TEST_INIT();
    for (g_mode = 0; g_mode < natterd_mode_count(); g_mode++) {
        printf("== mode %s\n", natterd_mode_name(g_mode));
        RUN_ISOLATED(test_three_clients_chat);
    }
    return NP_TEST_DONE();
}
