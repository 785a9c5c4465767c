#!/bin/sh
# Install what building and testing Natter needs on Debian 12 (bookworm): the
# native toolchain; the mingw-w64 cross compiler and Wine that build and test
# the Windows version; and the real IRC servers and clients the interop tests
# run against (ngircd, InspIRCd, irssi, ii); clang-14 and its runtime
# (libFuzzer, sanitizers) for the fuzz targets; GTK 4, libadwaita and SQLite
# for the desktop app, with Xvfb, D-Bus, xdotool and ImageMagick for its tests
# (a private X server, typing into the real window, screenshots); and the
# packaging tools the packaging tests use (dpkg-shlibdeps, makensis,
# desktop-file-validate, appstreamcli, systemd-analyze, man); valgrind for
# the memcheck runs of natterd. Their services
# are not started: the tests start their own copies on loopback.
set -eu
if [ "$(id -u)" -ne 0 ]; then
    exec sudo "$0" "$@"
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q \
    build-essential cmake pkg-config \
    clang-14 libclang-rt-14-dev \
    gcc-mingw-w64-x86-64 wine wine64 \
    ngircd inspircd irssi ii \
    libgtk-4-dev libadwaita-1-dev libsqlite3-dev \
    adwaita-icon-theme fonts-cantarell \
    xvfb xauth xdotool imagemagick dbus dbus-x11 \
    dpkg-dev make nsis desktop-file-utils appstream systemd man-db \
    valgrind
