/* natterd: the command line. --config is read first wherever it appears, so
 * that every other flag overrides the file; --listen replaces the file's
 * addresses, --oper adds to its operators. */
#include "natterd.h"

#include <string.h>

int nd_parse_log_level(const char *v, nt_log_level *out);

static const char usage[] =
    "Usage: natterd [OPTIONS]\n"
    "An IRC server.\n"
    "\n"
    "  --listen ADDR:PORT     listen here (repeatable; [IPv6]:PORT; default 127.0.0.1:6667)\n"
    "  --mode MODE            event (default), thread%s\n"
    "  --server-name NAME     the server's name in replies (default natter.local)\n"
    "  --password PASS        clients must send PASS first\n"
    "  --motd-file FILE       message of the day\n"
    "  --config FILE          INI settings (see natterd.conf.example); flags override it\n"
    "  --oper NAME:PASS       an IRC operator (repeatable)\n"
    "  --max-clients N        refuse connections beyond N (0: no limit)\n"
    "  --no-flood-limits      do not throttle clients (tests, benchmarks)\n"
    "%s"
    "  --log-level LEVEL      error, warn, info (default) or debug\n"
    "  --log-file FILE        log here instead of stderr ('-' for stdout)\n"
    "  --version              print the version and exit\n"
    "  --help                 print this and exit\n";

static const char *flag_value(int argc, char **argv, int *i, const char *name, char *err,
                              size_t errlen)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) == 0 && a[n] == '=')
        return a + n + 1;
    if (*i + 1 >= argc) {
        snprintf(err, errlen, "%s needs a value", name);
        return NULL;
    }
    return argv[++*i];
}

static int matches(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* Flags that take a value and map straight onto a setting. */
static const struct {
    const char *flag, *section, *key;
} simple[] = {
    {"--listen", "listen", "address"},   {"--mode", "server", "mode"},
    {"--server-name", "server", "name"}, {"--password", "server", "password"},
    {"--motd-file", "server", "motd-file"}, {"--max-clients", "server", "max-clients"},
    {"--log-level", "log", "level"},     {"--log-file", "log", "file"},
};

int nd_parse_options(nd_settings *s, int argc, char **argv, char *err, size_t errlen)
{
    /* First pass: --help, --version and --config. */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf(usage, NP_HAVE_FORK ? ", fork" : "",
                   NP_HAVE_FORK ? "  --daemon               detach and run in the background\n"
                                : "");
            return 1;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("natterd %s (libnatter %s)\n", NATTER_VERSION_STRING, nt_version());
            return 1;
        }
    }
    for (int i = 1; i < argc; i++) {
        if (matches(argv[i], "--config")) {
            const char *v = flag_value(argc, argv, &i, "--config", err, errlen);
            if (!v || nd_load_config(s, v, err, errlen) != 0)
                return -1;
        }
    }
    /* Second pass: everything else, in order. */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        char why[256];
        size_t k;
        if (matches(a, "--config")) {
            flag_value(argc, argv, &i, "--config", err, errlen);
            continue;
        }
        if (strcmp(a, "--no-flood-limits") == 0) {
            s->server.engine.flood_limits = 0;
            continue;
        }
        if (strcmp(a, "--daemon") == 0) {
            if (!NP_HAVE_FORK) {
                snprintf(err, errlen, "--daemon needs fork(), missing on this platform");
                return -1;
            }
            s->daemon = 1;
            continue;
        }
        if (matches(a, "--oper")) {
            char pair[256], *colon;
            if (!(v = flag_value(argc, argv, &i, "--oper", err, errlen)))
                return -1;
            snprintf(pair, sizeof pair, "%s", v);
            if (!(colon = strchr(pair, ':'))) {
                snprintf(err, errlen, "--oper wants NAME:PASS, not '%s'", v);
                return -1;
            }
            *colon = '\0';
            if (nd_set(s, "opers", pair, colon + 1, why, sizeof why) != 0) {
                snprintf(err, errlen, "--oper: %s", why);
                return -1;
            }
            continue;
        }
        for (k = 0; k < sizeof simple / sizeof simple[0]; k++)
            if (matches(a, simple[k].flag))
                break;
        if (k == sizeof simple / sizeof simple[0]) {
            snprintf(err, errlen, "unknown option '%s' (try --help)", a);
            return -1;
        }
        if (!(v = flag_value(argc, argv, &i, simple[k].flag, err, errlen)))
            return -1;
        if (k == 0 && !s->listen_from_flags) {
            s->listen_from_flags = 1;
            s->server.nlisten = 0;   /* the flags' list replaces the file's */
        }
        if (nd_set(s, simple[k].section, simple[k].key, v, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s: %s", simple[k].flag, why);
            return -1;
        }
    }
    return 0;
}
