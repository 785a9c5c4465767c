/* libnp internal: the native-error tables behind np_err_from_native().
 *
 * Each platform directory defines one table (posix/error_table.c for errno,
 * win32/error_table.c for WSAGetLastError()/GetLastError()/CRT errno values),
 * so error.c stays free of #ifdefs and a reader finds a platform's whole
 * mapping in one file. Within a table every `native` value appears once
 * (aliases such as EWOULDBLOCK are listed only where they differ from their
 * twin), so a linear search for a value finds its one name and code. */
#ifndef NP_ERROR_TABLE_H
#define NP_ERROR_TABLE_H

#include <stddef.h>
#include "np/error.h"

struct np_native_map {
    long native;        /* errno / WSA / Win32 error value */
    np_err err;         /* its portable code */
    const char *name;   /* the native symbolic name, e.g. "ECONNREFUSED" */
};

extern const struct np_native_map np_native_errors[];
extern const size_t np_native_errors_count;

#endif /* NP_ERROR_TABLE_H */
