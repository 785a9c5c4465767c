/* NatterLocalServer: the embedded server on a loopback port chosen at run
 * time, a raw IRC client (libnp only) and a NatterConnection chatting through
 * it, a port already in use, addresses, and stopping (twice). */
#include <glib.h>
#include <string.h>

#include "natter-connection.h"
#include "natter-local-server.h"
#include "natter-message-model.h"
#include "np_test.h"
#include "../interop/irc_client.h"

#define T_LONG 30000    /* failure guards only */

static gboolean
tick (gpointer data)
{
  (void) data;
  return G_SOURCE_CONTINUE;
}

#define WAIT_FOR(expr, ms)                                                      \
  G_STMT_START {                                                                \
    gint64 wait_deadline_ = g_get_monotonic_time () + (gint64) (ms) * 1000;     \
    while (!(expr) && g_get_monotonic_time () < wait_deadline_)                 \
      g_main_context_iteration (NULL, TRUE);                                    \
    if (!(expr))                                                                \
      g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #expr);   \
  } G_STMT_END

static gboolean
peer_expect (irc_client *c, const char *needle, char *out, gsize outlen, gint64 timeout_ms)
{
  gint64 deadline = np_now_ms () + timeout_ms;
  char line[4096];

  while (np_now_ms () < deadline)
    {
      np_err err;

      for (int i = 0; i < 5; i++)
        g_main_context_iteration (NULL, FALSE);
      err = irc_readline (c, line, sizeof line, 20);
      if (err == NP_ETIMEDOUT)
        continue;
      if (err != NP_OK)
        break;
      if (strncmp (line, "PING ", 5) == 0)
        irc_send (c, "PONG %s", line + 5);
      if (strstr (line, needle) != NULL)
        {
          if (out != NULL)
            irc_copy (out, outlen, line);
          return TRUE;
        }
    }
  g_printerr ("peer %s: no line with \"%s\"\n", c->nick, needle);
  return FALSE;
}

static NatterMessage *
find_message (NatterBuffer *buffer, NatterMessageKind kind, const char *nick, const char *text)
{
  GListModel *model = G_LIST_MODEL (natter_buffer_get_messages (buffer));
  guint n = g_list_model_get_n_items (model);

  for (guint i = n; i-- > 0;)
    {
      g_autoptr(NatterMessage) msg = g_list_model_get_item (model, i);

      if (natter_message_get_kind (msg) == kind &&
          (nick == NULL || g_strcmp0 (natter_message_get_nick (msg), nick) == 0) &&
          (text == NULL || (natter_message_get_text (msg) != NULL &&
                            strstr (natter_message_get_text (msg), text) != NULL)))
        return msg;
    }
  return NULL;
}

static void
test_host_and_chat (void)
{
  g_autoptr(NatterLocalServer) server = natter_local_server_new ();
  g_autoptr(NatterLocalServer) second = natter_local_server_new ();
  g_autoptr(NatterNetworkConfig) cfg = NULL;
  g_autoptr(NatterConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) addresses = NULL;
  g_autofree char *loopback = NULL;
  g_autofree char *named = NULL;
  irc_client *peer = g_new0 (irc_client, 1);
  NatterBuffer *lobby;
  char line[1024];
  guint16 port;

  g_assert_false (natter_local_server_is_running (server));
  g_assert_true (natter_local_server_start (server, 0, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (natter_local_server_is_running (server));
  port = natter_local_server_get_port (server);
  g_assert_cmpuint (port, >, 0);

  addresses = natter_local_server_get_addresses (server);
  loopback = g_strdup_printf ("irc://127.0.0.1:%u", port);
  named = g_strdup_printf ("irc://%s:%u", g_get_host_name (), port);
  g_assert_cmpuint (g_strv_length (addresses), ==, 2);
  g_assert_cmpstr (addresses[0], ==, named);
  g_assert_cmpstr (addresses[1], ==, loopback);

  /* The same port again: in use, said in words naming the port. */
  g_assert_false (natter_local_server_start (second, port, FALSE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  {
    g_autofree char *want = g_strdup_printf ("Port %u is already in use", port);
    g_assert_nonnull (strstr (error->message, want));
  }
  g_clear_error (&error);
  g_assert_false (natter_local_server_is_running (second));

  /* A raw client and the app's connection meet in #lobby. */
  g_assert_true (irc_register (peer, port, "guest"));
  g_assert_true (irc_join (peer, "#lobby"));

  cfg = natter_network_config_new ("My chat", "127.0.0.1", port, "host");
  g_strfreev (cfg->channels);
  cfg->channels = g_strsplit ("#lobby", ",", -1);
  conn = natter_connection_new (cfg, NULL);
  natter_connection_connect (conn);
  WAIT_FOR (natter_connection_get_state (conn) == NATTER_CONNECTION_CONNECTED, T_LONG);
  WAIT_FOR (g_strcmp0 (natter_connection_get_name (conn), "Natter") == 0, T_LONG);
  WAIT_FOR ((lobby = natter_connection_find_buffer (conn, "#lobby")) != NULL &&
            natter_buffer_get_joined (lobby), T_LONG);
  g_assert_true (peer_expect (peer, "JOIN", line, sizeof line, T_LONG));
  g_assert_nonnull (strstr (line, ":host!"));
  /* The MOTD of an embedded server says whose it is. */
  g_assert_nonnull (find_message (natter_connection_get_server_buffer (conn), NATTER_MESSAGE_SERVER,
                                  NULL, "hosted by"));

  irc_send (peer, "PRIVMSG #lobby :hello host");
  WAIT_FOR (find_message (lobby, NATTER_MESSAGE_PRIVMSG, "guest", "hello host") != NULL, T_LONG);
  g_assert_true (natter_connection_execute (conn, lobby, "hello guest", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (peer_expect (peer, "PRIVMSG #lobby :hello guest", NULL, 0, T_LONG));

  /* Stopping tells the clients; the app's connection waits to come back. */
  natter_local_server_stop (server);
  g_assert_false (natter_local_server_is_running (server));
  g_assert_cmpuint (natter_local_server_get_port (server), ==, 0);
  g_assert_true (irc_expect_eof (peer, T_LONG));
  WAIT_FOR (natter_connection_get_state (conn) == NATTER_CONNECTION_WAITING, T_LONG);
  natter_local_server_stop (server);
  g_assert_false (natter_local_server_is_running (server));
  {
    g_auto(GStrv) none = natter_local_server_get_addresses (server);
    g_assert_cmpuint (g_strv_length (none), ==, 0);
  }

  /* Hosting again on the same port works; the connection finds it. */
  g_assert_true (natter_local_server_start (server, port, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (natter_local_server_get_port (server), ==, port);
  WAIT_FOR (natter_connection_get_state (conn) == NATTER_CONNECTION_CONNECTED, 90000);
  WAIT_FOR (natter_buffer_get_joined (lobby), T_LONG);

  natter_connection_disconnect (conn, NULL);
  irc_close (peer);
  g_free (peer);
  natter_local_server_stop (server);
}

static void
test_lan (void)
{
  g_autoptr(NatterLocalServer) server = natter_local_server_new ();
  g_autoptr(GError) error = NULL;
  irc_client *peer = g_new0 (irc_client, 1);

  /* Every interface: loopback reaches it too. */
  g_assert_true (natter_local_server_start (server, 0, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (irc_register (peer, natter_local_server_get_port (server), "lanuser"));
  irc_close (peer);
  g_free (peer);
  /* Disposed while running: the thread is stopped and joined. */
}

int
main (int argc, char **argv)
{
  guint id;
  int rc;

  g_test_init (&argc, &argv, NULL);
  np_init ();
  id = g_timeout_add (10, tick, NULL);

  g_test_add_func ("/local-server/host-and-chat", test_host_and_chat);
  g_test_add_func ("/local-server/lan", test_lan);
  rc = g_test_run ();

  g_source_remove (id);
  np_cleanup ();
  return rc;
}
