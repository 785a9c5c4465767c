/* Message text: links, mentions, stripping and markup. Every markup produced
 * here, including for thousands of garbage strings, must parse as GtkLabel
 * parses it (<a> links taken out, the rest given to pango_parse_markup), and
 * must show exactly the stripped text. */
#include <string.h>

#include <pango/pango.h>

#include "natter-text.h"

/* ---- the markup checker --------------------------------------------------- */

typedef struct {
  GString *out;
  int      depth_a;
  int      n_links;
} Rebuild;

static void
rebuild_start (GMarkupParseContext  *context,
               const char           *name,
               const char          **attr_names,
               const char          **attr_values,
               gpointer              user_data,
               GError              **error)
{
  Rebuild *r = user_data;

  (void) context;
  (void) error;
  if (strcmp (name, "markup") == 0)
    return;
  if (strcmp (name, "a") == 0)
    {
      /* GtkLabel wants exactly an href, and no links inside links. */
      g_assert_cmpint (r->depth_a, ==, 0);
      g_assert_nonnull (attr_names[0]);
      g_assert_cmpstr (attr_names[0], ==, "href");
      g_assert_null (attr_names[1]);
      g_assert_true (g_utf8_validate (attr_values[0], -1, NULL));
      r->depth_a++;
      r->n_links++;
      return;
    }
  g_string_append_printf (r->out, "<%s", name);
  for (guint i = 0; attr_names[i] != NULL; i++)
    {
      g_autofree char *v = g_markup_escape_text (attr_values[i], -1);
      g_string_append_printf (r->out, " %s=\"%s\"", attr_names[i], v);
    }
  g_string_append_c (r->out, '>');
}

static void
rebuild_end (GMarkupParseContext *context,
             const char          *name,
             gpointer             user_data,
             GError             **error)
{
  Rebuild *r = user_data;

  (void) context;
  (void) error;
  if (strcmp (name, "markup") == 0)
    return;
  if (strcmp (name, "a") == 0)
    {
      r->depth_a--;
      return;
    }
  g_string_append_printf (r->out, "</%s>", name);
}

static void
rebuild_text (GMarkupParseContext *context,
              const char          *text,
              gsize                len,
              gpointer             user_data,
              GError             **error)
{
  Rebuild *r = user_data;
  g_autofree char *escaped = g_markup_escape_text (text, (gssize) len);

  (void) context;
  (void) error;
  g_string_append (r->out, escaped);
}

/* Parses markup as GtkLabel would and returns the text it shows. */
static char *
check_markup (const char *markup, int *n_links)
{
  static const GMarkupParser parser = { rebuild_start, rebuild_end, rebuild_text, NULL, NULL };
  Rebuild r = { g_string_new (NULL), 0, 0 };
  g_autofree char *wrapped = g_strconcat ("<markup>", markup, "</markup>", NULL);
  g_autoptr(GMarkupParseContext) ctx = g_markup_parse_context_new (&parser, 0, &r, NULL);
  g_autoptr(GError) error = NULL;
  PangoAttrList *attrs = NULL;
  char *text = NULL;

  g_assert_nonnull (markup);
  g_assert_true (g_utf8_validate (markup, -1, NULL));
  if (!g_markup_parse_context_parse (ctx, wrapped, -1, &error) ||
      !g_markup_parse_context_end_parse (ctx, &error))
    g_error ("not well-formed: %s\n%s", error->message, markup);
  g_assert_cmpint (r.depth_a, ==, 0);

  if (!pango_parse_markup (r.out->str, -1, 0, &attrs, &text, NULL, &error))
    g_error ("Pango rejects: %s\n%s", error->message, markup);
  pango_attr_list_unref (attrs);
  g_string_free (r.out, TRUE);
  if (n_links)
    *n_links = r.n_links;
  return text;
}

/* ---- links ------------------------------------------------------------------ */

static void
assert_links (const char *text, ...)
{
  g_autoptr(GPtrArray) links = natter_text_find_links (text);
  va_list args;
  guint i = 0;
  const char *shown;

  va_start (args, text);
  while ((shown = va_arg (args, const char *)) != NULL)
    {
      const char *url = va_arg (args, const char *);
      NatterLink *link;

      if (i >= links->len)
        g_error ("“%s”: expected link %u “%s”, found none", text, i, shown);
      link = g_ptr_array_index (links, i);
      g_assert_cmpuint (link->end, <=, strlen (text));
      g_assert_cmpuint (link->start, <, link->end);
      {
        g_autofree char *got = g_strndup (text + link->start, link->end - link->start);
        g_assert_cmpstr (got, ==, shown);
      }
      g_assert_cmpstr (link->url, ==, url);
      i++;
    }
  va_end (args);
  if (links->len != i)
    g_error ("“%s”: %u links, expected %u (first extra: %s)", text, links->len, i,
             ((NatterLink *) g_ptr_array_index (links, i))->url);
}

static void
test_links (void)
{
  assert_links ("see http://example.org/page.", "http://example.org/page", "http://example.org/page", NULL);
  assert_links ("https://example.org", "https://example.org", "https://example.org", NULL);
  assert_links ("(http://example.org/a_(b))", "http://example.org/a_(b)", "http://example.org/a_(b)", NULL);
  assert_links ("wiki https://en.wikipedia.org/wiki/Foo_(bar), ok?",
                "https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)", NULL);
  assert_links ("(see http://x.org/a)", "http://x.org/a", "http://x.org/a", NULL);
  assert_links ("[www.example.org]", "www.example.org", "http://www.example.org", NULL);
  assert_links ("go to WWW.Example.org/x?y=1!", "WWW.Example.org/x?y=1", "http://WWW.Example.org/x?y=1", NULL);
  assert_links ("mail mailto:alice@example.org!", "mailto:alice@example.org", "mailto:alice@example.org", NULL);
  assert_links ("irc://irc.example.org/#natter", "irc://irc.example.org/#natter", "irc://irc.example.org/#natter", NULL);
  assert_links ("ircs://irc.example.org:6697;", "ircs://irc.example.org:6697", "ircs://irc.example.org:6697", NULL);
  assert_links ("ftp://ftp.example.org/pub/", "ftp://ftp.example.org/pub/", "ftp://ftp.example.org/pub/", NULL);
  assert_links ("<https://e.org/?a=1&b=2>", "https://e.org/?a=1&b=2", "https://e.org/?a=1&b=2", NULL);
  assert_links ("it's 'http://e.org/x'", "http://e.org/x", "http://e.org/x", NULL);
  assert_links ("\"http://e.org/q\"", "http://e.org/q", "http://e.org/q", NULL);
  assert_links ("ends with http://e.org/x?!...", "http://e.org/x", "http://e.org/x", NULL);
  assert_links ("{http://e.org/}", "http://e.org/", "http://e.org/", NULL);
  assert_links ("a http://a.org b HTTPS://B.ORG/Z c", "http://a.org", "http://a.org",
                "HTTPS://B.ORG/Z", "HTTPS://B.ORG/Z", NULL);
  assert_links ("voir http://exemple.fr/été, merci", "http://exemple.fr/été", "http://exemple.fr/été", NULL);
  assert_links ("«http://e.org»", "http://e.org", "http://e.org", NULL);
  assert_links ("「http://e.jp/」。", "http://e.jp/", "http://e.jp/", NULL);

  /* Not links. */
  assert_links ("", NULL);
  assert_links ("no links here. www", NULL);
  assert_links ("http://", NULL);
  assert_links ("http://.", NULL);
  assert_links ("http://...!", NULL);
  assert_links ("xhttp://e.org", NULL);
  assert_links ("foo.www.bar.com", NULL);
  assert_links ("wwwx.org www.", NULL);
  assert_links ("www.-", NULL);
  assert_links ("javascript:alert(1) file:///etc/passwd", NULL);

  /* A link stops at invalid UTF-8 and the offsets stay in the text. */
  assert_links ("http://e.org/a\xff" "b", "http://e.org/a", "http://e.org/a", NULL);

  {
    g_autoptr(GPtrArray) none = natter_text_find_links (NULL);
    g_assert_cmpuint (none->len, ==, 0);
  }
}

/* ---- mentions ----------------------------------------------------------------- */

static void
test_mentions (void)
{
  g_assert_true (natter_text_mentions ("alice: hi", "alice"));
  g_assert_true (natter_text_mentions ("hi @Alice", "alice"));
  g_assert_true (natter_text_mentions ("ALICE, look", "alice"));
  g_assert_true (natter_text_mentions ("hey alice", "Alice"));
  g_assert_true (natter_text_mentions ("alice's idea", "alice"));
  g_assert_true (natter_text_mentions ("[alice] said", "alice"));
  g_assert_true (natter_text_mentions ("thanks alice!", "alice"));
  g_assert_true (natter_text_mentions ("«alice»", "alice"));
  /* rfc1459: {}|^ are the lower case of []\~. */
  g_assert_true (natter_text_mentions ("ping {Bob}", "[bob]"));
  g_assert_true (natter_text_mentions ("ping a|b^", "A\\B~"));
  /* Formatting codes in the way do not hide a mention. */
  g_assert_true (natter_text_mentions ("\x02" "alice\x02: x", "alice"));
  g_assert_true (natter_text_mentions ("\x03" "04alice", "alice"));
  /* Second occurrence counts even if the first is inside a word. */
  g_assert_true (natter_text_mentions ("malice, alice", "alice"));

  g_assert_false (natter_text_mentions ("malice", "alice"));
  g_assert_false (natter_text_mentions ("alice_", "alice"));
  g_assert_false (natter_text_mentions ("alice2 is here", "alice"));
  g_assert_false (natter_text_mentions ("alice-bot", "alice"));
  g_assert_false (natter_text_mentions ("éalice", "alice"));
  g_assert_false (natter_text_mentions ("alic", "alice"));
  g_assert_false (natter_text_mentions ("", "alice"));
  g_assert_false (natter_text_mentions ("alice", ""));
  g_assert_false (natter_text_mentions (NULL, "alice"));
  g_assert_false (natter_text_mentions ("alice", NULL));
  g_assert_false (natter_text_mentions ("a\xff" "lice", "alice"));
}

/* ---- strip ------------------------------------------------------------------- */

static void
assert_strip (const char *in, const char *expected)
{
  g_autofree char *out = natter_text_strip_formatting (in);
  g_assert_cmpstr (out, ==, expected);
}

static void
test_strip (void)
{
  assert_strip ("plain", "plain");
  assert_strip ("", "");
  assert_strip (NULL, "");
  assert_strip ("\x02" "bold\x02 \x03" "04red\x03 \x1d" "it\x1d \x1f" "u\x1f \x1e" "s\x1e \x11" "m\x11 \x16" "rev\x0f", "bold red it u s m rev");
  assert_strip ("\x03" "12,04text", "text");
  assert_strip ("\x03" "1,2x", "x");
  /* A comma without digits after it is text. */
  assert_strip ("\x03" "4,x", ",x");
  assert_strip ("\x03" "4,", ",");
  /* No foreground: a reset, and the comma stays. */
  assert_strip ("\x03,04x", ",04x");
  /* At most two digits are the colour. */
  assert_strip ("\x03" "123", "3");
  assert_strip ("\x03" "12,345", "5");
  assert_strip ("a\x03", "a");
  assert_strip ("\x04" "ff00ffhex\x04", "hex");
  assert_strip ("\x04" "ff00ff,00ff00x", "x");
  assert_strip ("\x04" "ff00ff,00fx", ",00fx");
  /* Too few hex digits: just a reset. */
  assert_strip ("\x04" "ff00", "ff00");
  assert_strip ("a\x01" "ACTION waves\x01", "aACTION waves");
  assert_strip ("tab\there", "tab\there");
  assert_strip ("bell\x07 del\x7f nl\n cr\r", "bell del nl cr");
  assert_strip ("caf\xc3", "caf\xef\xbf\xbd");
  assert_strip ("\xff\xfe", "\xef\xbf\xbd\xef\xbf\xbd");
  assert_strip ("😀 ok", "😀 ok");
}

/* ---- markup -------------------------------------------------------------------- */

static void
assert_markup (const char *text, const char *nick, const char *highlight, const char *expected)
{
  g_autofree char *markup = natter_text_to_markup (text, nick, highlight);
  g_autofree char *shown = check_markup (markup, NULL);
  g_autofree char *stripped = natter_text_strip_formatting (text);

  g_assert_cmpstr (markup, ==, expected);
  g_assert_cmpstr (shown, ==, stripped);
}

static void
test_markup (void)
{
  assert_markup ("plain", NULL, NULL, "plain");
  assert_markup ("", NULL, NULL, "");
  assert_markup ("a < b & c > \"d\" 'e'", NULL, NULL, "a &lt; b &amp; c &gt; &quot;d&quot; &apos;e&apos;");
  assert_markup ("\x02" "bold\x02 plain", NULL, NULL, "<span weight=\"bold\">bold</span> plain");
  assert_markup ("\x1d" "it\x1f" "iu\x0f" "x", NULL, NULL,
                 "<span style=\"italic\">it</span><span style=\"italic\" underline=\"single\">iu</span>x");
  assert_markup ("\x1e" "gone\x1e" " \x11" "code", NULL, NULL,
                 "<span strikethrough=\"true\">gone</span> <span font_family=\"monospace\">code</span>");
  assert_markup ("\x03" "04red\x03" "plain", NULL, NULL, "<span foreground=\"#ff0f0f\">red</span>plain");
  assert_markup ("\x03" "4,12red", NULL, NULL, "<span foreground=\"#ff0f0f\">red</span>");
  /* White, black, extended colours and "default" show in the theme colour. */
  assert_markup ("\x03" "00w\x03" "01b\x03" "50x\x03" "99d", NULL, NULL, "wbxd");
  /* Reverse is dropped; hex colours are stripped. */
  assert_markup ("\x16" "r\x04" "ff0000h", NULL, NULL, "rh");
  /* Codes that change nothing make no empty spans. */
  assert_markup ("\x02\x02" "a\x02\x02" "b", NULL, NULL, "ab");

  assert_markup ("go http://x.org/?a=1&b=2 now", NULL, NULL,
                 "go <a href=\"http://x.org/?a=1&amp;b=2\">http://x.org/?a=1&amp;b=2</a> now");
  assert_markup ("www.x.org", NULL, NULL, "<a href=\"http://www.x.org\">www.x.org</a>");
  /* Formatting inside a link: still one link, split spans inside it. */
  assert_markup ("\x02" "http://x.org/a\x02" "b c", NULL, NULL,
                 "<a href=\"http://x.org/ab\"><span weight=\"bold\">http://x.org/a</span>b</a> c");

  assert_markup ("hi alice!", "alice", "#ffcc00", "hi <span weight=\"bold\" background=\"#ffcc00\">alice</span>!");
  assert_markup ("hi ALICE, alice", "Alice", NULL,
                 "hi <span weight=\"bold\">ALICE</span>, <span weight=\"bold\">alice</span>");
  assert_markup ("malice", "alice", "#ffcc00", "malice");
  /* A colour Pango would refuse is dropped rather than breaking the row. */
  assert_markup ("alice", "alice", "red\"><b>", "<span weight=\"bold\">alice</span>");
  assert_markup ("alice", "alice", "not-a-colour", "<span weight=\"bold\">alice</span>");
  assert_markup ("\x1d" "alice", "alice", "#123456",
                 "<span weight=\"bold\" style=\"italic\" background=\"#123456\">alice</span>");

  /* Invalid UTF-8 is repaired first. */
  assert_markup ("caf\xc3 <", NULL, NULL, "caf\xef\xbf\xbd &lt;");
  assert_markup ("\x03", NULL, NULL, "");
  assert_markup (NULL, NULL, NULL, "");
}

/* ---- garbage in, valid markup out --------------------------------------------- */

static const char * const pieces[] = {
  "\x02", "\x03", "\x04", "\x0f", "\x11", "\x16", "\x1d", "\x1e", "\x1f", "\x01", "\x07",
  ",", "0", "1", "4", "12", "99", "ff", "ffffff", "http://", "https://e.org/", "www.", "mailto:",
  "alice", "ALICE", "[bob]", "<", ">", "&", "\"", "'", "(", ")", "]", " ", "\t", ".", "!",
  "\xc3", "\xa9", "\xc3\xa9", "\xf0\x9f\x98\x80", "\xed\xa0\x80", "\xef\xbf\xbe", "\xf4\x90\x80\x80",
  "&amp;", "<b>", "</span>", "&#1;", "]]>", "<!--", "\xc2\x85",
};

static void
test_fuzz (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (0x6e617474);
  guint links_seen = 0;

  for (guint n = 0; n < 4000; n++)
    {
      GString *s = g_string_new (NULL);
      guint len = (guint) g_rand_int_range (rand, 0, 60);
      g_autofree char *text = NULL;
      g_autofree char *markup = NULL;
      g_autofree char *shown = NULL;
      g_autofree char *stripped = NULL;
      g_autoptr(GPtrArray) links = NULL;
      int n_links = 0;
      const char *nick = (n % 3 == 0) ? "alice" : (n % 3 == 1) ? "[Bob]" : NULL;

      for (guint i = 0; i < len; i++)
        {
          if (g_rand_int_range (rand, 0, 10) < 4)
            g_string_append_c (s, (char) g_rand_int_range (rand, 1, 256));
          else
            g_string_append (s, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
        }
      text = g_string_free (s, FALSE);

      markup = natter_text_to_markup (text, nick, (n % 2) ? "#ffcc00" : NULL);
      shown = check_markup (markup, &n_links);
      stripped = natter_text_strip_formatting (text);
      links_seen += (guint) n_links;

      /* What the row shows is the stripped text, with no code leaking. */
      g_assert_true (g_utf8_validate (stripped, -1, NULL));
      g_assert_cmpstr (shown, ==, stripped);
      for (const char *p = stripped; *p; p++)
        g_assert_true ((guchar) *p >= 0x20 || *p == '\t');
      g_assert_null (strchr (stripped, 0x7f));

      links = natter_text_find_links (text);
      for (guint i = 0; i < links->len; i++)
        {
          NatterLink *link = g_ptr_array_index (links, i);
          g_assert_cmpuint (link->start, <, link->end);
          g_assert_cmpuint (link->end, <=, strlen (text));
          g_assert_true (g_utf8_validate (link->url, -1, NULL));
          if (i > 0)
            g_assert_cmpuint (((NatterLink *) g_ptr_array_index (links, i - 1))->end, <=, link->start);
        }
      (void) natter_text_mentions (text, nick);
    }
  /* The generator does produce links, so the link path was exercised. */
  g_assert_cmpuint (links_seen, >, 50);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/text/links", test_links);
  g_test_add_func ("/text/mentions", test_mentions);
  g_test_add_func ("/text/strip", test_strip);
  g_test_add_func ("/text/markup", test_markup);
  g_test_add_func ("/text/fuzz", test_fuzz);
  return g_test_run ();
}
