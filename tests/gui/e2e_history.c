/* End to end: scrollback from disk. A peer says 600 numbered lines in
 * #hist; the app is quit and started again; the chat opens at its newest
 * lines, and paging up from the input (PgUp, as a user does) brings the
 * older ones back from the SQLite history, page after page, down to the
 * very first line. The app traces every message it puts in the list
 * ("ui: shown Hist/#hist <peer> line 001"). */
#include <stdio.h>
#include <string.h>
#include "desktop_session.h"

#define N_LINES 600

static void
write_settings (const char *port)
{
  g_autofree char *text = g_strdup_printf (
    "[org/natter/Natter]\n"
    "networks=[('Hist', '127.0.0.1', uint16 %s, 'reader', 'Reader', '', ['#hist'], false)]\n"
    "notifications=false\n"
    "window-width=1000\n"
    "window-height=640\n",
    port);

  ds_write_keyfile (text);
}

static void
test_history (void)
{
  char port[16];
  char line[2048];
  np_test_proc *natterd, *peer, *app;
  gboolean found = FALSE;

  natterd = ds_start_natterd ("127.0.0.1:0", port);
  peer = ds_start_cli (port, "peer", "#hist");
  write_settings (port);

  app = ds_start_app (NULL);
  ds_expect (app, "app", "ui: selected Hist/#hist", DS_T_START);
  ds_expect (peer, "peer", "-> reader joined #hist", DS_T_EVENT);
  {
    GString *burst = g_string_new (NULL);

    for (int i = 1; i <= N_LINES; i++)
      g_string_append_printf (burst, "line %03d\n", i);
    g_string_truncate (burst, burst->len - 1);
    ds_write (peer, burst->str);
    g_string_free (burst, TRUE);
  }
  ds_expect (app, "app", "ui: shown Hist/#hist <peer> line 600", 60000);
  ds_quit_app (&app);

  /* Next start: the newest lines come from disk; line 001 is far above. */
  app = ds_start_app (NULL);
  ds_expect (app, "app", "ui: selected Hist/#hist", DS_T_START);
  ds_expect (app, "app", "<peer> line 600", DS_T_EVENT);

  ds_key ("Page_Up");   /* (the input has the focus) */
  for (int i = 0; i < 150 && !found; i++)
    {
      ds_key ("Page_Up");
      found = np_test_proc_expect (app, "ui: shown Hist/#hist <peer> line 001", line, sizeof line,
                                   200) == NP_OK;
    }
  if (!found)
    {
      ds_stop_all ();
      g_error ("paging up never brought back the first line from history");
    }
  g_test_message ("app: %s", line);
  ds_quit_app (&app);
  ds_stop (&peer);
  ds_stop (&natterd);
}

int
main (int argc, char **argv)
{
  return ds_main (&argc, &argv, "/e2e/history", test_history);
}
