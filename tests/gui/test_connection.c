/* NatterConnection against a real natterd on loopback, with a raw IRC peer
 * (libnp, no libnatter) on the other side: registration, chat both ways,
 * topic, members, private chats, mentions and unread counts, commands and
 * their errors, history written and paged back, a history that cannot be
 * written, natterd killed and restarted on the same port (reconnect and
 * rejoin), and a server that goes silent (ping timeout). */
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "natter-member.h"
#include "irc_peer.h"
#include "scratch_dir.h"

static guint g_tick_id;
static np_test_proc *g_natterd[4];

/* A failed assertion aborts: natterd must not outlive us (it would hold
 * the test runner's output pipe open). */
static void
kill_children (int sig)
{
  for (guint i = 0; i < G_N_ELEMENTS (g_natterd); i++)
    if (g_natterd[i] != NULL)
      np_test_proc_kill (g_natterd[i]);
  signal (sig, SIG_DFL);
  raise (sig);
}

static void
stop_natterd (np_test_proc *proc)
{
  for (guint i = 0; i < G_N_ELEMENTS (g_natterd); i++)
    if (g_natterd[i] == proc)
      g_natterd[i] = NULL;
  np_test_proc_kill (proc);
}

/* ---- helpers ------------------------------------------------------------------- */

/* Spin the main loop a little (lets late duplicates show up). */
static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    iterate ();
}

static guint
count_messages (NatterBuffer *buffer, NatterMessageKind kind, const char *text)
{
  GListModel *model = G_LIST_MODEL (natter_buffer_get_messages (buffer));
  guint n = g_list_model_get_n_items (model), count = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NatterMessage) msg = g_list_model_get_item (model, i);

      if (natter_message_get_kind (msg) == kind &&
          g_strcmp0 (natter_message_get_text (msg), text) == 0)
        count++;
    }
  return count;
}

static char *
natterd_path (void)
{
  const char *dir = g_getenv ("NATTER_BIN_DIR");

  return g_build_filename (dir != NULL ? dir : ".", "natterd", NULL);
}

/* natterd on 127.0.0.1:port (0: any); *port_out gets the real one. */
static np_test_proc *
start_natterd (guint port, guint *port_out)
{
  g_autofree char *path = natterd_path ();
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
  const char *argv[] = { path, "--listen", listen, "--no-flood-limits", "--log-level", "warn", NULL };
  np_test_proc *proc = NULL;
  char line[512];
  const char *colon;

  if (np_test_spawn (argv, NULL, &proc) != NP_OK)
    g_error ("cannot start %s", path);
  for (guint i = 0; i < G_N_ELEMENTS (g_natterd); i++)
    if (g_natterd[i] == NULL)
      {
        g_natterd[i] = proc;
        break;
      }
  if (np_test_proc_expect (proc, "natterd: listening on ", line, sizeof line, T_LONG) != NP_OK)
    g_error ("natterd did not start listening");
  colon = strrchr (line, ':');
  *port_out = colon != NULL ? (guint) g_ascii_strtoull (colon + 1, NULL, 10) : 0;
  g_assert_cmpuint (*port_out, >, 0);
  return proc;
}

static NatterNetworkConfig *
make_config (const char *name, guint port, const char *nick, const char *channel)
{
  NatterNetworkConfig *cfg = natter_network_config_new (name, "127.0.0.1", (guint16) port, nick);

  g_strfreev (cfg->channels);
  cfg->channels = g_new0 (char *, 2);
  cfg->channels[0] = g_strdup (channel);
  return cfg;
}

typedef struct {
  guint     notified;
  guint     history_errors;
  char     *history_text;
  NatterBuffer *focused;
  NatterMessage *last_notified;
} Events;

static void
on_notify_user (NatterConnection *conn, NatterBuffer *buffer, NatterMessage *msg, Events *ev)
{
  (void) conn;
  (void) buffer;
  ev->notified++;
  ev->last_notified = msg;
}

static void
on_history_error (NatterConnection *conn, const char *text, Events *ev)
{
  (void) conn;
  ev->history_errors++;
  g_free (ev->history_text);
  ev->history_text = g_strdup (text);
}

static void
on_buffer_added (NatterConnection *conn, NatterBuffer *buffer, gboolean focus, Events *ev)
{
  (void) conn;
  if (focus)
    ev->focused = buffer;
}

static void
watch (NatterConnection *conn, Events *ev)
{
  g_signal_connect (conn, "notify-user", G_CALLBACK (on_notify_user), ev);
  g_signal_connect (conn, "history-error", G_CALLBACK (on_history_error), ev);
  g_signal_connect (conn, "buffer-added", G_CALLBACK (on_buffer_added), ev);
}

static NatterBuffer *
buffer_named (NatterConnection *conn, const char *name)
{
  return natter_connection_find_buffer (conn, name);
}

static gboolean
execute (NatterConnection *conn, NatterBuffer *buffer, const char *line)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = natter_connection_execute (conn, buffer, line, NULL, &error);

  if (!ok)
    g_printerr ("%s -> %s\n", line, error->message);
  return ok;
}

static char *
execute_error (NatterConnection *conn, NatterBuffer *buffer, const char *line)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (natter_connection_execute (conn, buffer, line, NULL, &error));
  g_assert_nonnull (error);
  return g_strdup (error->message);
}

/* ---- chat ---------------------------------------------------------------------- */

static void
test_chat (void)
{
  g_autofree char *dir = scratch_dir ("conn-chat");
  g_autofree char *db = g_build_filename (dir, "history.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterHistory) history = natter_history_open (db, &error);
  g_autoptr(NatterNetworkConfig) cfg = NULL;
  g_autoptr(NatterConnection) conn = NULL;
  NatterBuffer *room, *server, *query, *other, *show = NULL;
  NatterMessage *msg;
  np_test_proc *natterd;
  irc_client *peer = g_new0 (irc_client, 1);
  Events ev = { 0 };
  char line[1024];
  guint port, n;

  g_assert_no_error (error);
  natterd = start_natterd (0, &port);
  g_assert_true (irc_register (peer, port, "bob"));
  g_assert_true (irc_join (peer, "#room"));

  cfg = make_config ("Test", port, "alice", "#room");
  conn = natter_connection_new (cfg, history);
  watch (conn, &ev);
  g_assert_cmpint (natter_connection_get_state (conn), ==, NATTER_CONNECTION_DISCONNECTED);
  server = natter_connection_get_server_buffer (conn);
  g_assert_cmpuint (g_list_model_get_n_items (natter_connection_get_buffers (conn)), ==, 1);

  /* Register; the config's channel is joined. */
  natter_connection_connect (conn);
  g_assert_cmpint (natter_connection_get_state (conn), ==, NATTER_CONNECTION_CONNECTING);
  g_assert_true (g_str_has_prefix (natter_connection_get_status (conn), "Connecting to 127.0.0.1:"));
  WAIT_FOR (natter_connection_get_state (conn) == NATTER_CONNECTION_CONNECTED, T_LONG);
  g_assert_cmpstr (natter_connection_get_status (conn), ==, "Connected as alice");
  g_assert_cmpstr (natter_connection_get_nick (conn), ==, "alice");
  WAIT_FOR ((room = buffer_named (conn, "#ROOM")) != NULL && natter_buffer_get_joined (room), T_LONG);
  g_assert_cmpint (natter_buffer_get_kind (room), ==, NATTER_BUFFER_CHANNEL);
  g_assert_cmpstr (natter_buffer_get_name (room), ==, "#room");
  g_assert_true (peer_expect (peer, ":alice!", line, sizeof line, T_LONG));
  g_assert_nonnull (strstr (line, "JOIN"));

  /* Members, with bob's op prefix (he made the channel). */
  WAIT_FOR (g_list_model_get_n_items (natter_buffer_get_members (room)) == 2, T_LONG);
  {
    g_autoptr(NatterMember) first = g_list_model_get_item (natter_buffer_get_members (room), 0);
    g_autoptr(NatterMember) second = g_list_model_get_item (natter_buffer_get_members (room), 1);

    g_assert_cmpstr (natter_member_get_nick (first), ==, "bob");
    g_assert_cmpstr (natter_member_get_prefixes (first), ==, "@");
    g_assert_cmpstr (natter_member_get_nick (second), ==, "alice");
    g_assert_cmpstr (natter_member_get_prefixes (second), ==, "");
  }

  /* Peer to us, in an inactive buffer: unread, not a mention. */
  irc_send (peer, "PRIVMSG #room :hi there");
  WAIT_FOR ((msg = find_message (room, NATTER_MESSAGE_PRIVMSG, "bob", "hi there")) != NULL, T_LONG);
  g_assert_false (natter_message_has_flag (msg, NATTER_MESSAGE_FLAG_MENTION));
  g_assert_false (natter_message_has_flag (msg, NATTER_MESSAGE_FLAG_SELF));
  g_assert_cmpuint (natter_buffer_get_unread (room), ==, 1);
  g_assert_cmpuint (natter_buffer_get_mentions (room), ==, 0);
  g_assert_cmpuint (ev.notified, ==, 0);

  /* A mention. */
  irc_send (peer, "PRIVMSG #room :alice: are you there?");
  WAIT_FOR ((msg = find_message (room, NATTER_MESSAGE_PRIVMSG, "bob", "are you there")) != NULL, T_LONG);
  g_assert_true (natter_message_has_flag (msg, NATTER_MESSAGE_FLAG_MENTION));
  g_assert_cmpuint (ev.notified, ==, 1);
  g_assert_true (ev.last_notified == msg);
  g_assert_cmpuint (natter_buffer_get_unread (room), ==, 2);
  g_assert_cmpuint (natter_buffer_get_mentions (room), ==, 1);

  /* Looking at it: read, and nothing counts while looked at. */
  natter_buffer_set_active (room, TRUE, TRUE);
  g_assert_cmpuint (natter_buffer_get_unread (room), ==, 0);
  g_assert_cmpuint (natter_buffer_get_mentions (room), ==, 0);
  irc_send (peer, "PRIVMSG #room :while you look");
  WAIT_FOR (find_message (room, NATTER_MESSAGE_PRIVMSG, "bob", "while you look") != NULL, T_LONG);
  g_assert_cmpuint (natter_buffer_get_unread (room), ==, 0);
  /* Looking away: the next message is unread, with the read marker above it. */
  natter_buffer_set_active (room, FALSE, TRUE);
  irc_send (peer, "PRIVMSG #room :after you left");
  WAIT_FOR ((msg = find_message (room, NATTER_MESSAGE_PRIVMSG, "bob", "after you left")) != NULL, T_LONG);
  g_assert_cmpuint (natter_buffer_get_unread (room), ==, 1);
  g_assert_true (natter_message_has_flag (msg, NATTER_MESSAGE_FLAG_UNREAD));
  g_assert_true (natter_message_model_get_read_marker (natter_buffer_get_messages (room)) == msg);
  natter_buffer_set_active (room, TRUE, TRUE);

  /* Us to the peer; shown once whether or not the server echoes. */
  g_assert_true (execute (conn, room, "hello bob"));
  g_assert_true (peer_expect (peer, "PRIVMSG #room :hello bob", NULL, 0, T_LONG));
  WAIT_FOR ((msg = find_message (room, NATTER_MESSAGE_PRIVMSG, "alice", "hello bob")) != NULL, T_LONG);
  g_assert_true (natter_message_has_flag (msg, NATTER_MESSAGE_FLAG_SELF));
  settle (300);
  g_assert_cmpuint (count_messages (room, NATTER_MESSAGE_PRIVMSG, "hello bob"), ==, 1);
  g_assert_cmpuint (natter_buffer_get_input_history (room)->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (natter_buffer_get_input_history (room), 0), ==, "hello bob");

  /* /me both ways. */
  g_assert_true (execute (conn, room, "/me waves"));
  g_assert_true (peer_expect (peer, "PRIVMSG #room :\001ACTION waves\001", NULL, 0, T_LONG));
  WAIT_FOR (find_message (room, NATTER_MESSAGE_ACTION, "alice", "waves") != NULL, T_LONG);
  irc_send (peer, "PRIVMSG #room :\001ACTION nods\001");
  WAIT_FOR (find_message (room, NATTER_MESSAGE_ACTION, "bob", "nods") != NULL, T_LONG);

  /* Topic set by the peer; /topic shows it. */
  irc_send (peer, "TOPIC #room :Plans for Friday");
  WAIT_FOR (g_strcmp0 (natter_buffer_get_topic (room), "Plans for Friday") == 0, T_LONG);
  g_assert_cmpstr (natter_buffer_get_topic_setter (room), ==, "bob");
  g_assert_nonnull (find_message (room, NATTER_MESSAGE_TOPIC, "bob", "Plans for Friday"));
  g_assert_true (execute (conn, room, "/topic"));
  g_assert_nonnull (find_message (room, NATTER_MESSAGE_STATUS, NULL, "Topic of #room: Plans for Friday"));

  /* A private message opens a query buffer; it is a mention. */
  irc_send (peer, "PRIVMSG alice :psst");
  WAIT_FOR ((query = buffer_named (conn, "bob")) != NULL, T_LONG);
  g_assert_cmpint (natter_buffer_get_kind (query), ==, NATTER_BUFFER_QUERY);
  WAIT_FOR ((msg = find_message (query, NATTER_MESSAGE_PRIVMSG, "bob", "psst")) != NULL, T_LONG);
  g_assert_true (natter_message_has_flag (msg, NATTER_MESSAGE_FLAG_MENTION));
  g_assert_cmpuint (ev.notified, ==, 2);
  g_assert_cmpuint (natter_buffer_get_mentions (query), ==, 1);
  g_assert_true (execute (conn, query, "psst yourself"));
  g_assert_true (peer_expect (peer, "PRIVMSG bob :psst yourself", NULL, 0, T_LONG));
  g_assert_true (execute (conn, room, "/msg bob over here"));
  g_assert_true (peer_expect (peer, "PRIVMSG bob :over here", NULL, 0, T_LONG));
  WAIT_FOR (find_message (query, NATTER_MESSAGE_PRIVMSG, "alice", "over here") != NULL, T_LONG);

  /* /query focuses an existing chat. */
  g_assert_true (natter_connection_execute (conn, room, "/query BOB", &show, &error));
  g_assert_true (show == query);

  /* Errors a user can act on; nothing sent. */
  {
    g_autofree char *e1 = execute_error (conn, server, "hello everyone");
    g_autofree char *e2 = execute_error (conn, room, "/frobnicate");
    g_autofree char *e3 = execute_error (conn, room, "/join");
    g_autofree char *e4 = execute_error (conn, server, "/close");
    g_autofree char *e5 = execute_error (conn, server, "/part");

    g_assert_nonnull (strstr (e1, "Not a chat"));
    g_assert_cmpstr (e2, !=, "");
    g_assert_cmpstr (e3, !=, "");
    g_assert_nonnull (strstr (e4, "/quit"));
    g_assert_nonnull (strstr (e5, "channel"));
  }

  /* /help lists the commands as status lines. */
  n = natter_message_model_get_n_messages (natter_buffer_get_messages (server));
  g_assert_true (execute (conn, server, "/help"));
  g_assert_cmpuint (natter_message_model_get_n_messages (natter_buffer_get_messages (server)), >, n + 3);
  g_assert_nonnull (find_message (server, NATTER_MESSAGE_STATUS, NULL, "/join"));

  /* /nick. */
  g_assert_true (execute (conn, room, "/nick alicia"));
  WAIT_FOR (g_strcmp0 (natter_connection_get_nick (conn), "alicia") == 0, T_LONG);
  g_assert_cmpstr (natter_connection_get_status (conn), ==, "Connected as alicia");
  g_assert_true (peer_expect (peer, "NICK", line, sizeof line, T_LONG));
  g_assert_nonnull (strstr (line, "alicia"));
  WAIT_FOR (find_message (room, NATTER_MESSAGE_NICK, "alice", "alicia") != NULL, T_LONG);
  /* Peer's nick change renames the private chat. */
  irc_send (peer, "NICK robert");
  WAIT_FOR (g_strcmp0 (natter_buffer_get_name (query), "robert") == 0, T_LONG);
  WAIT_FOR (find_message (room, NATTER_MESSAGE_NICK, "bob", "robert") != NULL, T_LONG);
  snprintf (peer->nick, sizeof peer->nick, "robert");

  /* /join focuses the new channel when the server confirms; again: shown. */
  ev.focused = NULL;
  g_assert_true (natter_connection_execute (conn, room, "/join #other", &show, &error));
  g_assert_null (show);
  WAIT_FOR (ev.focused != NULL, T_LONG);
  other = buffer_named (conn, "#other");
  g_assert_true (ev.focused == other);
  g_assert_true (natter_buffer_get_joined (other));
  g_assert_true (natter_connection_execute (conn, room, "/join #Other", &show, &error));
  g_assert_true (show == other);

  /* /part keeps the buffer, not joined; /close removes it. */
  g_assert_true (execute (conn, other, "/part"));
  WAIT_FOR (!natter_buffer_get_joined (other), T_LONG);
  g_assert_nonnull (buffer_named (conn, "#other"));
  g_assert_true (execute (conn, other, "/close"));
  g_assert_null (buffer_named (conn, "#other"));
  g_assert_true (execute (conn, query, "/close"));
  g_assert_null (buffer_named (conn, "robert"));

  /* Many lines: the history keeps them, a new buffer pages them back. */
  for (int i = 0; i < 230; i++)
    irc_send (peer, "PRIVMSG #room :line %d", i);
  WAIT_FOR (find_message (room, NATTER_MESSAGE_PRIVMSG, "robert", "line 229") != NULL, T_LONG);
  g_assert_cmpuint (ev.history_errors, ==, 0);
  {
    g_autoptr(GError) herr = NULL;
    gint64 stored = natter_history_count (history, "Test", "#room", &herr);
    g_autoptr(NatterBuffer) again = NULL;
    NatterMessage *first, *last;
    guint total, more;

    g_assert_no_error (herr);
    g_assert_cmpint (stored, >=, 240);
    /* The live messages know their rows. */
    msg = find_message (room, NATTER_MESSAGE_PRIVMSG, "robert", "line 229");
    g_assert_cmpint (natter_message_get_id (msg), >, 0);

    again = natter_buffer_new (NULL, NATTER_BUFFER_CHANNEL, "#ROOM", "Test", history);
    g_assert_cmpuint (natter_message_model_get_n_messages (natter_buffer_get_messages (again)), ==, 200);
    last = natter_message_model_get_last (natter_buffer_get_messages (again));
    g_assert_cmpstr (natter_message_get_text (last), ==, "line 229");
    g_assert_true (natter_message_has_flag (last, NATTER_MESSAGE_FLAG_HISTORY));
    total = 200;
    while ((more = natter_buffer_load_older (again, 50)) > 0)
      total += more;
    g_assert_cmpuint (total, ==, (guint) stored);
    first = natter_message_model_get_first (natter_buffer_get_messages (again));
    g_assert_cmpint (natter_message_get_kind (first), ==, NATTER_MESSAGE_JOIN);
    g_assert_cmpuint (natter_buffer_load_older (again, 50), ==, 0);
  }

  /* /quit says goodbye and stops. */
  g_assert_true (execute (conn, room, "/quit see you"));
  g_assert_true (peer_expect (peer, " QUIT ", line, sizeof line, T_LONG));
  g_assert_nonnull (strstr (line, "see you"));
  g_assert_cmpint (natter_connection_get_state (conn), ==, NATTER_CONNECTION_DISCONNECTED);
  g_assert_false (natter_buffer_get_joined (room));
  g_assert_nonnull (find_message (room, NATTER_MESSAGE_STATUS, NULL, "Disconnected"));
  settle (200);
  g_assert_cmpint (natter_connection_get_state (conn), ==, NATTER_CONNECTION_DISCONNECTED);

  irc_close (peer);
  g_free (peer);
  stop_natterd (natterd);
  g_free (ev.history_text);
}

/* ---- a history that cannot be written ------------------------------------------ */

static void
test_history_error (void)
{
  g_autofree char *dir = scratch_dir ("conn-full");
  g_autofree char *db = g_build_filename (dir, "history.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterHistory) history = NULL;
  g_autoptr(NatterNetworkConfig) cfg = NULL;
  g_autoptr(NatterConnection) conn = NULL;
  g_autofree char *pages = NULL;
  g_autofree char *filler = NULL;
  NatterBuffer *room;
  np_test_proc *natterd;
  irc_client *peer = g_new0 (irc_client, 1);
  Events ev = { 0 };
  GStatBuf st;
  guint port;

  /* Make the schema, then cap the file at the size it has: the first pages
   * of messages fill it. */
  history = natter_history_open (db, &error);
  g_assert_no_error (error);
  g_clear_object (&history);
  g_assert_cmpint (g_stat (db, &st), ==, 0);
  pages = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) st.st_size / 4096 + 1);
  g_setenv ("NATTER_HISTORY_MAX_PAGES", pages, TRUE);
  history = natter_history_open (db, &error);
  g_unsetenv ("NATTER_HISTORY_MAX_PAGES");
  g_assert_no_error (error);

  natterd = start_natterd (0, &port);
  g_assert_true (irc_register (peer, port, "bob"));
  g_assert_true (irc_join (peer, "#room"));
  cfg = make_config ("Full", port, "alice", "#room");
  conn = natter_connection_new (cfg, history);
  watch (conn, &ev);
  natter_connection_connect (conn);
  WAIT_FOR ((room = buffer_named (conn, "#room")) != NULL && natter_buffer_get_joined (room), T_LONG);

  filler = g_strnfill (400, 'x');
  for (int i = 0; i < 200; i++)
    {
      irc_send (peer, "PRIVMSG #room :full %d %s", i, filler);
      if (i % 20 == 19)
        {
          g_autofree char *text = g_strdup_printf ("full %d ", i);
          WAIT_FOR (find_message (room, NATTER_MESSAGE_PRIVMSG, "bob", text) != NULL, T_LONG);
        }
    }
  WAIT_FOR (find_message (room, NATTER_MESSAGE_PRIVMSG, "bob", "full 199 ") != NULL, T_LONG);
  /* Told once for the whole outage, not once per batch, even though a small
   * batch now and then still fits in a page's slack; every message still
   * shown. */
  {
    g_autoptr(GError) herr = NULL;
    gint64 stored = natter_history_count (history, "Full", "#room", &herr);

    g_printerr ("history full: %u error signal(s), %" G_GINT64_FORMAT " of 201 messages stored\n",
                ev.history_errors, stored);
    g_assert_cmpint (stored, <, 150);
  }
  g_assert_cmpuint (ev.history_errors, ==, 1);
  g_assert_nonnull (ev.history_text);
  g_test_message ("history error: %s", ev.history_text);
  for (int i = 0; i < 200; i += 37)
    {
      g_autofree char *text = g_strdup_printf ("full %d ", i);
      g_assert_nonnull (find_message (room, NATTER_MESSAGE_PRIVMSG, "bob", text));
    }

  natter_connection_disconnect (conn, NULL);
  irc_close (peer);
  g_free (peer);
  stop_natterd (natterd);
  g_free (ev.history_text);
}

/* ---- natterd dies and comes back --------------------------------------------- */

static void
test_reconnect (void)
{
  g_autoptr(NatterNetworkConfig) cfg = NULL;
  g_autoptr(NatterConnection) conn = NULL;
  NatterBuffer *room;
  np_test_proc *natterd;
  irc_client *peer = g_new0 (irc_client, 1);
  char line[1024];
  guint port, again;
  gint64 restarted, back;

  natterd = start_natterd (0, &port);
  cfg = make_config ("Flaky", port, "carol", "#r");
  conn = natter_connection_new (cfg, NULL);
  natter_connection_connect (conn);
  WAIT_FOR ((room = buffer_named (conn, "#r")) != NULL && natter_buffer_get_joined (room), T_LONG);
  g_assert_true (execute (conn, room, "/topic #r set before the restart"));
  WAIT_FOR (g_strcmp0 (natter_buffer_get_topic (room), "set before the restart") == 0, T_LONG);

  stop_natterd (natterd);
  WAIT_FOR (natter_connection_get_state (conn) == NATTER_CONNECTION_WAITING, T_LONG);
  g_assert_true (g_str_has_prefix (natter_connection_get_status (conn), "Reconnecting in "));
  g_assert_nonnull (strstr (natter_connection_get_status (conn), "(attempt 1)"));
  g_assert_false (natter_buffer_get_joined (room));
  g_assert_nonnull (find_message (room, NATTER_MESSAGE_STATUS, NULL, "Disconnected: "));
  g_test_message ("after the kill: %s", natter_connection_get_status (conn));

  /* Nothing goes out while down, and the user is told why. */
  {
    g_autofree char *e1 = execute_error (conn, room, "anyone?");
    g_autofree char *e2 = execute_error (conn, room, "/join #elsewhere");

    g_assert_nonnull (strstr (e1, "Not connected to Flaky"));
    g_assert_nonnull (strstr (e2, "Not connected"));
    g_test_message ("while down: %s", e1);
  }
  /* (Only the /topic sent while connected is in the input history.) */
  g_assert_cmpuint (natter_buffer_get_input_history (room)->len, ==, 1);

  /* Let an attempt or two fail against the closed port. */
  WAIT_FOR (strstr (natter_connection_get_status (conn), "(attempt 2)") != NULL, T_LONG);

  natterd = start_natterd (port, &again);
  g_assert_cmpuint (again, ==, port);
  restarted = g_get_monotonic_time ();
  g_assert_true (irc_register (peer, port, "dave"));
  g_assert_true (irc_join (peer, "#r"));

  WAIT_FOR (natter_connection_get_state (conn) == NATTER_CONNECTION_CONNECTED, 90000);
  back = g_get_monotonic_time ();
  WAIT_FOR (natter_buffer_get_joined (room), T_LONG);
  g_test_message ("reconnected %.1f s after natterd came back", (back - restarted) / 1e6);
  g_printerr ("reconnected %.1f s after natterd came back\n", (back - restarted) / 1e6);
  g_assert_nonnull (find_message (room, NATTER_MESSAGE_STATUS, NULL, "Connected"));
  /* The same buffer, rejoined: the peer sees carol in the channel. */
  g_assert_true (buffer_named (conn, "#r") == room);
  irc_send (peer, "NAMES #r");
  g_assert_true (peer_expect (peer, " 353 ", line, sizeof line, T_LONG));
  g_assert_nonnull (strstr (line, "carol"));
  g_assert_true (execute (conn, room, "back again"));
  g_assert_true (peer_expect (peer, "PRIVMSG #r :back again", NULL, 0, T_LONG));
  /* The new server's #r has no topic: the old one must not stay on show. */
  WAIT_FOR (natter_buffer_get_topic (room) == NULL, T_LONG);

  /* A user-requested reconnect goes through the same path. */
  natter_connection_reconnect (conn);
  g_assert_cmpint (natter_connection_get_state (conn), ==, NATTER_CONNECTION_WAITING);
  WAIT_FOR (natter_connection_get_state (conn) == NATTER_CONNECTION_CONNECTED, T_LONG);
  WAIT_FOR (natter_buffer_get_joined (room), T_LONG);

  natter_connection_disconnect (conn, "done");
  g_assert_cmpint (natter_connection_get_state (conn), ==, NATTER_CONNECTION_DISCONNECTED);
  irc_close (peer);
  g_free (peer);
  stop_natterd (natterd);
}

/* ---- the network comes back: no waiting out the back-off ---------------------- */

static void
test_network_back (void)
{
  g_autoptr(NatterNetworkConfig) cfg = NULL;
  g_autoptr(NatterConnection) conn = NULL;
  GNetworkMonitor *monitor = g_network_monitor_get_default ();
  NatterBuffer *room;
  np_test_proc *natterd;
  guint port, again;

  natterd = start_natterd (0, &port);
  cfg = make_config ("Roaming", port, "erin", "#net");
  conn = natter_connection_new (cfg, NULL);
  natter_connection_connect (conn);
  WAIT_FOR ((room = buffer_named (conn, "#net")) != NULL && natter_buffer_get_joined (room), T_LONG);

  stop_natterd (natterd);
  /* By the third attempt the next one is seconds away. */
  WAIT_FOR (strstr (natter_connection_get_status (conn), "(attempt 3)") != NULL, T_LONG);
  g_assert_cmpint (natter_connection_get_state (conn), ==, NATTER_CONNECTION_WAITING);
  natterd = start_natterd (port, &again);
  g_assert_cmpuint (again, ==, port);

  /* The network going away is no reason to try... */
  g_signal_emit_by_name (monitor, "network-changed", FALSE);
  g_assert_cmpint (natter_connection_get_state (conn), ==, NATTER_CONNECTION_WAITING);
  /* ...its return is: the attempt starts at once, not after the back-off. */
  g_signal_emit_by_name (monitor, "network-changed", TRUE);
  g_assert_cmpint (natter_connection_get_state (conn), ==, NATTER_CONNECTION_CONNECTING);
  WAIT_FOR (natter_connection_get_state (conn) == NATTER_CONNECTION_CONNECTED, T_LONG);
  WAIT_FOR (natter_buffer_get_joined (room), T_LONG);

  natter_connection_disconnect (conn, "done");
  stop_natterd (natterd);
}

/* ---- a server that goes silent ------------------------------------------------ */

static void
test_ping_timeout (void)
{
  g_autoptr(NatterNetworkConfig) cfg = NULL;
  g_autoptr(NatterConnection) conn = NULL;
  np_socket_t listener = NP_INVALID_SOCKET;
  irc_client *fake = g_new0 (irc_client, 1);
  np_addr addr;
  guint port;

  g_assert_cmpint (np_addr_from_ip ("127.0.0.1", 0, &addr), ==, NP_OK);
  g_assert_cmpint (np_tcp_listen (&addr, 4, 0, &listener), ==, NP_OK);
  g_assert_cmpint (np_getsockname (listener, &addr), ==, NP_OK);
  port = np_addr_port (&addr);

  g_setenv ("NATTER_PING_INTERVAL_MS", "400", TRUE);
  cfg = make_config ("Silent", port, "erin", "#q");
  conn = natter_connection_new (cfg, NULL);
  g_unsetenv ("NATTER_PING_INTERVAL_MS");
  natter_connection_connect (conn);

  np_socket_set_timeout (listener, T_LONG);
  g_assert_cmpint (np_accept (listener, &fake->sock, NULL), ==, NP_OK);
  snprintf (fake->nick, sizeof fake->nick, "fake-server");
  g_assert_true (peer_expect (fake, "USER ", NULL, 0, T_LONG));
  irc_send (fake, ":fake.server 001 erin :Welcome");
  WAIT_FOR (natter_connection_get_state (conn) == NATTER_CONNECTION_CONNECTED, T_LONG);

  /* Idle: a PING goes out; unanswered, the link is dropped. */
  g_assert_true (peer_expect (fake, "PING :natter", NULL, 0, T_LONG));
  WAIT_FOR (natter_connection_get_state (conn) == NATTER_CONNECTION_WAITING, T_LONG);
  g_assert_nonnull (find_message (natter_connection_get_server_buffer (conn), NATTER_MESSAGE_STATUS,
                                  NULL, "Disconnected: Ping timeout"));

  natter_connection_disconnect (conn, NULL);
  irc_close (fake);
  g_free (fake);
  np_socket_close (listener);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  np_init ();
  signal (SIGABRT, kill_children);
#ifdef SIGTRAP   /* (not on Windows) */
  signal (SIGTRAP, kill_children);
#endif
  g_tick_id = peer_start_tick ();

  g_test_add_func ("/connection/chat", test_chat);
  g_test_add_func ("/connection/history-error", test_history_error);
  g_test_add_func ("/connection/reconnect", test_reconnect);
  g_test_add_func ("/connection/network-back", test_network_back);
  g_test_add_func ("/connection/ping-timeout", test_ping_timeout);
  rc = g_test_run ();

  g_source_remove (g_tick_id);
  np_cleanup ();
  return rc;
}
