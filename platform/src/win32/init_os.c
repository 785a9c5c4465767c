/* libnp, Windows: Winsock start-up done by the first np_init(). */
#include "np_internal.h"

np_err np_os_init(void)
{
    WSADATA data;
    int rc = WSAStartup(MAKEWORD(2, 2), &data);
    if (NP_TRACING())
        np_trace_line(rc, rc, rc ? np_err_from_native(rc) : NP_OK,
                      "np_init() -> WSAStartup(2.2)");
    if (rc != 0)
        return np_err_record(np_err_from_native(rc), rc);
    if (LOBYTE(data.wVersion) != 2 || HIBYTE(data.wVersion) != 2) {
        WSACleanup();
        return np_err_record(NP_EOPNOTSUPP, 0);
    }
    return NP_OK;
}

void np_os_cleanup(void)
{
    WSACleanup();
}
