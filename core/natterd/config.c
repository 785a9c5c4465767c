/* natterd: settings — defaults, one setter shared by the config file and the
 * flags (so both accept exactly the same values), and the INI file reader.
 *
 *     ; comment            # comment
 *     [server]
 *     name = irc.example.org
 *
 * Unknown sections and keys are errors: a typo must not silently leave a
 * server open with defaults. */
#include "natterd.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

void nd_settings_init(nd_settings *s)
{
    memset(s, 0, sizeof *s);
    nt_engine_config_defaults(&s->server.engine);
    s->server.engine.version = "natterd-" NATTER_VERSION_STRING;
    s->server.engine.created_ms = np_wall_ms();
    s->server.mode = NT_MODE_EVENT;
    s->server.log = nd_log;
    s->server.log_level = NT_LOG_INFO;
}

void nd_settings_free(nd_settings *s)
{
    for (size_t i = 0; i < s->nowned; i++)
        free(s->owned[i]);
    free(s->owned);
    memset(s, 0, sizeof *s);
}

static char *own(nd_settings *s, char *p)
{
    if (!p)
        return NULL;
    if (s->nowned == s->owned_cap) {
        size_t cap = s->owned_cap ? s->owned_cap * 2 : 16;
        char **v = realloc(s->owned, cap * sizeof *v);
        if (!v) {
            free(p);
            return NULL;
        }
        s->owned = v;
        s->owned_cap = cap;
    }
    s->owned[s->nowned++] = p;
    return p;
}

char *nd_strdup(nd_settings *s, const char *text)
{
    size_t n = strlen(text) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, text, n);
    return own(s, p);
}

/* ---- value parsers ------------------------------------------------------ */

static int parse_ulong(const char *v, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long n;
    if (!*v || *v == '-' || *v == '+')
        return -1;
    errno = 0;
    n = strtoul(v, &end, 10);
    if (errno || *end || n > max)
        return -1;
    *out = n;
    return 0;
}

static int parse_bool(const char *v, int *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"}, *const no[] = {"no", "false",
                                                                             "off", "0"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(v, yes[i]) == 0)
            return *out = 1, 0;
        if (strcmp(v, no[i]) == 0)
            return *out = 0, 0;
    }
    return -1;
}

int nd_parse_log_level(const char *v, nt_log_level *out);
int nd_parse_log_level(const char *v, nt_log_level *out)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++)
        if (strcmp(v, names[i]) == 0)
            return *out = (nt_log_level)i, 0;
    return -1;
}

static int add_listen(nd_settings *s, const char *v, char *err, size_t errlen)
{
    np_addr a;
    if (s->server.nlisten >= NT_SERVER_MAX_LISTEN) {
        snprintf(err, errlen, "at most %d listen addresses", NT_SERVER_MAX_LISTEN);
        return -1;
    }
    /* Numeric only: a listener on a name that resolves differently later is
     * a surprise nobody wants in a server. */
    if (np_addr_parse(v, &a) != NP_OK ||
        (np_addr_family(&a) != NP_AF_INET && np_addr_family(&a) != NP_AF_INET6)) {
        snprintf(err, errlen, "bad listen address '%s' (want ADDR:PORT or [ADDR6]:PORT)", v);
        return -1;
    }
    s->server.listen[s->server.nlisten++] = a;
    return 0;
}

static int add_oper(nd_settings *s, const char *name, const char *pass, char *err, size_t errlen)
{
    nt_engine_config *e = &s->server.engine;
    if (!*name || !*pass || strchr(name, ' ')) {
        snprintf(err, errlen, "bad operator '%s' (want NAME and PASSWORD)", name);
        return -1;
    }
    if (e->nopers >= NT_ENGINE_MAX_OPERS) {
        snprintf(err, errlen, "at most %d operators", NT_ENGINE_MAX_OPERS);
        return -1;
    }
    e->opers[e->nopers].name = nd_strdup(s, name);
    e->opers[e->nopers].password = nd_strdup(s, pass);
    if (!e->opers[e->nopers].name || !e->opers[e->nopers].password) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    e->nopers++;
    return 0;
}

/* ---- the setter ----------------------------------------------------------- */

typedef enum { K_STR, K_UINT, K_SIZE, K_SECONDS, K_MS, K_BOOL } kind;

typedef struct key_def {
    const char *section, *key;
    kind kind;
    size_t offset;   /* into nt_engine_config */
} key_def;

#define E(field) offsetof(nt_engine_config, field)

static const key_def engine_keys[] = {
    {"server", "name", K_STR, E(server_name)},
    {"server", "network", K_STR, E(network_name)},
    {"server", "password", K_STR, E(password)},
    {"server", "max-clients", K_UINT, E(max_clients)},
    {"server", "max-clients-per-ip", K_UINT, E(max_clients_per_ip)},
    {"admin", "location", K_STR, E(admin_location)},
    {"admin", "email", K_STR, E(admin_email)},
    {"limits", "max-channels", K_UINT, E(max_channels)},
    {"limits", "nicklen", K_UINT, E(nicklen)},
    {"limits", "channellen", K_UINT, E(channellen)},
    {"limits", "topiclen", K_UINT, E(topiclen)},
    {"limits", "kicklen", K_UINT, E(kicklen)},
    {"limits", "awaylen", K_UINT, E(awaylen)},
    {"limits", "max-targets", K_UINT, E(max_targets)},
    {"limits", "max-bans", K_UINT, E(max_list_modes)},
    {"limits", "flood-limits", K_BOOL, E(flood_limits)},
    {"limits", "flood-burst", K_UINT, E(flood_burst)},
    {"limits", "flood-interval-ms", K_UINT, E(flood_interval_ms)},
    {"limits", "recvq", K_SIZE, E(recvq_bytes)},
    {"limits", "sendq", K_SIZE, E(sendq_bytes)},
    {"limits", "ping-interval", K_SECONDS, E(ping_interval_ms)},
    {"limits", "ping-timeout", K_SECONDS, E(ping_timeout_ms)},
    {"limits", "register-timeout", K_SECONDS, E(register_timeout_ms)},
};

static int set_engine_key(nd_settings *s, const key_def *k, const char *v, char *err,
                          size_t errlen)
{
    char *field = (char *)&s->server.engine + k->offset;
    unsigned long n;
    int b;
    switch (k->kind) {
    case K_STR: {
        const char *copy = nd_strdup(s, v);
        if (!copy)
            return snprintf(err, errlen, "out of memory"), -1;
        memcpy(field, &copy, sizeof copy);
        return 0;
    }
    case K_BOOL:
        if (parse_bool(v, &b) != 0)
            break;
        memcpy(field, &b, sizeof b);
        return 0;
    case K_UINT: {
        unsigned u;
        if (parse_ulong(v, UINT_MAX, &n) != 0)
            break;
        u = (unsigned)n;
        memcpy(field, &u, sizeof u);
        return 0;
    }
    case K_SIZE: {
        size_t z;
        if (parse_ulong(v, (unsigned long)(SIZE_MAX > ULONG_MAX ? ULONG_MAX : SIZE_MAX), &n))
            break;
        z = (size_t)n;
        memcpy(field, &z, sizeof z);
        return 0;
    }
    case K_SECONDS:
    case K_MS: {
        int64_t ms;
        if (parse_ulong(v, 86400UL * 365, &n) != 0)
            break;
        ms = (int64_t)n * (k->kind == K_SECONDS ? 1000 : 1);
        memcpy(field, &ms, sizeof ms);
        return 0;
    }
    }
    snprintf(err, errlen, "bad value '%s' for %s.%s", v, k->section, k->key);
    return -1;
}

int nd_set(nd_settings *s, const char *section, const char *key, const char *value,
           char *err, size_t errlen)
{
    if (strcmp(section, "listen") == 0) {
        if (strcmp(key, "address") == 0)
            return add_listen(s, value, err, errlen);
    } else if (strcmp(section, "opers") == 0) {
        return add_oper(s, key, value, err, errlen);
    } else if (strcmp(section, "server") == 0 && strcmp(key, "mode") == 0) {
        int m = nt_server_mode_parse(value);
        if (m < 0 || !nt_server_mode_available((nt_server_mode)m)) {
            snprintf(err, errlen, "mode '%s' is not available here", value);
            return -1;
        }
        s->server.mode = (nt_server_mode)m;
        return 0;
    } else if (strcmp(section, "server") == 0 && strcmp(key, "motd-file") == 0) {
        return (s->motd_file = nd_strdup(s, value)) ? 0 : -1;
    } else if (strcmp(section, "server") == 0 && strcmp(key, "casemapping") == 0) {
        if (strcmp(value, "rfc1459") == 0)
            s->server.engine.casemap = NT_CASEMAP_RFC1459;
        else if (strcmp(value, "ascii") == 0)
            s->server.engine.casemap = NT_CASEMAP_ASCII;
        else
            return snprintf(err, errlen, "bad casemapping '%s' (rfc1459 or ascii)", value), -1;
        return 0;
    } else if (strcmp(section, "server") == 0 && strcmp(key, "daemon") == 0) {
        if (parse_bool(value, &s->daemon) != 0)
            return snprintf(err, errlen, "bad value '%s' for server.daemon", value), -1;
        if (s->daemon && !NP_HAVE_FORK)
            return snprintf(err, errlen, "daemon mode needs fork(), missing here"), -1;
        return 0;
    } else if (strcmp(section, "log") == 0 && strcmp(key, "level") == 0) {
        if (nd_parse_log_level(value, &s->server.log_level) != 0)
            return snprintf(err, errlen, "bad log level '%s' (error, warn, info, debug)",
                            value), -1;
        return 0;
    } else if (strcmp(section, "log") == 0 && strcmp(key, "file") == 0) {
        return (s->log_file = nd_strdup(s, value)) ? 0 : -1;
    }
    for (size_t i = 0; i < sizeof engine_keys / sizeof engine_keys[0]; i++)
        if (strcmp(engine_keys[i].section, section) == 0 && strcmp(engine_keys[i].key, key) == 0)
            return set_engine_key(s, &engine_keys[i], value, err, errlen);
    snprintf(err, errlen, "unknown setting '%s' in [%s]", key, section);
    return -1;
}

/* ---- the file ------------------------------------------------------------- */

static char *trim(char *p)
{
    char *end;
    while (*p == ' ' || *p == '\t')
        p++;
    end = p + strlen(p);
    while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
        *--end = '\0';
    return p;
}

static int known_section(const char *name)
{
    static const char *const names[] = {"server", "listen", "limits", "opers", "admin", "log"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

int nd_load_config(nd_settings *s, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    char line[1024], section[64] = "", why[256];
    int lineno = 0, rc = 0;
    if (!f) {
        snprintf(err, errlen, "cannot read config %s: %s", path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        char *p = trim(line), *eq;
        lineno++;
        if (strlen(line) == sizeof line - 1 && line[sizeof line - 2] != '\n') {
            snprintf(err, errlen, "%s:%d: line too long", path, lineno);
            rc = -1;
            break;
        }
        if (!*p || *p == ';' || *p == '#')
            continue;
        if (*p == '[') {
            char *close = strchr(p, ']');
            if (!close || *trim(close + 1)) {
                snprintf(err, errlen, "%s:%d: bad section header", path, lineno);
                rc = -1;
                break;
            }
            *close = '\0';
            snprintf(section, sizeof section, "%s", trim(p + 1));
            if (!known_section(section)) {
                snprintf(err, errlen, "%s:%d: unknown section [%s]", path, lineno, section);
                rc = -1;
                break;
            }
            continue;
        }
        if (!(eq = strchr(p, '=')) || !section[0]) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno,
                     section[0] ? "expected 'key = value'" : "setting before any [section]");
            rc = -1;
            break;
        }
        *eq = '\0';
        if (nd_set(s, section, trim(p), trim(eq + 1), why, sizeof why) != 0) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
            rc = -1;
            break;
        }
    }
    fclose(f);
    return rc;
}

int nd_load_motd(nd_settings *s, char *err, size_t errlen)
{
    FILE *f;
    char *text;
    size_t len = 0, cap = 4096;
    if (!s->motd_file)
        return 0;
    if (!(f = fopen(s->motd_file, "r"))) {
        snprintf(err, errlen, "cannot read MOTD %s: %s", s->motd_file, strerror(errno));
        return -1;
    }
    text = malloc(cap);
    while (text) {
        size_t got = fread(text + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
        if (len + 1 == cap) {
            char *bigger = cap < 65536 ? realloc(text, cap * 2) : NULL;
            if (!bigger)
                break;   /* a MOTD over 64 KiB is cut there */
            text = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (!text || !own(s, text)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    text[len] = '\0';
    s->server.engine.motd = text;
    return 0;
}
