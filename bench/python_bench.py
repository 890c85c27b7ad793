#!/usr/bin/env python3
"""The Python module's figures (docs/EMBEDDING.md).

  ndjson POLICY FILE [THREADS]  writes policy.evaluate_ndjson's output for the whole file, to be
                                timed from outside with bench/pairs.py against `proviso eval`
  call POLICY FILE              times the evaluate_ndjson call alone (1 thread, then one per
                                core) and evaluate_many from dicts (the same), medians of 7 runs
                                each, in turns

Usage: PYTHONPATH=build/python /usr/bin/python3 bench/python_bench.py MODE POLICY FILE.ndjson"""
import json
import statistics
import sys
import time

import proviso

mode, policy_path, path = sys.argv[1:4]
policy = proviso.compile(policy_path)
if mode == "ndjson":
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    with open(path, "rb") as f:
        sys.stdout.buffer.write(policy.evaluate_ndjson(f.read(), threads=threads))
    sys.exit(0)

with open(path, "rb") as f:
    data = f.read()
records = [json.loads(line) for line in data.splitlines() if line.strip()]
ways = {
    "evaluate_ndjson(bytes), 1 thread": lambda: policy.evaluate_ndjson(data, threads=1),
    "evaluate_ndjson(bytes), one thread per core": lambda: policy.evaluate_ndjson(data),
    "evaluate_many(dicts), 1 thread": lambda: policy.evaluate_many(records, threads=1),
    "evaluate_many(dicts), one thread per core": lambda: policy.evaluate_many(records),
}
times = {name: [] for name in ways}
for name, run in ways.items():  # warm-up
    run()
for _ in range(7):
    for name, run in ways.items():
        start = time.perf_counter()
        run()
        times[name].append(time.perf_counter() - start)
print(f"{len(records)} records of {path}, median of 7 runs:")
for name, t in times.items():
    m = statistics.median(t)
    print(f"  {name:45s} {m:7.3f} s  {len(records) / m:>10,.0f} records/s")
