#!/usr/bin/env python3
"""The `proviso diff` corpus: every pair under tests/diff/cases/NAME/ (old.policy, new.policy,
expect.json) gets the classification its expect.json states, and every witness reproduces.

expect.json: {"equivalent": bool, "decisions": {NAME: STATUS}, "schema_breaking": true|false|null,
              "direction": {NAME: DIRECTION} (optional),
              "direction_unproved": {NAME: DIRECTION} (optional: true, but beyond what the diff proves,
                                    so `unknown` is accepted), "note": "..."}

Checks, per pair:
- `equivalent`, each decision's status, and whether some schema change is breaking (null: none);
- an `unchanged` decision is proved by the solver (`how` = proved), never sampled;
- no decision of a pair built from the shipped policies is `unknown`;
- the exit status (0 equivalent, 3 not);
- every witness, replayed with `proviso eval --engine interp` on each version, gives the values
  the report states, and those differ.
Usage: corpus.py PROVISO CASES_DIR WORK_DIR [NAME...]
"""
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor


def eval_decision(proviso, policy, record, decision, work):
    path = os.path.join(work, "witness.json")
    with open(path, "w") as f:
        json.dump(record, f)
    r = subprocess.run([proviso, "eval", policy, "--engine", "interp", "--input", path, "--decision", decision],
                       capture_output=True, text=True)
    line = r.stdout.strip().splitlines()[0] if r.stdout.strip() else ""
    if not line:
        return None, f"eval printed nothing (exit {r.returncode}): {r.stderr.strip()}"
    out = json.loads(line)
    if "error" in out:
        return {"error": out["error"]}, None
    if decision in out.get("errors", {}):  # the decision failed, the input was read
        return {"error": out["errors"][decision]}, None
    return out["decisions"][decision], None


def check_witness(proviso, old, new, name, w, work, what):
    problems = []
    got_old, err = eval_decision(proviso, old, w["input"], name, work)
    if err:
        return [f"{what}: old version: {err}"]
    got_new, err = eval_decision(proviso, new, w.get("input_new", w["input"]), name, work)
    if err:
        return [f"{what}: new version: {err}"]
    def same(a, b):
        if isinstance(a, dict) and "error" in a and isinstance(b, dict) and "error" in b:
            return True
        return a == b
    if not same(got_old, w["old"]):
        problems.append(f"{what}: old value replays as {got_old!r}, the report says {w['old']!r}")
    if not same(got_new, w["new"]):
        problems.append(f"{what}: new value replays as {got_new!r}, the report says {w['new']!r}")
    if same(got_old, got_new):
        problems.append(f"{what}: both versions give {got_old!r}: not a witness")
    return problems


def main():
    proviso, cases, work = sys.argv[1], sys.argv[2], sys.argv[3]
    only = sys.argv[4:]
    os.makedirs(work, exist_ok=True)
    names = sorted(n for n in os.listdir(cases) if os.path.isdir(os.path.join(cases, n)))
    if only:
        names = [n for n in names if n in only]
    if len(names) < 40 and not only:
        print(f"FAIL: the corpus has {len(names)} pairs, fewer than 40")
        return 1
    failures = 0
    # Two pairs at a time: each `proviso diff` runs on one core.
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda n: (n, check_pair(proviso, cases, work, n)), names))
    for name, problems in results:
        if problems:
            failures += 1
            print(f"FAIL {name}")
            for p in problems:
                print(f"  {p}")
        else:
            print(f"ok   {name}")
    print(f"{len(names) - failures} of {len(names)} pairs as expected")
    return 1 if failures else 0


def check_pair(proviso, cases, work, name):
    work = os.path.join(work, name)
    os.makedirs(work, exist_ok=True)
    d = os.path.join(cases, name)
    old, new = os.path.join(d, "old.policy"), os.path.join(d, "new.policy")
    with open(os.path.join(d, "expect.json")) as f:
        expect = json.load(f)
    r = subprocess.run([proviso, "diff", old, new, "--format", "json", "--timeout", "30"],
                       capture_output=True, text=True)
    problems = []
    if r.returncode not in (0, 3):
        problems.append(f"exit {r.returncode}: {r.stderr.strip()}")
    else:
        report = json.loads(r.stdout)
        if report["equivalent"] != expect["equivalent"]:
            problems.append(f"equivalent is {report['equivalent']}, expected {expect['equivalent']}")
        if r.returncode != (0 if report["equivalent"] else 3):
            problems.append(f"exit {r.returncode} for equivalent={report['equivalent']}")
        got = {x["name"]: x for x in report["decisions"]}
        for dname, status in expect["decisions"].items():
            x = got.get(dname)
            if x is None:
                problems.append(f"{dname}: not reported")
                continue
            if x["status"] != status:
                why = x.get("reason", "")
                problems.append(f"{dname}: {x['status']}, expected {status} {why}".rstrip())
            if x["status"] == "unchanged" and x.get("how") != "proved":
                problems.append(f"{dname}: unchanged but {x.get('how')}, not proved")
            want_dir = expect.get("direction", {}).get(dname)
            # A direction the diff cannot prove (docs/DIFF.md) may be unknown, never wrong.
            unproved = expect.get("direction_unproved", {}).get(dname)
            if unproved and x.get("direction") not in (unproved, "unknown"):
                problems.append(f"{dname}: direction {x.get('direction')}, expected {unproved} or unknown")
            if want_dir and x.get("direction") != want_dir:
                problems.append(f"{dname}: direction {x.get('direction')}, expected {want_dir}")
            if x["status"] == "unknown" and ("qlik" in name or "portrait" in name or "ciq" in name
                                             or "triage" in name or "partner" in name):
                problems.append(f"{dname}: unknown on a shipped policy: {x.get('reason')}")
        for dname in got:
            if dname not in expect["decisions"]:
                problems.append(f"{dname}: reported but not in expect.json")
        breaking = expect.get("schema_breaking")
        schema = report["schema"]
        if breaking is None and schema:
            problems.append(f"schema changes reported, none expected: {schema}")
        if breaking is not None:
            if not schema:
                problems.append("no schema change reported")
            elif any(s["breaking"] for s in schema) != breaking:
                problems.append(f"breaking is {not breaking}, expected {breaking}: {schema}")
        for x in report["decisions"]:
            ws = ([("witness", x["witness"])] if "witness" in x else []) + \
                 [(f"direction witness {i + 1}", w) for i, w in enumerate(x.get("witnesses", []))]
            for what, w in ws:
                problems += check_witness(proviso, old, new, x["name"], w, work, f"{x['name']}: {what}")
            if x["status"] == "changed" and "witness" not in x:
                problems.append(f"{x['name']}: changed without a witness")
    return problems


if __name__ == "__main__":
    sys.exit(main())
