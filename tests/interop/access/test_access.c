/* Access control end to end: natterd in every mode this platform has, raw IRC
 * clients over loopback. Each refusal must come with the right numeric (or an
 * ERROR line with a reason) and give no access: a refused client receives
 * none of the channel's messages and is not in its NAMES; a refused
 * connection never gets 001.
 *
 *   server password   no / wrong PASS -> 464 and closed; right PASS -> 001
 *   channel key +k    475 without or with a wrong key; the key lets in
 *   invite-only +i    473; after INVITE the join works
 *   bans +b           474; after -b the join works
 *   IRC operators     KILL without OPER -> 481; wrong OPER password -> 464;
 *                     right -> 381, and KILL then works
 *   channel operators TOPIC (+t), MODE, KICK by a non-op -> 482, no effect
 *   limits            per-IP limit and --max-clients: ERROR with a reason,
 *                     closed, never 001
 *
 * natterd is found beside this executable. */
#include "np_test.h"
#include "irc_client.h"
#include "natterd_proc.h"

#include <stdlib.h>

#define T_START 20000
#define T_LINE 20000

static int g_mode;
static natterd_proc g_srv;
static long g_checks;
static unsigned g_sync;

/* A CHECK that is counted. */
#define ACHECK(cond) do { g_checks++; CHECK(cond); } while (0)
#define ACHECK_MSG(cond, ...) do { g_checks++; CHECK_MSG(cond, __VA_ARGS__); } while (0)

static int start_natterd(const char *const *extra)
{
    const natterd_spec spec = {.mode = natterd_mode_name(g_mode), .log_level = "error", .flags = extra,
                               .timeout_ms = T_START};
    return natterd_start(&g_srv, &spec);
}

/* Connect and send PASS (if pass), NICK and USER. */
static int hello(irc_client *c, const char *nick, const char *pass)
{
    if (irc_open(c, g_srv.port) != NP_OK)
        return 0;
    snprintf(c->nick, sizeof c->nick, "%s", nick);
    if (pass && irc_send(c, "PASS %s", pass) != NP_OK)
        return 0;
    return irc_send(c, "NICK %s", nick) == NP_OK && irc_send(c, "USER %s 0 * :%s", nick, nick) ==
                                                        NP_OK;
}

/* Registered: 001 came, then the end of the MOTD. */
static int welcomed(irc_client *c)
{
    char line[512];
    if (!irc_expect(c, " 001 ", NULL, 0, T_LINE))
        return 0;
    while (irc_readline(c, line, sizeof line, T_LINE) == NP_OK)
        if (strstr(line, " 376 ") || strstr(line, " 422 "))
            return 1;
    return 0;
}

/* Refused: every line up to the close is read; want (a numeric like " 464 "
 * or "ERROR") must be among them, 001 must not, and the server must close. */
static int refused_with(irc_client *c, const char *want, char *why, size_t whylen)
{
    char line[1024];
    int seen = 0;
    int64_t deadline = np_now_ms() + T_LINE;
    why[0] = '\0';
    while (np_now_ms() < deadline) {
        np_err err = irc_readline(c, line, sizeof line, deadline - np_now_ms());
        if (err == NP_EEOF)
            return seen;
        if (err != NP_OK)
            break;
        if (strstr(line, " 001 ")) {
            printf("  %s: welcomed after all: %s\n", c->nick, line);
            return 0;
        }
        if (!seen && strstr(line, want)) {
            seen = 1;
            irc_copy(why, whylen, line);
        }
    }
    printf("  %s: %s\n", c->nick, seen ? "connection left open" : "no refusal line");
    return 0;
}

/* The server has handled everything c sent so far, and everything queued
 * for c has been read: 1 unless a line with `banned` came meanwhile. */
static int sync_without(irc_client *c, const char *banned)
{
    char line[1024], token[32];
    int64_t deadline = np_now_ms() + T_LINE;
    snprintf(token, sizeof token, "sync-%u", ++g_sync);
    if (irc_send(c, "PING :%s", token) != NP_OK)
        return 0;
    while (np_now_ms() < deadline) {
        if (irc_readline(c, line, sizeof line, deadline - np_now_ms()) != NP_OK)
            break;
        if (banned && strstr(line, banned)) {
            printf("  %s got what it must not: %s\n", c->nick, line);
            return 0;
        }
        if (strstr(line, token))
            return 1;
    }
    printf("  %s: no PONG %s\n", c->nick, token);
    return 0;
}

/* 1 if nick is among chan's members as op (a member) sees them. */
static int in_names(irc_client *op, const char *chan, const char *nick)
{
    char line[1024];
    int found = 0;
    if (irc_send(op, "NAMES %s", chan) != NP_OK)
        return -1;
    while (irc_readline(op, line, sizeof line, T_LINE) == NP_OK) {
        if (strstr(line, " 366 "))
            return found;
        if (strstr(line, " 353 ")) {
            const char *list = strstr(line + 1, " :");
            char word[64];
            int at = 0;
            for (const char *p = list ? list + 2 : ""; ; p++) {
                if (*p == ' ' || *p == '\0') {
                    word[at] = '\0';
                    if (strcmp(word[0] == '@' || word[0] == '+' ? word + 1 : word, nick) == 0)
                        found = 1;
                    at = 0;
                    if (!*p)
                        break;
                } else if (at < (int)sizeof word - 1) {
                    word[at++] = *p;
                }
            }
        }
    }
    return -1;
}

/* The op says something in chan; the refused client must not get it, nor
 * be in the channel's NAMES. */
static int no_access(irc_client *op, irc_client *out, const char *chan)
{
    char secret[48];
    snprintf(secret, sizeof secret, "secret-%u-in-%s", g_sync, chan);
    if (irc_send(op, "PRIVMSG %s :%s", chan, secret) != NP_OK || !sync_without(op, NULL))
        return 0;
    if (!sync_without(out, secret))
        return 0;
    return in_names(op, chan, out->nick) == 0;
}

/* Join attempt answered by `numeric` (and nothing joined). */
static int join_refused(irc_client *c, const char *join_line, const char *numeric)
{
    char line[512];
    if (irc_send(c, "%s", join_line) != NP_OK)
        return 0;
    if (!irc_expect(c, numeric, line, sizeof line, T_LINE))
        return 0;
    printf("  %-8s %-26s -> %s\n", c->nick, join_line, strchr(line + 1, ' ') + 1);
    return 1;
}

/* A channel the op locks against eve, and how he then lets her in. */
typedef struct channel_lock {
    const char *chan;
    const char *lock, *lock_echo;      /* the op's MODE, and its echo */
    const char *refused[3];            /* eve's JOINs refused (NULL-terminated) ... */
    const char *numeric;               /* ... with this numeric */
    const char *unlock, *unlock_echo;  /* the op's way in for her (NULL: none), its reply */
    const char *unlock_seen;           /* what eve sees of it (NULL: nothing) */
    const char *join;                  /* eve's JOIN that then works */
} channel_lock;

static const channel_lock locks[] = {
    {"#keyed", "MODE #keyed +k hunter2", "MODE #keyed +k", {"JOIN #keyed", "JOIN #keyed wrongkey"},
     " 475 ", NULL, NULL, NULL, "JOIN #keyed hunter2"},
    {"#invite", "MODE #invite +i", "MODE #invite +i", {"JOIN #invite"}, " 473 ",
     "INVITE eve #invite", " 341 ", "INVITE eve", "JOIN #invite"},
    {"#banned", "MODE #banned +b eve!*@*", "MODE #banned +b", {"JOIN #banned"}, " 474 ",
     "MODE #banned -b eve!*@*", "MODE #banned -b", NULL, "JOIN #banned"},
};

/* The op creates the channel and locks it: each of eve's JOINs is refused
 * with the numeric and gives her no access; let in, she joins and is a
 * member. A failed check fails the case and returns. */
static void locked_then_let_in(irc_client *op, irc_client *eve, const channel_lock *k)
{
    CHECK(irc_join(op, k->chan));
    CHECK_OK(irc_send(op, "%s", k->lock));
    CHECK(irc_expect(op, k->lock_echo, NULL, 0, T_LINE));
    for (int i = 0; k->refused[i]; i++)
        ACHECK(join_refused(eve, k->refused[i], k->numeric));
    ACHECK(no_access(op, eve, k->chan));
    if (k->unlock) {
        CHECK_OK(irc_send(op, "%s", k->unlock));
        ACHECK(irc_expect(op, k->unlock_echo, NULL, 0, T_LINE));
    }
    if (k->unlock_seen)
        ACHECK(irc_expect(eve, k->unlock_seen, NULL, 0, T_LINE));
    CHECK_OK(irc_send(eve, "%s", k->join));
    ACHECK(irc_expect(eve, " 366 ", NULL, 0, T_LINE));
    ACHECK(in_names(op, k->chan, "eve") == 1);
}

/* ---- the cases ----------------------------------------------------------------- */

static void test_server_password(void)
{
    const char *args[] = {"--password", "sekrit", NULL};
    irc_client none, wrong, right;
    char why[512];
    CHECK(start_natterd(args));
    ACHECK(hello(&none, "nopass", NULL));
    ACHECK_MSG(refused_with(&none, " 464 ", why, sizeof why), "no PASS");
    printf("  no PASS    -> %s\n", why);
    ACHECK(hello(&wrong, "wrongpass", "guess"));
    ACHECK_MSG(refused_with(&wrong, " 464 ", why, sizeof why), "wrong PASS");
    printf("  wrong PASS -> %s\n", why);
    ACHECK(hello(&right, "rightpass", "sekrit"));
    ACHECK(welcomed(&right));
    irc_close(&none);
    irc_close(&wrong);
    irc_close(&right);
    natterd_stop(&g_srv);
}

static void test_channel_modes(void)
{
    irc_client op, eve;
    char line[512];
    CHECK(start_natterd(NULL));
    CHECK(irc_register(&op, g_srv.port, "chanop"));
    CHECK(irc_register(&eve, g_srv.port, "eve"));

    for (size_t i = 0; i < sizeof locks / sizeof locks[0]; i++) {
        locked_then_let_in(&op, &eve, &locks[i]);
        if (np_test_case_failed())
            return;
    }

    /* Channel-operator commands by a member who is not one: 482, no effect. */
    CHECK_OK(irc_send(&op, "MODE #banned +t"));
    CHECK_OK(irc_send(&op, "TOPIC #banned :the op's topic"));
    CHECK(irc_expect(&op, "TOPIC #banned", NULL, 0, T_LINE));
    CHECK(sync_without(&eve, NULL));
    CHECK_OK(irc_send(&eve, "TOPIC #banned :eve's topic"));
    ACHECK(irc_expect(&eve, " 482 ", line, sizeof line, T_LINE));
    printf("  eve      TOPIC on +t                -> %s\n", strchr(line + 1, ' ') + 1);
    CHECK_OK(irc_send(&eve, "MODE #banned +i"));
    ACHECK(irc_expect(&eve, " 482 ", line, sizeof line, T_LINE));
    printf("  eve      MODE #banned +i            -> %s\n", strchr(line + 1, ' ') + 1);
    CHECK_OK(irc_send(&eve, "KICK #banned chanop :bye"));
    ACHECK(irc_expect(&eve, " 482 ", line, sizeof line, T_LINE));
    printf("  eve      KICK #banned chanop        -> %s\n", strchr(line + 1, ' ') + 1);
    /* Nothing changed: the op is still there, the topic and modes are his. */
    ACHECK(in_names(&op, "#banned", "chanop") == 1);
    CHECK_OK(irc_send(&op, "TOPIC #banned"));
    ACHECK(irc_expect(&op, " 332 ", line, sizeof line, T_LINE) && strstr(line, "the op's topic"));
    CHECK_OK(irc_send(&op, "MODE #banned"));
    ACHECK(irc_expect(&op, " 324 ", line, sizeof line, T_LINE) && !strchr(strstr(line, "#banned"), 'i'));
    irc_close(&op);
    irc_close(&eve);
    natterd_stop(&g_srv);
}

static void test_operators(void)
{
    const char *args[] = {"--oper", "boss:opw", NULL};
    irc_client boss, victim, other;
    char line[512];
    CHECK(start_natterd(args));
    CHECK(irc_register(&boss, g_srv.port, "boss"));
    CHECK(irc_register(&victim, g_srv.port, "victim"));
    CHECK(irc_register(&other, g_srv.port, "other"));
    CHECK(irc_join(&victim, "#ops"));
    CHECK(irc_join(&other, "#ops"));
    CHECK_OK(irc_send(&boss, "KILL victim :not yet"));
    ACHECK(irc_expect(&boss, " 481 ", line, sizeof line, T_LINE));
    printf("  boss     KILL without OPER          -> %s\n", strchr(line + 1, ' ') + 1);
    ACHECK(sync_without(&victim, "KILL"));   /* and the victim is untouched */
    CHECK_OK(irc_send(&boss, "OPER boss wrong"));
    ACHECK(irc_expect(&boss, " 464 ", line, sizeof line, T_LINE));
    printf("  boss     OPER wrong password        -> %s\n", strchr(line + 1, ' ') + 1);
    CHECK_OK(irc_send(&boss, "KILL victim :still not"));
    ACHECK(irc_expect(&boss, " 481 ", NULL, 0, T_LINE));
    CHECK_OK(irc_send(&boss, "OPER boss opw"));
    ACHECK(irc_expect(&boss, " 381 ", line, sizeof line, T_LINE));
    printf("  boss     OPER right password        -> %s\n", strchr(line + 1, ' ') + 1);
    CHECK_OK(irc_send(&boss, "KILL victim :now"));
    ACHECK(irc_expect_eof(&victim, T_LINE));
    ACHECK(irc_expect(&other, ":victim!", line, sizeof line, T_LINE) && strstr(line, " QUIT "));
    printf("  other sees: %s\n", line);
    irc_close(&boss);
    irc_close(&victim);
    irc_close(&other);
    natterd_stop(&g_srv);
}

static void test_client_limits(void)
{
    char conf[512], why[512];
    const char *per_ip[] = {"--config", conf, NULL};
    const char *total[] = {"--max-clients", "2", NULL};
    irc_client a, b, c;
    FILE *f;
    np_test_temp_path(conf, sizeof conf, "natterd-perip.conf");
    CHECK((f = fopen(conf, "w")) != NULL);
    fputs("[server]\nmax-clients-per-ip = 2\n", f);
    fclose(f);
    for (int round = 0; round < 2; round++) {
        CHECK(start_natterd(round == 0 ? per_ip : total));
        CHECK(irc_register(&a, g_srv.port, "first"));
        CHECK(irc_register(&b, g_srv.port, "second"));
        CHECK(irc_join(&a, "#full"));
        ACHECK(hello(&c, "third", NULL));
        ACHECK_MSG(refused_with(&c, "ERROR", why, sizeof why), "third client let in");
        ACHECK_MSG(strstr(why, round == 0 ? "Too many connections" : "full"), "reason: %s", why);
        printf("  %-22s third client -> %s\n", round == 0 ? "max-clients-per-ip 2:" :
               "--max-clients 2:", why);
        ACHECK(in_names(&a, "#full", "third") == 0);
        /* One leaves: a newcomer gets in. */
        CHECK_OK(irc_send(&b, "QUIT :making room"));
        CHECK(irc_expect_eof(&b, T_LINE));
        np_sleep_ms(100);
        irc_close(&c);
        ACHECK(hello(&c, "fourth", NULL));
        ACHECK(welcomed(&c));
        irc_close(&a);
        irc_close(&b);
        irc_close(&c);
        natterd_stop(&g_srv);
    }
    remove(conf);
}

int main(int argc, char **argv)
{
    (void)argc;
    child_init(argv[0]);
    NP_TEST_INIT();
    for (g_mode = 0; g_mode < natterd_mode_count(); g_mode++) {
        printf("== mode %s\n", natterd_mode_name(g_mode));
        RUN_ISOLATED(test_server_password);
        RUN_ISOLATED(test_channel_modes);
        RUN_ISOLATED(test_operators);
        RUN_ISOLATED(test_client_limits);
    }
    printf("access: %ld checks passed or counted\n", g_checks);
    return NP_TEST_DONE();
}
