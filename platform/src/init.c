/* libnp: np_init / np_cleanup — reference counted, safe from any thread. */
#include "np_internal.h"

static np_sys_lock init_lock = NP_SYS_LOCK_INIT;
static int init_count;
static int env_read;

np_err np_init(void)
{
    np_err err = NP_OK;
    np_sys_lock_take(&init_lock);
    if (init_count == 0)
        err = np_os_init();
    if (err == NP_OK) {
        init_count++;
        /* The environment is read once per process: a library that calls
         * np_init again must not reset faults a test has set since. */
        if (!env_read) {
            env_read = 1;
            np_trace_init_from_env();
            np_fault_init_from_env();
        }
    }
    np_sys_lock_give(&init_lock);
    return err == NP_OK ? NP_OK : np_err_record(err, np_last_native_error());
}

void np_cleanup(void)
{
    np_sys_lock_take(&init_lock);
    if (init_count > 0 && --init_count == 0)
        np_os_cleanup();
    np_sys_lock_give(&init_lock);
}

int np_is_initialized(void)
{
    int n;
    np_sys_lock_take(&init_lock);
    n = init_count;
    np_sys_lock_give(&init_lock);
    return n > 0;
}

const char *np_version(void)
{
    return NP_VERSION_STRING;
}
