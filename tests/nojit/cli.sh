#!/usr/bin/env bash
# The `proviso` command in a build without the JIT (PROVISO_ENABLE_JIT=OFF; registered only
# there): eval, test and bench use the interpreter without a note, even for a policy the JIT
# build would call too large to compile quickly; `--engine jit` (and `test --engine both`) is
# one clear error line with exit 2; `cache info|clean` say there is no object cache and touch
# nothing. Given the build's Python directory, the module too: the interpreter, and
# engine="jit" is a CompileError with the same message.
# Usage: cli.sh PROVISO SOURCE_DIR WORK_DIR [PYTHON_DIR]
set -euo pipefail
PROVISO="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
SRC="$2"
W="$3"
rm -rf "$W"
mkdir -p "$W"
export XDG_CACHE_HOME="$W/cache"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
NO_JIT="proviso: error: this build of Proviso has no JIT (PROVISO_ENABLE_JIT=OFF)"
POLICY="$SRC/policies/qlik/oem_maintenance.policy"
head -n 20 "$SRC/policies/qlik/deadlines.ndjson" > "$W/cases.ndjson"

# eval: the default engine is the interpreter, silently, and gives what --engine interp gives.
"$PROVISO" eval "$POLICY" --input "$W/cases.ndjson" > "$W/default.out" 2> "$W/default.err" || [ $? -eq 1 ] ||
  fail "eval exited with $?"
"$PROVISO" eval "$POLICY" --input "$W/cases.ndjson" --engine interp > "$W/interp.out" 2>/dev/null || true
[ "$(wc -l < "$W/default.out")" = 20 ] || fail "eval printed $(wc -l < "$W/default.out") lines for 20 cases"
cmp -s "$W/default.out" "$W/interp.out" || fail "eval's default engine differs from --engine interp"
[ ! -s "$W/default.err" ] || fail "eval wrote to stderr: $(cat "$W/default.err")"

# A policy the JIT build would leave to the interpreter with a note (compile estimated over a
# second): here there is nothing to say.
{
  printf 'policy big.p "Big"\ninput x {\n  a: integer\n}\n'
  for i in $(seq 0 1199); do echo "decision d$i: integer = x.a + $i"; done
} > "$W/big.policy"
echo '{"x": {"a": 1}}' > "$W/one.json"
"$PROVISO" eval "$W/big.policy" --input "$W/one.json" > "$W/big.out" 2> "$W/big.err" || fail "eval of a large policy exited with $?"
grep -q '"d1199":1200}}$' "$W/big.out" || fail "large policy: $(cut -c1-200 "$W/big.out")"
[ ! -s "$W/big.err" ] || fail "eval of a large policy wrote to stderr: $(cat "$W/big.err")"

# --engine jit: one error line, exit 2, nothing on stdout.
expect_no_jit() {
  local status=0
  "$PROVISO" "$@" > "$W/nj.out" 2> "$W/nj.err" || status=$?
  [ "$status" = 2 ] || fail "proviso $*: exit $status, not 2"
  [ "$(cat "$W/nj.err")" = "$NO_JIT" ] || fail "proviso $*: stderr \`$(cat "$W/nj.err")\`"
  [ ! -s "$W/nj.out" ] || fail "proviso $*: stdout \`$(cat "$W/nj.out")\`"
}
expect_no_jit eval "$POLICY" --input "$W/cases.ndjson" --engine jit
expect_no_jit test "$POLICY" --engine jit
expect_no_jit test "$POLICY" --engine both
expect_no_jit bench "$POLICY" --input "$W/cases.ndjson" --engine jit

# test: the interpreter, without a note, by default and with --engine interp.
for engine in "" "--engine interp"; do
  # shellcheck disable=SC2086
  "$PROVISO" test "$SRC/policies/qlik" $engine > "$W/test.out" 2> "$W/test.err" || fail "test $engine: exit $?: $(cat "$W/test.out")"
  grep -Eq '^[1-9][0-9]* passed, 0 failed$' "$W/test.out" || fail "test $engine: $(cat "$W/test.out")"
  [ ! -s "$W/test.err" ] || fail "test $engine wrote to stderr: $(cat "$W/test.err")"
done

# bench: the interpreter by default.
"$PROVISO" bench "$POLICY" --input "$W/cases.ndjson" --repeat 1 --json > "$W/bench.out" 2> "$W/bench.err" ||
  fail "bench exited with $?: $(cat "$W/bench.err")"
grep -q '"engine":"interp"' "$W/bench.out" || fail "bench: $(cat "$W/bench.out")"

# cache: no object cache in this build, for info and clean alike; no directory is made.
for action in info clean; do
  "$PROVISO" cache "$action" > "$W/cache.out" 2> "$W/cache.err" || fail "cache $action exited with $?"
  [ "$(cat "$W/cache.out")" = "no object cache: this build of Proviso has no JIT (PROVISO_ENABLE_JIT=OFF)" ] ||
    fail "cache $action: $(cat "$W/cache.out")"
  [ ! -s "$W/cache.err" ] || fail "cache $action wrote to stderr: $(cat "$W/cache.err")"
done
[ ! -e "$XDG_CACHE_HOME" ] || fail "something made $XDG_CACHE_HOME: $(find "$XDG_CACHE_HOME")"

# --help says which engine there is.
"$PROVISO" eval --help | grep -q "this build has no JIT" || fail "eval --help does not say there is no JIT"

if [ $# -ge 4 ] && [ -n "$4" ]; then
  PYTHONPATH="$4" PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 - "$POLICY" > "$W/python.out" 2>&1 <<'EOF' ||
import sys
import proviso
assert proviso.compile(sys.argv[1]).info["engine"] == "interpreter"
try:
    proviso.compile(sys.argv[1], engine="jit")
    sys.exit("engine='jit' compiled")
except proviso.CompileError as e:
    assert str(e) == "this build of Proviso has no JIT (PROVISO_ENABLE_JIT=OFF)", str(e)
EOF
    fail "Python: $(cat "$W/python.out")"
fi
echo "ok"
