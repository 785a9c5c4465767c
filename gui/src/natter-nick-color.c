/* natter-nick-color.c
 *
 * Each palette entry has a light and a dark variant of the same hue, tuned to
 * a WCAG contrast ratio of at least 4.5 against the window background
 * (#ffffff light, #242424 dark), so a nick keeps its hue when the theme
 * changes and stays readable in both.
 */
#include "natter-nick-color.h"

#include <natter/casemap.h>

typedef struct {
  const char *light;
  const char *dark;
} NickColor;

/* Hues go round the wheel; odd entries are less saturated so that
 * neighbouring hues still tell apart. */
static const NickColor palette[NATTER_NICK_COLOR_COUNT] = {
  { "#df2020", "#ed8383" },   /* red */
  { "#ae5b2c", "#d99066" },   /* rust */
  { "#956a15", "#d2961e" },   /* amber */
  { "#7c741f", "#afa42c" },   /* olive */
  { "#617b12", "#89ae19" },   /* lime */
  { "#408020", "#5bb62d" },   /* grass */
  { "#138426", "#1bba35" },   /* green */
  { "#208159", "#2eb77e" },   /* jade */
  { "#127f76", "#1ab4a7" },   /* teal */
  { "#237c8e", "#32b0c9" },   /* cyan */
  { "#1a76b8", "#52a9e6" },   /* sky */
  { "#3e6ecf", "#82a1e0" },   /* blue */
  { "#6060e8", "#9999f0" },   /* indigo */
  { "#8658d5", "#b193e4" },   /* violet */
  { "#b32be1", "#d282ed" },   /* purple */
  { "#c632a1", "#e081c8" },   /* magenta */
};

guint
natter_nick_color_index (const char *nick)
{
  /* FNV-1a: fixed constants, so colours do not change between runs or
   * builds (g_str_hash is not promised to stay the same). */
  guint32 hash = 2166136261u;

  if (nick == NULL)
    return 0;
  for (const char *p = nick; *p != '\0'; p++)
    {
      hash ^= (guchar) nt_casefold_char (NT_CASEMAP_RFC1459, *p);
      hash *= 16777619u;
    }
  /* The low bits of FNV alone mix poorly for short strings. */
  hash ^= hash >> 16;
  hash ^= hash >> 8;
  return hash % NATTER_NICK_COLOR_COUNT;
}

const char *
natter_nick_color_for_index (guint    index,
                             gboolean dark)
{
  g_return_val_if_fail (index < NATTER_NICK_COLOR_COUNT, dark ? palette[0].dark : palette[0].light);

  return dark ? palette[index].dark : palette[index].light;
}

const char *
natter_nick_color (const char *nick,
                   gboolean    dark)
{
  return natter_nick_color_for_index (natter_nick_color_index (nick), dark);
}
