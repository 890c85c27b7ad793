#!/usr/bin/env python3
"""`proviso serve` end to end, on an ephemeral loopback port.

Every endpoint; evaluations compared byte for byte with `proviso eval`; batches streamed both
ways; pinned versions; reloads (admin, SIGHUP, file changes) of good and broken policies while
other threads keep evaluating (no request fails, every answer is wholly the old or the new
version's); name conflicts; limits (413, a line too long, 503 on overload, the request
timeout); malformed HTTP and JSON; the decision log (and `proviso diff --cases` reading it);
SIGTERM draining a batch in flight.

Usage: serve_test.py PROVISO SOURCE_DIR WORK_DIR
"""
import atexit
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import jsonschema

proviso, source, work = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []
TOKEN = "test-token-0123456789abcdef"


def check(what, ok, detail=""):
    if not ok:
        failures.append(f"{what}: {detail}" if detail else what)
        print(f"FAIL {what} {detail}"[:2000], flush=True)


def read(path):
    with open(os.path.join(source, path), encoding="utf-8") as f:
        return f.read()


def eval_lines(policy_path, text, *args):
    out = subprocess.run([proviso, "eval", policy_path, "--input", "-", *args], input=text, capture_output=True,
                         text=True)
    return out.stdout


class Server:
    def __init__(self, name, *args, policies=None):
        self.dir = policies or os.path.join(work, name)
        self.stderr_path = os.path.join(work, name + ".stderr")
        self.err = open(self.stderr_path, "w")
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(work, "cache"))
        self.proc = subprocess.Popen([proviso, "serve", "--policies", self.dir, "--listen", "127.0.0.1:0", *args],
                                     stderr=subprocess.PIPE, text=True, env=env)
        # A server left running when the test stops early would hold ctest's output pipe open
        # until the test's timeout: it is killed at exit, whatever happened.
        atexit.register(lambda p=self.proc: p.poll() is None and p.kill())
        self.first_line = self.proc.stderr.readline().rstrip("\n")
        m = re.fullmatch(r"listening on http://127\.0\.0\.1:(\d+)", self.first_line)
        if not m:
            raise SystemExit(f"{name}: the first line on stderr is `{self.first_line}`")
        self.port = int(m.group(1))
        # The rest of stderr goes to a file, read by a thread so the pipe never fills.
        self.pump = threading.Thread(target=self._pump, daemon=True)
        self.pump.start()
        self.wait_ready()

    def _pump(self):
        for line in self.proc.stderr:
            self.err.write(line)
            self.err.flush()

    def stderr(self):
        with open(self.stderr_path, encoding="utf-8") as f:
            return f.read()

    def wait_ready(self, want=200, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            try:
                status, _, _ = self.request("GET", "/readyz")
                if status == want:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise SystemExit(f"the server did not answer /readyz with {want}")

    def request(self, method, path, body=None, headers=None, conn=None):
        c = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        if conn is None:
            c.close()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data

    def json(self, method, path, body=None, headers=None):
        status, h, data = self.request(method, path, body, headers)
        try:
            return status, h, json.loads(data)
        except ValueError:
            return status, h, {"unparsed": data.decode("utf-8", "replace")}

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=60)
        self.pump.join(timeout=5)
        return code


def error_code(body):
    return body.get("error", {}).get("code") if isinstance(body, dict) else None


# ---- The policy directory ----

main_dir = os.path.join(work, "main")
os.makedirs(os.path.join(main_dir, "qlik"))
os.makedirs(os.path.join(main_dir, ".hidden"))
shutil.copy(os.path.join(source, "policies/bench/triage.policy"), os.path.join(main_dir, "triage.policy"))
shutil.copy(os.path.join(source, "policies/qlik/oem_maintenance.policy"), os.path.join(main_dir, "qlik"))
shutil.copytree(os.path.join(source, "tests/policies/modules"), os.path.join(main_dir, "modules"))
# A hidden directory (as a Kubernetes ConfigMap mount has) is not read.
shutil.copy(os.path.join(source, "policies/bench/triage.policy"), os.path.join(main_dir, ".hidden", "triage.policy"))
token_file = os.path.join(work, "token")
with open(token_file, "w") as f:
    f.write(TOKEN + "\n")
log_path = os.path.join(work, "decisions.ndjson")
triage_path = os.path.join(main_dir, "triage.policy")
triage_text = read("policies/bench/triage.policy")
triage_cases = read("policies/bench/triage.ndjson")
qlik_cases = read("policies/qlik/deadlines.ndjson")
qlik_path = os.path.join(main_dir, "qlik", "oem_maintenance.policy")

srv = Server("main", "--log", log_path, "--admin-token-file", token_file, "--max-body", "65536",
             "--watch-interval", "0.2", "--threads", "8", policies=main_dir)
print(f"server on port {srv.port}", flush=True)

# ---- Health, readiness, listing ----

status, h, body = srv.json("GET", "/healthz")
check("healthz", status == 200 and body == {"status": "alive"}, f"{status} {body}")
check("every response has an X-Request-Id", len(h.get("x-request-id", "")) == 32, str(h))
status, _, body = srv.json("GET", "/readyz")
check("readyz", status == 200, f"{status} {body}")

status, _, body = srv.json("GET", "/v1/policies")
names = [p["name"] for p in body.get("policies", [])]
check("/v1/policies lists the three policies by name, not the module files or hidden ones",
      names == ["bench.triage", "qlik.oem_maintenance", "tests.modules"], str(names))
triage = next((p for p in body.get("policies", []) if p["name"] == "bench.triage"), {})
check("a listed policy has its header, hash, inputs and decisions",
      triage.get("title") == "Support triage (benchmark workload)" and triage.get("version") == "1.0"
      and triage.get("effective") == "2024-01-01" and re.fullmatch(r"sha256:[0-9a-f]{64}", triage.get("content_hash", ""))
      and {"name": "covered", "type": "bool", "clause": "7.2"} in triage.get("decisions", [])
      and triage.get("inputs") == [{"name": "case", "type": "case", "optional": False}], str(triage))
hash_v1 = triage.get("content_hash")

status, h, body = srv.json("GET", "/v1/policies/bench.triage")
schema_cli = json.loads(subprocess.run([proviso, "schema", triage_path], capture_output=True, text=True).stdout)
check("/v1/policies/{name} carries the input schema of `proviso schema`",
      status == 200 and body.get("input_schema") == schema_cli and h.get("proviso-policy-hash") == hash_v1,
      f"{status} {str(body)[:300]}")
validator = jsonschema.Draft202012Validator(body.get("input_schema", {}))
for line in triage_cases.splitlines()[:50]:
    check("a sample case is valid under the served schema", validator.is_valid(json.loads(line)), line)
status, _, body = srv.json("GET", "/v1/policies/no.such")
check("an unknown policy is 404 policy_not_found", status == 404 and error_code(body) == "policy_not_found"
      and "bench.triage" in body["error"]["message"], f"{status} {body}")
status, _, body = srv.json("GET", f"/v1/policies/bench.triage@sha256:{'0' * 64}")
check("a GET pinned to another version is 409", status == 409 and error_code(body) == "version_mismatch",
      f"{status} {body}")

# ---- OpenAPI ----

status, _, doc = srv.json("GET", "/v1/openapi.json")
check("openapi.json is OpenAPI 3.1", status == 200 and doc.get("openapi") == "3.1.0", str(doc)[:200])
paths = doc.get("paths", {})
for p in ["/v1/policies", "/v1/policies/{name}", "/v1/policies/{name}/evaluate", "/healthz", "/readyz",
          "/metrics", "/v1/openapi.json", "/v1/admin/reload", "/v1/admin/status"]:
    check(f"openapi.json describes {p}", p in paths)
for name in names:
    op = paths.get(f"/v1/policies/{name}/evaluate", {}).get("post", {})
    schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    check(f"openapi.json has {name}'s evaluate path with its input schema", schema is not None)
    if schema:
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as e:
            check(f"{name}'s input schema in openapi.json is valid", False, e.message)
        if name == "bench.triage":
            v = jsonschema.Draft202012Validator(schema)
            check("the embedded schema validates a case", v.is_valid(json.loads(triage_cases.splitlines()[0])))

# ---- Evaluating one input ----

expected = eval_lines(triage_path, triage_cases).splitlines()
lines = triage_cases.splitlines()
conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
for i, line in enumerate(lines[:200]):
    status, h, data = srv.request("POST", "/v1/policies/bench.triage/evaluate", line.encode(),
                                  {"Content-Type": "application/json"}, conn=conn)
    ok = status == 200 and data.decode() == expected[i] + "\n"
    check(f"triage line {i + 1} over one keep-alive connection is eval's line", ok, f"{status} {data[:200]}")
    if not ok:
        break
check("the answer names the policy and its version",
      h.get("proviso-policy") == "bench.triage" and h.get("proviso-policy-hash") == hash_v1, str(h))
conn.close()
qlik_expected = eval_lines(qlik_path, qlik_cases).splitlines()
for i, line in enumerate(qlik_cases.splitlines()[:40]):
    status, _, data = srv.request("POST", "/v1/policies/qlik.oem_maintenance/evaluate", line.encode(),
                                  {"Content-Type": "application/json; charset=utf-8"})
    check(f"Qlik OEM line {i + 1} is eval's line", status == 200 and data.decode() == qlik_expected[i] + "\n",
          f"{status} {data[:300]}")

status, h, _ = srv.request("POST", "/v1/policies/bench.triage/evaluate", lines[0].encode(),
                           {"Content-Type": "application/json", "X-Request-Id": "req-42"})
check("a client's X-Request-Id is echoed", h.get("x-request-id") == "req-42", str(h))
status, _, body = srv.json("POST", "/v1/policies/bench.triage/evaluate?decision=covered&decision=exclusion",
                           lines[0].encode(), {"Content-Type": "application/json"})
check("?decision= keeps only those decisions", status == 200 and
      sorted(body.get("decisions", {}).keys()) == ["covered", "exclusion"], f"{status} {body}")
status, _, body = srv.json("POST", "/v1/policies/bench.triage/evaluate?explain=true", lines[0].encode(),
                           {"Content-Type": "application/json"})
check("?explain=true adds the explanation", status == 200 and "explain" in body, f"{status} {str(body)[:200]}")
check("?explain=true is eval --explain's line",
      json.dumps(body, separators=(",", ":")) ==
      eval_lines(triage_path, lines[0] + "\n", "--explain").strip(), str(body)[:300])
for query, code in [("decision=nope", "unknown_decision"), ("explain=maybe", "bad_parameter"),
                    ("colour=red", "bad_parameter")]:
    status, _, body = srv.json("POST", f"/v1/policies/bench.triage/evaluate?{query}", lines[0].encode(),
                               {"Content-Type": "application/json"})
    check(f"?{query} is 400 {code}", status == 400 and error_code(body) == code, f"{status} {body}")

for body_text, what in [('{"case": {}}', "a record without its fields"), ("{", "text that is not JSON"),
                        ('{"case": {"tier": "Enterprise"}} trailing', "JSON followed by more text")]:
    status, _, data = srv.request("POST", "/v1/policies/bench.triage/evaluate", body_text.encode(),
                                  {"Content-Type": "application/json"})
    check(f"{what} is answered 200 with eval's error line", status == 200 and
          data.decode() == eval_lines(triage_path, body_text + "\n").rstrip("\n") + "\n" and b'"error"' in data,
          f"{status} {data[:300]}")

status, _, body = srv.json("POST", "/v1/policies/bench.triage/evaluate", b"", {"Content-Type": "application/json"})
check("an empty body is 400 empty_body", status == 400 and error_code(body) == "empty_body", f"{status} {body}")
status, _, body = srv.json("POST", "/v1/policies/bench.triage/evaluate", lines[0].encode(),
                           {"Content-Type": "text/plain"})
check("text/plain is 415", status == 415 and error_code(body) == "unsupported_media_type", f"{status} {body}")
status, _, body = srv.json("POST", "/v1/policies/bench.triage/evaluate", lines[0].encode(),
                           {"Content-Type": "application/json; charset=latin-1"})
check("a charset other than UTF-8 is 415", status == 415, f"{status} {body}")
status, _, body = srv.json("POST", "/v1/policies/nope/evaluate", lines[0].encode(), {"Content-Type": "application/json"})
check("evaluating an unknown policy is 404", status == 404 and error_code(body) == "policy_not_found")
status, h, data = srv.request("POST", f"/v1/policies/bench.triage@{hash_v1}/evaluate", lines[0].encode(),
                              {"Content-Type": "application/json"})
check("a request pinned to the loaded version is answered", status == 200 and data.decode() == expected[0] + "\n",
      f"{status} {data[:200]}")
status, _, body = srv.json("POST", f"/v1/policies/bench.triage@sha256:{'0' * 64}/evaluate", lines[0].encode(),
                           {"Content-Type": "application/json"})
check("a request pinned to another version is 409 with the loaded hash",
      status == 409 and error_code(body) == "version_mismatch" and body["error"].get("loaded_hash") == hash_v1,
      f"{status} {body}")
status, h, body = srv.json("GET", "/v1/policies/bench.triage/evaluate")
check("GET on evaluate is 405 with Allow: POST", status == 405 and h.get("allow") == "POST", f"{status} {h}")
status, _, body = srv.json("DELETE", "/v1/policies")
check("DELETE /v1/policies is 405", status == 405 and error_code(body) == "method_not_allowed", f"{status} {body}")
status, _, body = srv.json("GET", "/nowhere")
check("an unknown path is 404 not_found", status == 404 and error_code(body) == "not_found", f"{status} {body}")

# ---- Limits ----

big = json.dumps({"case": {"tier": "x" * 70000}})
status, h, body = srv.json("POST", "/v1/policies/bench.triage/evaluate", big.encode(), {"Content-Type": "application/json"})
check("a body over --max-body is 413", status == 413 and error_code(body) == "body_too_large", f"{status} {body}")


def chunks(data, size=1000):
    for i in range(0, len(data), size):
        yield data[i:i + size]


# 1.4 MB, twenty times --max-body: the server answers 413 after 64 KiB and reads and drops the
# rest before it closes (a lingering close), so the client can send it all and read the answer;
# closing at once would reset the connection under the client's feet.
huge = json.dumps({"case": {"tier": "x" * 1400000}})
c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
c.request("POST", "/v1/policies/bench.triage/evaluate", body=chunks(huge.encode()),
          headers={"Content-Type": "application/json"}, encode_chunked=True)
r = c.getresponse()
data = r.read()
c.close()
check("a chunked body over --max-body is 413", r.status == 413, f"{r.status} {data[:200]}")

# ---- Batches ----

status, h, data = srv.request("POST", "/v1/policies/bench.triage/evaluate", triage_cases.encode(),
                              {"Content-Type": "application/x-ndjson"})
check("an NDJSON batch gives eval's output byte for byte",
      status == 200 and data.decode() == "\n".join(expected) + "\n", f"{status} {len(data)} bytes")
check("a batch's answer is chunked NDJSON", h.get("transfer-encoding") == "chunked" and
      h.get("content-type") == "application/x-ndjson", str(h))
c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
c.request("POST", "/v1/policies/qlik.oem_maintenance/evaluate", body=chunks(qlik_cases.encode(), 777),
          headers={"Content-Type": "application/x-ndjson"}, encode_chunked=True)
r = c.getresponse()
data = r.read()
c.close()
check("a chunked batch, cut at arbitrary bytes, gives eval's output",
      r.status == 200 and data.decode() == "\n".join(qlik_expected) + "\n", f"{r.status} {data[:300]}")
# Large enough for many blocks in flight at once (BatchBody), sent whole and in uneven chunks.
many = triage_cases * 12
many_expected = ("\n".join(expected) + "\n") * 12
status, _, data = srv.request("POST", "/v1/policies/bench.triage/evaluate", many.encode(),
                              {"Content-Type": "application/x-ndjson"})
check("a batch of 12,000 lines gives eval's output byte for byte", status == 200 and data.decode() == many_expected,
      f"{status} {len(data)} bytes, {len(many_expected)} expected")
for size in (70001, 4093):
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    c.request("POST", "/v1/policies/bench.triage/evaluate", body=chunks(many.encode(), size),
              headers={"Content-Type": "application/x-ndjson"}, encode_chunked=True)
    r = c.getresponse()
    data = r.read()
    c.close()
    check(f"the same batch in chunks of {size} bytes gives the same output", r.status == 200 and
          data.decode() == many_expected, f"{r.status} {len(data)} bytes")
long_line = json.dumps({"case": {"tier": "y" * 70000}})
batch = lines[0] + "\n\n" + long_line + "\n" + "{oops\n" + lines[1] + "\n" + long_line + "\n" + lines[2]
status, _, data = srv.request("POST", "/v1/policies/bench.triage/evaluate", batch.encode(),
                              {"Content-Type": "application/x-ndjson"})
out = data.decode().splitlines()
check("a batch answers each non-blank line, lines too long and a broken line with their errors, numbered",
      status == 200 and len(out) == 6 and out[0] == expected[0] and out[3] == expected[1] and out[5] == expected[2]
      and "line 3 is longer than the limit of 65536 bytes" in out[1] and '"error"' in out[2]
      and "line 6 is longer than the limit of 65536 bytes" in out[4], f"{status} {out}")
status, _, data = srv.request("POST", "/v1/policies/bench.triage/evaluate", b"", {"Content-Type": "application/x-ndjson"})
check("an empty batch gives no lines", status == 200 and data == b"", f"{status} {data}")

# ---- Malformed HTTP ----


def raw_rest(s):
    """What the server sends on `s` until it closes it (or 5 s pass), then closes it."""
    got = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            got += d
    except socket.timeout:
        pass
    s.close()
    return got


def raw(payload, timeout=5):
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=timeout)
    s.sendall(payload)
    return raw_rest(s)


got = raw(b"GARBAGE\r\n\r\n")
check("a request line that is not HTTP is 400 with a JSON error", got.startswith(b"HTTP/1.1 400") and
      b'"code":"bad_request"' in got, got[:300].decode("latin-1"))
got = raw(b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
check("a URI over 8 KiB is 414", got.startswith(b"HTTP/1.1 414"), got[:200].decode("latin-1"))
got = raw(b"POST /v1/policies/bench.triage/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
          b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n" % (len(lines[0]) + 1) + lines[0].encode() + b"\n\r\nZZ\r\n")
check("a batch whose chunked body breaks off ends without its last chunk",
      got.startswith(b"HTTP/1.1 200") and not got.endswith(b"0\r\n\r\n"), got[-100:].decode("latin-1"))

head = (b"POST /v1/policies/bench.triage/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(lines[0]))
s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
s.sendall(head)
interim = s.recv(25)
s.sendall(lines[0].encode())
got = interim + raw_rest(s)
check("Expect: 100-continue gets 100 Continue before the body is sent, then the answer",
      interim == b"HTTP/1.1 100 Continue\r\n\r\n" and b"HTTP/1.1 200 OK" in got and
      got.endswith(expected[0].encode() + b"\n"), got[:300].decode("latin-1"))
got = raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\n\r\n"
          b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
check("pipelined requests are answered in order", got.count(b"HTTP/1.1 200 OK") == 3 and
      got.index(b'"alive"') < got.index(b'"ready"') < got.rindex(b'"alive"'), got[-300:].decode("latin-1"))
got = raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
          b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
check("a body no endpoint reads is skipped and the connection goes on", got.count(b"HTTP/1.1 200 OK") == 2, got[-200:])
got = raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n")
check("headers over 8 KiB are 431", got.startswith(b"HTTP/1.1 431") and b'"code":"headers_too_large"' in got,
      got[:200].decode("latin-1"))
batch10 = ("\n".join(lines[:3]) + "\n").encode()
got = raw(b"POST /v1/policies/bench.triage/evaluate HTTP/1.0\r\nContent-Type: application/x-ndjson\r\n"
          b"Content-Length: %d\r\n\r\n" % len(batch10) + batch10)
head_end = got.find(b"\r\n\r\n")
check("an HTTP/1.0 batch is answered unchunked, ending with the connection",
      got.startswith(b"HTTP/1.0 200") and b"chunked" not in got[:head_end].lower() and
      got[head_end + 4:] == ("\n".join(expected[:3]) + "\n").encode(), got[:400].decode("latin-1"))
status, _, body = srv.json("POST", "/v1/policies/bench.triage/evaluate?decision=cov%65red", lines[0].encode(),
                           {"Content-Type": "application/json"})
check("the query is percent-decoded", status == 200 and list(body.get("decisions", {}).keys()) == ["covered"],
      f"{status} {body}")

# A batch's outcomes are counted one by one, as eval would class each line: one evaluates, one
# has a decision that fails (the auto-resolve deadline runs past the holidays' last year), one
# cannot be read at all. With a decision log each line's Evaluation is logged; without one
# (no_admin, below) the lines are written in place (Session::append_json_line).
def outcome_counts(server, policy):
    _, _, data = server.request("GET", "/metrics")
    counts = {}
    for outcome in ("ok", "decision_error", "input_error"):
        m = re.search(r'^proviso_evaluations_total\{policy="%s",outcome="%s"\} (\d+)$' % (policy, outcome),
                      data.decode(), re.M)
        counts[outcome] = int(m.group(1)) if m else 0
    return counts


def check_batch_outcomes(server, how):
    good = qlik_cases.splitlines()[0]
    late = json.loads(good)
    late["case"]["awaiting_partner_since"] = "9999-12-30T09:00:00Z"
    mixed = "\n".join([good, json.dumps(late), '{"case": 1}']) + "\n"
    before = outcome_counts(server, "qlik.oem_maintenance")
    status, _, data = server.request("POST", "/v1/policies/qlik.oem_maintenance/evaluate", mixed.encode(),
                                     {"Content-Type": "application/x-ndjson"})
    after = outcome_counts(server, "qlik.oem_maintenance")
    check(f"{how}: a batch with a failing decision and an unreadable line gives eval's output",
          status == 200 and data.decode() == eval_lines(qlik_path, mixed) and '"errors":' in data.decode(),
          data.decode()[:400])
    check(f"{how}: a batch counts each line's outcome", {k: after[k] - before[k] for k in after} ==
          {"ok": 1, "decision_error": 1, "input_error": 1}, f"{before} -> {after}")


check_batch_outcomes(srv, "with a decision log")

# ---- Metrics ----

status, h, data = srv.request("GET", "/metrics")
text = data.decode()
check("metrics are Prometheus text", status == 200 and h.get("content-type", "").startswith("text/plain"), str(h))
for line in text.splitlines():
    if line and not line.startswith("#"):
        check("every metric is named proviso_*", line.startswith("proviso_"), line)
m = re.search(r'^proviso_evaluations_total\{policy="bench.triage",outcome="ok"\} (\d+)$', text, re.M)
check("evaluations are counted by policy and outcome", m and int(m.group(1)) >= 1200, str(m))
check("input errors are counted", re.search(r'proviso_evaluations_total\{policy="bench.triage",outcome="input_error"\} [1-9]',
                                            text) is not None)
check("latency histograms by endpoint", 'proviso_http_request_duration_seconds_bucket{endpoint="evaluate",le="+Inf"}' in text)
check("requests by endpoint and status", 'proviso_http_requests_total{endpoint="evaluate",code="413"}' in text and
      'proviso_http_requests_total{endpoint="malformed",code="400"}' in text)
check("the loaded hash per policy", f'proviso_policy_loaded_info{{policy="bench.triage",hash="{hash_v1}"}} 1' in text)
check("compile times per policy", re.search(r'proviso_policy_compile_seconds\{policy="qlik.oem_maintenance"\} [0-9.e-]+',
                                            text) is not None)
check("requests in flight", re.search(r"^proviso_http_requests_in_flight \d+$", text, re.M) is not None)

# ---- Admin ----

status, h, body = srv.json("POST", "/v1/admin/reload")
check("reload without a token is 401", status == 401 and h.get("www-authenticate") == "Bearer", f"{status} {body}")
status, _, body = srv.json("POST", "/v1/admin/reload", headers={"Authorization": "Bearer wrong-token-0123456789ab"})
check("reload with a wrong token is 401", status == 401 and error_code(body) == "unauthorized", f"{status} {body}")
auth = {"Authorization": "Bearer " + TOKEN}
status, _, body = srv.json("POST", "/v1/admin/reload", headers=auth)
check("reload with the token", status == 200 and body.get("ok") is True and
      sorted(body.get("unchanged", [])) == names, f"{status} {body}")
status, _, body = srv.json("GET", "/v1/admin/status", headers=auth)
check("admin status lists the versions serving", status == 200 and
      [p["name"] for p in body.get("policies", [])] == names and body.get("problems") == [], f"{status} {body}")

# ---- Reloads under load ----

# A response time changes: Enterprise severity 1 by phone, 30 minutes -> 37.
triage_v2 = triage_text.replace("| Phone     | 30  |", "| Phone     | 37  |", 1)
v2_path = os.path.join(work, "triage_v2.policy")
with open(v2_path, "w") as f:
    f.write(triage_v2)
expected_v2 = eval_lines(v2_path, triage_cases).splitlines()
check("the edited policy answers differently", expected_v2 != expected)

answers = {"v1": 0, "v2": 0}
problems = []
stop = threading.Event()
seen_hashes = set()


def hammer(seed):
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    i = seed
    while not stop.is_set():
        i = (i + 7) % len(lines)
        try:
            c.request("POST", "/v1/policies/bench.triage/evaluate", body=lines[i].encode(),
                      headers={"Content-Type": "application/json"})
            r = c.getresponse()
            data = r.read().decode()
        except Exception as e:  # noqa: BLE001 - any failure is the finding
            problems.append(f"request failed: {e!r}")
            c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
            continue
        h = r.getheader("Proviso-Policy-Hash")
        seen_hashes.add(h)
        if r.status != 200:
            problems.append(f"status {r.status}: {data[:200]}")
        elif h == hash_v1 and data == expected[i] + "\n":
            answers["v1"] += 1
        elif h != hash_v1 and data == expected_v2[i] + "\n":
            answers["v2"] += 1
        else:
            problems.append(f"line {i + 1} under {h}: {data[:200]} is neither version's answer")
    c.close()


threads = [threading.Thread(target=hammer, args=(k,)) for k in range(3)]
for t in threads:
    t.start()
time.sleep(0.3)
# Reload by file change (the watcher), back by SIGHUP, forth again by the admin endpoint.
with open(triage_path, "w") as f:
    f.write(triage_v2)
deadline = time.time() + 10
while time.time() < deadline and answers["v2"] == 0:
    time.sleep(0.05)
check("a changed file is reloaded by the watcher", answers["v2"] > 0, str(answers))
with open(triage_path, "w") as f:
    f.write(triage_text)
os.utime(triage_path)
srv.proc.send_signal(signal.SIGHUP)
time.sleep(0.6)
with open(triage_path, "w") as f:
    f.write(triage_v2)
status, _, body = srv.json("POST", "/v1/admin/reload", headers=auth)
# The watcher may have loaded it first; either way the new version serves after the reload.
_, h, _ = srv.request("GET", "/v1/policies/bench.triage")
check("the admin reload loads the new version", status == 200 and body.get("ok") is True and
      h.get("proviso-policy-hash") not in (None, hash_v1), f"{status} {body} {h.get('proviso-policy-hash')}")
time.sleep(0.3)
# A broken version: the last good one keeps serving.
with open(triage_path, "w") as f:
    f.write(triage_v2.replace("policy bench.triage", "policy bench.triage\n  nonsense here", 1))
status, _, body = srv.json("POST", "/v1/admin/reload", headers=auth)
check("a broken policy is reported by the reload", status == 200 and body.get("ok") is False and
      body["problems"][0]["serving_previous_version"] is True and "triage.policy:" in body["problems"][0]["message"],
      f"{status} {body}")
time.sleep(0.5)
stop.set()
for t in threads:
    t.join()
check("no request failed or mixed versions during the reloads", not problems, "; ".join(problems[:5]))
check("both versions answered during the reloads", answers["v1"] > 0 and answers["v2"] > 0, str(answers))
status, h, data = srv.request("POST", "/v1/policies/bench.triage/evaluate", lines[0].encode(),
                              {"Content-Type": "application/json"})
check("after a broken edit the previous version serves", status == 200 and data.decode() == expected_v2[0] + "\n"
      and h.get("proviso-policy-hash") != hash_v1, f"{status} {data[:200]}")
status, _, body = srv.json("GET", "/readyz")
check("readyz stays 200 while the previous version serves", status == 200, f"{status} {body}")
status, _, body = srv.json("GET", "/v1/admin/status", headers=auth)
check("admin status shows the diagnostics", any("triage.policy" in p["file"] and "error" in p["message"]
                                                 for p in body.get("problems", [])), str(body)[:500])
check("the server's log has the diagnostics", "not loaded: triage.policy" in srv.stderr(), srv.stderr()[-500:])
status, _, data = srv.request("GET", "/metrics")
check("failed reloads are counted", re.search(r'proviso_reloads_total\{result="failed"\} [1-9]', data.decode()) is not None)

# A new file that never compiled: no version serves it, so the server is not ready.
broken_new = os.path.join(main_dir, "broken.policy")
with open(broken_new, "w") as f:
    f.write("policy broken.one \"Broken\"\n  this is not a policy\n")
srv.wait_ready(503, timeout=10)
status, _, body = srv.json("GET", "/readyz")
check("readyz is 503 while a policy has no version", status == 503 and "broken.policy" in body["error"]["message"],
      f"{status} {body}")
os.remove(broken_new)
srv.wait_ready(200, timeout=10)
# Two files declaring one name: the second (in path order) is not loaded, and it is reported.
os.makedirs(os.path.join(main_dir, "zz"))
shutil.copy(qlik_path, os.path.join(main_dir, "zz", "copy.policy"))
with open(triage_path, "w") as f:
    f.write(triage_text)
status, _, body = srv.json("POST", "/v1/admin/reload", headers=auth)
conflict = [p for p in body.get("problems", []) if p["file"] == "zz/copy.policy"]
check("a second file declaring a name is not loaded and is reported",
      len(conflict) == 1 and "already served from qlik/oem_maintenance.policy" in conflict[0]["message"], str(body))
status, _, _ = srv.json("GET", "/readyz")
check("a name conflict does not make the server unready", status == 200)
shutil.rmtree(os.path.join(main_dir, "zz"))

# ---- Overload and timeouts (a second server with one worker) ----

small = Server("small", "--threads", "1", "--max-connections", "1", "--request-timeout", "1", "--watch-interval", "0",
               policies=main_dir)
time.sleep(0.3)  # the readiness checks' connections are closed
hold = http.client.HTTPConnection("127.0.0.1", small.port, timeout=10)
status, _, _ = small.request("GET", "/healthz", conn=hold)  # the one connection allowed, kept open
check("the one connection allowed is answered", status == 200, str(status))
status, h, body = small.json("GET", "/healthz")
check("a connection beyond --max-connections is answered 503 with Retry-After", status == 503 and
      h.get("retry-after") == "1" and error_code(body) == "overloaded", f"{status} {h} {body}")
hold.close()
time.sleep(0.2)
s = socket.create_connection(("127.0.0.1", small.port), timeout=10)
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # headers never finished
start = time.time()
got = s.recv(1000)
s.close()
check("a request that makes no progress for --request-timeout is closed", time.time() - start < 8, got[:100])
time.sleep(0.3)  # the timed-out connection is closed
status, _, _ = small.json("GET", "/healthz")
check("the server serves again after the timeout", status == 200, f"{status} {got!r} {time.time() - start:.2f}s")
# One event loop, so one thread's sessions: ten decision sets (over the 8 a thread keeps) and
# the first ones again, each answer exactly eval's decisions for that set.
full = json.loads(expected[0])["decisions"]
time.sleep(0.3)  # the last connection is closed: the one allowed is free
keep = http.client.HTTPConnection("127.0.0.1", small.port, timeout=10)
asked = [(d, e) for e in ("false", "true") for d in sorted(full)]
for d, e in asked + asked[:3]:
    status, _, data = small.request("POST", f"/v1/policies/bench.triage/evaluate?decision={d}&explain={e}",
                                    lines[0].encode(), {"Content-Type": "application/json"}, conn=keep)
    got = json.loads(data) if status == 200 else {}
    check(f"decision={d}&explain={e} gives that decision alone, as eval does, after other sessions were made",
          got.get("decisions") == {d: full[d]} and ("explain" in got) == (e == "true"), f"{status} {data[:200]}")
keep.close()
check("SIGINT stops a server with exit 0", small.stop(signal.SIGINT) == 0)

taken = subprocess.run([proviso, "serve", "--policies", main_dir, "--listen", f"127.0.0.1:{srv.port}"],
                       capture_output=True, text=True, timeout=60)
check("a port in use is an error, not a second server sharing it",
      taken.returncode == 1 and f"cannot listen on 127.0.0.1:{srv.port}" in taken.stderr, taken.stderr[-300:])
no_admin = Server("noadmin", "--watch-interval", "0", policies=main_dir)
status, _, body = no_admin.json("POST", "/v1/admin/reload", headers=auth)
check("without --admin-token-file the admin endpoints are 404", status == 404, f"{status} {body}")
check_batch_outcomes(no_admin, "without a decision log")
no_admin.stop()

# ---- SIGTERM drains a batch in flight ----

n_lines = 300


def slow_body():
    for i in range(n_lines):
        yield (lines[i % len(lines)] + "\n").encode()
        if i % 30 == 0:
            time.sleep(0.1)


result = {}


def slow_batch():
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    c.request("POST", "/v1/policies/bench.triage/evaluate?decision=covered", body=slow_body(),
              headers={"Content-Type": "application/x-ndjson", "X-Request-Id": "drain-1"}, encode_chunked=True)
    r = c.getresponse()
    result["status"] = r.status
    result["lines"] = r.read().decode().splitlines()


idle = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
status, _, _ = srv.request("GET", "/healthz", conn=idle)  # kept alive, then left idle
t = threading.Thread(target=slow_batch)
t.start()
time.sleep(0.35)
stopped_at = time.time()
srv.proc.send_signal(signal.SIGTERM)
t.join(timeout=60)
code = srv.proc.wait(timeout=60)
stop_seconds = time.time() - stopped_at
srv.pump.join(timeout=5)
check("SIGTERM closes an idle kept-alive connection at once (not after its 5 s keep-alive)",
      status == 200 and idle.sock.recv(100) == b"" and stop_seconds < 3, f"{status} {stop_seconds:.2f}s")
idle.close()
check("SIGTERM lets the batch in flight finish", result.get("status") == 200 and len(result.get("lines", [])) == n_lines,
      f"{result.get('status')} {len(result.get('lines', []))} lines")
check("the server exits 0 after draining", code == 0, f"{code} after {stop_seconds:.2f} s")
check("it says it drains and stops", "finishing the requests in flight" in srv.stderr() and
      "proviso serve: stopped" in srv.stderr(), srv.stderr()[-300:])
try:
    socket.create_connection(("127.0.0.1", srv.port), timeout=2).close()
    check("after SIGTERM the port is closed", False)
except OSError:
    pass

# ---- The decision log ----

with open(log_path, encoding="utf-8") as f:
    log_lines = f.read().splitlines()
records = [json.loads(x) for x in log_lines]
check("one log line per evaluated input", len(records) > 2000, str(len(records)))
first = records[0]
check("a log line has time, request id, policy, hash, versions, decisions, input and output",
      list(first.keys())[:6] == ["time", "request_id", "policy", "hash", "versions", "decisions"]
      and set(first["versions"]) == {"proviso", "tzdata", "stdlib"} and "input" in first and "output" in first,
      str(first)[:400])
drained = [r for r in records if r["request_id"] == "drain-1"]
check("the drained batch is in the log, flushed", len(drained) == n_lines and drained[-1]["line"] == n_lines,
      str(len(drained)))
check("its lines name the decisions asked for", all(r["decisions"] == ["covered"] for r in drained))
tagged = [r for r in records if r["request_id"] == "req-42"]
check("the client's request id is logged", len(tagged) == 1 and tagged[0]["input"] == json.loads(lines[0]))
bad = [r for r in records if "input_text" in r]
check("an input that is not JSON is logged as text", any(r["input_text"] == "{" for r in bad), str(bad[:2]))
diff = subprocess.run([proviso, "diff", os.path.join(source, "policies/bench/triage.policy"), v2_path, "--cases",
                       log_path, "--format", "json"], capture_output=True, text=True)
replayable = [r for r in records if r["policy"] == "bench.triage" and "input" in r and "error" not in r["output"]]
cases = json.loads(diff.stdout).get("cases", {}) if diff.returncode in (0, 3) else {}
check("`proviso diff --cases` replays the log's triage inputs and skips the other lines",
      cases.get("total") == len(replayable) and cases.get("skipped_log_lines") == len(records) - len(replayable)
      and cases.get("changed", 0) > 0, f"{diff.returncode} {cases if cases else diff.stderr[-500:]}")

# ---- Command-line errors ----

for args, code, message in [
        ([], 2, "--policies is required"),
        (["--policies", os.path.join(work, "nowhere")], 1, "cannot read the policy directory"),
        (["--policies", main_dir, "--listen", "nope"], 2, "--listen: expected HOST:PORT, not `nope`"),
        (["--policies", main_dir, "--listen", "127.0.0.1:70000"], 2, "the port must be a number from 0 to 65535"),
        (["--policies", main_dir, "--admin-token-file", os.path.join(work, "short")], 1, "at least 16 characters"),
        (["--policies", main_dir, "--max-connections", "0"], 2, "--max-connections"),
        (["--policies", main_dir, "--threads", "0"], 2, "--threads")]:
    with open(os.path.join(work, "short"), "w") as f:
        f.write("abc\n")
    out = subprocess.run([proviso, "serve", *args], capture_output=True, text=True, timeout=60)
    check(f"serve {' '.join(args)} exits {code} saying why", out.returncode == code and message in out.stderr,
          f"{out.returncode} {out.stderr[-300:]}")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
