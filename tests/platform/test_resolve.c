/* Name resolution: np_resolve, np_resolve_one, np_nameinfo. The machine that
 * runs this has no network, only loopback: names resolved here come from the
 * hosts file ("localhost") or are numeric. The one external name is in the
 * reserved .invalid domain and only shows that failure maps to NP_EAI_*. */
#include "np_test.h"

static int is_eai(np_err err)
{
    return err <= NP_EAI_NONAME && err >= NP_EAI_OTHER;
}

static int count(const np_addrinfo *list)
{
    int n = 0;
    for (; list; list = list->next)
        n++;
    return n;
}

static void test_numeric_v4(void)
{
    np_addrinfo *list = NULL;
    char text[NP_ADDRSTRLEN];

    CHECK_OK(np_resolve("127.0.0.1", "80", NP_AF_INET, NP_SOCK_STREAM,
                        NP_RESOLVE_NUMERICHOST, &list));
    CHECK(list != NULL);
    CHECK_INT(list->family, NP_AF_INET);
    CHECK_INT(list->type, NP_SOCK_STREAM);
    CHECK_OK(np_addr_format(&list->addr, text, sizeof text));
    np_addrinfo_free(list);
    CHECK_STR(text, "127.0.0.1:80");

    CHECK_OK(np_resolve("127.0.0.1", "53", NP_AF_UNSPEC, NP_SOCK_DGRAM, 0, &list));
    CHECK(list != NULL);
    CHECK_INT(list->type, NP_SOCK_DGRAM);
    CHECK_INT(np_addr_port(&list->addr), 53);
    np_addrinfo_free(list);
}

static void test_localhost(void)
{
    np_addrinfo *list = NULL, *ai;
    int n, v4 = 0;

    CHECK_OK(np_resolve("localhost", "80", NP_AF_UNSPEC, NP_SOCK_STREAM, 0, &list));
    n = count(list);
    CHECK(n >= 1);
    for (ai = list; ai; ai = ai->next) {
        char text[NP_ADDRSTRLEN];
        CHECK(np_addr_format(&ai->addr, text, sizeof text) == NP_OK);
        printf("  localhost -> %s\n", text);
        CHECK_MSG(np_addr_is_loopback(&ai->addr), "localhost gave %s", text);
        CHECK_MSG(np_addr_port(&ai->addr) == 80, "localhost gave %s", text);
        CHECK(ai->family == np_addr_family(&ai->addr));
        v4 += ai->family == NP_AF_INET;
    }
    np_addrinfo_free(list);
    /* Asking for IPv4 only gives IPv4 only, and 127.0.0.1 is among it. */
    CHECK_OK(np_resolve("localhost", "80", NP_AF_INET, NP_SOCK_STREAM, 0, &list));
    for (ai = list, v4 = 0; ai; ai = ai->next) {
        CHECK_INT(ai->family, NP_AF_INET);
        v4 = 1;
    }
    np_addrinfo_free(list);
    CHECK(v4);
}

static void test_passive_wildcard(void)
{
    np_addrinfo *list = NULL;
    char text[NP_ADDRSTRLEN];

    CHECK_OK(np_resolve(NULL, "6667", NP_AF_INET, NP_SOCK_STREAM, NP_RESOLVE_PASSIVE, &list));
    CHECK(list != NULL);
    CHECK_OK(np_addr_format(&list->addr, text, sizeof text));
    np_addrinfo_free(list);
    CHECK_STR(text, "0.0.0.0:6667");
    /* Without PASSIVE a NULL host means the loopback. */
    CHECK_OK(np_resolve(NULL, "6667", NP_AF_INET, NP_SOCK_STREAM, 0, &list));
    CHECK(list != NULL);
    CHECK(np_addr_is_loopback(&list->addr));
    np_addrinfo_free(list);
}

static void test_numeric_host_flag(void)
{
    np_addrinfo *list = (np_addrinfo *)&list;   /* must be reset to NULL */
    np_err err = np_resolve("localhost", "80", NP_AF_UNSPEC, NP_SOCK_STREAM,
                            NP_RESOLVE_NUMERICHOST, &list);
    CHECK_ERR(err, NP_EAI_NONAME);
    CHECK(list == NULL);
    CHECK_INT(np_last_error(), NP_EAI_NONAME);
    CHECK(np_last_native_error() != 0);
}

static void test_errors(void)
{
    np_addrinfo *list = NULL;
    np_err err;

    /* Arguments libnp itself refuses. */
    CHECK_ERR(np_resolve(NULL, NULL, NP_AF_UNSPEC, NP_SOCK_STREAM, 0, &list), NP_EINVAL);
    CHECK_ERR(np_resolve("localhost", "80", NP_AF_UNSPEC, NP_SOCK_STREAM, 0, NULL), NP_EINVAL);
    CHECK_ERR(np_resolve("localhost", "80", (np_family)99, NP_SOCK_STREAM, 0, &list), NP_EINVAL);
    CHECK_ERR(np_resolve("localhost", "80", NP_AF_UNSPEC, (np_socktype)0, 0, &list), NP_EINVAL);
    CHECK_ERR(np_resolve("localhost", "80", NP_AF_UNSPEC, NP_SOCK_STREAM, 64, &list), NP_EINVAL);
    /* A family the resolver does not do. */
    CHECK_ERR(np_resolve("localhost", "80", NP_AF_UNIX, NP_SOCK_STREAM, 0, &list),
              NP_EAI_FAMILY);
    /* A service name no services database has. */
    err = np_resolve("127.0.0.1", "no-such-service-np", NP_AF_INET, NP_SOCK_STREAM,
                     NP_RESOLVE_NUMERICHOST, &list);
    printf("  unknown service -> %s\n", np_err_name(err));
    CHECK_MSG(err == NP_EAI_SERVICE || err == NP_EAI_NONAME, "unknown service gave %s",
              np_err_name(err));
    CHECK(list == NULL);
    /* A name that cannot exist (RFC 6761 .invalid): with no network the
     * resolver may say "no such name" or "try again"; any NP_EAI_* is right. */
    err = np_resolve("no-such-host.invalid", "80", NP_AF_UNSPEC, NP_SOCK_STREAM, 0, &list);
    printf("  no-such-host.invalid -> %s\n", np_err_name(err));
    CHECK_MSG(is_eai(err), "no-such-host.invalid gave %s", np_err_name(err));
    CHECK(list == NULL);
}

static void test_resolve_one(void)
{
    static const char *const rejected[] = {
        "localhost", "localhost:", ":80", "[localhost]:80", "::1:80", "localhost:99999",
        "localhost:80x", "[::1]", "", "[]:80",
    };
    np_addr a;
    char text[NP_ADDRSTRLEN];
    size_t i;

    CHECK_OK(np_resolve_one("127.0.0.1:80", NP_AF_UNSPEC, &a));
    CHECK_OK(np_addr_format(&a, text, sizeof text));
    CHECK_STR(text, "127.0.0.1:80");
    CHECK_OK(np_resolve_one("localhost:6667", NP_AF_INET, &a));
    CHECK_INT(np_addr_family(&a), NP_AF_INET);
    CHECK(np_addr_is_loopback(&a));
    CHECK_INT(np_addr_port(&a), 6667);
    CHECK_OK(np_resolve_one("localhost:0", NP_AF_UNSPEC, &a));
    CHECK(np_addr_is_loopback(&a));
    for (i = 0; i < sizeof rejected / sizeof rejected[0]; i++)
        CHECK_MSG(np_resolve_one(rejected[i], NP_AF_UNSPEC, &a) == NP_EINVAL,
                  "\"%s\" was not NP_EINVAL", rejected[i]);
    CHECK_ERR(np_resolve_one(NULL, NP_AF_UNSPEC, &a), NP_EINVAL);
    CHECK(is_eai(np_resolve_one("no-such-host.invalid:80", NP_AF_UNSPEC, &a)));
    /* An IPv4 literal asked for as IPv6 has no answer. */
    CHECK(is_eai(np_resolve_one("127.0.0.1:80", NP_AF_INET6, &a)));
}

static void test_nameinfo_numeric(void)
{
    np_addr a;
    char host[64], serv[16];

    CHECK_OK(np_addr_parse("127.0.0.1:80", &a));
    CHECK_OK(np_nameinfo(&a, host, sizeof host, serv, sizeof serv,
                         NP_NAMEINFO_NUMERICHOST | NP_NAMEINFO_NUMERICSERV));
    CHECK_STR(host, "127.0.0.1");
    CHECK_STR(serv, "80");
    /* Either buffer may be left out. */
    CHECK_OK(np_nameinfo(&a, NULL, 0, serv, sizeof serv, NP_NAMEINFO_NUMERICSERV));
    CHECK_STR(serv, "80");
    CHECK_OK(np_addr_parse("10.20.30.40:65535", &a));
    CHECK_OK(np_nameinfo(&a, host, sizeof host, NULL, 0, NP_NAMEINFO_NUMERICHOST));
    CHECK_STR(host, "10.20.30.40");
}

static void test_nameinfo_names(void)
{
    np_addr a;
    char host[256];

    /* 127.0.0.1 has some name (localhost, or the machine's) in every hosts
     * setup; only check that one comes back. */
    CHECK_OK(np_addr_parse("127.0.0.1:80", &a));
    CHECK_OK(np_nameinfo(&a, host, sizeof host, NULL, 0, 0));
    printf("  127.0.0.1 is \"%s\"\n", host);
    CHECK(host[0] != '\0');
}

static void test_nameinfo_errors(void)
{
    np_addr a, empty;
    char host[64];

    memset(&empty, 0, sizeof empty);
    CHECK_OK(np_addr_parse("127.0.0.1:80", &a));
    CHECK_ERR(np_nameinfo(&empty, host, sizeof host, NULL, 0, 0), NP_EINVAL);
    CHECK_ERR(np_nameinfo(NULL, host, sizeof host, NULL, 0, 0), NP_EINVAL);
    CHECK_ERR(np_nameinfo(&a, NULL, 0, NULL, 0, 0), NP_EINVAL);
    CHECK_ERR(np_nameinfo(&a, host, 0, NULL, 0, 0), NP_EINVAL);
    CHECK_ERR(np_nameinfo(&a, host, sizeof host, NULL, 0, 128), NP_EINVAL);
    CHECK_OK(np_addr_unix("/tmp/np.sock", &a));
    CHECK_ERR(np_nameinfo(&a, host, sizeof host, NULL, 0, NP_NAMEINFO_NUMERICHOST),
              NP_EAI_FAMILY);
}

static void test_ipv6(void)
{
    np_addrinfo *list = NULL;
    np_addr a;
    char text[NP_ADDRSTRLEN], host[64];

    if (!np_test_have_ipv6())
        SKIP("::1 cannot be bound on this machine");
    CHECK_OK(np_resolve("::1", "80", NP_AF_INET6, NP_SOCK_STREAM, NP_RESOLVE_NUMERICHOST, &list));
    CHECK(list != NULL);
    CHECK_INT(list->family, NP_AF_INET6);
    CHECK_OK(np_addr_format(&list->addr, text, sizeof text));
    np_addrinfo_free(list);
    CHECK_STR(text, "[::1]:80");
    CHECK_OK(np_resolve_one("[::1]:443", NP_AF_UNSPEC, &a));
    CHECK_OK(np_addr_format(&a, text, sizeof text));
    CHECK_STR(text, "[::1]:443");
    CHECK_OK(np_nameinfo(&a, host, sizeof host, NULL, 0, NP_NAMEINFO_NUMERICHOST));
    CHECK_STR(host, "::1");
    CHECK_OK(np_resolve(NULL, "80", NP_AF_INET6, NP_SOCK_STREAM, NP_RESOLVE_PASSIVE, &list));
    CHECK(list != NULL);
    CHECK_OK(np_addr_format(&list->addr, text, sizeof text));
    np_addrinfo_free(list);
    CHECK_STR(text, "[::]:80");
}

/* Read a whole small file into buf. */
static void slurp(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    size_t n = 0;
    buf[0] = '\0';
    if (!f)
        return;
    n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static void test_trace(void)
{
    char path[512], log[4096];
    np_addrinfo *list = NULL;
    np_addr a;
    char host[64];
    np_err err;

    np_test_temp_path(path, sizeof path, "resolve-trace");
    remove(path);
    CHECK_OK(np_trace_enable(path));
    err = np_resolve("127.0.0.1", "80", NP_AF_INET, NP_SOCK_STREAM, NP_RESOLVE_NUMERICHOST,
                     &list);
    np_addrinfo_free(list);
    np_resolve("localhost", "80", NP_AF_UNSPEC, NP_SOCK_STREAM, NP_RESOLVE_NUMERICHOST, &list);
    np_addr_parse("127.0.0.1:80", &a);
    np_nameinfo(&a, host, sizeof host, NULL, 0, NP_NAMEINFO_NUMERICHOST);
    np_trace_disable();
    slurp(path, log, sizeof log);
    remove(path);
    printf("%s", log);
    CHECK_OK(err);
    CHECK(strstr(log, "np_resolve(\"127.0.0.1\", \"80\", AF_INET) -> getaddrinfo(\"127.0.0.1\", "
                      "\"80\", {AF_INET, SOCK_STREAM, AI_NUMERICHOST}) (1 address: "
                      "127.0.0.1:80) = 0\n") != NULL);
    CHECK(strstr(log, "getaddrinfo(\"localhost\"") != NULL);
    CHECK(strstr(log, "-> NP_EAI_NONAME\n") != NULL);
    CHECK(strstr(log, "-> getnameinfo({AF_INET, 127.0.0.1:80}, 16, host, 64, serv, 0, "
                      "NI_NUMERICHOST) -> (\"127.0.0.1\", NULL) = 0\n") != NULL);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_numeric_v4);
    RUN(test_localhost);
    RUN(test_passive_wildcard);
    RUN(test_numeric_host_flag);
    RUN(test_errors);
    RUN(test_resolve_one);
    RUN(test_nameinfo_numeric);
    RUN(test_nameinfo_names);
    RUN(test_nameinfo_errors);
    RUN(test_ipv6);
    RUN(test_trace);
    return NP_TEST_DONE();
}
