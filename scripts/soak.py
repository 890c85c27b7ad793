#!/usr/bin/env python3
"""Soak test (`make soak`, not part of CI): streams N distinct records (default 10,000,000)
through `proviso eval` from a pipe and samples the process's resident memory five times a second.
The records exercise what could grow in a long run: each has its own closure dates (a
calendar built from input-dependent holidays) and its own instants. Memory must be flat after
warm-up: the growth from 10% of the records to the end must stay under 1 MiB per million
records. Writes the samples to WORK/rss.csv and prints the figures for docs/LIMITS.md. It runs on
one thread (`--jobs 1`) unless --jobs says otherwise: on N threads the peak may first grow to
about N times the calendar cache's budget (docs/LIMITS.md), so warm-up takes longer.
Usage: soak.py PROVISO WORK [--records N] [--engine jit|interp] [--jobs N]"""
import argparse
import datetime
import os
import subprocess
import sys
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("proviso")
ap.add_argument("work")
ap.add_argument("--records", type=int, default=10_000_000)
ap.add_argument("--engine", default="jit", choices=["jit", "interp"])
ap.add_argument("--jobs", type=int, default=1)
args = ap.parse_args()
os.makedirs(args.work, exist_ok=True)
policy = os.path.join(args.work, "soak.policy")
with open(policy, "w") as f:
    f.write("""policy soak.p "Soak"
  home zone london
import stdlib.holidays
input r {
  id: integer
  at: datetime
  closure: date
  other: date
  severity: integer 1..3
}
const london: zone = zone "Europe/London"
calendar desk  clause "x"
  Monday to Friday 09:00-17:00
  in london
  except england_wales + [r.closure, r.other]
  business day 8 hours
decision due: datetime  clause "x" = r.at + r.severity * 4 business hours in desk
decision open: bool  clause "x" = is_open(r.at, desk)
decision ref: text  clause "x" = text(r.id)
""")

n = args.records
d0 = datetime.date(2026, 1, 1)
t0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def feed(stdin):
    buf = []
    for i in range(n):
        closure = d0 + datetime.timedelta(days=i % 3650)
        other = d0 + datetime.timedelta(days=(i // 3650) % 3650)
        at = (t0 + datetime.timedelta(seconds=(i * 37) % 315_000_000)).strftime("%Y-%m-%dT%H:%M:%SZ")
        buf.append(f'{{"r":{{"id":{i},"at":"{at}","closure":"{closure}","other":"{other}","severity":{i % 3 + 1}}}}}\n')
        if len(buf) == 4096:
            stdin.write("".join(buf).encode())
            buf.clear()
    stdin.write("".join(buf).encode())
    stdin.close()


env = dict(os.environ, XDG_CACHE_HOME=os.path.join(args.work, "cache"))
# stderr goes to a file: a pipe nobody reads could fill and stop the run.
stderr_path = os.path.join(args.work, "stderr.txt")
stderr_file = open(stderr_path, "wb")
p = subprocess.Popen([args.proviso, "eval", policy, "--input", "-", "--engine", args.engine, "--jobs", str(args.jobs)],
                     stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, stderr=stderr_file, env=env)
lines = [0]


def drain():
    for _ in p.stdout:
        lines[0] += 1


threading.Thread(target=feed, args=(p.stdin,), daemon=True).start()
reader = threading.Thread(target=drain, daemon=True)
reader.start()
samples = []  # (seconds, records out, RSS KiB)
start = time.time()
while p.poll() is None:
    try:
        with open(f"/proc/{p.pid}/status") as f:
            rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        samples.append((time.time() - start, lines[0], rss))
    except (OSError, StopIteration):
        pass
    time.sleep(0.2)
reader.join()
stderr_file.close()
with open(stderr_path, errors="replace") as f:
    err = f.read()
elapsed = time.time() - start
with open(os.path.join(args.work, "rss.csv"), "w") as f:
    f.write("seconds,records,rss_kib\n")
    for s, r, m in samples:
        f.write(f"{s:.1f},{r},{m}\n")
if p.returncode != 0 or lines[0] != n:
    sys.exit(f"FAIL: exit {p.returncode}, {lines[0]} of {n} lines, stderr {err[:500]!r}")
# A verdict needs samples after warm-up (the first tenth of the records) and before the end.
after_warmup = [x for x in samples if x[1] >= n // 10]
if len(after_warmup) < 10:
    sys.exit(f"FAIL: only {len(after_warmup)} memory samples after warm-up; the run was too short to measure "
             f"(give more --records)")
warm = after_warmup[0]
last = after_warmup[-1]
peak = max(m for _, _, m in samples)
growth = (last[2] - warm[2]) / 1024  # MiB
per_million = growth / max((last[1] - warm[1]) / 1e6, 1e-9)
print(f"{n} records in {elapsed:.0f} s ({n / elapsed:,.0f} per second), engine {args.engine}")
print(f"RSS after {warm[1]:,} records (warm-up): {warm[2] / 1024:.1f} MiB; at {last[1]:,}: {last[2] / 1024:.1f} MiB; "
      f"peak {peak / 1024:.1f} MiB")
print(f"growth after warm-up: {growth:.2f} MiB, {per_million:.3f} MiB per million records")
print(f"samples: {os.path.join(args.work, 'rss.csv')}")
if per_million > 1.0:
    sys.exit("FAIL: memory grows by more than 1 MiB per million records after warm-up")
