/* libnp: symbol export macro.
 *
 * NP_API marks the functions that form libnp's public ABI. Everything else in
 * the library is hidden (-fvisibility=hidden on ELF, no dllexport on Windows).
 * Define NP_STATIC when linking the static library on Windows. */
#ifndef NP_EXPORT_H
#define NP_EXPORT_H

/* How a shared library marks what it exports and what its users import, for
 * any library built on libnp (libnatter uses these too, so only this header
 * knows the platform). */
#if defined(_WIN32) || defined(__CYGWIN__)
#  define NP_DLL_EXPORT __declspec(dllexport)
#  define NP_DLL_IMPORT __declspec(dllimport)
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define NP_DLL_EXPORT __attribute__((visibility("default")))
#  define NP_DLL_IMPORT __attribute__((visibility("default")))
#else
#  define NP_DLL_EXPORT
#  define NP_DLL_IMPORT
#endif

#if defined(NP_STATIC)
#  define NP_API
#elif defined(NP_BUILDING)
#  define NP_API NP_DLL_EXPORT
#else
#  define NP_API NP_DLL_IMPORT
#endif

#ifdef __cplusplus
#  define NP_BEGIN_DECLS extern "C" {
#  define NP_END_DECLS }
#else
#  define NP_BEGIN_DECLS
#  define NP_END_DECLS
#endif

#endif /* NP_EXPORT_H */
