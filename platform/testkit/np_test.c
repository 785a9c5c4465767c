/* np_testkit: harness and socket helpers shared by every test executable. */
#include "np_test.h"

#include <stdarg.h>

static int g_passed, g_failed, g_skipped;
static int g_case_failed, g_case_skipped;
static const char *g_case;

void np_test_begin(void)
{
    /* CTest and parent tests read our output through pipes: unbuffered, so a
     * crash never swallows the last messages. (Not _IOLBF: the Microsoft C
     * runtime has no line buffering and rejects it with a size of 0.) */
    setvbuf(stdout, NULL, _IONBF, 0);
    setvbuf(stderr, NULL, _IONBF, 0);
    if (np_init() != NP_OK) {
        fprintf(stderr, "np_init failed\n");
        exit(1);
    }
}

void np_test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    char last[256];
    printf("  %s:%d: ", file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n  last libnp error: %s\n", np_last_error_text(last, sizeof last));
    g_case_failed = 1;
}

void np_test_skip(const char *reason)
{
    printf("  skipped: %s\n", reason);
    g_case_skipped = 1;
}

int np_test_case_failed(void)
{
    return g_case_failed;
}

void np_test_run(const char *name, void (*fn)(void))
{
    g_case = name;
    g_case_failed = g_case_skipped = 0;
    printf("--- %s\n", name);
    fn();
    if (g_case_failed) {
        g_failed++;
        printf("FAIL %s\n", name);
    } else if (g_case_skipped) {
        g_skipped++;
        printf("SKIP %s\n", name);
    } else {
        g_passed++;
        printf("ok   %s\n", name);
    }
    g_case = NULL;
}

int np_test_end(void)
{
    printf("%d passed, %d failed, %d skipped\n", g_passed, g_failed, g_skipped);
    np_cleanup();
    if (g_failed)
        return 1;
    if (g_passed == 0 && g_skipped > 0)
        return NP_TEST_SKIP_CODE;
    return 0;
}

np_err np_test_listener(np_family family, np_socket_t *out, np_addr *addr)
{
    np_err err;
    np_addr bind_addr;
    *out = NP_INVALID_SOCKET;
    if ((err = np_addr_loopback(family, 0, &bind_addr)) != NP_OK)
        return err;
    if ((err = np_tcp_listen(&bind_addr, 64, 0, out)) != NP_OK)
        return err;
    if ((err = np_getsockname(*out, addr)) != NP_OK) {
        np_socket_close(*out);
        *out = NP_INVALID_SOCKET;
    }
    return err;
}

np_err np_test_closed_port(np_addr *addr)
{
    np_socket_t s;
    np_err err = np_test_listener(NP_AF_INET, &s, addr);
    if (err == NP_OK)
        np_socket_close(s);
    return err;
}

int np_test_have_ipv6(void)
{
    np_socket_t s;
    np_addr a;
    int ok;
    if (np_addr_loopback(NP_AF_INET6, 0, &a) != NP_OK)
        return 0;
    if (np_socket_open(NP_AF_INET6, NP_SOCK_STREAM, &s) != NP_OK)
        return 0;
    ok = np_bind(s, &a) == NP_OK;
    np_socket_close(s);
    return ok;
}

void np_test_temp_path(char *buf, size_t len, const char *tag)
{
    static unsigned counter;
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = getenv("TEMP");
    if (!dir || !*dir)
        dir = "/tmp";
    snprintf(buf, len, "%s/np-%s-%ld-%u", dir, tag, np_getpid(), counter++);
}

void np_test_sibling_path(char *buf, size_t len, const char *argv0, const char *name)
{
    const char *slash = strrchr(argv0, '/');
    const char *bslash = strrchr(argv0, '\\');
    size_t dirlen;
    const char *ext = np_test_exe_suffix();
    if (bslash && (!slash || bslash > slash))
        slash = bslash;
    dirlen = slash ? (size_t)(slash - argv0 + 1) : 0;
    snprintf(buf, len, "%.*s%s%s", (int)dirlen, argv0, name, ext);
}
