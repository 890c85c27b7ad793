"""A help desk's SLA worker in Python: compile the support contract's policy once, then read
cases as JSON lines on standard input and print one line per case for the ticket queue: its
coverage, the exclusions that apply, when the first response and the next update are due, and
any reinstatement fee. Cases are evaluated in batches (evaluate_many); a case that cannot be
evaluated gets an error line naming the field, and the others go on.

    PYTHONPATH=PREFIX/lib/python3/dist-packages python3 sla_worker.py POLICY < cases.ndjson

Each line is tab-separated: case number, coverage, exclusions (comma-separated, or -),
initial response due, next update due (as "Tue 2026-10-20 09:26 +0100" in the contract's home
zone, or -) and the reinstatement fee (or -); or the case number, "error" and the message.
A summary goes to standard error. Exit status: 0, or 1 when a case could not be evaluated.
"""
import itertools
import json
import sys

import proviso

BATCH = 500  # cases per evaluate_many call


def when(due):
    """A deadline as the queue shows it: weekday, date, time and UTC offset, or -."""
    return "-" if due is None else due.strftime("%a %Y-%m-%d %H:%M %z")


def line_for(number, decisions):
    if isinstance(decisions, proviso.Error):
        where = f"{decisions.path}: " if decisions.path else ""
        return f"{number}\terror\t{where}{decisions.message}"
    fee = decisions["reinstatement_fee"]
    return "\t".join([
        str(number),
        decisions["coverage"],
        ",".join(decisions["exclusions"]) or "-",
        when(decisions["initial_response_due"]),
        when(decisions["next_update_due"]),
        "-" if fee is None else f"{fee.amount} {fee.currency}",
    ])


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} POLICY < cases.ndjson", file=sys.stderr)
        return 2
    try:
        policy = proviso.compile(argv[1])
    except proviso.CompileError as e:
        print(e, file=sys.stderr)
        return 1
    lines = (line for line in sys.stdin if line.strip())
    count = failed = 0
    covered = {}
    while batch := list(itertools.islice(lines, BATCH)):
        records = []
        for text in batch:
            try:
                records.append(json.loads(text))
            except ValueError as e:
                records.append(proviso.Error("", f"not JSON: {e}"))
        # Records that are not JSON stay in place as errors; the others are evaluated together.
        readable = [r for r in records if not isinstance(r, proviso.Error)]
        results = iter(policy.evaluate_many(readable))
        for record in records:
            decisions = record if isinstance(record, proviso.Error) else next(results)
            count += 1
            if isinstance(decisions, proviso.Error):
                failed += 1
            else:
                covered[decisions["coverage"]] = covered.get(decisions["coverage"], 0) + 1
            print(line_for(count, decisions))
        sys.stdout.flush()
    summary = ", ".join(f"{n} {name}" for name, n in sorted(covered.items()))
    print(f"{policy.name} {policy.version}: {count} cases ({summary or 'none evaluated'}), "
          f"{failed} not evaluated", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
