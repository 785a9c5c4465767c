/* libnatter: the IRC server engine, sans-I/O.
 *
 * The engine owns every piece of server state (clients, nicks, channels,
 * modes, limits) and no socket, thread or clock. A transport feeds it events,
 *
 *     nt_engine_connect(e, id, "127.0.0.1", now)     a connection was accepted
 *     nt_engine_line(e, id, line, len, now)          one line arrived (framed)
 *     nt_engine_closed(e, id, "Connection reset by peer", now)
 *     nt_engine_tick(e, now)                         time passed (ping, flood)
 *
 * and after each call takes the outputs until there are none:
 *
 *     nt_output out;
 *     while (nt_engine_next_output(e, &out)) {
 *         if (out.kind == NT_OUT_SEND) { queue nt_line_data(out.line) for out.conn;
 *                                        nt_line_unref(out.line); }
 *         else                         { flush, then close out.conn }   (NT_OUT_CLOSE)
 *     }
 *
 * `now` is wall-clock milliseconds since the Unix epoch (np_wall_ms()); the
 * engine uses it for timeouts, flood control and server-time tags.
 *
 * A message sent to many clients is serialized once per capability variant
 * (with or without tags) and shared: each recipient's output holds a
 * reference to the same nt_line.
 *
 * The engine is not thread safe: a transport that calls it from several
 * threads holds one lock around each call and the output drain. */
#ifndef NATTER_ENGINE_H
#define NATTER_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"
#include "casemap.h"

NT_BEGIN_DECLS

typedef uint64_t nt_conn_id;

/* A serialized line (with CR LF), reference counted and immutable. */
typedef struct nt_line nt_line;
NT_API const char *nt_line_data(const nt_line *l);
NT_API size_t nt_line_len(const nt_line *l);
NT_API nt_line *nt_line_ref(nt_line *l);
NT_API void nt_line_unref(nt_line *l);

#define NT_ENGINE_MAX_OPERS 16

typedef struct nt_oper {
    const char *name;
    const char *password;
} nt_oper;

typedef struct nt_engine_config {
    const char *server_name;      /* "natter.local" */
    const char *network_name;     /* ISUPPORT NETWORK */
    const char *password;         /* server password (PASS), NULL for none */
    const char *motd;             /* text, lines split at '\n'; NULL: 422 no MOTD */
    const char *admin_location;   /* ADMIN replies */
    const char *admin_email;
    const char *version;          /* "natterd-0.1.0" */
    int64_t created_ms;           /* for 003 RPL_CREATED */
    nt_casemap casemap;
    nt_oper opers[NT_ENGINE_MAX_OPERS];
    size_t nopers;

    unsigned max_clients;         /* 0 = no limit */
    unsigned max_clients_per_ip;  /* 0 = no limit */
    unsigned max_channels;        /* per client (CHANLIMIT) */
    unsigned nicklen, channellen, topiclen, kicklen, awaylen, userlen;
    unsigned max_targets;         /* targets per PRIVMSG/NOTICE/JOIN... (TARGMAX) */
    unsigned max_list_modes;      /* bans per channel (MAXLIST) */

    int flood_limits;             /* 0 turns flood control off (tests, benchmarks) */
    unsigned flood_burst;         /* lines a client may send at once */
    unsigned flood_interval_ms;   /* then one line per interval */
    size_t recvq_bytes;           /* delayed input beyond this: "Excess Flood" */
    size_t sendq_bytes;           /* for transports: output beyond this: "SendQ exceeded" */

    int64_t ping_interval_ms;     /* idle time before the server sends PING */
    int64_t ping_timeout_ms;      /* then time to answer before "Ping timeout" */
    int64_t register_timeout_ms;  /* to complete NICK + USER */
} nt_engine_config;

/* Sensible defaults: rfc1459 case mapping, NICKLEN 30, CHANNELLEN 50,
 * TOPICLEN 390, KICKLEN 390, AWAYLEN 200, 20 channels, 4 targets, 60 bans,
 * flood control on (burst 10, then 1 line / 2 s, RecvQ 8 KiB), SendQ 1 MiB,
 * PING after 120 s idle, timeout 60 s later, 60 s to register. */
NT_API void nt_engine_config_defaults(nt_engine_config *cfg);

typedef struct nt_engine nt_engine;

/* The engine copies every string it needs from cfg. NULL on out of memory. */
NT_API nt_engine *nt_engine_new(const nt_engine_config *cfg, int64_t now);
NT_API void nt_engine_free(nt_engine *e);

/* ---- input events -------------------------------------------------------- */

/* A new connection from peer_ip (text, used for per-IP limits and as the host
 * part of the client's mask). Over a limit, the engine answers ERROR and asks
 * to close. Ids are the transport's and must not be reused while open. */
NT_API void nt_engine_connect(nt_engine *e, nt_conn_id id, const char *peer_ip, int64_t now);
/* One line from id, without its line end (nt_framer gives exactly that).
 * Line length: a line over 512 bytes (or with a tags section over 8191) is
 * refused whole with 417 ERR_INPUTTOOLONG and not acted on, because a
 * truncated PRIVMSG, MODE or KICK would do something the client never asked.
 * Outgoing lines are cut at 512 bytes (at a UTF-8 boundary) when a relayed
 * text plus its longer source would exceed the limit. */
NT_API void nt_engine_line(nt_engine *e, nt_conn_id id, const char *line, size_t len,
                           int64_t now);
/* The transport lost id (EOF, error, SendQ exceeded...): others see it QUIT
 * with reason. Not called for a close the engine asked for. */
NT_API void nt_engine_closed(nt_engine *e, nt_conn_id id, const char *reason, int64_t now);
/* A client sent more than NT_FRAME_MAX bytes without a line end. */
NT_API void nt_engine_overflow(nt_engine *e, nt_conn_id id, int64_t now);
/* Let time pass: PINGs, timeouts, delayed (flood-limited) lines. */
NT_API void nt_engine_tick(nt_engine *e, int64_t now);
/* When the engine next needs a tick (absolute, same clock as now), or -1.
 * Never late; it may be early (a tick with nothing due is harmless). */
NT_API int64_t nt_engine_next_tick(const nt_engine *e);
/* Server shutdown: every client gets ERROR :reason and a close. */
NT_API void nt_engine_shutdown(nt_engine *e, const char *reason, int64_t now);

/* ---- outputs ------------------------------------------------------------- */

typedef enum nt_output_kind {
    NT_OUT_SEND = 1,   /* send line to conn; the output owns one reference */
    NT_OUT_CLOSE = 2   /* flush what was sent to conn, then close it */
} nt_output_kind;

typedef struct nt_output {
    nt_output_kind kind;
    nt_conn_id conn;
    nt_line *line;             /* NT_OUT_SEND */
    char reason[128];          /* NT_OUT_CLOSE: for logs */
} nt_output;

/* Take the next output in order; 0 when there is none. */
NT_API int nt_engine_next_output(nt_engine *e, nt_output *out);

/* ---- introspection (logs, tests, the GUI's embedded server) -------------- */

typedef struct nt_engine_stats {
    unsigned connections;     /* open, registered or not */
    unsigned registered;
    unsigned channels;
    unsigned opers;
    unsigned long long lines_in, lines_out, bytes_out;
} nt_engine_stats;

NT_API void nt_engine_get_stats(const nt_engine *e, nt_engine_stats *st);
/* The nick of a registered connection, or NULL. */
NT_API const char *nt_engine_nick(const nt_engine *e, nt_conn_id id);
NT_API const nt_engine_config *nt_engine_config_of(const nt_engine *e);

NT_END_DECLS

#endif /* NATTER_ENGINE_H */
