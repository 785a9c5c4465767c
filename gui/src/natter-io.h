/* NatterIo: one TCP connection attempt, served by a worker thread that only
 * moves bytes, so the GLib main thread never waits on the network.
 *
 * The thread resolves and connects (libnp, with a timeout), then waits on a
 * poller for the socket and for wake-ups from the main thread. Whatever it
 * reads is handed to the main context in order; the callbacks below run
 * there, never on the worker. After natter_io_close() no callback runs any
 * more, even for bytes already read: the main thread is free to forget the
 * object at once, and the worker frees the shared state when it is done.
 *
 * Not a GObject: it has exactly one owner (a NatterConnection) and no
 * properties or signals anyone could bind to. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _NatterIo NatterIo;

typedef struct {
  /* The TCP connection is up; bytes queued before now are being sent. */
  void (*connected) (gpointer user_data);
  /* Bytes from the peer, any split. */
  void (*received)  (const char *data, gsize len, gpointer user_data);
  /* The connection failed or ended (reason: a sentence, e.g. "Connection
   * refused", "The server closed the connection"). Called once, last. */
  void (*closed)    (const char *reason, gpointer user_data);
} NatterIoCallbacks;

/* Start connecting to host:port in a new thread (timeout_ms for the connect,
 * name resolution included). Callbacks run on the thread-default main
 * context of the caller. */
NatterIo *natter_io_new   (const char              *host,
                           guint16                  port,
                           guint                    timeout_ms,
                           const NatterIoCallbacks *callbacks,
                           gpointer                 user_data);
/* Queue bytes to send (before the connection is up too). */
void      natter_io_send  (NatterIo *self, const char *data, gsize len);
/* Stop: no callback runs after this returns. flush: the worker still tries
 * to send what is queued (a QUIT) for a few seconds before closing. Never
 * blocks. self is freed. */
void      natter_io_close (NatterIo *self, gboolean flush);

G_END_DECLS
