/* libnp, Windows: monotonic clock and sleep. */
#include "np_internal.h"

int64_t np_now_us(void)
{
    static LARGE_INTEGER freq;   /* constant after boot: racing first calls agree */
    LARGE_INTEGER now;
    if (freq.QuadPart == 0)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    return (int64_t)(now.QuadPart / freq.QuadPart) * 1000000 +
           (int64_t)(now.QuadPart % freq.QuadPart) * 1000000 / freq.QuadPart;
}

int64_t np_now_ms(void)
{
    return np_now_us() / 1000;
}

void np_sleep_ms(int64_t ms)
{
    int64_t deadline = np_now_ms() + ms;
    int64_t left;
    /* Sleep can return a little early with the default timer resolution. */
    while ((left = deadline - np_now_ms()) > 0)
        Sleep((DWORD)(left > 0x7fffffff ? 0x7fffffff : left));
}

int64_t np_wall_ms(void)
{
    /* FILETIME counts 100 ns intervals since 1601-01-01. */
    FILETIME ft;
    ULARGE_INTEGER t;
    GetSystemTimeAsFileTime(&ft);
    t.LowPart = ft.dwLowDateTime;
    t.HighPart = ft.dwHighDateTime;
    return (int64_t)(t.QuadPart / 10000) - INT64_C(11644473600000);
}
