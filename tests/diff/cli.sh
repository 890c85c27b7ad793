#!/usr/bin/env bash
# `proviso diff` on the command line: exit statuses (0 equivalent, 3 not, 1 bad files, 2 bad
# command line), --fail-on, the three formats and colour, --decision, --cases (NDJSON, YAML, serve's
# decision log, a bad record), --git (modified, added, removed, renamed files) and policies that
# import module files (two versions side by side, and --git when only a module changed).
# Usage: cli.sh PROVISO SOURCE_DIR WORK_DIR
set -euo pipefail
PROVISO="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
SRC="$(cd "$2" && pwd)"
W="$3"
rm -rf "$W"
mkdir -p "$W"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
# run EXPECTED_STATUS ARGS...: runs proviso diff, output in $W/out and $W/err.
run() {
  local want="$1" status=0
  shift
  "$PROVISO" diff "$@" > "$W/out" 2> "$W/err" || status=$?
  [ "$status" = "$want" ] || fail "diff $* exited with $status, not $want: $(cat "$W/err")"
}

QLIK="$SRC/policies/qlik/oem_maintenance.policy"
PAIR="$SRC/tests/diff/cases/01-qlik-basic-sev2-response"

# Equivalent: exit 0, a one-line text report.
run 0 "$QLIK" "$QLIK"
grep -q ': equivalent: 0 changed, 12 unchanged$' "$W/out" || fail "self-diff text: $(cat "$W/out")"

# A changed row: exit 3; text names the decision and the witness, the table row change.
run 3 "$PAIR/old.policy" "$PAIR/new.policy" --color never
grep -q '^changed    initial_response_due (clause 5.2, 6.2), earlier: case.severity = 2, contract.support = Basic' "$W/out" ||
  fail "text report: $(cat "$W/out")"
grep -q '^table      response: 1 row(s) added, 1 removed' "$W/out" || fail "no table summary: $(cat "$W/out")"
if grep -q $'\x1b\[' "$W/out"; then fail "colour with --color never"; fi
run 3 "$PAIR/old.policy" "$PAIR/new.policy" --color always
grep -q $'\x1b\[33mchanged' "$W/out" || fail "no colour with --color always"
NO_COLOR=1 "$PROVISO" diff "$PAIR/old.policy" "$PAIR/new.policy" > "$W/out" || true
if grep -q $'\x1b\[' "$W/out"; then fail "colour with NO_COLOR"; fi

# JSON: the contract's keys.
run 3 "$PAIR/old.policy" "$PAIR/new.policy" --format json
python3 - "$W/out" <<'EOF' || fail "json report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["equivalent"] is False
assert set(r) >= {"equivalent", "tool", "old", "new", "schema", "decisions", "declarations"}, list(r)
assert r["tool"]["stdlib"].startswith("sha256:") and r["tool"]["tzdata"], r["tool"]
assert r["old"]["policy"] == "qlik.oem_maintenance", r["old"]
d = {x["name"]: x for x in r["decisions"]}
x = d["initial_response_due"]
assert x["status"] == "changed" and x["direction"] == "earlier", x
assert x["clause"] == {"old": "5.2, 6.2", "new": "5.2, 6.2"}, x["clause"]
assert x["witness"]["input"]["case"]["severity"] == 2, x["witness"]
assert d["coverage"] == {"name": "coverage", "status": "unchanged", "how": "proved",
                         "clause": {"old": "2.4, 2.5, 4.2, 7.2", "new": "2.4, 2.5, 4.2, 7.2"}}, d["coverage"]
assert r["declarations"][0]["kind"] == "table" and r["declarations"][0]["rows"]["added"], r["declarations"]
EOF

# Markdown: a table for a pull request.
run 3 "$PAIR/old.policy" "$PAIR/new.policy" --format markdown
grep -q '^| `initial_response_due` | changed | 5.2, 6.2 | earlier; ' "$W/out" || fail "markdown: $(cat "$W/out")"

# --decision narrows; an unknown name is a usage error.
run 0 "$PAIR/old.policy" "$PAIR/new.policy" --decision coverage
run 2 "$PAIR/old.policy" "$PAIR/new.policy" --decision nosuch
grep -q 'neither version has a decision of that name' "$W/err" || fail "--decision nosuch: $(cat "$W/err")"

# --fail-on: a compatible schema change passes `--fail-on breaking`, a breaking one does not.
OPT="$SRC/tests/diff/cases/15-qlik-optional-dse-contact-limit"
REQ="$SRC/tests/diff/cases/16-qlik-required-reporter-field"
run 0 "$OPT/old.policy" "$OPT/new.policy" --fail-on breaking
run 3 "$REQ/old.policy" "$REQ/new.policy" --fail-on breaking
run 3 "$REQ/old.policy" "$REQ/new.policy" --fail-on changed --fail-on unknown
grep -q '^breaking   + case\.' "$W/out" || fail "breaking schema line: $(cat "$W/out")"

# Bad files and command lines.
run 1 "$W/missing.policy" "$QLIK"
grep -q 'cannot read' "$W/err" || fail "missing file: $(cat "$W/err")"
printf 'policy broken "B"\ndecision d: integer clause "1" = nosuch\n' > "$W/broken.policy"
run 1 "$W/broken.policy" "$QLIK"
grep -q 'broken.policy:' "$W/err" || fail "broken file: $(cat "$W/err")"
run 2 "$QLIK"
run 2 "$QLIK" "$QLIK" --format yaml
run 2 "$QLIK" "$QLIK" --fail-on everything

# --cases: NDJSON, serve's decision log, YAML; a record the old version rejects is an error
# with its line.
head -n 200 "$SRC/policies/qlik/deadlines.ndjson" > "$W/cases.ndjson"
run 3 "$PAIR/old.policy" "$PAIR/new.policy" --cases "$W/cases.ndjson" --format json
python3 - "$W/out" "$W/cases.ndjson" "$W/log.ndjson" <<'EOF' || fail "--cases"
import json, sys
r = json.load(open(sys.argv[1]))
c = r["cases"]
assert c["total"] == 200, c
assert c["changed"] == c["by_decision"].get("initial_response_due", 0) + c["rejected_by_new"], c
# The same records as serve's decision log lines.
with open(sys.argv[2]) as f, open(sys.argv[3], "w") as out:
    for line in f:
        out.write(json.dumps({"ts": "2026-12-04T00:00:00Z", "input": json.loads(line), "decisions": {}}) + "\n")
EOF
cp "$W/out" "$W/from_ndjson.json"
run 3 "$PAIR/old.policy" "$PAIR/new.policy" --cases "$W/log.ndjson" --format json
python3 - "$W/out" "$W/from_ndjson.json" <<'EOF' || fail "--cases with a decision log"
import json, sys
a, b = json.load(open(sys.argv[1]))["cases"], json.load(open(sys.argv[2]))["cases"]
assert a == b, (a, b)
EOF
# YAML: one document per record.
python3 - "$W/cases.ndjson" "$W/cases.yaml" <<'EOF'
import json, sys
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as out:
    for line in list(f)[:20]:
        out.write("---\n" + json.dumps(json.loads(line)) + "\n")
EOF
run 3 "$PAIR/old.policy" "$PAIR/new.policy" --cases "$W/cases.yaml" --format json
python3 -c "import json,sys; c=json.load(open(sys.argv[1]))['cases']; assert c['total'] == 20, c" "$W/out" ||
  fail "--cases with YAML: $(cat "$W/out")"
printf '{"contract": {}}\n' > "$W/bad.ndjson"
run 1 "$PAIR/old.policy" "$PAIR/new.policy" --cases "$W/bad.ndjson"
grep -q "bad.ndjson:1: contract" "$W/err" || fail "bad record: $(cat "$W/err")"
run 1 "$PAIR/old.policy" "$PAIR/new.policy" --cases "$W/nosuch.ndjson"
# A decision log of other policies only: nothing to replay, said with the policy's name.
printf '%s\n' '{"policy": "bench.triage", "input": {"case": {}}, "output": {"decisions": {}}}' > "$W/others.ndjson"
run 1 "$PAIR/old.policy" "$PAIR/new.policy" --cases "$W/others.ndjson"
grep -q "others.ndjson holds no input of policy \`qlik.oem_maintenance\`" "$W/err" ||
  fail "a log of other policies: $(cat "$W/err")"

# --git: a repository with a modified, an added, a removed and a renamed policy.
G="$W/repo"
mkdir -p "$G"
(
  cd "$G"
  git init -q
  git config user.email ci@example.com
  git config user.name CI
  cp "$PAIR/old.policy" qlik.policy
  cp "$SRC/policies/portrait/support.policy" portrait.policy
  cp "$SRC/policies/bench/triage.policy" triage.policy
  git add . && git commit -qm base
  cp "$PAIR/new.policy" qlik.policy
  git rm -q portrait.policy
  git mv triage.policy triage-renamed.policy
  cp "$SRC/policies/ciq/eula_sla.policy" ciq.policy
  git add ciq.policy
)
(cd "$G" && "$PROVISO" diff --git HEAD --format json > "$W/out" 2> "$W/err") && status=0 || status=$?
[ "$status" = 3 ] || fail "diff --git exited with $status: $(cat "$W/err")"
python3 - "$W/out" <<'EOF' || fail "--git report: $(cat "$W/out")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["equivalent"] is False
files = {f["path"]: f for f in r["files"]}
assert files["qlik.policy"]["file_status"] == "modified" and files["qlik.policy"]["equivalent"] is False
assert files["portrait.policy"]["file_status"] == "removed"
assert files["ciq.policy"]["file_status"] == "added"
t = files["triage-renamed.policy"]
assert t["file_status"] == "renamed" and t["old_path"] == "triage.policy" and t["equivalent"] is True, t
EOF
# --fail-on breaking: changed decisions and added or removed files do not fail the run.
(cd "$G" && "$PROVISO" diff --git HEAD --fail-on breaking --format json > "$W/out" 2> "$W/err") && status=0 || status=$?
[ "$status" = 0 ] || fail "diff --git HEAD --fail-on breaking exited with $status: $(cat "$W/err")"
python3 -c "import json,sys; assert json.load(open(sys.argv[1]))['equivalent'] is False" "$W/out" ||
  fail "--fail-on changed the report's equivalent"
(cd "$G" && "$PROVISO" diff --git HEAD triage-renamed.policy triage.policy > "$W/out" 2> "$W/err") && status=0 || status=$?
[ "$status" = 0 ] || fail "diff --git HEAD on the renamed file exited with $status: $(cat "$W/out" "$W/err")"
(cd "$G" && "$PROVISO" diff --git nosuchrev > "$W/out" 2> "$W/err") && status=0 || status=$?
[ "$status" = 1 ] || fail "diff --git nosuchrev exited with $status"
grep -q 'git diff failed' "$W/err" || fail "bad revision: $(cat "$W/err")"
# Module files: two versions of a policy side by side, each with the modules beside it; the
# second answers gold tickets in 2 working hours instead of 1.
MODS="$SRC/tests/policies/modules"
for v in v1 v2; do
  mkdir -p "$W/$v/lib"
  cp "$MODS/support_terms.policy" "$W/$v/support.policy"
  cp "$MODS/lib/"*.policy "$W/$v/lib/"
done
sed -i 's/= 1 business hour$/= 2 business hours/' "$W/v2/lib/hours.policy"
grep -q '= 2 business hours$' "$W/v2/lib/hours.policy" || fail "the module fixture changed: edit this test"
run 0 "$W/v1/support.policy" "$W/v1/support.policy"
run 3 "$W/v1/support.policy" "$W/v2/support.policy" --format json
python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['decisions'][0]; assert d['name']=='respond_by' and d['status']=='changed', d" "$W/out" ||
  fail "two versions with modules: $(cat "$W/out")"
# --git when only the module changed: the policy is compared too, its old version with the
# modules of the revision (with the working tree's, it would be equivalent).
M="$W/modrepo"
mkdir -p "$M"
cp -r "$W/v1/." "$M/"
(
  cd "$M"
  git init -q
  git config user.email ci@example.com
  git config user.name CI
  git add . && git commit -qm base
  cp "$W/v2/lib/hours.policy" lib/hours.policy
)
(cd "$M" && "$PROVISO" diff --git HEAD --format json > "$W/out" 2> "$W/err") && status=0 || status=$?
[ "$status" = 3 ] || fail "diff --git with a changed module exited with $status: $(cat "$W/err")"
python3 - "$W/out" <<'EOF' || fail "--git with a changed module: $(cat "$W/out")"
import json, sys
files = {f["path"]: f for f in json.load(open(sys.argv[1]))["files"]}
assert files["lib/hours.policy"]["file_status"] == "modified", files
s = files["support.policy"]
assert s["file_status"] == "unchanged" and s["changed_imports"] == ["lib/hours.policy"], s
assert s["equivalent"] is False and s["decisions"][0]["status"] == "changed", s
EOF
(cd "$M" && "$PROVISO" diff --git HEAD --color never > "$W/out" 2> "$W/err") && status=0 || status=$?
[ "$status" = 3 ] || fail "diff --git (text) with a changed module exited with $status: $(cat "$W/err")"
grep -q '^support.policy: unchanged, but it imports lib/hours.policy, which changed$' "$W/out" ||
  fail "--git text with a changed module: $(cat "$W/out" "$W/err")"
# A pair no solver decides quickly ends by --timeout with unknown (the guard of 60 s only
# catches a hang; it is not a speed claim).
P="$SRC/tests/diff/pathological"
status=0
timeout 60 "$PROVISO" diff "$P/old.policy" "$P/new.policy" --timeout 2 --format json > "$W/out" 2> "$W/err" || status=$?
[ "$status" = 3 ] || fail "pathological pair exited with $status: $(cat "$W/err")"
python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['decisions'][0]; assert d['status']=='unknown' and 'time' in d['reason'], d" "$W/out" ||
  fail "pathological pair: $(cat "$W/out")"
echo "ok"
