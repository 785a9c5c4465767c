#!/bin/sh
# Run one command on a private X server with its own D-Bus session bus:
#   with-xvfb.sh PROGRAM [ARGS...]
# Xvfb picks a free display itself (-displayfd), so parallel tests never
# collide; it is stopped when the command ends, whatever happens. Exit status:
# the command's, or 77 (skip) when there is no Xvfb here.
set -u
command -v Xvfb >/dev/null 2>&1 || { echo "SKIP: Xvfb is not installed"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/natter-xvfb.XXXXXX") || exit 1
xvfb_pid=
cleanup() {
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset 3>"$tmp/display" \
    >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
i=0
while [ ! -s "$tmp/display" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -s "$tmp/display" ]; then
    echo "Xvfb did not start:"; cat "$tmp/xvfb.log"; exit 1
fi
DISPLAY=":$(cat "$tmp/display")"
export DISPLAY
# Each test gets fresh XDG dirs so history, settings and caches never leak
# between tests or into the user's home.
for d in data config cache runtime; do mkdir -p "$tmp/$d"; done
chmod 700 "$tmp/runtime"
export XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" \
       XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/runtime"
if command -v dbus-run-session >/dev/null 2>&1; then
    dbus-run-session -- "$@"
else
    "$@"
fi
