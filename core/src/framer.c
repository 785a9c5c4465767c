/* libnatter: lines out of a byte stream (the framing half of natter/msg.h).
 *
 * Linear in the bytes fed, however they are split: `scan` remembers how far
 * the held bytes were searched, so a line fed a byte at a time is searched
 * once, and the buffer is compacted only when new bytes do not fit at its end,
 * which moves each byte at most once (moved bytes land at the front, where the
 * next compaction cannot reach them before they are read).
 *
 * Memory on demand: the buffer is allocated with the first bytes, at
 * FRAME_BUF_MIN (a chat line fits), and grows only for long lines or bursts.
 * It stays while the connection is busy — no allocation per line — and its
 * owner gives it back with nt_framer_trim once the connection goes quiet, so
 * ten thousand idle connections hold none. */
#include "natter/msg.h"

#include <stdlib.h>
#include <string.h>

#define FRAME_BUF_MIN 512   /* a whole 512-byte IRC line and its ending, mostly */

void nt_framer_init(nt_framer *f)
{
    memset(f, 0, sizeof *f);
}

void nt_framer_free(nt_framer *f)
{
    free(f->buf);
    nt_framer_init(f);
}

static void compact(nt_framer *f)
{
    size_t held = f->len - f->start;
    if (held > 0)
        memmove(f->buf, f->buf + f->start, held);
    f->scan -= f->start;
    f->start = 0;
    f->len = held;
}

/* Room for want more bytes at the end, growing by doubling up to
 * NT_FRAME_BUF_MAX: how many fit (0 only when full or out of memory). */
static size_t make_room(nt_framer *f, size_t want)
{
    size_t need, cap;
    char *p;
    if (want > NT_FRAME_BUF_MAX - f->len)
        want = NT_FRAME_BUF_MAX - f->len;
    need = f->len + want;
    if (need <= f->cap)
        return want;
    cap = f->cap ? f->cap : FRAME_BUF_MIN;
    while (cap < need)
        cap *= 2;
    if (cap > NT_FRAME_BUF_MAX)
        cap = NT_FRAME_BUF_MAX;
    if (!(p = realloc(f->buf, cap)))
        return f->cap - f->len;
    f->buf = p;
    f->cap = cap;
    return want;
}

size_t nt_framer_feed(nt_framer *f, const char *data, size_t len)
{
    size_t room;
    if (f->lost)
        return len;   /* dropped until the overflow is reported */
    if (f->start == f->len) {
        /* Everything was read: start over at the front for free. */
        f->start = f->len = f->scan = 0;
    } else if (len > f->cap - f->len && f->start > 0) {
        compact(f);
    }
    room = make_room(f, len);
    if (room == 0 && len > 0 && f->len < NT_FRAME_BUF_MAX) {
        /* Not full, yet nothing fits: out of memory. Say so through
         * nt_framer_next rather than leave the caller feeding forever. */
        f->lost = 1;
        f->start = f->len = f->scan = 0;
        return len;
    }
    if (len > room)
        len = room;
    if (len > 0)
        memcpy(f->buf + f->len, data, len);
    f->len += len;
    return len;
}

/* Index of the first CR or LF at or after from, or len when there is none. */
static size_t find_line_end(const nt_framer *f, size_t from)
{
    size_t i;
    for (i = from; i < f->len; i++)
        if (f->buf[i] == '\r' || f->buf[i] == '\n')
            return i;
    return f->len;
}

/* A CR ended the last line: an LF right after it, even one that arrived in a
 * later feed, belongs to the same line end. */
static void drop_lf_after_cr(nt_framer *f)
{
    if (!f->skip_lf || f->start == f->len)
        return;
    if (f->buf[f->start] == '\n')
        f->start++;
    f->skip_lf = 0;
}

int nt_framer_trim(nt_framer *f)
{
    if (f->start != f->len || f->lost)
        return 0;
    free(f->buf);
    f->buf = NULL;
    f->cap = f->start = f->len = f->scan = 0;
    return 1;
}

/* No line end is held. An overlong line is dropped as it arrives; a line that
 * has just outgrown the buffer is reported, once, and dropped from then on. */
static nt_frame_result no_line_end(nt_framer *f)
{
    f->scan = f->len;
    if (f->discarding) {
        f->start = f->len = f->scan = 0;
        return NT_FRAME_NEED_MORE;
    }
    if (f->len - f->start > NT_FRAME_MAX) {
        f->discarding = 1;
        f->start = f->len = f->scan = 0;
        return NT_FRAME_OVERFLOW;
    }
    return NT_FRAME_NEED_MORE;
}

nt_frame_result nt_framer_next(nt_framer *f, const char **line, size_t *len)
{
    if (f->lost) {
        f->lost = 0;
        f->discarding = 1;   /* the line we could not hold is dropped whole */
        return NT_FRAME_OVERFLOW;
    }
    for (;;) {
        size_t begin, end;
        drop_lf_after_cr(f);
        if (f->scan < f->start)
            f->scan = f->start;
        end = find_line_end(f, f->scan);
        if (end == f->len)
            return no_line_end(f);
        begin = f->start;
        f->skip_lf = f->buf[end] == '\r';
        f->start = f->scan = end + 1;
        if (f->discarding) {
            f->discarding = 0;    /* that was the end of the overlong line */
            continue;
        }
        if (end == begin)
            continue;             /* empty line, or the LF of a CR LF pair */
        /* The ending is consumed: a NUL there makes the line a C string too. */
        f->buf[end] = '\0';
        *line = f->buf + begin;
        *len = end - begin;
        return NT_FRAME_LINE;
    }
}
