/* Real IRC clients of natterd: ii (FIFO and file based) and irssi (in a
 * pseudo-terminal) join a channel on natterd and talk both ways with a raw
 * libnp client; private messages, /me, nick change, part and quit are seen
 * on the other side. */
#include "peers.h"

#define WAIT_MS 15000

/* carol: a raw client on natterd that joined #natter. */
static np_err carol_join(irc_conn *c, const peer_server *srv, nt_msg *m)
{
    np_err err = irc_open(c, &srv->addr, "carol");
    if (err == NP_OK)
        err = irc_register(c, "carol", m, WAIT_MS);
    if (err == NP_OK)
        err = irc_send(c, "JOIN #natter");
    if (err == NP_OK)
        err = irc_expect(c, "366", NULL, m, WAIT_MS);
    return err;
}

/* The next PRIVMSG from nick (any target) whose text contains text. */
static int carol_sees(irc_conn *c, const char *command, const char *nick, const char *text,
                      nt_msg *m)
{
    int64_t deadline = np_now_ms() + WAIT_MS;
    for (;;) {
        int64_t left = deadline - np_now_ms();
        size_t nl;
        if (irc_expect(c, command, NULL, m, left > 0 ? left : 0) != NP_OK) {
            printf("  carol: no %s from %s with \"%s\"\n", command, nick, text ? text : "");
            return 0;
        }
        nl = strlen(nick);
        if (!m->source || strncmp(m->source, nick, nl) != 0 ||
            (m->source[nl] != '!' && m->source[nl] != '\0'))
            continue;
        if (!text || (m->nparams > 0 && strstr(m->params[m->nparams - 1], text)))
            return 1;
    }
}

static void ii_session(peer_server *srv, irc_conn *carol, nt_msg *m)
{
    peer_client *ii;
    CHECK_OK(carol_join(carol, srv, m));
    CHECK_OK(peer_start_ii(&ii, srv, "iibot"));

    /* ii joins; carol sees it, ii's channel log shows it. */
    CHECK_OK(peer_ii_send(ii, NULL, "/j #natter"));
    CHECK(carol_sees(carol, "JOIN", "iibot", NULL, m));
    CHECK_OK(peer_ii_expect(ii, "#natter", "iibot", WAIT_MS));

    /* carol -> ii in the channel. */
    CHECK_OK(irc_send(carol, "PRIVMSG #natter :hello ii, this is carol"));
    CHECK_OK(peer_ii_expect(ii, "#natter", "<carol> hello ii, this is carol", WAIT_MS));

    /* ii -> carol in the channel. */
    CHECK_OK(peer_ii_send(ii, "#natter", "hello carol, ii here"));
    CHECK(carol_sees(carol, "PRIVMSG", "iibot", "hello carol, ii here", m));
    CHECK_STR(m->params[0], "#natter");

    /* Private both ways: ii opens a directory for carol. */
    CHECK_OK(irc_send(carol, "PRIVMSG iibot :psst, private"));
    CHECK_OK(peer_ii_expect(ii, "carol", "<carol> psst, private", WAIT_MS));
    CHECK_OK(peer_ii_send(ii, "carol", "private answer"));
    CHECK(carol_sees(carol, "PRIVMSG", "iibot", "private answer", m));
    CHECK(peers_strcaseeq(m->params[0], "carol"));

    /* carol (the channel's first member, so its operator) makes ii an
     * operator; then a topic from ii (/t), leave (/l) and quit (/q). */
    CHECK_OK(irc_send(carol, "MODE #natter +o iibot"));
    CHECK_OK(peer_ii_expect(ii, "#natter", "+o", WAIT_MS));
    CHECK_OK(peer_ii_send(ii, "#natter", "/t topic set by ii"));
    CHECK(carol_sees(carol, "TOPIC", "iibot", "topic set by ii", m));
    CHECK_OK(peer_ii_send(ii, "#natter", "/l"));
    CHECK(carol_sees(carol, "PART", "iibot", NULL, m));
    CHECK_OK(irc_send(carol, "WHOIS iibot"));
    CHECK_OK(irc_expect(carol, "311", NULL, m, WAIT_MS));
    CHECK_OK(peer_ii_send(ii, NULL, "/q"));
    /* ii quits with QUIT; carol shares no channel any more, so ask. */
    {
        int64_t deadline = np_now_ms() + WAIT_MS;
        int gone = 0;
        while (!gone && np_now_ms() < deadline) {
            CHECK_OK(irc_send(carol, "ISON iibot"));
            CHECK_OK(irc_expect(carol, "303", NULL, m, WAIT_MS));
            gone = m->nparams >= 2 && m->params[m->nparams - 1][0] == '\0';
            if (!gone)
                np_sleep_ms(100);
        }
        CHECK_MSG(gone, "iibot is still online after /q");
    }
}

static void ii_on_natterd(const char *mode)
{
    peer_server *srv;
    irc_conn carol;
    nt_msg *m;
    const char *extra[] = { "--mode", mode, NULL };
    PEER_REQUIRE("ii");
    PEER_REQUIRE_SIBLING("natterd");
    if (nt_server_mode_parse(mode) < 0 ||
        !nt_server_mode_available((nt_server_mode)nt_server_mode_parse(mode)))
        SKIP("this natterd mode is not compiled in on this platform");
    CHECK_OK(peer_start_natterd(&srv, extra));
    m = malloc(sizeof *m);
    CHECK(m);
    memset(&carol, 0, sizeof carol);
    ii_session(srv, &carol, m);
    irc_close(&carol);
    free(m);
}

/* ii against natterd in each transport mode. */
static void test_ii_on_natterd_event(void)
{
    ii_on_natterd("event");
}

static void test_ii_on_natterd_thread(void)
{
    ii_on_natterd("thread");
}

static void test_ii_on_natterd_fork(void)
{
    ii_on_natterd("fork");
}

static void irssi_session(peer_server *srv, irc_conn *carol, nt_msg *m)
{
    peer_client *irssi;
    CHECK_OK(carol_join(carol, srv, m));
    CHECK_OK(peer_start_irssi(&irssi, srv, "irssib"));

    /* irssi connects on its own (-c); carol waits until it is online. */
    {
        int64_t deadline = np_now_ms() + WAIT_MS;
        int online = 0;
        while (!online && np_now_ms() < deadline) {
            CHECK_OK(irc_send(carol, "ISON irssib"));
            CHECK_OK(irc_expect(carol, "303", NULL, m, WAIT_MS));
            online = m->nparams >= 2 && strstr(m->params[m->nparams - 1], "irssib") != NULL;
            if (!online)
                np_sleep_ms(200);
        }
        CHECK_MSG(online, "irssi did not come online in %d ms", WAIT_MS);
    }
    CHECK_OK(peer_irssi_type(irssi, "/join #natter"));
    CHECK(carol_sees(carol, "JOIN", "irssib", NULL, m));
    CHECK_OK(peer_irssi_expect(irssi, "#natter", "has joined", WAIT_MS));

    CHECK_OK(irc_send(carol, "PRIVMSG #natter :hello irssi, this is carol"));
    CHECK_OK(peer_irssi_expect(irssi, "#natter", "hello irssi, this is carol", WAIT_MS));

    CHECK_OK(peer_irssi_type(irssi, "hello carol, irssi here"));
    CHECK(carol_sees(carol, "PRIVMSG", "irssib", "hello carol, irssi here", m));
    CHECK_STR(m->params[0], "#natter");

    CHECK_OK(peer_irssi_type(irssi, "/me waves"));
    CHECK(carol_sees(carol, "PRIVMSG", "irssib", "\001ACTION waves\001", m));

    CHECK_OK(irc_send(carol, "PRIVMSG irssib :psst, private"));
    CHECK_OK(peer_irssi_expect(irssi, "carol", "psst, private", WAIT_MS));
    CHECK_OK(peer_irssi_type(irssi, "/msg carol private answer from irssi"));
    CHECK(carol_sees(carol, "PRIVMSG", "irssib", "private answer from irssi", m));
    CHECK(peers_strcaseeq(m->params[0], "carol"));

    CHECK_OK(peer_irssi_type(irssi, "/nick irssi2"));
    CHECK(carol_sees(carol, "NICK", "irssib", "irssi2", m));

    CHECK_OK(peer_irssi_type(irssi, "/quit leaving now"));
    CHECK(carol_sees(carol, "QUIT", "irssi2", "leaving now", m));
}

static void test_irssi_on_natterd(void)
{
    peer_server *srv;
    irc_conn carol;
    nt_msg *m;
    PEER_REQUIRE("irssi");
    PEER_REQUIRE("script");
    PEER_REQUIRE_SIBLING("natterd");
    CHECK_OK(peer_start_natterd(&srv, NULL));
    m = malloc(sizeof *m);
    CHECK(m);
    memset(&carol, 0, sizeof carol);
    irssi_session(srv, &carol, m);
    irc_close(&carol);
    free(m);
}

int main(int argc, char **argv)
{
    (void)argc;
    NP_TEST_INIT();
    peers_init(argv[0]);
    PEERS_RUN(test_ii_on_natterd_event);
    PEERS_RUN(test_ii_on_natterd_thread);
    PEERS_RUN(test_ii_on_natterd_fork);
    PEERS_RUN(test_irssi_on_natterd);
    return NP_TEST_DONE();
}
