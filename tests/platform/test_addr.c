/* np_addr: parsing, formatting, ports, equality, loopback, unix paths and
 * IPv6 scope ids. Pure address arithmetic: no socket is opened, so every
 * case runs the same natively and under Wine. */
#include "np_test.h"

/* ---- parse -> format round trips --------------------------------------- */

struct round_trip {
    const char *text;      /* what np_addr_parse gets */
    const char *formatted; /* what np_addr_format gives back (canonical) */
    np_family family;
    unsigned port;
};

static const struct round_trip good[] = {
    { "1.2.3.4:80", "1.2.3.4:80", NP_AF_INET, 80 },
    { "0.0.0.0:0", "0.0.0.0:0", NP_AF_INET, 0 },
    { "255.255.255.255:65535", "255.255.255.255:65535", NP_AF_INET, 65535 },
    { "127.0.0.1:6667", "127.0.0.1:6667", NP_AF_INET, 6667 },
    { "10.0.0.1:00080", "10.0.0.1:80", NP_AF_INET, 80 },   /* port digits only */
    { "[::1]:80", "[::1]:80", NP_AF_INET6, 80 },
    { "[::]:0", "[::]:0", NP_AF_INET6, 0 },
    { "[2001:DB8::1]:443", "[2001:db8::1]:443", NP_AF_INET6, 443 },
    { "[2001:0db8:0000:0000:0000:0000:0000:0001]:1", "[2001:db8::1]:1", NP_AF_INET6, 1 },
    /* RFC 5952: the longest zero run is "::", the first one on a tie, and a
     * single zero group stays "0". */
    { "[2001:db8:0:0:1:0:0:1]:1", "[2001:db8::1:0:0:1]:1", NP_AF_INET6, 1 },
    { "[2001:db8:0:1:0:0:0:1]:1", "[2001:db8:0:1::1]:1", NP_AF_INET6, 1 },
    { "[1:0:2:3:4:5:6:7]:1", "[1:0:2:3:4:5:6:7]:1", NP_AF_INET6, 1 },
    { "[1:2:3:4:5:6:7:8]:9", "[1:2:3:4:5:6:7:8]:9", NP_AF_INET6, 9 },
    { "[1::]:9", "[1::]:9", NP_AF_INET6, 9 },
    { "[1::2:3:4:5:6:7]:9", "[1:0:2:3:4:5:6:7]:9", NP_AF_INET6, 9 },
    { "[::ffff:1.2.3.4]:80", "[::ffff:1.2.3.4]:80", NP_AF_INET6, 80 },
    { "[::ffff:102:304]:80", "[::ffff:1.2.3.4]:80", NP_AF_INET6, 80 },
    { "[64:ff9b::1.2.3.4]:80", "[64:ff9b::102:304]:80", NP_AF_INET6, 80 },
    { "[fe80::1%2]:80", "[fe80::1%2]:80", NP_AF_INET6, 80 },
    { "[fe80::1%4294967295]:80", "[fe80::1%4294967295]:80", NP_AF_INET6, 80 },
    { "/tmp/natter.sock", "/tmp/natter.sock", NP_AF_UNIX, 0 },
    { "unix:/tmp/x", "/tmp/x", NP_AF_UNIX, 0 },
    { "unix:rel.sock", "unix:rel.sock", NP_AF_UNIX, 0 },
    { "unix:", "unix:", NP_AF_UNIX, 0 },
};

static void test_round_trips(void)
{
    size_t i;
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        np_addr a, b;
        char text[NP_ADDRSTRLEN];
        CHECK_MSG(np_addr_parse(good[i].text, &a) == NP_OK, "parse \"%s\"", good[i].text);
        CHECK_OK(np_addr_format(&a, text, sizeof text));
        CHECK_STR(text, good[i].formatted);
        CHECK_INT(np_addr_family(&a), good[i].family);
        CHECK_INT(np_addr_port(&a), good[i].port);
        /* The canonical text parses back to the same address. */
        CHECK_OK(np_addr_parse(text, &b));
        CHECK_MSG(np_addr_equal(&a, &b), "\"%s\" did not round-trip", good[i].text);
    }
}

/* ---- rejections --------------------------------------------------------- */

static const char *const bad[] = {
    "", " ", "1.2.3.4", "1.2.3.4:", ":80", ":", "localhost:80", "example.org:80",
    /* ports */
    "1.2.3.4:65536", "1.2.3.4:99999", "1.2.3.4:-1", "1.2.3.4:+80", "1.2.3.4:80x",
    "1.2.3.4:0x50", "1.2.3.4:80 ", "1.2.3.4: 80", "1.2.3.4::80", "1.2.3.4:8 0",
    /* IPv4 */
    " 1.2.3.4:80", "1.2.3.4 :80", "01.2.3.4:80", "1.2.3.004:80", "00.0.0.0:1",
    "256.1.1.1:80", "1.2.3:80", "1.2.3.4.5:80", "1..3.4:80", "1.2.3.4.:80",
    "0x7f.0.0.1:80", "1.2.3.4%2:80", "-1.2.3.4:80",
    /* IPv6 */
    "::1:80", "::1", "fe80::1:80", "[::1]", "[::1]:", "[::1]80", "[]:80", "[::1:80",
    "::1]:80", "[1.2.3.4]:80", "[::1]:80x", "[::1]:80:80", "[1::2::3]:80",
    "[1:2:3:4:5:6:7:8:9]:80", "[1:2:3:4:5:6:7]:80", "[1:2:3:4:5:6:7:8::]:80",
    "[12345::1]:80", "[::g]:80", "[:1::2]:80", "[1::2:]:80", "[:::1]:80",
    "[::1.2.3.04]:80", "[::1.2.3]:80", "[1.2.3.4::]:80", "[ ::1]:80",
    "[::1]:65536",
    /* scope ids */
    "[fe80::1%]:80", "[fe80::1%4294967296]:80", "[fe80::1%99999999999]:80",
    "[fe80::1%nosuchif0]:80", "[fe80::1%2x]:80",
};

static void test_rejections(void)
{
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        np_addr a;
        np_err err = np_addr_parse(bad[i], &a);
        CHECK_MSG(err == NP_EINVAL, "\"%s\" gave %s, expected NP_EINVAL", bad[i],
                  np_err_name(err));
        CHECK_INT(np_last_error(), NP_EINVAL);
    }
    CHECK_ERR(np_addr_parse(NULL, NULL), NP_EINVAL);
}

/* ---- np_addr_from_ip, loopback, any ------------------------------------- */

static void test_from_ip(void)
{
    static const char *const rejected[] = { "", "[::1]", "1.2.3.4:80", "localhost", "::1%",
                                            "1.2.3.4%1", "01.1.1.1", "::1 " };
    np_addr a;
    char text[NP_ADDRSTRLEN];
    size_t i;

    CHECK_OK(np_addr_from_ip("127.0.0.1", 6667, &a));
    CHECK_OK(np_addr_format(&a, text, sizeof text));
    CHECK_STR(text, "127.0.0.1:6667");
    CHECK_INT(a.len, 16);                     /* sizeof(struct sockaddr_in) */
    CHECK_OK(np_addr_from_ip("::1", 443, &a));
    CHECK_OK(np_addr_format(&a, text, sizeof text));
    CHECK_STR(text, "[::1]:443");
    CHECK_INT(a.len, 28);                     /* sizeof(struct sockaddr_in6) */
    CHECK_OK(np_addr_from_ip("fe80::1%7", 1, &a));
    CHECK_OK(np_addr_format(&a, text, sizeof text));
    CHECK_STR(text, "[fe80::1%7]:1");
    for (i = 0; i < sizeof rejected / sizeof rejected[0]; i++)
        CHECK_MSG(np_addr_from_ip(rejected[i], 1, &a) == NP_EINVAL, "\"%s\" accepted",
                  rejected[i]);
    CHECK_ERR(np_addr_from_ip(NULL, 1, &a), NP_EINVAL);
}

static void test_loopback_and_any(void)
{
    np_addr a;
    char text[NP_ADDRSTRLEN];

    CHECK_OK(np_addr_loopback(NP_AF_INET, 5, &a));
    CHECK_OK(np_addr_format(&a, text, sizeof text));
    CHECK_STR(text, "127.0.0.1:5");
    CHECK(np_addr_is_loopback(&a));
    CHECK_OK(np_addr_loopback(NP_AF_INET6, 6, &a));
    CHECK_OK(np_addr_format(&a, text, sizeof text));
    CHECK_STR(text, "[::1]:6");
    CHECK(np_addr_is_loopback(&a));
    CHECK_OK(np_addr_any(NP_AF_INET, 0, &a));
    CHECK_OK(np_addr_format(&a, text, sizeof text));
    CHECK_STR(text, "0.0.0.0:0");
    CHECK(!np_addr_is_loopback(&a));
    CHECK_OK(np_addr_any(NP_AF_INET6, 7, &a));
    CHECK_OK(np_addr_format(&a, text, sizeof text));
    CHECK_STR(text, "[::]:7");
    CHECK_ERR(np_addr_loopback(NP_AF_UNIX, 1, &a), NP_EINVAL);
    CHECK_ERR(np_addr_loopback(NP_AF_UNSPEC, 1, &a), NP_EINVAL);
    CHECK_ERR(np_addr_any(NP_AF_UNIX, 1, &a), NP_EINVAL);
    CHECK_ERR(np_addr_any(NP_AF_INET, 1, NULL), NP_EINVAL);
}

/* ---- formatting --------------------------------------------------------- */

static void test_format_buffers(void)
{
    np_addr a, empty;
    char text[NP_ADDRSTRLEN];

    CHECK_OK(np_addr_parse("1.2.3.4:80", &a));
    /* "1.2.3.4:80" is 10 characters: 11 bytes fit, 10 do not (NP_ENOBUFS,
     * and the buffer holds an empty string rather than a cut address). */
    CHECK_OK(np_addr_format(&a, text, 11));
    CHECK_STR(text, "1.2.3.4:80");
    CHECK_ERR(np_addr_format(&a, text, 10), NP_ENOBUFS);
    CHECK_STR(text, "");
    CHECK_ERR(np_addr_format(&a, text, 0), NP_EINVAL);
    CHECK_ERR(np_addr_format(&a, NULL, 10), NP_EINVAL);
    CHECK_OK(np_addr_host(&a, text, 8));
    CHECK_STR(text, "1.2.3.4");
    CHECK_ERR(np_addr_host(&a, text, 7), NP_ENOBUFS);

    memset(&empty, 0, sizeof empty);
    CHECK_ERR(np_addr_format(&empty, text, sizeof text), NP_EINVAL);
    CHECK_ERR(np_addr_host(&empty, text, sizeof text), NP_EINVAL);
    CHECK_ERR(np_addr_format(NULL, text, sizeof text), NP_EINVAL);
    CHECK_INT(np_addr_family(&empty), NP_AF_UNSPEC);
    CHECK_INT(np_addr_family(NULL), NP_AF_UNSPEC);
    CHECK_INT(np_addr_port(&empty), 0);
}

static void test_host_part(void)
{
    static const struct { const char *text, *host; } cases[] = {
        { "1.2.3.4:80", "1.2.3.4" },
        { "[::1]:80", "::1" },
        { "[fe80::a%3]:80", "fe80::a%3" },
        { "/tmp/s", "/tmp/s" },
        { "unix:rel.sock", "rel.sock" },
        { "unix:", "" },
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        np_addr a;
        char host[NP_ADDRSTRLEN];
        CHECK_OK(np_addr_parse(cases[i].text, &a));
        CHECK_OK(np_addr_host(&a, host, sizeof host));
        CHECK_STR(host, cases[i].host);
    }
}

/* ---- ports -------------------------------------------------------------- */

static void test_ports(void)
{
    np_addr a;
    char text[NP_ADDRSTRLEN];

    CHECK_OK(np_addr_parse("10.1.2.3:1", &a));
    CHECK_OK(np_addr_set_port(&a, 65535));
    CHECK_INT(np_addr_port(&a), 65535);
    CHECK_OK(np_addr_format(&a, text, sizeof text));
    CHECK_STR(text, "10.1.2.3:65535");
    CHECK_OK(np_addr_parse("[::1]:1", &a));
    CHECK_OK(np_addr_set_port(&a, 0));
    CHECK_INT(np_addr_port(&a), 0);
    CHECK_OK(np_addr_set_port(&a, 8080));
    CHECK_OK(np_addr_format(&a, text, sizeof text));
    CHECK_STR(text, "[::1]:8080");
    CHECK_OK(np_addr_parse("/tmp/p", &a));
    CHECK_INT(np_addr_port(&a), 0);
    CHECK_ERR(np_addr_set_port(&a, 1), NP_EINVAL);
    CHECK_ERR(np_addr_set_port(NULL, 1), NP_EINVAL);
}

/* ---- equality and loopback ---------------------------------------------- */

static int eq(const char *x, const char *y)
{
    np_addr a, b;
    if (np_addr_parse(x, &a) != NP_OK || np_addr_parse(y, &b) != NP_OK)
        return -1;
    return np_addr_equal(&a, &b);
}

static void test_equality(void)
{
    np_addr a, empty;
    CHECK_INT(eq("1.2.3.4:80", "1.2.3.4:80"), 1);
    CHECK_INT(eq("1.2.3.4:80", "1.2.3.4:81"), 0);
    CHECK_INT(eq("1.2.3.4:80", "1.2.3.5:80"), 0);
    CHECK_INT(eq("[::1]:80", "[0:0:0:0:0:0:0:1]:80"), 1);
    CHECK_INT(eq("[::1]:80", "[::1]:81"), 0);
    CHECK_INT(eq("[::1]:80", "[::2]:80"), 0);
    CHECK_INT(eq("[fe80::1%1]:80", "[fe80::1%2]:80"), 0);   /* scope ids differ */
    CHECK_INT(eq("[fe80::1%2]:80", "[fe80::1%2]:80"), 1);
    CHECK_INT(eq("[fe80::1]:80", "[fe80::1%2]:80"), 0);
    CHECK_INT(eq("[::ffff:1.2.3.4]:80", "1.2.3.4:80"), 0);   /* families differ */
    CHECK_INT(eq("/tmp/a", "unix:/tmp/a"), 1);
    CHECK_INT(eq("/tmp/a", "/tmp/b"), 0);
    CHECK_INT(eq("/tmp/a", "/tmp/ab"), 0);
    CHECK_INT(eq("unix:", "unix:"), 1);
    CHECK_INT(eq("unix:", "/tmp/a"), 0);
    CHECK_INT(eq("/tmp/a", "1.2.3.4:80"), 0);
    memset(&empty, 0, sizeof empty);
    CHECK_OK(np_addr_parse("1.2.3.4:80", &a));
    CHECK(!np_addr_equal(&a, &empty));
    CHECK(!np_addr_equal(&empty, &empty));   /* an empty address equals nothing */
    CHECK(!np_addr_equal(&a, NULL));
}

static void test_is_loopback(void)
{
    static const struct { const char *text; int loop; } cases[] = {
        { "127.0.0.1:1", 1 }, { "127.255.0.9:1", 1 }, { "128.0.0.1:1", 0 },
        { "0.0.0.0:1", 0 }, { "10.0.0.1:1", 0 }, { "[::1]:1", 1 }, { "[::2]:1", 0 },
        { "[::]:1", 0 }, { "[::ffff:127.0.0.1]:1", 1 }, { "[::ffff:127.1.2.3]:1", 1 },
        { "[::ffff:128.0.0.1]:1", 0 }, { "[::127.0.0.1]:1", 0 }, { "/tmp/s", 0 },
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        np_addr a;
        CHECK_OK(np_addr_parse(cases[i].text, &a));
        CHECK_MSG(np_addr_is_loopback(&a) == cases[i].loop, "is_loopback(%s) != %d",
                  cases[i].text, cases[i].loop);
    }
    CHECK(!np_addr_is_loopback(NULL));
}

/* ---- unix paths ---------------------------------------------------------- */

static void test_unix_paths(void)
{
    char path[400], text[NP_ADDRSTRLEN];
    np_addr a;
    size_t n, limit = 0;

    CHECK_OK(np_addr_unix("/run/natter.sock", &a));
    CHECK_INT(np_addr_family(&a), NP_AF_UNIX);
    CHECK_OK(np_addr_format(&a, text, sizeof text));
    CHECK_STR(text, "/run/natter.sock");
    CHECK_OK(np_addr_unix("", &a));           /* the unnamed address */
    CHECK_OK(np_addr_format(&a, text, sizeof text));
    CHECK_STR(text, "unix:");
    CHECK_ERR(np_addr_unix(NULL, &a), NP_EINVAL);

    /* sun_path is 104 or 108 bytes depending on the OS: find where paths stop
     * fitting and check that every shorter one fits and no longer one does. */
    for (n = 1; n < 300; n++) {
        memset(path, 'a', n);
        path[0] = '/';
        path[n] = '\0';
        if (np_addr_unix(path, &a) != NP_OK) {
            CHECK_INT(np_last_error(), NP_ENAMETOOLONG);
            limit = n;
            break;
        }
        CHECK_OK(np_addr_format(&a, text, sizeof text));
        CHECK_STR(text, path);
    }
    CHECK_MSG(limit >= 100 && limit <= 110, "unix paths stop fitting at %u bytes",
              (unsigned)limit);
    printf("  unix paths fit up to %u bytes\n", (unsigned)(limit - 1));
    memset(path, 'b', 299);
    path[0] = '/';
    path[299] = '\0';
    CHECK_ERR(np_addr_unix(path, &a), NP_ENAMETOOLONG);
    CHECK_ERR(np_addr_parse(path, &a), NP_ENAMETOOLONG);
    memcpy(path, "unix:", 5);
    CHECK_ERR(np_addr_parse(path, &a), NP_ENAMETOOLONG);
}

/* ---- scope ids by interface name ---------------------------------------- */

static void test_scope_names(void)
{
    static const char *const loopbacks[] = { "[fe80::1%lo]:80", "[fe80::1%lo0]:80" };
    char text[NP_ADDRSTRLEN];
    np_addr a;
    size_t i;
    int windows = np_test_exe_suffix()[0] != '\0';

    for (i = 0; i < sizeof loopbacks / sizeof loopbacks[0]; i++) {
        np_err err = np_addr_parse(loopbacks[i], &a);
        if (err != NP_OK) {
            CHECK_ERR(err, NP_EINVAL);
            continue;
        }
        /* A name becomes its interface index and formats as that number. */
        CHECK(np_addr_format(&a, text, sizeof text) == NP_OK);
        CHECK_MSG(strncmp(text, "[fe80::1%", 9) == 0 && text[9] >= '1' && text[9] <= '9',
                  "%s formatted as %s", loopbacks[i], text);
        printf("  %s -> %s\n", loopbacks[i], text);
        return;
    }
    if (windows)
        SKIP("Windows takes numeric scope ids only");
    CHECK_MSG(0, "neither lo nor lo0 was accepted as a scope name");
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_round_trips);
    RUN(test_rejections);
    RUN(test_from_ip);
    RUN(test_loopback_and_any);
    RUN(test_format_buffers);
    RUN(test_host_part);
    RUN(test_ports);
    RUN(test_equality);
    RUN(test_is_loopback);
    RUN(test_unix_paths);
    RUN(test_scope_names);
    return NP_TEST_DONE();
}
