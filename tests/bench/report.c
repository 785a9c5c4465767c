/* JSON lines and table figures (see report.h). */
#include "report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(jbuf *j, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void put(jbuf *j, const char *fmt, ...)
{
    va_list ap;
    int n;
    for (;;) {
        size_t room = j->cap - j->len;
        va_start(ap, fmt);
        n = vsnprintf(j->s ? j->s + j->len : NULL, j->s ? room : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if (j->s && (size_t)n < room) {
            j->len += (size_t)n;
            return;
        }
        {
            size_t cap = j->cap ? j->cap * 2 : 4096;
            char *p;
            while (cap < j->len + (size_t)n + 1)
                cap *= 2;
            if (!(p = realloc(j->s, cap)))
                return;
            j->s = p;
            j->cap = cap;
        }
    }
}

static void sep(jbuf *j)
{
    if (!j->first[j->depth])
        put(j, ",");
    j->first[j->depth] = 0;
}

static void key(jbuf *j, const char *k)
{
    sep(j);
    if (k)
        put(j, "\"%s\":", k);
}

static void push(jbuf *j, const char *open)
{
    put(j, "%s", open);
    if (j->depth + 1 < JSON_DEPTH)
        j->depth++;
    j->first[j->depth] = 1;
}

void j_open(jbuf *j)
{
    memset(j, 0, sizeof *j);
    j->first[0] = 1;
    push(j, "{");
}

void j_str(jbuf *j, const char *k, const char *val)
{
    key(j, k);
    put(j, "\"");
    for (const char *p = val ? val : ""; *p; p++) {
        if (*p == '"' || *p == '\\')
            put(j, "\\%c", *p);
        else if ((unsigned char)*p < 0x20)
            put(j, "\\u%04x", (unsigned)(unsigned char)*p);
        else
            put(j, "%c", *p);
    }
    put(j, "\"");
}

void j_num(jbuf *j, const char *k, double val)
{
    key(j, k);
    if (!isfinite(val))
        put(j, "null");
    else
        put(j, "%.6g", val);
}

void j_int(jbuf *j, const char *k, long long val)
{
    key(j, k);
    put(j, "%lld", val);
}

void j_obj(jbuf *j, const char *k)
{
    key(j, k);
    push(j, "{");
}

void j_arr(jbuf *j, const char *k)
{
    key(j, k);
    push(j, "[");
}

void j_close_obj(jbuf *j)
{
    put(j, "}");
    if (j->depth > 0)
        j->depth--;
}

void j_close_arr(jbuf *j)
{
    put(j, "]");
    if (j->depth > 0)
        j->depth--;
}

void j_print(jbuf *j)
{
    while (j->depth > 0)
        j_close_obj(j);
    printf("JSON %s\n", j->s ? j->s : "{}");
    fflush(stdout);
    free(j->s);
    memset(j, 0, sizeof *j);
}

const char *fmt_count(char *buf, size_t len, double v)
{
    if (v < 0)
        snprintf(buf, len, "-");
    else if (v >= 1e9)
        snprintf(buf, len, "%.2fG", v / 1e9);
    else if (v >= 1e6)
        snprintf(buf, len, "%.2fM", v / 1e6);
    else if (v >= 1e4)
        snprintf(buf, len, "%.0fk", v / 1e3);
    else if (v >= 1e3)
        snprintf(buf, len, "%.1fk", v / 1e3);
    else
        snprintf(buf, len, "%.0f", v);
    return buf;
}

const char *fmt_us(char *buf, size_t len, double us)
{
    if (us < 0)
        snprintf(buf, len, "-");
    else if (us >= 1e6)
        snprintf(buf, len, "%.2fs", us / 1e6);
    else if (us >= 1e4)
        snprintf(buf, len, "%.1fms", us / 1e3);
    else if (us >= 1e3)
        snprintf(buf, len, "%.2fms", us / 1e3);
    else
        snprintf(buf, len, "%.0fus", us);
    return buf;
}

double ratio_of(double a, double b)
{
    if (a < 0 || b <= 0)
        return -1;
    return a / b;
}
