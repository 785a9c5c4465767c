/* NatterBuffer: one chat of a network — the server's own messages, a channel,
 * or a private chat (query) — with its messages, members and unread state.
 *
 * Owned by its NatterConnection. Properties (all notify): "name", "kind",
 * "unread" (messages since the user last looked), "mentions" (of those,
 * mentions and private messages), "topic", "topic-setter", "joined" (we are in
 * the channel; for a query: the connection is up), "active" (the window shows
 * it). */
#pragma once

#include <gio/gio.h>
#include "natter-history.h"
#include "natter-message-model.h"

G_BEGIN_DECLS

typedef enum {
  NATTER_BUFFER_SERVER,
  NATTER_BUFFER_CHANNEL,
  NATTER_BUFFER_QUERY
} NatterBufferKind;

typedef struct _NatterConnection NatterConnection;

#define NATTER_TYPE_BUFFER (natter_buffer_get_type ())
G_DECLARE_FINAL_TYPE (NatterBuffer, natter_buffer, NATTER, BUFFER, GObject)

/* Made by NatterConnection (which feeds it through natter-buffer-private.h);
 * tests and benchmarks make detached ones with connection NULL. network:
 * the history key of its network; history may be NULL. */
NatterBuffer       *natter_buffer_new (NatterConnection *connection,
                                       NatterBufferKind  kind,
                                       const char       *name,
                                       const char       *network,
                                       NatterHistory    *history);

const char         *natter_buffer_get_name       (NatterBuffer *self);
NatterBufferKind    natter_buffer_get_kind       (NatterBuffer *self);
/* The connection it belongs to (transfer none; NULL once it is gone). */
NatterConnection   *natter_buffer_get_connection (NatterBuffer *self);
NatterMessageModel *natter_buffer_get_messages   (NatterBuffer *self);
/* GListModel of NatterMember, sorted by rank then nick (empty unless a channel). */
GListModel         *natter_buffer_get_members    (NatterBuffer *self);
/* The name the history database files it under (case-folded with the
 * network's case mapping), for a search scoped to this chat. */
const char         *natter_buffer_get_history_key (NatterBuffer *self);
const char         *natter_buffer_get_topic      (NatterBuffer *self);
const char         *natter_buffer_get_topic_setter (NatterBuffer *self);
guint               natter_buffer_get_unread     (NatterBuffer *self);
guint               natter_buffer_get_mentions   (NatterBuffer *self);
gboolean            natter_buffer_get_joined     (NatterBuffer *self);

/* The window shows this buffer (TRUE) or stopped showing it (FALSE).
 * While active and the window is focused, nothing counts as unread; when it
 * stops being active the read marker is placed after the last message. */
void     natter_buffer_set_active   (NatterBuffer *self, gboolean active, gboolean focused);
gboolean natter_buffer_get_active   (NatterBuffer *self);
/* unread = mentions = 0. */
void     natter_buffer_mark_read    (NatterBuffer *self);

/* Page older messages in from the history database (up to limit); returns
 * how many came (0: the beginning of history, or no history). */
guint    natter_buffer_load_older   (NatterBuffer *self, guint limit);

/* Lines sent from this buffer's input, oldest first (for Up/Down), at most
 * 100 kept. */
void        natter_buffer_remember_input (NatterBuffer *self, const char *line);
GPtrArray  *natter_buffer_get_input_history (NatterBuffer *self);

/* Nicks to offer for Tab completion: recent speakers first, then the other
 * members; NULL-terminated, free with g_strfreev. */
char      **natter_buffer_completion_candidates (NatterBuffer *self);

/* Add a status line (client news, /help output, a command error). */
void     natter_buffer_add_status   (NatterBuffer *self, NatterMessageKind kind,
                                     const char *text);

G_END_DECLS
