#!/usr/bin/env bash
# Configures the clang-19 sanitizer build shared by scripts/ci-sanitize.sh and
# scripts/ci-fuzz.sh: ASan + UBSan (PROVISO_SANITIZE), libFuzzer coverage instrumentation on
# every library (-fsanitize=fuzzer-no-link) and the libFuzzer binaries (PROVISO_FUZZ).
# Usage: scripts/configure-san.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/sanitizer-env.sh
BUILD="$1"
flags="-fsanitize=fuzzer-no-link"
# -O1 with line tables only (as OSS-Fuzz builds): a third faster to compile than -O2 -g, and
# assertions stay on (no NDEBUG): a failed assertion is a bug the fuzzers should report.
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Sanitize \
  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  "-DCMAKE_C_FLAGS=$flags" "-DCMAKE_CXX_FLAGS=$flags" \
  "-DCMAKE_C_FLAGS_SANITIZE=-O1 -gline-tables-only" "-DCMAKE_CXX_FLAGS_SANITIZE=-O1 -gline-tables-only" \
  -DPROVISO_SANITIZE=ON -DPROVISO_FUZZ=ON >/dev/null
