/* libnatter: the steps every transport's main loop takes the same way —
 * watching the listeners, accepting until the backlog is empty, waiting on
 * the poller, ticking the engine, timeouts, and the start of a shutdown. */
#include "server_internal.h"

np_err nt_srv_watch_listeners(nt_server *srv)
{
    np_err err;
    for (size_t i = 0; i < srv->nlisten; i++)
        if ((err = np_poller_add(srv->poller, srv->listeners[i], NP_POLL_IN, NULL)) != NP_OK)
            return err;
    return NP_OK;
}

void nt_srv_begin_shutdown(nt_server *srv, size_t nconns)
{
    nt_srv_log(srv, NT_LOG_INFO, "shutting down: %u connection(s) to close", (unsigned)nconns);
    for (size_t i = 0; i < srv->nlisten; i++)
        np_poller_remove(srv->poller, srv->listeners[i]);
    srv->accept_resume = 0;   /* removed: nothing to resume */
    nt_engine_shutdown(srv->engine, "Server shutting down", np_wall_ms());
}

static void watch_listeners(nt_server *srv, unsigned events)
{
    for (size_t i = 0; i < srv->nlisten; i++)
        np_poller_modify(srv->poller, srv->listeners[i], events, NULL);
}

void nt_srv_accept_all(nt_server *srv, np_socket_t listener,
                       void (*fn)(void *ctx, np_socket_t s, const np_addr *peer), void *ctx)
{
    if (srv->accept_resume)
        return;   /* a readiness report from before the pause */
    for (;;) {
        np_socket_t s;
        np_addr peer;
        np_err err = np_accept(listener, &s, &peer);
        if (err == NP_EAGAIN)
            return;
        if (err == NP_ECONNABORTED || err == NP_ECONNRESET)
            continue;   /* a client that gave up in the backlog */
        if (err != NP_OK) {
            nt_srv_log(srv, NT_LOG_WARN, "accept: %s", np_strerror(err));
            watch_listeners(srv, 0);
            srv->accept_resume = np_now_ms() + NT_SRV_ACCEPT_PAUSE_MS;
            return;
        }
        fn(ctx, s, &peer);
    }
}

void nt_srv_accept_resume(nt_server *srv, int64_t now)
{
    if (srv->accept_resume && now >= srv->accept_resume) {
        srv->accept_resume = 0;
        watch_listeners(srv, NP_POLL_IN);
    }
}

int64_t nt_srv_accept_timeout(const nt_server *srv, int64_t t)
{
    return srv->accept_resume ? nt_srv_cap_ms(t, NT_SRV_ACCEPT_PAUSE_MS) : t;
}

np_err nt_srv_poll(nt_server *srv, np_poll_event *evs, int max, int64_t timeout_ms, int *n)
{
    np_err err = np_poller_wait(srv->poller, evs, max, timeout_ms, n);
    if (err != NP_OK)
        nt_srv_log(srv, NT_LOG_ERROR, "poller: %s", np_strerror(err));
    return err;
}

int nt_srv_tick_if_due(const nt_server *srv)
{
    int64_t now = np_wall_ms(), next = nt_engine_next_tick(srv->engine);
    if (next < 0 || now < next)
        return 0;
    nt_engine_tick(srv->engine, now);
    return 1;
}

int64_t nt_srv_ms_until(int64_t when)
{
    int64_t t;
    if (when < 0)
        return -1;
    t = when - np_wall_ms();
    return t < 0 ? 0 : t;
}

int64_t nt_srv_cap_ms(int64_t t, int64_t cap)
{
    return cap >= 0 && (t < 0 || t > cap) ? cap : t;
}
