/* libnp: the readiness poller, shared part.
 *
 * Everything that does not depend on the OS API lives here: the registration
 * table, argument checks, the EINTR/deadline loop around the backend's wait,
 * fault injection and the collapsing of wake-ups. See poll_backend.h. */
#include "poll_backend.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- registration table ---------------------------------------------------
 * Open addressing with linear probing and backward-shift deletion: O(1)
 * lookups with no tombstones, so a long-lived poller with churn stays fast.
 * Keys are OS handles; Fibonacci hashing spreads Windows SOCKET values (which
 * are multiples of 4) as well as small POSIX descriptors. */

#define NP_POLL_TABLE_MIN 16

static size_t table_home(const np_poll_table *t, np_os_socket fd)
{
    uint64_t h = (uint64_t)fd * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> t->shift);
}

np_poll_reg *np_poll_table_find(np_poll_table *t, np_os_socket fd)
{
    size_t i, mask;
    if (t->cap == 0) return NULL;
    mask = t->cap - 1;
    for (i = table_home(t, fd); t->slots[i].sock != NULL; i = (i + 1) & mask)
        if (t->slots[i].fd == fd) return &t->slots[i];
    return NULL;
}

/* Place r in a table known to have room and not to hold r->fd. */
static np_poll_reg *table_place(np_poll_table *t, const np_poll_reg *r)
{
    size_t mask = t->cap - 1, i = table_home(t, r->fd);
    while (t->slots[i].sock != NULL) i = (i + 1) & mask;
    t->slots[i] = *r;
    t->count++;
    return &t->slots[i];
}

static np_err table_resize(np_poll_table *t, size_t cap)
{
    np_poll_table bigger;
    size_t i;
    unsigned bits = 0;
    while (((size_t)1 << bits) < cap) bits++;
    bigger.slots = calloc(cap, sizeof *bigger.slots);
    if (!bigger.slots) return np_err_record(NP_ENOMEM, 0);
    bigger.cap = cap;
    bigger.shift = 64u - bits;
    bigger.count = 0;
    for (i = 0; i < t->cap; i++)
        if (t->slots[i].sock != NULL) table_place(&bigger, &t->slots[i]);
    free(t->slots);
    *t = bigger;
    return NP_OK;
}

/* Keep the load at or under three quarters: probe runs stay short (about
 * two slots on a hit) and a server with 10,000 sockets spends under 80 bytes
 * a socket on the table. */
static np_err table_reserve_one(np_poll_table *t)
{
    if ((size_t)(t->count + 1) * 4 <= t->cap * 3) return NP_OK;
    return table_resize(t, t->cap ? t->cap * 2 : NP_POLL_TABLE_MIN);
}

static void table_delete(np_poll_table *t, np_poll_reg *r)
{
    size_t mask = t->cap - 1, hole = (size_t)(r - t->slots), i = hole;
    /* Backward shift: pull later members of the probe run into the hole
     * unless their home lies cyclically in (hole, i]. */
    for (;;) {
        size_t home;
        i = (i + 1) & mask;
        if (t->slots[i].sock == NULL) break;
        home = table_home(t, t->slots[i].fd);
        if (((i - home) & mask) >= ((i - hole) & mask)) {
            t->slots[hole] = t->slots[i];
            hole = i;
        }
    }
    memset(&t->slots[hole], 0, sizeof t->slots[hole]);
    t->count--;
}

/* ---- helpers for backends --------------------------------------------------- */

np_err np_poll_os_error(long native)
{
    np_err err = np_err_from_native(native);
    if (err != NP_EINTR) np_err_record(err, native);
    return err;
}

const char *np_poll_events_str(unsigned events, char *buf, size_t len)
{
    static const char *const names[] = { "IN", "OUT", "ERR", "HUP" };
    size_t used = 0, i;
    if (len == 0) return buf;
    buf[0] = '\0';
    for (i = 0; i < 4; i++) {
        if (!(events & (1u << i))) continue;
        used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
                                 used ? "|" : "", names[i]);
        if (used >= len) return buf;
    }
    if (used == 0) snprintf(buf, len, "0");
    return buf;
}

int np_poll_emit(np_poller *p, np_poll_reg *r, unsigned ready,
                 np_poll_event *ev, int max, int *n)
{
    ready = np_poll_mask(r, ready);
    if (ready == 0) return 1;
    if (r->gen == p->gen && r->out < *n && ev[r->out].sock == r->sock) {
        /* already in this wait's output */
        ev[r->out].events |= ready;
        return 1;
    }
    if (*n >= max) return 0;
    r->gen = p->gen;
    r->out = *n;
    ev[*n].sock = r->sock;
    ev[*n].events = ready;
    ev[*n].data = r->data;
    (*n)++;
    return 1;
}

np_poll_reg *np_poll_ready_reg(np_poller *p, np_os_socket fd, int *woken)
{
    if (fd == p->wake.rfd) {
        np_poll_wake_drain(&p->wake);
        *woken = 1;
        return NULL;
    }
    return np_poll_table_find(&p->table, fd);
}

#if NP_HAVE_EPOLL || NP_HAVE_KQUEUE
void *np_poll_reserve(void *buf, int *buf_len, int want, size_t size)
{
    void *grown;
    if (want <= *buf_len) return buf;
    grown = realloc(buf, (size_t)want * size);
    if (!grown) {
        np_err_record(NP_ENOMEM, 0);
        return NULL;
    }
    *buf_len = want;
    return grown;
}

void np_poll_kernel_close(np_poller *p, int kfd, void *buf)
{
    close(kfd);
    free(buf);
    free(p->impl);
    p->impl = NULL;
}
#endif

/* ---- backends ------------------------------------------------------------- */

static const np_poll_backend *const backends[] = {
#if NP_HAVE_EPOLL
    &np_poll_backend_epoll,
#endif
#if NP_HAVE_KQUEUE
    &np_poll_backend_kqueue,
#endif
#if !defined(_WIN32)
    &np_poll_backend_poll,
#else
    &np_poll_backend_wsapoll,
#endif
};

static const np_poll_backend *backend_named(const char *name)
{
    size_t i;
    if (name == NULL) return backends[0];   /* the best one comes first */
    for (i = 0; i < sizeof backends / sizeof backends[0]; i++)
        if (strcmp(backends[i]->name, name) == 0) return backends[i];
    return NULL;
}

/* ---- public API ------------------------------------------------------------- */

np_err np_poller_open_backend(const char *name, np_poller **out)
{
    const np_poll_backend *be;
    np_poller *p;
    np_err err;
    if (!out) return np_err_record(NP_EINVAL, 0);
    *out = NULL;
    if (!np_is_initialized()) return np_err_record(NP_ENOTINIT, 0);
    be = backend_named(name);
    if (!be) return np_err_record(NP_EOPNOTSUPP, 0);
    p = calloc(1, sizeof *p);
    if (!p) return np_err_record(NP_ENOMEM, 0);
    p->be = be;
    atomic_init(&p->wake.pending, 0);
    err = np_poll_wake_open(&p->wake, be->pipe_wake);
    if (err == NP_OK) {
        err = be->open(p);
        if (err != NP_OK) np_poll_wake_close(&p->wake);
    }
    if (err != NP_OK) {
        free(p);
        return err;
    }
    *out = p;
    return NP_OK;
}

np_err np_poller_open(np_poller **out)
{
    return np_poller_open_backend(NULL, out);
}

void np_poller_close(np_poller *p)
{
    if (!p) return;
    p->be->close(p);
    np_poll_wake_close(&p->wake);
    free(p->table.slots);
    free(p);
}

#define NP_POLL_ALL (NP_POLL_IN | NP_POLL_OUT | NP_POLL_ERR | NP_POLL_HUP)

/* Common checks; the OS handle of s goes to *fd. ERR and HUP may be passed
 * but are always reported anyway, so they are dropped here. */
static np_err check_args(np_poller *p, np_socket_t s, unsigned *events, np_os_socket *fd)
{
    if (!p || s == NP_INVALID_SOCKET || (*events & ~(unsigned)NP_POLL_ALL))
        return np_err_record(NP_EINVAL, 0);
    *fd = s->fd;
    if (*fd == NP_OS_INVALID_SOCKET) return np_err_record(NP_EBADF, 0);
    *events &= NP_POLL_IN | NP_POLL_OUT;
    return NP_OK;
}

np_err np_poller_add(np_poller *p, np_socket_t s, unsigned events, void *data)
{
    np_poll_reg r, *placed;
    np_os_socket fd;
    np_err err = check_args(p, s, &events, &fd);
    if (err != NP_OK) return err;
    if (np_poll_table_find(&p->table, fd)) return np_err_record(NP_EINVAL, 0);
    err = table_reserve_one(&p->table);
    if (err != NP_OK) return err;
    memset(&r, 0, sizeof r);
    r.fd = fd;
    r.sock = s;
    r.data = data;
    r.events = events;
    r.gen = p->gen - 1u;   /* not part of any wait's output yet */
    placed = table_place(&p->table, &r);
    err = p->be->add(p, placed);
    if (err != NP_OK) table_delete(&p->table, placed);
    return err;
}

np_err np_poller_modify(np_poller *p, np_socket_t s, unsigned events, void *data)
{
    np_poll_reg *r;
    np_os_socket fd;
    unsigned old;
    np_err err = check_args(p, s, &events, &fd);
    if (err != NP_OK) return err;
    r = np_poll_table_find(&p->table, fd);
    if (!r) return np_err_record(NP_ENOENT, 0);
    old = r->events;
    r->events = events;
    err = p->be->modify(p, r, old);
    if (err != NP_OK) {
        r->events = old;
        return err;
    }
    r->data = data;
    r->sock = s;
    return NP_OK;
}

np_err np_poller_remove(np_poller *p, np_socket_t s)
{
    np_poll_reg *r;
    np_os_socket fd;
    unsigned none = 0;
    np_err err = check_args(p, s, &none, &fd);
    if (err != NP_OK) return err;
    r = np_poll_table_find(&p->table, fd);
    if (!r) return np_err_record(NP_ENOENT, 0);
    /* The entry goes whatever the OS says: a socket closed too early has
     * already left the kernel's set, and keeping it would block its reuse. */
    err = p->be->remove(p, r);
    table_delete(&p->table, r);
    return err;
}

/* The backend's timeout for what is left of the deadline, clamped to int. */
static int wait_slice(int64_t deadline)
{
    int64_t left = np_deadline_left(deadline);
    if (left < 0) return -1;
    return left > INT_MAX ? INT_MAX : (int)left;
}

/* One backend wait, or the fault injected in its place. */
static np_err wait_once(np_poller *p, np_poll_event *ev, int max, int ms, int *n, int *woken)
{
    np_err err = NP_OK;
    if (NP_FAULT(NP_FAULT_POLLER_WAIT, &err, NULL)) {
        if (NP_TRACING())
            np_trace_line(-1, 0, err, "np_poller_wait(%s, %d fds, %dms) -> (injected)",
                          p->be->name, p->table.count, ms);
        if (err != NP_EINTR) np_err_record(err, 0);
        return err;
    }
    p->gen++;
    return p->be->wait(p, ev, max, ms, n, woken);
}

np_err np_poller_wait(np_poller *p, np_poll_event *events, int max,
                      int64_t timeout_ms, int *n)
{
    int64_t deadline;
    if (n) *n = 0;
    if (!p || !events || max <= 0 || !n) return np_err_record(NP_EINVAL, 0);
    deadline = np_deadline_after(timeout_ms < 0 ? -1 : timeout_ms);
    for (;;) {
        int woken = 0;
        np_err err = wait_once(p, events, max, wait_slice(deadline), n, &woken);
        if (err != NP_OK && err != NP_EINTR) return err;
        if (err == NP_OK && (*n > 0 || woken)) return NP_OK;
        /* Interrupted, or the OS timer fired a little early (Windows timers
         * are coarser than the monotonic clock) or a clamped slice ran out:
         * wait out the rest, so a timeout is never shorter than asked. */
        *n = 0;
        if (deadline >= 0 && np_deadline_left(deadline) == 0) return NP_OK;
    }
}

np_err np_poller_wakeup(np_poller *p)
{
    /* Only the first wake-up since the last drain touches the OS; the rest
     * collapse into it. */
    np_err err;
    if (!p) return np_err_record(NP_EINVAL, 0);
    if (atomic_exchange(&p->wake.pending, 1) != 0) return NP_OK;
    err = np_poll_wake_signal(&p->wake);
    if (err != NP_OK) atomic_store(&p->wake.pending, 0);   /* let a retry signal again */
    return err;
}

const char *np_poller_backend(const np_poller *p)
{
    return p ? p->be->name : "";
}

int np_poller_count(const np_poller *p)
{
    return p ? p->table.count : 0;
}
