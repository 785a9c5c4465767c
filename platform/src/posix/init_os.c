/* libnp, POSIX: process-wide set-up done by the first np_init(). */
#include "np_internal.h"

#include <string.h>

np_err np_os_init(void)
{
    struct sigaction old;
    /* A write to a closed connection raises SIGPIPE, which kills the process by
     * default. libnp sends with MSG_NOSIGNAL (or sets SO_NOSIGPIPE), and as a
     * backstop ignores SIGPIPE, but only if nobody has installed a handler. */
    if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL) {
        struct sigaction ign;
        memset(&ign, 0, sizeof ign);
        ign.sa_handler = SIG_IGN;
        sigemptyset(&ign.sa_mask);
        sigaction(SIGPIPE, &ign, NULL);
    }
    return NP_OK;
}

void np_os_cleanup(void)
{
    /* SIGPIPE stays ignored: restoring it could kill a program that still has
     * sockets open outside libnp. */
}
