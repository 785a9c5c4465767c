/* Input line parsing: what the user typed into the chat entry, as a command.
 *
 *   "hello"              NATTER_CMD_SAY     text="hello"
 *   "//etc/motd"         NATTER_CMD_SAY     text="/etc/motd"  (a leading // sends one /)
 *   "/join #a [key]"     NATTER_CMD_JOIN    target="#a" key
 *   "/part [#a] [why]"   NATTER_CMD_PART    target (NULL: the current chat) text
 *   "/msg nick text"     NATTER_CMD_MSG     target text
 *   "/query nick [text]" NATTER_CMD_QUERY   target text (may be NULL)
 *   "/me waves"          NATTER_CMD_ME      text
 *   "/nick new"          NATTER_CMD_NICK    target="new"
 *   "/topic [#a] [text]" NATTER_CMD_TOPIC   target (NULL: current) text (NULL: show it)
 *   "/away [text]"       NATTER_CMD_AWAY    text (NULL: back)
 *   "/quit [reason]"     NATTER_CMD_QUIT    text
 *   "/raw LINE"          NATTER_CMD_RAW     text  (also "/quote")
 *   "/close"             NATTER_CMD_CLOSE
 *   "/clear"             NATTER_CMD_CLEAR
 *   "/help [command]"    NATTER_CMD_HELP    target (NULL: all)
 *
 * Command names are case-insensitive; "/j" and "/m" are aliases of /join and
 * /msg. A channel argument is recognised by its first character (# & + !).
 * Anything wrong gets a GError in NATTER_COMMAND_ERROR whose message a user
 * can act on ("/join needs a channel, e.g. /join #natter"). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  NATTER_CMD_SAY,
  NATTER_CMD_JOIN,
  NATTER_CMD_PART,
  NATTER_CMD_MSG,
  NATTER_CMD_QUERY,
  NATTER_CMD_ME,
  NATTER_CMD_NICK,
  NATTER_CMD_TOPIC,
  NATTER_CMD_AWAY,
  NATTER_CMD_QUIT,
  NATTER_CMD_RAW,
  NATTER_CMD_CLOSE,
  NATTER_CMD_CLEAR,
  NATTER_CMD_HELP
} NatterCommandKind;

typedef struct {
  NatterCommandKind kind;
  char *target;  /* channel or nick, NULL if not given */
  char *text;    /* message, reason, topic, raw line; NULL if not given */
  char *key;     /* /join's channel key */
} NatterCommand;

#define NATTER_COMMAND_ERROR (natter_command_error_quark ())
typedef enum {
  NATTER_COMMAND_ERROR_UNKNOWN,        /* no such command */
  NATTER_COMMAND_ERROR_MISSING,        /* a required argument is missing */
  NATTER_COMMAND_ERROR_INVALID,        /* an argument is malformed (nick with spaces...) */
  NATTER_COMMAND_ERROR_EMPTY           /* nothing to send */
} NatterCommandError;
GQuark natter_command_error_quark (void);

/* Parse one input line (no newline inside; a pasted multi-line text is split
 * by the caller). On success fills cmd (free with natter_command_clear). */
gboolean    natter_command_parse (const char *input, NatterCommand *cmd, GError **error);
void        natter_command_clear (NatterCommand *cmd);
/* "/join #channel [key] — join a channel" for one command name (without the
 * slash, any case), or the whole list when name is NULL; NULL if unknown. */
const char *natter_command_help  (const char *name);
/* Every command name, without slash, for completion of "/jo<Tab>". */
const char * const *natter_command_names (void);

G_END_DECLS
