/* libFuzzer target for natterd's INI config parser (core/natterd/config.c,
 * compiled in). nd_load_config() reads a file by path, so each input is written
 * to one private temporary file (rewritten in place, removed at exit) and
 * loaded into fresh settings; the settings are then checked and freed: any
 * leak is a failure. The error text must be a terminated string. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "natterd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char g_path[64];
static int g_fd = -1;

static void remove_file(void)
{
    if (g_path[0])
        unlink(g_path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nd_settings s;
    char err[256];
    int rc;

    if (g_fd < 0) {
        const char *dir = getenv("TMPDIR");
        snprintf(g_path, sizeof g_path, "%s/natter-fuzz-config.XXXXXX",
                 dir && strlen(dir) < 32 ? dir : "/tmp");
        if ((g_fd = mkstemp(g_path)) < 0)
            abort();
        atexit(remove_file);
    }
    if (ftruncate(g_fd, 0) != 0 || (size && pwrite(g_fd, data, size, 0) != (ssize_t)size))
        abort();

    nd_settings_init(&s);
    memset(err, 0x55, sizeof err);
    rc = nd_load_config(&s, g_path, err, sizeof err);
    if (rc != 0 && rc != -1)
        abort();
    if (rc != 0 && !memchr(err, '\0', sizeof err))
        abort();
    if (s.server.nlisten > NT_SERVER_MAX_LISTEN || s.server.engine.nopers > NT_ENGINE_MAX_OPERS)
        abort();
    for (size_t i = 0; i < s.server.engine.nopers; i++)
        if (!s.server.engine.opers[i].name || !s.server.engine.opers[i].password)
            abort();
    if (s.server.engine.server_name)
        (void)strlen(s.server.engine.server_name);
    nd_settings_free(&s);
    return 0;
}
