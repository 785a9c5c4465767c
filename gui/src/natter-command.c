/* natter-command.c
 *
 * The chat entry's command language: a small table of commands, each with
 * its usage line, so parsing, /help and Tab completion of "/jo" can never
 * disagree about what exists.
 */
#include "natter-command.h"

#include <string.h>

#include <natter/casemap.h>

G_DEFINE_QUARK (natter-command-error-quark, natter_command_error)

/* Channel prefixes of RFC 2812; a server may announce fewer, but a name that
 * starts with one of these is never a nick. */
#define CHANNEL_PREFIXES "#&+!"
#define MAX_NICK_LEN     30
/* CHANNELLEN varies by server: only refuse what no server would take. */
#define MAX_CHANNEL_LEN  200

typedef struct {
  const char        *name;
  const char        *alias;   /* NULL or another name for the same command */
  NatterCommandKind  kind;
  const char        *help;
} CommandInfo;

static const CommandInfo commands[] = {
  { "away",  "back",  NATTER_CMD_AWAY,  "/away [message] — mark yourself away; /away or /back alone: you are back" },
  { "clear", NULL,    NATTER_CMD_CLEAR, "/clear — clear the messages shown in this chat" },
  { "close", NULL,    NATTER_CMD_CLOSE, "/close — leave and close this chat" },
  { "help",  NULL,    NATTER_CMD_HELP,  "/help [command] — list the commands, or explain one" },
  { "join",  "j",     NATTER_CMD_JOIN,  "/join #channel [key] — join a channel (also /j)" },
  { "me",    NULL,    NATTER_CMD_ME,    "/me action — say what you are doing, e.g. /me waves" },
  { "msg",   "m",     NATTER_CMD_MSG,   "/msg nick message — send a private message (also /m)" },
  { "nick",  NULL,    NATTER_CMD_NICK,  "/nick newnick — change your nickname" },
  { "part",  "leave", NATTER_CMD_PART,  "/part [#channel] [reason] — leave a channel (also /leave)" },
  { "query", NULL,    NATTER_CMD_QUERY, "/query nick [message] — open a private chat with someone" },
  { "quit",  NULL,    NATTER_CMD_QUIT,  "/quit [reason] — disconnect from this network" },
  { "raw",   "quote", NATTER_CMD_RAW,   "/raw COMMAND args — send a line to the server as typed (also /quote)" },
  { "say",   NULL,    NATTER_CMD_SAY,   "/say message — send a message as typed, even one starting with /" },
  { "topic", NULL,    NATTER_CMD_TOPIC, "/topic [#channel] [text] — show the topic, or set it" },
};

static const CommandInfo *
lookup (const char *name)
{
  g_autofree char *lower = NULL;

  if (name == NULL)
    return NULL;
  if (name[0] == '/')
    name++;
  lower = g_ascii_strdown (name, -1);
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (strcmp (commands[i].name, lower) == 0 ||
          (commands[i].alias != NULL && strcmp (commands[i].alias, lower) == 0))
        return &commands[i];
    }
  return NULL;
}

const char *
natter_command_help (const char *name)
{
  static char *all;
  const CommandInfo *info;

  if (name != NULL)
    {
      info = lookup (name);
      return info != NULL ? info->help : NULL;
    }

  if (g_once_init_enter (&all))
    {
      GString *s = g_string_new (NULL);

      for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
        {
          if (i > 0)
            g_string_append_c (s, '\n');
          g_string_append (s, commands[i].help);
        }
      g_string_append (s, "\nStart a message with // to send it with a leading /.");
      g_once_init_leave (&all, g_string_free (s, FALSE));
    }
  return all;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  /* g_ptr_array_sort passes pointers to the elements. */
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

const char * const *
natter_command_names (void)
{
  static const char **names;

  if (g_once_init_enter (&names))
    {
      GPtrArray *list = g_ptr_array_new ();

      for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
        {
          g_ptr_array_add (list, (gpointer) commands[i].name);
          /* "/j<Tab>" should become "/join", not stop at the alias "/j". */
          if (commands[i].alias != NULL && strlen (commands[i].alias) > 1)
            g_ptr_array_add (list, (gpointer) commands[i].alias);
        }
      g_ptr_array_sort (list, compare_names);
      g_ptr_array_add (list, NULL);
      g_once_init_leave (&names, (const char **) g_ptr_array_free (list, FALSE));
    }
  return (const char * const *) names;
}

void
natter_command_clear (NatterCommand *cmd)
{
  if (cmd == NULL)
    return;
  g_clear_pointer (&cmd->target, g_free);
  g_clear_pointer (&cmd->text, g_free);
  g_clear_pointer (&cmd->key, g_free);
}

/* Arguments are separated by runs of spaces; the last argument of a command
 * is "the rest of the line" and keeps its inner spacing. */
static const char *
skip_spaces (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

static char *
next_word (const char **p)
{
  const char *start = skip_spaces (*p);
  const char *end = start;

  while (*end != '\0' && *end != ' ' && *end != '\t')
    end++;
  *p = end;
  if (end == start)
    return NULL;
  return g_strndup (start, end - start);
}

static char *
rest_of_line (const char *p)
{
  p = skip_spaces (p);
  return *p != '\0' ? g_strdup (p) : NULL;
}

static gboolean
is_channel (const char *name)
{
  return name != NULL && name[0] != '\0' && strchr (CHANNEL_PREFIXES, name[0]) != NULL;
}

static gboolean
only_spaces (const char *s)
{
  return *skip_spaces (s) == '\0';
}

static gboolean
set_error (GError **error, NatterCommandError code, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
set_error (GError **error, NatterCommandError code, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (NATTER_COMMAND_ERROR, code, format, args));
  va_end (args);
  return FALSE;
}

/* "natter" and "#natter" both join #natter, as in HexChat; a comma list joins
 * several channels at once. */
static gboolean
normalize_channels (char **target, GError **error)
{
  g_auto(GStrv) parts = g_strsplit (*target, ",", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *chan = NULL;

      if (parts[i][0] == '\0')
        {
          g_string_free (out, TRUE);
          return set_error (error, NATTER_COMMAND_ERROR_INVALID,
                            "“%s” has an empty channel name in it", *target);
        }
      chan = is_channel (parts[i]) ? g_strdup (parts[i]) : g_strconcat ("#", parts[i], NULL);
      if (!nt_channel_valid (chan, CHANNEL_PREFIXES, MAX_CHANNEL_LEN))
        {
          g_string_free (out, TRUE);
          return set_error (error, NATTER_COMMAND_ERROR_INVALID,
                            "“%s” is not a valid channel name", chan);
        }
      if (out->len > 0)
        g_string_append_c (out, ',');
      g_string_append (out, chan);
    }
  g_free (*target);
  *target = g_string_free (out, FALSE);
  return TRUE;
}

/* Private-message targets are nicks, channels or service names such as
 * ZNC's "*status", so only what would break the IRC line is refused. */
static gboolean
check_target (const char *command, const char *target, GError **error)
{
  for (const char *p = target; *p != '\0'; p++)
    {
      if (*p == ',' || (guchar) *p < 0x20 || *p == 0x7f)
        return set_error (error, NATTER_COMMAND_ERROR_INVALID,
                          "/%s: “%s” is not a nick or channel name", command, target);
    }
  if (target[0] == ':')
    return set_error (error, NATTER_COMMAND_ERROR_INVALID,
                      "/%s: a nick cannot start with “:”", command);
  return TRUE;
}

static gboolean
parse_slash (const char *line, NatterCommand *cmd, GError **error)
{
  const CommandInfo *info;
  g_autofree char *name = NULL;
  g_autofree char *typed = NULL;   /* the name as typed, lower case: may be an alias */
  const char *p = line + 1;
  const char *name_end = p;
  const char *cname;

  while (*name_end != '\0' && *name_end != ' ' && *name_end != '\t')
    name_end++;
  if (name_end == p)
    return set_error (error, NATTER_COMMAND_ERROR_UNKNOWN,
                      "Type a command after “/”, e.g. /join #natter, or /help for the list. "
                      "To send a message starting with /, begin it with //");
  name = g_strndup (p, name_end - p);
  p = name_end;

  typed = g_ascii_strdown (name, -1);
  info = lookup (typed);
  if (info == NULL)
    {
      const char *guess = NULL;
      guint n_guesses = 0;

      for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
        if (g_str_has_prefix (commands[i].name, typed))
          {
            guess = commands[i].name;
            n_guesses++;
          }
      if (n_guesses == 1)
        return set_error (error, NATTER_COMMAND_ERROR_UNKNOWN,
                          "Unknown command /%s — did you mean /%s?", name, guess);
      return set_error (error, NATTER_COMMAND_ERROR_UNKNOWN,
                        "Unknown command /%s. Type /help for the list, or begin the message "
                        "with // to send it as text", name);
    }

  cname = info->name;
  cmd->kind = info->kind;

  switch (info->kind)
    {
    case NATTER_CMD_SAY:
    case NATTER_CMD_ME:
    case NATTER_CMD_RAW:
      /* A message is sent as typed: only the separator after the name goes. */
      if (*p != '\0')
        p++;
      if (only_spaces (p))
        {
          if (info->kind == NATTER_CMD_ME)
            return set_error (error, NATTER_COMMAND_ERROR_MISSING,
                              "/me needs an action, e.g. /me waves");
          if (info->kind == NATTER_CMD_RAW)
            return set_error (error, NATTER_COMMAND_ERROR_MISSING,
                              "/%s needs a line to send, e.g. /%s WHOIS alice",
                              typed, typed);
          return set_error (error, NATTER_COMMAND_ERROR_MISSING,
                            "/say needs a message, e.g. /say /help is a command");
        }
      cmd->text = g_strdup (info->kind == NATTER_CMD_RAW ? skip_spaces (p) : p);
      return TRUE;

    case NATTER_CMD_JOIN:
      cmd->target = next_word (&p);
      if (cmd->target == NULL)
        return set_error (error, NATTER_COMMAND_ERROR_MISSING,
                          "/join needs a channel, e.g. /join #natter");
      if (!normalize_channels (&cmd->target, error))
        return FALSE;
      cmd->key = next_word (&p);
      if (!only_spaces (p))
        return set_error (error, NATTER_COMMAND_ERROR_INVALID,
                          "/join takes a channel and an optional key, e.g. /join #natter secret");
      return TRUE;

    case NATTER_CMD_PART:
    case NATTER_CMD_TOPIC:
      {
        const char *after = p;
        g_autofree char *first = next_word (&after);

        if (is_channel (first))
          {
            cmd->target = g_steal_pointer (&first);
            p = after;
            if (!nt_channel_valid (cmd->target, CHANNEL_PREFIXES, MAX_CHANNEL_LEN))
              return set_error (error, NATTER_COMMAND_ERROR_INVALID,
                                "/%s: “%s” is not a valid channel name", cname, cmd->target);
          }
        cmd->text = rest_of_line (p);
        return TRUE;
      }

    case NATTER_CMD_MSG:
      cmd->target = next_word (&p);
      if (cmd->target == NULL)
        return set_error (error, NATTER_COMMAND_ERROR_MISSING,
                          "/msg needs a nick and a message, e.g. /msg alice hello");
      if (!check_target (cname, cmd->target, error))
        return FALSE;
      cmd->text = rest_of_line (p);
      if (cmd->text == NULL)
        return set_error (error, NATTER_COMMAND_ERROR_MISSING,
                          "/msg needs a message after “%s”, e.g. /msg %s hello",
                          cmd->target, cmd->target);
      return TRUE;

    case NATTER_CMD_QUERY:
      cmd->target = next_word (&p);
      if (cmd->target == NULL)
        return set_error (error, NATTER_COMMAND_ERROR_MISSING,
                          "/query needs a nick, e.g. /query alice");
      if (is_channel (cmd->target))
        return set_error (error, NATTER_COMMAND_ERROR_INVALID,
                          "/query opens a private chat with a person; to talk in %s, "
                          "use /join %s", cmd->target, cmd->target);
      if (!check_target (cname, cmd->target, error))
        return FALSE;
      cmd->text = rest_of_line (p);
      return TRUE;

    case NATTER_CMD_NICK:
      cmd->target = next_word (&p);
      if (cmd->target == NULL)
        return set_error (error, NATTER_COMMAND_ERROR_MISSING,
                          "/nick needs a new nickname, e.g. /nick alice");
      if (!only_spaces (p))
        return set_error (error, NATTER_COMMAND_ERROR_INVALID,
                          "A nickname cannot contain spaces");
      if (strlen (cmd->target) > MAX_NICK_LEN)
        return set_error (error, NATTER_COMMAND_ERROR_INVALID,
                          "“%s” is too long: a nickname has at most %d characters",
                          cmd->target, MAX_NICK_LEN);
      if (g_ascii_isdigit (cmd->target[0]) || cmd->target[0] == '-')
        return set_error (error, NATTER_COMMAND_ERROR_INVALID,
                          "A nickname cannot start with a digit or “-”");
      if (!nt_nick_valid (cmd->target, MAX_NICK_LEN))
        return set_error (error, NATTER_COMMAND_ERROR_INVALID,
                          "“%s” is not a valid nickname: use letters, digits and []\\`_^{|}-",
                          cmd->target);
      return TRUE;

    case NATTER_CMD_AWAY:
      /* "/back" is the way back, whatever follows it. */
      if (strcmp (typed, "back") != 0)
        cmd->text = rest_of_line (p);
      return TRUE;

    case NATTER_CMD_QUIT:
      cmd->text = rest_of_line (p);
      return TRUE;

    case NATTER_CMD_CLOSE:
    case NATTER_CMD_CLEAR:
      return TRUE;

    case NATTER_CMD_HELP:
      {
        g_autofree char *topic = next_word (&p);
        const CommandInfo *about;

        if (topic == NULL)
          return TRUE;
        about = lookup (topic);
        if (about == NULL)
          return set_error (error, NATTER_COMMAND_ERROR_UNKNOWN,
                            "There is no command /%s. Type /help for the list",
                            topic[0] == '/' ? topic + 1 : topic);
        cmd->target = g_strdup (about->name);
        return TRUE;
      }

    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

gboolean
natter_command_parse (const char     *input,
                      NatterCommand  *cmd,
                      GError        **error)
{
  g_autofree char *repaired = NULL;
  const char *line = input;

  g_return_val_if_fail (cmd != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (cmd, 0, sizeof *cmd);

  if (line == NULL || only_spaces (line))
    return set_error (error, NATTER_COMMAND_ERROR_EMPTY, "Nothing to send");

  if (!g_utf8_validate (line, -1, NULL))
    line = repaired = g_utf8_make_valid (line, -1);

  /* A line break would let one message smuggle a second IRC command. */
  if (strpbrk (line, "\r\n") != NULL)
    return set_error (error, NATTER_COMMAND_ERROR_INVALID,
                      "A message cannot contain a line break; send each line separately");

  if (line[0] == '/' && line[1] != '/')
    {
      if (!parse_slash (line, cmd, error))
        {
          natter_command_clear (cmd);
          return FALSE;
        }
      return TRUE;
    }

  cmd->kind = NATTER_CMD_SAY;
  cmd->text = g_strdup (line[0] == '/' ? line + 1 : line);
  return TRUE;
}
