/* Engine: registration — NICK/USER, PASS, CAP, the welcome burst with a
 * truthful ISUPPORT, 451 before registration, QUIT before registration,
 * PING/PONG, unknown commands, line length. */
#include "engine_script.h"

static es S;

static void test_welcome_burst(void)
{
    nt_engine_config cfg;
    int a;
    es_config(&cfg);
    es_start(&S, &cfg);
    a = es_connect_ip(&S, "192.0.2.7");
    es_send(&S, a, "NICK alice");
    EXPECT_NOTHING(&S, a);
    es_send(&S, a, "USER al 0 * :Alice Liddell");
    EXPECT(&S, a, ":irc.test 001 alice :Welcome to the TestNet Network, alice!al@192.0.2.7");
    EXPECT(&S, a, ":irc.test 002 alice :Your host is irc.test, running version natterd-test");
    EXPECT(&S, a, ":irc.test 003 alice :This server was created *2023*");
    EXPECT(&S, a, ":irc.test 004 alice irc.test natterd-test io biklmnostv bklov");
    EXPECT(&S, a, ":irc.test 005 alice * :are supported by this server");
    EXPECT(&S, a, ":irc.test 251 alice :There are 1 users and 0 invisible on 1 servers");
    EXPECT(&S, a, ":irc.test 254 alice 0 :channels formed");
    EXPECT(&S, a, ":irc.test 255 alice :I have 1 clients and 0 servers");
    EXPECT(&S, a, ":irc.test 375 alice :- irc.test Message of the day - ");
    EXPECT(&S, a, ":irc.test 372 alice :- Welcome to the test server");
    EXPECT(&S, a, ":irc.test 372 alice :- Second line");
    EXPECT(&S, a, ":irc.test 376 alice :End of /MOTD command.");
    EXPECT_BEFORE(&S, a, "* 001 *", "* 005 *");
    EXPECT_BEFORE(&S, a, "* 005 *", "* 251 *");
    EXPECT_BEFORE(&S, a, "* 255 *", "* 375 *");
    CHECK_STR(nt_engine_nick(S.e, S.c[a].id), "alice");
    es_free(&S);
}

static void test_isupport_is_truthful(void)
{
    nt_engine_config cfg;
    int a;
    es_config(&cfg);
    cfg.nicklen = 16;
    cfg.casemap = NT_CASEMAP_ASCII;
    cfg.max_targets = 3;
    cfg.max_channels = 7;
    es_start(&S, &cfg);
    a = es_connect(&S);
    es_send(&S, a, "NICK bob");
    es_send(&S, a, "USER bob 0 * :Bob");
    EXPECT(&S, a, "* 005 bob *CASEMAPPING=ascii *");
    EXPECT(&S, a, "* 005 bob *CHANTYPES=#& *");
    EXPECT(&S, a, "* 005 bob *PREFIX=(ov)@+ *");
    EXPECT(&S, a, "* 005 bob *CHANMODES=b,k,l,imnst *");
    EXPECT(&S, a, "* 005 bob *NICKLEN=16 *");
    EXPECT(&S, a, "* 005 bob *CHANNELLEN=50 *");
    EXPECT(&S, a, "* 005 bob *TOPICLEN=390 *");
    EXPECT(&S, a, "* 005 bob *KICKLEN=390 *");
    EXPECT(&S, a, "* 005 bob *AWAYLEN=200 *");
    EXPECT(&S, a, "* 005 bob *MAXTARGETS=3 *");
    EXPECT(&S, a, "* 005 bob *TARGMAX=*PRIVMSG:3*");
    EXPECT(&S, a, "* 005 bob *CHANLIMIT=#&:7 *");
    EXPECT(&S, a, "* 005 bob *MAXLIST=b:60 *");
    EXPECT(&S, a, "* 005 bob *NETWORK=TestNet *");
    EXPECT(&S, a, "* 005 bob *MODES=4 *");
    /* 13 tokens at most per line (RFC 2812 5.1): we have 16, so two lines */
    EXPECT_COUNT(&S, a, "* 005 bob *", 2);
    /* and the limits hold: a 17-byte nick is erroneous */
    es_send(&S, a, "NICK abcdefghijklmnopq");
    EXPECT(&S, a, ":irc.test 432 bob abcdefghijklmnopq :Erroneous nickname");
    es_free(&S);
}

static void test_nick_errors_before_registration(void)
{
    nt_engine_config cfg;
    int a, b;
    es_config(&cfg);
    es_start(&S, &cfg);
    a = es_reg(&S, "alice");
    b = es_connect(&S);
    es_send(&S, b, "NICK");
    EXPECT(&S, b, ":irc.test 431 * :No nickname given");
    es_send(&S, b, "NICK 1abc");
    EXPECT(&S, b, ":irc.test 432 * 1abc :Erroneous nickname");
    es_send(&S, b, "NICK ALICE");     /* rfc1459 folding: the same nick */
    EXPECT(&S, b, ":irc.test 433 * ALICE :Nickname is already in use");
    es_send(&S, b, "NICK al{ce}");
    es_send(&S, b, "USER x 0 * :X");
    EXPECT(&S, b, ":irc.test 001 al{ce} *");
    es_clear(&S, b);
    /* rfc1459: { is the lower case of [ */
    es_send(&S, a, "NICK AL[CE]");
    EXPECT(&S, a, ":irc.test 433 alice AL[CE] :Nickname is already in use");
    es_free(&S);
}

static void test_not_registered(void)
{
    nt_engine_config cfg;
    int a;
    es_config(&cfg);
    es_start(&S, &cfg);
    a = es_connect(&S);
    es_send(&S, a, "JOIN #x");
    EXPECT(&S, a, ":irc.test 451 * :You have not registered");
    es_send(&S, a, "FOOBAR");
    EXPECT_COUNT(&S, a, ":irc.test 451 * :You have not registered", 2);
    es_send(&S, a, "NICK a");
    es_send(&S, a, "PRIVMSG x :y");
    EXPECT(&S, a, ":irc.test 451 a :You have not registered");
    es_free(&S);
}

static void test_quit_before_registration(void)
{
    nt_engine_config cfg;
    int a;
    es_config(&cfg);
    es_start(&S, &cfg);
    a = es_connect(&S);
    es_send(&S, a, "NICK early");
    es_send(&S, a, "QUIT :bye");
    EXPECT(&S, a, "ERROR :Closing Link: * (Client Quit)");
    CHECK(S.c[a].closed);
    /* the nick is free again */
    a = es_connect(&S);
    es_send(&S, a, "NICK early");
    es_send(&S, a, "USER e 0 * :E");
    EXPECT(&S, a, "* 001 early *");
    es_free(&S);
}

static void test_reregister_and_user_errors(void)
{
    nt_engine_config cfg;
    int a;
    es_config(&cfg);
    es_start(&S, &cfg);
    a = es_connect(&S);
    es_send(&S, a, "USER onlytwo 0");
    EXPECT(&S, a, ":irc.test 461 * USER :Not enough parameters");
    es_send(&S, a, "USER u 0 * :Real Name");
    es_send(&S, a, "NICK n");
    EXPECT(&S, a, "* 001 n *");
    es_send(&S, a, "USER u 0 * :again");
    EXPECT(&S, a, ":irc.test 462 n :You may not reregister");
    es_send(&S, a, "PASS secret");
    EXPECT_COUNT(&S, a, ":irc.test 462 n :You may not reregister", 2);
    es_free(&S);
}

static void test_password(void)
{
    nt_engine_config cfg;
    int a, b, c;
    es_config(&cfg);
    cfg.password = "sesame";
    es_start(&S, &cfg);
    a = es_connect(&S);
    es_send(&S, a, "PASS sesame");
    es_send(&S, a, "NICK good");
    es_send(&S, a, "USER g 0 * :G");
    EXPECT(&S, a, "* 001 good *");
    b = es_connect(&S);
    es_send(&S, b, "PASS wrong");
    es_send(&S, b, "NICK bad");
    es_send(&S, b, "USER b 0 * :B");
    EXPECT(&S, b, ":irc.test 464 bad :Password incorrect");
    EXPECT(&S, b, "ERROR :Closing Link: *");
    EXPECT_NOT(&S, b, "* 001 *");
    CHECK(S.c[b].closed);
    c = es_connect(&S);          /* no PASS at all */
    es_send(&S, c, "NICK none");
    es_send(&S, c, "USER n 0 * :N");
    EXPECT(&S, c, ":irc.test 464 none :Password incorrect");
    CHECK(S.c[c].closed);
    es_send(&S, c, "PASS");      /* after close: ignored, no crash */
    es_free(&S);
}

static void test_cap_negotiation(void)
{
    nt_engine_config cfg;
    int a;
    es_config(&cfg);
    es_start(&S, &cfg);
    a = es_connect(&S);
    es_send(&S, a, "CAP LS 302");
    EXPECT(&S, a, ":irc.test CAP * LS :away-notify echo-message message-tags multi-prefix server-time");
    es_send(&S, a, "NICK capper");
    es_send(&S, a, "USER c 0 * :C");
    EXPECT_NOT(&S, a, "* 001 *");            /* held until CAP END */
    es_send(&S, a, "CAP REQ :server-time bogus-cap");
    EXPECT(&S, a, ":irc.test CAP capper NAK :server-time bogus-cap");
    es_send(&S, a, "CAP REQ :server-time echo-message");
    EXPECT(&S, a, ":irc.test CAP capper ACK :server-time echo-message");
    es_send(&S, a, "CAP LIST");
    EXPECT(&S, a, ":irc.test CAP capper LIST :echo-message server-time");
    es_send(&S, a, "CAP REQ :-echo-message");
    EXPECT(&S, a, ":irc.test CAP capper ACK :-echo-message");
    es_send(&S, a, "CAP list");
    EXPECT(&S, a, ":irc.test CAP capper LIST :server-time");
    es_send(&S, a, "CAP FROB");
    EXPECT(&S, a, ":irc.test 410 capper FROB :Invalid CAP command");
    EXPECT_NOT(&S, a, "* 001 *");
    es_send(&S, a, "CAP END");
    EXPECT(&S, a, "* 001 capper *");
    es_free(&S);
}

static void test_cap_after_registration(void)
{
    nt_engine_config cfg;
    int a;
    es_config(&cfg);
    es_start(&S, &cfg);
    a = es_reg(&S, "late");
    es_send(&S, a, "CAP LS");
    EXPECT(&S, a, ":irc.test CAP late LS :*multi-prefix*");
    es_send(&S, a, "CAP REQ multi-prefix");
    EXPECT(&S, a, ":irc.test CAP late ACK :multi-prefix");
    es_send(&S, a, "CAP END");       /* no second welcome */
    EXPECT_NOT(&S, a, "* 001 *");
    es_free(&S);
}

static void test_ping_pong(void)
{
    nt_engine_config cfg;
    int a;
    es_config(&cfg);
    es_start(&S, &cfg);
    a = es_connect(&S);
    es_send(&S, a, "PING :early");   /* answered even before registration */
    EXPECT(&S, a, ":irc.test PONG irc.test :early");
    es_send(&S, a, "NICK p");
    es_send(&S, a, "USER p 0 * :P");
    es_clear(&S, a);
    es_send(&S, a, "PING token123");
    EXPECT(&S, a, ":irc.test PONG irc.test :token123");
    es_send(&S, a, "PING");
    EXPECT(&S, a, ":irc.test 409 p :No origin specified");
    es_clear(&S, a);
    /* in order with everything else */
    es_send(&S, a, "JOIN #o");
    es_send(&S, a, "PING :after-join");
    EXPECT_BEFORE(&S, a, "* 366 p #o *", ":irc.test PONG irc.test :after-join");
    es_free(&S);
}

static void test_unknown_command(void)
{
    nt_engine_config cfg;
    int a;
    es_config(&cfg);
    es_start(&S, &cfg);
    a = es_reg(&S, "u");
    es_send(&S, a, "FROBNICATE a b");
    EXPECT(&S, a, ":irc.test 421 u FROBNICATE :Unknown command");
    es_send(&S, a, "frobnicate");    /* commands are case-insensitive */
    EXPECT_COUNT(&S, a, ":irc.test 421 u FROBNICATE :Unknown command", 2);
    es_clear(&S, a);
    es_send(&S, a, "   ");           /* empty lines are ignored */
    es_send(&S, a, "001 a b");       /* numerics from a client too */
    EXPECT_NOTHING(&S, a);
    es_send(&S, a, "JOIN");
    EXPECT(&S, a, ":irc.test 461 u JOIN :Not enough parameters");
    es_free(&S);
}

static void test_line_too_long(void)
{
    nt_engine_config cfg;
    char line[700];
    int a, b;
    es_config(&cfg);
    es_start(&S, &cfg);
    a = es_reg(&S, "long");
    b = es_reg(&S, "peer");
    memset(line, 'x', sizeof line);
    memcpy(line, "PRIVMSG peer :", 14);
    es_raw(&S, a, line, sizeof line);
    EXPECT(&S, a, ":irc.test 417 long :Input line was too long");
    EXPECT_NOTHING(&S, b);       /* refused whole: never a truncated command */
    CHECK(!S.c[a].closed);
    /* a line that fits is relayed; the relayed copy is longer (the source is
     * added) and is cut at 512 bytes, never sent oversized */
    es_raw(&S, a, line, 510);
    CHECK(es_has(&S, b, ":long!long@* PRIVMSG peer :xxx*"));
    CHECK(S.c[b].len <= 511);
    /* overflow without a line end: cut off */
    nt_engine_overflow(S.e, S.c[a].id, S.now);
    es_drain(&S);
    EXPECT(&S, a, "ERROR :Closing Link: * (Input line too long)");
    CHECK(S.c[a].closed);
    EXPECT(&S, b, "*");          /* b got nothing else but stays */
    es_free(&S);
}

static void test_stats_and_nick_lookup(void)
{
    nt_engine_config cfg;
    nt_engine_stats st;
    int a;
    es_config(&cfg);
    es_start(&S, &cfg);
    a = es_connect(&S);
    es_reg(&S, "r1");
    nt_engine_get_stats(S.e, &st);
    CHECK_INT(st.connections, 2);
    CHECK_INT(st.registered, 1);
    CHECK(nt_engine_nick(S.e, S.c[a].id) == NULL);
    CHECK(st.lines_in >= 2);
    CHECK(st.lines_out > 10);
    CHECK_STR(nt_engine_config_of(S.e)->server_name, "irc.test");
    es_free(&S);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_welcome_burst);
    RUN(test_isupport_is_truthful);
    RUN(test_nick_errors_before_registration);
    RUN(test_not_registered);
    RUN(test_quit_before_registration);
    RUN(test_reregister_and_user_errors);
    RUN(test_password);
    RUN(test_cap_negotiation);
    RUN(test_cap_after_registration);
    RUN(test_ping_pong);
    RUN(test_unknown_command);
    RUN(test_line_too_long);
    RUN(test_stats_and_nick_lookup);
    return NP_TEST_DONE();
}
