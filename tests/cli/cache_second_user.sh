#!/usr/bin/env bash
# The JIT's object cache as another user sees it (docs/SECURITY.md). As root, the victim is
# `nobody` (uid 65534) and the attacker an unprivileged uid 12345, both run with setpriv on a
# copy of the binary (and of the JIT's module) in 0755 directories they can reach. Without root, only the checks that
# need no second user run, and the others are skipped with the reason printed.
# Usage: cache_second_user.sh PROVISO SOURCE_DIR WORK_DIR
set -euo pipefail
PROVISO="$1"
SRC="$2"
W="$3"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

rm -rf "$W"
mkdir -p "$W"
chmod 0755 "$W"
# The command and, where the build has it, the JIT's LLVM module, laid out as installed
# (bin/proviso, lib/proviso/libproviso-llvm.so): the command finds the module from its own place.
mkdir -p "$W/bin" "$W/lib/proviso"
chmod 0755 "$W/bin" "$W/lib" "$W/lib/proviso"
cp "$PROVISO" "$W/bin/proviso"
module="$(dirname "$PROVISO")/../lib/proviso/libproviso-llvm.so"
if [ -f "$module" ]; then
  cp "$module" "$W/lib/proviso/"
  chmod 0755 "$W/lib/proviso/libproviso-llvm.so"
fi
cp "$SRC/policies/qlik/oem_maintenance.policy" "$W/policy.policy"
cp "$SRC/policies/qlik/examples/basic_london_christmas_eve.json" "$W/input.json"
chmod 0755 "$W/bin/proviso"
chmod 0644 "$W/policy.policy" "$W/input.json"
expected="$("$W/bin/proviso" eval "$W/policy.policy" --input "$W/input.json" --no-cache)"

if [ "$(id -u)" = 0 ]; then
  victim=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  attacker=(setpriv --reuid=12345 --regid=12345 --clear-groups)
  second_user=1
else
  victim=()
  attacker=()
  second_user=0
  echo "skipped: the checks with a second user need root (to run as nobody and as an attacker uid)"
fi

# eval as the victim with XDG_CACHE_HOME=$1 (or, when $1 is HOME=..., with that home and no
# XDG_CACHE_HOME): checks the output, the exit status, and that stderr matches $2 (an extended
# regular expression).
victim_eval() {
  local where="$1" pattern="$2" out err rc=0 env_args
  case "$where" in
    HOME=*) env_args=("$where") ;;
    *) env_args=(HOME=/nonexistent "XDG_CACHE_HOME=$where") ;;
  esac
  out="$(env -i PATH=/usr/bin:/bin "${env_args[@]}" "${victim[@]}" \
    timeout 60 "$W/bin/proviso" eval "$W/policy.policy" --input "$W/input.json" --verbose 2>"$W/stderr")" || rc=$?
  err="$(cat "$W/stderr")"
  [ "$rc" = 0 ] || fail "exit $rc with $where: $err"
  [ "$out" = "$expected" ] || fail "wrong decisions with $where: $out"
  echo "$err" | grep -Eq -- "$pattern" || fail "with $where, stderr does not match /$pattern/: $err"
}

# A private cache under a root-owned sticky directory (as under /tmp) is used: written, then
# loaded.
mkdir -m 1777 "$W/tmp"
mkdir -m 0700 "$W/tmp/victim"
[ "$second_user" = 1 ] && chown 65534:65534 "$W/tmp/victim"
victim_eval "$W/tmp/victim" '^proviso: cache: compiled; wrote `'
victim_eval "$W/tmp/victim" '^proviso: cache: loaded `'
entry="$(ls "$W"/tmp/victim/proviso/*.pjo | head -1)"

# An entry the victim's own older proviso wrote (format 1, an unkeyed checksum): rebuilt.
python3 - "$entry" <<'EOF'
import struct, sys
path = sys.argv[1]
b = bytearray(open(path, "rb").read())
b[8:12] = struct.pack("<I", 1)
open(path, "wb").write(b)
EOF
victim_eval "$W/tmp/victim" 'the cache entry was stale: .* was made for another compiler or policy; rebuilt it'
# Flipped bytes in the object: refused by the MAC, rebuilt.
python3 - "$entry" <<'EOF'
import sys
path = sys.argv[1]
b = bytearray(open(path, "rb").read())
b[-100] ^= 0xff
open(path, "wb").write(b)
EOF
victim_eval "$W/tmp/victim" 'the cache entry was forged or altered: .*its MAC does not verify.*; rebuilt it'
victim_eval "$W/tmp/victim" '^proviso: cache: loaded `'

# A FIFO, a link to /dev/zero or a directory at the entry path: a miss, never a hang or an
# out-of-memory.
for planted in fifo zero directory; do
  rm -f "$entry"
  case "$planted" in
    fifo) mkfifo -m 0600 "$entry" ;;
    zero) ln -s /dev/zero "$entry" ;;
    directory) mkdir -m 0700 "$entry" ;;
  esac
  [ "$second_user" = 1 ] && chown -h 65534:65534 "$entry"
  if [ "$planted" = directory ]; then
    # A directory cannot be replaced by the new entry: the result is simply not cached.
    victim_eval "$W/tmp/victim" 'is not a regular file; rebuilt it; not cached: cannot write the cache entry'
    rmdir "$entry"
  else
    victim_eval "$W/tmp/victim" '(is not a regular file|it is a symbolic link); rebuilt it; wrote `'
  fi
done

# A world-writable cache directory is never used, and nothing is written into it.
mkdir -m 0777 "$W/open" "$W/open/proviso"
chmod 0777 "$W/open" "$W/open/proviso"
victim_eval "$W/open" "^proviso: cache: not using the cache: \`$W/open/proviso\` is writable by group or others \(mode 0777\)"
[ -z "$(ls -A "$W/open/proviso")" ] || fail "an untrusted cache directory was written: $(ls "$W/open/proviso")"

if [ "$second_user" = 1 ]; then
  # The attack of the hardening issue: the attacker prepares a cache directory where the
  # victim's proviso will look, and plants an entry (here one that the attacker's own
  # proviso compiled and signed for this policy, named as the victim's proviso would look it
  # up). The victim's proviso must neither load it nor use the directory.
  mkdir -m 0777 "$W/shared"
  mkdir -m 0700 "$W/attacker"
  chown 12345:12345 "$W/attacker"
  "${attacker[@]}" env -i PATH=/usr/bin:/bin HOME=/nonexistent XDG_CACHE_HOME="$W/attacker" \
    "$W/bin/proviso" eval "$W/policy.policy" --input "$W/input.json" >/dev/null
  planted="$(ls "$W"/attacker/proviso/*.pjo | head -1)"
  [ -n "$planted" ] || fail "the attacker's proviso wrote no entry"
  "${attacker[@]}" mkdir -m 0755 "$W/shared/proviso"
  "${attacker[@]}" cp "$planted" "$W/shared/proviso/"
  victim_eval "$W/shared" "not using the cache: \`$W/shared/proviso\` is owned by user 12345, not by you \(user 65534\)"
  # The same entry planted into a world-writable directory of the victim's.
  mkdir -m 0777 "$W/victim_open"
  chown 65534:65534 "$W/victim_open"
  mkdir -m 0777 "$W/victim_open/proviso"
  chown 65534:65534 "$W/victim_open/proviso"
  "${attacker[@]}" cp "$planted" "$W/victim_open/proviso/"
  victim_eval "$W/victim_open" "not using the cache: \`$W/victim_open/proviso\` is writable by group or others"
  # Without XDG_CACHE_HOME the cache is ~/.cache/proviso, checked up to $HOME: a ~/.cache
  # that the attacker owns, or that anyone can write, is refused.
  mkdir -m 0755 "$W/home"
  chown 65534:65534 "$W/home"
  "${victim[@]}" mkdir -m 0700 "$W/home/.cache"
  victim_eval "HOME=$W/home" '^proviso: cache: compiled; wrote `'
  chmod 0777 "$W/home/.cache"
  victim_eval "HOME=$W/home" "not using the cache: \`$W/home/.cache\` is writable by group or others"
  rm -rf "$W/home/.cache"
  mkdir -m 0755 "$W/home/.cache"
  chown 12345:12345 "$W/home/.cache"
  victim_eval "HOME=$W/home" "not using the cache: \`$W/home/.cache\` is owned by user 12345, not by you"
fi
echo "ok"
