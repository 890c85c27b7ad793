#!/usr/bin/env python3
"""`proviso schema` agrees with the decoder of `proviso eval`.

For every shipped policy the schema is a valid draft 2020-12 schema. For policies with sample
inputs, every record `proviso eval` reads is valid under the schema, and so are the records
derived from them by changing one value's JSON type, dropping or adding a field: each is valid
under the schema exactly when eval reads it (eval answers with decisions or evaluation errors,
not with an input error). String values of zone fields keep their form (the schema says only
"a string" there; the zone database decides).

Usage: json_schema.py PROVISO SOURCE_DIR WORK_DIR
"""
import copy
import glob
import json
import os
import subprocess
import sys

import jsonschema

proviso, source, work = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
failures = []


def schema_of(policy):
    out = subprocess.run([proviso, "schema", policy], capture_output=True, text=True)
    if out.returncode != 0:
        failures.append(f"{policy}: proviso schema exited {out.returncode}: {out.stderr.strip()}")
        return None
    schema = json.loads(out.stdout)
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as e:
        failures.append(f"{policy}: not a valid schema: {e.message}")
        return None
    return schema


def eval_reads(policy, records):
    """For each record, whether eval read it (no input error)."""
    path = os.path.join(work, "records.ndjson")
    with open(path, "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    out = subprocess.run([proviso, "eval", policy, "--input", path, "--engine", "interp"], capture_output=True,
                         text=True)
    lines = out.stdout.splitlines()
    if len(lines) != len(records):
        failures.append(f"{policy}: eval gave {len(lines)} lines for {len(records)} records: {out.stderr[:300]}")
        return [None] * len(records)
    return ["error" not in json.loads(line) for line in lines]


def zone_paths(schema):
    """Property names whose values are zones (their strings are not mutated)."""
    names = set()

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.get("properties", {}).items():
                if isinstance(v, dict) and str(v.get("description", "")).startswith("an IANA time zone"):
                    names.add(k)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    return names


def mutations(record, zones):
    """Records that differ from `record` in one place."""
    out = [dict(record, unexpected_input=1)]
    replacements = [True, "not a value", 12345, None, [], {}, 1.5, -7]

    def walk(node, rebuild):
        if isinstance(node, dict):
            keys = list(node)
            if keys:
                dropped = {k: v for k, v in node.items() if k != keys[0]}
                out.append(rebuild(dropped))
                out.append(rebuild(dict(node, not_a_field=True)))
            for k in keys:
                def inner(v, k=k):
                    return rebuild(dict(node, **{k: v}))
                if isinstance(node[k], (dict, list)):
                    walk(node[k], inner)
                else:
                    for r in replacements:
                        if k in zones and isinstance(r, str):
                            continue
                        if r != node[k] or type(r) is not type(node[k]):
                            out.append(inner(r))
        elif isinstance(node, list) and node:
            walk(node[0], lambda v: rebuild([v] + node[1:]))

    walk(record, lambda v: v)
    return out


def check_inputs(policy, files):
    schema = schema_of(policy)
    if schema is None:
        return 0
    validator = jsonschema.Draft202012Validator(schema)
    records = []
    for name in files:
        with open(name) as f:
            text = f.read()
        # one or more JSON documents, one after the other (NDJSON or not)
        decoder, at, found = json.JSONDecoder(), 0, []
        while len(found) < 200:
            while at < len(text) and text[at].isspace():
                at += 1
            if at >= len(text):
                break
            try:
                value, at = decoder.raw_decode(text, at)
            except json.JSONDecodeError:
                break  # a golden of malformed JSON: its well-formed documents are enough
            found.append(value)
        records += found
    read = eval_reads(policy, records)
    base = [r for r, ok in zip(records, read) if ok]
    for r, ok in zip(records, read):
        if ok and not validator.is_valid(r):
            failures.append(f"{policy}: eval reads a record the schema refuses: {json.dumps(r)[:300]}")
    zones = zone_paths(schema)
    derived = []
    for r in base[:5]:
        derived += mutations(r, zones)
    derived_read = eval_reads(policy, derived)
    for r, ok in zip(derived, derived_read):
        if ok is None:
            continue
        valid = validator.is_valid(r)
        if valid != ok:
            failures.append(f"{policy}: eval {'reads' if ok else 'refuses'} but the schema "
                            f"{'refuses' if not valid else 'accepts'}: {json.dumps(r)[:300]}")
    return len(records) + len(derived)


policies = sorted(glob.glob(os.path.join(source, "policies", "**", "*.policy"), recursive=True) +
                  glob.glob(os.path.join(source, "tests", "policies", "*.policy")))
for p in policies:
    schema_of(p)

pairs = {
    "policies/bench/triage.policy": ["policies/bench/triage.ndjson"],
    "policies/qlik/oem_maintenance.policy": ["policies/qlik/deadlines.ndjson"],
    "policies/examples/regional_desk.policy": ["policies/examples/inputs/regional_desk_latam.json"],
    "policies/examples/service_desk.policy": ["policies/examples/inputs/service_desk_waiting.json"],
}
for policy in glob.glob(os.path.join(source, "tests", "golden", "explain", "*.policy")):
    stem = os.path.splitext(policy)[0]
    inputs = sorted(glob.glob(stem + ".json") + glob.glob(stem + ".*.json"))
    if inputs:
        pairs[os.path.relpath(policy, source)] = [os.path.relpath(i, source) for i in inputs]

# A policy that does not compile, and one that cannot be read: no schema, exit 1, the place said.
broken = os.path.join(work, "broken.policy")
with open(broken, "w") as f:
    f.write('policy t "T"\ninput case { n: integer }\ndecision d: integer = case.m\n')
out = subprocess.run([proviso, "schema", broken], capture_output=True, text=True)
if out.returncode != 1 or out.stdout or "broken.policy:3:" not in out.stderr or "`m`" not in out.stderr:
    failures.append(f"a broken policy: exit {out.returncode}, stdout {out.stdout[:100]!r}, stderr {out.stderr[:300]!r}")
out = subprocess.run([proviso, "schema", os.path.join(work, "missing.policy")], capture_output=True, text=True)
if out.returncode != 1 or out.stdout or "cannot read" not in out.stderr:
    failures.append(f"a missing file: exit {out.returncode}, stderr {out.stderr[:300]!r}")

checked = 0
for policy, files in sorted(pairs.items()):
    checked += check_inputs(os.path.join(source, policy), [os.path.join(source, f) for f in files])

if failures:
    print("\n".join(failures[:40]))
    print(f"{len(failures)} disagreements")
    sys.exit(1)
print(f"{len(policies)} schemas valid; {checked} records read alike by eval and the schema "
      f"({len(pairs)} policies)")
