/* NatterMessageRow: the widget of one line in the message list.
 *
 * One GtkLabel with Pango markup — the cheapest thing that wraps, colours and
 * carries clickable links — because a list view recycles a couple of hundred
 * of these while the user scrolls through 100,000 lines. The label is not
 * selectable (a selectable label per row steals focus and clicks); instead a
 * right click (or a long press) offers "Copy Message" and, over a link,
 * "Copy Link Address". Links open on a left click.
 *
 * CSS: the row's node is "messagerow"; it carries the class "unread-marker"
 * on the first unread message (the read marker is drawn as a line above it),
 * "mention" when the message mentions us, "event" for joins/parts/quits/nick
 * and mode changes and "day" for a day separator. */
#pragma once

#include <gtk/gtk.h>
#include "natter-message.h"

G_BEGIN_DECLS

#define NATTER_TYPE_MESSAGE_ROW (natter_message_row_get_type ())
G_DECLARE_FINAL_TYPE (NatterMessageRow, natter_message_row, NATTER, MESSAGE_ROW, GtkWidget)

GtkWidget     *natter_message_row_new         (void);
/* Show msg (NULL: empty, as an unbound recycled row). own_nick (may be
 * NULL) is highlighted where the text mentions it; dark picks the nick
 * palette and highlight colours for a dark background. */
void           natter_message_row_set_message (NatterMessageRow *self,
                                               NatterMessage    *msg,
                                               const char       *own_nick,
                                               gboolean          dark);
/* The message shown, or NULL (transfer none). */
NatterMessage *natter_message_row_get_message (NatterMessageRow *self);
/* Render the shown message again, e.g. after a dark/light switch or a nick
 * change. Does nothing on an empty row. */
void           natter_message_row_refresh     (NatterMessageRow *self,
                                               const char       *own_nick,
                                               gboolean          dark);
/* The label that shows the line (transfer none), for tests. */
GtkLabel      *natter_message_row_get_label   (NatterMessageRow *self);

/* The Pango markup a row shows for msg (always valid markup; free with
 * g_free). Day separators read "Today", "Yesterday" or e.g.
 * "Monday 23 November 2026" relative to the current local date. */
char          *natter_message_row_markup      (NatterMessage *msg,
                                               const char    *own_nick,
                                               gboolean       dark);
/* The text of a day separator for the local day containing time_ms, relative
 * to now (a local time; NULL: the current time). */
char          *natter_message_row_format_day  (gint64     time_ms,
                                               GDateTime *now);

G_END_DECLS
