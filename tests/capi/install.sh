#!/usr/bin/env bash
# The installed package works out of tree: `cmake --install` into a temporary prefix, then
# - the C example built with pkg-config, against libproviso.so (proviso.pc) and against the
#   static libproviso.a (proviso-static.pc), and the C API's test linked statically too;
# - the C++ example built with find_package(Proviso), against Proviso::proviso and
#   Proviso::proviso_static;
# - the Python example (examples/python) on the installed module;
# each run on Qlik cases and checked against `proviso eval` from the same prefix. A static
# program must not need libproviso.so, and consumers see no include directory but the prefix's.
# Usage: install.sh BUILD_DIR SOURCE_DIR WORK_DIR
set -euo pipefail
BUILD="$(cd "$1" && pwd)"
SRC="$(cd "$2" && pwd)"
W="$3"
rm -rf "$W"
mkdir -p "$W"
W="$(cd "$W" && pwd)"
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
[ -f "$LIBDIR/libproviso.a" ] || fail "no libproviso.a beside libproviso.so"
PC="$(find "$P" -name proviso.pc | head -1)"
CONFIG="$(find "$P" -name ProvisoConfig.cmake | head -1)"
[ -n "$PC" ] && [ -n "$CONFIG" ] || fail "proviso.pc or ProvisoConfig.cmake not installed"
PCDIR="$(dirname "$PC")"
[ -f "$PCDIR/proviso-static.pc" ] || fail "proviso-static.pc not installed"
# Only Proviso's own headers: LLVM, PEGTL, Z3 and the rest stay private.
[ "$(find "$P/include" -type f | wc -l)" = 2 ] || fail "headers other than proviso.h and proviso.hpp installed"

head -n 40 "$SRC/policies/qlik/deadlines.ndjson" > "$W/cases.ndjson"
POLICY="$SRC/policies/qlik/oem_maintenance.policy"
"$P/bin/proviso" eval "$POLICY" --input "$W/cases.ndjson" > "$W/expected" || true
# The installed command compiles with the JIT's module, installed with it (lib/proviso/), in a
# build that has the JIT.
XDG_CACHE_HOME="$W/cache" "$P/bin/proviso" eval "$POLICY" --input "$W/cases.ndjson" --engine jit --verbose \
  > "$W/jit.out" 2> "$W/jit.err" || true
if ! grep -q "this build of Proviso has no JIT" "$W/jit.err"; then
  grep -q "compiled; wrote" "$W/jit.err" || fail "the installed proviso did not compile with the JIT: $(cat "$W/jit.err")"
  cmp -s "$W/jit.out" "$W/expected" || fail "the installed proviso's JIT answers differently"
fi

# The installed command compares with the diff's module, installed with it (lib/proviso/).
"$P/bin/proviso" diff "$POLICY" "$POLICY" > "$W/diff.out" 2> "$W/diff.err" ||
  fail "the installed proviso diff: exit $?: $(cat "$W/diff.err")"
grep -q "equivalent: 0 changed" "$W/diff.out" || fail "the installed proviso diff: $(cat "$W/diff.out")"

# No include directory for consumers but the prefix's (pkg-config and CMake alike).
only_prefix_includes() {  # WHAT FLAGS...
  local what="$1" flag
  shift
  for flag in "$@"; do
    case "$flag" in
      -I*) [ "$(realpath -m "${flag#-I}")" = "$(realpath "$P/include")" ] || fail "$what passes on $flag" ;;
    esac
  done
}
# A program linked with the static library does not load libproviso.so.
not_needing_libproviso() {  # PROGRAM
  ! readelf -d "$1" | grep -q 'NEEDED.*libproviso' || fail "$(basename "$1") needs libproviso.so: it is not static"
}

# C, through pkg-config: shared, then static.
cflags="$(PKG_CONFIG_PATH="$PCDIR" pkg-config --cflags proviso)"
# shellcheck disable=SC2086
only_prefix_includes proviso.pc $cflags
flags="$(PKG_CONFIG_PATH="$PCDIR" pkg-config --cflags --libs proviso)"
# shellcheck disable=SC2086
cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror "$SRC/examples/c/deadlines.c" $flags -o "$W/deadlines" ||
  fail "the C example does not build against the installed package"
status=0
LD_LIBRARY_PATH="$LIBDIR" "$W/deadlines" "$POLICY" < "$W/cases.ndjson" > "$W/c.out" || status=$?
[ "$status" -le 1 ] || fail "the C example exited with $status"
cmp -s "$W/c.out" "$W/expected" || { diff "$W/expected" "$W/c.out" | head >&2; fail "the C example's lines differ from proviso eval"; }

static_flags="$(PKG_CONFIG_PATH="$PCDIR" pkg-config --static --cflags --libs proviso-static)"
# shellcheck disable=SC2086
only_prefix_includes proviso-static.pc $(PKG_CONFIG_PATH="$PCDIR" pkg-config --cflags proviso-static)
# shellcheck disable=SC2086
cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror "$SRC/examples/c/deadlines.c" $static_flags \
  -o "$W/deadlines-static" > "$W/c-static.log" 2>&1 ||
  fail "the C example does not link with libproviso.a: $(cat "$W/c-static.log")"
not_needing_libproviso "$W/deadlines-static"
status=0
"$W/deadlines-static" "$POLICY" < "$W/cases.ndjson" > "$W/c-static.out" || status=$?
[ "$status" -le 1 ] || fail "the static C example exited with $status"
cmp -s "$W/c-static.out" "$W/expected" ||
  { diff "$W/expected" "$W/c-static.out" | head >&2; fail "the static C example's lines differ from proviso eval"; }
# Every call of the C API, and 8 threads, from the static library.
# shellcheck disable=SC2086
cc -std=c11 -D_POSIX_C_SOURCE=200809L -pthread "$SRC/tests/capi/c_api_test.c" $static_flags -o "$W/c-api-static" \
  > "$W/c-api-static.log" 2>&1 || fail "the C API's test does not link with libproviso.a: $(cat "$W/c-api-static.log")"
not_needing_libproviso "$W/c-api-static"
"$W/c-api-static" "$SRC" > "$W/c-api-static.log" 2>&1 || fail "the C API's test, static: $(cat "$W/c-api-static.log")"

# C++, through find_package(Proviso): Proviso::proviso, then Proviso::proviso_static.
for kind in shared static; do
  dir="$W/cpp-$kind"
  static=OFF
  [ "$kind" = static ] && static=ON
  cmake -S "$SRC/examples/cpp" -B "$dir" -G Ninja -DCMAKE_PREFIX_PATH="$P" -DPROVISO_STATIC=$static \
    > "$dir.log" 2>&1 || fail "configuring the C++ example ($kind): $(cat "$dir.log")"
  cmake --build "$dir" >> "$dir.log" 2>&1 || fail "building the C++ example ($kind): $(cat "$dir.log")"
  # shellcheck disable=SC2046
  only_prefix_includes "Proviso::proviso ($kind)" $(sed -n 's/^ *INCLUDES = //p' "$dir/build.ninja" | sed 's/-isystem /-I/g')
  LD_LIBRARY_PATH="$LIBDIR" "$dir/backtest" "$POLICY" "$W/cases.ndjson" > "$dir.out" ||
    fail "the C++ example ($kind) failed: $(cat "$dir.out")"
done
not_needing_libproviso "$W/cpp-static/backtest"
grep -q '^qlik.oem_maintenance 1.1: 40 cases, 0 not evaluated$' "$W/cpp-shared.out" || fail "C++ example: $(cat "$W/cpp-shared.out")"
grep -q '^  initial_response_due: ' "$W/cpp-shared.out" || fail "C++ example: $(cat "$W/cpp-shared.out")"
cmp -s "$W/cpp-shared.out" "$W/cpp-static.out" || fail "the C++ example prints other counts with the static library"

# Python: examples/python/sla_worker.py on the installed module (which finds the installed
# libproviso.so itself), checked against `proviso eval` read independently. A damaged case
# is an error line, as in eval.
PY="$(find "$P" -type d -name dist-packages | head -1)"
[ -n "$PY" ] && [ -f "$PY/proviso/__init__.py" ] || fail "the Python module is not installed"
module="$(find "$PY/proviso" -name '_proviso*.so' | head -1)"
loaded="$(ldd "$module" | sed -n 's/.*libproviso.so.1 => \([^ ]*\) .*/\1/p')"
[ "$(realpath "$loaded")" = "$(realpath "$LIBDIR/libproviso.so.1")" ] ||
  fail "the installed Python module does not load the installed library: $(ldd "$module" | grep proviso)"
{ cat "$W/cases.ndjson"; sed -n 3p "$W/cases.ndjson" | sed 's/"severity": [0-9]/"severity": 7/'; } > "$W/py-cases.ndjson"
"$P/bin/proviso" eval "$POLICY" --input "$W/py-cases.ndjson" > "$W/py-eval.out" || true
grep -q '"error":{"path":"case.severity"' "$W/py-eval.out" || fail "the damaged case is not an error in eval"
/usr/bin/python3 - "$W/py-eval.out" > "$W/py-expected" <<'EOF'
import datetime, json, sys
def when(s):
    return "-" if s is None else datetime.datetime.fromisoformat(s).strftime("%a %Y-%m-%d %H:%M %z")
for n, line in enumerate(open(sys.argv[1]), 1):
    out = json.loads(line)
    if "error" in out:
        e = out["error"]
        print(f"{n}\terror\t{e['path'] + ': ' if e['path'] else ''}{e['message']}")
        continue
    d = out["decisions"]
    print("\t".join([str(n), d["coverage"], ",".join(d["exclusions"]) or "-", when(d["initial_response_due"]),
                     when(d["next_update_due"]), d["reinstatement_fee"] or "-"]))
EOF
status=0
env -u LD_LIBRARY_PATH PYTHONPATH="$PY" PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 "$SRC/examples/python/sla_worker.py" \
  "$POLICY" < "$W/py-cases.ndjson" > "$W/py.out" 2> "$W/py.err" || status=$?
[ "$status" = 1 ] || fail "the Python example exited with $status (1 expected: one case fails): $(cat "$W/py.err")"
cmp -s "$W/py.out" "$W/py-expected" ||
  { diff "$W/py-expected" "$W/py.out" | head >&2; fail "the Python example's lines differ from proviso eval"; }
grep -q '^qlik.oem_maintenance 1.1: 41 cases (.*), 1 not evaluated$' "$W/py.err" || fail "Python example: $(cat "$W/py.err")"
[ -z "$(find "$SRC/examples" "$PY" -name __pycache__)" ] || fail "the Python example left bytecode behind"
echo "ok"
