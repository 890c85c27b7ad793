#!/usr/bin/env python3
"""Runs clang-tidy over files in parallel, with a result cache (scripts/lint.sh tidy).

clang-tidy costs 5 to 10 s per file here; its result depends only on the preprocessed file,
the configuration and the tool's version. So the key of a result is a hash of those (the
preprocessed text with the clone's path replaced, so every clone shares the cache), and an
unchanged file is not analysed twice. Cache: $PROVISO_TIDY_CACHE, else ~/.cache/proviso-clang-tidy.

Usage: run-clang-tidy.py --clang-tidy PATH -p BUILD_DIR [-j N] FILE...
Exit status 1 when any file has a finding (warnings are errors).
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import shlex
import subprocess
import sys

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), ".."))
PLACEHOLDER = "@PROVISO_ROOT@"


def compile_commands(build_dir):
    entries = {}
    with open(os.path.join(build_dir, "compile_commands.json")) as f:
        for e in json.load(f):
            path = os.path.realpath(os.path.join(e["directory"], e["file"]))
            entries[path] = e
    return entries


def preprocess_command(entry):
    args = entry.get("arguments") or shlex.split(entry["command"])
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if a in ("-c", "-MD", "-MMD") or a.startswith("-fdiagnostics-color"):
            continue
        out.append(a)
    # A compiler launcher (ccache) may come first; the preprocessor is the same either way.
    if os.path.basename(out[0]) == "ccache":
        out = out[1:]
    return out + ["-E", "-o", "-"]


def key_of(entry, config, version):
    pp = subprocess.run(preprocess_command(entry), cwd=entry["directory"], capture_output=True)
    if pp.returncode != 0:
        return None  # let clang-tidy report the problem
    h = hashlib.sha256()
    h.update(version.encode())
    h.update(config.encode())
    h.update(pp.stdout.replace(ROOT.encode(), PLACEHOLDER.encode()))
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clang-tidy", required=True)
    ap.add_argument("-p", dest="build", required=True)
    ap.add_argument("-j", dest="jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()

    cache = os.environ.get("PROVISO_TIDY_CACHE") or os.path.expanduser("~/.cache/proviso-clang-tidy")
    os.makedirs(cache, exist_ok=True)
    entries = compile_commands(a.build)
    with open(os.path.join(ROOT, ".clang-tidy")) as f:
        config = f.read()
    version = subprocess.run([a.clang_tidy, "--version"], capture_output=True, text=True).stdout

    def run(path):
        full = os.path.realpath(path)
        entry = entries.get(full)
        if entry is None:
            return path, 1, f"{path}: not in {a.build}/compile_commands.json\n", False
        key = key_of(entry, config, version)
        stored = os.path.join(cache, key + ".json") if key else None
        if stored and os.path.exists(stored):
            with open(stored) as f:
                r = json.load(f)
            return path, r["rc"], r["output"].replace(PLACEHOLDER, ROOT), True
        p = subprocess.run([a.clang_tidy, "-p", a.build, "--quiet", "--warnings-as-errors=*", full],
                           capture_output=True, text=True)
        output = "\n".join(line for line in (p.stdout + p.stderr).splitlines()
                           if "warnings generated" not in line and "Suppressed " not in line
                           and "Use -header-filter" not in line and "to display errors from" not in line)
        if stored:
            with open(stored + ".tmp", "w") as f:
                json.dump({"rc": p.returncode, "output": output.replace(ROOT, PLACEHOLDER)}, f)
            os.replace(stored + ".tmp", stored)
        return path, p.returncode, output, False

    failed, hits = [], 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        for path, rc, output, hit in pool.map(run, a.files):
            hits += hit
            if rc != 0:
                failed.append(path)
                sys.stdout.write(output.rstrip() + "\n")
    print(f"clang-tidy: {len(a.files)} files, {hits} from the cache, {len(failed)} with findings")
    if failed:
        print("clang-tidy: findings in " + " ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
