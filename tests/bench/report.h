/* Output shared by the scenarios: one machine-readable JSON line per run
 * ("JSON {...}", flat numbers and strings, arrays of flat objects), built in
 * a growing buffer, and number formatting for the human tables. */
#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

#include <stddef.h>

#define JSON_DEPTH 8

typedef struct jbuf {
    char *s;
    size_t len, cap;
    int depth;
    int first[JSON_DEPTH];   /* nothing written yet at this level */
} jbuf;

void j_open(jbuf *j);                      /* "{" */
void j_str(jbuf *j, const char *key, const char *val);
void j_num(jbuf *j, const char *key, double val);
void j_int(jbuf *j, const char *key, long long val);
void j_obj(jbuf *j, const char *key);      /* "key":{ ; key NULL inside an array */
void j_arr(jbuf *j, const char *key);      /* "key":[ */
void j_close_obj(jbuf *j);
void j_close_arr(jbuf *j);
/* Close the outer object, print "JSON <object>" and free the buffer. */
void j_print(jbuf *j);

/* Compact figures for tables: 1234567 -> "1.23M", 950 -> "950". */
const char *fmt_count(char *buf, size_t len, double v);
/* Microseconds: "850us", "12.3ms", "1.52s". */
const char *fmt_us(char *buf, size_t len, double us);

/* The ratio a / b, or -1 when it is undefined (either side missing). */
double ratio_of(double a, double b);

#endif
