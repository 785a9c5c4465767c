/* Per-sender sequence checking: what one receiver has seen of one sender's
 * numbered messages (1, 2, 3 ...). A 64-message window tells a duplicate (seen
 * before) from a late arrival that fills a gap (out of order); messages never
 * seen are counted as lost by the caller, from how many were sent. */
#ifndef BENCH_SEQ_CHECK_H
#define BENCH_SEQ_CHECK_H

#include <stdint.h>

typedef struct seq_track {
    uint32_t last;      /* highest sequence number seen (0: none) */
    uint32_t spare;
    uint64_t seen;      /* bit i: last - i has been seen */
} seq_track;

typedef enum seq_verdict {
    SEQ_IN_ORDER = 0,   /* last + 1, or a jump ahead over a gap */
    SEQ_REORDERED,      /* new, but after a later one (filled a gap) */
    SEQ_DUPLICATE       /* seen before */
} seq_verdict;

/* Record sequence number q (>= 1). */
static inline seq_verdict seq_check(seq_track *t, uint32_t q)
{
    if (q > t->last) {
        uint32_t step = q - t->last;
        t->seen = step >= 64 ? 1 : (t->seen << step) | 1;
        t->last = q;
        return SEQ_IN_ORDER;
    } else {
        uint32_t d = t->last - q;
        uint64_t bit;
        if (q == 0)
            return SEQ_DUPLICATE;
        if (d >= 64)
            return SEQ_REORDERED;   /* too old to tell: out of order either way */
        bit = (uint64_t)1 << d;
        if (t->seen & bit)
            return SEQ_DUPLICATE;
        t->seen |= bit;
        return SEQ_REORDERED;
    }
}

#endif
