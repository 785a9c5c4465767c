/* The benchmark tooling's smoke test, in the default pass (label interop):
 * natter-bench's fanout (a few clients, one short step), idle (a few hundred
 * clients) and churn (a few seconds) against natterd in event mode and the
 * reference server, each of which must end cleanly with nothing lost,
 * duplicated or reordered. And natter-bench must notice when it is: against
 * the reference server made to drop, duplicate or delay one message in a few
 * hundred (bench-refserver --fault), fanout must fail and count exactly that
 * kind of fault. So natterd losing or reordering messages fails this test.
 * Figures are not judged here; that is tests/bench/compare's job. */
#include "peers.h"

#include <stdlib.h>

static char g_bench[512];

/* Run natter-bench with args; its exit code, and its JSON lines in json. */
static int run_bench(const char *const args[], char *json, size_t len)
{
    const char *argv[40];
    np_test_proc *p;
    char line[65536];
    size_t n = 0, used = 0;
    int code = -1;
    argv[n++] = g_bench;
    for (size_t i = 0; args[i] && n < 39; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    json[0] = '\0';
    if (np_test_spawn(argv, NULL, &p) != NP_OK)
        return -1;
    while (np_test_proc_readline(p, line, sizeof line, 60000) == NP_OK) {
        if (strncmp(line, "JSON ", 5) == 0) {
            size_t k = strlen(line + 5);
            if (used + k + 2 < len) {
                memcpy(json + used, line + 5, k);
                used += k;
                json[used++] = '\n';
                json[used] = '\0';
            }
        } else {
            printf("  | %s\n", line);
        }
    }
    if (np_test_proc_wait(p, 10000, &code) != NP_OK)
        return -1;
    return code;
}

/* The sum of every number under "key" in the JSON lines. */
static double json_sum(const char *json, const char *key)
{
    char want[64];
    double sum = 0;
    snprintf(want, sizeof want, "\"%s\":", key);
    for (const char *p = json; (p = strstr(p, want)) != NULL; p += strlen(want))
        sum += atof(p + strlen(want));
    return sum;
}

static void target_arg(char *out, size_t len, const char *label, const peer_server *s)
{
    snprintf(out, len, "%s=127.0.0.1:%u", label, (unsigned)s->port);
}

/* natterd (event mode) and the reference, as --target arguments. */
static int start_pair(char nd[64], char ref[64])
{
    peer_server *n, *r;
    const char *extra[] = { "--log-level", "warn", NULL };
    if (peer_start_natterd(&n, extra) != NP_OK || peer_start_sibling(&r, "bench-refserver",
                                                                     NULL) != NP_OK)
        return 0;
    target_arg(nd, 64, "natterd-event", n);
    target_arg(ref, 64, "reference", r);
    return 1;
}

static char g_json[1 << 20];

static void test_fanout(void)
{
    char nd[64], ref[64];
    PEER_REQUIRE_SIBLING("natterd");
    PEER_REQUIRE_SIBLING("bench-refserver");
    CHECK(start_pair(nd, ref));
    {
        const char *args[] = { "fanout", "--target", nd, "--target", ref, "--clients", "20",
                               "--rates", "10", "--seconds", "1", "--drain", "3", "--settle", "3",
                               NULL };
        CHECK_INT(run_bench(args, g_json, sizeof g_json), 0);
    }
    CHECK(strstr(g_json, "\"failed\":0"));
    /* Two servers, 20 clients sending 10 each to 19 others. */
    CHECK_INT(json_sum(g_json, "delivered"), 2 * 20 * 10 * 19);
    CHECK_INT(json_sum(g_json, "lost") + json_sum(g_json, "dup") +
                  json_sum(g_json, "reordered") + json_sum(g_json, "malformed"), 0);
}

static void test_idle(void)
{
    char nd[64], ref[64];
    PEER_REQUIRE_SIBLING("natterd");
    PEER_REQUIRE_SIBLING("bench-refserver");
    CHECK(start_pair(nd, ref));
    {
        const char *args[] = { "idle", "--target", nd, "--target", ref, "--clients", "300",
                               "--settle", "0.5", NULL };
        CHECK_INT(run_bench(args, g_json, sizeof g_json), 0);
    }
    CHECK_INT(json_sum(g_json, "registered"), 600);
    CHECK_INT(json_sum(g_json, "alive"), 600);
    CHECK_INT(json_sum(g_json, "errors"), 0);
}

static void test_churn(void)
{
    char nd[64], ref[64];
    PEER_REQUIRE_SIBLING("natterd");
    PEER_REQUIRE_SIBLING("bench-refserver");
    CHECK(start_pair(nd, ref));
    {
        const char *args[] = { "churn", "--target", nd, "--target", ref, "--churners", "10",
                               "--watchers", "3", "--seconds", "2", NULL };
        CHECK_INT(run_bench(args, g_json, sizeof g_json), 0);
    }
    CHECK(json_sum(g_json, "sessions") > 20);
    CHECK(json_sum(g_json, "delivered") > 0);
    CHECK_INT(json_sum(g_json, "lost") + json_sum(g_json, "dup") +
                  json_sum(g_json, "reordered") + json_sum(g_json, "outside") +
                  json_sum(g_json, "errors"), 0);
}

/* Against a reference that misbehaves with `fault`, fanout fails and counts
 * `what`. */
static void expect_caught(const char *fault, const char *what)
{
    peer_server *r;
    char ref[64];
    const char *extra[] = { "--fault", fault, NULL };
    CHECK_OK(peer_start_sibling(&r, "bench-refserver", extra));
    target_arg(ref, sizeof ref, "faulty", r);
    {
        const char *args[] = { "fanout", "--target", ref, "--clients", "20", "--rates", "10",
                               "--seconds", "1", "--drain", "2", "--settle", "1", NULL };
        CHECK_INT(run_bench(args, g_json, sizeof g_json), 1);
    }
    CHECK_MSG(json_sum(g_json, what) > 0, "--fault %s: no %s counted", fault, what);
    printf("  --fault %s: %.0f %s, exit status 1\n", fault, json_sum(g_json, what), what);
    peer_stop(r);
}

static void test_faults_are_caught(void)
{
    PEER_REQUIRE_SIBLING("bench-refserver");
    expect_caught("drop:300", "lost");
    expect_caught("dup:300", "dup");
    expect_caught("late:300", "reordered");
}

int main(int argc, char **argv)
{
    (void)argc;
    NP_TEST_INIT();
    peers_init(argv[0]);
    np_test_sibling_path(g_bench, sizeof g_bench, argv[0], "natter-bench");
    PEERS_RUN(test_fanout);
    PEERS_RUN(test_idle);
    PEERS_RUN(test_churn);
    PEERS_RUN(test_faults_are_caught);
    return NP_TEST_DONE();
}
