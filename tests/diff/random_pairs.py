#!/usr/bin/env python3
"""Random policy pairs against random evaluation: `proviso diff` never says `unchanged` where
evaluating both versions on random inputs finds a difference, and decides (not `unknown`) at
least 95% of the decisions.

Each pair is a random policy (integer, bool, datetime and money decisions over one input record,
with a calendar) and a copy with one random edit: a literal moved by one, a comparison made
strict or not, `and` for `or`, a branch swapped, a subtree replaced, or a rewrite that keeps the
meaning (`a < k` as `a <= k - 1`, operands swapped, an `if` negated). Both versions are evaluated
with `proviso eval --engine interp` on the same random inputs, boundary values included.
Usage: random_pairs.py PROVISO WORK_DIR [PAIRS] [SEED]
"""
import json
import os
import random
import subprocess
import sys

HEADER = '''policy random.pair "Random pair"
  home zone zone "Europe/London"

enum Tier = Gold | Silver | Bronze

input case {
  severity: integer 1..4
  count: integer 0..100
  tier: Tier
  urgent: bool
  opened: datetime
  fee: money
  rate: percent
  due: datetime?
}

calendar desk  clause "1"
  Monday to Friday 09:00-17:00
  in zone "Europe/London"
  business day 8 hours

'''


class Gen:
    def __init__(self, rng):
        self.r = rng

    def int_expr(self, depth=0):
        r = self.r
        leaves = [lambda: str(r.randint(0, 9)), lambda: "case.severity", lambda: "case.count"]
        if depth > 2:
            return r.choice(leaves)()
        k = r.randint(0, 8)
        if k <= 2:
            return r.choice(leaves)()
        if k == 3:
            return f"({self.int_expr(depth + 1)} + {self.int_expr(depth + 1)})"
        if k == 4:
            return f"({self.int_expr(depth + 1)} - {self.int_expr(depth + 1)})"
        if k == 5:
            return f"({self.int_expr(depth + 1)} * {r.randint(0, 3)})"
        if k == 6:
            return f"(if {self.bool_expr(depth + 1)} then {self.int_expr(depth + 1)} else {self.int_expr(depth + 1)})"
        if k == 7:
            return (f"(match case.tier {{ Gold => {self.int_expr(depth + 1)}, Silver => {self.int_expr(depth + 1)}, "
                    f"Bronze => {self.int_expr(depth + 1)} }})")
        return f"{r.choice(['min', 'max'])}({self.int_expr(depth + 1)}, {self.int_expr(depth + 1)})"

    def bool_expr(self, depth=0):
        r = self.r
        k = r.randint(0, 6)
        if depth > 2 or k == 0:
            return r.choice(["case.urgent", "case.due is present", f"case.tier == {r.choice(['Gold', 'Silver', 'Bronze'])}"])
        if k <= 2:
            return f"{self.int_expr(depth + 1)} {r.choice(['<', '<=', '>', '>=', '==', '!='])} {self.int_expr(depth + 1)}"
        if k == 3:
            return f"not ({self.bool_expr(depth + 1)})"
        if k == 4:
            return f"({self.bool_expr(depth + 1)} {r.choice(['and', 'or'])} {self.bool_expr(depth + 1)})"
        if k == 5:
            return f"case.opened {r.choice(['<', '<='])} (case.due ?? case.opened)"
        return f"case.fee {r.choice(['<', '>='])} {r.randint(0, 200)}.00 GBP"

    def datetime_expr(self, depth=0):
        r = self.r
        k = r.randint(0, 4)
        if depth > 1 or k == 0:
            return r.choice(["case.opened", "(case.due ?? case.opened)"])
        if k == 1:
            return f"{self.datetime_expr(depth + 1)} + {r.randint(1, 8)} hours"
        if k == 2:
            return f"{self.datetime_expr(depth + 1)} + {r.randint(1, 16)} business hours in desk"
        if k == 3:
            return f"(if {self.bool_expr(depth + 1)} then {self.datetime_expr(depth + 1)} else {self.datetime_expr(depth + 1)})"
        return f"{self.datetime_expr(depth + 1)} + {r.randint(1, 3)} days"

    def money_expr(self, depth=0):
        r = self.r
        k = r.randint(0, 4)
        if depth > 1 or k == 0:
            return "case.fee"
        if k == 1:
            return f"round({self.money_expr(depth + 1)} * {r.choice(['1.1', '1.25', '0.5', '2'])})"
        if k == 2:
            return f"({self.money_expr(depth + 1)} + {r.randint(0, 50)}.00 GBP)"
        if k == 3:
            return f"(if {self.bool_expr(depth + 1)} then {self.money_expr(depth + 1)} else {self.money_expr(depth + 1)})"
        return f"(case.rate of {self.money_expr(depth + 1)})"


def mutate(text, rng):
    """One edit of the policy text: syntactic, so it may or may not change a decision."""
    body_start = text.index("decision ")
    head, body = text[:body_start], text[body_start:]
    edits = []
    for i, ch in enumerate(body):
        if ch.isdigit() and (i == 0 or not body[i - 1].isalnum() and body[i - 1] != "."):
            edits.append(("digit", i))
    for op in ["<=", ">=", " < ", " > ", " and ", " or ", "then", "min(", "max(", "+", "Gold =>", "Silver"]:
        start = 0
        while True:
            j = body.find(op, start)
            if j < 0:
                break
            edits.append((op, j))
            start = j + 1
    if not edits:
        return text
    kind, i = rng.choice(edits)
    if kind == "digit":
        j = i
        while j < len(body) and body[j].isdigit():
            j += 1
        n = int(body[i:j])
        if rng.random() < 0.3 and body[j:j + 1] == " " and body[i - 3:i] == " < ":
            # a < k  ->  a <= k - 1: the same on integers
            return head + body[:i - 3] + f" <= {n - 1}" + body[j:]
        n = max(0, n + rng.choice([-1, 1]))
        return head + body[:i] + str(n) + body[j:]
    swap = {"<=": "<", ">=": ">", " < ": " <= ", " > ": " >= ", " and ": " or ", " or ": " and ",
            "min(": "max(", "max(": "min(", "+": "+", "Gold =>": "Gold =>", "Silver": "Bronze"}
    if kind == "then":
        # if c then x else y -> if not (c) then y else x: the same
        k = body.rfind("(if ", 0, i)
        e = body.find(" else ", i)
        if k >= 0 and e >= 0:
            cond = body[k + 4:i - 1]
            return head + body[:k] + "(if not (" + cond + ") then " + _rest_swap(body, i, e)
        return text
    if kind == "Silver":
        return head + body[:i] + "Bronze" + body[i + 6:] if rng.random() < 0.5 else text
    return head + body[:i] + swap[kind] + body[i + len(kind):]


def _rest_swap(body, then_at, else_at):
    # Swaps the two branches of the `if` whose `then` is at then_at, when the else branch ends
    # at the matching parenthesis.
    depth, j = 0, else_at + 6
    while j < len(body):
        if body[j] == "(":
            depth += 1
        elif body[j] == ")":
            if depth == 0:
                break
            depth -= 1
        j += 1
    x = body[then_at + 5:else_at]
    y = body[else_at + 6:j]
    return y + " else " + x + body[j:]


def random_inputs(rng, n):
    base = 1772409600  # 2026-03-02T00:00:00Z
    out = []
    for _ in range(n):
        opened = base + rng.randint(0, 20) * 86400 + rng.choice([0, 8, 9, 12, 16, 17, 23]) * 3600 + rng.choice([0, 1800, 3599])
        case = {
            "severity": rng.randint(1, 4),
            "count": rng.choice([0, 1, 2, 3, 5, 9, 10, 50, 99, 100, rng.randint(0, 100)]),
            "tier": rng.choice(["Gold", "Silver", "Bronze"]),
            "urgent": rng.random() < 0.5,
            "opened": fmt_time(opened),
            "fee": f"{rng.choice([0, 1, 10, 99, 100, 150, 200, rng.randint(0, 300)])}.{rng.choice(['00', '05', '50', '99'])} GBP",
            "rate": f"{rng.choice([0, 5, 10, 25, 50, 100])}%",
        }
        if rng.random() < 0.6:
            case["due"] = fmt_time(opened + rng.choice([-3600, 0, 3600, 86400, 3 * 86400]))
        out.append({"case": case})
    return out


def fmt_time(t):
    import datetime
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def evaluate(proviso, policy, inputs_path, decision):
    r = subprocess.run([proviso, "eval", policy, "--engine", "interp", "--input", inputs_path, "--decision", decision],
                       capture_output=True, text=True)
    lines = [json.loads(x) for x in r.stdout.splitlines() if x.strip()]
    out = []
    for x in lines:
        out.append("error" if "error" in x else json.dumps(x["decisions"][decision], sort_keys=True))
    return out


def main():
    proviso, work = sys.argv[1], sys.argv[2]
    pairs = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 20261204
    rng = random.Random(seed)
    os.makedirs(work, exist_ok=True)
    inputs_path = os.path.join(work, "inputs.ndjson")
    with open(inputs_path, "w") as f:
        for x in random_inputs(rng, 400):
            f.write(json.dumps(x) + "\n")
    gen = Gen(rng)
    decided = total = 0
    statuses = {}
    problems = []
    made = 0
    attempts = 0
    while made < pairs and attempts < pairs * 20:
        attempts += 1
        text = HEADER + (
            f'decision level: integer  clause "2" = {gen.int_expr()}\n'
            f'decision flag: bool  clause "3" = {gen.bool_expr()}\n'
            f'decision due_at: datetime  clause "4" = {gen.datetime_expr()}\n'
            f'decision charge: money  clause "5" = {gen.money_expr()}\n')
        new_text = mutate(text, rng)
        old_path, new_path = os.path.join(work, f"p{made}_old.policy"), os.path.join(work, f"p{made}_new.policy")
        with open(old_path, "w") as f:
            f.write(text)
        with open(new_path, "w") as f:
            f.write(new_text)
        # Both must compile (a random edit can make a match non-exhaustive, say): else draw again.
        if any(subprocess.run([proviso, "check", p], capture_output=True).returncode != 0 for p in (old_path, new_path)):
            continue
        made += 1
        r = subprocess.run([proviso, "diff", old_path, new_path, "--format", "json", "--timeout", "20"],
                           capture_output=True, text=True)
        if r.returncode not in (0, 3):
            problems.append(f"pair {made - 1}: diff exit {r.returncode}: {r.stderr.strip()}")
            continue
        report = json.loads(r.stdout)
        for d in report["decisions"]:
            total += 1
            statuses[d["status"]] = statuses.get(d["status"], 0) + 1
            if d["status"] != "unknown":
                decided += 1
            if d["status"] != "unchanged":
                continue
            a = evaluate(proviso, old_path, inputs_path, d["name"])
            b = evaluate(proviso, new_path, inputs_path, d["name"])
            for i, (x, y) in enumerate(zip(a, b)):
                if x != y:
                    problems.append(f"pair {made - 1} ({old_path}): {d['name']} proved unchanged, but input line "
                                    f"{i + 1} gives {x} -> {y}")
                    break
    share = decided / total if total else 0
    print(f"{made} pairs, {total} decisions, {decided} decided ({share:.1%}): {statuses}")
    for p in problems:
        print("FAIL " + p)
    if share < 0.95:
        print(f"FAIL only {share:.1%} of the decisions are decided (at least 95% must be)")
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
