/* natter-io.c: the worker thread behind a NatterConnection's socket. */
#include "natter-io.h"

#include <np/np.h>

/* Bytes read in one np_recv, and how much unread input may pile up before
 * the worker stops reading until the main thread catches up (the kernel
 * buffer then slows the server down, not our memory). */
#define IO_READ_CHUNK 16384
#define IO_INBOX_MAX  (4 * 1024 * 1024)
/* How long a flushing close keeps trying to get the QUIT out. */
#define IO_FLUSH_MS   3000

struct _NatterIo {
  gint               ref_count;   /* the owner's handle, the worker, a queued dispatch */
  char              *host;
  guint16            port;
  guint              timeout_ms;
  np_poller         *poller;
  GMainContext      *context;
  NatterIoCallbacks  callbacks;
  gpointer           user_data;

  GMutex             lock;        /* guards the fields up to the next comment */
  GByteArray        *outbox;
  GByteArray        *inbox;
  gboolean           closing;
  gboolean           flush;
  gboolean           connected;   /* to announce */
  char              *closed_reason;
  gboolean           dispatch_queued;

  /* Main thread only. */
  gboolean           cancelled;
  gboolean           closed_delivered;
};

static NatterIo *
natter_io_ref (NatterIo *self)
{
  g_atomic_int_inc (&self->ref_count);
  return self;
}

static void
natter_io_unref (gpointer data)
{
  NatterIo *self = data;

  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;
  if (self->poller != NULL)
    np_poller_close (self->poller);
  g_byte_array_unref (self->outbox);
  g_byte_array_unref (self->inbox);
  g_free (self->closed_reason);
  g_free (self->host);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_free (self);
}

static gboolean
io_dispatch (gpointer data)
{
  NatterIo *self = data;
  GByteArray *inbox;
  gboolean connected;
  char *reason = NULL;

  g_mutex_lock (&self->lock);
  self->dispatch_queued = FALSE;
  connected = self->connected;
  self->connected = FALSE;
  inbox = self->inbox;
  self->inbox = g_byte_array_new ();
  if (self->closed_reason != NULL && !self->closed_delivered)
    {
      reason = g_strdup (self->closed_reason);
      self->closed_delivered = TRUE;
    }
  g_mutex_unlock (&self->lock);

  /* Each callback may close us: check again before the next one. */
  if (connected && !self->cancelled && self->callbacks.connected != NULL)
    self->callbacks.connected (self->user_data);
  if (inbox->len > 0 && !self->cancelled && self->callbacks.received != NULL)
    self->callbacks.received ((const char *) inbox->data, inbox->len, self->user_data);
  if (reason != NULL && !self->cancelled && self->callbacks.closed != NULL)
    self->callbacks.closed (reason, self->user_data);

  g_byte_array_unref (inbox);
  g_free (reason);
  return G_SOURCE_REMOVE;
}

/* With the lock held. An explicit idle source, not g_main_context_invoke:
 * that would run the callback right here on the worker whenever the main
 * thread happens not to own the default context at this instant. */
static void
io_queue_dispatch_locked (NatterIo *self)
{
  GSource *source;

  if (self->dispatch_queued)
    return;
  self->dispatch_queued = TRUE;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, io_dispatch, natter_io_ref (self), natter_io_unref);
  g_source_set_static_name (source, "[natter] io dispatch");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static void
io_post_closed (NatterIo *self, const char *reason)
{
  g_mutex_lock (&self->lock);
  if (self->closed_reason == NULL)
    self->closed_reason = g_strdup (reason);
  io_queue_dispatch_locked (self);
  g_mutex_unlock (&self->lock);
}

static char *
io_describe_error (np_err err)
{
  switch (err)
    {
    case NP_ECONNREFUSED:
      return g_strdup ("Connection refused");
    case NP_ETIMEDOUT:
      return g_strdup ("The server did not answer in time");
    case NP_ECONNRESET:
      return g_strdup ("The connection was reset");
    case NP_EAI_NONAME:
    case NP_EAI_NODATA:
      return g_strdup ("No such server name");
    case NP_EAI_AGAIN:
      return g_strdup ("The server name could not be looked up (no network?)");
    case NP_ENETUNREACH:
    case NP_ENETDOWN:
      return g_strdup ("The network is unreachable");
    case NP_EHOSTUNREACH:
      return g_strdup ("The server is unreachable");
    default:
      {
        const char *text = np_strerror (err);
        return g_strdup_printf ("%c%s", g_ascii_toupper (text[0]), text + 1);
      }
    }
}

static gpointer
io_thread (gpointer data)
{
  NatterIo *self = data;
  np_socket_t sock = NP_INVALID_SOCKET;
  char *reason = NULL;
  gint64 flush_deadline = 0;
  char *buf;
  np_err err;

  err = np_tcp_connect (self->host, self->port, self->timeout_ms, &sock);
  if (err != NP_OK)
    {
      reason = io_describe_error (err);
      io_post_closed (self, reason);
      g_free (reason);
      natter_io_unref (self);
      return NULL;
    }
  if (np_socket_set_blocking (sock, 0) != NP_OK ||
      (err = np_poller_add (self->poller, sock, NP_POLL_IN, NULL)) != NP_OK)
    {
      reason = io_describe_error (np_last_error ());
      goto out;
    }
  np_set_nodelay (sock, 1);
  np_set_keepalive (sock, 1);

  g_mutex_lock (&self->lock);
  self->connected = TRUE;
  io_queue_dispatch_locked (self);
  g_mutex_unlock (&self->lock);

  buf = g_malloc (IO_READ_CHUNK);
  for (;;)
    {
      np_poll_event events[2];
      gboolean closing, flush;
      gsize outlen, inlen;
      unsigned want = 0;
      int64_t timeout = -1;
      int n = 0;

      g_mutex_lock (&self->lock);
      closing = self->closing;
      flush = self->flush;
      outlen = self->outbox->len;
      inlen = self->inbox->len;
      g_mutex_unlock (&self->lock);

      if (closing)
        {
          if (!flush || outlen == 0)
            break;
          if (flush_deadline == 0)
            flush_deadline = np_now_ms () + IO_FLUSH_MS;
          timeout = flush_deadline - np_now_ms ();
          if (timeout <= 0)
            break;
        }
      if (!closing && inlen < IO_INBOX_MAX)
        want |= NP_POLL_IN;
      if (outlen > 0)
        want |= NP_POLL_OUT;
      np_poller_modify (self->poller, sock, want, NULL);
      err = np_poller_wait (self->poller, events, G_N_ELEMENTS (events), timeout, &n);
      if (err != NP_OK)
        {
          reason = io_describe_error (err);
          break;
        }

      for (int i = 0; i < n && reason == NULL; i++)
        {
          if ((events[i].events & (NP_POLL_IN | NP_POLL_HUP | NP_POLL_ERR)) == 0 || closing)
            continue;
          for (;;)
            {
              size_t got = 0;

              err = np_recv (sock, buf, IO_READ_CHUNK, &got);
              if (err == NP_EAGAIN)
                break;
              if (err != NP_OK)
                {
                  reason = io_describe_error (err);
                  break;
                }
              if (got == 0)
                {
                  reason = g_strdup ("The server closed the connection");
                  break;
                }
              g_mutex_lock (&self->lock);
              g_byte_array_append (self->inbox, (const guint8 *) buf, got);
              inlen = self->inbox->len;
              io_queue_dispatch_locked (self);
              g_mutex_unlock (&self->lock);
              if (inlen >= IO_INBOX_MAX)
                break;
            }
        }
      if (reason != NULL)
        break;

      g_mutex_lock (&self->lock);
      if (self->outbox->len > 0)
        {
          size_t sent = 0;

          err = np_send (sock, self->outbox->data, self->outbox->len, &sent);
          if (err == NP_OK && sent > 0)
            g_byte_array_remove_range (self->outbox, 0, sent);
          else if (err != NP_OK && err != NP_EAGAIN)
            reason = io_describe_error (err);
        }
      g_mutex_unlock (&self->lock);
      if (reason != NULL)
        break;
    }
  g_free (buf);

out:
  if (reason != NULL)
    io_post_closed (self, reason);
  g_free (reason);
  np_poller_remove (self->poller, sock);
  np_socket_close (sock);
  natter_io_unref (self);
  return NULL;
}

NatterIo *
natter_io_new (const char              *host,
               guint16                  port,
               guint                    timeout_ms,
               const NatterIoCallbacks *callbacks,
               gpointer                 user_data)
{
  static gsize np_ready = 0;
  NatterIo *self;
  GThread *thread;
  np_err err;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (callbacks != NULL, NULL);

  /* libnp is reference counted; the app keeps one reference for its life. */
  if (g_once_init_enter (&np_ready))
    {
      np_init ();
      g_once_init_leave (&np_ready, 1);
    }

  self = g_new0 (NatterIo, 1);
  self->ref_count = 1;
  self->host = g_strdup (host);
  self->port = port;
  self->timeout_ms = timeout_ms;
  self->context = g_main_context_ref_thread_default ();
  self->callbacks = *callbacks;
  self->user_data = user_data;
  self->outbox = g_byte_array_new ();
  self->inbox = g_byte_array_new ();
  g_mutex_init (&self->lock);

  err = np_poller_open (&self->poller);
  if (err != NP_OK)
    {
      char *reason = io_describe_error (err);

      self->poller = NULL;
      io_post_closed (self, reason);
      g_free (reason);
      return self;
    }

  thread = g_thread_new ("natter-io", io_thread, natter_io_ref (self));
  g_thread_unref (thread);
  return self;
}

void
natter_io_send (NatterIo   *self,
                const char *data,
                gsize       len)
{
  g_return_if_fail (self != NULL);

  if (len == 0)
    return;
  g_mutex_lock (&self->lock);
  g_byte_array_append (self->outbox, (const guint8 *) data, len);
  g_mutex_unlock (&self->lock);
  if (self->poller != NULL)
    np_poller_wakeup (self->poller);
}

void
natter_io_close (NatterIo *self,
                 gboolean  flush)
{
  if (self == NULL)
    return;
  self->cancelled = TRUE;
  g_mutex_lock (&self->lock);
  self->closing = TRUE;
  self->flush = flush;
  g_mutex_unlock (&self->lock);
  if (self->poller != NULL)
    np_poller_wakeup (self->poller);
  natter_io_unref (self);
}
