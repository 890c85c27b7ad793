#!/usr/bin/env bash
# The installed package works out of tree: `cmake --install` into a temporary prefix, then the
# C example built with pkg-config and the C++ example built with find_package(Proviso), each
# run on Qlik cases and checked against `proviso eval` from the same prefix.
# Usage: install.sh BUILD_DIR SOURCE_DIR WORK_DIR
set -euo pipefail
BUILD="$(cd "$1" && pwd)"
SRC="$(cd "$2" && pwd)"
W="$3"
rm -rf "$W"
mkdir -p "$W"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
P="$W/prefix"
cmake --install "$BUILD" --prefix "$P" > "$W/install.log" || fail "cmake --install: $(cat "$W/install.log")"
LIBDIR="$(dirname "$(find "$P" -name 'libproviso.so' | head -1)")"
[ -n "$LIBDIR" ] || fail "no libproviso.so installed"
for f in include/proviso/proviso.h include/proviso/proviso.hpp bin/proviso; do
  [ -e "$P/$f" ] || fail "$f not installed"
done
PC="$(find "$P" -name proviso.pc | head -1)"
CONFIG="$(find "$P" -name ProvisoConfig.cmake | head -1)"
[ -n "$PC" ] && [ -n "$CONFIG" ] || fail "proviso.pc or ProvisoConfig.cmake not installed"
# Only Proviso's own headers: LLVM, PEGTL, Z3 and the rest stay private.
[ "$(find "$P/include" -type f | wc -l)" = 2 ] || fail "headers other than proviso.h and proviso.hpp installed"

head -n 40 "$SRC/policies/qlik/deadlines.ndjson" > "$W/cases.ndjson"
POLICY="$SRC/policies/qlik/oem_maintenance.policy"
"$P/bin/proviso" eval "$POLICY" --input "$W/cases.ndjson" > "$W/expected" || true

# C, through pkg-config.
flags="$(PKG_CONFIG_PATH="$(dirname "$PC")" pkg-config --cflags --libs proviso)"
cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror "$SRC/examples/c/deadlines.c" $flags -o "$W/deadlines" ||
  fail "the C example does not build against the installed package"
status=0
LD_LIBRARY_PATH="$LIBDIR" "$W/deadlines" "$POLICY" < "$W/cases.ndjson" > "$W/c.out" || status=$?
[ "$status" -le 1 ] || fail "the C example exited with $status"
cmp -s "$W/c.out" "$W/expected" || { diff "$W/expected" "$W/c.out" | head >&2; fail "the C example's lines differ from proviso eval"; }

# C++, through find_package(Proviso).
cmake -S "$SRC/examples/cpp" -B "$W/cpp" -G Ninja -DCMAKE_PREFIX_PATH="$P" > "$W/cpp.log" 2>&1 ||
  fail "configuring the C++ example: $(cat "$W/cpp.log")"
cmake --build "$W/cpp" >> "$W/cpp.log" 2>&1 || fail "building the C++ example: $(cat "$W/cpp.log")"
LD_LIBRARY_PATH="$LIBDIR" "$W/cpp/backtest" "$POLICY" "$W/cases.ndjson" > "$W/cpp.out" ||
  fail "the C++ example failed: $(cat "$W/cpp.out")"
grep -q '^qlik.oem_maintenance 1.1: 40 cases, 0 not evaluated$' "$W/cpp.out" || fail "C++ example: $(cat "$W/cpp.out")"
grep -q '^  initial_response_due: ' "$W/cpp.out" || fail "C++ example: $(cat "$W/cpp.out")"
echo "ok"
