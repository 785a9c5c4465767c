#!/bin/sh
# systemd-analyze verify on natterd.service, with ExecStart pointed at the
# built natterd (verify checks the program exists) and MANPATH at the source
# man pages (verify runs man for Documentation=). Any complaint fails. Then
# `systemd-analyze security --offline=yes` prints the exposure score; above
# 2.0 ("OK" ends there) fails. Before that, systemd-sysusers creates the user
# the unit runs as from the sysusers.d file, in a scratch root.
# usage: verify_unit.sh UNIT NATTERD MANDIR SYSUSERS
set -u
unit=$1 natterd=$2 mandir=$3 sysusers=$4
if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "SKIP: systemd-analyze not installed (Debian: systemd)"
    exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if ! grep -qxF 'ExecStart=/usr/bin/natterd --config /etc/natterd/natterd.conf' "$unit"; then
    echo "FAIL: $unit: ExecStart is not '/usr/bin/natterd --config /etc/natterd/natterd.conf'"
    exit 1
fi
if command -v systemd-sysusers >/dev/null 2>&1; then
    mkdir -p "$tmp/root/etc"
    if ! systemd-sysusers --root="$tmp/root" "$sysusers" >"$tmp/sysusers.log" 2>&1; then
        cat "$tmp/sysusers.log"
        echo "FAIL: systemd-sysusers $sysusers"
        exit 1
    fi
    if ! grep -q '^natterd:x:[0-9]*:[0-9]*:Natter IRC server:/var/lib/natterd:' "$tmp/root/etc/passwd" ||
       ! grep -q '^natterd:x:' "$tmp/root/etc/group"; then
        cat "$tmp/root/etc/passwd" "$tmp/root/etc/group"
        echo "FAIL: $sysusers did not create the user and group natterd"
        exit 1
    fi
    echo "ok: systemd-sysusers: $(grep '^natterd:' "$tmp/root/etc/passwd")"
    if ! grep -qx 'User=natterd' "$unit" || ! grep -qx 'Group=natterd' "$unit"; then
        echo "FAIL: the unit does not run as natterd:natterd"
        exit 1
    fi
else
    echo "note: systemd-sysusers not installed: sysusers file not tried"
fi
mkdir -p "$tmp/man/man1"
cp "$mandir/natterd.1" "$tmp/man/man1/" || exit 1
sed "s|^ExecStart=/usr/bin/natterd |ExecStart=$natterd |" "$unit" > "$tmp/natterd.service"
if ! command -v man >/dev/null 2>&1; then
    echo "note: man is not installed: Documentation= not checked"
    sed -i '/^Documentation=/d' "$tmp/natterd.service"
fi
out=$(cd "$tmp" && MANPATH="$tmp/man" SYSTEMD_LOG_COLOR=0 systemd-analyze verify ./natterd.service 2>&1)
rc=$?
[ -n "$out" ] && printf '%s\n' "$out"
if [ $rc -ne 0 ] || [ -n "$out" ]; then
    echo "FAIL: systemd-analyze verify: exit $rc"
    exit 1
fi
echo "ok: systemd-analyze verify"
if ! out=$(cd "$tmp" && SYSTEMD_COLORS=0 systemd-analyze security --offline=yes ./natterd.service 2>&1); then
    printf '%s\n' "$out"
    echo "note: this systemd-analyze has no 'security --offline': score not checked"
    exit 0
fi
printf '%s\n' "$out" | grep -v '^✓'
score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
if [ -z "$score" ]; then
    echo "FAIL: no exposure level in the output"
    exit 1
fi
if ! awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
    echo "FAIL: exposure level $score is above 2.0"
    exit 1
fi
echo "ok: exposure level $score"
