/* Engine: PRIVMSG and NOTICE — channels and nicks, several targets,
 * +n/+m/+b, echo-message, server-time, message-tags, and the shared-line
 * property (a broadcast is serialized once per capability variant). */
#include "engine_script.h"

static es S;

static void start(void)
{
    nt_engine_config cfg;
    es_config(&cfg);
    es_start(&S, &cfg);
}

static void test_privmsg_channel_and_nick(void)
{
    int a, b, c;
    start();
    a = es_reg(&S, "alice");
    b = es_reg(&S, "bob");
    c = es_reg(&S, "carol");
    es_send(&S, a, "JOIN #chat");
    es_send(&S, b, "JOIN #chat");
    es_clear_all(&S);
    es_send(&S, a, "PRIVMSG #CHAT :hello, world");
    EXPECT(&S, b, ":alice!alice@10.0.0.1 PRIVMSG #chat :hello, world");
    EXPECT_NOTHING(&S, a);           /* no echo without echo-message */
    EXPECT_NOTHING(&S, c);
    es_send(&S, b, "PRIVMSG Carol :psst");
    EXPECT(&S, c, ":bob!bob@10.0.0.2 PRIVMSG carol :psst");
    es_send(&S, c, "NOTICE bob :noted");
    EXPECT(&S, b, ":carol!carol@10.0.0.3 NOTICE bob :noted");
    es_send(&S, c, "PRIVMSG #chat :outside");   /* +n by default */
    EXPECT(&S, c, ":irc.test 404 carol #chat :Cannot send to channel");
    es_free(&S);
}

static void test_privmsg_errors_and_notice_silence(void)
{
    int a;
    start();
    a = es_reg(&S, "a");
    es_send(&S, a, "PRIVMSG");
    EXPECT(&S, a, ":irc.test 411 a :No recipient given (PRIVMSG)");
    es_send(&S, a, "PRIVMSG a");
    EXPECT(&S, a, ":irc.test 412 a :No text to send");
    es_send(&S, a, "PRIVMSG ghost :boo");
    EXPECT(&S, a, ":irc.test 401 a ghost :No such nick/channel");
    es_send(&S, a, "PRIVMSG #ghost :boo");
    EXPECT(&S, a, ":irc.test 401 a #ghost :No such nick/channel");
    es_clear(&S, a);
    /* NOTICE never gets an error reply (RFC 2812 3.3.2) */
    es_send(&S, a, "NOTICE");
    es_send(&S, a, "NOTICE a");
    es_send(&S, a, "NOTICE ghost :boo");
    es_send(&S, a, "NOTICE #ghost :boo");
    es_send(&S, a, "JOIN #m");
    es_send(&S, a, "MODE #m +m");
    es_send(&S, a, "MODE #m -o a");
    es_clear(&S, a);
    es_send(&S, a, "NOTICE #m :moderated");
    EXPECT_NOTHING(&S, a);
    es_send(&S, a, "PRIVMSG #m :moderated");
    EXPECT(&S, a, "* 404 a #m :Cannot send to channel");
    es_free(&S);
}

static void test_several_targets(void)
{
    nt_engine_config cfg;
    int a, b, c, d, e;
    es_config(&cfg);
    cfg.max_targets = 3;
    es_start(&S, &cfg);
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    c = es_reg(&S, "c");
    d = es_reg(&S, "d");
    e = es_reg(&S, "e");
    es_send(&S, d, "JOIN #d");
    es_clear_all(&S);
    es_send(&S, a, "PRIVMSG b,c,ghost :hi all");
    EXPECT(&S, b, ":a!a@* PRIVMSG b :hi all");
    EXPECT(&S, c, ":a!a@* PRIVMSG c :hi all");
    EXPECT(&S, a, ":irc.test 401 a ghost :No such nick/channel");
    es_clear_all(&S);
    es_send(&S, a, "PRIVMSG b,c,d,e :too many");
    EXPECT(&S, b, "*PRIVMSG b :too many");
    EXPECT(&S, d, "*PRIVMSG d :too many");
    EXPECT_NOTHING(&S, e);
    EXPECT(&S, a, ":irc.test 407 a e :Too many recipients. Only 3 processed");
    es_free(&S);
}

static void test_away_reply(void)
{
    int a, b;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    es_send(&S, b, "AWAY :lunch");
    es_send(&S, a, "PRIVMSG b :there?");
    EXPECT(&S, a, ":irc.test 301 a b :lunch");
    es_clear(&S, a);
    es_send(&S, a, "NOTICE b :fyi");
    EXPECT_NOTHING(&S, a);
    es_free(&S);
}

static void test_echo_message(void)
{
    int a, b;
    start();
    a = es_reg_caps(&S, "echoer", "echo-message");
    b = es_reg(&S, "b");
    es_send(&S, a, "JOIN #e");
    es_send(&S, b, "JOIN #e");
    es_clear_all(&S);
    es_send(&S, a, "PRIVMSG #e :mirror");
    EXPECT(&S, a, ":echoer!echoer@10.0.0.1 PRIVMSG #e :mirror");
    EXPECT(&S, b, ":echoer!echoer@10.0.0.1 PRIVMSG #e :mirror");
    CHECK_INT(S.nseen, 1);       /* the echo is the very same line */
    es_send(&S, a, "NOTICE b :n");
    EXPECT(&S, a, ":echoer!echoer@* NOTICE b :n");
    es_clear_all(&S);
    es_send(&S, a, "PRIVMSG echoer :self");   /* once, not twice */
    EXPECT_COUNT(&S, a, "* PRIVMSG echoer :self", 1);
    es_free(&S);
}

static void test_server_time(void)
{
    int a, b;
    start();
    a = es_reg(&S, "a");
    b = es_reg_caps(&S, "b", "server-time");
    es_send(&S, a, "JOIN #t");
    es_send(&S, b, "JOIN #t");
    EXPECT(&S, a, ":b!b@* JOIN #t");   /* a has no cap: no tags */
    EXPECT(&S, b, "@time=2023-11-14T22:13:20.000Z :b!b@* JOIN #t");
    S.now += 1234;
    es_send(&S, a, "PRIVMSG #t :timed");
    EXPECT(&S, b, "@time=2023-11-14T22:13:21.234Z :a!a@10.0.0.1 PRIVMSG #t :timed");
    es_send(&S, a, "PRIVMSG b :direct");
    EXPECT(&S, b, "@time=2023-11-14T22:13:21.234Z :a!a@* PRIVMSG b :direct");
    /* numerics are not tagged */
    es_send(&S, b, "PRIVMSG nobody :x");
    EXPECT(&S, b, ":irc.test 401 b nobody *");
    es_free(&S);
}

static void test_message_tags(void)
{
    int a, b, c;
    start();
    a = es_reg_caps(&S, "a", "message-tags");
    b = es_reg_caps(&S, "b", "message-tags server-time");
    c = es_reg(&S, "c");
    es_send(&S, a, "JOIN #mt");
    es_send(&S, b, "JOIN #mt");
    es_send(&S, c, "JOIN #mt");
    es_clear_all(&S);
    es_send(&S, a, "@+draft/reply=abc;+x=a\\sb;badserver=1 PRIVMSG #mt :tagged");
    EXPECT(&S, b, "@time=*;+draft/reply=abc;+x=a\\sb :a!a@* PRIVMSG #mt :tagged");
    EXPECT(&S, c, ":a!a@10.0.0.1 PRIVMSG #mt :tagged");
    EXPECT_NOT(&S, b, "*badserver*");
    es_clear_all(&S);
    /* tags from a client that did not ask for message-tags are dropped */
    es_send(&S, c, "@+x=1 PRIVMSG #mt :plain");
    EXPECT(&S, a, ":c!c@* PRIVMSG #mt :plain");
    es_free(&S);
}

static void test_tagmsg(void)
{
    int a, b, c;
    start();
    a = es_reg_caps(&S, "a", "message-tags echo-message");
    b = es_reg_caps(&S, "b", "message-tags");
    c = es_reg(&S, "c");
    es_send(&S, a, "JOIN #tm");
    es_send(&S, b, "JOIN #tm");
    es_send(&S, c, "JOIN #tm");
    es_clear_all(&S);
    es_send(&S, a, "@+typing=active TAGMSG #tm");
    EXPECT(&S, b, "@+typing=active :a!a@10.0.0.1 TAGMSG #tm");
    EXPECT(&S, a, "@+typing=active :a!a@10.0.0.1 TAGMSG #tm");   /* echoed */
    EXPECT_NOTHING(&S, c);           /* never to clients without message-tags */
    es_send(&S, a, "@+typing=paused TAGMSG c");
    EXPECT_NOTHING(&S, c);
    es_send(&S, a, "@+typing=paused TAGMSG b");
    EXPECT(&S, b, "@+typing=paused :a!a@* TAGMSG b");
    es_send(&S, a, "TAGMSG nobody");
    EXPECT(&S, a, ":irc.test 401 a nobody :No such nick/channel");
    es_free(&S);
}

/* The heart of the engine's performance design: one broadcast to 100
 * members is one nt_line, shared by reference. */
static void test_shared_line_one_variant(void)
{
    int i, first = 0, sender;
    char nick[16];
    start();
    for (i = 0; i < 100; i++) {
        int k;
        snprintf(nick, sizeof nick, "m%d", i);
        k = es_reg(&S, nick);
        if (i == 0)
            first = k;
        es_send(&S, k, "JOIN #big");
    }
    sender = first;
    es_clear_all(&S);
    es_send(&S, sender, "PRIVMSG #big :to everyone");
    CHECK_INT(S.outputs, 99);
    CHECK_INT(S.nseen, 1);
    /* a JOIN too: one shared JOIN line plus the joiner's own NAMES replies */
    i = es_reg(&S, "late");
    es_send(&S, i, "JOIN #big");
    CHECK_INT(es_count(&S, first, ":late!late@* JOIN #big"), 1);
    {
        size_t names_lines = es_count(&S, i, "* 353 *") + es_count(&S, i, "* 366 *");
        CHECK_INT(S.outputs, 101 + names_lines);
        CHECK_INT(S.nseen, 1 + names_lines);
    }
    es_free(&S);
}

static void test_shared_line_mixed_caps(void)
{
    int i, sender = -1;
    char nick[16];
    start();
    for (i = 0; i < 100; i++) {
        int k;
        snprintf(nick, sizeof nick, "m%d", i);
        k = es_reg_caps(&S, nick, i % 2 ? "server-time" : NULL);
        if (sender < 0)
            sender = k;
        es_send(&S, k, "JOIN #mix");
    }
    es_clear_all(&S);
    es_send(&S, sender, "PRIVMSG #mix :two variants");
    CHECK_INT(S.outputs, 99);
    CHECK_INT(S.nseen, 2);
    es_free(&S);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_privmsg_channel_and_nick);
    RUN(test_privmsg_errors_and_notice_silence);
    RUN(test_several_targets);
    RUN(test_away_reply);
    RUN(test_echo_message);
    RUN(test_server_time);
    RUN(test_message_tags);
    RUN(test_tagmsg);
    RUN(test_shared_line_one_variant);
    RUN(test_shared_line_mixed_caps);
    return NP_TEST_DONE();
}
