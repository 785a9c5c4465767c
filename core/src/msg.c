/* libnatter: IRC messages — parse, build and serialize (see natter/msg.h).
 *
 * A message keeps every string it points to in its own buf, so a parsed
 * message does not depend on the line it came from. Parsing never writes past
 * buf: the stored form (strings with NUL terminators instead of separators,
 * tag values unescaped) is never longer than the accepted input, and the input
 * is bounded by NT_TAGS_MAX + NT_LINE_MAX, which buf exceeds. */
#include "natter/msg.h"

#include <stdint.h>
#include <string.h>

/* ---- small character classes (ASCII only: the locale must not matter) ---- */

static int is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_forbidden(char c)
{
    return c == '\0' || c == '\r' || c == '\n';
}

static char to_upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static const char *skip_spaces(const char *p, const char *end)
{
    while (p < end && *p == ' ')
        p++;
    return p;
}

static const char *find_space(const char *p, const char *end)
{
    const char *s = memchr(p, ' ', (size_t)(end - p));
    return s ? s : end;
}

const char *nt_msg_strerror(nt_msg_err err)
{
    switch (err) {
    case NT_MSG_OK: return "no error";
    case NT_MSG_EEMPTY: return "empty line";
    case NT_MSG_ETOOLONG: return "line too long";
    case NT_MSG_ETAGSTOOLONG: return "tags section too long";
    case NT_MSG_EBADTAGS: return "malformed tags";
    case NT_MSG_ETOOMANYTAGS: return "too many tags";
    case NT_MSG_EBADSOURCE: return "malformed source";
    case NT_MSG_ENOCOMMAND: return "no command";
    case NT_MSG_EBADCOMMAND: return "malformed command";
    case NT_MSG_ETOOMANYPARAMS: return "too many parameters";
    case NT_MSG_EBADCHAR: return "NUL, CR or LF inside the line";
    case NT_MSG_EBADPARAM: return "malformed parameter";
    case NT_MSG_ENOSPACE: return "output buffer too small";
    }
    return "unknown message error";
}

/* ---- storage inside m->buf ---------------------------------------------- */

static void reset(nt_msg *m)
{
    m->ntags = 0;
    m->source = NULL;
    m->command = NULL;
    m->nparams = 0;
    m->used = 0;
}

/* A NUL-terminated copy of s[0..n) in m->buf, or NULL when it does not fit. */
static char *store(nt_msg *m, const char *s, size_t n)
{
    char *d;
    if (n >= sizeof m->buf - m->used)
        return NULL;
    d = m->buf + m->used;
    memcpy(d, s, n);
    d[n] = '\0';
    m->used += n + 1;
    return d;
}

/* ---- tags --------------------------------------------------------------- */

/* IRCv3: [ '+' ] [ vendor '/' ] name, where vendor is a host name (letters,
 * digits, '-', '.') and name is one or more letters, digits or '-'. */
static int tag_key_valid(const char *k, size_t n)
{
    size_t i = 0, name_start, slash = (size_t)-1;
    int dot = 0;
    if (n > 0 && k[0] == '+')
        i = 1;
    name_start = i;
    for (; i < n; i++) {
        char c = k[i];
        if (c == '/') {
            if (slash != (size_t)-1 || i == name_start)
                return 0;
            slash = i;
        } else if (c == '.') {
            if (slash != (size_t)-1)
                return 0;   /* dots belong to the vendor only */
            dot = 1;
        } else if (!is_alpha(c) && !is_digit(c) && c != '-') {
            return 0;
        }
    }
    if (slash == (size_t)-1)
        return !dot && n > name_start;
    return n > slash + 1;
}

static char unescape_char(char c)
{
    switch (c) {
    case ':': return ';';
    case 's': return ' ';
    case 'r': return '\r';
    case 'n': return '\n';
    default: return c;   /* "\\" gives '\'; an unknown escape drops the backslash */
    }
}

/* The unescaped value of v[0..n), stored in m->buf; a lone trailing backslash
 * is dropped (the message-tags spec says so). */
static const char *store_unescaped(nt_msg *m, const char *v, size_t n)
{
    char *d = m->buf + m->used, *out = d;
    size_t i;
    if (n >= sizeof m->buf - m->used)
        return NULL;
    for (i = 0; i < n; i++) {
        if (v[i] != '\\')
            *out++ = v[i];
        else if (i + 1 < n)
            *out++ = unescape_char(v[++i]);
    }
    *out = '\0';
    m->used += (size_t)(out - d) + 1;
    return d;
}

static nt_tag *find_tag(nt_msg *m, const char *key, size_t n)
{
    size_t i;
    for (i = 0; i < m->ntags; i++)
        if (strncmp(m->tags[i].key, key, n) == 0 && m->tags[i].key[n] == '\0')
            return &m->tags[i];
    return NULL;
}

/* Set key to value (both already in m->buf). A repeated key replaces the
 * earlier value: the spec says the last one wins, and keeping one entry per
 * key is what makes the serialized form re-parse to the same message. */
static nt_msg_err put_tag(nt_msg *m, const char *key, const char *value)
{
    nt_tag *t = find_tag(m, key, strlen(key));
    if (!t) {
        if (m->ntags == NT_MSG_MAX_TAGS)
            return NT_MSG_ETOOMANYTAGS;
        t = &m->tags[m->ntags++];
        t->key = key;
    }
    t->value = value;
    return NT_MSG_OK;
}

static nt_msg_err parse_tag(nt_msg *m, const char *p, const char *end)
{
    const char *eq = memchr(p, '=', (size_t)(end - p));
    const char *key_end = eq ? eq : end;
    const char *key, *value = "";
    if (!tag_key_valid(p, (size_t)(key_end - p)))
        return NT_MSG_EBADTAGS;
    key = store(m, p, (size_t)(key_end - p));
    if (eq && eq + 1 < end)
        value = store_unescaped(m, eq + 1, (size_t)(end - eq - 1));
    if (!key || !value)
        return NT_MSG_ETAGSTOOLONG;
    return put_tag(m, key, value);
}

/* p..end is the tags section after its '@'. */
static nt_msg_err parse_tags(nt_msg *m, const char *p, const char *end)
{
    if (p == end)
        return NT_MSG_EBADTAGS;
    for (;;) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *tag_end = semi ? semi : end;
        nt_msg_err err = parse_tag(m, p, tag_end);
        if (err != NT_MSG_OK)
            return err;
        if (!semi)
            return NT_MSG_OK;
        p = semi + 1;
    }
}

/* ---- canonical lengths (shared by parse and serialize) ------------------- */

static int needs_escape(char c)
{
    return c == ';' || c == ' ' || c == '\\' || c == '\r' || c == '\n';
}

static size_t escaped_len(const char *v)
{
    size_t n = 0;
    for (; *v; v++)
        n += needs_escape(*v) ? 2 : 1;
    return n;
}

/* '@' through the last tag byte, as serialize writes it; 0 without tags. */
static size_t tags_len(const nt_msg *m)
{
    size_t i, n = 0;
    for (i = 0; i < m->ntags; i++) {
        n += 1 + strlen(m->tags[i].key);   /* '@' or ';' before each key */
        if (m->tags[i].value[0])
            n += 1 + escaped_len(m->tags[i].value);
    }
    return n;
}

static int trailing_needs_colon(const char *p)
{
    return p[0] == '\0' || p[0] == ':' || strchr(p, ' ') != NULL;
}

/* Source, command and parameters as serialize writes them, without CR LF. */
static size_t body_len(const nt_msg *m)
{
    size_t i, n = strlen(m->command);
    if (m->source)
        n += 1 + strlen(m->source) + 1;
    for (i = 0; i < m->nparams; i++) {
        n += 1 + strlen(m->params[i]);
        if (i + 1 == m->nparams && trailing_needs_colon(m->params[i]))
            n++;
    }
    return n;
}

/* ---- parse -------------------------------------------------------------- */

static int command_valid(const char *c, size_t n)
{
    size_t i;
    if (n == 0)
        return 0;
    if (is_digit(c[0]))
        return n == 3 && is_digit(c[1]) && is_digit(c[2]);
    for (i = 0; i < n; i++)
        if (!is_alpha(c[i]))
            return 0;
    return 1;
}

static nt_msg_err parse_command(nt_msg *m, const char *p, const char *end)
{
    char *c;
    size_t i, n = (size_t)(end - p);
    if (!command_valid(p, n))
        return NT_MSG_EBADCOMMAND;
    c = store(m, p, n);
    if (!c)
        return NT_MSG_ETOOLONG;
    for (i = 0; i < n; i++)
        c[i] = to_upper(c[i]);
    m->command = c;
    return NT_MSG_OK;
}

/* Middle parameters up to the trailing one. RFC 1459/2812: after 14 middle
 * parameters the 15th takes the rest of the line even without a ':'. */
static nt_msg_err parse_params(nt_msg *m, const char *p, const char *end)
{
    for (;;) {
        const char *stop;
        p = skip_spaces(p, end);
        if (p == end)
            return NT_MSG_OK;
        if (*p == ':' || m->nparams == NT_MSG_MAX_PARAMS - 1) {
            if (*p == ':')
                p++;
            stop = end;
        } else {
            stop = find_space(p, end);
        }
        m->params[m->nparams] = store(m, p, (size_t)(stop - p));
        if (!m->params[m->nparams])
            return NT_MSG_ETOOLONG;
        m->nparams++;
        if (stop == end)
            return NT_MSG_OK;
        p = stop;
    }
}

/* p..end: everything after the tags, starting at a non-space. */
static nt_msg_err parse_body(nt_msg *m, const char *p, const char *end)
{
    const char *stop;
    nt_msg_err err;
    if (*p == ':') {
        stop = find_space(p + 1, end);
        if (stop == p + 1 || stop == end)
            return NT_MSG_EBADSOURCE;
        m->source = store(m, p + 1, (size_t)(stop - p - 1));
        if (!m->source)
            return NT_MSG_ETOOLONG;
        p = skip_spaces(stop, end);
        if (p == end)
            return NT_MSG_EBADSOURCE;
    }
    stop = find_space(p, end);
    err = parse_command(m, p, stop);
    if (err != NT_MSG_OK)
        return err;
    return parse_params(m, stop, end);
}

static nt_msg_err parse_line(nt_msg *m, const char *p, const char *end)
{
    nt_msg_err err;
    size_t i;
    for (i = 0; i < (size_t)(end - p); i++)
        if (is_forbidden(p[i]))
            return NT_MSG_EBADCHAR;
    p = skip_spaces(p, end);
    if (p == end)
        return NT_MSG_EEMPTY;
    if (*p == '@') {
        const char *stop = find_space(p, end);
        if ((size_t)(stop - p) > NT_TAGS_MAX)
            return NT_MSG_ETAGSTOOLONG;
        err = parse_tags(m, p + 1, stop);
        if (err != NT_MSG_OK)
            return err;
        p = skip_spaces(stop, end);
        if (p == end)
            return NT_MSG_ENOCOMMAND;
    }
    /* The limit holds for the bytes received and for the canonical form:
     * the 15th parameter taken without ':' gains one when serialized, and a
     * message we accept must always serialize. */
    if ((size_t)(end - p) + 2 > NT_LINE_MAX)
        return NT_MSG_ETOOLONG;
    err = parse_body(m, p, end);
    if (err != NT_MSG_OK)
        return err;
    if (body_len(m) + 2 > NT_LINE_MAX)
        return NT_MSG_ETOOLONG;
    return NT_MSG_OK;
}

nt_msg_err nt_msg_parse(const char *line, size_t len, nt_msg *out)
{
    nt_msg_err err;
    reset(out);
    if (!line)
        return NT_MSG_EEMPTY;
    /* Tolerate the line's own ending: CR LF, LF or CR. */
    if (len > 0 && line[len - 1] == '\n')
        len--;
    if (len > 0 && line[len - 1] == '\r')
        len--;
    err = parse_line(out, line, line + len);
    if (err != NT_MSG_OK)
        reset(out);
    return err;
}

/* ---- build -------------------------------------------------------------- */

/* Source and command are clipped to one byte past the line limit: a longer
 * one could never be sent, and serialize still reports it as too long. */
static const char *store_clipped(nt_msg *m, const char *s)
{
    size_t n = strlen(s);
    const char *d;
    if (n > NT_LINE_MAX)
        n = NT_LINE_MAX;
    d = store(m, s, n);
    return d ? d : "";
}

void nt_msg_init(nt_msg *m, const char *source, const char *command)
{
    reset(m);
    m->source = (source && source[0]) ? store_clipped(m, source) : NULL;
    m->command = store_clipped(m, command ? command : "");
}

static int has_forbidden(const char *s)
{
    for (; *s; s++)
        if (*s == '\r' || *s == '\n')
            return 1;
    return 0;
}

static int middle_valid(const char *p)
{
    return p[0] != '\0' && p[0] != ':' && strchr(p, ' ') == NULL;
}

nt_msg_err nt_msg_add_param(nt_msg *m, const char *param)
{
    const char *d;
    if (!param)
        param = "";
    if (m->nparams == NT_MSG_MAX_PARAMS)
        return NT_MSG_ETOOMANYPARAMS;
    if (has_forbidden(param))
        return NT_MSG_EBADCHAR;
    /* Adding one makes the previous parameter a middle one. */
    if (m->nparams > 0 && !middle_valid(m->params[m->nparams - 1]))
        return NT_MSG_EBADPARAM;
    d = store(m, param, strlen(param));
    if (!d)
        return NT_MSG_ETOOLONG;
    m->params[m->nparams++] = d;
    return NT_MSG_OK;
}

nt_msg_err nt_msg_add_tag(nt_msg *m, const char *key, const char *value)
{
    const char *k, *v;
    if (!key || !tag_key_valid(key, strlen(key)))
        return NT_MSG_EBADTAGS;
    if (!value)
        value = "";
    if (!find_tag(m, key, strlen(key)) && m->ntags == NT_MSG_MAX_TAGS)
        return NT_MSG_ETOOMANYTAGS;
    k = store(m, key, strlen(key));
    v = k ? store(m, value, strlen(value)) : NULL;
    if (!v)
        return NT_MSG_ETAGSTOOLONG;
    return put_tag(m, k, v);
}

const char *nt_msg_tag(const nt_msg *m, const char *key)
{
    size_t i;
    if (!key)
        return NULL;
    for (i = 0; i < m->ntags; i++)
        if (strcmp(m->tags[i].key, key) == 0)
            return m->tags[i].value;
    return NULL;
}

/* p moved from src->buf to the same offset in dst->buf; pointers elsewhere
 * (the static "" of a tag without a value) stay as they are. */
static const char *rebase(nt_msg *dst, const nt_msg *src, const char *p)
{
    uintptr_t a = (uintptr_t)p, lo = (uintptr_t)src->buf;
    if (p && a >= lo && a < lo + sizeof src->buf)
        return dst->buf + (a - lo);
    return p;
}

void nt_msg_copy(nt_msg *dst, const nt_msg *src)
{
    size_t i;
    if (dst == src)
        return;
    /* Only the used part of buf: a message is ~9 KiB, most of it unused. */
    memcpy(dst->buf, src->buf, src->used);
    dst->used = src->used;
    dst->ntags = src->ntags;
    dst->nparams = src->nparams;
    for (i = 0; i < src->ntags; i++) {
        dst->tags[i].key = rebase(dst, src, src->tags[i].key);
        dst->tags[i].value = rebase(dst, src, src->tags[i].value);
    }
    dst->source = rebase(dst, src, src->source);
    dst->command = rebase(dst, src, src->command);
    for (i = 0; i < src->nparams; i++)
        dst->params[i] = rebase(dst, src, src->params[i]);
}

/* ---- serialize ---------------------------------------------------------- */

/* Everything serialize must refuse; parsed messages always pass. Built ones
 * may not: init does not validate, and fields may be set by hand. */
static nt_msg_err check_body(const nt_msg *m)
{
    size_t i;
    if (!m->command || !m->command[0])
        return NT_MSG_ENOCOMMAND;
    if (!command_valid(m->command, strlen(m->command)))
        return NT_MSG_EBADCOMMAND;
    if (m->source && (!m->source[0] || strchr(m->source, ' ') || has_forbidden(m->source)))
        return NT_MSG_EBADSOURCE;
    if (m->nparams > NT_MSG_MAX_PARAMS)
        return NT_MSG_ETOOMANYPARAMS;
    for (i = 0; i < m->nparams; i++) {
        if (!m->params[i] || has_forbidden(m->params[i]))
            return NT_MSG_EBADCHAR;
        if (i + 1 < m->nparams && !middle_valid(m->params[i]))
            return NT_MSG_EBADPARAM;
    }
    if (body_len(m) + 2 > NT_LINE_MAX)
        return NT_MSG_ETOOLONG;
    return NT_MSG_OK;
}

static nt_msg_err check_tags(const nt_msg *m)
{
    size_t i;
    if (m->ntags > NT_MSG_MAX_TAGS)
        return NT_MSG_ETOOMANYTAGS;
    for (i = 0; i < m->ntags; i++)
        if (!m->tags[i].key || !m->tags[i].value
            || !tag_key_valid(m->tags[i].key, strlen(m->tags[i].key)))
            return NT_MSG_EBADTAGS;
    if (tags_len(m) > NT_TAGS_MAX)
        return NT_MSG_ETAGSTOOLONG;
    return NT_MSG_OK;
}

/* A cursor over the output; the lengths were checked before writing. */
typedef struct out {
    char *p;
} out;

static void put(out *o, const char *s)
{
    size_t n = strlen(s);
    memcpy(o->p, s, n);
    o->p += n;
}

static void put_char(out *o, char c)
{
    *o->p++ = c;
}

static void put_escaped(out *o, const char *v)
{
    for (; *v; v++) {
        switch (*v) {
        case ';': put(o, "\\:"); break;
        case ' ': put(o, "\\s"); break;
        case '\\': put(o, "\\\\"); break;
        case '\r': put(o, "\\r"); break;
        case '\n': put(o, "\\n"); break;
        default: put_char(o, *v); break;
        }
    }
}

static void put_tags(out *o, const nt_msg *m)
{
    size_t i;
    for (i = 0; i < m->ntags; i++) {
        put_char(o, i == 0 ? '@' : ';');
        put(o, m->tags[i].key);
        if (m->tags[i].value[0]) {
            put_char(o, '=');
            put_escaped(o, m->tags[i].value);
        }
    }
    put_char(o, ' ');
}

static void put_body(out *o, const nt_msg *m)
{
    size_t i;
    if (m->source) {
        put_char(o, ':');
        put(o, m->source);
        put_char(o, ' ');
    }
    put(o, m->command);
    for (i = 0; i < m->nparams; i++) {
        put_char(o, ' ');
        if (i + 1 == m->nparams && trailing_needs_colon(m->params[i]))
            put_char(o, ':');
        put(o, m->params[i]);
    }
    put(o, "\r\n");
}

static nt_msg_err serialize(const nt_msg *m, int with_tags, char *buf, size_t cap,
                            size_t *len)
{
    nt_msg_err err;
    size_t need;
    out o;
    *len = 0;
    if (buf && cap > 0)
        buf[0] = '\0';
    with_tags = with_tags && m->ntags > 0;
    err = check_body(m);
    if (err == NT_MSG_OK && with_tags)
        err = check_tags(m);
    if (err != NT_MSG_OK)
        return err;
    need = body_len(m) + 2 + (with_tags ? tags_len(m) + 1 : 0);
    if (!buf || cap < need + 1)
        return NT_MSG_ENOSPACE;
    o.p = buf;
    if (with_tags)
        put_tags(&o, m);
    put_body(&o, m);
    *o.p = '\0';
    *len = need;
    return NT_MSG_OK;
}

nt_msg_err nt_msg_serialize(const nt_msg *m, char *buf, size_t cap, size_t *len)
{
    size_t ignored;
    return serialize(m, 1, buf, cap, len ? len : &ignored);
}

nt_msg_err nt_msg_serialize_notags(const nt_msg *m, char *buf, size_t cap, size_t *len)
{
    size_t ignored;
    return serialize(m, 0, buf, cap, len ? len : &ignored);
}
