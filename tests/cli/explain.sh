#!/usr/bin/env bash
# `proviso explain` prints a code's entry of docs/DIAGNOSTICS.md whether the code is given by
# identifier, lower-case identifier or name; an unknown code and a policy file are usage errors
# (exit 2) that say what to run instead. `proviso check --format json` prints one JSON object
# per diagnostic on standard output.
# Usage: explain.sh PROVISO SOURCE_DIR WORK_DIR
set -euo pipefail
PROVISO="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
SRC="$2"
W="$3"
rm -rf "$W"
mkdir -p "$W"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# The entry of P0017 as the file has it: from its heading to the line before the next heading.
awk '/^## P0017 /{p=1; print; next} /^## /{p=0} p' "$SRC/docs/DIAGNOSTICS.md" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' \
  > "$W/entry"
[ -s "$W/entry" ] || fail "no entry for P0017 in docs/DIAGNOSTICS.md"
for code in P0017 p0017 unknown-name; do
  "$PROVISO" explain "$code" > "$W/out" 2> "$W/err" || fail "explain $code exited with $?"
  cmp -s "$W/out" "$W/entry" || { diff "$W/entry" "$W/out" >&2; fail "explain $code does not print the entry of P0017"; }
  [ ! -s "$W/err" ] || fail "explain $code wrote to stderr: $(cat "$W/err")"
done

# --list: one line per entry of the file, in order.
"$PROVISO" explain --list > "$W/list" || fail "explain --list exited with $?"
grep -o '^## P[0-9]*' "$SRC/docs/DIAGNOSTICS.md" | cut -c4- > "$W/ids"
cut -d' ' -f1 "$W/list" | cmp -s - "$W/ids" || fail "explain --list does not list the codes of docs/DIAGNOSTICS.md"
grep -qx 'P0017  unknown-name               error    a name that nothing declares' "$W/list" ||
  fail "explain --list: unexpected line for P0017: $(grep P0017 "$W/list")"

# expect_usage ARGS... : exit 2, nothing on stdout, and the message given in $message on stderr.
expect_usage() {
  local status=0
  "$PROVISO" explain "$@" > "$W/out" 2> "$W/err" || status=$?
  [ "$status" = 2 ] || fail "explain $* exited with $status, not 2"
  [ ! -s "$W/out" ] || fail "explain $* printed on stdout: $(cat "$W/out")"
  grep -qxF "$message" "$W/err" || fail "explain $*: expected '$message', got '$(cat "$W/err")'"
}
message='proviso: error: unknown diagnostic code `P9999`; `proviso explain --list` lists them'
expect_usage P9999
message='proviso: error: unknown diagnostic code `unknown-nam`; `proviso explain --list` lists them'
expect_usage unknown-nam
message='proviso: error: give a diagnostic code such as `P0017`; `proviso explain --list` lists them'
expect_usage
cp "$SRC/tests/golden/diagnostics/unknown_name_did_you_mean.policy" "$W/p.policy"
message="proviso: error: \`$W/p.policy\` is not a diagnostic code but a file; to explain a policy's decisions, run \`proviso eval $W/p.policy --input INPUT --explain\`"
expect_usage "$W/p.policy"
# A policy's name is recognised even where there is no such file, and any existing path is a file.
message="proviso: error: \`missing.policy\` is not a diagnostic code but a file; to explain a policy's decisions, run \`proviso eval missing.policy --input INPUT --explain\`"
(cd "$W" && expect_usage missing.policy)
message="proviso: error: \`$W\` is not a diagnostic code but a file; to explain a policy's decisions, run \`proviso eval $W --input INPUT --explain\`"
expect_usage "$W"

# check --format json: the diagnostics of the file as JSON lines on stdout, exit 1, stderr empty.
status=0
(cd "$W" && "$PROVISO" check --format json p.policy > json 2> json.err) || status=$?
[ "$status" = 1 ] || fail "check --format json exited with $status, not 1"
[ ! -s "$W/json.err" ] || fail "check --format json wrote to stderr: $(cat "$W/json.err")"
python3 - "$W/json" <<'PY' || fail "check --format json printed unexpected JSON"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
d = json.loads(lines[0])
assert d["file"] == "p.policy", d
assert (d["line"], d["column"], d["end"]) == (18, 41, {"line": 18, "column": 52}), d
assert (d["severity"], d["code"], d["name"]) == ("error", "P0017", "unknown-name"), d
assert d["message"] == "unknown name `base_minuts`" and d["help"] == "did you mean `base_minutes`?", d
assert d["related"] == [], d
assert d["fixes"] == [{"line": 18, "column": 41, "end": {"line": 18, "column": 52}, "replacement": "base_minutes",
                       "applicability": "machine-applicable"}], d
PY
# Warnings too, with the exit status of the text form (0); an unknown format is a usage error.
status=0
"$PROVISO" check --format json "$SRC/tests/golden/diagnostics/decision_without_clause.policy" > "$W/json" || status=$?
[ "$status" = 0 ] || fail "check --format json on a warning exited with $status"
grep -q '"code":"P0077","name":"no-clause"' "$W/json" || fail "check --format json: no warning P0077 in $(cat "$W/json")"
status=0
"$PROVISO" check --format xml "$W/p.policy" > /dev/null 2>&1 || status=$?
[ "$status" = 2 ] || fail "check --format xml exited with $status, not 2"
echo "ok"
