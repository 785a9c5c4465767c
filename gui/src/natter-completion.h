/* Nick completion for the chat input (Tab).
 *
 * Completes the word that ends at the cursor against candidates (nicks in the
 * order to offer them: the caller lists recent speakers first), matching
 * case-insensitively by prefix. At the start of the line ": " follows the
 * nick ("ali" → "alice: "), elsewhere a space. A word starting with "/" at the
 * start of the line completes command names instead. Pressing Tab again cycles:
 * the caller passes the original line and cursor with cycle = 1, 2, ...
 * (wrapping around). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE and a new line (and cursor, in bytes) if anything matched. */
gboolean natter_complete (const char         *line,
                          gsize               cursor,
                          const char * const *candidates,
                          guint               cycle,
                          char              **out_line,
                          gsize              *out_cursor);

G_END_DECLS
