/* Client session: what it tracks — channels, topics, members with prefixes
 * and away state, private chats — through JOIN, NAMES, PART, KICK, QUIT,
 * NICK, MODE, TOPIC, AWAY and their numerics. */
#include "session_util.h"

static nt_session *joined(const char *caps, const char *names)
{
    nt_session *s = new_session("me");
    register_with(s, caps, NULL);
    join_with_names(s, "#chat", names);
    drain(s);
    return s;
}

static void test_join_and_names(void)
{
    nt_session *s = new_session("me");
    register_with(s, NULL, NULL);
    feed(s, ":me!~me@host.test JOIN #Chat\r\n");
    drain(s);
    const tev *j = find_ev(NT_EV_JOIN);
    CHECK(j);
    CHECK(j->self);
    CHECK_STR(j->nick, "me");
    CHECK_STR(j->channel, "#Chat");
    CHECK_INT(nt_session_channel_count(s), 1);
    CHECK_STR(nt_session_channel_name(s, 0), "#Chat");
    /* NAMES over several lines, then the end. */
    feed(s, ":irc.test 332 me #chat :Welcome to chat\r\n");
    feed(s, ":irc.test 333 me #chat op!o@h 1700000000\r\n");
    feed(s, ":irc.test 353 me = #chat :me @op +voice\r\n");
    feed(s, ":irc.test 353 me = #chat :zed alpha\r\n");
    feed(s, ":irc.test 366 me #chat :End of /NAMES list.\r\n");
    drain(s);
    const tev *t = find_ev(NT_EV_TOPIC);
    CHECK(t);
    CHECK_STR(t->channel, "#Chat");
    CHECK_STR(t->text, "Welcome to chat");
    CHECK(!t->has_nick);
    CHECK_STR(nt_session_channel_topic(s, "#CHAT"), "Welcome to chat");
    const char *setter;
    int64_t when;
    CHECK(nt_session_channel_topic_info(s, "#chat", &setter, &when));
    CHECK_STR(setter, "op");
    CHECK_INT(when, 1700000000000LL);
    const tev *n = find_ev(NT_EV_NAMES);
    CHECK(n);
    CHECK_STR(n->channel, "#Chat");
    /* Rank first, then nick. */
    CHECK_STR(members_str(s, "#chat"), "@op +voice alpha me zed");
    nt_member m[2];
    CHECK_INT(nt_session_members(s, "#chat", m, 2), 5);  /* the count, not what fit */
    CHECK_STR(m[0].nick, "op");
    CHECK_STR(m[0].prefixes, "@");
    CHECK_INT(nt_session_members(s, "#nowhere", m, 2), 0);

    /* Someone joins: JOIN, then MEMBERS to redraw the list. */
    feed(s, ":bob!b@h JOIN #chat\r\n");
    drain(s);
    CHECK_INT(g_nev, 2);
    CHECK_INT(g_ev[0].type, NT_EV_JOIN);
    CHECK(!g_ev[0].self);
    CHECK_STR(g_ev[0].nick, "bob");
    CHECK_INT(g_ev[1].type, NT_EV_MEMBERS);
    CHECK_STR(g_ev[1].channel, "#Chat");
    CHECK_STR(members_str(s, "#chat"), "@op +voice alpha bob me zed");

    /* A second NAMES (e.g. /names) replaces the list instead of adding to it. */
    feed(s, ":irc.test 353 me = #chat :me @op\r\n:irc.test 366 me #chat :End\r\n");
    CHECK_STR(members_str(s, "#chat"), "@op me");
    drain(s);
    /* NAMES for a channel we are not in is just text. */
    feed(s, ":irc.test 353 me = #other :x y\r\n:irc.test 366 me #other :End\r\n");
    drain(s);
    CHECK_INT(count_ev(NT_EV_SERVER_TEXT), 2);
    CHECK(!find_ev(NT_EV_NAMES));
    nt_session_free(s);
}

static void test_multi_prefix_and_userhost(void)
{
    nt_session *s = joined("multi-prefix", "@+both +v @o me plain!u@host");
    CHECK_STR(members_str(s, "#chat"), "@+both @o +v me plain");
    /* Losing the highest prefix moves a member down, keeping the other. */
    feed(s, ":o!o@h MODE #chat -o both\r\n");
    drain(s);
    CHECK_STR(members_str(s, "#chat"), "@o +both +v me plain");
    CHECK(find_ev(NT_EV_MODE));
    CHECK(find_ev(NT_EV_MEMBERS));
    nt_session_free(s);
}

static void test_modes(void)
{
    nt_session *s = joined(NULL, "@me a b c");
    /* Mixed modes: parameters belong to the right letters (k and l take one,
     * b a list mode takes one, n and t none). */
    feed(s, ":me!u@h MODE #chat +ntokvlb a secret b 10 *!*@bad\r\n");
    drain(s);
    const tev *m = find_ev(NT_EV_MODE);
    CHECK(m);
    CHECK_STR(m->nick, "me");
    CHECK_STR(m->target, "#chat");
    CHECK_STR(m->channel, "#chat");
    CHECK_STR(m->text, "+ntokvlb a secret b 10 *!*@bad");
    CHECK_STR(members_str(s, "#chat"), "@a @me +b c");
    /* -l takes no parameter, -k does: the +v still finds c. */
    feed(s, ":me!u@h MODE #chat -lk+v * c\r\n");
    CHECK_STR(members_str(s, "#chat"), "@a @me +b +c");
    feed(s, ":me!u@h MODE #chat -v+o-o b c a\r\n");
    CHECK_STR(members_str(s, "#chat"), "@+c @me a b");
    /* A user mode on us. */
    drain(s);
    feed(s, ":me MODE me :+i\r\n");
    drain(s);
    m = find_ev(NT_EV_MODE);
    CHECK(m);
    CHECK(m->self);
    CHECK_STR(m->target, "me");
    CHECK(!m->has_channel);
    CHECK_STR(m->text, "+i");
    nt_session_free(s);
}

static void test_custom_prefixes(void)
{
    nt_session *s = new_session("me");
    register_with(s, "multi-prefix", "PREFIX=(qaohv)~&@%+ CHANMODES=beI,k,l,imnpst");
    join_with_names(s, "#c", "%half me ~owner +v &admin @op ~&@all");
    CHECK_STR(members_str(s, "#c"), "~&@all ~owner &admin @op %half +v me");
    feed(s, ":owner!o@h MODE #c +h me\r\n");
    CHECK_STR(members_str(s, "#c"), "~&@all ~owner &admin @op %half %me +v");
    nt_session_free(s);
}

static void test_part_and_kick(void)
{
    nt_session *s = joined(NULL, "me a b");
    feed(s, ":a!a@h PART #chat :see you\r\n");
    drain(s);
    const tev *p = find_ev(NT_EV_PART);
    CHECK(p);
    CHECK_STR(p->nick, "a");
    CHECK_STR(p->text, "see you");
    CHECK(!p->self);
    CHECK(find_ev(NT_EV_MEMBERS));
    CHECK_STR(members_str(s, "#chat"), "b me");

    feed(s, ":me!u@h KICK #chat b :behave\r\n");
    drain(s);
    const tev *k = find_ev(NT_EV_KICK);
    CHECK(k);
    CHECK_STR(k->nick, "me");
    CHECK_STR(k->target, "b");
    CHECK_STR(k->text, "behave");
    CHECK(!k->self);
    CHECK_STR(members_str(s, "#chat"), "me");

    /* We are kicked: the channel is gone, the event says it was us. */
    feed(s, ":op!o@h KICK #chat me :out\r\n");
    drain(s);
    k = find_ev(NT_EV_KICK);
    CHECK(k);
    CHECK(k->self);
    CHECK_INT(nt_session_channel_count(s), 0);
    CHECK(!nt_session_in_channel(s, "#chat"));

    /* We part: the same. */
    join_with_names(s, "#two", "me x");
    CHECK_INT(nt_session_part(s, "#TWO", "bye"), 0);
    CHECK_STR(out_take(s), "PART #TWO bye\r\n");
    feed(s, ":me!u@h PART #two\r\n");
    drain(s);
    p = find_ev(NT_EV_PART);
    CHECK(p);
    CHECK(p->self);
    CHECK(!p->has_text);
    CHECK_INT(nt_session_channel_count(s), 0);
    nt_session_free(s);
}

static void test_quit_and_nick(void)
{
    nt_session *s = joined(NULL, "me bob carl");
    join_with_names(s, "#two", "me bob");
    join_with_names(s, "#three", "me carl");
    drain(s);
    feed(s, ":bob!b@h QUIT :Ping timeout\r\n");
    drain(s);
    CHECK_INT(g_ev[0].type, NT_EV_QUIT);
    CHECK_STR(g_ev[0].nick, "bob");
    CHECK_STR(g_ev[0].text, "Ping timeout");
    CHECK(!g_ev[0].has_channel);
    CHECK_STR(g_ev[0].channels, "#chat #two");
    CHECK_INT(count_ev(NT_EV_MEMBERS), 2);
    CHECK_STR(members_str(s, "#chat"), "carl me");
    CHECK_STR(members_str(s, "#two"), "me");

    feed(s, ":carl!c@h NICK :Aaron\r\n");
    drain(s);
    const tev *n = find_ev(NT_EV_NICK);
    CHECK(n);
    CHECK_STR(n->nick, "carl");
    CHECK_STR(n->text, "Aaron");
    CHECK_STR(n->channels, "#chat #three");
    CHECK(!n->self);
    CHECK_STR(members_str(s, "#chat"), "Aaron me");  /* re-sorted */

    CHECK_INT(nt_session_change_nick(s, "zz"), 0);
    CHECK_STR(out_take(s), "NICK zz\r\n");
    feed(s, ":me!u@h NICK zz\r\n");
    drain(s);
    n = find_ev(NT_EV_NICK);
    CHECK(n);
    CHECK(n->self);
    CHECK_STR(nt_session_nick(s), "zz");
    CHECK_STR(members_str(s, "#chat"), "Aaron zz");
    /* A QUIT of someone we share nothing with has no channels. */
    feed(s, ":stranger!s@h QUIT :x\r\n");
    drain(s);
    CHECK(find_ev(NT_EV_QUIT));
    CHECK(!find_ev(NT_EV_QUIT)->has_channels);
    CHECK_INT(count_ev(NT_EV_MEMBERS), 0);
    nt_session_free(s);
}

static void test_topic_changes(void)
{
    nt_session *s = joined(NULL, "me");
    feed(s, ":bob!b@h TOPIC #chat :New topic here\r\n");
    drain(s);
    const tev *t = find_ev(NT_EV_TOPIC);
    CHECK(t);
    CHECK_STR(t->nick, "bob");
    CHECK_STR(t->text, "New topic here");
    CHECK_STR(nt_session_channel_topic(s, "#chat"), "New topic here");
    const char *setter;
    CHECK(nt_session_channel_topic_info(s, "#chat", &setter, NULL));
    CHECK_STR(setter, "bob");
    feed(s, ":bob!b@h TOPIC #chat :\r\n");
    CHECK(nt_session_channel_topic(s, "#chat") == NULL);
    drain(s);
    feed(s, ":irc.test 331 me #chat :No topic is set\r\n");
    drain(s);
    t = find_ev(NT_EV_TOPIC);
    CHECK(t);
    CHECK_STR(t->text, "");
    CHECK_INT(t->code, 331);
    nt_session_free(s);
}

static void test_away(void)
{
    nt_session *s = joined("away-notify", "me bob carl");
    join_with_names(s, "#two", "me bob");
    drain(s);
    feed(s, ":bob!b@h AWAY :lunch\r\n");
    drain(s);
    const tev *a = find_ev(NT_EV_AWAY);
    CHECK(a);
    CHECK_STR(a->nick, "bob");
    CHECK_STR(a->text, "lunch");
    CHECK_STR(a->channels, "#chat #two");
    CHECK_INT(count_ev(NT_EV_MEMBERS), 2);
    CHECK_STR(members_str(s, "#chat"), "bob~ carl me");
    feed(s, ":bob!b@h AWAY\r\n");
    drain(s);
    a = find_ev(NT_EV_AWAY);
    CHECK(a);
    CHECK(!a->has_text);
    CHECK_STR(members_str(s, "#chat"), "bob carl me");
    /* 301 when we message someone away; only a change redraws the list. */
    feed(s, ":irc.test 301 me carl :in a meeting\r\n");
    feed(s, ":irc.test 301 me carl :in a meeting\r\n");
    drain(s);
    CHECK_INT(count_ev(NT_EV_AWAY), 2);
    CHECK_INT(count_ev(NT_EV_MEMBERS), 1);
    CHECK_STR(members_str(s, "#chat"), "bob carl~ me");
    /* WHO replies: H here, G gone. */
    feed(s, ":irc.test 352 me #chat c h irc.test carl H :0 Carl\r\n");
    feed(s, ":irc.test 352 me #chat b h irc.test bob G :0 Bob\r\n");
    CHECK_STR(members_str(s, "#chat"), "bob~ carl me");
    /* Our own away state. */
    CHECK_INT(nt_session_away(s, "brb"), 0);
    CHECK_STR(out_take(s), "AWAY brb\r\n");
    feed(s, ":irc.test 306 me :You have been marked as being away\r\n");
    drain(s);
    a = find_ev(NT_EV_AWAY);
    CHECK(a);
    CHECK(a->self);
    CHECK_STR(a->text, "brb");
    CHECK(nt_session_is_away(s));
    CHECK_STR(members_str(s, "#two"), "bob~ me~");
    feed(s, ":irc.test 305 me :You are no longer marked as being away\r\n");
    drain(s);
    CHECK(!find_ev(NT_EV_AWAY)->has_text);
    CHECK(!nt_session_is_away(s));
    nt_session_free(s);
}

static void test_invite_and_queries(void)
{
    nt_session *s = joined(NULL, "me");
    feed(s, ":bob!b@h INVITE me :#secret\r\n");
    drain(s);
    const tev *i = find_ev(NT_EV_INVITE);
    CHECK(i);
    CHECK_STR(i->nick, "bob");
    CHECK_STR(i->channel, "#secret");
    CHECK(i->self);

    CHECK_INT(nt_session_query_count(s), 0);
    feed(s, ":bob!b@h PRIVMSG me :psst\r\n");
    feed(s, ":carol!c@h NOTICE me :notices open no chat\r\n");
    feed(s, ":dan!d@h PRIVMSG #chat :channel talk opens no chat\r\n");
    CHECK_INT(nt_session_say(s, "Eve", "hello", T0), 0);
    CHECK_INT(nt_session_open_query(s, "frank"), 0);
    CHECK_INT(nt_session_open_query(s, "BOB"), 0);  /* already there */
    CHECK_INT(nt_session_open_query(s, "no way"), -1);
    CHECK_INT(nt_session_query_count(s), 3);
    CHECK_STR(nt_session_query_name(s, 0), "bob");
    CHECK_STR(nt_session_query_name(s, 1), "Eve");
    CHECK_STR(nt_session_query_name(s, 2), "frank");
    CHECK(nt_session_query_name(s, 3) == NULL);
    /* They follow nick changes (when we see them) and can be closed. */
    join_with_names(s, "#two", "me bob");
    feed(s, ":bob!b@h NICK robert\r\n");
    CHECK_STR(nt_session_query_name(s, 0), "robert");
    nt_session_close_query(s, "EVE");
    CHECK_INT(nt_session_query_count(s), 2);
    CHECK_STR(nt_session_query_name(s, 1), "frank");
    /* And survive a reconnect. */
    nt_session_closed(s, "gone", T0);
    CHECK_INT(nt_session_query_count(s), 2);
    nt_session_free(s);
}

static void test_big_channel(void)
{
    /* 3,000 members in NAMES lines of ~40 nicks: sorted, no duplicates. */
    nt_session *s = new_session("me");
    register_with(s, NULL, NULL);
    feed(s, ":me!u@h JOIN #big\r\n");
    feed(s, ":u2999!u@h JOIN #big\r\n");  /* a join while NAMES comes */
    char line[1024];
    for (int base = 0; base < 3000; base += 40) {
        int o = snprintf(line, sizeof line, ":irc.test 353 me = #big :");
        for (int i = base; i < base + 40; i++)
            o += snprintf(line + o, sizeof line - (size_t)o, "%su%d ", i % 100 ? "" : "@", i);
        snprintf(line + o, sizeof line - (size_t)o, "\r\n");
        feed(s, line);
    }
    feed(s, ":irc.test 353 me = #big :me\r\n:irc.test 366 me #big :End\r\n");
    nt_member *m = calloc(4000, sizeof *m);
    CHECK(m);
    size_t n = nt_session_members(s, "#big", m, 4000);
    CHECK_INT(n, 3001);
    CHECK_STR(m[0].nick, "u0");
    CHECK_STR(m[0].prefixes, "@");
    CHECK_STR(m[29].nick, "u900");  /* the last of 30 ops, by name */
    CHECK_STR(m[30].nick, "me");
    CHECK_STR(m[31].nick, "u1");
    free(m);
    nt_session_free(s);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_join_and_names);
    RUN(test_multi_prefix_and_userhost);
    RUN(test_modes);
    RUN(test_custom_prefixes);
    RUN(test_part_and_kick);
    RUN(test_quit_and_nick);
    RUN(test_topic_changes);
    RUN(test_away);
    RUN(test_invite_and_queries);
    RUN(test_big_channel);
    return NP_TEST_DONE();
}
