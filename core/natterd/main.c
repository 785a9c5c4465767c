/* natterd: the IRC server program. Settings come from --config and flags;
 * nt_server does the rest. Startup prints one "natterd: listening on
 * ADDR:PORT" line per listener on stdout (flushed: tests start natterd on port
 * 0 and read the port from it); any startup failure is one line on stderr and
 * a non-zero exit. SIGINT/SIGTERM (Ctrl-C, console close on Windows) stop the
 * server cleanly: every client gets an ERROR line. */
#include "natterd.h"

#include <stdlib.h>
#include <string.h>

static void on_terminate(void *ctx)
{
    /* Runs in a signal handler: nt_server_stop only stores and wakes. */
    nt_server_stop((nt_server *)ctx);
}

static int fail(nd_settings *s, const char *what)
{
    fprintf(stderr, "natterd: %s\n", what);
    nd_log_close();
    nd_settings_free(s);
    np_cleanup();
    return 1;
}

int main(int argc, char **argv)
{
    nd_settings s;
    nt_server *srv = NULL;
    char err[512] = "";
    np_err rc;
    int opt;

    if (np_init() != NP_OK) {
        fprintf(stderr, "natterd: cannot initialise networking\n");
        return 1;
    }
    nd_settings_init(&s);
    opt = nd_parse_options(&s, argc, argv, err, sizeof err);
    if (opt == 1) {
        nd_settings_free(&s);
        np_cleanup();
        return 0;
    }
    if (opt < 0) {
        fprintf(stderr, "natterd: %s\n", err);
        nd_settings_free(&s);
        np_cleanup();
        return 2;
    }
    if (nd_load_motd(&s, err, sizeof err) != 0 || nd_log_open(s.log_file, err, sizeof err) != 0)
        return fail(&s, err);

    /* nt_server_open logs why a listener failed: keep that back and print it
     * as our one line. */
    nd_log_hold_errors(1);
    rc = nt_server_open(&s.server, &srv);
    nd_log_hold_errors(0);
    if (rc != NP_OK) {
        if (nd_log_held_error()[0])
            snprintf(err, sizeof err, "%s", nd_log_held_error());
        else
            snprintf(err, sizeof err, "cannot start: %s", np_strerror(rc));
        return fail(&s, err);
    }
    for (size_t i = 0; i < nt_server_listen_count(srv); i++) {
        np_addr a;
        char text[80];
        nt_server_listen_addr(srv, i, &a);
        np_addr_format(&a, text, sizeof text);
        printf("natterd: listening on %s\n", text);
    }
    fflush(stdout);
#if NP_HAVE_FORK
    if (s.daemon && (rc = np_daemonize()) != NP_OK) {
        snprintf(err, sizeof err, "cannot become a daemon: %s", np_strerror(rc));
        nt_server_free(srv);
        return fail(&s, err);
    }
#endif
    if ((rc = np_on_terminate(on_terminate, srv)) != NP_OK)
        nd_log(NULL, NT_LOG_WARN, "cannot catch terminate requests: clients get no goodbye");
    rc = nt_server_run(srv);
    /* Back to the default before the server goes: a late signal must not
     * reach a freed server. */
    np_on_terminate(NULL, NULL);
    nt_server_free(srv);
    nd_log_close();
    nd_settings_free(&s);
    np_cleanup();
    return rc == NP_OK ? 0 : 1;
}
