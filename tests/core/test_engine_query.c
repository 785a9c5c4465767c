/* Engine: queries — WHO, WHOIS, WHOWAS, ISON, USERHOST, AWAY (away-notify),
 * VERSION, TIME, ADMIN, INFO, LUSERS, MOTD. */
#include "engine_script.h"

static es S;

static void start(void)
{
    nt_engine_config cfg;
    es_config(&cfg);
    es_start(&S, &cfg);
}

static void test_whois(void)
{
    int a, b;
    start();
    a = es_reg(&S, "alice");
    b = es_reg(&S, "bob");
    es_send(&S, b, "JOIN #one,#two");
    es_send(&S, b, "AWAY :gone fishing");
    S.now += 42000;
    es_send(&S, a, "WHOIS BOB");
    EXPECT(&S, a, ":irc.test 311 alice bob bob 10.0.0.2 * :bob Real");
    CHECK(es_has(&S, a, ":irc.test 319 alice bob :@#one @#two") ||
          es_has(&S, a, ":irc.test 319 alice bob :@#two @#one"));
    EXPECT(&S, a, ":irc.test 312 alice bob irc.test :TestNet");
    EXPECT(&S, a, ":irc.test 301 alice bob :gone fishing");
    EXPECT(&S, a, ":irc.test 317 alice bob 42 1700000000 :seconds idle, signon time");
    EXPECT(&S, a, ":irc.test 318 alice bob :End of /WHOIS list");
    EXPECT_NOT(&S, a, "* 313 *");
    EXPECT_BEFORE(&S, a, "* 311 *", "* 318 *");
    es_clear(&S, a);
    es_send(&S, a, "WHOIS nobody");
    EXPECT(&S, a, ":irc.test 401 alice nobody :No such nick/channel");
    EXPECT(&S, a, ":irc.test 318 alice nobody :End of /WHOIS list");
    es_send(&S, a, "WHOIS irc.test bob");
    EXPECT(&S, a, "* 311 alice bob *");
    es_send(&S, a, "WHOIS");
    EXPECT(&S, a, ":irc.test 461 alice WHOIS :Not enough parameters");
    es_free(&S);
}

static void test_whois_hides_secret_channels(void)
{
    int a, b;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    es_send(&S, b, "JOIN #hidden,#open");
    es_send(&S, b, "MODE #hidden +s");
    es_send(&S, a, "WHOIS b");
    EXPECT(&S, a, ":irc.test 319 a b :@#open");
    es_free(&S);
}

static void test_who(void)
{
    int a, b, c;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    c = es_reg(&S, "c");
    es_send(&S, a, "JOIN #w");
    es_send(&S, b, "JOIN #w");
    es_send(&S, b, "AWAY :afk");
    es_clear_all(&S);
    es_send(&S, c, "WHO #w");
    EXPECT(&S, c, ":irc.test 352 c #w a 10.0.0.1 irc.test a H@ :0 a Real");
    EXPECT(&S, c, ":irc.test 352 c #w b 10.0.0.2 irc.test b G :0 b Real");
    EXPECT(&S, c, ":irc.test 315 c #w :End of WHO list");
    es_clear(&S, c);
    es_send(&S, c, "WHO a");
    EXPECT(&S, c, ":irc.test 352 c * a 10.0.0.1 irc.test a H :0 a Real");
    EXPECT_COUNT(&S, c, "* 352 *", 1);
    EXPECT(&S, c, ":irc.test 315 c a :End of WHO list");
    es_clear(&S, c);
    es_send(&S, c, "WHO 10.0.0.*");
    EXPECT_COUNT(&S, c, "* 352 *", 3);
    /* +i hides a from c, who shares no channel with it, but not from b */
    es_send(&S, a, "MODE a +i");
    EXPECT(&S, a, ":a MODE a :+i");
    es_clear_all(&S);
    es_send(&S, c, "WHO *");
    EXPECT_NOT(&S, c, "* 352 c * a *");
    es_send(&S, c, "WHO #w");
    EXPECT_NOT(&S, c, "* 352 c #w a *");
    es_send(&S, b, "WHO *");
    EXPECT(&S, b, "* 352 b * a *");
    es_free(&S);
}

static void test_whowas(void)
{
    int a, b;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "old");
    es_send(&S, b, "NICK newer");
    es_send(&S, b, "QUIT :bye");
    es_send(&S, a, "WHOWAS old");
    EXPECT(&S, a, ":irc.test 314 a old old 10.0.0.2 * :old Real");
    EXPECT(&S, a, ":irc.test 312 a old irc.test :*2023*");
    EXPECT(&S, a, ":irc.test 369 a old :End of WHOWAS");
    es_send(&S, a, "WHOWAS NEWER");
    EXPECT(&S, a, ":irc.test 314 a newer old 10.0.0.2 * :old Real");
    es_send(&S, a, "WHOWAS never");
    EXPECT(&S, a, ":irc.test 406 a never :There was no such nickname");
    EXPECT(&S, a, ":irc.test 369 a never :End of WHOWAS");
    es_free(&S);
}

static void test_whowas_is_bounded(void)
{
    int a, i;
    start();
    a = es_reg(&S, "a");
    for (i = 0; i < 300; i++) {      /* more than the history holds */
        int k = es_reg(&S, "churn");
        es_send(&S, k, "QUIT");
    }
    es_send(&S, a, "WHOWAS churn 5");
    EXPECT_COUNT(&S, a, "* 314 a churn *", 5);
    es_clear(&S, a);
    es_send(&S, a, "WHOWAS churn");
    CHECK(es_count(&S, a, "* 314 a churn *") <= 256);
    CHECK(es_count(&S, a, "* 314 a churn *") >= 200);
    es_free(&S);
}

static void test_ison_userhost(void)
{
    int a, b;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    es_send(&S, b, "AWAY :out");
    es_send(&S, a, "ISON B nobody a");
    EXPECT(&S, a, ":irc.test 303 a :b a");
    es_send(&S, a, "ISON :nobody B");
    EXPECT(&S, a, ":irc.test 303 a :b");
    es_send(&S, a, "ISON zz");
    EXPECT(&S, a, ":irc.test 303 a :");
    es_send(&S, a, "USERHOST a b nobody");
    EXPECT(&S, a, ":irc.test 302 a :a=+a@10.0.0.1 b=-b@10.0.0.2");
    es_free(&S);
}

static void test_away_notify(void)
{
    int a, b, c, d;
    start();
    a = es_reg(&S, "a");
    b = es_reg_caps(&S, "b", "away-notify");
    c = es_reg(&S, "c");
    d = es_reg_caps(&S, "d", "away-notify");
    es_send(&S, a, "JOIN #x,#y");
    es_send(&S, b, "JOIN #x,#y");      /* two shared channels: one notice */
    es_send(&S, c, "JOIN #x");
    es_clear_all(&S);
    es_send(&S, a, "AWAY :brb");
    EXPECT(&S, a, ":irc.test 306 a :You have been marked as being away");
    EXPECT_COUNT(&S, b, ":a!a@10.0.0.1 AWAY :brb", 1);
    EXPECT_NOTHING(&S, c);             /* no cap */
    EXPECT_NOTHING(&S, d);             /* no shared channel */
    es_send(&S, a, "AWAY");
    EXPECT(&S, a, ":irc.test 305 a :You are no longer marked as being away");
    EXPECT(&S, b, ":a!a@10.0.0.1 AWAY");
    es_free(&S);
}

static void test_away_length(void)
{
    nt_engine_config cfg;
    int a, b;
    es_config(&cfg);
    cfg.awaylen = 4;
    es_start(&S, &cfg);
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    es_send(&S, a, "AWAY :abcdefgh");
    es_send(&S, b, "WHOIS a");
    EXPECT(&S, b, ":irc.test 301 b a :abcd");
    es_free(&S);
}

static void test_server_info(void)
{
    int a;
    start();
    a = es_reg(&S, "a");
    es_send(&S, a, "VERSION");
    EXPECT(&S, a, ":irc.test 351 a natterd-test irc.test :*");
    EXPECT(&S, a, ":irc.test 005 a *");
    es_send(&S, a, "VERSION other.server");
    EXPECT(&S, a, ":irc.test 402 a other.server :No such server");
    es_send(&S, a, "TIME");
    EXPECT(&S, a, ":irc.test 391 a irc.test :Tuesday November 14 2023 -- 22:13:20 +00:00");
    es_send(&S, a, "ADMIN");
    EXPECT(&S, a, ":irc.test 256 a irc.test :Administrative info");
    EXPECT(&S, a, ":irc.test 257 a :*");
    EXPECT(&S, a, ":irc.test 258 a :*");
    EXPECT(&S, a, ":irc.test 259 a :*");
    es_send(&S, a, "INFO");
    EXPECT(&S, a, ":irc.test 371 a :*");
    EXPECT(&S, a, ":irc.test 374 a :End of INFO list");
    es_clear(&S, a);
    es_send(&S, a, "MOTD");
    EXPECT(&S, a, ":irc.test 375 a :- irc.test Message of the day - ");
    EXPECT(&S, a, ":irc.test 376 a :End of /MOTD command.");
    es_free(&S);
}

static void test_lusers_and_no_motd(void)
{
    nt_engine_config cfg;
    int a, b;
    es_config(&cfg);
    cfg.motd = NULL;
    cfg.opers[0].name = "root";
    cfg.opers[0].password = "pw";
    cfg.nopers = 1;
    es_start(&S, &cfg);
    a = es_connect(&S);
    es_send(&S, a, "NICK a");
    es_send(&S, a, "USER a 0 * :A");
    EXPECT(&S, a, ":irc.test 422 a :MOTD File is missing");
    b = es_reg(&S, "b");
    es_connect(&S);                  /* one unregistered connection */
    es_send(&S, b, "MODE b +i");
    es_send(&S, b, "OPER root pw");
    es_send(&S, b, "JOIN #c");
    es_clear(&S, a);
    es_send(&S, a, "LUSERS");
    EXPECT(&S, a, ":irc.test 251 a :There are 1 users and 1 invisible on 1 servers");
    EXPECT(&S, a, ":irc.test 252 a 1 :operator(s) online");
    EXPECT(&S, a, ":irc.test 253 a 1 :unknown connection(s)");
    EXPECT(&S, a, ":irc.test 254 a 1 :channels formed");
    EXPECT(&S, a, ":irc.test 255 a :I have 2 clients and 0 servers");
    EXPECT(&S, a, ":irc.test 265 a 2 2 :Current local users 2, max 2");
    EXPECT(&S, a, ":irc.test 266 a 2 2 :Current global users 2, max 2");
    es_free(&S);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_whois);
    RUN(test_whois_hides_secret_channels);
    RUN(test_who);
    RUN(test_whowas);
    RUN(test_whowas_is_bounded);
    RUN(test_ison_userhost);
    RUN(test_away_notify);
    RUN(test_away_length);
    RUN(test_server_info);
    RUN(test_lusers_and_no_motd);
    return NP_TEST_DONE();
}
