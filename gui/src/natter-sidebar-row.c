/* natter-sidebar-row.c: one chat in the sidebar. */
#include "natter-sidebar-row.h"

#include <glib/gi18n.h>
#include "natter-connection.h"

struct _NatterSidebarRow
{
  GtkListBoxRow  parent_instance;

  NatterBuffer  *buffer;
  GtkWidget     *icon;
  GtkLabel      *name;
  GtkLabel      *badge;
};

G_DEFINE_FINAL_TYPE (NatterSidebarRow, natter_sidebar_row, GTK_TYPE_LIST_BOX_ROW)

static const char *
state_icon (NatterConnectionState state)
{
  switch (state)
    {
    case NATTER_CONNECTION_CONNECTED:    return "network-wired-symbolic";
    case NATTER_CONNECTION_CONNECTING:
    case NATTER_CONNECTION_REGISTERING:  return "network-wired-acquiring-symbolic";
    case NATTER_CONNECTION_WAITING:      return "network-wired-disconnected-symbolic";
    case NATTER_CONNECTION_DISCONNECTED:
    default:                             return "network-wired-offline-symbolic";
    }
}

static void
update (NatterSidebarRow *self)
{
  NatterBuffer *b = self->buffer;
  NatterConnection *conn = natter_buffer_get_connection (b);
  guint unread = natter_buffer_get_unread (b);
  guint mentions = natter_buffer_get_mentions (b);
  g_autofree char *a11y = NULL;

  if (natter_buffer_get_kind (b) == NATTER_BUFFER_SERVER && conn)
    {
      /* The name the user gave the network; the server's own name for
       * itself (ISUPPORT NETWORK) goes in the tooltip with the state. */
      g_autofree char *tip = g_strdup_printf ("%s — %s", natter_connection_get_name (conn),
                                              natter_connection_get_status (conn));
      gtk_label_set_text (self->name, natter_connection_get_config (conn)->name);
      gtk_image_set_from_icon_name (GTK_IMAGE (self->icon), state_icon (natter_connection_get_state (conn)));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), tip);
    }
  else
    {
      gtk_label_set_text (self->name, natter_buffer_get_name (b));
      gtk_image_set_from_icon_name (GTK_IMAGE (self->icon),
                                    natter_buffer_get_kind (b) == NATTER_BUFFER_QUERY
                                      ? "avatar-default-symbolic" : "user-available-symbolic");
      gtk_widget_set_visible (self->icon, natter_buffer_get_kind (b) == NATTER_BUFFER_QUERY);
    }

  if (natter_buffer_get_kind (b) == NATTER_BUFFER_CHANNEL && !natter_buffer_get_joined (b))
    gtk_widget_add_css_class (GTK_WIDGET (self->name), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->name), "dim-label");

  if (unread > 0 || mentions > 0)
    {
      g_autofree char *count = g_strdup_printf ("%u", mentions ? mentions : unread);
      gtk_label_set_text (self->badge, count);
      gtk_widget_set_visible (GTK_WIDGET (self->badge), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self), "unread");
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->badge), FALSE);
      gtk_widget_remove_css_class (GTK_WIDGET (self), "unread");
    }
  if (mentions > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->badge), "mention");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->badge), "mention");

  a11y = mentions ? g_strdup_printf (_("%s, %u mentions"), gtk_label_get_text (self->name), mentions)
       : unread ? g_strdup_printf (_("%s, %u unread"), gtk_label_get_text (self->name), unread)
       : g_strdup (gtk_label_get_text (self->name));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
}

static void
on_notify (GObject *object, GParamSpec *pspec, NatterSidebarRow *self)
{
  update (self);
}

static void
natter_sidebar_row_dispose (GObject *object)
{
  NatterSidebarRow *self = NATTER_SIDEBAR_ROW (object);

  g_clear_object (&self->buffer);
  G_OBJECT_CLASS (natter_sidebar_row_parent_class)->dispose (object);
}

static void
natter_sidebar_row_class_init (NatterSidebarRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = natter_sidebar_row_dispose;
}

static void
natter_sidebar_row_init (NatterSidebarRow *self)
{
}

GtkWidget *
natter_sidebar_row_new (NatterBuffer *buffer)
{
  NatterSidebarRow *self = g_object_new (NATTER_TYPE_SIDEBAR_ROW, NULL);
  NatterConnection *conn = natter_buffer_get_connection (buffer);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gboolean server = natter_buffer_get_kind (buffer) == NATTER_BUFFER_SERVER;

  self->buffer = g_object_ref (buffer);
  self->icon = gtk_image_new ();
  self->name = GTK_LABEL (gtk_label_new (NULL));
  self->badge = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->name, 0);
  gtk_label_set_ellipsize (self->name, PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (GTK_WIDGET (self->name), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->badge), "unread-badge");
  gtk_widget_set_valign (GTK_WIDGET (self->badge), GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), self->icon);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->name));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->badge));
  if (server)
    gtk_widget_add_css_class (GTK_WIDGET (self), "network-row");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self), "chat-row");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), box);

  g_signal_connect_object (buffer, "notify::unread", G_CALLBACK (on_notify), self, 0);
  g_signal_connect_object (buffer, "notify::mentions", G_CALLBACK (on_notify), self, 0);
  g_signal_connect_object (buffer, "notify::joined", G_CALLBACK (on_notify), self, 0);
  if (conn && server)
    {
      g_signal_connect_object (conn, "notify::state", G_CALLBACK (on_notify), self, 0);
      g_signal_connect_object (conn, "notify::status", G_CALLBACK (on_notify), self, 0);
      g_signal_connect_object (conn, "notify::name", G_CALLBACK (on_notify), self, 0);
    }
  update (self);
  return GTK_WIDGET (self);
}

NatterBuffer *
natter_sidebar_row_get_buffer (NatterSidebarRow *self)
{
  return self->buffer;
}
