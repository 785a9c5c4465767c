/* libnatter: the IRC message codec — parse, build, serialize, limits, and the
 * round-trip property serialize(parse(x)) is stable and re-parses equal. */
#include "np_test.h"

#include <natter/msg.h>

/* Messages are ~9 KiB: keep them off the stack. */
static nt_msg g_a, g_b, g_c;
static char g_out[NT_FRAME_MAX + 8], g_out2[NT_FRAME_MAX + 8];
static char g_line[2 * NT_FRAME_MAX];

static nt_msg_err parse_str(const char *s, nt_msg *m)
{
    return nt_msg_parse(s, strlen(s), m);
}

/* "" when a and b are equal, else what differs. */
static const char *msg_diff(const nt_msg *a, const nt_msg *b)
{
    size_t i;
    if (a->ntags != b->ntags)
        return "tag count";
    for (i = 0; i < a->ntags; i++)
        if (strcmp(a->tags[i].key, b->tags[i].key) || strcmp(a->tags[i].value, b->tags[i].value))
            return "a tag";
    if (!a->source != !b->source || (a->source && strcmp(a->source, b->source)))
        return "source";
    if (strcmp(a->command, b->command))
        return "command";
    if (a->nparams != b->nparams)
        return "param count";
    for (i = 0; i < a->nparams; i++)
        if (strcmp(a->params[i], b->params[i]))
            return "a param";
    return "";
}

/* Line made of prefix, then fill bytes of c up to total length n, then suffix. */
static const char *make_line(const char *prefix, char c, size_t n, const char *suffix)
{
    size_t p = strlen(prefix), s = strlen(suffix);
    memcpy(g_line, prefix, p);
    memset(g_line + p, c, n - p - s);
    memcpy(g_line + n - s, suffix, s);
    g_line[n] = '\0';
    return g_line;
}

/* ---- malformations: every class gives its error ----------------------- */

typedef struct bad_case {
    const char *line;
    size_t len;   /* 0: strlen */
    nt_msg_err want;
} bad_case;

static const bad_case bad_cases[] = {
    { "", 0, NT_MSG_EEMPTY },
    { "   ", 0, NT_MSG_EEMPTY },
    { "\r\n", 0, NT_MSG_EEMPTY },
    { "  \n", 0, NT_MSG_EEMPTY },
    { "@", 0, NT_MSG_EBADTAGS },
    { "@ PING", 0, NT_MSG_EBADTAGS },
    { "@=v PING", 0, NT_MSG_EBADTAGS },
    { "@a;;b PING", 0, NT_MSG_EBADTAGS },
    { "@a; PING", 0, NT_MSG_EBADTAGS },
    { "@;a PING", 0, NT_MSG_EBADTAGS },
    { "@a_b PING", 0, NT_MSG_EBADTAGS },
    { "@+ PING", 0, NT_MSG_EBADTAGS },
    { "@++a PING", 0, NT_MSG_EBADTAGS },
    { "@v/ PING", 0, NT_MSG_EBADTAGS },
    { "@/k PING", 0, NT_MSG_EBADTAGS },
    { "@a/b/c PING", 0, NT_MSG_EBADTAGS },
    { "@a.b PING", 0, NT_MSG_EBADTAGS },
    { "@v/a.b PING", 0, NT_MSG_EBADTAGS },
    { "@a!=1 PING", 0, NT_MSG_EBADTAGS },
    { "@a=b", 0, NT_MSG_ENOCOMMAND },
    { "@a=b   ", 0, NT_MSG_ENOCOMMAND },
    { ":", 0, NT_MSG_EBADSOURCE },
    { ": PING", 0, NT_MSG_EBADSOURCE },
    { ":nick", 0, NT_MSG_EBADSOURCE },
    { ":nick   ", 0, NT_MSG_EBADSOURCE },
    { "@a :nick", 0, NT_MSG_EBADSOURCE },
    { "PRIV_MSG #a x", 0, NT_MSG_EBADCOMMAND },
    { "12 x", 0, NT_MSG_EBADCOMMAND },
    { "1234", 0, NT_MSG_EBADCOMMAND },
    { "12A", 0, NT_MSG_EBADCOMMAND },
    { "A1", 0, NT_MSG_EBADCOMMAND },
    { ":srv 00a x", 0, NT_MSG_EBADCOMMAND },
    { "PRIVMSG: #a", 0, NT_MSG_EBADCOMMAND },
    { "@a=1 :s ?", 0, NT_MSG_EBADCOMMAND },
    { "PING a\0b", 8, NT_MSG_EBADCHAR },
    { "\0", 1, NT_MSG_EBADCHAR },
    { "PING a\rb", 0, NT_MSG_EBADCHAR },
    { "PING a\nb", 0, NT_MSG_EBADCHAR },
    { "PING a\r\r\n", 0, NT_MSG_EBADCHAR },
    { "PING a\n\n", 0, NT_MSG_EBADCHAR },
    { "PING a\n\r", 0, NT_MSG_EBADCHAR },
    { "@a=x\ry PING", 0, NT_MSG_EBADCHAR },
};

static void test_malformations(void)
{
    size_t i;
    for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const bad_case *c = &bad_cases[i];
        size_t len = c->len ? c->len : strlen(c->line);
        nt_msg_err got = nt_msg_parse(c->line, len, &g_a);
        CHECK_MSG(got == c->want, "case %u \"%s\": got %s, expected %s", (unsigned)i, c->line,
                  nt_msg_strerror(got), nt_msg_strerror(c->want));
        /* A failed parse leaves an empty message, never half of one. */
        CHECK_INT(g_a.nparams, 0);
        CHECK_INT(g_a.ntags, 0);
        CHECK(g_a.command == NULL);
    }
}

static void test_too_many_tags(void)
{
    char line[1024];
    size_t n = 0;
    int i;
    line[n++] = '@';
    for (i = 0; i < NT_MSG_MAX_TAGS; i++)
        n += (size_t)sprintf(line + n, "%sk%d=%d", i ? ";" : "", i, i);
    strcpy(line + n, " PING");
    CHECK_INT(parse_str(line, &g_a), NT_MSG_OK);
    CHECK_INT(g_a.ntags, NT_MSG_MAX_TAGS);
    CHECK_STR(nt_msg_tag(&g_a, "k63"), "63");
    /* Repeating a key does not add a tag. */
    strcpy(line + n, ";k0=x PING");
    CHECK_INT(parse_str(line, &g_a), NT_MSG_OK);
    CHECK_INT(g_a.ntags, NT_MSG_MAX_TAGS);
    CHECK_STR(nt_msg_tag(&g_a, "k0"), "x");
    strcpy(line + n, ";k64 PING");
    CHECK_INT(parse_str(line, &g_a), NT_MSG_ETOOMANYTAGS);
}

/* ---- well-formed lines -------------------------------------------------- */

static void test_parse_basic(void)
{
    CHECK_INT(parse_str(":nick!user@host privmsg #chan :hello there\r\n", &g_a), NT_MSG_OK);
    CHECK_INT(g_a.ntags, 0);
    CHECK_STR(g_a.source, "nick!user@host");
    CHECK_STR(g_a.command, "PRIVMSG");
    CHECK_INT(g_a.nparams, 2);
    CHECK_STR(g_a.params[0], "#chan");
    CHECK_STR(g_a.params[1], "hello there");

    CHECK_INT(parse_str("PING", &g_a), NT_MSG_OK);
    CHECK(g_a.source == NULL);
    CHECK_STR(g_a.command, "PING");
    CHECK_INT(g_a.nparams, 0);

    CHECK_INT(parse_str(":irc.example 001 me :Welcome", &g_a), NT_MSG_OK);
    CHECK_STR(g_a.command, "001");
    CHECK_STR(g_a.params[1], "Welcome");

    /* Spaces: leading, repeated between params, trailing after middles. */
    CHECK_INT(parse_str("  PRIVMSG   #a    :hi  there ", &g_a), NT_MSG_OK);
    CHECK_INT(g_a.nparams, 2);
    CHECK_STR(g_a.params[0], "#a");
    CHECK_STR(g_a.params[1], "hi  there ");
    CHECK_INT(parse_str("MODE #a +o   nick   ", &g_a), NT_MSG_OK);
    CHECK_INT(g_a.nparams, 3);
    CHECK_STR(g_a.params[2], "nick");
    CHECK_INT(parse_str(":s   NOTICE  x", &g_a), NT_MSG_OK);
    CHECK_STR(g_a.source, "s");

    /* Empty and colon-only trailing parameters. */
    CHECK_INT(parse_str("TOPIC #a :", &g_a), NT_MSG_OK);
    CHECK_INT(g_a.nparams, 2);
    CHECK_STR(g_a.params[1], "");
    CHECK_INT(parse_str("PRIVMSG #a ::)", &g_a), NT_MSG_OK);
    CHECK_STR(g_a.params[1], ":)");
    /* A ':' inside a middle parameter is just a character. */
    CHECK_INT(parse_str("PRIVMSG a:b c", &g_a), NT_MSG_OK);
    CHECK_STR(g_a.params[0], "a:b");
    /* A lone CR or LF ending is tolerated too. */
    CHECK_INT(parse_str("PING x\r", &g_a), NT_MSG_OK);
    CHECK_STR(g_a.params[0], "x");
    CHECK_INT(parse_str("PING x\n", &g_a), NT_MSG_OK);
    CHECK_STR(g_a.params[0], "x");
    /* A length that stops early is honoured. */
    CHECK_INT(nt_msg_parse("PING abcdef", 6, &g_a), NT_MSG_OK);
    CHECK_STR(g_a.params[0], "a");
}

static void test_parse_tags(void)
{
    CHECK_INT(parse_str("@time=2024-01-02T03:04:05.678Z;+example.com/foo=bar;flag;empty= "
                        ":n!u@h PRIVMSG #a :x", &g_a), NT_MSG_OK);
    CHECK_INT(g_a.ntags, 4);
    CHECK_STR(g_a.tags[0].key, "time");
    CHECK_STR(nt_msg_tag(&g_a, "time"), "2024-01-02T03:04:05.678Z");
    CHECK_STR(nt_msg_tag(&g_a, "+example.com/foo"), "bar");
    CHECK_STR(nt_msg_tag(&g_a, "flag"), "");
    CHECK_STR(nt_msg_tag(&g_a, "empty"), "");
    CHECK(nt_msg_tag(&g_a, "missing") == NULL);
    CHECK(nt_msg_tag(&g_a, "TIME") == NULL);   /* keys are case-sensitive */
    CHECK_STR(g_a.source, "n!u@h");
    /* Last duplicate wins. */
    CHECK_INT(parse_str("@a=1;b=2;a=3 PING", &g_a), NT_MSG_OK);
    CHECK_INT(g_a.ntags, 2);
    CHECK_STR(nt_msg_tag(&g_a, "a"), "3");
    /* Several spaces after the tags. */
    CHECK_INT(parse_str("@a=1    PING", &g_a), NT_MSG_OK);
    CHECK_STR(g_a.command, "PING");
    /* Values may hold '=' and ':'. */
    CHECK_INT(parse_str("@a=b=c:d PING", &g_a), NT_MSG_OK);
    CHECK_STR(nt_msg_tag(&g_a, "a"), "b=c:d");
}

typedef struct escape_case {
    const char *raw;
    const char *value;
} escape_case;

static const escape_case escape_cases[] = {
    { "a\\:b", "a;b" },
    { "a\\sb", "a b" },
    { "a\\\\b", "a\\b" },
    { "a\\rb", "a\rb" },
    { "a\\nb", "a\nb" },
    { "\\:\\s\\\\\\r\\n", "; \\\r\n" },
    { "a\\bc", "abc" },        /* unknown escape: the backslash goes */
    { "\\0", "0" },
    { "abc\\", "abc" },        /* trailing lone backslash is dropped */
    { "\\", "" },
    { "\\\\\\", "\\" },
    { "\\\\s", "\\s" },
};

static void test_tag_escaping(void)
{
    size_t i, len;
    char line[128];
    for (i = 0; i < sizeof escape_cases / sizeof escape_cases[0]; i++) {
        sprintf(line, "@k=%s PING", escape_cases[i].raw);
        CHECK_INT(parse_str(line, &g_a), NT_MSG_OK);
        CHECK_STR(nt_msg_tag(&g_a, "k"), escape_cases[i].value);
    }
    nt_msg_init(&g_a, NULL, "TAGMSG");
    CHECK_INT(nt_msg_add_tag(&g_a, "k", "; \\\r\nx"), NT_MSG_OK);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_OK);
    CHECK_STR(g_out, "@k=\\:\\s\\\\\\r\\nx TAGMSG\r\n");
    CHECK_INT(len, strlen(g_out));
    CHECK_INT(parse_str(g_out, &g_b), NT_MSG_OK);
    CHECK_STR(nt_msg_tag(&g_b, "k"), "; \\\r\nx");
}

/* RFC 1459: after 14 middle parameters the 15th is the rest of the line. */
static void test_fifteen_params(void)
{
    size_t len;
    CHECK_INT(parse_str("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16  17", &g_a), NT_MSG_OK);
    CHECK_INT(g_a.nparams, 15);
    CHECK_STR(g_a.params[13], "14");
    CHECK_STR(g_a.params[14], "15 16  17");
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_OK);
    CHECK_STR(g_out, "CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 :15 16  17\r\n");

    CHECK_INT(parse_str("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 :15 16", &g_a), NT_MSG_OK);
    CHECK_STR(g_a.params[14], "15 16");
    CHECK_INT(parse_str("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 ::15", &g_a), NT_MSG_OK);
    CHECK_STR(g_a.params[14], ":15");
    CHECK_INT(parse_str("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14    15", &g_a), NT_MSG_OK);
    CHECK_STR(g_a.params[14], "15");
    CHECK_INT(parse_str("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14   ", &g_a), NT_MSG_OK);
    CHECK_INT(g_a.nparams, 14);
    CHECK_INT(parse_str("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 :14 15", &g_a), NT_MSG_OK);
    CHECK_INT(g_a.nparams, 14);
    CHECK_STR(g_a.params[13], "14 15");
}

/* ---- limits, exactly at and one past each boundary ----------------------- */

static void test_line_limit(void)
{
    size_t len;
    /* 510 bytes + CR LF = 512: accepted, and serializes to exactly 512. */
    const char *at = make_line("PRIVMSG #a :a ", 'x', NT_LINE_MAX - 2, "");
    CHECK_INT(parse_str(at, &g_a), NT_MSG_OK);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_OK);
    CHECK_INT(len, NT_LINE_MAX);
    CHECK_INT(memcmp(g_out, at, NT_LINE_MAX - 2), 0);
    make_line("PRIVMSG #a :a ", 'x', NT_LINE_MAX, "\r\n");
    CHECK_INT(parse_str(g_line, &g_a), NT_MSG_OK);
    make_line("PRIVMSG #a :a ", 'x', NT_LINE_MAX - 1, "");
    CHECK_INT(parse_str(g_line, &g_a), NT_MSG_ETOOLONG);
    make_line("PRIVMSG #a :a ", 'x', NT_LINE_MAX + 1, "\r\n");
    CHECK_INT(parse_str(g_line, &g_a), NT_MSG_ETOOLONG);
    /* A ':' the canonical form does not need makes the line shorter, not longer. */
    make_line("PRIVMSG #a :", 'x', NT_LINE_MAX - 2, "");
    CHECK_INT(parse_str(g_line, &g_a), NT_MSG_OK);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_OK);
    CHECK_INT(len, NT_LINE_MAX - 1);
    /* Tags do not count against the 512. */
    make_line("@a=b PRIVMSG #a :", 'x', NT_LINE_MAX - 2 + 5, "");
    CHECK_INT(parse_str(g_line, &g_a), NT_MSG_OK);
    make_line("@a=b PRIVMSG #a :", 'x', NT_LINE_MAX - 1 + 5, "");
    CHECK_INT(parse_str(g_line, &g_a), NT_MSG_ETOOLONG);
    /* Trailing spaces are bytes received. */
    make_line("PING a", ' ', NT_LINE_MAX - 1, "");
    CHECK_INT(parse_str(g_line, &g_a), NT_MSG_ETOOLONG);
    /* The 15th parameter without ':' gains one when serialized: the line must
     * fit in canonical form too, so every accepted message can be sent on. */
    make_line("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 a ", 'x', NT_LINE_MAX - 3, "");
    CHECK_INT(parse_str(g_line, &g_a), NT_MSG_OK);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_OK);
    CHECK_INT(len, NT_LINE_MAX);
    make_line("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 a ", 'x', NT_LINE_MAX - 2, "");
    CHECK_INT(parse_str(g_line, &g_a), NT_MSG_ETOOLONG);
}

static void test_tags_limit(void)
{
    size_t len, n;
    /* '@' through the last tag byte: exactly 8191 is accepted. */
    make_line("@k=", 'v', NT_TAGS_MAX + 7, " PING x");
    CHECK_INT(parse_str(g_line, &g_a), NT_MSG_OK);
    CHECK_INT(strlen(nt_msg_tag(&g_a, "k")), NT_TAGS_MAX - 3);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_OK);
    CHECK_INT(len, NT_TAGS_MAX + strlen(" PING x\r\n"));
    CHECK_INT(memcmp(g_out, g_line, NT_TAGS_MAX + 7), 0);
    /* With a full 512 on top: a whole NT_FRAME_MAX frame. */
    n = NT_TAGS_MAX + 1 + NT_LINE_MAX - 2;
    make_line("@k=", 'v', n, "");
    memcpy(g_line + NT_TAGS_MAX, " PRIVMSG #a :a ", 15);
    CHECK_INT(parse_str(g_line, &g_a), NT_MSG_OK);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_OK);
    CHECK_INT(len, NT_FRAME_MAX);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, NT_FRAME_MAX, &len), NT_MSG_ENOSPACE);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, NT_FRAME_MAX + 1, &len), NT_MSG_OK);
    /* One more tag byte. */
    make_line("@k=", 'v', NT_TAGS_MAX + 1 + 7, " PING x");
    CHECK_INT(parse_str(g_line, &g_a), NT_MSG_ETAGSTOOLONG);
    /* Escapes count as received: 8191 bytes of "\s" fit, the value is shorter. */
    make_line("@k=", 'v', NT_TAGS_MAX + 5, " PING");
    for (n = 3; n + 1 < NT_TAGS_MAX; n += 2)
        memcpy(g_line + n, "\\s", 2);
    CHECK_INT(parse_str(g_line, &g_a), NT_MSG_OK);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_OK);
    CHECK_INT(parse_str(g_out, &g_b), NT_MSG_OK);
    CHECK_STR(msg_diff(&g_a, &g_b), "");
}

static void test_serialize_limits(void)
{
    static char big[NT_TAGS_MAX + 2];
    size_t len;
    /* Body: 512 with CR LF is the most; one more is refused. */
    nt_msg_init(&g_a, "srv", "NOTICE");
    CHECK_INT(nt_msg_add_param(&g_a, "me"), NT_MSG_OK);
    memset(big, 'x', NT_LINE_MAX);
    big[NT_LINE_MAX - 2 - strlen(":srv NOTICE me ")] = '\0';
    CHECK_INT(nt_msg_add_param(&g_a, big), NT_MSG_OK);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_OK);
    CHECK_INT(len, NT_LINE_MAX);
    nt_msg_init(&g_a, "srv", "NOTICE");
    CHECK_INT(nt_msg_add_param(&g_a, "me"), NT_MSG_OK);
    big[strlen(big)] = 'x';
    big[NT_LINE_MAX - 1 - strlen(":srv NOTICE me ")] = '\0';
    CHECK_INT(nt_msg_add_param(&g_a, big), NT_MSG_OK);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_ETOOLONG);
    CHECK_INT(len, 0);
    CHECK_INT(nt_msg_serialize_notags(&g_a, g_out, sizeof g_out, &len), NT_MSG_ETOOLONG);
    /* Tags: '@' + "k=" + value = 8191 is the most. */
    nt_msg_init(&g_a, NULL, "TAGMSG");
    memset(big, 'v', sizeof big);
    big[NT_TAGS_MAX - 3] = '\0';
    CHECK_INT(nt_msg_add_tag(&g_a, "k", big), NT_MSG_OK);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_OK);
    CHECK_INT(len, NT_TAGS_MAX + strlen(" TAGMSG\r\n"));
    big[NT_TAGS_MAX - 3] = 'v';
    big[NT_TAGS_MAX - 2] = '\0';
    nt_msg_init(&g_a, NULL, "TAGMSG");
    CHECK_INT(nt_msg_add_tag(&g_a, "k", big), NT_MSG_OK);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_ETAGSTOOLONG);
    /* ...but a client without message-tags still gets the message. */
    CHECK_INT(nt_msg_serialize_notags(&g_a, g_out, sizeof g_out, &len), NT_MSG_OK);
    CHECK_STR(g_out, "TAGMSG\r\n");
    /* Escaping counts: 4095 spaces become 8190 bytes. */
    nt_msg_init(&g_a, NULL, "TAGMSG");
    memset(big, ' ', sizeof big);
    big[(NT_TAGS_MAX - 3) / 2] = '\0';
    CHECK_INT(nt_msg_add_tag(&g_a, "k", big), NT_MSG_OK);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_OK);
    big[(NT_TAGS_MAX - 3) / 2] = ' ';
    big[(NT_TAGS_MAX - 3) / 2 + 1] = '\0';
    nt_msg_init(&g_a, NULL, "TAGMSG");
    CHECK_INT(nt_msg_add_tag(&g_a, "k", big), NT_MSG_OK);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_ETAGSTOOLONG);
}

/* ---- build -------------------------------------------------------------- */

static void test_build(void)
{
    size_t len;
    int i;
    char num[8];
    nt_msg_init(&g_a, "nick!u@h", "PRIVMSG");
    CHECK_INT(nt_msg_add_param(&g_a, "#chan"), NT_MSG_OK);
    CHECK_INT(nt_msg_add_param(&g_a, "hello world"), NT_MSG_OK);
    CHECK_INT(nt_msg_add_tag(&g_a, "time", "2024-01-01T00:00:00.000Z"), NT_MSG_OK);
    CHECK_INT(nt_msg_add_tag(&g_a, "+draft/reply", NULL), NT_MSG_OK);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_OK);
    CHECK_STR(g_out, "@time=2024-01-01T00:00:00.000Z;+draft/reply "
                     ":nick!u@h PRIVMSG #chan :hello world\r\n");
    CHECK_INT(len, strlen(g_out));
    CHECK_INT(nt_msg_serialize_notags(&g_a, g_out, sizeof g_out, &len), NT_MSG_OK);
    CHECK_STR(g_out, ":nick!u@h PRIVMSG #chan :hello world\r\n");
    /* Too small a buffer, by one byte: the NUL needs room too. */
    CHECK_INT(nt_msg_serialize_notags(&g_a, g_out, len, &len), NT_MSG_ENOSPACE);
    CHECK_INT(len, 0);
    CHECK_STR(g_out, "");
    CHECK_INT(nt_msg_serialize_notags(&g_a, NULL, 0, &len), NT_MSG_ENOSPACE);

    /* A tag set twice keeps one entry, the last value. */
    CHECK_INT(nt_msg_add_tag(&g_a, "time", "x"), NT_MSG_OK);
    CHECK_INT(g_a.ntags, 2);
    CHECK_STR(nt_msg_tag(&g_a, "time"), "x");
    CHECK_INT(nt_msg_add_tag(&g_a, "bad key", "x"), NT_MSG_EBADTAGS);
    CHECK_INT(nt_msg_add_tag(&g_a, "", "x"), NT_MSG_EBADTAGS);
    CHECK_INT(nt_msg_add_tag(&g_a, NULL, "x"), NT_MSG_EBADTAGS);

    /* Only the last parameter may be trailing-like. */
    nt_msg_init(&g_a, NULL, "PRIVMSG");
    CHECK_INT(nt_msg_add_param(&g_a, "a b"), NT_MSG_OK);
    CHECK_INT(nt_msg_add_param(&g_a, "c"), NT_MSG_EBADPARAM);
    nt_msg_init(&g_a, NULL, "PRIVMSG");
    CHECK_INT(nt_msg_add_param(&g_a, ""), NT_MSG_OK);
    CHECK_INT(nt_msg_add_param(&g_a, "c"), NT_MSG_EBADPARAM);
    nt_msg_init(&g_a, NULL, "PRIVMSG");
    CHECK_INT(nt_msg_add_param(&g_a, ":x"), NT_MSG_OK);
    CHECK_INT(nt_msg_add_param(&g_a, "c"), NT_MSG_EBADPARAM);
    CHECK_INT(nt_msg_add_param(&g_a, "a\r\nQUIT"), NT_MSG_EBADCHAR);
    CHECK_INT(nt_msg_add_param(&g_a, "a\n"), NT_MSG_EBADCHAR);
    CHECK_INT(g_a.nparams, 1);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_OK);
    CHECK_STR(g_out, "PRIVMSG ::x\r\n");

    /* Fifteen parameters, not sixteen. */
    nt_msg_init(&g_a, NULL, "CMD");
    for (i = 1; i <= NT_MSG_MAX_PARAMS; i++) {
        sprintf(num, "%d", i);
        CHECK_INT(nt_msg_add_param(&g_a, num), NT_MSG_OK);
    }
    CHECK_INT(nt_msg_add_param(&g_a, "16"), NT_MSG_ETOOMANYPARAMS);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_OK);
    CHECK_STR(g_out, "CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\r\n");

    /* Sixty-four tags, not sixty-five. */
    nt_msg_init(&g_a, NULL, "TAGMSG");
    for (i = 0; i < NT_MSG_MAX_TAGS; i++) {
        sprintf(num, "k%d", i);
        CHECK_INT(nt_msg_add_tag(&g_a, num, "v"), NT_MSG_OK);
    }
    CHECK_INT(nt_msg_add_tag(&g_a, "k64", "v"), NT_MSG_ETOOMANYTAGS);
    CHECK_INT(nt_msg_add_tag(&g_a, "k0", "w"), NT_MSG_OK);
    CHECK_STR(nt_msg_tag(&g_a, "k0"), "w");
}

static void test_serialize_refuses(void)
{
    size_t len;
    nt_msg_init(&g_a, NULL, "");
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_ENOCOMMAND);
    nt_msg_init(&g_a, NULL, NULL);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_ENOCOMMAND);
    nt_msg_init(&g_a, NULL, "PRIV MSG");
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_EBADCOMMAND);
    nt_msg_init(&g_a, NULL, "01");
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_EBADCOMMAND);
    nt_msg_init(&g_a, "a b", "PING");
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_EBADSOURCE);
    nt_msg_init(&g_a, "a\r\nQUIT", "PING");
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_EBADSOURCE);
    /* An empty source is no source. */
    nt_msg_init(&g_a, "", "PING");
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_OK);
    CHECK_STR(g_out, "PING\r\n");
    /* A lower-case built command goes out as given. */
    nt_msg_init(&g_a, NULL, "cap");
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_OK);
    CHECK_STR(g_out, "cap\r\n");
    /* A huge source cannot overflow anything; it is just too long. */
    memset(g_line, 'h', NT_FRAME_MAX);
    g_line[NT_FRAME_MAX] = '\0';
    nt_msg_init(&g_a, g_line, g_line);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_ETOOLONG);
    nt_msg_init(&g_a, g_line, "PING");
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, &len), NT_MSG_ETOOLONG);
}

static void test_copy(void)
{
    size_t len;
    CHECK_INT(parse_str("@a=1;flag :n!u@h PRIVMSG #c :hi there", &g_a), NT_MSG_OK);
    nt_msg_copy(&g_b, &g_a);
    memset(&g_a, 0x55, sizeof g_a);   /* the copy must not point into the original */
    CHECK(g_b.source >= g_b.buf && g_b.source < g_b.buf + sizeof g_b.buf);
    CHECK(g_b.params[1] >= g_b.buf && g_b.params[1] < g_b.buf + sizeof g_b.buf);
    CHECK_STR(g_b.source, "n!u@h");
    CHECK_STR(g_b.command, "PRIVMSG");
    CHECK_STR(g_b.params[0], "#c");
    CHECK_STR(g_b.params[1], "hi there");
    CHECK_STR(nt_msg_tag(&g_b, "a"), "1");
    CHECK_STR(nt_msg_tag(&g_b, "flag"), "");
    CHECK_INT(nt_msg_serialize(&g_b, g_out, sizeof g_out, &len), NT_MSG_OK);
    CHECK_STR(g_out, "@a=1;flag :n!u@h PRIVMSG #c :hi there\r\n");
    /* A copy can be extended like the original. */
    nt_msg_init(&g_a, NULL, "JOIN");
    CHECK_INT(nt_msg_add_param(&g_a, "#a"), NT_MSG_OK);
    nt_msg_copy(&g_c, &g_a);
    CHECK_INT(nt_msg_add_param(&g_c, "key"), NT_MSG_OK);
    CHECK_INT(nt_msg_serialize(&g_c, g_out, sizeof g_out, &len), NT_MSG_OK);
    CHECK_STR(g_out, "JOIN #a key\r\n");
    CHECK_INT(g_a.nparams, 1);
    nt_msg_copy(&g_c, &g_c);
    CHECK_STR(g_c.params[1], "key");
}

static void test_strerror(void)
{
    int i, j;
    for (i = NT_MSG_OK; i <= NT_MSG_ENOSPACE; i++) {
        const char *s = nt_msg_strerror((nt_msg_err)i);
        CHECK(s != NULL && s[0] != '\0');
        for (j = NT_MSG_OK; j < i; j++)
            CHECK(strcmp(s, nt_msg_strerror((nt_msg_err)j)) != 0);
    }
    CHECK(nt_msg_strerror((nt_msg_err)999) != NULL);
    CHECK_STR(nt_msg_strerror(NT_MSG_ETOOLONG), "line too long");
}

/* ---- round trip --------------------------------------------------------- */

/* x parses; serialize gives s; s parses to the same message and serializes
 * to s again (the canonical form is a fixed point). 1 if x parsed. */
static int round_trip(const char *x, size_t n, const char **why)
{
    size_t len, len2;
    nt_msg_err err;
    *why = "";
    if (nt_msg_parse(x, n, &g_a) != NT_MSG_OK)
        return 0;
    err = nt_msg_serialize(&g_a, g_out, sizeof g_out, &len);
    if (err != NT_MSG_OK) {
        *why = nt_msg_strerror(err);
        return 1;
    }
    if (len < 2 || memcmp(g_out + len - 2, "\r\n", 2) != 0 || strlen(g_out) != len) {
        *why = "no CR LF at the end, or a NUL inside";
        return 1;
    }
    err = nt_msg_parse(g_out, len, &g_b);
    if (err != NT_MSG_OK) {
        *why = nt_msg_strerror(err);
        return 1;
    }
    *why = msg_diff(&g_a, &g_b);
    if (**why)
        return 1;
    if (nt_msg_serialize(&g_b, g_out2, sizeof g_out2, &len2) != NT_MSG_OK || len2 != len
        || memcmp(g_out, g_out2, len) != 0)
        *why = "not stable";
    return 1;
}

static const char *const samples[] = {
    "PING",
    "PING :",
    "PING :x",
    "PING x y",
    ":srv 001 me :Welcome to the network me!u@h",
    ":srv 005 me CASEMAPPING=rfc1459 CHANTYPES=# PREFIX=(ov)@+ :are supported by this server",
    ":n!u@h PRIVMSG #a :\001ACTION waves\001",
    ":n!u@h PRIVMSG #a :   leading spaces",
    ":n!u@h PRIVMSG #a ::starts with colon",
    ":n!u@h PRIVMSG #a word",
    "privmsg #a :lower",
    "  PRIVMSG   #a   b  ",
    "@time=2024-01-01T00:00:00Z :n PRIVMSG #a :x",
    "@a=;b;c=\\s\\:\\\\\\r\\n\\x\\ PING",
    "@+vendor.example/k=v;k2=a=b PING",
    "@a=1;a=2;a PING",
    "CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16",
    "CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 :",
    "CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 ::",
    "CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 x:",
    ":::: PING :",
    ":a:b NOTICE a:b :c:d",
    "MODE #a +b *!*@*",
    "353 me = #a :@op +voice plain",
    "\xc3\xa9t\xc3\xa9 x",
    "PRIVMSG #a :\xe2\x98\x83 unicode",
    "PRIVMSG #a :tab\there",
};

static void test_round_trip_samples(void)
{
    size_t i;
    const char *why;
    for (i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        int parsed = round_trip(samples[i], strlen(samples[i]), &why);
        if (strcmp(samples[i], "\xc3\xa9t\xc3\xa9 x") == 0) {
            CHECK(!parsed);   /* not letters: bytes above 127 are no command */
            continue;
        }
        CHECK_MSG(parsed, "sample %u does not parse: \"%s\"", (unsigned)i, samples[i]);
        CHECK_MSG(!*why, "sample %u \"%s\": %s", (unsigned)i, samples[i], why);
    }
    CHECK_INT(parse_str(":n!u@h PRIVMSG #a :word", &g_a), NT_MSG_OK);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, NULL), NT_MSG_OK);
    CHECK_STR(g_out, ":n!u@h PRIVMSG #a word\r\n");
    CHECK_INT(parse_str("@b;a=;c=\\x\\ PING", &g_a), NT_MSG_OK);
    CHECK_INT(nt_msg_serialize(&g_a, g_out, sizeof g_out, NULL), NT_MSG_OK);
    CHECK_STR(g_out, "@b;a;c=x PING\r\n");
}

static unsigned long g_rng = 12345;

static unsigned rnd(unsigned n)
{
    g_rng = g_rng * 1103515245UL + 12345UL;
    return (unsigned)((g_rng >> 16) & 0x7fff) % n;
}

static char rnd_of(const char *set)
{
    return set[rnd((unsigned)strlen(set))];
}

static const char g_noise[] = " :@;=\\/+.-!*#&abcAZz09 sn\x01\x7f\xff";

static size_t gen_word(char *p, const char *set, unsigned maxlen)
{
    size_t i, n = rnd(maxlen) + 1;
    for (i = 0; i < n; i++)
        p[i] = rnd_of(set);
    return n;
}

/* A line that is mostly well-formed, with noise: most parse, some do not. */
static size_t gen_line(char *p)
{
    static const char *const cmds[] = { "PRIVMSG", "ping", "001", "NoTiCe", "353", "X" };
    size_t n = 0;
    unsigned i, k;
    if (rnd(2)) {
        p[n++] = '@';
        for (i = 0, k = rnd(5) + 1; i < k; i++) {
            if (i)
                p[n++] = ';';
            if (rnd(4) == 0)
                p[n++] = '+';
            n += gen_word(p + n, "abcxyz-09", 6);
            if (rnd(6) == 0) {
                p[n++] = '/';
                n += gen_word(p + n, "kv", 3);
            }
            if (rnd(3)) {
                p[n++] = '=';
                n += gen_word(p + n, rnd(2) ? "ab\\s:rn;=x" : g_noise + 1, 12);
            }
        }
        p[n++] = ' ';
    }
    for (i = rnd(3); i > 0; i--)
        p[n++] = ' ';
    if (rnd(2)) {
        p[n++] = ':';
        n += gen_word(p + n, "nick!u@h.:x", 10);
        p[n++] = ' ';
    }
    strcpy(p + n, cmds[rnd(6)]);
    n += strlen(p + n);
    for (i = 0, k = rnd(18); i < k; i++) {
        p[n++] = ' ';
        if (rnd(5) == 0)
            p[n++] = ' ';
        if (rnd(6) == 0)
            p[n++] = ':';
        n += gen_word(p + n, rnd(4) ? "ab#:c" : g_noise, 8);
    }
    if (rnd(8) == 0)
        n += gen_word(p + n, g_noise, 4);
    return n;
}

static void test_round_trip_generated(void)
{
    static char line[2048];
    int i, parsed = 0, fifteen = 0;
    const char *why;
    for (i = 0; i < 200000; i++) {
        size_t n = gen_line(line);
        line[n] = '\0';
        if (round_trip(line, n, &why)) {
            parsed++;
            if (g_a.nparams == NT_MSG_MAX_PARAMS)
                fifteen++;
        }
        CHECK_MSG(!*why, "generated line %d \"%s\": %s", i, line, why);
    }
    printf("  %d of 200000 generated lines parsed, %d with 15 params\n", parsed, fifteen);
    CHECK(parsed > 50000);
    CHECK(fifteen > 100);
}

/* Pure noise: anything may happen but a crash, and whatever parses round-trips. */
static void test_round_trip_noise(void)
{
    static char line[700];
    int i, parsed = 0;
    const char *why;
    for (i = 0; i < 200000; i++) {
        size_t j, n = rnd(600);
        for (j = 0; j < n; j++)
            line[j] = rnd(50) == 0 ? (char)rnd(256) : rnd_of(g_noise);
        if (round_trip(line, n, &why))
            parsed++;
        CHECK_MSG(!*why, "noise line %d: %s", i, why);
    }
    printf("  %d of 200000 noise lines parsed\n", parsed);
    CHECK(parsed > 0);
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_malformations);
    RUN(test_too_many_tags);
    RUN(test_parse_basic);
    RUN(test_parse_tags);
    RUN(test_tag_escaping);
    RUN(test_fifteen_params);
    RUN(test_line_limit);
    RUN(test_tags_limit);
    RUN(test_serialize_limits);
    RUN(test_build);
    RUN(test_serialize_refuses);
    RUN(test_copy);
    RUN(test_strerror);
    RUN(test_round_trip_samples);
    RUN(test_round_trip_generated);
    RUN(test_round_trip_noise);
    return NP_TEST_DONE();
}
