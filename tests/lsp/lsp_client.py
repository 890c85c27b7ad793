"""A small JSON-RPC client for `proviso lsp`, for the tests and the measurements: starts the
server, frames messages, matches responses to requests and keeps the notifications."""
import atexit
import json
import os
import queue
import subprocess
import threading
import time


class LspClient:
    def __init__(self, proviso, debounce_ms=0, utf8=False, cwd=None):
        self.proc = subprocess.Popen([proviso, "lsp", "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=None, cwd=cwd)  # its stderr (a sanitizer's report) goes to the test's
        # Killed at exit if still running, so a test that stops early leaves no server behind.
        atexit.register(lambda p=self.proc: p.poll() is None and p.kill())
        self.next_id = 0
        self.responses = {}
        self.notifications = queue.Queue()
        self.cond = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        caps = {"general": {"positionEncodings": ["utf-8", "utf-16"] if utf8 else ["utf-16"]}}
        self.init = self.request("initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": caps,
                                                "initializationOptions": {"debounceMs": debounce_ms}})
        self.notify("initialized", {})
        self.versions = {}

    def _read(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    with self.cond:
                        self.cond.notify_all()
                    return
                line = line.decode().rstrip("\r\n")
                if not line:
                    break
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            body = out.read(int(headers["content-length"]))
            msg = json.loads(body)
            if "id" in msg and "method" not in msg:
                with self.cond:
                    self.responses[msg["id"]] = msg
                    self.cond.notify_all()
            else:
                self.notifications.put(msg)

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def request_full(self, method, params, timeout=30):
        self.next_id += 1
        rid = self.next_id
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        deadline = time.time() + timeout
        with self.cond:
            while rid not in self.responses:
                left = deadline - time.time()
                if left <= 0 or self.proc.poll() is not None and rid not in self.responses:
                    raise AssertionError(f"no response to {method}")
                self.cond.wait(left)
            return self.responses.pop(rid)

    def request(self, method, params, timeout=30):
        msg = self.request_full(method, params, timeout)
        if "error" in msg:
            raise AssertionError(f"{method} failed: {msg['error']}")
        return msg["result"]

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_notification(self, method, pred=lambda p: True, timeout=30):
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError(f"no {method} notification")
            try:
                msg = self.notifications.get(timeout=left)
            except queue.Empty:
                continue
            if msg.get("method") == method and pred(msg.get("params")):
                return msg["params"]

    def diagnostics(self, uri, version=None, timeout=30):
        return self.wait_notification(
            "textDocument/publishDiagnostics",
            lambda p: p["uri"] == uri and (version is None or p.get("version") == version), timeout)["diagnostics"]

    def open(self, uri, text):
        self.versions[uri] = 1
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "policy", "version": 1,
                                                              "text": text}})

    def change(self, uri, changes):
        self.versions[uri] += 1
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": self.versions[uri]},
                                               "contentChanges": changes})
        return self.versions[uri]

    def close(self):
        result = self.request("shutdown", None)
        self.notify("exit", None)
        code = self.proc.wait(timeout=10)
        return result, code
