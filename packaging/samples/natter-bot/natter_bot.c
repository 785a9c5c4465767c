/* natter-bot: a small IRC bot on libnatter, as an outside program would write
 * it. Copy this directory and build it with pkg-config (natter.pc):
 *
 *     make                      # or: cmake -S . -B build && cmake --build build
 *     ./natter-bot 127.0.0.1:6667 --nick bot --join '#natter'
 *
 * libnp makes the connection (np_tcp_connect) and waits for the socket
 * (np_poller); libnatter's nt_session speaks IRC without doing any I/O itself:
 * bytes from the server go in with nt_session_feed(), events come out of
 * nt_session_next_event(), and what the session wants to send is read with
 * nt_session_output(). The bot answers, in a channel or in private:
 *
 *     !ping   pong, <your nick>
 *     !time   the current time (UTC)
 *     !help   the list of commands
 *
 * It prints one line per event and leaves with a QUIT on SIGINT, SIGTERM or
 * Ctrl-C (np_on_terminate). */
#include <np/np.h>
#include <natter/natter.h>

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_PORT 6667
#define DEFAULT_TIMEOUT_MS 10000
#define QUIT_WAIT_MS 3000       /* how long to wait for the server after QUIT */

typedef struct bot {
    const char *host;
    uint16_t port;
    char *joins;                /* --join: "#a" or "#a,#b" */
    int64_t timeout_ms;
    nt_session *session;
    np_socket_t sock;
    np_poller *poller;
    unsigned sock_events;       /* what the poller watches on sock */
    int quit_sent;
    int64_t quit_deadline;      /* monotonic ms, once QUIT is sent */
    char close_reason[256];
} bot;

static volatile sig_atomic_t g_terminate;

/* Runs in a signal handler (POSIX) or on a system thread (Windows). */
static void on_terminate(void *ctx)
{
    g_terminate = 1;
    np_poller_wakeup((np_poller *)ctx);
}

static void usage(FILE *to)
{
    fprintf(to,
            "usage: natter-bot HOST[:PORT] --nick NICK [--join #CHAN] [options]\n"
            "\n"
            "An IRC bot that answers !ping, !time and !help in its channels and in\n"
            "private. Prints one line per event; SIGINT, SIGTERM or Ctrl-C makes it quit.\n"
            "\n"
            "  --nick NICK       the nick to use (NICK_ and so on if it is taken)\n"
            "  --join #CHAN      channels to join once registered (several: #a,#b)\n"
            "  --password PASS   server password\n"
            "  --timeout MS      connect and registration timeout (default %d)\n"
            "  --help, --version\n"
            "\n"
            "PORT defaults to %d.\n",
            DEFAULT_TIMEOUT_MS, DEFAULT_PORT);
}

static void say(const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* One line on stdout, flushed at once so a pipe sees each event as it comes. */
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

static void bad_usage(const char *what, const char *arg)
{
    fprintf(stderr, "natter-bot: %s%s%s (try --help)\n", what, arg ? " " : "", arg ? arg : "");
    exit(2);
}

/* HOST, HOST:PORT or [IPv6]:PORT; the text is cut up in place. */
static int parse_hostport(bot *b, char *arg)
{
    char *port = NULL;
    if (arg[0] == '[') {
        char *close = strchr(arg, ']');
        if (!close || (close[1] && close[1] != ':'))
            return -1;
        *close = '\0';
        port = close[1] == ':' ? close + 2 : NULL;
        arg++;
    } else {
        char *colon = strchr(arg, ':');
        if (colon && !strchr(colon + 1, ':')) {
            *colon = '\0';
            port = colon + 1;
        }
    }
    if (!arg[0])
        return -1;
    b->host = arg;
    b->port = DEFAULT_PORT;
    if (port) {
        char *end;
        long v = strtol(port, &end, 10);
        if (!port[0] || *end || v < 1 || v > 65535)
            return -1;
        b->port = (uint16_t)v;
    }
    return 0;
}

static void parse_args(bot *b, nt_session_config *cfg, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(a, "--version") == 0) {
            printf("natter-bot on libnatter %s, libnp %s\n", nt_version(), np_version());
            exit(0);
        } else if (a[0] == '-') {
            const char *val = i + 1 < argc ? argv[++i] : NULL;
            if (!val)
                bad_usage("a value is missing after", a);
            if (strcmp(a, "--nick") == 0) {
                cfg->nick = val;
            } else if (strcmp(a, "--join") == 0) {
                b->joins = argv[i];
            } else if (strcmp(a, "--password") == 0) {
                cfg->password = val;
            } else if (strcmp(a, "--timeout") == 0) {
                char *end;
                long ms = strtol(val, &end, 10);
                if (!val[0] || *end || ms < 1 || ms > 3600000)
                    bad_usage("--timeout wants milliseconds from 1 to 3600000, not", val);
                b->timeout_ms = ms;
            } else {
                bad_usage("unknown option", a);
            }
        } else if (!b->host) {
            if (parse_hostport(b, argv[i]) < 0)
                bad_usage("bad server address: want HOST, HOST:PORT or [IPv6]:PORT, not", a);
        } else {
            bad_usage("unexpected argument", a);
        }
    }
    if (!b->host)
        bad_usage("no server given", NULL);
    if (!cfg->nick)
        bad_usage("--nick is required", NULL);
    if (!nt_nick_valid(cfg->nick, 64))
        bad_usage("invalid nick", cfg->nick);
    cfg->realname = "natter-bot";
    cfg->version_reply = "natter-bot (libnatter sample)";
}

/* ---- answering ------------------------------------------------------------------ */

/* The answer to a command, or NULL when text is not one. */
static const char *answer(const char *text, const char *nick, char *buf, size_t len)
{
    size_t n = strcspn(text, " \t");
    if (n == 5 && strncmp(text, "!ping", 5) == 0) {
        snprintf(buf, len, "pong, %s", nick);
    } else if (n == 5 && strncmp(text, "!time", 5) == 0) {
        time_t now = (time_t)(np_wall_ms() / 1000);
        struct tm *tm = gmtime(&now);
        char stamp[64];
        if (!tm || !strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S UTC", tm))
            snprintf(stamp, sizeof stamp, "unknown");
        snprintf(buf, len, "%s: it is %s", nick, stamp);
    } else if (n == 5 && strncmp(text, "!help", 5) == 0) {
        snprintf(buf, len, "%s: I answer !ping, !time and !help", nick);
    } else {
        return NULL;
    }
    return buf;
}

static void on_message(bot *b, const nt_event *ev)
{
    char reply[512];
    /* Where to answer: the channel, or the sender in private. */
    const char *to = ev->channel ? ev->channel : ev->nick;
    const char *text = ev->text ? ev->text : "";
    if (ev->channel)
        say("%s <%s> %s", ev->channel, ev->nick, text);
    else
        say("*%s* %s", ev->nick, text);
    if (ev->self || !ev->nick || !answer(text, ev->nick, reply, sizeof reply))
        return;                        /* our own echo, or not a command */
    if (nt_session_say(b->session, to, reply, np_wall_ms()) == 0)
        say("-> %s: %s", to, reply);
    else
        say("cannot answer %s: %s", to, nt_session_last_error(b->session));
}

static void join_channels(bot *b)
{
    char *save = b->joins, *chan;
    if (!save)
        return;
    /* "#a,#b": one JOIN each. */
    for (chan = save; chan && *chan;) {
        char *comma = strchr(chan, ',');
        if (comma)
            *comma = '\0';
        if (nt_session_join(b->session, chan, NULL) < 0)
            say("cannot join %s: %s", chan, nt_session_last_error(b->session));
        if (comma)
            *comma = ',';
        chan = comma ? comma + 1 : NULL;
    }
}

static void on_event(bot *b, const nt_event *ev)
{
    const char *nick = ev->nick ? ev->nick : "";
    const char *text = ev->text ? ev->text : "";
    const char *chan = ev->channel ? ev->channel : "";
    switch (ev->type) {
    case NT_EV_REGISTERED:
        say("registered as %s", nick);
        join_channels(b);
        break;
    case NT_EV_MESSAGE:
        on_message(b, ev);
        break;
    case NT_EV_NOTICE:                 /* never answered: bots must not loop */
        say("%s%s-%s- %s", chan, ev->channel ? " " : "", nick, text);
        break;
    case NT_EV_JOIN:
        if (ev->self)
            say("joined %s", chan);
        else
            say("%s joined %s", nick, chan);
        break;
    case NT_EV_PART:
        say("%s left %s", ev->self ? "we" : nick, chan);
        break;
    case NT_EV_KICK:
        say("%s was kicked from %s by %s", ev->target ? ev->target : "", chan, nick);
        break;
    case NT_EV_QUIT:
        say("%s quit (%s)", nick, text);
        break;
    case NT_EV_NICK:
        say("%s is now known as %s", nick, text);
        break;
    case NT_EV_ERROR:
        say("error %03d: %s", ev->code, text);
        break;
    case NT_EV_DISCONNECTED:
        say("disconnected: %s", text);
        if (!b->close_reason[0])
            snprintf(b->close_reason, sizeof b->close_reason, "%s", text);
        break;
    default:                           /* topics, names, MOTD...: not a bot's business */
        break;
    }
}

static void drain_events(bot *b)
{
    nt_event ev;
    while (nt_session_next_event(b->session, &ev))
        on_event(b, &ev);
}

/* ---- the connection --------------------------------------------------------------- */

/* Send what the session has queued, as far as the socket takes it; watch for
 * writability only while something is left. -1 if the socket failed. */
static int flush_output(bot *b)
{
    size_t len;
    const char *data = nt_session_output(b->session, &len);
    unsigned want;
    while (len > 0) {
        size_t sent = 0;
        np_err err = np_send(b->sock, data, len, &sent);
        if (err == NP_EAGAIN)
            break;
        if (err != NP_OK) {
            snprintf(b->close_reason, sizeof b->close_reason, "%s", np_strerror(err));
            return -1;
        }
        nt_session_consume_output(b->session, sent);
        data = nt_session_output(b->session, &len);
    }
    want = NP_POLL_IN | (len > 0 ? NP_POLL_OUT : 0u);
    if (want != b->sock_events) {
        np_poller_modify(b->poller, b->sock, want, NULL);
        b->sock_events = want;
    }
    return 0;
}

/* Everything the server sent: 1 once it has closed the connection. */
static int read_server(bot *b)
{
    char buf[8192];
    for (;;) {
        size_t got = 0;
        np_err err = np_recv(b->sock, buf, sizeof buf, &got);
        if (err == NP_EAGAIN)
            return 0;
        if (err != NP_OK) {
            snprintf(b->close_reason, sizeof b->close_reason, "%s", np_strerror(err));
            return 1;
        }
        if (got == 0)
            return 1;
        nt_session_feed(b->session, buf, got, np_wall_ms());
        drain_events(b);
    }
}

/* The event loop; returns the exit code: 0 after we quit, 1 if the connection
 * failed or registration timed out. */
static int run(bot *b)
{
    int64_t reg_deadline = np_now_ms() + b->timeout_ms;
    for (;;) {
        int64_t now = np_now_ms(), deadline = 0, timeout = -1;
        np_poll_event evs[4];
        int n = 0;
        if (g_terminate && !b->quit_sent) {
            say("terminate request: quitting");
            if (nt_session_quit(b->session, "natter-bot: bye") < 0)
                return 0;              /* not registered yet: just go */
            b->quit_sent = 1;
            b->quit_deadline = now + QUIT_WAIT_MS;
        }
        if (flush_output(b) < 0)
            break;
        if (b->quit_sent)
            deadline = b->quit_deadline;
        else if (!nt_session_registered(b->session))
            deadline = reg_deadline;
        if (deadline) {
            if (now >= deadline) {
                if (b->quit_sent)
                    return 0;          /* we said QUIT; the server was slow to close */
                fprintf(stderr, "natter-bot: registration with %s timed out\n", b->host);
                return 1;
            }
            timeout = deadline - now;
        }
        if (np_poller_wait(b->poller, evs, 4, timeout, &n) != NP_OK) {
            fprintf(stderr, "natter-bot: poll failed\n");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            if (evs[i].sock == b->sock && read_server(b)) {
                nt_session_closed(b->session, b->close_reason[0] ? b->close_reason
                                                                 : "connection closed",
                                  np_wall_ms());
                drain_events(b);
                return b->quit_sent ? 0 : 1;
            }
        }
    }
    fprintf(stderr, "natter-bot: connection to %s lost: %s\n", b->host, b->close_reason);
    return 1;
}

int main(int argc, char **argv)
{
    static bot b;
    nt_session_config cfg;
    np_err err;
    int code = 1;

    memset(&cfg, 0, sizeof cfg);
    b.timeout_ms = DEFAULT_TIMEOUT_MS;
    parse_args(&b, &cfg, argc, argv);
    if (np_init() != NP_OK) {
        fprintf(stderr, "natter-bot: cannot start networking\n");
        return 1;
    }
    err = np_poller_open(&b.poller);
    if (err == NP_OK)
        err = np_on_terminate(on_terminate, b.poller);
    if (err != NP_OK) {
        fprintf(stderr, "natter-bot: cannot set up: %s\n", np_strerror(err));
        goto out;
    }
    say("natter-bot on libnatter %s, pid %ld", nt_version(), np_getpid());
    err = np_tcp_connect(b.host, b.port, b.timeout_ms, &b.sock);
    if (err != NP_OK) {
        fprintf(stderr, "natter-bot: cannot connect to %s port %u: %s\n", b.host,
                (unsigned)b.port, np_strerror(err));
        goto out;
    }
    say("connected to %s port %u", b.host, (unsigned)b.port);
    np_socket_set_blocking(b.sock, 0);
    np_set_nodelay(b.sock, 1);
    b.sock_events = NP_POLL_IN;
    b.session = nt_session_new(&cfg);
    if (!b.session || np_poller_add(b.poller, b.sock, NP_POLL_IN, NULL) != NP_OK) {
        fprintf(stderr, "natter-bot: out of memory\n");
        goto out;
    }
    nt_session_start(b.session, np_wall_ms());
    code = run(&b);
    say("exiting (%d)", code);

out:
    np_on_terminate(NULL, NULL);
    if (b.poller && b.sock)
        np_poller_remove(b.poller, b.sock);
    np_socket_close(b.sock);
    np_poller_close(b.poller);
    nt_session_free(b.session);
    np_cleanup();
    return code;
}
