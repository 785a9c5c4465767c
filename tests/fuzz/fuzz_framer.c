/* libFuzzer target for the line framer:
 *     clang -fsanitize=fuzzer,address -Icore/include -Iplatform/include \
 *           tests/fuzz/fuzz_framer.c core/src/framer.c -o fuzz_framer
 * The first byte picks how the rest is cut into feeds; the lines must not
 * depend on the cuts, hold no CR or LF, never be empty or longer than
 * NT_FRAME_MAX, and the buffer must never be full with nothing to take. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <natter/msg.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A running hash of the lines and overflows a framer gave. */
typedef struct tally {
    uint64_t hash;
    size_t lines, overflows;
} tally;

static nt_framer g_f;

static void mix(tally *t, const char *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        t->hash = (t->hash ^ (uint8_t)p[i]) * 1099511628211ULL;
    t->hash = (t->hash ^ 0x100) * 1099511628211ULL;   /* line boundary */
}

static void drain(tally *t)
{
    const char *line;
    size_t len;
    nt_frame_result r;
    while ((r = nt_framer_next(&g_f, &line, &len)) != NT_FRAME_NEED_MORE) {
        if (r == NT_FRAME_OVERFLOW) {
            t->overflows++;
            mix(t, "", 0);
            continue;
        }
        if (len == 0 || len > NT_FRAME_MAX || memchr(line, '\r', len) || memchr(line, '\n', len))
            abort();
        t->lines++;
        mix(t, line, len);
    }
}

/* Feed data in pieces of at most piece bytes (0: all at once). */
static void run(const char *data, size_t size, size_t piece, tally *t)
{
    memset(t, 0, sizeof *t);
    nt_framer_init(&g_f);
    while (size > 0) {
        size_t n = piece && piece < size ? piece : size;
        size_t took = nt_framer_feed(&g_f, data, n);
        drain(t);
        /* Full, and next() freed nothing: a caller would spin. */
        if (took == 0 && (took = nt_framer_feed(&g_f, data, n)) == 0)
            abort();
        data += took;
        size -= took;
    }
    drain(t);
    nt_framer_free(&g_f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tally whole, cut;
    size_t piece;
    if (size == 0)
        return 0;
    piece = 1 + data[0] % 64;
    run((const char *)data + 1, size - 1, 0, &whole);
    run((const char *)data + 1, size - 1, piece, &cut);
    if (whole.hash != cut.hash || whole.lines != cut.lines || whole.overflows != cut.overflows)
        abort();
    return 0;
}
