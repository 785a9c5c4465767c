/* NatterSidebarRow: one chat in the sidebar. A server buffer is shown as its
 * network (name, connection state); channels and private chats are indented
 * under it, with an unread count that turns into a highlighted badge when
 * there are mentions. Kept up to date from the buffer's and connection's
 * notify signals. */
#pragma once

#include <gtk/gtk.h>
#include "natter-buffer.h"

G_BEGIN_DECLS

#define NATTER_TYPE_SIDEBAR_ROW (natter_sidebar_row_get_type ())
G_DECLARE_FINAL_TYPE (NatterSidebarRow, natter_sidebar_row, NATTER, SIDEBAR_ROW, GtkListBoxRow)

GtkWidget    *natter_sidebar_row_new        (NatterBuffer *buffer);
NatterBuffer *natter_sidebar_row_get_buffer (NatterSidebarRow *self);

G_END_DECLS
