/* libnatter engine: registration — PASS, NICK, USER, CAP — the welcome burst
 * (001-005, LUSERS, MOTD), and PING/PONG. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

/* Advertise only what is implemented end to end (see engine_message.c for
 * echo-message, server-time and message-tags; NAMES/WHO for multi-prefix;
 * AWAY for away-notify). */
static const struct { const char *name; unsigned bit; } caps[] = {
    {"away-notify", NT_CAP_AWAY_NOTIFY},   {"echo-message", NT_CAP_ECHO_MESSAGE},
    {"message-tags", NT_CAP_MESSAGE_TAGS}, {"multi-prefix", NT_CAP_MULTI_PREFIX},
    {"server-time", NT_CAP_SERVER_TIME},
};
#define NCAPS (sizeof caps / sizeof caps[0])

void nt_cmd_pass(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    if (c->registered) {
        nt_reply(e, c, "462", ":You may not reregister");
        return;
    }
    /* checked when registration completes, so a wrong PASS is not an oracle */
    c->pass_ok = !e->cfg.password || strcmp(m->params[0], e->cfg.password) == 0;
}

void nt_cmd_nick(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    const char *nick = m->nparams ? m->params[0] : "";
    nt_client *other;
    if (!*nick) {
        nt_reply(e, c, "431", ":No nickname given");
        return;
    }
    if (!nt_nick_valid(nick, e->cfg.nicklen)) {
        nt_reply(e, c, "432", "%s :Erroneous nickname", nick);
        return;
    }
    other = nt_find_nick(e, nick);
    if (other && other != c) {
        nt_reply(e, c, "433", "%s :Nickname is already in use", nick);
        return;
    }
    nt_nick_change(e, c, nick, now);
    if (!c->registered)
        nt_try_register(e, c, now);
}

/* A username goes into every nick!user@host: keep only characters that
 * cannot break a mask or a line. */
static void clean_user(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (; *in && n + 1 < cap; in++) {
        unsigned char ch = (unsigned char)*in;
        if (ch > ' ' && ch != '@' && ch != '!' && ch != ':' && ch < 0x7F)
            out[n++] = (char)ch;
    }
    out[n] = '\0';
    if (!n)
        nt_strlcpy(out, "user", cap);
}

void nt_cmd_user(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    if (c->registered || c->got_user) {
        nt_reply(e, c, "462", ":You may not reregister");
        return;
    }
    clean_user(m->params[0], c->user, e->cfg.userlen + 1 < sizeof c->user ?
               e->cfg.userlen + 1 : sizeof c->user);
    free(c->real);
    {
        size_t n = strlen(m->params[3]) + 1;
        if (n > NT_REAL_BUF)
            n = NT_REAL_BUF;
        if ((c->real = malloc(n)) != NULL)
            nt_strlcpy(c->real, m->params[3], n);   /* cut at a UTF-8 boundary */
    }
    c->got_user = 1;
    nt_try_register(e, c, now);
}

/* ---- CAP ---------------------------------------------------------------- */

static void cap_ls(nt_engine *e, nt_client *c, const char *sub)
{
    char list[256] = "";
    size_t i;
    for (i = 0; i < NCAPS; i++) {
        if (sub[0] == 'L' && sub[1] == 'I' && !(c->caps & caps[i].bit))
            continue;            /* LIST: only the enabled ones */
        if (list[0])
            strcat(list, " ");
        strcat(list, caps[i].name);
    }
    nt_sendf(e, c, ":%s CAP %s %s :%s", e->cfg.server_name, nt_target_nick(c), sub, list);
}

static unsigned cap_bit(const char *name, size_t len)
{
    size_t i;
    for (i = 0; i < NCAPS; i++)
        if (strlen(caps[i].name) == len && memcmp(caps[i].name, name, len) == 0)
            return caps[i].bit;
    return 0;
}

/* CAP REQ is all or nothing (IRCv3): one unknown name NAKs the whole list. */
static void cap_req(nt_engine *e, nt_client *c, const char *req)
{
    unsigned add = 0, del = 0;
    const char *p = req;
    while (*p) {
        const char *w;
        int neg = 0;
        unsigned bit;
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        if (*p == '-') {
            neg = 1;
            p++;
        }
        w = p;
        while (*p && *p != ' ')
            p++;
        bit = cap_bit(w, (size_t)(p - w));
        if (!bit) {
            nt_sendf(e, c, ":%s CAP %s NAK :%s", e->cfg.server_name, nt_target_nick(c), req);
            return;
        }
        if (neg)
            del |= bit;
        else
            add |= bit;
    }
    c->caps = (c->caps | add) & ~del;
    nt_sendf(e, c, ":%s CAP %s ACK :%s", e->cfg.server_name, nt_target_nick(c), req);
}

void nt_cmd_cap(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    char sub[16];
    nt_strlcpy(sub, m->params[0], sizeof sub);
    {   /* subcommands are case-insensitive; replies use upper case ("CAP * LS") */
        char *p;
        for (p = sub; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 'a' + 'A');
    }
    if (strcmp(sub, "LS") == 0 || strcmp(sub, "LIST") == 0) {
        if (!c->registered && sub[1] == 'S')
            c->cap_negotiating = 1;   /* hold registration until CAP END */
        cap_ls(e, c, sub);
    } else if (strcmp(sub, "REQ") == 0) {
        if (!c->registered)
            c->cap_negotiating = 1;
        cap_req(e, c, m->nparams > 1 ? m->params[1] : "");
    } else if (strcmp(sub, "END") == 0) {
        if (!c->registered && c->cap_negotiating) {
            c->cap_negotiating = 0;
            nt_try_register(e, c, now);
        }
    } else {
        nt_reply(e, c, "410", "%s :Invalid CAP command", m->params[0]);
    }
}

/* ---- welcome ------------------------------------------------------------ */

/* ISUPPORT tokens, every one true of this engine; sent as 005 lines of at
 * most 13 tokens (RFC 2812 section 5.1 and the modern ISUPPORT spec). */
void nt_send_isupport(nt_engine *e, nt_client *c)
{
    const nt_engine_config *g = &e->cfg;
    char tok[20][96];
    size_t n = 0, i;
    unsigned t = g->max_targets;
    snprintf(tok[n++], sizeof tok[0], "AWAYLEN=%u", g->awaylen);
    snprintf(tok[n++], sizeof tok[0], "CASEMAPPING=%s", nt_casemap_name(g->casemap));
    snprintf(tok[n++], sizeof tok[0], "CHANLIMIT=#&:%u", g->max_channels);
    snprintf(tok[n++], sizeof tok[0], "CHANMODES=b,k,l,imnst");
    snprintf(tok[n++], sizeof tok[0], "CHANNELLEN=%u", g->channellen);
    snprintf(tok[n++], sizeof tok[0], "CHANTYPES=#&");
    snprintf(tok[n++], sizeof tok[0], "KICKLEN=%u", g->kicklen);
    snprintf(tok[n++], sizeof tok[0], "MAXLIST=b:%u", g->max_list_modes);
    snprintf(tok[n++], sizeof tok[0], "MAXTARGETS=%u", t);
    snprintf(tok[n++], sizeof tok[0], "MODES=%d", NT_MODES_PER_CMD);
    snprintf(tok[n++], sizeof tok[0], "NETWORK=%s", g->network_name);
    snprintf(tok[n++], sizeof tok[0], "NICKLEN=%u", g->nicklen);
    snprintf(tok[n++], sizeof tok[0], "PREFIX=(ov)@+");
    snprintf(tok[n++], sizeof tok[0],
             "TARGMAX=JOIN:,KICK:%u,NAMES:%u,NOTICE:%u,PART:,PRIVMSG:%u,USERHOST:%d,WHOIS:%u",
             t, t, t, t, NT_USERHOST_MAX, t);
    snprintf(tok[n++], sizeof tok[0], "TOPICLEN=%u", g->topiclen);
    snprintf(tok[n++], sizeof tok[0], "USERLEN=%u", g->userlen);
    for (i = 0; i < n; i += 13) {
        char line[NT_LINE_MAX] = "";
        size_t j;
        for (j = i; j < n && j < i + 13; j++) {
            strcat(line, tok[j]);
            strcat(line, " ");
        }
        nt_reply(e, c, "005", "%s:are supported by this server", line);
    }
}

static void send_welcome(nt_engine *e, nt_client *c)
{
    char mask[NT_MASK_BUF], when[64];
    nt_client_mask(c, mask, sizeof mask);
    nt_format_time_human(e->cfg.created_ms, when, sizeof when);
    nt_reply(e, c, "001", ":Welcome to the %s Network, %s", e->cfg.network_name, mask);
    nt_reply(e, c, "002", ":Your host is %s, running version %s", e->cfg.server_name,
             e->cfg.version);
    nt_reply(e, c, "003", ":This server was created %s", when);
    nt_reply(e, c, "004", "%s %s io biklmnostv bklov", e->cfg.server_name, e->cfg.version);
    nt_send_isupport(e, c);
    nt_send_lusers(e, c);
    nt_send_motd(e, c);
}

void nt_try_register(nt_engine *e, nt_client *c, int64_t now)
{
    unsigned local;
    if (c->registered || !c->nick[0] || !c->got_user || c->cap_negotiating)
        return;
    if (!c->pass_ok) {
        nt_reply(e, c, "464", ":Password incorrect");
        nt_client_quit(e, c, "Bad password", "Bad password", now);
        return;
    }
    c->registered = 1;
    e->nregistered++;
    local = e->nregistered;
    if (local > e->max_local)
        e->max_local = local;
    c->last_active_ms = now;
    send_welcome(e, c);
    /* the first idle check is a ping interval from now */
    if (e->cfg.ping_interval_ms > 0 &&
        (e->next_scan < 0 || now + e->cfg.ping_interval_ms < e->next_scan))
        e->next_scan = now + e->cfg.ping_interval_ms;
}

/* ---- PING / PONG -------------------------------------------------------- */

void nt_cmd_ping(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    if (m->nparams < 1 || !m->params[0][0]) {
        nt_reply(e, c, "409", ":No origin specified");
        return;
    }
    /* answered in order with everything else: it is just another reply */
    nt_sendf(e, c, ":%s PONG %s :%s", e->cfg.server_name, e->cfg.server_name, m->params[0]);
}

void nt_cmd_pong(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    /* nt_engine_line already cleared the outstanding ping: any line counts */
}
