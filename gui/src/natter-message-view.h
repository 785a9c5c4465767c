/* NatterMessageView: the message list of one chat — a GtkListView (the
 * direct child of a GtkScrolledWindow) over a NatterMessageModel.
 *
 * Rows are cheap (one label with Pango markup: time, coloured nick, text with
 * clickable links and mention highlight; joins/parts/quits compact and dim;
 * day separators; a line above the first unread message). The view sticks to
 * the bottom only while the user is at the bottom; scrolled up, new messages
 * do not move it. When the top is reached it emits "load-older" so the owner
 * can page history in (prepended rows keep the visible row in place).
 * Switching models remembers, per model, whether the user was at the bottom
 * and which row was on top. */
#pragma once

#include <gtk/gtk.h>
#include "natter-message-model.h"

G_BEGIN_DECLS

#define NATTER_TYPE_MESSAGE_VIEW (natter_message_view_get_type ())
G_DECLARE_FINAL_TYPE (NatterMessageView, natter_message_view, NATTER, MESSAGE_VIEW, GtkWidget)

GtkWidget *natter_message_view_new        (void);
/* Show model (NULL: nothing). nick: ours, for mention highlight (may change
 * later with set_nick). */
void       natter_message_view_set_model  (NatterMessageView  *self,
                                           NatterMessageModel *model);
NatterMessageModel *natter_message_view_get_model (NatterMessageView *self);
void       natter_message_view_set_nick   (NatterMessageView *self, const char *nick);
/* Hide joins, parts, quits and nick changes (setting "show-joins-parts"). */
void       natter_message_view_set_show_events (NatterMessageView *self, gboolean show);
gboolean   natter_message_view_is_at_bottom (NatterMessageView *self);
void       natter_message_view_scroll_to_bottom (NatterMessageView *self);
/* Page up (-1) / down (+1) by about one screen, for PgUp/PgDn in the input. */
void       natter_message_view_page       (NatterMessageView *self, int direction);
/* The GtkScrolledWindow's vertical adjustment (benchmarks scroll through it). */
GtkAdjustment *natter_message_view_get_vadjustment (NatterMessageView *self);

G_END_DECLS
