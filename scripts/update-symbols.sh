#!/usr/bin/env bash
# Writes both ABI baselines from a build, in one go: run it when the exported API changes on
# purpose, and commit the two files with the change (tests/capi/symbols.sh compares them).
# - api/libproviso.symbols: the symbols libproviso.so exports (C and C++ APIs);
# - api/libproviso.abi: the functions and types of the C API (include/proviso/proviso.h) as
#   abi-dumper reads them from the debug information of the C API's view
#   (BUILD/abi/libproviso.so.1, api/packaging.cmake).
# It first builds libproviso.so and the view. BUILD is a RelWithDebInfo build with g++ (the
# default `build`); a path to its lib/libproviso.so is accepted too.
# Usage: scripts/update-symbols.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:-build}"
if [ -f "$BUILD" ]; then BUILD="$(dirname "$(dirname "$BUILD")")"; fi
for tool in abi-dumper abi-compliance-checker; do
  command -v "$tool" > /dev/null || { echo "$tool is not installed: run scripts/install-deps.sh" >&2; exit 1; }
done
grep -q '^PROVISO_ABI_CHECK:INTERNAL=ON$' "$BUILD/CMakeCache.txt" 2> /dev/null || {
  echo "$BUILD is not a RelWithDebInfo build with g++ and the tests (where the baselines come from)" >&2
  exit 1
}
cmake --build "$BUILD" --target proviso_shared proviso_abi_view > /dev/null

nm -D --defined-only "$BUILD/lib/libproviso.so" | awk '{print $NF}' | c++filt | grep -E '^(proviso|PROVISO)' |
  LC_ALL=C sort -u > api/libproviso.symbols
echo "api/libproviso.symbols: $(wc -l < api/libproviso.symbols) symbols"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
realpath include/proviso/proviso.h > "$tmp/headers.list"
start=$SECONDS
abi-dumper "$BUILD/abi/libproviso.so.1" -o "$tmp/libproviso.abi" -lver baseline -public-headers "$tmp/headers.list" \
  -sort -quiet > "$tmp/log" 2>&1 || { cat "$tmp/log" >&2; exit 1; }
# The dump names the headers and sources by file name only, so it does not depend on the checkout.
mv "$tmp/libproviso.abi" api/libproviso.abi
echo "api/libproviso.abi: the C API of include/proviso/proviso.h ($((SECONDS - start)) s)"
# The new baseline must pass the check it is for.
bash tests/capi/symbols.sh "$BUILD/lib/libproviso.so" api/libproviso.symbols "$BUILD/abi/libproviso.so.1" \
  api/libproviso.abi include/proviso/proviso.h "$tmp/check" | sed 's/^/  /'
