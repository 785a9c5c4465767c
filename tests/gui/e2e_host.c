/* End to end: "Host a chat on this computer". The app, started with a hosted
 * network saved, runs libnatter's server inside itself on the saved port,
 * tells the user the address to share, and joins its own channel; a separate
 * natter-cli (any IRC client would do) connects to that address and the two
 * chat. After a restart the app hosts again on the same port. */
#include <string.h>
#include "desktop_session.h"

static void
write_settings (guint16 port)
{
  g_autofree char *text = g_strdup_printf (
    "[org/natter/Natter]\n"
    "networks=[('This computer', '127.0.0.1', uint16 %u, 'host', 'Host', '', ['#natter'], true)]\n"
    "host-on-lan=false\n"
    "notifications=false\n",
    port);

  ds_write_keyfile (text);
}

static void
test_host (void)
{
  guint16 p = ds_free_port ();
  char port[16];
  g_autofree char *addr = NULL;
  np_test_proc *app, *guest;

  g_snprintf (port, sizeof port, "%u", p);
  write_settings (p);

  app = ds_start_app (NULL);
  addr = g_strdup_printf ("for this computer only: IRC apps here can join at irc://127.0.0.1:%u", p);
  ds_expect (app, "app", addr, DS_T_START);
  ds_expect (app, "app", "ui: selected This computer/#natter", DS_T_START);

  guest = ds_start_cli (port, "guest", "#natter");
  ds_expect (app, "app", "ui: shown This computer/#natter guest joined", DS_T_EVENT);
  ds_type_line ("welcome to my computer");
  ds_expect (guest, "guest", "#natter <host> welcome to my computer", DS_T_EVENT);
  ds_write (guest, "thanks for hosting");
  ds_expect (app, "app", "ui: shown This computer/#natter <guest> thanks for hosting", DS_T_EVENT);

  /* Quitting the app stops its server: the guest is told and dropped. */
  ds_quit_app (&app);
  ds_expect (guest, "guest", "disconnected", DS_T_EVENT);
  ds_stop (&guest);

  /* Next start: hosting again on the same port, history still there. */
  app = ds_start_app (NULL);
  ds_expect (app, "app", addr, DS_T_START);
  ds_expect (app, "app", "ui: selected This computer/#natter", DS_T_START);
  ds_expect (app, "app", "<guest> thanks for hosting", DS_T_EVENT);
  guest = ds_start_cli (port, "guest2", "#natter");
  ds_expect (app, "app", "ui: shown This computer/#natter guest2 joined", DS_T_EVENT);
  ds_stop_all ();
}

int
main (int argc, char **argv)
{
  return ds_main (&argc, &argv, "/e2e/host", test_host);
}
