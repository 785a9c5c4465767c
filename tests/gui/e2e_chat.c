/* End to end: the real `natter` app under Xvfb, typed into with xdotool,
 * against a real natterd, with natter-cli as the other person.
 *
 *   1. a saved network is reconnected on start and its channel rejoined;
 *   2. a line typed into the window reaches the peer; the peer's reply shows
 *      in the window's message list;
 *   3. /query opens a private chat, whose message reaches the peer;
 *      Tab completes a nick; Alt+1, Ctrl+PgUp/PgDn and the Ctrl+K quick
 *      switcher move between chats;
 *   4. screenshots in light and dark mode (saved to the build tree) differ
 *      the right way, are not blank, show the messages as readable text
 *      (dark on light, light on dark), and a private chat has no empty topic
 *      strip above its messages; /nick changes the nick and the window
 *      follows;
 *   5. natterd is killed and restarted on the same port: the app says it is
 *      reconnecting, reconnects and rejoins (the new peer sees it);
 *   6. `natter irc://127.0.0.1:PORT/#other` reaches the running app, which
 *      joins #other;
 *   7. a private message to a chat not on screen raises a desktop
 *      notification (a stand-in notification service on the test's own D-Bus
 *      session records it); with no service running it is harmless;
 *   8. quit with Ctrl+Q, start again: networks, channels and scrollback come
 *      back (history from SQLite).
 *
 * The app prints what it shows when NATTER_UI_TRACE is set ("ui: shown
 * Test/#test <peer> hi"); the test waits for those lines. */
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>
#include "desktop_session.h"

/* Where things are in a screenshot: the window (1000x640, from the settings
 * below) sits at the top left of the screen; its header bars end at about
 * y = 52; the chat starts right of the 235-pixel sidebar; in a channel the
 * topic bar takes y = 52..80 and the member list x >= 815. */
#define SHOT_MESSAGES 250, 120, 550, 110   /* the first messages of #test */
#define SHOT_BELOW_HEADER 700, 56, 100, 20 /* topic bar in a channel, else the list */
#define SHOT_EMPTY_LIST 700, 480, 100, 60  /* below the last message */

static np_test_proc *natterd, *peer, *app;
static char port[16];

/* ---- a stand-in org.freedesktop.Notifications service ------------------------ */

static GMutex notes_lock;
static GPtrArray *notes;   /* "summary|body" */

static const char notify_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "<arg type='u' direction='out'/></method>"
  "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "<method name='GetServerInformation'><arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "<arg type='s' direction='out'/><arg type='s' direction='out'/></method>"
  "</interface></node>";

static void
notify_call (GDBusConnection *c, const char *sender, const char *path, const char *iface,
             const char *method, GVariant *params, GDBusMethodInvocation *inv, gpointer data)
{
  if (g_strcmp0 (method, "Notify") == 0)
    {
      const char *summary, *body;
      g_variant_get_child (params, 3, "&s", &summary);
      g_variant_get_child (params, 4, "&s", &body);
      g_mutex_lock (&notes_lock);
      g_ptr_array_add (notes, g_strdup_printf ("%s|%s", summary, body));
      g_mutex_unlock (&notes_lock);
      g_dbus_method_invocation_return_value (inv, g_variant_new ("(u)", notes->len));
    }
  else if (g_strcmp0 (method, "GetCapabilities") == 0)
    {
      const char *caps[] = { "body", "actions", NULL };
      g_dbus_method_invocation_return_value (inv, g_variant_new ("(^as)", caps));
    }
  else if (g_strcmp0 (method, "GetServerInformation") == 0)
    g_dbus_method_invocation_return_value (inv, g_variant_new ("(ssss)", "test", "natter", "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (inv, NULL);
}

static gpointer
notification_service (gpointer data)
{
  GMainContext *ctx = g_main_context_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notify_xml, NULL);
  static const GDBusInterfaceVTable vtable = { notify_call, NULL, NULL, { 0 } };
  GVariant *reply;

  g_main_context_push_thread_default (ctx);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications", info->interfaces[0],
                                     &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.Notifications", 4u),
                                       NULL, 0, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_unref (reply);
  g_atomic_int_set ((int *) data, 1);
  for (;;)
    g_main_context_iteration (ctx, TRUE);
  return NULL;
}

static gboolean
wait_for_note (const char *needle, int timeout_ms)
{
  for (int waited = 0; waited < timeout_ms; waited += 100)
    {
      gboolean found = FALSE;
      g_mutex_lock (&notes_lock);
      for (guint i = 0; i < notes->len && !found; i++)
        found = strstr (g_ptr_array_index (notes, i), needle) != NULL;
      g_mutex_unlock (&notes_lock);
      if (found)
        return TRUE;
      g_usleep (100 * 1000);
    }
  return FALSE;
}

static void
write_settings (const char *scheme, const char *channels)
{
  g_autofree char *text = g_strdup_printf (
    "[org/natter/Natter]\n"
    "networks=[('Test', '127.0.0.1', uint16 %s, 'guiuser', 'GUI User', '', [%s], false)]\n"
    "color-scheme='%s'\n"
    "notifications=true\n"
    "window-width=1000\n"
    "window-height=640\n",
    port, channels, scheme);

  ds_write_keyfile (text);
}

static void
set_scheme (const char *scheme)
{
  g_autofree char *text = NULL;
  g_autoptr (GRegex) re = g_regex_new ("color-scheme='[a-z]+'", 0, 0, NULL);
  g_autofree char *repl = g_strdup_printf ("color-scheme='%s'", scheme);
  g_autofree char *out = NULL;

  g_assert_true (g_file_get_contents (ds_keyfile (), &text, NULL, NULL));
  out = g_regex_replace_literal (re, text, -1, 0, repl, 0, NULL);
  ds_write_keyfile (out);
}

static void
test_chat (void)
{
  g_autofree char *hostport = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *cmd = NULL;
  g_autofree char *saved = NULL;
  double light, dark;

  natterd = ds_start_natterd ("127.0.0.1:0", port);
  peer = ds_start_cli (port, "peer", "#test");
  write_settings ("light", "'#test'");

  /* 1. the saved network comes back, #test is joined */
  app = ds_start_app (NULL);
  ds_expect (app, "app", "ui: state Test 3", DS_T_START);
  ds_expect (peer, "peer", "-> guiuser joined #test", DS_T_EVENT);
  ds_expect (app, "app", "ui: selected Test/#test", DS_T_EVENT);

  /* 2. both directions in the channel */
  ds_type_line ("hello from the window");
  ds_expect (peer, "peer", "#test <guiuser> hello from the window", DS_T_EVENT);
  ds_write (peer, "hi guiuser, welcome");
  ds_expect (app, "app", "ui: shown Test/#test <peer> hi guiuser, welcome", DS_T_EVENT);

  /* 3. a private chat */
  ds_type_line ("/query peer");
  ds_expect (app, "app", "ui: selected Test/peer", DS_T_EVENT);
  ds_type_line ("just between us");
  ds_expect (peer, "peer", "*guiuser* just between us", DS_T_EVENT);
  ds_write (peer, "/msg guiuser sure thing");
  ds_expect (app, "app", "ui: shown Test/peer <peer> sure thing", DS_T_EVENT);
  /* A private chat has no topic: its messages start right below the header,
   * not under an empty strip. */
  g_usleep (500 * 1000);
  ds_screenshot ("natter-query.png");
  {
    double band, band_dark, band_light, list, list_dark, list_light;

    ds_region ("natter-query.png", SHOT_BELOW_HEADER, &band, &band_dark, &band_light);
    ds_region ("natter-query.png", SHOT_EMPTY_LIST, &list, &list_dark, &list_light);
    g_assert_cmpfloat (list_dark, ==, list_light);
    g_assert_cmpfloat (band_dark, ==, list_dark);
    g_assert_cmpfloat (band_light, ==, list_light);
  }
  ds_type_line ("/join #test");
  ds_expect (app, "app", "ui: selected Test/#test", DS_T_EVENT);
  ds_write (peer, "/topic Natter end-to-end test https://natter.invalid");
  ds_expect (app, "app", "ui: topic #test Natter end-to-end test", DS_T_EVENT);

  /* keyboard: nick completion, Alt+N, Ctrl+PgDn, the Ctrl+K quick switcher */
  ds_run ("xdotool type --delay 15 pe", NULL);
  ds_key ("Tab");
  ds_run ("xdotool type --delay 15 'tab completed'", NULL);
  ds_key ("Return");
  ds_expect (peer, "peer", "#test <guiuser> peer: tab completed", DS_T_EVENT);
  ds_key ("alt+1");
  ds_expect (app, "app", "ui: selected Test/Test", DS_T_EVENT);
  ds_key ("ctrl+Page_Down");
  ds_expect (app, "app", "ui: selected Test/#test", DS_T_EVENT);
  ds_key ("ctrl+k");
  g_usleep (500 * 1000);
  ds_run ("xdotool type --delay 15 pee", NULL);
  ds_key ("Return");
  ds_expect (app, "app", "ui: selected Test/peer", DS_T_EVENT);
  ds_key ("ctrl+Page_Up");
  ds_expect (app, "app", "ui: selected Test/#test", DS_T_EVENT);

  /* 4. light and dark */
  g_usleep (700 * 1000);
  light = ds_screenshot ("natter-light.png");
  set_scheme ("dark");
  g_usleep (1500 * 1000);
  dark = ds_screenshot ("natter-dark.png");
  g_assert_cmpfloat (dark, <, light - 0.2);
  /* The messages are there and readable: a light list with dark text, then
   * a dark list with light text. */
  {
    double mean, darkest, lightest;

    ds_region ("natter-light.png", SHOT_MESSAGES, &mean, &darkest, &lightest);
    g_assert_cmpfloat (mean, >, 0.8);
    g_assert_cmpfloat (darkest, <, 0.35);
    ds_region ("natter-dark.png", SHOT_MESSAGES, &mean, &darkest, &lightest);
    g_assert_cmpfloat (mean, <, 0.3);
    g_assert_cmpfloat (lightest, >, 0.85);
  }
  set_scheme ("light");

  /* A new nick and back (after the screenshots, which stay a plain chat):
   * the peer sees both, the window follows. */
  ds_type_line ("/nick guiuser2");
  ds_expect (peer, "peer", "guiuser is now known as guiuser2", DS_T_EVENT);
  ds_expect (app, "app", "ui: state Test 3 Connected as guiuser2", DS_T_EVENT);
  ds_type_line ("/nick guiuser");
  ds_expect (peer, "peer", "guiuser2 is now known as guiuser", DS_T_EVENT);
  ds_expect (app, "app", "ui: state Test 3 Connected as guiuser", DS_T_EVENT);

  /* 5. the server goes away and comes back on the same port */
  ds_stop (&peer);
  ds_stop (&natterd);
  ds_expect (app, "app", "ui: state Test 4 Reconnecting in", DS_T_EVENT);
  hostport = g_strdup_printf ("127.0.0.1:%s", port);
  natterd = ds_start_natterd (hostport, port);
  peer = ds_start_cli (port, "peer", "#test");
  ds_expect (app, "app", "ui: state Test 3", 90000);
  ds_write (peer, "/names #test");
  ds_expect (peer, "peer", "guiuser", DS_T_EVENT);

  /* 6. an irc:// link handed to the running app */
  uri = g_strdup_printf ("irc://127.0.0.1:%s/%%23other", port);
  {
    np_test_proc *second = ds_start_app (uri);
    g_assert_cmpint (ds_wait (&second, DS_T_START), ==, 0);
  }
  ds_expect (app, "app", "ui: selected Test/#other", DS_T_EVENT);
  ds_write (peer, "/join #other");
  ds_expect (peer, "peer", "-> peer joined #other", DS_T_EVENT);

  /* 7. notifications: none while no service runs, then one */
  ds_write (peer, "/msg guiuser nobody hears this");
  ds_type_line ("still here");
  ds_expect (peer, "peer", "#other <guiuser> still here", DS_T_EVENT);
  {
    int ready = 0;
    notes = g_ptr_array_new_with_free_func (g_free);
    g_thread_unref (g_thread_new ("notifications", notification_service, &ready));
    while (!g_atomic_int_get (&ready))
      g_usleep (10 * 1000);
  }
  ds_write (peer, "/msg guiuser are you there?");
  if (!wait_for_note ("peer (private message)|are you there?", DS_T_EVENT))
    {
      ds_stop_all ();
      g_error ("no desktop notification for a private message");
    }

  /* 8. quit, and everything comes back */
  ds_type_line ("/join #test");
  ds_expect (app, "app", "ui: selected Test/#test", DS_T_EVENT);
  ds_quit_app (&app);
  g_assert_true (g_file_get_contents (ds_keyfile (), &saved, NULL, NULL));
  g_assert_nonnull (strstr (saved, "#other"));
  ds_expect (peer, "peer", "<- guiuser quit", DS_T_EVENT);

  app = ds_start_app (NULL);
  ds_expect (app, "app", "ui: state Test 3", DS_T_START);
  ds_expect (app, "app", "ui: selected Test/#test", DS_T_EVENT);
  ds_expect (app, "app", "ui: shown Test/#test <peer> hi guiuser, welcome", DS_T_EVENT);
  ds_expect (peer, "peer", "-> guiuser joined #other", DS_T_EVENT);
  ds_stop_all ();
}

int
main (int argc, char **argv)
{
  return ds_main (&argc, &argv, "/e2e/chat", test_chat);
}
