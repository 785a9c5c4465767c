#!/bin/sh
# The long options (--xxx) a program's help lists are exactly those its man
# page's OPTIONS section documents; the man page's example command lines use
# no other. The page must also format without groff warnings.
# usage: help_vs_man.sh MANPAGE PROGRAM HELP-FLAG...
set -u
man=$1
shift
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
name=$(basename "$man" .1)

if ! "$@" >"$tmp/help" 2>&1; then
    cat "$tmp/help"
    echo "FAIL: $* exited non-zero"
    exit 1
fi
longopts() { grep -o -- '--[a-z][a-z0-9-]*' | sort -u; }
longopts <"$tmp/help" >"$tmp/help.opts"
# troff to text: \- is a minus, \fB.. font changes; no comments.
sed -e '/^\.\\"/d' -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f([A-Z][A-Z]//g' "$man" >"$tmp/man.txt"
sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$tmp/man.txt" | longopts >"$tmp/man.opts"
# Command lines that start with the program itself, anywhere in the page.
grep -E "^\.B[IR]* +$name( |\$)" "$tmp/man.txt" | longopts >"$tmp/examples.opts"

if [ ! -s "$tmp/help.opts" ]; then
    echo "FAIL: no --options in the output of $*"
    exit 1
fi
fail=0
missing=$(comm -23 "$tmp/help.opts" "$tmp/man.opts")
extra=$(comm -13 "$tmp/help.opts" "$tmp/man.opts")
unknown=$(comm -13 "$tmp/help.opts" "$tmp/examples.opts")
if [ -n "$missing" ]; then
    echo "FAIL: in '$*' but not in the OPTIONS of $man:" $missing
    fail=1
fi
if [ -n "$extra" ]; then
    echo "FAIL: in the OPTIONS of $man but not in '$*':" $extra
    fail=1
fi
if [ -n "$unknown" ]; then
    echo "FAIL: the examples in $man use options '$*' does not list:" $unknown
    fail=1
fi
if command -v groff >/dev/null 2>&1; then
    warnings=$(groff -man -Tutf8 -ww -z "$man" 2>&1)
    if [ -n "$warnings" ]; then
        printf '%s\n' "$warnings"
        echo "FAIL: groff warns about $man"
        fail=1
    fi
else
    echo "note: groff not installed: $man not formatted"
fi
[ $fail -eq 0 ] && echo "ok: $name: $(wc -l <"$tmp/help.opts") options, help and man page agree:" $(cat "$tmp/help.opts")
exit $fail
