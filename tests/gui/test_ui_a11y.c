/* Accessible names in the .ui files: a button that shows only an icon has no
 * text a screen reader could speak (GTK 4.8 makes its tooltip the
 * description, not the name, and falls back to "GtkButton"), so each one
 * must carry <accessibility><property name="label">. Reads every template
 * in the app's GResource bundle; needs no display. */
#include <gio/gio.h>
#include <string.h>

/* The bundle, linked into every executable; naming it keeps it there. */
GResource *natter_get_resource (void);

typedef struct {
  gboolean button;       /* GtkButton, GtkToggleButton or GtkMenuButton */
  gboolean icon;         /* has an icon-name */
  gboolean text;         /* has a label */
  gboolean a11y_label;   /* has <accessibility><property name="label"> */
  char    *id;
} Object;

typedef struct {
  const char *file;
  GArray     *objects;   /* Object, innermost last */
  int         accessibility;  /* depth of <accessibility> elements */
  GString    *missing;
} Scan;

static void
start_element (GMarkupParseContext *ctx, const char *element, const char **names,
               const char **values, gpointer data, GError **error)
{
  Scan *scan = data;
  const char *klass = NULL, *id = NULL, *name = NULL;

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (strcmp (names[i], "class") == 0)
        klass = values[i];
      else if (strcmp (names[i], "id") == 0)
        id = values[i];
      else if (strcmp (names[i], "name") == 0)
        name = values[i];
    }
  if (strcmp (element, "object") == 0 || strcmp (element, "template") == 0)
    {
      Object o = { 0 };

      o.button = klass != NULL && (strcmp (klass, "GtkButton") == 0 || strcmp (klass, "GtkToggleButton") == 0
                                   || strcmp (klass, "GtkMenuButton") == 0);
      o.id = g_strdup (id != NULL ? id : klass);
      g_array_append_val (scan->objects, o);
    }
  else if (strcmp (element, "accessibility") == 0)
    scan->accessibility++;
  else if (strcmp (element, "property") == 0 && name != NULL && scan->objects->len > 0)
    {
      Object *o = &g_array_index (scan->objects, Object, scan->objects->len - 1);

      if (scan->accessibility > 0 && strcmp (name, "label") == 0)
        o->a11y_label = TRUE;
      else if (scan->accessibility == 0 && strcmp (name, "icon-name") == 0)
        o->icon = TRUE;
      else if (scan->accessibility == 0 && strcmp (name, "label") == 0)
        o->text = TRUE;
    }
}

static void
end_element (GMarkupParseContext *ctx, const char *element, gpointer data, GError **error)
{
  Scan *scan = data;

  if (strcmp (element, "accessibility") == 0)
    scan->accessibility--;
  else if ((strcmp (element, "object") == 0 || strcmp (element, "template") == 0) && scan->objects->len > 0)
    {
      Object *o = &g_array_index (scan->objects, Object, scan->objects->len - 1);

      if (o->button && o->icon && !o->text && !o->a11y_label)
        g_string_append_printf (scan->missing, "  %s: %s\n", scan->file, o->id);
      g_free (o->id);
      g_array_set_size (scan->objects, scan->objects->len - 1);
    }
}

static void
test_icon_buttons_have_names (void)
{
  static const GMarkupParser parser = { start_element, end_element, NULL, NULL, NULL };
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) files = g_resources_enumerate_children ("/org/natter/Natter/ui/", 0, &error);
  g_autoptr (GString) missing = g_string_new (NULL);
  guint buttons_seen = 0;

  g_assert_no_error (error);
  g_assert_nonnull (files);
  for (guint i = 0; files[i] != NULL; i++)
    {
      g_autofree char *path = g_strconcat ("/org/natter/Natter/ui/", files[i], NULL);
      g_autoptr (GBytes) bytes = g_resources_lookup_data (path, 0, &error);
      Scan scan = { files[i], g_array_new (FALSE, TRUE, sizeof (Object)), 0, missing };
      GMarkupParseContext *ctx;
      gsize len;
      const char *text;

      g_assert_no_error (error);
      text = g_bytes_get_data (bytes, &len);
      ctx = g_markup_parse_context_new (&parser, 0, &scan, NULL);
      g_assert_true (g_markup_parse_context_parse (ctx, text, (gssize) len, &error));
      g_assert_true (g_markup_parse_context_end_parse (ctx, &error));
      g_assert_no_error (error);
      g_markup_parse_context_free (ctx);
      g_array_unref (scan.objects);
      buttons_seen += strstr (text, "Button") != NULL;
    }
  /* The scan found the templates at all. */
  g_assert_cmpuint (buttons_seen, >, 2);
  if (missing->len > 0)
    g_error ("icon-only buttons without an accessible label:\n%s", missing->str);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  (void) natter_get_resource ();
  g_test_add_func ("/ui/icon-buttons-have-names", test_icon_buttons_have_names);
  return g_test_run ();
}
