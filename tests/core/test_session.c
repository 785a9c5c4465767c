/* Client session: registration (with and without CAP), nick-in-use fallback,
 * PING, ISUPPORT, errors, input validation and reconnecting — a scripted
 * server on one side, the session's output and events on the other. */
#include "session_util.h"

static void test_registration_with_cap(void)
{
    nt_session_config cfg = { 0 };
    cfg.nick = "alice";
    cfg.password = "sekret";
    nt_session *s = nt_session_new(&cfg);
    CHECK(s);
    nt_session_start(s, T0);
    CHECK_STR(out_take(s), "CAP LS 302\r\nPASS sekret\r\nNICK alice\r\nUSER alice 0 * alice\r\n");
    /* A multi-line LS: nothing is requested until the last line. */
    feed(s, ":irc.test CAP * LS * :sasl=PLAIN,EXTERNAL server-time batch\r\n");
    CHECK_STR(out_take(s), "");
    feed(s, ":irc.test CAP * LS :multi-prefix echo-message away-notify chghost\r\n");
    CHECK_STR(out_take(s), "CAP REQ :server-time multi-prefix echo-message away-notify\r\n");
    feed(s, ":irc.test CAP * ACK :server-time multi-prefix echo-message away-notify\r\n");
    CHECK_STR(out_take(s), "CAP END\r\n");
    CHECK(nt_session_has_cap(s, "echo-message"));
    CHECK(nt_session_has_cap(s, "server-time"));
    CHECK(!nt_session_has_cap(s, "sasl"));
    CHECK(!nt_session_registered(s));
    feed(s, ":irc.test 001 alice :Welcome, alice\r\n:irc.test 002 alice :Your host\r\n");
    CHECK(nt_session_registered(s));
    drain(s);
    const tev *e = find_ev(NT_EV_REGISTERED);
    CHECK(e);
    CHECK_STR(e->nick, "alice");
    CHECK_STR(e->text, "Welcome, alice");
    CHECK(find_ev(NT_EV_SERVER_TEXT));
    CHECK_INT(find_ev(NT_EV_SERVER_TEXT)->code, 2);
    CHECK_STR(nt_session_server_name(s), "irc.test");
    /* CAP DEL takes a capability away. */
    feed(s, ":irc.test CAP alice DEL :echo-message\r\n");
    CHECK(!nt_session_has_cap(s, "echo-message"));
    nt_session_free(s);
}

static void test_registration_nak_and_nothing_offered(void)
{
    nt_session *s = new_session("bob");
    nt_session_start(s, T0);
    CHECK_STR(out_take(s), "CAP LS 302\r\nNICK bob\r\nUSER user 0 * :Real Name\r\n");
    feed(s, ":irc.test CAP * LS :sasl\r\n");
    CHECK_STR(out_take(s), "CAP END\r\n");
    nt_session_free(s);

    s = new_session("bob");
    nt_session_start(s, T0);
    out_take(s);
    feed(s, ":irc.test CAP * LS :multi-prefix\r\n");
    CHECK_STR(out_take(s), "CAP REQ multi-prefix\r\n");
    feed(s, ":irc.test CAP * NAK :multi-prefix\r\n");
    CHECK_STR(out_take(s), "CAP END\r\n");
    CHECK(!nt_session_has_cap(s, "multi-prefix"));
    nt_session_free(s);
}

static void test_registration_without_cap(void)
{
    nt_session *s = new_session("carol");
    nt_session_start(s, T0);
    out_take(s);
    feed(s, ":old.server 421 * CAP :Unknown command\r\n");
    feed(s, ":old.server 001 carol :Welcome\r\n");
    CHECK(nt_session_registered(s));
    CHECK_STR(out_take(s), "");  /* no CAP END to a server that knows no CAP */
    drain(s);
    CHECK(find_ev(NT_EV_REGISTERED));
    CHECK(!find_ev(NT_EV_ERROR));  /* the 421 for CAP is expected, not an error */
    nt_session_free(s);

    /* A server that silently ignores CAP and just registers us. */
    s = new_session("carol");
    nt_session_start(s, T0);
    out_take(s);
    feed(s, "NOTICE AUTH :*** Looking up your hostname\r\n");
    feed(s, ":silent.server 001 carol :Hi\r\n");
    CHECK(nt_session_registered(s));
    drain(s);
    const tev *n = find_ev(NT_EV_NOTICE);
    CHECK(n);
    CHECK_STR(n->text, "*** Looking up your hostname");
    nt_session_free(s);
}

static void test_nick_in_use_fallback(void)
{
    nt_session *s = new_session("dave");
    nt_session_start(s, T0);
    out_take(s);
    feed(s, ":irc.test 433 * dave :Nickname is already in use\r\n");
    CHECK_STR(out_take(s), "NICK dave_\r\n");
    feed(s, ":irc.test 433 * dave_ :Nickname is already in use\r\n");
    CHECK_STR(out_take(s), "NICK dave__\r\n");
    feed(s, ":irc.test 433 * dave__ :Nickname is already in use\r\n");
    CHECK_STR(out_take(s), "NICK dave1\r\n");
    CHECK_STR(nt_session_nick(s), "dave1");
    feed(s, ":irc.test 001 dave1 :Welcome\r\n");
    CHECK_STR(nt_session_nick(s), "dave1");
    drain(s);
    CHECK_INT(count_ev(NT_EV_SERVER_TEXT), 3);  /* "trying ..." for each */
    CHECK(!find_ev(NT_EV_ERROR));
    /* After registration a 433 is the answer to /nick: an error, no retry. */
    CHECK_INT(nt_session_change_nick(s, "dave"), 0);
    CHECK_STR(out_take(s), "NICK dave\r\n");
    feed(s, ":irc.test 433 dave1 dave :Nickname is already in use\r\n");
    CHECK_STR(out_take(s), "");
    drain(s);
    CHECK(find_ev(NT_EV_ERROR));
    CHECK_INT(find_ev(NT_EV_ERROR)->code, 433);
    nt_session_free(s);
}

static void test_nick_fallback_respects_short_nicklen(void)
{
    nt_session *s = new_session("ninechars");
    nt_session_start(s, T0);
    out_take(s);
    feed(s, ":irc.test 433 * ninechars :in use\r\n");
    CHECK_STR(out_take(s), "NICK ninechars_\r\n");
    /* Too long for this server: the alternatives get shorter. */
    feed(s, ":irc.test 432 * ninechars_ :Erroneous nickname\r\n");
    CHECK_STR(out_take(s), "NICK ninecha__\r\n");
    feed(s, ":irc.test 433 * ninecha__ :in use\r\n");
    CHECK_STR(out_take(s), "NICK ninechar1\r\n");  /* still at most 9 */
    nt_session_free(s);
}

static void test_nick_fallback_gives_up(void)
{
    nt_session *s = new_session("eve");
    nt_session_start(s, T0);
    out_take(s);
    for (int i = 0; i < 40; i++) {
        char line[128];
        snprintf(line, sizeof line, ":irc.test 433 * %s :in use\r\n", nt_session_nick(s));
        feed(s, line);
    }
    drain(s);
    CHECK(find_ev(NT_EV_ERROR));
    const char *out = out_take(s);
    CHECK(strstr(out, "NICK eve10\r\n"));  /* the 12th and last try */
    CHECK(!strstr(out, "NICK eve11"));
    nt_session_free(s);
}

static void test_ping(void)
{
    nt_session *s = new_session("frank");
    nt_session_start(s, T0);
    out_take(s);
    feed(s, "PING :irc.test\r\n");
    CHECK_STR(out_take(s), "PONG irc.test\r\n");
    feed(s, "PING :token with space\r\n");
    CHECK_STR(out_take(s), "PONG :token with space\r\n");
    feed(s, ":irc.test PING a b\r\n");
    CHECK_STR(out_take(s), "PONG a b\r\n");
    drain(s);
    CHECK_INT(g_nev, 0);  /* PINGs are not shown */
    nt_session_free(s);
}

/* 265/266 repeat their optional figures in the text: the text alone shows,
 * other numerics keep every parameter after the nick. */
static void test_user_count_numerics(void)
{
    nt_session *s = new_session("gina");
    nt_session_start(s, T0);
    out_take(s);
    feed(s, ":irc.test 001 gina :Welcome\r\n");
    drain(s);
    feed(s, ":irc.test 265 gina 5 7 :Current local users 5, max 7\r\n");
    feed(s, ":irc.test 266 gina :Current global users 5, max 7\r\n");
    feed(s, ":irc.test 251 gina :There are 5 users and 0 invisible on 1 servers\r\n");
    drain(s);
    CHECK_INT(count_ev(NT_EV_SERVER_TEXT), 3);
    CHECK_INT(g_ev[0].code, 265);
    CHECK_STR(g_ev[0].text, "Current local users 5, max 7");
    CHECK(!g_ev[0].target[0]);
    CHECK_INT(g_ev[1].code, 266);
    CHECK_STR(g_ev[1].text, "Current global users 5, max 7");
    CHECK_INT(g_ev[2].code, 251);
    CHECK_STR(g_ev[2].text, "There are 5 users and 0 invisible on 1 servers");
    nt_session_free(s);
}

static void test_bytes_in_any_split(void)
{
    const char *script = ":irc.test 001 gina :Welcome\r\nPING :x\n:irc.test 002 gina :Host\r";
    nt_session *s = new_session("gina");
    nt_session_start(s, T0);
    out_take(s);
    for (const char *p = script; *p; p++)
        nt_session_feed(s, p, 1, T0);
    CHECK(nt_session_registered(s));
    CHECK_STR(out_take(s), "PONG x\r\n");
    drain(s);
    CHECK_INT(count_ev(NT_EV_SERVER_TEXT), 1);
    /* Garbage lines are dropped without an event or a crash. */
    feed(s, ":\r\n@\r\n:only.source\r\n\r\n   \r\n");
    drain(s);
    CHECK_INT(g_nev, 0);
    nt_session_free(s);
}

static void test_isupport(void)
{
    nt_session *s = new_session("hana");
    register_with(s, NULL, "CASEMAPPING=ascii PREFIX=(qaohv)~&@%+ CHANTYPES=#! "
                           "NETWORK=Test\\x20Net NICKLEN=12 EXCEPTS");
    CHECK_INT(nt_session_casemap(s), NT_CASEMAP_ASCII);
    CHECK_STR(nt_session_isupport(s, "NETWORK"), "Test Net");
    CHECK_STR(nt_session_isupport(s, "PREFIX"), "(qaohv)~&@%+");
    CHECK_STR(nt_session_isupport(s, "EXCEPTS"), "");
    CHECK(nt_session_isupport(s, "WHOX") == NULL);
    CHECK(nt_session_is_channel(s, "!abc"));
    CHECK(nt_session_is_channel(s, "#abc"));
    CHECK(!nt_session_is_channel(s, "&abc"));
    CHECK(!nt_session_is_channel(s, "abc"));
    /* "-KEY" withdraws a token. */
    feed(s, ":irc.test 005 hana -EXCEPTS :are supported\r\n");
    CHECK(nt_session_isupport(s, "EXCEPTS") == NULL);
    /* Nick length follows NICKLEN. */
    CHECK_INT(nt_session_change_nick(s, "twelve_chars"), 0);
    CHECK_INT(nt_session_change_nick(s, "thirteen_char"), -1);
    nt_session_free(s);
}

static void test_casemap_affects_channel_lookup(void)
{
    /* rfc1459: [ ] \ ~ are the capitals of { } | ^. */
    nt_session *s = new_session("ivan");
    register_with(s, NULL, "CASEMAPPING=rfc1459");
    join_with_names(s, "#a{b}", "ivan");
    CHECK(nt_session_in_channel(s, "#A[B]"));
    CHECK_INT(nt_session_members(s, "#a[b]", NULL, 0), 1);
    feed(s, ":Zed!z@h JOIN #A[B]\r\n");
    drain(s);
    const tev *j = find_ev(NT_EV_JOIN);
    CHECK(j);
    CHECK_STR(j->channel, "#a{b}");  /* events use our spelling */
    CHECK_STR(members_str(s, "#A{B}"), "ivan Zed");
    nt_session_free(s);

    /* ascii: they are different characters. */
    s = new_session("ivan");
    register_with(s, NULL, "CASEMAPPING=ascii");
    join_with_names(s, "#a{b}", "ivan");
    CHECK(nt_session_in_channel(s, "#A{B}"));
    CHECK(!nt_session_in_channel(s, "#a[b]"));
    nt_session_free(s);
}

static void test_error_numerics_and_error_line(void)
{
    nt_session *s = new_session("jo");
    register_with(s, NULL, NULL);
    feed(s, ":irc.test 475 jo #secret :Cannot join channel (+k)\r\n");
    drain(s);
    const tev *e = find_ev(NT_EV_ERROR);
    CHECK(e);
    CHECK_INT(e->code, 475);
    CHECK_STR(e->channel, "#secret");
    CHECK(strstr(e->text, "Cannot join channel (+k)"));
    feed(s, "ERROR :Closing link: (jo@host) [Quit: bye]\r\n");
    drain(s);
    e = find_ev(NT_EV_DISCONNECTED);
    CHECK(e);
    CHECK_STR(e->text, "Closing link: (jo@host) [Quit: bye]");
    /* The transport then reports the close: no second DISCONNECTED. */
    nt_session_closed(s, "connection closed", T0);
    drain(s);
    CHECK_INT(count_ev(NT_EV_DISCONNECTED), 0);
    CHECK(!nt_session_registered(s));
    nt_session_free(s);
}

static void test_invalid_commands(void)
{
    nt_session *s = new_session("kim");
    /* Nothing works before a connection. */
    CHECK_INT(nt_session_say(s, "#c", "hi", T0), -1);
    CHECK(strstr(nt_session_last_error(s), "not connected"));
    CHECK_INT(nt_session_raw(s, "PING x"), -1);
    nt_session_start(s, T0);
    out_take(s);
    CHECK_INT(nt_session_join(s, "#c", NULL), -1);
    CHECK(strstr(nt_session_last_error(s), "not registered"));
    register_with(s, NULL, NULL);

    CHECK_INT(nt_session_join(s, "nochan", NULL), -1);
    CHECK(strstr(nt_session_last_error(s), "not a channel"));
    CHECK_INT(nt_session_join(s, "#a b", NULL), -1);
    CHECK_INT(nt_session_join(s, "#a,#b", NULL), -1);
    CHECK_INT(nt_session_join(s, "", NULL), -1);
    CHECK_INT(nt_session_join(s, NULL, NULL), -1);
    CHECK_INT(nt_session_join(s, "#ok", "bad key"), -1);
    CHECK_INT(nt_session_join(s, "#ok", ""), -1);
    CHECK_INT(nt_session_part(s, "#notin", NULL), -1);
    CHECK(strstr(nt_session_last_error(s), "not in #notin"));
    CHECK_INT(nt_session_say(s, "#c", "", T0), -1);
    CHECK(strstr(nt_session_last_error(s), "empty"));
    CHECK_INT(nt_session_say(s, "#c", "\r\n\n", T0), -1);
    CHECK_INT(nt_session_say(s, "#c", NULL, T0), -1);
    CHECK_INT(nt_session_say(s, "a b", "hi", T0), -1);
    CHECK_INT(nt_session_say(s, "a,b", "hi", T0), -1);
    CHECK_INT(nt_session_say(s, ":x", "hi", T0), -1);
    CHECK_INT(nt_session_say(s, "", "hi", T0), -1);
    CHECK_INT(nt_session_me(s, NULL, "hi", T0), -1);
    CHECK_INT(nt_session_change_nick(s, "9lives"), -1);
    CHECK(strstr(nt_session_last_error(s), "invalid nick"));
    CHECK_INT(nt_session_change_nick(s, "a b"), -1);
    CHECK_INT(nt_session_change_nick(s, ""), -1);
    CHECK_INT(nt_session_topic(s, "#c", "two\r\nQUIT"), -1);
    CHECK(strstr(nt_session_last_error(s), "one line"));
    CHECK_INT(nt_session_away(s, "gone\nQUIT :x"), -1);
    CHECK_INT(nt_session_quit(s, "bye\r\nJOIN #x"), -1);
    CHECK_INT(nt_session_raw(s, "PRIVMSG #c :a\r\nQUIT"), -1);
    CHECK_INT(nt_session_raw(s, ""), -1);
    CHECK_INT(nt_session_raw(s, ":src"), -1);
    CHECK(strstr(nt_session_last_error(s), "not an IRC line"));
    char big[600];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK_INT(nt_session_topic(s, "#c", big), -1);
    CHECK(strstr(nt_session_last_error(s), "too long"));
    CHECK_INT(nt_session_raw(s, big), -1);
    /* None of that reached the wire. */
    CHECK_STR(out_take(s), "");

    /* And the good ones do. */
    CHECK_INT(nt_session_join(s, "#ok", "key"), 0);
    CHECK_INT(nt_session_topic(s, "#ok", NULL), 0);
    CHECK_INT(nt_session_topic(s, "#ok", ""), 0);
    CHECK_INT(nt_session_topic(s, "#ok", "new topic"), 0);
    CHECK_INT(nt_session_away(s, "lunch"), 0);
    CHECK_INT(nt_session_away(s, NULL), 0);
    CHECK_INT(nt_session_raw(s, "WHOIS kim"), 0);
    CHECK_INT(nt_session_names(s, "#ok"), 0);
    CHECK_INT(nt_session_quit(s, "bye now"), 0);
    CHECK_STR(out_take(s), "JOIN #ok key\r\nTOPIC #ok\r\nTOPIC #ok :\r\nTOPIC #ok :new topic\r\n"
                           "AWAY lunch\r\nAWAY\r\nWHOIS kim\r\nNAMES #ok\r\nQUIT :bye now\r\n");
    nt_session_free(s);
}

static void test_reconnect(void)
{
    nt_session_config cfg = { 0 };
    cfg.nick = "lee";
    cfg.rejoin_on_reconnect = 1;
    nt_session *s = nt_session_new(&cfg);
    register_with(s, "multi-prefix", NULL);
    join_with_names(s, "#one", "@lee bob");
    CHECK_INT(nt_session_join(s, "#two", "pw"), 0);
    feed(s, ":lee!u@h JOIN #two\r\n");
    CHECK_INT(nt_session_change_nick(s, "lee2"), 0);
    feed(s, ":lee!u@h NICK :lee2\r\n");
    CHECK_INT(nt_session_channel_count(s), 2);
    out_take(s);
    drain(s);

    nt_session_closed(s, "Connection reset by peer", T0 + 5);
    drain(s);
    const tev *d = find_ev(NT_EV_DISCONNECTED);
    CHECK(d);
    CHECK_STR(d->text, "Connection reset by peer");
    CHECK_INT(nt_session_channel_count(s), 0);
    CHECK(!nt_session_registered(s));
    CHECK(!nt_session_has_cap(s, "multi-prefix"));
    CHECK_INT(nt_session_say(s, "#one", "hi", T0), -1);

    /* Start again: the nick we chose last, then the channels come back. */
    nt_session_start(s, T0 + 10);
    CHECK_STR(out_take(s), "CAP LS 302\r\nNICK lee2\r\nUSER lee 0 * lee\r\n");
    feed(s, ":irc.test CAP * LS :\r\n");
    CHECK_STR(out_take(s), "CAP END\r\n");
    feed(s, ":irc.test 001 lee2 :Welcome back\r\n");
    CHECK_STR(out_take(s), "JOIN #one\r\nJOIN #two pw\r\n");
    drain(s);
    CHECK(find_ev(NT_EV_REGISTERED));
    nt_session_free(s);
}

static void test_server_time_tags(void)
{
    nt_session *s = new_session("mia");
    register_with(s, "server-time message-tags", NULL);
    feed(s, "@time=2024-02-29T12:34:56.789Z :bob!b@h PRIVMSG mia :leap day\r\n");
    feed(s, "@time=1999-12-31T23:59:59Z :bob!b@h PRIVMSG mia :party\r\n");
    feed(s, "@time=garbage :bob!b@h PRIVMSG mia :no time\r\n");
    drain(s);
    CHECK_INT(g_nev, 3);
    CHECK_INT(g_ev[0].time, 1709210096789LL);
    CHECK_INT(g_ev[1].time, 946684799000LL);
    CHECK_INT(g_ev[2].time, T0);  /* a bad tag: the feed's clock */
    nt_session_free(s);
}

static void test_event_msg_is_the_raw_line(void)
{
    nt_session *s = new_session("ned");
    register_with(s, NULL, NULL);
    feed(s, "@time=2024-01-01T00:00:00Z;+x/y=z :bob!b@h PRIVMSG #c :hello\r\n");
    nt_event ev;
    CHECK(nt_session_next_event(s, &ev));
    CHECK(ev.msg);
    CHECK_STR(ev.msg->command, "PRIVMSG");
    CHECK_STR(nt_msg_tag(ev.msg, "+x/y"), "z");
    CHECK_STR(ev.msg->source, "bob!b@h");
    CHECK(!nt_session_next_event(s, &ev));
    nt_session_free(s);
}

static void test_output_partial_consume(void)
{
    nt_session *s = new_session("olga");
    nt_session_start(s, T0);
    size_t len;
    const char *out = nt_session_output(s, &len);
    CHECK(len > 10);
    CHECK(strncmp(out, "CAP LS", 6) == 0);
    nt_session_consume_output(s, 4);
    out = nt_session_output(s, &len);
    CHECK(strncmp(out, "LS 302\r\n", 8) == 0);
    nt_session_consume_output(s, len + 100);  /* more than held: just empty */
    nt_session_output(s, &len);
    CHECK_INT(len, 0);
    nt_session_free(s);
}

static void test_config_checked(void)
{
    nt_session_config cfg = { 0 };
    CHECK(nt_session_new(&cfg) == NULL);
    CHECK(nt_session_new(NULL) == NULL);
    cfg.nick = "";
    CHECK(nt_session_new(&cfg) == NULL);
    nt_session_free(NULL);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_registration_with_cap);
    RUN(test_registration_nak_and_nothing_offered);
    RUN(test_registration_without_cap);
    RUN(test_nick_in_use_fallback);
    RUN(test_nick_fallback_respects_short_nicklen);
    RUN(test_nick_fallback_gives_up);
    RUN(test_ping);
    RUN(test_user_count_numerics);
    RUN(test_bytes_in_any_split);
    RUN(test_isupport);
    RUN(test_casemap_affects_channel_lookup);
    RUN(test_error_numerics_and_error_line);
    RUN(test_invalid_commands);
    RUN(test_reconnect);
    RUN(test_server_time_tags);
    RUN(test_event_msg_is_the_raw_line);
    RUN(test_output_partial_consume);
    RUN(test_config_checked);
    return NP_TEST_DONE();
}
