#!/usr/bin/env python3
"""`proviso test --coverage`: the exact report of tests/coverage/missed.policy (a table row, a
match arm, exclusions, a `collect` entry, an `if` branch and a clause that no test reaches) as
text and as JSON, --coverage-min, the exit status of failing tests, and the shipped policies
reaching every table row and exclusion.

Usage: coverage.py PROVISO SOURCE_DIR WORK_DIR
"""
import json
import os
import shutil
import subprocess
import sys

PROVISO, SRC, WORK = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
POLICY = "tests/coverage/missed.policy"
failures = []


def run(*args, cwd=SRC):
    r = subprocess.run([PROVISO, "test", *args], cwd=cwd, capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def check(ok, message):
    if not ok:
        failures.append(message)


# Text: the summary line, then each item no test reaches, in source order.
status, out, err = run("--coverage", "--engine", "interp", POLICY)
expected_text = f"""\
{POLICY}: coverage: table rows 2/3 (66.6%), match arms 2/3 (66.6%), exclusions 2/5 (40%), branches 3/4 (75%), clauses 5/6 (83.3%)
{POLICY}:17:3: table `fee` row 3 is reached by no test
{POLICY}:24:3: match arm `Bronze` of `match case.level` in `label` is reached by no test
{POLICY}:29:3: exclusion "5(b)" of `excluded` applies in no test
{POLICY}:32:35: exclusion "6(a)" of the `sum` over `case.outages` in `downtime` applies in no test
{POLICY}:36:3: `collect` entry "slow" in `flags` applies in no test
{POLICY}:39:59: `then` branch of `if case.level == Bronze` in `discount` is taken by no test
{POLICY}:41:37: clause "7" of decision `unchecked` is reached by no test
2 passed, 0 failed
"""
check(status == 0, f"text: exit status {status}, not 0 (stderr: {err})")
check(out == expected_text, f"text: got\n{out}\nexpected\n{expected_text}")

# JSON: one object on stdout; the failures and the summary line on stderr.
status, out, err = run("--coverage", "--format", "json", POLICY)
check(status == 0, f"json: exit status {status}, not 0 (stderr: {err})")
check(err == "2 passed, 0 failed\n", f"json: stderr is {err!r}")
lines = out.splitlines()
check(len(lines) == 1, f"json: {len(lines)} lines on stdout, not 1")
report = json.loads(lines[0])


def item(line, column, end_line, end_column, what):
    return {"line": line, "column": column, "end_line": end_line, "end_column": end_column, "what": what}


expected_json = {
    "policy": POLICY,
    "tests": {"passed": 2, "failed": 0},
    "table_rows": {"reached": 2, "total": 3, "percent": 66.6,
                   "unreached": [item(17, 3, 17, 19, "table `fee` row 3")]},
    "match_arms": {"reached": 2, "total": 3, "percent": 66.6,
                   "unreached": [item(24, 3, 24, 21, "match arm `Bronze` of `match case.level` in `label`")]},
    "exclusions": {"reached": 2, "total": 5, "percent": 40.0,
                   "unreached": [item(29, 3, 29, 34, "exclusion \"5(b)\" of `excluded`"),
                                 item(32, 35, 32, 56,
                                      "exclusion \"6(a)\" of the `sum` over `case.outages` in `downtime`"),
                                 item(36, 3, 36, 36, "`collect` entry \"slow\" in `flags`")]},
    "branches": {"reached": 3, "total": 4, "percent": 75.0,
                 "unreached": [item(39, 59, 39, 61, "`then` branch of `if case.level == Bronze` in `discount`")]},
    "clauses": {"reached": 5, "total": 6, "percent": 83.3,
                "unreached": [item(41, 37, 41, 40, "clause \"7\" of decision `unchecked`")]},
}
check(report == expected_json, f"json: got\n{json.dumps(report, indent=1)}\nexpected\n"
      f"{json.dumps(expected_json, indent=1)}")
check(list(report) == list(expected_json), f"json: keys in the order {list(report)}")

# --coverage-min: below it (exclusions at 40%) exits 1 naming the kind; at or under it, 0.
status, out, err = run("--coverage", "--engine", "interp", "--coverage-min", "50", POLICY)
check(status == 1, f"--coverage-min 50: exit status {status}, not 1")
check(f"{POLICY}: exclusions reached 40%, below --coverage-min 50" in err, f"--coverage-min 50: stderr {err!r}")
status, out, err = run("--coverage", "--engine", "interp", "--coverage-min", "40", POLICY)
check(status == 0, f"--coverage-min 40: exit status {status}, not 0 (stderr: {err})")

# --format and --coverage-min belong to --coverage.
for args in (["--format", "json"], ["--coverage-min", "10"]):
    status, out, err = run(*args, POLICY)
    check(status == 2, f"{' '.join(args)} without --coverage: exit status {status}, not 2")

# A failing test still fails the run (exit 1); what it reached still counts.
shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
with open(os.path.join(SRC, POLICY)) as f:
    text = f.read()
wrong = text.replace("expect price = 600", "expect price = 601")
check(wrong != text, "missed.policy no longer expects price = 600")
failing = os.path.join(WORK, "failing.policy")
with open(failing, "w") as f:
    f.write(wrong)
status, out, err = run("--coverage", "--format", "json", failing)
check(status == 1, f"failing test: exit status {status}, not 1")
check("test \"gold, severity 1\" failed" in err and "1 passed, 1 failed" in err, f"failing test: stderr {err!r}")
failed_report = json.loads(out)
check(failed_report["tests"] == {"passed": 1, "failed": 1}, f"failing test: tests {failed_report['tests']}")
check(failed_report["table_rows"]["reached"] == 2, "failing test: its table row is no longer counted")

# The shipped policies reach every table row and every exclusion.
status, out, err = run("--coverage", "--format", "json", "--engine", "interp", "policies")
check(status == 0, f"policies: exit status {status}, not 0 (stderr: {err})")
reports = [json.loads(line) for line in out.splitlines()]
check(len(reports) >= 8, f"policies: {len(reports)} reports")
for r in reports:
    for kind in ("table_rows", "exclusions"):
        c = r[kind]
        check(c["reached"] == c["total"] and not c["unreached"],
              f"{r['policy']}: {kind} {c['reached']}/{c['total']}: {c['unreached']}")

if failures:
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    sys.exit(1)
print(f"coverage: {len(reports)} shipped policies reach every table row and exclusion; missed.policy as expected")
