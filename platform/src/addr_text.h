/* libnp internal: the "host:port" text rules shared by addr.c (numeric
 * parsing) and resolve.c (np_resolve_one, where the host may be a name), so
 * both accept and reject exactly the same shapes. */
#ifndef NP_ADDR_TEXT_H
#define NP_ADDR_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include "np/error.h"

/* A port: one or more decimal digits, value 0..65535, nothing else. */
np_err np_addr_text_port(const char *s, size_t n, uint16_t *port);

/* Split "host:port" or "[host]:port" (port required). On success *host and
 * *hostlen give the host without brackets (never empty) and *bracketed says
 * whether it was in brackets. An unbracketed host containing ':' (a bare
 * IPv6 address, whose port would be ambiguous) is NP_EINVAL. */
np_err np_addr_text_split(const char *text, const char **host, size_t *hostlen,
                          int *bracketed, uint16_t *port);

#endif /* NP_ADDR_TEXT_H */
