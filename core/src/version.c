/* libnatter: version. */
#include "natter/natter.h"

const char *nt_version(void)
{
    return NATTER_VERSION_STRING;
}
