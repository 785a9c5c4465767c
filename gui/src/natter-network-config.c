/* natter-network-config.c
 *
 * Errors are G_IO_ERROR_INVALID_ARGUMENT (G_IO_ERROR_NOT_SUPPORTED for
 * ircs://) with a message that starts with the field it is about, so the
 * connect form can show it as it is.
 */
#include "natter-network-config.h"

#include <string.h>

#include <natter/casemap.h>

#define DEFAULT_PORT     6667
#define MAX_NICK_LEN     30
#define MAX_CHANNEL_LEN  50
#define CHANNEL_PREFIXES "#&+!"
#define SETTINGS_KEY     "networks"
#define SETTINGS_TYPE    "a(ssqsssasb)"

/* Registered by hand: G_DEFINE_BOXED_TYPE passes the functions through a
 * transparent union that -Wpedantic rejects in C. */
GType
natter_network_config_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    {
      GType type = g_boxed_type_register_static (g_intern_static_string ("NatterNetworkConfig"),
                                                 (GBoxedCopyFunc) natter_network_config_copy,
                                                 (GBoxedFreeFunc) natter_network_config_free);
      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

NatterNetworkConfig *
natter_network_config_new (const char *name,
                           const char *host,
                           guint16     port,
                           const char *nick)
{
  NatterNetworkConfig *cfg = g_new0 (NatterNetworkConfig, 1);

  cfg->name = g_strdup (name);
  cfg->host = g_strdup (host);
  cfg->port = port != 0 ? port : DEFAULT_PORT;
  cfg->nick = g_strdup (nick);
  cfg->channels = g_new0 (char *, 1);
  return cfg;
}

NatterNetworkConfig *
natter_network_config_copy (const NatterNetworkConfig *cfg)
{
  NatterNetworkConfig *copy;

  g_return_val_if_fail (cfg != NULL, NULL);

  copy = g_new0 (NatterNetworkConfig, 1);
  copy->name = g_strdup (cfg->name);
  copy->host = g_strdup (cfg->host);
  copy->port = cfg->port;
  copy->nick = g_strdup (cfg->nick);
  copy->realname = g_strdup (cfg->realname);
  copy->password = g_strdup (cfg->password);
  copy->channels = cfg->channels != NULL ? g_strdupv (cfg->channels) : g_new0 (char *, 1);
  copy->hosted = cfg->hosted;
  return copy;
}

void
natter_network_config_free (NatterNetworkConfig *cfg)
{
  if (cfg == NULL)
    return;
  g_free (cfg->name);
  g_free (cfg->host);
  g_free (cfg->nick);
  g_free (cfg->realname);
  /* The password should not linger in freed memory. */
  if (cfg->password != NULL)
    memset (cfg->password, 0, strlen (cfg->password));
  g_free (cfg->password);
  g_strfreev (cfg->channels);
  g_free (cfg);
}

static gboolean
invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                                format, args));
  va_end (args);
  return FALSE;
}

static gboolean
has_line_break (const char *s)
{
  return s != NULL && strpbrk (s, "\r\n") != NULL;
}

static gboolean
validate_nick (const char *nick, GError **error)
{
  if (nick == NULL || nick[0] == '\0')
    return invalid (error, "Nickname: enter the name others will see you as");
  if (strlen (nick) > MAX_NICK_LEN)
    return invalid (error, "Nickname: “%s” is too long (at most %d characters)",
                    nick, MAX_NICK_LEN);
  if (g_ascii_isdigit (nick[0]) || nick[0] == '-')
    return invalid (error, "Nickname: cannot start with a digit or “-”");
  if (!nt_nick_valid (nick, MAX_NICK_LEN))
    {
      const char *bad = nick;

      while (*bad != '\0' && (g_ascii_isalnum (*bad) || strchr ("[]\\`_^{|}-", *bad) != NULL))
        bad++;
      if (*bad == ' ')
        return invalid (error, "Nickname: cannot contain spaces");
      return invalid (error, "Nickname: “%.*s” is not allowed; use letters, digits and []\\`_^{|}-",
                      (int) (g_utf8_next_char (bad) - bad), bad);
    }
  return TRUE;
}

static gboolean
validate_channel (const char *chan, GError **error)
{
  if (chan == NULL || chan[0] == '\0' || strchr (CHANNEL_PREFIXES, chan[0]) == NULL)
    return invalid (error, "Channels: “%s” is not a channel name (channel names start with #)",
                    chan != NULL ? chan : "");
  if (strlen (chan) > MAX_CHANNEL_LEN)
    return invalid (error, "Channels: “%s” is too long (at most %d characters)",
                    chan, MAX_CHANNEL_LEN);
  if (!nt_channel_valid (chan, CHANNEL_PREFIXES, MAX_CHANNEL_LEN))
    return invalid (error, "Channels: “%s” is not a valid channel name "
                    "(no spaces or commas, and a name after the #)", chan);
  return TRUE;
}

gboolean
natter_network_config_validate (const NatterNetworkConfig  *cfg,
                                GError                    **error)
{
  g_return_val_if_fail (cfg != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (cfg->host == NULL || cfg->host[0] == '\0')
    return invalid (error, "Server: enter the server's address, e.g. irc.libera.chat");
  if (strstr (cfg->host, "://") != NULL)
    return invalid (error, "Server: enter only the server's name, e.g. irc.libera.chat, "
                    "not an address with irc://");
  for (const char *p = cfg->host; *p != '\0'; p++)
    {
      if (*p == ' ' || *p == '\t')
        return invalid (error, "Server: “%s” cannot contain spaces", cfg->host);
      if ((guchar) *p < 0x20 || *p == 0x7f || *p == '/' || *p == ',' || *p == '@')
        return invalid (error, "Server: “%s” is not a server name or address", cfg->host);
    }
  if (cfg->port == 0)
    return invalid (error, "Port: must be between 1 and 65535");
  if (!validate_nick (cfg->nick, error))
    return FALSE;
  if (has_line_break (cfg->realname))
    return invalid (error, "Real name: cannot contain line breaks");
  if (has_line_break (cfg->password))
    return invalid (error, "Password: cannot contain line breaks");
  if (cfg->channels != NULL)
    for (guint i = 0; cfg->channels[i] != NULL; i++)
      if (!validate_channel (cfg->channels[i], error))
        return FALSE;
  return TRUE;
}

/* ---- irc:// URIs --------------------------------------------------------- */

static gboolean
is_uri_flag (const char *word)
{
  /* Flags of the irc: URI draft ("irc://host/chan,needkey"), not channels. */
  static const char * const flags[] = { "isnick", "isuser", "isserver", "needkey", "needpass" };

  for (gsize i = 0; i < G_N_ELEMENTS (flags); i++)
    if (g_ascii_strcasecmp (word, flags[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
parse_port (const char *text, gsize len, guint16 *port, GError **error)
{
  guint64 value = 0;

  if (len == 0)
    {
      *port = DEFAULT_PORT;
      return TRUE;
    }
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return invalid (error, "Port: “%.*s” is not a number", (int) len, text);
      if (value <= 65535)
        value = value * 10 + (guint64) (text[i] - '0');
    }
  if (value < 1 || value > 65535)
    return invalid (error, "Port: %.*s is out of range (1–65535)", (int) len, text);
  *port = (guint16) value;
  return TRUE;
}

/* The default nick is often the login name ("john.doe", "1337"): make an
 * acceptable nick of it rather than refuse the whole address. */
static char *
nick_from (const char *name)
{
  GString *nick = g_string_new (NULL);

  for (const char *p = name != NULL ? name : ""; *p != '\0' && nick->len < MAX_NICK_LEN; p++)
    {
      if (g_ascii_isalnum (*p) || strchr ("[]\\`_^{|}-", *p) != NULL)
        g_string_append_c (nick, *p);
      else if (((guchar) *p & 0xc0) != 0x80 && nick->len > 0 && nick->str[nick->len - 1] != '_')
        g_string_append_c (nick, '_');
    }
  if (nick->len > 0 && (g_ascii_isdigit (nick->str[0]) || nick->str[0] == '-'))
    g_string_prepend_c (nick, '_');
  g_string_truncate (nick, MAX_NICK_LEN);
  if (nick->len == 0)
    g_string_assign (nick, "guest");
  return g_string_free (nick, FALSE);
}

NatterNetworkConfig *
natter_network_config_from_uri (const char  *uri,
                                const char  *default_nick,
                                GError     **error)
{
  g_autoptr(NatterNetworkConfig) cfg = NULL;
  g_autofree char *host = NULL;
  g_autofree char *nick = NULL;
  g_autofree char *password = NULL;
  g_autoptr(GPtrArray) channels = g_ptr_array_new_with_free_func (g_free);
  const char *p;
  const char *auth_end;
  const char *host_start;
  const char *at;
  const char *port_text = NULL;
  gsize port_len = 0;
  guint16 port = DEFAULT_PORT;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (uri == NULL)
    uri = "";
  while (g_ascii_isspace (*uri))
    uri++;

  if (g_ascii_strncasecmp (uri, "ircs://", 7) == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "Secure connections (ircs://) are not supported yet; "
                           "use an irc:// address");
      return NULL;
    }
  if (g_ascii_strncasecmp (uri, "irc://", 6) == 0)
    p = uri + 6;
  else if (strstr (uri, "://") != NULL)
    {
      invalid (error, "“%s” is not an IRC address; use irc://server[:port][/#channel]", uri);
      return NULL;
    }
  else
    p = uri;   /* "irc.example.org:6667/#chan", as people paste it */

  auth_end = p + strcspn (p, "/?#");

  /* irc://nick[:password]@host */
  at = memchr (p, '@', auth_end - p);
  host_start = p;
  if (at != NULL)
    {
      const char *colon = memchr (p, ':', at - p);
      g_autofree char *user = g_strndup (p, (colon != NULL ? colon : at) - p);

      nick = g_uri_unescape_string (user, NULL);
      if (colon != NULL)
        {
          g_autofree char *pass = g_strndup (colon + 1, at - colon - 1);
          password = g_uri_unescape_string (pass, NULL);
        }
      if (nick == NULL || (colon != NULL && password == NULL))
        {
          invalid (error, "“%s” has a malformed %% escape", uri);
          return NULL;
        }
      host_start = at + 1;
    }

  if (*host_start == '[')
    {
      /* IPv6 literal: irc://[::1]:6667 */
      const char *close = memchr (host_start, ']', auth_end - host_start);

      if (close == NULL)
        {
          invalid (error, "Server: “%.*s” is missing its closing ]",
                   (int) (auth_end - host_start), host_start);
          return NULL;
        }
      host = g_strndup (host_start + 1, close - host_start - 1);
      if (close + 1 < auth_end)
        {
          if (close[1] != ':')
            {
              invalid (error, "“%s” is not an IRC address", uri);
              return NULL;
            }
          port_text = close + 2;
          port_len = auth_end - port_text;
        }
    }
  else
    {
      const char *colon = memchr (host_start, ':', auth_end - host_start);

      host = g_strndup (host_start, (colon != NULL ? colon : auth_end) - host_start);
      if (colon != NULL)
        {
          port_text = colon + 1;
          port_len = auth_end - port_text;
        }
    }

  if (host[0] == '\0')
    {
      invalid (error, "Server: “%s” names no server; use irc://server[:port][/#channel]", uri);
      return NULL;
    }
  if (port_text != NULL && !parse_port (port_text, port_len, &port, error))
    return NULL;

  /* Path (or a '#' straight after the host): channels, comma separated. */
  if (*auth_end == '/' || *auth_end == '#')
    {
      const char *path = *auth_end == '/' ? auth_end + 1 : auth_end;
      gsize path_len = strcspn (path, "?");
      g_autofree char *raw = g_strndup (path, path_len);
      g_autofree char *decoded = g_uri_unescape_string (raw, NULL);
      g_auto(GStrv) parts = NULL;

      if (decoded == NULL)
        {
          invalid (error, "“%s” has a malformed %% escape", uri);
          return NULL;
        }
      parts = g_strsplit (decoded, ",", -1);
      for (guint i = 0; parts[i] != NULL; i++)
        {
          if (parts[i][0] == '\0' || is_uri_flag (parts[i]))
            continue;
          if (strchr (CHANNEL_PREFIXES, parts[i][0]) != NULL)
            g_ptr_array_add (channels, g_strdup (parts[i]));
          else
            g_ptr_array_add (channels, g_strconcat ("#", parts[i], NULL));
        }
    }
  g_ptr_array_add (channels, NULL);

  if (nick == NULL || nick[0] == '\0')
    {
      g_free (nick);
      nick = nick_from (default_nick);
    }

  cfg = natter_network_config_new (host, host, port, nick);
  g_strfreev (cfg->channels);
  cfg->channels = (char **) g_ptr_array_steal (channels, NULL);
  cfg->password = g_steal_pointer (&password);

  if (!natter_network_config_validate (cfg, error))
    return NULL;
  return g_steal_pointer (&cfg);
}

/* ---- GSettings ------------------------------------------------------------- */

/* GVariant strings must be valid UTF-8; a NULL field is stored as "". */
static GVariant *
string_variant (const char *s)
{
  if (s == NULL)
    return g_variant_new_string ("");
  if (!g_utf8_validate (s, -1, NULL))
    return g_variant_new_take_string (g_utf8_make_valid (s, -1));
  return g_variant_new_string (s);
}

static char *
empty_to_null (const char *s)
{
  return s != NULL && s[0] != '\0' ? g_strdup (s) : NULL;
}

GPtrArray *
natter_network_config_load (GSettings *settings)
{
  GPtrArray *configs = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_network_config_free);
  g_autoptr(GVariant) value = NULL;
  GVariantIter iter;
  const char *name, *host, *nick, *realname, *password;
  guint16 port;
  gboolean hosted;
  GVariantIter *chan_iter;

  g_return_val_if_fail (G_IS_SETTINGS (settings), configs);

  value = g_settings_get_value (settings, SETTINGS_KEY);
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE (SETTINGS_TYPE)))
    return configs;

  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(&s&sq&s&s&sasb)", &name, &host, &port, &nick,
                              &realname, &password, &chan_iter, &hosted))
    {
      NatterNetworkConfig *cfg;
      GPtrArray *chans = g_ptr_array_new ();
      const char *chan;

      /* A name is what the sidebar shows: never leave it blank. */
      cfg = natter_network_config_new (name[0] != '\0' ? name : host, host, port, nick);
      cfg->realname = empty_to_null (realname);
      cfg->password = empty_to_null (password);
      cfg->hosted = hosted;
      while (g_variant_iter_next (chan_iter, "&s", &chan))
        g_ptr_array_add (chans, g_strdup (chan));
      g_ptr_array_add (chans, NULL);
      g_strfreev (cfg->channels);
      cfg->channels = (char **) g_ptr_array_free (chans, FALSE);
      g_variant_iter_free (chan_iter);
      g_ptr_array_add (configs, cfg);
    }
  return configs;
}

void
natter_network_config_save (GSettings *settings,
                            GPtrArray *configs)
{
  GVariantBuilder builder;

  g_return_if_fail (G_IS_SETTINGS (settings));

  g_variant_builder_init (&builder, G_VARIANT_TYPE (SETTINGS_TYPE));
  for (guint i = 0; configs != NULL && i < configs->len; i++)
    {
      const NatterNetworkConfig *cfg = g_ptr_array_index (configs, i);
      GVariantBuilder chans;

      g_variant_builder_init (&chans, G_VARIANT_TYPE_STRING_ARRAY);
      for (guint j = 0; cfg->channels != NULL && cfg->channels[j] != NULL; j++)
        g_variant_builder_add_value (&chans, string_variant (cfg->channels[j]));
      g_variant_builder_add (&builder, "(@s@sq@s@s@sasb)",
                             string_variant (cfg->name), string_variant (cfg->host), cfg->port,
                             string_variant (cfg->nick), string_variant (cfg->realname),
                             string_variant (cfg->password), &chans, cfg->hosted);
    }
  g_settings_set_value (settings, SETTINGS_KEY, g_variant_builder_end (&builder));
}
