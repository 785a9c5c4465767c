#!/bin/sh
# Install what building and testing Natter needs on Debian 12 (bookworm):
# the native toolchain, the mingw-w64 cross compiler and Wine for the Windows
# build and its tests.
set -eu
if [ "$(id -u)" -ne 0 ]; then
    exec sudo "$0" "$@"
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
    build-essential cmake pkg-config ca-certificates file \
    gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev wine wine64 \
    valgrind
