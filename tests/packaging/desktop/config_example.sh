#!/bin/sh
# natterd starts with packaging/natterd.conf.example (every key in it is one
# natterd knows), on a free loopback port instead of the example's 6667, and
# stops cleanly on SIGTERM.
# usage: config_example.sh NATTERD CONF
set -u
natterd=$1 conf=$2
tmp=$(mktemp -d) || exit 1
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
"$natterd" --config "$conf" --listen 127.0.0.1:0 >"$tmp/out" 2>"$tmp/err" &
pid=$!
i=0
while ! grep -q '^natterd: listening on 127\.0\.0\.1:[0-9]' "$tmp/out"; do
    if ! kill -0 "$pid" 2>/dev/null; then
        wait "$pid"
        echo "FAIL: natterd exited ($?) with the example configuration:"
        cat "$tmp/err"
        pid=
        exit 1
    fi
    i=$((i + 1))
    if [ $i -gt 100 ]; then
        echo "FAIL: natterd did not say it was listening within 10 s"
        exit 1
    fi
    sleep 0.1
done
cat "$tmp/out"
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
if [ $rc -ne 0 ]; then
    echo "FAIL: natterd exited $rc on SIGTERM"
    cat "$tmp/err"
    exit 1
fi
echo "ok: natterd runs with the example configuration"
