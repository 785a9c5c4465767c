/* libFuzzer target for libnp's address parser: any text np_addr_parse()
 * accepts formats (np_addr_format), and the formatted text parses back to an
 * equal address that formats to the same text (a fixed point). Formatting
 * into every too-small buffer gives NP_ENOBUFS and "", never an overrun. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <np/np.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text, buf[NP_ADDRSTRLEN], buf2[NP_ADDRSTRLEN], host[NP_ADDRSTRLEN];
    np_addr a, b;
    size_t len;

    if (size > 4096)
        return 0;
    /* A heap copy of exactly the text: ASan sees any read past the NUL. */
    if (!(text = malloc(size + 1)))
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (np_addr_parse(text, &a) != NP_OK) {
        free(text);
        return 0;
    }
    free(text);
    if (np_addr_format(&a, buf, sizeof buf) != NP_OK)
        abort();
    if (np_addr_parse(buf, &b) != NP_OK || !np_addr_equal(&a, &b))
        abort();
    if (np_addr_format(&b, buf2, sizeof buf2) != NP_OK || strcmp(buf, buf2) != 0)
        abort();
    if (np_addr_family(&a) != np_addr_family(&b) || np_addr_port(&a) != np_addr_port(&b))
        abort();
    (void)np_addr_host(&a, host, sizeof host);
    (void)np_addr_is_loopback(&a);
    len = strlen(buf);
    for (size_t n = 1; n <= len; n++) {
        /* A heap buffer of exactly n bytes: too small by at least the NUL. */
        char *small = malloc(n);
        if (!small)
            return 0;
        if (np_addr_format(&a, small, n) != NP_ENOBUFS || small[0] != '\0')
            abort();
        free(small);
    }
    return 0;
}
