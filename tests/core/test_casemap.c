/* libnatter: case mapping (rfc1459, ascii) and nick / channel validation. */
#include "np_test.h"

#include <natter/casemap.h>

static void test_names(void)
{
    CHECK_STR(nt_casemap_name(NT_CASEMAP_RFC1459), "rfc1459");
    CHECK_STR(nt_casemap_name(NT_CASEMAP_ASCII), "ascii");
    CHECK(nt_casemap_name((nt_casemap)42) != NULL);
    CHECK_INT(nt_casemap_parse("rfc1459"), NT_CASEMAP_RFC1459);
    CHECK_INT(nt_casemap_parse("ascii"), NT_CASEMAP_ASCII);
    CHECK_INT(nt_casemap_parse("ASCII"), NT_CASEMAP_ASCII);
    CHECK_INT(nt_casemap_parse("strict-rfc1459"), -1);
    CHECK_INT(nt_casemap_parse("rfc7613"), -1);
    CHECK_INT(nt_casemap_parse("asci"), -1);
    CHECK_INT(nt_casemap_parse("asciii"), -1);
    CHECK_INT(nt_casemap_parse(""), -1);
    CHECK_INT(nt_casemap_parse(NULL), -1);
}

static void test_fold_char(void)
{
    int c;
    static const char upper[] = "[]\\~", lower[] = "{}|^";
    int i;
    for (c = 'A'; c <= 'Z'; c++) {
        CHECK_INT(nt_casefold_char(NT_CASEMAP_RFC1459, (char)c), c - 'A' + 'a');
        CHECK_INT(nt_casefold_char(NT_CASEMAP_ASCII, (char)c), c - 'A' + 'a');
    }
    for (i = 0; i < 4; i++) {
        CHECK_INT(nt_casefold_char(NT_CASEMAP_RFC1459, upper[i]), lower[i]);
        CHECK_INT(nt_casefold_char(NT_CASEMAP_RFC1459, lower[i]), lower[i]);
        CHECK_INT(nt_casefold_char(NT_CASEMAP_ASCII, upper[i]), upper[i]);
    }
    /* Everything else is itself, bytes above 127 included (no locale). */
    for (c = -128; c < 128; c++) {
        char ch = (char)c;
        if ((ch >= 'A' && ch <= 'Z') || strchr(upper, ch) || ch == 0)
            continue;
        CHECK_INT(nt_casefold_char(NT_CASEMAP_RFC1459, ch), ch);
        CHECK_INT(nt_casefold_char(NT_CASEMAP_ASCII, ch), ch);
    }
}

static void test_fold_string(void)
{
    char buf[16];
    CHECK_STR(nt_casefold(NT_CASEMAP_RFC1459, "Nick[A]\\~", buf, sizeof buf), "nick{a}|^");
    CHECK_STR(nt_casefold(NT_CASEMAP_ASCII, "Nick[A]\\~", buf, sizeof buf), "nick[a]\\~");
    /* Truncated, always terminated. */
    CHECK_STR(nt_casefold(NT_CASEMAP_ASCII, "ABCDEF", buf, 4), "abc");
    buf[0] = 'x';
    CHECK_STR(nt_casefold(NT_CASEMAP_ASCII, "ABCDEF", buf, 1), "");
    CHECK(nt_casefold(NT_CASEMAP_ASCII, "A", buf, 0) == buf);
    CHECK_STR(nt_casefold(NT_CASEMAP_ASCII, NULL, buf, sizeof buf), "");
    /* In place. */
    strcpy(buf, "#CHAN[1]");
    CHECK_STR(nt_casefold(NT_CASEMAP_RFC1459, buf, buf, sizeof buf), "#chan{1}");
}

static void test_casecmp(void)
{
    CHECK_INT(nt_casecmp(NT_CASEMAP_RFC1459, "Nick[]", "nICK{}"), 0);
    CHECK_INT(nt_casecmp(NT_CASEMAP_RFC1459, "a\\b~", "A|B^"), 0);
    CHECK(nt_casecmp(NT_CASEMAP_ASCII, "Nick[]", "nICK{}") != 0);
    CHECK_INT(nt_casecmp(NT_CASEMAP_ASCII, "Nick", "nICK"), 0);
    CHECK(nt_casecmp(NT_CASEMAP_ASCII, "abc", "abd") < 0);
    CHECK(nt_casecmp(NT_CASEMAP_ASCII, "abd", "ABC") > 0);
    CHECK(nt_casecmp(NT_CASEMAP_ASCII, "ab", "abc") < 0);
    CHECK(nt_casecmp(NT_CASEMAP_ASCII, "abc", "ab") > 0);
    /* Unsigned order: UTF-8 sorts after ASCII. */
    CHECK(nt_casecmp(NT_CASEMAP_ASCII, "\xc3\xa9", "z") > 0);
    CHECK_INT(nt_casecmp(NT_CASEMAP_ASCII, "", ""), 0);
    CHECK_INT(nt_casecmp(NT_CASEMAP_ASCII, NULL, ""), 0);
    CHECK(nt_casecmp(NT_CASEMAP_ASCII, NULL, "a") < 0);
}

typedef struct name_case {
    const char *name;
    int valid;
} name_case;

static const name_case nicks[] = {
    { "nick", 1 }, { "Nick-42", 1 }, { "[away]", 1 }, { "`_^{|}\\", 1 }, { "a", 1 },
    { "abcdefghi", 1 },                 /* exactly maxlen (9) */
    { "abcdefghij", 0 },                /* one more */
    { "", 0 }, { "1nick", 0 }, { "-nick", 0 }, { "ni ck", 0 }, { "ni,ck", 0 },
    { "#chan", 0 }, { ":nick", 0 }, { "nick!", 0 }, { "n@h", 0 }, { "\xc3\xa9t\xc3\xa9", 0 },
    { "ni\rck", 0 }, { "ni*", 0 },
};

static const name_case channels[] = {
    { "#chan", 1 }, { "&local", 1 }, { "#a", 1 }, { "#C[x]-\xc3\xa9", 1 }, { "##", 1 },
    { "#a:b", 1 },
    { "#23456789", 1 },                 /* exactly maxlen (9) */
    { "#234567890", 0 },                /* one more */
    { "#", 0 }, { "", 0 }, { "chan", 0 }, { "+chan", 0 }, { "!chan", 0 },
    { "#a b", 0 }, { "#a,b", 0 }, { "#a\ab", 0 }, { "#a\rb", 0 }, { "#a\nb", 0 },
};

static void test_nick_valid(void)
{
    size_t i;
    for (i = 0; i < sizeof nicks / sizeof nicks[0]; i++)
        CHECK_MSG(nt_nick_valid(nicks[i].name, 9) == nicks[i].valid, "nick \"%s\": expected %d",
                  nicks[i].name, nicks[i].valid);
    CHECK(!nt_nick_valid(NULL, 9));
    CHECK(nt_nick_valid("abcdefghij", 30));
    CHECK(!nt_nick_valid("a", 0));
}

static void test_channel_valid(void)
{
    size_t i;
    for (i = 0; i < sizeof channels / sizeof channels[0]; i++)
        CHECK_MSG(nt_channel_valid(channels[i].name, "#&", 9) == channels[i].valid,
                  "channel \"%s\": expected %d", channels[i].name, channels[i].valid);
    CHECK(nt_channel_valid("+chan", "#+", 50));
    CHECK(!nt_channel_valid("&chan", "#", 50));
    CHECK(!nt_channel_valid(NULL, "#", 50));
    CHECK(!nt_channel_valid("#chan", NULL, 50));
    CHECK(!nt_channel_valid("#chan", "", 50));
}

int main(void)
{
    NP_TEST_INIT();
    RUN(test_names);
    RUN(test_fold_char);
    RUN(test_fold_string);
    RUN(test_casecmp);
    RUN(test_nick_valid);
    RUN(test_channel_valid);
    return NP_TEST_DONE();
}
