/* Minimal IRC line parsing (see irc_lite.h). */
#include "irc_lite.h"

int irc_lite_parse(const char *line, size_t len, irc_lite *m)
{
    const char *p = line, *end = line + len, *sp;
    memset(m, 0, sizeof *m);
    if (p < end && *p == '@') {
        if (!(p = memchr(p, ' ', (size_t)(end - p))))
            return 0;
        while (p < end && *p == ' ')
            p++;
    }
    if (p < end && *p == ':') {
        const char *src = p + 1, *bang;
        if (!(sp = memchr(src, ' ', (size_t)(end - src))))
            return 0;
        bang = memchr(src, '!', (size_t)(sp - src));
        m->nick = src;
        m->nick_len = (size_t)((bang ? bang : sp) - src);
        p = sp;
        while (p < end && *p == ' ')
            p++;
    }
    if (p >= end)
        return 0;
    sp = memchr(p, ' ', (size_t)(end - p));
    m->cmd = p;
    m->cmd_len = (size_t)((sp ? sp : end) - p);
    if (!sp)
        return 1;
    p = sp;
    while (p < end && *p == ' ')
        p++;
    if (p >= end)
        return 1;
    if (*p == ':') {
        m->arg = m->text = p + 1;
        m->arg_len = m->text_len = (size_t)(end - p - 1);
        return 1;
    }
    sp = memchr(p, ' ', (size_t)(end - p));
    m->arg = p;
    m->arg_len = (size_t)((sp ? sp : end) - p);
    /* The trailing parameter: the first " :" after the command's first one. */
    for (p = sp; p && p + 1 < end; p = memchr(p + 1, ' ', (size_t)(end - p - 1))) {
        if (p[1] == ':') {
            m->text = p + 2;
            m->text_len = (size_t)(end - p - 2);
            break;
        }
    }
    return 1;
}

const char *irc_lite_param(const char *line, size_t len, const irc_lite *m, int n,
                           size_t *plen)
{
    const char *end = line + len, *p = m->arg;
    if (!p || (m->text && p == m->text))
        return NULL;
    for (int i = 0;; i++) {
        const char *sp;
        if (p >= end || *p == ':')
            return NULL;
        sp = memchr(p, ' ', (size_t)(end - p));
        if (i == n) {
            *plen = (size_t)((sp ? sp : end) - p);
            return p;
        }
        if (!sp)
            return NULL;
        p = sp;
        while (p < end && *p == ' ')
            p++;
    }
}
