/* libnp: the socket core, shared by every platform.
 *
 * Almost all of BSD sockets and Winsock agree once np_sys.h has settled the
 * types, so this file makes the calls directly; only socket creation, close,
 * the non-blocking flag, accept and the readiness wait differ and live in
 * posix/os_socket.c and win32/os_socket.c (see socket_os.h).
 *
 * Timeout modes follow CPython's socketmodule.c: blocking mode keeps the OS
 * socket blocking; non-blocking and timeout mode make it non-blocking, and
 * timeout mode waits for readiness before each call (sock_call below), so a
 * spurious wake-up can never block past the deadline. */
#include "socket_os.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FD(s) NP_TRACE_FD((s)->fd)
#define SEND_FLAGS_TEXT (NP_SYS_SEND_FLAGS ? "MSG_NOSIGNAL" : "0")

/* ---- small helpers ------------------------------------------------------ */

np_os_res np_os_result(int failed)
{
    np_os_res r = { NP_OK, 0 };
    if (failed) {
        r.native = np_sys_last_native();
        r.err = np_err_from_last();
    }
    return r;
}

np_os_res np_os_injected(np_err err)
{
    np_os_res r;
    r.err = np_err_record(err, 0);
    r.native = 0;
    return r;
}

const char *np_socktype_name(int native_type)
{
    if (native_type == SOCK_STREAM)
        return "SOCK_STREAM";
    if (native_type == SOCK_DGRAM)
        return "SOCK_DGRAM";
    return "?";
}

static np_err bad_socket(void)
{
    return np_err_record(NP_EBADF, 0);
}

static np_err bad_arg(void)
{
    return np_err_record(NP_EINVAL, 0);
}

static int addr_ok(const np_addr *a)
{
    return a && a->len > 0 && a->len <= sizeof a->sa.bytes;
}

static const struct sockaddr *addr_sa(const np_addr *a)
{
    return (const struct sockaddr *)(const void *)a->sa.bytes;
}

static struct sockaddr *addr_sa_mut(np_addr *a)
{
    return (struct sockaddr *)(void *)a->sa.bytes;
}

static const char *addr_text(const np_addr *a, char *buf)
{
    if (np_addr_format(a, buf, NP_ADDRSTRLEN) != NP_OK)
        snprintf(buf, NP_ADDRSTRLEN, "?");
    return buf;
}

static size_t io_clamp(size_t len)
{
    return len > (size_t)NP_SYS_IO_MAX ? (size_t)NP_SYS_IO_MAX : len;
}

np_err np_sock_close_keep(np_socket_t s, np_err err)
{
    np_err prev = np_last_error();
    long native = np_last_native_error();
    np_socket_close(s);
    return err == NP_OK ? NP_OK : np_err_record(err, prev == err ? native : 0);
}

np_err np_os_close_failed(np_os_socket fd, np_err err, const char *caller)
{
    long native = np_last_native_error();
    np_os_close(fd, caller);
    return np_err_record(err, native);
}

/* The deadline of one libnp call: timeout mode only; -1 means none. */
static int64_t sock_deadline(const struct np_sock *s)
{
    return np_deadline_after(s->timeout_ms > 0 ? s->timeout_ms : -1);
}

static np_err sock_set_os_nonblocking(struct np_sock *s, int on, const char *caller)
{
    np_err err;
    if (s->os_nonblocking == on)
        return NP_OK;
    err = np_os_set_nonblocking(s->fd, on, caller);
    if (err == NP_OK)
        s->os_nonblocking = on;
    return err;
}

/* The OS state each mode needs: blocking mode only is an OS-blocking socket. */
static np_err sock_sync_os_mode(struct np_sock *s, const char *caller)
{
    return sock_set_os_nonblocking(s, s->timeout_ms != NP_TIMEOUT_BLOCKING, caller);
}

/* ---- waits shared with the OS layer -------------------------------------- */

int np_os_wait_injected(np_os_socket fd, int for_write, np_err *err)
{
    np_os_res r;
    if (!NP_FAULT(NP_FAULT_WAIT, err, NULL))
        return 0;
    r = np_os_injected(*err);
    NP_OS_TRACE(-1, r, "np_wait(%lld, %s) -> %s", NP_TRACE_FD(fd),
                for_write ? "write" : "read", NP_OS_WAIT_NAME);
    return 1;
}

int np_os_wait_ms(int64_t timeout_ms, int *clamped)
{
    *clamped = timeout_ms > INT_MAX;
    if (timeout_ms < 0)
        return -1;
    return *clamped ? INT_MAX : (int)timeout_ms;
}

/* Wait for readiness until deadline; interruptions are retried against the
 * same deadline. */
static np_err sock_wait(struct np_sock *s, int for_write, int for_connect, int64_t deadline)
{
    for (;;) {
        np_err err = np_os_wait(s->fd, for_write, for_connect, np_deadline_left(deadline));
        if (err == NP_EINTR)
            continue;
        if (err == NP_ETIMEDOUT)
            return np_err_record(NP_ETIMEDOUT, 0);
        return err;
    }
}

/* ---- the call loop, as CPython's sock_call_ex ---------------------------- */

struct io {
    const char *caller;
    const void *cbuf;        /* send side */
    void *buf;               /* receive side */
    size_t len;
    int flags;
    const np_iovec *iov;     /* sendv: the pieces (len is their total) */
    int iovcnt;
    const np_addr *to;
    np_addr *from;           /* never NULL for recvfrom and accept */
    size_t done;             /* bytes the call moved */
    int nonblock;            /* accept: the mode the new socket gets */
    int mode_set;
    np_os_socket newfd;
};

typedef np_err (*io_fn)(struct np_sock *s, struct io *io);

/* Run one I/O call under s's timeout mode: retry EINTR; in timeout mode wait
 * before each try and retry EAGAIN (a spurious wake-up) until deadline; in
 * blocking mode an EAGAIN (e.g. an injected one) is waited out too. */
static np_err sock_call(struct np_sock *s, int for_write, int64_t deadline, io_fn fn,
                        struct io *io)
{
    int wait = s->timeout_ms > 0;
    for (;;) {
        np_err err;
        if (wait) {
            err = sock_wait(s, for_write, 0, deadline);
            if (err != NP_OK)
                return err;
        }
        err = fn(s, io);
        if (err == NP_EINTR) {
            wait = s->timeout_ms > 0;
            continue;
        }
        if (err != NP_EAGAIN || s->timeout_ms == NP_TIMEOUT_NONBLOCKING)
            return err;
        wait = 1;
    }
}

static np_err op_send(struct np_sock *s, struct io *io)
{
    size_t len = io_clamp(io->len);
    np_sys_ssize n = -1;
    np_os_res r;
    np_err inj;

    if (NP_FAULT(NP_FAULT_SEND, &inj, &len)) {
        r = np_os_injected(inj);
    } else {
        n = send(s->fd, io->cbuf, (np_sys_iolen)len, NP_SYS_SEND_FLAGS);
        r = np_os_result(n < 0);
    }
    NP_OS_TRACE(n, r, "%s(%lld, %llu) -> send(%lld, %p, %llu, %s)", io->caller, FD(s),
                (unsigned long long)io->len, FD(s), io->cbuf, (unsigned long long)len,
                SEND_FLAGS_TEXT);
    io->done = r.err == NP_OK ? (size_t)n : 0;
    return r.err;
}

static np_err op_recv(struct np_sock *s, struct io *io)
{
    size_t len = io_clamp(io->len);
    np_sys_ssize n = -1;
    np_os_res r;
    np_err inj;

    if (NP_FAULT(NP_FAULT_RECV, &inj, &len)) {
        r = np_os_injected(inj);
    } else {
        n = recv(s->fd, io->buf, (np_sys_iolen)len, io->flags);
        r = np_os_result(n < 0);
    }
    NP_OS_TRACE(n, r, "%s(%lld, %llu) -> recv(%lld, %p, %llu, %s)", io->caller, FD(s),
                (unsigned long long)io->len, FD(s), io->buf, (unsigned long long)len,
                io->flags ? "MSG_PEEK" : "0");
    io->done = r.err == NP_OK ? (size_t)n : 0;
    return r.err;
}

static np_err op_sendv(struct np_sock *s, struct io *io)
{
    np_sys_iov v[NP_IOV_MAX];
    size_t len = io_clamp(io->len), left;
    np_sys_ssize n = -1;
    np_os_res r;
    np_err inj;
    int cnt = 0;

    if (NP_FAULT(NP_FAULT_SEND, &inj, &len)) {
        r = np_os_injected(inj);
    } else {
        /* Up to len bytes (a short fault, or the clamp, cuts the last piece). */
        for (left = len; cnt < io->iovcnt && left > 0; cnt++) {
            size_t piece = io->iov[cnt].len < left ? io->iov[cnt].len : left;
            np_sys_iov_set(&v[cnt], io->iov[cnt].base, piece);
            left -= piece;
        }
        if (cnt == 0)   /* nothing to send: one empty piece, as send(p, 0) */
            np_sys_iov_set(&v[cnt++], io->iov[0].base, 0);
        n = np_sys_sendv(s->fd, v, cnt);
        r = np_os_result(n < 0);
    }
    NP_OS_TRACE(n, r, "np_sendv(%lld, %d pieces, %llu) -> %s(%lld, [%d], %llu, %s)", FD(s),
                io->iovcnt, (unsigned long long)io->len, NP_SYS_SENDV_NAME, FD(s), cnt,
                (unsigned long long)len, SEND_FLAGS_TEXT);
    io->done = r.err == NP_OK ? (size_t)n : 0;
    return r.err;
}

static np_err op_sendto(struct np_sock *s, struct io *io)
{
    size_t len = io_clamp(io->len);
    np_sys_ssize n = -1;
    np_os_res r;
    np_err inj;
    char t[NP_ADDRSTRLEN], b[NP_TRACE_ADDRLEN];

    if (NP_FAULT(NP_FAULT_SENDTO, &inj, &len)) {
        r = np_os_injected(inj);
    } else {
        n = sendto(s->fd, io->cbuf, (np_sys_iolen)len, NP_SYS_SEND_FLAGS, addr_sa(io->to),
                   (np_socklen_t)io->to->len);
        r = np_os_result(n < 0);
    }
    NP_OS_TRACE(n, r, "np_sendto(%lld, %llu, %s) -> sendto(%lld, %p, %llu, %s, %s, %d)",
                FD(s), (unsigned long long)io->len, addr_text(io->to, t), FD(s), io->cbuf,
                (unsigned long long)len, SEND_FLAGS_TEXT,
                np_trace_sockaddr(io->to->sa.bytes, io->to->len, b), (int)io->to->len);
    io->done = r.err == NP_OK ? (size_t)n : 0;
    return r.err;
}

static np_err op_recvfrom(struct np_sock *s, struct io *io)
{
    size_t len = io_clamp(io->len);
    np_socklen_t alen = (np_socklen_t)sizeof io->from->sa.bytes;
    np_sys_ssize n = -1;
    np_os_res r;
    np_err inj;
    char b[NP_TRACE_ADDRLEN];

    memset(io->from, 0, sizeof *io->from);
    if (NP_FAULT(NP_FAULT_RECVFROM, &inj, &len)) {
        r = np_os_injected(inj);
        alen = 0;
    } else {
        n = recvfrom(s->fd, io->buf, (np_sys_iolen)len, 0, addr_sa_mut(io->from), &alen);
        r = np_os_result(n < 0);
    }
    /* Winsock fails a truncated datagram with WSAEMSGSIZE but fills buf and
     * the source: the caller still gets the first len bytes. */
    if (r.err == NP_OK || r.err == NP_EMSGSIZE) {
        if (alen > 0 && (size_t)alen <= sizeof io->from->sa.bytes)
            io->from->len = (uint32_t)alen;
        io->done = r.err == NP_OK ? (size_t)n : len;
    } else {
        alen = 0;
        io->done = 0;
    }
    NP_OS_TRACE(n, r, "np_recvfrom(%lld, %llu) -> recvfrom(%lld, %p, %llu, 0, %s, [%d])",
                FD(s), (unsigned long long)io->len, FD(s), io->buf, (unsigned long long)len,
                np_trace_sockaddr(io->from->sa.bytes, io->from->len, b), (int)alen);
    return r.err;
}

static np_err op_accept(struct np_sock *s, struct io *io)
{
    np_err inj;
    if (NP_FAULT(NP_FAULT_ACCEPT, &inj, NULL)) {
        np_os_res r = np_os_injected(inj);
        NP_OS_TRACE(-1, r, "np_accept(%lld) -> accept(%lld)", FD(s), FD(s));
        return r.err;
    }
    return np_os_accept(s->fd, io->nonblock, io->from, &io->newfd, &io->mode_set);
}

static void io_init(struct io *io, const char *caller)
{
    memset(io, 0, sizeof *io);
    io->caller = caller;
    io->newfd = NP_OS_INVALID_SOCKET;
}

/* ---- life cycle ----------------------------------------------------------- */

np_err np_sock_adopt(np_os_socket fd, np_family family, np_socktype type,
                     int nonblocking_mode, int os_nonblocking, np_socket_t *out)
{
    struct np_sock *s = (struct np_sock *)malloc(sizeof *s);
    if (!s)
        return np_err_record(NP_ENOMEM, 0);
    s->fd = fd;
    s->family = family;
    s->type = type;
    s->timeout_ms = nonblocking_mode ? NP_TIMEOUT_NONBLOCKING : NP_TIMEOUT_BLOCKING;
    s->os_nonblocking = os_nonblocking;
    *out = s;
    return NP_OK;
}

/* Wrap a socket libnp just made, closing it when that fails. */
static np_err adopt_new(np_os_socket fd, np_family family, np_socktype type, int nonblocking,
                        const char *caller, np_socket_t *out)
{
    np_err err = np_sockopt_on_create(fd, caller);
    if (err == NP_OK)
        err = np_sock_adopt(fd, family, type, nonblocking, nonblocking, out);
    return err == NP_OK ? NP_OK : np_os_close_failed(fd, err, caller);
}

np_err np_socket_open(np_family family, np_socktype type, np_socket_t *out)
{
    np_os_socket fd;
    np_err err;
    int af, st;

    if (!out)
        return bad_arg();
    *out = NP_INVALID_SOCKET;
    if (!np_is_initialized())
        return np_err_record(NP_ENOTINIT, 0);
    af = family == NP_AF_UNSPEC ? -1 : np_family_to_native(family);
    st = np_socktype_to_native(type);
    if (af < 0 || st < 0)
        return bad_arg();
    err = np_os_socket_create(af, st, "np_socket_open", &fd);
    if (err != NP_OK)
        return err;
    return adopt_new(fd, family, type, 0, "np_socket_open", out);
}

np_err np_socket_close(np_socket_t s)
{
    np_err err;
    if (s == NP_INVALID_SOCKET)
        return NP_OK;
    err = np_os_close(s->fd, "np_socket_close");
    free(s);
    /* Linux releases the descriptor before close() can be interrupted, and
     * POSIX leaves it unspecified: closing again could hit a descriptor another
     * thread has just been given. */
    return err == NP_EINTR ? NP_OK : err;
}

static np_err socktype_from_native(int st, np_socktype *out)
{
    if (st == SOCK_STREAM)
        *out = NP_SOCK_STREAM;
    else if (st == SOCK_DGRAM)
        *out = NP_SOCK_DGRAM;
    else
        return np_err_record(NP_EPROTONOSUPPORT, 0);
    return NP_OK;
}

np_err np_socket_from_os(np_os_socket handle, np_socket_t *out)
{
    np_socktype type = NP_SOCK_STREAM;   /* set by socktype_from_native; GCC -O2 cannot see it */
    np_family family;
    np_err err;
    int af, st;

    if (!out)
        return bad_arg();
    *out = NP_INVALID_SOCKET;
    if (!np_is_initialized())
        return np_err_record(NP_ENOTINIT, 0);
    if (handle == NP_OS_INVALID_SOCKET)
        return bad_socket();
    err = np_os_socket_kind(handle, &af, &st);
    if (err != NP_OK)
        return err;
    family = np_family_from_native(af);
    if (family == NP_AF_UNSPEC)
        return np_err_record(NP_EAFNOSUPPORT, 0);
    err = socktype_from_native(st, &type);
    if (err == NP_OK)
        err = np_os_set_nonblocking(handle, 0, "np_socket_from_os");
    /* On failure the handle stays the caller's: do not close it. */
    if (err == NP_OK)
        err = np_sock_adopt(handle, family, type, 0, 0, out);
    return err;
}

np_os_socket np_socket_fileno(np_socket_t s)
{
    return s == NP_INVALID_SOCKET ? NP_OS_INVALID_SOCKET : s->fd;
}

np_os_socket np_socket_detach(np_socket_t s)
{
    np_os_socket fd;
    if (s == NP_INVALID_SOCKET)
        return NP_OS_INVALID_SOCKET;
    fd = s->fd;
    free(s);
    return fd;
}

np_family np_socket_family(np_socket_t s)
{
    return s == NP_INVALID_SOCKET ? NP_AF_UNSPEC : s->family;
}

np_socktype np_socket_type(np_socket_t s)
{
    return s == NP_INVALID_SOCKET ? (np_socktype)0 : s->type;
}

/* ---- timeout mode --------------------------------------------------------- */

np_err np_socket_set_timeout(np_socket_t s, int64_t ms)
{
    np_err err;
    if (s == NP_INVALID_SOCKET)
        return bad_socket();
    if (ms < NP_TIMEOUT_BLOCKING)
        return bad_arg();
    err = sock_set_os_nonblocking(s, ms != NP_TIMEOUT_BLOCKING, "np_socket_set_timeout");
    if (err == NP_OK)
        s->timeout_ms = ms;
    return err;
}

int64_t np_socket_get_timeout(np_socket_t s)
{
    return s == NP_INVALID_SOCKET ? NP_TIMEOUT_BLOCKING : s->timeout_ms;
}

np_err np_socket_set_blocking(np_socket_t s, int blocking)
{
    return np_socket_set_timeout(s, blocking ? NP_TIMEOUT_BLOCKING : NP_TIMEOUT_NONBLOCKING);
}

/* ---- bind, listen, accept --------------------------------------------------- */

np_err np_bind(np_socket_t s, const np_addr *addr)
{
    char t[NP_ADDRSTRLEN], b[NP_TRACE_ADDRLEN];
    np_os_res r;
    int rc;

    if (s == NP_INVALID_SOCKET)
        return bad_socket();
    if (!addr_ok(addr))
        return bad_arg();
    rc = bind(s->fd, addr_sa(addr), (np_socklen_t)addr->len);
    r = np_os_result(rc != 0);
    NP_OS_TRACE(rc, r, "np_bind(%lld, %s) -> bind(%lld, %s, %d)", FD(s), addr_text(addr, t),
                FD(s), np_trace_sockaddr(addr->sa.bytes, addr->len, b), (int)addr->len);
    return r.err;
}

np_err np_listen(np_socket_t s, int backlog)
{
    np_os_res r;
    int rc;

    if (s == NP_INVALID_SOCKET)
        return bad_socket();
    if (backlog < 0)
        backlog = 0;
    rc = listen(s->fd, backlog);
    r = np_os_result(rc != 0);
    NP_OS_TRACE(rc, r, "np_listen(%lld, %d) -> listen(%lld, %d)", FD(s), backlog, FD(s),
                backlog);
    return r.err;
}

np_err np_accept(np_socket_t s, np_socket_t *out, np_addr *peer)
{
    np_addr from;
    struct io io;
    np_err err;

    if (!out)
        return bad_arg();
    *out = NP_INVALID_SOCKET;
    if (s == NP_INVALID_SOCKET)
        return bad_socket();
    io_init(&io, "np_accept");
    io.from = &from;
    io.nonblock = s->timeout_ms == NP_TIMEOUT_NONBLOCKING;
    err = sock_call(s, 0, sock_deadline(s), op_accept, &io);
    if (err != NP_OK)
        return err;
    /* Where the OS copied the listener's non-blocking flag (BSD, Windows), the
     * new socket must be set explicitly to the mode it is documented to have. */
    if (!io.mode_set)
        err = np_os_set_nonblocking(io.newfd, io.nonblock, "np_accept");
    if (err != NP_OK)
        return np_os_close_failed(io.newfd, err, "np_accept");
    err = adopt_new(io.newfd, s->family, s->type, io.nonblock, "np_accept", out);
    if (err == NP_OK && peer)
        *peer = from;
    return err;
}

/* ---- connect ---------------------------------------------------------------- */

enum connect_state { CONNECT_DONE, CONNECT_PENDING, CONNECT_RETRY };

static np_os_res connect_os(struct np_sock *s, const np_addr *addr, int *rc)
{
    *rc = connect(s->fd, addr_sa(addr), (np_socklen_t)addr->len);
    return np_os_result(*rc != 0);
}

static void connect_trace(struct np_sock *s, const np_addr *addr, const char *caller, int rc,
                          np_os_res r)
{
    char t[NP_ADDRSTRLEN], b[NP_TRACE_ADDRLEN];
    NP_OS_TRACE(rc, r, "%s(%lld, %s) -> connect(%lld, %s, %d)", caller, FD(s),
                addr_text(addr, t), FD(s), np_trace_sockaddr(addr->sa.bytes, addr->len, b),
                (int)addr->len);
}

/* An injected "in progress" (NP_EAGAIN is how Winsock says it): start the
 * connect for real, non-blocking, so it is truly under way as it would be on
 * Windows, and report it with the injected code. */
static enum connect_state connect_injected_progress(struct np_sock *s, const np_addr *addr,
                                                    const char *caller, np_err inj,
                                                    np_err *err)
{
    np_os_res r;
    int rc;

    *err = sock_set_os_nonblocking(s, 1, caller);
    if (*err != NP_OK)
        return CONNECT_DONE;
    r = connect_os(s, addr, &rc);
    if (r.err != NP_OK && r.err != NP_EINPROGRESS && r.err != NP_EAGAIN) {
        connect_trace(s, addr, caller, rc, r);
        *err = r.err;
        return CONNECT_DONE;
    }
    r = np_os_injected(inj);
    connect_trace(s, addr, caller, -1, r);
    *err = inj;
    return CONNECT_PENDING;
}

/* One connect() call, or the fault injected in its place. */
static enum connect_state connect_call(struct np_sock *s, const np_addr *addr,
                                       const char *caller, np_err *err)
{
    np_os_res r;
    np_err inj;
    int rc = -1;

    if (NP_FAULT(NP_FAULT_CONNECT, &inj, NULL)) {
        if (inj == NP_EAGAIN || inj == NP_EINPROGRESS)
            return connect_injected_progress(s, addr, caller, inj, err);
        r = np_os_injected(inj);
        connect_trace(s, addr, caller, rc, r);
        *err = r.err;
        /* No call was made, so unlike a real EINTR nothing is under way. */
        return r.err == NP_EINTR ? CONNECT_RETRY : CONNECT_DONE;
    }
    r = connect_os(s, addr, &rc);
    connect_trace(s, addr, caller, rc, r);
    *err = r.err;
    /* A connect interrupted by a signal carries on in the kernel; calling
     * connect() again would fail with EALREADY, so it is waited for instead,
     * as CPython does. */
    if (r.err == NP_EINPROGRESS || r.err == NP_EINTR ||
        (r.err == NP_EAGAIN && NP_OS_CONNECT_EAGAIN_IN_PROGRESS))
        return CONNECT_PENDING;
    return CONNECT_DONE;
}

static np_err sock_take_error(struct np_sock *s, const char *caller)
{
    np_socklen_t len = (np_socklen_t)sizeof(int);
    np_os_res r;
    int value = 0, rc;

    rc = getsockopt(s->fd, SOL_SOCKET, SO_ERROR, (void *)&value, &len);
    r = np_os_result(rc != 0);
    NP_OS_TRACE(rc, r, "%s(%lld) -> getsockopt(%lld, SOL_SOCKET, SO_ERROR, [%d], [%d])",
                caller, FD(s), FD(s), value, (int)len);
    if (r.err != NP_OK)
        return r.err;
    if (value == 0)
        return NP_OK;
    return np_err_record(np_err_from_native(value), value);
}

/* After SO_ERROR said 0, a second connect() tells a finished connect (0 or
 * EISCONN) from a spurious wake-up (EALREADY, still under way). It also makes
 * Linux mark the socket connected, so that a later connect() fails with
 * EISCONN there too, as it does on Windows. */
static np_err connect_confirm(struct np_sock *s, const np_addr *addr, const char *caller,
                              int *pending)
{
    np_os_res r;
    int rc;

    r = connect_os(s, addr, &rc);
    connect_trace(s, addr, caller, rc, r);
    *pending = r.err == NP_EALREADY || r.err == NP_EINPROGRESS ||
               (r.err == NP_EAGAIN && NP_OS_CONNECT_EAGAIN_IN_PROGRESS);
    return r.err == NP_EISCONN ? NP_OK : r.err;
}

/* The outcome of a connect under way: writable (or, on Windows, in the
 * exception set) means finished, and SO_ERROR says how. */
static np_err connect_finish(struct np_sock *s, const np_addr *addr, int64_t deadline,
                             const char *caller)
{
    for (;;) {
        int pending = 0;
        np_err err = sock_wait(s, 1, 1, deadline);
        if (err == NP_OK)
            err = sock_take_error(s, caller);
        if (err == NP_OK)
            err = connect_confirm(s, addr, caller, &pending);
        if (err == NP_OK || !pending)
            return err;
    }
}

static np_err sock_connect(struct np_sock *s, const np_addr *addr, const char *caller)
{
    int64_t deadline = sock_deadline(s);
    enum connect_state state;
    np_err err, sync;

    do
        state = connect_call(s, addr, caller, &err);
    while (state == CONNECT_RETRY);
    if (state == CONNECT_PENDING) {
        if (s->timeout_ms == NP_TIMEOUT_NONBLOCKING)
            err = np_err_record(NP_EINPROGRESS, np_last_native_error());
        else
            err = connect_finish(s, addr, deadline, caller);
    }
    /* An injected "in progress" made a blocking-mode socket non-blocking. */
    sync = sock_sync_os_mode(s, caller);
    return err != NP_OK ? err : sync;
}

np_err np_connect(np_socket_t s, const np_addr *addr)
{
    if (s == NP_INVALID_SOCKET)
        return bad_socket();
    if (!addr_ok(addr))
        return bad_arg();
    return sock_connect(s, addr, "np_connect");
}

np_err np_connect_ex(np_socket_t s, const np_addr *addr)
{
    np_err saved = np_last_error();
    long saved_native = np_last_native_error();
    np_err err;

    if (s == NP_INVALID_SOCKET)
        err = NP_EBADF;
    else if (!addr_ok(addr))
        err = NP_EINVAL;
    else
        err = sock_connect(s, addr, "np_connect_ex");
    np_err_record(saved, saved_native);
    return err;
}

np_err np_socket_take_error(np_socket_t s)
{
    if (s == NP_INVALID_SOCKET)
        return bad_socket();
    return sock_take_error(s, "np_socket_take_error");
}

/* ---- shutdown and names -------------------------------------------------- */

np_err np_shutdown(np_socket_t s, np_shutdown_how how)
{
    static const char *const names[] = { "SHUT_RD", "SHUT_WR", "SHUT_RDWR" };
    static const int native[] = { NP_SYS_SHUT_RD, NP_SYS_SHUT_WR, NP_SYS_SHUT_RDWR };
    np_os_res r;
    int rc;

    if (s == NP_INVALID_SOCKET)
        return bad_socket();
    if ((int)how < 0 || (int)how > 2)
        return bad_arg();
    rc = shutdown(s->fd, native[how]);
    r = np_os_result(rc != 0);
    NP_OS_TRACE(rc, r, "np_shutdown(%lld, %s) -> shutdown(%lld, %s)", FD(s), names[how],
                FD(s), names[how]);
    return r.err;
}

static np_err sock_name(np_socket_t s, np_addr *out, int peer)
{
    np_socklen_t len = (np_socklen_t)sizeof out->sa.bytes;
    char b[NP_TRACE_ADDRLEN];
    const char *call = peer ? "getpeername" : "getsockname";
    np_os_res r;
    int rc;

    if (s == NP_INVALID_SOCKET)
        return bad_socket();
    if (!out)
        return bad_arg();
    memset(out, 0, sizeof *out);
    rc = peer ? getpeername(s->fd, addr_sa_mut(out), &len)
              : getsockname(s->fd, addr_sa_mut(out), &len);
    r = np_os_result(rc != 0);
    if (r.err == NP_OK)
        out->len = (size_t)len < sizeof out->sa.bytes ? (uint32_t)len : sizeof out->sa.bytes;
    NP_OS_TRACE(rc, r, "np_%s(%lld) -> %s(%lld, %s, [%d])", call, FD(s), call, FD(s),
                np_trace_sockaddr(out->sa.bytes, out->len, b), (int)len);
    return r.err;
}

np_err np_getsockname(np_socket_t s, np_addr *out)
{
    return sock_name(s, out, 0);
}

np_err np_getpeername(np_socket_t s, np_addr *out)
{
    return sock_name(s, out, 1);
}

/* ---- data ------------------------------------------------------------------ */

/* The checks every data call starts with: zero the caller's count, then reject
 * a bad socket or a NULL buffer with a length. */
static np_err io_args(np_socket_t s, const void *buf, size_t len, size_t *count)
{
    if (count)
        *count = 0;
    if (s == NP_INVALID_SOCKET)
        return bad_socket();
    if (!buf && len)
        return bad_arg();
    return NP_OK;
}

/* One I/O call under s's own deadline; *count (if wanted) gets the bytes moved. */
static np_err io_once(np_socket_t s, int for_write, io_fn fn, struct io *io, size_t *count)
{
    np_err err = sock_call(s, for_write, sock_deadline(s), fn, io);
    if (count)
        *count = io->done;
    return err;
}

/* np_sendall / np_recv_exact: send from cbuf, or receive into buf (cbuf the
 * same pointer), until len bytes have moved, under one deadline for the whole
 * call. A receive that sees end of stream first fails with NP_EEOF. */
static np_err io_all(np_socket_t s, int for_write, const void *cbuf, void *buf, size_t len,
                     size_t *count, const char *caller)
{
    int64_t deadline = sock_deadline(s);
    size_t total = 0;
    struct io io;
    np_err err = NP_OK;

    io_init(&io, caller);
    while (total < len) {
        io.cbuf = (const char *)cbuf + total;
        if (!for_write)
            io.buf = (char *)buf + total;
        io.len = len - total;
        err = sock_call(s, for_write, deadline, for_write ? op_send : op_recv, &io);
        if (err == NP_OK && !for_write && io.done == 0)
            err = np_err_record(NP_EEOF, 0);
        if (err != NP_OK)
            break;
        total += io.done;
    }
    if (count)
        *count = total;
    return err;
}

/* ---- the fast path of np_send and np_recv ----------------------------------
 * Every byte a program moves pays for these two calls, so their common case —
 * a blocking or non-blocking socket (timeout mode waits first), valid
 * arguments, no fault armed, no trace — is one OS call and nothing else, with
 * the call machinery (struct io, sock_call) only behind a failure. The
 * outcome is the same either way. */

static int io_fast_ok(np_socket_t s, const void *buf, size_t len)
{
    return s != NP_INVALID_SOCKET && s->timeout_ms <= 0 && (buf || !len) &&
           len <= (size_t)NP_SYS_IO_MAX && !NP_TRACING() &&
           !atomic_load_explicit(&np_fault_armed, memory_order_relaxed);
}

static NP_NOINLINE np_err send_full(np_socket_t s, const void *buf, size_t len, size_t *sent)
{
    struct io io;
    np_err err = io_args(s, buf, len, sent);

    if (err != NP_OK)
        return err;
    io_init(&io, "np_send");
    io.cbuf = buf;
    io.len = len;
    return io_once(s, 1, op_send, &io, sent);
}

static NP_NOINLINE np_err recv_full(np_socket_t s, void *buf, size_t len, size_t *got, int flags,
                                    const char *caller)
{
    struct io io;
    np_err err = io_args(s, buf, len, got);

    if (err != NP_OK)
        return err;
    io_init(&io, caller);
    io.buf = buf;
    io.len = len;
    io.flags = flags;
    return io_once(s, 0, op_recv, &io, got);
}

/* The fast call failed (errno / WSAGetLastError still untouched): most
 * failures are final as they are; an interruption, or EAGAIN on a blocking
 * socket (SO_RCVTIMEO...), goes to the full path, which retries or waits. */
static NP_NOINLINE int io_fast_failed(np_socket_t s, size_t *count, np_err *err)
{
    *err = np_os_result(1).err;
    if (count)
        *count = 0;
    return !(*err == NP_EINTR || (*err == NP_EAGAIN && s->timeout_ms == NP_TIMEOUT_BLOCKING));
}

np_err np_send(np_socket_t s, const void *buf, size_t len, size_t *sent)
{
    if (io_fast_ok(s, buf, len)) {
        np_sys_ssize n = send(s->fd, buf, (np_sys_iolen)len, NP_SYS_SEND_FLAGS);
        np_err err;
        if (n >= 0) {
            if (sent)
                *sent = (size_t)n;
            return NP_OK;
        }
        if (io_fast_failed(s, sent, &err))
            return err;
    }
    return send_full(s, buf, len, sent);
}

np_err np_sendv(np_socket_t s, const np_iovec *iov, int iovcnt, size_t *sent)
{
    struct io io;
    size_t total = 0;
    np_err err = io_args(s, iov, (size_t)iovcnt, sent);

    if (err != NP_OK)
        return err;
    if (iovcnt < 1 || iovcnt > NP_IOV_MAX)
        return bad_arg();
    for (int i = 0; i < iovcnt; i++) {
        if ((!iov[i].base && iov[i].len) || iov[i].len > (size_t)-1 - total)
            return bad_arg();
        total += iov[i].len;
    }
    io_init(&io, "np_sendv");
    /* One piece is a plain send: the kernel's gathered path first copies in
     * and checks a message header and an iovec, 100-150 ns of a ~600 ns send
     * of a short line on Linux, and a server flushing one line per client
     * pays that on every delivery. */
    if (iovcnt == 1) {
        io.cbuf = iov[0].base;
        io.len = total;
        return io_once(s, 1, op_send, &io, sent);
    }
    io.iov = iov;
    io.iovcnt = iovcnt;
    io.len = total;
    return io_once(s, 1, op_sendv, &io, sent);
}

np_err np_recv(np_socket_t s, void *buf, size_t len, size_t *got)
{
    if (io_fast_ok(s, buf, len)) {
        np_sys_ssize n = recv(s->fd, buf, (np_sys_iolen)len, 0);
        np_err err;
        if (n >= 0) {
            if (got)
                *got = (size_t)n;
            return NP_OK;
        }
        if (io_fast_failed(s, got, &err))
            return err;
    }
    return recv_full(s, buf, len, got, 0, "np_recv");
}

np_err np_recv_peek(np_socket_t s, void *buf, size_t len, size_t *got)
{
    return recv_full(s, buf, len, got, MSG_PEEK, "np_recv_peek");
}

np_err np_sendall(np_socket_t s, const void *buf, size_t len, size_t *sent)
{
    np_err err = io_args(s, buf, len, sent);
    return err != NP_OK ? err : io_all(s, 1, buf, NULL, len, sent, "np_sendall");
}

np_err np_recv_exact(np_socket_t s, void *buf, size_t len, size_t *got)
{
    np_err err = io_args(s, buf, len, got);
    return err != NP_OK ? err : io_all(s, 0, buf, buf, len, got, "np_recv_exact");
}

np_err np_sendto(np_socket_t s, const void *buf, size_t len, const np_addr *to, size_t *sent)
{
    struct io io;
    np_err err = io_args(s, buf, len, sent);

    if (err != NP_OK)
        return err;
    if (!addr_ok(to))
        return bad_arg();
    io_init(&io, "np_sendto");
    io.cbuf = buf;
    io.len = len;
    io.to = to;
    return io_once(s, 1, op_sendto, &io, sent);
}

np_err np_recvfrom(np_socket_t s, void *buf, size_t len, np_addr *from, size_t *got)
{
    np_addr scratch;
    struct io io;
    np_err err = io_args(s, buf, len, got);

    if (err != NP_OK)
        return err;
    io_init(&io, "np_recvfrom");
    io.buf = buf;
    io.len = len;
    io.from = from ? from : &scratch;
    return io_once(s, 0, op_recvfrom, &io, got);
}

/* ---- convenience ------------------------------------------------------------- */

static np_err tcp_try(const np_addrinfo *ai, int64_t timeout_ms, np_socket_t *out)
{
    np_socket_t s;
    np_err err = np_socket_open(ai->family, NP_SOCK_STREAM, &s);
    if (err != NP_OK)
        return err;
    err = np_socket_set_timeout(s, timeout_ms);
    if (err == NP_OK)
        err = np_connect(s, &ai->addr);
    if (err == NP_OK)
        err = np_socket_set_timeout(s, NP_TIMEOUT_BLOCKING);
    if (err != NP_OK)
        return np_sock_close_keep(s, err);
    *out = s;
    return NP_OK;
}

np_err np_tcp_connect(const char *host, uint16_t port, int64_t timeout_ms, np_socket_t *out)
{
    np_addrinfo *list = NULL, *ai;
    char service[8];
    long native = 0;
    np_err err;

    if (!out)
        return bad_arg();
    *out = NP_INVALID_SOCKET;
    if (timeout_ms < NP_TIMEOUT_BLOCKING)
        return bad_arg();
    snprintf(service, sizeof service, "%u", (unsigned)port);
    err = np_resolve(host, service, NP_AF_UNSPEC, NP_SOCK_STREAM, 0, &list);
    if (err != NP_OK)
        return err;
    err = NP_EAI_NONAME;
    for (ai = list; ai; ai = ai->next) {
        err = tcp_try(ai, timeout_ms, out);
        if (err == NP_OK)
            break;
        native = np_last_native_error();
    }
    np_addrinfo_free(list);
    return err == NP_OK ? NP_OK : np_err_record(err, native);
}

np_err np_tcp_listen(const np_addr *addr, int backlog, int dual_stack, np_socket_t *out)
{
    np_family family;
    np_socket_t s;
    np_err err;

    if (!out)
        return bad_arg();
    *out = NP_INVALID_SOCKET;
    if (!addr_ok(addr))
        return bad_arg();
    family = np_addr_family(addr);
    if (family != NP_AF_INET && family != NP_AF_INET6)
        return bad_arg();
    err = np_socket_open(family, NP_SOCK_STREAM, &s);
    if (err != NP_OK)
        return err;
    err = np_set_reuseaddr(s, 1);
    if (err == NP_OK && family == NP_AF_INET6)
        err = np_set_v6only(s, !dual_stack);
    if (err == NP_OK)
        err = np_bind(s, addr);
    if (err == NP_OK)
        err = np_listen(s, backlog);
    if (err != NP_OK)
        return np_sock_close_keep(s, err);
    *out = s;
    return NP_OK;
}
