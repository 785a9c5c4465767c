/* libnatter: server transports — what drives the engine over real sockets.
 *
 *   NT_MODE_EVENT   one thread, np_poller, non-blocking sockets (default).
 *   NT_MODE_THREAD  a thread per connection; the engine behind one lock.
 *   NT_MODE_FORK    a process per connection owning its socket, the parent hub
 *                   owning the engine; they talk over np_socketpair. Only where
 *                   fork exists (NP_HAVE_FORK).
 *
 * All modes enforce SendQ (a slow reader is disconnected with "SendQ
 * exceeded" and never slows anyone else) and line framing (NT_FRAME_MAX). */
#ifndef NATTER_SERVER_H
#define NATTER_SERVER_H

#include <np/np.h>
#include "export.h"
#include "engine.h"

NT_BEGIN_DECLS

typedef enum nt_server_mode {
    NT_MODE_EVENT = 0,
    NT_MODE_THREAD = 1,
    NT_MODE_FORK = 2
} nt_server_mode;

/* "event", "thread", "fork"; parse gives -1 for an unknown name. */
NT_API const char *nt_server_mode_name(nt_server_mode m);
NT_API int nt_server_mode_parse(const char *name);
/* 1 if mode is compiled in on this platform. */
NT_API int nt_server_mode_available(nt_server_mode m);

typedef enum nt_log_level { NT_LOG_ERROR = 0, NT_LOG_WARN, NT_LOG_INFO, NT_LOG_DEBUG } nt_log_level;
typedef void (*nt_log_fn)(void *ctx, nt_log_level level, const char *text);

#define NT_SERVER_MAX_LISTEN 8

typedef struct nt_server_config {
    nt_engine_config engine;
    nt_server_mode mode;
    np_addr listen[NT_SERVER_MAX_LISTEN];
    size_t nlisten;
    nt_log_fn log;               /* NULL: no logging */
    void *log_ctx;
    nt_log_level log_level;
} nt_server_config;

typedef struct nt_server nt_server;

/* Bind every listen address (NP_EADDRINUSE etc. on failure, nothing left
 * open). The server is not running yet. */
NT_API np_err nt_server_open(const nt_server_config *cfg, nt_server **out);
/* The address actually bound (port 0 resolved), i < nt_server_listen_count. */
NT_API size_t nt_server_listen_count(const nt_server *srv);
NT_API np_err nt_server_listen_addr(const nt_server *srv, size_t i, np_addr *out);
/* Serve until nt_server_stop(); then every client gets ERROR and is closed. */
NT_API np_err nt_server_run(nt_server *srv);
/* Ask a running server to stop. Safe from any thread and from a signal
 * handler (it only writes a wake-up). */
NT_API void nt_server_stop(nt_server *srv);
NT_API void nt_server_free(nt_server *srv);

NT_END_DECLS

#endif /* NATTER_SERVER_H */
