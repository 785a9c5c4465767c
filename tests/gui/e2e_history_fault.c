/* End to end: the history database fails under a running chat, and the chat
 * goes on. The real `natter` against a real natterd, with natter-cli as the
 * other person:
 *   1. the disk fills up (NATTER_HISTORY_MAX_PAGES caps the database file, as
 *      a full disk would): the app says history is not being saved, and every
 *      message still shows and still goes out;
 *   2. the history cannot be opened at all (its directory is a file): the app
 *      says history is off, and chatting works as before. */
#include <glib/gstdio.h>
#include <stdio.h>
#include "desktop_session.h"

static void
write_settings (const char *port)
{
  g_autofree char *text = g_strdup_printf (
    "[org/natter/Natter]\n"
    "networks=[('Test', '127.0.0.1', uint16 %s, 'guiuser', 'GUI User', '', ['#test'], false)]\n"
    "notifications=false\n",
    port);

  ds_write_keyfile (text);
}

static void
test_history_fault (void)
{
  char port[16];
  np_test_proc *natterd = ds_start_natterd ("127.0.0.1:0", port);
  np_test_proc *peer = ds_start_cli (port, "peer", "#test");
  np_test_proc *app;
  GString *burst = g_string_new (NULL);
  g_autofree char *data_dir = g_build_filename (g_get_user_data_dir (), "natter", NULL);

  write_settings (port);

  /* 1. the disk fills up */
  app = ds_start_app_env (NULL, "NATTER_HISTORY_MAX_PAGES=48");
  ds_expect (app, "app", "ui: selected Test/#test", DS_T_START);
  /* In bursts of 100, reading what the peer prints in between so its
   * output pipe never fills and stalls it. */
  for (int i = 1; i <= 600; i++)
    {
      g_string_append_printf (burst, "line %03d %s\n", i,
                              "filler to fill the history database quickly, as a long chat would, "
                              "filler to fill the history database quickly, as a long chat would, "
                              "filler to fill the history database quickly, as a long chat would");
      if (i % 100 == 0)
        {
          g_autofree char *echo = g_strdup_printf ("#test <peer> line %03d ", i);
          g_assert_cmpint (np_test_proc_write (peer, burst->str), ==, NP_OK);
          g_string_truncate (burst, 0);
          ds_expect (peer, "peer", echo, DS_T_EVENT);
        }
    }
  ds_expect (app, "app", "ui: toast Messages are not being saved: The disk holding the chat history", DS_T_EVENT);
  ds_write (peer, "after the disk filled up");
  ds_expect (app, "app", "ui: shown Test/#test <peer> after the disk filled up", DS_T_EVENT);
  ds_type_line ("still chatting with a full disk");
  ds_expect (peer, "peer", "#test <guiuser> still chatting with a full disk", DS_T_EVENT);
  ds_quit_app (&app);

  /* 2. the history cannot be opened: its directory is a file */
  {
    g_autofree char *db = g_build_filename (data_dir, "history.db", NULL);
    g_autofree char *wal = g_strdup_printf ("%s-wal", db);
    g_autofree char *shm = g_strdup_printf ("%s-shm", db);
    g_remove (db);
    g_remove (wal);
    g_remove (shm);
    g_assert_cmpint (g_rmdir (data_dir), ==, 0);
    g_assert_true (g_file_set_contents (data_dir, "not a directory\n", -1, NULL));
  }
  app = ds_start_app (NULL);
  ds_expect (app, "app", "ui: toast History is off", DS_T_START);
  ds_expect (app, "app", "ui: selected Test/#test", DS_T_START);
  ds_write (peer, "can you hear me without history?");
  ds_expect (app, "app", "ui: shown Test/#test <peer> can you hear me without history?", DS_T_EVENT);
  ds_type_line ("yes, loud and clear");
  ds_expect (peer, "peer", "#test <guiuser> yes, loud and clear", DS_T_EVENT);
  ds_quit_app (&app);

  g_string_free (burst, TRUE);
  ds_stop (&peer);
  ds_stop (&natterd);
}

int
main (int argc, char **argv)
{
  return ds_main (&argc, &argv, "/e2e/history-fault", test_history_fault);
}
