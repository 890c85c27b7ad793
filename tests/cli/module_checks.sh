# Checks shared by the tests of the command's modules (llvm_module.sh, diff_module.sh), which
# source this file after defining fail().

# module_imports_defined PROVISO MODULE WORK_DIR: every symbol MODULE imports is defined by the
# command or by a library the module needs (else loading it fails).
module_imports_defined() {
  local proviso="$1" module="$2" work="$3" missing
  {
    nm -D --defined-only "$proviso"
    for lib in $(ldd "$module" | awk '/=>/ { print $3 }'); do nm -D --defined-only "$lib"; done
  } | awk '{ print $3 }' | sed 's/@.*//' | sort -u >"$work/defined"
  missing="$(nm -D --undefined-only "$module" | awk '{ print $2 }' | sed 's/@.*//' | sort -u |
    grep -v -E '^(_ITM_deregisterTMCloneTable|_ITM_registerTMCloneTable|__gmon_start__|__tls_get_addr)$' |
    comm -23 - "$work/defined")"
  [ -z "$missing" ] || fail "$(basename "$module") imports symbols nothing defines: $missing"
}

# stale_module PROVISO MODULE OUT: writes to OUT a copy of MODULE whose source hash (the one
# 64-digit hex string it shares with the command) is changed, as a module of another build's.
stale_module() {
  python3 - "$1" "$2" "$3" <<'PY' || fail "no source hash in $(basename "$2")"
import re, sys
program, module, out = (open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read(), sys.argv[3])
# A C string of exactly 64 hex digits (not a window of a longer run, such as fmt's digit table).
shared = [h for h in set(re.findall(rb"(?<![0-9a-f])[0-9a-f]{64}(?=\0)", module)) if h in program]
if len(shared) != 1:
    sys.exit(1)
h = shared[0]
open(out, "wb").write(module.replace(h, (b"0" if h[:1] != b"0" else b"1") + h[1:]))
PY
}
