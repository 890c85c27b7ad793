#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz, each for a fixed time, on a working corpus seeded
# from tests/fuzz/corpus/<target> (the committed seeds are never modified). Any crash, sanitizer
# report, timeout (a hang) or out-of-memory fails the run, and the input that caused it is left in
# build-san/fuzz/artifacts/<target>/: copy it to tests/fuzz/regressions/<target>/ once fixed,
# and ctest replays it from then on.
# Usage: scripts/ci-fuzz.sh [--seconds N | --runs N] [--no-yaml] [--jobs N] [TARGET...]
#   --no-yaml: the decode target skips YAML inputs (see below).
#   --runs N: exactly N inputs per target with a fixed seed, so a CI result is reproducible
#   (a time budget explores differently on a busy machine and could fail CI by chance).
#   default: 45 s each for the smoke targets (CI, `make fuzz-smoke`); `make fuzz` runs longer.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/sanitizer-env.sh

# YAML: inputs are read with libyaml's event parser into a tree of our own
# (compiler/records/yaml_tree.cpp); yaml-cpp, which hung on some invalid YAML, only serves the
# tests as an oracle. --no-yaml remains for bisecting a YAML problem.
FUZZ_SMOKE_TARGETS=(compile format decode fields interp_vs_jit)
seconds=45
runs=""
jobs="${JOBS:-$(nproc)}"
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --no-yaml) export PROVISO_FUZZ_DECODE_YAML=0; shift ;;
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${FUZZ_SMOKE_TARGETS[@]}")

BUILD="${BUILD_SAN:-build-san}"
scripts/configure-san.sh "$BUILD"
cmake --build "$BUILD" -j "$jobs" --target $(printf 'proviso-fuzz-%s ' "${targets[@]}")

dict_of() {
  case "$1" in
    compile|format) echo tests/fuzz/policy.dict ;;
    *) echo tests/fuzz/json.dict ;;
  esac
}

budget=(-max_total_time="$seconds")
[ -n "$runs" ] && budget=(-runs="$runs" -seed=1)
work="$BUILD/fuzz"
run_one() {
  local t="$1" rc=0
  mkdir -p "$work/corpus/$t" "$work/artifacts/$t"
  # The interesting inputs found by earlier runs stay in the working corpus; the committed seeds
  # and regressions are read-only inputs.
  local seeds=(tests/fuzz/corpus/"$t")
  [ -d tests/fuzz/regressions/"$t" ] && seeds+=(tests/fuzz/regressions/"$t")
  PROVISO_SOURCE_DIR="$PWD" "$BUILD/bin/proviso-fuzz-$t" "$work/corpus/$t" "${seeds[@]}" \
    -dict="$(dict_of "$t")" "${budget[@]}" -timeout=25 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/artifacts/$t/" \
    > "$work/$t.log" 2>&1 || rc=$?
  echo "$rc" > "$work/$t.rc"
}

mkdir -p "$work"
rm -f "$work"/*.rc
running=0
for t in "${targets[@]}"; do
  echo "fuzz: $t for ${runs:-${seconds}s} ${runs:+runs} (log: $work/$t.log)"
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait
status=0
for t in "${targets[@]}"; do
  rc="$(cat "$work/$t.rc" 2>/dev/null || echo missing)"
  if [ "$rc" != 0 ]; then
    status=1
    echo "fuzz: $t FAILED (exit $rc); the last lines of $work/$t.log:"
    tail -40 "$work/$t.log"
    ls "$work/artifacts/$t"/* 2>/dev/null | sed 's/^/  reproducer: /'
  else
    runs="$(grep -E '^stat::number_of_executed_units' "$work/$t.log" | awk '{print $2}')"
    cov="$(grep -oE 'cov: [0-9]+' "$work/$t.log" | tail -1)"
    echo "fuzz: $t ok: ${runs:-?} runs, $cov"
  fi
done
if [ "$status" -ne 0 ]; then
  echo "fuzz: replay with $BUILD/bin/proviso-fuzz-TARGET FILE; once fixed, copy the file to tests/fuzz/regressions/TARGET/"
fi
exit "$status"
