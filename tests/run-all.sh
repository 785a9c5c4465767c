#!/bin/sh
# Build and run the whole Natter test suite, four ways:
#   ci       native build, warnings as errors
#   asan     native build under AddressSanitizer + UndefinedBehaviorSanitizer
#   windows  mingw-w64 cross build, every test executable run under Wine
#   fuzz     clang-14 libFuzzer targets, each run NATTER_FUZZ_SECONDS (label fuzz)
# Each is a CMake workflow preset (see CMakePresets.json); run one alone with
#   cmake --workflow --preset <name>
set -eu
cd "$(dirname "$0")/.."
status=0
for preset in ci asan windows fuzz; do
    echo "=== $preset"
    if ! cmake --workflow --preset "$preset"; then
        echo "=== $preset: FAILED"
        status=1
    fi
done
exit $status
