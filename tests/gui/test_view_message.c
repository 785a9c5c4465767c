/* NatterMessageView and NatterMessageRow under a real display (Xvfb): row
 * markup for every kind, sticking to the bottom, staying put when scrolled
 * up, load-older at the top, prepends that keep the visible rows, hidden
 * events and per-model scroll memory. */
#include <adwaita.h>
#include <string.h>

#include "natter-message-model.h"
#include "natter-message-row.h"
#include "natter-nick-color.h"
#include "natter-message-view.h"
#include "view_util.h"

/* ---- helpers ------------------------------------------------------------ */

static gint64 base_ms;

static NatterMessage *
msg_new (NatterMessageKind kind, const char *nick, const char *text, NatterMessageFlags flags)
{
  static gint64 tick;

  return natter_message_new (kind, base_ms + (tick++) * 10, nick, text, flags);
}

/* n messages, every 10th a join; texts of varied length so some rows wrap. */
static GPtrArray *
make_messages (guint n, const char *tag)
{
  static const char *nicks[] = { "alice", "bob", "carol", "dave", "erin" };
  GPtrArray *msgs = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      const char *nick = nicks[i % G_N_ELEMENTS (nicks)];

      if (i % 10 == 9)
        g_ptr_array_add (msgs, msg_new (NATTER_MESSAGE_JOIN, nick, NULL, 0));
      else
        {
          g_autofree char *text = g_strdup_printf ("%s message %u%s", tag, i,
                                                   i % 7 == 0 ? " and a long tail of words that "
                                                   "goes on and on so the label has to wrap over more "
                                                   "than one line in an ordinary window width, really"
                                                   : "");
          g_ptr_array_add (msgs, msg_new (NATTER_MESSAGE_PRIVMSG, nick, text, 0));
        }
    }
  return msgs;
}

static NatterMessageModel *
make_model (guint n, const char *tag)
{
  NatterMessageModel *model = natter_message_model_new ();
  g_autoptr (GPtrArray) msgs = make_messages (n, tag);

  natter_message_model_append_many (model, (NatterMessage **) msgs->pdata, msgs->len);
  return model;
}

static void
settle (NatterMessageView *view)
{
  settle_adjustment (natter_message_view_get_vadjustment (view));
}

static gboolean
geometric_bottom (NatterMessageView *view)
{
  GtkAdjustment *adj = natter_message_view_get_vadjustment (view);

  return gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj)
         >= gtk_adjustment_get_upper (adj) - 1.0;
}

static GtkListView *
list_of (NatterMessageView *view)
{
  GtkWidget *scroller = gtk_widget_get_first_child (GTK_WIDGET (view));

  g_assert_true (GTK_IS_SCROLLED_WINDOW (scroller));
  return GTK_LIST_VIEW (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller)));
}

static void
collect_rows (GtkWidget *widget, GPtrArray *out)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      if (NATTER_IS_MESSAGE_ROW (c))
        g_ptr_array_add (out, c);
      else
        collect_rows (c, out);
    }
}

/* Messages whose rows intersect the visible part of the list. */
static GPtrArray *
visible_messages (NatterMessageView *view)
{
  GtkWidget *list = GTK_WIDGET (list_of (view));
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  GPtrArray *out = g_ptr_array_new ();
  int height = gtk_widget_get_height (list);

  collect_rows (list, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      NatterMessageRow *row = rows->pdata[i];
      NatterMessage *msg = natter_message_row_get_message (row);
      graphene_rect_t b;

      if (msg == NULL || !gtk_widget_get_child_visible (gtk_widget_get_parent (GTK_WIDGET (row))))
        continue;
      if (!gtk_widget_compute_bounds (GTK_WIDGET (row), list, &b))
        continue;
      if (b.origin.y + b.size.height > 0.5 && b.origin.y < height - 0.5 && b.size.height > 0)
        g_ptr_array_add (out, msg);
    }
  return out;
}

static NatterMessage *
message_at (NatterMessageView *view, double y_from_top)
{
  GtkWidget *list = GTK_WIDGET (list_of (view));
  GtkWidget *hit = gtk_widget_pick (list, gtk_widget_get_width (list) / 2.0, y_from_top,
                                    GTK_PICK_DEFAULT);

  for (; hit != NULL && hit != list; hit = gtk_widget_get_parent (hit))
    if (NATTER_IS_MESSAGE_ROW (hit))
      return natter_message_row_get_message (NATTER_MESSAGE_ROW (hit));
  return NULL;
}

typedef struct {
  GtkWindow         *window;
  GtkWidget         *filler;
  NatterMessageView *view;
  guint              load_older;
} Fixture;

static void
on_load_older (NatterMessageView *view, Fixture *f)
{
  f->load_older++;
}

static void
fixture_open (Fixture *f, NatterMessageModel *model)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 800, 600);
  f->filler = gtk_label_new ("");
  f->view = NATTER_MESSAGE_VIEW (natter_message_view_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (f->view), TRUE);
  gtk_box_append (GTK_BOX (box), f->filler);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->view));
  gtk_window_set_child (f->window, box);
  g_signal_connect (f->view, "load-older", G_CALLBACK (on_load_older), f);
  natter_message_view_set_nick (f->view, "me");
  natter_message_view_set_model (f->view, model);
  g_assert_true (present_and_wait_mapped (f->window, GTK_WIDGET (f->view)));
  settle (f->view);
  g_assert_cmpfloat (gtk_adjustment_get_page_size (natter_message_view_get_vadjustment (f->view)), >, 100);
}

static void
fixture_close (Fixture *f)
{
  gtk_window_destroy (f->window);
  spin (20);
}

/* ---- markup ------------------------------------------------------------- */

static char *
checked_markup (NatterMessage *msg, const char *nick, gboolean dark)
{
  g_autofree char *markup = natter_message_row_markup (msg, nick, dark);
  g_autofree char *pango = NULL;
  g_autoptr (GRegex) links = g_regex_new ("<a href=\"[^\"]*\">|</a>", 0, 0, NULL);
  g_autoptr (GError) error = NULL;
  char *plain = NULL;

  g_assert_nonnull (markup);
  /* Links are GtkLabel's extension; Pango itself knows no <a>. */
  pango = g_regex_replace_literal (links, markup, -1, 0, "", 0, NULL);
  if (!pango_parse_markup (pango, -1, 0, NULL, &plain, NULL, &error))
    g_error ("invalid markup %s: %s", markup, error->message);
  return plain;
}

static void
test_row_markup (void)
{
  struct { NatterMessageKind kind; const char *nick; const char *text; const char *expect; } cases[] = {
    { NATTER_MESSAGE_PRIVMSG, "alice", "hi <there> & you", "alice  hi <there> & you" },
    { NATTER_MESSAGE_ACTION, "alice", "waves", "* alice waves" },
    { NATTER_MESSAGE_NOTICE, "bob", "psst", "-bob- psst" },
    { NATTER_MESSAGE_JOIN, "alice", NULL, "→ alice joined" },
    { NATTER_MESSAGE_PART, "bob", "bye now", "← bob left (bye now)" },
    { NATTER_MESSAGE_PART, "bob", NULL, "← bob left" },
    { NATTER_MESSAGE_QUIT, "carol", "Ping timeout", "← carol quit (Ping timeout)" },
    { NATTER_MESSAGE_KICK, "op", "dave spamming <links>", "← dave was removed by op (spamming <links>)" },
    { NATTER_MESSAGE_NICK, "alice", "bob", "alice is now bob" },
    { NATTER_MESSAGE_MODE, "op", "+o alice", "op set mode +o alice" },
    { NATTER_MESSAGE_TOPIC, "alice", "new <topic>", "alice changed the topic to: new <topic>" },
    { NATTER_MESSAGE_TOPIC, NULL, "the topic", "Topic: the topic" },
    { NATTER_MESSAGE_SERVER, "irc.example", "MOTD line", "MOTD line" },
    { NATTER_MESSAGE_ERROR, NULL, "No such nick", "No such nick" },
    { NATTER_MESSAGE_STATUS, NULL, "Connecting…", "Connecting…" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (int dark = 0; dark < 2; dark++)
      {
        g_autoptr (NatterMessage) msg = natter_message_new (cases[i].kind, base_ms, cases[i].nick,
                                                            cases[i].text, 0);
        g_autofree char *plain = checked_markup (msg, "me", dark);
        g_autofree char *time = natter_message_format_time (msg);

        /* "HH:MM  " then the line. */
        g_assert_true (g_str_has_prefix (plain, time));
        g_assert_cmpstr (plain + strlen (time) + 2, ==, cases[i].expect);
      }

  /* Nick colour, link and mention highlight reach the markup. */
  {
    g_autoptr (NatterMessage) msg = natter_message_new (NATTER_MESSAGE_PRIVMSG, base_ms, "alice",
                                                        "me: see https://example.org/x?a=1&b=2", 0);
    g_autofree char *markup = natter_message_row_markup (msg, "me", FALSE);
    g_autofree char *plain = checked_markup (msg, "me", FALSE);
    g_autofree char *color = g_strdup_printf ("foreground=\"%s\"", natter_nick_color ("alice", FALSE));

    g_assert_nonnull (strstr (markup, color));
    g_assert_nonnull (strstr (markup, "<a href=\"https://example.org/x?a=1&amp;b=2\""));
    g_assert_nonnull (strstr (markup, "background="));
    g_assert_null (strstr (plain, "<alice>"));
  }
  /* Our own messages never highlight our nick. */
  {
    g_autoptr (NatterMessage) msg = natter_message_new (NATTER_MESSAGE_PRIVMSG, base_ms, "me",
                                                        "me again", NATTER_MESSAGE_FLAG_SELF);
    g_autofree char *markup = natter_message_row_markup (msg, "me", FALSE);

    g_assert_null (strstr (markup, "background="));
  }
  /* Dark and light use different nick colours and error colours. */
  {
    g_autoptr (NatterMessage) msg = natter_message_new (NATTER_MESSAGE_ERROR, base_ms, NULL, "oops", 0);
    g_autofree char *light = natter_message_row_markup (msg, NULL, FALSE);
    g_autofree char *dark = natter_message_row_markup (msg, NULL, TRUE);

    g_assert_cmpstr (light, !=, dark);
  }
  /* Broken IRC formatting and invalid UTF-8 still give valid markup. */
  {
    g_autoptr (NatterMessage) msg = natter_message_new (NATTER_MESSAGE_ACTION, base_ms, "a<b",
                                                        "\x02" "bold \x03" "4,red \xff\xfe <i>", 0);
    g_autofree char *plain = checked_markup (msg, "me", TRUE);

    g_assert_nonnull (strstr (plain, "a<b"));
  }
}

static void
test_row_day (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_local (2026, 11, 25, 15, 0, 0);
  g_autoptr (GDateTime) today = g_date_time_new_local (2026, 11, 25, 0, 5, 0);
  g_autoptr (GDateTime) yesterday = g_date_time_new_local (2026, 11, 24, 23, 59, 0);
  g_autoptr (GDateTime) older = g_date_time_new_local (2026, 11, 23, 12, 0, 0);
  g_autofree char *s1 = natter_message_row_format_day (g_date_time_to_unix (today) * 1000, now);
  g_autofree char *s2 = natter_message_row_format_day (g_date_time_to_unix (yesterday) * 1000, now);
  g_autofree char *s3 = natter_message_row_format_day (g_date_time_to_unix (older) * 1000, now);

  g_assert_cmpstr (s1, ==, "Today");
  g_assert_cmpstr (s2, ==, "Yesterday");
  g_assert_cmpstr (s3, ==, "Monday 23 November 2026");

  {
    g_autoptr (NatterMessage) day = natter_message_new (NATTER_MESSAGE_DAY, g_get_real_time () / 1000,
                                                        NULL, NULL, 0);
    g_autofree char *plain = checked_markup (day, NULL, FALSE);

    g_assert_cmpstr (plain, ==, "Today");
  }
}

static gboolean
has_class (GtkWidget *w, const char *c)
{
  return gtk_widget_has_css_class (w, c);
}

static void
on_text_read (GObject *source, GAsyncResult *result, gpointer data)
{
  char **out = data;

  *out = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  if (*out == NULL)
    *out = g_strdup ("(null)");
}

static void
test_row_widget (void)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  NatterMessageRow *row = NATTER_MESSAGE_ROW (natter_message_row_new ());
  g_autoptr (NatterMessage) unread = natter_message_new (NATTER_MESSAGE_PRIVMSG, base_ms, "alice",
                                                         "hey me", NATTER_MESSAGE_FLAG_UNREAD |
                                                         NATTER_MESSAGE_FLAG_MENTION);
  g_autoptr (NatterMessage) join = natter_message_new (NATTER_MESSAGE_JOIN, base_ms, "bob", NULL, 0);
  GtkLabel *label = natter_message_row_get_label (row);
  g_autofree char *expect_light = natter_message_row_markup (unread, "me", FALSE);
  g_autofree char *expect_dark = natter_message_row_markup (unread, "me", TRUE);
  char *copied = NULL;

  gtk_window_set_child (window, GTK_WIDGET (row));
  gtk_window_present (window);

  natter_message_row_set_message (row, unread, "me", FALSE);
  g_assert_true (has_class (GTK_WIDGET (row), "unread-marker"));
  g_assert_true (has_class (GTK_WIDGET (row), "mention"));
  g_assert_cmpstr (gtk_label_get_label (label), ==, expect_light);
  g_assert_false (gtk_label_get_selectable (label));
  g_assert_true (gtk_label_get_wrap (label));
  g_assert_cmpint (gtk_label_get_wrap_mode (label), ==, PANGO_WRAP_WORD_CHAR);

  natter_message_row_refresh (row, "me", TRUE);
  g_assert_cmpstr (gtk_label_get_label (label), ==, expect_dark);

  /* A recycled row drops the classes of what it showed before. */
  natter_message_row_set_message (row, join, "me", FALSE);
  g_assert_false (has_class (GTK_WIDGET (row), "unread-marker"));
  g_assert_false (has_class (GTK_WIDGET (row), "mention"));
  g_assert_true (has_class (GTK_WIDGET (row), "event"));

  /* "Copy Message" puts the plain line on the clipboard. */
  natter_message_row_set_message (row, unread, "me", FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "row.copy", NULL));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (row)), NULL, on_text_read, &copied);
  for (int i = 0; i < 500 && copied == NULL; i++)
    spin (10);
  g_assert_cmpstr (copied, ==, "<alice> hey me");
  g_free (copied);

  natter_message_row_set_message (row, NULL, NULL, FALSE);
  g_assert_null (natter_message_row_get_message (row));
  g_assert_false (has_class (GTK_WIDGET (row), "unread-marker"));
  gtk_window_destroy (window);
  spin (20);
}

/* ---- scrolling ------------------------------------------------------------ */

static void
append_n (NatterMessageModel *model, guint n, const char *tag)
{
  g_autoptr (GPtrArray) msgs = make_messages (n, tag);

  natter_message_model_append_many (model, (NatterMessage **) msgs->pdata, msgs->len);
}

static gboolean
visible_contains (NatterMessageView *view, NatterMessage *msg)
{
  g_autoptr (GPtrArray) vis = visible_messages (view);

  return g_ptr_array_find (vis, msg, NULL);
}

static void
test_view_sticking (void)
{
  g_autoptr (NatterMessageModel) model = make_model (3000, "base");
  GtkAdjustment *adj;
  Fixture f = { 0 };
  double value;
  NatterMessage *top;

  fixture_open (&f, model);
  adj = natter_message_view_get_vadjustment (f.view);

  /* Starts at the newest message. */
  g_assert_true (natter_message_view_is_at_bottom (f.view));
  g_assert_true (geometric_bottom (f.view));
  g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, 10 * gtk_adjustment_get_page_size (adj));
  g_assert_true (visible_contains (f.view, natter_message_model_get_last (model)));

  /* Appends at the bottom follow, one or many. */
  natter_message_model_append (model, msg_new (NATTER_MESSAGE_PRIVMSG, "bob", "one more", 0));
  settle (f.view);
  g_assert_true (natter_message_view_is_at_bottom (f.view));
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (adj),
                                  gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj), 1.0);
  g_assert_true (visible_contains (f.view, natter_message_model_get_last (model)));

  append_n (model, 40, "burst");
  settle (f.view);
  g_assert_true (natter_message_view_is_at_bottom (f.view));
  g_assert_true (geometric_bottom (f.view));
  g_assert_true (visible_contains (f.view, natter_message_model_get_last (model)));

  /* A smaller view (window resize) keeps the bottom. */
  gtk_widget_set_size_request (f.filler, -1, 250);
  settle (f.view);
  g_assert_true (geometric_bottom (f.view));
  g_assert_true (visible_contains (f.view, natter_message_model_get_last (model)));
  gtk_widget_set_size_request (f.filler, -1, -1);
  settle (f.view);
  g_assert_true (geometric_bottom (f.view));
  g_assert_true (visible_contains (f.view, natter_message_model_get_last (model)));

  /* Scrolled up: appends never move the view. */
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) / 2);
  settle (f.view);
  g_assert_false (natter_message_view_is_at_bottom (f.view));
  value = gtk_adjustment_get_value (adj);
  top = message_at (f.view, 1);
  g_assert_nonnull (top);
  append_n (model, 200, "while-away");
  settle (f.view);
  g_assert_false (natter_message_view_is_at_bottom (f.view));
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (adj), value, 1.0);
  g_assert_true (message_at (f.view, 1) == top);
  g_assert_false (visible_contains (f.view, natter_message_model_get_last (model)));

  /* PgDn/PgUp move by about a page. */
  natter_message_view_page (f.view, 1);
  settle (f.view);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, value + gtk_adjustment_get_page_size (adj) / 2);
  value = gtk_adjustment_get_value (adj);
  natter_message_view_page (f.view, -1);
  settle (f.view);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), <, value - gtk_adjustment_get_page_size (adj) / 2);
  g_assert_false (natter_message_view_is_at_bottom (f.view));

  /* The top asks for older messages. */
  f.load_older = 0;
  gtk_adjustment_set_value (adj, 0);
  settle (f.view);
  g_assert_cmpuint (f.load_older, >=, 1);
  g_assert_false (natter_message_view_is_at_bottom (f.view));

  /* A page of older messages put in front keeps what is on screen. */
  top = message_at (f.view, 1);
  g_assert_nonnull (top);
  {
    g_autoptr (GPtrArray) older = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < 500; i++)
      {
        g_autofree char *text = g_strdup_printf ("older %u", i);
        g_ptr_array_add (older, natter_message_new (NATTER_MESSAGE_PRIVMSG, base_ms - 1000000 + i,
                                                    "erin", text, NATTER_MESSAGE_FLAG_HISTORY));
      }
    f.load_older = 0;
    natter_message_model_prepend_many (model, (NatterMessage **) older->pdata, older->len);
  }
  settle (f.view);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, 500 * 10.0);
  g_assert_true (visible_contains (f.view, top));
  g_assert_false (natter_message_view_is_at_bottom (f.view));
  /* Not at the top any more: nothing more is asked for. */
  g_assert_cmpuint (f.load_older, ==, 0);

  /* Back to the bottom: sticking again. */
  natter_message_view_scroll_to_bottom (f.view);
  settle (f.view);
  g_assert_true (natter_message_view_is_at_bottom (f.view));
  g_assert_true (geometric_bottom (f.view));
  append_n (model, 3, "after");
  settle (f.view);
  g_assert_true (geometric_bottom (f.view));
  g_assert_true (visible_contains (f.view, natter_message_model_get_last (model)));

  /* Scrolling to the bottom by hand sticks too. */
  gtk_adjustment_set_value (adj, 100);
  settle (f.view);
  g_assert_false (natter_message_view_is_at_bottom (f.view));
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  settle (f.view);
  g_assert_true (natter_message_view_is_at_bottom (f.view));
  append_n (model, 3, "after2");
  settle (f.view);
  g_assert_true (geometric_bottom (f.view));

  fixture_close (&f);
}

static void
test_view_short_content (void)
{
  g_autoptr (NatterMessageModel) model = make_model (3, "short");
  Fixture f = { 0 };

  /* Three lines do not fill the view: the owner is asked for history once. */
  fixture_open (&f, model);
  g_assert_cmpuint (f.load_older, ==, 1);
  append_n (model, 2, "more");
  settle (f.view);
  g_assert_cmpuint (f.load_older, ==, 1);
  g_assert_true (natter_message_view_is_at_bottom (f.view));
  fixture_close (&f);
}

static guint
count_events (GListModel *m)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (m); i++)
    {
      g_autoptr (NatterMessage) msg = g_list_model_get_item (m, i);
      n += natter_message_is_event (msg);
    }
  return n;
}

static void
test_view_events (void)
{
  g_autoptr (NatterMessageModel) model = make_model (3000, "ev");
  GListModel *shown;
  Fixture f = { 0 };
  guint total, events;

  fixture_open (&f, model);
  shown = G_LIST_MODEL (gtk_list_view_get_model (list_of (f.view)));
  total = g_list_model_get_n_items (G_LIST_MODEL (model));
  events = count_events (G_LIST_MODEL (model));
  g_assert_cmpuint (events, >=, 290);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, total);

  natter_message_view_set_show_events (f.view, FALSE);
  settle (f.view);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, total - events);
  g_assert_cmpuint (count_events (shown), ==, 0);
  g_assert_true (geometric_bottom (f.view));
  {
    g_autoptr (GPtrArray) vis = visible_messages (f.view);

    g_assert_cmpuint (vis->len, >, 5);
    for (guint i = 0; i < vis->len; i++)
      g_assert_false (natter_message_is_event (vis->pdata[i]));
  }
  /* New joins stay hidden too. */
  natter_message_model_append (model, msg_new (NATTER_MESSAGE_JOIN, "zed", NULL, 0));
  settle (f.view);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, total - events);

  natter_message_view_set_show_events (f.view, TRUE);
  settle (f.view);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, total + 1);
  g_assert_true (geometric_bottom (f.view));
  g_assert_true (visible_contains (f.view, natter_message_model_get_last (model)));
  fixture_close (&f);
}

static void
test_view_switch_models (void)
{
  g_autoptr (NatterMessageModel) a = make_model (3000, "A");
  g_autoptr (NatterMessageModel) b = make_model (2000, "B");
  GtkAdjustment *adj;
  NatterMessage *anchor;
  Fixture f = { 0 };

  fixture_open (&f, a);
  adj = natter_message_view_get_vadjustment (f.view);
  g_assert_true (geometric_bottom (f.view));

  /* A model seen for the first time opens at its bottom. */
  natter_message_view_set_model (f.view, b);
  settle (f.view);
  g_assert_true (natter_message_view_get_model (f.view) == b);
  g_assert_true (natter_message_view_is_at_bottom (f.view));
  g_assert_true (geometric_bottom (f.view));
  g_assert_true (visible_contains (f.view, natter_message_model_get_last (b)));

  /* Scroll b up, leave, come back: the same rows are on screen. */
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) * 0.4);
  settle (f.view);
  g_assert_false (natter_message_view_is_at_bottom (f.view));
  anchor = message_at (f.view, gtk_widget_get_height (GTK_WIDGET (list_of (f.view))) - 3);
  g_assert_nonnull (anchor);

  natter_message_view_set_model (f.view, a);
  settle (f.view);
  g_assert_true (natter_message_view_is_at_bottom (f.view));
  g_assert_true (geometric_bottom (f.view));
  g_assert_true (visible_contains (f.view, natter_message_model_get_last (a)));
  append_n (b, 10, "B-meanwhile");

  natter_message_view_set_model (f.view, b);
  settle (f.view);
  g_assert_false (natter_message_view_is_at_bottom (f.view));
  g_assert_false (geometric_bottom (f.view));
  g_assert_true (visible_contains (f.view, anchor));

  /* a was left at the bottom and has news: it opens at its new bottom. */
  append_n (a, 10, "A-meanwhile");
  natter_message_view_set_model (f.view, a);
  settle (f.view);
  g_assert_true (natter_message_view_is_at_bottom (f.view));
  g_assert_true (geometric_bottom (f.view));
  g_assert_true (visible_contains (f.view, natter_message_model_get_last (a)));

  natter_message_view_set_model (f.view, NULL);
  settle (f.view);
  g_assert_null (natter_message_view_get_model (f.view));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (list_of (f.view)))), ==, 0);
  fixture_close (&f);
}

static void
test_view_dark_and_nick (void)
{
  g_autoptr (NatterMessageModel) model = natter_message_model_new ();
  AdwStyleManager *sm = adw_style_manager_get_default ();
  Fixture f = { 0 };
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  NatterMessageRow *row = NULL;
  NatterMessage *msg;

  natter_message_model_append (model, msg_new (NATTER_MESSAGE_PRIVMSG, "alice", "hello you", 0));
  msg = natter_message_model_get_last (model);
  adw_style_manager_set_color_scheme (sm, ADW_COLOR_SCHEME_FORCE_LIGHT);
  fixture_open (&f, model);

  collect_rows (GTK_WIDGET (list_of (f.view)), rows);
  for (guint i = 0; i < rows->len; i++)
    if (natter_message_row_get_message (rows->pdata[i]) == msg)
      row = rows->pdata[i];
  g_assert_nonnull (row);

  {
    g_autofree char *light = natter_message_row_markup (msg, "me", FALSE);
    g_assert_cmpstr (gtk_label_get_label (natter_message_row_get_label (row)), ==, light);
  }
  adw_style_manager_set_color_scheme (sm, ADW_COLOR_SCHEME_FORCE_DARK);
  settle (f.view);
  g_assert_true (adw_style_manager_get_dark (sm));
  {
    g_autofree char *dark = natter_message_row_markup (msg, "me", TRUE);
    g_assert_cmpstr (gtk_label_get_label (natter_message_row_get_label (row)), ==, dark);
  }
  /* A new nick re-highlights the rows on screen. */
  natter_message_view_set_nick (f.view, "you");
  {
    g_autofree char *dark = natter_message_row_markup (msg, "you", TRUE);
    g_assert_cmpstr (gtk_label_get_label (natter_message_row_get_label (row)), ==, dark);
    g_assert_nonnull (strstr (dark, "background="));
  }
  adw_style_manager_set_color_scheme (sm, ADW_COLOR_SCHEME_DEFAULT);
  fixture_close (&f);
}

/* Rows the list tears down (a long chat followed by a short one needs far
 * fewer) must be forgotten: a later nick change or dark/light switch
 * re-renders the rows the view keeps, and a torn-down one would be freed
 * memory. */
static void
on_row_gone (gpointer data, GObject *where_the_row_was)
{
  (*(guint *) data)++;
}

static void
test_view_rows_torn_down (void)
{
  g_autoptr (NatterMessageModel) big = make_model (3000, "big");
  g_autoptr (NatterMessageModel) small = make_model (2, "small");
  AdwStyleManager *sm = adw_style_manager_get_default ();
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  guint gone = 0;
  Fixture f = { 0 };

  fixture_open (&f, big);
  collect_rows (GTK_WIDGET (list_of (f.view)), rows);
  g_assert_cmpuint (rows->len, >, 10);
  for (guint i = 0; i < rows->len; i++)
    g_object_weak_ref (rows->pdata[i], on_row_gone, &gone);

  natter_message_view_set_model (f.view, small);
  settle (f.view);
  natter_message_view_set_model (f.view, NULL);
  settle (f.view);
  /* The point of the test: rows really were destroyed. */
  g_assert_cmpuint (gone, >, 0);

  natter_message_view_set_nick (f.view, "someone-else");
  adw_style_manager_set_color_scheme (sm, ADW_COLOR_SCHEME_FORCE_DARK);
  settle (f.view);
  adw_style_manager_set_color_scheme (sm, ADW_COLOR_SCHEME_DEFAULT);
  natter_message_view_set_model (f.view, big);
  settle (f.view);
  natter_message_view_set_nick (f.view, "me");
  fixture_close (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return 77;
    }
  adw_init ();
  base_ms = g_get_real_time () / 1000 - 3600 * 1000;

  g_test_add_func ("/message-row/markup", test_row_markup);
  g_test_add_func ("/message-row/day", test_row_day);
  g_test_add_func ("/message-row/widget", test_row_widget);
  g_test_add_func ("/message-view/sticking", test_view_sticking);
  g_test_add_func ("/message-view/short-content", test_view_short_content);
  g_test_add_func ("/message-view/events", test_view_events);
  g_test_add_func ("/message-view/switch-models", test_view_switch_models);
  g_test_add_func ("/message-view/dark-and-nick", test_view_dark_and_nick);
  g_test_add_func ("/message-view/rows-torn-down", test_view_rows_torn_down);
  return g_test_run ();
}
