#!/usr/bin/env bash
# libproviso.so exports exactly the symbols of the committed baseline (the C API and the
# proviso:: C++ API; the toolchain's own vague-linkage std:: symbols are not counted): a symbol that disappears
# or changes breaks callers, and one that appears must be added to the baseline in the same
# commit (scripts/update-symbols.sh LIB writes it).
# Usage: symbols.sh LIB BASELINE
set -euo pipefail
LIB="$1"
BASELINE="$2"
actual="$(nm -D --defined-only "$LIB" | awk '{print $NF}' | c++filt | grep -E '^(proviso|PROVISO)' | LC_ALL=C sort -u)"
if ! diff <(cat "$BASELINE") <(echo "$actual") > /tmp/proviso-symbols.$$; then
  echo "FAIL: the exported symbols of $LIB differ from $BASELINE (< baseline, > built):" >&2
  cat /tmp/proviso-symbols.$$ >&2
  rm -f /tmp/proviso-symbols.$$
  exit 1
fi
rm -f /tmp/proviso-symbols.$$
echo "ok: $(echo "$actual" | wc -l) symbols as in the baseline"
