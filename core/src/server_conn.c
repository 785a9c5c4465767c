/* libnatter: per-connection helpers every transport uses — the id table, id
 * lists, deferred frees (graves), output buffers bounded by SendQ, framed
 * input into the engine, and connections coming and going (log lines and the
 * engine told). */
#include "server_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- id table ------------------------------------------------------------- */

void nt_table_init(nt_conn_table *t)
{
    memset(t, 0, sizeof *t);
}

void nt_table_free(nt_conn_table *t)
{
    free(t->items);
    free(t->gens);
    free(t->free_slots);
    memset(t, 0, sizeof *t);
}

static int table_grow(nt_conn_table *t)
{
    size_t cap = t->cap ? t->cap * 2 : 64;
    void **items = realloc(t->items, cap * sizeof *items);
    uint32_t *gens, *free_slots;
    if (!items)
        return -1;
    t->items = items;
    gens = realloc(t->gens, cap * sizeof *gens);
    if (!gens)
        return -1;
    t->gens = gens;
    free_slots = realloc(t->free_slots, cap * sizeof *free_slots);
    if (!free_slots)
        return -1;
    t->free_slots = free_slots;
    for (size_t i = t->cap; i < cap; i++) {
        t->items[i] = NULL;
        t->gens[i] = 0;
    }
    /* New slots go on the free stack highest first, so low slots are used
     * first and ids stay small in logs. */
    for (size_t i = cap; i > t->cap; i--)
        t->free_slots[t->nfree++] = (uint32_t)(i - 1);
    t->cap = cap;
    return 0;
}

nt_conn_id nt_table_add(nt_conn_table *t, void *item)
{
    uint32_t slot;
    if (t->nfree == 0 && table_grow(t) != 0)
        return 0;
    slot = t->free_slots[--t->nfree];
    t->gens[slot]++;
    t->items[slot] = item;
    t->count++;
    return ((nt_conn_id)t->gens[slot] << 32) | (nt_conn_id)(slot + 1);
}

static int table_slot(const nt_conn_table *t, nt_conn_id id, size_t *slot)
{
    uint32_t low = (uint32_t)(id & 0xffffffffu);
    if (low == 0 || low > t->cap)
        return 0;
    *slot = low - 1;
    return t->items[*slot] != NULL && t->gens[*slot] == (uint32_t)(id >> 32);
}

void *nt_table_get(const nt_conn_table *t, nt_conn_id id)
{
    size_t slot;
    return table_slot(t, id, &slot) ? t->items[slot] : NULL;
}

void nt_table_remove(nt_conn_table *t, nt_conn_id id)
{
    size_t slot;
    if (!table_slot(t, id, &slot))
        return;
    t->items[slot] = NULL;
    t->free_slots[t->nfree++] = (uint32_t)slot;
    t->count--;
}

void *nt_table_next(const nt_conn_table *t, size_t *pos)
{
    while (*pos < t->cap) {
        void *item = t->items[(*pos)++];
        if (item)
            return item;
    }
    return NULL;
}

/* ---- id lists ------------------------------------------------------------ */

int nt_ids_push(nt_id_list *l, nt_conn_id id)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        nt_conn_id *p = realloc(l->ids, cap * sizeof *p);
        if (!p)
            return -1;
        l->ids = p;
        l->cap = cap;
    }
    l->ids[l->n++] = id;
    return 0;
}

void *nt_ids_pop_live(nt_id_list *l, const nt_conn_table *t)
{
    while (l->n > 0) {
        void *item = nt_table_get(t, l->ids[--l->n]);
        if (item)
            return item;
    }
    return NULL;
}

void nt_ids_each(nt_id_list *l, const nt_conn_table *t, void (*fn)(void *ctx, void *item),
                 void *ctx)
{
    /* l->ids and l->n are read again each time: fn may push (and move them). */
    for (size_t i = 0; i < l->n; i++) {
        void *item = nt_table_get(t, l->ids[i]);
        if (item)
            fn(ctx, item);
    }
    l->n = 0;
}

void nt_ids_free(nt_id_list *l)
{
    free(l->ids);
    memset(l, 0, sizeof *l);
}

/* ---- graves --------------------------------------------------------------- */

void nt_graves_add(nt_graves *g, void *item)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        void **p = realloc(g->items, cap * sizeof *p);
        if (!p) {
            free(item);
            return;
        }
        g->items = p;
        g->cap = cap;
    }
    g->items[g->n++] = item;
}

void nt_graves_bury(nt_graves *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->items[i]);
    g->n = 0;
}

void nt_graves_free(nt_graves *g)
{
    nt_graves_bury(g);
    free(g->items);
    memset(g, 0, sizeof *g);
}

/* ---- output buffers ------------------------------------------------------- */

size_t nt_outbuf_pending(const nt_outbuf *b)
{
    return b->len - b->off;
}

const char *nt_outbuf_head(const nt_outbuf *b)
{
    return b->data + b->off;
}

int nt_outbuf_append(nt_outbuf *b, const char *data, size_t len, size_t extra, size_t limit)
{
    size_t pending = nt_outbuf_pending(b);
    if (limit && pending + extra + len > limit)
        return -1;
    if (b->len + len > b->cap && b->off > 0) {
        /* Slide the pending bytes down before growing: the buffer then never
         * outgrows about twice the SendQ. */
        memmove(b->data, b->data + b->off, pending);
        b->off = 0;
        b->len = pending;
    }
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        char *p;
        while (cap < b->len + len)
            cap *= 2;
        if (!(p = realloc(b->data, cap)))
            return -1;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

void nt_outbuf_consume(nt_outbuf *b, size_t n)
{
    b->off += n;
    if (b->off >= b->len)
        b->off = b->len = 0;
}

void nt_outbuf_take(nt_outbuf *b, nt_outbuf *dst)
{
    nt_outbuf tmp = *dst;
    tmp.off = tmp.len = 0;
    *dst = *b;
    *b = tmp;   /* b keeps dst's old storage: the two swap buffers */
}

void nt_outbuf_free(nt_outbuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* ---- input ---------------------------------------------------------------- */

static int feed(nt_engine *e, nt_framer *f, nt_conn_id id, const char *data, size_t len,
                int64_t now)
{
    while (len > 0) {
        size_t took = nt_framer_feed(f, data, len);
        const char *line;
        size_t n;
        nt_frame_result r;
        data += took;
        len -= took;
        while ((r = nt_framer_next(f, &line, &n)) != NT_FRAME_NEED_MORE) {
            if (r == NT_FRAME_OVERFLOW) {
                nt_engine_overflow(e, id, now);
                return 0;
            }
            nt_engine_line(e, id, line, n, now);
        }
    }
    return 1;
}

static void note_registration(const nt_server *srv, nt_conn_id id, int *registered)
{
    const char *nick;
    if (*registered || !(nick = nt_engine_nick(srv->engine, id)))
        return;
    *registered = 1;
    nt_srv_log(srv, NT_LOG_INFO, "connection %u.%u registered as %s", NT_SRV_ID(id), nick);
}

int nt_srv_input(const nt_server *srv, nt_framer *f, nt_conn_id id, const char *data,
                 size_t len, int *registered)
{
    int ok = feed(srv->engine, f, id, data, len, np_wall_ms());
    if (!ok)
        nt_srv_log(srv, NT_LOG_WARN, "connection %u.%u sent an overlong line", NT_SRV_ID(id));
    note_registration(srv, id, registered);
    return ok;
}

void nt_srv_route_outputs(nt_engine *e, const nt_conn_table *t,
                          void (*on_send)(void *ctx, void *item, nt_line *line),
                          void (*on_close)(void *ctx, void *item, const char *reason), void *ctx)
{
    nt_output out;
    while (nt_engine_next_output(e, &out)) {
        void *item = nt_table_get(t, out.conn);
        if (out.kind == NT_OUT_SEND) {
            if (item)
                on_send(ctx, item, out.line);   /* which owns the reference now */
            else
                nt_line_unref(out.line);
        } else if (item) {
            on_close(ctx, item, out.reason);
        }
    }
}

/* ---- coming and going ----------------------------------------------------- */

void nt_srv_connect(const nt_server *srv, nt_conn_id id, const np_addr *peer)
{
    char ip[64], text[80];
    if (np_addr_host(peer, ip, sizeof ip) != NP_OK)
        snprintf(ip, sizeof ip, "unknown");
    if (np_addr_format(peer, text, sizeof text) != NP_OK)
        snprintf(text, sizeof text, "%s", ip);
    nt_srv_log(srv, NT_LOG_INFO, "connection %u.%u from %s", NT_SRV_ID(id), text);
    nt_engine_connect(srv->engine, id, ip, np_wall_ms());
}

void nt_srv_note_close(const nt_server *srv, nt_conn_id id, const char *reason)
{
    const char *who = nt_engine_nick(srv->engine, id);
    if (who)
        nt_srv_log(srv, NT_LOG_INFO, "connection %u.%u (%s) closed: %s", NT_SRV_ID(id), who,
                   reason);
    else
        nt_srv_log(srv, NT_LOG_INFO, "connection %u.%u closed: %s", NT_SRV_ID(id), reason);
}

void nt_srv_report_loss(const nt_server *srv, nt_conn_id id, const char *reason)
{
    nt_srv_note_close(srv, id, reason);
    nt_engine_closed(srv->engine, id, reason, np_wall_ms());
}
