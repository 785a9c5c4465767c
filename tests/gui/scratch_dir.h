/* A fresh directory for a test's files under $NATTER_TEST_TMP (the build
 * tree's scratch dir; the system's temp dir outside CTest). Header-only:
 * every test_<name>.c is its own program. */
#ifndef NATTER_TESTS_GUI_SCRATCH_DIR_H
#define NATTER_TESTS_GUI_SCRATCH_DIR_H

#include <glib.h>
#include <glib/gstdio.h>

/* <base>/<name>-XXXXXX, made with mode 0700; unique even when tests run in
 * parallel. Free with g_free. */
static inline char *
scratch_dir (const char *name)
{
  const char *base = g_getenv ("NATTER_TEST_TMP");
  g_autofree char *leaf = g_strconcat (name, "-XXXXXX", NULL);
  char *dir;

  if (base == NULL)
    base = g_get_tmp_dir ();
  g_assert_cmpint (g_mkdir_with_parents (base, 0700), ==, 0);
  dir = g_build_filename (base, leaf, NULL);
  g_assert_nonnull (g_mkdtemp (dir));
  return dir;
}

#endif
