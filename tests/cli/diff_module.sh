#!/usr/bin/env bash
# The `proviso` command loads the Z3 part of `proviso diff`, libproviso-diff.so, only to compare
# two versions (compiler/diff/diff.h, compare_in_module): it does not link libz3; every symbol
# the module needs is in the command or the libraries the module names; `check` loads neither
# the module nor libz3, `diff` loads both and answers as the linked comparison does (the diff
# tests); without the module, `diff` is an error naming it while the other commands run; a
# module built from other sources is refused, and so is a file that is no module.
# Usage: diff_module.sh PROVISO MODULE SOURCE_DIR WORK_DIR
set -euo pipefail
PROVISO="$1"
MODULE="$2"
SRC="$3"
W="$4"
rm -rf "$W"
mkdir -p "$W"
export XDG_CACHE_HOME="$W/cache"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
source "$(dirname "$0")/module_checks.sh"
old="$SRC/policies/qlik/oem_maintenance.policy"
new="$W/changed.policy"
sed 's/30 business minutes/45 business minutes/' "$old" > "$new"
cmp -s "$old" "$new" && fail "the edit of the test policy did not apply"

# 1. The command does not link libz3.
if readelf -d "$PROVISO" | grep -q 'NEEDED.*libz3'; then
  fail "proviso links libz3: $(readelf -d "$PROVISO" | grep NEEDED)"
fi

# 2. Every symbol the module imports is defined by the command or by a library the module
# needs (else loading it fails, and `diff` compares nothing).
module_imports_defined "$PROVISO" "$MODULE" "$W"

# 3. `check` loads neither the module nor libz3; `diff` loads both and finds the change.
LD_DEBUG=files "$PROVISO" check "$old" >/dev/null 2>"$W/check.err" || fail "check: exit $?"
if grep -q 'libz3\|libproviso-diff' "$W/check.err"; then
  fail "check loaded Z3: $(grep 'libz3\|libproviso-diff' "$W/check.err" | head -3)"
fi
rc=0
LD_DEBUG=files "$PROVISO" diff "$old" "$new" --format json >"$W/diff.out" 2>"$W/diff.err" || rc=$?
[ "$rc" = 3 ] || fail "diff of a changed policy: exit $rc, expected 3: $(grep -v 'file=\|calling\|^ *[0-9]*:' "$W/diff.err" | head -5)"
grep -q 'libproviso-diff.so' "$W/diff.err" || fail "diff did not load the module"
grep -q 'libz3' "$W/diff.err" || fail "diff did not load libz3"
python3 - "$W/diff.out" <<'PY' || fail "diff: not the expected report: $(head -c 600 "$W/diff.out")"
import json, sys
report = json.load(open(sys.argv[1]))
changed = [d["name"] for d in report["decisions"] if d["status"] == "changed"]
sys.exit(0 if changed == ["initial_response_due"] and not report["equivalent"] else 1)
PY

# 4. The command without its module (a copy elsewhere): `diff` is an error that names the
# module; `check` and `eval` still run.
mkdir -p "$W/alone/bin"
cp "$PROVISO" "$W/alone/bin/proviso"
rc=0
"$W/alone/bin/proviso" diff "$old" "$new" >"$W/alone.out" 2>"$W/alone.err" || rc=$?
[ "$rc" = 1 ] || fail "without the module, diff: exit $rc, expected 1"
grep -q '^proviso: error: the Z3 module of `proviso diff` libproviso-diff.so is not installed with this program' \
  "$W/alone.err" || fail "without the module, diff: $(cat "$W/alone.err")"
[ ! -s "$W/alone.out" ] || fail "without the module, diff wrote: $(head -c 300 "$W/alone.out")"
"$W/alone/bin/proviso" check "$old" >/dev/null || fail "without the module, check failed"
head -n 3 "$SRC/policies/qlik/deadlines.ndjson" >"$W/cases.ndjson"
"$W/alone/bin/proviso" eval "$old" --input "$W/cases.ndjson" --engine interp >/dev/null ||
  fail "without the module, eval failed"

# 5. A module from other sources (its hash of the shared sources changed here) is refused, not run.
mkdir -p "$W/stale/bin" "$W/stale/lib/proviso"
cp "$PROVISO" "$W/stale/bin/proviso"
stale_module "$PROVISO" "$MODULE" "$W/stale/lib/proviso/libproviso-diff.so"
rc=0
"$W/stale/bin/proviso" diff "$old" "$new" >/dev/null 2>"$W/stale.err" || rc=$?
[ "$rc" = 1 ] || fail "a stale module: exit $rc, expected 1"
grep -q 'was built from other sources than this program' "$W/stale.err" || fail "a stale module: $(cat "$W/stale.err")"

# 6. Something else in the module's place: a file that is no library cannot be loaded, and a
# library without the module's entry is not the module. Each is an error naming the file.
refused() {  # NAME FILE MESSAGE
  mkdir -p "$W/$1/bin" "$W/$1/lib/proviso"
  cp "$PROVISO" "$W/$1/bin/proviso"
  cp "$2" "$W/$1/lib/proviso/libproviso-diff.so"
  rc=0
  "$W/$1/bin/proviso" diff "$old" "$new" >/dev/null 2>"$W/$1.err" || rc=$?
  [ "$rc" = 1 ] || fail "$1: exit $rc, expected 1"
  grep -qF "proviso: error: $3" "$W/$1.err" || fail "$1: $(cat "$W/$1.err")"
}
echo "not a library" >"$W/not-a-library.so"
refused text "$W/not-a-library.so" "cannot load \`$W/text/bin/../lib/proviso/libproviso-diff.so\`"
libm="$(ldd "$PROVISO" | awk '/libm\.so/ { print $3 }')"
[ -n "$libm" ] || fail "no libm for the test"
refused other "$libm" "\`$W/other/bin/../lib/proviso/libproviso-diff.so\` is not the Z3 module of \`proviso diff\`"
echo "ok: the command loads Z3 only to compare"
