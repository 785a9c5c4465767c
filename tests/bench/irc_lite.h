/* Just enough IRC parsing for the load generator, without copying: the source
 * nick, the command, the first parameter and the trailing text of a line, as
 * pointers into it. natter-bench judges servers by what they put on the wire,
 * so it does not use libnatter's parser (and this one costs a few dozen
 * instructions a line, which matters at millions of lines a second). */
#ifndef BENCH_IRC_LITE_H
#define BENCH_IRC_LITE_H

#include <stddef.h>
#include <string.h>

typedef struct irc_lite {
    const char *nick;   /* source up to '!' (or the whole source); NULL if none */
    size_t nick_len;
    const char *cmd;
    size_t cmd_len;
    const char *arg;    /* first parameter (middle or trailing); NULL if none */
    size_t arg_len;
    const char *text;   /* the trailing parameter (after " :"); NULL if none */
    size_t text_len;
} irc_lite;

/* 0 if the line has no command. Tags (@...) are skipped. */
int irc_lite_parse(const char *line, size_t len, irc_lite *m);

/* The command is exactly cmd. */
static inline int irc_lite_is(const irc_lite *m, const char *cmd)
{
    size_t n = strlen(cmd);
    return m->cmd_len == n && memcmp(m->cmd, cmd, n) == 0;
}

/* field (ptr, len) equals the C string s. */
static inline int irc_lite_eq(const char *p, size_t len, const char *s)
{
    size_t n = strlen(s);
    return p && len == n && memcmp(p, s, n) == 0;
}

/* The n-th middle parameter (0 = the first), NULL if there are fewer. */
const char *irc_lite_param(const char *line, size_t len, const irc_lite *m, int n,
                           size_t *plen);

#endif
