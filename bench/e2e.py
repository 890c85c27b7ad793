#!/usr/bin/env python3
"""`proviso eval` end to end (bench/README.md, "End to end: `proviso eval`").

Generates the input files once (bench/gen_records.py, into BUILD/bench-data/, reused while the
count, the seed and the generator are unchanged), checks that the hand-written triage baseline
(proviso-bench-e2e) writes exactly what `proviso eval` writes (cmp) and that every generated
record evaluates, then runs every command RUNS times in turns (A, B, C, ..., A, B, C, ...),
standard output to /dev/null, and prints the medians of wall time and of user+sys CPU time
(rusage of the child) and the ratios, taken run by run: median (lowest to highest).

If `proviso eval --help` does not mention --jobs, every eval runs without it, and the rows
and ratios that need --jobs 2 are left out (the output says so).

Usage: /usr/bin/python3 bench/e2e.py [--runs N] [--json] [--build DIR] [--seed S]
                                     [--triage-records N] [--qlik-records N]"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "bench", "gen_records.py")
POLICIES = {
    "triage": os.path.join(ROOT, "policies", "bench", "triage.policy"),
    "qlik": os.path.join(ROOT, "policies", "qlik", "oem_maintenance.policy"),
}
TITLES = {"triage": "triage", "qlik": "Qlik OEM"}


def show(path):
    """A path as printed: relative to the source tree when inside it."""
    return os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else path


def fail(message):
    sys.stderr.write("e2e: %s\n" % message)
    sys.exit(1)


def data_file(data_dir, kind, count, seed):
    """The generated file, made unless present and newer than the generator."""
    path = os.path.join(data_dir, "%s-%d-seed%d.ndjson" % (kind, count, seed))
    if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(GEN):
        sys.stderr.write("e2e: generating %s\n" % show(path))
        if subprocess.run([sys.executable, GEN, kind, str(count), str(seed), path]).returncode != 0:
            fail("bench/gen_records.py failed for %s" % show(path))
    return path


def run_once(argv, stdout_path, stderr_path):
    """Runs argv; returns (exit status, wall seconds, user+sys CPU seconds)."""
    actions = [
        (os.POSIX_SPAWN_OPEN, 1, stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    ]
    start = time.perf_counter()
    try:
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
    except OSError as e:
        fail("cannot run %s: %s" % (argv[0], e.strerror))
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    return os.waitstatus_to_exitcode(status), wall, usage.ru_utime + usage.ru_stime


def checked_run(argv, stdout_path, stderr_path):
    code, wall, cpu = run_once(argv, stdout_path, stderr_path)
    if code != 0:
        with open(stderr_path, errors="replace") as f:
            err = f.read()[-2000:]
        fail("exit status %d from: %s\n%s" % (code, " ".join(argv), err))
    return wall, cpu


def spread(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="timed runs of each command (default 5)")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="build directory (default build)")
    ap.add_argument("--seed", type=int, default=2026, help="generator seed (default 2026)")
    ap.add_argument("--triage-records", type=int, default=1000000)
    ap.add_argument("--qlik-records", type=int, default=200000)
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    if args.runs < 1:
        fail("--runs must be at least 1")

    proviso = os.path.join(args.build, "bin", "proviso")
    baseline = os.path.join(args.build, "bin", "proviso-bench-e2e")
    for exe in (proviso, baseline):
        if not os.access(exe, os.X_OK):
            fail("%s is not built (make build, or ninja -C %s proviso proviso-bench-e2e)" % (exe, args.build))
    eval_help = subprocess.run([proviso, "eval", "--help"], capture_output=True, text=True).stdout
    has_jobs = "--jobs" in eval_help
    cores = len(os.sched_getaffinity(0))

    data_dir = os.path.join(args.build, "bench-data")
    os.makedirs(data_dir, exist_ok=True)
    counts = {"triage": args.triage_records, "qlik": args.qlik_records}
    files = {kind: data_file(data_dir, kind, counts[kind], args.seed) for kind in ("triage", "qlik")}

    def jobs(n):
        return ["--jobs", str(n)] if has_jobs else []

    def evaluate(kind, *extra):
        return [proviso, "eval", POLICIES[kind], "--input", files[kind], *extra]

    # (workload, name, argv); eval's names say what ran.
    j1 = " --jobs 1" if has_jobs else ""
    commands = [
        ("triage", "proviso eval" + j1, evaluate("triage", *jobs(1))),
    ]
    if has_jobs:
        commands += [
            ("triage", "proviso eval (default jobs: %d)" % cores, evaluate("triage")),
            ("triage", "proviso eval --jobs 2", evaluate("triage", *jobs(2))),
        ]
    commands += [
        ("triage", "proviso eval --engine interp" + j1, evaluate("triage", "--engine", "interp", *jobs(1))),
        ("triage", "baseline (proviso-bench-e2e)", [baseline, files["triage"]]),
        ("triage", "parse floor (--parse-only)", [baseline, "--parse-only", files["triage"]]),
        ("qlik", "proviso eval" + j1, evaluate("qlik", *jobs(1))),
    ]
    if has_jobs:
        commands += [("qlik", "proviso eval (default jobs: %d)" % cores, evaluate("qlik"))]
    commands += [
        ("qlik", "proviso eval --engine interp" + j1, evaluate("qlik", "--engine", "interp", *jobs(1))),
        ("qlik", "parse floor (--parse-only)", [baseline, "--parse-only", files["qlik"]]),
    ]

    # The build directory is shared: a binary rebuilt during the runs would mix two programs.
    def identity():
        return [(st.st_ino, st.st_size, st.st_mtime_ns) for st in (os.stat(proviso), os.stat(baseline))]

    before = identity()
    with tempfile.TemporaryDirectory(dir=data_dir) as tmp:
        err = os.path.join(tmp, "stderr")
        # The baseline's output against proviso's, byte for byte; this also fills the JIT's
        # object cache, so that no timed run compiles.
        ours, theirs = os.path.join(tmp, "baseline.out"), os.path.join(tmp, "proviso.out")
        checked_run(commands[0][2], theirs, err)
        checked_run([baseline, files["triage"]], ours, err)
        if subprocess.run(["cmp", theirs, ours]).returncode != 0:
            fail("proviso-bench-e2e's output differs from proviso eval's on %s" % files["triage"])
        os.remove(ours)
        os.remove(theirs)
        # Every record of every file evaluates (exit status 0), with each engine.
        for workload, _, argv in commands:
            if workload == "qlik" and argv[0] == proviso:
                checked_run(argv, os.devnull, err)

        walls = [[] for _ in commands]
        cpus = [[] for _ in commands]
        for run in range(args.runs):
            for i, (workload, name, argv) in enumerate(commands):
                wall, cpu = checked_run(argv, os.devnull, err)
                walls[i].append(wall)
                cpus[i].append(cpu)
            sys.stderr.write("e2e: run %d of %d done\n" % (run + 1, args.runs))

    if identity() != before:
        fail("%s or %s was rebuilt during the runs; run again" % (proviso, baseline))
    index = {(w, n): i for i, (w, n, _) in enumerate(commands)}

    def ratio(name, a, b):
        ia, ib = index.get(a), index.get(b)
        if ia is None or ib is None:
            return None
        return {
            "name": name,
            "wall": spread([x / y for x, y in zip(walls[ia], walls[ib])]),
            "cpu": spread([x / y for x, y in zip(cpus[ia], cpus[ib])]),
        }

    e1 = "proviso eval" + j1
    ei = "proviso eval --engine interp" + j1
    ed = "proviso eval (default jobs: %d)" % cores
    ratios = [
        ratio("triage: eval%s / baseline" % j1, ("triage", e1), ("triage", "baseline (proviso-bench-e2e)")),
        ratio("triage: eval%s / parse floor" % j1, ("triage", e1), ("triage", "parse floor (--parse-only)")),
        ratio("triage: baseline / parse floor", ("triage", "baseline (proviso-bench-e2e)"),
              ("triage", "parse floor (--parse-only)")),
        ratio("triage: interp / jit%s" % j1, ("triage", ei), ("triage", e1)),
        ratio("triage: eval --jobs 2 / --jobs 1", ("triage", "proviso eval --jobs 2"), ("triage", e1)),
        ratio("triage: eval (default jobs) / --jobs 1", ("triage", ed), ("triage", e1)),
        ratio("Qlik OEM: eval%s / parse floor" % j1, ("qlik", e1), ("qlik", "parse floor (--parse-only)")),
        ratio("Qlik OEM: eval (default jobs) / --jobs 1", ("qlik", ed), ("qlik", e1)),
        ratio("Qlik OEM: interp / jit%s" % j1, ("qlik", ei), ("qlik", e1)),
    ]
    ratios = [r for r in ratios if r]

    rows = []
    for i, (workload, name, argv) in enumerate(commands):
        wall, cpu = statistics.median(walls[i]), statistics.median(cpus[i])
        rows.append({
            "workload": workload,
            "name": name,
            "argv": [show(a) for a in argv],
            "wall_s": walls[i],
            "cpu_s": cpus[i],
            "wall_median_s": wall,
            "cpu_median_s": cpu,
            "records_per_s": counts[workload] / wall,
            "records_per_cpu_s": counts[workload] / cpu,
        })

    note = None if has_jobs else "proviso eval has no --jobs option: every eval ran without it; --jobs 2 left out"
    if args.json:
        json.dump({
            "date": datetime.date.today().isoformat(),
            "cores": cores,
            "runs": args.runs,
            "eval_has_jobs": has_jobs,
            "note": note,
            "files": {k: {"path": show(files[k]), "records": counts[k],
                          "bytes": os.path.getsize(files[k]), "seed": args.seed} for k in files},
            "commands": rows,
            "ratios": ratios,
        }, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return

    print("proviso eval end to end: runs in turns: %d; CPUs available: %d; standard output to /dev/null" %
          (args.runs, cores))
    for k in ("triage", "qlik"):
        print("  %-8s %s: %s records, %.1f MB" % (TITLES[k], show(files[k]),
                                                 format(counts[k], ","), os.path.getsize(files[k]) / 1e6))
    print("  cmp: proviso-bench-e2e writes exactly what proviso eval writes (triage)")
    if note:
        print("  note: " + note)
    print()
    print("%-9s %-38s %8s %8s %12s %14s" % ("workload", "command", "wall s", "CPU s", "records/s", "records/CPU s"))
    for r in rows:
        print("%-9s %-38s %8.3f %8.3f %12s %14s" % (TITLES[r["workload"]], r["name"], r["wall_median_s"],
                                                    r["cpu_median_s"], format(round(r["records_per_s"]), ","),
                                                    format(round(r["records_per_cpu_s"]), ",")))
    print()
    print("%-42s %-22s %-22s" % ("ratio, run by run", "wall", "CPU (user+sys)"))

    def cell(s):
        return "%.2f (%.2f to %.2f)" % (s["median"], s["min"], s["max"])

    for r in ratios:
        print("%-42s %-22s %s" % (r["name"], cell(r["wall"]), cell(r["cpu"])))


if __name__ == "__main__":
    main()
