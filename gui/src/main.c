/* natter: the GTK 4 desktop chat client. */
#include "natter-application.h"

int
main (int argc, char **argv)
{
  g_autoptr (NatterApplication) app = natter_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
