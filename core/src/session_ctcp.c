/* libnatter: PRIVMSG and NOTICE as the session sees them — plain messages,
 * CTCP ACTION (/me), and other CTCP requests and replies. VERSION, PING and
 * CLIENTINFO requests are answered, through a token bucket so that a channel
 * full of people (or one flooder) asking at once cannot get us disconnected
 * for excess flood. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "session_internal.h"

#define CTCP_BURST 3.0          /* replies that may go out at once */
#define CTCP_REFILL_MS 2000.0   /* then one more per this many ms */
#define CTCP_ARGS_MAX 400       /* echoed PING arguments are cut here */

/* One token if the bucket has it; refills from the time passed since last. */
static int ctcp_take_token(nt_session *s)
{
    int64_t now = s->feed_now;
    if (now > s->ctcp_last) {  /* a wall clock set backwards just refills nothing */
        s->ctcp_tokens += (double)(now - s->ctcp_last) / CTCP_REFILL_MS;
        if (s->ctcp_tokens > CTCP_BURST)
            s->ctcp_tokens = CTCP_BURST;
    }
    s->ctcp_last = now;
    if (s->ctcp_tokens < 1.0)
        return 0;
    s->ctcp_tokens -= 1.0;
    return 1;
}

/* NOTICE nick :\1CMD args\1 — args cleaned of bytes that would end the CTCP
 * or the line. */
static void ctcp_reply(nt_session *s, const char *nick, const char *cmd, const char *args)
{
    char text[CTCP_ARGS_MAX + 64];
    int n = snprintf(text, sizeof text, "\001%s%s%.*s", cmd, args[0] ? " " : "",
                     CTCP_ARGS_MAX, args);
    if (n < 0)
        return;
    for (char *p = text + 1; *p; p++)
        if (*p == '\001' || *p == '\r' || *p == '\n')
            *p = ' ';
    strcat(text, "\001");
    const char *params[] = { nick, text };
    sess_send(s, "NOTICE", params, 2);
}

static void ctcp_answer(nt_session *s, const char *nick, const char *cmd, const char *args)
{
    const char *reply = NULL;
    if (strcmp(cmd, "VERSION") == 0)
        reply = s->version_reply;
    else if (strcmp(cmd, "PING") == 0)
        reply = args;
    else if (strcmp(cmd, "CLIENTINFO") == 0)
        reply = "ACTION CLIENTINFO PING VERSION";
    if (reply && ctcp_take_token(s))
        ctcp_reply(s, nick, cmd, reply);
}

/* The message event for m, without its text. */
static sess_event *msg_event(nt_session *s, nt_event_type type, const nt_msg *m,
                             const char *line)
{
    char nick[256];
    const char *target = m->params[0];
    const char *chan = sess_target_channel(s, target);
    sess_event *e = sess_event_new(s, type, m, line, sess_msg_time(s, m));
    /* A notice before registration may have no source: it is the server's. */
    const char *from = sess_source_nick(m->source, nick, sizeof nick);
    sess_event_set(&e->nick, from ? from : s->server_name);
    sess_event_set(&e->target, target);
    if (chan) {
        sess_channel *c = sess_chan_find(s, chan);
        sess_event_set(&e->channel, c ? c->name : chan);
    }
    e->self = from && sess_is_me(s, from);
    return e;
}

/* A private message (not a notice) opens or keeps a private chat. */
static void touch_query(nt_session *s, const sess_event *e)
{
    if (!e->channel)
        sess_query_touch(s, e->self ? e->target : e->nick);
}

static void on_ctcp(nt_session *s, const nt_msg *m, const char *line, int notice)
{
    const char *body = m->params[1] + 1;
    size_t end = strcspn(body, "\001");  /* the closing \1 is optional */
    size_t cmd_len = strcspn(body, " \001");
    char *cmd = sess_strndup(body, cmd_len);
    const char *args_at = body + cmd_len + (body[cmd_len] == ' ');
    char *args = sess_strndup(args_at, end > cmd_len ? (size_t)(body + end - args_at) : 0);
    for (char *p = cmd; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');

    if (!notice && strcmp(cmd, "ACTION") == 0) {
        sess_event *e = msg_event(s, NT_EV_ACTION, m, line);
        sess_event_set(&e->text, args);
        touch_query(s, e);
        sess_event_push(s, e);
    } else {
        sess_event *e = msg_event(s, NT_EV_CTCP, m, line);
        e->text = sess_strndup(body, end);
        e->code = notice;
        int from_me = e->self;
        char *nick = sess_strdup(e->nick);
        sess_event_push(s, e);
        if (!notice && !from_me && nick)
            ctcp_answer(s, nick, cmd, args);
        free(nick);
    }
    free(cmd);
    free(args);
}

void sess_on_privmsg(nt_session *s, const nt_msg *m, const char *line, int notice)
{
    if (m->nparams < 2)
        return;
    if (m->params[1][0] == '\001') {
        on_ctcp(s, m, line, notice);
        return;
    }
    sess_event *e = msg_event(s, notice ? NT_EV_NOTICE : NT_EV_MESSAGE, m, line);
    sess_event_set(&e->text, m->params[1]);
    if (!notice)
        touch_query(s, e);
    sess_event_push(s, e);
}
