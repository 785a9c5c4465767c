/* libnp: fault injection, a test hook.
 *
 * Makes chosen OS calls fail or fall short so that error paths, including
 * those that normally happen only on one platform, run on any machine:
 *
 *   np_fault_set(NP_FAULT_SEND, NP_EINTR, 0, 3);      next 3 send() calls: EINTR
 *   np_fault_short(NP_FAULT_SEND, 1, 0, 100);         next 100 sends move <= 1 byte
 *   np_fault_set(NP_FAULT_CONNECT, NP_ECONNREFUSED, 0, 1);
 *   np_fault_set(NP_FAULT_CONNECT, NP_EAGAIN, 0, 1);  connect reports "in progress"
 *                                                     the Windows way (WSAEWOULDBLOCK)
 *
 * An injected error is returned in place of the OS call, which is then not made
 * (except connect + NP_EAGAIN/NP_EINPROGRESS: the connect is started for real and
 * its "in progress" result is reported with the injected code). Injected
 * failures are traced like real ones, with native code 0. Faults are global,
 * apply to every thread, and cost one relaxed load when none is set.
 *
 * NP_FAULT=send:eintr:3,recv:short1:10 in the environment (read by the first
 * np_init()) sets the same from outside a program: op:kind:count[:skip[:every]],
 * e.g. send:eagain:1000:0:5 makes one send in five fail, 1000 times: spread
 * over a whole run rather than in one burst. With NP_FAULT_LOG=FILE too, each
 * fault that fires appends one line to FILE ("np_fault(send) -> NP_EAGAIN",
 * "np_fault(send) -> short"), in forked children as well: a count of what a
 * program survived. */
#ifndef NP_FAULT_H
#define NP_FAULT_H

#include <stddef.h>
#include "export.h"
#include "error.h"

NP_BEGIN_DECLS

typedef enum np_fault_op {
    NP_FAULT_SEND = 0,    /* send() inside np_send / np_sendall, sendmsg in np_sendv */
    NP_FAULT_RECV,        /* recv() inside np_recv / np_recv_exact / np_recv_peek */
    NP_FAULT_SENDTO,
    NP_FAULT_RECVFROM,
    NP_FAULT_CONNECT,
    NP_FAULT_ACCEPT,
    NP_FAULT_WAIT,        /* the readiness wait inside timeout mode */
    NP_FAULT_POLLER_WAIT, /* the backend call inside np_poller_wait */
    NP_FAULT_OP_COUNT
} np_fault_op;

/* After skipping `skip` calls of op, make the next `count` fail with err. */
NP_API void np_fault_set(np_fault_op op, np_err err, unsigned skip, unsigned count);
/* After skipping `skip` calls, cap the next `count` send/recv-like calls of op
 * at max_bytes (>= 1). */
NP_API void np_fault_short(np_fault_op op, size_t max_bytes, unsigned skip, unsigned count);
/* Spread the fault set for op: after its skip, only one call in every
 * `every` is hit (the first, then each every-th), until its count has fired.
 * Call after np_fault_set / np_fault_short (which reset it to 1: every call). */
NP_API void np_fault_every(np_fault_op op, unsigned every);
NP_API void np_fault_clear(np_fault_op op);
NP_API void np_fault_clear_all(void);
/* How many faults have fired for op since it was last set. */
NP_API unsigned np_fault_fired(np_fault_op op);

NP_END_DECLS

#endif /* NP_FAULT_H */
