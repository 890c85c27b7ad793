#!/usr/bin/env bash
# `proviso fmt --fix` rewrites what this version of the language refuses and earlier ones
# accepted (docs/DIAGNOSTICS.md P0084, P0085), keeping the old meaning of `1 day` as working
# time: the fixed policy checks and gives the deadline it gave before.
# Usage: fmt_fix.sh PROVISO WORK_DIR
set -euo pipefail
PROVISO="$1"
W="$2"
rm -rf "$W"
mkdir -p "$W"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
cat > "$W/old.policy" <<'POLICY'
policy t.old "Written for an earlier version"
  source "none"
  effective 2026-01-01
  home zone zone "UTC"

input case { severity: integer 1..2, minutes: integer 0..600, reported_at: datetime }

calendar office  clause "2"
  Monday to Friday 09:00-17:00
  in zone "UTC"
  business day 8 hours

table response  clause "5"
  given case.severity as severity
  gives wait: business duration
  | 1 | 4 business hours |
  | 2 | 1 day |

decision due: datetime  clause "5" = case.reported_at + response.wait in office
decision penalty: decimal  clause "7" = case.minutes * 2 * 25%
POLICY
cp "$W/old.policy" "$W/before.policy"

if "$PROVISO" check "$W/old.policy" 2> "$W/check.err"; then fail "check accepted the old forms"; fi
grep -q 'P0084 days-as-working-time' "$W/check.err" || fail "no P0084: $(cat "$W/check.err")"
grep -q 'P0085 percent-product' "$W/check.err" || fail "no P0085: $(cat "$W/check.err")"

# --check with --fix changes nothing and says the file would change.
if "$PROVISO" fmt --fix --check "$W/old.policy" > "$W/check.out" 2> /dev/null; then fail "--fix --check exited 0"; fi
cmp -s "$W/old.policy" "$W/before.policy" || fail "--fix --check changed the file"
grep -q 'old.policy' "$W/check.out" || fail "--fix --check did not name the file"

# --stdout prints the fixed text; the file stays.
"$PROVISO" fmt --fix --stdout "$W/old.policy" > "$W/fixed.txt" 2> /dev/null
cmp -s "$W/old.policy" "$W/before.policy" || fail "--fix --stdout changed the file"
grep -q '| 2 | 24 business hours |' "$W/fixed.txt" || fail "the table cell was not rewritten: $(cat "$W/fixed.txt")"
grep -q 'decision penalty: decimal  clause "7" = 25% of (case.minutes \* 2)' "$W/fixed.txt" ||
  fail "the product was not rewritten: $(cat "$W/fixed.txt")"

# In place: the note counts the edits, the result checks, and the deadline is the old one
# (24 working hours of an 8-hour calendar: three business days).
"$PROVISO" fmt --fix "$W/old.policy" 2> "$W/fix.err"
grep -q "proviso: note: .*old.policy: 2 edits by --fix" "$W/fix.err" || fail "no note: $(cat "$W/fix.err")"
"$PROVISO" check "$W/old.policy" || fail "the fixed policy does not check"
echo '{"case": {"severity": 2, "minutes": 10, "reported_at": "2026-01-05T10:00:00Z"}}' > "$W/case.json"
out="$("$PROVISO" eval "$W/old.policy" --input "$W/case.json")"
[ "$out" = '{"decisions":{"due":"2026-01-08T10:00:00+00:00","penalty":"5.00"}}' ] || fail "eval after --fix: $out"

# A second run has nothing to fix and changes nothing.
cp "$W/old.policy" "$W/once.policy"
"$PROVISO" fmt --fix "$W/old.policy" 2> "$W/again.err"
[ ! -s "$W/again.err" ] || fail "second --fix printed: $(cat "$W/again.err")"
cmp -s "$W/old.policy" "$W/once.policy" || fail "second --fix changed the file"
# A rewrite can expose another: `25% * 2 * 3%` hides the outer product behind the inner one
# until the inner is `25% of 2`; both are rewritten, in two rounds.
cat > "$W/nested.policy" <<'POLICY'
policy t.nested "Nested"
input case { n: integer 0..9 }
decision d: decimal  clause "1" = 25% * case.n * 3%
POLICY
"$PROVISO" fmt --fix "$W/nested.policy" 2> "$W/nested.err"
grep -q 'decision d: decimal  clause "1" = 3% of (25% of case.n)' "$W/nested.policy" ||
  fail "nested products: $(cat "$W/nested.policy")"
grep -q "2 edits by --fix" "$W/nested.err" || fail "nested note: $(cat "$W/nested.err")"
"$PROVISO" check "$W/nested.policy" || fail "the nested fix does not check"

# A file that does not parse: nothing to fix, the parse error with its place, exit 1, untouched.
printf 'policy t.bad "Bad"\ndecision d: integer  clause "1" = 1 day +\n' > "$W/bad.policy"
cp "$W/bad.policy" "$W/bad.before"
if "$PROVISO" fmt --fix "$W/bad.policy" 2> "$W/bad.err"; then fail "--fix on a broken file exited 0"; fi
grep -q 'bad.policy:3:1: error: expected an expression after `+`' "$W/bad.err" || fail "no place in: $(cat "$W/bad.err")"
cmp -s "$W/bad.policy" "$W/bad.before" || fail "--fix changed a file that does not parse"
echo "fmt --fix: ok"
