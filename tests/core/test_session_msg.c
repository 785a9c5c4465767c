/* Client session: messages both ways — PRIVMSG/NOTICE events, echo-message
 * on and off, CTCP ACTION and requests with rate-limited replies, and long
 * texts split so every line fits 512 bytes without breaking UTF-8. */
#include <natter/natter.h>
#include "session_util.h"

static void feed_at(nt_session *s, const char *text, int64_t now)
{
    nt_session_feed(s, text, strlen(text), now);
}

static void test_incoming_messages(void)
{
    nt_session *s = new_session("me");
    register_with(s, NULL, NULL);
    join_with_names(s, "#Chat", "me bob");
    drain(s);
    feed(s, ":bob!b@h PRIVMSG #chat :hello all\r\n");
    feed(s, ":bob!b@h PRIVMSG me :hi you\r\n");
    feed(s, ":bob!b@h NOTICE #chat :a notice\r\n");
    feed(s, ":bob!b@h PRIVMSG @#chat :ops only\r\n");
    feed(s, ":irc.test NOTICE me :server notice\r\n");
    drain(s);
    CHECK_INT(g_nev, 5);
    CHECK_INT(g_ev[0].type, NT_EV_MESSAGE);
    CHECK_STR(g_ev[0].nick, "bob");
    CHECK_STR(g_ev[0].target, "#chat");
    CHECK_STR(g_ev[0].channel, "#Chat");
    CHECK_STR(g_ev[0].text, "hello all");
    CHECK(!g_ev[0].self);
    CHECK_INT(g_ev[1].type, NT_EV_MESSAGE);
    CHECK(!g_ev[1].has_channel);
    CHECK_STR(g_ev[1].target, "me");
    CHECK_INT(g_ev[2].type, NT_EV_NOTICE);
    CHECK_STR(g_ev[2].channel, "#Chat");
    CHECK_STR(g_ev[3].target, "@#chat");  /* STATUSMSG: still the channel */
    CHECK_STR(g_ev[3].channel, "#Chat");
    CHECK_INT(g_ev[4].type, NT_EV_NOTICE);
    CHECK_STR(g_ev[4].nick, "irc.test");
    nt_session_free(s);
}

static void test_echo_message_off(void)
{
    nt_session *s = new_session("me");
    register_with(s, NULL, NULL);
    CHECK_INT(nt_session_say(s, "#chat", "hello", T0 + 7), 0);
    CHECK_STR(out_take(s), "PRIVMSG #chat hello\r\n");
    CHECK_INT(nt_session_say(s, "#chat", "two words", T0), 0);
    CHECK_STR(out_take(s), "PRIVMSG #chat :two words\r\n");
    drain(s);
    /* The server will not echo: the session shows what we sent. */
    CHECK_INT(g_nev, 2);
    CHECK_INT(g_ev[0].type, NT_EV_MESSAGE);
    CHECK(g_ev[0].self);
    CHECK_STR(g_ev[0].nick, "me");
    CHECK_STR(g_ev[0].target, "#chat");
    CHECK_STR(g_ev[0].channel, "#chat");
    CHECK_STR(g_ev[0].text, "hello");
    CHECK_INT(g_ev[0].time, T0 + 7);
    CHECK_INT(nt_session_me(s, "bob", "waves", T0), 0);
    CHECK_STR(out_take(s), "PRIVMSG bob :\001ACTION waves\001\r\n");
    CHECK_INT(nt_session_notice(s, "bob", "fyi"), 0);
    CHECK_STR(out_take(s), "NOTICE bob fyi\r\n");
    drain(s);
    CHECK_INT(g_nev, 2);
    CHECK_INT(g_ev[0].type, NT_EV_ACTION);
    CHECK_STR(g_ev[0].text, "waves");
    CHECK(g_ev[0].self);
    CHECK(!g_ev[0].has_channel);
    CHECK_INT(g_ev[1].type, NT_EV_NOTICE);
    CHECK(g_ev[1].self);
    /* The local event carries a message like the one the server would relay. */
    CHECK_INT(nt_session_say(s, "#chat", "x", T0), 0);
    nt_event ev;
    CHECK(nt_session_next_event(s, &ev));
    CHECK(ev.msg);
    CHECK_STR(ev.msg->command, "PRIVMSG");
    CHECK_STR(ev.msg->source, "me");
    nt_session_free(s);
}

static void test_echo_message_on(void)
{
    nt_session *s = new_session("me");
    register_with(s, "echo-message", NULL);
    CHECK(nt_session_has_cap(s, "echo-message"));
    CHECK_INT(nt_session_say(s, "#chat", "hello", T0), 0);
    CHECK_INT(nt_session_me(s, "#chat", "dances", T0), 0);
    CHECK_STR(out_take(s), "PRIVMSG #chat hello\r\nPRIVMSG #chat :\001ACTION dances\001\r\n");
    drain(s);
    CHECK_INT(g_nev, 0);  /* nothing yet: the echo is the event */
    feed(s, "@time=2024-01-01T00:00:00.000Z :me!u@h PRIVMSG #chat hello\r\n");
    feed(s, ":me!u@h PRIVMSG #chat :\001ACTION dances\001\r\n");
    feed(s, ":me!u@h PRIVMSG bob :private\r\n");
    drain(s);
    CHECK_INT(g_nev, 3);
    CHECK_INT(g_ev[0].type, NT_EV_MESSAGE);
    CHECK(g_ev[0].self);
    CHECK_INT(g_ev[0].time, 1704067200000LL);
    CHECK_INT(g_ev[1].type, NT_EV_ACTION);
    CHECK(g_ev[1].self);
    CHECK_STR(g_ev[1].text, "dances");
    CHECK(g_ev[2].self);
    CHECK_STR(g_ev[2].target, "bob");  /* the private chat is with target */
    CHECK_INT(nt_session_query_count(s), 1);
    CHECK_STR(nt_session_query_name(s, 0), "bob");
    nt_session_free(s);
}

static void test_ctcp_in(void)
{
    nt_session *s = new_session("me");
    register_with(s, NULL, NULL);
    feed(s, ":bob!b@h PRIVMSG #chat :\001ACTION waves hello\001\r\n");
    feed(s, ":bob!b@h PRIVMSG me :\001ACTION no closing\r\n");
    feed(s, ":bob!b@h PRIVMSG me :\001VERSION\001\r\n");
    feed(s, ":bob!b@h PRIVMSG me :\001PING 12345 678\001\r\n");
    feed(s, ":bob!b@h PRIVMSG me :\001clientinfo\001\r\n");
    feed(s, ":bob!b@h NOTICE me :\001VERSION irssi 1.4\001\r\n");
    feed(s, ":bob!b@h PRIVMSG me :\001FINGER\001\r\n");
    drain(s);
    CHECK_INT(g_nev, 7);
    CHECK_INT(g_ev[0].type, NT_EV_ACTION);
    CHECK_STR(g_ev[0].text, "waves hello");
    CHECK_STR(g_ev[0].channel, "#chat");
    CHECK_INT(g_ev[1].type, NT_EV_ACTION);
    CHECK_STR(g_ev[1].text, "no closing");
    CHECK_INT(g_ev[2].type, NT_EV_CTCP);
    CHECK_STR(g_ev[2].text, "VERSION");
    CHECK_INT(g_ev[2].code, 0);
    CHECK_STR(g_ev[3].text, "PING 12345 678");
    CHECK_INT(g_ev[5].type, NT_EV_CTCP);
    CHECK_INT(g_ev[5].code, 1);
    CHECK_STR(g_ev[5].text, "VERSION irssi 1.4");
    CHECK_STR(g_ev[6].text, "FINGER");
    /* Replies for VERSION, PING and CLIENTINFO; none for the reply or FINGER. */
    char want[512];
    snprintf(want, sizeof want, "NOTICE bob :\001VERSION Natter %s\001\r\n"
                                "NOTICE bob :\001PING 12345 678\001\r\n"
                                "NOTICE bob :\001CLIENTINFO ACTION CLIENTINFO PING VERSION\001\r\n",
             nt_version());
    CHECK_STR(out_take(s), want);
    nt_session_free(s);
}

static void test_ctcp_rate_limited(void)
{
    nt_session_config cfg = { 0 };
    cfg.nick = "me";
    cfg.version_reply = "test-client";
    nt_session *s = nt_session_new(&cfg);
    register_with(s, NULL, NULL);
    /* A flood of 20 requests at one instant: 3 answers. */
    for (int i = 0; i < 20; i++)
        feed_at(s, ":x!x@h PRIVMSG me :\001VERSION\001\r\n", T0 + 100000);
    const char *out = out_take(s);
    int n = 0;
    for (const char *p = out; (p = strstr(p, "NOTICE x")) != NULL; p++)
        n++;
    CHECK_INT(n, 3);
    CHECK(strstr(out, "\001VERSION test-client\001"));
    /* Time refills the bucket. */
    feed_at(s, ":x!x@h PRIVMSG me :\001VERSION\001\r\n", T0 + 101000);
    CHECK_STR(out_take(s), "");
    feed_at(s, ":x!x@h PRIVMSG me :\001VERSION\001\r\n", T0 + 102500);
    CHECK_STR(out_take(s), "NOTICE x :\001VERSION test-client\001\r\n");
    /* Our own CTCP echoed back (echo-message) is never answered. */
    feed_at(s, ":me!u@h PRIVMSG me :\001VERSION\001\r\n", T0 + 200000);
    CHECK_STR(out_take(s), "");
    nt_session_free(s);
}

/* Every byte of text, as sent in the trailing parameters of out's lines. */
static int check_lines(const char *out, const char *cmd_target, size_t budget_line,
                       char *joined, size_t cap, int *lines)
{
    size_t o = 0;
    *lines = 0;
    const char *p = out;
    while (*p) {
        const char *end = strstr(p, "\r\n");
        if (!end)
            return 0;
        size_t len = (size_t)(end - p) + 2;
        /* Relayed with ":me!user@host.example.com " it must still fit 512. */
        if (len + budget_line > 512)
            return 0;
        if (strncmp(p, cmd_target, strlen(cmd_target)) != 0)
            return 0;
        const char *text = p + strlen(cmd_target);
        if (*text == ':')
            text++;
        size_t n = (size_t)(end - text);
        if (o + n + 2 > cap)
            return 0;
        if (o)
            joined[o++] = '|';
        memcpy(joined + o, text, n);
        o += n;
        joined[o] = '\0';
        (*lines)++;
        p = end + 2;
    }
    return 1;
}

/* 1 if s is valid UTF-8. */
static int utf8_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 0 : (*p >> 5) == 6 ? 1 : (*p >> 4) == 14 ? 2 : (*p >> 3) == 30 ? 3 : -1;
        if (n < 0)
            return 0;
        p++;
        for (int i = 0; i < n; i++, p++)
            if ((*p & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

static void test_long_text_split_utf8(void)
{
    nt_session *s = new_session("me");
    register_with(s, NULL, NULL);
    feed(s, ":me!user@host.example.com JOIN #chat\r\n");  /* the session learns its mask */
    out_take(s);
    drain(s);
    /* 3,000 bytes of 1-, 2-, 3- and 4-byte characters, no spaces. */
    static const char *const chars[] = { "a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80" };
    char text[3100] = "";
    size_t len = 0;
    for (int i = 0; len < 3000; i++) {
        strcat(text, chars[i % 4]);
        len += strlen(chars[i % 4]);
    }
    CHECK_INT(nt_session_say(s, "#chat", text, T0), 0);
    static char joined[8192];
    int lines;
    const char *out = out_take(s);
    size_t prefix = strlen(":me!user@host.example.com ");
    CHECK(check_lines(out, "PRIVMSG #chat ", prefix, joined, sizeof joined, &lines));
    CHECK(lines >= 7);
    CHECK(utf8_ok(joined));
    /* Nothing lost or added: the pieces are the text. */
    char *cat = malloc(sizeof joined);
    CHECK(cat);
    size_t o = 0;
    for (const char *p = joined; *p; p++)
        if (*p != '|')
            cat[o++] = *p;
    cat[o] = '\0';
    int same = strcmp(cat, text) == 0;
    free(cat);
    CHECK(same);
    /* Each piece also comes back as its own local event, each valid UTF-8. */
    drain(s);
    CHECK_INT(count_ev(NT_EV_MESSAGE), (size_t)lines);
    for (size_t i = 0; i < g_nev; i++)
        CHECK(utf8_ok(g_ev[i].text));
    nt_session_free(s);
}

static void test_long_text_split_at_words(void)
{
    nt_session *s = new_session("me");
    register_with(s, NULL, NULL);  /* mask unknown: the session assumes a long one */
    char text[2000] = "";
    while (strlen(text) < 1500)
        strcat(text, "lorem ipsum dolor ");
    strcat(text, "end");
    CHECK_INT(nt_session_me(s, "#chat", text, T0), 0);
    const char *out = out_take(s);
    static char joined[8192];
    int lines;
    CHECK(check_lines(out, "PRIVMSG #chat ", 1 + 2 + 12 + 63 + 1 + 2, joined, sizeof joined,
                      &lines));
    CHECK(lines >= 3);
    /* Every piece is a whole ACTION, and split between words. */
    for (const char *p = joined; p; p = strchr(p, '|')) {
        if (*p == '|')
            p++;
        CHECK(strncmp(p, "\001ACTION ", 8) == 0 && p[8] != ' ');
        const char *end = strchr(p, '|');
        CHECK(end ? end[-1] == '\001' : p[strlen(p) - 1] == '\001');
        CHECK(end ? end[-2] != ' ' : 1);
    }
    nt_session_free(s);
}

static void test_multiline_paste(void)
{
    nt_session *s = new_session("me");
    register_with(s, NULL, NULL);
    CHECK_INT(nt_session_say(s, "#chat", "one\ntwo\r\n\r\nthree\n", T0), 0);
    CHECK_STR(out_take(s), "PRIVMSG #chat one\r\nPRIVMSG #chat two\r\nPRIVMSG #chat three\r\n");
    /* A text that cannot be injected: QUIT stays inside a message. */
    CHECK_INT(nt_session_say(s, "#chat", "hi\r\nQUIT :bye", T0), 0);
    CHECK_STR(out_take(s), "PRIVMSG #chat hi\r\nPRIVMSG #chat :QUIT :bye\r\n");
    nt_session_free(s);
}

static void test_text_budget_with_long_nick(void)
{
    /* With a 30-byte nick and a 50-byte channel, no line goes over. */
    nt_session *s = new_session("n123456789012345678901234567890");
    register_with(s, NULL, "NICKLEN=31");
    char chan[64] = "#";
    memset(chan + 1, 'c', 49);
    chan[50] = '\0';
    char text[1200];
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    CHECK_INT(nt_session_say(s, chan, text, T0), 0);
    const char *out = out_take(s);
    static char joined[8192];
    int lines;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "PRIVMSG %s ", chan);
    CHECK(check_lines(out, cmd, 1 + 31 + 2 + 12 + 63 + 1, joined, sizeof joined, &lines));
    CHECK_INT(lines, 4);  /* 338 bytes of text per line */
    nt_session_free(s);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_incoming_messages);
    RUN(test_echo_message_off);
    RUN(test_echo_message_on);
    RUN(test_ctcp_in);
    RUN(test_ctcp_rate_limited);
    RUN(test_long_text_split_utf8);
    RUN(test_long_text_split_at_words);
    RUN(test_multiline_paste);
    RUN(test_text_budget_with_long_nick);
    return NP_TEST_DONE();
}
