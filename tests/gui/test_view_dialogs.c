/* The small windows: welcome / add network, quick switcher, history search,
 * preferences, and the shortcuts window's .ui. Runs under Xvfb. */
#include <string.h>

#include <glib/gstdio.h>

#include "natter-application.h"
#include "natter-buffer-private.h"
#include "natter-history.h"
#include "natter-message.h"
#include "natter-preferences.h"
#include "natter-search-dialog.h"
#include "natter-switcher.h"
#include "natter-welcome-dialog.h"
#include "scratch_dir.h"

/* The GResource bundle of natter-gui (glib-compile-resources --c-name natter).
 * Naming it pulls the bundle out of the static library. */
GResource *natter_get_resource (void);

/* Failure guard only: nothing here should take more than a moment. */
#define WAIT_LIMIT_US (30 * G_USEC_PER_SEC)

static GtkWidget *
child (gpointer widget, GType type, const char *name)
{
  GObject *obj = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (obj);
  return GTK_WIDGET (obj);
}

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
on_destroy (GtkWidget *widget, gboolean *destroyed)
{
  (void) widget;
  *destroyed = TRUE;
}

/* ---- welcome dialog ------------------------------------------------------ */

typedef struct {
  NatterNetworkConfig *cfg;
  guint                count;
  const char          *error;   /* show_error this from the handler */
  gboolean             lan;
} Chosen;

static void
on_network_chosen (NatterWelcomeDialog *dlg, NatterNetworkConfig *cfg, Chosen *chosen)
{
  chosen->count++;
  g_clear_pointer (&chosen->cfg, natter_network_config_free);
  chosen->cfg = natter_network_config_copy (cfg);
  chosen->lan = natter_welcome_dialog_get_lan (dlg);
  if (chosen->error != NULL)
    natter_welcome_dialog_show_error (dlg, chosen->error);
}

#define W(dlg, name) child ((dlg), NATTER_TYPE_WELCOME_DIALOG, (name))

static void
set_row (NatterWelcomeDialog *dlg, const char *row, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (W (dlg, row)), text);
}

static gboolean
confirm_sensitive (NatterWelcomeDialog *dlg)
{
  return gtk_widget_get_sensitive (W (dlg, "confirm_button"));
}

static const char *
reason (NatterWelcomeDialog *dlg)
{
  GtkWidget *label = W (dlg, "reason_label");

  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : "";
}

static gboolean
contains_folded (const char *haystack, const char *needle)
{
  g_autofree char *h = g_utf8_casefold (haystack, -1);
  g_autofree char *n = g_utf8_casefold (needle, -1);

  return strstr (h, n) != NULL;
}

/* A fresh welcome dialog on screen, its choice recorded in chosen and its
 * end in destroyed. */
static NatterWelcomeDialog *
open_welcome (Chosen *chosen, gboolean *destroyed)
{
  NatterWelcomeDialog *dlg = natter_welcome_dialog_new (NULL, NULL);

  g_signal_connect (dlg, "network-chosen", G_CALLBACK (on_network_chosen), chosen);
  g_signal_connect (dlg, "destroy", G_CALLBACK (on_destroy), destroyed);
  gtk_window_present (GTK_WINDOW (dlg));
  spin ();
  return dlg;
}

static void
test_welcome_join (void)
{
  Chosen chosen = { 0 };
  gboolean destroyed = FALSE;
  NatterWelcomeDialog *dlg = open_welcome (&chosen, &destroyed);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (W (dlg, "stack"))), ==, "choose");
  g_signal_emit_by_name (W (dlg, "choose_join_row"), "activated");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (W (dlg, "stack"))), ==, "form");
  g_assert_true (gtk_widget_get_visible (W (dlg, "host_row")));
  g_assert_false (gtk_widget_get_visible (W (dlg, "lan_row")));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (W (dlg, "confirm_button"))), ==, "Connect");

  /* Defaults: port 6667 and a nick; no host yet, so not confirmable. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (W (dlg, "port_row"))), ==, "6667");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (W (dlg, "nick_row"))), !=, "");
  g_assert_false (confirm_sensitive (dlg));
  g_assert_true (contains_folded (reason (dlg), "address"));

  set_row (dlg, "host_row", "irc.example.org");
  set_row (dlg, "nick_row", "alice");
  g_assert_true (confirm_sensitive (dlg));
  g_assert_cmpstr (reason (dlg), ==, "");

  set_row (dlg, "port_row", "abc");
  g_assert_false (confirm_sensitive (dlg));
  g_assert_true (contains_folded (reason (dlg), "port"));
  set_row (dlg, "port_row", "70000");
  g_assert_false (confirm_sensitive (dlg));
  g_assert_true (contains_folded (reason (dlg), "port"));
  set_row (dlg, "port_row", "6697");
  g_assert_true (confirm_sensitive (dlg));

  /* The nick rule is natter_network_config_validate's; its message shows. */
  set_row (dlg, "nick_row", "9lives");
  g_assert_false (confirm_sensitive (dlg));
  g_assert_true (contains_folded (reason (dlg), "nick"));
  set_row (dlg, "nick_row", "alice");
  set_row (dlg, "host_row", "irc example org");
  g_assert_false (confirm_sensitive (dlg));
  g_assert_cmpstr (reason (dlg), !=, "");
  set_row (dlg, "host_row", "irc.example.org");
  g_assert_true (confirm_sensitive (dlg));

  set_row (dlg, "realname_row", "Alice Liddell");
  set_row (dlg, "password_row", "s3cret");
  set_row (dlg, "channels_row", "natter, #help  #dev");
  g_assert_true (confirm_sensitive (dlg));

  /* Enter in the last row confirms. */
  g_signal_emit_by_name (W (dlg, "channels_row"), "entry-activated");
  g_assert_cmpuint (chosen.count, ==, 1);
  g_assert_nonnull (chosen.cfg);
  g_assert_cmpstr (chosen.cfg->name, ==, "irc.example.org");
  g_assert_cmpstr (chosen.cfg->host, ==, "irc.example.org");
  g_assert_cmpuint (chosen.cfg->port, ==, 6697);
  g_assert_cmpstr (chosen.cfg->nick, ==, "alice");
  g_assert_cmpstr (chosen.cfg->realname, ==, "Alice Liddell");
  g_assert_cmpstr (chosen.cfg->password, ==, "s3cret");
  g_assert_false (chosen.cfg->hosted);
  g_assert_nonnull (chosen.cfg->channels);
  g_assert_cmpuint (g_strv_length (chosen.cfg->channels), ==, 3);
  g_assert_cmpstr (chosen.cfg->channels[0], ==, "#natter");
  g_assert_cmpstr (chosen.cfg->channels[1], ==, "#help");
  g_assert_cmpstr (chosen.cfg->channels[2], ==, "#dev");
  spin ();
  g_assert_true (destroyed);

  natter_network_config_free (chosen.cfg);
}

static void
test_welcome_host (void)
{
  Chosen chosen = { 0 };
  gboolean destroyed = FALSE;
  NatterWelcomeDialog *dlg = open_welcome (&chosen, &destroyed);

  g_signal_emit_by_name (W (dlg, "choose_host_row"), "activated");
  g_assert_false (gtk_widget_get_visible (W (dlg, "host_row")));
  g_assert_false (gtk_widget_get_visible (W (dlg, "password_row")));
  g_assert_true (gtk_widget_get_visible (W (dlg, "lan_row")));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (W (dlg, "confirm_button"))), ==, "Start hosting");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (W (dlg, "channels_row"))), ==, "#natter");

  set_row (dlg, "nick_row", "host");
  set_row (dlg, "port_row", "");
  g_assert_false (confirm_sensitive (dlg));
  g_assert_true (contains_folded (reason (dlg), "port"));
  set_row (dlg, "port_row", "16667");
  g_assert_true (confirm_sensitive (dlg));

  /* Back to the choice and into "Join": the hosting default goes away. */
  g_signal_emit_by_name (W (dlg, "back_button"), "clicked");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (W (dlg, "stack"))), ==, "choose");
  g_signal_emit_by_name (W (dlg, "choose_join_row"), "activated");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (W (dlg, "channels_row"))), ==, "");
  g_signal_emit_by_name (W (dlg, "back_button"), "clicked");
  g_signal_emit_by_name (W (dlg, "choose_host_row"), "activated");

  /* Adding fails: the caller's error shows and the dialog stays. */
  gtk_switch_set_active (GTK_SWITCH (W (dlg, "lan_switch")), FALSE);
  chosen.error = "Port 16667 is already in use";
  g_signal_emit_by_name (W (dlg, "confirm_button"), "clicked");
  spin ();
  g_assert_cmpuint (chosen.count, ==, 1);
  g_assert_false (destroyed);
  g_assert_false (chosen.lan);
  g_assert_cmpstr (reason (dlg), ==, "Port 16667 is already in use");
  g_assert_true (gtk_widget_has_css_class (W (dlg, "reason_label"), "error"));

  /* Another port, and this time it works. */
  chosen.error = NULL;
  gtk_switch_set_active (GTK_SWITCH (W (dlg, "lan_switch")), TRUE);
  set_row (dlg, "port_row", "16668");
  g_assert_cmpstr (reason (dlg), ==, "");
  set_row (dlg, "channels_row", "");
  g_signal_emit_by_name (W (dlg, "confirm_button"), "clicked");
  g_assert_cmpuint (chosen.count, ==, 2);
  g_assert_true (chosen.cfg->hosted);
  g_assert_true (chosen.lan);
  g_assert_cmpstr (chosen.cfg->host, ==, "127.0.0.1");
  g_assert_cmpstr (chosen.cfg->name, ==, "This computer");
  g_assert_cmpuint (chosen.cfg->port, ==, 16668);
  g_assert_cmpstr (chosen.cfg->nick, ==, "host");
  g_assert_nonnull (chosen.cfg->channels);
  g_assert_cmpuint (g_strv_length (chosen.cfg->channels), ==, 1);
  g_assert_cmpstr (chosen.cfg->channels[0], ==, "#natter");
  spin ();
  g_assert_true (destroyed);

  natter_network_config_free (chosen.cfg);
}

static void
test_welcome_prefill (void)
{
  g_autoptr (NatterNetworkConfig) pre = natter_network_config_new ("libera", "irc.libera.chat", 6667, "bob");
  NatterWelcomeDialog *dlg;
  gboolean destroyed = FALSE;

  g_strfreev (pre->channels);
  pre->channels = g_strsplit ("#a #b", " ", -1);
  dlg = natter_welcome_dialog_new (NULL, pre);
  /* An irc:// link goes straight to the join form, ready to confirm. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (W (dlg, "stack"))), ==, "form");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (W (dlg, "host_row"))), ==, "irc.libera.chat");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (W (dlg, "nick_row"))), ==, "bob");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (W (dlg, "channels_row"))), ==, "#a, #b");
  g_assert_true (confirm_sensitive (dlg));

  /* Escape is bound to window.close, which must exist and close it. */
  g_signal_connect (dlg, "destroy", G_CALLBACK (on_destroy), &destroyed);
  gtk_window_present (GTK_WINDOW (dlg));
  spin ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dlg), "window.close", NULL));
  spin ();
  g_assert_true (destroyed);
}

/* ---- quick switcher ------------------------------------------------------- */

static NatterBuffer *
add_buffer (GListStore *store, NatterBufferKind kind, const char *name,
            guint unread, guint mentions)
{
  NatterBuffer *buffer = natter_buffer_new (NULL, kind, name, "net", NULL);

  for (guint i = 0; i < unread; i++)
    {
      g_autoptr (NatterMessage) msg =
        natter_message_new (NATTER_MESSAGE_PRIVMSG, 1700000000000 + i, "carol", "hello",
                            i < mentions ? NATTER_MESSAGE_FLAG_MENTION : NATTER_MESSAGE_FLAG_NONE);

      natter_buffer_queue (buffer, msg);
    }
  g_assert_true (natter_buffer_flush (buffer, NULL, NULL));
  g_assert_cmpuint (natter_buffer_get_unread (buffer), ==, unread);
  g_assert_cmpuint (natter_buffer_get_mentions (buffer), ==, mentions);
  g_list_store_append (store, buffer);
  g_object_unref (buffer);
  return buffer;
}

static void
on_buffer_activated (NatterSwitcher *sw, NatterBuffer *buffer, NatterBuffer **out)
{
  (void) sw;
  *out = buffer;
}

static const char *
match_name (NatterSwitcher *sw, guint position)
{
  GtkListView *view = GTK_LIST_VIEW (child (sw, NATTER_TYPE_SWITCHER, "list_view"));
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (view));
  g_autoptr (NatterBuffer) buffer = g_list_model_get_item (model, position);

  return natter_buffer_get_name (buffer);
}

static void
test_switcher (void)
{
  g_autoptr (GListStore) store = g_list_store_new (NATTER_TYPE_BUFFER);
  NatterBuffer *natter, *activated = NULL;
  NatterSwitcher *sw;
  GtkWidget *entry;
  gboolean destroyed = FALSE;

  add_buffer (store, NATTER_BUFFER_SERVER, "net", 0, 0);
  add_buffer (store, NATTER_BUFFER_CHANNEL, "#general", 0, 0);
  add_buffer (store, NATTER_BUFFER_CHANNEL, "#Natter-Dev", 5, 0);
  add_buffer (store, NATTER_BUFFER_QUERY, "alice", 1, 1);
  natter = add_buffer (store, NATTER_BUFFER_CHANNEL, "#natter", 2, 0);
  add_buffer (store, NATTER_BUFFER_CHANNEL, "#random", 0, 0);

  sw = natter_switcher_new (NULL, G_LIST_MODEL (store));
  g_signal_connect (sw, "buffer-activated", G_CALLBACK (on_buffer_activated), &activated);
  g_signal_connect (sw, "destroy", G_CALLBACK (on_destroy), &destroyed);
  gtk_window_present (GTK_WINDOW (sw));
  spin ();

  /* Everything, mentions first, then by unread, then in sidebar order. */
  g_assert_cmpuint (natter_switcher_get_n_matches (sw), ==, 6);
  g_assert_cmpstr (match_name (sw, 0), ==, "alice");
  g_assert_cmpstr (match_name (sw, 1), ==, "#Natter-Dev");
  g_assert_cmpstr (match_name (sw, 2), ==, "#natter");
  g_assert_cmpstr (match_name (sw, 3), ==, "net");
  g_assert_cmpstr (match_name (sw, 4), ==, "#general");
  g_assert_cmpstr (match_name (sw, 5), ==, "#random");

  natter_switcher_set_query (sw, "NATT");
  g_assert_cmpuint (natter_switcher_get_n_matches (sw), ==, 2);
  g_assert_cmpstr (match_name (sw, 0), ==, "#Natter-Dev");
  natter_switcher_set_query (sw, "natter-");
  g_assert_cmpuint (natter_switcher_get_n_matches (sw), ==, 1);
  natter_switcher_set_query (sw, "e");
  g_assert_cmpuint (natter_switcher_get_n_matches (sw), ==, 5);
  natter_switcher_set_query (sw, "xyz");
  g_assert_cmpuint (natter_switcher_get_n_matches (sw), ==, 0);
  natter_switcher_set_query (sw, "");
  g_assert_cmpuint (natter_switcher_get_n_matches (sw), ==, 6);

  /* Down from the first match (selected by default), then Enter. */
  natter_switcher_set_query (sw, "natter");
  entry = child (sw, NATTER_TYPE_SWITCHER, "search_entry");
  g_signal_emit_by_name (entry, "next-match");
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (activated == natter);
  spin ();
  g_assert_true (destroyed);
}

static void
test_switcher_click (void)
{
  g_autoptr (GListStore) store = g_list_store_new (NATTER_TYPE_BUFFER);
  NatterBuffer *general, *activated = NULL;
  NatterSwitcher *sw;

  add_buffer (store, NATTER_BUFFER_SERVER, "net", 0, 0);
  general = add_buffer (store, NATTER_BUFFER_CHANNEL, "#general", 0, 0);
  sw = natter_switcher_new (NULL, G_LIST_MODEL (store));
  g_signal_connect (sw, "buffer-activated", G_CALLBACK (on_buffer_activated), &activated);
  gtk_window_present (GTK_WINDOW (sw));
  spin ();
  g_signal_emit_by_name (child (sw, NATTER_TYPE_SWITCHER, "list_view"), "activate", 1u);
  g_assert_true (activated == general);
  spin ();
}

/* ---- history search -------------------------------------------------------- */

static void
store_lines (NatterHistory *history, const char *network, const char *buffer,
             const char *const *lines)
{
  g_autoptr (GPtrArray) msgs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    g_ptr_array_add (msgs, natter_message_new (NATTER_MESSAGE_PRIVMSG,
                                               1700000000000 + i * 1000, "dave", lines[i],
                                               NATTER_MESSAGE_FLAG_NONE));
  g_assert_true (natter_history_append_many (history, network, buffer,
                                             (NatterMessage **) msgs->pdata, msgs->len, &error));
  g_assert_no_error (error);
}

/* Until the search in flight is answered (the spinner goes away). */
static void
wait_search (NatterSearchDialog *dlg)
{
  GtkWidget *spinner = child (dlg, NATTER_TYPE_SEARCH_DIALOG, "spinner");
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;

  while (gtk_widget_get_visible (spinner) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (gtk_widget_get_visible (spinner));
  spin ();
}

static const char *
search_page (NatterSearchDialog *dlg)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (child (dlg, NATTER_TYPE_SEARCH_DIALOG, "stack")));
}

typedef struct {
  char *network;
  char *buffer;
} Hit;

static void
on_hit_activated (NatterSearchDialog *dlg, const char *network, const char *buffer, Hit *hit)
{
  (void) dlg;
  hit->network = g_strdup (network);
  hit->buffer = g_strdup (buffer);
}

static void
test_search (void)
{
  static const char *const natter_lines[] = {
    "hello world", "Hello again, world", "nothing here", "say hello to the release", NULL
  };
  static const char *const other_lines[] = { "hello from elsewhere", "bye", NULL };
  g_autofree char *dir = scratch_dir ("dialogs-search");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (NatterHistory) history = natter_history_open (path, &error);
  NatterSearchDialog *dlg;
  GtkWidget *scope;
  Hit hit = { 0 };
  gboolean destroyed = FALSE;

  g_assert_no_error (error);
  store_lines (history, "net", "#natter", natter_lines);
  store_lines (history, "net", "#other", other_lines);

  dlg = natter_search_dialog_new (NULL, history, "net", "#natter");
  g_signal_connect (dlg, "hit-activated", G_CALLBACK (on_hit_activated), &hit);
  g_signal_connect (dlg, "destroy", G_CALLBACK (on_destroy), &destroyed);
  gtk_window_present (GTK_WINDOW (dlg));
  spin ();
  g_assert_cmpstr (search_page (dlg), ==, "start");
  scope = child (dlg, NATTER_TYPE_SEARCH_DIALOG, "scope_check");
  g_assert_true (gtk_widget_get_sensitive (scope));

  natter_search_dialog_set_query (dlg, "hello");
  wait_search (dlg);
  g_assert_cmpuint (natter_search_dialog_get_n_results (dlg), ==, 4);
  g_assert_cmpstr (search_page (dlg), ==, "results");

  /* A newer query wins even when the older one is still running. */
  natter_search_dialog_set_query (dlg, "world");
  natter_search_dialog_set_query (dlg, "hello world");
  wait_search (dlg);
  g_assert_cmpuint (natter_search_dialog_get_n_results (dlg), ==, 2);

  natter_search_dialog_set_query (dlg, "hello");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (scope), TRUE);
  wait_search (dlg);
  g_assert_cmpuint (natter_search_dialog_get_n_results (dlg), ==, 3);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (scope), FALSE);
  wait_search (dlg);
  g_assert_cmpuint (natter_search_dialog_get_n_results (dlg), ==, 4);

  natter_search_dialog_set_query (dlg, "zebra");
  wait_search (dlg);
  g_assert_cmpuint (natter_search_dialog_get_n_results (dlg), ==, 0);
  g_assert_cmpstr (search_page (dlg), ==, "none");

  natter_search_dialog_set_query (dlg, "   ");
  wait_search (dlg);
  g_assert_cmpstr (search_page (dlg), ==, "start");
  g_assert_cmpuint (natter_search_dialog_get_n_results (dlg), ==, 0);

  /* Newest first: the #other line was stored last. */
  natter_search_dialog_set_query (dlg, "elsewhere");
  wait_search (dlg);
  g_assert_cmpuint (natter_search_dialog_get_n_results (dlg), ==, 1);
  g_signal_emit_by_name (child (dlg, NATTER_TYPE_SEARCH_DIALOG, "list_view"), "activate", 0u);
  g_assert_cmpstr (hit.network, ==, "net");
  g_assert_cmpstr (hit.buffer, ==, "#other");
  spin ();
  g_assert_true (destroyed);
  g_free (hit.network);
  g_free (hit.buffer);
}

static void
collect_label_texts (GtkWidget *widget, GString *out)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_LABEL (c) && gtk_widget_get_child_visible (c))
        g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (c)));
      collect_label_texts (c, out);
    }
}

/* History keeps joins, parts and quits too, and a search for a nick finds
 * them: each result says what happened, not just the bare nick. */
static void
test_search_events (void)
{
  g_autofree char *dir = scratch_dir ("dialogs-search-events");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (NatterHistory) history = natter_history_open (path, &error);
  NatterMessage *msgs[] = {
    natter_message_new (NATTER_MESSAGE_JOIN, 1700000000000, "erin", NULL, NATTER_MESSAGE_FLAG_NONE),
    natter_message_new (NATTER_MESSAGE_PRIVMSG, 1700000001000, "erin", "morning all", NATTER_MESSAGE_FLAG_NONE),
    natter_message_new (NATTER_MESSAGE_QUIT, 1700000002000, "erin", "bedtime", NATTER_MESSAGE_FLAG_NONE),
  };
  g_autoptr (GString) shown = g_string_new (NULL);
  NatterSearchDialog *dlg;

  g_assert_no_error (error);
  g_assert_true (natter_history_append_many (history, "net", "#natter", msgs, G_N_ELEMENTS (msgs), &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (msgs); i++)
    g_object_unref (msgs[i]);

  dlg = natter_search_dialog_new (NULL, history, "net", "#natter");
  gtk_window_present (GTK_WINDOW (dlg));
  natter_search_dialog_set_query (dlg, "erin");
  wait_search (dlg);
  g_assert_cmpuint (natter_search_dialog_get_n_results (dlg), ==, 3);
  collect_label_texts (child (dlg, NATTER_TYPE_SEARCH_DIALOG, "list_view"), shown);
  g_test_message ("results:\n%s", shown->str);
  g_assert_nonnull (strstr (shown->str, "erin joined\n"));
  g_assert_nonnull (strstr (shown->str, "erin  morning all\n"));
  g_assert_nonnull (strstr (shown->str, "erin quit (bedtime)\n"));
  gtk_window_destroy (GTK_WINDOW (dlg));
}

static void
test_search_no_chat (void)
{
  g_autofree char *dir = scratch_dir ("dialogs-search-nochat");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (NatterHistory) history = natter_history_open (path, &error);
  NatterSearchDialog *dlg;

  g_assert_no_error (error);
  dlg = natter_search_dialog_new (NULL, history, NULL, NULL);
  g_assert_false (gtk_widget_get_sensitive (child (dlg, NATTER_TYPE_SEARCH_DIALOG, "scope_check")));
  natter_search_dialog_set_query (dlg, "anything");
  wait_search (dlg);
  g_assert_cmpstr (search_page (dlg), ==, "none");
  gtk_window_destroy (GTK_WINDOW (dlg));

  /* Without history, searching says so instead of pretending. */
  dlg = natter_search_dialog_new (NULL, NULL, "net", "#natter");
  g_assert_cmpstr (search_page (dlg), ==, "error");
  g_assert_false (gtk_widget_get_sensitive (child (dlg, NATTER_TYPE_SEARCH_DIALOG, "scope_check")));
  gtk_window_destroy (GTK_WINDOW (dlg));
}

/* ---- preferences --------------------------------------------------------------- */

static void
test_preferences (void)
{
  g_autoptr (GSettings) settings = g_settings_new ("org.natter.Natter");
  NatterPreferences *prefs;
  AdwComboRow *combo;
  GtkSwitch *notifications, *joins;
  g_autofree char *scheme = NULL;

  g_settings_set_string (settings, "color-scheme", "dark");
  prefs = natter_preferences_new (NULL, settings);
  gtk_window_present (GTK_WINDOW (prefs));
  spin ();
  combo = ADW_COMBO_ROW (child (prefs, NATTER_TYPE_PREFERENCES, "color_scheme_row"));
  notifications = GTK_SWITCH (child (prefs, NATTER_TYPE_PREFERENCES, "notifications_switch"));
  joins = GTK_SWITCH (child (prefs, NATTER_TYPE_PREFERENCES, "show_joins_switch"));

  g_assert_cmpuint (adw_combo_row_get_selected (combo), ==, 2);
  adw_combo_row_set_selected (combo, 1);
  scheme = g_settings_get_string (settings, "color-scheme");
  g_assert_cmpstr (scheme, ==, "light");
  adw_combo_row_set_selected (combo, 0);
  g_assert_cmpint (g_settings_get_enum (settings, "color-scheme"), ==, 0);
  g_settings_set_string (settings, "color-scheme", "dark");
  g_assert_cmpuint (adw_combo_row_get_selected (combo), ==, 2);

  g_assert_true (gtk_switch_get_active (notifications));
  gtk_switch_set_active (notifications, FALSE);
  g_assert_false (g_settings_get_boolean (settings, "notifications"));
  g_settings_set_boolean (settings, "show-joins-parts", FALSE);
  g_assert_false (gtk_switch_get_active (joins));
  gtk_switch_set_active (joins, TRUE);
  g_assert_true (g_settings_get_boolean (settings, "show-joins-parts"));

  gtk_window_destroy (GTK_WINDOW (prefs));
  g_settings_reset (settings, "color-scheme");
  g_settings_reset (settings, "notifications");
  g_settings_reset (settings, "show-joins-parts");
}

/* ---- shortcuts window ------------------------------------------------------------ */

static void
test_shortcuts_ui (void)
{
  g_autoptr (GtkBuilder) builder = gtk_builder_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GSList) objects = NULL;
  g_autoptr (GString) accels = g_string_new (NULL);
  GObject *overlay;
  guint n_shortcuts = 0;

  g_assert_true (gtk_builder_add_from_resource (builder, "/org/natter/Natter/ui/natter-shortcuts.ui", &error));
  g_assert_no_error (error);
  overlay = gtk_builder_get_object (builder, "help_overlay");
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));

  objects = gtk_builder_get_objects (builder);
  for (GSList *l = objects; l != NULL; l = l->next)
    if (GTK_IS_SHORTCUTS_SHORTCUT (l->data))
      {
        g_autofree char *accel = NULL;

        g_object_get (l->data, "accelerator", &accel, NULL);
        g_string_append_printf (accels, "%s|", accel);
        n_shortcuts++;
      }
  g_assert_cmpuint (n_shortcuts, ==, 15);
  for (const char *const *want = (const char *const[]) {
         "<ctrl>k|", "<ctrl>f|", "<alt>1...<alt>9|", "<ctrl>Page_Up <alt>Up|",
         "<ctrl>n|", "<ctrl>w|", "<ctrl>l|", "Tab|", "<ctrl>comma|", "<ctrl>question|",
         "<ctrl>q|", NULL };
       *want != NULL; want++)
    g_assert_nonnull (strstr (accels->str, *want));
  gtk_window_destroy (GTK_WINDOW (overlay));
}

/* Adds the accelerators the shortcuts window lists (with modifiers: plain
 * keys like Tab belong to the input), normalised, as "name|". */
static void
listed_accels (GtkBuilder *builder, GString *out)
{
  g_autoptr (GSList) objects = gtk_builder_get_objects (builder);

  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *accel = NULL;
      g_auto (GStrv) alternatives = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;
      g_object_get (l->data, "accelerator", &accel, NULL);
      /* "<ctrl>Page_Up <alt>Up": either; "<alt>1...<alt>9": a range. */
      alternatives = g_strsplit (accel, " ", -1);
      for (guint i = 0; alternatives[i] != NULL; i++)
        {
          g_auto (GStrv) ends = g_strsplit (alternatives[i], "...", 2);
          guint first = 0, last = 0;
          GdkModifierType mods = 0;

          g_assert_true (gtk_accelerator_parse (ends[0], &first, &mods));
          last = first;
          if (ends[1] != NULL)
            g_assert_true (gtk_accelerator_parse (ends[1], &last, NULL));
          if (mods == 0)
            continue;
          for (guint key = first; key <= last; key++)
            {
              g_autofree char *name = gtk_accelerator_name (key, mods);

              g_string_append_printf (out, "%s|", name);
            }
        }
    }
}

/* What the shortcuts window promises is what the app binds, and the other
 * way round: every listed shortcut runs an action, every accelerator the
 * app sets is listed. */
static void
test_shortcuts_match_app (void)
{
  g_autoptr (GtkBuilder) builder = gtk_builder_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (NatterApplication) app = natter_application_new ();
  g_autoptr (GString) listed = g_string_new ("|");
  g_auto (GStrv) actions = NULL;

  g_assert_true (gtk_builder_add_from_resource (builder, "/org/natter/Natter/ui/natter-shortcuts.ui", &error));
  g_assert_no_error (error);
  listed_accels (builder, listed);
  g_test_message ("listed: %s", listed->str);
  g_assert_cmpuint (strlen (listed->str), >, 50);

  /* Registering runs startup, which sets the accelerators. */
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  {
    g_auto (GStrv) names = g_strsplit (listed->str, "|", -1);

    for (guint i = 0; names[i] != NULL; i++)
      {
        g_auto (GStrv) bound = NULL;

        if (names[i][0] == '\0')
          continue;
        bound = gtk_application_get_actions_for_accel (GTK_APPLICATION (app), names[i]);
        if (bound == NULL || bound[0] == NULL)
          g_error ("the shortcuts window lists %s, but no action has it", names[i]);
      }
  }

  actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto (GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), actions[i]);

      for (guint j = 0; accels[j] != NULL; j++)
        {
          guint key = 0;
          GdkModifierType mods = 0;
          g_autofree char *name = NULL;
          g_autofree char *needle = NULL;

          g_assert_true (gtk_accelerator_parse (accels[j], &key, &mods));
          name = gtk_accelerator_name (key, mods);
          needle = g_strdup_printf ("|%s|", name);
          if (strstr (listed->str, needle) == NULL)
            g_error ("%s runs %s, but the shortcuts window does not list it", name, actions[i]);
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  (void) natter_get_resource ();
  adw_init ();

  g_test_add_func ("/dialogs/welcome/join", test_welcome_join);
  g_test_add_func ("/dialogs/welcome/host", test_welcome_host);
  g_test_add_func ("/dialogs/welcome/prefill", test_welcome_prefill);
  g_test_add_func ("/dialogs/switcher/filter-order-keys", test_switcher);
  g_test_add_func ("/dialogs/switcher/click", test_switcher_click);
  g_test_add_func ("/dialogs/search/query-scope-activate", test_search);
  g_test_add_func ("/dialogs/search/no-chat-no-history", test_search_no_chat);
  g_test_add_func ("/dialogs/search/events", test_search_events);
  g_test_add_func ("/dialogs/preferences", test_preferences);
  g_test_add_func ("/dialogs/shortcuts-ui", test_shortcuts_ui);
  g_test_add_func ("/dialogs/shortcuts-match-app", test_shortcuts_match_app);
  return g_test_run ();
}
