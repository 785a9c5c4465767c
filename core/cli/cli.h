/* natter-cli: a terminal IRC client on libnatter's session and libnp.
 *
 * natter_cli.c  options, connecting, the event loop (one np_poller over the
 *               server socket and the stdin socketpair)
 * cli_input.c   the stdin reader thread and the /commands
 * cli_print.c   one line per event on stdout
 *
 * Everything runs on the main thread except the stdin reader, which only
 * forwards bytes into a socketpair: WSAPoll cannot wait on a console or pipe,
 * so stdin reaches the poller as a socket on every platform. */
#ifndef NATTER_CLI_H
#define NATTER_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <np/np.h>
#include <natter/natter.h>

#if defined(__GNUC__) || defined(__clang__)
#  define CLI_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#  define CLI_PRINTF(fmt, args)
#endif

#define CLI_NAME_MAX 256

typedef struct cli {
    /* options */
    const char *host;
    uint16_t port;
    const char *join;          /* --join, may be "#a,#b" */
    int64_t timeout_ms;
    int quiet;
    int reconnect;             /* --reconnect: retry with back-off when dropped */
    unsigned attempt;          /* reconnect attempts since the last registration */
    int reconnecting;          /* a connection failed or dropped before this one */
    int joined_initial;        /* --join was sent (once: the session rejoins) */

    nt_session *session;
    np_socket_t sock;          /* the server */
    np_socket_t input;         /* our end of the stdin socketpair */
    np_socket_t input_writer;  /* the reader thread's end */
    np_poller *poller;
    unsigned sock_events;      /* what the poller watches on sock */

    char current[CLI_NAME_MAX];  /* where plain text goes: a channel or nick */
    char inbuf[8192];            /* stdin bytes not yet a whole line */
    size_t inlen;
    char **pending;              /* input lines held until registration, or */
    size_t npending;
    char joining[CLI_NAME_MAX];  /* ... until the server answers this /join */
    int64_t joining_deadline;    /* monotonic ms: stop waiting for it */

    int stdin_eof;
    int quit_sent;
    int64_t quit_deadline;       /* monotonic ms; 0: not quitting */
    char close_reason[512];      /* from the server's ERROR line */
} cli;

/* cli_input.c */
/* Start the thread that copies stdin into a socketpair (cli->input). */
int cli_input_start(cli *c);
/* Bytes from the socketpair: complete lines go to cli_input_line. */
void cli_input_bytes(cli *c, const char *data, size_t len);
/* One line the user typed: a /command or text for the current target. */
void cli_input_line(cli *c, const char *line);
/* Run a line now, even while others are held (--join at registration). */
void cli_input_run(cli *c, char *line);
/* Run lines that were held back until registration. */
void cli_input_flush_pending(cli *c);
void cli_input_free(cli *c);
/* Send QUIT (once) and start the wait for the server to close. */
void cli_quit(cli *c, const char *reason);

/* cli_print.c */
void cli_print_event(cli *c, const nt_event *ev);
/* "[HH:MM:SS] " + text, one line, flushed. */
void cli_say(int64_t when_ms, const char *fmt, ...) CLI_PRINTF(2, 3);
/* "natter-cli: " + text on stderr. */
void cli_error(const char *fmt, ...) CLI_PRINTF(1, 2);

#endif
