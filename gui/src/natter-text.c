/* natter-text.c
 *
 * Every function starts from the same walk over the raw message: formatting
 * codes become style runs over the plain text, and links and mentions are
 * found in that plain text. The markup is then cut at every boundary of a
 * run, link or mention and each piece is emitted with all of its tags opened
 * and closed around it, so the output nests correctly whatever the input is.
 */
#include "natter-text.h"

#include <string.h>

#include <pango/pango.h>
#include <natter/casemap.h>

enum {
  STYLE_BOLD      = 1 << 0,
  STYLE_ITALIC    = 1 << 1,
  STYLE_UNDERLINE = 1 << 2,
  STYLE_STRIKE    = 1 << 3,
  STYLE_MONO      = 1 << 4,
};

typedef struct {
  gsize start;   /* in the plain text */
  guint flags;
  int   fg;      /* mIRC colour 2..15, or -1: the theme's text colour */
} StyleRun;

typedef struct {
  gsize start;
  gsize end;
} Range;

/* The 16 mIRC colours as the client shows them. The originals (navy, yellow,
 * white, black...) vanish on one theme or the other and the row does not know
 * which theme it is on, so each hue is moved to a lightness that reads on both
 * white and #242424 (contrast >= 3 on each). White and black keep the theme's
 * own text colour: they are nearly always meant as "plain" against a
 * background colour, which is not shown. */
static const char * const mirc_colors[16] = {
  NULL,       /* 0 white */
  NULL,       /* 1 black */
  "#6868e0",  /* 2 navy */
  "#009500",  /* 3 green */
  "#ff0f0f",  /* 4 red */
  "#b8602a",  /* 5 brown */
  "#e200e2",  /* 6 purple */
  "#c86500",  /* 7 orange */
  "#858500",  /* 8 yellow */
  "#3ea53e",  /* 9 light green */
  "#008f8f",  /* 10 teal */
  "#1c98b0",  /* 11 light cyan */
  "#6e6eff",  /* 12 light blue */
  "#e0309a",  /* 13 pink */
  "#7a7a7a",  /* 14 grey */
  "#959595",  /* 15 light grey */
};

void
natter_link_free (NatterLink *link)
{
  if (link == NULL)
    return;
  g_free (link->url);
  g_free (link);
}

/* ---- formatting codes ----------------------------------------------------- */

static void
push_run (GArray *runs,
          gsize   start,
          guint   flags,
          int     fg)
{
  StyleRun run = { start, flags, fg };
  StyleRun *last;

  if (runs == NULL)
    return;
  last = runs->len > 0 ? &g_array_index (runs, StyleRun, runs->len - 1) : NULL;
  if (last != NULL && last->flags == flags && last->fg == fg)
    return;
  /* Several codes in a row: only the style after the last one matters. */
  if (last != NULL && last->start == start)
    {
      *last = run;
      if (runs->len > 1)
        {
          StyleRun *prev = &g_array_index (runs, StyleRun, runs->len - 2);
          if (prev->flags == flags && prev->fg == fg)
            g_array_set_size (runs, runs->len - 1);
        }
      return;
    }
  g_array_append_val (runs, run);
}

static int
mirc_color (int code)
{
  /* 16..98 are mIRC's extended colours and 99 is "default": shown plain. */
  if (code < 0 || code > 15)
    return -1;
  return mirc_colors[code] != NULL ? code : -1;
}

static gsize
count_hex (const char *p,
           gsize       max)
{
  gsize n = 0;

  while (n < max && g_ascii_isxdigit (p[n]))
    n++;
  return n;
}

/* Returns the plain text (valid UTF-8, no control codes but tab) and, when
 * runs is given, the style runs over it, the first one starting at 0. */
static GString *
parse_formatting (const char *text,
                  GArray     *runs)
{
  g_autofree char *repaired = NULL;
  GString *plain;
  guint flags = 0;
  int fg = -1;
  const char *p;

  if (text == NULL)
    text = "";
  if (!g_utf8_validate (text, -1, NULL))
    text = repaired = g_utf8_make_valid (text, -1);

  plain = g_string_sized_new (strlen (text));
  push_run (runs, 0, 0, -1);

  for (p = text; *p != '\0';)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case 0x02: flags ^= STYLE_BOLD; p++; break;
        case 0x1d: flags ^= STYLE_ITALIC; p++; break;
        case 0x1f: flags ^= STYLE_UNDERLINE; p++; break;
        case 0x1e: flags ^= STYLE_STRIKE; p++; break;
        case 0x11: flags ^= STYLE_MONO; p++; break;
        case 0x0f: flags = 0; fg = -1; p++; break;

        case 0x03:
          {
            int code = -1;

            p++;
            if (g_ascii_isdigit (*p))
              {
                code = *p++ - '0';
                if (g_ascii_isdigit (*p))
                  code = code * 10 + (*p++ - '0');
                /* A comma is the background's only when digits follow it;
                 * "\x034,hello" keeps its comma. */
                if (p[0] == ',' && g_ascii_isdigit (p[1]))
                  {
                    p += 2;
                    if (g_ascii_isdigit (*p))
                      p++;
                  }
              }
            fg = mirc_color (code);
            break;
          }

        case 0x04:
          p++;
          if (count_hex (p, 6) == 6)
            {
              p += 6;
              if (p[0] == ',' && count_hex (p + 1, 6) == 6)
                p += 7;
            }
          fg = -1;
          break;

        default:
          /* Reverse (^V), CTCP's ^A, bells and the like show as nothing. */
          if ((c < 0x20 && c != '\t') || c == 0x7f)
            {
              p++;
              break;
            }
          push_run (runs, plain->len, flags, fg);
          {
            const char *next = g_utf8_next_char (p);
            g_string_append_len (plain, p, next - p);
            p = next;
          }
          break;
        }
    }
  return plain;
}

char *
natter_text_strip_formatting (const char *text)
{
  return g_string_free (parse_formatting (text, NULL), FALSE);
}

/* ---- links ------------------------------------------------------------------ */

static const char * const link_prefixes[] = {
  "http://", "https://", "ftp://", "irc://", "ircs://", "mailto:", "www.",
};

/* Length of the character at p if it can be part of a link, else 0. */
static gsize
url_char_len (const char *p)
{
  guchar c = (guchar) *p;
  gunichar uc;

  if (c < 0x80)
    {
      if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"')
        return 0;
      return 1;
    }
  uc = g_utf8_get_char_validated (p, -1);
  if (uc == (gunichar) -1 || uc == (gunichar) -2)
    return 0;
  if (g_unichar_isspace (uc) || g_unichar_iscntrl (uc))
    return 0;
  return g_utf8_next_char (p) - p;
}

static gboolean
link_may_start_after (const char *text,
                      const char *p)
{
  const char *prev_char;
  gunichar prev;

  if (p == text)
    return TRUE;
  prev_char = g_utf8_find_prev_char (text, p);
  if (prev_char == NULL)
    return TRUE;
  prev = g_utf8_get_char_validated (prev_char, p - prev_char);
  if (prev == (gunichar) -1 || prev == (gunichar) -2)
    return TRUE;
  /* "xhttp://", "foo.www.bar" and "user@www.x" are not links of their own. */
  return !(g_unichar_isalnum (prev) || prev == '.' || prev == '-' || prev == '_' ||
           prev == '@' || prev == '/');
}

static gsize
count_char (const char *s,
            gsize       len,
            char        c)
{
  gsize n = 0;

  for (gsize i = 0; i < len; i++)
    if (s[i] == c)
      n++;
  return n;
}

static gsize
trim_link_end (const char *s,
               gsize       len)
{
  while (len > 0)
    {
      char last = s[len - 1];

      if ((guchar) last >= 0x80)
        {
          /* "»", "”", "。" and the like close a sentence or a quote too. */
          const char *prev = g_utf8_find_prev_char (s, s + len);
          gunichar uc = prev != NULL ? g_utf8_get_char_validated (prev, s + len - prev) : (gunichar) -1;

          switch (uc == (gunichar) -1 || uc == (gunichar) -2 ? G_UNICODE_UNASSIGNED : g_unichar_type (uc))
            {
            case G_UNICODE_CLOSE_PUNCTUATION:
            case G_UNICODE_FINAL_PUNCTUATION:
            case G_UNICODE_INITIAL_PUNCTUATION:
            case G_UNICODE_OTHER_PUNCTUATION:
              len = prev - s;
              continue;
            default:
              break;
            }
          break;
        }
      if (strchr (".,;:!?'", last) != NULL)
        len--;
      else if ((last == ')' && count_char (s, len, ')') > count_char (s, len, '(')) ||
               (last == ']' && count_char (s, len, ']') > count_char (s, len, '[')) ||
               (last == '}' && count_char (s, len, '}') > count_char (s, len, '{')))
        len--;
      else
        break;
    }
  return len;
}

GPtrArray *
natter_text_find_links (const char *text)
{
  GPtrArray *links = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_link_free);
  const char *p;

  if (text == NULL)
    return links;

  for (p = text; *p != '\0';)
    {
      const char *prefix = NULL;
      const char *body;
      const char *end;
      gsize len;
      gboolean has_alnum = FALSE;
      NatterLink *link;

      if (link_may_start_after (text, p))
        for (gsize i = 0; i < G_N_ELEMENTS (link_prefixes); i++)
          if (g_ascii_strncasecmp (p, link_prefixes[i], strlen (link_prefixes[i])) == 0)
            {
              prefix = link_prefixes[i];
              break;
            }
      if (prefix == NULL)
        {
          p++;
          continue;
        }

      body = p + strlen (prefix);
      end = body;
      for (gsize n; (n = url_char_len (end)) > 0;)
        end += n;
      len = trim_link_end (p, end - p);
      for (const char *q = body; q < p + len; q++)
        if (g_ascii_isalnum (*q) || (guchar) *q >= 0x80)
          {
            has_alnum = TRUE;
            break;
          }
      if (p + len <= body || !has_alnum ||
          (prefix[0] == 'w' && !g_ascii_isalnum (*body)))
        {
          p = body;
          continue;
        }

      link = g_new0 (NatterLink, 1);
      link->start = p - text;
      link->end = link->start + len;
      link->url = prefix[0] == 'w' ? g_strdup_printf ("http://%.*s", (int) len, p)
                                   : g_strndup (p, len);
      g_ptr_array_add (links, link);
      p += len;
    }
  return links;
}

/* ---- mentions --------------------------------------------------------------- */

/* Nick characters glue a match to its neighbour ("alice_" is someone else);
 * brackets do not, since "[alice]" and "{alice}" are how people quote nicks. */
static gboolean
is_word_char (gunichar c)
{
  if (c < 0x80)
    return g_ascii_isalnum (c) || strchr ("\\`_^|-", (int) c) != NULL;
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

static GArray *
find_mentions (const char *plain,
               gsize       plain_len,
               const char *nick)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (Range));
  g_autofree char *valid_nick = NULL;
  g_autofree char *folded_nick = NULL;
  gsize nlen;

  if (nick == NULL || nick[0] == '\0')
    return found;
  if (!g_utf8_validate (nick, -1, NULL))
    nick = valid_nick = g_utf8_make_valid (nick, -1);
  nlen = strlen (nick);
  folded_nick = g_malloc (nlen + 1);
  for (gsize i = 0; i <= nlen; i++)
    folded_nick[i] = nt_casefold_char (NT_CASEMAP_RFC1459, nick[i]);

  for (gsize i = 0; i + nlen <= plain_len;)
    {
      gsize j;

      for (j = 0; j < nlen; j++)
        if (nt_casefold_char (NT_CASEMAP_RFC1459, plain[i + j]) != folded_nick[j])
          break;
      if (j == nlen)
        {
          gboolean before_ok = TRUE;
          gboolean after_ok = TRUE;

          if (i > 0)
            {
              const char *prev = g_utf8_find_prev_char (plain, plain + i);
              before_ok = prev == NULL || !is_word_char (g_utf8_get_char (prev));
            }
          if (i + nlen < plain_len)
            after_ok = !is_word_char (g_utf8_get_char (plain + i + nlen));
          if (before_ok && after_ok)
            {
              Range r = { i, i + nlen };
              g_array_append_val (found, r);
              i += nlen;
              continue;
            }
        }
      /* Stay on character boundaries so a match never starts mid-character. */
      i = g_utf8_next_char (plain + i) - plain;
    }
  return found;
}

gboolean
natter_text_mentions (const char *text,
                      const char *nick)
{
  g_autoptr(GString) plain = NULL;
  g_autoptr(GArray) found = NULL;

  if (text == NULL || nick == NULL || nick[0] == '\0')
    return FALSE;
  plain = parse_formatting (text, NULL);
  found = find_mentions (plain->str, plain->len, nick);
  return found->len > 0;
}

/* ---- markup ------------------------------------------------------------------ */

static int
compare_offsets (gconstpointer a,
                 gconstpointer b)
{
  gsize x = *(const gsize *) a;
  gsize y = *(const gsize *) b;

  return x < y ? -1 : x > y;
}

static void
append_escaped (GString    *out,
                const char *text,
                gsize       len)
{
  g_autofree char *escaped = g_markup_escape_text (text, len);

  g_string_append (out, escaped);
}

char *
natter_text_to_markup (const char *text,
                       const char *nick,
                       const char *highlight)
{
  g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (StyleRun));
  g_autoptr(GString) plain = parse_formatting (text, runs);
  g_autoptr(GPtrArray) links = natter_text_find_links (plain->str);
  g_autoptr(GArray) mentions = find_mentions (plain->str, plain->len, nick);
  g_autoptr(GArray) cuts = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autofree char *highlight_attr = NULL;
  GString *out = g_string_sized_new (plain->len + 16);
  PangoColor color;
  guint run_i = 0, link_i = 0, mention_i = 0;
  gsize pos = 0;
  const NatterLink *open_link = NULL;

  /* The colour goes into an attribute; anything Pango would refuse would
   * make the whole row fail to parse. */
  if (highlight != NULL && pango_color_parse (&color, highlight))
    highlight_attr = g_markup_escape_text (highlight, -1);

  g_array_append_val (cuts, plain->len);
  for (guint i = 0; i < runs->len; i++)
    g_array_append_val (cuts, g_array_index (runs, StyleRun, i).start);
  for (guint i = 0; i < links->len; i++)
    {
      NatterLink *link = g_ptr_array_index (links, i);
      g_array_append_val (cuts, link->start);
      g_array_append_val (cuts, link->end);
    }
  for (guint i = 0; i < mentions->len; i++)
    {
      Range *r = &g_array_index (mentions, Range, i);
      g_array_append_val (cuts, r->start);
      g_array_append_val (cuts, r->end);
    }
  g_array_sort (cuts, compare_offsets);

  for (guint c = 0; c < cuts->len; c++)
    {
      gsize start = pos;
      gsize end = g_array_index (cuts, gsize, c);
      const StyleRun *run;
      const NatterLink *link = NULL;
      gboolean mention = FALSE;
      GString *attrs;

      if (end <= start)
        continue;
      pos = end;

      while (run_i + 1 < runs->len && g_array_index (runs, StyleRun, run_i + 1).start <= start)
        run_i++;
      run = &g_array_index (runs, StyleRun, run_i);

      while (link_i < links->len &&
             ((NatterLink *) g_ptr_array_index (links, link_i))->end <= start)
        link_i++;
      if (link_i < links->len &&
          ((NatterLink *) g_ptr_array_index (links, link_i))->start <= start)
        link = g_ptr_array_index (links, link_i);

      while (mention_i < mentions->len && g_array_index (mentions, Range, mention_i).end <= start)
        mention_i++;
      if (mention_i < mentions->len && g_array_index (mentions, Range, mention_i).start <= start)
        mention = TRUE;

      if (link != open_link)
        {
          if (open_link != NULL)
            g_string_append (out, "</a>");
          if (link != NULL)
            {
              g_autofree char *href = g_markup_escape_text (link->url, -1);
              g_string_append_printf (out, "<a href=\"%s\">", href);
            }
          open_link = link;
        }

      attrs = g_string_new (NULL);
      if ((run->flags & STYLE_BOLD) || mention)
        g_string_append (attrs, " weight=\"bold\"");
      if (run->flags & STYLE_ITALIC)
        g_string_append (attrs, " style=\"italic\"");
      if (run->flags & STYLE_UNDERLINE)
        g_string_append (attrs, " underline=\"single\"");
      if (run->flags & STYLE_STRIKE)
        g_string_append (attrs, " strikethrough=\"true\"");
      if (run->flags & STYLE_MONO)
        g_string_append (attrs, " font_family=\"monospace\"");
      if (run->fg >= 0)
        g_string_append_printf (attrs, " foreground=\"%s\"", mirc_colors[run->fg]);
      if (mention && highlight_attr != NULL)
        g_string_append_printf (attrs, " background=\"%s\"", highlight_attr);

      if (attrs->len > 0)
        {
          g_string_append_printf (out, "<span%s>", attrs->str);
          append_escaped (out, plain->str + start, end - start);
          g_string_append (out, "</span>");
        }
      else
        append_escaped (out, plain->str + start, end - start);
      g_string_free (attrs, TRUE);
    }
  if (open_link != NULL)
    g_string_append (out, "</a>");

  return g_string_free (out, FALSE);
}
