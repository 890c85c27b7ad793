#!/usr/bin/env python3
"""Refreshes the printed diagnostics in docs/DIAGNOSTICS.md: for each entry with a ```policy
example, runs `proviso check example.policy` on it and writes what it prints into the ```text
block that follows. With --check, changes nothing and fails when a block is out of date.

Usage: scripts/diagnostics-docs.py [--check]   (PROVISO=path/to/proviso, default build/bin/proviso)
The Catch2 test tests/compiler/diagnostic_codes_test.cpp checks the same blocks on every build;
this script is how they are rewritten after a message changes (`make goldens` runs it).
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "DIAGNOSTICS.md")
HEADING = re.compile(r"^## (P\d{4}) ")


def printed(proviso, policy):
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "example.policy"), "w", encoding="utf-8") as f:
            f.write(policy)
        run = subprocess.run([proviso, "check", "example.policy"], cwd=tmp, capture_output=True, text=True)
        return run.stderr


def main():
    check = sys.argv[1:] == ["--check"]
    if sys.argv[1:] not in ([], ["--check"]):
        print(__doc__, file=sys.stderr)
        return 2
    proviso = os.path.abspath(os.environ.get("PROVISO", os.path.join(ROOT, "build", "bin", "proviso")))
    lines = open(DOC, encoding="utf-8").read().split("\n")
    out, stale = [], []
    entry, policy, i = None, None, 0
    while i < len(lines):
        line = lines[i]
        m = HEADING.match(line)
        if m:
            entry, policy = m.group(1), None
        if line == "```policy":
            end = lines.index("```", i + 1)
            policy = "\n".join(lines[i + 1:end]) + "\n"
            out.extend(lines[i:end + 1])
            i = end + 1
            continue
        if line == "```text" and policy is not None:
            end = lines.index("```", i + 1)
            old = "\n".join(lines[i + 1:end])
            new = printed(proviso, policy).rstrip("\n")
            if old != new:
                stale.append(entry)
            out.append(line)
            out.extend(new.split("\n"))
            out.append("```")
            policy = None
            i = end + 1
            continue
        out.append(line)
        i += 1
    if check:
        for e in stale:
            print(f"docs/DIAGNOSTICS.md: the printed diagnostic of {e} is out of date "
                  "(run scripts/diagnostics-docs.py)", file=sys.stderr)
        return 1 if stale else 0
    with open(DOC, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
