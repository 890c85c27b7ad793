#!/usr/bin/env python3
"""`proviso eval` streams its input: from a pipe, each output line arrives as soon as its input
line is complete (before the next input line is even written); memory does not grow with the
size of the input; a line over the 16 MiB limit fails alone without being held in memory; a
pretty-printed JSON document from a pipe is still one input.
Usage: streaming.py PROVISO SOURCE_DIR WORK_DIR"""
import os
import select
import subprocess
import sys
import time

proviso, src, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
env = dict(os.environ, XDG_CACHE_HOME=os.path.join(work, "cache"))
policy = os.path.join(src, "policies/qlik/oem_maintenance.policy")
with open(os.path.join(src, "policies/qlik/deadlines.ndjson"), "rb") as f:
    lines = f.read().splitlines(keepends=True)


def fail(message):
    sys.exit("FAIL: " + message)


def start(*extra):
    return subprocess.Popen([proviso, "eval", policy, "--input", "-", *extra], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def readline_within(p, seconds):
    ready, _, _ = select.select([p.stdout], [], [], seconds)
    if not ready:
        return None
    return p.stdout.readline()


def finish(p):
    """Waits for the child; gives (exit status, stderr, peak RSS in KiB)."""
    err = p.stderr.read().decode()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, err, usage.ru_maxrss


# 1. Line by line through a pipe: the answer to line i comes before line i+1 is written.
p = start()
latencies = []
for i in range(5):
    t = time.time()
    p.stdin.write(lines[i])
    p.stdin.flush()
    out = readline_within(p, 30 if i == 0 else 5)  # the first waits for the compile
    if out is None:
        fail(f"no output for input line {i + 1} while the pipe stays open")
    if not out.startswith(b'{"decisions"'):
        fail(f"line {i + 1}: {out[:200]!r}")
    latencies.append((time.time() - t) * 1000)
p.stdin.close()
rc, err, _ = finish(p)
if rc != 0 or err:
    fail(f"pipe: exit {rc}, stderr {err!r}")
print("pipe latency per line (ms): " + ", ".join(f"{x:.2f}" for x in latencies))


# 2. Memory independent of the input's size: the peak RSS of 200,000 records is that of
# 2,000 records (plus at most 10 MiB).
def peak_for(records, long_line_mib=0):
    # The child is started before the long line exists: Linux counts the parent's memory at
    # the fork in the child's peak.
    p = start()
    written = 0
    # Feed and drain at once so that neither side blocks.
    import threading
    outputs = []

    def drain():
        n = 0
        for _ in p.stdout:
            n += 1
        outputs.append(n)

    th = threading.Thread(target=drain)
    th.start()
    block = b"".join(lines)
    while written < records:
        if long_line_mib and written == records // 2:
            p.stdin.write(b'{"case": "' + b"x" * (long_line_mib << 20) + b'"}\n')
        p.stdin.write(block)
        written += len(lines)
    p.stdin.close()
    th.join()
    rc, err, rss = finish(p)
    return rc, err, rss, outputs[0]


sanitized = os.environ.get("PROVISO_SANITIZED") == "1"
rc, err, small, n_small = peak_for(2000)
if rc != 0 or n_small != 2000:
    fail(f"2,000 records: exit {rc}, {n_small} lines, stderr {err!r}")
rc, err, large, n_large = peak_for(200000)
if rc != 0 or n_large != 200000:
    fail(f"200,000 records: exit {rc}, {n_large} lines, stderr {err!r}")
print(f"peak RSS: {small} KiB for 2,000 records, {large} KiB for 200,000 records")
if sanitized:
    print("memory not checked: a sanitizer build keeps freed memory in quarantine")
elif large > small + 10 * 1024:
    fail(f"memory grows with the input: {small} KiB -> {large} KiB")

# 3. An 80 MiB line fails alone, in memory bounded by the 16 MiB line limit, not the line.
rc, err, rss, n = peak_for(4000, long_line_mib=80)
if rc != 1 or n != 4001:
    fail(f"an over-long line: exit {rc}, {n} lines, stderr {err!r}")
if not sanitized and rss > small + 24 * 1024:
    fail(f"an over-long line was held in memory: {rss} KiB")
print(f"an 80 MiB line: its own error line, peak RSS {rss} KiB")

# 4. A pretty-printed document from a pipe is one input.
with open(os.path.join(src, "policies/qlik/examples/basic_london_christmas_eve.json"), "rb") as f:
    doc = f.read()
p = start()
p.stdin.write(doc)
p.stdin.close()
out = p.stdout.read()
rc, err, _ = finish(p)
if rc != 0 or out.count(b"\n") != 1 or not out.startswith(b'{"decisions"'):
    fail(f"one document: exit {rc}, output {out[:200]!r}, stderr {err!r}")
print("ok")
