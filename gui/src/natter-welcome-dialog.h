/* NatterWelcomeDialog: what the first start shows (and "Add Network…"):
 * "Join a server" (host, port, nick, real name, password, channels to join;
 * TLS is not offered yet) or "Host a chat on this computer" (port, nick,
 * whether others on the network may join). Each field is checked as it is
 * typed (natter_network_config_validate) and the button stays insensitive
 * with the reason shown until the form is valid.
 *
 * Signal "network-chosen" (NatterNetworkConfig *config): the user confirmed;
 * config->hosted is TRUE for "Host a chat" (host 127.0.0.1, the chosen port).
 * The dialog then closes; the caller may call natter_welcome_dialog_show_error
 * before that if adding fails (e.g. the port is taken), which keeps it open. */
#pragma once

#include <adwaita.h>
#include "natter-network-config.h"

G_BEGIN_DECLS

#define NATTER_TYPE_WELCOME_DIALOG (natter_welcome_dialog_get_type ())
G_DECLARE_FINAL_TYPE (NatterWelcomeDialog, natter_welcome_dialog, NATTER, WELCOME_DIALOG, AdwWindow)

/* prefill may be NULL (defaults: port 6667, nick from g_get_user_name()). */
NatterWelcomeDialog *natter_welcome_dialog_new (GtkWindow                 *parent,
                                                const NatterNetworkConfig *prefill);
void natter_welcome_dialog_show_error (NatterWelcomeDialog *self, const char *text);
/* For "Host a chat": whether others on the network may join (the switch
 * "Let others on this network join"; property "lan"), i.e. the embedded
 * server listens on every interface rather than on loopback only. Read it in
 * the "network-chosen" handler. */
gboolean natter_welcome_dialog_get_lan (NatterWelcomeDialog *self);

G_END_DECLS
