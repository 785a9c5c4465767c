/* libnp: socket addresses and name resolution.
 *
 * np_addr holds any address libnp can use (IPv4, IPv6, unix path) in storage as
 * large and as aligned as the OS's sockaddr_storage, without exposing an OS
 * header. Text forms, both parsed and formatted:
 *     1.2.3.4:80     [::1]:80     [fe80::1%2]:80     /run/app.sock     unix:rel.sock
 * np_addr_parse() accepts numeric addresses only and never touches the network;
 * np_resolve() / np_resolve_one() do name resolution (getaddrinfo). */
#ifndef NP_ADDR_H
#define NP_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"
#include "error.h"

NP_BEGIN_DECLS

typedef enum np_family {
    NP_AF_UNSPEC = 0,
    NP_AF_INET = 1,
    NP_AF_INET6 = 2,
    NP_AF_UNIX = 3
} np_family;

typedef enum np_socktype {
    NP_SOCK_STREAM = 1,
    NP_SOCK_DGRAM = 2
} np_socktype;

/* Large enough for any address np_addr_format() writes, with the NUL. */
#define NP_ADDRSTRLEN 128

typedef struct np_addr {
    union {
        unsigned char bytes[128];      /* a struct sockaddr_* lives here */
        long long align_ll;
        void *align_p;
    } sa;
    uint32_t len;                      /* bytes of sa in use; 0 = empty */
} np_addr;

/* Parse a numeric address: "1.2.3.4:80", "[::1]:80", "::1" is rejected (use the
 * brackets so the port is unambiguous), "/abs/path" or "unix:path" for AF_UNIX.
 * The port is required for IP forms. NP_EINVAL on anything malformed. */
NP_API np_err np_addr_parse(const char *text, np_addr *out);

/* A numeric IP ("127.0.0.1", "::1", "fe80::1%2") and a port. */
NP_API np_err np_addr_from_ip(const char *ip, uint16_t port, np_addr *out);

/* A unix-domain socket path. NP_ENAMETOOLONG if it does not fit sun_path. */
NP_API np_err np_addr_unix(const char *path, np_addr *out);

/* The loopback address (127.0.0.1 or ::1) or the wildcard address (0.0.0.0 or
 * ::) of an IP family with a port. */
NP_API np_err np_addr_loopback(np_family family, uint16_t port, np_addr *out);
NP_API np_err np_addr_any(np_family family, uint16_t port, np_addr *out);

/* "1.2.3.4:80", "[::1]:80", "[fe80::1%2]:80", "/path" (unix), "unix:rel" (a
 * relative unix path), "unix:" (unnamed unix): text that np_addr_parse() reads
 * back. IPv6 is written in RFC 5952 form. If the text does not fit in len bytes
 * (NP_ADDRSTRLEN always does), NP_ENOBUFS and buf holds "" (when len > 0);
 * NP_EINVAL for an empty or unknown address, or no buffer. */
NP_API np_err np_addr_format(const np_addr *addr, char *buf, size_t len);

/* Only the host part: "1.2.3.4", "::1", "fe80::1%2", or the unix path.
 * Errors as for np_addr_format(). */
NP_API np_err np_addr_host(const np_addr *addr, char *buf, size_t len);

NP_API np_family np_addr_family(const np_addr *addr);
NP_API uint16_t np_addr_port(const np_addr *addr);           /* 0 for unix */
NP_API np_err np_addr_set_port(np_addr *addr, uint16_t port); /* NP_EINVAL for unix */
NP_API int np_addr_equal(const np_addr *a, const np_addr *b); /* same family, host, port */
NP_API int np_addr_is_loopback(const np_addr *addr);

/* ---- name resolution ---------------------------------------------------- */

enum {
    NP_RESOLVE_PASSIVE = 1,       /* for bind(): a NULL host means the wildcard */
    NP_RESOLVE_NUMERICHOST = 2,   /* do not look names up */
    NP_RESOLVE_ADDRCONFIG = 4     /* only families configured on this host */
};

typedef struct np_addrinfo {
    np_addr addr;
    np_family family;
    np_socktype type;
    struct np_addrinfo *next;
} np_addrinfo;

/* getaddrinfo(): every address for host/service (either may be NULL, not both;
 * service may be a port number in text). family NP_AF_UNSPEC gives both IPv4
 * and IPv6. Resolver failures map to NP_EAI_*. Free with np_addrinfo_free(). */
NP_API np_err np_resolve(const char *host, const char *service, np_family family,
                         np_socktype type, int flags, np_addrinfo **out);
NP_API void np_addrinfo_free(np_addrinfo *list);

/* The first address for "host:port" or "[v6]:port" (host may be a name). */
NP_API np_err np_resolve_one(const char *hostport, np_family family, np_addr *out);

enum {
    NP_NAMEINFO_NUMERICHOST = 1,
    NP_NAMEINFO_NUMERICSERV = 2,
    NP_NAMEINFO_NAMEREQD = 4      /* fail (NP_EAI_NONAME) rather than give a number */
};

/* getnameinfo(): host and service names of an address. Either buffer may be NULL. */
NP_API np_err np_nameinfo(const np_addr *addr, char *host, size_t hostlen,
                          char *serv, size_t servlen, int flags);

NP_END_DECLS

#endif /* NP_ADDR_H */
