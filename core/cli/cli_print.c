/* natter-cli: one line per event on stdout, flushed at once, so a script at
 * the other end of a pipe sees each event as it happens. The formats are
 * listed in --help (natter_cli.c). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("natter-cli: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

void cli_say(int64_t when_ms, const char *fmt, ...)
{
    time_t t = (time_t)(when_ms / 1000);
    struct tm *tm = localtime(&t);
    char stamp[16] = "??:??:??";
    if (tm)
        strftime(stamp, sizeof stamp, "%H:%M:%S", tm);
    printf("[%s] ", stamp);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* " (reason)" or "" */
static void reason_suffix(char *buf, size_t cap, const char *reason)
{
    if (reason && reason[0])
        snprintf(buf, cap, " (%s)", reason);
    else
        buf[0] = '\0';
}

/* PRIVMSG, NOTICE and ACTION: "#c <nick> text", "*nick* text" in private, and
 * "-> *target* text" for what we sent privately. */
static void print_message(const nt_event *ev)
{
    const char *nick = or_empty(ev->nick), *text = or_empty(ev->text);
    char where[CLI_NAME_MAX + 8] = "";
    if (ev->channel)
        snprintf(where, sizeof where, "%s ", ev->channel);
    if (!ev->channel && ev->self && ev->type != NT_EV_ACTION)
        cli_say(ev->time, "-> %s%s%s %s", ev->type == NT_EV_NOTICE ? "-" : "*",
                or_empty(ev->target), ev->type == NT_EV_NOTICE ? "-" : "*", text);
    else if (ev->type == NT_EV_ACTION)
        cli_say(ev->time, "%s* %s %s", where, nick, text);
    else if (ev->type == NT_EV_NOTICE)
        cli_say(ev->time, "%s-%s- %s", where, nick, text);
    else if (ev->channel)
        cli_say(ev->time, "%s<%s> %s", where, nick, text);
    else
        cli_say(ev->time, "*%s* %s", nick, text);
}

static void print_topic(const nt_event *ev)
{
    const char *chan = or_empty(ev->channel);
    if (!ev->text || !ev->text[0])
        cli_say(ev->time, "%s has no topic%s%s", chan, ev->nick ? " now, cleared by " : "",
                or_empty(ev->nick));
    else if (ev->nick)
        cli_say(ev->time, "%s topic set by %s: %s", chan, ev->nick, ev->text);
    else
        cli_say(ev->time, "%s topic: %s", chan, ev->text);
}

static void print_names(cli *c, const nt_event *ev)
{
    nt_member m[512];
    size_t n = nt_session_members(c->session, ev->channel, m, 512);
    size_t shown = n < 512 ? n : 512;
    size_t cap = 32;
    for (size_t i = 0; i < shown; i++)
        cap += strlen(m[i].nick) + strlen(m[i].prefixes) + 1;
    char *list = malloc(cap);
    if (!list)
        return;
    size_t o = 0;
    for (size_t i = 0; i < shown; i++)
        o += (size_t)snprintf(list + o, cap - o, "%s%s%s", i ? " " : "", m[i].prefixes, m[i].nick);
    if (shown < n)
        snprintf(list + o, cap - o, " ...");
    cli_say(ev->time, "%s members (%u): %s", or_empty(ev->channel), (unsigned)n, list);
    free(list);
}

static void print_away(const nt_event *ev)
{
    const char *who = ev->self ? "you" : or_empty(ev->nick);
    const char *verb = ev->self ? "are" : "is";
    if (ev->text)
        cli_say(ev->time, "%s %s away: %s", who, verb, ev->text);
    else
        cli_say(ev->time, "%s %s back", who, verb);
}

static void print_mode(const nt_event *ev)
{
    if (ev->channel)
        cli_say(ev->time, "%s sets mode %s on %s", ev->nick ? ev->nick : "server",
                or_empty(ev->text), ev->channel);
    else
        cli_say(ev->time, "mode %s %s", or_empty(ev->target), or_empty(ev->text));
}

static void print_ctcp(const nt_event *ev)
{
    if (ev->code)
        cli_say(ev->time, "CTCP reply from %s: %s", or_empty(ev->nick), or_empty(ev->text));
    else if (!ev->self)
        cli_say(ev->time, "CTCP %s from %s", or_empty(ev->text), or_empty(ev->nick));
}

/* Membership changes: joins, parts, kicks, quits, nick changes. */
static void print_membership(const nt_event *ev)
{
    char why[600];
    reason_suffix(why, sizeof why, ev->text);
    switch (ev->type) {
    case NT_EV_JOIN:
        cli_say(ev->time, "-> %s joined %s", or_empty(ev->nick), or_empty(ev->channel));
        break;
    case NT_EV_PART:
        cli_say(ev->time, "<- %s left %s%s", or_empty(ev->nick), or_empty(ev->channel), why);
        break;
    case NT_EV_QUIT:
        cli_say(ev->time, "<- %s quit%s", or_empty(ev->nick), why);
        break;
    case NT_EV_KICK:
        cli_say(ev->time, "<- %s was kicked from %s by %s%s", or_empty(ev->target),
                or_empty(ev->channel), or_empty(ev->nick), why);
        break;
    default: /* NT_EV_NICK */
        cli_say(ev->time, "%s is now known as %s", or_empty(ev->nick), or_empty(ev->text));
        break;
    }
}

void cli_print_event(cli *c, const nt_event *ev)
{
    switch (ev->type) {
    case NT_EV_REGISTERED:
        cli_say(ev->time, "registered as %s on %s", or_empty(ev->nick),
                or_empty(nt_session_server_name(c->session)));
        break;
    case NT_EV_MESSAGE: case NT_EV_NOTICE: case NT_EV_ACTION:
        print_message(ev);
        break;
    case NT_EV_JOIN: case NT_EV_PART: case NT_EV_QUIT: case NT_EV_KICK: case NT_EV_NICK:
        print_membership(ev);
        break;
    case NT_EV_TOPIC: print_topic(ev); break;
    case NT_EV_NAMES:
        if (!c->quiet)
            print_names(c, ev);
        break;
    case NT_EV_MODE: print_mode(ev); break;
    case NT_EV_INVITE:
        cli_say(ev->time, "%s invites you to %s", or_empty(ev->nick), or_empty(ev->channel));
        break;
    case NT_EV_AWAY:
        if (ev->self || !c->quiet)
            print_away(ev);
        break;
    case NT_EV_SERVER_TEXT:
        if (!c->quiet)
            cli_say(ev->time, "-- %s", or_empty(ev->text));
        break;
    case NT_EV_ERROR:
        if (ev->code)
            cli_say(ev->time, "error %03d: %s", ev->code, or_empty(ev->text));
        else
            cli_say(ev->time, "error: %s", or_empty(ev->text));
        break;
    case NT_EV_DISCONNECTED:
        cli_say(ev->time, "disconnected: %s", or_empty(ev->text));
        break;
    case NT_EV_CTCP: print_ctcp(ev); break;
    case NT_EV_MEMBERS: break;  /* a list redraw: nothing to print */
    }
}
