#!/bin/sh
# packages-windows: build the .zip (and, with makensis, the NSIS installer) of a
# mingw-w64 build tree with CPack and check them from the outside, running the
# programs under Wine (the Wine environment comes from CTest).
#   check_windows.sh BUILD_DIR WORK_DIR VERSION EMULATOR CC OBJDUMP
# Every DLL a shipped .exe or .dll imports must either ship beside it in bin/
# or be Windows' own (not one of the mingw toolchain's runtime DLLs), so the
# programs run on a Windows without mingw. The installer is run silently into a
# scratch directory, its natterd run, then its uninstaller.
set -u
build=$1 work=$2 version=$3 emulator=$4 cc=$5 objdump=$6

fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

rm -rf "$work"
mkdir -p "$work/out" || fail "cannot create $work"
out=$work/out
# Wine must find DLLs only beside the .exe, as Windows would.
unset WINEPATH

generators=ZIP
if command -v makensis >/dev/null 2>&1; then
    generators="ZIP;NSIS"
else
    echo "SKIP (installer): makensis not found (Debian package nsis)"
fi

echo "== cpack -G $generators"
if ! cpack --config "$build/CPackConfig.cmake" -B "$out" -G "$generators" >"$work/cpack.log" 2>&1; then
    cat "$work/cpack.log"
    for log in "$out"/_CPack_Packages/*/*/*.log; do
        [ -f "$log" ] && { echo "--- $log"; tail -n 40 "$log"; }
    done
    fail "cpack failed"
fi
grep -E '^CPack: - package' "$work/cpack.log"

set -- "$out"/natter-"$version"-*.zip
[ $# -eq 1 ] && [ -f "$1" ] || fail "expected one .zip, found: $*"
zip=$1

# run_programs DIR WHAT: bin/natterd.exe --version and bin/natter-cli.exe --help.
run_programs() {
    v=$("$emulator" "$1/bin/natterd.exe" --version 2>&1 | tr -d '\r')
    echo "$v" | grep -q "natterd $version" || fail "$2: natterd.exe --version printed: $v"
    ok "$2: natterd.exe --version: $v"
    h=$("$emulator" "$1/bin/natter-cli.exe" --help 2>&1 | tr -d '\r')
    echo "$h" | grep -q "usage: natter-cli" || fail "$2: natter-cli.exe --help printed: $h"
    ok "$2: natter-cli.exe --help: $(echo "$h" | head -n 1)"
    # Exit codes too (a pipe above would hide them).
    "$emulator" "$1/bin/natterd.exe" --version >/dev/null 2>&1 || fail "$2: natterd.exe --version failed"
    "$emulator" "$1/bin/natter-cli.exe" --help >/dev/null 2>&1 || fail "$2: natter-cli.exe --help failed"
}

# ---- .zip -------------------------------------------------------------------
echo "== $zip"
zroot=$work/zip-root
mkdir -p "$zroot" && (cd "$zroot" && cmake -E tar xf "$zip") || fail "cannot unpack $zip"
set -- "$zroot"/natter-"$version"-*
[ $# -eq 1 ] && [ -d "$1" ] || fail "the .zip has no single top directory natter-$version-*: $*"
top=$1
missing=0
for f in bin/natterd.exe bin/natter-cli.exe bin/libnatter-np.dll bin/libnatter.dll \
         lib/libnatter-np.dll.a lib/libnatter.dll.a lib/libnatter-np.a lib/libnatter.a \
         include/np/np.h include/np/config.h include/natter/natter.h \
         lib/cmake/Natter/NatterConfig.cmake lib/cmake/Natter/NatterTargets.cmake \
         lib/pkgconfig/natter-np.pc lib/pkgconfig/natter.pc \
         share/doc/natter/README.md; do
    [ -f "$top/$f" ] || { echo "missing: $f"; missing=1; }
done
[ $missing = 0 ] || fail "the .zip lacks files (see above)"
ok "the .zip holds programs, DLLs, import and static libraries, headers, CMake package, pkg-config files"

for f in "$top"/bin/*.exe "$top"/bin/*.dll; do
    for dll in $("$objdump" -p "$f" | sed -n 's/^[[:space:]]*DLL Name: //p' | tr -d '\r'); do
        [ -f "$top/bin/$dll" ] && continue
        found=$("$cc" -print-file-name="$dll")
        if [ "$found" != "$dll" ] && [ -f "$found" ]; then
            fail "$(basename "$f") needs the mingw runtime $dll ($found), which bin/ lacks"
        fi
    done
done
shipped=$(cd "$top/bin" && ls *.dll | tr '\n' ' ')
ok "every imported DLL ships in bin/ or is Windows' own (bin/: $shipped)"
run_programs "$top" ".zip"
rm -rf "$zroot"

# ---- NSIS installer -----------------------------------------------------------
case "$generators" in
*NSIS*)
    set -- "$out"/natter-"$version"-*.exe
    [ $# -eq 1 ] && [ -f "$1" ] || fail "expected one installer .exe, found: $*"
    installer=$1
    echo "== $installer"
    inst=$work/nsis-root
    mkdir -p "$inst"
    wininst="Z:$(echo "$inst" | tr '/' '\\')"
    # /S: silent; /D= (last, unquoted): where to install.
    "$emulator" "$installer" /S "/D=$wininst" >"$work/nsis.log" 2>&1 ||
        { cat "$work/nsis.log"; fail "the installer failed"; }
    [ -f "$inst/bin/natterd.exe" ] && [ -f "$inst/include/np/np.h" ] ||
        { ls -R "$inst" | head -n 40; fail "the installer did not install bin/natterd.exe and include/np/np.h"; }
    printf "ok: installed into %s\n" "$wininst"
    run_programs "$inst" "installer"
    [ -f "$inst/Uninstall.exe" ] || fail "no Uninstall.exe"
    # _?= makes the uninstaller run in place and wait (and leaves itself behind).
    "$emulator" "$inst/Uninstall.exe" /S "_?=$wininst" >"$work/uninstall.log" 2>&1 ||
        { cat "$work/uninstall.log"; fail "the uninstaller failed"; }
    [ -e "$inst/bin/natterd.exe" ] && fail "the uninstaller left bin/natterd.exe"
    ok "uninstalled"
    rm -rf "$inst"
    ;;
esac

# ---- sizes ------------------------------------------------------------------
echo "== packages"
for f in "$out"/*.zip "$out"/*.exe; do
    [ -f "$f" ] && echo "$(wc -c <"$f") bytes  $(basename "$f")"
done
rm -rf "$out/_CPack_Packages"
echo PASS
