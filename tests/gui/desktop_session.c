/* desktop_session.c: see desktop_session.h. */
#include "desktop_session.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DS_MAX_PROCS 16

static np_test_proc *procs[DS_MAX_PROCS];
static char bindir[1024];
static char keyfile[1024];

/* A failed g_assert aborts, and atexit handlers do not run on abort: stop
 * the children from the signal, or natterd and the app outlive the test
 * (holding ctest's output pipe, so the test hangs until its timeout). */
static void
stop_all_and_die (int sig)
{
  ds_stop_all ();
  signal (sig, SIG_DFL);
  raise (sig);
}

gboolean
ds_init (void)
{
  const char *config = g_getenv ("XDG_CONFIG_HOME");
  const char *bin = g_getenv ("NATTER_BIN_DIR");
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  g_autofree char *import = g_find_program_in_path ("import");

  if (!config || !bin || !g_getenv ("DISPLAY"))
    {
      g_print ("SKIP: run me through with-xvfb.sh (needs DISPLAY, XDG_CONFIG_HOME, NATTER_BIN_DIR)\n");
      return FALSE;
    }
  if (!xdotool || !import)
    {
      g_print ("SKIP: xdotool and ImageMagick are needed\n");
      return FALSE;
    }
  g_strlcpy (bindir, bin, sizeof bindir);
  g_snprintf (keyfile, sizeof keyfile, "%s/glib-2.0/settings/keyfile", config);
  np_init ();
  atexit (ds_stop_all);
  signal (SIGABRT, stop_all_and_die);
#ifdef SIGTRAP   /* g_error under G_DEBUG=fatal-*; not on Windows */
  signal (SIGTRAP, stop_all_and_die);
#endif
  return TRUE;
}

int
ds_main (int *argc, char ***argv, const char *path, GTestFunc test)
{
  g_test_init (argc, argv, NULL);
  if (!ds_init ())
    return 77;
  g_test_add_func (path, test);
  return g_test_run ();
}

void
ds_stop (np_test_proc **p)
{
  if (*p == NULL)
    return;
  for (int i = 0; i < DS_MAX_PROCS; i++)
    if (procs[i] == *p)
      procs[i] = NULL;
  np_test_proc_kill (*p);
  *p = NULL;
}

int
ds_wait (np_test_proc **p, int64_t timeout_ms)
{
  int code = -1;

  for (int i = 0; i < DS_MAX_PROCS; i++)
    if (procs[i] == *p)
      procs[i] = NULL;
  g_assert_cmpint (np_test_proc_wait (*p, timeout_ms, &code), ==, NP_OK);
  *p = NULL;
  return code;
}

void
ds_stop_all (void)
{
  for (int i = 0; i < DS_MAX_PROCS; i++)
    if (procs[i])
      {
        np_test_proc_kill (procs[i]);
        procs[i] = NULL;
      }
}

static np_test_proc *
spawn (const char *const *argv, const char *const *env)
{
  np_test_proc *p = NULL;
  np_err err = np_test_spawn (argv, env, &p);

  if (err != NP_OK)
    g_error ("cannot start %s: %s", argv[0], np_strerror (err));
  for (int i = 0; i < DS_MAX_PROCS; i++)
    if (procs[i] == NULL)
      {
        procs[i] = p;
        break;
      }
  return p;
}

void
ds_expect (np_test_proc *p, const char *who, const char *needle, int64_t timeout_ms)
{
  char line[2048] = "";

  if (np_test_proc_expect (p, needle, line, sizeof line, timeout_ms) != NP_OK)
    {
      ds_stop_all ();
      g_error ("%s: no line containing \"%s\" (last: \"%s\")", who, needle, line);
    }
  g_test_message ("%s: %s", who, line);
}

void
ds_write (np_test_proc *p, const char *line)
{
  g_autofree char *text = g_strdup_printf ("%s\n", line);

  g_assert_cmpint (np_test_proc_write (p, text), ==, NP_OK);
}

np_test_proc *
ds_start_natterd (const char *listen, char port[16])
{
  g_autofree char *path = g_build_filename (bindir, "natterd", NULL);
  const char *argv[] = { path, "--listen", listen, "--no-flood-limits", "--log-level", "warn", NULL };
  char line[512];
  const char *colon;
  np_test_proc *p = spawn (argv, NULL);

  g_assert_cmpint (np_test_proc_expect (p, "natterd: listening on ", line, sizeof line, DS_T_START), ==, NP_OK);
  colon = strrchr (line, ':');
  g_assert_nonnull (colon);
  g_strlcpy (port, colon + 1, 16);
  g_strchomp (port);
  return p;
}

np_test_proc *
ds_start_cli (const char *port, const char *nick, const char *channel)
{
  g_autofree char *path = g_build_filename (bindir, "natter-cli", NULL);
  g_autofree char *hostport = g_strdup_printf ("127.0.0.1:%s", port);
  g_autofree char *joined = g_strdup_printf ("-> %s joined %s", nick, channel);
  const char *argv[] = { path, hostport, "--nick", nick, "--join", channel, NULL };
  np_test_proc *p = spawn (argv, NULL);

  ds_expect (p, nick, joined, DS_T_START);
  return p;
}

np_test_proc *
ds_start_app_env (const char *uri, const char *extra_env)
{
  g_autofree char *path = g_build_filename (bindir, "natter", NULL);
  const char *argv[] = { path, uri, NULL };
  /* A critical in the app is a bug even when what the test watches still
   * happens: make it abort the app, which fails the test. */
  const char *env[] = { "NATTER_UI_TRACE=1", "GSETTINGS_BACKEND=keyfile", "GTK_A11Y=none",
                        "G_DEBUG=fatal-criticals", extra_env, NULL };

  return spawn (argv, env);
}

np_test_proc *
ds_start_app (const char *uri)
{
  return ds_start_app_env (uri, NULL);
}

void
ds_quit_app (np_test_proc **app)
{
  ds_key ("ctrl+q");
  g_assert_cmpint (ds_wait (app, DS_T_START), ==, 0);
}

const char *
ds_keyfile (void)
{
  return keyfile;
}

void
ds_write_keyfile (const char *text)
{
  g_autofree char *dir = g_path_get_dirname (keyfile);

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (keyfile, text, -1, NULL));
}

void
ds_run (const char *cmdline, char **out)
{
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (!g_spawn_command_line_sync (cmdline, out, NULL, &status, &error))
    g_error ("%s: %s", cmdline, error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s: %s", cmdline, error->message);
}

void
ds_key (const char *keys)
{
  g_autofree char *cmd = g_strdup_printf ("xdotool key %s", keys);

  ds_run (cmd, NULL);
}

void
ds_type_line (const char *text)
{
  g_autofree char *quoted = g_shell_quote (text);
  g_autofree char *win = NULL;
  g_autofree char *cmd = NULL;

  ds_run ("xdotool search --sync --onlyvisible --name Natter", &win);
  g_strstrip (win);
  if (strchr (win, '\n'))
    *strchr (win, '\n') = '\0';
  cmd = g_strdup_printf ("xdotool windowfocus --sync %s type --delay 15 %s", win, quoted);
  ds_run (cmd, NULL);
  ds_key ("Return");
}

double
ds_screenshot (const char *name)
{
  const char *dir = g_getenv ("NATTER_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autofree char *cmd = NULL;
  g_autofree char *out = NULL;
  double mean = 0, sd = 0;

  g_assert_nonnull (dir);
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  cmd = g_strdup_printf ("import -window root -crop 1000x640+0+0 +repage %s", path);
  ds_run (cmd, NULL);
  g_free (cmd);
  cmd = g_strdup_printf ("convert %s -colorspace Gray -format \"%%[fx:mean] %%[fx:standard_deviation]\" info:", path);
  ds_run (cmd, &out);
  g_assert_cmpint (sscanf (out, "%lf %lf", &mean, &sd), ==, 2);
  g_test_message ("%s: mean %.3f, sd %.3f", path, mean, sd);
  /* A blank (or single-colour) capture has no spread at all. */
  g_assert_cmpfloat (sd, >, 0.03);
  return mean;
}

void
ds_region (const char *name, int x, int y, int w, int h,
           double *mean, double *darkest, double *lightest)
{
  g_autofree char *path = g_build_filename (g_getenv ("NATTER_SCREENSHOT_DIR"), name, NULL);
  g_autofree char *cmd = NULL;
  g_autofree char *out = NULL;

  cmd = g_strdup_printf ("convert %s -crop %dx%d+%d+%d +repage -colorspace Gray "
                         "-format \"%%[fx:mean] %%[fx:minima] %%[fx:maxima]\" info:",
                         path, w, h, x, y);
  ds_run (cmd, &out);
  g_assert_cmpint (sscanf (out, "%lf %lf %lf", mean, darkest, lightest), ==, 3);
  g_test_message ("%s %dx%d+%d+%d: mean %.3f, darkest %.3f, lightest %.3f",
                  name, w, h, x, y, *mean, *darkest, *lightest);
}

guint16
ds_free_port (void)
{
  np_socket_t s;
  np_addr addr;
  guint16 port;

  g_assert_cmpint (np_test_listener (NP_AF_INET, &s, &addr), ==, NP_OK);
  port = np_addr_port (&addr);
  np_socket_close (s);
  return port;
}
