#!/usr/bin/env bash
# The `proviso` command loads the JIT's LLVM part, libproviso-llvm.so, only to compile
# (compiler/jit/backend.h): it does not link libLLVM; every symbol the module needs is in the
# command or the libraries the module names; a cold cache loads the module, a warm one loads
# neither it nor libLLVM; without the module the default engine answers with the interpreter
# and says why, and `--engine jit` is an error naming the module; a module built from other
# sources is refused.
# Usage: llvm_module.sh PROVISO MODULE SOURCE_DIR WORK_DIR
set -euo pipefail
PROVISO="$1"
MODULE="$2"
SRC="$3"
W="$4"
rm -rf "$W"
mkdir -p "$W"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
source "$(dirname "$0")/module_checks.sh"
policy="$SRC/policies/qlik/oem_maintenance.policy"
input="$SRC/policies/qlik/deadlines.ndjson"

# 1. The command does not link libLLVM.
if readelf -d "$PROVISO" | grep -q 'NEEDED.*libLLVM'; then
  fail "proviso links libLLVM: $(readelf -d "$PROVISO" | grep NEEDED)"
fi

# 2. Every symbol the module imports is defined by the command or by a library the module
# needs (else loading it fails, and the command compiles nothing).
module_imports_defined "$PROVISO" "$MODULE" "$W"

# 3. A cold cache: the module is loaded to compile. A warm one: neither it nor libLLVM.
export XDG_CACHE_HOME="$W/cache"
LD_DEBUG=files "$PROVISO" eval "$policy" --input "$input" >"$W/cold.out" 2>"$W/cold.err" ||
  fail "cold cache: exit $?: $(grep -v 'file=\|calling\|^ *[0-9]*:' "$W/cold.err" | head -5)"
grep -q 'libproviso-llvm.so' "$W/cold.err" || fail "cold cache: the module was not loaded"
LD_DEBUG=files "$PROVISO" eval "$policy" --input "$input" >"$W/warm.out" 2>"$W/warm.err" ||
  fail "warm cache: exit $?"
if grep -q 'libLLVM\|libproviso-llvm' "$W/warm.err"; then
  fail "warm cache: LLVM was loaded: $(grep 'libLLVM\|libproviso-llvm' "$W/warm.err" | head -3)"
fi
cmp -s "$W/cold.out" "$W/warm.out" || fail "the cold and warm runs answer differently"

# interprets NAME WHY: a copy of the command in $W/NAME/bin, run on a cold cache, answers as the
# JIT did, with the interpreter, and says why (a line matching WHY).
interprets() {
  local name="$1" why="$2"
  XDG_CACHE_HOME="$W/cache-$name" "$W/$name/bin/proviso" eval "$policy" --input "$input" \
    >"$W/$name.out" 2>"$W/$name.err" || fail "$name: exit $?: $(cat "$W/$name.err")"
  cmp -s "$W/$name.out" "$W/cold.out" || fail "$name: other answers"
  grep -q "$why" "$W/$name.err" || fail "$name: the default engine did not say why it interprets: $(cat "$W/$name.err")"
}

# 4. The command without its module (a copy elsewhere), with a cold cache.
mkdir -p "$W/alone/bin"
cp "$PROVISO" "$W/alone/bin/proviso"
interprets alone 'libproviso-llvm.so is not installed with this program'
export XDG_CACHE_HOME="$W/cache-alone"
set +e
"$W/alone/bin/proviso" eval "$policy" --input "$input" --engine jit >/dev/null 2>"$W/alone-jit.err"
rc=$?
set -e
[ "$rc" = 1 ] || fail "without the module, --engine jit: exit $rc"
grep -q '^proviso: error: .*libproviso-llvm.so' "$W/alone-jit.err" ||
  fail "without the module, --engine jit: $(cat "$W/alone-jit.err")"
# 5. A module from other sources (its hash of the JIT's sources changed here) is refused, not run.
mkdir -p "$W/stale/bin" "$W/stale/lib/proviso"
cp "$PROVISO" "$W/stale/bin/proviso"
stale_module "$PROVISO" "$MODULE" "$W/stale/lib/proviso/libproviso-llvm.so"
interprets stale 'was built from other sources than this program'
echo "ok: the command loads LLVM only to compile"
