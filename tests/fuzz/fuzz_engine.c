/* libFuzzer target for the server engine: the input is a script of events
 * over NCONN connections, each with its own byte stream cut into lines by an
 * nt_framer, as a transport would do it. Every output is drained after each
 * event and checked (SEND only to open connections, CLOSE closes); at the end
 * the engine is shut down and freed: any leak is a failure.
 *
 * Opcodes are chosen so that scripts can be text (see corpus/fuzz_engine):
 * ' ' connects connection 0, ',' feeds it a line, '4' closes it, '<' + a
 * byte lets time pass; the next three characters of each act on 1, 2, 3.
 *
 * Script: byte 0 picks the configuration (flood control, small limits); then
 * each event is an opcode byte: low 2 bits the connection, the rest the kind:
 *   0     connect (from one of two peer IPs)
 *   1-2   data: the next byte is a length n, the next n bytes are fed
 *   3-4   data: the bytes up to and including the next LF (or the end) are fed
 *   5     the transport closes (EOF)
 *   6     time passes: the next byte * 37 ms
 *   7     time passes: up to a few minutes (PINGs, timeouts), then a tick */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <natter/engine.h>
#include <natter/msg.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NCONN 4

typedef struct conn {
    int open;
    nt_conn_id id;
    nt_framer framer;
} conn;

static conn g_conns[NCONN];
static nt_conn_id g_next_id;

static conn *find(nt_conn_id id)
{
    for (int i = 0; i < NCONN; i++)
        if (g_conns[i].open && g_conns[i].id == id)
            return &g_conns[i];
    return NULL;
}

static void drain(nt_engine *e)
{
    nt_output out;
    while (nt_engine_next_output(e, &out)) {
        conn *c = find(out.conn);
        if (out.kind == NT_OUT_SEND) {
            size_t len = nt_line_len(out.line);
            const char *p = nt_line_data(out.line);
            /* Every line out is whole: ends in CR LF, has no other line end,
             * and fits the IRC limit with its tags. */
            if (!c || len < 2 || p[len - 2] != '\r' || p[len - 1] != '\n'
                || memchr(p, '\n', len - 1) || memchr(p, '\r', len - 2) || memchr(p, '\0', len))
                abort();
            nt_line_unref(out.line);
        } else if (out.kind == NT_OUT_CLOSE) {
            if (!c)
                abort();
            c->open = 0;   /* the engine asked: no nt_engine_closed */
        } else {
            abort();
        }
    }
}

static void feed(nt_engine *e, conn *c, const char *p, size_t n, int64_t now)
{
    while (n > 0 && c->open) {
        const char *line;
        size_t len, took = nt_framer_feed(&c->framer, p, n);
        nt_frame_result r;
        p += took;
        n -= took;
        while (c->open && (r = nt_framer_next(&c->framer, &line, &len)) != NT_FRAME_NEED_MORE) {
            if (r == NT_FRAME_OVERFLOW)
                nt_engine_overflow(e, c->id, now);
            else
                nt_engine_line(e, c->id, line, len, now);
            drain(e);
        }
        if (took == 0 && c->open)
            abort();   /* full and nothing to take: the framer would spin */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nt_engine_config cfg;
    nt_engine *e;
    int64_t now = 1000000;
    size_t i = 0;

    if (size == 0)
        return 0;
    nt_engine_config_defaults(&cfg);
    cfg.server_name = "fuzz.natter";
    cfg.network_name = "FuzzNet";
    cfg.motd = "line one\nline two";
    cfg.version = "natterd-fuzz";
    cfg.created_ms = 1;
    cfg.opers[0].name = "root";
    cfg.opers[0].password = "secret";
    cfg.nopers = 1;
    cfg.flood_limits = data[0] & 1;
    if (data[0] & 2)
        cfg.password = "pw";
    if (data[0] & 4) {
        cfg.max_clients = 3;
        cfg.max_clients_per_ip = 2;
        cfg.max_channels = 2;
        cfg.max_targets = 2;
        cfg.max_list_modes = 2;
        cfg.nicklen = 5;
        cfg.channellen = 6;
        cfg.topiclen = 8;
        cfg.recvq_bytes = 64;
    }
    e = nt_engine_new(&cfg, now);
    if (!e)
        return 0;
    memset(g_conns, 0, sizeof g_conns);
    for (i = 1; i < size;) {
        uint8_t op = data[i++];
        conn *c = &g_conns[op & 3];
        unsigned kind = (op >> 2) & 7;
        if (kind == 0) {
            if (!c->open) {
                c->open = 1;
                c->id = ++g_next_id;
                nt_framer_free(&c->framer);   /* a fresh framer (memset one: empty) */
                nt_engine_connect(e, c->id, (op & 0x80) ? "10.0.0.2" : "127.0.0.1", now);
            }
        } else if (kind <= 4) {
            size_t n;
            if (kind <= 2) {
                n = i < size ? data[i++] : 0;
                if (n > size - i)
                    n = size - i;
            } else {
                const uint8_t *lf = memchr(data + i, '\n', size - i);
                n = lf ? (size_t)(lf - (data + i)) + 1 : size - i;
            }
            if (c->open)
                feed(e, c, (const char *)data + i, n, now);
            i += n;
        } else if (kind == 5) {
            if (c->open) {
                c->open = 0;
                nt_engine_closed(e, c->id, "Connection reset by peer", now);
            }
        } else {
            unsigned b = i < size ? data[i++] : 0;
            now += kind == 6 ? (int64_t)b * 37 : (int64_t)b * 1000;
            (void)nt_engine_next_tick(e);
            nt_engine_tick(e, now);
        }
        drain(e);
    }
    nt_engine_shutdown(e, "fuzz over", now);
    drain(e);
    for (int k = 0; k < NCONN; k++)
        if (g_conns[k].open)
            abort();   /* shutdown closes every connection */
    for (int k = 0; k < NCONN; k++)
        nt_framer_free(&g_conns[k].framer);
    nt_engine_free(e);
    return 0;
}
