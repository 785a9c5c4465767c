/* libnatter: the client session's registration — CAP negotiation (CAP LS 302,
 * REQ of what we can use, CAP END), ISUPPORT, the nick-in-use fallback before
 * 001 and the welcome itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "session_internal.h"

/* The capabilities we ask for when offered; nothing else is requested, so the
 * server never sends us syntax we do not parse. */
static const char *const wanted_caps[] = {
    "server-time", "echo-message", "multi-prefix", "message-tags", "away-notify",
};

void sess_caps_clear(nt_session *s)
{
    for (size_t i = 0; i < s->ncaps; i++)
        free(s->caps[i]);
    free(s->caps);
    s->caps = NULL;
    s->ncaps = 0;
    free(s->cap_ls);
    s->cap_ls = NULL;
}

void sess_isupport_clear(nt_session *s)
{
    for (size_t i = 0; i < s->nisupport; i++) {
        free(s->isupport[i].key);
        free(s->isupport[i].value);
    }
    free(s->isupport);
    s->isupport = NULL;
    s->nisupport = 0;
}

/* What RFC 1459 servers mean when they say nothing. */
void sess_isupport_defaults(nt_session *s)
{
    sess_isupport_clear(s);
    s->casemap = NT_CASEMAP_RFC1459;
    strcpy(s->prefix_modes, "ov");
    strcpy(s->prefix_chars, "@+");
    sess_set_str(&s->chantypes, "#&");
    sess_set_str(&s->chanmodes, "beI,k,l,imnpst");
    s->nicklen = 0;
}

/* ---- CAP ------------------------------------------------------------------- */

static int cap_wanted(const char *cap, size_t n)
{
    for (size_t i = 0; i < sizeof wanted_caps / sizeof wanted_caps[0]; i++)
        if (strlen(wanted_caps[i]) == n && memcmp(wanted_caps[i], cap, n) == 0)
            return 1;
    return 0;
}

static size_t cap_index(const nt_session *s, const char *cap, size_t n)
{
    for (size_t i = 0; i < s->ncaps; i++)
        if (strlen(s->caps[i]) == n && memcmp(s->caps[i], cap, n) == 0)
            return i;
    return (size_t)-1;
}

static void cap_set(nt_session *s, const char *cap, size_t n, int on)
{
    size_t i = cap_index(s, cap, n);
    if (on && i == (size_t)-1) {
        char **caps = realloc(s->caps, (s->ncaps + 1) * sizeof *caps);
        if (!caps)
            abort();
        s->caps = caps;
        s->caps[s->ncaps++] = sess_strndup(cap, n);
    } else if (!on && i != (size_t)-1) {
        free(s->caps[i]);
        s->caps[i] = s->caps[--s->ncaps];
    }
}

/* Walk a space-separated cap list, calling fn(name, len) for each name with its
 * "=value" cut off and its '-' kept. */
static void cap_each(nt_session *s, const char *list,
                     void (*fn)(nt_session *, const char *, size_t, void *), void *arg)
{
    const char *p = list;
    while (p && *p) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        size_t name = strcspn(p, " =");
        if (n > 0)
            fn(s, p, name < n ? name : n, arg);
        p += n;
    }
}

/* Collect into a REQ line the wanted caps from a list that are not on yet. */
static void cap_collect(nt_session *s, const char *cap, size_t n, void *arg)
{
    char *req = arg;
    if (!cap_wanted(cap, n) || cap_index(s, cap, n) != (size_t)-1)
        return;
    size_t used = strlen(req);
    if (used + n + 2 >= NT_LINE_MAX - 16)
        return;
    if (used)
        req[used++] = ' ';
    memcpy(req + used, cap, n);
    req[used + n] = '\0';
}

static void cap_ack_one(nt_session *s, const char *cap, size_t n, void *arg)
{
    (void)arg;
    if (cap[0] == '-')
        cap_set(s, cap + 1, n - 1, 0);
    else
        cap_set(s, cap, n, 1);
}

static void cap_del_one(nt_session *s, const char *cap, size_t n, void *arg)
{
    (void)arg;
    cap_set(s, cap, n, 0);
}

static void cap_end(nt_session *s)
{
    if (s->cap_negotiating && !s->registered)
        sess_send_raw(s, "CAP END", 7);
    s->cap_negotiating = 0;
}

/* Ask for the wanted caps in list; returns 1 if a REQ went out. */
static int cap_request(nt_session *s, const char *list)
{
    char req[NT_LINE_MAX] = "";
    cap_each(s, list, cap_collect, req);
    if (!req[0])
        return 0;
    const char *p[] = { "REQ", req };
    sess_send(s, "CAP", p, 2);
    return 1;
}

void sess_on_cap(nt_session *s, const nt_msg *m)
{
    if (m->nparams < 3)
        return;
    const char *sub = m->params[1];
    const char *list = m->params[m->nparams - 1];
    int more = m->nparams >= 4 && strcmp(m->params[2], "*") == 0;
    if (strcmp(sub, "LS") == 0) {
        size_t had = s->cap_ls ? strlen(s->cap_ls) : 0;
        char *all = malloc(had + strlen(list) + 2);
        if (!all)
            abort();
        snprintf(all, had + strlen(list) + 2, "%s%s%s", had ? s->cap_ls : "", had ? " " : "", list);
        free(s->cap_ls);
        s->cap_ls = all;
        if (more)
            return;  /* a multi-line LS: the last line has no "*" */
        if (!cap_request(s, s->cap_ls))
            cap_end(s);
    } else if (strcmp(sub, "ACK") == 0) {
        cap_each(s, list, cap_ack_one, NULL);
        cap_end(s);
    } else if (strcmp(sub, "NAK") == 0) {
        cap_end(s);
    } else if (strcmp(sub, "NEW") == 0) {
        cap_request(s, list);
    } else if (strcmp(sub, "DEL") == 0) {
        cap_each(s, list, cap_del_one, NULL);
    }
}

int nt_session_has_cap(const nt_session *s, const char *cap)
{
    return cap && cap_index(s, cap, strlen(cap)) != (size_t)-1;
}

/* ---- ISUPPORT -------------------------------------------------------------- */

/* Values may escape bytes as \xHH (e.g. NETWORK=Some\x20Net). */
static char *isupport_unescape(const char *v)
{
    char *out = sess_strdup(v);
    size_t o = 0;
    for (size_t i = 0; v[i]; i++) {
        unsigned hi, lo;
        if (v[i] == '\\' && v[i + 1] == 'x' && sscanf(v + i + 2, "%1x%1x", &hi, &lo) == 2) {
            out[o++] = (char)(hi * 16 + lo);
            i += 3;
        } else {
            out[o++] = v[i];
        }
    }
    out[o] = '\0';
    return out;
}

static sess_kv *isupport_find(const nt_session *s, const char *key, size_t n)
{
    for (size_t i = 0; i < s->nisupport; i++)
        if (strlen(s->isupport[i].key) == n && memcmp(s->isupport[i].key, key, n) == 0)
            return &s->isupport[i];
    return NULL;
}

/* PREFIX=(ov)@+ : the modes and their characters, highest rank first. */
static void apply_prefix(nt_session *s, const char *v)
{
    const char *close = v[0] == '(' ? strchr(v, ')') : NULL;
    size_t n = close ? (size_t)(close - v - 1) : 0;
    if (!close || strlen(close + 1) != n || n > SESS_PREFIX_MAX)
        return;  /* malformed: keep what we had */
    memcpy(s->prefix_modes, v + 1, n);
    s->prefix_modes[n] = '\0';
    memcpy(s->prefix_chars, close + 1, n);
    s->prefix_chars[n] = '\0';
}

static void apply_isupport(nt_session *s, const char *key, const char *value)
{
    if (strcmp(key, "CASEMAPPING") == 0) {
        /* strict-rfc1459 is close enough to rfc1459; anything unknown (rfc7613)
         * folds at least ASCII letters, as rfc1459 does. */
        int cm = nt_casemap_parse(value);
        s->casemap = cm == (int)NT_CASEMAP_ASCII ? NT_CASEMAP_ASCII : NT_CASEMAP_RFC1459;
    } else if (strcmp(key, "PREFIX") == 0) {
        apply_prefix(s, value);
    } else if (strcmp(key, "CHANTYPES") == 0) {
        sess_set_str(&s->chantypes, value);
    } else if (strcmp(key, "CHANMODES") == 0) {
        sess_set_str(&s->chanmodes, value);
    } else if (strcmp(key, "NICKLEN") == 0) {
        s->nicklen = (size_t)strtoul(value, NULL, 10);
    }
}

static void isupport_token(nt_session *s, const char *tok)
{
    if (tok[0] == '-') {  /* "-KEY": no longer advertised */
        sess_kv *kv = isupport_find(s, tok + 1, strlen(tok + 1));
        if (kv) {
            free(kv->key);
            free(kv->value);
            *kv = s->isupport[--s->nisupport];
        }
        return;
    }
    size_t klen = strcspn(tok, "=");
    char *value = isupport_unescape(tok[klen] == '=' ? tok + klen + 1 : "");
    sess_kv *kv = isupport_find(s, tok, klen);
    if (!kv) {
        sess_kv *all = realloc(s->isupport, (s->nisupport + 1) * sizeof *all);
        if (!all)
            abort();
        s->isupport = all;
        kv = &s->isupport[s->nisupport++];
        kv->key = sess_strndup(tok, klen);
        kv->value = NULL;
    }
    free(kv->value);
    kv->value = value;
    apply_isupport(s, kv->key, kv->value);
}

void sess_on_isupport(nt_session *s, const nt_msg *m)
{
    /* 005 me TOKEN... :are supported by this server */
    for (size_t i = 1; i + 1 < m->nparams; i++)
        if (m->params[i][0])
            isupport_token(s, m->params[i]);
}

const char *nt_session_isupport(const nt_session *s, const char *key)
{
    sess_kv *kv = key ? isupport_find(s, key, strlen(key)) : NULL;
    return kv ? kv->value : NULL;
}

/* ---- registration ---------------------------------------------------------- */

/* The n-th alternative to base: base_, base__, base1, base2... cut to maxlen
 * (0: no limit) so that a server with a short NICKLEN accepts it. */
static void alt_nick(const char *base, int n, size_t maxlen, char *out, size_t cap)
{
    char suffix[16];
    if (n <= 2)
        snprintf(suffix, sizeof suffix, "%s", n == 1 ? "_" : "__");
    else
        snprintf(suffix, sizeof suffix, "%d", n - 2);
    size_t blen = strlen(base), slen = strlen(suffix);
    if (maxlen && blen + slen > maxlen)
        blen = maxlen > slen ? maxlen - slen : 1;
    if (blen + slen + 1 > cap)
        blen = cap - slen - 1;
    snprintf(out, cap, "%.*s%s", (int)blen, base, suffix);
}

/* 433/436/437 (or 432 for a fallback) before 001: try the next alternative. */
void sess_nick_fallback(nt_session *s, const nt_msg *m, const char *line, int code)
{
    char next[64];
    size_t maxlen = s->nicklen;
    if (code == 432 && s->nick_attempt > 0) {
        /* Our own alternative was refused: most likely too long. */
        maxlen = strlen(s->nick) > 2 ? strlen(s->nick) - 1 : 1;
        s->nicklen = maxlen;
    }
    if (++s->nick_attempt > SESS_NICK_ATTEMPTS) {
        sess_emit(s, NT_EV_ERROR, m, line, "No free nickname: give another with /nick", code);
        return;
    }
    alt_nick(s->want_nick, s->nick_attempt, maxlen, next, sizeof next);
    char text[160];
    snprintf(text, sizeof text, "Nickname %s is unavailable, trying %s", s->nick, next);
    sess_emit(s, NT_EV_SERVER_TEXT, m, line, text, code);
    sess_set_str(&s->nick, next);
    const char *p[] = { next };
    sess_send(s, "NICK", p, 1);
}

static void rejoin_channels(nt_session *s)
{
    for (size_t i = 0; i < s->nrejoin; i++)
        nt_session_join(s, s->rejoin_names[i], s->rejoin_keys[i]);
    sess_rejoin_clear(s);
}

void sess_on_welcome(nt_session *s, const nt_msg *m, const char *line)
{
    s->registered = 1;
    s->cap_negotiating = 0;
    if (m->nparams >= 1)
        sess_set_str(&s->nick, m->params[0]);
    if (m->source && !s->server_name)
        sess_set_str(&s->server_name, m->source);
    sess_event *e = sess_event_new(s, NT_EV_REGISTERED, m, line, sess_msg_time(s, m));
    sess_event_set(&e->nick, s->nick);
    sess_event_set(&e->text, m->nparams >= 2 ? m->params[m->nparams - 1] : "");
    e->self = 1;
    sess_event_push(s, e);
    rejoin_channels(s);
}
