/* natter-cli: input — the stdin reader thread and the /commands.
 *
 * The reader thread blocks in fgets() and copies each line into one end of a
 * socketpair; the main loop polls the other end like any socket. At end of
 * input the thread shuts its end down, which the main loop reads as EOF. */
#include <stdlib.h>
#include <string.h>
#include "cli.h"

#define QUIT_WAIT_MAX_MS 3000  /* how long we wait for the server after QUIT */

static void reader_main(void *arg)
{
    np_socket_t out = arg;
    char buf[4096];
    while (fgets(buf, sizeof buf, stdin)) {
        if (np_sendall(out, buf, strlen(buf), NULL) != NP_OK)
            break;  /* the main loop is gone */
    }
    np_shutdown(out, NP_SHUT_WR);
}

int cli_input_start(cli *c)
{
    np_socket_t pair[2];
    np_err err = np_socketpair(NP_AF_UNSPEC, NP_SOCK_STREAM, pair);
    if (err != NP_OK) {
        cli_error("cannot create the stdin socketpair: %s", np_strerror(err));
        return -1;
    }
    c->input = pair[0];
    c->input_writer = pair[1];
    np_thread *t;
    err = np_thread_create(&t, reader_main, c->input_writer);
    if (err != NP_OK) {
        cli_error("cannot start the stdin reader: %s", np_strerror(err));
        return -1;
    }
    /* Never joined: at exit it may still be blocked reading a terminal. */
    np_thread_detach(t);
    return 0;
}

void cli_input_bytes(cli *c, const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char ch = data[i];
        if (ch == '\n' || c->inlen + 1 >= sizeof c->inbuf) {
            /* An overlong line is cut into pieces rather than lost. */
            if (ch != '\n')
                c->inbuf[c->inlen++] = ch;
            c->inbuf[c->inlen] = '\0';
            c->inlen = 0;
            cli_input_line(c, c->inbuf);
            continue;
        }
        c->inbuf[c->inlen++] = ch;
    }
}

/* ---- helpers ---------------------------------------------------------------- */

/* The next space-separated word of *p (NUL-terminated in place), or NULL. */
static char *next_word(char **p)
{
    char *s = *p;
    while (*s == ' ')
        s++;
    if (!*s) {
        *p = s;
        return NULL;
    }
    char *w = s;
    while (*s && *s != ' ')
        s++;
    if (*s)
        *s++ = '\0';
    while (*s == ' ')
        s++;
    *p = s;
    return w;
}

/* The rest of the line, NULL if empty. */
static char *rest(char *p)
{
    while (*p == ' ')
        p++;
    return *p ? p : NULL;
}

static int session_result(cli *c, const char *cmd, int rc)
{
    if (rc < 0)
        cli_error("/%s: %s", cmd, nt_session_last_error(c->session));
    return rc;
}

static const char *current_or_complain(cli *c, const char *cmd)
{
    if (c->current[0])
        return c->current;
    cli_error("/%s: no current channel or chat: /join a channel or /query a nick first", cmd);
    return NULL;
}

static void set_current(cli *c, const char *target)
{
    snprintf(c->current, sizeof c->current, "%s", target ? target : "");
}

void cli_quit(cli *c, const char *reason)
{
    if (c->quit_sent)
        return;
    if (nt_session_quit(c->session, reason ? reason : "Leaving") < 0)
        nt_session_quit(c->session, NULL);  /* a bad reason still quits */
    c->quit_sent = 1;
    int64_t wait = c->timeout_ms < QUIT_WAIT_MAX_MS ? c->timeout_ms : QUIT_WAIT_MAX_MS;
    c->quit_deadline = np_now_ms() + wait;
}

/* ---- commands --------------------------------------------------------------- */

static void cmd_join(cli *c, char *args)
{
    char *chans = next_word(&args), *keys = next_word(&args);
    if (!chans) {
        cli_error("/join: usage: /join #channel[,#other] [key[,key]]");
        return;
    }
    /* "#a,#b k1,k2": the session takes one channel at a time. */
    char *cs = chans, *ks = keys;
    while (cs && *cs) {
        char *chan = cs, *key = NULL;
        cs = strchr(cs, ',');
        if (cs)
            *cs++ = '\0';
        if (ks && *ks) {
            key = ks;
            ks = strchr(ks, ',');
            if (ks)
                *ks++ = '\0';
        }
        if (session_result(c, "join", nt_session_join(c->session, chan, key)) == 0) {
            /* What follows waits for the answer, so text is neither shown
             * before the join nor sent to a channel we could not join. */
            set_current(c, chan);
            snprintf(c->joining, sizeof c->joining, "%s", chan);
            c->joining_deadline = np_now_ms() + c->timeout_ms;
        }
    }
}

/* "/part [#chan] [text]", "/topic [#chan] [text]": the channel named first,
 * else the current one. NULL (after saying why) when there is none; *args is
 * left at the text. */
static const char *channel_arg(cli *c, char **args, const char *cmd)
{
    while (**args == ' ')
        (*args)++;
    if (nt_session_is_channel(c->session, *args))
        return next_word(args);
    return current_or_complain(c, cmd);
}

static void cmd_part(cli *c, char *args)
{
    const char *chan = channel_arg(c, &args, "part");
    if (chan)
        session_result(c, "part", nt_session_part(c->session, chan, rest(args)));
}

static void cmd_msg(cli *c, char *args)
{
    char *target = next_word(&args), *text = rest(args);
    if (!target || !text) {
        cli_error("/msg: usage: /msg nick-or-#channel text");
        return;
    }
    session_result(c, "msg", nt_session_say(c->session, target, text, np_wall_ms()));
}

static void cmd_me(cli *c, char *args)
{
    const char *target = current_or_complain(c, "me");
    if (target)
        session_result(c, "me", nt_session_me(c->session, target, rest(args), np_wall_ms()));
}

static void cmd_nick(cli *c, char *args)
{
    char *nick = next_word(&args);
    if (!nick || rest(args)) {
        cli_error("/nick: usage: /nick newnick");
        return;
    }
    session_result(c, "nick", nt_session_change_nick(c->session, nick));
}

static void cmd_topic(cli *c, char *args)
{
    const char *chan = channel_arg(c, &args, "topic");
    if (chan)
        session_result(c, "topic", nt_session_topic(c->session, chan, rest(args)));
}

static void cmd_away(cli *c, char *args)
{
    session_result(c, "away", nt_session_away(c->session, rest(args)));
}

static void cmd_quit(cli *c, char *args)
{
    cli_quit(c, rest(args));
}

static void cmd_raw(cli *c, char *args)
{
    session_result(c, "raw", nt_session_raw(c->session, rest(args)));
}

static void cmd_names(cli *c, char *args)
{
    char *chan = next_word(&args);
    const char *target = chan ? chan : current_or_complain(c, "names");
    if (target)
        session_result(c, "names", nt_session_names(c->session, target));
}

static void cmd_query(cli *c, char *args)
{
    char *nick = next_word(&args);
    if (!nick) {
        cli_error("/query: usage: /query nick");
        return;
    }
    if (session_result(c, "query", nt_session_open_query(c->session, nick)) == 0)
        set_current(c, nick);
}

static void cmd_help(cli *c, char *args);

static const struct {
    const char *name;
    void (*fn)(cli *, char *);
    const char *help;
} commands[] = {
    { "join", cmd_join, "/join #channel [key]    join and make it current" },
    { "part", cmd_part, "/part [#channel] [reason]" },
    { "msg", cmd_msg, "/msg target text        a message to a nick or channel" },
    { "me", cmd_me, "/me text                an action in the current channel or chat" },
    { "nick", cmd_nick, "/nick newnick" },
    { "topic", cmd_topic, "/topic [#channel] [text] show or set the topic" },
    { "away", cmd_away, "/away [text]            set away, or come back without text" },
    { "quit", cmd_quit, "/quit [reason]          leave and exit" },
    { "raw", cmd_raw, "/raw LINE               send an IRC line as it is" },
    { "names", cmd_names, "/names [#channel]       list the members" },
    { "query", cmd_query, "/query nick             talk to nick with plain text" },
    { "help", cmd_help, "/help                   this list" },
};

static void cmd_help(cli *c, char *args)
{
    (void)c;
    (void)args;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        printf("%s\n", commands[i].help);
    printf("text                    to the current channel or chat (//text sends \"/text\")\n");
    fflush(stdout);
}

static void run_command(cli *c, char *line)
{
    char *args = line + 1;
    char *name = next_word(&args);
    if (!name) {
        cli_error("empty command: try /help");
        return;
    }
    for (char *p = name; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(commands[i].name, name) == 0) {
            commands[i].fn(c, args);
            return;
        }
    }
    cli_error("unknown command /%s: try /help", name);
}

static void hold(cli *c, const char *line)
{
    char **all = realloc(c->pending, (c->npending + 1) * sizeof *all);
    char *copy = malloc(strlen(line) + 1);
    if (!all || !copy) {
        free(copy);
        cli_error("out of memory: input line dropped");
        if (all)
            c->pending = all;
        return;
    }
    strcpy(copy, line);
    c->pending = all;
    c->pending[c->npending++] = copy;
}

void cli_input_run(cli *c, char *line)
{
    if (line[0] == '/' && line[1] != '/') {
        run_command(c, line);
        return;
    }
    const char *target = current_or_complain(c, "say");
    const char *body = line[0] == '/' ? line + 1 : line;
    if (target)
        session_result(c, "say", nt_session_say(c->session, target, body, np_wall_ms()));
}

void cli_input_line(cli *c, const char *text)
{
    size_t len = strlen(text);
    if (len > 0 && text[len - 1] == '\r')
        len--;  /* typed on Windows, or piped from a CRLF file */
    if (len == 0)
        return;
    char *line = malloc(len + 1);
    if (!line)
        return;
    memcpy(line, text, len);
    line[len] = '\0';
    /* Until the server has welcomed us nothing can be sent: hold the lines,
     * so a script may pipe "/join #c" and text without waiting. */
    if (!nt_session_registered(c->session) || c->npending > 0 || c->joining[0])
        hold(c, line);
    else
        cli_input_run(c, line);
    free(line);
}

void cli_input_flush_pending(cli *c)
{
    /* Take the list first: cli_input_line holds again while it is non-empty. */
    char **lines = c->pending;
    size_t n = c->npending;
    c->pending = NULL;
    c->npending = 0;
    for (size_t i = 0; i < n; i++) {
        if (!c->quit_sent)
            cli_input_line(c, lines[i]);
        free(lines[i]);
    }
    free(lines);
}

void cli_input_free(cli *c)
{
    for (size_t i = 0; i < c->npending; i++)
        free(c->pending[i]);
    free(c->pending);
    c->pending = NULL;
    c->npending = 0;
}
