/* What a server process costs, read from Linux's /proc: open descriptors,
 * threads, child processes, resident memory and CPU time, summed over the
 * process and its children (fork mode's hub serves each client from a child).
 * And the process that holds a listening TCP port (/proc/net/tcp gives the
 * socket's inode; /proc/PID/fd names it "socket:[inode]"): ngircd drops
 * privileges, so its pid is found by what it listens on, not by how it was
 * started. Header-only, Linux only by nature. */
#ifndef NT_HOSTILE_PROCFS_H
#define NT_HOSTILE_PROCFS_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROC_MAX_KIDS 256

typedef struct proc_usage {
    int alive;            /* the process exists and is not a zombie */
    long fds;             /* open descriptors: the process plus its children */
    long threads;         /* threads of the process itself */
    long kids;            /* child processes (zombies included: not yet reaped) */
    long rss_kb;          /* VmRSS, summed */
    long long cpu_ticks;  /* utime + stime, summed (clock ticks) */
} proc_usage;

static inline long proc_count_dir(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    long n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* The children of pid (every thread's list), up to max; their number. */
static inline int proc_children(long pid, long *out, int max)
{
    char path[320], buf[4096];
    DIR *d;
    struct dirent *e;
    int n = 0;
    snprintf(path, sizeof path, "/proc/%ld/task", pid);
    if (!(d = opendir(path)))
        return 0;
    while ((e = readdir(d)) != NULL) {
        FILE *f;
        size_t got;
        char *p, *end;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "/proc/%ld/task/%s/children", pid, e->d_name);
        if (!(f = fopen(path, "r")))
            continue;
        got = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[got] = '\0';
        for (p = buf;; p = end) {
            long kid = strtol(p, &end, 10);
            if (end == p)
                break;
            if (n < max)
                out[n++] = kid;
        }
    }
    closedir(d);
    return n;
}

/* State letter, utime + stime of one process; 0 if it is gone. */
static inline int proc_stat(long pid, char *state, long long *ticks)
{
    char path[64], buf[1024], *p;
    unsigned long long ut = 0, st = 0;
    FILE *f;
    size_t got;
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    if (!(f = fopen(path, "r")))
        return 0;
    got = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[got] = '\0';
    /* "pid (comm) S ppid ..." — comm may hold spaces and parentheses. */
    if (!(p = strrchr(buf, ')')))
        return 0;
    /* fields after comm: 3 state, 4 ppid ... 14 utime, 15 stime */
    if (sscanf(p + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", state, &ut,
               &st) != 3)
        return 0;
    *ticks = (long long)(ut + st);
    return 1;
}

static inline long proc_rss_kb(long pid)
{
    char path[64], line[256];
    long kb = 0;
    FILE *f;
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    if (!(f = fopen(path, "r")))
        return 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = atol(line + 6);
    fclose(f);
    return kb;
}

static inline long proc_fd_count(long pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/fd", pid);
    return proc_count_dir(path);
}

/* Print what each open descriptor of pid is (for a failure report). */
static inline void proc_print_fds(long pid)
{
    char path[320], target[256];
    DIR *d;
    struct dirent *e;
    snprintf(path, sizeof path, "/proc/%ld/fd", pid);
    if (!(d = opendir(path)))
        return;
    while ((e = readdir(d)) != NULL) {
        ssize_t n;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "/proc/%ld/fd/%s", pid, e->d_name);
        n = readlink(path, target, sizeof target - 1);
        target[n > 0 ? n : 0] = '\0';
        printf("    pid %ld fd %s -> %s\n", pid, e->d_name, target);
    }
    closedir(d);
}

static inline proc_usage proc_measure(long pid)
{
    proc_usage u;
    long kids[PROC_MAX_KIDS];
    char state = '?';
    char path[64];
    int n;
    memset(&u, 0, sizeof u);
    if (pid <= 0 || !proc_stat(pid, &state, &u.cpu_ticks))
        return u;
    u.alive = state != 'Z' && state != 'X';
    u.fds = proc_fd_count(pid);
    snprintf(path, sizeof path, "/proc/%ld/task", pid);
    u.threads = proc_count_dir(path);
    u.rss_kb = proc_rss_kb(pid);
    n = proc_children(pid, kids, PROC_MAX_KIDS);
    u.kids = n;
    for (int i = 0; i < n; i++) {
        long long t = 0;
        char s;
        long f;
        if (!proc_stat(kids[i], &s, &t))
            continue;
        u.cpu_ticks += t;
        u.rss_kb += proc_rss_kb(kids[i]);
        if ((f = proc_fd_count(kids[i])) > 0)
            u.fds += f;
    }
    return u;
}

static inline double proc_ticks_per_s(void)
{
    long hz = sysconf(_SC_CLK_TCK);
    return hz > 0 ? (double)hz : 100.0;
}

/* The inode of the socket listening on 127.0.0.1:port (or any address), 0 if none. */
static inline unsigned long proc_listen_inode(unsigned port)
{
    FILE *f = fopen("/proc/net/tcp", "r");
    char line[512];
    unsigned long found = 0;
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f)) {
        unsigned laddr, lport, raddr, rport, st;
        unsigned long inode;
        /* sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode */
        if (sscanf(line, " %*d: %x:%x %x:%x %x %*x:%*x %*x:%*x %*x %*d %*d %lu", &laddr, &lport,
                   &raddr, &rport, &st, &inode) != 6)
            continue;
        if (lport == port && st == 0x0A) {
            found = inode;
            break;
        }
    }
    fclose(f);
    return found;
}

/* The process holding the listener on port: of several holders (a child may
 * have inherited it), the one whose parent holds none. 0 if not found. */
static inline long proc_pid_of_port(unsigned port)
{
    unsigned long inode = proc_listen_inode(port);
    char want[64], path[300], target[128];
    long holders[64];
    int nh = 0;
    DIR *d;
    struct dirent *e;
    if (!inode || !(d = opendir("/proc")))
        return 0;
    snprintf(want, sizeof want, "socket:[%lu]", inode);
    while ((e = readdir(d)) != NULL && nh < 64) {
        long pid = strtol(e->d_name, NULL, 10);
        DIR *fd;
        struct dirent *fe;
        if (pid <= 0)
            continue;
        snprintf(path, sizeof path, "/proc/%ld/fd", pid);
        if (!(fd = opendir(path)))
            continue;
        while ((fe = readdir(fd)) != NULL) {
            ssize_t n;
            if (fe->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "/proc/%ld/fd/%s", pid, fe->d_name);
            n = readlink(path, target, sizeof target - 1);
            if (n <= 0)
                continue;
            target[n] = '\0';
            if (strcmp(target, want) == 0) {
                holders[nh++] = pid;
                break;
            }
        }
        closedir(fd);
    }
    closedir(d);
    for (int i = 0; i < nh; i++) {
        char buf[512], *p;
        long ppid = 0;
        int parent_holds = 0;
        FILE *f;
        snprintf(path, sizeof path, "/proc/%ld/stat", holders[i]);
        if ((f = fopen(path, "r")) != NULL) {
            size_t got = fread(buf, 1, sizeof buf - 1, f);
            fclose(f);
            buf[got] = '\0';
            if ((p = strrchr(buf, ')')) != NULL)
                sscanf(p + 2, "%*c %ld", &ppid);
        }
        for (int j = 0; j < nh; j++)
            if (holders[j] == ppid)
                parent_holds = 1;
        if (!parent_holds)
            return holders[i];
    }
    return 0;
}

#endif /* NT_HOSTILE_PROCFS_H */
