/* NatterConnection: one IRC network, as the window sees it.
 *
 * Wraps a libnatter client session (nt_session). The socket is libnp's and is
 * served by a worker thread that only moves bytes (NatterIo); the session and
 * every object here live on the GLib main thread, so a slow or dead server
 * never blocks the UI. After a drop the connection retries with back-off
 * (1 s, 2 s, 4 s ... capped at 60 s, plus jitter; at once when
 * GNetworkMonitor reports the network back) and rejoins its channels.
 *
 * Messages go to NatterBuffers (one per chat) and into the history database.
 *
 * Properties (all notify): "config" (NatterNetworkConfig, boxed, read-only),
 * "name" (network name: ISUPPORT NETWORK when known, else the config's),
 * "state" (NatterConnectionState), "status" (a sentence for the UI:
 * "Connecting to irc.example.org:6667…", "Reconnecting in 4 s (attempt 3)",
 * "Connected as alice"), "nick" (our current nick).
 *
 * Signals:
 *   "notify-user" (NatterBuffer *buffer, NatterMessage *message)
 *       a mention or a private message arrived (the app decides whether
 *       to raise a desktop notification).
 *   "history-error" (const char *text)
 *       the history database could not be written (once per failure streak);
 *       messages keep flowing.
 *   "buffer-added" (NatterBuffer *buffer, gboolean focus)
 *       after the buffer was appended to the buffers model; focus is TRUE
 *       when the user asked for it (/join, /query), so the window selects it.
 */
#pragma once

#include <gio/gio.h>
#include "natter-buffer.h"
#include "natter-history.h"
#include "natter-network-config.h"

G_BEGIN_DECLS

typedef enum {
  NATTER_CONNECTION_DISCONNECTED,   /* not connected and not trying */
  NATTER_CONNECTION_CONNECTING,     /* resolving / TCP connect */
  NATTER_CONNECTION_REGISTERING,    /* connected, waiting for 001 */
  NATTER_CONNECTION_CONNECTED,      /* registered */
  NATTER_CONNECTION_WAITING         /* dropped; the next attempt is scheduled */
} NatterConnectionState;

#define NATTER_TYPE_CONNECTION_STATE (natter_connection_state_get_type ())
GType natter_connection_state_get_type (void);

#define NATTER_TYPE_CONNECTION (natter_connection_get_type ())
G_DECLARE_FINAL_TYPE (NatterConnection, natter_connection, NATTER, CONNECTION, GObject)

/* history may be NULL (nothing stored). */
NatterConnection *natter_connection_new (const NatterNetworkConfig *config,
                                         NatterHistory             *history);

const NatterNetworkConfig *natter_connection_get_config (NatterConnection *self);
const char            *natter_connection_get_name   (NatterConnection *self);
NatterConnectionState  natter_connection_get_state  (NatterConnection *self);
const char            *natter_connection_get_status (NatterConnection *self);
const char            *natter_connection_get_nick   (NatterConnection *self);

/* Start connecting (and keep reconnecting until natter_connection_disconnect). */
void natter_connection_connect    (NatterConnection *self);
/* Send QUIT (reason may be NULL), close, and stop reconnecting. */
void natter_connection_disconnect (NatterConnection *self, const char *reason);
/* Drop the link now as if the network failed, then reconnect with back-off
 * (used when the user asks to reconnect, and by tests). */
void natter_connection_reconnect  (NatterConnection *self);

/* GListModel of NatterBuffer: item 0 is the server buffer, then channels and
 * private chats in the order they were opened. */
GListModel   *natter_connection_get_buffers    (NatterConnection *self);
NatterBuffer *natter_connection_get_server_buffer (NatterConnection *self);
/* Case-mapped lookup; NULL if none (transfer none). */
NatterBuffer *natter_connection_find_buffer    (NatterConnection *self, const char *name);
/* The private chat with nick, opened if needed (transfer none). */
NatterBuffer *natter_connection_open_query     (NatterConnection *self, const char *nick);
/* Part the channel / close the private chat and remove the buffer.
 * The server buffer cannot be closed (FALSE). */
gboolean      natter_connection_close_buffer   (NatterConnection *self, NatterBuffer *buffer);

/* Run what the user typed in buffer's input: a message or a /command (see
 * natter-command.h). On success *show (may be NULL) is set to the buffer the
 * window should switch to, if any (/query, /join of an open channel). On
 * failure the error says what was wrong; nothing was sent. */
gboolean natter_connection_execute (NatterConnection *self, NatterBuffer *buffer,
                                    const char *input, NatterBuffer **show,
                                    GError **error);

G_END_DECLS
