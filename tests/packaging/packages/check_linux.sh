#!/bin/sh
# packages-linux: build the .deb and .tar.gz of a native build tree with CPack
# and check them from the outside.
#   check_linux.sh BUILD_DIR WORK_DIR VERSION GUI(0|1) SHARED(0|1) STATIC(0|1) [CFLAGS]
# CFLAGS: what a program built against the static libraries needs besides
# (the sanitizers of a sanitizer build).
# The packages stay in WORK_DIR/out for packages-deb-install; the unpacked trees
# are removed. Without dpkg-deb/dpkg-shlibdeps (not Debian) only the .tar.gz is
# checked, and the .deb part says SKIP.
set -u
build=$1 work=$2 version=$3 gui=$4 shared=$5 static=$6 cflags=${7:-}

fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

rm -rf "$work"
mkdir -p "$work/out" || fail "cannot create $work"
out=$work/out

have_deb=1
for tool in dpkg-deb dpkg-shlibdeps; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "SKIP (.deb): $tool not found (Debian package dpkg-dev)"
        have_deb=0
    fi
done
generators=TGZ
[ $have_deb = 1 ] && generators="DEB;TGZ"

# ---- cpack ------------------------------------------------------------------
echo "== cpack -G $generators"
if ! cpack --config "$build/CPackConfig.cmake" -B "$out" -G "$generators" >"$work/cpack.log" 2>&1; then
    cat "$work/cpack.log"
    for log in "$out"/_CPack_Packages/*/*/*.log; do
        [ -f "$log" ] && { echo "--- $log"; tail -n 30 "$log"; }
    done
    fail "cpack failed"
fi
grep -E '^CPack: - package' "$work/cpack.log"

# One file matching a pattern, or fail.
one() {
    set -- $1
    [ $# -eq 1 ] && [ -e "$1" ] || { echo "FAIL: expected exactly one, found: $*" >&2; exit 1; }
    echo "$1"
}

# The library files a tree must hold, as extended regexes on paths below the
# prefix (libdir is lib or lib/<multiarch triplet>).
lib_patterns() {
    lib='lib(/[a-z0-9_]+-[a-z0-9_]+-[a-z0-9_]+)?'
    echo "bin/natterd$"
    echo "bin/natter-cli$"
    [ "$gui" = 1 ] && echo "bin/natter$"
    if [ "$shared" = 1 ]; then
        echo "$lib/libnatter-np\.so\.[0-9]+$"
        echo "$lib/libnatter-np\.so\.$version$"
        echo "$lib/libnatter\.so\.[0-9]+$"
        echo "$lib/libnatter\.so\.$version$"
        echo "$lib/libnatter-np\.so$"
        echo "$lib/libnatter\.so$"
    fi
    if [ "$static" = 1 ]; then
        echo "$lib/libnatter-np\.a$"
        echo "$lib/libnatter\.a$"
    fi
    echo "include/np/np\.h$"
    echo "include/np/config\.h$"
    echo "include/natter/natter\.h$"
    echo "$lib/cmake/Natter/NatterConfig\.cmake$"
    echo "$lib/cmake/Natter/NatterConfigVersion\.cmake$"
    echo "$lib/cmake/Natter/NatterTargets\.cmake$"
    echo "$lib/pkgconfig/natter-np\.pc$"
    echo "$lib/pkgconfig/natter\.pc$"
    echo "share/doc/natter/README\.md$"
    echo "share/doc/natter/samples/np-echo/CMakeLists\.txt$"
    echo "share/doc/natter/samples/natter-bot/Makefile$"
}

# check_one_doc_dir FILE_LIST PREFIX_REGEX: the documentation is in one
# directory named after the package, share/doc/natter.
check_one_doc_dir() {
    others=$(grep -E "$2share/doc/[^/]+/" "$1" | grep -Ev "$2share/doc/natter/" | head -n 3)
    [ -z "$others" ] || fail "documentation outside share/doc/natter: $others"
}

# build_samples ROOT PREFIX_DIR WHAT: the sample programs the package ships,
# copied out of its share/doc/natter/samples and built as a developer would:
# np-echo with find_package (CMAKE_PREFIX_PATH), natter-bot with its Makefile
# (pkg-config, PKG_CONFIG_PATH); both must load the packaged libraries.
build_samples() {
    root=$1 prefix=$2 what=$3
    sw=$work/samples-$(echo "$what" | tr -c 'a-z0-9\n' '-')
    rm -rf "$sw"
    cp -R "$prefix/share/doc/natter/samples" "$sw" || fail "$what: no samples in share/doc/natter"
    libpath=$(find "$prefix" -maxdepth 3 -name 'libnatter.so.*' -type f -exec dirname {} \; | sort -u | tr '\n' ':')
    pcdir=$(dirname "$(find "$prefix" -name natter.pc | head -n 1)")
    cmake -S "$sw/np-echo" -B "$sw/np-echo/build" -DCMAKE_PREFIX_PATH="$prefix" \
          "-DCMAKE_C_FLAGS=-Werror $cflags" >"$sw/log" 2>&1 &&
        cmake --build "$sw/np-echo/build" >>"$sw/log" 2>&1 ||
        { cat "$sw/log"; fail "$what: np-echo (find_package) did not build"; }
    # CFLAGS from the environment: the Makefile adds its -std and warnings to it.
    CFLAGS="-O2 -Werror $cflags" make -C "$sw/natter-bot" PKG_CONFIG_PATH="$pcdir" >>"$sw/log" 2>&1 ||
        { cat "$sw/log"; fail "$what: natter-bot (pkg-config, make) did not build"; }
    for prog in "$sw/np-echo/build/np-echo" "$sw/natter-bot/natter-bot"; do
        if [ "$shared" = 1 ]; then
            resolved=$(LD_LIBRARY_PATH=$libpath ldd "$prog" | grep 'libnatter')
            case "$resolved" in
                *"=> $root"/*) ;;
                *) fail "$what: $(basename "$prog") does not load the packaged libraries: $resolved" ;;
            esac
        fi
        h=$(LD_LIBRARY_PATH=$libpath "$prog" --help 2>&1) || fail "$what: $(basename "$prog") --help: $h"
        echo "$h" | grep -q "usage: $(basename "$prog")" || fail "$what: $(basename "$prog") --help printed: $h"
    done
    ok "$what: the shipped samples build against it (np-echo: find_package, natter-bot: pkg-config) and run"
    rm -rf "$sw"
}

# check_list FILE_LIST PREFIX_REGEX: every pattern has a match under the prefix.
check_list() {
    missing=0
    set -f
    for pat in $(lib_patterns); do
        if ! grep -Eq "$2$pat" "$1"; then
            echo "missing: $2$pat"
            missing=1
        fi
    done
    set +f
    [ $missing = 0 ] || fail "package lacks files (see above)"
}

# run_programs ROOT PREFIX_DIR WHAT: natterd --version and natter-cli --help from
# an unpacked tree, with its own libraries (LD_LIBRARY_PATH), not the build tree's.
run_programs() {
    root=$1 what=$3
    libpath=$(find "$2" -maxdepth 3 -name 'libnatter.so.*' -type f -exec dirname {} \; | sort -u | tr '\n' ':')
    if [ "$shared" = 1 ]; then
        [ -n "$libpath" ] || fail "$what: no libnatter.so.* found"
        resolved=$(LD_LIBRARY_PATH=$libpath ldd "$2/bin/natterd" | grep 'libnatter\.so')
        case "$resolved" in
            *"=> $root"/*) ok "$what: natterd uses the packaged libnatter: $(echo $resolved)" ;;
            *) fail "$what: natterd does not load the packaged libnatter: $resolved" ;;
        esac
    fi
    v=$(LD_LIBRARY_PATH=$libpath "$2/bin/natterd" --version 2>&1) || fail "$what: natterd --version failed: $v"
    echo "$v" | grep -q "natterd $version" || fail "$what: natterd --version printed: $v"
    ok "$what: natterd --version: $v"
    h=$(LD_LIBRARY_PATH=$libpath "$2/bin/natter-cli" --help 2>&1) || fail "$what: natter-cli --help failed: $h"
    echo "$h" | grep -q "usage: natter-cli" || fail "$what: natter-cli --help printed: $h"
    ok "$what: natter-cli --help: $(echo "$h" | head -n 1)"
    if [ "$gui" = 1 ]; then
        missing=$(LD_LIBRARY_PATH=$libpath ldd "$2/bin/natter" | grep 'not found')
        [ -z "$missing" ] || fail "$what: natter lacks libraries: $missing"
        ok "$what: natter finds all its libraries"
    fi
    # The pkg-config files, relocated to where the tree is: natter requires natter-np.
    if command -v pkg-config >/dev/null 2>&1; then
        pcdir=$(dirname "$(find "$2" -name natter.pc | head -n 1)")
        flags=$(PKG_CONFIG_LIBDIR=$pcdir pkg-config --cflags --libs natter 2>&1) ||
            fail "$what: pkg-config natter: $flags"
        incdir=$(echo "$flags" | tr ' ' '\n' | sed -n 's/^-I//p' | head -n 1)
        [ -f "$incdir/np/np.h" ] && [ -f "$incdir/natter/natter.h" ] ||
            fail "$what: pkg-config natter gave no usable -I: $flags"
        echo "$flags" | grep -q -- '-lnatter .*-lnatter-np\|-lnatter -lnatter-np' ||
            fail "$what: pkg-config natter does not link -lnatter and -lnatter-np: $flags"
        ok "$what: pkg-config natter: $flags"
    fi
}

# ---- .deb -------------------------------------------------------------------
if [ $have_deb = 1 ]; then
    deb=$(one "$out/natter_${version}_*.deb") || exit 1
    echo "== $deb"
    dpkg-deb --info "$deb" >"$work/deb-info.txt" || fail "dpkg-deb --info failed"
    dpkg-deb --field "$deb" Package Version Section Maintainer Depends
    [ "$(dpkg-deb --field "$deb" Package)" = natter ] || fail "Package is not natter"
    [ "$(dpkg-deb --field "$deb" Version)" = "$version" ] || fail "Version is not $version"
    [ "$(dpkg-deb --field "$deb" Section)" = net ] || fail "Section is not net"
    depends=$(dpkg-deb --field "$deb" Depends)
    want_deps="libc6"
    [ "$gui" = 1 ] && want_deps="$want_deps libgtk-4-1 libadwaita-1-0 libsqlite3-0"
    for d in $want_deps; do
        echo "$depends" | grep -Eq "(^|, )$d( |,|$)" || fail "Depends lacks $d: $depends"
    done
    echo "$depends" | grep -q 'natter' && fail "Depends names natter's own libraries: $depends"
    ok "Depends has $want_deps"

    dpkg-deb --contents "$deb" | awk '{print $6}' | sed 's|^\./||' >"$work/deb-files.txt" ||
        fail "dpkg-deb --contents failed"
    check_list "$work/deb-files.txt" "^usr/"
    check_one_doc_dir "$work/deb-files.txt" "^usr/"
    stray=$(grep -Ev '^(usr|etc)/' "$work/deb-files.txt")
    [ -z "$stray" ] || fail "files outside /usr and /etc: $stray"
    grep -q '^usr/local' "$work/deb-files.txt" && fail "files under /usr/local"
    ok "the .deb holds programs, libraries, headers, CMake package and pkg-config files under /usr"
    # Control files: /etc files are conffiles; shared libraries trigger ldconfig.
    for f in $(grep -E '^etc/.*[^/]$' "$work/deb-files.txt"); do
        dpkg-deb --info "$deb" conffiles 2>/dev/null | grep -qx "/$f" || fail "/$f is not a conffile"
        ok "/$f is a conffile"
    done
    if [ "$shared" = 1 ]; then
        dpkg-deb --info "$deb" triggers 2>/dev/null | grep -q '^activate-noawait ldconfig' ||
            fail "no ldconfig trigger for the shared libraries"
        ok "ldconfig trigger"
    fi

    root=$work/deb-root
    dpkg -x "$deb" "$root" || fail "dpkg -x failed"
    run_programs "$root" "$root/usr" ".deb (dpkg -x)"
    build_samples "$root" "$root/usr" ".deb (dpkg -x)"
    rm -rf "$root"

    # A real dpkg -i, into a scratch root with its own empty dpkg database:
    # dpkg unpacks, registers the conffile and runs the maintainer scripts
    # (chrootless, with DPKG_ROOT, so systemd-sysusers creates natterd's user
    # in the scratch root); --force-depends as that database has none of the
    # libraries (apt's view of them is packages-deb-install's business).
    # Then --purge must take it all away again.
    droot=$work/dpkg-root
    mkdir -p "$droot/var/lib/dpkg/info" "$droot/var/lib/dpkg/updates" "$droot/var/lib/dpkg/triggers"
    : >"$droot/var/lib/dpkg/status"
    dflags="--root=$droot --force-script-chrootless --force-depends --log=/dev/null"
    [ "$(id -u)" = 0 ] || dflags="$dflags --force-not-root"
    dpkg $dflags -i "$deb" >"$work/dpkg-i.log" 2>&1 ||
        { cat "$work/dpkg-i.log"; fail "dpkg -i into a scratch root failed"; }
    status=$(dpkg --root="$droot" -s natter | sed -n 's/^Status: //p')
    [ "$status" = "install ok installed" ] || fail "after dpkg -i: Status: $status"
    dpkg --root="$droot" -s natter | grep -q '^ /etc/natterd/natterd.conf [0-9a-f]*$' ||
        fail "dpkg does not list /etc/natterd/natterd.conf as a conffile: $(dpkg --root="$droot" -s natter)"
    if command -v systemd-sysusers >/dev/null 2>&1; then
        grep -q '^natterd:x:[0-9]*:[0-9]*:Natter IRC server:/var/lib/natterd:' "$droot/etc/passwd" ||
            { cat "$work/dpkg-i.log"; fail "the postinst did not create the natterd user"; }
    fi
    v=$(LD_LIBRARY_PATH=$droot/usr/lib "$droot/usr/bin/natterd" --version 2>&1) ||
        fail "natterd from the dpkg -i root: $v"
    ok "dpkg -i into a scratch root: $status, conffile registered, postinst ran; $v"
    dpkg $dflags --purge natter >"$work/dpkg-purge.log" 2>&1 ||
        { cat "$work/dpkg-purge.log"; fail "dpkg --purge natter failed"; }
    left=$(cd "$droot" && find usr etc/natterd -type f 2>/dev/null | head -n 5)
    [ -z "$left" ] || fail "dpkg --purge left files behind: $left"
    ok "dpkg --purge removed everything (conffile included)"
    rm -rf "$droot"
fi

# ---- .tar.gz ----------------------------------------------------------------
tgz=$(one "$out/natter-${version}-*.tar.gz") || exit 1
echo "== $tgz"
tar tzf "$tgz" | sed 's|^[^/]*/||' >"$work/tgz-files.txt" || fail "tar tzf failed"
check_list "$work/tgz-files.txt" "^"
check_one_doc_dir "$work/tgz-files.txt" "^"
ok "the .tar.gz holds programs, libraries, headers, CMake package and pkg-config files"
troot=$work/tgz-root
mkdir -p "$troot" && tar xzf "$tgz" -C "$troot" || fail "tar xzf failed"
top=$(one "$troot/natter-${version}-*") || exit 1
run_programs "$troot" "$top" ".tar.gz"

# The static libraries through the CMake package: a program linked with
# Natter::core_static runs without any libnatter*.so.
if [ "$static" = 1 ] && [ "$shared" = 1 ]; then
    cs=$work/static-consumer
    mkdir -p "$cs/src"
    cat >"$cs/src/CMakeLists.txt" <<'EOF_CMAKE'
cmake_minimum_required(VERSION 3.25)
project(static_consumer C)
find_package(Natter REQUIRED COMPONENTS np_static core_static)
add_executable(static_consumer main.c)
target_link_libraries(static_consumer PRIVATE Natter::core_static)
EOF_CMAKE
    cat >"$cs/src/main.c" <<'EOF_C'
#include <natter/natter.h>
#include <np/np.h>
#include <stdio.h>
int main(void)
{
    if (np_init() != 0)
        return 1;
    printf("static consumer: libnatter %s\n", nt_version());
    np_cleanup();
    return 0;
}
EOF_C
    cmake -S "$cs/src" -B "$cs/build" -DCMAKE_PREFIX_PATH="$top" "-DCMAKE_C_FLAGS=$cflags" \
          >"$cs/log" 2>&1 &&
        cmake --build "$cs/build" >>"$cs/log" 2>&1 ||
        { cat "$cs/log"; fail "a program could not be built with Natter::core_static"; }
    ldd "$cs/build/static_consumer" | grep -q libnatter &&
        fail "the Natter::core_static program needs a shared libnatter: $(ldd "$cs/build/static_consumer")"
    r=$("$cs/build/static_consumer") || fail "the Natter::core_static program failed: $r"
    ok "$r (Natter::core_static, no libnatter*.so)"
fi
rm -rf "$troot"

# ---- sizes ------------------------------------------------------------------
echo "== packages"
for f in "$out"/*.deb "$out"/*.tar.gz; do
    [ -f "$f" ] && echo "$(wc -c <"$f") bytes  $(basename "$f")"
done
rm -rf "$out/_CPack_Packages"
echo PASS
