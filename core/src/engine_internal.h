/* libnatter: the server engine's private state, shared by engine*.c.
 *
 * Files are named after protocol areas (ngircd-style):
 *   engine.c           life cycle, events in, output queue, lines, broadcasts
 *   engine_util.c      hash maps, wildcard masks, time formatting
 *   engine_register.c  PASS NICK USER CAP, the welcome burst, PING PONG
 *   engine_channel.c   JOIN PART TOPIC NAMES LIST KICK INVITE, channel MODE
 *   engine_message.c   PRIVMSG NOTICE
 *   engine_query.c     WHO WHOIS WHOWAS ISON USERHOST AWAY VERSION TIME ADMIN
 *                      INFO LUSERS MOTD
 *   engine_user.c      NICK changes, QUIT, user MODE, OPER, KILL
 *   engine_flood.c     flood control, RecvQ, ping and registration timeouts
 *
 * Ownership: the engine owns clients and channels; a membership (nt_member)
 * links one client and one channel and is listed in both, so "is X on #c"
 * scans the client's few channels, never the channel's many members. */
#ifndef NATTER_ENGINE_INTERNAL_H
#define NATTER_ENGINE_INTERNAL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "natter/engine.h"
#include "natter/msg.h"
#include "natter/casemap.h"

#if defined(__GNUC__)
#  define NT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define NT_PRINTF(f, a)
#endif

/* Buffer sizes; config lengths are clamped below them. Kept tight: a client
 * holds its nick (twice: as given and folded), user and host inline, and
 * 10,000 idle clients should cost well under 1 KiB each. The host is the peer
 * address as text (an IPv6 address takes at most 45 bytes). */
#define NT_NICK_BUF 32
#define NT_USER_BUF 16
#define NT_HOST_BUF 48
#define NT_REAL_BUF 256       /* the real name is allocated to its length */
#define NT_CHAN_BUF 64
#define NT_MASK_BUF (NT_NICK_BUF + NT_USER_BUF + NT_HOST_BUF + 4)
#define NT_WHOWAS_MAX 256     /* bounded WHOWAS history */
#define NT_MODES_PER_CMD 4    /* ISUPPORT MODES */
#define NT_USERHOST_MAX 5     /* RFC 2812 */

struct nt_line {
    atomic_int refs;          /* transports may unref from several threads */
    size_t len;
    char data[];
};

/* ---- small containers (engine_util.c) ---------------------------------- */

/* String-keyed open-addressing map; keys are copied. */
typedef struct nt_smap_ent { char *key; void *val; uint32_t hash; } nt_smap_ent;
typedef struct nt_smap { nt_smap_ent *ents; size_t cap, count, used; } nt_smap;
void *nt_smap_get(const nt_smap *m, const char *key);
int nt_smap_put(nt_smap *m, const char *key, void *val);   /* 0 ok, -1 no memory */
void nt_smap_del(nt_smap *m, const char *key);
void nt_smap_free(nt_smap *m);

/* Connection-id map. */
typedef struct nt_imap_ent { nt_conn_id key; void *val; int state; } nt_imap_ent;
typedef struct nt_imap { nt_imap_ent *ents; size_t cap, count, used; } nt_imap;
void *nt_imap_get(const nt_imap *m, nt_conn_id key);
int nt_imap_put(nt_imap *m, nt_conn_id key, void *val);
void nt_imap_del(nt_imap *m, nt_conn_id key);
void nt_imap_free(nt_imap *m);

/* Copy at most cap-1 bytes, always NUL-terminated; cuts at a UTF-8 boundary. */
void nt_strlcpy(char *dst, const char *src, size_t cap);
char *nt_strdup(const char *s);
/* IRC wildcard match (* and ?) under a case mapping. */
int nt_mask_match(nt_casemap cm, const char *mask, const char *text);
/* "2024-05-01T12:00:00.123Z" (IRCv3 server-time) into buf (>= 32 bytes). */
void nt_format_time_iso(int64_t ms, char *buf, size_t cap);
/* "Wednesday May 01 2024 -- 12:00:00 +00:00" for TIME and RPL_CREATED. */
void nt_format_time_human(int64_t ms, char *buf, size_t cap);
/* Decimal of a signed 64-bit value (MinGW printf lacks %lld everywhere). */
char *nt_i64str(int64_t v, char *buf, size_t cap);

/* ---- clients, channels ------------------------------------------------- */

enum {
    NT_CAP_SERVER_TIME  = 1u << 0,
    NT_CAP_ECHO_MESSAGE = 1u << 1,
    NT_CAP_MESSAGE_TAGS = 1u << 2,
    NT_CAP_MULTI_PREFIX = 1u << 3,
    NT_CAP_AWAY_NOTIFY  = 1u << 4
};

enum { NT_MEMBER_OP = 1u << 0, NT_MEMBER_VOICE = 1u << 1 };

enum {
    NT_CMODE_I = 1u << 0,  /* invite only */
    NT_CMODE_M = 1u << 1,  /* moderated */
    NT_CMODE_N = 1u << 2,  /* no external messages */
    NT_CMODE_S = 1u << 3,  /* secret */
    NT_CMODE_T = 1u << 4   /* topic set by ops only */
};

typedef struct nt_client nt_client;
typedef struct nt_channel nt_channel;

typedef struct nt_member {
    nt_client *client;
    nt_channel *chan;
    unsigned modes;           /* NT_MEMBER_* */
    size_t chan_idx;          /* index in chan->members (swap-removal) */
} nt_member;

typedef struct nt_queued { struct nt_queued *next; size_t len; char data[]; } nt_queued;

struct nt_client {
    nt_conn_id id;
    uint64_t serial;             /* never reused, unlike transport ids */
    char nick[NT_NICK_BUF];      /* "" until NICK */
    char fold[NT_NICK_BUF];      /* nick folded: the key in e->nicks */
    char user[NT_USER_BUF];
    char host[NT_HOST_BUF];
    char *real;                  /* NULL until USER: see nt_client_real() */
    char *away;                  /* NULL: here */
    unsigned char registered, got_user, cap_negotiating, pass_ok, oper, invisible,
                  ping_pending;
    unsigned char gone;          /* the transport closed it: nothing more is sent */
    unsigned char in_flood_list;
    unsigned caps;               /* NT_CAP_* */
    unsigned mark;               /* broadcast de-duplication (e->mark_gen) */
    uint32_t all_idx;            /* index in e->all (swap-removal) */
    int64_t connected_ms, last_active_ms, last_msg_ms, ping_sent_ms;

    nt_member **mems;            /* channels joined */
    size_t nmems, capmems;

    /* flood control: a virtual clock that runs ahead by one interval per line */
    int64_t flood_clock;
    nt_queued *q_head, *q_tail;
    size_t q_bytes;
};

/* The real name given with USER ("" before it). */
static inline const char *nt_client_real(const nt_client *c)
{
    return c->real ? c->real : "";
}

typedef struct nt_ban { char *mask; char *who; int64_t when; } nt_ban;

struct nt_channel {
    char name[NT_CHAN_BUF];
    char fold[NT_CHAN_BUF];
    nt_member **members;
    size_t nmembers, capmembers;
    unsigned modes;              /* NT_CMODE_* */
    char *key;                   /* +k, NULL if none */
    unsigned limit;              /* +l, 0 if none */
    char *topic;                 /* NULL: none */
    char topic_who[NT_MASK_BUF];
    int64_t topic_ms, created_ms;
    nt_ban *bans;
    size_t nbans;
    uint64_t *invites;           /* serials of INVITEd clients, cleared with the channel */
    size_t ninvites;
};

typedef struct nt_whowas {
    char nick[NT_NICK_BUF], user[NT_USER_BUF], host[NT_HOST_BUF], real[NT_REAL_BUF];
    int64_t when;
} nt_whowas;

typedef struct nt_outq_item {
    int kind;                    /* NT_OUT_SEND / NT_OUT_CLOSE */
    nt_conn_id conn;
    nt_line *line;
    char *reason;                /* NT_OUT_CLOSE */
} nt_outq_item;

struct nt_engine {
    nt_engine_config cfg;        /* strings owned (copied) */
    char *owned[8];

    nt_imap clients;             /* id -> nt_client */
    nt_smap nicks;               /* folded nick -> nt_client */
    nt_smap channels;            /* folded name -> nt_channel */
    nt_smap per_ip;              /* ip -> count (uintptr_t) */
    nt_client **all;             /* every client, for scans (index-free swap) */
    size_t nall, capall;
    unsigned nregistered, nopers, ninvisible, max_local;

    nt_whowas whowas[NT_WHOWAS_MAX];
    size_t whowas_next, whowas_count;

    nt_outq_item *outq;
    size_t out_head, out_len, out_cap;

    nt_conn_id *flooded;         /* clients with delayed input */
    size_t nflooded, capflooded;
    int64_t next_scan;           /* earliest possible ping/registration deadline */

    unsigned mark_gen;
    uint64_t next_serial;
    unsigned long long lines_in, lines_out, bytes_out;
    nt_msg msg;                  /* the line being handled */
};

/* ---- engine.c: lines, outputs, replies, broadcasts --------------------- */

/* A line from tags (NULL or "k=v;k2", no '@') and body (no CR LF). The body is
 * cut to fit 510 bytes at a UTF-8 boundary: outgoing lines never break the
 * 512-byte limit, whatever a relayed text made of them. */
nt_line *nt_line_make(const char *tags, const char *body, size_t len);
void nt_send_line(nt_engine *e, nt_client *c, nt_line *l);            /* takes a ref */
void nt_sendf(nt_engine *e, nt_client *c, const char *fmt, ...) NT_PRINTF(3, 4);
/* ":server <num> <nick or *> " + fmt */
void nt_reply(nt_engine *e, nt_client *c, const char *num, const char *fmt, ...) NT_PRINTF(4, 5);
void nt_push_close(nt_engine *e, nt_conn_id id, const char *reason);
const char *nt_target_nick(const nt_client *c);   /* nick or "*" */
void nt_client_mask(const nt_client *c, char *buf, size_t cap);  /* nick!user@host */

/* A message relayed to many: serialized lazily once per variant (no tags,
 * server-time, server-time + client tags, client tags) and shared. */
typedef struct nt_bcast {
    nt_engine *e;
    char body[NT_LINE_MAX * 2];  /* without tags; in place: no allocation per message */
    size_t body_len;
    const char *ctags;           /* escaped client-only tags, or NULL */
    int64_t now;
    nt_line *v[4];
    unsigned created;            /* how many lines were serialized (tests) */
} nt_bcast;
void nt_bcast_init(nt_bcast *b, nt_engine *e, int64_t now, const char *ctags,
                   const char *fmt, ...) NT_PRINTF(5, 6);
void nt_bcast_to(nt_bcast *b, nt_client *c);
void nt_bcast_done(nt_bcast *b);
/* Send b to every member of every channel c is on, once each; skip c itself
 * unless include_self; only clients with cap_filter (0: all). */
void nt_bcast_neighbours(nt_bcast *b, nt_client *c, int include_self, unsigned cap_filter);
void nt_bcast_channel(nt_bcast *b, nt_channel *ch, const nt_client *skip);

/* ---- clients ------------------------------------------------------------ */
nt_client *nt_find_nick(nt_engine *e, const char *nick);
nt_channel *nt_find_channel(nt_engine *e, const char *name);
nt_member *nt_member_of(const nt_client *c, const nt_channel *ch);
/* Remove c: QUIT to neighbours, ERROR to c, close. c is freed. */
void nt_client_quit(nt_engine *e, nt_client *c, const char *quit_msg, const char *error_reason,
                    int64_t now);
void nt_channel_remove_member(nt_engine *e, nt_member *m);
void nt_whowas_add(nt_engine *e, const nt_client *c, int64_t now);
void nt_dispatch(nt_engine *e, nt_client *c, const char *line, size_t len, int64_t now);
int nt_channel_visible(const nt_channel *ch, const nt_client *viewer);
int nt_shares_channel(const nt_client *a, const nt_client *b);
/* "@", "@+" (multi) or "" for a membership */
void nt_member_prefix(const nt_member *m, int multi, char *buf);

/* ---- command handlers --------------------------------------------------- */
typedef void nt_handler(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now);

/* engine_register.c */
nt_handler nt_cmd_pass, nt_cmd_nick, nt_cmd_user, nt_cmd_cap, nt_cmd_ping, nt_cmd_pong;
void nt_send_isupport(nt_engine *e, nt_client *c);
void nt_try_register(nt_engine *e, nt_client *c, int64_t now);
/* engine_channel.c */
nt_handler nt_cmd_join, nt_cmd_part, nt_cmd_topic, nt_cmd_names, nt_cmd_list, nt_cmd_kick,
    nt_cmd_invite;
void nt_channel_mode(nt_engine *e, nt_client *c, const nt_msg *m, int64_t now);
void nt_part_all(nt_engine *e, nt_client *c, int64_t now);
int nt_is_banned(const nt_engine *e, const nt_channel *ch, const nt_client *c);
/* engine_message.c */
nt_handler nt_cmd_privmsg, nt_cmd_notice, nt_cmd_tagmsg;
/* engine_query.c */
nt_handler nt_cmd_who, nt_cmd_whois, nt_cmd_whowas, nt_cmd_ison, nt_cmd_userhost, nt_cmd_away,
    nt_cmd_version, nt_cmd_time, nt_cmd_admin, nt_cmd_info, nt_cmd_lusers, nt_cmd_motd;
void nt_send_lusers(nt_engine *e, nt_client *c);
void nt_send_motd(nt_engine *e, nt_client *c);
/* engine_user.c */
nt_handler nt_cmd_quit, nt_cmd_mode, nt_cmd_oper, nt_cmd_kill;
void nt_nick_change(nt_engine *e, nt_client *c, const char *nick, int64_t now);
/* engine_flood.c */
/* 1: handle the line now; 0: it was queued (or the client was dropped). */
int nt_flood_admit(nt_engine *e, nt_client *c, const char *line, size_t len, int64_t now);
void nt_flood_run(nt_engine *e, int64_t now);
void nt_timeouts_run(nt_engine *e, int64_t now);
/* The transport closed c: handle every line it sent that flood control still
 * holds (bounded by RecvQ), so nothing a client said before hanging up is lost. */
void nt_flood_drain(nt_engine *e, nt_conn_id id, int64_t now);
void nt_flood_forget(nt_engine *e, nt_client *c);
int64_t nt_flood_next(const nt_engine *e);
int64_t nt_client_deadline(const nt_engine *e, const nt_client *c);

#endif /* NATTER_ENGINE_INTERNAL_H */
