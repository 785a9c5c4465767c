/* example_util: what the example programs share; see example_util.h. */
#include "example_util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- command line ---------------------------------------------------------- */

/* A whole decimal number in [min, max]: "12x", "" and "-" are refused, which
 * atoi() would quietly turn into numbers. */
static int parse_number(const char *text, long min, long max, long *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < min || v > max)
        return 0;
    *out = v;
    return 1;
}

void ex_parse_args(int argc, char **argv, void (*usage)(FILE *to), const char **host,
                   const ex_option *options, size_t count)
{
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        const ex_option *o = NULL;
        if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
            usage(stdout);
            exit(0);
        }
        if (strcmp(opt, "--host") == 0 && i + 1 < argc) {
            *host = argv[++i];
            continue;
        }
        for (size_t k = 0; k < count && !o; k++)
            if (strcmp(opt, options[k].name) == 0 && (!options[k].wants || i + 1 < argc))
                o = &options[k];
        if (!o) {
            /* Also an option whose argument is missing: usage says what it wants. */
            fprintf(stderr, "%s: unknown or incomplete option '%s'\n\n", ex_prog, opt);
            usage(stderr);
            exit(2);
        }
        if (!o->wants) {
            *o->value = o->min;
        } else if (!parse_number(argv[++i], o->min, o->max, o->value)) {
            fprintf(stderr, "%s: %s wants %s, not '%s'\n", ex_prog, o->name, o->wants, argv[i]);
            exit(2);
        }
    }
}

/* ---- setup ------------------------------------------------------------------- */

void ex_die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", ex_prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    np_cleanup(); /* balanced: every caller runs after ex_init() */
    exit(1);
}

void ex_init(void)
{
    np_err err;
    /* Each line must reach a pipe or terminal at once (Windows has no line
     * buffering, so: no buffering), and nothing may wait in a stdio buffer
     * at fork() to be printed twice. */
    setvbuf(stdout, NULL, _IONBF, 0);
    err = np_init(); /* WSAStartup on Windows; SIGPIPE ignored on POSIX */
    if (err != NP_OK) {
        /* Not ex_die(): there is nothing to np_cleanup() yet. */
        fprintf(stderr, "%s: cannot start the socket library: %s\n", ex_prog,
                np_strerror(err));
        exit(1);
    }
}

void ex_local_addr(const char *host, long port, np_addr *addr)
{
    if (np_addr_from_ip(host, (uint16_t)port, addr) != NP_OK) {
        /* Bad usage rather than a failure: exit code 2, as for bad options. */
        fprintf(stderr, "%s: '%s' is not a numeric IP address\n", ex_prog, host);
        np_cleanup();
        exit(2);
    }
}

np_socket_t ex_listen(const char *host, long port, int backlog, char *where)
{
    np_socket_t listener;
    np_addr addr;
    np_err err;
    ex_local_addr(host, port, &addr);
    /* socket() + setsockopt(SO_REUSEADDR) + bind() + listen(), in one call. */
    err = np_tcp_listen(&addr, backlog, 0, &listener);
    if (err != NP_OK) {
        np_addr_format(&addr, where, NP_ADDRSTRLEN);
        ex_die("cannot listen on %s: %s", where, np_strerror(err));
    }
    /* With port 0 the OS picked the port: getsockname() tells which. */
    np_getsockname(listener, &addr);
    np_addr_format(&addr, where, NP_ADDRSTRLEN);
    return listener;
}

np_socket_t ex_connect(const char *host, long port, long timeout_ms, char *where)
{
    np_socket_t sock;
    np_addr peer;
    /* Resolve the name and connect, like Python's socket.create_connection(). */
    np_err err = np_tcp_connect(host, (uint16_t)port, timeout_ms, &sock);
    if (err != NP_OK)
        ex_die("cannot connect to %s port %ld: %s", host, port, np_strerror(err));
    np_getpeername(sock, &peer);
    np_addr_format(&peer, where, NP_ADDRSTRLEN);
    return sock;
}

/* ---- serving clients ------------------------------------------------------- */

int ex_client_gave_up(np_err err)
{
    /* Wine reports such a client as "not connected". */
    return err == NP_ECONNABORTED || err == NP_ECONNRESET || err == NP_ENOTCONN;
}

np_err ex_accept(np_socket_t listener, np_socket_t *conn, char *who)
{
    for (;;) {
        np_addr peer;
        np_err err = np_accept(listener, conn, &peer);
        if (err == NP_OK) {
            np_addr_format(&peer, who, NP_ADDRSTRLEN);
            printf("client %s connected\n", who);
            return NP_OK;
        }
        if (ex_client_gave_up(err))
            continue;
        if (err == NP_EMFILE || err == NP_ENFILE || err == NP_ENOBUFS || err == NP_ENOMEM) {
            /* Out of resources for now; they come back as clients leave.
             * Retrying at once would only spin. */
            fprintf(stderr, "%s: accept: %s; retrying\n", ex_prog, np_strerror(err));
            np_sleep_ms(100);
            continue;
        }
        if (err != NP_ETIMEDOUT)
            fprintf(stderr, "%s: accept failed: %s\n", ex_prog, np_strerror(err));
        return err;
    }
}

int ex_echo(np_socket_t conn, const char *tag, const char *who)
{
    char buf[4096];
    unsigned long total = 0;
    for (;;) {
        size_t got;
        np_err err = np_recv(conn, buf, sizeof buf, &got);
        if (err == NP_OK && got == 0) { /* recv() gave 0 bytes: the client closed its side */
            printf("%s %s left after %lu bytes\n", tag, who, total);
            return 0;
        }
        if (err == NP_OK)
            err = np_sendall(conn, buf, got, NULL); /* loops over short writes */
        if (err != NP_OK) {
            /* A reset or a timeout ends this client only, never the server. */
            printf("%s %s dropped: %s\n", tag, who, np_strerror(err));
            return 1;
        }
        total += (unsigned long)got;
    }
}

/* ---- lines ------------------------------------------------------------------- */

np_err ex_recv_line(ex_line_reader *r, char *line, size_t size)
{
    for (;;) {
        char *nl = memchr(r->buf, '\n', r->len);
        size_t got;
        np_err err;
        /* A full buffer without "\n" is handed out as it is: waiting for more
         * would wait forever, as there is no room left to receive it. */
        if (nl || r->len == sizeof r->buf) {
            size_t n = nl ? (size_t)(nl - r->buf) : r->len;
            size_t used = nl ? n + 1 : n;
            if (n > 0 && r->buf[n - 1] == '\r')
                n--;
            if (n >= size)
                n = size - 1;
            memcpy(line, r->buf, n);
            line[n] = '\0';
            memmove(r->buf, r->buf + used, r->len - used);
            r->len -= used;
            return NP_OK;
        }
        err = np_recv(r->sock, r->buf + r->len, sizeof r->buf - r->len, &got);
        if (err != NP_OK)
            return err;
        if (got == 0)
            return NP_EEOF; /* recv() gave 0 bytes: the peer closed its side */
        r->len += got;
    }
}

int ex_read_line(const char *prompt, char *line, size_t size)
{
    if (prompt) {
        printf("%s", prompt);
        fflush(stdout); /* stdout is unbuffered after ex_init(); not before */
    }
    if (!fgets(line, (int)size, stdin))
        return 0;
    line[strcspn(line, "\r\n")] = '\0';
    return 1;
}
