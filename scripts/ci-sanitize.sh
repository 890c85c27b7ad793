#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer (PROVISO_SANITIZE, with
# -fno-sanitize-recover=all) and runs the whole ctest suite under it: any report fails.
# The build uses clang-19 and also carries libFuzzer's coverage instrumentation, so
# scripts/ci-fuzz.sh reuses it (one sanitizer build for both). SANITIZE_CXX=g++ builds with
# g++ in build-asan instead.
# Usage: scripts/ci-sanitize.sh [ctest arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/sanitizer-env.sh
JOBS="${JOBS:-$(nproc)}"

if [ "${SANITIZE_CXX:-clang}" = "g++" ]; then
  BUILD="${BUILD_ASAN:-build-asan}"
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPROVISO_SANITIZE=ON \
    -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ >/dev/null
else
  BUILD="${BUILD_SAN:-build-san}"
  scripts/configure-san.sh "$BUILD"
fi
cmake --build "$BUILD" -j "$JOBS"
cd "$BUILD"
ctest --output-on-failure -j "$JOBS" "$@"
