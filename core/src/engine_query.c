/* libnatter engine: queries — WHO WHOIS WHOWAS ISON USERHOST, AWAY, and the
 * server information commands VERSION TIME ADMIN INFO LUSERS MOTD. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

/* ---- WHO ---------------------------------------------------------------- */

/* RFC 2812 4.5.1 / modern WHO: invisible users are found only by those who
 * share a channel with them. */
static int user_visible(const nt_client *viewer, const nt_client *u)
{
    return u == viewer || !u->invisible || nt_shares_channel(viewer, u);
}

static void who_reply(nt_engine *e, nt_client *c, const char *chan, const nt_client *u,
                      const nt_member *mem)
{
    char flags[8], pfx[4] = "";
    if (mem)
        nt_member_prefix(mem, (c->caps & NT_CAP_MULTI_PREFIX) != 0, pfx);
    snprintf(flags, sizeof flags, "%c%s%s", u->away ? 'G' : 'H', u->oper ? "*" : "", pfx);
    nt_reply(e, c, "352", "%s %s %s %s %s %s :0 %s", chan, u->user, u->host,
             e->cfg.server_name, u->nick, flags, nt_client_real(u));
}

static int who_matches(nt_engine *e, const char *mask, const nt_client *u)
{
    nt_casemap cm = e->cfg.casemap;
    return nt_mask_match(cm, mask, u->nick) || nt_mask_match(cm, mask, u->user) ||
           nt_mask_match(cm, mask, u->host) || nt_mask_match(cm, mask, nt_client_real(u));
}

void nt_cmd_who(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    const char *mask = m->nparams && m->params[0][0] ? m->params[0] : "*";
    int opers_only = m->nparams > 1 && strchr(m->params[1], 'o') != NULL;
    size_t i;
    if (strcmp(mask, "0") == 0)
        mask = "*";
    if (mask[0] == '#' || mask[0] == '&') {
        nt_channel *ch = nt_find_channel(e, mask);
        if (ch && nt_channel_visible(ch, c)) {
            int member = nt_member_of(c, ch) != NULL;
            for (i = 0; i < ch->nmembers; i++) {
                const nt_member *mem = ch->members[i];
                if ((!member && mem->client->invisible) || (opers_only && !mem->client->oper))
                    continue;
                who_reply(e, c, ch->name, mem->client, mem);
            }
        }
    } else {
        for (i = 0; i < e->nall; i++) {
            const nt_client *u = e->all[i];
            if (!u->registered || !user_visible(c, u) || (opers_only && !u->oper) ||
                !who_matches(e, mask, u))
                continue;
            who_reply(e, c, "*", u, NULL);
        }
    }
    nt_reply(e, c, "315", "%s :End of WHO list", mask);
}

/* ---- WHOIS, WHOWAS ------------------------------------------------------ */

static void whois_channels(nt_engine *e, nt_client *c, const nt_client *u)
{
    char buf[NT_LINE_MAX];
    size_t n = 0, i, room;
    int multi = (c->caps & NT_CAP_MULTI_PREFIX) != 0;
    room = NT_LINE_MAX - 2 - (strlen(e->cfg.server_name) + strlen(c->nick) + strlen(u->nick) + 10);
    for (i = 0; i < u->nmems; i++) {
        const nt_member *mem = u->mems[i];
        char pfx[4];
        size_t need;
        if (!nt_channel_visible(mem->chan, c))
            continue;            /* +s channels only to their own members */
        nt_member_prefix(mem, multi, pfx);
        need = strlen(pfx) + strlen(mem->chan->name) + (n ? 1 : 0);
        if (n && n + need > room) {
            buf[n] = '\0';
            nt_reply(e, c, "319", "%s :%s", u->nick, buf);
            n = 0;
        }
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s%s", n ? " " : "", pfx,
                              mem->chan->name);
    }
    if (n) {
        buf[n] = '\0';
        nt_reply(e, c, "319", "%s :%s", u->nick, buf);
    }
}

static void whois_one(nt_engine *e, nt_client *c, const char *nick, int64_t now)
{
    const nt_client *u = nt_find_nick(e, nick);
    char idle[24], signon[24];
    if (!u || !u->registered) {
        nt_reply(e, c, "401", "%s :No such nick/channel", nick);
        nt_reply(e, c, "318", "%s :End of /WHOIS list", nick);
        return;
    }
    nt_reply(e, c, "311", "%s %s %s * :%s", u->nick, u->user, u->host, nt_client_real(u));
    whois_channels(e, c, u);
    nt_reply(e, c, "312", "%s %s :%s", u->nick, e->cfg.server_name, e->cfg.network_name);
    if (u->oper)
        nt_reply(e, c, "313", "%s :is an IRC operator", u->nick);
    if (u->away)
        nt_reply(e, c, "301", "%s :%s", u->nick, u->away);
    nt_reply(e, c, "317", "%s %s %s :seconds idle, signon time", u->nick,
             nt_i64str((now - u->last_msg_ms) / 1000, idle, sizeof idle),
             nt_i64str(u->connected_ms / 1000, signon, sizeof signon));
    nt_reply(e, c, "318", "%s :End of /WHOIS list", u->nick);
}

void nt_cmd_whois(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    /* "WHOIS nick" or "WHOIS server nick": one server, so the first is moot */
    const char *list = m->params[m->nparams > 1 ? 1 : 0];
    char nick[NT_LINE_MAX];
    unsigned count = 0;
    while (*list && count < e->cfg.max_targets) {
        const char *comma = strchr(list, ',');
        size_t len = comma ? (size_t)(comma - list) : strlen(list);
        if (len >= sizeof nick)
            len = sizeof nick - 1;
        memcpy(nick, list, len);
        nick[len] = '\0';
        list = comma ? comma + 1 : list + strlen(list);
        if (nick[0]) {
            whois_one(e, c, nick, now);
            count++;
        }
    }
}

void nt_cmd_whowas(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    const char *nick = m->params[0];
    long max = m->nparams > 1 ? strtol(m->params[1], NULL, 10) : 0;
    size_t i, found = 0;
    for (i = 0; i < e->whowas_count; i++) {
        /* newest first: walk back from the slot written last */
        const nt_whowas *w =
            &e->whowas[(e->whowas_next + NT_WHOWAS_MAX - 1 - i) % NT_WHOWAS_MAX];
        char when[64];
        if (nt_casecmp(e->cfg.casemap, w->nick, nick) != 0)
            continue;
        nt_format_time_human(w->when, when, sizeof when);
        nt_reply(e, c, "314", "%s %s %s * :%s", w->nick, w->user, w->host, w->real);
        nt_reply(e, c, "312", "%s %s :%s", w->nick, e->cfg.server_name, when);
        if (++found >= (size_t)max && max > 0)
            break;
    }
    if (!found)
        nt_reply(e, c, "406", "%s :There was no such nickname", nick);
    nt_reply(e, c, "369", "%s :End of WHOWAS", nick);
}

/* ---- ISON, USERHOST ----------------------------------------------------- */

void nt_cmd_ison(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    char out[NT_LINE_MAX] = "", word[NT_LINE_MAX];
    size_t n = 0, i;
    /* nicks may come as several params or space-separated in the trailing one */
    for (i = 0; i < m->nparams; i++) {
        const char *p = m->params[i];
        while (*p) {
            size_t len = strcspn(p, " ");
            const nt_client *u;
            if (len && len < sizeof word) {
                memcpy(word, p, len);
                word[len] = '\0';
                u = nt_find_nick(e, word);
                if (u && u->registered && n + strlen(u->nick) + 2 < 400)
                    n += (size_t)snprintf(out + n, sizeof out - n, "%s%s", n ? " " : "", u->nick);
            }
            p += len;
            while (*p == ' ')
                p++;
        }
    }
    nt_reply(e, c, "303", ":%s", out);
}

void nt_cmd_userhost(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    char out[NT_LINE_MAX] = "";
    size_t n = 0, i;
    for (i = 0; i < m->nparams && i < NT_USERHOST_MAX; i++) {
        const nt_client *u = nt_find_nick(e, m->params[i]);
        if (!u || !u->registered)
            continue;
        n += (size_t)snprintf(out + n, sizeof out - n, "%s%s%s=%c%s@%s", n ? " " : "", u->nick,
                              u->oper ? "*" : "", u->away ? '-' : '+', u->user, u->host);
    }
    nt_reply(e, c, "302", ":%s", out);
}

/* ---- AWAY --------------------------------------------------------------- */

void nt_cmd_away(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    char mask[NT_MASK_BUF], text[512];
    nt_bcast b;
    free(c->away);
    c->away = NULL;
    nt_client_mask(c, mask, sizeof mask);
    if (m->nparams && m->params[0][0]) {
        nt_strlcpy(text, m->params[0], e->cfg.awaylen + 1 < sizeof text ?
                   e->cfg.awaylen + 1 : sizeof text);
        c->away = nt_strdup(text);
        nt_reply(e, c, "306", ":You have been marked as being away");
        nt_bcast_init(&b, e, now, NULL, ":%s AWAY :%s", mask, text);
    } else {
        nt_reply(e, c, "305", ":You are no longer marked as being away");
        nt_bcast_init(&b, e, now, NULL, ":%s AWAY", mask);
    }
    /* away-notify: only to neighbours that asked for it, once each */
    nt_bcast_neighbours(&b, c, 0, NT_CAP_AWAY_NOTIFY);
    nt_bcast_done(&b);
}

/* ---- server information ------------------------------------------------- */

/* A "[server]" parameter must name us: we are the only server. */
static int other_server(nt_engine *e, nt_client *c, const nt_msg *m)
{
    if (m->nparams && m->params[0][0] &&
        !nt_mask_match(NT_CASEMAP_ASCII, m->params[0], e->cfg.server_name) &&
        !nt_find_nick(e, m->params[0])) {
        nt_reply(e, c, "402", "%s :No such server", m->params[0]);
        return 1;
    }
    return 0;
}

void nt_cmd_version(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    if (other_server(e, c, m))
        return;
    nt_reply(e, c, "351", "%s %s :Natter IRC server (sans-I/O engine)", e->cfg.version,
             e->cfg.server_name);
    nt_send_isupport(e, c);
}

void nt_cmd_time(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    char when[64];
    if (other_server(e, c, m))
        return;
    nt_format_time_human(now, when, sizeof when);
    nt_reply(e, c, "391", "%s :%s", e->cfg.server_name, when);
}

void nt_cmd_admin(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    if (other_server(e, c, m))
        return;
    nt_reply(e, c, "256", "%s :Administrative info", e->cfg.server_name);
    nt_reply(e, c, "257", ":%s", e->cfg.admin_location);
    nt_reply(e, c, "258", ":%s", e->cfg.network_name);
    nt_reply(e, c, "259", ":%s", e->cfg.admin_email);
}

void nt_cmd_info(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    char when[64];
    if (other_server(e, c, m))
        return;
    nt_format_time_human(e->cfg.created_ms, when, sizeof when);
    nt_reply(e, c, "371", ":%s", e->cfg.version);
    nt_reply(e, c, "371", ":Natter: an IRC server on a sans-I/O engine (libnatter)");
    nt_reply(e, c, "371", ":Started %s", when);
    nt_reply(e, c, "374", ":End of INFO list");
}

void nt_send_lusers(nt_engine *e, nt_client *c)
{
    unsigned unknown = (unsigned)e->nall - e->nregistered, invisible = e->ninvisible;
    nt_reply(e, c, "251", ":There are %u users and %u invisible on 1 servers",
             e->nregistered - invisible, invisible);
    if (e->nopers)
        nt_reply(e, c, "252", "%u :operator(s) online", e->nopers);
    if (unknown)
        nt_reply(e, c, "253", "%u :unknown connection(s)", unknown);
    nt_reply(e, c, "254", "%u :channels formed", (unsigned)e->channels.count);
    nt_reply(e, c, "255", ":I have %u clients and 0 servers", e->nregistered);
    nt_reply(e, c, "265", "%u %u :Current local users %u, max %u", e->nregistered, e->max_local,
             e->nregistered, e->max_local);
    nt_reply(e, c, "266", "%u %u :Current global users %u, max %u", e->nregistered,
             e->max_local, e->nregistered, e->max_local);
}

void nt_cmd_lusers(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    nt_send_lusers(e, c);
}

void nt_send_motd(nt_engine *e, nt_client *c)
{
    const char *p = e->cfg.motd;
    if (!p) {
        nt_reply(e, c, "422", ":MOTD File is missing");
        return;
    }
    nt_reply(e, c, "375", ":- %s Message of the day - ", e->cfg.server_name);
    while (*p) {
        size_t len = strcspn(p, "\r\n");
        nt_reply(e, c, "372", ":- %.*s", (int)(len > 400 ? 400 : len), p);
        p += len;
        if (*p == '\r')
            p++;
        if (*p == '\n')
            p++;
    }
    nt_reply(e, c, "376", ":End of /MOTD command.");
}

void nt_cmd_motd(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    if (other_server(e, c, m))
        return;
    nt_send_motd(e, c);
}
