#!/usr/bin/env python3
"""The dependency rules of docs/ARCHITECTURE.md, checked on the code: every #include of every
source file outside the tests must point to a part its part may use, and the third-party
libraries that are one part's business (LLVM, PEGTL, CLI11, Nettle) stay in that part.
Usage: architecture.py SOURCE_DIR"""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.getcwd()

# part -> the parts it may include (itself always allowed). A part is a folder; the public
# API is `include`, the runtime's public headers count as `runtime`.
ALLOWED = {
    "runtime": set(),
    "compiler/ast": set(),
    "grammar": {"compiler/ast"},
    "compiler/ir": {"compiler/ast", "runtime"},
    "compiler/sema": {"compiler/ast", "compiler/ir", "runtime"},
    "compiler/interp": {"compiler/ir", "runtime"},
    "compiler/records": {"compiler/ir", "runtime"},
    "compiler/explain": {"compiler/ir", "compiler/records", "runtime"},
    "compiler/format": {"compiler/ast", "grammar"},
    "compiler/driver": {"compiler/ast", "grammar", "compiler/sema", "compiler/ir", "compiler/interp",
                        "compiler/records", "compiler/explain", "stdlib", "runtime"},
    "compiler/jit": {"compiler/ir", "compiler/interp", "runtime"},
    "compiler/diff": {"compiler/ir", "compiler/interp", "compiler/records", "stdlib", "runtime"},
    "stdlib": set(),
    "include": set(),
    "api": {"include", "compiler/ast", "compiler/ir", "compiler/sema", "compiler/interp", "compiler/records",
            "compiler/explain", "compiler/driver", "compiler/jit", "runtime"},
    "tools": {"include", "compiler/ast", "compiler/ir", "compiler/sema", "compiler/interp", "compiler/records",
              "compiler/explain", "compiler/format", "compiler/driver", "compiler/jit", "compiler/diff", "runtime",
              "server", "lsp"},
    # `proviso serve` evaluates through the C++ API only; the diff's tool_info gives the log's versions.
    "server": {"include", "compiler/diff"},
    # `proviso lsp` answers from the compiler's own services: the checker's index, the
    # formatter, the test runner and the interpreter.
    "lsp": {"compiler/ast", "grammar", "compiler/sema", "compiler/ir", "compiler/interp", "compiler/records",
            "compiler/explain", "compiler/format", "compiler/driver", "runtime"},
    "bench": None,  # benchmarks and tests may use anything
}
# Third-party include prefixes that belong to one part only.
EXCLUSIVE = {"llvm/": {"compiler/jit"}, "tao/": {"grammar"}, "CLI/": {"tools"},
             "nettle/": {"compiler/jit", "compiler/diff", "api"}, "z3": {"compiler/diff"}, "boost/": {"server"}}


def part_of(path):
    for part in sorted(ALLOWED, key=len, reverse=True):
        if path == part or path.startswith(part + "/"):
            return part
    return None


def target_part(include, including_file):
    if include.startswith("proviso/rt/"):
        return "runtime"
    if include.startswith("proviso/"):
        return "include"
    if include.startswith("compiler/"):
        return "/".join(include.split("/")[:2])
    first = include.split("/")[0]
    if first in ("grammar", "stdlib", "tools", "runtime", "api", "bench", "server", "lsp"):
        return first
    # A header beside the file (runtime/src/civil.h from runtime/src/time.cpp).
    if "/" not in include and os.path.exists(os.path.join(os.path.dirname(including_file), include)):
        return part_of(os.path.relpath(os.path.dirname(including_file), root))
    return None  # the standard library or a third-party library


problems = []
files = 0
for top in ALLOWED:
    base = os.path.join(root, top)
    if not os.path.isdir(base):
        continue
    for dirpath, _, names in os.walk(base):
        for name in names:
            if not name.endswith((".cpp", ".h", ".hpp")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            part = part_of(rel)
            if part is None:
                continue
            files += 1
            with open(path, encoding="utf-8", errors="replace") as f:
                for number, line in enumerate(f, 1):
                    m = re.match(r'\s*#\s*include\s*[<"]([^>"]+)[>"]', line)
                    if not m:
                        continue
                    inc = m.group(1)
                    for prefix, owners in EXCLUSIVE.items():
                        if inc.startswith(prefix) and part not in owners and ALLOWED[part] is not None:
                            problems.append(f"{rel}:{number}: includes {inc}, which only {', '.join(sorted(owners))} may use")
                    target = target_part(inc, path)
                    if target is None or target == part or ALLOWED[part] is None:
                        continue
                    if target not in ALLOWED[part]:
                        problems.append(f"{rel}:{number}: {part} may not include {inc} (part {target})")

if files < 50:
    sys.exit(f"FAIL: only {files} source files found under {root}")
for p in problems:
    print(p)
if problems:
    sys.exit(f"FAIL: {len(problems)} includes break the dependency rules (docs/ARCHITECTURE.md)")
print(f"ok: {files} files follow the dependency rules")
