/* Soak: natterd under a steady churn of clients for NATTER_SOAK_SECONDS (45 s
 * by default), checking that nothing is lost or duplicated and that the
 * server does not grow.
 *
 * - 5 watchers stay joined to #soak0..#soak4 for the whole run and check every
 *   channel message: per sender, numbered messages arrive once and in order,
 *   and at the end each watcher has received exactly as many messages as the
 *   churners sent to its channel (lost = 0, dup = 0, errors = 0).
 * - NATTER_SOAK_CLIENTS (50) churners loop: connect, register, join one of the
 *   5 channels, send 5-24 numbered messages (reading and checking what others
 *   say meanwhile), part, quit, wait for the ERROR line, and again.
 * - Every second natterd's RSS, open descriptors (and threads, CPU time) are
 *   read from /proc/PID. The run is cut in thirds; the largest RSS and fd
 *   count of the last third may not exceed those of the middle third by more
 *   than 2 MiB and 2 descriptors (the first third is the warm-up).
 *
 * Longer on demand, e.g. an hour in both modes:
 *   NATTER_SOAK_SECONDS=3600 NATTER_SOAK_MODES=event,thread ctest -R nt-soak -V
 * NATTER_SOAK_MODES: comma-separated (event, thread, fork; default event).
 * Linux only (/proc): tests/CMakeLists.txt. natterd is found beside this
 * executable. Figures only are printed, no timing is asserted. */
#include "np_test.h"
#include "irc_client.h"
#include "natterd_proc.h"

#include <dirent.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#define NCHAN 5
#define MAX_CLIENTS 200
#define MAX_SAMPLES 100000
#define RSS_MARGIN_KB 2048
#define FD_MARGIN 2

static const char *g_mode;
static natterd_proc g_srv;
static long g_pid;
static int g_seconds = 45, g_clients = 50;

static atomic_int g_stop;           /* churners: finish the session and end */
static atomic_int g_watch_stop;     /* watchers: end */
static atomic_long g_sent[NCHAN];   /* accepted by the server for each channel */
static atomic_long g_connections, g_sessions, g_errors, g_churn_recv, g_churn_bad;

/* ---- a message: "m CLIENT GEN SEQ" ------------------------------------------ */

typedef struct seen {
    long gen, seq;
} seen;

/* A channel PRIVMSG of ours in line: channel index, sender, gen, seq. */
static int parse_msg(const char *line, int *chan, int *k, long *gen, long *seq)
{
    const char *p = strstr(line, " PRIVMSG #soak");
    if (!p || line[0] != ':')
        return 0;
    return sscanf(p, " PRIVMSG #soak%d :m %d %ld %ld", chan, k, gen, seq) == 4 && *chan >= 0 &&
           *chan < NCHAN && *k >= 0 && *k < MAX_CLIENTS;
}

/* ---- watchers ------------------------------------------------------------ */

typedef struct watcher {
    int chan;
    irc_client c;
    np_thread *t;
    atomic_long received;   /* peeked at by the main thread */
    long dup, gaps, misorder, foreign;
    int failed;
    seen last[MAX_CLIENTS];
} watcher;

static watcher g_watch[NCHAN];

static void watch_line(watcher *w, const char *line)
{
    int chan, k;
    long gen, seq;
    seen *l;
    if (strncmp(line, "PING ", 5) == 0) {
        irc_send(&w->c, "PONG %s", line + 5);
        return;
    }
    if (strncmp(line, "ERROR", 5) == 0) {
        w->failed = 1;
        return;
    }
    if (!parse_msg(line, &chan, &k, &gen, &seq))
        return;
    if (chan != w->chan) {
        w->foreign++;
        return;
    }
    atomic_fetch_add(&w->received, 1);
    l = &w->last[k];
    if (gen == l->gen) {
        if (seq <= l->seq)
            w->dup++;
        else if (seq != l->seq + 1)
            w->gaps += seq - l->seq - 1;
    } else if (gen > l->gen) {
        /* The watcher was there before the session began: it starts at 1. */
        if (seq != 1)
            w->gaps += seq - 1;
    } else {
        w->misorder++;
    }
    if (gen > l->gen || (gen == l->gen && seq > l->seq)) {
        l->gen = gen;
        l->seq = seq;
    }
}

static void watch_main(void *arg)
{
    watcher *w = arg;
    char line[1024];
    while (!atomic_load(&g_watch_stop) && !w->failed) {
        np_err err = irc_readline(&w->c, line, sizeof line, 200);
        if (err == NP_EEOF) {
            w->failed = 1;
            break;
        }
        if (err == NP_OK)
            watch_line(w, line);
    }
}

/* ---- churners ----------------------------------------------------------- */

typedef struct churner {
    int k;
    np_thread *t;
    unsigned rng;
    seen last[MAX_CLIENTS];   /* reset each session */
} churner;

static churner g_churn[MAX_CLIENTS];

static unsigned next_rand(churner *ch)
{
    ch->rng = ch->rng * 1103515245u + 12345u;
    return (ch->rng >> 16) & 0x7fff;
}

/* Read and check lines for ms. 1 on ERROR from the server, -1 on a lost
 * connection, 0 otherwise. */
static int pump(churner *ch, irc_client *c, int64_t ms)
{
    int64_t deadline = np_now_ms() + ms;
    char line[1024];
    for (;;) {
        int64_t left = deadline - np_now_ms();
        int chan, k;
        long gen, seq;
        np_err err;
        if (left <= 0)
            return 0;
        err = irc_readline(c, line, sizeof line, left);
        if (err == NP_ETIMEDOUT)
            return 0;
        if (err != NP_OK)
            return -1;
        if (strncmp(line, "PING ", 5) == 0)
            irc_send(c, "PONG %s", line + 5);
        else if (strncmp(line, "ERROR", 5) == 0)
            return 1;
        else if (parse_msg(line, &chan, &k, &gen, &seq)) {
            seen *l = &ch->last[k];
            atomic_fetch_add(&g_churn_recv, 1);
            /* A churner may join in the middle of someone's session, so only
             * what follows its first sighting must be in order. */
            if ((gen == l->gen && seq != l->seq + 1) || gen < l->gen)
                atomic_fetch_add(&g_churn_bad, 1);
            l->gen = gen;
            l->seq = seq;
        }
    }
}

static void error_note(int k, const char *what)
{
    long n = atomic_fetch_add(&g_errors, 1);
    if (n < 10)
        printf("  churner %d: %s\n", k, what);
}

static void churn_main(void *arg)
{
    churner *ch = arg;
    long gen = 0;
    while (!atomic_load(&g_stop)) {
        irc_client *c = malloc(sizeof *c);
        char nick[32];
        int chan, n, r = 0;
        if (!c) {
            error_note(ch->k, "out of memory");
            return;
        }
        gen++;
        memset(ch->last, 0, sizeof ch->last);
        snprintf(nick, sizeof nick, "c%d_%ld", ch->k, gen);
        if (!irc_register(c, g_srv.port, nick)) {
            error_note(ch->k, "could not register");
            irc_close(c);
            free(c);
            np_sleep_ms(100);
            continue;
        }
        atomic_fetch_add(&g_connections, 1);
        chan = (int)(next_rand(ch) % NCHAN);
        n = 5 + (int)(next_rand(ch) % 20);
        if (irc_send(c, "JOIN #soak%d", chan) != NP_OK || !irc_expect(c, " 366 ", NULL, 0, 20000)) {
            error_note(ch->k, "could not join");
            goto next;
        }
        for (long seq = 1; seq <= n; seq++) {
            if (irc_send(c, "PRIVMSG #soak%d :m %d %ld %ld", chan, ch->k, gen, seq) != NP_OK) {
                error_note(ch->k, "send failed");
                goto next;
            }
            atomic_fetch_add(&g_sent[chan], 1);
            if ((r = pump(ch, c, 5 + next_rand(ch) % 15)) != 0) {
                error_note(ch->k, r > 0 ? "ERROR from the server" : "connection lost");
                goto next;
            }
        }
        irc_send(c, "PART #soak%d :bye", chan);
        irc_send(c, "QUIT :again");
        {
            int64_t deadline = np_now_ms() + 20000;
            while ((r = pump(ch, c, 200)) == 0 && np_now_ms() < deadline)
                ;
            if (r != 1)
                error_note(ch->k, "no ERROR after QUIT");
        }
        atomic_fetch_add(&g_sessions, 1);
    next:
        irc_close(c);
        free(c);
    }
}

/* ---- natterd and /proc --------------------------------------------------- */

static long find_child(const char *comm)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    long found = 0, me = (long)getpid();
    if (!d)
        return 0;
    while (!found && (e = readdir(d)) != NULL) {
        char path[300], buf[512], name[64];
        long pid, ppid;
        FILE *f;
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        if (!(f = fopen(path, "r")))
            continue;
        if (fgets(buf, sizeof buf, f) &&
            sscanf(buf, "%ld (%63[^)]) %*c %ld", &pid, name, &ppid) == 3 && ppid == me &&
            strcmp(name, comm) == 0)
            found = pid;
        fclose(f);
    }
    closedir(d);
    return found;
}

typedef struct sample {
    long rss_kb, fds, threads;
    double cpu_s;
} sample;

static int take_sample(long pid, sample *s)
{
    char path[128], line[256];
    FILE *f;
    DIR *d;
    struct dirent *e;
    unsigned long ut = 0, st = 0;
    memset(s, 0, sizeof *s);
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    if (!(f = fopen(path, "r")))
        return 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0)
            s->rss_kb = atol(line + 6);
        else if (strncmp(line, "Threads:", 8) == 0)
            s->threads = atol(line + 8);
    }
    fclose(f);
    snprintf(path, sizeof path, "/proc/%ld/fd", pid);
    if (!(d = opendir(path)))
        return 0;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            s->fds++;
    closedir(d);
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    if ((f = fopen(path, "r")) != NULL) {
        char buf[1024], *p;
        if (fgets(buf, sizeof buf, f) && (p = strrchr(buf, ')')) != NULL)
            sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st);
        fclose(f);
    }
    s->cpu_s = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
    return s->rss_kb > 0;
}

static sample g_samples[MAX_SAMPLES];

static void third(int from, int to, long *rss_min, long *rss_max, long *fd_min, long *fd_max)
{
    *rss_min = *fd_min = -1;
    *rss_max = *fd_max = 0;
    for (int i = from; i < to; i++) {
        const sample *s = &g_samples[i];
        if (*rss_min < 0 || s->rss_kb < *rss_min)
            *rss_min = s->rss_kb;
        if (*fd_min < 0 || s->fds < *fd_min)
            *fd_min = s->fds;
        if (s->rss_kb > *rss_max)
            *rss_max = s->rss_kb;
        if (s->fds > *fd_max)
            *fd_max = s->fds;
    }
}

/* natterd's pid is found as our child by name: its log stays quiet (warn),
 * as thousands of connections would fill a pipe nobody reads. */
static int start_natterd(void)
{
    const natterd_spec spec = {.mode = g_mode, .log_level = "warn"};
    if (!natterd_start(&g_srv, &spec))
        return 0;
    g_pid = find_child("natterd");
    return g_pid > 0;
}

/* ---- the run --------------------------------------------------------------- */

static void reset(void)
{
    atomic_store(&g_stop, 0);
    atomic_store(&g_watch_stop, 0);
    for (int i = 0; i < NCHAN; i++)
        atomic_store(&g_sent[i], 0);
    atomic_store(&g_connections, 0);
    atomic_store(&g_sessions, 0);
    atomic_store(&g_errors, 0);
    atomic_store(&g_churn_recv, 0);
    atomic_store(&g_churn_bad, 0);
    memset(g_watch, 0, sizeof g_watch);
    memset(g_churn, 0, sizeof g_churn);
}

static void test_soak(void)
{
    int nsamples = 0, started = 0, code = -1;
    long sent = 0, received = 0, dup = 0, gaps = 0, misorder = 0, foreign = 0, lost;
    long r1[4], r2[4], r3[4];
    int64_t t0, t_end, drain_ms;
    double cpu0 = 0;
    reset();
    CHECK(start_natterd());
    printf("  natterd (%s) pid %ld on port %u: %d churners, %d watchers, %d s\n", g_mode, g_pid,
           g_srv.port, g_clients, NCHAN, g_seconds);
    for (int i = 0; i < NCHAN; i++) {
        char nick[32], chan[32];
        watcher *w = &g_watch[i];
        w->chan = i;
        snprintf(nick, sizeof nick, "watch%d", i);
        snprintf(chan, sizeof chan, "#soak%d", i);
        CHECK(irc_register(&w->c, g_srv.port, nick));
        CHECK(irc_join(&w->c, chan));
    }
    for (int i = 0; i < NCHAN; i++)
        CHECK_OK(np_thread_create(&g_watch[i].t, watch_main, &g_watch[i]));
    for (int i = 0; i < g_clients; i++) {
        g_churn[i].k = i;
        g_churn[i].rng = 12345u + 7919u * (unsigned)i;
        if (np_thread_create(&g_churn[i].t, churn_main, &g_churn[i]) != NP_OK)
            break;
        started++;
    }
    t0 = np_now_ms();
    {
        sample s;
        if (take_sample(g_pid, &s))
            cpu0 = s.cpu_s;
    }
    /* Sample once a second while the churn goes on. */
    while (np_now_ms() - t0 < (int64_t)g_seconds * 1000 && nsamples < MAX_SAMPLES) {
        np_sleep_ms(1000);
        if (!take_sample(g_pid, &g_samples[nsamples])) {
            printf("  natterd is gone\n");
            break;
        }
        nsamples++;
        if (nsamples % 10 == 0)
            printf("  %3d s: rss %ld KiB, fds %ld, threads %ld, %ld connections so far\n",
                   nsamples, g_samples[nsamples - 1].rss_kb, g_samples[nsamples - 1].fds,
                   g_samples[nsamples - 1].threads, atomic_load(&g_connections));
    }
    atomic_store(&g_stop, 1);
    for (int i = 0; i < started; i++)
        np_thread_join(g_churn[i].t);
    t_end = np_now_ms();
    /* Everything sent must reach the watchers. */
    for (int i = 0; i < NCHAN; i++)
        sent += atomic_load(&g_sent[i]);
    {
        int64_t deadline = np_now_ms() + 30000;
        for (;;) {
            long got = 0;
            for (int i = 0; i < NCHAN; i++)
                got += atomic_load(&g_watch[i].received);
            if (got >= sent || np_now_ms() > deadline)
                break;
            np_sleep_ms(20);
        }
    }
    drain_ms = np_now_ms() - t_end;
    np_sleep_ms(200);   /* anything extra (a duplicate) would come now */
    atomic_store(&g_watch_stop, 1);
    for (int i = 0; i < NCHAN; i++) {
        watcher *w = &g_watch[i];
        long want = atomic_load(&g_sent[i]);
        np_thread_join(w->t);
        printf("  #soak%d: sent %ld, received %ld, dup %ld, gaps %ld, misordered %ld%s\n", i,
               want, atomic_load(&w->received), w->dup, w->gaps, w->misorder,
               w->failed ? " (watcher lost its connection)" : "");
        received += atomic_load(&w->received);
        dup += w->dup;
        gaps += w->gaps;
        misorder += w->misorder;
        foreign += w->foreign;
        irc_send(&w->c, "QUIT :done");
    }
    lost = 0;
    for (int i = 0; i < NCHAN; i++) {
        long got = atomic_load(&g_watch[i].received) - g_watch[i].dup;
        long want = atomic_load(&g_sent[i]);
        if (got < want)
            lost += want - got;
    }
    {
        double secs = (double)(t_end - t0) / 1000.0;
        sample last;
        double cpu = take_sample(g_pid, &last) ? last.cpu_s - cpu0 : 0;
        printf("  %ld connections (%ld complete sessions) in %.1f s: %.0f/s\n",
               atomic_load(&g_connections), atomic_load(&g_sessions), secs,
               (double)atomic_load(&g_connections) / secs);
        printf("  messages: sent %ld (%.0f/s), watchers received %ld, churners received %ld;"
               " lost %ld, dup %ld, gaps %ld, misordered %ld, foreign %ld, churner order"
               " errors %ld; last delivered %lld ms after the churn\n",
               sent, (double)sent / secs, received, atomic_load(&g_churn_recv), lost, dup, gaps,
               misorder, foreign, atomic_load(&g_churn_bad), (long long)drain_ms);
        printf("  client errors %ld; natterd CPU %.1f s (%.0f%% of one core)\n",
               atomic_load(&g_errors), cpu, secs > 0 ? 100.0 * cpu / secs : 0.0);
    }
    for (int i = 0; i < NCHAN; i++)
        irc_close(&g_watch[i].c);

    /* natterd stops cleanly. */
    CHECK_OK(np_kill(g_pid, 0));
    code = natterd_wait(&g_srv, 20000);   /* -1 if it had to be killed */
    printf("  natterd exited %d after SIGTERM\n", code);

    CHECK_MSG(nsamples >= 6, "only %d samples", nsamples);
    {
        int a = nsamples / 3, b = 2 * nsamples / 3;
        third(0, a, &r1[0], &r1[1], &r1[2], &r1[3]);
        third(a, b, &r2[0], &r2[1], &r2[2], &r2[3]);
        third(b, nsamples, &r3[0], &r3[1], &r3[2], &r3[3]);
        printf("  %d samples; RSS KiB min/max by third: %ld/%ld, %ld/%ld, %ld/%ld;"
               " fds min/max: %ld/%ld, %ld/%ld, %ld/%ld\n",
               nsamples, r1[0], r1[1], r2[0], r2[1], r3[0], r3[1], r1[2], r1[3], r2[2], r2[3],
               r3[2], r3[3]);
    }
    CHECK_INT(started, g_clients);
    CHECK_INT(code, 0);
    CHECK_INT(lost, 0);
    CHECK_INT(dup, 0);
    CHECK_INT(gaps, 0);
    CHECK_INT(misorder, 0);
    CHECK_INT(foreign, 0);
    CHECK_INT(atomic_load(&g_churn_bad), 0);
    CHECK_INT(atomic_load(&g_errors), 0);
    for (int i = 0; i < NCHAN; i++)
        CHECK_MSG(!g_watch[i].failed, "watcher %d lost its connection", i);
    CHECK_MSG(atomic_load(&g_sessions) > 0, "no session completed");
    CHECK_MSG(r3[1] <= r2[1] + RSS_MARGIN_KB, "RSS grew: %ld KiB in the last third, %ld before",
              r3[1], r2[1]);
    CHECK_MSG(r3[3] <= r2[3] + FD_MARGIN, "descriptors grew: %ld in the last third, %ld before",
              r3[3], r2[3]);
}

int main(int argc, char **argv)
{
    const char *v;
    char modes[128] = "event", *tok, *next;
    (void)argc;
    child_init(argv[0]);
    NP_TEST_INIT();
    if ((v = getenv("NATTER_SOAK_SECONDS")) != NULL && atoi(v) > 0)
        g_seconds = atoi(v);
    if ((v = getenv("NATTER_SOAK_CLIENTS")) != NULL && atoi(v) > 0)
        g_clients = atoi(v) < MAX_CLIENTS ? atoi(v) : MAX_CLIENTS;
    if ((v = getenv("NATTER_SOAK_MODES")) != NULL && *v)
        snprintf(modes, sizeof modes, "%s", v);
    for (tok = modes; tok; tok = next) {
        if ((next = strchr(tok, ',')) != NULL)
            *next++ = '\0';
        if (!*tok)
            continue;
        g_mode = tok;
        printf("== mode %s\n", g_mode);
        RUN(test_soak);
        child_kill_all();
    }
    return NP_TEST_DONE();
}
