/* libnatter: symbol export macro (see np/export.h; NATTER_STATIC for a static
 * Windows link). */
#ifndef NATTER_EXPORT_H
#define NATTER_EXPORT_H

#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(NATTER_STATIC)
#    define NT_API
#  elif defined(NATTER_BUILDING)
#    define NT_API __declspec(dllexport)
#  else
#    define NT_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define NT_API __attribute__((visibility("default")))
#else
#  define NT_API
#endif

#ifdef __cplusplus
#  define NT_BEGIN_DECLS extern "C" {
#  define NT_END_DECLS }
#else
#  define NT_BEGIN_DECLS
#  define NT_END_DECLS
#endif

#endif /* NATTER_EXPORT_H */
