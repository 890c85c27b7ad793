#!/usr/bin/env bash
# Static checks with the Debian clang tools (clang-tidy-14, clang-format-14):
#   scripts/lint.sh tidy [FILE.cpp...]   clang-tidy (.clang-tidy) with build-lint/compile_commands.json
#                                        over every project .cpp (or the files given); any finding
#                                        fails; results are cached by content (run-clang-tidy.py)
#   scripts/lint.sh format-check         clang-format (.clang-format) on scripts/format-files.txt
#   scripts/lint.sh format [FILE...]     rewrites the listed files (and the files given) in place
# Only the files in scripts/format-files.txt are checked for layout: the rest of the tree
# predates .clang-format and is being edited by others; add a file to the list after
# `scripts/lint.sh format FILE` (one reviewed diff per file).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-$(nproc)}"
CLANG_TIDY="${CLANG_TIDY:-$(command -v clang-tidy-14 || command -v clang-tidy)}"
CLANG_FORMAT="${CLANG_FORMAT:-$(command -v clang-format-14 || command -v clang-format)}"
FORMAT_LIST=scripts/format-files.txt

listed_files() {
  grep -vE '^\s*(#|$)' "$FORMAT_LIST" | while read -r f; do
    if [ -f "$f" ]; then echo "$f"; else echo "lint: $FORMAT_LIST names a missing file: $f" >&2; fi
  done
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
  tidy)
    BUILD="${BUILD_LINT:-build-lint}"
    # Configure only: clang-tidy needs the compile commands, not the objects.
    cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
    if [ $# -gt 0 ]; then
      files=("$@")
    else
      mapfile -t files < <(python3 -c '
import json, os, sys
root = os.getcwd() + "/"
for e in json.load(open(sys.argv[1])):
    f = os.path.normpath(os.path.join(e["directory"], e["file"]))
    rel = f[len(root):]
    if f.startswith(root) and rel.split("/")[0] in ("api", "compiler", "grammar", "runtime", "tools", "tests", "bench"):
        print(f[len(root):])
' "$BUILD/compile_commands.json" | sort -u)
    fi
    echo "lint: clang-tidy on ${#files[@]} files ($JOBS at a time)"
    # Cached by preprocessed content: see scripts/run-clang-tidy.py.
    python3 scripts/run-clang-tidy.py --clang-tidy "$CLANG_TIDY" -p "$BUILD" -j "$JOBS" "${files[@]}"
    ;;
  format-check)
    mapfile -t files < <(listed_files)
    if ! "$CLANG_FORMAT" --dry-run --Werror "${files[@]}"; then
      echo "lint: these files are not formatted; run \`make format\`"
      exit 1
    fi
    echo "lint: clang-format clean (${#files[@]} files)"
    ;;
  format)
    mapfile -t files < <(listed_files)
    files+=("$@")
    "$CLANG_FORMAT" -i "${files[@]}"
    echo "lint: formatted ${#files[@]} files"
    ;;
  *)
    sed -n '2,9p' "$0"
    exit 2
    ;;
esac
