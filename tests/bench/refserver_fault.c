/* The reference server's self-check fault (see refserver_fault.h). */
#include "refserver_fault.h"

#include <stdlib.h>
#include <string.h>

int ref_fault_parse(ref_fault *f, const char *spec)
{
    const char *colon = strchr(spec, ':');
    memset(f, 0, sizeof *f);
    if (!colon || atoi(colon + 1) < 1)
        return 0;
    if (strncmp(spec, "drop:", 5) == 0)
        f->kind = REF_FAULT_DROP;
    else if (strncmp(spec, "dup:", 4) == 0)
        f->kind = REF_FAULT_DUP;
    else if (strncmp(spec, "late:", 5) == 0)
        f->kind = REF_FAULT_LATE;
    else
        return 0;
    f->every = (unsigned)atoi(colon + 1);
    return 1;
}

/* Both lines have the same source (":nick!user@host "). */
static int same_source(const char *a, size_t alen, const char *b, size_t blen)
{
    const char *sp = memchr(a, ' ', alen);
    size_t n = sp ? (size_t)(sp - a) : alen;
    return blen > n && memcmp(a, b, n + 1) == 0;
}

static int is_privmsg(const char *line, size_t len)
{
    const char *sp = memchr(line, ' ', len);
    return sp && (size_t)(line + len - sp) > 9 && memcmp(sp, " PRIVMSG ", 9) == 0;
}

int ref_fault_apply(ref_fault *f, const void *to, const char *line, size_t len,
                    const char *piece[2], size_t piece_len[2])
{
    int n = 0;
    if (!is_privmsg(line, len)) {
        piece[0] = line;
        piece_len[0] = len;
        return 1;
    }
    f->seen++;
    if (f->kind == REF_FAULT_LATE && f->held_for == to &&
        same_source(f->held, f->held_len, line, len)) {
        /* The sender's next line: it, then the one held back. */
        piece[0] = line;
        piece_len[0] = len;
        piece[1] = f->held;
        piece_len[1] = f->held_len;
        f->held_for = NULL;
        return 2;
    }
    if (f->seen % f->every != 0) {
        piece[0] = line;
        piece_len[0] = len;
        return 1;
    }
    switch (f->kind) {
    case REF_FAULT_DROP:
        return 0;
    case REF_FAULT_DUP:
        piece[n] = line;
        piece_len[n++] = len;
        piece[n] = line;
        piece_len[n++] = len;
        return n;
    default:
        if (f->held_for || len > sizeof f->held) {
            piece[0] = line;
            piece_len[0] = len;
            return 1;
        }
        memcpy(f->held, line, len);
        f->held_len = len;
        f->held_for = to;
        return 0;
    }
}
