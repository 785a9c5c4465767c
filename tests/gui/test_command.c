/* Input line → command: every command, its aliases, the // escape and the
 * errors a user sees for what they typed wrong. */
#include <string.h>

#include "natter-command.h"

static NatterCommand
parse_ok (const char *input)
{
  NatterCommand cmd;
  g_autoptr(GError) error = NULL;

  if (!natter_command_parse (input, &cmd, &error))
    g_error ("“%s” should parse, got: %s", input, error->message);
  g_assert_no_error (error);
  return cmd;
}

static GError *
parse_fail (const char *input, NatterCommandError code)
{
  NatterCommand cmd;
  GError *error = NULL;

  g_assert_false (natter_command_parse (input, &cmd, &error));
  g_assert_error (error, NATTER_COMMAND_ERROR, (gint) code);
  g_assert_nonnull (error->message);
  g_assert_cmpuint (strlen (error->message), >, 10);
  /* A failed parse leaves nothing to free. */
  g_assert_null (cmd.target);
  g_assert_null (cmd.text);
  g_assert_null (cmd.key);
  return error;
}

static void
test_say (void)
{
  NatterCommand cmd = parse_ok ("hello world");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_SAY);
  g_assert_cmpstr (cmd.text, ==, "hello world");
  g_assert_null (cmd.target);
  natter_command_clear (&cmd);
  g_assert_null (cmd.text);

  /* Leading spaces are kept: they are not a command and may be indentation. */
  cmd = parse_ok ("  /join is how you join");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_SAY);
  g_assert_cmpstr (cmd.text, ==, "  /join is how you join");
  natter_command_clear (&cmd);

  cmd = parse_ok ("//etc/motd");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_SAY);
  g_assert_cmpstr (cmd.text, ==, "/etc/motd");
  natter_command_clear (&cmd);

  cmd = parse_ok ("//");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_SAY);
  g_assert_cmpstr (cmd.text, ==, "/");
  natter_command_clear (&cmd);

  cmd = parse_ok ("/say /help is a command");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_SAY);
  g_assert_cmpstr (cmd.text, ==, "/help is a command");
  natter_command_clear (&cmd);

  /* Invalid UTF-8 is repaired rather than sent to the server. */
  cmd = parse_ok ("caf\xc3 ok");
  g_assert_true (g_utf8_validate (cmd.text, -1, NULL));
  g_assert_nonnull (strstr (cmd.text, "\xef\xbf\xbd"));
  natter_command_clear (&cmd);
}

static void
test_empty (void)
{
  g_autoptr(GError) e1 = parse_fail ("", NATTER_COMMAND_ERROR_EMPTY);
  g_autoptr(GError) e2 = parse_fail ("    ", NATTER_COMMAND_ERROR_EMPTY);
  g_autoptr(GError) e3 = parse_fail (" \t ", NATTER_COMMAND_ERROR_EMPTY);
  g_autoptr(GError) e4 = parse_fail (NULL, NATTER_COMMAND_ERROR_EMPTY);
  g_autoptr(GError) e5 = parse_fail ("/", NATTER_COMMAND_ERROR_UNKNOWN);
  g_autoptr(GError) e6 = parse_fail ("/ join", NATTER_COMMAND_ERROR_UNKNOWN);
  g_autoptr(GError) e7 = parse_fail ("/say", NATTER_COMMAND_ERROR_MISSING);
  g_autoptr(GError) e8 = parse_fail ("/say   ", NATTER_COMMAND_ERROR_MISSING);
  g_autoptr(GError) e9 = parse_fail ("hello\r\nQUIT", NATTER_COMMAND_ERROR_INVALID);
  g_autoptr(GError) e10 = parse_fail ("/msg bob hi\nPRIVMSG x :y", NATTER_COMMAND_ERROR_INVALID);

  g_assert_nonnull (strstr (e5->message, "//"));
}

static void
test_unknown (void)
{
  g_autoptr(GError) e1 = parse_fail ("/frobnicate", NATTER_COMMAND_ERROR_UNKNOWN);
  g_autoptr(GError) e2 = parse_fail ("/jo #a", NATTER_COMMAND_ERROR_UNKNOWN);
  g_autoptr(GError) e3 = parse_fail ("/help frobnicate", NATTER_COMMAND_ERROR_UNKNOWN);

  g_assert_nonnull (strstr (e1->message, "/frobnicate"));
  g_assert_nonnull (strstr (e1->message, "/help"));
  /* One command starts with "jo": suggest it. */
  g_assert_nonnull (strstr (e2->message, "/join"));
  g_assert_nonnull (strstr (e3->message, "frobnicate"));
}

static void
test_join (void)
{
  NatterCommand cmd = parse_ok ("/join #natter");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_JOIN);
  g_assert_cmpstr (cmd.target, ==, "#natter");
  g_assert_null (cmd.key);
  g_assert_null (cmd.text);
  natter_command_clear (&cmd);

  cmd = parse_ok ("/JOIN   #natter   sekrit  ");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_JOIN);
  g_assert_cmpstr (cmd.target, ==, "#natter");
  g_assert_cmpstr (cmd.key, ==, "sekrit");
  natter_command_clear (&cmd);

  cmd = parse_ok ("/j natter");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_JOIN);
  g_assert_cmpstr (cmd.target, ==, "#natter");
  natter_command_clear (&cmd);

  cmd = parse_ok ("/J &local");
  g_assert_cmpstr (cmd.target, ==, "&local");
  natter_command_clear (&cmd);

  cmd = parse_ok ("/join #a,b");
  g_assert_cmpstr (cmd.target, ==, "#a,#b");
  natter_command_clear (&cmd);

  {
    g_autoptr(GError) missing = parse_fail ("/join", NATTER_COMMAND_ERROR_MISSING);
    g_autoptr(GError) missing2 = parse_fail ("/join    ", NATTER_COMMAND_ERROR_MISSING);
    g_autoptr(GError) bad = parse_fail ("/join #", NATTER_COMMAND_ERROR_INVALID);
    g_autoptr(GError) bad2 = parse_fail ("/join #a,,#b", NATTER_COMMAND_ERROR_INVALID);
    g_autoptr(GError) extra = parse_fail ("/join #a key more", NATTER_COMMAND_ERROR_INVALID);
    g_autoptr(GError) bell = parse_fail ("/join #a\x07" "b", NATTER_COMMAND_ERROR_INVALID);

    g_assert_nonnull (strstr (missing->message, "/join #natter"));
  }
}

static void
test_part_topic (void)
{
  NatterCommand cmd = parse_ok ("/part");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_PART);
  g_assert_null (cmd.target);
  g_assert_null (cmd.text);
  natter_command_clear (&cmd);

  cmd = parse_ok ("/part #a see you later");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_PART);
  g_assert_cmpstr (cmd.target, ==, "#a");
  g_assert_cmpstr (cmd.text, ==, "see you later");
  natter_command_clear (&cmd);

  cmd = parse_ok ("/leave going home");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_PART);
  g_assert_null (cmd.target);
  g_assert_cmpstr (cmd.text, ==, "going home");
  natter_command_clear (&cmd);

  cmd = parse_ok ("/topic");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_TOPIC);
  g_assert_null (cmd.target);
  g_assert_null (cmd.text);
  natter_command_clear (&cmd);

  cmd = parse_ok ("/topic #a");
  g_assert_cmpstr (cmd.target, ==, "#a");
  g_assert_null (cmd.text);
  natter_command_clear (&cmd);

  cmd = parse_ok ("/Topic Welcome to  #natter!");
  g_assert_null (cmd.target);
  g_assert_cmpstr (cmd.text, ==, "Welcome to  #natter!");
  natter_command_clear (&cmd);
}

static void
test_msg_query (void)
{
  NatterCommand cmd = parse_ok ("/msg alice hi there");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_MSG);
  g_assert_cmpstr (cmd.target, ==, "alice");
  g_assert_cmpstr (cmd.text, ==, "hi there");
  natter_command_clear (&cmd);

  cmd = parse_ok ("/M #chan  spaced  out");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_MSG);
  g_assert_cmpstr (cmd.target, ==, "#chan");
  g_assert_cmpstr (cmd.text, ==, "spaced  out");
  natter_command_clear (&cmd);

  /* ZNC's control "nick" is not a valid IRC nick but must be reachable. */
  cmd = parse_ok ("/msg *status help");
  g_assert_cmpstr (cmd.target, ==, "*status");
  natter_command_clear (&cmd);

  cmd = parse_ok ("/query bob");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_QUERY);
  g_assert_cmpstr (cmd.target, ==, "bob");
  g_assert_null (cmd.text);
  natter_command_clear (&cmd);

  cmd = parse_ok ("/QUERY bob are you there?");
  g_assert_cmpstr (cmd.text, ==, "are you there?");
  natter_command_clear (&cmd);

  {
    g_autoptr(GError) e1 = parse_fail ("/msg", NATTER_COMMAND_ERROR_MISSING);
    g_autoptr(GError) e2 = parse_fail ("/msg alice", NATTER_COMMAND_ERROR_MISSING);
    g_autoptr(GError) e3 = parse_fail ("/msg alice    ", NATTER_COMMAND_ERROR_MISSING);
    g_autoptr(GError) e4 = parse_fail ("/query", NATTER_COMMAND_ERROR_MISSING);
    g_autoptr(GError) e5 = parse_fail ("/query #chan", NATTER_COMMAND_ERROR_INVALID);
    g_autoptr(GError) e6 = parse_fail ("/msg a,b hi", NATTER_COMMAND_ERROR_INVALID);
    g_autoptr(GError) e7 = parse_fail ("/msg :x hi", NATTER_COMMAND_ERROR_INVALID);

    g_assert_nonnull (strstr (e2->message, "alice"));
    g_assert_nonnull (strstr (e5->message, "/join #chan"));
  }
}

static void
test_me_nick (void)
{
  NatterCommand cmd = parse_ok ("/me waves  hello");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_ME);
  g_assert_cmpstr (cmd.text, ==, "waves  hello");
  natter_command_clear (&cmd);

  cmd = parse_ok ("/nick alice_");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_NICK);
  g_assert_cmpstr (cmd.target, ==, "alice_");
  natter_command_clear (&cmd);

  cmd = parse_ok ("/nick [away]|bob  ");
  g_assert_cmpstr (cmd.target, ==, "[away]|bob");
  natter_command_clear (&cmd);

  {
    g_autoptr(GError) e1 = parse_fail ("/me", NATTER_COMMAND_ERROR_MISSING);
    g_autoptr(GError) e2 = parse_fail ("/nick", NATTER_COMMAND_ERROR_MISSING);
    g_autoptr(GError) e3 = parse_fail ("/nick two words", NATTER_COMMAND_ERROR_INVALID);
    g_autoptr(GError) e4 = parse_fail ("/nick 9lives", NATTER_COMMAND_ERROR_INVALID);
    g_autoptr(GError) e5 = parse_fail ("/nick -dash", NATTER_COMMAND_ERROR_INVALID);
    g_autoptr(GError) e6 = parse_fail ("/nick bad!nick", NATTER_COMMAND_ERROR_INVALID);
    g_autoptr(GError) e7 = parse_fail ("/nick abcdefghijabcdefghijabcdefghijX", NATTER_COMMAND_ERROR_INVALID);

    g_assert_nonnull (strstr (e1->message, "/me waves"));
    g_assert_nonnull (strstr (e3->message, "spaces"));
    g_assert_nonnull (strstr (e7->message, "30"));
  }
}

static void
test_away_quit_raw (void)
{
  NatterCommand cmd = parse_ok ("/away lunch");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_AWAY);
  g_assert_cmpstr (cmd.text, ==, "lunch");
  natter_command_clear (&cmd);

  cmd = parse_ok ("/away");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_AWAY);
  g_assert_null (cmd.text);
  natter_command_clear (&cmd);

  cmd = parse_ok ("/back");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_AWAY);
  g_assert_null (cmd.text);
  natter_command_clear (&cmd);

  cmd = parse_ok ("/quit");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_QUIT);
  g_assert_null (cmd.text);
  natter_command_clear (&cmd);

  cmd = parse_ok ("/quit bye all");
  g_assert_cmpstr (cmd.text, ==, "bye all");
  natter_command_clear (&cmd);

  cmd = parse_ok ("/raw PRIVMSG #a :hi  there");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_RAW);
  g_assert_cmpstr (cmd.text, ==, "PRIVMSG #a :hi  there");
  natter_command_clear (&cmd);

  cmd = parse_ok ("/QUOTE   WHOIS bob");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_RAW);
  g_assert_cmpstr (cmd.text, ==, "WHOIS bob");
  natter_command_clear (&cmd);

  cmd = parse_ok ("/close");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_CLOSE);
  natter_command_clear (&cmd);

  cmd = parse_ok ("/CLEAR");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_CLEAR);
  natter_command_clear (&cmd);

  {
    g_autoptr(GError) e1 = parse_fail ("/raw", NATTER_COMMAND_ERROR_MISSING);
    g_autoptr(GError) e2 = parse_fail ("/quote  ", NATTER_COMMAND_ERROR_MISSING);
    g_assert_nonnull (strstr (e2->message, "/quote"));
  }
}

static void
test_help (void)
{
  const char * const *names = natter_command_names ();
  const char *all = natter_command_help (NULL);
  NatterCommand cmd;
  guint n = 0;

  cmd = parse_ok ("/help");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_HELP);
  g_assert_null (cmd.target);
  natter_command_clear (&cmd);

  /* Aliases, any case and a leading slash all mean the command itself. */
  cmd = parse_ok ("/HELP /J");
  g_assert_cmpint (cmd.kind, ==, NATTER_CMD_HELP);
  g_assert_cmpstr (cmd.target, ==, "join");
  natter_command_clear (&cmd);

  g_assert_nonnull (natter_command_help ("join"));
  g_assert_true (g_str_has_prefix (natter_command_help ("join"), "/join #channel"));
  g_assert_cmpstr (natter_command_help ("JOIN"), ==, natter_command_help ("j"));
  g_assert_cmpstr (natter_command_help ("/quote"), ==, natter_command_help ("raw"));
  g_assert_null (natter_command_help ("nope"));
  g_assert_null (natter_command_help (""));

  g_assert_nonnull (all);
  g_assert_nonnull (names);
  for (; names[n] != NULL; n++)
    {
      const char *help = natter_command_help (names[n]);
      NatterCommand c;
      g_autoptr(GError) error = NULL;
      g_autofree char *input = g_strdup_printf ("/%s", names[n]);

      /* Every listed name is known to help, listed in the whole help and
       * understood by the parser (perhaps asking for arguments). */
      g_assert_nonnull (help);
      g_assert_nonnull (strstr (all, help));
      if (natter_command_parse (input, &c, &error))
        natter_command_clear (&c);
      else
        g_assert_false (g_error_matches (error, NATTER_COMMAND_ERROR, NATTER_COMMAND_ERROR_UNKNOWN));
      if (n > 0)
        g_assert_cmpint (strcmp (names[n - 1], names[n]), <, 0);
    }
  g_assert_cmpuint (n, >=, 14);
  /* Single-letter aliases would stop "/j<Tab>" short of "/join". */
  for (guint i = 0; names[i] != NULL; i++)
    g_assert_cmpuint (strlen (names[i]), >, 1);
  g_assert_true (g_strv_contains (names, "join"));
  g_assert_true (g_strv_contains (names, "quote"));
  g_assert_false (g_strv_contains (names, "j"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/command/say", test_say);
  g_test_add_func ("/command/empty", test_empty);
  g_test_add_func ("/command/unknown", test_unknown);
  g_test_add_func ("/command/join", test_join);
  g_test_add_func ("/command/part-topic", test_part_topic);
  g_test_add_func ("/command/msg-query", test_msg_query);
  g_test_add_func ("/command/me-nick", test_me_nick);
  g_test_add_func ("/command/away-quit-raw", test_away_quit_raw);
  g_test_add_func ("/command/help", test_help);
  return g_test_run ();
}
