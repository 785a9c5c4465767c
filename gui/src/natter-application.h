/* NatterApplication: the app — its networks, the embedded server, history,
 * settings, actions with accelerators and desktop notifications.
 *
 * Opens `irc://host[:port]/#channel` URIs given on the command line or by the
 * desktop (the .desktop file registers the irc scheme). On start it reconnects
 * every saved network (restarting the embedded server first for a hosted one);
 * with none saved the window offers "Join a server" / "Host a chat". */
#pragma once

#include <adwaita.h>
#include "natter-connection.h"
#include "natter-history.h"
#include "natter-local-server.h"

G_BEGIN_DECLS

#define NATTER_TYPE_APPLICATION (natter_application_get_type ())
G_DECLARE_FINAL_TYPE (NatterApplication, natter_application, NATTER, APPLICATION, AdwApplication)

NatterApplication *natter_application_new (void);

GSettings         *natter_application_get_settings     (NatterApplication *self);
/* NULL when the database could not be opened (the app runs without history). */
NatterHistory     *natter_application_get_history      (NatterApplication *self);
NatterLocalServer *natter_application_get_local_server (NatterApplication *self);
/* GListModel of NatterConnection, in sidebar order. */
GListModel        *natter_application_get_connections  (NatterApplication *self);
/* Every buffer of every connection, flattened in sidebar order
 * (GListModel of NatterBuffer). */
GListModel        *natter_application_get_all_buffers  (NatterApplication *self);

/* Add a network, save it, start the embedded server when cfg->hosted, and
 * connect. Returns the connection (transfer none), or NULL with an error
 * (invalid config, name already used, port taken...). */
NatterConnection  *natter_application_add_network    (NatterApplication         *self,
                                                      const NatterNetworkConfig *cfg,
                                                      GError                   **error);
/* Disconnect, forget and stop saving it (its history stays). */
void               natter_application_remove_network (NatterApplication *self,
                                                      NatterConnection  *connection);

G_END_DECLS
