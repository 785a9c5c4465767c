/* A network the user saved: where to connect and who to be. Stored in the
 * GSettings key "networks" of org.natter.Natter (a(ssqsssasb)), so networks
 * come back, and are reconnected, on the next start. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  char    *name;       /* what the sidebar shows; unique among saved networks */
  char    *host;
  guint16  port;       /* 6667 if not given */
  char    *nick;
  char    *realname;   /* may be NULL */
  char    *password;   /* server password (PASS), may be NULL */
  char   **channels;   /* joined after connecting; NULL-terminated, may be empty */
  gboolean hosted;     /* the app runs the embedded server on port itself */
} NatterNetworkConfig;

#define NATTER_TYPE_NETWORK_CONFIG (natter_network_config_get_type ())
GType natter_network_config_get_type (void);

NatterNetworkConfig *natter_network_config_new  (const char *name, const char *host,
                                                 guint16 port, const char *nick);
NatterNetworkConfig *natter_network_config_copy (const NatterNetworkConfig *cfg);
void                 natter_network_config_free (NatterNetworkConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterNetworkConfig, natter_network_config_free)

/* Checks a config as the connect form would: host non-empty and without
 * spaces, port 1..65535, nick a valid IRC nick (letters, digits, []\`_^{|}-,
 * not starting with a digit or '-', at most 30 bytes), channels valid
 * channel names. The error message names the field and says what is wrong. */
gboolean natter_network_config_validate (const NatterNetworkConfig *cfg, GError **error);

/* "irc://host[:port][/#chan[,#chan2]]", also "ircs://" (rejected: TLS is not
 * supported yet, with a clear error), "irc://host/chan" (a missing '#' is
 * added) and percent-encoded '#' (%23). The nick is default_nick. */
NatterNetworkConfig *natter_network_config_from_uri (const char *uri,
                                                     const char *default_nick,
                                                     GError    **error);

/* Load / save the whole list (element type NatterNetworkConfig, owned). */
GPtrArray *natter_network_config_load (GSettings *settings);
void       natter_network_config_save (GSettings *settings, GPtrArray *configs);

G_END_DECLS
