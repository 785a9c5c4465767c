/* A log-linear latency histogram in microseconds: exact below 128 µs, then 64
 * buckets per power of two (about 1.6 % wide), up to 2^40 µs. Adding a sample
 * is a few instructions and never allocates, so a benchmark can record every
 * delivery; percentiles come from walking the buckets. */
#ifndef BENCH_LATENCY_HIST_H
#define BENCH_LATENCY_HIST_H

#include <stdint.h>

#define HIST_LINEAR 128          /* values below this have their own bucket */
#define HIST_SUB 64              /* buckets per power of two above it */
#define HIST_MAX_EXP 40          /* 2^40 µs: about 12 days */
#define HIST_BUCKETS (HIST_LINEAR + (HIST_MAX_EXP - 7 + 1) * HIST_SUB)

typedef struct latency_hist {
    uint64_t count;
    int64_t max, min;
    double sum;
    uint64_t bucket[HIST_BUCKETS];
} latency_hist;

void hist_reset(latency_hist *h);
void hist_add(latency_hist *h, int64_t us);
/* Add every sample of src to dst. */
void hist_merge(latency_hist *dst, const latency_hist *src);
/* The value at quantile q (0..1): the upper edge of the bucket that holds it,
 * never above the largest sample. 0 when empty. */
int64_t hist_quantile(const latency_hist *h, double q);
double hist_mean(const latency_hist *h);

#endif
