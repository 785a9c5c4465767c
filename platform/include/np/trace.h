/* libnp: trace mode — which OS call each libnp call became.
 *
 * With NP_TRACE=1 in the environment (read by the first np_init()), or after
 * np_trace_enable(), every libnp call that reaches the OS writes one line:
 *
 *   np_bind(3, 127.0.0.1:6667) -> bind(3, {AF_INET, 127.0.0.1:6667}, 16) = 0
 *   np_connect(4, 127.0.0.1:1) -> connect(4, {AF_INET, 127.0.0.1:1}, 16) = -1 errno=111 ECONNREFUSED -> NP_ECONNREFUSED
 *
 * i.e. the libnp call with its arguments, the OS call with its arguments, the
 * result, and on failure the native code and the portable code. Windows lines
 * name the Winsock call (closesocket, WSASocketW, ioctlsocket...) and WSA codes.
 * Lines go to stderr, or to the file named by NP_TRACE_FILE (appended). Lines
 * from several threads never interleave. */
#ifndef NP_TRACE_H
#define NP_TRACE_H

#include "export.h"
#include "error.h"

NP_BEGIN_DECLS

/* Start tracing to path (appended), or to stderr when path is NULL. */
NP_API np_err np_trace_enable(const char *path);
NP_API void np_trace_disable(void);
NP_API int np_trace_enabled(void);

NP_END_DECLS

#endif /* NP_TRACE_H */
