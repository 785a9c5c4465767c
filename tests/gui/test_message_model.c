/* NatterMessage, NatterMember and NatterMessageModel: day separators in local
 * time (appends, prepended pages, the boundary between them, midnight), one
 * items-changed per call with the right numbers, the read marker, find and
 * clear, and 100,000 messages in one signal. Times are built with
 * g_date_time_new_local, so the checks hold in any time zone. */
#include <glib.h>
#include <string.h>

#include "natter-member.h"
#include "natter-message-model.h"

typedef struct
{
  guint calls;
  guint position;
  guint removed;
  guint added;
  guint n_items_seen;   /* the model's size as the handler saw it */
} Changes;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  Changes *c = user_data;

  c->calls++;
  c->position = position;
  c->removed = removed;
  c->added = added;
  c->n_items_seen = g_list_model_get_n_items (model);
}

static void
watch (NatterMessageModel *model,
       Changes            *c)
{
  memset (c, 0, sizeof *c);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), c);
}

static void
reset (Changes *c)
{
  memset (c, 0, sizeof *c);
}

static void
assert_change (const Changes *c,
               guint          position,
               guint          removed,
               guint          added)
{
  g_assert_cmpuint (c->calls, ==, 1);
  g_assert_cmpuint (c->position, ==, position);
  g_assert_cmpuint (c->removed, ==, removed);
  g_assert_cmpuint (c->added, ==, added);
}

/* ms since the epoch of a local wall-clock time. */
static gint64
local_ms (int y, int mo, int d, int h, int mi, double s)
{
  g_autoptr (GDateTime) dt = g_date_time_new_local (y, mo, d, h, mi, s);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt) * 1000 + (gint64)(g_date_time_get_microsecond (dt) / 1000);
}

static guint
day_key (gint64 ms)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000));
  int y, m, d;

  g_date_time_get_ymd (dt, &y, &m, &d);
  return (guint)(y * 10000 + m * 100 + d);
}

static NatterMessage *
msg_at (gint64 ms, const char *text)
{
  return natter_message_new (NATTER_MESSAGE_PRIVMSG, ms, "alice", text, NATTER_MESSAGE_FLAG_NONE);
}

static NatterMessage *
item (NatterMessageModel *model, guint i)
{
  /* The model keeps its own reference; tests only peek. */
  NatterMessage *m = g_list_model_get_item (G_LIST_MODEL (model), i);

  g_assert_nonnull (m);
  g_object_unref (m);
  return m;
}

static gboolean
is_day (NatterMessage *m)
{
  return natter_message_get_kind (m) == NATTER_MESSAGE_DAY;
}

/* Separators exactly where the local day changes, each dated like the
 * message after it, none doubled, none last. Returns how many. */
static guint
check_invariant (NatterMessageModel *model)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));
  guint seps = 0;
  guint prev_day = 0;

  if (n == 0)
    {
      g_assert_cmpuint (natter_message_model_get_n_messages (model), ==, 0);
      return 0;
    }

  g_assert_true (is_day (item (model, 0)));
  g_assert_false (is_day (item (model, n - 1)));
  for (guint i = 0; i < n; i++)
    {
      NatterMessage *m = item (model, i);

      if (is_day (m))
        {
          NatterMessage *next = item (model, i + 1);

          g_assert_false (is_day (next));
          g_assert_cmpuint (day_key (natter_message_get_time (m)), ==,
                            day_key (natter_message_get_time (next)));
          g_assert_cmpuint (day_key (natter_message_get_time (next)), !=, prev_day);
          g_assert_nonnull (natter_message_get_text (m));
          g_assert_cmpstr (natter_message_get_text (m), !=, "");
          seps++;
        }
      else
        {
          if (i > 0 && !is_day (item (model, i - 1)))
            g_assert_cmpuint (day_key (natter_message_get_time (m)), ==, prev_day);
          prev_day = day_key (natter_message_get_time (m));
        }
    }
  g_assert_cmpuint (natter_message_model_get_n_messages (model), ==, n - seps);

  return seps;
}

/* ---- NatterMessage / NatterMember -------------------------------------------- */

static void
test_message_basics (void)
{
  gint64 t = local_ms (2024, 3, 9, 7, 5, 30);
  g_autoptr (NatterMessage) m = natter_message_new (NATTER_MESSAGE_PRIVMSG, t, "alice", "hi there",
                                                    NATTER_MESSAGE_FLAG_SELF);
  g_autoptr (NatterMessage) m2 = natter_message_new (NATTER_MESSAGE_ACTION, t, "alice", "waves",
                                                     NATTER_MESSAGE_FLAG_NONE);
  g_autofree char *time = natter_message_format_time (m);
  g_autofree char *plain = natter_message_to_plain (m);

  g_assert_cmpint (natter_message_get_kind (m), ==, NATTER_MESSAGE_PRIVMSG);
  g_assert_cmpint (natter_message_get_time (m), ==, t);
  g_assert_cmpstr (natter_message_get_nick (m), ==, "alice");
  /* Nicks are interned: one copy for the whole channel. */
  g_assert_true (natter_message_get_nick (m) == natter_message_get_nick (m2));
  g_assert_cmpstr (natter_message_get_text (m), ==, "hi there");
  g_assert_cmpstr (time, ==, "07:05");
  g_assert_cmpstr (plain, ==, "<alice> hi there");

  g_assert_true (natter_message_has_flag (m, NATTER_MESSAGE_FLAG_SELF));
  g_assert_false (natter_message_has_flag (m, NATTER_MESSAGE_FLAG_UNREAD));
  natter_message_set_flag (m, NATTER_MESSAGE_FLAG_UNREAD, TRUE);
  g_assert_cmpint (natter_message_get_flags (m), ==,
                   NATTER_MESSAGE_FLAG_SELF | NATTER_MESSAGE_FLAG_UNREAD);
  natter_message_set_flag (m, NATTER_MESSAGE_FLAG_SELF, FALSE);
  g_assert_cmpint (natter_message_get_flags (m), ==, NATTER_MESSAGE_FLAG_UNREAD);

  g_assert_cmpint (natter_message_get_id (m), ==, 0);
  natter_message_set_id (m, 42);
  g_assert_cmpint (natter_message_get_id (m), ==, 42);

  {
    g_autoptr (NatterMessage) late = natter_message_new (NATTER_MESSAGE_STATUS,
                                                         local_ms (2024, 3, 9, 23, 59, 59.9),
                                                         NULL, NULL, 0);
    g_autofree char *s = natter_message_format_time (late);
    g_autofree char *p = natter_message_to_plain (late);

    g_assert_cmpstr (s, ==, "23:59");
    g_assert_null (natter_message_get_nick (late));
    g_assert_null (natter_message_get_text (late));
    g_assert_cmpstr (p, ==, "");
  }
}

static void
test_message_plain_and_events (void)
{
  static const struct {
    NatterMessageKind kind;
    const char *nick;
    const char *text;
    const char *plain;
    gboolean event;
  } cases[] = {
    { NATTER_MESSAGE_PRIVMSG, "alice", "hello", "<alice> hello", FALSE },
    { NATTER_MESSAGE_ACTION,  "alice", "waves", "* alice waves", FALSE },
    { NATTER_MESSAGE_NOTICE,  "srv",   "note",  "-srv- note", FALSE },
    { NATTER_MESSAGE_JOIN,    "bob",   NULL,    "bob joined", TRUE },
    { NATTER_MESSAGE_PART,    "bob",   "bye",   "bob left (bye)", TRUE },
    { NATTER_MESSAGE_PART,    "bob",   "",      "bob left", TRUE },
    { NATTER_MESSAGE_QUIT,    "bob",   "Ping timeout", "bob quit (Ping timeout)", TRUE },
    { NATTER_MESSAGE_KICK,    "op",    "bob spamming links", "bob was removed by op (spamming links)", FALSE },
    { NATTER_MESSAGE_KICK,    "op",    "bob",   "bob was removed by op", FALSE },
    { NATTER_MESSAGE_NICK,    "bob",   "robert", "bob is now known as robert", TRUE },
    { NATTER_MESSAGE_TOPIC,   "alice", "Welcome", "alice changed the topic to: Welcome", FALSE },
    { NATTER_MESSAGE_TOPIC,   NULL,    "Welcome", "Topic: Welcome", FALSE },
    { NATTER_MESSAGE_MODE,    "op",    "+o bob", "op set mode +o bob", TRUE },
    { NATTER_MESSAGE_SERVER,  NULL,    "Message of the day", "Message of the day", FALSE },
    { NATTER_MESSAGE_ERROR,   NULL,    "No such nick", "No such nick", FALSE },
    { NATTER_MESSAGE_STATUS,  NULL,    "Connecting…", "Connecting…", FALSE },
    /* Copying gives what the row shows, not the formatting codes. */
    { NATTER_MESSAGE_PRIVMSG, "alice", "\x02" "bold\x02 and \x03" "04red\x0f", "<alice> bold and red", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (NatterMessage) m = natter_message_new (cases[i].kind, 0, cases[i].nick, cases[i].text, 0);
      g_autofree char *plain = natter_message_to_plain (m);

      g_assert_cmpstr (plain, ==, cases[i].plain);
      g_assert_cmpint (natter_message_is_event (m), ==, cases[i].event);
    }
}

static void
test_member (void)
{
  g_autoptr (NatterMember) op = natter_member_new ("Alice", "@+", FALSE);
  g_autoptr (NatterMember) plain = natter_member_new ("bob", NULL, TRUE);
  g_autofree char *nick = NULL;

  g_assert_cmpstr (natter_member_get_nick (op), ==, "Alice");
  g_assert_cmpstr (natter_member_get_prefixes (op), ==, "@+");
  g_assert_false (natter_member_get_away (op));
  g_assert_cmpstr (natter_member_get_nick (plain), ==, "bob");
  g_assert_cmpstr (natter_member_get_prefixes (plain), ==, "");
  g_assert_true (natter_member_get_away (plain));

  /* The property is there for GtkStringFilter / expressions. */
  g_object_get (op, "nick", &nick, NULL);
  g_assert_cmpstr (nick, ==, "Alice");
}

/* ---- the model -------------------------------------------------------------- */

static void
test_list_model_interface (void)
{
  g_autoptr (NatterMessageModel) model = natter_message_model_new ();
  g_autoptr (NatterMessage) m = msg_at (local_ms (2024, 1, 2, 10, 0, 0), "x");

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == NATTER_TYPE_MESSAGE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 0));
  g_assert_null (natter_message_model_get_first (model));
  g_assert_null (natter_message_model_get_last (model));

  natter_message_model_append (model, m);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 2));
  g_assert_true (item (model, 1) == m);
  /* The model holds its own reference. */
  g_assert_cmpuint (G_OBJECT (m)->ref_count, ==, 2);
}

static void
test_append_day_separators (void)
{
  g_autoptr (NatterMessageModel) model = natter_message_model_new ();
  g_autoptr (NatterMessage) a = msg_at (local_ms (2024, 3, 9, 10, 0, 0), "a");
  g_autoptr (NatterMessage) b = msg_at (local_ms (2024, 3, 9, 18, 30, 0), "b");
  g_autoptr (NatterMessage) c = msg_at (local_ms (2024, 3, 9, 23, 59, 59.999), "c");
  g_autoptr (NatterMessage) d = msg_at (local_ms (2024, 3, 10, 0, 0, 0), "d");
  g_autoptr (NatterMessage) e = msg_at (local_ms (2024, 3, 12, 8, 0, 0), "e");
  Changes ch;
  NatterMessage *sep;

  watch (model, &ch);

  natter_message_model_append (model, a);
  assert_change (&ch, 0, 0, 2);   /* separator + a */
  g_assert_cmpuint (ch.n_items_seen, ==, 2);
  sep = item (model, 0);
  g_assert_true (is_day (sep));
  g_assert_cmpint (natter_message_get_time (sep), ==, local_ms (2024, 3, 9, 0, 0, 0));
  g_assert_true (item (model, 1) == a);

  reset (&ch);
  natter_message_model_append (model, b);
  assert_change (&ch, 2, 0, 1);   /* same day: no separator */

  reset (&ch);
  natter_message_model_append (model, c);
  assert_change (&ch, 3, 0, 1);

  /* One millisecond later it is another day. */
  reset (&ch);
  natter_message_model_append (model, d);
  assert_change (&ch, 4, 0, 2);
  g_assert_true (is_day (item (model, 4)));
  g_assert_cmpint (natter_message_get_time (item (model, 4)), ==, local_ms (2024, 3, 10, 0, 0, 0));
  g_assert_true (item (model, 5) == d);

  /* A day with nothing in it gets no separator of its own. */
  reset (&ch);
  natter_message_model_append (model, e);
  assert_change (&ch, 6, 0, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 8);
  g_assert_cmpuint (natter_message_model_get_n_messages (model), ==, 5);
  g_assert_cmpuint (check_invariant (model), ==, 3);
  g_assert_true (natter_message_model_get_first (model) == a);
  g_assert_true (natter_message_model_get_last (model) == e);

  /* Separators are different rows with different texts. */
  g_assert_cmpstr (natter_message_get_text (item (model, 0)), !=,
                   natter_message_get_text (item (model, 4)));
}

static void
test_append_many (void)
{
  g_autoptr (NatterMessageModel) model = natter_message_model_new ();
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (NatterMessage) first = msg_at (local_ms (2023, 12, 31, 12, 0, 0), "first");
  Changes ch;

  watch (model, &ch);
  natter_message_model_append (model, first);
  reset (&ch);

  /* New Year's Eve into 2 January: two more separators, one signal. */
  g_ptr_array_add (batch, msg_at (local_ms (2023, 12, 31, 23, 0, 0), "1"));
  g_ptr_array_add (batch, msg_at (local_ms (2024, 1, 1, 0, 0, 0), "2"));
  g_ptr_array_add (batch, msg_at (local_ms (2024, 1, 1, 0, 1, 0), "3"));
  g_ptr_array_add (batch, msg_at (local_ms (2024, 1, 2, 9, 0, 0), "4"));
  natter_message_model_append_many (model, (NatterMessage **)batch->pdata, batch->len);
  assert_change (&ch, 2, 0, 6);
  g_assert_cmpuint (check_invariant (model), ==, 3);
  g_assert_cmpuint (natter_message_model_get_n_messages (model), ==, 5);

  /* Nothing to add: no signal. */
  reset (&ch);
  natter_message_model_append_many (model, NULL, 0);
  g_assert_cmpuint (ch.calls, ==, 0);
}

static void
test_prepend (void)
{
  g_autoptr (NatterMessageModel) model = natter_message_model_new ();
  g_autoptr (NatterMessage) a = msg_at (local_ms (2024, 5, 20, 9, 0, 0), "a");
  g_autoptr (NatterMessage) b = msg_at (local_ms (2024, 5, 20, 9, 5, 0), "b");
  NatterMessage *page1[] = {
    msg_at (local_ms (2024, 5, 18, 22, 0, 0), "p1"),
    msg_at (local_ms (2024, 5, 19, 23, 59, 59), "p2"),
  };
  NatterMessage *page2[] = {
    msg_at (local_ms (2024, 5, 17, 8, 0, 0), "q1"),
    msg_at (local_ms (2024, 5, 18, 0, 0, 0), "q2"),
    msg_at (local_ms (2024, 5, 18, 21, 0, 0), "q3"),
  };
  NatterMessage *old_sep;
  Changes ch;

  watch (model, &ch);
  /* Prepending to an empty model is an append. */
  {
    NatterMessage *both[] = { a, b };
    natter_message_model_prepend_many (model, both, 2);
    assert_change (&ch, 0, 0, 3);
  }

  /* The page ends the day before the model starts: both separators stay. */
  reset (&ch);
  old_sep = item (model, 0);
  natter_message_model_prepend_many (model, page1, G_N_ELEMENTS (page1));
  assert_change (&ch, 0, 0, 4);   /* sep 18th, p1, sep 19th, p2 */
  g_assert_true (item (model, 4) == old_sep);
  g_assert_true (item (model, 5) == a);
  g_assert_cmpuint (check_invariant (model), ==, 3);

  /* The page ends on the day the model starts with (the 18th): that day keeps
   * one separator, the existing one, moved to the front of the day. */
  reset (&ch);
  old_sep = item (model, 0);
  natter_message_model_prepend_many (model, page2, G_N_ELEMENTS (page2));
  /* removed: the old separator at 0; added: sep 17th, q1, sep 18th (moved), q2, q3 */
  assert_change (&ch, 0, 1, 5);
  g_assert_true (item (model, 2) == old_sep);
  g_assert_true (item (model, 3) == page2[1]);
  g_assert_true (item (model, 5) == page1[0]);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 11);
  g_assert_cmpuint (natter_message_model_get_n_messages (model), ==, 7);
  g_assert_cmpuint (check_invariant (model), ==, 4);
  g_assert_true (natter_message_model_get_first (model) == page2[0]);
  g_assert_true (natter_message_model_get_last (model) == b);

  /* A whole page on the model's first day: the separator moves to 0 again. */
  {
    NatterMessage *page3[] = {
      msg_at (local_ms (2024, 5, 17, 0, 0, 0), "r1"),
      msg_at (local_ms (2024, 5, 17, 7, 0, 0), "r2"),
    };
    reset (&ch);
    old_sep = item (model, 0);
    natter_message_model_prepend_many (model, page3, 2);
    assert_change (&ch, 0, 1, 3);
    g_assert_true (item (model, 0) == old_sep);
    g_assert_true (item (model, 1) == page3[0]);
    g_assert_cmpuint (check_invariant (model), ==, 4);
    g_object_unref (page3[0]);
    g_object_unref (page3[1]);
  }

  /* Empty pages change nothing. */
  reset (&ch);
  natter_message_model_prepend_many (model, NULL, 0);
  g_assert_cmpuint (ch.calls, ==, 0);

  /* Appending after prepends still compares with the newest message. */
  reset (&ch);
  {
    g_autoptr (NatterMessage) c = msg_at (local_ms (2024, 5, 20, 23, 0, 0), "c");
    natter_message_model_append (model, c);
    assert_change (&ch, 13, 0, 1);
  }

  for (guint i = 0; i < G_N_ELEMENTS (page1); i++)
    g_object_unref (page1[i]);
  for (guint i = 0; i < G_N_ELEMENTS (page2); i++)
    g_object_unref (page2[i]);
}

static void
test_read_marker (void)
{
  g_autoptr (NatterMessageModel) model = natter_message_model_new ();
  g_autoptr (GPtrArray) msgs = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 t0 = local_ms (2024, 2, 1, 12, 0, 0);
  NatterMessage *m3, *m4, *m8;
  Changes ch;

  for (guint i = 0; i < 10; i++)
    g_ptr_array_add (msgs, msg_at (t0 + i * 60000, "x"));
  natter_message_model_append_many (model, (NatterMessage **)msgs->pdata, msgs->len);
  m3 = msgs->pdata[3];   /* row 4 (row 0 is the separator) */
  m4 = msgs->pdata[4];
  m8 = msgs->pdata[8];
  watch (model, &ch);

  g_assert_null (natter_message_model_get_read_marker (model));

  natter_message_model_set_read_marker (model, m3);
  assert_change (&ch, 4, 1, 1);
  g_assert_true (natter_message_model_get_read_marker (model) == m3);
  g_assert_true (natter_message_has_flag (m3, NATTER_MESSAGE_FLAG_UNREAD));

  /* Same marker again: nothing to redraw. */
  reset (&ch);
  natter_message_model_set_read_marker (model, m3);
  g_assert_cmpuint (ch.calls, ==, 0);

  /* Next row: both rows in one signal. */
  reset (&ch);
  natter_message_model_set_read_marker (model, m4);
  assert_change (&ch, 4, 2, 2);
  g_assert_false (natter_message_has_flag (m3, NATTER_MESSAGE_FLAG_UNREAD));
  g_assert_true (natter_message_has_flag (m4, NATTER_MESSAGE_FLAG_UNREAD));

  /* Far apart: each row re-announced on its own, not everything between. */
  reset (&ch);
  natter_message_model_set_read_marker (model, m8);
  g_assert_cmpuint (ch.calls, ==, 2);
  g_assert_cmpuint (ch.position, ==, 9);   /* the last signal: the new row */
  g_assert_cmpuint (ch.removed, ==, 1);
  g_assert_cmpuint (ch.added, ==, 1);
  g_assert_false (natter_message_has_flag (m4, NATTER_MESSAGE_FLAG_UNREAD));
  g_assert_true (natter_message_has_flag (m8, NATTER_MESSAGE_FLAG_UNREAD));

  /* Only one message ever carries the flag. */
  for (guint i = 0; i < msgs->len; i++)
    g_assert_cmpint (natter_message_has_flag (msgs->pdata[i], NATTER_MESSAGE_FLAG_UNREAD), ==,
                     msgs->pdata[i] == m8);

  /* The marker follows its message when a page is prepended. */
  {
    g_autoptr (NatterMessage) older = msg_at (t0 - 86400000, "older");
    NatterMessage *page[] = { older };
    natter_message_model_prepend_many (model, page, 1);
    reset (&ch);
    natter_message_model_set_read_marker (model, NULL);
    assert_change (&ch, 11, 1, 1);
    g_assert_false (natter_message_has_flag (m8, NATTER_MESSAGE_FLAG_UNREAD));
    g_assert_null (natter_message_model_get_read_marker (model));
  }

  /* A separator or a stranger cannot carry the marker. */
  reset (&ch);
  natter_message_model_set_read_marker (model, item (model, 0));
  g_assert_null (natter_message_model_get_read_marker (model));
  g_assert_cmpuint (ch.calls, ==, 0);
  {
    g_autoptr (NatterMessage) stranger = msg_at (t0, "not here");
    natter_message_model_set_read_marker (model, stranger);
    g_assert_null (natter_message_model_get_read_marker (model));
    g_assert_false (natter_message_has_flag (stranger, NATTER_MESSAGE_FLAG_UNREAD));
    g_assert_cmpuint (ch.calls, ==, 0);
  }
}

static void
test_find (void)
{
  g_autoptr (NatterMessageModel) model = natter_message_model_new ();
  g_autoptr (NatterMessage) a = msg_at (local_ms (2024, 4, 1, 10, 0, 0), "a");
  g_autoptr (NatterMessage) b = msg_at (local_ms (2024, 4, 2, 10, 0, 0), "b");
  g_autoptr (NatterMessage) c = msg_at (local_ms (2024, 4, 2, 11, 0, 0), "c");
  g_autoptr (NatterMessage) stranger = msg_at (0, "?");
  NatterMessage *all[] = { a, b, c };

  natter_message_model_append_many (model, all, 3);
  g_assert_cmpuint (natter_message_model_find (model, a), ==, 1);
  g_assert_cmpuint (natter_message_model_find (model, b), ==, 3);
  g_assert_cmpuint (natter_message_model_find (model, c), ==, 4);
  g_assert_cmpuint (natter_message_model_find (model, item (model, 2)), ==, 2);
  g_assert_cmpuint (natter_message_model_find (model, stranger), ==, G_MAXUINT);
  g_assert_cmpuint (natter_message_model_find (model, NULL), ==, G_MAXUINT);
}

static void
test_clear (void)
{
  g_autoptr (NatterMessageModel) model = natter_message_model_new ();
  g_autoptr (NatterMessage) a = msg_at (local_ms (2024, 4, 1, 10, 0, 0), "a");
  g_autoptr (NatterMessage) b = msg_at (local_ms (2024, 4, 2, 10, 0, 0), "b");
  NatterMessage *all[] = { a, b };
  Changes ch;

  natter_message_model_append_many (model, all, 2);
  natter_message_model_set_read_marker (model, b);
  watch (model, &ch);

  natter_message_model_clear (model);
  assert_change (&ch, 0, 4, 0);
  g_assert_cmpuint (ch.n_items_seen, ==, 0);
  g_assert_cmpuint (natter_message_model_get_n_messages (model), ==, 0);
  g_assert_null (natter_message_model_get_read_marker (model));
  g_assert_false (natter_message_has_flag (b, NATTER_MESSAGE_FLAG_UNREAD));
  g_assert_null (natter_message_model_get_first (model));
  g_assert_cmpuint (G_OBJECT (a)->ref_count, ==, 1);

  reset (&ch);
  natter_message_model_clear (model);
  g_assert_cmpuint (ch.calls, ==, 0);

  /* Starting again, the same day gets its separator again. */
  natter_message_model_append (model, b);
  assert_change (&ch, 0, 0, 2);
  g_assert_cmpuint (check_invariant (model), ==, 1);
}

static void
test_hundred_thousand (void)
{
  g_autoptr (NatterMessageModel) model = natter_message_model_new ();
  const guint n = 100000;
  NatterMessage **msgs = g_new (NatterMessage *, n);
  gint64 t0 = local_ms (2024, 6, 1, 0, 0, 0);
  gint64 start, elapsed;
  guint seps;
  Changes ch;

  /* One message every 20 s: about 23 days. */
  for (guint i = 0; i < n; i++)
    msgs[i] = msg_at (t0 + (gint64)i * 20000, "a line of chat that is not very long");

  watch (model, &ch);
  start = g_get_monotonic_time ();
  natter_message_model_append_many (model, msgs, n);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("append_many of %u messages: %.1f ms", n, elapsed / 1000.0);

  g_assert_cmpuint (ch.calls, ==, 1);
  g_assert_cmpuint (ch.position, ==, 0);
  g_assert_cmpuint (ch.removed, ==, 0);
  g_assert_cmpuint (natter_message_model_get_n_messages (model), ==, n);
  seps = check_invariant (model);
  g_assert_cmpuint (seps, >=, 23);
  g_assert_cmpuint (seps, <=, 25);
  g_assert_cmpuint (ch.added, ==, n + seps);

  start = g_get_monotonic_time ();
  g_assert_cmpuint (natter_message_model_find (model, msgs[0]), ==, 1);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("find of the oldest of %u messages: %.2f ms", n, elapsed / 1000.0);

  for (guint i = 0; i < n; i++)
    g_object_unref (msgs[i]);
  g_free (msgs);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/message/basics", test_message_basics);
  g_test_add_func ("/message/plain-and-events", test_message_plain_and_events);
  g_test_add_func ("/member/basics", test_member);
  g_test_add_func ("/message-model/list-model", test_list_model_interface);
  g_test_add_func ("/message-model/append-day-separators", test_append_day_separators);
  g_test_add_func ("/message-model/append-many", test_append_many);
  g_test_add_func ("/message-model/prepend", test_prepend);
  g_test_add_func ("/message-model/read-marker", test_read_marker);
  g_test_add_func ("/message-model/find", test_find);
  g_test_add_func ("/message-model/clear", test_clear);
  g_test_add_func ("/message-model/100000", test_hundred_thousand);

  return g_test_run ();
}
