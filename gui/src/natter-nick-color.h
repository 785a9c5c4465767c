/* Stable nick colours: the same nick gets the same colour in every chat and
 * every session (a hash of the case-folded nick, so "Alice" and "alice" match),
 * from a palette chosen to read well on light and on dark backgrounds. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NATTER_NICK_COLOR_COUNT 16

/* 0 .. NATTER_NICK_COLOR_COUNT-1; rfc1459 case folding ({}|^ = []\~). */
guint       natter_nick_color_index (const char *nick);
/* "#rrggbb" for the nick on a dark (TRUE) or light background. */
const char *natter_nick_color       (const char *nick, gboolean dark);
/* The palette entry itself, for index < NATTER_NICK_COLOR_COUNT. */
const char *natter_nick_color_for_index (guint index, gboolean dark);

G_END_DECLS
