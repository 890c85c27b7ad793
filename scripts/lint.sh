#!/usr/bin/env bash
# Static checks with the Debian clang tools (clang-tidy-14, clang-format-14):
#   scripts/lint.sh tidy [FILE.cpp...]   clang-tidy (.clang-tidy) with build-lint/compile_commands.json
#                                        over every project .cpp (or the files given); any finding
#                                        fails; results are cached by content (run-clang-tidy.py)
#   scripts/lint.sh format-check         clang-format (.clang-format) on every C/C++ file in git
#   scripts/lint.sh format [FILE...]     rewrites those files (or only the files given) in place
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-$(nproc)}"
CLANG_TIDY="${CLANG_TIDY:-$(command -v clang-tidy-14 || command -v clang-tidy)}"
CLANG_FORMAT="${CLANG_FORMAT:-$(command -v clang-format-14 || command -v clang-format)}"
# Every C/C++ source the project keeps in git (generated and third-party code is not in git).
formatted_files() {
  git ls-files -- '*.cpp' '*.h' '*.hpp' '*.c'
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
    if f.startswith(root) and rel.split("/")[0] in ("api", "compiler", "grammar", "runtime", "server", "lsp", "tools", "tests", "bench"):
        print(f[len(root):])
' "$BUILD/compile_commands.json" | sort -u)
    fi
    echo "lint: clang-tidy on ${#files[@]} files ($JOBS at a time)"
    # Cached by preprocessed content: see scripts/run-clang-tidy.py.
    python3 scripts/run-clang-tidy.py --clang-tidy "$CLANG_TIDY" -p "$BUILD" -j "$JOBS" "${files[@]}"
    ;;
  format-check)
    mapfile -t files < <(formatted_files)
    if ! "$CLANG_FORMAT" --dry-run --Werror "${files[@]}"; then
      echo "lint: these files are not formatted; run \`make format\`"
      exit 1
    fi
    echo "lint: clang-format clean (${#files[@]} files)"
    ;;
  format)
    if [ $# -gt 0 ]; then files=("$@"); else mapfile -t files < <(formatted_files); fi
    # clang-format rewrites any file it is given, and mangles what is not C or C++ (Python).
    for f in "${files[@]}"; do
      case "$f" in
        *.cpp | *.h | *.hpp | *.c) ;;
        *) echo "lint: $f is not a C or C++ file; clang-format would mangle it" >&2; exit 2 ;;
      esac
    done
    "$CLANG_FORMAT" -i "${files[@]}"
    echo "lint: formatted ${#files[@]} files"
    ;;
  *)
    sed -n '2,7p' "$0"
    exit 2
    ;;
esac
