/* The echo comparison under callgrind (see compare_echo.h). */
#include "compare_echo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "peers.h"

/* Run argv; its stdout lines are kept in out (one string, '\n'-separated) if
 * given. The exit code, -1 if it could not run. */
static int run(const char *const argv[], char *out, size_t outlen)
{
    np_test_proc *p;
    char line[1024];
    size_t used = 0;
    int code = -1;
    np_err err;
    if (out && outlen)
        out[0] = '\0';
    if (np_test_spawn(argv, NULL, &p) != NP_OK)
        return -1;
    while ((err = np_test_proc_readline(p, line, sizeof line, 600000)) == NP_OK) {
        size_t n = strlen(line);
        if (out && used + n + 2 < outlen) {
            memcpy(out + used, line, n);
            out[used + n] = '\n';
            used += n + 1;
            out[used] = '\0';
        }
    }
    if (np_test_proc_wait(p, 10000, &code) != NP_OK)
        return -1;
    return code;
}

static double file_total(const char *path)
{
    char line[512];
    double total = -1;
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "summary:", 8) == 0)
            total = atof(line + 8);
        else if (strncmp(line, "totals:", 7) == 0 && total < 0)
            total = atof(line + 7);
    }
    fclose(f);
    return total;
}

/* Instructions of the loop for `rounds` round trips of impl. */
static double count(const char *bench, const char *addr, const char *impl, long rounds,
                    const char *outfile)
{
    char valgrind[512], file_arg[320], rounds_arg[32], toggle[64];
    if (!peers_which("valgrind", valgrind, sizeof valgrind))
        return -1;
    snprintf(file_arg, sizeof file_arg, "--callgrind-out-file=%s", outfile);
    snprintf(toggle, sizeof toggle, "--toggle-collect=echo_loop_%s", impl);
    snprintf(rounds_arg, sizeof rounds_arg, "%ld", rounds);
    {
        const char *argv[] = { valgrind, "-q", "--tool=callgrind", file_arg, toggle, bench,
                               "echo", "--server", addr, "--impl", impl, "--rounds",
                               rounds_arg, NULL };
        if (run(argv, NULL, 0) != 0)
            return -1;
    }
    return file_total(outfile);
}

static double wall_us(const char *bench, const char *addr, const char *impl)
{
    char out[4096];
    const char *j;
    const char *argv[] = { bench, "echo", "--server", addr, "--impl", impl, "--rounds",
                           "100000", NULL };
    if (run(argv, out, sizeof out) != 0 || !(j = strstr(out, "\"us_per_rt\":")))
        return -1;
    return atof(j + strlen("\"us_per_rt\":"));
}

/* callgrind_annotate's functions, self cost, per round trip. */
static int where(const char *file, long rounds, int max, echo_fn_cost *out)
{
    char annotate[512], text[65536], *line, *save = NULL;
    int n = 0, in_table = 0, dashes = 0;
    if (!peers_which("callgrind_annotate", annotate, sizeof annotate))
        return 0;
    {
        const char *argv[] = { annotate, file, NULL };
        if (run(argv, text, sizeof text) != 0)
            return 0;
    }
    /* The function table: after the header "Ir  file:function" and its
     * dashes, up to the next line of dashes (the annotated sources follow). */
    for (line = strtok_r(text, "\n", &save); line && n < max; line = strtok_r(NULL, "\n", &save)) {
        char num[64], *p = line, *name;
        size_t k = 0;
        if (!in_table) {
            if (strstr(line, "file:function"))
                in_table = 1;
            continue;
        }
        if (strncmp(line, "----", 4) == 0) {
            if (dashes++)
                break;
            continue;
        }
        while (*p == ' ')
            p++;
        while ((*p >= '0' && *p <= '9') || *p == ',') {
            if (*p != ',' && k + 1 < sizeof num)
                num[k++] = *p;
            p++;
        }
        num[k] = '\0';
        if (!k || strncmp(p, " (", 2) != 0 || !(name = strstr(p, "%)")))
            continue;
        name += 2;
        while (*name == ' ')
            name++;
        name[strcspn(name, "[")] = '\0';   /* drop " [/path/to/lib.so]" */
        for (size_t e = strlen(name); e > 0 && name[e - 1] == ' '; e--)
            name[e - 1] = '\0';
        out[n].ir = atof(num) / (double)rounds;
        snprintf(out[n].fn, sizeof out[n].fn, "%s", name);
        n++;
    }
    return n;
}

int cmp_echo_run(const char *bench, const np_addr *server, long rounds, cmp_echo_result *r)
{
    char addr[NP_ADDRSTRLEN], f[4][256];
    double ir[4];
    const char *impls[2] = { "np", "raw" };
    memset(r, 0, sizeof *r);
    r->rounds = rounds;
    np_addr_format(server, addr, sizeof addr);
    for (int i = 0; i < 4; i++) {
        char tag[64];
        snprintf(tag, sizeof tag, "callgrind.%s.%d", impls[i / 2], i % 2 + 1);
        np_test_temp_path(f[i], sizeof f[i], tag);
        ir[i] = count(bench, addr, impls[i / 2], rounds * (i % 2 + 1), f[i]);
        printf("  echo %-3s %6ld round trips under callgrind: %.0f instructions\n", impls[i / 2],
               rounds * (i % 2 + 1), ir[i]);
        fflush(stdout);
        if (ir[i] < 0) {
            snprintf(r->why, sizeof r->why, "callgrind run failed (is valgrind installed?)");
            for (int k = 0; k <= i; k++)
                remove(f[k]);
            return 1;
        }
    }
    r->ir_np = (ir[1] - ir[0]) / (double)rounds;
    r->ir_raw = (ir[3] - ir[2]) / (double)rounds;
    r->ratio = r->ir_raw > 0 ? r->ir_np / r->ir_raw : -1;
    r->nwhere_np = where(f[1], 2 * rounds, ECHO_WHERE_MAX, r->where_np);
    r->nwhere_raw = where(f[3], 2 * rounds, ECHO_WHERE_MAX, r->where_raw);
    for (int i = 0; i < 4; i++)
        remove(f[i]);
    r->us_np = wall_us(bench, addr, "np");
    r->us_raw = wall_us(bench, addr, "raw");
    r->ok = 1;
    return 0;
}
