#!/usr/bin/env python3
"""How long `proviso lsp` takes to re-check a document after a change: for each shipped policy,
the time from sending an edit (one character typed at the end of a decision's line, then
removed) to receiving its diagnostics, with the debounce at 0, and the same for code lenses
(which run the policy's tests and decisions on the interpreter) and semantic tokens.

Usage: lsp_bench.py [--build DIR] [--runs N]; prints a table of medians (and the slowest run)."""
import argparse
import glob
import os
import statistics
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(root, "tests", "lsp"))
from lsp_client import LspClient  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--build", default=os.path.join(root, "build"))
ap.add_argument("--runs", type=int, default=30)
args = ap.parse_args()

c = LspClient(os.path.join(args.build, "bin", "proviso"), debounce_ms=0)
print(f"{'policy':40} {'lines':>6} {'re-check ms':>12} {'max':>7} {'lenses ms':>10} {'tokens ms':>10}")
for path in sorted(glob.glob(os.path.join(root, "policies", "**", "*.policy"), recursive=True)):
    uri = "file://" + path
    text = open(path, encoding="utf-8").read()
    c.open(uri, text)
    c.diagnostics(uri, 1)
    at = text.index("\ndecision ")
    line = text.count("\n", 0, at) + 1
    col = len(text[at + 1:text.index("\n", at + 1)])
    times, lens_times, token_times = [], [], []
    for i in range(args.runs):
        start = {"line": line, "character": col}
        if i % 2 == 0:
            change = {"range": {"start": start, "end": start}, "text": " "}
        else:
            change = {"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}},
                      "text": ""}
        t0 = time.perf_counter()
        v = c.change(uri, [change])
        c.diagnostics(uri, v)
        times.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        c.request("textDocument/codeLens", {"textDocument": {"uri": uri}})
        lens_times.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        c.request("textDocument/semanticTokens/full", {"textDocument": {"uri": uri}})
        token_times.append((time.perf_counter() - t0) * 1000)
    print(f"{os.path.relpath(path, root):40} {text.count(chr(10)):>6} {statistics.median(times):>12.1f} "
          f"{max(times):>7.1f} {statistics.median(lens_times):>10.1f} {statistics.median(token_times):>10.1f}")
c.close()
