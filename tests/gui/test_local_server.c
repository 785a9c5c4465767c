/* NatterLocalServer: the embedded server on a loopback port chosen at run
 * time, a raw IRC client (libnp only) and a NatterConnection chatting through
 * it, a port already in use, addresses, and stopping (twice). */
#include <glib.h>
#include <string.h>

#include "natter-local-server.h"
#include "irc_peer.h"

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

  /* Listening on loopback only: the host name would be a promise it cannot
   * keep (on Debian it resolves to 127.0.1.1, and nobody else gets in). */
  addresses = natter_local_server_get_addresses (server);
  loopback = g_strdup_printf ("irc://127.0.0.1:%u", port);
  named = g_strdup_printf ("irc://%s:%u", g_get_host_name (), port);
  g_assert_cmpuint (g_strv_length (addresses), ==, 1);
  g_assert_cmpstr (addresses[0], ==, loopback);
  {
    g_autofree char *told = natter_local_server_describe (server);

    g_test_message ("%s", told);
    g_assert_nonnull (strstr (told, loopback));
    g_assert_nonnull (strstr (told, "this computer only"));
    g_assert_null (strstr (told, named));
    g_assert_null (strstr (told, "others"));
  }

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

  /* On the network: others get the host name, this computer 127.0.0.1. */
  g_assert_true (natter_local_server_start (server, 0, TRUE, &error));
  g_assert_no_error (error);
  port = natter_local_server_get_port (server);
  {
    g_auto(GStrv) lan = natter_local_server_get_addresses (server);
    g_autofree char *lan_named = g_strdup_printf ("irc://%s:%u", g_get_host_name (), port);
    g_autofree char *lan_loopback = g_strdup_printf ("irc://127.0.0.1:%u", port);
    g_autofree char *told = natter_local_server_describe (server);

    g_assert_cmpuint (g_strv_length (lan), ==, 2);
    g_assert_cmpstr (lan[0], ==, lan_named);
    g_assert_cmpstr (lan[1], ==, lan_loopback);
    g_test_message ("%s", told);
    g_assert_nonnull (strstr (told, "others can join at"));
    g_assert_nonnull (strstr (told, lan_named));
  }
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
  id = peer_start_tick ();

  g_test_add_func ("/local-server/host-and-chat", test_host_and_chat);
  g_test_add_func ("/local-server/lan", test_lan);
  rc = g_test_run ();

  g_source_remove (id);
  np_cleanup ();
  return rc;
}
