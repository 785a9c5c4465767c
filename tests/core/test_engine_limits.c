/* Engine: limits and time, on a fake clock — flood control (burst, then a
 * steady rate, in order), RecvQ "Excess Flood", flood_limits=0, idle PING,
 * ping timeout, registration timeout, max clients, per-IP limits, shutdown. */
#include "engine_script.h"

static es S;

static void flood_config(nt_engine_config *cfg)
{
    es_config(cfg);
    cfg->flood_limits = 1;
    cfg->flood_burst = 5;
    cfg->flood_interval_ms = 1000;
}

static void test_flood_burst_then_rate(void)
{
    nt_engine_config cfg;
    int a, i;
    flood_config(&cfg);
    es_start(&S, &cfg);
    a = es_reg(&S, "f");
    es_tick(&S, 30000);              /* let the registration lines drain away */
    es_clear(&S, a);
    for (i = 1; i <= 10; i++)
        es_send(&S, a, "PING :t%d", i);
    EXPECT(&S, a, "* PONG irc.test :t5");
    EXPECT_NOT(&S, a, "* PONG irc.test :t6");
    CHECK_INT(nt_engine_next_tick(S.e), S.now + 1000);
    es_tick(&S, 999);
    EXPECT_NOT(&S, a, "* PONG irc.test :t6");
    es_tick(&S, 1);
    EXPECT(&S, a, "* PONG irc.test :t6");
    EXPECT_NOT(&S, a, "* PONG irc.test :t7");
    es_tick(&S, 1000);
    EXPECT(&S, a, "* PONG irc.test :t7");
    es_tick(&S, 10000);
    EXPECT(&S, a, "* PONG irc.test :t10");
    /* never reordered */
    for (i = 1; i < 10; i++) {
        char p1[32], p2[32];
        snprintf(p1, sizeof p1, "* PONG irc.test :t%d", i);
        snprintf(p2, sizeof p2, "* PONG irc.test :t%d", i + 1);
        EXPECT_BEFORE(&S, a, p1, p2);
    }
    CHECK(!S.c[a].closed);
    es_free(&S);
}

/* Flood control with a burst of 1; clients a and b registered, both in #q,
 * the flood clock caught up and every output cleared. */
static void two_in_q_burst1(int *a, int *b)
{
    nt_engine_config cfg;
    flood_config(&cfg);
    cfg.flood_burst = 1;
    es_start(&S, &cfg);
    *a = es_reg(&S, "a");
    *b = es_reg(&S, "b");
    es_tick(&S, 30000);
    es_send(&S, *a, "JOIN #q");
    es_send(&S, *b, "JOIN #q");
    es_tick(&S, 5000);               /* burst 1: the JOINs themselves waited */
    es_tick(&S, 5000);               /* and the flood clock catches up */
    es_clear_all(&S);
}

static void test_flood_keeps_order_with_quit(void)
{
    int a, b;
    two_in_q_burst1(&a, &b);
    es_send(&S, a, "PRIVMSG #q :one");
    es_send(&S, a, "PRIVMSG #q :two");
    es_send(&S, a, "QUIT :done");
    EXPECT(&S, b, "*PRIVMSG #q :one");
    EXPECT_NOT(&S, b, "*QUIT*");
    es_tick(&S, 5000);
    EXPECT_NOT(&S, b, "*QUIT*");     /* one line per interval, however late the tick */
    es_tick(&S, 1000);
    EXPECT_BEFORE(&S, b, "*PRIVMSG #q :two", ":a!a@* QUIT :Quit: done");
    CHECK(S.c[a].closed);
    es_free(&S);
}

/* A client that sends and hangs up at once loses nothing: the lines flood
 * control still held are handled when the transport reports the close, its
 * QUIT reason included, and nothing is sent back to the closed connection. */
static void test_flood_queue_delivered_on_hangup(void)
{
    int a, b;
    two_in_q_burst1(&a, &b);
    es_send(&S, a, "PRIVMSG #q :one");
    es_send(&S, a, "PRIVMSG #q :two");
    es_send(&S, a, "PRIVMSG #q :three");
    es_send(&S, a, "QUIT :done");
    EXPECT_NOT(&S, b, "*PRIVMSG #q :two");
    es_clear(&S, a);
    es_close(&S, a, "Connection closed");
    EXPECT_BEFORE(&S, b, "*PRIVMSG #q :two", "*PRIVMSG #q :three");
    EXPECT_BEFORE(&S, b, "*PRIVMSG #q :three", ":a!a@* QUIT :Quit: done");
    EXPECT_COUNT(&S, b, ":a!a@* QUIT *", 1);
    EXPECT_NOTHING(&S, a);
    CHECK_INT(nt_engine_next_tick(S.e) < 0 || nt_engine_next_tick(S.e) > S.now, 1);
    es_free(&S);
}

static void test_recvq_excess_flood(void)
{
    nt_engine_config cfg;
    int a, b, i;
    flood_config(&cfg);
    cfg.flood_burst = 1;
    cfg.recvq_bytes = 200;
    es_start(&S, &cfg);
    a = es_reg(&S, "spam");
    b = es_reg(&S, "b");
    es_tick(&S, 30000);
    es_send(&S, a, "JOIN #s");
    es_send(&S, b, "JOIN #s");
    es_tick(&S, 5000);
    es_tick(&S, 5000);
    es_clear_all(&S);
    for (i = 0; i < 10 && !S.c[a].closed; i++)
        es_send(&S, a, "PRIVMSG #s :%040d", i);
    CHECK(S.c[a].closed);
    EXPECT(&S, a, "ERROR :Closing Link: * (Excess Flood)");
    EXPECT(&S, b, ":spam!spam@* QUIT :Excess Flood");
    CHECK(i <= 6);                   /* 200 bytes hold about four such lines */
    es_tick(&S, 60000);              /* the dropped queue is gone: nothing runs */
    EXPECT_COUNT(&S, b, "*PRIVMSG*", 1);
    es_free(&S);
}

static void test_flood_limits_off(void)
{
    nt_engine_config cfg;
    int a, i;
    es_config(&cfg);                 /* flood_limits = 0 */
    cfg.recvq_bytes = 100;
    es_start(&S, &cfg);
    a = es_reg(&S, "fast");
    for (i = 0; i < 1000; i++)
        es_send(&S, a, "PING :%d", i);
    EXPECT_COUNT(&S, a, "* PONG *", 1000);
    CHECK(!S.c[a].closed);
    /* next_tick may be early (a safe lower bound), never late */
    CHECK(nt_engine_next_tick(S.e) > S.now);
    CHECK(nt_engine_next_tick(S.e) <= S.now + 120000);
    es_free(&S);
}

static void test_ping_and_timeout(void)
{
    nt_engine_config cfg;
    int a, b;
    es_config(&cfg);
    es_start(&S, &cfg);
    a = es_reg(&S, "idle");
    b = es_reg(&S, "b");
    es_send(&S, a, "JOIN #p");
    es_send(&S, b, "JOIN #p");
    es_clear_all(&S);
    CHECK(nt_engine_next_tick(S.e) <= ES_T0 + 120000);
    es_tick(&S, 60000);              /* the registration deadline passes harmlessly */
    CHECK_INT(nt_engine_next_tick(S.e), ES_T0 + 120000);
    es_tick(&S, 59999);
    EXPECT_NOTHING(&S, a);
    es_tick(&S, 1);
    EXPECT(&S, a, "PING :irc.test");
    es_send(&S, a, "PONG :irc.test");
    es_send(&S, b, "PONG :irc.test");
    es_tick(&S, 60000);              /* answered: no timeout */
    CHECK(!S.c[a].closed);
    es_clear_all(&S);
    es_tick(&S, 60000);              /* idle another interval: PING again */
    EXPECT(&S, a, "PING :irc.test");
    es_send(&S, b, "PONG :irc.test");   /* b answers, a does not */
    es_tick(&S, 59999);
    CHECK(!S.c[a].closed);
    es_tick(&S, 1);
    EXPECT(&S, a, "ERROR :Closing Link: 10.0.0.1 (Ping timeout: 60 seconds)");
    CHECK(S.c[a].closed);
    EXPECT(&S, b, ":idle!idle@10.0.0.1 QUIT :Ping timeout: 60 seconds");
    CHECK(!S.c[b].closed);
    es_free(&S);
}

static void test_activity_postpones_ping(void)
{
    nt_engine_config cfg;
    int a, i;
    es_config(&cfg);
    es_start(&S, &cfg);
    a = es_reg(&S, "busy");
    for (i = 0; i < 10; i++) {
        es_tick(&S, 100000);
        es_send(&S, a, "TIME");
    }
    EXPECT_NOT(&S, a, "PING *");
    CHECK(!S.c[a].closed);
    es_free(&S);
}

static void test_registration_timeout(void)
{
    nt_engine_config cfg;
    int a, b;
    es_config(&cfg);
    cfg.register_timeout_ms = 30000;
    es_start(&S, &cfg);
    a = es_connect(&S);
    es_send(&S, a, "NICK slow");
    b = es_reg(&S, "quick");
    es_tick(&S, 29999);
    CHECK(!S.c[a].closed);
    es_tick(&S, 1);
    EXPECT(&S, a, "ERROR :Closing Link: * (Registration timeout)");
    CHECK(S.c[a].closed);
    CHECK(!S.c[b].closed);
    EXPECT_NOT(&S, b, "*QUIT*");     /* an unregistered client had no audience */
    es_free(&S);
}

static void test_max_clients(void)
{
    nt_engine_config cfg;
    int a, b, c, d;
    nt_engine_stats st;
    es_config(&cfg);
    cfg.max_clients = 2;
    es_start(&S, &cfg);
    a = es_reg(&S, "a");
    b = es_connect(&S);
    c = es_connect(&S);
    CHECK(!S.c[b].closed);
    EXPECT(&S, c, "ERROR :Closing Link: Server is full");
    CHECK(S.c[c].closed);
    CHECK_STR(S.c[c].close_reason, "Server is full");
    nt_engine_get_stats(S.e, &st);
    CHECK_INT(st.connections, 2);
    es_send(&S, a, "QUIT");
    d = es_connect(&S);
    CHECK(!S.c[d].closed);
    es_free(&S);
}

static void test_per_ip_limit(void)
{
    nt_engine_config cfg;
    int a, b, c, d, e;
    es_config(&cfg);
    cfg.max_clients_per_ip = 2;
    es_start(&S, &cfg);
    a = es_connect_ip(&S, "198.51.100.1");
    b = es_connect_ip(&S, "198.51.100.1");
    c = es_connect_ip(&S, "198.51.100.1");
    d = es_connect_ip(&S, "198.51.100.2");
    CHECK(!S.c[a].closed && !S.c[b].closed && !S.c[d].closed);
    EXPECT(&S, c, "ERROR :Closing Link: Too many connections from your IP address");
    CHECK(S.c[c].closed);
    es_close(&S, a, "gone");
    e = es_connect_ip(&S, "198.51.100.1");
    CHECK(!S.c[e].closed);
    es_free(&S);
}

static void test_shutdown(void)
{
    nt_engine_config cfg;
    int a, b;
    nt_engine_stats st;
    es_config(&cfg);
    es_start(&S, &cfg);
    a = es_reg(&S, "a");
    b = es_connect(&S);
    es_send(&S, a, "JOIN #x");
    es_clear_all(&S);
    nt_engine_shutdown(S.e, "Server going down", S.now);
    es_drain(&S);
    EXPECT(&S, a, "ERROR :Server going down");
    EXPECT(&S, b, "ERROR :Server going down");
    EXPECT_NOT(&S, a, "*QUIT*");
    CHECK(S.c[a].closed && S.c[b].closed);
    nt_engine_get_stats(S.e, &st);
    CHECK_INT(st.connections, 0);
    CHECK_INT(st.channels, 0);
    CHECK_INT(nt_engine_next_tick(S.e), -1);
    es_free(&S);
}

static void test_next_tick_idle_engine(void)
{
    nt_engine_config cfg;
    es_config(&cfg);
    es_start(&S, &cfg);
    CHECK_INT(nt_engine_next_tick(S.e), -1);
    es_connect(&S);
    CHECK_INT(nt_engine_next_tick(S.e), ES_T0 + 60000);
    es_free(&S);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_flood_burst_then_rate);
    RUN(test_flood_keeps_order_with_quit);
    RUN(test_flood_queue_delivered_on_hangup);
    RUN(test_recvq_excess_flood);
    RUN(test_flood_limits_off);
    RUN(test_ping_and_timeout);
    RUN(test_activity_postpones_ping);
    RUN(test_registration_timeout);
    RUN(test_max_clients);
    RUN(test_per_ip_limit);
    RUN(test_shutdown);
    RUN(test_next_tick_idle_engine);
    return NP_TEST_DONE();
}
