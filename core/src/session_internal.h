/* libnatter: the client session's private state, shared by session*.c.
 *
 * session.c        life cycle, bytes in/out, the event queue, dispatch of
 *                  server lines
 * session_reg.c    registration: CAP, ISUPPORT, nick fallback, welcome
 * session_state.c  channels, members (prefixes, away), private chats, MODE
 * session_cmd.c    user commands: validation and long-text splitting
 * session_ctcp.c   CTCP in both directions, replies rate-limited
 *
 * Every string the session keeps is its own heap copy, so nothing points into
 * a caller's buffer or into a message that has since been replaced. */
#ifndef NATTER_SESSION_INTERNAL_H
#define NATTER_SESSION_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "natter/session.h"

#define SESS_ERR_MAX 160
#define SESS_PREFIX_MAX 16     /* prefix modes a server may advertise */
#define SESS_NICK_ATTEMPTS 12  /* nick-in-use fallbacks before giving up */

/* One queued event: nt_event with owned strings and the raw line behind it,
 * which is parsed again on delivery (an nt_msg is ~10 KB; a line is short). */
typedef struct sess_event {
    struct sess_event *next;
    nt_event_type type;
    char *nick, *target, *channel, *text, *channels, *line;
    int code, self;
    int64_t time;
} sess_event;

typedef struct sess_member {
    char *nick;
    char prefixes[SESS_PREFIX_MAX + 1]; /* prefix characters, highest rank first */
    int away;
} sess_member;

typedef struct sess_channel {
    char *name;            /* as the server spelled it in our JOIN */
    char *topic;           /* NULL: none known */
    char *topic_setter;
    int64_t topic_time;    /* ms, 0 unknown */
    char *key;             /* the key we joined with, for rejoining */
    sess_member *members;
    size_t nmembers, cap;
    int names_done;        /* 366 seen: the next 353 starts a fresh list */
    int dirty;             /* members need sorting before anyone looks */
} sess_channel;

typedef struct sess_kv {
    char *key, *value;
} sess_kv;

/* A plain growable byte buffer; `head` bytes at the front are consumed. */
typedef struct sess_buf {
    char *data;
    size_t head, len, cap;
} sess_buf;

struct nt_session {
    /* configuration, copied */
    char *username, *realname, *password, *version_reply;
    char *want_nick;        /* the nick to register with (cfg, then /nick) */
    int rejoin;             /* cfg.rejoin_on_reconnect */

    /* connection */
    int started;            /* start() called and not closed since */
    int registered;
    int disconnect_seen;    /* DISCONNECTED already emitted for this connection */
    int nick_attempt;       /* 0: want_nick; n: the n-th fallback */
    char *nick;             /* our current nick */
    char *hostmask;         /* nick!user@host as the server shows us, if learned */
    char *server_name;
    char *away_text;        /* what we asked AWAY with, pending 306 */
    int is_away;

    /* CAP negotiation */
    char *cap_ls;           /* offered caps, accumulated over multi-line LS */
    int cap_negotiating;    /* CAP END not yet sent */
    char **caps;            /* enabled caps */
    size_t ncaps;

    /* ISUPPORT */
    sess_kv *isupport;
    size_t nisupport;
    nt_casemap casemap;
    char prefix_modes[SESS_PREFIX_MAX + 1];  /* "ov" */
    char prefix_chars[SESS_PREFIX_MAX + 1];  /* "@+" */
    char *chantypes;                          /* "#&" */
    char *chanmodes;                          /* "beI,k,l,imnpst" */
    size_t nicklen;

    /* state */
    sess_channel *chans;
    size_t nchans, chans_cap;
    char **queries;         /* private chats, in the order they started */
    size_t nqueries;
    char **rejoin_names, **rejoin_keys;  /* channels to join after reconnecting */
    size_t nrejoin;
    sess_kv *join_keys;     /* keys of JOINs we sent, until the server confirms */
    size_t njoin_keys;

    /* CTCP reply budget (token bucket, in replies) */
    double ctcp_tokens;
    int64_t ctcp_last;

    /* I/O */
    nt_framer framer;
    sess_buf out;
    sess_event *ev_head, *ev_tail;
    sess_event *ev_current;  /* the event last handed out; freed on the next call */
    nt_msg cur_msg;          /* the raw message of the current event */
    nt_msg in_msg;           /* the server line being handled */
    int64_t feed_now;

    char error[SESS_ERR_MAX];
};

/* ---- session.c ---------------------------------------------------------- */
char *sess_strdup(const char *s);
char *sess_strndup(const char *s, size_t n);
void sess_set_str(char **dst, const char *s);
/* Queue one line (CR LF added). */
void sess_send_raw(nt_session *s, const char *line, size_t len);
/* Queue "CMD p1 p2 ... :last": every param but the last must be a word; the
 * last gets a ':' when it needs one. n params. */
void sess_send(nt_session *s, const char *cmd, const char *const *params, size_t n);
sess_event *sess_event_new(nt_session *s, nt_event_type type, const nt_msg *m,
                           const char *line, int64_t time);
void sess_event_set(char **field, const char *value);
void sess_event_push(nt_session *s, sess_event *e);
/* "nick" out of "nick!user@host" (copied into buf). */
const char *sess_source_nick(const char *source, char *buf, size_t cap);
int sess_is_me(const nt_session *s, const char *nick);
int sess_error(nt_session *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The time for an event about m: its server-time tag, else the feed's now. */
int64_t sess_msg_time(const nt_session *s, const nt_msg *m);
/* "2024-05-01T12:34:56.789Z" -> ms since 1970; -1 when malformed. */
int64_t sess_parse_time(const char *iso);
/* An event for a numeric or unknown command: text = params after ours. */
void sess_emit_numeric(nt_session *s, nt_event_type type, const nt_msg *m,
                       const char *line, int code);

/* A simple event about m: nick from its source, the given text and code. */
void sess_emit(nt_session *s, nt_event_type type, const nt_msg *m, const char *line,
               const char *text, int code);

/* ---- session_reg.c ------------------------------------------------------ */
void sess_caps_clear(nt_session *s);
void sess_isupport_clear(nt_session *s);
/* What RFC 1459 servers mean when they say nothing. */
void sess_isupport_defaults(nt_session *s);
void sess_on_cap(nt_session *s, const nt_msg *m);
void sess_on_isupport(nt_session *s, const nt_msg *m);            /* 005 */
void sess_on_welcome(nt_session *s, const nt_msg *m, const char *line);  /* 001 */
/* 433/436/437 (or 432 for a fallback) before 001: try the next alternative. */
void sess_nick_fallback(nt_session *s, const nt_msg *m, const char *line, int code);

/* ---- session_state.c ---------------------------------------------------- */
sess_channel *sess_chan_find(const nt_session *s, const char *name);
sess_channel *sess_chan_add(nt_session *s, const char *name);
void sess_chan_remove(nt_session *s, const char *name);
void sess_chans_clear(nt_session *s);
sess_member *sess_member_find(const nt_session *s, sess_channel *c, const char *nick);
sess_member *sess_member_add(nt_session *s, sess_channel *c, const char *nick_with_prefixes);
int sess_member_remove(nt_session *s, sess_channel *c, const char *nick);
/* Rank of a prefix character (0 highest), or the number of prefixes if none. */
size_t sess_prefix_rank(const nt_session *s, char prefix);
void sess_member_set_prefix(nt_session *s, sess_member *m, char prefix, int on);
/* Sort members of every dirty channel (rank, then nick). */
void sess_settle(nt_session *s);
/* Space-separated names of the channels nick is in (heap), NULL if none. */
char *sess_shared_channels(const nt_session *s, const char *nick);
void sess_emit_members(nt_session *s, const char *channel, int64_t time);
/* The channel a message target names ("#c", or "@#c" for STATUSMSG), or NULL. */
const char *sess_target_channel(const nt_session *s, const char *target);
void sess_query_touch(nt_session *s, const char *nick);
void sess_query_rename(nt_session *s, const char *old, const char *nick);
void sess_queries_clear(nt_session *s);
void sess_rejoin_clear(nt_session *s);
/* Keys of JOINs in flight: kept until our JOIN comes back, then moved to the
 * channel so a reconnect can rejoin with it. */
void sess_join_key_remember(nt_session *s, const char *channel, const char *key);
void sess_join_keys_clear(nt_session *s);
/* Remember the channels we are in (with keys) for rejoining. */
void sess_rejoin_capture(nt_session *s);
/* Handlers of server messages that change channel state. */
void sess_on_join(nt_session *s, const nt_msg *m, const char *line);
void sess_on_part(nt_session *s, const nt_msg *m, const char *line);
void sess_on_kick(nt_session *s, const nt_msg *m, const char *line);
void sess_on_quit(nt_session *s, const nt_msg *m, const char *line);
void sess_on_nick(nt_session *s, const nt_msg *m, const char *line);
void sess_on_mode(nt_session *s, const nt_msg *m, const char *line);
void sess_on_topic(nt_session *s, const nt_msg *m, const char *line);
void sess_on_away(nt_session *s, const nt_msg *m, const char *line);
void sess_on_names_reply(nt_session *s, const nt_msg *m, const char *line);  /* 353 */
void sess_on_names_end(nt_session *s, const nt_msg *m, const char *line);    /* 366 */
void sess_on_topic_reply(nt_session *s, const nt_msg *m, const char *line);  /* 331/332/333 */
void sess_on_away_reply(nt_session *s, const nt_msg *m, const char *line);   /* 301/305/306 */
void sess_on_who_reply(nt_session *s, const nt_msg *m, const char *line);    /* 352 */
/* Set nick's away state in every channel; emits MEMBERS where it changed. */
void sess_set_away(nt_session *s, const char *nick, int away, int64_t time);

/* ---- session_ctcp.c ----------------------------------------------------- */
/* PRIVMSG / NOTICE (CTCP or not): emits MESSAGE, NOTICE, ACTION or CTCP. */
void sess_on_privmsg(nt_session *s, const nt_msg *m, const char *line, int notice);

/* ---- session_cmd.c ------------------------------------------------------ */
/* Bytes a PRIVMSG/NOTICE text to target may hold so the line the server relays
 * (with our nick!user@host prefix) still fits 512 bytes. */
size_t sess_text_budget(const nt_session *s, const char *cmd, const char *target);

#endif /* NATTER_SESSION_INTERNAL_H */
