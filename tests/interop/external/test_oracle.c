/* ngircd as a differential oracle for natterd.
 *
 * The same command sequence goes to ngircd 26 and to natterd: registration,
 * JOIN, TOPIC, NAMES, WHO, WHOIS, MODE queries, messages to a missing nick and
 * channel, an unknown command, PART of a channel not joined, NICK in use, an
 * erroneous nick, missing parameters, QUIT. Each reply is collected exactly
 * (every command is followed by PING :token and the reply ends at the PONG),
 * normalized (server names, nick!user@host masks, ident '~', numbers such as
 * timestamps, free-text trailing parameters) and compared.
 *
 * Asserted: for every step, the numerics RFC 2812 requires in that situation
 * (the "core" column) come from both servers, and for error situations the
 * two send exactly the same set of numerics. Printed, not failed: everything
 * else that differs (extra numerics, parameter shapes) — the documented
 * differences, each with the reason we accept it. */
#include "peers.h"

#define STEP_MS 20000

/* alice (A) and bob (B) share a channel; the others mostly ask stateless
 * questions, so that ngircd's per-client penalties (an error reply or a costly
 * query delays that client's next line by 1-10 s) run side by side. */
typedef enum who { A, B, C, D, E, F, G, NWHO } who;
static const char *const who_nick[NWHO] = { "alice", "bob", "carol", "dave", "erin",
                                            "frank", "grace" };

typedef enum step_kind {
    EXCHANGE,       /* cmd, then PING :token; the reply ends at the PONG */
    UNTIL           /* cmd (lines separated by '\n'); the reply ends at a line
                       whose command is in `until` (space separated) */
} step_kind;

typedef struct step {
    who who;
    step_kind kind;
    const char *cmd;
    const char *until;
    const char *core;   /* numerics both must send (space separated; "a|b": either) */
    int exact;          /* the numeric sets must be equal */
    const char *note;   /* why a difference here is accepted */
    int barrier;        /* 1: depends on the steps just before, wait for them;
                           ALONE: also nothing after it may run alongside */
} step;
#define ALONE 2

/* Part "core": the situations of the issue — registration, JOIN, TOPIC, NAMES,
 * WHO, WHOIS, MODE queries, messages to nobody, unknown command, PART of a
 * channel not joined, NICK in use and erroneous, missing parameters. */
static const step steps_core[] = {
    { A, UNTIL, "PRIVMSG alice :before registration", "451", "451", 1, NULL, 0 },
    { A, UNTIL, "NICK alice\nUSER alice 0 * :Alice Oracle", "376 422",
      "001 002 003 004 005 251 375 372 376", 0,
      "LUSERS details differ: ngircd adds 250 (highest connection count)", 0 },
    { B, UNTIL, "NICK alice\nUSER bob 0 * :Bob Oracle", "433", "433", 1, NULL, 1 },
    { B, UNTIL, "NICK bob", "376 422", "001 002 003 004 005 251 375 372 376", 0,
      "LUSERS details differ", 0 },
    { C, UNTIL, "NICK carol\nUSER carol 0 * :Carol Oracle", "376 422", "001 005", 0,
      "LUSERS details differ", 0 },
    { D, UNTIL, "NICK dave\nUSER dave 0 * :Dave Oracle", "376 422", "001 005", 0,
      "LUSERS details differ", 0 },
    { A, EXCHANGE, "JOIN #oracle", NULL, "353 366", 0,
      "a server may add 324/329 or a topic (none yet) on join", 1 },
    { C, EXCHANGE, "WHOIS nosuchnick", NULL, "401", 0,
      "RFC 2812 sends 401; a closing 318 is optional", 0 },
    { A, EXCHANGE, "TOPIC #oracle :the oracle speaks", NULL, "", 1, NULL, 0 },
    { D, EXCHANGE, "MODE #nosuchchan", NULL, "401|403", 0,
      "MODE on a missing channel: ngircd says 401 (no such nick/channel), natterd and "
      "InspIRCd 403 (no such channel); RFC 2812 names neither", 0 },
    { A, EXCHANGE, "TOPIC #oracle", NULL, "332 333", 1, NULL, 0 },
    { C, EXCHANGE, "PRIVMSG nosuchnick :anyone there?", NULL, "401", 1, NULL, 0 },
    { A, EXCHANGE, "NAMES #oracle", NULL, "353 366", 1, NULL, 0 },
    { D, EXCHANGE, "PRIVMSG #nosuchchan :anyone there?", NULL, "401|403", 0,
      "either 401 (RFC 2812: no such nick/channel) or 403 is allowed", 0 },
    { A, EXCHANGE, "WHO #oracle", NULL, "352 315", 1, NULL, 0 },
    { C, EXCHANGE, "FOOBAR baz", NULL, "421", 1, NULL, 0 },
    { A, EXCHANGE, "WHOIS alice", NULL, "311 312 318", 0,
      "optional WHOIS lines differ (ngircd adds 378 host and 379 modes)", 0 },
    { D, EXCHANGE, "PART #nosuchchan", NULL, "403", 1, NULL, 0 },
    { A, EXCHANGE, "MODE #oracle", NULL, "324", 0, "329 (creation time) is optional", 0 },
    { B, EXCHANGE, "PART #oracle", NULL, "442", 1, NULL, 1 },
    { C, EXCHANGE, "NICK 1bad", NULL, "432", 1, NULL, 0 },
    { A, EXCHANGE, "MODE alice", NULL, "221", 1, NULL, 0 },
    { D, EXCHANGE, "NICK", NULL, "431|461", 0,
      "NICK without a nick: RFC 2812 says 431 (natterd); ngircd says 461", 0 },
    { B, EXCHANGE, "NICK alice", NULL, "433", 1, NULL, 0 },
    { C, EXCHANGE, "JOIN", NULL, "461", 1, NULL, 0 },
    { A, EXCHANGE, "MODE #oracle +b", NULL, "368", 1, NULL, 0 },
    { D, EXCHANGE, "PRIVMSG", NULL, "411|461", 0,
      "411 (no recipient) per RFC 2812; 461 is common too", 0 },
    { B, EXCHANGE, "JOIN #oracle", NULL, "332 333 353 366", 0, NULL, 0 },
    { C, EXCHANGE, "PRIVMSG alice", NULL, "412|461", 0,
      "412 (no text) per RFC 2812; 461 is common too", 0 },
    { B, EXCHANGE, "TOPIC #oracle :bob's topic", NULL, "", 0,
      "channel defaults differ: natterd creates channels +nt (bob, no op, gets 482); "
      "ngircd creates them with no modes (the topic changes)", 0 },
    { D, EXCHANGE, "ISON alice bob nosuchnick", NULL, "303", 1, NULL, 0 },
    { B, EXCHANGE, "KICK #oracle alice", NULL, "482", 1, NULL, 0 },
    { C, EXCHANGE, "USERHOST alice", NULL, "302", 1, NULL, 0 },
    { B, EXCHANGE, "AWAY :lunch", NULL, "306", 1, NULL, 0 },
    { D, EXCHANGE, "LIST", NULL, "322 323", 0, "321 (list start) is obsolete and optional", 1 },
    { A, EXCHANGE, "PRIVMSG bob :are you there?", NULL, "301", 1, NULL, ALONE },
    { C, EXCHANGE, "USER again 0 * :again", NULL, "462", 1, NULL, 0 },
    { B, EXCHANGE, "AWAY", NULL, "305", 1, NULL, 0 },
    { D, EXCHANGE, "NOTICE nosuchnick :quiet", NULL, "", 0,
      "NOTICE never gets an automatic error reply (RFC 2812 3.3.2)", 0 },
    { A, UNTIL, "QUIT :bye", "ERROR", "", 0, NULL, 1 },
};

/* Part "more": server queries, channel modes, keys, invites, limits, kicks. */
static const step steps_more[] = {
    { A, UNTIL, "NICK alice\nUSER alice 0 * :Alice Oracle", "376 422", "001", 0,
      "LUSERS details differ", 0 },
    { B, UNTIL, "NICK bob\nUSER bob 0 * :Bob Oracle", "376 422", "001", 0,
      "LUSERS details differ", 0 },
    { C, UNTIL, "NICK carol\nUSER carol 0 * :Carol Oracle", "376 422", "001", 0,
      "LUSERS details differ", 0 },
    { D, UNTIL, "NICK dave\nUSER dave 0 * :Dave Oracle", "376 422", "001", 0,
      "LUSERS details differ", 0 },
    { E, UNTIL, "NICK erin\nUSER erin 0 * :Erin Oracle", "376 422", "001", 0,
      "LUSERS details differ", 0 },
    { F, UNTIL, "NICK frank\nUSER frank 0 * :Frank Oracle", "376 422", "001", 0,
      "LUSERS details differ", 0 },
    { G, UNTIL, "NICK grace\nUSER grace 0 * :Grace Oracle", "376 422", "001", 0,
      "LUSERS details differ", 0 },
    { A, EXCHANGE, "JOIN #oracle", NULL, "353 366", 0, NULL, 1 },
    { B, EXCHANGE, "JOIN #oracle", NULL, "353 366", 0, NULL, 1 },
    { A, EXCHANGE, "TOPIC #oracle :the oracle speaks", NULL, "", 1, NULL, 1 },
    /* Server queries. */
    { E, EXCHANGE, "PING", NULL, "409", 1, NULL, 0 },
    { C, EXCHANGE, "WHOWAS nosuchnick", NULL, "406 369", 1, NULL, 0 },
    { D, EXCHANGE, "NAMES #nosuchchan", NULL, "366", 1, NULL, 0 },
    { E, EXCHANGE, "VERSION", NULL, "351", 0, "a server may repeat 005 after 351", 0 },
    { C, EXCHANGE, "TOPIC #nosuchchan", NULL, "403|442", 0,
      "TOPIC of a missing channel: 403 or 442 (not on channel)", 0 },
    { D, EXCHANGE, "WHO alice", NULL, "352 315", 1, NULL, 0 },
    { F, EXCHANGE, "TIME", NULL, "391", 1, NULL, 0 },
    /* ngircd delays a client's next line by up to 10 s after these, so their
     * replies end at the expected numeric instead of a PING round trip. */
    { C, UNTIL, "OPER nobody wrongpass", "381 464 491", "464|491", 0,
      "a failed OPER: 464 (password incorrect) or 491 (no O-lines for your host)", 0 },
    { D, UNTIL, "KILL alice :no", "481 ERROR KILL", "481", 1, NULL, 0 },
    { G, EXCHANGE, "ADMIN", NULL, "256 257 258 259", 0, "ADMIN lines are optional", 0 },
    { E, EXCHANGE, "LUSERS", NULL, "251 255", 0, "LUSERS: 252-254, 265/266, 250 vary", 0 },
    { F, EXCHANGE, "MOTD", NULL, "375 372 376", 1, NULL, 0 },
    { G, EXCHANGE, "INFO", NULL, "371 374", 0, "INFO text is free-form", 0 },
    { F, EXCHANGE, "USERHOST", NULL, "461", 1, NULL, 0 },
    /* Case mapping: nicks differ only in case -> in use everywhere; "[" and
     * "{" are the same letter under rfc1459 (natterd) but not under ascii
     * (ngircd's CASEMAPPING). */
    { G, EXCHANGE, "NICK ALICE", NULL, "433", 1, NULL, 0 },
    { E, EXCHANGE, "NICK erin[x]", NULL, "", 1, NULL, 0 },
    { F, EXCHANGE, "NICK ERIN{X}", NULL, "", 0,
      "CASEMAPPING: under rfc1459 (natterd) erin{x} is erin[x], so 433; under ascii "
      "(ngircd) it is a different nick", 1 },
    { B, EXCHANGE, "ISON", NULL, "461", 1, NULL, 0 },
    /* Channel operations by alice, the channel operator: each alone, in order. */
    { A, EXCHANGE, "MODE #oracle +o nosuchnick", NULL, "401|441", 0,
      "+o for a missing nick: 401 (no such nick) or 441 (not on channel)", ALONE },
    { A, EXCHANGE, "MODE #oracle +Z", NULL, "472", 1, NULL, 0 },
    { A, EXCHANGE, "MODE #oracle +v bob", NULL, "", 1, NULL, 0 },
    { A, EXCHANGE, "INVITE nosuchnick #oracle", NULL, "401", 1, NULL, 0 },
    { A, EXCHANGE, "MODE #oracle +k sesame", NULL, "", 1, NULL, ALONE },
    { D, EXCHANGE, "JOIN #oracle", NULL, "475", 1, NULL, ALONE },
    { A, EXCHANGE, "MODE #oracle -k+i sesame", NULL, "", 1, NULL, ALONE },
    { E, EXCHANGE, "JOIN #oracle", NULL, "473", 1, NULL, ALONE },
    { A, EXCHANGE, "INVITE carol #oracle", NULL, "341", 1,
      "ngircd sends its 341 with the invited user's mask as the source", ALONE },
    { C, EXCHANGE, "JOIN #oracle", NULL, "332 333 353 366", 0,
      "carol was invited, so +i lets her in", ALONE },
    { A, EXCHANGE, "MODE #oracle -i+l 3", NULL, "", 1, NULL, ALONE },
    { D, EXCHANGE, "JOIN #oracle", NULL, "471", 1, NULL, ALONE },
    { A, EXCHANGE, "KICK #oracle bob :out you go", NULL, "", 1, NULL, ALONE },
    { B, EXCHANGE, "PRIVMSG #oracle :still here?", NULL, "", 0,
      "+n: an outsider gets 404 (cannot send); ngircd creates channels without +n",
      ALONE },
    { C, EXCHANGE, "JOIN 0", NULL, "", 1, "JOIN 0 parts every channel: PART lines only",
      ALONE },
    { A, UNTIL, "QUIT :bye", "ERROR", "", 0, NULL, 1 },
};

#define MAX_STEPS 64

typedef struct part {
    const char *name;
    const step *steps;
    size_t n;
} part;

static const part parts[] = {
    { "core", steps_core, sizeof steps_core / sizeof steps_core[0] },
    { "more", steps_more, sizeof steps_more / sizeof steps_more[0] },
};
static const part *g_part = &parts[0];

typedef struct result {
    irc_reply reply;
    char norm[IRC_REPLY_MAX][600];
    char numerics[256];     /* sorted, unique commands of the reply (no PONG) */
} result;

/* ---- normalization -------------------------------------------------------- */

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static int is_numeric(const char *cmd)
{
    return strlen(cmd) == 3 && all_digits(cmd);
}

/* Numerics whose last parameter is data, not a sentence. */
static int trailing_is_data(const char *cmd)
{
    static const char *const data[] = { "353", "332", "324", "221", "303", "302", "319",
                                        "004", "005", "JOIN", "PART", "TOPIC", "NICK",
                                        "PRIVMSG", "KICK", NULL };
    for (size_t i = 0; data[i]; i++)
        if (strcmp(cmd, data[i]) == 0)
            return 1;
    return 0;
}

/* Replace every occurrence of `what` in s (in place, cap bytes) with `with`. */
static void replace_all(char *s, size_t cap, const char *what, const char *with)
{
    char out[1024];
    size_t o = 0, wl = strlen(what);
    if (!wl)
        return;
    for (const char *p = s; *p && o + 1 < sizeof out;) {
        if (strncmp(p, what, wl) == 0) {
            for (const char *w = with; *w && o + 1 < sizeof out; w++)
                out[o++] = *w;
            p += wl;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    if (o >= cap)
        o = cap - 1;
    memcpy(s, out, o);
    s[o] = '\0';
}

static void norm_param(char *out, size_t cap, const char *param, const char *server)
{
    snprintf(out, cap, "%s", param);
    replace_all(out, cap, server, "<srv>");
    replace_all(out, cap, "127.0.0.1", "<host>");
    replace_all(out, cap, "localhost", "<host>");
    if (all_digits(out))
        snprintf(out, cap, "<n>");
    else if (out[0] == '~' && out[1] && out[1] != '#')
        memmove(out, out + 1, strlen(out));   /* ident prefix of a user name */
    replace_all(out, cap, "=+~", "=+");       /* ... inside USERHOST replies */
    replace_all(out, cap, "=-~", "=-");
}

static void normalize(const char *line, const char *server, char *out, size_t cap)
{
    nt_msg *m = malloc(sizeof *m);
    size_t o = 0;
    if (!m || nt_msg_parse(line, strlen(line), m) != NT_MSG_OK) {
        snprintf(out, cap, "?%s", line);
        free(m);
        return;
    }
    if (m->source) {
        const char *bang = strchr(m->source, '!');
        if (peers_strcaseeq(m->source, server))
            o += (size_t)snprintf(out + o, cap - o, ":<srv> ");
        else if (bang)
            o += (size_t)snprintf(out + o, cap - o, ":%.*s!<u>@<h> ",
                                  (int)(bang - m->source), m->source);
        else
            o += (size_t)snprintf(out + o, cap - o, ":%s ", m->source);
    }
    o += (size_t)snprintf(out + o, cap - o, "%s", m->command);
    for (size_t i = 0; i < m->nparams && o < cap; i++) {
        char p[600];
        int last = i + 1 == m->nparams;
        if (last && i > 0 && (strchr(m->params[i], ' ') || is_numeric(m->command) ||
                              strcmp(m->command, "ERROR") == 0 ||
                              strcmp(m->command, "QUIT") == 0) &&
            !trailing_is_data(m->command)) {
            o += (size_t)snprintf(out + o, cap - o, " :<text>");
            break;
        }
        norm_param(p, sizeof p, m->params[i], server);
        o += (size_t)snprintf(out + o, cap - o, " %s%s", last && strchr(p, ' ') ? ":" : "", p);
    }
    free(m);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted unique commands of a reply. Commands of other users (a JOIN or
 * TOPIC of theirs that arrived meanwhile) and notices are not part of it;
 * numerics are, whatever their source. */
static void command_set(const irc_reply *r, const char *self, char *out, size_t cap)
{
    const char *cmds[IRC_REPLY_MAX];
    char buf[IRC_REPLY_MAX][16];
    size_t n = 0, o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < r->n; i++) {
        const char *l = r->lines[i], *sp;
        if (l[0] == '@')
            l = strchr(l, ' ') ? strchr(l, ' ') + 1 : l;
        if (l[0] == ':') {
            const char *bang = strchr(l, '!'), *end = strchr(l, ' ');
            int mine = bang && (size_t)(bang - l - 1) == strlen(self) &&
                       strncmp(l + 1, self, strlen(self)) == 0;
            if (bang && end && bang < end && !mine && !(end[1] >= '0' && end[1] <= '9'))
                continue;
            l = end ? end + 1 : l;
        }
        sp = strchr(l, ' ');
        snprintf(buf[n], sizeof buf[n], "%.*s", sp ? (int)(sp - l) : (int)strlen(l), l);
        /* A NOTICE (ngircd's or natterd's connection notices) is not a reply. */
        if (strcmp(buf[n], "NOTICE") == 0 || strcmp(buf[n], "PING") == 0)
            continue;
        cmds[n] = buf[n];
        n++;
    }
    qsort(cmds, n, sizeof cmds[0], cmp_str);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(cmds[i], cmds[i - 1]) == 0)
            continue;
        o += (size_t)snprintf(out + o, cap - o, "%s%s", o ? " " : "", cmds[i]);
        if (o >= cap)
            break;
    }
}

static int set_has(const char *set, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = set; (p = strstr(p, word)) != NULL; p += wl)
        if ((p == set || p[-1] == ' ') && (p[wl] == ' ' || p[wl] == '\0'))
            return 1;
    return 0;
}

/* ---- running the sequence ------------------------------------------------- */

/* Send a step: its lines, and for an EXCHANGE the PING that ends its reply. */
static np_err send_step(irc_conn *c, const step *st, size_t i)
{
    char lines[512];
    np_err err = NP_OK;
    snprintf(lines, sizeof lines, "%s", st->cmd);
    for (char *l = lines, *nl; l && *l && err == NP_OK; l = nl) {
        nl = strchr(l, '\n');
        if (nl)
            *nl++ = '\0';
        err = irc_send(c, "%s", l);
    }
    if (err == NP_OK && st->kind == EXCHANGE)
        err = irc_send(c, "PING :sync%u", (unsigned)i);
    return err;
}

/* Collect step i's reply: up to the PONG :sync<i> (EXCHANGE, PONG not kept)
 * or to a line whose command is in st->until (UNTIL, kept). */
static np_err collect_step(irc_conn *c, const step *st, size_t i, irc_reply *out,
                           int64_t timeout_ms)
{
    char tok[32];
    nt_msg *m = malloc(sizeof *m);
    int64_t deadline = np_now_ms() + timeout_ms;
    np_err err = NP_OK;
    if (!m)
        return NP_ENOMEM;
    out->n = 0;
    snprintf(tok, sizeof tok, "sync%u", (unsigned)i);
    while (err == NP_OK) {
        int64_t left = deadline - np_now_ms();
        char line[1024];
        size_t len;
        err = irc_read(c, m, left > 0 ? left : 0);
        if (err != NP_OK)
            break;
        if (strcmp(m->command, "PING") == 0 && m->nparams > 0) {
            irc_send(c, "PONG :%s", m->params[m->nparams - 1]);
            continue;
        }
        if (st->kind == EXCHANGE && strcmp(m->command, "PONG") == 0 && m->nparams > 0 &&
            strcmp(m->params[m->nparams - 1], tok) == 0)
            break;
        if (nt_msg_serialize_notags(m, line, sizeof line, &len) == NT_MSG_OK) {
            line[strcspn(line, "\r\n")] = '\0';
            if (out->n < IRC_REPLY_MAX)
                snprintf(out->lines[out->n++], sizeof out->lines[0], "%.590s", line);
        }
        if (strcmp(m->command, "ERROR") == 0 ||
            (st->kind == UNTIL && set_has(st->until, m->command)))
            break;
    }
    free(m);
    return err;
}

/* Run every step against srv; results[i] gets step i's reply. Consecutive
 * steps of different clients form a phase and go out together (ngircd
 * penalizes each error reply with a 2 s delay of that client's next line, so
 * this keeps the run short); a step marked `barrier`, or a second step of the
 * same client, starts the next phase. */
static void run_sequence(peer_server *srv, result *results)
{
    irc_conn conn[NWHO];
    int64_t t0 = np_now_ms();
    size_t phases = 0;
    for (int w = 0; w < NWHO; w++) {
        np_err err = irc_open(&conn[w], &srv->addr, who_nick[w]);
        if (err != NP_OK) {
            while (w-- > 0)
                irc_close(&conn[w]);
            CHECK_OK(err);
        }
    }
    const step *steps = g_part->steps;
    size_t nsteps = g_part->n;
    for (size_t first = 0; first < nsteps;) {
        size_t end = first;
        int used[NWHO] = { 0 };
        while (end < nsteps && !used[steps[end].who]) {
            if (end > first && (steps[end].barrier || steps[first].barrier == ALONE))
                break;
            used[steps[end++].who] = 1;
        }
        phases++;
        int64_t tp = np_now_ms();
        for (size_t i = first; i < end; i++)
            send_step(&conn[steps[i].who], &steps[i], i);
        for (size_t i = first; i < end; i++) {
            const step *st = &steps[i];
            result *r = &results[i];
            np_err err = collect_step(&conn[st->who], st, i, &r->reply, STEP_MS);
            if (err != NP_OK)
                printf("  %s: step %u (%s) ended with %s after %u line(s)\n", srv->label,
                       (unsigned)i, st->cmd, np_err_name(err), (unsigned)r->reply.n);
            command_set(&r->reply, who_nick[st->who], r->numerics, sizeof r->numerics);
            for (size_t k = 0; k < r->reply.n; k++)
                normalize(r->reply.lines[k], srv->name, r->norm[k], sizeof r->norm[k]);
        }
        if (getenv("NT_EXT_ORACLE_TIMES"))
            printf("  phase %u-%u: %lld ms\n", (unsigned)first, (unsigned)end - 1, (long long)(np_now_ms() - tp));
        first = end;
    }
    for (int w = 0; w < NWHO; w++)
        irc_close(&conn[w]);
    printf("  %s: %u steps in %u phases, %lld ms\n", srv->label, (unsigned)nsteps,
           (unsigned)phases, (long long)(np_now_ms() - t0));
}

static void print_reply(const char *label, const result *r)
{
    for (size_t k = 0; k < r->reply.n; k++)
        printf("      %-8s %s\n", label, r->norm[k]);
    if (r->reply.n == 0)
        printf("      %-8s (nothing)\n", label);
}

/* Lines of the same command whose normalized shapes differ. */
static void print_shape_diffs(const result *x, const result *y)
{
    for (size_t i = 0; i < x->reply.n; i++) {
        const char *lx = x->norm[i];
        const char *cx = strchr(lx, ' ');
        int same = 0;
        if (!cx)
            continue;
        for (size_t j = 0; j < y->reply.n && !same; j++)
            same = strcmp(lx, y->norm[j]) == 0;
        if (same)
            continue;
        for (size_t j = 0; j < y->reply.n; j++) {
            const char *cy = strchr(y->norm[j], ' ');
            size_t lc = strcspn(cx + 1, " ");
            if (cy && strncmp(cx + 1, cy + 1, lc) == 0 && cy[1 + lc] == cx[1 + lc]) {
                printf("      shape:   ref  %s\n", lx);
                printf("               ours %s\n", y->norm[j]);
                break;
            }
        }
    }
}

/* 1 if reply set has every word of core ("a|b" alternatives: one of them). */
static int has_core(const char *set, const char *core)
{
    char words[128];
    snprintf(words, sizeof words, "%s", core);
    for (char *w = strtok(words, " "); w; w = strtok(NULL, " ")) {
        int any = 0;
        for (char *alt = w, *bar; alt && !any; alt = bar) {
            bar = strchr(alt, '|');
            if (bar)
                *bar++ = '\0';
            any = set_has(set, alt);
        }
        if (!any)
            return 0;
    }
    return 1;
}

static result g_ref[MAX_STEPS], g_our[MAX_STEPS], g_alt[MAX_STEPS];

/* Print the table of rn (ref_label) against rt (label); the number of core
 * differences. only_diffs: print only the rows that differ. */
static unsigned compare(const char *ref_label, const result *rn, const char *label,
                        const result *rt, int only_diffs)
{
    const step *steps = g_part->steps;
    unsigned core_fail = 0, documented = 0, shape = 0;

    printf("\n  %-3s %-38s %-28s %-28s %s\n", "#", "command", ref_label, label, "verdict");
    for (size_t i = 0; i < g_part->n; i++) {
        const step *st = &steps[i];
        const char *verdict = "same";
        char cmd[64];
        int sets_equal = strcmp(rn[i].numerics, rt[i].numerics) == 0;
        int core_ok = has_core(rn[i].numerics, st->core) && has_core(rt[i].numerics, st->core);
        if (st->exact && !sets_equal)
            core_ok = 0;
        if (!core_ok) {
            verdict = "DIFF (core)";
            core_fail++;
        } else if (!sets_equal) {
            verdict = "diff (documented)";
            documented++;
        }
        if (only_diffs && sets_equal && core_ok)
            continue;
        snprintf(cmd, sizeof cmd, "%c: %.33s", "ABCDEFG"[st->who], st->cmd);
        for (char *p = cmd; *p; p++)
            if (*p == '\n')
                *p = '|';
        printf("  %-3u %-38s %-28s %-28s %s\n", (unsigned)i, cmd, rn[i].numerics,
               rt[i].numerics, verdict);
        if (!sets_equal || !core_ok) {
            if (st->note)
                printf("      note: %s\n", st->note);
            /* A long reply (a registration burst) differing only in extras
             * is summed up by the numerics in the table. */
            if (!core_ok || (rn[i].reply.n <= 8 && rt[i].reply.n <= 8)) {
                print_reply(ref_label, &rn[i]);
                print_reply(label, &rt[i]);
            }
        } else {
            print_shape_diffs(&rn[i], &rt[i]);
            for (size_t k = 0; k < rn[i].reply.n; k++) {
                int same = 0;
                for (size_t j = 0; j < rt[i].reply.n && !same; j++)
                    same = strcmp(rn[i].norm[k], rt[i].norm[j]) == 0;
                shape += !same;
            }
        }
    }
    printf("\n  %s vs %s, part %s: %u step(s), %u core difference(s), %u documented"
           " difference(s), %u line(s) of different shape\n\n", ref_label, label,
           g_part->name, (unsigned)g_part->n, core_fail, documented, shape);
    return core_fail;
}

static void test_oracle(void)
{
    peer_server *ng, *nat, *insp;
    char motd[256];
    const char *extra[] = { "--motd-file", motd, NULL };
    unsigned core_fail;
    FILE *f;
    PEER_REQUIRE("ngircd");
    PEER_REQUIRE_SIBLING("natterd");
    CHECK(g_part->n <= MAX_STEPS);
    np_test_temp_path(motd, sizeof motd, "oracle.motd");
    f = fopen(motd, "w");
    CHECK(f);
    fputs("natter interop\n", f);
    fclose(f);
    if (peer_start_natterd(&nat, extra) != NP_OK) {
        remove(motd);
        CHECK_MSG(0, "natterd did not start");
    }
    run_sequence(nat, g_our);
    remove(motd);
    CHECK(!np_test_case_failed());
    CHECK_OK(peer_start_ngircd(&ng));
    run_sequence(ng, g_ref);
    CHECK(!np_test_case_failed());
    peer_stop(ng);
    peer_stop(nat);

    core_fail = compare("ngircd", g_ref, "natterd", g_our, 0);

    /* A second opinion, printed only: where InspIRCd differs from ngircd. */
    {
        char path[512];
        if (!peers_which("inspircd", path, sizeof path)) {
            printf("  (inspircd is not installed: no second opinion)\n");
        } else {
            CHECK_OK(peer_start_inspircd(&insp));
            run_sequence(insp, g_alt);
            CHECK(!np_test_case_failed());
            printf("  --- for reference, not asserted: InspIRCd against ngircd ---");
            compare("ngircd", g_ref, "inspircd", g_alt, 1);
        }
    }
    CHECK_MSG(core_fail == 0, "%u step(s) differ in the core numerics (table above)",
              core_fail);
}

int main(int argc, char **argv)
{
    NP_TEST_INIT();
    peers_init(argv[0]);
    if (argc > 1) {
        g_part = NULL;
        for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
            if (strcmp(argv[1], parts[i].name) == 0)
                g_part = &parts[i];
        if (!g_part) {
            printf("usage: %s [core|more]\n", argv[0]);
            return 2;
        }
    }
    printf("oracle part: %s\n", g_part->name);
    PEERS_RUN(test_oracle);
    return NP_TEST_DONE();
}
