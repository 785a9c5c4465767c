/* Engine: scale and robustness — a 1,000-member channel whose joins stay
 * linear in serialization, and a long deterministic random walk over every
 * command (with kills, kicks, quits, reconnects and ticks) that must neither
 * crash nor leak (run it under ASan) and must keep the engine's books. */
#include "engine_script.h"

static es S;

static void test_thousand_member_channel(void)
{
    nt_engine_config cfg;
    char nick[16];
    int i, first = -1;
    size_t total_serialized = 0;
    es_config(&cfg);
    es_start(&S, &cfg);
    for (i = 0; i < 1000; i++) {
        int k;
        size_t names;
        snprintf(nick, sizeof nick, "n%d", i);
        k = es_reg(&S, nick);
        if (first < 0)
            first = k;
        es_send(&S, k, "JOIN #huge");
        names = es_count(&S, k, "* 353 *") + es_count(&S, k, "* 366 *");
        /* one JOIN line for all i+1 members, plus the joiner's own NAMES */
        CHECK_INT(S.outputs, (size_t)i + 1 + names);
        CHECK_INT(S.nseen, 1 + names);
        total_serialized += S.nseen;
        es_clear_all(&S);
    }
    /* NAMES lines hold ~80 nicks each: far below one line per member pair */
    CHECK(total_serialized < 1000 * 16);
    es_send(&S, first, "PRIVMSG #huge :hello everyone");
    CHECK_INT(S.outputs, 999);
    CHECK_INT(S.nseen, 1);
    es_clear_all(&S);
    es_send(&S, first, "QUIT :bye");
    CHECK_INT(S.nseen, 2);           /* the shared QUIT, and first's own ERROR */
    es_free(&S);
}

static uint64_t rng_state = 12345;

static unsigned rnd(unsigned n)
{
    rng_state = rng_state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return (unsigned)((rng_state >> 33) % n);
}

static const char *pick(const char *const *v, unsigned n)
{
    return v[rnd(n)];
}

static void random_line(char *buf, size_t cap)
{
    static const char *const nicks[] = {"a", "b", "c", "d", "E", "f[1]", "F{1}", "ghost",
                                        "1bad", ""};
    static const char *const chans[] = {"#x", "#X", "#y", "&z", "#x,#y", "0", "#", "bad",
                                        "#y,&z,#w"};
    static const char *const modes[] = {"+o", "-o", "+v", "+b", "-b", "+k", "-k", "+l", "-l",
                                        "+imnst", "-imnst", "+ov-b", "b", "+q", "+bbbbb"};
    static const char *const cmds[] = {"NICK", "JOIN", "PART", "PRIVMSG", "NOTICE", "MODE",
                                       "TOPIC", "KICK", "INVITE", "WHO", "WHOIS", "WHOWAS",
                                       "NAMES", "LIST", "AWAY", "ISON", "USERHOST", "QUIT",
                                       "PING", "PONG", "OPER", "KILL", "CAP", "LUSERS",
                                       "TAGMSG", "USER", "PASS", "VERSION", "TIME", "BOGUS"};
    const char *cmd = pick(cmds, sizeof cmds / sizeof cmds[0]);
    const char *n = pick(nicks, sizeof nicks / sizeof nicks[0]);
    const char *ch = pick(chans, sizeof chans / sizeof chans[0]);
    switch (rnd(6)) {
    case 0:
        snprintf(buf, cap, "%s", cmd);
        break;
    case 1:
        snprintf(buf, cap, "%s %s", cmd, n);
        break;
    case 2:
        snprintf(buf, cap, "%s %s :some text %u", cmd, ch, rnd(1000));
        break;
    case 3:
        snprintf(buf, cap, "MODE %s %s %s %s", ch, pick(modes, sizeof modes / sizeof modes[0]),
                 n, pick(nicks, sizeof nicks / sizeof nicks[0]));
        break;
    case 4:
        snprintf(buf, cap, "%s %s %s :r", cmd, ch, n);
        break;
    default:
        snprintf(buf, cap, "@+t=%u %s %s %s", rnd(9), cmd, n, ch);
        break;
    }
}

static void test_random_walk(void)
{
    nt_engine_config cfg;
    char line[256], nick[16];
    int step, live[16], i;
    nt_engine_stats st;
    if (getenv("NT_CHAOS_SEED"))     /* explore other walks: NT_CHAOS_SEED=n */
        rng_state = strtoull(getenv("NT_CHAOS_SEED"), NULL, 10);
    es_config(&cfg);
    cfg.flood_limits = 1;
    cfg.flood_burst = 20;
    cfg.flood_interval_ms = 10;
    cfg.max_clients = 18;   /* orphaned unregistered clients hit it sometimes */
    cfg.max_channels = 3;
    cfg.opers[0].name = "o";
    cfg.opers[0].password = "p";
    cfg.nopers = 1;
    es_start(&S, &cfg);
    for (i = 0; i < 16; i++) {
        snprintf(nick, sizeof nick, "%c%d", 'a' + i % 6, i);
        live[i] = es_reg_caps(&S, nick, i % 3 ? "server-time echo-message" : NULL);
    }
    for (step = 0; step < 20000 && S.n < ES_MAX - 2; step++) {
        unsigned slot = rnd(16);
        int who = live[slot];
        if (S.c[who].closed || rnd(50) == 0) {
            /* replace a dead (or randomly dropped) client */
            if (!S.c[who].closed)
                es_close(&S, who, "dropped");
            snprintf(nick, sizeof nick, "%c%u", 'a' + rnd(6), rnd(3));
            live[slot] = es_reg_caps(&S, nick, rnd(2) ? "multi-prefix message-tags" : NULL);
            continue;
        }
        if (rnd(20) == 0) {
            es_send(&S, who, "OPER o p");
        }
        random_line(line, sizeof line);
        es_send(&S, who, "%s", line);
        if (rnd(10) == 0)
            es_tick(&S, rnd(3000));
        es_clear_all(&S);
    }
    nt_engine_get_stats(S.e, &st);
    printf("random walk: %d steps, %u connections made, %llu lines in, %llu out\n", step,
           (unsigned)S.n, st.lines_in, st.lines_out);
    CHECK(step > 2000);
    es_tick(&S, 400000);                 /* everyone idle: pings and timeouts */
    es_tick(&S, 400000);
    nt_engine_get_stats(S.e, &st);
    CHECK_INT(st.connections, 0);        /* nobody answered: all timed out */
    CHECK_INT(st.registered, 0);
    CHECK_INT(st.channels, 0);
    CHECK_INT(st.opers, 0);
    es_free(&S);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_thousand_member_channel);
    RUN(test_random_walk);
    return NP_TEST_DONE();
}
