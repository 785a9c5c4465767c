/* example_util: the chores every example program shares, so that each program
 * shows only its own loop.
 *
 * Options are parsed the same way everywhere; setup failures print
 * "<program>: <reason>" on stderr and end the program (exit code 2 for bad
 * usage, 1 for anything else), as Python's argparse and an uncaught exception
 * would; accept() errors that do not concern the server are ridden out. */
#ifndef NP_EXAMPLE_UTIL_H
#define NP_EXAMPLE_UTIL_H

#include <np/np.h>

#include <stddef.h>
#include <stdio.h>

#if defined(__GNUC__) || defined(__clang__)
#  define EX_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#  define EX_PRINTF(fmt, args)
#endif

/* The program's name, e.g. "np-echo-server". Each program defines it; every
 * message starts with it. */
extern const char ex_prog[];

/* ---- command line ---------------------------------------------------------- */

/* An option that takes a whole number in [min, max], e.g. --port 8888. */
typedef struct ex_option {
    const char *name;  /* "--port" */
    long min, max;
    const char *wants; /* the error says "--port wants <wants>, not 'x'";
                        * NULL: a flag without argument that sets *value = min */
    long *value;
} ex_option;

/* The rows most programs share, so that --port means the same everywhere. */
#define EX_OPT_SERVER_PORT(value) { "--port", 0, 65535, "a number from 0 to 65535", (value) }
#define EX_OPT_CLIENT_PORT(value) { "--port", 1, 65535, "a number from 1 to 65535", (value) }
#define EX_OPT_MAX_CLIENTS(value) \
    { "--max-clients", 1, 1000000000L, "a positive number", (value) }
#define EX_OPT_TIMEOUT(value) { "--timeout", 1, 3600000L, "milliseconds", (value) }

/* Parse argv: --help or -h (usage(stdout), exit 0), --host ADDR into *host,
 * and the given options. Anything else, or a number out of range, prints the
 * reason and exits with code 2. */
void ex_parse_args(int argc, char **argv, void (*usage)(FILE *to), const char **host,
                   const ex_option *options, size_t count);

/* ---- setup: each of these prints the reason and exits on failure ------------ */

/* Print "<program>: <message>" on stderr, release libnp, exit with code 1. */
_Noreturn void ex_die(const char *fmt, ...) EX_PRINTF(1, 2);

/* Make stdout unbuffered, then np_init(). */
void ex_init(void);

/* host:port as a local address to bind; a host that is not a numeric IP
 * exits with code 2. */
void ex_local_addr(const char *host, long port, np_addr *addr);

/* A TCP listener on host:port (port 0: any free one). `where` (NP_ADDRSTRLEN
 * bytes) receives the address it really got. */
np_socket_t ex_listen(const char *host, long port, int backlog, char *where);

/* A TCP connection to host:port (a name or an address), giving up after
 * timeout_ms. `where` (NP_ADDRSTRLEN bytes) receives the server's address. */
np_socket_t ex_connect(const char *host, long port, long timeout_ms, char *where);

/* ---- serving clients ------------------------------------------------------- */

/* np_accept(), riding out what does not concern the server: a client that gave
 * up in the backlog is skipped, a shortage of descriptors or memory waits
 * 100 ms and tries again. On NP_OK, `who` (NP_ADDRSTRLEN bytes) holds the
 * client's address and "client WHO connected" is printed. NP_ETIMEDOUT (a
 * listener in timeout mode) comes back silently; any other error is printed
 * and means the listener is broken. */
np_err ex_accept(np_socket_t listener, np_socket_t *conn, char *who);

/* 1 for the np_accept() errors of a client that gave up before it was
 * accepted: skip it and accept the next. */
int ex_client_gave_up(np_err err);

/* Send back every byte the client sends until it hangs up, then print
 * "TAG WHO left after N bytes" (returns 0) or "TAG WHO dropped: reason"
 * (returns 1). */
int ex_echo(np_socket_t conn, const char *tag, const char *who);

/* ---- lines ------------------------------------------------------------------- */

/* Whole "\n"-terminated lines from a TCP stream: one recv() may bring half a
 * line or several, so bytes wait here until a line is complete. Start with
 * len = 0. */
typedef struct ex_line_reader {
    np_socket_t sock;
    char buf[1024];
    size_t len;
} ex_line_reader;

/* Next line from the peer, without "\n" or "\r\n". NP_EEOF once the peer has
 * closed; other errors as np_recv() gives them. A line longer than the buffer
 * comes out in pieces. */
np_err ex_recv_line(ex_line_reader *r, char *line, size_t size);

/* Print `prompt` (if not NULL) and read a line of standard input, without its
 * line end. 0 at end of input. */
int ex_read_line(const char *prompt, char *line, size_t size);

#endif
