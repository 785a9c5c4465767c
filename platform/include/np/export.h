/* libnp: symbol export macro.
 *
 * NP_API marks the functions that form libnp's public ABI. Everything else in
 * the library is hidden (-fvisibility=hidden on ELF, no dllexport on Windows).
 * Define NP_STATIC when linking the static library on Windows. */
#ifndef NP_EXPORT_H
#define NP_EXPORT_H

#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(NP_STATIC)
#    define NP_API
#  elif defined(NP_BUILDING)
#    define NP_API __declspec(dllexport)
#  else
#    define NP_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define NP_API __attribute__((visibility("default")))
#else
#  define NP_API
#endif

#ifdef __cplusplus
#  define NP_BEGIN_DECLS extern "C" {
#  define NP_END_DECLS }
#else
#  define NP_BEGIN_DECLS
#  define NP_END_DECLS
#endif

#endif /* NP_EXPORT_H */
