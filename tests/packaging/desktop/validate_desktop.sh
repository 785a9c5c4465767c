#!/bin/sh
# desktop-file-validate on the desktop file. The build's copy is named
# org.natter.Natter.desktop; the source (.desktop.in, when the GUI is not
# built) is validated under that name.
# usage: validate_desktop.sh DESKTOP_FILE
set -u
if ! command -v desktop-file-validate >/dev/null 2>&1; then
    echo "SKIP: desktop-file-validate not installed (Debian: desktop-file-utils)"
    exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cp "$1" "$tmp/org.natter.Natter.desktop" || exit 1
out=$(desktop-file-validate "$tmp/org.natter.Natter.desktop" 2>&1)
rc=$?
[ -n "$out" ] && printf '%s\n' "$out"
if [ $rc -ne 0 ] || [ -n "$out" ]; then
    echo "FAIL: desktop-file-validate: exit $rc"
    exit 1
fi
for key in 'Exec=natter %U' 'Icon=org.natter.Natter' 'MimeType=x-scheme-handler/irc;'; do
    if ! grep -qxF "$key" "$tmp/org.natter.Natter.desktop"; then
        echo "FAIL: no line '$key'"
        exit 1
    fi
done
echo "ok: desktop file valid"
