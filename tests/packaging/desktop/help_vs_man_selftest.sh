#!/bin/sh
# help_vs_man.sh must fail when the help lists an option the man page lacks,
# and when the man page documents an option the help lacks; and pass on the
# real pair (the starting point of both).
# usage: help_vs_man_selftest.sh HELP_VS_MAN MANPAGE NATTERD
set -u
check=$1 man=$2 natterd=$3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if ! sh "$check" "$man" "$natterd" --help >"$tmp/log" 2>&1; then
    cat "$tmp/log"
    echo "FAIL: the real man page and help do not agree to begin with"
    exit 1
fi

# A program whose help has one more option.
cat >"$tmp/more-help" <<EOS
#!/bin/sh
"$natterd" "\$@" && echo "  --brand-new-option     not documented anywhere"
EOS
chmod +x "$tmp/more-help"
if sh "$check" "$man" "$tmp/more-help" --help >"$tmp/log" 2>&1; then
    cat "$tmp/log"
    echo "FAIL: an option only in --help went unnoticed"
    exit 1
fi
grep -q -- '--brand-new-option' "$tmp/log" || { cat "$tmp/log"; echo "FAIL: not named"; exit 1; }
echo "ok: an option only in --help fails:"
cat "$tmp/log"

# A man page with one more option.
sed 's/^\.SH FILES$/.TP\n.B \\-\\-ghost\-option\nDoes not exist.\n.SH FILES/' "$man" >"$tmp/natterd.1"
grep -q 'ghost' "$tmp/natterd.1" || { echo "FAIL: could not edit the man page copy"; exit 1; }
if sh "$check" "$tmp/natterd.1" "$natterd" --help >"$tmp/log" 2>&1; then
    cat "$tmp/log"
    echo "FAIL: an option only in the man page went unnoticed"
    exit 1
fi
grep -q -- '--ghost-option' "$tmp/log" || { cat "$tmp/log"; echo "FAIL: not named"; exit 1; }
echo "ok: an option only in the man page fails:"
cat "$tmp/log"
