/* libnatter: IRC case mapping (ISUPPORT CASEMAPPING) and name validation.
 *
 * rfc1459: A-Z ~ a-z, and [ ] \ ~ are the upper case of { } | ^ (RFC 1459).
 * ascii:   only A-Z ~ a-z.
 * Nicks and channel names are compared by folding both with the same mapping. */
#ifndef NATTER_CASEMAP_H
#define NATTER_CASEMAP_H

#include <stddef.h>
#include "export.h"

NT_BEGIN_DECLS

typedef enum nt_casemap {
    NT_CASEMAP_RFC1459 = 0,
    NT_CASEMAP_ASCII = 1
} nt_casemap;

/* "rfc1459" / "ascii"; NULL-safe parse returns -1 for anything else. */
NT_API const char *nt_casemap_name(nt_casemap cm);
NT_API int nt_casemap_parse(const char *name);

NT_API char nt_casefold_char(nt_casemap cm, char c);
/* Fold src into dst (cap bytes, always NUL-terminated); returns dst. */
NT_API char *nt_casefold(nt_casemap cm, const char *src, char *dst, size_t cap);
/* 0 when a and b are equal under cm, else <0 / >0 like strcmp. */
NT_API int nt_casecmp(nt_casemap cm, const char *a, const char *b);

/* RFC 2812 nickname: a letter or special ([]\`_^{|}) first, then letters,
 * digits, specials or '-', at most maxlen bytes. */
NT_API int nt_nick_valid(const char *nick, size_t maxlen);
/* A channel name: starts with one of chantypes (e.g. "#&"), at most maxlen
 * bytes, no space, comma, BEL (^G), NUL, CR or LF. */
NT_API int nt_channel_valid(const char *name, const char *chantypes, size_t maxlen);

NT_END_DECLS

#endif /* NATTER_CASEMAP_H */
