/* libnatter engine: users — NICK changes, QUIT, user MODE, OPER, KILL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

/* Set c's nick (already validated and free). A registered client's change is
 * seen once by everyone who shares a channel with it, and by itself. */
void nt_nick_change(nt_engine *e, nt_client *c, const char *nick, int64_t now)
{
    char fold[NT_NICK_BUF];
    nt_casefold(e->cfg.casemap, nick, fold, sizeof fold);
    if (c->registered) {
        nt_bcast b;
        char mask[NT_MASK_BUF];
        if (strcmp(c->nick, nick) == 0)
            return;              /* no change at all */
        nt_client_mask(c, mask, sizeof mask);
        nt_bcast_init(&b, e, now, NULL, ":%s NICK :%s", mask, nick);
        nt_bcast_neighbours(&b, c, 1, 0);
        nt_bcast_done(&b);
        nt_whowas_add(e, c, now);
    }
    if (c->nick[0] && strcmp(c->fold, fold) != 0)
        nt_smap_del(&e->nicks, c->fold);
    nt_strlcpy(c->nick, nick, sizeof c->nick);
    nt_strlcpy(c->fold, fold, sizeof c->fold);
    nt_smap_put(&e->nicks, c->fold, c);
}

void nt_cmd_quit(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    char reason[NT_LINE_MAX];
    if (!c->registered) {
        /* before registration there is nobody to tell: just ERROR and close */
        nt_client_quit(e, c, "Client Quit", "Client Quit", now);
        return;
    }
    if (m->nparams && m->params[0][0])
        snprintf(reason, sizeof reason, "Quit: %s", m->params[0]);
    else
        nt_strlcpy(reason, "Client Quit", sizeof reason);
    nt_client_quit(e, c, reason, reason, now);
}

/* ---- user MODE ---------------------------------------------------------- */

static void user_mode(nt_engine *e, nt_client *c, const nt_msg *m)
{
    nt_client *target = nt_find_nick(e, m->params[0]);
    char applied[32] = "";
    const char *p;
    int dir = 1, last = 0, unknown = 0;
    size_t n = 0;
    if (!target) {
        nt_reply(e, c, "401", "%s :No such nick/channel", m->params[0]);
        return;
    }
    if (target != c) {
        nt_reply(e, c, "502", ":Can't change mode for other users");
        return;
    }
    if (m->nparams < 2) {
        nt_reply(e, c, "221", "+%s%s", c->invisible ? "i" : "", c->oper ? "o" : "");
        return;
    }
    for (p = m->params[1]; *p && n + 3 < sizeof applied; p++) {
        int changed = 0;
        if (*p == '+' || *p == '-') {
            dir = *p == '+' ? 1 : -1;
            continue;
        }
        if (*p == 'i' && c->invisible != (dir > 0)) {
            c->invisible = dir > 0;
            e->ninvisible = dir > 0 ? e->ninvisible + 1 : e->ninvisible - 1;
            changed = 1;
        } else if (*p == 'o') {
            /* +o only through OPER; -o drops operator status */
            if (dir < 0 && c->oper) {
                c->oper = 0;
                e->nopers--;
                changed = 1;
            }
        } else if (*p != 'i') {
            unknown = 1;
        }
        if (changed) {
            if (last != dir)
                applied[n++] = dir > 0 ? '+' : '-';
            applied[n++] = *p;
            last = dir;
        }
    }
    applied[n] = '\0';
    if (unknown)
        nt_reply(e, c, "501", ":Unknown MODE flag");
    if (n)
        nt_sendf(e, c, ":%s MODE %s :%s", c->nick, c->nick, applied);
}

void nt_cmd_mode(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    if (strchr("#&", m->params[0][0]))
        nt_channel_mode(e, c, m, now);
    else
        user_mode(e, c, m);
}

/* ---- OPER, KILL --------------------------------------------------------- */

void nt_cmd_oper(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    size_t i;
    for (i = 0; i < e->cfg.nopers; i++) {
        if (strcmp(e->cfg.opers[i].name, m->params[0]) != 0)
            continue;
        if (strcmp(e->cfg.opers[i].password, m->params[1]) != 0) {
            nt_reply(e, c, "464", ":Password incorrect");
            return;
        }
        if (!c->oper) {
            c->oper = 1;
            e->nopers++;
        }
        nt_reply(e, c, "381", ":You are now an IRC operator");
        nt_sendf(e, c, ":%s MODE %s :+o", c->nick, c->nick);
        return;
    }
    nt_reply(e, c, "491", ":No O-lines for your host");
}

void nt_cmd_kill(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    nt_client *victim;
    char reason[NT_LINE_MAX];
    if (!c->oper) {
        nt_reply(e, c, "481", ":Permission Denied- You're not an IRC operator");
        return;
    }
    victim = nt_find_nick(e, m->params[0]);
    if (!victim || !victim->registered) {
        nt_reply(e, c, "401", "%s :No such nick/channel", m->params[0]);
        return;
    }
    char mask[NT_MASK_BUF];
    snprintf(reason, sizeof reason, "Killed (%s (%s))", c->nick, m->params[1]);
    nt_client_mask(c, mask, sizeof mask);
    nt_sendf(e, victim, ":%s KILL %s :%s", mask, victim->nick, m->params[1]);
    nt_client_quit(e, victim, reason, reason, now);
}
