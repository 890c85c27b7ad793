#!/usr/bin/env python3
"""Load test of `proviso serve` (bench/README.md, "proviso serve under load"); `make load`.

1. Starts `proviso serve` on an ephemeral loopback port with the triage and Qlik OEM policies.
2. Single requests with wrk (bench/load/requests.lua): the sample inputs of each policy, one per
   request, with every tenth request malformed (text that is not JSON, a record without its
   fields, an unknown policy, a wrong content type, a bad query parameter). Half the duration
   on triage, half on Qlik OEM, after a warm-up; requests/s, p50/p99 latency, answers by kind,
   wrk's socket errors, and the server's resident memory (VmRSS) after the warm-up and at the
   end, per million requests; then triage again with 4 to 512 connections.
3. Batches: the generated files of bench/e2e.py (1,000,000 triage and 200,000 Qlik OEM records)
   POSTed as application/x-ndjson by a client of this script that streams the body while it
   reads the answer, then checks the answer line by line against `proviso eval`'s output
   (nothing lost, nothing reordered); timed in turns with `proviso eval --jobs 1` and
   `proviso eval` (the default jobs) on the same file, standard output to /dev/null.
4. Writes the report (Markdown) to bench/load-report.md, or --out, and fails on a 5xx, a socket
   error, a batch line lost or out of order, or a server that does not stop cleanly.

Usage: /usr/bin/python3 bench/load/load.py [--build DIR] [--duration SECONDS] [--connections N]
                                           [--batch-runs N] [--threads N] [--out FILE]
"""
import argparse
import datetime
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import e2e  # noqa: E402  (the generated files, and running a command timed)

LUA = os.path.join(ROOT, "bench", "load", "requests.lua")
WORKLOADS = [
    ("triage", "bench.triage", os.path.join(ROOT, "policies/bench/triage.policy"),
     os.path.join(ROOT, "policies/bench/triage.ndjson")),
    ("Qlik OEM", "qlik.oem_maintenance", os.path.join(ROOT, "policies/qlik/oem_maintenance.policy"),
     os.path.join(ROOT, "policies/qlik/deadlines.ndjson")),
]


SERVER = []  # the server process, killed when the run fails


def fail(message):
    sys.stderr.write("load: %s\n" % message)
    for p in SERVER:
        p.kill()
    sys.exit(1)


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def wrk(port, policy, inputs, seconds, connections, threads):
    argv = ["wrk", "-t", str(threads), "-c", str(connections), "-d", "%ds" % seconds, "--latency", "-s", LUA,
            "http://127.0.0.1:%d" % port, "--", policy, inputs]
    out = subprocess.run(argv, capture_output=True, text=True)
    m = re.search(r"^WRK_JSON (.*)$", out.stdout, re.M)
    if out.returncode != 0 or not m:
        fail("wrk failed (%d): %s %s" % (out.returncode, out.stdout[-1000:], out.stderr[-1000:]))
    result = json.loads(m.group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def batch(port, policy, path, expect_bytes=0):
    """POSTs the file as a chunked NDJSON body while reading the answer. Returns (seconds, body).

    The client keeps out of the server's way on a shared machine: the file is read before the
    clock starts and sent as slices of it, and the answer is received in place into a buffer
    allocated (and page-faulted in) before the clock starts, of `expect_bytes` and room for the
    chunked encoding; it grows if the answer is longer."""
    with open(path, "rb") as f:
        data = memoryview(f.read())
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    head = ("POST /v1/policies/%s/evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" % policy).encode()
    errors = []

    def send():
        try:
            sock.sendall(head)
            step = 1 << 20
            for at in range(0, len(data), step):
                piece = data[at:at + step]
                sock.sendall(b"%x\r\n" % len(piece))
                sock.sendall(piece)
                sock.sendall(b"\r\n")
            sock.sendall(b"0\r\n\r\n")
        except OSError as e:
            errors.append("sending: %s" % e)

    raw = bytearray(expect_bytes + expect_bytes // 8 + (4 << 20))
    size = 0
    start = time.perf_counter()
    sender = threading.Thread(target=send)
    sender.start()
    while True:
        if len(raw) - size < (1 << 20):
            raw.extend(bytearray(len(raw)))
        with memoryview(raw) as view:
            n = sock.recv_into(view[size:])
        if not n:
            break
        size += n
    seconds = time.perf_counter() - start
    del raw[size:]
    sender.join()
    sock.close()
    if errors:
        fail("batch %s: %s" % (policy, errors[0]))
    split = raw.find(b"\r\n\r\n")
    status = raw[:raw.find(b"\r\n")].decode("latin-1")
    if not status.startswith("HTTP/1.1 200"):
        fail("batch %s: %s" % (policy, raw[:500]))
    body, at, rest = [], split + 4, raw
    while True:  # the chunked encoding
        eol = rest.find(b"\r\n", at)
        size = int(rest[at:eol].split(b";")[0], 16)
        if size == 0:
            break
        body.append(rest[eol + 2:eol + 2 + size])
        at = eol + 2 + size + 2
    return seconds, b"".join(body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--duration", type=int, default=600, help="seconds of single requests, in total (default 600)")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--wrk-threads", type=int, default=2)
    ap.add_argument("--batch-runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="the server's --threads (default: its own, twice the CPUs)")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "load-report.md"))
    a = ap.parse_args()
    proviso = os.path.join(a.build, "bin", "proviso")
    if shutil.which("wrk") is None:
        fail("wrk is not installed: run scripts/install-deps.sh")
    data_dir = os.path.join(a.build, "bench-data")
    os.makedirs(data_dir, exist_ok=True)
    batch_files = {"bench.triage": e2e.data_file(data_dir, "triage", 1000000, 2026),
                   "qlik.oem_maintenance": e2e.data_file(data_dir, "qlik", 200000, 2026)}

    work = tempfile.mkdtemp(prefix="proviso-load-")
    policies = os.path.join(work, "policies")
    os.makedirs(policies)
    for _, _, policy_path, _ in WORKLOADS:
        shutil.copy(policy_path, policies)
    err_path = os.path.join(work, "serve.stderr")
    err = open(err_path, "w")
    threads = a.threads or 2 * len(os.sched_getaffinity(0))  # the server's default: two event loops per CPU
    server = subprocess.Popen([proviso, "serve", "--policies", policies, "--listen", "127.0.0.1:0", "--threads",
                               str(threads)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    SERVER.append(server)
    first = server.stderr.readline()
    m = re.fullmatch(r"listening on http://127\.0\.0\.1:(\d+)\n", first)
    if not m:
        fail("proviso serve said: %s" % first)
    port = int(m.group(1))
    threading.Thread(target=lambda: shutil.copyfileobj(server.stderr, err), daemon=True).start()
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port)) as s:
                s.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if s.recv(100).startswith(b"HTTP/1.1 200"):
                    break
        except OSError:
            pass
        time.sleep(0.1)
    print("load: proviso serve on port %d, %d event-loop threads; wrk %d threads, %d connections" %
          (port, threads, a.wrk_threads, a.connections), flush=True)

    # Warm-up, then the timed phases.
    for _, policy, _, inputs in WORKLOADS:
        wrk(port, policy, inputs, 5, a.connections, a.wrk_threads)
    rss_start, cpu_start = rss_kib(server.pid), cpu_seconds(server.pid)
    singles = []
    for title, policy, _, inputs in WORKLOADS:
        seconds = max(1, a.duration // len(WORKLOADS))
        print("load: %s, single requests, %d s" % (title, seconds), flush=True)
        r = wrk(port, policy, inputs, seconds, a.connections, a.wrk_threads)
        r["title"] = title
        singles.append(r)
        print("load:   %.0f requests/s, p50 %.2f ms, p99 %.2f ms, answers %s" %
              (r["rps"], r["p50_us"] / 1000, r["p99_us"] / 1000, r["answers"]), flush=True)
    rss_end, cpu_end = rss_kib(server.pid), cpu_seconds(server.pid)
    total_requests = sum(r["requests"] for r in singles)

    # How throughput and latency move with the number of connections (triage, 5 s each).
    sweep = []
    for connections in (4, 8, 16, 32, 128, 512):
        r = wrk(port, WORKLOADS[0][1], WORKLOADS[0][3], 5, connections, a.wrk_threads)
        r["connections"] = connections
        sweep.append(r)
        print("load: triage with %d connections: %.0f requests/s, p99 %.2f ms" %
              (connections, r["rps"], r["p99_us"] / 1000), flush=True)

    # Batches against `proviso eval`, in turns.
    batches = []
    for title, policy, policy_path, _ in WORKLOADS:
        path = batch_files[policy]
        expected = os.path.join(work, "expected.ndjson")
        with open(expected, "wb") as out:
            subprocess.run([proviso, "eval", policy_path, "--input", path], stdout=out, check=True)
        with open(expected, "rb") as f:
            want = f.read()
        times = {"serve": [], "eval1": [], "eval": []}
        for _ in range(a.batch_runs):
            seconds, got = batch(port, policy, path, len(want))
            if got != want:
                got_lines, want_lines = got.split(b"\n"), want.split(b"\n")
                first_bad = next((i for i, (x, y) in enumerate(zip(got_lines, want_lines)) if x != y),
                                 min(len(got_lines), len(want_lines)))
                fail("batch %s: the answer differs from proviso eval's output at line %d (%d lines, %d expected)" %
                     (policy, first_bad + 1, len(got_lines) - 1, len(want_lines) - 1))
            times["serve"].append(seconds)
            for key, extra in (("eval1", ["--jobs", "1"]), ("eval", [])):
                wall, _ = e2e.checked_run([proviso, "eval", policy_path, "--input", path, *extra], os.devnull,
                                          os.path.join(work, "eval.stderr"))
                times[key].append(wall)
        lines = want.count(b"\n")
        b = {"title": title, "lines": lines, "serve": statistics.median(times["serve"]),
             "eval1": statistics.median(times["eval1"]), "eval": statistics.median(times["eval"]),
             "ratio1": statistics.median(s / e for s, e in zip(times["serve"], times["eval1"])),
             "ratio": statistics.median(s / e for s, e in zip(times["serve"], times["eval"]))}
        batches.append(b)
        print("load: %s batch of %d lines: %.2f s, eval --jobs 1 %.2f s, eval %.2f s; every line checked" %
              (title, lines, b["serve"], b["eval1"], b["eval"]), flush=True)

    server.terminate()
    code = server.wait(timeout=60)
    err.close()

    fives = {r["title"]: sum(v for k, v in r["answers"].items() if k.startswith("5")) for r in singles}
    fives["triage sweep"] = sum(v for r in sweep for k, v in r["answers"].items() if k.startswith("5"))
    socket_errors = {r["title"]: sum(r["errors"][k] for k in ("connect", "read", "write", "timeout"))
                     for r in singles}
    growth = (rss_end - rss_start) / 1024 / (total_requests / 1e6) if total_requests else 0
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    rows = []
    for r in singles:
        answers = ", ".join("%s: %d" % (k, v) for k, v in sorted(r["answers"].items()))
        rows.append("| %s | %d | %.0f | %.2f | %.2f | %.2f | %s | %d |" % (
            r["title"], r["requests"], r["rps"], r["p50_us"] / 1000, r["p99_us"] / 1000, r["p999_us"] / 1000,
            answers, socket_errors[r["title"]]))
    batch_rows = ["| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f |" % (
        b["title"], b["lines"], b["serve"], b["eval1"], b["eval"], b["ratio1"], b["ratio"]) for b in batches]
    report = "\n".join([
        "# `proviso serve` under load (`make load`)",
        "",
        "%s, commit %s, %d CPUs; wrk (%d threads, %d connections) and the server on the same machine; "
        "the server with %d event-loop threads; %d s of single requests in all, after a 5 s warm-up per policy." % (
            now, commit, os.cpu_count(), a.wrk_threads, a.connections, threads, a.duration),
        "",
        "Single requests (one input per POST, every tenth malformed):",
        "",
        "| policy | requests | requests/s | p50 ms | p99 ms | p99.9 ms | answers by kind | socket errors |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "Server memory (VmRSS): %.1f MiB after the warm-up, %.1f MiB at the end, after %d requests: "
        "%.3f MiB per million requests. Server CPU time during the single requests: %.1f s." % (
            rss_start / 1024, rss_end / 1024, total_requests, growth, cpu_end - cpu_start),
        "",
        "Triage with other numbers of connections (5 s each, after the runs above):",
        "",
        "| connections | requests/s | p50 ms | p99 ms | p99.9 ms | 5xx |",
        "|---|---|---|---|---|---|",
        *["| %d | %.0f | %.2f | %.2f | %.2f | %d |" % (
            r["connections"], r["rps"], r["p50_us"] / 1000, r["p99_us"] / 1000, r["p999_us"] / 1000,
            sum(v for k, v in r["answers"].items() if k.startswith("5"))) for r in sweep],
        "",
        "Batches (one POST of the whole file as application/x-ndjson, every answer line checked against "
        "`proviso eval`; medians of %d runs in turns):" % a.batch_runs,
        "",
        "| policy | lines | serve s | eval --jobs 1 s | eval s | serve / eval --jobs 1 | serve / eval |",
        "|---|---|---|---|---|---|---|",
        *batch_rows,
        "",
        "5xx answers: %s. Server exit status after SIGTERM: %d." % (
            ", ".join("%s %d" % kv for kv in fives.items()), code),
        ""])
    with open(a.out, "w") as f:
        f.write(report)
    print(report)
    shutil.rmtree(work, ignore_errors=True)
    if any(fives.values()) or any(socket_errors.values()) or code != 0:
        fail("5xx answers, socket errors or an unclean stop: see the report")


if __name__ == "__main__":
    main()
