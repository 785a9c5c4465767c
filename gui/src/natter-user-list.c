/* natter-user-list.c: a channel's members. */
#include "natter-user-list.h"

#include <adwaita.h>
#include "natter-member.h"
#include "natter-nick-color.h"

struct _NatterUserList
{
  GtkWidget       parent_instance;

  GtkWidget      *scroller;
  GtkListView    *list;
  GtkNoSelection *selection;
};

G_DEFINE_FINAL_TYPE (NatterUserList, natter_user_list, GTK_TYPE_WIDGET)

enum { MEMBER_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
setup_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  NatterMember *m = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  const char *prefixes = natter_member_get_prefixes (m);
  char prefix[2] = { prefixes && prefixes[0] ? prefixes[0] : ' ', 0 };
  g_autofree char *markup = g_markup_printf_escaped ("<tt><b>%s</b></tt><span foreground=\"%s\">%s</span>",
                                                     prefix,
                                                     natter_nick_color (natter_member_get_nick (m), dark),
                                                     natter_member_get_nick (m));
  g_autofree char *a11y = NULL;

  gtk_label_set_markup (GTK_LABEL (label), markup);
  if (natter_member_get_away (m))
    gtk_widget_add_css_class (label, "away");
  else
    gtk_widget_remove_css_class (label, "away");
  a11y = g_strdup_printf ("%s%s%s", natter_member_get_nick (m),
                          prefix[0] == '@' ? ", operator" : prefix[0] == '+' ? ", voiced" : "",
                          natter_member_get_away (m) ? ", away" : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  gtk_widget_set_tooltip_text (label, natter_member_get_away (m) ? "Away" : NULL);
}

static void
on_activate (GtkListView *list, guint position, NatterUserList *self)
{
  GListModel *model = G_LIST_MODEL (self->selection);
  g_autoptr (NatterMember) m = g_list_model_get_item (model, position);

  if (m)
    g_signal_emit (self, signals[MEMBER_ACTIVATED], 0, natter_member_get_nick (m));
}

void
natter_user_list_set_model (NatterUserList *self, GListModel *members)
{
  gtk_no_selection_set_model (self->selection, members);
}

static void
natter_user_list_dispose (GObject *object)
{
  NatterUserList *self = NATTER_USER_LIST (object);

  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  G_OBJECT_CLASS (natter_user_list_parent_class)->dispose (object);
}

static void
natter_user_list_class_init (NatterUserListClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = natter_user_list_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "userlist");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  signals[MEMBER_ACTIVATED] =
    g_signal_new ("member-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
natter_user_list_init (NatterUserList *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  self->selection = gtk_no_selection_new (NULL);
  self->list = GTK_LIST_VIEW (gtk_list_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection)), factory));
  gtk_list_view_set_single_click_activate (self->list, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL, "Members", -1);
  g_signal_connect (self->list, "activate", G_CALLBACK (on_activate), self);
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->list));
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
  g_object_unref (self->selection);
}

GtkWidget *
natter_user_list_new (void)
{
  return g_object_new (NATTER_TYPE_USER_LIST, NULL);
}
