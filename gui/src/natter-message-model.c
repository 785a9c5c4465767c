/* natter-message-model.c
 *
 * A flat GPtrArray of NatterMessage, day separators included, so get_item is
 * an index and a ref: GtkListView calls it for every visible row on every
 * scroll. Invariant: a non-empty model starts with a separator, and a
 * separator sits before every message whose local day differs from the
 * message before it; a separator is never last.
 *
 * Working out a message's local day means a GDateTime and a time zone lookup,
 * which would dominate a 100,000-line append; consecutive messages nearly
 * always share a day, so the day's [start, end) range in epoch milliseconds is
 * cached and most messages cost two comparisons.
 */
#include "natter-message-model.h"

#include <glib/gi18n.h>
#include <string.h>

typedef struct
{
  gint64 start_ms;   /* local midnight that begins the day */
  gint64 end_ms;     /* the next local midnight (not always 24 h later: DST) */
} DayRange;

struct _NatterMessageModel
{
  GObject        parent_instance;

  GPtrArray     *items;        /* NatterMessage, separators included */
  guint          n_separators;
  NatterMessage *read_marker;  /* an element of items, or NULL */
  DayRange       last_day;     /* day of the newest message; valid if items->len */
};

static void natter_message_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (NatterMessageModel, natter_message_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      natter_message_model_list_model_init))

static GType
natter_message_model_get_item_type (GListModel *model)
{
  (void)model;
  return NATTER_TYPE_MESSAGE;
}

static guint
natter_message_model_get_n_items (GListModel *model)
{
  NatterMessageModel *self = NATTER_MESSAGE_MODEL (model);

  return self->items->len;
}

static gpointer
natter_message_model_get_item (GListModel *model,
                               guint       position)
{
  NatterMessageModel *self = NATTER_MESSAGE_MODEL (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
natter_message_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = natter_message_model_get_item_type;
  iface->get_n_items = natter_message_model_get_n_items;
  iface->get_item = natter_message_model_get_item;
}

static void
natter_message_model_finalize (GObject *object)
{
  NatterMessageModel *self = (NatterMessageModel *)object;

  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (natter_message_model_parent_class)->finalize (object);
}

static void
natter_message_model_class_init (NatterMessageModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = natter_message_model_finalize;
}

static void
natter_message_model_init (NatterMessageModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

NatterMessageModel *
natter_message_model_new (void)
{
  return g_object_new (NATTER_TYPE_MESSAGE_MODEL, NULL);
}

static gboolean
day_contains (const DayRange *day,
              gint64          time_ms)
{
  return time_ms >= day->start_ms && time_ms < day->end_ms;
}

static gint64
floor_div_1000 (gint64 ms)
{
  return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

static GDateTime *
local_midnight (int year,
                int month,
                int day)
{
  /* Where midnight does not exist (a DST jump at 00:00), GLib moves the time
   * forward to the first instant of the day, which is what a day start is. */
  return g_date_time_new_local (year, month, day, 0, 0, 0);
}

/* The local day holding time_ms; its midnight as a GDateTime if wanted. */
static void
day_range_for (gint64      time_ms,
               DayRange   *out,
               GDateTime **out_start)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (floor_div_1000 (time_ms));
  g_autoptr (GDateTime) start = NULL;
  g_autoptr (GDateTime) next = NULL;
  int y, m, d;

  if (dt == NULL)
    {
      /* Outside GDateTime's range (years 1..9999): one bucket for it all. */
      out->start_ms = G_MININT64;
      out->end_ms = G_MAXINT64;
      if (out_start)
        *out_start = NULL;
      return;
    }

  g_date_time_get_ymd (dt, &y, &m, &d);
  start = local_midnight (y, m, d);
  if (start == NULL)
    start = g_date_time_add_full (dt, 0, 0, 0,
                                  -g_date_time_get_hour (dt),
                                  -g_date_time_get_minute (dt),
                                  -g_date_time_get_seconds (dt));
  next = g_date_time_add_days (start, 1);
  if (next != NULL)
    {
      int ny, nm, nd;

      /* add_days keeps the wall clock; re-anchor at midnight in case the
       * start was moved by a DST gap. */
      g_date_time_get_ymd (next, &ny, &nm, &nd);
      g_clear_pointer (&next, g_date_time_unref);
      next = local_midnight (ny, nm, nd);
    }

  out->start_ms = g_date_time_to_unix (start) * 1000;
  out->end_ms = next ? g_date_time_to_unix (next) * 1000 : G_MAXINT64;
  if (out->end_ms <= out->start_ms)
    out->end_ms = out->start_ms + 24 * 3600 * 1000;

  if (out_start)
    *out_start = g_steal_pointer (&start);
}

static NatterMessage *
new_separator (gint64 time_ms,
               DayRange *range)
{
  g_autoptr (GDateTime) start = NULL;
  g_autofree char *text = NULL;

  day_range_for (time_ms, range, &start);
  if (start != NULL)
    /* Translators: a day separator in the chat, g_date_time_format() syntax. */
    text = g_date_time_format (start, _("%A, %-d %B %Y"));
  if (text == NULL)
    text = g_strdup ("");

  return natter_message_new (NATTER_MESSAGE_DAY, range->start_ms, NULL, text,
                             NATTER_MESSAGE_FLAG_NONE);
}

static gboolean
is_separator (NatterMessage *msg)
{
  return natter_message_get_kind (msg) == NATTER_MESSAGE_DAY;
}

/* Adds msgs to dest, oldest first, with a separator before the first message
 * and at every change of day. *day is the day of the last message added
 * before (has_day) and of the last one added after. Returns separators added. */
static guint
add_with_separators (GPtrArray      *dest,
                     NatterMessage **msgs,
                     guint           n,
                     DayRange       *day,
                     gboolean        has_day)
{
  guint seps = 0;

  for (guint i = 0; i < n; i++)
    {
      NatterMessage *msg = msgs[i];
      gint64 t;

      g_return_val_if_fail (NATTER_IS_MESSAGE (msg), seps);

      /* A separator handed in (say, a copied model) is regenerated here. */
      if (is_separator (msg))
        continue;

      t = natter_message_get_time (msg);
      if (!has_day || !day_contains (day, t))
        {
          g_ptr_array_add (dest, new_separator (t, day));
          has_day = TRUE;
          seps++;
        }
      g_ptr_array_add (dest, g_object_ref (msg));
    }

  return seps;
}

void
natter_message_model_append (NatterMessageModel *self,
                             NatterMessage      *msg)
{
  g_return_if_fail (NATTER_IS_MESSAGE_MODEL (self));
  g_return_if_fail (NATTER_IS_MESSAGE (msg));

  natter_message_model_append_many (self, &msg, 1);
}

void
natter_message_model_append_many (NatterMessageModel  *self,
                                  NatterMessage      **msgs,
                                  guint                n)
{
  guint old_len;
  guint added;

  g_return_if_fail (NATTER_IS_MESSAGE_MODEL (self));
  g_return_if_fail (msgs != NULL || n == 0);

  old_len = self->items->len;
  self->n_separators += add_with_separators (self->items, msgs, n,
                                             &self->last_day, old_len > 0);
  added = self->items->len - old_len;

  if (added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), old_len, 0, added);
}

void
natter_message_model_prepend_many (NatterMessageModel  *self,
                                   NatterMessage      **msgs,
                                   guint                n)
{
  g_autoptr (GPtrArray) page = NULL;
  DayRange page_day = { 0, 0 };
  guint page_seps;
  guint removed = 0;
  guint old_len;

  g_return_if_fail (NATTER_IS_MESSAGE_MODEL (self));
  g_return_if_fail (msgs != NULL || n == 0);

  old_len = self->items->len;
  if (old_len == 0)
    {
      natter_message_model_append_many (self, msgs, n);
      return;
    }

  page = g_ptr_array_new_full (n + 8, g_object_unref);
  page_seps = add_with_separators (page, msgs, n, &page_day, FALSE);
  if (page->len == 0)
    return;

  /* The page's last day may be the day the model already starts with: that
   * day gets one separator, at its new beginning. The existing separator
   * object moves there (rather than a fresh one) so a view keeps its row. */
  {
    NatterMessage *old_sep = g_ptr_array_index (self->items, 0);

    g_assert (is_separator (old_sep));
    if (day_contains (&page_day, natter_message_get_time (g_ptr_array_index (self->items, 1))))
      {
        for (guint i = page->len; i-- > 0;)
          {
            if (is_separator (g_ptr_array_index (page, i)))
              {
                g_object_unref (g_ptr_array_index (page, i));
                page->pdata[i] = g_ptr_array_steal_index (self->items, 0);
                break;
              }
          }
        removed = 1;
        self->n_separators--;
      }
  }

  /* Move the page's pointers in front in one go; the page array gives up
   * ownership of them. */
  {
    guint page_len = page->len;

    g_ptr_array_set_size (self->items, self->items->len + page_len);
    memmove (self->items->pdata + page_len, self->items->pdata,
             (self->items->len - page_len) * sizeof (gpointer));
    memcpy (self->items->pdata, page->pdata, page_len * sizeof (gpointer));
    g_ptr_array_set_free_func (page, NULL);
    self->n_separators += page_seps;

    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, page_len);
  }
}

void
natter_message_model_clear (NatterMessageModel *self)
{
  g_autoptr (GPtrArray) old = NULL;

  g_return_if_fail (NATTER_IS_MESSAGE_MODEL (self));

  if (self->items->len == 0)
    return;

  if (self->read_marker != NULL)
    natter_message_set_flag (self->read_marker, NATTER_MESSAGE_FLAG_UNREAD, FALSE);
  self->read_marker = NULL;

  /* Swap first, unref after the signal: handlers see a consistent empty
   * model, and the messages outlive the signal for whoever still holds rows. */
  old = self->items;
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->n_separators = 0;

  g_list_model_items_changed (G_LIST_MODEL (self), 0, old->len, 0);
}

guint
natter_message_model_get_n_messages (NatterMessageModel *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE_MODEL (self), 0);

  return self->items->len - self->n_separators;
}

NatterMessage *
natter_message_model_get_first (NatterMessageModel *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE_MODEL (self), NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      NatterMessage *msg = g_ptr_array_index (self->items, i);

      if (!is_separator (msg))
        return msg;
    }

  return NULL;
}

NatterMessage *
natter_message_model_get_last (NatterMessageModel *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE_MODEL (self), NULL);

  for (guint i = self->items->len; i-- > 0;)
    {
      NatterMessage *msg = g_ptr_array_index (self->items, i);

      if (!is_separator (msg))
        return msg;
    }

  return NULL;
}

guint
natter_message_model_find (NatterMessageModel *self,
                           NatterMessage      *msg)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE_MODEL (self), G_MAXUINT);

  if (msg == NULL)
    return G_MAXUINT;

  /* From the end: what callers look for (the read marker, a message just
   * sent) is nearly always recent. */
  for (guint i = self->items->len; i-- > 0;)
    {
      if (g_ptr_array_index (self->items, i) == msg)
        return i;
    }

  return G_MAXUINT;
}

void
natter_message_model_set_read_marker (NatterMessageModel *self,
                                      NatterMessage      *msg)
{
  NatterMessage *old;
  guint old_pos;
  guint new_pos;

  g_return_if_fail (NATTER_IS_MESSAGE_MODEL (self));
  g_return_if_fail (msg == NULL || NATTER_IS_MESSAGE (msg));

  new_pos = natter_message_model_find (self, msg);
  if (new_pos == G_MAXUINT || is_separator (msg))
    {
      msg = NULL;
      new_pos = G_MAXUINT;
    }

  old = self->read_marker;
  if (old == msg)
    return;

  old_pos = natter_message_model_find (self, old);
  if (old != NULL)
    natter_message_set_flag (old, NATTER_MESSAGE_FLAG_UNREAD, FALSE);
  if (msg != NULL)
    natter_message_set_flag (msg, NATTER_MESSAGE_FLAG_UNREAD, TRUE);
  self->read_marker = msg;

  /* Re-announce only the rows whose look changed. Neighbours share one
   * signal; rows far apart get one each rather than one spanning everything
   * between them, which would make the view rebuild the whole visible range
   * and lose its scroll anchor. */
  if (old_pos != G_MAXUINT && new_pos != G_MAXUINT)
    {
      guint lo = MIN (old_pos, new_pos);
      guint hi = MAX (old_pos, new_pos);

      if (hi - lo <= 1)
        {
          g_list_model_items_changed (G_LIST_MODEL (self), lo, hi - lo + 1, hi - lo + 1);
          return;
        }
      g_list_model_items_changed (G_LIST_MODEL (self), old_pos, 1, 1);
      g_list_model_items_changed (G_LIST_MODEL (self), new_pos, 1, 1);
    }
  else if (old_pos != G_MAXUINT)
    g_list_model_items_changed (G_LIST_MODEL (self), old_pos, 1, 1);
  else if (new_pos != G_MAXUINT)
    g_list_model_items_changed (G_LIST_MODEL (self), new_pos, 1, 1);
}

NatterMessage *
natter_message_model_get_read_marker (NatterMessageModel *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE_MODEL (self), NULL);

  return self->read_marker;
}
