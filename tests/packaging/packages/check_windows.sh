#!/bin/sh
# packages-windows: build the .zip (and, with makensis, the NSIS installer) of a
# mingw-w64 build tree with CPack and check them from the outside, running the
# programs under Wine (the Wine environment comes from CTest).
#   check_windows.sh BUILD_DIR WORK_DIR VERSION EMULATOR CC OBJDUMP [TOOLCHAIN]
# Every DLL a shipped .exe or .dll imports must either ship beside it in bin/
# or be Windows' own (not one of the mingw toolchain's runtime DLLs), so the
# programs run on a Windows without mingw. The libnp sample the .zip ships
# (share/doc/natter/samples/np-echo) is built against the unpacked .zip with
# the mingw-w64 toolchain file TOOLCHAIN, as a developer would, and runs
# under Wine: the build tree's np-echo-client.exe talks to it. The installer
# is run silently into a scratch directory, its natterd run, then its
# uninstaller.
set -u
build=$1 work=$2 version=$3 emulator=$4 cc=$5 objdump=$6 toolchain=${7:-}

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

# The libnp sample, built against the .zip (find_package) and run under Wine.
if [ -n "$toolchain" ]; then
    sw=$work/np-echo
    cp -R "$top/share/doc/natter/samples/np-echo" "$sw" || fail "the .zip has no samples/np-echo"
    cmake -S "$sw" -B "$sw/build" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_PREFIX_PATH="$top" \
          -DCMAKE_FIND_ROOT_PATH="$top" -DCMAKE_C_FLAGS=-Werror >"$sw/log" 2>&1 &&
        cmake --build "$sw/build" >>"$sw/log" 2>&1 ||
        { cat "$sw/log"; fail "np-echo did not build against the .zip"; }
    # Windows finds a DLL beside the .exe: the one the .zip ships.
    cp "$top/bin/libnatter-np.dll" "$sw/build/" || fail "no bin/libnatter-np.dll in the .zip"
    "$emulator" "$sw/build/np-echo.exe" 127.0.0.1:0 >"$sw/server.log" 2>&1 &
    echo_pid=$!
    port=
    for i in $(seq 1 300); do
        port=$(tr -d '\r' <"$sw/server.log" | sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p')
        [ -n "$port" ] && break
        kill -0 $echo_pid 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$port" ]; then
        kill $echo_pid 2>/dev/null
        cat "$sw/server.log"
        fail "np-echo.exe (built against the .zip) did not start listening under Wine"
    fi
    reply=$(printf 'hello from the zip\n' |
            "$emulator" "$build/bin/np-echo-client.exe" --port "$port" 2>&1 | tr -d '\r')
    kill $echo_pid 2>/dev/null
    wait $echo_pid 2>/dev/null
    echo "$reply" | grep -qx 'echo: hello from the zip' ||
        fail "np-echo.exe under Wine did not echo: $reply"
    ok "np-echo.exe, built against the .zip with find_package, echoes under Wine"
    rm -rf "$sw"
else
    echo "SKIP (sample): no toolchain file given"
fi
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
