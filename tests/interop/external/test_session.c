/* Our client session (nt_session, pumped over a libnp socket) against real IRC
 * servers: ngircd 26 and InspIRCd 3 (and, for parity, natterd). Two sessions register (with whatever
 * CAP negotiation each server offers), join a channel, see its names and
 * topic, talk in the channel and in private, /me, change nick, part and quit;
 * every step is checked as the typed events our session reports. */
#include "peers.h"

#define STEP_MS 15000 /* ngircd throttles to about one command a second */

static int has_member(sess_client *c, const char *channel, const char *nick,
                      const char *prefixes)
{
    nt_member m[32];
    size_t n = nt_session_members(c->s, channel, m, 32);
    for (size_t i = 0; i < n && i < 32; i++)
        if (peers_strcaseeq(m[i].nick, nick))
            return !prefixes || strcmp(m[i].prefixes, prefixes) == 0;
    return 0;
}

static void print_members(sess_client *c, const char *channel)
{
    nt_member m[32];
    size_t n = nt_session_members(c->s, channel, m, 32);
    printf("  %s sees %u member(s) in %s:", c->tag, (unsigned)n, channel);
    for (size_t i = 0; i < n && i < 32; i++)
        printf(" %s%s", m[i].prefixes, m[i].nick);
    printf("\n");
}

/* The whole conversation; the caller owns (and frees) the sessions. */
static void converse(peer_server *srv, sess_client *a, sess_client *b)
{
    const sess_event *e;
    const char *chan = "#natter";

    CHECK_OK(sess_open(a, &srv->addr, "alice", "alice"));
    CHECK_OK(sess_open(b, &srv->addr, "bob", "bob"));

    /* Registration, CAP negotiation as the server offers it. */
    CHECK(sess_expect(a, NT_EV_REGISTERED, NULL, NULL, NULL, STEP_MS));
    CHECK(sess_expect(b, NT_EV_REGISTERED, NULL, NULL, NULL, STEP_MS));
    CHECK_STR(nt_session_nick(a->s), "alice");
    CHECK_STR(nt_session_nick(b->s), "bob");
    CHECK(nt_session_registered(a->s));
    /* Both servers offer multi-prefix; InspIRCd (as configured) also offers
     * server-time and echo-message. */
    CHECK_MSG(nt_session_has_cap(a->s, "multi-prefix"), "%s: multi-prefix not negotiated",
              srv->label);
    if (srv->kind == PEER_INSPIRCD) {
        CHECK_MSG(nt_session_has_cap(a->s, "server-time"), "server-time not negotiated");
        CHECK_MSG(nt_session_has_cap(a->s, "echo-message"), "echo-message not negotiated");
    }
    CHECK(nt_session_isupport(a->s, "PREFIX") != NULL);
    CHECK(nt_session_isupport(a->s, "CASEMAPPING") != NULL);
    CHECK(nt_session_is_channel(a->s, chan));
    CHECK(!nt_session_is_channel(a->s, "bob"));
    printf("  %s: CASEMAPPING=%s PREFIX=%s, caps: server-time=%d echo-message=%d"
           " multi-prefix=%d\n", srv->label, nt_session_isupport(a->s, "CASEMAPPING"),
           nt_session_isupport(a->s, "PREFIX"), nt_session_has_cap(a->s, "server-time"),
           nt_session_has_cap(a->s, "echo-message"), nt_session_has_cap(a->s, "multi-prefix"));

    /* alice creates the channel (and is its operator), sets the topic. */
    CHECK_INT(nt_session_join(a->s, chan, NULL), 0);
    e = sess_expect(a, NT_EV_JOIN, "alice", chan, NULL, STEP_MS);
    CHECK(e);
    CHECK(e->self);
    CHECK(sess_expect(a, NT_EV_NAMES, NULL, chan, NULL, STEP_MS));
    CHECK_MSG(has_member(a, chan, "alice", "@"), "alice is not @alice in %s", chan);
    CHECK_INT(nt_session_topic(a->s, chan, "interop with real servers"), 0);
    e = sess_expect(a, NT_EV_TOPIC, "alice", chan, "interop with real servers", STEP_MS);
    CHECK(e);

    /* bob joins: he sees the topic and both members; alice sees him come. */
    CHECK_INT(nt_session_join(b->s, chan, NULL), 0);
    CHECK(sess_expect(b, NT_EV_JOIN, "bob", chan, NULL, STEP_MS));
    CHECK(sess_expect(b, NT_EV_TOPIC, NULL, chan, "interop with real servers", STEP_MS));
    CHECK(sess_expect(b, NT_EV_NAMES, NULL, chan, NULL, STEP_MS));
    print_members(b, chan);
    CHECK_MSG(has_member(b, chan, "alice", "@"), "bob does not see @alice");
    CHECK_MSG(has_member(b, chan, "bob", ""), "bob does not see himself");
    CHECK_STR(nt_session_channel_topic(b->s, chan), "interop with real servers");
    e = sess_expect(a, NT_EV_JOIN, "bob", chan, NULL, STEP_MS);
    CHECK(e);
    CHECK(!e->self);
    CHECK(has_member(a, chan, "bob", ""));

    /* Channel messages both ways. */
    CHECK_INT(nt_session_say(a->s, chan, "hello bob, from alice", np_wall_ms()), 0);
    e = sess_expect(b, NT_EV_MESSAGE, "alice", chan, "hello bob, from alice", STEP_MS);
    CHECK(e);
    CHECK(!e->self);
    if (nt_session_has_cap(a->s, "echo-message")) {
        e = sess_expect(a, NT_EV_MESSAGE, "alice", chan, "hello bob, from alice", STEP_MS);
        CHECK_MSG(e && e->self, "alice's echo of her own message is not marked self");
    }
    CHECK_INT(nt_session_say(b->s, chan, "hi alice: colons : and spaces", np_wall_ms()), 0);
    CHECK(sess_expect(a, NT_EV_MESSAGE, "bob", chan, "hi alice: colons : and spaces",
                      STEP_MS));

    /* A private message. */
    CHECK_INT(nt_session_say(b->s, "alice", "a private word", np_wall_ms()), 0);
    e = sess_expect(a, NT_EV_MESSAGE, "bob", NULL, "a private word", STEP_MS);
    CHECK(e);
    CHECK_MSG(e->channel[0] == '\0', "a private message has channel \"%s\"", e->channel);
    CHECK_MSG(peers_strcaseeq(e->target, "alice"), "private message target \"%s\"", e->target);

    /* /me is a CTCP ACTION. */
    CHECK_INT(nt_session_me(a->s, chan, "waves at bob", np_wall_ms()), 0);
    e = sess_expect(b, NT_EV_ACTION, "alice", chan, "waves at bob", STEP_MS);
    CHECK(e);
    CHECK_STR(e->text, "waves at bob");

    /* bob becomes robert. */
    CHECK_INT(nt_session_change_nick(b->s, "robert"), 0);
    e = sess_expect(b, NT_EV_NICK, "bob", NULL, "robert", STEP_MS);
    CHECK(e);
    CHECK(e->self);
    CHECK_STR(nt_session_nick(b->s), "robert");
    e = sess_expect(a, NT_EV_NICK, "bob", NULL, "robert", STEP_MS);
    CHECK(e);
    CHECK(!e->self);
    CHECK_MSG(has_member(a, chan, "robert", ""), "alice's member list did not follow the nick");
    CHECK_MSG(!has_member(a, chan, "bob", NULL), "alice still lists bob");

    /* robert parts with a reason; the channel leaves his session. */
    CHECK_INT(nt_session_part(b->s, chan, "off to lunch"), 0);
    e = sess_expect(b, NT_EV_PART, "robert", chan, NULL, STEP_MS);
    CHECK(e);
    CHECK(e->self);
    CHECK(sess_expect(a, NT_EV_PART, "robert", chan, "off to lunch", STEP_MS));
    CHECK(!has_member(a, chan, "robert", NULL));
    CHECK_INT(nt_session_channel_count(b->s), 0);

    /* He joins again; alice voices him (a MODE event, the member list follows)
     * and kicks him; he comes back. */
    CHECK_INT(nt_session_join(b->s, chan, NULL), 0);
    CHECK(sess_expect(a, NT_EV_JOIN, "robert", chan, NULL, STEP_MS));
    CHECK(sess_expect(b, NT_EV_NAMES, NULL, chan, NULL, STEP_MS));
    CHECK_INT(nt_session_raw(a->s, "MODE #natter +v robert"), 0);
    e = sess_expect(b, NT_EV_MODE, "alice", chan, "+v", STEP_MS);
    CHECK(e);
    CHECK_MSG(has_member(b, chan, "robert", "+"), "robert is not +robert after +v");
    CHECK(sess_expect(a, NT_EV_MODE, "alice", chan, "+v", STEP_MS));
    CHECK_INT(nt_session_raw(a->s, "KICK #natter robert :behave"), 0);
    e = sess_expect(b, NT_EV_KICK, "alice", chan, "behave", STEP_MS);
    CHECK(e);
    CHECK_MSG(peers_strcaseeq(e->target, "robert"), "kick victim \"%s\"", e->target);
    CHECK_MSG(!nt_session_in_channel(b->s, chan), "robert still thinks he is in %s", chan);
    CHECK(sess_expect(a, NT_EV_KICK, "alice", chan, "behave", STEP_MS));
    CHECK(!has_member(a, chan, "robert", NULL));
    CHECK_INT(nt_session_join(b->s, chan, NULL), 0);
    CHECK(sess_expect(a, NT_EV_JOIN, "robert", chan, NULL, STEP_MS));

    /* A third session asks for a nick in use: the session falls back. */
    {
        sess_client *c3 = malloc(sizeof *c3);
        const sess_event *r;
        CHECK(c3);
        if (sess_open(c3, &srv->addr, "alice", "alice-again") != NP_OK) {
            free(c3);
            CHECK_MSG(0, "third session did not connect");
        }
        r = sess_expect(c3, NT_EV_REGISTERED, NULL, NULL, NULL, STEP_MS);
        if (r)
            printf("  %s: \"alice\" was taken; the session registered as \"%s\"\n",
                   srv->label, nt_session_nick(c3->s));
        {
            int ok = r && !peers_strcaseeq(nt_session_nick(c3->s), "alice") &&
                     strncmp(nt_session_nick(c3->s), "alice", 5) == 0;
            nt_session_quit(c3->s, "bye");
            sess_pump(c3, 10);
            sess_close(c3);
            free(c3);
            CHECK_MSG(ok, "no fallback nick after 433");
        }
    }

    /* robert quits: alice sees the QUIT with its reason. */
    CHECK_INT(nt_session_quit(b->s, "see you"), 0);
    e = sess_expect(a, NT_EV_QUIT, "robert", NULL, "see you", STEP_MS);
    CHECK(e);
    CHECK(!has_member(a, chan, "robert", NULL));
    CHECK(sess_expect(b, NT_EV_DISCONNECTED, NULL, NULL, NULL, STEP_MS));

    /* alice leaves too. */
    CHECK_INT(nt_session_quit(a->s, "done"), 0);
    CHECK(sess_expect(a, NT_EV_DISCONNECTED, NULL, NULL, NULL, STEP_MS));
}

static void run_against(peer_server *srv)
{
    sess_client a, b;
    int64_t t0 = np_now_ms();
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    converse(srv, &a, &b);
    if (np_test_case_failed()) {
        if (a.ev)
            sess_dump(&a);
        if (b.ev)
            sess_dump(&b);
    }
    sess_close(&a);
    sess_close(&b);
    printf("  %s: conversation took %lld ms\n", srv->label, (long long)(np_now_ms() - t0));
}

static void test_session_vs_ngircd(void)
{
    peer_server *srv;
    PEER_REQUIRE("ngircd");
    CHECK_OK(peer_start_ngircd(&srv));
    run_against(srv);
}

static void test_session_vs_inspircd(void)
{
    peer_server *srv;
    PEER_REQUIRE("inspircd");
    CHECK_OK(peer_start_inspircd(&srv));
    run_against(srv);
}

/* The same conversation on our own server, for parity with the two above. */
static void test_session_vs_natterd(void)
{
    peer_server *srv;
    PEER_REQUIRE_SIBLING("natterd");
    CHECK_OK(peer_start_natterd(&srv, NULL));
    run_against(srv);
}

int main(int argc, char **argv)
{
    (void)argc;
    NP_TEST_INIT();
    peers_init(argv[0]);
    PEERS_RUN(test_session_vs_ngircd);
    PEERS_RUN(test_session_vs_inspircd);
    PEERS_RUN(test_session_vs_natterd);
    return NP_TEST_DONE();
}
