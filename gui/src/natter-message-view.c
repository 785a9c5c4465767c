/* natter-message-view.c
 *
 * The message list: NatterMessageModel → GtkFilterListModel (hides events on
 * request) → GtkNoSelection → GtkListView inside a GtkScrolledWindow.
 *
 * Sticking to the bottom is a user intention, not a geometric fact: the list
 * view moves the adjustment itself whenever rows are measured, appended or
 * prepended, so only value changes that come with unchanged bounds (wheel,
 * scrollbar, keys, page()) may change whether we stick. Layout changes just
 * re-pin the view to the bottom while we stick.
 */
#include "natter-message-view.h"

#include <adwaita.h>

#include "natter-message-row.h"

/* Object data kept on each model while another one is shown. */
#define STATE_AT_BOTTOM "natter-message-view-at-bottom"
#define STATE_ANCHOR    "natter-message-view-anchor"
/* Object data on each list item: the row widget setup_row() made for it. */
#define ITEM_ROW        "natter-message-view-row"

struct _NatterMessageView
{
  GtkWidget           parent_instance;

  GtkScrolledWindow  *scroller;
  GtkListView        *list;
  GtkAdjustment      *vadjustment;
  GtkFilterListModel *filter_model;
  GtkFilter          *event_filter;
  GtkListItemFactory *factory;

  NatterMessageModel *model;
  /* Every row widget the factory made and has not torn down: what to refresh
   * when the theme or our nick changes (unbound ones are empty and skip). */
  GPtrArray          *rows;
  char               *nick;
  AdwStyleManager    *style_manager;

  /* The row to bring back into view once the restored model is laid out. */
  NatterMessage      *pending_anchor;
  /* The first message when we last asked for older ones because the content
   * did not fill the view: asking again with the same first message would
   * only repeat a question the owner already answered with "no more". */
  NatterMessage      *asked_first;

  /* Work found during the list's size allocation that must wait until the
   * allocation is over (the list ignores adjustment changes made inside it). */
  GdkFrameClock      *frame_clock;
  gulong              layout_handler;

  double              last_upper;
  double              last_page_size;
  guint               load_older_idle;

  guint               dark : 1;
  guint               show_events : 1;
  guint               stick : 1;
  guint               pinning : 1;
  guint               pin_pending : 1;
};

G_DEFINE_FINAL_TYPE (NatterMessageView, natter_message_view, GTK_TYPE_WIDGET)

enum {
  SIGNAL_LOAD_OLDER,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
adjustment_at_bottom (GtkAdjustment *adj)
{
  return gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj)
         >= gtk_adjustment_get_upper (adj) - 1.0;
}

static void
pin_to_bottom (NatterMessageView *self)
{
  GtkAdjustment *adj = self->vadjustment;
  double target = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));

  /* Already there: re-anchoring would only make the list allocate every
   * row once more. */
  if (gtk_adjustment_get_value (adj) == target && target > 0)
    return;

  self->pinning = TRUE;
  gtk_adjustment_set_value (adj, target);
  /* Anchoring the list at the end of its last row makes the list itself keep
   * that row's bottom at the bottom edge while rows get measured, so layout
   * settles at once instead of chasing height estimates. */
  if (n > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list), "list.scroll-to-item", "u", n - 1);
  self->pinning = FALSE;
}

static gboolean
emit_load_older (gpointer data)
{
  NatterMessageView *self = data;

  self->load_older_idle = 0;
  if (self->model != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    g_signal_emit (self, signals[SIGNAL_LOAD_OLDER], 0);
  return G_SOURCE_REMOVE;
}

/* Emitted from an idle: both causes arrive in the middle of a size
 * allocation, where the owner must not mutate the model. */
static void
request_older (NatterMessageView *self,
               gboolean           user_reached_top)
{
  NatterMessage *first;

  if (self->model == NULL)
    return;
  first = natter_message_model_get_first (self->model);
  if (first == NULL)
    return;
  if (!user_reached_top)
    {
      if (self->asked_first == first)
        return;
      g_set_object (&self->asked_first, first);
    }
  if (self->load_older_idle == 0)
    self->load_older_idle = g_idle_add (emit_load_older, self);
}

static guint
list_position_of (NatterMessageView *self,
                  NatterMessage     *msg)
{
  GListModel *shown = G_LIST_MODEL (self->filter_model);
  guint n = g_list_model_get_n_items (shown);

  if (self->show_events)
    return natter_message_model_find (self->model, msg);
  if (natter_message_is_event (msg))
    return G_MAXUINT;
  /* The remembered row is usually near the end: search from there. */
  for (guint i = n; i > 0; i--)
    {
      g_autoptr (NatterMessage) item = g_list_model_get_item (shown, i - 1);

      if (item == msg)
        return i - 1;
    }
  return G_MAXUINT;
}

static void
restore_pending_anchor (NatterMessageView *self)
{
  g_autoptr (NatterMessage) msg = g_steal_pointer (&self->pending_anchor);
  guint pos;

  if (msg == NULL || self->model == NULL)
    return;
  pos = list_position_of (self, msg);
  if (pos == G_MAXUINT)
    return;
  /* The view starts at the top of a newly set model, so the remembered row
   * lies below and scroll-to-item aligns it with the bottom edge, where it
   * was when we left. */
  gtk_widget_activate_action (GTK_WIDGET (self->list), "list.scroll-to-item", "u", pos);
}

static void
on_adjustment_changed (GtkAdjustment     *adj,
                       NatterMessageView *self)
{
  double upper = gtk_adjustment_get_upper (adj);
  double page_size = gtk_adjustment_get_page_size (adj);

  /* last_upper/last_page_size stay as they were: the value-changed that
   * gtk_adjustment_configure() emits right after this must still see that
   * the bounds moved. */

  if (self->stick)
    self->pin_pending = TRUE;

  if (page_size > 0 && upper <= page_size + 1.0)
    request_older (self, FALSE);
}

static void
on_adjustment_value_changed (GtkAdjustment     *adj,
                             NatterMessageView *self)
{
  if (self->pinning)
    return;

  if (gtk_adjustment_get_upper (adj) != self->last_upper ||
      gtk_adjustment_get_page_size (adj) != self->last_page_size)
    {
      /* Layout moved us (rows measured, added or removed): not the user. */
      self->last_upper = gtk_adjustment_get_upper (adj);
      self->last_page_size = gtk_adjustment_get_page_size (adj);
      if (self->stick)
        self->pin_pending = TRUE;
      return;
    }

  self->stick = adjustment_at_bottom (adj);
}

/* Runs after the window's layout in every layout pass of a frame. Moving the
 * adjustment here makes the list allocate again within the same frame (the
 * frame clock repeats the layout phase), so a new message or a resize never
 * shows a frame that is not at the bottom. */
static void
on_frame_layout (GdkFrameClock     *clock,
                 NatterMessageView *self)
{
  self->last_upper = gtk_adjustment_get_upper (self->vadjustment);
  self->last_page_size = gtk_adjustment_get_page_size (self->vadjustment);
  if (self->pin_pending)
    {
      self->pin_pending = FALSE;
      if (self->stick)
        pin_to_bottom (self);
    }
  else if (self->pending_anchor != NULL && !self->stick &&
           gtk_adjustment_get_page_size (self->vadjustment) > 0)
    restore_pending_anchor (self);
}

static void
natter_message_view_realize (GtkWidget *widget)
{
  NatterMessageView *self = NATTER_MESSAGE_VIEW (widget);

  GTK_WIDGET_CLASS (natter_message_view_parent_class)->realize (widget);

  self->frame_clock = g_object_ref (gtk_widget_get_frame_clock (widget));
  self->layout_handler = g_signal_connect_after (self->frame_clock, "layout",
                                                 G_CALLBACK (on_frame_layout), self);
}

static void
natter_message_view_unrealize (GtkWidget *widget)
{
  NatterMessageView *self = NATTER_MESSAGE_VIEW (widget);

  if (self->frame_clock != NULL)
    {
      g_clear_signal_handler (&self->layout_handler, self->frame_clock);
      g_clear_object (&self->frame_clock);
    }

  GTK_WIDGET_CLASS (natter_message_view_parent_class)->unrealize (widget);
}

static void
on_edge_reached (GtkScrolledWindow *scroller,
                 GtkPositionType    pos,
                 NatterMessageView *self)
{
  if (pos == GTK_POS_TOP)
    request_older (self, TRUE);
}

static void
refresh_rows (NatterMessageView *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    natter_message_row_refresh (g_ptr_array_index (self->rows, i), self->nick, self->dark);
}

static void
on_dark_changed (NatterMessageView *self)
{
  gboolean dark = adw_style_manager_get_dark (self->style_manager);

  if (dark == self->dark)
    return;
  self->dark = dark;
  refresh_rows (self);
}

/* ---- factory ------------------------------------------------------------ */

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           NatterMessageView        *self)
{
  GtkWidget *row = natter_message_row_new ();

  /* Rows are neither selectable nor activatable: the list item must not eat
   * the clicks that open links. */
  gtk_list_item_set_selectable (item, FALSE);
  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_child (item, row);
  g_ptr_array_add (self->rows, row);
  /* By the time "teardown" is emitted GTK has already taken the child off
   * the list item (and freed it): remember which row to forget. */
  g_object_set_data (G_OBJECT (item), ITEM_ROW, row);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          NatterMessageView        *self)
{
  natter_message_row_set_message (NATTER_MESSAGE_ROW (gtk_list_item_get_child (item)),
                                  gtk_list_item_get_item (item), self->nick, self->dark);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            NatterMessageView        *self)
{
  GtkWidget *row = gtk_list_item_get_child (item);

  if (row != NULL)
    natter_message_row_set_message (NATTER_MESSAGE_ROW (row), NULL, NULL, FALSE);
}

static void
teardown_row (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              NatterMessageView        *self)
{
  gpointer row = g_object_steal_data (G_OBJECT (item), ITEM_ROW);

  /* Only the address is compared: the row itself may be gone already. */
  if (row != NULL)
    g_ptr_array_remove_fast (self->rows, row);
}

static gboolean
keep_non_events (gpointer item,
                 gpointer user_data)
{
  return !natter_message_is_event (NATTER_MESSAGE (item));
}

/* ---- per-model memory --------------------------------------------------- */

/* The message whose row sits at the bottom edge of the view. */
static NatterMessage *
bottom_visible_message (NatterMessageView *self)
{
  GtkWidget *list = GTK_WIDGET (self->list);
  int width = gtk_widget_get_width (list);
  int height = gtk_widget_get_height (list);

  for (int dy = 2; dy < height && dy < 64; dy += 6)
    {
      GtkWidget *hit = gtk_widget_pick (list, width / 2.0, height - dy, GTK_PICK_DEFAULT);

      for (; hit != NULL && hit != list; hit = gtk_widget_get_parent (hit))
        if (NATTER_IS_MESSAGE_ROW (hit))
          {
            NatterMessage *msg = natter_message_row_get_message (NATTER_MESSAGE_ROW (hit));

            if (msg != NULL)
              return msg;
            break;
          }
    }
  return NULL;
}

static void
save_state (NatterMessageView *self)
{
  NatterMessage *anchor = NULL;

  if (!self->stick)
    anchor = bottom_visible_message (self);
  g_object_set_data (G_OBJECT (self->model), STATE_AT_BOTTOM,
                     GINT_TO_POINTER (self->stick ? 1 : 2));
  g_object_set_data_full (G_OBJECT (self->model), STATE_ANCHOR,
                          anchor != NULL ? g_object_ref (anchor) : NULL,
                          g_object_unref);
}

static void
restore_state (NatterMessageView *self)
{
  int at_bottom = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (self->model), STATE_AT_BOTTOM));
  NatterMessage *anchor = g_object_get_data (G_OBJECT (self->model), STATE_ANCHOR);

  /* A model shown for the first time starts at its newest message. */
  self->stick = at_bottom != 2;
  g_clear_object (&self->pending_anchor);
  if (!self->stick && anchor != NULL)
    self->pending_anchor = g_object_ref (anchor);
}

/* ---- GObject ------------------------------------------------------------ */

static void
natter_message_view_dispose (GObject *object)
{
  NatterMessageView *self = NATTER_MESSAGE_VIEW (object);

  g_clear_handle_id (&self->load_older_idle, g_source_remove);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->vadjustment, self);
  g_clear_object (&self->vadjustment);
  if (self->factory != NULL)
    g_signal_handlers_disconnect_by_data (self->factory, self);
  g_clear_object (&self->factory);
  if (self->scroller != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->scroller, self);
      gtk_widget_unparent (GTK_WIDGET (self->scroller));
      self->scroller = NULL;
      self->list = NULL;
    }
  g_clear_object (&self->filter_model);
  g_clear_object (&self->event_filter);
  g_clear_object (&self->model);
  g_clear_object (&self->pending_anchor);
  g_clear_object (&self->asked_first);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->nick, g_free);

  G_OBJECT_CLASS (natter_message_view_parent_class)->dispose (object);
}

static void
natter_message_view_class_init (NatterMessageViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = natter_message_view_dispose;
  widget_class->realize = natter_message_view_realize;
  widget_class->unrealize = natter_message_view_unrealize;

  /**
   * NatterMessageView::load-older:
   *
   * The user reached the top of the list, or the messages do not fill the
   * view: the owner may prepend older messages from history.
   */
  signals[SIGNAL_LOAD_OLDER] =
    g_signal_new ("load-older", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "messageview");
}

static void
natter_message_view_init (NatterMessageView *self)
{
  GtkNoSelection *selection;

  self->rows = g_ptr_array_new ();
  self->show_events = TRUE;
  self->stick = TRUE;
  self->style_manager = adw_style_manager_get_default ();
  self->dark = adw_style_manager_get_dark (self->style_manager);
  g_signal_connect_object (self->style_manager, "notify::dark",
                           G_CALLBACK (on_dark_changed), self, G_CONNECT_SWAPPED);

  self->event_filter = GTK_FILTER (gtk_custom_filter_new (keep_non_events, NULL, NULL));
  /* No filter while events are shown: the filter model then passes items
   * straight through instead of testing 100,000 of them. */
  self->filter_model = gtk_filter_list_model_new (NULL, NULL);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->filter_model)));

  self->factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (self->factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (self->factory, "bind", G_CALLBACK (bind_row), self);
  g_signal_connect (self->factory, "unbind", G_CALLBACK (unbind_row), self);
  g_signal_connect (self->factory, "teardown", G_CALLBACK (teardown_row), self);

  self->list = GTK_LIST_VIEW (gtk_list_view_new (GTK_SELECTION_MODEL (selection),
                                                 g_object_ref (self->factory)));
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "natter-messages");

  self->scroller = GTK_SCROLLED_WINDOW (gtk_scrolled_window_new ());
  gtk_scrolled_window_set_policy (self->scroller, GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (self->scroller, GTK_WIDGET (self->list));
  gtk_widget_set_hexpand (GTK_WIDGET (self->scroller), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->scroller), TRUE);
  gtk_widget_set_parent (GTK_WIDGET (self->scroller), GTK_WIDGET (self));
  g_signal_connect (self->scroller, "edge-reached", G_CALLBACK (on_edge_reached), self);

  self->vadjustment = g_object_ref (gtk_scrolled_window_get_vadjustment (self->scroller));
  g_signal_connect (self->vadjustment, "changed", G_CALLBACK (on_adjustment_changed), self);
  g_signal_connect (self->vadjustment, "value-changed",
                    G_CALLBACK (on_adjustment_value_changed), self);
}

/* ---- public ------------------------------------------------------------- */

GtkWidget *
natter_message_view_new (void)
{
  return g_object_new (NATTER_TYPE_MESSAGE_VIEW, NULL);
}

void
natter_message_view_set_model (NatterMessageView  *self,
                               NatterMessageModel *model)
{
  g_return_if_fail (NATTER_IS_MESSAGE_VIEW (self));
  g_return_if_fail (model == NULL || NATTER_IS_MESSAGE_MODEL (model));

  if (self->model == model)
    return;

  if (self->model != NULL)
    save_state (self);
  g_set_object (&self->model, model);
  g_clear_object (&self->asked_first);
  g_clear_object (&self->pending_anchor);
  self->stick = TRUE;
  if (model != NULL)
    restore_state (self);

  gtk_filter_list_model_set_model (self->filter_model, G_LIST_MODEL (model));
  self->pin_pending = self->stick;
  gtk_widget_queue_allocate (GTK_WIDGET (self->list));
}

NatterMessageModel *
natter_message_view_get_model (NatterMessageView *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE_VIEW (self), NULL);
  return self->model;
}

void
natter_message_view_set_nick (NatterMessageView *self,
                              const char        *nick)
{
  g_return_if_fail (NATTER_IS_MESSAGE_VIEW (self));

  if (g_strcmp0 (self->nick, nick) == 0)
    return;
  g_free (self->nick);
  self->nick = g_strdup (nick);
  refresh_rows (self);
}

void
natter_message_view_set_show_events (NatterMessageView *self,
                                     gboolean           show)
{
  g_return_if_fail (NATTER_IS_MESSAGE_VIEW (self));

  show = !!show;
  if (self->show_events == (guint) show)
    return;
  self->show_events = show;
  gtk_filter_list_model_set_filter (self->filter_model, show ? NULL : self->event_filter);
}

gboolean
natter_message_view_is_at_bottom (NatterMessageView *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE_VIEW (self), TRUE);
  return self->stick;
}

void
natter_message_view_scroll_to_bottom (NatterMessageView *self)
{
  g_return_if_fail (NATTER_IS_MESSAGE_VIEW (self));

  self->stick = TRUE;
  g_clear_object (&self->pending_anchor);
  /* The list can only scroll to a row it has laid out since its model last
   * changed, so the anchoring waits for the next layout pass. */
  self->pin_pending = TRUE;
  gtk_adjustment_set_value (self->vadjustment,
                            gtk_adjustment_get_upper (self->vadjustment) -
                            gtk_adjustment_get_page_size (self->vadjustment));
  gtk_widget_queue_allocate (GTK_WIDGET (self->list));
}

void
natter_message_view_page (NatterMessageView *self,
                          int                direction)
{
  GtkAdjustment *adj;
  double step;

  g_return_if_fail (NATTER_IS_MESSAGE_VIEW (self));

  adj = self->vadjustment;
  /* Keep a few lines of overlap so the eye finds its place again. */
  step = gtk_adjustment_get_page_size (adj) * 0.9;
  if (direction < 0)
    step = -step;
  else if (direction == 0)
    return;
  gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + step);
}

GtkAdjustment *
natter_message_view_get_vadjustment (NatterMessageView *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE_VIEW (self), NULL);
  return self->vadjustment;
}
