/* NatterMessage: one line of a chat as the message list shows it.
 *
 * Deliberately small and immutable after creation (apart from the history id
 * and the read-marker flag), because a busy channel holds 100,000 of them: one
 * GObject with a few strings, no signals, no per-row bindings. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  NATTER_MESSAGE_PRIVMSG,   /* nick: text */
  NATTER_MESSAGE_ACTION,    /* * nick text (/me) */
  NATTER_MESSAGE_NOTICE,    /* -nick- text */
  NATTER_MESSAGE_JOIN,      /* nick joined (text: unused) */
  NATTER_MESSAGE_PART,      /* nick left (text: reason) */
  NATTER_MESSAGE_QUIT,      /* nick quit (text: reason) */
  NATTER_MESSAGE_KICK,      /* nick (kicker) removed text's first word (victim); rest = reason */
  NATTER_MESSAGE_NICK,      /* nick is now known as text */
  NATTER_MESSAGE_TOPIC,     /* nick changed the topic to text (nick NULL: topic on join) */
  NATTER_MESSAGE_MODE,      /* nick set mode text */
  NATTER_MESSAGE_SERVER,    /* server text: MOTD, WHOIS replies... */
  NATTER_MESSAGE_ERROR,     /* an error from the server or a command */
  NATTER_MESSAGE_STATUS,    /* the client's own news: connecting, disconnected, help */
  NATTER_MESSAGE_DAY        /* a day separator the model inserts (text: the date) */
} NatterMessageKind;

typedef enum {
  NATTER_MESSAGE_FLAG_NONE    = 0,
  NATTER_MESSAGE_FLAG_SELF    = 1 << 0,  /* we sent it */
  NATTER_MESSAGE_FLAG_MENTION = 1 << 1,  /* it mentions our nick (or is a private message to us) */
  NATTER_MESSAGE_FLAG_HISTORY = 1 << 2,  /* loaded from the history database */
  NATTER_MESSAGE_FLAG_UNREAD  = 1 << 3   /* first unread message: the read marker sits above it */
} NatterMessageFlags;

#define NATTER_TYPE_MESSAGE (natter_message_get_type ())
G_DECLARE_FINAL_TYPE (NatterMessage, natter_message, NATTER, MESSAGE, GObject)

/* time_ms: wall-clock milliseconds since the Unix epoch (UTC). nick and text
 * may be NULL. */
NatterMessage     *natter_message_new        (NatterMessageKind  kind,
                                              gint64             time_ms,
                                              const char        *nick,
                                              const char        *text,
                                              NatterMessageFlags flags);
NatterMessageKind  natter_message_get_kind   (NatterMessage *self);
gint64             natter_message_get_time   (NatterMessage *self);
const char        *natter_message_get_nick   (NatterMessage *self);
const char        *natter_message_get_text   (NatterMessage *self);
NatterMessageFlags natter_message_get_flags  (NatterMessage *self);
gboolean           natter_message_has_flag   (NatterMessage *self, NatterMessageFlags flag);
void               natter_message_set_flag   (NatterMessage *self, NatterMessageFlags flag, gboolean on);
/* The row id in the history database; 0 while not stored. */
gint64             natter_message_get_id     (NatterMessage *self);
void               natter_message_set_id     (NatterMessage *self, gint64 id);
/* Joins, parts, quits, nick and mode changes: shown compactly, never unread. */
gboolean           natter_message_is_event   (NatterMessage *self);
/* "HH:MM" in local time, for the row. */
char              *natter_message_format_time (NatterMessage *self);
/* The whole line as plain text ("<alice> hi", "* alice waves"), for copying
 * and for logs. */
char              *natter_message_to_plain   (NatterMessage *self);

G_END_DECLS
