/* natter-connection.c
 *
 * The session (libnatter) is sans-I/O and lives here on the main thread; the
 * socket lives on a NatterIo worker. Every read from the socket is one batch:
 * feed it, turn all resulting events into messages queued on their buffers,
 * then flush each touched buffer once, so a burst of 500 lines costs one
 * model update and one history transaction per chat.
 */
#include "natter-connection.h"
#include "natter-connection-private.h"
#include "natter-buffer-private.h"
#include "natter-command.h"
#include "natter-io.h"
#include "natter-text.h"

#include <natter/session.h>
#include <string.h>

#define CONNECT_TIMEOUT_MS   15000
#define RETRY_MAX_S          60
#define PING_INTERVAL_MS     (240 * 1000)
#define PING_TIMEOUT_MS      (300 * 1000)
#define HISTORY_RECOVERED_US (30 * G_USEC_PER_SEC)   /* history works again after this long without a failure */

struct _NatterConnection
{
  GObject                parent_instance;

  NatterNetworkConfig   *config;
  NatterHistory         *history;
  nt_session            *session;
  NatterIo              *io;
  GListStore            *buffers;
  NatterBuffer          *server_buffer;

  NatterConnectionState  state;
  char                  *status;
  char                  *name;
  char                  *nick;

  gboolean               want_online;     /* keep reconnecting */
  gboolean               session_started;
  gboolean               quitting;        /* the drop is the user's /quit */
  gint64                 history_failed_at;   /* monotonic µs of the last failed write, 0 */
  guint                  attempt;         /* reconnect attempts since the last success */
  gint64                 retry_at;        /* monotonic µs */
  guint                  retry_id;
  guint                  retry_shown_s;

  guint                  ping_id;
  gint64                 last_rx;         /* monotonic µs */
  gboolean               ping_sent;
  guint                  ping_interval_ms;
  guint                  ping_timeout_ms;

  GNetworkMonitor       *monitor;
  gulong                 monitor_id;

  GHashTable            *focus_joins;     /* folded channel names the user /joined */
  GHashTable            *autojoin;        /* folded config channels not joined yet */
  GPtrArray             *dirty;           /* buffers with queued messages */
  GPtrArray             *notify;          /* buffer, message pairs to announce */
};

G_DEFINE_FINAL_TYPE (NatterConnection, natter_connection, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONFIG,
  PROP_NAME,
  PROP_STATE,
  PROP_STATUS,
  PROP_NICK,
  N_PROPS
};

enum {
  NOTIFY_USER,
  HISTORY_ERROR,
  BUFFER_ADDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void connection_start_attempt (NatterConnection *self);
static void connection_drop          (NatterConnection *self, const char *reason);
static void connection_process       (NatterConnection *self);

GType
natter_connection_state_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { NATTER_CONNECTION_DISCONNECTED, "NATTER_CONNECTION_DISCONNECTED", "disconnected" },
        { NATTER_CONNECTION_CONNECTING, "NATTER_CONNECTION_CONNECTING", "connecting" },
        { NATTER_CONNECTION_REGISTERING, "NATTER_CONNECTION_REGISTERING", "registering" },
        { NATTER_CONNECTION_CONNECTED, "NATTER_CONNECTION_CONNECTED", "connected" },
        { NATTER_CONNECTION_WAITING, "NATTER_CONNECTION_WAITING", "waiting" },
        { 0, NULL, NULL }
      };
      GType type = g_enum_register_static (g_intern_static_string ("NatterConnectionState"), values);
      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

static gint64
wall_ms (void)
{
  return g_get_real_time () / 1000;
}

static char *
fold (NatterConnection *self,
      const char       *name)
{
  gsize cap = strlen (name) + 1;

  return nt_casefold (nt_session_casemap (self->session), name, g_malloc (cap), cap);
}

/* ---- properties --------------------------------------------------------------- */

static void
set_status (NatterConnection *self,
            const char       *status)
{
  if (g_strcmp0 (self->status, status) == 0)
    return;
  g_free (self->status);
  self->status = g_strdup (status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
set_state (NatterConnection      *self,
           NatterConnectionState  state,
           const char            *status)
{
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  set_status (self, status);
}

static void
update_identity (NatterConnection *self)
{
  const char *nick = nt_session_nick (self->session);
  const char *network = nt_session_isupport (self->session, "NETWORK");

  if (nick != NULL && nick[0] != '\0' && g_strcmp0 (nick, self->nick) != 0)
    {
      g_free (self->nick);
      self->nick = g_strdup (nick);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NICK]);
      if (self->state == NATTER_CONNECTION_CONNECTED)
        {
          g_autofree char *status = g_strdup_printf ("Connected as %s", self->nick);
          set_status (self, status);
        }
    }
  if (network == NULL || network[0] == '\0')
    network = self->config->name;
  if (g_strcmp0 (network, self->name) != 0)
    {
      g_free (self->name);
      self->name = g_strdup (network);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
    }
}

/* ---- buffers ------------------------------------------------------------------ */

static NatterBuffer *
find_buffer (NatterConnection *self,
             const char       *name)
{
  guint n;

  if (name == NULL || name[0] == '\0')
    return NULL;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->buffers));
  for (guint i = 1; i < n; i++)
    {
      g_autoptr(NatterBuffer) buffer = g_list_model_get_item (G_LIST_MODEL (self->buffers), i);

      if (nt_casecmp (nt_session_casemap (self->session), natter_buffer_get_name (buffer), name) == 0)
        return buffer;  /* the store keeps it alive */
    }
  return NULL;
}

static NatterBuffer *
add_buffer (NatterConnection *self,
            NatterBufferKind  kind,
            const char       *name,
            gboolean          focus)
{
  g_autoptr(NatterBuffer) buffer = natter_buffer_new (self, kind, name, self->config->name,
                                                      self->history);

  if (kind == NATTER_BUFFER_QUERY)
    {
      nt_session_open_query (self->session, name);
      natter_buffer_set_joined (buffer, nt_session_registered (self->session));
    }
  g_list_store_append (self->buffers, buffer);
  g_signal_emit (self, signals[BUFFER_ADDED], 0, buffer, focus);
  return buffer;
}

static NatterBuffer *
channel_buffer (NatterConnection *self,
                const char       *channel)
{
  NatterBuffer *buffer = find_buffer (self, channel);

  if (buffer == NULL && channel != NULL && nt_session_in_channel (self->session, channel))
    buffer = add_buffer (self, NATTER_BUFFER_CHANNEL, channel, FALSE);
  return buffer;
}

static NatterBuffer *
query_buffer (NatterConnection *self,
              const char       *nick)
{
  NatterBuffer *buffer = find_buffer (self, nick);

  if (buffer == NULL)
    buffer = add_buffer (self, NATTER_BUFFER_QUERY, nick, FALSE);
  return buffer;
}

/* The buffer the user is looking at, if it is one of ours. */
static NatterBuffer *
active_buffer (NatterConnection *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->buffers));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NatterBuffer) buffer = g_list_model_get_item (G_LIST_MODEL (self->buffers), i);

      if (natter_buffer_get_active (buffer))
        return buffer;
    }
  return self->server_buffer;
}

static void
post (NatterConnection   *self,
      NatterBuffer       *buffer,
      NatterMessageKind   kind,
      gint64              time_ms,
      const char         *nick,
      const char         *text,
      NatterMessageFlags  flags)
{
  g_autoptr(NatterMessage) msg = NULL;

  if (buffer == NULL)
    buffer = self->server_buffer;
  msg = natter_message_new (kind, time_ms > 0 ? time_ms : wall_ms (), nick, text, flags);
  if (!natter_buffer_has_pending (buffer))
    g_ptr_array_add (self->dirty, g_object_ref (buffer));
  natter_buffer_queue (buffer, msg);
  if ((flags & NATTER_MESSAGE_FLAG_MENTION) && !(flags & NATTER_MESSAGE_FLAG_SELF))
    {
      g_ptr_array_add (self->notify, g_object_ref (buffer));
      g_ptr_array_add (self->notify, g_object_ref (msg));
    }
}

static void
post_status_everywhere (NatterConnection *self,
                        const char       *text)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->buffers));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NatterBuffer) buffer = g_list_model_get_item (G_LIST_MODEL (self->buffers), i);

      post (self, buffer, NATTER_MESSAGE_STATUS, 0, NULL, text, NATTER_MESSAGE_FLAG_NONE);
    }
}

static void
refresh_members (NatterConnection *self,
                 NatterBuffer     *buffer)
{
  g_autofree nt_member *members = NULL;
  const char *channel = natter_buffer_get_name (buffer);
  size_t n = nt_session_members (self->session, channel, NULL, 0);

  members = g_new0 (nt_member, MAX (n, 1));
  n = nt_session_members (self->session, channel, members, n);
  natter_buffer_set_members (buffer, members, n);
}

static void
flush (NatterConnection *self)
{
  g_autoptr(GPtrArray) dirty = self->dirty;
  g_autoptr(GPtrArray) notify = self->notify;

  /* Signal handlers may feed us again (a test, a window running a command):
   * start fresh lists before anyone can. */
  self->dirty = g_ptr_array_new_with_free_func (g_object_unref);
  self->notify = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < dirty->len; i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean stored = FALSE;

      gint64 now = g_get_monotonic_time ();

      if (natter_buffer_flush (g_ptr_array_index (dirty, i), &stored, &error))
        {
          /* A nearly full disk lets a small write through now and then:
           * history counts as working again only after a quiet spell, so the
           * user is told once per outage, not once per lucky write. */
          if (stored && self->history_failed_at != 0 &&
              now - self->history_failed_at >= HISTORY_RECOVERED_US)
            self->history_failed_at = 0;
        }
      else
        {
          if (self->history_failed_at == 0)
            {
              g_autofree char *text = g_strdup_printf ("Messages are not being saved: %s",
                                                       error != NULL ? error->message : "unknown error");

              g_signal_emit (self, signals[HISTORY_ERROR], 0, text);
            }
          self->history_failed_at = now;
        }
    }

  for (guint i = 0; i + 1 < notify->len; i += 2)
    g_signal_emit (self, signals[NOTIFY_USER], 0,
                   g_ptr_array_index (notify, i), g_ptr_array_index (notify, i + 1));
}

/* ---- events ------------------------------------------------------------------- */

static gboolean
is_server_source (NatterConnection *self,
                  const nt_event   *ev)
{
  /* Before 001, and from servers (dots, no '!' behind them), notices are the
   * server talking, not a person. */
  return ev->nick == NULL || ev->nick[0] == '\0' || strchr (ev->nick, '.') != NULL ||
         !nt_session_registered (self->session);
}

static void
on_text_event (NatterConnection  *self,
               const nt_event    *ev,
               NatterMessageKind  kind)
{
  NatterMessageFlags flags = NATTER_MESSAGE_FLAG_NONE;
  NatterBuffer *buffer;

  if (ev->self)
    flags |= NATTER_MESSAGE_FLAG_SELF;

  if (ev->channel != NULL)
    {
      buffer = channel_buffer (self, ev->channel);
      if (!ev->self && ev->text != NULL && natter_text_mentions (ev->text, nt_session_nick (self->session)))
        flags |= NATTER_MESSAGE_FLAG_MENTION;
    }
  else if (kind == NATTER_MESSAGE_NOTICE)
    {
      const char *peer = ev->self ? ev->target : ev->nick;

      buffer = find_buffer (self, peer);
      if (buffer == NULL && !ev->self && is_server_source (self, ev))
        buffer = self->server_buffer;
      else if (buffer == NULL)
        buffer = active_buffer (self);
    }
  else
    {
      buffer = query_buffer (self, ev->self ? ev->target : ev->nick);
      if (!ev->self)
        flags |= NATTER_MESSAGE_FLAG_MENTION;
    }

  post (self, buffer, kind, ev->time, ev->nick, ev->text, flags);
}

static void
for_each_shared (NatterConnection  *self,
                 const nt_event    *ev,
                 NatterMessageKind  kind,
                 const char        *text)
{
  g_auto(GStrv) channels = NULL;
  NatterBuffer *query;

  if (ev->channels != NULL)
    {
      channels = g_strsplit (ev->channels, " ", -1);
      for (guint i = 0; channels[i] != NULL; i++)
        {
          NatterBuffer *buffer = find_buffer (self, channels[i]);

          if (buffer != NULL && channels[i][0] != '\0')
            post (self, buffer, kind, ev->time, ev->nick, text, NATTER_MESSAGE_FLAG_NONE);
        }
    }
  query = find_buffer (self, ev->nick);
  if (query != NULL && natter_buffer_get_kind (query) == NATTER_BUFFER_QUERY)
    post (self, query, kind, ev->time, ev->nick, text, NATTER_MESSAGE_FLAG_NONE);
}

static void
on_registered (NatterConnection *self,
               const nt_event   *ev)
{
  g_autofree char *status = g_strdup_printf ("Connected as %s", nt_session_nick (self->session));
  GHashTableIter iter;
  gpointer key;
  guint n;

  self->attempt = 0;
  set_state (self, NATTER_CONNECTION_CONNECTED, status);
  post_status_everywhere (self, "Connected");
  post (self, self->server_buffer, NATTER_MESSAGE_SERVER, ev->time, NULL, ev->text, 0);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->buffers));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NatterBuffer) buffer = g_list_model_get_item (G_LIST_MODEL (self->buffers), i);

      if (natter_buffer_get_kind (buffer) != NATTER_BUFFER_CHANNEL)
        natter_buffer_set_joined (buffer, TRUE);
    }

  /* The session rejoins what we were in; the config's channels we never got
   * into yet are ours to join. */
  g_hash_table_iter_init (&iter, self->autojoin);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!nt_session_in_channel (self->session, key))
      nt_session_join (self->session, key, NULL);
}

static void
on_disconnected (NatterConnection *self,
                 const nt_event   *ev)
{
  g_autofree char *text = NULL;
  guint n;

  if (self->quitting)
    text = g_strdup ("Disconnected");
  else
    text = g_strdup_printf ("Disconnected: %s", ev->text != NULL ? ev->text : "connection lost");
  post_status_everywhere (self, text);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->buffers));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NatterBuffer) buffer = g_list_model_get_item (G_LIST_MODEL (self->buffers), i);

      natter_buffer_set_joined (buffer, FALSE);
      if (natter_buffer_get_kind (buffer) == NATTER_BUFFER_CHANNEL)
        natter_buffer_set_members (buffer, NULL, 0);
    }
}

static void
on_join (NatterConnection *self,
         const nt_event   *ev)
{
  NatterBuffer *buffer = find_buffer (self, ev->channel);

  if (ev->self)
    {
      g_autofree char *key = fold (self, ev->channel);
      gboolean focus = g_hash_table_remove (self->focus_joins, key);

      g_hash_table_remove (self->autojoin, key);
      if (buffer == NULL)
        buffer = add_buffer (self, NATTER_BUFFER_CHANNEL, ev->channel, focus);
      natter_buffer_set_joined (buffer, TRUE);
    }
  if (buffer != NULL)
    post (self, buffer, NATTER_MESSAGE_JOIN, ev->time, ev->nick, NULL,
          ev->self ? NATTER_MESSAGE_FLAG_SELF : 0);
}

static void
on_part (NatterConnection *self,
         const nt_event   *ev)
{
  NatterBuffer *buffer = find_buffer (self, ev->channel);

  if (buffer == NULL)
    return;  /* closed: the PART was ours */
  if (ev->self)
    {
      natter_buffer_set_joined (buffer, FALSE);
      natter_buffer_set_members (buffer, NULL, 0);
    }
  post (self, buffer, NATTER_MESSAGE_PART, ev->time, ev->nick, ev->text,
        ev->self ? NATTER_MESSAGE_FLAG_SELF : 0);
}

static void
on_kick (NatterConnection *self,
         const nt_event   *ev)
{
  NatterBuffer *buffer = find_buffer (self, ev->channel);
  g_autofree char *text = NULL;
  gboolean us = ev->target != NULL &&
                nt_casecmp (nt_session_casemap (self->session), ev->target,
                            nt_session_nick (self->session)) == 0;

  if (buffer == NULL)
    return;
  if (us)
    {
      natter_buffer_set_joined (buffer, FALSE);
      natter_buffer_set_members (buffer, NULL, 0);
    }
  text = g_strdup_printf ("%s%s%s", ev->target != NULL ? ev->target : "",
                          ev->text != NULL && ev->text[0] != '\0' ? " " : "",
                          ev->text != NULL ? ev->text : "");
  post (self, buffer, NATTER_MESSAGE_KICK, ev->time, ev->nick, text,
        us ? NATTER_MESSAGE_FLAG_MENTION : 0);
}

static void
on_nick (NatterConnection *self,
         const nt_event   *ev)
{
  if (ev->self)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->buffers));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(NatterBuffer) buffer = g_list_model_get_item (G_LIST_MODEL (self->buffers), i);

          if (natter_buffer_get_kind (buffer) != NATTER_BUFFER_CHANNEL || natter_buffer_get_joined (buffer))
            post (self, buffer, NATTER_MESSAGE_NICK, ev->time, ev->nick, ev->text,
                  NATTER_MESSAGE_FLAG_SELF);
        }
      return;
    }

  for_each_shared (self, ev, NATTER_MESSAGE_NICK, ev->text);
  /* The private chat follows the person, as the session's query list does. */
  {
    NatterBuffer *query = find_buffer (self, ev->nick);

    if (query != NULL && natter_buffer_get_kind (query) == NATTER_BUFFER_QUERY &&
        ev->text != NULL && find_buffer (self, ev->text) == NULL)
      natter_buffer_set_name (query, ev->text);
  }
}

static void
on_topic (NatterConnection *self,
          const nt_event   *ev)
{
  NatterBuffer *buffer = find_buffer (self, ev->channel);
  const char *setter = NULL;
  gboolean same;

  if (buffer == NULL)
    return;
  nt_session_channel_topic_info (self->session, ev->channel, &setter, NULL);
  if (ev->nick != NULL)
    setter = ev->nick;
  same = g_strcmp0 (natter_buffer_get_topic (buffer),
                    ev->text != NULL && ev->text[0] != '\0' ? ev->text : NULL) == 0;
  natter_buffer_set_topic (buffer, ev->text, setter);
  /* A rejoin repeats the topic we already show: once is enough. */
  if (ev->nick != NULL || (!same && ev->text != NULL && ev->text[0] != '\0'))
    post (self, buffer, NATTER_MESSAGE_TOPIC, ev->time, ev->nick, ev->text,
          ev->self ? NATTER_MESSAGE_FLAG_SELF : 0);
}

static void
on_error (NatterConnection *self,
          const nt_event   *ev)
{
  NatterBuffer *buffer = NULL;

  if (ev->channel != NULL)
    buffer = find_buffer (self, ev->channel);
  if (buffer == NULL && ev->target != NULL)
    buffer = find_buffer (self, ev->target);

  /* A failed /join must not leave the next JOIN of that name focused. */
  if (ev->target != NULL && nt_session_is_channel (self->session, ev->target))
    {
      g_autofree char *key = fold (self, ev->target);

      g_hash_table_remove (self->focus_joins, key);
    }

  if (buffer == NULL)
    buffer = active_buffer (self);
  post (self, buffer, NATTER_MESSAGE_ERROR, ev->time, NULL, ev->text, 0);
}

static void
handle_event (NatterConnection *self,
              const nt_event   *ev)
{
  NatterBuffer *buffer;
  g_autofree char *text = NULL;

  switch (ev->type)
    {
    case NT_EV_REGISTERED:
      on_registered (self, ev);
      break;
    case NT_EV_MESSAGE:
      on_text_event (self, ev, NATTER_MESSAGE_PRIVMSG);
      break;
    case NT_EV_ACTION:
      on_text_event (self, ev, NATTER_MESSAGE_ACTION);
      break;
    case NT_EV_NOTICE:
      on_text_event (self, ev, NATTER_MESSAGE_NOTICE);
      break;
    case NT_EV_JOIN:
      on_join (self, ev);
      break;
    case NT_EV_PART:
      on_part (self, ev);
      break;
    case NT_EV_QUIT:
      if (!ev->self)
        for_each_shared (self, ev, NATTER_MESSAGE_QUIT, ev->text);
      break;
    case NT_EV_KICK:
      on_kick (self, ev);
      break;
    case NT_EV_NICK:
      on_nick (self, ev);
      break;
    case NT_EV_TOPIC:
      on_topic (self, ev);
      break;
    case NT_EV_NAMES:
      /* The member list ends the join burst; a topic would have come before
       * it. None came: the channel has none now (a rejoin after a server
       * restart), so the one shown from before must go. */
      if ((buffer = find_buffer (self, ev->channel)) != NULL &&
          natter_buffer_get_kind (buffer) == NATTER_BUFFER_CHANNEL &&
          natter_buffer_get_topic (buffer) != NULL)
        {
          const char *topic = nt_session_channel_topic (self->session, ev->channel);

          if (topic == NULL || topic[0] == '\0')
            natter_buffer_set_topic (buffer, NULL, NULL);
        }
      G_GNUC_FALLTHROUGH;
    case NT_EV_MEMBERS:
      if ((buffer = find_buffer (self, ev->channel)) != NULL &&
          natter_buffer_get_kind (buffer) == NATTER_BUFFER_CHANNEL)
        refresh_members (self, buffer);
      break;
    case NT_EV_MODE:
      buffer = ev->target != NULL && nt_session_is_channel (self->session, ev->target)
        ? find_buffer (self, ev->target) : NULL;
      post (self, buffer, NATTER_MESSAGE_MODE, ev->time, ev->nick, ev->text,
            ev->self ? NATTER_MESSAGE_FLAG_SELF : 0);
      break;
    case NT_EV_INVITE:
      text = g_strdup_printf ("%s invites you to %s", ev->nick, ev->channel);
      post (self, active_buffer (self), NATTER_MESSAGE_SERVER, ev->time, NULL, text,
            NATTER_MESSAGE_FLAG_MENTION);
      break;
    case NT_EV_AWAY:
      /* Channels show away people in the member list; a private chat says it
       * in words, since that is where it matters. */
      if (ev->self)
        post (self, self->server_buffer, NATTER_MESSAGE_SERVER, ev->time, NULL,
              ev->text != NULL ? "You are now marked as away" : "You are no longer marked as away", 0);
      else if ((buffer = find_buffer (self, ev->nick)) != NULL &&
               natter_buffer_get_kind (buffer) == NATTER_BUFFER_QUERY)
        {
          text = ev->text != NULL ? g_strdup_printf ("%s is away: %s", ev->nick, ev->text)
                                  : g_strdup_printf ("%s is back", ev->nick);
          post (self, buffer, NATTER_MESSAGE_SERVER, ev->time, NULL, text, 0);
        }
      break;
    case NT_EV_SERVER_TEXT:
      if (ev->code == 333)
        {
          /* Who set the topic: the buffer's header shows it. */
          if ((buffer = find_buffer (self, ev->channel)) != NULL)
            {
              const char *setter = NULL;

              nt_session_channel_topic_info (self->session, ev->channel, &setter, NULL);
              natter_buffer_set_topic (buffer, natter_buffer_get_topic (buffer), setter);
            }
          break;
        }
      post (self, self->server_buffer, NATTER_MESSAGE_SERVER, ev->time, NULL, ev->text, 0);
      break;
    case NT_EV_ERROR:
      on_error (self, ev);
      break;
    case NT_EV_DISCONNECTED:
      on_disconnected (self, ev);
      break;
    case NT_EV_CTCP:
      if (ev->self)
        break;
      text = ev->code ? g_strdup_printf ("CTCP reply from %s: %s", ev->nick, ev->text)
                      : g_strdup_printf ("%s sent a CTCP %s request", ev->nick, ev->text);
      post (self, self->server_buffer, NATTER_MESSAGE_SERVER, ev->time, NULL, text, 0);
      break;
    default:
      break;
    }
}

static void
pump_output (NatterConnection *self)
{
  size_t len = 0;
  const char *data = nt_session_output (self->session, &len);

  if (len == 0 || self->io == NULL)
    return;
  natter_io_send (self->io, data, len);
  nt_session_consume_output (self->session, len);
}

static void
connection_process (NatterConnection *self)
{
  nt_event ev;

  while (nt_session_next_event (self->session, &ev))
    handle_event (self, &ev);
  update_identity (self);
  pump_output (self);
  flush (self);
}

/* ---- the link ----------------------------------------------------------------- */

static void
stop_ping (NatterConnection *self)
{
  g_clear_handle_id (&self->ping_id, g_source_remove);
}

static gboolean
ping_tick (gpointer data)
{
  NatterConnection *self = data;
  gint64 idle_ms = (g_get_monotonic_time () - self->last_rx) / 1000;

  if (self->io == NULL)
    {
      self->ping_id = 0;
      return G_SOURCE_REMOVE;
    }
  if (idle_ms >= self->ping_timeout_ms)
    {
      g_autofree char *reason = g_strdup_printf ("Ping timeout: no answer for %u s",
                                                 (guint) ((idle_ms + 500) / 1000));

      self->ping_id = 0;
      natter_io_close (self->io, FALSE);
      self->io = NULL;
      connection_drop (self, reason);
      return G_SOURCE_REMOVE;
    }
  if (idle_ms >= self->ping_interval_ms && !self->ping_sent && nt_session_registered (self->session))
    {
      self->ping_sent = TRUE;
      nt_session_raw (self->session, "PING :natter");
      pump_output (self);
    }
  return G_SOURCE_CONTINUE;
}

static void
start_ping (NatterConnection *self)
{
  guint period = MAX (self->ping_interval_ms / 10, 10);

  stop_ping (self);
  self->last_rx = g_get_monotonic_time ();
  self->ping_sent = FALSE;
  self->ping_id = g_timeout_add_full (G_PRIORITY_DEFAULT, period, ping_tick, self, NULL);
}

static void
io_connected (gpointer data)
{
  NatterConnection *self = data;
  g_autofree char *status = g_strdup_printf ("Logging in to %s as %s…", self->config->host,
                                             self->config->nick);

  set_state (self, NATTER_CONNECTION_REGISTERING, status);
  self->session_started = TRUE;
  nt_session_start (self->session, wall_ms ());
  start_ping (self);
  connection_process (self);
}

static void
io_received (const char *data,
             gsize       len,
             gpointer    user_data)
{
  NatterConnection *self = user_data;

  self->last_rx = g_get_monotonic_time ();
  self->ping_sent = FALSE;
  nt_session_feed (self->session, data, len, wall_ms ());
  connection_process (self);
}

static void
io_closed (const char *reason,
           gpointer    data)
{
  NatterConnection *self = data;

  natter_io_close (self->io, FALSE);
  self->io = NULL;
  connection_drop (self, reason);
}

static const NatterIoCallbacks io_callbacks = {
  io_connected,
  io_received,
  io_closed,
};

static void
update_wait_status (NatterConnection *self)
{
  gint64 left_us = MAX (self->retry_at - g_get_monotonic_time (), 0);
  guint left_s = (guint) ((left_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  g_autofree char *status = NULL;

  if (left_s == self->retry_shown_s && self->state == NATTER_CONNECTION_WAITING)
    return;
  self->retry_shown_s = left_s;
  status = g_strdup_printf ("Reconnecting in %u s (attempt %u)", left_s, self->attempt);
  set_state (self, NATTER_CONNECTION_WAITING, status);
}

static gboolean
retry_tick (gpointer data)
{
  NatterConnection *self = data;

  if (g_get_monotonic_time () >= self->retry_at)
    {
      self->retry_id = 0;
      connection_start_attempt (self);
      return G_SOURCE_REMOVE;
    }
  update_wait_status (self);
  return G_SOURCE_CONTINUE;
}

static void
schedule_retry (NatterConnection *self)
{
  guint base_s;
  double delay_ms;

  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->attempt++;
  base_s = self->attempt >= 7 ? RETRY_MAX_S : MIN (RETRY_MAX_S, 1u << (self->attempt - 1));
  /* Jitter, so that a hundred clients dropped by one server restart do not
   * knock on its door in the same second. */
  delay_ms = base_s * 1000.0 * g_random_double_range (0.8, 1.2);
  self->retry_at = g_get_monotonic_time () + (gint64) (delay_ms * 1000.0);
  self->retry_shown_s = 0;
  self->state = NATTER_CONNECTION_DISCONNECTED;  /* so the status is written */
  update_wait_status (self);
  self->retry_id = g_timeout_add_full (G_PRIORITY_DEFAULT, 200, retry_tick, self, NULL);
}

static void
connection_start_attempt (NatterConnection *self)
{
  g_autofree char *status = g_strdup_printf ("Connecting to %s:%u…", self->config->host,
                                             self->config->port);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->io != NULL)
    return;
  set_state (self, NATTER_CONNECTION_CONNECTING, status);
  post (self, self->server_buffer, NATTER_MESSAGE_STATUS, 0, NULL, status, 0);
  flush (self);
  self->io = natter_io_new (self->config->host, self->config->port, CONNECT_TIMEOUT_MS,
                            &io_callbacks, self);
}

/* The link is gone (self->io already closed). */
static void
connection_drop (NatterConnection *self,
                 const char       *reason)
{
  stop_ping (self);
  if (self->session_started)
    {
      self->session_started = FALSE;
      nt_session_closed (self->session, reason, wall_ms ());
      connection_process (self);
    }
  else
    {
      g_autofree char *text = g_strdup_printf ("Could not connect to %s:%u: %s", self->config->host,
                                               self->config->port, reason);

      post (self, self->server_buffer, NATTER_MESSAGE_ERROR, 0, NULL, text, 0);
      flush (self);
    }

  if (self->want_online)
    schedule_retry (self);
  else
    set_state (self, NATTER_CONNECTION_DISCONNECTED, "Disconnected");
}

static void
network_changed (GNetworkMonitor *monitor,
                 gboolean         available,
                 gpointer         data)
{
  NatterConnection *self = data;

  (void) monitor;
  /* Waiting out a back-off after the network came back helps nobody. */
  if (available && self->state == NATTER_CONNECTION_WAITING && self->io == NULL)
    connection_start_attempt (self);
}

/* ---- GObject ------------------------------------------------------------------ */

static void
natter_connection_dispose (GObject *object)
{
  NatterConnection *self = (NatterConnection *)object;
  guint n;

  self->want_online = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  stop_ping (self);
  if (self->io != NULL)
    {
      natter_io_close (self->io, FALSE);
      self->io = NULL;
    }
  if (self->monitor_id != 0)
    g_clear_signal_handler (&self->monitor_id, self->monitor);
  g_clear_object (&self->monitor);

  if (self->buffers != NULL)
    {
      n = g_list_model_get_n_items (G_LIST_MODEL (self->buffers));
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(NatterBuffer) buffer = g_list_model_get_item (G_LIST_MODEL (self->buffers), i);

          natter_buffer_detach (buffer);
        }
    }
  g_clear_object (&self->server_buffer);
  g_clear_object (&self->buffers);
  g_clear_object (&self->history);
  if (self->dirty != NULL)
    g_ptr_array_set_size (self->dirty, 0);
  if (self->notify != NULL)
    g_ptr_array_set_size (self->notify, 0);

  G_OBJECT_CLASS (natter_connection_parent_class)->dispose (object);
}

static void
natter_connection_finalize (GObject *object)
{
  NatterConnection *self = (NatterConnection *)object;

  nt_session_free (self->session);
  natter_network_config_free (self->config);
  g_clear_pointer (&self->focus_joins, g_hash_table_unref);
  g_clear_pointer (&self->autojoin, g_hash_table_unref);
  g_clear_pointer (&self->dirty, g_ptr_array_unref);
  g_clear_pointer (&self->notify, g_ptr_array_unref);
  g_free (self->status);
  g_free (self->name);
  g_free (self->nick);

  G_OBJECT_CLASS (natter_connection_parent_class)->finalize (object);
}

static void
natter_connection_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  NatterConnection *self = NATTER_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      g_value_set_boxed (value, self->config);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_NICK:
      g_value_set_string (value, self->nick);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_connection_class_init (NatterConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = natter_connection_dispose;
  object_class->finalize = natter_connection_finalize;
  object_class->get_property = natter_connection_get_property;

  properties[PROP_CONFIG] =
    g_param_spec_boxed ("config", NULL, NULL, NATTER_TYPE_NETWORK_CONFIG,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, NATTER_TYPE_CONNECTION_STATE,
                       NATTER_CONNECTION_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NICK] =
    g_param_spec_string ("nick", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[NOTIFY_USER] =
    g_signal_new ("notify-user", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, NATTER_TYPE_BUFFER, NATTER_TYPE_MESSAGE);
  signals[HISTORY_ERROR] =
    g_signal_new ("history-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[BUFFER_ADDED] =
    g_signal_new ("buffer-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, NATTER_TYPE_BUFFER, G_TYPE_BOOLEAN);
}

static void
natter_connection_init (NatterConnection *self)
{
  const char *ping = g_getenv ("NATTER_PING_INTERVAL_MS");

  self->buffers = g_list_store_new (NATTER_TYPE_BUFFER);
  self->dirty = g_ptr_array_new_with_free_func (g_object_unref);
  self->notify = g_ptr_array_new_with_free_func (g_object_unref);
  self->focus_joins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->autojoin = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->ping_interval_ms = PING_INTERVAL_MS;
  self->ping_timeout_ms = PING_TIMEOUT_MS;
  /* Tests cannot wait four minutes for a ping timeout. */
  if (ping != NULL && g_ascii_strtoull (ping, NULL, 10) > 0)
    {
      self->ping_interval_ms = (guint) g_ascii_strtoull (ping, NULL, 10);
      self->ping_timeout_ms = self->ping_interval_ms + self->ping_interval_ms / 4;
    }
}

NatterConnection *
natter_connection_new (const NatterNetworkConfig *config,
                       NatterHistory             *history)
{
  NatterConnection *self;
  nt_session_config scfg = { 0 };

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->nick != NULL && config->host != NULL, NULL);

  self = g_object_new (NATTER_TYPE_CONNECTION, NULL);
  self->config = natter_network_config_copy (config);
  if (self->config->name == NULL)
    self->config->name = g_strdup (self->config->host);
  if (self->config->port == 0)
    self->config->port = 6667;
  self->history = history != NULL ? g_object_ref (history) : NULL;
  self->name = g_strdup (self->config->name);
  self->nick = g_strdup (self->config->nick);
  self->status = g_strdup ("Not connected");

  scfg.nick = self->config->nick;
  scfg.realname = self->config->realname;
  scfg.password = self->config->password != NULL && self->config->password[0] != '\0'
    ? self->config->password : NULL;
  scfg.rejoin_on_reconnect = 1;
  self->session = nt_session_new (&scfg);

  for (guint i = 0; self->config->channels != NULL && self->config->channels[i] != NULL; i++)
    if (self->config->channels[i][0] != '\0')
      g_hash_table_add (self->autojoin, g_strdup (self->config->channels[i]));

  self->server_buffer = natter_buffer_new (self, NATTER_BUFFER_SERVER, self->config->name,
                                           self->config->name, self->history);
  g_list_store_append (self->buffers, self->server_buffer);

  self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->monitor_id = g_signal_connect (self->monitor, "network-changed",
                                       G_CALLBACK (network_changed), self);
  return self;
}

/* ---- public API ------------------------------------------------------------------ */

nt_casemap
natter_connection_get_casemap (NatterConnection *self)
{
  g_return_val_if_fail (NATTER_IS_CONNECTION (self), NT_CASEMAP_RFC1459);
  return nt_session_casemap (self->session);
}

const NatterNetworkConfig *
natter_connection_get_config (NatterConnection *self)
{
  g_return_val_if_fail (NATTER_IS_CONNECTION (self), NULL);
  return self->config;
}

const char *
natter_connection_get_name (NatterConnection *self)
{
  g_return_val_if_fail (NATTER_IS_CONNECTION (self), NULL);
  return self->name;
}

NatterConnectionState
natter_connection_get_state (NatterConnection *self)
{
  g_return_val_if_fail (NATTER_IS_CONNECTION (self), NATTER_CONNECTION_DISCONNECTED);
  return self->state;
}

const char *
natter_connection_get_status (NatterConnection *self)
{
  g_return_val_if_fail (NATTER_IS_CONNECTION (self), NULL);
  return self->status;
}

const char *
natter_connection_get_nick (NatterConnection *self)
{
  g_return_val_if_fail (NATTER_IS_CONNECTION (self), NULL);
  return self->nick;
}

void
natter_connection_connect (NatterConnection *self)
{
  g_return_if_fail (NATTER_IS_CONNECTION (self));

  self->want_online = TRUE;
  if (self->state != NATTER_CONNECTION_DISCONNECTED)
    return;
  self->attempt = 0;
  connection_start_attempt (self);
}

void
natter_connection_disconnect (NatterConnection *self,
                              const char       *reason)
{
  g_return_if_fail (NATTER_IS_CONNECTION (self));

  self->want_online = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  stop_ping (self);
  if (self->io != NULL)
    {
      if (nt_session_registered (self->session))
        {
          nt_session_quit (self->session, reason != NULL && reason[0] != '\0' ? reason : "Leaving");
          pump_output (self);
        }
      natter_io_close (self->io, TRUE);
      self->io = NULL;
    }
  if (self->session_started)
    {
      self->session_started = FALSE;
      self->quitting = TRUE;
      nt_session_closed (self->session, reason, wall_ms ());
      connection_process (self);
      self->quitting = FALSE;
    }
  set_state (self, NATTER_CONNECTION_DISCONNECTED, "Disconnected");
}

void
natter_connection_reconnect (NatterConnection *self)
{
  g_return_if_fail (NATTER_IS_CONNECTION (self));

  self->want_online = TRUE;
  if (self->io != NULL)
    {
      natter_io_close (self->io, FALSE);
      self->io = NULL;
      connection_drop (self, "Reconnecting");
    }
  else if (self->state == NATTER_CONNECTION_WAITING || self->state == NATTER_CONNECTION_DISCONNECTED)
    connection_start_attempt (self);
}

GListModel *
natter_connection_get_buffers (NatterConnection *self)
{
  g_return_val_if_fail (NATTER_IS_CONNECTION (self), NULL);
  return G_LIST_MODEL (self->buffers);
}

NatterBuffer *
natter_connection_get_server_buffer (NatterConnection *self)
{
  g_return_val_if_fail (NATTER_IS_CONNECTION (self), NULL);
  return self->server_buffer;
}

NatterBuffer *
natter_connection_find_buffer (NatterConnection *self,
                               const char       *name)
{
  g_return_val_if_fail (NATTER_IS_CONNECTION (self), NULL);
  return find_buffer (self, name);
}

NatterBuffer *
natter_connection_open_query (NatterConnection *self,
                              const char       *nick)
{
  g_return_val_if_fail (NATTER_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (nick != NULL && nick[0] != '\0', NULL);

  return query_buffer (self, nick);
}

gboolean
natter_connection_close_buffer (NatterConnection *self,
                                NatterBuffer     *buffer)
{
  guint position;

  g_return_val_if_fail (NATTER_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (NATTER_IS_BUFFER (buffer), FALSE);

  if (buffer == self->server_buffer ||
      !g_list_store_find (self->buffers, buffer, &position))
    return FALSE;

  if (natter_buffer_get_kind (buffer) == NATTER_BUFFER_CHANNEL)
    {
      g_autofree char *key = fold (self, natter_buffer_get_name (buffer));

      g_hash_table_remove (self->autojoin, key);
      g_hash_table_remove (self->focus_joins, key);
      if (self->io != NULL && nt_session_in_channel (self->session, natter_buffer_get_name (buffer)))
        {
          nt_session_part (self->session, natter_buffer_get_name (buffer), NULL);
          pump_output (self);
        }
    }
  else
    nt_session_close_query (self->session, natter_buffer_get_name (buffer));

  g_object_ref (buffer);
  g_list_store_remove (self->buffers, position);
  natter_buffer_detach (buffer);
  g_object_unref (buffer);
  return TRUE;
}

/* ---- commands ------------------------------------------------------------------- */

static gboolean
check_online (NatterConnection  *self,
              GError           **error)
{
  if (self->io != NULL && nt_session_registered (self->session))
    return TRUE;

  switch (self->state)
    {
    case NATTER_CONNECTION_WAITING:
      {
        gint64 left_us = MAX (self->retry_at - g_get_monotonic_time (), 0);

        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                     "Not connected to %s — reconnecting in %u s", self->name,
                     (guint) ((left_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));
      }
      break;
    case NATTER_CONNECTION_CONNECTING:
    case NATTER_CONNECTION_REGISTERING:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                   "Not connected to %s yet — still connecting", self->name);
      break;
    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                   "Not connected to %s — reconnect to send", self->name);
      break;
    }
  return FALSE;
}

static gboolean
session_result (NatterConnection  *self,
                int                rc,
                GError           **error)
{
  const char *why;

  if (rc == 0)
    return TRUE;
  why = nt_session_last_error (self->session);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       why != NULL && why[0] != '\0' ? why : "The server cannot take that");
  return FALSE;
}

static gboolean
require_chat (NatterBuffer  *buffer,
              const char    *what,
              GError       **error)
{
  if (natter_buffer_get_kind (buffer) != NATTER_BUFFER_SERVER)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Not a chat: %s", what);
  return FALSE;
}

static const char *
channel_argument (NatterConnection  *self,
                  NatterBuffer      *buffer,
                  const char        *target,
                  const char        *command,
                  GError           **error)
{
  if (target != NULL)
    return target;
  if (natter_buffer_get_kind (buffer) == NATTER_BUFFER_CHANNEL)
    return natter_buffer_get_name (buffer);
  (void) self;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "%s needs a channel here, e.g. %s #natter", command, command);
  return NULL;
}

static void
show_lines (NatterConnection *self,
            NatterBuffer     *buffer,
            const char       *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      post (self, buffer, NATTER_MESSAGE_STATUS, 0, NULL, lines[i], 0);
}

static gboolean
run_command (NatterConnection     *self,
             NatterBuffer         *buffer,
             const NatterCommand  *cmd,
             NatterBuffer        **show,
             GError              **error)
{
  const char *name = natter_buffer_get_name (buffer);
  const char *channel;
  NatterBuffer *other;

  switch (cmd->kind)
    {
    case NATTER_CMD_SAY:
      if (!require_chat (buffer, "use /msg or /join", error) || !check_online (self, error))
        return FALSE;
      if (natter_buffer_get_kind (buffer) == NATTER_BUFFER_CHANNEL &&
          !nt_session_in_channel (self->session, name))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "You are not in %s — /join %s to talk here", name, name);
          return FALSE;
        }
      return session_result (self, nt_session_say (self->session, name, cmd->text, wall_ms ()), error);

    case NATTER_CMD_JOIN:
      other = find_buffer (self, cmd->target);
      if (other != NULL && nt_session_in_channel (self->session, cmd->target))
        {
          if (show != NULL)
            *show = other;
          return TRUE;
        }
      if (!check_online (self, error) ||
          !session_result (self, nt_session_join (self->session, cmd->target, cmd->key), error))
        return FALSE;
      if (other != NULL)
        {
          if (show != NULL)
            *show = other;
        }
      else
        g_hash_table_add (self->focus_joins, fold (self, cmd->target));
      return TRUE;

    case NATTER_CMD_PART:
      if ((channel = channel_argument (self, buffer, cmd->target, "/part", error)) == NULL ||
          !check_online (self, error))
        return FALSE;
      if (!nt_session_in_channel (self->session, channel))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "You are not in %s", channel);
          return FALSE;
        }
      {
        g_autofree char *key = fold (self, channel);

        g_hash_table_remove (self->autojoin, key);
      }
      return session_result (self, nt_session_part (self->session, channel, cmd->text), error);

    case NATTER_CMD_MSG:
      if (!check_online (self, error))
        return FALSE;
      return session_result (self, nt_session_say (self->session, cmd->target, cmd->text, wall_ms ()), error);

    case NATTER_CMD_QUERY:
      if (nt_session_is_channel (self->session, cmd->target))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "/query is for people: use /join %s for a channel", cmd->target);
          return FALSE;
        }
      if (cmd->text != NULL && !check_online (self, error))
        return FALSE;
      other = find_buffer (self, cmd->target);
      if (other == NULL)
        other = add_buffer (self, NATTER_BUFFER_QUERY, cmd->target, TRUE);
      if (show != NULL)
        *show = other;
      if (cmd->text != NULL)
        return session_result (self, nt_session_say (self->session, cmd->target, cmd->text, wall_ms ()), error);
      return TRUE;

    case NATTER_CMD_ME:
      if (!require_chat (buffer, "/me works in a channel or a private chat", error) ||
          !check_online (self, error))
        return FALSE;
      return session_result (self, nt_session_me (self->session, name, cmd->text, wall_ms ()), error);

    case NATTER_CMD_NICK:
      if (!check_online (self, error))
        return FALSE;
      return session_result (self, nt_session_change_nick (self->session, cmd->target), error);

    case NATTER_CMD_TOPIC:
      if ((channel = channel_argument (self, buffer, cmd->target, "/topic", error)) == NULL)
        return FALSE;
      if (cmd->text == NULL)
        {
          NatterBuffer *chan = find_buffer (self, channel);
          const char *topic = chan != NULL ? natter_buffer_get_topic (chan)
                                           : nt_session_channel_topic (self->session, channel);
          const char *setter = chan != NULL ? natter_buffer_get_topic_setter (chan) : NULL;
          g_autofree char *text = NULL;

          if (topic == NULL || topic[0] == '\0')
            text = g_strdup_printf ("%s has no topic", channel);
          else if (setter != NULL)
            text = g_strdup_printf ("Topic of %s: %s (set by %s)", channel, topic, setter);
          else
            text = g_strdup_printf ("Topic of %s: %s", channel, topic);
          post (self, buffer, NATTER_MESSAGE_STATUS, 0, NULL, text, 0);
          return TRUE;
        }
      if (!check_online (self, error))
        return FALSE;
      return session_result (self, nt_session_topic (self->session, channel, cmd->text), error);

    case NATTER_CMD_AWAY:
      if (!check_online (self, error))
        return FALSE;
      return session_result (self, nt_session_away (self->session, cmd->text), error);

    case NATTER_CMD_QUIT:
      natter_connection_disconnect (self, cmd->text);
      return TRUE;

    case NATTER_CMD_RAW:
      if (!check_online (self, error))
        return FALSE;
      return session_result (self, nt_session_raw (self->session, cmd->text), error);

    case NATTER_CMD_CLOSE:
      if (natter_buffer_get_kind (buffer) == NATTER_BUFFER_SERVER)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "The server tab cannot be closed: use /quit to disconnect");
          return FALSE;
        }
      if (!natter_connection_close_buffer (self, buffer))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s is already closed", name);
          return FALSE;
        }
      return TRUE;

    case NATTER_CMD_CLEAR:
      natter_message_model_clear (natter_buffer_get_messages (buffer));
      return TRUE;

    case NATTER_CMD_HELP:
      {
        const char *help = natter_command_help (cmd->target);

        if (help == NULL)
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                         "No such command: /%s (try /help)", cmd->target);
            return FALSE;
          }
        show_lines (self, buffer, help);
        return TRUE;
      }

    default:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Unknown command");
      return FALSE;
    }
}

gboolean
natter_connection_execute (NatterConnection  *self,
                           NatterBuffer      *buffer,
                           const char        *input,
                           NatterBuffer     **show,
                           GError           **error)
{
  NatterCommand cmd = { 0 };
  gboolean ok;

  g_return_val_if_fail (NATTER_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (NATTER_IS_BUFFER (buffer), FALSE);
  g_return_val_if_fail (input != NULL, FALSE);

  if (show != NULL)
    *show = NULL;
  if (!natter_command_parse (input, &cmd, error))
    return FALSE;

  /* Keep the buffer alive through /close. */
  g_object_ref (buffer);
  ok = run_command (self, buffer, &cmd, show, error);
  natter_command_clear (&cmd);
  if (ok)
    natter_buffer_remember_input (buffer, input);
  connection_process (self);
  g_object_unref (buffer);
  return ok;
}
