/* natter-buffer.c
 *
 * Messages reach a buffer in batches: the connection queues every message of
 * one read from the socket, then flushes, so the model emits one
 * items-changed and the history writes one transaction per batch however busy
 * the channel is.
 */
#include "natter-buffer.h"
#include "natter-buffer-private.h"
#include "natter-connection-private.h"
#include "natter-member.h"

#include <string.h>

/* Scrollback restored from history when a chat opens. */
#define BUFFER_INITIAL_HISTORY 200
#define BUFFER_INPUT_HISTORY   100
#define BUFFER_RECENT_SPEAKERS 30

struct _NatterBuffer
{
  GObject             parent_instance;

  NatterConnection   *connection;   /* not owned: it owns us and detaches us */
  NatterBufferKind    kind;
  char               *name;
  char               *network;
  char               *history_key;
  NatterHistory      *history;

  NatterMessageModel *messages;
  GListStore         *members;
  GPtrArray          *pending;
  char               *topic;
  char               *topic_setter;
  guint               unread;
  guint               mentions;
  gboolean            joined;
  gboolean            active;
  gboolean            focused;
  gboolean            marker_pending;
  gint64              oldest_id;    /* the oldest stored message we hold; 0: none */

  GPtrArray          *input_history;
  GQueue              speakers;     /* nicks, most recent first */
};

G_DEFINE_FINAL_TYPE (NatterBuffer, natter_buffer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_KIND,
  PROP_UNREAD,
  PROP_MENTIONS,
  PROP_TOPIC,
  PROP_TOPIC_SETTER,
  PROP_JOINED,
  PROP_ACTIVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
natter_buffer_kind_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { NATTER_BUFFER_SERVER, "NATTER_BUFFER_SERVER", "server" },
        { NATTER_BUFFER_CHANNEL, "NATTER_BUFFER_CHANNEL", "channel" },
        { NATTER_BUFFER_QUERY, "NATTER_BUFFER_QUERY", "query" },
        { 0, NULL, NULL }
      };
      GType type = g_enum_register_static (g_intern_static_string ("NatterBufferKind"), values);
      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

static void
natter_buffer_dispose (GObject *object)
{
  NatterBuffer *self = (NatterBuffer *)object;

  g_clear_object (&self->history);
  g_clear_object (&self->messages);
  g_clear_object (&self->members);
  if (self->pending != NULL)
    g_ptr_array_set_size (self->pending, 0);

  G_OBJECT_CLASS (natter_buffer_parent_class)->dispose (object);
}

static void
natter_buffer_finalize (GObject *object)
{
  NatterBuffer *self = (NatterBuffer *)object;

  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->input_history, g_ptr_array_unref);
  g_queue_clear_full (&self->speakers, g_free);
  g_free (self->name);
  g_free (self->network);
  g_free (self->history_key);
  g_free (self->topic);
  g_free (self->topic_setter);

  G_OBJECT_CLASS (natter_buffer_parent_class)->finalize (object);
}

static void
natter_buffer_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  NatterBuffer *self = NATTER_BUFFER (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_UNREAD:
      g_value_set_uint (value, self->unread);
      break;
    case PROP_MENTIONS:
      g_value_set_uint (value, self->mentions);
      break;
    case PROP_TOPIC:
      g_value_set_string (value, self->topic);
      break;
    case PROP_TOPIC_SETTER:
      g_value_set_string (value, self->topic_setter);
      break;
    case PROP_JOINED:
      g_value_set_boolean (value, self->joined);
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_buffer_class_init (NatterBufferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = natter_buffer_dispose;
  object_class->finalize = natter_buffer_finalize;
  object_class->get_property = natter_buffer_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, natter_buffer_kind_get_type (), NATTER_BUFFER_SERVER,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNREAD] =
    g_param_spec_uint ("unread", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MENTIONS] =
    g_param_spec_uint ("mentions", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOPIC] =
    g_param_spec_string ("topic", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOPIC_SETTER] =
    g_param_spec_string ("topic-setter", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_JOINED] =
    g_param_spec_boolean ("joined", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
natter_buffer_init (NatterBuffer *self)
{
  self->messages = natter_message_model_new ();
  self->members = g_list_store_new (NATTER_TYPE_MEMBER);
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  self->input_history = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&self->speakers);
}

static char *
buffer_history_key (NatterBuffer *self)
{
  nt_casemap cm = self->connection != NULL
    ? natter_connection_get_casemap (self->connection)
    : NT_CASEMAP_RFC1459;
  gsize cap = strlen (self->name) + 1;
  char *key = g_malloc (cap);

  return nt_casefold (cm, self->name, key, cap);
}

static gboolean
buffer_stores_history (NatterBuffer *self)
{
  /* The server buffer is MOTDs and numerics: noise in a search, and stale
   * the next time the app starts. */
  return self->history != NULL && self->kind != NATTER_BUFFER_SERVER;
}

static void
buffer_note_ids (NatterBuffer   *self,
                 NatterMessage **msgs,
                 guint           n)
{
  for (guint i = 0; i < n; i++)
    {
      gint64 id = natter_message_get_id (msgs[i]);

      if (id > 0 && (self->oldest_id == 0 || id < self->oldest_id))
        self->oldest_id = id;
    }
}

NatterBuffer *
natter_buffer_new (NatterConnection *connection,
                   NatterBufferKind  kind,
                   const char       *name,
                   const char       *network,
                   NatterHistory    *history)
{
  NatterBuffer *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (NATTER_TYPE_BUFFER, NULL);
  self->connection = connection;
  self->kind = kind;
  self->name = g_strdup (name);
  self->network = g_strdup (network != NULL ? network : "");
  self->history = history != NULL ? g_object_ref (history) : NULL;
  self->history_key = buffer_history_key (self);

  /* Scrollback survives restarts: the chat opens where it left off. */
  if (buffer_stores_history (self))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) older = natter_history_load_before (self->history, self->network,
                                                               self->history_key, 0,
                                                               BUFFER_INITIAL_HISTORY, &error);

      if (older != NULL && older->len > 0)
        {
          natter_message_model_prepend_many (self->messages,
                                             (NatterMessage **) older->pdata, older->len);
          buffer_note_ids (self, (NatterMessage **) older->pdata, older->len);
        }
      else if (error != NULL)
        g_debug ("history of %s/%s: %s", self->network, self->name, error->message);
    }

  return self;
}

const char *
natter_buffer_get_name (NatterBuffer *self)
{
  g_return_val_if_fail (NATTER_IS_BUFFER (self), NULL);
  return self->name;
}

NatterBufferKind
natter_buffer_get_kind (NatterBuffer *self)
{
  g_return_val_if_fail (NATTER_IS_BUFFER (self), NATTER_BUFFER_SERVER);
  return self->kind;
}

NatterConnection *
natter_buffer_get_connection (NatterBuffer *self)
{
  g_return_val_if_fail (NATTER_IS_BUFFER (self), NULL);
  return self->connection;
}

NatterMessageModel *
natter_buffer_get_messages (NatterBuffer *self)
{
  g_return_val_if_fail (NATTER_IS_BUFFER (self), NULL);
  return self->messages;
}

GListModel *
natter_buffer_get_members (NatterBuffer *self)
{
  g_return_val_if_fail (NATTER_IS_BUFFER (self), NULL);
  return G_LIST_MODEL (self->members);
}

const char *
natter_buffer_get_topic (NatterBuffer *self)
{
  g_return_val_if_fail (NATTER_IS_BUFFER (self), NULL);
  return self->topic;
}

const char *
natter_buffer_get_topic_setter (NatterBuffer *self)
{
  g_return_val_if_fail (NATTER_IS_BUFFER (self), NULL);
  return self->topic_setter;
}

guint
natter_buffer_get_unread (NatterBuffer *self)
{
  g_return_val_if_fail (NATTER_IS_BUFFER (self), 0);
  return self->unread;
}

guint
natter_buffer_get_mentions (NatterBuffer *self)
{
  g_return_val_if_fail (NATTER_IS_BUFFER (self), 0);
  return self->mentions;
}

gboolean
natter_buffer_get_joined (NatterBuffer *self)
{
  g_return_val_if_fail (NATTER_IS_BUFFER (self), FALSE);
  return self->joined;
}

gboolean
natter_buffer_get_active (NatterBuffer *self)
{
  g_return_val_if_fail (NATTER_IS_BUFFER (self), FALSE);
  return self->active;
}

void
natter_buffer_set_active (NatterBuffer *self,
                          gboolean      active,
                          gboolean      focused)
{
  gboolean was_seen, seen;

  g_return_if_fail (NATTER_IS_BUFFER (self));

  active = !!active;
  was_seen = self->active && self->focused;
  seen = active && !!focused;
  self->focused = !!focused;

  /* The marker goes where the user stopped reading: above whatever comes
   * next. The old one has served its purpose once they looked again. */
  if (was_seen && !seen)
    {
      natter_message_model_set_read_marker (self->messages, NULL);
      self->marker_pending = TRUE;
    }
  if (seen)
    natter_buffer_mark_read (self);

  if (self->active != active)
    {
      self->active = active;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
    }
}

void
natter_buffer_mark_read (NatterBuffer *self)
{
  g_return_if_fail (NATTER_IS_BUFFER (self));

  if (self->unread != 0)
    {
      self->unread = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD]);
    }
  if (self->mentions != 0)
    {
      self->mentions = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MENTIONS]);
    }
}

guint
natter_buffer_load_older (NatterBuffer *self,
                          guint         limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) older = NULL;

  g_return_val_if_fail (NATTER_IS_BUFFER (self), 0);

  if (!buffer_stores_history (self) || limit == 0)
    return 0;

  /* Nothing stored in view (a fresh chat, or the history failed so far):
   * everything in the database is older than what is shown. */
  older = natter_history_load_before (self->history, self->network, self->history_key,
                                      self->oldest_id, limit, &error);
  if (older == NULL)
    {
      g_debug ("history of %s/%s: %s", self->network, self->name,
               error != NULL ? error->message : "failed");
      return 0;
    }
  if (older->len == 0)
    return 0;

  natter_message_model_prepend_many (self->messages, (NatterMessage **) older->pdata, older->len);
  buffer_note_ids (self, (NatterMessage **) older->pdata, older->len);
  return older->len;
}

void
natter_buffer_remember_input (NatterBuffer *self,
                              const char   *line)
{
  g_return_if_fail (NATTER_IS_BUFFER (self));

  if (line == NULL || line[0] == '\0')
    return;
  /* Pressing Up should not walk through the same line twice in a row. */
  if (self->input_history->len > 0 &&
      g_strcmp0 (g_ptr_array_index (self->input_history, self->input_history->len - 1), line) == 0)
    return;
  g_ptr_array_add (self->input_history, g_strdup (line));
  if (self->input_history->len > BUFFER_INPUT_HISTORY)
    g_ptr_array_remove_index (self->input_history, 0);
}

GPtrArray *
natter_buffer_get_input_history (NatterBuffer *self)
{
  g_return_val_if_fail (NATTER_IS_BUFFER (self), NULL);
  return self->input_history;
}

static gboolean
strv_has_nick (GPtrArray  *nicks,
               const char *nick)
{
  for (guint i = 0; i < nicks->len; i++)
    if (nt_casecmp (NT_CASEMAP_RFC1459, g_ptr_array_index (nicks, i), nick) == 0)
      return TRUE;
  return FALSE;
}

char **
natter_buffer_completion_candidates (NatterBuffer *self)
{
  GPtrArray *nicks;
  const char *own = NULL;
  guint n;

  g_return_val_if_fail (NATTER_IS_BUFFER (self), NULL);

  nicks = g_ptr_array_new ();
  if (self->connection != NULL)
    own = natter_connection_get_nick (self->connection);

  for (GList *l = self->speakers.head; l != NULL; l = l->next)
    if (!strv_has_nick (nicks, l->data))
      g_ptr_array_add (nicks, g_strdup (l->data));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->members));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NatterMember) member = g_list_model_get_item (G_LIST_MODEL (self->members), i);
      const char *nick = natter_member_get_nick (member);

      if (own != NULL && nt_casecmp (NT_CASEMAP_RFC1459, own, nick) == 0)
        continue;
      if (!strv_has_nick (nicks, nick))
        g_ptr_array_add (nicks, g_strdup (nick));
    }

  /* A private chat has one obvious candidate even before they speak. */
  if (self->kind == NATTER_BUFFER_QUERY && !strv_has_nick (nicks, self->name))
    g_ptr_array_add (nicks, g_strdup (self->name));

  g_ptr_array_add (nicks, NULL);
  return (char **) g_ptr_array_free (nicks, FALSE);
}

void
natter_buffer_add_status (NatterBuffer      *self,
                          NatterMessageKind  kind,
                          const char        *text)
{
  g_autoptr(NatterMessage) msg = NULL;

  g_return_if_fail (NATTER_IS_BUFFER (self));

  msg = natter_message_new (kind, g_get_real_time () / 1000, NULL, text, NATTER_MESSAGE_FLAG_NONE);
  natter_buffer_queue (self, msg);
  natter_buffer_flush (self, NULL, NULL);
}

/* ---- private: fed by the connection ---------------------------------------- */

static gboolean
message_counts_unread (NatterMessage *msg)
{
  switch (natter_message_get_kind (msg))
    {
    case NATTER_MESSAGE_PRIVMSG:
    case NATTER_MESSAGE_ACTION:
    case NATTER_MESSAGE_NOTICE:
      return !natter_message_has_flag (msg, NATTER_MESSAGE_FLAG_SELF);
    default:
      return FALSE;
    }
}

static gboolean
message_is_stored (NatterMessage *msg)
{
  switch (natter_message_get_kind (msg))
    {
    case NATTER_MESSAGE_STATUS:  /* the client's own news is about this run only */
    case NATTER_MESSAGE_ERROR:
    case NATTER_MESSAGE_DAY:
      return FALSE;
    default:
      return natter_message_get_id (msg) == 0;
    }
}

static void
buffer_note_speaker (NatterBuffer *self,
                     const char   *nick)
{
  for (GList *l = self->speakers.head; l != NULL; l = l->next)
    if (nt_casecmp (NT_CASEMAP_RFC1459, l->data, nick) == 0)
      {
        g_free (l->data);
        g_queue_delete_link (&self->speakers, l);
        break;
      }
  g_queue_push_head (&self->speakers, g_strdup (nick));
  if (self->speakers.length > BUFFER_RECENT_SPEAKERS)
    g_free (g_queue_pop_tail (&self->speakers));
}

void
natter_buffer_queue (NatterBuffer  *self,
                     NatterMessage *msg)
{
  g_return_if_fail (NATTER_IS_BUFFER (self));
  g_return_if_fail (NATTER_IS_MESSAGE (msg));

  g_ptr_array_add (self->pending, g_object_ref (msg));

  if (message_counts_unread (msg))
    {
      const char *nick = natter_message_get_nick (msg);

      if (nick != NULL && natter_message_get_kind (msg) != NATTER_MESSAGE_NOTICE)
        buffer_note_speaker (self, nick);
      if (!(self->active && self->focused))
        {
          self->unread++;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD]);
          if (natter_message_has_flag (msg, NATTER_MESSAGE_FLAG_MENTION))
            {
              self->mentions++;
              g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MENTIONS]);
            }
        }
    }
}

gboolean
natter_buffer_has_pending (NatterBuffer *self)
{
  g_return_val_if_fail (NATTER_IS_BUFFER (self), FALSE);
  return self->pending->len > 0;
}

gboolean
natter_buffer_flush (NatterBuffer  *self,
                     gboolean      *stored,
                     GError       **error)
{
  NatterMessage **msgs;
  guint n;
  gboolean ok = TRUE;

  g_return_val_if_fail (NATTER_IS_BUFFER (self), FALSE);

  if (stored != NULL)
    *stored = FALSE;
  n = self->pending->len;
  if (n == 0 || self->messages == NULL)
    return TRUE;
  msgs = (NatterMessage **) self->pending->pdata;

  natter_message_model_append_many (self->messages, msgs, n);

  if (self->marker_pending)
    for (guint i = 0; i < n; i++)
      if (message_counts_unread (msgs[i]))
        {
          natter_message_model_set_read_marker (self->messages, msgs[i]);
          self->marker_pending = FALSE;
          break;
        }

  if (buffer_stores_history (self))
    {
      g_autoptr(GPtrArray) store = g_ptr_array_sized_new (n);

      for (guint i = 0; i < n; i++)
        if (message_is_stored (msgs[i]))
          g_ptr_array_add (store, msgs[i]);
      if (store->len > 0)
        {
          ok = natter_history_append_many (self->history, self->network, self->history_key,
                                           (NatterMessage **) store->pdata, store->len, error);
          if (stored != NULL)
            *stored = ok;
          buffer_note_ids (self, (NatterMessage **) store->pdata, store->len);
        }
    }

  g_ptr_array_set_size (self->pending, 0);
  return ok;
}

void
natter_buffer_set_name (NatterBuffer *self,
                        const char   *name)
{
  g_return_if_fail (NATTER_IS_BUFFER (self));

  if (g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_free (self->history_key);
  self->history_key = buffer_history_key (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

void
natter_buffer_set_topic (NatterBuffer *self,
                         const char   *topic,
                         const char   *setter)
{
  g_return_if_fail (NATTER_IS_BUFFER (self));

  if (topic != NULL && topic[0] == '\0')
    topic = NULL;
  if (g_strcmp0 (self->topic, topic) != 0)
    {
      g_free (self->topic);
      self->topic = g_strdup (topic);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOPIC]);
    }
  if (g_strcmp0 (self->topic_setter, setter) != 0)
    {
      g_free (self->topic_setter);
      self->topic_setter = g_strdup (setter);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOPIC_SETTER]);
    }
}

void
natter_buffer_set_joined (NatterBuffer *self,
                          gboolean      joined)
{
  g_return_if_fail (NATTER_IS_BUFFER (self));

  joined = !!joined;
  if (self->joined == joined)
    return;
  self->joined = joined;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOINED]);
}

void
natter_buffer_set_members (NatterBuffer    *self,
                           const nt_member *members,
                           gsize            n)
{
  g_autoptr(GPtrArray) items = NULL;

  g_return_if_fail (NATTER_IS_BUFFER (self));

  items = g_ptr_array_new_full (n, g_object_unref);
  for (gsize i = 0; i < n; i++)
    g_ptr_array_add (items, natter_member_new (members[i].nick,
                                               members[i].prefixes != NULL ? members[i].prefixes : "",
                                               members[i].away));
  g_list_store_splice (self->members, 0, g_list_model_get_n_items (G_LIST_MODEL (self->members)),
                       items->pdata, items->len);
}

void
natter_buffer_detach (NatterBuffer *self)
{
  g_return_if_fail (NATTER_IS_BUFFER (self));

  self->connection = NULL;
  natter_buffer_set_joined (self, FALSE);
}

const char *
natter_buffer_get_history_key (NatterBuffer *self)
{
  g_return_val_if_fail (NATTER_IS_BUFFER (self), NULL);
  return self->history_key;
}
