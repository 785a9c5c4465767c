/* NatterLocalServer: "Host a chat on this computer" — libnatter's server
 * (event mode) running inside the app on a worker thread, so Natter works
 * with nothing else installed. Other people join with any IRC client at one
 * of natter_local_server_get_addresses(). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define NATTER_TYPE_LOCAL_SERVER (natter_local_server_get_type ())
G_DECLARE_FINAL_TYPE (NatterLocalServer, natter_local_server, NATTER, LOCAL_SERVER, GObject)

NatterLocalServer *natter_local_server_new (void);
/* Listen on port (0: any free one) on every interface (lan TRUE) or on
 * loopback only, and start serving. G_IO_ERROR_ADDRESS_IN_USE etc. with a
 * message naming the port when it cannot. */
gboolean  natter_local_server_start      (NatterLocalServer *self, guint16 port,
                                          gboolean lan, GError **error);
/* Stop (clients get ERROR) and join the thread. Safe to call twice. */
void      natter_local_server_stop       (NatterLocalServer *self);
gboolean  natter_local_server_is_running (NatterLocalServer *self);
guint16   natter_local_server_get_port   (NatterLocalServer *self);
/* Where to join: "irc://<hostname>:<port>" (only when serving the network)
 * and "irc://127.0.0.1:<port>" (NULL-terminated, empty when not running;
 * g_strfreev). */
char    **natter_local_server_get_addresses (NatterLocalServer *self);
/* What to tell the user: who can join, and at which address (g_free). */
char     *natter_local_server_describe      (NatterLocalServer *self);

G_END_DECLS
