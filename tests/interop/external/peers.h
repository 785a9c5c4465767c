/* Interop with real IRC software (Linux only): the harness.
 *
 * Starts ngircd, InspIRCd and natterd on 127.0.0.1 with a free port, and ii
 * and irssi as real clients, always behind a small watchdog shell script: the
 * script holds the peer, and when our end of its stdin closes — because the
 * test stopped the peer, or because the test process died in any way — it
 * kills the peer. So a failing or crashing test leaves nothing running.
 *
 * It also has the two kinds of IRC clients the tests drive from here: a raw
 * line client over a libnp socket (irc_conn) and our own client session
 * (nt_session) pumped over a libnp socket (sess_client), whose events are
 * copied into a log the test searches.
 *
 *     int main(int argc, char **argv) {
 *         NP_TEST_INIT();
 *         peers_init(argv[0]);
 *         PEERS_RUN(test_something);     // runs the case, then stops every peer
 *         return NP_TEST_DONE();
 *     }
 *
 *     static void test_something(void) {
 *         peer_server *srv;
 *         PEER_REQUIRE("ngircd");        // SKIP with a reason if the binary is absent
 *         CHECK_OK(peer_start_ngircd(&srv));
 *         ...                            // srv->addr, srv->name
 *     }
 */
#ifndef NT_EXT_PEERS_H
#define NT_EXT_PEERS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <natter/natter.h>
#include <np/np.h>

#include "np_test.h"

/* ---- programs ----------------------------------------------------------- */

/* Call once from main with argv[0] (natterd and natter-cli are found beside it). */
void peers_init(const char *argv0);
/* Full path of an installed program (PATH, then /usr/sbin and /sbin) in out;
 * 0 if it is not installed. */
int peers_which(const char *prog, char *out, size_t len);
/* Path of natterd / natter-cli beside the test; 0 if it has not been built. */
int peers_sibling(const char *name, char *out, size_t len);

/* SKIP the case (with a printed reason) when prog is not installed. */
#define PEER_REQUIRE(prog) do { char peer_req_path_[512]; \
    if (!peers_which((prog), peer_req_path_, sizeof peer_req_path_)) { \
        char peer_req_why_[160]; \
        snprintf(peer_req_why_, sizeof peer_req_why_, "%s is not installed", (prog)); \
        SKIP(peer_req_why_); } } while (0)
/* SKIP the case when natterd / natter-cli was not built (it is built with the tests). */
#define PEER_REQUIRE_SIBLING(name) do { char peer_req_path_[512]; \
    if (!peers_sibling((name), peer_req_path_, sizeof peer_req_path_)) { \
        char peer_req_why_[160]; \
        snprintf(peer_req_why_, sizeof peer_req_why_, "%s was not built", (name)); \
        SKIP(peer_req_why_); } } while (0)

/* Run a case, then stop every peer it left running (also after a failure). */
void peers_run(const char *name, void (*fn)(void));
#define PEERS_RUN(fn) peers_run(#fn, fn)
/* Stop every running peer and remove its files (called by peers_run and at exit). */
void peers_cleanup(void);

/* ---- servers ------------------------------------------------------------ */

typedef enum peer_kind { PEER_NGIRCD, PEER_INSPIRCD, PEER_NATTERD, PEER_SIBLING } peer_kind;

typedef struct peer_server {
    peer_kind kind;
    const char *label;        /* "ngircd", "inspircd", "natterd", a sibling's name */
    np_test_proc *proc;       /* the watchdog */
    np_addr addr;             /* where it listens */
    uint16_t port;
    char name[64];            /* its server name */
    char log[256];            /* its console output */
    char conf[256];           /* its config (ngircd, inspircd) */
    char motd[256];
    int slot;                 /* in the registry */
} peer_server;

/* Start a server, wait until it answers a registration (NICK/USER -> 001);
 * *out is the harness's (stopped by peer_stop or at the end of the case).
 * NP_ENOENT if the program is absent (callers check with PEER_REQUIRE first). */
np_err peer_start_ngircd(peer_server **out);
np_err peer_start_inspircd(peer_server **out);
/* natterd --listen 127.0.0.1:0 --no-flood-limits --server-name natter.test
 * plus extra (NULL-terminated, may be NULL). */
np_err peer_start_natterd(peer_server **out, const char *const extra[]);
/* Another program built beside the test that takes --listen 127.0.0.1:0 and
 * --server-name NAME, prints "listening on ADDR" and answers a registration
 * with 001 (the benchmarks' reference server): started and probed like
 * natterd, with prog + extra. prog is also the label: it must outlive s. */
np_err peer_start_sibling(peer_server **out, const char *prog, const char *const extra[]);

/* Any other program behind a watchdog (so it cannot outlive the caller), in
 * the mode where its stdout comes to us (read it from *out) and its stderr
 * goes to log. Not in the registry: stop it with peers_stop_watched. */
np_err peers_spawn_watched(const char *log, const char *const argv[], np_test_proc **out);
/* Stop it (SIGTERM, SIGKILL after 3 s); its exit status, or -1. */
int peers_stop_watched(np_test_proc **p);

/* Limits for the servers started after the call (the benchmarks raise them);
 * a zero field keeps the tests' setting. */
typedef struct peer_limits {
    unsigned max_clients;     /* ngircd MaxConnections; InspIRCd's connect class
                                 limit, localmax, globalmax and softlimit */
    size_t sendq_bytes;       /* InspIRCd hardsendq and softsendq */
    int no_penalty;           /* ngircd MaxPenaltyTime = 0 (its per-command
                                 penalties; its read throttling stays) */
} peer_limits;
void peers_set_limits(const peer_limits *limits);   /* NULL: back to the tests' */
/* How often each watchdog checks that its peer still runs (100 ms by
 * default). Every check starts a `sleep`: a benchmark asks for less. */
void peers_set_watch_interval_ms(int ms);

/* Stop it, remove its files and free it; on a failed case its log is printed
 * first. The harness owns every peer it starts: peers_run stops what a case
 * left running. */
void peer_stop(peer_server *s);

/* ---- real clients: ii and irssi ---------------------------------------- */

typedef struct peer_client {
    const char *label;        /* "ii", "irssi" */
    np_test_proc *proc;       /* the watchdog */
    char dir[256];            /* ii: its irc directory; irssi: its home */
    char host[64];            /* ii: the server directory name ("127.0.0.1") */
    char log[256];
    int slot;
} peer_client;

/* ii -s 127.0.0.1 -p PORT -n nick -i DIR. */
np_err peer_start_ii(peer_client **out, const peer_server *srv, const char *nick);
/* Write a line into ii's input FIFO for target (NULL: the server), e.g.
 * "/j #chan" or a message for a channel. */
np_err peer_ii_send(peer_client *c, const char *target, const char *line);
/* Wait for a line containing needle in ii's output for target (NULL: server). */
np_err peer_ii_expect(peer_client *c, const char *target, const char *needle,
                      int64_t timeout_ms);

/* irssi in a pseudo-terminal (script -qfec) with a throwaway --home that logs
 * every window to DIR/logs/<channel>.log; keystrokes go to its input. */
np_err peer_start_irssi(peer_client **out, const peer_server *srv, const char *nick);
np_err peer_irssi_type(peer_client *c, const char *line);
/* Wait for a line containing needle in irssi's log of window (e.g. "#chan"). */
np_err peer_irssi_expect(peer_client *c, const char *window, const char *needle,
                         int64_t timeout_ms);

void peer_client_stop(peer_client *c);

/* ---- files -------------------------------------------------------------- */

/* 1 if a line of file path contains needle (copied to out if given). */
int peers_file_has(const char *path, const char *needle, char *out, size_t len);
/* Wait until it does: NP_OK or NP_ETIMEDOUT. */
np_err peers_file_wait(const char *path, const char *needle, int64_t timeout_ms);
/* Print a file, each line prefixed (for failure reports). */
void peers_print_file(const char *path, const char *prefix, size_t max_lines);

/* ---- a raw IRC line client over a libnp socket ------------------------- */

typedef struct irc_conn {
    np_socket_t sock;
    int open;
    nt_framer framer;
    char tag[32];             /* printed before each traced line */
    int trace;                /* print every line sent and received */
} irc_conn;

np_err irc_open(irc_conn *c, const np_addr *addr, const char *tag);
void irc_close(irc_conn *c);
/* Send one line (CR LF added). */
np_err irc_send(irc_conn *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The next line within timeout_ms, parsed. NP_ETIMEDOUT, NP_EEOF. */
np_err irc_read(irc_conn *c, nt_msg *m, int64_t timeout_ms);
/* Read until a message with this command (and, if arg is not NULL, a
 * parameter equal to it) arrives; earlier lines are dropped. */
np_err irc_expect(irc_conn *c, const char *command, const char *arg, nt_msg *m,
                  int64_t timeout_ms);
/* NICK + USER, answer PINGs, wait for 001 (*m: the 001). 433 fails. */
np_err irc_register(irc_conn *c, const char *nick, nt_msg *m, int64_t timeout_ms);

/* Every line a server sent in answer to one command: send `command`, then
 * PING :token, and collect the lines until the PONG carrying token (the PONG
 * itself is not kept). A server answers in order, so this is exactly the
 * reply to the command, however slowly a throttling server answers. */
#define IRC_REPLY_MAX 64
typedef struct irc_reply {
    char lines[IRC_REPLY_MAX][600];
    size_t n;
} irc_reply;
np_err irc_exchange(irc_conn *c, const char *command, irc_reply *out, int64_t timeout_ms);

/* ---- our client session over a libnp socket ---------------------------- */

typedef struct sess_event {
    nt_event_type type;
    char nick[64], target[64], channel[64];
    char text[512];
    int code, self, used;
    char line[600];           /* the raw message, for reports */
} sess_event;

#define SESS_MAX_EVENTS 2048

typedef struct sess_client {
    nt_session *s;
    np_socket_t sock;
    int open;
    char tag[32];
    sess_event *ev;           /* SESS_MAX_EVENTS */
    size_t nev;
    int closed;               /* the server closed the connection */
} sess_client;

/* Connect to addr, start the session with nick (CAP LS 302, NICK, USER). */
np_err sess_open(sess_client *c, const np_addr *addr, const char *nick, const char *tag);
void sess_close(sess_client *c);
/* Send what the session queued, read what came within ms, turn it into events. */
np_err sess_pump(sess_client *c, int64_t ms);
/* Pump until an unused event of type matches (each non-NULL field equal,
 * case-insensitively; text as a substring) and mark it used. NULL on timeout
 * (after printing the events seen). */
const sess_event *sess_expect(sess_client *c, nt_event_type type, const char *nick,
                              const char *channel, const char *text, int64_t timeout_ms);
/* The same without waiting or marking: 1 if such an event was seen. */
int sess_seen(sess_client *c, nt_event_type type, const char *nick, const char *channel,
              const char *text);
const char *sess_event_name(nt_event_type type);
void sess_dump(const sess_client *c);

/* strcasecmp for ASCII (portable). */
int peers_strcaseeq(const char *a, const char *b);

#endif /* NT_EXT_PEERS_H */
