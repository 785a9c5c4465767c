/* libnatter: symbol export macro. NT_API marks libnatter's public ABI; define
 * NATTER_STATIC when linking the static library. The platform's spelling comes
 * from libnp (np/export.h). */
#ifndef NATTER_EXPORT_H
#define NATTER_EXPORT_H

#include <np/export.h>

#if defined(NATTER_STATIC)
#  define NT_API
#elif defined(NATTER_BUILDING)
#  define NT_API NP_DLL_EXPORT
#else
#  define NT_API NP_DLL_IMPORT
#endif

#define NT_BEGIN_DECLS NP_BEGIN_DECLS
#define NT_END_DECLS NP_END_DECLS

#endif /* NATTER_EXPORT_H */
