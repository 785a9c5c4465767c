/* np/trace.h: one line per OS call, in the documented shape, never interleaved. */
#include "ptest_util.h"

/* Read a whole file into a malloc'd, NUL-terminated buffer (NULL if missing). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    if (!f)
        return NULL;
    do {
        if (cap - len < 4096) {
            char *nb = realloc(buf, cap = cap * 2 + 8192);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
    } while (n > 0);
    fclose(f);
    buf[len] = '\0';
    return buf;
}

/* The first line containing every one of up to three needles, copied to out. */
static int find_line(const char *text, const char *n1, const char *n2, const char *n3,
                     char *out, size_t outlen)
{
    const char *p = text;
    while (*p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        size_t keep = len;
        char line[1024];
        if (keep && p[keep - 1] == '\r')   /* text-mode file on Windows */
            keep--;
        snprintf(line, sizeof line, "%.*s", (int)(keep < sizeof line ? keep : sizeof line - 1), p);
        if (strstr(line, n1) && (!n2 || strstr(line, n2)) && (!n3 || strstr(line, n3))) {
            snprintf(out, outlen, "%s", line);
            return 1;
        }
        p += len;
        if (*p == '\n')
            p++;
    }
    return 0;
}

static long long fd_num(np_socket_t s)
{
    return (long long)(intptr_t)np_socket_fileno(s);
}

static void test_trace_lines(void)
{
    char path[256], want[256], line[1024];
    np_socket_t s, l, c, v;
    np_addr lo, la, closed;
    long long sfd, cfd, vfd;
    long native;
    CHECK(!np_trace_enabled());
    np_test_temp_path(path, sizeof path, "trace");
    remove(path);
    CHECK_OK(np_addr_loopback(NP_AF_INET, 0, &lo));
    CHECK_OK(np_test_closed_port(&closed));
    CHECK_OK(np_test_listener(NP_AF_INET, &l, &la));

    CHECK_OK(np_trace_enable(path));
    CHECK(np_trace_enabled());
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &s));
    sfd = fd_num(s);
    CHECK_OK(np_bind(s, &lo));
    CHECK_OK(np_socket_close(s));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &c));
    cfd = fd_num(c);
    CHECK_ERR(np_connect(c, &closed), NP_ECONNREFUSED);
    native = np_last_native_error();
    np_socket_close(c);
    {
        np_iovec iov[2] = { { "ab", 2 }, { "cde", 3 } };
        size_t sent = 0;
        CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &v));
        vfd = fd_num(v);
        CHECK_OK(np_connect(v, &la));
        CHECK_OK(np_sendv(v, iov, 2, &sent));
        CHECK_INT(sent, 5);
        CHECK_OK(np_sendv(v, iov + 1, 1, &sent));
        CHECK_INT(sent, 3);
        np_socket_close(v);
    }
    np_trace_disable();
    CHECK(!np_trace_enabled());
    /* Not traced any more. */
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &s));
    long long late_fd = fd_num(s);
    CHECK_OK(np_bind(s, &lo));
    np_socket_close(s);
    np_socket_close(l);

    char *text = slurp(path);
    remove(path);
    CHECK_MSG(text != NULL, "no trace file %s", path);
    printf("%s", text);

    /* np_bind(<fd>, 127.0.0.1:0) -> bind(<fd>, {AF_INET, 127.0.0.1:0}, 16) = 0 */
    snprintf(want, sizeof want, "np_bind(%lld, 127.0.0.1:0) -> bind(%lld, ", sfd, sfd);
    int ok = find_line(text, want, NULL, NULL, line, sizeof line);
    CHECK_MSG(ok, "no line starting \"%s\"", want);
    CHECK_MSG(strncmp(line, want, strlen(want)) == 0, "bind line is \"%s\"", line);
    CHECK_MSG(strstr(line, "AF_INET") != NULL, "bind line lacks the family: %s", line);
    size_t ll = strlen(line);
    CHECK_MSG(ll > 4 && strcmp(line + ll - 4, " = 0") == 0, "bind line does not end \" = 0\": %s", line);

    /* np_connect(<fd>, 127.0.0.1:<port>) -> connect(...) = -1 errno=111 ECONNREFUSED -> NP_ECONNREFUSED */
    snprintf(want, sizeof want, "np_connect(%lld, 127.0.0.1:%u) -> ", cfd,
             (unsigned)np_addr_port(&closed));
    char nat[32];
    snprintf(nat, sizeof nat, "=%ld ", native);
    ok = find_line(text, want, "-> NP_ECONNREFUSED", NULL, line, sizeof line);
    CHECK_MSG(ok, "no failed connect line starting \"%s\"", want);
    CHECK_MSG(strstr(line, "connect(") != NULL, "connect line lacks the OS call: %s", line);
    CHECK_MSG(strstr(line, nat) != NULL, "connect line lacks native code %ld: %s", native, line);
    CHECK_MSG(strstr(line, "ECONNREFUSED ->") != NULL, "connect line lacks the native name: %s", line);
    CHECK_MSG(strstr(line, pt_is_windows() ? "WSA=" : "errno=") != NULL,
              "connect line lacks the native code label: %s", line);

    /* np_sendv(<fd>, 2 pieces, 5) -> sendmsg(<fd>, [2], 5, MSG_NOSIGNAL) = 5 */
    snprintf(want, sizeof want, "np_sendv(%lld, 2 pieces, 5) -> %s(%lld, [2], 5, ", vfd,
             pt_is_windows() ? "WSASend" : "sendmsg", vfd);
    CHECK_MSG(find_line(text, want, " = 5", NULL, line, sizeof line), "no sendv line \"%s\"",
              want);
    /* One piece is a plain send (the kernel's gathered path costs more):
     * np_sendv(<fd>, 3) -> send(<fd>, 0x..., 3, MSG_NOSIGNAL) = 3 */
    snprintf(want, sizeof want, "np_sendv(%lld, 3) -> send(%lld, ", vfd, vfd);
    CHECK_MSG(find_line(text, want, " = 3", NULL, line, sizeof line), "no one-piece sendv line \"%s\"",
              want);

    /* close: "close(" on POSIX, "closesocket(" on Windows, with the fd. */
    snprintf(want, sizeof want, pt_is_windows() ? "closesocket(%lld" : "close(%lld", sfd);
    CHECK_MSG(find_line(text, "np_socket_close(", want, NULL, line, sizeof line),
              "no close line with \"%s\"", want);
    /* socket creation is traced too (socket / WSASocketW) */
    CHECK_MSG(find_line(text, "np_socket_open(", pt_is_windows() ? "WSASocket" : "socket(",
                        NULL, line, sizeof line), "no socket() line");
    /* Nothing after disable. */
    snprintf(want, sizeof want, "np_bind(%lld, 127.0.0.1:0)", late_fd);
    if (late_fd != sfd)
        CHECK_MSG(!find_line(text, want, NULL, NULL, line, sizeof line),
                  "traced after np_trace_disable: %s", line);
    int count = 0;
    const char *p;
    for (p = text; (p = strstr(p, "np_bind(")) != NULL; p++)
        count++;
    CHECK_INT(count, 1);
    free(text);
}

enum { THREADS = 4, ROUNDS = 150 };

static void trace_worker(void *arg)
{
    int i;
    np_addr lo;
    (void)arg;
    np_addr_loopback(NP_AF_INET, 0, &lo);
    for (i = 0; i < ROUNDS; i++) {
        np_socket_t s;
        if (np_socket_open(NP_AF_INET, NP_SOCK_DGRAM, &s) != NP_OK)
            continue;
        np_bind(s, &lo);
        np_socket_close(s);
    }
}

/* Each line: starts "np_", holds exactly one "np_" and exactly one " = ". */
static int line_ok(const char *line, size_t len)
{
    char buf[1024];
    const char *p;
    int n = 0;
    if (len && line[len - 1] == '\r')   /* text-mode file on Windows */
        len--;
    if (len >= sizeof buf || len < 3)
        return 0;
    memcpy(buf, line, len);
    buf[len] = '\0';
    if (strncmp(buf, "np_", 3) != 0)
        return 0;
    for (p = buf; (p = strstr(p, "np_")) != NULL; p++)
        n++;
    if (n != 1)
        return 0;
    p = strstr(buf, " = ");
    return p && !strstr(p + 1, " = ");
}

static void test_trace_threads_do_not_interleave(void)
{
    char path[256];
    np_thread *t[THREADS];
    int i, started = 0, lines = 0, bad = 0;
    np_test_temp_path(path, sizeof path, "trace-mt");
    remove(path);
    CHECK_OK(np_trace_enable(path));
    for (i = 0; i < THREADS; i++)
        if (np_thread_create(&t[i], trace_worker, NULL) == NP_OK)
            started++;
    for (i = 0; i < started; i++)
        np_thread_join(t[i]);
    np_trace_disable();
    char *text = slurp(path);
    remove(path);
    CHECK_INT(started, THREADS);
    CHECK(text != NULL);
    const char *p = text;
    while (*p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (!end)
            bad++;   /* every line is whole, with its newline */
        if (len && !line_ok(p, len)) {
            if (bad++ < 5)
                printf("  bad line: %.*s\n", (int)len, p);
        }
        if (len)
            lines++;
        p += len;
        if (*p == '\n')
            p++;
    }
    free(text);
    printf("  %d lines\n", lines);
    CHECK_INT(bad, 0);
    CHECK_MSG(lines >= THREADS * ROUNDS * 3, "only %d lines for %d calls", lines,
              THREADS * ROUNDS * 3);
}

static void test_trace_enable_bad_path(void)
{
    char path[300];
    np_test_temp_path(path, sizeof path, "no-such-dir");
    strcat(path, "/sub/trace.log");
    CHECK(np_trace_enable(path) != NP_OK);
    CHECK(!np_trace_enabled());
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_trace_lines);
    RUN(test_trace_threads_do_not_interleave);
    RUN(test_trace_enable_bad_path);
    return NP_TEST_DONE();
}
