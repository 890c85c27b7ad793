#!/usr/bin/env python3
"""Times two commands in turns and gives the ratio A/B pair by pair.

Usage: bench/pairs.py [-n RUNS] [--warmup N] --vs 'COMMAND B' -- COMMAND A ...

Each command is a whole process (start-up included), run A, B, A, B, ... RUNS times each after
WARMUP unmeasured runs of each, standard output and error to /dev/null. For each run: the wall
time (a monotonic clock around spawn and wait), and the CPU time (user + system) and peak
resident memory of the child from wait4's rusage (its largest single process, not a sum; a
child starts as a copy of this script, so no peak reads below this script's own, about 12 MiB). Printed: each command's median (lowest to highest), then A/B taken pair by
pair, so that a machine whose speed drifts during the call still gives a meaningful ratio.
B is one string, split as a shell splits words (shlex); a command that needs a redirection is
written as sh -c '...'. Exits 1 if a run fails (its exit status and command are printed).
"""
import argparse
import os
import shlex
import shutil
import statistics
import sys
import time


def fail(message):
    print("pairs.py: " + message, file=sys.stderr)
    sys.exit(1)


def resolve(argv):
    path = argv[0] if "/" in argv[0] else shutil.which(argv[0])
    if not path:
        fail("cannot find %s" % argv[0])
    return [path] + argv[1:]


def run_once(argv):
    """(wall seconds, user+sys CPU seconds, peak resident MiB) of one run; fails on a non-zero exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    start = time.perf_counter()
    try:
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
    except OSError as e:
        fail("cannot run %s: %s" % (argv[0], e.strerror))
    finally:
        os.close(devnull)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        fail("exit status %d from: %s" % (code, shlex.join(argv)))
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def spread(values, digits=3):
    return "%.*f (%.*f to %.*f)" % (digits, statistics.median(values), digits, min(values), digits, max(values))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", "--runs", type=int, default=5, help="measured runs of each command (default 5)")
    ap.add_argument("--warmup", type=int, default=1, help="unmeasured runs of each first (default 1)")
    ap.add_argument("--vs", required=True, help="command B, as one string")
    ap.add_argument("command", nargs=argparse.REMAINDER, help="command A, after --")
    args = ap.parse_args()
    a = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not a:
        fail("no command A: give it after --")
    if args.runs < 1 or args.warmup < 0:
        fail("--runs must be at least 1 and --warmup at least 0")
    a, b = resolve(a), resolve(shlex.split(args.vs))
    for _ in range(args.warmup):
        run_once(a)
        run_once(b)
    runs = {"A": [], "B": []}
    for _ in range(args.runs):
        runs["A"].append(run_once(a))
        runs["B"].append(run_once(b))
    print("A = %s\nB = %s\n%d runs each, median (lowest to highest)" % (shlex.join(a), shlex.join(b), args.runs))
    for name in ("A", "B"):
        print("%s wall s  %s" % (name, spread([w for w, _, _ in runs[name]])))
        print("%s cpu s   %s" % (name, spread([c for _, c, _ in runs[name]])))
        print("%s peak MiB %s" % (name, spread([m for _, _, m in runs[name]], 1)))
    for i, what in ((0, "wall"), (1, "cpu ")):
        ratios = [x[i] / y[i] for x, y in zip(runs["A"], runs["B"]) if y[i] > 0]
        if ratios:
            print("A/B %s  %s" % (what, spread(ratios, 2)))


if __name__ == "__main__":
    main()
