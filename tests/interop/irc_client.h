/* A raw IRC client for the interop tests: a libnp socket in timeout mode and
 * a line buffer, nothing from libnatter, so the tests judge natterd by what
 * goes over the wire. Header-only: every test_<name>.c is its own program. */
#ifndef NT_INTEROP_IRC_CLIENT_H
#define NT_INTEROP_IRC_CLIENT_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "np_test.h"

/* Copy text into out (outlen bytes), cut if needed: a copy, not a format. */
static inline void irc_copy(char *out, size_t outlen, const char *text)
{
    size_t n = strlen(text);
    if (outlen == 0)
        return;
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, text, n);
    out[n] = '\0';
}

typedef struct irc_client {
    np_socket_t sock;
    char nick[32];
    char buf[65536];
    size_t len;
    int eof;
} irc_client;

/* Connect to 127.0.0.1:port; NP_OK or the error. */
static inline np_err irc_open(irc_client *c, unsigned port)
{
    memset(c, 0, sizeof *c);
    return np_tcp_connect("127.0.0.1", (uint16_t)port, 10000, &c->sock);
}

static inline void irc_close(irc_client *c)
{
    np_socket_close(c->sock);
    c->sock = NP_INVALID_SOCKET;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static inline np_err irc_send(irc_client *c, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line - 2, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof line - 2)
        return NP_EINVAL;
    memcpy(line + n, "\r\n", 3);
    np_socket_set_timeout(c->sock, 10000);
    return np_sendall(c->sock, line, (size_t)n + 2, NULL);
}

/* One line (without CR LF) within timeout_ms: NP_OK, NP_ETIMEDOUT or NP_EEOF. */
static inline np_err irc_readline(irc_client *c, char *out, size_t outlen, int64_t timeout_ms)
{
    int64_t deadline = np_now_ms() + timeout_ms;
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->len);
        size_t got = 0, n;
        int64_t left;
        np_err err;
        if (nl) {
            n = (size_t)(nl - c->buf);
            if (n > 0 && c->buf[n - 1] == '\r')
                n--;
            snprintf(out, outlen, "%.*s", (int)n, c->buf);
            n = (size_t)(nl - c->buf) + 1;
            memmove(c->buf, c->buf + n, c->len - n);
            c->len -= n;
            return NP_OK;
        }
        if (c->eof || c->len == sizeof c->buf)
            return NP_EEOF;
        left = deadline - np_now_ms();
        if (left <= 0)
            return NP_ETIMEDOUT;
        np_socket_set_timeout(c->sock, left);
        err = np_recv(c->sock, c->buf + c->len, sizeof c->buf - c->len, &got);
        if (err == NP_ETIMEDOUT)
            return NP_ETIMEDOUT;
        /* A reset after the server's close is an end too (Wine reports some
         * ends that way). */
        if (err != NP_OK || got == 0) {
            c->eof = 1;
            continue;
        }
        c->len += got;
    }
}

/* Read until a line contains needle (copied to out if out != NULL). */
static inline int irc_expect(irc_client *c, const char *needle, char *out, size_t outlen,
                             int64_t timeout_ms)
{
    int64_t deadline = np_now_ms() + timeout_ms;
    char line[4096];
    for (;;) {
        int64_t left = deadline - np_now_ms();
        if (left <= 0 || irc_readline(c, line, sizeof line, left) != NP_OK) {
            printf("  %s: no line with \"%s\"\n", c->nick, needle);
            return 0;
        }
        if (strncmp(line, "PING ", 5) == 0)
            irc_send(c, "PONG %s", line + 5);
        if (strstr(line, needle)) {
            if (out)
                irc_copy(out, outlen, line);
            return 1;
        }
    }
}

/* 1 once the server has closed the connection (within timeout_ms). */
static inline int irc_expect_eof(irc_client *c, int64_t timeout_ms)
{
    int64_t deadline = np_now_ms() + timeout_ms;
    char line[4096];
    while (np_now_ms() < deadline) {
        np_err err = irc_readline(c, line, sizeof line, deadline - np_now_ms());
        if (err == NP_EEOF)
            return 1;
        if (err != NP_OK)
            break;
    }
    printf("  %s: connection still open\n", c->nick);
    return 0;
}

/* Connect and register as nick; 1 once the welcome burst is over. */
static inline int irc_register(irc_client *c, unsigned port, const char *nick)
{
    char line[512];
    if (irc_open(c, port) != NP_OK) {
        printf("  cannot connect to port %u\n", port);
        return 0;
    }
    snprintf(c->nick, sizeof c->nick, "%s", nick);
    if (irc_send(c, "NICK %s", nick) != NP_OK || irc_send(c, "USER %s 0 * :%s", nick, nick))
        return 0;
    if (!irc_expect(c, " 001 ", line, sizeof line, 20000))
        return 0;
    /* The burst ends with the MOTD, or the lack of one. */
    while (irc_readline(c, line, sizeof line, 20000) == NP_OK)
        if (strstr(line, " 376 ") || strstr(line, " 422 "))
            return 1;
    return 0;
}

static inline int irc_join(irc_client *c, const char *chan)
{
    return irc_send(c, "JOIN %s", chan) == NP_OK && irc_expect(c, " 366 ", NULL, 0, 20000);
}

#endif /* NT_INTEROP_IRC_CLIENT_H */
