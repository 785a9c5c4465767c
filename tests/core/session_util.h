/* Helpers for the client session tests: a scripted server. Lines go in with
 * feed(), what the session sent comes out with out_take(), events are copied
 * into a small log so a test can look for them after the fact. */
#ifndef NATTER_TEST_SESSION_UTIL_H
#define NATTER_TEST_SESSION_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <natter/session.h>
#include "np_test.h"

#define T0 1700000000000LL  /* a fixed "now": 2023-11-14T22:13:20Z */

typedef struct tev {
    nt_event_type type;
    char nick[64], target[64], channel[64], text[1024], channels[256];
    int has_nick, has_text, has_channel, has_channels;
    int code, self;
    long long time;
} tev;

static tev g_ev[512];
static size_t g_nev;

static inline void tcopy(char *dst, size_t cap, const char *src, int *has)
{
    *has = src != NULL;
    snprintf(dst, cap, "%s", src ? src : "");
}

/* Move every pending event into the log (cleared first). */
static inline size_t drain(nt_session *s)
{
    nt_event ev;
    int dummy;
    g_nev = 0;
    while (nt_session_next_event(s, &ev)) {
        if (g_nev >= sizeof g_ev / sizeof g_ev[0])
            continue;
        tev *t = &g_ev[g_nev++];
        memset(t, 0, sizeof *t);
        t->type = ev.type;
        tcopy(t->nick, sizeof t->nick, ev.nick, &t->has_nick);
        tcopy(t->target, sizeof t->target, ev.target, &dummy);
        tcopy(t->channel, sizeof t->channel, ev.channel, &t->has_channel);
        tcopy(t->text, sizeof t->text, ev.text, &t->has_text);
        tcopy(t->channels, sizeof t->channels, ev.channels, &t->has_channels);
        t->code = ev.code;
        t->self = ev.self;
        t->time = (long long)ev.time;
    }
    return g_nev;
}

/* The first logged event of type (after index *from, if given), or NULL. */
static inline const tev *find_ev(nt_event_type type)
{
    for (size_t i = 0; i < g_nev; i++)
        if (g_ev[i].type == type)
            return &g_ev[i];
    return NULL;
}

static inline size_t count_ev(nt_event_type type)
{
    size_t n = 0;
    for (size_t i = 0; i < g_nev; i++)
        n += g_ev[i].type == type;
    return n;
}

static inline void feed(nt_session *s, const char *text)
{
    nt_session_feed(s, text, strlen(text), T0);
}

/* Everything the session queued to send, as a string (static buffer), consumed. */
static inline const char *out_take(nt_session *s)
{
    static char buf[1 << 16];
    size_t len;
    const char *data = nt_session_output(s, &len);
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, data, len);
    buf[len] = '\0';
    nt_session_consume_output(s, len);
    return buf;
}

static inline nt_session *new_session(const char *nick)
{
    nt_session_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.nick = nick;
    cfg.username = "user";
    cfg.realname = "Real Name";
    return nt_session_new(&cfg);
}

/* Start and register with caps (NULL: a server without CAP) and an ISUPPORT
 * line (NULL: a plain one); all output and events are consumed. */
static inline void register_with(nt_session *s, const char *caps, const char *isupport)
{
    char line[1024];
    nt_session_start(s, T0);
    out_take(s);
    if (caps) {
        snprintf(line, sizeof line, ":irc.test CAP * LS :%s\r\n", caps);
        feed(s, line);
        out_take(s);
        snprintf(line, sizeof line, ":irc.test CAP * ACK :%s\r\n", caps);
        feed(s, line);
    } else {
        feed(s, ":irc.test 421 * CAP :Unknown command\r\n");
    }
    snprintf(line, sizeof line, ":irc.test 001 %s :Welcome to the test network\r\n",
             nt_session_nick(s));
    feed(s, line);
    snprintf(line, sizeof line, ":irc.test 005 %s %s :are supported by this server\r\n",
             nt_session_nick(s),
             isupport ? isupport : "CASEMAPPING=rfc1459 PREFIX=(ov)@+ CHANTYPES=#& NETWORK=Test");
    feed(s, line);
    out_take(s);
    drain(s);
}

/* We (me!u@h) join channel, with a NAMES reply of names. */
static inline void join_with_names(nt_session *s, const char *channel, const char *names)
{
    char line[1024];
    snprintf(line, sizeof line, ":%s!user@host.test JOIN %s\r\n", nt_session_nick(s), channel);
    feed(s, line);
    snprintf(line, sizeof line, ":irc.test 353 %s = %s :%s\r\n", nt_session_nick(s), channel,
             names);
    feed(s, line);
    snprintf(line, sizeof line, ":irc.test 366 %s %s :End of /NAMES list.\r\n",
             nt_session_nick(s), channel);
    feed(s, line);
}

/* Members of channel as "@op +voice plain" (prefixes, nick, '~' if away). */
static inline const char *members_str(nt_session *s, const char *channel)
{
    static char buf[4096];
    nt_member m[128];
    size_t n = nt_session_members(s, channel, m, 128);
    buf[0] = '\0';
    for (size_t i = 0; i < n && i < 128; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, sizeof buf - used, "%s%s%s%s", i ? " " : "", m[i].prefixes,
                 m[i].nick, m[i].away ? "~" : "");
    }
    return buf;
}

#endif
