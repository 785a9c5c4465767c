/* What the tests and benchmarks that put a NatterMessageView on screen share:
 * running the main loop for a while, waiting for a widget to be mapped and
 * for a scrolled list to stop moving. Header-only: each is its own program. */
#ifndef NATTER_TESTS_GUI_VIEW_UTIL_H
#define NATTER_TESTS_GUI_VIEW_UTIL_H

#include <gtk/gtk.h>

/* Run the main loop for ms without blocking in it: a frame may be due while
 * no source is ready. */
static inline void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* Present window and wait (up to about 5 s) until widget is mapped; returns
 * whether it is. */
static inline gboolean
present_and_wait_mapped (GtkWindow *window, GtkWidget *widget)
{
  gtk_window_present (window);
  for (int i = 0; i < 500 && !gtk_widget_get_mapped (widget); i++)
    spin (10);
  return gtk_widget_get_mapped (widget);
}

/* Run the main loop until adj (value, upper and page size) has not moved for
 * a few rounds: layout, and with it the list's height, settles over frames. */
static inline void
settle_adjustment (GtkAdjustment *adj)
{
  double pv = -1, pu = -1, pp = -1;
  int stable = 0;

  for (int i = 0; i < 400 && stable < 4; i++)
    {
      double v, u, p;

      spin (25);
      v = gtk_adjustment_get_value (adj);
      u = gtk_adjustment_get_upper (adj);
      p = gtk_adjustment_get_page_size (adj);
      stable = (v == pv && u == pu && p == pp) ? stable + 1 : 0;
      pv = v, pu = u, pp = p;
    }
}

#endif
