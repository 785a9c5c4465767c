/* natterd under valgrind's memcheck in every mode (event, thread, fork), with
 * three natter-cli clients chatting through it: joins, channel text, a nick
 * change, a part, a /quit and an end of input. natterd is then stopped with
 * SIGTERM and must exit 0 with zero memcheck errors and zero leaks (definite,
 * indirect or possible: each counts as an error, so valgrind's exit code is
 * 99 on any). In fork mode every connection process is checked too, from its
 * own log. One natter-cli (event mode) runs under valgrind as well.
 *
 * Linux only (tests/CMakeLists.txt); skipped (77) when valgrind is missing.
 * Usage: nt-valgrind VALGRIND [--suppressions=FILE] [MODE...] — natterd and natter-cli are found
 * beside this executable; the logs go to a scratch directory, removed after a
 * passing run. */
#include "np_test.h"
#include "natterd_proc.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#define T_START 60000   /* natterd under valgrind starts in a second or two */
#define T_LINE 30000

static const char *g_valgrind;
static char g_supp[1100];  /* --suppressions=natter.supp */
static char g_dir[512];   /* the valgrind logs */
static natterd_proc g_srv;
static int g_mode;

/* `valgrind [memcheck options]` (NULL-terminated, at most 16 entries), to
 * run a program under, logging to g_dir/tag.PID.log. */
static void valgrind_argv(const char **argv, char *logopt, size_t len, const char *tag,
                          int children)
{
    int n = 0;
    snprintf(logopt, len, "--log-file=%s/%s.%%p.log", g_dir, tag);
    argv[n++] = g_valgrind;
    argv[n++] = "--tool=memcheck";
    argv[n++] = "--error-exitcode=99";
    argv[n++] = "--leak-check=full";
    argv[n++] = "--errors-for-leak-kinds=definite,indirect,possible";
    argv[n++] = "--show-leak-kinds=definite,indirect,possible";
    argv[n++] = "--track-fds=no";
    argv[n++] = "--num-callers=30";
    if (g_supp[0])
        argv[n++] = g_supp;
    argv[n++] = children ? "--trace-children=yes" : "--trace-children=no";
    argv[n++] = logopt;
    argv[n] = NULL;
}

/* Every log of tag: print its ERROR SUMMARY and heap summary; 0 unless each
 * says "0 errors". *nlogs: how many there were. */
static int check_logs(const char *tag, int *nlogs)
{
    DIR *d = opendir(g_dir);
    struct dirent *e;
    size_t tlen = strlen(tag);
    int ok = 1;
    *nlogs = 0;
    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL) {
        char path[1024], line[1024], summary[256] = "", heap[256] = "";
        FILE *f;
        if (strncmp(e->d_name, tag, tlen) != 0 || e->d_name[tlen] != '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", g_dir, e->d_name);
        if (!(f = fopen(path, "r")))
            continue;
        ++*nlogs;
        while (fgets(line, sizeof line, f)) {
            char *s;
            line[strcspn(line, "\n")] = '\0';
            if ((s = strstr(line, "ERROR SUMMARY:")) != NULL)
                snprintf(summary, sizeof summary, "%s", s);
            else if ((s = strstr(line, "total heap usage:")) != NULL)
                snprintf(heap, sizeof heap, "%s", s);
        }
        fclose(f);
        printf("  %s: %s | %s\n", e->d_name, summary[0] ? summary : "(no ERROR SUMMARY)", heap);
        if (strncmp(summary, "ERROR SUMMARY: 0 errors", 23) != 0) {
            ok = 0;
            /* Show the report itself. */
            if ((f = fopen(path, "r")) != NULL) {
                while (fgets(line, sizeof line, f))
                    printf("    %s", line);
                fclose(f);
            }
        }
    }
    closedir(d);
    return ok && *nlogs > 0;
}

/* natterd in g_mode under memcheck (in fork mode its children too), its
 * log on stdout for its pid. */
static int start_natterd(void)
{
    const char *vg[16];
    char logopt[600];
    natterd_spec spec = {.mode = natterd_mode_name(g_mode), .log_stdout = 1, .wrapper = vg,
                         .timeout_ms = T_START};
    valgrind_argv(vg, logopt, sizeof logopt, natterd_mode_name(g_mode), g_mode == 2);
    return natterd_start(&g_srv, &spec);
}

/* natter-cli joined to #room, once it says so; under valgrind if vg. */
static np_test_proc *start_cli(const char *nick, int vg)
{
    static const char *const flags[] = {"--timeout", "30000", NULL};
    const char *wrapper[16];
    char logopt[600];
    cli_spec spec = {.server = g_srv.addr, .nick = nick, .chan = "#room", .flags = flags};
    if (vg) {
        valgrind_argv(wrapper, logopt, sizeof logopt, "natter-cli", 0);
        spec.wrapper = wrapper;
    }
    return cli_start_joined(&spec, T_START);
}

static int expect(np_test_proc *p, const char *needle)
{
    return child_expect(p, needle, NULL, 0, T_LINE);
}

static void test_memcheck_clean(void)
{
    char line[512];
    np_test_proc *a, *b, *c;
    int code = -1, nlogs = 0, cli_vg = g_mode == 0;
    int64_t t0 = np_now_ms();
    CHECK(start_natterd());
    CHECK(g_srv.pid > 0);
    printf("  natterd (%s) under memcheck, pid %ld, up after %lld ms\n", natterd_mode_name(g_mode),
           g_srv.pid, (long long)(np_now_ms() - t0));
    CHECK((a = start_cli("alice", cli_vg)) != NULL);
    CHECK((b = start_cli("bob", 0)) != NULL);
    CHECK(expect(a, "bob joined #room"));
    CHECK((c = start_cli("carol", 0)) != NULL);
    CHECK(expect(a, "carol joined #room"));
    CHECK(expect(b, "carol joined #room"));

    CHECK_OK(np_test_proc_write(a, "hello from alice\n"));
    CHECK(expect(b, "#room <alice> hello from alice"));
    CHECK(expect(c, "#room <alice> hello from alice"));
    CHECK_OK(np_test_proc_write(c, "/me waves\n"));
    CHECK(expect(a, "carol waves"));
    CHECK_OK(np_test_proc_write(b, "/nick robert\n"));
    CHECK(expect(a, "bob is now known as robert"));
    CHECK(expect(c, "bob is now known as robert"));
    CHECK_OK(np_test_proc_write(b, "/msg alice psst\n"));
    CHECK(expect(a, "*robert* psst"));
    CHECK_OK(np_test_proc_write(c, "/part #room see you\n"));
    CHECK(expect(a, "carol left #room"));
    CHECK_OK(np_test_proc_write(c, "/quit done\n"));
    CHECK_INT(child_wait(c, T_LINE), 0);
    CHECK_OK(np_test_proc_write(a, "/quit bye\n"));
    CHECK(expect(b, "<- alice quit"));
    CHECK_INT(child_wait(a, T_LINE), 0);
    np_test_proc_close_stdin(b);   /* end of input: a clean QUIT */
    CHECK_INT(child_wait(b, T_LINE), 0);

    /* Let a fork-mode connection process end before the hub is stopped: its
     * exit is part of what is checked. */
    np_sleep_ms(g_mode == 2 ? 1000 : 100);
    CHECK_OK(np_kill(g_srv.pid, 0));   /* SIGTERM */
    /* Whatever natterd still logs, then its exit. */
    while (np_test_proc_readline(g_srv.proc, line, sizeof line, T_LINE) == NP_OK)
        ;
    code = natterd_wait(&g_srv, T_LINE);
    printf("  natterd exit code %d (valgrind's: 99 = errors or leaks), %lld ms in all\n", code,
           (long long)(np_now_ms() - t0));
    {
        int ok = check_logs(natterd_mode_name(g_mode), &nlogs);
        printf("  %d natterd process log(s)\n", nlogs);
        CHECK_MSG(ok, "memcheck found errors or leaks in natterd (%s mode)",
                  natterd_mode_name(g_mode));
    }
    CHECK_INT(code, 0);
    if (g_mode == 2)
        CHECK_MSG(nlogs >= 4, "fork mode: expected the hub and 3 connection processes, got %d",
                  nlogs);
    if (cli_vg) {
        CHECK_MSG(check_logs("natter-cli", &nlogs), "memcheck found errors or leaks in natter-cli");
    }
}

static void remove_dir(void)
{
    DIR *d = opendir(g_dir);
    struct dirent *e;
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        char path[1024];
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", g_dir, e->d_name);
        remove(path);
    }
    closedir(d);
    rmdir(g_dir);
}

int main(int argc, char **argv)
{
    int failed;
    child_init(argv[0]);
    NP_TEST_INIT();
    if (argc < 2 || access(argv[1], X_OK) != 0) {
        printf("SKIP: valgrind is not installed (%s)\n", argc < 2 ? "no path" : argv[1]);
        return NP_TEST_SKIP_CODE;
    }
    g_valgrind = argv[1];
    if (argc > 2 && strncmp(argv[2], "--suppressions=", 15) == 0) {
        snprintf(g_supp, sizeof g_supp, "%s", argv[2]);
        argv++;
        argc--;
    }
    np_test_temp_path(g_dir, sizeof g_dir, "natter-valgrind");
    if (mkdir(g_dir, 0700) != 0) {
        printf("cannot create %s\n", g_dir);
        return 1;
    }
    printf("valgrind logs in %s\n", g_dir);
    for (g_mode = 0; g_mode < natterd_mode_count(); g_mode++) {
        int wanted = argc <= 2;
        for (int i = 2; i < argc; i++)
            wanted |= strcmp(argv[i], natterd_mode_name(g_mode)) == 0;
        if (!wanted)
            continue;
        printf("== mode %s\n", natterd_mode_name(g_mode));
        RUN_ISOLATED(test_memcheck_clean);
    }
    failed = NP_TEST_DONE();
    if (failed == 0)
        remove_dir();
    else
        printf("kept the valgrind logs in %s\n", g_dir);
    return failed;
}
