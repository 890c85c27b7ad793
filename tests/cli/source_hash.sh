#!/usr/bin/env bash
# The JIT's cache key includes a hash of the sources that generated code depends on, made by
# compiler/jit/source_hash.cmake: it changes with any edit to a file in the list, and the build
# reruns it when any of compiler/jit, compiler/ir or runtime changes (a Ninja build is asked
# which inputs its output has).
# Usage: source_hash.sh CMAKE SOURCE_DIR BUILD_DIR WORK_DIR
set -euo pipefail
CMAKE="$1"
SRC="$2"
BUILD="$3"
W="$4"
rm -rf "$W"
mkdir -p "$W"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
printf 'int a;\n' > "$W/a.cpp"
printf 'int b;\n' > "$W/b.cpp"
hash_of() {
  "$CMAKE" -DOUT="$W/out.cpp" -DROOT="$W" "-DFILES=$W/a.cpp;$W/b.cpp" -DEXTRA=x -P "$SRC/compiler/jit/source_hash.cmake"
  grep -o '"[0-9a-f]\{64\}"' "$W/out.cpp"
}
h1="$(hash_of)"
h2="$(hash_of)"
[ "$h1" = "$h2" ] || fail "the hash is not deterministic"
printf 'int b; // edited\n' > "$W/b.cpp"
h3="$(hash_of)"
[ "$h1" != "$h3" ] || fail "editing a file did not change the hash"

if [ -f "$BUILD/build.ninja" ]; then
  inputs="$(ninja -C "$BUILD" -t query compiler/jit_source_hash.cpp)"
  for f in compiler/jit/codegen_ops.cpp compiler/jit/host.cpp compiler/jit/layout.cpp compiler/jit/codegen.cpp \
           compiler/ir/program.cpp runtime/src/jit_abi.cpp runtime/include/proviso/rt/jit_abi.h; do
    echo "$inputs" | grep -q "$SRC/$f\$" || fail "the source hash does not depend on $f"
  done
else
  echo "skipped: not a Ninja build, the build graph cannot be queried"
fi
echo ok
