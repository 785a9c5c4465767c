/* np_testkit: facts about the platform the tests run on (POSIX side). */
#include "np_test.h"

int np_test_under_wine(void)
{
    return 0;
}

const char *np_test_exe_suffix(void)
{
    return "";
}
