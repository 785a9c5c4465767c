/* libnatter: IRC case mapping and nick / channel name validation
 * (see natter/casemap.h). ASCII only on purpose: the C library's tolower()
 * depends on the locale, and two servers must agree on what a name folds to. */
#include "natter/casemap.h"

#include <string.h>

const char *nt_casemap_name(nt_casemap cm)
{
    switch (cm) {
    case NT_CASEMAP_RFC1459: return "rfc1459";
    case NT_CASEMAP_ASCII: return "ascii";
    }
    return "unknown";
}

/* ISUPPORT tokens are lower case, but a server sending "ASCII" means it. */
static int equal_ignoring_case(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (nt_casefold_char(NT_CASEMAP_ASCII, *a) != nt_casefold_char(NT_CASEMAP_ASCII, *b))
            return 0;
    return *a == *b;
}

int nt_casemap_parse(const char *name)
{
    if (!name)
        return -1;
    if (equal_ignoring_case(name, "rfc1459"))
        return NT_CASEMAP_RFC1459;
    if (equal_ignoring_case(name, "ascii"))
        return NT_CASEMAP_ASCII;
    return -1;
}

char nt_casefold_char(nt_casemap cm, char c)
{
    if (c >= 'A' && c <= 'Z')
        return (char)(c - 'A' + 'a');
    if (cm != NT_CASEMAP_RFC1459)
        return c;
    switch (c) {
    case '[': return '{';
    case ']': return '}';
    case '\\': return '|';
    case '~': return '^';
    default: return c;
    }
}

char *nt_casefold(nt_casemap cm, const char *src, char *dst, size_t cap)
{
    size_t i = 0;
    if (!dst || cap == 0)
        return dst;
    if (src)
        for (; src[i] && i + 1 < cap; i++)
            dst[i] = nt_casefold_char(cm, src[i]);
    dst[i] = '\0';
    return dst;
}

int nt_casecmp(nt_casemap cm, const char *a, const char *b)
{
    if (!a)
        a = "";
    if (!b)
        b = "";
    for (;; a++, b++) {
        unsigned char ca = (unsigned char)nt_casefold_char(cm, *a);
        unsigned char cb = (unsigned char)nt_casefold_char(cm, *b);
        if (ca != cb)
            return ca < cb ? -1 : 1;
        if (ca == '\0')
            return 0;
    }
}

static int is_letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_special(char c)
{
    return c != '\0' && strchr("[]\\`_^{|}", c) != NULL;
}

int nt_nick_valid(const char *nick, size_t maxlen)
{
    size_t i, n;
    if (!nick)
        return 0;
    n = strlen(nick);
    if (n == 0 || n > maxlen)
        return 0;
    if (!is_letter(nick[0]) && !is_special(nick[0]))
        return 0;
    for (i = 1; i < n; i++) {
        char c = nick[i];
        if (!is_letter(c) && !is_special(c) && !(c >= '0' && c <= '9') && c != '-')
            return 0;
    }
    return 1;
}

int nt_channel_valid(const char *name, const char *chantypes, size_t maxlen)
{
    size_t n;
    if (!name || !chantypes || name[0] == '\0' || !strchr(chantypes, name[0]))
        return 0;
    n = strlen(name);
    /* A prefix alone is no name (ngircd agrees). */
    if (n < 2 || n > maxlen)
        return 0;
    return strpbrk(name, " ,\a\r\n") == NULL;
}
