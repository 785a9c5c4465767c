/* np_testkit: facts about the platform the tests run on (Windows side). */
#include <windows.h>
#include "np_test.h"

int np_test_under_wine(void)
{
    /* Wine's ntdll exports wine_get_version; real Windows does not. */
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

const char *np_test_exe_suffix(void)
{
    return ".exe";
}
