/* np/error.h: names and texts of every code, mapping from real native errors,
 * and the per-thread last error. */
#include "ptest_util.h"

#define E(code) { code, #code }
static const struct { np_err code; const char *name; } codes[] = {
    E(NP_OK), E(NP_EAGAIN), E(NP_EINPROGRESS), E(NP_EINTR), E(NP_ECONNREFUSED),
    E(NP_ECONNRESET), E(NP_ECONNABORTED), E(NP_ETIMEDOUT), E(NP_EADDRINUSE),
    E(NP_EADDRNOTAVAIL), E(NP_ENETUNREACH), E(NP_ENETDOWN), E(NP_EHOSTUNREACH),
    E(NP_EPIPE), E(NP_ENOTCONN), E(NP_EISCONN), E(NP_ENOTSOCK), E(NP_EBADF),
    E(NP_EMSGSIZE), E(NP_EAFNOSUPPORT), E(NP_EPROTONOSUPPORT), E(NP_EOPNOTSUPP),
    E(NP_EINVAL), E(NP_EACCES), E(NP_EMFILE), E(NP_ENFILE), E(NP_ENOBUFS),
    E(NP_ENOMEM), E(NP_EALREADY), E(NP_ENOPROTOOPT), E(NP_ESHUTDOWN), E(NP_ENOENT),
    E(NP_ENAMETOOLONG), E(NP_EEOF), E(NP_ENOTINIT), E(NP_EAI_NONAME), E(NP_EAI_AGAIN),
    E(NP_EAI_FAIL), E(NP_EAI_FAMILY), E(NP_EAI_SERVICE), E(NP_EAI_NODATA),
    E(NP_EAI_OTHER), E(NP_EUNKNOWN),
};
#define NCODES (sizeof codes / sizeof codes[0])

static void test_names_and_texts(void)
{
    size_t i, j;
    for (i = 0; i < NCODES; i++) {
        const char *text = np_strerror(codes[i].code);
        CHECK_STR(np_err_name(codes[i].code), codes[i].name);
        CHECK_MSG(text && *text, "np_strerror(%s) is empty", codes[i].name);
        if (codes[i].code != NP_EUNKNOWN)
            CHECK_MSG(strcmp(text, "unknown error") != 0, "np_strerror(%s) is \"%s\"",
                      codes[i].name, text);
        /* Texts are distinct: no copy-paste in the table. */
        for (j = 0; j < i; j++)
            CHECK_MSG(strcmp(text, np_strerror(codes[j].code)) != 0,
                      "%s and %s share the text \"%s\"", codes[i].name, codes[j].name, text);
    }
}

static void test_unknown_values(void)
{
    static const np_err odd[] = { 1, 5, -35, -39, -47, -98, -100, -1000, 12345, -2147483647 - 1 };
    size_t i;
    for (i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        const char *name = np_err_name(odd[i]);
        const char *text = np_strerror(odd[i]);
        CHECK(name != NULL && *name);
        CHECK(text != NULL);
        CHECK_STR(text, "unknown error");
    }
}

/* Three real failures and what they leave behind. */
static void test_native_mapping_from_real_failures(void)
{
    np_socket_t s, l, b;
    np_addr a, la;
    char buf[4];
    size_t n;
    long native;
    char text[256];

    /* ECONNREFUSED */
    CHECK_OK(np_test_closed_port(&a));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &s));
    np_err err = np_connect(s, &a);
    native = np_last_native_error();
    np_socket_close(s);
    CHECK_ERR(err, NP_ECONNREFUSED);
    CHECK(native != 0);
    CHECK_ERR(np_err_from_native(native), NP_ECONNREFUSED);
    CHECK(np_native_strerror(native, 0, text, sizeof text) == text);
    CHECK_MSG(text[0] != '\0', "no OS text for native %ld", native);
    printf("  ECONNREFUSED: native %ld \"%s\"\n", native, text);

    /* EADDRINUSE */
    CHECK_OK(np_test_listener(NP_AF_INET, &l, &la));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &b));
    err = np_bind(b, &la);
    native = np_last_native_error();
    pt_close2(l, b);
    CHECK_ERR(err, NP_EADDRINUSE);
    CHECK(native != 0);
    CHECK_ERR(np_err_from_native(native), NP_EADDRINUSE);
    CHECK(np_native_strerror(native, 0, text, sizeof text)[0] != '\0');

    /* EAGAIN (WSAEWOULDBLOCK on Windows) */
    CHECK_OK(pt_tcp_pair(NP_AF_INET, &s, &b));
    CHECK_OK(np_socket_set_blocking(s, 0));
    err = np_recv(s, buf, sizeof buf, &n);
    native = np_last_native_error();
    pt_close2(s, b);
    CHECK_ERR(err, NP_EAGAIN);
    CHECK(native != 0);
    CHECK_ERR(np_err_from_native(native), NP_EAGAIN);

    /* ENOTCONN */
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &s));
    err = np_getpeername(s, &a);
    native = np_last_native_error();
    np_socket_close(s);
    CHECK_ERR(err, NP_ENOTCONN);
    CHECK_ERR(np_err_from_native(native), NP_ENOTCONN);

    CHECK_ERR(np_err_from_native(0), NP_OK);
    CHECK_ERR(np_err_from_native(987654), NP_EUNKNOWN);
}

static void test_resolver_error(void)
{
    np_addrinfo *list = NULL;
    char text[256];
    np_err err = np_resolve("not a host name!", "80", NP_AF_UNSPEC, NP_SOCK_STREAM,
                            NP_RESOLVE_NUMERICHOST, &list);
    long native = np_last_native_error();
    if (err == NP_OK)
        np_addrinfo_free(list);
    CHECK_MSG(err <= NP_EAI_NONAME && err >= NP_EAI_OTHER,
              "resolving a non-numeric host with NUMERICHOST gave %s", np_err_name(err));
    CHECK_ERR(np_last_error(), err);
    CHECK(native != 0);
    np_native_strerror(native, 1, text, sizeof text);
    CHECK_MSG(text[0] != '\0', "no resolver text for %ld", native);
    printf("  resolver: %s native %ld \"%s\"\n", np_err_name(err), native, text);
}

static void test_native_strerror_buffers(void)
{
    char small[4], big[256];
    char guard[8] = "GGGGGGG";
    CHECK(np_native_strerror(np_last_native_error() ? np_last_native_error() : 1, 0,
                             small, sizeof small) == small);
    CHECK(strlen(small) < sizeof small);
    /* len 0: nothing is written. */
    CHECK(np_native_strerror(1, 0, guard, 0) == guard);
    CHECK_STR(guard, "GGGGGGG");
    /* An unknown native code still gives some text. */
    np_native_strerror(987654, 0, big, sizeof big);
    CHECK(big[0] != '\0');
}

static void test_last_error_text(void)
{
    np_socket_t s;
    np_addr a;
    char text[512], num[32];
    CHECK_OK(np_test_closed_port(&a));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &s));
    np_err err = np_connect(s, &a);
    long native = np_last_native_error();
    np_socket_close(s);   /* success does not clear the last error */
    CHECK_ERR(err, NP_ECONNREFUSED);
    CHECK_ERR(np_last_error(), NP_ECONNREFUSED);
    CHECK_INT(np_last_native_error(), native);
    CHECK(np_last_error_text(text, sizeof text) == text);
    printf("  text: %s\n", text);
    CHECK_MSG(strstr(text, "NP_ECONNREFUSED") != NULL, "\"%s\" lacks the code name", text);
    CHECK_MSG(strstr(text, np_strerror(NP_ECONNREFUSED)) != NULL, "\"%s\" lacks the text", text);
    snprintf(num, sizeof num, "%ld", native);
    CHECK_MSG(strstr(text, num) != NULL, "\"%s\" lacks the native code %s", text, num);
    /* Truncation is safe. */
    char tiny[8];
    np_last_error_text(tiny, sizeof tiny);
    CHECK(strlen(tiny) < sizeof tiny);
}

typedef struct thread_result {
    np_err initial;
    np_err failed_with;
    np_err last_after;
    long native_after;
} thread_result;

static void fail_in_thread(void *arg)
{
    thread_result *r = arg;
    np_socket_t l, b;
    np_addr la;
    r->initial = np_last_error();
    r->failed_with = NP_EUNKNOWN;
    if (np_test_listener(NP_AF_INET, &l, &la) != NP_OK)
        return;
    if (np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &b) == NP_OK) {
        r->failed_with = np_bind(b, &la);
        r->last_after = np_last_error();
        r->native_after = np_last_native_error();
        np_socket_close(b);
    }
    np_socket_close(l);
}

static void test_last_error_is_per_thread(void)
{
    np_socket_t s;
    np_addr a;
    np_thread *t;
    thread_result r = { 99, 99, 99, 0 };
    CHECK_OK(np_test_closed_port(&a));
    CHECK_OK(np_socket_open(NP_AF_INET, NP_SOCK_STREAM, &s));
    CHECK_ERR(np_connect(s, &a), NP_ECONNREFUSED);
    np_socket_close(s);
    long native = np_last_native_error();
    CHECK_OK(np_thread_create(&t, fail_in_thread, &r));
    CHECK_OK(np_thread_join(t));
    /* A new thread starts clean, and its failure is its own. */
    CHECK_ERR(r.initial, NP_OK);
    CHECK_ERR(r.failed_with, NP_EADDRINUSE);
    CHECK_ERR(r.last_after, NP_EADDRINUSE);
    CHECK_ERR(np_err_from_native(r.native_after), NP_EADDRINUSE);
    CHECK_ERR(np_last_error(), NP_ECONNREFUSED);
    CHECK_INT(np_last_native_error(), native);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_names_and_texts);
    RUN(test_unknown_values);
    RUN(test_native_mapping_from_real_failures);
    RUN(test_resolver_error);
    RUN(test_native_strerror_buffers);
    RUN(test_last_error_text);
    RUN(test_last_error_is_per_thread);
    return NP_TEST_DONE();
}
