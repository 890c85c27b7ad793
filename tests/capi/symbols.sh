#!/usr/bin/env bash
# The ABI of libproviso.so against the two committed baselines (scripts/update-symbols.sh
# writes both):
# - it exports exactly the symbols of api/libproviso.symbols (the C API and the proviso:: C++
#   API; the toolchain's own vague-linkage std:: symbols are not counted): a symbol that
#   disappears or changes breaks callers, and one that appears must be added to the baseline
#   in the same commit;
# - with ABI_VIEW (the C API's objects linked alone, build/abi/libproviso.so.1: see
#   api/packaging.cmake), its C API keeps the functions and types of api/libproviso.abi:
#   abi-dumper dumps the view's debug information for include/proviso/proviso.h, and
#   abi-compliance-checker fails on any binary or source incompatibility (a function removed
#   or changed, a parameter, field or enumerator changed). Added functions, types and
#   enumerators pass, and so do fields added at the end of a struct that starts with
#   struct_size (reported as warnings).
# Usage: symbols.sh LIB BASELINE [ABI_VIEW ABI_BASELINE HEADER WORK_DIR]
set -euo pipefail
LIB="$1"
BASELINE="$2"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
exported() {  # LIB: the exported proviso symbols, demangled, sorted
  nm -D --defined-only "$1" | awk '{print $NF}' | c++filt | grep -E '^(proviso|PROVISO)' | LC_ALL=C sort -u
}
actual="$(exported "$LIB")"
if ! diff <(cat "$BASELINE") <(echo "$actual") > /tmp/proviso-symbols.$$; then
  echo "FAIL: the exported symbols of $LIB differ from $BASELINE (< baseline, > built):" >&2
  cat /tmp/proviso-symbols.$$ >&2
  rm -f /tmp/proviso-symbols.$$
  echo "If the change is meant, run scripts/update-symbols.sh and commit both baselines with it." >&2
  exit 1
fi
rm -f /tmp/proviso-symbols.$$
echo "ok: $(echo "$actual" | wc -l) symbols as in the baseline"
[ $# -ge 6 ] || exit 0

VIEW="$3"
ABI_BASELINE="$4"
HEADER="$5"
W="$6"
rm -rf "$W"
mkdir -p "$W"
for tool in abi-dumper abi-compliance-checker; do
  command -v "$tool" > /dev/null || fail "$tool is not installed (scripts/install-deps.sh installs it)"
done
# The view holds every C function the library exports: one defined elsewhere than the C API's
# own sources would escape the comparison.
missing="$(comm -23 <(exported "$LIB" | grep -v ':') <(exported "$VIEW" | grep -v ':'))"
[ -z "$missing" ] || fail "C functions of $LIB missing from the ABI view $VIEW: $missing"
realpath "$HEADER" > "$W/headers.list"
abi-dumper "$VIEW" -o "$W/built.abi" -lver built -public-headers "$W/headers.list" -sort -quiet > "$W/dump.log" 2>&1 ||
  fail "abi-dumper: $(cat "$W/dump.log")"
status=0
abi-compliance-checker -l proviso -old "$ABI_BASELINE" -new "$W/built.abi" -report-format xml \
  -report-path "$W/report.xml" > "$W/check.log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  [ "$status" -eq 1 ] || fail "abi-compliance-checker exited with $status: $(cat "$W/check.log")"
  echo "FAIL: the C API is incompatible with $ABI_BASELINE:" >&2
  python3 - "$W/report.xml" >&2 <<'EOF'
import re, sys, xml.etree.ElementTree as ET
text = re.sub(r"^\s*<\?xml[^>]*\?>", "", open(sys.argv[1]).read())
# Two <report> elements, binary then source, under one root.
root = ET.fromstring(text if text.lstrip().startswith("<reports") else "<reports>" + text + "</reports>")
for report in root.iter("report"):
    kind = report.get("kind")
    for name in report.iterfind("removed_symbols//name"):
        print(f"  {kind}: removed {name.text}")
    for group in report:
        severity = group.get("severity")
        if not group.tag.startswith("problems_with_") or severity == "Safe":
            continue
        for owner in group.iter():
            if owner.tag not in ("symbol", "type"):
                continue
            for problem in owner.iterfind("problem"):
                for change in problem.iterfind("change"):
                    line = re.sub(r"@(\w+)", lambda m: change.get(m.group(1), m.group(0)), change.text or "")
                    print(f"  {kind}, {severity}: {owner.get('name')}: {line}")
EOF
  echo "Report: $W/report.xml. If the change is meant (and PROVISO_ABI_VERSION and the SONAME rise" >&2
  echo "when it breaks callers), run scripts/update-symbols.sh and commit both baselines with it." >&2
  exit 1
fi
echo "ok: the C API is compatible with $ABI_BASELINE ($(grep -o 'Total binary compatibility problems: .*' "$W/check.log"))"
