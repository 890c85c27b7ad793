"""Proviso from Python: compile a support-contract policy once, evaluate it on records.

    import proviso
    policy = proviso.compile("policies/qlik/oem_maintenance.policy")
    decisions = policy.evaluate({"contract": {...}, "case": {...}})
    decisions["initial_response_due"]   # datetime.datetime with tzinfo, or None

Values come back as the Python types a user expects: datetime (with tzinfo: the home zone's
offset at that instant), date, timedelta, Decimal (decimals; a percent is its fraction, 25% ->
Decimal("0.25")), Money, int, bool, str (text and enum members), None; business durations and
periods stay in their text forms ("2 business days", "P12M"), lists and records as lists and
dicts of such values.

Records go in as dicts of the same kinds of values (or their JSON forms: "2026-03-02T09:00:00Z",
"12.50 EUR", "25%", "PT4H"). Plain values (dicts, str, int, bool, float, None) are read
straight into the engine's typed records; a record with other values (Decimal, datetime,
Money, lists) goes through its JSON form. Either way the checks and messages are those of a
JSON input.
"""
# Only what every use needs is imported here (json and dataclasses, typing's run-time part
# cost more than the engine's own start): annotations are not evaluated at run time.
from __future__ import annotations

import datetime as _dt
from collections import namedtuple as _namedtuple
from collections.abc import Iterable
from decimal import Decimal

from . import _proviso

__all__ = ["compile", "compile_text", "Policy", "Money", "CompileError", "InputError", "DecisionError", "Error"]

CompileError = _proviso.CompileError
CompileError.__doc__ = "A policy that does not compile; str(error) holds its diagnostics."


class Money:
    """An amount in a currency: Money(Decimal("12.50"), "USD"). Immutable; equal by value."""
    __slots__ = ("amount", "currency")

    def __init__(self, amount: Decimal, currency: str):
        object.__setattr__(self, "amount", amount)
        object.__setattr__(self, "currency", currency)

    def __setattr__(self, name, value):
        raise AttributeError("Money is immutable")

    def __eq__(self, other):
        if not isinstance(other, Money):
            return NotImplemented
        return self.amount == other.amount and self.currency == other.currency

    def __hash__(self):
        return hash((self.amount, self.currency))

    def __repr__(self):
        return f"Money(amount={self.amount!r}, currency={self.currency!r})"

    def __str__(self):
        return f"{self.amount} {self.currency}"


Error = _namedtuple("Error", ["path", "message"])
Error.__doc__ = ("Why an input of evaluate_many gave no decisions, or, as the value of one decision, why that "
                 "decision failed: the path involved and the message.")


class InputError(ValueError):
    """evaluate() on an input that cannot be decoded or evaluated."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


class DecisionError(InputError):
    """evaluate() on an input some of whose decisions failed (a division by zero, a calendar
    with no working time): `decisions` holds those that evaluated, `errors` maps each failed
    decision to its Error. The path and message are the first failure's."""

    def __init__(self, decisions: dict, errors: dict):
        first = next(iter(errors.values()))
        super().__init__(first.path, first.message)
        self.decisions = decisions
        self.errors = errors


def _json_default(value):
    # Records may carry Python values: written in the JSON forms the decoder reads.
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            raise TypeError(f"datetime {value} has no tzinfo: Proviso needs an instant")
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, Money):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, _dt.timedelta):
        return f"PT{int(value.total_seconds())}S"
    raise TypeError(f"{type(value).__name__} is not a Proviso input value")


def _json_of(record) -> str:
    import json
    return json.dumps(record, default=_json_default)


_proviso.set_types(Decimal, Money, Error)


class Policy:
    """A compiled policy: immutable, and safe to use from several threads."""

    def __init__(self, native):
        self._native = native
        self.info = native.info()

    @property
    def name(self) -> str:
        return self.info["name"]

    @property
    def version(self) -> str:
        return self.info["version"]

    @property
    def decisions(self) -> list[str]:
        return [name for name, _, _ in self.info["decisions"]]

    def evaluate(self, record: dict) -> dict:
        """The decisions for one record (a dict keyed by the policy's input names).
        Raises InputError when the record cannot be decoded or evaluated."""
        result = self._native.evaluate_values([record], _json_of, 1)[0]
        if isinstance(result, Error):
            raise InputError(result.path, result.message)
        errors = {name: value for name, value in result.items() if isinstance(value, Error)}
        if errors:
            raise DecisionError({n: v for n, v in result.items() if n not in errors}, errors)
        return result

    def evaluate_many(self, records: Iterable[dict], threads: int = 0) -> list[dict | Error]:
        """Decisions for each record, in order; a record that cannot be read gives an Error, a decision
        that fails gives an Error in its place in the dict, and the rest go on.
        The evaluations run without the GIL, on `threads` threads (0: available_cpus(); 1: this one)."""
        if threads < 0:
            raise ValueError("threads must be 0 (one per core) or more")
        return self._native.evaluate_values(list(records), _json_of, threads)

    def evaluate_ndjson(self, data: bytes, threads: int = 0) -> bytes:
        """NDJSON in, NDJSON out (one line per non-blank input line, in order, as `proviso eval`
        prints them), with no Python object per record. Runs without the GIL, on `threads`
        threads (0: available_cpus(); 1: this one)."""
        if threads < 0:
            raise ValueError("threads must be 0 (one per core) or more")
        return self._native.evaluate_ndjson(data, threads)

    def explain(self, record: dict) -> str:
        """Why each decision has its value, as `proviso eval --explain` prints it."""
        import json
        ok, line, text = self._native.evaluate_json(_json_of(record), True)
        if not ok:
            parsed = json.loads(line)
            if "error" in parsed:  # the input itself; failed decisions are explained in the text
                raise InputError(parsed["error"].get("path", ""), parsed["error"]["message"])
        return text


def available_cpus() -> int:
    """The CPUs this process may use, as `proviso eval` counts them: its affinity mask, capped by
    the CPU quota of its cgroup (a container's --cpus). Batches use that many threads by default."""
    return _proviso.available_cpus()


def compile(path: str, engine: str = "auto") -> Policy:  # noqa: A001 - the API's name
    """Reads, checks and prepares a policy file, and the module files it imports (relative to its
    directory). Raises CompileError with the diagnostics."""
    return Policy(_proviso.compile_file(str(path), engine))


def compile_text(text: str, name: str = "<text>", engine: str = "auto") -> Policy:
    """The same from policy text; `name` names it in diagnostics. Text has no directory: it may
    import the standard modules only (importing a module file is a CompileError)."""
    return Policy(_proviso.compile_text(text, name, engine))
