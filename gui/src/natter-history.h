/* NatterHistory: every message, stored in SQLite, searchable with FTS5.
 *
 * One database file (natter_history_default_path(): the user data dir's
 * natter/history.db). Messages are keyed by network and buffer name; the
 * caller passes the buffer name already case-folded so "#Natter" and
 * "#natter" are one chat. Writes happen in transactions, one per batch.
 *
 * Failure never loses the chat: every call reports a GError
 * (NATTER_HISTORY_ERROR_FULL when the disk is full, _READ_ONLY when the file
 * cannot be written, _CORRUPT, _FAILED) and the caller keeps showing messages;
 * a later append is tried again normally. */
#pragma once

#include <gio/gio.h>
#include "natter-message.h"

G_BEGIN_DECLS

#define NATTER_HISTORY_ERROR (natter_history_error_quark ())
typedef enum {
  NATTER_HISTORY_ERROR_FAILED,
  NATTER_HISTORY_ERROR_FULL,
  NATTER_HISTORY_ERROR_READ_ONLY,
  NATTER_HISTORY_ERROR_CORRUPT
} NatterHistoryError;
GQuark natter_history_error_quark (void);

#define NATTER_TYPE_HISTORY (natter_history_get_type ())
G_DECLARE_FINAL_TYPE (NatterHistory, natter_history, NATTER, HISTORY, GObject)

/* <user data dir>/natter/history.db (newly allocated). */
char          *natter_history_default_path (void);
/* Open (creating the file, its directory and the schema as needed). */
NatterHistory *natter_history_open        (const char *path, GError **error);
const char    *natter_history_get_path    (NatterHistory *self);

/* Store msgs (one transaction) and set each one's id. DAY separators and
 * messages that already have an id are skipped. */
gboolean natter_history_append_many (NatterHistory *self, const char *network,
                                     const char *buffer, NatterMessage **msgs,
                                     guint n, GError **error);
/* Up to limit messages of one buffer older than before_id (0: the newest),
 * oldest first, flagged NATTER_MESSAGE_FLAG_HISTORY. Element type:
 * NatterMessage (owned by the array). */
GPtrArray *natter_history_load_before (NatterHistory *self, const char *network,
                                       const char *buffer, gint64 before_id,
                                       guint limit, GError **error);
gint64     natter_history_count       (NatterHistory *self, const char *network,
                                       const char *buffer, GError **error);

typedef struct {
  char          *network;
  char          *buffer;
  NatterMessage *message;
  char          *snippet;   /* text with the match wrapped in <b>..</b>, markup-escaped */
} NatterHistoryHit;
void natter_history_hit_free (NatterHistoryHit *hit);

/* Full-text search, newest first. The query is words as a user types them
 * (any punctuation is safe: each word is matched as a prefix, all must
 * occur). network/buffer NULL: everywhere. Element type: NatterHistoryHit. */
GPtrArray *natter_history_search (NatterHistory *self, const char *query,
                                  const char *network, const char *buffer,
                                  guint limit, GError **error);

G_END_DECLS
