/* libnp internal: what the library's modules share. Not installed.
 *
 * Modules: error.c (error space), trace.c, fault.c, addr.c / resolve.c,
 * socket*.c (+ posix/ and win32/ OS layers), poll_*.c, thread (posix/, win32/),
 * clock (posix/, win32/), init.c. */
#ifndef NP_INTERNAL_H
#define NP_INTERNAL_H

#include "np_sys.h"
#include "np/np.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>

/* Keep a rarely taken path out of its caller (so the caller's common case
 * stays small: no big frame, no stack-protector canary). */
#if defined(__GNUC__)
#  define NP_NOINLINE __attribute__((noinline))
#elif defined(_MSC_VER)
#  define NP_NOINLINE __declspec(noinline)
#else
#  define NP_NOINLINE
#endif

/* The socket object behind np_socket_t. */
struct np_sock {
    np_os_socket fd;
    np_family family;
    np_socktype type;
    int64_t timeout_ms;     /* NP_TIMEOUT_BLOCKING, 0, or > 0 */
    int os_nonblocking;     /* the OS socket's actual blocking state */
};

/* ---- errors (error.c) --------------------------------------------------- */

/* Record err with its native cause as this thread's last error; returns err. */
np_err np_err_record(np_err err, long native);
/* Map the current np_sys_last_native() to np_err and record both; returns it. */
np_err np_err_from_last(void);
/* Map a getaddrinfo/getnameinfo EAI_* code (with errno for EAI_SYSTEM) and record. */
np_err np_err_from_gai(int gai, long sys_errno);
/* The native symbolic name of a native code ("ECONNREFUSED", "WSAECONNREFUSED"),
 * or "?" if unknown. */
const char *np_native_error_name(long native);

/* ---- trace (trace.c) ---------------------------------------------------- */

extern volatile int np_trace_on;
#define NP_TRACING() (np_trace_on != 0)

/* Write one trace line: the formatted text, which names the libnp call and the
 * OS call ("np_bind(3, 1.2.3.4:80) -> bind(3, {AF_INET, 1.2.3.4:80}, 16)"),
 * then " = <result>", then, when err != NP_OK, " errno=<native> <NAME> -> NP_X"
 * (on Windows "WSA=<native> <NAME> -> NP_X"; with native 0, as for a libnp
 * deadline or an injected fault, just " -> NP_X"). The line is written whole,
 * under a lock. Call only when NP_TRACING(). */
#if defined(__GNUC__)
#  define NP_PRINTF_LIKE(fmt_index, args_index) \
       __attribute__((format(printf, fmt_index, args_index)))
#else
#  define NP_PRINTF_LIKE(fmt_index, args_index)
#endif
void np_trace_line(long long result, long native, np_err err, const char *fmt, ...)
    NP_PRINTF_LIKE(4, 5);

/* "{AF_INET, 1.2.3.4:80}" / "{AF_INET6, [::1]:80}" / "{AF_UNIX, /p}" for a raw
 * sockaddr, into buf (NP_TRACE_ADDRLEN bytes). Returns buf. */
#define NP_TRACE_ADDRLEN (NP_ADDRSTRLEN + 24)
const char *np_trace_sockaddr(const void *sa, size_t len, char *buf);
/* The OS handle as a printable number: POSIX fds as is, Windows SOCKETs too. */
#define NP_TRACE_FD(fd) ((long long)(intptr_t)(fd))

/* Reads NP_TRACE / NP_TRACE_FILE; called by np_init() once. */
void np_trace_init_from_env(void);

/* ---- fault injection (fault.c) ------------------------------------------ */

/* Atomic: read without the lock on every call (a relaxed load), written under
 * it when faults are set (a plain volatile int there is a data race, TSan). */
extern atomic_int np_fault_armed;
/* Called just before the OS call of op. Returns 1 if an error fault fires
 * (*err set; skip the OS call and fail with *err, native 0); for a short
 * fault it may lower *len (len may be NULL for ops with no length) and
 * returns 0. */
int np_fault_check(np_fault_op op, np_err *err, size_t *len);
/* > 0 while this thread runs libnp's own plumbing (the emulated socketpair):
 * faults are for the program's calls, and np_socketpair must not fail on one
 * platform only because its loopback emulation accepts and connects. */
extern _Thread_local int np_fault_hold;
#define NP_FAULT(op, errp, lenp) \
    (atomic_load_explicit(&np_fault_armed, memory_order_relaxed) && !np_fault_hold && \
     np_fault_check((op), (errp), (lenp)))
void np_fault_init_from_env(void);

/* ---- addresses (addr.c) ------------------------------------------------- */

int np_family_to_native(np_family f);            /* AF_*, or -1 */
np_family np_family_from_native(int af);         /* NP_AF_UNSPEC if unknown */
int np_socktype_to_native(np_socktype t);        /* SOCK_*, or -1 */
const char *np_family_name(int native_af);       /* "AF_INET" ... */

/* ---- socket helpers shared by socket*.c and the poller ------------------ */

/* Wait until fd is ready (for_write: writable) or timeout_ms passes (-1: no
 * limit). for_connect: on Windows also watch the exception set, where a
 * failed connect shows up. Returns NP_OK, NP_ETIMEDOUT or an error; EINTR
 * is returned as NP_EINTR for the caller's deadline loop. (posix/ win32/) */
np_err np_os_wait(np_os_socket fd, int for_write, int for_connect, int64_t timeout_ms);

/* Deadline arithmetic on np_now_ms(). */
static inline int64_t np_deadline_after(int64_t ms) { return ms < 0 ? -1 : np_now_ms() + ms; }
static inline int64_t np_deadline_left(int64_t deadline)
{
    int64_t left;
    if (deadline < 0) return -1;
    left = deadline - np_now_ms();
    return left > 0 ? left : 0;
}

/* ---- init (init.c) ------------------------------------------------------ */

/* Nonzero once np_init() has succeeded (and until the last np_cleanup()). */
int np_is_initialized(void);
/* The OS side of the first np_init() / last np_cleanup() (posix/, win32/). */
np_err np_os_init(void);
void np_os_cleanup(void);

#endif /* NP_INTERNAL_H */
