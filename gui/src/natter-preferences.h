/* NatterPreferences: the preferences window (AdwPreferencesWindow) — colour
 * scheme (follow system / light / dark), notifications, showing joins and
 * parts — each row bound straight to its GSettings key. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define NATTER_TYPE_PREFERENCES (natter_preferences_get_type ())
G_DECLARE_FINAL_TYPE (NatterPreferences, natter_preferences, NATTER, PREFERENCES, AdwPreferencesWindow)

NatterPreferences *natter_preferences_new (GtkWindow *parent, GSettings *settings);

G_END_DECLS
