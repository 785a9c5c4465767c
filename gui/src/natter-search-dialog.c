/* natter-search-dialog.c: full-text search of the history (Ctrl+F). */
#include "natter-search-dialog.h"

#include <string.h>

#include "natter-nick-color.h"

/* More than anyone reads; newest first, so the cut drops the oldest. */
#define RESULT_LIMIT 200

#define NO_HISTORY_MESSAGE "The history database could not be opened, so there is nothing to search."

/* The database connection the search threads use, shared by every query of
 * one dialog. SQLite connections must not be used by two threads at once, so
 * a query takes it out while it runs (a query that overlaps a slow older one
 * opens a second connection, which is dropped afterwards). Measured on
 * 20,000 messages: open + schema check 0.2 ms, a 200-hit search 1 ms, so
 * reuse saves a fifth per keystroke for a few lines. The pool is refcounted
 * because a thread may still run after the dialog is gone. */
typedef struct {
  GMutex         lock;
  char          *path;
  NatterHistory *idle;
} HistoryPool;

typedef struct {
  HistoryPool *pool;
  char        *query;
  char        *network;   /* NULL: everywhere */
  char        *buffer;
  guint        serial;
} SearchJob;

struct _NatterSearchDialog
{
  AdwWindow           parent_instance;

  GtkSearchEntry     *search_entry;
  GtkSpinner         *spinner;
  GtkCheckButton     *scope_check;
  GtkLabel           *count_label;
  GtkStack           *stack;
  AdwStatusPage      *none_page;
  AdwStatusPage      *error_page;
  GtkListView        *list_view;

  GListStore         *results;      /* NatterMessage with hit data attached */
  GtkSingleSelection *selection;
  HistoryPool        *pool;         /* NULL: no history to search */
  char               *network;      /* the current chat, for "Only this chat" */
  char               *buffer;

  GCancellable       *cancellable;  /* of the query in flight */
  guint               serial;       /* of the newest query; older results are dropped */
  char               *last_query;   /* what was last started, with its scope */
  gboolean            last_scoped;
  gboolean            disposed;
};

G_DEFINE_FINAL_TYPE (NatterSearchDialog, natter_search_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_HIT_ACTIVATED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* Hit data rides on the result's NatterMessage, so the list needs no type of
 * its own. */
static GQuark q_network;
static GQuark q_buffer;
static GQuark q_snippet;

static void
history_pool_clear (HistoryPool *pool)
{
  g_clear_object (&pool->idle);
  g_free (pool->path);
  g_mutex_clear (&pool->lock);
}

static HistoryPool *
history_pool_new (const char *path)
{
  HistoryPool *pool = g_atomic_rc_box_new0 (HistoryPool);

  g_mutex_init (&pool->lock);
  pool->path = g_strdup (path);
  return pool;
}

static void
history_pool_unref (HistoryPool *pool)
{
  g_atomic_rc_box_release_full (pool, (GDestroyNotify) history_pool_clear);
}

static NatterHistory *
history_pool_take (HistoryPool *pool, GError **error)
{
  NatterHistory *history;

  g_mutex_lock (&pool->lock);
  history = g_steal_pointer (&pool->idle);
  g_mutex_unlock (&pool->lock);
  if (history == NULL)
    history = natter_history_open (pool->path, error);
  return history;
}

static void
history_pool_give_back (HistoryPool *pool, NatterHistory *history)
{
  g_mutex_lock (&pool->lock);
  if (pool->idle == NULL)
    {
      pool->idle = history;
      history = NULL;
    }
  g_mutex_unlock (&pool->lock);
  g_clear_object (&history);
}

static void
search_job_free (SearchJob *job)
{
  history_pool_unref (job->pool);
  g_free (job->query);
  g_free (job->network);
  g_free (job->buffer);
  g_free (job);
}

static void
search_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SearchJob *job = task_data;
  g_autoptr (GError) error = NULL;
  NatterHistory *history;
  GPtrArray *hits;

  (void) source_object;
  /* Typing fast queues queries; only the newest matters. */
  if (g_task_return_error_if_cancelled (task))
    return;
  history = history_pool_take (job->pool, &error);
  if (history == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  hits = natter_history_search (history, job->query, job->network, job->buffer,
                                RESULT_LIMIT, &error);
  history_pool_give_back (job->pool, history);
  if (hits == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, hits, (GDestroyNotify) g_ptr_array_unref);
  (void) cancellable;
}

static void
set_searching (NatterSearchDialog *self, gboolean searching)
{
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), searching);
  gtk_spinner_set_spinning (self->spinner, searching);
}

static void
clear_results (NatterSearchDialog *self)
{
  g_list_store_remove_all (self->results);
  gtk_label_set_text (self->count_label, "");
}

static void
show_error (NatterSearchDialog *self, const char *message)
{
  clear_results (self);
  adw_status_page_set_description (self->error_page, message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
show_results (NatterSearchDialog *self, GPtrArray *hits)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *count = NULL;

  for (guint i = 0; i < hits->len; i++)
    {
      NatterHistoryHit *hit = g_ptr_array_index (hits, i);
      NatterMessage *msg = g_object_ref (hit->message);

      g_object_set_qdata_full (G_OBJECT (msg), q_network, g_strdup (hit->network), g_free);
      g_object_set_qdata_full (G_OBJECT (msg), q_buffer, g_strdup (hit->buffer), g_free);
      g_object_set_qdata_full (G_OBJECT (msg), q_snippet, g_strdup (hit->snippet), g_free);
      g_ptr_array_add (items, msg);
    }
  /* One items-changed for the whole set. */
  g_list_store_splice (self->results, 0, g_list_model_get_n_items (G_LIST_MODEL (self->results)),
                       items->pdata, items->len);

  if (hits->len == 0)
    count = g_strdup ("");
  else if (hits->len >= RESULT_LIMIT)
    count = g_strdup_printf ("The newest %u results", hits->len);
  else if (hits->len == 1)
    count = g_strdup ("1 result");
  else
    count = g_strdup_printf ("%u results", hits->len);
  gtk_label_set_text (self->count_label, count);
  gtk_stack_set_visible_child_name (self->stack, hits->len > 0 ? "results" : "none");
  if (hits->len > 0)
    {
      gtk_single_selection_set_selected (self->selection, 0);
      gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", 0);
    }
}

static void
search_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  NatterSearchDialog *self = NATTER_SEARCH_DIALOG (source);
  GTask *task = G_TASK (result);
  SearchJob *job = g_task_get_task_data (task);
  g_autoptr (GPtrArray) hits = NULL;
  g_autoptr (GError) error = NULL;

  (void) user_data;
  hits = g_task_propagate_pointer (task, &error);
  if (self->disposed || job->serial != self->serial)
    return;
  set_searching (self, FALSE);
  g_clear_object (&self->cancellable);
  if (hits == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_error (self, error->message);
      return;
    }
  show_results (self, hits);
}

static gboolean
scoped (NatterSearchDialog *self)
{
  return self->network != NULL && self->buffer != NULL
         && gtk_check_button_get_active (self->scope_check);
}

static void
run_search (NatterSearchDialog *self, const char *text)
{
  g_autofree char *query = g_strstrip (g_strdup (text ? text : ""));
  gboolean scope = scoped (self);
  g_autoptr (GTask) task = NULL;
  SearchJob *job;

  if (g_strcmp0 (query, self->last_query) == 0 && scope == self->last_scoped)
    return;
  g_free (self->last_query);
  self->last_query = g_strdup (query);
  self->last_scoped = scope;

  self->serial++;
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }

  if (self->pool == NULL)
    {
      show_error (self, NO_HISTORY_MESSAGE);
      return;
    }
  if (*query == '\0')
    {
      set_searching (self, FALSE);
      clear_results (self);
      gtk_stack_set_visible_child_name (self->stack, "start");
      return;
    }

  job = g_new0 (SearchJob, 1);
  job->pool = g_atomic_rc_box_acquire (self->pool);
  job->query = g_steal_pointer (&query);
  job->network = scope ? g_strdup (self->network) : NULL;
  job->buffer = scope ? g_strdup (self->buffer) : NULL;
  job->serial = self->serial;

  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, search_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) search_job_free);
  set_searching (self, TRUE);
  g_task_run_in_thread (task, search_thread);
}

static void
on_search_changed (NatterSearchDialog *self)
{
  run_search (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
on_scope_toggled (NatterSearchDialog *self)
{
  run_search (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
activate_position (NatterSearchDialog *self, guint position)
{
  g_autoptr (NatterMessage) msg = NULL;
  g_autofree char *network = NULL;
  g_autofree char *buffer = NULL;

  if (position >= g_list_model_get_n_items (G_LIST_MODEL (self->results)))
    return;
  msg = g_list_model_get_item (G_LIST_MODEL (self->results), position);
  network = g_strdup (g_object_get_qdata (G_OBJECT (msg), q_network));
  buffer = g_strdup (g_object_get_qdata (G_OBJECT (msg), q_buffer));
  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_HIT_ACTIVATED], 0, network, buffer);
  gtk_window_close (GTK_WINDOW (self));
  g_object_unref (self);
}

static void
on_search_activate (NatterSearchDialog *self)
{
  if (gtk_stack_get_visible_child_name (self->stack) != NULL
      && g_str_equal (gtk_stack_get_visible_child_name (self->stack), "results"))
    activate_position (self, gtk_single_selection_get_selected (self->selection));
}

static void
on_stop_search (NatterSearchDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_list_activate (NatterSearchDialog *self, guint position)
{
  activate_position (self, position);
}

/* Down from the entry walks into the results, as in GNOME's search. */
static gboolean
on_entry_key_pressed (GtkEventControllerKey *controller,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      NatterSearchDialog    *self)
{
  (void) controller;
  (void) keycode;
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;
  if ((keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down)
      && g_list_model_get_n_items (G_LIST_MODEL (self->results)) > 0)
    {
      gtk_widget_child_focus (GTK_WIDGET (self->list_view), GTK_DIR_TAB_FORWARD);
      return GDK_EVENT_STOP;
    }
  return GDK_EVENT_PROPAGATE;
}

static char *
format_when (gint64 time_ms)
{
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_local (time_ms / 1000);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  if (when == NULL)
    return g_strdup ("");
  if (g_date_time_get_year (when) == g_date_time_get_year (now)
      && g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (now))
    return g_date_time_format (when, "%H:%M");
  if (g_date_time_get_year (when) == g_date_time_get_year (now))
    return g_date_time_format (when, "%-d %b, %H:%M");
  return g_date_time_format (when, "%-d %b %Y, %H:%M");
}

static void
setup_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *where = gtk_label_new (NULL);
  GtkWidget *when = gtk_label_new (NULL);
  GtkWidget *text = gtk_label_new (NULL);

  (void) factory;
  (void) user_data;
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_label_set_xalign (GTK_LABEL (where), 0);
  gtk_label_set_ellipsize (GTK_LABEL (where), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (where, TRUE);
  gtk_widget_add_css_class (where, "heading");
  gtk_widget_add_css_class (when, "dim-label");
  gtk_widget_add_css_class (when, "caption");
  gtk_widget_add_css_class (when, "numeric");
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (text), 3);
  gtk_label_set_ellipsize (GTK_LABEL (text), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (top), where);
  gtk_box_append (GTK_BOX (top), when);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), text);
  gtk_list_item_set_child (item, box);
}

static gboolean
says_something (NatterMessage *msg)
{
  switch (natter_message_get_kind (msg))
    {
    case NATTER_MESSAGE_PRIVMSG:
    case NATTER_MESSAGE_ACTION:
    case NATTER_MESSAGE_NOTICE:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
bind_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  NatterMessage *msg = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *top = gtk_widget_get_first_child (box);
  GtkWidget *where = gtk_widget_get_first_child (top);
  GtkWidget *when = gtk_widget_get_next_sibling (where);
  GtkWidget *text = gtk_widget_get_next_sibling (top);
  const char *network = g_object_get_qdata (G_OBJECT (msg), q_network);
  const char *buffer = g_object_get_qdata (G_OBJECT (msg), q_buffer);
  const char *snippet = g_object_get_qdata (G_OBJECT (msg), q_snippet);
  const char *nick = natter_message_get_nick (msg);
  g_autofree char *place = g_strdup_printf ("%s · %s", buffer ? buffer : "", network ? network : "");
  g_autofree char *time = format_when (natter_message_get_time (msg));
  g_autofree char *nick_markup = NULL;
  g_autofree char *markup = NULL;

  (void) factory;
  (void) user_data;
  gtk_label_set_text (GTK_LABEL (where), place);
  gtk_label_set_text (GTK_LABEL (when), time);
  /* A join, part, quit, nick or topic change found by its nick: say what
   * happened, as the chat does; the snippet alone would be empty or read
   * like something the person said. */
  if (!says_something (msg))
    {
      g_autofree char *plain = natter_message_to_plain (msg);

      gtk_label_set_text (GTK_LABEL (text), plain);
      return;
    }
  /* The nick in its chat colour, so it does not read as part of the match,
   * which the snippet already shows in bold. */
  if (nick != NULL && *nick != '\0')
    {
      gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
      const char *color = natter_nick_color (nick, dark);

      nick_markup = g_markup_printf_escaped (natter_message_get_kind (msg) == NATTER_MESSAGE_ACTION
                                             ? "<span foreground=\"%s\">* %s</span> "
                                             : "<span foreground=\"%s\">%s</span>  ",
                                             color, nick);
    }
  markup = g_strconcat (nick_markup ? nick_markup : "", snippet ? snippet : "", NULL);
  /* The snippet comes escaped from the store; never show raw markup if a
   * line still trips Pango. */
  if (pango_parse_markup (markup, -1, 0, NULL, NULL, NULL, NULL))
    gtk_label_set_markup (GTK_LABEL (text), markup);
  else
    gtk_label_set_text (GTK_LABEL (text), natter_message_get_text (msg));
}

static void
natter_search_dialog_dispose (GObject *object)
{
  NatterSearchDialog *self = NATTER_SEARCH_DIALOG (object);

  self->disposed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_SEARCH_DIALOG);
  g_clear_object (&self->selection);
  g_clear_object (&self->results);
  g_clear_pointer (&self->pool, history_pool_unref);

  G_OBJECT_CLASS (natter_search_dialog_parent_class)->dispose (object);
}

static void
natter_search_dialog_finalize (GObject *object)
{
  NatterSearchDialog *self = NATTER_SEARCH_DIALOG (object);

  g_free (self->network);
  g_free (self->buffer);
  g_free (self->last_query);

  G_OBJECT_CLASS (natter_search_dialog_parent_class)->finalize (object);
}

static void
natter_search_dialog_class_init (NatterSearchDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = natter_search_dialog_dispose;
  object_class->finalize = natter_search_dialog_finalize;

  q_network = g_quark_from_static_string ("natter-search-network");
  q_buffer = g_quark_from_static_string ("natter-search-buffer");
  q_snippet = g_quark_from_static_string ("natter-search-snippet");

  signals[SIGNAL_HIT_ACTIVATED] =
    g_signal_new ("hit-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/natter/Natter/ui/natter-search-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterSearchDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, NatterSearchDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, NatterSearchDialog, scope_check);
  gtk_widget_class_bind_template_child (widget_class, NatterSearchDialog, count_label);
  gtk_widget_class_bind_template_child (widget_class, NatterSearchDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, NatterSearchDialog, none_page);
  gtk_widget_class_bind_template_child (widget_class, NatterSearchDialog, error_page);
  gtk_widget_class_bind_template_child (widget_class, NatterSearchDialog, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_scope_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
natter_search_dialog_init (NatterSearchDialog *self)
{
  GtkListItemFactory *factory;
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->results = g_list_store_new (NATTER_TYPE_MESSAGE);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->results)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_entry_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));

  gtk_stack_set_visible_child_name (self->stack, "start");
}

NatterSearchDialog *
natter_search_dialog_new (GtkWindow     *parent,
                          NatterHistory *history,
                          const char    *network,
                          const char    *buffer)
{
  NatterSearchDialog *self;
  gboolean has_chat = network != NULL && *network && buffer != NULL && *buffer;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (history == NULL || NATTER_IS_HISTORY (history), NULL);

  self = g_object_new (NATTER_TYPE_SEARCH_DIALOG, "transient-for", parent, NULL);
  if (history != NULL)
    self->pool = history_pool_new (natter_history_get_path (history));
  if (has_chat)
    {
      g_autofree char *label = g_strdup_printf ("Only this chat (%s)", buffer);

      self->network = g_strdup (network);
      self->buffer = g_strdup (buffer);
      gtk_check_button_set_label (self->scope_check, label);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->scope_check), has_chat && history != NULL);
  if (history == NULL)
    {
      show_error (self, NO_HISTORY_MESSAGE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), FALSE);
    }
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return self;
}

void
natter_search_dialog_set_query (NatterSearchDialog *self, const char *text)
{
  g_return_if_fail (NATTER_IS_SEARCH_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  /* Start now rather than after the entry's debounce; the debounced
   * "search-changed" then finds the same query and does nothing. */
  run_search (self, text);
}

guint
natter_search_dialog_get_n_results (NatterSearchDialog *self)
{
  g_return_val_if_fail (NATTER_IS_SEARCH_DIALOG (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->results));
}
