/* Nick colours: stable, case-insensitive (rfc1459), spread over the palette,
 * and every entry readable on the background it is meant for. */
#include <string.h>

#include "natter-nick-color.h"

/* x^2.4 as x^2 times the fifth root of x^2, by Newton's method: keeps the
 * test free of libm. */
static double
pow_2_4 (double x)
{
  double t = x * x;
  double y = 1.0;

  if (t <= 0.0)
    return 0.0;
  for (int i = 0; i < 100; i++)
    y -= (y * y * y * y * y - t) / (5 * y * y * y * y);
  return t * y;
}

static double
channel_linear (guint v)
{
  double c = v / 255.0;
  return c <= 0.04045 ? c / 12.92 : pow_2_4 ((c + 0.055) / 1.055);
}

static double
luminance (const char *hex)
{
  guint r, g, b;

  g_assert_cmpuint (strlen (hex), ==, 7);
  g_assert_cmpint (hex[0], ==, '#');
  for (guint i = 1; i < 7; i++)
    g_assert_true (g_ascii_isxdigit (hex[i]));
  r = (guint) g_ascii_xdigit_value (hex[1]) * 16 + (guint) g_ascii_xdigit_value (hex[2]);
  g = (guint) g_ascii_xdigit_value (hex[3]) * 16 + (guint) g_ascii_xdigit_value (hex[4]);
  b = (guint) g_ascii_xdigit_value (hex[5]) * 16 + (guint) g_ascii_xdigit_value (hex[6]);
  return 0.2126 * channel_linear (r) + 0.7152 * channel_linear (g) + 0.0722 * channel_linear (b);
}

/* WCAG 2 contrast ratio. */
static double
contrast (const char *a, const char *b)
{
  double la = luminance (a);
  double lb = luminance (b);
  double hi = MAX (la, lb), lo = MIN (la, lb);
  return (hi + 0.05) / (lo + 0.05);
}

static void
test_contrast_formula (void)
{
  /* Known values keep the checker itself honest. */
  g_assert_cmpfloat_with_epsilon (contrast ("#000000", "#ffffff"), 21.0, 0.01);
  g_assert_cmpfloat_with_epsilon (contrast ("#777777", "#ffffff"), 4.48, 0.01);
}

static void
test_palette_readable (void)
{
  g_autoptr(GHashTable) seen_light = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen_dark = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < NATTER_NICK_COLOR_COUNT; i++)
    {
      const char *light = natter_nick_color_for_index (i, FALSE);
      const char *dark = natter_nick_color_for_index (i, TRUE);

      g_test_message ("%u: %s %.2f  %s %.2f", i, light, contrast (light, "#ffffff"),
                      dark, contrast (dark, "#242424"));
      g_assert_cmpfloat (contrast (light, "#ffffff"), >=, 4.5);
      g_assert_cmpfloat (contrast (dark, "#242424"), >=, 4.5);
      g_assert_cmpstr (light, !=, dark);
      g_assert_false (g_hash_table_contains (seen_light, light));
      g_assert_false (g_hash_table_contains (seen_dark, dark));
      g_hash_table_add (seen_light, (gpointer) light);
      g_hash_table_add (seen_dark, (gpointer) dark);
    }
}

static void
test_stable (void)
{
  /* FNV-1a with fixed constants: these values must never change between
   * releases, or everyone's colours would shuffle. */
  guint32 h = 2166136261u;
  const char *s = "alice";

  for (const char *p = s; *p; p++)
    {
      h ^= (guchar) *p;
      h *= 16777619u;
    }
  h ^= h >> 16;
  h ^= h >> 8;
  g_assert_cmpuint (natter_nick_color_index ("alice"), ==, h % NATTER_NICK_COLOR_COUNT);
  g_assert_cmpuint (natter_nick_color_index ("alice"), ==, natter_nick_color_index ("alice"));
  g_assert_cmpstr (natter_nick_color ("alice", FALSE), ==,
                   natter_nick_color_for_index (natter_nick_color_index ("alice"), FALSE));
  g_assert_cmpstr (natter_nick_color ("alice", TRUE), ==,
                   natter_nick_color_for_index (natter_nick_color_index ("alice"), TRUE));

  g_assert_cmpuint (natter_nick_color_index (""), <, NATTER_NICK_COLOR_COUNT);
  g_assert_cmpuint (natter_nick_color_index (NULL), <, NATTER_NICK_COLOR_COUNT);
  g_assert_nonnull (natter_nick_color (NULL, TRUE));
  g_assert_cmpuint (natter_nick_color_index ("\xff\xfe garbage"), <, NATTER_NICK_COLOR_COUNT);
}

static void
test_casefold (void)
{
  g_assert_cmpuint (natter_nick_color_index ("Alice"), ==, natter_nick_color_index ("alice"));
  g_assert_cmpuint (natter_nick_color_index ("ALICE"), ==, natter_nick_color_index ("alice"));
  /* rfc1459: []\~ are the upper case of {}|^. */
  g_assert_cmpuint (natter_nick_color_index ("[Bob]"), ==, natter_nick_color_index ("{bob}"));
  g_assert_cmpuint (natter_nick_color_index ("a\\b~"), ==, natter_nick_color_index ("a|b^"));
  g_assert_cmpstr (natter_nick_color ("NickServ", TRUE), ==, natter_nick_color ("nickserv", TRUE));
}

static void
test_spread (void)
{
  guint counts[NATTER_NICK_COLOR_COUNT] = { 0 };
  guint distinct = 0;
  const guint n = 4000;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *nick = g_strdup_printf ("user%u", i);
      counts[natter_nick_color_index (nick)]++;
    }
  /* Typical nicks, not only numbered ones, must not all share a colour. */
  {
    const char *nicks[] = { "alice", "bob", "carol", "dave", "eve", "mallory", "trent", "peggy" };
    g_autoptr(GHashTable) idx = g_hash_table_new (NULL, NULL);
    for (guint i = 0; i < G_N_ELEMENTS (nicks); i++)
      g_hash_table_add (idx, GUINT_TO_POINTER (natter_nick_color_index (nicks[i]) + 1));
    g_assert_cmpuint (g_hash_table_size (idx), >=, 4);
  }
  for (guint i = 0; i < NATTER_NICK_COLOR_COUNT; i++)
    {
      if (counts[i] > 0)
        distinct++;
      /* Each colour within a factor of two of an even share (250). */
      g_assert_cmpuint (counts[i], >, n / NATTER_NICK_COLOR_COUNT / 2);
      g_assert_cmpuint (counts[i], <, n / NATTER_NICK_COLOR_COUNT * 2);
    }
  g_assert_cmpuint (distinct, ==, NATTER_NICK_COLOR_COUNT);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nick-color/contrast-formula", test_contrast_formula);
  g_test_add_func ("/nick-color/palette-readable", test_palette_readable);
  g_test_add_func ("/nick-color/stable", test_stable);
  g_test_add_func ("/nick-color/casefold", test_casefold);
  g_test_add_func ("/nick-color/spread", test_spread);
  return g_test_run ();
}
