/* libnp: the pollfd array behind the poll() and WSAPoll() backends.
 *
 * struct pollfd and WSAPOLLFD have the same shape, so one array manager
 * serves both. Registration and removal are O(1) (append, and swap-with-last
 * using the table to fix the moved entry's index); a wait is O(registered),
 * which is what poll() costs anyway. */
#include "poll_backend.h"

#include <stdlib.h>

np_err np_pollset_init(np_pollset *ps, np_os_socket wake_fd, short wake_events)
{
    ps->cap = 16;
    ps->fds = calloc(ps->cap, sizeof *ps->fds);
    if (!ps->fds) return np_err_record(NP_ENOMEM, 0);
    ps->fds[0].fd = wake_fd;
    ps->fds[0].events = wake_events;
    ps->len = 1;
    ps->scan = 0;
    return NP_OK;
}

void np_pollset_free(np_pollset *ps)
{
    free(ps->fds);
    ps->fds = NULL;
    ps->len = ps->cap = 0;
}

np_err np_pollset_add(np_pollset *ps, np_poll_reg *r, short events)
{
    if (ps->len == ps->cap) {
        np_pollfd *grown = realloc(ps->fds, ps->cap * 2 * sizeof *grown);
        if (!grown) return np_err_record(NP_ENOMEM, 0);
        ps->fds = grown;
        ps->cap *= 2;
    }
    ps->fds[ps->len].fd = r->fd;
    ps->fds[ps->len].events = events;
    ps->fds[ps->len].revents = 0;
    r->slot = ps->len++;
    return NP_OK;
}

void np_pollset_remove(np_pollset *ps, np_poller *p, np_poll_reg *r)
{
    size_t last = ps->len - 1;
    if (r->slot != last) {
        np_poll_reg *moved = np_poll_table_find(&p->table, ps->fds[last].fd);
        ps->fds[r->slot] = ps->fds[last];
        if (moved) moved->slot = r->slot;
    }
    ps->len--;
}

void np_pollset_harvest(np_pollset *ps, np_poller *p, unsigned (*to_np)(short revents),
                        np_poll_event *ev, int max, int *n, int *woken)
{
    size_t users = ps->len - 1, i;
    if (ps->fds[0].revents) {
        np_poll_wake_drain(&p->wake);
        *woken = 1;
    }
    if (users == 0) return;
    if (ps->scan >= users) ps->scan = 0;
    /* Start where the last full harvest stopped: with more ready sockets than
     * max, every one still gets its turn. */
    for (i = 0; i < users && *n < max; i++) {
        size_t k = 1 + (ps->scan + i) % users;
        np_poll_reg *r;
        if (!ps->fds[k].revents) continue;
        r = np_poll_table_find(&p->table, ps->fds[k].fd);
        if (r) np_poll_emit(p, r, to_np(ps->fds[k].revents), ev, max, n);
    }
    ps->scan = (ps->scan + i) % users;
}
