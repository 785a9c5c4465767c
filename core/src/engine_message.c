/* libnatter engine: PRIVMSG, NOTICE and TAGMSG to channels and nicks.
 *
 * Each message becomes one nt_bcast: its line is serialized at most once per
 * capability variant (plain, server-time, client tags, both) and that one
 * nt_line is shared by every recipient, the sender's echo-message copy
 * included. NOTICE never produces an error reply (RFC 2812 3.3.2), so that
 * two automatic responders cannot loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

/* Client-only tags ("+key=value") the sender attached, re-escaped for relay
 * to clients that negotiated message-tags. Server tags from clients are
 * dropped: only the server may assert those. */
static void client_tags(const nt_msg *m, char *out, size_t cap)
{
    size_t n = 0, i;
    out[0] = '\0';
    for (i = 0; i < m->ntags; i++) {
        const char *k = m->tags[i].key, *v = m->tags[i].value;
        size_t need = strlen(k) + 2 * strlen(v) + 3;
        if (k[0] != '+' || n + need >= cap)
            continue;
        if (n)
            out[n++] = ';';
        n += (size_t)snprintf(out + n, cap - n, "%s", k);
        if (*v) {
            out[n++] = '=';
            for (; *v; v++) {
                const char *esc = *v == ';' ? "\\:" : *v == ' ' ? "\\s" : *v == '\\' ? "\\\\"
                                : *v == '\r' ? "\\r" : *v == '\n' ? "\\n" : NULL;
                if (esc) {
                    out[n++] = esc[0];
                    out[n++] = esc[1];
                } else {
                    out[n++] = *v;
                }
            }
        }
        out[n] = '\0';
    }
}

static int can_send_channel(const nt_engine *e, const nt_client *c, const nt_channel *ch)
{
    const nt_member *mem = nt_member_of(c, ch);
    int voiced = mem && (mem->modes & (NT_MEMBER_OP | NT_MEMBER_VOICE));
    if (!mem && (ch->modes & NT_CMODE_N))
        return 0;
    if (!voiced && (ch->modes & NT_CMODE_M))
        return 0;
    if (!voiced && nt_is_banned(e, ch, c))
        return 0;
    return 1;
}

typedef struct relay {
    const char *cmd;             /* "PRIVMSG" / "NOTICE" / "TAGMSG" */
    int notice;
    int tagmsg;                  /* only for clients with message-tags; no text */
    const char *text;
    const char *ctags;
    char mask[NT_MASK_BUF];
} relay;

/* TAGMSG goes only to clients that negotiated message-tags (IRCv3). */
static int wants(const relay *r, const nt_client *to)
{
    return !r->tagmsg || (to->caps & NT_CAP_MESSAGE_TAGS);
}

static void start_bcast(nt_bcast *b, nt_engine *e, const relay *r, const char *target,
                        int64_t now)
{
    if (r->tagmsg)
        nt_bcast_init(b, e, now, r->ctags, ":%s TAGMSG %s", r->mask, target);
    else
        nt_bcast_init(b, e, now, r->ctags, ":%s %s %s :%s", r->mask, r->cmd, target, r->text);
}

static void to_channel(nt_engine *e, nt_client *c, const relay *r, const char *name,
                       int64_t now)
{
    nt_channel *ch = nt_find_channel(e, name);
    nt_bcast b;
    size_t i;
    if (!ch) {
        if (!r->notice)
            nt_reply(e, c, "401", "%s :No such nick/channel", name);
        return;
    }
    if (!can_send_channel(e, c, ch)) {
        if (!r->notice)
            nt_reply(e, c, "404", "%s :Cannot send to channel", ch->name);
        return;
    }
    start_bcast(&b, e, r, ch->name, now);
    for (i = 0; i < ch->nmembers; i++) {
        nt_client *m = ch->members[i]->client;
        if (m != c && wants(r, m))
            nt_bcast_to(&b, m);
    }
    /* echo-message: the sender gets the very line the others got, so it can
     * show the server's view of what was sent (and when) */
    if ((c->caps & NT_CAP_ECHO_MESSAGE) && wants(r, c))
        nt_bcast_to(&b, c);
    nt_bcast_done(&b);
}

static void to_nick(nt_engine *e, nt_client *c, const relay *r, const char *name, int64_t now)
{
    nt_client *t = nt_find_nick(e, name);
    nt_bcast b;
    if (!t || !t->registered) {
        if (!r->notice)
            nt_reply(e, c, "401", "%s :No such nick/channel", name);
        return;
    }
    start_bcast(&b, e, r, t->nick, now);
    if (wants(r, t))
        nt_bcast_to(&b, t);
    if (t != c && (c->caps & NT_CAP_ECHO_MESSAGE) && wants(r, c))
        nt_bcast_to(&b, c);
    nt_bcast_done(&b);
    if (!r->notice && !r->tagmsg && t->away)
        nt_reply(e, c, "301", "%s :%s", t->nick, t->away);
}

static void message(nt_engine *e, nt_client *c, const nt_msg *m, const char *cmd, int64_t now)
{
    relay r;
    char tags[NT_TAGS_MAX], target[NT_LINE_MAX];
    const char *targets;
    unsigned count = 0;
    int notice = cmd[0] == 'N';
    r.cmd = cmd;
    r.notice = notice;
    r.tagmsg = cmd[0] == 'T';
    if (m->nparams < 1 || !m->params[0][0]) {
        if (!notice)
            nt_reply(e, c, "411", ":No recipient given (%s)", r.cmd);
        return;
    }
    if (!r.tagmsg && (m->nparams < 2 || !m->params[1][0])) {
        if (!notice)
            nt_reply(e, c, "412", ":No text to send");
        return;
    }
    r.text = r.tagmsg ? "" : m->params[1];
    tags[0] = '\0';
    if (c->caps & NT_CAP_MESSAGE_TAGS)
        client_tags(m, tags, sizeof tags);
    r.ctags = tags;
    nt_client_mask(c, r.mask, sizeof r.mask);
    targets = m->params[0];
    while (*targets) {
        const char *comma = strchr(targets, ',');
        size_t len = comma ? (size_t)(comma - targets) : strlen(targets);
        if (len >= sizeof target)
            len = sizeof target - 1;
        memcpy(target, targets, len);
        target[len] = '\0';
        targets = comma ? comma + 1 : targets + strlen(targets);
        if (!target[0])
            continue;
        if (++count > e->cfg.max_targets) {
            /* the first max_targets were delivered; say so once and stop */
            if (!notice)
                nt_reply(e, c, "407", "%s :Too many recipients. Only %u processed",
                         target, e->cfg.max_targets);
            return;
        }
        if (target[0] == '#' || target[0] == '&')
            to_channel(e, c, &r, target, now);
        else
            to_nick(e, c, &r, target, now);
    }
}

void nt_cmd_privmsg(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    message(e, c, m, "PRIVMSG", now);
}

void nt_cmd_notice(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    message(e, c, m, "NOTICE", now);
}

void nt_cmd_tagmsg(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    message(e, c, m, "TAGMSG", now);
}
