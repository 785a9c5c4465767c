/* NatterSwitcher: the quick switcher (Ctrl+K) — type part of a chat's name,
 * pick it with Up/Down and Enter. Chats with unread mentions, then unread
 * messages, come first; matching is case-insensitive on any part of the name.
 *
 * Signal "buffer-activated" (NatterBuffer *buffer); the switcher then closes. */
#pragma once

#include <adwaita.h>
#include "natter-buffer.h"

G_BEGIN_DECLS

#define NATTER_TYPE_SWITCHER (natter_switcher_get_type ())
G_DECLARE_FINAL_TYPE (NatterSwitcher, natter_switcher, NATTER, SWITCHER, AdwWindow)

/* buffers: GListModel of NatterBuffer (every chat of every network). */
NatterSwitcher *natter_switcher_new (GtkWindow *parent, GListModel *buffers);
/* How many chats match the current text (tests). */
guint           natter_switcher_get_n_matches (NatterSwitcher *self);
void            natter_switcher_set_query (NatterSwitcher *self, const char *text);

G_END_DECLS
