/* NatterChatInput: the line where the user types. Enter submits (a pasted
 * multi-line text is submitted line by line), Up/Down walk the chat's input
 * history, Tab completes nicks and /commands (again Tab cycles), PgUp/PgDn
 * scroll the message list.
 *
 * Signals:
 *   "submit" (const char *line) → gboolean: TRUE if it was accepted; the text
 *       is cleared only then, so a line that could not be sent is not lost.
 *   "page" (int direction): -1 up, +1 down. */
#pragma once

#include <gtk/gtk.h>
#include "natter-buffer.h"

G_BEGIN_DECLS

#define NATTER_TYPE_CHAT_INPUT (natter_chat_input_get_type ())
G_DECLARE_FINAL_TYPE (NatterChatInput, natter_chat_input, NATTER, CHAT_INPUT, GtkWidget)

GtkWidget *natter_chat_input_new        (void);
/* The chat the input belongs to: its history and completion candidates; the
 * text being typed is kept per chat. */
void       natter_chat_input_set_buffer (NatterChatInput *self, NatterBuffer *buffer);
GtkEditable *natter_chat_input_get_editable (NatterChatInput *self);

G_END_DECLS
