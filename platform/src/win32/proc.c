/* libnp, Windows: process helpers (np/proc.h). There is no fork() here, so only
 * np_getpid exists; process-per-connection code is not compiled. */
#include "np_internal.h"

long np_getpid(void)
{
    return (long)GetCurrentProcessId();
}
