/* Interop with real IRC software: the harness (see peers.h). */
#include "peers.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char g_argv0[512];
static char g_watchdog[256];
static unsigned g_counter;

#define MAX_PEERS 16
static peer_server *g_servers[MAX_PEERS];
static peer_client *g_clients[MAX_PEERS];
static void (*g_case_fn)(void);
static int g_in_case;      /* inside peers_run's case: failures count */
static peer_limits g_limits;
static int g_watch_ms = 100;

/* The watchdog: runs the peer in the background and kills it once its own
 * stdin reaches end of file (we closed it, or we died). Modes:
 *   log   the peer's stdout and stderr go to LOG
 *   pass  its stdout comes to us (natterd prints its port), stderr to LOG
 *   tty   its stdin is a FIFO fed with our lines, each ended by CR (a terminal
 *         program under script(1) reads keystrokes) */
static const char watchdog_script[] =
    "#!/bin/sh\n"
    "log=$1; mode=$2; shift 2\n"
    "case $mode in\n"
    "  log)  \"$@\" >>\"$log\" 2>&1 </dev/null & pid=$! ;;\n"
    "  pass) \"$@\" 2>>\"$log\" </dev/null & pid=$! ;;\n"
    "  tty)  fifo=\"$log.in\"; rm -f \"$fifo\"; mkfifo \"$fifo\" || exit 1\n"
    "        \"$@\" <\"$fifo\" >>\"$log\" 2>&1 & pid=$!\n"
    "        exec 4>\"$fifo\" ;;\n"
    "esac\n"
    "echo \"watchdog: started $pid\"\n"
    "( while kill -0 $pid 2>/dev/null; do sleep ${NT_WATCH_S:-0.1}; done;"
    " echo \"watchdog: exited\" ) &\n"
    "watcher=$!\n"
    "if [ \"$mode\" = tty ]; then\n"
    "  while IFS= read -r line; do printf '%s\\r' \"$line\" >&4; done\n"
    "else\n"
    "  while IFS= read -r line; do :; done\n"
    "fi\n"
    /* A terminal program under script(1): end it first, so that script
     * reaps it (else it would linger as a zombie of init). */
    "if [ \"$mode\" = tty ]; then\n"
    "  for c in $(ps -o pid= --ppid $pid 2>/dev/null); do kill -TERM $c 2>/dev/null; done\n"
    "  i=0; while kill -0 $pid 2>/dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done\n"
    "fi\n"
    "kill -TERM $pid 2>/dev/null\n"
    "i=0; while kill -0 $pid 2>/dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done\n"
    "kill -KILL $pid 2>/dev/null\n"
    "wait $pid 2>/dev/null; code=$?\n"
    "kill $watcher 2>/dev/null\n"
    "[ \"$mode\" = tty ] && rm -f \"$fifo\"\n"
    "echo \"watchdog: stopped $code\"\n";

static void remove_watchdog(void)
{
    if (g_watchdog[0])
        remove(g_watchdog);
}

static void at_exit_cleanup(void)
{
    peers_cleanup();
    remove_watchdog();
}

void peers_init(const char *argv0)
{
    FILE *f;
    snprintf(g_argv0, sizeof g_argv0, "%s", argv0);
    np_test_temp_path(g_watchdog, sizeof g_watchdog, "watchdog.sh");
    f = fopen(g_watchdog, "w");
    if (f) {
        fputs(watchdog_script, f);
        fclose(f);
    }
    atexit(at_exit_cleanup);
}

int peers_strcaseeq(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = tolower((unsigned char)*a), y = tolower((unsigned char)*b);
        if (x != y)
            return 0;
        if (!x)
            return 1;
    }
}

static int file_exists(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    fclose(f);
    return 1;
}

int peers_which(const char *prog, char *out, size_t len)
{
    const char *path = getenv("PATH");
    char dirs[4096];
    snprintf(dirs, sizeof dirs, "%s:/usr/sbin:/sbin:/usr/bin", path ? path : "");
    for (char *dir = dirs, *next; dir && *dir; dir = next) {
        next = strchr(dir, ':');
        if (next)
            *next++ = '\0';
        if (!*dir)
            continue;
        snprintf(out, len, "%s/%s", dir, prog);
        if (file_exists(out))
            return 1;
    }
    out[0] = '\0';
    return 0;
}

int peers_sibling(const char *name, char *out, size_t len)
{
    np_test_sibling_path(out, len, g_argv0, name);
    return file_exists(out);
}

void peers_set_limits(const peer_limits *limits)
{
    if (limits)
        g_limits = *limits;
    else
        memset(&g_limits, 0, sizeof g_limits);
}

void peers_set_watch_interval_ms(int ms)
{
    g_watch_ms = ms > 0 ? ms : 100;
}

/* ---- registry ------------------------------------------------------------ */

static int register_server(peer_server *s)
{
    for (int i = 0; i < MAX_PEERS; i++)
        if (!g_servers[i]) {
            g_servers[i] = s;
            return i;
        }
    return -1;
}

static int register_client(peer_client *c)
{
    for (int i = 0; i < MAX_PEERS; i++)
        if (!g_clients[i]) {
            g_clients[i] = c;
            return i;
        }
    return -1;
}

void peers_cleanup(void)
{
    for (int i = 0; i < MAX_PEERS; i++)
        if (g_clients[i])
            peer_client_stop(g_clients[i]);
    for (int i = 0; i < MAX_PEERS; i++)
        if (g_servers[i])
            peer_stop(g_servers[i]);
}


/* The case, then its cleanup inside the case, so that what the cleanup finds
 * (natterd's exit status, sanitizer reports) counts for it. */
static void run_and_clean(void)
{
    g_in_case = 1;
    g_case_fn();
    peers_cleanup();
    g_in_case = 0;
}

void peers_run(const char *name, void (*fn)(void))
{
    g_case_fn = fn;
    np_test_run(name, run_and_clean);
}

/* ---- files --------------------------------------------------------------- */

int peers_file_has(const char *path, const char *needle, char *out, size_t len)
{
    char line[2048];
    int found = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    while (!found && fgets(line, sizeof line, f)) {
        if (strstr(line, needle)) {
            found = 1;
            if (out && len) {
                line[strcspn(line, "\r\n")] = '\0';
                snprintf(out, len, "%s", line);
            }
        }
    }
    fclose(f);
    return found;
}

np_err peers_file_wait(const char *path, const char *needle, int64_t timeout_ms)
{
    int64_t deadline = np_now_ms() + timeout_ms;
    for (;;) {
        if (peers_file_has(path, needle, NULL, 0))
            return NP_OK;
        if (np_now_ms() >= deadline)
            return NP_ETIMEDOUT;
        np_sleep_ms(50);
    }
}

void peers_print_file(const char *path, const char *prefix, size_t max_lines)
{
    char line[2048];
    size_t total = 0, n = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    while (fgets(line, sizeof line, f))
        total++;
    rewind(f);
    while (fgets(line, sizeof line, f)) {
        if (n++ + max_lines < total)
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        printf("%s%s\n", prefix, line);
    }
    fclose(f);
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    fputs(text, f);
    return fclose(f) == 0;
}

/* ---- watchdog ------------------------------------------------------------ */

/* Start argv behind the watchdog in mode; waits for its "started" line,
 * except in "pass" mode, where the peer's own first lines may come first (the
 * caller waits for those). */
static np_err watchdog_spawn(const char *log, const char *mode, const char *const argv[],
                             np_test_proc **out)
{
    const char *full[40];
    size_t n = 0;
    char line[256], watch[32];
    const char *env[] = { watch, NULL };
    np_err err;
    full[n++] = "/bin/sh";
    full[n++] = g_watchdog;
    full[n++] = log;
    full[n++] = mode;
    for (size_t i = 0; argv[i] && n < 39; i++)
        full[n++] = argv[i];
    full[n] = NULL;
    snprintf(watch, sizeof watch, "NT_WATCH_S=%d.%03d", g_watch_ms / 1000, g_watch_ms % 1000);
    err = np_test_spawn(full, env, out);
    if (err != NP_OK || strcmp(mode, "pass") == 0)
        return err;
    err = np_test_proc_expect(*out, "watchdog: started", line, sizeof line, 5000);
    if (err != NP_OK) {
        np_test_proc_kill(*out);
        *out = NULL;
    }
    return err;
}

/* Close the watchdog's stdin and wait for it to stop its peer (SIGTERM, then
 * SIGKILL after 3 s). The peer's exit status (128 + signal if killed), or -1
 * if the watchdog did not say. */
static int watchdog_stop(np_test_proc **p)
{
    int code, peer_code = -1;
    char line[512];
    if (!*p)
        return -1;
    np_test_proc_close_stdin(*p);
    while (np_test_proc_readline(*p, line, sizeof line, 10000) == NP_OK) {
        if (strncmp(line, "watchdog: stopped ", 18) == 0) {
            peer_code = atoi(line + 18);
            break;
        }
        if (!strstr(line, "watchdog: "))
            printf("child: %s\n", line);
    }
    if (np_test_proc_wait(*p, 10000, &code) != NP_OK)
        printf("  (a watchdog did not stop in 10 s and was killed)\n");
    *p = NULL;
    return peer_code;
}

/* 1 if the watchdog has reported its peer gone (reads what is waiting). */
static int watchdog_peer_exited(np_test_proc *p)
{
    char line[512];
    while (np_test_proc_readline(p, line, sizeof line, 0) == NP_OK) {
        if (strstr(line, "watchdog: exited"))
            return 1;
        printf("child: %s\n", line);
    }
    return 0;
}

np_err peers_spawn_watched(const char *log, const char *const argv[], np_test_proc **out)
{
    return watchdog_spawn(log, "pass", argv, out);
}

int peers_stop_watched(np_test_proc **p)
{
    return watchdog_stop(p);
}

/* ---- servers ------------------------------------------------------------- */

/* Connect and register a probe client; 1 once the server named `name` answers. */
static int probe_server(const np_addr *addr, const char *name)
{
    irc_conn c;
    nt_msg *m = malloc(sizeof *m);
    int ok = 0;
    if (!m)
        return 0;
    if (irc_open(&c, addr, "probe") == NP_OK) {
        if (irc_register(&c, "probe", m, 8000) == NP_OK)
            ok = m->source && peers_strcaseeq(m->source, name);
        irc_send(&c, "QUIT :probe");
        irc_close(&c);
    }
    free(m);
    return ok;
}

/* Wait until addr accepts a connection (or the peer exits). */
static np_err wait_listening(peer_server *s, int64_t timeout_ms)
{
    int64_t deadline = np_now_ms() + timeout_ms;
    for (;;) {
        np_socket_t sock;
        if (np_tcp_connect("127.0.0.1", s->port, 1000, &sock) == NP_OK) {
            np_socket_close(sock);
            return NP_OK;
        }
        if (watchdog_peer_exited(s->proc))
            return NP_ECONNREFUSED;
        if (np_now_ms() >= deadline)
            return NP_ETIMEDOUT;
        np_sleep_ms(50);
    }
}

static void server_files(peer_server *s, const char *label)
{
    char tag[64];
    snprintf(tag, sizeof tag, "%s.conf", label);
    np_test_temp_path(s->conf, sizeof s->conf, tag);
    snprintf(tag, sizeof tag, "%s.motd", label);
    np_test_temp_path(s->motd, sizeof s->motd, tag);
    snprintf(tag, sizeof tag, "%s.log", label);
    np_test_temp_path(s->log, sizeof s->log, tag);
}

static void write_ngircd_conf(const peer_server *s)
{
    char text[2048], extra[128] = "";
    size_t n;
    if (g_limits.max_clients)
        snprintf(extra, sizeof extra, "MaxConnections = %u\n", g_limits.max_clients);
    if (g_limits.no_penalty) {
        n = strlen(extra);
        snprintf(extra + n, sizeof extra - n, "MaxPenaltyTime = 0\n");
    }
    snprintf(text, sizeof text,
             "[Global]\n"
             "Name = %s\n"
             "Info = ngircd for natter tests\n"
             "Listen = 127.0.0.1\n"
             "Ports = %u\n"
             "MotdPhrase = natter interop\n"
             "AdminInfo1 = natter tests\n"
             "AdminInfo2 = loopback\n"
             "AdminEMail = root@localhost\n"
             "[Limits]\n"
             "MaxConnectionsIP = 0\n"
             "MaxNickLength = 30\n"
             "PingTimeout = 120\n"
             "PongTimeout = 60\n"
             "%s"
             "[Options]\n"
             "PAM = no\n"
             "DNS = no\n"
             "Ident = no\n",
             s->name, (unsigned)s->port, extra);
    write_file(s->conf, text);
}

static void write_inspircd_conf(const peer_server *s)
{
    char text[4096], perf[128] = "";
    unsigned clients = g_limits.max_clients > 100 ? g_limits.max_clients : 100;
    unsigned long sendq = g_limits.sendq_bytes ? (unsigned long)g_limits.sendq_bytes : 1048576;
    unsigned long soft = g_limits.sendq_bytes ? (unsigned long)g_limits.sendq_bytes : 65536;
    if (g_limits.max_clients)
        snprintf(perf, sizeof perf, "<performance softlimit=\"%u\" somaxconn=\"4096\">\n",
                 g_limits.max_clients);
    snprintf(text, sizeof text,
             "<server name=\"%s\" description=\"inspircd for natter tests\" network=\"NatterTest\">\n"
             "<admin name=\"natter tests\" nick=\"admin\" email=\"root@localhost\">\n"
             "<bind address=\"127.0.0.1\" port=\"%u\" type=\"clients\">\n"
             "<connect name=\"main\" allow=\"*\" timeout=\"30\" threshold=\"1000\""
             " commandrate=\"1000000\" fakelag=\"off\" pingfreq=\"120\" hardsendq=\"%lu\""
             " softsendq=\"%lu\" recvq=\"65536\" localmax=\"%u\" globalmax=\"%u\""
             " limit=\"%u\" useident=\"no\" resolvehostnames=\"no\">\n"
             "%s"
             "<files motd=\"%s\">\n"
             "<dns server=\"127.0.0.1\" timeout=\"1\">\n"
             "<pid file=\"%s.pid\">\n"
             "<options hostintopic=\"no\" syntaxhints=\"no\">\n"
             "<security hideserver=\"\" userstats=\"Pu\" maxtargets=\"20\">\n"
             "<module name=\"cap\">\n"
             "<module name=\"ircv3\">\n"
             "<module name=\"ircv3_servertime\">\n"
             "<module name=\"ircv3_echomessage\">\n"
             "<module name=\"namesx\">\n",
             s->name, (unsigned)s->port, sendq, soft, clients, clients,
             clients > 5000 ? clients : 5000, perf, s->motd, s->conf);
    write_file(s->conf, text);
    write_file(s->motd, "natter interop\n");
}

static peer_server *new_server(peer_kind kind, const char *label)
{
    peer_server *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->kind = kind;
    s->label = label;
    s->slot = register_server(s);
    return s;
}

static np_err start_irc_server(peer_server **out, peer_kind kind)
{
    const char *prog = kind == PEER_NGIRCD ? "ngircd" : "inspircd";
    char path[512], conf_arg[300];
    np_err err = NP_ETIMEDOUT;
    peer_server *s;
    *out = NULL;
    if (!peers_which(prog, path, sizeof path))
        return NP_ENOENT;
    s = *out = new_server(kind, prog);
    if (!s)
        return NP_ENOMEM;
    server_files(s, prog);
    for (int attempt = 0; attempt < 4; attempt++) {
        np_addr free_addr;
        const char *argv_ng[] = { path, "-n", "-f", s->conf, NULL };
        const char *argv_in[] = { path, "--nofork", "--runasroot", conf_arg, NULL };
        err = np_test_closed_port(&free_addr);
        if (err != NP_OK)
            return err;
        s->port = np_addr_port(&free_addr);
        np_addr_from_ip("127.0.0.1", s->port, &s->addr);
        snprintf(s->name, sizeof s->name, "%s%u.test", kind == PEER_NGIRCD ? "ng" : "insp",
                 g_counter++);
        if (kind == PEER_NGIRCD)
            write_ngircd_conf(s);
        else
            write_inspircd_conf(s);
        snprintf(conf_arg, sizeof conf_arg, "--config=%s", s->conf);
        err = watchdog_spawn(s->log, "log", kind == PEER_NGIRCD ? argv_ng : argv_in, &s->proc);
        if (err != NP_OK)
            return err;
        err = wait_listening(s, 10000);
        if (err == NP_OK && probe_server(&s->addr, s->name))
            return NP_OK;
        /* Another program took the port first, or it did not come up: again. */
        printf("  (%s did not come up on port %u: %s; retrying)\n", prog, (unsigned)s->port,
               np_err_name(err));
        peers_print_file(s->log, "  | ", 20);
        watchdog_stop(&s->proc);
        remove(s->log);
        err = NP_ETIMEDOUT;
    }
    return err;
}

np_err peer_start_ngircd(peer_server **out)
{
    return start_irc_server(out, PEER_NGIRCD);
}

np_err peer_start_inspircd(peer_server **out)
{
    return start_irc_server(out, PEER_INSPIRCD);
}

/* A program beside the test that listens on the port it is given and prints
 * "listening on ADDR": natterd, or a sibling such as the benchmarks'
 * reference server. fixed are its own flags, extra the caller's. */
static np_err start_listening_sibling(peer_server **out, peer_kind kind, const char *prog,
                                      const char *server_name, const char *const fixed[],
                                      const char *const extra[])
{
    char path[512], line[512], tag[64];
    const char *argv[32];
    size_t n = 0;
    np_err err;
    const char *p;
    peer_server *s;
    *out = NULL;
    if (!peers_sibling(prog, path, sizeof path))
        return NP_ENOENT;
    s = *out = new_server(kind, prog);
    if (!s)
        return NP_ENOMEM;
    snprintf(tag, sizeof tag, "%.50s.log", prog);
    np_test_temp_path(s->log, sizeof s->log, tag);
    snprintf(s->name, sizeof s->name, "%s", server_name);
    argv[n++] = path;
    argv[n++] = "--listen";
    argv[n++] = "127.0.0.1:0";
    for (size_t i = 0; fixed && fixed[i] && n < 29; i++)
        argv[n++] = fixed[i];
    argv[n++] = "--server-name";
    argv[n++] = s->name;
    for (size_t i = 0; extra && extra[i] && n < 31; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    err = watchdog_spawn(s->log, "pass", argv, &s->proc);
    if (err != NP_OK)
        return err;
    err = np_test_proc_expect(s->proc, "listening on", line, sizeof line, 10000);
    if (err != NP_OK)
        return err;
    p = strstr(line, "listening on ");
    p += strlen("listening on ");
    if (np_addr_parse(p, &s->addr) != NP_OK)
        return NP_EINVAL;
    s->port = np_addr_port(&s->addr);
    if (!probe_server(&s->addr, s->name))
        return NP_ETIMEDOUT;
    return NP_OK;
}

np_err peer_start_natterd(peer_server **out, const char *const extra[])
{
    const char *const fixed[] = { "--no-flood-limits", NULL };
    return start_listening_sibling(out, PEER_NATTERD, "natterd", "natter.test", fixed, extra);
}

np_err peer_start_sibling(peer_server **out, const char *prog, const char *const extra[])
{
    char name[64];
    snprintf(name, sizeof name, "%.40s.test", prog);
    return start_listening_sibling(out, PEER_SIBLING, prog, name, NULL, extra);
}

void peer_stop(peer_server *s)
{
    if (!s)
        return;
    if (s->proc) {
        int code = watchdog_stop(&s->proc);
        /* natterd must shut down cleanly on SIGTERM (exit 0, well within the
         * watchdog's 3 s) and, in a sanitizer build, report nothing. */
        if (s->kind == PEER_NATTERD && g_in_case) {
            if (code != 0)
                np_test_fail(__FILE__, __LINE__, "natterd exited with %d on SIGTERM", code);
            if (peers_file_has(s->log, "Sanitizer", NULL, 0) ||
                peers_file_has(s->log, "runtime error:", NULL, 0))
                np_test_fail(__FILE__, __LINE__, "natterd reported a sanitizer error");
        }
        if (np_test_case_failed() && s->log[0]) {
            printf("  --- %s log (%s) ---\n", s->label, s->name);
            peers_print_file(s->log, "  | ", 60);
        }
    }
    if (s->conf[0]) {
        char pid[300];
        snprintf(pid, sizeof pid, "%s.pid", s->conf);
        remove(pid);   /* InspIRCd's */
        remove(s->conf);
    }
    if (s->motd[0])
        remove(s->motd);
    if (s->log[0])
        remove(s->log);
    if (s->slot >= 0 && g_servers[s->slot] == s)
        g_servers[s->slot] = NULL;
    free(s);
}

/* ---- ii and irssi -------------------------------------------------------- */

static void lower_copy(char *out, size_t len, const char *in)
{
    size_t i = 0;
    for (; in[i] && i + 1 < len; i++)
        out[i] = (char)tolower((unsigned char)in[i]);
    out[i] = '\0';
}

static void ii_path(const peer_client *c, const char *target, const char *file, char *out,
                    size_t len)
{
    char t[128];
    if (!target) {
        snprintf(out, len, "%s/%s/%s", c->dir, c->host, file);
        return;
    }
    lower_copy(t, sizeof t, target);
    snprintf(out, len, "%s/%s/%s/%s", c->dir, c->host, t, file);
}

static peer_client *new_client(const char *label)
{
    peer_client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->label = label;
    c->slot = register_client(c);
    return c;
}

np_err peer_start_ii(peer_client **outp, const peer_server *srv, const char *nick)
{
    char path[512], port[16], out[600];
    np_err err;
    peer_client *c;
    *outp = NULL;
    if (!peers_which("ii", path, sizeof path))
        return NP_ENOENT;
    c = *outp = new_client("ii");
    if (!c)
        return NP_ENOMEM;
    np_test_temp_path(c->dir, sizeof c->dir, "ii");
    np_test_temp_path(c->log, sizeof c->log, "ii.log");
    snprintf(c->host, sizeof c->host, "127.0.0.1");
    snprintf(port, sizeof port, "%u", (unsigned)srv->port);
    {
        const char *argv[] = { path, "-s", "127.0.0.1", "-p", port, "-n", nick,
                               "-i", c->dir, "-f", nick, NULL };
        err = watchdog_spawn(c->log, "log", argv, &c->proc);
    }
    if (err != NP_OK)
        return err;
    /* The welcome reaches its server output once it registered. */
    ii_path(c, NULL, "out", out, sizeof out);
    return peers_file_wait(out, "Welcome", 15000);
}

np_err peer_ii_send(peer_client *c, const char *target, const char *line)
{
    char in[600];
    FILE *f;
    int ok;
    ii_path(c, target, "in", in, sizeof in);
    /* "r+" opens a FIFO without waiting for the other end (Linux) and never
     * creates a plain file where ii's FIFO should be. */
    f = fopen(in, "r+");
    if (!f)
        return NP_ENOENT;
    ok = fprintf(f, "%s\n", line) > 0;
    ok = (fclose(f) == 0) && ok;
    return ok ? NP_OK : NP_EPIPE;
}

np_err peer_ii_expect(peer_client *c, const char *target, const char *needle,
                      int64_t timeout_ms)
{
    char out[600];
    np_err err;
    ii_path(c, target, "out", out, sizeof out);
    err = peers_file_wait(out, needle, timeout_ms);
    if (err != NP_OK) {
        printf("  (ii: no \"%s\" in %s)\n", needle, out);
        peers_print_file(out, "  ii| ", 30);
    }
    return err;
}

np_err peer_start_irssi(peer_client **out, const peer_server *srv, const char *nick)
{
    char irssi[512], script[512], cmd[1400], config[400], text[1400];
    np_err err;
    peer_client *c;
    *out = NULL;
    if (!peers_which("irssi", irssi, sizeof irssi))
        return NP_ENOENT;
    if (!peers_which("script", script, sizeof script))
        return NP_ENOENT;
    c = *out = new_client("irssi");
    if (!c)
        return NP_ENOMEM;
    np_test_temp_path(c->dir, sizeof c->dir, "irssi");
    np_test_temp_path(c->log, sizeof c->log, "irssi.screen");
    /* irssi creates its --home directory; the config goes in afterwards, so
     * write it where irssi will look with -c... instead pass it explicitly. */
    snprintf(config, sizeof config, "%s.config", c->dir);
    snprintf(text, sizeof text,
             "settings = {\n"
             "  core = { real_name = \"%s\"; user_name = \"%s\"; nick = \"%s\"; };\n"
             "  \"fe-common/core\" = { autolog = \"yes\"; autolog_path = \"%s/logs/$0.log\";"
             " autolog_level = \"all\"; };\n"
             "};\n",
             nick, nick, nick, c->dir);
    if (!write_file(config, text))
        return NP_EACCES;
    snprintf(cmd, sizeof cmd, "%s --home=%s --config=%s -c 127.0.0.1 -p %u -n %s", irssi,
             c->dir, config, (unsigned)srv->port, nick);
    {
        const char *argv[] = { "/usr/bin/env", "TERM=xterm", "COLUMNS=120", "LINES=40",
                               script, "-qfec", cmd, "/dev/null", NULL };
        err = watchdog_spawn(c->log, "tty", argv, &c->proc);
    }
    return err;
}

np_err peer_irssi_type(peer_client *c, const char *line)
{
    char buf[600];
    snprintf(buf, sizeof buf, "%s\n", line);
    return np_test_proc_write(c->proc, buf);
}

np_err peer_irssi_expect(peer_client *c, const char *window, const char *needle,
                         int64_t timeout_ms)
{
    char path[600], w[128];
    np_err err;
    lower_copy(w, sizeof w, window);
    snprintf(path, sizeof path, "%s/logs/%s.log", c->dir, w);
    err = peers_file_wait(path, needle, timeout_ms);
    if (err != NP_OK) {
        printf("  (irssi: no \"%s\" in %s)\n", needle, path);
        peers_print_file(path, "  irssi| ", 30);
    }
    return err;
}

void peer_client_stop(peer_client *c)
{
    if (!c)
        return;
    if (c->proc) {
        watchdog_stop(&c->proc);
        if (np_test_case_failed() && c->log[0]) {
            printf("  --- %s console ---\n", c->label);
            peers_print_file(c->log, "  | ", 20);
        }
    }
    if (c->log[0]) {
        char cfg[300];
        remove(c->log);
        snprintf(cfg, sizeof cfg, "%s.config", c->dir);
        if (c->label && strcmp(c->label, "irssi") == 0)
            remove(cfg);
        c->log[0] = '\0';
    }
    /* ii's and irssi's directories (FIFOs, channel directories, logs): rm -rf,
     * as there is no portable way to walk a directory from C. */
    if (c->dir[0]) {
        const char *argv[] = { "/bin/rm", "-rf", c->dir, NULL };
        np_test_proc *rm;
        int code;
        if (np_test_spawn(argv, NULL, &rm) == NP_OK)
            np_test_proc_wait(rm, 10000, &code);
        c->dir[0] = '\0';
    }
    if (c->slot >= 0 && g_clients[c->slot] == c)
        g_clients[c->slot] = NULL;
    free(c);
}

/* A TCP connection to addr whose calls all time out after 5 s, so a silent
 * peer fails the test instead of hanging it. */
static np_err connect_5s(const np_addr *addr, np_socket_t *out)
{
    np_err err = np_socket_open(np_addr_family(addr), NP_SOCK_STREAM, out);
    if (err != NP_OK)
        return err;
    np_socket_set_timeout(*out, 5000);
    err = np_connect(*out, addr);
    if (err != NP_OK) {
        np_socket_close(*out);
        *out = NP_INVALID_SOCKET;
    }
    return err;
}

/* ---- raw IRC line client -------------------------------------------------- */

np_err irc_open(irc_conn *c, const np_addr *addr, const char *tag)
{
    np_err err;
    memset(c, 0, sizeof *c);
    snprintf(c->tag, sizeof c->tag, "%s", tag ? tag : "irc");
    nt_framer_init(&c->framer);
    err = connect_5s(addr, &c->sock);
    if (err != NP_OK)
        return err;
    c->open = 1;
    return NP_OK;
}

void irc_close(irc_conn *c)
{
    if (c->open)
        np_socket_close(c->sock);
    c->open = 0;
    nt_framer_free(&c->framer);
}

np_err irc_send(irc_conn *c, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    int n;
    if (!c->open)
        return NP_ENOTCONN;
    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line - 2, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof line - 2)
        return NP_EMSGSIZE;
    if (c->trace)
        printf("  %s >> %s\n", c->tag, line);
    memcpy(line + n, "\r\n", 3);
    np_socket_set_timeout(c->sock, 5000);
    return np_sendall(c->sock, line, (size_t)n + 2, NULL);
}

np_err irc_read(irc_conn *c, nt_msg *m, int64_t timeout_ms)
{
    int64_t deadline = np_now_ms() + timeout_ms;
    for (;;) {
        const char *line;
        size_t len, got;
        char buf[4096];
        nt_frame_result r = nt_framer_next(&c->framer, &line, &len);
        np_err err;
        int64_t left;
        if (r == NT_FRAME_LINE) {
            if (c->trace)
                printf("  %s << %.*s\n", c->tag, (int)len, line);
            if (nt_msg_parse(line, len, m) != NT_MSG_OK) {
                printf("  %s: unparsable line: %.*s\n", c->tag, (int)len, line);
                continue;
            }
            return NP_OK;
        }
        if (!c->open)
            return NP_EEOF;
        left = deadline - np_now_ms();
        if (left <= 0)
            return NP_ETIMEDOUT;
        np_socket_set_timeout(c->sock, left);
        err = np_recv(c->sock, buf, sizeof buf, &got);
        if (err == NP_ETIMEDOUT || err == NP_EAGAIN)
            continue;
        if (err != NP_OK)
            return err;
        if (got == 0)
            return NP_EEOF;
        for (size_t off = 0; off < got;) {
            size_t took = nt_framer_feed(&c->framer, buf + off, got - off);
            off += took;
            if (took == 0)
                break; /* full: cannot happen with lines under the frame limit */
        }
    }
}

static int msg_has_param(const nt_msg *m, const char *arg)
{
    for (size_t i = 0; i < m->nparams; i++)
        if (peers_strcaseeq(m->params[i], arg))
            return 1;
    return 0;
}

np_err irc_expect(irc_conn *c, const char *command, const char *arg, nt_msg *m,
                  int64_t timeout_ms)
{
    int64_t deadline = np_now_ms() + timeout_ms;
    for (;;) {
        int64_t left = deadline - np_now_ms();
        np_err err = irc_read(c, m, left > 0 ? left : 0);
        if (err != NP_OK)
            return err;
        if (strcmp(m->command, "PING") == 0 && m->nparams > 0 && strcmp(command, "PING") != 0)
            irc_send(c, "PONG :%s", m->params[m->nparams - 1]);
        if (strcmp(m->command, command) == 0 && (!arg || msg_has_param(m, arg)))
            return NP_OK;
    }
}

np_err irc_register(irc_conn *c, const char *nick, nt_msg *m, int64_t timeout_ms)
{
    int64_t deadline = np_now_ms() + timeout_ms;
    np_err err = irc_send(c, "NICK %s", nick);
    if (err == NP_OK)
        err = irc_send(c, "USER %s 0 * :natter test %s", nick, nick);
    while (err == NP_OK) {
        int64_t left = deadline - np_now_ms();
        err = irc_read(c, m, left > 0 ? left : 0);
        if (err != NP_OK)
            break;
        if (strcmp(m->command, "PING") == 0 && m->nparams > 0)
            irc_send(c, "PONG :%s", m->params[m->nparams - 1]);
        else if (strcmp(m->command, "001") == 0)
            return NP_OK;
        else if (strcmp(m->command, "433") == 0 || strcmp(m->command, "432") == 0 ||
                 strcmp(m->command, "ERROR") == 0)
            return NP_EADDRINUSE;
    }
    return err;
}

np_err irc_exchange(irc_conn *c, const char *command, irc_reply *out, int64_t timeout_ms)
{
    static unsigned token;
    char tok[32];
    nt_msg *m = malloc(sizeof *m);
    int64_t deadline = np_now_ms() + timeout_ms;
    np_err err;
    if (!m)
        return NP_ENOMEM;
    out->n = 0;
    snprintf(tok, sizeof tok, "sync%u", ++token);
    err = irc_send(c, "%s", command);
    if (err == NP_OK)
        err = irc_send(c, "PING :%s", tok);
    while (err == NP_OK) {
        int64_t left = deadline - np_now_ms();
        char line[1024];
        size_t len;
        err = irc_read(c, m, left > 0 ? left : 0);
        if (err != NP_OK)
            break;
        if (strcmp(m->command, "PONG") == 0 && m->nparams > 0 &&
            strcmp(m->params[m->nparams - 1], tok) == 0)
            break;
        if (nt_msg_serialize_notags(m, line, sizeof line, &len) != NT_MSG_OK)
            continue;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (out->n < IRC_REPLY_MAX)
            snprintf(out->lines[out->n++], sizeof out->lines[0], "%.590s", line);
        if (strcmp(m->command, "ERROR") == 0)
            break;
    }
    free(m);
    return err;
}

/* ---- our session over a socket ------------------------------------------- */

/* Every open session: waiting on one pumps the others too, so what a test
 * queued on one session goes out while it waits for another's event. */
#define MAX_SESSIONS 8
static sess_client *g_sessions[MAX_SESSIONS];

const char *sess_event_name(nt_event_type type)
{
    static const char *const names[] = {
        "?", "REGISTERED", "MESSAGE", "NOTICE", "ACTION", "JOIN", "PART", "QUIT", "KICK",
        "NICK", "TOPIC", "NAMES", "MODE", "INVITE", "AWAY", "SERVER_TEXT", "ERROR",
        "DISCONNECTED", "MEMBERS", "CTCP"
    };
    if ((int)type < 0 || (size_t)type >= sizeof names / sizeof names[0])
        return "?";
    return names[type];
}

static void copy_field(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

static void drain_events(sess_client *c)
{
    nt_event ev;
    while (nt_session_next_event(c->s, &ev)) {
        sess_event *e;
        if (c->nev >= SESS_MAX_EVENTS) {
            memmove(c->ev, c->ev + SESS_MAX_EVENTS / 2,
                    (SESS_MAX_EVENTS / 2) * sizeof *c->ev);
            c->nev = SESS_MAX_EVENTS / 2;
        }
        e = &c->ev[c->nev++];
        memset(e, 0, sizeof *e);
        e->type = ev.type;
        copy_field(e->nick, sizeof e->nick, ev.nick);
        copy_field(e->target, sizeof e->target, ev.target);
        copy_field(e->channel, sizeof e->channel, ev.channel);
        copy_field(e->text, sizeof e->text, ev.text);
        e->code = ev.code;
        e->self = ev.self;
        if (ev.msg) {
            size_t len;
            if (nt_msg_serialize(ev.msg, e->line, sizeof e->line, &len) == NT_MSG_OK)
                e->line[strcspn(e->line, "\r\n")] = '\0';
        }
    }
}

static np_err sess_flush(sess_client *c)
{
    size_t len;
    const char *out = nt_session_output(c->s, &len);
    if (len == 0 || !c->open)
        return NP_OK;
    np_socket_set_timeout(c->sock, 5000);
    {
        size_t sent = 0;
        np_err err = np_sendall(c->sock, out, len, &sent);
        nt_session_consume_output(c->s, sent);
        return err;
    }
}

np_err sess_open(sess_client *c, const np_addr *addr, const char *nick, const char *tag)
{
    nt_session_config cfg;
    np_err err;
    memset(c, 0, sizeof *c);
    snprintf(c->tag, sizeof c->tag, "%s", tag ? tag : nick);
    c->ev = calloc(SESS_MAX_EVENTS, sizeof *c->ev);
    if (!c->ev)
        return NP_ENOMEM;
    memset(&cfg, 0, sizeof cfg);
    cfg.nick = nick;
    cfg.realname = "natter interop";
    c->s = nt_session_new(&cfg);
    if (!c->s)
        return NP_ENOMEM;
    err = connect_5s(addr, &c->sock);
    if (err != NP_OK)
        return err;
    c->open = 1;
    for (int i = 0; i < MAX_SESSIONS; i++)
        if (!g_sessions[i]) {
            g_sessions[i] = c;
            break;
        }
    nt_session_start(c->s, np_wall_ms());
    return sess_flush(c);
}

void sess_close(sess_client *c)
{
    for (int i = 0; i < MAX_SESSIONS; i++)
        if (g_sessions[i] == c)
            g_sessions[i] = NULL;
    if (c->open)
        np_socket_close(c->sock);
    c->open = 0;
    if (c->s)
        nt_session_free(c->s);
    c->s = NULL;
    free(c->ev);
    c->ev = NULL;
}

np_err sess_pump(sess_client *c, int64_t ms)
{
    char buf[8192];
    size_t got = 0;
    np_err err = sess_flush(c);
    if (err != NP_OK)
        return err;
    if (!c->open || c->closed) {
        np_sleep_ms(ms);
        return NP_EEOF;
    }
    np_socket_set_timeout(c->sock, ms > 0 ? ms : 1);
    err = np_recv(c->sock, buf, sizeof buf, &got);
    if (err == NP_ETIMEDOUT || err == NP_EAGAIN)
        return NP_OK;
    if (err == NP_OK && got > 0) {
        nt_session_feed(c->s, buf, got, np_wall_ms());
    } else {
        c->closed = 1;
        nt_session_closed(c->s, err == NP_OK ? "Connection closed" : np_strerror(err),
                          np_wall_ms());
    }
    drain_events(c);
    return sess_flush(c);
}

static int field_match(const char *have, const char *want)
{
    return !want || peers_strcaseeq(have, want);
}

static sess_event *find_event(sess_client *c, nt_event_type type, const char *nick,
                              const char *channel, const char *text)
{
    for (size_t i = 0; i < c->nev; i++) {
        sess_event *e = &c->ev[i];
        if (e->used || e->type != type)
            continue;
        if (!field_match(e->nick, nick) || !field_match(e->channel, channel))
            continue;
        if (text && !strstr(e->text, text))
            continue;
        return e;
    }
    return NULL;
}

int sess_seen(sess_client *c, nt_event_type type, const char *nick, const char *channel,
              const char *text)
{
    drain_events(c);
    return find_event(c, type, nick, channel, text) != NULL;
}

void sess_dump(const sess_client *c)
{
    printf("  --- events of %s ---\n", c->tag);
    for (size_t i = 0; i < c->nev; i++) {
        const sess_event *e = &c->ev[i];
        printf("  %s%-12s nick=%s target=%s channel=%s code=%d self=%d text=\"%s\"  [%s]\n",
               e->used ? "*" : " ", sess_event_name(e->type), e->nick, e->target,
               e->channel, e->code, e->self, e->text, e->line);
    }
}

const sess_event *sess_expect(sess_client *c, nt_event_type type, const char *nick,
                              const char *channel, const char *text, int64_t timeout_ms)
{
    int64_t deadline = np_now_ms() + timeout_ms;
    for (;;) {
        sess_event *e;
        drain_events(c);
        e = find_event(c, type, nick, channel, text);
        if (e) {
            e->used = 1;
            return e;
        }
        if (np_now_ms() >= deadline || c->closed) {
            printf("  %s: no %s event (nick=%s channel=%s text=%s) within %lld ms\n", c->tag,
                   sess_event_name(type), nick ? nick : "*", channel ? channel : "*",
                   text ? text : "*", (long long)timeout_ms);
            sess_dump(c);
            return NULL;
        }
        for (int i = 0; i < MAX_SESSIONS; i++)
            if (g_sessions[i] && g_sessions[i] != c && !g_sessions[i]->closed)
                sess_pump(g_sessions[i], 1);
        sess_pump(c, 50);
    }
}
