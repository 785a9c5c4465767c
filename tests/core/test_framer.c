/* libnatter: the line framer — the same lines however the bytes are split,
 * every line ending, empty lines, and overlong lines reported once. */
#include "np_test.h"

#include <natter/msg.h>

/* What a framer produced: lines joined with '|', overflows as '!'. */
typedef struct collected {
    char text[16 * NT_FRAME_MAX];
    size_t len;
    int lines, overflows, bad;
} collected;

static nt_framer g_f;
static collected g_got;

static void add_text(collected *c, const char *s, size_t n)
{
    if (c->len + n + 1 >= sizeof c->text) {
        c->bad = 1;
        return;
    }
    memcpy(c->text + c->len, s, n);
    c->len += n;
    c->text[c->len] = '\0';
}

/* Take every line held. */
static void drain(nt_framer *f, collected *c)
{
    const char *line;
    size_t len;
    nt_frame_result r;
    while ((r = nt_framer_next(f, &line, &len)) != NT_FRAME_NEED_MORE) {
        if (r == NT_FRAME_OVERFLOW) {
            c->overflows++;
            add_text(c, "!", 1);
            continue;
        }
        /* A line is never empty, holds no line end, and is a C string. */
        if (len == 0 || memchr(line, '\r', len) || memchr(line, '\n', len) || line[len] != '\0')
            c->bad = 1;
        c->lines++;
        add_text(c, line, len);
        add_text(c, "|", 1);
    }
}

/* Feed all of data (the framer may take it in parts), draining as we go. */
static void feed_all(nt_framer *f, collected *c, const char *data, size_t n)
{
    while (n > 0) {
        size_t took = nt_framer_feed(f, data, n);
        drain(f, c);
        /* Full, and next() freed nothing: a caller would spin. */
        if (took == 0 && (took = nt_framer_feed(f, data, n)) == 0) {
            c->bad = 1;
            return;
        }
        data += took;
        n -= took;
    }
    drain(f, c);
}

static void feed_str(const char *s)
{
    feed_all(&g_f, &g_got, s, strlen(s));
}

static void reset(void)
{
    nt_framer_free(&g_f);
    memset(&g_got, 0, sizeof g_got);
}

static const char g_mixed[] =
    "PING a\r\nPRIVMSG #b :hi there\n\rNOTICE x\r\r\n\n\nlast one\r"
    "\nJOIN #c\n:s 001 me :w\r\n";
static const char g_mixed_want[] =
    "PING a|PRIVMSG #b :hi there|NOTICE x|last one|JOIN #c|:s 001 me :w|";

static void test_line_endings(void)
{
    reset();
    feed_str("a\rb\nc\r\nd\n\re\r\n\r\n\n\n\r\rf");
    CHECK_STR(g_got.text, "a|b|c|d|e|");
    CHECK_INT(g_got.lines, 5);
    CHECK(!g_got.bad);
    /* "f" has no ending yet. */
    feed_str("\n");
    CHECK_STR(g_got.text, "a|b|c|d|e|f|");
    /* Only line ends: nothing. */
    reset();
    feed_str("\r\n\r\n\n\r\r");
    CHECK_INT(g_got.len, 0);
    /* A CR ending, then its LF in a later feed: one line end, no empty line
     * (and the LF does not glue onto the next line). */
    reset();
    feed_str("x\r");
    CHECK_STR(g_got.text, "x|");
    feed_str("\n");
    feed_str("y\n");
    CHECK_STR(g_got.text, "x|y|");
    CHECK(g_f.skip_lf == 0);
}

/* Every way to cut the input in two and in three gives the same lines. */
static void test_every_split(void)
{
    size_t n = sizeof g_mixed - 1, i, j;
    for (i = 0; i <= n; i++) {
        reset();
        feed_all(&g_f, &g_got, g_mixed, i);
        feed_all(&g_f, &g_got, g_mixed + i, n - i);
        CHECK_MSG(strcmp(g_got.text, g_mixed_want) == 0 && !g_got.bad,
                  "split at %u: \"%s\"", (unsigned)i, g_got.text);
    }
    for (i = 0; i <= n; i++) {
        for (j = i; j <= n; j++) {
            reset();
            feed_all(&g_f, &g_got, g_mixed, i);
            feed_all(&g_f, &g_got, g_mixed + i, j - i);
            feed_all(&g_f, &g_got, g_mixed + j, n - j);
            CHECK_MSG(strcmp(g_got.text, g_mixed_want) == 0 && !g_got.bad,
                      "split at %u and %u: \"%s\"", (unsigned)i, (unsigned)j, g_got.text);
        }
    }
    /* A byte at a time. */
    reset();
    for (i = 0; i < n; i++)
        feed_all(&g_f, &g_got, g_mixed + i, 1);
    CHECK_STR(g_got.text, g_mixed_want);
}

/* Lines are read without draining between feeds until the buffer is full:
 * feed takes what fits, and the rest goes in after the lines are taken. */
static void test_full_buffer(void)
{
    static char data[3 * NT_FRAME_MAX];
    size_t n = 0, off = 0, took;
    int lines = 0;
    while (n + 20 < sizeof data)
        n += (size_t)sprintf(data + n, "PRIVMSG #a :%05d\r\n", lines++);
    reset();
    while (off < n) {
        took = nt_framer_feed(&g_f, data + off, n - off);
        if (took < n - off)
            CHECK(g_f.len == NT_FRAME_BUF_MAX);   /* fewer only when full */
        off += took;
        drain(&g_f, &g_got);
    }
    CHECK_INT(g_got.lines, lines);
    CHECK_INT(g_got.overflows, 0);
    CHECK(memcmp(g_got.text, "PRIVMSG #a :00000|PRIVMSG #a :00001|", 36) == 0);
}

static void test_overflow_boundary(void)
{
    static char data[NT_FRAME_MAX + 16];
    const char *line;
    size_t len;
    /* Exactly NT_FRAME_MAX bytes, then the ending: a line. */
    memset(data, 'x', NT_FRAME_MAX);
    reset();
    CHECK_INT(nt_framer_feed(&g_f, data, NT_FRAME_MAX), NT_FRAME_MAX);
    CHECK_INT(nt_framer_next(&g_f, &line, &len), NT_FRAME_NEED_MORE);
    CHECK_INT(nt_framer_feed(&g_f, "\r\n", 2), 1);   /* the LF does not fit yet */
    CHECK_INT(nt_framer_next(&g_f, &line, &len), NT_FRAME_LINE);
    CHECK_INT(len, NT_FRAME_MAX);
    CHECK(line[0] == 'x' && line[NT_FRAME_MAX - 1] == 'x');
    CHECK_INT(nt_framer_next(&g_f, &line, &len), NT_FRAME_NEED_MORE);
    CHECK_INT(nt_framer_feed(&g_f, "\nPING\n", 6), 6);
    CHECK_INT(nt_framer_next(&g_f, &line, &len), NT_FRAME_LINE);
    CHECK_STR(line, "PING");

    /* NT_FRAME_MAX bytes after a short line still in the buffer. */
    reset();
    CHECK_INT(nt_framer_feed(&g_f, "AB\n", 3), 3);
    feed_all(&g_f, &g_got, data, NT_FRAME_MAX);
    feed_all(&g_f, &g_got, "\n", 1);
    CHECK_INT(g_got.lines, 2);
    CHECK_INT(g_got.overflows, 0);
    CHECK_INT(g_got.len, 3 + NT_FRAME_MAX + 1);

    /* One byte more: an overflow, once, then the next line. */
    reset();
    feed_all(&g_f, &g_got, data, NT_FRAME_MAX + 1);
    CHECK_INT(g_got.overflows, 1);
    CHECK_INT(g_got.lines, 0);
    feed_str("xxxx\r");
    feed_str("\nPING ok\r\n");
    CHECK_STR(g_got.text, "!PING ok|");
    CHECK(!g_got.bad);

    /* The same with the ending in the same feed. */
    reset();
    memcpy(data + NT_FRAME_MAX + 1, "\nQUIT\n", 6);
    feed_all(&g_f, &g_got, data, NT_FRAME_MAX + 7);
    CHECK_STR(g_got.text, "!QUIT|");
}

/* A peer sends 100 KiB without a line end: one overflow, nothing else, and
 * the line after it comes through. */
static void test_huge_line(void)
{
    static char chunk[4099];
    size_t sent = 0, n;
    int i = 0;
    memset(chunk, 'z', sizeof chunk);
    reset();
    while (sent < 100 * 1024) {
        n = 1 + (size_t)(i++ * 977) % sizeof chunk;   /* uneven pieces */
        feed_all(&g_f, &g_got, chunk, n);
        sent += n;
        CHECK(g_f.len <= NT_FRAME_MAX + 1);
    }
    CHECK_INT(g_got.overflows, 1);
    CHECK_INT(g_got.lines, 0);
    feed_str("zzz\nPRIVMSG #a :back\n");
    CHECK_STR(g_got.text, "!PRIVMSG #a :back|");
    /* And a second overlong line is reported again. */
    for (sent = 0; sent < 20000; sent += sizeof chunk)
        feed_all(&g_f, &g_got, chunk, sizeof chunk);
    feed_str("\rNICK x\r");
    CHECK_STR(g_got.text, "!PRIVMSG #a :back|!NICK x|");
    CHECK_INT(g_got.overflows, 2);
}

/* A long line a byte at a time, with a next() after every byte: linear time,
 * because the framer does not search the held bytes again. Many such lines
 * must go through quickly (the test timeout catches a quadratic framer). */
static void test_byte_at_a_time(void)
{
    static char data[NT_FRAME_MAX];
    size_t i;
    int k;
    memset(data, 'q', sizeof data);
    data[sizeof data - 1] = '\n';
    reset();
    for (k = 0; k < 200; k++)
        for (i = 0; i < sizeof data; i++) {
            CHECK(nt_framer_feed(&g_f, data + i, 1) == 1);
            drain(&g_f, &g_got);
            g_got.len = 0;   /* keep only the counts */
        }
    CHECK_INT(g_got.lines, 200);
    CHECK_INT(g_got.overflows, 0);
    CHECK(!g_got.bad);
}

/* Pseudo-random bytes, split at random: the lines equal a reference split. */
static void test_random_splits(void)
{
    static char data[60000];
    static collected want;
    unsigned long rng = 99;
    size_t i, off;
    int round;
    for (i = 0; i < sizeof data; i++) {
        rng = rng * 1103515245UL + 12345UL;
        data[i] = "ab \r\n\r\n:x"[(rng >> 16) % 9];
    }
    /* Runs of one line end-free byte: under, at and over NT_FRAME_MAX. */
    memset(data + 5000, 'L', 9000);
    memset(data + 20000, 'L', NT_FRAME_MAX);
    memset(data + 35000, 'L', NT_FRAME_MAX + 1);
    memset(data + 45000, 'L', NT_FRAME_MAX - 1);
    memset(&want, 0, sizeof want);
    nt_framer_free(&g_f);
    feed_all(&g_f, &want, data, sizeof data);
    CHECK(!want.bad);
    CHECK(want.overflows >= 2);
    for (round = 0; round < 50; round++) {
        reset();
        for (off = 0; off < sizeof data;) {
            size_t n;
            rng = rng * 1103515245UL + 12345UL;
            n = 1 + (rng >> 16) % (round < 25 ? 16 : 3000);
            if (n > sizeof data - off)
                n = sizeof data - off;
            feed_all(&g_f, &g_got, data + off, n);
            off += n;
        }
        CHECK(!g_got.bad);
        CHECK_INT(g_got.lines, want.lines);
        CHECK_INT(g_got.overflows, want.overflows);
        CHECK(g_got.len == want.len && memcmp(g_got.text, want.text, want.len) == 0);
    }
}

/* Memory on demand: nothing until bytes come, a small buffer for chat lines,
 * growth only for a long line, and nt_framer_trim gives it back whenever no
 * partial line is held. */
static void test_buffer_on_demand(void)
{
    static char big[3000];
    reset();
    CHECK(g_f.buf == NULL && g_f.cap == 0);
    CHECK(nt_framer_trim(&g_f) == 1);
    feed_str("PRIVMSG #a :hi\r\nPING x\r\n");
    CHECK_STR(g_got.text, "PRIVMSG #a :hi|PING x|");
    CHECK(g_f.buf != NULL && g_f.cap <= 512);        /* kept for the next lines */
    CHECK(nt_framer_trim(&g_f) == 1);
    CHECK(g_f.buf == NULL && g_f.cap == 0);
    feed_str("NICK al");
    CHECK(nt_framer_trim(&g_f) == 0);                /* a partial line keeps it */
    CHECK(g_f.buf != NULL);
    feed_str("ice\r\n");
    CHECK_STR(g_got.text, "PRIVMSG #a :hi|PING x|NICK alice|");
    memset(big, 'b', sizeof big);
    feed_all(&g_f, &g_got, big, sizeof big);
    CHECK(g_f.cap >= sizeof big && g_f.cap <= NT_FRAME_BUF_MAX);
    feed_str("\n");
    CHECK_INT(g_got.lines, 4);
    CHECK(nt_framer_trim(&g_f) == 1 && g_f.buf == NULL);
    /* A CR ending whose LF may still come: nothing held, the state kept. */
    feed_str("QUIT\r");
    CHECK(nt_framer_trim(&g_f) == 1 && g_f.skip_lf == 1);
    feed_str("\nJOIN #b\n");
    CHECK_STR(g_got.text + g_got.len - 13, "QUIT|JOIN #b|");
    nt_framer_free(&g_f);
    CHECK(g_f.buf == NULL && g_f.skip_lf == 0);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_line_endings);
    RUN(test_every_split);
    RUN(test_full_buffer);
    RUN(test_overflow_boundary);
    RUN(test_huge_line);
    RUN(test_byte_at_a_time);
    RUN(test_buffer_on_demand);
    RUN(test_random_splits);
    return NP_TEST_DONE();
}
