/* The end-to-end harness itself: a test whose assertion fails must not leave
 * the programs it started running (a natterd left over holds its port and
 * ctest's output pipe, and the next run finds a stranger there).
 *
 * The test runs itself with --fail: that child starts natterd through
 * desktop_session, prints the port, then fails an assertion (abort). Once the
 * child is gone, nothing may listen on that port any more. */
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>
#include "desktop_session.h"

static const char *self_path;

static void
test_children_die_with_a_failed_test (void)
{
  const char *argv[] = { self_path, "--fail", NULL };
  np_test_proc *child = NULL;
  char line[256];
  unsigned port = 0;
  np_socket_t s;
  np_err err;
  int code = 0;

  g_assert_cmpint (np_test_spawn (argv, NULL, &child), ==, NP_OK);
  g_assert_cmpint (np_test_proc_expect (child, "natterd port ", line, sizeof line, DS_T_START), ==, NP_OK);
  g_assert_cmpint (sscanf (strstr (line, "natterd port ") + 13, "%u", &port), ==, 1);
  g_assert_cmpint (np_test_proc_wait (child, DS_T_START, &code), ==, NP_OK);
  g_assert_cmpint (code, !=, 0);

  /* natterd was killed with its test: the port refuses (allow it a moment
   * to go). */
  for (int i = 0; i < 50; i++)
    {
      err = np_tcp_connect ("127.0.0.1", (uint16_t) port, 2000, &s);
      if (err != NP_OK)
        break;
      np_socket_close (s);
      g_usleep (100 * 1000);
    }
  if (err == NP_OK)
    g_error ("natterd (port %u) outlived the failed test that started it", port);
  g_assert_cmpint (err, ==, NP_ECONNREFUSED);
}

int
main (int argc, char **argv)
{
  self_path = argv[0];
  if (argc == 2 && strcmp (argv[1], "--fail") == 0)
    {
      char port[16];

      g_test_init (&argc, &argv, NULL);
      if (!ds_init ())
        return 77;
      ds_start_natterd ("127.0.0.1:0", port);
      printf ("natterd port %s\n", port);
      fflush (stdout);
      g_assert_not_reached ();
    }
  return ds_main (&argc, &argv, "/e2e/harness/children-die-with-a-failed-test",
                  test_children_die_with_a_failed_test);
}
