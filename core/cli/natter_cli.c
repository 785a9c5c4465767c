/* natter-cli: a scriptable terminal IRC client.
 *
 *     natter-cli HOST[:PORT] --nick N [--join #chan] [--password P]
 *                [--realname R] [--timeout MS] [--quiet] [--reconnect]
 *
 * Reads lines from stdin (commands or text), prints one line per event on
 * stdout. Exit codes: 0 after a clean QUIT (a /quit or end of input), 1 when
 * the connection failed or dropped or registration timed out (unless
 * --reconnect: then it connects again, waiting 1, 2, 4 ... 30 s, and the
 * session joins its channels again), 2 for bad usage. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

#define DEFAULT_PORT 6667
#define DEFAULT_TIMEOUT_MS 10000
#define RECONNECT_MAX_S 30

/* What one connection's loop ended with. */
enum { RUN_QUIT = 0, RUN_FAILED = 1, RUN_DROPPED = 3 };

static void usage(FILE *to)
{
    fprintf(to,
        "usage: natter-cli HOST[:PORT] --nick NICK [options]\n"
        "\n"
        "A terminal IRC client: reads commands and text from stdin, prints events.\n"
        "\n"
        "options:\n"
        "  --nick NICK        the nick to use (required; NICK_, NICK1... if taken)\n"
        "  --join #CHAN       join after registering (several: #a,#b)\n"
        "  --password PASS    server password (PASS)\n"
        "  --realname NAME    real name (default: the nick)\n"
        "  --timeout MS       connect and registration timeout (default %d)\n"
        "  --quiet            no server text (MOTD...), member lists or others' away\n"
        "  --reconnect        when the connection fails or drops, connect again after\n"
        "                     1, 2, 4 ... 30 s and rejoin the channels\n"
        "  --help, --version\n"
        "\n"
        "HOST may be a name, an IPv4 address or [IPv6]; PORT defaults to %d.\n"
        "\n"
        "input (one per line):\n"
        "  /join #c [key]  /part [#c] [reason]  /msg target text  /me text\n"
        "  /nick n  /topic [text]  /away [text]  /quit [reason]  /raw LINE\n"
        "  /names [#c]  /query nick  /help\n"
        "  text            to the current channel (the last joined) or /query\n"
        "\n"
        "output (one line per event, [HH:MM:SS] first):\n"
        "  #c <nick> text        channel message     *nick* text    private message\n"
        "  -> *target* text      our private message #c * nick act  action\n"
        "  #c -nick- text        notice              -> nick joined #c\n"
        "  <- nick left #c (why) <- nick quit (why)  <- v was kicked from #c by n (why)\n"
        "  n is now known as m   #c topic: text      #c members (N): @op +v nick\n"
        "  error NNN: text       -- server text      disconnected: reason\n"
        "  reconnecting in N s (attempt K)           reconnected to HOST port P\n"
        "\n"
        "exit status: 0 after QUIT (or end of input), 1 connection failed or\n"
        "dropped (without --reconnect), 2 bad usage.\n",
        DEFAULT_TIMEOUT_MS, DEFAULT_PORT);
}

/* ---- options ------------------------------------------------------------------ */

/* HOST, HOST:PORT, [V6]:PORT, or a bare IPv6 address (several colons). */
static int parse_hostport(cli *c, char *arg)
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
    c->host = arg;
    c->port = DEFAULT_PORT;
    if (port) {
        char *end;
        long v = strtol(port, &end, 10);
        if (!port[0] || *end || v < 1 || v > 65535)
            return -1;
        c->port = (uint16_t)v;
    }
    return 0;
}

static void bad_usage(const char *fmt, ...) CLI_PRINTF(1, 2);

static void bad_usage(const char *fmt, ...)
{
    va_list ap;
    fputs("natter-cli: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (try --help)\n", stderr);
    exit(2);
}

static void parse_args(cli *c, nt_session_config *cfg, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(a, "--version") == 0) {
            printf("natter-cli %s\n", nt_version());
            exit(0);
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            c->quiet = 1;
        } else if (strcmp(a, "--reconnect") == 0) {
            c->reconnect = 1;
        } else if (a[0] == '-' && a[1] == '-') {
            if (!val)
                bad_usage("%s needs a value", a);
            i++;
            if (strcmp(a, "--nick") == 0) {
                cfg->nick = val;
            } else if (strcmp(a, "--join") == 0) {
                c->join = val;
            } else if (strcmp(a, "--password") == 0) {
                cfg->password = val;
            } else if (strcmp(a, "--realname") == 0) {
                cfg->realname = val;
            } else if (strcmp(a, "--timeout") == 0) {
                char *end;
                long long ms = strtoll(val, &end, 10);
                if (!val[0] || *end || ms < 1 || ms > 3600000)
                    bad_usage("--timeout wants milliseconds from 1 to 3600000, not '%s'", val);
                c->timeout_ms = ms;
            } else {
                bad_usage("unknown option %s", a);
            }
        } else if (!c->host) {
            /* parse_hostport cuts its argument up: keep argv whole for messages. */
            char *copy = malloc(strlen(a) + 1);
            if (!copy)
                exit(1);
            strcpy(copy, a);
            if (parse_hostport(c, copy) < 0)
                bad_usage("bad server address '%s': want HOST, HOST:PORT or [IPv6]:PORT", a);
        } else {
            bad_usage("unexpected argument '%s'", a);
        }
    }
    if (!c->host)
        bad_usage("%s", "no server given");
    if (!cfg->nick)
        bad_usage("%s", "--nick is required");
    if (!nt_nick_valid(cfg->nick, 64))
        bad_usage("invalid nick '%s'", cfg->nick);
}

/* ---- the connection ------------------------------------------------------------- */

/* Send what the session has queued, as far as the socket takes it; watch for
 * writability only while something is left. Returns -1 if the socket failed. */
static int flush_output(cli *c)
{
    size_t len;
    const char *data = nt_session_output(c->session, &len);
    while (len > 0) {
        size_t sent = 0;
        np_err err = np_send(c->sock, data, len, &sent);
        if (err == NP_EAGAIN)
            break;
        if (err != NP_OK) {
            snprintf(c->close_reason, sizeof c->close_reason, "%s", np_strerror(err));
            return -1;
        }
        nt_session_consume_output(c->session, sent);
        data = nt_session_output(c->session, &len);
    }
    unsigned want = NP_POLL_IN | (len > 0 ? NP_POLL_OUT : 0);
    if (want != c->sock_events) {
        np_poller_modify(c->poller, c->sock, want, NULL);
        c->sock_events = want;
    }
    return 0;
}

/* What the events mean for us: where plain text goes, why the server left. */
static void track_event(cli *c, const nt_event *ev)
{
    if (ev->type == NT_EV_JOIN && ev->self) {
        snprintf(c->current, sizeof c->current, "%s", ev->channel);
    } else if ((ev->type == NT_EV_PART || ev->type == NT_EV_KICK) && ev->self &&
               nt_casecmp(nt_session_casemap(c->session), c->current, ev->channel) == 0) {
        const char *next = nt_session_channel_name(c->session, 0);
        snprintf(c->current, sizeof c->current, "%s", next ? next : "");
    } else if (ev->type == NT_EV_DISCONNECTED && ev->text) {
        snprintf(c->close_reason, sizeof c->close_reason, "%s", ev->text);
    }
    /* The /join we wait for was answered: joined, or refused (an error
     * numeric about that channel). */
    if (c->joining[0] && ev->channel &&
        ((ev->type == NT_EV_JOIN && ev->self) || ev->type == NT_EV_ERROR) &&
        nt_casecmp(nt_session_casemap(c->session), c->joining, ev->channel) == 0)
        c->joining[0] = '\0';
}

static void join_initial(cli *c)
{
    if (!c->join)
        return;
    char *chans = malloc(strlen(c->join) + 8);
    if (!chans)
        return;
    sprintf(chans, "/join %s", c->join);
    cli_input_run(c, chans);  /* before whatever was typed while registering */
    free(chans);
}

static void drain_events(cli *c)
{
    nt_event ev;
    while (nt_session_next_event(c->session, &ev)) {
        cli_print_event(c, &ev);
        track_event(c, &ev);
        if (ev.type == NT_EV_REGISTERED) {
            c->attempt = 0;   /* back-off starts over after a success */
            if (!c->joined_initial) {
                c->joined_initial = 1;
                join_initial(c);   /* after a reconnect the session rejoins */
            }
        }
        if (nt_session_registered(c->session) && !c->joining[0] && c->npending > 0)
            cli_input_flush_pending(c);
    }
}

/* End of stdin: once registered and every held line has run, QUIT. */
static void maybe_quit_at_eof(cli *c)
{
    if (c->stdin_eof && nt_session_registered(c->session) && c->npending == 0 &&
        !c->joining[0])
        cli_quit(c, NULL);
}

/* Returns 1 when the server closed the connection. */
static int on_server_readable(cli *c)
{
    char buf[8192];
    for (;;) {
        size_t got = 0;
        np_err err = np_recv(c->sock, buf, sizeof buf, &got);
        if (err == NP_EAGAIN)
            return 0;
        if (err != NP_OK) {
            snprintf(c->close_reason, sizeof c->close_reason, "%s", np_strerror(err));
            return 1;
        }
        if (got == 0)
            return 1;
        nt_session_feed(c->session, buf, got, np_wall_ms());
        drain_events(c);
    }
}

static void on_input_readable(cli *c)
{
    char buf[4096];
    size_t got = 0;
    np_err err = np_recv(c->input, buf, sizeof buf, &got);
    if (err == NP_EAGAIN)
        return;
    if (err != NP_OK || got == 0) {
        if (c->inlen > 0)  /* a last line without a newline */
            cli_input_bytes(c, "\n", 1);
        c->stdin_eof = 1;
        np_poller_remove(c->poller, c->input);
        return;
    }
    cli_input_bytes(c, buf, got);
}

/* A /join the server never answered (some servers say nothing for a channel
 * we are already in): stop holding input back. */
static void check_join_wait(cli *c)
{
    if (c->joining[0] && np_now_ms() >= c->joining_deadline) {
        c->joining[0] = '\0';
        cli_input_flush_pending(c);
    }
}

/* How long the poller may sleep: until the registration, join or QUIT
 * deadline, whichever comes first. */
static int64_t wait_ms(const cli *c, int64_t reg_deadline)
{
    int64_t now = np_now_ms();
    int64_t deadline = c->quit_deadline ? c->quit_deadline
                       : !nt_session_registered(c->session) ? reg_deadline : 0;
    if (c->joining[0] && !c->quit_deadline)
        deadline = deadline && deadline < c->joining_deadline ? deadline : c->joining_deadline;
    if (!deadline)
        return -1;
    return deadline > now ? deadline - now : 0;
}

/* The loop; returns the exit code. */
static int run(cli *c)
{
    int64_t reg_deadline = np_now_ms() + c->timeout_ms;
    for (;;) {
        check_join_wait(c);
        if (flush_output(c) < 0) {
            nt_session_closed(c->session, c->close_reason, np_wall_ms());
            drain_events(c);
            break;
        }
        int64_t timeout = wait_ms(c, reg_deadline);
        if (timeout == 0 && !c->joining[0]) {
            if (c->quit_deadline)
                return RUN_QUIT;  /* we said QUIT; the server was slow to close */
            cli_error("registration with %s timed out", c->host);
            snprintf(c->close_reason, sizeof c->close_reason, "registration timed out");
            return c->reconnect ? RUN_DROPPED : RUN_FAILED;
        }
        np_poll_event evs[4];
        int n = 0;
        np_err err = np_poller_wait(c->poller, evs, 4, timeout, &n);
        if (err != NP_OK) {
            cli_error("poll failed: %s", np_strerror(err));
            return RUN_FAILED;
        }
        for (int i = 0; i < n; i++) {
            if (evs[i].sock == c->sock && on_server_readable(c)) {
                nt_session_closed(c->session, c->close_reason[0] ? c->close_reason
                                                                 : "Connection closed",
                                  np_wall_ms());
                drain_events(c);
                if (c->quit_sent)
                    return RUN_QUIT;
                goto dropped;
            }
            if (evs[i].sock == c->input)
                on_input_readable(c);
        }
        maybe_quit_at_eof(c);
    }
dropped:
    if (c->quit_sent)
        return RUN_QUIT;
    cli_error("connection to %s lost: %s", c->host,
              c->close_reason[0] ? c->close_reason : "closed by the server");
    return RUN_DROPPED;
}

static int connect_server(cli *c)
{
    np_err err = np_tcp_connect(c->host, c->port, c->timeout_ms, &c->sock);
    if (err != NP_OK) {
        cli_error("cannot connect to %s port %u: %s", c->host, (unsigned)c->port,
                  np_strerror(err));
        snprintf(c->close_reason, sizeof c->close_reason, "cannot connect: %s",
                 np_strerror(err));
        return -1;
    }
    np_socket_set_timeout(c->sock, NP_TIMEOUT_NONBLOCKING);
    np_set_nodelay(c->sock, 1);
    err = np_poller_add(c->poller, c->sock, NP_POLL_IN, NULL);
    if (err != NP_OK) {
        cli_error("cannot watch the connection: %s", np_strerror(err));
        np_socket_close(c->sock);
        c->sock = NP_INVALID_SOCKET;
        return -1;
    }
    c->sock_events = NP_POLL_IN;
    return 0;
}

static void disconnect_server(cli *c)
{
    if (c->sock == NP_INVALID_SOCKET)
        return;
    np_poller_remove(c->poller, c->sock);
    np_socket_close(c->sock);
    c->sock = NP_INVALID_SOCKET;
}

static int setup_poller(cli *c)
{
    np_err err = np_poller_open(&c->poller);
    if (err == NP_OK)
        err = np_poller_add(c->poller, c->input, NP_POLL_IN, NULL);
    if (err != NP_OK) {
        cli_error("cannot set up the poller: %s", np_strerror(err));
        return -1;
    }
    np_socket_set_timeout(c->input, NP_TIMEOUT_NONBLOCKING);
    return 0;
}

/* Before the next attempt: 1, 2, 4 ... 30 s. Input typed meanwhile is held
 * until the next registration, like input typed before the first. */
static void reconnect_wait(cli *c)
{
    unsigned k = ++c->attempt;
    int64_t delay_s = k > 5 ? RECONNECT_MAX_S : (int64_t)1 << (k - 1);
    int64_t until;
    if (delay_s > RECONNECT_MAX_S)
        delay_s = RECONNECT_MAX_S;
    cli_say(np_wall_ms(), "reconnecting in %lld s (attempt %u): %s", (long long)delay_s, k,
            c->close_reason[0] ? c->close_reason : "connection lost");
    until = np_now_ms() + delay_s * 1000;
    while (np_now_ms() < until && !c->quit_sent) {
        np_poll_event evs[2];
        int n = 0;
        if (np_poller_wait(c->poller, evs, 2, until - np_now_ms(), &n) != NP_OK)
            break;
        for (int i = 0; i < n; i++)
            if (evs[i].sock == c->input)
                on_input_readable(c);
    }
}

/* Connect, register, chat; with --reconnect, again after each drop. */
static int run_all(cli *c)
{
    for (;;) {
        c->close_reason[0] = '\0';
        if (connect_server(c) == 0) {
            if (c->reconnecting)
                cli_say(np_wall_ms(), "reconnected to %s port %u", c->host, (unsigned)c->port);
            c->joining[0] = '\0';
            nt_session_start(c->session, np_wall_ms());
            int code = run(c);
            disconnect_server(c);
            if (code != RUN_DROPPED)
                return code;
        }
        if (!c->reconnect)
            return RUN_FAILED;
        if (c->quit_sent)
            return RUN_QUIT;   /* a /quit typed while we were disconnected */
        reconnect_wait(c);
        if (c->quit_sent)
            return RUN_QUIT;
        c->reconnecting = 1;
    }
}

int main(int argc, char **argv)
{
    static cli c;
    nt_session_config cfg = { 0 };
    c.timeout_ms = DEFAULT_TIMEOUT_MS;
    parse_args(&c, &cfg, argc, argv);
    if (np_init() != NP_OK) {
        cli_error("cannot initialise networking");
        return 1;
    }
    cfg.rejoin_on_reconnect = c.reconnect;
    c.sock = NP_INVALID_SOCKET;
    c.session = nt_session_new(&cfg);
    if (!c.session || cli_input_start(&c) < 0 || setup_poller(&c) < 0)
        return 1;
    int code = run_all(&c);
    if (code == RUN_DROPPED)
        code = RUN_FAILED;
    /* The reader thread may still be blocked on stdin, holding its end of the
     * pair: only our own sockets are closed, and exit() ends the thread. */
    np_poller_close(c.poller);
    np_socket_close(c.sock);
    np_socket_close(c.input);
    cli_input_free(&c);
    nt_session_free(c.session);
    fflush(stdout);
    exit(code);
}
