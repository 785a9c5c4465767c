/* libnatter engine: life cycle, input events, the output queue, shared lines,
 * replies and broadcasts, and the client table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

/* ---- configuration ------------------------------------------------------ */

void nt_engine_config_defaults(nt_engine_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->server_name = "natter.local";
    cfg->network_name = "Natter";
    cfg->admin_location = "Natter IRC server";
    cfg->admin_email = "admin@natter.local";
    cfg->version = "natterd-" NATTER_VERSION_STRING;
    cfg->casemap = NT_CASEMAP_RFC1459;
    cfg->nicklen = 30;
    cfg->channellen = 50;
    cfg->topiclen = 390;
    cfg->kicklen = 390;
    cfg->awaylen = 200;
    cfg->userlen = 10;
    cfg->max_channels = 20;
    cfg->max_targets = 4;
    cfg->max_list_modes = 60;
    cfg->flood_limits = 1;
    cfg->flood_burst = 10;
    cfg->flood_interval_ms = 2000;
    cfg->recvq_bytes = 8192;
    cfg->sendq_bytes = 1024 * 1024;
    cfg->ping_interval_ms = 120000;
    cfg->ping_timeout_ms = 60000;
    cfg->register_timeout_ms = 60000;
}

static unsigned clamp_u(unsigned v, unsigned lo, unsigned hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Copy cfg, own its strings, and keep lengths inside our buffers so ISUPPORT
 * never advertises more than the engine can hold. */
static int copy_config(nt_engine *e, const nt_engine_config *cfg)
{
    const char **fields[] = {&e->cfg.server_name, &e->cfg.network_name, &e->cfg.password,
                             &e->cfg.motd, &e->cfg.admin_location, &e->cfg.admin_email,
                             &e->cfg.version};
    size_t i;
    e->cfg = *cfg;
    for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (*fields[i]) {
            e->owned[i] = nt_strdup(*fields[i]);
            if (!e->owned[i])
                return -1;
            *fields[i] = e->owned[i];
        }
    }
    if (!e->cfg.server_name) {
        e->owned[0] = nt_strdup("natter.local");
        if (!e->owned[0])
            return -1;
        e->cfg.server_name = e->owned[0];
    }
    if (!e->cfg.network_name)
        e->cfg.network_name = "Natter";
    if (!e->cfg.version)
        e->cfg.version = "natterd-" NATTER_VERSION_STRING;
    if (!e->cfg.admin_location)
        e->cfg.admin_location = "";
    if (!e->cfg.admin_email)
        e->cfg.admin_email = "";
    /* opers: the caller's strings are copied into one block per oper */
    if (e->cfg.nopers > NT_ENGINE_MAX_OPERS)
        e->cfg.nopers = NT_ENGINE_MAX_OPERS;
    for (i = 0; i < e->cfg.nopers; i++) {
        const char *n = cfg->opers[i].name ? cfg->opers[i].name : "";
        const char *p = cfg->opers[i].password ? cfg->opers[i].password : "";
        size_t ln = strlen(n) + 1, lp = strlen(p) + 1;
        char *blk = malloc(ln + lp);
        if (!blk)
            return -1;
        memcpy(blk, n, ln);
        memcpy(blk + ln, p, lp);
        e->cfg.opers[i].name = blk;
        e->cfg.opers[i].password = blk + ln;
    }
    e->cfg.nicklen = clamp_u(e->cfg.nicklen, 1, NT_NICK_BUF - 1);
    e->cfg.channellen = clamp_u(e->cfg.channellen, 2, NT_CHAN_BUF - 1);
    e->cfg.userlen = clamp_u(e->cfg.userlen, 1, NT_USER_BUF - 1);
    e->cfg.topiclen = clamp_u(e->cfg.topiclen, 1, 400);
    e->cfg.kicklen = clamp_u(e->cfg.kicklen, 1, 400);
    e->cfg.awaylen = clamp_u(e->cfg.awaylen, 1, 400);
    e->cfg.max_targets = clamp_u(e->cfg.max_targets, 1, 64);
    e->cfg.max_channels = clamp_u(e->cfg.max_channels, 1, 10000);
    e->cfg.max_list_modes = clamp_u(e->cfg.max_list_modes, 1, 10000);
    if (e->cfg.flood_burst == 0)
        e->cfg.flood_burst = 1;
    return 0;
}

static void free_config(nt_engine *e)
{
    size_t i;
    for (i = 0; i < sizeof e->owned / sizeof e->owned[0]; i++)
        free(e->owned[i]);
    for (i = 0; i < e->cfg.nopers; i++)
        free((void *)(uintptr_t)e->cfg.opers[i].name);
}

nt_engine *nt_engine_new(const nt_engine_config *cfg, int64_t now)
{
    nt_engine *e = calloc(1, sizeof *e);
    nt_engine_config def;
    if (!e)
        return NULL;
    if (!cfg) {
        nt_engine_config_defaults(&def);
        cfg = &def;
    }
    if (copy_config(e, cfg) != 0) {
        free_config(e);
        free(e);
        return NULL;
    }
    if (e->cfg.created_ms == 0)
        e->cfg.created_ms = now;
    e->next_scan = -1;
    return e;
}

/* ---- lines -------------------------------------------------------------- */

const char *nt_line_data(const nt_line *l) { return l->data; }
size_t nt_line_len(const nt_line *l) { return l->len; }

nt_line *nt_line_ref(nt_line *l)
{
    atomic_fetch_add_explicit(&l->refs, 1, memory_order_relaxed);
    return l;
}

void nt_line_unref(nt_line *l)
{
    if (l && atomic_fetch_sub_explicit(&l->refs, 1, memory_order_acq_rel) == 1)
        free(l);
}

nt_line *nt_line_make(const char *tags, const char *body, size_t len)
{
    size_t tl = tags && *tags ? strlen(tags) : 0, n = 0;
    nt_line *l;
    if (tl > NT_TAGS_MAX - 2)
        tl = 0;                  /* cannot happen with our tags; never send a broken line */
    if (len > NT_LINE_MAX - 2) {
        len = NT_LINE_MAX - 2;
        while (len > 0 && ((unsigned char)body[len] & 0xC0) == 0x80)
            len--;
    }
    l = malloc(sizeof *l + tl + 2 + len + 3);
    if (!l)
        return NULL;
    atomic_init(&l->refs, 1);
    if (tl) {
        l->data[n++] = '@';
        memcpy(l->data + n, tags, tl);
        n += tl;
        l->data[n++] = ' ';
    }
    memcpy(l->data + n, body, len);
    n += len;
    l->data[n++] = '\r';
    l->data[n++] = '\n';
    l->data[n] = '\0';
    l->len = n;
    return l;
}

/* ---- output queue ------------------------------------------------------- */

static int outq_push(nt_engine *e, const nt_outq_item *it)
{
    if (e->out_head + e->out_len == e->out_cap) {
        if (e->out_head > 0) {   /* slide down before growing */
            memmove(e->outq, e->outq + e->out_head, e->out_len * sizeof *e->outq);
            e->out_head = 0;
        }
        if (e->out_len == e->out_cap) {
            size_t ncap = e->out_cap ? e->out_cap * 2 : 256;
            nt_outq_item *nq = realloc(e->outq, ncap * sizeof *nq);
            if (!nq)
                return -1;
            e->outq = nq;
            e->out_cap = ncap;
        }
    }
    e->outq[e->out_head + e->out_len++] = *it;
    return 0;
}

void nt_send_line(nt_engine *e, nt_client *c, nt_line *l)
{
    nt_outq_item it = {NT_OUT_SEND, c->id, NULL, NULL};
    if (!l || c->gone)
        return;
    it.line = nt_line_ref(l);
    if (outq_push(e, &it) != 0) {
        nt_line_unref(l);
        return;
    }
    e->lines_out++;
    e->bytes_out += l->len;
}

void nt_push_close(nt_engine *e, nt_conn_id id, const char *reason)
{
    nt_outq_item it = {NT_OUT_CLOSE, id, NULL, NULL};
    it.reason = nt_strdup(reason ? reason : "");
    if (outq_push(e, &it) != 0)
        free(it.reason);
}

int nt_engine_next_output(nt_engine *e, nt_output *out)
{
    nt_outq_item it;
    if (e->out_len == 0)
        return 0;
    it = e->outq[e->out_head++];
    e->out_len--;
    if (e->out_len == 0)
        e->out_head = 0;
    /* Field by field: this runs once per delivery, and a memset of the
     * reason buffer would cost more than the rest together. */
    out->kind = (nt_output_kind)it.kind;
    out->conn = it.conn;
    out->line = it.line;
    out->reason[0] = '\0';
    if (it.reason) {
        nt_strlcpy(out->reason, it.reason, sizeof out->reason);
        free(it.reason);
    }
    return 1;
}

/* ---- replies ------------------------------------------------------------ */

const char *nt_target_nick(const nt_client *c)
{
    return c->nick[0] ? c->nick : "*";
}

void nt_client_mask(const nt_client *c, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s!%s@%s", nt_target_nick(c), c->user[0] ? c->user : "*", c->host);
}

NT_PRINTF(4, 0)
static void vsend(nt_engine *e, nt_client *c, const char *prefix, const char *fmt, va_list ap)
{
    char buf[NT_LINE_MAX * 2];
    size_t n = strlen(prefix);
    int r;
    nt_line *l;
    memcpy(buf, prefix, n);
    r = vsnprintf(buf + n, sizeof buf - n, fmt, ap);
    if (r < 0)
        return;
    n += (size_t)r < sizeof buf - n ? (size_t)r : sizeof buf - n - 1;
    l = nt_line_make(NULL, buf, n);
    nt_send_line(e, c, l);
    nt_line_unref(l);
}

void nt_sendf(nt_engine *e, nt_client *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsend(e, c, "", fmt, ap);
    va_end(ap);
}

void nt_reply(nt_engine *e, nt_client *c, const char *num, const char *fmt, ...)
{
    char prefix[NT_HOST_BUF + NT_NICK_BUF + 64];
    va_list ap;
    snprintf(prefix, sizeof prefix, ":%s %s %s ", e->cfg.server_name, num, nt_target_nick(c));
    va_start(ap, fmt);
    vsend(e, c, prefix, fmt, ap);
    va_end(ap);
}

/* ---- broadcasts --------------------------------------------------------- */

void nt_bcast_init(nt_bcast *b, nt_engine *e, int64_t now, const char *ctags,
                   const char *fmt, ...)
{
    va_list ap;
    int n;
    b->e = e;
    b->now = now;
    b->ctags = ctags && *ctags ? ctags : NULL;
    memset(b->v, 0, sizeof b->v);
    b->created = 0;
    va_start(ap, fmt);
    n = vsnprintf(b->body, sizeof b->body, fmt, ap);
    va_end(ap);
    b->body_len = n < 0 ? 0 : (size_t)n < sizeof b->body ? (size_t)n : sizeof b->body - 1;
}

/* Variant index: bit 0 server-time, bit 1 client tags. A client with
 * message-tags but no client tags to see shares the plain line. */
static unsigned bcast_variant(const nt_bcast *b, const nt_client *c)
{
    unsigned v = 0;
    if (c->caps & NT_CAP_SERVER_TIME)
        v |= 1;
    if (b->ctags && (c->caps & NT_CAP_MESSAGE_TAGS))
        v |= 2;
    return v;
}

static nt_line *bcast_line(nt_bcast *b, unsigned v)
{
    char tags[NT_TAGS_MAX];
    if (!b->v[v] && b->body_len > 0) {
        tags[0] = '\0';
        if (v & 1) {
            memcpy(tags, "time=", 5);
            nt_format_time_iso(b->now, tags + 5, sizeof tags - 5);
        }
        if (v & 2) {
            size_t n = strlen(tags);
            snprintf(tags + n, sizeof tags - n, "%s%s", n ? ";" : "", b->ctags);
        }
        b->v[v] = nt_line_make(tags, b->body, b->body_len);
        b->created++;
    }
    return b->v[v];
}

void nt_bcast_to(nt_bcast *b, nt_client *c)
{
    nt_send_line(b->e, c, bcast_line(b, bcast_variant(b, c)));
}

void nt_bcast_done(nt_bcast *b)
{
    size_t i;
    for (i = 0; i < 4; i++)
        nt_line_unref(b->v[i]);
    memset(b->v, 0, sizeof b->v);
    b->body_len = 0;
}

void nt_bcast_channel(nt_bcast *b, nt_channel *ch, const nt_client *skip)
{
    size_t i;
    for (i = 0; i < ch->nmembers; i++) {
        nt_client *m = ch->members[i]->client;
        if (m != skip)
            nt_bcast_to(b, m);
    }
}

void nt_bcast_neighbours(nt_bcast *b, nt_client *c, int include_self, unsigned cap_filter)
{
    nt_engine *e = b->e;
    size_t i, j;
    /* a fresh generation marks who already got it: each recipient once, with
     * no per-recipient set and no quadratic de-duplication */
    if (++e->mark_gen == 0) {
        for (i = 0; i < e->nall; i++)
            e->all[i]->mark = 0;
        e->mark_gen = 1;
    }
    c->mark = e->mark_gen;
    if (include_self && (!cap_filter || (c->caps & cap_filter)))
        nt_bcast_to(b, c);
    for (i = 0; i < c->nmems; i++) {
        nt_channel *ch = c->mems[i]->chan;
        for (j = 0; j < ch->nmembers; j++) {
            nt_client *m = ch->members[j]->client;
            if (m->mark == e->mark_gen)
                continue;
            m->mark = e->mark_gen;
            if (!cap_filter || (m->caps & cap_filter))
                nt_bcast_to(b, m);
        }
    }
}

/* ---- lookups ------------------------------------------------------------ */

nt_client *nt_find_nick(nt_engine *e, const char *nick)
{
    char fold[NT_NICK_BUF];
    if (strlen(nick) >= sizeof fold)
        return NULL;
    nt_casefold(e->cfg.casemap, nick, fold, sizeof fold);
    return nt_smap_get(&e->nicks, fold);
}

nt_channel *nt_find_channel(nt_engine *e, const char *name)
{
    char fold[NT_CHAN_BUF];
    if (strlen(name) >= sizeof fold)
        return NULL;
    nt_casefold(e->cfg.casemap, name, fold, sizeof fold);
    return nt_smap_get(&e->channels, fold);
}

nt_member *nt_member_of(const nt_client *c, const nt_channel *ch)
{
    size_t i;
    for (i = 0; i < c->nmems; i++)
        if (c->mems[i]->chan == ch)
            return c->mems[i];
    return NULL;
}

int nt_shares_channel(const nt_client *a, const nt_client *b)
{
    size_t i;
    if (a->nmems > b->nmems) {
        const nt_client *t = a;
        a = b;
        b = t;
    }
    for (i = 0; i < a->nmems; i++)
        if (nt_member_of(b, a->mems[i]->chan))
            return 1;
    return 0;
}

int nt_channel_visible(const nt_channel *ch, const nt_client *viewer)
{
    return !(ch->modes & NT_CMODE_S) || nt_member_of(viewer, ch) != NULL;
}

void nt_member_prefix(const nt_member *m, int multi, char *buf)
{
    size_t n = 0;
    if (m->modes & NT_MEMBER_OP)
        buf[n++] = '@';
    if ((m->modes & NT_MEMBER_VOICE) && (multi || n == 0))
        buf[n++] = '+';
    buf[n] = '\0';
}

/* ---- clients ------------------------------------------------------------ */

static unsigned ip_count(nt_engine *e, const char *ip)
{
    return (unsigned)(uintptr_t)nt_smap_get(&e->per_ip, ip);
}

static void ip_adjust(nt_engine *e, const char *ip, int delta)
{
    unsigned n = ip_count(e, ip) + (unsigned)delta;
    if (n == 0)
        nt_smap_del(&e->per_ip, ip);
    else
        nt_smap_put(&e->per_ip, ip, (void *)(uintptr_t)n);
}

static void refuse(nt_engine *e, nt_conn_id id, const char *why)
{
    nt_client tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.id = id;
    nt_sendf(e, &tmp, "ERROR :Closing Link: %s", why);
    nt_push_close(e, id, why);
}

void nt_engine_connect(nt_engine *e, nt_conn_id id, const char *peer_ip, int64_t now)
{
    nt_client *c;
    if (!peer_ip || !*peer_ip)
        peer_ip = "unknown";
    if (nt_imap_get(&e->clients, id))
        return;                  /* a transport bug; keep the existing client */
    if (e->cfg.max_clients && e->nall >= e->cfg.max_clients) {
        refuse(e, id, "Server is full");
        return;
    }
    if (e->cfg.max_clients_per_ip && ip_count(e, peer_ip) >= e->cfg.max_clients_per_ip) {
        refuse(e, id, "Too many connections from your IP address");
        return;
    }
    c = calloc(1, sizeof *c);
    if (!c) {
        free(c);
        refuse(e, id, "Out of memory");
        return;
    }
    if (e->nall == e->capall) {
        size_t ncap = e->capall ? e->capall * 2 : 64;
        nt_client **na = realloc(e->all, ncap * sizeof *na);
        if (!na) {
            free(c);
            refuse(e, id, "Out of memory");
            return;
        }
        e->all = na;
        e->capall = ncap;
    }
    if (nt_imap_put(&e->clients, id, c) != 0) {
        free(c);
        refuse(e, id, "Out of memory");
        return;
    }
    c->id = id;
    c->serial = ++e->next_serial;
    nt_strlcpy(c->host, peer_ip, sizeof c->host);
    c->connected_ms = c->last_active_ms = c->last_msg_ms = now;
    c->flood_clock = now;
    c->pass_ok = e->cfg.password == NULL;
    c->all_idx = (uint32_t)e->nall;
    e->all[e->nall++] = c;
    ip_adjust(e, c->host, +1);
    if (e->next_scan < 0 || now + e->cfg.register_timeout_ms < e->next_scan)
        e->next_scan = now + e->cfg.register_timeout_ms;
}

void nt_whowas_add(nt_engine *e, const nt_client *c, int64_t now)
{
    nt_whowas *w = &e->whowas[e->whowas_next];
    nt_strlcpy(w->nick, c->nick, sizeof w->nick);
    nt_strlcpy(w->user, c->user, sizeof w->user);
    nt_strlcpy(w->host, c->host, sizeof w->host);
    nt_strlcpy(w->real, nt_client_real(c), sizeof w->real);
    w->when = now;
    e->whowas_next = (e->whowas_next + 1) % NT_WHOWAS_MAX;
    if (e->whowas_count < NT_WHOWAS_MAX)
        e->whowas_count++;
}

/* Forget c everywhere and free it; outputs already queued for it stay. */
static void client_free(nt_engine *e, nt_client *c)
{
    while (c->nmems)
        nt_channel_remove_member(e, c->mems[c->nmems - 1]);
    free(c->mems);
    if (c->nick[0] && nt_smap_get(&e->nicks, c->fold) == c)
        nt_smap_del(&e->nicks, c->fold);
    if (c->registered)
        e->nregistered--;
    if (c->oper)
        e->nopers--;
    if (c->invisible)
        e->ninvisible--;
    nt_flood_forget(e, c);
    ip_adjust(e, c->host, -1);
    nt_imap_del(&e->clients, c->id);
    e->all[c->all_idx] = e->all[--e->nall];
    e->all[c->all_idx]->all_idx = c->all_idx;
    free(c->away);
    free(c->real);
    free(c);
    if (e->nall == 0)
        e->next_scan = -1;       /* nobody left to time out */
}

void nt_client_quit(nt_engine *e, nt_client *c, const char *quit_msg, const char *error_reason,
                    int64_t now)
{
    nt_conn_id id = c->id;
    if (c->registered) {
        nt_bcast b;
        char mask[NT_MASK_BUF];
        nt_client_mask(c, mask, sizeof mask);
        nt_bcast_init(&b, e, now, NULL, ":%s QUIT :%s", mask, quit_msg);
        nt_bcast_neighbours(&b, c, 0, 0);
        nt_bcast_done(&b);
        nt_whowas_add(e, c, now);
    }
    if (error_reason && !c->gone) {
        nt_sendf(e, c, "ERROR :Closing Link: %s (%s)", c->host, error_reason);
        nt_push_close(e, id, error_reason);
    }
    client_free(e, c);
}

void nt_engine_closed(nt_engine *e, nt_conn_id id, const char *reason, int64_t now)
{
    nt_client *c = nt_imap_get(&e->clients, id);
    if (!c)
        return;
    c->gone = 1;
    /* Lines held back by flood control were sent before the hang-up: a
     * PRIVMSG then QUIT then close must still be delivered, QUIT included. */
    nt_flood_drain(e, id, now);
    c = nt_imap_get(&e->clients, id);
    if (c)
        nt_client_quit(e, c, reason && *reason ? reason : "Connection closed", NULL, now);
}

void nt_engine_overflow(nt_engine *e, nt_conn_id id, int64_t now)
{
    nt_client *c = nt_imap_get(&e->clients, id);
    if (c)
        nt_client_quit(e, c, "Input line too long", "Input line too long", now);
}

void nt_engine_line(nt_engine *e, nt_conn_id id, const char *line, size_t len, int64_t now)
{
    nt_client *c = nt_imap_get(&e->clients, id);
    if (!c)
        return;
    e->lines_in++;
    c->last_active_ms = now;
    c->ping_pending = 0;         /* any traffic proves the client is alive */
    if (nt_flood_admit(e, c, line, len, now))
        nt_dispatch(e, c, line, len, now);
}

void nt_engine_tick(nt_engine *e, int64_t now)
{
    nt_flood_run(e, now);
    nt_timeouts_run(e, now);
}

int64_t nt_engine_next_tick(const nt_engine *e)
{
    int64_t f = nt_flood_next(e);
    if (f < 0)
        return e->next_scan;
    if (e->next_scan < 0)
        return f;
    return f < e->next_scan ? f : e->next_scan;
}

void nt_engine_shutdown(nt_engine *e, const char *reason, int64_t now)
{
    if (!reason)
        reason = "Server shutting down";
    /* no QUIT fan-out: everyone is leaving, and n QUITs to n clients is O(n^2) */
    while (e->nall) {
        nt_client *c = e->all[e->nall - 1];
        nt_sendf(e, c, "ERROR :%s", reason);
        nt_push_close(e, c->id, reason);
        client_free(e, c);
    }
}

void nt_engine_free(nt_engine *e)
{
    nt_output out;
    if (!e)
        return;
    while (e->nall)
        client_free(e, e->all[e->nall - 1]);
    while (nt_engine_next_output(e, &out))
        nt_line_unref(out.line);
    free(e->outq);
    free(e->all);
    free(e->flooded);
    nt_imap_free(&e->clients);
    nt_smap_free(&e->nicks);
    nt_smap_free(&e->channels);
    nt_smap_free(&e->per_ip);
    free_config(e);
    free(e);
}

/* ---- introspection ------------------------------------------------------ */

void nt_engine_get_stats(const nt_engine *e, nt_engine_stats *st)
{
    memset(st, 0, sizeof *st);
    st->connections = (unsigned)e->nall;
    st->registered = e->nregistered;
    st->channels = (unsigned)e->channels.count;
    st->opers = e->nopers;
    st->lines_in = e->lines_in;
    st->lines_out = e->lines_out;
    st->bytes_out = e->bytes_out;
}

const char *nt_engine_nick(const nt_engine *e, nt_conn_id id)
{
    const nt_client *c = nt_imap_get(&e->clients, id);
    return c && c->registered ? c->nick : NULL;
}

const nt_engine_config *nt_engine_config_of(const nt_engine *e)
{
    return &e->cfg;
}

/* ---- dispatch ----------------------------------------------------------- */

typedef struct nt_command {
    const char *name;
    nt_handler *fn;
    int before_reg;              /* allowed before registration */
    size_t min_params;           /* else 461 */
} nt_command;

static const nt_command commands[] = {
    {"PRIVMSG", nt_cmd_privmsg, 0, 0}, {"NOTICE", nt_cmd_notice, 0, 0},
    {"PING", nt_cmd_ping, 1, 0},       {"PONG", nt_cmd_pong, 1, 0},
    {"JOIN", nt_cmd_join, 0, 1},       {"PART", nt_cmd_part, 0, 1},
    {"MODE", nt_cmd_mode, 0, 1},       {"NICK", nt_cmd_nick, 1, 0},
    {"USER", nt_cmd_user, 1, 4},       {"PASS", nt_cmd_pass, 1, 1},
    {"CAP", nt_cmd_cap, 1, 1},         {"QUIT", nt_cmd_quit, 1, 0},
    {"TOPIC", nt_cmd_topic, 0, 1},     {"NAMES", nt_cmd_names, 0, 0},
    {"LIST", nt_cmd_list, 0, 0},       {"KICK", nt_cmd_kick, 0, 2},
    {"INVITE", nt_cmd_invite, 0, 2},   {"WHO", nt_cmd_who, 0, 0},
    {"WHOIS", nt_cmd_whois, 0, 1},     {"WHOWAS", nt_cmd_whowas, 0, 1},
    {"ISON", nt_cmd_ison, 0, 1},       {"USERHOST", nt_cmd_userhost, 0, 1},
    {"AWAY", nt_cmd_away, 0, 0},       {"VERSION", nt_cmd_version, 0, 0},
    {"TIME", nt_cmd_time, 0, 0},       {"ADMIN", nt_cmd_admin, 0, 0},
    {"INFO", nt_cmd_info, 0, 0},       {"LUSERS", nt_cmd_lusers, 0, 0},
    {"MOTD", nt_cmd_motd, 0, 0},       {"OPER", nt_cmd_oper, 0, 2},
    {"KILL", nt_cmd_kill, 0, 2},       {"TAGMSG", nt_cmd_tagmsg, 0, 0},
};

void nt_dispatch(nt_engine *e, nt_client *c, const char *line, size_t len, int64_t now)
{
    nt_msg *m = &e->msg;
    nt_msg_err err = nt_msg_parse(line, len, m);
    size_t i;
    if (err == NT_MSG_ETOOLONG || err == NT_MSG_ETAGSTOOLONG) {
        /* our documented choice: refuse the whole line with 417, never act on a
         * truncated command (a cut PRIVMSG or MODE would do something else) */
        nt_reply(e, c, "417", ":Input line was too long");
        return;
    }
    if (err != NT_MSG_OK || !m->command)
        return;                  /* empty or malformed: silently dropped, as ircds do */
    if (m->command[0] >= '0' && m->command[0] <= '9')
        return;                  /* numerics from a client mean nothing */
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        const nt_command *cmd = &commands[i];
        if (strcmp(cmd->name, m->command) != 0)
            continue;
        if (!c->registered && !cmd->before_reg) {
            nt_reply(e, c, "451", ":You have not registered");
            return;
        }
        if (m->nparams < cmd->min_params || (cmd->min_params && !m->params[0][0])) {
            nt_reply(e, c, "461", "%s :Not enough parameters", cmd->name);
            return;
        }
        if (strcmp(cmd->name, "PING") != 0 && strcmp(cmd->name, "PONG") != 0)
            c->last_msg_ms = now;   /* WHOIS idle time ignores keep-alives */
        cmd->fn(e, c, m, now);
        return;
    }
    if (!c->registered)
        nt_reply(e, c, "451", ":You have not registered");
    else
        nt_reply(e, c, "421", "%s :Unknown command", m->command);
}
