/* libnp: name resolution over getaddrinfo / getnameinfo.
 *
 * Resolver errors go through np_err_from_gai(), which knows that POSIX
 * reports EAI_* codes (with errno behind EAI_SYSTEM) while Windows reports
 * WSA codes. Each OS call writes one trace line naming the libnp call, the
 * OS call with its hints or flags, and what came back. */
#include "np_internal.h"
#include "addr_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* DNS names are at most 253 characters; a scoped IPv6 literal is shorter. */
#define NP_HOST_MAX 256
/* Addresses listed on one trace line before "...". */
#define NP_TRACE_ADDRS 4

/* ---- flag translation ---------------------------------------------------- */

/* NP_RESOLVE_* -> AI_*; -1 for bits libnp does not define. */
static int resolve_flags_to_ai(int flags)
{
    int ai = 0;
    if (flags & ~(NP_RESOLVE_PASSIVE | NP_RESOLVE_NUMERICHOST | NP_RESOLVE_ADDRCONFIG))
        return -1;
    if (flags & NP_RESOLVE_PASSIVE) ai |= AI_PASSIVE;
    if (flags & NP_RESOLVE_NUMERICHOST) ai |= AI_NUMERICHOST;
    if (flags & NP_RESOLVE_ADDRCONFIG) ai |= AI_ADDRCONFIG;
    return ai;
}

/* NP_NAMEINFO_* -> NI_*; -1 for unknown bits. */
static int nameinfo_flags_to_ni(int flags)
{
    int ni = 0;
    if (flags & ~(NP_NAMEINFO_NUMERICHOST | NP_NAMEINFO_NUMERICSERV | NP_NAMEINFO_NAMEREQD))
        return -1;
    if (flags & NP_NAMEINFO_NUMERICHOST) ni |= NI_NUMERICHOST;
    if (flags & NP_NAMEINFO_NUMERICSERV) ni |= NI_NUMERICSERV;
    if (flags & NP_NAMEINFO_NAMEREQD) ni |= NI_NAMEREQD;
    return ni;
}

/* ---- trace text ---------------------------------------------------------- */

/* "\"text\"" or "NULL", for quoting call arguments. */
static const char *quoted(const char *s, char *buf, size_t len)
{
    if (!s)
        snprintf(buf, len, "NULL");
    else
        snprintf(buf, len, "\"%.200s\"", s);
    return buf;
}

static const char *ai_flags_text(int ai, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s%s%s", ai & AI_PASSIVE ? "|AI_PASSIVE" : "",
             ai & AI_NUMERICHOST ? "|AI_NUMERICHOST" : "",
             ai & AI_NUMERICSERV ? "|AI_NUMERICSERV" : "",
             ai & AI_ADDRCONFIG ? "|AI_ADDRCONFIG" : "");
    if (buf[0] == '\0')
        snprintf(buf, len, "|0");
    return buf + 1;                         /* skip the leading '|' */
}

static const char *ni_flags_text(int ni, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s%s", ni & NI_NUMERICHOST ? "|NI_NUMERICHOST" : "",
             ni & NI_NUMERICSERV ? "|NI_NUMERICSERV" : "",
             ni & NI_NAMEREQD ? "|NI_NAMEREQD" : "");
    if (buf[0] == '\0')
        snprintf(buf, len, "|0");
    return buf + 1;
}

/* The native code worth showing on a trace line. On Windows the resolver's
 * result is a WSA code, the native error itself. On POSIX an EAI_* value is
 * not an errno (it already shows as the result); only EAI_SYSTEM has an
 * errno behind it. */
static long trace_native(int gai, long sys_errno)
{
#if defined(_WIN32)
    (void)sys_errno;
    return gai;
#elif defined(EAI_SYSTEM)
    return gai == EAI_SYSTEM ? sys_errno : 0;
#else
    (void)sys_errno;
    return 0;
#endif
}

/* "(2 addresses: [::1]:80 127.0.0.1:80)" for the trace line. */
static void list_text(const np_addrinfo *list, char *buf, size_t len)
{
    const np_addrinfo *ai;
    int count = 0;
    size_t used;
    for (ai = list; ai; ai = ai->next)
        count++;
    used = (size_t)snprintf(buf, len, "(%d address%s:", count, count == 1 ? "" : "es");
    for (ai = list, count = 0; ai && used < len; ai = ai->next, count++) {
        char text[NP_ADDRSTRLEN];
        if (count == NP_TRACE_ADDRS) {
            used += (size_t)snprintf(buf + used, len - used, " ...");
            break;
        }
        if (np_addr_format(&ai->addr, text, sizeof text) != NP_OK)
            snprintf(text, sizeof text, "?");
        used += (size_t)snprintf(buf + used, len - used, " %s", text);
    }
    if (used < len)
        snprintf(buf + used, len - used, ")");
}

/* ---- getaddrinfo --------------------------------------------------------- */

void np_addrinfo_free(np_addrinfo *list)
{
    while (list) {
        np_addrinfo *next = list->next;
        free(list);
        list = next;
    }
}

/* Copy the OS list into np_addrinfo nodes, keeping the OS's order (it is
 * the RFC 6724 preference order). Families libnp does not know are skipped. */
static np_err copy_list(const struct addrinfo *res, np_socktype type, np_addrinfo **out)
{
    np_addrinfo *head = NULL, **tail = &head;
    for (; res; res = res->ai_next) {
        np_addrinfo *node;
        np_family fam = np_family_from_native(res->ai_family);
        if (fam == NP_AF_UNSPEC || !res->ai_addr || res->ai_addrlen == 0 ||
            (size_t)res->ai_addrlen > sizeof node->addr.sa.bytes)
            continue;
        node = calloc(1, sizeof *node);
        if (!node) {
            np_addrinfo_free(head);
            return NP_ENOMEM;
        }
        memcpy(node->addr.sa.bytes, res->ai_addr, (size_t)res->ai_addrlen);
        node->addr.len = (uint32_t)res->ai_addrlen;
        node->family = fam;
        node->type = res->ai_socktype == SOCK_DGRAM ? NP_SOCK_DGRAM
                   : res->ai_socktype == SOCK_STREAM ? NP_SOCK_STREAM : type;
        *tail = node;
        tail = &node->next;
    }
    *out = head;
    return head ? NP_OK : NP_EAI_NODATA;
}

/* One getaddrinfo call with native hints; `call` is the libnp call as the
 * trace line shows it. */
static np_err resolve_native(const char *call, const char *host, const char *serv,
                             np_family family, np_socktype type, int ai_flags,
                             np_addrinfo **out)
{
    struct addrinfo hints, *res = NULL;
    int gai;
    long sys_errno;
    np_err err;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = np_family_to_native(family);
    hints.ai_socktype = np_socktype_to_native(type);
    hints.ai_flags = ai_flags;
    errno = 0;
    gai = getaddrinfo(host, serv, &hints, &res);
    sys_errno = errno;
    if (gai != 0) {
        err = np_err_from_gai(gai, sys_errno);
    } else {
        err = copy_list(res, type, out);
        if (err != NP_OK)
            np_err_record(err, 0);
    }
    if (res)
        freeaddrinfo(res);
    if (NP_TRACING()) {
        char qh[208], qs[208], fl[80], got[NP_TRACE_ADDRS * (NP_ADDRSTRLEN + 1) + 40];
        got[0] = '\0';
        if (err == NP_OK)
            list_text(*out, got, sizeof got);
        /* A resolver code is not an errno: show it as the result, and pass
         * errno as the native cause only where it is one (EAI_SYSTEM). */
        np_trace_line(gai, trace_native(gai, sys_errno), err,
                      "%s -> getaddrinfo(%s, %s, {%s, %s, %s})%s%s", call,
                      quoted(host, qh, sizeof qh), quoted(serv, qs, sizeof qs),
                      np_family_name(hints.ai_family),
                      type == NP_SOCK_DGRAM ? "SOCK_DGRAM" : "SOCK_STREAM",
                      ai_flags_text(ai_flags, fl, sizeof fl), got[0] ? " " : "", got);
    }
    return err;
}

/* An np_family value getaddrinfo can be asked about (AF_UNIX included: the
 * resolver itself answers NP_EAI_FAMILY for it). */
static int family_ok(np_family family)
{
    return np_family_to_native(family) >= 0;
}

np_err np_resolve(const char *host, const char *service, np_family family,
                  np_socktype type, int flags, np_addrinfo **out)
{
    char call[512], qh[208], qs[208];
    int ai_flags = resolve_flags_to_ai(flags);

    if (out)
        *out = NULL;
    if (!out || (!host && !service) || ai_flags < 0 || !family_ok(family) ||
        np_socktype_to_native(type) < 0)
        return np_err_record(NP_EINVAL, 0);
    snprintf(call, sizeof call, "np_resolve(%s, %s, %s)", quoted(host, qh, sizeof qh),
             quoted(service, qs, sizeof qs), np_family_name(np_family_to_native(family)));
    return resolve_native(call, host, service, family, type, ai_flags, out);
}

np_err np_resolve_one(const char *hostport, np_family family, np_addr *out)
{
    const char *h;
    size_t hlen;
    int bracketed;
    uint16_t port;
    char host[NP_HOST_MAX], serv[8], call[512], qh[208];
    np_addrinfo *list = NULL;
    np_err err;

    if (!hostport || !out || !family_ok(family) ||
        np_addr_text_split(hostport, &h, &hlen, &bracketed, &port) != NP_OK ||
        hlen >= sizeof host)
        return np_err_record(NP_EINVAL, 0);
    /* Brackets are for IPv6 literals; "[name]:80" is a typo, not a name. */
    if (bracketed && !memchr(h, ':', hlen))
        return np_err_record(NP_EINVAL, 0);
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    snprintf(serv, sizeof serv, "%u", (unsigned)port);
    snprintf(call, sizeof call, "np_resolve_one(%s, %s)", quoted(hostport, qh, sizeof qh),
             np_family_name(np_family_to_native(family)));
    /* The port is already numeric: AI_NUMERICSERV skips the services database. */
    err = resolve_native(call, host, serv, family, NP_SOCK_STREAM, AI_NUMERICSERV, &list);
    if (err == NP_OK)
        *out = list->addr;
    np_addrinfo_free(list);
    return err;
}

/* ---- getnameinfo --------------------------------------------------------- */

/* getnameinfo's buffer lengths are socklen_t on POSIX and DWORD on Windows:
 * both hold any sane buffer, so clamp rather than wrap. */
static np_socklen_t buf_len(const char *buf, size_t len)
{
    if (!buf)
        return 0;
    return (np_socklen_t)(len > 0x7fffffff ? 0x7fffffff : len);
}

np_err np_nameinfo(const np_addr *addr, char *host, size_t hostlen,
                   char *serv, size_t servlen, int flags)
{
    int ni = nameinfo_flags_to_ni(flags);
    np_family fam = np_addr_family(addr);
    char sa_text[NP_TRACE_ADDRLEN];
    long sys_errno;
    np_err err;
    int gai;

    if (host && hostlen > 0)
        host[0] = '\0';
    if (serv && servlen > 0)
        serv[0] = '\0';
    if (fam == NP_AF_UNSPEC || ni < 0 || (!host && !serv) ||
        (host && hostlen == 0) || (serv && servlen == 0))
        return np_err_record(NP_EINVAL, 0);
    /* Unix paths have no host or service names; say so the same way everywhere
     * instead of exposing each libc's own idea (glibc invents one). */
    if (fam == NP_AF_UNIX)
        return np_err_record(NP_EAI_FAMILY, 0);

    errno = 0;
    gai = getnameinfo((const struct sockaddr *)(const void *)addr->sa.bytes,
                      (np_socklen_t)addr->len, host, buf_len(host, hostlen), serv,
                      buf_len(serv, servlen), ni);
    sys_errno = errno;
    err = gai == 0 ? NP_OK : np_err_from_gai(gai, sys_errno);
    if (NP_TRACING()) {
        char text[NP_ADDRSTRLEN], qh[208], qs[208], fl[80];
        if (np_addr_format(addr, text, sizeof text) != NP_OK)
            snprintf(text, sizeof text, "?");
        np_trace_line(gai, trace_native(gai, sys_errno), err,
                      "np_nameinfo(%s, %d) -> getnameinfo(%s, %u, host, %lu, serv, %lu, %s)%s%s%s%s%s",
                      text, flags, np_trace_sockaddr(addr->sa.bytes, addr->len, sa_text),
                      (unsigned)addr->len, (unsigned long)buf_len(host, hostlen),
                      (unsigned long)buf_len(serv, servlen), ni_flags_text(ni, fl, sizeof fl),
                      err == NP_OK ? " -> (" : "", err == NP_OK ? quoted(host, qh, sizeof qh) : "",
                      err == NP_OK ? ", " : "", err == NP_OK ? quoted(serv, qs, sizeof qs) : "",
                      err == NP_OK ? ")" : "");
    }
    return err;
}
