/* libnp: fault injection for tests (see np/fault.h). */
#include "np_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

atomic_int np_fault_armed;
_Thread_local int np_fault_hold;

struct np_fault {
    np_err err;          /* error to inject, or NP_OK for a short fault */
    size_t max_bytes;    /* short fault: cap on the length */
    unsigned skip;
    unsigned count;
    unsigned fired;
    unsigned every;      /* after skip, one call in every `every` is hit (0, 1: all) */
    unsigned phase;      /* calls seen since the skip ran out */
};

static np_sys_lock fault_lock = NP_SYS_LOCK_INIT;
static struct np_fault faults[NP_FAULT_OP_COUNT];
static FILE *fault_log;   /* NP_FAULT_LOG: one line per fault fired */

static const char *const fault_op_names[NP_FAULT_OP_COUNT] = {
    "send", "recv", "sendto", "recvfrom", "connect", "accept", "wait", "poller_wait"
};

/* Caller holds fault_lock. */
static void fault_rearm(void)
{
    int i, armed = 0;
    for (i = 0; i < NP_FAULT_OP_COUNT; i++)
        armed |= faults[i].count > 0;
    atomic_store_explicit(&np_fault_armed, armed, memory_order_relaxed);
}

static void fault_store(np_fault_op op, np_err err, size_t max_bytes, unsigned skip,
                        unsigned count)
{
    if ((int)op < 0 || op >= NP_FAULT_OP_COUNT)
        return;
    np_sys_lock_take(&fault_lock);
    faults[op].err = err;
    faults[op].max_bytes = max_bytes;
    faults[op].skip = skip;
    faults[op].count = count;
    faults[op].fired = 0;
    faults[op].every = 1;
    faults[op].phase = 0;
    fault_rearm();
    np_sys_lock_give(&fault_lock);
}

void np_fault_set(np_fault_op op, np_err err, unsigned skip, unsigned count)
{
    if (err == NP_OK)
        count = 0;
    fault_store(op, err, 0, skip, count);
}

void np_fault_short(np_fault_op op, size_t max_bytes, unsigned skip, unsigned count)
{
    fault_store(op, NP_OK, max_bytes ? max_bytes : 1, skip, count);
}

void np_fault_every(np_fault_op op, unsigned every)
{
    if ((int)op < 0 || op >= NP_FAULT_OP_COUNT)
        return;
    np_sys_lock_take(&fault_lock);
    faults[op].every = every ? every : 1;
    faults[op].phase = 0;
    np_sys_lock_give(&fault_lock);
}

void np_fault_clear(np_fault_op op)
{
    fault_store(op, NP_OK, 0, 0, 0);
}

void np_fault_clear_all(void)
{
    int i;
    for (i = 0; i < NP_FAULT_OP_COUNT; i++)
        np_fault_clear((np_fault_op)i);
}

unsigned np_fault_fired(np_fault_op op)
{
    unsigned n;
    if ((int)op < 0 || op >= NP_FAULT_OP_COUNT)
        return 0;
    np_sys_lock_take(&fault_lock);
    n = faults[op].fired;
    np_sys_lock_give(&fault_lock);
    return n;
}

int np_fault_check(np_fault_op op, np_err *err, size_t *len)
{
    struct np_fault *f = &faults[op];
    int fail = 0;
    size_t before = len ? *len : 0;

    np_sys_lock_take(&fault_lock);
    if (f->count == 0) {
        np_sys_lock_give(&fault_lock);
        return 0;
    }
    if (f->skip > 0) {
        f->skip--;
        np_sys_lock_give(&fault_lock);
        return 0;
    }
    if (f->every > 1 && f->phase++ % f->every != 0) {
        np_sys_lock_give(&fault_lock);
        return 0;
    }
    f->count--;
    f->fired++;
    if (f->err != NP_OK) {
        *err = f->err;
        fail = 1;
    } else if (len && *len > f->max_bytes) {
        *len = f->max_bytes;
    }
    if (f->count == 0)
        fault_rearm();
    if (fault_log) {
        /* One fputs + fflush: forked children share the file (opened for
         * appending), and each line lands whole. */
        fprintf(fault_log, "np_fault(%s) -> %s\n", fault_op_names[op],
                fail ? np_err_name(*err) : "short");
        fflush(fault_log);
    }
    np_sys_lock_give(&fault_lock);

    if (NP_TRACING()) {
        if (fail)
            np_trace_line(-1, 0, *err, "np_fault(%s) -> injected", fault_op_names[op]);
        else
            np_trace_line((long long)(len ? *len : 0), 0, NP_OK,
                          "np_fault(%s) -> injected short length %llu of %llu",
                          fault_op_names[op], (unsigned long long)(len ? *len : 0),
                          (unsigned long long)before);   /* no %zu: old msvcrt lacks it */
    }
    return fail;
}

/* ---- NP_FAULT=op:kind:count[:skip[:every]],... --------------------------- */

static int fault_op_from_name(const char *name, size_t n)
{
    int i;
    for (i = 0; i < NP_FAULT_OP_COUNT; i++)
        if (strlen(fault_op_names[i]) == n && strncmp(fault_op_names[i], name, n) == 0)
            return i;
    return -1;
}

/* "econnrefused" -> NP_ECONNREFUSED, by matching np_err_name(). */
static np_err fault_err_from_name(const char *name, size_t n)
{
    np_err e;
    char want[40];
    size_t i;
    if (n + 3 >= sizeof want)
        return NP_OK;
    memcpy(want, "NP_", 3);
    for (i = 0; i < n; i++)
        want[3 + i] = (char)toupper((unsigned char)name[i]);
    want[3 + n] = '\0';
    for (e = NP_EUNKNOWN; e < NP_OK; e++)
        if (strcmp(np_err_name(e), want) == 0)
            return e;
    return NP_OK;
}

static void fault_parse_one(const char *spec, size_t n)
{
    const char *f[5];
    size_t flen[5];
    int nf = 0, op;
    const char *p = spec, *end = spec + n;
    unsigned count, skip = 0, every = 1;

    while (nf < 5) {
        const char *colon = memchr(p, ':', (size_t)(end - p));
        f[nf] = p;
        flen[nf] = (size_t)((colon ? colon : end) - p);
        nf++;
        if (!colon)
            break;
        p = colon + 1;
    }
    if (nf < 3 || (op = fault_op_from_name(f[0], flen[0])) < 0) {
        fprintf(stderr, "libnp: ignoring NP_FAULT entry '%.*s' (want op:kind:count[:skip[:every]])\n",
                (int)n, spec);
        return;
    }
    count = (unsigned)strtoul(f[2], NULL, 10);
    if (nf >= 4)
        skip = (unsigned)strtoul(f[3], NULL, 10);
    if (nf == 5)
        every = (unsigned)strtoul(f[4], NULL, 10);
    if (flen[1] > 5 && strncmp(f[1], "short", 5) == 0) {
        np_fault_short((np_fault_op)op, (size_t)strtoul(f[1] + 5, NULL, 10), skip, count);
    } else {
        np_err err = fault_err_from_name(f[1], flen[1]);
        if (err == NP_OK) {
            fprintf(stderr, "libnp: ignoring NP_FAULT entry '%.*s': unknown error '%.*s'\n",
                    (int)n, spec, (int)flen[1], f[1]);
            return;
        }
        np_fault_set((np_fault_op)op, err, skip, count);
    }
    np_fault_every((np_fault_op)op, every);
}

void np_fault_init_from_env(void)
{
    const char *spec = getenv("NP_FAULT");
    const char *log = getenv("NP_FAULT_LOG");
    if (log && *log && spec && *spec) {
        /* Binary: LF line ends everywhere; appending: shared by children. */
        fault_log = fopen(log, "ab");
        if (!fault_log)
            fprintf(stderr, "libnp: cannot open NP_FAULT_LOG '%s'\n", log);
    }
    while (spec && *spec) {
        const char *comma = strchr(spec, ',');
        size_t n = comma ? (size_t)(comma - spec) : strlen(spec);
        if (n > 0)
            fault_parse_one(spec, n);
        spec = comma ? comma + 1 : NULL;
    }
}
