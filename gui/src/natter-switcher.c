/* natter-switcher.c: the quick switcher (Ctrl+K). */
#include "natter-switcher.h"

#include "natter-connection.h"

#include <string.h>

/* How far Page Up / Page Down jump in the list. */
#define PAGE_STEP 8

struct _NatterSwitcher
{
  AdwWindow           parent_instance;

  GtkSearchEntry     *search_entry;
  GtkStack           *stack;
  GtkListView        *list_view;

  GListModel         *buffers;
  GtkSortListModel   *sort_model;
  GtkFilterListModel *filter_model;
  GtkSingleSelection *selection;
  GtkFilter          *filter;
  char               *folded_query;   /* g_utf8_casefold of the text; "" matches all */
};

G_DEFINE_FINAL_TYPE (NatterSwitcher, natter_switcher, ADW_TYPE_WINDOW)

enum {
  SIGNAL_BUFFER_ACTIVATED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static gboolean
match_buffer (gpointer item, gpointer user_data)
{
  NatterSwitcher *self = user_data;
  g_autofree char *folded = NULL;

  if (self->folded_query == NULL || *self->folded_query == '\0')
    return TRUE;
  folded = g_utf8_casefold (natter_buffer_get_name (NATTER_BUFFER (item)), -1);
  return strstr (folded, self->folded_query) != NULL;
}

/* Mentions first, then unread; ties keep the sidebar order because
 * GtkSortListModel sorts stably. */
static int
compare_buffers (gconstpointer a, gconstpointer b, gpointer user_data)
{
  NatterBuffer *ba = NATTER_BUFFER ((gpointer) a);
  NatterBuffer *bb = NATTER_BUFFER ((gpointer) b);
  guint ma = natter_buffer_get_mentions (ba), mb = natter_buffer_get_mentions (bb);
  guint ua = natter_buffer_get_unread (ba), ub = natter_buffer_get_unread (bb);

  (void) user_data;
  if (ma != mb)
    return ma > mb ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
  if (ua != ub)
    return ua > ub ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
  return GTK_ORDERING_EQUAL;
}

static void
select_position (NatterSwitcher *self, guint position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));

  if (n == 0)
    return;
  position = MIN (position, n - 1);
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

static void
update_empty_state (NatterSwitcher *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
}

static void
apply_query (NatterSwitcher *self, const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text ? text : "", -1);
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  if (g_strcmp0 (folded, self->folded_query) == 0)
    return;
  /* Typing more can only narrow the list, which GtkFilterListModel does
   * cheaper than a full refilter. */
  if (self->folded_query != NULL && strstr (folded, self->folded_query) != NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (self->folded_query != NULL && strstr (self->folded_query, folded) != NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  g_free (self->folded_query);
  self->folded_query = g_steal_pointer (&folded);
  gtk_filter_changed (self->filter, change);
  update_empty_state (self);
  /* The best match sits on top: Enter should open it. */
  select_position (self, 0);
}

static void
activate_position (NatterSwitcher *self, guint position)
{
  g_autoptr (NatterBuffer) buffer = NULL;

  if (position >= g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)))
    return;
  buffer = g_list_model_get_item (G_LIST_MODEL (self->filter_model), position);
  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_BUFFER_ACTIVATED], 0, buffer);
  gtk_window_close (GTK_WINDOW (self));
  g_object_unref (self);
}

static void
on_search_changed (NatterSwitcher *self)
{
  apply_query (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
on_search_activate (NatterSwitcher *self)
{
  /* Enter may come before the debounced "search-changed". */
  apply_query (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  activate_position (self, gtk_single_selection_get_selected (self->selection));
}

static void
on_stop_search (NatterSwitcher *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
move_selection (NatterSwitcher *self, int delta)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
  guint selected = gtk_single_selection_get_selected (self->selection);
  gint64 target;

  if (n == 0)
    return;
  if (selected == GTK_INVALID_LIST_POSITION)
    target = delta > 0 ? 0 : (gint64) n - 1;
  else
    target = CLAMP ((gint64) selected + delta, 0, (gint64) n - 1);
  select_position (self, (guint) target);
}

static void
on_next_match (NatterSwitcher *self)
{
  move_selection (self, 1);
}

static void
on_previous_match (NatterSwitcher *self)
{
  move_selection (self, -1);
}

static gboolean
on_entry_key_pressed (GtkEventControllerKey *controller,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      NatterSwitcher        *self)
{
  (void) controller;
  (void) keycode;
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;
  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move_selection (self, 1);
      return GDK_EVENT_STOP;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move_selection (self, -1);
      return GDK_EVENT_STOP;
    case GDK_KEY_Page_Down:
    case GDK_KEY_KP_Page_Down:
      move_selection (self, PAGE_STEP);
      return GDK_EVENT_STOP;
    case GDK_KEY_Page_Up:
    case GDK_KEY_KP_Page_Up:
      move_selection (self, -PAGE_STEP);
      return GDK_EVENT_STOP;
    default:
      return GDK_EVENT_PROPAGATE;
    }
}

static void
on_list_activate (NatterSwitcher *self, guint position)
{
  activate_position (self, position);
}

static void
setup_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *network = gtk_label_new (NULL);
  GtkWidget *badge = gtk_label_new (NULL);

  (void) factory;
  (void) user_data;
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (network), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (network), 20);
  gtk_widget_add_css_class (network, "dim-label");
  gtk_widget_add_css_class (network, "caption");
  gtk_widget_add_css_class (badge, "caption-heading");
  gtk_widget_add_css_class (badge, "numeric");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), network);
  gtk_box_append (GTK_BOX (box), badge);
  gtk_list_item_set_child (item, box);
}

static void
bind_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  NatterBuffer *buffer = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *name = gtk_widget_get_first_child (box);
  GtkWidget *network = gtk_widget_get_next_sibling (name);
  GtkWidget *badge = gtk_widget_get_next_sibling (network);
  NatterConnection *connection = natter_buffer_get_connection (buffer);
  guint unread = natter_buffer_get_unread (buffer);
  guint mentions = natter_buffer_get_mentions (buffer);
  const char *net_name = connection ? natter_connection_get_config (connection)->name : NULL;

  (void) factory;
  (void) user_data;
  gtk_label_set_text (GTK_LABEL (name), natter_buffer_get_name (buffer));
  gtk_label_set_text (GTK_LABEL (network), net_name ? net_name : "");
  gtk_widget_set_visible (network, net_name != NULL && *net_name != '\0');

  gtk_widget_set_visible (badge, unread > 0 || mentions > 0);
  if (unread > 0 || mentions > 0)
    {
      g_autofree char *count = g_strdup_printf ("%u", MAX (unread, mentions));
      g_autofree char *spoken = mentions > 0
        ? g_strdup_printf ("%u unread, %u mentioning you", unread, mentions)
        : g_strdup_printf ("%u unread", unread);

      gtk_label_set_text (GTK_LABEL (badge), count);
      gtk_accessible_update_property (GTK_ACCESSIBLE (badge),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);
    }
  if (mentions > 0)
    {
      gtk_widget_remove_css_class (badge, "accent");
      gtk_widget_add_css_class (badge, "error");
    }
  else
    {
      gtk_widget_remove_css_class (badge, "error");
      gtk_widget_add_css_class (badge, "accent");
    }
}

static void
natter_switcher_dispose (GObject *object)
{
  NatterSwitcher *self = NATTER_SWITCHER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_SWITCHER);
  g_clear_object (&self->selection);
  g_clear_object (&self->buffers);

  G_OBJECT_CLASS (natter_switcher_parent_class)->dispose (object);
}

static void
natter_switcher_finalize (GObject *object)
{
  NatterSwitcher *self = NATTER_SWITCHER (object);

  g_free (self->folded_query);

  G_OBJECT_CLASS (natter_switcher_parent_class)->finalize (object);
}

static void
natter_switcher_class_init (NatterSwitcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = natter_switcher_dispose;
  object_class->finalize = natter_switcher_finalize;

  signals[SIGNAL_BUFFER_ACTIVATED] =
    g_signal_new ("buffer-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, NATTER_TYPE_BUFFER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/natter/Natter/ui/natter-switcher.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterSwitcher, search_entry);
  gtk_widget_class_bind_template_child (widget_class, NatterSwitcher, stack);
  gtk_widget_class_bind_template_child (widget_class, NatterSwitcher, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_next_match);
  gtk_widget_class_bind_template_callback (widget_class, on_previous_match);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
natter_switcher_init (NatterSwitcher *self)
{
  GtkEventController *keys;
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_entry_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
}

NatterSwitcher *
natter_switcher_new (GtkWindow *parent, GListModel *buffers)
{
  NatterSwitcher *self;
  GtkCustomSorter *sorter;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (buffers), NULL);

  self = g_object_new (NATTER_TYPE_SWITCHER, "transient-for", parent, NULL);
  self->buffers = g_object_ref (buffers);

  sorter = gtk_custom_sorter_new (compare_buffers, NULL, NULL);
  self->sort_model = gtk_sort_list_model_new (g_object_ref (buffers), GTK_SORTER (sorter));
  self->filter = GTK_FILTER (gtk_custom_filter_new (match_buffer, self, NULL));
  self->filter_model = gtk_filter_list_model_new (G_LIST_MODEL (self->sort_model),
                                                  g_object_ref (self->filter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->filter_model));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  /* The filter was given its own reference above; the selection owns the rest. */
  g_object_unref (self->filter);

  update_empty_state (self);
  select_position (self, 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return self;
}

guint
natter_switcher_get_n_matches (NatterSwitcher *self)
{
  g_return_val_if_fail (NATTER_IS_SWITCHER (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
}

void
natter_switcher_set_query (NatterSwitcher *self, const char *text)
{
  g_return_if_fail (NATTER_IS_SWITCHER (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  /* At once, not after the entry's debounce: callers (and tests) read the
   * result right away. */
  apply_query (self, text);
}
