#!/bin/sh
# Build and run the whole Natter test suite, five ways:
#   ci       native build, warnings as errors (with the valgrind memcheck and
#            soak tests: labels valgrind, soak)
#   asan     native build under AddressSanitizer + UndefinedBehaviorSanitizer
#   windows  mingw-w64 cross build, every test executable run under Wine
#   fuzz     clang-14 libFuzzer targets, each run NATTER_FUZZ_SECONDS (label fuzz)
#   tsan     native build under ThreadSanitizer, the tests that run threads
#            (label thread: libnp threads and poller wake-ups, natterd's modes)
# Each is a CMake workflow preset (see CMakePresets.json); run one alone with
#   cmake --workflow --preset <name>
set -eu
cd "$(dirname "$0")/.."
status=0
for preset in ci asan windows fuzz tsan; do
    echo "=== $preset"
    if ! cmake --workflow --preset "$preset"; then
        echo "=== $preset: FAILED"
        status=1
    fi
done
exit $status
