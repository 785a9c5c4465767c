/* libnatter: a connection's output as a queue of the engine's own lines.
 *
 * The engine serializes a broadcast once and hands every member a reference
 * to the same nt_line; queueing the reference instead of copying the bytes
 * means a message to 500 members costs 500 pointers, not 500 copies, and the
 * kernel gathers the bytes straight from the shared lines (np_sendv). The ring
 * of pointers is allocated when a line is first queued and grows by doubling;
 * the transport frees it once it has stayed empty for a while, so an idle
 * connection holds nothing. */
#include "server_internal.h"

#include <stdlib.h>
#include <string.h>

#define LINEQ_MIN 16

static int lineq_grow(nt_lineq *q)
{
    size_t cap = q->cap ? q->cap * 2 : LINEQ_MIN;
    nt_line **ring = malloc(cap * sizeof *ring);
    if (!ring)
        return -1;
    /* Unwrap into the new ring: queued lines start at index 0 again. */
    for (size_t i = 0; i < q->n; i++)
        ring[i] = q->ring[(q->head + i) & (q->cap - 1)];
    free(q->ring);
    q->ring = ring;
    q->cap = cap;
    q->head = 0;
    return 0;
}

int nt_lineq_push(nt_lineq *q, nt_line *line, size_t extra, size_t limit)
{
    size_t len = nt_line_len(line);
    if (limit && q->bytes + extra + len > limit)
        return -1;
    if (q->n == q->cap && lineq_grow(q) != 0)
        return -1;
    q->ring[(q->head + q->n) & (q->cap - 1)] = line;
    q->n++;
    q->bytes += len;
    return 0;
}

int nt_lineq_iov(const nt_lineq *q, np_iovec *iov, int max)
{
    int k = 0;
    for (size_t i = 0; i < q->n && k < max; i++, k++) {
        const nt_line *l = q->ring[(q->head + i) & (q->cap - 1)];
        size_t skip = i == 0 ? q->first_off : 0;
        iov[k].base = nt_line_data(l) + skip;
        iov[k].len = nt_line_len(l) - skip;
    }
    return k;
}

void nt_lineq_consume(nt_lineq *q, size_t n)
{
    q->bytes -= n;
    while (n > 0) {
        nt_line *l = q->ring[q->head];
        size_t left = nt_line_len(l) - q->first_off;
        if (n < left) {
            q->first_off += n;
            return;
        }
        n -= left;
        q->first_off = 0;
        q->head = (q->head + 1) & (q->cap - 1);
        q->n--;
        nt_line_unref(l);
    }
}

void nt_lineq_free(nt_lineq *q)
{
    while (q->n > 0) {
        nt_line_unref(q->ring[q->head]);
        q->head = (q->head + 1) & (q->cap - 1);
        q->n--;
    }
    free(q->ring);
    memset(q, 0, sizeof *q);
}
