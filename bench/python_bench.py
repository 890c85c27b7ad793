#!/usr/bin/env python3
"""The Python module's figures (docs/EMBEDDING.md): `ndjson` writes policy.evaluate_ndjson's
output for the whole file (timed from outside with farm-bench against `proviso eval`);
`many` prints evaluate_many's records per second from dicts.
Usage: PYTHONPATH=build/python python3 bench/python_bench.py ndjson|many POLICY FILE.ndjson"""
import json
import sys
import time

import proviso

mode, policy_path, path = sys.argv[1:4]
policy = proviso.compile(policy_path)
if mode == "ndjson":
    with open(path, "rb") as f:
        sys.stdout.buffer.write(policy.evaluate_ndjson(f.read()))
else:
    with open(path) as f:
        records = [json.loads(line) for line in f if line.strip()]
    start = time.perf_counter()
    policy.evaluate_many(records)
    seconds = time.perf_counter() - start
    print(f"evaluate_many: {len(records)} records in {seconds:.3f} s = {len(records) / seconds:,.0f} records/s")
