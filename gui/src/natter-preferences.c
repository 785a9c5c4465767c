/* natter-preferences.c: the preferences window. */
#include "natter-preferences.h"

struct _NatterPreferences
{
  AdwPreferencesWindow parent_instance;

  AdwComboRow *color_scheme_row;
  GtkSwitch   *notifications_switch;
  GtkSwitch   *show_joins_switch;

  GSettings   *settings;
};

G_DEFINE_FINAL_TYPE (NatterPreferences, natter_preferences, ADW_TYPE_PREFERENCES_WINDOW)

/* The combo's rows, in order, as the schema's enum nicks. */
static const char *const color_scheme_nicks[] = { "system", "light", "dark" };

static gboolean
color_scheme_to_index (GValue *value, GVariant *variant, gpointer user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  (void) user_data;
  for (guint i = 0; i < G_N_ELEMENTS (color_scheme_nicks); i++)
    if (g_str_equal (nick, color_scheme_nicks[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
index_to_color_scheme (const GValue *value, const GVariantType *type, gpointer user_data)
{
  guint index = g_value_get_uint (value);

  (void) type;
  (void) user_data;
  if (index >= G_N_ELEMENTS (color_scheme_nicks))
    return NULL;
  return g_variant_new_string (color_scheme_nicks[index]);
}

static void
natter_preferences_dispose (GObject *object)
{
  NatterPreferences *self = NATTER_PREFERENCES (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_PREFERENCES);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (natter_preferences_parent_class)->dispose (object);
}

static void
natter_preferences_class_init (NatterPreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = natter_preferences_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/natter/Natter/ui/natter-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterPreferences, color_scheme_row);
  gtk_widget_class_bind_template_child (widget_class, NatterPreferences, notifications_switch);
  gtk_widget_class_bind_template_child (widget_class, NatterPreferences, show_joins_switch);
}

static void
natter_preferences_init (NatterPreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

NatterPreferences *
natter_preferences_new (GtkWindow *parent, GSettings *settings)
{
  NatterPreferences *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (NATTER_TYPE_PREFERENCES, "transient-for", parent, NULL);
  self->settings = g_object_ref (settings);
  g_settings_bind_with_mapping (settings, "color-scheme",
                                self->color_scheme_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                color_scheme_to_index, index_to_color_scheme,
                                NULL, NULL);
  g_settings_bind (settings, "notifications",
                   self->notifications_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "show-joins-parts",
                   self->show_joins_switch, "active", G_SETTINGS_BIND_DEFAULT);
  return self;
}
