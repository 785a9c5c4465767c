/* Helpers shared by the libnp tests in tests/platform (header-only: every
 * test_<name>.c is its own executable). Only the np/ headers and np_test.h: no OS headers. */
#ifndef NP_PTEST_UTIL_H
#define NP_PTEST_UTIL_H

#include <stdint.h>
#include <string.h>
#include "np_test.h"

/* 1 on Windows builds (native or under Wine). */
static inline int pt_is_windows(void)
{
    return np_test_exe_suffix()[0] != '\0';
}

/* A connected TCP pair over the loopback of family: *client connected to
 * *server (the accepted end). Both blocking. Returns NP_OK or the first error;
 * nothing is left open on failure. */
static inline np_err pt_tcp_pair(np_family family, np_socket_t *client, np_socket_t *server)
{
    np_socket_t l = NP_INVALID_SOCKET, c = NP_INVALID_SOCKET, a = NP_INVALID_SOCKET;
    np_addr addr;
    np_err err;
    *client = *server = NP_INVALID_SOCKET;
    if ((err = np_test_listener(family, &l, &addr)) != NP_OK)
        return err;
    if ((err = np_socket_open(family, NP_SOCK_STREAM, &c)) != NP_OK)
        goto fail;
    if ((err = np_connect(c, &addr)) != NP_OK)
        goto fail;
    if ((err = np_accept(l, &a, NULL)) != NP_OK)
        goto fail;
    np_socket_close(l);
    *client = c;
    *server = a;
    return NP_OK;
fail:
    np_socket_close(c);
    np_socket_close(l);
    return err;
}

/* Close both ends (either may be NP_INVALID_SOCKET). */
static inline void pt_close2(np_socket_t a, np_socket_t b)
{
    np_socket_close(a);
    np_socket_close(b);
}

/* The test pattern: byte i of a stream. Not periodic in any small chunk size. */
static inline unsigned char pt_pattern(uint64_t i)
{
    uint32_t x = (uint32_t)i * 2654435761u;
    return (unsigned char)((x >> 24) ^ (uint32_t)(i >> 20));
}

static inline void pt_fill(unsigned char *buf, size_t len, uint64_t offset)
{
    size_t i;
    for (i = 0; i < len; i++)
        buf[i] = pt_pattern(offset + i);
}

/* Index of the first byte of buf that does not match the pattern at offset,
 * or len when all match. */
static inline size_t pt_verify(const unsigned char *buf, size_t len, uint64_t offset)
{
    size_t i;
    for (i = 0; i < len; i++)
        if (buf[i] != pt_pattern(offset + i))
            return i;
    return len;
}

/* 1 if err is one of the listed codes (list ends with NP_OK, which never matches
 * unless err is NP_OK and NP_OK is the first entry). */
static inline int pt_err_in(np_err err, const np_err *list, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (list[i] == err)
            return 1;
    return 0;
}
#define PT_ERR_IN(err, ...) \
    pt_err_in((err), (const np_err[]){__VA_ARGS__}, \
              sizeof((const np_err[]){__VA_ARGS__}) / sizeof(np_err))

/* Check that expr gives one of the listed codes. */
#define CHECK_ERR_IN(expr, ...) do { np_err pt_got_ = (expr); \
    if (!PT_ERR_IN(pt_got_, __VA_ARGS__)) { np_test_fail(__FILE__, __LINE__, \
        "%s gave %s (%s), expected one of %s", #expr, np_err_name(pt_got_), \
        np_strerror(pt_got_), #__VA_ARGS__); return; } } while (0)

/* Format an address into a static-ish caller buffer, "?" on failure. */
static inline const char *pt_fmt(const np_addr *a, char *buf, size_t len)
{
    if (np_addr_format(a, buf, len) != NP_OK)
        snprintf(buf, len, "?");
    return buf;
}

/* Check two addresses are equal, printing both when not. */
#define CHECK_ADDR_EQ(a, b) do { if (!np_addr_equal((a), (b))) { \
    char pt_ba_[NP_ADDRSTRLEN], pt_bb_[NP_ADDRSTRLEN]; \
    np_test_fail(__FILE__, __LINE__, "%s (%s) != %s (%s)", #a, pt_fmt((a), pt_ba_, sizeof pt_ba_), \
                 #b, pt_fmt((b), pt_bb_, sizeof pt_bb_)); return; } } while (0)

#endif /* NP_PTEST_UTIL_H */
