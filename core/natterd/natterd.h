/* natterd: the pieces of the program — settings from a config file and from
 * flags (config.c, options.c), logging (log.c), and main.c tying them to
 * nt_server. */
#ifndef NATTERD_H
#define NATTERD_H

#include <natter/natter.h>
#include <stdio.h>

/* Everything natterd can be told. Strings are owned here (nd_settings_free). */
typedef struct nd_settings {
    nt_server_config server;     /* engine settings, mode, listeners, log level */
    char *motd_file;
    char *log_file;              /* NULL: stderr; "-": stdout */
    int daemon;
    int listen_from_flags;       /* --listen replaces the config file's list */
    char **owned;                /* every string we allocated */
    size_t nowned, owned_cap;
} nd_settings;

void nd_settings_init(nd_settings *s);
void nd_settings_free(nd_settings *s);
/* A copy owned by s; NULL on out of memory. */
char *nd_strdup(nd_settings *s, const char *text);

/* Apply one setting, as named in the config file ("server", "name", "x").
 * 0 on success; otherwise -1 with a reason in err. */
int nd_set(nd_settings *s, const char *section, const char *key, const char *value,
           char *err, size_t errlen);

/* Read an INI file into s. 0 on success; otherwise -1 with "FILE:LINE: why". */
int nd_load_config(nd_settings *s, const char *path, char *err, size_t errlen);

/* Read the MOTD file into s->server.engine.motd. */
int nd_load_motd(nd_settings *s, char *err, size_t errlen);

/* Command line. Returns 0 to run, 1 when done (--help, --version: exit 0),
 * -1 on a bad flag (err says why). */
int nd_parse_options(nd_settings *s, int argc, char **argv, char *err, size_t errlen);

/* Logging: to stderr, stdout ("-") or a file. */
int nd_log_open(const char *path, char *err, size_t errlen);
void nd_log_close(void);
void nd_log(void *ctx, nt_log_level level, const char *text);
/* While starting up, errors are held back so that main prints exactly one
 * line: this returns the last held error ("" if none). */
void nd_log_hold_errors(int on);
const char *nd_log_held_error(void);

#endif /* NATTERD_H */
