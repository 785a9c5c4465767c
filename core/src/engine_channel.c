/* libnatter engine: channels — JOIN PART TOPIC NAMES LIST KICK INVITE and
 * channel MODE (+o +v +b +k +l +i +m +n +s +t). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

/* ---- membership --------------------------------------------------------- */

static nt_channel *channel_new(nt_engine *e, const char *name, int64_t now)
{
    nt_channel *ch = calloc(1, sizeof *ch);
    if (!ch)
        return NULL;
    nt_strlcpy(ch->name, name, sizeof ch->name);
    nt_casefold(e->cfg.casemap, name, ch->fold, sizeof ch->fold);
    ch->created_ms = now;
    ch->modes = NT_CMODE_N | NT_CMODE_T;   /* the usual safe defaults for a new channel */
    if (nt_smap_put(&e->channels, ch->fold, ch) != 0) {
        free(ch);
        return NULL;
    }
    return ch;
}

static void channel_free(nt_engine *e, nt_channel *ch)
{
    size_t i;
    nt_smap_del(&e->channels, ch->fold);
    for (i = 0; i < ch->nbans; i++) {
        free(ch->bans[i].mask);
        free(ch->bans[i].who);
    }
    free(ch->bans);
    free(ch->invites);
    free(ch->members);
    free(ch->key);
    free(ch->topic);
    free(ch);
}

static int grow(void **arr, size_t *cap, size_t need, size_t size)
{
    void *na;
    size_t ncap;
    if (need <= *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 8;
    while (ncap < need)
        ncap *= 2;
    na = realloc(*arr, ncap * size);
    if (!na)
        return -1;
    *arr = na;
    *cap = ncap;
    return 0;
}

static nt_member *member_add(nt_client *c, nt_channel *ch, unsigned modes)
{
    nt_member *m;
    if (grow((void **)&c->mems, &c->capmems, c->nmems + 1, sizeof *c->mems) != 0 ||
        grow((void **)&ch->members, &ch->capmembers, ch->nmembers + 1, sizeof *ch->members) != 0)
        return NULL;
    m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->client = c;
    m->chan = ch;
    m->modes = modes;
    m->chan_idx = ch->nmembers;
    ch->members[ch->nmembers++] = m;
    c->mems[c->nmems++] = m;
    return m;
}

/* O(1) on the channel side (swap with the last member), O(channels) on the
 * client side. An empty channel disappears. */
void nt_channel_remove_member(nt_engine *e, nt_member *m)
{
    nt_channel *ch = m->chan;
    nt_client *c = m->client;
    size_t i;
    nt_member *last = ch->members[--ch->nmembers];
    ch->members[m->chan_idx] = last;
    last->chan_idx = m->chan_idx;
    for (i = 0; i < c->nmems; i++) {
        if (c->mems[i] == m) {
            c->mems[i] = c->mems[--c->nmems];
            break;
        }
    }
    free(m);
    if (ch->nmembers == 0)
        channel_free(e, ch);
}

static int is_invited(const nt_channel *ch, const nt_client *c)
{
    size_t i;
    for (i = 0; i < ch->ninvites; i++)
        if (ch->invites[i] == c->serial)
            return 1;
    return 0;
}

static void uninvite(nt_channel *ch, const nt_client *c)
{
    size_t i;
    for (i = 0; i < ch->ninvites; i++) {
        if (ch->invites[i] == c->serial) {
            ch->invites[i] = ch->invites[--ch->ninvites];
            return;
        }
    }
}

int nt_is_banned(const nt_engine *e, const nt_channel *ch, const nt_client *c)
{
    char mask[NT_MASK_BUF];
    size_t i;
    if (!ch->nbans)
        return 0;
    nt_client_mask(c, mask, sizeof mask);
    for (i = 0; i < ch->nbans; i++)
        if (nt_mask_match(e->cfg.casemap, ch->bans[i].mask, mask))
            return 1;
    return 0;
}

/* ---- replies shared by JOIN, NAMES, TOPIC ------------------------------- */

static void send_topic(nt_engine *e, nt_client *c, const nt_channel *ch, int always)
{
    char ts[24];
    if (!ch->topic) {
        if (always)
            nt_reply(e, c, "331", "%s :No topic is set", ch->name);
        return;
    }
    nt_reply(e, c, "332", "%s :%s", ch->name, ch->topic);
    nt_reply(e, c, "333", "%s %s %s", ch->name, ch->topic_who,
             nt_i64str(ch->topic_ms / 1000, ts, sizeof ts));
}

/* 353 lines packed up to the 512-byte limit: O(members) work per call. */
static void send_names(nt_engine *e, nt_client *c, const nt_channel *ch)
{
    int multi = (c->caps & NT_CAP_MULTI_PREFIX) != 0;
    int member = nt_member_of(c, ch) != NULL;
    char head[NT_CHAN_BUF + 8], buf[NT_LINE_MAX];
    size_t room, n = 0, i;
    /* ":server 353 nick = #chan :" takes this much of the line */
    room = NT_LINE_MAX - 2 - (strlen(e->cfg.server_name) + strlen(c->nick) + strlen(ch->name) + 12);
    snprintf(head, sizeof head, "%c %s", (ch->modes & NT_CMODE_S) ? '@' : '=', ch->name);
    for (i = 0; i < ch->nmembers; i++) {
        const nt_member *m = ch->members[i];
        char pfx[4];
        size_t need;
        if (!member && m->client->invisible)
            continue;            /* +i users are hidden from outsiders */
        nt_member_prefix(m, multi, pfx);
        need = strlen(pfx) + strlen(m->client->nick) + (n ? 1 : 0);
        if (n && n + need > room) {
            buf[n] = '\0';
            nt_reply(e, c, "353", "%s :%s", head, buf);
            n = 0;
            need--;
        }
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s%s", n ? " " : "", pfx,
                              m->client->nick);
    }
    if (n) {
        buf[n] = '\0';
        nt_reply(e, c, "353", "%s :%s", head, buf);
    }
    nt_reply(e, c, "366", "%s :End of /NAMES list", ch->name);
}

/* ---- JOIN --------------------------------------------------------------- */

static int join_denied(nt_engine *e, nt_client *c, nt_channel *ch, const char *key)
{
    int invited = is_invited(ch, c);
    if (ch->key && (!key || strcmp(key, ch->key) != 0)) {
        nt_reply(e, c, "475", "%s :Cannot join channel (+k)", ch->name);
        return 1;
    }
    if (ch->limit && ch->nmembers >= ch->limit && !invited) {
        nt_reply(e, c, "471", "%s :Cannot join channel (+l)", ch->name);
        return 1;
    }
    if ((ch->modes & NT_CMODE_I) && !invited) {
        nt_reply(e, c, "473", "%s :Cannot join channel (+i)", ch->name);
        return 1;
    }
    if (nt_is_banned(e, ch, c) && !invited) {
        nt_reply(e, c, "474", "%s :Cannot join channel (+b)", ch->name);
        return 1;
    }
    return 0;
}

static void join_one(nt_engine *e, nt_client *c, const char *name, const char *key, int64_t now)
{
    nt_channel *ch;
    int created = 0;
    nt_bcast b;
    char mask[NT_MASK_BUF];
    if (!nt_channel_valid(name, "#&", e->cfg.channellen)) {
        nt_reply(e, c, "403", "%s :No such channel", name);
        return;
    }
    ch = nt_find_channel(e, name);
    if (ch && nt_member_of(c, ch))
        return;                  /* already there: nothing to say */
    if (c->nmems >= e->cfg.max_channels) {
        nt_reply(e, c, "405", "%s :You have joined too many channels", name);
        return;
    }
    if (ch && join_denied(e, c, ch, key))
        return;
    if (!ch) {
        ch = channel_new(e, name, now);
        if (!ch)
            return;
        created = 1;
    }
    if (!member_add(c, ch, created ? NT_MEMBER_OP : 0)) {
        if (created)
            channel_free(e, ch);
        return;
    }
    uninvite(ch, c);
    /* one JOIN line, shared by every member: joining a big channel costs
     * O(members) pointer pushes, not O(members) serializations */
    nt_client_mask(c, mask, sizeof mask);
    nt_bcast_init(&b, e, now, NULL, ":%s JOIN %s", mask, ch->name);
    nt_bcast_channel(&b, ch, NULL);
    nt_bcast_done(&b);
    send_topic(e, c, ch, 0);
    send_names(e, c, ch);
}

void nt_part_all(nt_engine *e, nt_client *c, int64_t now)
{
    char mask[NT_MASK_BUF];
    nt_client_mask(c, mask, sizeof mask);
    while (c->nmems) {
        nt_member *m = c->mems[c->nmems - 1];
        nt_bcast b;
        nt_bcast_init(&b, e, now, NULL, ":%s PART %s", mask, m->chan->name);
        nt_bcast_channel(&b, m->chan, NULL);
        nt_bcast_done(&b);
        nt_channel_remove_member(e, m);
    }
}

/* Split "a,b,c" in place-free fashion: copies the i-th item into out. */
static const char *next_item(const char *p, char *out, size_t cap)
{
    size_t n = 0;
    while (*p && *p != ',') {
        if (n + 1 < cap)
            out[n++] = *p;
        p++;
    }
    out[n] = '\0';
    return *p == ',' ? p + 1 : p;
}

void nt_cmd_join(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    const char *chans = m->params[0], *keys = m->nparams > 1 ? m->params[1] : "";
    char name[NT_LINE_MAX], key[NT_LINE_MAX];
    if (strcmp(chans, "0") == 0) {
        nt_part_all(e, c, now);
        return;
    }
    while (*chans) {
        chans = next_item(chans, name, sizeof name);
        keys = next_item(keys, key, sizeof key);
        if (!name[0])
            continue;
        join_one(e, c, name, key[0] ? key : NULL, now);
    }
}

/* ---- PART, TOPIC, NAMES, LIST ------------------------------------------- */

/* The channel and c's membership, or NULL after replying 403 / 442. */
static nt_member *need_member(nt_engine *e, nt_client *c, const char *name, nt_channel **out)
{
    nt_channel *ch = nt_find_channel(e, name);
    nt_member *mem;
    *out = ch;
    if (!ch) {
        nt_reply(e, c, "403", "%s :No such channel", name);
        return NULL;
    }
    mem = nt_member_of(c, ch);
    if (!mem)
        nt_reply(e, c, "442", "%s :You're not on that channel", ch->name);
    return mem;
}

void nt_cmd_part(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    const char *chans = m->params[0];
    const char *reason = m->nparams > 1 && m->params[1][0] ? m->params[1] : NULL;
    char name[NT_LINE_MAX], mask[NT_MASK_BUF];
    nt_client_mask(c, mask, sizeof mask);
    while (*chans) {
        nt_channel *ch;
        nt_member *mem;
        nt_bcast b;
        chans = next_item(chans, name, sizeof name);
        if (!name[0] || !(mem = need_member(e, c, name, &ch)))
            continue;
        if (reason)
            nt_bcast_init(&b, e, now, NULL, ":%s PART %s :%s", mask, ch->name, reason);
        else
            nt_bcast_init(&b, e, now, NULL, ":%s PART %s", mask, ch->name);
        nt_bcast_channel(&b, ch, NULL);
        nt_bcast_done(&b);
        nt_channel_remove_member(e, mem);
    }
}

void nt_cmd_topic(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    nt_channel *ch = nt_find_channel(e, m->params[0]);
    nt_member *mem;
    char mask[NT_MASK_BUF], topic[512];
    nt_bcast b;
    if (!ch) {
        nt_reply(e, c, "403", "%s :No such channel", m->params[0]);
        return;
    }
    mem = nt_member_of(c, ch);
    if (m->nparams < 2) {        /* query */
        if (!nt_channel_visible(ch, c))
            nt_reply(e, c, "442", "%s :You're not on that channel", ch->name);
        else
            send_topic(e, c, ch, 1);
        return;
    }
    if (!mem) {
        nt_reply(e, c, "442", "%s :You're not on that channel", ch->name);
        return;
    }
    if ((ch->modes & NT_CMODE_T) && !(mem->modes & NT_MEMBER_OP)) {
        nt_reply(e, c, "482", "%s :You're not channel operator", ch->name);
        return;
    }
    nt_strlcpy(topic, m->params[1], e->cfg.topiclen + 1 < sizeof topic ?
               e->cfg.topiclen + 1 : sizeof topic);
    free(ch->topic);
    ch->topic = topic[0] ? nt_strdup(topic) : NULL;
    nt_client_mask(c, mask, sizeof mask);
    nt_strlcpy(ch->topic_who, mask, sizeof ch->topic_who);
    ch->topic_ms = now;
    nt_bcast_init(&b, e, now, NULL, ":%s TOPIC %s :%s", mask, ch->name, topic);
    nt_bcast_channel(&b, ch, NULL);
    nt_bcast_done(&b);
}

void nt_cmd_names(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    const char *chans;
    char name[NT_LINE_MAX];
    unsigned count = 0;
    if (m->nparams < 1 || !m->params[0][0]) {
        /* RFC 2812 allows listing everything; we list the channels the client
         * is on, which is what clients actually use it for */
        size_t i;
        for (i = 0; i < c->nmems; i++)
            send_names(e, c, c->mems[i]->chan);
        nt_reply(e, c, "366", "* :End of /NAMES list");
        return;
    }
    chans = m->params[0];
    while (*chans && count++ < e->cfg.max_targets) {
        nt_channel *ch;
        chans = next_item(chans, name, sizeof name);
        ch = nt_find_channel(e, name);
        if (ch && nt_channel_visible(ch, c))
            send_names(e, c, ch);
        else
            nt_reply(e, c, "366", "%s :End of /NAMES list", name);
    }
}

static void list_one(nt_engine *e, nt_client *c, const nt_channel *ch)
{
    char cnt[24];
    if (!nt_channel_visible(ch, c))
        return;
    nt_reply(e, c, "322", "%s %s :%s", ch->name, nt_i64str((int64_t)ch->nmembers, cnt, sizeof cnt),
             ch->topic ? ch->topic : "");
}

void nt_cmd_list(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    char name[NT_LINE_MAX];
    nt_reply(e, c, "321", "Channel :Users  Name");
    if (m->nparams >= 1 && m->params[0][0]) {
        const char *chans = m->params[0];
        while (*chans) {
            nt_channel *ch;
            chans = next_item(chans, name, sizeof name);
            ch = nt_find_channel(e, name);
            if (ch)
                list_one(e, c, ch);
        }
    } else {
        size_t i;
        for (i = 0; i < e->channels.cap; i++)
            if (e->channels.ents[i].val)
                list_one(e, c, e->channels.ents[i].val);
    }
    nt_reply(e, c, "323", ":End of /LIST");
}

/* ---- KICK, INVITE -------------------------------------------------------- */

static void kick_one(nt_engine *e, nt_client *c, nt_channel *ch, const char *nick,
                     const char *reason, int64_t now)
{
    nt_client *victim = nt_find_nick(e, nick);
    nt_member *vm = victim ? nt_member_of(victim, ch) : NULL;
    char mask[NT_MASK_BUF];
    nt_bcast b;
    if (!vm) {
        nt_reply(e, c, "441", "%s %s :They aren't on that channel", nick, ch->name);
        return;
    }
    nt_client_mask(c, mask, sizeof mask);
    nt_bcast_init(&b, e, now, NULL, ":%s KICK %s %s :%s", mask, ch->name, victim->nick, reason);
    nt_bcast_channel(&b, ch, NULL);
    nt_bcast_done(&b);
    nt_channel_remove_member(e, vm);
}

void nt_cmd_kick(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    nt_channel *ch;
    nt_member *mem = need_member(e, c, m->params[0], &ch);
    char reason[NT_LINE_MAX], nick[NT_LINE_MAX];
    const char *nicks = m->params[1];
    unsigned count = 0;
    if (!mem)
        return;
    if (!(mem->modes & NT_MEMBER_OP)) {
        nt_reply(e, c, "482", "%s :You're not channel operator", ch->name);
        return;
    }
    nt_strlcpy(reason, m->nparams > 2 && m->params[2][0] ? m->params[2] : c->nick,
               e->cfg.kicklen + 1 < sizeof reason ? e->cfg.kicklen + 1 : sizeof reason);
    /* the channel may vanish when its last member is kicked: look it up again */
    while (*nicks && count++ < e->cfg.max_targets) {
        nicks = next_item(nicks, nick, sizeof nick);
        ch = nt_find_channel(e, m->params[0]);
        if (!ch)
            break;
        if (nick[0])
            kick_one(e, c, ch, nick, reason, now);
    }
}

void nt_cmd_invite(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    nt_client *target = nt_find_nick(e, m->params[0]);
    nt_channel *ch;
    nt_member *mem;
    char mask[NT_MASK_BUF];
    if (!target || !target->registered) {
        nt_reply(e, c, "401", "%s :No such nick/channel", m->params[0]);
        return;
    }
    if (!(mem = need_member(e, c, m->params[1], &ch)))
        return;
    if ((ch->modes & NT_CMODE_I) && !(mem->modes & NT_MEMBER_OP)) {
        nt_reply(e, c, "482", "%s :You're not channel operator", ch->name);
        return;
    }
    if (nt_member_of(target, ch)) {
        nt_reply(e, c, "443", "%s %s :is already on channel", target->nick, ch->name);
        return;
    }
    if (!is_invited(ch, target)) {   /* invites are few: grow exactly */
        uint64_t *ni = realloc(ch->invites, (ch->ninvites + 1) * sizeof *ni);
        if (ni) {
            ch->invites = ni;
            ch->invites[ch->ninvites++] = target->serial;
        }
    }
    nt_reply(e, c, "341", "%s %s", target->nick, ch->name);
    nt_client_mask(c, mask, sizeof mask);
    nt_sendf(e, target, ":%s INVITE %s %s", mask, target->nick, ch->name);
    if (target->away)
        nt_reply(e, c, "301", "%s :%s", target->nick, target->away);
}

/* ---- channel MODE -------------------------------------------------------- */

typedef struct mode_out {
    char modes[64];
    size_t nm;
    char args[NT_LINE_MAX];
    size_t na;
    int dir;                     /* last sign written */
} mode_out;

static void mode_emit(mode_out *o, int dir, char mode, const char *arg)
{
    if (o->nm + 3 >= sizeof o->modes)
        return;
    if (o->dir != dir)
        o->modes[o->nm++] = dir > 0 ? '+' : '-';
    o->dir = dir;
    o->modes[o->nm++] = mode;
    o->modes[o->nm] = '\0';
    if (arg && o->na + strlen(arg) + 2 < sizeof o->args)
        o->na += (size_t)snprintf(o->args + o->na, sizeof o->args - o->na, " %s", arg);
}

static void send_channel_modes(nt_engine *e, nt_client *c, const nt_channel *ch)
{
    char modes[16] = "+", args[128] = "", ts[24], lim[24];
    static const struct { unsigned bit; char ch; } flags[] = {
        {NT_CMODE_I, 'i'}, {NT_CMODE_M, 'm'}, {NT_CMODE_N, 'n'}, {NT_CMODE_S, 's'},
        {NT_CMODE_T, 't'}};
    size_t i, n = 1;
    int member = nt_member_of(c, ch) != NULL;
    for (i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (ch->modes & flags[i].bit)
            modes[n++] = flags[i].ch;
    if (ch->key) {
        modes[n++] = 'k';
        strcat(args, " ");
        /* the key itself only for members (as ircds do) */
        strncat(args, member ? ch->key : "*", sizeof args - strlen(args) - 1);
    }
    if (ch->limit) {
        modes[n++] = 'l';
        strcat(args, " ");
        strcat(args, nt_i64str(ch->limit, lim, sizeof lim));
    }
    modes[n] = '\0';
    nt_reply(e, c, "324", "%s %s%s", ch->name, modes, args);
    nt_reply(e, c, "329", "%s %s", ch->name, nt_i64str(ch->created_ms / 1000, ts, sizeof ts));
}

static void send_ban_list(nt_engine *e, nt_client *c, const nt_channel *ch)
{
    size_t i;
    char ts[24];
    for (i = 0; i < ch->nbans; i++)
        nt_reply(e, c, "367", "%s %s %s %s", ch->name, ch->bans[i].mask, ch->bans[i].who,
                 nt_i64str(ch->bans[i].when / 1000, ts, sizeof ts));
    nt_reply(e, c, "368", "%s :End of channel ban list", ch->name);
}

/* "nick" -> "nick!*@*", "u@h" -> "*!u@h", "n!u" -> "n!u@*" (as ircds do) */
static void normalize_ban(const char *in, char *out, size_t cap)
{
    const char *bang = strchr(in, '!'), *at = strchr(in, '@');
    if (bang && at)
        snprintf(out, cap, "%s", in);
    else if (at)
        snprintf(out, cap, "*!%s", in);
    else if (bang)
        snprintf(out, cap, "%s@*", in);
    else
        snprintf(out, cap, "%s!*@*", in);
}

static int ban_change(nt_engine *e, nt_client *c, nt_channel *ch, int dir, const char *arg,
                      int64_t now, char *mask, size_t cap)
{
    size_t i;
    normalize_ban(arg, mask, cap);
    for (i = 0; i < ch->nbans; i++) {
        if (nt_casecmp(e->cfg.casemap, ch->bans[i].mask, mask) != 0)
            continue;
        if (dir > 0)
            return 0;            /* already banned: nothing changes */
        nt_strlcpy(mask, ch->bans[i].mask, cap);
        free(ch->bans[i].mask);
        free(ch->bans[i].who);
        ch->bans[i] = ch->bans[--ch->nbans];
        return 1;
    }
    if (dir < 0)
        return 0;
    if (ch->nbans >= e->cfg.max_list_modes) {
        nt_reply(e, c, "478", "%s %s :Channel ban list is full", ch->name, mask);
        return 0;
    }
    {
        nt_ban *nb = realloc(ch->bans, (ch->nbans + 1) * sizeof *nb);
        char who[NT_MASK_BUF];
        if (!nb)
            return 0;
        ch->bans = nb;
        nt_client_mask(c, who, sizeof who);
        nb[ch->nbans].mask = nt_strdup(mask);
        nb[ch->nbans].who = nt_strdup(who);
        nb[ch->nbans].when = now;
        if (!nb[ch->nbans].mask || !nb[ch->nbans].who) {
            free(nb[ch->nbans].mask);
            free(nb[ch->nbans].who);
            return 0;
        }
        ch->nbans++;
    }
    return 1;
}

static void member_mode(nt_engine *e, nt_client *c, nt_channel *ch, int dir, char mode,
                        const char *nick, mode_out *o)
{
    nt_client *t = nt_find_nick(e, nick);
    nt_member *tm = t ? nt_member_of(t, ch) : NULL;
    unsigned bit = mode == 'o' ? NT_MEMBER_OP : NT_MEMBER_VOICE;
    if (!t) {
        nt_reply(e, c, "401", "%s :No such nick/channel", nick);
        return;
    }
    if (!tm) {
        nt_reply(e, c, "441", "%s %s :They aren't on that channel", t->nick, ch->name);
        return;
    }
    if (dir > 0 && !(tm->modes & bit))
        tm->modes |= bit;
    else if (dir < 0 && (tm->modes & bit))
        tm->modes &= ~bit;
    else
        return;
    mode_emit(o, dir, mode, t->nick);
}

static unsigned flag_bit(char mode)
{
    switch (mode) {
    case 'i': return NT_CMODE_I;
    case 'm': return NT_CMODE_M;
    case 'n': return NT_CMODE_N;
    case 's': return NT_CMODE_S;
    case 't': return NT_CMODE_T;
    default: return 0;
    }
}

/* Apply one mode letter; returns 1 when it consumed an argument. */
static int apply_mode(nt_engine *e, nt_client *c, nt_channel *ch, int dir, char mode,
                      const char *arg, mode_out *o, int64_t now)
{
    char buf[NT_MASK_BUF * 2];
    unsigned bit = flag_bit(mode);
    if (bit) {
        if ((dir > 0) == !!(ch->modes & bit))
            return 0;
        ch->modes = dir > 0 ? ch->modes | bit : ch->modes & ~bit;
        mode_emit(o, dir, mode, NULL);
        return 0;
    }
    switch (mode) {
    case 'o': case 'v':
        if (arg)
            member_mode(e, c, ch, dir, mode, arg, o);
        return arg != NULL;
    case 'b':
        if (arg && ban_change(e, c, ch, dir, arg, now, buf, sizeof buf))
            mode_emit(o, dir, 'b', buf);
        return arg != NULL;
    case 'k':
        if (dir > 0) {
            if (!arg)
                return 0;
            if (!arg[0] || strchr(arg, ',') || strlen(arg) > 23) {
                nt_reply(e, c, "525", "%s :Key is not well-formed", ch->name);
                return 1;
            }
            free(ch->key);
            ch->key = nt_strdup(arg);
            mode_emit(o, dir, 'k', arg);
        } else if (ch->key) {
            free(ch->key);
            ch->key = NULL;
            mode_emit(o, dir, 'k', "*");
        }
        return arg != NULL;      /* -k takes the key as an argument, if given */
    case 'l':
        if (dir > 0) {
            long v;
            char *end;
            if (!arg)
                return 0;
            v = strtol(arg, &end, 10);
            if (*end || v <= 0 || v > 1000000) {
                nt_reply(e, c, "696", "%s l %s :Invalid limit", ch->name, arg);
                return 1;
            }
            ch->limit = (unsigned)v;
            mode_emit(o, dir, 'l', nt_i64str(v, buf, sizeof buf));
            return 1;
        }
        if (ch->limit) {
            ch->limit = 0;
            mode_emit(o, dir, 'l', NULL);
        }
        return 0;
    default:
        nt_reply(e, c, "472", "%c :is unknown mode char to me", mode);
        return 0;
    }
}

static int takes_arg(char mode, int dir)
{
    return mode == 'o' || mode == 'v' || mode == 'b' || mode == 'k' || (mode == 'l' && dir > 0);
}

void nt_channel_mode(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now)
{
    nt_channel *ch = nt_find_channel(e, m->params[0]);
    nt_member *mem;
    mode_out o;
    const char *p;
    size_t argi = 2;
    int dir = 1, nargs = 0;
    if (!ch) {
        nt_reply(e, c, "403", "%s :No such channel", m->params[0]);
        return;
    }
    if (m->nparams < 2) {
        send_channel_modes(e, c, ch);
        return;
    }
    mem = nt_member_of(c, ch);
    /* "MODE #c b" / "+b" with no mask: a list query, open to anyone who can see */
    if (m->nparams == 2 && strspn(m->params[1], "+b") == strlen(m->params[1]) &&
        strchr(m->params[1], 'b')) {
        if (nt_channel_visible(ch, c))
            send_ban_list(e, c, ch);
        return;
    }
    if (!mem || !(mem->modes & NT_MEMBER_OP)) {
        nt_reply(e, c, "482", "%s :You're not channel operator", ch->name);
        return;
    }
    memset(&o, 0, sizeof o);
    for (p = m->params[1]; *p; p++) {
        const char *arg = NULL;
        if (*p == '+' || *p == '-') {
            dir = *p == '+' ? 1 : -1;
            continue;
        }
        if (takes_arg(*p, dir)) {
            if (nargs >= NT_MODES_PER_CMD)
                continue;        /* MODES=4: the rest are ignored, as advertised */
            if (argi < m->nparams)
                arg = m->params[argi];
            else if (*p == 'b') {
                send_ban_list(e, c, ch);
                continue;
            }
        }
        if (apply_mode(e, c, ch, dir, *p, arg, &o, now)) {
            argi++;
            nargs++;
        }
    }
    if (o.nm) {
        nt_bcast b;
        char mask[NT_MASK_BUF];
        nt_client_mask(c, mask, sizeof mask);
        nt_bcast_init(&b, e, now, NULL, ":%s MODE %s %s%s", mask, ch->name, o.modes, o.args);
        nt_bcast_channel(&b, ch, NULL);
        nt_bcast_done(&b);
    }
}
