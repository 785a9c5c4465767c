/* libnatter: the server object shared by every transport — listeners, the
 * engine, logging, stop — and the dispatch to the mode that runs it. */
#include "server_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const mode_names[] = {"event", "thread", "fork"};

const char *nt_server_mode_name(nt_server_mode m)
{
    return (unsigned)m < 3 ? mode_names[m] : "unknown";
}

int nt_server_mode_parse(const char *name)
{
    for (int i = 0; name && i < 3; i++)
        if (strcmp(name, mode_names[i]) == 0)
            return i;
    return -1;
}

int nt_server_mode_available(nt_server_mode m)
{
    if (m == NT_MODE_EVENT || m == NT_MODE_THREAD)
        return 1;
    return m == NT_MODE_FORK && NP_HAVE_FORK;
}

void nt_srv_log(const nt_server *srv, nt_log_level level, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    if (!srv->cfg.log || level > srv->cfg.log_level)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    srv->cfg.log(srv->cfg.log_ctx, level, text);
}

const char *nt_srv_loss_reason(np_err err)
{
    switch (err) {
    case NP_OK:
    case NP_EEOF:
        return "Connection closed";
    case NP_ECONNRESET:
    case NP_ECONNABORTED:
    case NP_EPIPE:
        return "Connection reset by peer";
    case NP_ETIMEDOUT:
        return "Connection timed out";
    default:
        return "Read error";
    }
}

static void close_listeners(nt_server *srv)
{
    for (size_t i = 0; i < srv->nlisten; i++) {
        if (srv->listeners[i] != NP_INVALID_SOCKET) {
            np_poller_remove(srv->poller, srv->listeners[i]);
            np_socket_close(srv->listeners[i]);
            srv->listeners[i] = NP_INVALID_SOCKET;
        }
    }
}

np_err nt_server_open(const nt_server_config *cfg, nt_server **out)
{
    nt_server *srv;
    np_err err = NP_OK;
    np_addr def;

    *out = NULL;
    if (!cfg || !nt_server_mode_available(cfg->mode) || cfg->nlisten > NT_SERVER_MAX_LISTEN)
        return NP_EINVAL;
    srv = calloc(1, sizeof *srv);
    if (!srv)
        return NP_ENOMEM;
    srv->cfg = *cfg;
    atomic_init(&srv->stop, 0);
    if (srv->cfg.nlisten == 0) {   /* the documented default */
        np_addr_from_ip("127.0.0.1", 6667, &def);
        srv->cfg.listen[0] = def;
        srv->cfg.nlisten = 1;
    }
    if ((err = np_poller_open(&srv->poller)) != NP_OK) {
        free(srv);
        return err;
    }
    for (size_t i = 0; i < srv->cfg.nlisten; i++) {
        const np_addr *a = &srv->cfg.listen[i];
        char text[80];
        /* An IPv6 listener takes IPv6 only: "[::]:6667" and "0.0.0.0:6667"
         * may then both be given, as with most servers. */
        err = np_tcp_listen(a, NT_SRV_LISTEN_BACKLOG, 0, &srv->listeners[i]);
        if (err == NP_OK)
            err = np_getsockname(srv->listeners[i], &srv->bound[i]);
        if (err == NP_OK)
            err = np_socket_set_blocking(srv->listeners[i], 0);
        srv->nlisten = i + 1;
        if (err != NP_OK) {
            np_addr_format(a, text, sizeof text);
            nt_srv_log(srv, NT_LOG_ERROR, "cannot listen on %s: %s", text, np_strerror(err));
            break;
        }
    }
    if (err == NP_OK && !(srv->engine = nt_engine_new(&srv->cfg.engine, np_wall_ms())))
        err = NP_ENOMEM;
    if (err != NP_OK) {
        nt_server_free(srv);
        return err;
    }
    *out = srv;
    return NP_OK;
}

size_t nt_server_listen_count(const nt_server *srv)
{
    return srv ? srv->nlisten : 0;
}

np_err nt_server_listen_addr(const nt_server *srv, size_t i, np_addr *out)
{
    if (!srv || i >= srv->nlisten || !out)
        return NP_EINVAL;
    *out = srv->bound[i];
    return NP_OK;
}

np_err nt_server_run(nt_server *srv)
{
    np_err err;
    if (!srv)
        return NP_EINVAL;
    nt_srv_log(srv, NT_LOG_INFO, "serving in %s mode (poller %s)",
               nt_server_mode_name(srv->cfg.mode), np_poller_backend(srv->poller));
    switch (srv->cfg.mode) {
    case NT_MODE_EVENT:
        err = nt_run_event(srv);
        break;
    case NT_MODE_THREAD:
        err = nt_run_thread(srv);
        break;
#if NP_HAVE_FORK
    case NT_MODE_FORK:
        err = nt_run_fork(srv);
        break;
#endif
    default:
        err = NP_EOPNOTSUPP;
        break;
    }
    close_listeners(srv);
    nt_srv_log(srv, NT_LOG_INFO, "stopped");
    return err;
}

void nt_server_stop(nt_server *srv)
{
    /* Async-signal-safe: an atomic store and the poller's wake-up write. */
    if (!srv)
        return;
    atomic_store(&srv->stop, 1);
    np_poller_wakeup(srv->poller);
}

void nt_server_free(nt_server *srv)
{
    if (!srv)
        return;
    close_listeners(srv);
    np_poller_close(srv->poller);
    nt_engine_free(srv->engine);
    free(srv);
}
