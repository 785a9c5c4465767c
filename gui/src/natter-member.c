/* natter-member.c
 *
 * Immutable: a mode or away change replaces the member in the list, so the
 * sorted list model sees the move. The read-only properties exist so a
 * GtkStringFilter or GtkPropertyExpression can look at the nick.
 */
#include "natter-member.h"

struct _NatterMember
{
  GObject     parent_instance;

  const char *nick;      /* interned: the same nick sits in many channels */
  const char *prefixes;  /* interned: only a handful of distinct values */
  gboolean    away;
};

G_DEFINE_FINAL_TYPE (NatterMember, natter_member, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NICK,
  PROP_PREFIXES,
  PROP_AWAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
natter_member_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  NatterMember *self = NATTER_MEMBER (object);

  switch (prop_id)
    {
    case PROP_NICK:
      g_value_set_static_string (value, self->nick);
      break;
    case PROP_PREFIXES:
      g_value_set_static_string (value, self->prefixes);
      break;
    case PROP_AWAY:
      g_value_set_boolean (value, self->away);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_member_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  NatterMember *self = NATTER_MEMBER (object);
  const char *s;

  switch (prop_id)
    {
    case PROP_NICK:
      s = g_value_get_string (value);
      self->nick = g_intern_string (s ? s : "");
      break;
    case PROP_PREFIXES:
      s = g_value_get_string (value);
      self->prefixes = g_intern_string (s ? s : "");
      break;
    case PROP_AWAY:
      self->away = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_member_class_init (NatterMemberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = natter_member_get_property;
  object_class->set_property = natter_member_set_property;

  properties[PROP_NICK] =
    g_param_spec_string ("nick", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PREFIXES] =
    g_param_spec_string ("prefixes", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AWAY] =
    g_param_spec_boolean ("away", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
natter_member_init (NatterMember *self)
{
  self->nick = g_intern_static_string ("");
  self->prefixes = g_intern_static_string ("");
}

NatterMember *
natter_member_new (const char *nick,
                   const char *prefixes,
                   gboolean    away)
{
  return g_object_new (NATTER_TYPE_MEMBER,
                       "nick", nick,
                       "prefixes", prefixes,
                       "away", away,
                       NULL);
}

const char *
natter_member_get_nick (NatterMember *self)
{
  g_return_val_if_fail (NATTER_IS_MEMBER (self), NULL);

  return self->nick;
}

const char *
natter_member_get_prefixes (NatterMember *self)
{
  g_return_val_if_fail (NATTER_IS_MEMBER (self), NULL);

  return self->prefixes;
}

gboolean
natter_member_get_away (NatterMember *self)
{
  g_return_val_if_fail (NATTER_IS_MEMBER (self), FALSE);

  return self->away;
}
