/* Tab completion in the chat input: nicks by prefix, ": " at the start of
 * the line, cycling on repeated Tab, and "/jo<Tab>" for commands. */
#include <string.h>

#include "natter-completion.h"

static const char * const nicks[] = { "alice", "Alfred", "bob", "[Bot]", "alice", NULL };

static char *
complete (const char *line, gsize cursor, guint cycle, gsize *out_cursor)
{
  char *out = NULL;
  gsize pos = 0;

  if (!natter_complete (line, cursor, nicks, cycle, &out, &pos))
    {
      g_assert_null (out);
      return NULL;
    }
  g_assert_nonnull (out);
  g_assert_cmpuint (pos, <=, strlen (out));
  if (out_cursor)
    *out_cursor = pos;
  return out;
}

static void
test_start_of_line (void)
{
  gsize cur = 0;
  g_autofree char *a = complete ("bo", 2, 0, &cur);
  g_autofree char *b = complete ("BO", 2, 0, NULL);

  g_assert_cmpstr (a, ==, "bob: ");
  g_assert_cmpuint (cur, ==, 5);
  /* Case-insensitive, and the nick keeps its own spelling. */
  g_assert_cmpstr (b, ==, "bob: ");
}

static void
test_middle_of_line (void)
{
  gsize cur_b = 0, cur_d = 0;
  g_autofree char *a = complete ("thanks bo", 9, 0, NULL);
  g_autofree char *b = complete ("thanks bo for that", 9, 0, &cur_b);
  g_autofree char *c = complete ("ask @bo", 7, 0, NULL);
  g_autofree char *d = complete ("bo and", 2, 0, &cur_d);

  g_assert_cmpstr (a, ==, "thanks bob ");
  /* The space that was already there is not doubled; the cursor goes past it. */
  g_assert_cmpstr (b, ==, "thanks bob for that");
  g_assert_cmpuint (cur_b, ==, strlen ("thanks bob "));
  g_assert_cmpstr (c, ==, "ask @bob ");
  g_assert_cmpstr (d, ==, "bob: and");
  g_assert_cmpuint (cur_d, ==, strlen ("bob: "));
}

static void
test_cycle (void)
{
  /* "al" matches alice and Alfred (the duplicate alice only once), in the
   * caller's order, and wraps around. */
  g_autofree char *c0 = complete ("al", 2, 0, NULL);
  g_autofree char *c1 = complete ("al", 2, 1, NULL);
  g_autofree char *c2 = complete ("al", 2, 2, NULL);
  g_autofree char *c3 = complete ("hi al", 5, 3, NULL);

  g_assert_cmpstr (c0, ==, "alice: ");
  g_assert_cmpstr (c1, ==, "Alfred: ");
  g_assert_cmpstr (c2, ==, "alice: ");
  g_assert_cmpstr (c3, ==, "hi Alfred ");
}

static void
test_rfc1459 (void)
{
  g_autofree char *a = complete ("{b", 2, 0, NULL);

  g_assert_cmpstr (a, ==, "[Bot]: ");
}

static void
test_no_match (void)
{
  char *out = (char *) "untouched";
  gsize pos = 99;
  const char * const none[] = { NULL };

  g_assert_null (complete ("zed", 3, 0, NULL));
  g_assert_null (complete ("", 0, 0, NULL));
  /* Tab after a space: no word to complete. */
  g_assert_null (complete ("hello ", 6, 0, NULL));
  g_assert_false (natter_complete ("al", 2, none, 0, &out, &pos));
  g_assert_null (out);
  g_assert_false (natter_complete ("al", 2, NULL, 0, &out, &pos));
  g_assert_false (natter_complete (NULL, 0, nicks, 0, &out, &pos));
  /* "//" starts a message, not a command. */
  g_assert_null (complete ("//jo", 4, 0, NULL));
}

static void
test_cursor_inside (void)
{
  gsize cur = 0;
  /* Only the part of the word before the cursor is the prefix. */
  g_autofree char *a = complete ("hey bob", 6, 0, &cur);
  /* Cursor past the end is clamped. */
  g_autofree char *b = complete ("bo", 100, 0, &cur);
  /* Cursor in the middle of a multibyte character. */
  g_autofree char *c = complete ("é bo", 1, 0, &cur);

  g_assert_cmpstr (a, ==, "hey bob b");
  g_assert_cmpstr (b, ==, "bob: ");
  g_assert_null (c);
}

static void
test_commands (void)
{
  gsize cur = 0;
  g_autofree char *jo = complete ("/jo", 3, 0, &cur);
  g_autofree char *jo_args = complete ("/JO #natter", 3, 0, NULL);
  g_autofree char *q0 = complete ("/qu", 3, 0, NULL);
  g_autofree char *q1 = complete ("/qu", 3, 1, NULL);
  g_autofree char *q2 = complete ("/qu", 3, 2, NULL);
  g_autofree char *q3 = complete ("/qu", 3, 3, NULL);
  /* Not at the start of the line: a nick (none starts with "/"). */
  g_autofree char *mid = complete ("say /jo", 7, 0, NULL);
  /* A nick after a command. */
  g_autofree char *msg = complete ("/msg bo", 7, 0, NULL);

  g_assert_cmpstr (jo, ==, "/join ");
  g_assert_cmpuint (cur, ==, 6);
  g_assert_cmpstr (jo_args, ==, "/join #natter");
  /* quit, quote, query in alphabetical order, then round again. */
  g_assert_cmpstr (q0, ==, "/query ");
  g_assert_cmpstr (q1, ==, "/quit ");
  g_assert_cmpstr (q2, ==, "/quote ");
  g_assert_cmpstr (q3, ==, "/query ");
  g_assert_null (mid);
  g_assert_cmpstr (msg, ==, "/msg bob ");
  g_assert_null (complete ("/zz", 3, 0, NULL));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/completion/start-of-line", test_start_of_line);
  g_test_add_func ("/completion/middle-of-line", test_middle_of_line);
  g_test_add_func ("/completion/cycle", test_cycle);
  g_test_add_func ("/completion/rfc1459", test_rfc1459);
  g_test_add_func ("/completion/no-match", test_no_match);
  g_test_add_func ("/completion/cursor-inside", test_cursor_inside);
  g_test_add_func ("/completion/commands", test_commands);
  return g_test_run ();
}
