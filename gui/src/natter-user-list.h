/* NatterUserList: a channel's members (GtkListView over the buffer's member
 * model): op/voice prefixes, sorted by rank then nick, away members dimmed.
 * Activating a member (double click, Enter) emits "member-activated"
 * (const char *nick): the window opens a private chat with them. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define NATTER_TYPE_USER_LIST (natter_user_list_get_type ())
G_DECLARE_FINAL_TYPE (NatterUserList, natter_user_list, NATTER, USER_LIST, GtkWidget)

GtkWidget *natter_user_list_new       (void);
/* members: GListModel of NatterMember, or NULL. */
void       natter_user_list_set_model (NatterUserList *self, GListModel *members);

G_END_DECLS
