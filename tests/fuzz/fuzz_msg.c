/* libFuzzer target for the message codec:
 *     clang -fsanitize=fuzzer,address -Icore/include -Iplatform/include \
 *           tests/fuzz/fuzz_msg.c core/src/msg.c -o fuzz_msg
 * Any input: parse never crashes, and whatever parses serializes, re-parses
 * to the same message and serializes to the same bytes (the canonical form is
 * a fixed point). A broken property aborts, which libFuzzer reports. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <natter/msg.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static nt_msg g_a, g_b;
static char g_out[NT_FRAME_MAX + 8], g_out2[NT_FRAME_MAX + 8];

static int same(const nt_msg *a, const nt_msg *b)
{
    size_t i;
    if (a->ntags != b->ntags || a->nparams != b->nparams || strcmp(a->command, b->command))
        return 0;
    if (!a->source != !b->source || (a->source && strcmp(a->source, b->source)))
        return 0;
    for (i = 0; i < a->ntags; i++)
        if (strcmp(a->tags[i].key, b->tags[i].key) || strcmp(a->tags[i].value, b->tags[i].value))
            return 0;
    for (i = 0; i < a->nparams; i++)
        if (strcmp(a->params[i], b->params[i]))
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len, len2;
    if (nt_msg_parse((const char *)data, size, &g_a) != NT_MSG_OK)
        return 0;
    if (nt_msg_serialize(&g_a, g_out, sizeof g_out, &len) != NT_MSG_OK)
        abort();
    if (nt_msg_parse(g_out, len, &g_b) != NT_MSG_OK || !same(&g_a, &g_b))
        abort();
    if (nt_msg_serialize(&g_b, g_out2, sizeof g_out2, &len2) != NT_MSG_OK || len2 != len
        || memcmp(g_out, g_out2, len) != 0)
        abort();
    /* A copy is the same message, and does not lean on the original. */
    nt_msg_copy(&g_b, &g_a);
    memset(&g_a, 0, sizeof g_a);
    if (nt_msg_serialize(&g_b, g_out2, sizeof g_out2, &len2) != NT_MSG_OK || len2 != len
        || memcmp(g_out, g_out2, len) != 0)
        abort();
    return 0;
}
