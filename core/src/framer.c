/* libnatter: lines out of a byte stream (the framing half of natter/msg.h).
 *
 * Linear in the bytes fed, however they are split: `scan` remembers how far
 * the held bytes were searched, so a line fed a byte at a time is searched
 * once, and the buffer is compacted only when new bytes do not fit at its end,
 * which moves each byte at most once (moved bytes land at the front, where the
 * next compaction cannot reach them before they are read). */
#include "natter/msg.h"

#include <string.h>

void nt_framer_init(nt_framer *f)
{
    f->len = 0;
    f->start = 0;
    f->scan = 0;
    f->skip_lf = 0;
    f->discarding = 0;
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

size_t nt_framer_feed(nt_framer *f, const char *data, size_t len)
{
    size_t room;
    if (f->start == f->len) {
        /* Everything was read: start over at the front for free. */
        f->start = f->len = f->scan = 0;
    } else if (len > sizeof f->buf - f->len && f->start > 0) {
        compact(f);
    }
    room = sizeof f->buf - f->len;
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
