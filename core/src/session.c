/* libnatter: the client session — life cycle, bytes in and out, the event
 * queue, dispatch of server lines, registration, CAP and ISUPPORT.
 * Channel state lives in session_state.c, commands in session_cmd.c, CTCP in
 * session_ctcp.c (see session_internal.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "session_internal.h"

/* ---- small helpers -------------------------------------------------------- */

char *sess_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        abort();  /* out of memory: nothing sensible to do in a chat client */
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *sess_strdup(const char *s)
{
    return s ? sess_strndup(s, strlen(s)) : NULL;
}

void sess_set_str(char **dst, const char *s)
{
    char *copy = sess_strdup(s);  /* copy first: s may point into *dst */
    free(*dst);
    *dst = copy;
}

int sess_error(nt_session *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof s->error, fmt, ap);
    va_end(ap);
    return -1;
}

const char *sess_source_nick(const char *source, char *buf, size_t cap)
{
    size_t n = 0;
    if (!source || cap == 0)
        return NULL;
    while (source[n] && source[n] != '!' && source[n] != '@')
        n++;
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, source, n);
    buf[n] = '\0';
    return buf;
}

int sess_is_me(const nt_session *s, const char *nick)
{
    return nick && s->nick && nt_casecmp(s->casemap, nick, s->nick) == 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil): no timegm() in portable C, and mktime() is local time. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int read_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return 0;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 1;
}

int64_t sess_parse_time(const char *iso)
{
    int y, mo, d, h, mi, sec, ms = 0;
    const char *p = iso;
    if (!p || !read_digits(&p, 4, &y) || *p++ != '-' || !read_digits(&p, 2, &mo) ||
        *p++ != '-' || !read_digits(&p, 2, &d) || *p++ != 'T' || !read_digits(&p, 2, &h) ||
        *p++ != ':' || !read_digits(&p, 2, &mi) || *p++ != ':' || !read_digits(&p, 2, &sec))
        return -1;
    if (*p == '.') {
        /* Fractions of any length: keep milliseconds. */
        int scale = 100;
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        for (; *p >= '0' && *p <= '9'; p++, scale /= 10)
            ms += (*p - '0') * scale;
    }
    if (*p != 'Z' || p[1] != '\0')
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    int64_t days = days_from_civil(y, mo, d);
    return ((days * 24 + h) * 60 + mi) * 60000 + (int64_t)sec * 1000 + ms;
}

int64_t sess_msg_time(const nt_session *s, const nt_msg *m)
{
    const char *t = m ? nt_msg_tag(m, "time") : NULL;
    int64_t ms = t ? sess_parse_time(t) : -1;
    return ms >= 0 ? ms : s->feed_now;
}

/* ---- output --------------------------------------------------------------- */

static void buf_append(sess_buf *b, const char *data, size_t n)
{
    if (b->head > 0 && b->head == b->len) {
        b->head = b->len = 0;  /* everything was sent: start over */
    }
    if (b->len + n > b->cap) {
        if (b->head > 0) {  /* reclaim the consumed front before growing */
            memmove(b->data, b->data + b->head, b->len - b->head);
            b->len -= b->head;
            b->head = 0;
        }
        if (b->len + n > b->cap) {
            size_t cap = b->cap ? b->cap : 1024;
            while (cap < b->len + n)
                cap *= 2;
            char *d = realloc(b->data, cap);
            if (!d)
                abort();
            b->data = d;
            b->cap = cap;
        }
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
}

void sess_send_raw(nt_session *s, const char *line, size_t len)
{
    buf_append(&s->out, line, len);
    buf_append(&s->out, "\r\n", 2);
}

void sess_send(nt_session *s, const char *cmd, const char *const *params, size_t n)
{
    buf_append(&s->out, cmd, strlen(cmd));
    for (size_t i = 0; i < n; i++) {
        const char *p = params[i];
        buf_append(&s->out, " ", 1);
        if (i + 1 == n && (p[0] == '\0' || p[0] == ':' || strchr(p, ' ')))
            buf_append(&s->out, ":", 1);
        buf_append(&s->out, p, strlen(p));
    }
    buf_append(&s->out, "\r\n", 2);
}

const char *nt_session_output(const nt_session *s, size_t *len)
{
    *len = s->out.len - s->out.head;
    return s->out.data ? s->out.data + s->out.head : "";
}

void nt_session_consume_output(nt_session *s, size_t n)
{
    size_t held = s->out.len - s->out.head;
    s->out.head += n < held ? n : held;
}

/* ---- events --------------------------------------------------------------- */

sess_event *sess_event_new(nt_session *s, nt_event_type type, const nt_msg *m,
                           const char *line, int64_t time)
{
    (void)m;
    sess_event *e = calloc(1, sizeof *e);
    if (!e)
        abort();
    e->type = type;
    e->time = time ? time : s->feed_now;
    e->line = sess_strdup(line);
    return e;
}

void sess_event_set(char **field, const char *value)
{
    sess_set_str(field, value);
}

void sess_event_push(nt_session *s, sess_event *e)
{
    if (s->ev_tail)
        s->ev_tail->next = e;
    else
        s->ev_head = e;
    s->ev_tail = e;
}

static void event_free(sess_event *e)
{
    if (!e)
        return;
    free(e->nick);
    free(e->target);
    free(e->channel);
    free(e->text);
    free(e->channels);
    free(e->line);
    free(e);
}

/* A simple event about m: nick from its source, the given text. */
void sess_emit(nt_session *s, nt_event_type type, const nt_msg *m, const char *line,
                 const char *text, int code)
{
    char nick[128];
    sess_event *e = sess_event_new(s, type, m, line, sess_msg_time(s, m));
    sess_event_set(&e->nick, sess_source_nick(m->source, nick, sizeof nick));
    sess_event_set(&e->text, text);
    e->code = code;
    sess_event_push(s, e);
}

int nt_session_next_event(nt_session *s, nt_event *ev)
{
    event_free(s->ev_current);
    s->ev_current = NULL;
    sess_event *e = s->ev_head;
    if (!e)
        return 0;
    s->ev_head = e->next;
    if (!s->ev_head)
        s->ev_tail = NULL;
    s->ev_current = e;
    memset(ev, 0, sizeof *ev);
    ev->type = e->type;
    ev->nick = e->nick;
    ev->target = e->target;
    ev->channel = e->channel;
    ev->text = e->text;
    ev->channels = e->channels;
    ev->code = e->code;
    ev->self = e->self;
    ev->time = e->time;
    if (e->line && nt_msg_parse(e->line, strlen(e->line), &s->cur_msg) == NT_MSG_OK)
        ev->msg = &s->cur_msg;
    return 1;
}

/* ---- life cycle ----------------------------------------------------------- */


nt_session *nt_session_new(const nt_session_config *cfg)
{
    if (!cfg || !cfg->nick || !cfg->nick[0])
        return NULL;
    nt_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->want_nick = sess_strdup(cfg->nick);
    s->nick = sess_strdup(cfg->nick);
    s->username = sess_strdup(cfg->username && cfg->username[0] ? cfg->username : cfg->nick);
    s->realname = sess_strdup(cfg->realname && cfg->realname[0] ? cfg->realname : cfg->nick);
    s->password = cfg->password && cfg->password[0] ? sess_strdup(cfg->password) : NULL;
    s->version_reply = sess_strdup(cfg->version_reply ? cfg->version_reply
                                                      : "Natter " NATTER_VERSION_STRING);
    s->rejoin = cfg->rejoin_on_reconnect;
    s->ctcp_tokens = 3;
    nt_framer_init(&s->framer);
    sess_isupport_defaults(s);
    return s;
}


static void events_clear(nt_session *s)
{
    while (s->ev_head) {
        sess_event *e = s->ev_head;
        s->ev_head = e->next;
        event_free(e);
    }
    s->ev_tail = NULL;
    event_free(s->ev_current);
    s->ev_current = NULL;
}

void nt_session_free(nt_session *s)
{
    if (!s)
        return;
    events_clear(s);
    sess_chans_clear(s);
    sess_queries_clear(s);
    sess_rejoin_clear(s);
    sess_join_keys_clear(s);
    sess_caps_clear(s);
    sess_isupport_clear(s);
    free(s->chans);
    free(s->chantypes);
    free(s->chanmodes);
    free(s->username);
    free(s->realname);
    free(s->password);
    free(s->version_reply);
    free(s->want_nick);
    free(s->nick);
    free(s->hostmask);
    free(s->server_name);
    free(s->away_text);
    free(s->out.data);
    nt_framer_free(&s->framer);
    free(s);
}

/* Forget everything that belonged to one connection. */
static void reset_connection(nt_session *s)
{
    if (s->rejoin && s->nchans > 0)
        sess_rejoin_capture(s);
    sess_chans_clear(s);
    sess_join_keys_clear(s);
    sess_caps_clear(s);
    sess_isupport_defaults(s);
    s->registered = 0;
    s->cap_negotiating = 0;
    s->nick_attempt = 0;
    s->is_away = 0;
    free(s->hostmask);
    s->hostmask = NULL;
    free(s->server_name);
    s->server_name = NULL;
    free(s->away_text);
    s->away_text = NULL;
    s->out.head = s->out.len = 0;  /* unsent bytes were for the old connection */
    nt_framer_free(&s->framer);
}

void nt_session_start(nt_session *s, int64_t now)
{
    if (s->started)
        reset_connection(s);
    s->started = 1;
    s->disconnect_seen = 0;
    s->feed_now = now;
    sess_set_str(&s->nick, s->want_nick);
    s->cap_negotiating = 1;
    sess_send_raw(s, "CAP LS 302", 10);
    if (s->password) {
        const char *p[] = { s->password };
        sess_send(s, "PASS", p, 1);
    }
    const char *n[] = { s->nick };
    sess_send(s, "NICK", n, 1);
    const char *u[] = { s->username, "0", "*", s->realname };
    sess_send(s, "USER", u, 4);
}

void nt_session_closed(nt_session *s, const char *reason, int64_t now)
{
    s->feed_now = now;
    if (!s->disconnect_seen) {
        sess_event *e = sess_event_new(s, NT_EV_DISCONNECTED, NULL, NULL, now);
        sess_event_set(&e->text, reason ? reason : "Connection closed");
        sess_event_push(s, e);
    }
    reset_connection(s);
    s->started = 0;
    s->disconnect_seen = 0;
}

/* ---- dispatch -------------------------------------------------------------- */

/* params[from..] joined by spaces: the readable part of a numeric. */
static char *join_params(const nt_msg *m, size_t from)
{
    size_t total = 1;
    for (size_t i = from; i < m->nparams; i++)
        total += strlen(m->params[i]) + 1;
    char *t = malloc(total);
    if (!t)
        abort();
    t[0] = '\0';
    size_t o = 0;
    for (size_t i = from; i < m->nparams; i++) {
        size_t n = strlen(m->params[i]);
        if (o)
            t[o++] = ' ';
        memcpy(t + o, m->params[i], n);
        o += n;
        t[o] = '\0';
    }
    return t;
}

void sess_emit_numeric(nt_session *s, nt_event_type type, const nt_msg *m,
                         const char *line, int code)
{
    sess_event *e = sess_event_new(s, type, m, line, sess_msg_time(s, m));
    char nick[128];
    sess_event_set(&e->nick, sess_source_nick(m->source, nick, sizeof nick));
    e->text = join_params(m, m->nparams > 1 ? 1 : 0);
    e->code = code;
    /* "<me> <target> ... :text": the target a GUI files the reply under. */
    if (m->nparams >= 3) {
        sess_event_set(&e->target, m->params[1]);
        if (sess_target_channel(s, m->params[1]))
            sess_event_set(&e->channel, m->params[1]);
    }
    sess_event_push(s, e);
}

/* 265/266 ("<me> [<current> <max>] :Current local users 5, max 7") repeat
 * their optional figures in the text: show the text alone, filed under no
 * target (the figures are not one). */
static void emit_user_counts(nt_session *s, const nt_msg *m, const char *line, int code)
{
    sess_event *e = sess_event_new(s, NT_EV_SERVER_TEXT, m, line, sess_msg_time(s, m));
    char nick[128];
    sess_event_set(&e->nick, sess_source_nick(m->source, nick, sizeof nick));
    e->text = join_params(m, m->nparams > 1 ? m->nparams - 1 : 0);
    e->code = code;
    sess_event_push(s, e);
}

static int in_registration(const nt_session *s)
{
    return s->started && !s->registered;
}

static void on_numeric(nt_session *s, const nt_msg *m, const char *line, int code)
{
    switch (code) {
    case 1: sess_on_welcome(s, m, line); return;
    case 4:
        if (m->nparams >= 2)
            sess_set_str(&s->server_name, m->params[1]);
        break;
    case 5: sess_on_isupport(s, m); return;
    case 301: case 305: case 306: sess_on_away_reply(s, m, line); return;
    case 331: case 332: case 333: sess_on_topic_reply(s, m, line); return;
    case 265: case 266: emit_user_counts(s, m, line, code); return;
    case 352: sess_on_who_reply(s, m, line); break;
    case 353: sess_on_names_reply(s, m, line); return;
    case 366: sess_on_names_end(s, m, line); return;
    case 421:
        /* A server without CAP says so: carry on with plain registration. */
        if (m->nparams >= 2 && strcmp(m->params[1], "CAP") == 0 && in_registration(s)) {
            s->cap_negotiating = 0;
            return;
        }
        break;
    case 432: case 433: case 436: case 437:
        if (in_registration(s) && (code != 432 || s->nick_attempt > 0)) {
            sess_nick_fallback(s, m, line, code);
            return;
        }
        break;
    default:
        break;
    }
    int err = (code >= 400 && code < 600) && code != 422;  /* 422 is just "no MOTD" */
    sess_emit_numeric(s, err ? NT_EV_ERROR : NT_EV_SERVER_TEXT, m, line, code);
}

static void on_ping(nt_session *s, const nt_msg *m)
{
    const char *p[2];
    size_t n = m->nparams > 2 ? 2 : m->nparams;
    for (size_t i = 0; i < n; i++)
        p[i] = m->params[i];
    if (n == 0) {
        sess_send_raw(s, "PONG", 4);
        return;
    }
    sess_send(s, "PONG", p, n);
}

static void on_invite(nt_session *s, const nt_msg *m, const char *line)
{
    if (m->nparams < 2)
        return;
    char nick[128];
    sess_event *e = sess_event_new(s, NT_EV_INVITE, m, line, sess_msg_time(s, m));
    sess_event_set(&e->nick, sess_source_nick(m->source, nick, sizeof nick));
    sess_event_set(&e->target, m->params[0]);
    sess_event_set(&e->channel, m->params[1]);
    e->self = sess_is_me(s, m->params[0]);
    sess_event_push(s, e);
}

static void on_error_line(nt_session *s, const nt_msg *m, const char *line)
{
    if (s->disconnect_seen)
        return;
    s->disconnect_seen = 1;
    sess_emit(s, NT_EV_DISCONNECTED, m, line,
         m->nparams ? m->params[m->nparams - 1] : "Closing link", 0);
}

typedef void (*sess_handler)(nt_session *, const nt_msg *, const char *);

static const struct {
    const char *command;
    sess_handler fn;
} handlers[] = {
    { "JOIN", sess_on_join },   { "PART", sess_on_part },   { "KICK", sess_on_kick },
    { "QUIT", sess_on_quit },   { "NICK", sess_on_nick },   { "MODE", sess_on_mode },
    { "TOPIC", sess_on_topic }, { "AWAY", sess_on_away },   { "INVITE", on_invite },
    { "ERROR", on_error_line },
};

/* Messages that need no event: replies to us, or metadata we do not track. */
static int ignored(const char *cmd)
{
    static const char *const quiet[] = { "PONG", "CHGHOST", "ACCOUNT", "BATCH", "SETNAME" };
    for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++)
        if (strcmp(cmd, quiet[i]) == 0)
            return 1;
    return 0;
}

static void dispatch(nt_session *s, const nt_msg *m, const char *line)
{
    const char *cmd = m->command;
    if (cmd[0] >= '0' && cmd[0] <= '9') {
        on_numeric(s, m, line, atoi(cmd));
        return;
    }
    if (strcmp(cmd, "PING") == 0) {
        on_ping(s, m);
        return;
    }
    if (strcmp(cmd, "CAP") == 0) {
        sess_on_cap(s, m);
        return;
    }
    if (strcmp(cmd, "PRIVMSG") == 0 || strcmp(cmd, "NOTICE") == 0) {
        sess_on_privmsg(s, m, line, cmd[0] == 'N');
        return;
    }
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++) {
        if (strcmp(cmd, handlers[i].command) == 0) {
            handlers[i].fn(s, m, line);
            return;
        }
    }
    if (!ignored(cmd))
        sess_emit_numeric(s, NT_EV_SERVER_TEXT, m, line, 0);
}

static void handle_line(nt_session *s, const char *data, size_t len)
{
    char *line = sess_strndup(data, len);
    if (nt_msg_parse(line, len, &s->in_msg) == NT_MSG_OK)
        dispatch(s, &s->in_msg, line);
    /* A malformed line from the server is dropped: there is nothing the user
     * could do about it, and one bad line must not end the session. */
    free(line);
}

void nt_session_feed(nt_session *s, const char *data, size_t len, int64_t now)
{
    s->feed_now = now;
    while (len > 0) {
        size_t took = nt_framer_feed(&s->framer, data, len);
        data += took;
        len -= took;
        const char *line;
        size_t n;
        nt_frame_result r;
        while ((r = nt_framer_next(&s->framer, &line, &n)) != NT_FRAME_NEED_MORE) {
            if (r == NT_FRAME_LINE) {
                handle_line(s, line, n);
            } else {
                sess_event *e = sess_event_new(s, NT_EV_ERROR, NULL, NULL, now);
                sess_event_set(&e->text, "The server sent an overlong line (dropped)");
                sess_event_push(s, e);
            }
        }
        if (took == 0 && len > 0)
            break;  /* the framer holds a full buffer it will not give up */
    }
    sess_settle(s);
}

/* ---- state getters --------------------------------------------------------- */

const char *nt_session_nick(const nt_session *s) { return s->nick; }
int nt_session_registered(const nt_session *s) { return s->registered; }
nt_casemap nt_session_casemap(const nt_session *s) { return s->casemap; }
const char *nt_session_server_name(const nt_session *s) { return s->server_name; }
int nt_session_is_away(const nt_session *s) { return s->is_away; }
const char *nt_session_last_error(const nt_session *s) { return s->error; }

int nt_session_is_channel(const nt_session *s, const char *name)
{
    return name && name[0] && strchr(s->chantypes, name[0]) != NULL;
}
