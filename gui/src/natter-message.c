/* natter-message.c
 *
 * A message is created once and read many times (every bind of a recycled row
 * reads it), so it is a bare struct behind a GObject: no properties, no
 * signals. Nicks repeat thousands of times in a channel, so they are interned
 * and shared; the text is the only per-message allocation.
 */
#include "natter-message.h"

#include <glib/gi18n.h>
#include <string.h>

#include "natter-text.h"

struct _NatterMessage
{
  GObject     parent_instance;

  const char *nick;   /* interned */
  char       *text;
  gint64      time_ms;
  gint64      id;
  guint16     kind;
  guint16     flags;
};

G_DEFINE_FINAL_TYPE (NatterMessage, natter_message, G_TYPE_OBJECT)

static void
natter_message_finalize (GObject *object)
{
  NatterMessage *self = (NatterMessage *)object;

  g_free (self->text);

  G_OBJECT_CLASS (natter_message_parent_class)->finalize (object);
}

static void
natter_message_class_init (NatterMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = natter_message_finalize;
}

static void
natter_message_init (NatterMessage *self)
{
  (void)self;
}

NatterMessage *
natter_message_new (NatterMessageKind  kind,
                    gint64             time_ms,
                    const char        *nick,
                    const char        *text,
                    NatterMessageFlags flags)
{
  NatterMessage *self;

  g_return_val_if_fail (kind <= NATTER_MESSAGE_DAY, NULL);

  self = g_object_new (NATTER_TYPE_MESSAGE, NULL);
  self->kind = (guint16)kind;
  self->time_ms = time_ms;
  self->nick = nick ? g_intern_string (nick) : NULL;
  self->text = g_strdup (text);
  self->flags = (guint16)flags;

  return self;
}

NatterMessageKind
natter_message_get_kind (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), NATTER_MESSAGE_STATUS);

  return (NatterMessageKind)self->kind;
}

gint64
natter_message_get_time (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), 0);

  return self->time_ms;
}

const char *
natter_message_get_nick (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), NULL);

  return self->nick;
}

const char *
natter_message_get_text (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), NULL);

  return self->text;
}

NatterMessageFlags
natter_message_get_flags (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), NATTER_MESSAGE_FLAG_NONE);

  return (NatterMessageFlags)self->flags;
}

gboolean
natter_message_has_flag (NatterMessage      *self,
                         NatterMessageFlags  flag)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), FALSE);

  return (self->flags & flag) != 0;
}

void
natter_message_set_flag (NatterMessage      *self,
                         NatterMessageFlags  flag,
                         gboolean            on)
{
  g_return_if_fail (NATTER_IS_MESSAGE (self));

  if (on)
    self->flags |= (guint16)flag;
  else
    self->flags &= (guint16)~flag;
}

gint64
natter_message_get_id (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), 0);

  return self->id;
}

void
natter_message_set_id (NatterMessage *self,
                       gint64         id)
{
  g_return_if_fail (NATTER_IS_MESSAGE (self));

  self->id = id;
}

gboolean
natter_message_is_event (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), FALSE);

  switch ((NatterMessageKind)self->kind)
    {
    case NATTER_MESSAGE_JOIN:
    case NATTER_MESSAGE_PART:
    case NATTER_MESSAGE_QUIT:
    case NATTER_MESSAGE_NICK:
    case NATTER_MESSAGE_MODE:
      return TRUE;
    case NATTER_MESSAGE_PRIVMSG:
    case NATTER_MESSAGE_ACTION:
    case NATTER_MESSAGE_NOTICE:
    case NATTER_MESSAGE_KICK:
    case NATTER_MESSAGE_TOPIC:
    case NATTER_MESSAGE_SERVER:
    case NATTER_MESSAGE_ERROR:
    case NATTER_MESSAGE_STATUS:
    case NATTER_MESSAGE_DAY:
    default:
      return FALSE;
    }
}

char *
natter_message_format_time (NatterMessage *self)
{
  g_autoptr (GDateTime) dt = NULL;
  gint64 secs;

  g_return_val_if_fail (NATTER_IS_MESSAGE (self), NULL);

  /* Floor, not truncate: a time before 1970 must not round up a minute. */
  secs = self->time_ms >= 0 ? self->time_ms / 1000 : -((-self->time_ms + 999) / 1000);
  dt = g_date_time_new_from_unix_local (secs);
  if (dt == NULL)
    return g_strdup ("--:--");

  return g_date_time_format (dt, "%H:%M");
}

/* "reason" → " (reason)", nothing for an empty reason. */
static char *
reason_suffix (const char *reason)
{
  if (reason == NULL || reason[0] == '\0')
    return g_strdup ("");
  return g_strdup_printf (" (%s)", reason);
}

char *
natter_message_to_plain (NatterMessage *self)
{
  g_autofree char *text = NULL;
  const char *nick;

  g_return_val_if_fail (NATTER_IS_MESSAGE (self), NULL);

  /* Copied text goes to other programs: no IRC formatting codes, valid UTF-8. */
  nick = self->nick ? self->nick : "";
  text = natter_text_strip_formatting (self->text ? self->text : "");

  switch ((NatterMessageKind)self->kind)
    {
    case NATTER_MESSAGE_PRIVMSG:
      return g_strdup_printf ("<%s> %s", nick, text);

    case NATTER_MESSAGE_ACTION:
      return g_strdup_printf ("* %s %s", nick, text);

    case NATTER_MESSAGE_NOTICE:
      return g_strdup_printf ("-%s- %s", nick, text);

    case NATTER_MESSAGE_JOIN:
      return g_strdup_printf (_("%s joined"), nick);

    case NATTER_MESSAGE_PART:
      {
        g_autofree char *why = reason_suffix (text);
        return g_strdup_printf (_("%s left%s"), nick, why);
      }

    case NATTER_MESSAGE_QUIT:
      {
        g_autofree char *why = reason_suffix (text);
        return g_strdup_printf (_("%s quit%s"), nick, why);
      }

    case NATTER_MESSAGE_KICK:
      {
        const char *space = strchr (text, ' ');
        g_autofree char *victim = space ? g_strndup (text, (gsize)(space - text)) : g_strdup (text);
        g_autofree char *why = reason_suffix (space ? space + 1 : NULL);
        return g_strdup_printf (_("%s was removed by %s%s"), victim, nick, why);
      }

    case NATTER_MESSAGE_NICK:
      return g_strdup_printf (_("%s is now known as %s"), nick, text);

    case NATTER_MESSAGE_TOPIC:
      if (self->nick == NULL)
        return g_strdup_printf (_("Topic: %s"), text);
      return g_strdup_printf (_("%s changed the topic to: %s"), nick, text);

    case NATTER_MESSAGE_MODE:
      return g_strdup_printf (_("%s set mode %s"), nick, text);

    case NATTER_MESSAGE_SERVER:
    case NATTER_MESSAGE_ERROR:
    case NATTER_MESSAGE_STATUS:
    case NATTER_MESSAGE_DAY:
    default:
      return g_steal_pointer (&text);
    }
}
