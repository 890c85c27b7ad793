#!/usr/bin/env python3
"""A long stream of records whose holidays depend on the record (a new calendar for each) runs
in flat memory: the calendar caches are bounded (hardening issue, finding 6). The peak RSS of
60,000 such records is that of 10,000 (plus at most 8 MiB), on the JIT and on the interpreter, on
one thread. On two (`--jobs 2`) the cache is shared, but a calendar freed by the other thread
than its maker goes back to its maker's malloc arena, so the peak may grow by up to one more
cache budget (64 MiB) before it stops (tools/eval_pipeline.cpp, docs/LIMITS.md; measured 144
MiB after 10,000 records, 187 MiB after 600,000): the margin there is 72 MiB.
Usage: bounded_caches.py PROVISO WORK_DIR"""
import datetime
import os
import subprocess
import sys
import threading
import time

proviso, work = sys.argv[1:3]
os.makedirs(work, exist_ok=True)
env = dict(os.environ, XDG_CACHE_HOME=os.path.join(work, "cache"))
policy = os.path.join(work, "closures.policy")
with open(policy, "w") as f:
    f.write("""policy t.closures "Closures"
  home zone london
import stdlib.holidays
input r {
  at: datetime
  closure: date
  other: date
}
const london: zone = zone "Europe/London"
calendar desk  clause "x"
  Monday to Friday 09:00-17:00
  in london
  except england_wales + [r.closure, r.other]
  business day 8 hours
decision due: datetime  clause "x" = r.at + 2 business days in desk
""")


def records(n):
    d0 = datetime.date(2026, 1, 1)
    for i in range(n):
        a = d0 + datetime.timedelta(days=i % 3000)
        b = d0 + datetime.timedelta(days=(i * 7) % 3001 + 1)
        yield f'{{"r":{{"at":"2026-03-03T10:00:00Z","closure":"{a}","other":"{b}"}}}}\n'.encode()


def peak(n, engine, jobs=1):
    p = subprocess.Popen([proviso, "eval", policy, "--input", "-", "--engine", engine, "--jobs", str(jobs)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    lines = []
    # The child's own peak (VmHWM): ru_maxrss would also count this process's memory at fork.
    peak = [0, False]

    def watch():
        while not peak[1]:
            try:
                with open(f"/proc/{p.pid}/status") as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            peak[0] = max(peak[0], int(line.split()[1]))
            except OSError:
                return
            time.sleep(0.02)

    threading.Thread(target=watch, daemon=True).start()
    th = threading.Thread(target=lambda: lines.append(sum(1 for _ in p.stdout)))
    th.start()
    for rec in records(n):
        p.stdin.write(rec)
    p.stdin.close()
    th.join()
    err = p.stderr.read().decode()
    rc = p.wait()
    peak[1] = True
    if rc != 0 or lines[0] != n:
        sys.exit(f"FAIL: {engine}, {n} records: exit {rc}, {lines[0]} lines, stderr {err!r}")
    if peak[0] == 0:
        sys.exit(f"FAIL: {engine}, {n} records: no memory sample of the child was taken")
    return peak[0]


if os.environ.get("PROVISO_SANITIZED") == "1":
    peak(2000, "jit")
    print("memory not checked: a sanitizer build keeps freed memory in quarantine")
    sys.exit(0)
peak(100, "jit")  # compiles the policy into the cache: the runs measured only load it
for engine, jobs, margin_mib in (("jit", 1, 8), ("interp", 1, 8), ("jit", 2, 72), ("interp", 2, 72)):
    small, large = peak(10000, engine, jobs), peak(60000, engine, jobs)
    print(f"{engine}, --jobs {jobs}: peak RSS {small} KiB after 10,000 records, {large} KiB after 60,000")
    if large > small + margin_mib * 1024:
        sys.exit(f"FAIL: {engine}, --jobs {jobs}: memory grows with the number of distinct calendars")
print("ok")
