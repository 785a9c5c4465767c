/* libnp clock: monotonic time never goes back, sleeps last at least as long as
 * asked (lower bounds only: machines are noisy), wall time is today's. */
#include "np_test.h"

static void test_monotonic_never_goes_back(void)
{
    int64_t prev = np_now_us();
    int i;
    for (i = 0; i < 100000; i++) {
        int64_t now = np_now_us();
        CHECK(now >= prev);
        prev = now;
    }
    CHECK(np_now_ms() >= prev / 1000);
}

static void test_sleep_lasts_at_least(void)
{
    int64_t start = np_now_ms();
    np_sleep_ms(50);
    CHECK(np_now_ms() - start >= 50);
    start = np_now_ms();
    np_sleep_ms(0);
    np_sleep_ms(-5);
    CHECK(np_now_ms() - start < 5000);
}

static void test_wall_clock_is_unix_time(void)
{
    int64_t wall = np_wall_ms();
    /* Between 2020-01-01 and 2100-01-01, in milliseconds. */
    CHECK(wall > INT64_C(1577836800000));
    CHECK(wall < INT64_C(4102444800000));
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_monotonic_never_goes_back);
    RUN(test_sleep_lasts_at_least);
    RUN(test_wall_clock_is_unix_time);
    return NP_TEST_DONE();
}
