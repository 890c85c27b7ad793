"""Proviso from Python: compile a support-contract policy once, evaluate it on records.

    import proviso
    policy = proviso.compile("policies/qlik/oem_maintenance.policy")
    decisions = policy.evaluate({"contract": {...}, "case": {...}})
    decisions["initial_response_due"]   # datetime.datetime with tzinfo, or None

Values come back as the Python types a user expects: datetime (with tzinfo), date, timedelta,
Decimal (decimals; a percent is its fraction, 25% -> Decimal("0.25")), Money, int, bool, str
(text and enum members), None; business durations and periods stay in their text forms
("2 business days", "P12M"), lists and records as lists and dicts.
"""
import datetime as _dt
import json as _json
import re as _re
from dataclasses import dataclass as _dataclass
from decimal import Decimal
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Union

from . import _proviso

__all__ = ["compile", "compile_text", "Policy", "Money", "CompileError", "InputError", "Error"]

CompileError = _proviso.CompileError
CompileError.__doc__ = "A policy that does not compile; str(error) holds its diagnostics."


@_dataclass(frozen=True)
class Money:
    """An amount in a currency: Money(Decimal("12.50"), "USD")."""
    amount: Decimal
    currency: str

    def __str__(self):
        return f"{self.amount} {self.currency}"


class Error(NamedTuple):
    """Why one input of evaluate_many gave no decisions: the input path and the message."""
    path: str
    message: str


class InputError(ValueError):
    """evaluate() on an input that cannot be decoded or evaluated."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


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


_DURATION = _re.compile(r"^(-)?PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$")


def _convert(value: Any, type_text: str) -> Any:
    if value is None:
        return None
    base = type_text.strip()
    if base.endswith("?"):
        base = base[:-1].strip()
    if base.startswith("(") and base.endswith(")"):
        base = base[1:-1]
    if base == "datetime":
        return _dt.datetime.fromisoformat(value)
    if base == "date":
        return _dt.date.fromisoformat(value)
    if base == "decimal":
        return Decimal(value)
    if base == "percent":
        return Decimal(value.rstrip("%")) / 100
    if base == "money":
        amount, currency = value.split(" ")
        return Money(Decimal(amount), currency)
    if base == "duration":
        m = _DURATION.match(value)
        if m:
            sign = -1 if m.group(1) else 1
            h, mi, s = (int(x or 0) for x in m.groups()[1:])
            return sign * _dt.timedelta(hours=h, minutes=mi, seconds=s)
        return value
    if base.startswith("list of ") and isinstance(value, list):
        return [_convert(x, base[len("list of "):]) for x in value]
    return value


class Policy:
    """A compiled policy: immutable, and safe to use from several threads."""

    def __init__(self, native):
        self._native = native
        self.info = native.info()
        self._types = {name: type_text for name, type_text, _ in self.info["decisions"]}

    @property
    def name(self) -> str:
        return self.info["name"]

    @property
    def version(self) -> str:
        return self.info["version"]

    @property
    def decisions(self) -> List[str]:
        return [name for name, _, _ in self.info["decisions"]]

    def _values(self, line: str) -> Union[Dict[str, Any], Error]:
        out = _json.loads(line)
        if "error" in out:
            return Error(out["error"].get("path", ""), out["error"]["message"])
        return {k: _convert(v, self._types.get(k, "")) for k, v in out["decisions"].items()}

    def evaluate(self, record: Dict[str, Any]) -> Dict[str, Any]:
        """The decisions for one record (a dict keyed by the policy's input names).
        Raises InputError when the record cannot be decoded or evaluated."""
        ok, line, _ = self._native.evaluate_json(_json.dumps(record, default=_json_default))
        result = self._values(line)
        if isinstance(result, Error):
            raise InputError(result.path, result.message)
        return result

    def evaluate_many(self, records: Iterable[Dict[str, Any]]) -> List[Union[Dict[str, Any], Error]]:
        """Decisions for each record, in order; a record that fails gives an Error and the rest go on.
        The evaluations run without the GIL."""
        texts = [_json.dumps(r, default=_json_default) for r in records]
        return [self._values(line) for line in self._native.evaluate_json_many(texts)]

    def evaluate_ndjson(self, data: bytes) -> bytes:
        """NDJSON in, NDJSON out (one line per input line, as `proviso eval` prints), with no
        Python object per record. Runs without the GIL."""
        return self._native.evaluate_ndjson(data)

    def explain(self, record: Dict[str, Any]) -> str:
        """Why each decision has its value, as `proviso eval --explain` prints it."""
        ok, line, text = self._native.evaluate_json(_json.dumps(record, default=_json_default), True)
        if not ok:
            err = _json.loads(line)["error"]
            raise InputError(err.get("path", ""), err["message"])
        return text


def compile(path: str, engine: str = "auto") -> Policy:  # noqa: A001 - the API's name
    """Reads, checks and prepares a policy file. Raises CompileError with the diagnostics."""
    return Policy(_proviso.compile_file(str(path), engine))


def compile_text(text: str, name: str = "<text>", engine: str = "auto") -> Policy:
    """The same from policy text; `name` names it in diagnostics."""
    return Policy(_proviso.compile_text(text, name, engine))
