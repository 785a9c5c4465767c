/* libnatter: IRC messages — parse, build, serialize, and frame lines out of a
 * byte stream. Pure functions: no I/O, no clock, no allocation.
 *
 *     [@tag1=value;tag2 ][:source ]COMMAND[ param...][ :trailing]\r\n
 *
 * Limits (RFC 1459/2812 and the IRCv3 message-tags spec): the line without its
 * tags section is at most 512 bytes including CR LF; the tags section ('@' up
 * to the space) at most 8191 bytes; at most 15 parameters. */
#ifndef NATTER_MSG_H
#define NATTER_MSG_H

#include <stddef.h>
#include "export.h"

NT_BEGIN_DECLS

#define NT_LINE_MAX 512          /* bytes, including CR LF, excluding tags */
#define NT_TAGS_MAX 8191         /* bytes of the tags section, '@' included */
#define NT_FRAME_MAX (NT_TAGS_MAX + 1 + NT_LINE_MAX)  /* a whole wire line */
#define NT_MSG_MAX_PARAMS 15
#define NT_MSG_MAX_TAGS 64

typedef enum nt_msg_err {
    NT_MSG_OK = 0,
    NT_MSG_EEMPTY,          /* nothing but spaces */
    NT_MSG_ETOOLONG,        /* over 512 bytes without tags */
    NT_MSG_ETAGSTOOLONG,    /* tags section over 8191 bytes */
    NT_MSG_EBADTAGS,        /* '@' with no tags, an empty key, bad key characters */
    NT_MSG_ETOOMANYTAGS,
    NT_MSG_EBADSOURCE,      /* ':' with no source, or a source with no command */
    NT_MSG_ENOCOMMAND,
    NT_MSG_EBADCOMMAND,     /* not letters, and not exactly three digits */
    NT_MSG_ETOOMANYPARAMS,  /* more than 15 */
    NT_MSG_EBADCHAR,        /* NUL, CR or LF inside the line */
    NT_MSG_EBADPARAM,       /* a middle parameter that is empty or starts with ':' (building) */
    NT_MSG_ENOSPACE         /* the output buffer is too small (serializing) */
} nt_msg_err;

/* "line too long" etc.: a short English description. Never NULL. */
NT_API const char *nt_msg_strerror(nt_msg_err err);

typedef struct nt_tag {
    const char *key;          /* e.g. "time", "+example.com/foo" */
    const char *value;        /* unescaped; "" when the tag has no value */
} nt_tag;

/* A parsed or built message. Its strings point into `buf`, which the message
 * owns, so an nt_msg may be copied with memcpy only through nt_msg_copy(). */
typedef struct nt_msg {
    nt_tag tags[NT_MSG_MAX_TAGS];
    size_t ntags;
    const char *source;       /* "nick!user@host" or "server.name", NULL if none */
    const char *command;      /* as sent: letters (upper-cased by the parser) or 3 digits */
    const char *params[NT_MSG_MAX_PARAMS];
    size_t nparams;
    char buf[NT_FRAME_MAX + 64];
    size_t used;
} nt_msg;

/* Parse one line (without its CR LF; a trailing CR or LF is tolerated). Command
 * words are upper-cased. Tag values are unescaped (\: \s \\ \r \n). */
NT_API nt_msg_err nt_msg_parse(const char *line, size_t len, nt_msg *out);

/* Build: start a message with an optional source and a command, then add tags
 * and parameters in order. Only the last parameter may be empty, contain
 * spaces or start with ':' (it is sent as the trailing parameter). */
NT_API void nt_msg_init(nt_msg *m, const char *source, const char *command);
NT_API nt_msg_err nt_msg_add_param(nt_msg *m, const char *param);
NT_API nt_msg_err nt_msg_add_tag(nt_msg *m, const char *key, const char *value);
/* The value of tag key, or NULL if the message has no such tag. */
NT_API const char *nt_msg_tag(const nt_msg *m, const char *key);
NT_API void nt_msg_copy(nt_msg *dst, const nt_msg *src);

/* Serialize with CR LF into buf (cap bytes, NUL-terminated too); *len is the
 * number of bytes without the NUL. The trailing parameter gets a ':' only when
 * it needs one (empty, has a space, or starts with ':'). Tags are escaped.
 * serialize(parse(x)) is the canonical form of x, and parsing it again gives
 * the same message. NT_MSG_ETOOLONG if the result would break the limits. */
NT_API nt_msg_err nt_msg_serialize(const nt_msg *m, char *buf, size_t cap, size_t *len);

/* Same, omitting the tags (for clients that did not ask for message-tags). */
NT_API nt_msg_err nt_msg_serialize_notags(const nt_msg *m, char *buf, size_t cap, size_t *len);

/* ---- framing: lines out of a byte stream ---------------------------------
 * Accepts CR LF, LF and a lone CR as line ends; empty lines are skipped. A
 * peer that sends more than NT_FRAME_MAX bytes without a line end is reported
 * with NT_FRAME_OVERFLOW, once, and the rest of that line is discarded (the
 * caller normally closes the connection: a server that keeps re-reading a full
 * buffer spins at 100% CPU).
 *
 * The buffer is allocated when bytes are first fed and grown as a line needs
 * (up to NT_FRAME_BUF_MAX); nt_framer_trim gives it back whenever nothing is
 * held — a server calls it on connections gone quiet, so that idle ones cost
 * no buffer, and busy ones allocate nothing per line. nt_framer_free releases
 * it for good. */

typedef struct nt_framer {
    char *buf;            /* NULL while nothing is held */
    size_t cap;           /* bytes allocated at buf */
    size_t len;           /* bytes held */
    size_t start;         /* first unread byte */
    size_t scan;          /* bytes before this index hold no line end: searching resumes here */
    int skip_lf;          /* the last line ended with CR: a following LF is part of it */
    int discarding;       /* inside an overlong line */
    int lost;             /* out of memory: report NT_FRAME_OVERFLOW, then discard */
} nt_framer;

typedef enum nt_frame_result {
    NT_FRAME_NEED_MORE = 0,   /* no complete line held */
    NT_FRAME_LINE,            /* *line / *len: one line, without its ending */
    NT_FRAME_OVERFLOW         /* a line went past NT_FRAME_MAX (or there was no
                                 memory to hold it): close the connection */
} nt_frame_result;

#define NT_FRAME_BUF_MAX (NT_FRAME_MAX + 1)   /* the most a framer holds */

NT_API void nt_framer_init(nt_framer *f);
/* Release the buffer (and any bytes held); the framer is empty, as after init. */
NT_API void nt_framer_free(nt_framer *f);
/* Append up to len bytes; returns how many were taken (fewer when the buffer
 * is full: take lines with nt_framer_next and feed the rest again). */
NT_API size_t nt_framer_feed(nt_framer *f, const char *data, size_t len);
/* The next line; it stays valid until the next nt_framer_feed, trim or free. */
NT_API nt_frame_result nt_framer_next(nt_framer *f, const char **line, size_t *len);
/* Free the buffer if no bytes are held (a partial line keeps it): 1 if the
 * framer now holds no memory. */
NT_API int nt_framer_trim(nt_framer *f);

NT_END_DECLS

#endif /* NATTER_MSG_H */
