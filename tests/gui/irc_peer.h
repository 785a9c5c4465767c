/* What the tests that put a NatterConnection on a real server share: a raw
 * IRC peer (tests/interop/irc_client.h, libnp only) read while the GLib main
 * loop keeps the connection working, waiting on the main loop for a
 * condition, and finding a message in a buffer. Header-only: every
 * test_<name>.c is its own program. */
#ifndef NATTER_TESTS_GUI_IRC_PEER_H
#define NATTER_TESTS_GUI_IRC_PEER_H

#include <glib.h>
#include <string.h>

#include "natter-connection.h"
#include "natter-message-model.h"
#include "np_test.h"
#include "../interop/irc_client.h"

#define T_LONG 30000    /* failure guards only: nothing here is a timing claim */

static inline gboolean
peer_tick (gpointer data)
{
  (void) data;
  return G_SOURCE_CONTINUE;
}

/* A 10 ms timer, so that a blocking main-loop turn never sleeps longer than
 * that: the connection's I/O thread wakes the loop, but a condition polled by
 * WAIT_FOR may change without any source firing. Returns the source id. */
static inline guint
peer_start_tick (void)
{
  return g_timeout_add (10, peer_tick, NULL);
}

/* One main-loop turn that never sleeps longer than the tick. */
static inline void
iterate (void)
{
  g_main_context_iteration (NULL, TRUE);
}

#define WAIT_FOR(expr, ms)                                                      \
  G_STMT_START {                                                                \
    gint64 wait_deadline_ = g_get_monotonic_time () + (gint64) (ms) * 1000;     \
    while (!(expr) && g_get_monotonic_time () < wait_deadline_)                 \
      iterate ();                                                               \
    if (!(expr))                                                                \
      g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #expr);   \
  } G_STMT_END

/* Read the peer's lines until one contains needle, running our main loop
 * between reads so the connection keeps working meanwhile. */
static inline gboolean
peer_expect (irc_client *c, const char *needle, char *out, gsize outlen, gint64 timeout_ms)
{
  gint64 deadline = np_now_ms () + timeout_ms;
  char line[4096];

  while (np_now_ms () < deadline)
    {
      np_err err;

      for (int i = 0; i < 5; i++)
        g_main_context_iteration (NULL, FALSE);
      err = irc_readline (c, line, sizeof line, 20);
      if (err == NP_ETIMEDOUT)
        continue;
      if (err != NP_OK)
        break;
      if (strncmp (line, "PING ", 5) == 0)
        irc_send (c, "PONG %s", line + 5);
      if (strstr (line, needle) != NULL)
        {
          if (out != NULL)
            irc_copy (out, outlen, line);
          return TRUE;
        }
    }
  g_printerr ("peer %s: no line with \"%s\"\n", c->nick, needle);
  return FALSE;
}

/* The newest message of kind in buffer from nick whose text contains text
 * (NULL: any); the buffer's model keeps it alive. */
static inline NatterMessage *
find_message (NatterBuffer *buffer, NatterMessageKind kind, const char *nick, const char *text)
{
  GListModel *model = G_LIST_MODEL (natter_buffer_get_messages (buffer));
  guint n = g_list_model_get_n_items (model);

  for (guint i = n; i-- > 0;)
    {
      g_autoptr(NatterMessage) msg = g_list_model_get_item (model, i);

      if (natter_message_get_kind (msg) != kind)
        continue;
      if (nick != NULL && g_strcmp0 (natter_message_get_nick (msg), nick) != 0)
        continue;
      if (text != NULL && (natter_message_get_text (msg) == NULL ||
                           strstr (natter_message_get_text (msg), text) == NULL))
        continue;
      return msg;
    }
  return NULL;
}

#endif
