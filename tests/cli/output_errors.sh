#!/usr/bin/env bash
# Output that cannot be written is an error, never silent: a full disk (/dev/full), a closed
# standard output, and a closed pipe with SIGPIPE ignored each give `proviso: error: cannot
# write output: REASON` and exit 1, for eval, fmt --stdout, doc and test; eval stops at once.
# Usage: output_errors.sh PROVISO SOURCE_DIR WORK_DIR
set -euo pipefail
PROVISO="$1"
SRC="$2"
W="$3"
rm -rf "$W"
mkdir -p "$W"
export XDG_CACHE_HOME="$W/cache"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
policy="$SRC/policies/qlik/oem_maintenance.policy"
input="$SRC/policies/qlik/deadlines.ndjson"

# expect_write_error NAME REASON COMMAND...: runs COMMAND (stdout already redirected by the
# caller's wrapper) and checks exit 1 and the message.
check() {
  local name="$1" reason="$2" rc="$3"
  local err
  err="$(cat "$W/err")"
  [ "$rc" = 1 ] || fail "$name: exit $rc, stderr: $err"
  [ "$err" = "proviso: error: cannot write output: $reason" ] || fail "$name: stderr: $err"
}

commands=(
  "eval|$PROVISO eval $policy --input $input"
  "eval --explain|$PROVISO eval $policy --input $SRC/policies/qlik/examples/basic_london_christmas_eve.json --explain"
  "fmt --stdout|$PROVISO fmt --stdout $policy"
  "doc|$PROVISO doc $policy"
  "test|$PROVISO test --engine interp $SRC/policies/bench/triage.policy"
  "--help|$PROVISO --help"
)
for entry in "${commands[@]}"; do
  name="${entry%%|*}"
  cmd="${entry#*|}"
  rc=0
  # shellcheck disable=SC2086
  $cmd >/dev/full 2>"$W/err.full" || rc=$?
  grep -v '^\(  \|[a-z_]* = \|-- \|$\)' "$W/err.full" | grep -v 'because:$' > "$W/err" || true
  check "$name > /dev/full" "no space left on device" "$rc"
  rc=0
  # shellcheck disable=SC2086
  $cmd >&- 2>"$W/err.full" || rc=$?
  grep -v '^\(  \|[a-z_]* = \|-- \|$\)' "$W/err.full" | grep -v 'because:$' > "$W/err" || true
  check "$name >&-" "standard output is closed" "$rc"
done

# With SIGPIPE ignored, a reader that goes away stops the run: eval notices the broken pipe,
# says so and exits 1 without evaluating the rest of a long input.
python3 - "$PROVISO" "$policy" "$input" "$W" <<'PY'
import signal, subprocess, sys, time
proviso, policy, source, work = sys.argv[1:5]
big = f"{work}/big.ndjson"
with open(source, "rb") as f:
    lines = f.read()
with open(big, "wb") as f:
    for _ in range(100):  # 200,000 records
        f.write(lines)
signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # inherited by the child
start = time.time()
p = subprocess.Popen([proviso, "eval", policy, "--input", big], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                     restore_signals=False)
p.stdout.readline()
p.stdout.close()
err = p.stderr.read().decode()
rc = p.wait()
elapsed = time.time() - start
if rc != 1 or err != "proviso: error: cannot write output: broken pipe\n":
    sys.exit(f"FAIL: closed pipe: exit {rc}, stderr {err!r}")
print(f"closed pipe: exit 1 after {elapsed:.2f} s")
PY
echo ok
