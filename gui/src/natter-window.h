/* NatterWindow: the main window — sidebar of networks and their chats, the
 * chat (topic, messages, user list, input) and the welcome page when there is
 * nothing yet. */
#pragma once

#include <adwaita.h>
#include "natter-application.h"
#include "natter-buffer.h"

G_BEGIN_DECLS

#define NATTER_TYPE_WINDOW (natter_window_get_type ())
G_DECLARE_FINAL_TYPE (NatterWindow, natter_window, NATTER, WINDOW, AdwApplicationWindow)

NatterWindow *natter_window_new           (NatterApplication *app);
/* Show buffer (selects it in the sidebar, focuses the input). */
void          natter_window_select_buffer (NatterWindow *self, NatterBuffer *buffer);
NatterBuffer *natter_window_get_buffer    (NatterWindow *self);
/* A short message at the bottom of the window that goes away by itself. */
void          natter_window_show_toast    (NatterWindow *self, const char *text);
/* Open the "Join a server / Host a chat" dialog. */
void          natter_window_show_welcome  (NatterWindow *self);

G_END_DECLS
