/* NatterMember: one row of a channel's user list. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define NATTER_TYPE_MEMBER (natter_member_get_type ())
G_DECLARE_FINAL_TYPE (NatterMember, natter_member, NATTER, MEMBER, GObject)

NatterMember *natter_member_new         (const char *nick, const char *prefixes, gboolean away);
const char   *natter_member_get_nick    (NatterMember *self);
/* Highest first, e.g. "@+"; "" for none. */
const char   *natter_member_get_prefixes (NatterMember *self);
gboolean      natter_member_get_away    (NatterMember *self);

G_END_DECLS
