/* The hostile-client suite: natterd in each mode (and, opt-in, Debian's
 * ngircd for comparison) under abuse from misbehaving clients, while two
 * well-behaved clients, alpha and bravo, keep exchanging numbered messages
 * (in #ok and privately, alternately) the whole time.
 *
 *     nt-interop-hostile event|thread|fork|ngircd      (no argument: every natterd mode)
 *
 * The abuse: overlong lines (600 bytes with CR LF; 100 KB without), a
 * partial line of kilobytes held open, NUL bytes, invalid UTF-8, bare CR
 * and bare LF line ends, random bytes (fixed seed), 3000 JOINs, a nick-change
 * flood, a client that never reads (SendQ), half-open connections
 * (registration timeout), connections reset (SO_LINGER 0) during
 * registration and after joining, slowloris registration (a byte every
 * 200 ms), connection storms past the per-IP limit and past max-clients, and
 * — on an instance with flood limits on — a message flood.
 *
 * After each case: (1) the server process is alive and a new client's PING
 * is answered; (2) alpha and bravo got every message meant for them exactly
 * once and in order (lost 0, duplicates 0); (3) open descriptors, threads and
 * child processes (fork mode: the hub and its children) are back to the
 * baseline measured before the case and resident memory is within 8 MiB of
 * it; (4) the server is idle: the CPU time it used over 1.5 s afterwards
 * (children included) is below 10 % of one core — a resource check with a
 * wide margin, not a timing. Readings are printed for every case.
 *
 * ngircd runs the same driver with nothing asserted: where it behaves
 * differently the difference is printed. It throttles every client, so its
 * run is slow and opt-in: NATTER_HOSTILE_PEERS=1. Linux only (/proc). */
#define _GNU_SOURCE 1
#include "np_test.h"
#include "irc_client.h"
#include "natterd_proc.h"
#include "procfs.h"

#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>

#define T_LINE 20000
#define RSS_MARGIN_KB (8 * 1024)
#define CPU_WINDOW_MS 1500
#define CPU_MAX_PCT 10.0
#define MAX_CLIENTS 40      /* --max-clients */
#define MAX_PER_IP 16       /* [server] max-clients-per-ip */
#define REGISTER_TIMEOUT_S 2
#define SENDQ_BYTES (256 * 1024)   /* [limits] sendq */

/* ---- the server under test ------------------------------------------------- */

typedef struct target {
    const char *label;     /* "event", "thread", "fork", "ngircd" */
    int natterd;           /* 0: ngircd */
    int flood;             /* this instance has flood limits on */
    int strict;            /* assert (natterd); else print differences (ngircd) */
    int interval_ms;       /* alpha's and bravo's pace */
    natterd_proc srv;      /* the server process (ngircd's too) and its port */
    long pid;
    char conf[512], log[512];
} target;

static target g_t;

int peers_which_ngircd(char *out, size_t len);
static int g_up;           /* server, alpha and bravo are running */

static struct {
    int cases;
    long hostile_conns, hostile_bytes;
    long exchanged, lost, dups;
    int differences;
} g_tot;

/* A check that natterd must pass; for ngircd a printed difference. */
#define VERIFY(cond, ...) do { if (!(cond)) { \
    if (g_t.strict) { np_test_fail(__FILE__, __LINE__, __VA_ARGS__); return; } \
    printf("  DIFFERS (%s): ", g_t.label); printf(__VA_ARGS__); printf("\n"); \
    g_tot.differences++; } } while (0)

/* ---- well-behaved clients -------------------------------------------------- */

typedef struct peer peer;
typedef void (*peer_job)(peer *p, void *arg);

struct peer {
    irc_client c;
    const char *nick;
    peer *other;
    np_thread *th;
    int64_t next_send;
    atomic_int stop, pause, paused, broken;
    atomic_long sent;      /* numbered 1..sent */
    atomic_long got;       /* the other's messages received */
    atomic_long last;      /* the other's last number seen */
    atomic_long dups;      /* a number seen again or out of order */
    atomic_long max_lat;   /* ms from send to receipt, this case */
    /* a job run on this client's own thread (one socket, one thread) */
    peer_job job_fn;
    void *job_arg;
    atomic_int job_state;  /* 0 none, 1 to run, 2 done */
    /* a line to watch for: it contains both needles */
    char watch_a[64], watch_b[64], watch_line[512];
    atomic_int watch_on, watch_hit;
};

static peer g_alpha, g_bravo;
static long seen_total, lost_total, dup_total;   /* at the last sync, this world */

static void peer_handle(peer *p, const char *line)
{
    char from[48];
    const char *seq;
    if (strncmp(line, "PING ", 5) == 0) {
        irc_send(&p->c, "PONG %s", line + 5);
        return;
    }
    if (atomic_load(&p->watch_on) && !atomic_load(&p->watch_hit) && strstr(line, p->watch_a) &&
        strstr(line, p->watch_b)) {
        irc_copy(p->watch_line, sizeof p->watch_line, line);
        atomic_store(&p->watch_hit, 1);
    }
    snprintf(from, sizeof from, ":%s!", p->other->nick);
    if (strncmp(line, from, strlen(from)) == 0 && strstr(line, " PRIVMSG ") &&
        (seq = strstr(line, " :seq ")) != NULL) {
        long n = 0, last = atomic_load(&p->last);
        long long t = 0;
        long lat;
        if (sscanf(seq + 6, "%ld %lld", &n, &t) != 2)
            return;
        if (n <= last) {
            atomic_fetch_add(&p->dups, 1);
            return;
        }
        /* A gap shows as got < sent at the next sync: those are lost. */
        atomic_store(&p->last, n);
        atomic_fetch_add(&p->got, 1);
        lat = (long)(np_now_ms() - t);
        if (lat > atomic_load(&p->max_lat))
            atomic_store(&p->max_lat, lat);
    }
}

/* Send the next numbered message if it is due, then wait up to wait_ms for a
 * line and handle it. */
static void peer_step(peer *p, int64_t wait_ms)
{
    char line[4096];
    int64_t now = np_now_ms();
    np_err err;
    if (atomic_load(&p->broken)) {
        np_sleep_ms(wait_ms);
        return;
    }
    if (atomic_load(&p->pause)) {
        atomic_store(&p->paused, 1);
        p->next_send = now + g_t.interval_ms;
    } else {
        atomic_store(&p->paused, 0);
        if (now >= p->next_send) {
            long k = atomic_load(&p->sent) + 1;
            const char *to = (k & 1) ? p->other->nick : "#ok";
            if (irc_send(&p->c, "PRIVMSG %s :seq %ld %lld", to, k, (long long)now) != NP_OK) {
                printf("  %s: send failed\n", p->nick);
                atomic_store(&p->broken, 1);
                return;
            }
            atomic_store(&p->sent, k);
            p->next_send += g_t.interval_ms;
            if (p->next_send < now)
                p->next_send = now + g_t.interval_ms;
        }
        if (p->next_send - now < wait_ms)
            wait_ms = p->next_send - now;
    }
    if (wait_ms < 1)
        wait_ms = 1;
    err = irc_readline(&p->c, line, sizeof line, wait_ms);
    if (err == NP_OK)
        peer_handle(p, line);
    else if (err == NP_EEOF) {
        printf("  %s: the server closed the connection\n", p->nick);
        atomic_store(&p->broken, 1);
    }
}

static void peer_main(void *arg)
{
    peer *p = arg;
    p->next_send = np_now_ms();
    while (!atomic_load(&p->stop)) {
        if (atomic_load(&p->job_state) == 1) {
            p->job_fn(p, p->job_arg);
            atomic_store(&p->job_state, 2);
        }
        peer_step(p, 20);
    }
}

static int wait_flag(atomic_int *flag, int want, int64_t timeout_ms)
{
    int64_t deadline = np_now_ms() + timeout_ms;
    while (atomic_load(flag) != want) {
        if (np_now_ms() > deadline)
            return 0;
        np_sleep_ms(2);
    }
    return 1;
}

static int peer_run_job(peer *p, peer_job fn, void *arg, int64_t timeout_ms)
{
    p->job_fn = fn;
    p->job_arg = arg;
    atomic_store(&p->job_state, 1);
    if (!wait_flag(&p->job_state, 2, timeout_ms))
        return 0;
    atomic_store(&p->job_state, 0);
    return 1;
}

static void peer_watch(peer *p, const char *a, const char *b)
{
    atomic_store(&p->watch_on, 0);
    irc_copy(p->watch_a, sizeof p->watch_a, a);
    irc_copy(p->watch_b, sizeof p->watch_b, b);
    p->watch_line[0] = '\0';
    atomic_store(&p->watch_hit, 0);
    atomic_store(&p->watch_on, 1);
}

static int peer_watch_wait(peer *p, int64_t timeout_ms)
{
    return wait_flag(&p->watch_hit, 1, timeout_ms);
}

/* ---- hostile connections --------------------------------------------------- */

#define MAX_HOSTILE 64
static irc_client *g_hostile[MAX_HOSTILE];

/* A connection to the server from src_ip (NULL: 127.0.0.1), optionally
 * with a tiny receive buffer; tracked so that a failed case leaves none. */
static irc_client *hostile_open(const char *src_ip, int rcvbuf)
{
    irc_client *c = NULL;
    np_addr to, from;
    np_socket_t s;
    int slot;
    for (slot = 0; slot < MAX_HOSTILE && g_hostile[slot]; slot++)
        ;
    if (slot == MAX_HOSTILE || !(c = calloc(1, sizeof *c)))
        return NULL;
    c->sock = NP_INVALID_SOCKET;
    snprintf(c->nick, sizeof c->nick, "hostile");
    if (np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &s) != NP_OK) {
        free(c);
        return NULL;
    }
    if (rcvbuf)
        np_set_rcvbuf(s, rcvbuf);
    np_addr_from_ip("127.0.0.1", (uint16_t)g_t.srv.port, &to);
    np_socket_set_timeout(s, 10000);
    if ((src_ip && (np_addr_from_ip(src_ip, 0, &from) != NP_OK || np_bind(s, &from) != NP_OK)) ||
        np_connect(s, &to) != NP_OK) {
        np_socket_close(s);
        free(c);
        return NULL;
    }
    c->sock = s;
    g_hostile[slot] = c;
    g_tot.hostile_conns++;
    return c;
}

/* Close it: reset != 0 closes with SO_LINGER 0 (an RST). */
static void hostile_close(irc_client *c, int reset)
{
    if (!c)
        return;
    for (int i = 0; i < MAX_HOSTILE; i++)
        if (g_hostile[i] == c)
            g_hostile[i] = NULL;
    if (reset)
        np_set_linger(c->sock, 1, 0);
    irc_close(c);
    free(c);
}

static void hostile_close_all(void)
{
    for (int i = 0; i < MAX_HOSTILE; i++)
        if (g_hostile[i])
            hostile_close(g_hostile[i], 0);
}

/* What came back while pumping. */
typedef struct pump_result {
    size_t sent;
    long lines;
    long n001, n405, n417, n433;
    int eof, found;
    char error[256];       /* the ERROR line, if any */
} pump_result;

static void pump_line(const char *line, const char *until, pump_result *r)
{
    const char *sp = strchr(line, ' ');
    r->lines++;
    if (strncmp(line, "ERROR", 5) == 0 && !r->error[0])
        irc_copy(r->error, sizeof r->error, line);
    if (sp && line[0] == ':') {
        if (strncmp(sp, " 001 ", 5) == 0)
            r->n001++;
        else if (strncmp(sp, " 405 ", 5) == 0)
            r->n405++;
        else if (strncmp(sp, " 417 ", 5) == 0)
            r->n417++;
        else if (strncmp(sp, " 433 ", 5) == 0)
            r->n433++;
    }
    if (until && strstr(line, until))
        r->found = 1;
}

/* Split the held bytes into lines (a full buffer without a line end is
 * dropped: these are the server's lines, not ours to judge). */
static void pump_take(irc_client *c, const char *until, pump_result *r)
{
    char line[1024];
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->len);
        size_t n;
        if (!nl) {
            if (c->len == sizeof c->buf)
                c->len = 0;
            return;
        }
        n = (size_t)(nl - c->buf);
        snprintf(line, sizeof line, "%.*s", (int)(n > 0 && c->buf[n - 1] == '\r' ? n - 1 : n),
                 c->buf);
        memmove(c->buf, nl + 1, c->len - n - 1);
        c->len -= n + 1;
        pump_line(line, until, r);
    }
}

/* Send data (len bytes, NULs allowed) while reading whatever comes back, so
 * the server is never blocked by us; then keep reading until a line with
 * `until` (NULL: stop once sent), end of file, or timeout. r accumulates. */
static void pump(irc_client *c, const char *data, size_t len, const char *until,
                 int64_t timeout_ms, pump_result *r)
{
    int64_t deadline = np_now_ms() + timeout_ms;
    size_t off = 0;
    int fd = (int)np_socket_fileno(c->sock);
    np_socket_set_timeout(c->sock, NP_TIMEOUT_NONBLOCKING);
    while (!r->eof && np_now_ms() < deadline) {
        struct pollfd pfd;
        if (off == len && (!until || r->found))
            break;
        pfd.fd = fd;
        pfd.events = (short)(POLLIN | (off < len ? POLLOUT : 0));
        pfd.revents = 0;
        if (poll(&pfd, 1, 50) < 0)
            break;
        if (pfd.revents & POLLOUT) {
            size_t n = 0, chunk = len - off > 16384 ? 16384 : len - off;
            np_err err = np_send(c->sock, data + off, chunk, &n);
            if (err == NP_OK) {
                off += n;
                g_tot.hostile_bytes += (long)n;
            } else if (err != NP_EAGAIN) {
                r->eof = 1;   /* reset by the server: it cut us off */
            }
        }
        if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
            size_t got = 0;
            np_err err = np_recv(c->sock, c->buf + c->len, sizeof c->buf - c->len, &got);
            if (err == NP_OK && got > 0) {
                c->len += got;
                pump_take(c, until, r);
            } else if (err != NP_EAGAIN) {
                r->eof = 1;
            }
        }
    }
    r->sent += off;
    np_socket_set_timeout(c->sock, 10000);
}

/* Register (NICK/USER, wait for the end of the burst). */
static irc_client *hostile_register(const char *nick)
{
    irc_client *c = hostile_open(NULL, 0);
    char line[1024];
    if (!c)
        return NULL;
    snprintf(c->nick, sizeof c->nick, "%s", nick);
    if (irc_send(c, "NICK %s", nick) != NP_OK || irc_send(c, "USER %s 0 * :%s", nick, nick))
        return NULL;
    if (!irc_expect(c, " 001 ", NULL, 0, T_LINE))
        return NULL;
    while (irc_readline(c, line, sizeof line, T_LINE) == NP_OK)
        if (strstr(line, " 376 ") || strstr(line, " 422 "))
            return c;
    return NULL;
}

/* ---- the server: natterd or ngircd ---------------------------------------- */

static const char *mode_of(const char *label)
{
    return strcmp(label, "event") == 0 || strcmp(label, "thread") == 0 ||
                   strcmp(label, "fork") == 0
               ? label
               : NULL;
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    fputs(text, f);
    return fclose(f) == 0;
}

static int start_natterd(void)
{
    char text[1024], maxc[16], asan[1024];
    const char *const flags[] = {"--config", g_t.conf, "--max-clients", maxc, NULL};
    const char *const env[] = {asan, NULL};
    /* The config sets the flood limits of each instance. */
    const natterd_spec spec = {.mode = g_t.label, .flood_limits = 1, .log_level = "warn",
                               .flags = flags, .env = env, .timeout_ms = T_LINE};
    np_test_temp_path(g_t.conf, sizeof g_t.conf, "hostile-natterd.conf");
    snprintf(text, sizeof text,
             "[server]\nmax-clients-per-ip = %d\n"
             "[limits]\nregister-timeout = %d\nsendq = %d\n"
             "flood-limits = %s\nflood-burst = 20\nflood-interval-ms = 50\nrecvq = 8192\n",
             MAX_PER_IP, REGISTER_TIMEOUT_S, SENDQ_BYTES, g_t.flood ? "yes" : "no");
    if (!write_text(g_t.conf, text))
        return 0;
    snprintf(maxc, sizeof maxc, "%d", MAX_CLIENTS);
    /* In an AddressSanitizer build, freed memory waits in a quarantine of up
     * to 256 MB before reuse, which the RSS check would take for a leak: keep
     * it small (a sanitizer-free natterd ignores the variable). */
    snprintf(asan, sizeof asan, "ASAN_OPTIONS=%s%squarantine_size_mb=2",
             getenv("ASAN_OPTIONS") ? getenv("ASAN_OPTIONS") : "",
             getenv("ASAN_OPTIONS") ? ":" : "");
    return natterd_start(&g_t.srv, &spec);
}

static int start_ngircd(void)
{
    char path[512], text[2048];
    np_addr free_addr;
    int64_t deadline;
    const char *argv[8];
    if (!peers_which_ngircd(path, sizeof path))
        return 0;
    if (np_test_closed_port(&free_addr) != NP_OK)
        return 0;
    g_t.srv.port = np_addr_port(&free_addr);
    np_test_temp_path(g_t.conf, sizeof g_t.conf, "hostile-ngircd.conf");
    np_test_temp_path(g_t.log, sizeof g_t.log, "hostile-ngircd.log");
    snprintf(text, sizeof text,
             "[Global]\nName = hostile.test\nInfo = ngircd for the hostile suite\n"
             "Listen = 127.0.0.1\nPorts = %u\nMotdPhrase = hostile\n"
             "AdminInfo1 = natter tests\nAdminInfo2 = loopback\nAdminEMail = root@localhost\n"
             "[Limits]\nMaxConnections = %d\nMaxConnectionsIP = %d\nMaxJoins = 20\n"
             "MaxNickLength = 30\nPingTimeout = 120\nPongTimeout = 60\n"
             "[Options]\nPAM = no\nDNS = no\nIdent = no\n",
             g_t.srv.port, MAX_CLIENTS, MAX_PER_IP);
    if (!write_text(g_t.conf, text))
        return 0;
    /* Its console output goes to a file: a pipe nobody reads would block it. */
    argv[0] = "/bin/sh";
    argv[1] = "-c";
    argv[2] = "exec \"$0\" -n -f \"$1\" >\"$2\" 2>&1";
    argv[3] = path;
    argv[4] = g_t.conf;
    argv[5] = g_t.log;
    argv[6] = NULL;
    if (!child_spawn(argv, NULL, &g_t.srv.proc))
        return 0;
    deadline = np_now_ms() + 10000;
    while (np_now_ms() < deadline) {
        np_socket_t s;
        if (np_tcp_connect("127.0.0.1", (uint16_t)g_t.srv.port, 1000, &s) == NP_OK) {
            np_socket_close(s);
            return 1;
        }
        np_sleep_ms(50);
    }
    return 0;
}

static void stop_server(void)
{
    child_kill(g_t.srv.proc);
    if (g_t.conf[0])
        remove(g_t.conf);
    if (g_t.log[0])
        remove(g_t.log);
    g_t.conf[0] = g_t.log[0] = '\0';
    g_t.pid = 0;
}

int peers_which_ngircd(char *out, size_t len)
{
    static const char *const dirs[] = {"/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(out, len, "%s/ngircd", dirs[i]);
        if (access(out, X_OK) == 0)
            return 1;
    }
    return 0;
}

/* ---- the world: server, alpha and bravo ------------------------------------ */

static void world_stop(void)
{
    peer *ps[2] = {&g_alpha, &g_bravo};
    hostile_close_all();
    for (int i = 0; i < 2; i++) {
        atomic_store(&ps[i]->stop, 1);
        if (ps[i]->th)
            np_thread_join(ps[i]->th);
        ps[i]->th = NULL;
        if (ps[i]->c.sock != NP_INVALID_SOCKET && ps[i]->c.sock)
            irc_close(&ps[i]->c);
    }
    stop_server();
    g_up = 0;
}

static void world_start(int flood)
{
    peer *ps[2] = {&g_alpha, &g_bravo};
    g_t.flood = flood;
    g_t.interval_ms = g_t.natterd ? (flood ? 100 : 20) : 700;
    memset(&g_alpha, 0, sizeof g_alpha);
    memset(&g_bravo, 0, sizeof g_bravo);
    g_alpha.nick = "alpha";
    g_bravo.nick = "bravo";
    g_alpha.other = &g_bravo;
    g_bravo.other = &g_alpha;
    seen_total = lost_total = dup_total = 0;
    CHECK_MSG(g_t.natterd ? start_natterd() : start_ngircd(), "the server did not start");
    for (int i = 0; i < 20 && !g_t.pid; i++) {
        g_t.pid = proc_pid_of_port(g_t.srv.port);
        if (!g_t.pid)
            np_sleep_ms(50);
    }
    printf("  %s%s listening on 127.0.0.1:%u, pid %ld (found by its listening socket)\n",
           g_t.natterd ? "natterd " : "", g_t.label, g_t.srv.port, g_t.pid);
    CHECK_MSG(g_t.pid > 0, "no process holds the listener on port %u", g_t.srv.port);
    for (int i = 0; i < 2; i++) {
        CHECK(irc_register(&ps[i]->c, g_t.srv.port, ps[i]->nick));
        CHECK(irc_join(&ps[i]->c, "#ok"));
    }
    CHECK(irc_expect(&g_alpha.c, ":bravo!", NULL, 0, T_LINE));   /* bravo's JOIN */
    for (int i = 0; i < 2; i++)
        CHECK_OK(np_thread_create(&ps[i]->th, peer_main, ps[i]));
    g_up = 1;
}

/* ---- one case: baseline, abuse, checks -------------------------------------- */

typedef struct case_rec {
    char name[32];
    proc_usage before, after;
    double cpu_pct;
    long msgs, lost, dups, max_lat, conns;
} case_rec;

static case_rec g_recs[48];
static int g_nrec;
static case_rec *g_cur;
static long g_conns_at_begin;
static int g_probe_no;

static int case_begin(const char *name)
{
    if (!g_up)
        return 0;
    if (g_nrec < (int)(sizeof g_recs / sizeof g_recs[0]))
        g_cur = &g_recs[g_nrec++];
    memset(g_cur, 0, sizeof *g_cur);
    snprintf(g_cur->name, sizeof g_cur->name, "%s", name);
    atomic_store(&g_alpha.max_lat, 0);
    atomic_store(&g_bravo.max_lat, 0);
    atomic_store(&g_alpha.watch_on, 0);
    atomic_store(&g_bravo.watch_on, 0);
    g_cur->before = proc_measure(g_t.pid);
    g_conns_at_begin = g_tot.hostile_conns;
    g_tot.cases++;
    return 1;
}

/* Wait until alpha and bravo are paused, then until each has every message
 * the other sent; count what is missing and doubled. */
static void sync_peers(long *msgs, long *lost, long *dups)
{
    int64_t deadline;
    long a_sent, b_sent, a_got, b_got, all_dups;
    atomic_store(&g_alpha.pause, 1);
    atomic_store(&g_bravo.pause, 1);
    wait_flag(&g_alpha.paused, 1, 10000);
    wait_flag(&g_bravo.paused, 1, 10000);
    a_sent = atomic_load(&g_alpha.sent);
    b_sent = atomic_load(&g_bravo.sent);
    deadline = np_now_ms() + (g_t.natterd ? 15000 : 20000);
    while ((atomic_load(&g_alpha.got) < b_sent || atomic_load(&g_bravo.got) < a_sent) &&
           np_now_ms() < deadline)
        np_sleep_ms(5);
    a_got = atomic_load(&g_alpha.got);
    b_got = atomic_load(&g_bravo.got);
    all_dups = atomic_load(&g_alpha.dups) + atomic_load(&g_bravo.dups);
    /* Counters run over the whole world; the case gets the change. */
    *msgs = a_got + b_got - seen_total + lost_total;
    *lost = (b_sent - a_got) + (a_sent - b_got) - lost_total;
    *dups = all_dups - dup_total;
    seen_total = a_got + b_got + (*lost + lost_total);
    lost_total += *lost;
    dup_total += *dups;
    atomic_store(&g_alpha.pause, 0);
    atomic_store(&g_bravo.pause, 0);
    wait_flag(&g_alpha.paused, 0, 10000);
    wait_flag(&g_bravo.paused, 0, 10000);
}

/* (1) alive and answering a new client's PING. */
static int probe_alive(void)
{
    irc_client *c;
    char nick[32], token[32];
    int ok;
    snprintf(nick, sizeof nick, "probe%d", ++g_probe_no);
    snprintf(token, sizeof token, "alive-%d", g_probe_no);
    g_tot.hostile_conns--;   /* the probe is a friend */
    c = hostile_register(nick);
    if (!c) {
        printf("  probe %s could not register\n", nick);
        return 0;
    }
    ok = irc_send(c, "PING :%s", token) == NP_OK && irc_expect(c, token, NULL, 0, T_LINE);
    irc_send(c, "QUIT :probe done");
    irc_expect_eof(c, 5000);
    hostile_close(c, 0);
    return ok;
}

static double cpu_pct_over(int64_t ms)
{
    proc_usage a = proc_measure(g_t.pid), b;
    int64_t t0 = np_now_ms();
    np_sleep_ms(ms);
    b = proc_measure(g_t.pid);
    return (double)(b.cpu_ticks - a.cpu_ticks) / proc_ticks_per_s() * 100000.0 /
           (double)(np_now_ms() - t0);
}

static void case_end(void)
{
    proc_usage u;
    int64_t deadline;
    case_rec *r = g_cur;
    hostile_close_all();
    r->conns = g_tot.hostile_conns - g_conns_at_begin;

    /* (1) */
    u = proc_measure(g_t.pid);
    CHECK_MSG(u.alive, "the server process %ld is gone", g_t.pid);
    VERIFY(probe_alive(), "a new client's PING was not answered after %s", r->name);

    /* (2) */
    sync_peers(&r->msgs, &r->lost, &r->dups);
    r->max_lat = atomic_load(&g_alpha.max_lat);
    if (atomic_load(&g_bravo.max_lat) > r->max_lat)
        r->max_lat = atomic_load(&g_bravo.max_lat);
    g_tot.exchanged += r->msgs;
    g_tot.lost += r->lost;
    g_tot.dups += r->dups;
    printf("  alpha/bravo: %ld messages, lost %ld, duplicates %ld, slowest %ld ms; "
           "%ld hostile connections\n", r->msgs, r->lost, r->dups, r->max_lat, r->conns);
    CHECK_MSG(!atomic_load(&g_alpha.broken) && !atomic_load(&g_bravo.broken),
              "a well-behaved client lost its connection during %s", r->name);
    VERIFY(r->lost == 0 && r->dups == 0, "%s: %ld messages lost, %ld doubled", r->name, r->lost,
           r->dups);

    /* (3) descriptors, threads and children back to the baseline; memory
     * within a margin. Closing is asynchronous (a child exits, a thread ends):
     * wait for it. */
    deadline = np_now_ms() + 10000;
    for (;;) {
        u = proc_measure(g_t.pid);
        if ((u.fds <= r->before.fds && u.threads <= r->before.threads &&
             u.kids <= r->before.kids) || np_now_ms() > deadline)
            break;
        np_sleep_ms(20);
    }
    r->after = u;
    printf("  fds %ld -> %ld, threads %ld -> %ld, child processes %ld -> %ld, "
           "RSS %.1f -> %.1f MiB\n", r->before.fds, u.fds, r->before.threads, u.threads,
           r->before.kids, u.kids, (double)r->before.rss_kb / 1024.0, (double)u.rss_kb / 1024.0);
    if (u.fds > r->before.fds) {
        long kids[PROC_MAX_KIDS];
        int nk = proc_children(g_t.pid, kids, PROC_MAX_KIDS);
        proc_print_fds(g_t.pid);
        for (int i = 0; i < nk; i++)
            proc_print_fds(kids[i]);
    }
    VERIFY(u.fds <= r->before.fds, "%s: %ld descriptors open, %ld before", r->name, u.fds,
           r->before.fds);
    VERIFY(u.threads <= r->before.threads, "%s: %ld threads, %ld before", r->name, u.threads,
           r->before.threads);
    VERIFY(u.kids <= r->before.kids, "%s: %ld child processes, %ld before", r->name, u.kids,
           r->before.kids);
    VERIFY(u.rss_kb <= r->before.rss_kb + RSS_MARGIN_KB, "%s: RSS %ld KiB, %ld KiB before",
           r->name, u.rss_kb, r->before.rss_kb);

    /* (4) idle again (alpha and bravo still chatting). */
    r->cpu_pct = cpu_pct_over(CPU_WINDOW_MS);
    printf("  CPU over %.1f s after the case: %.1f %% of one core\n", CPU_WINDOW_MS / 1000.0,
           r->cpu_pct);
    VERIFY(r->cpu_pct < CPU_MAX_PCT, "%s: the server used %.1f %% CPU after the case", r->name,
           r->cpu_pct);
}

#define CASE(name) do { if (!case_begin(name)) { \
    np_test_fail(__FILE__, __LINE__, "the server is not up"); return; } } while (0)

/* ---- the cases --------------------------------------------------------------- */

static void case_overlong_line(void)
{
    static char data[1200];
    irc_client *c;
    pump_result r;
    size_t n;
    CASE("overlong line");
    CHECK((c = hostile_register("longline")) != NULL);
    n = (size_t)snprintf(data, sizeof data, "PRIVMSG #ok :");
    memset(data + n, 'x', 600);
    n += 600;
    n += (size_t)snprintf(data + n, sizeof data - n, "\r\nPING :after-long\r\n");
    memset(&r, 0, sizeof r);
    pump(c, data, n, "after-long", T_LINE, &r);
    printf("  a %zu-byte line: %ld x 417, %s\n", n - 21, r.n417,
           r.found ? "PING answered after it" : r.eof ? "cut off" : "no answer");
    VERIFY(r.n417 == 1, "a line over 512 bytes got %ld x 417 ERR_INPUTTOOLONG", r.n417);
    VERIFY(r.found, "a PING after an overlong line was not answered");
    case_end();
}

static void case_overlong_100k(void)
{
    static char junk[100 * 1024];
    irc_client *reg, *unreg;
    pump_result r1, r2;
    int64_t t0;
    CASE("100 KB without CR LF");
    memset(junk, 'B', sizeof junk);
    CHECK((reg = hostile_register("endless")) != NULL);
    CHECK((unreg = hostile_open(NULL, 0)) != NULL);
    memset(&r1, 0, sizeof r1);
    memset(&r2, 0, sizeof r2);
    t0 = np_now_ms();
    pump(reg, junk, sizeof junk, NULL, 10000, &r1);
    pump(unreg, junk, sizeof junk, NULL, 10000, &r2);
    /* then wait for the server to close them */
    pump(reg, "", 0, "\x01never", 5000, &r1);
    pump(unreg, "", 0, "\x01never", 5000, &r2);
    printf("  registered: %zu bytes taken, %s (%s); unregistered: %zu bytes, %s (%s); %lld ms\n",
           r1.sent, r1.eof ? "cut off" : "still open", r1.error[0] ? r1.error : "no ERROR",
           r2.sent, r2.eof ? "cut off" : "still open", r2.error[0] ? r2.error : "no ERROR",
           (long long)(np_now_ms() - t0));
    VERIFY(r1.eof && r2.eof, "100 KB without a line end: the connection stays open");
    VERIFY(r1.error[0] && r2.error[0], "100 KB without a line end: no ERROR before the close");
    case_end();
}

static void case_no_line_end(void)
{
    static char part[6000];
    irc_client *reg, *unreg;
    pump_result r1, r2;
    double pct;
    CASE("kilobytes, no line end");
    memset(part, 'A', sizeof part);
    CHECK((reg = hostile_register("partial")) != NULL);
    CHECK((unreg = hostile_open(NULL, 0)) != NULL);
    memset(&r1, 0, sizeof r1);
    memset(&r2, 0, sizeof r2);
    pump(reg, part, 4000, NULL, 5000, &r1);
    pump(unreg, part, sizeof part, NULL, 5000, &r2);
    /* While the partial lines are held, the server must sleep, not spin. */
    pct = cpu_pct_over(CPU_WINDOW_MS);
    pump(reg, "", 0, "\x01never", 10, &r1);
    printf("  4000 and 6000 bytes held without a line end: CPU %.1f %% over %.1f s, "
           "connections %s/%s\n", pct, CPU_WINDOW_MS / 1000.0, r1.eof ? "closed" : "open",
           r2.eof ? "closed" : "open");
    VERIFY(pct < CPU_MAX_PCT, "holding a partial line: %.1f %% CPU", pct);
    pump(reg, "\r\nPING :partial-done\r\n", 22, "partial-done", T_LINE, &r1);
    VERIFY(r1.found, "the line end after 4000 bytes: a PING behind it was not answered");
    case_end();
}

/* Bad bytes from two clients: data from a registered one in #ok, ending in
 * a PING whose token is `token` (r->found once it is answered), and
 * unreg_data from one that never registered, whose lines back are r2's. */
static void bad_lines(const char *nick, const char *data, size_t len, const char *token,
                      const char *unreg_data, size_t unreg_len, pump_result *r, pump_result *r2)
{
    irc_client *c, *u;
    memset(r, 0, sizeof *r);
    memset(r2, 0, sizeof *r2);
    CHECK((c = hostile_register(nick)) != NULL);
    CHECK(irc_join(c, "#ok"));
    pump(c, data, len, token, T_LINE, r);
    CHECK((u = hostile_open(NULL, 0)) != NULL);
    pump(u, unreg_data, unreg_len, NULL, 5000, r2);
    pump(u, "", 0, "\x01never", 300, r2);
    printf("  registered: %ld lines back, %s; unregistered: %ld lines back%s\n", r->lines,
           r->found ? "PING after them answered" : "no PONG", r2->lines,
           r2->n001 ? ", registered (!)" : "");
}

static void case_nul_bytes(void)
{
    static const char data[] = "PRIVMSG #ok :be\0fore\r\nPRIVMSG alpha :x\0y\r\nNICK nu\0l\r\n"
                               "\0\0\0\r\nJOIN #n\0ul\r\nTOPIC #ok :t\0t\r\nPING :after-nul\r\n";
    static const char unreg_data[] = "NICK a\0b\r\nUSER \0 0 * :\0\r\n";
    pump_result r, r2;
    CASE("NUL bytes in lines");
    bad_lines("nulby", data, sizeof data - 1, "after-nul", unreg_data, sizeof unreg_data - 1, &r,
              &r2);
    if (np_test_case_failed())
        return;
    VERIFY(r.found, "after lines with NUL bytes the PING was not answered");
    VERIFY(r2.n001 == 0, "NICK/USER with NUL bytes registered a client");
    case_end();
}

static void case_invalid_utf8(void)
{
    static const char data[] =
        "PRIVMSG #ok :\xff\xfe\xfd bad\r\nPRIVMSG alpha :\xc0\xaf\r\nNICK \xc3\x28\r\n"
        "JOIN #\xe2\x28\xa1\r\nTOPIC #ok :\xf0\x28\x8c\x28\r\nAWAY :\xed\xa0\x80\r\n"
        "PRIVMSG #ok :\xf8\x88\x80\x80\x80\r\nPING :after-utf8\r\n";
    static const char unreg_data[] = "NICK \xff\xfe\r\nUSER \xff 0 * :\xfe\r\nPING :pre-utf8\r\n";
    pump_result r, r2;
    CASE("invalid UTF-8");
    bad_lines("utfbad", data, sizeof data - 1, "after-utf8", unreg_data, sizeof unreg_data - 1,
              &r, &r2);
    if (np_test_case_failed())
        return;
    VERIFY(r.found, "after invalid UTF-8 the PING was not answered");
    case_end();
}

static void case_bare_line_ends(void)
{
    static const char cr[] = "NICK barecr\rUSER barecr 0 * :bare\rJOIN #ok\r"
                             "PRIVMSG #ok :bare cr\rPING :cr-done\r";
    static const char lf[] = "NICK barelf\nUSER barelf 0 * :lf\nPING :lf-done\n";
    irc_client *a, *b;
    pump_result r1, r2;
    CASE("bare CR and LF line ends");
    CHECK((a = hostile_open(NULL, 0)) != NULL);
    CHECK((b = hostile_open(NULL, 0)) != NULL);
    memset(&r1, 0, sizeof r1);
    memset(&r2, 0, sizeof r2);
    pump(a, cr, sizeof cr - 1, "cr-done", T_LINE, &r1);
    pump(b, lf, sizeof lf - 1, "lf-done", T_LINE, &r2);
    printf("  bare CR: %s, %s; bare LF: %s, %s\n", r1.n001 ? "registered" : "not registered",
           r1.found ? "PING answered" : "no PONG", r2.n001 ? "registered" : "not registered",
           r2.found ? "PING answered" : "no PONG");
    VERIFY(r1.n001 == 1 && r1.found, "lines ended by a bare CR were not taken as lines");
    VERIFY(r2.n001 == 1 && r2.found, "lines ended by a bare LF were not taken as lines");
    case_end();
}

static uint64_t g_rng = 0x5eed5eed12345678ull;   /* fixed seed: the same bytes every run */

static uint64_t rng_next(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return g_rng;
}

static void case_binary_garbage(void)
{
    static char junk[64 * 1024];
    irc_client *c[3];
    pump_result r[3];
    CASE("binary garbage");
    CHECK((c[0] = hostile_open(NULL, 0)) != NULL);
    CHECK((c[1] = hostile_open(NULL, 0)) != NULL);
    CHECK((c[2] = hostile_register("garbage")) != NULL);
    for (int k = 0; k < 3; k++) {
        for (size_t i = 0; i < sizeof junk; i += 8) {
            uint64_t v = rng_next();
            memcpy(junk + i, &v, 8);
        }
        memset(&r[k], 0, sizeof r[k]);
        pump(c[k], junk, sizeof junk, NULL, 10000, &r[k]);
        pump(c[k], "", 0, "\x01never", 300, &r[k]);
        printf("  connection %d (%s): %zu random bytes taken, %ld lines back, %s%s%s\n", k + 1,
               k == 2 ? "registered" : "unregistered", r[k].sent, r[k].lines,
               r[k].eof ? "closed by the server" : "still open", r[k].error[0] ? ": " : "",
               r[k].error);
    }
    hostile_close(c[1], 1);
    case_end();
}

static void case_many_joins(void)
{
    /* Each JOIN past the 20th is answered with a 405 of about 68 bytes, and
     * the server may queue them all before it sends the first: thread mode's
     * reader can feed the whole burst to the engine before the writer thread
     * gets the CPU. So the replies stay well within SendQ; 5000 JOINs (340 KB
     * of 405s) got the joiner dropped for SendQ exceeded on a busy machine,
     * which tested the scheduler, not the channel limit. */
    enum { N = 3000, LINE_405 = 68 };
    _Static_assert((N - 20) * LINE_405 < SENDQ_BYTES * 4 / 5, "the 405s must fit in SendQ");
    char *data = malloc((size_t)N * 16 + 64);
    irc_client *c;
    pump_result r;
    size_t n = 0;
    int64_t t0;
    CASE("3000 JOINs");
    CHECK(data != NULL);
    for (int i = 1; i <= N; i++)
        n += (size_t)sprintf(data + n, "JOIN #c%d\r\n", i);
    n += (size_t)sprintf(data + n, "PING :joins-done\r\n");
    c = hostile_register("joiner");
    if (!c)
        free(data);
    CHECK(c != NULL);
    memset(&r, 0, sizeof r);
    t0 = np_now_ms();
    pump(c, data, n, "joins-done", g_t.natterd ? T_LINE : 15000, &r);
    free(data);
    printf("  %d JOINs (%zu bytes) in %lld ms: %ld lines back, %ld x 405 too many channels%s\n",
           N, r.sent, (long long)(np_now_ms() - t0), r.lines, r.n405,
           r.found ? "" : r.eof ? ", cut off" : ", unfinished");
    VERIFY(r.found, "%d JOINs: the PING after them was not answered", N);
    VERIFY(r.n405 == N - 20, "%d JOINs: %ld refused with 405, expected %d", N, r.n405, N - 20);
    case_end();
}

static void case_nick_flood(void)
{
    enum { N = 2000 };
    char *data = malloc((size_t)N * 16 + 64);
    irc_client *c;
    pump_result r;
    size_t n = 0;
    int64_t t0;
    CASE("nick-change flood");
    CHECK(data != NULL);
    for (int i = 1; i <= N; i++) {
        if (i % 100 == 50)
            n += (size_t)sprintf(data + n, "NICK alpha\r\n");   /* taken: 433 */
        else
            n += (size_t)sprintf(data + n, "NICK nf%d\r\n", i);
    }
    n += (size_t)sprintf(data + n, "PING :nicks-done\r\n");
    c = hostile_register("nf0");
    if (!c || !irc_join(c, "#ok")) {
        free(data);
        CHECK(0);
    }
    memset(&r, 0, sizeof r);
    t0 = np_now_ms();
    pump(c, data, n, "nicks-done", g_t.natterd ? T_LINE : 15000, &r);
    free(data);
    printf("  %d NICKs (each seen by alpha and bravo) in %lld ms: %ld lines back, "
           "%ld x 433 in use%s\n", N, (long long)(np_now_ms() - t0), r.lines, r.n433,
           r.found ? "" : ", unfinished");
    VERIFY(r.found, "a nick-change flood: the PING after it was not answered");
    VERIFY(r.n433 == N / 100, "a nick-change flood: %ld x 433, expected %d", r.n433, N / 100);
    case_end();
}

typedef struct fill_job {
    size_t max, sent;
    int64_t ms;
} fill_job;

/* On bravo's thread: private messages to the sleeper until it is dropped. */
static void job_fill_sleeper(peer *p, void *arg)
{
    fill_job *j = arg;
    char chunk[64 * 430];
    size_t clen = 0;
    int64_t t0 = np_now_ms(), deadline = t0 + 30000;
    for (int i = 0; i < 64; i++)
        clen += (size_t)snprintf(chunk + clen, sizeof chunk - clen,
                                 "PRIVMSG sleepy :%0400d\r\n", i);
    np_socket_set_timeout(p->c.sock, 10000);
    while (j->sent < j->max && !atomic_load(&p->watch_hit) && np_now_ms() < deadline) {
        if (np_sendall(p->c.sock, chunk, clen, NULL) != NP_OK)
            break;
        j->sent += clen;
        /* keep the numbered messages going and read what came */
        for (int k = 0; k < 4; k++)
            peer_step(p, 1);
    }
    j->ms = np_now_ms() - t0;
}

static void case_never_reads(void)
{
    irc_client *s;
    fill_job job;
    char line[1024];
    CASE("a client that never reads");
    CHECK((s = hostile_open(NULL, 4096)) != NULL);
    snprintf(s->nick, sizeof s->nick, "sleepy");
    CHECK_OK(irc_send(s, "NICK sleepy"));
    CHECK_OK(irc_send(s, "USER sleepy 0 * :never reads"));
    CHECK(irc_expect(s, " 001 ", line, sizeof line, T_LINE));
    CHECK(irc_join(s, "#ok"));
    peer_watch(&g_alpha, ":sleepy!", " QUIT ");
    peer_watch(&g_bravo, ":sleepy!", " QUIT ");
    memset(&job, 0, sizeof job);
    job.max = (size_t)32 << 20;
    CHECK(peer_run_job(&g_bravo, job_fill_sleeper, &job, 60000));
    peer_watch_wait(&g_alpha, g_t.natterd ? T_LINE : 5000);
    printf("  bravo sent %.1f MB to the sleeper in %lld ms; alpha saw: %s\n",
           (double)job.sent / 1e6, (long long)job.ms,
           g_alpha.watch_line[0] ? g_alpha.watch_line : "(no QUIT)");
    VERIFY(atomic_load(&g_alpha.watch_hit) && strstr(g_alpha.watch_line, "SendQ exceeded"),
           "the client that never reads was not dropped for SendQ");
    case_end();
}

static void case_half_open(void)
{
    enum { N = 6 };
    irc_client *c[N];
    pump_result r[N];
    int closed = 0, said = 0;
    int64_t t0 = np_now_ms(), deadline;
    CASE("half-open connections");
    for (int i = 0; i < N; i++)
        CHECK((c[i] = hostile_open(NULL, 0)) != NULL);
    memset(r, 0, sizeof r);
    deadline = t0 + (REGISTER_TIMEOUT_S + 3) * 1000;
    for (int i = 0; i < N; i++) {
        int64_t left = deadline - np_now_ms();
        pump(c[i], "", 0, "\x01never", left > 0 ? left : 1, &r[i]);
        closed += r[i].eof;
        said += strstr(r[i].error, "Registration timeout") != NULL;
    }
    printf("  %d of %d silent connections closed within %lld ms (%d with ERROR "
           "Registration timeout; the timeout is %d s)\n", closed, N,
           (long long)(np_now_ms() - t0), said, REGISTER_TIMEOUT_S);
    VERIFY(closed == N && said == N, "silent connections: %d of %d closed by the timeout",
           closed, N);
    case_end();
}

static void case_resets(void)
{
    enum { MID = 10, JOINED = 5 };
    char nick[32];
    CASE("connections reset (SO_LINGER 0)");
    for (int i = 0; i < MID; i++) {
        irc_client *c = hostile_open(NULL, 0);
        CHECK(c != NULL);
        char text[64];
        pump_result r;
        int len = snprintf(text, sizeof text, i % 2 ? "NICK rst%d\r\n" : "NICK rst%d\r\nUSER rst",
                           i);   /* even ones are cut mid-line */
        memset(&r, 0, sizeof r);
        pump(c, text, (size_t)len, NULL, 2000, &r);
        hostile_close(c, 1);
    }
    for (int i = 0; i < JOINED; i++) {
        irc_client *c;
        snprintf(nick, sizeof nick, "rsj%d", i);
        CHECK((c = hostile_register(nick)) != NULL);
        CHECK(irc_join(c, "#ok"));
        irc_send(c, "PRIVMSG #ok :about to vanish");
        irc_send(c, "NAMES #ok");   /* replies on their way as the RST lands */
        hostile_close(c, 1);
    }
    printf("  %d reset during registration, %d reset after joining #ok\n", MID, JOINED);
    case_end();
}

static void case_slowloris(void)
{
    enum { N = 4 };
    irc_client *c[N];
    pump_result r[N];
    char msg[N][64];
    size_t pos[N] = {0}, len[N];
    int open = N, registered = 0;
    int64_t t0 = np_now_ms(), limit = t0 + (REGISTER_TIMEOUT_S + 3) * 1000;
    CASE("slowloris registration");
    memset(r, 0, sizeof r);
    for (int i = 0; i < N; i++) {
        CHECK((c[i] = hostile_open(NULL, 0)) != NULL);
        len[i] = (size_t)snprintf(msg[i], sizeof msg[i],
                                  "NICK slow%d\r\nUSER slow%d 0 * :slowloris\r\n", i, i);
    }
    while (open > 0 && np_now_ms() < limit) {
        open = 0;
        for (int i = 0; i < N; i++) {
            if (r[i].eof)
                continue;
            if (pos[i] < len[i])
                pump(c[i], msg[i] + pos[i]++, 1, NULL, 1000, &r[i]);
            pump(c[i], "", 0, "\x01never", 1, &r[i]);
            open += !r[i].eof;
        }
        np_sleep_ms(200);
    }
    for (int i = 0; i < N; i++)
        registered += r[i].n001 > 0;
    printf("  %d connections sending a byte every 200 ms: %d cut off after %lld ms "
           "(%zu of %zu bytes sent), %d registered\n", N, N - open,
           (long long)(np_now_ms() - t0), pos[0], len[0], registered);
    VERIFY(open == 0 && registered == 0,
           "slowloris: %d connections still open, %d registered", open, registered);
    case_end();
}

/* N connections from the given addresses, each registering at once; count
 * who got 001 and who got ERROR. */
static void storm(const char *const *ips, int nips, int per_ip, int *accepted, int *refused,
                  int *refused_error, char *why, size_t whylen)
{
    irc_client *c[MAX_HOSTILE];
    pump_result r[MAX_HOSTILE];
    int n = 0;
    int64_t deadline;
    *accepted = *refused = *refused_error = 0;
    memset(r, 0, sizeof r);
    for (int k = 0; k < nips; k++)
        for (int i = 0; i < per_ip && n < MAX_HOSTILE; i++) {
            char text[96];
            int len;
            if (!(c[n] = hostile_open(ips[k], 0)))
                continue;
            len = snprintf(text, sizeof text, "NICK st%d\r\nUSER st%d 0 * :storm\r\n", n, n);
            pump(c[n], text, (size_t)len, NULL, 2000, &r[n]);
            n++;
        }
    deadline = np_now_ms() + (g_t.natterd ? 10000 : 20000);
    for (int i = 0; i < n; i++) {
        int64_t left = deadline - np_now_ms();
        pump(c[i], "", 0, " 001 ", left > 0 ? left : 1, &r[i]);
        if (r[i].n001)
            (*accepted)++;
        else {
            (*refused)++;
            if (r[i].error[0]) {
                (*refused_error)++;
                irc_copy(why, whylen, r[i].error);
            }
        }
    }
    for (int i = 0; i < n; i++)
        hostile_close(c[i], i % 2);
}

static void case_storm_per_ip(void)
{
    static const char *const ips[] = {"127.0.0.1"};
    int acc, ref, ref_err;
    char why[256] = "";
    CASE("storm past the per-IP limit");
    storm(ips, 1, 30, &acc, &ref, &ref_err, why, sizeof why);
    printf("  30 connections from 127.0.0.1 (limit %d, alpha and bravo hold 2): %d accepted, "
           "%d refused (%d with ERROR: %s)\n", MAX_PER_IP, acc, ref, ref_err, why);
    VERIFY(acc == MAX_PER_IP - 2 && ref == 30 - (MAX_PER_IP - 2) && ref_err == ref,
           "per-IP storm: %d accepted, %d refused, %d with ERROR", acc, ref, ref_err);
    case_end();
}

static void case_storm_max_clients(void)
{
    static const char *const ips[] = {"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5",
                                      "127.0.0.6", "127.0.0.7", "127.0.0.8", "127.0.0.9",
                                      "127.0.0.10", "127.0.0.11"};
    int acc, ref, ref_err;
    char why[256] = "";
    CASE("storm past max-clients");
    storm(ips, 10, 5, &acc, &ref, &ref_err, why, sizeof why);
    printf("  50 connections from 10 addresses (max %d clients, alpha and bravo hold 2): "
           "%d accepted, %d refused (%d with ERROR: %s)\n", MAX_CLIENTS, acc, ref, ref_err, why);
    VERIFY(acc == MAX_CLIENTS - 2 && ref == 50 - (MAX_CLIENTS - 2) && ref_err == ref,
           "max-clients storm: %d accepted, %d refused, %d with ERROR", acc, ref, ref_err);
    case_end();
}

static void case_message_flood(void)
{
    enum { N = 3000 };
    char *data = malloc((size_t)N * 48);
    irc_client *c;
    pump_result r;
    size_t n = 0;
    int64_t t0;
    CASE("message flood (flood limits on)");
    CHECK(data != NULL);
    for (int i = 0; i < N; i++)
        n += (size_t)sprintf(data + n, "PRIVMSG #ok :flood line %d\r\n", i);
    c = hostile_register("flooder");
    if (!c || !irc_join(c, "#ok")) {
        free(data);
        CHECK(0);
    }
    peer_watch(&g_alpha, ":flooder!", " QUIT ");
    np_sleep_ms(1000);   /* alpha and bravo talk for a while first */
    atomic_store(&g_alpha.max_lat, 0);
    atomic_store(&g_bravo.max_lat, 0);
    memset(&r, 0, sizeof r);
    t0 = np_now_ms();
    pump(c, data, n, "Excess Flood", g_t.natterd ? T_LINE : 15000, &r);
    free(data);
    if (r.found) {
        r.found = 0;
        pump(c, "", 0, "\x01never", 5000, &r);   /* then the close */
    }
    peer_watch_wait(&g_alpha, g_t.natterd ? 5000 : 1000);
    printf("  %d lines at once: %zu bytes taken in %lld ms, %s, %s; alpha saw %s\n", N, r.sent,
           (long long)(np_now_ms() - t0), r.error[0] ? r.error : "no ERROR",
           r.eof ? "closed" : "still open",
           g_alpha.watch_line[0] ? g_alpha.watch_line : "(no QUIT)");
    VERIFY(strstr(r.error, "Excess Flood") && r.eof,
           "the flooder was not cut off for Excess Flood");
    VERIFY(strstr(g_alpha.watch_line, "Excess Flood"), "others did not see the flooder QUIT");
    case_end();
    printf("  alpha and bravo during the flood: slowest message %ld ms (pace %d ms)\n",
           g_cur->max_lat, g_t.interval_ms);
}

/* ---- runs ------------------------------------------------------------------- */

static void world_main(void)
{
    world_start(0);
}

static void world_flood(void)
{
    world_start(1);
}

static void world_done(void)
{
    int was_up = g_up;
    long a_broken = atomic_load(&g_alpha.broken), b_broken = atomic_load(&g_bravo.broken);
    world_stop();
    CHECK(was_up);
    CHECK(!a_broken && !b_broken);
}

static void print_summary(void)
{
    printf("\n== %s%s: %d cases, %ld hostile connections (%ld bytes), alpha/bravo exchanged "
           "%ld messages, lost %ld, duplicates %ld%s\n", g_t.natterd ? "natterd " : "", g_t.label,
           g_tot.cases, g_tot.hostile_conns, g_tot.hostile_bytes, g_tot.exchanged, g_tot.lost,
           g_tot.dups, g_t.strict ? "" : " (nothing asserted)");
    printf("   %-34s %6s %9s %9s %9s %15s %6s %5s\n", "case", "CPU%", "fds", "threads",
           "children", "RSS MiB", "msgs", "lost");
    for (int i = 0; i < g_nrec; i++) {
        const case_rec *r = &g_recs[i];
        char fds[24], th[24], kids[24], rss[32];
        snprintf(fds, sizeof fds, "%ld>%ld", r->before.fds, r->after.fds);
        snprintf(th, sizeof th, "%ld>%ld", r->before.threads, r->after.threads);
        snprintf(kids, sizeof kids, "%ld>%ld", r->before.kids, r->after.kids);
        snprintf(rss, sizeof rss, "%.1f>%.1f", (double)r->before.rss_kb / 1024.0,
                 (double)r->after.rss_kb / 1024.0);
        printf("   %-34s %6.1f %9s %9s %9s %15s %6ld %5ld\n", r->name, r->cpu_pct, fds, th, kids,
               rss, r->msgs, r->lost);
    }
    if (!g_t.strict)
        printf("   differences from natterd's expected behaviour: %d (printed above as DIFFERS)\n",
               g_tot.differences);
}

/* NATTER_HOSTILE_CASES=word: only the cases whose function name contains
 * word; NATTER_HOSTILE_REPEAT=n: each n times (to hunt a rare failure). */
static void run_case(const char *name, void (*fn)(void))
{
    const char *only = getenv("NATTER_HOSTILE_CASES");
    const char *rep = getenv("NATTER_HOSTILE_REPEAT");
    int n = rep ? atoi(rep) : 1;
    if (only && *only && !strstr(name, only))
        return;
    for (int i = 0; i < (n > 0 ? n : 1); i++)
        np_test_run(name, fn);
}
#define RUN_CASE(fn) run_case(#fn, fn)

static void run_target(const char *label)
{
    memset(&g_t, 0, sizeof g_t);
    memset(&g_tot, 0, sizeof g_tot);
    g_nrec = 0;
    g_t.label = label;
    g_t.natterd = mode_of(label) != NULL;
    g_t.strict = g_t.natterd;
    printf("== %s%s\n", g_t.natterd ? "natterd mode " : "", label);
    RUN(world_main);
    RUN_CASE(case_overlong_line);
    RUN_CASE(case_overlong_100k);
    RUN_CASE(case_no_line_end);
    RUN_CASE(case_nul_bytes);
    RUN_CASE(case_invalid_utf8);
    RUN_CASE(case_bare_line_ends);
    RUN_CASE(case_binary_garbage);
    RUN_CASE(case_many_joins);
    RUN_CASE(case_nick_flood);
    RUN_CASE(case_never_reads);
    RUN_CASE(case_half_open);
    RUN_CASE(case_resets);
    RUN_CASE(case_slowloris);
    RUN_CASE(case_storm_per_ip);
    RUN_CASE(case_storm_max_clients);
    RUN(world_done);
    RUN(world_flood);
    RUN_CASE(case_message_flood);
    RUN(world_done);
    print_summary();
}

int main(int argc, char **argv)
{
    const char *which = argc > 1 ? argv[1] : NULL;
    char path[512];
    child_init(argv[0]);
    NP_TEST_INIT();
    if (which && strcmp(which, "ngircd") == 0) {
        const char *opt = getenv("NATTER_HOSTILE_PEERS");
        if (!opt || strcmp(opt, "1") != 0) {
            printf("SKIP: the ngircd run is opt-in (about 6 minutes: ngircd throttles every "
                   "client): NATTER_HOSTILE_PEERS=1\n");
            return NP_TEST_SKIP_CODE;
        }
        if (!peers_which_ngircd(path, sizeof path)) {
            printf("SKIP: ngircd is not installed\n");
            return NP_TEST_SKIP_CODE;
        }
        run_target("ngircd");
    } else if (which) {
        if (!mode_of(which)) {
            printf("usage: %s [event|thread|fork|ngircd]\n", argv[0]);
            return 2;
        }
        run_target(which);
    } else {
        run_target("event");
        run_target("thread");
        run_target("fork");
    }
    return NP_TEST_DONE();
}
