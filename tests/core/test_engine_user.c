/* Engine: users — NICK change and QUIT seen once by every neighbour, user
 * MODE, OPER, KILL, connection loss, case mapping for nicks. */
#include "engine_script.h"

static es S;

static void start_cm(nt_casemap cm)
{
    nt_engine_config cfg;
    es_config(&cfg);
    cfg.casemap = cm;
    cfg.opers[0].name = "admin";
    cfg.opers[0].password = "hunter2";
    cfg.nopers = 1;
    es_start(&S, &cfg);
}

static void start(void)
{
    start_cm(NT_CASEMAP_RFC1459);
}

static void test_nick_change_broadcast_once(void)
{
    int a, b, c, d;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    c = es_reg(&S, "c");
    d = es_reg(&S, "d");
    es_send(&S, a, "JOIN #1,#2,#3");
    es_send(&S, b, "JOIN #1,#2,#3");     /* three shared channels */
    es_send(&S, c, "JOIN #3");
    es_clear_all(&S);
    es_send(&S, a, "NICK alpha");
    EXPECT_COUNT(&S, a, ":a!a@10.0.0.1 NICK :alpha", 1);
    EXPECT_COUNT(&S, b, ":a!a@10.0.0.1 NICK :alpha", 1);
    EXPECT_COUNT(&S, c, ":a!a@10.0.0.1 NICK :alpha", 1);
    EXPECT_NOTHING(&S, d);
    CHECK_INT(S.nseen, 1);
    CHECK_STR(nt_engine_nick(S.e, S.c[a].id), "alpha");
    es_clear_all(&S);
    es_send(&S, a, "NICK ALPHA");        /* a case change is a change */
    EXPECT(&S, b, ":alpha!a@* NICK :ALPHA");
    es_clear_all(&S);
    es_send(&S, a, "NICK ALPHA");        /* no change: silence */
    EXPECT_NOTHING(&S, a);
    es_send(&S, d, "NICK b");
    EXPECT(&S, d, ":irc.test 433 d b :Nickname is already in use");
    es_send(&S, d, "NICK #bad");
    EXPECT(&S, d, ":irc.test 432 d #bad :Erroneous nickname");
    es_send(&S, b, "PRIVMSG alpha :found you");
    EXPECT(&S, a, ":b!b@* PRIVMSG ALPHA :found you");
    es_send(&S, d, "NICK a");            /* the old nick is free */
    EXPECT(&S, d, ":d!d@* NICK :a");
    es_free(&S);
}

static void test_quit_broadcast_once(void)
{
    int a, b, c, d;
    nt_engine_stats st;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    c = es_reg(&S, "c");
    d = es_reg(&S, "d");
    es_send(&S, a, "JOIN #1,#2");
    es_send(&S, b, "JOIN #1,#2");
    es_send(&S, c, "JOIN #2");
    es_clear_all(&S);
    es_send(&S, a, "QUIT :so long");
    EXPECT_COUNT(&S, b, ":a!a@10.0.0.1 QUIT :Quit: so long", 1);
    EXPECT_COUNT(&S, c, ":a!a@10.0.0.1 QUIT :Quit: so long", 1);
    EXPECT_NOTHING(&S, d);
    EXPECT(&S, a, "ERROR :Closing Link: 10.0.0.1 (Quit: so long)");
    EXPECT_NOT(&S, a, "* QUIT *");
    CHECK(S.c[a].closed);
    nt_engine_get_stats(S.e, &st);
    CHECK_INT(st.connections, 3);
    es_send(&S, b, "NAMES #1");
    EXPECT(&S, b, "* 353 b = #1 :b");     /* a (the op) is gone */
    es_free(&S);
}

static void test_connection_lost(void)
{
    int a, b;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    es_send(&S, a, "JOIN #l");
    es_send(&S, b, "JOIN #l");
    es_clear_all(&S);
    es_close(&S, a, "Connection reset by peer");
    EXPECT(&S, b, ":a!a@10.0.0.1 QUIT :Connection reset by peer");
    EXPECT_NOTHING(&S, a);           /* the transport already closed it */
    es_close(&S, a, "again");        /* unknown id: ignored */
    es_send(&S, a, "PRIVMSG b :ghost");
    EXPECT_NOT(&S, b, "*ghost*");
    es_free(&S);
}

static void test_user_mode(void)
{
    int a, b;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    es_send(&S, a, "MODE a");
    EXPECT(&S, a, ":irc.test 221 a +");
    es_send(&S, a, "MODE A +i");
    EXPECT(&S, a, ":a MODE a :+i");
    es_send(&S, a, "MODE a");
    EXPECT(&S, a, ":irc.test 221 a +i");
    es_send(&S, a, "MODE a +o");     /* +o only through OPER */
    EXPECT(&S, a, ":irc.test 221 a +i");
    EXPECT_NOT(&S, a, "* MODE a :+o");
    es_send(&S, a, "MODE a +x");
    EXPECT(&S, a, ":irc.test 501 a :Unknown MODE flag");
    es_send(&S, a, "MODE b +i");
    EXPECT(&S, a, ":irc.test 502 a :Can't change mode for other users");
    es_send(&S, a, "MODE nobody");
    EXPECT(&S, a, ":irc.test 401 a nobody :No such nick/channel");
    es_clear(&S, a);
    es_send(&S, a, "MODE a -i");
    EXPECT(&S, a, ":a MODE a :-i");
    EXPECT_NOTHING(&S, b);
    es_free(&S);
}

static void test_oper_and_kill(void)
{
    int a, b, c;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    c = es_reg(&S, "c");
    es_send(&S, b, "JOIN #k");
    es_send(&S, c, "JOIN #k");
    es_send(&S, a, "KILL b :no");
    EXPECT(&S, a, ":irc.test 481 a :Permission Denied- You're not an IRC operator");
    es_send(&S, a, "OPER admin wrong");
    EXPECT(&S, a, ":irc.test 464 a :Password incorrect");
    es_send(&S, a, "OPER nobody hunter2");
    EXPECT(&S, a, ":irc.test 491 a :No O-lines for your host");
    es_send(&S, a, "OPER admin hunter2");
    EXPECT(&S, a, ":irc.test 381 a :You are now an IRC operator");
    EXPECT(&S, a, ":a MODE a :+o");
    es_send(&S, c, "WHOIS a");
    EXPECT(&S, c, ":irc.test 313 c a :is an IRC operator");
    es_clear_all(&S);
    es_send(&S, a, "KILL nobody :x");
    EXPECT(&S, a, ":irc.test 401 a nobody :No such nick/channel");
    es_send(&S, a, "KILL b");
    EXPECT(&S, a, ":irc.test 461 a KILL :Not enough parameters");
    es_send(&S, a, "KILL B :spamming");
    EXPECT(&S, b, ":a!a@10.0.0.1 KILL b :spamming");
    EXPECT(&S, b, "ERROR :Closing Link: 10.0.0.2 (Killed (a (spamming)))");
    CHECK(S.c[b].closed);
    EXPECT(&S, c, ":b!b@10.0.0.2 QUIT :Killed (a (spamming))");
    es_send(&S, a, "MODE a -o");
    EXPECT(&S, a, ":a MODE a :-o");
    es_send(&S, a, "KILL c :x");
    EXPECT(&S, a, "* 481 a *");
    es_free(&S);
}

static void test_casemap_ascii(void)
{
    int a, b;
    start_cm(NT_CASEMAP_ASCII);
    a = es_reg(&S, "x[1]");
    b = es_connect(&S);
    es_send(&S, b, "NICK X{1}");         /* distinct under ascii */
    es_send(&S, b, "USER b 0 * :B");
    EXPECT(&S, b, "* 001 X{1} *");
    es_send(&S, b, "NICK X[1]");         /* but A-Z still fold */
    EXPECT(&S, b, "* 433 X{1} X[1] *");
    es_send(&S, a, "JOIN #Ch[a]");
    es_send(&S, b, "JOIN #ch{a}");
    EXPECT(&S, b, "* 353 X{1} = #ch{a} :@X{1}");   /* another channel */
    es_send(&S, b, "JOIN #CH[A]");
    EXPECT(&S, b, ":X{1}!b@* JOIN #Ch[a]");
    es_free(&S);
}

static void test_casemap_rfc1459_channels(void)
{
    int a, b;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    es_send(&S, a, "JOIN #ch[a]");
    es_send(&S, b, "JOIN #CH{A}");
    EXPECT(&S, b, ":b!b@* JOIN #ch[a]");
    es_send(&S, b, "PRIVMSG #ch{a} :same");
    EXPECT(&S, a, ":b!b@* PRIVMSG #ch[a] :same");
    es_free(&S);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_nick_change_broadcast_once);
    RUN(test_quit_broadcast_once);
    RUN(test_connection_lost);
    RUN(test_user_mode);
    RUN(test_oper_and_kill);
    RUN(test_casemap_ascii);
    RUN(test_casemap_rfc1459_channels);
    return NP_TEST_DONE();
}
