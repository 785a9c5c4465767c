/* NatterSearchDialog: search the whole history (Ctrl+F), FTS5 behind it.
 * Results, newest first, show the chat, time, nick and the text with the
 * match in bold; searching runs as you type (debounced) and never blocks the
 * window (the query runs on a worker thread with its own database
 * connection). "Only this chat" limits it to the current buffer.
 *
 * Signal "hit-activated" (const char *network, const char *buffer): the user
 * picked a result; the window switches to that chat. */
#pragma once

#include <adwaita.h>
#include "natter-history.h"

G_BEGIN_DECLS

#define NATTER_TYPE_SEARCH_DIALOG (natter_search_dialog_get_type ())
G_DECLARE_FINAL_TYPE (NatterSearchDialog, natter_search_dialog, NATTER, SEARCH_DIALOG, AdwWindow)

/* network/buffer: the current chat (for "Only this chat"; may be NULL). */
NatterSearchDialog *natter_search_dialog_new (GtkWindow     *parent,
                                              NatterHistory *history,
                                              const char    *network,
                                              const char    *buffer);
void  natter_search_dialog_set_query (NatterSearchDialog *self, const char *text);
/* Results currently listed (tests). */
guint natter_search_dialog_get_n_results (NatterSearchDialog *self);

G_END_DECLS
