#!/usr/bin/env bash
# `proviso fmt` rewrites a policy in place without changing what the file is: its mode stays
# (a 0600 policy stays private), a symbolic link stays a link and its target is rewritten, and
# no temporary file is left behind.
# Usage: fmt_files.sh PROVISO WORK_DIR
set -euo pipefail
PROVISO="$1"
W="$2"
rm -rf "$W"
mkdir -p "$W/real"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
messy='policy t.p "T"
input x {   a: integer }
decision   d: integer   =   x.a+1
'
printf '%s' "$messy" > "$W/real/private.policy"
chmod 0600 "$W/real/private.policy"
"$PROVISO" fmt "$W/real/private.policy"
[ "$(stat -c %a "$W/real/private.policy")" = 600 ] || fail "mode became $(stat -c %a "$W/real/private.policy")"
grep -q 'decision d: integer = x.a + 1' "$W/real/private.policy" || fail "not formatted: $(cat "$W/real/private.policy")"

printf '%s' "$messy" > "$W/real/target.policy"
chmod 0640 "$W/real/target.policy"
ln -s real/target.policy "$W/link.policy"
"$PROVISO" fmt "$W/link.policy"
[ -L "$W/link.policy" ] || fail "the link was replaced by a regular file"
[ "$(readlink "$W/link.policy")" = real/target.policy ] || fail "the link changed"
grep -q 'decision d: integer = x.a + 1' "$W/real/target.policy" || fail "the target was not formatted"
[ "$(stat -c %a "$W/real/target.policy")" = 640 ] || fail "target mode became $(stat -c %a "$W/real/target.policy")"

leftovers="$(find "$W" -name '*proviso*' | wc -l)"
[ "$leftovers" = 0 ] || fail "temporary files left: $(find "$W" -name '*proviso*')"

# An unwritable directory: a clear error, the file untouched.
printf '%s' "$messy" > "$W/real/locked.policy"
if [ "$(id -u)" != 0 ]; then
  chmod 0555 "$W/real"
  rc=0
  "$PROVISO" fmt "$W/real/locked.policy" 2>"$W/err" || rc=$?
  chmod 0755 "$W/real"
  [ "$rc" = 1 ] || fail "unwritable directory: exit $rc"
  grep -q "^proviso: error: cannot write $W/real/locked.policy: permission denied" "$W/err" || fail "$(cat "$W/err")"
else
  echo "skipped: as root, a read-only directory is writable"
fi
echo ok
