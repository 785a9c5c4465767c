/* libnp, POSIX: monotonic clock and sleep. */
#include "np_internal.h"

#include <time.h>

int64_t np_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t np_now_ms(void)
{
    return np_now_us() / 1000;
}

void np_sleep_ms(int64_t ms)
{
    struct timespec left;
    if (ms <= 0)
        return;
    left.tv_sec = (time_t)(ms / 1000);
    left.tv_nsec = (long)(ms % 1000) * 1000000L;
    /* nanosleep reports the remainder when a signal cuts it short. */
    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        ;
}

int64_t np_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
