/* libnatter: the client session's picture of the network — channels, their
 * topics and members (prefixes, away), private chats — kept up to date from
 * JOIN, PART, KICK, QUIT, NICK, MODE, TOPIC, AWAY and the NAMES/TOPIC/AWAY/WHO
 * replies. Names are compared with the server's case mapping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "session_internal.h"

/* ---- channels -------------------------------------------------------------- */

sess_channel *sess_chan_find(const nt_session *s, const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < s->nchans; i++)
        if (nt_casecmp(s->casemap, s->chans[i].name, name) == 0)
            return &s->chans[i];
    return NULL;
}

/* The spelling events use for a channel: ours (from our JOIN) when we are in
 * it, so a GUI can match events to its buffers with a plain strcmp. */
static const char *chan_name(const nt_session *s, const char *name)
{
    sess_channel *c = sess_chan_find(s, name);
    return c ? c->name : name;
}

sess_channel *sess_chan_add(nt_session *s, const char *name)
{
    sess_channel *c = sess_chan_find(s, name);
    if (c)
        return c;
    if (s->nchans == s->chans_cap) {
        size_t cap = s->chans_cap ? s->chans_cap * 2 : 8;
        sess_channel *all = realloc(s->chans, cap * sizeof *all);
        if (!all)
            abort();
        s->chans = all;
        s->chans_cap = cap;
    }
    c = &s->chans[s->nchans++];
    memset(c, 0, sizeof *c);
    c->name = sess_strdup(name);
    c->names_done = 1;  /* the first 353 starts the list */
    return c;
}

static void chan_free(sess_channel *c)
{
    for (size_t i = 0; i < c->nmembers; i++)
        free(c->members[i].nick);
    free(c->members);
    free(c->name);
    free(c->topic);
    free(c->topic_setter);
    free(c->key);
}

void sess_chan_remove(nt_session *s, const char *name)
{
    sess_channel *c = sess_chan_find(s, name);
    if (!c)
        return;
    chan_free(c);
    /* Keep join order: the GUI lists channels in it. */
    size_t i = (size_t)(c - s->chans);
    memmove(c, c + 1, (s->nchans - i - 1) * sizeof *c);
    s->nchans--;
}

void sess_chans_clear(nt_session *s)
{
    for (size_t i = 0; i < s->nchans; i++)
        chan_free(&s->chans[i]);
    s->nchans = 0;
}

const char *sess_target_channel(const nt_session *s, const char *target)
{
    if (!target)
        return NULL;
    /* STATUSMSG: "@#chan" is a message to the channel's operators. */
    const char *t = target;
    while (*t && strchr(s->prefix_chars, *t) && !strchr(s->chantypes, *t))
        t++;
    return nt_session_is_channel(s, t) ? t : NULL;
}

/* ---- members --------------------------------------------------------------- */

size_t sess_prefix_rank(const nt_session *s, char prefix)
{
    const char *p = prefix ? strchr(s->prefix_chars, prefix) : NULL;
    return p ? (size_t)(p - s->prefix_chars) : strlen(s->prefix_chars);
}

sess_member *sess_member_find(const nt_session *s, sess_channel *c, const char *nick)
{
    for (size_t i = 0; i < c->nmembers; i++)
        if (nt_casecmp(s->casemap, c->members[i].nick, nick) == 0)
            return &c->members[i];
    return NULL;
}

void sess_member_set_prefix(nt_session *s, sess_member *m, char prefix, int on)
{
    /* Rebuild the string in rank order from the set of prefixes held. */
    char out[SESS_PREFIX_MAX + 1];
    size_t n = 0;
    for (const char *p = s->prefix_chars; *p; p++) {
        int has = strchr(m->prefixes, *p) != NULL;
        if (*p == prefix)
            has = on;
        if (has && n < SESS_PREFIX_MAX)
            out[n++] = *p;
    }
    out[n] = '\0';
    memcpy(m->prefixes, out, n + 1);
}

/* Split "@+nick!user@host" (multi-prefix, userhost-in-names) into its
 * prefixes and nick. */
static const char *split_prefixed(const nt_session *s, const char *in, char *prefixes,
                                  char *nick, size_t nick_cap)
{
    size_t np = 0;
    while (*in && strchr(s->prefix_chars, *in)) {
        if (np < SESS_PREFIX_MAX)
            prefixes[np++] = *in;
        in++;
    }
    prefixes[np] = '\0';
    return sess_source_nick(in, nick, nick_cap);
}

static sess_member *member_append(sess_channel *c, const char *nick)
{
    if (c->nmembers == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        sess_member *all = realloc(c->members, cap * sizeof *all);
        if (!all)
            abort();
        c->members = all;
        c->cap = cap;
    }
    sess_member *m = &c->members[c->nmembers++];
    memset(m, 0, sizeof *m);
    m->nick = sess_strdup(nick);
    c->dirty = 1;
    return m;
}

/* Add or update; during a NAMES burst duplicates are tolerated (they are
 * merged at 366) so a 5,000-member channel is not O(n^2). */
static sess_member *member_put(nt_session *s, sess_channel *c, const char *spec, int check)
{
    char prefixes[SESS_PREFIX_MAX + 1], nick[256];
    if (!split_prefixed(s, spec, prefixes, nick, sizeof nick) || !nick[0])
        return NULL;
    sess_member *m = check ? sess_member_find(s, c, nick) : NULL;
    if (!m)
        m = member_append(c, nick);
    for (const char *p = prefixes; *p; p++)
        sess_member_set_prefix(s, m, *p, 1);
    c->dirty = 1;
    return m;
}

sess_member *sess_member_add(nt_session *s, sess_channel *c, const char *nick_with_prefixes)
{
    return member_put(s, c, nick_with_prefixes, 1);
}

int sess_member_remove(nt_session *s, sess_channel *c, const char *nick)
{
    sess_member *m = sess_member_find(s, c, nick);
    if (!m)
        return 0;
    free(m->nick);
    size_t i = (size_t)(m - c->members);
    memmove(m, m + 1, (c->nmembers - i - 1) * sizeof *m);
    c->nmembers--;
    return 1;
}

typedef struct member_key {
    size_t rank;
    char fold[256];
    sess_member m;
} member_key;

static int key_cmp_nick(const void *a, const void *b)
{
    return strcmp(((const member_key *)a)->fold, ((const member_key *)b)->fold);
}

static int key_cmp_rank(const void *a, const void *b)
{
    const member_key *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return strcmp(x->fold, y->fold);
}

/* Merge duplicates a NAMES burst left (they are adjacent once sorted by nick),
 * keeping every prefix either copy had; returns the new count. */
static size_t keys_dedupe(nt_session *s, member_key *keys, size_t n)
{
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        if (out > 0 && strcmp(keys[out - 1].fold, keys[i].fold) == 0) {
            for (const char *p = keys[i].m.prefixes; *p; p++)
                sess_member_set_prefix(s, &keys[out - 1].m, *p, 1);
            keys[out - 1].m.away |= keys[i].m.away;
            free(keys[i].m.nick);
            continue;
        }
        keys[out++] = keys[i];
    }
    return out;
}

/* Sort by rank, then nick under the case mapping: the order a user list shows. */
static void chan_sort(nt_session *s, sess_channel *c)
{
    c->dirty = 0;
    if (c->nmembers < 2)
        return;
    member_key *keys = malloc(c->nmembers * sizeof *keys);
    if (!keys)
        abort();
    for (size_t i = 0; i < c->nmembers; i++) {
        keys[i].m = c->members[i];
        nt_casefold(s->casemap, c->members[i].nick, keys[i].fold, sizeof keys[i].fold);
    }
    qsort(keys, c->nmembers, sizeof *keys, key_cmp_nick);
    size_t n = keys_dedupe(s, keys, c->nmembers);
    for (size_t i = 0; i < n; i++)
        keys[i].rank = sess_prefix_rank(s, keys[i].m.prefixes[0]);
    qsort(keys, n, sizeof *keys, key_cmp_rank);
    for (size_t i = 0; i < n; i++)
        c->members[i] = keys[i].m;
    c->nmembers = n;
    free(keys);
}

void sess_settle(nt_session *s)
{
    for (size_t i = 0; i < s->nchans; i++)
        if (s->chans[i].dirty && s->chans[i].names_done)
            chan_sort(s, &s->chans[i]);
}

char *sess_shared_channels(const nt_session *s, const char *nick)
{
    size_t total = 0;
    for (size_t i = 0; i < s->nchans; i++)
        if (sess_member_find(s, &s->chans[i], nick))
            total += strlen(s->chans[i].name) + 1;
    if (total == 0)
        return NULL;
    char *out = malloc(total);
    if (!out)
        abort();
    size_t o = 0;
    for (size_t i = 0; i < s->nchans; i++) {
        if (!sess_member_find(s, &s->chans[i], nick))
            continue;
        if (o)
            out[o++] = ' ';
        size_t n = strlen(s->chans[i].name);
        memcpy(out + o, s->chans[i].name, n);
        o += n;
    }
    out[o] = '\0';
    return out;
}

void sess_emit_members(nt_session *s, const char *channel, int64_t time)
{
    sess_event *e = sess_event_new(s, NT_EV_MEMBERS, NULL, NULL, time);
    sess_event_set(&e->channel, channel);
    sess_event_push(s, e);
}

/* ---- private chats --------------------------------------------------------- */

static size_t query_index(const nt_session *s, const char *nick)
{
    for (size_t i = 0; i < s->nqueries; i++)
        if (nt_casecmp(s->casemap, s->queries[i], nick) == 0)
            return i;
    return (size_t)-1;
}

void sess_query_touch(nt_session *s, const char *nick)
{
    if (!nick || !nick[0] || query_index(s, nick) != (size_t)-1)
        return;
    char **all = realloc(s->queries, (s->nqueries + 1) * sizeof *all);
    if (!all)
        abort();
    s->queries = all;
    s->queries[s->nqueries++] = sess_strdup(nick);
}

void sess_query_rename(nt_session *s, const char *old, const char *nick)
{
    size_t i = query_index(s, old);
    if (i != (size_t)-1)
        sess_set_str(&s->queries[i], nick);
}

void sess_queries_clear(nt_session *s)
{
    for (size_t i = 0; i < s->nqueries; i++)
        free(s->queries[i]);
    free(s->queries);
    s->queries = NULL;
    s->nqueries = 0;
}

size_t nt_session_query_count(const nt_session *s)
{
    return s->nqueries;
}

const char *nt_session_query_name(const nt_session *s, size_t i)
{
    return i < s->nqueries ? s->queries[i] : NULL;
}

void nt_session_close_query(nt_session *s, const char *nick)
{
    size_t i = nick ? query_index(s, nick) : (size_t)-1;
    if (i == (size_t)-1)
        return;
    free(s->queries[i]);
    memmove(&s->queries[i], &s->queries[i + 1], (s->nqueries - i - 1) * sizeof *s->queries);
    s->nqueries--;
}

/* ---- rejoining and join keys ----------------------------------------------- */

void sess_rejoin_clear(nt_session *s)
{
    for (size_t i = 0; i < s->nrejoin; i++) {
        free(s->rejoin_names[i]);
        free(s->rejoin_keys[i]);
    }
    free(s->rejoin_names);
    free(s->rejoin_keys);
    s->rejoin_names = s->rejoin_keys = NULL;
    s->nrejoin = 0;
}

void sess_rejoin_capture(nt_session *s)
{
    sess_rejoin_clear(s);
    s->rejoin_names = calloc(s->nchans, sizeof *s->rejoin_names);
    s->rejoin_keys = calloc(s->nchans, sizeof *s->rejoin_keys);
    if (!s->rejoin_names || !s->rejoin_keys)
        abort();
    for (size_t i = 0; i < s->nchans; i++) {
        s->rejoin_names[i] = sess_strdup(s->chans[i].name);
        s->rejoin_keys[i] = sess_strdup(s->chans[i].key);
    }
    s->nrejoin = s->nchans;
}

void sess_join_key_remember(nt_session *s, const char *channel, const char *key)
{
    sess_kv *all = realloc(s->join_keys, (s->njoin_keys + 1) * sizeof *all);
    if (!all)
        abort();
    s->join_keys = all;
    s->join_keys[s->njoin_keys].key = sess_strdup(channel);
    s->join_keys[s->njoin_keys].value = sess_strdup(key);
    s->njoin_keys++;
}

/* The key we joined channel with (heap, or NULL), forgotten from the list. */
static char *join_key_take(nt_session *s, const char *channel)
{
    for (size_t i = 0; i < s->njoin_keys; i++) {
        if (nt_casecmp(s->casemap, s->join_keys[i].key, channel) != 0)
            continue;
        char *key = s->join_keys[i].value;
        free(s->join_keys[i].key);
        s->join_keys[i] = s->join_keys[--s->njoin_keys];
        return key;
    }
    return NULL;
}

void sess_join_keys_clear(nt_session *s)
{
    for (size_t i = 0; i < s->njoin_keys; i++) {
        free(s->join_keys[i].key);
        free(s->join_keys[i].value);
    }
    free(s->join_keys);
    s->join_keys = NULL;
    s->njoin_keys = 0;
}

/* ---- server messages ------------------------------------------------------- */

/* An event with nick from m's source and channel in our spelling. */
static sess_event *chan_event(nt_session *s, nt_event_type type, const nt_msg *m,
                              const char *line, const char *channel)
{
    char nick[256];
    sess_event *e = sess_event_new(s, type, m, line, sess_msg_time(s, m));
    sess_event_set(&e->nick, sess_source_nick(m->source, nick, sizeof nick));
    if (channel)
        sess_event_set(&e->channel, chan_name(s, channel));
    e->self = sess_is_me(s, e->nick);
    return e;
}

void sess_on_join(nt_session *s, const nt_msg *m, const char *line)
{
    if (m->nparams < 1 || !m->source)
        return;
    const char *channel = m->params[0];
    char nick[256];
    sess_source_nick(m->source, nick, sizeof nick);
    int self = sess_is_me(s, nick);
    sess_channel *c;
    if (self) {
        if (strchr(m->source, '!'))
            sess_set_str(&s->hostmask, m->source);
        c = sess_chan_add(s, channel);
        free(c->key);
        c->key = join_key_take(s, channel);
    } else {
        c = sess_chan_find(s, channel);
    }
    sess_event *e = chan_event(s, NT_EV_JOIN, m, line, channel);
    int64_t t = e->time;
    sess_event_push(s, e);
    if (c) {
        sess_member_add(s, c, nick);
        if (!self)
            sess_emit_members(s, c->name, t);
    }
}

/* Someone left channel (PART or KICK): drop them, or the channel if it was us. */
static void leave(nt_session *s, const char *channel, const char *nick, int64_t t)
{
    sess_channel *c = sess_chan_find(s, channel);
    if (!c)
        return;
    if (sess_is_me(s, nick)) {
        sess_chan_remove(s, channel);
    } else if (sess_member_remove(s, c, nick)) {
        sess_emit_members(s, c->name, t);
    }
}

void sess_on_part(nt_session *s, const nt_msg *m, const char *line)
{
    if (m->nparams < 1 || !m->source)
        return;
    sess_event *e = chan_event(s, NT_EV_PART, m, line, m->params[0]);
    if (m->nparams >= 2)
        sess_event_set(&e->text, m->params[1]);
    sess_event_push(s, e);
    leave(s, m->params[0], e->nick, e->time);
}

void sess_on_kick(nt_session *s, const nt_msg *m, const char *line)
{
    if (m->nparams < 2)
        return;
    sess_event *e = chan_event(s, NT_EV_KICK, m, line, m->params[0]);
    sess_event_set(&e->target, m->params[1]);
    sess_event_set(&e->text, m->nparams >= 3 ? m->params[2] : "");
    e->self = sess_is_me(s, m->params[1]);  /* about us when we are the victim */
    sess_event_push(s, e);
    leave(s, m->params[0], m->params[1], e->time);
}

/* Emit MEMBERS for each channel in a space-separated list. */
static void members_changed(nt_session *s, const char *channels, int64_t t)
{
    const char *p = channels;
    while (p && *p) {
        size_t n = strcspn(p, " ");
        char *name = sess_strndup(p, n);
        sess_emit_members(s, name, t);
        free(name);
        p += n;
        while (*p == ' ')
            p++;
    }
}

void sess_on_quit(nt_session *s, const nt_msg *m, const char *line)
{
    if (!m->source)
        return;
    sess_event *e = chan_event(s, NT_EV_QUIT, m, line, NULL);
    sess_event_set(&e->text, m->nparams ? m->params[0] : "");
    e->channels = sess_shared_channels(s, e->nick);
    sess_event_push(s, e);
    for (size_t i = 0; i < s->nchans; i++)
        sess_member_remove(s, &s->chans[i], e->nick);
    members_changed(s, e->channels, e->time);
}

void sess_on_nick(nt_session *s, const nt_msg *m, const char *line)
{
    if (m->nparams < 1 || !m->source)
        return;
    const char *to = m->params[0];
    sess_event *e = chan_event(s, NT_EV_NICK, m, line, NULL);
    sess_event_set(&e->text, to);
    e->channels = sess_shared_channels(s, e->nick);
    sess_event_push(s, e);
    for (size_t i = 0; i < s->nchans; i++) {
        sess_member *mem = sess_member_find(s, &s->chans[i], e->nick);
        if (mem) {
            sess_set_str(&mem->nick, to);
            s->chans[i].dirty = 1;
        }
    }
    sess_query_rename(s, e->nick, to);
    if (e->self) {
        sess_set_str(&s->nick, to);
        sess_set_str(&s->want_nick, to);  /* a reconnect keeps the nick chosen */
        if (s->hostmask) {
            const char *rest = strchr(s->hostmask, '!');
            char *mask = malloc(strlen(to) + strlen(rest ? rest : "") + 1);
            if (!mask)
                abort();
            sprintf(mask, "%s%s", to, rest ? rest : "");
            free(s->hostmask);
            s->hostmask = mask;
        }
    }
    members_changed(s, e->channels, e->time);
}

/* Which CHANMODES class a mode letter is in: 'A' list, 'B' always a
 * parameter, 'C' a parameter when set, 'D' never; 'P' a prefix mode. */
static char mode_class(const nt_session *s, char mode)
{
    if (strchr(s->prefix_modes, mode))
        return 'P';
    char cls = 'A';
    for (const char *p = s->chanmodes; *p; p++) {
        if (*p == ',')
            cls++;
        else if (*p == mode)
            return cls;
    }
    return 'D';
}

/* Apply one channel mode change; returns 1 if the member list changed. */
static int apply_chan_mode(nt_session *s, sess_channel *c, char mode, int on, const char *arg)
{
    if (mode == 'k') {
        sess_set_str(&c->key, on ? arg : NULL);
        return 0;
    }
    const char *pm = strchr(s->prefix_modes, mode);
    if (!pm || !arg)
        return 0;
    sess_member *mem = sess_member_find(s, c, arg);
    if (!mem)
        return 0;
    sess_member_set_prefix(s, mem, s->prefix_chars[pm - s->prefix_modes], on);
    c->dirty = 1;
    return 1;
}

static int apply_chan_modes(nt_session *s, sess_channel *c, const nt_msg *m)
{
    int on = 1, changed = 0;
    size_t arg = 2;
    for (const char *p = m->params[1]; *p; p++) {
        if (*p == '+' || *p == '-') {
            on = *p == '+';
            continue;
        }
        char cls = mode_class(s, *p);
        int takes = cls == 'P' || cls == 'A' || cls == 'B' || (cls == 'C' && on);
        const char *a = takes && arg < m->nparams ? m->params[arg++] : NULL;
        changed |= apply_chan_mode(s, c, *p, on, a);
    }
    return changed;
}

static char *params_from(const nt_msg *m, size_t from)
{
    size_t total = 1;
    for (size_t i = from; i < m->nparams; i++)
        total += strlen(m->params[i]) + 1;
    char *t = calloc(1, total);
    if (!t)
        abort();
    for (size_t i = from; i < m->nparams; i++) {
        if (i > from)
            strcat(t, " ");
        strcat(t, m->params[i]);
    }
    return t;
}

void sess_on_mode(nt_session *s, const nt_msg *m, const char *line)
{
    if (m->nparams < 2)
        return;
    const char *target = m->params[0];
    int is_chan = nt_session_is_channel(s, target);
    sess_event *e = chan_event(s, NT_EV_MODE, m, line, is_chan ? target : NULL);
    sess_event_set(&e->target, is_chan ? e->channel : target);
    e->text = params_from(m, 1);
    e->self = sess_is_me(s, target) || e->self;
    sess_event_push(s, e);
    sess_channel *c = is_chan ? sess_chan_find(s, target) : NULL;
    if (c && apply_chan_modes(s, c, m))
        sess_emit_members(s, c->name, e->time);
}

static void set_topic(sess_channel *c, const char *topic, const char *setter, int64_t when)
{
    sess_set_str(&c->topic, topic && topic[0] ? topic : NULL);
    if (setter)
        sess_set_str(&c->topic_setter, setter);
    if (when)
        c->topic_time = when;
}

void sess_on_topic(nt_session *s, const nt_msg *m, const char *line)
{
    if (m->nparams < 1)
        return;
    sess_event *e = chan_event(s, NT_EV_TOPIC, m, line, m->params[0]);
    sess_event_set(&e->text, m->nparams >= 2 ? m->params[1] : "");
    sess_event_push(s, e);
    sess_channel *c = sess_chan_find(s, m->params[0]);
    if (c)
        set_topic(c, e->text, e->nick, e->time);
}

void sess_set_away(nt_session *s, const char *nick, int away, int64_t time)
{
    for (size_t i = 0; i < s->nchans; i++) {
        sess_member *mem = sess_member_find(s, &s->chans[i], nick);
        if (mem && mem->away != away) {
            mem->away = away;
            sess_emit_members(s, s->chans[i].name, time);
        }
    }
}

/* An AWAY event: text NULL means back. */
static void away_event(nt_session *s, const nt_msg *m, const char *line, const char *nick,
                       const char *text, int self)
{
    sess_event *e = sess_event_new(s, NT_EV_AWAY, m, line, sess_msg_time(s, m));
    sess_event_set(&e->nick, nick);
    sess_event_set(&e->text, text);
    e->self = self;
    if (!self)
        e->channels = sess_shared_channels(s, nick);
    sess_event_push(s, e);
    sess_set_away(s, nick, text != NULL, e->time);
}

void sess_on_away(nt_session *s, const nt_msg *m, const char *line)
{
    char nick[256];
    if (!sess_source_nick(m->source, nick, sizeof nick))
        return;
    const char *text = m->nparams >= 1 && m->params[0][0] ? m->params[0] : NULL;
    away_event(s, m, line, nick, text, sess_is_me(s, nick));
}

void sess_on_away_reply(nt_session *s, const nt_msg *m, const char *line)
{
    int code = atoi(m->command);
    if (code == 301) {           /* 301 me nick :message */
        if (m->nparams >= 3)
            away_event(s, m, line, m->params[1], m->params[2], 0);
        return;
    }
    s->is_away = code == 306;    /* 306 now away, 305 back */
    const char *text = NULL;
    if (code == 306)
        text = s->away_text ? s->away_text : m->nparams ? m->params[m->nparams - 1] : "";
    char *copy = sess_strdup(text);  /* away_text may be replaced below */
    away_event(s, m, line, s->nick, copy, 1);
    free(copy);
}

void sess_on_topic_reply(nt_session *s, const nt_msg *m, const char *line)
{
    int code = atoi(m->command);
    if (m->nparams < 3)
        return;
    sess_channel *c = sess_chan_find(s, m->params[1]);
    if (code == 333) {           /* 333 me #chan setter unix-seconds */
        if (c && m->nparams >= 4) {
            char nick[256];
            set_topic(c, c->topic, sess_source_nick(m->params[2], nick, sizeof nick),
                      strtoll(m->params[3], NULL, 10) * 1000);
        }
        sess_emit_numeric(s, NT_EV_SERVER_TEXT, m, line, code);
        return;
    }
    const char *topic = code == 332 ? m->params[2] : "";
    if (c)
        set_topic(c, topic, NULL, 0);
    sess_event *e = sess_event_new(s, NT_EV_TOPIC, m, line, sess_msg_time(s, m));
    sess_event_set(&e->channel, chan_name(s, m->params[1]));
    sess_event_set(&e->text, topic);
    e->code = code;
    sess_event_push(s, e);
}

void sess_on_names_reply(nt_session *s, const nt_msg *m, const char *line)
{
    /* 353 me = #chan :@op +voice plain   (the "=" is missing on old servers) */
    if (m->nparams < 3)
        return;
    const char *channel = m->params[m->nparams - 2];
    sess_channel *c = sess_chan_find(s, channel);
    if (!c) {
        sess_emit_numeric(s, NT_EV_SERVER_TEXT, m, line, 353);
        return;
    }
    if (c->names_done) {  /* a new list, not more of the last one */
        for (size_t i = 0; i < c->nmembers; i++)
            free(c->members[i].nick);
        c->nmembers = 0;
        c->names_done = 0;
    }
    const char *p = m->params[m->nparams - 1];
    while (*p) {
        size_t n = strcspn(p, " ");
        if (n > 0 && n < 512) {
            char spec[512];
            memcpy(spec, p, n);
            spec[n] = '\0';
            member_put(s, c, spec, 0);
        }
        p += n;
        while (*p == ' ')
            p++;
    }
}

void sess_on_names_end(nt_session *s, const nt_msg *m, const char *line)
{
    if (m->nparams < 2)
        return;
    sess_channel *c = sess_chan_find(s, m->params[1]);
    if (!c) {
        sess_emit_numeric(s, NT_EV_SERVER_TEXT, m, line, 366);
        return;
    }
    c->names_done = 1;
    chan_sort(s, c);
    sess_event *e = sess_event_new(s, NT_EV_NAMES, m, line, sess_msg_time(s, m));
    sess_event_set(&e->channel, c->name);
    sess_event_push(s, e);
}

void sess_on_who_reply(nt_session *s, const nt_msg *m, const char *line)
{
    /* 352 me #chan user host server nick flags :hops realname; flags H or G */
    (void)line;
    if (m->nparams < 7)
        return;
    const char *flags = m->params[6];
    if (flags[0] == 'H' || flags[0] == 'G')
        sess_set_away(s, m->params[5], flags[0] == 'G', sess_msg_time(s, m));
}

/* ---- state getters --------------------------------------------------------- */

size_t nt_session_channel_count(const nt_session *s)
{
    return s->nchans;
}

const char *nt_session_channel_name(const nt_session *s, size_t i)
{
    return i < s->nchans ? s->chans[i].name : NULL;
}

const char *nt_session_channel_topic(const nt_session *s, const char *channel)
{
    sess_channel *c = sess_chan_find(s, channel);
    return c ? c->topic : NULL;
}

int nt_session_in_channel(const nt_session *s, const char *channel)
{
    return sess_chan_find(s, channel) != NULL;
}

int nt_session_channel_topic_info(const nt_session *s, const char *channel,
                                  const char **setter, int64_t *when)
{
    sess_channel *c = sess_chan_find(s, channel);
    if (setter)
        *setter = c ? c->topic_setter : NULL;
    if (when)
        *when = c ? c->topic_time : 0;
    return c != NULL;
}

size_t nt_session_members(const nt_session *s, const char *channel, nt_member *out,
                          size_t max)
{
    sess_channel *c = sess_chan_find(s, channel);
    if (!c)
        return 0;
    for (size_t i = 0; i < c->nmembers && i < max; i++) {
        out[i].nick = c->members[i].nick;
        out[i].prefixes = c->members[i].prefixes;
        out[i].away = c->members[i].away;
    }
    return c->nmembers;
}
