/* Log-linear latency histogram (see latency_hist.h). */
#include "latency_hist.h"

#include <string.h>

void hist_reset(latency_hist *h)
{
    memset(h, 0, sizeof *h);
}

static int top_bit(uint64_t v)
{
    return 63 - __builtin_clzll(v);
}

static int bucket_of(int64_t us)
{
    uint64_t v = us < 0 ? 0 : (uint64_t)us;
    int e;
    if (v < HIST_LINEAR)
        return (int)v;
    e = top_bit(v);
    if (e > HIST_MAX_EXP)
        return HIST_BUCKETS - 1;
    /* The 6 bits below the top one pick the sub-bucket. */
    return HIST_LINEAR + (e - 7) * HIST_SUB + (int)((v >> (e - 6)) & (HIST_SUB - 1));
}

/* The largest value that falls in bucket b. */
static int64_t bucket_top(int b)
{
    int e, sub;
    if (b < HIST_LINEAR)
        return b;
    e = (b - HIST_LINEAR) / HIST_SUB + 7;
    sub = (b - HIST_LINEAR) % HIST_SUB;
    return (int64_t)(((uint64_t)(HIST_SUB + sub + 1) << (e - 6)) - 1);
}

void hist_add(latency_hist *h, int64_t us)
{
    if (us < 0)
        us = 0;   /* a clock read before the schedule: not a negative latency */
    if (h->count == 0 || us < h->min)
        h->min = us;
    if (us > h->max)
        h->max = us;
    h->count++;
    h->sum += (double)us;
    h->bucket[bucket_of(us)]++;
}

void hist_merge(latency_hist *dst, const latency_hist *src)
{
    if (src->count == 0)
        return;
    if (dst->count == 0 || src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
    dst->count += src->count;
    dst->sum += src->sum;
    for (int i = 0; i < HIST_BUCKETS; i++)
        dst->bucket[i] += src->bucket[i];
}

int64_t hist_quantile(const latency_hist *h, double q)
{
    uint64_t want, seen = 0;
    if (h->count == 0)
        return 0;
    if (q <= 0)
        return h->min;
    want = (uint64_t)(q * (double)h->count + 0.999999);
    if (want < 1)
        want = 1;
    if (want > h->count)
        want = h->count;
    for (int i = 0; i < HIST_BUCKETS; i++) {
        seen += h->bucket[i];
        if (seen >= want) {
            int64_t top = bucket_top(i);
            return top < h->max ? top : h->max;
        }
    }
    return h->max;
}

double hist_mean(const latency_hist *h)
{
    return h->count ? h->sum / (double)h->count : 0.0;
}
