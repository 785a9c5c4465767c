/* natter-application.c: networks, embedded server, history, settings,
 * actions and notifications. */
#include "natter-application.h"

#include <glib/gi18n.h>
#include "natter-network-config.h"
#include "natter-preferences.h"
#include "natter-text.h"
#include "natter-window.h"

struct _NatterApplication
{
  AdwApplication     parent_instance;

  GSettings         *settings;
  NatterHistory     *history;
  char              *history_error;     /* why history could not be opened */
  NatterLocalServer *local_server;
  GListStore        *connections;       /* NatterConnection */
  GtkFlattenListModel *all_buffers;
  gboolean           shutting_down;
};

G_DEFINE_FINAL_TYPE (NatterApplication, natter_application, ADW_TYPE_APPLICATION)

static NatterWindow *
get_window (NatterApplication *self)
{
  GtkWindow *win = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (win == NULL)
    {
      GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));
      win = windows ? windows->data : NULL;
    }
  return win ? NATTER_WINDOW (win) : NULL;
}

static NatterWindow *
ensure_window (NatterApplication *self)
{
  NatterWindow *win = get_window (self);

  if (win == NULL)
    {
      win = natter_window_new (self);
      if (self->history_error)
        natter_window_show_toast (win, self->history_error);
    }
  return win;
}

/* ---- saving networks ------------------------------------------------------ */

/* The saved list mirrors the live connections, with each network's channel
 * list taken from the channels it is in now: what a user joined by hand comes
 * back on the next start too. */
static void
save_networks (NatterApplication *self)
{
  g_autoptr (GPtrArray) configs = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_network_config_free);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));

  if (self->shutting_down)
    return;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (NatterConnection) conn = g_list_model_get_item (G_LIST_MODEL (self->connections), i);
      NatterNetworkConfig *cfg = natter_network_config_copy (natter_connection_get_config (conn));
      GListModel *buffers = natter_connection_get_buffers (conn);
      guint nb = g_list_model_get_n_items (buffers);
      g_autoptr (GStrvBuilder) chans = g_strv_builder_new ();
      gboolean any = FALSE;

      for (guint j = 0; j < nb; j++)
        {
          g_autoptr (NatterBuffer) buf = g_list_model_get_item (buffers, j);
          if (natter_buffer_get_kind (buf) == NATTER_BUFFER_CHANNEL)
            {
              g_strv_builder_add (chans, natter_buffer_get_name (buf));
              any = TRUE;
            }
        }
      /* Before the first registration there are no channel buffers yet:
       * keep the configured list rather than saving an empty one. */
      if (any || natter_connection_get_state (conn) == NATTER_CONNECTION_CONNECTED)
        {
          g_strfreev (cfg->channels);
          cfg->channels = g_strv_builder_end (chans);
        }
      g_ptr_array_add (configs, cfg);
    }
  natter_network_config_save (self->settings, configs);
}

/* ---- notifications ---------------------------------------------------------- */

static void
on_notify_user (NatterConnection  *conn,
                NatterBuffer      *buffer,
                NatterMessage     *message,
                NatterApplication *self)
{
  GtkWindow *win = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr (GNotification) note = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *id = NULL;
  const char *nick = natter_message_get_nick (message);

  if (!g_settings_get_boolean (self->settings, "notifications"))
    return;
  /* The user is looking at it already. */
  if (win && gtk_window_is_active (win) && natter_buffer_get_active (buffer))
    return;

  if (natter_buffer_get_kind (buffer) == NATTER_BUFFER_QUERY)
    title = g_strdup_printf (_("%s (private message)"), nick ? nick : "?");
  else
    title = g_strdup_printf (_("%s in %s"), nick ? nick : "?", natter_buffer_get_name (buffer));
  body = natter_text_strip_formatting (natter_message_get_text (message) ? natter_message_get_text (message) : "");

  note = g_notification_new (title);
  g_notification_set_body (note, body);
  g_notification_set_default_action_and_target (note, "app.open-buffer", "(ss)",
                                                natter_connection_get_config (conn)->name,
                                                natter_buffer_get_name (buffer));
  /* One notification per chat, replaced by the next: a busy private chat
   * does not bury the desktop. Without a notification service GIO drops it;
   * sending never blocks. */
  id = g_strdup_printf ("chat-%s-%s", natter_connection_get_config (conn)->name,
                        natter_buffer_get_name (buffer));
  g_application_send_notification (G_APPLICATION (self), id, note);
}

static void
on_history_error (NatterConnection  *conn,
                  const char        *text,
                  NatterApplication *self)
{
  NatterWindow *win = get_window (self);
  /* text already says what is not being saved and why. */
  g_autofree char *msg = g_strdup_printf (_("%s. The chat goes on."), text);

  g_warning ("%s", msg);
  if (win)
    natter_window_show_toast (win, msg);
}

static void
on_buffers_changed (GListModel        *buffers,
                    guint              position,
                    guint              removed,
                    guint              added,
                    NatterApplication *self)
{
  save_networks (self);
}

static gpointer
map_connection_to_buffers (gpointer item, gpointer user_data)
{
  NatterConnection *conn = item;
  GListModel *buffers = g_object_ref (natter_connection_get_buffers (conn));

  g_object_unref (conn);
  return buffers;
}

/* ---- networks ------------------------------------------------------------- */

static NatterConnection *
find_connection (NatterApplication *self, const char *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (NatterConnection) conn = g_list_model_get_item (G_LIST_MODEL (self->connections), i);
      if (g_strcmp0 (natter_connection_get_config (conn)->name, name) == 0)
        return conn;
    }
  return NULL;
}

static NatterConnection *
find_connection_by_address (NatterApplication *self, const char *host, guint16 port)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (NatterConnection) conn = g_list_model_get_item (G_LIST_MODEL (self->connections), i);
      const NatterNetworkConfig *cfg = natter_connection_get_config (conn);
      if (g_ascii_strcasecmp (cfg->host, host) == 0 && cfg->port == port)
        return conn;
    }
  return NULL;
}

static gboolean
start_hosting (NatterApplication *self, guint16 port, GError **error)
{
  if (natter_local_server_is_running (self->local_server))
    {
      if (natter_local_server_get_port (self->local_server) == port)
        return TRUE;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("This computer already hosts a chat on port %u"),
                   natter_local_server_get_port (self->local_server));
      return FALSE;
    }
  return natter_local_server_start (self->local_server, port,
                                    g_settings_get_boolean (self->settings, "host-on-lan"), error);
}

static NatterConnection *
add_connection (NatterApplication *self, const NatterNetworkConfig *cfg, gboolean save, GError **error)
{
  g_autoptr (NatterConnection) conn = NULL;

  if (!natter_network_config_validate (cfg, error))
    return NULL;
  if (find_connection (self, cfg->name))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("A network named “%s” is already open"), cfg->name);
      return NULL;
    }
  if (cfg->hosted && !start_hosting (self, cfg->port, error))
    return NULL;

  conn = natter_connection_new (cfg, self->history);
  g_signal_connect_object (conn, "notify-user", G_CALLBACK (on_notify_user), self, 0);
  g_signal_connect_object (conn, "history-error", G_CALLBACK (on_history_error), self, 0);
  g_signal_connect_object (natter_connection_get_buffers (conn), "items-changed",
                           G_CALLBACK (on_buffers_changed), self, 0);
  g_list_store_append (self->connections, conn);

  if (cfg->hosted)
    {
      g_autofree char *line = natter_local_server_describe (self->local_server);

      natter_buffer_add_status (natter_connection_get_server_buffer (conn), NATTER_MESSAGE_STATUS, line);
    }
  natter_connection_connect (conn);
  if (save)
    save_networks (self);
  return conn;
}

NatterConnection *
natter_application_add_network (NatterApplication         *self,
                                const NatterNetworkConfig *cfg,
                                GError                   **error)
{
  g_return_val_if_fail (NATTER_IS_APPLICATION (self), NULL);
  return add_connection (self, cfg, TRUE, error);
}

void
natter_application_remove_network (NatterApplication *self,
                                   NatterConnection  *connection)
{
  guint pos;

  g_return_if_fail (NATTER_IS_APPLICATION (self));
  if (!g_list_store_find (self->connections, connection, &pos))
    return;
  g_object_ref (connection);
  g_signal_handlers_disconnect_by_data (natter_connection_get_buffers (connection), self);
  natter_connection_disconnect (connection, _("Leaving"));
  if (natter_connection_get_config (connection)->hosted)
    natter_local_server_stop (self->local_server);
  g_list_store_remove (self->connections, pos);
  g_object_unref (connection);
  save_networks (self);
}

/* ---- accessors ------------------------------------------------------------ */

GSettings *
natter_application_get_settings (NatterApplication *self)
{
  return self->settings;
}

NatterHistory *
natter_application_get_history (NatterApplication *self)
{
  return self->history;
}

NatterLocalServer *
natter_application_get_local_server (NatterApplication *self)
{
  return self->local_server;
}

GListModel *
natter_application_get_connections (NatterApplication *self)
{
  return G_LIST_MODEL (self->connections);
}

GListModel *
natter_application_get_all_buffers (NatterApplication *self)
{
  return G_LIST_MODEL (self->all_buffers);
}

/* ---- actions ---------------------------------------------------------------- */

static void
quit_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
preferences_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  NatterApplication *self = user_data;
  NatterPreferences *prefs = natter_preferences_new (GTK_WINDOW (ensure_window (self)), self->settings);

  gtk_window_present (GTK_WINDOW (prefs));
}

static void
about_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  NatterApplication *self = user_data;
  static const char *developers[] = { "The Natter developers", NULL };

  adw_show_about_window (GTK_WINDOW (ensure_window (self)),
                         "application-name", "Natter",
                         "application-icon", NATTER_APP_ID,
                         "version", NATTER_VERSION_STRING,
                         "comments", _("Chat on IRC, or host a chat on this computer"),
                         "developers", developers,
                         "license-type", GTK_LICENSE_MIT_X11,
                         NULL);
}

static void
add_network_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  NatterApplication *self = user_data;
  NatterWindow *win = ensure_window (self);

  gtk_window_present (GTK_WINDOW (win));
  natter_window_show_welcome (win);
}

static void
open_buffer_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  NatterApplication *self = user_data;
  NatterWindow *win = ensure_window (self);
  const char *network, *buffer;
  NatterConnection *conn;

  g_variant_get (param, "(&s&s)", &network, &buffer);
  gtk_window_present (GTK_WINDOW (win));
  if ((conn = find_connection (self, network)))
    {
      NatterBuffer *buf = natter_connection_find_buffer (conn, buffer);
      if (buf)
        natter_window_select_buffer (win, buf);
    }
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_activated, NULL, NULL, NULL, { 0 } },
  { "about", about_activated, NULL, NULL, NULL, { 0 } },
  { "add-network", add_network_activated, NULL, NULL, NULL, { 0 } },
  { "open-buffer", open_buffer_activated, "(ss)", NULL, NULL, { 0 } },
};

static void
set_accels (NatterApplication *self)
{
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.add-network", { "<Control>n", NULL } },
    { "win.switcher", { "<Control>k", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.next-buffer", { "<Control>Page_Down", "<Alt>Down", NULL } },
    { "win.previous-buffer", { "<Control>Page_Up", "<Alt>Up", NULL } },
    { "win.close-buffer", { "<Control>w", NULL } },
    { "win.clear-buffer", { "<Control>l", NULL } },
    { "win.toggle-members", { "<Control>u", NULL } },
    /* GTK binds this itself only for a gtk/help-overlay.ui resource; ours is
     * set on each window by hand. */
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };
  GtkApplication *app = GTK_APPLICATION (self);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (app, accels[i].action, accels[i].accels);
  for (int n = 1; n <= 9; n++)
    {
      g_autofree char *detailed = g_strdup_printf ("win.goto-buffer(%d)", n);
      g_autofree char *accel = g_strdup_printf ("<Alt>%d", n);
      const char *list[] = { accel, NULL };
      gtk_application_set_accels_for_action (app, detailed, list);
    }
}

/* ---- settings ---------------------------------------------------------------- */

static void
apply_color_scheme (NatterApplication *self)
{
  AdwStyleManager *sm = adw_style_manager_get_default ();
  int scheme = g_settings_get_enum (self->settings, "color-scheme");

  adw_style_manager_set_color_scheme (sm, scheme == 1 ? ADW_COLOR_SCHEME_FORCE_LIGHT
                                          : scheme == 2 ? ADW_COLOR_SCHEME_FORCE_DARK
                                          : ADW_COLOR_SCHEME_DEFAULT);
}

static void
on_color_scheme_changed (GSettings *settings, const char *key, NatterApplication *self)
{
  apply_color_scheme (self);
}

/* ---- lifecycle --------------------------------------------------------------- */

/* The installed schema, else the one compiled into the build tree, so
 * `build/bin/natter` runs without installing. (The default schema source is
 * read once per process: setting GSETTINGS_SCHEMA_DIR here would be too late.) */
static GSettings *
make_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GSettingsSchemaSource) build_source = NULL;

  if (source)
    schema = g_settings_schema_source_lookup (source, NATTER_APP_ID, TRUE);
  if (schema == NULL)
    {
      build_source = g_settings_schema_source_new_from_directory (NATTER_BUILD_SCHEMA_DIR, source, FALSE, NULL);
      if (build_source)
        schema = g_settings_schema_source_lookup (build_source, NATTER_APP_ID, TRUE);
    }
  if (schema == NULL)
    g_error ("The GSettings schema %s is not installed", NATTER_APP_ID);
  return g_settings_new_full (schema, NULL, NULL);
}

static void
load_saved_networks (NatterApplication *self)
{
  g_autoptr (GPtrArray) configs = natter_network_config_load (self->settings);

  for (guint i = 0; i < configs->len; i++)
    {
      g_autoptr (GError) error = NULL;
      const NatterNetworkConfig *cfg = g_ptr_array_index (configs, i);
      if (!add_connection (self, cfg, FALSE, &error))
        {
          g_autofree char *msg = g_strdup_printf (_("Could not open %s: %s"), cfg->name, error->message);
          g_warning ("%s", msg);
          natter_window_show_toast (ensure_window (self), msg);
        }
    }
}

static void
natter_application_startup (GApplication *app)
{
  NatterApplication *self = NATTER_APPLICATION (app);
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;

  G_APPLICATION_CLASS (natter_application_parent_class)->startup (app);

  g_set_application_name ("Natter");
  gtk_window_set_default_icon_name (NATTER_APP_ID);

  self->settings = make_settings ();
  g_signal_connect (self->settings, "changed::color-scheme", G_CALLBACK (on_color_scheme_changed), self);
  apply_color_scheme (self);

  path = natter_history_default_path ();
  self->history = natter_history_open (path, &error);
  if (self->history == NULL)
    {
      self->history_error = g_strdup_printf (_("History is off: %s"), error->message);
      g_warning ("%s", self->history_error);
    }

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  set_accels (self);
  load_saved_networks (self);
}

static void
natter_application_activate (GApplication *app)
{
  NatterApplication *self = NATTER_APPLICATION (app);
  NatterWindow *win = ensure_window (self);

  gtk_window_present (GTK_WINDOW (win));
  if (g_list_model_get_n_items (G_LIST_MODEL (self->connections)) == 0)
    natter_window_show_welcome (win);
}

/* irc://host[:port]/#chan: join there — on a network already open to that
 * server, or a new one. */
static void
natter_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  NatterApplication *self = NATTER_APPLICATION (app);
  NatterWindow *win = ensure_window (self);

  gtk_window_present (GTK_WINDOW (win));
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (NatterNetworkConfig) cfg = natter_network_config_from_uri (uri, g_get_user_name (), &error);
      NatterConnection *conn;

      if (cfg == NULL)
        {
          g_autofree char *msg = g_strdup_printf (_("Cannot open %s: %s"), uri, error->message);
          natter_window_show_toast (win, msg);
          continue;
        }
      conn = find_connection_by_address (self, cfg->host, cfg->port);
      if (conn)
        {
          for (guint c = 0; cfg->channels && cfg->channels[c]; c++)
            {
              g_autofree char *line = g_strdup_printf ("/join %s", cfg->channels[c]);
              NatterBuffer *show = NULL;
              natter_connection_execute (conn, natter_connection_get_server_buffer (conn), line, &show, NULL);
              if (show)
                natter_window_select_buffer (win, show);
            }
          continue;
        }
      /* A second network on the same host gets a distinct name. */
      for (int n = 2; find_connection (self, cfg->name); n++)
        {
          g_autofree char *base = g_strdup (cfg->host);
          g_free (cfg->name);
          cfg->name = g_strdup_printf ("%s (%d)", base, n);
        }
      if (!natter_application_add_network (self, cfg, &error))
        {
          g_autofree char *msg = g_strdup_printf (_("Cannot open %s: %s"), uri, error->message);
          natter_window_show_toast (win, msg);
        }
    }
}

static void
natter_application_shutdown (GApplication *app)
{
  NatterApplication *self = NATTER_APPLICATION (app);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));

  save_networks (self);
  self->shutting_down = TRUE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (NatterConnection) conn = g_list_model_get_item (G_LIST_MODEL (self->connections), i);
      natter_connection_disconnect (conn, _("Natter closed"));
    }
  natter_local_server_stop (self->local_server);
  G_APPLICATION_CLASS (natter_application_parent_class)->shutdown (app);
}

static int
natter_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("natter %s\n", NATTER_VERSION_STRING);
      return 0;
    }
  return -1;
}

static void
natter_application_dispose (GObject *object)
{
  NatterApplication *self = NATTER_APPLICATION (object);

  g_clear_object (&self->all_buffers);
  g_clear_object (&self->connections);
  g_clear_object (&self->local_server);
  g_clear_object (&self->history);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->history_error, g_free);
  G_OBJECT_CLASS (natter_application_parent_class)->dispose (object);
}

static void
natter_application_class_init (NatterApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = natter_application_dispose;
  app_class->startup = natter_application_startup;
  app_class->activate = natter_application_activate;
  app_class->open = natter_application_open;
  app_class->shutdown = natter_application_shutdown;
  app_class->handle_local_options = natter_application_handle_local_options;
}

static void
natter_application_init (NatterApplication *self)
{
  GtkMapListModel *map;

  self->local_server = natter_local_server_new ();
  self->connections = g_list_store_new (NATTER_TYPE_CONNECTION);
  map = gtk_map_list_model_new (G_LIST_MODEL (g_object_ref (self->connections)),
                                map_connection_to_buffers, NULL, NULL);
  self->all_buffers = gtk_flatten_list_model_new (G_LIST_MODEL (map));

  g_application_add_main_option (G_APPLICATION (self), "version", 0, 0, G_OPTION_ARG_NONE,
                                 _("Print the version and exit"), NULL);
}

NatterApplication *
natter_application_new (void)
{
  return g_object_new (NATTER_TYPE_APPLICATION,
                       "application-id", NATTER_APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/org/natter/Natter",
                       NULL);
}
