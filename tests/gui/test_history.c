/* NatterHistory against real SQLite files: storing and paging (oldest first,
 * ids), buffer keys taken as given, counting, full-text search (punctuation,
 * quotes, Unicode, prefixes, formatting codes, scoping, valid markup), and
 * the failures a user can meet: a full disk (the NATTER_HISTORY_MAX_PAGES
 * test hook), a read-only file, a damaged file, a directory that cannot be
 * made. Also a second connection searching from a thread while the first
 * writes, as the search dialog does. */
#include <glib.h>
#include <glib/gstdio.h>
#include <pango/pango.h>
#include <sqlite3.h>
#include <string.h>

#include "natter-history.h"
#include "scratch_dir.h"

static void remove_tree (const char *path);

static void
remove_tree_free (gpointer path)
{
  remove_tree (path);
  g_free (path);
}

/* A fresh directory, removed when the test has passed (a failing test
 * aborts first, leaving it to look at). */
static char *
history_dir (const char *name)
{
  g_autofree char *prefixed = g_strconcat ("history-", name, NULL);
  char *dir = scratch_dir (prefixed);

  g_test_queue_destroy (remove_tree_free, g_strdup (dir));
  return dir;
}

/* The 100,000-message file alone is tens of MB: do not leave it behind. */
static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      GDir *dir;
      const char *name;

      g_chmod (path, 0700);
      dir = g_dir_open (path, 0, NULL);
      while (dir && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      if (dir)
        g_dir_close (dir);
      g_rmdir (path);
    }
  else
    g_remove (path);
}

static NatterMessage *
msg (NatterMessageKind kind, gint64 t, const char *nick, const char *text)
{
  return natter_message_new (kind, t, nick, text, NATTER_MESSAGE_FLAG_NONE);
}

static GPtrArray *
make_batch (guint n, gint64 t0, const char *prefix)
{
  GPtrArray *batch = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("%s line %u", prefix, i);
      g_ptr_array_add (batch, msg (NATTER_MESSAGE_PRIVMSG, t0 + i, i % 2 ? "alice" : "bob", text));
    }

  return batch;
}

static gboolean
append (NatterHistory *h, const char *net, const char *buf, GPtrArray *batch, GError **error)
{
  return natter_history_append_many (h, net, buf, (NatterMessage **)batch->pdata, batch->len, error);
}

/* A privileged user (root) ignores file modes: read-only checks based on
 * chmod would test nothing. */
static gboolean
modes_are_enforced (const char *dir)
{
  g_autofree char *probe = g_build_filename (dir, "probe", NULL);
  gboolean enforced;
  FILE *f;

  g_assert_true (g_file_set_contents (probe, "x", 1, NULL));
  g_assert_cmpint (g_chmod (probe, 0444), ==, 0);
  f = g_fopen (probe, "r+b");
  enforced = f == NULL;
  if (f)
    fclose (f);
  g_chmod (probe, 0644);
  g_remove (probe);

  return enforced;
}

static void
test_default_path (void)
{
  g_autofree char *path = natter_history_default_path ();
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "natter", "history.db", NULL);

  g_assert_cmpstr (path, ==, expected);
}

static void
test_append_and_page (void)
{
  g_autofree char *dir = history_dir ("page");
  g_autofree char *path = g_build_filename (dir, "deeper", "natter", "history.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (NatterHistory) h = natter_history_open (path, &error);
  g_autoptr (GPtrArray) batch = make_batch (250, 1700000000000, "main");
  g_autoptr (GPtrArray) other = make_batch (10, 1700000000000, "other");
  g_autoptr (GPtrArray) loaded = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (NatterMessage) sep = natter_message_new (NATTER_MESSAGE_DAY, 0, NULL, "Monday", 0);
  gint64 before = 0;
  guint pages = 0;

  g_assert_no_error (error);
  g_assert_nonnull (h);
  g_assert_cmpstr (natter_history_get_path (h), ==, path);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  /* A separator in the batch is not stored; flags other than self/mention
   * are not either. */
  g_ptr_array_insert (batch, 100, g_object_ref (sep));
  natter_message_set_flag (batch->pdata[0], NATTER_MESSAGE_FLAG_SELF, TRUE);
  natter_message_set_flag (batch->pdata[1], NATTER_MESSAGE_FLAG_MENTION | NATTER_MESSAGE_FLAG_UNREAD, TRUE);
  g_assert_true (append (h, "libera", "#natter", batch, &error));
  g_assert_no_error (error);
  g_assert_cmpint (natter_message_get_id (sep), ==, 0);
  g_ptr_array_remove_index (batch, 100);

  for (guint i = 0; i < batch->len; i++)
    {
      g_assert_cmpint (natter_message_get_id (batch->pdata[i]), >, 0);
      if (i > 0)
        g_assert_cmpint (natter_message_get_id (batch->pdata[i]), >,
                         natter_message_get_id (batch->pdata[i - 1]));
    }

  /* Buffer keys are compared as given (the caller folds case). */
  g_assert_true (append (h, "libera", "#Natter", other, &error));
  g_assert_no_error (error);
  g_assert_cmpint (natter_history_count (h, "libera", "#natter", &error), ==, 250);
  g_assert_cmpint (natter_history_count (h, "libera", "#Natter", &error), ==, 10);
  g_assert_cmpint (natter_history_count (h, "oftc", "#natter", &error), ==, 0);
  g_assert_no_error (error);

  /* Messages that already have an id are not stored twice. */
  g_assert_true (append (h, "libera", "#natter", batch, &error));
  g_assert_cmpint (natter_history_count (h, "libera", "#natter", &error), ==, 250);

  /* Page backwards, 100 at a time: each page oldest first, pages older and
   * older, until nothing is left. */
  for (;;)
    {
      g_autoptr (GPtrArray) page = natter_history_load_before (h, "libera", "#natter", before, 100, &error);

      g_assert_no_error (error);
      g_assert_nonnull (page);
      if (page->len == 0)
        break;
      g_assert_cmpuint (page->len, <=, 100);
      for (guint i = 1; i < page->len; i++)
        g_assert_cmpint (natter_message_get_id (page->pdata[i]), >,
                         natter_message_get_id (page->pdata[i - 1]));
      if (before != 0)
        g_assert_cmpint (natter_message_get_id (g_ptr_array_index (page, page->len - 1)), <, before);
      before = natter_message_get_id (page->pdata[0]);
      for (guint i = page->len; i-- > 0;)
        g_ptr_array_insert (loaded, 0, g_object_ref (page->pdata[i]));
      pages++;
    }
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (loaded->len, ==, 250);

  for (guint i = 0; i < loaded->len; i++)
    {
      NatterMessage *a = batch->pdata[i];
      NatterMessage *b = loaded->pdata[i];

      g_assert_cmpint (natter_message_get_id (a), ==, natter_message_get_id (b));
      g_assert_cmpint (natter_message_get_kind (b), ==, NATTER_MESSAGE_PRIVMSG);
      g_assert_cmpint (natter_message_get_time (a), ==, natter_message_get_time (b));
      g_assert_cmpstr (natter_message_get_nick (a), ==, natter_message_get_nick (b));
      g_assert_cmpstr (natter_message_get_text (a), ==, natter_message_get_text (b));
      g_assert_true (natter_message_has_flag (b, NATTER_MESSAGE_FLAG_HISTORY));
      g_assert_false (natter_message_has_flag (b, NATTER_MESSAGE_FLAG_UNREAD));
    }
  g_assert_cmpint (natter_message_get_flags (loaded->pdata[0]), ==,
                   NATTER_MESSAGE_FLAG_SELF | NATTER_MESSAGE_FLAG_HISTORY);
  g_assert_cmpint (natter_message_get_flags (loaded->pdata[1]), ==,
                   NATTER_MESSAGE_FLAG_MENTION | NATTER_MESSAGE_FLAG_HISTORY);

  /* The newest page starts where the newest 100 start. */
  {
    g_autoptr (GPtrArray) newest = natter_history_load_before (h, "libera", "#natter", 0, 5, &error);
    g_assert_cmpuint (newest->len, ==, 5);
    g_assert_cmpstr (natter_message_get_text (newest->pdata[4]), ==, "main line 249");
    g_assert_cmpstr (natter_message_get_text (newest->pdata[0]), ==, "main line 245");
  }
}

static void
test_kinds_roundtrip_and_reopen (void)
{
  g_autofree char *dir = history_dir ("kinds");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  NatterHistory *h;

  for (int k = NATTER_MESSAGE_PRIVMSG; k < NATTER_MESSAGE_DAY; k++)
    g_ptr_array_add (batch, msg ((NatterMessageKind)k, 1000 + k,
                                 k == NATTER_MESSAGE_TOPIC ? NULL : "nick",
                                 k == NATTER_MESSAGE_JOIN ? NULL : "some text ✓"));

  h = natter_history_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (append (h, "net", "#c", batch, &error));
  g_assert_no_error (error);
  g_object_unref (h);

  /* Everything is still there after a restart, and the file is what the
   * schema says: version 1, WAL. */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;

    g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (st, 0), ==, 1);
    sqlite3_finalize (st);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *)sqlite3_column_text (st, 0), ==, "wal");
    sqlite3_finalize (st);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM messages WHERE network = 'net' AND buffer = '#c'",
                                         -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (st, 0), ==, (int)batch->len);
    sqlite3_finalize (st);
    sqlite3_close (db);
  }

  h = natter_history_open (path, &error);
  g_assert_no_error (error);
  {
    g_autoptr (GPtrArray) page = natter_history_load_before (h, "net", "#c", 0, 100, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (page->len, ==, batch->len);
    for (guint i = 0; i < page->len; i++)
      {
        g_assert_cmpint (natter_message_get_kind (page->pdata[i]), ==,
                         natter_message_get_kind (batch->pdata[i]));
        g_assert_cmpstr (natter_message_get_nick (page->pdata[i]), ==,
                         natter_message_get_nick (batch->pdata[i]));
        g_assert_cmpstr (natter_message_get_text (page->pdata[i]), ==,
                         natter_message_get_text (batch->pdata[i]));
      }
  }
  g_object_unref (h);
}

/* Search ------------------------------------------------------------------- */

static void
assert_valid_markup (const char *markup, const char *must_contain)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  PangoAttrList *attrs = NULL;

  g_assert_true (pango_parse_markup (markup, -1, 0, &attrs, &text, NULL, &error));
  g_assert_no_error (error);
  if (must_contain)
    g_assert_nonnull (strstr (text, must_contain));
  pango_attr_list_unref (attrs);
}

static guint
n_hits (NatterHistory *h, const char *query, const char *net, const char *buf)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) hits = natter_history_search (h, query, net, buf, 100, &error);

  g_assert_no_error (error);
  g_assert_nonnull (hits);
  for (guint i = 0; i < hits->len; i++)
    {
      NatterHistoryHit *hit = hits->pdata[i];

      assert_valid_markup (hit->snippet, NULL);
      g_assert_nonnull (hit->network);
      g_assert_nonnull (hit->buffer);
      g_assert_cmpint (natter_message_get_id (hit->message), >, 0);
      if (i > 0)   /* newest first */
        g_assert_cmpint (natter_message_get_id (hit->message), <,
                         natter_message_get_id (((NatterHistoryHit *)hits->pdata[i - 1])->message));
    }

  return hits->len;
}

static void
test_search (void)
{
  static const struct { const char *net, *buf, *nick, *text; } lines[] = {
    { "libera", "#natter", "alice", "Hello world" },
    { "libera", "#natter", "bob",   "hello-there friend" },
    { "libera", "#natter", "carol", "say \"quoted\" words" },
    { "libera", "#natter", "dave",  "Ünïcödé café naïve résumé" },
    { "libera", "#gtk",    "erin",  "C++ is (not) AND fun" },
    { "libera", "#gtk",    "frank", "colour \x03" "04,12red\x03 text and \x02" "bold\x02 words" },
    { "oftc",   "#natter", "grace", "price: $5.00 - OR NOT NEAR(x)" },
    { "oftc",   "#natter", "heidi", "a <b>tag</b> & ampersand" },
    { "oftc",   "#other",  "ivan",  "日本語のテキスト hello" },
  };
  g_autofree char *dir = history_dir ("search");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (NatterHistory) h = natter_history_open (path, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr (NatterMessage) m = msg (NATTER_MESSAGE_PRIVMSG, 1000 * i, lines[i].nick, lines[i].text);
      NatterMessage *one[] = { m };

      g_assert_true (natter_history_append_many (h, lines[i].net, lines[i].buf, one, 1, &error));
      g_assert_no_error (error);
    }

  /* Prefixes, case-insensitive, every word required. */
  g_assert_cmpuint (n_hits (h, "hel", NULL, NULL), ==, 3);
  g_assert_cmpuint (n_hits (h, "HELLO", NULL, NULL), ==, 3);
  g_assert_cmpuint (n_hits (h, "hello world", NULL, NULL), ==, 1);
  g_assert_cmpuint (n_hits (h, "hello nothing", NULL, NULL), ==, 0);
  g_assert_cmpuint (n_hits (h, "  hello   \t wor  ", NULL, NULL), ==, 1);
  g_assert_cmpuint (n_hits (h, "hello-there", NULL, NULL), ==, 1);
  g_assert_cmpuint (n_hits (h, "zzz", NULL, NULL), ==, 0);

  /* Punctuation and FTS5 syntax are just text. */
  g_assert_cmpuint (n_hits (h, "\"quoted\"", NULL, NULL), ==, 1);
  g_assert_cmpuint (n_hits (h, "\"quo", NULL, NULL), ==, 1);
  g_assert_cmpuint (n_hits (h, "C++ (not) AND", NULL, NULL), ==, 1);
  g_assert_cmpuint (n_hits (h, "OR", NULL, NULL), ==, 1);
  g_assert_cmpuint (n_hits (h, "NEAR(x)", NULL, NULL), ==, 1);
  g_assert_cmpuint (n_hits (h, "$5.00", NULL, NULL), ==, 1);
  g_assert_cmpuint (n_hits (h, "\"", NULL, NULL), ==, 0);
  g_assert_cmpuint (n_hits (h, "- ... * ^ :", NULL, NULL), ==, 0);
  g_assert_cmpuint (n_hits (h, "col:umn", NULL, NULL), ==, 0);
  g_assert_cmpuint (n_hits (h, "*", NULL, NULL), ==, 0);
  g_assert_cmpuint (n_hits (h, "", NULL, NULL), ==, 0);
  g_assert_cmpuint (n_hits (h, "   ", NULL, NULL), ==, 0);
  g_assert_cmpuint (n_hits (h, NULL, NULL, NULL), ==, 0);
  g_assert_cmpuint (n_hits (h, "\xff\xfe", NULL, NULL), ==, 0);

  /* Unicode: accents optional, non-Latin scripts. */
  g_assert_cmpuint (n_hits (h, "cafe", NULL, NULL), ==, 1);
  g_assert_cmpuint (n_hits (h, "café", NULL, NULL), ==, 1);
  g_assert_cmpuint (n_hits (h, "ÜNÏ", NULL, NULL), ==, 1);
  g_assert_cmpuint (n_hits (h, "resume naive", NULL, NULL), ==, 1);
  g_assert_cmpuint (n_hits (h, "日本語のテキスト", NULL, NULL), ==, 1);

  /* Formatting codes do not glue themselves to words. */
  g_assert_cmpuint (n_hits (h, "red", NULL, NULL), ==, 1);
  g_assert_cmpuint (n_hits (h, "bold words", NULL, NULL), ==, 1);
  g_assert_cmpuint (n_hits (h, "12red", NULL, NULL), ==, 0);

  /* Nicks are searched too. */
  g_assert_cmpuint (n_hits (h, "alice", NULL, NULL), ==, 1);
  g_assert_cmpuint (n_hits (h, "gra price", NULL, NULL), ==, 1);

  /* Scoped to a network, a buffer, or both. */
  g_assert_cmpuint (n_hits (h, "hello", "libera", NULL), ==, 2);
  g_assert_cmpuint (n_hits (h, "hello", "oftc", NULL), ==, 1);
  g_assert_cmpuint (n_hits (h, "hello", "libera", "#natter"), ==, 2);
  g_assert_cmpuint (n_hits (h, "hello", "libera", "#gtk"), ==, 0);
  g_assert_cmpuint (n_hits (h, "words", NULL, "#natter"), ==, 1);
  g_assert_cmpuint (n_hits (h, "words", NULL, NULL), ==, 2);

  /* Hits: the chat, the message, newest first, bold snippet. */
  {
    g_autoptr (GPtrArray) hits = natter_history_search (h, "hel", NULL, NULL, 100, &error);
    NatterHistoryHit *hit;

    g_assert_no_error (error);
    g_assert_cmpuint (hits->len, ==, 3);
    hit = hits->pdata[0];
    g_assert_cmpstr (hit->network, ==, "oftc");
    g_assert_cmpstr (hit->buffer, ==, "#other");
    g_assert_cmpstr (natter_message_get_nick (hit->message), ==, "ivan");
    g_assert_true (natter_message_has_flag (hit->message, NATTER_MESSAGE_FLAG_HISTORY));
    g_assert_nonnull (strstr (hit->snippet, "<b>hello</b>"));
    hit = hits->pdata[2];
    g_assert_cmpstr (natter_message_get_text (hit->message), ==, "Hello world");
    g_assert_cmpstr (hit->snippet, ==, "<b>Hello</b> world");

    /* limit */
    g_clear_pointer (&hits, g_ptr_array_unref);
    hits = natter_history_search (h, "hel", NULL, NULL, 2, &error);
    g_assert_cmpuint (hits->len, ==, 2);
  }

  /* The text's own markup-like characters are escaped; only the match is bold. */
  {
    g_autoptr (GPtrArray) hits = natter_history_search (h, "ampersand", NULL, NULL, 10, &error);
    NatterHistoryHit *hit;

    g_assert_no_error (error);
    g_assert_cmpuint (hits->len, ==, 1);
    hit = hits->pdata[0];
    g_assert_cmpstr (hit->snippet, ==, "a &lt;b&gt;tag&lt;/b&gt; &amp; <b>ampersand</b>");
    assert_valid_markup (hit->snippet, "a <b>tag</b> & ampersand");
  }

  /* The snippet of a coloured line has no control characters left. */
  {
    g_autoptr (GPtrArray) hits = natter_history_search (h, "red", NULL, NULL, 10, &error);
    NatterHistoryHit *hit = hits->pdata[0];

    g_assert_cmpstr (hit->snippet, ==, "colour <b>red</b> text and bold words");
    /* The message itself keeps its formatting for display. */
    g_assert_nonnull (strchr (natter_message_get_text (hit->message), '\x03'));
  }
}

/* Failures --------------------------------------------------------------------- */

static void
test_disk_full (void)
{
  g_autofree char *dir = history_dir ("full");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (NatterHistory) h = NULL;
  g_autoptr (GPtrArray) failed = NULL;
  gint64 stored = 0;
  guint round;

  /* 48 pages of 4 KiB: room for some of the batches below, not all. */
  g_setenv ("NATTER_HISTORY_MAX_PAGES", "48", TRUE);
  h = natter_history_open (path, &error);
  g_unsetenv ("NATTER_HISTORY_MAX_PAGES");
  g_assert_no_error (error);

  for (round = 0; round < 200; round++)
    {
      g_autofree char *prefix = g_strdup_printf ("round %u padding the database with words %s", round,
                                                 "lorem ipsum dolor sit amet consectetur adipiscing elit");
      g_autoptr (GPtrArray) batch = make_batch (40, 1000 * round, prefix);

      if (!append (h, "net", "#full", batch, &error))
        {
          failed = g_steal_pointer (&batch);
          break;
        }
      g_assert_no_error (error);
      stored += 40;
    }
  g_assert_nonnull (failed);
  g_assert_cmpuint (round, >, 0);
  g_assert_error (error, NATTER_HISTORY_ERROR, NATTER_HISTORY_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, path));
  g_test_message ("disk full after %" G_GINT64_FORMAT " messages: %s", stored, error->message);

  /* Rolled back: no message of the failed batch has an id, none is stored. */
  for (guint i = 0; i < failed->len; i++)
    g_assert_cmpint (natter_message_get_id (failed->pdata[i]), ==, 0);
  g_clear_error (&error);
  g_assert_cmpint (natter_history_count (h, "net", "#full", &error), ==, stored);
  g_assert_no_error (error);

  /* Still readable and searchable. */
  {
    g_autoptr (GPtrArray) page = natter_history_load_before (h, "net", "#full", 0, 10, &error);
    g_autoptr (GPtrArray) hits = natter_history_search (h, "padding", NULL, NULL, 5, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (page->len, ==, 10);
    g_assert_cmpuint (hits->len, ==, 5);
  }

  /* Trying again is a clean attempt (no transaction left open): the same
   * error, not "cannot start a transaction within a transaction". */
  g_assert_false (append (h, "net", "#full", failed, &error));
  g_assert_error (error, NATTER_HISTORY_ERROR, NATTER_HISTORY_ERROR_FULL);
  g_clear_error (&error);

  /* Once there is room (a connection without the cap), the same messages go
   * in, and the first connection sees them. */
  {
    g_autoptr (NatterHistory) roomy = natter_history_open (path, &error);

    g_assert_no_error (error);
    g_assert_true (append (roomy, "net", "#full", failed, &error));
    g_assert_no_error (error);
    for (guint i = 0; i < failed->len; i++)
      g_assert_cmpint (natter_message_get_id (failed->pdata[i]), >, 0);
  }
  g_assert_cmpint (natter_history_count (h, "net", "#full", &error), ==, stored + failed->len);
  g_assert_no_error (error);
}

static void
test_read_only_file (void)
{
  g_autofree char *dir = history_dir ("ro");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) batch = make_batch (5, 0, "before");
  g_autoptr (GPtrArray) more = make_batch (5, 100, "after");
  NatterHistory *h;

  h = natter_history_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (append (h, "net", "#ro", batch, &error));
  g_object_unref (h);

  if (!modes_are_enforced (dir))
    {
      g_test_skip ("running as a privileged user: file modes do not stop writes");
      return;
    }

  g_assert_cmpint (g_chmod (path, 0444), ==, 0);
  h = natter_history_open (path, &error);
  if (h == NULL)
    {
      /* Refusing at open is allowed; then it must say why, and where. */
      g_assert_error (error, NATTER_HISTORY_ERROR, NATTER_HISTORY_ERROR_READ_ONLY);
      g_assert_nonnull (strstr (error->message, path));
      g_test_message ("refused at open: %s", error->message);
    }
  else
    {
      g_autoptr (GPtrArray) page = NULL;

      g_assert_no_error (error);
      g_assert_false (append (h, "net", "#ro", more, &error));
      g_assert_error (error, NATTER_HISTORY_ERROR, NATTER_HISTORY_ERROR_READ_ONLY);
      g_assert_nonnull (strstr (error->message, path));
      g_test_message ("opened read-only, append refused: %s", error->message);
      g_clear_error (&error);
      for (guint i = 0; i < more->len; i++)
        g_assert_cmpint (natter_message_get_id (more->pdata[i]), ==, 0);

      /* The old chat can still be read. */
      page = natter_history_load_before (h, "net", "#ro", 0, 50, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (page->len, ==, 5);
      g_object_unref (h);
    }
  g_chmod (path, 0644);
}

/* Opening path must fail with a NATTER_HISTORY_ERROR (of code, or any code
 * when code < 0) whose message names the file. */
static void
assert_open_fails (const char *path, int code)
{
  g_autoptr (GError) error = NULL;
  NatterHistory *h = natter_history_open (path, &error);

  g_assert_null (h);
  if (code < 0)
    g_assert_true (error != NULL && error->domain == NATTER_HISTORY_ERROR);
  else
    g_assert_error (error, NATTER_HISTORY_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));
  g_test_message ("%s", error->message);
}

static void
test_corrupt_file (void)
{
  g_autofree char *dir = history_dir ("corrupt");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  GString *garbage = g_string_new (NULL);

  for (guint i = 0; i < 4096; i++)
    g_string_append_c (garbage, (char)(i * 7 + 13));
  g_assert_true (g_file_set_contents (path, garbage->str, (gssize)garbage->len, NULL));
  g_string_free (garbage, TRUE);

  assert_open_fails (path, NATTER_HISTORY_ERROR_CORRUPT);
}

static void
test_unusable_places (void)
{
  g_autofree char *dir = history_dir ("dirs");
  g_autoptr (GError) error = NULL;
  NatterHistory *h;

  /* The directory cannot be made: a file is in the way. */
  {
    g_autofree char *blocker = g_build_filename (dir, "not-a-dir", NULL);
    g_autofree char *path = g_build_filename (blocker, "natter", "history.db", NULL);

    g_assert_true (g_file_set_contents (blocker, "x", 1, NULL));
    assert_open_fails (path, -1);
  }

  /* The path is a directory. */
  {
    g_autofree char *path = g_build_filename (dir, "a-directory.db", NULL);

    g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
    assert_open_fails (path, -1);
  }

  /* A directory we may not write in. */
  {
    g_autofree char *locked = g_build_filename (dir, "locked", NULL);
    g_autofree char *path = g_build_filename (locked, "history.db", NULL);
    g_autofree char *nested = g_build_filename (locked, "natter", "history.db", NULL);

    if (!modes_are_enforced (dir))
      {
        g_test_skip ("running as a privileged user: directory modes do not stop writes");
        return;
      }
    g_assert_cmpint (g_mkdir (locked, 0500), ==, 0);
    assert_open_fails (path, NATTER_HISTORY_ERROR_READ_ONLY);
    h = natter_history_open (nested, &error);
    g_assert_null (h);
    g_assert_error (error, NATTER_HISTORY_ERROR, NATTER_HISTORY_ERROR_READ_ONLY);
    g_clear_error (&error);
    g_chmod (locked, 0700);
  }
}

/* Two connections, as the window and the search dialog have --------------- */

typedef struct
{
  const char *path;
  guint       searches;
  guint       max_hits;
  GError     *error;
} SearchJob;

static gpointer
search_thread (gpointer data)
{
  SearchJob *job = data;
  g_autoptr (NatterHistory) h = natter_history_open (job->path, &job->error);

  if (h == NULL)
    return NULL;
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr (GPtrArray) hits = natter_history_search (h, "concurrent", NULL, NULL, 1000, &job->error);

      if (hits == NULL)
        return NULL;
      job->max_hits = MAX (job->max_hits, hits->len);
      job->searches++;
    }
  return NULL;
}

static void
test_second_connection_in_thread (void)
{
  g_autofree char *dir = history_dir ("threads");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (NatterHistory) h = natter_history_open (path, &error);
  SearchJob job = { path, 0, 0, NULL };
  GThread *thread;

  g_assert_no_error (error);
  thread = g_thread_new ("search", search_thread, &job);
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr (GPtrArray) batch = make_batch (25, i * 100, "concurrent writes");

      g_assert_true (append (h, "net", "#t", batch, &error));
      g_assert_no_error (error);
    }
  g_thread_join (thread);

  g_assert_no_error (job.error);
  g_assert_cmpuint (job.searches, ==, 40);
  g_assert_cmpuint (job.max_hits, <=, 1000);
  g_assert_cmpint (natter_history_count (h, "net", "#t", &error), ==, 1000);
  g_assert_cmpuint (n_hits (h, "concurrent", NULL, NULL), ==, 100);   /* n_hits caps at 100 */
}

static void
test_hundred_thousand (void)
{
  g_autofree char *dir = history_dir ("big");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (NatterHistory) h = natter_history_open (path, &error);
  g_autoptr (GPtrArray) batch = make_batch (100000, 1700000000000, "a fairly ordinary line of chat number");
  gint64 start, elapsed;

  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  g_assert_true (append (h, "net", "#big", batch, &error));
  elapsed = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  g_test_message ("storing 100,000 messages in one transaction: %.0f ms", elapsed / 1000.0);

  start = g_get_monotonic_time ();
  {
    g_autoptr (GPtrArray) page = natter_history_load_before (h, "net", "#big", 50000, 200, &error);
    g_assert_cmpuint (page->len, ==, 200);
  }
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("loading a page of 200 from the middle: %.2f ms", elapsed / 1000.0);

  start = g_get_monotonic_time ();
  {
    g_autoptr (GPtrArray) hits = natter_history_search (h, "ordinary 4242", NULL, NULL, 50, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (hits->len, ==, 11);   /* 4242 and 42420..42429 */
  }
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("searching 100,000 messages: %.2f ms", elapsed / 1000.0);
  g_assert_cmpint (natter_history_count (h, "net", "#big", &error), ==, 100000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/history/default-path", test_default_path);
  g_test_add_func ("/history/append-and-page", test_append_and_page);
  g_test_add_func ("/history/kinds-and-reopen", test_kinds_roundtrip_and_reopen);
  g_test_add_func ("/history/search", test_search);
  g_test_add_func ("/history/disk-full", test_disk_full);
  g_test_add_func ("/history/read-only-file", test_read_only_file);
  g_test_add_func ("/history/corrupt-file", test_corrupt_file);
  g_test_add_func ("/history/unusable-places", test_unusable_places);
  g_test_add_func ("/history/second-connection", test_second_connection_in_thread);
  g_test_add_func ("/history/100000", test_hundred_thousand);

  return g_test_run ();
}
