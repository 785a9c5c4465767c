/* libnatter: user commands of the client session. Each checks its input
 * (a bad name or a line break would otherwise let a user, or text pasted from
 * elsewhere, inject a second IRC command) and queues lines. Long texts are cut
 * into several messages at character boundaries, preferably between words, so
 * that every line — also as the server relays it with our nick!user@host in
 * front — fits 512 bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "session_internal.h"

#define USERLEN_GUESS 12   /* "~" + USERLEN 10 + slack, before we know our mask */
#define HOSTLEN_GUESS 63
#define CHANNELLEN_MAX 200
#define NICKLEN_MAX 64
#define TEXT_MIN 32        /* a target so long less fits is refused */

static const char ctcp_action_open[] = "\001ACTION ";

/* ---- checks ---------------------------------------------------------------- */

static int need_connection(nt_session *s)
{
    if (!s->started)
        return sess_error(s, "not connected");
    return 0;
}

static int need_registered(nt_session *s)
{
    if (need_connection(s) < 0)
        return -1;
    if (!s->registered)
        return sess_error(s, "not registered with the server yet");
    return 0;
}

static int has_line_break(const char *t)
{
    return strpbrk(t, "\r\n") != NULL;
}

/* Free text (reasons, topics, away messages): no line breaks, and short
 * enough to fit one line after cmd_overhead bytes. */
static int check_text(nt_session *s, const char *what, const char *t, size_t overhead)
{
    if (!t)
        return 0;
    if (has_line_break(t))
        return sess_error(s, "%s must be one line", what);
    if (strlen(t) + overhead > NT_LINE_MAX - 2)
        return sess_error(s, "%s is too long (at most %u bytes)", what,
                          (unsigned)(NT_LINE_MAX - 2 - overhead));
    return 0;
}

static int check_channel(nt_session *s, const char *channel)
{
    if (!channel || !channel[0])
        return sess_error(s, "no channel given");
    if (!nt_session_is_channel(s, channel))
        return sess_error(s, "%s is not a channel name (channels start with one of \"%s\")",
                          channel, s->chantypes);
    if (!nt_channel_valid(channel, s->chantypes, CHANNELLEN_MAX))
        return sess_error(s, "invalid channel name: %s", channel);
    return 0;
}

/* A PRIVMSG/NOTICE target: one channel or nick. */
static int check_target(nt_session *s, const char *target)
{
    if (!target || !target[0])
        return sess_error(s, "no target given");
    if (strpbrk(target, " ,\r\n\a") || target[0] == ':')
        return sess_error(s, "invalid target: %s", target);
    if (strlen(target) > CHANNELLEN_MAX)
        return sess_error(s, "target name too long");
    return 0;
}

/* ---- splitting ------------------------------------------------------------- */

size_t sess_text_budget(const nt_session *s, const char *cmd, const char *target)
{
    size_t prefix = s->hostmask ? strlen(s->hostmask)
                                : strlen(s->nick) + 2 + USERLEN_GUESS + HOSTLEN_GUESS;
    /* ":prefix CMD target :text\r\n" */
    size_t overhead = 1 + prefix + 1 + strlen(cmd) + 1 + strlen(target) + 2 + 2;
    return overhead + TEXT_MIN < NT_LINE_MAX ? NT_LINE_MAX - overhead : 0;
}

static int utf8_continuation(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

/* How many bytes of text (len bytes) the next piece takes, at most budget:
 * never inside a UTF-8 sequence, and at the last space when one is in the
 * second half. *skip is set to the bytes to drop after it (the space). */
static size_t split_at(const char *text, size_t len, size_t budget, size_t *skip)
{
    *skip = 0;
    if (len <= budget)
        return len;
    size_t n = budget;
    /* Back off to a character start; at most 3 bytes, so text that is not
     * UTF-8 at all still makes progress. */
    for (int i = 0; i < 3 && n > 1 && utf8_continuation(text[n]); i++)
        n--;
    for (size_t sp = n; sp > budget / 2; sp--) {
        if (text[sp] == ' ') {
            *skip = 1;
            return sp;
        }
    }
    return n;
}

/* ---- sending messages ------------------------------------------------------ */

/* What we sent, as an event, when the server will not echo it back. */
static void local_echo(nt_session *s, nt_event_type type, const char *cmd,
                       const char *target, const char *wire_text, const char *text,
                       int64_t now)
{
    size_t n = strlen(s->nick) + strlen(cmd) + strlen(target) + strlen(wire_text) + 8;
    char *line = malloc(n);
    if (!line)
        abort();
    snprintf(line, n, ":%s %s %s :%s", s->nick, cmd, target, wire_text);
    sess_event *e = sess_event_new(s, type, NULL, line, now);
    free(line);
    sess_event_set(&e->nick, s->nick);
    sess_event_set(&e->target, target);
    const char *chan = sess_target_channel(s, target);
    if (chan) {
        sess_channel *c = sess_chan_find(s, chan);
        sess_event_set(&e->channel, c ? c->name : chan);
    }
    sess_event_set(&e->text, text);
    e->self = 1;
    sess_event_push(s, e);
}

/* Send one line of text as as many messages as it takes. */
static void send_pieces(nt_session *s, nt_event_type type, const char *cmd,
                        const char *target, const char *text, size_t len, int action,
                        int64_t now)
{
    size_t budget = sess_text_budget(s, cmd, target) - (action ? sizeof ctcp_action_open : 0);
    int echo = !nt_session_has_cap(s, "echo-message");
    while (len > 0) {
        size_t skip, n = split_at(text, len, budget, &skip);
        char *piece = sess_strndup(text, n);
        char *wire = malloc(n + sizeof ctcp_action_open + 2);
        if (!wire)
            abort();
        sprintf(wire, "%s%s%s", action ? ctcp_action_open : "", piece, action ? "\001" : "");
        const char *params[] = { target, wire };
        sess_send(s, cmd, params, 2);
        if (echo)
            local_echo(s, type, cmd, target, wire, piece, now);
        free(piece);
        free(wire);
        text += n + skip;
        len -= n + skip;
    }
}

/* say / notice / me: validate, then each line of text (a paste may hold
 * several) as its own messages; empty lines are skipped, as IRC cannot send
 * them. */
static int send_text(nt_session *s, nt_event_type type, const char *cmd, const char *target,
                     const char *text, int action, int64_t now)
{
    if (need_registered(s) < 0 || check_target(s, target) < 0)
        return -1;
    if (!text || !text[strspn(text, "\r\n")])
        return sess_error(s, "empty message");
    if (sess_text_budget(s, cmd, target) <= TEXT_MIN)
        return sess_error(s, "target name too long");
    while (*text) {
        size_t n = strcspn(text, "\r\n");
        if (n > 0)
            send_pieces(s, type, cmd, target, text, n, action, now);
        text += n;
        text += strspn(text, "\r\n");
    }
    if (type != NT_EV_NOTICE && !sess_target_channel(s, target))
        sess_query_touch(s, target);
    return 0;
}

int nt_session_say(nt_session *s, const char *target, const char *text, int64_t now)
{
    return send_text(s, NT_EV_MESSAGE, "PRIVMSG", target, text, 0, now);
}

int nt_session_notice(nt_session *s, const char *target, const char *text)
{
    return send_text(s, NT_EV_NOTICE, "NOTICE", target, text, 0, s->feed_now);
}

int nt_session_me(nt_session *s, const char *target, const char *text, int64_t now)
{
    return send_text(s, NT_EV_ACTION, "PRIVMSG", target, text, 1, now);
}

/* ---- channel and user commands --------------------------------------------- */

int nt_session_join(nt_session *s, const char *channel, const char *key)
{
    if (need_registered(s) < 0 || check_channel(s, channel) < 0)
        return -1;
    if (key && (!key[0] || strpbrk(key, " ,\r\n") || strlen(key) > 100))
        return sess_error(s, "invalid channel key");
    const char *params[] = { channel, key };
    sess_send(s, "JOIN", params, key ? 2 : 1);
    if (key)
        sess_join_key_remember(s, channel, key);
    return 0;
}

int nt_session_part(nt_session *s, const char *channel, const char *reason)
{
    if (need_registered(s) < 0 || check_channel(s, channel) < 0)
        return -1;
    if (!sess_chan_find(s, channel))
        return sess_error(s, "you are not in %s", channel);
    if (check_text(s, "the reason", reason, 8 + strlen(channel)) < 0)
        return -1;
    const char *params[] = { channel, reason };
    sess_send(s, "PART", params, reason ? 2 : 1);
    return 0;
}

int nt_session_change_nick(nt_session *s, const char *nick)
{
    size_t max = s->nicklen ? s->nicklen : NICKLEN_MAX;
    if (!nick || !nick[0])
        return sess_error(s, "no nick given");
    if (!nt_nick_valid(nick, max))
        return sess_error(s, "invalid nick: %s (letters, digits and []\\`_^{|}-, at most %u, "
                             "not starting with a digit or '-')", nick, (unsigned)max);
    if (!s->registered) {
        /* Before (or without) a connection the nick is simply what we will
         * register with. */
        sess_set_str(&s->want_nick, nick);
        sess_set_str(&s->nick, nick);
        s->nick_attempt = 0;
    }
    if (s->started) {
        const char *params[] = { nick };
        sess_send(s, "NICK", params, 1);
    }
    return 0;
}

int nt_session_topic(nt_session *s, const char *channel, const char *topic)
{
    if (need_registered(s) < 0 || check_channel(s, channel) < 0)
        return -1;
    if (check_text(s, "the topic", topic, 9 + strlen(channel)) < 0)
        return -1;
    const char *params[] = { channel, topic };
    sess_send(s, "TOPIC", params, topic ? 2 : 1);
    return 0;
}

int nt_session_away(nt_session *s, const char *text)
{
    if (need_registered(s) < 0)
        return -1;
    if (!text || !text[0]) {
        sess_send_raw(s, "AWAY", 4);
        return 0;
    }
    if (check_text(s, "the away message", text, 7) < 0)
        return -1;
    sess_set_str(&s->away_text, text);
    const char *params[] = { text };
    sess_send(s, "AWAY", params, 1);
    return 0;
}

int nt_session_quit(nt_session *s, const char *reason)
{
    if (need_connection(s) < 0 || check_text(s, "the reason", reason, 7) < 0)
        return -1;
    const char *params[] = { reason };
    sess_send(s, "QUIT", params, reason ? 1 : 0);
    return 0;
}

int nt_session_raw(nt_session *s, const char *line)
{
    if (need_connection(s) < 0)
        return -1;
    if (!line || !line[strspn(line, " ")])
        return sess_error(s, "empty line");
    if (has_line_break(line))
        return sess_error(s, "a raw line must be one line");
    size_t len = strlen(line);
    if (len > NT_LINE_MAX - 2)
        return sess_error(s, "line too long (at most %d bytes)", NT_LINE_MAX - 2);
    nt_msg_err err = nt_msg_parse(line, len, &s->in_msg);
    if (err != NT_MSG_OK)
        return sess_error(s, "not an IRC line: %s", nt_msg_strerror(err));
    sess_send_raw(s, line, len);
    return 0;
}

int nt_session_names(nt_session *s, const char *channel)
{
    if (need_registered(s) < 0 || check_channel(s, channel) < 0)
        return -1;
    const char *params[] = { channel };
    sess_send(s, "NAMES", params, 1);
    return 0;
}

int nt_session_open_query(nt_session *s, const char *nick)
{
    if (!nick || !nick[0])
        return sess_error(s, "no nick given");
    if (!nt_nick_valid(nick, NICKLEN_MAX))
        return sess_error(s, "invalid nick: %s", nick);
    sess_query_touch(s, nick);
    return 0;
}
