/* natter-completion.c
 *
 * Stateless on purpose: the entry keeps the line as it was before the first
 * Tab and asks again with a higher cycle, so there is no hidden state to go
 * stale when the member list changes between presses.
 */
#include "natter-completion.h"

#include <string.h>

#include <natter/casemap.h>

#include "natter-command.h"

/* Characters people put before a nick they address ("@alice", "(alice"):
 * completed as if absent, and kept. */
#define NICK_LEAD_IN "@(<\"'"

static gboolean
folded_has_prefix (const char *str,
                   const char *prefix,
                   gsize       prefix_len)
{
  for (gsize i = 0; i < prefix_len; i++)
    {
      if (str[i] == '\0')
        return FALSE;
      if (nt_casefold_char (NT_CASEMAP_RFC1459, str[i]) !=
          nt_casefold_char (NT_CASEMAP_RFC1459, prefix[i]))
        return FALSE;
    }
  return TRUE;
}

static gboolean
folded_equal (const char *a,
              const char *b)
{
  return nt_casecmp (NT_CASEMAP_RFC1459, a, b) == 0;
}

/* Matches in the order given, each name once (a caller's list of recent
 * speakers plus members may name someone twice). */
static GPtrArray *
collect_matches (const char * const *candidates,
                 const char         *prefix,
                 gsize               prefix_len)
{
  GPtrArray *matches = g_ptr_array_new ();

  if (candidates == NULL)
    return matches;
  for (guint i = 0; candidates[i] != NULL; i++)
    {
      gboolean seen = FALSE;

      if (candidates[i][0] == '\0' || !folded_has_prefix (candidates[i], prefix, prefix_len))
        continue;
      for (guint j = 0; j < matches->len && !seen; j++)
        seen = folded_equal (g_ptr_array_index (matches, j), candidates[i]);
      if (!seen)
        g_ptr_array_add (matches, (gpointer) candidates[i]);
    }
  return matches;
}

gboolean
natter_complete (const char         *line,
                 gsize               cursor,
                 const char * const *candidates,
                 guint               cycle,
                 char              **out_line,
                 gsize              *out_cursor)
{
  g_autoptr(GPtrArray) matches = NULL;
  gsize len;
  gsize word_start;
  gsize prefix_start;
  const char *rest;
  const char *choice;
  const char *suffix;
  GString *result;

  g_return_val_if_fail (out_line != NULL, FALSE);
  g_return_val_if_fail (out_cursor != NULL, FALSE);

  *out_line = NULL;
  *out_cursor = 0;
  if (line == NULL)
    return FALSE;

  len = strlen (line);
  cursor = MIN (cursor, len);
  /* A cursor inside a multibyte character means the one it is in. */
  while (cursor > 0 && cursor < len && ((guchar) line[cursor] & 0xc0) == 0x80)
    cursor--;

  word_start = cursor;
  while (word_start > 0 && line[word_start - 1] != ' ' && line[word_start - 1] != '\t')
    word_start--;
  rest = line + cursor;

  if (word_start == 0 && line[0] == '/')
    {
      /* "//text" is a message that starts with a slash, not a command. */
      if (cursor < 1 || line[1] == '/')
        return FALSE;
      prefix_start = 1;
      matches = collect_matches (natter_command_names (), line + 1, cursor - 1);
      suffix = " ";
    }
  else
    {
      prefix_start = word_start;
      matches = collect_matches (candidates, line + word_start, cursor - word_start);
      if (matches->len == 0)
        {
          while (prefix_start < cursor && strchr (NICK_LEAD_IN, line[prefix_start]) != NULL)
            prefix_start++;
          if (prefix_start > word_start)
            {
              g_ptr_array_unref (matches);
              matches = collect_matches (candidates, line + prefix_start, cursor - prefix_start);
            }
        }
      /* Tab on nothing would pick a nick at random: do nothing instead. */
      if (prefix_start == cursor)
        return FALSE;
      /* "alice: " addresses someone; the colon only makes sense first. */
      suffix = prefix_start == 0 ? ": " : " ";
    }

  if (matches->len == 0)
    return FALSE;
  choice = g_ptr_array_index (matches, cycle % matches->len);

  result = g_string_new_len (line, prefix_start);
  g_string_append (result, choice);
  /* Do not double the space that already follows the word. */
  if (rest[0] == ' ')
    {
      g_string_append_len (result, suffix, strlen (suffix) - 1);
      g_string_append_c (result, ' ');
      *out_cursor = result->len;
      g_string_append (result, rest + 1);
    }
  else
    {
      g_string_append (result, suffix);
      *out_cursor = result->len;
      g_string_append (result, rest);
    }
  *out_line = g_string_free (result, FALSE);
  return TRUE;
}
