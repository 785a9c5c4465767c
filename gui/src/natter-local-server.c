/* natter-local-server.c
 *
 * libnatter's event-mode server is one thread around one poller, so the app
 * only has to give it a thread and ask it to stop; nothing here touches a
 * socket.
 */
#include "natter-local-server.h"
#include <glib/gi18n.h>

#include <natter/server.h>
#include <np/np.h>
#include <string.h>

struct _NatterLocalServer
{
  GObject    parent_instance;

  nt_server *server;
  GThread   *thread;
  guint16    port;
  gboolean   lan;
  char      *server_name;   /* the engine config points at these while it runs */
  char      *motd;
};

G_DEFINE_FINAL_TYPE (NatterLocalServer, natter_local_server, G_TYPE_OBJECT)

static void
natter_local_server_dispose (GObject *object)
{
  natter_local_server_stop (NATTER_LOCAL_SERVER (object));

  G_OBJECT_CLASS (natter_local_server_parent_class)->dispose (object);
}

static void
natter_local_server_finalize (GObject *object)
{
  NatterLocalServer *self = (NatterLocalServer *)object;

  g_free (self->server_name);
  g_free (self->motd);

  G_OBJECT_CLASS (natter_local_server_parent_class)->finalize (object);
}

static void
natter_local_server_class_init (NatterLocalServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = natter_local_server_dispose;
  object_class->finalize = natter_local_server_finalize;
}

static void
natter_local_server_init (NatterLocalServer *self)
{
  (void) self;
}

NatterLocalServer *
natter_local_server_new (void)
{
  return g_object_new (NATTER_TYPE_LOCAL_SERVER, NULL);
}

static gpointer
server_thread (gpointer data)
{
  nt_server *server = data;
  np_err err = nt_server_run (server);

  if (err != NP_OK)
    g_message ("local server stopped: %s", np_strerror (err));
  return NULL;
}

/* A host name IRC accepts as a server name: letters, digits, '-' and '.'. */
static char *
server_name_for_host (void)
{
  g_autofree char *name = g_ascii_strdown (g_get_host_name (), -1);
  GString *out = g_string_new (NULL);

  for (const char *p = name; *p != '\0'; p++)
    if (g_ascii_isalnum (*p) || *p == '-' || *p == '.')
      g_string_append_c (out, *p);
  if (out->len == 0)
    g_string_append (out, "natter.local");
  /* Servers are told apart from nicks by a dot. */
  if (strchr (out->str, '.') == NULL)
    g_string_append (out, ".local");
  return g_string_free (out, FALSE);
}

static int
error_code_for (np_err err)
{
  switch (err)
    {
    case NP_EADDRINUSE:
      return G_IO_ERROR_ADDRESS_IN_USE;
    case NP_EACCES:
      return G_IO_ERROR_PERMISSION_DENIED;
    case NP_EADDRNOTAVAIL:
      return G_IO_ERROR_CONNECTION_REFUSED;
    default:
      return G_IO_ERROR_FAILED;
    }
}

gboolean
natter_local_server_start (NatterLocalServer  *self,
                           guint16             port,
                           gboolean            lan,
                           GError            **error)
{
  nt_server_config cfg = { 0 };
  np_addr bound;
  np_err err;

  g_return_val_if_fail (NATTER_IS_LOCAL_SERVER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->server != NULL)
    {
      if (port == 0 || port == self->port)
        return TRUE;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "A chat is already hosted on port %u", self->port);
      return FALSE;
    }

  np_init ();
  g_free (self->server_name);
  self->server_name = server_name_for_host ();
  g_free (self->motd);
  self->motd = g_strdup_printf ("Welcome to the chat hosted by %s with Natter.", g_get_host_name ());

  nt_engine_config_defaults (&cfg.engine);
  cfg.engine.server_name = self->server_name;
  cfg.engine.network_name = "Natter";
  cfg.engine.motd = self->motd;
  cfg.engine.version = "natter-" NATTER_VERSION_STRING;
  cfg.mode = NT_MODE_EVENT;
  cfg.nlisten = 1;
  err = np_addr_from_ip (lan ? "0.0.0.0" : "127.0.0.1", port, &cfg.listen[0]);
  if (err == NP_OK)
    err = nt_server_open (&cfg, &self->server);
  if (err != NP_OK)
    {
      self->server = NULL;
      np_cleanup ();
      if (err == NP_EADDRINUSE)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                     "Port %u is already in use on this computer", port);
      else if (err == NP_EACCES)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                     "Port %u needs administrator rights: pick one above 1024", port);
      else
        g_set_error (error, G_IO_ERROR, error_code_for (err),
                     "Cannot host a chat on port %u: %s", port, np_strerror (err));
      return FALSE;
    }

  if (nt_server_listen_addr (self->server, 0, &bound) == NP_OK)
    self->port = np_addr_port (&bound);
  else
    self->port = port;
  self->lan = lan;
  self->thread = g_thread_new ("natter-server", server_thread, self->server);
  return TRUE;
}

void
natter_local_server_stop (NatterLocalServer *self)
{
  g_return_if_fail (NATTER_IS_LOCAL_SERVER (self));

  if (self->server == NULL)
    return;
  nt_server_stop (self->server);
  g_thread_join (self->thread);
  self->thread = NULL;
  nt_server_free (self->server);
  self->server = NULL;
  self->port = 0;
  np_cleanup ();
}

gboolean
natter_local_server_is_running (NatterLocalServer *self)
{
  g_return_val_if_fail (NATTER_IS_LOCAL_SERVER (self), FALSE);
  return self->server != NULL;
}

guint16
natter_local_server_get_port (NatterLocalServer *self)
{
  g_return_val_if_fail (NATTER_IS_LOCAL_SERVER (self), 0);
  return self->port;
}

char **
natter_local_server_get_addresses (NatterLocalServer *self)
{
  GPtrArray *addresses;

  g_return_val_if_fail (NATTER_IS_LOCAL_SERVER (self), NULL);

  addresses = g_ptr_array_new ();
  if (self->server != NULL)
    {
      /* The host name only when others can use it: a loopback listener is
       * not reachable by it (on Debian it resolves to 127.0.1.1). */
      if (self->lan)
        g_ptr_array_add (addresses, g_strdup_printf ("irc://%s:%u", g_get_host_name (), self->port));
      g_ptr_array_add (addresses, g_strdup_printf ("irc://127.0.0.1:%u", self->port));
    }
  g_ptr_array_add (addresses, NULL);
  return (char **) g_ptr_array_free (addresses, FALSE);
}

char *
natter_local_server_describe (NatterLocalServer *self)
{
  g_auto (GStrv) addresses = NULL;

  g_return_val_if_fail (NATTER_IS_LOCAL_SERVER (self), NULL);

  if (self->server == NULL)
    return g_strdup (_("Not hosting a chat"));
  addresses = natter_local_server_get_addresses (self);
  if (self->lan)
    return g_strdup_printf (_("Hosting a chat: others can join at %s with any IRC client (%s from this computer)"),
                            addresses[0], addresses[1]);
  return g_strdup_printf (_("Hosting a chat for this computer only: IRC apps here can join at %s"),
                          addresses[0]);
}
