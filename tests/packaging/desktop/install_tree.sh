#!/bin/sh
# cmake --install into scratch trees, then check the desktop and service files:
#   1. --prefix P: unit, sysusers file, P/etc/natterd/natterd.conf, man pages
#      (and with the GUI: metainfo, desktop file, icons, a schema that
#      glib-compile-schemas --strict compiles); the unit runs P/bin/natterd
#      with P/etc/natterd/natterd.conf.
#   2. installing again over an edited natterd.conf keeps it.
#   3. DESTDIR=D --prefix /usr: the configuration goes to D/etc (not
#      D/usr/etc) and the unit is the source one, /usr/bin and /etc.
# usage: install_tree.sh CMAKE BUILD_DIR SOURCE_DIR GUI(ON|OFF)
set -u
cmake=$1 build=$2 src=$3 gui=$4
if [ ! -w "$build" ]; then
    echo "SKIP: cmake --install writes install_manifest.txt into $build, which this user cannot write"
    exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
need() { [ -f "$1" ] || bad "missing $1"; }

p=$tmp/prefix
if ! "$cmake" --install "$build" --prefix "$p" >"$tmp/install.log" 2>&1; then
    cat "$tmp/install.log"
    echo "FAIL: cmake --install --prefix $p"
    exit 1
fi
unit=$p/lib/systemd/system/natterd.service
need "$unit"
need "$p/lib/sysusers.d/natterd.conf"
need "$p/etc/natterd/natterd.conf"
need "$p/share/man/man1/natterd.1"
need "$p/share/man/man1/natter-cli.1"
if [ -f "$p/etc/natterd/natterd.conf" ] &&
   ! cmp -s "$p/etc/natterd/natterd.conf" "$src/packaging/natterd.conf.example"; then
    bad "$p/etc/natterd/natterd.conf is not packaging/natterd.conf.example"
fi
if [ -f "$unit" ]; then
    want="ExecStart=$p/bin/natterd --config $p/etc/natterd/natterd.conf"
    grep -qxF "$want" "$unit" || bad "$unit: no line '$want'"
fi
if grep -qs '^u natterd - "Natter IRC server" /var/lib/natterd$' "$p/lib/sysusers.d/natterd.conf"; then :; else
    bad "sysusers.d/natterd.conf does not create the user natterd"
fi
if [ "$gui" = ON ]; then
    need "$p/bin/natter"
    need "$p/share/man/man1/natter.1"
    need "$p/share/metainfo/org.natter.Natter.metainfo.xml"
    need "$p/share/applications/org.natter.Natter.desktop"
    need "$p/share/icons/hicolor/scalable/apps/org.natter.Natter.svg"
    need "$p/share/icons/hicolor/symbolic/apps/org.natter.Natter-symbolic.svg"
    need "$p/share/glib-2.0/schemas/org.natter.Natter.gschema.xml"
    if command -v glib-compile-schemas >/dev/null 2>&1; then
        mkdir "$tmp/schemas"
        glib-compile-schemas --strict --targetdir="$tmp/schemas" "$p/share/glib-2.0/schemas" ||
            bad "glib-compile-schemas --strict on the installed schemas"
    else
        echo "note: glib-compile-schemas not installed: schema not compiled"
    fi
    if command -v desktop-file-validate >/dev/null 2>&1; then
        desktop-file-validate "$p/share/applications/org.natter.Natter.desktop" ||
            bad "desktop-file-validate on the installed desktop file"
    fi
fi
[ $fail -eq 0 ] && echo "ok: install --prefix $p"

# 2. An edited configuration survives a second install.
if [ -f "$p/etc/natterd/natterd.conf" ]; then
    echo '; edited by the administrator' >>"$p/etc/natterd/natterd.conf"
    cp "$p/etc/natterd/natterd.conf" "$tmp/edited"
    if ! "$cmake" --install "$build" --prefix "$p" >"$tmp/install2.log" 2>&1; then
        cat "$tmp/install2.log"
        bad "second cmake --install"
    elif ! cmp -s "$tmp/edited" "$p/etc/natterd/natterd.conf"; then
        bad "a second install overwrote the edited natterd.conf"
    else
        need "$p/etc/natterd/natterd.conf.example"
        [ $fail -eq 0 ] && echo "ok: an edited natterd.conf is kept"
    fi
fi

# 3. The /usr prefix, as a package installs it.
d=$tmp/destdir
if ! DESTDIR=$d "$cmake" --install "$build" --prefix /usr >"$tmp/install3.log" 2>&1; then
    cat "$tmp/install3.log"
    echo "FAIL: DESTDIR=$d cmake --install --prefix /usr"
    exit 1
fi
need "$d/etc/natterd/natterd.conf"
[ -e "$d/usr/etc" ] && bad "prefix /usr installed into /usr/etc"
need "$d/usr/lib/systemd/system/natterd.service"
need "$d/usr/lib/sysusers.d/natterd.conf"
if [ -f "$d/usr/lib/systemd/system/natterd.service" ] &&
   ! cmp -s "$d/usr/lib/systemd/system/natterd.service" "$src/packaging/natterd.service"; then
    bad "with prefix /usr the installed unit differs from packaging/natterd.service"
fi
[ $fail -eq 0 ] && echo "ok: DESTDIR install --prefix /usr: /etc/natterd/natterd.conf, /usr/bin/natterd"
exit $fail
