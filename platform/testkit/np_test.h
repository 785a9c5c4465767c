/* np_testkit: the small test harness every Natter C test uses.
 *
 *     static void test_connect_refused(void) {
 *         CHECK_ERR(np_connect(s, &addr), NP_ECONNREFUSED);
 *     }
 *     int main(void) {
 *         NP_TEST_INIT();                     // np_init(), line-buffered output
 *         RUN(test_connect_refused);
 *         return NP_TEST_DONE();              // 0, 1 on failure, 77 if all skipped
 *     }
 *
 * A failed CHECK prints file:line, the expression and (for np_err checks) both
 * codes by name, marks the case failed and returns from the case. SKIP(reason)
 * ends a case as skipped with the reason printed. The closing line reads
 * "N passed, N failed, N skipped". */
#ifndef NP_TEST_H
#define NP_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <np/np.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NP_TEST_SKIP_CODE 77

void np_test_begin(void);
void np_test_run(const char *name, void (*fn)(void));
int np_test_end(void);
/* Internal: record a failure / skip in the running case. */
void np_test_fail(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void np_test_skip(const char *reason);
int np_test_case_failed(void);

#define NP_TEST_INIT() np_test_begin()
#define NP_TEST_DONE() np_test_end()
#define RUN(fn) np_test_run(#fn, fn)

#define CHECK(cond) do { if (!(cond)) { \
    np_test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); return; } } while (0)
#define CHECK_MSG(cond, ...) do { if (!(cond)) { \
    np_test_fail(__FILE__, __LINE__, __VA_ARGS__); return; } } while (0)
/* expr must give the np_err `want`. */
#define CHECK_ERR(expr, want) do { np_err np_t_got_ = (expr); np_err np_t_want_ = (want); \
    if (np_t_got_ != np_t_want_) { np_test_fail(__FILE__, __LINE__, \
        "%s gave %s (%s), expected %s", #expr, np_err_name(np_t_got_), \
        np_strerror(np_t_got_), np_err_name(np_t_want_)); return; } } while (0)
#define CHECK_OK(expr) CHECK_ERR(expr, NP_OK)
#define CHECK_INT(a, b) do { long long np_t_a_ = (long long)(a), np_t_b_ = (long long)(b); \
    if (np_t_a_ != np_t_b_) { np_test_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", \
        #a, np_t_a_, #b, np_t_b_); return; } } while (0)
#define CHECK_STR(a, b) do { const char *np_t_a_ = (a), *np_t_b_ = (b); \
    if (!np_t_a_ || !np_t_b_ || strcmp(np_t_a_, np_t_b_) != 0) { np_test_fail(__FILE__, __LINE__, \
        "%s == \"%s\", expected \"%s\"", #a, np_t_a_ ? np_t_a_ : "(null)", \
        np_t_b_ ? np_t_b_ : "(null)"); return; } } while (0)
#define SKIP(reason) do { np_test_skip(reason); return; } while (0)

/* ---- helpers ---------------------------------------------------------- */

/* A listening TCP socket on the loopback of family with an OS-chosen port;
 * its address in *addr. Fails the case (and returns) on error. */
np_err np_test_listener(np_family family, np_socket_t *out, np_addr *addr);
/* A port on 127.0.0.1 that nothing listens on (bound once, then closed). */
np_err np_test_closed_port(np_addr *addr);
/* 1 if ::1 can be bound on this machine. */
int np_test_have_ipv6(void);
/* 1 when running under Wine (a Windows build on a non-Windows host). */
int np_test_under_wine(void);
/* ".exe" on Windows, "" elsewhere. */
const char *np_test_exe_suffix(void);
/* A unique path for a scratch file or unix socket, in the temp directory. */
void np_test_temp_path(char *buf, size_t len, const char *tag);

/* ---- child processes (testkit/posix, testkit/win32) ---------------------
 * Run a real program with pipes to its stdin and stdout (stderr is inherited).
 * argv[0] is a path; the child gets the current environment plus `env`
 * entries ("NAME=value", NULL-terminated, may be NULL). */
typedef struct np_test_proc np_test_proc;
np_err np_test_spawn(const char *const argv[], const char *const env[], np_test_proc **out);
/* Write text to the child's stdin. */
np_err np_test_proc_write(np_test_proc *p, const char *text);
/* Close the child's stdin (it sees end of file). */
void np_test_proc_close_stdin(np_test_proc *p);
/* Read one line from the child's stdout (without the newline) within
 * timeout_ms. NP_ETIMEDOUT if none came, NP_EEOF at end of output. */
np_err np_test_proc_readline(np_test_proc *p, char *buf, size_t len, int64_t timeout_ms);
/* Read lines until one contains `needle` (copied to buf); others are echoed to
 * stdout prefixed with "child: ". */
np_err np_test_proc_expect(np_test_proc *p, const char *needle, char *buf, size_t len,
                           int64_t timeout_ms);
/* Wait for the child to exit within timeout_ms (then kill it): *code is its
 * exit code, or -1 if it had to be killed. Frees p. */
np_err np_test_proc_wait(np_test_proc *p, int64_t timeout_ms, int *code);
/* Kill the child and free p. */
void np_test_proc_kill(np_test_proc *p);
/* Path of a program built beside the running test executable ("np-echo-server"
 * gets ".exe" on Windows). */
void np_test_sibling_path(char *buf, size_t len, const char *argv0, const char *name);

#ifdef __cplusplus
}
#endif
#endif /* NP_TEST_H */
