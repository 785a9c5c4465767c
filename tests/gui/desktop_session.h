/* What the end-to-end tests of the desktop app share: starting the real
 * programs (natter, natterd, natter-cli) as child processes that are always
 * stopped, waiting for their output lines, typing into the app's window with
 * xdotool, and taking screenshots. Runs inside with-xvfb.sh. */
#pragma once

#include <glib.h>
#include "np_test.h"

#define DS_T_START 30000   /* a process starts and is ready */
#define DS_T_EVENT 20000   /* one thing happens in answer to another */

/* Checks the environment (DISPLAY, XDG dirs, NATTER_BIN_DIR, xdotool,
 * ImageMagick); returns FALSE after printing why the test must skip. */
gboolean      ds_init (void);
/* The whole main() of an end-to-end test: g_test_init, ds_init (exit 77, the
 * skip code, when it fails), one test case at path, g_test_run. */
int           ds_main (int *argc, char ***argv, const char *path, GTestFunc test);
/* Every process started through ds_* is killed by ds_stop_all (also at exit). */
void          ds_stop_all (void);
void          ds_stop (np_test_proc **p);
/* Wait for *p to exit by itself; returns its exit code (fails the test if it
 * does not exit in time) and sets *p to NULL. */
int           ds_wait (np_test_proc **p, int64_t timeout_ms);

/* natterd on listen ("127.0.0.1:0" for any port); port receives the port. */
np_test_proc *ds_start_natterd (const char *listen, char port[16]);
/* natter-cli as nick, joined to channel, once it says so. */
np_test_proc *ds_start_cli (const char *port, const char *nick, const char *channel);
/* The app with NATTER_UI_TRACE on, the keyfile settings backend and
 * criticals fatal (G_DEBUG); uri may be NULL. */
np_test_proc *ds_start_app (const char *uri);
/* The same with one more environment entry ("NAME=value", may be NULL). */
np_test_proc *ds_start_app_env (const char *uri, const char *extra_env);
/* Quit the app the way a user does (Ctrl+Q in its window) and check that it
 * exits with 0; sets *app to NULL. */
void          ds_quit_app (np_test_proc **app);

/* Wait for a line containing needle; fails the test with the last line seen. */
void          ds_expect (np_test_proc *p, const char *who, const char *needle, int64_t timeout_ms);
void          ds_write (np_test_proc *p, const char *line);

/* The settings keyfile the app reads (GSETTINGS_BACKEND=keyfile). */
const char   *ds_keyfile (void);
void          ds_write_keyfile (const char *text);

/* Run a command line; fails the test unless it exits 0. out may be NULL. */
void          ds_run (const char *cmdline, char **out);
/* Type a line into the app's focused input and press Enter. */
void          ds_type_line (const char *text);
void          ds_key (const char *keys);
/* A PNG of the window area into $NATTER_SCREENSHOT_DIR/name; checks it is
 * not blank and returns its mean grey level (0 black .. 1 white). */
double        ds_screenshot (const char *name);
/* Grey levels (0 black .. 1 white) of the w x h area at x, y of a screenshot
 * ds_screenshot saved: their mean, darkest and lightest. */
void          ds_region (const char *name, int x, int y, int w, int h,
                         double *mean, double *darkest, double *lightest);
/* A port nobody listens on right now. */
guint16       ds_free_port (void);
