#!/usr/bin/env bash
# Writes api/libproviso.symbols from a built libproviso.so: run it when the exported API
# changes on purpose, and commit the result with the change.
# Usage: scripts/update-symbols.sh [build/lib/libproviso.so]
set -euo pipefail
cd "$(dirname "$0")/.."
LIB="${1:-build/lib/libproviso.so}"
nm -D --defined-only "$LIB" | awk '{print $NF}' | c++filt | grep -E '^(proviso|PROVISO)' | LC_ALL=C sort -u > api/libproviso.symbols
echo "api/libproviso.symbols: $(wc -l < api/libproviso.symbols) symbols"
