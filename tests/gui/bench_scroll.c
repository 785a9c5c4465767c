/* Message list benchmark (CTest gui-bench-scroll, label bench), under Xvfb.
 *
 * For a 1,000- and a 100,000-message chat in a 1000x700 window: the time to
 * create the messages and to append them to the model (one append_many), the
 * time from set_model to the first painted frame, the resident memory the
 * model and its view add (resident, and heap in use), and a scroll from the bottom to the top one page
 * per frame, with the frame clock's frame intervals (count, p50, p95, max)
 * and the work each frame took (tick to after-paint).
 *
 * Each run is a fresh process (the program runs itself with --run N): in one
 * process the second run would reuse the heap the first one freed, and its
 * memory figures would mean nothing. A third run is the yardstick: a plain
 * GtkListView of GtkLabels showing the same 100,000 lines with the same
 * markup, built and scrolled the same way, so the figures can be read on a
 * shared, noisy machine (what the rows cost beyond GTK's own labels).
 * Prints a table and one JSON line; never asserts on timings. */
#include <adwaita.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <unistd.h>
#endif

#include "natter-message-model.h"
#include "natter-message-row.h"
#include "natter-message-view.h"
#include "view_util.h"

#define MAX_SCROLL_FRAMES 20000

typedef struct {
  guint   n_messages;
  double  rss_start_mb;    /* the process with its window shown, before the model */
  double  create_ms;
  double  append_ms;
  double  first_frame_ms;
  double  rss_model_mb;    /* after building the model */
  double  rss_view_mb;     /* after the first frame */
  double  rss_scrolled_mb; /* after scrolling through everything */
  double  heap_model_mb;   /* the same three, as heap in use (heap_mb) */
  double  heap_view_mb;
  double  heap_scrolled_mb;
  guint   frames;
  double  p50_ms, p95_ms, max_ms;
  double  work_p50_ms, work_p95_ms, work_max_ms;
  double  scroll_s;
  double  upper_px;
} Result;

typedef struct {
  GtkWindow         *window;
  GtkWidget         *view;    /* the NatterMessageView, or the plain list */
  GtkAdjustment     *adj;
  gint64             set_model_at;
  gint64             first_frame_at;
  gboolean           waiting_first_frame;
  gboolean           scrolling;
  gboolean           done;
  gint64             last_frame_time;
  gint64             tick_at;
  GArray            *intervals;   /* double ms */
  GArray            *work;        /* double ms */
} Run;

/* Resident memory in MB, from /proc (0 where there is none: the figures
 * are Linux's; the program still builds elsewhere, e.g. with MSYS2). */
static double
rss_mb (void)
{
#ifdef __linux__
  FILE *f = fopen ("/proc/self/statm", "r");
  unsigned long size = 0, resident = 0;

  if (f == NULL)
    return 0;
  if (fscanf (f, "%lu %lu", &size, &resident) != 2)
    resident = 0;
  fclose (f);
  return (double) resident * (double) sysconf (_SC_PAGESIZE) / (1024.0 * 1024.0);
#else
  return 0;
#endif
}

/* The heap in use (malloc'd, g_slice'd, mmapped by malloc), in MB: what
 * the model and the rows really allocate, which RSS hides when they reuse
 * pages the process already has. 0 where glibc's mallinfo2 is missing. */
static double
heap_mb (void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  struct mallinfo2 mi = mallinfo2 ();

  return (double) (mi.uordblks + mi.hblkhd) / (1024.0 * 1024.0);
#else
  return 0;
#endif
}

static double
ms_since (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / 1000.0;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
percentiles (GArray *values, double *p50, double *p95, double *max)
{
  *p50 = *p95 = *max = 0;
  if (values->len == 0)
    return;
  g_array_sort (values, cmp_double);
  *p50 = g_array_index (values, double, (values->len - 1) / 2);
  *p95 = g_array_index (values, double, (guint) ((values->len - 1) * 0.95));
  *max = g_array_index (values, double, values->len - 1);
}

/* A plausible busy channel: chat of varied length (some wrap, some carry
 * links or mention us), a join/part/quit every tenth line, spread over a
 * month so day separators appear. */
static NatterMessage **
make_messages (guint n)
{
  static const char *nicks[] = { "alice", "bob", "carol", "dave", "erin", "frank", "grace",
                                 "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy" };
  static const char *words[] = { "the", "build", "is", "green", "again", "after", "that", "patch",
                                 "landed", "did", "anyone", "try", "release", "candidate", "on",
                                 "windows", "yet", "looks", "fine", "here", "thanks" };
  NatterMessage **msgs = g_new (NatterMessage *, n);
  gint64 now = g_get_real_time () / 1000;
  gint64 span = (gint64) 30 * 24 * 3600 * 1000;
  GRand *rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < n; i++)
    {
      const char *nick = nicks[g_rand_int_range (rand, 0, G_N_ELEMENTS (nicks))];
      gint64 t = now - span + (gint64) ((double) span * i / n);

      if (i % 10 == 9)
        {
          NatterMessageKind kinds[] = { NATTER_MESSAGE_JOIN, NATTER_MESSAGE_PART, NATTER_MESSAGE_QUIT };
          msgs[i] = natter_message_new (kinds[i % 3], t, nick, i % 3 == 0 ? NULL : "Leaving", 0);
        }
      else
        {
          GString *text = g_string_new (NULL);
          int len = g_rand_int_range (rand, 2, i % 13 == 0 ? 60 : 16);
          NatterMessageFlags flags = 0;

          for (int w = 0; w < len; w++)
            g_string_append_printf (text, "%s%s", w ? " " : "",
                                    words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
          if (i % 17 == 0)
            g_string_append (text, " https://example.org/issues/1234");
          if (i % 23 == 0)
            {
              g_string_prepend (text, "me: ");
              flags |= NATTER_MESSAGE_FLAG_MENTION;
            }
          msgs[i] = natter_message_new (i % 31 == 0 ? NATTER_MESSAGE_ACTION : NATTER_MESSAGE_PRIVMSG,
                                        t, nick, text->str, flags);
          g_string_free (text, TRUE);
        }
    }
  g_rand_free (rand);
  return msgs;
}

static void
on_after_paint (GdkFrameClock *clock, Run *run)
{
  if (run->waiting_first_frame)
    {
      run->first_frame_at = g_get_monotonic_time ();
      run->waiting_first_frame = FALSE;
    }
  if (run->scrolling && run->tick_at != 0)
    {
      double ms = ms_since (run->tick_at);

      g_array_append_val (run->work, ms);
      run->tick_at = 0;
    }
}

static gboolean
on_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  Run *run = data;
  gint64 frame_time = gdk_frame_clock_get_frame_time (clock);
  double value = gtk_adjustment_get_value (run->adj);

  if (run->last_frame_time != 0)
    {
      double ms = (double) (frame_time - run->last_frame_time) / 1000.0;

      g_array_append_val (run->intervals, ms);
    }
  run->last_frame_time = frame_time;

  if (value <= 0 || run->intervals->len >= MAX_SCROLL_FRAMES)
    {
      run->done = TRUE;
      run->scrolling = FALSE;
      return G_SOURCE_REMOVE;
    }
  run->tick_at = g_get_monotonic_time ();
  gtk_adjustment_set_value (run->adj, MAX (0.0, value - gtk_adjustment_get_page_size (run->adj)));
  return G_SOURCE_CONTINUE;
}

/* The yardstick: one GtkLabel per row with the markup a NatterMessageRow
 * would show, nothing else. */
static void
plain_setup (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_list_item_set_child (item, label);
}

static void
plain_bind (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  gtk_label_set_markup (GTK_LABEL (gtk_list_item_get_child (item)),
                        gtk_string_object_get_string (gtk_list_item_get_item (item)));
}

static GtkWidget *
plain_list_new (GListModel *lines, GtkAdjustment **adj)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *list;

  g_signal_connect (factory, "setup", G_CALLBACK (plain_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (plain_bind), NULL);
  list = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (lines)), factory);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), list);
  *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  return scroller;
}

static gboolean
scroll_to_bottom (gpointer data)
{
  Run *run = data;

  gtk_adjustment_set_value (run->adj, gtk_adjustment_get_upper (run->adj));
  return G_SOURCE_CONTINUE;
}

static void
bench (guint n, gboolean plain, Result *res)
{
  Run run = { 0 };
  NatterMessageModel *model = NULL;
  GtkStringList *lines = NULL;
  NatterMessage **msgs;
  GdkFrameClock *clock;
  gulong paint_handler;
  double rss0, heap0;
  gint64 t0;

  memset (res, 0, sizeof *res);
  res->n_messages = n;

  run.window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (run.window, 1000, 700);
  if (!plain)
    {
      run.view = natter_message_view_new ();
      natter_message_view_set_nick (NATTER_MESSAGE_VIEW (run.view), "me");
      run.adj = natter_message_view_get_vadjustment (NATTER_MESSAGE_VIEW (run.view));
      gtk_window_set_child (run.window, run.view);
    }
  else
    {
      GtkWidget *holder = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

      run.view = holder;
      gtk_window_set_child (run.window, holder);
    }
  present_and_wait_mapped (run.window, run.view);
  spin (200);

  rss0 = rss_mb ();
  heap0 = heap_mb ();
  res->rss_start_mb = rss0;
  t0 = g_get_monotonic_time ();
  msgs = make_messages (n);
  res->create_ms = ms_since (t0);
  t0 = g_get_monotonic_time ();
  if (!plain)
    {
      model = natter_message_model_new ();
      natter_message_model_append_many (model, msgs, n);
    }
  else
    {
      lines = gtk_string_list_new (NULL);
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *markup = natter_message_row_markup (msgs[i], "me", FALSE);

          gtk_string_list_append (lines, markup);
        }
    }
  res->append_ms = ms_since (t0);
  for (guint i = 0; i < n; i++)
    g_object_unref (msgs[i]);
  g_free (msgs);
  res->rss_model_mb = rss_mb () - rss0;
  res->heap_model_mb = heap_mb () - heap0;

  clock = gtk_widget_get_frame_clock (run.view);
  paint_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &run);
  run.waiting_first_frame = TRUE;
  run.set_model_at = g_get_monotonic_time ();
  if (!plain)
    natter_message_view_set_model (NATTER_MESSAGE_VIEW (run.view), model);
  else
    {
      GtkWidget *scroller = plain_list_new (G_LIST_MODEL (lines), &run.adj);

      gtk_widget_set_vexpand (scroller, TRUE);
      gtk_box_append (GTK_BOX (run.view), scroller);
    }
  for (int i = 0; i < 10000 && run.waiting_first_frame; i++)
    g_main_context_iteration (NULL, TRUE);
  res->first_frame_ms = (double) (run.first_frame_at - run.set_model_at) / 1000.0;
  if (plain)
    {
      /* The message view sticks to the bottom by itself; the plain list
       * starts at the top and is chased there while its heights settle. */
      guint id = g_timeout_add (20, scroll_to_bottom, &run);

      settle_adjustment (run.adj);
      g_source_remove (id);
    }
  settle_adjustment (run.adj);
  res->rss_view_mb = rss_mb () - rss0;
  res->heap_view_mb = heap_mb () - heap0;
  res->upper_px = gtk_adjustment_get_upper (run.adj);

  run.intervals = g_array_new (FALSE, FALSE, sizeof (double));
  run.work = g_array_new (FALSE, FALSE, sizeof (double));
  run.scrolling = TRUE;
  t0 = g_get_monotonic_time ();
  gtk_widget_add_tick_callback (run.view, on_tick, &run, NULL);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  res->scroll_s = ms_since (t0) / 1000.0;
  res->frames = run.intervals->len;
  percentiles (run.intervals, &res->p50_ms, &res->p95_ms, &res->max_ms);
  percentiles (run.work, &res->work_p50_ms, &res->work_p95_ms, &res->work_max_ms);
  res->rss_scrolled_mb = rss_mb () - rss0;
  res->heap_scrolled_mb = heap_mb () - heap0;

  g_signal_handler_disconnect (clock, paint_handler);
  g_array_unref (run.intervals);
  g_array_unref (run.work);
  gtk_window_destroy (run.window);
  g_clear_object (&model);
  spin (100);
}

/* One run in a child process: this program with --run N (or --plain N),
 * which writes its Result to stdout. */
static gboolean
run_child (const char *self, const char *mode, guint n, Result *res)
{
  g_autofree char *count = g_strdup_printf ("%u", n);
  const char *argv[] = { self, mode, count, NULL };
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     &out, NULL, &status, &error))
    {
      g_printerr ("%s %s %u: %s\n", self, mode, n, error->message);
      return FALSE;
    }
  len = out != NULL ? strlen (out) : 0;
  if (!g_spawn_check_wait_status (status, &error) || len == 0)
    {
      g_printerr ("%s %s %u failed: %s\n", self, mode, n, error ? error->message : "no output");
      return FALSE;
    }
  /* The child prints its Result as hex: no stray byte can cut it short. */
  if (len != 2 * sizeof *res + 1)
    {
      g_printerr ("%s %s %u: unexpected output: %s\n", self, mode, n, out);
      return FALSE;
    }
  for (gsize i = 0; i < sizeof *res; i++)
    ((guint8 *) res)[i] = (guint8) (g_ascii_xdigit_value (out[2 * i]) << 4 | g_ascii_xdigit_value (out[2 * i + 1]));
  return TRUE;
}

static void
print_json_result (GString *out, const Result *r)
{
  g_string_append_printf (out,
                          "{\"messages\":%u,\"create_ms\":%.1f,\"append_many_ms\":%.1f,"
                          "\"first_frame_ms\":%.1f,\"rss_start_mb\":%.1f,\"rss_model_mb\":%.1f,\"rss_view_mb\":%.1f,"
                          "\"rss_scrolled_mb\":%.1f,\"heap_model_mb\":%.1f,\"heap_view_mb\":%.1f,"
                          "\"heap_scrolled_mb\":%.1f,\"height_px\":%.0f,\"frames\":%u,"
                          "\"frame_p50_ms\":%.2f,\"frame_p95_ms\":%.2f,\"frame_max_ms\":%.2f,"
                          "\"work_p50_ms\":%.2f,\"work_p95_ms\":%.2f,\"work_max_ms\":%.2f,"
                          "\"scroll_s\":%.2f}",
                          r->n_messages, r->create_ms, r->append_ms, r->first_frame_ms,
                          r->rss_start_mb, r->rss_model_mb, r->rss_view_mb, r->rss_scrolled_mb, r->heap_model_mb,
                          r->heap_view_mb, r->heap_scrolled_mb, r->upper_px,
                          r->frames, r->p50_ms, r->p95_ms, r->max_ms, r->work_p50_ms,
                          r->work_p95_ms, r->work_max_ms, r->scroll_s);
}

int
main (int argc, char **argv)
{
  Result small, big, plain;
  GString *json;
  guint large;

  if (argc == 3 && (strcmp (argv[1], "--run") == 0 || strcmp (argv[1], "--plain") == 0))
    {
      Result res;

      if (!gtk_init_check ())
        return 77;
      adw_init ();
      bench ((guint) atoi (argv[2]), strcmp (argv[1], "--plain") == 0, &res);
      for (gsize i = 0; i < sizeof res; i++)
        printf ("%02x", ((const guint8 *) &res)[i]);
      printf ("\n");
      return 0;
    }

  if (!gtk_init_check ())
    {
      printf ("SKIP: no display\n");
      return 77;
    }

  /* NATTER_BENCH_LARGE: another size for the big run, for quick profiling. */
  large = g_getenv ("NATTER_BENCH_LARGE") != NULL ? (guint) atoi (g_getenv ("NATTER_BENCH_LARGE")) : 100000;
  if (large == 0)
    large = 100000;
  if (!run_child (argv[0], "--run", 1000, &small) || !run_child (argv[0], "--run", large, &big) ||
      !run_child (argv[0], "--plain", large, &plain))
    return 1;

  printf ("\nMessage list, 1000x700 window, one page per frame from bottom to top;\n"
          "each run in its own process. \"plain\": a GtkListView of GtkLabels with the\n"
          "same markup, scrolled the same way (the yardstick for this machine, now).\n\n");
  printf ("%-24s %12s %12u %12s %8s\n", "messages", "1000", big.n_messages, "plain", "vs plain");
#define ROW(label, field, fmt) \
  printf ("%-24s %12" fmt " %12" fmt " %12" fmt " %8.2f\n", label, small.field, big.field, \
          plain.field, plain.field > 0 ? big.field / plain.field : 0.0)
  ROW ("create messages (ms)", create_ms, ".1f");
  ROW ("model (ms)", append_ms, ".1f");
  ROW ("first frame (ms)", first_frame_ms, ".1f");
  ROW ("RSS at start (MB)", rss_start_mb, ".1f");
  ROW ("+ RSS model (MB)", rss_model_mb, ".1f");
  ROW ("+ RSS view (MB)", rss_view_mb, ".1f");
  ROW ("+ RSS after scroll (MB)", rss_scrolled_mb, ".1f");
  ROW ("+ heap model (MB)", heap_model_mb, ".1f");
  ROW ("+ heap view (MB)", heap_view_mb, ".1f");
  ROW ("+ heap after scroll (MB)", heap_scrolled_mb, ".1f");
  ROW ("list height (px)", upper_px, ".0f");
  printf ("%-24s %12u %12u %12u %8.2f\n", "scroll frames", small.frames, big.frames, plain.frames,
          plain.frames > 0 ? (double) big.frames / plain.frames : 0.0);
  ROW ("frame interval p50 (ms)", p50_ms, ".2f");
  ROW ("frame interval p95 (ms)", p95_ms, ".2f");
  ROW ("frame interval max (ms)", max_ms, ".2f");
  ROW ("frame work p50 (ms)", work_p50_ms, ".2f");
  ROW ("frame work p95 (ms)", work_p95_ms, ".2f");
  ROW ("frame work max (ms)", work_max_ms, ".2f");
  ROW ("total scroll (s)", scroll_s, ".2f");
#undef ROW

  json = g_string_new ("{\"bench\":\"gui-scroll\",\"runs\":[");
  print_json_result (json, &small);
  g_string_append_c (json, ',');
  print_json_result (json, &big);
  g_string_append (json, "],\"plain\":");
  print_json_result (json, &plain);
  g_string_append_printf (json, ",\"ratio_frame_p50\":%.2f,\"ratio_first_frame\":%.2f,"
                          "\"vs_plain_work_p50\":%.2f}",
                          small.p50_ms > 0 ? big.p50_ms / small.p50_ms : 0.0,
                          small.first_frame_ms > 0 ? big.first_frame_ms / small.first_frame_ms : 0.0,
                          plain.work_p50_ms > 0 ? big.work_p50_ms / plain.work_p50_ms : 0.0);
  printf ("\n%s\n", json->str);
  g_string_free (json, TRUE);
  return 0;
}
