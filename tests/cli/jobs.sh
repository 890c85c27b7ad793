#!/usr/bin/env bash
# `proviso eval --jobs N` evaluates chunks of inputs on N threads (tools/eval_pipeline.h): its
# output is byte for byte that of one thread, in input order, with the same exit status, for
# NDJSON with bad lines among good ones, YAML streams, one pretty-printed document, a decision
# filter and both engines; --explain runs on one thread; bad values of --jobs are usage errors.
# Usage: jobs.sh PROVISO SOURCE_DIR WORK_DIR
set -euo pipefail
PROVISO="$1"
SRC="$2"
W="$3"
rm -rf "$W"
mkdir -p "$W"
export XDG_CACHE_HOME="$W/cache"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
POLICY="$SRC/policies/qlik/oem_maintenance.policy"
DATA="$SRC/policies/qlik/deadlines.ndjson"

# About 6.7 MB, so enough 1 MiB chunks that the workers fall behind and the reading thread
# evaluates chunks too (when one already waits for a worker, and while the oldest is not done),
# with bad inputs among the good ones and in the last chunk.
{
  cat "$DATA" "$DATA"
  echo '{"case": 1}'
  echo
  echo '{"contract": '
  cat "$DATA" "$DATA"
  echo '   '
  echo '[1, 2]'
} > "$W/mixed.ndjson"

# Runs eval with the given arguments; writes stdout to $W/out.NAME, the exit status to $W/rc.NAME.
run() {
  local name="$1"
  shift
  local rc=0
  "$PROVISO" eval "$POLICY" "$@" > "$W/out.$name" 2> "$W/err.$name" || rc=$?
  echo "$rc" > "$W/rc.$name"
}
same() {
  cmp -s "$W/out.$1" "$W/out.$2" || fail "$1 and $2 differ: $(cmp "$W/out.$1" "$W/out.$2" 2>&1)"
  cmp -s "$W/rc.$1" "$W/rc.$2" || fail "$1 exit $(cat "$W/rc.$1"), $2 exit $(cat "$W/rc.$2")"
}

run one --input "$W/mixed.ndjson" --jobs 1
[ "$(cat "$W/rc.one")" = 1 ] || fail "mixed input: exit $(cat "$W/rc.one"), expected 1"
[ "$(wc -l < "$W/out.one")" = 8003 ] || fail "mixed input: $(wc -l < "$W/out.one") lines, expected 8003"
grep -q '^{"error":{"path":"case","message":"expected an object, got 1"}}$' "$W/out.one" ||
  fail "mixed input: no error line for {\"case\": 1}"
for jobs in 2 3 8; do
  run "j$jobs" --input "$W/mixed.ndjson" --jobs "$jobs"
  same one "j$jobs"
done
run default --input "$W/mixed.ndjson"
same one default

# The same through a pipe, and on the interpreter.
rc=0
"$PROVISO" eval "$POLICY" --input - --jobs 3 < "$W/mixed.ndjson" > "$W/out.pipe" 2>/dev/null || rc=$?
echo "$rc" > "$W/rc.pipe"
same one pipe
run interp1 --input "$W/mixed.ndjson" --engine interp --jobs 1
run interp3 --input "$W/mixed.ndjson" --engine interp --jobs 3
same interp1 interp3
same one interp1

# A decision filter.
run d1 --input "$DATA" --jobs 1 -d initial_response_due -d covered
run d3 --input "$DATA" --jobs 3 -d initial_response_due -d covered
same d1 d3

# YAML documents, one of them broken.
python3 - "$SRC/policies/qlik/examples" > "$W/docs.yaml" <<'PY'
import json, os, sys
folder = sys.argv[1]
names = sorted(n for n in os.listdir(folder) if n.endswith(".json"))
for i in range(3000):
    with open(os.path.join(folder, names[i % len(names)])) as f:
        print("---")
        print(json.dumps(json.load(f)))
    if i == 1500:
        print("---\ncontract: [unclosed")
PY
run y1 --input "$W/docs.yaml" --jobs 1
run y3 --input "$W/docs.yaml" --jobs 3
same y1 y3
[ "$(wc -l < "$W/out.y3")" = 3001 ] || fail "yaml: $(wc -l < "$W/out.y3") lines, expected 3001"

# One pretty-printed document.
run p1 --input "$SRC/policies/qlik/examples/basic_london_christmas_eve.json" --jobs 1
run p3 --input "$SRC/policies/qlik/examples/basic_london_christmas_eve.json" --jobs 3
same p1 p3
[ "$(cat "$W/rc.p3")" = 0 ] || fail "one document: exit $(cat "$W/rc.p3")"

# --explain runs on one thread: the same lines and explanations as --jobs 1.
head -3 "$DATA" > "$W/three.ndjson"
run e1 --input "$W/three.ndjson" --explain --jobs 1
run e3 --input "$W/three.ndjson" --explain --jobs 3
same e1 e3
cmp -s "$W/err.e1" "$W/err.e3" || fail "--explain: the explanations differ with --jobs 3"
grep -q -- '-- input 3 (line 3)' "$W/err.e3" || fail "--explain --jobs 3: no explanation of input 3"

# No input, and a full disk.
: > "$W/empty.ndjson"
run empty --input "$W/empty.ndjson" --jobs 3
[ "$(cat "$W/rc.empty")" = 1 ] || fail "empty input: exit $(cat "$W/rc.empty")"
grep -q "holds no input" "$W/err.empty" || fail "empty input: $(cat "$W/err.empty")"
rc=0
"$PROVISO" eval "$POLICY" --input "$W/mixed.ndjson" --jobs 3 > /dev/full 2> "$W/err.full" || rc=$?
[ "$rc" = 1 ] || fail "/dev/full: exit $rc"
grep -q "cannot write output: no space left on device" "$W/err.full" || fail "/dev/full: $(cat "$W/err.full")"

# Bad values of --jobs: usage errors (exit 2) naming the option.
for bad in 0 -1 x 257; do
  rc=0
  "$PROVISO" eval "$POLICY" --input "$DATA" --jobs "$bad" > /dev/null 2> "$W/err.bad" || rc=$?
  [ "$rc" = 2 ] || fail "--jobs $bad: exit $rc"
  grep -q -- "--jobs" "$W/err.bad" || fail "--jobs $bad: $(cat "$W/err.bad")"
done
echo ok
