"""The Python module against the shipped Qlik policy: values as Python types, errors, batches
in order, NDJSON without Python objects, explanations, threads.
Run: PYTHONPATH=BUILD/python SOURCE_DIR=. python3 -m pytest python/tests"""
import datetime as dt
import json
import os
import threading
from decimal import Decimal

import pytest

import proviso

SRC = os.environ.get("PROVISO_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
QLIK = os.path.join(SRC, "policies", "qlik", "oem_maintenance.policy")
CASES = os.path.join(SRC, "policies", "qlik", "deadlines.ndjson")


@pytest.fixture(scope="module")
def qlik():
    return proviso.compile(QLIK, engine="interpreter")


def records(n):
    with open(CASES) as f:
        return [json.loads(line) for line, _ in zip(f, range(n))]


def test_metadata(qlik):
    assert qlik.name == "qlik.oem_maintenance"
    assert "initial_response_due" in qlik.decisions
    assert qlik.info["engine"] == "interpreter"
    assert qlik.info["content_hash"].startswith("sha256:")
    assert ("case.severity", "integer 1..3", False) in qlik.info["fields"]


def test_values_are_python_types(qlik):
    r = records(50)
    out = [qlik.evaluate(x) for x in r]
    due = [o["initial_response_due"] for o in out if o["initial_response_due"] is not None]
    assert due and all(isinstance(d, dt.datetime) and d.tzinfo is not None for d in due)
    assert all(isinstance(o["coverage"], str) for o in out)


def test_money_and_decimals():
    p = proviso.compile_text(
        'policy fee "Fee"\n  home zone zone "UTC"\n'
        'input contract {\n  annual_fee: money\n  rate: percent\n  since: date\n}\n'
        'decision renewal: money  clause "1" = round(contract.annual_fee * 1.15)\n'
        'decision rate: percent  clause "2" = contract.rate\n'
        'decision since: date  clause "3" = contract.since\n'
        'decision notice: duration  clause "4" = 90 minutes\n',
        engine="interpreter")
    out = p.evaluate({"contract": {"annual_fee": proviso.Money(Decimal("1000.00"), "EUR"), "rate": "25%",
                                   "since": dt.date(2026, 1, 31)}})
    assert out["renewal"] == proviso.Money(Decimal("1150.00"), "EUR")
    assert out["rate"] == Decimal("0.25")
    assert out["since"] == dt.date(2026, 1, 31)
    assert out["notice"] == dt.timedelta(minutes=90)


def test_input_error_raises_and_many_goes_on(qlik):
    good = records(2)
    bad = {"contract": good[0]["contract"], "case": dict(good[0]["case"], severity=7)}
    with pytest.raises(proviso.InputError) as e:
        qlik.evaluate(bad)
    assert e.value.path == "case.severity"
    out = qlik.evaluate_many([good[0], bad, good[1]])
    assert isinstance(out[1], proviso.Error) and out[1].path == "case.severity"
    assert out[0] == qlik.evaluate(good[0]) and out[2] == qlik.evaluate(good[1])


PARTIAL = ('policy partial "Partial"\n  home zone zone "UTC"\n'
           'input case {\n  count: integer\n  total: money\n}\n'
           'decision share: money  clause "1" = case.total / case.count\n'
           'decision doubled: money  clause "2" = share * 2\n'
           'decision next: integer  clause "3" = case.count + 1\n')


@pytest.mark.parametrize("engine", ["interpreter", "auto"])
def test_a_failing_decision_leaves_the_others(engine):
    p = proviso.compile_text(PARTIAL, "partial.policy", engine=engine)
    zero = {"case": {"count": 0, "total": "10.00 USD"}}
    with pytest.raises(proviso.DecisionError) as e:
        p.evaluate(zero)
    assert e.value.decisions == {"next": 1}
    assert set(e.value.errors) == {"share", "doubled"}
    assert e.value.errors["share"].message == "division of 10.00 by zero"
    assert isinstance(e.value, proviso.InputError) and e.value.message == "division of 10.00 by zero"
    out = p.evaluate_many([zero, {"case": {"count": 2, "total": "10.00 USD"}}])
    assert out[0]["next"] == 1 and isinstance(out[0]["share"], proviso.Error)
    assert out[1]["share"] == proviso.Money(Decimal("5.00"), "USD")
    line = json.loads(p.evaluate_ndjson(json.dumps(zero).encode()).decode())
    assert line["decisions"] == {"next": 1}
    assert line["errors"]["share"]["location"] == "partial.policy:7:37"
    assert "share failed (clause 1):" in p.explain(zero)


def test_compile_error_carries_diagnostics(tmp_path):
    bad = tmp_path / "bad.policy"
    bad.write_text('policy x "X"\ndecision d: integer clause "1" = nosuch\n')
    with pytest.raises(proviso.CompileError) as e:
        proviso.compile(str(bad))
    assert "bad.policy:2:" in str(e.value)
    with pytest.raises(ValueError):
        proviso.compile(QLIK, engine="fast")


def test_ndjson_matches_eval_lines(qlik):
    with open(CASES, "rb") as f:
        data = b"".join(line for line, _ in zip(f, range(100)))
    out = qlik.evaluate_ndjson(data + b"\n\n").decode().splitlines()
    assert len(out) == 100
    one_by_one = [qlik._native.evaluate_json(line.decode(), False)[1] for line in data.splitlines()]
    assert out == one_by_one


def from_json_line(line, types):
    """An independent reading of a JSON line into the documented Python types (the oracle)."""
    out = json.loads(line)
    if "error" in out:
        return proviso.Error(out["error"]["path"], out["error"]["message"])

    def convert(v, t):
        t = t.rstrip("?").strip()
        if v is None:
            return None
        if t == "datetime":
            return dt.datetime.fromisoformat(v)
        if t == "date":
            return dt.date.fromisoformat(v)
        if t == "decimal":
            return Decimal(v)
        if t == "percent":
            return Decimal(v.rstrip("%")) / 100
        if t == "money":
            amount, currency = v.split(" ")
            return proviso.Money(Decimal(amount), currency)
        if t == "duration":
            sign, rest = (-1, v[3:]) if v.startswith("-") else (1, v[2:])
            seconds, number = 0, ""
            for c in rest:
                if c.isdigit():
                    number += c
                else:
                    seconds += int(number) * {"H": 3600, "M": 60, "S": 1}[c]
                    number = ""
            return sign * dt.timedelta(seconds=seconds)
        if t.startswith("list of "):
            return [convert(x, t[len("list of "):]) for x in v]
        return v

    return {k: convert(v, types[k]) for k, v in out["decisions"].items()}


@pytest.mark.parametrize("policy_file,cases_file", [
    ("policies/qlik/oem_maintenance.policy", "policies/qlik/deadlines.ndjson"),
    ("policies/bench/triage.policy", "policies/bench/triage.ndjson"),
])
def test_typed_path_agrees_with_json_lines(policy_file, cases_file):
    policy = proviso.compile(os.path.join(SRC, policy_file))
    types = {name: t for name, t, _ in policy.info["decisions"]}
    with open(os.path.join(SRC, cases_file)) as f:
        lines = [line for line, _ in zip(f, range(400))]
    dicts = [json.loads(line) for line in lines]
    # Damaged copies: a wrong type, an out-of-range or unknown value, an unknown key, a list.
    bad = []
    for i, d in enumerate(dicts[:60]):
        d = json.loads(json.dumps(d))
        name = next(iter(d))
        field = list(d[name])[i % len(d[name])]
        d[name][field] = [None, -7, "nope", True, [1], {"x": 1}][i % 6]
        if i % 10 == 9:
            d[name]["no_such_field"] = 1
        bad.append(d)
    inputs = dicts + bad
    expected = [from_json_line(line, types) for line in
                policy.evaluate_ndjson("\n".join(json.dumps(d) for d in inputs).encode()).decode().splitlines()]
    assert len(expected) == len(inputs)
    got = policy.evaluate_many(inputs)
    assert got == expected
    assert policy.evaluate_many(inputs, threads=1) == expected
    assert sum(isinstance(g, proviso.Error) for g in got) >= 50
    for d, e in zip(inputs[:20], expected[:20]):
        assert policy.evaluate(d) == e


def test_ndjson_threads_keep_order(qlik):
    with open(CASES, "rb") as f:
        data = f.read()
    data = data + b"\n   \n" + data  # blank lines inside a chunk are skipped
    one = qlik.evaluate_ndjson(data, threads=1)
    assert one.count(b"\n") == data.count(b"{\"contract\"")
    for threads in (2, 3, 7):
        assert qlik.evaluate_ndjson(data, threads=threads) == one
    assert qlik.evaluate_ndjson(b"") == b""
    # Output far larger than the input (the bytes object grows while written): error lines.
    small = b"{}\n" * 100000
    grown = qlik.evaluate_ndjson(small, threads=1)
    assert grown.count(b"\n") == 100000 and len(grown) > 20 * len(small)
    assert qlik.evaluate_ndjson(small, threads=3) == grown
    with pytest.raises(ValueError):
        qlik.evaluate_ndjson(data, threads=-1)


def test_batches_use_the_cpus_this_process_may_use():
    # One CPU in the affinity mask: one thread by default (not one per core of the machine).
    import subprocess
    import sys

    code = (
        "import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
        "import proviso; print(proviso.available_cpus())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"
    assert 1 <= proviso.available_cpus() <= len(os.sched_getaffinity(0))


def test_explain(qlik):
    text = qlik.explain(records(1)[0])
    assert "because" in text


def test_threads_share_a_policy(qlik):
    r = records(200)
    expected = qlik.evaluate_many(r)
    results = [None] * 8

    def work(i):
        results[i] = qlik.evaluate_many(r[i * 10:] + r[:i * 10])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(8):
        assert results[i] == expected[i * 10:] + expected[:i * 10]
