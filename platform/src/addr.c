/* libnp: socket addresses — parse, build, format, compare.
 *
 * An np_addr holds a real struct sockaddr_in / sockaddr_in6 / sockaddr_un in
 * sa.bytes with len = its socklen, so socket code passes it straight to the
 * OS. Structs are copied in and out with memcpy: the byte array has no
 * sockaddr type, and copying keeps the aliasing rules and alignment honest.
 *
 * IPv4 and IPv6 text is parsed and formatted here rather than with
 * inet_pton/inet_ntop: their strictness differs between libcs and Windows
 * (leading zeros, odd IPv6 forms, v4-mapped output), and Winsock wants
 * WSAStartup first. Doing it ourselves gives byte-identical results on every
 * platform and lets np_addr_* run before np_init(). */
#include "np_internal.h"
#include "addr_text.h"

#include <stdio.h>
#include <string.h>

_Static_assert(sizeof(struct sockaddr_storage) <= sizeof(((np_addr *)0)->sa.bytes),
               "np_addr must hold any sockaddr");
_Static_assert(sizeof(struct sockaddr_un) <= sizeof(((np_addr *)0)->sa.bytes),
               "np_addr must hold a sockaddr_un");

/* Bytes of a sockaddr_un before the path: the length of an unnamed address. */
#define NP_UN_PATH_OFF offsetof(struct sockaddr_un, sun_path)
#define NP_UN_PATH_MAX sizeof(((struct sockaddr_un *)0)->sun_path)

static np_err fail(np_err err)
{
    return np_err_record(err, 0);
}

/* ---- families and types (internal API) ---------------------------------- */

int np_family_to_native(np_family f)
{
    switch (f) {
    case NP_AF_UNSPEC: return AF_UNSPEC;
    case NP_AF_INET: return AF_INET;
    case NP_AF_INET6: return AF_INET6;
    case NP_AF_UNIX: return AF_UNIX;
    }
    return -1;
}

np_family np_family_from_native(int af)
{
    switch (af) {
    case AF_INET: return NP_AF_INET;
    case AF_INET6: return NP_AF_INET6;
    case AF_UNIX: return NP_AF_UNIX;
    default: return NP_AF_UNSPEC;
    }
}

int np_socktype_to_native(np_socktype t)
{
    switch (t) {
    case NP_SOCK_STREAM: return SOCK_STREAM;
    case NP_SOCK_DGRAM: return SOCK_DGRAM;
    }
    return -1;
}

const char *np_family_name(int native_af)
{
    switch (native_af) {
    case AF_UNSPEC: return "AF_UNSPEC";
    case AF_INET: return "AF_INET";
    case AF_INET6: return "AF_INET6";
    case AF_UNIX: return "AF_UNIX";
    default: return "AF_?";
    }
}

/* ---- reading the stored sockaddr ---------------------------------------- */

/* The native family of a stored address, or -1 if it is empty or too short
 * to be the struct its family names. */
static int stored_af(const np_addr *a)
{
    struct sockaddr_storage ss;
    if (!a || a->len == 0 || a->len > sizeof a->sa.bytes)
        return -1;
    memset(&ss, 0, sizeof ss);
    memcpy(&ss, a->sa.bytes, a->len);
    switch (ss.ss_family) {
    case AF_INET: return a->len >= sizeof(struct sockaddr_in) ? AF_INET : -1;
    case AF_INET6: return a->len >= sizeof(struct sockaddr_in6) ? AF_INET6 : -1;
    case AF_UNIX: return a->len >= NP_UN_PATH_OFF ? AF_UNIX : -1;
    default: return -1;
    }
}

static struct sockaddr_in get_in4(const np_addr *a)
{
    struct sockaddr_in sin;
    memcpy(&sin, a->sa.bytes, sizeof sin);
    return sin;
}

static struct sockaddr_in6 get_in6(const np_addr *a)
{
    struct sockaddr_in6 sin6;
    memcpy(&sin6, a->sa.bytes, sizeof sin6);
    return sin6;
}

/* The path bytes of a unix address: *n bytes at the returned pointer (not
 * NUL-terminated). A pathname stops at its NUL; an abstract name (Linux,
 * first byte NUL) runs to len. n == 0: unnamed. */
static const char *unix_path(const np_addr *a, size_t *n)
{
    const char *p = (const char *)a->sa.bytes + NP_UN_PATH_OFF;
    size_t room = a->len - NP_UN_PATH_OFF;
    if (room > NP_UN_PATH_MAX)
        room = NP_UN_PATH_MAX;
    if (room > 0 && p[0] == '\0') {
        *n = room;
        return p;
    }
    *n = 0;
    while (*n < room && p[*n] != '\0')
        (*n)++;
    return p;
}

/* ---- storing ------------------------------------------------------------ */

static void put(np_addr *out, const void *sa, size_t len)
{
    memset(out, 0, sizeof *out);
    memcpy(out->sa.bytes, sa, len);
    out->len = (uint32_t)len;
}

static void put_in4(np_addr *out, const unsigned char ip[4], uint16_t port)
{
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
#ifdef SIN6_LEN   /* BSD-derived stacks carry a length byte (RFC 2553) */
    sin.sin_len = sizeof sin;
#endif
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    memcpy(&sin.sin_addr, ip, 4);
    put(out, &sin, sizeof sin);
}

static void put_in6(np_addr *out, const unsigned char ip[16], uint32_t scope, uint16_t port)
{
    struct sockaddr_in6 sin6;
    memset(&sin6, 0, sizeof sin6);
#ifdef SIN6_LEN
    sin6.sin6_len = sizeof sin6;
#endif
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(port);
    memcpy(&sin6.sin6_addr, ip, 16);
    sin6.sin6_scope_id = scope;
    put(out, &sin6, sizeof sin6);
}

/* ---- text: ports, IPv4, IPv6, scope ids --------------------------------- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

np_err np_addr_text_port(const char *s, size_t n, uint16_t *port)
{
    unsigned long v = 0;
    size_t i;
    if (n == 0)
        return NP_EINVAL;
    for (i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return NP_EINVAL;
        v = v * 10 + (unsigned long)(s[i] - '0');
        if (v > 65535)
            return NP_EINVAL;
    }
    *port = (uint16_t)v;
    return NP_OK;
}

/* Strict dotted quad: exactly four decimal octets 0..255, no leading zeros
 * (inet_aton would read "010" as octal 8; we refuse to guess). */
static int parse_v4(const char *s, size_t n, unsigned char out[4])
{
    size_t i = 0;
    int part;
    for (part = 0; part < 4; part++) {
        size_t start = i;
        unsigned v = 0;
        if (part > 0) {
            if (i >= n || s[i] != '.')
                return 0;
            start = ++i;
        }
        while (i < n && is_digit(s[i]) && i - start < 3)
            v = v * 10 + (unsigned)(s[i++] - '0');
        if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
            return 0;
        out[part] = (unsigned char)v;
    }
    return i == n;
}

/* RFC 4291 section 2.2 text: up to eight groups of 1-4 hex digits, at most
 * one "::" standing for one or more zero groups, optionally ending in a
 * dotted quad that fills the last two groups. */
static int parse_v6(const char *s, size_t n, unsigned char out[16])
{
    unsigned words[8];
    int nw = 0, gap = -1, k;
    size_t i = 0;

    if (n >= 1 && s[0] == ':') {
        if (n < 2 || s[1] != ':')
            return 0;
        gap = 0;
        i = 2;
    }
    while (i < n) {
        size_t start = i;
        unsigned v = 0;
        while (i < n && hex_value(s[i]) >= 0 && i - start < 5)
            v = v * 16 + (unsigned)hex_value(s[i++]);
        if (i < n && s[i] == '.') {
            unsigned char q[4];
            if (nw > 6 || !parse_v4(s + start, n - start, q))
                return 0;
            words[nw++] = (unsigned)q[0] << 8 | q[1];
            words[nw++] = (unsigned)q[2] << 8 | q[3];
            break;
        }
        if (i == start || i - start > 4 || nw == 8)
            return 0;
        words[nw++] = v;
        if (i == n)
            break;
        if (s[i++] != ':' || i == n)
            return 0;                       /* junk, or a trailing single ':' */
        if (s[i] == ':') {
            if (gap >= 0)
                return 0;                   /* a second "::" */
            gap = nw;
            i++;
        }
    }
    if (gap < 0 ? nw != 8 : nw > 7)
        return 0;
    memset(out, 0, 16);
    for (k = 0; k < nw; k++) {
        int slot = (gap >= 0 && k >= gap) ? k + (8 - nw) : k;
        out[2 * slot] = (unsigned char)(words[k] >> 8);
        out[2 * slot + 1] = (unsigned char)(words[k] & 0xff);
    }
    return 1;
}

/* An interface name's index. Names are resolved with getaddrinfo's numeric
 * mode, which understands "addr%name" on POSIX systems without a network
 * lookup; this keeps net/if.h out of np_sys.h. Windows takes numeric scope
 * ids only, which getaddrinfo there gives us for free by failing. */
static int scope_by_name(const char *v6, size_t n, const char *name, size_t namelen,
                         uint32_t *scope)
{
    char text[64 + 1 + 64];
    struct addrinfo hints, *res = NULL;
    int ok = 0;

    if (n > 64 || namelen > 64)
        return 0;
    memcpy(text, v6, n);
    text[n] = '%';
    memcpy(text + n + 1, name, namelen);
    text[n + 1 + namelen] = '\0';
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET6;
    hints.ai_flags = AI_NUMERICHOST;
    if (getaddrinfo(text, NULL, &hints, &res) == 0 && res) {
        struct sockaddr_in6 sin6;
        if (res->ai_family == AF_INET6 && res->ai_addrlen >= sizeof sin6) {
            memcpy(&sin6, res->ai_addr, sizeof sin6);
            *scope = sin6.sin6_scope_id;
            ok = *scope != 0;
        }
    }
    if (res)
        freeaddrinfo(res);
    return ok;
}

/* "%2" or "%eth0" after an IPv6 address. */
static int parse_scope(const char *v6, size_t v6len, const char *s, size_t n, uint32_t *scope)
{
    unsigned long long v = 0;
    size_t i;
    if (n == 0)
        return 0;
    if (!is_digit(s[0]))
        return scope_by_name(v6, v6len, s, n, scope);
    for (i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return 0;
        v = v * 10 + (unsigned)(s[i] - '0');
        if (v > 0xffffffffULL)
            return 0;
    }
    *scope = (uint32_t)v;
    return 1;
}

/* A numeric IP of either family, n bytes of text (no brackets, no port). */
static np_err ip_from_text(const char *s, size_t n, uint16_t port, np_addr *out)
{
    unsigned char ip[16];
    const char *pct = memchr(s, '%', n);
    size_t iplen = pct ? (size_t)(pct - s) : n;
    uint32_t scope = 0;

    if (memchr(s, ':', n) == NULL) {
        if (pct || !parse_v4(s, n, ip))
            return NP_EINVAL;
        put_in4(out, ip, port);
        return NP_OK;
    }
    if (!parse_v6(s, iplen, ip))
        return NP_EINVAL;
    if (pct && !parse_scope(s, iplen, pct + 1, n - iplen - 1, &scope))
        return NP_EINVAL;
    put_in6(out, ip, scope, port);
    return NP_OK;
}

np_err np_addr_text_split(const char *text, const char **host, size_t *hostlen,
                          int *bracketed, uint16_t *port)
{
    const char *colon;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (!close || close == text + 1 || close[1] != ':')
            return NP_EINVAL;
        *host = text + 1;
        *hostlen = (size_t)(close - text - 1);
        *bracketed = 1;
        return np_addr_text_port(close + 2, strlen(close + 2), port);
    }
    colon = strchr(text, ':');
    if (!colon || colon == text || strchr(colon + 1, ':'))
        return NP_EINVAL;                   /* no port, no host, or bare IPv6 */
    *host = text;
    *hostlen = (size_t)(colon - text);
    *bracketed = 0;
    return np_addr_text_port(colon + 1, strlen(colon + 1), port);
}

/* ---- building addresses (public) ---------------------------------------- */

np_err np_addr_unix(const char *path, np_addr *out)
{
    struct sockaddr_un sun;
    size_t n;
    if (!path || !out)
        return fail(NP_EINVAL);
    n = strlen(path);
    /* Keep room for the NUL: every OS then reads the same path back. */
    if (n >= NP_UN_PATH_MAX)
        return fail(NP_ENAMETOOLONG);
    memset(&sun, 0, sizeof sun);
#ifdef SIN6_LEN
    sun.sun_len = (unsigned char)(NP_UN_PATH_OFF + n + 1);
#endif
    sun.sun_family = AF_UNIX;
    memcpy(sun.sun_path, path, n);
    /* An empty path is the unnamed address: just the family. */
    put(out, &sun, n ? NP_UN_PATH_OFF + n + 1 : NP_UN_PATH_OFF);
    return NP_OK;
}

np_err np_addr_parse(const char *text, np_addr *out)
{
    const char *host;
    size_t hostlen;
    int bracketed;
    uint16_t port;

    if (!text || !out)
        return fail(NP_EINVAL);
    if (text[0] == '/')
        return np_addr_unix(text, out);
    if (strncmp(text, "unix:", 5) == 0)
        return np_addr_unix(text + 5, out);
    if (np_addr_text_split(text, &host, &hostlen, &bracketed, &port) != NP_OK)
        return fail(NP_EINVAL);
    /* Brackets hold IPv6 and only IPv6; IPv4 goes without. */
    if (bracketed != (memchr(host, ':', hostlen) != NULL))
        return fail(NP_EINVAL);
    if (ip_from_text(host, hostlen, port, out) != NP_OK)
        return fail(NP_EINVAL);
    return NP_OK;
}

np_err np_addr_from_ip(const char *ip, uint16_t port, np_addr *out)
{
    if (!ip || !out || ip_from_text(ip, strlen(ip), port, out) != NP_OK)
        return fail(NP_EINVAL);
    return NP_OK;
}

static np_err fixed_ip(np_family family, uint16_t port, int loopback, np_addr *out)
{
    unsigned char ip[16] = { 0 };
    if (!out)
        return fail(NP_EINVAL);
    if (family == NP_AF_INET) {
        if (loopback) {
            ip[0] = 127;
            ip[3] = 1;
        }
        put_in4(out, ip, port);
    } else if (family == NP_AF_INET6) {
        if (loopback)
            ip[15] = 1;
        put_in6(out, ip, 0, port);
    } else {
        return fail(NP_EINVAL);
    }
    return NP_OK;
}

np_err np_addr_loopback(np_family family, uint16_t port, np_addr *out)
{
    return fixed_ip(family, port, 1, out);
}

np_err np_addr_any(np_family family, uint16_t port, np_addr *out)
{
    return fixed_ip(family, port, 0, out);
}

/* ---- formatting --------------------------------------------------------- */

/* RFC 5952 canonical text: lower case, no leading zeros, the longest run of
 * two or more zero groups (the first on a tie) as "::", and IPv4-mapped
 * addresses as ::ffff:a.b.c.d. buf needs 46 bytes. */
static void format_v6(const unsigned char ip[16], char *buf)
{
    static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    unsigned w[8];
    int i, best = -1, bestlen = 1, run = 0;
    char *p = buf;

    if (memcmp(ip, mapped, 12) == 0) {
        sprintf(buf, "::ffff:%u.%u.%u.%u", ip[12], ip[13], ip[14], ip[15]);
        return;
    }
    for (i = 0; i < 8; i++) {
        w[i] = (unsigned)ip[2 * i] << 8 | ip[2 * i + 1];
        run = w[i] == 0 ? run + 1 : 0;
        if (run > bestlen) {
            bestlen = run;
            best = i - run + 1;
        }
    }
    for (i = 0; i < 8; i++) {
        if (i == best) {
            p += sprintf(p, "::");
            i += bestlen - 1;
            continue;
        }
        if (i > 0 && i != best + bestlen)
            *p++ = ':';
        p += sprintf(p, "%x", w[i]);
    }
    *p = '\0';
}

/* A Linux abstract unix name as ss(8) shows it: "@name", NULs as '@'. */
static void format_abstract(const char *name, size_t n, char *tmp)
{
    size_t i;
    tmp[0] = '@';
    for (i = 0; i < n; i++)
        tmp[1 + i] = name[i] ? name[i] : '@';
    tmp[1 + n] = '\0';
}

/* The host part into tmp (NP_ADDRSTRLEN bytes). With full set (np_addr_format)
 * relative and unnamed unix paths get "unix:" so that the text parses back;
 * absolute paths need no prefix. */
static np_err host_text(const np_addr *a, char *tmp, int full)
{
    int af = stored_af(a);
    if (af == AF_INET) {
        struct sockaddr_in sin = get_in4(a);
        const unsigned char *b = (const unsigned char *)&sin.sin_addr;
        sprintf(tmp, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    } else if (af == AF_INET6) {
        struct sockaddr_in6 sin6 = get_in6(a);
        format_v6((const unsigned char *)&sin6.sin6_addr, tmp);
        if (sin6.sin6_scope_id != 0)
            sprintf(tmp + strlen(tmp), "%%%lu", (unsigned long)sin6.sin6_scope_id);
    } else if (af == AF_UNIX) {
        size_t n;
        const char *path = unix_path(a, &n);
        if (n > 0 && path[0] == '\0')
            format_abstract(path + 1, n - 1, tmp);
        else
            sprintf(tmp, "%s%.*s", full && (n == 0 || path[0] != '/') ? "unix:" : "",
                    (int)n, path);
    } else {
        return NP_EINVAL;
    }
    return NP_OK;
}

/* Copy text out, or NP_ENOBUFS (and an empty string) if it does not fit. */
static np_err copy_out(const char *text, char *buf, size_t len)
{
    size_t n = strlen(text);
    if (n >= len) {
        buf[0] = '\0';
        return fail(NP_ENOBUFS);
    }
    memcpy(buf, text, n + 1);
    return NP_OK;
}

np_err np_addr_format(const np_addr *addr, char *buf, size_t len)
{
    char host[NP_ADDRSTRLEN];
    char text[NP_ADDRSTRLEN + 16];
    int af;

    if (!buf || len == 0)
        return fail(NP_EINVAL);
    buf[0] = '\0';
    if (host_text(addr, host, 1) != NP_OK)
        return fail(NP_EINVAL);
    af = stored_af(addr);
    if (af == AF_INET)
        snprintf(text, sizeof text, "%s:%u", host, (unsigned)np_addr_port(addr));
    else if (af == AF_INET6)
        snprintf(text, sizeof text, "[%s]:%u", host, (unsigned)np_addr_port(addr));
    else
        snprintf(text, sizeof text, "%s", host);
    return copy_out(text, buf, len);
}

np_err np_addr_host(const np_addr *addr, char *buf, size_t len)
{
    char host[NP_ADDRSTRLEN];
    if (!buf || len == 0)
        return fail(NP_EINVAL);
    buf[0] = '\0';
    if (host_text(addr, host, 0) != NP_OK)
        return fail(NP_EINVAL);
    return copy_out(host, buf, len);
}

/* ---- accessors and comparisons ------------------------------------------ */

np_family np_addr_family(const np_addr *addr)
{
    int af = stored_af(addr);
    return af < 0 ? NP_AF_UNSPEC : np_family_from_native(af);
}

uint16_t np_addr_port(const np_addr *addr)
{
    switch (stored_af(addr)) {
    case AF_INET: return ntohs(get_in4(addr).sin_port);
    case AF_INET6: return ntohs(get_in6(addr).sin6_port);
    default: return 0;
    }
}

np_err np_addr_set_port(np_addr *addr, uint16_t port)
{
    uint16_t net = htons(port);
    switch (stored_af(addr)) {
    case AF_INET:
        memcpy(addr->sa.bytes + offsetof(struct sockaddr_in, sin_port), &net, sizeof net);
        return NP_OK;
    case AF_INET6:
        memcpy(addr->sa.bytes + offsetof(struct sockaddr_in6, sin6_port), &net, sizeof net);
        return NP_OK;
    default:
        return fail(NP_EINVAL);
    }
}

int np_addr_equal(const np_addr *a, const np_addr *b)
{
    int af = stored_af(a);
    if (af < 0 || af != stored_af(b))
        return 0;
    if (af == AF_INET) {
        struct sockaddr_in x = get_in4(a), y = get_in4(b);
        return x.sin_port == y.sin_port && memcmp(&x.sin_addr, &y.sin_addr, 4) == 0;
    }
    if (af == AF_INET6) {
        struct sockaddr_in6 x = get_in6(a), y = get_in6(b);
        return x.sin6_port == y.sin6_port && x.sin6_scope_id == y.sin6_scope_id &&
               memcmp(&x.sin6_addr, &y.sin6_addr, 16) == 0;
    }
    {
        size_t na, nb;
        const char *pa = unix_path(a, &na), *pb = unix_path(b, &nb);
        return na == nb && memcmp(pa, pb, na) == 0;
    }
}

int np_addr_is_loopback(const np_addr *addr)
{
    static const unsigned char v6_loop[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    static const unsigned char v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    int af = stored_af(addr);
    if (af == AF_INET) {
        struct sockaddr_in sin = get_in4(addr);
        return ((const unsigned char *)&sin.sin_addr)[0] == 127;
    }
    if (af == AF_INET6) {
        struct sockaddr_in6 sin6 = get_in6(addr);
        const unsigned char *b = (const unsigned char *)&sin6.sin6_addr;
        return memcmp(b, v6_loop, 16) == 0 || (memcmp(b, v4_mapped, 12) == 0 && b[12] == 127);
    }
    return 0;
}
