/* Engine: channels — JOIN (several, keys, JOIN 0), PART, TOPIC, NAMES
 * (multi-prefix), LIST, KICK, INVITE, channel MODE and bans. */
#include "engine_script.h"

static es S;

static void start(void)
{
    nt_engine_config cfg;
    es_config(&cfg);
    es_start(&S, &cfg);
}

static void test_join_first_gets_ops(void)
{
    int a, b;
    start();
    a = es_reg(&S, "alice");
    b = es_reg(&S, "bob");
    es_send(&S, a, "JOIN #Natter");
    EXPECT(&S, a, ":alice!alice@10.0.0.1 JOIN #Natter");
    EXPECT(&S, a, ":irc.test 353 alice = #Natter :@alice");
    EXPECT(&S, a, ":irc.test 366 alice #Natter :End of /NAMES list");
    EXPECT_NOT(&S, a, "* 332 *");     /* no topic: nothing, not 331 */
    es_send(&S, b, "JOIN #natter");   /* same channel, other case */
    EXPECT(&S, b, ":bob!bob@10.0.0.2 JOIN #Natter");
    CHECK(es_has(&S, b, ":irc.test 353 bob = #Natter :bob @alice") ||
          es_has(&S, b, ":irc.test 353 bob = #Natter :@alice bob"));
    EXPECT(&S, a, ":bob!bob@10.0.0.2 JOIN #Natter");
    es_clear_all(&S);
    es_send(&S, b, "JOIN #NATTER");   /* already there: silence */
    EXPECT_NOTHING(&S, b);
    EXPECT_NOTHING(&S, a);
    es_send(&S, a, "MODE #natter");
    EXPECT(&S, a, ":irc.test 324 alice #Natter +nt");
    EXPECT(&S, a, ":irc.test 329 alice #Natter 1700000000");
    es_free(&S);
}

static void test_join_several_with_keys(void)
{
    int a, b;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    es_send(&S, a, "JOIN #k1,#k2");
    es_send(&S, a, "MODE #k1 +k one");
    es_send(&S, a, "MODE #k2 +k two");
    EXPECT(&S, a, ":a!a@* MODE #k1 +k one");
    es_send(&S, b, "JOIN #k1,#k2,#open one,bad");
    EXPECT(&S, b, ":b!b@* JOIN #k1");
    EXPECT(&S, b, ":irc.test 475 b #k2 :Cannot join channel (+k)");
    EXPECT(&S, b, ":b!b@* JOIN #open");
    es_send(&S, b, "JOIN #k2 two");
    EXPECT(&S, b, ":b!b@* JOIN #k2");
    es_clear_all(&S);
    es_send(&S, b, "JOIN nochan,#bad\007name");
    EXPECT(&S, b, ":irc.test 403 b nochan :No such channel");
    es_clear_all(&S);
    es_send(&S, b, "JOIN 0");
    EXPECT(&S, b, ":b!b@* PART #k1");
    EXPECT(&S, b, ":b!b@* PART #k2");
    EXPECT(&S, b, ":b!b@* PART #open");
    EXPECT(&S, a, ":b!b@* PART #k1");
    EXPECT_NOT(&S, a, "* PART #open");
    es_free(&S);
}

static void test_channel_limit_per_client(void)
{
    nt_engine_config cfg;
    int a;
    es_config(&cfg);
    cfg.max_channels = 2;
    es_start(&S, &cfg);
    a = es_reg(&S, "a");
    es_send(&S, a, "JOIN #1,#2,#3");
    EXPECT(&S, a, ":irc.test 405 a #3 :You have joined too many channels");
    EXPECT_NOT(&S, a, "* JOIN #3");
    es_free(&S);
}

static void test_part(void)
{
    int a, b;
    nt_engine_stats st;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    es_send(&S, a, "JOIN #p");
    es_send(&S, b, "JOIN #p");
    es_clear_all(&S);
    es_send(&S, b, "PART #p :see you");
    EXPECT(&S, a, ":b!b@* PART #p :see you");
    EXPECT(&S, b, ":b!b@* PART #p :see you");
    es_send(&S, b, "PART #p");
    EXPECT(&S, b, ":irc.test 442 b #p :You're not on that channel");
    es_send(&S, b, "PART #nowhere");
    EXPECT(&S, b, ":irc.test 403 b #nowhere :No such channel");
    es_send(&S, a, "PART #p");
    EXPECT(&S, a, ":a!a@* PART #p");
    nt_engine_get_stats(S.e, &st);
    CHECK_INT(st.channels, 0);   /* the empty channel is gone */
    es_send(&S, b, "JOIN #p");   /* and a new one makes b its operator */
    EXPECT(&S, b, "* 353 b = #p :@b");
    es_free(&S);
}

static void test_topic(void)
{
    int a, b, c;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    c = es_reg(&S, "c");
    es_send(&S, a, "JOIN #t");
    es_send(&S, b, "JOIN #t");
    es_send(&S, a, "TOPIC #t");
    EXPECT(&S, a, ":irc.test 331 a #t :No topic is set");
    es_send(&S, b, "TOPIC #t :by b");
    EXPECT(&S, b, ":irc.test 482 b #t :You're not channel operator");  /* +t */
    es_send(&S, a, "TOPIC #t :Natter talk");
    EXPECT(&S, b, ":a!a@10.0.0.1 TOPIC #t :Natter talk");
    EXPECT(&S, a, ":a!a@10.0.0.1 TOPIC #t :Natter talk");
    es_send(&S, c, "TOPIC #t :outsider");
    EXPECT(&S, c, ":irc.test 442 c #t :You're not on that channel");
    es_send(&S, c, "TOPIC #t");
    EXPECT(&S, c, ":irc.test 332 c #t :Natter talk");
    EXPECT(&S, c, ":irc.test 333 c #t a!a@10.0.0.1 1700000000");
    es_send(&S, c, "JOIN #t");
    EXPECT(&S, c, ":irc.test 332 c #t :Natter talk");
    EXPECT_BEFORE(&S, c, "* 332 c #t *", "* 353 c *");
    es_send(&S, a, "MODE #t -t");
    es_send(&S, b, "TOPIC #t :b may now");
    EXPECT(&S, a, ":b!b@* TOPIC #t :b may now");
    es_send(&S, b, "TOPIC #t :");
    es_clear(&S, c);
    es_send(&S, c, "TOPIC #t");
    EXPECT(&S, c, ":irc.test 331 c #t :No topic is set");
    es_free(&S);
}

static void test_topic_length(void)
{
    nt_engine_config cfg;
    int a;
    es_config(&cfg);
    cfg.topiclen = 5;
    es_start(&S, &cfg);
    a = es_reg(&S, "a");
    es_send(&S, a, "JOIN #t");
    es_send(&S, a, "TOPIC #t :abcdefghij");
    EXPECT(&S, a, ":a!a@* TOPIC #t :abcde");
    es_free(&S);
}

static void test_names_multi_prefix(void)
{
    int a, b, m;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    m = es_reg_caps(&S, "m", "multi-prefix");
    es_send(&S, a, "JOIN #n");
    es_send(&S, b, "JOIN #n");
    es_send(&S, m, "JOIN #n");
    es_send(&S, a, "MODE #n +v a");
    EXPECT(&S, b, ":a!a@* MODE #n +v a");
    es_clear_all(&S);
    es_send(&S, b, "NAMES #n");
    EXPECT(&S, b, ":irc.test 353 b = #n :*@a*");
    EXPECT_NOT(&S, b, "*@+a*");
    es_send(&S, m, "NAMES #n");
    EXPECT(&S, m, ":irc.test 353 m = #n :*@+a*");
    es_send(&S, m, "WHO #n");
    EXPECT(&S, m, ":irc.test 352 m #n a 10.0.0.1 irc.test a H@+ :0 a Real");
    es_send(&S, b, "WHO #n");
    EXPECT(&S, b, ":irc.test 352 b #n a 10.0.0.1 irc.test a H@ :0 a Real");
    es_send(&S, b, "NAMES #nope");
    EXPECT(&S, b, ":irc.test 366 b #nope :End of /NAMES list");
    es_free(&S);
}

static void test_names_splits_long_lists(void)
{
    int i, a;
    char nick[32];
    start();
    a = es_reg(&S, "watcher");
    es_send(&S, a, "JOIN #big");
    for (i = 0; i < 120; i++) {
        int k;
        snprintf(nick, sizeof nick, "member_with_long_nick%03d", i);
        k = es_reg(&S, nick);
        es_send(&S, k, "JOIN #big");
    }
    es_clear(&S, a);
    es_send(&S, a, "NAMES #big");
    CHECK(es_count(&S, a, ":irc.test 353 watcher = #big :*") >= 6);
    EXPECT_COUNT(&S, a, "*member_with_long_nick119*", 1);
    EXPECT_COUNT(&S, a, "*member_with_long_nick000*", 1);
    {   /* every line fits in 512 bytes */
        const char *p = S.c[a].text;
        while (*p) {
            const char *nl = strchr(p, '\n');
            CHECK((size_t)(nl - p) <= 510);
            p = nl + 1;
        }
    }
    es_free(&S);
}

static void test_list(void)
{
    int a, b;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    es_send(&S, a, "JOIN #pub,#sec");
    es_send(&S, a, "TOPIC #pub :public talk");
    es_send(&S, a, "MODE #sec +s");
    es_send(&S, b, "LIST");
    EXPECT(&S, b, ":irc.test 321 b Channel :Users  Name");
    EXPECT(&S, b, ":irc.test 322 b #pub 1 :public talk");
    EXPECT_NOT(&S, b, "* 322 b #sec *");
    EXPECT(&S, b, ":irc.test 323 b :End of /LIST");
    es_send(&S, a, "LIST #sec,#pub");
    EXPECT(&S, a, ":irc.test 322 a #sec 1 :");
    EXPECT(&S, a, ":irc.test 322 a #pub 1 :public talk");
    es_send(&S, b, "NAMES #sec");
    EXPECT(&S, b, ":irc.test 366 b #sec :End of /NAMES list");
    EXPECT_NOT(&S, b, "* 353 *");
    es_send(&S, a, "NAMES #sec");
    EXPECT(&S, a, ":irc.test 353 a @ #sec :@a");
    es_free(&S);
}

static void test_kick(void)
{
    int a, b, c;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    c = es_reg(&S, "c");
    es_send(&S, a, "JOIN #k");
    es_send(&S, b, "JOIN #k");
    es_send(&S, c, "JOIN #k");
    es_clear_all(&S);
    es_send(&S, b, "KICK #k c");
    EXPECT(&S, b, ":irc.test 482 b #k :You're not channel operator");
    es_send(&S, a, "KICK #k c :behave");
    EXPECT(&S, a, ":a!a@* KICK #k c :behave");
    EXPECT(&S, b, ":a!a@* KICK #k c :behave");
    EXPECT(&S, c, ":a!a@* KICK #k c :behave");
    es_send(&S, a, "KICK #k c");
    EXPECT(&S, a, ":irc.test 441 a c #k :They aren't on that channel");
    es_send(&S, a, "KICK #k b");  /* default reason: the kicker's nick */
    EXPECT(&S, b, ":a!a@* KICK #k b :a");
    es_send(&S, c, "KICK #k a");
    EXPECT(&S, c, ":irc.test 442 c #k :You're not on that channel");
    es_send(&S, a, "KICK #none a");
    EXPECT(&S, a, ":irc.test 403 a #none :No such channel");
    es_send(&S, a, "KICK #k");
    EXPECT(&S, a, ":irc.test 461 a KICK :Not enough parameters");
    es_send(&S, a, "KICK #k a");  /* kicking yourself out of your last channel */
    EXPECT(&S, a, ":a!a@* KICK #k a :a");
    es_free(&S);
}

static void test_invite_and_invite_only(void)
{
    int a, b, c;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    c = es_reg(&S, "c");
    es_send(&S, a, "JOIN #i");
    es_send(&S, a, "MODE #i +i");
    EXPECT(&S, a, ":a!a@* MODE #i +i");
    es_send(&S, b, "JOIN #i");
    EXPECT(&S, b, ":irc.test 473 b #i :Cannot join channel (+i)");
    es_send(&S, a, "INVITE b #i");
    EXPECT(&S, a, ":irc.test 341 a b #i");
    EXPECT(&S, b, ":a!a@10.0.0.1 INVITE b #i");
    es_send(&S, b, "JOIN #i");
    EXPECT(&S, b, ":b!b@* JOIN #i");
    es_send(&S, b, "INVITE c #i");   /* +i: only ops invite */
    EXPECT(&S, b, ":irc.test 482 b #i :You're not channel operator");
    es_send(&S, a, "INVITE b #i");
    EXPECT(&S, a, ":irc.test 443 a b #i :is already on channel");
    es_send(&S, a, "INVITE nobody #i");
    EXPECT(&S, a, ":irc.test 401 a nobody :No such nick/channel");
    es_send(&S, c, "INVITE a #i");
    EXPECT(&S, c, ":irc.test 442 c #i :You're not on that channel");
    es_send(&S, c, "INVITE a #nothing");
    EXPECT(&S, c, ":irc.test 403 c #nothing :No such channel");
    es_free(&S);
}

static void test_modes_op_voice_moderated(void)
{
    int a, b, c;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    c = es_reg(&S, "c");
    es_send(&S, a, "JOIN #m");
    es_send(&S, b, "JOIN #m");
    es_send(&S, c, "JOIN #m");
    es_clear_all(&S);
    es_send(&S, a, "MODE #m +mo-n b");
    EXPECT(&S, c, ":a!a@* MODE #m +mo-n b");
    es_send(&S, c, "PRIVMSG #m :silenced?");
    EXPECT(&S, c, ":irc.test 404 c #m :Cannot send to channel");
    EXPECT_NOT(&S, a, "* PRIVMSG #m :silenced?");
    es_send(&S, b, "MODE #m +v c");      /* b is an op now */
    EXPECT(&S, a, ":b!b@* MODE #m +v c");
    es_send(&S, c, "PRIVMSG #m :now I can");
    EXPECT(&S, a, ":c!c@* PRIVMSG #m :now I can");
    es_send(&S, c, "MODE #m -o a");
    EXPECT(&S, c, ":irc.test 482 c #m :You're not channel operator");
    es_send(&S, a, "MODE #m +o nobody");
    EXPECT(&S, a, ":irc.test 401 a nobody :No such nick/channel");
    es_send(&S, a, "MODE #m +q");
    EXPECT(&S, a, ":irc.test 472 a q :is unknown mode char to me");
    es_clear_all(&S);
    es_send(&S, a, "MODE #m +o b");      /* no change: nothing broadcast */
    EXPECT_NOTHING(&S, c);
    es_send(&S, a, "MODE #m -v+l-m c 5");
    EXPECT(&S, c, ":a!a@* MODE #m -v+l-m c 5");
    es_send(&S, a, "MODE #m");
    EXPECT(&S, a, ":irc.test 324 a #m +tl 5");
    es_send(&S, a, "MODE #m +l zero");
    EXPECT(&S, a, ":irc.test 696 a #m l zero :Invalid limit");
    es_send(&S, a, "MODE #nope +o a");
    EXPECT(&S, a, ":irc.test 403 a #nope :No such channel");
    es_free(&S);
}

static void test_limit_and_key(void)
{
    int a, b, c;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "b");
    c = es_reg(&S, "c");
    es_send(&S, a, "JOIN #l");
    es_send(&S, a, "MODE #l +lk 2 pw");
    EXPECT(&S, a, ":a!a@* MODE #l +lk 2 pw");
    es_send(&S, b, "JOIN #l pw");
    EXPECT(&S, b, ":b!b@* JOIN #l");
    es_send(&S, c, "JOIN #l pw");
    EXPECT(&S, c, ":irc.test 471 c #l :Cannot join channel (+l)");
    es_send(&S, c, "MODE #l");           /* outsiders do not see the key */
    EXPECT(&S, c, ":irc.test 324 c #l +ntkl * 2");
    es_send(&S, b, "MODE #l");
    EXPECT(&S, b, ":irc.test 324 b #l +ntkl pw 2");
    es_send(&S, a, "MODE #l -lk pw");
    EXPECT(&S, b, ":a!a@* MODE #l -lk *");
    es_send(&S, c, "JOIN #l");
    EXPECT(&S, c, ":c!c@* JOIN #l");
    es_free(&S);
}

static void test_bans(void)
{
    int a, b, c;
    start();
    a = es_reg(&S, "a");
    b = es_reg(&S, "bad");
    c = es_reg(&S, "c");
    es_send(&S, a, "JOIN #b");
    es_send(&S, c, "JOIN #b");
    es_send(&S, a, "MODE #b +b bad");
    EXPECT(&S, a, ":a!a@* MODE #b +b bad!*@*");
    es_send(&S, b, "JOIN #b");
    EXPECT(&S, b, ":irc.test 474 bad #b :Cannot join channel (+b)");
    es_send(&S, a, "MODE #b +b *@10.0.0.3");
    EXPECT(&S, a, ":a!a@* MODE #b +b *!*@10.0.0.3");
    es_send(&S, a, "MODE #b +b BAD!*@*");    /* the same ban, other case */
    EXPECT_COUNT(&S, a, "* MODE #b +b *", 2);
    es_clear_all(&S);
    es_send(&S, c, "MODE #b +b");            /* anyone may list */
    EXPECT(&S, c, ":irc.test 367 c #b bad!*@* a!a@10.0.0.1 1700000000");
    EXPECT(&S, c, ":irc.test 367 c #b *!*@10.0.0.3 a!a@10.0.0.1 1700000000");
    EXPECT(&S, c, ":irc.test 368 c #b :End of channel ban list");
    /* c matches the host ban: it stays but may not speak */
    es_send(&S, c, "PRIVMSG #b :hello?");
    EXPECT(&S, c, ":irc.test 404 c #b :Cannot send to channel");
    es_send(&S, a, "MODE #b -b *!*@10.0.0.3");
    EXPECT(&S, c, ":a!a@* MODE #b -b *!*@10.0.0.3");
    es_send(&S, c, "PRIVMSG #b :hello!");
    EXPECT(&S, a, ":c!c@* PRIVMSG #b :hello!");
    es_send(&S, a, "MODE #b b");
    EXPECT_COUNT(&S, a, "* 367 a #b *", 1);
    /* ban masks are wildcards over nick!user@host */
    es_send(&S, a, "MODE #b -b+b bad!*@* b?d!*@10.*");
    EXPECT(&S, a, ":a!a@* MODE #b -b+b bad!*@* b?d!*@10.*");
    es_send(&S, b, "JOIN #b");
    EXPECT(&S, b, "* 474 bad #b *");
    es_send(&S, a, "INVITE bad #b");         /* an invitation lets them in */
    es_send(&S, b, "JOIN #b");
    EXPECT(&S, b, ":bad!bad@* JOIN #b");
    es_free(&S);
}

static void test_ban_list_full(void)
{
    nt_engine_config cfg;
    int a;
    es_config(&cfg);
    cfg.max_list_modes = 2;
    es_start(&S, &cfg);
    a = es_reg(&S, "a");
    es_send(&S, a, "JOIN #f");
    es_send(&S, a, "MODE #f +bbb x y z");
    EXPECT(&S, a, ":a!a@* MODE #f +bb x!*@* y!*@*");
    EXPECT(&S, a, ":irc.test 478 a #f z!*@* :Channel ban list is full");
    es_free(&S);
}

static void test_secret_and_modes_limit(void)
{
    int a;
    start();
    a = es_reg(&S, "a");
    es_send(&S, a, "JOIN #s");
    /* MODES=4: at most four modes with arguments per command */
    es_send(&S, a, "MODE #s +bbbbb m1 m2 m3 m4 m5");
    EXPECT(&S, a, ":a!a@* MODE #s +bbbb m1!*@* m2!*@* m3!*@* m4!*@*");
    es_send(&S, a, "MODE #s +s-t+i");
    EXPECT(&S, a, ":a!a@* MODE #s +s-t+i");
    es_send(&S, a, "MODE #s");
    EXPECT(&S, a, ":irc.test 324 a #s +ins");
    es_free(&S);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_join_first_gets_ops);
    RUN(test_join_several_with_keys);
    RUN(test_channel_limit_per_client);
    RUN(test_part);
    RUN(test_topic);
    RUN(test_topic_length);
    RUN(test_names_multi_prefix);
    RUN(test_names_splits_long_lists);
    RUN(test_list);
    RUN(test_kick);
    RUN(test_invite_and_invite_only);
    RUN(test_modes_op_voice_moderated);
    RUN(test_limit_and_key);
    RUN(test_bans);
    RUN(test_ban_list_full);
    RUN(test_secret_and_modes_limit);
    return NP_TEST_DONE();
}
