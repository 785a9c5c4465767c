/* libnatter: the IRC client session, sans-I/O.
 *
 * The session turns bytes from a server into typed events and user commands
 * into bytes to send, and tracks what a client needs to show: our nick, the
 * channels we are in, their topics and members with prefixes, the server's
 * ISUPPORT (case mapping, prefixes, channel types) and capabilities. It opens
 * no socket and reads no clock: the caller moves the bytes and passes `now`
 * (wall-clock ms, np_wall_ms()).
 *
 *     nt_session *s = nt_session_new(&cfg);
 *     nt_session_start(s, now);                       // CAP LS 302, PASS, NICK, USER
 *     send(nt_session_output(s, &len)); nt_session_consume_output(s, len);
 *     nt_session_feed(s, bytes, n, now);              // whatever the server sent
 *     while (nt_session_next_event(s, &ev)) show(&ev);
 *     nt_session_say(s, "#natter", "hello", now);     // then send the output again
 *
 * Handled for the caller: PING (answered), nick in use at registration (tries
 * alternatives: nick_, nick__, nick1...), CAP negotiation (requests
 * server-time, echo-message, multi-prefix, message-tags, away-notify when
 * offered), ISUPPORT, CTCP ACTION for /me (and CTCP VERSION/PING replies). */
#ifndef NATTER_SESSION_H
#define NATTER_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"
#include "casemap.h"
#include "msg.h"

NT_BEGIN_DECLS

typedef struct nt_session_config {
    const char *nick;
    const char *username;      /* USER name; defaults to nick */
    const char *realname;      /* defaults to nick */
    const char *password;      /* PASS, NULL for none */
    const char *version_reply; /* CTCP VERSION answer; NULL for a default */
    /* Added: after a reconnect (nt_session_closed, then nt_session_start),
     * join again the channels we were in, with their keys, once registered. */
    int rejoin_on_reconnect;
} nt_session_config;

typedef enum nt_event_type {
    NT_EV_REGISTERED = 1,  /* 001 came: text = welcome, nick = our nick */
    NT_EV_MESSAGE,         /* PRIVMSG: nick (sender), target, text, self if we sent it */
    NT_EV_NOTICE,          /* NOTICE: nick (may be a server name), target, text */
    NT_EV_ACTION,          /* CTCP ACTION (/me): nick, target, text */
    NT_EV_JOIN,            /* nick joined channel (self: we did) */
    NT_EV_PART,            /* nick left channel, text = reason */
    NT_EV_QUIT,            /* nick quit, text = reason; channel = NULL */
    NT_EV_KICK,            /* nick (kicker) kicked target (victim) from channel, text */
    NT_EV_NICK,            /* old nick -> text = new nick (self if ours) */
    NT_EV_TOPIC,           /* channel topic is text (nick = setter, or NULL on join) */
    NT_EV_NAMES,           /* the member list of channel is complete (after JOIN/NAMES) */
    NT_EV_MODE,            /* nick set mode text on target (channel or nick) */
    NT_EV_INVITE,          /* nick invited us to channel */
    NT_EV_AWAY,            /* nick is away (text) or back (text NULL) */
    NT_EV_SERVER_TEXT,     /* anything else worth showing: MOTD, WHOIS lines... */
    NT_EV_ERROR,           /* an error numeric or ERROR line: code, text */
    NT_EV_DISCONNECTED,    /* the server closed (ERROR) or nt_session_closed() */
    /* Added: */
    NT_EV_MEMBERS,         /* the member list of channel changed (a join, part, kick,
                              quit, nick change, prefix or away change): redraw it */
    NT_EV_CTCP             /* a CTCP other than ACTION: nick sent text ("VERSION",
                              "PING 123") to target; code 1 if it is a reply (in a
                              NOTICE), 0 for a request (VERSION, PING and
                              CLIENTINFO requests are answered, rate-limited) */
} nt_event_type;

typedef struct nt_event {
    nt_event_type type;
    const char *nick;      /* who did it */
    const char *target;    /* message target / victim / mode target */
    const char *channel;   /* the channel concerned, if any */
    const char *text;
    int code;              /* the numeric for ERROR / SERVER_TEXT, else 0 */
    int self;              /* the event is about us */
    int64_t time;          /* server-time tag if any, else the feed's now (ms) */
    const nt_msg *msg;     /* the raw message behind it (valid until the next call) */
    /* Added: for QUIT, NICK and AWAY about someone else, the channels we share
     * with nick (before the change), space-separated, or NULL: where to show it. */
    const char *channels;
} nt_event;

/* Who a private chat is with: for MESSAGE, NOTICE, ACTION and CTCP events with
 * channel == NULL it is target when self is set (we sent it), else nick.
 * For messages to a channel (also "@#chan" STATUSMSG targets), channel is set. */

typedef struct nt_session nt_session;

NT_API nt_session *nt_session_new(const nt_session_config *cfg);
NT_API void nt_session_free(nt_session *s);

/* Queue the registration (CAP LS 302, PASS, NICK, USER). */
NT_API void nt_session_start(nt_session *s, int64_t now);
/* Bytes from the server, any split. */
NT_API void nt_session_feed(nt_session *s, const char *data, size_t len, int64_t now);
/* The connection is gone: emits NT_EV_DISCONNECTED, forgets channels, and the
 * session may be started again (reconnect). */
NT_API void nt_session_closed(nt_session *s, const char *reason, int64_t now);

/* The next event, in order; 0 when none. Strings stay valid until the next
 * call into the session. */
NT_API int nt_session_next_event(nt_session *s, nt_event *ev);

/* Bytes waiting to be sent; consume what the socket took. */
NT_API const char *nt_session_output(const nt_session *s, size_t *len);
NT_API void nt_session_consume_output(nt_session *s, size_t n);

/* ---- commands: each queues lines and returns 0, or -1 for bad input
 * (with a reason from nt_session_last_error). Long texts are split into
 * several messages so that each line fits the 512-byte limit. ---------- */

NT_API int nt_session_join(nt_session *s, const char *channel, const char *key);
NT_API int nt_session_part(nt_session *s, const char *channel, const char *reason);
NT_API int nt_session_say(nt_session *s, const char *target, const char *text, int64_t now);
NT_API int nt_session_notice(nt_session *s, const char *target, const char *text);
NT_API int nt_session_me(nt_session *s, const char *target, const char *text, int64_t now);
NT_API int nt_session_change_nick(nt_session *s, const char *nick);
NT_API int nt_session_topic(nt_session *s, const char *channel, const char *topic);
NT_API int nt_session_away(nt_session *s, const char *text);   /* NULL: back */
NT_API int nt_session_quit(nt_session *s, const char *reason);
NT_API int nt_session_raw(nt_session *s, const char *line);
NT_API const char *nt_session_last_error(const nt_session *s);

/* ---- state -------------------------------------------------------------- */

NT_API const char *nt_session_nick(const nt_session *s);
NT_API int nt_session_registered(const nt_session *s);
NT_API nt_casemap nt_session_casemap(const nt_session *s);
/* ISUPPORT value for key ("NETWORK", "PREFIX"...), NULL if not advertised. */
NT_API const char *nt_session_isupport(const nt_session *s, const char *key);
NT_API int nt_session_has_cap(const nt_session *s, const char *cap);
NT_API int nt_session_is_channel(const nt_session *s, const char *name);

NT_API size_t nt_session_channel_count(const nt_session *s);
NT_API const char *nt_session_channel_name(const nt_session *s, size_t i);
NT_API const char *nt_session_channel_topic(const nt_session *s, const char *channel);

typedef struct nt_member {
    const char *nick;
    const char *prefixes;   /* highest first, e.g. "@+" */
    int away;
} nt_member;

/* Members of channel sorted by rank then nick; returns how many there are and
 * fills up to max entries of out (pointers valid until the next call). */
NT_API size_t nt_session_members(const nt_session *s, const char *channel,
                                 nt_member *out, size_t max);

/* ---- added for the GUI ----------------------------------------------------- */

/* The server's name (from 004, else the source of 001), NULL before. */
NT_API const char *nt_session_server_name(const nt_session *s);
/* 1 if we are in channel (case-mapped). */
NT_API int nt_session_in_channel(const nt_session *s, const char *channel);
/* Who set the topic and when (ms; 0 unknown), from 333 or a TOPIC change.
 * Returns 0 when the channel is unknown. setter/when may be NULL. */
NT_API int nt_session_channel_topic_info(const nt_session *s, const char *channel,
                                         const char **setter, int64_t *when);
/* 1 if the server confirmed we are marked away (306), 0 after 305. */
NT_API int nt_session_is_away(const nt_session *s);
/* Ask the server for channel's member list again (NAMES); NT_EV_NAMES follows. */
NT_API int nt_session_names(nt_session *s, const char *channel);

/* Private chats: nicks we exchanged private messages with (or opened with
 * nt_session_open_query), in the order they started; they follow nick changes
 * we see and survive reconnects. */
NT_API size_t nt_session_query_count(const nt_session *s);
NT_API const char *nt_session_query_name(const nt_session *s, size_t i);
NT_API int nt_session_open_query(nt_session *s, const char *nick);
NT_API void nt_session_close_query(nt_session *s, const char *nick);

NT_END_DECLS

#endif /* NATTER_SESSION_H */
