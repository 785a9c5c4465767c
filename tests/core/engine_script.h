/* Scripted IRC exchanges against the sans-I/O engine: no sockets, a fake
 * clock, every client's output collected as text. Scenarios read like
 * transcripts:
 *
 *     es s; nt_engine_config cfg;
 *     es_config(&cfg);
 *     es_start(&s, &cfg);
 *     int a = es_reg(&s, "alice"), b = es_reg(&s, "bob");
 *     es_send(&s, a, "JOIN #natter");
 *     EXPECT(&s, a, ":alice!alice@10.0.0.* JOIN #natter");
 *     es_send(&s, b, "PRIVMSG #natter :hi");
 *     EXPECT(&s, a, ":bob!bob@* PRIVMSG #natter :hi");
 *     es_free(&s);
 *
 * Patterns are globs over one whole line without its CR LF ('*' any run,
 * '?' one character). Each client's text accumulates until es_clear. */
#ifndef ENGINE_SCRIPT_H
#define ENGINE_SCRIPT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <natter/natter.h>
#include "np_test.h"

#define ES_MAX 1200
#define ES_T0 INT64_C(1700000000000)   /* 2023-11-14T22:13:20Z */

typedef struct es_client {
    nt_conn_id id;
    char *text;                  /* lines, each ending in '\n' */
    size_t len, cap;
    int closed;
    char close_reason[128];
    size_t lines;                /* lines received since es_clear */
} es_client;

typedef struct es {
    nt_engine *e;
    int64_t now;
    es_client c[ES_MAX];
    size_t n;
    /* the distinct nt_line objects the last call produced (shared-line tests) */
    const nt_line **seen;
    size_t nseen, capseen;
    size_t outputs;              /* NT_OUT_SEND outputs of the last call */
} es;

static inline void es_config(nt_engine_config *cfg)
{
    nt_engine_config_defaults(cfg);
    cfg->server_name = "irc.test";
    cfg->network_name = "TestNet";
    cfg->motd = "Welcome to the test server\nSecond line";
    cfg->version = "natterd-test";
    cfg->flood_limits = 0;       /* scenarios send fast; flood tests turn it on */
}

static inline int es_glob(const char *pat, const char *s, size_t n)
{
    const char *star = NULL;
    size_t i = 0, resume = 0;
    while (i < n) {
        if (*pat == '*') {
            star = pat++;
            resume = i;
        } else if (*pat && (*pat == '?' || *pat == s[i])) {
            pat++;
            i++;
        } else if (star) {
            pat = star + 1;
            i = ++resume;
        } else {
            return 0;
        }
    }
    while (*pat == '*')
        pat++;
    return *pat == '\0';
}

static inline int es_index_of(const es *s, nt_conn_id id)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        if (s->c[i].id == id)
            return (int)i;
    return -1;
}

static inline void es_append(es_client *c, const char *data, size_t len)
{
    if (c->len + len + 2 > c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 4096;
        while (ncap < c->len + len + 2)
            ncap *= 2;
        c->text = (char *)realloc(c->text, ncap);
        c->cap = ncap;
    }
    memcpy(c->text + c->len, data, len);
    c->len += len;
    c->text[c->len++] = '\n';
    c->text[c->len] = '\0';
    c->lines++;
}

static inline void es_seen(es *s, const nt_line *l)
{
    size_t i;
    for (i = 0; i < s->nseen; i++)
        if (s->seen[i] == l)
            return;
    if (s->nseen == s->capseen) {
        s->capseen = s->capseen ? s->capseen * 2 : 64;
        s->seen = (const nt_line **)realloc((void *)s->seen, s->capseen * sizeof *s->seen);
    }
    s->seen[s->nseen++] = l;
}

/* Take every output. Lines stay referenced until the drain ends, so two
 * outputs with the same pointer really are one shared nt_line. */
static inline void es_drain(es *s)
{
    nt_output out;
    nt_line **hold = NULL;
    size_t nhold = 0, caphold = 0, i;
    s->nseen = 0;
    s->outputs = 0;
    while (nt_engine_next_output(s->e, &out)) {
        int idx = es_index_of(s, out.conn);
        if (out.kind == NT_OUT_SEND) {
            size_t len = nt_line_len(out.line);
            const char *d = nt_line_data(out.line);
            if (len >= 2 && d[len - 2] == '\r' && d[len - 1] == '\n')
                len -= 2;
            if (idx >= 0)
                es_append(&s->c[idx], d, len);
            es_seen(s, out.line);
            s->outputs++;
            if (nhold == caphold) {
                caphold = caphold ? caphold * 2 : 64;
                hold = (nt_line **)realloc(hold, caphold * sizeof *hold);
            }
            hold[nhold++] = out.line;
        } else if (idx >= 0) {
            s->c[idx].closed = 1;
            snprintf(s->c[idx].close_reason, sizeof s->c[idx].close_reason, "%s", out.reason);
        }
    }
    for (i = 0; i < nhold; i++)
        nt_line_unref(hold[i]);
    free(hold);
}

static inline void es_start(es *s, const nt_engine_config *cfg)
{
    memset(s, 0, sizeof *s);
    s->now = ES_T0;
    s->e = nt_engine_new(cfg, s->now);
}

static inline void es_free(es *s)
{
    size_t i;
    es_drain(s);
    nt_engine_free(s->e);
    for (i = 0; i < s->n; i++)
        free(s->c[i].text);
    free((void *)s->seen);
    memset(s, 0, sizeof *s);
}

/* A new connection from ip; returns the client's index. */
static inline int es_connect_ip(es *s, const char *ip)
{
    es_client *c = &s->c[s->n];
    memset(c, 0, sizeof *c);
    c->id = 1000 + s->n;         /* ids that are not indexes: catches mix-ups */
    s->n++;
    nt_engine_connect(s->e, c->id, ip, s->now);
    es_drain(s);
    return (int)(s->n - 1);
}

static inline int es_connect(es *s)
{
    char ip[32];
    snprintf(ip, sizeof ip, "10.0.%u.%u", (unsigned)(s->n / 250), (unsigned)(s->n % 250 + 1));
    return es_connect_ip(s, ip);
}

/* One raw line (exactly as given, no CR LF added) from client i. */
static inline void es_raw(es *s, int i, const char *line, size_t len)
{
    nt_engine_line(s->e, s->c[i].id, line, len, s->now);
    es_drain(s);
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static inline void es_send(es *s, int i, const char *fmt, ...)
{
    char buf[16384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    es_raw(s, i, buf, strlen(buf));
}

static inline void es_clear(es *s, int i)
{
    s->c[i].len = 0;
    s->c[i].lines = 0;
    if (s->c[i].text)
        s->c[i].text[0] = '\0';
}

static inline void es_clear_all(es *s)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        es_clear(s, (int)i);
}

/* Connect and register nick (user = nick), with CAP REQ for caps when given;
 * the welcome burst is cleared. */
static inline int es_reg_caps(es *s, const char *nick, const char *caps)
{
    int i = es_connect(s);
    if (caps && *caps) {
        es_send(s, i, "CAP LS 302");
        es_send(s, i, "CAP REQ :%s", caps);
    }
    es_send(s, i, "NICK %s", nick);
    es_send(s, i, "USER %s 0 * :%s Real", nick, nick);
    if (caps && *caps)
        es_send(s, i, "CAP END");
    es_clear(s, i);
    return i;
}

static inline int es_reg(es *s, const char *nick)
{
    return es_reg_caps(s, nick, NULL);
}

static inline void es_tick(es *s, int64_t ms)
{
    s->now += ms;
    nt_engine_tick(s->e, s->now);
    es_drain(s);
}

static inline void es_close(es *s, int i, const char *reason)
{
    nt_engine_closed(s->e, s->c[i].id, reason, s->now);
    es_drain(s);
}

/* How many of client i's lines match pat. */
static inline size_t es_count(const es *s, int i, const char *pat)
{
    const char *p = s->c[i].text;
    size_t n = 0;
    if (!p)
        return 0;
    while (*p) {
        const char *nl = strchr(p, '\n');
        if (es_glob(pat, p, (size_t)(nl - p)))
            n++;
        p = nl + 1;
    }
    return n;
}

static inline int es_has(const es *s, int i, const char *pat)
{
    return es_count(s, i, pat) > 0;
}

/* The position (0-based) of the first line matching pat, or -1: for order. */
static inline int es_pos(const es *s, int i, const char *pat)
{
    const char *p = s->c[i].text;
    int k = 0;
    if (!p)
        return -1;
    while (*p) {
        const char *nl = strchr(p, '\n');
        if (es_glob(pat, p, (size_t)(nl - p)))
            return k;
        p = nl + 1;
        k++;
    }
    return -1;
}

static inline const char *es_text(const es *s, int i)
{
    return s->c[i].text ? s->c[i].text : "(nothing)\n";
}

#define EXPECT(s, i, pat) CHECK_MSG(es_has((s), (i), (pat)), \
    "client %d has no line matching \"%s\"; it got:\n%s", (i), (pat), es_text((s), (i)))
#define EXPECT_NOT(s, i, pat) CHECK_MSG(!es_has((s), (i), (pat)), \
    "client %d has a line matching \"%s\"; it got:\n%s", (i), (pat), es_text((s), (i)))
#define EXPECT_COUNT(s, i, pat, n) CHECK_MSG(es_count((s), (i), (pat)) == (size_t)(n), \
    "client %d has %u lines matching \"%s\", expected %u; it got:\n%s", (i), \
    (unsigned)es_count((s), (i), (pat)), (pat), (unsigned)(n), es_text((s), (i)))
#define EXPECT_NOTHING(s, i) CHECK_MSG((s)->c[i].lines == 0, \
    "client %d should have received nothing; it got:\n%s", (i), es_text((s), (i)))
#define EXPECT_BEFORE(s, i, pat1, pat2) CHECK_MSG(es_pos((s), (i), (pat1)) >= 0 && \
    es_pos((s), (i), (pat2)) > es_pos((s), (i), (pat1)), \
    "client %d: \"%s\" should come before \"%s\"; it got:\n%s", (i), (pat1), (pat2), \
    es_text((s), (i)))

#endif /* ENGINE_SCRIPT_H */
