#!/usr/bin/env bash
# Builds libproviso.so and the C API's test with ThreadSanitizer (clang-19, PROVISO_TSAN) and
# runs the test: one policy evaluated from 8 threads, each on different records, every result
# checked against the single-threaded answer; any data race reported fails. Then `proviso eval
# --jobs` (tools/eval_pipeline.h) under ThreadSanitizer: tests/cli/jobs.sh.
# Usage: scripts/ci-tsan.sh
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-$(nproc)}"
BUILD="${BUILD_TSAN:-build-tsan}"
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Sanitize \
  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  "-DCMAKE_C_FLAGS_SANITIZE=-O1 -gline-tables-only" "-DCMAKE_CXX_FLAGS_SANITIZE=-O1 -gline-tables-only" \
  -DPROVISO_TSAN=ON >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target proviso-c-api-test proviso
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:second_deadlock_stack=1}"
"$BUILD/bin/proviso-c-api-test" "$PWD"
echo "tsan: the C API's thread test is clean"
bash tests/cli/jobs.sh "$BUILD/bin/proviso" "$PWD" "$BUILD/cli-jobs"
echo "tsan: eval --jobs is clean"
