/* natter-cli against real servers: two natter-cli processes chat through
 * ngircd and through InspIRCd (join, channel text, /me, /msg, /topic, /nick,
 * /part, end of input), and natter-cli talks with ii on natterd. */
#include "peers.h"

#define WAIT_MS 15000

static np_test_proc *g_cli[2];

static np_err cli_start(int i, const peer_server *srv, const char *nick, const char *chan)
{
    char exe[512], hostport[64];
    np_err err;
    if (!peers_sibling("natter-cli", exe, sizeof exe))
        return NP_ENOENT;
    snprintf(hostport, sizeof hostport, "127.0.0.1:%u", (unsigned)srv->port);
    {
        const char *argv[] = { exe, hostport, "--nick", nick, "--join", chan, "--quiet", NULL };
        err = np_test_spawn(argv, NULL, &g_cli[i]);
    }
    return err;
}

static np_err cli_expect(int i, const char *needle)
{
    char line[1024];
    np_err err = np_test_proc_expect(g_cli[i], needle, line, sizeof line, WAIT_MS);
    if (err == NP_OK)
        printf("  cli%d: %s\n", i, line);
    return err;
}

static np_err cli_type(int i, const char *line)
{
    char buf[600];
    snprintf(buf, sizeof buf, "%s\n", line);
    return np_test_proc_write(g_cli[i], buf);
}

/* End of input: natter-cli sends QUIT and exits 0 once the server closed. */
static void cli_finish(int i)
{
    int code = -1;
    np_test_proc_close_stdin(g_cli[i]);
    CHECK_OK(np_test_proc_wait(g_cli[i], WAIT_MS, &code));
    g_cli[i] = NULL;
    CHECK_INT(code, 0);
}

static void cli_kill_all(void)
{
    for (int i = 0; i < 2; i++)
        if (g_cli[i]) {
            np_test_proc_kill(g_cli[i]);
            g_cli[i] = NULL;
        }
}

static void chat(peer_server *srv)
{
    char want[256];
    CHECK_OK(cli_start(0, srv, "ann", "#chat"));
    snprintf(want, sizeof want, "registered as ann on %s", srv->name);
    CHECK_OK(cli_expect(0, want));
    CHECK_OK(cli_expect(0, "-> ann joined #chat"));

    CHECK_OK(cli_start(1, srv, "ben", "#chat"));
    CHECK_OK(cli_expect(1, "registered as ben"));
    CHECK_OK(cli_expect(1, "-> ben joined #chat"));
    CHECK_OK(cli_expect(0, "-> ben joined #chat"));

    CHECK_OK(cli_type(0, "hello ben, plain text goes to the channel"));
    CHECK_OK(cli_expect(1, "#chat <ann> hello ben, plain text goes to the channel"));
    CHECK_OK(cli_type(1, "/me nods"));
    CHECK_OK(cli_expect(0, "#chat * ben nods"));
    CHECK_OK(cli_type(1, "/msg ann a private word"));
    CHECK_OK(cli_expect(0, "*ben* a private word"));
    CHECK_OK(cli_type(0, "/topic chatting through a real server"));
    CHECK_OK(cli_expect(1, "#chat topic set by ann: chatting through a real server"));
    CHECK_OK(cli_type(1, "/nick benny"));
    CHECK_OK(cli_expect(0, "ben is now known as benny"));
    CHECK_OK(cli_expect(1, "ben is now known as benny"));
    CHECK_OK(cli_type(1, "/part #chat see you"));
    CHECK_OK(cli_expect(0, "<- benny left #chat (see you)"));
    CHECK_OK(cli_type(1, "/join #chat"));
    CHECK_OK(cli_expect(0, "-> benny joined #chat"));
    /* benny's input ends: natter-cli quits, ann sees it. */
    cli_finish(1);
    if (np_test_case_failed())
        return;
    CHECK_OK(cli_expect(0, "<- benny quit"));
    cli_finish(0);
}

static void test_cli_via_ngircd(void)
{
    peer_server *srv;
    PEER_REQUIRE("ngircd");
    PEER_REQUIRE_SIBLING("natter-cli");
    CHECK_OK(peer_start_ngircd(&srv));
    chat(srv);
    cli_kill_all();
}

static void test_cli_via_inspircd(void)
{
    peer_server *srv;
    PEER_REQUIRE("inspircd");
    PEER_REQUIRE_SIBLING("natter-cli");
    CHECK_OK(peer_start_inspircd(&srv));
    chat(srv);
    cli_kill_all();
}

static void with_ii(peer_server *srv)
{
    peer_client *ii;
    CHECK_OK(cli_start(0, srv, "ann", "#chat"));
    CHECK_OK(cli_expect(0, "-> ann joined #chat"));
    CHECK_OK(peer_start_ii(&ii, srv, "iibot"));
    CHECK_OK(peer_ii_send(ii, NULL, "/j #chat"));
    CHECK_OK(cli_expect(0, "-> iibot joined #chat"));
    CHECK_OK(peer_ii_send(ii, "#chat", "hi ann, from ii"));
    CHECK_OK(cli_expect(0, "#chat <iibot> hi ann, from ii"));
    CHECK_OK(cli_type(0, "hi ii, from natter-cli"));
    CHECK_OK(peer_ii_expect(ii, "#chat", "<ann> hi ii, from natter-cli", WAIT_MS));
    CHECK_OK(cli_type(0, "/me waves at ii"));
    CHECK_OK(peer_ii_expect(ii, "#chat", "ACTION waves at ii", WAIT_MS));
    CHECK_OK(peer_ii_send(ii, NULL, "/q"));
    CHECK_OK(cli_expect(0, "<- iibot quit"));
    cli_finish(0);
}

static void test_cli_and_ii_on_natterd(void)
{
    peer_server *srv;
    PEER_REQUIRE("ii");
    PEER_REQUIRE_SIBLING("natterd");
    PEER_REQUIRE_SIBLING("natter-cli");
    CHECK_OK(peer_start_natterd(&srv, NULL));
    with_ii(srv);
    cli_kill_all();
}

int main(int argc, char **argv)
{
    (void)argc;
    NP_TEST_INIT();
    peers_init(argv[0]);
    PEERS_RUN(test_cli_via_ngircd);
    PEERS_RUN(test_cli_via_inspircd);
    PEERS_RUN(test_cli_and_ii_on_natterd);
    return NP_TEST_DONE();
}
