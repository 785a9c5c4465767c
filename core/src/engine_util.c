/* libnatter engine: small containers, wildcard masks and time formatting.
 * Nothing here knows IRC state; it exists so the protocol files stay short. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

/* ---- strings ------------------------------------------------------------ */

void nt_strlcpy(char *dst, const char *src, size_t cap)
{
    size_t n;
    if (cap == 0)
        return;
    n = strlen(src);
    if (n >= cap) {
        n = cap - 1;
        /* never leave half a UTF-8 sequence: back off over continuation bytes */
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

char *nt_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

char *nt_i64str(int64_t v, char *buf, size_t cap)
{
    char tmp[24];
    size_t i = 0, o = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[i++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    if (v < 0 && o + 1 < cap)
        buf[o++] = '-';
    while (i && o + 1 < cap)
        buf[o++] = tmp[--i];
    buf[o] = '\0';
    return buf;
}

/* ---- hashing ------------------------------------------------------------ */

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;    /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static uint32_t hash_id(nt_conn_id id)
{
    uint64_t x = id * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(x >> 32);
}

/* Both maps use linear probing with tombstones and grow at 75% load (counting
 * tombstones; a table that is mostly tombstones is rehashed at its size), so
 * lookups stay short under connect/disconnect churn and 10,000 clients cost
 * under 40 bytes each a map. */

static int smap_grow(nt_smap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 64, i;
    nt_smap_ent *ne, *old = m->ents;
    if (m->count * 4 < m->cap)   /* mostly tombstones: rehash at the same size */
        ncap = m->cap;
    ne = calloc(ncap, sizeof *ne);
    if (!ne)
        return -1;
    for (i = 0; i < m->cap; i++) {
        if (old[i].key && old[i].val) {
            size_t j = old[i].hash & (ncap - 1);
            while (ne[j].key)
                j = (j + 1) & (ncap - 1);
            ne[j] = old[i];
        } else if (old[i].key) {
            free(old[i].key);    /* tombstone */
        }
    }
    free(old);
    m->ents = ne;
    m->cap = ncap;
    m->used = m->count;
    return 0;
}

static nt_smap_ent *smap_find(const nt_smap *m, const char *key, uint32_t h)
{
    size_t j;
    if (!m->cap)
        return NULL;
    for (j = h & (m->cap - 1); m->ents[j].key; j = (j + 1) & (m->cap - 1)) {
        if (m->ents[j].val && m->ents[j].hash == h && strcmp(m->ents[j].key, key) == 0)
            return &m->ents[j];
    }
    return NULL;
}

void *nt_smap_get(const nt_smap *m, const char *key)
{
    nt_smap_ent *en = smap_find(m, key, hash_str(key));
    return en ? en->val : NULL;
}

int nt_smap_put(nt_smap *m, const char *key, void *val)
{
    uint32_t h = hash_str(key);
    nt_smap_ent *en = smap_find(m, key, h);
    size_t j;
    if (en) {
        en->val = val;
        return 0;
    }
    if ((m->used + 1) * 4 > m->cap * 3 && smap_grow(m) != 0)
        return -1;
    for (j = h & (m->cap - 1); m->ents[j].key; j = (j + 1) & (m->cap - 1)) {
    }
    m->ents[j].key = nt_strdup(key);
    if (!m->ents[j].key)
        return -1;
    m->ents[j].val = val;
    m->ents[j].hash = h;
    m->count++;
    m->used++;
    return 0;
}

void nt_smap_del(nt_smap *m, const char *key)
{
    nt_smap_ent *en = smap_find(m, key, hash_str(key));
    if (en) {
        en->val = NULL;          /* tombstone: key kept so probing continues */
        m->count--;
    }
}

void nt_smap_free(nt_smap *m)
{
    size_t i;
    for (i = 0; i < m->cap; i++)
        free(m->ents[i].key);
    free(m->ents);
    memset(m, 0, sizeof *m);
}

/* imap entry state: 0 empty, 1 used, 2 tombstone */
static int imap_grow(nt_imap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 64, i;
    nt_imap_ent *ne, *old = m->ents;
    if (m->count * 4 < m->cap)
        ncap = m->cap;
    ne = calloc(ncap, sizeof *ne);
    if (!ne)
        return -1;
    for (i = 0; i < m->cap; i++) {
        if (old[i].state == 1) {
            size_t j = hash_id(old[i].key) & (ncap - 1);
            while (ne[j].state)
                j = (j + 1) & (ncap - 1);
            ne[j] = old[i];
        }
    }
    free(old);
    m->ents = ne;
    m->cap = ncap;
    m->used = m->count;
    return 0;
}

static nt_imap_ent *imap_find(const nt_imap *m, nt_conn_id key)
{
    size_t j;
    if (!m->cap)
        return NULL;
    for (j = hash_id(key) & (m->cap - 1); m->ents[j].state; j = (j + 1) & (m->cap - 1)) {
        if (m->ents[j].state == 1 && m->ents[j].key == key)
            return &m->ents[j];
    }
    return NULL;
}

void *nt_imap_get(const nt_imap *m, nt_conn_id key)
{
    nt_imap_ent *en = imap_find(m, key);
    return en ? en->val : NULL;
}

int nt_imap_put(nt_imap *m, nt_conn_id key, void *val)
{
    nt_imap_ent *en = imap_find(m, key);
    size_t j;
    if (en) {
        en->val = val;
        return 0;
    }
    if ((m->used + 1) * 4 > m->cap * 3 && imap_grow(m) != 0)
        return -1;
    for (j = hash_id(key) & (m->cap - 1); m->ents[j].state == 1; j = (j + 1) & (m->cap - 1)) {
    }
    if (m->ents[j].state == 0)
        m->used++;
    m->ents[j].state = 1;
    m->ents[j].key = key;
    m->ents[j].val = val;
    m->count++;
    return 0;
}

void nt_imap_del(nt_imap *m, nt_conn_id key)
{
    nt_imap_ent *en = imap_find(m, key);
    if (en) {
        en->state = 2;
        en->val = NULL;
        m->count--;
    }
}

void nt_imap_free(nt_imap *m)
{
    free(m->ents);
    memset(m, 0, sizeof *m);
}

/* ---- masks -------------------------------------------------------------- */

/* Iterative glob with backtracking to the last '*': linear in practice and
 * never recursive, so a hostile ban mask cannot blow the stack. */
int nt_mask_match(nt_casemap cm, const char *mask, const char *text)
{
    const char *star = NULL, *resume = NULL;
    while (*text) {
        if (*mask == '*') {
            star = mask++;
            resume = text;
        } else if (*mask && (*mask == '?' ||
                             nt_casefold_char(cm, *mask) == nt_casefold_char(cm, *text))) {
            mask++;
            text++;
        } else if (star) {
            mask = star + 1;
            text = ++resume;
        } else {
            return 0;
        }
    }
    while (*mask == '*')
        mask++;
    return *mask == '\0';
}

/* ---- time --------------------------------------------------------------- */

/* Howard Hinnant's civil_from_days: no gmtime(), so no locale, no time_t
 * width questions and no thread-safety caveats on any platform. */
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    int64_t era, yy;
    unsigned doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    yy = (int64_t)yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (*m <= 2));
}

typedef struct nt_tm { int year; unsigned mon, day, hour, min, sec, ms, wday; } nt_tm;

static void split_time(int64_t ms, nt_tm *t)
{
    int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
    int64_t rem = ms - days * 86400000;
    civil_from_days(days, &t->year, &t->mon, &t->day);
    t->hour = (unsigned)(rem / 3600000);
    t->min = (unsigned)(rem / 60000 % 60);
    t->sec = (unsigned)(rem / 1000 % 60);
    t->ms = (unsigned)(rem % 1000);
    t->wday = (unsigned)(((days % 7) + 11) % 7);   /* 1970-01-01 was a Thursday */
}

void nt_format_time_iso(int64_t ms, char *buf, size_t cap)
{
    nt_tm t;
    split_time(ms, &t);
    snprintf(buf, cap, "%04d-%02u-%02uT%02u:%02u:%02u.%03uZ", t.year, t.mon, t.day, t.hour,
             t.min, t.sec, t.ms);
}

void nt_format_time_human(int64_t ms, char *buf, size_t cap)
{
    static const char *const days[] = {"Sunday", "Monday", "Tuesday", "Wednesday",
                                       "Thursday", "Friday", "Saturday"};
    static const char *const months[] = {"January", "February", "March", "April",
                                         "May", "June", "July", "August", "September",
                                         "October", "November", "December"};
    nt_tm t;
    split_time(ms, &t);
    snprintf(buf, cap, "%s %s %02u %04d -- %02u:%02u:%02u +00:00", days[t.wday],
             months[t.mon - 1], t.day, t.year, t.hour, t.min, t.sec);
}
