#!/bin/sh
# packages-deb-install: install the .deb that packages-linux built, for real
# (dpkg -i), run the installed natterd and natter-cli, then purge the package and
# whatever its postinst created, leaving the machine as it was.
#   install_deb.sh WORK_DIR VERSION
# Only as root, with dpkg, and when NATTER_PACKAGING_DPKG_INSTALL=1 (CI sets it;
# a developer's machine gets nothing installed behind its back): otherwise it
# prints SKIP and exits 77.
set -u
work=$1 version=$2

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

[ "${NATTER_PACKAGING_DPKG_INSTALL:-0}" = 1 ] ||
    skip "set NATTER_PACKAGING_DPKG_INSTALL=1 (as root) to install the .deb with dpkg -i"
[ "$(id -u)" = 0 ] || skip "dpkg -i needs root"
command -v dpkg >/dev/null 2>&1 && dpkg --version >/dev/null 2>&1 || skip "no usable dpkg"
deb=$(ls "$work"/out/natter_"$version"_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] && [ -f "$deb" ] || skip "no .deb (packages-linux did not build one)"

# dpkg's record of natter: empty or "... not-installed" when it has none.
pkg_status() { dpkg-query -W -f='${Status}' natter 2>/dev/null; }
status=$(pkg_status)
case "$status" in
    ""|*" not-installed") ;;
    *) skip "a natter package is already on this machine ($status): not touching it" ;;
esac
for f in /usr/bin/natterd /usr/bin/natter-cli /usr/bin/natter; do
    [ -e "$f" ] && skip "$f exists (installed by hand?): dpkg -i would overwrite it"
done

# The system users the package's sysusers.d file declares, and which of them
# exist already (those stay).
users=$(dpkg-deb --fsys-tarfile "$deb" | tar xOf - --wildcards './usr/lib/sysusers.d/*.conf' 2>/dev/null |
        awk '$1 == "u" { print $2 }')
new_users=""
for u in $users; do
    getent passwd "$u" >/dev/null || new_users="$new_users $u"
done

cleanup() {
    s=$(pkg_status)
    if [ -n "$s" ] && [ "${s% not-installed}" = "$s" ]; then
        dpkg --purge natter >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; echo "FAIL: dpkg --purge natter"; }
    fi
    for u in $new_users; do
        if getent passwd "$u" >/dev/null; then
            userdel "$u" 2>/dev/null || echo "warning: could not delete the user $u"
        fi
        if getent group "$u" >/dev/null; then
            groupdel "$u" 2>/dev/null || true
        fi
    done
}
trap cleanup EXIT
trap 'exit 1' INT TERM

echo "== dpkg -i $deb"
if ! dpkg -i "$deb" >"$work/dpkg-i.log" 2>&1; then
    cat "$work/dpkg-i.log"
    if grep -q 'dependency problems' "$work/dpkg-i.log" && command -v apt-get >/dev/null 2>&1; then
        echo "== missing dependencies: apt-get -f install"
        DEBIAN_FRONTEND=noninteractive apt-get -f install -y -q || fail "apt-get -f install failed"
    else
        fail "dpkg -i failed"
    fi
fi
cat "$work/dpkg-i.log"
dpkg-query -W -f='${Status} ${Version}\n' natter | grep -q "install ok installed $version" ||
    fail "natter $version is not installed: $(dpkg-query -W -f='${Status} ${Version}' natter 2>&1)"
ok "installed: $(dpkg-query -W -f='${Package} ${Version} ${Architecture}' natter)"

v=$(/usr/bin/natterd --version 2>&1) || fail "/usr/bin/natterd --version failed: $v"
echo "$v" | grep -q "natterd $version" || fail "/usr/bin/natterd --version printed: $v"
ok "/usr/bin/natterd --version: $v"
h=$(/usr/bin/natter-cli --help 2>&1) || fail "/usr/bin/natter-cli --help failed: $h"
echo "$h" | grep -q "usage: natter-cli" || fail "/usr/bin/natter-cli --help printed: $h"
ok "/usr/bin/natter-cli --help"
ldconfig -p | grep -q 'libnatter\.so\.[0-9]' || fail "libnatter.so.N is not in the ldconfig cache"
ok "ldconfig knows libnatter: $(ldconfig -p | grep 'libnatter\.so\.[0-9]' | head -n 1)"
missing=$(ldd /usr/bin/natterd | grep 'not found')
[ -z "$missing" ] || fail "natterd lacks libraries: $missing"

if command -v systemd-sysusers >/dev/null 2>&1; then
    for u in $users; do
        getent passwd "$u" >/dev/null || fail "postinst did not create the system user $u"
        ok "system user $u exists"
    done
else
    echo "SKIP (system user): no systemd-sysusers here, postinst leaves it"
fi

echo "== dpkg --purge natter"
dpkg --purge natter >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "dpkg --purge natter failed"; }
cat "$work/purge.log"
case "$(pkg_status)" in
    ""|*" not-installed") ;;
    *) fail "natter still known to dpkg after purge: $(pkg_status)" ;;
esac
for f in /usr/bin/natterd /usr/bin/natter-cli /usr/bin/natter; do
    [ -e "$f" ] && fail "$f still there after purge"
done
ok "purged"
echo PASS
