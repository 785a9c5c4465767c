/* libFuzzer target for the client session: the input is what a server sends,
 * cut into feeds; between feeds some bytes pick a user command (join, say,
 * nick, raw...) whose argument is taken from the input too. Events and output
 * are drained and checked as a client would read them; the session is closed,
 * restarted (rejoin on reconnect) and freed: any leak is a failure.
 *
 * Opcodes and lengths are chosen so that scripts can be text: '3' feeds a
 * line, '6' + a command letter + a length letter ('@' + n) + n bytes runs a
 * command, '7' reconnects (see corpus/fuzz_session).
 *
 * Script: each step is an opcode byte:
 *   0-2   feed: the next byte is a length n, the next n bytes are fed
 *   3-5   feed: the bytes up to and including the next LF (or the end)
 *   6     a command: the next byte picks it, then a length-prefixed argument
 *   7     the connection drops, then nt_session_start again */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <natter/session.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void drain(nt_session *s)
{
    nt_event ev;
    const char *out;
    size_t len;
    nt_member members[8];
    while (nt_session_next_event(s, &ev)) {
        /* Touch every string the event hands out: ASan checks they are live. */
        const char *strs[] = {ev.nick, ev.target, ev.channel, ev.text, ev.channels};
        for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++)
            if (strs[k])
                (void)strlen(strs[k]);
        if (ev.channel) {
            size_t n = nt_session_members(s, ev.channel, members, 8);
            for (size_t k = 0; k < n && k < 8; k++)
                (void)strlen(members[k].nick), (void)strlen(members[k].prefixes);
            (void)nt_session_channel_topic(s, ev.channel);
        }
    }
    out = nt_session_output(s, &len);
    if (len > 0) {
        /* What we send is whole lines. */
        if (!out || out[len - 1] != '\n')
            abort();
        nt_session_consume_output(s, len);
    }
    for (size_t k = 0; k < nt_session_channel_count(s); k++)
        (void)strlen(nt_session_channel_name(s, k));
    for (size_t k = 0; k < nt_session_query_count(s); k++)
        (void)strlen(nt_session_query_name(s, k));
    if (nt_session_nick(s))
        (void)strlen(nt_session_nick(s));
}

static void command(nt_session *s, unsigned which, const char *arg, int64_t now)
{
    const char *chan = nt_session_channel_count(s) ? nt_session_channel_name(s, 0) : "#natter";
    switch (which % 16) {
    case 0: nt_session_join(s, arg, NULL); break;
    case 1: nt_session_join(s, "#natter", arg); break;
    case 2: nt_session_part(s, chan, arg); break;
    case 3: nt_session_say(s, chan, arg, now); break;
    case 4: nt_session_say(s, arg, "hello", now); break;
    case 5: nt_session_notice(s, arg, "hi"); break;
    case 6: nt_session_me(s, chan, arg, now); break;
    case 7: nt_session_change_nick(s, arg); break;
    case 8: nt_session_topic(s, chan, arg); break;
    case 9: nt_session_away(s, arg); break;
    case 10: nt_session_away(s, NULL); break;
    case 11: nt_session_raw(s, arg); break;
    case 12: nt_session_names(s, chan); break;
    case 13: nt_session_open_query(s, arg); break;
    case 14: nt_session_close_query(s, arg); break;
    default: nt_session_quit(s, arg); break;
    }
    (void)nt_session_last_error(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nt_session_config cfg = {0};
    nt_session *s;
    int64_t now = 1000000;
    size_t i = 0;
    char arg[256];

    cfg.nick = "fuzzy";
    cfg.password = size && (data[0] & 1) ? "pw" : NULL;
    cfg.rejoin_on_reconnect = 1;
    if (!(s = nt_session_new(&cfg)))
        return 0;
    nt_session_start(s, now);
    drain(s);
    while (i < size) {
        unsigned op = data[i++] & 7;
        now += 50;
        if (op <= 5) {
            size_t n;
            if (op <= 2) {
                n = i < size ? data[i++] : 0;
                if (n > size - i)
                    n = size - i;
            } else {
                const uint8_t *lf = memchr(data + i, '\n', size - i);
                n = lf ? (size_t)(lf - (data + i)) + 1 : size - i;
            }
            nt_session_feed(s, (const char *)data + i, n, now);
            i += n;
        } else if (op == 6) {
            unsigned which = i < size ? data[i++] : 0;
            size_t n = i < size ? data[i++] % 64 : 0;
            if (n > size - i)
                n = size - i;
            memcpy(arg, data + i, n);
            arg[n] = '\0';
            i += n;
            command(s, which, arg, now);
        } else {
            nt_session_closed(s, "Connection reset", now);
            drain(s);
            nt_session_start(s, now);
        }
        drain(s);
    }
    nt_session_closed(s, "done", now);
    drain(s);
    nt_session_free(s);
    return 0;
}
