/* The echo scenario's baseline: the loop of echo_loop_np on the raw system
 * calls, send() and recv() on the socket's descriptor. It is the one file of
 * the benchmarks that includes an OS socket header, because measuring what
 * libnp adds over the bare calls is its whole job. The connection itself is
 * set up through libnp, like the other loop's. */
#include "scenarios.h"

#include <errno.h>
#include <sys/socket.h>

__attribute__((noinline)) int echo_loop_raw(np_socket_t s, char *buf, size_t size, long rounds)
{
    int fd = np_socket_fileno(s);
    for (long r = 0; r < rounds; r++) {
        size_t off = 0;
        while (off < size) {
            ssize_t n = send(fd, buf + off, size - off, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return -1;
            off += (size_t)n;
        }
        for (off = 0; off < size;) {
            ssize_t n = recv(fd, buf + off, size - off, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return -1;
            off += (size_t)n;
        }
    }
    return 0;
}
