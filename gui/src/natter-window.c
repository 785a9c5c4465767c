/* natter-window.c: the main window. */
#include "natter-window.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include "natter-chat-input.h"
#include "natter-connection.h"
#include "natter-message-view.h"
#include "natter-search-dialog.h"
#include "natter-sidebar-row.h"
#include "natter-switcher.h"
#include "natter-text.h"
#include "natter-user-list.h"
#include "natter-welcome-dialog.h"

struct _NatterWindow
{
  AdwApplicationWindow parent_instance;

  /* template */
  AdwToastOverlay   *toast_overlay;
  AdwLeaflet        *leaflet;
  GtkWidget         *sidebar_pane;
  GtkWidget         *content_pane;
  GtkListBox        *sidebar;
  AdwWindowTitle    *chat_title;
  GtkToggleButton   *members_button;
  GtkStack          *main_stack;
  GtkRevealer       *status_revealer;
  GtkLabel          *status_label;
  GtkWidget         *topic_bar;
  GtkLabel          *topic_label;
  NatterMessageView *message_view;
  GtkRevealer       *members_revealer;
  GtkLabel          *members_count;
  NatterUserList    *user_list;
  GtkLabel          *nick_label;
  NatterChatInput   *input;

  NatterApplication *app;
  GSettings         *settings;
  NatterBuffer      *buffer;        /* shown; strong ref */
  NatterConnection  *connection;    /* of buffer; strong ref */
  GSignalGroup      *buffer_signals;
  GSignalGroup      *connection_signals;
  GSignalGroup      *members_signals;
  GSignalGroup      *messages_signals;
  char              *pending_last;  /* "network/buffer" to show once it exists */
  gboolean           trace;         /* NATTER_UI_TRACE: print what the UI shows */
};

G_DEFINE_FINAL_TYPE (NatterWindow, natter_window, ADW_TYPE_APPLICATION_WINDOW)

/* The end-to-end tests read this: what the user would see, one line per
 * change, on stdout. Off unless NATTER_UI_TRACE is set. */
G_GNUC_PRINTF (2, 3)
static void
ui_trace (NatterWindow *self, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *text = NULL;

  if (!self->trace)
    return;
  va_start (ap, fmt);
  text = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  printf ("ui: %s\n", text);
  fflush (stdout);
}

static const char *
network_name (NatterConnection *conn)
{
  return conn ? natter_connection_get_config (conn)->name : "";
}

/* ---- what the chat area shows ------------------------------------------------ */

static void
update_title (NatterWindow *self)
{
  g_autofree char *subtitle = NULL;

  if (self->buffer == NULL)
    {
      adw_window_title_set_title (self->chat_title, "Natter");
      adw_window_title_set_subtitle (self->chat_title, "");
      gtk_window_set_title (GTK_WINDOW (self), "Natter");
      return;
    }
  if (natter_buffer_get_kind (self->buffer) == NATTER_BUFFER_SERVER)
    adw_window_title_set_title (self->chat_title, network_name (self->connection));
  else
    adw_window_title_set_title (self->chat_title, natter_buffer_get_name (self->buffer));
  if (natter_buffer_get_kind (self->buffer) == NATTER_BUFFER_CHANNEL)
    {
      guint n = g_list_model_get_n_items (natter_buffer_get_members (self->buffer));
      subtitle = g_strdup_printf (ngettext ("%s · %u member", "%s · %u members", n),
                                  network_name (self->connection), n);
    }
  else
    subtitle = g_strdup (network_name (self->connection));
  adw_window_title_set_subtitle (self->chat_title, subtitle);
  {
    g_autofree char *title = g_strdup_printf ("%s — Natter", adw_window_title_get_title (self->chat_title));
    gtk_window_set_title (GTK_WINDOW (self), title);
  }
}

static void
update_topic (NatterWindow *self)
{
  const char *topic = self->buffer ? natter_buffer_get_topic (self->buffer) : NULL;
  gboolean channel = self->buffer && natter_buffer_get_kind (self->buffer) == NATTER_BUFFER_CHANNEL;

  if (channel && topic && *topic)
    {
      g_autofree char *markup = natter_text_to_markup (topic, NULL, NULL);
      const char *setter = natter_buffer_get_topic_setter (self->buffer);
      g_autofree char *tip = setter && *setter ? g_strdup_printf (_("Topic set by %s"), setter) : NULL;
      g_autofree char *plain = natter_text_strip_formatting (topic);

      gtk_label_set_markup (self->topic_label, markup);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->topic_label), tip ? tip : plain);
      ui_trace (self, "topic %s %s", natter_buffer_get_name (self->buffer), plain);
    }
  else if (channel)
    {
      g_autofree char *markup = g_markup_printf_escaped ("<i>%s</i>", _("No topic — set one with /topic"));
      gtk_label_set_markup (self->topic_label, markup);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->topic_label), NULL);
    }
  gtk_widget_set_visible (self->topic_bar, channel);
}

static void
update_members (NatterWindow *self)
{
  gboolean channel = self->buffer && natter_buffer_get_kind (self->buffer) == NATTER_BUFFER_CHANNEL;

  gtk_revealer_set_reveal_child (self->members_revealer,
                                 channel && gtk_toggle_button_get_active (self->members_button));
  gtk_widget_set_sensitive (GTK_WIDGET (self->members_button), channel);
  if (channel)
    {
      guint n = g_list_model_get_n_items (natter_buffer_get_members (self->buffer));
      g_autofree char *text = g_strdup_printf (ngettext ("%u member", "%u members", n), n);
      gtk_label_set_text (self->members_count, text);
    }
  update_title (self);
}

static void
update_connection_state (NatterWindow *self)
{
  NatterConnectionState state;
  const char *status;

  if (self->connection == NULL)
    {
      gtk_revealer_set_reveal_child (self->status_revealer, FALSE);
      return;
    }
  state = natter_connection_get_state (self->connection);
  status = natter_connection_get_status (self->connection);
  gtk_label_set_text (self->status_label, status ? status : "");
  gtk_revealer_set_reveal_child (self->status_revealer, state != NATTER_CONNECTION_CONNECTED);
  gtk_label_set_text (self->nick_label, natter_connection_get_nick (self->connection));
  natter_message_view_set_nick (self->message_view, natter_connection_get_nick (self->connection));
  update_title (self);
}

static void
update_placeholder (NatterWindow *self)
{
  GtkEditable *editable = natter_chat_input_get_editable (self->input);
  g_autofree char *text = NULL;

  if (self->buffer == NULL)
    return;
  switch (natter_buffer_get_kind (self->buffer))
    {
    case NATTER_BUFFER_SERVER:
      text = g_strdup (_("Type a command, e.g. /join #channel"));
      break;
    default:
      text = g_strdup_printf (_("Message %s"), natter_buffer_get_name (self->buffer));
      break;
    }
  if (GTK_IS_TEXT (editable))
    gtk_text_set_placeholder_text (GTK_TEXT (editable), text);
  else if (GTK_IS_ENTRY (editable))
    gtk_entry_set_placeholder_text (GTK_ENTRY (editable), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (editable), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static void
on_messages_changed (GListModel   *model,
                     guint         position,
                     guint         removed,
                     guint         added,
                     NatterWindow *self)
{
  if (!self->trace)
    return;
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (NatterMessage) msg = g_list_model_get_item (model, i);
      g_autofree char *plain = NULL;

      if (natter_message_get_kind (msg) == NATTER_MESSAGE_DAY)
        continue;
      plain = natter_message_to_plain (msg);
      ui_trace (self, "shown %s/%s %s", network_name (self->connection),
                natter_buffer_get_name (self->buffer), plain);
    }
}

/* ---- selection -------------------------------------------------------------------- */

static void
select_row_for (NatterWindow *self, NatterBuffer *buffer)
{
  GListModel *all = natter_application_get_all_buffers (self->app);
  guint n = g_list_model_get_n_items (all);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (NatterBuffer) b = g_list_model_get_item (all, i);
      if (b == buffer)
        {
          GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->sidebar, (int) i);
          if (row && gtk_list_box_get_selected_row (self->sidebar) != row)
            gtk_list_box_select_row (self->sidebar, row);
          return;
        }
    }
}

static void
show_buffer (NatterWindow *self, NatterBuffer *buffer)
{
  gboolean focused = gtk_window_is_active (GTK_WINDOW (self));

  if (buffer == self->buffer)
    return;
  if (self->buffer)
    natter_buffer_set_active (self->buffer, FALSE, focused);
  g_set_object (&self->buffer, buffer);
  {
    NatterConnection *conn = buffer ? natter_buffer_get_connection (buffer) : NULL;
    g_set_object (&self->connection, conn);
  }

  g_signal_group_set_target (self->buffer_signals, buffer);
  g_signal_group_set_target (self->connection_signals, self->connection);
  g_signal_group_set_target (self->members_signals, buffer ? natter_buffer_get_members (buffer) : NULL);
  g_signal_group_set_target (self->messages_signals, buffer ? natter_buffer_get_messages (buffer) : NULL);

  natter_message_view_set_model (self->message_view, buffer ? natter_buffer_get_messages (buffer) : NULL);
  natter_user_list_set_model (self->user_list, buffer ? natter_buffer_get_members (buffer) : NULL);
  natter_chat_input_set_buffer (self->input, buffer);
  if (buffer == NULL)
    {
      update_title (self);
      return;
    }
  natter_buffer_set_active (buffer, TRUE, focused);
  natter_buffer_mark_read (buffer);

  update_connection_state (self);
  update_topic (self);
  update_members (self);
  update_placeholder (self);
  gtk_stack_set_visible_child_name (self->main_stack, "chat");
  select_row_for (self, buffer);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  gtk_widget_grab_focus (GTK_WIDGET (self->input));

  {
    g_autofree char *key = g_strdup_printf ("%s/%s", network_name (self->connection),
                                            natter_buffer_get_name (buffer));
    g_settings_set_string (self->settings, "last-buffer", key);
  }
  ui_trace (self, "selected %s/%s", network_name (self->connection), natter_buffer_get_name (buffer));
  if (self->trace)
    {
      GListModel *model = G_LIST_MODEL (natter_buffer_get_messages (buffer));
      guint n = g_list_model_get_n_items (model);
      on_messages_changed (model, n > 20 ? n - 20 : 0, 0, MIN (n, 20), self);
    }
}

void
natter_window_select_buffer (NatterWindow *self, NatterBuffer *buffer)
{
  g_return_if_fail (NATTER_IS_WINDOW (self));
  show_buffer (self, buffer);
}

NatterBuffer *
natter_window_get_buffer (NatterWindow *self)
{
  return self->buffer;
}

static void
on_row_selected (GtkListBox *box, GtkListBoxRow *row, NatterWindow *self)
{
  if (row == NULL)
    return;
  show_buffer (self, natter_sidebar_row_get_buffer (NATTER_SIDEBAR_ROW (row)));
}

static void
on_row_activated (GtkListBox *box, GtkListBoxRow *row, NatterWindow *self)
{
  g_clear_pointer (&self->pending_last, g_free);
  show_buffer (self, natter_sidebar_row_get_buffer (NATTER_SIDEBAR_ROW (row)));
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static GtkWidget *
create_sidebar_row (gpointer item, gpointer user_data)
{
  return natter_sidebar_row_new (NATTER_BUFFER (item));
}

/* Rows come and go as chats open and close; keep something sensible shown. */
static void
on_all_buffers_changed (GListModel   *all,
                        guint         position,
                        guint         removed,
                        guint         added,
                        NatterWindow *self)
{
  guint n = g_list_model_get_n_items (all);
  gboolean still_there = FALSE;

  /* The chat shown when the app closed exists only once its channel is
   * joined again: show it when it appears. */
  for (guint i = position; i < position + added && self->pending_last; i++)
    {
      g_autoptr (NatterBuffer) b = g_list_model_get_item (all, i);
      g_autofree char *key = g_strdup_printf ("%s/%s", network_name (natter_buffer_get_connection (b)),
                                              natter_buffer_get_name (b));
      if (g_strcmp0 (key, self->pending_last) == 0)
        {
          g_clear_pointer (&self->pending_last, g_free);
          show_buffer (self, b);
          return;
        }
    }

  for (guint i = 0; i < n && self->buffer; i++)
    {
      g_autoptr (NatterBuffer) b = g_list_model_get_item (all, i);
      if (b == self->buffer)
        still_there = TRUE;
    }
  if (self->buffer && still_there)
    {
      select_row_for (self, self->buffer);
      return;
    }
  if (n == 0)
    {
      show_buffer (self, NULL);
      gtk_stack_set_visible_child_name (self->main_stack, "empty");
      return;
    }
  {
    g_autoptr (NatterBuffer) next = g_list_model_get_item (all, MIN (position, n - 1));
    show_buffer (self, next);
  }
}

/* Focus what the user asked for (/join, /query); and after connecting, move
 * from the network's server messages to its first channel, as chat apps do. */
static void
on_buffer_added (NatterConnection *conn, NatterBuffer *buffer, gboolean focus, NatterWindow *self)
{
  gboolean from_server = self->buffer && self->connection == conn
                         && natter_buffer_get_kind (self->buffer) == NATTER_BUFFER_SERVER
                         && natter_buffer_get_kind (buffer) == NATTER_BUFFER_CHANNEL;

  if (focus || (from_server && self->pending_last == NULL))
    show_buffer (self, buffer);
}

static void
on_any_connection_state (NatterConnection *conn, GParamSpec *pspec, NatterWindow *self)
{
  ui_trace (self, "state %s %d %s", network_name (conn), (int) natter_connection_get_state (conn),
            natter_connection_get_status (conn));
}

static void
on_connections_changed (GListModel   *connections,
                        guint         position,
                        guint         removed,
                        guint         added,
                        NatterWindow *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (NatterConnection) conn = g_list_model_get_item (connections, i);
      g_signal_connect_object (conn, "buffer-added", G_CALLBACK (on_buffer_added), self, 0);
      g_signal_connect_object (conn, "notify::state", G_CALLBACK (on_any_connection_state), self, 0);
      g_signal_connect_object (conn, "notify::status", G_CALLBACK (on_any_connection_state), self, 0);
      if (self->buffer == NULL || added == 1)
        show_buffer (self, natter_connection_get_server_buffer (conn));
    }
  gtk_stack_set_visible_child_name (self->main_stack,
                                    g_list_model_get_n_items (connections) ? "chat" : "empty");
}

/* ---- input ------------------------------------------------------------------------- */

static gboolean
on_input_submit (NatterWindow *self, const char *line)
{
  g_autoptr (GError) error = NULL;
  NatterBuffer *show = NULL;

  if (self->buffer == NULL || self->connection == NULL)
    return FALSE;
  g_clear_pointer (&self->pending_last, g_free);
  if (!natter_connection_execute (self->connection, self->buffer, line, &show, &error))
    {
      /* The line stays in the input, the reason shows in the chat. */
      natter_buffer_add_status (self->buffer, NATTER_MESSAGE_ERROR, error->message);
      ui_trace (self, "error %s", error->message);
      return FALSE;
    }
  if (show)
    show_buffer (self, show);
  natter_message_view_scroll_to_bottom (self->message_view);
  return TRUE;
}

static void
on_input_page (NatterWindow *self, int direction)
{
  natter_message_view_page (self->message_view, direction);
}

static void
on_member_activated (NatterWindow *self, const char *nick)
{
  NatterBuffer *query;

  if (self->connection == NULL)
    return;
  query = natter_connection_open_query (self->connection, nick);
  if (query)
    show_buffer (self, query);
}

static void
on_back_clicked (NatterWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
on_load_older (NatterMessageView *view, NatterWindow *self)
{
  if (self->buffer)
    natter_buffer_load_older (self->buffer, 200);
}

/* ---- buffer / connection notifications ---------------------------------------------- */

static void
on_buffer_notify (NatterBuffer *buffer, GParamSpec *pspec, NatterWindow *self)
{
  update_topic (self);
}

static void
on_members_changed (GListModel *model, guint p, guint r, guint a, NatterWindow *self)
{
  update_members (self);
}

static void
on_connection_notify (NatterConnection *conn, GParamSpec *pspec, NatterWindow *self)
{
  update_connection_state (self);
}

static void
on_is_active (NatterWindow *self, GParamSpec *pspec, gpointer data)
{
  gboolean focused = gtk_window_is_active (GTK_WINDOW (self));

  if (self->buffer)
    {
      natter_buffer_set_active (self->buffer, TRUE, focused);
      if (focused)
        natter_buffer_mark_read (self->buffer);
    }
}

/* ---- dialogs -------------------------------------------------------------------------- */

static void
on_network_chosen (NatterWelcomeDialog *dialog, NatterNetworkConfig *cfg, NatterWindow *self)
{
  g_autoptr (GError) error = NULL;
  NatterConnection *conn;

  if (cfg->hosted)
    g_settings_set_boolean (self->settings, "host-on-lan", natter_welcome_dialog_get_lan (dialog));
  conn = natter_application_add_network (self->app, cfg, &error);

  if (conn == NULL)
    {
      natter_welcome_dialog_show_error (dialog, error->message);
      return;
    }
  show_buffer (self, natter_connection_get_server_buffer (conn));
  if (cfg->hosted)
    {
      g_autofree char *text = natter_local_server_describe (natter_application_get_local_server (self->app));

      natter_window_show_toast (self, text);
    }
}

void
natter_window_show_welcome (NatterWindow *self)
{
  NatterWelcomeDialog *dialog = natter_welcome_dialog_new (GTK_WINDOW (self), NULL);

  g_signal_connect_object (dialog, "network-chosen", G_CALLBACK (on_network_chosen), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
natter_window_show_toast (NatterWindow *self, const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  ui_trace (self, "toast %s", text);
}

static void
on_switcher_activated (NatterSwitcher *switcher, NatterBuffer *buffer, NatterWindow *self)
{
  g_clear_pointer (&self->pending_last, g_free);
  show_buffer (self, buffer);
}

static void
on_search_hit (NatterSearchDialog *dialog, const char *network, const char *buffer, NatterWindow *self)
{
  GListModel *conns = natter_application_get_connections (self->app);
  guint n = g_list_model_get_n_items (conns);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (NatterConnection) conn = g_list_model_get_item (conns, i);
      NatterBuffer *b;

      if (g_strcmp0 (network_name (conn), network) != 0)
        continue;
      b = natter_connection_find_buffer (conn, buffer);
      if (b == NULL && natter_connection_get_state (conn) == NATTER_CONNECTION_CONNECTED
          && !strchr ("#&+!", buffer[0]))
        b = natter_connection_open_query (conn, buffer);
      if (b)
        show_buffer (self, b);
      else
        {
          g_autofree char *text = g_strdup_printf (_("%s is not open: join it to see it live"), buffer);
          natter_window_show_toast (self, text);
        }
      return;
    }
}

/* ---- actions ---------------------------------------------------------------------------- */

static void
step_buffer (NatterWindow *self, int delta)
{
  GListModel *all = natter_application_get_all_buffers (self->app);
  guint n = g_list_model_get_n_items (all);
  guint cur = 0;

  if (n == 0)
    return;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (NatterBuffer) b = g_list_model_get_item (all, i);
      if (b == self->buffer)
        cur = i;
    }
  {
    g_autoptr (NatterBuffer) next = g_list_model_get_item (all, (guint) (((int) cur + delta + (int) n) % (int) n));
    show_buffer (self, next);
  }
}

static void
action_next (GtkWidget *widget, const char *name, GVariant *param)
{
  step_buffer (NATTER_WINDOW (widget), +1);
}

static void
action_previous (GtkWidget *widget, const char *name, GVariant *param)
{
  step_buffer (NATTER_WINDOW (widget), -1);
}

static void
action_goto (GtkWidget *widget, const char *name, GVariant *param)
{
  NatterWindow *self = NATTER_WINDOW (widget);
  GListModel *all = natter_application_get_all_buffers (self->app);
  int index = g_variant_get_int32 (param) - 1;

  if (index >= 0 && (guint) index < g_list_model_get_n_items (all))
    {
      g_autoptr (NatterBuffer) b = g_list_model_get_item (all, (guint) index);
      show_buffer (self, b);
    }
}

static void
action_close (GtkWidget *widget, const char *name, GVariant *param)
{
  NatterWindow *self = NATTER_WINDOW (widget);

  if (self->buffer && self->connection
      && natter_buffer_get_kind (self->buffer) != NATTER_BUFFER_SERVER)
    natter_connection_close_buffer (self->connection, self->buffer);
}

static void
action_clear (GtkWidget *widget, const char *name, GVariant *param)
{
  NatterWindow *self = NATTER_WINDOW (widget);

  if (self->buffer)
    natter_message_model_clear (natter_buffer_get_messages (self->buffer));
}

static void
action_toggle_members (GtkWidget *widget, const char *name, GVariant *param)
{
  NatterWindow *self = NATTER_WINDOW (widget);

  gtk_toggle_button_set_active (self->members_button, !gtk_toggle_button_get_active (self->members_button));
}

static void
action_reconnect (GtkWidget *widget, const char *name, GVariant *param)
{
  NatterWindow *self = NATTER_WINDOW (widget);

  if (self->connection)
    natter_connection_reconnect (self->connection);
}

static void
action_switcher (GtkWidget *widget, const char *name, GVariant *param)
{
  NatterWindow *self = NATTER_WINDOW (widget);
  NatterSwitcher *sw = natter_switcher_new (GTK_WINDOW (self), natter_application_get_all_buffers (self->app));

  g_signal_connect_object (sw, "buffer-activated", G_CALLBACK (on_switcher_activated), self, 0);
  gtk_window_present (GTK_WINDOW (sw));
}

static void
action_search (GtkWidget *widget, const char *name, GVariant *param)
{
  NatterWindow *self = NATTER_WINDOW (widget);
  NatterHistory *history = natter_application_get_history (self->app);
  NatterSearchDialog *dlg;
  const char *key = NULL;

  if (history == NULL)
    {
      natter_window_show_toast (self, _("History is off, so there is nothing to search"));
      return;
    }
  if (self->buffer && self->connection)
    key = natter_buffer_get_history_key (self->buffer);
  dlg = natter_search_dialog_new (GTK_WINDOW (self), history,
                                  self->connection ? network_name (self->connection) : NULL, key);
  g_signal_connect_object (dlg, "hit-activated", G_CALLBACK (on_search_hit), self, 0);
  gtk_window_present (GTK_WINDOW (dlg));
}

static void
on_remove_response (AdwMessageDialog *dialog, const char *response, NatterWindow *self)
{
  NatterConnection *conn = g_object_get_data (G_OBJECT (dialog), "connection");

  if (g_strcmp0 (response, "remove") == 0 && conn)
    natter_application_remove_network (self->app, conn);
}

static void
action_remove_network (GtkWidget *widget, const char *name, GVariant *param)
{
  NatterWindow *self = NATTER_WINDOW (widget);
  AdwMessageDialog *dialog;

  if (self->connection == NULL)
    return;
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL));
  adw_message_dialog_format_heading (dialog, _("Remove %s?"), network_name (self->connection));
  adw_message_dialog_set_body (dialog, _("Natter disconnects and forgets this network. Its history stays searchable."));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  g_object_set_data_full (G_OBJECT (dialog), "connection", g_object_ref (self->connection), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- lifecycle ---------------------------------------------------------------------------- */

static void
on_show_events_changed (GSettings *settings, const char *key, NatterWindow *self)
{
  natter_message_view_set_show_events (self->message_view, g_settings_get_boolean (settings, key));
}

static gboolean
natter_window_close_request (GtkWindow *window)
{
  NatterWindow *self = NATTER_WINDOW (window);
  int w, h;

  gtk_window_get_default_size (window, &w, &h);
  g_settings_set_int (self->settings, "window-width", w);
  g_settings_set_int (self->settings, "window-height", h);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  return GTK_WINDOW_CLASS (natter_window_parent_class)->close_request (window);
}

static void
select_last_buffer (NatterWindow *self)
{
  g_autofree char *last = g_settings_get_string (self->settings, "last-buffer");
  GListModel *all = natter_application_get_all_buffers (self->app);
  guint n = g_list_model_get_n_items (all);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (NatterBuffer) b = g_list_model_get_item (all, i);
      g_autofree char *key = g_strdup_printf ("%s/%s", network_name (natter_buffer_get_connection (b)),
                                              natter_buffer_get_name (b));
      if (g_strcmp0 (key, last) == 0)
        {
          show_buffer (self, b);
          return;
        }
    }
  if (last && *last)
    self->pending_last = g_steal_pointer (&last);
}

static void
natter_window_dispose (GObject *object)
{
  NatterWindow *self = NATTER_WINDOW (object);

  if (self->buffer)
    natter_buffer_set_active (self->buffer, FALSE, FALSE);
  g_clear_object (&self->buffer_signals);
  g_clear_object (&self->connection_signals);
  g_clear_object (&self->members_signals);
  g_clear_object (&self->messages_signals);
  g_clear_object (&self->buffer);
  g_clear_object (&self->connection);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->pending_last, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_WINDOW);
  G_OBJECT_CLASS (natter_window_parent_class)->dispose (object);
}

static void
natter_window_class_init (NatterWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = natter_window_dispose;
  window_class->close_request = natter_window_close_request;

  g_type_ensure (NATTER_TYPE_MESSAGE_VIEW);
  g_type_ensure (NATTER_TYPE_USER_LIST);
  g_type_ensure (NATTER_TYPE_CHAT_INPUT);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/natter/Natter/ui/natter-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, sidebar_pane);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, content_pane);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, chat_title);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, members_button);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, status_revealer);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, topic_bar);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, topic_label);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, message_view);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, members_revealer);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, members_count);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, user_list);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, nick_label);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, input);
  gtk_widget_class_bind_template_callback (widget_class, on_input_submit);
  gtk_widget_class_bind_template_callback (widget_class, on_input_page);
  gtk_widget_class_bind_template_callback (widget_class, on_member_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);

  gtk_widget_class_install_action (widget_class, "win.next-buffer", NULL, action_next);
  gtk_widget_class_install_action (widget_class, "win.previous-buffer", NULL, action_previous);
  gtk_widget_class_install_action (widget_class, "win.goto-buffer", "i", action_goto);
  gtk_widget_class_install_action (widget_class, "win.close-buffer", NULL, action_close);
  gtk_widget_class_install_action (widget_class, "win.clear-buffer", NULL, action_clear);
  gtk_widget_class_install_action (widget_class, "win.toggle-members", NULL, action_toggle_members);
  gtk_widget_class_install_action (widget_class, "win.reconnect", NULL, action_reconnect);
  gtk_widget_class_install_action (widget_class, "win.switcher", NULL, action_switcher);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, action_search);
  gtk_widget_class_install_action (widget_class, "win.remove-network", NULL, action_remove_network);
}

static void
natter_window_init (NatterWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->trace = g_getenv ("NATTER_UI_TRACE") != NULL;

  self->buffer_signals = g_signal_group_new (NATTER_TYPE_BUFFER);
  g_signal_group_connect_object (self->buffer_signals, "notify::topic", G_CALLBACK (on_buffer_notify), self, 0);
  g_signal_group_connect_object (self->buffer_signals, "notify::topic-setter", G_CALLBACK (on_buffer_notify), self, 0);
  self->connection_signals = g_signal_group_new (NATTER_TYPE_CONNECTION);
  g_signal_group_connect_object (self->connection_signals, "notify::state", G_CALLBACK (on_connection_notify), self, 0);
  g_signal_group_connect_object (self->connection_signals, "notify::status", G_CALLBACK (on_connection_notify), self, 0);
  g_signal_group_connect_object (self->connection_signals, "notify::nick", G_CALLBACK (on_connection_notify), self, 0);
  g_signal_group_connect_object (self->connection_signals, "notify::name", G_CALLBACK (on_connection_notify), self, 0);
  self->members_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_object (self->members_signals, "items-changed", G_CALLBACK (on_members_changed), self, 0);
  self->messages_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_object (self->messages_signals, "items-changed", G_CALLBACK (on_messages_changed), self, 0);

  g_signal_connect (self->sidebar, "row-selected", G_CALLBACK (on_row_selected), self);
  g_signal_connect (self->sidebar, "row-activated", G_CALLBACK (on_row_activated), self);
  g_signal_connect (self->message_view, "load-older", G_CALLBACK (on_load_older), self);
  g_signal_connect_swapped (self->members_button, "toggled", G_CALLBACK (update_members), self);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_is_active), NULL);
}

static void
load_help_overlay (NatterWindow *self)
{
  g_autoptr (GtkBuilder) builder = gtk_builder_new_from_resource ("/org/natter/Natter/ui/natter-shortcuts.ui");
  GtkShortcutsWindow *overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));

  gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self), overlay);
}

NatterWindow *
natter_window_new (NatterApplication *app)
{
  NatterWindow *self = g_object_new (NATTER_TYPE_WINDOW, "application", app, NULL);
  GListModel *all = natter_application_get_all_buffers (app);
  GListModel *conns = natter_application_get_connections (app);

  self->app = app;
  self->settings = g_object_ref (natter_application_get_settings (app));
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  g_signal_connect_object (self->settings, "changed::show-joins-parts",
                           G_CALLBACK (on_show_events_changed), self, 0);
  on_show_events_changed (self->settings, "show-joins-parts", self);
  load_help_overlay (self);

  gtk_list_box_bind_model (self->sidebar, all, create_sidebar_row, self, NULL);
  g_signal_connect_object (all, "items-changed", G_CALLBACK (on_all_buffers_changed), self, G_CONNECT_AFTER);
  g_signal_connect_object (conns, "items-changed", G_CALLBACK (on_connections_changed), self, 0);
  on_connections_changed (conns, 0, 0, g_list_model_get_n_items (conns), self);
  select_last_buffer (self);
  if (self->buffer == NULL)
    gtk_stack_set_visible_child_name (self->main_stack, "empty");
  return self;
}
