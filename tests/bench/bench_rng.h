/* The benchmarks' random numbers (phases, message counts): xorshift64*,
 * seeded from the command line so that a run can be repeated. Nothing here
 * needs to be unpredictable, only well spread. */
#ifndef BENCH_RNG_H
#define BENCH_RNG_H

#include <stdint.h>

static inline uint64_t bench_rng_seed(unsigned seed)
{
    return seed ? seed * 0x9E3779B97F4A7C15ULL : 1;
}

static inline uint64_t bench_rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

#endif
