/* natter-welcome-dialog.c: "Join a server" / "Host a chat on this computer". */
#include "natter-welcome-dialog.h"

#include <string.h>

#define DEFAULT_PORT 6667
#define DEFAULT_HOSTED_CHANNEL "#natter"

typedef enum {
  MODE_JOIN,
  MODE_HOST
} Mode;

struct _NatterWelcomeDialog
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkButton      *back_button;
  GtkStack       *stack;
  AdwActionRow   *choose_join_row;
  AdwActionRow   *choose_host_row;
  AdwEntryRow    *host_row;
  AdwEntryRow    *port_row;
  AdwEntryRow    *nick_row;
  AdwEntryRow    *realname_row;
  AdwEntryRow    *password_row;
  AdwEntryRow    *channels_row;
  AdwActionRow   *lan_row;
  GtkSwitch      *lan_switch;
  GtkLabel       *reason_label;
  GtkButton      *confirm_button;

  Mode            mode;
  /* Set by show_error while "network-chosen" runs: the caller could not add
   * the network, so the dialog must stay open with the error on show. */
  gboolean        emitting;
  gboolean        error_shown;
  /* The "#natter" we put in the channels row for hosting, so going back to
   * "Join a server" does not leave it behind. */
  gboolean        channels_autofilled;
  gboolean        filling;
};

G_DEFINE_FINAL_TYPE (NatterWelcomeDialog, natter_welcome_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_LAN,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_NETWORK_CHOSEN,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* A nick that passes validation made from the login name, which may hold
 * characters IRC does not allow in nicks ("john.doe", "Jöns"). */
static char *
default_nick (void)
{
  const char *user = g_get_user_name ();
  GString *nick = g_string_new (NULL);

  for (const char *p = user; p && *p && nick->len < 16; p++)
    {
      char c = *p;

      if (g_ascii_isalnum (c) || strchr ("[]\\`_^{|}-", c) != NULL)
        g_string_append_c (nick, c);
      else if ((guchar) c < 0x80)
        g_string_append_c (nick, '_');
    }
  if (nick->len == 0 || g_ascii_isdigit (nick->str[0]) || nick->str[0] == '-')
    g_string_prepend (nick, "user");
  return g_string_free (nick, FALSE);
}

/* "#a, #b  c" → {"#a", "#b", "#c"}: people type names without the '#'. */
static char **
parse_channels (const char *text)
{
  g_auto (GStrv) parts = g_strsplit_set (text ? text : "", ", \t", -1);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *p = parts[i];

      if (*p == '\0')
        continue;
      if (strchr ("#&+!", *p) != NULL)
        g_ptr_array_add (out, g_strdup (p));
      else
        g_ptr_array_add (out, g_strconcat ("#", p, NULL));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static gboolean
parse_port (const char *text, guint16 *port, GError **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  guint64 value = 0;

  if (*stripped == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "Enter a port number (IRC usually uses 6667).");
      return FALSE;
    }
  if (!g_ascii_string_to_unsigned (stripped, 10, 1, 65535, &value, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "The port must be a number from 1 to 65535.");
      return FALSE;
    }
  *port = (guint16) value;
  return TRUE;
}

static NatterNetworkConfig *
build_config (NatterWelcomeDialog *self, GError **error)
{
  g_autofree char *host = g_strstrip (g_strdup (row_text (self->host_row)));
  g_autofree char *nick = g_strstrip (g_strdup (row_text (self->nick_row)));
  g_autofree char *realname = g_strstrip (g_strdup (row_text (self->realname_row)));
  const char *password = row_text (self->password_row);
  g_autoptr (NatterNetworkConfig) cfg = NULL;
  g_auto (GStrv) channels = parse_channels (row_text (self->channels_row));
  guint16 port = DEFAULT_PORT;

  if (self->mode == MODE_HOST)
    {
      g_free (host);
      host = g_strdup ("127.0.0.1");
      if (channels[0] == NULL)
        {
          g_strfreev (channels);
          channels = g_strsplit (DEFAULT_HOSTED_CHANNEL, " ", -1);
        }
    }
  else if (*host == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "Enter the server's address, for example irc.libera.chat.");
      return NULL;
    }

  if (!parse_port (row_text (self->port_row), &port, error))
    return NULL;

  cfg = natter_network_config_new (self->mode == MODE_HOST ? "This computer" : host,
                                   host, port, nick);
  cfg->hosted = self->mode == MODE_HOST;
  if (self->mode == MODE_JOIN)
    {
      g_free (cfg->realname);
      cfg->realname = *realname ? g_strdup (realname) : NULL;
      g_free (cfg->password);
      cfg->password = password && *password ? g_strdup (password) : NULL;
    }
  g_strfreev (cfg->channels);
  cfg->channels = g_steal_pointer (&channels);

  if (!natter_network_config_validate (cfg, error))
    return NULL;
  return g_steal_pointer (&cfg);
}

static void
set_reason (NatterWelcomeDialog *self, const char *text, gboolean is_error)
{
  gtk_label_set_text (self->reason_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->reason_label), text && *text);
  if (is_error)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->reason_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->reason_label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->reason_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->reason_label), "dim-label");
    }
}

static void
revalidate (NatterWelcomeDialog *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NatterNetworkConfig) cfg = NULL;

  if (self->filling)
    return;
  cfg = build_config (self, &error);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), cfg != NULL);
  set_reason (self, error ? error->message : NULL, FALSE);
}

static void
on_field_changed (NatterWelcomeDialog *self)
{
  if (self->mode == MODE_HOST && !self->filling)
    self->channels_autofilled = g_strcmp0 (row_text (self->channels_row),
                                           DEFAULT_HOSTED_CHANNEL) == 0
                                && self->channels_autofilled;
  revalidate (self);
}

static void
show_form (NatterWelcomeDialog *self, Mode mode)
{
  gboolean host = mode == MODE_HOST;

  self->mode = mode;
  self->filling = TRUE;
  if (host && *row_text (self->channels_row) == '\0')
    {
      gtk_editable_set_text (GTK_EDITABLE (self->channels_row), DEFAULT_HOSTED_CHANNEL);
      self->channels_autofilled = TRUE;
    }
  else if (!host && self->channels_autofilled
           && g_strcmp0 (row_text (self->channels_row), DEFAULT_HOSTED_CHANNEL) == 0)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->channels_row), "");
      self->channels_autofilled = FALSE;
    }
  self->filling = FALSE;

  gtk_widget_set_visible (GTK_WIDGET (self->host_row), !host);
  gtk_widget_set_visible (GTK_WIDGET (self->realname_row), !host);
  gtk_widget_set_visible (GTK_WIDGET (self->password_row), !host);
  gtk_widget_set_visible (GTK_WIDGET (self->lan_row), host);
  gtk_button_set_label (self->confirm_button, host ? "Start hosting" : "Connect");
  adw_window_title_set_title (self->window_title, host ? "Host a Chat" : "Join a Server");
  adw_window_title_set_subtitle (self->window_title,
                                 host ? "Run a chat server on this computer" : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), TRUE);
  gtk_stack_set_visible_child_name (self->stack, "form");
  revalidate (self);
  gtk_widget_grab_focus (GTK_WIDGET (host ? self->nick_row : self->host_row));
}

static void
on_choose_join (NatterWelcomeDialog *self)
{
  show_form (self, MODE_JOIN);
}

static void
on_choose_host (NatterWelcomeDialog *self)
{
  show_form (self, MODE_HOST);
}

static void
on_back_clicked (NatterWelcomeDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), FALSE);
  adw_window_title_set_title (self->window_title, "Welcome to Natter");
  adw_window_title_set_subtitle (self->window_title, NULL);
  gtk_stack_set_visible_child_name (self->stack, "choose");
  gtk_widget_grab_focus (GTK_WIDGET (self->mode == MODE_HOST ? self->choose_host_row
                                                             : self->choose_join_row));
}

static void
on_confirm_clicked (NatterWelcomeDialog *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NatterNetworkConfig) cfg = build_config (self, &error);

  if (cfg == NULL)
    {
      set_reason (self, error->message, FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), FALSE);
      return;
    }

  /* The handler may close or drop the dialog; keep it alive to decide. */
  g_object_ref (self);
  self->emitting = TRUE;
  self->error_shown = FALSE;
  g_signal_emit (self, signals[SIGNAL_NETWORK_CHOSEN], 0, cfg);
  self->emitting = FALSE;
  if (!self->error_shown)
    gtk_window_close (GTK_WINDOW (self));
  g_object_unref (self);
}

static void
on_entry_activated (NatterWelcomeDialog *self)
{
  if (gtk_widget_get_sensitive (GTK_WIDGET (self->confirm_button)))
    on_confirm_clicked (self);
}

void
natter_welcome_dialog_show_error (NatterWelcomeDialog *self, const char *text)
{
  g_return_if_fail (NATTER_IS_WELCOME_DIALOG (self));

  if (self->emitting)
    self->error_shown = TRUE;
  set_reason (self, text, TRUE);
}

gboolean
natter_welcome_dialog_get_lan (NatterWelcomeDialog *self)
{
  g_return_val_if_fail (NATTER_IS_WELCOME_DIALOG (self), FALSE);

  return gtk_switch_get_active (self->lan_switch);
}

static void
prefill_form (NatterWelcomeDialog *self, const NatterNetworkConfig *prefill)
{
  g_autofree char *nick = NULL;
  g_autofree char *port = NULL;

  self->filling = TRUE;
  if (prefill != NULL)
    {
      g_autofree char *channels = prefill->channels ? g_strjoinv (", ", prefill->channels) : NULL;

      if (!prefill->hosted && prefill->host)
        gtk_editable_set_text (GTK_EDITABLE (self->host_row), prefill->host);
      port = g_strdup_printf ("%u", prefill->port ? prefill->port : DEFAULT_PORT);
      if (prefill->nick && *prefill->nick)
        gtk_editable_set_text (GTK_EDITABLE (self->nick_row), prefill->nick);
      else
        gtk_editable_set_text (GTK_EDITABLE (self->nick_row), nick = default_nick ());
      if (prefill->realname)
        gtk_editable_set_text (GTK_EDITABLE (self->realname_row), prefill->realname);
      if (prefill->password)
        gtk_editable_set_text (GTK_EDITABLE (self->password_row), prefill->password);
      if (channels)
        gtk_editable_set_text (GTK_EDITABLE (self->channels_row), channels);
    }
  else
    {
      port = g_strdup_printf ("%u", DEFAULT_PORT);
      gtk_editable_set_text (GTK_EDITABLE (self->nick_row), nick = default_nick ());
    }
  gtk_editable_set_text (GTK_EDITABLE (self->port_row), port);
  self->filling = FALSE;
}

static void
natter_welcome_dialog_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  NatterWelcomeDialog *self = NATTER_WELCOME_DIALOG (object);

  switch (prop_id)
    {
    case PROP_LAN:
      g_value_set_boolean (value, gtk_switch_get_active (self->lan_switch));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
on_lan_notify (NatterWelcomeDialog *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAN]);
}

static void
natter_welcome_dialog_class_init (NatterWelcomeDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = natter_welcome_dialog_get_property;

  properties[PROP_LAN] =
    g_param_spec_boolean ("lan", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_NETWORK_CHOSEN] =
    g_signal_new ("network-chosen",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  NATTER_TYPE_NETWORK_CONFIG | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/natter/Natter/ui/natter-welcome-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterWelcomeDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, NatterWelcomeDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, NatterWelcomeDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, NatterWelcomeDialog, choose_join_row);
  gtk_widget_class_bind_template_child (widget_class, NatterWelcomeDialog, choose_host_row);
  gtk_widget_class_bind_template_child (widget_class, NatterWelcomeDialog, host_row);
  gtk_widget_class_bind_template_child (widget_class, NatterWelcomeDialog, port_row);
  gtk_widget_class_bind_template_child (widget_class, NatterWelcomeDialog, nick_row);
  gtk_widget_class_bind_template_child (widget_class, NatterWelcomeDialog, realname_row);
  gtk_widget_class_bind_template_child (widget_class, NatterWelcomeDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, NatterWelcomeDialog, channels_row);
  gtk_widget_class_bind_template_child (widget_class, NatterWelcomeDialog, lan_row);
  gtk_widget_class_bind_template_child (widget_class, NatterWelcomeDialog, lan_switch);
  gtk_widget_class_bind_template_child (widget_class, NatterWelcomeDialog, reason_label);
  gtk_widget_class_bind_template_child (widget_class, NatterWelcomeDialog, confirm_button);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_join);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_host);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_confirm_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
natter_welcome_dialog_init (NatterWelcomeDialog *self)
{
  AdwEntryRow *rows[6];

  gtk_widget_init_template (GTK_WIDGET (self));

  rows[0] = self->host_row;
  rows[1] = self->port_row;
  rows[2] = self->nick_row;
  rows[3] = self->realname_row;
  rows[4] = self->password_row;
  rows[5] = self->channels_row;
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_signal_connect_swapped (rows[i], "changed", G_CALLBACK (on_field_changed), self);
      g_signal_connect_swapped (rows[i], "entry-activated", G_CALLBACK (on_entry_activated), self);
    }
  g_signal_connect_swapped (self->lan_switch, "notify::active", G_CALLBACK (on_lan_notify), self);
  gtk_widget_set_visible (GTK_WIDGET (self->reason_label), FALSE);
}

NatterWelcomeDialog *
natter_welcome_dialog_new (GtkWindow                 *parent,
                           const NatterNetworkConfig *prefill)
{
  NatterWelcomeDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (NATTER_TYPE_WELCOME_DIALOG,
                       "transient-for", parent,
                       "application", parent ? gtk_window_get_application (parent) : NULL,
                       NULL);
  prefill_form (self, prefill);
  /* A prefill (an irc:// link, "Edit network") already says which form. */
  if (prefill != NULL)
    show_form (self, prefill->hosted ? MODE_HOST : MODE_JOIN);
  else
    revalidate (self);
  return self;
}
