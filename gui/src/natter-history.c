/* natter-history.c
 *
 * Schema (PRAGMA user_version = 1):
 *
 *   messages(id INTEGER PRIMARY KEY, network, buffer, time, kind, nick, text, flags)
 *     with an index on (network, buffer, id): paging a chat backwards is an
 *     index range scan, however big the file grows.
 *   messages_plain: a view of messages whose text has the IRC formatting
 *     codes taken out (natter_plain(), registered on every connection).
 *   messages_fts: FTS5 over (text, nick) with messages_plain as its external
 *     content, so the words are stored once, in messages. Indexing the plain
 *     text matters: "\x0304hello" must be found by "hello", and snippet()
 *     re-reads the content through the same view, so its highlight lands on
 *     the same words the index matched. Rows go in with explicit inserts
 *     rather than triggers, because a trigger calling natter_plain() would
 *     break writes from any tool that does not have the function.
 *
 * kind is stored by name ("privmsg", "join"...), not by enum value, so the
 * enum can grow without rewriting files. time is in ms since the epoch.
 *
 * Every NatterHistory has its own connection (the search dialog opens a second
 * one from a worker thread); WAL lets it read while the main thread writes,
 * and a mutex makes even a shared object safe, because a cached statement is
 * bound, stepped and reset as one unit.
 *
 * Test hook: NATTER_HISTORY_MAX_PAGES, read once at open, caps the database
 * at that many pages (PRAGMA max_page_count) so the tests can fill the "disk"
 * and check that SQLITE_FULL becomes NATTER_HISTORY_ERROR_FULL.
 */
#include "natter-history.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#define SCHEMA_VERSION 1

/* Snippet markers: private-use characters, which natter_plain() never
 * produces from IRC text and g_markup_escape_text() leaves alone. */
#define MARK_OPEN  "\xee\x80\x80"  /* U+E000 */
#define MARK_CLOSE "\xee\x80\x81"  /* U+E001 */

struct _NatterHistory
{
  GObject       parent_instance;

  GMutex        lock;
  sqlite3      *db;
  char         *path;

  sqlite3_stmt *begin;
  sqlite3_stmt *commit;
  sqlite3_stmt *rollback;
  sqlite3_stmt *insert;
  sqlite3_stmt *insert_fts;
  sqlite3_stmt *load;
  sqlite3_stmt *count;
  sqlite3_stmt *search;
};

G_DEFINE_FINAL_TYPE (NatterHistory, natter_history, G_TYPE_OBJECT)

G_DEFINE_QUARK (natter-history-error-quark, natter_history_error)

static const char * const kind_names[] = {
  [NATTER_MESSAGE_PRIVMSG] = "privmsg",
  [NATTER_MESSAGE_ACTION]  = "action",
  [NATTER_MESSAGE_NOTICE]  = "notice",
  [NATTER_MESSAGE_JOIN]    = "join",
  [NATTER_MESSAGE_PART]    = "part",
  [NATTER_MESSAGE_QUIT]    = "quit",
  [NATTER_MESSAGE_KICK]    = "kick",
  [NATTER_MESSAGE_NICK]    = "nick",
  [NATTER_MESSAGE_TOPIC]   = "topic",
  [NATTER_MESSAGE_MODE]    = "mode",
  [NATTER_MESSAGE_SERVER]  = "server",
  [NATTER_MESSAGE_ERROR]   = "error",
  [NATTER_MESSAGE_STATUS]  = "status",
  [NATTER_MESSAGE_DAY]     = "day",
};

/* Flags that describe the message itself; HISTORY and UNREAD describe how
 * this session shows it. */
#define STORED_FLAGS (NATTER_MESSAGE_FLAG_SELF | NATTER_MESSAGE_FLAG_MENTION)

static NatterMessageKind
kind_from_name (const char *name)
{
  if (name != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
      if (g_strcmp0 (kind_names[i], name) == 0)
        return (NatterMessageKind)i;

  return NATTER_MESSAGE_STATUS;
}

/* ---- errors ----------------------------------------------------------------- */

static NatterHistoryError
error_code_for (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      return NATTER_HISTORY_ERROR_FULL;
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return NATTER_HISTORY_ERROR_READ_ONLY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return NATTER_HISTORY_ERROR_CORRUPT;
    default:
      return NATTER_HISTORY_ERROR_FAILED;
    }
}

static void
set_error_code (GError             **error,
                const char          *path,
                NatterHistoryError   code,
                const char          *detail)
{
  switch (code)
    {
    case NATTER_HISTORY_ERROR_FULL:
      g_set_error (error, NATTER_HISTORY_ERROR, code,
                   _("The disk holding the chat history “%s” is full (%s)"), path, detail);
      break;
    case NATTER_HISTORY_ERROR_READ_ONLY:
      g_set_error (error, NATTER_HISTORY_ERROR, code,
                   _("The chat history “%s” cannot be written (%s)"), path, detail);
      break;
    case NATTER_HISTORY_ERROR_CORRUPT:
      g_set_error (error, NATTER_HISTORY_ERROR, code,
                   _("The chat history “%s” is damaged (%s); move it away to start a new one"),
                   path, detail);
      break;
    case NATTER_HISTORY_ERROR_FAILED:
    default:
      g_set_error (error, NATTER_HISTORY_ERROR, NATTER_HISTORY_ERROR_FAILED,
                   _("The chat history “%s” could not be used (%s)"), path, detail);
      break;
    }
}

static void
set_sqlite_error (GError     **error,
                  const char  *path,
                  int          rc,
                  const char  *detail)
{
  set_error_code (error, path, error_code_for (rc), detail ? detail : sqlite3_errstr (rc));
}

/* The connection's current error (call before anything else resets it). */
static void
set_db_error (NatterHistory  *self,
              int             rc,
              GError        **error)
{
  set_sqlite_error (error, self->path, rc, sqlite3_errmsg (self->db));
}

/* Ends a read of stmt whose last step returned rc: the error unless rc is
 * want (taken before the reset replaces it), then the statement reset and
 * unbound for its next use. Returns whether rc is want. */
static gboolean
finish_read (NatterHistory  *self,
             sqlite3_stmt   *stmt,
             int             rc,
             int             want,
             GError        **error)
{
  if (rc != want)
    set_db_error (self, rc, error);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return rc == want;
}

/* ---- natter_plain(): IRC text without formatting codes -------------------- */

/* Kept here rather than shared with natter-text.c on purpose: the search
 * index is built from this function's output, so it must not change under
 * an existing database without a schema version bump. */
static char *
history_plain_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_sized_new (strlen (valid));
  const char *p = valid;

  while (*p != '\0')
    {
      unsigned char c = (unsigned char)*p;

      switch (c)
        {
        case 0x02: case 0x0f: case 0x11: case 0x16:
        case 0x1d: case 0x1e: case 0x1f:
          p++;
          break;

        case 0x03:   /* ^C[fg[,bg]], one or two digits each */
          p++;
          if (g_ascii_isdigit (p[0]))
            {
              p += g_ascii_isdigit (p[1]) ? 2 : 1;
              if (p[0] == ',' && g_ascii_isdigit (p[1]))
                p += g_ascii_isdigit (p[2]) ? 3 : 2;
            }
          break;

        case 0x04:   /* ^D[rrggbb[,rrggbb]] */
          {
            int n = 0;

            p++;
            while (n < 6 && g_ascii_isxdigit (p[n]))
              n++;
            if (n == 6)
              {
                p += 6;
                if (p[0] == ',')
                  {
                    int m = 0;
                    while (m < 6 && g_ascii_isxdigit (p[1 + m]))
                      m++;
                    if (m == 6)
                      p += 7;
                  }
              }
          }
          break;

        default:
          /* Other control characters (CTCP's \x01, tabs...) separate words. */
          g_string_append_c (out, c < 0x20 || c == 0x7f ? ' ' : (char)c);
          p++;
          break;
        }
    }

  return g_string_free (out, FALSE);
}

static void
sql_natter_plain (sqlite3_context  *ctx,
                  int               argc,
                  sqlite3_value   **argv)
{
  const unsigned char *text;
  char *plain;

  (void)argc;
  text = sqlite3_value_text (argv[0]);
  if (text == NULL)
    {
      sqlite3_result_null (ctx);
      return;
    }

  plain = history_plain_text ((const char *)text);
  sqlite3_result_text (ctx, plain, -1, g_free);
}

/* ---- object ----------------------------------------------------------------- */

static void
natter_history_finalize (GObject *object)
{
  NatterHistory *self = (NatterHistory *)object;
  sqlite3_stmt **stmts[] = {
    &self->begin, &self->commit, &self->rollback, &self->insert,
    &self->insert_fts, &self->load, &self->count, &self->search,
  };

  for (guint i = 0; i < G_N_ELEMENTS (stmts); i++)
    g_clear_pointer (stmts[i], sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close_v2);
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (natter_history_parent_class)->finalize (object);
}

static void
natter_history_class_init (NatterHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = natter_history_finalize;
}

static void
natter_history_init (NatterHistory *self)
{
  g_mutex_init (&self->lock);
}

char *
natter_history_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "natter", "history.db", NULL);
}

const char *
natter_history_get_path (NatterHistory *self)
{
  g_return_val_if_fail (NATTER_IS_HISTORY (self), NULL);

  return self->path;
}

static gboolean
exec_sql (NatterHistory  *self,
          const char     *sql,
          GError        **error)
{
  char *msg = NULL;
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, &msg);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->path, rc, msg);
      sqlite3_free (msg);
      return FALSE;
    }

  return TRUE;
}

static gboolean
query_int (NatterHistory  *self,
           const char     *sql,
           gint64         *out,
           GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *out = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  if (rc != SQLITE_OK)
    set_db_error (self, rc, error);
  sqlite3_finalize (stmt);

  return rc == SQLITE_OK;
}

static gboolean
prepare (NatterHistory  *self,
         sqlite3_stmt  **stmt,
         const char     *sql,
         GError        **error)
{
  int rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL);

  if (rc != SQLITE_OK)
    {
      set_db_error (self, rc, error);
      return FALSE;
    }

  return TRUE;
}

static const char schema_sql[] =
  "BEGIN IMMEDIATE;"
  "CREATE TABLE IF NOT EXISTS messages ("
  "  id      INTEGER PRIMARY KEY,"
  "  network TEXT NOT NULL,"
  "  buffer  TEXT NOT NULL,"
  "  time    INTEGER NOT NULL,"
  "  kind    TEXT NOT NULL,"
  "  nick    TEXT,"
  "  text    TEXT,"
  "  flags   INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX IF NOT EXISTS messages_by_buffer ON messages (network, buffer, id);"
  "CREATE VIEW IF NOT EXISTS messages_plain AS"
  "  SELECT id, natter_plain (text) AS text, nick FROM messages;"
  "CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5 ("
  "  text, nick, content = 'messages_plain', content_rowid = 'id',"
  "  tokenize = 'unicode61 remove_diacritics 2');"
  "PRAGMA user_version = 1;"
  "COMMIT;";

static gboolean
setup_connection (NatterHistory  *self,
                  GError        **error)
{
  const char *max_pages;
  gint64 version = 0;
  gboolean read_only;
  int rc;

  sqlite3_busy_timeout (self->db, 2000);

  rc = sqlite3_create_function (self->db, "natter_plain", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                NULL, sql_natter_plain, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_db_error (self, rc, error);
      return FALSE;
    }

  max_pages = g_getenv ("NATTER_HISTORY_MAX_PAGES");
  if (max_pages != NULL && max_pages[0] != '\0')
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GUINT64_FORMAT ";",
                                              g_ascii_strtoull (max_pages, NULL, 10));
      if (!exec_sql (self, sql, error))
        return FALSE;
    }

  /* The first real read of the file: a garbage file fails here (NOTADB). */
  if (!query_int (self, "PRAGMA user_version;", &version, error))
    return FALSE;

  if (version > SCHEMA_VERSION)
    {
      set_error_code (error, self->path, NATTER_HISTORY_ERROR_FAILED,
                      _("it was written by a newer version of Natter"));
      return FALSE;
    }

  read_only = sqlite3_db_readonly (self->db, "main") == 1;
  if (read_only)
    {
      /* Reading and searching still work; every append will report READ_ONLY. */
      if (version < SCHEMA_VERSION)
        {
          set_error_code (error, self->path, NATTER_HISTORY_ERROR_READ_ONLY,
                          _("the file is read-only"));
          return FALSE;
        }
    }
  else
    {
      /* WAL: the search thread reads while the main thread writes, and a
       * commit is one sequential write. NORMAL is durable enough under WAL
       * (a power cut may lose the last commits, never the file). */
      if (!exec_sql (self, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", error))
        return FALSE;

      if (version < SCHEMA_VERSION)
        {
          if (!exec_sql (self, schema_sql, error))
            {
              if (!sqlite3_get_autocommit (self->db))
                sqlite3_exec (self->db, "ROLLBACK;", NULL, NULL, NULL);
              return FALSE;
            }
        }
    }

  return prepare (self, &self->begin, "BEGIN IMMEDIATE;", error) &&
         prepare (self, &self->commit, "COMMIT;", error) &&
         prepare (self, &self->rollback, "ROLLBACK;", error) &&
         prepare (self, &self->insert,
                  "INSERT INTO messages (network, buffer, time, kind, nick, text, flags)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7);", error) &&
         prepare (self, &self->insert_fts,
                  "INSERT INTO messages_fts (rowid, text, nick)"
                  " VALUES (?1, natter_plain (?2), ?3);", error) &&
         prepare (self, &self->load,
                  "SELECT id, time, kind, nick, text, flags FROM messages"
                  " WHERE network = ?1 AND buffer = ?2 AND id < ?3"
                  " ORDER BY id DESC LIMIT ?4;", error) &&
         prepare (self, &self->count,
                  "SELECT count(*) FROM messages WHERE network = ?1 AND buffer = ?2;", error) &&
         prepare (self, &self->search,
                  "SELECT m.id, m.network, m.buffer, m.time, m.kind, m.nick, m.text, m.flags,"
                  "  snippet (messages_fts, 0, '" MARK_OPEN "', '" MARK_CLOSE "', '…', 16)"
                  " FROM messages_fts JOIN messages AS m ON m.id = messages_fts.rowid"
                  " WHERE messages_fts MATCH ?1"
                  "   AND (?2 IS NULL OR m.network = ?2)"
                  "   AND (?3 IS NULL OR m.buffer = ?3)"
                  " ORDER BY messages_fts.rowid DESC LIMIT ?4;", error);
}

NatterHistory *
natter_history_open (const char  *path,
                     GError     **error)
{
  g_autoptr (NatterHistory) self = NULL;
  g_autofree char *dir = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      NatterHistoryError code;

      switch (saved)
        {
        case EACCES:
        case EPERM:
        case EROFS:
          code = NATTER_HISTORY_ERROR_READ_ONLY;
          break;
        case ENOSPC:
          code = NATTER_HISTORY_ERROR_FULL;
          break;
        default:
          code = NATTER_HISTORY_ERROR_FAILED;
          break;
        }
      set_error_code (error, path, code, g_strerror (saved));
      return NULL;
    }

  self = g_object_new (NATTER_TYPE_HISTORY, NULL);
  self->path = g_strdup (path);

  /* FULLMUTEX as well as our own lock: sqlite3_errmsg() is then per call
   * safe too, whoever else holds the handle. */
  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, path, rc, self->db ? sqlite3_errmsg (self->db) : NULL);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);

  if (!setup_connection (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* ---- writing ---------------------------------------------------------------- */

static gboolean
step_done (sqlite3_stmt *stmt,
           int          *rc_out)
{
  int rc = sqlite3_step (stmt);

  *rc_out = rc;
  return rc == SQLITE_DONE;
}

gboolean
natter_history_append_many (NatterHistory   *self,
                            const char      *network,
                            const char      *buffer,
                            NatterMessage  **msgs,
                            guint            n,
                            GError         **error)
{
  g_autoptr (GArray) ids = NULL;
  g_autofree char *detail = NULL;
  int rc = SQLITE_OK;
  gboolean ok = FALSE;
  guint todo = 0;

  g_return_val_if_fail (NATTER_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (network != NULL, FALSE);
  g_return_val_if_fail (buffer != NULL, FALSE);
  g_return_val_if_fail (msgs != NULL || n == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < n; i++)
    if (natter_message_get_kind (msgs[i]) != NATTER_MESSAGE_DAY && natter_message_get_id (msgs[i]) == 0)
      todo++;
  if (todo == 0)
    return TRUE;

  /* Ids are handed out only after COMMIT: a rolled-back batch must leave
   * every message at 0, so a retry stores them again. */
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
  g_array_set_size (ids, n);

  g_mutex_lock (&self->lock);

  if (!step_done (self->begin, &rc))
    goto out;
  sqlite3_reset (self->begin);

  for (guint i = 0; i < n; i++)
    {
      NatterMessage *msg = msgs[i];
      NatterMessageKind kind = natter_message_get_kind (msg);
      gint64 id;

      g_array_index (ids, gint64, i) = 0;
      if (kind == NATTER_MESSAGE_DAY || natter_message_get_id (msg) != 0)
        continue;

      sqlite3_bind_text (self->insert, 1, network, -1, SQLITE_STATIC);
      sqlite3_bind_text (self->insert, 2, buffer, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (self->insert, 3, natter_message_get_time (msg));
      sqlite3_bind_text (self->insert, 4, kind_names[kind], -1, SQLITE_STATIC);
      sqlite3_bind_text (self->insert, 5, natter_message_get_nick (msg), -1, SQLITE_STATIC);
      sqlite3_bind_text (self->insert, 6, natter_message_get_text (msg), -1, SQLITE_STATIC);
      sqlite3_bind_int (self->insert, 7, (int)(natter_message_get_flags (msg) & STORED_FLAGS));
      if (!step_done (self->insert, &rc))
        goto out;
      sqlite3_reset (self->insert);
      id = sqlite3_last_insert_rowid (self->db);

      sqlite3_bind_int64 (self->insert_fts, 1, id);
      sqlite3_bind_text (self->insert_fts, 2, natter_message_get_text (msg), -1, SQLITE_STATIC);
      sqlite3_bind_text (self->insert_fts, 3, natter_message_get_nick (msg), -1, SQLITE_STATIC);
      if (!step_done (self->insert_fts, &rc))
        goto out;
      sqlite3_reset (self->insert_fts);

      g_array_index (ids, gint64, i) = id;
    }

  if (!step_done (self->commit, &rc))
    goto out;

  for (guint i = 0; i < n; i++)
    if (g_array_index (ids, gint64, i) != 0)
      natter_message_set_id (msgs[i], g_array_index (ids, gint64, i));
  ok = TRUE;

out:
  if (!ok)
    detail = g_strdup (sqlite3_errmsg (self->db));
  sqlite3_reset (self->begin);
  sqlite3_reset (self->insert);
  sqlite3_reset (self->insert_fts);
  sqlite3_reset (self->commit);
  sqlite3_clear_bindings (self->insert);
  sqlite3_clear_bindings (self->insert_fts);
  /* SQLite may already have rolled back by itself (FULL, IOERR, NOMEM...). */
  if (!ok && !sqlite3_get_autocommit (self->db))
    {
      sqlite3_step (self->rollback);
      sqlite3_reset (self->rollback);
    }
  g_mutex_unlock (&self->lock);

  if (!ok)
    set_sqlite_error (error, self->path, rc, detail);

  return ok;
}

/* ---- reading ---------------------------------------------------------------- */

static NatterMessage *
message_from_row (sqlite3_stmt *stmt,
                  int           id_col,
                  int           time_col)
{
  NatterMessage *msg;
  NatterMessageFlags flags;

  flags = (NatterMessageFlags)(sqlite3_column_int (stmt, time_col + 4) & STORED_FLAGS);
  msg = natter_message_new (kind_from_name ((const char *)sqlite3_column_text (stmt, time_col + 1)),
                            sqlite3_column_int64 (stmt, time_col),
                            (const char *)sqlite3_column_text (stmt, time_col + 2),
                            (const char *)sqlite3_column_text (stmt, time_col + 3),
                            flags | NATTER_MESSAGE_FLAG_HISTORY);
  natter_message_set_id (msg, sqlite3_column_int64 (stmt, id_col));

  return msg;
}

GPtrArray *
natter_history_load_before (NatterHistory  *self,
                            const char     *network,
                            const char     *buffer,
                            gint64          before_id,
                            guint           limit,
                            GError        **error)
{
  g_autoptr (GPtrArray) page = NULL;
  gboolean ok;
  int rc;

  g_return_val_if_fail (NATTER_IS_HISTORY (self), NULL);
  g_return_val_if_fail (network != NULL, NULL);
  g_return_val_if_fail (buffer != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  page = g_ptr_array_new_full (MIN (limit, 1024u), g_object_unref);
  if (limit == 0)
    return g_steal_pointer (&page);

  g_mutex_lock (&self->lock);

  sqlite3_bind_text (self->load, 1, network, -1, SQLITE_STATIC);
  sqlite3_bind_text (self->load, 2, buffer, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (self->load, 3, before_id > 0 ? before_id : G_MAXINT64);
  sqlite3_bind_int64 (self->load, 4, limit);

  while ((rc = sqlite3_step (self->load)) == SQLITE_ROW)
    g_ptr_array_add (page, message_from_row (self->load, 0, 1));

  ok = finish_read (self, self->load, rc, SQLITE_DONE, error);

  g_mutex_unlock (&self->lock);

  if (!ok)
    return NULL;

  /* Fetched newest first (the index walks backwards from before_id). */
  for (guint i = 0, j = page->len; i + 1 < j; i++, j--)
    {
      gpointer tmp = page->pdata[i];
      page->pdata[i] = page->pdata[j - 1];
      page->pdata[j - 1] = tmp;
    }

  return g_steal_pointer (&page);
}

gint64
natter_history_count (NatterHistory  *self,
                      const char     *network,
                      const char     *buffer,
                      GError        **error)
{
  gint64 n = -1;
  int rc;

  g_return_val_if_fail (NATTER_IS_HISTORY (self), -1);
  g_return_val_if_fail (network != NULL, -1);
  g_return_val_if_fail (buffer != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  g_mutex_lock (&self->lock);

  sqlite3_bind_text (self->count, 1, network, -1, SQLITE_STATIC);
  sqlite3_bind_text (self->count, 2, buffer, -1, SQLITE_STATIC);
  rc = sqlite3_step (self->count);
  if (rc == SQLITE_ROW)
    n = sqlite3_column_int64 (self->count, 0);
  finish_read (self, self->count, rc, SQLITE_ROW, error);

  g_mutex_unlock (&self->lock);

  return n;
}

/* ---- search ----------------------------------------------------------------- */

void
natter_history_hit_free (NatterHistoryHit *hit)
{
  if (hit == NULL)
    return;

  g_free (hit->network);
  g_free (hit->buffer);
  g_clear_object (&hit->message);
  g_free (hit->snippet);
  g_free (hit);
}

static gboolean
has_word_char (const char *word)
{
  for (const char *p = word; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isalnum (g_utf8_get_char (p)))
      return TRUE;

  return FALSE;
}

/* What the user typed → an FTS5 query that cannot be a syntax error: every
 * whitespace-separated word becomes a quoted string (so AND, NEAR, "-", ":",
 * "(" and quotes are just text), matched as a prefix, and all must occur.
 * Words with nothing the tokenizer keeps ("-", "...") are dropped. NULL when
 * nothing is left to search for. */
static char *
build_match_query (const char *text)
{
  g_autofree char *valid = NULL;
  GString *query;
  const char *p;

  if (text == NULL)
    return NULL;

  valid = g_utf8_make_valid (text, -1);
  query = g_string_new (NULL);
  p = valid;

  while (*p != '\0')
    {
      const char *start;
      g_autofree char *word = NULL;

      while (*p != '\0' && g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      start = p;
      while (*p != '\0' && !g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (p == start)
        break;

      word = g_strndup (start, (gsize)(p - start));
      if (!has_word_char (word))
        continue;

      if (query->len > 0)
        g_string_append (query, " AND ");
      g_string_append_c (query, '"');
      for (const char *w = word; *w != '\0'; w++)
        {
          if (*w == '"')
            g_string_append_c (query, '"');
          g_string_append_c (query, *w);
        }
      g_string_append (query, "\"*");
    }

  if (query->len == 0)
    {
      g_string_free (query, TRUE);
      return NULL;
    }

  return g_string_free (query, FALSE);
}

/* snippet() output (plain text with MARK_OPEN/MARK_CLOSE around matches) →
 * Pango markup: escaped first, then the markers become <b>..</b>, always
 * balanced whatever order they come in. */
static char *
snippet_to_markup (const char *snippet)
{
  g_autofree char *escaped = NULL;
  GString *out;
  gboolean open = FALSE;
  const char *p;

  if (snippet == NULL)
    return g_strdup ("");

  escaped = g_markup_escape_text (snippet, -1);
  out = g_string_sized_new (strlen (escaped) + 16);

  for (p = escaped; *p != '\0';)
    {
      if (strncmp (p, MARK_OPEN, 3) == 0)
        {
          if (!open)
            g_string_append (out, "<b>");
          open = TRUE;
          p += 3;
        }
      else if (strncmp (p, MARK_CLOSE, 3) == 0)
        {
          if (open)
            g_string_append (out, "</b>");
          open = FALSE;
          p += 3;
        }
      else
        g_string_append_c (out, *p++);
    }
  if (open)
    g_string_append (out, "</b>");

  return g_string_free (out, FALSE);
}

GPtrArray *
natter_history_search (NatterHistory  *self,
                       const char     *query,
                       const char     *network,
                       const char     *buffer,
                       guint           limit,
                       GError        **error)
{
  g_autoptr (GPtrArray) hits = NULL;
  g_autofree char *match = NULL;
  gboolean ok;
  int rc;

  g_return_val_if_fail (NATTER_IS_HISTORY (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  hits = g_ptr_array_new_with_free_func ((GDestroyNotify)natter_history_hit_free);
  match = build_match_query (query);
  if (match == NULL || limit == 0)
    return g_steal_pointer (&hits);

  g_mutex_lock (&self->lock);

  sqlite3_bind_text (self->search, 1, match, -1, SQLITE_STATIC);
  if (network != NULL)
    sqlite3_bind_text (self->search, 2, network, -1, SQLITE_STATIC);
  if (buffer != NULL)
    sqlite3_bind_text (self->search, 3, buffer, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (self->search, 4, limit);

  while ((rc = sqlite3_step (self->search)) == SQLITE_ROW)
    {
      NatterHistoryHit *hit = g_new0 (NatterHistoryHit, 1);

      hit->network = g_strdup ((const char *)sqlite3_column_text (self->search, 1));
      hit->buffer = g_strdup ((const char *)sqlite3_column_text (self->search, 2));
      hit->message = message_from_row (self->search, 0, 3);
      hit->snippet = snippet_to_markup ((const char *)sqlite3_column_text (self->search, 8));
      g_ptr_array_add (hits, hit);
    }

  ok = finish_read (self, self->search, rc, SQLITE_DONE, error);

  g_mutex_unlock (&self->lock);

  if (!ok)
    return NULL;

  return g_steal_pointer (&hits);
}
